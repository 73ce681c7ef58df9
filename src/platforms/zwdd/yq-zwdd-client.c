/* SPDX-License-Identifier: GPL-3.0-or-later */

/* 政务钉钉 / 专有钉钉 / 浙政钉 client (docs/platforms/zwdd.md).
 *
 * Field mapping into the snapshot model (yq-org.h):
 *
 * | YqOrgDepartment | 政务钉钉 source                                               |
 * |-----------------|----------------------------------------------------------------|
 * | id              | organizationCode                                               |
 * | parent_id       | the organization whose pageSubOrganizationCodes listed it;     |
 * |                 | NULL for the roots of /auth/scopesV2 deptVisibleScopes         |
 * | name            | organizationName (listOrganizationsByCodes)                    |
 * | order           | displayOrder (number or numeric string; 0 when absent)         |
 * | active          | status != "F" (the crawl asks for status=A only)               |
 *
 * | YqOrgPerson     | 政务钉钉 source                                               |
 * |-----------------|----------------------------------------------------------------|
 * | id              | employeeCode                                                   |
 * | account_id      | accountId (listEmployeeAccountIds), as a decimal string        |
 * | account_code    | accountCode (listEmployeeAccountIds)                           |
 * | name            | employeeName                                                   |
 * | mobile          | NULL: no read API returns it (§4.7, §8.9)                      |
 * | email           | NULL: not part of the employee objects                         |
 * | job_number      | NULL: not part of the employee objects                         |
 * | title           | govEmpPosJob of the main position (mainJob)                    |
 * | department_ids  | organizationCode of each position in govEmployeePositions that |
 * |                 | lies within the snapshot, the main position first; a valid     |
 * |                 | employee's invalid positions (status "F") are left out         |
 * | order           | orderInOrganization of the main position                       |
 * | active          | employee status != "F"                                         |
 *
 * Login (dingtalk_app_user.json / getuserinfo_bycode.json): id = employeeCode (accountId when
 * absent), account_id = accountId, account_code = account, name = lastName, else nickNameCn.
 */

#define G_LOG_DOMAIN "yq-zwdd"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-http.h"
#include "yq-json.h"
#include "yq-platform-private.h"
#include "yq-zwdd-client.h"
#include "yq-zwdd-protocol.h"
#include "yq-zwdd-sign.h"

#define MAX_RECIPIENTS_PER_CALL 1000
#define MAX_MSG_BYTES           2048
#define MAX_SUBJECT_CHARS       200
#define FORM_CONTENT_TYPE       "application/x-www-form-urlencoded; charset=UTF-8"

struct _YqZwddClient
{
  GObject        parent_instance;

  YqHttp        *http;
  char          *base_url;
  char          *base_path;
  char          *tenant_id;
  char          *app_key;
  char          *app_secret;
  char          *qr_app_key;
  char          *qr_app_secret;
  YqTokenSource *app_token;
  YqTokenSource *qr_token;
  YqHttpLane    *message_lane;
  guint          daily_cap;
  guint          sent_today;
  gint64         sent_day;
};

static void yq_zwdd_client_platform_init (YqPlatformInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqZwddClient, yq_zwdd_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (YQ_TYPE_PLATFORM,
                                                      yq_zwdd_client_platform_init))

/* ------------------------------------------------------------------------ */
/* Signed calls                                                              */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char           *base_url;
  char           *sign_path;
  char           *path;
  char           *method;
  YqZwddParams   *params;
  char           *app_key;
  char           *app_secret;
  YqZwddEnvelope  envelope;
  gboolean        token_call;
  gboolean        read_only;
} ZwddCall;

static void
zwdd_call_free (ZwddCall *call)
{
  g_free (call->base_url);
  g_free (call->sign_path);
  g_free (call->path);
  g_free (call->method);
  yq_zwdd_params_free (call->params);
  g_free (call->app_key);
  g_free (call->app_secret);
  g_free (call);
}

static SoupMessage *
zwdd_call_build (gpointer     user_data,
                 const char  *token,
                 GError     **error)
{
  ZwddCall *call = user_data;
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *timestamp = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *url = NULL;
  SoupMessageHeaders *headers;
  gint64 now = g_get_real_time ();

  for (guint i = 0; i < yq_zwdd_params_get_length (call->params); i++)
    yq_zwdd_params_add (params, yq_zwdd_params_get_name (call->params, i),
                        yq_zwdd_params_get_value (call->params, i));
  if (token != NULL)
    yq_zwdd_params_add (params, "access_token", token);

  timestamp = yq_zwdd_format_timestamp (now);
  nonce = yq_zwdd_make_nonce (now, g_random_int ());
  canonical = yq_zwdd_params_canonicalize (params);
  to_sign = yq_zwdd_string_to_sign (call->method, timestamp, nonce, call->sign_path, canonical);
  signature = yq_zwdd_sign (call->app_secret, to_sign);
  encoded = yq_zwdd_params_encode (params);

  if (g_str_equal (call->method, "GET"))
    {
      url = *encoded ? g_strconcat (call->base_url, call->path, "?", encoded, NULL)
                     : g_strconcat (call->base_url, call->path, NULL);
      msg = soup_message_new (SOUP_METHOD_GET, url);
    }
  else
    {
      g_autoptr(GBytes) body = NULL;

      url = g_strconcat (call->base_url, call->path, NULL);
      msg = soup_message_new (SOUP_METHOD_POST, url);
      if (msg != NULL)
        {
          gsize len = strlen (encoded);

          body = g_bytes_new_take (g_steal_pointer (&encoded), len);
          soup_message_set_request_body_from_bytes (msg, FORM_CONTENT_TYPE, body);
        }
    }

  if (msg == NULL)
    {
      g_propagate_error (error, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                       call->path,
                                                       _("the API address is not a valid URL")));
      return NULL;
    }

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "apiKey", call->app_key);
  soup_message_headers_replace (headers, "X-Hmac-Auth-Timestamp", timestamp);
  soup_message_headers_replace (headers, "X-Hmac-Auth-Version", "1.0");
  soup_message_headers_replace (headers, "X-Hmac-Auth-Nonce", nonce);
  soup_message_headers_replace (headers, "X-Hmac-Auth-Signature", signature);
  soup_message_headers_replace (headers, "X-Hmac-Auth-IP", "127.0.0.1");
  soup_message_headers_replace (headers, "X-Hmac-Auth-MAC", "02:00:00:00:00:01");
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (call->read_only)
    yq_platform_mark_read_only (msg);

  return g_steal_pointer (&msg);
}

static YqHttpVerdict
zwdd_call_check (gpointer      user_data,
                 SoupMessage  *msg,
                 GBytes       *body,
                 JsonNode    **result,
                 GError      **error)
{
  ZwddCall *call = user_data;
  gint64 skew = 0;

  if (!yq_http_message_clock_skew (msg, g_get_real_time () / G_USEC_PER_SEC, &skew))
    skew = 0;

  return yq_zwdd_parse_response (call->path, call->envelope, call->token_call,
                                 soup_message_get_status (msg), skew, body, result, error);
}

/* Takes @params. */
static YqHttpRequest *
zwdd_request_new (YqZwddClient   *self,
                  const char     *method,
                  const char     *path,
                  YqZwddParams   *params,
                  YqZwddEnvelope  envelope,
                  gboolean        qr_app)
{
  ZwddCall *call = g_new0 (ZwddCall, 1);
  gboolean use_qr = qr_app && self->qr_app_key != NULL;

  call->base_url = g_strdup (self->base_url);
  call->sign_path = g_strconcat (self->base_path, path, NULL);
  call->path = g_strdup (path);
  call->method = g_strdup (method);
  call->params = params;
  call->app_key = g_strdup (use_qr ? self->qr_app_key : self->app_key);
  call->app_secret = g_strdup (use_qr ? self->qr_app_secret : self->app_secret);
  call->envelope = envelope;
  call->token_call = g_str_equal (path, "/gettoken.json");
  call->read_only = call->token_call ||
                    g_str_has_prefix (path, "/mozi/") ||
                    g_str_equal (path, "/auth/scopesV2") ||
                    g_str_has_prefix (path, "/tc/openapi/3rd/task/get");

  return yq_http_request_new (path, zwdd_call_build, zwdd_call_check, call,
                              (GDestroyNotify) zwdd_call_free);
}

static YqZwddParams *
tenant_params (YqZwddClient *self)
{
  YqZwddParams *params = yq_zwdd_params_new ();

  yq_zwdd_params_add (params, "tenantId", self->tenant_id);
  return params;
}

static gboolean
extract_token (JsonNode  *content,
               char     **token,
               gint64    *expires_in,
               gpointer   user_data)
{
  JsonNode *data = yq_zwdd_content_get_data (content);
  JsonObject *obj;

  if (data == NULL || !JSON_NODE_HOLDS_OBJECT (data))
    return FALSE;
  obj = json_node_get_object (data);

  *token = yq_json_dup_string_lenient (obj, "accessToken");
  if (!yq_json_get_int_lenient (obj, "expiresIn", expires_in))
    *expires_in = 0;

  return *token != NULL;
}

static YqTokenSource *
token_source_new (YqZwddClient *self,
                  gboolean      qr_app)
{
  g_autoptr(YqHttpRequest) fetch = NULL;
  YqZwddParams *params = yq_zwdd_params_new ();
  YqTokenSource *source;

  yq_zwdd_params_add (params, "appkey", qr_app ? self->qr_app_key : self->app_key);
  yq_zwdd_params_add (params, "appsecret", qr_app ? self->qr_app_secret : self->app_secret);
  fetch = zwdd_request_new (self, "GET", "/gettoken.json", params, YQ_ZWDD_ENVELOPE_A, qr_app);

  source = yq_token_source_new (qr_app ? "zwdd QR-login app token" : "zwdd app token",
                                fetch, extract_token, NULL, NULL);
  yq_token_source_set_default_ttl (source, 7200);

  return source;
}

static JsonArray *
data_array (JsonNode *content)
{
  JsonNode *data = yq_zwdd_content_get_data (content);

  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    return json_node_get_array (data);
  return NULL;
}

static GError *
unexpected (const char *call,
            const char *what)
{
  return yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call, what);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */
/* ------------------------------------------------------------------------ */

static void
yq_zwdd_client_finalize (GObject *object)
{
  YqZwddClient *self = (YqZwddClient *)object;

  g_clear_object (&self->app_token);
  g_clear_object (&self->qr_token);
  g_clear_object (&self->http);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->base_path, g_free);
  g_clear_pointer (&self->tenant_id, g_free);
  g_clear_pointer (&self->app_key, g_free);
  g_clear_pointer (&self->app_secret, g_free);
  g_clear_pointer (&self->qr_app_key, g_free);
  g_clear_pointer (&self->qr_app_secret, g_free);

  G_OBJECT_CLASS (yq_zwdd_client_parent_class)->finalize (object);
}

static void
yq_zwdd_client_class_init (YqZwddClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_zwdd_client_finalize;
}

static void
yq_zwdd_client_init (YqZwddClient *self)
{
  self->http = yq_http_new ();
  self->message_lane = yq_http_add_lane (self->http, "work notifications", 1,
                                         YQ_ZWDD_DEFAULT_NOTIFICATION_INTERVAL_S * G_USEC_PER_SEC,
                                         0);
  self->daily_cap = YQ_ZWDD_DEFAULT_DAILY_NOTIFICATION_CAP;
}

/**
 * yq_zwdd_client_new:
 * @api_base: the gateway, e.g. `https://openplatform.dg-work.cn`
 * @tenant_id: the numeric tenant ID
 * @app_key: the AppKey
 * @app_secret: the AppSecret
 * @error: return location for an error
 *
 * Returns: (transfer full): a new client, or %NULL with @error set
 */
YqZwddClient *
yq_zwdd_client_new (const char  *api_base,
                    const char  *tenant_id,
                    const char  *app_key,
                    const char  *app_secret,
                    GError     **error)
{
  g_autoptr(YqZwddClient) self = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *base_path = NULL;

  if (!yq_platform_parse_api_base (api_base, &base_url, &base_path, error))
    return NULL;

  if (tenant_id == NULL || *tenant_id == '\0')
    {
      g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                   _("The 政务钉钉 connector has no tenant ID. Enter the numeric tenant ID "
                     "shown in the platform's console."));
      return NULL;
    }
  if (app_key == NULL || *app_key == '\0' || app_secret == NULL || *app_secret == '\0')
    {
      g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                   _("The 政务钉钉 connector needs the AppKey and AppSecret of its app: every "
                     "call is signed with them."));
      return NULL;
    }

  self = g_object_new (YQ_TYPE_ZWDD_CLIENT, NULL);
  self->base_url = g_steal_pointer (&base_url);
  self->base_path = g_steal_pointer (&base_path);
  self->tenant_id = g_strdup (tenant_id);
  self->app_key = g_strdup (app_key);
  self->app_secret = g_strdup (app_secret);
  yq_http_add_secret (self->http, app_secret);
  self->app_token = token_source_new (self, FALSE);

  return g_steal_pointer (&self);
}

/**
 * yq_zwdd_client_set_qr_app:
 * @self: a client
 * @app_key: (nullable): the QR-login app's AppKey; %NULL to use the main app
 * @app_secret: (nullable): its AppSecret
 *
 * The QR-code login may belong to a different app with its own keys and
 * token (§2.11).
 */
void
yq_zwdd_client_set_qr_app (YqZwddClient *self,
                           const char   *app_key,
                           const char   *app_secret)
{
  g_return_if_fail (YQ_IS_ZWDD_CLIENT (self));

  g_clear_pointer (&self->qr_app_key, g_free);
  g_clear_pointer (&self->qr_app_secret, g_free);
  g_clear_object (&self->qr_token);

  if (app_key == NULL || *app_key == '\0' || app_secret == NULL || *app_secret == '\0')
    return;

  self->qr_app_key = g_strdup (app_key);
  self->qr_app_secret = g_strdup (app_secret);
  yq_http_add_secret (self->http, app_secret);
  self->qr_token = token_source_new (self, TRUE);
}

/**
 * yq_zwdd_client_set_notification_interval:
 * @self: a client
 * @seconds: the least time between two work-notification calls
 *
 * The platform documents "at least 10 minutes apart" (§7), the default.
 * Tests and tenants with other terms can change it.
 */
void
yq_zwdd_client_set_notification_interval (YqZwddClient *self,
                                          guint         seconds)
{
  g_return_if_fail (YQ_IS_ZWDD_CLIENT (self));

  yq_http_lane_set_min_interval (self->message_lane, (gint64) seconds * G_USEC_PER_SEC);
}

/**
 * yq_zwdd_client_note_notification_call:
 * @self: a client
 * @ago_us: how long ago the last work-notification call went out, through
 *   another client of the same app (before a restart, for instance)
 *
 * The next call keeps the notification interval from then. Set the
 * interval first.
 */
void
yq_zwdd_client_note_notification_call (YqZwddClient *self,
                                       gint64        ago_us)
{
  g_return_if_fail (YQ_IS_ZWDD_CLIENT (self));

  yq_http_lane_note_start (self->message_lane, yq_http_now (self->http) - MAX (ago_us, 0));
}

/**
 * yq_zwdd_client_set_daily_notification_cap:
 * @self: a client
 * @cap: notifications (recipients) per Beijing day; 0 for no cap
 */
void
yq_zwdd_client_set_daily_notification_cap (YqZwddClient *self,
                                           guint         cap)
{
  g_return_if_fail (YQ_IS_ZWDD_CLIENT (self));

  self->daily_cap = cap;
}

YqHttp *
yq_zwdd_client_get_http (YqZwddClient *self)
{
  g_return_val_if_fail (YQ_IS_ZWDD_CLIENT (self), NULL);

  return self->http;
}

/* ------------------------------------------------------------------------ */
/* Directory crawl (§4.11)                                                   */
/* ------------------------------------------------------------------------ */

typedef enum
{
  JOB_SCOPES,
  JOB_CHILDREN,
  JOB_EMPLOYEES,
  JOB_DETAILS,
  JOB_ACCOUNTS,
  JOB_EXTRA_EMPLOYEES,
} JobKind;

typedef struct
{
  JobKind  kind;
  char    *org;
  gint64   planned_last;
} Listing;

typedef struct
{
  YqOrgPerson *person;
  gboolean     main_known;
  char        *first_org;
} PersonState;

typedef struct
{
  YqZwddClient        *client;
  YqFetchRun           run;
  YqOrgSnapshot       *snapshot;
  GHashTable          *org_parent;
  GHashTable          *org_parent_code;
  GPtrArray           *scope_roots;
  GPtrArray           *scope_users;
  GPtrArray           *pending_details;
  GPtrArray           *pending_accounts;
  GHashTable          *people;
  GPtrArray           *listings;
  guint                outstanding_tree;
  guint                outstanding_people;
  guint                outstanding_batches;
  gboolean             extras_checked;
  gboolean             done;
} Crawl;

typedef struct
{
  GTask     *task;
  JobKind    kind;
  Listing   *listing;
  gint64     page;
  GPtrArray *codes;
} Job;

static void
person_state_free (PersonState *state)
{
  g_free (state->first_org);
  g_free (state);
}

static void
listing_free (Listing *listing)
{
  g_free (listing->org);
  g_free (listing);
}

static void
crawl_free (Crawl *c)
{
  yq_fetch_run_clear (&c->run);
  g_clear_object (&c->snapshot);
  g_clear_pointer (&c->org_parent, g_hash_table_unref);
  g_clear_pointer (&c->org_parent_code, g_hash_table_unref);
  g_clear_pointer (&c->scope_roots, g_ptr_array_unref);
  g_clear_pointer (&c->scope_users, g_ptr_array_unref);
  g_clear_pointer (&c->pending_details, g_ptr_array_unref);
  g_clear_pointer (&c->pending_accounts, g_ptr_array_unref);
  g_clear_pointer (&c->people, g_hash_table_unref);
  g_clear_pointer (&c->listings, g_ptr_array_unref);
  g_clear_object (&c->client);
  g_free (c);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->codes, g_ptr_array_unref);
  g_clear_object (&job->task);
  g_free (job);
}

static void crawl_job_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
crawl_send (GTask         *task,
            YqHttpRequest *request,
            Job           *job)
{
  Crawl *c = g_task_get_task_data (task);

  job->task = g_object_ref (task);
  switch (job->kind)
    {
    case JOB_SCOPES:
    case JOB_CHILDREN:
      c->outstanding_tree++;
      break;
    case JOB_EMPLOYEES:
    case JOB_EXTRA_EMPLOYEES:
      c->outstanding_people++;
      break;
    case JOB_DETAILS:
    case JOB_ACCOUNTS:
    default:
      c->outstanding_batches++;
      break;
    }

  yq_http_request_set_call_counter (request, &c->run.stats.api_calls);
  yq_http_send_async (c->client->http, request, c->run.cancellable, crawl_job_cb, job);
}

static void
crawl_send_page (GTask   *task,
                 Listing *listing,
                 gint64   page)
{
  Crawl *c = g_task_get_task_data (task);
  YqZwddParams *params = tenant_params (c->client);
  g_autoptr(YqHttpRequest) request = NULL;
  Job *job = g_new0 (Job, 1);
  const char *path;

  yq_zwdd_params_add (params, "organizationCode", listing->org);
  if (listing->kind == JOB_CHILDREN)
    {
      yq_zwdd_params_add (params, "status", "A");
      path = "/mozi/organization/pageSubOrganizationCodes";
    }
  else
    path = "/mozi/organization/pageOrganizationEmployeePositions";
  yq_zwdd_params_add_int (params, "pageNo", page);
  yq_zwdd_params_add_int (params, "pageSize", YQ_ZWDD_PAGE_SIZE);
  yq_zwdd_params_add (params, "returnTotalSize", "true");

  request = zwdd_request_new (c->client, "POST", path, params, YQ_ZWDD_ENVELOPE_A, FALSE);
  job->kind = listing->kind;
  job->listing = listing;
  job->page = page;
  crawl_send (task, request, job);
}

static void
crawl_send_batch (GTask      *task,
                  JobKind     kind,
                  GPtrArray  *pending)
{
  Crawl *c = g_task_get_task_data (task);
  YqZwddParams *params = tenant_params (c->client);
  g_autoptr(YqHttpRequest) request = NULL;
  Job *job = g_new0 (Job, 1);
  guint n = MIN (pending->len, YQ_ZWDD_BATCH_SIZE);
  const char *path;
  const char *name;

  switch (kind)
    {
    case JOB_DETAILS:
      path = "/mozi/organization/listOrganizationsByCodes";
      name = "organizationCodes";
      break;
    case JOB_ACCOUNTS:
      path = "/mozi/employee/listEmployeeAccountIds";
      name = "employeeCodes";
      break;
    case JOB_EXTRA_EMPLOYEES:
    default:
      path = "/mozi/employee/listEmployeesByCodes";
      name = "employeeCodes";
      break;
    }

  job->kind = kind;
  job->codes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      const char *code = g_ptr_array_index (pending, i);

      yq_zwdd_params_add (params, name, code);
      g_ptr_array_add (job->codes, g_strdup (code));
    }
  g_ptr_array_remove_range (pending, 0, n);

  request = zwdd_request_new (c->client, "POST", path, params, YQ_ZWDD_ENVELOPE_A, FALSE);
  crawl_send (task, request, job);
}

static void
crawl_discover (GTask      *task,
                const char *code,
                const char *parent)
{
  Crawl *c = g_task_get_task_data (task);
  Listing *children;
  Listing *employees;

  if (code == NULL || g_hash_table_contains (c->org_parent, code))
    return;

  g_hash_table_insert (c->org_parent, g_strdup (code), g_strdup (parent ? parent : ""));

  g_ptr_array_add (c->pending_details, g_strdup (code));
  if (c->pending_details->len >= YQ_ZWDD_BATCH_SIZE)
    crawl_send_batch (task, JOB_DETAILS, c->pending_details);

  children = g_new0 (Listing, 1);
  children->kind = JOB_CHILDREN;
  children->org = g_strdup (code);
  children->planned_last = 1;
  g_ptr_array_add (c->listings, children);
  crawl_send_page (task, children, 1);

  employees = g_new0 (Listing, 1);
  employees->kind = JOB_EMPLOYEES;
  employees->org = g_strdup (code);
  employees->planned_last = 1;
  g_ptr_array_add (c->listings, employees);
  crawl_send_page (task, employees, 1);
}

static void
crawl_after_page (GTask    *task,
                  Listing  *listing,
                  gint64    page,
                  guint     n_items,
                  JsonNode *content)
{
  gint64 total = 0;
  gboolean has_total = yq_zwdd_content_get_total (content, &total);

  if (yq_zwdd_page_is_last (page, YQ_ZWDD_PAGE_SIZE, n_items, has_total, total))
    return;

  if (page == 1 && has_total)
    {
      /* The total is known: ask for the remaining pages at once. */
      gint64 last = yq_zwdd_page_count (YQ_ZWDD_PAGE_SIZE, total);

      for (gint64 p = 2; p <= last; p++)
        crawl_send_page (task, listing, p);
      listing->planned_last = MAX (last, 1);
      if (last >= 2)
        return;
    }

  if (page == listing->planned_last)
    {
      listing->planned_last++;
      crawl_send_page (task, listing, listing->planned_last);
    }
}

static void
crawl_add_person (GTask       *task,
                  YqOrgPerson *person,
                  JsonObject  *employee,
                  const char  *listing_org)
{
  Crawl *c = g_task_get_task_data (task);
  PersonState *state = g_hash_table_lookup (c->people, person->id);

  if (state == NULL)
    {
      state = g_new0 (PersonState, 1);
      state->person = person;
      state->first_org = g_strdup (listing_org);
      g_hash_table_insert (c->people, g_strdup (person->id), state);
      yq_org_snapshot_add_person (c->snapshot, person);

      g_ptr_array_add (c->pending_accounts, g_strdup (person->id));
      if (c->pending_accounts->len >= YQ_ZWDD_BATCH_SIZE)
        crawl_send_batch (task, JOB_ACCOUNTS, c->pending_accounts);
    }
  else
    yq_org_person_free (person);

  if (employee != NULL)
    yq_zwdd_person_merge_positions (state->person, &state->main_known, employee, listing_org);
}

static void
crawl_handle (GTask    *task,
              Job      *job,
              JsonNode *content)
{
  Crawl *c = g_task_get_task_data (task);
  JsonArray *items = NULL;
  guint n;

  if (job->kind == JOB_SCOPES)
    {
      JsonObject *obj = json_node_get_object (content);
      JsonArray *depts = yq_json_get_array (obj, "deptVisibleScopes");
      JsonArray *users = yq_json_get_array (obj, "userVisibleScopes");

      for (guint i = 0; users && i < json_array_get_length (users); i++)
        {
          char *code = yq_json_node_dup_string_lenient (json_array_get_element (users, i));

          if (code)
            g_ptr_array_add (c->scope_users, code);
        }
      for (guint i = 0; depts && i < json_array_get_length (depts); i++)
        {
          JsonNode *node = json_array_get_element (depts, i);
          g_autofree char *code = yq_json_node_dup_string_lenient (node);

          if (code)
            {
              g_ptr_array_add (c->scope_roots, g_strdup (code));
              crawl_discover (task, code, NULL);
            }
        }
      return;
    }

  items = data_array (content);
  n = items ? json_array_get_length (items) : 0;

  switch (job->kind)
    {
    case JOB_CHILDREN:
      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (items, i);
          g_autofree char *code = NULL;

          if (JSON_NODE_HOLDS_OBJECT (node))
            code = yq_json_dup_string_lenient (json_node_get_object (node), "organizationCode");
          else
            code = yq_json_node_dup_string_lenient (node);
          crawl_discover (task, code, job->listing->org);
        }
      crawl_after_page (task, job->listing, job->page, n, content);
      break;

    case JOB_EMPLOYEES:
      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (items, i);
          YqOrgPerson *person;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          person = yq_zwdd_person_from_employee (json_node_get_object (node));
          if (person)
            crawl_add_person (task, person, json_node_get_object (node), job->listing->org);
        }
      crawl_after_page (task, job->listing, job->page, n, content);
      break;

    case JOB_EXTRA_EMPLOYEES:
      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (items, i);
          YqOrgPerson *person;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          person = yq_zwdd_person_from_employee (json_node_get_object (node));
          if (person)
            crawl_add_person (task, person, NULL, NULL);
        }
      break;

    case JOB_DETAILS:
      {
        g_autoptr(GHashTable) returned = g_hash_table_new (g_str_hash, g_str_equal);

        for (guint i = 0; i < n; i++)
          {
            JsonNode *node = json_array_get_element (items, i);
            JsonObject *org;
            YqOrgDepartment *dept;
            const char *parent;
            char *parent_code;

            if (!JSON_NODE_HOLDS_OBJECT (node))
              continue;
            org = json_node_get_object (node);
            dept = yq_zwdd_department_from_json (org, NULL);
            if (dept == NULL || !g_hash_table_contains (c->org_parent, dept->id))
              {
                g_clear_pointer (&dept, yq_org_department_free);
                continue;
              }
            parent = g_hash_table_lookup (c->org_parent, dept->id);
            dept->parent_id = (parent && *parent) ? g_strdup (parent) : NULL;
            parent_code = yq_json_dup_string_lenient (org, "parentCode");
            if (parent_code)
              g_hash_table_replace (c->org_parent_code, g_strdup (dept->id), parent_code);
            for (guint k = 0; k < job->codes->len; k++)
              if (g_str_equal (g_ptr_array_index (job->codes, k), dept->id))
                g_hash_table_add (returned, g_ptr_array_index (job->codes, k));
            yq_org_snapshot_add_department (c->snapshot, dept);
          }

        /* Keep the tree connected even if the platform left one out. */
        for (guint k = 0; k < job->codes->len; k++)
          {
            const char *code = g_ptr_array_index (job->codes, k);
            const char *parent;

            if (g_hash_table_contains (returned, code))
              continue;
            parent = g_hash_table_lookup (c->org_parent, code);
            g_debug ("listOrganizationsByCodes returned no details for %s", code);
            yq_org_snapshot_add_department (c->snapshot,
                                            yq_org_department_new (code,
                                                                   (parent && *parent) ? parent
                                                                                       : NULL,
                                                                   ""));
          }
      }
      break;

    case JOB_ACCOUNTS:
      for (guint i = 0; i < n; i++)
        {
          JsonNode *node = json_array_get_element (items, i);
          g_autofree char *code = NULL;
          PersonState *state;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          code = yq_json_dup_string_lenient (json_node_get_object (node), "employeeCode");
          state = code ? g_hash_table_lookup (c->people, code) : NULL;
          if (state)
            yq_zwdd_person_apply_account (state->person, json_node_get_object (node));
        }
      break;

    case JOB_SCOPES:
    default:
      g_assert_not_reached ();
    }
}

static void
crawl_finish (GTask *task)
{
  Crawl *c = g_task_get_task_data (task);
  guint n = yq_org_snapshot_get_n_departments (c->snapshot);

  c->done = TRUE;

  /* A scope root that lies inside another root's tree gets its real parent. */
  for (guint i = 0; i < n; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (c->snapshot, i);
      const char *parent_code = g_hash_table_lookup (c->org_parent_code, dept->id);

      if (dept->parent_id == NULL && parent_code != NULL &&
          !g_str_equal (parent_code, dept->id) &&
          yq_org_snapshot_lookup_department (c->snapshot, parent_code) != NULL)
        dept->parent_id = g_strdup (parent_code);
    }

  for (guint i = 0; i < c->scope_roots->len; i++)
    {
      const char *code = g_ptr_array_index (c->scope_roots, i);
      YqOrgDepartment *dept = yq_org_snapshot_lookup_department (c->snapshot, code);

      if (dept != NULL && dept->parent_id == NULL)
        {
          yq_org_snapshot_set_root_id (c->snapshot, dept->id);
          break;
        }
    }

  /* Positions in organizations outside the snapshot (invalid ones, or
   * outside the scope) cannot be linked; keep only known departments. */
  {
    GHashTableIter iter;
    PersonState *state;

    g_hash_table_iter_init (&iter, c->people);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
      {
        YqOrgPerson *person = state->person;
        GStrvBuilder *builder = g_strv_builder_new ();
        char **kept;

        for (guint k = 0; person->department_ids && person->department_ids[k]; k++)
          if (yq_org_snapshot_lookup_department (c->snapshot, person->department_ids[k]))
            g_strv_builder_add (builder, person->department_ids[k]);
        kept = g_strv_builder_end (builder);
        g_strv_builder_unref (builder);

        if (kept[0] == NULL && state->first_org != NULL)
          {
            g_strfreev (kept);
            kept = g_new0 (char *, 2);
            kept[0] = g_strdup (state->first_org);
          }
        g_strfreev (person->department_ids);
        person->department_ids = kept;
      }
  }

  yq_fetch_run_update (&c->run, c->snapshot);
  g_debug ("directory fetched: %u departments, %u people, %u calls, %u pages",
           c->run.stats.departments, c->run.stats.people, c->run.stats.api_calls,
           c->run.stats.pages);

  g_task_return_pointer (task, g_object_ref (c->snapshot), g_object_unref);
}

static void
crawl_advance (GTask *task)
{
  Crawl *c = g_task_get_task_data (task);

  if (c->done)
    return;

  if (c->outstanding_tree == 0)
    while (c->pending_details->len > 0)
      crawl_send_batch (task, JOB_DETAILS, c->pending_details);

  if (c->outstanding_tree == 0 && c->outstanding_people == 0 && !c->extras_checked)
    {
      g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);

      c->extras_checked = TRUE;
      for (guint i = 0; i < c->scope_users->len; i++)
        {
          const char *code = g_ptr_array_index (c->scope_users, i);

          if (!g_hash_table_contains (c->people, code))
            g_ptr_array_add (extra, g_strdup (code));
        }
      while (extra->len > 0)
        crawl_send_batch (task, JOB_EXTRA_EMPLOYEES, extra);
    }

  if (c->outstanding_tree == 0 && c->outstanding_people == 0)
    while (c->pending_accounts->len > 0)
      crawl_send_batch (task, JOB_ACCOUNTS, c->pending_accounts);

  if (c->outstanding_tree == 0 && c->outstanding_people == 0 && c->outstanding_batches == 0)
    {
      if (yq_org_snapshot_get_n_departments (c->snapshot) == 0 &&
          yq_org_snapshot_get_n_people (c->snapshot) == 0)
        {
          c->done = TRUE;
          g_task_return_error (task,
                               yq_platform_error_new (YQ_PLATFORM_ERROR_NO_PERMISSION,
                                                      "/auth/scopesV2",
                                                      _("the app's directory scope is empty")));
          return;
        }
      crawl_finish (task);
    }
}

static void
crawl_job_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Job *job = user_data;
  GTask *task = job->task;
  Crawl *c = g_task_get_task_data (task);
  g_autoptr(JsonNode) content = NULL;
  GError *error = NULL;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);

  switch (job->kind)
    {
    case JOB_SCOPES:
    case JOB_CHILDREN:
      c->outstanding_tree--;
      break;
    case JOB_EMPLOYEES:
    case JOB_EXTRA_EMPLOYEES:
      c->outstanding_people--;
      break;
    case JOB_DETAILS:
    case JOB_ACCOUNTS:
    default:
      c->outstanding_batches--;
      break;
    }

  if (c->done)
    {
      g_clear_error (&error);
      job_free (job);
      return;
    }

  if (content == NULL)
    {
      c->done = TRUE;
      yq_fetch_run_abort (&c->run);
      g_task_return_error (task, error);
      job_free (job);
      return;
    }

  c->run.stats.pages++;
  crawl_handle (task, job, content);
  yq_fetch_run_report (&c->run, c->snapshot);
  crawl_advance (task);
  job_free (job);
}

static void
yq_zwdd_client_fetch_directory_async (YqPlatform          *platform,
                                      YqFetchProgressFunc  progress,
                                      gpointer             progress_data,
                                      GDestroyNotify       progress_destroy,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  YqZwddClient *self = YQ_ZWDD_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  Crawl *c;
  Job *job;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_zwdd_client_fetch_directory_async);

  c = g_new0 (Crawl, 1);
  c->client = g_object_ref (self);
  yq_fetch_run_init (&c->run, cancellable, progress, progress_data, progress_destroy);
  c->snapshot = yq_org_snapshot_new (NULL);
  c->org_parent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->org_parent_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->scope_roots = g_ptr_array_new_with_free_func (g_free);
  c->scope_users = g_ptr_array_new_with_free_func (g_free);
  c->pending_details = g_ptr_array_new_with_free_func (g_free);
  c->pending_accounts = g_ptr_array_new_with_free_func (g_free);
  c->people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) person_state_free);
  c->listings = g_ptr_array_new_with_free_func ((GDestroyNotify) listing_free);
  g_task_set_task_data (task, c, (GDestroyNotify) crawl_free);

  request = zwdd_request_new (self, "POST", "/auth/scopesV2", tenant_params (self),
                              YQ_ZWDD_ENVELOPE_CONTENT, FALSE);
  job = g_new0 (Job, 1);
  job->kind = JOB_SCOPES;
  crawl_send (task, request, job);
}

static YqOrgSnapshot *
yq_zwdd_client_fetch_directory_finish (YqPlatform    *platform,
                                       GAsyncResult  *result,
                                       YqFetchStats  *stats,
                                       GError       **error)
{
  Crawl *c;

  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  c = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    {
      yq_fetch_run_update (&c->run, c->snapshot);
      *stats = c->run.stats;
    }

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Test connection                                                           */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char      *root_code;
  char      *root_name;
  guint      n_roots;
  gint64     n_children;
} TestData;

static void
test_data_free (TestData *data)
{
  g_free (data->root_code);
  g_free (data->root_name);
  g_free (data);
}

static void
test_children_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TestData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) content = NULL;
  GError *error = NULL;
  JsonArray *items;
  gint64 total = 0;
  char *summary;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  items = data_array (content);
  if (!yq_zwdd_content_get_total (content, &total))
    total = items ? json_array_get_length (items) : 0;
  data->n_children = total;

  if (data->n_roots > 1)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Connected. The app sees %u top organizations; "
                                            "“%s” has %lld department.",
                                            "Connected. The app sees %u top organizations; "
                                            "“%s” has %lld departments.",
                                            (gulong) total),
                               data->n_roots, data->root_name, (long long) total);
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Connected. Root department “%s” with %lld "
                                            "top-level department.",
                                            "Connected. Root department “%s” with %lld "
                                            "top-level departments.",
                                            (gulong) total),
                               data->root_name, (long long) total);

  g_task_return_pointer (task, summary, g_free);
}

static void
test_details_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqZwddClient *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) content = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  YqZwddParams *params;
  GError *error = NULL;
  JsonArray *items;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  items = data_array (content);
  for (guint i = 0; items && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      g_autofree char *code = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      code = yq_json_dup_string_lenient (json_node_get_object (node), "organizationCode");
      if (g_strcmp0 (code, data->root_code) == 0)
        data->root_name = yq_json_dup_string_lenient (json_node_get_object (node),
                                                      "organizationName");
    }
  if (data->root_name == NULL)
    {
      g_task_return_error (task, unexpected ("/mozi/organization/listOrganizationsByCodes",
                                             _("the root organization has no details")));
      return;
    }

  params = tenant_params (self);
  yq_zwdd_params_add (params, "organizationCode", data->root_code);
  yq_zwdd_params_add (params, "status", "A");
  yq_zwdd_params_add_int (params, "pageNo", 1);
  yq_zwdd_params_add_int (params, "pageSize", YQ_ZWDD_PAGE_SIZE);
  yq_zwdd_params_add (params, "returnTotalSize", "true");
  request = zwdd_request_new (self, "POST", "/mozi/organization/pageSubOrganizationCodes", params,
                              YQ_ZWDD_ENVELOPE_A, FALSE);
  yq_http_send_async (self->http, request, g_task_get_cancellable (task), test_children_cb,
                      g_object_ref (task));
}

static void
test_scopes_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqZwddClient *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) content = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  YqZwddParams *params;
  GError *error = NULL;
  JsonArray *depts;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  depts = yq_json_get_array (json_node_get_object (content), "deptVisibleScopes");
  data->n_roots = depts ? json_array_get_length (depts) : 0;
  if (data->n_roots == 0)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_NO_PERMISSION,
                                                        "/auth/scopesV2",
                                                        _("the app's directory scope is empty")));
      return;
    }
  data->root_code = yq_json_node_dup_string_lenient (json_array_get_element (depts, 0));
  if (data->root_code == NULL)
    {
      g_task_return_error (task, unexpected ("/auth/scopesV2",
                                             _("the scope lists no organization code")));
      return;
    }

  params = tenant_params (self);
  yq_zwdd_params_add (params, "organizationCodes", data->root_code);
  request = zwdd_request_new (self, "POST", "/mozi/organization/listOrganizationsByCodes",
                              params, YQ_ZWDD_ENVELOPE_A, FALSE);
  yq_http_send_async (self->http, request, g_task_get_cancellable (task), test_details_cb,
                      g_object_ref (task));
}

static void
test_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqZwddClient *self = g_task_get_source_object (task);
  g_autoptr(YqHttpRequest) request = NULL;
  g_autofree char *token = NULL;
  GError *error = NULL;

  token = yq_token_source_get_finish (YQ_TOKEN_SOURCE (object), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  request = zwdd_request_new (self, "POST", "/auth/scopesV2", tenant_params (self),
                              YQ_ZWDD_ENVELOPE_CONTENT, FALSE);
  yq_http_send_async (self->http, request, g_task_get_cancellable (task), test_scopes_cb,
                      g_object_ref (task));
}

static void
yq_zwdd_client_test_connection_async (YqPlatform          *platform,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  YqZwddClient *self = YQ_ZWDD_CLIENT (platform);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_zwdd_client_test_connection_async);
  g_task_set_task_data (task, g_new0 (TestData, 1), (GDestroyNotify) test_data_free);

  /* A test must prove the credentials, not reuse a cached token. */
  yq_token_source_invalidate (self->app_token, NULL);
  yq_token_source_get_async (self->app_token, self->http, cancellable, test_token_cb,
                             g_steal_pointer (&task));
}

static char *
yq_zwdd_client_test_connection_finish (YqPlatform    *platform,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Login codes                                                               */
/* ------------------------------------------------------------------------ */

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) content = NULL;
  const char *call = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *data;
  YqOrgPerson *person = NULL;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = yq_zwdd_content_get_data (content);
  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    person = yq_zwdd_person_from_login (json_node_get_object (data));
  if (person == NULL)
    {
      g_task_return_error (task, unexpected (call, _("the answer names no account")));
      return;
    }

  g_task_return_pointer (task, person, (GDestroyNotify) yq_org_person_free);
}

static void
yq_zwdd_client_resolve_login_code_async (YqPlatform          *platform,
                                         YqLoginCodeKind      kind,
                                         const char          *code,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  YqZwddClient *self = YQ_ZWDD_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  YqZwddParams *params = yq_zwdd_params_new ();
  const char *path;
  gboolean qr = kind == YQ_LOGIN_CODE_QR;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_zwdd_client_resolve_login_code_async);

  if (qr)
    {
      path = "/rpc/oauth2/getuserinfo_bycode.json";
      yq_zwdd_params_add (params, "code", code);
    }
  else
    {
      path = "/rpc/oauth2/dingtalk_app_user.json";
      yq_zwdd_params_add (params, "auth_code", code);
    }
  g_task_set_task_data (task, (gpointer) path, NULL);

  if (yq_zwdd_params_get_length (params) == 0)
    {
      yq_zwdd_params_free (params);
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT, path,
                                                        _("the login code is empty")));
      return;
    }

  request = zwdd_request_new (self, "POST", path, params, YQ_ZWDD_ENVELOPE_A, qr);
  yq_http_request_set_token_source (request, (qr && self->qr_token) ? self->qr_token
                                                                     : self->app_token);
  yq_http_send_async (self->http, request, cancellable, login_cb, g_steal_pointer (&task));
}

static YqOrgPerson *
yq_zwdd_client_resolve_login_code_finish (YqPlatform    *platform,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Work notifications (§6.1)                                                 */
/* ------------------------------------------------------------------------ */

static char *
truncate_utf8 (const char *text,
               gsize       max_bytes)
{
  const char *end;

  if (strlen (text) <= max_bytes)
    return g_strdup (text);

  end = text + max_bytes;
  while (end > text && ((guchar) *end & 0xC0) == 0x80)
    end--;

  return g_strdup_printf ("%.*s…", (int) (end - text), text);
}

static char *
build_msg_json (const YqMessageRequest *request,
                const char             *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  if (request->markdown != NULL && request->url != NULL)
    {
      json_builder_set_member_name (b, "msgtype");
      json_builder_add_string_value (b, "action_card");
      json_builder_set_member_name (b, "action_card");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, request->title ? request->title : "");
      json_builder_set_member_name (b, "markdown");
      json_builder_add_string_value (b, text);
      json_builder_set_member_name (b, "single_title");
      json_builder_add_string_value (b, _("View details"));
      json_builder_set_member_name (b, "single_url");
      json_builder_add_string_value (b, request->url);
      json_builder_set_member_name (b, "single_pc_url");
      json_builder_add_string_value (b, request->url);
      json_builder_end_object (b);
    }
  else if (request->markdown != NULL)
    {
      json_builder_set_member_name (b, "msgtype");
      json_builder_add_string_value (b, "markdown");
      json_builder_set_member_name (b, "markdown");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, request->title ? request->title : "");
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_end_object (b);
    }
  else if (request->title != NULL && request->url != NULL)
    {
      json_builder_set_member_name (b, "msgtype");
      json_builder_add_string_value (b, "link");
      json_builder_set_member_name (b, "link");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "messageUrl");
      json_builder_add_string_value (b, request->url);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, request->title);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, text);
      json_builder_end_object (b);
    }
  else
    {
      json_builder_set_member_name (b, "msgtype");
      json_builder_add_string_value (b, "text");
      json_builder_set_member_name (b, "text");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, text);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return yq_json_to_string (root);
}

/* The msg parameter may hold at most 2048 bytes: shorten the text until
 * the JSON fits. */
static char *
build_msg_json_fitting (const YqMessageRequest *request,
                        GError                **error)
{
  g_autofree char *text = NULL;
  const char *source;

  if (request->markdown != NULL)
    source = request->markdown;
  else if (request->content != NULL)
    source = request->content;
  else
    source = "";

  if (request->markdown == NULL && request->title == NULL && request->url != NULL)
    text = g_strconcat (source, *source ? "\n" : "", request->url, NULL);
  else
    text = g_strdup (source);

  for (int tries = 0; tries < 16; tries++)
    {
      g_autofree char *json = build_msg_json (request, text);
      gsize len = strlen (json);
      gsize text_len = strlen (text);
      gsize over;
      char *shorter;

      if (len <= MAX_MSG_BYTES)
        return g_steal_pointer (&json);

      over = len - MAX_MSG_BYTES + strlen ("…");
      if (over >= text_len)
        break;
      shorter = truncate_utf8 (text, text_len - over);
      g_free (text);
      text = shorter;
    }

  g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
               _("The work notification is too large: its title and link alone exceed the "
                 "platform's 2048-byte limit."));
  return NULL;
}

typedef struct
{
  GPtrArray *recipients;
  char      *biz_msg_id;
} Batch;

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->recipients);
  g_free (batch->biz_msg_id);
  g_free (batch);
}

typedef struct
{
  char            *msg_json;
  GQueue           batches;
  Batch           *current;
  YqMessageResult *result;
  YqCallTally      tally;
} NotifyState;

static void
notify_state_free (NotifyState *state)
{
  g_free (state->msg_json);
  g_queue_clear_full (&state->batches, (GDestroyNotify) batch_free);
  g_clear_pointer (&state->current, batch_free);
  g_clear_pointer (&state->result, yq_message_result_free);
  yq_call_tally_clear (&state->tally);
  g_free (state);
}

static void notify_next (GTask *task);

static void
notify_fail_batch (NotifyState  *state,
                   Batch        *batch,
                   const GError *error)
{
  for (guint i = 0; i < batch->recipients->len; i++)
    g_ptr_array_add (state->result->failures,
                     yq_recipient_failure_new (g_ptr_array_index (batch->recipients, i),
                                               yq_platform_error_code_of (error),
                                               error->message));
  yq_call_tally_note_error (&state->tally, error);
}

static gint64
beijing_day (void)
{
  return (g_get_real_time () / G_USEC_PER_SEC + 8 * 3600) / 86400;
}

static void
notify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NotifyState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) content = NULL;
  g_autoptr(GError) error = NULL;
  Batch *batch = g_steal_pointer (&state->current);

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  state->result->n_calls++;

  if (content == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          batch_free (batch);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      if (yq_zwdd_is_recipient_limit_error (error) && batch->recipients->len > 1)
        {
          /* Older tenants allow fewer recipients per call: split and retry. */
          guint half = batch->recipients->len / 2;
          Batch *a = g_new0 (Batch, 1);
          Batch *b = g_new0 (Batch, 1);

          a->recipients = g_ptr_array_new_with_free_func (g_free);
          b->recipients = g_ptr_array_new_with_free_func (g_free);
          for (guint i = 0; i < batch->recipients->len; i++)
            g_ptr_array_add (i < half ? a->recipients : b->recipients,
                             g_strdup (g_ptr_array_index (batch->recipients, i)));
          a->biz_msg_id = yq_zwdd_derive_id (batch->biz_msg_id, "a");
          b->biz_msg_id = yq_zwdd_derive_id (batch->biz_msg_id, "b");
          g_queue_push_head (&state->batches, b);
          g_queue_push_head (&state->batches, a);
          g_debug ("work notification refused %u recipients; splitting", batch->recipients->len);
        }
      else
        notify_fail_batch (state, batch, error);
    }
  else
    {
      g_autofree char *msg_id = NULL;

      if (JSON_NODE_HOLDS_OBJECT (content))
        {
          JsonObject *obj = json_node_get_object (content);
          JsonObject *data = yq_json_get_object (obj, "data");

          if (json_object_has_member (obj, YQ_ZWDD_DUPLICATE_MEMBER))
            g_debug ("work notification %s was already delivered", batch->biz_msg_id);
          msg_id = yq_json_dup_string_lenient (obj, "msgId");
          if (msg_id == NULL)
            msg_id = yq_json_dup_string_lenient (data, "msgId");
          if (msg_id == NULL)
            msg_id = yq_json_dup_string_lenient (obj, "data");
        }
      else
        msg_id = yq_json_node_dup_string_lenient (content);

      state->tally.n_ok++;
      g_ptr_array_add (state->result->message_ids, g_strdup (msg_id ? msg_id : ""));
      if (state->result->message_id == NULL && msg_id != NULL)
        state->result->message_id = g_strdup (msg_id);
    }

  batch_free (batch);
  notify_next (task);
}

static void
notify_next (GTask *task)
{
  YqZwddClient *self = g_task_get_source_object (task);
  NotifyState *state = g_task_get_task_data (task);
  g_autoptr(YqHttpRequest) request = NULL;
  g_autofree char **ids = NULL;
  g_autofree char *receivers = NULL;
  YqZwddParams *params;
  Batch *batch;
  gint64 today = beijing_day ();

  batch = g_queue_pop_head (&state->batches);
  if (batch == NULL)
    {
      yq_call_tally_return (&state->tally, task, g_steal_pointer (&state->result),
                            (GDestroyNotify) yq_message_result_free);
      return;
    }

  if (self->sent_day != today)
    {
      self->sent_day = today;
      self->sent_today = 0;
    }
  if (self->daily_cap > 0 && self->sent_today + batch->recipients->len > self->daily_cap)
    {
      g_autoptr(GError) error = yq_platform_error_new (YQ_PLATFORM_ERROR_RATE_LIMITED,
                                                       "/message/workNotification",
                                                       _("the app's daily notification limit is "
                                                         "reached"));
      notify_fail_batch (state, batch, error);
      batch_free (batch);
      notify_next (task);
      return;
    }
  self->sent_today += batch->recipients->len;

  ids = g_new0 (char *, batch->recipients->len + 1);
  for (guint i = 0; i < batch->recipients->len; i++)
    ids[i] = g_ptr_array_index (batch->recipients, i);
  receivers = g_strjoinv (",", ids);

  params = tenant_params (self);
  yq_zwdd_params_add (params, "receiverIds", receivers);
  yq_zwdd_params_add (params, "bizMsgId", batch->biz_msg_id);
  yq_zwdd_params_add (params, "msg", state->msg_json);

  request = zwdd_request_new (self, "POST", "/message/workNotification", params,
                              YQ_ZWDD_ENVELOPE_MESSAGE, FALSE);
  yq_http_request_set_lane (request, self->message_lane);
  state->current = batch;
  yq_http_send_async (self->http, request, g_task_get_cancellable (task), notify_cb,
                      g_object_ref (task));
}

static void
yq_zwdd_client_send_notification_async (YqPlatform             *platform,
                                        const YqMessageRequest *request,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  YqZwddClient *self = YQ_ZWDD_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  NotifyState *state;
  GError *error = NULL;
  guint n_batches;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_zwdd_client_send_notification_async);

  recipients = yq_platform_unique_recipients ((const char * const *) request->recipients);

  if (request->idempotency_key == NULL || *request->idempotency_key == '\0' ||
      recipients->len == 0)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                        "/message/workNotification",
                                                        _("a notification needs an idempotency "
                                                          "key and at least one recipient")));
      return;
    }

  state = g_new0 (NotifyState, 1);
  g_queue_init (&state->batches);
  state->result = yq_message_result_new ();
  g_task_set_task_data (task, state, (GDestroyNotify) notify_state_free);

  state->msg_json = build_msg_json_fitting (request, &error);
  if (state->msg_json == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  n_batches = (recipients->len + MAX_RECIPIENTS_PER_CALL - 1) / MAX_RECIPIENTS_PER_CALL;
  for (guint b = 0; b < n_batches; b++)
    {
      Batch *batch = g_new0 (Batch, 1);
      g_autofree char *suffix = n_batches > 1 ? g_strdup_printf ("%u", b + 1) : NULL;

      batch->recipients = g_ptr_array_new_with_free_func (g_free);
      for (guint i = b * MAX_RECIPIENTS_PER_CALL;
           i < recipients->len && i < (b + 1) * MAX_RECIPIENTS_PER_CALL; i++)
        g_ptr_array_add (batch->recipients, g_strdup (g_ptr_array_index (recipients, i)));
      batch->biz_msg_id = yq_zwdd_derive_id (request->idempotency_key, suffix);
      g_queue_push_tail (&state->batches, batch);
    }

  notify_next (task);
}

static YqMessageResult *
yq_zwdd_client_send_notification_finish (YqPlatform    *platform,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Todos (§6.3, §6.4)                                                        */
/* ------------------------------------------------------------------------ */

typedef struct
{
  YqTodoRequest *request;
  YqTodoResult  *result;
  YqCallTally    tally;
} TodoState;

static void
todo_state_free (TodoState *state)
{
  g_clear_pointer (&state->request, yq_todo_request_free);
  g_clear_pointer (&state->result, yq_todo_result_free);
  yq_call_tally_clear (&state->tally);
  g_free (state);
}

typedef struct
{
  GTask      *task;
  YqTodoItem *item;
  char       *biz_task_id;
} TodoJob;

static void
todo_job_free (TodoJob *job)
{
  g_clear_object (&job->task);
  g_free (job->biz_task_id);
  g_free (job);
}

static void
todo_item_done (TodoJob      *job,
                const char   *task_uuid,
                const GError *error)
{
  TodoState *state = g_task_get_task_data (job->task);
  GTask *task = g_object_ref (job->task);

  if (error != NULL)
    {
      g_free (job->item->error_code);
      g_free (job->item->error_message);
      job->item->error_code = g_strdup (yq_platform_error_code_of (error));
      job->item->error_message = g_strdup (error->message);
      yq_call_tally_note_error (&state->tally, error);
    }
  else
    {
      g_free (job->item->task_id);
      job->item->task_id = g_strdup (task_uuid);
      state->tally.n_ok++;
    }

  todo_job_free (job);

  if (--state->tally.pending == 0)
    yq_call_tally_return (&state->tally, task, g_steal_pointer (&state->result),
                          (GDestroyNotify) yq_todo_result_free);
  g_object_unref (task);
}

/* Looks for an object with bizTaskId == @id anywhere in @node. */
static char *
find_task_uuid (JsonNode   *node,
                const char *id,
                guint       depth)
{
  if (node == NULL || depth > 6)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *obj = json_node_get_object (node);
      g_autofree char *biz = yq_json_dup_string_lenient (obj, "bizTaskId");
      g_autoptr(GList) members = NULL;

      if (g_strcmp0 (biz, id) == 0)
        {
          char *uuid = yq_json_dup_string_lenient (obj, "taskUuid");

          if (uuid)
            return uuid;
        }
      members = json_object_get_values (obj);
      for (GList *l = members; l; l = l->next)
        {
          char *found = find_task_uuid (l->data, id, depth + 1);

          if (found)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          char *found = find_task_uuid (json_array_get_element (array, i), id, depth + 1);

          if (found)
            return found;
        }
    }

  return NULL;
}

static void
todo_lookup_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TodoJob *job = user_data;
  g_autoptr(JsonNode) content = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      todo_item_done (job, NULL, error);
      return;
    }

  uuid = find_task_uuid (yq_zwdd_content_get_data (content), job->biz_task_id, 0);
  if (uuid == NULL)
    {
      g_autoptr(GError) e = yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS,
                                                   "/tc/v2/openapi/task/create.json",
                                                   _("no task was created, and none exists for "
                                                     "this work item; check the parameters"));
      todo_item_done (job, NULL, e);
      return;
    }

  todo_item_done (job, uuid, NULL);
}

static void
todo_create_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TodoJob *job = user_data;
  YqZwddClient *self = g_task_get_source_object (job->task);
  TodoState *state = g_task_get_task_data (job->task);
  g_autoptr(JsonNode) content = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  g_autofree char *uuid = NULL;
  YqZwddParams *params;
  JsonNode *data;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      todo_item_done (job, NULL, error);
      return;
    }

  data = yq_zwdd_content_get_data (content);
  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    uuid = yq_json_dup_string_lenient (json_node_get_object (data), "taskUuid");
  if (uuid != NULL)
    {
      todo_item_done (job, uuid, NULL);
      return;
    }

  if (!yq_zwdd_data_is_empty (data))
    {
      g_autoptr(GError) e = unexpected ("/tc/v2/openapi/task/create.json",
                                        _("the answer has no taskUuid"));
      todo_item_done (job, NULL, e);
      return;
    }

  /* Empty data: the bizTaskId exists already (an earlier attempt got
   * through). Find that task, because finishing it needs its taskUuid. */
  g_debug ("task %s exists already; looking it up", job->biz_task_id);
  params = tenant_params (self);
  yq_zwdd_params_add (params, "userId", job->item->recipient);
  yq_zwdd_params_add (params, "appKey", self->app_key);
  yq_zwdd_params_add (params, "keyword", state->request->title);
  yq_zwdd_params_add_int (params, "pageNo", 1);
  yq_zwdd_params_add_int (params, "pageSize", YQ_ZWDD_PAGE_SIZE);
  request = zwdd_request_new (self, "POST", "/tc/openapi/3rd/task/getTodoList", params,
                              YQ_ZWDD_ENVELOPE_A, FALSE);
  yq_http_send_async (self->http, request, g_task_get_cancellable (job->task), todo_lookup_cb, job);
}

static char *
url_with_query (const char *url)
{
  /* The platform appends "&ddtab=true", so the URL must have a query. */
  if (url == NULL || strchr (url, '?') != NULL)
    return g_strdup (url);
  return g_strconcat (url, "?", NULL);
}

static void
yq_zwdd_client_create_todo_async (YqPlatform          *platform,
                                  const YqTodoRequest *request,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  YqZwddClient *self = YQ_ZWDD_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) assignees = NULL;
  g_autofree char *url = NULL;
  g_autofree char *mobile_url = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *due = NULL;
  TodoState *state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_zwdd_client_create_todo_async);

  assignees = yq_platform_unique_recipients ((const char * const *) request->recipients);
  if (request->idempotency_key == NULL || *request->idempotency_key == '\0' ||
      request->title == NULL || *request->title == '\0' ||
      request->url == NULL || *request->url == '\0' ||
      request->creator == NULL || *request->creator == '\0' ||
      assignees->len == 0)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                                                        "/tc/v2/openapi/task/create.json",
                                                        _("a todo needs an idempotency key, a "
                                                          "title, a URL, a creator and at least "
                                                          "one assignee")));
      return;
    }

  state = g_new0 (TodoState, 1);
  state->request = yq_todo_request_copy (request);
  state->result = yq_todo_result_new ();
  g_task_set_task_data (task, state, (GDestroyNotify) todo_state_free);

  url = url_with_query (request->url);
  mobile_url = url_with_query (request->mobile_url ? request->mobile_url : request->url);
  subject = g_utf8_substring (request->title, 0, MIN (g_utf8_strlen (request->title, -1),
                                                      MAX_SUBJECT_CHARS));
  if (request->due_time > 0)
    due = yq_zwdd_format_due_time (request->due_time);

  /* One extra hold so that no job completes the task while jobs are still
   * being started. */
  state->tally.pending = assignees->len + 1;

  for (guint i = 0; i < assignees->len; i++)
    {
      const char *assignee = g_ptr_array_index (assignees, i);
      g_autoptr(YqHttpRequest) http_request = NULL;
      YqZwddParams *params;
      TodoJob *job;

      job = g_new0 (TodoJob, 1);
      job->task = g_object_ref (task);
      job->item = yq_todo_item_new (assignee, NULL);
      job->biz_task_id = yq_zwdd_derive_id (request->idempotency_key, assignee);
      g_ptr_array_add (state->result->items, job->item);

      params = tenant_params (self);
      yq_zwdd_params_add (params, "subject", subject);
      yq_zwdd_params_add (params, "creatorId", request->creator);
      yq_zwdd_params_add (params, "assigneeId", assignee);
      yq_zwdd_params_add (params, "bizTaskId", job->biz_task_id);
      yq_zwdd_params_add (params, "url", url);
      yq_zwdd_params_add (params, "mobileUrl", mobile_url);
      yq_zwdd_params_add (params, "remarks", request->content);
      yq_zwdd_params_add (params, "dueTime", due);

      http_request = zwdd_request_new (self, "POST", "/tc/v2/openapi/task/create.json", params,
                                       YQ_ZWDD_ENVELOPE_A, FALSE);
      yq_http_send_async (self->http, http_request, cancellable, todo_create_cb, job);
    }

  if (--state->tally.pending == 0)
    yq_call_tally_return (&state->tally, task, g_steal_pointer (&state->result),
                          (GDestroyNotify) yq_todo_result_free);
}

static YqTodoResult *
yq_zwdd_client_create_todo_finish (YqPlatform    *platform,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
todo_close_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqTodoResult *todo = g_task_get_task_data (task);
  g_autoptr(JsonNode) content = NULL;
  GError *error = NULL;
  JsonNode *data;
  gboolean ok = FALSE;

  content = yq_http_send_finish (YQ_HTTP (object), result, &error);
  if (content == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = yq_zwdd_content_get_data (content);
  if (!yq_json_node_get_bool_lenient (data, &ok) || !ok)
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS,
                                                        g_task_get_name (task),
                                                        _("the platform did not confirm the "
                                                          "change")));
      return;
    }

  g_task_return_pointer (task, yq_todo_result_copy (todo), (GDestroyNotify) yq_todo_result_free);
}

static void
yq_zwdd_client_close_todo_async (YqPlatform          *platform,
                                 gboolean             cancel,
                                 const char          *task_id,
                                 const char * const  *recipients,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  YqZwddClient *self = YQ_ZWDD_CLIENT (platform);
  g_autoptr(GTask) task = NULL;
  g_autoptr(YqHttpRequest) request = NULL;
  YqTodoResult *todo;
  YqZwddParams *params;
  const char *path = cancel ? "/tc/openapi/task/cancel.json" : "/tc/openapi/task/finish.json";

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_zwdd_client_close_todo_async);
  g_task_set_name (task, path);

  if (recipients == NULL || recipients[0] == NULL || recipients[1] != NULL || *task_id == '\0')
    {
      g_task_return_error (task, yq_platform_error_new (YQ_PLATFORM_ERROR_INVALID_ARGUMENT, path,
                                                        _("a 政务钉钉 task belongs to exactly one "
                                                          "assignee; give its taskUuid and that "
                                                          "assignee")));
      return;
    }

  todo = yq_todo_result_new ();
  g_ptr_array_add (todo->items, yq_todo_item_new (recipients[0], task_id));
  g_task_set_task_data (task, todo, (GDestroyNotify) yq_todo_result_free);

  params = yq_zwdd_params_new ();
  yq_zwdd_params_add (params, "taskUuid", task_id);
  yq_zwdd_params_add (params, "userId", recipients[0]);
  /* "cancelPakcage" is the platform's own spelling. */
  yq_zwdd_params_add (params, cancel ? "cancelPakcage" : "closePackage", "true");

  request = zwdd_request_new (self, "POST", path, params, YQ_ZWDD_ENVELOPE_A, FALSE);
  yq_http_send_async (self->http, request, cancellable, todo_close_cb, g_steal_pointer (&task));
}

static YqTodoResult *
yq_zwdd_client_close_todo_finish (YqPlatform    *platform,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Directory writes                                                          */
/* ------------------------------------------------------------------------ */

static void
yq_zwdd_client_apply_directory_changes_async (YqPlatform          *platform,
                                              GPtrArray           *changes,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (platform, cancellable, callback, user_data);

  g_task_set_source_tag (task, yq_zwdd_client_apply_directory_changes_async);
  g_task_return_new_error (task, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NOT_SUPPORTED,
                           _("Directory changes are not supported: 政务钉钉's directory API is "
                             "read-only. Make the change in the platform's console; Yunqiao "
                             "syncs from the platform to the OA only."));
}

static GPtrArray *
yq_zwdd_client_apply_directory_changes_finish (YqPlatform    *platform,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, platform), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */

static YqPlatformKind
yq_zwdd_client_get_kind (YqPlatform *platform)
{
  return YQ_PLATFORM_KIND_ZWDD;
}

static YqHttp *
yq_zwdd_client_get_http_iface (YqPlatform *platform)
{
  return YQ_ZWDD_CLIENT (platform)->http;
}

static void
yq_zwdd_client_platform_init (YqPlatformInterface *iface)
{
  iface->get_kind = yq_zwdd_client_get_kind;
  iface->get_http = yq_zwdd_client_get_http_iface;
  iface->test_connection_async = yq_zwdd_client_test_connection_async;
  iface->test_connection_finish = yq_zwdd_client_test_connection_finish;
  iface->fetch_directory_async = yq_zwdd_client_fetch_directory_async;
  iface->fetch_directory_finish = yq_zwdd_client_fetch_directory_finish;
  iface->resolve_login_code_async = yq_zwdd_client_resolve_login_code_async;
  iface->resolve_login_code_finish = yq_zwdd_client_resolve_login_code_finish;
  iface->send_notification_async = yq_zwdd_client_send_notification_async;
  iface->send_notification_finish = yq_zwdd_client_send_notification_finish;
  iface->create_todo_async = yq_zwdd_client_create_todo_async;
  iface->create_todo_finish = yq_zwdd_client_create_todo_finish;
  iface->close_todo_async = yq_zwdd_client_close_todo_async;
  iface->close_todo_finish = yq_zwdd_client_close_todo_finish;
  iface->apply_directory_changes_async = yq_zwdd_client_apply_directory_changes_async;
  iface->apply_directory_changes_finish = yq_zwdd_client_apply_directory_changes_finish;
}
