/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Lenient readers: the platforms send numbers as strings and booleans as
 * "true"/"false" depending on the endpoint and version, so every reader
 * accepts both forms. */

JsonNode   *yq_json_parse_bytes          (GBytes      *bytes,
                                          GError     **error);
gboolean    yq_json_node_get_bool_lenient (JsonNode   *node,
                                           gboolean   *out);
gboolean    yq_json_node_get_int_lenient (JsonNode    *node,
                                          gint64      *out);
char       *yq_json_node_dup_string_lenient (JsonNode *node);
gboolean    yq_json_get_bool_lenient     (JsonObject  *object,
                                          const char  *member,
                                          gboolean    *out);
gboolean    yq_json_get_int_lenient      (JsonObject  *object,
                                          const char  *member,
                                          gint64      *out);
char       *yq_json_dup_string_lenient   (JsonObject  *object,
                                          const char  *member);
JsonObject *yq_json_get_object           (JsonObject  *object,
                                          const char  *member);
JsonArray  *yq_json_get_array            (JsonObject  *object,
                                          const char  *member);
char       *yq_json_to_string            (JsonNode    *node);

G_END_DECLS
