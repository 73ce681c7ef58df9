/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-zwdd"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-json.h"
#include "yq-zwdd-protocol.h"

#define SKEW_LIMIT_S (15 * 60)

static gboolean
contains_any (const char         *haystack,
              const char * const *needles)
{
  if (haystack == NULL)
    return FALSE;
  for (guint i = 0; needles[i]; i++)
    if (strstr (haystack, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
is_ok_code (const char *code)
{
  return code == NULL || *code == '\0' || g_str_equal (code, "0");
}

/**
 * yq_zwdd_classify_failure:
 * @status: the HTTP status
 * @gateway_level: %TRUE when the top-level `success` was false (gateway
 *   errors), %FALSE for business errors (`content.success` false)
 * @code: (nullable): `content.responseCode`, `Code` or `errorCode`
 * @biz_code: (nullable): a `bizErrorCode`
 * @message: (nullable): the platform's message
 * @token_call: %TRUE for `/gettoken.json`, whose refusals are credential
 *   problems
 * @clock_skew_s: the server's `Date` minus local time, 0 when unknown
 * @verdict: (out): what the HTTP layer should do
 *
 * Maps a failed answer to an error code. The gateway's codes are mostly
 * undocumented, so beyond the known ones (`SignatureDoesNotMatch`, 300037,
 * 250027) the decision rests on words in the code and message; an unknown
 * gateway-level failure is retried as possibly rate-limited (§3.6).
 *
 * Returns: the %YQ_PLATFORM_ERROR code
 */
YqPlatformError
yq_zwdd_classify_failure (guint          status,
                          gboolean       gateway_level,
                          const char    *code,
                          const char    *biz_code,
                          const char    *message,
                          gboolean       token_call,
                          gint64         clock_skew_s,
                          YqHttpVerdict *verdict)
{
  static const char * const signature_words[] = { "signature", NULL };
  static const char * const clock_words[] = {
    "timestamp", "time stamp", "skew", "clock", "requesttime", "request time", "time window",
    "时间戳", "时钟", "时间差", "请求时间", "已过期的请求", NULL
  };
  static const char * const permission_words[] = {
    "300037", "mfh-b003-02-16-0037", "permission", "权限", NULL
  };
  static const char * const token_words[] = {
    "250027", "accesstoken", "access_token", "access token", "token", NULL
  };
  static const char * const auth_words[] = {
    "apikey", "api key", "appkey", "app key", "appsecret", "app secret", "unauthorized",
    "forbidden", "auth", "credential", "密钥", "认证", "鉴权", "应用不存在", NULL
  };
  static const char * const rate_words[] = {
    "throttl", "rate limit", "ratelimit", "too many", "too frequent", "qps", "flow control",
    "limit exceeded", "频繁", "限流", "频率", "流控", "稍后", NULL
  };
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;
  gboolean skewed = ABS (clock_skew_s) >= SKEW_LIMIT_S;

  joined = g_strjoin (" ", code ? code : "", biz_code ? biz_code : "", message ? message : "",
                      NULL);
  text = g_ascii_strdown (joined, -1);

  *verdict = YQ_HTTP_VERDICT_FAIL;

  if (contains_any (text, signature_words))
    return skewed ? YQ_PLATFORM_ERROR_CLOCK_SKEW : YQ_PLATFORM_ERROR_BAD_SIGNATURE;

  if (contains_any (text, clock_words))
    return YQ_PLATFORM_ERROR_CLOCK_SKEW;

  if (g_strcmp0 (code, "300037") == 0 ||
      g_strcmp0 (biz_code, "MFH-B003-02-16-0037") == 0 ||
      contains_any (text, permission_words))
    return YQ_PLATFORM_ERROR_NO_PERMISSION;

  if (contains_any (text, token_words))
    {
      if (token_call)
        return YQ_PLATFORM_ERROR_AUTH;
      *verdict = YQ_HTTP_VERDICT_TOKEN_INVALID;
      return YQ_PLATFORM_ERROR_TOKEN_INVALID;
    }

  if (status == 401 || status == 403 || contains_any (text, auth_words))
    return skewed ? YQ_PLATFORM_ERROR_CLOCK_SKEW : YQ_PLATFORM_ERROR_AUTH;

  if (status == 429 || contains_any (text, rate_words))
    {
      *verdict = YQ_HTTP_VERDICT_RETRY;
      return YQ_PLATFORM_ERROR_RATE_LIMITED;
    }

  if (status >= 500)
    {
      *verdict = YQ_HTTP_VERDICT_RETRY;
      return YQ_PLATFORM_ERROR_SERVER;
    }

  if (token_call)
    return YQ_PLATFORM_ERROR_AUTH;

  if (gateway_level)
    {
      /* An unknown gateway code may be rate limiting; retry with backoff. */
      *verdict = YQ_HTTP_VERDICT_RETRY;
      return YQ_PLATFORM_ERROR_BUSINESS;
    }

  return YQ_PLATFORM_ERROR_BUSINESS;
}

typedef struct
{
  char *code;           /* Code */
  char *message;        /* Message */
  char *error_code;     /* errorCode */
  char *error_msg;      /* errorMsg */
  char *biz_error_code; /* bizErrorCode */
  char *request_id;     /* _RequestId */
  char *response_code;  /* content.responseCode */
  char *response_msg;   /* content.responseMessage */
  char *content_biz;    /* content.bizErrorCode */
} Diag;

static void
diag_clear (Diag *d)
{
  g_free (d->code);
  g_free (d->message);
  g_free (d->error_code);
  g_free (d->error_msg);
  g_free (d->biz_error_code);
  g_free (d->request_id);
  g_free (d->response_code);
  g_free (d->response_msg);
  g_free (d->content_biz);
}

static void
diag_read (Diag       *d,
           JsonObject *root)
{
  JsonObject *content = yq_json_get_object (root, "content");

  d->code = yq_json_dup_string_lenient (root, "Code");
  d->message = yq_json_dup_string_lenient (root, "Message");
  d->error_code = yq_json_dup_string_lenient (root, "errorCode");
  d->error_msg = yq_json_dup_string_lenient (root, "errorMsg");
  d->biz_error_code = yq_json_dup_string_lenient (root, "bizErrorCode");
  d->request_id = yq_json_dup_string_lenient (root, "_RequestId");
  d->response_code = yq_json_dup_string_lenient (content, "responseCode");
  d->response_msg = yq_json_dup_string_lenient (content, "responseMessage");
  d->content_biz = yq_json_dup_string_lenient (content, "bizErrorCode");
}

static void
diag_log (const Diag *d,
          const char *call,
          guint       status)
{
  g_autofree char *line = NULL;
  g_autofree char *clean = NULL;

  line = g_strdup_printf ("%s failed: HTTP %u, Code=%s Message=%s errorCode=%s errorMsg=%s "
                          "bizErrorCode=%s _RequestId=%s content.responseCode=%s "
                          "content.responseMessage=%s content.bizErrorCode=%s",
                          call, status, d->code, d->message, d->error_code, d->error_msg,
                          d->biz_error_code, d->request_id, d->response_code, d->response_msg,
                          d->content_biz);
  clean = yq_http_scrub_current (line);
  g_debug ("%s", clean);
}

static const char *
first_nonempty (const char *a,
                const char *b,
                const char *c)
{
  if (a && *a)
    return a;
  if (b && *b)
    return b;
  if (c && *c)
    return c;
  return NULL;
}

static GError *
diag_error (const Diag    *d,
            const char    *call,
            guint          status,
            gboolean       gateway_level,
            gboolean       token_call,
            gint64         skew,
            YqHttpVerdict *verdict)
{
  const char *code;
  const char *biz;
  const char *message;
  g_autofree char *detail = NULL;
  YqPlatformError err;

  if (gateway_level)
    {
      code = first_nonempty (d->code, d->error_code, d->response_code);
      message = first_nonempty (d->message, d->error_msg, d->response_msg);
    }
  else
    {
      code = first_nonempty (d->response_code, d->code, d->error_code);
      message = first_nonempty (d->response_msg, d->message, d->error_msg);
    }
  biz = first_nonempty (is_ok_code (d->content_biz) ? NULL : d->content_biz,
                        is_ok_code (d->biz_error_code) ? NULL : d->biz_error_code, NULL);
  if (g_strcmp0 (biz, code) == 0)
    biz = NULL;

  err = yq_zwdd_classify_failure (status, gateway_level, code, biz, message, token_call, skew,
                                  verdict);

  if (code && message && biz)
    detail = g_strdup_printf ("%s: %s (%s)", code, message, biz);
  else if (code && message)
    detail = g_strdup_printf ("%s: %s", code, message);
  else if (code || message)
    detail = g_strdup (code ? code : message);
  else if (status >= 300 || status == 203)
    detail = g_strdup_printf ("HTTP %u", status);

  if (err == YQ_PLATFORM_ERROR_CLOCK_SKEW && skew != 0 && ABS (skew) >= SKEW_LIMIT_S)
    {
      g_autofree char *with_skew = g_strdup_printf (_("%s; the clocks differ by %lld s"),
                                                    detail ? detail : "",
                                                    (long long) ABS (skew));
      g_free (detail);
      detail = g_steal_pointer (&with_skew);
    }

  return yq_platform_error_new (err, call, detail);
}

static gboolean
is_duplicate (const Diag *d)
{
  static const char * const words[] = { "重复", "duplicate", "Duplicate", NULL };

  return contains_any (d->message, words) || contains_any (d->error_msg, words) ||
         contains_any (d->response_msg, words);
}

/**
 * yq_zwdd_parse_response:
 * @call: the endpoint, for messages
 * @envelope: the answer's envelope
 * @token_call: %TRUE for `/gettoken.json`
 * @status: the HTTP status
 * @clock_skew_s: the server's `Date` minus local time, 0 when unknown
 * @body: the body
 * @result: (out): on success, the payload holder: `content` (its `data`
 *   member for envelope A is read with yq_zwdd_content_get_data())
 * @error: return location for the failure
 *
 * Reads an answer whatever its HTTP status. HTTP ≥ 300 and 203 are
 * failures; envelope A succeeds only when both `success` flags are true
 * (as booleans or strings).
 *
 * Returns: the verdict
 */
YqHttpVerdict
yq_zwdd_parse_response (const char      *call,
                        YqZwddEnvelope   envelope,
                        gboolean         token_call,
                        guint            status,
                        gint64           clock_skew_s,
                        GBytes          *body,
                        JsonNode       **result,
                        GError         **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonObject *obj = NULL;
  JsonObject *content;
  JsonNode *content_node;
  gboolean success = FALSE;
  YqHttpVerdict verdict = YQ_HTTP_VERDICT_FAIL;
  Diag d = { 0 };

  *result = NULL;

  root = yq_json_parse_bytes (body, &parse_error);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    obj = json_node_get_object (root);

  if (status >= 300 || status == 203)
    {
      YqPlatformError err;
      g_autofree char *detail = NULL;

      if (obj != NULL)
        diag_read (&d, obj);
      if (obj != NULL && (first_nonempty (d.code, d.error_code, d.message) != NULL ||
                          first_nonempty (d.error_msg, d.response_code, d.response_msg) != NULL))
        {
          GError *e;

          diag_log (&d, call, status);
          e = diag_error (&d, call, status, TRUE, token_call, clock_skew_s, &verdict);
          diag_clear (&d);
          g_propagate_error (error, e);
          return verdict;
        }
      diag_clear (&d);

      g_debug ("%s failed: HTTP %u without an error in the body", call, status);
      detail = g_strdup_printf ("HTTP %u", status);
      err = yq_zwdd_classify_failure (status, TRUE, NULL, NULL, NULL, token_call, clock_skew_s,
                                      &verdict);
      if (err == YQ_PLATFORM_ERROR_BUSINESS)
        {
          /* An HTML error page or similar: probably not the gateway at all. */
          err = YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE;
          verdict = YQ_HTTP_VERDICT_FAIL;
        }
      g_propagate_error (error, yq_platform_error_new (err, call, detail));
      return verdict;
    }

  if (obj == NULL)
    {
      g_debug ("%s: HTTP %u with a body that is not a JSON object: %s", call, status,
               parse_error ? parse_error->message : "not an object");
      g_propagate_error (error,
                         yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                _("the answer is not a JSON object")));
      return YQ_HTTP_VERDICT_FAIL;
    }

  diag_read (&d, obj);

  if (!yq_json_get_bool_lenient (obj, "success", &success) || !success)
    {
      diag_log (&d, call, status);

      if (envelope == YQ_ZWDD_ENVELOPE_MESSAGE && is_duplicate (&d))
        {
          JsonObject *dup = json_object_new ();

          json_object_set_boolean_member (dup, YQ_ZWDD_DUPLICATE_MEMBER, TRUE);
          *result = json_node_init_object (json_node_alloc (), dup);
          json_object_unref (dup);
          diag_clear (&d);
          return YQ_HTTP_VERDICT_OK;
        }

      if (!json_object_has_member (obj, "success") &&
          first_nonempty (d.code, d.error_code, d.message) == NULL &&
          first_nonempty (d.error_msg, d.response_code, d.response_msg) == NULL)
        {
          diag_clear (&d);
          g_propagate_error (error,
                             yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                    _("the answer has no “success” flag")));
          return YQ_HTTP_VERDICT_FAIL;
        }

      g_propagate_error (error, diag_error (&d, call, status, TRUE, token_call, clock_skew_s,
                                            &verdict));
      diag_clear (&d);
      return verdict;
    }

  content_node = json_object_get_member (obj, "content");
  content = yq_json_get_object (obj, "content");

  switch (envelope)
    {
    case YQ_ZWDD_ENVELOPE_MESSAGE:
      if (content_node != NULL && !JSON_NODE_HOLDS_NULL (content_node))
        *result = json_node_copy (content_node);
      else
        *result = json_node_init_object (json_node_alloc (), json_object_new ());
      diag_clear (&d);
      return YQ_HTTP_VERDICT_OK;

    case YQ_ZWDD_ENVELOPE_CONTENT:
      if (content == NULL)
        {
          diag_clear (&d);
          g_propagate_error (error,
                             yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                    _("the answer has no “content” object")));
          return YQ_HTTP_VERDICT_FAIL;
        }
      *result = json_node_copy (content_node);
      diag_clear (&d);
      return YQ_HTTP_VERDICT_OK;

    case YQ_ZWDD_ENVELOPE_A:
    default:
      {
        gboolean content_success = FALSE;
        gboolean has_flag;

        if (content == NULL)
          {
            diag_clear (&d);
            g_propagate_error (error,
                               yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                      _("the answer has no “content” object")));
            return YQ_HTTP_VERDICT_FAIL;
          }

        has_flag = yq_json_get_bool_lenient (content, "success", &content_success);
        if (!has_flag)
          {
            diag_log (&d, call, status);
            diag_clear (&d);
            g_propagate_error (error,
                               yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                      _("the answer has no “content.success” "
                                                        "flag")));
            return YQ_HTTP_VERDICT_FAIL;
          }

        if (!content_success)
          {
            diag_log (&d, call, status);
            g_propagate_error (error, diag_error (&d, call, status, FALSE, token_call,
                                                  clock_skew_s, &verdict));
            diag_clear (&d);
            return verdict;
          }

        *result = json_node_copy (content_node);
        diag_clear (&d);
        return YQ_HTTP_VERDICT_OK;
      }
    }
}

/**
 * yq_zwdd_is_recipient_limit_error:
 * @error: an error from a work notification
 *
 * Returns: %TRUE if the platform refused the number of recipients, so that
 *   the batch can be split (§8.7: older tenants allow fewer than 1000)
 */
gboolean
yq_zwdd_is_recipient_limit_error (const GError *error)
{
  static const char * const words[] = {
    "receiver", "recipient", "接收人", "接收者", "人数", "userid", NULL
  };
  g_autofree char *lower = NULL;

  if (error == NULL || !g_error_matches (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS))
    return FALSE;

  lower = g_ascii_strdown (error->message, -1);
  return contains_any (lower, words);
}

/**
 * yq_zwdd_content_get_data:
 * @content: the `content` of an envelope A answer
 *
 * Returns: (transfer none) (nullable): `content.data`: an object, array or
 *   scalar; the string "true" for finish/cancel
 */
JsonNode *
yq_zwdd_content_get_data (JsonNode *content)
{
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    return NULL;
  return json_object_get_member (json_node_get_object (content), "data");
}

/**
 * yq_zwdd_data_is_empty:
 * @data: (nullable): a `content.data`
 *
 * Returns: %TRUE for a missing, null, "", {} or [] payload (a duplicate
 *   bizTaskId answers so)
 */
gboolean
yq_zwdd_data_is_empty (JsonNode *data)
{
  if (data == NULL || JSON_NODE_HOLDS_NULL (data))
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (data))
    return json_object_get_size (json_node_get_object (data)) == 0;
  if (JSON_NODE_HOLDS_ARRAY (data))
    return json_array_get_length (json_node_get_array (data)) == 0;
  if (json_node_get_value_type (data) == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (data);
      return s == NULL || *s == '\0';
    }
  return FALSE;
}

gboolean
yq_zwdd_content_get_total (JsonNode *content,
                           gint64   *total)
{
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    return FALSE;
  return yq_json_get_int_lenient (json_node_get_object (content), "totalSize", total);
}

/**
 * yq_zwdd_page_is_last:
 * @page_no: the page just read, from 1
 * @page_size: the page size asked for
 * @n_items: how many items the page held
 * @has_total: whether the answer had `totalSize`
 * @total: `totalSize`
 *
 * The paging stop rule: an empty page, or
 * `(pageNo-1)*pageSize + len(data) >= totalSize`; without a total, a page
 * shorter than @page_size.
 *
 * Returns: %TRUE if no further page is needed
 */
gboolean
yq_zwdd_page_is_last (gint64   page_no,
                      gint64   page_size,
                      guint    n_items,
                      gboolean has_total,
                      gint64   total)
{
  if (n_items == 0)
    return TRUE;
  if (has_total)
    return (page_no - 1) * page_size + (gint64) n_items >= total;
  return (gint64) n_items < page_size;
}

/**
 * yq_zwdd_page_count:
 * @page_size: the page size
 * @total: the total number of items
 *
 * Returns: how many pages @total items fill, at least 1
 */
gint64
yq_zwdd_page_count (gint64 page_size,
                    gint64 total)
{
  if (page_size <= 0 || total <= page_size)
    return 1;
  return (total + page_size - 1) / page_size;
}

static gboolean
status_is_active (JsonObject *obj)
{
  g_autofree char *status = yq_json_dup_string_lenient (obj, "status");

  return status == NULL || g_ascii_strcasecmp (status, "F") != 0;
}

/**
 * yq_zwdd_department_from_json:
 * @org: an organization object of `listOrganizationsByCodes`
 * @parent_id: (nullable): the parent's code in the snapshot; %NULL for a
 *   root of the app's scope
 *
 * Returns: (transfer full) (nullable): the department, %NULL without a code
 */
YqOrgDepartment *
yq_zwdd_department_from_json (JsonObject *org,
                              const char *parent_id)
{
  g_autofree char *code = yq_json_dup_string_lenient (org, "organizationCode");
  g_autofree char *name = yq_json_dup_string_lenient (org, "organizationName");
  YqOrgDepartment *dept;
  gint64 order = 0;

  if (code == NULL)
    return NULL;

  dept = yq_org_department_new (code, parent_id, name);
  if (yq_json_get_int_lenient (org, "displayOrder", &order))
    dept->order = order;
  dept->active = status_is_active (org);

  return dept;
}

/**
 * yq_zwdd_person_from_employee:
 * @employee: an employee object of `pageOrganizationEmployeePositions` or
 *   `listEmployeesByCodes`
 *
 * Returns: (transfer full) (nullable): the person without departments,
 *   %NULL without an employee code
 */
YqOrgPerson *
yq_zwdd_person_from_employee (JsonObject *employee)
{
  g_autofree char *code = yq_json_dup_string_lenient (employee, "employeeCode");
  g_autofree char *name = yq_json_dup_string_lenient (employee, "employeeName");
  YqOrgPerson *person;

  if (code == NULL)
    return NULL;

  person = yq_org_person_new (code, name);
  person->active = status_is_active (employee);

  return person;
}

static void
strv_remove (GPtrArray  *ids,
             const char *id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_str_equal (g_ptr_array_index (ids, i), id))
      {
        g_ptr_array_remove_index (ids, i);
        return;
      }
}

static gboolean
strv_has (GPtrArray  *ids,
          const char *id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_str_equal (g_ptr_array_index (ids, i), id))
      return TRUE;
  return FALSE;
}

/**
 * yq_zwdd_person_merge_positions:
 * @person: the person being built
 * @main_known: (inout): whether @person's main position was seen already
 * @employee: an employee object with `govEmployeePositions`
 * @listing_org: (nullable): the organization whose listing returned it
 *
 * Adds the departments of @employee's positions (`govEmployeePositions`,
 * §4.6) to @person. The main position (`mainJob`) comes first and gives the
 * order and title. A person in several organizations shows up once per
 * listing, possibly with only that listing's position, so positions are
 * merged across calls.
 *
 * An invalid position (status `F`) of a valid employee is a post the person
 * left, and is skipped. An invalid employee's positions are kept whatever
 * their status: they may all have been invalidated with the employee, and
 * they still say where the person belongs.
 */
void
yq_zwdd_person_merge_positions (YqOrgPerson *person,
                                gboolean    *main_known,
                                JsonObject  *employee,
                                const char  *listing_org)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *positions = yq_json_get_array (employee, "govEmployeePositions");
  gboolean had_departments;

  for (guint i = 0; person->department_ids && person->department_ids[i]; i++)
    g_ptr_array_add (ids, g_strdup (person->department_ids[i]));
  had_departments = ids->len > 0;

  for (guint i = 0; positions && i < json_array_get_length (positions); i++)
    {
      JsonNode *node = json_array_get_element (positions, i);
      JsonObject *pos;
      g_autofree char *org = NULL;
      gboolean main_job = FALSE;
      gint64 order = 0;
      gboolean has_order;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      pos = json_node_get_object (node);
      if (person->active && !status_is_active (pos))
        continue;
      org = yq_json_dup_string_lenient (pos, "organizationCode");
      if (org == NULL)
        continue;

      yq_json_get_bool_lenient (pos, "mainJob", &main_job);
      has_order = yq_json_get_int_lenient (pos, "orderInOrganization", &order);

      if (main_job && !*main_known)
        {
          strv_remove (ids, org);
          g_ptr_array_insert (ids, 0, g_strdup (org));
          *main_known = TRUE;
          person->order = has_order ? order : 0;
          g_free (person->title);
          person->title = yq_json_dup_string_lenient (pos, "govEmpPosJob");
        }
      else if (!strv_has (ids, org))
        {
          /* Until the main position turns up, the first one stands in. */
          if (ids->len == 0 && !*main_known)
            {
              person->order = has_order ? order : 0;
              g_free (person->title);
              person->title = yq_json_dup_string_lenient (pos, "govEmpPosJob");
            }
          g_ptr_array_add (ids, g_strdup (org));
        }
    }

  if (ids->len == 0 && !had_departments && listing_org != NULL)
    g_ptr_array_add (ids, g_strdup (listing_org));

  g_ptr_array_add (ids, NULL);
  g_strfreev (person->department_ids);
  person->department_ids = (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/**
 * yq_zwdd_person_apply_account:
 * @person: a person
 * @account: an item of `listEmployeeAccountIds`
 *
 * Sets the account ID (the messaging and login key) and the account code.
 */
void
yq_zwdd_person_apply_account (YqOrgPerson *person,
                              JsonObject  *account)
{
  char *id = yq_json_dup_string_lenient (account, "accountId");
  char *code = yq_json_dup_string_lenient (account, "accountCode");

  if (id != NULL)
    {
      g_free (person->account_id);
      person->account_id = id;
    }
  if (code != NULL)
    {
      g_free (person->account_code);
      person->account_code = code;
    }
}

/**
 * yq_zwdd_person_from_login:
 * @user: the `content.data` of `dingtalk_app_user.json` or
 *   `getuserinfo_bycode.json`
 *
 * Returns: (transfer full) (nullable): the person, %NULL without an
 *   account ID
 */
YqOrgPerson *
yq_zwdd_person_from_login (JsonObject *user)
{
  g_autofree char *account_id = yq_json_dup_string_lenient (user, "accountId");
  g_autofree char *employee_code = yq_json_dup_string_lenient (user, "employeeCode");
  g_autofree char *account = yq_json_dup_string_lenient (user, "account");
  g_autofree char *last_name = yq_json_dup_string_lenient (user, "lastName");
  g_autofree char *nick = yq_json_dup_string_lenient (user, "nickNameCn");
  YqOrgPerson *person;
  const char *name;

  if (account_id == NULL)
    return NULL;

  name = last_name ? last_name : (nick ? nick : account);
  person = yq_org_person_new (employee_code ? employee_code : account_id, name);
  person->account_id = g_steal_pointer (&account_id);
  person->account_code = g_steal_pointer (&account);

  return person;
}

/**
 * yq_zwdd_derive_id:
 * @key: a caller's idempotency key
 * @suffix: (nullable): what distinguishes this call (a batch number, an
 *   assignee)
 *
 * Derives a bizMsgId / bizTaskId: `key-suffix` when it fits the 64-byte
 * limit, otherwise its SHA-256 in hex. The same inputs always give the same
 * ID, so a retry is de-duplicated by the platform.
 *
 * Returns: (transfer full): the ID
 */
char *
yq_zwdd_derive_id (const char *key,
                   const char *suffix)
{
  g_autofree char *joined = NULL;

  g_return_val_if_fail (key != NULL, NULL);

  joined = suffix ? g_strconcat (key, "-", suffix, NULL) : g_strdup (key);
  if (strlen (joined) <= 64)
    return g_steal_pointer (&joined);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, joined, -1);
}

/**
 * yq_zwdd_format_due_time:
 * @unix_s: seconds since the epoch
 *
 * Returns: (transfer full): Beijing time as `yyyy-MM-dd HH:mm:ss`
 */
char *
yq_zwdd_format_due_time (gint64 unix_s)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_s + 8 * 3600);

  g_return_val_if_fail (dt != NULL, NULL);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
}
