/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-sim-server.h"

G_BEGIN_DECLS

typedef struct _YqSimZwdd YqSimZwdd;
typedef struct _YqSimYzj  YqSimYzj;

/* Decoded name/value pairs in wire order; names may repeat. */
typedef struct
{
  GPtrArray *names;
  GPtrArray *values;
} YqSimParams;

YqSimParams *yq_sim_params_new       (void);
YqSimParams *yq_sim_params_parse     (const char   *encoded,
                                      gssize        length);
void         yq_sim_params_add       (YqSimParams  *params,
                                      const char   *name,
                                      const char   *value);
void         yq_sim_params_free      (YqSimParams  *params);
const char  *yq_sim_params_get       (YqSimParams  *params,
                                      const char   *name);
GPtrArray   *yq_sim_params_get_all   (YqSimParams  *params,
                                      const char   *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSimParams, yq_sim_params_free)

typedef struct
{
  YqSimServer       *server;
  SoupServerMessage *msg;
  const char        *method;
  char              *path;
  YqSimParams       *query;
  GBytes            *body;
  char              *content_type;
  gboolean           is_platform;
  YqSimPlatform      platform;
  gint64             received_usec;

  guint              status;
  char              *response_type;
  char              *response_body;
  gsize              response_length;
  char              *location;
  gboolean           deferred;
  gboolean           paused;
  gboolean           finished;
} YqSimRequest;

const char  *yq_sim_request_get_body        (YqSimRequest *req,
                                             gsize        *length);
const char  *yq_sim_request_get_header      (YqSimRequest *req,
                                             const char   *name);
void         yq_sim_request_respond         (YqSimRequest *req,
                                             guint         status,
                                             const char   *content_type,
                                             char         *body,
                                             gsize         length);
void         yq_sim_request_respond_json    (YqSimRequest *req,
                                             guint         status,
                                             JsonNode     *root);
void         yq_sim_request_respond_builder (YqSimRequest *req,
                                             guint         status,
                                             JsonBuilder  *builder);
void         yq_sim_request_redirect        (YqSimRequest *req,
                                             const char   *location);
void         yq_sim_request_defer           (YqSimRequest *req);
void         yq_sim_request_finish          (YqSimRequest *req);

YqSimZwdd   *yq_sim_server_get_zwdd         (YqSimServer  *self);
YqSimYzj    *yq_sim_server_get_yzj          (YqSimServer  *self);
char        *yq_sim_server_new_request_id   (YqSimServer  *self);
char        *yq_sim_server_random_hex       (YqSimServer  *self,
                                             guint         n_digits);
JsonObject  *yq_sim_server_add_record       (YqSimServer  *self,
                                             const char   *kind);
void         yq_sim_server_touch_record     (YqSimServer  *self,
                                             JsonObject   *record);
JsonNode    *yq_sim_server_list_records     (YqSimServer  *self,
                                             const char   *kind);
void         yq_sim_server_reset_records    (YqSimServer  *self);
JsonNode    *yq_sim_server_counters_to_json (YqSimServer  *self);
void         yq_sim_server_reset_counters   (YqSimServer  *self);
YqSimConfig *yq_sim_server_get_mutable_config (YqSimServer *self);

/* JSON helpers shared by the handlers. */
JsonNode    *yq_sim_json_parse              (const char   *text,
                                             gsize         length,
                                             GError      **error);
const char  *yq_sim_json_get_string         (JsonObject   *object,
                                             const char   *name);
const char  *yq_sim_json_node_string        (JsonNode     *node);
JsonObject  *yq_sim_json_array_object       (JsonArray    *array,
                                             guint         index);
gboolean     yq_sim_json_get_int            (JsonObject   *object,
                                             const char   *name,
                                             gint64       *value);
char        *yq_sim_json_scalar_to_string   (JsonObject   *object,
                                             const char   *name);
void         yq_sim_json_add_string         (JsonBuilder  *builder,
                                             const char   *name,
                                             const char   *value);
void         yq_sim_json_add_int            (JsonBuilder  *builder,
                                             const char   *name,
                                             gint64        value);
void         yq_sim_json_add_bool           (JsonBuilder  *builder,
                                             const char   *name,
                                             gboolean      value);

G_END_DECLS
