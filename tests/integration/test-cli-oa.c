/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "yq-test-bus.h"

static const char *yunqiaoctl_path;

typedef struct
{
  int     status;
  char   *out;
  gsize   out_len;
  char   *err;
} CliResult;

static void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

typedef struct
{
  gboolean  done;
  GBytes   *out;
  GBytes   *err;
  GError   *error;
} Communication;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Communication *comm = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &comm->out, &comm->err,
                                   &comm->error);
  comm->done = TRUE;
}

static char *
bytes_to_string (GBytes *bytes,
                 gsize  *len)
{
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  if (len != NULL)
    *len = size;

  return g_strndup (data != NULL ? data : "", size);
}

/**
 * run_cli_v:
 * @env: (nullable): "NAME=VALUE" to set, for this run
 * @input: (nullable): standard input
 * @args: the arguments after the program name
 */
static CliResult *
run_cli_v (const char * const *env,
           GBytes             *input,
           const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GBytes) empty = NULL;
  Communication comm = { FALSE, NULL, NULL, NULL };
  CliResult *result;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* English messages, UTF-8 output. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "YUNQIAO_SECRETS", "file", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "YUNQIAO_DATA_DIR");

  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');
      g_autofree char *name = g_strndup (env[i], eq - env[i]);

      g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
    }

  g_ptr_array_add (argv, (gpointer) yunqiaoctl_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  command = g_strjoinv (" ", (char **) args);
  g_test_message ("$ yunqiaoctl %s", command);

  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  if (input == NULL)
    input = empty = g_bytes_new_static ("", 0);
  g_subprocess_communicate_async (child, input, NULL, communicate_cb, &comm);
  if (!yq_test_wait (&comm.done, YQ_TEST_TIMEOUT_MS))
    {
      g_subprocess_force_exit (child);
      g_error ("yunqiaoctl %s did not finish in time", command);
    }
  g_assert_no_error (comm.error);

  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));

  result = g_new0 (CliResult, 1);
  result->status = g_subprocess_get_exit_status (child);
  result->out = bytes_to_string (comm.out, &result->out_len);
  result->err = bytes_to_string (comm.err, NULL);
  g_clear_pointer (&comm.out, g_bytes_unref);
  g_clear_pointer (&comm.err, g_bytes_unref);

  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", result->status, result->out,
                  result->err);

  return result;
}

static CliResult *
run_cli_full (const char * const *env,
              GBytes             *input,
              const char         *first,
              ...) G_GNUC_NULL_TERMINATED;

static CliResult *
run_cli_full (const char * const *env,
              GBytes             *input,
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

  return run_cli_v (env, input, (const char * const *) args->pdata);
}

#define run_cli(...) run_cli_full (NULL, NULL, __VA_ARGS__, NULL)

static void
assert_exit (CliResult *result,
             int        status)
{
  g_assert_cmpint (result->status, ==, status);
  if (status != 0)
    g_assert_true (g_str_has_prefix (result->err, "yunqiaoctl: "));
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in:\n%s", part, text);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (OA_FIXTURES_DIR, name, NULL);
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);

  return path;
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_int_member (object, name);
}

static void
test_cli_oa_import (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *utf8 = fixture_path ("people-utf8.csv");
  g_autofree char *gbk = fixture_path ("people-gbk.csv");
  g_autoptr(CliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonObject *rejected;
  JsonArray *array;

  result = run_cli ("--data-dir", data_dir, "oa", "import", utf8, "--json");
  assert_exit (result, 0);
  node = parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "encoding"), ==, "UTF-8");
  g_assert_false (json_object_get_boolean_member (object, "dry-run"));
  g_assert_cmpint (member_int (object, "rows"), ==, 6);
  g_assert_cmpint (member_int (object, "departments-created"), ==, 4);
  g_assert_cmpint (member_int (object, "people-added"), ==, 5);
  g_assert_cmpint (member_int (object, "people-updated"), ==, 0);
  g_assert_cmpint (member_int (object, "people-unchanged"), ==, 0);
  array = json_object_get_array_member (object, "rejected");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  rejected = json_array_get_object_element (array, 0);
  g_assert_cmpint (member_int (rejected, "line"), ==, 7);
  g_assert_cmpstr (json_object_get_string_member (rejected, "account"), ==, "qianba");
  assert_contains (json_object_get_string_member (rejected, "reason"), "12345");
  array = json_object_get_array_member (object, "created-departments");
  g_assert_cmpuint (json_array_get_length (array), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "云桥集团/财务处/预算科");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                 "columns"),
                                                  "mobile"), ==, "手机号");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, cli_result_free);

  /* The same organisation saved by Excel on Chinese Windows (GBK):
   * nothing changes; the report is text this time. */
  result = run_cli ("--data-dir", data_dir, "oa", "import", gbk);
  assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");
  assert_contains (result->out, "GB18030");
  assert_contains (result->out, "People unchanged:    5");
  assert_contains (result->out, "People added:        0");
  assert_contains (result->out, "Rows rejected:       1");
  assert_contains (result->out, "line 7 (qianba): ");
  assert_contains (result->out, "Columns not imported: 备注");
  g_clear_pointer (&result, cli_result_free);

  /* Standard input, with a change. */
  {
    const char *csv = "账号,姓名,部门\r\nzhangsan,张三丰,云桥集团/财务处/预算科\r\n";
    g_autoptr(GBytes) input = g_bytes_new_static (csv, strlen (csv));

    result = run_cli_full (NULL, input, "--data-dir", data_dir, "oa", "import", "-", "--json",
                           NULL);
    assert_exit (result, 0);
    node = parse_json (result->out);
    object = json_node_get_object (node);
    g_assert_cmpstr (json_object_get_string_member (object, "file"), ==, "standard input");
    g_assert_cmpint (member_int (object, "people-updated"), ==, 1);
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&result, cli_result_free);
  }

  result = run_cli ("--data-dir", data_dir, "oa", "list", "--json");
  assert_exit (result, 0);
  node = parse_json (result->out);
  object = json_node_get_object (node);
  array = json_object_get_array_member (object, "people");
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *person = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (person, "account"), "zhangsan"))
        {
          g_assert_cmpstr (json_object_get_string_member (person, "name"), ==, "张三丰");
          g_assert_cmpstr (json_object_get_string_member (person, "job-number"), ==, "0001");
          g_assert_cmpstr (json_object_get_string_member (person, "department"), ==,
                           "云桥集团/财务处/预算科");
          g_assert_true (json_object_get_boolean_member (person, "active"));
        }
      else if (g_str_equal (json_object_get_string_member (person, "account"), "wangwu"))
        {
          g_assert_false (json_object_get_boolean_member (person, "active"));
          g_assert_true (json_object_get_null_member (person, "email"));
        }
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "departments")),
                    ==, 4);
  g_clear_pointer (&node, json_node_unref);

  yq_test_remove_data_dir (data_dir);
}

static void
test_cli_oa_dry_run_and_map (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *csv = NULL;
  g_autoptr(CliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  csv = write_file (data_dir, "hr.csv",
                    "员工,中文名,组织,手机\n"
                    "e1,一号,集团/甲处,13800000001\n"
                    "e2,二号,集团/乙处,13800000002\n",
                    -1);

  /* The columns have names no alias knows. */
  result = run_cli ("--data-dir", data_dir, "oa", "import", csv);
  assert_exit (result, 1);
  assert_contains (result->err, "账号 (account)");
  assert_contains (result->err, "员工, 中文名, 组织, 手机");
  g_clear_pointer (&result, cli_result_free);

  /* Chinese column names in --map work under the C locale of servers
   * too (and JSON is UTF-8 in any locale). */
  {
    const char * const env[] = { "LC_ALL=C", NULL };
    JsonObject *object;
    JsonArray *created;

    result = run_cli_full (env, NULL, "--data-dir", data_dir, "oa", "import", csv,
                           "--map", "员工=account", "--map", "中文名=name",
                           "--map", "组织=部门", "--dry-run", "--json", NULL);
    assert_exit (result, 0);
    node = parse_json (result->out);
    object = json_node_get_object (node);
    g_assert_true (json_object_get_boolean_member (object, "dry-run"));
    g_assert_cmpint (member_int (object, "people-added"), ==, 2);
    created = json_object_get_array_member (object, "created-departments");
    g_assert_cmpuint (json_array_get_length (created), ==, 3);
    g_assert_cmpstr (json_array_get_string_element (created, 2), ==, "集团/乙处");
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&result, cli_result_free);
  }

  result = run_cli ("--data-dir", data_dir, "oa", "import", csv, "--map", "员工=account",
                    "--map", "中文名=name", "--map", "组织=department", "--dry-run");
  assert_exit (result, 0);
  assert_contains (result->out, "People to add:         2");
  assert_contains (result->out, "New departments:\n  集团\n  集团/甲处\n  集团/乙处\n");
  assert_contains (result->out, "Dry run: nothing was changed.");
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "list");
  assert_exit (result, 0);
  assert_contains (result->out, "The OA directory is empty.");
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "import", csv, "--map", "员工=account",
                    "--map", "中文名=name", "--map", "组织=department", "--json");
  assert_exit (result, 0);
  node = parse_json (result->out);
  g_assert_cmpint (member_int (json_node_get_object (node), "people-added"), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "list");
  assert_exit (result, 0);
  assert_contains (result->out, "Departments: 3 (0 disabled)");
  assert_contains (result->out, "People:      2 (0 disabled)");
  assert_contains (result->out, "集团 (d1): 0 people\n  甲处 (d2): 1 person\n  乙处 (d3): 1 person\n");
  g_clear_pointer (&result, cli_result_free);

  yq_test_remove_data_dir (data_dir);
}

static void
test_cli_oa_export (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *copy_dir = yq_test_make_data_dir ();
  g_autofree char *utf8 = fixture_path ("people-utf8.csv");
  g_autofree char *out_path = g_build_filename (data_dir, "out.csv", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(CliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  GStatBuf st;
  gsize len = 0;

  result = run_cli ("--data-dir", data_dir, "oa", "import", utf8);
  assert_exit (result, 0);
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "export", out_path);
  assert_exit (result, 0);
  expected = g_strdup_printf ("Exported 5 people to %s.\n", out_path);
  g_assert_cmpstr (result->out, ==, expected);
  /* Every department has people: no warning. */
  g_assert_cmpstr (result->err, ==, "");
  g_clear_pointer (&result, cli_result_free);

  /* Personal data: readable by the user only. */
  g_assert_cmpint (g_stat (out_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_file_get_contents (out_path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF账号,姓名,部门,工号,手机,邮箱,职务,排序,"
                                             "状态\r\n"));
  assert_contains (contents, "lisi,\"李四, 小李\",云桥集团/财务处,0002,13900139000,"
                             "lisi@example.com,\"处长 \"\"兼\"\" 会计\",2,正常\r\n");

  /* Standard output gets the same bytes. */
  result = run_cli ("--data-dir", data_dir, "oa", "export");
  assert_exit (result, 0);
  g_assert_cmpmem (result->out, result->out_len, contents, len);
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "export", "-", "--json");
  assert_exit (result, 2);
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "export", out_path, "--json");
  assert_exit (result, 0);
  node = parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (member_int (object, "people"), ==, 5);
  g_assert_cmpint (member_int (object, "departments"), ==, 4);
  g_assert_cmpint (member_int (object, "departments-not-written"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                         "ambiguous-paths")),
                    ==, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, cli_result_free);

  /* Round trip: the file changes nothing in its own directory… */
  result = run_cli ("--data-dir", data_dir, "oa", "import", out_path, "--json");
  assert_exit (result, 0);
  node = parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (member_int (object, "people-unchanged"), ==, 5);
  g_assert_cmpint (member_int (object, "people-added"), ==, 0);
  g_assert_cmpint (member_int (object, "people-updated"), ==, 0);
  g_assert_cmpint (member_int (object, "departments-created"), ==, 0);
  g_assert_cmpint (member_int (object, "rows-rejected"), ==, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, cli_result_free);

  /* …and rebuilds it elsewhere, so that it exports the same file. */
  result = run_cli ("--data-dir", copy_dir, "oa", "import", out_path);
  assert_exit (result, 0);
  g_clear_pointer (&result, cli_result_free);
  result = run_cli ("--data-dir", copy_dir, "oa", "export", "-");
  assert_exit (result, 0);
  g_assert_cmpmem (result->out, result->out_len, contents, len);
  g_clear_pointer (&result, cli_result_free);

  yq_test_remove_data_dir (data_dir);
  yq_test_remove_data_dir (copy_dir);
}

static void
test_cli_oa_errors (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *two_roots = NULL;
  g_autofree char *good = NULL;
  const char * const *usage_errors[] = {
    (const char *[]) { "oa", NULL },
    (const char *[]) { "oa", "frobnicate", NULL },
    (const char *[]) { "oa", "import", NULL },
    (const char *[]) { "oa", "import", "a.csv", "b.csv", NULL },
    (const char *[]) { "oa", "import", "a.csv", "--map", "nonsense", NULL },
    (const char *[]) { "oa", "import", "a.csv", "--map", "列=salary", NULL },
    (const char *[]) { "oa", "import", "a.csv", "--no-such-option", NULL },
    (const char *[]) { "oa", "export", "a.csv", "b.csv", NULL },
    (const char *[]) { "oa", "list", "extra", NULL },
  };
  g_autoptr(CliResult) result = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (usage_errors); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();

      g_ptr_array_add (args, (gpointer) "--data-dir");
      g_ptr_array_add (args, data_dir);
      for (guint j = 0; usage_errors[i][j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) usage_errors[i][j]);
      g_ptr_array_add (args, NULL);

      result = run_cli_v (NULL, NULL, (const char * const *) args->pdata);
      assert_exit (result, 2);
      g_assert_cmpstr (result->out, ==, "");
      g_clear_pointer (&result, cli_result_free);
    }

  result = run_cli ("--data-dir", data_dir, "oa", "import", "/nonexistent/people.csv");
  assert_exit (result, 1);
  assert_contains (result->err, "/nonexistent/people.csv");
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "import", data_dir);
  assert_exit (result, 1);
  g_clear_pointer (&result, cli_result_free);

  two_roots = write_file (data_dir, "two-roots.csv",
                          "账号,姓名,部门\n"
                          "a,甲,集团/一部\n"
                          "b,乙,公司/二部\n",
                          -1);
  result = run_cli ("--data-dir", data_dir, "oa", "import", two_roots, "--json");
  assert_exit (result, 1);
  g_assert_cmpstr (result->out, ==, "");
  assert_contains (result->err, "different top departments");
  assert_contains (result->err, "“公司” (line 3)");
  g_clear_pointer (&result, cli_result_free);

  /* Nothing was imported. */
  result = run_cli ("--data-dir", data_dir, "oa", "list", "--json");
  assert_exit (result, 0);
  {
    g_autoptr(JsonNode) node = parse_json (result->out);
    JsonObject *object = json_node_get_object (node);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "people")),
                      ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                           "departments")),
                      ==, 0);
  }
  g_clear_pointer (&result, cli_result_free);

  /* Rejected rows are not a failure. */
  good = write_file (data_dir, "good.csv",
                     "账号,姓名,部门,邮箱\n"
                     "a,甲,集团/一部,a@example.com\n"
                     "b,乙,集团/二部,not-mail\n",
                     -1);
  result = run_cli ("--data-dir", data_dir, "oa", "import", good);
  assert_exit (result, 0);
  assert_contains (result->out, "line 3 (b): “not-mail” is not an email address");
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "--help");
  assert_exit (result, 0);
  assert_contains (result->out, "import FILE.csv");
  assert_contains (result->out, "export [FILE|-]");
  assert_contains (result->out, "list");
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--data-dir", data_dir, "oa", "import", "--help");
  assert_exit (result, 0);
  assert_contains (result->out, "--map=COLUMN=FIELD");
  assert_contains (result->out, "--dry-run");
  g_clear_pointer (&result, cli_result_free);

  result = run_cli ("--help");
  assert_exit (result, 0);
  assert_contains (result->out, "oa import|export|list");
  g_clear_pointer (&result, cli_result_free);

  yq_test_remove_data_dir (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  yunqiaoctl_path = yq_test_require_env ("YUNQIAOCTL",
                                         "meson passes the path of the built yunqiaoctl");

  g_test_add_func ("/cli-oa/import", test_cli_oa_import);
  g_test_add_func ("/cli-oa/dry-run-and-map", test_cli_oa_dry_run_and_map);
  g_test_add_func ("/cli-oa/export", test_cli_oa_export);
  g_test_add_func ("/cli-oa/errors", test_cli_oa_errors);

  return g_test_run ();
}
