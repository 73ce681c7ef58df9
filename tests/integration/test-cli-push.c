/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * yunqiaoctl push: rules with their targets and a 云之家 public-account key
 * read from standard input (and never printed), intake tokens (printed
 * once), the delivery log and retry on deliveries the test puts in the
 * store, and `push send` against a SoupServer in the test that plays the
 * intake endpoint.
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yunqiao-core.h"
#include "yq-apps.h"
#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-push.h"
#include "yq-push-inbox.h"

#include "yq-test-bus.h"
#include "yq-test-cli.h"

#define PUB_KEY "yzj-Pub-Key-7c1d2e"
#define OTHER_PUB_KEY "yzj-Other-Pub-Key-3f4a"
#define SEND_TOKEN "yqp_TestTokenForTheSoupServerOnly0123456789abcd"

/* No session bus: the change notification to the service is skipped. */
static const char * const cli_env[] = {
  "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/yunqiao-test-bus",
  "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
  "no_proxy", "NO_PROXY",
  NULL
};

/* Every byte the CLI printed, checked for the secrets. */
static GString *all_output;

typedef struct
{
  char   *data_dir;
  gint64  zwdd;
  gint64  yzj;
  gint64  app;
  char   *zwdd_id;
  char   *yzj_id;
} Fixture;

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in:\n%s", part, text);
}

static void
assert_not_contains (const char *text,
                     const char *part)
{
  if (strstr (text, part) != NULL)
    g_error ("“%s” should not be in:\n%s", part, text);
}

static YqStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  YqStore *store = yq_store_open_in_dir (f->data_dir, &error);

  g_assert_no_error (error);

  return store;
}

static YqSecrets *
open_secrets (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  YqSecrets *secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);

  g_assert_no_error (error);

  return secrets;
}

static gint64
add_connector (YqStore           *store,
               YqSecrets         *secrets,
               YqConnectorPreset  preset,
               const char        *name)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "connector-key");
  g_assert_true (yq_connectors_save (store, secrets, connector, "connector-secret",
                                     yq_connector_needs_directory_secret (connector)
                                     ? "dir-secret" : NULL,
                                     &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
put_person (YqStore    *store,
            gint64      connector,
            const char *id,
            const char *name,
            const char *oa_account)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (id, name);
  g_autoptr(GError) error = NULL;

  person->active = TRUE;
  g_assert_true (yq_bridge_directory_put_person (store, connector, person, &error));
  g_assert_no_error (error);

  if (oa_account != NULL)
    {
      g_assert_true (yq_bridge_directory_bind_person (store, connector, id, oa_account,
                                                      YQ_BIND_SOURCE_MANUAL, &error));
      g_assert_no_error (error);
    }
}

static void
add_oa_person (YqOaDirectory *oa,
               const char    *department,
               const char    *account,
               const char    *name)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (account, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department);
  id = yq_oa_directory_add_person (oa, person, &error);
  g_assert_no_error (error);
}

/* Two connectors, 政务钉钉 (with an app) and 云之家; on the 政务钉钉 one
 * zhangsan and wangwu are bound, lisi is in the OA only. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqApp) app = yq_app_new ();
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autoptr(YqOrgDepartment) oa_root = yq_org_department_new ("ignored", NULL, "总部");
  g_autofree char *oa_root_id = NULL;
  g_autoptr(GError) error = NULL;

  g_string_truncate (all_output, 0);

  f->data_dir = yq_test_make_data_dir ();
  store = open_store (f);
  secrets = open_secrets (f);

  f->zwdd = add_connector (store, secrets, YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "市政府");
  f->yzj = add_connector (store, secrets, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");
  f->zwdd_id = g_strdup_printf ("%lld", (long long) f->zwdd);
  f->yzj_id = g_strdup_printf ("%lld", (long long) f->yzj);

  app->connector_id = f->zwdd;
  app->name = g_strdup ("审批");
  app->app_key = g_strdup ("ding-approval");
  app->target = YQ_APP_TARGET_CUSTOM;
  app->custom_url = g_strdup ("https://oa.example.gov.cn/approval");
  f->app = yq_apps_add (store, secrets, app, "approval-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpint (f->app, >, 0);

  oa = yq_builtin_oa_directory_new (store);
  oa_root_id = yq_oa_directory_add_department (oa, oa_root, &error);
  g_assert_no_error (error);
  add_oa_person (oa, oa_root_id, "zhangsan", "张三");
  add_oa_person (oa, oa_root_id, "lisi", "李四");
  add_oa_person (oa, oa_root_id, "wangwu", "王五");

  put_person (store, f->zwdd, "acct-001", "张三", "zhangsan");
  put_person (store, f->zwdd, "acct-003", "王五", "wangwu");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Whatever a test did, no key or sent token was ever printed. */
  assert_not_contains (all_output->str, PUB_KEY);
  assert_not_contains (all_output->str, OTHER_PUB_KEY);
  assert_not_contains (all_output->str, SEND_TOKEN);

  yq_test_remove_data_dir (f->data_dir);
  g_free (f->data_dir);
  g_free (f->zwdd_id);
  g_free (f->yzj_id);
}

static YqTestCliResult *
run_with (Fixture            *f,
          const char * const *env,
          const char         *input,
          const char         *first,
          ...) G_GNUC_NULL_TERMINATED;

static YqTestCliResult *
run_with (Fixture            *f,
          const char * const *env,
          const char         *input,
          const char         *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return yq_test_cli_run_in (f->data_dir, env, input, (const char * const *) args->pdata);
}

#define run(f, ...) run_with ((f), NULL, NULL, __VA_ARGS__)

/* Runs a command that must succeed with --json and returns its output. */
static JsonNode *
run_json (Fixture    *f,
          const char *input,
          const char *first,
          ...) G_GNUC_NULL_TERMINATED;

static JsonNode *
run_json (Fixture    *f,
          const char *input,
          const char *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(YqTestCliResult) result = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, NULL);

  result = yq_test_cli_run_in (f->data_dir, NULL, input, (const char * const *) args->pdata);
  yq_test_cli_assert_exit (result, 0);

  return yq_test_cli_parse_json (result->out);
}

static JsonObject *
find_target (JsonObject *rule,
             gint64      connector_id,
             const char *kind)
{
  JsonArray *targets = json_object_get_array_member (rule, "targets");

  for (guint i = 0; i < json_array_get_length (targets); i++)
    {
      JsonObject *target = json_array_get_object_element (targets, i);

      if (json_object_get_int_member (target, "connector_id") == connector_id &&
          g_str_equal (json_object_get_string_member (target, "kind"), kind))
        return target;
    }

  g_error ("No %s target of connector %lld", kind, (long long) connector_id);
}

static char *
stored_pub_key (Fixture *f,
                gint64   target_id)
{
  g_autoptr(YqStore) store = open_store (f);
  g_autoptr(YqSecrets) secrets = open_secrets (f);
  g_autoptr(GError) error = NULL;
  char *key = yq_push_target_get_pub_key (store, secrets, target_id, &error);

  g_assert_no_error (error);

  return key;
}

/* ---- Rules ------------------------------------------------------------------ */

static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *zwdd_todo = g_strdup_printf ("%s:todo:%lld", f->zwdd_id, (long long) f->app);
  g_autofree char *zwdd_notification = g_strdup_printf ("%s:notification", f->zwdd_id);
  g_autofree char *yzj_notification = g_strdup_printf ("%s:notification", f->yzj_id);
  g_autofree char *yzj_todo = g_strdup_printf ("%s:todo", f->yzj_id);
  g_autofree char *rule_id = NULL;
  g_autofree char *key = NULL;
  JsonObject *rule;
  JsonObject *target;
  gint64 yzj_target;
  gint64 zwdd_target;

  result = run (f, "push", "rule", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "No push rules are configured.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Malformed targets are usage errors that say how to write one. */
  {
    const char *bad[] = { "1:email", "x:todo", "1", "1:todo:3:4", "1:todo:app", "0:todo" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        result = run (f, "push", "rule", "add", "--name", "坏", "--target", bad[i], NULL);
        yq_test_cli_assert_exit (result, 2);
        assert_contains (result->err, "is not a push target");
        assert_contains (result->err, "CONNECTOR:KIND");
        assert_contains (result->err, bad[i]);
        g_clear_pointer (&result, yq_test_cli_result_free);
      }
  }

  result = run (f, "push", "rule", "add", "--name", "无目标", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--target");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A 云之家 notification target without its public account. */
  result = run (f, "push", "rule", "add", "--name", "审批待办", "--target", yzj_notification,
                NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "needs the public account");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The public account is for 云之家 notification targets only. */
  result = run_with (f, NULL, PUB_KEY "\n", "push", "rule", "add", "--name", "审批待办",
                     "--target", zwdd_todo, "--pub-id", "XT-0001", "--pub-key-file", "-", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "Yunzhijia notification targets");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* An unknown connector is the store's error. */
  result = run (f, "push", "rule", "add", "--name", "审批待办", "--target", "99:todo", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, PUB_KEY "\n", "push", "rule", "add", "--name", "审批待办",
                   "--source", "审批", "--target", zwdd_todo, "--target", yzj_notification,
                   "--pub-id", "XT-0001", "--pub-key-file", "-", NULL);
  rule = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (rule, "id"), >, 0);
  rule_id = g_strdup_printf ("%lld", (long long) json_object_get_int_member (rule, "id"));
  g_assert_cmpstr (json_object_get_string_member (rule, "name"), ==, "审批待办");
  g_assert_cmpstr (json_object_get_string_member (rule, "source"), ==, "审批");
  g_assert_true (json_object_get_boolean_member (rule, "enabled"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rule, "targets")), ==,
                    2);
  target = find_target (rule, f->zwdd, "todo");
  g_assert_cmpint (json_object_get_int_member (target, "app_id"), ==, f->app);
  g_assert_cmpstr (json_object_get_string_member (target, "spec"), ==, zwdd_todo);
  g_assert_true (json_object_get_null_member (target, "yzj_pub_id"));
  g_assert_false (json_object_get_boolean_member (target, "has_pub_key"));
  zwdd_target = json_object_get_int_member (target, "id");
  target = find_target (rule, f->yzj, "notification");
  g_assert_true (json_object_get_null_member (target, "app_id"));
  g_assert_cmpstr (json_object_get_string_member (target, "yzj_pub_id"), ==, "XT-0001");
  g_assert_true (json_object_get_boolean_member (target, "has_pub_key"));
  yzj_target = json_object_get_int_member (target, "id");
  g_clear_pointer (&node, json_node_unref);

  /* The key from standard input was stored without its line break. */
  key = stored_pub_key (f, yzj_target);
  g_assert_cmpstr (key, ==, PUB_KEY);
  g_clear_pointer (&key, g_free);

  /* Names are unique. */
  result = run (f, "push", "rule", "add", "--name", "审批待办", "--target", zwdd_notification,
                NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "rule", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "NAME");
  assert_contains (result->out, "审批待办");
  assert_contains (result->out, "审批");
  assert_contains (result->out, "enabled");
  assert_contains (result->out, zwdd_todo);
  assert_contains (result->out, yzj_notification);
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, NULL, "push", "rule", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  g_clear_pointer (&node, json_node_unref);

  /* By name, with the targets spelled out; the key only as "set". */
  result = run (f, "push", "rule", "show", "审批待办", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Targets:");
  assert_contains (result->out, "connector “市政府”");
  assert_contains (result->out, "app “审批”");
  assert_contains (result->out, "public account XT-0001, key set");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "rule", "show", "没有这条", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "No push rule is named “没有这条”");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "rule", "show", "999", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Edit: the name and source change; the kept targets keep their row and
   * key. */
  node = run_json (f, NULL, "push", "rule", "edit", rule_id, "--name", "全部消息",
                   "--all-sources", NULL);
  rule = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (rule, "name"), ==, "全部消息");
  g_assert_true (json_object_get_null_member (rule, "source"));
  target = find_target (rule, f->yzj, "notification");
  g_assert_cmpint (json_object_get_int_member (target, "id"), ==, yzj_target);
  g_assert_true (json_object_get_boolean_member (target, "has_pub_key"));
  g_clear_pointer (&node, json_node_unref);

  /* --spacing is for 政务钉钉 notification targets only. */
  result = run (f, "push", "rule", "edit", rule_id, "--spacing", "0", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--spacing");
  g_clear_pointer (&result, yq_test_cli_result_free);
  {
    g_autoptr(JsonNode) spaced = run_json (f, NULL, "push", "rule", "add", "--name", "间隔",
                                           "--target", zwdd_notification, "--spacing", "30",
                                           NULL);
    JsonObject *spaced_target = find_target (json_node_get_object (spaced), f->zwdd,
                                             "notification");

    g_assert_cmpint (json_object_get_int_member (spaced_target, "zwdd_spacing"), ==, 30);
  }
  result = run (f, "push", "rule", "remove", "间隔", NULL);
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = run (f, "push", "rule", "add", "--name", "太长", "--target", zwdd_notification,
                "--spacing", "3601", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "rule", "edit", rule_id, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "Nothing to change");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A new key from the environment for the rule's 云之家 notifications. */
  {
    const char *env[] = { "YQ_PUB_KEY=" OTHER_PUB_KEY, NULL };

    result = run_with (f, env, NULL, "push", "rule", "edit", "全部消息", "--pub-key-env",
                       "YQ_PUB_KEY", NULL);
    yq_test_cli_assert_exit (result, 0);
    assert_contains (result->out, "Updated push rule");
    g_clear_pointer (&result, yq_test_cli_result_free);
    key = stored_pub_key (f, yzj_target);
    g_assert_cmpstr (key, ==, OTHER_PUB_KEY);
    g_clear_pointer (&key, g_free);
  }

  /* --target replaces the targets: the 云之家 notification stays (same
   * row, same key), the 政务钉钉 todo goes, a 云之家 todo comes. */
  node = run_json (f, NULL, "push", "rule", "edit", rule_id, "--target", yzj_notification,
                   "--target", yzj_todo, NULL);
  rule = json_node_get_object (node);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rule, "targets")), ==,
                    2);
  target = find_target (rule, f->yzj, "notification");
  g_assert_cmpint (json_object_get_int_member (target, "id"), ==, yzj_target);
  g_assert_cmpstr (json_object_get_string_member (target, "yzj_pub_id"), ==, "XT-0001");
  target = find_target (rule, f->yzj, "todo");
  g_assert_cmpint (json_object_get_int_member (target, "id"), !=, zwdd_target);
  g_assert_false (json_object_get_boolean_member (target, "has_pub_key"));
  g_clear_pointer (&node, json_node_unref);
  key = stored_pub_key (f, yzj_target);
  g_assert_cmpstr (key, ==, OTHER_PUB_KEY);
  g_clear_pointer (&key, g_free);

  result = run (f, "push", "rule", "edit", rule_id, "--target", "1:todo", "--target", "1:todo",
                NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "given twice");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "rule", "disable", rule_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Disabled push rule");
  g_clear_pointer (&result, yq_test_cli_result_free);
  node = run_json (f, NULL, "push", "rule", "show", rule_id, NULL);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_clear_pointer (&node, json_node_unref);

  node = run_json (f, NULL, "push", "rule", "enable", "全部消息", NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_clear_pointer (&node, json_node_unref);

  /* A disabled rule added as such. */
  node = run_json (f, NULL, "push", "rule", "add", "--name", "考勤", "--source", "考勤",
                   "--target", zwdd_notification, "--disabled", NULL);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "push", "rule", "remove", "全部消息", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Removed push rule");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, NULL, "push", "rule", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_node_get_array (node), 0), "name"),
                   ==, "考勤");
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "push", "rule", "show", rule_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);
}

/* ---- Tokens ----------------------------------------------------------------- */

static void
test_tokens (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *json_token = NULL;
  g_autofree char *id_text = NULL;
  JsonArray *array;
  gint64 id;

  result = run (f, "push", "token", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "No intake tokens exist.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "token", "create", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The token alone on standard output, the warning on standard error. */
  result = run (f, "push", "token", "create", "OA 生产", NULL);
  yq_test_cli_assert_exit (result, 0);
  token = g_strchomp (g_strdup (result->out));
  g_assert_true (g_str_has_prefix (token, "yqp_"));
  g_assert_cmpuint (strlen (token), ==, 4 + 43);
  g_assert_null (strchr (token, '\n'));
  assert_contains (result->err, "cannot be shown again");
  assert_not_contains (result->err, token);
  g_clear_pointer (&result, yq_test_cli_result_free);

  store = open_store (f);
  id = yq_push_tokens_verify (store, token, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  id_text = g_strdup_printf ("%lld", (long long) id);

  node = run_json (f, NULL, "push", "token", "create", "测试", NULL);
  json_token = g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
  g_assert_true (g_str_has_prefix (json_token, "yqp_"));
  g_assert_cmpstr (json_token, !=, token);
  g_clear_pointer (&node, json_node_unref);

  /* The list shows only the first characters. */
  g_string_truncate (all_output, 0);
  shown = g_strndup (token, 12);
  result = run (f, "push", "token", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "OA 生产");
  assert_contains (result->out, shown);
  assert_contains (result->out, "never");
  assert_contains (result->out, "valid");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, NULL, "push", "token", "list", NULL);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      g_assert_false (json_object_has_member (object, "token"));
      g_assert_cmpuint (strlen (json_object_get_string_member (object, "prefix")), <, 16);
    }
  g_clear_pointer (&node, json_node_unref);
  assert_not_contains (all_output->str, token);
  assert_not_contains (all_output->str, json_token);

  result = run (f, "push", "token", "revoke", id_text, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Revoked intake token");
  assert_contains (result->out, "OA 生产");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "token", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "revoked");
  g_clear_pointer (&result, yq_test_cli_result_free);

  g_assert_cmpint (yq_push_tokens_verify (store, token, g_get_real_time () / G_USEC_PER_SEC,
                                          &error), ==, 0);
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  result = run (f, "push", "token", "revoke", "999", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "token", "revoke", "abc", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);
}

/* ---- Log and retry -------------------------------------------------------------- */

static gint64
add_rule (YqStore    *store,
          YqSecrets  *secrets,
          const char *name,
          gint64      connector_id)
{
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(YqPushTarget) target = yq_push_target_new ();
  g_autoptr(GError) error = NULL;

  rule->name = g_strdup (name);
  rule->enabled = TRUE;
  if (rule->targets == NULL)
    rule->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_push_target_free);
  target->connector_id = connector_id;
  target->kind = YQ_PUSH_KIND_NOTIFICATION;
  g_ptr_array_add (rule->targets, g_steal_pointer (&target));
  g_assert_true (yq_push_rules_save (store, secrets, rule, &error));
  g_assert_no_error (error);

  return rule->id;
}

static gint64
accept_message (YqStore    *store,
                const char *key,
                const char *title,
                gint64      now)
{
  g_autoptr(YqPushMessage) message = yq_push_message_new ();
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "zhangsan", "lisi", "wangwu", NULL };

  message->idempotency_key = g_strdup (key);
  message->source = g_strdup ("审批");
  message->event = YQ_PUSH_EVENT_NOTIFICATION;
  message->title = g_strdup (title);
  message->content = g_strdup ("请尽快处理");
  message->recipients = g_strdupv ((char **) recipients);

  intake = yq_push_inbox_accept (store, 0, message, 0, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (intake);

  return intake->message_id;
}

static JsonArray *
log_deliveries (JsonNode *node)
{
  return json_object_get_array_member (json_node_get_object (node), "deliveries");
}

static const char *
delivery_state (JsonArray  *deliveries,
                const char *account)
{
  for (guint i = 0; i < json_array_get_length (deliveries); i++)
    {
      JsonObject *delivery = json_array_get_object_element (deliveries, i);

      if (g_str_equal (json_object_get_string_member (delivery, "oa_account"), account))
        return json_object_get_string_member (delivery, "state");
    }

  return NULL;
}

static void
test_log_retry (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(YqStore) store = open_store (f);
  g_autoptr(YqSecrets) secrets = open_secrets (f);
  g_autoptr(YqDeliveryBatch) batch = NULL;
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_text = NULL;
  g_autofree char *dead_id = NULL;
  g_autofree char *unbound_id = NULL;
  g_autoptr(GArray) outcomes = g_array_new (FALSE, TRUE, sizeof (YqDeliveryOutcome));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 message_id;
  JsonArray *deliveries;

  result = run (f, "push", "log", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "No deliveries match.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  add_rule (store, secrets, "审批通知", f->zwdd);
  message_id = accept_message (store, "oa-msg-0001", "请审批：年度预算报告", now - 60);
  message_text = g_strdup_printf ("%lld", (long long) message_id);

  /* zhangsan's and wangwu's deliveries are attempted: zhangsan's is taken,
   * wangwu's refused for good; lisi has no binding. */
  batch = yq_push_deliveries_claim (store, now * 1000, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpuint (batch->deliveries->len, ==, 2);
  for (guint i = 0; i < batch->deliveries->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (batch->deliveries, i);
      YqDeliveryOutcome outcome = { delivery->id, FALSE, NULL, NULL, FALSE };

      if (g_str_equal (delivery->oa_account, "zhangsan"))
        {
          outcome.delivered = TRUE;
        }
      else
        {
          outcome.error = "errcode 60121: the user is not in the app’s visible range";
          outcome.final = TRUE;
          dead_id = g_strdup_printf ("%lld", (long long) delivery->id);
        }
      g_array_append_val (outcomes, outcome);
    }
  g_assert_true (yq_push_deliveries_finish (store, (YqDeliveryOutcome *) outcomes->data,
                                            outcomes->len, now, &error));
  g_assert_no_error (error);
  g_assert_nonnull (dead_id);

  result = run (f, "push", "log", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "RECIPIENT");
  assert_contains (result->out, "LAST ERROR");
  assert_contains (result->out, "审批");
  assert_contains (result->out, "请审批");
  assert_contains (result->out, "zhangsan");
  assert_contains (result->out, "delivered");
  assert_contains (result->out, "dead");
  assert_contains (result->out, "unbound");
  assert_contains (result->out, "errcode 60121");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, NULL, "push", "log", NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "total"), ==, 3);
  deliveries = log_deliveries (node);
  g_assert_cmpuint (json_array_get_length (deliveries), ==, 3);
  g_assert_cmpstr (delivery_state (deliveries, "zhangsan"), ==, "delivered");
  g_assert_cmpstr (delivery_state (deliveries, "wangwu"), ==, "dead");
  g_assert_cmpstr (delivery_state (deliveries, "lisi"), ==, "unbound");
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *delivery = json_array_get_object_element (deliveries, i);

      g_assert_cmpint (json_object_get_int_member (delivery, "message_id"), ==, message_id);
      g_assert_cmpstr (json_object_get_string_member (delivery, "idempotency_key"), ==,
                       "oa-msg-0001");
      if (g_str_equal (json_object_get_string_member (delivery, "state"), "unbound"))
        unbound_id = g_strdup_printf ("%lld",
                                      (long long) json_object_get_int_member (delivery, "id"));
    }
  g_clear_pointer (&node, json_node_unref);

  /* Filters. */
  node = run_json (f, NULL, "push", "log", "--state", "dead", "--state", "unbound", NULL);
  g_assert_cmpuint (json_array_get_length (log_deliveries (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  node = run_json (f, NULL, "push", "log", "--search", "lisi", NULL);
  g_assert_cmpuint (json_array_get_length (log_deliveries (node)), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  node = run_json (f, NULL, "push", "log", "--message", message_text, "--connector", f->zwdd_id,
                   "--limit", "2", NULL);
  g_assert_cmpuint (json_array_get_length (log_deliveries (node)), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "total"), ==, 3);
  g_clear_pointer (&node, json_node_unref);
  node = run_json (f, NULL, "push", "log", "--connector", f->yzj_id, NULL);
  g_assert_cmpuint (json_array_get_length (log_deliveries (node)), ==, 0);
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "push", "log", "--limit", "2", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Showing the newest 2 of 3 deliveries");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "log", "--state", "lost", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--state expects");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Retry: usage first. */
  result = run (f, "push", "retry", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = run (f, "push", "retry", dead_id, "--all-failed", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = run (f, "push", "retry", "x1", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* An unbound delivery is not a failed one. */
  result = run (f, "push", "retry", unbound_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Queued 0 deliveries");
  assert_contains (result->out, "left as it is");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "push", "retry", dead_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Queued 1 delivery to be sent again now.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, NULL, "push", "log", "--state", "pending", NULL);
  deliveries = log_deliveries (node);
  g_assert_cmpuint (json_array_get_length (deliveries), ==, 1);
  g_assert_cmpstr (delivery_state (deliveries, "wangwu"), ==, "pending");
  g_clear_pointer (&node, json_node_unref);

  /* Nothing failed is left. */
  node = run_json (f, NULL, "push", "retry", "--all-failed", NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "retried"), ==, 0);
  g_clear_pointer (&node, json_node_unref);
}

/* ---- send ------------------------------------------------------------------------ */

typedef struct
{
  SoupServer    *server;
  char          *url_base;
  guint          status;
  gboolean       replayed;
  const char    *answer;
  guint          n_requests;
  char          *method;
  char          *path;
  char          *authorization;
  char          *content_type;
  YqPushMessage *message;
  GError        *parse_error;
} Endpoint;

static void
endpoint_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Endpoint *endpoint = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  endpoint->n_requests++;
  g_free (endpoint->method);
  endpoint->method = g_strdup (soup_server_message_get_method (msg));
  g_free (endpoint->path);
  endpoint->path = g_strdup (path);
  g_free (endpoint->authorization);
  endpoint->authorization = g_strdup (soup_message_headers_get_one (request_headers,
                                                                    "Authorization"));
  g_free (endpoint->content_type);
  endpoint->content_type = g_strdup (soup_message_headers_get_content_type (request_headers,
                                                                            NULL));
  g_clear_pointer (&endpoint->message, yq_push_message_free);
  g_clear_error (&endpoint->parse_error);
  endpoint->message = yq_push_message_parse (data != NULL ? data : "", size,
                                             &endpoint->parse_error);

  if (endpoint->replayed)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Idempotent-Replayed", "true");
  soup_server_message_set_status (msg, endpoint->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    endpoint->answer, strlen (endpoint->answer));
}

static void
endpoint_start (Endpoint *endpoint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  memset (endpoint, 0, sizeof *endpoint);
  endpoint->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (endpoint->server, "/api/v1/messages", endpoint_cb, endpoint, NULL);
  g_assert_true (soup_server_listen_local (endpoint->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);

  uris = soup_server_get_uris (endpoint->server);
  g_assert_nonnull (uris);
  endpoint->url_base = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
endpoint_stop (Endpoint *endpoint)
{
  soup_server_disconnect (endpoint->server);
  g_clear_object (&endpoint->server);
  g_free (endpoint->url_base);
  g_free (endpoint->method);
  g_free (endpoint->path);
  g_free (endpoint->authorization);
  g_free (endpoint->content_type);
  g_clear_pointer (&endpoint->message, yq_push_message_free);
  g_clear_error (&endpoint->parse_error);
}

static void
test_send (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *token_file = g_build_filename (f->data_dir, "token.txt", NULL);
  g_autofree char *closed_base = NULL;
  const char *env[] = { "YQ_TOKEN=" SEND_TOKEN, NULL };
  Endpoint endpoint;
  JsonObject *object;

  endpoint_start (&endpoint);
  endpoint.status = SOUP_STATUS_ACCEPTED;
  endpoint.answer = "{\"id\":7,\"idempotency_key\":\"k\",\"deliveries\":2,"
                    "\"unbound\":[\"lisi\"],\"unmatched\":false}";

  /* A notification, with a random key. */
  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批",
                     "--to", "zhangsan", "--to", "lisi", "--title", "请审批：年度预算",
                     "--content", "详见 OA", "--url", "https://oa.example.gov.cn/flow/12", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Accepted message 7: 2 deliveries queued.");
  assert_contains (result->out, "1 recipient has no binding");
  assert_contains (result->out, "lisi");
  g_clear_pointer (&result, yq_test_cli_result_free);

  g_assert_cmpuint (endpoint.n_requests, ==, 1);
  g_assert_cmpstr (endpoint.method, ==, "POST");
  g_assert_cmpstr (endpoint.path, ==, "/api/v1/messages");
  g_assert_cmpstr (endpoint.authorization, ==, "Bearer " SEND_TOKEN);
  g_assert_cmpstr (endpoint.content_type, ==, "application/json");
  g_assert_no_error (endpoint.parse_error);
  g_assert_nonnull (endpoint.message);
  g_assert_cmpint (endpoint.message->event, ==, YQ_PUSH_EVENT_NOTIFICATION);
  g_assert_cmpstr (endpoint.message->source, ==, "审批");
  g_assert_cmpstr (endpoint.message->title, ==, "请审批：年度预算");
  g_assert_cmpstr (endpoint.message->content, ==, "详见 OA");
  g_assert_cmpstr (endpoint.message->url, ==, "https://oa.example.gov.cn/flow/12");
  g_assert_cmpuint (g_strv_length (endpoint.message->recipients), ==, 2);
  g_assert_cmpstr (endpoint.message->recipients[0], ==, "zhangsan");
  g_assert_cmpstr (endpoint.message->recipients[1], ==, "lisi");
  g_assert_true (g_uuid_string_is_valid (endpoint.message->idempotency_key));

  /* A todo with its creator and deadline. */
  {
    g_autoptr(GDateTime) due = g_date_time_new_from_iso8601 ("2026-12-31T18:00:00+08:00", NULL);

    result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                       "--url-base", endpoint.url_base, "--source", "审批", "--kind", "todo",
                       "--to", "zhangsan", "--title", "待审批：采购申请", "--url",
                       "https://oa.example.gov.cn/flow/13", "--mobile-url",
                       "https://oa.example.gov.cn/m/flow/13", "--todo-id", "flow-13",
                       "--creator", "wangwu", "--due", "2026-12-31T18:00:00+08:00", NULL);
    yq_test_cli_assert_exit (result, 0);
    g_clear_pointer (&result, yq_test_cli_result_free);
    g_assert_no_error (endpoint.parse_error);
    g_assert_cmpint (endpoint.message->event, ==, YQ_PUSH_EVENT_TODO);
    g_assert_cmpstr (endpoint.message->todo_id, ==, "flow-13");
    g_assert_cmpstr (endpoint.message->creator, ==, "wangwu");
    g_assert_cmpstr (endpoint.message->mobile_url, ==, "https://oa.example.gov.cn/m/flow/13");
    g_assert_cmpint (endpoint.message->due_time, ==, g_date_time_to_unix (due));
  }

  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批", "--kind", "todo",
                     "--to", "zhangsan", "--title", "待审批", "--url",
                     "https://oa.example.gov.cn/flow/13", "--due", "tomorrow", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--due expects");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A todo event from a token file, with its own key; a replayed answer. */
  g_assert_true (g_file_set_contents (token_file, SEND_TOKEN "\n", -1, NULL));
  endpoint.status = SOUP_STATUS_OK;
  endpoint.replayed = TRUE;
  endpoint.answer = "{\"id\":8,\"idempotency_key\":\"oa-done-12\",\"deliveries\":1,"
                    "\"unbound\":[],\"unmatched\":false}";
  node = run_json (f, NULL, "push", "send", "--token-file", token_file,
                   "--url-base", endpoint.url_base, "--source", "审批", "--kind", "todo.done",
                   "--todo-id", "flow-12", "--key", "oa-done-12", NULL);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 8);
  g_assert_true (json_object_get_boolean_member (object, "replayed"));
  g_assert_cmpint (json_object_get_int_member (object, "deliveries"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpuint (endpoint.n_requests, ==, 3);
  g_assert_no_error (endpoint.parse_error);
  g_assert_cmpint (endpoint.message->event, ==, YQ_PUSH_EVENT_TODO_DONE);
  g_assert_cmpstr (endpoint.message->todo_id, ==, "flow-12");
  g_assert_cmpstr (endpoint.message->idempotency_key, ==, "oa-done-12");
  g_assert_null (endpoint.message->recipients);
  g_assert_cmpstr (endpoint.authorization, ==, "Bearer " SEND_TOKEN);

  result = run_with (f, NULL, NULL, "push", "send", "--token-file", token_file,
                     "--url-base", endpoint.url_base, "--source", "审批", "--kind", "todo.done",
                     "--todo-id", "flow-12", "--key", "oa-done-12", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "original answer");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The service's error message is shown; the token is not. */
  endpoint.status = SOUP_STATUS_UNAUTHORIZED;
  endpoint.replayed = FALSE;
  endpoint.answer = "{\"error\":\"unauthorized\",\"message\":\"The intake token is missing, "
                    "unknown or revoked\"}";
  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批", "--to", "zhangsan",
                     "--title", "通知", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "HTTP 401");
  assert_contains (result->err, "The intake token is missing, unknown or revoked");
  g_clear_pointer (&result, yq_test_cli_result_free);

  endpoint.status = SOUP_STATUS_CONFLICT;
  endpoint.answer = "{\"error\":\"conflict\",\"message\":\"The idempotency key was used for "
                    "another message\"}";
  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批", "--to", "zhangsan",
                     "--title", "通知", "--key", "used", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "HTTP 409");
  assert_contains (result->err, "another message");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_cmpuint (endpoint.n_requests, ==, 6);

  /* Usage errors are found before anything is sent. */
  result = run_with (f, env, NULL, "push", "send", "--url-base", endpoint.url_base,
                     "--source", "审批", "--to", "zhangsan", "--title", "通知", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--token-env");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批", "--kind",
                     "todo.cancelled", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--todo-id");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批", "--to", "zhangsan",
                     "--title", "通知", "--url", "ftp://oa.example.gov.cn/x", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "The message is not valid");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", "oa.example.gov.cn", "--source", "审批", "--to", "zhangsan",
                     "--title", "通知", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--url-base");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", endpoint.url_base, "--source", "审批", "--to", "zhangsan",
                     "--kind", "email", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_cmpuint (endpoint.n_requests, ==, 6);

  /* Nobody listens any more: a clear error, not a hang. */
  closed_base = g_strdup (endpoint.url_base);
  endpoint_stop (&endpoint);
  result = run_with (f, env, NULL, "push", "send", "--token-env", "YQ_TOKEN",
                     "--url-base", closed_base, "--source", "审批", "--to", "zhangsan",
                     "--title", "通知", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "Could not send the message to ");
  assert_contains (result->err, "/api/v1/messages");
  assert_contains (result->err, "service is running");
  g_clear_pointer (&result, yq_test_cli_result_free);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  all_output = g_string_new (NULL);
  yq_test_cli_init (cli_env, all_output);

  g_test_add ("/cli-push/rules", Fixture, NULL, fixture_setup, test_rules, fixture_teardown);
  g_test_add ("/cli-push/tokens", Fixture, NULL, fixture_setup, test_tokens, fixture_teardown);
  g_test_add ("/cli-push/log-retry", Fixture, NULL, fixture_setup, test_log_retry,
              fixture_teardown);
  g_test_add ("/cli-push/send", Fixture, NULL, fixture_setup, test_send, fixture_teardown);

  status = g_test_run ();
  g_string_free (all_output, TRUE);

  return status;
}
