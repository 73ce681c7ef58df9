/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * 政务钉钉 gateway, written from docs/platforms/zwdd.md alone.
 *
 * Every API call is authenticated by the X-Hmac-Auth-* headers: the
 * canonical string is rebuilt from the decoded parameters (empty and
 * whitespace-only values dropped, names sorted case-insensitively, repeated
 * values sorted, raw values), the secret is looked up by the apiKey header,
 * and the timestamp must be less than 15 minutes away (any ISO-8601 offset).
 *
 * Answers that the notes leave open and this simulator had to choose:
 *
 * - Gateway errors (signature, timestamp, headers): top level {success:false,
 *   Code, Message, _RequestId, HostId}; HTTP status configurable, 200 or 4xx
 *   (default 400). Codes: MissingParameter (an X-Hmac-Auth-* header or apiKey
 *   missing), InvalidParameter (version ≠ 1.0), SignatureDoesNotMatch (also
 *   for an unknown apiKey), InvalidTimeStamp.Expired (≥ 15 minutes off),
 *   InvalidTimeStamp.Format (no offset), SignatureNonceUsed (strict mode).
 * - Over the QPS cap: Code Throttling, HTTP 429 (200 when the gateway status
 *   is set to 200). Unknown path: Code InvalidApi.NotFound, HTTP 404.
 * - Business errors (envelope A: success:true, content.success:false,
 *   content.responseCode): 100001 missing or invalid parameter; 100002
 *   pageSize > 100; 100003 more than 100 codes or 50 mobiles; 300001 tenantId
 *   not the app's; 300037 / MFH-B003-02-16-0037 organisation or employee
 *   outside the app's scope; 250001 gettoken appkey/appsecret do not match the
 *   signing app; 250027 access_token unknown or expired; 250040 auth code or
 *   QR code unknown, used, expired or issued to another app; 400101 task
 *   unknown; 400102 userId not the assignee; 400103 task already closed the
 *   other way.
 * - Work-notification errors at the top level {success:false, errorCode,
 *   errorMsg}: 400001 parameter, 400002 重复的bizMsgId, 400003 more than 1000
 *   recipients, 400004 msg over 2048 bytes, 400005 unknown receiver, 300037
 *   organisation out of scope.
 * - A duplicate todo bizTaskId and get_by_mobile of an unknown number answer
 *   success with content.data null.
 * - get_by_mobile(s) status: 0 for active accounts, 1 for inactive ones.
 * - Not served (404): getRootOrganization (removed), getOrganizationPath and
 *   listOrganizationEmployeeCount (response shapes unknown).
 * - govEmployeePositions lists every position of the employee, mainJob first;
 *   govEmpPosJob is set on the mainJob position only.
 * - status / employeeStatus / employeePositionStatus: absent means all; A, F
 *   and TOTAL are accepted.
 * - List-by-codes with a repeated code answers each code once, in request
 *   order.
 * - Every gettoken call issues a new token; older ones stay valid until their
 *   own expiry.
 */

#define G_LOG_DOMAIN "yq-sim-zwdd"

#include "config.h"

#include <string.h>

#include "yq-sim-util.h"
#include "yq-sim-zwdd.h"

#define MAX_PAGE_SIZE        100
#define MAX_CODES            100
#define MAX_MOBILES          50
#define MAX_RECIPIENTS       1000
#define MAX_MSG_BYTES        2048
#define MAX_BIZ_MSG_ID_BYTES 64
#define TOKEN_TTL            7200
#define CODE_TTL_USEC        (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)
#define SKEW_USEC            (G_GINT64_CONSTANT (15 * 60) * G_USEC_PER_SEC)
#define SCOPE_BIZ_CODE       "MFH-B003-02-16-0037"
#define APP_NAME             "云桥示范应用"

enum {
  APP_H5,
  APP_QR,
};

typedef struct
{
  int    app;
  gint64 expires_usec;
} Token;

typedef struct
{
  guint  person;
  int    app;
  gint64 expires_usec;
} Code;

typedef enum
{
  TASK_OPEN,
  TASK_FINISHED,
  TASK_CANCELLED,
} TaskState;

typedef struct
{
  char       *uuid;
  char       *package_uuid;
  char       *biz_task_id;
  guint64     assignee;
  TaskState   state;
  JsonNode   *object;
  JsonObject *record;
} Task;

struct _YqSimZwdd
{
  YqSimServer *server;
  GHashTable  *handlers;
  GHashTable  *tokens;
  GHashTable  *auth_codes;
  GHashTable  *qr_codes;
  GHashTable  *nonces;
  GHashTable  *biz_msg_ids;
  GHashTable  *tasks;
  GHashTable  *tasks_by_biz_id;
  GHashTable  *packages;
};

typedef struct
{
  YqSimZwdd    *self;
  YqSimRequest *req;
  YqSimParams  *params;
  YqSimOrg     *org;
  const YqSimConfig *config;
  int           app;
  char         *request_id;
} Call;

typedef void (*Handler) (Call *call);

static void
task_free (Task *task)
{
  g_free (task->uuid);
  g_free (task->package_uuid);
  g_free (task->biz_task_id);
  g_clear_pointer (&task->object, json_node_unref);
  g_free (task);
}

/* Envelopes ---------------------------------------------------------------- */

static void
respond_gateway_error (YqSimZwdd    *self,
                       YqSimRequest *req,
                       guint         status,
                       const char   *code,
                       const char   *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *request_id = yq_sim_server_new_request_id (self->server);

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", FALSE);
  yq_sim_json_add_string (builder, "Code", code);
  yq_sim_json_add_string (builder, "Message", message);
  yq_sim_json_add_string (builder, "_RequestId", request_id);
  yq_sim_json_add_string (builder, "HostId", "127.0.0.1");
  yq_sim_json_add_string (builder, "bizErrorCode", code);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (req, status, builder);
}

static guint
gateway_status (YqSimZwdd *self)
{
  return yq_sim_server_get_config (self->server)->zwdd_gateway_status;
}

/*
 * Envelope A. @data is taken; paging fields go into content when
 * @page_size > 0, totalSize only when @total >= 0.
 */
static void
reply_data (Call     *call,
            JsonNode *data,
            gint64    page_no,
            gint64    page_size,
            gint64    total)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", TRUE);
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", TRUE);
  json_builder_set_member_name (builder, "data");
  if (data != NULL)
    json_builder_add_value (builder, data);
  else
    json_builder_add_null_value (builder);
  yq_sim_json_add_string (builder, "responseCode", "0");
  yq_sim_json_add_string (builder, "responseMessage", "OK");
  yq_sim_json_add_string (builder, "bizErrorCode", "0");
  yq_sim_json_add_string (builder, "requestId", call->request_id);
  if (page_size > 0)
    {
      yq_sim_json_add_int (builder, "currentPage", page_no);
      yq_sim_json_add_int (builder, "pageSize", page_size);
      if (total >= 0)
        yq_sim_json_add_int (builder, "totalSize", total);
    }
  json_builder_end_object (builder);
  yq_sim_json_add_string (builder, "bizErrorCode", "0");
  yq_sim_json_add_string (builder, "_RequestId", call->request_id);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (call->req, 200, builder);
}

static void
reply_ok (Call     *call,
          JsonNode *data)
{
  reply_data (call, data, 0, 0, -1);
}

static void
reply_biz_error (Call       *call,
                 const char *code,
                 const char *biz_code,
                 const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", TRUE);
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", FALSE);
  yq_sim_json_add_string (builder, "responseCode", code);
  yq_sim_json_add_string (builder, "responseMessage", message);
  yq_sim_json_add_string (builder, "bizErrorCode", biz_code ? biz_code : code);
  yq_sim_json_add_string (builder, "requestId", call->request_id);
  json_builder_end_object (builder);
  yq_sim_json_add_string (builder, "bizErrorCode", biz_code ? biz_code : code);
  yq_sim_json_add_string (builder, "_RequestId", call->request_id);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (call->req, 200, builder);
}

G_GNUC_PRINTF (2, 3)
static void
reply_param_error (Call       *call,
                   const char *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  reply_biz_error (call, "100001", NULL, message);
}

static void
reply_scope_error (Call       *call,
                   const char *code)
{
  g_autofree char *message = g_strdup_printf ("应用没有[%s]组织的操作权限", code ? code : "");

  reply_biz_error (call, "300037", SCOPE_BIZ_CODE, message);
}

static void
reply_token_error (Call *call)
{
  reply_biz_error (call, "250027", "250027", "accessToken not correct");
}

/* Work notifications report failures at the top level. */
static void
reply_message_error (Call       *call,
                     const char *code,
                     const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", FALSE);
  yq_sim_json_add_string (builder, "errorCode", code);
  yq_sim_json_add_string (builder, "errorMsg", message);
  yq_sim_json_add_string (builder, "_RequestId", call->request_id);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (call->req, 200, builder);
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);

  return node;
}

static YqSimDepartment *
department_at (Call   *call,
               GArray *indexes,
               guint   i)
{
  return yq_sim_org_get_department (call->org, g_array_index (indexes, guint, i));
}

static YqSimPerson *
person_at (Call   *call,
           GArray *indexes,
           guint   i)
{
  return yq_sim_org_get_person (call->org, g_array_index (indexes, guint, i));
}

static const char *
parent_code (Call            *call,
             YqSimDepartment *dept)
{
  if (dept->parent < 0)
    return NULL;

  return yq_sim_org_get_department (call->org, (guint) dept->parent)->zwdd_code;
}

/* Parameter helpers --------------------------------------------------------- */

static const char *
param (Call       *call,
       const char *name)
{
  const char *value = yq_sim_params_get (call->params, name);

  if (value == NULL)
    return NULL;

  for (const char *p = value; *p; p++)
    if (!g_ascii_isspace (*p))
      return value;

  return NULL;
}

static gboolean
require_tenant (Call *call)
{
  const char *tenant = param (call, "tenantId");

  if (tenant == NULL)
    {
      reply_param_error (call, "缺少参数tenantId");
      return FALSE;
    }

  if (!g_str_equal (tenant, call->config->zwdd_tenant_id))
    {
      reply_biz_error (call, "300001", NULL, "tenantId与应用所属租户不一致");
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_paging (Call     *call,
             gint64   *page_no,
             gint64   *page_size,
             gboolean *with_total)
{
  const char *no = param (call, "pageNo");
  const char *size = param (call, "pageSize");
  const char *total = param (call, "returnTotalSize");

  *page_no = 1;
  *page_size = 20;

  if (no != NULL && !g_ascii_string_to_signed (no, 10, G_MININT32, G_MAXINT32, page_no, NULL))
    {
      reply_param_error (call, "pageNo格式错误");
      return FALSE;
    }
  if (*page_no < 1)
    *page_no = 1;

  if (size != NULL && !g_ascii_string_to_signed (size, 10, G_MININT32, G_MAXINT32, page_size, NULL))
    {
      reply_param_error (call, "pageSize格式错误");
      return FALSE;
    }
  if (*page_size < 1)
    *page_size = 20;
  if (*page_size > MAX_PAGE_SIZE)
    {
      reply_biz_error (call, "100002", NULL, "pageSize不能大于100");
      return FALSE;
    }

  *with_total = total != NULL && g_ascii_strcasecmp (total, "true") == 0;

  return TRUE;
}

/* Returns -1 for "all", otherwise whether only active (A) or inactive (F). */
static gboolean
read_status (Call       *call,
             const char *name,
             int        *status)
{
  const char *value = param (call, name);

  *status = -1;
  if (value == NULL || g_str_equal (value, "TOTAL"))
    return TRUE;
  if (g_str_equal (value, "A"))
    *status = 1;
  else if (g_str_equal (value, "F"))
    *status = 0;
  else
    {
      reply_param_error (call, "%s取值错误: %s", name, value);
      return FALSE;
    }

  return TRUE;
}

static gboolean
status_matches (YqSimPerson *person,
                int          status)
{
  return status < 0 || (status == 1) == (person->status == YQ_SIM_STATUS_NORMAL);
}

/* Repeated-name list parameter, deduplicated, at most @max values. */
static GPtrArray *
read_list (Call       *call,
           const char *name,
           guint       max)
{
  g_autoptr(GPtrArray) all = yq_sim_params_get_all (call->params, name);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < all->len; i++)
    {
      const char *value = g_ptr_array_index (all, i);

      gboolean blank = TRUE;

      for (const char *p = value; *p && blank; p++)
        blank = g_ascii_isspace (*p);
      if (blank)
        continue;
      if (g_hash_table_add (seen, (gpointer) value))
        g_ptr_array_add (values, (gpointer) value);
    }

  if (values->len == 0)
    {
      reply_param_error (call, "缺少参数%s", name);
      return NULL;
    }

  if (all->len > max)
    {
      g_autofree char *message = g_strdup_printf ("%s最多%u个", name, max);

      reply_biz_error (call, "100003", NULL, message);
      return NULL;
    }

  return g_steal_pointer (&values);
}

static YqSimDepartment *
scoped_department (Call       *call,
                   const char *code)
{
  YqSimDepartment *dept = yq_sim_org_find_zwdd_department (call->org, code);

  if (dept == NULL || !yq_sim_org_in_zwdd_scope (call->org, dept))
    return NULL;

  return dept;
}

static YqSimDepartment *
require_department (Call *call)
{
  const char *code = param (call, "organizationCode");
  YqSimDepartment *dept;

  if (code == NULL)
    {
      reply_param_error (call, "缺少参数organizationCode");
      return NULL;
    }

  dept = scoped_department (call, code);
  if (dept == NULL)
    reply_scope_error (call, code);

  return dept;
}

static gboolean
person_visible (Call        *call,
                YqSimPerson *person)
{
  if (person == NULL || person->deleted)
    return FALSE;

  for (guint i = 0; i < person->n_departments; i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (call->org, person->departments[i]);

      if (yq_sim_org_in_zwdd_scope (call->org, dept))
        return TRUE;
    }

  return FALSE;
}

static YqSimPerson *
visible_employee (Call       *call,
                  const char *code)
{
  YqSimPerson *person = yq_sim_org_find_by_employee_code (call->org, code);

  return person_visible (call, person) ? person : NULL;
}

static void
reply_employee_scope_error (Call       *call,
                            const char *code)
{
  g_autofree char *message = g_strdup_printf ("应用没有[%s]人员的操作权限", code);

  reply_biz_error (call, "300037", SCOPE_BIZ_CODE, message);
}

/* Tokens --------------------------------------------------------------------- */

static const Token *
lookup_token (Call       *call,
              const char *value)
{
  Token *token;

  if (value == NULL)
    return NULL;

  token = g_hash_table_lookup (call->self->tokens, value);
  if (token == NULL)
    return NULL;

  if (token->expires_usec <= g_get_monotonic_time ())
    {
      g_hash_table_remove (call->self->tokens, value);
      return NULL;
    }

  return token;
}

static gboolean
token_expired_cb (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  const Token *token = value;

  return token->expires_usec <= *(gint64 *) user_data;
}

static char *
issue_token (YqSimZwdd *self,
             int        app,
             const char *prefix,
             guint      ttl)
{
  g_autofree char *hex = yq_sim_server_random_hex (self->server, 32);
  char *value = g_strconcat (prefix, hex, NULL);
  Token *token = g_new0 (Token, 1);
  gint64 now = g_get_monotonic_time ();

  if (g_hash_table_size (self->tokens) > 512)
    g_hash_table_foreach_remove (self->tokens, token_expired_cb, &now);

  token->app = app;
  token->expires_usec = now + (gint64) ttl * G_USEC_PER_SEC;
  g_hash_table_insert (self->tokens, g_strdup (value), token);

  return value;
}

/* JSON objects ------------------------------------------------------------- */

static void
add_organization (Call            *call,
                  JsonBuilder     *builder,
                  YqSimDepartment *dept)
{
  g_autofree char *created = yq_sim_format_beijing (dept->gmt_create);
  gboolean unit = dept->depth <= 1;

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "organizationCode", dept->zwdd_code);
  yq_sim_json_add_string (builder, "organizationName", dept->name);
  yq_sim_json_add_string (builder, "shortName", dept->name);
  if (dept->parent >= 0)
    {
      YqSimDepartment *parent = yq_sim_org_get_department (call->org, (guint) dept->parent);

      yq_sim_json_add_string (builder, "parentCode", parent->zwdd_code);
      yq_sim_json_add_string (builder, "parentName", parent->name);
    }
  yq_sim_json_add_int (builder, "displayOrder", dept->order);
  yq_sim_json_add_string (builder, "typeCode", unit ? "GOV_UNIT" : "GOV_INTERNAL_INSTITUTION");
  yq_sim_json_add_string (builder, "typeName", unit ? "单位" : "内设机构");
  yq_sim_json_add_string (builder, "status", "A");
  yq_sim_json_add_bool (builder, "leaf", yq_sim_org_get_children (call->org, dept)->len == 0);
  yq_sim_json_add_string (builder, "divisionCode", "339900");
  yq_sim_json_add_string (builder, "responsibleEmployeeCodes", "");
  yq_sim_json_add_string (builder, "gmtCreate", created);
  json_builder_set_member_name (builder, "organizationExtProperties");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static const char *
person_status (YqSimPerson *person)
{
  return person->status == YQ_SIM_STATUS_NORMAL ? "A" : "F";
}

static void
add_position (Call        *call,
              JsonBuilder *builder,
              YqSimPerson *person,
              guint        k,
              gboolean     detailed)
{
  YqSimDepartment *dept = yq_sim_org_get_department (call->org, person->departments[k]);
  g_autofree char *created = yq_sim_format_beijing (person->gmt_create);

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "organizationCode", dept->zwdd_code);
  yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
  yq_sim_json_add_bool (builder, "mainJob", k == 0);
  yq_sim_json_add_int (builder, "orderInOrganization", person->order);
  if (k == 0 && person->title != NULL)
    yq_sim_json_add_string (builder, "govEmpPosJob", person->title);
  yq_sim_json_add_string (builder, "empPosUnitCode", yq_sim_org_get_unit_code (call->org, dept));
  yq_sim_json_add_string (builder, "empPosInnerInstitutionCode", dept->zwdd_code);
  yq_sim_json_add_string (builder, "empPosEmployeeRoleCode", "EMPLOYEE");
  yq_sim_json_add_string (builder, "visibilityIndicatorCode", "VISIBLE");
  yq_sim_json_add_string (builder, "status", person_status (person));
  yq_sim_json_add_string (builder, "gmtCreate", created);
  if (detailed)
    {
      yq_sim_json_add_int (builder, "order", person->order);
      yq_sim_json_add_string (builder, "empPosDepartmentCode", dept->zwdd_code);
    }
  json_builder_end_object (builder);
}

static void
add_employee (Call        *call,
              JsonBuilder *builder,
              YqSimPerson *person,
              gboolean     with_positions)
{
  g_autofree char *created = yq_sim_format_beijing (person->gmt_create);

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
  yq_sim_json_add_string (builder, "employeeName", person->name);
  yq_sim_json_add_string (builder, "status", person_status (person));
  /* 9 is the code seen for "unknown". */
  yq_sim_json_add_string (builder, "empGender",
                          person->gender == 1 ? "1" : person->gender == 2 ? "2" : "9");
  yq_sim_json_add_string (builder, "govEmpAvatar", "");
  yq_sim_json_add_string (builder, "gmtCreate", created);
  if (with_positions)
    {
      json_builder_set_member_name (builder, "govEmployeePositions");
      json_builder_begin_array (builder);
      for (guint k = 0; k < person->n_departments; k++)
        add_position (call, builder, person, k, FALSE);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static void
add_user (Call        *call,
          JsonBuilder *builder,
          YqSimPerson *person)
{
  gint64 tenant = g_ascii_strtoll (call->config->zwdd_tenant_id, NULL, 10);
  g_autofree char *tenant_user = g_strdup_printf ("%" G_GINT64_FORMAT "$%s", tenant,
                                                  person->account_id_str);
  g_autofree char *openid = g_compute_checksum_for_string (G_CHECKSUM_MD5, tenant_user, -1);
  const char *client_id = call->app == APP_QR ? call->config->zwdd_qr_client_id
                                              : call->config->zwdd_app_key;

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
  yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
  yq_sim_json_add_string (builder, "account", person->account_code);
  yq_sim_json_add_string (builder, "lastName", person->name);
  yq_sim_json_add_string (builder, "nickNameCn", person->name);
  yq_sim_json_add_int (builder, "realmId", tenant);
  yq_sim_json_add_string (builder, "realmName", call->config->zwdd_tenant_name);
  yq_sim_json_add_int (builder, "tenantId", tenant);
  yq_sim_json_add_string (builder, "tenantName", call->config->zwdd_tenant_name);
  yq_sim_json_add_string (builder, "namespace", "local");
  yq_sim_json_add_string (builder, "clientId", client_id);
  yq_sim_json_add_string (builder, "tenantUserId", tenant_user);
  yq_sim_json_add_string (builder, "openid", openid);
  yq_sim_json_add_string (builder, "avatar", "");
  yq_sim_json_add_string (builder, "referId", "");
  json_builder_end_object (builder);
}

/* Access token and scope ----------------------------------------------------- */

static void
handle_gettoken (Call *call)
{
  const char *appkey = param (call, "appkey");
  const char *appsecret = param (call, "appsecret");
  const char *key = call->app == APP_QR ? call->config->zwdd_qr_app_key
                                        : call->config->zwdd_app_key;
  const char *secret = call->app == APP_QR ? call->config->zwdd_qr_app_secret
                                           : call->config->zwdd_app_secret;
  YqSimFaults *faults = yq_sim_server_get_faults (call->self->server);
  guint ttl = yq_sim_faults_get_token_ttl (faults, TOKEN_TTL);
  g_autofree char *token = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if ((appkey != NULL && !g_str_equal (appkey, key)) ||
      (appsecret != NULL && !g_str_equal (appsecret, secret)))
    {
      reply_biz_error (call, "250001", NULL, "appkey或appsecret不正确");
      return;
    }

  token = issue_token (call->self, call->app, "app_", ttl);
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "accessToken", token);
  yq_sim_json_add_int (builder, "expiresIn", ttl);
  json_builder_end_object (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_jsapi_token (Call *call)
{
  const char *value = param (call, "access_token");
  g_autofree char *ticket = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (value == NULL)
    value = param (call, "accessToken");

  if (lookup_token (call, value) == NULL)
    {
      reply_token_error (call);
      return;
    }

  ticket = issue_token (call->self, call->app, "jsApi_", TOKEN_TTL);
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "accessToken", ticket);
  yq_sim_json_add_int (builder, "expiresIn", TOKEN_TTL);
  json_builder_end_object (builder);

  reply_ok (call, json_builder_get_root (builder));
}

/* Envelope B: no content.success, no content.data. */
static void
handle_scopes (Call *call)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *tenant = param (call, "tenantId");

  json_builder_begin_object (builder);
  if (tenant == NULL || !g_str_equal (tenant, call->config->zwdd_tenant_id))
    {
      yq_sim_json_add_bool (builder, "success", FALSE);
      yq_sim_json_add_string (builder, "errorCode", tenant ? "300001" : "100001");
      yq_sim_json_add_string (builder, "errorMsg",
                              tenant ? "tenantId与应用所属租户不一致" : "缺少参数tenantId");
      yq_sim_json_add_string (builder, "errorLevel", "error");
    }
  else
    {
      g_autoptr(GPtrArray) scope = yq_sim_org_get_zwdd_scope (call->org);

      yq_sim_json_add_bool (builder, "success", TRUE);
      yq_sim_json_add_string (builder, "errorCode", "0");
      yq_sim_json_add_string (builder, "errorMsg", "");
      yq_sim_json_add_string (builder, "errorLevel", "");
      json_builder_set_member_name (builder, "content");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "deptVisibleScopes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < scope->len; i++)
        {
          YqSimDepartment *top = g_ptr_array_index (scope, i);

          json_builder_add_string_value (builder, top->zwdd_code);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "userVisibleScopes");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  yq_sim_json_add_string (builder, "_RequestId", call->request_id);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (call->req, 200, builder);
}

/* Organizations ---------------------------------------------------------------- */

static void
handle_sub_organization_codes (Call *call)
{
  YqSimDepartment *dept;
  gint64 page_no, page_size;
  gboolean with_total;
  int status;
  GArray *children;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (dept = require_department (call)) == NULL ||
      !read_status (call, "status", &status) ||
      !read_paging (call, &page_no, &page_size, &with_total))
    return;

  /* Every department is valid (A), so F gives nothing. */
  children = yq_sim_org_get_children (call->org, dept);
  json_builder_begin_array (builder);
  if (status != 0)
    {
      for (gint64 i = (page_no - 1) * page_size; i < children->len && i < page_no * page_size; i++)
        {
          YqSimDepartment *child = department_at (call, children, (guint) i);

          json_builder_add_string_value (builder, child->zwdd_code);
        }
    }
  json_builder_end_array (builder);

  reply_data (call, json_builder_get_root (builder), page_no, page_size,
              with_total ? (status != 0 ? (gint64) children->len : 0) : -1);
}

static void
handle_list_organizations (Call *call)
{
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (codes = read_list (call, "organizationCodes", MAX_CODES)) == NULL)
    return;

  for (guint i = 0; i < codes->len; i++)
    if (scoped_department (call, g_ptr_array_index (codes, i)) == NULL)
      {
        reply_scope_error (call, g_ptr_array_index (codes, i));
        return;
      }

  json_builder_begin_array (builder);
  for (guint i = 0; i < codes->len; i++)
    add_organization (call, builder, scoped_department (call, g_ptr_array_index (codes, i)));
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_get_organization (Call *call)
{
  YqSimDepartment *dept;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (dept = require_department (call)) == NULL)
    return;

  add_organization (call, builder, dept);
  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_organization_line (Call *call)
{
  YqSimDepartment *dept;
  g_autoptr(GPtrArray) line = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (dept = require_department (call)) == NULL)
    return;

  for (YqSimDepartment *d = dept; d != NULL;
       d = d->parent >= 0 ? yq_sim_org_get_department (call->org, (guint) d->parent) : NULL)
    g_ptr_array_insert (line, 0, d);

  json_builder_begin_array (builder);
  for (guint i = 0; i < line->len; i++)
    {
      YqSimDepartment *step = g_ptr_array_index (line, i);

      json_builder_add_string_value (builder, step->zwdd_code);
    }
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_employee_count (Call *call)
{
  YqSimDepartment *dept;
  int status;
  GArray *members;
  gint64 count = 0;
  JsonNode *data;

  if (!require_tenant (call) || (dept = require_department (call)) == NULL ||
      !read_status (call, "employeeStatus", &status))
    return;

  members = yq_sim_org_get_members (call->org, dept);
  for (guint i = 0; i < members->len; i++)
    count += status_matches (person_at (call, members, i), status);

  data = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (data, count);
  reply_ok (call, data);
}

/* The members of @dept matching @status, as person pointers. */
static GPtrArray *
filtered_members (Call            *call,
                  YqSimDepartment *dept,
                  int              status)
{
  GArray *members = yq_sim_org_get_members (call->org, dept);
  GPtrArray *out = g_ptr_array_sized_new (members->len);

  for (guint i = 0; i < members->len; i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (call->org, g_array_index (members, guint, i));

      if (status_matches (person, status))
        g_ptr_array_add (out, person);
    }

  return out;
}

static void
handle_org_employee_codes (Call *call)
{
  YqSimDepartment *dept;
  gint64 page_no, page_size;
  gboolean with_total;
  int status;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (dept = require_department (call)) == NULL ||
      !read_status (call, "employeePositionStatus", &status) ||
      !read_paging (call, &page_no, &page_size, &with_total))
    return;

  members = filtered_members (call, dept, status);
  json_builder_begin_array (builder);
  for (gint64 i = (page_no - 1) * page_size; i < members->len && i < page_no * page_size; i++)
    {
      YqSimPerson *person = g_ptr_array_index (members, i);

      json_builder_add_string_value (builder, person->employee_code);
    }
  json_builder_end_array (builder);

  reply_data (call, json_builder_get_root (builder), page_no, page_size,
              with_total ? (gint64) members->len : -1);
}

static void
handle_org_employee_positions (Call *call)
{
  YqSimDepartment *dept;
  gint64 page_no, page_size;
  gboolean with_total;
  int status;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (dept = require_department (call)) == NULL ||
      !read_status (call, "employeeStatus", &status) ||
      !read_paging (call, &page_no, &page_size, &with_total))
    return;

  members = filtered_members (call, dept, status);
  json_builder_begin_array (builder);
  for (gint64 i = (page_no - 1) * page_size; i < members->len && i < page_no * page_size; i++)
    add_employee (call, builder, g_ptr_array_index (members, i), TRUE);
  json_builder_end_array (builder);

  reply_data (call, json_builder_get_root (builder), page_no, page_size,
              with_total ? (gint64) members->len : -1);
}

/* Employees ------------------------------------------------------------------- */

static YqSimPerson *
require_employee (Call *call)
{
  const char *code = param (call, "employeeCode");
  YqSimPerson *person;

  if (code == NULL)
    {
      reply_param_error (call, "缺少参数employeeCode");
      return NULL;
    }

  person = visible_employee (call, code);
  if (person == NULL)
    reply_employee_scope_error (call, code);

  return person;
}

/* Resolves every code of a list parameter or answers the error. */
static GPtrArray *
require_employees (Call       *call,
                   const char *name)
{
  g_autoptr(GPtrArray) codes = read_list (call, name, MAX_CODES);
  g_autoptr(GPtrArray) people = NULL;

  if (codes == NULL)
    return NULL;

  people = g_ptr_array_sized_new (codes->len);
  for (guint i = 0; i < codes->len; i++)
    {
      YqSimPerson *person = visible_employee (call, g_ptr_array_index (codes, i));

      if (person == NULL)
        {
          reply_employee_scope_error (call, g_ptr_array_index (codes, i));
          return NULL;
        }
      g_ptr_array_add (people, person);
    }

  return g_steal_pointer (&people);
}

static void
handle_get_employee (Call *call)
{
  YqSimPerson *person;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (person = require_employee (call)) == NULL)
    return;

  add_employee (call, builder, person, FALSE);
  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_list_employees (Call *call)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (people = require_employees (call, "employeeCodes")) == NULL)
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < people->len; i++)
    add_employee (call, builder, g_ptr_array_index (people, i), FALSE);
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_employee_positions (Call *call)
{
  YqSimPerson *person;
  int status;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (person = require_employee (call)) == NULL ||
      !read_status (call, "employeePositionStatus", &status))
    return;

  json_builder_begin_array (builder);
  if (status_matches (person, status))
    for (guint k = 0; k < person->n_departments; k++)
      add_position (call, builder, person, k, TRUE);
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_org_positions_by_codes (Call *call)
{
  YqSimDepartment *dept;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (dept = require_department (call)) == NULL ||
      (people = require_employees (call, "employeeCodes")) == NULL)
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < people->len; i++)
    {
      YqSimPerson *person = g_ptr_array_index (people, i);

      for (guint k = 0; k < person->n_departments; k++)
        if (person->departments[k] == dept->index)
          add_position (call, builder, person, k, TRUE);
    }
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_account_ids (Call *call)
{
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (people = require_employees (call, "employeeCodes")) == NULL)
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < people->len; i++)
    {
      YqSimPerson *person = g_ptr_array_index (people, i);

      json_builder_begin_object (builder);
      yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
      yq_sim_json_add_string (builder, "accountCode", person->account_code);
      yq_sim_json_add_string (builder, "accountNamespace", "local");
      yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_codes_by_account_ids (Call *call)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (ids = read_list (call, "accountIds", MAX_CODES)) == NULL)
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < ids->len; i++)
    {
      guint64 id;
      YqSimPerson *person = NULL;

      if (g_ascii_string_to_unsigned (g_ptr_array_index (ids, i), 10, 0, G_MAXUINT64, &id, NULL))
        person = yq_sim_org_find_by_account_id (call->org, id);
      if (!person_visible (call, person))
        continue;

      json_builder_begin_object (builder);
      yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
      yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

static void
add_mobile_result (JsonBuilder *builder,
                   YqSimPerson *person)
{
  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
  yq_sim_json_add_string (builder, "mobile", person->mobile);
  yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
  yq_sim_json_add_int (builder, "status", person->status == YQ_SIM_STATUS_NORMAL ? 0 : 1);
  json_builder_end_object (builder);
}

static gboolean
mobile_namespace_ok (Call *call)
{
  const char *area = param (call, "areaCode");
  const char *ns = param (call, "namespace");

  return (area == NULL || g_str_equal (area, "86") || g_str_equal (area, "+86")) &&
         (ns == NULL || g_str_equal (ns, "local"));
}

static void
handle_get_by_mobile (Call *call)
{
  const char *mobile = param (call, "mobile");
  YqSimPerson *person;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call))
    return;
  if (mobile == NULL)
    {
      reply_param_error (call, "缺少参数mobile");
      return;
    }

  person = mobile_namespace_ok (call) ? yq_sim_org_find_by_mobile (call->org, mobile) : NULL;
  if (!person_visible (call, person))
    {
      reply_ok (call, NULL);
      return;
    }

  add_mobile_result (builder, person);
  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_get_by_mobiles (Call *call)
{
  const char *mobiles = param (call, "mobiles");
  g_autoptr(GPtrArray) all = yq_sim_params_get_all (call->params, "mobiles");
  g_auto(GStrv) numbers = NULL;
  guint n = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call))
    return;
  if (mobiles == NULL)
    {
      reply_param_error (call, "缺少参数mobiles");
      return;
    }
  /* One comma-separated value, not a repeated field. */
  if (all->len > 1)
    {
      reply_param_error (call, "mobiles必须是以逗号分隔的字符串");
      return;
    }

  numbers = g_strsplit (mobiles, ",", -1);
  for (guint i = 0; numbers[i] != NULL; i++)
    n += *g_strstrip (numbers[i]) != '\0';
  if (n > MAX_MOBILES)
    {
      reply_biz_error (call, "100003", NULL, "mobiles最多50个");
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; numbers[i] != NULL && mobile_namespace_ok (call); i++)
    {
      YqSimPerson *person = yq_sim_org_find_by_mobile (call->org, numbers[i]);

      if (person_visible (call, person))
        add_mobile_result (builder, person);
    }
  json_builder_end_array (builder);

  reply_ok (call, json_builder_get_root (builder));
}

/* Search: inOrganizationCode wins over cascadeOrganizationCode. */
static YqSimDepartment *
search_root (Call     *call,
             gboolean *cascade)
{
  const char *in = param (call, "inOrganizationCode");
  const char *cascading = param (call, "cascadeOrganizationCode");
  const char *code = in ? in : cascading;
  YqSimDepartment *dept;

  *cascade = in == NULL;
  if (code == NULL)
    {
      reply_param_error (call, "inOrganizationCode和cascadeOrganizationCode至少需要一个");
      return NULL;
    }

  dept = scoped_department (call, code);
  if (dept == NULL)
    reply_scope_error (call, code);

  return dept;
}

static void
collect_departments (Call            *call,
                     YqSimDepartment *dept,
                     gboolean         cascade,
                     GPtrArray       *out)
{
  GArray *children = yq_sim_org_get_children (call->org, dept);

  g_ptr_array_add (out, dept);
  if (!cascade)
    return;

  for (guint i = 0; i < children->len; i++)
    collect_departments (call, department_at (call, children, i), TRUE, out);
}

static void
handle_search_employee (Call *call)
{
  const char *keywords = param (call, "nameKeywords");
  YqSimDepartment *top;
  gboolean cascade;
  int status;
  gint64 page_no, page_size;
  gboolean with_total;
  g_autoptr(GPtrArray) departments = g_ptr_array_new ();
  g_autoptr(GPtrArray) hits = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (top = search_root (call, &cascade)) == NULL ||
      !read_status (call, "status", &status) ||
      !read_paging (call, &page_no, &page_size, &with_total))
    return;

  collect_departments (call, top, cascade, departments);
  for (guint d = 0; d < departments->len; d++)
    {
      GArray *members = yq_sim_org_get_members (call->org, g_ptr_array_index (departments, d));

      for (guint i = 0; i < members->len; i++)
        {
          YqSimPerson *person = person_at (call, members, i);

          if (status_matches (person, status) &&
              (keywords == NULL || strstr (person->name, keywords) != NULL) &&
              g_hash_table_add (seen, person))
            g_ptr_array_add (hits, person);
        }
    }

  json_builder_begin_array (builder);
  for (gint64 i = (page_no - 1) * page_size; i < hits->len && i < page_no * page_size; i++)
    {
      YqSimPerson *person = g_ptr_array_index (hits, i);

      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "employeeName", person->name);
      yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
      yq_sim_json_add_string (builder, "govEmpAvatar", "");
      yq_sim_json_add_string (builder, "account", person->account_code);
      yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
      yq_sim_json_add_string (builder, "status", person_status (person));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  reply_data (call, json_builder_get_root (builder), page_no, page_size,
              with_total ? (gint64) hits->len : -1);
}

static void
handle_search_organization (Call *call)
{
  const char *keywords = param (call, "nameKeywords");
  YqSimDepartment *top;
  gboolean cascade;
  int status;
  gint64 page_no, page_size;
  gboolean with_total;
  g_autoptr(GPtrArray) departments = g_ptr_array_new ();
  g_autoptr(GPtrArray) hits = g_ptr_array_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || (top = search_root (call, &cascade)) == NULL ||
      !read_status (call, "status", &status) ||
      !read_paging (call, &page_no, &page_size, &with_total))
    return;

  /* "in" searches the direct children, "cascade" every descendant. */
  if (cascade)
    collect_departments (call, top, TRUE, departments);
  else
    {
      GArray *children = yq_sim_org_get_children (call->org, top);

      g_ptr_array_add (departments, top);
      for (guint i = 0; i < children->len; i++)
        g_ptr_array_add (departments, department_at (call, children, i));
    }

  /* Every department is valid (A), so F finds nothing. */
  for (guint d = 1; d < departments->len && status != 0; d++)
    {
      YqSimDepartment *dept = g_ptr_array_index (departments, d);

      if (keywords == NULL || strstr (dept->name, keywords) != NULL)
        g_ptr_array_add (hits, dept);
    }

  json_builder_begin_array (builder);
  for (gint64 i = (page_no - 1) * page_size; i < hits->len && i < page_no * page_size; i++)
    {
      YqSimDepartment *dept = g_ptr_array_index (hits, i);

      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "organizationName", dept->name);
      if (dept->parent >= 0)
        yq_sim_json_add_string (builder, "parentCode", parent_code (call, dept));
      yq_sim_json_add_string (builder, "organizationCode", dept->zwdd_code);
      yq_sim_json_add_string (builder, "status", "A");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  reply_data (call, json_builder_get_root (builder), page_no, page_size,
              with_total ? (gint64) hits->len : -1);
}

/* Login ----------------------------------------------------------------------- */

/* The app a login call acts for is the one its access_token belongs to. */
static gboolean
require_token (Call *call)
{
  const Token *token = lookup_token (call, param (call, "access_token"));

  if (token == NULL)
    {
      reply_token_error (call);
      return FALSE;
    }

  call->app = token->app;

  return TRUE;
}

static YqSimPerson *
take_code (Call       *call,
           GHashTable *codes,
           const char *value,
           int         app)
{
  Code *code = value ? g_hash_table_lookup (codes, value) : NULL;
  YqSimPerson *person = NULL;

  if (code == NULL || code->expires_usec <= g_get_monotonic_time () || code->app != app)
    {
      reply_biz_error (call, "250040", NULL, "code无效、已使用或已过期");
      return NULL;
    }

  person = yq_sim_org_get_person (call->org, code->person);
  g_hash_table_remove (codes, value);
  if (person->deleted || person->status != YQ_SIM_STATUS_NORMAL)
    {
      reply_biz_error (call, "250040", NULL, "用户不存在或已停用");
      return NULL;
    }

  return person;
}

static void
handle_app_user (Call *call)
{
  YqSimPerson *person;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_token (call))
    return;
  person = take_code (call, call->self->auth_codes, param (call, "auth_code"), call->app);
  if (person == NULL)
    return;

  add_user (call, builder, person);
  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_app_token (Call *call)
{
  YqSimPerson *person;
  g_autofree char *login_token = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_token (call))
    return;
  person = take_code (call, call->self->auth_codes, param (call, "auth_code"), call->app);
  if (person == NULL)
    return;

  login_token = yq_sim_server_random_hex (call->self->server, 32);
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "accessToken", login_token);
  yq_sim_json_add_int (builder, "expiresIn", TOKEN_TTL);
  yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
  json_builder_end_object (builder);
  reply_ok (call, json_builder_get_root (builder));
}

static void
handle_userinfo_by_code (Call *call)
{
  YqSimPerson *person;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_token (call))
    return;
  person = take_code (call, call->self->qr_codes, param (call, "code"), call->app);
  if (person == NULL)
    return;

  add_user (call, builder, person);
  reply_ok (call, json_builder_get_root (builder));
}

/* Messages --------------------------------------------------------------------- */

static guint
count_values (Call       *call,
              const char *name)
{
  g_autoptr(GPtrArray) values = yq_sim_params_get_all (call->params, name);

  return values->len;
}

static const char * const msg_types[] = {
  "text", "link", "markdown", "oa", "action_card", NULL
};

static void
handle_work_notification (Call *call)
{
  const char *tenant = param (call, "tenantId");
  const char *receivers = param (call, "receiverIds");
  const char *org_codes = param (call, "organizationCodes");
  const char *biz_msg_id = param (call, "bizMsgId");
  const char *msg = param (call, "msg");
  g_auto(GStrv) receiver_list = NULL;
  g_auto(GStrv) org_list = NULL;
  g_autoptr(JsonArray) receiver_array = json_array_new ();
  g_autoptr(JsonArray) org_array = json_array_new ();
  g_autoptr(JsonNode) message = NULL;
  g_autofree char *msg_id = NULL;
  const char *msgtype;
  guint n_recipients = 0;
  JsonObject *record;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (tenant == NULL || !g_str_equal (tenant, call->config->zwdd_tenant_id))
    {
      reply_message_error (call, "400001", tenant ? "tenantId与应用所属租户不一致" : "缺少参数tenantId");
      return;
    }

  if (msg == NULL)
    {
      reply_message_error (call, "400001", "缺少参数msg");
      return;
    }

  /* Both lists travel as one comma-separated value. */
  if (count_values (call, "receiverIds") > 1 || count_values (call, "organizationCodes") > 1)
    {
      reply_message_error (call, "400001", "receiverIds和organizationCodes必须是以逗号分隔的字符串");
      return;
    }

  if (strlen (msg) > MAX_MSG_BYTES)
    {
      reply_message_error (call, "400004", "msg长度超过2048字节");
      return;
    }

  message = yq_sim_json_parse (msg, strlen (msg), NULL);
  msgtype = message && JSON_NODE_HOLDS_OBJECT (message)
            ? yq_sim_json_get_string (json_node_get_object (message), "msgtype") : NULL;
  if (msgtype == NULL || !g_strv_contains (msg_types, msgtype))
    {
      reply_message_error (call, "400001",
                           "msg格式错误: 需要JSON字符串，msgtype为"
                           "text/link/markdown/oa/action_card");
      return;
    }

  if (!json_object_has_member (json_node_get_object (message), msgtype) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (message), msgtype)))
    {
      reply_message_error (call, "400001", "msg缺少与msgtype同名的消息体");
      return;
    }

  if (biz_msg_id != NULL && strlen (biz_msg_id) > MAX_BIZ_MSG_ID_BYTES)
    {
      reply_message_error (call, "400001", "bizMsgId长度超过64字节");
      return;
    }

  receiver_list = g_strsplit (receivers ? receivers : "", ",", -1);
  for (guint i = 0; receiver_list[i] != NULL; i++)
    {
      char *id_text = g_strstrip (receiver_list[i]);
      guint64 id;
      YqSimPerson *person = NULL;

      if (*id_text == '\0')
        continue;
      if (g_ascii_string_to_unsigned (id_text, 10, 0, G_MAXUINT64, &id, NULL))
        person = yq_sim_org_find_by_account_id (call->org, id);
      if (!person_visible (call, person))
        {
          g_autofree char *text = g_strdup_printf ("接收人[%s]不存在，receiverIds应为accountId", id_text);

          reply_message_error (call, "400005", text);
          return;
        }
      json_array_add_string_element (receiver_array, id_text);
      n_recipients++;
    }

  org_list = g_strsplit (org_codes ? org_codes : "", ",", -1);
  for (guint i = 0; org_list[i] != NULL; i++)
    {
      char *code = g_strstrip (org_list[i]);

      if (*code == '\0')
        continue;
      if (scoped_department (call, code) == NULL)
        {
          g_autofree char *text = g_strdup_printf ("应用没有[%s]组织的操作权限", code);

          reply_message_error (call, "300037", text);
          return;
        }
      json_array_add_string_element (org_array, code);
      n_recipients++;
    }

  if (n_recipients == 0)
    {
      reply_message_error (call, "400001", "receiverIds和organizationCodes不能同时为空");
      return;
    }

  if (n_recipients > MAX_RECIPIENTS)
    {
      reply_message_error (call, "400003", "接收人数量超过1000");
      return;
    }

  if (biz_msg_id != NULL && g_hash_table_contains (call->self->biz_msg_ids, biz_msg_id))
    {
      reply_message_error (call, "400002", "重复的bizMsgId");
      return;
    }

  msg_id = yq_sim_server_random_hex (call->self->server, 32);
  if (biz_msg_id != NULL)
    g_hash_table_insert (call->self->biz_msg_ids, g_strdup (biz_msg_id), g_strdup (msg_id));

  record = yq_sim_server_add_record (call->self->server, "zwdd.notification");
  json_object_set_string_member (record, "appKey", call->config->zwdd_app_key);
  json_object_set_string_member (record, "msgId", msg_id);
  if (biz_msg_id != NULL)
    json_object_set_string_member (record, "bizMsgId", biz_msg_id);
  else
    json_object_set_null_member (record, "bizMsgId");
  json_object_set_array_member (record, "receiverIds", g_steal_pointer (&receiver_array));
  json_object_set_array_member (record, "organizationCodes", g_steal_pointer (&org_array));
  json_object_set_string_member (record, "msgtype", msgtype);
  json_object_set_member (record, "msg", g_steal_pointer (&message));
  json_object_set_boolean_member (record, "revoked", FALSE);

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "success", TRUE);
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "msgId", msg_id);
  json_builder_end_object (builder);
  yq_sim_json_add_string (builder, "_RequestId", call->request_id);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (call->req, 200, builder);
}

static void
handle_revoke (Call *call)
{
  const char *biz_msg_id = param (call, "bizMsgId");
  const char *msg_type = param (call, "msgType");
  const char *msg_app = param (call, "msgApp");
  g_autoptr(JsonNode) records = NULL;
  JsonObject *record;

  if (!require_tenant (call))
    return;

  if (msg_type == NULL || !g_str_equal (msg_type, "workNotification"))
    {
      reply_param_error (call, "msgType必须为workNotification");
      return;
    }

  if (biz_msg_id == NULL || !g_hash_table_contains (call->self->biz_msg_ids, biz_msg_id))
    {
      reply_param_error (call, "bizMsgId不存在");
      return;
    }

  records = yq_sim_server_list_records (call->self->server, "zwdd.notification");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (records)); i++)
    {
      JsonObject *sent = json_array_get_object_element (json_node_get_array (records), i);

      if (g_strcmp0 (yq_sim_json_get_string (sent, "bizMsgId"), biz_msg_id) == 0)
        {
          json_object_set_boolean_member (sent, "revoked", TRUE);
          yq_sim_server_touch_record (call->self->server, sent);
        }
    }

  record = yq_sim_server_add_record (call->self->server, "zwdd.revoke");
  json_object_set_string_member (record, "bizMsgId", biz_msg_id);
  json_object_set_string_member (record, "msgApp", msg_app ? msg_app : "");

  reply_ok (call, string_node ("true"));
}

static void
handle_chat (Call *call)
{
  const char *msg = param (call, "msg");
  const char *chat_type = param (call, "chatType");
  const char *target;
  g_autofree char *message_id = NULL;
  g_autoptr(JsonNode) message = NULL;
  JsonObject *record;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call))
    return;

  if (msg == NULL || (message = yq_sim_json_parse (msg, strlen (msg), NULL)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (message))
    {
      reply_param_error (call, "msg格式错误");
      return;
    }

  if (chat_type == NULL || (!g_str_equal (chat_type, "1") && !g_str_equal (chat_type, "2")))
    {
      reply_param_error (call, "chatType必须为1或2");
      return;
    }

  target = param (call, g_str_equal (chat_type, "1") ? "receiverId" : "chatId");
  if (target == NULL || param (call, "senderId") == NULL)
    {
      reply_param_error (call, "缺少参数senderId或接收方");
      return;
    }

  message_id = yq_sim_server_random_hex (call->self->server, 24);
  record = yq_sim_server_add_record (call->self->server, "zwdd.chat");
  json_object_set_string_member (record, "messageId", message_id);
  json_object_set_string_member (record, "chatType", chat_type);
  json_object_set_string_member (record, "senderId", param (call, "senderId"));
  json_object_set_string_member (record, "target", target);
  json_object_set_member (record, "msg", g_steal_pointer (&message));

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "messageId", message_id);
  json_builder_end_object (builder);
  reply_ok (call, json_builder_get_root (builder));
}

/* Todos ------------------------------------------------------------------------ */

static YqSimPerson *
account_param (Call       *call,
               const char *name)
{
  const char *value = param (call, name);
  guint64 id;
  YqSimPerson *person = NULL;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &id, NULL))
    person = yq_sim_org_find_by_account_id (call->org, id);

  return person_visible (call, person) ? person : NULL;
}

static gboolean
check_todo_url (Call       *call,
                const char *name)
{
  const char *url = param (call, name);

  if (url == NULL)
    {
      reply_param_error (call, "缺少参数%s", name);
      return FALSE;
    }
  if (strlen (url) > 1000)
    {
      reply_param_error (call, "%s长度不能超过1000", name);
      return FALSE;
    }
  if (strchr (url, '?') == NULL)
    {
      reply_param_error (call, "%s必须是带查询参数的GET地址(需包含?)", name);
      return FALSE;
    }

  return TRUE;
}

static void
add_party (JsonBuilder *builder,
           const char  *name,
           YqSimPerson *person)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "accountId", (gint64) person->account_id);
  yq_sim_json_add_string (builder, "name", person->name);
  yq_sim_json_add_string (builder, "imgId", "");
  json_builder_end_object (builder);
}

static void
add_history (YqSimServer *server,
             JsonObject  *record,
             const char  *state,
             YqSimParams *params)
{
  JsonArray *history = json_object_get_array_member (record, "history");
  JsonObject *entry = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  JsonObject *sent = json_object_new ();

  for (guint i = 0; i < params->names->len; i++)
    json_object_set_string_member (sent, g_ptr_array_index (params->names, i),
                                   g_ptr_array_index (params->values, i));

  json_object_set_string_member (entry, "state", state);
  json_object_set_string_member (entry, "time", time);
  json_object_set_object_member (entry, "params", sent);
  json_array_add_object_element (history, entry);
  json_object_set_string_member (record, "state", state);
  yq_sim_server_touch_record (server, record);
}

static void
handle_task_create (Call *call)
{
  const char *biz_task_id = param (call, "bizTaskId");
  const char *subject = param (call, "subject");
  const char *package_uuid = param (call, "packageUuid");
  YqSimPerson *creator, *assignee;
  g_autofree char *uuid = NULL;
  g_autofree char *new_package = NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  Task *task;
  JsonObject *record;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call))
    return;

  if (subject == NULL || g_utf8_strlen (subject, -1) > 200)
    {
      reply_param_error (call, subject ? "subject不能超过200个字符" : "缺少参数subject");
      return;
    }
  if (biz_task_id == NULL)
    {
      reply_param_error (call, "缺少参数bizTaskId");
      return;
    }
  if (!check_todo_url (call, "url") || !check_todo_url (call, "mobileUrl"))
    return;
  if ((creator = account_param (call, "creatorId")) == NULL ||
      (assignee = account_param (call, "assigneeId")) == NULL)
    {
      reply_param_error (call, "creatorId和assigneeId必须是有效的accountId");
      return;
    }
  if (package_uuid != NULL && !g_hash_table_contains (call->self->packages, package_uuid))
    {
      reply_param_error (call, "packageUuid不存在");
      return;
    }

  if (g_hash_table_contains (call->self->tasks_by_biz_id, biz_task_id))
    {
      /* The platform's idempotency: a duplicate answers empty data. */
      reply_ok (call, NULL);
      return;
    }

  uuid = yq_sim_server_random_hex (call->self->server, 32);
  if (package_uuid == NULL)
    {
      new_package = yq_sim_server_random_hex (call->self->server, 32);
      g_hash_table_add (call->self->packages, g_strdup (new_package));
      package_uuid = new_package;
    }

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "taskUuid", uuid);
  yq_sim_json_add_string (builder, "packageUuid", package_uuid);
  yq_sim_json_add_string (builder, "bizTaskId", biz_task_id);
  yq_sim_json_add_string (builder, "appKey", call->config->zwdd_app_key);
  yq_sim_json_add_string (builder, "appName", APP_NAME);
  yq_sim_json_add_string (builder, "businessType", param (call, "businessType"));
  add_party (builder, "creator", creator);
  add_party (builder, "assignee", assignee);
  yq_sim_json_add_string (builder, "subject", subject);
  yq_sim_json_add_string (builder, "url", param (call, "url"));
  yq_sim_json_add_string (builder, "mobileUrl", param (call, "mobileUrl"));
  yq_sim_json_add_int (builder, "createTime", now_ms);
  yq_sim_json_add_int (builder, "startTime", now_ms);
  yq_sim_json_add_string (builder, "dueTime", param (call, "dueTime"));
  yq_sim_json_add_string (builder, "finishTime", NULL);
  yq_sim_json_add_string (builder, "priority", param (call, "priority"));
  yq_sim_json_add_string (builder, "formValues", param (call, "formValues"));
  yq_sim_json_add_int (builder, "packageCreateTime", now_ms);
  yq_sim_json_add_bool (builder, "overdue", FALSE);
  yq_sim_json_add_string (builder, "accelerators", NULL);
  yq_sim_json_add_bool (builder, "needVpn", FALSE);
  yq_sim_json_add_string (builder, "dueNotifyLevel", param (call, "dueNotifyLevel"));
  yq_sim_json_add_string (builder, "tag", param (call, "tag"));
  json_builder_end_object (builder);

  task = g_new0 (Task, 1);
  task->uuid = g_strdup (uuid);
  task->package_uuid = g_strdup (package_uuid);
  task->biz_task_id = g_strdup (biz_task_id);
  task->assignee = assignee->account_id;
  task->state = TASK_OPEN;
  task->object = json_builder_get_root (builder);

  record = yq_sim_server_add_record (call->self->server, "zwdd.todo");
  json_object_set_string_member (record, "taskUuid", uuid);
  json_object_set_string_member (record, "packageUuid", package_uuid);
  json_object_set_string_member (record, "bizTaskId", biz_task_id);
  json_object_set_string_member (record, "subject", subject);
  json_object_set_string_member (record, "creatorId", creator->account_id_str);
  json_object_set_string_member (record, "assigneeId", assignee->account_id_str);
  json_object_set_string_member (record, "url", param (call, "url"));
  json_object_set_string_member (record, "mobileUrl", param (call, "mobileUrl"));
  json_object_set_array_member (record, "history", json_array_new ());
  add_history (call->self->server, record, "created", call->params);
  task->record = record;

  g_hash_table_insert (call->self->tasks, task->uuid, task);
  g_hash_table_insert (call->self->tasks_by_biz_id, g_strdup (biz_task_id), task);

  reply_ok (call, json_node_copy (task->object));
}

static Task *
require_task (Call *call)
{
  const char *uuid = param (call, "taskUuid");
  const char *user = param (call, "userId");
  Task *task;

  if (uuid == NULL || user == NULL)
    {
      reply_param_error (call, "缺少参数taskUuid或userId");
      return NULL;
    }

  task = g_hash_table_lookup (call->self->tasks, uuid);
  if (task == NULL)
    {
      reply_biz_error (call, "400101", NULL, "任务不存在");
      return NULL;
    }

  if (g_ascii_strtoull (user, NULL, 10) != task->assignee)
    {
      reply_biz_error (call, "400102", NULL, "userId不是任务的执行人");
      return NULL;
    }

  return task;
}

static void
close_package (Call       *call,
               const char *package_uuid,
               TaskState   state,
               const char *label)
{
  GHashTableIter iter;
  Task *task;

  g_hash_table_iter_init (&iter, call->self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    {
      if (g_str_equal (task->package_uuid, package_uuid) && task->state == TASK_OPEN)
        {
          task->state = state;
          add_history (call->self->server, task->record, label, call->params);
        }
    }
}

static void
handle_task_finish (Call *call)
{
  Task *task;
  const char *close = param (call, "closePackage");

  if ((task = require_task (call)) == NULL)
    return;

  if (task->state == TASK_CANCELLED)
    {
      reply_biz_error (call, "400103", NULL, "任务已取消");
      return;
    }

  task->state = TASK_FINISHED;
  add_history (call->self->server, task->record, "finished", call->params);
  if (close != NULL && g_ascii_strcasecmp (close, "true") == 0)
    close_package (call, task->package_uuid, TASK_FINISHED, "finished");

  reply_ok (call, string_node ("true"));
}

static void
handle_task_cancel (Call *call)
{
  Task *task;
  /* The SDK's field name, misspelling included, is the wire name. */
  const char *close = param (call, "cancelPakcage");

  if ((task = require_task (call)) == NULL)
    return;

  if (task->state == TASK_FINISHED)
    {
      reply_biz_error (call, "400103", NULL, "任务已完成");
      return;
    }

  task->state = TASK_CANCELLED;
  add_history (call->self->server, task->record, "cancelled", call->params);
  if (close != NULL && g_ascii_strcasecmp (close, "true") == 0)
    close_package (call, task->package_uuid, TASK_CANCELLED, "cancelled");

  reply_ok (call, string_node ("true"));
}

static void
handle_package (Call      *call,
                TaskState  state,
                const char *label)
{
  const char *package_uuid = param (call, "packageUuid");

  if (package_uuid == NULL || param (call, "userId") == NULL)
    {
      reply_param_error (call, "缺少参数packageUuid或userId");
      return;
    }

  if (!g_hash_table_contains (call->self->packages, package_uuid))
    {
      reply_biz_error (call, "400101", NULL, "实例不存在");
      return;
    }

  close_package (call, package_uuid, state, label);
  reply_ok (call, string_node ("true"));
}

static void
handle_package_close (Call *call)
{
  handle_package (call, TASK_FINISHED, "finished");
}

static void
handle_package_cancel (Call *call)
{
  handle_package (call, TASK_CANCELLED, "cancelled");
}

static int
compare_tasks (gconstpointer a,
               gconstpointer b)
{
  const Task *ta = *(Task * const *) a;
  const Task *tb = *(Task * const *) b;

  return (int) json_object_get_int_member (ta->record, "seq") -
         (int) json_object_get_int_member (tb->record, "seq");
}

static void
handle_task_list (Call     *call,
                  gboolean  done)
{
  const char *user = param (call, "userId");
  const char *keyword = param (call, "keyword");
  gint64 page_no, page_size;
  gboolean with_total;
  guint64 account;
  g_autoptr(GPtrArray) hits = g_ptr_array_new ();
  GHashTableIter iter;
  Task *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!require_tenant (call) || !read_paging (call, &page_no, &page_size, &with_total))
    return;
  if (user == NULL)
    {
      reply_param_error (call, "缺少参数userId");
      return;
    }

  account = g_ascii_strtoull (user, NULL, 10);
  g_hash_table_iter_init (&iter, call->self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &task))
    {
      const char *subject = json_object_get_string_member (task->record, "subject");

      if (task->assignee == account && (task->state == TASK_FINISHED) == done &&
          task->state != TASK_CANCELLED &&
          (keyword == NULL || strstr (subject, keyword) != NULL))
        g_ptr_array_add (hits, task);
    }
  g_ptr_array_sort (hits, compare_tasks);

  json_builder_begin_array (builder);
  for (gint64 i = (page_no - 1) * page_size; i < hits->len && i < page_no * page_size; i++)
    {
      Task *task = g_ptr_array_index (hits, i);

      json_builder_add_value (builder, json_node_copy (task->object));
    }
  json_builder_end_array (builder);

  reply_data (call, json_builder_get_root (builder), page_no, page_size,
              with_total ? (gint64) hits->len : -1);
}

static void
handle_todo_list (Call *call)
{
  handle_task_list (call, FALSE);
}

static void
handle_done_list (Call *call)
{
  handle_task_list (call, TRUE);
}

/* Signature ------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *value;
} Pair;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const Pair *pa = a;
  const Pair *pb = b;
  int cmp = g_ascii_strcasecmp (pa->name, pb->name);

  if (cmp == 0)
    cmp = strcmp (pa->name, pb->name);
  if (cmp == 0)
    cmp = strcmp (pa->value, pb->value);

  return cmp;
}

static char *
canonical_params (YqSimParams *params)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < params->names->len; i++)
    {
      Pair pair = { g_ptr_array_index (params->names, i), g_ptr_array_index (params->values, i) };
      gboolean blank = TRUE;

      for (const char *p = pair.value; *p && blank; p++)
        blank = g_ascii_isspace (*p);
      if (!blank)
        g_array_append_val (pairs, pair);
    }

  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *pair = &g_array_index (pairs, Pair, i);

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append_printf (out, "%s=%s", pair->name, pair->value);
    }

  return g_string_free (out, FALSE);
}

static char *
expected_signature (const char  *algorithm,
                    const char  *secret,
                    const char  *string_to_sign)
{
  if (algorithm != NULL && g_ascii_strcasecmp (algorithm, "md5") == 0)
    {
      g_autofree char *text = g_strconcat (string_to_sign, "\n", secret, NULL);

      return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
    }
  else
    {
      gsize key_length = strlen (secret);
      g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, key_length);
      guint8 digest[32];
      gsize len = sizeof digest;

      g_hmac_update (hmac, (const guchar *) string_to_sign, -1);
      g_hmac_get_digest (hmac, digest, &len);

      return g_base64_encode (digest, len);
    }
}

/* A zone-less timestamp would be read in whatever zone the parser assumes. */
static GDateTime *
parse_timestamp (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) east = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) as_utc = g_date_time_new_from_iso8601 (text, utc);
  g_autoptr(GDateTime) as_east = g_date_time_new_from_iso8601 (text, east);

  if (as_utc == NULL || as_east == NULL || g_date_time_compare (as_utc, as_east) != 0)
    return NULL;

  return g_steal_pointer (&as_utc);
}

static gboolean
authenticate (YqSimZwdd    *self,
              YqSimRequest *req,
              YqSimParams  *params,
              int          *app)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  const char *names[] = { "apiKey", "X-Hmac-Auth-Timestamp", "X-Hmac-Auth-Nonce",
                          "X-Hmac-Auth-Signature", "X-Hmac-Auth-Version" };
  const char *api_key = yq_sim_request_get_header (req, "apiKey");
  const char *timestamp = yq_sim_request_get_header (req, "X-Hmac-Auth-Timestamp");
  const char *nonce = yq_sim_request_get_header (req, "X-Hmac-Auth-Nonce");
  const char *signature = yq_sim_request_get_header (req, "X-Hmac-Auth-Signature");
  const char *version = yq_sim_request_get_header (req, "X-Hmac-Auth-Version");
  const char *algorithm = yq_sim_request_get_header (req, "X-Hmac-Auth-Algorithm");
  const char *secret;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *string_to_sign = NULL;
  g_autofree char *expected = NULL;
  GTimeSpan skew;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = yq_sim_request_get_header (req, names[i]);

      if (value == NULL || *value == '\0')
        {
          g_autofree char *message = g_strdup_printf ("缺少请求头 %s", names[i]);

          respond_gateway_error (self, req, gateway_status (self), "MissingParameter", message);
          return FALSE;
        }
    }

  if (!g_str_equal (version, "1.0"))
    {
      respond_gateway_error (self, req, gateway_status (self), "InvalidParameter",
                             "X-Hmac-Auth-Version 必须为 1.0");
      return FALSE;
    }

  if (g_str_equal (api_key, config->zwdd_app_key))
    {
      *app = APP_H5;
      secret = config->zwdd_app_secret;
    }
  else if (g_str_equal (api_key, config->zwdd_qr_app_key))
    {
      *app = APP_QR;
      secret = config->zwdd_qr_app_secret;
    }
  else
    {
      respond_gateway_error (self, req, gateway_status (self), "SignatureDoesNotMatch",
                             "签名不匹配：apiKey 不存在");
      return FALSE;
    }

  when = parse_timestamp (timestamp);
  if (when == NULL)
    {
      respond_gateway_error (self, req, gateway_status (self), "InvalidTimeStamp.Format",
                             "X-Hmac-Auth-Timestamp 不是带时区的 ISO-8601 时间");
      return FALSE;
    }

  now = g_date_time_new_now_utc ();
  skew = g_date_time_difference (now, when);
  if (skew >= SKEW_USEC || skew <= -SKEW_USEC)
    {
      respond_gateway_error (self, req, gateway_status (self), "InvalidTimeStamp.Expired",
                             "认证失败：时间戳与服务器时间相差 15 分钟或以上");
      return FALSE;
    }

  if (algorithm != NULL && g_ascii_strcasecmp (algorithm, "md5") != 0)
    {
      respond_gateway_error (self, req, gateway_status (self), "SignatureDoesNotMatch",
                             "签名不匹配：不支持的 X-Hmac-Auth-Algorithm");
      return FALSE;
    }

  canonical = canonical_params (params);
  if (*canonical != '\0')
    string_to_sign = g_strdup_printf ("%s\n%s\n%s\n%s\n%s", req->method, timestamp, nonce,
                                      req->path, canonical);
  else
    string_to_sign = g_strdup_printf ("%s\n%s\n%s\n%s", req->method, timestamp, nonce, req->path);

  expected = expected_signature (algorithm, secret, string_to_sign);
  if (!g_str_equal (expected, signature))
    {
      g_debug ("signature mismatch on %s", req->path);
      respond_gateway_error (self, req, gateway_status (self), "SignatureDoesNotMatch",
                             "签名不匹配：请检查 apiKey、参数排序(忽略大小写)以及签名串中的参数值未做 URL 编码");
      return FALSE;
    }

  if (config->zwdd_strict_nonce)
    {
      gint64 *expiry = g_hash_table_lookup (self->nonces, nonce);
      gint64 mono = g_get_monotonic_time ();

      if (expiry != NULL && *expiry > mono)
        {
          respond_gateway_error (self, req, gateway_status (self), "SignatureNonceUsed",
                                 "X-Hmac-Auth-Nonce 已被使用");
          return FALSE;
        }
      expiry = g_new (gint64, 1);
      *expiry = mono + SKEW_USEC;
      g_hash_table_replace (self->nonces, g_strdup (nonce), expiry);
    }

  return TRUE;
}

/* Dispatch ------------------------------------------------------------------- */

static const struct
{
  const char *path;
  Handler     handler;
} handler_table[] = {
  { "/gettoken.json", handle_gettoken },
  { "/get_jsapi_token.json", handle_jsapi_token },
  { "/auth/scopesV2", handle_scopes },
  { "/mozi/organization/pageSubOrganizationCodes", handle_sub_organization_codes },
  { "/mozi/organization/listOrganizationsByCodes", handle_list_organizations },
  { "/mozi/organization/getOrganizationByCode", handle_get_organization },
  { "/mozi/organization/getOrganizationLine", handle_organization_line },
  { "/mozi/organization/getOrganizationEmployeeCount", handle_employee_count },
  { "/mozi/organization/pageOrganizationEmployeeCodes", handle_org_employee_codes },
  { "/mozi/organization/pageOrganizationEmployeePositions", handle_org_employee_positions },
  { "/mozi/employee/getEmployeeByCode", handle_get_employee },
  { "/mozi/employee/listEmployeesByCodes", handle_list_employees },
  { "/mozi/employee/listEmployeePositionsByEmployeeCode", handle_employee_positions },
  { "/mozi/employee/listOrgEmployeePositionsByCodes", handle_org_positions_by_codes },
  { "/mozi/employee/listEmployeeAccountIds", handle_account_ids },
  { "/mozi/employee/listGovEmployeeCodesByAccountIds", handle_codes_by_account_ids },
  { "/mozi/employee/get_by_mobile", handle_get_by_mobile },
  { "/mozi/employee/get_by_mobiles", handle_get_by_mobiles },
  { "/mozi/fusion/pageSearchEmployee", handle_search_employee },
  { "/mozi/fusion/pageSearchOrganization", handle_search_organization },
  { "/rpc/oauth2/dingtalk_app_user.json", handle_app_user },
  { "/rpc/oauth2/dingtalk_app_token.json", handle_app_token },
  { "/rpc/oauth2/getuserinfo_bycode.json", handle_userinfo_by_code },
  { "/message/workNotification", handle_work_notification },
  { "/message/revoke", handle_revoke },
  { "/chat/sendMsg", handle_chat },
  { "/tc/v2/openapi/task/create.json", handle_task_create },
  { "/tc/openapi/task/finish.json", handle_task_finish },
  { "/tc/openapi/task/cancel.json", handle_task_cancel },
  { "/tc/openapi/package/close.json", handle_package_close },
  { "/tc/openapi/package/cancel.json", handle_package_cancel },
  { "/tc/openapi/3rd/task/getTodoList", handle_todo_list },
  { "/tc/openapi/3rd/task/getDoneList", handle_done_list },
};

void
yq_sim_zwdd_handle (YqSimZwdd    *self,
                    YqSimRequest *req)
{
  Handler handler = g_hash_table_lookup (self->handlers, req->path);
  g_autoptr(YqSimParams) params = NULL;
  Call call = { 0 };

  if (handler == NULL)
    {
      respond_gateway_error (self, req, 404, "InvalidApi.NotFound", "接口不存在");
      return;
    }

  if (!g_str_equal (req->method, "GET") && !g_str_equal (req->method, "POST"))
    {
      respond_gateway_error (self, req, 405, "InvalidHttpMethod", "只支持 GET 和 POST");
      return;
    }

  /* GET carries the query; POST the form body (plus any query). */
  params = yq_sim_params_new ();
  for (guint i = 0; i < req->query->names->len; i++)
    yq_sim_params_add (params, g_ptr_array_index (req->query->names, i),
                       g_ptr_array_index (req->query->values, i));
  if (g_str_equal (req->method, "POST") &&
      g_strcmp0 (req->content_type, "application/x-www-form-urlencoded") == 0)
    {
      gsize length;
      const char *body = yq_sim_request_get_body (req, &length);
      g_autoptr(YqSimParams) form = yq_sim_params_parse (body, (gssize) length);

      for (guint i = 0; i < form->names->len; i++)
        yq_sim_params_add (params, g_ptr_array_index (form->names, i),
                           g_ptr_array_index (form->values, i));
    }

  call.self = self;
  call.req = req;
  call.params = params;
  call.org = yq_sim_server_get_org (self->server);
  call.config = yq_sim_server_get_config (self->server);

  if (!authenticate (self, req, params, &call.app))
    return;

  call.request_id = yq_sim_server_new_request_id (self->server);
  handler (&call);
  g_free (call.request_id);
}

void
yq_sim_zwdd_respond_throttled (YqSimZwdd    *self,
                               YqSimRequest *req)
{
  respond_gateway_error (self, req, gateway_status (self) == 200 ? 200 : 429, "Throttling",
                         "Request was denied due to flow control (请求过于频繁)");
}

/* QR login host ------------------------------------------------------------------ */

static void
respond_page (YqSimRequest *req,
              guint         status,
              const char   *title,
              const char   *body_html)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  char *page = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
                                "<meta charset=\"utf-8\"><title>%s</title></head>"
                                "<body>%s</body></html>\n",
                                escaped, body_html);

  yq_sim_request_respond (req, status, "text/html;charset=UTF-8", page, strlen (page));
}

static gboolean
redirect_allowed (const YqSimConfig *config,
                  const char        *redirect_uri)
{
  g_autoptr(GUri) uri = redirect_uri ? g_uri_parse (redirect_uri, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host, *scheme;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
    return FALSE;

  for (guint i = 0; config->zwdd_qr_redirect_domains && config->zwdd_qr_redirect_domains[i]; i++)
    {
      const char *domain = config->zwdd_qr_redirect_domains[i];
      gsize hl = strlen (host), dl = strlen (domain);

      if (g_ascii_strcasecmp (host, domain) == 0 ||
          (hl > dl && host[hl - dl - 1] == '.' && g_ascii_strcasecmp (host + hl - dl, domain) == 0))
        return TRUE;
    }

  return FALSE;
}

static void
append_hidden (GString    *html,
               const char *name,
               const char *value)
{
  g_autofree char *escaped = g_markup_escape_text (value ? value : "", -1);

  g_string_append_printf (html, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name, escaped);
}

void
yq_sim_zwdd_handle_login (YqSimZwdd    *self,
                          YqSimRequest *req)
{
  const YqSimConfig *config = yq_sim_server_get_config (self->server);
  YqSimOrg *org = yq_sim_server_get_org (self->server);
  YqSimParams *q = req->query;
  const char *client_id = yq_sim_params_get (q, "client_id");
  const char *redirect_uri = yq_sim_params_get (q, "redirect_uri");
  const char *response_type = yq_sim_params_get (q, "response_type");
  const char *state = yq_sim_params_get (q, "state");
  const char *embed = yq_sim_params_get (q, "embedMode");
  const char *account = yq_sim_params_get (q, "sim_account");
  YqSimPerson *person;
  g_autofree char *code = NULL;
  Code *entry;
  JsonObject *record;

  if (!g_str_equal (req->path, "/oauth2/auth.htm"))
    {
      respond_page (req, 404, "404", "<h1>404 Not Found</h1>");
      return;
    }

  if (client_id == NULL || !g_str_equal (client_id, config->zwdd_qr_client_id) ||
      !redirect_allowed (config, redirect_uri))
    {
      respond_page (req, 403, "无权限访问", "<h1>无权限访问</h1><p>应用未授权或回调地址与应用登记的域名不一致。</p>");
      return;
    }

  if (g_strcmp0 (response_type, "code") != 0)
    {
      respond_page (req, 400, "参数错误", "<h1>参数错误</h1><p>response_type 必须为 code。</p>");
      return;
    }

  if (account == NULL)
    {
      GString *html = g_string_new ("<h1>政务钉钉扫码登录</h1>"
                                    "<div style=\"width:200px;height:200px;border:1px solid #333\""
                                    " id=\"qrcode\">QR</div>"
                                    "<form method=\"get\" action=\"/oauth2/auth.htm\">");
      const char *keep[] = { "response_type", "client_id", "redirect_uri", "scope", "authType",
                             "state", "embedMode" };
      YqSimPerson *sample = NULL;

      for (guint i = 0; i < yq_sim_org_get_person_slots (org) && sample == NULL; i++)
        {
          YqSimPerson *p = yq_sim_org_get_person (org, i);

          if (!p->deleted && p->status == YQ_SIM_STATUS_NORMAL)
            sample = p;
        }

      for (guint i = 0; i < G_N_ELEMENTS (keep); i++)
        if (yq_sim_params_get (q, keep[i]) != NULL)
          append_hidden (html, keep[i], yq_sim_params_get (q, keep[i]));
      g_string_append_printf (html, "<label>模拟扫码的账号 (accountId / employeeCode / 手机号)："
                                    "<input name=\"sim_account\" value=\"%s\"></label>"
                                    "<button type=\"submit\">确认登录</button></form>",
                              sample ? sample->account_id_str : "");
      respond_page (req, 200, "政务钉钉扫码登录", html->str);
      g_string_free (html, TRUE);
      return;
    }

  person = yq_sim_org_find_person (org, account);
  if (person == NULL || person->status != YQ_SIM_STATUS_NORMAL)
    {
      respond_page (req, 403, "账号不可用", "<h1>账号不存在或已停用</h1>");
      return;
    }

  code = yq_sim_server_random_hex (self->server, 32);
  entry = g_new0 (Code, 1);
  entry->person = person->index;
  entry->app = APP_QR;
  entry->expires_usec = g_get_monotonic_time () + CODE_TTL_USEC;
  g_hash_table_insert (self->qr_codes, g_strdup (code), entry);

  record = yq_sim_server_add_record (self->server, "zwdd.qr_login");
  json_object_set_string_member (record, "clientId", client_id);
  json_object_set_string_member (record, "redirectUri", redirect_uri);
  json_object_set_string_member (record, "state", state ? state : "");
  json_object_set_string_member (record, "accountId", person->account_id_str);
  json_object_set_string_member (record, "code", code);

  if (embed != NULL && g_ascii_strcasecmp (embed, "true") == 0)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *payload = NULL;
      g_autofree char *script = NULL;

      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "code", code);
      yq_sim_json_add_string (builder, "state", state ? state : "");
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      payload = json_generator_to_data (generator, NULL);
      /* "</" inside a script would end it early; "<\/" is the same JSON. */
      {
        g_auto(GStrv) parts = g_strsplit (payload, "</", -1);
        g_autofree char *safe = g_strjoinv ("<\\/", parts);

        script = g_strdup_printf ("<p>登录成功</p>"
                                  "<script>window.parent.postMessage(%s, \"*\");</script>",
                                  safe);
      }
      respond_page (req, 200, "政务钉钉扫码登录", script);
      return;
    }
  else
    {
      GString *location = g_string_new (redirect_uri);
      g_autofree char *escaped_state = g_uri_escape_string (state ? state : "", NULL, FALSE);

      g_string_append_c (location, strchr (redirect_uri, '?') ? '&' : '?');
      g_string_append_printf (location, "code=%s", code);
      if (state != NULL)
        g_string_append_printf (location, "&state=%s", escaped_state);
      yq_sim_request_redirect (req, location->str);
      g_string_free (location, TRUE);
    }
}

/* Lifecycle ---------------------------------------------------------------------- */

/**
 * yq_sim_zwdd_issue_auth_code:
 * @self: the 政务钉钉 simulator
 * @person: a person with normal status
 *
 * Plays the front-end JSAPI: a single-use authCode for the H5 app, valid for
 * five minutes.
 *
 * Returns: (transfer full): the code
 */
char *
yq_sim_zwdd_issue_auth_code (YqSimZwdd   *self,
                             YqSimPerson *person)
{
  char *code = yq_sim_server_random_hex (self->server, 32);
  Code *entry = g_new0 (Code, 1);

  entry->person = person->index;
  entry->app = APP_H5;
  entry->expires_usec = g_get_monotonic_time () + CODE_TTL_USEC;
  g_hash_table_insert (self->auth_codes, g_strdup (code), entry);

  return code;
}

/* Makes every issued token invalid at once, as if all had expired. */
void
yq_sim_zwdd_expire_tokens (YqSimZwdd *self)
{
  g_hash_table_remove_all (self->tokens);
}

void
yq_sim_zwdd_reset (YqSimZwdd *self)
{
  g_hash_table_remove_all (self->biz_msg_ids);
  g_hash_table_remove_all (self->tasks_by_biz_id);
  g_hash_table_remove_all (self->tasks);
  g_hash_table_remove_all (self->packages);
  g_hash_table_remove_all (self->nonces);
}

YqSimZwdd *
yq_sim_zwdd_new (YqSimServer *server)
{
  YqSimZwdd *self = g_new0 (YqSimZwdd, 1);

  self->server = server;
  self->handlers = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS (handler_table); i++)
    g_hash_table_insert (self->handlers, (gpointer) handler_table[i].path,
                         (gpointer) handler_table[i].handler);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->auth_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->qr_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->nonces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->biz_msg_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) task_free);
  self->tasks_by_biz_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->packages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return self;
}

void
yq_sim_zwdd_free (YqSimZwdd *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->handlers);
  g_hash_table_unref (self->tokens);
  g_hash_table_unref (self->auth_codes);
  g_hash_table_unref (self->qr_codes);
  g_hash_table_unref (self->nonces);
  g_hash_table_unref (self->biz_msg_ids);
  g_hash_table_unref (self->tasks_by_biz_id);
  g_hash_table_unref (self->tasks);
  g_hash_table_unref (self->packages);
  g_free (self);
}
