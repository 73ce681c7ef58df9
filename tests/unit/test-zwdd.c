/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "yq-connector.h"
#include "yq-http.h"
#include "yq-json.h"
#include "yq-platform.h"
#include "yq-zwdd-client.h"
#include "yq-zwdd-protocol.h"
#include "yq-zwdd-sign.h"

#define TS    "2024-01-01T12:00:00.000+08:00"
#define NONCE "17040816000001234"
#define SECRET "testSecretKey"

/* ---- Signing ---------------------------------------------------------------- */

static char *
sign_params (const char   *method,
             const char   *path,
             YqZwddParams *params,
             char        **to_sign_out)
{
  g_autofree char *canonical = yq_zwdd_params_canonicalize (params);
  g_autofree char *to_sign = yq_zwdd_string_to_sign (method, TS, NONCE, path, canonical);
  char *signature = yq_zwdd_sign (SECRET, to_sign);

  if (to_sign_out)
    *to_sign_out = g_steal_pointer (&to_sign);
  return signature;
}

static void
test_vector_a (void)
{
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;

  yq_zwdd_params_add (params, "appkey", "testAppKey");
  yq_zwdd_params_add (params, "appsecret", "testSecretKey");
  signature = sign_params ("GET", "/gettoken.json", params, &to_sign);

  g_assert_cmpstr (to_sign, ==, "GET\n" TS "\n" NONCE "\n/gettoken.json\n"
                                "appkey=testAppKey&appsecret=testSecretKey");
  g_assert_cmpstr (signature, ==, "P1jz9USIrvD8lIu9tWsGKPE8+c9F5OSm99KxSNELFGg=");
}

static void
test_vector_b (void)
{
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *body = NULL;

  yq_zwdd_params_add (params, "tenantId", "12345");
  yq_zwdd_params_add (params, "organizationCodes", "GO_b");
  yq_zwdd_params_add (params, "organizationCodes", "GO_a");
  signature = sign_params ("POST", "/mozi/organization/listOrganizationsByCodes", params,
                           &to_sign);

  g_assert_cmpstr (to_sign, ==, "POST\n" TS "\n" NONCE
                                "\n/mozi/organization/listOrganizationsByCodes\n"
                                "organizationCodes=GO_a&organizationCodes=GO_b&tenantId=12345");
  g_assert_cmpstr (signature, ==, "rxmSCjbozoiLbk+K8GLGy95tiAXYMHp88DLed3ne+qs=");

  /* On the wire: one field per value, in the order given. */
  body = yq_zwdd_params_encode (params);
  g_assert_cmpstr (body, ==, "tenantId=12345&organizationCodes=GO_b&organizationCodes=GO_a");
}

static void
test_vector_c (void)
{
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *body = NULL;
  g_autofree char *wrong = NULL;

  yq_zwdd_params_add (params, "tenantId", "12345");
  yq_zwdd_params_add (params, "subject", "请审批: 报销单");
  yq_zwdd_params_add (params, "subTypeCode", "T1");
  yq_zwdd_params_add (params, "bizTaskId", "oa-task-0001");
  yq_zwdd_params_add (params, "creatorId", "1001");
  yq_zwdd_params_add (params, "assigneeId", "1002");
  yq_zwdd_params_add (params, "url", "https://oa.example.com/todo?id=1");
  yq_zwdd_params_add (params, "mobileUrl", "https://oa.example.com/m/todo?id=1");
  yq_zwdd_params_add (params, "remarks", "  ");
  signature = sign_params ("POST", "/tc/v2/openapi/task/create.json", params, &to_sign);

  g_assert_cmpstr (to_sign, ==,
                   "POST\n" TS "\n" NONCE "\n/tc/v2/openapi/task/create.json\n"
                   "assigneeId=1002&bizTaskId=oa-task-0001&creatorId=1001&"
                   "mobileUrl=https://oa.example.com/m/todo?id=1&subject=请审批: 报销单&"
                   "subTypeCode=T1&tenantId=12345&url=https://oa.example.com/todo?id=1");
  g_assert_cmpstr (signature, ==, "29P2j2YMf7x9qtADyfMHhLDM4cnNUNNM1QBGydn31Is=");

  /* The whitespace-only remarks is neither signed nor sent. */
  body = yq_zwdd_params_encode (params);
  g_assert_null (strstr (body, "remarks"));
  g_assert_cmpuint (yq_zwdd_params_get_length (params), ==, 8);

  /* The case-sensitive order is the wrong signature. */
  wrong = yq_zwdd_sign (SECRET,
                        "POST\n" TS "\n" NONCE "\n/tc/v2/openapi/task/create.json\n"
                        "assigneeId=1002&bizTaskId=oa-task-0001&creatorId=1001&"
                        "mobileUrl=https://oa.example.com/m/todo?id=1&subTypeCode=T1&"
                        "subject=请审批: 报销单&tenantId=12345&url=https://oa.example.com/todo?id=1");
  g_assert_cmpstr (wrong, ==, "DiMSYaEJvcdef1ES1GZNjZzo58lXROh28kyq2UaTPOk=");
  g_assert_cmpstr (wrong, !=, signature);
}

static void
test_vector_d (void)
{
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autofree char *to_sign = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *trailing = NULL;

  signature = sign_params ("GET", "/gettoken.json", params, &to_sign);
  g_assert_cmpstr (to_sign, ==, "GET\n" TS "\n" NONCE "\n/gettoken.json");
  g_assert_cmpstr (signature, ==, "DnbOQJwx32IuDIls6NZaVybMcSt/1i+eHvl80HJfej0=");

  trailing = yq_zwdd_sign (SECRET, "GET\n" TS "\n" NONCE "\n/gettoken.json\n");
  g_assert_cmpstr (trailing, ==, "JXnQNb1M8bGY+4H9FeXYd4YkY+yQDKPUpAYshYFHSIc=");
}

static void
test_subject_subtypecode_order (void)
{
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autofree char *canonical = NULL;

  /* Added in case-sensitive order: the canonical string must reorder. */
  yq_zwdd_params_add (params, "subTypeCode", "T1");
  yq_zwdd_params_add (params, "subject", "s");
  canonical = yq_zwdd_params_canonicalize (params);
  g_assert_cmpstr (canonical, ==, "subject=s&subTypeCode=T1");
}

static void
test_canonical_edge_cases (void)
{
  struct { const char *names[6]; const char *values[6]; const char *expected; } cases[] = {
    { { NULL }, { NULL }, "" },
    /* empty, NULL and whitespace-only values are dropped */
    { { "a", "b", "c", "d", NULL }, { "", "\t \n", "1", NULL }, "c=1" },
    /* "_" sorts before letters, case-insensitively */
    { { "Zeta", "a_b", "ab", "AA", NULL }, { "1", "2", "3", "4" }, "a_b=2&AA=4&ab=3&Zeta=1" },
    /* repeated names: values in byte order, uppercase first */
    { { "k", "k", "k", "j", NULL }, { "b", "B", "a", "x" }, "j=x&k=B&k=a&k=b" },
    /* raw values: no encoding, reserved characters and UTF-8 kept */
    { { "url", "q", NULL }, { "https://x/y?a=1&b=2", "中 文+%20" },
      "q=中 文+%20&url=https://x/y?a=1&b=2" },
    /* leading spaces in a non-blank value are kept */
    { { "v", NULL }, { " x " }, "v= x " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
      g_autofree char *canonical = NULL;

      for (guint k = 0; cases[i].names[k]; k++)
        yq_zwdd_params_add (params, cases[i].names[k], cases[i].values[k]);
      canonical = yq_zwdd_params_canonicalize (params);
      g_assert_cmpstr (canonical, ==, cases[i].expected);
    }
}

static void
check_timestamp_in_zone (const char *zone)
{
  g_autofree char *old = g_strdup (g_getenv ("TZ"));
  g_autofree char *ts = NULL;
  g_autofree char *ts2 = NULL;
  g_autofree char *ts3 = NULL;

  g_setenv ("TZ", zone, TRUE);
  tzset ();

  /* 2024-01-01T04:00:00.123Z is noon in Beijing. */
  ts = yq_zwdd_format_timestamp ((gint64) 1704081600 * G_USEC_PER_SEC + 123456);
  g_assert_cmpstr (ts, ==, "2024-01-01T12:00:00.123+08:00");

  /* Across the date line of UTC+8: 2023-12-31T20:30:00Z. */
  ts2 = yq_zwdd_format_timestamp ((gint64) 1704054600 * G_USEC_PER_SEC);
  g_assert_cmpstr (ts2, ==, "2024-01-01T04:30:00.000+08:00");

  /* Summer time in New York does not leak in. */
  ts3 = yq_zwdd_format_timestamp ((gint64) 1719835200 * G_USEC_PER_SEC + 5000);
  g_assert_cmpstr (ts3, ==, "2024-07-01T20:00:00.005+08:00");

  if (old)
    g_setenv ("TZ", old, TRUE);
  else
    g_unsetenv ("TZ");
  tzset ();
}

static void
test_timestamp_new_york (void)
{
  check_timestamp_in_zone ("America/New_York");
}

static void
test_timestamp_shanghai (void)
{
  check_timestamp_in_zone ("Asia/Shanghai");
}

static void
test_nonce (void)
{
  g_autofree char *nonce = yq_zwdd_make_nonce ((gint64) 1704081600000 * 1000 + 999, 123456789);
  g_autofree char *small = yq_zwdd_make_nonce ((gint64) 1704081600000 * 1000, 7);

  g_assert_cmpstr (nonce, ==, "17040816000006789");
  g_assert_cmpstr (small, ==, "17040816000000007");
  g_assert_cmpuint (strlen (small), ==, 17);
}

/* ---- Envelopes and errors ---------------------------------------------------- */

typedef struct
{
  const char     *name;
  YqZwddEnvelope  envelope;
  gboolean        token_call;
  guint           status;
  gint64          skew;
  const char     *body;
  YqHttpVerdict   verdict;
  int             error_code;   /* -1: success */
  const char     *expect;       /* a substring of the result or the message */
} EnvelopeCase;

static const EnvelopeCase envelope_cases[] = {
  { "A ok, booleans", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":true,\"data\":{\"k\":1},\"responseCode\":\"0\"}}",
    YQ_HTTP_VERDICT_OK, -1, "\"k\":1" },
  { "A ok, strings", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":\"true\",\"content\":{\"success\":\"true\",\"data\":[\"GO_1\",\"GO_2\"]}}",
    YQ_HTTP_VERDICT_OK, -1, "GO_2" },
  { "A ok, data \"true\"", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":true,\"data\":\"true\"}}",
    YQ_HTTP_VERDICT_OK, -1, "\"true\"" },
  { "A ok, scalar data", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":true,\"data\":42}}",
    YQ_HTTP_VERDICT_OK, -1, "42" },
  { "A: content.success false", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":false,\"responseCode\":\"400001\","
    "\"responseMessage\":\"参数错误\",\"bizErrorCode\":\"X-1\"}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "400001: 参数错误 (X-1)" },
  { "A: top false, content true", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":false,\"errorCode\":\"E1\",\"errorMsg\":\"gateway says no\","
    "\"content\":{\"success\":true,\"data\":{}}}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_BUSINESS, "gateway says no" },
  { "A: string false", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":\"false\",\"responseCode\":\"1\","
    "\"responseMessage\":\"no\"}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "1: no" },
  { "scope 300037", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":false,\"responseCode\":\"300037\","
    "\"bizErrorCode\":\"MFH-B003-02-16-0037\",\"responseMessage\":\"没有[GO_x]组织的操作权限\"}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_NO_PERMISSION, "MFH-B003-02-16-0037" },
  { "token 250027", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":false,\"responseCode\":\"250027\","
    "\"responseMessage\":\"accessToken not correct\"}}",
    YQ_HTTP_VERDICT_TOKEN_INVALID, YQ_PLATFORM_ERROR_TOKEN_INVALID, "250027" },
  { "gettoken refused", YQ_ZWDD_ENVELOPE_A, TRUE, 200, 0,
    "{\"success\":true,\"content\":{\"success\":false,\"responseCode\":\"100001\","
    "\"responseMessage\":\"app not found\"}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_AUTH, "100001" },
  { "signature, HTTP 200", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":false,\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"bad sig\","
    "\"_RequestId\":\"req-1\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BAD_SIGNATURE, "SignatureDoesNotMatch" },
  { "signature, HTTP 401", YQ_ZWDD_ENVELOPE_A, FALSE, 401, 0,
    "{\"success\":false,\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"bad sig\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BAD_SIGNATURE, "bad sig" },
  { "signature with a skewed clock", YQ_ZWDD_ENVELOPE_A, FALSE, 403, 3600,
    "{\"success\":false,\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"bad sig\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_CLOCK_SKEW, "3600" },
  { "timestamp window", YQ_ZWDD_ENVELOPE_A, FALSE, 400, 0,
    "{\"success\":false,\"Code\":\"InvalidTimeStamp.Expired\",\"Message\":\"timestamp expired\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_CLOCK_SKEW, "InvalidTimeStamp" },
  { "unknown api key", YQ_ZWDD_ENVELOPE_A, FALSE, 400, 0,
    "{\"success\":false,\"Code\":\"InvalidApiKey\",\"Message\":\"apiKey not found\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_AUTH, "InvalidApiKey" },
  { "throttled", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":false,\"Code\":\"Throttling.User\",\"Message\":\"Request was denied due to "
    "user flow control.\"}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_RATE_LIMITED, "Throttling" },
  { "HTTP 429 without body", YQ_ZWDD_ENVELOPE_A, FALSE, 429, 0, "",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_RATE_LIMITED, "429" },
  { "HTTP 502 HTML", YQ_ZWDD_ENVELOPE_A, FALSE, 502, 0, "<html>Bad Gateway</html>",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_SERVER, "502" },
  { "HTTP 404 HTML", YQ_ZWDD_ENVELOPE_A, FALSE, 404, 0, "<html>Not Found</html>",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "404" },
  { "HTTP 203 is an error", YQ_ZWDD_ENVELOPE_A, FALSE, 203, 0,
    "{\"success\":true,\"content\":{\"success\":true,\"data\":{}}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "203" },
  { "HTTP 300 is an error", YQ_ZWDD_ENVELOPE_A, FALSE, 300, 0,
    "{\"success\":true,\"content\":{\"success\":true,\"data\":{}}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "300" },
  { "not JSON", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0, "OK",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "JSON" },
  { "no success flag", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0, "{\"content\":{}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "success" },
  { "no content.success", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"data\":{}}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "content.success" },
  { "scopesV2 ok", YQ_ZWDD_ENVELOPE_CONTENT, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"deptVisibleScopes\":[\"GO_root\"],"
    "\"userVisibleScopes\":[]}}",
    YQ_HTTP_VERDICT_OK, -1, "GO_root" },
  { "scopesV2 error", YQ_ZWDD_ENVELOPE_CONTENT, FALSE, 200, 0,
    "{\"success\":false,\"errorCode\":\"E9\",\"errorMsg\":\"denied\",\"errorLevel\":\"error\"}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_BUSINESS, "E9: denied" },
  { "notification, object", YQ_ZWDD_ENVELOPE_MESSAGE, FALSE, 200, 0,
    "{\"success\":true,\"content\":{\"msgId\":\"m-1\"}}",
    YQ_HTTP_VERDICT_OK, -1, "m-1" },
  { "notification, string", YQ_ZWDD_ENVELOPE_MESSAGE, FALSE, 200, 0,
    "{\"success\":true,\"content\":\"m-2\"}",
    YQ_HTTP_VERDICT_OK, -1, "m-2" },
  { "notification, duplicate", YQ_ZWDD_ENVELOPE_MESSAGE, FALSE, 200, 0,
    "{\"success\":false,\"errorCode\":\"1\",\"errorMsg\":\"bizMsgId重复\"}",
    YQ_HTTP_VERDICT_OK, -1, YQ_ZWDD_DUPLICATE_MEMBER },
};

static void
test_envelopes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (envelope_cases); i++)
    {
      const EnvelopeCase *c = &envelope_cases[i];
      g_autoptr(GBytes) body = g_bytes_new_static (c->body, strlen (c->body));
      g_autoptr(JsonNode) result = NULL;
      g_autoptr(GError) error = NULL;
      YqHttpVerdict verdict;

      g_test_message ("case: %s", c->name);
      verdict = yq_zwdd_parse_response ("/call", c->envelope, c->token_call, c->status, c->skew,
                                        body, &result, &error);
      g_assert_cmpint (verdict, ==, c->verdict);
      if (c->error_code < 0)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (result);
          text = yq_json_to_string (result);
          g_assert_nonnull (strstr (text, c->expect));
        }
      else
        {
          g_assert_null (result);
          g_assert_error (error, YQ_PLATFORM_ERROR, c->error_code);
          g_assert_nonnull (strstr (error->message, c->expect));
          g_assert_nonnull (strstr (error->message, "/call"));
        }
    }
}

static void
test_content_data (void)
{
  const char *text = "{\"success\":true,\"content\":{\"success\":true,\"data\":[\"a\",\"b\"],"
                     "\"totalSize\":\"250\",\"currentPage\":1,\"pageSize\":100}}";
  g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));
  g_autoptr(JsonNode) content = NULL;
  JsonNode *data;
  gint64 total = 0;

  g_assert_cmpint (yq_zwdd_parse_response ("/x", YQ_ZWDD_ENVELOPE_A, FALSE, 200, 0, body,
                                           &content, NULL), ==, YQ_HTTP_VERDICT_OK);
  data = yq_zwdd_content_get_data (content);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (data));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (data)), ==, 2);
  g_assert_true (yq_zwdd_content_get_total (content, &total));
  g_assert_cmpint (total, ==, 250);

  g_assert_true (yq_zwdd_data_is_empty (NULL));
  {
    g_autoptr(JsonNode) n = json_from_string ("\"\"", NULL);
    g_autoptr(JsonNode) o = json_from_string ("{}", NULL);
    g_autoptr(JsonNode) a = json_from_string ("[]", NULL);
    g_autoptr(JsonNode) t = json_from_string ("{\"taskUuid\":\"u\"}", NULL);
    g_autoptr(JsonNode) z = json_from_string ("null", NULL);

    g_assert_true (yq_zwdd_data_is_empty (n));
    g_assert_true (yq_zwdd_data_is_empty (o));
    g_assert_true (yq_zwdd_data_is_empty (a));
    g_assert_true (yq_zwdd_data_is_empty (z));
    g_assert_false (yq_zwdd_data_is_empty (t));
  }
}

static void
test_error_mapping (void)
{
  struct {
    guint status; gboolean gateway; const char *code; const char *biz; const char *message;
    gboolean token_call; gint64 skew; YqPlatformError expected; YqHttpVerdict verdict;
  } cases[] = {
    { 200, TRUE, "SignatureDoesNotMatch", NULL, NULL, FALSE, 0,
      YQ_PLATFORM_ERROR_BAD_SIGNATURE, YQ_HTTP_VERDICT_FAIL },
    { 200, TRUE, "SignatureDoesNotMatch", NULL, NULL, FALSE, -1200,
      YQ_PLATFORM_ERROR_CLOCK_SKEW, YQ_HTTP_VERDICT_FAIL },
    { 401, TRUE, "Unauthorized", NULL, "timestamp out of range", FALSE, 0,
      YQ_PLATFORM_ERROR_CLOCK_SKEW, YQ_HTTP_VERDICT_FAIL },
    { 200, FALSE, "300037", "MFH-B003-02-16-0037", "…没有[GO_1]组织的操作权限", FALSE, 0,
      YQ_PLATFORM_ERROR_NO_PERMISSION, YQ_HTTP_VERDICT_FAIL },
    { 200, FALSE, "1", "MFH-B003-02-16-0037", NULL, FALSE, 0,
      YQ_PLATFORM_ERROR_NO_PERMISSION, YQ_HTTP_VERDICT_FAIL },
    { 200, FALSE, "250027", NULL, "accessToken not correct", FALSE, 0,
      YQ_PLATFORM_ERROR_TOKEN_INVALID, YQ_HTTP_VERDICT_TOKEN_INVALID },
    { 200, FALSE, "9", NULL, "access_token expired", FALSE, 0,
      YQ_PLATFORM_ERROR_TOKEN_INVALID, YQ_HTTP_VERDICT_TOKEN_INVALID },
    { 200, FALSE, "9", NULL, "wrong appsecret", TRUE, 0,
      YQ_PLATFORM_ERROR_AUTH, YQ_HTTP_VERDICT_FAIL },
    { 200, FALSE, "9", NULL, "something", TRUE, 0,
      YQ_PLATFORM_ERROR_AUTH, YQ_HTTP_VERDICT_FAIL },
    { 403, TRUE, NULL, NULL, NULL, FALSE, 0, YQ_PLATFORM_ERROR_AUTH, YQ_HTTP_VERDICT_FAIL },
    { 200, TRUE, "Throttling", NULL, NULL, FALSE, 0,
      YQ_PLATFORM_ERROR_RATE_LIMITED, YQ_HTTP_VERDICT_RETRY },
    { 200, FALSE, "8", NULL, "调用太频繁", FALSE, 0,
      YQ_PLATFORM_ERROR_RATE_LIMITED, YQ_HTTP_VERDICT_RETRY },
    { 503, TRUE, NULL, NULL, NULL, FALSE, 0, YQ_PLATFORM_ERROR_SERVER, YQ_HTTP_VERDICT_RETRY },
    { 200, TRUE, "Unknown.Code", NULL, "?", FALSE, 0,
      YQ_PLATFORM_ERROR_BUSINESS, YQ_HTTP_VERDICT_RETRY },
    { 200, FALSE, "400002", NULL, "pageSize too large", FALSE, 0,
      YQ_PLATFORM_ERROR_BUSINESS, YQ_HTTP_VERDICT_FAIL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      YqHttpVerdict verdict = YQ_HTTP_VERDICT_OK;
      YqPlatformError code;

      code = yq_zwdd_classify_failure (cases[i].status, cases[i].gateway, cases[i].code,
                                       cases[i].biz, cases[i].message, cases[i].token_call,
                                       cases[i].skew, &verdict);
      g_test_message ("case %u", i);
      g_assert_cmpint (code, ==, cases[i].expected);
      g_assert_cmpint (verdict, ==, cases[i].verdict);
    }
}

static void
test_recipient_limit_error (void)
{
  g_autoptr(GError) limit = yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS, "/m",
                                                   "400: receiverIds超过100人");
  g_autoptr(GError) other = yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS, "/m",
                                                   "400: msg too long");
  g_autoptr(GError) net = yq_platform_error_new (YQ_PLATFORM_ERROR_NETWORK, "/m", "receiver");

  g_assert_true (yq_zwdd_is_recipient_limit_error (limit));
  g_assert_false (yq_zwdd_is_recipient_limit_error (other));
  g_assert_false (yq_zwdd_is_recipient_limit_error (net));
}

/* ---- Paging ------------------------------------------------------------------ */

static void
test_paging (void)
{
  /* By total size */
  g_assert_true (yq_zwdd_page_is_last (1, 100, 4, TRUE, 4));
  g_assert_false (yq_zwdd_page_is_last (1, 100, 100, TRUE, 250));
  g_assert_false (yq_zwdd_page_is_last (2, 100, 100, TRUE, 250));
  g_assert_true (yq_zwdd_page_is_last (3, 100, 50, TRUE, 250));
  g_assert_true (yq_zwdd_page_is_last (1, 100, 100, TRUE, 100));
  g_assert_false (yq_zwdd_page_is_last (1, 100, 50, TRUE, 80));
  /* Empty page */
  g_assert_true (yq_zwdd_page_is_last (2, 100, 0, TRUE, 250));
  g_assert_true (yq_zwdd_page_is_last (1, 100, 0, FALSE, 0));
  /* By short page, without a total */
  g_assert_false (yq_zwdd_page_is_last (1, 100, 100, FALSE, 0));
  g_assert_true (yq_zwdd_page_is_last (2, 100, 99, FALSE, 0));

  g_assert_cmpint (yq_zwdd_page_count (100, 0), ==, 1);
  g_assert_cmpint (yq_zwdd_page_count (100, 100), ==, 1);
  g_assert_cmpint (yq_zwdd_page_count (100, 101), ==, 2);
  g_assert_cmpint (yq_zwdd_page_count (100, 250), ==, 3);
}

/* Drives the pager with canned pages the way the crawl does. */
static guint
pages_needed (const guint *page_sizes,
              guint        n_pages,
              gboolean     with_total,
              gint64       total)
{
  guint read = 0;

  for (guint p = 1; p <= n_pages; p++)
    {
      read++;
      if (yq_zwdd_page_is_last (p, 100, page_sizes[p - 1], with_total, total))
        break;
    }
  return read;
}

static void
test_paging_canned (void)
{
  const guint exact[] = { 100, 100, 0 };
  const guint partial[] = { 100, 100, 50, 0 };

  /* 200 items: the total ends it after two pages, the short-page rule needs
   * a third, empty page. */
  g_assert_cmpuint (pages_needed (exact, 3, TRUE, 200), ==, 2);
  g_assert_cmpuint (pages_needed (exact, 3, FALSE, 0), ==, 3);
  g_assert_cmpuint (pages_needed (partial, 4, TRUE, 250), ==, 3);
  g_assert_cmpuint (pages_needed (partial, 4, FALSE, 0), ==, 3);
}

/* ---- Mapping ------------------------------------------------------------------ */

static JsonObject *
parse_object (const char *text,
              JsonNode  **holder)
{
  *holder = json_from_string (text, NULL);
  g_assert_nonnull (*holder);
  return json_node_get_object (*holder);
}

static void
test_department_mapping (void)
{
  g_autoptr(JsonNode) n1 = NULL;
  g_autoptr(JsonNode) n2 = NULL;
  g_autoptr(YqOrgDepartment) d1 = NULL;
  g_autoptr(YqOrgDepartment) d2 = NULL;

  d1 = yq_zwdd_department_from_json (parse_object ("{\"organizationCode\":\"GO_1\","
                                                   "\"organizationName\":\"办公室\","
                                                   "\"parentCode\":\"GO_0\",\"displayOrder\":\"7\","
                                                   "\"status\":\"A\"}", &n1), "GO_0");
  g_assert_cmpstr (d1->id, ==, "GO_1");
  g_assert_cmpstr (d1->parent_id, ==, "GO_0");
  g_assert_cmpstr (d1->name, ==, "办公室");
  g_assert_cmpint (d1->order, ==, 7);
  g_assert_true (d1->active);

  d2 = yq_zwdd_department_from_json (parse_object ("{\"organizationCode\":\"123\","
                                                   "\"organizationName\":\"x\","
                                                   "\"displayOrder\":3,\"status\":\"F\"}", &n2),
                                     NULL);
  g_assert_cmpstr (d2->id, ==, "123");
  g_assert_null (d2->parent_id);
  g_assert_cmpint (d2->order, ==, 3);
  g_assert_false (d2->active);
}

static void
test_person_mapping (void)
{
  g_autoptr(JsonNode) n1 = NULL;
  g_autoptr(JsonNode) n2 = NULL;
  g_autoptr(JsonNode) n3 = NULL;
  g_autoptr(JsonNode) n4 = NULL;
  g_autoptr(YqOrgPerson) p = NULL;
  g_autoptr(YqOrgPerson) q = NULL;
  JsonObject *e1;
  JsonObject *e2;
  gboolean main_known = FALSE;
  gboolean q_main = FALSE;

  /* Listed under GO_a with only that (part-time) position, then under GO_b
   * with the main one; a finished position (status F) is ignored. */
  e1 = parse_object ("{\"employeeCode\":\"GE_1\",\"employeeName\":\"张三\",\"status\":\"A\","
                     "\"govEmployeePositions\":[{\"organizationCode\":\"GO_a\",\"mainJob\":false,"
                     "\"orderInOrganization\":9,\"govEmpPosJob\":\"副主任\",\"status\":\"A\"},"
                     "{\"organizationCode\":\"GO_old\",\"mainJob\":false,\"status\":\"F\"}]}",
                     &n1);
  e2 = parse_object ("{\"employeeCode\":\"GE_1\",\"employeeName\":\"张三\",\"status\":\"A\","
                     "\"govEmployeePositions\":[{\"organizationCode\":\"GO_b\","
                     "\"mainJob\":\"true\",\"orderInOrganization\":\"2\","
                     "\"govEmpPosJob\":\"主任\"}]}", &n2);

  p = yq_zwdd_person_from_employee (e1);
  g_assert_cmpstr (p->id, ==, "GE_1");
  g_assert_cmpstr (p->name, ==, "张三");
  g_assert_true (p->active);
  yq_zwdd_person_merge_positions (p, &main_known, e1, "GO_a");
  g_assert_false (main_known);
  g_assert_cmpstr (p->department_ids[0], ==, "GO_a");
  g_assert_null (p->department_ids[1]);
  g_assert_cmpint (p->order, ==, 9);
  g_assert_cmpstr (p->title, ==, "副主任");

  yq_zwdd_person_merge_positions (p, &main_known, e2, "GO_b");
  g_assert_true (main_known);
  g_assert_cmpstr (p->department_ids[0], ==, "GO_b");
  g_assert_cmpstr (p->department_ids[1], ==, "GO_a");
  g_assert_null (p->department_ids[2]);
  g_assert_cmpint (p->order, ==, 2);
  g_assert_cmpstr (p->title, ==, "主任");

  /* Seen again in GO_a: nothing changes. */
  yq_zwdd_person_merge_positions (p, &main_known, e1, "GO_a");
  g_assert_cmpstr (p->department_ids[0], ==, "GO_b");
  g_assert_cmpstr (p->department_ids[1], ==, "GO_a");
  g_assert_cmpint (p->order, ==, 2);

  yq_zwdd_person_apply_account (p, parse_object ("{\"accountId\":12345678901,"
                                                 "\"accountCode\":\"zhangsan\","
                                                 "\"accountNamespace\":\"local\","
                                                 "\"employeeCode\":\"GE_1\"}", &n3));
  g_assert_cmpstr (p->account_id, ==, "12345678901");
  g_assert_cmpstr (p->account_code, ==, "zhangsan");
  g_assert_null (p->mobile);

  /* No positions at all: the listing's organization stands in; F = inactive. */
  q = yq_zwdd_person_from_employee (parse_object ("{\"employeeCode\":\"GE_2\","
                                                  "\"employeeName\":\"李四\",\"status\":\"F\"}",
                                                  &n4));
  g_assert_false (q->active);
  yq_zwdd_person_merge_positions (q, &q_main, json_node_get_object (n4), "GO_c");
  g_assert_cmpstr (q->department_ids[0], ==, "GO_c");

  /* An invalid employee keeps its positions, invalid with it, main first. */
  {
    g_autoptr(JsonNode) n5 = NULL;
    g_autoptr(YqOrgPerson) r = NULL;
    gboolean r_main = FALSE;
    JsonObject *e5;

    e5 = parse_object ("{\"employeeCode\":\"GE_3\",\"employeeName\":\"王五\",\"status\":\"F\","
                       "\"govEmployeePositions\":[{\"organizationCode\":\"GO_d\","
                       "\"mainJob\":false,\"status\":\"F\"},{\"organizationCode\":\"GO_e\","
                       "\"mainJob\":true,\"orderInOrganization\":4,\"govEmpPosJob\":\"科员\","
                       "\"status\":\"F\"}]}", &n5);
    r = yq_zwdd_person_from_employee (e5);
    yq_zwdd_person_merge_positions (r, &r_main, e5, "GO_d");
    g_assert_false (r->active);
    g_assert_cmpstr (r->department_ids[0], ==, "GO_e");
    g_assert_cmpstr (r->department_ids[1], ==, "GO_d");
    g_assert_null (r->department_ids[2]);
    g_assert_cmpint (r->order, ==, 4);
    g_assert_cmpstr (r->title, ==, "科员");
  }
}

static void
test_login_mapping (void)
{
  g_autoptr(JsonNode) n1 = NULL;
  g_autoptr(JsonNode) n2 = NULL;
  g_autoptr(JsonNode) n3 = NULL;
  g_autoptr(YqOrgPerson) p = NULL;
  g_autoptr(YqOrgPerson) q = NULL;
  g_autoptr(YqOrgPerson) r = NULL;

  p = yq_zwdd_person_from_login (parse_object ("{\"accountId\":2001,\"employeeCode\":\"GE_9\","
                                               "\"account\":\"wangwu\",\"lastName\":\"王五\","
                                               "\"nickNameCn\":\"小王\",\"realmId\":12345}", &n1));
  g_assert_cmpstr (p->id, ==, "GE_9");
  g_assert_cmpstr (p->account_id, ==, "2001");
  g_assert_cmpstr (p->account_code, ==, "wangwu");
  g_assert_cmpstr (p->name, ==, "王五");

  q = yq_zwdd_person_from_login (parse_object ("{\"accountId\":\"2002\",\"nickNameCn\":\"小赵\"}",
                                               &n2));
  g_assert_cmpstr (q->id, ==, "2002");
  g_assert_cmpstr (q->name, ==, "小赵");

  r = yq_zwdd_person_from_login (parse_object ("{\"employeeCode\":\"GE_1\"}", &n3));
  g_assert_null (r);
}

static void
test_derive_id (void)
{
  g_autofree char *a = yq_zwdd_derive_id ("oa-1", NULL);
  g_autofree char *b = yq_zwdd_derive_id ("oa-1", "2");
  g_autofree char *long_key = g_strnfill (80, 'k');
  g_autofree char *c = yq_zwdd_derive_id (long_key, "1001");
  g_autofree char *c2 = yq_zwdd_derive_id (long_key, "1001");
  g_autofree char *c3 = yq_zwdd_derive_id (long_key, "1002");
  g_autofree char *due = yq_zwdd_format_due_time (1704081600);

  g_assert_cmpstr (a, ==, "oa-1");
  g_assert_cmpstr (b, ==, "oa-1-2");
  g_assert_cmpuint (strlen (c), ==, 64);
  g_assert_cmpstr (c, ==, c2);
  g_assert_cmpstr (c, !=, c3);
  g_assert_cmpstr (due, ==, "2024-01-01 12:00:00");
}

/* ---- A canned gateway --------------------------------------------------------- */

typedef struct
{
  SoupServer *server;
  char       *base;
  char       *secret;
  GHashTable *calls;          /* path → count */
  guint       total_calls;
  GPtrArray  *requests;       /* "path?canonical" of every request, in order */
  gboolean    bad_signature_status_400;
  gboolean    deny_scope;
  gboolean    duplicate_message;
  gboolean    empty_task;
  gboolean    extra_user;
  guint       token_serial;
  char       *last_msg;
  char       *last_biz_msg_id;
  GPtrArray  *biz_msg_ids;
} Gateway;

static GPtrArray *
decode_pairs (const char *encoded)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) fields = g_strsplit (encoded ? encoded : "", "&", -1);

  for (guint i = 0; fields[i]; i++)
    {
      char *eq = strchr (fields[i], '=');

      if (*fields[i] == '\0' || eq == NULL)
        continue;
      *eq = '\0';
      g_ptr_array_add (pairs, g_uri_unescape_string (fields[i], NULL));
      g_ptr_array_add (pairs, g_uri_unescape_string (eq + 1, NULL));
    }
  return pairs;
}

static const char *
pair_get (GPtrArray  *pairs,
          const char *name)
{
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    if (g_str_equal (g_ptr_array_index (pairs, i), name))
      return g_ptr_array_index (pairs, i + 1);
  return NULL;
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static void
reply_data (SoupServerMessage *msg,
            const char        *data,
            gint64             total)
{
  g_autofree char *body = NULL;

  if (total >= 0)
    body = g_strdup_printf ("{\"success\":true,\"content\":{\"success\":true,\"data\":%s,"
                            "\"responseCode\":\"0\",\"totalSize\":%" G_GINT64_FORMAT "}}",
                            data, total);
  else
    body = g_strdup_printf ("{\"success\":true,\"content\":{\"success\":true,\"data\":%s,"
                            "\"responseCode\":\"0\"}}", data);
  reply (msg, 200, body);
}

static guint
children_of (const char *org,
             GPtrArray  *out)
{
  if (g_str_equal (org, "GO_root"))
    {
      g_ptr_array_add (out, g_strdup ("GO_a"));
      g_ptr_array_add (out, g_strdup ("GO_b"));
    }
  else if (g_str_equal (org, "GO_a"))
    for (guint i = 0; i < 150; i++)
      g_ptr_array_add (out, g_strdup_printf ("GO_a%03u", i));
  return out->len;
}

static void
employees_of (const char *org,
              GPtrArray  *out)
{
  if (g_str_equal (org, "GO_root"))
    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (out, g_strdup_printf ("{\"employeeCode\":\"GE_r%u\","
                                             "\"employeeName\":\"R%u\",\"status\":\"%s\","
                                             "\"govEmployeePositions\":[{"
                                             "\"organizationCode\":\"GO_root\",\"mainJob\":%s,"
                                             "\"orderInOrganization\":%u,"
                                             "\"govEmpPosJob\":\"副主任\"}]}",
                                             i, i, i == 2 ? "F" : "A", i == 1 ? "false" : "true",
                                             5 + i));
  else if (g_str_equal (org, "GO_b"))
    {
      for (guint i = 0; i < 249; i++)
        g_ptr_array_add (out, g_strdup_printf ("{\"employeeCode\":\"GE_b%03u\",\"employeeName\":"
                                               "\"B%u\",\"status\":\"A\","
                                               "\"govEmployeePositions\":[{"
                                               "\"organizationCode\":\"GO_b\",\"mainJob\":true,"
                                               "\"orderInOrganization\":%u}]}", i, i, i));
      g_ptr_array_add (out, g_strdup ("{\"employeeCode\":\"GE_r1\",\"employeeName\":\"R1\","
                                      "\"status\":\"A\",\"govEmployeePositions\":[{"
                                      "\"organizationCode\":\"GO_b\",\"mainJob\":true,"
                                      "\"orderInOrganization\":\"2\",\"govEmpPosJob\":\"主任\"}]}"));
    }
}

static void
reply_page (SoupServerMessage *msg,
            GPtrArray         *items,
            GPtrArray         *pairs,
            gboolean           quote)
{
  gint64 page = g_ascii_strtoll (pair_get (pairs, "pageNo"), NULL, 10);
  gint64 size = g_ascii_strtoll (pair_get (pairs, "pageSize"), NULL, 10);
  GString *data = g_string_new ("[");

  g_assert_cmpint (size, <=, 100);
  g_assert_cmpstr (pair_get (pairs, "returnTotalSize"), ==, "true");
  for (gint64 i = (page - 1) * size; i < page * size && i < items->len; i++)
    {
      if (data->len > 1)
        g_string_append_c (data, ',');
      if (quote)
        g_string_append_printf (data, "\"%s\"", (char *) g_ptr_array_index (items, i));
      else
        g_string_append (data, g_ptr_array_index (items, i));
    }
  g_string_append_c (data, ']');
  reply_data (msg, data->str, items->len);
  g_string_free (data, TRUE);
}

static void
gateway_handler (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Gateway *gw = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(YqZwddParams) params = yq_zwdd_params_new ();
  g_autofree char *canonical = NULL;
  g_autofree char *to_sign = NULL;
  g_autofree char *expected = NULL;
  const char *key = soup_message_headers_get_one (headers, "apiKey");
  const char *secret;
  guint *count;

  gw->total_calls++;
  count = g_hash_table_lookup (gw->calls, path);
  if (count == NULL)
    {
      count = g_new0 (guint, 1);
      g_hash_table_insert (gw->calls, g_strdup (path), count);
    }
  (*count)++;

  if (g_str_equal (method, "GET"))
    pairs = decode_pairs (g_uri_get_query (soup_server_message_get_uri (msg)));
  else
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      const char *type = soup_message_headers_get_content_type (headers, NULL);

      g_assert_cmpstr (type, ==, "application/x-www-form-urlencoded");
      pairs = decode_pairs (body->data);
    }

  /* Verify the request as the gateway would, from the decoded values. */
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Hmac-Auth-Version"), ==, "1.0");
  g_assert_null (soup_message_headers_get_one (headers, "X-Hmac-Auth-Algorithm"));
  g_assert_nonnull (soup_message_headers_get_one (headers, "X-Hmac-Auth-IP"));
  g_assert_nonnull (soup_message_headers_get_one (headers, "X-Hmac-Auth-MAC"));
  g_assert_true (g_str_has_suffix (soup_message_headers_get_one (headers, "X-Hmac-Auth-Timestamp"),
                                   "+08:00"));
  g_assert_cmpuint (strlen (soup_message_headers_get_one (headers, "X-Hmac-Auth-Nonce")), ==, 17);
  secret = g_strcmp0 (key, "qrKey") == 0 ? "qrSecret" : gw->secret;
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    {
      g_autofree char *value = g_strstrip (g_strdup (g_ptr_array_index (pairs, i + 1)));

      /* Empty values are neither signed nor sent. */
      g_assert_cmpstr (value, !=, "");
      yq_zwdd_params_add (params, g_ptr_array_index (pairs, i), g_ptr_array_index (pairs, i + 1));
    }
  canonical = yq_zwdd_params_canonicalize (params);
  g_ptr_array_add (gw->requests, g_strconcat (method, " ", path, "?", canonical, NULL));
  to_sign = yq_zwdd_string_to_sign (method,
                                    soup_message_headers_get_one (headers, "X-Hmac-Auth-Timestamp"),
                                    soup_message_headers_get_one (headers, "X-Hmac-Auth-Nonce"),
                                    path, canonical);
  expected = yq_zwdd_sign (secret, to_sign);
  if (g_strcmp0 (expected, soup_message_headers_get_one (headers, "X-Hmac-Auth-Signature")) != 0)
    {
      reply (msg, gw->bad_signature_status_400 ? 400 : 200,
             "{\"success\":false,\"Code\":\"SignatureDoesNotMatch\",\"Message\":\"The request "
             "signature does not conform to platform standards.\",\"_RequestId\":\"rq-42\"}");
      return;
    }

  if (!g_str_equal (path, "/gettoken.json") && !g_str_has_prefix (path, "/rpc/"))
    g_assert_null (pair_get (pairs, "access_token"));

  if (g_str_equal (path, "/gettoken.json"))
    {
      g_autofree char *body = NULL;

      g_assert_cmpstr (method, ==, "GET");
      g_assert_cmpstr (pair_get (pairs, "appkey"), ==, key);
      g_assert_cmpstr (pair_get (pairs, "appsecret"), ==, secret);
      body = g_strdup_printf ("{\"success\":true,\"content\":{\"success\":true,\"data\":"
                              "{\"accessToken\":\"app_tok%u\",\"expiresIn\":\"7200\"}}}",
                              ++gw->token_serial);
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/auth/scopesV2"))
    {
      if (gw->extra_user)
        reply (msg, 200, "{\"success\":true,\"content\":{\"deptVisibleScopes\":[\"GO_root\"],"
                         "\"userVisibleScopes\":[\"GE_r0\",\"GE_guest\"]}}");
      else
        reply (msg, 200, "{\"success\":true,\"content\":{\"deptVisibleScopes\":[\"GO_root\"],"
                         "\"userVisibleScopes\":[\"GE_r0\"]},\"errorCode\":null}");
    }
  else if (g_str_equal (path, "/mozi/employee/listEmployeesByCodes"))
    {
      g_assert_cmpstr (pair_get (pairs, "employeeCodes"), ==, "GE_guest");
      reply_data (msg, "[{\"employeeCode\":\"GE_guest\",\"employeeName\":\"Guest\","
                       "\"status\":\"A\"}]", -1);
    }
  else if (g_str_equal (path, "/mozi/organization/pageSubOrganizationCodes"))
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

      g_assert_cmpstr (pair_get (pairs, "status"), ==, "A");
      if (gw->deny_scope)
        {
          reply (msg, 200, "{\"success\":true,\"content\":{\"success\":false,"
                           "\"responseCode\":\"300037\",\"bizErrorCode\":\"MFH-B003-02-16-0037\","
                           "\"responseMessage\":\"没有[GO_root]组织的操作权限\"}}");
          return;
        }
      children_of (pair_get (pairs, "organizationCode"), items);
      reply_page (msg, items, pairs, TRUE);
    }
  else if (g_str_equal (path, "/mozi/organization/pageOrganizationEmployeePositions"))
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

      employees_of (pair_get (pairs, "organizationCode"), items);
      reply_page (msg, items, pairs, FALSE);
    }
  else if (g_str_equal (path, "/mozi/organization/listOrganizationsByCodes"))
    {
      GString *data = g_string_new ("[");
      guint n = 0;

      for (guint i = 0; i + 1 < pairs->len; i += 2)
        if (g_str_equal (g_ptr_array_index (pairs, i), "organizationCodes"))
          {
            const char *code = g_ptr_array_index (pairs, i + 1);

            if (n++ > 0)
              g_string_append_c (data, ',');
            g_string_append_printf (data, "{\"organizationCode\":\"%s\",\"organizationName\":"
                                    "\"Name of %s\",\"displayOrder\":%s,\"status\":\"A\","
                                    "\"parentCode\":\"%s\"}", code, code,
                                    g_str_equal (code, "GO_b") ? "\"4\"" : "1",
                                    g_str_equal (code, "GO_root") ? "GO_outside" : "x");
          }
      g_assert_cmpuint (n, <=, 100);
      g_string_append_c (data, ']');
      reply_data (msg, data->str, -1);
      g_string_free (data, TRUE);
    }
  else if (g_str_equal (path, "/mozi/employee/listEmployeeAccountIds"))
    {
      GString *data = g_string_new ("[");
      guint n = 0;

      for (guint i = 0; i + 1 < pairs->len; i += 2)
        if (g_str_equal (g_ptr_array_index (pairs, i), "employeeCodes"))
          {
            const char *code = g_ptr_array_index (pairs, i + 1);

            if (n++ > 0)
              g_string_append_c (data, ',');
            g_string_append_printf (data, "{\"accountId\":%u,\"accountCode\":\"acc_%s\","
                                    "\"accountNamespace\":\"local\",\"employeeCode\":\"%s\"}",
                                    g_str_hash (code) % 100000, code, code);
          }
      g_assert_cmpuint (n, <=, 100);
      g_string_append_c (data, ']');
      reply_data (msg, data->str, -1);
      g_string_free (data, TRUE);
    }
  else if (g_str_equal (path, "/rpc/oauth2/dingtalk_app_user.json") ||
           g_str_equal (path, "/rpc/oauth2/getuserinfo_bycode.json"))
    {
      gboolean qr = g_str_has_suffix (path, "bycode.json");

      g_assert_cmpstr (method, ==, "POST");
      g_assert_nonnull (pair_get (pairs, "access_token"));
      g_assert_nonnull (pair_get (pairs, qr ? "code" : "auth_code"));
      if (g_strcmp0 (pair_get (pairs, "access_token"), "app_tok1") == 0 && !qr)
        {
          /* The first token has "expired". */
          reply (msg, 200, "{\"success\":true,\"content\":{\"success\":false,"
                           "\"responseCode\":\"250027\","
                           "\"responseMessage\":\"accessToken not correct\"}}");
          return;
        }
      reply (msg, 200, "{\"success\":true,\"content\":{\"success\":true,\"data\":{"
                       "\"accountId\":777,\"employeeCode\":\"GE_r0\",\"account\":\"r0\","
                       "\"lastName\":\"R0\","
                       "\"realmId\":12345}}}");
    }
  else if (g_str_equal (path, "/message/workNotification"))
    {
      g_free (gw->last_msg);
      gw->last_msg = g_strdup (pair_get (pairs, "msg"));
      g_ptr_array_add (gw->biz_msg_ids, g_strdup (pair_get (pairs, "bizMsgId")));
      g_assert_cmpuint (strlen (gw->last_msg), <=, 2048);
      g_assert_null (strchr (pair_get (pairs, "receiverIds"), '&'));
      if (gw->duplicate_message)
        reply (msg, 200, "{\"success\":false,\"errorCode\":\"13\",\"errorMsg\":\"bizMsgId重复\"}");
      else
        reply (msg, 200, "{\"success\":true,\"content\":{\"msgId\":\"msg-1\"}}");
    }
  else if (g_str_equal (path, "/tc/v2/openapi/task/create.json"))
    {
      g_autofree char *body = NULL;

      g_assert_true (strchr (pair_get (pairs, "url"), '?') != NULL);
      g_assert_true (strchr (pair_get (pairs, "mobileUrl"), '?') != NULL);
      if (gw->empty_task)
        {
          reply (msg, 200, "{\"success\":true,\"content\":{\"success\":true,\"data\":null}}");
          return;
        }
      body = g_strdup_printf ("{\"success\":true,\"content\":{\"success\":true,\"data\":{"
                              "\"taskUuid\":\"uuid-%s\",\"bizTaskId\":\"%s\"}}}",
                              pair_get (pairs, "assigneeId"), pair_get (pairs, "bizTaskId"));
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/tc/openapi/3rd/task/getTodoList"))
    {
      g_autofree char *body = g_strdup_printf ("{\"success\":true,\"content\":{\"success\":true,"
                                               "\"data\":{\"list\":[{\"bizTaskId\":\"other\","
                                               "\"taskUuid\":\"no\"},{\"bizTaskId\":\"todo-1-%s\","
                                               "\"taskUuid\":\"found-%s\"}]}}}",
                                               pair_get (pairs, "userId"),
                                               pair_get (pairs, "userId"));
      reply (msg, 200, body);
    }
  else if (g_str_equal (path, "/tc/openapi/task/finish.json") ||
           g_str_equal (path, "/tc/openapi/task/cancel.json"))
    reply (msg, 200, "{\"success\":true,\"content\":{\"success\":true,\"data\":\"true\"}}");
  else
    reply (msg, 404, "{\"success\":false,\"Code\":\"NotFound\"}");
}

static Gateway *
gateway_new (const char *secret)
{
  Gateway *gw = g_new0 (Gateway, 1);
  GSList *uris;
  g_autofree char *uri = NULL;
  GError *error = NULL;

  gw->secret = g_strdup (secret);
  gw->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gw->requests = g_ptr_array_new_with_free_func (g_free);
  gw->biz_msg_ids = g_ptr_array_new_with_free_func (g_free);
  gw->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (gw->server, NULL, gateway_handler, gw, NULL);
  soup_server_listen_local (gw->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (gw->server);
  uri = g_uri_to_string (uris->data);
  gw->base = g_strndup (uri, strlen (uri) - 1);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return gw;
}

static void
gateway_free (Gateway *gw)
{
  soup_server_disconnect (gw->server);
  g_object_unref (gw->server);
  g_hash_table_unref (gw->calls);
  g_ptr_array_unref (gw->requests);
  g_ptr_array_unref (gw->biz_msg_ids);
  g_free (gw->last_msg);
  g_free (gw->base);
  g_free (gw->secret);
  g_free (gw);
}

static guint
gateway_count (Gateway    *gw,
               const char *path)
{
  guint *count = g_hash_table_lookup (gw->calls, path);

  return count ? *count : 0;
}

static YqZwddClient *
client_for (Gateway *gw)
{
  g_autoptr(GError) error = NULL;
  YqZwddClient *client = yq_zwdd_client_new (gw->base, "12345", "testAppKey", "testSecretKey",
                                             &error);

  g_assert_no_error (error);
  return client;
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  guint         progress_calls;
  YqFetchStats  last;
  gint64        finished_at;
} Run;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;

  run->finished_at = g_get_monotonic_time ();
  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
run_wait (Run *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (run->loop);
  g_clear_pointer (&run->loop, g_main_loop_unref);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->result);
}

static void
progress_cb (const YqFetchStats *stats,
             gpointer            user_data)
{
  Run *run = user_data;

  g_assert_cmpuint (stats->pages, >=, run->last.pages);
  run->progress_calls++;
  run->last = *stats;
}

static void
test_client_crawl (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };
  YqOrgPerson *r1;
  YqOrgPerson *r2;
  YqOrgDepartment *dept;
  Run run = { 0 };
  guint expected_calls;

  yq_platform_fetch_directory_async (YQ_PLATFORM (client), progress_cb, &run, NULL, NULL, run_cb,
                                     &run);
  run_wait (&run);
  snapshot = yq_platform_fetch_directory_finish (YQ_PLATFORM (client), run.result, &stats, &error);
  g_assert_no_error (error);

  /* 153 departments: the root, GO_a and GO_b, and 150 under GO_a (two pages). */
  g_assert_cmpstr (yq_org_snapshot_get_root_id (snapshot), ==, "GO_root");
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (snapshot), ==, 153);
  dept = yq_org_snapshot_lookup_department (snapshot, "GO_root");
  g_assert_null (dept->parent_id);
  g_assert_cmpstr (dept->name, ==, "Name of GO_root");
  dept = yq_org_snapshot_lookup_department (snapshot, "GO_b");
  g_assert_cmpstr (dept->parent_id, ==, "GO_root");
  g_assert_cmpint (dept->order, ==, 4);
  dept = yq_org_snapshot_lookup_department (snapshot, "GO_a149");
  g_assert_cmpstr (dept->parent_id, ==, "GO_a");

  /* 252 people: 3 under the root, 249 under GO_b, GE_r1 in both. */
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, 252);
  r1 = yq_org_snapshot_lookup_person (snapshot, "GE_r1");
  g_assert_cmpstr (r1->department_ids[0], ==, "GO_b");
  g_assert_cmpstr (r1->department_ids[1], ==, "GO_root");
  g_assert_null (r1->department_ids[2]);
  g_assert_cmpstr (r1->title, ==, "主任");
  g_assert_cmpint (r1->order, ==, 2);
  g_assert_cmpstr (r1->account_code, ==, "acc_GE_r1");
  g_assert_nonnull (r1->account_id);
  r2 = yq_org_snapshot_lookup_person (snapshot, "GE_r2");
  g_assert_false (r2->active);
  g_assert_nonnull (yq_org_snapshot_lookup_person (snapshot, "GE_b248")->account_id);

  /* The minimum: scopes + child pages + detail batches + employee pages +
   * account batches = 1 + (1+2+1+150) + 2 + (1+1+3+150) + 3. */
  expected_calls = 1 + 154 + 2 + 155 + 3;
  g_assert_cmpuint (gw->total_calls, ==, expected_calls);
  g_assert_cmpuint (stats.api_calls, ==, expected_calls);
  g_assert_cmpuint (stats.pages, ==, expected_calls);
  g_assert_cmpuint (stats.departments, ==, 153);
  g_assert_cmpuint (stats.people, ==, 252);
  g_assert_cmpint (stats.wall_time_us, >, 0);
  g_assert_cmpuint (gateway_count (gw, "/mozi/organization/listOrganizationsByCodes"), ==, 2);
  g_assert_cmpuint (gateway_count (gw, "/mozi/employee/listEmployeeAccountIds"), ==, 3);
  g_assert_cmpuint (gateway_count (gw, "/gettoken.json"), ==, 0);
  g_assert_cmpuint (run.progress_calls, ==, expected_calls);
  g_assert_cmpuint (run.last.people, ==, 252);
  g_assert_cmpuint (yq_http_get_max_in_flight (yq_zwdd_client_get_http (client)), <=,
                    YQ_HTTP_DEFAULT_CONCURRENCY);

  run_clear (&run);
  gateway_free (gw);
}

static void
test_client_crawl_extra_users (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };
  YqOrgPerson *guest;
  Run run = { 0 };

  /* A person visible to the app on their own, outside its departments. */
  gw->extra_user = TRUE;
  yq_platform_fetch_directory_async (YQ_PLATFORM (client), NULL, NULL, NULL, NULL, run_cb, &run);
  run_wait (&run);
  snapshot = yq_platform_fetch_directory_finish (YQ_PLATFORM (client), run.result, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, 253);
  guest = yq_org_snapshot_lookup_person (snapshot, "GE_guest");
  g_assert_nonnull (guest);
  g_assert_cmpstr (guest->name, ==, "Guest");
  g_assert_cmpstr (guest->account_code, ==, "acc_GE_guest");
  g_assert_null (guest->department_ids[0]);
  g_assert_cmpuint (gateway_count (gw, "/mozi/employee/listEmployeesByCodes"), ==, 1);
  g_assert_cmpuint (stats.api_calls, ==, 1 + 154 + 2 + 155 + 3 + 1);
  run_clear (&run);
  gateway_free (gw);
}

static gint64 crawl_cancelled_at;

static gboolean
cancel_crawl_cb (gpointer user_data)
{
  crawl_cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_client_crawl_cancel (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  /* At 20 requests per second the crawl would take about 16 s; most
   * requests are waiting on the rate limiter when the cancel comes. */
  yq_platform_set_qps (YQ_PLATFORM (client), 20);
  yq_platform_fetch_directory_async (YQ_PLATFORM (client), progress_cb, &run, NULL, cancellable,
                                     run_cb, &run);
  g_timeout_add (400, cancel_crawl_cb, cancellable);
  run_wait (&run);
  snapshot = yq_platform_fetch_directory_finish (YQ_PLATFORM (client), run.result, NULL, &error);
  g_assert_null (snapshot);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (run.finished_at - crawl_cancelled_at, <, 100000);
  g_assert_cmpuint (gw->total_calls, <, 20);
  g_assert_cmpuint (run.progress_calls, >, 0);
  run_clear (&run);
  gateway_free (gw);
}

static void
test_client_errors (void)
{
  Gateway *gw = gateway_new ("anotherSecret");
  g_autoptr(YqZwddClient) client = client_for (gw);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  Run run = { 0 };

  /* Wrong AppSecret: the gateway rejects the signature (HTTP 200 and 400). */
  for (int status_400 = 0; status_400 < 2; status_400++)
    {
      gw->bad_signature_status_400 = status_400;
      yq_platform_test_connection_async (YQ_PLATFORM (client), NULL, run_cb, &run);
      run_wait (&run);
      summary = yq_platform_test_connection_finish (YQ_PLATFORM (client), run.result, &error);
      g_assert_null (summary);
      g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BAD_SIGNATURE);
      g_assert_nonnull (strstr (error->message, "/gettoken.json"));
      g_assert_null (strstr (error->message, "testSecretKey"));
      g_assert_null (strstr (error->message, "anotherSecret"));
      g_clear_error (&error);
      run_clear (&run);
    }
  gateway_free (gw);

  /* Right secret, organization outside the scope. */
  gw = gateway_new ("testSecretKey");
  g_clear_object (&client);
  client = client_for (gw);
  gw->deny_scope = TRUE;
  yq_platform_test_connection_async (YQ_PLATFORM (client), NULL, run_cb, &run);
  run_wait (&run);
  summary = yq_platform_test_connection_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NO_PERMISSION);
  g_clear_error (&error);
  run_clear (&run);

  gw->deny_scope = FALSE;
  yq_platform_test_connection_async (YQ_PLATFORM (client), NULL, run_cb, &run);
  run_wait (&run);
  summary = yq_platform_test_connection_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (summary, "Name of GO_root"));
  g_assert_nonnull (strstr (summary, "2"));
  g_assert_cmpuint (gateway_count (gw, "/gettoken.json"), ==, 2);
  run_clear (&run);

  /* Directory writes are refused without a call. */
  {
    g_autoptr(GPtrArray) changes = g_ptr_array_new ();
    g_autoptr(GPtrArray) results = NULL;
    guint before = gw->total_calls;

    yq_platform_apply_directory_changes_async (YQ_PLATFORM (client), changes, NULL, run_cb, &run);
    run_wait (&run);
    results = yq_platform_apply_directory_changes_finish (YQ_PLATFORM (client), run.result,
                                                          &error);
    g_assert_null (results);
    g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NOT_SUPPORTED);
    g_assert_nonnull (strstr (error->message, "read-only"));
    g_assert_cmpuint (gw->total_calls, ==, before);
    g_clear_error (&error);
    run_clear (&run);
  }

  gateway_free (gw);
}

static void
test_client_login (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(YqOrgPerson) qr = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  /* The first token is refused (250027): renewed once, then it works. */
  yq_platform_resolve_login_code_async (YQ_PLATFORM (client), YQ_LOGIN_CODE_APP, "auth-code-1",
                                        NULL, run_cb, &run);
  run_wait (&run);
  person = yq_platform_resolve_login_code_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->id, ==, "GE_r0");
  g_assert_cmpstr (person->account_id, ==, "777");
  g_assert_cmpstr (person->name, ==, "R0");
  g_assert_cmpuint (gateway_count (gw, "/gettoken.json"), ==, 2);
  g_assert_cmpuint (gateway_count (gw, "/rpc/oauth2/dingtalk_app_user.json"), ==, 2);
  run_clear (&run);

  /* QR login signs with the QR-login app and uses its own token. */
  yq_zwdd_client_set_qr_app (client, "qrKey", "qrSecret");
  yq_platform_resolve_login_code_async (YQ_PLATFORM (client), YQ_LOGIN_CODE_QR, "qr-code-1",
                                        NULL, run_cb, &run);
  run_wait (&run);
  qr = yq_platform_resolve_login_code_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qr->account_id, ==, "777");
  g_assert_cmpuint (gateway_count (gw, "/gettoken.json"), ==, 3);
  g_assert_cmpuint (gateway_count (gw, "/rpc/oauth2/getuserinfo_bycode.json"), ==, 1);
  run_clear (&run);

  gateway_free (gw);
}

static void
test_client_notification (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  g_autoptr(YqMessageRequest) request = NULL;
  g_autoptr(YqMessageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) msg = NULL;
  GString *long_text = g_string_new (NULL);
  Run run = { 0 };

  for (guint i = 0; i < 1500; i++)
    g_ptr_array_add (recipients, g_strdup_printf ("%u", 100000 + i));
  g_ptr_array_add (recipients, NULL);
  for (guint i = 0; i < 1000; i++)
    g_string_append (long_text, "通知");

  request = yq_message_request_new ("oa-msg-1", NULL, long_text->str,
                                    (const char * const *) recipients->pdata);
  g_string_free (long_text, TRUE);
  yq_zwdd_client_set_notification_interval (client, 0);

  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_calls, ==, 2);
  g_assert_cmpstr (result->message_id, ==, "msg-1");
  g_assert_cmpuint (result->failures->len, ==, 0);
  g_assert_cmpuint (gw->biz_msg_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (gw->biz_msg_ids, 0), ==, "oa-msg-1-1");
  g_assert_cmpstr (g_ptr_array_index (gw->biz_msg_ids, 1), ==, "oa-msg-1-2");
  /* The text was shortened to fit 2048 bytes and is a JSON string. */
  msg = json_from_string (gw->last_msg, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (msg), "msgtype"), ==,
                   "text");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (
                   json_object_get_object_member (json_node_get_object (msg), "text"), "content"),
                   "…"));
  run_clear (&run);
  g_clear_pointer (&result, yq_message_result_free);

  /* A reused bizMsgId is reported by the platform as a duplicate: it was
   * delivered before, so the send succeeds. */
  gw->duplicate_message = TRUE;
  g_strfreev (request->recipients);
  request->recipients = g_strsplit ("1,2", ",", -1);
  g_free (request->content);
  request->content = g_strdup ("hi");
  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->failures->len, ==, 0);
  g_assert_cmpstr (g_ptr_array_index (gw->biz_msg_ids, 2), ==, "oa-msg-1");
  run_clear (&run);

  gateway_free (gw);
}

static void
test_client_notification_spacing (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  const char *to[] = { "1", NULL };
  g_autoptr(YqMessageRequest) a = yq_message_request_new ("m-a", "T", "x", to);
  g_autoptr(YqMessageRequest) b = yq_message_request_new ("m-b", "T", "y", to);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(YqMessageResult) ra = NULL;
  g_autoptr(GError) error = NULL;
  Run run_a = { 0 };
  Run run_b = { 0 };

  /* The default spacing of 10 minutes holds the second call back. */
  yq_platform_send_notification_async (YQ_PLATFORM (client), a, NULL, run_cb, &run_a);
  run_wait (&run_a);
  ra = yq_platform_send_notification_finish (YQ_PLATFORM (client), run_a.result, &error);
  g_assert_no_error (error);

  yq_platform_send_notification_async (YQ_PLATFORM (client), b, cancellable, run_cb, &run_b);
  g_timeout_add_once (300, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  run_wait (&run_b);
  g_assert_null (yq_platform_send_notification_finish (YQ_PLATFORM (client), run_b.result,
                                                       &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (gateway_count (gw, "/message/workNotification"), ==, 1);

  run_clear (&run_a);
  run_clear (&run_b);
  gateway_free (gw);
}

static void
test_client_todos (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqZwddClient) client = client_for (gw);
  const char *assignees[] = { "1002", "1003", "1002", NULL };
  g_autoptr(YqTodoRequest) request = yq_todo_request_new ("todo-1", "请审批: 报销单",
                                                          "https://oa.example.com/todo/1",
                                                          assignees);
  g_autoptr(YqTodoResult) result = NULL;
  g_autoptr(YqTodoResult) done = NULL;
  g_autoptr(GError) error = NULL;
  const char *one[] = { "1002", NULL };
  Run run = { 0 };
  gboolean saw_cancel = FALSE;

  request->creator = g_strdup ("1001");
  yq_platform_create_todo_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_create_todo_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->items->len, ==, 2);
  g_assert_cmpstr (yq_todo_result_lookup (result, "1002")->task_id, ==, "uuid-1002");
  g_assert_cmpstr (yq_todo_result_lookup (result, "1003")->task_id, ==, "uuid-1003");
  g_assert_cmpuint (yq_todo_result_get_n_failed (result), ==, 0);
  g_assert_cmpuint (gateway_count (gw, "/tc/v2/openapi/task/create.json"), ==, 2);
  run_clear (&run);
  g_clear_pointer (&result, yq_todo_result_free);

  /* Empty data: the task exists already; its taskUuid is looked up. */
  gw->empty_task = TRUE;
  yq_platform_create_todo_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_create_todo_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_todo_result_lookup (result, "1003")->task_id, ==, "found-1003");
  run_clear (&run);

  yq_platform_cancel_todo_async (YQ_PLATFORM (client), "uuid-1002", one, NULL, run_cb, &run);
  run_wait (&run);
  done = yq_platform_cancel_todo_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_todo_result_lookup (done, "1002")->task_id, ==, "uuid-1002");
  run_clear (&run);

  for (guint i = 0; i < gw->requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (gw->requests, i), "POST /tc/openapi/task/cancel.json"))
      {
        g_assert_nonnull (strstr (g_ptr_array_index (gw->requests, i), "cancelPakcage=true"));
        saw_cancel = TRUE;
      }
  g_assert_true (saw_cancel);

  gateway_free (gw);
}

static void
test_new_for_connector (void)
{
  Gateway *gw = gateway_new ("testSecretKey");
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_autoptr(YqPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  Run run = { 0 };

  yq_connector_set_api_base (connector, gw->base);
  yq_connector_set_tenant_id (connector, "12345");
  yq_connector_set_app_key (connector, "testAppKey");
  yq_connector_set_qps (connector, 7);

  /* Every call is signed: no AppSecret, no client. */
  platform = yq_platform_new_for_connector (connector, NULL, NULL, &error);
  g_assert_null (platform);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  platform = yq_platform_new_for_connector (connector, "testSecretKey", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (YQ_IS_ZWDD_CLIENT (platform));
  g_assert_cmpint (yq_platform_get_kind (platform), ==, YQ_PLATFORM_KIND_ZWDD);
  g_assert_cmpfloat (yq_platform_get_qps (platform), ==, 7.0);
  g_assert_cmpuint (yq_platform_get_concurrency (platform), ==, 8);
  g_assert_cmpuint (yq_platform_get_timeout (platform), ==, 5000);
  yq_platform_set_concurrency (platform, 3);
  yq_platform_set_timeout (platform, 2000);
  yq_platform_set_qps (platform, 0);
  g_assert_cmpuint (yq_platform_get_concurrency (platform), ==, 3);
  g_assert_cmpuint (yq_platform_get_timeout (platform), ==, 2000);

  yq_platform_test_connection_async (platform, NULL, run_cb, &run);
  run_wait (&run);
  summary = yq_platform_test_connection_finish (platform, run.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_cmpuint (yq_platform_get_call_count (platform), ==, 4);
  run_clear (&run);
  g_clear_object (&platform);

  yq_connector_set_api_base (connector, "ftp://openplatform.dg-work.cn");
  platform = yq_platform_new_for_connector (connector, "testSecretKey", NULL, &error);
  g_assert_null (platform);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT);

  gateway_free (gw);
}

/* No secret may reach a log line, debug lines included. */
static const char * const forbidden_in_logs[] = {
  "testSecretKey", "anotherSecret", "qrSecret", "app_tok", NULL
};

static GLogWriterOutput
no_secret_writer (GLogLevelFlags   level,
                  const GLogField *fields,
                  gsize            n_fields,
                  gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      g_autofree char *text = NULL;

      if (!g_str_equal (fields[i].key, "MESSAGE"))
        continue;
      text = fields[i].length < 0 ? g_strdup (fields[i].value)
                                  : g_strndup (fields[i].value, fields[i].length);
      for (guint k = 0; forbidden_in_logs[k]; k++)
        if (strstr (text, forbidden_in_logs[k]) != NULL)
          {
            fprintf (stderr, "secret “%s” logged: %s\n", forbidden_in_logs[k], text);
            abort ();
          }
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (no_secret_writer, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/zwdd/sign/vector-a", test_vector_a);
  g_test_add_func ("/zwdd/sign/vector-b", test_vector_b);
  g_test_add_func ("/zwdd/sign/vector-c", test_vector_c);
  g_test_add_func ("/zwdd/sign/vector-d", test_vector_d);
  g_test_add_func ("/zwdd/sign/subject-subtypecode", test_subject_subtypecode_order);
  g_test_add_func ("/zwdd/sign/canonical-edge-cases", test_canonical_edge_cases);
  g_test_add_func ("/zwdd/sign/timestamp-new-york", test_timestamp_new_york);
  g_test_add_func ("/zwdd/sign/timestamp-shanghai", test_timestamp_shanghai);
  g_test_add_func ("/zwdd/sign/nonce", test_nonce);
  g_test_add_func ("/zwdd/envelope/table", test_envelopes);
  g_test_add_func ("/zwdd/envelope/content-data", test_content_data);
  g_test_add_func ("/zwdd/errors/mapping", test_error_mapping);
  g_test_add_func ("/zwdd/errors/recipient-limit", test_recipient_limit_error);
  g_test_add_func ("/zwdd/paging/rules", test_paging);
  g_test_add_func ("/zwdd/paging/canned", test_paging_canned);
  g_test_add_func ("/zwdd/mapping/department", test_department_mapping);
  g_test_add_func ("/zwdd/mapping/person", test_person_mapping);
  g_test_add_func ("/zwdd/mapping/login", test_login_mapping);
  g_test_add_func ("/zwdd/ids", test_derive_id);
  g_test_add_func ("/zwdd/client/crawl", test_client_crawl);
  g_test_add_func ("/zwdd/client/crawl-cancel", test_client_crawl_cancel);
  g_test_add_func ("/zwdd/client/crawl-extra-users", test_client_crawl_extra_users);
  g_test_add_func ("/zwdd/client/errors", test_client_errors);
  g_test_add_func ("/zwdd/client/login", test_client_login);
  g_test_add_func ("/zwdd/client/notification", test_client_notification);
  g_test_add_func ("/zwdd/client/notification-spacing", test_client_notification_spacing);
  g_test_add_func ("/zwdd/client/todos", test_client_todos);
  g_test_add_func ("/zwdd/client/new-for-connector", test_new_for_connector);

  return g_test_run ();
}
