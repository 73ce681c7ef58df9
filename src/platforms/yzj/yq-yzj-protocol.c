/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-yzj"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-json.h"
#include "yq-yzj-protocol.h"

/* getAccessToken accepts timestamps within 3 minutes. */
#define TOKEN_SKEW_LIMIT_S 180

void
yq_yzj_item_error_free (YqYzjItemError *item)
{
  if (item == NULL)
    return;

  g_free (item->key);
  g_free (item->code);
  g_free (item->message);
  g_free (item);
}

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

/**
 * yq_yzj_classify_failure:
 * @family: the API family
 * @status: the HTTP status
 * @code: `errorCode` (or `code` for public-account calls); -1 when absent
 * @text: (nullable): the platform's message
 * @clock_skew_s: the server's `Date` minus local time, 0 when unknown
 * @verdict: (out): what the HTTP layer should do
 *
 * Maps a failed answer to an error code. The documented codes are used
 * where they exist (todo 202/203, public account 5001–6001); token errors
 * are undocumented, so those are recognised by their wording and by HTTP
 * 401/403.
 *
 * Returns: the %YQ_PLATFORM_ERROR code
 */
YqPlatformError
yq_yzj_classify_failure (YqYzjFamily    family,
                         guint          status,
                         gint64         code,
                         const char    *text,
                         gint64         clock_skew_s,
                         YqHttpVerdict *verdict)
{
  static const char * const clock_words[] = {
    "timestamp", "time stamp", "skew", "clock", "时间戳", "时间不正确", "时间差", "时间超", "超时的请求",
    NULL
  };
  static const char * const token_words[] = {
    "token", "令牌", "凭证", "expired", "过期", "unauthorized", "未授权", "scope", NULL
  };
  static const char * const permission_words[] = {
    "permission", "权限", "只读", "readonly", "read-only", "read only", "无权", "forbidden", NULL
  };
  static const char * const rate_words[] = {
    "throttl", "rate limit", "too many", "too frequent", "qps", "频繁", "限流", "频率", "稍后",
    NULL
  };
  g_autofree char *lower = g_ascii_strdown (text ? text : "", -1);

  *verdict = YQ_HTTP_VERDICT_FAIL;

  if (family == YQ_YZJ_FAMILY_PUBACC)
    {
      switch (code)
        {
        case 5004:
          return YQ_PLATFORM_ERROR_BAD_SIGNATURE;
        case 5001:
          return YQ_PLATFORM_ERROR_AUTH;
        case 5005:
        case 5102:
          *verdict = YQ_HTTP_VERDICT_RETRY;
          return YQ_PLATFORM_ERROR_RATE_LIMITED;
        case 5002:
          return YQ_PLATFORM_ERROR_INVALID_ARGUMENT;
        case 500:
        case 6001:
          *verdict = YQ_HTTP_VERDICT_RETRY;
          return YQ_PLATFORM_ERROR_SERVER;
        case 400:
        case 5000:
        case 5003:
          return YQ_PLATFORM_ERROR_BUSINESS;
        default:
          break;
        }
    }

  if (family == YQ_YZJ_FAMILY_TODO || family == YQ_YZJ_FAMILY_TODO_CHECK)
    {
      switch (code)
        {
        case 202:
          *verdict = YQ_HTTP_VERDICT_RETRY;
          return YQ_PLATFORM_ERROR_RATE_LIMITED;
        case 203:
          return YQ_PLATFORM_ERROR_INVALID_ARGUMENT;
        default:
          break;
        }
    }

  if (contains_any (lower, clock_words) ||
      (family == YQ_YZJ_FAMILY_TOKEN && ABS (clock_skew_s) >= TOKEN_SKEW_LIMIT_S))
    return YQ_PLATFORM_ERROR_CLOCK_SKEW;

  if (family == YQ_YZJ_FAMILY_TOKEN)
    {
      if (status == 429 || contains_any (lower, rate_words))
        {
          *verdict = YQ_HTTP_VERDICT_RETRY;
          return YQ_PLATFORM_ERROR_RATE_LIMITED;
        }
      if (status >= 500)
        {
          *verdict = YQ_HTTP_VERDICT_RETRY;
          return YQ_PLATFORM_ERROR_SERVER;
        }
      return YQ_PLATFORM_ERROR_AUTH;
    }

  /* A ticket that is unknown, used or expired is the caller's, not the
   * access token's: renewing the token cannot help. */
  if (family == YQ_YZJ_FAMILY_TICKET && status != 401 && strstr (lower, "ticket") != NULL &&
      strstr (lower, "token") == NULL)
    return YQ_PLATFORM_ERROR_BUSINESS;

  if (family != YQ_YZJ_FAMILY_PUBACC &&
      (status == 401 || contains_any (lower, token_words)))
    {
      *verdict = YQ_HTTP_VERDICT_TOKEN_INVALID;
      return YQ_PLATFORM_ERROR_TOKEN_INVALID;
    }

  if (status == 403 || contains_any (lower, permission_words))
    return YQ_PLATFORM_ERROR_NO_PERMISSION;

  if (status == 429 || contains_any (lower, rate_words))
    {
      *verdict = YQ_HTTP_VERDICT_RETRY;
      return YQ_PLATFORM_ERROR_RATE_LIMITED;
    }

  if (status >= 500)
    {
      *verdict = YQ_HTTP_VERDICT_RETRY;
      return YQ_PLATFORM_ERROR_SERVER;
    }

  if (status == 404)
    return YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE;

  return YQ_PLATFORM_ERROR_BUSINESS;
}

static GError *
failure_error (const char *call,
               YqYzjFamily family,
               guint       status,
               gint64      code,
               const char *text,
               gint64      skew,
               YqHttpVerdict *verdict)
{
  YqPlatformError err = yq_yzj_classify_failure (family, status, code, text, skew, verdict);
  g_autofree char *detail = NULL;

  if (code >= 0 && text && *text)
    detail = g_strdup_printf ("%" G_GINT64_FORMAT ": %s", code, text);
  else if (code >= 0)
    detail = g_strdup_printf (_("code %lld"), (long long) code);
  else if (text && *text)
    detail = g_strdup (text);
  else if (status >= 300)
    detail = g_strdup_printf ("HTTP %u", status);

  if (family == YQ_YZJ_FAMILY_PUBACC && err == YQ_PLATFORM_ERROR_BAD_SIGNATURE)
    return g_error_new (YQ_PLATFORM_ERROR, err,
                        _("The platform rejected the public-account signature (pubtoken) for %s "
                          "(%s). Check the public-account number and key."),
                        call, detail ? detail : "");
  if (family == YQ_YZJ_FAMILY_PUBACC && err == YQ_PLATFORM_ERROR_AUTH)
    return g_error_new (YQ_PLATFORM_ERROR, err,
                        _("The public account used for %s does not exist or is not approved (%s). "
                          "Check the public-account number in the connector settings."),
                        call, detail ? detail : "");

  return yq_platform_error_new (err, call, detail);
}

static char *
dup_text (JsonObject *obj,
          YqYzjFamily family)
{
  char *text;
  JsonNode *data;

  text = yq_json_dup_string_lenient (obj, family == YQ_YZJ_FAMILY_PUBACC ? "message" : "error");
  if (text == NULL)
    text = yq_json_dup_string_lenient (obj, family == YQ_YZJ_FAMILY_PUBACC ? "error" : "message");
  if (text == NULL)
    text = yq_json_dup_string_lenient (obj, "errorMsg");
  if (text == NULL)
    text = yq_json_dup_string_lenient (obj, "errormsg");

  /* Todo parameter errors carry their text in data. */
  data = json_object_get_member (obj, "data");
  if (text == NULL && data != NULL && JSON_NODE_HOLDS_VALUE (data) &&
      json_node_get_value_type (data) == G_TYPE_STRING)
    text = yq_json_node_dup_string_lenient (data);

  return text;
}

/**
 * yq_yzj_parse_response:
 * @call: the endpoint, for messages
 * @family: the API family, which decides the success code
 * @status: the HTTP status
 * @clock_skew_s: the server's `Date` minus local time, 0 when unknown
 * @body: the body
 * @result: (out): on success, the whole answer object; read its `data`
 *   with yq_yzj_result_get_data()
 * @error: return location for the failure
 *
 * Returns: the verdict
 */
YqHttpVerdict
yq_yzj_parse_response (const char   *call,
                       YqYzjFamily   family,
                       guint         status,
                       gint64        clock_skew_s,
                       GBytes       *body,
                       JsonNode    **result,
                       GError      **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  JsonObject *obj = NULL;
  YqHttpVerdict verdict = YQ_HTTP_VERDICT_FAIL;
  gboolean success = FALSE;
  gboolean has_success;
  gint64 code = -1;
  gboolean ok = FALSE;

  *result = NULL;

  root = yq_json_parse_bytes (body, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    obj = json_node_get_object (root);

  if (obj == NULL)
    {
      YqPlatformError err;
      g_autofree char *detail = NULL;

      g_debug ("%s: HTTP %u with a body that is not a JSON object", call, status);
      if (status < 300)
        {
          g_propagate_error (error,
                             yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                    _("the answer is not a JSON object")));
          return YQ_HTTP_VERDICT_FAIL;
        }

      detail = g_strdup_printf ("HTTP %u", status);
      err = yq_yzj_classify_failure (family, status, -1, NULL, clock_skew_s, &verdict);
      if (err == YQ_PLATFORM_ERROR_BUSINESS)
        err = YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE;
      g_propagate_error (error, yq_platform_error_new (err, call, detail));
      return verdict;
    }

  has_success = yq_json_get_bool_lenient (obj, "success", &success);
  if (!yq_json_get_int_lenient (obj, family == YQ_YZJ_FAMILY_PUBACC ? "code" : "errorCode", &code))
    code = -1;
  text = dup_text (obj, family);

  if (status < 300)
    {
      switch (family)
        {
        case YQ_YZJ_FAMILY_TOKEN:
          ok = success && (code == 0 || code == -1);
          break;

        case YQ_YZJ_FAMILY_TICKET:
          ok = success && code == 0;
          break;

        case YQ_YZJ_FAMILY_OPENIMPORT:
          ok = success && code == 100;
          break;

        case YQ_YZJ_FAMILY_ORGLANG:
          ok = (success || !has_success) && code == 200;
          break;

        case YQ_YZJ_FAMILY_TODO:
          ok = (success && (code == 200 || code == 0)) ||
               code == 501 || code == 502 || code == 505;
          break;

        case YQ_YZJ_FAMILY_TODO_CHECK:
          ok = success && code == 0;
          break;

        case YQ_YZJ_FAMILY_PUBACC:
        default:
          if (code >= 0)
            ok = code == 0 && (success || !has_success);
          else
            ok = !has_success && json_object_has_member (obj, "sourceMsgId");
          break;
        }
    }

  if (ok && family == YQ_YZJ_FAMILY_TICKET)
    {
      JsonObject *data = yq_json_get_object (obj, "data");
      g_autofree char *openid = yq_json_dup_string_lenient (data, "openid");

      if (openid == NULL)
        {
          g_debug ("%s: the answer names no openid", call);
          g_propagate_error (error,
                             yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS, call,
                                                    _("the ticket is invalid, expired or was "
                                                      "already used")));
          return YQ_HTTP_VERDICT_FAIL;
        }
    }

  if (ok)
    {
      *result = g_steal_pointer (&root);
      return YQ_HTTP_VERDICT_OK;
    }

  if (!has_success && code == -1 && text == NULL)
    {
      if (status >= 300)
        {
          YqPlatformError err = yq_yzj_classify_failure (family, status, -1, NULL, clock_skew_s,
                                                         &verdict);
          g_autofree char *detail = g_strdup_printf ("HTTP %u", status);

          g_propagate_error (error, yq_platform_error_new (err, call, detail));
          return verdict;
        }
      g_propagate_error (error,
                         yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call,
                                                _("the answer has no “success” flag")));
      return YQ_HTTP_VERDICT_FAIL;
    }

  {
    g_autofree char *clean = yq_http_scrub_current (text);

    g_debug ("%s failed: HTTP %u, success=%s errorCode=%" G_GINT64_FORMAT " error=%s", call,
             status, has_success ? (success ? "true" : "false") : "(none)", code, clean);
  }

  g_propagate_error (error, failure_error (call, family, status, code, text, clock_skew_s,
                                           &verdict));
  return verdict;
}

/**
 * yq_yzj_result_get_data:
 * @result: an answer from yq_yzj_parse_response()
 *
 * Returns: (transfer none) (nullable): its `data`
 */
JsonNode *
yq_yzj_result_get_data (JsonNode *result)
{
  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    return NULL;
  return json_object_get_member (json_node_get_object (result), "data");
}

/**
 * yq_yzj_result_get_code:
 * @result: an answer from yq_yzj_parse_response()
 *
 * Returns: its `errorCode`, -1 when absent
 */
gint64
yq_yzj_result_get_code (JsonNode *result)
{
  gint64 code = -1;

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result) ||
      !yq_json_get_int_lenient (json_node_get_object (result), "errorCode", &code))
    return -1;
  return code;
}

static char *
first_member (JsonObject         *obj,
              const char * const *names)
{
  for (guint i = 0; names[i]; i++)
    {
      char *value = yq_json_dup_string_lenient (obj, names[i]);

      if (value)
        return value;
    }
  return NULL;
}

static void
collect_item_errors (GPtrArray *out,
                     JsonArray *array)
{
  static const char * const key_names[] = {
    "msgId", "commitId", "openId", "openid", "orgId", "department", "id", NULL
  };
  static const char * const code_names[] = { "msgCode", "errorCode", "code", NULL };
  static const char * const message_names[] = { "msg", "errorMsg", "error", "message", NULL };

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      YqYzjItemError *item;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *obj = json_node_get_object (node);

          item = g_new0 (YqYzjItemError, 1);
          item->key = first_member (obj, key_names);
          item->code = first_member (obj, code_names);
          item->message = first_member (obj, message_names);
        }
      else
        {
          char *key = yq_json_node_dup_string_lenient (node);

          if (key == NULL)
            continue;
          item = g_new0 (YqYzjItemError, 1);
          item->key = key;
        }
      g_ptr_array_add (out, item);
    }
}

/**
 * yq_yzj_parse_item_errors:
 * @data: (nullable): the `data` of a batch write
 *
 * Reads a batch failure list: `[]` when everything succeeded, otherwise
 * `[{msgId, msgCode, msg}]`, `[{commitId, errorMsg}]` or
 * `[{commitId, errorCode, error}]`; for `v2/dept/add` the `errorList`.
 *
 * Returns: (transfer full) (element-type YqYzjItemError): the failures
 */
GPtrArray *
yq_yzj_parse_item_errors (JsonNode *data)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_yzj_item_error_free);

  if (data == NULL)
    return out;

  if (JSON_NODE_HOLDS_ARRAY (data))
    collect_item_errors (out, json_node_get_array (data));
  else if (JSON_NODE_HOLDS_OBJECT (data))
    collect_item_errors (out, yq_json_get_array (json_node_get_object (data), "errorList"));

  return out;
}

/**
 * yq_yzj_parse_id_list:
 * @data: (nullable): the `data` of a todo 501/502/505 answer
 *
 * Returns: (transfer full) (element-type utf8): the openIds it lists, from
 *   an array of strings or of objects, or from the first array member of
 *   an object
 */
GPtrArray *
yq_yzj_parse_id_list (JsonNode *data)
{
  g_autoptr(GPtrArray) items = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array = NULL;

  if (data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    array = json_node_get_array (data);
  else if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (data));

      for (GList *l = members; l && array == NULL; l = l->next)
        if (JSON_NODE_HOLDS_ARRAY ((JsonNode *) l->data))
          array = json_node_get_array (l->data);
    }
  else if (data != NULL && JSON_NODE_HOLDS_VALUE (data) &&
           json_node_get_value_type (data) == G_TYPE_STRING)
    {
      g_auto(GStrv) parts = g_strsplit_set (json_node_get_string (data), ",; ", -1);

      for (guint i = 0; parts[i]; i++)
        if (*parts[i])
          g_ptr_array_add (ids, g_strdup (parts[i]));
      return ids;
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_yzj_item_error_free);
  collect_item_errors (items, array);
  for (guint i = 0; i < items->len; i++)
    {
      YqYzjItemError *item = g_ptr_array_index (items, i);

      if (item->key)
        g_ptr_array_add (ids, g_strdup (item->key));
    }

  return ids;
}

/**
 * yq_yzj_page_is_last:
 * @n_items: how many people the page held
 * @count: the `count` asked for
 *
 * Returns: %TRUE for a page shorter than @count: the listing's end
 */
gboolean
yq_yzj_page_is_last (guint n_items,
                     guint count)
{
  return n_items < count;
}

/**
 * yq_yzj_normalize_mobile:
 * @phone: (nullable): a phone number as the platform stores it
 *
 * Returns: (transfer full) (nullable): the digits, without a +86 / 0086
 *   country code; %NULL when there are none
 */
char *
yq_yzj_normalize_mobile (const char *phone)
{
  GString *digits;
  const char *p = phone;

  if (phone == NULL)
    return NULL;

  while (g_ascii_isspace (*p))
    p++;
  digits = g_string_new (NULL);
  for (; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  if (digits->len == 13 && g_str_has_prefix (digits->str, "86"))
    g_string_erase (digits, 0, 2);
  else if (digits->len == 15 && g_str_has_prefix (digits->str, "0086"))
    g_string_erase (digits, 0, 4);

  if (digits->len == 0)
    {
      g_string_free (digits, TRUE);
      return NULL;
    }

  return g_string_free (digits, FALSE);
}

/**
 * yq_yzj_long_name_join:
 * @parent_long_name: (nullable): the parent's long name; %NULL or "" for
 *   the team root
 * @name: the department's short name
 *
 * Long names are paths below the team root, levels separated by `\`, never
 * starting with the team's name (§4.2).
 *
 * Returns: (transfer full) (nullable): the long name, %NULL when @name is
 *   empty or contains a backslash
 */
char *
yq_yzj_long_name_join (const char *parent_long_name,
                       const char *name)
{
  if (name == NULL || *name == '\0' || strchr (name, '\\') != NULL)
    return NULL;
  if (parent_long_name == NULL || *parent_long_name == '\0' ||
      g_str_equal (parent_long_name, "\\"))
    return g_strdup (name);
  return g_strconcat (parent_long_name, "\\", name, NULL);
}

/**
 * yq_yzj_department_from_json:
 * @dept: a department object of `dept/getall` or `dept/get`
 *
 * Returns: (transfer full) (nullable): the department, %NULL without an ID
 */
YqOrgDepartment *
yq_yzj_department_from_json (JsonObject *dept)
{
  g_autofree char *id = yq_json_dup_string_lenient (dept, "id");
  g_autofree char *parent = yq_json_dup_string_lenient (dept, "parentId");
  g_autofree char *name = yq_json_dup_string_lenient (dept, "name");
  YqOrgDepartment *out;
  gint64 order = 0;

  if (id == NULL)
    id = yq_json_dup_string_lenient (dept, "orgId");
  if (id == NULL)
    return NULL;

  out = yq_org_department_new (id, parent, name);
  if (yq_json_get_int_lenient (dept, "weights", &order))
    out->order = order;

  return out;
}

/**
 * yq_yzj_department_long_name:
 * @dept: a department object
 *
 * Returns: (transfer full) (nullable): its long name (`department`)
 */
char *
yq_yzj_department_long_name (JsonObject *dept)
{
  return yq_json_dup_string_lenient (dept, "department");
}

/**
 * yq_yzj_person_from_json:
 * @person: a person object of `person/getall` or `person/get`
 *
 * Returns: (transfer full) (nullable): the person, %NULL without an openId
 */
YqOrgPerson *
yq_yzj_person_from_json (JsonObject *person)
{
  g_autofree char *open_id = yq_json_dup_string_lenient (person, "openId");
  g_autofree char *name = yq_json_dup_string_lenient (person, "name");
  g_autofree char *phone = yq_json_dup_string_lenient (person, "phone");
  g_autofree char *org_id = yq_json_dup_string_lenient (person, "orgId");
  g_autofree char *title = yq_json_dup_string_lenient (person, "jobTitle");
  YqOrgPerson *out;
  gint64 value = 0;

  if (open_id == NULL)
    open_id = yq_json_dup_string_lenient (person, "openid");
  if (open_id == NULL)
    return NULL;

  out = yq_org_person_new (open_id, name);
  out->account_id = g_strdup (open_id);
  out->account_code = yq_json_dup_string_lenient (person, "account");
  out->mobile = yq_yzj_normalize_mobile (phone);
  out->email = yq_json_dup_string_lenient (person, "email");
  out->job_number = yq_json_dup_string_lenient (person, "jobNo");
  out->title = title ? g_strstrip (g_steal_pointer (&title)) : NULL;
  if (out->title != NULL && *out->title == '\0')
    g_clear_pointer (&out->title, g_free);
  if (org_id != NULL)
    {
      g_strfreev (out->department_ids);
      out->department_ids = g_new0 (char *, 2);
      out->department_ids[0] = g_steal_pointer (&org_id);
    }
  if (yq_json_get_int_lenient (person, "weights", &value))
    out->order = value;
  if (yq_json_get_int_lenient (person, "status", &value))
    out->active = value == 1;

  return out;
}

/**
 * yq_yzj_person_from_context:
 * @context: the `data` of acquirecontext
 *
 * Returns: (transfer full) (nullable): the person, %NULL without an openid
 */
YqOrgPerson *
yq_yzj_person_from_context (JsonObject *context)
{
  g_autofree char *open_id = yq_json_dup_string_lenient (context, "openid");
  g_autofree char *name = yq_json_dup_string_lenient (context, "username");
  YqOrgPerson *out;

  if (open_id == NULL)
    return NULL;

  out = yq_org_person_new (open_id, name);
  out->account_id = g_strdup (open_id);
  out->job_number = yq_json_dup_string_lenient (context, "jobNo");

  return out;
}
