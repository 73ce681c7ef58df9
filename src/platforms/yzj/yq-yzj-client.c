/* SPDX-License-Identifier: GPL-3.0-or-later */

/* 云之家 (Yunzhijia) client (docs/platforms/yunzhijia.md).
 *
 * Field mapping into the snapshot model (yq-org.h):
 *
 * | YqOrgDepartment | 云之家 source (dept/getall)                                   |
 * |-----------------|----------------------------------------------------------------|
 * | id              | id (orgId when id is absent)                                   |
 * | parent_id       | parentId; NULL for the team root ("" / absent parentId)        |
 * | name            | name (the short name)                                          |
 * | order           | weights (number or numeric string; 0 when absent)              |
 * | active          | TRUE: departments have no status                               |
 *
 * When dept/getall does not list the team root itself, the root is read
 * with dept/get {type:1, array:["\\"]}.
 *
 * | YqOrgPerson     | 云之家 source (person/getall)                                  |
 * |-----------------|----------------------------------------------------------------|
 * | id              | openId                                                         |
 * | account_id      | openId (the messaging, todo and login key)                     |
 * | account_code    | account, when the platform sends it (undocumented field)       |
 * | name            | name                                                           |
 * | mobile          | phone, digits only, without +86 / 0086                         |
 * | email           | email                                                          |
 * | job_number      | jobNo                                                          |
 * | title           | jobTitle as sent (several titles stay comma-separated)         |
 * | department_ids  | orgId (the main department; part-time jobs are not read);      |
 * |                 | resolved from the long name `department` when orgId is empty   |
 * | order           | weights                                                        |
 * | active          | status == 1 (0 = cancelled and 2 = disabled are kept, inactive) |
 *
 * Login (acquirecontext): id = account_id = openid, name = username, job_number = jobNo.
 */

#define G_LOG_DOMAIN "yq-yzj"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-http.h"
#include "yq-json.h"
#include "yq-platform-private.h"
#include "yq-yzj-client.h"
#include "yq-yzj-protocol.h"
#include "yq-yzj-pubtoken.h"

#define PUBACC_BATCH        1000
#define PUBACC_MAX_BYTES    (1536 * 1024)
#define TODO_QPS            100.0

static const char * const default_person_paths[YQ_YZJ_N_PERSON_PATHS] = {
  "/gateway/openimport/open/person/add",
  "/gateway/openimport/open/person/updateInfo",
  "/gateway/openimport/open/person/updateDept",
  "/gateway/openimport/open/person/updateStatus",
  "/gateway/openimport/open/person/delete",
  "/gateway/openimport/open/person/get",
};

struct _YqYzjClient
{
  GObject        parent_instance;

  YqHttp        *http;
  char          *base_url;
  char          *eid;
  char          *app_id;
  char          *app_secret;
  char          *directory_secret;
  char          *pub_id;
  char          *pub_key;
  YqTokenSource *app_token;
  YqTokenSource *directory_token;
  YqHttpLane    *todo_lane;
  char          *person_paths[YQ_YZJ_N_PERSON_PATHS];
  GHashTable    *long_names;
  char          *root_id;
};

static void yq_yzj_client_platform_init (YqPlatformInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqYzjClient, yq_yzj_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (YQ_TYPE_PLATFORM,
                                                      yq_yzj_client_platform_init))

/* ------------------------------------------------------------------------ */
/* Calls                                                                     */
/* ------------------------------------------------------------------------ */

typedef enum
{
  BODY_TOKEN,
  BODY_JSON,
  BODY_FORM,
  BODY_PUBACC,
} BodyKind;

typedef struct
{
  BodyKind     kind;
  YqYzjFamily  family;
  gboolean     read_only;
  char        *base_url;
  char        *path;
  /* BODY_TOKEN */
  char        *scope;
  char        *app_id;
  char        *eid;
  char        *secret;
  /* BODY_JSON: the body; BODY_FORM: the data field */
  char        *json;
  char        *nonce;
  /* BODY_PUBACC */
  JsonNode    *pub_body;
  char        *pub_id;
  char        *pub_key;
  /* (nullable) with the attempt's time: the "from" block is derived from
   * them instead of being random, see pubacc_from_nonce() */
  char        *from_seed;
  gint64       from_time_s;
  guint        n_builds;
  /* a 5005 answer means an earlier send of this attempt got through */
  gboolean     replay_delivered;
} YzjCall;

static void
yzj_call_free (YzjCall *call)
{
  g_free (call->base_url);
  g_free (call->path);
  g_free (call->scope);
  g_free (call->app_id);
  g_free (call->eid);
  g_free (call->secret);
  g_free (call->json);
  g_free (call->nonce);
  g_clear_pointer (&call->pub_body, json_node_unref);
  g_free (call->pub_id);
  g_free (call->pub_key);
  g_free (call->from_seed);
  g_free (call);
}

static char *
random_nonce (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *s = g_string_new (NULL);

  for (const char *p = uuid; *p && s->len < 16; p++)
    if (*p != '-')
      g_string_append_c (s, *p);

  return g_string_free (s, FALSE);
}

/* The nonce of the @build-th send of a public-account message whose
 * attempt is @seed (idempotency key and batch): the same attempt always
 * sends the same "from" blocks, in the same order, so that the platform
 * refuses a resend of one that arrived (5005) instead of delivering it
 * twice. At most 16 characters (§6.1). */
static char *
pubacc_from_nonce (const char *seed,
                   guint       build)
{
  g_autofree char *input = g_strdup_printf ("%s\n%u", seed, build);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);

  return g_strndup (digest, 16);
}

static GBytes *
json_bytes (JsonNode *node)
{
  char *text = yq_json_to_string (node);

  return g_bytes_new_take (text, strlen (text));
}

static SoupMessage *
yzj_call_build (gpointer     user_data,
                const char  *token,
                GError     **error)
{
  YzjCall *call = user_data;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  const char *content_type = "application/json; charset=UTF-8";

  if (token != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);

      url = g_strconcat (call->base_url, call->path, "?accessToken=", escaped, NULL);
    }
  else
    url = g_strconcat (call->base_url, call->path, NULL);

  switch (call->kind)
    {
    case BODY_TOKEN:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();
        g_autoptr(JsonNode) root = NULL;

        json_builder_begin_object (b);
        if (call->app_id != NULL)
          {
            json_builder_set_member_name (b, "appId");
            json_builder_add_string_value (b, call->app_id);
          }
        if (call->eid != NULL)
          {
            json_builder_set_member_name (b, "eid");
            json_builder_add_string_value (b, call->eid);
          }
        json_builder_set_member_name (b, "secret");
        json_builder_add_string_value (b, call->secret);
        json_builder_set_member_name (b, "timestamp");
        json_builder_add_int_value (b, g_get_real_time () / 1000);
        json_builder_set_member_name (b, "scope");
        json_builder_add_string_value (b, call->scope);
        json_builder_end_object (b);
        root = json_builder_get_root (b);
        body = json_bytes (root);
      }
      break;

    case BODY_JSON:
      body = g_bytes_new (call->json, strlen (call->json));
      break;

    case BODY_FORM:
      {
        g_autoptr(GPtrArray) names = g_ptr_array_new ();
        g_autoptr(GPtrArray) values = g_ptr_array_new ();
        char *form;

        g_ptr_array_add (names, (gpointer) "eid");
        g_ptr_array_add (values, call->eid);
        g_ptr_array_add (names, (gpointer) "nonce");
        g_ptr_array_add (values, call->nonce);
        g_ptr_array_add (names, (gpointer) "data");
        g_ptr_array_add (values, call->json);
        form = yq_http_form_encode (names, values);
        body = g_bytes_new_take (form, strlen (form));
        content_type = "application/x-www-form-urlencoded; charset=UTF-8";
      }
      break;

    case BODY_PUBACC:
    default:
      {
        /* A fresh nonce and time for every send: an identical "from"
         * within 10 minutes is refused (5005). A message with an attempt
         * time derives them from the attempt, differing per send. */
        g_autoptr(JsonNode) root = json_node_copy (call->pub_body);
        g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 call->from_seed != NULL
                                                 ? call->from_time_s
                                                 : g_get_real_time () / G_USEC_PER_SEC);
        g_autofree char *nonce = call->from_seed != NULL
                                 ? pubacc_from_nonce (call->from_seed, call->n_builds++)
                                 : random_nonce ();
        g_autofree char *pubtoken = yq_yzj_pubtoken (call->eid, call->pub_id, call->pub_key,
                                                     nonce, time);
        JsonObject *from = json_object_new ();

        json_object_set_string_member (from, "no", call->eid);
        json_object_set_string_member (from, "pub", call->pub_id);
        json_object_set_string_member (from, "time", time);
        json_object_set_string_member (from, "nonce", nonce);
        json_object_set_string_member (from, "pubtoken", pubtoken);
        json_object_set_object_member (json_node_get_object (root), "from", from);
        body = json_bytes (root);
        if (g_bytes_get_size (body) > PUBACC_MAX_BYTES)
          {
            g_propagate_error (error,
                               yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                      call->path,
                                                      _("the message is larger than 1.5 MB")));
            return NULL;
          }
      }
      break;
    }

  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      g_propagate_error (error, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                       call->path,
                                                       _("the API address is not a valid URL")));
      return NULL;
    }
  soup_message_set_request_body_from_bytes (msg, content_type, body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  if (call->read_only)
    yq_platform_mark_read_only (msg);

  return g_steal_pointer (&msg);
}

static YqHttpVerdict
yzj_call_check (gpointer      user_data,
                SoupMessage  *msg,
                GBytes       *body,
                JsonNode    **result,
                GError      **error)
{
  YzjCall *call = user_data;
  gint64 skew = 0;

  if (!yq_http_message_clock_skew (msg, g_get_real_time () / G_USEC_PER_SEC, &skew))
    skew = 0;

  if (call->replay_delivered && soup_message_get_status (msg) < 300 && body != NULL)
    {
      g_autoptr(JsonNode) root = yq_json_parse_bytes (body, NULL);
      gint64 code = -1;

      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
          yq_json_get_int_lenient (json_node_get_object (root), "code", &code) && code == 5005)
        {
          JsonObject *replayed = json_object_new ();

          /* The platform saw this very "from" block: the cut-off attempt
           * was delivered. */
          json_object_set_boolean_member (replayed, "replayed", TRUE);
          *result = json_node_init_object (json_node_alloc (), replayed);
          json_object_unref (replayed);
          return YQ_HTTP_VERDICT_OK;
        }
    }

  return yq_yzj_parse_response (call->path, call->family, soup_message_get_status (msg), skew,
                                body, result, error);
}

static YqHttpRequest *
yzj_request (YzjCall       *call,
             YqTokenSource *token)
{
  YqHttpRequest *request = yq_http_request_new (call->path, yzj_call_build, yzj_call_check, call,
                                                (GDestroyNotify) yzj_call_free);

  yq_http_request_set_token_source (request, token);
  return request;
}

/* Calls that change nothing on the platform. Tokens count: repeated
 * requests within the validity return the same token (§2.2). */
static gboolean
path_is_read (const char *path)
{
  static const char * const read_suffixes[] = {
    "/getall", "/get", "/getAtTime", "/getAccessToken", "/checkcreatetodo.json", NULL
  };

  if (strstr (path, "/query") != NULL || strstr (path, "/find") != NULL)
    return TRUE;
  for (guint i = 0; read_suffixes[i]; i++)
    if (g_str_has_suffix (path, read_suffixes[i]))
      return TRUE;

  return FALSE;
}

static YzjCall *
yzj_call_new (YqYzjClient *self,
              BodyKind     kind,
              YqYzjFamily  family,
              const char  *path)
{
  YzjCall *call = g_new0 (YzjCall, 1);

  call->kind = kind;
  call->family = family;
  call->read_only = path_is_read (path);
  call->base_url = g_strdup (self->base_url);
  call->path = g_strdup (path);
  call->eid = g_strdup (self->eid);

  return call;
}

/* A JSON-body gateway call (ticket, todo) with an app-scope token. */
static YqHttpRequest *
yzj_json_request (YqYzjClient *self,
                  const char  *path,
                  YqYzjFamily  family,
                  JsonNode    *body)
{
  YzjCall *call = yzj_call_new (self, BODY_JSON, family, path);

  call->json = yq_json_to_string (body);
  return yzj_request (call, self->app_token);
}

/* A directory call: form fields eid, nonce and data (JSON text), with the
 * resGroupSecret token. The nonce stays the same across retries, so the
 * platform can recognise a repeated request. */
static YqHttpRequest *
yzj_form_request (YqYzjClient *self,
                  const char  *path,
                  JsonNode    *data)
{
  YzjCall *call = yzj_call_new (self, BODY_FORM, YQ_YZJ_FAMILY_OPENIMPORT, path);

  call->json = yq_json_to_string (data);
  call->nonce = random_nonce ();
  return yzj_request (call, self->directory_token);
}

static gboolean
extract_token (JsonNode  *result,
               char     **token,
               gint64    *expires_in,
               gpointer   user_data)
{
  JsonNode *data = yq_yzj_result_get_data (result);
  JsonObject *obj;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return FALSE;
  obj = json_node_get_object (data);

  *token = yq_json_dup_string_lenient (obj, "accessToken");
  if (!yq_json_get_int_lenient (obj, "expireIn", expires_in) &&
      !yq_json_get_int_lenient (obj, "expiresIn", expires_in))
    *expires_in = 0;

  return *token != NULL;
}

static YqTokenSource *
token_source_new (YqYzjClient *self,
                  const char  *scope)
{
  g_autoptr(YqHttpRequest) fetch = NULL;
  YzjCall *call = yzj_call_new (self, BODY_TOKEN, YQ_YZJ_FAMILY_TOKEN,
                                "/gateway/oauth2/token/getAccessToken");
  YqTokenSource *source;
  gboolean app = g_str_equal (scope, "app");

  call->scope = g_strdup (scope);
  call->secret = g_strdup (app ? self->app_secret : self->directory_secret);
  if (app)
    {
      call->app_id = g_strdup (self->app_id);
      g_clear_pointer (&call->eid, g_free);
    }
  fetch = yzj_request (call, NULL);

  source = yq_token_source_new (app ? "yzj app token" : "yzj resGroupSecret token", fetch,
                                extract_token, NULL, NULL);
  yq_token_source_set_default_ttl (source, 6400);

  return source;
}

static JsonNode *
make_data (const char *first_member,
           ...) G_GNUC_NULL_TERMINATED;

/* Builds {"eid": …} plus string members given as name/value pairs. */
static JsonNode *
make_data (const char *first_member,
           ...)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node;
  va_list args;

  va_start (args, first_member);
  for (const char *name = first_member; name; name = va_arg (args, const char *))
    json_object_set_string_member (obj, name, va_arg (args, const char *));
  va_end (args);

  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

static JsonNode *
eid_data (YqYzjClient *self)
{
  return make_data ("eid", self->eid, NULL);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */
/* ------------------------------------------------------------------------ */

static void
yq_yzj_client_finalize (GObject *object)
{
  YqYzjClient *self = (YqYzjClient *)object;

  g_clear_object (&self->app_token);
  g_clear_object (&self->directory_token);
  g_clear_object (&self->http);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->eid, g_free);
  g_clear_pointer (&self->app_id, g_free);
  g_clear_pointer (&self->app_secret, g_free);
  g_clear_pointer (&self->directory_secret, g_free);
  g_clear_pointer (&self->pub_id, g_free);
  g_clear_pointer (&self->pub_key, g_free);
  for (guint i = 0; i < YQ_YZJ_N_PERSON_PATHS; i++)
    g_clear_pointer (&self->person_paths[i], g_free);
  g_clear_pointer (&self->long_names, g_hash_table_unref);
  g_clear_pointer (&self->root_id, g_free);

  G_OBJECT_CLASS (yq_yzj_client_parent_class)->finalize (object);
}

static void
yq_yzj_client_class_init (YqYzjClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_yzj_client_finalize;
}

static void
yq_yzj_client_init (YqYzjClient *self)
{
  self->http = yq_http_new ();
  self->todo_lane = yq_http_add_lane (self->http, "todos", YQ_HTTP_DEFAULT_CONCURRENCY, 0,
                                      TODO_QPS);
  for (guint i = 0; i < YQ_YZJ_N_PERSON_PATHS; i++)
    self->person_paths[i] = g_strdup (default_person_paths[i]);
  self->long_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * yq_yzj_client_new:
 * @api_base: the base URL, e.g. `https://www.yunzhijia.com`
 * @eid: the team ID
 * @app_id: (nullable): the light app's ID
 * @app_secret: (nullable): the light app's secret (tickets, todos)
 * @directory_secret: (nullable): the directory key (resGroupSecret):
 *   directory reads with the read-only key, writes with the editable key
 * @error: return location for an error
 *
 * Returns: (transfer full): a new client, or %NULL with @error set
 */
YqYzjClient *
yq_yzj_client_new (const char  *api_base,
                   const char  *eid,
                   const char  *app_id,
                   const char  *app_secret,
                   const char  *directory_secret,
                   GError     **error)
{
  g_autoptr(YqYzjClient) self = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *base_path = NULL;
  gboolean has_app;
  gboolean has_directory;

  if (!yq_platform_parse_api_base (api_base, &base_url, &base_path, error))
    return NULL;

  if (eid == NULL || *eid == '\0')
    {
      g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                   _("The 云之家 connector has no team ID (eid). Enter the eid shown in the "
                     "management centre."));
      return NULL;
    }

  has_app = app_id && *app_id && app_secret && *app_secret;
  has_directory = directory_secret && *directory_secret;
  if (!has_app && !has_directory)
    {
      g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                   _("The 云之家 connector needs the app ID and secret of its light app, or the "
                     "directory key, or both."));
      return NULL;
    }

  self = g_object_new (YQ_TYPE_YZJ_CLIENT, NULL);
  self->base_url = g_steal_pointer (&base_url);
  self->eid = g_strdup (eid);
  self->app_id = g_strdup (app_id && *app_id ? app_id : NULL);
  if (has_app)
    {
      self->app_secret = g_strdup (app_secret);
      yq_http_add_secret (self->http, app_secret);
      self->app_token = token_source_new (self, "app");
    }
  if (has_directory)
    {
      self->directory_secret = g_strdup (directory_secret);
      yq_http_add_secret (self->http, directory_secret);
      self->directory_token = token_source_new (self, "resGroupSecret");
    }

  return g_steal_pointer (&self);
}

/**
 * yq_yzj_client_set_public_account:
 * @self: a client
 * @pub_id: (nullable): the public-account ID (公共号ID, `XT-…`)
 * @pub_key: (nullable): the public-account key (公共号密钥)
 *
 * Notifications are sent as public-account messages, signed with these.
 */
void
yq_yzj_client_set_public_account (YqYzjClient *self,
                                  const char  *pub_id,
                                  const char  *pub_key)
{
  g_return_if_fail (YQ_IS_YZJ_CLIENT (self));

  g_clear_pointer (&self->pub_id, g_free);
  g_clear_pointer (&self->pub_key, g_free);
  if (pub_id && *pub_id && pub_key && *pub_key)
    {
      self->pub_id = g_strdup (pub_id);
      self->pub_key = g_strdup (pub_key);
      yq_http_add_secret (self->http, pub_key);
    }
}

/**
 * yq_yzj_client_set_person_path:
 * @self: a client
 * @which: the operation
 * @path: (nullable): its gateway path; %NULL for the default
 */
void
yq_yzj_client_set_person_path (YqYzjClient     *self,
                               YqYzjPersonPath  which,
                               const char      *path)
{
  g_return_if_fail (YQ_IS_YZJ_CLIENT (self));
  g_return_if_fail (which < YQ_YZJ_N_PERSON_PATHS);

  g_free (self->person_paths[which]);
  self->person_paths[which] = g_strdup (path && *path ? path : default_person_paths[which]);
}

const char *
yq_yzj_client_get_person_path (YqYzjClient     *self,
                               YqYzjPersonPath  which)
{
  g_return_val_if_fail (YQ_IS_YZJ_CLIENT (self), NULL);
  g_return_val_if_fail (which < YQ_YZJ_N_PERSON_PATHS, NULL);

  return self->person_paths[which];
}

YqHttp *
yq_yzj_client_get_http (YqYzjClient *self)
{
  g_return_val_if_fail (YQ_IS_YZJ_CLIENT (self), NULL);

  return self->http;
}

static gboolean
need_directory (YqYzjClient *self,
                GTask       *task,
                const char  *call)
{
  if (self->directory_token != NULL)
    return TRUE;

  g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT, call,
                                                    _("the connector has no directory key "
                                                      "(通讯录密钥)")));
  return FALSE;
}

static gboolean
need_app (YqYzjClient *self,
          GTask       *task,
          const char  *call)
{
  if (self->app_token != NULL)
    return TRUE;

  g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT, call,
                                                    _("the connector has no light-app ID and "
                                                      "secret")));
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Directory read                                                            */
/* ------------------------------------------------------------------------ */

typedef struct
{
  YqYzjClient         *client;
  YqFetchRun           run;
  YqOrgSnapshot       *snapshot;
  GHashTable          *long_names;
  GPtrArray           *unresolved;
  guint                begin;
  guint                outstanding;
  gboolean             departments_done;
  gboolean             people_done;
  gboolean             done;
  char                *missing_root;
  guint                start_calls;
} YzjCrawl;

typedef struct
{
  YqOrgPerson *person;
  char        *long_name;
} Unresolved;

static void
unresolved_free (Unresolved *u)
{
  g_free (u->long_name);
  g_free (u);
}

static void
yzj_crawl_free (YzjCrawl *c)
{
  yq_fetch_run_clear (&c->run);
  g_clear_object (&c->snapshot);
  g_clear_pointer (&c->long_names, g_hash_table_unref);
  g_clear_pointer (&c->unresolved, g_ptr_array_unref);
  g_free (c->missing_root);
  g_clear_object (&c->client);
  g_free (c);
}

static void yzj_crawl_people_page (GTask *task);
static void yzj_crawl_advance     (GTask *task);

static gboolean
yzj_crawl_take (GTask      *task,
                GAsyncResult *result,
                JsonNode  **out)
{
  YzjCrawl *c = g_task_get_task_data (task);
  GError *error = NULL;

  c->outstanding--;
  *out = yq_http_send_finish (c->client->http, result, &error);

  if (c->done)
    {
      g_clear_error (&error);
      g_clear_pointer (out, json_node_unref);
      return FALSE;
    }
  if (*out == NULL)
    {
      c->done = TRUE;
      yq_fetch_run_abort (&c->run);
      g_task_return_error (task, error);
      return FALSE;
    }

  c->run.stats.pages++;
  return TRUE;
}

/* Every request the client sent meanwhile, token requests included. */
static void
yzj_crawl_count (YzjCrawl *c)
{
  c->run.stats.api_calls = yq_http_get_call_count (c->client->http) - c->start_calls;
  yq_fetch_run_update (&c->run, c->snapshot);
}

static void
yzj_crawl_progress (YzjCrawl *c)
{
  c->run.stats.api_calls = yq_http_get_call_count (c->client->http) - c->start_calls;
  yq_fetch_run_report (&c->run, c->snapshot);
}

static void
yzj_crawl_send (GTask               *task,
                YqHttpRequest       *request,
                GAsyncReadyCallback  callback)
{
  YzjCrawl *c = g_task_get_task_data (task);

  c->outstanding++;
  yq_http_send_async (c->client->http, request, c->run.cancellable, callback,
                      g_object_ref (task));
}

static void
yzj_crawl_root_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YzjCrawl *c = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  YqOrgDepartment *root = NULL;
  JsonNode *data;

  if (!yzj_crawl_take (task, result, &answer))
    return;

  data = yq_yzj_result_get_data (answer);
  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data) &&
      json_array_get_length (json_node_get_array (data)) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (data), 0)))
    root = yq_yzj_department_from_json (json_array_get_object_element (json_node_get_array (data),
                                                                       0));
  else if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    root = yq_yzj_department_from_json (json_node_get_object (data));

  if (root == NULL || g_strcmp0 (root->id, c->missing_root) != 0)
    {
      g_debug ("dept/get did not return the team root %s; keeping it nameless", c->missing_root);
      g_clear_pointer (&root, yq_org_department_free);
      root = yq_org_department_new (c->missing_root, NULL, "");
    }
  g_clear_pointer (&root->parent_id, g_free);
  yq_org_snapshot_add_department (c->snapshot, root);
  yq_org_snapshot_set_root_id (c->snapshot, c->missing_root);
  g_hash_table_replace (c->long_names, g_strdup (c->missing_root), g_strdup (""));

  yzj_crawl_progress (c);
  yzj_crawl_advance (task);
}

/* dept/getall may or may not list the team root: find it, or ask for it. */
static void
yzj_crawl_find_root (GTask *task)
{
  YzjCrawl *c = g_task_get_task_data (task);
  g_autoptr(GHashTable) missing = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = yq_org_snapshot_get_n_departments (c->snapshot);
  const char *missing_id = NULL;

  for (guint i = 0; i < n; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (c->snapshot, i);

      if (dept->parent_id == NULL)
        {
          yq_org_snapshot_set_root_id (c->snapshot, dept->id);
          g_hash_table_replace (c->long_names, g_strdup (dept->id), g_strdup (""));
          return;
        }
      if (yq_org_snapshot_lookup_department (c->snapshot, dept->parent_id) == NULL)
        {
          g_hash_table_add (missing, dept->parent_id);
          missing_id = dept->parent_id;
        }
    }

  if (g_hash_table_size (missing) == 1)
    {
      g_autoptr(JsonNode) data = NULL;
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(YqHttpRequest) request = NULL;

      c->missing_root = g_strdup (missing_id);
      data = eid_data (c->client);
      json_object_set_int_member (json_node_get_object (data), "type", 1);
      json_array_add_string_element (array, "\\");
      json_object_set_array_member (json_node_get_object (data), "array",
                                    json_array_ref (array));
      request = yzj_form_request (c->client, "/gateway/openimport/open/dept/get", data);
      yzj_crawl_send (task, request, yzj_crawl_root_cb);
    }
}

static void
yzj_crawl_departments_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YzjCrawl *c = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  JsonNode *data;
  JsonArray *items = NULL;

  if (!yzj_crawl_take (task, result, &answer))
    return;

  data = yq_yzj_result_get_data (answer);
  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    items = json_node_get_array (data);
  else if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    items = yq_json_get_array (json_node_get_object (data), "list");

  if (items == NULL)
    {
      c->done = TRUE;
      yq_fetch_run_abort (&c->run);
      g_task_return_error (task,
                           yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE,
                                                  "/gateway/openimport/open/dept/getall",
                                                  _("the answer has no department list")));
      return;
    }

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      YqOrgDepartment *dept;
      char *long_name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      dept = yq_yzj_department_from_json (json_node_get_object (node));
      if (dept == NULL)
        continue;
      long_name = yq_yzj_department_long_name (json_node_get_object (node));
      if (long_name != NULL)
        g_hash_table_replace (c->long_names, g_strdup (dept->id), long_name);
      yq_org_snapshot_add_department (c->snapshot, dept);
    }

  c->departments_done = TRUE;
  yzj_crawl_find_root (task);
  yzj_crawl_progress (c);
  yzj_crawl_advance (task);
}

static void
yzj_crawl_people_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YzjCrawl *c = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  JsonNode *data;
  JsonArray *items = NULL;
  guint n;

  if (!yzj_crawl_take (task, result, &answer))
    return;

  data = yq_yzj_result_get_data (answer);
  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    items = json_node_get_array (data);
  else if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    items = yq_json_get_array (json_node_get_object (data), "list");
  n = items ? json_array_get_length (items) : 0;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      YqOrgPerson *person;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      person = yq_yzj_person_from_json (json_node_get_object (node));
      if (person == NULL)
        continue;
      if (person->department_ids[0] == NULL)
        {
          Unresolved *u = g_new0 (Unresolved, 1);

          u->long_name = yq_json_dup_string_lenient (json_node_get_object (node), "department");
          u->person = person;
          if (u->long_name != NULL)
            g_ptr_array_add (c->unresolved, u);
          else
            unresolved_free (u);
        }
      if (!yq_org_snapshot_add_person (c->snapshot, person))
        {
          /* A person moved between pages: keep the first copy. */
          for (guint k = 0; k < c->unresolved->len; k++)
            if (((Unresolved *) g_ptr_array_index (c->unresolved, k))->person == person)
              g_ptr_array_remove_index (c->unresolved, k--);
        }
    }

  c->begin += n;
  if (yq_yzj_page_is_last (n, YQ_YZJ_PAGE_COUNT))
    c->people_done = TRUE;
  else
    yzj_crawl_people_page (task);

  yzj_crawl_progress (c);
  yzj_crawl_advance (task);
}

static void
yzj_crawl_people_page (GTask *task)
{
  YzjCrawl *c = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = eid_data (c->client);
  g_autoptr(YqHttpRequest) request = NULL;

  json_object_set_int_member (json_node_get_object (data), "begin", c->begin);
  json_object_set_int_member (json_node_get_object (data), "count", YQ_YZJ_PAGE_COUNT);
  request = yzj_form_request (c->client, "/gateway/openimport/open/person/getall", data);
  yzj_crawl_send (task, request, yzj_crawl_people_cb);
}

static void
yzj_crawl_advance (GTask *task)
{
  YzjCrawl *c = g_task_get_task_data (task);
  g_autoptr(GHashTable) by_long_name = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (c->done || !c->departments_done || !c->people_done || c->outstanding > 0)
    return;

  by_long_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, c->long_names);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (by_long_name, value, key);

  for (guint i = 0; i < c->unresolved->len; i++)
    {
      Unresolved *u = g_ptr_array_index (c->unresolved, i);
      const char *id = g_hash_table_lookup (by_long_name, u->long_name);

      if (id != NULL)
        {
          g_strfreev (u->person->department_ids);
          u->person->department_ids = g_new0 (char *, 2);
          u->person->department_ids[0] = g_strdup (id);
        }
    }

  /* Remember long names and the root: directory writes address parents by
   * long name. */
  g_hash_table_remove_all (c->client->long_names);
  g_hash_table_iter_init (&iter, c->long_names);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (c->client->long_names, g_strdup (key), g_strdup (value));
  g_free (c->client->root_id);
  c->client->root_id = g_strdup (yq_org_snapshot_get_root_id (c->snapshot));

  c->done = TRUE;
  yzj_crawl_count (c);
  g_debug ("directory fetched: %u departments, %u people, %u calls", c->run.stats.departments,
           c->run.stats.people, c->run.stats.api_calls);
  g_task_return_pointer (task, g_object_ref (c->snapshot), g_object_unref);
}

static void
yq_yzj_client_fetch_directory_async (YqPlatform          *platform,
                                     YqFetchProgressFunc  progress,
                                     gpointer             progress_data,
                                     GDestroyNotify       progress_destroy,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  g_autoptr(JsonNode) data = NULL;
  YzjCrawl *c;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_fetch_directory_async);

  c = g_new0 (YzjCrawl, 1);
  c->client = g_object_ref (self);
  yq_fetch_run_init (&c->run, cancellable, progress, progress_data, progress_destroy);
  c->snapshot = yq_org_snapshot_new (NULL);
  c->long_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->unresolved = g_ptr_array_new_with_free_func ((GDestroyNotify) unresolved_free);
  c->start_calls = yq_http_get_call_count (self->http);
  g_task_set_task_data (task, c, (GDestroyNotify) yzj_crawl_free);

  if (!need_directory (self, task, "/gateway/openimport/open/dept/getall"))
    return;

  data = eid_data (self);
  request = yzj_form_request (self, "/gateway/openimport/open/dept/getall", data);
  yzj_crawl_send (task, request, yzj_crawl_departments_cb);
  yzj_crawl_people_page (task);
}

static YqOrgSnapshot *
yq_yzj_client_fetch_directory_finish (YqPlatform    *platform,
                                      GAsyncResult  *result,
                                      YqFetchStats  *stats,
                                      GError       **error)
{
  YzjCrawl *c;

  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  c = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    {
      yzj_crawl_count (c);
      *stats = c->run.stats;
    }

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Test connection                                                           */
/* ------------------------------------------------------------------------ */

static void
test_snapshot_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  YqOrgDepartment *root;
  GError *error = NULL;
  char *summary;
  guint n_top = 0;
  guint n;

  snapshot = yq_platform_fetch_directory_finish (YQ_PLATFORM (object), result, NULL, &error);
  if (snapshot == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  root = yq_org_snapshot_lookup_department (snapshot, yq_org_snapshot_get_root_id (snapshot));
  n = yq_org_snapshot_get_n_departments (snapshot);
  for (guint i = 0; root && i < n; i++)
    if (g_strcmp0 (yq_org_snapshot_get_department (snapshot, i)->parent_id, root->id) == 0)
      n_top++;

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Connected. Root department “%s” with %u top-level "
                                          "department; %u people.",
                                          "Connected. Root department “%s” with %u top-level "
                                          "departments; %u people.",
                                          n_top),
                             root && *root->name ? root->name : _("(unnamed)"),
                             n_top, yq_org_snapshot_get_n_people (snapshot));
  g_task_return_pointer (task, summary, g_free);
}

static void
test_directory_token_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqYzjClient *self = g_task_get_source_object (task);
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = yq_token_source_get_finish (YQ_TOKEN_SOURCE (object), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  yq_platform_fetch_directory_async (YQ_PLATFORM (self), NULL, NULL, NULL,
                                     g_task_get_cancellable (task), test_snapshot_cb,
                                     g_object_ref (task));
}

static void
test_app_token_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqYzjClient *self = g_task_get_source_object (task);
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = yq_token_source_get_finish (YQ_TOKEN_SOURCE (object), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->directory_token == NULL)
    {
      g_task_return_pointer (task, g_strdup (_("Connected. The light app's ID and secret are "
                                               "valid; no directory key is configured.")),
                             g_free);
      return;
    }

  yq_token_source_invalidate (self->directory_token, NULL);
  yq_token_source_get_async (self->directory_token, self->http, g_task_get_cancellable (task),
                             test_directory_token_cb, g_object_ref (task));
}

static void
yq_yzj_client_test_connection_async (YqPlatform          *platform,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_test_connection_async);

  /* A test must prove the secrets, not reuse cached tokens. */
  if (self->app_token != NULL)
    {
      yq_token_source_invalidate (self->app_token, NULL);
      yq_token_source_get_async (self->app_token, self->http, cancellable, test_app_token_cb,
                                 g_steal_pointer (&task));
      return;
    }

  yq_token_source_invalidate (self->directory_token, NULL);
  yq_token_source_get_async (self->directory_token, self->http, cancellable,
                             test_directory_token_cb, g_steal_pointer (&task));
}

static char *
yq_yzj_client_test_connection_finish (YqPlatform    *platform,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Login                                                                     */
/* ------------------------------------------------------------------------ */

static void
ticket_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;
  JsonNode *data;
  YqOrgPerson *person = NULL;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = yq_yzj_result_get_data (answer);
  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    person = yq_yzj_person_from_context (json_node_get_object (data));
  if (person == NULL)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS,
                                                        "/gateway/ticket/user/acquirecontext",
                                                        _("the ticket is invalid, expired or was "
                                                          "already used")));
      return;
    }

  g_task_return_pointer (task, person, (GDestroyNotify) yq_org_person_free);
}

static void
yq_yzj_client_resolve_login_code_async (YqPlatform          *platform,
                                        YqLoginCodeKind      kind,
                                        const char          *code,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  g_autoptr(JsonNode) body = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_resolve_login_code_async);

  if (kind == YQ_LOGIN_CODE_QR)
    {
      g_task_return_new_error (task, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NOT_SUPPORTED,
                               _("QR-code login is not supported for 云之家: the platform "
                                 "documents no QR-code login API. People can open the OA from "
                                 "the light app instead."));
      return;
    }

  if (!need_app (self, task, "/gateway/ticket/user/acquirecontext"))
    return;

  if (*code == '\0')
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                        "/gateway/ticket/user/acquirecontext",
                                                        _("the ticket is empty")));
      return;
    }

  body = make_data ("appid", self->app_id, "ticket", code, NULL);
  request = yzj_json_request (self, "/gateway/ticket/user/acquirecontext", YQ_YZJ_FAMILY_TICKET,
                              body);
  yq_http_send_async (self->http, request, cancellable, ticket_cb, g_steal_pointer (&task));
}

static YqOrgPerson *
yq_yzj_client_resolve_login_code_finish (YqPlatform    *platform,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Public-account messages (§6.1)                                            */
/* ------------------------------------------------------------------------ */

/* The platform wants only parameter values URL-encoded (§6.1): encode the
 * bytes of the query that would break it, and leave the rest alone. */
static char *
encode_url_query (const char *url)
{
  const char *query = strchr (url, '?');
  GString *s;

  if (query == NULL)
    return g_strdup (url);

  s = g_string_new_len (url, query - url + 1);
  for (const char *p = query + 1; *p; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>' || c == '#')
        g_string_append_printf (s, "%%%02X", c);
      else
        g_string_append_c (s, (char) c);
    }

  return g_string_free (s, FALSE);
}

typedef struct
{
  JsonNode        *body_template;
  GQueue           batches;
  GPtrArray       *current;
  YqMessageResult *result;
  YqCallTally      tally;
  /* the attempt, when the request names one */
  char            *idempotency_key;
  gint64           attempt_ms;
  gboolean         resumed;
  guint            batch_index;
} PubState;

static void
pub_state_free (PubState *state)
{
  g_clear_pointer (&state->body_template, json_node_unref);
  g_free (state->idempotency_key);
  g_queue_clear_full (&state->batches, (GDestroyNotify) g_ptr_array_unref);
  g_clear_pointer (&state->current, g_ptr_array_unref);
  g_clear_pointer (&state->result, yq_message_result_free);
  yq_call_tally_clear (&state->tally);
  g_free (state);
}

static void pub_next (GTask *task);

static void
pub_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PubState *state = g_task_get_task_data (task);
  g_autoptr(GPtrArray) batch = g_steal_pointer (&state->current);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  state->result->n_calls++;

  if (answer == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = 0; i < batch->len; i++)
        g_ptr_array_add (state->result->failures,
                         yq_recipient_failure_new (g_ptr_array_index (batch, i),
                                                   yq_platform_error_code_of (error),
                                                   error->message));
      yq_call_tally_note_error (&state->tally, error);
    }
  else
    {
      JsonObject *obj = json_node_get_object (answer);
      JsonObject *data = yq_json_get_object (obj, "data");
      g_autofree char *id = yq_json_dup_string_lenient (data ? data : obj, "sourceMsgId");

      if (json_object_has_member (obj, "replayed"))
        g_debug ("public-account message %u of %s was delivered before",
                 state->batch_index, state->idempotency_key);
      state->tally.n_ok++;
      g_ptr_array_add (state->result->message_ids, g_strdup (id ? id : ""));
      if (state->result->message_id == NULL && id != NULL)
        state->result->message_id = g_strdup (id);
    }

  pub_next (task);
}

static void
pub_next (GTask *task)
{
  YqYzjClient *self = g_task_get_source_object (task);
  PubState *state = g_task_get_task_data (task);
  g_autoptr(YqHttpRequest) request = NULL;
  JsonArray *users;
  JsonArray *to;
  JsonObject *target;
  YzjCall *call;

  state->current = g_queue_pop_head (&state->batches);
  if (state->current == NULL)
    {
      yq_call_tally_return (&state->tally, task, g_steal_pointer (&state->result),
                            (GDestroyNotify) yq_message_result_free);
      return;
    }

  call = yzj_call_new (self, BODY_PUBACC, YQ_YZJ_FAMILY_PUBACC, "/pubacc/pubsendV2");
  call->pub_id = g_strdup (self->pub_id);
  call->pub_key = g_strdup (self->pub_key);
  call->pub_body = json_node_copy (state->body_template);
  state->batch_index++;
  if (state->attempt_ms != 0 && state->idempotency_key != NULL)
    {
      call->from_seed = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%u", state->idempotency_key,
                                         state->attempt_ms, state->batch_index);
      call->from_time_s = state->attempt_ms / 1000;
      call->replay_delivered = state->resumed;
    }

  users = json_array_new ();
  for (guint i = 0; i < state->current->len; i++)
    json_array_add_string_element (users, g_ptr_array_index (state->current, i));
  target = json_object_new ();
  json_object_set_string_member (target, "no", self->eid);
  json_object_set_array_member (target, "user", users);
  to = json_array_new ();
  json_array_add_object_element (to, target);
  json_object_set_array_member (json_node_get_object (call->pub_body), "to", to);

  request = yzj_request (call, NULL);
  yq_http_send_async (self->http, request, g_task_get_cancellable (task), pub_cb,
                      g_object_ref (task));
}

static void
yq_yzj_client_send_notification_async (YqPlatform             *platform,
                                       const YqMessageRequest *request,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  g_autofree char *text = NULL;
  JsonObject *body;
  JsonObject *msg;
  GPtrArray *batch = NULL;
  PubState *state;
  const char *content = request->content ? request->content : request->markdown;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_send_notification_async);
  recipients = yq_platform_unique_recipients ((const char * const *) request->recipients);

  if (self->pub_id == NULL)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                        "/pubacc/pubsendV2",
                                                        _("the public-account number and key "
                                                          "are not set")));
      return;
    }
  if (recipients->len == 0)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                        "/pubacc/pubsendV2",
                                                        _("a notification needs at least one "
                                                          "recipient")));
      return;
    }

  if (request->title && content && *content)
    text = g_strconcat (request->title, "\n", content, NULL);
  else
    text = g_strdup (request->title ? request->title : (content ? content : ""));

  msg = json_object_new ();
  json_object_set_string_member (msg, "text", text);
  body = json_object_new ();
  if (request->url != NULL)
    {
      g_autofree char *url = encode_url_query (request->url);

      json_object_set_int_member (body, "type", 5);
      json_object_set_string_member (msg, "url", url);
      /* With the light app's ID the link carries the reader's identity. */
      if (self->app_id != NULL)
        json_object_set_string_member (msg, "appid", self->app_id);
      json_object_set_int_member (msg, "todo", 0);
    }
  else
    json_object_set_int_member (body, "type", 2);
  json_object_set_object_member (body, "msg", msg);

  state = g_new0 (PubState, 1);
  g_queue_init (&state->batches);
  state->result = yq_message_result_new ();
  state->idempotency_key = g_strdup (request->idempotency_key);
  state->attempt_ms = request->attempt_ms;
  state->resumed = request->resumed;
  state->body_template = json_node_init_object (json_node_alloc (), body);
  json_object_unref (body);
  g_task_set_task_data (task, state, (GDestroyNotify) pub_state_free);

  for (guint i = 0; i < recipients->len; i++)
    {
      const char *r = g_ptr_array_index (recipients, i);

      if (batch == NULL || batch->len >= PUBACC_BATCH)
        {
          batch = g_ptr_array_new_with_free_func (g_free);
          g_queue_push_tail (&state->batches, batch);
        }
      g_ptr_array_add (batch, g_strdup (r));
    }

  pub_next (task);
}

static YqMessageResult *
yq_yzj_client_send_notification_finish (YqPlatform    *platform,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Todos (§6.2)                                                              */
/* ------------------------------------------------------------------------ */

typedef struct
{
  YqTodoResult *result;
  char         *source_id;
  YqCallTally   tally;
} YzjTodoState;

static void
yzj_todo_state_free (YzjTodoState *state)
{
  g_clear_pointer (&state->result, yq_todo_result_free);
  g_free (state->source_id);
  yq_call_tally_clear (&state->tally);
  g_free (state);
}

typedef struct
{
  GTask     *task;
  GPtrArray *items;
  guint      checks;
} YzjTodoJob;

static void
yzj_todo_job_free (YzjTodoJob *job)
{
  g_clear_object (&job->task);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_free (job);
}

static void
set_item_error (YqTodoItem *item,
                const char *code,
                const char *message)
{
  g_free (item->error_code);
  g_free (item->error_message);
  item->error_code = g_strdup (code);
  item->error_message = g_strdup (message);
}

static void
yzj_todo_job_done (YzjTodoJob   *job,
                   const GError *error)
{
  GTask *task = g_object_ref (job->task);
  YzjTodoState *state = g_task_get_task_data (task);

  for (guint i = 0; i < job->items->len; i++)
    {
      YqTodoItem *item = g_ptr_array_index (job->items, i);

      if (error != NULL)
        set_item_error (item, yq_platform_error_code_of (error), error->message);
      else if (item->error_code == NULL)
        state->tally.n_ok++;
    }
  if (error != NULL)
    yq_call_tally_note_error (&state->tally, error);

  yzj_todo_job_free (job);

  if (--state->tally.pending == 0)
    yq_call_tally_return (&state->tally, task, g_steal_pointer (&state->result),
                          (GDestroyNotify) yq_todo_result_free);
  g_object_unref (task);
}

static void
mark_listed_failures (GPtrArray  *items,
                      JsonNode   *answer,
                      const char *message)
{
  g_autoptr(GPtrArray) bad = yq_yzj_parse_id_list (yq_yzj_result_get_data (answer));
  g_autofree char *code = g_strdup_printf ("%" G_GINT64_FORMAT, yq_yzj_result_get_code (answer));

  for (guint i = 0; i < items->len; i++)
    {
      YqTodoItem *item = g_ptr_array_index (items, i);

      for (guint k = 0; k < bad->len; k++)
        if (g_strcmp0 (item->recipient, g_ptr_array_index (bad, k)) == 0)
          set_item_error (item, code, message);
    }
}

static void yzj_todo_check (YzjTodoJob *job);

static void
yzj_todo_check_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  YzjTodoJob *job = user_data;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *data;
  JsonObject *obj = NULL;
  gboolean check = FALSE;
  gint64 dealt = 0;
  gint64 pending = 0;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      /* The create was accepted; a failed check does not undo that. */
      g_debug ("checkcreatetodo failed: %s", error->message);
      yzj_todo_job_done (job, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                ? error : NULL);
      return;
    }

  data = yq_yzj_result_get_data (answer);
  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    obj = json_node_get_object (data);
  yq_json_get_bool_lenient (obj, "check", &check);
  yq_json_get_int_lenient (obj, "dealCount", &dealt);
  yq_json_get_int_lenient (obj, "undelCount", &pending);

  if (!check)
    {
      g_debug ("checkcreatetodo throttled; treating the accepted todo as created");
      yzj_todo_job_done (job, NULL);
      return;
    }
  if (dealt + pending > 0)
    {
      yzj_todo_job_done (job, NULL);
      return;
    }
  if (job->checks < 3)
    {
      yzj_todo_check (job);
      return;
    }

  for (guint i = 0; i < job->items->len; i++)
    set_item_error (g_ptr_array_index (job->items, i), "unconfirmed",
                    _("The platform accepted the todo but had not created it after several "
                      "checks; send it again later (it will not be duplicated)."));
  yzj_todo_job_done (job, NULL);
}

static void
yzj_todo_check_wait_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  YzjTodoJob *job = user_data;
  YqYzjClient *self = g_task_get_source_object (job->task);
  YzjTodoState *state = g_task_get_task_data (job->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  YqTodoItem *first = g_ptr_array_index (job->items, 0);

  if (!yq_sleep_finish (result, &error))
    {
      yzj_todo_job_done (job, error);
      return;
    }

  body = make_data ("sourcetype", self->app_id, "sourceitemid", state->source_id,
                    "openId", first->recipient, NULL);
  request = yzj_json_request (self, "/gateway/newtodo/open/checkcreatetodo.json",
                              YQ_YZJ_FAMILY_TODO_CHECK, body);
  yq_http_send_async (self->http, request, g_task_get_cancellable (job->task), yzj_todo_check_cb,
                      job);
}

/* An asynchronous create only means "accepted": confirm it, within the
 * limit of 5 checks per minute per todo. */
static void
yzj_todo_check (YzjTodoJob *job)
{
  static const gint64 delays_s[] = { 2, 4, 8 };

  yq_sleep_async (delays_s[MIN (job->checks, G_N_ELEMENTS (delays_s) - 1)] * G_USEC_PER_SEC,
                  g_task_get_cancellable (job->task), yzj_todo_check_wait_cb, job);
  job->checks++;
}

static void
yzj_todo_create_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  YzjTodoJob *job = user_data;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 code;
  gboolean success = FALSE;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      yzj_todo_job_done (job, error);
      return;
    }

  code = yq_yzj_result_get_code (answer);
  yq_json_get_bool_lenient (json_node_get_object (answer), "success", &success);

  if (code == 501 || code == 505)
    {
      mark_listed_failures (job->items, answer, _("The platform does not know this openId."));
      if (code == 505)
        for (guint i = 0; i < job->items->len; i++)
          if (((YqTodoItem *) g_ptr_array_index (job->items, i))->error_code == NULL)
            set_item_error (g_ptr_array_index (job->items, i), "505",
                            _("The platform does not know this openId."));
      yzj_todo_job_done (job, NULL);
      return;
    }

  if (code == 0 && success)
    {
      yzj_todo_check (job);
      return;
    }

  yzj_todo_job_done (job, NULL);
}

static void
yq_yzj_client_create_todo_async (YqPlatform          *platform,
                                 const YqTodoRequest *request,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  YzjTodoState *state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_create_todo_async);

  if (!need_app (self, task, "/gateway/newtodo/open/generatetodo.json"))
    return;

  recipients = yq_platform_unique_recipients ((const char * const *) request->recipients);

  if (request->idempotency_key == NULL || *request->idempotency_key == '\0' ||
      request->title == NULL || *request->title == '\0' ||
      request->url == NULL || *request->url == '\0' ||
      request->icon_url == NULL || *request->icon_url == '\0' ||
      recipients->len == 0)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                        "/gateway/newtodo/open/generatetodo.json",
                                                        _("a todo needs an idempotency key, a "
                                                          "title, a URL, an icon URL and at least "
                                                          "one recipient")));
      return;
    }

  state = g_new0 (YzjTodoState, 1);
  state->result = yq_todo_result_new ();
  state->source_id = g_strdup (request->idempotency_key);
  state->tally.pending = 1;
  g_task_set_task_data (task, state, (GDestroyNotify) yzj_todo_state_free);

  for (guint start = 0; start < recipients->len; start += YQ_YZJ_TODO_BATCH)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(YqHttpRequest) http_request = NULL;
      YzjTodoJob *job = g_new0 (YzjTodoJob, 1);

      job->task = g_object_ref (task);
      job->items = g_ptr_array_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "appId");
      json_builder_add_string_value (b, self->app_id);
      json_builder_set_member_name (b, "sourceId");
      json_builder_add_string_value (b, request->idempotency_key);
      json_builder_set_member_name (b, "params");
      json_builder_begin_array (b);
      for (guint i = start; i < recipients->len && i < start + YQ_YZJ_TODO_BATCH; i++)
        {
          YqTodoItem *item = yq_todo_item_new (g_ptr_array_index (recipients, i),
                                               request->idempotency_key);

          g_ptr_array_add (state->result->items, item);
          g_ptr_array_add (job->items, item);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "openId");
          json_builder_add_string_value (b, item->recipient);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, request->url);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, request->app_name ? request->app_name : request->title);
      json_builder_set_member_name (b, "itemtitle");
      json_builder_add_string_value (b, request->title);
      json_builder_set_member_name (b, "headImg");
      json_builder_add_string_value (b, request->icon_url);
      if (request->content != NULL)
        {
          json_builder_set_member_name (b, "content");
          json_builder_add_string_value (b, request->content);
        }
      if (request->creator != NULL)
        {
          json_builder_set_member_name (b, "senderId");
          json_builder_add_string_value (b, request->creator);
        }
      json_builder_set_member_name (b, "sync");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
      body = json_builder_get_root (b);

      http_request = yzj_json_request (self, "/gateway/newtodo/open/generatetodo.json",
                                       YQ_YZJ_FAMILY_TODO, body);
      yq_http_request_set_lane (http_request, self->todo_lane);
      state->tally.pending++;
      yq_http_send_async (self->http, http_request, cancellable, yzj_todo_create_cb, job);
    }

  if (--state->tally.pending == 0)
    yq_call_tally_return (&state->tally, task, g_steal_pointer (&state->result),
                          (GDestroyNotify) yq_todo_result_free);
}

static YqTodoResult *
yq_yzj_client_create_todo_finish (YqPlatform    *platform,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
yzj_todo_action_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqTodoResult *todo = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (yq_yzj_result_get_code (answer) == 502)
    mark_listed_failures (todo->items, answer,
                          _("The platform could not change this member's todo."));

  g_task_return_pointer (task, yq_todo_result_copy (todo), (GDestroyNotify) yq_todo_result_free);
}

static void
yq_yzj_client_close_todo_async (YqPlatform          *platform,
                                gboolean             cancel,
                                const char          *task_id,
                                const char * const  *recipients,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  YqTodoResult *todo;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_close_todo_async);

  if (!need_app (self, task, "/gateway/newtodo/open/action.json"))
    return;

  todo = yq_todo_result_new ();
  for (guint i = 0; recipients && recipients[i]; i++)
    g_ptr_array_add (todo->items, yq_todo_item_new (recipients[i], task_id));
  g_task_set_task_data (task, todo, (GDestroyNotify) yq_todo_result_free);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sourcetype");
  json_builder_add_string_value (b, self->app_id);
  json_builder_set_member_name (b, "sourceitemid");
  json_builder_add_string_value (b, task_id);
  json_builder_set_member_name (b, "actiontype");
  json_builder_begin_object (b);
  if (cancel)
    {
      json_builder_set_member_name (b, "delete");
      json_builder_add_int_value (b, 1);
    }
  else
    {
      json_builder_set_member_name (b, "read");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "deal");
      json_builder_add_int_value (b, 1);
    }
  json_builder_end_object (b);
  /* Without "openids" the change applies to every recipient. */
  if (recipients != NULL && recipients[0] != NULL)
    {
      json_builder_set_member_name (b, "openids");
      json_builder_begin_array (b);
      for (guint i = 0; recipients[i]; i++)
        json_builder_add_string_value (b, recipients[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "sync");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  request = yzj_json_request (self, "/gateway/newtodo/open/action.json", YQ_YZJ_FAMILY_TODO, body);
  yq_http_request_set_lane (request, self->todo_lane);
  yq_http_send_async (self->http, request, cancellable, yzj_todo_action_cb,
                      g_steal_pointer (&task));
}

static YqTodoResult *
yq_yzj_client_close_todo_finish (YqPlatform    *platform,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Directory writes (§4)                                                     */
/* ------------------------------------------------------------------------ */

typedef struct
{
  GPtrArray     *changes;
  GPtrArray     *results;
  guint          next;
  guint          calls_answered;
  YqDirectoryOp  op;
  GArray        *run;
} WriteState;

static void
write_state_free (WriteState *state)
{
  g_clear_pointer (&state->changes, g_ptr_array_unref);
  g_clear_pointer (&state->results, g_ptr_array_unref);
  g_clear_pointer (&state->run, g_array_unref);
  g_free (state);
}

static void write_next (GTask *task);

static YqDirectoryChange *
run_change (WriteState *state,
            guint       i)
{
  return g_ptr_array_index (state->changes, g_array_index (state->run, guint, i));
}

static YqDirectoryChangeResult *
run_result (WriteState *state,
            guint       i)
{
  return g_ptr_array_index (state->results, g_array_index (state->run, guint, i));
}

static void
result_set (YqDirectoryChangeResult *result,
            YqDirectoryResultStatus  status,
            const char              *id,
            const char              *code,
            const char              *message)
{
  result->status = status;
  if (id != NULL)
    {
      g_free (result->id);
      result->id = g_strdup (id);
    }
  g_free (result->error_code);
  g_free (result->error_message);
  result->error_code = g_strdup (code);
  result->error_message = g_strdup (message);
}

static gboolean
op_is_department (YqDirectoryOp op)
{
  return op <= YQ_DIRECTORY_OP_DELETE_DEPARTMENT;
}

static const char *
op_path (YqYzjClient   *self,
         YqDirectoryOp  op)
{
  switch (op)
    {
    case YQ_DIRECTORY_OP_ADD_DEPARTMENT: return "/gateway/openimport/open/v2/dept/add";
    case YQ_DIRECTORY_OP_RENAME_DEPARTMENT: return "/gateway/openimport/open/dept/updateById";
    case YQ_DIRECTORY_OP_MOVE_DEPARTMENT: return "/gateway/openimport/open/dept/moveOrg";
    case YQ_DIRECTORY_OP_REORDER_DEPARTMENT:
      return "/gateway/openimport/open/dept/updateWeightsById";
    case YQ_DIRECTORY_OP_DELETE_DEPARTMENT: return "/gateway/openimport/open/dept/deleteById";
    case YQ_DIRECTORY_OP_ADD_PERSON: return self->person_paths[YQ_YZJ_PERSON_PATH_ADD];
    case YQ_DIRECTORY_OP_UPDATE_PERSON: return self->person_paths[YQ_YZJ_PERSON_PATH_UPDATE_INFO];
    case YQ_DIRECTORY_OP_MOVE_PERSON: return self->person_paths[YQ_YZJ_PERSON_PATH_UPDATE_DEPT];
    case YQ_DIRECTORY_OP_DISABLE_PERSON:
    case YQ_DIRECTORY_OP_ENABLE_PERSON:
      return self->person_paths[YQ_YZJ_PERSON_PATH_UPDATE_STATUS];
    case YQ_DIRECTORY_OP_DELETE_PERSON:
    default:
      return self->person_paths[YQ_YZJ_PERSON_PATH_DELETE];
    }
}

static const char *
main_department (const YqOrgPerson *person)
{
  return (person->department_ids && person->department_ids[0]) ? person->department_ids[0] : NULL;
}

/* The department whose long name the change needs, if any. */
static const char *
change_needed_department (YqYzjClient             *self,
                          const YqDirectoryChange *change)
{
  const char *id = NULL;

  if (change->op == YQ_DIRECTORY_OP_ADD_DEPARTMENT)
    id = change->department->parent_id;
  else if (change->op == YQ_DIRECTORY_OP_ADD_PERSON || change->op == YQ_DIRECTORY_OP_MOVE_PERSON)
    id = main_department (change->person);

  if (id == NULL || *id == '\0' || g_strcmp0 (id, self->root_id) == 0)
    return NULL;
  return id;
}

static const char *
long_name_of (YqYzjClient *self,
              const char  *id)
{
  if (id == NULL || *id == '\0' || g_strcmp0 (id, self->root_id) == 0)
    return "";
  return g_hash_table_lookup (self->long_names, id);
}

/* Why a change cannot be sent, or NULL. */
static const char *
change_problem (YqYzjClient             *self,
                const YqDirectoryChange *change)
{
  const YqOrgDepartment *d = change->department;
  const YqOrgPerson *p = change->person;

  if (op_is_department (change->op))
    {
      if (d == NULL)
        return _("the change has no department");
      if (change->op != YQ_DIRECTORY_OP_ADD_DEPARTMENT && (d->id == NULL || *d->id == '\0'))
        return _("the department has no ID");
      if ((change->op == YQ_DIRECTORY_OP_ADD_DEPARTMENT ||
           change->op == YQ_DIRECTORY_OP_RENAME_DEPARTMENT) &&
          (d->name == NULL || *d->name == '\0' || strchr (d->name, '\\') != NULL))
        return _("a department name must not be empty or contain a backslash");
      if (change->op == YQ_DIRECTORY_OP_MOVE_DEPARTMENT && d->parent_id == NULL &&
          self->root_id == NULL)
        return _("the team root is not known yet; fetch the directory first");
      return NULL;
    }

  if (p == NULL)
    return _("the change has no person");
  if (change->op != YQ_DIRECTORY_OP_ADD_PERSON && (p->id == NULL || *p->id == '\0'))
    return _("the person has no openId");
  if (change->op == YQ_DIRECTORY_OP_ADD_PERSON && (p->name == NULL || *p->name == '\0' ||
                                                   p->mobile == NULL || *p->mobile == '\0'))
    return _("a new person needs a name and a mobile number");
  if ((change->op == YQ_DIRECTORY_OP_ADD_PERSON || change->op == YQ_DIRECTORY_OP_MOVE_PERSON) &&
      main_department (p) == NULL)
    return _("the person has no department");

  return NULL;
}

static void
person_fields (JsonObject        *obj,
               const YqOrgPerson *p)
{
  if (p->name && *p->name)
    json_object_set_string_member (obj, "name", p->name);
  if (p->mobile)
    json_object_set_string_member (obj, "phone", p->mobile);
  if (p->email)
    json_object_set_string_member (obj, "email", p->email);
  if (p->job_number)
    json_object_set_string_member (obj, "jobNo", p->job_number);
  if (p->title)
    json_object_set_string_member (obj, "jobTitle", p->title);
  if (p->order != 0)
    {
      g_autofree char *w = g_strdup_printf ("%" G_GINT64_FORMAT, p->order);

      json_object_set_string_member (obj, "weights", w);
    }
}

static JsonNode *
write_build_data (YqYzjClient *self,
                  WriteState  *state)
{
  JsonNode *data = eid_data (self);
  JsonObject *root = json_node_get_object (data);
  JsonArray *list = json_array_new ();
  JsonArray *weights = NULL;
  const char *list_name = op_is_department (state->op) ? "departments" : "persons";

  if (state->op == YQ_DIRECTORY_OP_ADD_DEPARTMENT)
    weights = json_array_new ();

  for (guint i = 0; i < state->run->len; i++)
    {
      const YqDirectoryChange *c = run_change (state, i);
      const YqOrgDepartment *d = c->department;
      const YqOrgPerson *p = c->person;
      JsonObject *item;

      switch (state->op)
        {
        case YQ_DIRECTORY_OP_ADD_DEPARTMENT:
          {
            g_autofree char *long_name = yq_yzj_long_name_join (long_name_of (self, d->parent_id),
                                                                d->name);
            g_autofree char *w = g_strdup_printf ("%" G_GINT64_FORMAT, d->order);

            json_array_add_string_element (list, long_name);
            json_array_add_string_element (weights, w);
          }
          break;

        case YQ_DIRECTORY_OP_RENAME_DEPARTMENT:
          item = json_object_new ();
          json_object_set_string_member (item, "orgId", d->id);
          json_object_set_string_member (item, "todepartment", d->name);
          json_array_add_object_element (list, item);
          break;

        case YQ_DIRECTORY_OP_MOVE_DEPARTMENT:
          json_object_set_string_member (root, "orgId", d->id);
          json_object_set_string_member (root, "moveToOrgId",
                                         d->parent_id ? d->parent_id : self->root_id);
          break;

        case YQ_DIRECTORY_OP_REORDER_DEPARTMENT:
          {
            g_autofree char *w = g_strdup_printf ("%" G_GINT64_FORMAT, d->order);

            item = json_object_new ();
            json_object_set_string_member (item, "orgId", d->id);
            json_object_set_string_member (item, "weights", w);
            json_array_add_object_element (list, item);
          }
          break;

        case YQ_DIRECTORY_OP_DELETE_DEPARTMENT:
          json_array_add_string_element (list, d->id);
          break;

        case YQ_DIRECTORY_OP_ADD_PERSON:
        case YQ_DIRECTORY_OP_MOVE_PERSON:
          item = json_object_new ();
          if (state->op == YQ_DIRECTORY_OP_ADD_PERSON)
            person_fields (item, p);
          else
            json_object_set_string_member (item, "openId", p->id);
          /* Both the long name and the ID: the person API is unverified
           * (§4.3), and the gateway ignores what it does not use. */
          if (long_name_of (self, main_department (p)) != NULL)
            json_object_set_string_member (item, "department",
                                           long_name_of (self, main_department (p)));
          json_object_set_string_member (item, "orgId", main_department (p));
          json_array_add_object_element (list, item);
          break;

        case YQ_DIRECTORY_OP_UPDATE_PERSON:
          item = json_object_new ();
          json_object_set_string_member (item, "openId", p->id);
          person_fields (item, p);
          json_array_add_object_element (list, item);
          break;

        case YQ_DIRECTORY_OP_DISABLE_PERSON:
        case YQ_DIRECTORY_OP_ENABLE_PERSON:
          item = json_object_new ();
          json_object_set_string_member (item, "openId", p->id);
          json_object_set_string_member (item, "type",
                                         state->op == YQ_DIRECTORY_OP_DISABLE_PERSON ? "3" : "4");
          json_array_add_object_element (list, item);
          break;

        case YQ_DIRECTORY_OP_DELETE_PERSON:
        default:
          item = json_object_new ();
          json_object_set_string_member (item, "openId", p->id);
          json_array_add_object_element (list, item);
          break;
        }
    }

  if (state->op == YQ_DIRECTORY_OP_MOVE_DEPARTMENT)
    json_array_unref (list);
  else
    json_object_set_array_member (root, list_name, list);
  if (weights != NULL)
    json_object_set_array_member (root, "weights", weights);

  return data;
}

/* Every key a failure list may use for an item of the run. */
static GHashTable *
write_keys (YqYzjClient *self,
            WriteState  *state)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < state->run->len; i++)
    {
      const YqDirectoryChange *c = run_change (state, i);
      gpointer index = GUINT_TO_POINTER (i + 1);

      if (c->department)
        {
          if (c->department->id && *c->department->id)
            g_hash_table_insert (keys, g_strdup (c->department->id), index);
          if (c->op == YQ_DIRECTORY_OP_ADD_DEPARTMENT)
            {
              const char *parent = long_name_of (self, c->department->parent_id);
              char *long_name = yq_yzj_long_name_join (parent, c->department->name);

              if (long_name != NULL)
                g_hash_table_insert (keys, long_name, index);
            }
          else if (c->department->id && g_hash_table_lookup (self->long_names, c->department->id))
            g_hash_table_insert (keys,
                                 g_strdup (g_hash_table_lookup (self->long_names,
                                                                c->department->id)),
                                 index);
        }
      if (c->person)
        {
          const char *fields[] = { c->person->id, c->person->mobile, c->person->job_number,
                                   c->person->email, c->person->name };

          for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
            if (fields[k] && *fields[k] && !g_hash_table_contains (keys, fields[k]))
              g_hash_table_insert (keys, g_strdup (fields[k]), index);
        }
    }

  return keys;
}

static void
write_apply_answer (YqYzjClient *self,
                    WriteState  *state,
                    JsonNode    *answer)
{
  JsonNode *data = yq_yzj_result_get_data (answer);
  g_autoptr(GPtrArray) errors = yq_yzj_parse_item_errors (data);
  g_autoptr(GHashTable) keys = write_keys (self, state);
  g_autoptr(GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean add_dept = state->op == YQ_DIRECTORY_OP_ADD_DEPARTMENT;

  /* v2/dept/add lists the new orgIds; person add may list new openIds. */
  if (add_dept && data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    {
      JsonArray *ok = yq_json_get_array (json_node_get_object (data), "successList");

      for (guint i = 0; ok && i < json_array_get_length (ok); i++)
        {
          JsonNode *node = json_array_get_element (ok, i);
          char *name;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          name = yq_json_dup_string_lenient (json_node_get_object (node), "department");
          if (name)
            g_hash_table_replace (created, name,
                                  yq_json_dup_string_lenient (json_node_get_object (node),
                                                              "orgId"));
        }
    }
  else if (state->op == YQ_DIRECTORY_OP_ADD_PERSON && data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *array = json_node_get_array (data);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          JsonObject *obj;
          g_autofree char *raw_phone = NULL;
          char *open_id;
          char *phone;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          obj = json_node_get_object (node);
          if (json_object_has_member (obj, "msgCode") || json_object_has_member (obj, "errorMsg"))
            continue;
          open_id = yq_json_dup_string_lenient (obj, "openId");
          raw_phone = yq_json_dup_string_lenient (obj, "phone");
          phone = yq_yzj_normalize_mobile (raw_phone);
          if (open_id && phone)
            g_hash_table_replace (created, phone, open_id);
          else
            {
              g_free (open_id);
              g_free (phone);
            }
        }
    }

  for (guint i = 0; i < state->run->len; i++)
    {
      const YqDirectoryChange *c = run_change (state, i);
      const char *id = c->department ? c->department->id : c->person->id;

      result_set (run_result (state, i), YQ_DIRECTORY_RESULT_OK,
                  (id && *id) ? id : NULL, NULL, NULL);
    }

  for (guint e = 0; e < errors->len; e++)
    {
      YqYzjItemError *err = g_ptr_array_index (errors, e);
      guint index = err->key ? GPOINTER_TO_UINT (g_hash_table_lookup (keys, err->key)) : 0;

      if (index == 0 && state->run->len == 1)
        index = 1;
      if (index == 0)
        {
          g_debug ("%s: unmatched failure %s (%s)", op_path (self, state->op), err->key,
                   err->message);
          continue;
        }
      result_set (run_result (state, index - 1), YQ_DIRECTORY_RESULT_FAILED, NULL,
                  err->code ? err->code : "failed",
                  err->message ? err->message : _("The platform refused this item."));
    }

  if (add_dept)
    for (guint i = 0; i < state->run->len; i++)
      {
        const YqDirectoryChange *c = run_change (state, i);
        YqDirectoryChangeResult *r = run_result (state, i);
        g_autofree char *long_name = yq_yzj_long_name_join (long_name_of (self,
                                                                          c->department->parent_id),
                                                            c->department->name);
        const char *org_id = long_name ? g_hash_table_lookup (created, long_name) : NULL;

        if (r->status != YQ_DIRECTORY_RESULT_OK)
          continue;
        if (org_id == NULL)
          {
            result_set (r, YQ_DIRECTORY_RESULT_FAILED, NULL, "no-id",
                        _("The platform did not report the new department's ID."));
            continue;
          }
        g_free (r->id);
        r->id = g_strdup (org_id);
        g_hash_table_replace (self->long_names, g_strdup (org_id), g_steal_pointer (&long_name));
      }

  if (state->op == YQ_DIRECTORY_OP_ADD_PERSON)
    for (guint i = 0; i < state->run->len; i++)
      {
        const YqDirectoryChange *c = run_change (state, i);
        YqDirectoryChangeResult *r = run_result (state, i);
        const char *open_id = g_hash_table_lookup (created, c->person->mobile);

        if (r->status == YQ_DIRECTORY_RESULT_OK)
          {
            g_free (r->id);
            r->id = g_strdup (open_id);
          }
      }

  /* Renames, moves and deletions change the long names below them. */
  if (state->op == YQ_DIRECTORY_OP_RENAME_DEPARTMENT ||
      state->op == YQ_DIRECTORY_OP_MOVE_DEPARTMENT ||
      state->op == YQ_DIRECTORY_OP_DELETE_DEPARTMENT)
    g_hash_table_remove_all (self->long_names);
}

static void
write_stop (GTask        *task,
            const GError *error)
{
  WriteState *state = g_task_get_task_data (task);

  if (state->calls_answered == 0)
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }

  /* Something was applied: report every item instead of one error. */
  for (guint i = 0; state->run && i < state->run->len; i++)
    result_set (run_result (state, i), YQ_DIRECTORY_RESULT_FAILED, NULL,
                yq_platform_error_code_of (error), error->message);
  for (guint i = state->next; i < state->results->len; i++)
    result_set (g_ptr_array_index (state->results, i), YQ_DIRECTORY_RESULT_NOT_ATTEMPTED, NULL,
                NULL, error->message);

  g_task_return_pointer (task, g_ptr_array_ref (state->results),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
write_lookup_people_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  WriteState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *data;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          write_stop (task, error);
          return;
        }
      /* The people were added; only their new IDs stay unknown. */
      g_debug ("looking up new people failed: %s", error->message);
      write_next (task);
      return;
    }

  data = yq_yzj_result_get_data (answer);
  for (guint k = 0; data && JSON_NODE_HOLDS_ARRAY (data) &&
                    k < json_array_get_length (json_node_get_array (data)); k++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (data), k);
      g_autoptr(YqOrgPerson) found = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      found = yq_yzj_person_from_json (json_node_get_object (node));
      if (found == NULL || found->mobile == NULL)
        continue;
      for (guint i = 0; i < state->run->len; i++)
        {
          YqDirectoryChangeResult *r = run_result (state, i);

          if (r->status == YQ_DIRECTORY_RESULT_OK && r->id == NULL &&
              g_strcmp0 (run_change (state, i)->person->mobile, found->mobile) == 0)
            r->id = g_strdup (found->id);
        }
    }

  write_next (task);
}

static void
write_sent_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqYzjClient *self = g_task_get_source_object (task);
  WriteState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) phones = NULL;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      write_stop (task, error);
      return;
    }

  state->calls_answered++;
  write_apply_answer (self, state, answer);

  if (state->op == YQ_DIRECTORY_OP_ADD_PERSON)
    {
      phones = json_array_new ();
      for (guint i = 0; i < state->run->len; i++)
        {
          YqDirectoryChangeResult *r = run_result (state, i);

          if (r->status == YQ_DIRECTORY_RESULT_OK && r->id == NULL)
            json_array_add_string_element (phones, run_change (state, i)->person->mobile);
        }
    }

  if (phones != NULL && json_array_get_length (phones) > 0)
    {
      g_autoptr(JsonNode) data = eid_data (self);
      g_autoptr(YqHttpRequest) request = NULL;

      json_object_set_int_member (json_node_get_object (data), "type", 0);
      json_object_set_array_member (json_node_get_object (data), "array",
                                    json_array_ref (phones));
      request = yzj_form_request (self, self->person_paths[YQ_YZJ_PERSON_PATH_GET], data);
      yq_http_send_async (self->http, request, g_task_get_cancellable (task),
                          write_lookup_people_cb, g_object_ref (task));
      return;
    }

  write_next (task);
}

static void
write_send_run (GTask *task)
{
  YqYzjClient *self = g_task_get_source_object (task);
  WriteState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(YqHttpRequest) request = NULL;

  /* Items whose department's long name is still unknown cannot be sent. */
  for (guint i = 0; i < state->run->len; i++)
    {
      const YqDirectoryChange *c = run_change (state, i);
      const char *needed = change_needed_department (self, c);

      if (needed != NULL && g_hash_table_lookup (self->long_names, needed) == NULL)
        {
          result_set (run_result (state, i), YQ_DIRECTORY_RESULT_FAILED, NULL, "221",
                      _("The department does not exist on the platform."));
          g_array_remove_index (state->run, i--);
        }
    }

  if (state->run->len == 0)
    {
      write_next (task);
      return;
    }

  data = write_build_data (self, state);
  request = yzj_form_request (self, op_path (self, state->op), data);
  yq_http_send_async (self->http, request, g_task_get_cancellable (task), write_sent_cb,
                      g_object_ref (task));
}

static void
write_lookup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqYzjClient *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *data;

  answer = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (answer == NULL)
    {
      write_stop (task, error);
      return;
    }

  data = yq_yzj_result_get_data (answer);
  for (guint k = 0; data && JSON_NODE_HOLDS_ARRAY (data) &&
                    k < json_array_get_length (json_node_get_array (data)); k++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (data), k);
      g_autoptr(YqOrgDepartment) dept = NULL;
      char *long_name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      dept = yq_yzj_department_from_json (json_node_get_object (node));
      long_name = yq_yzj_department_long_name (json_node_get_object (node));
      if (dept == NULL || long_name == NULL)
        {
          g_free (long_name);
          continue;
        }
      if (dept->parent_id == NULL || g_str_equal (long_name, "\\"))
        {
          /* The team root: paths below it never start with its name. */
          g_free (long_name);
          long_name = g_strdup ("");
          if (self->root_id == NULL)
            self->root_id = g_strdup (dept->id);
        }
      g_hash_table_replace (self->long_names, g_strdup (dept->id), long_name);
    }

  write_send_run (task);
}

static void
write_next (GTask *task)
{
  YqYzjClient *self = g_task_get_source_object (task);
  WriteState *state = g_task_get_task_data (task);
  g_autoptr(GHashTable) wanted = NULL;
  g_autoptr(JsonArray) ids = NULL;
  guint limit;

  g_clear_pointer (&state->run, g_array_unref);

  if (state->next >= state->changes->len)
    {
      g_task_return_pointer (task, g_ptr_array_ref (state->results),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  state->op = ((YqDirectoryChange *) g_ptr_array_index (state->changes, state->next))->op;
  limit = state->op == YQ_DIRECTORY_OP_MOVE_DEPARTMENT ? 1 : YQ_YZJ_BATCH_SIZE;
  state->run = g_array_new (FALSE, FALSE, sizeof (guint));

  while (state->next < state->changes->len && state->run->len < limit)
    {
      YqDirectoryChange *c = g_ptr_array_index (state->changes, state->next);
      const char *problem;

      if (c->op != state->op)
        break;

      problem = change_problem (self, c);
      if (problem != NULL)
        result_set (g_ptr_array_index (state->results, state->next), YQ_DIRECTORY_RESULT_FAILED,
                    NULL, yq_platform_error_get_nick (YQ_PLATFORM_ERROR_INVALID_ARGUMENT),
                    problem);
      else
        g_array_append_val (state->run, state->next);
      state->next++;
    }

  if (state->run->len == 0)
    {
      write_next (task);
      return;
    }

  /* Long names of parents and departments that this run needs. */
  wanted = g_hash_table_new (g_str_hash, g_str_equal);
  ids = json_array_new ();
  for (guint i = 0; i < state->run->len; i++)
    {
      const char *needed = change_needed_department (self, run_change (state, i));

      if (needed != NULL && g_hash_table_lookup (self->long_names, needed) == NULL &&
          g_hash_table_add (wanted, (gpointer) needed))
        json_array_add_string_element (ids, needed);
    }

  if (json_array_get_length (ids) > 0)
    {
      g_autoptr(JsonNode) data = eid_data (self);
      g_autoptr(YqHttpRequest) request = NULL;

      json_object_set_int_member (json_node_get_object (data), "type", 0);
      json_object_set_array_member (json_node_get_object (data), "array", json_array_ref (ids));
      request = yzj_form_request (self, "/gateway/openimport/open/dept/get", data);
      yq_http_send_async (self->http, request, g_task_get_cancellable (task), write_lookup_cb,
                          g_object_ref (task));
      return;
    }

  write_send_run (task);
}

static void
yq_yzj_client_apply_directory_changes_async (YqPlatform          *platform,
                                             GPtrArray           *changes,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  YqYzjClient *self = YQ_YZJ_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  WriteState *state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_yzj_client_apply_directory_changes_async);

  if (!need_directory (self, task, "/gateway/openimport/open"))
    return;

  state = g_new0 (WriteState, 1);
  state->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_directory_change_free);
  state->results =
    g_ptr_array_new_with_free_func ((GDestroyNotify) yq_directory_change_result_free);
  for (guint i = 0; i < changes->len; i++)
    {
      g_ptr_array_add (state->changes, yq_directory_change_copy (g_ptr_array_index (changes, i)));
      g_ptr_array_add (state->results,
                       yq_directory_change_result_new (YQ_DIRECTORY_RESULT_NOT_ATTEMPTED, NULL));
    }
  g_task_set_task_data (task, state, (GDestroyNotify) write_state_free);

  write_next (task);
}

static GPtrArray *
yq_yzj_client_apply_directory_changes_finish (YqPlatform    *platform,
                                              GAsyncResult  *result,
                                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */

static YqPlatformKind
yq_yzj_client_get_kind (YqPlatform *platform)
{
  return YQ_PLATFORM_KIND_YZJ;
}

static YqHttp *
yq_yzj_client_get_http_iface (YqPlatform *platform)
{
  return YQ_YZJ_CLIENT (platform)->http;
}

static void
yq_yzj_client_platform_init (YqPlatformInterface *iface)
{
  iface->get_kind = yq_yzj_client_get_kind;
  iface->get_http = yq_yzj_client_get_http_iface;
  iface->test_connection_async = yq_yzj_client_test_connection_async;
  iface->test_connection_finish = yq_yzj_client_test_connection_finish;
  iface->fetch_directory_async = yq_yzj_client_fetch_directory_async;
  iface->fetch_directory_finish = yq_yzj_client_fetch_directory_finish;
  iface->resolve_login_code_async = yq_yzj_client_resolve_login_code_async;
  iface->resolve_login_code_finish = yq_yzj_client_resolve_login_code_finish;
  iface->send_notification_async = yq_yzj_client_send_notification_async;
  iface->send_notification_finish = yq_yzj_client_send_notification_finish;
  iface->create_todo_async = yq_yzj_client_create_todo_async;
  iface->create_todo_finish = yq_yzj_client_create_todo_finish;
  iface->close_todo_async = yq_yzj_client_close_todo_async;
  iface->close_todo_finish = yq_yzj_client_close_todo_finish;
  iface->apply_directory_changes_async = yq_yzj_client_apply_directory_changes_async;
  iface->apply_directory_changes_finish = yq_yzj_client_apply_directory_changes_finish;
}
