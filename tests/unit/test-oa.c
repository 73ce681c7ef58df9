/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "yq-oa-directory.h"
#include "yq-oa-import.h"
#include "yq-password.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"

/* Helpers */

typedef struct
{
  char          *dir;
  YqStore       *store;
  YqOaDirectory *directory;
} Fixture;

static YqStore *
open_store (const char *dir,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  YqStore *store = yq_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yq-test-oa-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = open_store (f->dir, "yunqiao.db");
  f->directory = yq_builtin_oa_directory_new (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->directory);
  g_clear_object (&f->store);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
}

static YqOrgSnapshot *
take_snapshot (YqOaDirectory *directory)
{
  g_autoptr(GError) error = NULL;
  YqOrgSnapshot *snapshot = yq_oa_directory_snapshot (directory, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);

  return snapshot;
}

static void
assert_snapshots_equal (YqOrgSnapshot *a,
                        YqOrgSnapshot *b)
{
  g_autofree char *difference = NULL;

  if (!yq_org_snapshot_equal (a, b, &difference))
    g_error ("The snapshots differ: %s", difference);
}

static void
assert_unchanged (YqOaDirectory *directory,
                  YqOrgSnapshot *before)
{
  g_autoptr(YqOrgSnapshot) after = take_snapshot (directory);

  assert_snapshots_equal (before, after);
}

static char *
add_department (YqOaDirectory *directory,
                const char    *parent_id,
                const char    *name,
                gint64         order)
{
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("ignored", parent_id, name);
  g_autoptr(GError) error = NULL;
  char *id;

  department->order = order;
  id = yq_oa_directory_add_department (directory, department, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);

  return id;
}

static YqOrgPerson *
make_person (const char *account,
             const char *name,
             const char *department_id)
{
  YqOrgPerson *person = yq_org_person_new (account, name);

  if (department_id != NULL)
    {
      g_strfreev (person->department_ids);
      person->department_ids = g_new0 (char *, 2);
      person->department_ids[0] = g_strdup (department_id);
    }

  return person;
}

static void
add_person (YqOaDirectory *directory,
            YqOrgPerson   *person)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *account = yq_oa_directory_add_person (directory, person, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (account, ==, person->id);
}

static YqOaImportReport *
import_text_full (YqStore                  *store,
                  const char               *text,
                  const YqOaImportMapping  *mapping,
                  gboolean                  dry_run,
                  GError                  **error)
{
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));
  YqOaImportReport *report = NULL;
  gboolean ok;

  ok = yq_oa_import_csv_bytes (store, data, "test.csv", mapping, dry_run, &report, error);
  g_assert_true (ok == (report != NULL));

  return report;
}

static YqOaImportReport *
import_text (YqStore    *store,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  YqOaImportReport *report = import_text_full (store, text, NULL, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);

  return report;
}

static YqOrgPerson *
lookup_person (YqOrgSnapshot *snapshot,
               const char    *account)
{
  YqOrgPerson *person = yq_org_snapshot_lookup_person (snapshot, account);

  if (person == NULL)
    g_error ("No person %s in the snapshot", account);

  return person;
}

static char *
person_path (YqOrgSnapshot *snapshot,
             const char    *account)
{
  YqOrgPerson *person = lookup_person (snapshot, account);

  g_assert_nonnull (person->department_ids);
  return yq_oa_department_path (snapshot, person->department_ids[0]);
}

static void
assert_rejected (YqOaImportReport *report,
                 guint             index,
                 guint             line,
                 const char       *reason_part)
{
  const YqOaImportRejection *rejection;

  g_assert_cmpuint (index, <, report->rejected->len);
  rejection = g_ptr_array_index (report->rejected, index);
  g_assert_cmpuint (rejection->line, ==, line);
  if (strstr (rejection->reason, reason_part) == NULL)
    g_error ("Line %u was rejected for “%s”, expected a reason with “%s”",
             rejection->line, rejection->reason, reason_part);
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (OA_FIXTURES_DIR, name, NULL);
}

/* The built-in directory */

static void
test_directory_crud (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = yq_org_snapshot_new ("d1");
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(YqOrgDepartment) update = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *finance = NULL;
  g_autofree char *budget = NULL;
  g_autofree char *temp = NULL;
  g_autofree char *after_delete = NULL;
  YqOrgDepartment *department;

  snapshot = take_snapshot (f->directory);
  g_assert_null (yq_org_snapshot_get_root_id (snapshot));
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (snapshot), ==, 0);
  g_clear_object (&snapshot);

  root = add_department (f->directory, NULL, "总部", 0);
  finance = add_department (f->directory, root, "财务处", 2);
  budget = add_department (f->directory, finance, "预算科", 1);
  g_assert_cmpstr (root, ==, "d1");
  g_assert_cmpstr (finance, ==, "d2");
  g_assert_cmpstr (budget, ==, "d3");

  /* Same names at one level are allowed. */
  temp = add_department (f->directory, root, "财务处", 3);
  g_assert_cmpstr (temp, ==, "d4");
  g_assert_true (yq_oa_directory_delete_department (f->directory, temp, &error));
  g_assert_no_error (error);

  /* IDs are never reused. */
  after_delete = add_department (f->directory, root, "人事处", 1);
  g_assert_cmpstr (after_delete, ==, "d5");

  person = make_person ("zhangsan", "张三", budget);
  person->mobile = g_strdup ("13800138000");
  person->email = g_strdup ("zhangsan@example.com");
  person->job_number = g_strdup ("0001");
  person->title = g_strdup ("科长");
  person->order = 7;
  add_person (f->directory, person);
  g_clear_pointer (&person, yq_org_person_free);

  /* Empty optional fields are stored (and read back) as NULL. */
  person = make_person ("lisi", "李四", finance);
  person->mobile = g_strdup ("");
  add_person (f->directory, person);
  g_clear_pointer (&person, yq_org_person_free);

  /* An update writes every field; the account stays. */
  person = make_person ("lisi", "李四（借调）", after_delete);
  person->email = g_strdup ("lisi@example.com");
  person->order = 3;
  g_assert_true (yq_oa_directory_update_person (f->directory, person, &error));
  g_assert_no_error (error);
  g_clear_pointer (&person, yq_org_person_free);

  g_assert_true (yq_oa_directory_disable_person (f->directory, "zhangsan", &error));
  g_assert_no_error (error);
  /* Disabling twice is fine. */
  g_assert_true (yq_oa_directory_disable_person (f->directory, "zhangsan", &error));
  g_assert_no_error (error);

  /* Rename, reorder, disable and move a department. */
  update = yq_org_department_new (budget, root, "预算与绩效科");
  update->order = 9;
  update->active = FALSE;
  g_assert_true (yq_oa_directory_update_department (f->directory, update, &error));
  g_assert_no_error (error);

  department = yq_org_department_new ("d1", NULL, "总部");
  yq_org_snapshot_add_department (expected, department);
  department = yq_org_department_new ("d2", "d1", "财务处");
  department->order = 2;
  yq_org_snapshot_add_department (expected, department);
  department = yq_org_department_new ("d3", "d1", "预算与绩效科");
  department->order = 9;
  department->active = FALSE;
  yq_org_snapshot_add_department (expected, department);
  department = yq_org_department_new ("d5", "d1", "人事处");
  department->order = 1;
  yq_org_snapshot_add_department (expected, department);

  person = make_person ("zhangsan", "张三", "d3");
  person->account_code = g_strdup ("zhangsan");
  person->mobile = g_strdup ("13800138000");
  person->email = g_strdup ("zhangsan@example.com");
  person->job_number = g_strdup ("0001");
  person->title = g_strdup ("科长");
  person->order = 7;
  person->active = FALSE;
  yq_org_snapshot_add_person (expected, g_steal_pointer (&person));
  person = make_person ("lisi", "李四（借调）", "d5");
  person->account_code = g_strdup ("lisi");
  person->email = g_strdup ("lisi@example.com");
  person->order = 3;
  yq_org_snapshot_add_person (expected, g_steal_pointer (&person));

  snapshot = take_snapshot (f->directory);
  assert_snapshots_equal (expected, snapshot);
  g_clear_object (&snapshot);

  /* A second directory object on a second connection sees the same. */
  {
    g_autoptr(YqStore) other_store = open_store (f->dir, "yunqiao.db");
    g_autoptr(YqOaDirectory) other = yq_builtin_oa_directory_new (other_store);

    snapshot = take_snapshot (other);
    assert_snapshots_equal (expected, snapshot);
  }
}

static void
assert_error_leaves_unchanged (Fixture       *f,
                               YqOrgSnapshot *before,
                               GError        *error,
                               int            code)
{
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  assert_unchanged (f->directory, before);
}

static void
test_directory_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(YqOrgDepartment) department = NULL;
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *root = add_department (f->directory, NULL, "总部", 0);
  g_autofree char *finance = add_department (f->directory, root, "财务处", 0);
  g_autofree char *budget = add_department (f->directory, finance, "预算科", 0);
  g_autofree char *empty = add_department (f->directory, root, "空部门", 0);
  char *id;

  person = make_person ("zhangsan", "张三", budget);
  add_person (f->directory, person);
  g_clear_pointer (&person, yq_org_person_free);
  person = make_person ("former", "离职者", empty);
  person->active = FALSE;
  add_person (f->directory, person);
  g_clear_pointer (&person, yq_org_person_free);

  before = take_snapshot (f->directory);

  /* One top department only. */
  department = yq_org_department_new ("x", NULL, "另一个集团");
  id = yq_oa_directory_add_department (f->directory, department, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "总部"));
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new ("x", "d99", "科室");
  id = yq_oa_directory_add_department (f->directory, department, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new ("x", root, "  ");
  id = yq_oa_directory_add_department (f->directory, department, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  /* Moves that would break the tree. */
  department = yq_org_department_new (finance, budget, "财务处");
  g_assert_false (yq_oa_directory_update_department (f->directory, department, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new (finance, finance, "财务处");
  g_assert_false (yq_oa_directory_update_department (f->directory, department, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new (root, finance, "总部");
  g_assert_false (yq_oa_directory_update_department (f->directory, department, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new (finance, NULL, "财务处");
  g_assert_false (yq_oa_directory_update_department (f->directory, department, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new ("d99", root, "不存在");
  g_assert_false (yq_oa_directory_update_department (f->directory, department, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  department = yq_org_department_new (budget, "d99", "预算科");
  g_assert_false (yq_oa_directory_update_department (f->directory, department, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&department, yq_org_department_free);

  /* Deletes of departments that are not empty. */
  g_assert_false (yq_oa_directory_delete_department (f->directory, finance, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_EMPTY);
  g_assert_nonnull (strstr (error->message, "财务处"));
  g_clear_error (&error);

  g_assert_false (yq_oa_directory_delete_department (f->directory, budget, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_EMPTY);
  g_assert_nonnull (strstr (error->message, "预算科"));
  g_clear_error (&error);

  g_assert_false (yq_oa_directory_delete_department (f->directory, "d99", &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* People. */
  person = make_person ("ZhangSan", "另一个张三", finance);
  id = yq_oa_directory_add_person (f->directory, person, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "张三"));
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  person = make_person ("", "无账号", finance);
  id = yq_oa_directory_add_person (f->directory, person, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  person = make_person (" lead", "空格", finance);
  id = yq_oa_directory_add_person (f->directory, person, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  person = make_person ("noname", "", finance);
  id = yq_oa_directory_add_person (f->directory, person, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  person = make_person ("nodept", "无部门", NULL);
  id = yq_oa_directory_add_person (f->directory, person, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  person = make_person ("lost", "部门不存在", "d99");
  id = yq_oa_directory_add_person (f->directory, person, &error);
  g_assert_null (id);
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  person = make_person ("nobody", "查无此人", finance);
  g_assert_false (yq_oa_directory_update_person (f->directory, person, &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);

  g_assert_false (yq_oa_directory_disable_person (f->directory, "nobody", &error));
  assert_error_leaves_unchanged (f, before, error, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A department with only disabled members can go; they stay, without
   * a department. */
  g_assert_true (yq_oa_directory_delete_department (f->directory, empty, &error));
  g_assert_no_error (error);
  {
    g_autoptr(YqOrgSnapshot) after = take_snapshot (f->directory);
    YqOrgPerson *former = lookup_person (after, "former");

    g_assert_null (yq_org_snapshot_lookup_department (after, empty));
    g_assert_false (former->active);
    g_assert_true (former->department_ids == NULL || former->department_ids[0] == NULL);
  }

  /* Re-enabling someone without a department needs one. */
  person = make_person ("former", "离职者", NULL);
  g_assert_false (yq_oa_directory_update_person (f->directory, person, &error));
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&person, yq_org_person_free);
}

/* CSV import */

static void
test_csv_quotes (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  YqOrgPerson *person;

  /* CRLF, a quoted field with a comma and quotes, a quoted field with
   * line breaks in a column that is not imported, an empty last field,
   * and a last row without a line end. */
  report = import_text (f->store,
                        "账号,姓名,部门,备注,职务\r\n"
                        "a1,\"张三, \"\"老张\"\"\",集团/一部,,\"科长\"\r\n"
                        "a2,李四,集团/一部,\"第一行\r\n第二行\n第三行\",\r\n"
                        "a3,王五,\"集团/二部, 分部\",\"\"\"\",\r\n"
                        "a4,赵六,集团/一部,\"x\",组长");

  g_assert_cmpuint (report->rows, ==, 4);
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_assert_cmpuint (report->people_added, ==, 4);
  g_assert_cmpuint (report->departments_created, ==, 3);
  g_assert_cmpstr (report->encoding, ==, "UTF-8");
  g_assert_cmpint (report->delimiter, ==, ',');
  g_assert_cmpuint (report->ignored_columns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (report->ignored_columns, 0), ==, "备注");

  snapshot = take_snapshot (f->directory);
  person = lookup_person (snapshot, "a1");
  g_assert_cmpstr (person->name, ==, "张三, \"老张\"");
  g_assert_cmpstr (person->title, ==, "科长");
  person = lookup_person (snapshot, "a2");
  g_assert_null (person->title);
  person = lookup_person (snapshot, "a3");
  {
    g_autofree char *path = person_path (snapshot, "a3");

    g_assert_cmpstr (path, ==, "集团/二部, 分部");
  }
  person = lookup_person (snapshot, "a4");
  g_assert_cmpstr (person->title, ==, "组长");
  g_clear_object (&snapshot);
  g_clear_pointer (&report, yq_oa_import_report_free);

  /* Line numbers count the lines inside quoted fields. */
  report = import_text (f->store,
                        "账号,姓名,部门,备注\n"
                        "b1,甲,集团,\"1\n2\n3\"\n"
                        "b2,,集团,\n");
  g_assert_cmpuint (report->rejected->len, ==, 1);
  assert_rejected (report, 0, 5, "name");
  g_clear_pointer (&report, yq_oa_import_report_free);

  /* Text after a closing quote: the row is refused, the others are not. */
  report = import_text (f->store,
                        "账号,姓名,部门\n"
                        "c1,\"乙\"x,集团\n"
                        "c2,丙,集团\n");
  g_assert_cmpuint (report->people_added, ==, 1);
  assert_rejected (report, 0, 2, "quote");
  g_clear_pointer (&report, yq_oa_import_report_free);

  /* Semicolons (Excel in some locales) and Excel's "sep=" line. */
  report = import_text (f->store, "账号;姓名;部门\nd1;丁;集团\n");
  g_assert_cmpint (report->delimiter, ==, ';');
  g_assert_cmpuint (report->people_added, ==, 1);
  g_clear_pointer (&report, yq_oa_import_report_free);

  report = import_text (f->store, "sep=|\r\n账号|姓名|部门\r\nd2|戊|集团\r\nd3||集团\r\n");
  g_assert_cmpint (report->delimiter, ==, '|');
  g_assert_cmpuint (report->people_added, ==, 1);
  assert_rejected (report, 0, 4, "name");
  g_clear_pointer (&report, yq_oa_import_report_free);

  /* A title above the header, and tabs (Excel's "Unicode text"). */
  report = import_text (f->store, "2024年通讯录\n\n账号\t姓名\t部门\nt1\t己\t集团\nt2\t\t集团\n");
  g_assert_cmpint (report->delimiter, ==, '\t');
  g_assert_cmpuint (report->rows, ==, 2);
  g_assert_cmpuint (report->people_added, ==, 1);
  assert_rejected (report, 0, 5, "name");
}

static void
test_csv_syntax_errors (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = take_snapshot (f->directory);
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) binary = NULL;

  report = import_text_full (f->store, "账号,姓名,部门\na,\"甲,集团\nb,乙,集团\n", NULL, FALSE,
                             &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  report = import_text_full (f->store, "", NULL, FALSE, &error);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_EMPTY);
  g_clear_error (&error);

  report = import_text_full (f->store, "\n\n,,\n", NULL, FALSE, &error);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_EMPTY);
  g_clear_error (&error);

  report = import_text_full (f->store, "PK\003\004 a workbook", NULL, FALSE, &error);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "xlsx"));
  g_clear_error (&error);

  binary = g_bytes_new_static ("a,b\n\xff\xff\xff\x80\n", 9);
  g_assert_false (yq_oa_import_csv_bytes (f->store, binary, "junk.csv", NULL, FALSE, &report,
                                          &error));
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  assert_unchanged (f->directory, before);
}

static void
test_csv_encodings (Fixture       *f,
                    gconstpointer  data)
{
  const char *text = "账号,姓名,部门\r\nzhangsan,张三,总部/财务处\r\nlisi,李四,总部\r\n";
  g_autofree char *bom = g_strconcat ("\xEF\xBB\xBF", text, NULL);
  g_autofree char *gbk = NULL;
  g_autofree char *utf16 = NULL;
  g_autoptr(GError) error = NULL;
  gsize gbk_len = 0, utf16_len = 0;
  const struct
  {
    const char *data;
    gsize       len;
    const char *encoding;
  } variants[] = {
    { text, strlen (text), "UTF-8" },
    { bom, strlen (bom), "UTF-8" },
    { NULL, 0, "GB18030" },
    { NULL, 0, "UTF-16LE" },
  };
  g_autoptr(YqOrgSnapshot) first = NULL;

  gbk = g_convert (text, -1, "GBK", "UTF-8", NULL, &gbk_len, &error);
  g_assert_no_error (error);
  /* The GBK bytes are not valid UTF-8, so the encoding must be guessed. */
  g_assert_false (g_utf8_validate (gbk, gbk_len, NULL));
  {
    g_autofree char *body = g_convert (text, -1, "UTF-16LE", "UTF-8", NULL, &utf16_len, &error);

    g_assert_no_error (error);
    utf16 = g_malloc (utf16_len + 2);
    utf16[0] = (char) 0xFF;
    utf16[1] = (char) 0xFE;
    memcpy (utf16 + 2, body, utf16_len);
    utf16_len += 2;
  }

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *name = g_strdup_printf ("variant-%u.db", i);
      g_autoptr(YqStore) store = open_store (f->dir, name);
      g_autoptr(YqOaDirectory) directory = yq_builtin_oa_directory_new (store);
      g_autoptr(YqOaImportReport) report = NULL;
      g_autoptr(YqOrgSnapshot) snapshot = NULL;
      g_autoptr(GBytes) bytes = NULL;

      if (i == 2)
        bytes = g_bytes_new (gbk, gbk_len);
      else if (i == 3)
        bytes = g_bytes_new (utf16, utf16_len);
      else
        bytes = g_bytes_new (variants[i].data, variants[i].len);

      g_assert_true (yq_oa_import_csv_bytes (store, bytes, "test.csv", NULL, FALSE, &report,
                                             &error));
      g_assert_no_error (error);
      g_assert_cmpstr (report->encoding, ==, variants[i].encoding);
      /* The byte order mark is not part of the first header. */
      g_assert_cmpstr (report->columns[YQ_OA_FIELD_ACCOUNT], ==, "账号");
      g_assert_cmpuint (report->people_added, ==, 2);
      g_assert_cmpuint (report->rejected->len, ==, 0);

      snapshot = take_snapshot (directory);
      g_assert_cmpstr (lookup_person (snapshot, "zhangsan")->name, ==, "张三");
      if (first == NULL)
        first = g_steal_pointer (&snapshot);
      else
        assert_snapshots_equal (first, snapshot);
    }
}

static void
test_csv_fixtures (Fixture       *f,
                   gconstpointer  data)
{
  const char *names[] = { "people-utf8.csv", "people-gbk.csv" };
  const char *encodings[] = { "UTF-8", "GB18030" };
  g_autoptr(YqOrgSnapshot) first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = fixture_path (names[i]);
      g_autofree char *db = g_strdup_printf ("fixture-%u.db", i);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(YqStore) store = open_store (f->dir, db);
      g_autoptr(YqOaDirectory) directory = yq_builtin_oa_directory_new (store);
      g_autoptr(YqOaImportReport) report = NULL;
      g_autoptr(YqOrgSnapshot) snapshot = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *zhaoliu = NULL;
      YqOrgPerson *person;

      g_assert_true (yq_oa_import_csv (store, file, NULL, FALSE, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (report->encoding, ==, encodings[i]);
      g_assert_cmpuint (report->rows, ==, 6);
      g_assert_cmpuint (report->people_added, ==, 5);
      g_assert_cmpuint (report->departments_created, ==, 4);
      g_assert_cmpuint (report->rejected->len, ==, 1);
      /* lisi's remark spans two lines. */
      assert_rejected (report, 0, 7, "12345");

      snapshot = take_snapshot (directory);
      person = lookup_person (snapshot, "lisi");
      g_assert_cmpstr (person->name, ==, "李四, 小李");
      g_assert_cmpstr (person->title, ==, "处长 \"兼\" 会计");
      g_assert_cmpstr (person->mobile, ==, "13900139000");
      g_assert_cmpstr (person->job_number, ==, "0002");
      person = lookup_person (snapshot, "wangwu");
      g_assert_false (person->active);
      g_assert_cmpstr (person->mobile, ==, "13700137000");
      /* A single name that names one department. */
      zhaoliu = person_path (snapshot, "zhaoliu");
      g_assert_cmpstr (zhaoliu, ==, "云桥集团/财务处/预算科");
      g_assert_true (lookup_person (snapshot, "sunqi")->active);
      g_assert_null (yq_org_snapshot_lookup_person (snapshot, "qianba"));

      if (first == NULL)
        first = g_steal_pointer (&snapshot);
      else
        assert_snapshots_equal (first, snapshot);
    }
}

static void
test_csv_aliases (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  YqOrgPerson *person;
  YqOaField field;

  report = import_text (f->store,
                        "Login Name,Full Name,Job Number,Mobile Phone,E-mail,Department Path,"
                        "Job Title,Sort Order,Status\n"
                        "amy,Amy Lee,A-7,13812345678,amy@example.com,HQ/Sales,Manager,5,"
                        "Disabled\n");
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_ACCOUNT], ==, "Login Name");
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_JOB_NUMBER], ==, "Job Number");
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_EMAIL], ==, "E-mail");
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_TITLE], ==, "Job Title");
  g_clear_pointer (&report, yq_oa_import_report_free);

  report = import_text (f->store,
                        "登录名*,姓名（必填）,员工编号,手机号码,电子邮箱,所属部门,岗位,排序号,"
                        "用户状态\n"
                        "bob,鲍勃,B-1,+86 13912345678,bob@example.com,HQ,经理,-2,启用\n");
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_assert_cmpuint (report->ignored_columns->len, ==, 0);
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_ACCOUNT], ==, "登录名*");
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_NAME], ==, "姓名（必填）");

  snapshot = take_snapshot (f->directory);
  person = lookup_person (snapshot, "amy");
  g_assert_cmpstr (person->name, ==, "Amy Lee");
  g_assert_cmpstr (person->job_number, ==, "A-7");
  g_assert_cmpstr (person->mobile, ==, "13812345678");
  g_assert_cmpstr (person->email, ==, "amy@example.com");
  g_assert_cmpstr (person->title, ==, "Manager");
  g_assert_cmpint (person->order, ==, 5);
  g_assert_false (person->active);
  person = lookup_person (snapshot, "bob");
  g_assert_cmpstr (person->mobile, ==, "13912345678");
  g_assert_cmpint (person->order, ==, -2);
  g_assert_true (person->active);
  g_assert_cmpstr (person->department_ids[0], ==, yq_org_snapshot_get_root_id (snapshot));

  g_assert_true (yq_oa_field_from_string ("工号", &field));
  g_assert_cmpint (field, ==, YQ_OA_FIELD_JOB_NUMBER);
  g_assert_true (yq_oa_field_from_string ("job_number", &field));
  g_assert_cmpint (field, ==, YQ_OA_FIELD_JOB_NUMBER);
  g_assert_true (yq_oa_field_from_string ("ignore", &field));
  g_assert_cmpint (field, ==, YQ_OA_FIELD_IGNORE);
  g_assert_false (yq_oa_field_from_string ("序号", &field));
  for (int i = 0; i < YQ_N_OA_FIELDS; i++)
    {
      g_assert_true (yq_oa_field_from_string (yq_oa_field_to_string (i), &field));
      g_assert_cmpint (field, ==, i);
    }
}

static void
test_csv_mapping (Fixture       *f,
                  gconstpointer  data)
{
  const char *text = "用户,中文名,组织,电话,手机\n"
                     "u1,一号,总部/甲,13800000001,13900000001\n";
  g_autoptr(YqOaImportMapping) mapping = yq_oa_import_mapping_new ();
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) before = take_snapshot (f->directory);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  /* Without a mapping the required columns are missing. */
  report = import_text_full (f->store, text, NULL, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_COLUMNS);
  g_clear_error (&error);

  g_assert_true (yq_oa_import_mapping_add_spec (mapping, "用户=account", &error));
  g_assert_true (yq_oa_import_mapping_add_spec (mapping, "中文名=姓名", &error));
  g_assert_true (yq_oa_import_mapping_add_spec (mapping, "组织=department", &error));
  /* An explicit choice beats the alias of another column. */
  g_assert_true (yq_oa_import_mapping_add_spec (mapping, "电话=mobile", &error));
  g_assert_no_error (error);

  report = import_text_full (f->store, text, mapping, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->people_added, ==, 1);
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_MOBILE], ==, "电话");
  g_assert_cmpuint (report->ignored_columns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (report->ignored_columns, 0), ==, "手机");
  g_clear_pointer (&report, yq_oa_import_report_free);

  snapshot = take_snapshot (f->directory);
  g_assert_cmpstr (lookup_person (snapshot, "u1")->name, ==, "一号");
  g_assert_cmpstr (lookup_person (snapshot, "u1")->mobile, ==, "13800000001");
  g_clear_object (&snapshot);
  g_clear_object (&before);
  before = take_snapshot (f->directory);

  /* Two columns that both look like the mobile number: an error until
   * one is chosen or ignored. */
  report = import_text_full (f->store, "账号,姓名,部门,手机,手机号\nu2,二号,总部,,\n", NULL, FALSE,
                             &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, "手机号"));
  g_clear_error (&error);
  assert_unchanged (f->directory, before);

  {
    g_autoptr(YqOaImportMapping) ignore = yq_oa_import_mapping_new ();

    g_assert_true (yq_oa_import_mapping_add_spec (ignore, "手机号=ignore", &error));
    report = import_text_full (f->store, "账号,姓名,部门,手机,手机号\nu2,二号,总部,,\n", ignore,
                               FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (report->people_added, ==, 1);
    g_assert_cmpstr (report->columns[YQ_OA_FIELD_MOBILE], ==, "手机");
    g_clear_pointer (&report, yq_oa_import_report_free);
  }

  /* Malformed mappings. */
  {
    g_autoptr(YqOaImportMapping) bad = yq_oa_import_mapping_new ();

    g_assert_false (yq_oa_import_mapping_add_spec (bad, "no equals sign", &error));
    g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING);
    g_clear_error (&error);
    g_assert_false (yq_oa_import_mapping_add_spec (bad, "=account", &error));
    g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING);
    g_clear_error (&error);
    g_assert_false (yq_oa_import_mapping_add_spec (bad, "a=salary", &error));
    g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING);
    g_assert_nonnull (strstr (error->message, "salary"));
    g_clear_error (&error);

    /* A mapping for a column the file does not have. */
    g_assert_true (yq_oa_import_mapping_add_spec (bad, "Surname=name", &error));
    report = import_text_full (f->store, text, bad, FALSE, &error);
    g_assert_null (report);
    g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING);
    g_assert_nonnull (strstr (error->message, "Surname"));
    g_assert_nonnull (strstr (error->message, "中文名"));
    g_clear_error (&error);
  }
}

static void
test_csv_missing_column (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = take_snapshot (f->directory);
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = import_text_full (f->store, "姓名,手机,邮箱\n张三,13800138000,a@b.cn\n", NULL, FALSE,
                             &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_COLUMNS);
  /* What is missing… */
  g_assert_nonnull (strstr (error->message, "账号"));
  g_assert_nonnull (strstr (error->message, "account"));
  g_assert_nonnull (strstr (error->message, "department"));
  /* …and what was found. */
  g_assert_nonnull (strstr (error->message, "姓名, 手机, 邮箱"));
  assert_unchanged (f->directory, before);
}

static void
test_csv_rejected_rows (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  const YqOaImportRejection *rejection;

  report = import_text (f->store,
                        "账号,姓名,部门,手机,邮箱,排序,状态\n"
                        /* 2 */ "ok1,甲,总部/一部,13800000001,a@example.com,1,正常\n"
                        /* 3 */ ",乙,总部/一部,,,,\n"
                        /* 4 */ "dup,丙,总部/一部,,,,\n"
                        /* 5 */ "ok2,丁,总部/二部,,,,\n"
                        /* 6 */ "DUP,戊,总部/一部,,,,\n"
                        /* 7 */ "badmobile,己,总部,1.38E+10,,,\n"
                        /* 8 */ "badmobile2,庚,总部,12345,,,\n"
                        /* 9 */ "bademail,辛,总部,,not-an-address,,\n"
                        /* 10 */ "badorder,壬,总部,,,first,\n"
                        /* 11 */ "badstatus,癸,总部,,,,休假\n"
                        /* 12 */ "nodept,子,,,,,\n"
                        /* 13 */ "emptypart,丑,总部//一部,,,,\n"
                        /* 14 */ "extra,寅,总部,,,,,surplus\n"
                        /* 15 */ "noname,,总部,,,,\n"
                        /* 16 */ "unknown,卯,不存在的科,,,,\n"
                        /* 17 */ ",,,,,,\n"
                        /* 18 */ "gone,辰,,,,,停用\n"
                        /* 19 */ "intl,巳,总部,+44 20 7946 0000,,,\n"
                        /* 20 */ "twice,午,总部,,,,\n"
                        /* 21 */ "twice,\"未\"x,总部,,,,\n");

  /* Blank rows are not counted. */
  g_assert_cmpuint (report->rows, ==, 19);
  g_assert_cmpuint (report->people_added, ==, 4);
  g_assert_cmpuint (report->rejected->len, ==, 15);

  assert_rejected (report, 0, 3, "account is empty");
  assert_rejected (report, 1, 4, "line 6");
  assert_rejected (report, 2, 6, "line 4");
  assert_rejected (report, 3, 7, "spreadsheet");
  assert_rejected (report, 4, 8, "not a mobile number");
  assert_rejected (report, 5, 9, "not an email address");
  assert_rejected (report, 6, 10, "not a whole number");
  assert_rejected (report, 7, 11, "休假");
  assert_rejected (report, 8, 12, "department is empty");
  assert_rejected (report, 9, 13, "empty part");
  assert_rejected (report, 10, 14, "fields");
  assert_rejected (report, 11, 15, "name is empty");
  assert_rejected (report, 12, 16, "不存在的科");
  /* A row refused for its quotes still makes its account a duplicate. */
  assert_rejected (report, 13, 20, "line 21");
  assert_rejected (report, 14, 21, "quote");

  rejection = g_ptr_array_index (report->rejected, 0);
  g_assert_null (rejection->account);
  rejection = g_ptr_array_index (report->rejected, 2);
  g_assert_cmpstr (rejection->account, ==, "DUP");

  snapshot = take_snapshot (f->directory);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, 4);
  lookup_person (snapshot, "ok1");
  lookup_person (snapshot, "ok2");
  g_assert_false (lookup_person (snapshot, "gone")->active);
  g_assert_null (lookup_person (snapshot, "gone")->department_ids[0]);
  g_assert_cmpstr (lookup_person (snapshot, "intl")->mobile, ==, "+442079460000");
  g_assert_null (yq_org_snapshot_lookup_person (snapshot, "dup"));
  g_assert_null (yq_org_snapshot_lookup_person (snapshot, "DUP"));
  /* 一部 was only created for ok1. */
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (snapshot), ==, 3);
}

static void
test_csv_roots (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = take_snapshot (f->directory);
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = import_text_full (f->store,
                             "账号,姓名,部门\n"
                             "a,甲,集团/一部\n"
                             "b,乙,公司/二部\n",
                             NULL, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ROOT);
  g_assert_nonnull (strstr (error->message, "“集团” (line 2)"));
  g_assert_nonnull (strstr (error->message, "“公司” (line 3)"));
  g_clear_error (&error);
  assert_unchanged (f->directory, before);

  /* Names without paths in an empty directory. */
  report = import_text_full (f->store, "账号,姓名,部门\na,甲,一部\nb,乙,二部\n", NULL, FALSE,
                             &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ROOT);
  g_clear_error (&error);
  assert_unchanged (f->directory, before);

  report = import_text (f->store, "账号,姓名,部门\na,甲,集团/一部\n");
  g_clear_pointer (&report, yq_oa_import_report_free);
  g_clear_object (&before);
  before = take_snapshot (f->directory);

  /* The directory's top department is 集团. */
  report = import_text_full (f->store, "账号,姓名,部门\nb,乙,公司/一部\n", NULL, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ROOT);
  g_assert_nonnull (strstr (error->message, "集团"));
  g_assert_nonnull (strstr (error->message, "公司"));
  g_clear_error (&error);
  assert_unchanged (f->directory, before);
}

static void
test_csv_department_names (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autofree char *root = add_department (f->directory, NULL, "总部", 0);
  g_autofree char *a = add_department (f->directory, root, "财务处", 0);
  g_autofree char *b = add_department (f->directory, root, "财务处", 1);
  g_autofree char *unique = add_department (f->directory, a, "预算科", 0);
  g_autofree char *slash = add_department (f->directory, root, "研发/测试部", 2);
  g_autofree char *p = NULL;

  report = import_text (f->store,
                        "账号,姓名,部门\n"
                        "p1,甲,总部/财务处/预算科\n"   /* 2: ambiguous path */
                        "p2,乙,预算科\n"               /* 3: unique name */
                        "p3,丙,财务处\n"               /* 4: ambiguous name */
                        "p4,丁,总部\n"                 /* 5: the top */
                        "p5,戊,总部/研发\\/测试部\n"   /* 6: escaped slash */
                        "p6,己,总部/新处/新科\n"       /* 7: created */
                        "p7,庚,新科\n");               /* 8: created by line 7 */

  g_assert_cmpuint (report->rejected->len, ==, 2);
  assert_rejected (report, 0, 2, "ambiguous");
  assert_rejected (report, 1, 4, "2 departments");
  g_assert_cmpuint (report->people_added, ==, 5);
  g_assert_cmpuint (report->departments_created, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (report->created_departments, 0), ==, "总部/新处");
  g_assert_cmpstr (g_ptr_array_index (report->created_departments, 1), ==, "总部/新处/新科");

  snapshot = take_snapshot (f->directory);
  g_assert_cmpstr (lookup_person (snapshot, "p2")->department_ids[0], ==, unique);
  g_assert_cmpstr (lookup_person (snapshot, "p4")->department_ids[0], ==, root);
  g_assert_cmpstr (lookup_person (snapshot, "p5")->department_ids[0], ==, slash);
  g_assert_cmpstr (lookup_person (snapshot, "p6")->department_ids[0], ==,
                   lookup_person (snapshot, "p7")->department_ids[0]);
  p = yq_oa_department_path (snapshot, slash);
  g_assert_cmpstr (p, ==, "总部/研发\\/测试部");
  /* New departments come after their existing siblings. */
  {
    YqOrgDepartment *created = NULL;

    for (guint i = 0; i < yq_org_snapshot_get_n_departments (snapshot); i++)
      {
        YqOrgDepartment *d = yq_org_snapshot_get_department (snapshot, i);

        if (g_str_equal (d->name, "新处"))
          created = d;
      }
    g_assert_nonnull (created);
    g_assert_cmpint (created->order, ==, 3);
  }
}

static void
test_csv_upsert (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  YqOrgPerson *person;

  report = import_text (f->store,
                        "账号,姓名,部门,手机,邮箱,工号,职务,排序\n"
                        "zhangsan,张三,总部/一部,13800000001,zs@example.com,001,科长,3\n"
                        "lisi,李四,总部/一部,13800000002,ls@example.com,002,,4\n"
                        "wangwu,王五,总部/二部,,,003,,5\n");
  g_assert_cmpuint (report->people_added, ==, 3);
  g_clear_pointer (&report, yq_oa_import_report_free);

  /* Columns the file lacks keep their values, empty cells clear them, and
   * accounts match without regard to case. */
  report = import_text (f->store,
                        "账号,姓名,部门,手机,状态\n"
                        "ZHANGSAN,张三,总部/二部,13800000001,正常\n"
                        "lisi,李四,总部/一部,,\n"
                        "wangwu,王五,总部/二部,,\n"
                        "zhaoliu,赵六,总部/二部,,停用\n");
  g_assert_cmpuint (report->people_added, ==, 1);
  g_assert_cmpuint (report->people_updated, ==, 2);
  g_assert_cmpuint (report->people_unchanged, ==, 1);
  g_assert_cmpuint (report->departments_created, ==, 0);

  snapshot = take_snapshot (f->directory);
  person = lookup_person (snapshot, "zhangsan");
  g_assert_cmpstr (person->id, ==, "zhangsan");
  g_assert_cmpstr (person->email, ==, "zs@example.com");
  g_assert_cmpstr (person->job_number, ==, "001");
  g_assert_cmpstr (person->title, ==, "科长");
  g_assert_cmpint (person->order, ==, 3);
  {
    g_autofree char *path = person_path (snapshot, "zhangsan");

    g_assert_cmpstr (path, ==, "总部/二部");
  }
  person = lookup_person (snapshot, "lisi");
  g_assert_null (person->mobile);
  g_assert_cmpstr (person->email, ==, "ls@example.com");
  g_assert_true (person->active);
  g_assert_false (lookup_person (snapshot, "zhaoliu")->active);
  g_assert_null (yq_org_snapshot_lookup_person (snapshot, "ZHANGSAN"));
}

static void
assert_password (Fixture    *f,
                 const char *account,
                 const char *password,
                 gboolean    expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *person_id = NULL;
  gboolean ok;

  ok = yq_oa_directory_check_password (f->directory, account, password, &person_id, &error);
  g_assert_true (ok == expected);
  if (expected)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (person_id, ==, account);
    }
  else
    {
      g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS);
    }
}

static void
test_csv_password_hash (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *zhang_hash = yq_password_hash ("Zhang-Pass-2024", &error);
  g_autofree char *wang_hash = NULL;
  g_autofree char *text = NULL;
  g_autofree char *exported = NULL;
  const YqOaImportRejection *rejection;
  const char *weak = "pbkdf2-sha256$1000$MDEyMzQ1Njc4OWFiY2RlZg==$"
                     "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=";
  gsize len = 0;

  g_assert_no_error (error);
  wang_hash = yq_password_hash ("Wang-Pass-2024", &error);
  g_assert_no_error (error);

  /* A valid hash sets the password; a bad one rejects its row without
   * repeating the value; an empty cell sets nothing. */
  text = g_strdup_printf ("账号,姓名,部门,password_hash\n"
                          "zhangsan,张三,总部/一部,%s\n"
                          "lisi,李四,总部/一部,Li-Plain-Text-1\n"
                          "zhaoliu,赵六,总部/一部,%s\n"
                          "wangwu,王五,总部/一部,\n",
                          zhang_hash, weak);
  report = import_text (f->store, text);
  g_assert_cmpuint (report->people_added, ==, 2);
  g_assert_cmpuint (report->rejected->len, ==, 2);
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_PASSWORD_HASH], ==, "password_hash");
  assert_rejected (report, 0, 3, "column “password_hash”");
  assert_rejected (report, 1, 4, "column “password_hash”");
  for (guint i = 0; i < report->rejected->len; i++)
    {
      rejection = g_ptr_array_index (report->rejected, i);
      g_assert_null (strstr (rejection->reason, "Li-Plain-Text-1"));
      g_assert_null (strstr (rejection->reason, "MDEyMzQ1"));
      g_assert_null (strstr (rejection->reason, "QUFBQUFB"));
    }
  rejection = g_ptr_array_index (report->rejected, 0);
  g_assert_cmpstr (rejection->account, ==, "lisi");
  g_clear_pointer (&report, yq_oa_import_report_free);

  assert_password (f, "zhangsan", "Zhang-Pass-2024", TRUE);
  assert_password (f, "zhangsan", "Zhang-Pass-2025", FALSE);
  assert_password (f, "wangwu", "", FALSE);

  /* An empty cell keeps a password set another way; the same hash again
   * is no change; the Chinese header works too. */
  g_assert_true (yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (f->directory),
                                                       "wangwu", "Wang-Set-By-Admin", &error));
  g_assert_no_error (error);
  g_free (text);
  text = g_strdup_printf ("账号,姓名,部门,密码哈希\n"
                          "zhangsan,张三,总部/一部,%s\n"
                          "wangwu,王五,总部/一部,\n",
                          zhang_hash);
  report = import_text (f->store, text);
  g_assert_cmpstr (report->columns[YQ_OA_FIELD_PASSWORD_HASH], ==, "密码哈希");
  g_assert_cmpuint (report->people_unchanged, ==, 2);
  g_assert_cmpuint (report->people_updated, ==, 0);
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_clear_pointer (&report, yq_oa_import_report_free);
  assert_password (f, "wangwu", "Wang-Set-By-Admin", TRUE);
  assert_password (f, "zhangsan", "Zhang-Pass-2024", TRUE);

  /* A new hash alone is an update; a dry run only counts it. Accounts
   * match without regard to case. */
  g_free (text);
  text = g_strdup_printf ("账号,姓名,部门,密码哈希\nWANGWU,王五,总部/一部,%s\n", wang_hash);
  report = import_text_full (f->store, text, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->people_updated, ==, 1);
  g_clear_pointer (&report, yq_oa_import_report_free);
  assert_password (f, "wangwu", "Wang-Set-By-Admin", TRUE);

  before = take_snapshot (f->directory);
  report = import_text (f->store, text);
  g_assert_cmpuint (report->people_updated, ==, 1);
  g_clear_pointer (&report, yq_oa_import_report_free);
  assert_password (f, "wangwu", "Wang-Pass-2024", TRUE);
  assert_password (f, "wangwu", "Wang-Set-By-Admin", FALSE);
  /* Only the password changed, not the organisation. */
  assert_unchanged (f->directory, before);

  /* Export never writes hashes. */
  bytes = yq_oa_export_csv (f->store, NULL, &error);
  g_assert_no_error (error);
  exported = g_strndup (g_bytes_get_data (bytes, &len), g_bytes_get_size (bytes));
  g_assert_null (strstr (exported, "pbkdf2"));
  g_assert_null (strstr (exported, "密码"));
  g_assert_null (strstr (exported, "password"));
  g_assert_nonnull (strstr (exported, "wangwu"));
}

static void
test_csv_dry_run (Fixture       *f,
                  gconstpointer  data)
{
  const char *text = "账号,姓名,部门,手机\n"
                     "a,甲,总部/一部/甲科,13800000001\n"
                     "b,乙,总部/二部,bad\n"
                     "c,丙,甲科,\n"
                     "d,丁,总部,\n";
  g_autoptr(YqOaImportReport) dry = NULL;
  g_autoptr(YqOaImportReport) real = NULL;
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(GError) error = NULL;

  dry = import_text (f->store, "账号,姓名,部门\nd,丁,总部\n");
  g_clear_pointer (&dry, yq_oa_import_report_free);
  before = take_snapshot (f->directory);

  dry = import_text_full (f->store, text, NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (dry->dry_run);
  assert_unchanged (f->directory, before);

  real = import_text (f->store, text);
  g_assert_false (real->dry_run);
  /* 一部 and 甲科; 二部 only for a refused row. */
  g_assert_cmpuint (dry->departments_created, ==, 2);
  g_assert_cmpuint (dry->departments_created, ==, real->departments_created);
  g_assert_cmpuint (dry->people_added, ==, 2);
  g_assert_cmpuint (dry->people_added, ==, real->people_added);
  g_assert_cmpuint (dry->people_updated, ==, real->people_updated);
  g_assert_cmpuint (dry->people_unchanged, ==, 1);
  g_assert_cmpuint (dry->people_unchanged, ==, real->people_unchanged);
  g_assert_cmpuint (dry->rejected->len, ==, 1);
  g_assert_cmpuint (dry->rejected->len, ==, real->rejected->len);
  for (guint i = 0; i < dry->created_departments->len; i++)
    g_assert_cmpstr (g_ptr_array_index (dry->created_departments, i), ==,
                     g_ptr_array_index (real->created_departments, i));
}

static void
test_csv_one_transaction (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(GString) text = g_string_new ("账号,姓名,部门,手机\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;

  report = import_text (f->store, "账号,姓名,部门\nexisting,原有,总部/原部门\n");
  g_clear_pointer (&report, yq_oa_import_report_free);
  before = take_snapshot (f->directory);

  /* The database refuses the 150th new person, after departments were
   * created and other people written in the same import. */
  {
    g_autoptr(YqStoreLocker) locker = yq_store_lock (f->store);
    char *message = NULL;

    if (sqlite3_exec (yq_store_get_db (f->store),
                      "CREATE TEMP TRIGGER fail_import BEFORE INSERT ON main.oa_people "
                      "WHEN NEW.account = 'p150' "
                      "BEGIN SELECT RAISE (ABORT, 'injected failure'); END",
                      NULL, NULL, &message) != SQLITE_OK)
      g_error ("%s", message);
  }

  g_string_append (text, "existing,改名,总部/原部门,\n");
  for (guint i = 1; i <= 300; i++)
    g_string_append_printf (text, "p%u,人%u,总部/新部门%u/科,138%08u\n", i, i, i % 7, i);

  report = import_text_full (f->store, text->str, NULL, FALSE, &error);
  g_assert_null (report);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "injected failure"));
  /* The error names the row. */
  g_assert_true (g_str_has_prefix (error->message, "Line 152: "));
  assert_unchanged (f->directory, before);

  /* The department counter went back too. */
  next = add_department (f->directory, yq_org_snapshot_get_root_id (before), "之后", 0);
  g_assert_cmpstr (next, ==, "d3");

  {
    g_autoptr(YqStoreLocker) locker = yq_store_lock (f->store);

    g_assert_cmpint (sqlite3_exec (yq_store_get_db (f->store), "DROP TRIGGER fail_import",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
  }

  g_clear_error (&error);
  report = import_text_full (f->store, text->str, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->people_added, ==, 300);
  g_assert_cmpuint (report->people_updated, ==, 1);
}

/* Export */

static GBytes *
export_csv (YqStore           *store,
            YqOaExportReport **report)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = yq_oa_export_csv (store, report, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);

  return bytes;
}

static void
fill_tricky_directory (YqOaDirectory *directory)
{
  g_autofree char *root = add_department (directory, NULL, "云桥集团", 0);
  g_autofree char *a = add_department (directory, root, "财务处", 2);
  g_autofree char *b = add_department (directory, root, "人事处, 老干部处", 1);
  g_autofree char *c = add_department (directory, a, "研发/测试 \"一\" 科", 0);
  g_autofree char *d = add_department (directory, root, "=待撤销", 3);
  g_autofree char *empty = add_department (directory, root, "无人部门", 4);
  g_autofree char *closed = add_department (directory, root, "已撤销", 5);
  g_autoptr(GError) error = NULL;
  YqOrgPerson *person;

  person = make_person ("zhangsan", "张三", c);
  person->job_number = g_strdup ("007");
  person->mobile = g_strdup ("13800138000");
  person->email = g_strdup ("zhangsan@example.com");
  person->title = g_strdup ("科长, 兼\"出纳\"");
  person->order = 2;
  add_person (directory, person);
  yq_org_person_free (person);

  person = make_person ("lisi", "=HYPERLINK(\"http://evil\")", b);
  person->mobile = g_strdup ("+442079460000");
  person->order = -1;
  add_person (directory, person);
  yq_org_person_free (person);

  person = make_person ("wangwu", "'+王五", a);
  person->active = FALSE;
  person->title = g_strdup ("@前任");
  add_person (directory, person);
  yq_org_person_free (person);

  person = make_person ("Zhaoliu", "赵六", d);
  person->order = 1;
  add_person (directory, person);
  yq_org_person_free (person);

  person = make_person ("qianqi", "钱七", root);
  add_person (directory, person);
  yq_org_person_free (person);

  /* A disabled person whose department was deleted. */
  person = make_person ("former", "前员工", closed);
  person->active = FALSE;
  add_person (directory, person);
  yq_org_person_free (person);
  g_assert_true (yq_oa_directory_delete_department (directory, closed, &error));
  g_assert_no_error (error);
}

static void
test_export_format (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(YqOaExportReport) report = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0;
  const char *raw;

  fill_tricky_directory (f->directory);
  bytes = export_csv (f->store, &report);
  raw = g_bytes_get_data (bytes, &len);
  text = g_strndup (raw, len);

  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF账号,姓名,部门,工号,手机,邮箱,职务,排序,"
                                         "状态\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n"));
  g_assert_cmpuint (report->people, ==, 6);
  g_assert_cmpuint (report->departments, ==, 6);
  g_assert_cmpuint (report->departments_not_written, ==, 1);
  g_assert_cmpuint (g_strv_length (report->ambiguous_paths), ==, 0);

  lines = g_strsplit (text + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 8);
  /* Tree order: the top, then its sub-departments by their order. */
  g_assert_cmpstr (lines[1], ==, "qianqi,钱七,云桥集团,,,,,0,正常");
  g_assert_cmpstr (lines[2], ==,
                   "lisi,\"'=HYPERLINK(\"\"http://evil\"\")\",\"云桥集团/人事处, 老干部处\","
                   ",+442079460000,,,-1,正常");
  g_assert_cmpstr (lines[3], ==, "wangwu,''+王五,云桥集团/财务处,,,,'@前任,0,停用");
  g_assert_cmpstr (lines[4], ==,
                   "zhangsan,张三,\"云桥集团/财务处/研发\\/测试 \"\"一\"\" 科\",007,13800138000,"
                   "zhangsan@example.com,\"科长, 兼\"\"出纳\"\"\",2,正常");
  g_assert_cmpstr (lines[5], ==, "Zhaoliu,赵六,云桥集团/=待撤销,,,,,1,正常");
  g_assert_cmpstr (lines[6], ==, "former,前员工,,,,,,0,停用");
  g_assert_cmpstr (lines[7], ==, "");
}

static void
test_export_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;

  fill_tricky_directory (f->directory);
  before = take_snapshot (f->directory);
  first = export_csv (f->store, NULL);

  /* Into the same directory: nothing changes. */
  g_assert_true (yq_oa_import_csv_bytes (f->store, first, "export.csv", NULL, FALSE, &report,
                                         &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_assert_cmpuint (report->people_unchanged, ==, 6);
  g_assert_cmpuint (report->people_added + report->people_updated, ==, 0);
  g_assert_cmpuint (report->departments_created, ==, 0);
  g_clear_pointer (&report, yq_oa_import_report_free);
  assert_unchanged (f->directory, before);

  /* Into an empty directory: the same people in the same departments,
   * so the export is the same file. */
  {
    g_autoptr(YqStore) store = open_store (f->dir, "copy.db");
    g_autoptr(YqOaDirectory) copy = yq_builtin_oa_directory_new (store);
    g_autoptr(YqOrgSnapshot) snapshot = NULL;

    g_assert_true (yq_oa_import_csv_bytes (store, first, "export.csv", NULL, FALSE, &report,
                                           &error));
    g_assert_no_error (error);
    g_assert_cmpuint (report->rejected->len, ==, 0);
    g_assert_cmpuint (report->people_added, ==, 6);
    g_assert_cmpuint (report->departments_created, ==, 5);

    second = export_csv (store, NULL);
    g_assert_cmpmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first),
                     g_bytes_get_data (second, NULL), g_bytes_get_size (second));

    snapshot = take_snapshot (copy);
    for (guint i = 0; i < yq_org_snapshot_get_n_people (before); i++)
      {
        YqOrgPerson *a = yq_org_snapshot_get_person (before, i);
        YqOrgPerson *b = lookup_person (snapshot, a->id);
        g_autofree char *path_a = a->department_ids[0] != NULL
                                  ? yq_oa_department_path (before, a->department_ids[0]) : NULL;
        g_autofree char *path_b = b->department_ids[0] != NULL
                                  ? yq_oa_department_path (snapshot, b->department_ids[0]) : NULL;

        g_assert_cmpstr (a->name, ==, b->name);
        g_assert_cmpstr (a->job_number, ==, b->job_number);
        g_assert_cmpstr (a->mobile, ==, b->mobile);
        g_assert_cmpstr (a->email, ==, b->email);
        g_assert_cmpstr (a->title, ==, b->title);
        g_assert_cmpint (a->order, ==, b->order);
        g_assert_cmpint (a->active, ==, b->active);
        g_assert_cmpstr (path_a, ==, path_b);
      }
  }
}

static void
test_export_ambiguous (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(YqOaExportReport) report = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *root = add_department (f->directory, NULL, "总部", 0);
  g_autofree char *a = add_department (f->directory, root, "财务处", 0);
  g_autofree char *b = add_department (f->directory, root, "财务处", 1);
  g_autoptr(YqOrgPerson) person = make_person ("p", "甲", b);

  add_person (f->directory, person);
  bytes = export_csv (f->store, &report);
  g_assert_cmpuint (g_strv_length (report->ambiguous_paths), ==, 1);
  g_assert_cmpstr (report->ambiguous_paths[0], ==, "总部/财务处");
  g_assert_cmpuint (report->departments_not_written, ==, 1);
}

/* Size */

static void
test_snapshot_large (Fixture       *f,
                     gconstpointer  data)
{
  const guint n_people = 100000;
  g_autoptr(GString) text = g_string_sized_new (n_people * 64);
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(YqOrgSnapshot) again = NULL;
  g_autoptr(GBytes) exported = NULL;
  gint64 started;
  double import_s, snapshot_s, export_s;

  g_string_append (text, "账号,姓名,部门,工号,手机,邮箱,排序\n");
  for (guint i = 0; i < n_people; i++)
    g_string_append_printf (text, "user%06u,员工%u,集团/事业部%u/处%u,J%06u,1%010u,"
                            "user%06u@example.com,%u\n",
                            i, i, i % 10, i % 1000, i, i, i, i % 50);

  started = g_get_monotonic_time ();
  report = import_text (f->store, text->str);
  import_s = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (report->people_added, ==, n_people);
  g_assert_cmpuint (report->departments_created, ==, 1 + 10 + 1000);

  started = g_get_monotonic_time ();
  snapshot = take_snapshot (f->directory);
  snapshot_s = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (yq_org_snapshot_get_n_people (snapshot), ==, n_people);
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (snapshot), ==, 1011);
  g_assert_cmpstr (lookup_person (snapshot, "user054321")->mobile, ==, "10000054321");

  again = take_snapshot (f->directory);
  assert_snapshots_equal (snapshot, again);

  started = g_get_monotonic_time ();
  exported = export_csv (f->store, NULL);
  export_s = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (g_bytes_get_size (exported), >, n_people * 40);

  g_test_message ("100k people: import %.2f s, snapshot %.3f s, export %.2f s",
                  import_s, snapshot_s, export_s);

  /* A sanity bound, generous for slow machines and sanitizers; the goal
   * is well under a second. */
  g_assert_cmpfloat (snapshot_s, <, 5.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/oa/directory/crud", test_directory_crud);
  ADD ("/oa/directory/errors", test_directory_errors);
  ADD ("/oa/csv/quotes", test_csv_quotes);
  ADD ("/oa/csv/syntax-errors", test_csv_syntax_errors);
  ADD ("/oa/csv/encodings", test_csv_encodings);
  ADD ("/oa/csv/fixtures", test_csv_fixtures);
  ADD ("/oa/csv/aliases", test_csv_aliases);
  ADD ("/oa/csv/mapping", test_csv_mapping);
  ADD ("/oa/csv/missing-column", test_csv_missing_column);
  ADD ("/oa/csv/rejected-rows", test_csv_rejected_rows);
  ADD ("/oa/csv/roots", test_csv_roots);
  ADD ("/oa/csv/department-names", test_csv_department_names);
  ADD ("/oa/csv/upsert", test_csv_upsert);
  ADD ("/oa/csv/password-hash", test_csv_password_hash);
  ADD ("/oa/csv/dry-run", test_csv_dry_run);
  ADD ("/oa/csv/one-transaction", test_csv_one_transaction);
  ADD ("/oa/export/format", test_export_format);
  ADD ("/oa/export/round-trip", test_export_round_trip);
  ADD ("/oa/export/ambiguous", test_export_ambiguous);
  ADD ("/oa/snapshot/large", test_snapshot_large);

#undef ADD

  return g_test_run ();
}
