/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yq-store.h"
#include "yq-store-private.h"
#include "yq-sync-runs.h"
#include "yq-test-fs.h"

/* Helpers */

typedef struct
{
  char *dir;
  char *db_path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yq-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "yunqiao.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static void
assert_only_file_in_dir (const char *dir,
                         const char *name)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint n = 0;

  g_assert_nonnull (d);
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_assert_cmpstr (entry, ==, name);
      n++;
    }
  g_assert_cmpuint (n, ==, 1);
}

static void
assert_table_exists (YqStore    *store,
                     const char *table)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '%s'",
                         table);
  g_assert_cmpint (raw_int (yq_store_get_db (store), sql), ==, 1);
}

/* Tests */

static void
test_migrate_from_empty (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autofree char *nested_dir = g_build_filename (f->dir, "a", "b", NULL);
  g_autofree char *mode = NULL;
  GStatBuf st;
  sqlite3 *db;

  /* The migration list comes from the resource: at least the two of this
   * issue, numbered from 1 without gaps (checked in the store). */
  g_assert_cmpint (yq_store_get_latest_schema_version (), >=, 2);

  store = yq_store_open_in_dir (nested_dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  g_assert_cmpint (g_stat (nested_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (yq_store_get_path (store), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_cmpint (yq_store_get_schema_version (store), ==, yq_store_get_latest_schema_version ());
  g_assert_true (g_str_has_suffix (yq_store_get_path (store), "/a/b/yunqiao.db"));
  g_assert_cmpstr (yq_store_get_data_dir (store), ==, nested_dir);

  db = yq_store_get_db (store);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, yq_store_get_latest_schema_version ());
  g_assert_cmpint (raw_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (raw_int (db, "PRAGMA application_id"), !=, 0);
  mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");

  assert_table_exists (store, "connectors");
  assert_table_exists (store, "settings");
  assert_table_exists (store, "audit_log");
}

/* Writes rows that only exist from @version on, through the raw connection as
 * code of that version would. */
static void
write_data_for_version (YqStore *store,
                        int      version)
{
  sqlite3 *db = yq_store_get_db (store);

  if (version >= 1)
    raw_exec (db,
              "INSERT INTO connectors (kind, preset, name, tenant_id, api_base, app_key, "
              "directory_readonly, qps, created_at, updated_at) VALUES ('yzj', 'yzj-public', "
              "'Old connector', '12345', 'https://www.yunzhijia.com', 'app1', 1, 10, 100, 200)");
  if (version >= 1)
    {
      /* A deleted connector: its ID is not handed out again. */
      raw_exec (db,
                "INSERT INTO connectors (kind, preset, name, tenant_id, api_base, app_key, "
                "directory_readonly, qps, created_at, updated_at) VALUES ('yzj', 'yzj-public', "
                "'Deleted connector', '6', 'https://www.yunzhijia.com', 'app2', 1, 10, 100, 200)");
      raw_exec (db, "DELETE FROM connectors WHERE tenant_id = '6'");
    }
  if (version >= 2)
    {
      g_autoptr(GError) error = NULL;

      yq_store_set_setting (store, "external-address", "https://old.example.com", &error);
      g_assert_no_error (error);
      yq_store_audit (store, "tester", "test.old", "subject", "detail", &error);
      g_assert_no_error (error);
    }
  if (version >= 4)
    {
      raw_exec (db,
                "INSERT INTO sync_runs (id, connector_id, direction, state, confirmed, profile, "
                "counts, n_ops, n_done, source_people, started_at, finished_at) VALUES (7, "
                "(SELECT id FROM connectors WHERE tenant_id = '12345'), 'to-oa', 'applied', 1, "
                "'{}', '{\"create-person\":1}', 1, 1, 3, 300, 301)");
      raw_exec (db,
                "INSERT INTO sync_operations (run_id, seq, kind, op, state) "
                "VALUES (7, 0, 'create-person', '{}', 'done')");
    }
}

static void
check_data_for_version (YqStore *store,
                        int      version)
{
  sqlite3 *db = yq_store_get_db (store);

  if (version >= 1)
    {
      g_autofree char *name = NULL;

      name = raw_text (db, "SELECT name FROM connectors WHERE tenant_id = '12345'");

      g_assert_cmpstr (name, ==, "Old connector");
      g_assert_cmpint (raw_int (db, "SELECT updated_at FROM connectors"), ==, 200);
      g_assert_cmpint (raw_int (db, "SELECT qps FROM connectors"), ==, 10);
      g_assert_cmpint (raw_int (db, "SELECT seq FROM sqlite_sequence WHERE name = 'connectors'"),
                       ==, 2);
      g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
    }
  if (version >= 2)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = yq_store_get_setting (store, "external-address", &error);

      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, "https://old.example.com");
      g_assert_cmpint (raw_int (db, "SELECT count(*) FROM audit_log WHERE action = 'test.old'"),
                       ==, 1);
    }
  if (version >= 4)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(YqSyncRunRecord) run = yq_sync_runs_get (store, 7, &error);

      /* Runs from before previews were recorded are applies, with their
       * journal and their place in the ID sequence. */
      g_assert_no_error (error);
      g_assert_cmpint (run->state, ==, YQ_SYNC_RUN_APPLIED);
      g_assert_false (run->dry_run);
      g_assert_true (run->confirmed);
      g_assert_cmpuint (run->n_done, ==, 1);
      g_assert_cmpint (run->finished_at, ==, 301);
      g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sync_operations WHERE run_id = 7"),
                       ==, 1);
      g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
      g_assert_cmpint (raw_int (db, "SELECT seq FROM sqlite_sequence WHERE name = 'sync_runs'"),
                       ==, 7);
      g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE "
                                    "name = 'sync_runs_connector'"), ==, 1);
    }
}

static void
test_migrate_from_every_version (Fixture       *f,
                                 gconstpointer  data)
{
  int latest = yq_store_get_latest_schema_version ();

  for (int version = 0; version < latest; version++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autofree char *name = g_strdup_printf ("v%d.db", version);

      path = g_build_filename (f->dir, name, NULL);

      {
        g_autoptr(YqStore) old = yq_store_open_at_version (path, version, &error);

        g_assert_no_error (error);
        g_assert_cmpint (yq_store_get_schema_version (old), ==, version);
        g_assert_cmpint (raw_int (yq_store_get_db (old), "PRAGMA user_version"), ==, version);
        write_data_for_version (old, version);
      }

      {
        g_autoptr(YqStore) store = yq_store_open (path, &error);

        g_assert_no_error (error);
        g_assert_cmpint (yq_store_get_schema_version (store), ==, latest);
        check_data_for_version (store, version);

        /* And the upgraded database takes new data. */
        raw_exec (yq_store_get_db (store),
                  "INSERT INTO connectors (kind, preset, name, tenant_id, api_base, app_key, "
                  "directory_readonly, qps, created_at, updated_at) VALUES ('zwdd', 'zwdd-zj', "
                  "'New connector', '1', 'https://openplatform-pro.ding.zj.gov.cn', 'k', 0, "
                  "10000, 1, 1)");
        if (version >= 1)
          g_assert_cmpint (raw_int (yq_store_get_db (store),
                                    "SELECT id FROM connectors WHERE name = 'New connector'"),
                           ==, 3);
        g_assert_true (yq_store_audit (store, NULL, "test.new", NULL, NULL, &error));
        g_assert_no_error (error);
      }
    }
}

static goffset
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

/* With checkpoints in the background, the committing connection never
 * copies the WAL into the database itself: the checkpointer does, once
 * the WAL has grown past SQLite's usual threshold. */
static void
test_background_checkpoints (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = yq_store_open (f->db_path, &error);
  g_autofree char *wal_path = g_strconcat (f->db_path, "-wal", NULL);
  sqlite3 *db;
  goffset initial;
  gint64 deadline;

  g_assert_no_error (error);
  db = yq_store_get_db (store);
  yq_store_checkpoint_in_background (store);
  raw_exec (db, "CREATE TABLE filler (data BLOB)");

  /* Below the threshold: nothing to do yet. */
  for (guint i = 0; i < 10; i++)
    raw_exec (db, "INSERT INTO filler VALUES (zeroblob (100000))");
  g_usleep (100 * 1000);
  g_assert_cmpuint (yq_store_get_n_checkpoints (store), ==, 0);
  initial = file_size (f->db_path);

  /* About 1,500 pages: the checkpointer copies them. */
  for (guint i = 0; i < 50; i++)
    raw_exec (db, "INSERT INTO filler VALUES (zeroblob (100000))");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (file_size (f->db_path) < initial + 5000000 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (yq_store_get_n_checkpoints (store), >, 0);
  g_assert_cmpint (file_size (f->db_path), >=, initial + 5000000);

  /* Writes in bursts, 25 MB in all: between them the checkpointer
   * copies the WAL and it starts over, instead of growing. */
  for (guint round = 0; round < 5; round++)
    {
      for (guint i = 0; i < 50; i++)
        raw_exec (db, "INSERT INTO filler VALUES (zeroblob (100000))");
      raw_exec (db, "DELETE FROM filler");
      g_usleep (100 * 1000);
    }
  g_assert_cmpint (file_size (wal_path), <, 25000000);

  /* Writes without a pause, 200 MB: the committing thread finishes the
   * checkpoint itself once the WAL passes 4,000 pages (16 MB), as soon
   * as a background pass that is under way has ended. What is written
   * meanwhile depends on the machine's load; the WAL stays far below
   * what was written. */
  for (guint round = 0; round < 40; round++)
    {
      for (guint i = 0; i < 50; i++)
        raw_exec (db, "INSERT INTO filler VALUES (zeroblob (100000))");
      raw_exec (db, "DELETE FROM filler");
    }
  g_test_message ("WAL after the flood: %" G_GOFFSET_FORMAT " bytes", file_size (wal_path));
  g_assert_cmpint (file_size (wal_path), <, 80000000);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM filler"), ==, 0);
}

static void
test_reopen_keeps_data (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  {
    g_autoptr(YqStore) store = yq_store_open (f->db_path, &error);

    g_assert_no_error (error);
    g_assert_true (yq_store_set_setting (store, "external-address", "https://a.example", &error));
    g_assert_no_error (error);
    g_assert_true (yq_store_set_setting (store, "to-remove", "x", &error));
    g_assert_true (yq_store_set_setting (store, "to-remove", NULL, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(YqStore) store = yq_store_open (f->db_path, &error);
    g_autofree char *removed = NULL;

    g_assert_no_error (error);
    value = yq_store_get_setting (store, "external-address", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "https://a.example");

    removed = yq_store_get_setting (store, "to-remove", &error);
    g_assert_no_error (error);
    g_assert_null (removed);
  }
}

static void
test_data_dir (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autofree char *expected = NULL;

  g_setenv ("YUNQIAO_DATA_DIR", f->dir, TRUE);
  g_assert_cmpstr (yq_data_dir (), ==, f->dir);

  store = yq_store_open_in_dir (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_store_get_path (store), ==, f->db_path);

  g_unsetenv ("YUNQIAO_DATA_DIR");
  expected = g_build_filename (g_get_user_data_dir (), "yunqiao", NULL);
  g_assert_cmpstr (yq_data_dir (), ==, expected);
}

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean inside;
  gboolean release;
  gboolean committed;
  YqStore *store;
} Holder;

static gboolean
hold_transaction_cb (YqStore  *store,
                     gpointer  user_data,
                     GError  **error)
{
  Holder *h = user_data;

  if (!yq_store_set_setting (store, "holder", "written", error))
    return FALSE;

  g_mutex_lock (&h->mutex);
  h->inside = TRUE;
  g_cond_broadcast (&h->cond);
  while (!h->release)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);

  return TRUE;
}

static gpointer
holder_thread (gpointer user_data)
{
  Holder *h = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = yq_store_transaction (h->store, hold_transaction_cb, h, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_mutex_lock (&h->mutex);
  h->committed = TRUE;
  g_mutex_unlock (&h->mutex);

  return NULL;
}

static void
holder_wait_inside (Holder *h)
{
  g_mutex_lock (&h->mutex);
  while (!h->inside)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);
}

static void
holder_release (Holder *h)
{
  g_mutex_lock (&h->mutex);
  h->release = TRUE;
  g_cond_broadcast (&h->cond);
  g_mutex_unlock (&h->mutex);
}

static gpointer
release_later_thread (gpointer user_data)
{
  g_usleep (G_USEC_PER_SEC / 4);
  holder_release (user_data);
  return NULL;
}

typedef struct
{
  char *seen;
} Reader;

static gboolean
read_in_transaction_cb (YqStore  *store,
                        gpointer  user_data,
                        GError  **error)
{
  Reader *r = user_data;
  g_autoptr(GError) local_error = NULL;

  r->seen = yq_store_get_setting (store, "holder", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return yq_store_set_setting (store, "second", "written", error);
}

static void
test_two_connections (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) a = NULL;
  g_autoptr(YqStore) b = NULL;
  g_autofree char *value = NULL;
  GThread *thread;
  GThread *releaser;
  Holder h = { 0 };
  Reader r = { 0 };
  gint64 start;
  gboolean ok;

  a = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);
  b = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);

  /* A plain write in one connection is visible in the other. */
  g_assert_true (yq_store_set_setting (a, "plain", "from-a", &error));
  g_assert_no_error (error);
  value = yq_store_get_setting (b, "plain", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "from-a");

  /* While A holds a write transaction, B's transaction waits for it (busy
   * handler and retry) and then sees A's committed write. */
  g_mutex_init (&h.mutex);
  g_cond_init (&h.cond);
  h.store = a;
  thread = g_thread_new ("holder", holder_thread, &h);
  holder_wait_inside (&h);

  /* Uncommitted data is invisible to the other connection. */
  g_clear_pointer (&value, g_free);
  value = yq_store_get_setting (b, "holder", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  releaser = g_thread_new ("releaser", release_later_thread, &h);
  start = g_get_monotonic_time ();
  ok = yq_store_transaction (b, read_in_transaction_cb, &r, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC / 5);
  g_assert_cmpstr (r.seen, ==, "written");
  g_thread_join (releaser);
  g_thread_join (thread);
  g_assert_true (h.committed);

  g_clear_pointer (&value, g_free);
  value = yq_store_get_setting (a, "second", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "written");

  g_free (r.seen);
  g_mutex_clear (&h.mutex);
  g_cond_clear (&h.cond);
}

static void
test_busy_timeout (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) a = NULL;
  g_autoptr(YqStore) b = NULL;
  g_autofree char *value = NULL;
  GThread *thread;
  Holder h = { 0 };
  Reader r = { 0 };
  gboolean ok;

  a = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);
  b = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);
  yq_store_set_busy_timeout (b, 50);

  g_mutex_init (&h.mutex);
  g_cond_init (&h.cond);
  h.store = a;
  thread = g_thread_new ("holder", holder_thread, &h);
  holder_wait_inside (&h);

  ok = yq_store_transaction (b, read_in_transaction_cb, &r, &error);
  g_assert_false (ok);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, f->db_path));
  g_assert_null (r.seen);

  holder_release (&h);
  g_thread_join (thread);

  /* B is usable again once A is done; nothing of the failed attempt landed. */
  value = yq_store_get_setting (b, "second", NULL);
  g_assert_null (value);
  value = yq_store_get_setting (b, "holder", NULL);
  g_assert_cmpstr (value, ==, "written");

  g_mutex_clear (&h.mutex);
  g_cond_clear (&h.cond);
}

#define N_THREADS 4
#define N_INCREMENTS 50

static gboolean
increment_cb (YqStore  *store,
              gpointer  user_data,
              GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *next = NULL;

  value = yq_store_get_setting (store, "counter", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  next = g_strdup_printf ("%d", (value != NULL ? atoi (value) : 0) + 1);
  g_thread_yield ();
  return yq_store_set_setting (store, "counter", next, error);
}

static gpointer
increment_thread (gpointer user_data)
{
  YqStore *store = user_data;

  for (guint i = 0; i < N_INCREMENTS; i++)
    {
      g_autoptr(GError) error = NULL;

      yq_store_transaction (store, increment_cb, NULL, &error);
      g_assert_no_error (error);
    }

  return NULL;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) shared = NULL;
  g_autoptr(YqStore) other = NULL;
  g_autofree char *value = NULL;
  GThread *threads[N_THREADS];

  /* Threads sharing one store, and one thread on a second connection. */
  shared = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);
  other = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("increment", increment_thread, i == 0 ? other : shared);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  value = yq_store_get_setting (shared, "counter", &error);
  g_assert_no_error (error);
  g_assert_cmpint (atoi (value), ==, N_THREADS * N_INCREMENTS);
}

static void
assert_open_fails_untouched (const char *path,
                             int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = read_file (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  YqStore *store;

  store = yq_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, YQ_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);

  after = read_file (path);
  g_assert_true (g_bytes_equal (before, after));
  /* No journal, WAL or replacement file appeared either. */
  assert_only_file_in_dir (dir, base);
}

static void
test_corrupt_random (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 garbage[8192];

  for (gsize i = 0; i < sizeof garbage; i++)
    garbage[i] = (guint8) g_random_int_range (0, 256);
  g_file_set_contents (f->db_path, (const char *) garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  assert_open_fails_untouched (f->db_path, YQ_STORE_ERROR_CORRUPT);
  /* Twice: the first failure must not have changed anything either. */
  assert_open_fails_untouched (f->db_path, YQ_STORE_ERROR_CORRUPT);
}

static void
test_corrupt_text (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (f->db_path, "[Settings]\nthis is not a database\n", -1, &error);
  g_assert_no_error (error);

  assert_open_fails_untouched (f->db_path, YQ_STORE_ERROR_CORRUPT);
}

static void
test_corrupt_truncated (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 page_size;
  gint64 page_count;

  {
    g_autoptr(YqStore) store = yq_store_open (f->db_path, &error);
    sqlite3 *db;

    g_assert_no_error (error);
    db = yq_store_get_db (store);
    write_data_for_version (store, yq_store_get_latest_schema_version ());
    page_size = raw_int (db, "PRAGMA page_size");
    page_count = raw_int (db, "PRAGMA page_count");
  }

  g_assert_cmpint (page_count, >, 3);
  /* Closing the last connection checkpointed and removed the WAL. */
  assert_only_file_in_dir (f->dir, "yunqiao.db");
  g_assert_no_errno (truncate (f->db_path, page_size * 2));

  assert_open_fails_untouched (f->db_path, YQ_STORE_ERROR_CORRUPT);
}

static void
test_foreign_database (Fixture       *f,
                       gconstpointer  data)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  raw_exec (db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                "INSERT INTO notes (body) VALUES ('someone else''s data')");
  sqlite3_close (db);

  assert_open_fails_untouched (f->db_path, YQ_STORE_ERROR_CORRUPT);
}

static void
test_newer_schema (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *expected = NULL;
  int latest = yq_store_get_latest_schema_version ();
  YqStore *store;
  sqlite3 *db;

  store = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);
  g_object_unref (store);

  db = raw_open (f->db_path);
  sql = g_strdup_printf ("PRAGMA user_version = %d", latest + 1);
  raw_exec (db, sql);
  sqlite3_close (db);

  assert_open_fails_untouched (f->db_path, YQ_STORE_ERROR_NEWER_SCHEMA);

  store = yq_store_open (f->db_path, &error);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NEWER_SCHEMA);
  expected = g_strdup_printf ("schema %d, this version knows %d", latest + 1, latest);
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_nonnull (strstr (error->message, "upgrade Yunqiao"));
  g_assert_null (store);
}

static void
test_failed_migration (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  YqStore *store;
  sqlite3 *db;

  store = yq_store_open_at_version (f->db_path, 1, &error);
  g_assert_no_error (error);
  g_object_unref (store);

  /* Migration 2 creates the index audit_log_at after its tables; an object of
   * that name makes it fail half-way. */
  db = raw_open (f->db_path);
  raw_exec (db, "CREATE VIEW audit_log_at AS SELECT 1");
  sqlite3_close (db);

  store = yq_store_open (f->db_path, &error);
  g_assert_null (store);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, f->db_path));
  g_assert_nonnull (strstr (error->message, "0002-settings-audit.sql"));
  g_assert_nonnull (strstr (error->message, "left at schema 1"));

  /* The failed migration left nothing behind; version 1 is intact. */
  db = raw_open (f->db_path);
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM sqlite_schema WHERE name IN "
                                "('settings', 'audit_log')"), ==, 0);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM connectors"), ==, 0);
  sqlite3_close (db);
}

static void
test_unwritable_directory (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (f->dir, "file", NULL);
  g_autofree char *below_file = g_build_filename (blocker, "sub", NULL);
  YqStore *store;

  /* A data directory below a regular file can never be created, even by
   * root. */
  g_file_set_contents (blocker, "x", -1, &error);
  g_assert_no_error (error);
  store = yq_store_open_in_dir (below_file, &error);
  g_assert_null (store);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, below_file));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The data directory is itself a file. */
  store = yq_store_open_in_dir (blocker, &error);
  g_assert_null (store);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN);
  g_clear_error (&error);

  /* The database path is a directory. */
  g_assert_no_errno (g_mkdir (f->db_path, 0700));
  store = yq_store_open (f->db_path, &error);
  g_assert_null (store);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN);
  g_clear_error (&error);

  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (f->dir, "ro", NULL);
      g_autofree char *ro_sub = g_build_filename (ro, "sub", NULL);

      g_assert_no_errno (g_mkdir (ro, 0500));

      store = yq_store_open_in_dir (ro, &error);
      g_assert_null (store);
      g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN);
      g_assert_nonnull (strstr (error->message, ro));
      g_clear_error (&error);

      store = yq_store_open_in_dir (ro_sub, &error);
      g_assert_null (store);
      g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN);
      g_clear_error (&error);
    }
  else
    {
      g_test_message ("Running as root: permission bits are not enforced, so only the "
                      "regular-file cases were checked");
    }
}

/* Transactions */

typedef struct
{
  const char *key;
  const char *value;
  gboolean    result;
  gboolean    set_error;
} WriteSpec;

static gboolean
write_cb (YqStore  *store,
          gpointer  user_data,
          GError  **error)
{
  const WriteSpec *spec = user_data;

  if (!yq_store_set_setting (store, spec->key, spec->value, error))
    return FALSE;

  if (spec->set_error)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled by test");
      return FALSE;
    }

  return spec->result;
}

static char *
get (YqStore    *store,
     const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = yq_store_get_setting (store, key, &error);

  g_assert_no_error (error);
  return value;
}

static gboolean
violate_check_cb (YqStore  *store,
                  gpointer  user_data,
                  GError  **error)
{
  sqlite3_stmt *stmt;

  if (!yq_store_set_setting (store, "before-violation", "x", error))
    return FALSE;

  stmt = yq_store_prepare (store, "INSERT INTO settings (key, value) VALUES ('', 'x')", error);
  if (stmt == NULL)
    return FALSE;

  return yq_store_run (store, stmt, "Could not write the test row", error);
}

static void
test_transaction_commit_and_rollback (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *v2 = NULL;
  g_autofree char *v3 = NULL;
  WriteSpec commit = { "k", "committed", TRUE, FALSE };
  WriteSpec rollback = { "k", "rolled-back", FALSE, FALSE };
  WriteSpec failing = { "k", "failed", FALSE, TRUE };

  store = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);

  g_assert_true (yq_store_transaction (store, write_cb, &commit, &error));
  g_assert_no_error (error);
  v1 = get (store, "k");
  g_assert_cmpstr (v1, ==, "committed");

  /* FALSE without an error: rolled back, no error reported. */
  g_assert_false (yq_store_transaction (store, write_cb, &rollback, &error));
  g_assert_no_error (error);
  v2 = get (store, "k");
  g_assert_cmpstr (v2, ==, "committed");

  /* FALSE with an error: rolled back, the error is passed on. */
  g_assert_false (yq_store_transaction (store, write_cb, &failing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  v3 = get (store, "k");
  g_assert_cmpstr (v3, ==, "committed");

  /* A constraint failure inside the transaction rolls back what came
   * before it and reports CONSTRAINT. */
  g_clear_error (&error);
  {
    g_autofree char *before = NULL;

    g_assert_false (yq_store_transaction (store, violate_check_cb, NULL, &error));
    g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT);
    g_assert_nonnull (strstr (error->message, f->db_path));
    before = get (store, "before-violation");
    g_assert_null (before);
  }
  g_assert_cmpint (sqlite3_get_autocommit (yq_store_get_db (store)), !=, 0);
}

typedef struct
{
  WriteSpec outer;
  WriteSpec inner;
  gboolean  inner_returned;
  GError   *inner_error;
} NestedSpec;

static gboolean
nested_outer_cb (YqStore  *store,
                 gpointer  user_data,
                 GError  **error)
{
  NestedSpec *spec = user_data;

  if (!yq_store_set_setting (store, spec->outer.key, spec->outer.value, error))
    return FALSE;

  spec->inner_returned = yq_store_transaction (store, write_cb, &spec->inner, &spec->inner_error);

  /* The outer transaction goes on after a failed inner one. */
  if (!yq_store_set_setting (store, "after-inner", spec->outer.value, error))
    return FALSE;

  return spec->outer.result;
}

static void
test_transaction_nested (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;

  store = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);

  /* Both commit. */
  {
    NestedSpec spec = { { "outer", "1", TRUE, FALSE }, { "inner", "1", TRUE, FALSE }, 0, NULL };
    g_autofree char *outer = NULL;
    g_autofree char *inner = NULL;

    g_assert_true (yq_store_transaction (store, nested_outer_cb, &spec, &error));
    g_assert_no_error (error);
    g_assert_true (spec.inner_returned);
    outer = get (store, "outer");
    inner = get (store, "inner");
    g_assert_cmpstr (outer, ==, "1");
    g_assert_cmpstr (inner, ==, "1");
  }

  /* The inner one fails: only its writes are undone. */
  {
    NestedSpec spec = { { "outer", "2", TRUE, FALSE }, { "inner", "2", FALSE, TRUE }, 0, NULL };
    g_autofree char *outer = NULL;
    g_autofree char *inner = NULL;
    g_autofree char *after = NULL;

    g_assert_true (yq_store_transaction (store, nested_outer_cb, &spec, &error));
    g_assert_no_error (error);
    g_assert_false (spec.inner_returned);
    g_assert_error (spec.inner_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&spec.inner_error);
    outer = get (store, "outer");
    inner = get (store, "inner");
    after = get (store, "after-inner");
    g_assert_cmpstr (outer, ==, "2");
    g_assert_cmpstr (inner, ==, "1");
    g_assert_cmpstr (after, ==, "2");
  }

  /* The outer one rolls back: the committed inner savepoint goes too. */
  {
    NestedSpec spec = { { "outer", "3", FALSE, FALSE }, { "inner", "3", TRUE, FALSE }, 0, NULL };
    g_autofree char *outer = NULL;
    g_autofree char *inner = NULL;

    g_assert_false (yq_store_transaction (store, nested_outer_cb, &spec, &error));
    g_assert_no_error (error);
    g_assert_true (spec.inner_returned);
    outer = get (store, "outer");
    inner = get (store, "inner");
    g_assert_cmpstr (outer, ==, "2");
    g_assert_cmpstr (inner, ==, "1");
  }

  g_assert_cmpint (sqlite3_get_autocommit (yq_store_get_db (store)), !=, 0);
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *explicit_actor = NULL;
  sqlite3 *db;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  store = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);
  db = yq_store_get_db (store);

  g_assert_true (yq_store_audit (store, NULL, "test.first", "connector/1", "name=A", &error));
  g_assert_no_error (error);
  g_assert_true (yq_store_audit (store, "cli", "test.second", NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM audit_log"), ==, 2);
  actor = raw_text (db, "SELECT actor FROM audit_log WHERE action = 'test.first'");
  g_assert_cmpstr (actor, ==, g_get_user_name ());
  explicit_actor = raw_text (db, "SELECT actor FROM audit_log WHERE action = 'test.second'");
  g_assert_cmpstr (explicit_actor, ==, "cli");
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM audit_log WHERE subject IS NULL"), ==, 1);
  g_assert_cmpint (raw_int (db, "SELECT min(at) FROM audit_log"), >=, now - 5);
  g_assert_cmpint (raw_int (db, "SELECT max(at) FROM audit_log"), <=, now + 5);
}

static void
test_statement_cache (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;
  sqlite3_stmt *first;
  sqlite3_stmt *second;

  store = yq_store_open (f->db_path, &error);
  g_assert_no_error (error);

  {
    g_autoptr(YqStoreLocker) locker = yq_store_lock (store);

    first = yq_store_prepare (store, "SELECT ?1 + 1", &error);
    g_assert_no_error (error);
    sqlite3_bind_int (first, 1, 41);
    g_assert_cmpint (sqlite3_step (first), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (first, 0), ==, 42);

    /* The same text gives the cached statement back, reset and unbound. */
    second = yq_store_prepare (store, "SELECT ?1 + 1", &error);
    g_assert_no_error (error);
    g_assert_true (first == second);
    g_assert_cmpint (sqlite3_step (second), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_type (second, 0), ==, SQLITE_NULL);

    /* Left half-read on purpose: releasing the lock resets it. */
    g_assert_true (sqlite3_stmt_busy (second));
  }
  g_assert_false (sqlite3_stmt_busy (second));

  {
    g_autoptr(YqStoreLocker) locker = yq_store_lock (store);

    g_assert_null (yq_store_prepare (store, "SELEKT nonsense", &error));
    g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, f->db_path));
    g_clear_error (&error);
  }

  /* Using statements without holding the lock is a programming error. */
  g_test_expect_message ("yq-store", G_LOG_LEVEL_CRITICAL, "*store_lock_held*");
  g_assert_null (yq_store_prepare (store, "SELECT 1", &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/store/migrate/from-empty", test_migrate_from_empty);
  ADD ("/store/migrate/from-every-version", test_migrate_from_every_version);
  ADD ("/store/migrate/failure-rolls-back", test_failed_migration);
  ADD ("/store/reopen", test_reopen_keeps_data);
  ADD ("/store/background-checkpoints", test_background_checkpoints);
  ADD ("/store/data-dir", test_data_dir);
  ADD ("/store/concurrent/two-connections", test_two_connections);
  ADD ("/store/concurrent/busy-timeout", test_busy_timeout);
  ADD ("/store/concurrent/threads", test_threads);
  ADD ("/store/error/corrupt-random", test_corrupt_random);
  ADD ("/store/error/corrupt-text", test_corrupt_text);
  ADD ("/store/error/corrupt-truncated", test_corrupt_truncated);
  ADD ("/store/error/foreign-database", test_foreign_database);
  ADD ("/store/error/newer-schema", test_newer_schema);
  ADD ("/store/error/unwritable-directory", test_unwritable_directory);
  ADD ("/store/transaction/commit-rollback", test_transaction_commit_and_rollback);
  ADD ("/store/transaction/nested", test_transaction_nested);
  ADD ("/store/audit", test_audit);
  ADD ("/store/statement-cache", test_statement_cache);

#undef ADD

  return g_test_run ();
}
