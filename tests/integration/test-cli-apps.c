/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * yunqiaoctl entry-point, app and qr: the OA entry points, the platform apps
 * with their AppSecret read from standard input or the environment (and
 * never printed), home URLs with and without the external address, and the
 * QR-code login with its HTML snippet.
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "yunqiao-core.h"
#include "yq-apps.h"

#include "yq-test-bus.h"
#include "yq-test-cli.h"

#define APP_SECRET "zwdd-App-Secret-5e6f-卫"
#define OTHER_SECRET "yzj-Other-Secret-9a8b"
#define EXTERNAL_ADDRESS "https://bridge.example.gov.cn"

/* No session bus: the change notification to the service is skipped. */
static const char * const cli_env[] = {
  "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/yunqiao-test-bus",
  NULL
};

/* Every byte the CLI printed, checked for the secrets. */
static GString *all_output;

typedef struct
{
  char   *data_dir;
  gint64  zwdd;
  gint64  yzj;
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
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;

  g_string_truncate (all_output, 0);

  f->data_dir = yq_test_make_data_dir ();
  store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);

  f->zwdd = add_connector (store, secrets, YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "市政府");
  f->yzj = add_connector (store, secrets, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");
  f->zwdd_id = g_strdup_printf ("%lld", (long long) f->zwdd);
  f->yzj_id = g_strdup_printf ("%lld", (long long) f->yzj);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Whatever a test did, no secret was ever printed. */
  assert_not_contains (all_output->str, APP_SECRET);
  assert_not_contains (all_output->str, OTHER_SECRET);

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
          const char *first,
          ...) G_GNUC_NULL_TERMINATED;

static JsonNode *
run_json (Fixture    *f,
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

  result = yq_test_cli_run_in (f->data_dir, NULL, NULL, (const char * const *) args->pdata);
  yq_test_cli_assert_exit (result, 0);

  return yq_test_cli_parse_json (result->out);
}

static char *
id_text (gint64 id)
{
  return g_strdup_printf ("%lld", (long long) id);
}

static gint64
add_entry_point (Fixture    *f,
                 const char *name,
                 const char *url)
{
  g_autoptr(JsonNode) node = run_json (f, "entry-point", "add", name, url, NULL);
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==, url);

  return json_object_get_int_member (object, "id");
}

static char *
lookup_app_secret (Fixture *f,
                   gint64   id)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  app = yq_apps_get (store, id, &error);
  g_assert_no_error (error);

  secret = yq_apps_get_secret (store, secrets, app, &error);
  if (secret == NULL)
    g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);

  return secret;
}

static void
set_external_address (Fixture    *f,
                      const char *value)
{
  g_autoptr(YqTestCliResult) result = NULL;

  result = run (f, "settings", "set", "external-address", value, NULL);
  yq_test_cli_assert_exit (result, 0);
}

/* ---- entry-point ------------------------------------------------------------ */

static void
test_entry_points (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *home_id = NULL;
  g_autofree char *todo_id = NULL;
  g_autofree char *app_id = NULL;
  JsonArray *array;
  gint64 home;
  gint64 todo;

  result = run (f, "entry-point", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "No OA entry points are configured.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  home = add_entry_point (f, "OA 首页", "https://oa.example.gov.cn/home");
  todo = add_entry_point (f, "待办", "https://oa.example.gov.cn/todo?view=mine");
  g_assert_cmpint (home, >, 0);
  g_assert_cmpint (todo, >, home);
  home_id = id_text (home);
  todo_id = id_text (todo);

  result = run (f, "entry-point", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "NAME");
  assert_contains (result->out, "OA 首页");
  assert_contains (result->out, "https://oa.example.gov.cn/todo?view=mine");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A URL that is not absolute http(s) is refused as an error, not a
   * usage error, and nothing is added. */
  result = run (f, "entry-point", "add", "坏链接", "javascript:alert(1)", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "URL");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "entry-point", "add", "坏链接", "oa.example.gov.cn/home", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "entry-point", "list", NULL);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "name"), ==, "OA 首页");
  g_clear_pointer (&node, json_node_unref);

  /* Edit: only what is given changes. */
  node = run_json (f, "entry-point", "edit", todo_id, "--name", "我的待办", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "name"), ==,
                   "我的待办");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "url"), ==,
                   "https://oa.example.gov.cn/todo?view=mine");
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "entry-point", "edit", todo_id, "--url", "https://oa.example.gov.cn/todo",
                NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Updated entry point");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "entry-point", "edit", todo_id, "--url", "ftp://oa.example.gov.cn/", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "URL");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "entry-point", "list", NULL);
  array = json_node_get_array (node);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1),
                                                  "url"), ==, "https://oa.example.gov.cn/todo");
  g_clear_pointer (&node, json_node_unref);

  /* Usage errors. */
  result = run (f, "entry-point", "edit", todo_id, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "Nothing to change");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "entry-point", "edit", "abc", "--name", "x", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "“abc” is not an entry point ID");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "entry-point", "add", "只有名字", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "entry-point", "remove", "9999", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* An entry point an app opens cannot go; the error names the app. */
  node = run_json (f, "app", "add", "--connector", f->yzj_id, "--name", "移动办公",
                   "--key", "yzj-app-id", "--entry-point", home_id, NULL);
  app_id = id_text (json_object_get_int_member (json_node_get_object (node), "id"));
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "entry-point", "remove", home_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "移动办公");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "entry-point", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "app", "remove", app_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Removed app");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "entry-point", "remove", home_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Removed entry point");
  assert_contains (result->out, "OA 首页");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "entry-point", "list", NULL);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"),
                   ==, todo);
}

/* ---- app -------------------------------------------------------------------- */

static void
test_apps (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *home_id = NULL;
  g_autofree char *app_id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *expected_home = NULL;
  const char * const secret_env[] = { "YQ_TEST_APP_SECRET=" OTHER_SECRET, NULL };
  JsonObject *object;
  JsonArray *array;
  gint64 home;
  gint64 app;

  home = add_entry_point (f, "OA 首页", "https://oa.example.gov.cn/home");
  home_id = id_text (home);

  /* The secret from standard input, with the line break echo leaves. */
  result = run_with (f, NULL, APP_SECRET "\n",
                     "app", "add", "--connector", f->zwdd_id, "--name", "政务钉钉工作台",
                     "--key", "dingabc123", "--entry-point", home_id, "--client-id",
                     "client-abc", "--app-secret-file", "-", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_not_contains (result->out, APP_SECRET);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  app = json_object_get_int_member (object, "id");
  app_id = id_text (app);
  g_assert_cmpint (json_object_get_int_member (object, "connector_id"), ==, f->zwdd);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "政务钉钉工作台");
  g_assert_cmpstr (json_object_get_string_member (object, "app_key"), ==, "dingabc123");
  g_assert_true (json_object_get_boolean_member (object, "has_secret"));
  g_assert_cmpstr (json_object_get_string_member (object, "client_id"), ==, "client-abc");
  g_assert_cmpint (json_object_get_int_member (object, "entry_point_id"), ==, home);
  g_assert_true (json_object_get_null_member (object, "custom_url"));
  g_assert_cmpstr (json_object_get_string_member (object, "target_url"), ==,
                   "https://oa.example.gov.cn/home");
  /* No external address yet: no home URL, and the reason. */
  g_assert_true (json_object_get_null_member (object, "home_url"));
  assert_contains (json_object_get_string_member (object, "home_url_error"), "external");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  secret = lookup_app_secret (f, app);
  g_assert_cmpstr (secret, ==, APP_SECRET);
  g_clear_pointer (&secret, g_free);

  /* The secret from a named environment variable; a custom link. */
  result = run_with (f, secret_env, NULL,
                     "app", "add", "--connector", f->yzj_id, "--name", "云之家门户",
                     "--key", "yzj-app-id", "--url", "https://portal.example.gov.cn/index",
                     "--visible", "d1", "--visible", "d2", "--app-secret-env",
                     "YQ_TEST_APP_SECRET", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Added app");
  assert_contains (result->out, "云之家门户");
  assert_contains (result->out, "external-address");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "app", "list", "--connector", f->yzj_id, NULL);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  object = json_array_get_object_element (array, 0);
  other_id = id_text (json_object_get_int_member (object, "id"));
  g_assert_cmpstr (json_object_get_string_member (object, "custom_url"), ==,
                   "https://portal.example.gov.cn/index");
  g_assert_true (json_object_get_null_member (object, "entry_point_id"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                         "visible_departments")),
                    ==, 2);
  secret = lookup_app_secret (f, json_object_get_int_member (object, "id"));
  g_assert_cmpstr (secret, ==, OTHER_SECRET);
  g_clear_pointer (&secret, g_free);
  g_clear_pointer (&node, json_node_unref);

  node = run_json (f, "app", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "app", "list", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "HOME TARGET");
  assert_contains (result->out, "政务钉钉工作台");
  assert_contains (result->out, "OA 首页");
  assert_contains (result->out, "https://portal.example.gov.cn/index");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "show", app_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "政务钉钉工作台");
  assert_contains (result->out, "市政府");
  assert_contains (result->out, "App secret:");
  assert_contains (result->out, "set");
  assert_contains (result->out, "https://oa.example.gov.cn/home");
  assert_contains (result->out, "Home URL:");
  assert_contains (result->out, "not available");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "home-url", app_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "external address");
  assert_contains (result->err, "yunqiaoctl settings set external-address");
  g_assert_cmpstr (result->out, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* With the external address. */
  set_external_address (f, EXTERNAL_ADDRESS);
  expected_home = g_strdup_printf (EXTERNAL_ADDRESS "/login/app/%lld\n", (long long) app);

  result = run (f, "app", "home-url", app_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, expected_home);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "show", app_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, EXTERNAL_ADDRESS "/login/app/");
  assert_not_contains (result->out, "not available");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "app", "show", app_id, NULL);
  object = json_node_get_object (node);
  assert_contains (expected_home, json_object_get_string_member (object, "home_url"));
  g_assert_true (json_object_get_null_member (object, "home_url_error"));
  g_clear_pointer (&node, json_node_unref);

  /* Edit: only the given options change; the secret is kept. */
  node = run_json (f, "app", "edit", app_id, "--url", "https://oa.example.gov.cn/custom",
                   "--visible", "dept-9", NULL);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "custom_url"), ==,
                   "https://oa.example.gov.cn/custom");
  g_assert_cmpstr (json_object_get_string_member (object, "target_url"), ==,
                   "https://oa.example.gov.cn/custom");
  g_assert_cmpstr (json_object_get_string_member (object, "app_key"), ==, "dingabc123");
  g_assert_cmpstr (json_object_get_string_member (object, "client_id"), ==, "client-abc");
  g_assert_true (json_object_get_boolean_member (object, "has_secret"));
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (object, "visible_departments"), 0), ==,
                   "dept-9");
  g_clear_pointer (&node, json_node_unref);

  node = run_json (f, "app", "edit", app_id, "--entry-point", home_id, "--visible-to-all",
                   "--name", "工作台", NULL);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "entry_point_id"), ==, home);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "工作台");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                         "visible_departments")),
                    ==, 0);
  g_clear_pointer (&node, json_node_unref);

  secret = lookup_app_secret (f, app);
  g_assert_cmpstr (secret, ==, APP_SECRET);
  g_clear_pointer (&secret, g_free);

  /* Bad values: a bad URL is an error that names the URL and changes
   * nothing; contradictory or missing options are usage errors. */
  result = run (f, "app", "edit", app_id, "--url", "javascript:alert(1)", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "custom link");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "add", "--connector", f->yzj_id, "--name", "坏应用", "--key", "k",
                "--url", "http://user:pw@oa.example.gov.cn/", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "edit", app_id, "--connector", f->yzj_id, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "cannot change");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "add", "--connector", f->yzj_id, "--name", "坏应用", "--key", "k",
                "--url", "https://oa.example.gov.cn/", "--entry-point", home_id, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "exclude each other");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "add", "--name", "坏应用", "--key", "k", "--url",
                "https://oa.example.gov.cn/", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--connector is required");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "add", "--connector", f->yzj_id, "--name", "坏应用", "--key", "k",
                NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--entry-point");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "show", "x1", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "is not an app ID");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "app", "show", "9999", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A secret on the command line is not an option. */
  result = run (f, "app", "edit", app_id, "--app-secret", APP_SECRET, NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "app", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);

  /* Clearing the secret. */
  node = run_json (f, "app", "edit", other_id, "--clear-secret", NULL);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "has_secret"));
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "app", "show", other_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "not set");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "app", "remove", other_id, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "name"), ==,
                   "云之家门户");
  g_clear_pointer (&node, json_node_unref);

  node = run_json (f, "app", "list", NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
}

/* ---- qr --------------------------------------------------------------------- */

static void
test_qr (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *app_id = NULL;
  JsonObject *object;
  gint64 app;

  node = run_json (f, "app", "add", "--connector", f->zwdd_id, "--name", "扫码登录",
                   "--key", "dingqr", "--url", "https://oa.example.gov.cn/", NULL);
  app = json_object_get_int_member (json_node_get_object (node), "id");
  app_id = id_text (app);
  g_clear_pointer (&node, json_node_unref);

  node = run_json (f, "qr", "show", f->zwdd_id, NULL);
  object = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (object, "enabled"));
  g_assert_true (json_object_get_null_member (object, "app_id"));
  g_assert_cmpint (json_object_get_int_member (object, "ttl_seconds"), ==,
                   YQ_QR_LOGIN_DEFAULT_TTL);
  g_clear_pointer (&node, json_node_unref);

  /* A 政务钉钉 app without a client_id cannot carry the QR-code login. */
  result = run (f, "qr", "enable", f->zwdd_id, "--app", app_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "client_id");
  assert_contains (result->err, "yunqiaoctl app edit");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "qr", "show", f->zwdd_id, NULL);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "enabled"));
  g_clear_pointer (&node, json_node_unref);

  /* Usage errors. */
  result = run (f, "qr", "enable", f->zwdd_id, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "--app is required");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "qr", "enable", f->zwdd_id, "--app", app_id, "--ttl", "soon", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "qr", "show", "zero", NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "is not a connector ID");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* An app of another connector is refused. */
  result = run (f, "qr", "enable", f->yzj_id, "--app", app_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "app", "edit", app_id, "--client-id", "qr-client", "--login-base",
                   "https://login.example.gov.cn", NULL);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "client_id"), ==, "qr-client");
  g_assert_cmpstr (json_object_get_string_member (object, "login_base"), ==,
                   "https://login.example.gov.cn");
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "app", "show", app_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "qr-client");
  assert_contains (result->out, "https://login.example.gov.cn");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Out of range. */
  result = run (f, "qr", "enable", f->zwdd_id, "--app", app_id, "--ttl", "30", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "qr", "enable", f->zwdd_id, "--app", app_id, "--ttl", "300", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Enabled the QR-code login");
  assert_contains (result->out, "扫码登录");
  assert_contains (result->out, "300 seconds");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "qr", "show", f->zwdd_id, NULL);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "enabled"));
  g_assert_cmpint (json_object_get_int_member (object, "app_id"), ==, app);
  g_assert_cmpstr (json_object_get_string_member (object, "app_name"), ==, "扫码登录");
  g_assert_cmpint (json_object_get_int_member (object, "ttl_seconds"), ==, 300);
  g_clear_pointer (&node, json_node_unref);

  /* The dependent app cannot be removed. */
  result = run (f, "app", "remove", app_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The snippet needs the external address, then points at it. */
  result = run (f, "qr", "snippet", f->zwdd_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "external");
  g_clear_pointer (&result, yq_test_cli_result_free);

  set_external_address (f, EXTERNAL_ADDRESS);

  result = run (f, "qr", "snippet", f->zwdd_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, EXTERNAL_ADDRESS);
  assert_contains (result->out, "<script");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "qr", "snippet", f->zwdd_id, NULL);
  assert_contains (json_object_get_string_member (json_node_get_object (node), "html"),
                   EXTERNAL_ADDRESS);
  g_clear_pointer (&node, json_node_unref);

  /* Disable keeps the app and the validity for a later enable. */
  result = run (f, "qr", "disable", f->zwdd_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Disabled the QR-code login");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "qr", "show", f->zwdd_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "disabled");
  assert_contains (result->out, "扫码登录");
  g_clear_pointer (&result, yq_test_cli_result_free);

  node = run_json (f, "qr", "show", f->zwdd_id, NULL);
  object = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (object, "enabled"));
  g_assert_cmpint (json_object_get_int_member (object, "app_id"), ==, app);
  g_assert_cmpint (json_object_get_int_member (object, "ttl_seconds"), ==, 300);
  g_clear_pointer (&node, json_node_unref);

  result = run (f, "qr", "snippet", f->zwdd_id, NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The service's listening address is an ordinary setting. */
  result = run (f, "settings", "set", "http-address", "127.0.0.1:9000", NULL);
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "settings", "get", "http-address", NULL);
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "127.0.0.1:9000\n");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  all_output = g_string_new (NULL);
  yq_test_cli_init (cli_env, all_output);

  g_test_add ("/cli-apps/entry-points", Fixture, NULL, fixture_setup, test_entry_points,
              fixture_teardown);
  g_test_add ("/cli-apps/apps", Fixture, NULL, fixture_setup, test_apps, fixture_teardown);
  g_test_add ("/cli-apps/qr", Fixture, NULL, fixture_setup, test_qr, fixture_teardown);

  status = g_test_run ();
  g_string_free (all_output, TRUE);

  return status;
}
