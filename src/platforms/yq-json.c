/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-platform"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "yq-json.h"

JsonNode *
yq_json_parse_bytes (GBytes  *bytes,
                     GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &len) : NULL;

  if (data == NULL || len == 0)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "empty body");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "empty document");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

gboolean
yq_json_node_get_bool_lenient (JsonNode *node,
                               gboolean *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      if (g_ascii_strcasecmp (s, "true") == 0)
        {
          *out = TRUE;
          return TRUE;
        }
      if (g_ascii_strcasecmp (s, "false") == 0)
        {
          *out = FALSE;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
yq_json_node_get_int_lenient (JsonNode *node,
                              gint64   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (!isfinite (d) || d != floor (d) || fabs (d) > 9.0e15)
        return FALSE;
      *out = (gint64) d;
      return TRUE;
    }
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      g_autofree char *trimmed = g_strstrip (g_strdup (s));
      char *end = NULL;
      gint64 v;

      if (*trimmed == '\0')
        return FALSE;
      errno = 0;
      v = g_ascii_strtoll (trimmed, &end, 10);
      if (errno != 0 || end == trimmed || *end != '\0')
        return FALSE;
      *out = v;
      return TRUE;
    }

  return FALSE;
}

/* Strings as they are; integers in decimal (accountId is a number in some
 * answers and a string in others); NULL for null, objects and "". */
char *
yq_json_node_dup_string_lenient (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);

      return (s != NULL && *s != '\0') ? g_strdup (s) : NULL;
    }
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      gint64 v;

      if (yq_json_node_get_int_lenient (node, &v))
        return g_strdup_printf ("%" G_GINT64_FORMAT, v);
      return NULL;
    }
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  return NULL;
}

gboolean
yq_json_get_bool_lenient (JsonObject *object,
                          const char *member,
                          gboolean   *out)
{
  if (object == NULL)
    return FALSE;
  return yq_json_node_get_bool_lenient (json_object_get_member (object, member), out);
}

gboolean
yq_json_get_int_lenient (JsonObject *object,
                         const char *member,
                         gint64     *out)
{
  if (object == NULL)
    return FALSE;
  return yq_json_node_get_int_lenient (json_object_get_member (object, member), out);
}

char *
yq_json_dup_string_lenient (JsonObject *object,
                            const char *member)
{
  if (object == NULL)
    return NULL;
  return yq_json_node_dup_string_lenient (json_object_get_member (object, member));
}

JsonObject *
yq_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
yq_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

char *
yq_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}
