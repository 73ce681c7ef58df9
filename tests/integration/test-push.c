/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Message push end to end: the OA posts to yunqiao-service's intake over
 * HTTP, the service's dispatcher delivers through both platforms to the
 * simulator in this process, whose records are the proof.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-bindings.h"
#include "yq-push-inbox.h"
#include "yq-sim-server-private.h"
#include "yq-test-login.h"

typedef struct
{
  YqLoginFixture  base;
  char           *token;
  gint64          rule_id;
  YqSimPerson    *zhangsan;
  YqSimPerson    *lisi;
  YqSimPerson    *unbound;
} Fixture;

static YqPushTarget *
target_new (gint64      connector_id,
            gint64      app_id,
            YqPushKind  kind)
{
  YqPushTarget *target = yq_push_target_new ();

  target->connector_id = connector_id;
  target->app_id = app_id;
  target->kind = kind;

  return target;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(GError) error = NULL;
  YqPushTarget *target;

  yq_login_fixture_setup (b);

  f->zhangsan = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 1);
  f->lisi = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 2);
  f->unbound = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 3);
  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, f->zhangsan, "zhangsan");
  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, f->lisi, "lisi");
  yq_login_fixture_bind (b, YQ_LOGIN_YZJ, f->zhangsan, "zhangsan");
  yq_login_fixture_bind (b, YQ_LOGIN_YZJ, f->lisi, "lisi");

  /* 审批 goes everywhere: both kinds on both platforms. */
  rule->name = g_strdup ("审批到平台");
  rule->source = g_strdup ("审批");
  rule->enabled = TRUE;
  /* This tenant's terms allow work notifications back to back. */
  target = target_new (b->zwdd_connector, b->zwdd_app, YQ_PUSH_KIND_NOTIFICATION);
  target->zwdd_spacing = GPOINTER_TO_UINT (data);
  g_ptr_array_add (rule->targets, target);
  g_ptr_array_add (rule->targets, target_new (b->zwdd_connector, b->zwdd_app, YQ_PUSH_KIND_TODO));
  target = target_new (b->yzj_connector, b->yzj_app, YQ_PUSH_KIND_NOTIFICATION);
  target->yzj_pub_id = g_strdup (b->config->yzj_pub_id);
  target->yzj_pub_key = g_strdup (b->config->yzj_pub_key);
  g_ptr_array_add (rule->targets, target);
  g_ptr_array_add (rule->targets, target_new (b->yzj_connector, b->yzj_app, YQ_PUSH_KIND_TODO));
  g_assert_true (yq_push_rules_save (b->store, b->secrets, rule, &error));
  g_assert_no_error (error);
  f->rule_id = rule->id;

  f->token = yq_push_tokens_create (b->store, "OA", NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_login_fixture_teardown (&f->base);
  g_free (f->token);
}

/* Posts @body to the intake with @token (nullable). */
static YqTestResponse *
post (Fixture    *f,
      const char *token,
      const char *content_type,
      const char *body)
{
  g_autofree char *url = g_strconcat (f->base.service_url, "/api/v1/messages", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    header);
    }
  soup_message_set_request_body_from_bytes (msg, content_type, bytes);

  return yq_login_fixture_send (&f->base, msg);
}

static char *
message_json (const char *key,
              const char *kind,
              const char *title,
              const char *todo_id,
              const char *recipients)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{\"idempotency_key\":\"%s\",\"source\":\"审批\",\"kind\":\"%s\"",
                          key, kind);
  if (title != NULL)
    g_string_append_printf (json, ",\"title\":\"%s\",\"content\":\"请在今天处理\","
                                  "\"url\":\"https://oa.example.gov.cn/portal/wf?id=%s\"",
                            title, todo_id ? todo_id : key);
  if (todo_id != NULL)
    g_string_append_printf (json, ",\"todo_id\":\"%s\"", todo_id);
  if (recipients != NULL)
    g_string_append_printf (json, ",\"recipients\":%s", recipients);
  g_string_append_c (json, '}');

  return g_string_free (json, FALSE);
}

/* Waits until no delivery is pending, sending or retrying. */
static void
wait_delivered (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      guint counts[YQ_DELIVERY_N_STATES] = { 0, };
      g_autoptr(GError) error = NULL;

      g_assert_true (yq_push_deliveries_count (f->base.store, counts, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counts[YQ_DELIVERY_DEAD], ==, 0);
      if (counts[YQ_DELIVERY_PENDING] + counts[YQ_DELIVERY_SENDING] +
          counts[YQ_DELIVERY_RETRY] == 0)
        return;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  g_error ("Deliveries still pending after a minute");
}

static JsonArray *
records (Fixture    *f,
         const char *kind)
{
  JsonNode *node = yq_sim_server_list_records (f->base.sim, kind);
  JsonArray *array = json_array_ref (json_node_get_array (node));

  json_node_unref (node);
  return array;
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;

  return FALSE;
}

/* How many records of @kind name @recipient (in @recipients_member) and
 * contain @text anywhere. */
static guint
count_records (Fixture    *f,
               const char *kind,
               const char *recipients_member,
               const char *recipient,
               const char *text)
{
  g_autoptr(JsonArray) list = records (f, kind);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *record = json_array_get_object_element (list, i);
      g_autofree char *dump = json_to_string (json_array_get_element (list, i), FALSE);
      gboolean names;

      if (json_object_has_member (record, recipients_member) &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (record, recipients_member)))
        names = array_has_string (json_object_get_array_member (record, recipients_member),
                                  recipient);
      else
        names = g_strcmp0 (json_object_get_string_member_with_default (record, recipients_member,
                                                                       NULL), recipient) == 0;
      if (names && strstr (dump, text) != NULL)
        n++;
    }

  return n;
}

static char *
post_and_check (Fixture    *f,
                const char *body)
{
  g_autoptr(YqTestResponse) response = post (f, f->token, "application/json", body);

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  return g_strdup (response->body);
}

static void
test_every_kind (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *notification = NULL;
  g_autofree char *todo = NULL;
  g_autofree char *done = NULL;
  g_autofree char *todo2 = NULL;
  g_autofree char *cancelled = NULL;
  g_autoptr(YqTestResponse) response = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;

  notification = message_json ("n-1", "notification", "采购申请已批准", NULL,
                               "[\"zhangsan\",\"lisi\",\"no-such-account\"]");
  response = post (f, f->token, "application/json", notification);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  answer = yq_test_response_json (response);
  object = json_node_get_object (answer);
  /* 2 bound recipients × 2 notification targets; the third is unbound on
   * both platforms. */
  g_assert_cmpint (json_object_get_int_member (object, "deliveries"), ==, 2 * 2);
  g_assert_true (array_has_string (json_object_get_array_member (object, "unbound"),
                                   "no-such-account"));
  wait_delivered (f);

  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "采购申请已批准"), ==, 1);
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->lisi->account_id_str, "采购申请已批准"), ==, 1);
  g_assert_cmpuint (count_records (f, "yzj.message", "recipients", f->zhangsan->open_id,
                                   "采购申请已批准"), ==, 1);
  g_assert_cmpuint (count_records (f, "yzj.message", "recipients", f->lisi->open_id,
                                   "采购申请已批准"), ==, 1);
  /* The link is in the message. */
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "oa.example.gov.cn"), ==, 1);

  /* A todo on both platforms, then done. */
  todo = message_json ("t-1", "todo", "请审批：差旅报销", "WF-1", "[\"zhangsan\",\"lisi\"]");
  g_clear_pointer (&response, yq_test_response_free);
  response = post (f, f->token, "application/json", todo);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  wait_delivered (f);
  g_assert_cmpuint (count_records (f, "zwdd.todo", "assigneeId", f->zhangsan->account_id_str,
                                   "差旅报销"), ==, 1);
  g_assert_cmpuint (count_records (f, "yzj.todo", "openId", f->lisi->open_id, "差旅报销"), ==, 1);

  done = message_json ("t-1-done", "todo.done", NULL, "WF-1", NULL);
  g_clear_pointer (&response, yq_test_response_free);
  response = post (f, f->token, "application/json", done);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  wait_delivered (f);
  g_assert_cmpuint (count_records (f, "zwdd.todo", "assigneeId", f->zhangsan->account_id_str,
                                   "\"state\":\"finished\""), ==, 1);
  g_assert_cmpuint (count_records (f, "yzj.todo", "openId", f->lisi->open_id,
                                   "\"deal\":true"), ==, 1);

  /* Another todo, cancelled. */
  todo2 = message_json ("t-2", "todo", "请审批：采购合同", "WF-2", "[\"zhangsan\"]");
  g_clear_pointer (&response, yq_test_response_free);
  response = post (f, f->token, "application/json", todo2);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  cancelled = message_json ("t-2-cancel", "todo.cancelled", NULL, "WF-2", NULL);
  g_clear_pointer (&response, yq_test_response_free);
  response = post (f, f->token, "application/json", cancelled);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
  wait_delivered (f);
  g_assert_cmpuint (count_records (f, "zwdd.todo", "assigneeId", f->zhangsan->account_id_str,
                                   "\"state\":\"cancelled\""), ==, 1);
  g_assert_cmpuint (count_records (f, "yzj.todo", "openId", f->zhangsan->open_id,
                                   "\"deleted\":true"), ==, 1);
}

static guint
count_messages (Fixture *f)
{
  YqDeliveryFilter filter = { 0, };
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;

  list = yq_push_deliveries_list (f->base.store, &filter, &total, &error);
  g_assert_no_error (error);

  return total;
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *good = message_json ("r-1", "notification", "标题", NULL, "[\"zhangsan\"]");
  g_autofree char *huge = NULL;
  g_autoptr(YqTestResponse) response = NULL;
  struct
  {
    const char *token;
    const char *type;
    const char *body;
    guint       status;
    const char *error;
  } cases[] = {
    { NULL, "application/json", good, SOUP_STATUS_UNAUTHORIZED, "unauthorized" },
    { "yqp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "application/json", good,
      SOUP_STATUS_UNAUTHORIZED, "unauthorized" },
    { f->token, "text/plain", good, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "content-type" },
    { f->token, "application/json", "{\"idempotency_key\":", SOUP_STATUS_BAD_REQUEST,
      "invalid" },
    { f->token, "application/json",
      "{\"idempotency_key\":\"x\",\"source\":\"审批\",\"kind\":\"notification\","
      "\"title\":\"t\",\"recipients\":[\"zhangsan\"],\"colour\":\"red\"}",
      SOUP_STATUS_BAD_REQUEST, "invalid" },
    { f->token, "application/json",
      "{\"idempotency_key\":\"x\",\"source\":\"审批\",\"kind\":\"todo.done\","
      "\"todo_id\":\"never-sent\"}", SOUP_STATUS_NOT_FOUND, "unknown-todo" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(YqTestResponse) refused = post (f, cases[i].token, cases[i].type, cases[i].body);
      g_autoptr(JsonNode) answer = NULL;
      JsonObject *object;

      g_test_message ("case %u: HTTP %u %s", i, refused->status, refused->body);
      g_assert_cmpuint (refused->status, ==, cases[i].status);
      answer = yq_test_response_json (refused);
      object = json_node_get_object (answer);
      g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, cases[i].error);
      g_assert_cmpstr (json_object_get_string_member (object, "message"), !=, "");
      if (cases[i].token != NULL && cases[i].token != f->token)
        g_assert_null (strstr (refused->body, cases[i].token));
    }

  /* Larger than the limit: refused from the headers, before the body. */
  huge = g_strnfill (YQ_PUSH_MAX_BODY + 1, ' ');
  response = post (f, f->token, "application/json", huge);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);

  /* Nothing was stored. */
  g_assert_cmpuint (count_messages (f), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(YqPushMessage) none = yq_push_inbox_get (f->base.store, 1, &error);

    g_assert_null (none);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
  }
}

static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *body = message_json ("same-key", "notification", "一次", NULL,
                                        "[\"zhangsan\"]");
  g_autofree char *other = message_json ("same-key", "notification", "另一条", NULL,
                                         "[\"zhangsan\"]");
  g_autoptr(YqTestResponse) first = post (f, f->token, "application/json", body);
  g_autoptr(YqTestResponse) again = NULL;
  g_autoptr(YqTestResponse) conflict = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  g_assert_cmpuint (first->status, ==, SOUP_STATUS_ACCEPTED);
  again = post (f, f->token, "application/json", body);
  g_assert_cmpuint (again->status, ==, SOUP_STATUS_OK);
  a = yq_test_response_json (first);
  b = yq_test_response_json (again);
  g_assert_true (json_node_equal (a, b));

  conflict = post (f, f->token, "application/json", other);
  g_assert_cmpuint (conflict->status, ==, SOUP_STATUS_CONFLICT);

  wait_delivered (f);
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "一次"), ==, 1);
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "另一条"), ==, 0);
}

/* Work notifications spaced 30 s apart (fixture data) do not hold the
 * connector's todos up, and the spacing is kept. */
static void
test_spacing (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *first = message_json ("s-1", "notification", "第一条", NULL, "[\"zhangsan\"]");
  g_autofree char *second = message_json ("s-2", "notification", "第二条", NULL,
                                          "[\"zhangsan\"]");
  g_autofree char *todo = message_json ("s-3", "todo", "请审批：会议室", "WF-S", "[\"zhangsan\"]");
  gint64 deadline;

  g_free (post_and_check (f, first));
  g_free (post_and_check (f, second));
  g_free (post_and_check (f, todo));

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  /* The first notification and the todo go out at once; the second
   * notification waits its 30 s. */
  while ((count_records (f, "zwdd.todo", "assigneeId", f->zhangsan->account_id_str,
                         "会议室") == 0 ||
          count_records (f, "zwdd.notification", "receiverIds", f->zhangsan->account_id_str,
                         "第一条") == 0) &&
         g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }

  g_assert_cmpuint (count_records (f, "zwdd.todo", "assigneeId", f->zhangsan->account_id_str,
                                   "会议室"), ==, 1);
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "第一条"), ==, 1);
  /* The second notification waits for its slot. */
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "第二条"), ==, 0);

  /* Also after a restart: the new platform client keeps the spacing from
   * the first call, not from its own start. */
  yq_login_fixture_restart_service (&f->base, FALSE);
  deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "第二条"), ==, 0);
  g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                   f->zhangsan->account_id_str, "第一条"), ==, 1);
}

#define N_KILL_MESSAGES 40

static void
test_kill_and_resume (Fixture       *f,
                      gconstpointer  data)
{
  YqSimFaultSettings faults;
  guint delivered = 0;
  gint64 deadline;

  /* Slow platform calls, so that the kill lands while calls are out. */
  yq_sim_faults_get_settings (yq_sim_server_get_faults (f->base.sim), &faults);
  faults.latency_ms = 15;
  yq_sim_faults_set_settings (yq_sim_server_get_faults (f->base.sim), &faults);

  for (guint i = 0; i < N_KILL_MESSAGES; i++)
    {
      g_autofree char *key = g_strdup_printf ("kill-%u", i);
      g_autofree char *title = g_strdup_printf ("第%u号通知", i);
      g_autofree char *body = message_json (key, "notification", title, NULL,
                                            "[\"zhangsan\",\"lisi\"]");
      g_autoptr(YqTestResponse) response = post (f, f->token, "application/json", body);

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_ACCEPTED);
    }

  /* Kill once some are through and some are not. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      guint counts[YQ_DELIVERY_N_STATES] = { 0, };

      g_assert_true (yq_push_deliveries_count (f->base.store, counts, NULL));
      delivered = counts[YQ_DELIVERY_DELIVERED];
      if (delivered >= 10)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (delivered, >=, 10);
  g_assert_cmpuint (delivered, <, N_KILL_MESSAGES * 4);
  yq_login_fixture_restart_service (&f->base, TRUE);

  wait_delivered (f);

  /* Every message reached every recipient exactly once on both
   * platforms. */
  for (guint i = 0; i < N_KILL_MESSAGES; i++)
    {
      g_autofree char *title = g_strdup_printf ("第%u号通知", i);

      g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                       f->zhangsan->account_id_str, title), ==, 1);
      g_assert_cmpuint (count_records (f, "zwdd.notification", "receiverIds",
                                       f->lisi->account_id_str, title), ==, 1);
      g_assert_cmpuint (count_records (f, "yzj.message", "recipients", f->zhangsan->open_id,
                                       title), ==, 1);
      g_assert_cmpuint (count_records (f, "yzj.message", "recipients", f->lisi->open_id,
                                       title), ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/push/" path, Fixture, GUINT_TO_POINTER (0), fixture_setup, func, \
              fixture_teardown)

  ADD ("every-kind", test_every_kind);
  ADD ("refused", test_refused);
  ADD ("replay", test_replay);
  ADD ("kill-and-resume", test_kill_and_resume);
  g_test_add ("/push/spacing", Fixture, GUINT_TO_POINTER (30), fixture_setup, test_spacing,
              fixture_teardown);

#undef ADD

  return g_test_run ();
}
