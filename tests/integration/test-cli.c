/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "yq-sim-server.h"
#include "yq-test-bus.h"
#include "yq-test-cli.h"
#include "yunqiao-core.h"

/* Every byte the CLI printed in the current test, checked for secrets. */
static GString *all_output;

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;

  return n;
}

static gsize
display_width (const char *text,
               gsize       len)
{
  gsize width = 0;

  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;

  return width;
}

/* The last column (URLs, no blanks inside) starts at the same terminal
 * column in every line, whatever the width of the names before it. */
static void
assert_last_column_aligned (const char *table)
{
  g_auto(GStrv) lines = g_strsplit (table, "\n", -1);
  gsize header_column = 0;

  g_assert_nonnull (lines[0]);
  {
    const char *header = strstr (lines[0], "API BASE URL");

    g_assert_nonnull (header);
    header_column = display_width (lines[0], header - lines[0]);
  }

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *last = strrchr (lines[i], ' ');

      g_assert_nonnull (last);
      g_assert_cmpuint (display_width (lines[i], last + 1 - lines[i]), ==, header_column);
    }
}

static char *
write_secret_file (const char *dir,
                   const char *name,
                   const char *content)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, content, -1, &error);
  g_assert_no_error (error);

  return path;
}

static void
assert_secrets_not_in (const char         *text,
                       const char * const *secrets)
{
  for (guint i = 0; secrets[i] != NULL; i++)
    g_assert_null (strstr (text, secrets[i]));
}

static JsonObject *
find_connector (JsonArray *array,
                gint64     id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (json_object_get_int_member (object, "id") == id)
        return object;
    }

  return NULL;
}

static gint64
add_connector (const char         *data_dir,
               const char         *input,
               const char * const *env,
               const char * const *options)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_ptr_array_add (args, (gpointer) "connector");
  g_ptr_array_add (args, (gpointer) "add");
  for (guint i = 0; options[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) options[i]);
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, NULL);

  result = yq_test_cli_run_in (data_dir, env, input, (const char * const *) args->pdata);
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");

  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "id"), >, 0);
  g_assert_true (json_object_get_boolean_member (object, "has_app_secret"));

  return json_object_get_int_member (object, "id");
}

static char *
lookup_secret (const char        *data_dir,
               gint64             id,
               YqConnectorSecret  which)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  char *value;

  store = yq_store_open_in_dir (data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (data_dir, &error);
  g_assert_no_error (error);

  value = yq_connectors_lookup_secret (store, secrets, id, which, &error);
  g_assert_no_error (error);

  return value;
}

static gboolean
contains_bytes (const char *haystack,
                gsize       haystack_len,
                const char *needle)
{
  gsize needle_len = strlen (needle);

  for (gsize i = 0; i + needle_len <= haystack_len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_file_lacks (const char         *path,
                   const char * const *secrets)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return;

  for (guint i = 0; secrets[i] != NULL; i++)
    g_assert_false (contains_bytes (contents, length, secrets[i]));
}

static void
test_cli_connectors (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *secret_dir = yq_test_make_data_dir ();
  g_autofree char *zj_secret_file = write_secret_file (secret_dir, "zj", "zj-App-Secret-3c4d\n");
  g_autofree char *pub_dir_file = write_secret_file (secret_dir, "pubdir",
                                                     "yzjpub-Dir-Secret-7a8b\r\n");
  g_autofree char *priv_app_file = write_secret_file (secret_dir, "privapp",
                                                      "yzjpriv-App-Secret-1e2f");
  g_autofree char *db_path = g_build_filename (data_dir, "yunqiao.db", NULL);
  g_autofree char *wal_path = g_build_filename (data_dir, "yunqiao.db-wal", NULL);
  g_autofree char *secrets_path = g_build_filename (data_dir, "secrets.ini", NULL);
  g_autofree char *id_dgwork = NULL;
  g_autofree char *id_zj = NULL;
  g_autofree char *id_pub = NULL;
  g_autofree char *id_priv = NULL;
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(YqConnector) zwdd_default = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_autoptr(YqConnector) yzj_default = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  const char * const secrets[] = {
    "dgwork-App-Secret-1a2b", "zj-App-Secret-3c4d", "yzjpub-App-Secret-5e6f",
    "yzjpub-Dir-Secret-7a8b", "yzjpriv-App-Secret-1e2f", "yzjpriv-Dir-Secret-9c0d",
    "dgwork-New-Secret-2f3e", NULL
  };
  gint64 ids[4];
  JsonArray *array;
  JsonObject *object;

  g_string_truncate (all_output, 0);

  /* One connector per preset, secrets from stdin, a file and the
   * environment. */
  {
    /* Servers and containers often run with LANG unset: Chinese text
     * must still get through. */
    const char * const env[] = { "LC_ALL=C", NULL };
    const char * const options[] = {
      "--preset", "zwdd-dgwork", "--name", "市政府办公厅", "--tenant-id", "1001",
      "--app-key", "dgwork-key", "--app-secret-file", "-", NULL
    };

    ids[0] = add_connector (data_dir, "dgwork-App-Secret-1a2b\n", env, options);
  }
  {
    const char * const options[] = {
      "--preset", "zwdd-zj", "--name", "Zhejiang Office", "--tenant-id", "1002",
      "--app-key", "zj-key", "--app-secret-file", zj_secret_file, "--read-write",
      "--qps", "15", NULL
    };

    ids[1] = add_connector (data_dir, NULL, NULL, options);
  }
  {
    const char * const env[] = { "YQ_TEST_APP_SECRET=yzjpub-App-Secret-5e6f", NULL };
    const char * const options[] = {
      "--preset", "yzj-public", "--name", "Yunzhijia Public", "--tenant-id", "1003",
      "--app-key", "yzj-app-id", "--app-secret-env", "YQ_TEST_APP_SECRET",
      "--directory-secret-file", pub_dir_file, NULL
    };

    ids[2] = add_connector (data_dir, NULL, env, options);
  }
  {
    const char * const options[] = {
      "--preset", "yzj-private", "--name", "Yunzhijia Private", "--tenant-id", "1004",
      "--api-base", "https://yzj.example.org", "--app-key", "yzjpriv-id",
      "--app-secret-file", priv_app_file, "--directory-secret-file", "-", NULL
    };

    ids[3] = add_connector (data_dir, "yzjpriv-Dir-Secret-9c0d\n", NULL, options);
  }

  id_dgwork = g_strdup_printf ("%" G_GINT64_FORMAT, ids[0]);
  id_zj = g_strdup_printf ("%" G_GINT64_FORMAT, ids[1]);
  id_pub = g_strdup_printf ("%" G_GINT64_FORMAT, ids[2]);
  id_priv = g_strdup_printf ("%" G_GINT64_FORMAT, ids[3]);

  /* The secrets arrived intact, without the line break. */
  {
    g_autofree char *s0 = lookup_secret (data_dir, ids[0], YQ_CONNECTOR_SECRET_APP);
    g_autofree char *s1 = lookup_secret (data_dir, ids[1], YQ_CONNECTOR_SECRET_APP);
    g_autofree char *s2 = lookup_secret (data_dir, ids[2], YQ_CONNECTOR_SECRET_APP);
    g_autofree char *s2d = lookup_secret (data_dir, ids[2], YQ_CONNECTOR_SECRET_DIRECTORY);
    g_autofree char *s3 = lookup_secret (data_dir, ids[3], YQ_CONNECTOR_SECRET_APP);
    g_autofree char *s3d = lookup_secret (data_dir, ids[3], YQ_CONNECTOR_SECRET_DIRECTORY);

    g_assert_cmpstr (s0, ==, "dgwork-App-Secret-1a2b");
    g_assert_cmpstr (s1, ==, "zj-App-Secret-3c4d");
    g_assert_cmpstr (s2, ==, "yzjpub-App-Secret-5e6f");
    g_assert_cmpstr (s2d, ==, "yzjpub-Dir-Secret-7a8b");
    g_assert_cmpstr (s3, ==, "yzjpriv-App-Secret-1e2f");
    g_assert_cmpstr (s3d, ==, "yzjpriv-Dir-Secret-9c0d");
  }

  /* The table, for people. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "list");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpuint (count_lines (result->out), ==, 5);
  g_assert_true (g_str_has_prefix (result->out, "ID"));
  g_assert_nonnull (strstr (result->out, "市政府办公厅"));
  g_assert_nonnull (strstr (result->out, "Zhejiang Office"));
  g_assert_nonnull (strstr (result->out, "https://yzj.example.org"));
  g_assert_nonnull (strstr (result->out, "https://openplatform-pro.ding.zj.gov.cn"));
  assert_last_column_aligned (result->out);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* The same as JSON, for machines; JSON is UTF-8 in any locale. */
  {
    const char * const env[] = { "LC_ALL=C", NULL };

    result = yq_test_cli_run_full (env, NULL, "--data-dir", data_dir, "connector", "list",
                                   "--json", NULL);
  }
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 4);

  object = find_connector (array, ids[0]);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "市政府办公厅");
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "zwdd");
  g_assert_cmpstr (json_object_get_string_member (object, "preset"), ==, "zwdd-dgwork");
  g_assert_cmpstr (json_object_get_string_member (object, "tenant_id"), ==, "1001");
  g_assert_cmpstr (json_object_get_string_member (object, "api_base"), ==,
                   "https://openplatform.dg-work.cn");
  g_assert_cmpstr (json_object_get_string_member (object, "app_key"), ==, "dgwork-key");
  g_assert_true (json_object_get_boolean_member (object, "directory_readonly") ==
                 yq_connector_get_directory_readonly (zwdd_default));
  g_assert_cmpint (json_object_get_int_member (object, "qps"), ==,
                   yq_platform_kind_get_default_qps (YQ_PLATFORM_KIND_ZWDD));
  g_assert_true (json_object_get_boolean_member (object, "has_app_secret"));
  g_assert_false (json_object_get_boolean_member (object, "has_directory_secret"));
  g_assert_cmpint (json_object_get_int_member (object, "created_at"), >, 0);
  g_assert_false (json_object_has_member (object, "app_secret"));
  g_assert_false (json_object_has_member (object, "directory_secret"));

  object = find_connector (array, ids[1]);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "preset"), ==, "zwdd-zj");
  g_assert_cmpstr (json_object_get_string_member (object, "api_base"), ==,
                   "https://openplatform-pro.ding.zj.gov.cn");
  g_assert_false (json_object_get_boolean_member (object, "directory_readonly"));
  g_assert_cmpint (json_object_get_int_member (object, "qps"), ==, 15);

  object = find_connector (array, ids[2]);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "yzj");
  g_assert_cmpstr (json_object_get_string_member (object, "preset"), ==, "yzj-public");
  g_assert_cmpstr (json_object_get_string_member (object, "api_base"), ==,
                   "https://www.yunzhijia.com");
  g_assert_true (json_object_get_boolean_member (object, "directory_readonly") ==
                 yq_connector_get_directory_readonly (yzj_default));
  g_assert_true (json_object_get_boolean_member (object, "has_directory_secret"));

  object = find_connector (array, ids[3]);
  g_assert_nonnull (object);
  g_assert_cmpstr (json_object_get_string_member (object, "preset"), ==, "yzj-private");
  g_assert_cmpstr (json_object_get_string_member (object, "api_base"), ==,
                   "https://yzj.example.org");
  g_assert_cmpstr (json_object_get_string_member (object, "app_key"), ==, "yzjpriv-id");
  g_assert_true (json_object_get_boolean_member (object, "has_directory_secret"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* show, for people and as JSON. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "show", id_pub);
  yq_test_cli_assert_exit (result, 0);
  g_assert_true (g_str_has_prefix (result->out, "ID:"));
  g_assert_nonnull (strstr (result->out, "Yunzhijia Public\n"));
  g_assert_nonnull (strstr (result->out, "yzj-public"));
  g_assert_nonnull (strstr (result->out, "https://www.yunzhijia.com\n"));
  g_assert_true (g_regex_match_simple ("^App secret: +set$", result->out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Directory secret: +set$", result->out,
                                       G_REGEX_MULTILINE, 0));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "show", id_dgwork, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, ids[0]);
  g_assert_true (json_object_get_boolean_member (object, "has_app_secret"));
  g_assert_false (json_object_get_boolean_member (object, "has_directory_secret"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* edit changes only what is given. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "edit", id_dgwork,
                            "--name", "Renamed Office", "--read-write");
  yq_test_cli_assert_exit (result, 0);
  g_assert_nonnull (strstr (result->out, "Renamed Office"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "show", id_dgwork, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Renamed Office");
  g_assert_false (json_object_get_boolean_member (object, "directory_readonly"));
  g_assert_cmpstr (json_object_get_string_member (object, "tenant_id"), ==, "1001");
  g_assert_cmpstr (json_object_get_string_member (object, "app_key"), ==, "dgwork-key");
  g_assert_true (json_object_get_boolean_member (object, "has_app_secret"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "edit", id_dgwork, "--read-only");
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "show", id_dgwork, "--json");
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "directory_readonly"));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Renamed Office");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A secret is kept unless a new one is given. */
  {
    g_autofree char *kept = lookup_secret (data_dir, ids[0], YQ_CONNECTOR_SECRET_APP);
    g_autofree char *changed = NULL;

    g_assert_cmpstr (kept, ==, "dgwork-App-Secret-1a2b");
    result = yq_test_cli_run_full (NULL, "dgwork-New-Secret-2f3e\n", "--data-dir", data_dir,
                                   "connector", "edit", id_dgwork, "--app-secret-file", "-",
                                   NULL);
    yq_test_cli_assert_exit (result, 0);
    g_clear_pointer (&result, yq_test_cli_result_free);

    changed = lookup_secret (data_dir, ids[0], YQ_CONNECTOR_SECRET_APP);
    g_assert_cmpstr (changed, ==, "dgwork-New-Secret-2f3e");
  }

  /* Unknown IDs are errors, not usage errors. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "show", "999");
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "edit", "999", "--name", "x");
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "remove", "999");
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* remove says what it removed. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "remove", id_zj);
  yq_test_cli_assert_exit (result, 0);
  {
    g_autofree char *expected = g_strdup_printf ("Removed connector %s “Zhejiang Office”.\n",
                                                 id_zj);

    g_assert_cmpstr (result->out, ==, expected);
  }
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Every run above was a process of its own; this one and core both read
   * the same database file. */
  g_assert_true (g_file_test (db_path, G_FILE_TEST_IS_REGULAR));
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "list", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_null (find_connector (array, ids[1]));
  g_assert_nonnull (find_connector (array, ids[0]));
  g_assert_nonnull (find_connector (array, ids[2]));
  g_assert_nonnull (find_connector (array, ids[3]));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);
  {
    g_autoptr(YqStore) store = NULL;
    g_autoptr(GPtrArray) connectors = NULL;
    g_autoptr(GError) error = NULL;

    store = yq_store_open_in_dir (data_dir, &error);
    g_assert_no_error (error);
    connectors = yq_connectors_list (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (connectors->len, ==, 3);
  }

  /* Secrets never appear in anything the CLI printed, nor in the
   * database; the removed connector's secret is gone from the store. */
  assert_secrets_not_in (all_output->str, secrets);
  assert_file_lacks (db_path, secrets);
  assert_file_lacks (wal_path, secrets);
  {
    const char * const removed[] = { "zj-App-Secret-3c4d", NULL };

    assert_file_lacks (secrets_path, removed);
  }

  yq_test_remove_data_dir (data_dir);
  yq_test_remove_data_dir (secret_dir);
}

static void
test_cli_validation (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) lines = NULL;
  const char * const secrets[] = { "bad secret", NULL };

  g_string_truncate (all_output, 0);

  /* Every failing field, one line each, in field order. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "add", "--preset", "yzj-private",
                            "--qps", "0");
  yq_test_cli_assert_exit (result, 1);
  g_assert_cmpstr (result->out, ==, "");
  lines = g_strsplit (result->err, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 8);
  g_assert_true (g_str_has_prefix (lines[0], "yunqiaoctl: --name: "));
  g_assert_true (g_str_has_prefix (lines[1], "yunqiaoctl: --tenant-id: "));
  g_assert_true (g_str_has_prefix (lines[2], "yunqiaoctl: --api-base: "));
  g_assert_true (g_str_has_prefix (lines[3], "yunqiaoctl: --app-key: "));
  g_assert_true (g_str_has_prefix (lines[4], "yunqiaoctl: --app-secret-file: "));
  g_assert_true (g_str_has_prefix (lines[5], "yunqiaoctl: --directory-secret-file: "));
  g_assert_true (g_str_has_prefix (lines[6], "yunqiaoctl: --qps: "));
  g_assert_cmpstr (lines[7], ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Only the wrong fields are reported, and a bad secret is not quoted. */
  result = yq_test_cli_run_full (NULL, "bad secret\n", "--data-dir", data_dir, "connector", "add",
                                 "--preset", "zwdd-dgwork", "--name", "Office",
                                 "--tenant-id", "12ab", "--app-key", "key",
                                 "--app-secret-file", "-", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_assert_cmpuint (count_lines (result->err), ==, 2);
  g_assert_nonnull (strstr (result->err, "yunqiaoctl: --tenant-id: "));
  g_assert_nonnull (strstr (result->err, "yunqiaoctl: --app-secret-file: "));
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A missing secret file is an error that names the file. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "add", "--preset", "zwdd-dgwork",
                            "--name", "Office", "--tenant-id", "12", "--app-key", "key",
                            "--app-secret-file", "/nonexistent/secret");
  yq_test_cli_assert_exit (result, 1);
  g_assert_nonnull (strstr (result->err, "/nonexistent/secret"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Nothing was saved. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "list", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  assert_secrets_not_in (all_output->str, secrets);
  yq_test_remove_data_dir (data_dir);
}

static void
test_cli_usage (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  const char * const *usage_errors[] = {
    (const char *[]) { NULL },
    (const char *[]) { "frobnicate", NULL },
    (const char *[]) { "--no-such-option", NULL },
    (const char *[]) { "connector", NULL },
    (const char *[]) { "connector", "frobnicate", NULL },
    (const char *[]) { "connector", "list", "--bogus", NULL },
    (const char *[]) { "connector", "list", "extra", NULL },
    (const char *[]) { "connector", "show", NULL },
    (const char *[]) { "connector", "show", "abc", NULL },
    (const char *[]) { "connector", "show", "0", NULL },
    (const char *[]) { "connector", "add", "--name", "x", NULL },
    (const char *[]) { "connector", "add", "--preset", "no-such-preset", NULL },
    (const char *[]) { "connector", "add", "--preset", "zwdd-zj", "--qps", "many", NULL },
    (const char *[]) { "connector", "add", "--preset", "zwdd-zj", "--read-write",
                       "--read-only", NULL },
    (const char *[]) { "connector", "add", "--preset", "yzj-public", "--app-secret-file", "-",
                       "--directory-secret-file", "-", NULL },
    (const char *[]) { "connector", "edit", NULL },
    (const char *[]) { "connector", "remove", NULL },
    (const char *[]) { "settings", "set", "external-address", NULL },
    (const char *[]) { "settings", "get", "a", "b", NULL },
    (const char *[]) { "service", "status", "now", NULL },
  };
  const char * const *help[] = {
    (const char *[]) { "--help", NULL },
    (const char *[]) { "connector", "--help", NULL },
    (const char *[]) { "connector", "add", "--help", NULL },
    (const char *[]) { "connector", "edit", "--help", NULL },
    (const char *[]) { "settings", "set", "--help", NULL },
    (const char *[]) { "service", "status", "--help", NULL },
  };
  g_autoptr(YqTestCliResult) result = NULL;

  g_string_truncate (all_output, 0);

  for (guint i = 0; i < G_N_ELEMENTS (usage_errors); i++)
    {
      result = yq_test_cli_run_in (data_dir, NULL, NULL, usage_errors[i]);
      g_assert_cmpint (result->status, ==, 2);
      g_assert_cmpstr (result->out, ==, "");
      g_assert_cmpstr (result->err, !=, "");
      g_clear_pointer (&result, yq_test_cli_result_free);
    }

  for (guint i = 0; i < G_N_ELEMENTS (help); i++)
    {
      result = yq_test_cli_run_v (NULL, NULL, help[i]);
      yq_test_cli_assert_exit (result, 0);
      g_assert_nonnull (strstr (result->out, "Usage:"));
      g_clear_pointer (&result, yq_test_cli_result_free);
    }

  result = yq_test_cli_run ("connector", "add", "--help");
  g_assert_nonnull (strstr (result->out, "--app-secret-file"));
  g_assert_nonnull (strstr (result->out, "--preset"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--version");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "yunqiaoctl " PACKAGE_VERSION "\n");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Usage errors are found before the database is opened. */
  {
    g_autofree char *db_path = g_build_filename (data_dir, "yunqiao.db", NULL);

    g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
  }
  yq_test_remove_data_dir (data_dir);
}

static void
test_cli_settings (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_string_truncate (all_output, 0);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "get");
  yq_test_cli_assert_exit (result, 0);
  g_assert_true (g_regex_match_simple ("^external-address +\\(not set\\) ", result->out,
                                       G_REGEX_MULTILINE, 0));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "get", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_true (json_object_has_member (object, YQ_SETTING_EXTERNAL_ADDRESS));
  g_assert_true (json_object_get_null_member (object, YQ_SETTING_EXTERNAL_ADDRESS));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "set", "external-address",
                            "https://bridge.example.org");
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "get", "external-address");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "https://bridge.example.org\n");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "get", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, YQ_SETTING_EXTERNAL_ADDRESS), ==,
                   "https://bridge.example.org");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A bad address is refused and the old one kept. */
  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "set", "external-address",
                            "ftp://bridge.example.org");
  yq_test_cli_assert_exit (result, 1);
  g_assert_cmpuint (count_lines (result->err), >=, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "get", "external-address");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "https://bridge.example.org\n");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "get", "no-such-key");
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "set", "no-such-key", "x");
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* YUNQIAO_DATA_DIR stands in for --data-dir. */
  {
    g_autofree char *env_dir = g_strconcat ("YUNQIAO_DATA_DIR=", data_dir, NULL);
    const char * const env[] = { env_dir, NULL };

    result = yq_test_cli_run_full (env, NULL, "settings", "get", "external-address", NULL);
    yq_test_cli_assert_exit (result, 0);
    g_assert_cmpstr (result->out, ==, "https://bridge.example.org\n");
    g_clear_pointer (&result, yq_test_cli_result_free);
  }

  yq_test_remove_data_dir (data_dir);
}

static void
test_cli_service (void)
{
  g_autoptr(GDBusConnection) bus = yq_test_require_session_bus ();
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *dead_bus = g_strdup_printf ("DBUS_SESSION_BUS_ADDRESS=unix:path=%s/no-bus",
                                               data_dir);
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  gint64 pid;

  g_string_truncate (all_output, 0);

  /* No bus at all. */
  {
    const char * const env[] = { dead_bus, "DISPLAY", NULL };

    result = yq_test_cli_run_full (env, NULL, "--data-dir", data_dir, "service", "status", NULL);
    yq_test_cli_assert_exit (result, 1);
    g_assert_nonnull (strstr (result->err, "not running"));
    g_clear_pointer (&result, yq_test_cli_result_free);
  }

  /* A bus, but the service is not running, and status does not start it. */
  yq_test_ensure_service_stopped (bus);
  yq_test_set_activation_env (bus, data_dir);
  result = yq_test_cli_run ("--data-dir", data_dir, "service", "status", "--json");
  yq_test_cli_assert_exit (result, 1);
  g_assert_nonnull (strstr (result->err, "not running"));
  node = yq_test_cli_parse_json (result->out);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (node), "running"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_false (yq_test_name_has_owner (bus, SERVICE_BUS_NAME));

  /* A change while the service is not running does not start it. */
  result = yq_test_cli_run ("--data-dir", data_dir, "settings", "set", "external-address",
                            "https://bridge.example.org");
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);
  g_assert_false (yq_test_name_has_owner (bus, SERVICE_BUS_NAME));

  /* --start activates it. */
  result = yq_test_cli_run ("--data-dir", data_dir, "service", "status", "--start", "--json");
  yq_test_cli_assert_exit (result, 0);
  g_assert_true (yq_test_name_has_owner (bus, SERVICE_BUS_NAME));
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "running"));
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpstr (json_object_get_string_member (object, "data_dir"), ==, data_dir);
  g_assert_cmpint (json_object_get_int_member (object, "connectors"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "reloads"), ==, 0);
  g_assert_false (json_object_get_boolean_member (object, "foreground"));
  g_assert_cmpstr (json_object_get_string_member (object, "secrets_backend"), ==, "file");
  pid = json_object_get_int_member (object, "pid");
  g_assert_cmpint (pid, ==, yq_test_name_owner_pid (bus, SERVICE_BUS_NAME));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A change makes the running service reload before the CLI exits. */
  result = yq_test_cli_run_full (NULL, "svc-App-Secret-4d5e\n", "--data-dir", data_dir,
                                 "connector", "add", "--preset", "zwdd-zj", "--name",
                                 "Service Test", "--tenant-id", "77", "--app-key", "svc-key",
                                 "--app-secret-file", "-", NULL);
  yq_test_cli_assert_exit (result, 0);
  g_assert_cmpstr (result->err, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "service", "status", "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "connectors"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "reloads"), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "service", "status");
  yq_test_cli_assert_exit (result, 0);
  g_assert_true (g_regex_match_simple ("^Status: +running$", result->out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Connectors: +1$", result->out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^Reloads: +1$", result->out, G_REGEX_MULTILINE, 0));
  g_clear_pointer (&result, yq_test_cli_result_free);

  {
    const char * const secrets[] = { "svc-App-Secret-4d5e", NULL };

    assert_secrets_not_in (all_output->str, secrets);
  }

  yq_test_stop_service (bus, (guint32) pid);
  yq_test_remove_data_dir (data_dir);
}

/* connector test and directory fetch against yunqiao-sim, which runs in
 * this process and is served while the test waits for the CLI. */
static void
test_cli_platform (void)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autoptr(YqSimConfig) config = yq_sim_config_new_default ();
  g_autoptr(YqSimOrg) org = NULL;
  g_autoptr(YqSimServer) server = NULL;
  g_autoptr(YqOrgSnapshot) zwdd_expected = NULL;
  g_autoptr(YqOrgSnapshot) yzj_expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *zwdd_id = NULL;
  g_autofree char *yzj_id = NULL;
  g_autofree char *zwdd_secret_env = NULL;
  g_autofree char *yzj_secret_env = NULL;
  g_autofree char *yzj_dir_env = NULL;
  JsonObject *object;

  g_string_truncate (all_output, 0);

  config->port = 0;
  config->login_port = 0;
  org = yq_sim_org_generate (300, 11);
  server = yq_sim_server_new (config, org);
  g_assert_true (yq_sim_server_start (server, &error));
  g_assert_no_error (error);
  base_url = yq_sim_server_get_base_url (server);
  zwdd_expected = yq_sim_org_expected_snapshot (org, YQ_SIM_PLATFORM_ZWDD);
  yzj_expected = yq_sim_org_expected_snapshot (org, YQ_SIM_PLATFORM_YZJ);

  zwdd_secret_env = g_strdup_printf ("YQ_TEST_SECRET=%s", config->zwdd_app_secret);
  {
    const char * const env[] = { zwdd_secret_env, NULL };
    const char * const options[] = {
      "--preset", "zwdd-zj", "--name", "浙政钉", "--tenant-id", config->zwdd_tenant_id,
      "--api-base", base_url, "--app-key", config->zwdd_app_key,
      "--app-secret-env", "YQ_TEST_SECRET", NULL
    };

    zwdd_id = g_strdup_printf ("%" G_GINT64_FORMAT, add_connector (data_dir, NULL, env, options));
  }
  yzj_secret_env = g_strdup_printf ("YQ_TEST_SECRET=%s", config->yzj_app_secret);
  yzj_dir_env = g_strdup_printf ("YQ_TEST_DIR_SECRET=%s", config->yzj_dir_secret);
  {
    const char * const env[] = { yzj_secret_env, yzj_dir_env, NULL };
    const char * const options[] = {
      "--preset", "yzj-private", "--name", "云之家", "--tenant-id", config->yzj_eid,
      "--api-base", base_url, "--app-key", config->yzj_app_id,
      "--app-secret-env", "YQ_TEST_SECRET", "--directory-secret-env", "YQ_TEST_DIR_SECRET",
      NULL
    };

    yzj_id = g_strdup_printf ("%" G_GINT64_FORMAT, add_connector (data_dir, NULL, env, options));
  }

  /* Both connections work and say what they found. */
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "test", zwdd_id);
  yq_test_cli_assert_exit (result, 0);
  g_assert_nonnull (strstr (result->out, yq_sim_org_get_root (org)->name));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "test", yzj_id, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "ok"));
  g_assert_nonnull (strstr (json_object_get_string_member (object, "summary"),
                            yq_sim_org_get_root (org)->name));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A fetch counts what the platform holds. */
  result = yq_test_cli_run ("--data-dir", data_dir, "directory", "fetch", zwdd_id, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (object, "people"), ==,
                   yq_org_snapshot_get_n_people (zwdd_expected));
  g_assert_cmpint (json_object_get_int_member (object, "departments"), ==,
                   yq_org_snapshot_get_n_departments (zwdd_expected));
  g_assert_cmpint (json_object_get_int_member (object, "api-calls"), >, 1);
  g_assert_cmpfloat (json_object_get_double_member (object, "seconds"), >, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "directory", "fetch", yzj_id);
  yq_test_cli_assert_exit (result, 0);
  {
    g_autofree char *people = g_strdup_printf ("^People: +%u$",
                                               yq_org_snapshot_get_n_people (yzj_expected));

    g_assert_true (g_regex_match_simple (people, result->out, G_REGEX_MULTILINE, 0));
    g_assert_true (g_regex_match_simple ("^API calls: +[1-9][0-9]*$", result->out,
                                         G_REGEX_MULTILINE, 0));
  }
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A preview is listed in the history as a dry run; an apply is not. */
  result = yq_test_cli_run ("--data-dir", data_dir, "sync", "history", yzj_id);
  yq_test_cli_assert_exit (result, 0);
  g_assert_nonnull (strstr (result->out, "not been synced yet"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "sync", "preview", yzj_id,
                            "--direction", "from-platform", "--json");
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "sync", "history", yzj_id);
  yq_test_cli_assert_exit (result, 0);
  g_assert_true (g_regex_match_simple ("^RUN +STARTED +DIRECTION +KIND +STATE +OPERATIONS +FAILED$",
                                       result->out, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^1 .* from-platform +preview +previewed +[1-9][0-9]* +0$",
                                       result->out, G_REGEX_MULTILINE, 0));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "sync", "apply", yzj_id,
                            "--direction", "from-platform");
  yq_test_cli_assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "sync", "history", yzj_id);
  yq_test_cli_assert_exit (result, 0);
  g_assert_true (g_regex_match_simple ("^2 .* from-platform +refresh +applied +([0-9]+) / \\1 +0$",
                                       result->out, G_REGEX_MULTILINE, 0));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "sync", "history", yzj_id, "--json");
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  {
    JsonArray *runs = json_node_get_array (node);
    JsonObject *apply, *preview;

    g_assert_cmpuint (json_array_get_length (runs), ==, 2);
    apply = json_array_get_object_element (runs, 0);
    preview = json_array_get_object_element (runs, 1);
    g_assert_false (json_object_get_boolean_member (apply, "dry-run"));
    g_assert_cmpstr (json_object_get_string_member (apply, "state"), ==, "applied");
    g_assert_true (json_object_get_boolean_member (preview, "dry-run"));
    g_assert_cmpstr (json_object_get_string_member (preview, "state"), ==, "previewed");
    g_assert_cmpint (json_object_get_int_member (preview, "done"), ==, 0);
    /* The preview planned what the apply then did. */
    g_assert_cmpint (json_object_get_int_member (preview, "operations"), ==,
                     json_object_get_int_member (apply, "operations"));
  }
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A wrong secret: exit 1, the cause named, the secret nowhere. */
  {
    const char * const env[] = { "YQ_TEST_SECRET=Wrong-Secret-0x5f", NULL };

    result = yq_test_cli_run_full (env, NULL, "--data-dir", data_dir, "connector", "edit", zwdd_id,
                                   "--app-secret-env", "YQ_TEST_SECRET", NULL);
    yq_test_cli_assert_exit (result, 0);
    g_clear_pointer (&result, yq_test_cli_result_free);
  }
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "test", zwdd_id, "--json");
  yq_test_cli_assert_exit (result, 1);
  g_assert_nonnull (strstr (result->err, "AppSecret"));
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_false (json_object_get_boolean_member (object, "ok"));
  g_assert_cmpstr (json_object_get_string_member (object, "error-code"), ==, "bad-signature");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", data_dir, "directory", "fetch", zwdd_id);
  yq_test_cli_assert_exit (result, 1);
  g_assert_cmpstr (result->out, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Usage and lookup errors. */
  result = yq_test_cli_run ("--data-dir", data_dir, "directory", "fetch", "abc");
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", data_dir, "directory", "fetch", yzj_id,
                            "--concurrency", "0");
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", data_dir, "connector", "test", "99");
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  {
    const char * const secrets[] = {
      config->zwdd_app_secret, config->yzj_app_secret, config->yzj_dir_secret,
      "Wrong-Secret-0x5f", NULL
    };

    assert_secrets_not_in (all_output->str, secrets);
  }

  yq_sim_server_stop (server);
  yq_test_remove_data_dir (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  all_output = g_string_new (NULL);
  yq_test_cli_init (NULL, all_output);

  g_test_add_func ("/cli/connectors", test_cli_connectors);
  g_test_add_func ("/cli/validation", test_cli_validation);
  g_test_add_func ("/cli/usage", test_cli_usage);
  g_test_add_func ("/cli/settings", test_cli_settings);
  g_test_add_func ("/cli/service", test_cli_service);
  g_test_add_func ("/cli/platform", test_cli_platform);

  return g_test_run ();
}
