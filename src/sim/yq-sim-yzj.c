/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * 云之家 open platform, written from docs/platforms/yunzhijia.md alone.
 *
 * Answers that the notes leave open and this simulator had to choose
 * (errorCode values marked * are the simulator's own; the real codes are
 * undocumented):
 *
 * - token endpoint: not JSON, bad JSON or a missing field → success:false,
 *   errorCode 10000* / 10001*; unknown scope 10002*; wrong appId, eid or
 *   secret 10003*; timestamp more than 3 minutes off 10004*.
 * - Repeated getAccessToken while the token is valid → the same accessToken,
 *   expireIn = seconds left (6400 when issued).
 * - refreshToken → a new accessToken and refreshToken; the old accessToken
 *   stays valid until it expires.
 * - accessToken missing, unknown or expired → 10010*; token scope does not fit
 *   the path family → 10011*; read-only directory key on a write API →
 *   10012*; eid differs from the token's or the team's → 10013*.
 * - openimport not form-encoded, or without eid / data → success:false,
 *   errorCode 10020* "参数为空"; data not JSON 10021*; over 1000 records
 *   10022*; weights length mismatch or over 200 whitelist IDs 10023*.
 * - Over the QPS cap: 10429* on token, ticket and directory calls; todo 202
 *   with a boolean success:false; pubacc 5102.
 * - Unknown /gateway path → HTTP 404, errorCode 404.
 * - dept/getall includes the team root, with parentId "" and long name "";
 *   dept/get also accepts "\" for the root.
 * - Batch msgCodes: 221 部门不存在 (documented); 220* bad name; 222* already
 *   exists; 223* starts with the team name; 224* rename to another level;
 *   225* same name at the move target; 226* move into itself; 227* has
 *   sub-departments; 228* the root; 230* name or phone missing; 231* phone in
 *   use; 232* person unknown; 233* bad updateStatus type.
 * - dept/delete with people: the department is deleted; normal people move
 *   to 未分配, the others to 待分配 (both created at the top when needed).
 * - Person writes: person/{add,updateInfo,updateDept,updateStatus,delete}
 *   with data {persons:[…]}; delete also takes {openIds:[…]}; answers are
 *   failure lists ([] when everything succeeded).
 * - person/getall returns every status (0, 1, 2), paged by begin/count;
 *   without count, everyone.
 * - company/queryPartTimeJobs → [{openId, orgId, department, jobTitle}].
 * - Tickets are single-use and live 10 minutes; a bad one → 10030*; appid not
 *   the token's app → 10031*.
 * - Asynchronous todo create / action: applied at once, answered errorCode 0.
 * - Todo recipients who are not normal members count as bad openIds
 *   (501 / 505); an action on a sourceitemid without todos → errorCode 1.
 * - pubacc: a `to` entry without user or code:"all" → 5003; the replay key is
 *   from.no, pub, time, nonce and pubtoken, stored only when a send succeeds.
 * - Change events: org_add, org_update, org_delete, user_enter, person_update
 *   and user_leave, createTime in epoch milliseconds.
 */

#define G_LOG_DOMAIN "yq-sim-yzj"

#include "config.h"

#include <string.h>

#include "yq-sim-util.h"
#include "yq-sim-yzj.h"

#define TOKEN_TTL          6400
#define TIMESTAMP_WINDOW   (G_GINT64_CONSTANT (3 * 60 * 1000))
#define TICKET_TTL_USEC    (G_GINT64_CONSTANT (600) * G_USEC_PER_SEC)
#define REPLAY_USEC        (G_GINT64_CONSTANT (600) * G_USEC_PER_SEC)
#define MAX_PUB_BODY       (1536 * 1024)
#define MAX_BATCH          1000
#define MAX_WHITELIST      200
#define MAX_TODO_SYNC      100
#define MAX_TODO_BATCH     1000
#define CHECKS_PER_MINUTE  5

typedef enum
{
  SCOPE_APP,
  SCOPE_TEAM,
  SCOPE_RES_GROUP,
} Scope;

static const char * const scope_names[] = { "app", "team", "resGroupSecret" };

typedef struct
{
  Scope     scope;
  gboolean  readonly;
  char     *app_id;
  char     *eid;
  char     *key;
  gint64    expires_usec;
} Token;

typedef struct
{
  guint  person;
  char  *app_id;
  gint64 expires_usec;
} Ticket;

typedef struct
{
  char       *open_id;
  char       *app_id;
  char       *source_id;
  char       *pass_url;
  gboolean    read;
  gboolean    deal;
  gboolean    deleted;
  JsonObject *record;
} Todo;

struct _YqSimYzj
{
  YqSimServer *server;
  GHashTable  *tokens;
  GHashTable  *current;
  GHashTable  *refresh;
  GHashTable  *tickets;
  GHashTable  *pub_froms;
  /* when expired replay keys were last dropped */
  gint64       pub_froms_swept;
  GHashTable  *todos;
  GHashTable  *todo_groups;
  GHashTable  *checks;
  GHashTable  *org_secrets;
  GHashTable  *whitelists;
  char        *callback_url;
  SoupSession *event_session;
  SoupSession *session;
  gulong       dept_handler;
  gulong       person_handler;
};

typedef struct
{
  YqSimYzj          *self;
  YqSimRequest      *req;
  YqSimOrg          *org;
  const YqSimConfig *config;
  const Token       *token;
  JsonNode          *body;
  JsonObject        *data;
  JsonNode          *data_node;
  const char        *path;
} Call;

typedef void (*Handler) (Call *call);

static void
token_free (Token *token)
{
  g_free (token->app_id);
  g_free (token->eid);
  g_free (token->key);
  g_free (token);
}

static void
ticket_free (Ticket *ticket)
{
  g_free (ticket->app_id);
  g_free (ticket);
}

static void
todo_free (Todo *todo)
{
  g_free (todo->open_id);
  g_free (todo->app_id);
  g_free (todo->source_id);
  g_free (todo->pass_url);
  g_free (todo);
}

/* Envelopes ------------------------------------------------------------------- */

static void
reply (YqSimRequest *req,
       guint         status,
       gboolean      success,
       gint64        error_code,
       const char   *error,
       JsonNode     *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", success);
  yq_sim_json_add_int (builder, "errorCode", error_code);
  yq_sim_json_add_string (builder, "error", error);
  json_builder_set_member_name (builder, "data");
  if (data != NULL)
    json_builder_add_value (builder, data);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (req, status, builder);
}

static void
reply_error (YqSimRequest *req,
             gint64        error_code,
             const char   *error)
{
  reply (req, 200, FALSE, error_code, error, NULL);
}

/* The todo service writes success as a string, except false for 202. */
static void
reply_todo (YqSimRequest *req,
            const char   *success,
            gint64        error_code,
            const char   *error,
            JsonNode     *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  if (success != NULL)
    json_builder_add_string_value (builder, success);
  else
    json_builder_add_boolean_value (builder, FALSE);
  yq_sim_json_add_int (builder, "errorCode", error_code);
  yq_sim_json_add_string (builder, "error", error);
  json_builder_set_member_name (builder, "data");
  if (data != NULL)
    json_builder_add_value (builder, data);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (req, 200, builder);
}

static void
reply_directory (Call     *call,
                 gint64    error_code,
                 JsonNode *data)
{
  reply (call->req, 200, TRUE, error_code, "", data ? data : json_node_new (JSON_NODE_NULL));
}

static void
reply_pub (YqSimRequest *req,
           guint         status,
           gint64        code,
           const char   *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "code", code);
  yq_sim_json_add_string (builder, "message", message);
  yq_sim_json_add_bool (builder, "success", FALSE);
  json_builder_set_member_name (builder, "data");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (req, status, builder);
}

static JsonNode *
string_array_node (GPtrArray *values)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; values != NULL && i < values->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (values, i));
  json_node_take_array (node, array);

  return node;
}

/* The todo service's parameter errors carry their text in data. */
static JsonNode *
text_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);

  return node;
}

static JsonNode *
copy_or_null (JsonNode *node)
{
  return node ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static gboolean
is_json (YqSimRequest *req)
{
  return g_strcmp0 (req->content_type, "application/json") == 0 ||
         g_strcmp0 (req->content_type, "text/json") == 0;
}

static JsonObject *
parse_json_object (YqSimRequest  *req,
                   JsonNode     **out)
{
  gsize length;
  const char *body = yq_sim_request_get_body (req, &length);
  JsonNode *node = yq_sim_json_parse (body, length, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      *out = NULL;
      return NULL;
    }

  *out = node;

  return json_node_get_object (node);
}

/* Tokens --------------------------------------------------------------------- */

static const Token *
valid_token (YqSimYzj   *self,
             const char *value)
{
  Token *token = value ? g_hash_table_lookup (self->tokens, value) : NULL;

  if (token == NULL || token->expires_usec <= g_get_monotonic_time ())
    return NULL;

  return token;
}

static gboolean
expired_token_cb (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  return ((Token *) value)->expires_usec <= *(gint64 *) user_data;
}

static void
reply_token (YqSimYzj   *self,
             YqSimRequest *req,
             const char *value,
             const char *refresh)
{
  const Token *token = g_hash_table_lookup (self->tokens, value);
  gint64 left_usec = token->expires_usec - g_get_monotonic_time ();
  gint64 left = (left_usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "accessToken", value);
  yq_sim_json_add_int (builder, "expireIn", MAX (left, 1));
  yq_sim_json_add_string (builder, "refreshToken", refresh);
  json_builder_end_object (builder);

  reply (req, 200, TRUE, 0, NULL, json_builder_get_root (builder));
}

static const char *
refresh_for_key (YqSimYzj   *self,
                 const char *key)
{
  GHashTableIter iter;
  gpointer refresh, owner;

  g_hash_table_iter_init (&iter, self->refresh);
  while (g_hash_table_iter_next (&iter, &refresh, &owner))
    if (g_str_equal (owner, key))
      return refresh;

  return NULL;
}

static void
issue_token (YqSimYzj     *self,
             YqSimRequest *req,
             Scope         scope,
             gboolean      readonly,
             const char   *app_id,
             const char   *eid,
             const char   *key)
{
  guint ttl = yq_sim_faults_get_token_ttl (yq_sim_server_get_faults (self->server), TOKEN_TTL);
  g_autofree char *value = yq_sim_server_random_hex (self->server, 32);
  char *refresh = yq_sim_server_random_hex (self->server, 32);
  const char *old_refresh = refresh_for_key (self, key);
  Token *token = g_new0 (Token, 1);
  gint64 now = g_get_monotonic_time ();

  if (g_hash_table_size (self->tokens) > 256)
    g_hash_table_foreach_remove (self->tokens, expired_token_cb, &now);

  token->scope = scope;
  token->readonly = readonly;
  token->app_id = g_strdup (app_id);
  token->eid = g_strdup (eid);
  token->key = g_strdup (key);
  token->expires_usec = now + (gint64) ttl * G_USEC_PER_SEC;
  g_hash_table_insert (self->tokens, g_strdup (value), token);
  g_hash_table_insert (self->current, g_strdup (key), g_strdup (value));
  if (old_refresh != NULL)
    g_hash_table_remove (self->refresh, old_refresh);
  g_hash_table_insert (self->refresh, refresh, g_strdup (key));

  reply_token (self, req, value, refresh);
}

static gboolean
read_timestamp (JsonObject *body,
                gint64     *timestamp)
{
  return yq_sim_json_get_int (body, "timestamp", timestamp);
}

/*
 * Shared by getAccessToken and refreshToken: checks the JSON body, the
 * scope's fields and the timestamp, and returns the cache key.
 */
static char *
check_token_request (YqSimYzj      *self,
                     YqSimRequest  *req,
                     JsonObject   **body_out,
                     JsonNode     **node_out,
                     Scope         *scope_out,
                     const char    *secret_field)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  JsonObject *body;
  const char *scope_name;
  const char *fields[4] = { NULL };
  gint64 timestamp;
  Scope scope;

  if (!g_str_equal (req->method, "POST") || !is_json (req))
    {
      reply_error (req, 10000, "请求必须是POST，Content-Type为application/json");
      return NULL;
    }

  body = parse_json_object (req, node_out);
  if (body == NULL)
    {
      reply_error (req, 10001, "请求体不是合法的JSON对象");
      return NULL;
    }

  scope_name = yq_sim_json_get_string (body, "scope");
  if (scope_name == NULL)
    {
      reply_error (req, 10001, "缺少参数: scope");
      return NULL;
    }
  if (g_str_equal (scope_name, "app"))
    scope = SCOPE_APP;
  else if (g_str_equal (scope_name, "team"))
    scope = SCOPE_TEAM;
  else if (g_str_equal (scope_name, "resGroupSecret"))
    scope = SCOPE_RES_GROUP;
  else
    {
      reply_error (req, 10002, "scope不正确");
      return NULL;
    }

  fields[0] = secret_field;
  fields[1] = "timestamp";
  if (scope != SCOPE_RES_GROUP)
    fields[2] = "appId";
  if (scope != SCOPE_APP)
    fields[scope == SCOPE_TEAM ? 3 : 2] = "eid";

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = fields[i] ? yq_sim_json_scalar_to_string (body, fields[i]) : NULL;

      if (fields[i] != NULL && (value == NULL || *value == '\0'))
        {
          g_autofree char *message = g_strdup_printf ("缺少参数: %s", fields[i]);

          reply_error (req, 10001, message);
          return NULL;
        }
    }

  if (!read_timestamp (body, &timestamp))
    {
      reply_error (req, 10001, "timestamp必须是毫秒时间戳");
      return NULL;
    }
  if (ABS (g_get_real_time () / 1000 - timestamp) > TIMESTAMP_WINDOW)
    {
      reply_error (req, 10004, "timestamp已过期(有效期3分钟)");
      return NULL;
    }

  if (scope != SCOPE_RES_GROUP)
    {
      g_autofree char *app_id = yq_sim_json_scalar_to_string (body, "appId");

      if (!g_str_equal (app_id, config->yzj_app_id))
        {
          reply_error (req, 10003, "appId不存在");
          return NULL;
        }
    }
  if (scope != SCOPE_APP)
    {
      g_autofree char *eid = yq_sim_json_scalar_to_string (body, "eid");

      if (!g_str_equal (eid, config->yzj_eid))
        {
          reply_error (req, 10003, "eid不存在");
          return NULL;
        }
    }

  *body_out = body;
  *scope_out = scope;

  return g_strdup (scope_names[scope]);
}

static void
handle_get_token (YqSimYzj     *self,
                  YqSimRequest *req)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body = NULL;
  Scope scope;
  g_autofree char *prefix = check_token_request (self, req, &body, &node, &scope, "secret");
  g_autofree char *secret = NULL;
  g_autofree char *key = NULL;
  gboolean readonly = FALSE;
  const char *current;

  if (prefix == NULL)
    return;

  secret = yq_sim_json_scalar_to_string (body, "secret");
  if (scope == SCOPE_RES_GROUP)
    {
      readonly = g_str_equal (secret, config->yzj_dir_secret_readonly);
      if (!readonly && !g_str_equal (secret, config->yzj_dir_secret))
        {
          reply_error (req, 10003, "secret不正确");
          return;
        }
    }
  else if (!g_str_equal (secret, config->yzj_app_secret))
    {
      reply_error (req, 10003, "secret不正确");
      return;
    }

  key = g_strdup_printf ("%s|%s|%s|%s", prefix,
                         scope != SCOPE_APP ? config->yzj_eid : "",
                         scope != SCOPE_RES_GROUP ? config->yzj_app_id : "",
                         readonly ? "ro" : "rw");

  /* Repeated calls within the validity return the same token. */
  current = g_hash_table_lookup (self->current, key);
  if (current != NULL && valid_token (self, current) != NULL)
    {
      reply_token (self, req, current, refresh_for_key (self, key));
      return;
    }

  issue_token (self, req, scope, readonly,
               scope != SCOPE_RES_GROUP ? config->yzj_app_id : NULL,
               scope != SCOPE_APP ? config->yzj_eid : NULL, key);
}

static void
handle_refresh_token (YqSimYzj     *self,
                      YqSimRequest *req)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *body = NULL;
  Scope scope;
  g_autofree char *prefix = check_token_request (self, req, &body, &node, &scope, "refreshToken");
  g_autofree char *refresh = NULL;
  g_autofree char *key = NULL;
  g_auto(GStrv) parts = NULL;
  const char *owner;

  if (prefix == NULL)
    return;

  refresh = yq_sim_json_scalar_to_string (body, "refreshToken");
  owner = g_hash_table_lookup (self->refresh, refresh);
  if (owner == NULL || !g_str_has_prefix (owner, prefix) || owner[strlen (prefix)] != '|')
    {
      reply_error (req, 10003, "refreshToken不正确");
      return;
    }

  /* The cache key is "scope|eid|appId|ro-or-rw". */
  key = g_strdup (owner);
  parts = g_strsplit (key, "|", 4);
  if (g_strv_length (parts) != 4)
    {
      reply_error (req, 10003, "refreshToken不正确");
      return;
    }

  issue_token (self, req, scope, g_str_equal (parts[3], "ro"),
               *parts[2] ? parts[2] : NULL, *parts[1] ? parts[1] : NULL, key);
}

/* Family checks ------------------------------------------------------------------ */

static gboolean
check_access (Call     *call,
              Scope     scope,
              gboolean  write)
{
  const char *value = yq_sim_params_get (call->req->query, "accessToken");
  const Token *token = valid_token (call->self, value);

  if (token == NULL)
    {
      reply_error (call->req, 10010, "accessToken无效或已过期");
      return FALSE;
    }

  if (token->scope != scope)
    {
      g_autofree char *message = g_strdup_printf ("accessToken的scope(%s)不能调用该接口，需要%s",
                                                  scope_names[token->scope], scope_names[scope]);

      reply_error (call->req, 10011, message);
      return FALSE;
    }

  if (write && token->readonly)
    {
      reply_error (call->req, 10012, "只读秘钥获取的accessToken不能调用写接口");
      return FALSE;
    }

  call->token = token;

  return TRUE;
}

/* Directory read/write ------------------------------------------------------------- */

static void
record_write (Call     *call,
              JsonNode *result)
{
  JsonObject *record = yq_sim_server_add_record (call->self->server, "yzj.directory");

  json_object_set_string_member (record, "path", call->path);
  json_object_set_member (record, "data", copy_or_null (call->data_node));
  json_object_set_member (record, "result", copy_or_null (result));
}

static const char *
parent_id (Call            *call,
           YqSimDepartment *dept)
{
  if (dept->parent < 0)
    return "";

  return yq_sim_org_get_department (call->org, (guint) dept->parent)->yzj_id;
}

static void
add_department (Call            *call,
                JsonBuilder     *builder,
                YqSimDepartment *dept)
{
  g_autofree char *long_name = yq_sim_org_get_long_name (call->org, dept);

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "id", dept->yzj_id);
  yq_sim_json_add_string (builder, "name", dept->name);
  yq_sim_json_add_string (builder, "department", long_name);
  yq_sim_json_add_string (builder, "parentId", parent_id (call, dept));
  yq_sim_json_add_int (builder, "weights", dept->order);
  yq_sim_json_add_int (builder, "businessUnit", dept->depth == 1 ? 1 : 0);
  json_builder_end_object (builder);
}

static void
add_person (Call        *call,
            JsonBuilder *builder,
            YqSimPerson *person,
            YqSimChange  change)
{
  YqSimDepartment *main = yq_sim_org_get_department (call->org, person->departments[0]);
  g_autofree char *long_name = yq_sim_org_get_long_name (call->org, main);
  char uid[24];

  g_snprintf (uid, sizeof uid, "%" G_GUINT64_FORMAT, person->uid);

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "openId", person->open_id);
  yq_sim_json_add_string (builder, "name", person->name);
  yq_sim_json_add_string (builder, "phone", person->mobile);
  yq_sim_json_add_string (builder, "email", person->email ? person->email : "");
  yq_sim_json_add_string (builder, "department", long_name);
  yq_sim_json_add_string (builder, "orgId", main->yzj_id);
  yq_sim_json_add_string (builder, "jobTitle", person->title ? person->title : "");
  yq_sim_json_add_string (builder, "jobNo", person->job_number ? person->job_number : "");
  yq_sim_json_add_int (builder, "weights", person->order);
  yq_sim_json_add_int (builder, "status", person->status);
  yq_sim_json_add_int (builder, "gender", person->gender);
  yq_sim_json_add_int (builder, "isHidePhone", 0);
  yq_sim_json_add_int (builder, "orgUserType", 0);
  yq_sim_json_add_string (builder, "photoUrl", "");
  yq_sim_json_add_string (builder, "uid", uid);
  yq_sim_json_add_string (builder, "birthday", "");
  yq_sim_json_add_string (builder, "hireDate", "");
  yq_sim_json_add_string (builder, "positiveDate", "");
  yq_sim_json_add_string (builder, "contact", "");
  if (change != 0)
    {
      char text[2] = { (char) ('0' + change), '\0' };

      yq_sim_json_add_string (builder, "changeType", text);
    }
  json_builder_end_object (builder);
}

static JsonArray *
data_array (Call       *call,
            const char *name)
{
  JsonNode *node = call->data ? json_object_get_member (call->data, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
batch_limit (Call      *call,
             JsonArray *items,
             const char *name)
{
  if (items == NULL)
    {
      g_autofree char *message = g_strdup_printf ("data.%s必须是数组", name);

      reply_error (call->req, 10021, message);
      return FALSE;
    }

  if (json_array_get_length (items) > MAX_BATCH)
    {
      g_autofree char *message = g_strdup_printf ("data.%s最多%d条", name, MAX_BATCH);

      reply_error (call->req, 10022, message);
      return FALSE;
    }

  return TRUE;
}

static void
add_failure (JsonBuilder *failures,
             const char  *msg_id,
             gint64       code,
             const char  *msg)
{
  json_builder_begin_object (failures);
  yq_sim_json_add_string (failures, "msgId", msg_id ? msg_id : "");
  yq_sim_json_add_int (failures, "msgCode", code);
  yq_sim_json_add_string (failures, "msg", msg);
  json_builder_end_object (failures);
}

static void
finish_batch (Call        *call,
              JsonBuilder *failures)
{
  g_autoptr(JsonNode) result = NULL;

  json_builder_end_array (failures);
  result = json_builder_get_root (failures);
  record_write (call, result);
  reply_directory (call, 100, json_node_copy (result));
}

static int
msg_code_for (const GError *error)
{
  switch (error->code)
    {
    case YQ_SIM_ORG_ERROR_NOT_FOUND:
      return 221;
    case YQ_SIM_ORG_ERROR_EXISTS:
      return 222;
    case YQ_SIM_ORG_ERROR_NOT_EMPTY:
      return 227;
    default:
      return 220;
    }
}

static void
handle_dept_getall (Call *call)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_sim_org_get_department_slots (call->org); i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (call->org, i);

      if (!dept->deleted)
        add_department (call, builder, dept);
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static void
handle_dept_get (Call *call)
{
  JsonArray *array = data_array (call, "array");
  gint64 type = -1;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!yq_sim_json_get_int (call->data, "type", &type) || (type != 0 && type != 1) || array == NULL)
    {
      reply_error (call->req, 10021, "data需要type(0或1)和array");
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *id = yq_sim_json_node_string (json_array_get_element (array, i));
      YqSimDepartment *dept = type == 0 ? yq_sim_org_find_yzj_department (call->org, id)
                                        : yq_sim_org_find_by_long_name (call->org, id);

      if (dept != NULL)
        add_department (call, builder, dept);
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static gboolean
read_since (Call   *call,
            gint64 *since_usec)
{
  const char *time = yq_sim_json_get_string (call->data, "time");
  gint64 seconds;

  if (!yq_sim_parse_beijing (time, &seconds))
    {
      reply_error (call->req, 10021, "data.time必须是yyyy-MM-dd HH:mm:ss");
      return FALSE;
    }

  *since_usec = seconds * G_USEC_PER_SEC;

  return TRUE;
}

static void
handle_dept_get_at_time (Call *call)
{
  gint64 since;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!read_since (call, &since))
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_sim_org_get_department_slots (call->org); i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (call->org, i);
      g_autofree char *long_name = NULL;
      char change[2] = { (char) ('0' + dept->change), '\0' };

      if (dept->changed_usec < since)
        continue;

      long_name = yq_sim_org_get_long_name (call->org, dept);
      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "id", dept->yzj_id);
      yq_sim_json_add_string (builder, "name", dept->name);
      yq_sim_json_add_string (builder, "department", long_name);
      yq_sim_json_add_string (builder, "parentId", parent_id (call, dept));
      yq_sim_json_add_int (builder, "weights", dept->order);
      yq_sim_json_add_int (builder, "businessUnit", dept->depth == 1 ? 1 : 0);
      yq_sim_json_add_string (builder, "changeType", change);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static gboolean
node_to_order (JsonNode *node,
               gint64   *order)
{
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *order = json_node_get_int (node);
      return TRUE;
    }

  text = yq_sim_json_node_string (node);

  return text != NULL && g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, order, NULL);
}

static void
dept_add (Call     *call,
          gboolean  v2)
{
  JsonArray *departments = data_array (call, "departments");
  JsonArray *weights = data_array (call, "weights");
  YqSimDepartment *root = yq_sim_org_get_root (call->org);
  g_autoptr(JsonBuilder) successes = json_builder_new ();
  g_autoptr(JsonBuilder) failures = json_builder_new ();
  g_autoptr(JsonNode) result = NULL;

  if (!batch_limit (call, departments, "departments"))
    return;
  if (weights != NULL && json_array_get_length (weights) != json_array_get_length (departments))
    {
      reply_error (call->req, 10023, "weights与departments长度不一致");
      return;
    }

  json_builder_begin_array (successes);
  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (departments); i++)
    {
      JsonNode *item = json_array_get_element (departments, i);
      const char *long_name = yq_sim_json_node_string (item);
      gint64 order = -1;
      g_auto(GStrv) parts = NULL;
      g_autoptr(GError) error = NULL;
      YqSimDepartment *dept;
      gint64 code = 0;
      const char *msg = NULL;
      gboolean created;

      if (weights != NULL && !node_to_order (json_array_get_element (weights, i), &order))
        code = 220, msg = "weights不是数字";
      else if (long_name == NULL || *long_name == '\0')
        code = 220, msg = "部门名称不合法";
      else if ((parts = g_strsplit (long_name, "\\", 2)) && g_str_equal (parts[0], root->name))
        code = 223, msg = "长名称不能以工作圈名称开头";
      else if (yq_sim_org_find_by_long_name (call->org, long_name) != NULL)
        code = 222, msg = "部门已存在";

      if (code == 0)
        {
          dept = yq_sim_org_ensure_path (call->org, long_name, order, &created, &error);
          if (dept == NULL)
            code = msg_code_for (error), msg = error->message;
          else
            {
              json_builder_begin_object (successes);
              yq_sim_json_add_string (successes, "department", long_name);
              yq_sim_json_add_string (successes, "orgId", dept->yzj_id);
              json_builder_end_object (successes);
            }
        }

      if (code != 0)
        {
          if (v2)
            {
              json_builder_begin_object (failures);
              yq_sim_json_add_string (failures, "department", long_name ? long_name : "");
              yq_sim_json_add_int (failures, "msgCode", code);
              yq_sim_json_add_string (failures, "msg", msg);
              json_builder_end_object (failures);
            }
          else
            add_failure (failures, long_name, code, msg);
        }
    }
  json_builder_end_array (successes);

  if (!v2)
    {
      finish_batch (call, failures);
      return;
    }

  json_builder_end_array (failures);
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "successList");
    json_builder_add_value (builder, json_builder_get_root (successes));
    json_builder_set_member_name (builder, "errorList");
    json_builder_add_value (builder, json_builder_get_root (failures));
    json_builder_end_object (builder);
    result = json_builder_get_root (builder);
  }
  record_write (call, result);
  reply_directory (call, 100, json_node_copy (result));
}

static void
handle_dept_add (Call *call)
{
  dept_add (call, FALSE);
}

static void
handle_dept_add_v2 (Call *call)
{
  dept_add (call, TRUE);
}

static void
handle_dept_update (Call *call)
{
  JsonArray *items = data_array (call, "departments");
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (!batch_limit (call, items, "departments"))
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = yq_sim_json_array_object (items, i);
      const char *from = yq_sim_json_get_string (item, "department");
      const char *to = yq_sim_json_get_string (item, "todepartment");
      YqSimDepartment *dept = yq_sim_org_find_by_long_name (call->org, from);
      YqSimDepartment *parent;
      g_autofree char *parent_long = NULL;
      const char *to_slash;
      g_autoptr(GError) error = NULL;

      if (dept == NULL || dept->parent < 0)
        {
          add_failure (failures, from, 221, "部门不存在");
          continue;
        }
      if (to == NULL || *to == '\0')
        {
          add_failure (failures, from, 220, "todepartment为空");
          continue;
        }

      /* The new long name must differ from the old one in its last level only. */
      parent = yq_sim_org_get_department (call->org, (guint) dept->parent);
      parent_long = yq_sim_org_get_long_name (call->org, parent);
      to_slash = strrchr (to, '\\');
      if ((to_slash == NULL && *parent_long != '\0') ||
          (to_slash != NULL && (strlen (parent_long) != (gsize) (to_slash - to) ||
                                strncmp (parent_long, to, to_slash - to) != 0)))
        {
          add_failure (failures, from, 224, "只能修改同级部门名称");
          continue;
        }

      if (!yq_sim_org_rename_department (call->org, dept, to_slash ? to_slash + 1 : to, &error))
        add_failure (failures, from, msg_code_for (error), error->message);
    }

  finish_batch (call, failures);
}

static void
handle_dept_update_by_id (Call *call)
{
  JsonArray *items = data_array (call, "departments");
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (!batch_limit (call, items, "departments"))
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = yq_sim_json_array_object (items, i);
      const char *id = yq_sim_json_get_string (item, "orgId");
      const char *to = yq_sim_json_get_string (item, "todepartment");
      YqSimDepartment *dept = yq_sim_org_find_yzj_department (call->org, id);
      g_autoptr(GError) error = NULL;

      if (dept == NULL)
        add_failure (failures, id, 221, "部门ID不存在");
      else if (!yq_sim_org_rename_department (call->org, dept, to, &error))
        add_failure (failures, id, msg_code_for (error), error->message);
    }

  finish_batch (call, failures);
}

static void
handle_dept_move (Call *call)
{
  const char *id = yq_sim_json_get_string (call->data, "orgId");
  const char *target_id = yq_sim_json_get_string (call->data, "moveToOrgId");
  YqSimDepartment *dept = yq_sim_org_find_yzj_department (call->org, id);
  YqSimDepartment *target = yq_sim_org_find_yzj_department (call->org, target_id);
  g_autoptr(JsonBuilder) failures = json_builder_new ();
  g_autoptr(GError) error = NULL;

  json_builder_begin_array (failures);
  if (dept == NULL || target == NULL)
    add_failure (failures, dept == NULL ? id : target_id, 221, "部门ID不存在");
  else if (!yq_sim_org_move_department (call->org, dept, target, &error))
    add_failure (failures, id, error->code == YQ_SIM_ORG_ERROR_EXISTS ? 225 : 226,
                 error->code == YQ_SIM_ORG_ERROR_EXISTS ? "目标部门下存在同名部门"
                                                        : "不能移动到自身或下级部门");

  finish_batch (call, failures);
}

static void
dept_delete (Call     *call,
             gboolean  by_id)
{
  JsonArray *items = data_array (call, "departments");
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (!batch_limit (call, items, "departments"))
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      const char *id = yq_sim_json_node_string (item);
      YqSimDepartment *dept = by_id ? yq_sim_org_find_yzj_department (call->org, id)
                                    : yq_sim_org_find_by_long_name (call->org, id);
      g_autoptr(GError) error = NULL;

      if (dept == NULL)
        add_failure (failures, id, 221, by_id ? "部门ID不存在" : "部门不存在");
      else if (dept->parent < 0)
        add_failure (failures, id, 228, "不能删除根部门");
      else if (!yq_sim_org_delete_department (call->org, dept, &error))
        add_failure (failures, id, error->code == YQ_SIM_ORG_ERROR_NOT_EMPTY ? 227 : 220,
                     error->code == YQ_SIM_ORG_ERROR_NOT_EMPTY ? "部门下存在子部门" : error->message);
    }

  finish_batch (call, failures);
}

static void
handle_dept_delete (Call *call)
{
  dept_delete (call, FALSE);
}

static void
handle_dept_delete_by_id (Call *call)
{
  dept_delete (call, TRUE);
}

static void
handle_dept_update_weights (Call *call)
{
  JsonArray *items = data_array (call, "departments");
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (!batch_limit (call, items, "departments"))
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = yq_sim_json_array_object (items, i);
      const char *id = yq_sim_json_get_string (item, "orgId");
      YqSimDepartment *dept = yq_sim_org_find_yzj_department (call->org, id);
      gint64 order;

      if (dept == NULL)
        add_failure (failures, id, 221, "部门ID不存在");
      else if (!node_to_order (item ? json_object_get_member (item, "weights") : NULL, &order))
        add_failure (failures, id, 220, "weights不是数字");
      else
        yq_sim_org_set_department_order (call->org, dept, order);
    }

  finish_batch (call, failures);
}

static void
handle_set_org_secret (Call *call)
{
  JsonArray *items = call->data_node && JSON_NODE_HOLDS_ARRAY (call->data_node)
                     ? json_node_get_array (call->data_node) : NULL;
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (!batch_limit (call, items, "[]"))
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = yq_sim_json_array_object (items, i);
      const char *id = yq_sim_json_get_string (item, "orgId");
      const char *type = yq_sim_json_get_string (item, "type");
      g_autofree char *commit = yq_sim_json_scalar_to_string (item, "commitId");

      if (yq_sim_org_find_yzj_department (call->org, id) == NULL ||
          type == NULL || (!g_str_equal (type, "HIDE") && !g_str_equal (type, "VISI")))
        {
          json_builder_begin_object (failures);
          yq_sim_json_add_string (failures, "commitId", commit ? commit : "");
          yq_sim_json_add_string (failures, "errorMsg", type ? "部门ID不存在" : "type必须为HIDE或VISI");
          json_builder_end_object (failures);
          continue;
        }

      g_hash_table_replace (call->self->org_secrets, g_strdup (id), json_object_ref (item));
    }

  finish_batch (call, failures);
}

static void
handle_query_org_secret (Call *call)
{
  const char *type = yq_sim_json_get_string (call->data, "type");
  gint64 begin = 0, count = G_MAXINT64, index = 0;
  GHashTableIter iter;
  JsonObject *item;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  yq_sim_json_get_int (call->data, "begin", &begin);
  yq_sim_json_get_int (call->data, "count", &count);

  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, call->self->org_secrets);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      if (type != NULL && g_strcmp0 (yq_sim_json_get_string (item, "type"), type) != 0)
        continue;
      if (index++ >= begin && index - begin <= count)
        {
          JsonNode *node = json_node_new (JSON_NODE_OBJECT);

          json_node_set_object (node, item);
          json_builder_add_value (builder, node);
        }
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static void
whitelist_change (Call     *call,
                  gboolean  add)
{
  const char *id = yq_sim_json_get_string (call->data, "orgId");
  JsonArray *white = data_array (call, "whiteOrgIds");
  GHashTable *set;
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (white == NULL)
    {
      reply_error (call->req, 10021, "data.whiteOrgIds必须是数组");
      return;
    }
  if (json_array_get_length (white) > MAX_WHITELIST)
    {
      reply_error (call->req, 10023, "whiteOrgIds最多200个");
      return;
    }

  json_builder_begin_array (failures);
  if (yq_sim_org_find_yzj_department (call->org, id) == NULL)
    {
      json_builder_begin_object (failures);
      yq_sim_json_add_string (failures, "commitId", id ? id : "");
      yq_sim_json_add_int (failures, "errorCode", 221);
      yq_sim_json_add_string (failures, "error", "部门ID不存在");
      json_builder_end_object (failures);
      finish_batch (call, failures);
      return;
    }

  set = g_hash_table_lookup (call->self->whitelists, id);
  if (set == NULL)
    {
      set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (call->self->whitelists, g_strdup (id), set);
    }

  for (guint i = 0; i < json_array_get_length (white); i++)
    {
      const char *white_id = yq_sim_json_node_string (json_array_get_element (white, i));

      if (yq_sim_org_find_yzj_department (call->org, white_id) == NULL)
        {
          json_builder_begin_object (failures);
          yq_sim_json_add_string (failures, "commitId", white_id ? white_id : "");
          yq_sim_json_add_int (failures, "errorCode", 221);
          yq_sim_json_add_string (failures, "error", "部门ID不存在");
          json_builder_end_object (failures);
        }
      else if (add)
        g_hash_table_add (set, g_strdup (white_id));
      else
        g_hash_table_remove (set, white_id);
    }

  finish_batch (call, failures);
}

static void
handle_whitelist_add (Call *call)
{
  whitelist_change (call, TRUE);
}

static void
handle_whitelist_delete (Call *call)
{
  whitelist_change (call, FALSE);
}

static void
handle_org_lang_models (Call *call)
{
  JsonNode *empty = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (empty, json_array_new ());
  reply (call->req, 200, TRUE, 200, "", empty);
}

static void
handle_org_lang_by_org (Call *call)
{
  const char *id = yq_sim_params_get (call->req->query, "orgId");
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "orgId", id ? id : yq_sim_json_get_string (call->data, "orgId"));
  json_builder_set_member_name (builder, "langs");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  reply (call->req, 200, TRUE, 200, "", json_builder_get_root (builder));
}

static void
handle_org_lang_save (Call *call)
{
  record_write (call, NULL);
  reply (call->req, 200, TRUE, 200, "", NULL);
}

/* Persons --------------------------------------------------------------------- */

static void
page_bounds (Call   *call,
             gint64 *begin,
             gint64 *count)
{
  *begin = 0;
  *count = G_MAXINT64;
  yq_sim_json_get_int (call->data, "begin", begin);
  if (!yq_sim_json_get_int (call->data, "count", count) || *count <= 0)
    *count = G_MAXINT64;
  if (*begin < 0)
    *begin = 0;
}

static void
handle_person_getall (Call *call)
{
  gint64 begin, count, index = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  page_bounds (call, &begin, &count);

  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_sim_org_get_person_slots (call->org) && index - begin < count; i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (call->org, i);

      if (person->deleted)
        continue;
      if (index++ >= begin)
        add_person (call, builder, person, 0);
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static void
handle_person_get (Call *call)
{
  JsonArray *array = data_array (call, "array");
  gint64 type = -1;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!yq_sim_json_get_int (call->data, "type", &type) || (type != 0 && type != 1) || array == NULL)
    {
      reply_error (call->req, 10021, "data需要type(0手机号或1openId)和array");
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *id = yq_sim_json_node_string (json_array_get_element (array, i));
      YqSimPerson *person = type == 0 ? yq_sim_org_find_by_mobile (call->org, id)
                                      : yq_sim_org_find_by_open_id (call->org, id);

      if (person != NULL)
        add_person (call, builder, person, 0);
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static void
handle_person_get_at_time (Call *call)
{
  gint64 since, begin, count, index = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!read_since (call, &since))
    return;
  page_bounds (call, &begin, &count);

  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_sim_org_get_person_slots (call->org) && index - begin < count; i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (call->org, i);

      if (person->changed_usec < since)
        continue;
      if (index++ < begin)
        continue;

      if (person->deleted)
        {
          json_builder_begin_object (builder);
          yq_sim_json_add_string (builder, "openId", person->open_id);
          yq_sim_json_add_string (builder, "name", person->name);
          yq_sim_json_add_string (builder, "changeType", "3");
          json_builder_end_object (builder);
          continue;
        }

      add_person (call, builder, person, person->change);
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static void
handle_part_time_jobs (Call *call)
{
  gint64 begin, count, index = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  page_bounds (call, &begin, &count);

  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_sim_org_get_person_slots (call->org) && index - begin < count; i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (call->org, i);

      if (person->deleted)
        continue;

      for (guint k = 1; k < person->n_departments; k++)
        {
          YqSimDepartment *dept = yq_sim_org_get_department (call->org, person->departments[k]);
          g_autofree char *long_name = NULL;

          if (index++ < begin || index - begin > count)
            continue;

          long_name = yq_sim_org_get_long_name (call->org, dept);
          json_builder_begin_object (builder);
          yq_sim_json_add_string (builder, "openId", person->open_id);
          yq_sim_json_add_string (builder, "orgId", dept->yzj_id);
          yq_sim_json_add_string (builder, "department", long_name);
          yq_sim_json_add_string (builder, "jobTitle", "");
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);

  reply_directory (call, 100, json_builder_get_root (builder));
}

static JsonArray *
persons_array (Call *call)
{
  JsonArray *persons = data_array (call, "persons");

  batch_limit (call, persons, "persons");

  return persons && json_array_get_length (persons) <= MAX_BATCH ? persons : NULL;
}

static char *
item_string (JsonObject *item,
             const char *name)
{
  g_autofree char *value = yq_sim_json_scalar_to_string (item, name);

  return value != NULL ? g_strstrip (g_steal_pointer (&value)) : NULL;
}

static YqSimDepartment *
item_department (Call       *call,
                 JsonObject *item)
{
  const char *org_id = yq_sim_json_get_string (item, "orgId");
  const char *long_name = yq_sim_json_get_string (item, "department");

  if (org_id != NULL && *org_id != '\0')
    return yq_sim_org_find_yzj_department (call->org, org_id);

  if (long_name != NULL && *long_name != '\0')
    return yq_sim_org_find_by_long_name (call->org, long_name);

  return NULL;
}

static void
apply_person_fields (Call        *call,
                     YqSimPerson *person,
                     JsonObject  *item)
{
  g_autofree char *email = item_string (item, "email");
  g_autofree char *job_no = item_string (item, "jobNo");
  g_autofree char *title = item_string (item, "jobTitle");
  g_autofree char *name = item_string (item, "name");
  gint64 value;

  yq_sim_org_set_person_text (call->org, person, name, email, job_no, title);
  if (yq_sim_json_get_int (item, "gender", &value) && value >= 0 && value <= 2)
    yq_sim_org_set_person_gender (call->org, person, (guint8) value);
  if (yq_sim_json_get_int (item, "weights", &value))
    yq_sim_org_set_person_order (call->org, person, value);
}

static void
handle_person_add (Call *call)
{
  JsonArray *persons = persons_array (call);
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (persons == NULL)
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (persons); i++)
    {
      JsonObject *item = yq_sim_json_array_object (persons, i);
      g_autofree char *name = item_string (item, "name");
      g_autofree char *phone = item_string (item, "phone");
      YqSimDepartment *dept = item_department (call, item);
      g_autoptr(GError) error = NULL;
      YqSimPerson *person;

      if (name == NULL || *name == '\0' || phone == NULL || *phone == '\0')
        {
          add_failure (failures, phone ? phone : name, 230, "姓名或手机号为空");
          continue;
        }
      if (yq_sim_org_find_by_mobile (call->org, phone) != NULL)
        {
          add_failure (failures, phone, 231, "手机号已存在");
          continue;
        }
      if (dept == NULL)
        {
          add_failure (failures, phone, 221, "部门不存在");
          continue;
        }

      person = yq_sim_org_add_person (call->org, name, phone, &dept->index, 1, &error);
      if (person == NULL)
        {
          add_failure (failures, phone, 220, error->message);
          continue;
        }
      apply_person_fields (call, person, item);
    }

  finish_batch (call, failures);
}

static YqSimPerson *
item_person (Call       *call,
             JsonObject *item)
{
  const char *open_id = yq_sim_json_get_string (item, "openId");

  return yq_sim_org_find_by_open_id (call->org, open_id);
}

static void
handle_person_update_info (Call *call)
{
  JsonArray *persons = persons_array (call);
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (persons == NULL)
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (persons); i++)
    {
      JsonObject *item = yq_sim_json_array_object (persons, i);
      YqSimPerson *person = item_person (call, item);
      g_autofree char *phone = item_string (item, "phone");
      g_autoptr(GError) error = NULL;

      if (person == NULL)
        {
          add_failure (failures, yq_sim_json_get_string (item, "openId"), 232, "人员不存在");
          continue;
        }
      if (phone != NULL && *phone != '\0' &&
          !yq_sim_org_set_person_mobile (call->org, person, phone, &error))
        {
          add_failure (failures, person->open_id,
                       error->code == YQ_SIM_ORG_ERROR_EXISTS ? 231 : 220,
                       error->code == YQ_SIM_ORG_ERROR_EXISTS ? "手机号已存在" : error->message);
          continue;
        }
      apply_person_fields (call, person, item);
    }

  finish_batch (call, failures);
}

static void
handle_person_update_dept (Call *call)
{
  JsonArray *persons = persons_array (call);
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (persons == NULL)
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (persons); i++)
    {
      JsonObject *item = yq_sim_json_array_object (persons, i);
      YqSimPerson *person = item_person (call, item);
      YqSimDepartment *dept = item_department (call, item);
      g_autofree char *title = item_string (item, "jobTitle");
      g_autofree guint *departments = NULL;
      guint n = 0;
      g_autoptr(GError) error = NULL;

      if (person == NULL)
        {
          add_failure (failures, yq_sim_json_get_string (item, "openId"), 232, "人员不存在");
          continue;
        }
      if (dept == NULL)
        {
          add_failure (failures, person->open_id, 221, "部门不存在");
          continue;
        }

      /* The new main department first; other departments stay. */
      departments = g_new (guint, person->n_departments + 1);
      departments[n++] = dept->index;
      for (guint k = 1; k < person->n_departments; k++)
        if (person->departments[k] != dept->index)
          departments[n++] = person->departments[k];

      if (!yq_sim_org_set_person_departments (call->org, person, departments, n, &error))
        {
          add_failure (failures, person->open_id, 221, error->message);
          continue;
        }
      if (title != NULL)
        yq_sim_org_set_person_text (call->org, person, NULL, NULL, NULL, title);
    }

  finish_batch (call, failures);
}

static void
handle_person_update_status (Call *call)
{
  JsonArray *persons = persons_array (call);
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (persons == NULL)
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (persons); i++)
    {
      JsonObject *item = yq_sim_json_array_object (persons, i);
      YqSimPerson *person = item_person (call, item);
      g_autofree char *type = item_string (item, "type");

      if (person == NULL)
        add_failure (failures, yq_sim_json_get_string (item, "openId"), 232, "人员不存在");
      else if (g_strcmp0 (type, "3") == 0)
        yq_sim_org_set_person_status (call->org, person, YQ_SIM_STATUS_DISABLED);
      else if (g_strcmp0 (type, "4") == 0)
        yq_sim_org_set_person_status (call->org, person, YQ_SIM_STATUS_NORMAL);
      else
        add_failure (failures, person->open_id, 233, "type必须为3(禁用)或4(启用)");
    }

  finish_batch (call, failures);
}

static void
handle_person_delete (Call *call)
{
  JsonArray *open_ids = data_array (call, "openIds");
  JsonArray *persons = data_array (call, "persons");
  JsonArray *items = open_ids ? open_ids : persons;
  g_autoptr(JsonBuilder) failures = json_builder_new ();

  if (!batch_limit (call, items, "openIds"))
    return;

  json_builder_begin_array (failures);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      const char *open_id = JSON_NODE_HOLDS_OBJECT (node)
                            ? yq_sim_json_get_string (json_node_get_object (node), "openId")
                            : yq_sim_json_node_string (node);
      YqSimPerson *person = yq_sim_org_find_by_open_id (call->org, open_id);

      if (person == NULL)
        add_failure (failures, open_id, 232, "人员不存在");
      else
        yq_sim_org_delete_person (call->org, person);
    }

  finish_batch (call, failures);
}

/* Ticket ------------------------------------------------------------------- */

static void
handle_acquire_context (Call *call)
{
  const char *appid, *value;
  Ticket *ticket;
  YqSimPerson *person;
  char number[24];
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!is_json (call->req) || call->data == NULL)
    {
      reply_error (call->req, 10020, "请求体必须是JSON");
      return;
    }

  appid = yq_sim_json_get_string (call->data, "appid");
  value = yq_sim_json_get_string (call->data, "ticket");
  if (appid == NULL || value == NULL)
    {
      reply_error (call->req, 10001, appid ? "缺少参数: ticket" : "缺少参数: appid");
      return;
    }
  if (!g_str_equal (appid, call->token->app_id))
    {
      reply_error (call->req, 10031, "appid与accessToken不匹配");
      return;
    }

  ticket = g_hash_table_lookup (call->self->tickets, value);
  if (ticket == NULL || ticket->expires_usec <= g_get_monotonic_time () ||
      !g_str_equal (ticket->app_id, appid))
    {
      reply_error (call->req, 10030, "ticket无效或已过期");
      return;
    }

  person = yq_sim_org_get_person (call->org, ticket->person);
  g_hash_table_remove (call->self->tickets, value);
  if (person->deleted)
    {
      reply_error (call->req, 10030, "ticket无效或已过期");
      return;
    }

  g_snprintf (number, sizeof number, "%" G_GUINT64_FORMAT, person->uid);
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "appid", appid);
  yq_sim_json_add_string (builder, "eid", call->config->yzj_eid);
  yq_sim_json_add_string (builder, "openid", person->open_id);
  yq_sim_json_add_string (builder, "username", person->name);
  yq_sim_json_add_string (builder, "uid", number);
  yq_sim_json_add_string (builder, "tid", call->config->yzj_eid);
  yq_sim_json_add_string (builder, "userid", number);
  yq_sim_json_add_string (builder, "oid", person->open_id);
  yq_sim_json_add_string (builder, "networkid", call->config->yzj_eid);
  yq_sim_json_add_string (builder, "xtid", person->open_id);
  yq_sim_json_add_string (builder, "ticket", NULL);
  yq_sim_json_add_string (builder, "deviceId", NULL);
  yq_sim_json_add_string (builder, "jobNo", person->job_number ? person->job_number : "");
  json_builder_end_object (builder);

  reply (call->req, 200, TRUE, 0, NULL, json_builder_get_root (builder));
}

/* Todos ------------------------------------------------------------------------ */

static char *
todo_key (const char *open_id,
          const char *app_id,
          const char *source_id)
{
  return g_strjoin ("\n", open_id, app_id, source_id, NULL);
}

static char *
group_key (const char *app_id,
           const char *source_id)
{
  return g_strjoin ("\n", app_id, source_id, NULL);
}

static void
todo_history (YqSimServer *server,
              Todo        *todo,
              const char  *action)
{
  JsonArray *history = json_object_get_array_member (todo->record, "history");
  JsonObject *entry = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);

  json_object_set_string_member (entry, "action", action);
  json_object_set_string_member (entry, "time", time);
  json_array_add_object_element (history, entry);
  json_object_set_boolean_member (todo->record, "read", todo->read);
  json_object_set_boolean_member (todo->record, "deal", todo->deal);
  json_object_set_boolean_member (todo->record, "deleted", todo->deleted);
  yq_sim_server_touch_record (server, todo->record);
}

static const char *
todo_param_missing (JsonObject *body)
{
  static const char * const required[] = {
    "appId", "sourceId", "params", "url", "title", "headImg",
  };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      JsonNode *node = json_object_get_member (body, required[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        return required[i];
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          *json_node_get_string (node) == '\0')
        return required[i];
      if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 0)
        return required[i];
    }

  return NULL;
}

static gboolean
json_true (JsonObject *object,
           const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        return g_str_equal (text, "true") || g_str_equal (text, "1");
      }
    default:
      return FALSE;
    }
}

static void
handle_generate_todo (Call *call)
{
  JsonObject *body = call->data;
  const char *missing;
  g_autofree char *app_id = NULL;
  g_autofree char *source_id = NULL;
  JsonArray *params;
  g_autoptr(GPtrArray) bad = g_ptr_array_new_with_free_func (g_free);
  guint n_params;
  gboolean sync;

  if (!is_json (call->req) || body == NULL)
    {
      reply_todo (call->req, "false", 0, "param error",
                  text_node ("param error:body must be JSON."));
      return;
    }

  if ((missing = todo_param_missing (body)) != NULL)
    {
      g_autofree char *text = g_strdup_printf ("param error:'%s' is null.", missing);

      reply_todo (call->req, "false", 0, "param error", text_node (text));
      return;
    }

  app_id = yq_sim_json_scalar_to_string (body, "appId");
  source_id = yq_sim_json_scalar_to_string (body, "sourceId");
  params = data_array (call, "params");
  if (params == NULL || app_id == NULL || source_id == NULL)
    {
      reply_todo (call->req, "false", 0, "param error",
                  text_node ("param error:'params' must be an array."));
      return;
    }
  if (!g_str_equal (app_id, call->token->app_id))
    {
      reply_todo (call->req, "false", 0, "param error",
                  text_node ("param error:'appId' is not the app of the accessToken."));
      return;
    }

  n_params = json_array_get_length (params);
  if (n_params > MAX_TODO_BATCH)
    {
      reply_todo (call->req, "false", 203, "批量过大", NULL);
      return;
    }
  sync = json_true (body, "sync") && n_params <= MAX_TODO_SYNC;

  for (guint i = 0; i < n_params; i++)
    {
      JsonNode *node = json_array_get_element (params, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *open_id = yq_sim_json_get_string (item, "openId");
      YqSimPerson *person = yq_sim_org_find_by_open_id (call->org, open_id);
      g_autofree char *key = NULL;
      g_autofree char *gkey = NULL;
      const char *url, *content;
      GPtrArray *group;
      Todo *todo;

      if (person == NULL || person->status != YQ_SIM_STATUS_NORMAL)
        {
          g_ptr_array_add (bad, g_strdup (open_id ? open_id : ""));
          continue;
        }

      key = todo_key (open_id, app_id, source_id);
      if (g_hash_table_contains (call->self->todos, key))
        continue;

      url = yq_sim_json_get_string (item, "url");
      content = yq_sim_json_get_string (item, "content");
      if (url == NULL || *url == '\0')
        url = yq_sim_json_get_string (body, "url");
      if (content == NULL || *content == '\0')
        content = yq_sim_json_get_string (body, "content");

      todo = g_new0 (Todo, 1);
      todo->open_id = g_strdup (open_id);
      todo->app_id = g_strdup (app_id);
      todo->source_id = g_strdup (source_id);
      todo->pass_url = g_strdup (yq_sim_json_get_string (body, "passUrl"));
      todo->record = yq_sim_server_add_record (call->self->server, "yzj.todo");
      json_object_set_string_member (todo->record, "openId", open_id);
      json_object_set_string_member (todo->record, "appId", app_id);
      json_object_set_string_member (todo->record, "sourceId", source_id);
      json_object_set_string_member (todo->record, "title", yq_sim_json_get_string (body, "title"));
      json_object_set_string_member (todo->record, "itemtitle",
                                     yq_sim_json_get_string (body, "itemtitle")
                                     ? yq_sim_json_get_string (body, "itemtitle")
                                     : yq_sim_json_get_string (body, "title"));
      json_object_set_string_member (todo->record, "url", url);
      if (content != NULL)
        json_object_set_string_member (todo->record, "content", content);
      else
        json_object_set_null_member (todo->record, "content");
      json_object_set_string_member (todo->record, "headImg",
                                     yq_sim_json_get_string (body, "headImg"));
      json_object_set_boolean_member (todo->record, "sync", sync);
      if (todo->pass_url != NULL)
        json_object_set_string_member (todo->record, "passUrl", todo->pass_url);
      json_object_set_member (todo->record, "request", json_node_copy (call->data_node));
      json_object_set_array_member (todo->record, "history", json_array_new ());
      todo_history (call->self->server, todo, "create");

      g_hash_table_insert (call->self->todos, g_steal_pointer (&key), todo);
      gkey = group_key (app_id, source_id);
      group = g_hash_table_lookup (call->self->todo_groups, gkey);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (call->self->todo_groups, g_steal_pointer (&gkey), group);
        }
      g_ptr_array_add (group, todo);
    }

  if (bad->len == n_params)
    reply_todo (call->req, "false", 505, "所有openId都无效", string_array_node (bad));
  else if (bad->len > 0)
    reply_todo (call->req, "false", 501, "部分openId无效", string_array_node (bad));
  else if (sync)
    reply_todo (call->req, "true", 200, NULL, NULL);
  else
    reply_todo (call->req, "true", 0, NULL, NULL);
}

static void
handle_todo_action (Call *call)
{
  JsonObject *body = call->data;
  g_autofree char *source_type = NULL;
  g_autofree char *item_id = NULL;
  g_autofree char *gkey = NULL;
  JsonNode *action_node;
  JsonObject *action;
  JsonArray *open_ids;
  GPtrArray *group;
  gboolean read, deal, remove;
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) targets = g_ptr_array_new ();

  if (!is_json (call->req) || body == NULL)
    {
      reply_todo (call->req, "false", 1, "param error",
                  text_node ("param error:body must be JSON."));
      return;
    }

  source_type = yq_sim_json_scalar_to_string (body, "sourcetype");
  item_id = yq_sim_json_scalar_to_string (body, "sourceitemid");
  if (source_type == NULL || item_id == NULL)
    {
      reply_todo (call->req, "false", 1, "param error",
                  text_node (source_type ? "param error:sourceitemid is null."
                                         : "param error:sourcetype is null."));
      return;
    }

  action_node = json_object_get_member (body, "actiontype");
  action = action_node && JSON_NODE_HOLDS_OBJECT (action_node)
           ? json_node_get_object (action_node) : NULL;
  read = json_true (action, "read");
  deal = json_true (action, "deal");
  remove = json_true (action, "delete");
  if (!read && !deal && !remove)
    {
      reply_todo (call->req, "false", 1, "param error",
                  text_node ("param error:actiontype is null."));
      return;
    }

  if (!g_str_equal (source_type, call->token->app_id))
    {
      reply_todo (call->req, "false", 1, "param error",
                  text_node ("param error:sourcetype is not the app of the accessToken."));
      return;
    }

  gkey = group_key (source_type, item_id);
  group = g_hash_table_lookup (call->self->todo_groups, gkey);
  open_ids = data_array (call, "openids");

  if (open_ids == NULL)
    {
      if (group == NULL)
        {
          reply_todo (call->req, "false", 1, "param error",
                      text_node (    "param error:sourceitemid has no todo."));
          return;
        }
      for (guint i = 0; i < group->len; i++)
        g_ptr_array_add (targets, g_ptr_array_index (group, i));
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (open_ids); i++)
        {
          const char *open_id = yq_sim_json_node_string (json_array_get_element (open_ids, i));
          g_autofree char *key = todo_key (open_id ? open_id : "", source_type, item_id);
          Todo *todo = g_hash_table_lookup (call->self->todos, key);

          if (todo == NULL)
            g_ptr_array_add (failed, g_strdup (open_id ? open_id : ""));
          else
            g_ptr_array_add (targets, todo);
        }
    }

  for (guint i = 0; i < targets->len; i++)
    {
      Todo *todo = g_ptr_array_index (targets, i);
      g_autoptr(GString) label = g_string_new (NULL);

      if (read)
        todo->read = TRUE, g_string_append (label, "read ");
      if (deal)
        todo->deal = TRUE, g_string_append (label, "deal ");
      if (remove)
        todo->deleted = TRUE, g_string_append (label, "delete ");
      g_string_truncate (label, label->len - 1);
      todo_history (call->self->server, todo, label->str);
    }

  if (failed->len > 0)
    reply_todo (call->req, "false", 502, "部分成员没有该待办", string_array_node (failed));
  else if (json_true (body, "sync"))
    reply_todo (call->req, "true", 200, NULL, NULL);
  else
    reply_todo (call->req, "true", 0, NULL, NULL);
}

static void
handle_check_todo (Call *call)
{
  JsonObject *body = call->data;
  g_autofree char *source_type = NULL;
  g_autofree char *item_id = NULL;
  g_autofree char *gkey = NULL;
  const char *open_id;
  GArray *times;
  GPtrArray *group;
  gint64 now = g_get_monotonic_time ();
  gint64 deal_count = 0, pending_count = 0;
  guint recent = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!is_json (call->req) || body == NULL)
    {
      reply_todo (call->req, "false", 0, "param error",
                  text_node ("param error:body must be JSON."));
      return;
    }

  source_type = yq_sim_json_scalar_to_string (body, "sourcetype");
  item_id = yq_sim_json_scalar_to_string (body, "sourceitemid");
  open_id = yq_sim_json_get_string (body, "openId");
  if (source_type == NULL || item_id == NULL)
    {
      reply_todo (call->req, "false", 0, "param error",
                  text_node (source_type ? "param error:'sourceitemid' is null."
                                         : "param error:'sourcetype' is null."));
      return;
    }

  gkey = group_key (source_type, item_id);
  times = g_hash_table_lookup (call->self->checks, gkey);
  if (times == NULL)
    {
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (call->self->checks, g_strdup (gkey), times);
    }
  for (guint i = 0; i < times->len; i++)
    recent += now - g_array_index (times, gint64, i) < 60 * G_USEC_PER_SEC;

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "sourceid", item_id);
  yq_sim_json_add_string (builder, "appid", source_type);
  if (recent >= CHECKS_PER_MINUTE)
    {
      yq_sim_json_add_bool (builder, "check", FALSE);
      yq_sim_json_add_string (builder, "errormsg", "查询过于频繁，每分钟最多5次");
      yq_sim_json_add_int (builder, "dealCount", 0);
      yq_sim_json_add_int (builder, "undelCount", 0);
    }
  else
    {
      if (times->len >= 16)
        g_array_remove_range (times, 0, times->len - CHECKS_PER_MINUTE);
      g_array_append_val (times, now);

      group = g_hash_table_lookup (call->self->todo_groups, gkey);
      for (guint i = 0; group != NULL && i < group->len; i++)
        {
          Todo *todo = g_ptr_array_index (group, i);

          if (todo->deleted || (open_id != NULL && !g_str_equal (todo->open_id, open_id)))
            continue;
          if (todo->deal)
            deal_count++;
          else
            pending_count++;
        }
      yq_sim_json_add_bool (builder, "check", TRUE);
      yq_sim_json_add_int (builder, "dealCount", deal_count);
      yq_sim_json_add_int (builder, "undelCount", pending_count);
    }
  json_builder_end_object (builder);

  reply_todo (call->req, "true", 0, NULL, json_builder_get_root (builder));
}

/* Public account ----------------------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
compute_pubtoken (const char *no,
                  const char *pub,
                  const char *key,
                  const char *nonce,
                  const char *time)
{
  const char *parts[] = { no, pub, key, nonce, time };
  g_autoptr(GString) joined = g_string_new (NULL);

  qsort (parts, G_N_ELEMENTS (parts), sizeof parts[0], compare_strings);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_string_append (joined, parts[i]);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, joined->str, joined->len);
}

static gboolean
replay_expired_cb (gpointer key,
                   gpointer value,
                   gpointer user_data)
{
  return *(gint64 *) value <= *(gint64 *) user_data;
}

static gboolean
check_pub_msg (YqSimRequest *req,
               gint64        type,
               JsonObject   *msg)
{
  const char *problem = NULL;
  gint64 todo = -1, model = 0;
  JsonNode *list;

  switch (type)
    {
    case 2:
      if (yq_sim_json_get_string (msg, "text") == NULL)
        problem = "msg.text不能为空";
      break;

    case 5:
      if (yq_sim_json_get_string (msg, "text") == NULL)
        problem = "msg.text不能为空";
      else if (!yq_sim_json_get_int (msg, "todo", &todo) || todo != 0)
        problem = "msg.todo必须为0";
      break;

    case 6:
      list = json_object_get_member (msg, "list");
      if (!yq_sim_json_get_int (msg, "model", &model) || model < 1 || model > 3)
        problem = "msg.model必须为1、2或3";
      else if (!yq_sim_json_get_int (msg, "todo", &todo) || todo != 0)
        problem = "msg.todo必须为0";
      else if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list) ||
               json_array_get_length (json_node_get_array (list)) == 0)
        problem = "msg.list不能为空";
      break;

    case 25:
      break;

    default:
      problem = "type必须为2、5、6或25";
    }

  if (problem != NULL)
    reply_pub (req, 200, 500, problem);

  return problem == NULL;
}

static void
handle_pubsend (YqSimYzj     *self,
                YqSimRequest *req,
                gboolean      v2)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  YqSimOrg *org = yq_sim_server_get_org (self->server);
  gsize length;
  const char *text;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body, *from, *msg;
  JsonNode *from_node, *to_node, *msg_node;
  JsonArray *to;
  g_autofree char *no = NULL, *pub = NULL, *time = NULL, *nonce = NULL, *pubtoken = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *replay_key = NULL;
  g_autofree char *source_msg_id = NULL;
  g_autoptr(JsonArray) recipients = json_array_new ();
  gboolean all = FALSE;
  gint64 type;
  gint64 *expiry;
  gint64 now = g_get_monotonic_time ();
  JsonObject *record;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!g_str_equal (req->method, "POST") || !is_json (req))
    {
      reply_pub (req, 400, 400, "Content-Type必须为application/json");
      return;
    }

  text = yq_sim_request_get_body (req, &length);
  if (length == 0)
    {
      reply_pub (req, 400, 400, "请求体为空");
      return;
    }
  if (length > MAX_PUB_BODY)
    {
      reply_pub (req, 200, 5002, "数据长度超过1.5M");
      return;
    }

  root = yq_sim_json_parse (text, length, NULL);
  body = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  from_node = body ? json_object_get_member (body, "from") : NULL;
  to_node = body ? json_object_get_member (body, "to") : NULL;
  msg_node = body ? json_object_get_member (body, "msg") : NULL;
  if (body == NULL || from_node == NULL || !JSON_NODE_HOLDS_OBJECT (from_node) ||
      to_node == NULL || !JSON_NODE_HOLDS_ARRAY (to_node) ||
      msg_node == NULL || !JSON_NODE_HOLDS_OBJECT (msg_node))
    {
      reply_pub (req, 200, 5000, "JSON参数类型错误: from和msg必须是对象，to必须是数组");
      return;
    }
  from = json_node_get_object (from_node);
  to = json_node_get_array (to_node);
  msg = json_node_get_object (msg_node);

  no = yq_sim_json_scalar_to_string (from, "no");
  pub = yq_sim_json_scalar_to_string (from, "pub");
  time = yq_sim_json_scalar_to_string (from, "time");
  nonce = yq_sim_json_scalar_to_string (from, "nonce");
  pubtoken = yq_sim_json_scalar_to_string (from, "pubtoken");

  if (pub == NULL || !g_str_equal (pub, config->yzj_pub_id))
    {
      reply_pub (req, 200, 5001, "公共号不存在或未审核通过");
      return;
    }
  if (no == NULL || !g_str_equal (no, config->yzj_eid))
    {
      reply_pub (req, 200, 5003, "企业或用户错误: from.no不是本工作圈");
      return;
    }
  if (time == NULL || nonce == NULL || pubtoken == NULL)
    {
      reply_pub (req, 200, 5004, "pubtoken校验失败: 缺少time、nonce或pubtoken");
      return;
    }

  expected = compute_pubtoken (no, pub, config->yzj_pub_key, nonce, time);
  if (!g_str_equal (expected, pubtoken))
    {
      reply_pub (req, 200, 5004, "pubtoken校验失败");
      return;
    }

  replay_key = g_strjoin ("\n", no, pub, time, nonce, pubtoken, NULL);
  expiry = g_hash_table_lookup (self->pub_froms, replay_key);
  if (expiry != NULL && *expiry > now)
    {
      reply_pub (req, 200, 5005, "发送消息过多，请10分钟后再试");
      return;
    }

  for (guint i = 0; i < json_array_get_length (to); i++)
    {
      JsonNode *entry_node = json_array_get_element (to, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (entry_node)
                          ? json_node_get_object (entry_node) : NULL;
      g_autofree char *entry_no = yq_sim_json_scalar_to_string (entry, "no");
      g_autofree char *code = yq_sim_json_scalar_to_string (entry, "code");
      JsonNode *users = entry ? json_object_get_member (entry, "user") : NULL;

      if (entry == NULL || entry_no == NULL || !g_str_equal (entry_no, config->yzj_eid))
        {
          reply_pub (req, 200, 5003, "企业或用户错误: to.no不是本工作圈");
          return;
        }

      if (users != NULL && JSON_NODE_HOLDS_ARRAY (users) &&
          json_array_get_length (json_node_get_array (users)) > 0)
        {
          JsonArray *list = json_node_get_array (users);

          for (guint k = 0; k < json_array_get_length (list); k++)
            {
              JsonNode *user = json_array_get_element (list, k);
              const char *open_id = yq_sim_json_node_string (user);
              YqSimPerson *person = yq_sim_org_find_by_open_id (org, open_id);

              if (person == NULL || person->status != YQ_SIM_STATUS_NORMAL)
                {
                  g_autofree char *message = g_strdup_printf ("企业或用户错误: openid [%s] 无效",
                                                              open_id ? open_id : "");

                  reply_pub (req, 200, 5003, message);
                  return;
                }
              json_array_add_string_element (recipients, open_id);
            }
        }
      else if (g_strcmp0 (code, "all") == 0)
        all = TRUE;
      else
        {
          reply_pub (req, 200, 5003, "企业或用户错误: to缺少user或code:\"all\"");
          return;
        }
    }
  if (json_array_get_length (to) == 0)
    all = TRUE;

  {
    g_autofree char *type_text = yq_sim_json_scalar_to_string (body, "type");

    if (type_text == NULL || !g_ascii_string_to_signed (type_text, 10, 0, 1000, &type, NULL))
      {
        reply_pub (req, 200, 5000, "JSON参数类型错误: type");
        return;
      }
  }
  if (!check_pub_msg (req, type, msg))
    return;

  /* Swept now and then, not on every message: a sweep walks them all. */
  if (g_hash_table_size (self->pub_froms) > 1024 && now - self->pub_froms_swept >= REPLAY_USEC / 10)
    {
      g_hash_table_foreach_remove (self->pub_froms, replay_expired_cb, &now);
      self->pub_froms_swept = now;
    }
  expiry = g_new (gint64, 1);
  *expiry = now + REPLAY_USEC;
  g_hash_table_replace (self->pub_froms, g_steal_pointer (&replay_key), expiry);

  source_msg_id = yq_sim_server_random_hex (self->server, 24);
  record = yq_sim_server_add_record (self->server, "yzj.message");
  json_object_set_string_member (record, "endpoint", req->path);
  json_object_set_string_member (record, "sourceMsgId", source_msg_id);
  json_object_set_int_member (record, "type", type);
  json_object_set_boolean_member (record, "all", all);
  json_object_set_array_member (record, "recipients", g_steal_pointer (&recipients));
  json_object_set_member (record, "to", json_node_copy (to_node));
  json_object_set_member (record, "msg", json_node_copy (msg_node));
  json_object_set_string_member (record, "time", time);
  json_object_set_string_member (record, "nonce", nonce);

  json_builder_begin_object (builder);
  if (v2)
    {
      yq_sim_json_add_int (builder, "code", 0);
      json_builder_set_member_name (builder, "data");
      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "pubId", pub);
      yq_sim_json_add_string (builder, "sourceMsgId", source_msg_id);
      json_builder_end_object (builder);
      yq_sim_json_add_string (builder, "message", "发送成功");
      yq_sim_json_add_bool (builder, "success", TRUE);
    }
  else
    {
      yq_sim_json_add_string (builder, "pubId", pub);
      yq_sim_json_add_string (builder, "sourceMsgId", source_msg_id);
    }
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (req, 200, builder);
}

/* Change events ------------------------------------------------------------------ */

typedef struct
{
  JsonObject *record;
  gint64      started;
} Delivery;

static void
event_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Delivery *delivery = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  gint64 elapsed = (g_get_monotonic_time () - delivery->started) / 1000;
  g_autofree char *body = NULL;
  gboolean ok;

  if (bytes != NULL)
    body = g_strndup (g_bytes_get_data (bytes, NULL), MIN (g_bytes_get_size (bytes), 256));

  ok = bytes != NULL && msg != NULL && soup_message_get_status (msg) == 200 &&
       g_bytes_get_size (bytes) == 2 && memcmp (g_bytes_get_data (bytes, NULL), "ok", 2) == 0 &&
       elapsed <= 2000;

  json_object_set_boolean_member (delivery->record, "delivered", ok);
  json_object_set_int_member (delivery->record, "status", msg ? soup_message_get_status (msg) : 0);
  json_object_set_int_member (delivery->record, "elapsedMs", elapsed);
  if (body != NULL)
    json_object_set_string_member (delivery->record, "response", body);
  if (error != NULL)
    json_object_set_string_member (delivery->record, "error", error->message);

  json_object_unref (delivery->record);
  g_free (delivery);
}

static void
send_event (YqSimYzj   *self,
            const char *event_type,
            const char *event_id)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  g_autofree char *escaped_id = g_uri_escape_string (event_id, NULL, FALSE);
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  Delivery *delivery;
  JsonObject *record;

  if (self->callback_url == NULL)
    return;

  url = g_strdup_printf ("%s%ccreateTime=%" G_GINT64_FORMAT "&eid=%s&eventId=%s&eventType=%s",
                         self->callback_url, strchr (self->callback_url, '?') ? '&' : '?',
                         g_get_real_time () / 1000, config->yzj_eid, escaped_id, event_type);
  record = yq_sim_server_add_record (self->server, "yzj.event");
  json_object_set_string_member (record, "url", url);
  json_object_set_string_member (record, "eventType", event_type);
  json_object_set_string_member (record, "eventId", event_id);
  json_object_set_null_member (record, "delivered");

  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      json_object_set_boolean_member (record, "delivered", FALSE);
      json_object_set_string_member (record, "error", "invalid callback URL");
      return;
    }

  delivery = g_new0 (Delivery, 1);
  delivery->record = json_object_ref (record);
  delivery->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (self->event_session, msg, G_PRIORITY_DEFAULT, NULL,
                                    event_sent_cb, delivery);
}

static void
department_changed_cb (YqSimOrg *org,
                       guint     index,
                       guint     change,
                       YqSimYzj *self)
{
  YqSimDepartment *dept = yq_sim_org_get_department (org, index);

  send_event (self, change == YQ_SIM_CHANGE_ADDED ? "org_add"
                  : change == YQ_SIM_CHANGE_DELETED ? "org_delete" : "org_update",
              dept->yzj_id);
}

static void
person_changed_cb (YqSimOrg *org,
                   guint     index,
                   guint     change,
                   YqSimYzj *self)
{
  YqSimPerson *person = yq_sim_org_get_person (org, index);

  send_event (self, change == YQ_SIM_CHANGE_ADDED ? "user_enter"
                  : change == YQ_SIM_CHANGE_DELETED ? "user_leave" : "person_update",
              person->open_id);
}

/**
 * yq_sim_yzj_set_callback:
 * @self: the 云之家 simulator
 * @url: (nullable): the directory change-event URL, or %NULL to stop
 *
 * Registers the URL and, like 云之家 does when the URL is saved, sends it an
 * eventType=check event.
 */
void
yq_sim_yzj_set_callback (YqSimYzj   *self,
                         const char *url)
{
  g_free (self->callback_url);
  self->callback_url = url && *url ? g_strdup (url) : NULL;
  send_event (self, "check", "null");
}

/* Quick approval --------------------------------------------------------------- */

typedef struct
{
  YqSimServer  *server;
  YqSimYzj     *self;
  YqSimRequest *req;
  char         *app_id;
  char         *open_id;
  GPtrArray    *source_ids;
  JsonObject   *record;
} Approval;

static void
approval_free (Approval *approval)
{
  g_free (approval->app_id);
  g_free (approval->open_id);
  g_ptr_array_unref (approval->source_ids);
  json_object_unref (approval->record);
  g_object_unref (approval->server);
  g_free (approval);
}

static void
approval_sent_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Approval *approval = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  g_autoptr(JsonNode) reply_root = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonArray *marked = json_array_new ();
  JsonObject *reply_object = NULL;

  if (bytes != NULL)
    reply_root = yq_sim_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL);
  if (reply_root != NULL && JSON_NODE_HOLDS_OBJECT (reply_root))
    reply_object = json_node_get_object (reply_root);

  if (reply_object != NULL && json_true (reply_object, "success"))
    {
      JsonNode *data = json_object_get_member (reply_object, "data");
      JsonNode *ids = data && JSON_NODE_HOLDS_OBJECT (data)
                      ? json_object_get_member (json_node_get_object (data), "successIds") : NULL;
      gint64 code = -1;

      yq_sim_json_get_int (reply_object, "errorCode", &code);
      for (guint i = 0; code == 0 && ids && JSON_NODE_HOLDS_ARRAY (ids) &&
                        i < json_array_get_length (json_node_get_array (ids)); i++)
        {
          JsonArray *list = json_node_get_array (ids);
          const char *source_id = yq_sim_json_node_string (json_array_get_element (list, i));
          g_autofree char *key = NULL;
          Todo *todo;

          key = todo_key (approval->open_id, approval->app_id, source_id ? source_id : "");
          todo = g_hash_table_lookup (approval->self->todos, key);
          if (todo == NULL)
            continue;
          todo->read = TRUE;
          todo->deal = TRUE;
          todo_history (approval->server, todo, "approve");
          json_array_add_string_element (marked, source_id);
        }
    }

  json_object_set_int_member (approval->record, "status", msg ? soup_message_get_status (msg) : 0);
  json_object_set_member (approval->record, "reply", copy_or_null (reply_root));
  json_object_set_array_member (approval->record, "marked", json_array_ref (marked));

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "status", msg ? soup_message_get_status (msg) : 0);
  if (error != NULL)
    yq_sim_json_add_string (builder, "error", error->message);
  json_builder_set_member_name (builder, "reply");
  json_builder_add_value (builder, copy_or_null (reply_root));
  json_builder_set_member_name (builder, "marked");
  {
    JsonNode *node = json_node_new (JSON_NODE_ARRAY);

    json_node_take_array (node, marked);
    json_builder_add_value (builder, node);
  }
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (approval->req, 200, builder);
  yq_sim_request_finish (approval->req);
  approval_free (approval);
}

/**
 * yq_sim_yzj_approve:
 * @self: the 云之家 simulator
 * @req: the admin request, answered when the OA replies
 * @app_id: the light app
 * @open_id: the approving person
 * @source_ids: (element-type utf8): the todos' sourceIds
 * @error: return location for an error
 *
 * Plays a quick-approval click: POSTs the signed callback to the todos'
 * passUrl and marks the sourceIds the OA lists in successIds as done.
 *
 * Returns: %TRUE if the callback was sent; @req is then answered later
 */
gboolean
yq_sim_yzj_approve (YqSimYzj      *self,
                    YqSimRequest  *req,
                    const char    *app_id,
                    const char    *open_id,
                    GPtrArray     *source_ids,
                    GError       **error)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  const char *pass_url = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_autofree char *sign = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *body;
  gsize body_length;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Approval *approval;

  for (guint i = 0; i < source_ids->len; i++)
    {
      g_autofree char *key = todo_key (open_id, app_id, g_ptr_array_index (source_ids, i));
      Todo *todo = g_hash_table_lookup (self->todos, key);

      if (todo == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no todo %s for %s",
                       (char *) g_ptr_array_index (source_ids, i), open_id);
          return FALSE;
        }
      if (pass_url == NULL)
        pass_url = todo->pass_url;
    }

  if (pass_url == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the todos have no passUrl");
      return FALSE;
    }

  g_ptr_array_add (parts, (gpointer) open_id);
  g_ptr_array_add (parts, (gpointer) app_id);
  for (guint i = 0; i < source_ids->len; i++)
    g_ptr_array_add (parts, g_ptr_array_index (source_ids, i));
  g_ptr_array_sort (parts, compare_strings);
  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append_c (joined, '&');
      g_string_append (joined, g_ptr_array_index (parts, i));
    }
  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) config->yzj_sign_key,
                     strlen (config->yzj_sign_key));
  g_hmac_update (hmac, (const guchar *) joined->str, joined->len);
  g_hmac_get_digest (hmac, digest, &digest_len);
  sign = g_base64_encode (digest, digest_len);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "param");
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "eid", config->yzj_eid);
  yq_sim_json_add_string (builder, "sourceType", app_id);
  yq_sim_json_add_string (builder, "openId", open_id);
  json_builder_set_member_name (builder, "sourceIds");
  json_builder_begin_array (builder);
  for (guint i = 0; i < source_ids->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (source_ids, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  yq_sim_json_add_string (builder, "sign", sign);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &body_length);
  bytes = g_bytes_new_take (body, body_length);

  msg = soup_message_new ("POST", pass_url);
  if (msg == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "invalid passUrl %s", pass_url);
      return FALSE;
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);

  approval = g_new0 (Approval, 1);
  approval->server = g_object_ref (self->server);
  approval->self = self;
  approval->req = req;
  approval->app_id = g_strdup (app_id);
  approval->open_id = g_strdup (open_id);
  approval->source_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < source_ids->len; i++)
    g_ptr_array_add (approval->source_ids, g_strdup (g_ptr_array_index (source_ids, i)));
  approval->record = json_object_ref (yq_sim_server_add_record (self->server, "yzj.approval"));
  json_object_set_string_member (approval->record, "passUrl", pass_url);
  json_object_set_member (approval->record, "request", json_node_copy (root));

  yq_sim_request_defer (req);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    approval_sent_cb, approval);

  return TRUE;
}

/* Dispatch ----------------------------------------------------------------------- */

typedef struct
{
  const char *path;
  Scope       scope;
  gboolean    write;
  gboolean    form;
  Handler     handler;
} Route;

#define OPENIMPORT "/gateway/openimport/open/"

static const Route routes[] = {
  { OPENIMPORT "dept/getall", SCOPE_RES_GROUP, FALSE, TRUE, handle_dept_getall },
  { OPENIMPORT "dept/get", SCOPE_RES_GROUP, FALSE, TRUE, handle_dept_get },
  { OPENIMPORT "dept/getAtTime", SCOPE_RES_GROUP, FALSE, TRUE, handle_dept_get_at_time },
  { OPENIMPORT "dept/add", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_add },
  { OPENIMPORT "v2/dept/add", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_add_v2 },
  { OPENIMPORT "dept/update", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_update },
  { OPENIMPORT "dept/updateById", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_update_by_id },
  { OPENIMPORT "dept/moveOrg", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_move },
  { OPENIMPORT "dept/delete", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_delete },
  { OPENIMPORT "dept/deleteById", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_delete_by_id },
  { OPENIMPORT "dept/updateWeightsById", SCOPE_RES_GROUP, TRUE, TRUE, handle_dept_update_weights },
  { OPENIMPORT "company/setOrgSecret", SCOPE_RES_GROUP, TRUE, TRUE, handle_set_org_secret },
  { OPENIMPORT "company/queryOrgSecret", SCOPE_RES_GROUP, FALSE, TRUE, handle_query_org_secret },
  { OPENIMPORT "dept/addOrgSecretDeptWhitelist", SCOPE_RES_GROUP, TRUE, TRUE,
    handle_whitelist_add },
  { OPENIMPORT "dept/deleteOrgSecretDeptWhitelist", SCOPE_RES_GROUP, TRUE, TRUE,
    handle_whitelist_delete },
  { OPENIMPORT "orgLang/findOrgLangModels", SCOPE_RES_GROUP, FALSE, TRUE, handle_org_lang_models },
  { OPENIMPORT "orgLang/findOrgLangByOrgId", SCOPE_RES_GROUP, FALSE, TRUE, handle_org_lang_by_org },
  { OPENIMPORT "orgLang/saveOrgLang", SCOPE_RES_GROUP, TRUE, TRUE, handle_org_lang_save },
  { OPENIMPORT "person/getall", SCOPE_RES_GROUP, FALSE, TRUE, handle_person_getall },
  { OPENIMPORT "person/get", SCOPE_RES_GROUP, FALSE, TRUE, handle_person_get },
  { OPENIMPORT "person/getAtTime", SCOPE_RES_GROUP, FALSE, TRUE, handle_person_get_at_time },
  { OPENIMPORT "company/queryPartTimeJobs", SCOPE_RES_GROUP, FALSE, TRUE, handle_part_time_jobs },
  { OPENIMPORT "person/add", SCOPE_RES_GROUP, TRUE, TRUE, handle_person_add },
  { OPENIMPORT "person/updateInfo", SCOPE_RES_GROUP, TRUE, TRUE, handle_person_update_info },
  { OPENIMPORT "person/updateDept", SCOPE_RES_GROUP, TRUE, TRUE, handle_person_update_dept },
  { OPENIMPORT "person/updateStatus", SCOPE_RES_GROUP, TRUE, TRUE, handle_person_update_status },
  { OPENIMPORT "person/delete", SCOPE_RES_GROUP, TRUE, TRUE, handle_person_delete },
  { "/gateway/ticket/user/acquirecontext", SCOPE_APP, FALSE, FALSE, handle_acquire_context },
  { "/gateway/newtodo/open/generatetodo.json", SCOPE_APP, FALSE, FALSE, handle_generate_todo },
  { "/gateway/newtodo/open/action.json", SCOPE_APP, FALSE, FALSE, handle_todo_action },
  { "/gateway/newtodo/open/checkcreatetodo.json", SCOPE_APP, FALSE, FALSE, handle_check_todo },
};

/* Reads eid, data and nonce from an openimport form body. */
static gboolean
read_openimport_form (Call *call)
{
  const YqSimConfig *config = call->config;
  gsize length;
  const char *body;
  g_autoptr(YqSimParams) form = NULL;
  const char *eid, *data, *nonce;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (call->req->content_type, "application/x-www-form-urlencoded") != 0)
    {
      reply_error (call->req, 10020, "参数为空");
      return FALSE;
    }

  body = yq_sim_request_get_body (call->req, &length);
  form = yq_sim_params_parse (body, (gssize) length);
  eid = yq_sim_params_get (form, "eid");
  data = yq_sim_params_get (form, "data");
  nonce = yq_sim_params_get (form, "nonce");

  if (eid == NULL || *eid == '\0')
    {
      reply_error (call->req, 10020, "参数为空: eid");
      return FALSE;
    }
  if (!g_str_equal (eid, config->yzj_eid) || g_strcmp0 (eid, call->token->eid) != 0)
    {
      reply_error (call->req, 10013, "eid与accessToken不匹配");
      return FALSE;
    }
  if (nonce != NULL && g_utf8_strlen (nonce, -1) > 16)
    {
      reply_error (call->req, 10020, "nonce长度不能超过16");
      return FALSE;
    }

  if (data == NULL || *data == '\0')
    {
      static const char * const optional[] = {
        "/getall", "/findOrgLangModels", "/findOrgLangByOrgId", "/queryPartTimeJobs",
      };
      gboolean allowed = FALSE;

      /* Only the read-everything calls may leave data out. */
      for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
        allowed |= g_str_has_suffix (call->path, optional[i]);
      if (!allowed)
        {
          reply_error (call->req, 10020, "参数为空: data");
          return FALSE;
        }
      return TRUE;
    }

  call->data_node = yq_sim_json_parse (data, strlen (data), &error);
  if (call->data_node == NULL || (!JSON_NODE_HOLDS_OBJECT (call->data_node) &&
                                  !JSON_NODE_HOLDS_ARRAY (call->data_node)))
    {
      reply_error (call->req, 10021, "data不是合法的JSON");
      return FALSE;
    }

  if (JSON_NODE_HOLDS_OBJECT (call->data_node))
    {
      g_autofree char *inner = NULL;

      call->data = json_node_get_object (call->data_node);
      inner = yq_sim_json_scalar_to_string (call->data, "eid");
      if (inner != NULL && *inner != '\0' && !g_str_equal (inner, eid))
        {
          reply_error (call->req, 10013, "data.eid与eid不一致");
          return FALSE;
        }
    }

  return TRUE;
}

void
yq_sim_yzj_handle (YqSimYzj     *self,
                   YqSimRequest *req)
{
  const Route *route = NULL;
  Call call = { 0 };

  if (g_str_equal (req->path, "/gateway/oauth2/token/getAccessToken"))
    {
      handle_get_token (self, req);
      return;
    }
  if (g_str_equal (req->path, "/gateway/oauth2/token/refreshToken"))
    {
      handle_refresh_token (self, req);
      return;
    }
  if (g_str_equal (req->path, "/pubacc/pubsendV2") || g_str_equal (req->path, "/pubacc/pubsend"))
    {
      handle_pubsend (self, req, g_str_equal (req->path, "/pubacc/pubsendV2"));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (routes) && route == NULL; i++)
    if (g_str_equal (routes[i].path, req->path))
      route = &routes[i];

  if (route == NULL)
    {
      reply (req, 404, FALSE, 404, "接口不存在", NULL);
      return;
    }

  call.self = self;
  call.req = req;
  call.org = yq_sim_server_get_org (self->server);
  call.config = yq_sim_server_get_config (self->server);
  call.path = req->path;

  if (!g_str_equal (req->method, "POST"))
    {
      reply_error (req, 10020, "只支持POST");
      return;
    }

  if (!check_access (&call, route->scope, route->write))
    return;

  if (route->form)
    {
      if (!read_openimport_form (&call))
        {
          g_clear_pointer (&call.data_node, json_node_unref);
          return;
        }
    }
  else if (is_json (req))
    {
      call.data = parse_json_object (req, &call.body);
      call.data_node = call.body ? json_node_ref (call.body) : NULL;
    }

  route->handler (&call);

  g_clear_pointer (&call.data_node, json_node_unref);
  g_clear_pointer (&call.body, json_node_unref);
}

void
yq_sim_yzj_respond_throttled (YqSimYzj     *self,
                              YqSimRequest *req)
{
  if (g_str_has_prefix (req->path, "/pubacc/"))
    reply_pub (req, 200, 5102, "发送频率过快，请稍后重试");
  else if (g_str_has_prefix (req->path, "/gateway/newtodo/"))
    reply_todo (req, NULL, 202, "数据正在由其他进程处理,请稍候再试", NULL);
  else
    reply_error (req, 10429, "请求过于频繁，请稍后重试");
}

/* Lifecycle ------------------------------------------------------------------- */

/**
 * yq_sim_yzj_issue_ticket:
 * @self: the 云之家 simulator
 * @person: the person opening the light app
 * @app_id: (nullable): the light app, or %NULL for the configured one
 *
 * Plays the 云之家 client opening a light app: a single-use ticket valid for
 * ten minutes.
 *
 * Returns: (transfer full): the ticket
 */
char *
yq_sim_yzj_issue_ticket (YqSimYzj    *self,
                         YqSimPerson *person,
                         const char  *app_id)
{
  char *value = yq_sim_server_random_hex (self->server, 32);
  Ticket *ticket = g_new0 (Ticket, 1);

  ticket->person = person->index;
  ticket->app_id = g_strdup (app_id ? app_id : yq_sim_server_get_config (self->server)->yzj_app_id);
  ticket->expires_usec = g_get_monotonic_time () + TICKET_TTL_USEC;
  g_hash_table_insert (self->tickets, g_strdup (value), ticket);

  return value;
}

void
yq_sim_yzj_expire_tokens (YqSimYzj *self)
{
  g_hash_table_remove_all (self->tokens);
  g_hash_table_remove_all (self->current);
  g_hash_table_remove_all (self->refresh);
}

void
yq_sim_yzj_reset (YqSimYzj *self)
{
  g_hash_table_remove_all (self->todo_groups);
  g_hash_table_remove_all (self->todos);
  g_hash_table_remove_all (self->checks);
  g_hash_table_remove_all (self->pub_froms);
  g_hash_table_remove_all (self->org_secrets);
  g_hash_table_remove_all (self->whitelists);
}

YqSimYzj *
yq_sim_yzj_new (YqSimServer *server)
{
  YqSimYzj *self = g_new0 (YqSimYzj, 1);
  YqSimOrg *org = yq_sim_server_get_org (server);

  self->server = server;
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) token_free);
  self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) ticket_free);
  self->pub_froms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->todos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) todo_free);
  self->todo_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  self->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_array_unref);
  self->org_secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  self->whitelists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_hash_table_unref);
  self->event_session = soup_session_new_with_options ("timeout", 2, "idle-timeout", 30, NULL);
  self->session = soup_session_new_with_options ("timeout", 10, NULL);
  self->dept_handler = g_signal_connect (org, "department-changed",
                                         G_CALLBACK (department_changed_cb), self);
  self->person_handler = g_signal_connect (org, "person-changed",
                                           G_CALLBACK (person_changed_cb), self);

  return self;
}

void
yq_sim_yzj_free (YqSimYzj *self)
{
  YqSimOrg *org;

  if (self == NULL)
    return;

  org = yq_sim_server_get_org (self->server);
  g_clear_signal_handler (&self->dept_handler, org);
  g_clear_signal_handler (&self->person_handler, org);
  soup_session_abort (self->event_session);
  g_clear_object (&self->event_session);
  g_clear_object (&self->session);
  g_hash_table_unref (self->tokens);
  g_hash_table_unref (self->current);
  g_hash_table_unref (self->refresh);
  g_hash_table_unref (self->tickets);
  g_hash_table_unref (self->pub_froms);
  g_hash_table_unref (self->todo_groups);
  g_hash_table_unref (self->todos);
  g_hash_table_unref (self->checks);
  g_hash_table_unref (self->org_secrets);
  g_hash_table_unref (self->whitelists);
  g_free (self->callback_url);
  g_free (self);
}
