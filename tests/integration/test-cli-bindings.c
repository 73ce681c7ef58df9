/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * yunqiaoctl bindings: list, bind, unbind, history, the spreadsheet export
 * read back with the .xlsx reader, the import of a file that LibreOffice
 * Calc wrote (dry run, apply, undo) and the batch unbind with its --yes
 * guard and undo.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "yunqiao-core.h"
#include "yq-bindings-file.h"
#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-xlsx-reader.h"
#include "yq-xlsx-writer.h"

#include "yq-test-bus.h"
#include "yq-test-cli.h"

typedef struct
{
  char   *data_dir;
  gint64  connector;
  char   *connector_id;
} Fixture;

static void
assert_contains (const char *text,
                 const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("“%s” is not in:\n%s", part, text);
}

static void
put_person (YqStore    *store,
            gint64      connector,
            const char *id,
            const char *name,
            const char *department,
            const char *mobile,
            const char *job_number,
            const char *account_code,
            gboolean    active)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (id, name);
  g_autoptr(GError) error = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_strsplit (department, ",", -1);
  person->mobile = g_strdup (mobile);
  person->job_number = g_strdup (job_number);
  person->account_code = g_strdup (account_code);
  person->active = active;
  g_assert_true (yq_bridge_directory_put_person (store, connector, person, &error));
  g_assert_no_error (error);
}

static void
add_oa_person (YqOaDirectory *oa,
               const char    *department,
               const char    *account,
               const char    *name,
               const char    *mobile)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (account, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department);
  person->mobile = g_strdup (mobile);
  id = yq_oa_directory_add_person (oa, person, &error);
  g_assert_no_error (error);
}

/* Platform (云之家, connector 1): 总部 r > 财务处 a, 办公室 b. People u001 …
 * u008, mobiles 1380000000N; u005 bound to qianqi, u006 to zhouba (by
 * hand); u007 and u008 share the platform account shared.acct, u008 is
 * disabled. OA: zhangsan, lisi, wangwu, zhaoliu (the only one with a mobile,
 * u004's), qianqi, zhouba, sunba. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autoptr(YqOrgDepartment) oa_root = yq_org_department_new ("ignored", NULL, "总部");
  g_autofree char *oa_root_id = NULL;
  g_autoptr(GError) error = NULL;
  const char *departments[][3] = {
    { "r", NULL, "总部" }, { "a", "r", "财务处" }, { "b", "r", "办公室" },
  };

  f->data_dir = yq_test_make_data_dir ();
  store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);

  yq_connector_set_name (connector, "云之家");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app");
  g_assert_true (yq_connectors_save (store, secrets, connector, "app-secret", "dir-secret",
                                     &error));
  g_assert_no_error (error);
  f->connector = yq_connector_get_id (connector);
  f->connector_id = g_strdup_printf ("%lld", (long long) f->connector);

  for (guint i = 0; i < G_N_ELEMENTS (departments); i++)
    {
      g_autoptr(YqOrgDepartment) department =
        yq_org_department_new (departments[i][0], departments[i][1], departments[i][2]);

      g_assert_true (yq_bridge_directory_put_department (store, f->connector, department,
                                                         &error));
      g_assert_no_error (error);
    }

  put_person (store, f->connector, "u001", "张三", "a", "13800000001", "0001", "zhangsan.p",
              TRUE);
  put_person (store, f->connector, "u002", "李四", "a", "13800000002", "0002", NULL, TRUE);
  put_person (store, f->connector, "u003", "王五", "b", "13800000003", NULL, NULL, TRUE);
  put_person (store, f->connector, "u004", "赵六", "b", "13800000004", NULL, NULL, TRUE);
  put_person (store, f->connector, "u005", "钱七", "b", "13800000005", NULL, NULL, TRUE);
  put_person (store, f->connector, "u006", "孙八", "b", "13800000006", NULL, NULL, TRUE);
  put_person (store, f->connector, "u007", "吴九", "b", "13800000007", NULL, "shared.acct",
              TRUE);
  put_person (store, f->connector, "u008", "郑十", "b", "13800000008", NULL, "shared.acct",
              FALSE);

  oa = yq_builtin_oa_directory_new (store);
  oa_root_id = yq_oa_directory_add_department (oa, oa_root, &error);
  g_assert_no_error (error);
  add_oa_person (oa, oa_root_id, "zhangsan", "张三", NULL);
  add_oa_person (oa, oa_root_id, "lisi", "李四", NULL);
  add_oa_person (oa, oa_root_id, "wangwu", "王五", NULL);
  add_oa_person (oa, oa_root_id, "zhaoliu", "赵六", "13800000004");
  add_oa_person (oa, oa_root_id, "qianqi", "钱七", NULL);
  add_oa_person (oa, oa_root_id, "zhouba", "周八", NULL);
  add_oa_person (oa, oa_root_id, "sunba", "孙八", NULL);

  g_assert_true (yq_bridge_directory_bind_person (store, f->connector, "u005", "qianqi",
                                                  YQ_BIND_SOURCE_MANUAL, &error));
  g_assert_no_error (error);
  g_assert_true (yq_bridge_directory_bind_person (store, f->connector, "u006", "zhouba",
                                                  YQ_BIND_SOURCE_MANUAL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_test_remove_data_dir (f->data_dir);
  g_free (f->data_dir);
  g_free (f->connector_id);
}

static YqTestCliResult *
run (Fixture    *f,
     const char *first,
     ...) G_GNUC_NULL_TERMINATED;

static YqTestCliResult *
run (Fixture    *f,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return yq_test_cli_run_in (f->data_dir, NULL, NULL, (const char * const *) args->pdata);
}

/* "u001=zhangsan u005=qianqi …": the bound people, from `bindings list`. */
static char *
bindings_of (Fixture *f)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  GString *text = g_string_new (NULL);
  JsonArray *array;

  result = run (f, "bindings", "list", f->connector_id, "--bound", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *row = json_array_get_object_element (array, i);

      g_string_append_printf (text, "%s%s=%s", text->len > 0 ? " " : "",
                              json_object_get_string_member (row, "platform-id"),
                              json_object_get_string_member (row, "oa-account"));
    }

  return g_string_free (text, FALSE);
}

#define assert_bindings(f, expected) \
  G_STMT_START { \
    g_autofree char *_bindings = bindings_of (f); \
    g_assert_cmpstr (_bindings, ==, (expected)); \
  } G_STMT_END

static gint64
change_id_of (YqTestCliResult *result)
{
  g_autoptr(JsonNode) node = yq_test_cli_parse_json (result->out);
  JsonObject *object = json_node_get_object (node);

  g_assert_false (json_object_get_null_member (object, "change-id"));

  return json_object_get_int_member (object, "change-id");
}

static void
test_list_bind_unbind (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *change = NULL;
  JsonArray *array;
  gint64 change_id;

  result = run (f, "bindings", "list", f->connector_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "PLATFORM ID");
  assert_contains (result->out, "u005");
  assert_contains (result->out, "qianqi");
  assert_contains (result->out, "8 people, 2 bound.");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "list", f->connector_id, "--unbound", "--active",
                "--department", "a", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "platform-id"), ==, "u001");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "mobile"), ==, "13800000001");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "list", f->connector_id, "--disabled", "--search", "郑",
                "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* By hand; the OA account is looked up in the OA directory. */
  result = run (f, "bindings", "bind", f->connector_id, "u004", "zhaoliu", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Bound 赵六 (u004) to zhaoliu");
  assert_contains (result->out, "Change ID: ");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u004=zhaoliu u005=qianqi u006=zhouba");

  result = run (f, "bindings", "bind", f->connector_id, "u001", "nobody", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "no account “nobody”");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* qianqi is u005's. */
  result = run (f, "bindings", "bind", f->connector_id, "u001", "qianqi", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "钱七");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "unbind", f->connector_id, "u004", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  change_id = change_id_of (result);
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u005=qianqi u006=zhouba");

  /* The history lists both changes, newest first; the unbind is undone. */
  result = run (f, "bindings", "history", f->connector_id, "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "id"),
                   ==, change_id);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0),
                                                  "kind"), ==, "manual");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  change = g_strdup_printf ("%lld", (long long) change_id);
  result = run (f, "bindings", "undo", f->connector_id, change, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Bound 赵六 (u004) to zhaoliu");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u004=zhaoliu u005=qianqi u006=zhouba");

  /* Once only. */
  result = run (f, "bindings", "undo", f->connector_id, change, NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "history", f->connector_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "undone by");
  assert_contains (result->out, "undoes");
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->data_dir, "bindings.xlsx", NULL);
  g_autofree char *filtered = g_build_filename (f->data_dir, "bound.xlsx", NULL);
  const char *header[] = {
    "Platform ID", "Name", "Department", "Platform account", "Mobile", "E-mail", "Job number",
    "Platform status", "Binding status", "OA account", "OA name", "Bound at", "Bound by",
  };
  const char *const *sheets;
  YqXlsxLimits limits;
  guint row = 0;

  result = run (f, "bindings", "export", f->connector_id, path, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Exported 8 people to ");
  g_clear_pointer (&result, yq_test_cli_result_free);

  yq_xlsx_limits_init (&limits);
  reader = yq_xlsx_reader_new (path, &limits, &error);
  g_assert_no_error (error);
  sheets = yq_xlsx_reader_get_sheet_names (reader);
  g_assert_cmpstr (sheets[0], ==, "Bindings");
  g_assert_cmpstr (sheets[1], ==, "Notes");
  g_assert_null (sheets[2]);

  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (cells->len, ==, G_N_ELEMENTS (header));
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    g_assert_cmpstr (g_ptr_array_index (cells, i), ==, header[i]);

  for (guint n = 1; n <= 8; n++)
    {
      g_autofree char *id = g_strdup_printf ("u%03u", n);
      g_autofree char *mobile = g_strdup_printf ("1380000000%u", n);

      g_clear_pointer (&cells, g_ptr_array_unref);
      g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (row, ==, n + 1);
      g_assert_cmpstr (g_ptr_array_index (cells, 0), ==, id);
      g_assert_cmpstr (g_ptr_array_index (cells, 4), ==, mobile);

      switch (n)
        {
        case 1:
          g_assert_cmpstr (g_ptr_array_index (cells, 1), ==, "张三");
          g_assert_cmpstr (g_ptr_array_index (cells, 2), ==, "财务处");
          g_assert_cmpstr (g_ptr_array_index (cells, 3), ==, "zhangsan.p");
          /* Text, so the leading zeros stay. */
          g_assert_cmpstr (g_ptr_array_index (cells, 6), ==, "0001");
          g_assert_cmpstr (g_ptr_array_index (cells, 7), ==, "Active");
          g_assert_cmpstr (g_ptr_array_index (cells, 8), ==, "Unbound");
          g_assert_true (cells->len <= 9 || g_ptr_array_index (cells, 9) == NULL);
          break;
        case 5:
          g_assert_cmpstr (g_ptr_array_index (cells, 8), ==, "Bound");
          g_assert_cmpstr (g_ptr_array_index (cells, 9), ==, "qianqi");
          g_assert_cmpstr (g_ptr_array_index (cells, 10), ==, "钱七");
          g_assert_nonnull (g_ptr_array_index (cells, 11));
          g_assert_cmpstr (g_ptr_array_index (cells, 12), ==, "By hand");
          break;
        case 8:
          g_assert_cmpstr (g_ptr_array_index (cells, 3), ==, "shared.acct");
          g_assert_cmpstr (g_ptr_array_index (cells, 7), ==, "Disabled");
          break;
        default:
          break;
        }
    }
  g_clear_pointer (&cells, g_ptr_array_unref);
  g_assert_false (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_no_error (error);

  /* The notes sheet says how to fill in the file. */
  g_assert_true (yq_xlsx_reader_select_sheet (reader, "Notes", &error));
  {
    g_autoptr(GString) notes = g_string_new (NULL);

    while (yq_xlsx_reader_next_row (reader, &row, &cells, &error))
      {
        for (guint i = 0; i < cells->len; i++)
          if (g_ptr_array_index (cells, i) != NULL)
            g_string_append_printf (notes, "%s\n", (const char *) g_ptr_array_index (cells, i));
        g_clear_pointer (&cells, g_ptr_array_unref);
      }
    g_assert_no_error (error);
    assert_contains (notes->str, "云之家");
    assert_contains (notes->str, "fill in the column “OA account”");
    assert_contains (notes->str, "--field account|job-number|mobile|email");
  }
  g_clear_object (&reader);

  /* Filters, and --json. */
  result = run (f, "bindings", "export", f->connector_id, filtered, "--bound", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  {
    g_autoptr(JsonNode) node = yq_test_cli_parse_json (result->out);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "people"), ==, 2);
  }
  reader = yq_xlsx_reader_new (filtered, &limits, &error);
  g_assert_no_error (error);
  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_clear_pointer (&cells, g_ptr_array_unref);
  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpstr (g_ptr_array_index (cells, 0), ==, "u005");
  g_clear_pointer (&cells, g_ptr_array_unref);
  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpstr (g_ptr_array_index (cells, 0), ==, "u006");
  g_clear_pointer (&cells, g_ptr_array_unref);
  g_assert_false (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_no_error (error);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* A folder that does not exist: an error, nothing written. */
  {
    g_autofree char *bad = g_build_filename (f->data_dir, "missing", "x.xlsx", NULL);

    result = run (f, "bindings", "export", f->connector_id, bad, NULL);
    yq_test_cli_assert_exit (result, 1);
    g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
  }
}

/* The export's round trip: the file a person fills in and saves with a
 * spreadsheet program, here the LibreOffice Calc fixture (see
 * tests/fixtures/xlsx/README.md). */
static void
test_import_undo (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *fixture = g_build_filename (XLSX_FIXTURES_DIR,
                                               "bindings-import-libreoffice.xlsx", NULL);
  g_autofree char *report = g_build_filename (f->data_dir, "rejected.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *change = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonObject *counts;
  JsonArray *items;
  const struct
  {
    guint       row;
    const char *status;
  } expected[] = {
    { 3, "will-bind" }, { 4, "will-bind" }, { 5, "will-bind" }, { 7, "already-bound" },
    { 8, "bound-to-other" }, { 9, "not-found" }, { 11, "not-found" }, { 12, "ambiguous" },
    { 13, "invalid" },
  };

  /* Dry run, as text: the counts per status and the rejected rows. */
  result = run (f, "bindings", "import", f->connector_id, fixture, "--field", "account",
                "--dry-run", "--rejected", report, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Rows:                  9");
  assert_contains (result->out, "Will bind:             3");
  assert_contains (result->out, "Already bound:         1");
  assert_contains (result->out, "Bound to someone else: 1");
  assert_contains (result->out, "Not found:             2");
  assert_contains (result->out, "Ambiguous:             1");
  assert_contains (result->out, "Invalid:               1");
  assert_contains (result->out, "row 9 (Not found): No person with the platform ID “u999”");
  assert_contains (result->out, "row 13 (Invalid): Row 3 already names 张三 (u001)");
  assert_contains (result->out, "Dry run: nothing was changed.");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u005=qianqi u006=zhouba");

  /* The report repeats the rejected rows with their original cells. */
  g_file_get_contents (report, &csv, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBFRow,Status,Message,Platform ID,Name,"));
  assert_contains (csv, "\r\n9,Not found,");
  assert_contains (csv, ",u999,查无此人,");
  assert_contains (csv, "\r\n12,Ambiguous,");
  g_assert_null (strstr (csv, "\r\n3,"));
  g_assert_null (strstr (csv, "\r\n7,"));

  /* Dry run, as JSON: every row with its status, in file order. */
  result = run (f, "bindings", "import", f->connector_id, fixture, "--field", "account",
                "--dry-run", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_boolean_member (object, "dry-run"));
  g_assert_true (json_object_get_null_member (object, "change-id"));
  counts = json_object_get_object_member (object, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "will-bind"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (counts, "invalid"), ==, 1);
  items = json_object_get_array_member (object, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_cmpint (json_object_get_int_member (item, "row"), ==, expected[i].row);
      g_assert_cmpstr (json_object_get_string_member (item, "status"), ==, expected[i].status);
    }
  /* "WangWu" in the file is the account wangwu. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 2),
                                                  "oa-account"), ==, "wangwu");
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u005=qianqi u006=zhouba");

  result = run (f, "bindings", "history", f->connector_id, "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* For real: exactly the WILL_BIND rows are bound, as one change. */
  result = run (f, "bindings", "import", f->connector_id, fixture, "--field", "account",
                NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Bound 张三 (u001) to zhangsan");
  assert_contains (result->out, "3 bindings changed. Change ID: ");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u001=zhangsan u002=lisi u003=wangwu u005=qianqi u006=zhouba");

  result = run (f, "bindings", "history", f->connector_id, "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  items = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  object = json_array_get_object_element (items, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "import");
  g_assert_cmpint (json_object_get_int_member (object, "changes"), ==, 3);
  change = g_strdup_printf ("%lld", (long long) json_object_get_int_member (object, "id"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Importing again binds nothing more. */
  result = run (f, "bindings", "import", f->connector_id, fixture, "--field", "account",
                "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  counts = json_object_get_object_member (object, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "will-bind"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (counts, "already-bound"), ==, 4);
  g_assert_true (json_object_get_null_member (object, "change-id"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Undo restores the bindings before the import. */
  result = run (f, "bindings", "undo", f->connector_id, change, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Unbound 张三 (u001) from zhangsan");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u005=qianqi u006=zhouba");

  /* A change of another connector, or none at all. */
  result = run (f, "bindings", "undo", f->connector_id, "999", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "has no binding change 999");
  g_clear_pointer (&result, yq_test_cli_result_free);
}

static void
test_import_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autofree char *fixture = g_build_filename (XLSX_FIXTURES_DIR,
                                               "bindings-import-libreoffice.xlsx", NULL);
  g_autofree char *not_xlsx = g_build_filename (f->data_dir, "people.xlsx", NULL);
  g_autofree char *no_key = g_build_filename (f->data_dir, "no-key.xlsx", NULL);
  g_autoptr(GError) error = NULL;

  /* A sheet without the key column: the error names the missing column. */
  {
    g_autoptr(YqXlsxWriter) writer = yq_xlsx_writer_new (no_key, &error);
    const YqXlsxWriterColumn columns[] = {
      { "平台人员ID", YQ_XLSX_WRITER_TEXT, 0 }, { "姓名", YQ_XLSX_WRITER_TEXT, 0 },
    };
    const char *row[] = { "u001", "张三" };

    g_assert_no_error (error);
    g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "Sheet1", columns,
                                                  G_N_ELEMENTS (columns), &error));
    g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
    g_assert_true (yq_xlsx_writer_close (writer, &error));
    g_assert_no_error (error);
  }
  result = run (f, "bindings", "import", f->connector_id, no_key, "--field", "email", NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "no-key.xlsx");
  assert_contains (result->err, "header row 1: the columns “E-mail” are missing");
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* With the key column, the Chinese titles of a hand-made file do. */
  result = run (f, "bindings", "import", f->connector_id, fixture, "--field", "email",
                "--dry-run", NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "row 3 (Not found): No OA person has the e-mail");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "import", f->connector_id, fixture, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "Missing --field");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "import", f->connector_id, fixture, "--field", "name", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  g_file_set_contents (not_xlsx, "Platform ID,OA account\r\nu001,zhangsan\r\n", -1, &error);
  g_assert_no_error (error);
  result = run (f, "bindings", "import", f->connector_id, not_xlsx, "--field", "account",
                NULL);
  yq_test_cli_assert_exit (result, 1);
  assert_contains (result->err, "people.xlsx");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "list", "42", NULL);
  yq_test_cli_assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "list", "x", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = run (f, "bindings", "list", f->connector_id, "--bound", "--unbound", NULL);
  yq_test_cli_assert_exit (result, 2);
  g_clear_pointer (&result, yq_test_cli_result_free);

  assert_bindings (f, "u005=qianqi u006=zhouba");
}

static void
test_unbind_all (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autofree char *change = NULL;

  /* Refused without --yes, naming the connector and the count. */
  result = run (f, "bindings", "unbind-all", f->connector_id, NULL);
  yq_test_cli_assert_exit (result, 2);
  assert_contains (result->err, "all 2 bound people of the connector 1 “云之家”");
  assert_contains (result->err, "--yes");
  g_assert_cmpstr (result->out, ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u005=qianqi u006=zhouba");

  result = run (f, "bindings", "unbind-all", f->connector_id, "--yes", "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  change = g_strdup_printf ("%lld", (long long) change_id_of (result));
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "");

  result = run (f, "bindings", "undo", f->connector_id, change, "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  {
    g_autoptr(JsonNode) node = yq_test_cli_parse_json (result->out);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (node), "changes")), ==, 2);
  }
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u005=qianqi u006=zhouba");
}

/* The binding rule of a new connector is mobile = mobile. */
static void
test_auto (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  result = run (f, "bindings", "auto", f->connector_id, NULL);
  yq_test_cli_assert_exit (result, 0);
  assert_contains (result->out, "Bound:                 1");
  assert_contains (result->out, "Bound 赵六 (u004) to zhaoliu");
  assert_contains (result->out, "1 binding changed. Change ID: ");
  g_clear_pointer (&result, yq_test_cli_result_free);
  assert_bindings (f, "u004=zhaoliu u005=qianqi u006=zhouba");

  result = run (f, "bindings", "auto", f->connector_id, "--json", NULL);
  yq_test_cli_assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  object = json_node_get_object (node);
  g_assert_true (json_object_get_null_member (object, "change-id"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "changes")),
                    ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "unmatched"), ==, 4);
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

/* The bridge calls the app uses, in a worker thread: export, then read
 * the LibreOffice file into import rows. */
static void
test_file_async (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) header = NULL;
  g_autofree char *path = g_build_filename (f->data_dir, "async.xlsx", NULL);
  g_autofree char *fixture = g_build_filename (XLSX_FIXTURES_DIR,
                                               "bindings-import-libreoffice.xlsx", NULL);
  YqBindingFilter filter = { .search = "钱" };
  const YqBindingImportRow *row;
  guint n_rows = 0;

  store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);

  yq_bindings_export_file_async (store, f->connector, &filter, path, NULL, async_done_cb,
                                 &result);
  g_assert_true (yq_bindings_export_file_finish (wait_for (&result), &n_rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, 1);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_clear_object (&result);

  /* The export read back as an import: the bound person's OA account is
   * the key. */
  g_assert_true (yq_bindings_read_import_file (path, YQ_BINDING_KEY_ACCOUNT, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpuint (row->row_number, ==, 2);
  g_assert_cmpstr (row->platform_id, ==, "u005");
  g_assert_cmpstr (row->key, ==, "qianqi");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Cancelled: an error, and the file keeps what it had. */
  g_cancellable_cancel (cancelled);
  filter.search = NULL;
  yq_bindings_export_file_async (store, f->connector, &filter, path, cancelled, async_done_cb,
                                 &result);
  g_assert_false (yq_bindings_export_file_finish (wait_for (&result), &n_rows, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_true (yq_bindings_read_import_file (path, YQ_BINDING_KEY_ACCOUNT, &rows, &error));
  g_assert_cmpuint (rows->len, ==, 1);
  g_clear_pointer (&rows, g_ptr_array_unref);

  yq_bindings_read_import_file_async (fixture, YQ_BINDING_KEY_ACCOUNT, NULL, async_done_cb,
                                      &result);
  g_assert_true (yq_bindings_read_import_file_finish (wait_for (&result), &rows, &header,
                                                      &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (header[0], ==, "Platform ID");
  g_assert_cmpstr (header[9], ==, "OA account");
  g_assert_cmpuint (g_strv_length (header), ==, 13);
  /* Rows 3 … 13 without the empty key of row 6 and the missing row 10. */
  g_assert_cmpuint (rows->len, ==, 9);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpuint (row->row_number, ==, 3);
  g_assert_cmpstr (row->platform_id, ==, "u001");
  g_assert_cmpstr (row->key, ==, "zhangsan");
  g_assert_cmpuint (g_strv_length (row->cells), ==, 13);
  g_assert_cmpstr (row->cells[4], ==, "13800000001");
  g_assert_cmpstr (row->cells[6], ==, "0001");
  row = g_ptr_array_index (rows, 3);
  g_assert_cmpuint (row->row_number, ==, 7);
  row = g_ptr_array_index (rows, 7);
  g_assert_cmpuint (row->row_number, ==, 12);
  g_assert_null (row->platform_id);
  g_assert_cmpstr (row->key, ==, "shared.acct");
  g_clear_pointer (&rows, g_ptr_array_unref);
  g_clear_pointer (&header, g_strfreev);

  /* Not a spreadsheet: the error names the file. */
  yq_bindings_read_import_file_async (XLSX_FIXTURES_DIR "/README.md", YQ_BINDING_KEY_MOBILE,
                                      NULL, async_done_cb, &result);
  g_assert_false (yq_bindings_read_import_file_finish (wait_for (&result), &rows, NULL,
                                                       &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "README.md"));
  g_assert_null (rows);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  yq_test_cli_init (NULL, NULL);

  g_test_add ("/cli-bindings/list-bind-unbind", Fixture, NULL, fixture_setup,
              test_list_bind_unbind, fixture_teardown);
  g_test_add ("/cli-bindings/auto", Fixture, NULL, fixture_setup, test_auto,
              fixture_teardown);
  g_test_add ("/cli-bindings/file-async", Fixture, NULL, fixture_setup, test_file_async,
              fixture_teardown);
  g_test_add ("/cli-bindings/export", Fixture, NULL, fixture_setup, test_export,
              fixture_teardown);
  g_test_add ("/cli-bindings/import-undo", Fixture, NULL, fixture_setup, test_import_undo,
              fixture_teardown);
  g_test_add ("/cli-bindings/import-errors", Fixture, NULL, fixture_setup, test_import_errors,
              fixture_teardown);
  g_test_add ("/cli-bindings/unbind-all", Fixture, NULL, fixture_setup, test_unbind_all,
              fixture_teardown);

  return g_test_run ();
}
