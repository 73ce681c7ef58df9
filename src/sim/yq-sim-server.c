/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * One SoupServer on 127.0.0.1 serves both platforms, since their paths do
 * not collide (云之家 lives under /gateway/ and /pubacc/), plus the admin
 * API under /_sim/. A second listener plays the 政务钉钉 QR "login host".
 *
 * Every platform request goes through the same pipeline: count it, apply the
 * QPS cap and the 5xx rate, let the platform module answer, then cut the body
 * short (malformed rate) and hold the answer back for the injected latency.
 * Holding back pauses the message and resumes it from a timeout, so a slow
 * answer never blocks the others.
 */

#define G_LOG_DOMAIN "yq-sim"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "yq-sim-admin.h"
#include "yq-sim-server-private.h"
#include "yq-sim-util.h"
#include "yq-sim-yzj.h"
#include "yq-sim-zwdd.h"

struct _YqSimServer
{
  GObject      parent_instance;

  YqSimConfig *config;
  YqSimOrg    *org;
  YqSimFaults *faults;

  SoupServer  *api_server;
  SoupServer  *login_server;
  guint        port;
  guint        login_port;

  YqSimZwdd   *zwdd;
  YqSimYzj    *yzj;

  GHashTable  *counters;
  guint64      total_requests;
  guint64      throttled;
  guint64      injected_errors;
  guint64      malformed;

  GPtrArray   *records;
  guint64      record_seq;

  guint64      rng;
  guint64      request_serial;
  GHashTable  *pending;
};

G_DEFINE_FINAL_TYPE (YqSimServer, yq_sim_server, G_TYPE_OBJECT)

typedef struct
{
  YqSimRequest  public;
  guint         timeout_id;
  gint64        started_usec;
} Request;

/* Parameters ---------------------------------------------------------------- */

YqSimParams *
yq_sim_params_new (void)
{
  YqSimParams *params = g_new0 (YqSimParams, 1);

  params->names = g_ptr_array_new_with_free_func (g_free);
  params->values = g_ptr_array_new_with_free_func (g_free);

  return params;
}

void
yq_sim_params_free (YqSimParams *params)
{
  if (params == NULL)
    return;

  g_ptr_array_unref (params->names);
  g_ptr_array_unref (params->values);
  g_free (params);
}

void
yq_sim_params_add (YqSimParams *params,
                   const char  *name,
                   const char  *value)
{
  g_ptr_array_add (params->names, g_strdup (name));
  g_ptr_array_add (params->values, g_strdup (value ? value : ""));
}

static char *
form_unescape (const char *start,
               gsize       length)
{
  g_autofree char *plus = g_strndup (start, length);
  char *decoded;

  for (char *p = plus; *p; p++)
    if (*p == '+')
      *p = ' ';

  decoded = g_uri_unescape_string (plus, NULL);
  if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
    {
      /* Invalid escapes or bytes: keep the raw text, the signature check
       * will then fail as it should. */
      g_free (decoded);
      return g_steal_pointer (&plus);
    }

  return decoded;
}

/**
 * yq_sim_params_parse:
 * @encoded: (nullable): an application/x-www-form-urlencoded string
 * @length: its length, or -1 if NUL-terminated
 *
 * Unlike soup_form_decode(), keeps repeated names and wire order.
 *
 * Returns: (transfer full): the decoded parameters
 */
YqSimParams *
yq_sim_params_parse (const char *encoded,
                     gssize      length)
{
  YqSimParams *params = yq_sim_params_new ();
  const char *p, *end;

  if (encoded == NULL)
    return params;

  end = encoded + (length < 0 ? strlen (encoded) : (gsize) length);
  for (p = encoded; p < end;)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *stop = amp ? amp : end;
      const char *eq = memchr (p, '=', stop - p);

      if (stop > p)
        {
          g_ptr_array_add (params->names, form_unescape (p, (eq ? eq : stop) - p));
          char *value = eq ? form_unescape (eq + 1, stop - eq - 1) : g_strdup ("");

          g_ptr_array_add (params->values, value);
        }
      p = stop + 1;
    }

  return params;
}

const char *
yq_sim_params_get (YqSimParams *params,
                   const char  *name)
{
  for (guint i = 0; i < params->names->len; i++)
    if (g_str_equal (g_ptr_array_index (params->names, i), name))
      return g_ptr_array_index (params->values, i);

  return NULL;
}

/**
 * yq_sim_params_get_all:
 * @params: parameters
 * @name: a name
 *
 * Returns: (transfer container) (element-type utf8): every value of @name,
 *   borrowed from @params
 */
GPtrArray *
yq_sim_params_get_all (YqSimParams *params,
                       const char  *name)
{
  GPtrArray *values = g_ptr_array_new ();

  for (guint i = 0; i < params->names->len; i++)
    if (g_str_equal (g_ptr_array_index (params->names, i), name))
      g_ptr_array_add (values, g_ptr_array_index (params->values, i));

  return values;
}

/* JSON helpers -------------------------------------------------------------- */

JsonNode *
yq_sim_json_parse (const char  *text,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!json_parser_load_from_data (parser, text ? text : "", text ? (gssize) length : 0, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE, "empty document");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* Returns the member as a string only when it is one. */
const char *
yq_sim_json_get_string (JsonObject *object,
                        const char *name)
{
  if (object == NULL)
    return NULL;

  return yq_sim_json_node_string (json_object_get_member (object, name));
}

/* The string a node holds, or NULL for any other node; safe on any input. */
const char *
yq_sim_json_node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The object at @index, or NULL when the element is something else. */
JsonObject *
yq_sim_json_array_object (JsonArray *array,
                          guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Accepts a JSON integer or a string holding one. */
gboolean
yq_sim_json_get_int (JsonObject *object,
                     const char *name,
                     gint64     *value)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, name)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = json_node_get_int (node);
      return TRUE;

    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        if (d != (double) (gint64) d)
          return FALSE;
        *value = (gint64) d;
        return TRUE;
      }

    case G_TYPE_STRING:
      return g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64,
                                       value, NULL);

    default:
      return FALSE;
    }
}

/* A string, number or boolean member as text; NULL otherwise. */
char *
yq_sim_json_scalar_to_string (JsonObject *object,
                              const char *name)
{
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, name)) == NULL ||
      !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
    }
}

void
yq_sim_json_add_string (JsonBuilder *builder,
                        const char  *name,
                        const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
yq_sim_json_add_int (JsonBuilder *builder,
                     const char  *name,
                     gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
yq_sim_json_add_bool (JsonBuilder *builder,
                      const char  *name,
                      gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

/* Requests ---------------------------------------------------------------- */

static void
request_free (Request *request)
{
  YqSimRequest *req = &request->public;

  g_clear_handle_id (&request->timeout_id, g_source_remove);
  if (req->msg != NULL)
    g_signal_handlers_disconnect_by_data (req->msg, request);
  g_clear_object (&req->msg);
  g_free (req->path);
  yq_sim_params_free (req->query);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->content_type);
  g_free (req->response_type);
  g_free (req->response_body);
  g_free (req->location);
  g_free (request);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     Request           *request)
{
  request->public.finished = TRUE;
}

const char *
yq_sim_request_get_body (YqSimRequest *req,
                         gsize        *length)
{
  if (req->body == NULL)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (req->msg);

      req->body = soup_message_body_flatten (body);
    }

  return g_bytes_get_data (req->body, length);
}

const char *
yq_sim_request_get_header (YqSimRequest *req,
                           const char   *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

/**
 * yq_sim_request_respond:
 * @req: a request
 * @status: HTTP status
 * @content_type: the Content-Type
 * @body: (transfer full): the body
 * @length: its length
 */
void
yq_sim_request_respond (YqSimRequest *req,
                        guint         status,
                        const char   *content_type,
                        char         *body,
                        gsize         length)
{
  req->status = status;
  g_free (req->response_type);
  req->response_type = g_strdup (content_type);
  g_free (req->response_body);
  req->response_body = body;
  req->response_length = length;
}

void
yq_sim_request_respond_json (YqSimRequest *req,
                             guint         status,
                             JsonNode     *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  yq_sim_request_respond (req, status, "application/json;charset=UTF-8", text, length);
}

void
yq_sim_request_respond_builder (YqSimRequest *req,
                                guint         status,
                                JsonBuilder  *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  yq_sim_request_respond_json (req, status, root);
}

void
yq_sim_request_redirect (YqSimRequest *req,
                         const char   *location)
{
  g_free (req->location);
  req->location = g_strdup (location);
  yq_sim_request_respond (req, 302, "text/plain;charset=UTF-8", g_strdup (""), 0);
}

static void
pause_request (Request *request)
{
  if (!request->public.paused)
    {
      soup_server_message_pause (request->public.msg);
      request->public.paused = TRUE;
    }
}

static void
deliver (Request *request)
{
  YqSimRequest *req = &request->public;
  SoupServerMessage *msg = req->msg;

  if (!req->finished)
    {
      soup_server_message_set_status (msg, req->status ? req->status : 500, NULL);
      if (req->location != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Location", req->location);
      soup_server_message_set_response (msg,
                                        req->response_type ? req->response_type : "text/plain",
                                        SOUP_MEMORY_TAKE,
                                        req->response_body ? req->response_body : g_strdup (""),
                                        req->response_body ? req->response_length : 0);
      req->response_body = NULL;
      if (req->paused)
        soup_server_message_unpause (msg);
    }

  g_hash_table_remove (req->server->pending, request);
}

static gboolean
deliver_timeout_cb (gpointer user_data)
{
  Request *request = user_data;

  request->timeout_id = 0;
  deliver (request);

  return G_SOURCE_REMOVE;
}

/* Applies the malformed-body fault and the latency, then sends the answer. */
static void
complete (Request *request)
{
  YqSimRequest *req = &request->public;
  YqSimServer *self = req->server;
  gint64 due = 0;

  if (req->is_platform)
    {
      if (req->response_length > 1 && req->status != 302 &&
          yq_sim_faults_draw_malformed (self->faults))
        {
          self->malformed++;
          req->response_length /= 2;
        }

      due = request->started_usec + (gint64) yq_sim_faults_get_latency_ms (self->faults) * 1000;
    }

  if (due > g_get_monotonic_time ())
    {
      guint delay_ms = (guint) ((due - g_get_monotonic_time () + 999) / 1000);

      pause_request (request);
      request->timeout_id = g_timeout_add (delay_ms, deliver_timeout_cb, request);
      return;
    }

  deliver (request);
}

/**
 * yq_sim_request_defer:
 * @req: a request
 *
 * Keeps @req open after the handler returns; the handler answers later and
 * calls yq_sim_request_finish().
 */
void
yq_sim_request_defer (YqSimRequest *req)
{
  req->deferred = TRUE;
  pause_request ((Request *) req);
}

void
yq_sim_request_finish (YqSimRequest *req)
{
  complete ((Request *) req);
}

/* Records, counters ------------------------------------------------------------ */

char *
yq_sim_server_random_hex (YqSimServer *self,
                          guint        n_digits)
{
  char *out = g_malloc (n_digits + 1);

  yq_sim_hex_write (out, &self->rng, n_digits);

  return out;
}

char *
yq_sim_server_new_request_id (YqSimServer *self)
{
  char hex[17];

  yq_sim_hex_write (hex, &self->rng, 16);

  return g_strdup_printf ("%s%06" G_GINT64_MODIFIER "x", hex,
                          (gint64) (++self->request_serial & 0xffffff));
}

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/**
 * yq_sim_server_add_record:
 * @self: the server
 * @kind: the record kind, e.g. "zwdd.notification"
 *
 * Returns: (transfer none): a new record with seq, kind and time set, for
 *   the caller to fill; it stays valid until the records are reset
 */
JsonObject *
yq_sim_server_add_record (YqSimServer *self,
                          const char  *kind)
{
  JsonObject *record = json_object_new ();
  g_autofree char *time = now_iso8601 ();

  json_object_set_int_member (record, "seq", (gint64) ++self->record_seq);
  json_object_set_string_member (record, "kind", kind);
  json_object_set_string_member (record, "time", time);
  json_object_set_string_member (record, "updated", time);
  g_ptr_array_add (self->records, record);

  return record;
}

void
yq_sim_server_touch_record (YqSimServer *self,
                            JsonObject  *record)
{
  g_autofree char *time = now_iso8601 ();

  json_object_set_string_member (record, "updated", time);
}

static gboolean
kind_matches (const char *kind,
              const char *filter)
{
  gsize n;

  if (filter == NULL || *filter == '\0')
    return TRUE;

  n = strlen (filter);

  return strncmp (kind, filter, n) == 0 && (kind[n] == '\0' || kind[n] == '.');
}

/**
 * yq_sim_server_list_records:
 * @self: the server
 * @kind: (nullable): a kind, or a prefix such as "yzj" that matches "yzj.*"
 *
 * Returns: (transfer full): a JSON array of the matching records, oldest first
 */
JsonNode *
yq_sim_server_list_records (YqSimServer *self,
                            const char  *kind)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < self->records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (self->records, i);

      if (kind_matches (json_object_get_string_member (record, "kind"), kind))
        json_array_add_object_element (array, json_object_ref (record));
    }

  json_node_take_array (node, array);

  return node;
}

void
yq_sim_server_reset_records (YqSimServer *self)
{
  yq_sim_zwdd_reset (self->zwdd);
  yq_sim_yzj_reset (self->yzj);
  g_ptr_array_set_size (self->records, 0);
}

static void
count_request (YqSimServer *self,
               const char  *path)
{
  guint64 *count = g_hash_table_lookup (self->counters, path);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (self->counters, g_strdup (path), count);
    }
  (*count)++;
  self->total_requests++;
}

JsonNode *
yq_sim_server_counters_to_json (YqSimServer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GList *keys = g_list_sort (g_hash_table_get_keys (self->counters), (GCompareFunc) strcmp);

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "total", (gint64) self->total_requests);
  yq_sim_json_add_int (builder, "throttled", (gint64) self->throttled);
  yq_sim_json_add_int (builder, "injected_errors", (gint64) self->injected_errors);
  yq_sim_json_add_int (builder, "malformed", (gint64) self->malformed);
  json_builder_set_member_name (builder, "endpoints");
  json_builder_begin_object (builder);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      guint64 *count = g_hash_table_lookup (self->counters, l->data);

      yq_sim_json_add_int (builder, l->data, (gint64) *count);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  g_list_free (keys);

  return json_builder_get_root (builder);
}

void
yq_sim_server_reset_counters (YqSimServer *self)
{
  g_hash_table_remove_all (self->counters);
  self->total_requests = 0;
  self->throttled = 0;
  self->injected_errors = 0;
  self->malformed = 0;
}

YqSimZwdd *
yq_sim_server_get_zwdd (YqSimServer *self)
{
  return self->zwdd;
}

YqSimYzj *
yq_sim_server_get_yzj (YqSimServer *self)
{
  return self->yzj;
}

YqSimConfig *
yq_sim_server_get_mutable_config (YqSimServer *self)
{
  return self->config;
}

/* Dispatch ----------------------------------------------------------------- */

static void
respond_injected_error (YqSimServer  *self,
                        YqSimRequest *req)
{
  static const guint statuses[] = { 503, 500, 502 };
  guint status = statuses[self->injected_errors % G_N_ELEMENTS (statuses)];

  self->injected_errors++;
  yq_sim_request_respond (req, status, "text/html;charset=UTF-8",
                          g_strdup_printf ("<html><body><h1>%u %s</h1></body></html>",
                                           status, soup_status_get_phrase (status)),
                          0);
  req->response_length = strlen (req->response_body);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  YqSimServer *self = user_data;
  Request *request = g_new0 (Request, 1);
  YqSimRequest *req = &request->public;
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeaders *headers;
  const char *type;
  gint64 *started;

  req->server = self;
  req->msg = g_object_ref (msg);
  req->method = soup_server_message_get_method (msg);
  req->path = g_strdup (g_uri_get_path (uri));
  req->query = yq_sim_params_parse (g_uri_get_query (uri), -1);
  req->received_usec = g_get_monotonic_time ();
  started = g_object_get_data (G_OBJECT (msg), "yq-sim-started");
  request->started_usec = started ? *started : req->received_usec;
  headers = soup_server_message_get_request_headers (msg);
  type = soup_message_headers_get_content_type (headers, NULL);
  req->content_type = type ? g_ascii_strdown (type, -1) : NULL;
  g_hash_table_add (self->pending, request);
  g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), request);

  if (server == self->login_server)
    {
      count_request (self, req->path);
      yq_sim_zwdd_handle_login (self->zwdd, req);
    }
  else if (g_str_has_prefix (req->path, "/_sim/") || g_str_equal (req->path, "/_sim"))
    {
      yq_sim_admin_handle (self, req);
    }
  else
    {
      req->is_platform = TRUE;
      req->platform = g_str_has_prefix (req->path, "/gateway/") ||
                      g_str_has_prefix (req->path, "/pubacc/")
                      ? YQ_SIM_PLATFORM_YZJ : YQ_SIM_PLATFORM_ZWDD;
      count_request (self, req->path);

      if (!yq_sim_faults_admit (self->faults, req->platform, req->received_usec))
        {
          self->throttled++;
          if (req->platform == YQ_SIM_PLATFORM_YZJ)
            yq_sim_yzj_respond_throttled (self->yzj, req);
          else
            yq_sim_zwdd_respond_throttled (self->zwdd, req);
        }
      else if (yq_sim_faults_draw_error (self->faults))
        respond_injected_error (self, req);
      else if (req->platform == YQ_SIM_PLATFORM_YZJ)
        yq_sim_yzj_handle (self->yzj, req);
      else
        yq_sim_zwdd_handle (self->zwdd, req);
    }

  if (!req->deferred)
    complete (request);
}

/* GObject -------------------------------------------------------------------- */

static void
yq_sim_server_dispose (GObject *object)
{
  YqSimServer *self = (YqSimServer *)object;

  yq_sim_server_stop (self);

  G_OBJECT_CLASS (yq_sim_server_parent_class)->dispose (object);
}

static void
yq_sim_server_finalize (GObject *object)
{
  YqSimServer *self = (YqSimServer *)object;

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->zwdd, yq_sim_zwdd_free);
  g_clear_pointer (&self->yzj, yq_sim_yzj_free);
  g_clear_pointer (&self->counters, g_hash_table_unref);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->config, yq_sim_config_free);
  g_clear_object (&self->org);
  g_clear_object (&self->faults);

  G_OBJECT_CLASS (yq_sim_server_parent_class)->finalize (object);
}

static void
yq_sim_server_class_init (YqSimServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yq_sim_server_dispose;
  object_class->finalize = yq_sim_server_finalize;
}

static void
yq_sim_server_init (YqSimServer *self)
{
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self->pending = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) request_free, NULL);
  self->rng = (guint64) g_get_real_time () ^ G_GUINT64_CONSTANT (0xd1b54a32d192ed03);
}

/**
 * yq_sim_server_new:
 * @config: tenant credentials, ports and initial faults
 * @org: the organisation both platforms present
 *
 * Creates the simulator of both platforms. Tests and benchmarks run it
 * in-process on the thread-default main context (start it, then iterate the
 * context while talking to it over HTTP), or start the yunqiao-sim program
 * and regenerate the same organisation with yq_sim_org_generate() and the
 * same people count and seed.
 *
 * Returns: (transfer full): a server; call yq_sim_server_start() to listen
 */
YqSimServer *
yq_sim_server_new (const YqSimConfig *config,
                   YqSimOrg          *org)
{
  YqSimServer *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (YQ_IS_SIM_ORG (org), NULL);

  self = g_object_new (YQ_TYPE_SIM_SERVER, NULL);
  self->config = yq_sim_config_copy (config);
  self->org = g_object_ref (org);
  self->faults = yq_sim_faults_new (&config->faults);
  self->zwdd = yq_sim_zwdd_new (self);
  self->yzj = yq_sim_yzj_new (self);

  return self;
}

static gboolean
listen_on (SoupServer  *server,
           guint        port,
           guint       *bound,
           GError     **error)
{
  GSList *uris;

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  *bound = uris ? (guint) g_uri_get_port (uris->data) : 0;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

/* The injected latency counts from the first byte of the request, as a
 * network delay would, not from when the whole request has been read. */
static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  gint64 *started = g_new (gint64, 1);
  GSocket *socket = soup_server_message_get_socket (msg);

  *started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "yq-sim-started", started, g_free);

  /* As the platforms' gateways: an answer's body does not wait for the
   * client to acknowledge its headers (TCP_NODELAY), once per connection. */
  if (socket != NULL && g_object_get_data (G_OBJECT (socket), "yq-sim-no-delay") == NULL)
    {
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      g_object_set_data (G_OBJECT (socket), "yq-sim-no-delay", GINT_TO_POINTER (TRUE));
    }
}

/**
 * yq_sim_server_start:
 * @self: the server
 * @error: return location for an error
 *
 * Starts listening on 127.0.0.1 on the configured ports (0 picks free ones).
 *
 * Returns: %TRUE on success
 */
gboolean
yq_sim_server_start (YqSimServer  *self,
                     GError      **error)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), FALSE);
  g_return_val_if_fail (self->api_server == NULL, FALSE);

  self->api_server = soup_server_new ("server-header", "yunqiao-sim", NULL);
  self->login_server = soup_server_new ("server-header", "yunqiao-sim", NULL);
  soup_server_add_handler (self->api_server, NULL, server_cb, self, NULL);
  g_signal_connect (self->api_server, "request-started", G_CALLBACK (request_started_cb), NULL);
  soup_server_add_handler (self->login_server, NULL, server_cb, self, NULL);

  if (!listen_on (self->api_server, self->config->port, &self->port, error) ||
      !listen_on (self->login_server, self->config->login_port, &self->login_port, error))
    {
      yq_sim_server_stop (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
request_is_idle_cb (gpointer key,
                    gpointer value,
                    gpointer user_data)
{
  Request *request = key;

  return !request->public.deferred || request->timeout_id != 0;
}

/**
 * yq_sim_server_stop:
 * @self: the server
 *
 * Closes both listeners and drops the answers still held back.
 */
void
yq_sim_server_stop (YqSimServer *self)
{
  g_return_if_fail (YQ_IS_SIM_SERVER (self));

  /* A deferred request still waiting for its handler is owned by that
   * handler's operation, which holds a reference on the server. */
  if (self->pending != NULL)
    g_hash_table_foreach_remove (self->pending, request_is_idle_cb, NULL);

  if (self->api_server != NULL)
    soup_server_disconnect (self->api_server);
  if (self->login_server != NULL)
    soup_server_disconnect (self->login_server);
  g_clear_object (&self->api_server);
  g_clear_object (&self->login_server);
}

guint
yq_sim_server_get_port (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), 0);

  return self->port;
}

guint
yq_sim_server_get_login_port (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), 0);

  return self->login_port;
}

char *
yq_sim_server_get_base_url (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

char *
yq_sim_server_get_login_url (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", self->login_port);
}

YqSimOrg *
yq_sim_server_get_org (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), NULL);

  return self->org;
}

YqSimFaults *
yq_sim_server_get_faults (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), NULL);

  return self->faults;
}

const YqSimConfig *
yq_sim_server_get_config (YqSimServer *self)
{
  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), NULL);

  return self->config;
}

/**
 * yq_sim_server_get_request_count:
 * @self: the server
 * @path: (nullable): an endpoint path, or %NULL for all platform requests
 *
 * Returns: how many requests reached @path since the last counter reset
 */
guint64
yq_sim_server_get_request_count (YqSimServer *self,
                                 const char  *path)
{
  guint64 *count;

  g_return_val_if_fail (YQ_IS_SIM_SERVER (self), 0);

  if (path == NULL)
    return self->total_requests;

  count = g_hash_table_lookup (self->counters, path);

  return count ? *count : 0;
}
