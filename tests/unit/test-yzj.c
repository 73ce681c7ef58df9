/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yq-connector.h"
#include "yq-http.h"
#include "yq-json.h"
#include "yq-platform.h"
#include "yq-yzj-client.h"
#include "yq-yzj-protocol.h"
#include "yq-yzj-pubtoken.h"

/* ---- Signatures --------------------------------------------------------------- */

static void
test_pubtoken (void)
{
  g_autofree char *p1 = yq_yzj_pubtoken ("10109", "XT-00000000-test", "testPubKey", "n0001",
                                         "1704081600");
  g_autofree char *p1b = yq_yzj_pubtoken ("10109", "XT-00000000-test", "testPubKey", "n0001",
                                          "1704081600000");
  g_autofree char *shuffled = yq_yzj_pubtoken ("n0001", "testPubKey", "1704081600",
                                               "XT-00000000-test", "10109");

  g_assert_cmpstr (p1, ==, "32fd35d5b173e9fe3994d3c18431a890bfe8883d");
  g_assert_cmpstr (p1b, ==, "ae9bcfc7e622337a18f6d091f3a330ab68cd4c20");
  /* Sorted before hashing: the argument order does not matter. */
  g_assert_cmpstr (shuffled, ==, p1);
}

static void
test_approval_sign (void)
{
  const char *ids[] = { "doc-2", "doc-1", NULL };
  const char *other[] = { "doc-1", NULL };
  g_autofree char *sign = yq_yzj_approval_sign ("testSignKey", "5f00000000000000000000a1",
                                                "500000001", ids);

  g_assert_cmpstr (sign, ==, "aPk8oAkAjNNF7gnufL3+DChBGdU=");
  g_assert_true (yq_yzj_approval_verify ("testSignKey", "5f00000000000000000000a1", "500000001",
                                         ids, "aPk8oAkAjNNF7gnufL3+DChBGdU="));
  g_assert_false (yq_yzj_approval_verify ("testSignKey", "5f00000000000000000000a1", "500000001",
                                          other, "aPk8oAkAjNNF7gnufL3+DChBGdU="));
  g_assert_false (yq_yzj_approval_verify ("wrongKey", "5f00000000000000000000a1", "500000001",
                                          ids, "aPk8oAkAjNNF7gnufL3+DChBGdU="));
  g_assert_false (yq_yzj_approval_verify ("testSignKey", "5f00000000000000000000a1", "500000001",
                                          ids, NULL));
}

/* ---- Envelopes ----------------------------------------------------------------- */

typedef struct
{
  const char    *name;
  YqYzjFamily    family;
  guint          status;
  gint64         skew;
  const char    *body;
  YqHttpVerdict  verdict;
  int            error_code;
  const char    *expect;
} EnvelopeCase;

static const EnvelopeCase envelope_cases[] = {
  { "token ok", YQ_YZJ_FAMILY_TOKEN, 200, 0,
    "{\"data\":{\"accessToken\":\"0123456789abcdef0123456789abcdef\",\"expireIn\":6400,"
    "\"refreshToken\":\"r\"},\"errorCode\":0,\"success\":true}",
    YQ_HTTP_VERDICT_OK, -1, "accessToken" },
  { "token ok, strings", YQ_YZJ_FAMILY_TOKEN, 200, 0,
    "{\"data\":{\"accessToken\":\"t\",\"expireIn\":\"6400\"},\"errorCode\":\"0\","
    "\"success\":\"true\"}",
    YQ_HTTP_VERDICT_OK, -1, "expireIn" },
  { "token refused", YQ_YZJ_FAMILY_TOKEN, 200, 0,
    "{\"errorCode\":10000001,\"success\":false,\"error\":\"secret is wrong\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_AUTH, "10000001: secret is wrong" },
  { "token, old timestamp", YQ_YZJ_FAMILY_TOKEN, 200, 0,
    "{\"errorCode\":10000002,\"success\":false,\"error\":\"timestamp is invalid\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_CLOCK_SKEW, "timestamp" },
  { "token refused, skewed clock", YQ_YZJ_FAMILY_TOKEN, 200, 600,
    "{\"errorCode\":1,\"success\":false,\"error\":\"invalid\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_CLOCK_SKEW, "invalid" },
  { "ticket ok", YQ_YZJ_FAMILY_TICKET, 200, 0,
    "{\"success\":true,\"errorCode\":0,\"error\":null,\"data\":{\"openid\":\"o1\",\"eid\":\"1\"}}",
    YQ_HTTP_VERDICT_OK, -1, "o1" },
  { "ticket without openid", YQ_YZJ_FAMILY_TICKET, 200, 0,
    "{\"success\":true,\"errorCode\":0,\"data\":{\"openid\":\"\",\"eid\":\"\"}}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "ticket" },
  { "ticket, expired token", YQ_YZJ_FAMILY_TICKET, 200, 0,
    "{\"success\":false,\"errorCode\":10000101,\"error\":\"accessToken is invalid or expired\"}",
    YQ_HTTP_VERDICT_TOKEN_INVALID, YQ_PLATFORM_ERROR_TOKEN_INVALID, "10000101" },
  { "openimport ok", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0,
    "{\"success\":true,\"error\":\"\",\"errorCode\":100,\"data\":[]}",
    YQ_HTTP_VERDICT_OK, -1, "100" },
  { "openimport, code as string", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0,
    "{\"success\":\"true\",\"errorCode\":\"100\",\"data\":[{\"id\":\"d1\"}]}",
    YQ_HTTP_VERDICT_OK, -1, "d1" },
  { "openimport, code 0 is not success", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0,
    "{\"success\":true,\"errorCode\":0,\"data\":[]}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "code 0" },
  { "openimport, empty parameters", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0,
    "{\"success\":false,\"errorCode\":101,\"error\":\"参数为空\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "参数为空" },
  { "openimport, read-only key", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0,
    "{\"success\":false,\"errorCode\":103,\"error\":\"只读秘钥无权限调用该接口\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_NO_PERMISSION, "103" },
  { "openimport, HTTP 401", YQ_YZJ_FAMILY_OPENIMPORT, 401, 0, "Unauthorized",
    YQ_HTTP_VERDICT_TOKEN_INVALID, YQ_PLATFORM_ERROR_TOKEN_INVALID, "401" },
  { "orgLang ok", YQ_YZJ_FAMILY_ORGLANG, 200, 0, "{\"errorCode\":200,\"data\":[]}",
    YQ_HTTP_VERDICT_OK, -1, "200" },
  { "todo sync ok", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":\"true\",\"errorCode\":200,\"data\":null}", YQ_HTTP_VERDICT_OK, -1, "200" },
  { "todo async accepted", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":\"true\",\"errorCode\":0}", YQ_HTTP_VERDICT_OK, -1, "0" },
  { "todo parameter error", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":\"false\",\"errorCode\":0,\"data\":\"param error:'sourceId' is null.\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "sourceId" },
  { "todo busy", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":false,\"errorCode\":202,\"error\":\"数据正在由其他进程处理,请稍候再试\"}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_RATE_LIMITED, "202" },
  { "todo batch too large", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":\"false\",\"errorCode\":203}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_INVALID_ARGUMENT, "203" },
  { "todo partial 501", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":\"false\",\"errorCode\":501,\"data\":[\"bad1\"]}",
    YQ_HTTP_VERDICT_OK, -1, "bad1" },
  { "todo action 1", YQ_YZJ_FAMILY_TODO, 200, 0,
    "{\"success\":\"false\",\"errorCode\":1,\"data\":\"param error:actiontype is null.\"}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "actiontype" },
  { "todo check", YQ_YZJ_FAMILY_TODO_CHECK, 200, 0,
    "{\"success\":\"true\",\"errorCode\":0,\"data\":{\"check\":true,\"dealCount\":0,"
    "\"undelCount\":1}}", YQ_HTTP_VERDICT_OK, -1, "undelCount" },
  { "pubsendV2 ok", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":0,\"data\":{\"pubId\":\"XT-1\",\"sourceMsgId\":\"s1\"},\"message\":\"发送成功\","
    "\"success\":true}", YQ_HTTP_VERDICT_OK, -1, "s1" },
  { "pubsend legacy", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"pubId\":\"XT-1\",\"sourceMsgId\":\"s2\"}", YQ_HTTP_VERDICT_OK, -1, "s2" },
  { "pubtoken refused", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":5004,\"message\":\"pubtoken校验失败\",\"success\":false}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BAD_SIGNATURE, "public-account" },
  { "pub unknown", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":5001,\"message\":\"公共号不存在\",\"success\":false}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_AUTH, "5001" },
  { "pub same from", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":5005,\"message\":\"请等待\",\"success\":false}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_RATE_LIMITED, "5005" },
  { "pub too fast", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":5102,\"message\":\"too fast\",\"success\":false}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_RATE_LIMITED, "5102" },
  { "pub too large", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":5002,\"message\":\"too large\",\"success\":false}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_INVALID_ARGUMENT, "5002" },
  { "pub bad users", YQ_YZJ_FAMILY_PUBACC, 200, 0,
    "{\"code\":5003,\"message\":\"bad openid\",\"success\":false}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_BUSINESS, "5003" },
  { "pub HTTP 400", YQ_YZJ_FAMILY_PUBACC, 400, 0, "",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "400" },
  { "pub HTTP 500", YQ_YZJ_FAMILY_PUBACC, 500, 0,
    "{\"code\":500,\"message\":\"x\",\"success\":false}",
    YQ_HTTP_VERDICT_RETRY, YQ_PLATFORM_ERROR_SERVER, "500" },
  { "not JSON", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0, "<html/>",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "JSON" },
  { "no success flag", YQ_YZJ_FAMILY_OPENIMPORT, 200, 0, "{\"data\":[]}",
    YQ_HTTP_VERDICT_FAIL, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, "success" },
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
      verdict = yq_yzj_parse_response ("/call", c->family, c->status, c->skew, body, &result,
                                       &error);
      g_assert_cmpint (verdict, ==, c->verdict);
      if (c->error_code < 0)
        {
          g_autofree char *text = NULL;

          g_assert_no_error (error);
          text = yq_json_to_string (result);
          g_assert_nonnull (strstr (text, c->expect));
        }
      else
        {
          g_assert_null (result);
          g_assert_error (error, YQ_PLATFORM_ERROR, c->error_code);
          g_assert_nonnull (strstr (error->message, c->expect));
        }
    }
}

static void
test_item_errors (void)
{
  struct { const char *data; guint n; const char *key; const char *code; const char *message; }
  cases[] = {
    { "[]", 0, NULL, NULL, NULL },
    { "[{\"msgId\":\"研发\\\\移动\",\"msgCode\":221,\"msg\":\"部门ID不存在\"}]", 1,
      "研发\\移动", "221", "部门ID不存在" },
    { "[{\"commitId\":\"c1\",\"errorMsg\":\"bad\"}]", 1, "c1", NULL, "bad" },
    { "[{\"commitId\":\"c2\",\"errorCode\":900018,\"error\":\"对应上级不存在\"}]", 1, "c2",
      "900018", "对应上级不存在" },
    { "{\"successList\":[{\"department\":\"a\",\"orgId\":\"1\"}],\"errorList\":[{\"msgId\":\"b\","
      "\"msgCode\":\"230\",\"msg\":\"重名\"}]}", 1, "b", "230", "重名" },
    { "{\"successList\":[],\"errorList\":[]}", 0, NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) data = json_from_string (cases[i].data, NULL);
      g_autoptr(GPtrArray) errors = yq_yzj_parse_item_errors (data);

      g_assert_cmpuint (errors->len, ==, cases[i].n);
      if (cases[i].n > 0)
        {
          YqYzjItemError *e = g_ptr_array_index (errors, 0);

          g_assert_cmpstr (e->key, ==, cases[i].key);
          g_assert_cmpstr (e->code, ==, cases[i].code);
          g_assert_cmpstr (e->message, ==, cases[i].message);
        }
    }
}

static void
test_id_list (void)
{
  const char *inputs[] = {
    "[\"a\",\"b\"]",
    "[{\"openId\":\"a\"},{\"openId\":\"b\"}]",
    "{\"errorOpenIds\":[\"a\",\"b\"]}",
    "\"a,b\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(JsonNode) data = json_from_string (inputs[i], NULL);
      g_autoptr(GPtrArray) ids = yq_yzj_parse_id_list (data);

      g_assert_cmpuint (ids->len, ==, 2);
      g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "a");
      g_assert_cmpstr (g_ptr_array_index (ids, 1), ==, "b");
    }
}

static void
test_error_mapping (void)
{
  struct { YqYzjFamily family; guint status; gint64 code; const char *text; gint64 skew;
           YqPlatformError expected; YqHttpVerdict verdict; } cases[] = {
    { YQ_YZJ_FAMILY_TOKEN, 200, 1, "wrong secret", 0, YQ_PLATFORM_ERROR_AUTH,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_TOKEN, 200, 1, "时间戳过期", 0, YQ_PLATFORM_ERROR_CLOCK_SKEW,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_TOKEN, 200, 1, NULL, -200, YQ_PLATFORM_ERROR_CLOCK_SKEW,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_TOKEN, 503, -1, NULL, 0, YQ_PLATFORM_ERROR_SERVER, YQ_HTTP_VERDICT_RETRY },
    { YQ_YZJ_FAMILY_OPENIMPORT, 200, 10010, "accessToken过期", 0,
      YQ_PLATFORM_ERROR_TOKEN_INVALID, YQ_HTTP_VERDICT_TOKEN_INVALID },
    { YQ_YZJ_FAMILY_TODO, 200, 9, "invalid scope", 0, YQ_PLATFORM_ERROR_TOKEN_INVALID,
      YQ_HTTP_VERDICT_TOKEN_INVALID },
    { YQ_YZJ_FAMILY_OPENIMPORT, 403, -1, NULL, 0, YQ_PLATFORM_ERROR_NO_PERMISSION,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_OPENIMPORT, 200, 1, "请求过于频繁", 0, YQ_PLATFORM_ERROR_RATE_LIMITED,
      YQ_HTTP_VERDICT_RETRY },
    { YQ_YZJ_FAMILY_OPENIMPORT, 429, -1, NULL, 0, YQ_PLATFORM_ERROR_RATE_LIMITED,
      YQ_HTTP_VERDICT_RETRY },
    { YQ_YZJ_FAMILY_OPENIMPORT, 404, -1, NULL, 0, YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_TODO, 200, 202, NULL, 0, YQ_PLATFORM_ERROR_RATE_LIMITED,
      YQ_HTTP_VERDICT_RETRY },
    { YQ_YZJ_FAMILY_TODO, 200, 404, "获取用户信息失败", 0, YQ_PLATFORM_ERROR_BUSINESS,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_PUBACC, 200, 5004, NULL, 0, YQ_PLATFORM_ERROR_BAD_SIGNATURE,
      YQ_HTTP_VERDICT_FAIL },
    { YQ_YZJ_FAMILY_PUBACC, 200, 6001, NULL, 0, YQ_PLATFORM_ERROR_SERVER, YQ_HTTP_VERDICT_RETRY },
    { YQ_YZJ_FAMILY_PUBACC, 200, 5000, NULL, 0, YQ_PLATFORM_ERROR_BUSINESS, YQ_HTTP_VERDICT_FAIL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      YqHttpVerdict verdict = YQ_HTTP_VERDICT_OK;

      g_test_message ("case %u", i);
      g_assert_cmpint (yq_yzj_classify_failure (cases[i].family, cases[i].status, cases[i].code,
                                                cases[i].text, cases[i].skew, &verdict),
                       ==, cases[i].expected);
      g_assert_cmpint (verdict, ==, cases[i].verdict);
    }
}

static void
test_paging (void)
{
  const guint pages_2500[] = { 1000, 1000, 500 };
  const guint pages_2000[] = { 1000, 1000, 0 };
  guint n;

  g_assert_false (yq_yzj_page_is_last (1000, 1000));
  g_assert_true (yq_yzj_page_is_last (999, 1000));
  g_assert_true (yq_yzj_page_is_last (0, 1000));

  /* The crawl reads pages until the first short one. */
  for (n = 0; n < 3 && !yq_yzj_page_is_last (pages_2500[n], 1000); n++)
    ;
  g_assert_cmpuint (n + 1, ==, 3);
  for (n = 0; n < 3 && !yq_yzj_page_is_last (pages_2000[n], 1000); n++)
    ;
  g_assert_cmpuint (n + 1, ==, 3);
}

static void
test_helpers (void)
{
  struct { const char *in; const char *out; } phones[] = {
    { "13800000000", "13800000000" }, { "+86 138-0000-0000", "13800000000" },
    { "0086 13800000000", "13800000000" }, { "86-13800000000", "13800000000" },
    { "", NULL }, { "010-12345678", "01012345678" },
  };
  g_autofree char *a = yq_yzj_long_name_join (NULL, "研发中心");
  g_autofree char *b = yq_yzj_long_name_join ("研发中心", "开发部");
  g_autofree char *c = yq_yzj_long_name_join ("研发中心\\移动", "开发部");
  g_autofree char *d = yq_yzj_long_name_join ("x", "a\\b");
  g_autofree char *e = yq_yzj_long_name_join ("\\", "根下");

  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    {
      g_autofree char *n = yq_yzj_normalize_mobile (phones[i].in);

      g_assert_cmpstr (n, ==, phones[i].out);
    }

  g_assert_cmpstr (a, ==, "研发中心");
  g_assert_cmpstr (b, ==, "研发中心\\开发部");
  g_assert_cmpstr (c, ==, "研发中心\\移动\\开发部");
  g_assert_null (d);
  g_assert_cmpstr (e, ==, "根下");
}

static void
test_mapping (void)
{
  g_autoptr(JsonNode) n1 = json_from_string ("{\"id\":\"d-1\",\"name\":\"开发部\","
                                             "\"department\":\"研发中心\\\\开发部\","
                                             "\"parentId\":\"d-0\",\"weights\":\"3\"}", NULL);
  g_autoptr(JsonNode) n2 = json_from_string ("{\"orgId\":\"root\",\"name\":\"T\","
                                             "\"parentId\":\"\"}", NULL);
  g_autoptr(JsonNode) n3 = json_from_string ("{\"openId\":\"o-1\",\"name\":\"张三\","
                                             "\"phone\":\"+8613800000001\",\"email\":\"z@x.cn\","
                                             "\"orgId\":\"d-1\",\"jobTitle\":\"经理,主任\","
                                             "\"jobNo\":\"A01\",\"weights\":7,\"status\":\"2\","
                                             "\"account\":\"zhangsan\"}", NULL);
  g_autoptr(JsonNode) n4 = json_from_string ("{\"appid\":\"app\",\"eid\":\"10109\","
                                             "\"openid\":\"o-1\","
                                             "\"username\":\"张三\",\"jobNo\":\"A01\"}", NULL);
  g_autoptr(YqOrgDepartment) d1 = yq_yzj_department_from_json (json_node_get_object (n1));
  g_autoptr(YqOrgDepartment) d2 = yq_yzj_department_from_json (json_node_get_object (n2));
  g_autoptr(YqOrgPerson) p = yq_yzj_person_from_json (json_node_get_object (n3));
  g_autoptr(YqOrgPerson) q = yq_yzj_person_from_context (json_node_get_object (n4));
  g_autofree char *long_name = yq_yzj_department_long_name (json_node_get_object (n1));

  g_assert_cmpstr (d1->id, ==, "d-1");
  g_assert_cmpstr (d1->parent_id, ==, "d-0");
  g_assert_cmpstr (d1->name, ==, "开发部");
  g_assert_cmpint (d1->order, ==, 3);
  g_assert_true (d1->active);
  g_assert_cmpstr (long_name, ==, "研发中心\\开发部");
  g_assert_cmpstr (d2->id, ==, "root");
  g_assert_null (d2->parent_id);

  g_assert_cmpstr (p->id, ==, "o-1");
  g_assert_cmpstr (p->account_id, ==, "o-1");
  g_assert_cmpstr (p->account_code, ==, "zhangsan");
  g_assert_cmpstr (p->mobile, ==, "13800000001");
  g_assert_cmpstr (p->email, ==, "z@x.cn");
  g_assert_cmpstr (p->job_number, ==, "A01");
  g_assert_cmpstr (p->title, ==, "经理,主任");
  g_assert_cmpstr (p->department_ids[0], ==, "d-1");
  g_assert_null (p->department_ids[1]);
  g_assert_cmpint (p->order, ==, 7);
  g_assert_false (p->active);

  g_assert_cmpstr (q->id, ==, "o-1");
  g_assert_cmpstr (q->account_id, ==, "o-1");
  g_assert_cmpstr (q->name, ==, "张三");
  g_assert_cmpstr (q->job_number, ==, "A01");
}

/* ---- A canned gateway --------------------------------------------------------- */

#define EID "10109"
#define YZJ_APP_ID "500000001"
#define YZJ_APP_SECRET "appSecret-1"
#define DIR_SECRET "dirSecret-1"
#define PUB_ID "XT-00000000-test"
#define PUB_KEY "testPubKey"

typedef struct
{
  SoupServer *server;
  char       *base;
  GHashTable *calls;
  guint       total_calls;
  guint       n_people;
  gboolean    include_root;
  gboolean    expire_first_token;
  gboolean    read_only;
  gboolean    pub_busy_once;
  /* answer a repeated "from" with 5005, as the platform does */
  gboolean    pub_refuse_replays;
  guint       pub_delivered;
  guint       token_serial;
  GPtrArray   *from_nonces;
  GPtrArray   *bodies;      /* "path body" */
} Gateway;

static guint
count_of (Gateway    *gw,
          const char *path)
{
  guint *n = g_hash_table_lookup (gw->calls, path);

  return n ? *n : 0;
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

static JsonObject *
form_data (SoupServerMessage *msg,
           JsonNode         **holder)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GHashTable) form = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  g_assert_cmpstr (type, ==, "application/x-www-form-urlencoded");
  form = soup_form_decode (body->data);
  g_assert_cmpstr (g_hash_table_lookup (form, "eid"), ==, EID);
  g_assert_nonnull (g_hash_table_lookup (form, "nonce"));
  g_assert_cmpuint (strlen (g_hash_table_lookup (form, "nonce")), <=, 16);
  *holder = json_from_string (g_hash_table_lookup (form, "data"), NULL);
  g_assert_nonnull (*holder);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (*holder), "eid"), ==, EID);
  return json_node_get_object (*holder);
}

static JsonObject *
json_body (SoupServerMessage *msg,
           JsonNode         **holder)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  g_assert_cmpstr (type, ==, "application/json");
  *holder = json_from_string (body->data, NULL);
  g_assert_nonnull (*holder);
  return json_node_get_object (*holder);
}

static const char *
query_token (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  if (query == NULL || !g_str_has_prefix (query, "accessToken="))
    return NULL;
  return query + strlen ("accessToken=");
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Gateway *gw = user_data;
  g_autoptr(JsonNode) holder = NULL;
  const char *token = query_token (msg);
  guint *count = g_hash_table_lookup (gw->calls, path);

  gw->total_calls++;
  if (count == NULL)
    {
      count = g_new0 (guint, 1);
      g_hash_table_insert (gw->calls, g_strdup (path), count);
    }
  (*count)++;
  g_ptr_array_add (gw->bodies, g_strconcat (path, " ",
                                            soup_server_message_get_request_body (msg)->data,
                                            NULL));

  if (g_str_equal (path, "/gateway/oauth2/token/getAccessToken"))
    {
      JsonObject *req = json_body (msg, &holder);
      const char *scope = json_object_get_string_member (req, "scope");
      gint64 ts = json_object_get_int_member (req, "timestamp");
      g_autofree char *body = NULL;

      g_assert_null (token);
      g_assert_cmpint (ABS (ts - g_get_real_time () / 1000), <, 60000);
      if (g_str_equal (scope, "app"))
        {
          g_assert_cmpstr (json_object_get_string_member (req, "appId"), ==, YZJ_APP_ID);
          g_assert_cmpstr (json_object_get_string_member (req, "secret"), ==, YZJ_APP_SECRET);
        }
      else
        {
          g_assert_cmpstr (scope, ==, "resGroupSecret");
          g_assert_cmpstr (json_object_get_string_member (req, "eid"), ==, EID);
          g_assert_cmpstr (json_object_get_string_member (req, "secret"), ==, DIR_SECRET);
        }
      body = g_strdup_printf ("{\"data\":{\"accessToken\":\"%s-tok%u\",\"expireIn\":6400,"
                              "\"refreshToken\":\"r\"},\"errorCode\":0,\"success\":true}",
                              scope, ++gw->token_serial);
      reply (msg, 200, body);
      return;
    }

  if (g_str_has_prefix (path, "/gateway/"))
    {
      g_assert_nonnull (token);
      if (gw->expire_first_token && g_str_has_suffix (token, "tok1"))
        {
          /* Echoes the token: the client must not log it. */
          g_autofree char *body = g_strdup_printf ("{\"success\":false,\"errorCode\":10000101,"
                                                   "\"error\":\"accessToken %s expired\"}", token);

          reply (msg, 200, body);
          return;
        }
    }

  if (g_str_equal (path, "/gateway/openimport/open/dept/getall"))
    {
      GString *data = g_string_new ("[");

      g_assert_true (g_str_has_prefix (token, "resGroupSecret"));
      form_data (msg, &holder);
      if (gw->include_root)
        g_string_append (data, "{\"id\":\"5f0000000000000000000000\",\"name\":\"Team\","
                               "\"department\":\"\",\"parentId\":\"\",\"weights\":0},");
      g_string_append (data, "{\"id\":\"d-a\",\"name\":\"研发中心\",\"department\":\"研发中心\","
                             "\"parentId\":\"5f0000000000000000000000\",\"weights\":1},"
                             "{\"id\":\"d-b\",\"name\":\"开发部\",\"department\":\"研发中心\\\\开发部\","
                             "\"parentId\":\"d-a\",\"weights\":\"2\"}]");
      {
        g_autofree char *body = g_strdup_printf ("{\"success\":true,\"error\":\"\","
                                                 "\"errorCode\":100,\"data\":%s}", data->str);
        reply (msg, 200, body);
      }
      g_string_free (data, TRUE);
    }
  else if (g_str_equal (path, "/gateway/openimport/open/dept/get"))
    {
      JsonObject *req = form_data (msg, &holder);
      JsonArray *array = json_object_get_array_member (req, "array");

      if (json_object_get_int_member (req, "type") == 1)
        {
          g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "\\");
          reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":[{\"id\":"
                           "\"5f0000000000000000000000\",\"name\":\"Team\",\"department\":\"\\\\\","
                           "\"parentId\":\"\"}]}");
        }
      else
        {
          GString *data = g_string_new ("[");

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              const char *id = json_array_get_string_element (array, i);

              if (data->len > 1)
                g_string_append_c (data, ',');
              if (g_str_equal (id, "d-a"))
                g_string_append (data, "{\"id\":\"d-a\",\"name\":\"研发中心\","
                                       "\"department\":\"研发中心\","
                                       "\"parentId\":\"5f0000000000000000000000\"}");
              else if (g_str_equal (id, "d-b"))
                g_string_append (data, "{\"id\":\"d-b\",\"name\":\"开发部\","
                                       "\"department\":\"研发中心\\\\开发部\","
                                       "\"parentId\":\"d-a\"}");
            }
          g_string_append_c (data, ']');
          {
            g_autofree char *body = g_strdup_printf ("{\"success\":true,\"errorCode\":100,"
                                                     "\"data\":%s}", data->str);
            reply (msg, 200, body);
          }
          g_string_free (data, TRUE);
        }
    }
  else if (g_str_equal (path, "/gateway/openimport/open/person/getall"))
    {
      JsonObject *req = form_data (msg, &holder);
      gint64 begin = json_object_get_int_member (req, "begin");
      gint64 n = json_object_get_int_member (req, "count");
      GString *data = g_string_new ("[");

      g_assert_cmpint (n, ==, 1000);
      for (gint64 i = begin; i < begin + n && i < gw->n_people; i++)
        g_string_append_printf (data, "%s{\"openId\":\"o-%05" G_GINT64_FORMAT "\",\"name\":\"P%"
                                G_GINT64_FORMAT "\",\"phone\":\"+86 138%08" G_GINT64_FORMAT "\","
                                "\"orgId\":\"%s\",\"department\":\"研发中心\",\"status\":%"
                                G_GINT64_FORMAT ",\"weights\":%" G_GINT64_FORMAT "}",
                                i == begin ? "" : ",", i, i, i, i == 5 ? "" : "d-a", i % 3, i);
      g_string_append_c (data, ']');
      {
        g_autofree char *body = g_strdup_printf ("{\"success\":true,\"errorCode\":100,\"data\":%s}",
                                                 data->str);
        reply (msg, 200, body);
      }
      g_string_free (data, TRUE);
    }
  else if (g_str_equal (path, "/gateway/ticket/user/acquirecontext"))
    {
      JsonObject *req = json_body (msg, &holder);

      g_assert_true (g_str_has_prefix (token, "app"));
      g_assert_cmpstr (json_object_get_string_member (req, "appid"), ==, YZJ_APP_ID);
      if (g_str_equal (json_object_get_string_member (req, "ticket"), "used"))
        reply (msg, 200, "{\"success\":true,\"errorCode\":0,\"data\":{\"openid\":\"\"}}");
      else
        reply (msg, 200, "{\"success\":true,\"errorCode\":0,\"error\":null,\"data\":{"
                         "\"appid\":\"" YZJ_APP_ID "\",\"eid\":\"" EID "\",\"openid\":\"o-00001\","
                         "\"username\":\"P1\",\"jobNo\":\"J1\"}}");
    }
  else if (g_str_equal (path, "/pubacc/pubsendV2"))
    {
      JsonObject *req = json_body (msg, &holder);
      JsonObject *from = json_object_get_object_member (req, "from");
      g_autofree char *expected = yq_yzj_pubtoken (json_object_get_string_member (from, "no"),
                                                   json_object_get_string_member (from, "pub"),
                                                   PUB_KEY,
                                                   json_object_get_string_member (from, "nonce"),
                                                   json_object_get_string_member (from, "time"));

      g_autofree char *seen = g_strconcat (json_object_get_string_member (from, "time"), " ",
                                           json_object_get_string_member (from, "nonce"), NULL);

      g_assert_null (token);
      g_assert_cmpuint (strlen (json_object_get_string_member (from, "time")), ==, 10);
      g_assert_cmpuint (strlen (json_object_get_string_member (from, "nonce")), <=, 16);
      g_assert_cmpstr (json_object_get_string_member (from, "pubtoken"), ==, expected);
      for (guint i = 0; i < gw->from_nonces->len; i++)
        if (g_str_equal (g_ptr_array_index (gw->from_nonces, i), seen))
          {
            g_assert_true (gw->pub_refuse_replays);
            reply (msg, 200, "{\"code\":5005,\"message\":\"发送消息过多，请10分钟后再试\","
                             "\"success\":false}");
            return;
          }
      if (gw->pub_busy_once)
        {
          gw->pub_busy_once = FALSE;
          g_ptr_array_add (gw->from_nonces, g_steal_pointer (&seen));
          reply (msg, 200, "{\"code\":5005,\"message\":\"请10分钟后再试\",\"success\":false}");
          return;
        }
      g_ptr_array_add (gw->from_nonces, g_steal_pointer (&seen));
      gw->pub_delivered++;
      reply (msg, 200, "{\"code\":0,\"data\":{\"pubId\":\"" PUB_ID "\",\"sourceMsgId\":\"sm-1\"},"
                       "\"message\":\"发送成功\",\"success\":true}");
    }
  else if (g_str_equal (path, "/gateway/newtodo/open/generatetodo.json"))
    {
      JsonObject *req = json_body (msg, &holder);
      JsonArray *params = json_object_get_array_member (req, "params");

      g_assert_true (json_object_get_boolean_member (req, "sync"));
      g_assert_cmpuint (json_array_get_length (params), <=, 100);
      g_assert_cmpstr (json_object_get_string_member (req, "appId"), ==, YZJ_APP_ID);
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (params, 0),
                                                      "openId"), "bad"))
        reply (msg, 200, "{\"success\":\"false\",\"errorCode\":501,\"data\":[\"bad\"]}");
      else
        reply (msg, 200, "{\"success\":\"true\",\"errorCode\":200,\"data\":null}");
    }
  else if (g_str_equal (path, "/gateway/newtodo/open/action.json"))
    {
      JsonObject *req = json_body (msg, &holder);

      g_assert_false (json_object_has_member (req, "openIds"));
      if (json_object_has_member (req, "openids"))
        reply (msg, 200, "{\"success\":\"false\",\"errorCode\":502,\"data\":[\"o-2\"]}");
      else
        reply (msg, 200, "{\"success\":\"true\",\"errorCode\":200}");
    }
  else if (g_str_equal (path, "/gateway/openimport/open/v2/dept/add"))
    {
      JsonObject *req = form_data (msg, &holder);
      JsonArray *depts = json_object_get_array_member (req, "departments");
      JsonArray *weights = json_object_get_array_member (req, "weights");

      if (gw->read_only)
        {
          reply (msg, 200, "{\"success\":false,\"errorCode\":103,"
                           "\"error\":\"只读秘钥无权限调用该接口\"}");
          return;
        }
      g_assert_cmpuint (json_array_get_length (depts), ==, json_array_get_length (weights));
      g_assert_cmpstr (json_array_get_string_element (depts, 0), ==, "研发中心\\开发部\\前端组");
      g_assert_cmpstr (json_array_get_string_element (depts, 1), ==, "新部门");
      g_assert_cmpstr (json_array_get_string_element (weights, 0), ==, "5");
      reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":{\"successList\":[{"
                       "\"department\":\"研发中心\\\\开发部\\\\前端组\",\"orgId\":\"new-1\"}],"
                       "\"errorList\":[{\"msgId\":\"新部门\",\"msgCode\":\"230\",\"msg\":\"重名\"}]}}");
    }
  else if (g_str_equal (path, "/gateway/openimport/open/dept/updateById"))
    {
      form_data (msg, &holder);
      reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":[{\"msgId\":\"d-x\","
                       "\"msgCode\":221,\"msg\":\"部门ID不存在\"}]}");
    }
  else if (g_str_equal (path, "/gateway/openimport/open/dept/moveOrg"))
    {
      JsonObject *req = form_data (msg, &holder);

      g_assert_cmpstr (json_object_get_string_member (req, "moveToOrgId"), ==,
                       "5f0000000000000000000000");
      reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":[]}");
    }
  else if (g_str_equal (path, "/gateway/openimport/open/person/add"))
    {
      JsonObject *req = form_data (msg, &holder);
      JsonObject *person = json_array_get_object_element (json_object_get_array_member (req,
                                                                                        "persons"),
                                                          0);

      g_assert_cmpstr (json_object_get_string_member (person, "department"), ==, "研发中心");
      g_assert_cmpstr (json_object_get_string_member (person, "orgId"), ==, "d-a");
      reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":[]}");
    }
  else if (g_str_equal (path, "/gateway/openimport/open/person/get"))
    {
      JsonObject *req = form_data (msg, &holder);

      g_assert_cmpint (json_object_get_int_member (req, "type"), ==, 0);
      reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":[{\"openId\":\"o-new\","
                       "\"name\":\"新人\",\"phone\":\"13900000000\",\"status\":1}]}");
    }
  else if (g_str_equal (path, "/gateway/openimport/open/person/updateStatus"))
    {
      JsonObject *req = form_data (msg, &holder);
      JsonObject *person = json_array_get_object_element (json_object_get_array_member (req,
                                                                                        "persons"),
                                                          0);

      g_assert_cmpstr (json_object_get_string_member (person, "type"), ==, "3");
      reply (msg, 200, "{\"success\":true,\"errorCode\":100,\"data\":[]}");
    }
  else
    reply (msg, 404, "{\"success\":false,\"errorCode\":404,\"error\":\"no such path\"}");
}

static Gateway *
gateway_new (void)
{
  Gateway *gw = g_new0 (Gateway, 1);
  GSList *uris;
  g_autofree char *uri = NULL;
  GError *error = NULL;

  gw->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gw->from_nonces = g_ptr_array_new_with_free_func (g_free);
  gw->bodies = g_ptr_array_new_with_free_func (g_free);
  gw->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (gw->server, NULL, handler, gw, NULL);
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
  g_ptr_array_unref (gw->from_nonces);
  g_ptr_array_unref (gw->bodies);
  g_free (gw->base);
  g_free (gw);
}

static YqYzjClient *
client_for (Gateway *gw)
{
  g_autoptr(GError) error = NULL;
  YqYzjClient *client = yq_yzj_client_new (gw->base, EID, YZJ_APP_ID, YZJ_APP_SECRET, DIR_SECRET,
                                           &error);

  g_assert_no_error (error);
  yq_http_set_backoff (yq_yzj_client_get_http (client), 10, 20);
  return client;
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Run;

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Run *run = user_data;

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

static YqOrgSnapshot *
fetch (YqYzjClient  *client,
       YqFetchStats *stats,
       GError      **error)
{
  Run run = { 0 };
  YqOrgSnapshot *snapshot;

  yq_platform_fetch_directory_async (YQ_PLATFORM (client), NULL, NULL, NULL, NULL, run_cb, &run);
  run_wait (&run);
  snapshot = yq_platform_fetch_directory_finish (YQ_PLATFORM (client), run.result, stats, error);
  g_clear_object (&run.result);
  return snapshot;
}

static void
test_client_fetch (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };
  YqOrgDepartment *root;
  YqOrgPerson *p;

  /* 2500 people: pages of 1000, 1000 and 500; the root is not listed. */
  gw->n_people = 2500;
  snapshot = fetch (client, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/person/getall"), ==, 3);
  g_assert_cmpuint (count_of (gw, "/gateway/oauth2/token/getAccessToken"), ==, 1);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/dept/get"), ==, 1);
  g_assert_cmpuint (stats.api_calls, ==, 6);
  g_assert_cmpuint (stats.people, ==, 2500);
  g_assert_cmpuint (stats.departments, ==, 3);

  root = yq_org_snapshot_lookup_department (snapshot, "5f0000000000000000000000");
  g_assert_nonnull (root);
  g_assert_null (root->parent_id);
  g_assert_cmpstr (root->name, ==, "Team");
  g_assert_cmpstr (yq_org_snapshot_get_root_id (snapshot), ==, "5f0000000000000000000000");
  g_assert_cmpint (yq_org_snapshot_lookup_department (snapshot, "d-b")->order, ==, 2);

  p = yq_org_snapshot_lookup_person (snapshot, "o-00004");
  g_assert_cmpstr (p->account_id, ==, "o-00004");
  g_assert_cmpstr (p->mobile, ==, "13800000004");
  g_assert_cmpstr (p->department_ids[0], ==, "d-a");
  g_assert_cmpint (p->order, ==, 4);
  g_assert_true (p->active);
  g_assert_false (yq_org_snapshot_lookup_person (snapshot, "o-00003")->active);
  g_assert_false (yq_org_snapshot_lookup_person (snapshot, "o-00005")->active);
  /* An empty orgId is resolved through the long name. */
  g_assert_cmpstr (yq_org_snapshot_lookup_person (snapshot, "o-00005")->department_ids[0], ==,
                   "d-a");
  g_clear_object (&snapshot);

  /* 2000 people: the third, empty page ends the listing; the root is
   * listed this time; the cached token is reused. */
  gw->n_people = 2000;
  gw->include_root = TRUE;
  g_hash_table_remove_all (gw->calls);
  snapshot = fetch (client, &stats, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/person/getall"), ==, 3);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/dept/get"), ==, 0);
  g_assert_cmpuint (count_of (gw, "/gateway/oauth2/token/getAccessToken"), ==, 0);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, 2000);
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (snapshot), ==, 3);

  gateway_free (gw);
}

static void
test_client_token_refresh (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  gw->n_people = 10;
  gw->expire_first_token = TRUE;
  snapshot = fetch (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_of (gw, "/gateway/oauth2/token/getAccessToken"), ==, 2);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, 10);
  gateway_free (gw);
}

static void
test_client_login (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  yq_platform_resolve_login_code_async (YQ_PLATFORM (client), YQ_LOGIN_CODE_APP, "t-1", NULL,
                                        run_cb, &run);
  run_wait (&run);
  person = yq_platform_resolve_login_code_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->id, ==, "o-00001");
  g_assert_cmpstr (person->account_id, ==, "o-00001");
  g_assert_cmpstr (person->name, ==, "P1");
  g_clear_object (&run.result);

  yq_platform_resolve_login_code_async (YQ_PLATFORM (client), YQ_LOGIN_CODE_APP, "used", NULL,
                                        run_cb, &run);
  run_wait (&run);
  g_assert_null (yq_platform_resolve_login_code_finish (YQ_PLATFORM (client), run.result, &error));
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS);
  g_clear_error (&error);
  g_clear_object (&run.result);

  yq_platform_resolve_login_code_async (YQ_PLATFORM (client), YQ_LOGIN_CODE_QR, "qr", NULL,
                                        run_cb, &run);
  run_wait (&run);
  g_assert_null (yq_platform_resolve_login_code_finish (YQ_PLATFORM (client), run.result, &error));
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NOT_SUPPORTED);
  g_clear_object (&run.result);

  g_assert_cmpuint (count_of (gw, "/gateway/ticket/user/acquirecontext"), ==, 2);
  gateway_free (gw);
}

static void
test_client_notification (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  const char *to[] = { "o-1", "o-2", "o-1", NULL };
  g_autoptr(YqMessageRequest) request = yq_message_request_new ("k-1", "审批", "请处理", to);
  g_autoptr(YqMessageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *msg;
  const char *last;
  Run run = { 0 };

  /* Without the public account configured, nothing is sent. */
  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  g_assert_null (yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error));
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&run.result);

  /* 5005 first: the retry carries a fresh nonce, time and pubtoken. */
  yq_yzj_client_set_public_account (client, PUB_ID, PUB_KEY);
  request->url = g_strdup ("https://oa.example.com/doku.php?id=使用说明&abc=123");
  gw->pub_busy_once = TRUE;
  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->message_id, ==, "sm-1");
  g_assert_cmpuint (gw->from_nonces->len, ==, 2);
  g_clear_object (&run.result);

  last = g_ptr_array_index (gw->bodies, gw->bodies->len - 1);
  body = json_from_string (strchr (last, ' ') + 1, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (body), "type"), ==, 5);
  msg = json_object_get_object_member (json_node_get_object (body), "msg");
  g_assert_cmpstr (json_object_get_string_member (msg, "url"), ==,
                   "https://oa.example.com/doku.php"
                   "?id=%E4%BD%BF%E7%94%A8%E8%AF%B4%E6%98%8E&abc=123");
  g_assert_cmpstr (json_object_get_string_member (msg, "appid"), ==, YZJ_APP_ID);
  g_assert_cmpint (json_object_get_int_member (msg, "todo"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_array_get_object_element (json_object_get_array_member (
                        json_node_get_object (body), "to"), 0), "user")), ==, 2);

  gateway_free (gw);
}

/* An attempt with its own time sends the same "from" blocks every time;
 * resumed after a crash, the platform's replay refusal (5005) means the
 * first send got through. */
static void
test_client_notification_resumed (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  const char *to[] = { "o-1", "o-2", NULL };
  g_autoptr(YqMessageRequest) request = yq_message_request_new ("k-2", "审批", "请处理", to);
  g_autoptr(YqMessageResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  Run run = { 0 };

  yq_yzj_client_set_public_account (client, PUB_ID, PUB_KEY);
  gw->pub_refuse_replays = TRUE;
  request->attempt_ms = 1704081600123;

  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_clear_pointer (&result, yq_message_result_free);
  g_assert_cmpuint (gw->pub_delivered, ==, 1);
  g_assert_cmpuint (gw->from_nonces->len, ==, 1);
  first = g_strdup (g_ptr_array_index (gw->from_nonces, 0));
  g_assert_true (g_str_has_prefix (first, "1704081600 "));

  /* The same attempt resumed: the identical "from" is refused, which
   * counts as delivered, and nothing is delivered twice. */
  request->resumed = TRUE;
  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_assert_cmpuint (result->failures->len, ==, 0);
  g_assert_cmpuint (gw->pub_delivered, ==, 1);
  g_assert_cmpuint (count_of (gw, "/pubacc/pubsendV2"), ==, 2);
  g_clear_pointer (&result, yq_message_result_free);

  /* Not resumed, the refusal is a rate limit: the next send of the
   * attempt carries another nonce and is delivered. */
  request->resumed = FALSE;
  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_assert_cmpuint (gw->pub_delivered, ==, 2);
  g_assert_cmpuint (count_of (gw, "/pubacc/pubsendV2"), ==, 4);
  g_assert_cmpstr (g_ptr_array_index (gw->from_nonces, 1), !=, first);
  g_clear_pointer (&result, yq_message_result_free);

  /* A new attempt starts with a fresh "from". */
  request->attempt_ms += 10000;
  yq_platform_send_notification_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_send_notification_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_assert_cmpuint (gw->pub_delivered, ==, 3);
  g_assert_cmpuint (count_of (gw, "/pubacc/pubsendV2"), ==, 5);

  gateway_free (gw);
}

static void
test_client_todos (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  g_autoptr(GPtrArray) to = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(YqTodoRequest) request = NULL;
  g_autoptr(YqTodoResult) result = NULL;
  g_autoptr(YqTodoResult) closed = NULL;
  g_autoptr(GError) error = NULL;
  const char *some[] = { "o-1", "o-2", NULL };
  Run run = { 0 };

  g_ptr_array_add (to, g_strdup ("bad"));
  for (guint i = 1; i < 250; i++)
    g_ptr_array_add (to, g_strdup_printf ("o-%u", i));
  g_ptr_array_add (to, NULL);
  request = yq_todo_request_new ("src-1", "报销单", "https://oa.example.com/t/1",
                                 (const char * const *) to->pdata);
  request->icon_url = g_strdup ("https://oa.example.com/icon.png");

  yq_platform_create_todo_async (YQ_PLATFORM (client), request, NULL, run_cb, &run);
  run_wait (&run);
  result = yq_platform_create_todo_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_assert_cmpuint (result->items->len, ==, 250);
  g_assert_cmpuint (count_of (gw, "/gateway/newtodo/open/generatetodo.json"), ==, 3);
  g_assert_cmpuint (yq_todo_result_get_n_failed (result), ==, 1);
  g_assert_cmpstr (yq_todo_result_lookup (result, "bad")->error_code, ==, "501");
  g_assert_cmpstr (yq_todo_result_lookup (result, "o-7")->task_id, ==, "src-1");
  g_assert_null (yq_todo_result_lookup (result, "o-7")->error_code);

  /* Finishing for some recipients names them in lower-case "openids". */
  yq_platform_finish_todo_async (YQ_PLATFORM (client), "src-1", some, NULL, run_cb, &run);
  run_wait (&run);
  closed = yq_platform_finish_todo_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_assert_null (yq_todo_result_lookup (closed, "o-1")->error_code);
  g_assert_cmpstr (yq_todo_result_lookup (closed, "o-2")->error_code, ==, "502");
  g_assert_nonnull (strstr (g_ptr_array_index (gw->bodies, gw->bodies->len - 1),
                            "\"deal\":1"));

  gateway_free (gw);
}

static void
test_client_directory_writes (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GPtrArray) changes =
    g_ptr_array_new_with_free_func ((GDestroyNotify) yq_directory_change_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqOrgDepartment) d1 = yq_org_department_new ("", "d-b", "前端组");
  g_autoptr(YqOrgDepartment) d2 = yq_org_department_new ("", NULL, "新部门");
  g_autoptr(YqOrgDepartment) d3 = yq_org_department_new ("", "d-a", "bad\\name");
  g_autoptr(YqOrgDepartment) r1 = yq_org_department_new ("d-x", NULL, "改名");
  g_autoptr(YqOrgDepartment) r2 = yq_org_department_new ("d-b", NULL, "开发二部");
  g_autoptr(YqOrgDepartment) m1 = yq_org_department_new ("d-b", NULL, NULL);
  g_autoptr(YqOrgPerson) p1 = yq_org_person_new ("", "新人");
  g_autoptr(YqOrgPerson) p2 = yq_org_person_new ("o-00001", "P1");
  YqDirectoryChangeResult *r;
  Run run = { 0 };

  d1->order = 5;
  p1->mobile = g_strdup ("13900000000");
  g_strfreev (p1->department_ids);
  p1->department_ids = g_strsplit ("d-a", ",", -1);

  /* Learn the root and the long names first. */
  gw->n_people = 3;
  snapshot = fetch (client, NULL, &error);
  g_assert_no_error (error);

  g_ptr_array_add (changes,
                   yq_directory_change_new_department (YQ_DIRECTORY_OP_ADD_DEPARTMENT, d1));
  g_ptr_array_add (changes,
                   yq_directory_change_new_department (YQ_DIRECTORY_OP_ADD_DEPARTMENT, d2));
  g_ptr_array_add (changes,
                   yq_directory_change_new_department (YQ_DIRECTORY_OP_ADD_DEPARTMENT, d3));
  g_ptr_array_add (changes,
                   yq_directory_change_new_department (YQ_DIRECTORY_OP_RENAME_DEPARTMENT, r1));
  g_ptr_array_add (changes,
                   yq_directory_change_new_department (YQ_DIRECTORY_OP_RENAME_DEPARTMENT, r2));
  g_ptr_array_add (changes,
                   yq_directory_change_new_department (YQ_DIRECTORY_OP_MOVE_DEPARTMENT, m1));
  g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_ADD_PERSON, p1));
  g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_DISABLE_PERSON, p2));

  yq_platform_apply_directory_changes_async (YQ_PLATFORM (client), changes, NULL, run_cb, &run);
  run_wait (&run);
  results = yq_platform_apply_directory_changes_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_clear_object (&run.result);
  g_assert_cmpuint (results->len, ==, changes->len);

  r = g_ptr_array_index (results, 0);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_OK);
  g_assert_cmpstr (r->id, ==, "new-1");
  r = g_ptr_array_index (results, 1);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_FAILED);
  g_assert_cmpstr (r->error_code, ==, "230");
  r = g_ptr_array_index (results, 2);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_FAILED);
  g_assert_cmpstr (r->error_code, ==, "invalid-argument");
  r = g_ptr_array_index (results, 3);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_FAILED);
  g_assert_cmpstr (r->error_code, ==, "221");
  r = g_ptr_array_index (results, 4);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_OK);
  r = g_ptr_array_index (results, 5);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_OK);
  r = g_ptr_array_index (results, 6);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_OK);
  g_assert_cmpstr (r->id, ==, "o-new");
  r = g_ptr_array_index (results, 7);
  g_assert_cmpint (r->status, ==, YQ_DIRECTORY_RESULT_OK);
  g_assert_cmpstr (r->id, ==, "o-00001");

  /* Long names came from the fetch; after the rename the person's
   * department was looked up once, by ID. */
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/dept/get"), ==, 2);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/v2/dept/add"), ==, 1);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/dept/updateById"), ==, 1);
  g_assert_cmpuint (count_of (gw, "/gateway/openimport/open/person/updateStatus"), ==, 1);
  g_clear_pointer (&results, g_ptr_array_unref);

  /* A read-only key: the first call is refused, nothing was applied. */
  gw->read_only = TRUE;
  g_ptr_array_set_size (changes, 1);
  yq_platform_apply_directory_changes_async (YQ_PLATFORM (client), changes, NULL, run_cb, &run);
  run_wait (&run);
  results = yq_platform_apply_directory_changes_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_null (results);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NO_PERMISSION);
  g_assert_null (strstr (error->message, DIR_SECRET));
  g_clear_object (&run.result);

  gateway_free (gw);
}

static void
test_client_test_connection (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqYzjClient) client = client_for (gw);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  Run run = { 0 };

  gw->n_people = 3;
  yq_platform_test_connection_async (YQ_PLATFORM (client), NULL, run_cb, &run);
  run_wait (&run);
  summary = yq_platform_test_connection_finish (YQ_PLATFORM (client), run.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (summary, "Team"));
  g_assert_nonnull (strstr (summary, "1"));
  g_assert_cmpuint (count_of (gw, "/gateway/oauth2/token/getAccessToken"), ==, 2);
  g_clear_object (&run.result);
  gateway_free (gw);
}

static void
test_new_for_connector (void)
{
  Gateway *gw = gateway_new ();
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(YqPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  Run run = { 0 };

  yq_connector_set_api_base (connector, gw->base);
  yq_connector_set_tenant_id (connector, EID);
  yq_connector_set_app_key (connector, YZJ_APP_ID);

  /* Neither the app secret nor the directory key: nothing to call with. */
  platform = yq_platform_new_for_connector (connector, NULL, NULL, &error);
  g_assert_null (platform);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* The directory key alone is enough to read the directory. */
  platform = yq_platform_new_for_connector (connector, NULL, DIR_SECRET, &error);
  g_assert_no_error (error);
  g_assert_true (YQ_IS_YZJ_CLIENT (platform));
  g_assert_cmpint (yq_platform_get_kind (platform), ==, YQ_PLATFORM_KIND_YZJ);
  g_assert_cmpfloat (yq_platform_get_qps (platform), ==,
                     (double) yq_connector_get_qps (connector));
  gw->n_people = 2;
  yq_platform_fetch_directory_async (platform, NULL, NULL, NULL, NULL, run_cb, &run);
  run_wait (&run);
  snapshot = yq_platform_fetch_directory_finish (platform, run.result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, 2);
  g_clear_object (&run.result);

  /* Without the app secret, tickets cannot be resolved. */
  yq_platform_resolve_login_code_async (platform, YQ_LOGIN_CODE_APP, "t", NULL, run_cb, &run);
  run_wait (&run);
  g_assert_null (yq_platform_resolve_login_code_finish (platform, run.result, &error));
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT);
  g_clear_object (&run.result);

  gateway_free (gw);
}

/* No secret may reach a log line, debug lines included. */
static const char * const forbidden_in_logs[] = {
  "appSecret-1", "dirSecret-1", "testPubKey", "-tok1", "-tok2", NULL
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

  g_test_add_func ("/yzj/pubtoken", test_pubtoken);
  g_test_add_func ("/yzj/approval-sign", test_approval_sign);
  g_test_add_func ("/yzj/envelope/table", test_envelopes);
  g_test_add_func ("/yzj/envelope/item-errors", test_item_errors);
  g_test_add_func ("/yzj/envelope/id-list", test_id_list);
  g_test_add_func ("/yzj/errors/mapping", test_error_mapping);
  g_test_add_func ("/yzj/paging", test_paging);
  g_test_add_func ("/yzj/helpers", test_helpers);
  g_test_add_func ("/yzj/mapping", test_mapping);
  g_test_add_func ("/yzj/client/fetch", test_client_fetch);
  g_test_add_func ("/yzj/client/token-refresh", test_client_token_refresh);
  g_test_add_func ("/yzj/client/login", test_client_login);
  g_test_add_func ("/yzj/client/notification", test_client_notification);
  g_test_add_func ("/yzj/client/notification-resumed", test_client_notification_resumed);
  g_test_add_func ("/yzj/client/todos", test_client_todos);
  g_test_add_func ("/yzj/client/directory-writes", test_client_directory_writes);
  g_test_add_func ("/yzj/client/test-connection", test_client_test_connection);
  g_test_add_func ("/yzj/client/new-for-connector", test_new_for_connector);

  return g_test_run ();
}
