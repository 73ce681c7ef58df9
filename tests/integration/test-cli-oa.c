/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "yq-oa-directory.h"
#include "yq-password.h"
#include "yq-store.h"
#include "yq-test-bus.h"
#include "yq-test-cli.h"

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in:\n%s", part, text);
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
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonObject *rejected;
  JsonArray *array;

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", utf8, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
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
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The same organisation saved by Excel on Chinese Windows (GBK):
   * nothing changes; the report is text this time. */
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", gbk);
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");
  assert_contains (result->out, "GB18030");
  assert_contains (result->out, "People unchanged:    5");
  assert_contains (result->out, "People added:        0");
  assert_contains (result->out, "Rows rejected:       1");
  assert_contains (result->out, "line 7 (qianba): ");
  assert_contains (result->out, "Columns not imported: 备注");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Standard input, with a change. */
  {
    const char *csv = "账号,姓名,部门\r\nzhangsan,张三丰,云桥集团/财务处/预算科\r\n";

    result = yq_test_cli_run_full (NULL, csv, "--data-dir", data_dir, "oa", "import", "-",
                                   "--json", NULL);
    yq_test_cli_assert_exit (result, 0);
    node = yq_test_cli_parse_json (result->out);
    object = json_node_get_object (node);
    g_assert_cmpstr (json_object_get_string_member (object, "file"), ==, "standard input");
    g_assert_cmpint (member_int (object, "people-updated"), ==, 1);
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&result, yq_test_cli_result_free);
  }

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "list", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
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
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  csv = write_file (data_dir, "hr.csv",
                    "员工,中文名,组织,手机\n"
                    "e1,一号,集团/甲处,13800000001\n"
                    "e2,二号,集团/乙处,13800000002\n",
                    -1);

  /* The columns have names no alias knows. */
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", csv);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "账号 (account)");
  assert_contains (result->err, "员工, 中文名, 组织, 手机");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Chinese column names in --map work under the C locale of servers
   * too (and JSON is UTF-8 in any locale). */
  {
    const char * const env[] = { "LC_ALL=C", NULL };
    JsonObject *object;
    JsonArray *created;

    result = yq_test_cli_run_full (env, NULL, "--data-dir", data_dir, "oa", "import", csv,
                                   "--map", "员工=account", "--map", "中文名=name",
                                   "--map", "组织=部门", "--dry-run", "--json", NULL);
    yq_test_cli_assert_exit (result, 0);
    node = yq_test_cli_parse_json (result->out);
    object = json_node_get_object (node);
    g_assert_true (json_object_get_boolean_member (object, "dry-run"));
    g_assert_cmpint (member_int (object, "people-added"), ==, 2);
    created = json_object_get_array_member (object, "created-departments");
    g_assert_cmpuint (json_array_get_length (created), ==, 3);
    g_assert_cmpstr (json_array_get_string_element (created, 2), ==, "集团/乙处");
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&result, yq_test_cli_result_free);
  }

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", csv, "--map", "员工=account",
                            "--map", "中文名=name", "--map", "组织=department", "--dry-run");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "People to add:         2");
  assert_contains (result->out, "New departments:\n  集团\n  集团/甲处\n  集团/乙处\n");
  assert_contains (result->out, "Dry run: nothing was changed.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "list");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "The OA directory is empty.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", csv, "--map", "员工=account",
                            "--map", "中文名=name", "--map", "组织=department", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  g_assert_cmpint (member_int (json_node_get_object (node), "people-added"), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "list");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Departments: 3 (0 disabled)");
  assert_contains (result->out, "People:      2 (0 disabled)");
  assert_contains (result->out, "集团 (d1): 0 people\n  甲处 (d2): 1 person\n  乙处 (d3): 1 person\n");
  g_clear_pointer (&result, yq_test_cli_result_free);

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
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  GStatBuf st;
  gsize len = 0;

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", utf8);
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "export", out_path);
  yq_test_cli_assert_exit (result, 0);
  expected = g_strdup_printf ("Exported 5 people to %s.\n", out_path);
  g_assert_cmpstr (result->out, ==, expected);
  /* Every department has people: no warning. */
  g_assert_cmpstr (result->err, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);

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
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "export");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpmem (result->out, result->out_len, contents, len);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "export", "-", "--json");
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "export", out_path, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (member_int (object, "people"), ==, 5);
  g_assert_cmpint (member_int (object, "departments"), ==, 4);
  g_assert_cmpint (member_int (object, "departments-not-written"), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                         "ambiguous-paths")),
                    ==, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Round trip: the file changes nothing in its own directory… */
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", out_path, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (member_int (object, "people-unchanged"), ==, 5);
  g_assert_cmpint (member_int (object, "people-added"), ==, 0);
  g_assert_cmpint (member_int (object, "people-updated"), ==, 0);
  g_assert_cmpint (member_int (object, "departments-created"), ==, 0);
  g_assert_cmpint (member_int (object, "rows-rejected"), ==, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* …and rebuilds it elsewhere, so that it exports the same file. */
  result = yq_test_cli_run ("--data-dir", copy_dir, "oa", "import", out_path);
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", copy_dir, "oa", "export", "-");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpmem (result->out, result->out_len, contents, len);
  g_clear_pointer (&result, yq_test_cli_result_free);

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
    (const char *[]) { "oa", "set-password", NULL },
    (const char *[]) { "oa", "set-password", "a", "b", "--password-env", "X", NULL },
    (const char *[]) { "oa", "set-password", "a", "--password-file", "-",
                       "--password-env", "X", NULL },
    /* A password as an argument is not an option. */
    (const char *[]) { "oa", "set-password", "a", "--password", "Argv-Pass-2024", NULL },
    (const char *[]) { "oa", "clear-password", NULL },
    (const char *[]) { "oa", "clear-password", "a", "b", NULL },
  };
  g_autoptr(YqTestCliResult) result = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (usage_errors); i++)
    {
      result = yq_test_cli_run_in (data_dir, NULL, NULL, usage_errors[i]);
      yq_test_cli_assert_exit (result, 2);
      g_assert_cmpstr (result->out, ==, "");
      g_clear_pointer (&result, yq_test_cli_result_free);
    }

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", "/nonexistent/people.csv");
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "/nonexistent/people.csv");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", data_dir);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  two_roots = write_file (data_dir, "two-roots.csv",
                          "账号,姓名,部门\n"
                          "a,甲,集团/一部\n"
                          "b,乙,公司/二部\n",
                          -1);
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", two_roots, "--json");
  yq_test_cli_assert_exit (result, 1);
  g_assert_cmpstr (result->out, ==, "");
  assert_contains (result->err, "different top departments");
  assert_contains (result->err, "“公司” (line 3)");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Nothing was imported. */
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "list", "--json");
  yq_test_cli_assert_exit (result, 0);
  {
    g_autoptr(JsonNode) node = yq_test_cli_parse_json (result->out);
    JsonObject *object = json_node_get_object (node);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "people")),
                      ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object,
                                                                           "departments")),
                      ==, 0);
  }
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Rejected rows are not a failure. */
  good = write_file (data_dir, "good.csv",
                     "账号,姓名,部门,邮箱\n"
                     "a,甲,集团/一部,a@example.com\n"
                     "b,乙,集团/二部,not-mail\n",
                     -1);
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", good);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "line 3 (b): “not-mail” is not an email address");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "--help");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "import FILE.csv");
  assert_contains (result->out, "export [FILE|-]");
  assert_contains (result->out, "list");
  assert_contains (result->out, "set-password ACCOUNT");
  assert_contains (result->out, "clear-password ACCOUNT");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", "--help");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "--map=COLUMN=FIELD");
  assert_contains (result->out, "--dry-run");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--help");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "oa import|export|list");
  g_clear_pointer (&result, yq_test_cli_result_free);

  yq_test_remove_data_dir (data_dir);
}

/* Asks the store itself, as the binding page does. */
static gboolean
password_works (const char *data_dir,
                const char *account,
                const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = yq_store_open_in_dir (data_dir, &error);
  g_autoptr(YqOaDirectory) directory = NULL;
  g_autofree char *person_id = NULL;
  gboolean ok;

  g_assert_no_error (error);
  directory = yq_builtin_oa_directory_new (store);
  ok = yq_oa_directory_check_password (directory, account, password, &person_id, &error);
  if (!ok)
    g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS);
  else
    g_assert_cmpstr (person_id, ==, account);

  return ok;
}

/* The password is in neither output stream. */
static void
assert_not_leaked (YqTestCliResult *result,
                   const char      *password)
{
  g_assert_null (strstr (result->out, password));
  g_assert_null (strstr (result->err, password));
}

static void
test_cli_oa_passwords (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *people = NULL;
  g_autofree char *hashed = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *env[] = { "YQ_TEST_OA_PASSWORD=Env-Pass-2024-云桥", NULL };

  people = write_file (data_dir, "people.csv",
                       "账号,姓名,部门\n"
                       "zhangsan,张三,集团/一部\n"
                       "lisi,李四,集团/一部\n",
                       -1);
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", people);
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_false (password_works (data_dir, "zhangsan", ""));

  /* From standard input, with the line break echo leaves. */
  result = yq_test_cli_run_full (NULL, "Stdin-Pass-2024\n", "--data-dir", data_dir, "oa",
                                 "set-password", "zhangsan", "--password-file", "-", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "zhangsan");
  assert_not_leaked (result, "Stdin-Pass-2024");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_true (password_works (data_dir, "zhangsan", "Stdin-Pass-2024"));
  g_assert_false (password_works (data_dir, "zhangsan", "Stdin-Pass-2024\n"));

  /* From the environment, with JSON. */
  result = yq_test_cli_run_full (env, NULL, "--data-dir", data_dir, "oa", "set-password",
                                 "lisi", "--password-env", "YQ_TEST_OA_PASSWORD", "--json",
                                 NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_not_leaked (result, "Env-Pass-2024");
  {
    g_autoptr(JsonNode) node = yq_test_cli_parse_json (result->out);
    JsonObject *object = json_node_get_object (node);

    g_assert_cmpstr (json_object_get_string_member (object, "account"), ==, "lisi");
    g_assert_true (json_object_get_boolean_member (object, "has-password"));
  }
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_true (password_works (data_dir, "lisi", "Env-Pass-2024-云桥"));

  /* Without an option, from standard input when it is not a terminal. */
  result = yq_test_cli_run_full (NULL, "Piped-Pass-2024", "--data-dir", data_dir, "oa",
                                 "set-password", "zhangsan", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_not_leaked (result, "Piped-Pass-2024");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_true (password_works (data_dir, "zhangsan", "Piped-Pass-2024"));
  g_assert_false (password_works (data_dir, "zhangsan", "Stdin-Pass-2024"));

  /* Too short: refused, the old password stays. */
  result = yq_test_cli_run_full (NULL, "Short7!", "--data-dir", data_dir, "oa",
                                 "set-password", "zhangsan", "--password-file", "-", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "shorter than 8 characters");
  assert_not_leaked (result, "Short7!");
  g_assert_cmpstr (result->out, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_true (password_works (data_dir, "zhangsan", "Piped-Pass-2024"));

  /* Unknown account. */
  result = yq_test_cli_run_full (NULL, "Nobody-Pass-2024", "--data-dir", data_dir, "oa",
                                 "set-password", "nobody", "--password-file", "-", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "no person with the account “nobody”");
  assert_not_leaked (result, "Nobody-Pass-2024");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "clear-password", "nobody");
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "no person with the account “nobody”");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* An environment variable that is not set. */
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "set-password", "zhangsan",
                            "--password-env", "YQ_TEST_NO_SUCH_VARIABLE");
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "YQ_TEST_NO_SUCH_VARIABLE");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Clearing stops sign-in. */
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "clear-password", "zhangsan");
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "zhangsan");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_false (password_works (data_dir, "zhangsan", "Piped-Pass-2024"));
  g_assert_true (password_works (data_dir, "lisi", "Env-Pass-2024-云桥"));

  /* A hash made elsewhere comes in through the CSV column; export leaves
   * it out. */
  hash = yq_password_hash ("Hashed-Pass-2024", &error);
  g_assert_no_error (error);
  {
    g_autofree char *csv = g_strdup_printf ("账号,姓名,部门,密码哈希\n"
                                            "zhangsan,张三,集团/一部,%s\n",
                                            hash);

    hashed = write_file (data_dir, "hashed.csv", csv, -1);
  }
  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "import", hashed);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "People updated:      1");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_true (password_works (data_dir, "zhangsan", "Hashed-Pass-2024"));

  result = yq_test_cli_run ("--data-dir", data_dir, "oa", "export", "-");
  yq_test_cli_assert_exit (result, 0);
  g_assert_null (strstr (result->out, "pbkdf2"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  yq_test_remove_data_dir (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  yq_test_cli_init (NULL, NULL);

  g_test_add_func ("/cli-oa/import", test_cli_oa_import);
  g_test_add_func ("/cli-oa/dry-run-and-map", test_cli_oa_dry_run_and_map);
  g_test_add_func ("/cli-oa/export", test_cli_oa_export);
  g_test_add_func ("/cli-oa/errors", test_cli_oa_errors);
  g_test_add_func ("/cli-oa/passwords", test_cli_oa_passwords);

  return g_test_run ();
}
