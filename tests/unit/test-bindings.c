/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Bindings (yq-bindings.h): the filtered list, auto-bind by the binding
 * rule, manual bind and its conflicts, batch unbind and undo, and the
 * association import (preview statuses, one-transaction apply, undo, the
 * rejected-rows report).
 */
#include "config.h"

#include <string.h>

#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"
#include "yunqiao-core.h"

typedef struct
{
  char          *dir;
  YqStore       *store;
  YqSecrets     *secrets;
  YqOaDirectory *oa;
  gint64         connector;
} Fixture;

static void
put_department (Fixture    *f,
                const char *id,
                const char *parent_id,
                const char *name)
{
  g_autoptr(YqOrgDepartment) dept = yq_org_department_new (id, parent_id, name);
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_bridge_directory_put_department (f->store, f->connector, dept, &error));
  g_assert_no_error (error);
}

static void
put_person (Fixture    *f,
            const char *id,
            const char *name,
            const char *departments,
            const char *mobile,
            gboolean    active)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (id, name);
  g_autoptr(GError) error = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_strsplit (departments, ",", -1);
  person->mobile = g_strdup (mobile);
  person->active = active;
  if (g_str_equal (id, "p1"))
    {
      person->email = g_strdup ("zs@example.cn");
      person->job_number = g_strdup ("J001");
      person->account_code = g_strdup ("zhangsan.p");
    }

  g_assert_true (yq_bridge_directory_put_person (f->store, f->connector, person, &error));
  g_assert_no_error (error);
}

static void
add_oa_person (Fixture    *f,
               const char *department,
               const char *account,
               const char *name,
               const char *mobile,
               const char *email)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (account, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department);
  person->mobile = g_strdup (mobile);
  person->email = g_strdup (email);
  result = yq_oa_directory_add_person (f->oa, person, &error);
  g_assert_no_error (error);
}

static void
exec_sql (Fixture    *f,
          const char *sql)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (f->store);
  char *message = NULL;

  if (sqlite3_exec (yq_store_get_db (f->store), sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (f->store);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (f->store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* Every binding column of every bridge row, as text. */
static char *
dump_bindings (Fixture *f)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (f->store);
  GString *text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (f->store),
                                       "SELECT platform_id, coalesce (oa_account, '-'), "
                                       "coalesce (bound_at, -1), coalesce (bind_source, '-'), "
                                       "deleted_at IS NOT NULL FROM bridge_people "
                                       "ORDER BY platform_id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s %s %lld %s %d\n",
                            sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            (long long) sqlite3_column_int64 (stmt, 2),
                            sqlite3_column_text (stmt, 3), sqlite3_column_int (stmt, 4));
  sqlite3_finalize (stmt);

  return g_string_free (text, FALSE);
}

static char *
bound_to (Fixture    *f,
          const char *platform_id)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (f->store);
  sqlite3_stmt *stmt = NULL;
  char *account = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (f->store),
                                       "SELECT oa_account FROM bridge_people "
                                       "WHERE connector_id = ?1 AND platform_id = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, f->connector);
  sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  account = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return account;
}

#define assert_bound(f, id, expected) \
  G_STMT_START { \
    g_autofree char *_account = bound_to ((f), (id)); \
    g_assert_cmpstr (_account, ==, (expected)); \
  } G_STMT_END

/* Platform tree: r 总部 > a 财务处 > a1 预算科, r > b 办公室. People (all
 * with mobiles 1380000000N): p1 in a, p2 in a1, p3 in b (disabled), p4 in
 * b and a, p5..p7 in b, p8 in b without a mobile.
 *
 * OA: zhangsan (…01), lisi (…02), wangwu (…03), zhao1 and zhao2 (both
 * …04), qian (…05), zhou (…07). */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_autoptr(YqOrgDepartment) root = yq_org_department_new ("ignored", NULL, "总部");
  g_autofree char *oa_root = NULL;

  f->dir = g_dir_make_tmp ("yunqiao-bindings-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);

  yq_connector_set_name (connector, "云之家");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app");
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, "s1", "s2", &error));
  g_assert_no_error (error);
  f->connector = yq_connector_get_id (connector);

  put_department (f, "r", NULL, "总部");
  put_department (f, "a", "r", "财务处");
  put_department (f, "a1", "a", "预算科");
  put_department (f, "b", "r", "办公室");
  put_person (f, "p1", "张三", "a", "13800000001", TRUE);
  put_person (f, "p2", "李四", "a1", "13800000002", TRUE);
  put_person (f, "p3", "王五", "b", "13800000003", FALSE);
  put_person (f, "p4", "赵六", "b,a", "13800000004", TRUE);
  put_person (f, "p5", "钱七", "b", "13800000005", TRUE);
  put_person (f, "p6", "孙八", "b", "13800000006", TRUE);
  put_person (f, "p7", "周九", "b", "13800000007", TRUE);
  put_person (f, "p8", "吴十", "b", NULL, TRUE);

  f->oa = yq_builtin_oa_directory_new (f->store);
  oa_root = yq_oa_directory_add_department (f->oa, root, &error);
  g_assert_no_error (error);
  add_oa_person (f, oa_root, "zhangsan", "张三", "13800000001", "ZS@Example.CN");
  add_oa_person (f, oa_root, "lisi", "李四", "13800000002", NULL);
  add_oa_person (f, oa_root, "wangwu", "王五", "13800000003", NULL);
  add_oa_person (f, oa_root, "zhao1", "赵六", "13800000004", NULL);
  add_oa_person (f, oa_root, "zhao2", "赵六", "13800000004", NULL);
  add_oa_person (f, oa_root, "qian", "钱七", "13800000005", NULL);
  add_oa_person (f, oa_root, "zhou", "周九", "13800000007", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->oa);
  g_clear_object (&f->secrets);
  g_clear_object (&f->store);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
manual_bind (Fixture    *f,
             const char *platform_id,
             const char *account)
{
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = yq_bindings_bind (f->store, f->connector, platform_id, account, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
}

/* The platform IDs of the filtered list, space-separated. */
static char *
list_ids (Fixture         *f,
          YqBindingFilter *filter)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  guint count = 0;

  rows = yq_bindings_list (f->store, f->connector, filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const YqBindingRow *row = g_ptr_array_index (rows, i);

      g_string_append_printf (ids, "%s%s", i > 0 ? " " : "", row->platform_id);
    }

  if (filter->limit == 0 && filter->offset == 0)
    {
      g_assert_true (yq_bindings_count (f->store, f->connector, filter, &count, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count, ==, rows->len);
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

#define assert_list(f, filter, expected) \
  G_STMT_START { \
    g_autofree char *_ids = list_ids ((f), (filter)); \
    g_assert_cmpstr (_ids, ==, (expected)); \
  } G_STMT_END

static void
test_list_filters (Fixture       *f,
                   gconstpointer  data)
{
  YqBindingFilter filter = { 0 };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  const YqBindingRow *row;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  manual_bind (f, "p6", "qian");

  assert_list (f, &filter, "p1 p2 p3 p4 p5 p6 p7 p8");

  /* Department scope: the subtree, and any department of a person. */
  filter.department_id = "a";
  assert_list (f, &filter, "p1 p2 p4");
  filter.department_id = "a1";
  assert_list (f, &filter, "p2");
  filter.department_id = "r";
  assert_list (f, &filter, "p1 p2 p3 p4 p5 p6 p7 p8");
  filter.department_id = "nowhere";
  assert_list (f, &filter, "");
  filter.department_id = NULL;

  filter.binding = YQ_BINDING_STATUS_BOUND;
  assert_list (f, &filter, "p6");
  filter.binding = YQ_BINDING_STATUS_UNBOUND;
  assert_list (f, &filter, "p1 p2 p3 p4 p5 p7 p8");
  filter.platform = YQ_PLATFORM_STATUS_DISABLED;
  assert_list (f, &filter, "p3");
  filter.platform = YQ_PLATFORM_STATUS_ACTIVE;
  filter.department_id = "b";
  assert_list (f, &filter, "p4 p5 p7 p8");
  filter = (YqBindingFilter) { 0 };

  /* Search: name, mobile, the bound OA account; LIKE wildcards are text. */
  filter.search = "李";
  assert_list (f, &filter, "p2");
  filter.search = "QIAN";
  assert_list (f, &filter, "p6");
  filter.search = "0000000";
  assert_list (f, &filter, "p1 p2 p3 p4 p5 p6 p7");
  filter.search = "%";
  assert_list (f, &filter, "");
  filter.search = "zs@EXAMPLE";
  assert_list (f, &filter, "p1");
  filter.search = NULL;

  /* Pages. */
  filter.offset = 1;
  filter.limit = 2;
  assert_list (f, &filter, "p2 p3");
  filter = (YqBindingFilter) { 0 };

  /* Added since a time, and by the last sync run that wrote anything (a
   * later preview does not count; no run: nobody). */
  filter.added = YQ_ADDED_STATUS_LAST_SYNC;
  assert_list (f, &filter, "");
  sql = g_strdup_printf ("UPDATE bridge_people SET added_at = %lld; "
                         "UPDATE bridge_people SET added_at = %lld WHERE platform_id = 'p7'; "
                         "INSERT INTO sync_runs (connector_id, direction, state, profile, "
                         "started_at) VALUES (%lld, 'to-oa', 'applied', '{}', %lld); "
                         "INSERT INTO sync_runs (connector_id, direction, state, dry_run, "
                         "profile, started_at) VALUES (%lld, 'from-platform', 'previewed', 1, "
                         "'{}', %lld)",
                         (long long) now - 1000, (long long) now - 5,
                         (long long) f->connector, (long long) now - 10,
                         (long long) f->connector, (long long) now);
  exec_sql (f, sql);
  assert_list (f, &filter, "p7");
  filter.added = YQ_ADDED_STATUS_SINCE;
  filter.added_since = now - 2000;
  assert_list (f, &filter, "p1 p2 p3 p4 p5 p6 p7 p8");
  filter.added_since = now - 100;
  assert_list (f, &filter, "p7");
  filter = (YqBindingFilter) { 0 };

  /* The row: main department, OA name from the built-in directory. */
  filter.search = "孙八";
  rows = yq_bindings_list (f->store, f->connector, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->department_id, ==, "b");
  g_assert_cmpstr (row->department_name, ==, "办公室");
  g_assert_cmpstr (row->oa_account, ==, "qian");
  g_assert_cmpstr (row->oa_name, ==, "钱七");
  g_assert_cmpint (row->bind_source, ==, YQ_BIND_SOURCE_MANUAL);
  g_assert_cmpint (row->bound_at, >, 0);
  g_assert_true (row->active);
}

static gboolean
export_cb (const char * const  *cells,
           gpointer             user_data,
           GError             **error)
{
  GPtrArray *lines = user_data;

  g_ptr_array_add (lines, g_strjoinv ("|", (char **) cells));

  return TRUE;
}

static void
test_export_rows (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  YqBindingFilter filter = { 0 };
  g_auto(GStrv) cells = NULL;

  manual_bind (f, "p4", "zhao2");
  filter.department_id = "a";
  g_assert_true (yq_bindings_export (f->store, f->connector, &filter, export_cb, lines, &error));
  g_assert_no_error (error);

  /* Header and p1, p2, p4; every cell present, IDs and mobiles as text. */
  g_assert_cmpuint (lines->len, ==, 4);
  cells = g_strsplit (g_ptr_array_index (lines, 0), "|", -1);
  g_assert_cmpuint (g_strv_length (cells), ==, YQ_N_BINDING_EXPORT_COLUMNS);
  g_clear_pointer (&cells, g_strfreev);

  cells = g_strsplit (g_ptr_array_index (lines, 1), "|", -1);
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID], ==, "p1");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_DEPARTMENT], ==, "财务处");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_MOBILE], ==, "13800000001");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_ACCOUNT], ==, "zhangsan.p");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT], ==, "");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_BOUND_AT], ==, "");
  g_clear_pointer (&cells, g_strfreev);

  cells = g_strsplit (g_ptr_array_index (lines, 3), "|", -1);
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID], ==, "p4");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_DEPARTMENT], ==, "办公室");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT], ==, "zhao2");
  g_assert_cmpstr (cells[YQ_BINDING_EXPORT_COLUMN_OA_NAME], ==, "赵六");
  g_assert_cmpuint (strlen (cells[YQ_BINDING_EXPORT_COLUMN_BOUND_AT]), ==, 19);
}

static void
test_auto_bind (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(YqBindingResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *p6_before = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sql = NULL;

  /* p6 holds qian by hand, so p5's match conflicts; p4 has two matches. */
  manual_bind (f, "p6", "qian");
  exec_sql (f, "UPDATE bridge_people SET bound_at = 1234 WHERE platform_id = 'p6'");

  before = dump_bindings (f);
  result = yq_bindings_auto_bind (f->store, f->connector, f->oa, &error);
  g_assert_no_error (error);

  /* p1, p2 and p7 bound by the rule (mobile = mobile); p3 is disabled and
   * p8 has no mobile. */
  g_assert_cmpuint (result->changes->len, ==, 3);
  g_assert_cmpint (result->change_id, >, 0);
  assert_bound (f, "p1", "zhangsan");
  assert_bound (f, "p2", "lisi");
  assert_bound (f, "p7", "zhou");
  assert_bound (f, "p3", NULL);
  assert_bound (f, "p4", NULL);
  assert_bound (f, "p5", NULL);
  assert_bound (f, "p8", NULL);
  g_assert_cmpuint (result->n_ambiguous, ==, 1);
  g_assert_cmpuint (result->n_conflicting, ==, 1);
  g_assert_cmpuint (result->n_unmatched, ==, 1);
  g_assert_cmpuint (result->skipped->len, ==, 2);

  /* The already bound one was not touched. */
  g_assert_cmpint (query_int (f, "SELECT bound_at FROM bridge_people WHERE platform_id = 'p6'"),
                   ==, 1234);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM bridge_people "
                                 "WHERE bind_source = 'rule'"), ==, 3);
  sql = g_strdup_printf ("SELECT count(*) FROM binding_changes WHERE change_id = %lld "
                         "AND kind = 'auto' AND old_oa_account IS NULL",
                         (long long) result->change_id);
  g_assert_cmpint (query_int (f, sql), ==, 3);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit_log "
                                 "WHERE action = 'bindings.auto'"), ==, 1);

  /* Again: nothing left to bind, no change set. */
  again = yq_bindings_auto_bind (f->store, f->connector, f->oa, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->changes->len, ==, 0);
  g_assert_cmpint (again->change_id, ==, 0);
  g_assert_cmpuint (again->n_ambiguous, ==, 1);

  /* Undo restores the state before. */
  g_clear_pointer (&again, yq_binding_result_free);
  again = yq_bindings_undo (f->store, result->change_id, &error);
  g_assert_no_error (error);
  after = dump_bindings (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_manual_bind (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  manual_bind (f, "p6", "qian");

  /* Taken (account compared without case): the error names the holder. */
  result = yq_bindings_bind (f->store, f->connector, "p1", "QIAN", &error);
  g_assert_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_ACCOUNT_TAKEN);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "孙八"));
  g_assert_nonnull (strstr (error->message, "p6"));
  g_clear_error (&error);
  assert_bound (f, "p1", NULL);

  result = yq_bindings_bind (f->store, f->connector, "nobody", "zhou", &error);
  g_assert_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  result = yq_bindings_bind (f->store, f->connector, "p1", "  ", &error);
  g_assert_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_INVALID);
  g_clear_error (&error);

  /* The same binding again changes nothing. */
  result = yq_bindings_bind (f->store, f->connector, "p6", "qian", &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->change_id, ==, 0);
  g_clear_pointer (&result, yq_binding_result_free);

  /* Rebinding replaces; unbinding then undoing restores it exactly. */
  exec_sql (f, "UPDATE bridge_people SET bound_at = 99, bind_source = 'rule' "
               "WHERE platform_id = 'p6'");
  before = dump_bindings (f);
  result = yq_bindings_unbind (f->store, f->connector, "p6", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->changes->len, ==, 1);
  assert_bound (f, "p6", NULL);
  {
    g_autoptr(YqBindingResult) undo = yq_bindings_undo (f->store, result->change_id, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (undo->changes->len, ==, 1);
  }
  after = dump_bindings (f);
  g_assert_cmpstr (after, ==, before);

  g_clear_pointer (&result, yq_binding_result_free);
  result = yq_bindings_bind (f->store, f->connector, "p6", "zhou", &error);
  g_assert_no_error (error);
  assert_bound (f, "p6", "zhou");
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM bridge_people WHERE platform_id = 'p6' "
                                 "AND bind_source = 'manual'"), ==, 1);
}

static void
test_unbind_all_undo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(YqBindingResult) undo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *sql = NULL;
  guint n_bound = 0;

  /* Bindings of every source and time, and a bound tombstone (p8). */
  manual_bind (f, "p1", "zhangsan");
  manual_bind (f, "p2", "lisi");
  manual_bind (f, "p3", "wangwu");
  manual_bind (f, "p6", "qian");
  manual_bind (f, "p8", "zhou");
  exec_sql (f, "UPDATE bridge_people SET bound_at = 100, bind_source = 'rule' "
               "WHERE platform_id = 'p1'; "
               "UPDATE bridge_people SET bound_at = 200, bind_source = 'import' "
               "WHERE platform_id = 'p2'; "
               "UPDATE bridge_people SET bound_at = 300, bind_source = 'sync' "
               "WHERE platform_id = 'p3'; "
               "UPDATE bridge_people SET oa_account = 'QIAN' WHERE platform_id = 'p6'");
  g_assert_true (yq_bridge_directory_delete_person (f->store, f->connector, "p8", &error));
  g_assert_no_error (error);
  before = dump_bindings (f);

  result = yq_bindings_unbind_all (f->store, f->connector, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->changes->len, ==, 4);
  g_assert_true (yq_bridge_directory_count (f->store, f->connector, NULL, NULL, &n_bound,
                                            &error));
  g_assert_cmpuint (n_bound, ==, 0);
  /* The tombstone keeps its binding until a sync carries the deletion. */
  assert_bound (f, "p8", "zhou");
  sql = g_strdup_printf ("SELECT count(*) FROM binding_changes WHERE change_id = %lld "
                         "AND kind = 'unbind-all' AND new_oa_account IS NULL "
                         "AND old_oa_account IS NOT NULL", (long long) result->change_id);
  g_assert_cmpint (query_int (f, sql), ==, 4);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit_log "
                                 "WHERE action = 'bindings.unbind-all' "
                                 "AND detail LIKE '%4 binding(s) changed%'"), ==, 1);

  undo = yq_bindings_undo (f->store, result->change_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undo->changes->len, ==, 4);
  g_assert_cmpuint (undo->skipped->len, ==, 0);
  after = dump_bindings (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit_log "
                                 "WHERE action = 'bindings.undo'"), ==, 1);

  /* The history, newest first. */
  {
    g_autoptr(GPtrArray) history = yq_bindings_history (f->store, f->connector, 2, &error);
    const YqBindingChangeSet *set;

    g_assert_no_error (error);
    g_assert_cmpuint (history->len, ==, 2);
    set = g_ptr_array_index (history, 0);
    g_assert_cmpstr (set->kind, ==, "undo");
    g_assert_cmpint (set->id, ==, undo->change_id);
    g_assert_cmpint (set->undo_of, ==, result->change_id);
    g_assert_cmpuint (set->n_changes, ==, 4);
    set = g_ptr_array_index (history, 1);
    g_assert_cmpstr (set->kind, ==, "unbind-all");
    g_assert_cmpint (set->undone_by, ==, undo->change_id);
    g_assert_cmpuint (set->n_changes, ==, 4);
  }

  /* Once only. */
  g_clear_pointer (&undo, yq_binding_result_free);
  undo = yq_bindings_undo (f->store, result->change_id, &error);
  g_assert_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_ALREADY_UNDONE);
  g_clear_error (&error);
  undo = yq_bindings_undo (f->store, 9999, &error);
  g_assert_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_undo_conflicts (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(YqBindingResult) undo = NULL;
  g_autoptr(GError) error = NULL;

  manual_bind (f, "p1", "zhangsan");
  manual_bind (f, "p2", "lisi");
  manual_bind (f, "p6", "qian");
  result = yq_bindings_unbind_all (f->store, f->connector, &error);
  g_assert_no_error (error);

  /* Since then: p1 re-bound to someone else, lisi taken by p3. */
  manual_bind (f, "p1", "zhou");
  manual_bind (f, "p3", "lisi");

  undo = yq_bindings_undo (f->store, result->change_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undo->changes->len, ==, 1);
  g_assert_cmpuint (undo->skipped->len, ==, 2);
  assert_bound (f, "p1", "zhou");
  assert_bound (f, "p2", NULL);
  assert_bound (f, "p3", "lisi");
  assert_bound (f, "p6", "qian");
}

/* Rows for a mobile import; see fixture_setup() for who is who. */
static GPtrArray *
make_import_rows (void)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_binding_import_row_free);
  const struct { const char *platform_id, *key; } input[] = {
    { "p1", "+86 138-0000-0001" },  /* 2: will bind zhangsan */
    { "p2", "13800000002" },        /* 3: already bound to lisi */
    { "p5", "13800000005" },        /* 4: qian is bound to p6 */
    { "p6", "13800000003" },        /* 5: p6 is bound to qian */
    { "p404", "13800000003" },      /* 6: no such platform person */
    { "p8", "13900000000" },        /* 7: no such OA person */
    { "p4", "13800000004" },        /* 8: zhao1 and zhao2 */
    { "p3", "" },                   /* 9: empty */
    { "p3", "138abc" },             /* 10: malformed */
    { "p1", "13800000003" },        /* 11: p1 again */
    { NULL, "0086 13800000007" },   /* 12: p7 by mobile, will bind zhou */
    { "p3", "13800000003" },        /* 13: will bind wangwu */
  };

  for (guint i = 0; i < G_N_ELEMENTS (input); i++)
    {
      g_autofree char *note = g_strdup_printf ("note %u, \"quoted\"", i + 2);
      const char *cells[] = { input[i].platform_id ? input[i].platform_id : "", input[i].key,
                              note, NULL };

      g_ptr_array_add (rows, yq_binding_import_row_new (i + 2, input[i].platform_id,
                                                        input[i].key, cells));
    }

  return rows;
}

static YqBindingImportPreview *
preview_rows (Fixture *f)
{
  g_autoptr(GPtrArray) rows = make_import_rows ();
  g_autoptr(GError) error = NULL;
  YqBindingImportPreview *preview;

  preview = yq_bindings_import_preview (f->store, f->connector, f->oa, YQ_BINDING_KEY_MOBILE,
                                        rows, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 0);

  return preview;
}

static void
test_import_preview (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(YqBindingImportPreview) preview = NULL;
  const YqBindingImportStatus expected[] = {
    YQ_BINDING_IMPORT_WILL_BIND, YQ_BINDING_IMPORT_ALREADY_BOUND,
    YQ_BINDING_IMPORT_BOUND_TO_OTHER, YQ_BINDING_IMPORT_BOUND_TO_OTHER,
    YQ_BINDING_IMPORT_NOT_FOUND, YQ_BINDING_IMPORT_NOT_FOUND, YQ_BINDING_IMPORT_AMBIGUOUS,
    YQ_BINDING_IMPORT_INVALID, YQ_BINDING_IMPORT_INVALID, YQ_BINDING_IMPORT_INVALID,
    YQ_BINDING_IMPORT_WILL_BIND, YQ_BINDING_IMPORT_WILL_BIND,
  };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const YqBindingImportItem *item;

  manual_bind (f, "p2", "lisi");
  manual_bind (f, "p6", "qian");
  before = dump_bindings (f);

  preview = preview_rows (f);
  g_assert_cmpuint (preview->items->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      item = g_ptr_array_index (preview->items, i);
      if (item->status != expected[i])
        g_error ("row %u: status %d, expected %d (%s)", item->row->row_number, item->status,
                 expected[i], item->message);
      g_assert_nonnull (item->message);
      g_assert_cmpstr (item->message, !=, "");
    }

  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_WILL_BIND], ==, 3);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_ALREADY_BOUND], ==, 1);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_BOUND_TO_OTHER], ==, 2);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_NOT_FOUND], ==, 2);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_AMBIGUOUS], ==, 1);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_INVALID], ==, 3);

  item = g_ptr_array_index (preview->items, 0);
  g_assert_cmpstr (item->oa_account, ==, "zhangsan");
  g_assert_cmpstr (item->platform_name, ==, "张三");
  item = g_ptr_array_index (preview->items, 2);
  g_assert_nonnull (strstr (item->message, "孙八"));
  item = g_ptr_array_index (preview->items, 9);
  g_assert_nonnull (strstr (item->message, "2"));
  item = g_ptr_array_index (preview->items, 10);
  g_assert_cmpstr (item->platform_id, ==, "p7");
  g_assert_cmpstr (item->oa_account, ==, "zhou");

  /* A preview writes nothing. */
  after = dump_bindings (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_import_key_fields (Fixture       *f,
                        gconstpointer  data)
{
  const struct { YqBindingKeyField field; const char *key; const char *account; } cases[] = {
    { YQ_BINDING_KEY_EMAIL, " zs@EXAMPLE.cn ", "zhangsan" },
    { YQ_BINDING_KEY_ACCOUNT, "ZhangSan", "zhangsan" },
    { YQ_BINDING_KEY_MOBILE, "8613800000001", "zhangsan" },
  };
  g_autofree char *norm = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) rows = g_ptr_array_new ();
      g_autoptr(YqBindingImportPreview) preview = NULL;
      g_autoptr(GError) error = NULL;
      const YqBindingImportItem *item;

      g_ptr_array_add (rows, yq_binding_import_row_new (2, "p1", cases[i].key, NULL));
      preview = yq_bindings_import_preview (f->store, f->connector, f->oa, cases[i].field,
                                            rows, &error);
      g_assert_no_error (error);
      item = g_ptr_array_index (preview->items, 0);
      g_assert_cmpint (item->status, ==, YQ_BINDING_IMPORT_WILL_BIND);
      g_assert_cmpstr (item->oa_account, ==, cases[i].account);
    }

  norm = yq_binding_key_normalize (YQ_BINDING_KEY_MOBILE, "+86 (138) 0013-8000");
  g_assert_cmpstr (norm, ==, "13800138000");
  g_clear_pointer (&norm, g_free);
  norm = yq_binding_key_normalize (YQ_BINDING_KEY_MOBILE, "86-571-1234567");
  g_assert_cmpstr (norm, ==, "865711234567");
  g_clear_pointer (&norm, g_free);
  g_assert_null (yq_binding_key_normalize (YQ_BINDING_KEY_EMAIL, "no-at-sign"));
  g_assert_null (yq_binding_key_normalize (YQ_BINDING_KEY_EMAIL, "a@b@c"));
  g_assert_null (yq_binding_key_normalize (YQ_BINDING_KEY_JOB_NUMBER, "   "));
}

static void
test_import_apply_undo (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqBindingImportPreview) preview = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(YqBindingResult) undo = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  manual_bind (f, "p2", "lisi");
  manual_bind (f, "p6", "qian");
  before = dump_bindings (f);

  preview = preview_rows (f);
  result = yq_bindings_import_apply (f->store, preview, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->changes->len, ==, 3);

  /* Only the WILL_BIND rows. */
  assert_bound (f, "p1", "zhangsan");
  assert_bound (f, "p7", "zhou");
  assert_bound (f, "p3", "wangwu");
  assert_bound (f, "p2", "lisi");
  assert_bound (f, "p6", "qian");
  assert_bound (f, "p4", NULL);
  assert_bound (f, "p5", NULL);
  assert_bound (f, "p8", NULL);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM bridge_people "
                                 "WHERE bind_source = 'import'"), ==, 3);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM binding_change_sets "
                                 "WHERE kind = 'import' AND n_changes = 3"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit_log "
                                 "WHERE action = 'bindings.import'"), ==, 1);

  undo = yq_bindings_undo (f->store, result->change_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undo->changes->len, ==, 3);
  after = dump_bindings (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_import_apply_atomic (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqBindingImportPreview) preview = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  manual_bind (f, "p2", "lisi");
  manual_bind (f, "p6", "qian");
  preview = preview_rows (f);

  /* After the preview the second WILL_BIND row's account (zhou, row 12) is
   * taken: the first row (p1) is written before the failure, and must be
   * rolled back with everything else. */
  manual_bind (f, "p8", "zhou");
  before = dump_bindings (f);

  result = yq_bindings_import_apply (f->store, preview, &error);
  g_assert_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_STALE);
  g_assert_null (result);
  g_assert_nonnull (strstr (error->message, "12"));
  g_assert_nonnull (strstr (error->message, "吴十"));

  after = dump_bindings (f);
  g_assert_cmpstr (after, ==, before);
  assert_bound (f, "p1", NULL);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM binding_change_sets "
                                 "WHERE kind = 'import'"), ==, 0);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM binding_changes "
                                 "WHERE kind = 'import'"), ==, 0);
}

static void
test_rejected_csv (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(YqBindingImportPreview) preview = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *saved = NULL;
  g_auto(GStrv) lines = NULL;
  const char *header[] = { "平台ID", "手机", "备注", NULL };
  gsize length = 0;
  gsize saved_length = 0;

  manual_bind (f, "p2", "lisi");
  manual_bind (f, "p6", "qian");
  preview = preview_rows (f);
  preview->header = g_strdupv ((char **) header);

  csv = yq_binding_import_rejected_csv (preview, &length);
  g_assert_cmpuint (length, ==, strlen (csv));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  g_assert_true (g_utf8_validate (csv, -1, NULL));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));

  /* Header and the 8 rejected rows (not the will-bind or already-bound). */
  lines = g_strsplit (csv + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 8 + 1);
  g_assert_true (g_str_has_suffix (lines[0], ",平台ID,手机,备注"));
  g_assert_true (g_str_has_prefix (lines[1], "4,"));
  g_assert_true (g_str_has_suffix (lines[1], ",p5,13800000005,\"note 4, \"\"quoted\"\"\""));
  g_assert_true (g_str_has_prefix (lines[8], "11,"));
  for (guint i = 1; i <= 8; i++)
    {
      g_assert_false (g_str_has_prefix (lines[i], "2,"));
      g_assert_false (g_str_has_prefix (lines[i], "3,"));
      g_assert_false (g_str_has_prefix (lines[i], "12,"));
    }

  file = g_file_new_build_filename (f->dir, "rejected.csv", NULL);
  g_assert_true (yq_binding_import_write_rejected (preview, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_load_contents (file, NULL, &saved, &saved_length, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (saved, saved_length, csv, length);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/bindings/list/filters", test_list_filters);
  ADD ("/bindings/list/export-rows", test_export_rows);
  ADD ("/bindings/auto-bind", test_auto_bind);
  ADD ("/bindings/manual", test_manual_bind);
  ADD ("/bindings/unbind-all/undo", test_unbind_all_undo);
  ADD ("/bindings/undo/conflicts", test_undo_conflicts);
  ADD ("/bindings/import/preview", test_import_preview);
  ADD ("/bindings/import/key-fields", test_import_key_fields);
  ADD ("/bindings/import/apply-undo", test_import_apply_undo);
  ADD ("/bindings/import/apply-atomic", test_import_apply_atomic);
  ADD ("/bindings/import/rejected-csv", test_rejected_csv);

#undef ADD

  return g_test_run ();
}
