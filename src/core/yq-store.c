/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "yq-core-resources.h"
#include "yq-store-private.h"

#define MIGRATIONS_PATH "/io/github/yunqiao/Yunqiao/core/migrations/"
#define DB_FILE_NAME "yunqiao.db"
#define DEFAULT_BUSY_TIMEOUT_MS 5000
/* The busy handler already waits DEFAULT_BUSY_TIMEOUT_MS per attempt. */
#define BEGIN_ATTEMPTS 3
/* "YQDB", so that a database from another program is recognised as such. */
#define YQ_APPLICATION_ID 0x59514442
/* WAL pages (4 KiB each) after which a checkpoint copies them into the
 * database: SQLite's own default. The WAL only starts over once a
 * checkpoint has copied all of it between two writes, which steady
 * writing never allows the background checkpointer; past the second
 * figure the committing thread checkpoints what is left itself. */
#define CHECKPOINT_PAGES        1000
#define CHECKPOINT_INLINE_PAGES 4000

/* A thread with its own connection that copies the WAL into the database,
 * so that the writes of the thread that commits never wait for it. */
typedef struct
{
  GMutex    mutex;
  GCond     cond;
  char     *path;
  GThread  *thread;
  gboolean  requested;
  gboolean  running;
  gboolean  stopping;
  guint     n_done;
} Checkpointer;

struct _YqStore
{
  GObject     parent_instance;

  sqlite3    *db;
  char       *path;
  char       *data_dir;
  GHashTable *statements;
  int         schema_version;
  int         busy_timeout_ms;

  /* Statements and transactions belong to one thread at a time: the lock is
   * recursive so that code inside yq_store_transaction() can call helpers
   * that take it again. */
  GRecMutex   lock;
  GThread    *lock_owner;
  guint       lock_depth;
  guint       transaction_depth;

  Checkpointer *checkpointer;
  /* the WAL's size at the last request to the checkpointer */
  int           checkpoint_requested_at;
};

G_DEFINE_FINAL_TYPE (YqStore, yq_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (yq-store-error-quark, yq_store_error)

typedef struct
{
  int         version;
  const char *resource;
} Migration;

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const Migration *ma = a;
  const Migration *mb = b;

  return (ma->version > mb->version) - (ma->version < mb->version);
}

static GArray *
get_migrations (void)
{
  static GArray *migrations;

  if (g_once_init_enter (&migrations))
    {
      g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (Migration));
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) children = NULL;

      children = g_resource_enumerate_children (yq_core_get_resource (), MIGRATIONS_PATH,
                                                G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      g_assert_no_error (error);

      for (guint i = 0; children[i] != NULL; i++)
        {
          Migration m;
          char *end = NULL;

          if (!g_str_has_suffix (children[i], ".sql"))
            continue;

          m.version = (int) g_ascii_strtoll (children[i], &end, 10);
          g_assert (end != children[i] && *end == '-' && m.version > 0);
          m.resource = g_intern_string (children[i]);
          g_array_append_val (list, m);
        }

      g_array_sort (list, compare_migrations);

      /* A gap or a duplicate is a packaging mistake, not something to run. */
      for (guint i = 0; i < list->len; i++)
        g_assert_cmpint (g_array_index (list, Migration, i).version, ==, (int) i + 1);

      g_once_init_leave (&migrations, g_steal_pointer (&list));
    }

  return migrations;
}

int
yq_store_get_latest_schema_version (void)
{
  GArray *migrations = get_migrations ();

  if (migrations->len == 0)
    return 0;

  return g_array_index (migrations, Migration, migrations->len - 1).version;
}

const char *
yq_data_dir (void)
{
  const char *env = g_getenv ("YUNQIAO_DATA_DIR");
  g_autofree char *dir = NULL;

  if (env != NULL && *env != '\0')
    return g_intern_string (env);

  dir = g_build_filename (g_get_user_data_dir (), "yunqiao", NULL);
  return g_intern_string (dir);
}

static void
store_lock (YqStore *self)
{
  g_rec_mutex_lock (&self->lock);
  if (self->lock_depth++ == 0)
    g_atomic_pointer_set (&self->lock_owner, g_thread_self ());
}

static void
reset_busy_statements (YqStore *self)
{
  sqlite3_stmt *stmt = NULL;

  while ((stmt = sqlite3_next_stmt (self->db, stmt)) != NULL)
    if (sqlite3_stmt_busy (stmt))
      sqlite3_reset (stmt);
}

static void
store_unlock (YqStore *self)
{
  g_assert (g_atomic_pointer_get (&self->lock_owner) == g_thread_self ());
  g_assert (self->lock_depth > 0);

  if (--self->lock_depth == 0)
    {
      /* A half-read SELECT would keep a read snapshot open for the next user
       * of the connection (and block WAL checkpoints). */
      if (self->db != NULL)
        reset_busy_statements (self);
      g_atomic_pointer_set (&self->lock_owner, NULL);
    }
  g_rec_mutex_unlock (&self->lock);
}

static gboolean
store_lock_held (YqStore *self)
{
  return g_atomic_pointer_get (&self->lock_owner) == g_thread_self ();
}

YqStoreLocker *
yq_store_lock (YqStore *self)
{
  g_return_val_if_fail (YQ_IS_STORE (self), NULL);

  store_lock (self);
  return (YqStoreLocker *) self;
}

void
yq_store_unlock (YqStoreLocker *locker)
{
  g_return_if_fail (YQ_IS_STORE (locker));

  store_unlock ((YqStore *) locker);
}

/* Background checkpoints ------------------------------------------------------ */

static gpointer
checkpointer_thread (gpointer user_data)
{
  Checkpointer *checkpointer = user_data;
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (checkpointer->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    g_warning ("Cannot open %s to checkpoint it: %s", checkpointer->path, sqlite3_errstr (rc));
  else
    {
      sqlite3_busy_timeout (db, DEFAULT_BUSY_TIMEOUT_MS);
      /* A connection finds the database in WAL mode when it first reads
       * it; until then a checkpoint does nothing. */
      rc = sqlite3_exec (db, "PRAGMA journal_mode", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        g_warning ("Cannot read %s to checkpoint it: %s", checkpointer->path, sqlite3_errstr (rc));
    }

  g_mutex_lock (&checkpointer->mutex);
  for (;;)
    {
      int n_log = 0;
      int n_copied = 0;

      while (!checkpointer->requested && !checkpointer->stopping)
        g_cond_wait (&checkpointer->cond, &checkpointer->mutex);
      if (checkpointer->stopping)
        break;
      checkpointer->requested = FALSE;
      checkpointer->running = TRUE;
      g_mutex_unlock (&checkpointer->mutex);

      /* PASSIVE: copies what no reader still needs, and never holds a
       * writer up; what is left goes with the next request. */
      rc = db != NULL ? sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log,
                                                   &n_copied)
                      : SQLITE_CANTOPEN;
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_debug ("Checkpoint of %s failed: %s", checkpointer->path, sqlite3_errstr (rc));

      g_mutex_lock (&checkpointer->mutex);
      checkpointer->running = FALSE;
      checkpointer->n_done++;
      g_cond_broadcast (&checkpointer->cond);
    }
  g_mutex_unlock (&checkpointer->mutex);

  sqlite3_close_v2 (db);
  return NULL;
}

static void
checkpointer_request (Checkpointer *checkpointer)
{
  g_mutex_lock (&checkpointer->mutex);
  checkpointer->requested = TRUE;
  g_cond_signal (&checkpointer->cond);
  g_mutex_unlock (&checkpointer->mutex);
}

static void
checkpointer_free (Checkpointer *checkpointer)
{
  g_mutex_lock (&checkpointer->mutex);
  checkpointer->stopping = TRUE;
  g_cond_broadcast (&checkpointer->cond);
  g_mutex_unlock (&checkpointer->mutex);
  g_thread_join (checkpointer->thread);

  g_mutex_clear (&checkpointer->mutex);
  g_cond_clear (&checkpointer->cond);
  g_free (checkpointer->path);
  g_free (checkpointer);
}

/* The committing thread finishes the checkpoint itself. A background pass
 * under way holds SQLite's checkpoint lock, and while it does the WAL
 * keeps growing: wait for it, and keep the next from starting meanwhile. */
static void
checkpoint_inline (Checkpointer *checkpointer,
                   sqlite3      *db,
                   const char   *name)
{
  g_mutex_lock (&checkpointer->mutex);
  while (checkpointer->running)
    g_cond_wait (&checkpointer->cond, &checkpointer->mutex);
  sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  g_mutex_unlock (&checkpointer->mutex);
}

/* Called after each commit of the store's connection. */
static int
wal_hook_cb (gpointer    user_data,
             sqlite3    *db,
             const char *name,
             int         n_pages)
{
  YqStore *self = user_data;

  /* The WAL started over after a complete checkpoint. */
  if (n_pages < self->checkpoint_requested_at)
    self->checkpoint_requested_at = 0;

  if (n_pages >= CHECKPOINT_INLINE_PAGES)
    checkpoint_inline (self->checkpointer, db, name);
  else if (n_pages >= CHECKPOINT_PAGES &&
           n_pages - self->checkpoint_requested_at >= CHECKPOINT_PAGES / 4)
    {
      /* Until the WAL starts over it stays this long: ask again only
       * when it has grown, not after every commit. */
      self->checkpoint_requested_at = n_pages;
      checkpointer_request (self->checkpointer);
    }

  return SQLITE_OK;
}

/**
 * yq_store_checkpoint_in_background:
 * @self: a store
 *
 * Moves the store's WAL checkpoints to a thread of their own. SQLite runs
 * them in the commit that fills the WAL, which then waits for the copy
 * and its fsyncs; a process that answers requests (the service) should
 * not. Other connections to the database keep checkpointing as usual.
 */
void
yq_store_checkpoint_in_background (YqStore *self)
{
  Checkpointer *checkpointer;

  g_return_if_fail (YQ_IS_STORE (self));

  if (self->checkpointer != NULL)
    return;

  checkpointer = g_new0 (Checkpointer, 1);
  g_mutex_init (&checkpointer->mutex);
  g_cond_init (&checkpointer->cond);
  checkpointer->path = g_strdup (self->path);
  checkpointer->thread = g_thread_new ("yq-checkpoint", checkpointer_thread, checkpointer);
  self->checkpointer = checkpointer;

  /* Replaces SQLite's automatic checkpoints on this connection. */
  store_lock (self);
  sqlite3_wal_hook (self->db, wal_hook_cb, self);
  store_unlock (self);
}

/**
 * yq_store_get_n_checkpoints:
 * @self: a store
 *
 * Returns: how many background checkpoints have run
 */
guint
yq_store_get_n_checkpoints (YqStore *self)
{
  guint n;

  g_return_val_if_fail (YQ_IS_STORE (self), 0);

  if (self->checkpointer == NULL)
    return 0;

  g_mutex_lock (&self->checkpointer->mutex);
  n = self->checkpointer->n_done;
  g_mutex_unlock (&self->checkpointer->mutex);

  return n;
}

static void
yq_store_finalize (GObject *object)
{
  YqStore *self = (YqStore *) object;

  /* Before the connection goes: closing the last one checkpoints all. */
  g_clear_pointer (&self->checkpointer, checkpointer_free);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (yq_store_parent_class)->finalize (object);
}

static void
yq_store_class_init (YqStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_store_finalize;
}

static void
yq_store_init (YqStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->busy_timeout_ms = DEFAULT_BUSY_TIMEOUT_MS;
}

static int
error_code_for_rc (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return YQ_STORE_ERROR_BUSY;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return YQ_STORE_ERROR_CORRUPT;

    case SQLITE_CONSTRAINT:
      return YQ_STORE_ERROR_CONSTRAINT;

    case SQLITE_READONLY:
    case SQLITE_FULL:
    case SQLITE_PERM:
    case SQLITE_IOERR:
      return YQ_STORE_ERROR_READ_ONLY;

    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      return YQ_STORE_ERROR_OPEN;

    default:
      return YQ_STORE_ERROR_FAILED;
    }
}

void
yq_store_set_error (YqStore     *self,
                    GError     **error,
                    int          rc,
                    const char  *what)
{
  const char *detail;

  g_return_if_fail (YQ_IS_STORE (self));
  g_return_if_fail (what != NULL);

  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY,
                   /* Translators: the first %s says what failed, the second is a file path */
                   _("%s: the database %s is in use by another Yunqiao process that did not "
                     "finish in time. Try again; if this keeps happening, check whether "
                     "yunqiao-service is stuck."),
                   what, self->path);
      return;
    }

  if (self->db != NULL && (sqlite3_errcode (self->db) & 0xff) == (rc & 0xff))
    detail = sqlite3_errmsg (self->db);
  else
    detail = sqlite3_errstr (rc);

  g_set_error (error, YQ_STORE_ERROR, error_code_for_rc (rc),
               /* Translators: "<what failed>: <SQLite message> (database <file path>)" */
               _("%s: %s (database %s)"),
               what, detail, self->path);
}

sqlite3 *
yq_store_get_db (YqStore *self)
{
  g_return_val_if_fail (YQ_IS_STORE (self), NULL);

  return self->db;
}

const char *
yq_store_get_path (YqStore *self)
{
  g_return_val_if_fail (YQ_IS_STORE (self), NULL);

  return self->path;
}

const char *
yq_store_get_data_dir (YqStore *self)
{
  g_return_val_if_fail (YQ_IS_STORE (self), NULL);

  return self->data_dir;
}

int
yq_store_get_schema_version (YqStore *self)
{
  g_return_val_if_fail (YQ_IS_STORE (self), -1);

  return self->schema_version;
}

void
yq_store_set_busy_timeout (YqStore *self,
                           int      timeout_ms)
{
  g_return_if_fail (YQ_IS_STORE (self));
  g_return_if_fail (timeout_ms >= 0);

  store_lock (self);
  self->busy_timeout_ms = timeout_ms;
  sqlite3_busy_timeout (self->db, timeout_ms);
  store_unlock (self);
}

sqlite3_stmt *
yq_store_prepare (YqStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  /* Statements are shared per connection: see yq-store-private.h. */
  g_return_val_if_fail (store_lock_held (self), NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      yq_store_set_error (self, error, rc, _("Could not prepare a database query"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

const char *
yq_store_column_text (sqlite3_stmt *stmt,
                      int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

char *
yq_store_column_dup (sqlite3_stmt *stmt,
                     int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;

  return g_strdup (yq_store_column_text (stmt, column));
}

void
yq_store_bind_text_or_null (sqlite3_stmt *stmt,
                            int           index,
                            const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

void
yq_store_bind_id_or_null (sqlite3_stmt *stmt,
                          int           index,
                          gint64        id)
{
  if (id != 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

gboolean
yq_store_run (YqStore      *self,
              sqlite3_stmt *stmt,
              const char   *what,
              GError      **error)
{
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);
  g_return_val_if_fail (store_lock_held (self), FALSE);

  do
    rc = sqlite3_step (stmt);
  while (rc == SQLITE_ROW);

  if (rc != SQLITE_DONE)
    yq_store_set_error (self, error, rc, what);
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE;
}

gboolean
yq_store_step_done (YqStore      *self,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  return yq_store_run (self, stmt, _("Could not write to the database"), error);
}

static gboolean
exec_sql (YqStore     *self,
          const char  *sql,
          const char  *what,
          GError     **error)
{
  int rc;

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      yq_store_set_error (self, error, rc, what);
      return FALSE;
    }

  return TRUE;
}

/* Reads a single integer from a PRAGMA or a query, without caching the
 * statement (used while opening, before the store is fully set up). */
static gboolean
query_int (YqStore     *self,
           const char  *sql,
           gint64      *value,
           int         *out_rc)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  *out_rc = rc;
  return rc == SQLITE_OK;
}

static gboolean
begin_immediate (YqStore  *self,
                 GError  **error)
{
  int rc = SQLITE_OK;

  for (guint attempt = 0; attempt < BEGIN_ATTEMPTS; attempt++)
    {
      rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      if ((rc & 0xff) != SQLITE_BUSY)
        break;
      /* The busy handler has waited already; yield briefly so that a
       * writer in another process gets the lock between our attempts. */
      g_usleep (G_USEC_PER_SEC / 50 * (attempt + 1));
    }

  if (rc != SQLITE_OK)
    {
      yq_store_set_error (self, error, rc, _("Could not start a database transaction"));
      return FALSE;
    }

  return TRUE;
}

static void
rollback (YqStore *self)
{
  reset_busy_statements (self);
  if (sqlite3_get_autocommit (self->db) == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
yq_store_transaction (YqStore      *self,
                      YqStoreFunc   func,
                      gpointer      user_data,
                      GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *savepoint = NULL;
  gboolean ok;

  g_return_val_if_fail (YQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  store_lock (self);

  if (self->transaction_depth == 0)
    {
      if (!begin_immediate (self, error))
        {
          store_unlock (self);
          return FALSE;
        }
    }
  else
    {
      g_autofree char *sql = NULL;

      savepoint = g_strdup_printf ("yq_savepoint_%u", self->transaction_depth);
      sql = g_strdup_printf ("SAVEPOINT %s", savepoint);
      if (!exec_sql (self, sql, _("Could not start a nested database transaction"), error))
        {
          store_unlock (self);
          return FALSE;
        }
    }

  self->transaction_depth++;
  ok = func (self, user_data, &local_error);
  self->transaction_depth--;

  /* Returning FALSE without an error is a plain "roll back"; TRUE with an
   * error set is a bug in the callback. */
  if (ok && local_error != NULL)
    {
      g_critical ("YqStoreFunc returned TRUE but set an error: %s", local_error->message);
      ok = FALSE;
    }

  if (savepoint != NULL)
    {
      g_autofree char *release = g_strdup_printf ("RELEASE %s", savepoint);

      if (!ok)
        {
          g_autofree char *undo = g_strdup_printf ("ROLLBACK TO %s", savepoint);

          sqlite3_exec (self->db, undo, NULL, NULL, NULL);
          sqlite3_exec (self->db, release, NULL, NULL, NULL);
        }
      else if (!exec_sql (self, release, _("Could not finish a nested database transaction"),
                          &local_error))
        {
          ok = FALSE;
        }
    }
  else if (ok)
    {
      reset_busy_statements (self);
      if (!exec_sql (self, "COMMIT", _("Could not save the changes to the database"),
                     &local_error))
        {
          rollback (self);
          ok = FALSE;
        }
    }
  else
    {
      rollback (self);
    }

  store_unlock (self);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return ok;
}

static YqStore *
store_new (const char *path)
{
  YqStore *self = g_object_new (YQ_TYPE_STORE, NULL);

  self->path = g_canonicalize_filename (path, NULL);
  self->data_dir = g_path_get_dirname (self->path);

  return self;
}

static gboolean
ensure_directory (const char  *dir,
                  GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN,
                   _("Could not create the data directory %s: %s. Check its permissions, or "
                     "set YUNQIAO_DATA_DIR to a directory you can write to."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static void
set_open_error (YqStore  *self,
                GError  **error,
                int       rc)
{
  const char *detail = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN,
               _("Could not open the database %s: %s. Check that the file and its directory "
                 "can be written, or set YUNQIAO_DATA_DIR to another directory."),
               self->path, detail);
}

static void
set_corrupt_error (YqStore  *self,
                   GError  **error)
{
  g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
               _("The file %s is not a Yunqiao database or is damaged. It was left as it is: "
                 "restore it from a backup, or move it aside to start with an empty "
                 "configuration."),
               self->path);
}

/* Opens the file without writing a single byte to it and checks that it is
 * an intact database this version of Yunqiao can use. */
static gboolean
open_and_check (YqStore  *self,
                GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = 0;
  gint64 app_id = 0;
  gint64 n_objects = 0;
  gboolean intact = TRUE;
  int rc;

  if (g_file_test (self->path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN,
                   _("Could not open the database %s: it is a directory. Move it aside or set "
                     "YUNQIAO_DATA_DIR to another directory."),
                   self->path);
      return FALSE;
    }

  /* The database will hold the organisation's people; SQLite would create
   * it 0644, and its -wal/-shm files inherit the database's mode. */
  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      int fd = g_open (self->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

      if (fd >= 0)
        g_close (fd, NULL);
      else if (errno != EEXIST)
        {
          int saved_errno = errno;

          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN,
                       _("Could not create the database %s: %s. Check that its directory can "
                         "be written, or set YUNQIAO_DATA_DIR to another directory."),
                       self->path, g_strerror (saved_errno));
          return FALSE;
        }
    }

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_open_error (self, error, rc);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, self->busy_timeout_ms);

  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_READ_ONLY,
                   _("The database %s can only be read, not written. Check the permissions of "
                     "the file and its directory."),
                   self->path);
      return FALSE;
    }

  if (!query_int (self, "PRAGMA user_version", &version, &rc))
    {
      if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        set_corrupt_error (self, error);
      else if ((rc & 0xff) == SQLITE_BUSY)
        yq_store_set_error (self, error, rc, _("Could not open the database"));
      else
        set_open_error (self, error, rc);
      return FALSE;
    }

  if (!query_int (self, "PRAGMA application_id", &app_id, &rc) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, &rc))
    {
      if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        set_corrupt_error (self, error);
      else
        yq_store_set_error (self, error, rc, _("Could not open the database"));
      return FALSE;
    }

  /* Another program's database: migrating it would mix our tables into it. */
  if (app_id != 0 ? app_id != YQ_APPLICATION_ID : (version != 0 || n_objects != 0))
    {
      set_corrupt_error (self, error);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *result = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (result, "ok") != 0)
            intact = FALSE;
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if ((rc & 0xff) == SQLITE_BUSY)
    {
      yq_store_set_error (self, error, rc, _("Could not open the database"));
      return FALSE;
    }
  if (rc != SQLITE_OK || !intact)
    {
      set_corrupt_error (self, error);
      return FALSE;
    }

  if (version > yq_store_get_latest_schema_version ())
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NEWER_SCHEMA,
                   _("The database %s was written by a newer version of Yunqiao (schema %d, "
                     "this version knows %d); upgrade Yunqiao or choose another data "
                     "directory."),
                   self->path, (int) version, yq_store_get_latest_schema_version ());
      return FALSE;
    }

  self->schema_version = (int) version;
  return TRUE;
}

static gboolean
configure_connection (YqStore  *self,
                      GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *mode = NULL;
  gboolean wal;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      mode = (const char *) sqlite3_column_text (stmt, 0);
      rc = SQLITE_OK;
    }
  wal = g_strcmp0 (mode, "wal") == 0;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      yq_store_set_error (self, error, rc, _("Could not switch the database to WAL mode"));
      return FALSE;
    }
  if (!wal)
    {
      /* The app and the service share the file; without WAL they would
       * block each other on every read. */
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_OPEN,
                   _("Could not switch the database %s to WAL mode. It must be on a local file "
                     "system; set YUNQIAO_DATA_DIR to a local directory."),
                   self->path);
      return FALSE;
    }

  return exec_sql (self, "PRAGMA synchronous = NORMAL", _("Could not configure the database"),
                   error);
}

static gboolean
apply_migration (YqStore          *self,
                 const Migration  *migration,
                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *set_version = NULL;
  gint64 current = 0;
  gint64 violations = 0;
  int rc;

  path = g_strconcat (MIGRATIONS_PATH, migration->resource, NULL);
  bytes = g_resource_lookup_data (yq_core_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                  &local_error);
  g_assert_no_error (local_error);
  sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (!begin_immediate (self, error))
    return FALSE;

  /* Another process may have migrated while we waited for the lock. */
  if (!query_int (self, "PRAGMA user_version", &current, &rc))
    goto sqlite_failed;
  if (current >= migration->version)
    {
      self->schema_version = (int) current;
      rollback (self);
      return TRUE;
    }

  if (current == 0 &&
      sqlite3_exec (self->db, "PRAGMA application_id = " G_STRINGIFY (YQ_APPLICATION_ID),
                    NULL, NULL, NULL) != SQLITE_OK)
    {
      rc = sqlite3_errcode (self->db);
      goto sqlite_failed;
    }

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto sqlite_failed;

  if (!query_int (self, "SELECT count(*) FROM pragma_foreign_key_check", &violations, &rc))
    goto sqlite_failed;
  if (violations > 0)
    {
      rollback (self);
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_MIGRATION,
                   _("Could not upgrade the database %s to schema %d: %d rows would break "
                     "references between tables. The database was left at schema %d."),
                   self->path, migration->version, (int) violations, self->schema_version);
      return FALSE;
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", migration->version);
  rc = sqlite3_exec (self->db, set_version, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto sqlite_failed;

  rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto sqlite_failed;

  self->schema_version = migration->version;
  g_debug ("Migrated %s to schema %d", self->path, migration->version);
  return TRUE;

sqlite_failed:
  {
    g_autofree char *detail = g_strdup (sqlite3_errmsg (self->db));
    int code = (rc & 0xff) == SQLITE_BUSY ? YQ_STORE_ERROR_BUSY
             : (rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_READONLY
               ? YQ_STORE_ERROR_READ_ONLY
             : YQ_STORE_ERROR_MIGRATION;

    rollback (self);
    g_set_error (error, YQ_STORE_ERROR, code,
                 _("Could not upgrade the database %s to schema %d (%s): %s. The database was "
                   "left at schema %d; nothing else was changed."),
                 self->path, migration->version, migration->resource, detail,
                 self->schema_version);
    return FALSE;
  }
}

static gboolean
migrate (YqStore  *self,
         int       target,
         GError  **error)
{
  GArray *migrations = get_migrations ();
  gboolean ok = TRUE;

  /* Table rebuilds in later migrations need foreign keys off; each migration
   * checks the references itself before it commits. */
  if (!exec_sql (self, "PRAGMA foreign_keys = OFF", _("Could not configure the database"), error))
    return FALSE;

  for (guint i = 0; ok && i < migrations->len; i++)
    {
      const Migration *migration = &g_array_index (migrations, Migration, i);

      if (migration->version <= self->schema_version || migration->version > target)
        continue;

      ok = apply_migration (self, migration, error);
    }

  if (ok && !exec_sql (self, "PRAGMA foreign_keys = ON", _("Could not configure the database"),
                       error))
    ok = FALSE;

  return ok;
}

static YqStore *
store_open (const char  *path,
            int          version,
            GError     **error)
{
  g_autoptr(YqStore) self = NULL;
  gboolean ok;

  self = store_new (path);

  if (!ensure_directory (self->data_dir, error))
    return NULL;

  store_lock (self);
  ok = open_and_check (self, error) &&
       configure_connection (self, error) &&
       migrate (self, version, error);
  store_unlock (self);

  if (!ok)
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * yq_store_open:
 * @path: the database file
 * @error: return location for an error
 *
 * Opens (creating it if missing) a Yunqiao database and brings its schema up
 * to date. An existing file is never replaced: a damaged file, another
 * program's database or one from a newer Yunqiao gives an error and is left
 * untouched.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
YqStore *
yq_store_open (const char  *path,
               GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return store_open (path, yq_store_get_latest_schema_version (), error);
}

YqStore *
yq_store_open_at_version (const char  *path,
                          int          version,
                          GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= yq_store_get_latest_schema_version (), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return store_open (path, version, error);
}

YqStore *
yq_store_open_in_dir (const char  *data_dir,
                      GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data_dir == NULL)
    data_dir = yq_data_dir ();

  path = g_build_filename (data_dir, DB_FILE_NAME, NULL);
  return yq_store_open (path, error);
}

char *
yq_store_get_setting (YqStore     *self,
                      const char  *key,
                      GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;
  char *value = NULL;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (self);

  stmt = yq_store_prepare (self, "SELECT value FROM settings WHERE key = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    yq_store_set_error (self, error, rc, _("Could not read a setting"));
  sqlite3_reset (stmt);

  return value;
}

gboolean
yq_store_set_setting (YqStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL && *key != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = yq_store_lock (self);

  if (value == NULL)
    stmt = yq_store_prepare (self, "DELETE FROM settings WHERE key = ?1", error);
  else
    stmt = yq_store_prepare (self,
                             "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);

  return yq_store_run (self, stmt, _("Could not save a setting"), error);
}

gboolean
yq_store_audit (YqStore     *self,
                const char  *actor,
                const char  *action,
                const char  *subject,
                const char  *detail,
                GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (action != NULL && *action != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (actor == NULL || *actor == '\0')
    actor = g_get_user_name ();

  locker = yq_store_lock (self);

  stmt = yq_store_prepare (self,
                           "INSERT INTO audit_log (at, actor, action, subject, detail) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, detail, -1, SQLITE_TRANSIENT);

  return yq_store_run (self, stmt, _("Could not write the audit log"), error);
}
