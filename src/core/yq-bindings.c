/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-bindings"

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>

#include "yq-bindings.h"
#include "yq-planner.h"
#include "yq-store-private.h"
#include "yq-sync-profile.h"
#include "yq-sync-runs.h"

G_DEFINE_QUARK (yq-bindings-error-quark, yq_bindings_error)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;

  return TRUE;
}

static gboolean
bind_source_from_string (const char   *text,
                         YqBindSource *source)
{
  for (YqBindSource s = YQ_BIND_SOURCE_RULE; s <= YQ_BIND_SOURCE_SYNC; s++)
    if (g_strcmp0 (text, yq_bind_source_to_string (s)) == 0)
      {
        *source = s;
        return TRUE;
      }

  return FALSE;
}

/* "Name (ID)", or the ID alone. */
static char *
person_text (const char *name,
             const char *platform_id)
{
  if (is_empty (name))
    return g_strdup (platform_id);

  return g_strdup_printf ("%s (%s)", name, platform_id);
}

/* ---- Rows ----------------------------------------------------------------- */

void
yq_binding_row_free (YqBindingRow *row)
{
  if (row == NULL)
    return;

  g_free (row->platform_id);
  g_free (row->name);
  g_free (row->department_id);
  g_free (row->department_name);
  g_free (row->account_code);
  g_free (row->mobile);
  g_free (row->email);
  g_free (row->job_number);
  g_free (row->title);
  g_free (row->oa_account);
  g_free (row->oa_name);
  g_free (row);
}

void
yq_binding_change_free (YqBindingChange *change)
{
  if (change == NULL)
    return;

  g_free (change->platform_id);
  g_free (change->name);
  g_free (change->old_oa_account);
  g_free (change->new_oa_account);
  g_free (change);
}

static YqBindingResult *
binding_result_new (void)
{
  YqBindingResult *result = g_new0 (YqBindingResult, 1);

  result->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_binding_change_free);
  result->skipped = g_ptr_array_new_with_free_func (g_free);

  return result;
}

void
yq_binding_result_free (YqBindingResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->changes, g_ptr_array_unref);
  g_clear_pointer (&result->skipped, g_ptr_array_unref);
  g_free (result);
}

/* ---- The list ------------------------------------------------------------ */

/* The main department: the first line of department_ids. */
#define MAIN_DEPARTMENT \
  "nullif (substr (p.department_ids, 1, instr (p.department_ids || char (10), char (10)) - 1), '')"

/* department_ids as a JSON array for json_each(): one hash lookup per
 * department of a person against the scope, instead of a string search per
 * scope department. IDs with control characters make invalid JSON; such a
 * person is outside every scope rather than an error. */
#define DEPARTMENTS_JSON_RAW \
  "('[\"' || replace (replace (replace (p.department_ids, '\\', '\\\\'), '\"', '\\\"'), " \
  "char (10), '\",\"') || '\"]')"
#define DEPARTMENTS_JSON \
  "(CASE WHEN json_valid (" DEPARTMENTS_JSON_RAW ") THEN " DEPARTMENTS_JSON_RAW " ELSE '[]' END)"

static char *
like_pattern (const char *search)
{
  GString *pattern = g_string_new ("%");

  for (const char *c = search; *c != '\0'; c++)
    {
      if (*c == '%' || *c == '_' || *c == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *c);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

/* Parameters: ?1 connector, ?2 department, ?3 added since, ?4 search
 * pattern, ?5 limit, ?6 offset. */
static char *
build_query (const YqBindingFilter *filter,
             gboolean               count)
{
  GString *sql = g_string_new (NULL);

  if (!is_empty (filter->department_id))
    g_string_append (sql,
                     "WITH RECURSIVE scope (id) AS ("
                     " SELECT platform_id FROM bridge_departments"
                     " WHERE connector_id = ?1 AND platform_id = ?2"
                     " UNION"
                     " SELECT d.platform_id FROM bridge_departments d JOIN scope s"
                     " ON d.connector_id = ?1 AND d.parent_id = s.id) ");

  if (count)
    g_string_append (sql, "SELECT count(*) FROM bridge_people p ");
  else
    g_string_append (sql,
                     "SELECT p.platform_id, p.name, " MAIN_DEPARTMENT ", d.name, "
                     "p.account_code, p.mobile, p.email, p.job_number, p.title, p.active, "
                     "p.oa_account, o.name, p.bound_at, p.bind_source, p.added_at "
                     "FROM bridge_people p "
                     "LEFT JOIN bridge_departments d ON d.connector_id = p.connector_id "
                     "AND d.platform_id = " MAIN_DEPARTMENT " "
                     "LEFT JOIN oa_people o ON o.account = p.oa_account ");

  g_string_append (sql, "WHERE p.connector_id = ?1 AND p.deleted_at IS NULL");

  switch (filter->binding)
    {
    case YQ_BINDING_STATUS_BOUND:
      g_string_append (sql, " AND p.oa_account IS NOT NULL");
      break;
    case YQ_BINDING_STATUS_UNBOUND:
      g_string_append (sql, " AND p.oa_account IS NULL");
      break;
    case YQ_BINDING_STATUS_ANY:
    default:
      break;
    }

  switch (filter->platform)
    {
    case YQ_PLATFORM_STATUS_ACTIVE:
      g_string_append (sql, " AND p.active = 1");
      break;
    case YQ_PLATFORM_STATUS_DISABLED:
      g_string_append (sql, " AND p.active = 0");
      break;
    case YQ_PLATFORM_STATUS_ANY:
    default:
      break;
    }

  switch (filter->added)
    {
    case YQ_ADDED_STATUS_SINCE:
      g_string_append (sql, " AND p.added_at >= ?3");
      break;
    case YQ_ADDED_STATUS_LAST_SYNC:
      /* No such run: the comparison with NULL keeps nobody. */
      g_string_append (sql,
                       " AND p.added_at >= (SELECT max (started_at) FROM sync_runs"
                       " WHERE connector_id = ?1 AND dry_run = 0"
                       " AND state NOT IN ('blocked', 'previewed'))");
      break;
    case YQ_ADDED_STATUS_ANY:
    default:
      break;
    }

  if (!is_empty (filter->department_id))
    g_string_append (sql,
                     " AND EXISTS (SELECT 1 FROM json_each (" DEPARTMENTS_JSON ") j"
                     " WHERE j.value IN scope)");

  if (!is_empty (filter->search))
    g_string_append (sql,
                     " AND (p.name LIKE ?4 ESCAPE '\\' OR p.platform_id LIKE ?4 ESCAPE '\\'"
                     " OR p.account_code LIKE ?4 ESCAPE '\\' OR p.mobile LIKE ?4 ESCAPE '\\'"
                     " OR p.email LIKE ?4 ESCAPE '\\' OR p.job_number LIKE ?4 ESCAPE '\\'"
                     " OR p.oa_account LIKE ?4 ESCAPE '\\')");

  if (!count)
    g_string_append (sql, " ORDER BY p.platform_id LIMIT ?5 OFFSET ?6");

  return g_string_free (sql, FALSE);
}

static sqlite3_stmt *
prepare_query (YqStore                *store,
               gint64                  connector_id,
               const YqBindingFilter  *filter,
               gboolean                count,
               GError                **error)
{
  g_autofree char *sql = build_query (filter, count);
  g_autofree char *pattern = NULL;
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  if (!is_empty (filter->department_id))
    sqlite3_bind_text (stmt, 2, filter->department_id, -1, SQLITE_TRANSIENT);
  if (filter->added == YQ_ADDED_STATUS_SINCE)
    sqlite3_bind_int64 (stmt, 3, filter->added_since);
  if (!is_empty (filter->search))
    {
      pattern = like_pattern (filter->search);
      sqlite3_bind_text (stmt, 4, pattern, -1, SQLITE_TRANSIENT);
    }
  if (!count)
    {
      sqlite3_bind_int64 (stmt, 5, filter->limit > 0 ? (sqlite3_int64) filter->limit : -1);
      sqlite3_bind_int64 (stmt, 6, filter->offset);
    }

  return stmt;
}

/* Fills @row with borrowed column text: valid until the next step. */
static void
read_row (sqlite3_stmt *stmt,
          YqBindingRow *row)
{
  const char *source;

  row->platform_id = (char *) sqlite3_column_text (stmt, 0);
  row->name = (char *) sqlite3_column_text (stmt, 1);
  row->department_id = (char *) sqlite3_column_text (stmt, 2);
  row->department_name = (char *) sqlite3_column_text (stmt, 3);
  row->account_code = (char *) sqlite3_column_text (stmt, 4);
  row->mobile = (char *) sqlite3_column_text (stmt, 5);
  row->email = (char *) sqlite3_column_text (stmt, 6);
  row->job_number = (char *) sqlite3_column_text (stmt, 7);
  row->title = (char *) sqlite3_column_text (stmt, 8);
  row->active = sqlite3_column_int (stmt, 9) != 0;
  row->oa_account = (char *) sqlite3_column_text (stmt, 10);
  row->oa_name = (char *) sqlite3_column_text (stmt, 11);
  row->bound_at = sqlite3_column_int64 (stmt, 12);
  source = (const char *) sqlite3_column_text (stmt, 13);
  row->bind_source = YQ_BIND_SOURCE_MANUAL;
  if (source != NULL)
    bind_source_from_string (source, &row->bind_source);
  row->added_at = sqlite3_column_int64 (stmt, 14);
}

/**
 * yq_bindings_foreach:
 * @store: the store
 * @connector_id: the connector
 * @filter: (nullable): which people; %NULL for everyone
 * @func: called for each row
 * @user_data: for @func
 * @error: return location for an error
 *
 * Returns: %TRUE when every row was handed to @func
 */
gboolean
yq_bindings_foreach (YqStore                *store,
                     gint64                  connector_id,
                     const YqBindingFilter  *filter,
                     YqBindingRowFunc        func,
                     gpointer                user_data,
                     GError                **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  YqBindingFilter all = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = yq_store_lock (store);
  stmt = prepare_query (store, connector_id, filter != NULL ? filter : &all, FALSE, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqBindingRow row = { 0 };

      read_row (stmt, &row);
      if (!func (&row, user_data, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bindings"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

static gboolean
collect_row_cb (const YqBindingRow  *row,
                gpointer             user_data,
                GError             **error)
{
  GPtrArray *rows = user_data;
  YqBindingRow *copy = g_new0 (YqBindingRow, 1);

  copy->platform_id = g_strdup (row->platform_id);
  copy->name = g_strdup (row->name);
  copy->department_id = g_strdup (row->department_id);
  copy->department_name = g_strdup (row->department_name);
  copy->account_code = g_strdup (row->account_code);
  copy->mobile = g_strdup (row->mobile);
  copy->email = g_strdup (row->email);
  copy->job_number = g_strdup (row->job_number);
  copy->title = g_strdup (row->title);
  copy->active = row->active;
  copy->oa_account = g_strdup (row->oa_account);
  copy->oa_name = g_strdup (row->oa_name);
  copy->bound_at = row->bound_at;
  copy->bind_source = row->bind_source;
  copy->added_at = row->added_at;
  g_ptr_array_add (rows, copy);

  return TRUE;
}

/**
 * yq_bindings_list:
 * @store: the store
 * @connector_id: the connector
 * @filter: (nullable): which people; %NULL for everyone
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YqBindingRow): the rows, or %NULL
 *   with @error set
 */
GPtrArray *
yq_bindings_list (YqStore                *store,
                  gint64                  connector_id,
                  const YqBindingFilter  *filter,
                  GError                **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_binding_row_free);

  if (!yq_bindings_foreach (store, connector_id, filter, collect_row_cb, rows, error))
    return NULL;

  return g_steal_pointer (&rows);
}

gboolean
yq_bindings_count (YqStore                *store,
                   gint64                  connector_id,
                   const YqBindingFilter  *filter,
                   guint                  *n_rows,
                   GError                **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  YqBindingFilter all = { 0 };
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (n_rows != NULL, FALSE);

  locker = yq_store_lock (store);
  stmt = prepare_query (store, connector_id, filter != NULL ? filter : &all, TRUE, error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not count the bindings"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  *n_rows = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);

  return TRUE;
}

/* ---- Export rows ---------------------------------------------------------- */

const char *
yq_binding_export_column_title (YqBindingExportColumn column)
{
  switch (column)
    {
    case YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID:     return _("Platform ID");
    case YQ_BINDING_EXPORT_COLUMN_NAME:            return C_("name of a person", "Name");
    case YQ_BINDING_EXPORT_COLUMN_DEPARTMENT:      return _("Department");
    case YQ_BINDING_EXPORT_COLUMN_ACCOUNT:         return _("Platform account");
    case YQ_BINDING_EXPORT_COLUMN_MOBILE:          return _("Mobile");
    case YQ_BINDING_EXPORT_COLUMN_EMAIL:           return _("E-mail");
    case YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER:      return _("Job number");
    case YQ_BINDING_EXPORT_COLUMN_PLATFORM_STATUS: return _("Platform status");
    case YQ_BINDING_EXPORT_COLUMN_BINDING_STATUS:  return _("Binding status");
    case YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT:      return _("OA account");
    case YQ_BINDING_EXPORT_COLUMN_OA_NAME:         return _("OA name");
    case YQ_BINDING_EXPORT_COLUMN_BOUND_AT:        return _("Bound at");
    case YQ_BINDING_EXPORT_COLUMN_BIND_SOURCE:     return _("Bound by");
    case YQ_N_BINDING_EXPORT_COLUMNS:
    default:
      g_return_val_if_reached ("");
    }
}

static const char *
bind_source_label (YqBindSource source)
{
  switch (source)
    {
    case YQ_BIND_SOURCE_RULE:   return _("Binding rule");
    case YQ_BIND_SOURCE_MANUAL: return _("By hand");
    case YQ_BIND_SOURCE_IMPORT: return _("Import");
    case YQ_BIND_SOURCE_SYNC:   return _("Sync");
    default:                    g_return_val_if_reached ("");
    }
}

static const char *
chunk_or_empty (GStringChunk *buffer,
                const char   *text)
{
  return text != NULL ? g_string_chunk_insert (buffer, text) : "";
}

void
yq_binding_row_to_cells (const YqBindingRow  *row,
                         GStringChunk        *buffer,
                         const char         **cells)
{
  gboolean bound;

  g_return_if_fail (row != NULL && buffer != NULL && cells != NULL);

  bound = row->oa_account != NULL;
  cells[YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID] = chunk_or_empty (buffer, row->platform_id);
  cells[YQ_BINDING_EXPORT_COLUMN_NAME] = chunk_or_empty (buffer, row->name);
  cells[YQ_BINDING_EXPORT_COLUMN_DEPARTMENT] =
    chunk_or_empty (buffer, row->department_name != NULL ? row->department_name
                                                         : row->department_id);
  cells[YQ_BINDING_EXPORT_COLUMN_ACCOUNT] = chunk_or_empty (buffer, row->account_code);
  cells[YQ_BINDING_EXPORT_COLUMN_MOBILE] = chunk_or_empty (buffer, row->mobile);
  cells[YQ_BINDING_EXPORT_COLUMN_EMAIL] = chunk_or_empty (buffer, row->email);
  cells[YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER] = chunk_or_empty (buffer, row->job_number);
  cells[YQ_BINDING_EXPORT_COLUMN_PLATFORM_STATUS] = row->active ? _("Active") : _("Disabled");
  cells[YQ_BINDING_EXPORT_COLUMN_BINDING_STATUS] = bound ? _("Bound") : _("Unbound");
  cells[YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT] = chunk_or_empty (buffer, row->oa_account);
  cells[YQ_BINDING_EXPORT_COLUMN_OA_NAME] = chunk_or_empty (buffer, row->oa_name);
  if (bound && row->bound_at > 0)
    {
      /* localtime_r() rather than GDateTime: this runs for every row of
       * an export of 100,000 people. */
      time_t at = (time_t) row->bound_at;
      struct tm tm;
      char text[32];

      if (localtime_r (&at, &tm) != NULL &&
          strftime (text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm) > 0)
        cells[YQ_BINDING_EXPORT_COLUMN_BOUND_AT] = g_string_chunk_insert (buffer, text);
      else
        cells[YQ_BINDING_EXPORT_COLUMN_BOUND_AT] = "";
    }
  else
    cells[YQ_BINDING_EXPORT_COLUMN_BOUND_AT] = "";
  cells[YQ_BINDING_EXPORT_COLUMN_BIND_SOURCE] = bound ? bind_source_label (row->bind_source) : "";
}

typedef struct
{
  YqBindingExportFunc  func;
  gpointer             user_data;
  GStringChunk        *buffer;
} ExportData;

static gboolean
export_row_cb (const YqBindingRow  *row,
               gpointer             user_data,
               GError             **error)
{
  ExportData *data = user_data;
  const char *cells[YQ_N_BINDING_EXPORT_COLUMNS + 1] = { NULL };

  /* The chunk only ever holds one row. */
  g_string_chunk_clear (data->buffer);
  yq_binding_row_to_cells (row, data->buffer, cells);

  return data->func (cells, data->user_data, error);
}

gboolean
yq_bindings_export (YqStore                *store,
                    gint64                  connector_id,
                    const YqBindingFilter  *filter,
                    YqBindingExportFunc     func,
                    gpointer                user_data,
                    GError                **error)
{
  const char *header[YQ_N_BINDING_EXPORT_COLUMNS + 1] = { NULL };
  ExportData data = { func, user_data, NULL };
  gboolean ok;

  g_return_val_if_fail (func != NULL, FALSE);

  for (guint i = 0; i < YQ_N_BINDING_EXPORT_COLUMNS; i++)
    header[i] = yq_binding_export_column_title (i);
  if (!func (header, user_data, error))
    return FALSE;

  data.buffer = g_string_chunk_new (512);
  ok = yq_bindings_foreach (store, connector_id, filter, export_row_cb, &data, error);
  g_string_chunk_free (data.buffer);

  return ok;
}

/* ---- The change log ----------------------------------------------------- */

typedef struct
{
  gboolean      exists;
  gboolean      deleted;
  char         *name;
  char         *oa_account;
  gint64        bound_at;
  char         *bind_source;
} PersonState;

static void
person_state_clear (PersonState *state)
{
  g_clear_pointer (&state->name, g_free);
  g_clear_pointer (&state->oa_account, g_free);
  g_clear_pointer (&state->bind_source, g_free);
  memset (state, 0, sizeof *state);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PersonState, person_state_clear)

static gboolean
read_person_locked (YqStore      *store,
                    gint64        connector_id,
                    const char   *platform_id,
                    PersonState  *state,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  person_state_clear (state);
  stmt = yq_store_prepare (store,
                           "SELECT name, oa_account, bound_at, bind_source, deleted_at "
                           "FROM bridge_people WHERE connector_id = ?1 AND platform_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state->exists = TRUE;
      state->name = column_dup (stmt, 0);
      state->oa_account = column_dup (stmt, 1);
      state->bound_at = sqlite3_column_int64 (stmt, 2);
      state->bind_source = column_dup (stmt, 3);
      state->deleted = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
      rc = SQLITE_DONE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      return FALSE;
    }

  return TRUE;
}

/* The other person of the connector holding @oa_account (tombstones
 * included), or none (@holder_id left %NULL). */
static gboolean
find_holder_locked (YqStore      *store,
                    gint64        connector_id,
                    const char   *oa_account,
                    const char   *except_platform_id,
                    char        **holder_id,
                    char        **holder_name,
                    gboolean     *holder_deleted,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT platform_id, name, deleted_at FROM bridge_people "
                           "WHERE connector_id = ?1 AND oa_account = ?2 COLLATE NOCASE "
                           "AND platform_id <> ?3",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, oa_account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, except_platform_id != NULL ? except_platform_id : "", -1,
                     SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *holder_id = column_dup (stmt, 0);
      *holder_name = column_dup (stmt, 1);
      *holder_deleted = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
      rc = SQLITE_DONE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      return FALSE;
    }

  return TRUE;
}

static void
set_account_taken_error (GError     **error,
                         const char  *oa_account,
                         const char  *holder_id,
                         const char  *holder_name,
                         gboolean     holder_deleted)
{
  g_autofree char *holder = person_text (holder_name, holder_id);

  if (holder_deleted)
    g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_ACCOUNT_TAKEN,
                 _("The OA account “%s” is still bound to %s, who was deleted on the "
                   "platform. Run a sync to the OA, which carries the deletion over and frees "
                   "the account, then bind again."),
                 oa_account, holder);
  else
    g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_ACCOUNT_TAKEN,
                 _("The OA account “%s” is already bound to %s. Unbind that person first."),
                 oa_account, holder);
}

/* One change set being written. */
typedef struct
{
  gint64           connector_id;
  const char      *kind;
  gint64           undo_of;
  gint64           now;
  gint64           id;
  guint            n;
  YqBindingResult *result;
} ChangeLog;

static void
change_log_init (ChangeLog       *log,
                 gint64           connector_id,
                 const char      *kind,
                 YqBindingResult *result)
{
  memset (log, 0, sizeof *log);
  log->connector_id = connector_id;
  log->kind = kind;
  log->now = now_seconds ();
  log->result = result;
}

static void
bind_time_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *account,
                   gint64        at)
{
  if (account != NULL)
    sqlite3_bind_int64 (stmt, index, at);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
change_log_begin (YqStore    *store,
                  ChangeLog  *log,
                  GError    **error)
{
  sqlite3_stmt *stmt;

  if (log->id != 0)
    return TRUE;

  stmt = yq_store_prepare (store,
                           "INSERT INTO binding_change_sets (connector_id, kind, undo_of, "
                           "n_changes, actor, at) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log->connector_id);
  sqlite3_bind_text (stmt, 2, log->kind, -1, SQLITE_STATIC);
  if (log->undo_of > 0)
    sqlite3_bind_int64 (stmt, 3, log->undo_of);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, g_get_user_name (), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, log->now);
  if (!yq_store_run (store, stmt, _("Could not record the binding change"), error))
    return FALSE;
  log->id = sqlite3_last_insert_rowid (yq_store_get_db (store));

  return TRUE;
}

/* Sets the binding columns of one person exactly as given. With
 * @only_unbound, a person who is bound or deleted is left alone and
 * @changed is FALSE. */
static gboolean
write_binding (YqStore     *store,
               gint64       connector_id,
               const char  *platform_id,
               const char  *account,
               gint64       bound_at,
               const char  *source,
               gboolean     only_unbound,
               gboolean    *changed,
               GError     **error)
{
  sqlite3_stmt *stmt;

  g_assert ((account == NULL) == (source == NULL));

  stmt = yq_store_prepare (store,
                           only_unbound
                           ? "UPDATE bridge_people SET oa_account = ?3, bound_at = ?4, "
                             "bind_source = ?5 WHERE connector_id = ?1 AND platform_id = ?2 "
                             "AND oa_account IS NULL AND deleted_at IS NULL"
                           : "UPDATE bridge_people SET oa_account = ?3, bound_at = ?4, "
                             "bind_source = ?5 WHERE connector_id = ?1 AND platform_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_TRANSIENT);
  yq_store_bind_text_or_null (stmt, 3, account);
  bind_time_or_null (stmt, 4, account, bound_at);
  yq_store_bind_text_or_null (stmt, 5, source);
  if (!yq_store_run (store, stmt, _("Could not change the binding"), error))
    return FALSE;

  if (changed != NULL)
    *changed = sqlite3_changes (yq_store_get_db (store)) > 0;

  return TRUE;
}

/* Records one person's change in the set (and in the caller's result). */
static gboolean
change_log_record (YqStore            *store,
                   ChangeLog          *log,
                   const char         *platform_id,
                   const PersonState  *old,
                   const char         *account,
                   gint64              bound_at,
                   const char         *source,
                   GError            **error)
{
  sqlite3_stmt *stmt;
  YqBindingChange *change;

  if (!change_log_begin (store, log, error))
    return FALSE;

  stmt = yq_store_prepare (store,
                           "INSERT INTO binding_changes (change_id, seq, connector_id, "
                           "platform_id, old_oa_account, old_bound_at, old_bind_source, "
                           "new_oa_account, new_bound_at, new_bind_source, kind, at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log->id);
  sqlite3_bind_int64 (stmt, 2, log->n);
  sqlite3_bind_int64 (stmt, 3, log->connector_id);
  sqlite3_bind_text (stmt, 4, platform_id, -1, SQLITE_TRANSIENT);
  yq_store_bind_text_or_null (stmt, 5, old->oa_account);
  bind_time_or_null (stmt, 6, old->oa_account, old->bound_at);
  yq_store_bind_text_or_null (stmt, 7, old->oa_account != NULL ? old->bind_source : NULL);
  yq_store_bind_text_or_null (stmt, 8, account);
  bind_time_or_null (stmt, 9, account, bound_at);
  yq_store_bind_text_or_null (stmt, 10, source);
  sqlite3_bind_text (stmt, 11, log->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 12, log->now);
  if (!yq_store_run (store, stmt, _("Could not record the binding change"), error))
    return FALSE;

  log->n++;
  change = g_new0 (YqBindingChange, 1);
  change->platform_id = g_strdup (platform_id);
  change->name = g_strdup (old->name);
  change->old_oa_account = g_strdup (old->oa_account);
  change->new_oa_account = g_strdup (account);
  g_ptr_array_add (log->result->changes, change);

  return TRUE;
}

/* Writes the binding of one person (the binding columns exactly as given)
 * and records the change. @old is the state read before. */
static gboolean
change_log_write (YqStore            *store,
                  ChangeLog          *log,
                  const char         *platform_id,
                  const PersonState  *old,
                  const char         *account,
                  gint64              bound_at,
                  const char         *source,
                  GError            **error)
{
  return write_binding (store, log->connector_id, platform_id, account, bound_at, source,
                        FALSE, NULL, error) &&
         change_log_record (store, log, platform_id, old, account, bound_at, source, error);
}

/* Closes the set: its count and one audit-log line (no secrets: accounts
 * and IDs only appear in the binding tables). */
static gboolean
change_log_finish (YqStore     *store,
                   ChangeLog   *log,
                   const char  *detail,
                   GError     **error)
{
  g_autofree char *action = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;

  log->result->change_id = log->id;
  if (log->id == 0)
    return TRUE;

  stmt = yq_store_prepare (store, "UPDATE binding_change_sets SET n_changes = ?2 WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, log->id);
  sqlite3_bind_int64 (stmt, 2, log->n);
  if (!yq_store_run (store, stmt, _("Could not record the binding change"), error))
    return FALSE;

  action = g_strconcat ("bindings.", log->kind, NULL);
  subject = g_strdup_printf ("connector %lld", (long long) log->connector_id);
  text = g_strdup_printf ("change set %lld: %u binding(s) changed%s%s",
                          (long long) log->id, log->n,
                          detail != NULL ? "; " : "", detail != NULL ? detail : "");

  return yq_store_audit (store, NULL, action, subject, text, error);
}

/* ---- Auto-bind ------------------------------------------------------------ */

typedef struct
{
  gint64           connector_id;
  YqOrgSnapshot   *oa;
  const char      *platform_id;
  const char      *oa_account;
  gint64           change_id;
  YqBindingResult *result;
  YqBindingImportPreview *preview;
} WriteData;

static gboolean
auto_bind_in_transaction (YqStore  *store,
                          gpointer  user_data,
                          GError  **error)
{
  WriteData *data = user_data;
  g_autoptr(YqOrgSnapshot) bridge = NULL;
  g_autoptr(YqSyncLinks) links = NULL;
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  YqPlannerInput input = { 0 };
  const YqPlanCounts *counts;
  GPtrArray *warnings;
  ChangeLog log;
  guint n;

  if (!yq_binding_rule_get (store, data->connector_id, &profile->binding_platform_field,
                            &profile->binding_oa_field, error))
    return FALSE;

  bridge = yq_bridge_directory_snapshot (store, data->connector_id, error);
  if (bridge == NULL)
    return FALSE;
  links = yq_bridge_directory_get_oa_links (store, data->connector_id, FALSE, error);
  if (links == NULL)
    return FALSE;

  input.source = bridge;
  input.target = data->oa;
  input.links = links;
  input.profile = profile;
  input.source_is_platform = TRUE;
  input.previous_people = -1;
  plan = yq_planner_bind (&input);

  change_log_init (&log, data->connector_id, "auto", data->result);
  n = yq_plan_get_n_ops (plan);
  for (guint i = 0; i < n; i++)
    {
      const YqPlanOp *op = yq_plan_get_op (plan, i);
      g_auto(PersonState) old = { 0 };

      if (op->kind != YQ_PLAN_OP_LINK_PERSON)
        continue;
      if (!read_person_locked (store, data->connector_id, op->source_id, &old, error))
        return FALSE;
      /* Bound to an account the OA directory does not have: the planner
       * saw no valid link, but the binding stays. */
      if (old.oa_account != NULL)
        {
          g_autofree char *who = person_text (old.name, op->source_id);

          g_ptr_array_add (data->result->skipped,
                           g_strdup_printf (_("%s is left as it is: bound to “%s”, which is "
                                              "not in the OA directory."),
                                            who, old.oa_account));
          continue;
        }
      if (!change_log_write (store, &log, op->source_id, &old, op->target_id, log.now,
                             yq_bind_source_to_string (YQ_BIND_SOURCE_RULE), error))
        return FALSE;
    }

  warnings = yq_plan_get_warnings (plan);
  for (guint i = 0; i < warnings->len; i++)
    {
      const YqPlanWarning *warning = g_ptr_array_index (warnings, i);

      if (warning->kind == YQ_PLAN_WARNING_AMBIGUOUS_PERSON)
        data->result->n_ambiguous++;
      else if (warning->kind == YQ_PLAN_WARNING_CONFLICTING_PERSON)
        data->result->n_conflicting++;
      else
        continue;
      g_ptr_array_add (data->result->skipped, g_strdup (warning->message));
    }

  counts = yq_plan_get_counts (plan);
  data->result->n_unmatched = counts->skipped_people
                              - MIN (counts->skipped_people,
                                     data->result->n_ambiguous + data->result->n_conflicting);

  return change_log_finish (store, &log, NULL, error);
}

/**
 * yq_bindings_auto_bind:
 * @store: the store
 * @connector_id: the connector
 * @oa: the OA directory to match against
 * @error: return location for an error
 *
 * Returns: (transfer full): what was bound and what was left, or %NULL
 *   with @error set (then nothing was bound)
 */
YqBindingResult *
yq_bindings_auto_bind (YqStore        *store,
                       gint64          connector_id,
                       YqOaDirectory  *oa,
                       GError        **error)
{
  g_autoptr(YqBindingResult) result = binding_result_new ();
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  WriteData data = { 0 };

  data.connector_id = connector_id;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (oa), NULL);

  snapshot = yq_oa_directory_snapshot (oa, error);
  if (snapshot == NULL)
    return NULL;

  data.oa = snapshot;
  data.result = result;
  if (!yq_store_transaction (store, auto_bind_in_transaction, &data, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* ---- Manual bind and unbind ----------------------------------------------- */

static gboolean
read_existing_person (YqStore      *store,
                      gint64        connector_id,
                      const char   *platform_id,
                      PersonState  *state,
                      GError      **error)
{
  if (!read_person_locked (store, connector_id, platform_id, state, error))
    return FALSE;

  if (!state->exists || state->deleted)
    {
      g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_NOT_FOUND,
                   _("“%s” is not in the bridge directory of this connector; sync from the "
                     "platform first."),
                   platform_id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
bind_in_transaction (YqStore  *store,
                     gpointer  user_data,
                     GError  **error)
{
  WriteData *data = user_data;
  g_auto(PersonState) old = { 0 };
  g_autofree char *holder_id = NULL;
  g_autofree char *holder_name = NULL;
  gboolean holder_deleted = FALSE;
  ChangeLog log;

  if (!read_existing_person (store, data->connector_id, data->platform_id, &old, error))
    return FALSE;

  change_log_init (&log, data->connector_id, "manual", data->result);

  if (data->oa_account == NULL)
    {
      if (old.oa_account != NULL &&
          !change_log_write (store, &log, data->platform_id, &old, NULL, 0, NULL, error))
        return FALSE;
      return change_log_finish (store, &log, NULL, error);
    }

  if (!find_holder_locked (store, data->connector_id, data->oa_account, data->platform_id,
                           &holder_id, &holder_name, &holder_deleted, error))
    return FALSE;
  if (holder_id != NULL)
    {
      set_account_taken_error (error, data->oa_account, holder_id, holder_name, holder_deleted);
      return FALSE;
    }

  /* Already bound so: nothing changes. */
  if (old.oa_account != NULL && g_ascii_strcasecmp (old.oa_account, data->oa_account) == 0)
    return change_log_finish (store, &log, NULL, error);

  if (!change_log_write (store, &log, data->platform_id, &old, data->oa_account, log.now,
                         yq_bind_source_to_string (YQ_BIND_SOURCE_MANUAL), error))
    return FALSE;

  return change_log_finish (store, &log, NULL, error);
}

static YqBindingResult *
bind_one (YqStore     *store,
          gint64       connector_id,
          const char  *platform_id,
          const char  *oa_account,
          GError     **error)
{
  g_autoptr(YqBindingResult) result = binding_result_new ();
  WriteData data = { 0 };

  data.connector_id = connector_id;

  data.platform_id = platform_id;
  data.oa_account = oa_account;
  data.result = result;
  if (!yq_store_transaction (store, bind_in_transaction, &data, error))
    return NULL;

  return g_steal_pointer (&result);
}

/**
 * yq_bindings_bind:
 * @store: the store
 * @connector_id: the connector
 * @platform_id: the bridge person
 * @oa_account: the OA account
 * @error: return location for an error
 *
 * Returns: (transfer full): the change (none when the person was already
 *   bound to @oa_account), or %NULL with @error set
 */
YqBindingResult *
yq_bindings_bind (YqStore     *store,
                  gint64       connector_id,
                  const char  *platform_id,
                  const char  *oa_account,
                  GError     **error)
{
  g_autofree char *account = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (platform_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  account = g_strstrip (g_strdup (oa_account != NULL ? oa_account : ""));
  if (*account == '\0')
    {
      g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_INVALID,
                   _("No OA account was given; choose the OA person to bind to."));
      return NULL;
    }

  return bind_one (store, connector_id, platform_id, account, error);
}

YqBindingResult *
yq_bindings_unbind (YqStore     *store,
                    gint64       connector_id,
                    const char  *platform_id,
                    GError     **error)
{
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (platform_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return bind_one (store, connector_id, platform_id, NULL, error);
}

/* ---- Batch unbind ------------------------------------------------------- */

static gboolean
unbind_all_in_transaction (YqStore  *store,
                           gpointer  user_data,
                           GError  **error)
{
  WriteData *data = user_data;
  sqlite3_stmt *stmt;
  ChangeLog log;
  int rc;

  change_log_init (&log, data->connector_id, "unbind-all", data->result);

  /* Set-based: a connector may have 100,000 bindings. */
  stmt = yq_store_prepare (store,
                           "SELECT platform_id, name, oa_account FROM bridge_people "
                           "WHERE connector_id = ?1 AND oa_account IS NOT NULL "
                           "AND deleted_at IS NULL ORDER BY platform_id",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqBindingChange *change = g_new0 (YqBindingChange, 1);

      change->platform_id = column_dup (stmt, 0);
      change->name = column_dup (stmt, 1);
      change->old_oa_account = column_dup (stmt, 2);
      g_ptr_array_add (data->result->changes, change);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bindings"));
      return FALSE;
    }

  if (data->result->changes->len == 0)
    return change_log_finish (store, &log, NULL, error);

  if (!change_log_begin (store, &log, error))
    return FALSE;

  stmt = yq_store_prepare (store,
                           "INSERT INTO binding_changes (change_id, seq, connector_id, "
                           "platform_id, old_oa_account, old_bound_at, old_bind_source, "
                           "new_oa_account, new_bound_at, new_bind_source, kind, at) "
                           "SELECT ?2, row_number () OVER (ORDER BY platform_id) - 1, "
                           "connector_id, platform_id, oa_account, bound_at, bind_source, "
                           "NULL, NULL, NULL, 'unbind-all', ?3 FROM bridge_people "
                           "WHERE connector_id = ?1 AND oa_account IS NOT NULL "
                           "AND deleted_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  sqlite3_bind_int64 (stmt, 2, log.id);
  sqlite3_bind_int64 (stmt, 3, log.now);
  if (!yq_store_run (store, stmt, _("Could not record the binding change"), error))
    return FALSE;
  log.n = sqlite3_changes (yq_store_get_db (store));

  stmt = yq_store_prepare (store,
                           "UPDATE bridge_people SET oa_account = NULL, bound_at = NULL, "
                           "bind_source = NULL WHERE connector_id = ?1 "
                           "AND oa_account IS NOT NULL AND deleted_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  if (!yq_store_run (store, stmt, _("Could not remove the bindings"), error))
    return FALSE;

  g_assert (log.n == data->result->changes->len);

  return change_log_finish (store, &log, NULL, error);
}

/**
 * yq_bindings_unbind_all:
 * @store: the store
 * @connector_id: the connector
 * @error: return location for an error
 *
 * Returns: (transfer full): the bindings removed (change_id 0 when there
 *   were none), or %NULL with @error set (then nothing was unbound)
 */
YqBindingResult *
yq_bindings_unbind_all (YqStore  *store,
                        gint64    connector_id,
                        GError  **error)
{
  g_autoptr(YqBindingResult) result = binding_result_new ();
  WriteData data = { 0 };

  data.connector_id = connector_id;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.result = result;
  if (!yq_store_transaction (store, unbind_all_in_transaction, &data, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* ---- Undo ---------------------------------------------------------------- */

typedef struct
{
  char   *platform_id;
  char   *old_account;
  gint64  old_bound_at;
  char   *old_source;
  char   *new_account;
  gint64  new_bound_at;
  char   *new_source;
} ChangeRow;

static void
change_row_clear (ChangeRow *row)
{
  g_free (row->platform_id);
  g_free (row->old_account);
  g_free (row->old_source);
  g_free (row->new_account);
  g_free (row->new_source);
}

static gboolean
state_is (const PersonState *state,
          const char        *account,
          gint64             bound_at,
          const char        *source)
{
  if (account == NULL)
    return state->oa_account == NULL;

  return state->oa_account != NULL &&
         strcmp (state->oa_account, account) == 0 &&
         state->bound_at == bound_at &&
         g_strcmp0 (state->bind_source, source) == 0;
}

static gboolean
undo_in_transaction (YqStore  *store,
                     gpointer  user_data,
                     GError  **error)
{
  WriteData *data = user_data;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (ChangeRow));
  g_autofree char *kind = NULL;
  gint64 undone_by = 0;
  sqlite3_stmt *stmt;
  ChangeLog log;
  int rc;

  g_array_set_clear_func (rows, (GDestroyNotify) change_row_clear);

  stmt = yq_store_prepare (store,
                           "SELECT connector_id, kind, "
                           "(SELECT id FROM binding_change_sets u WHERE u.undo_of = s.id) "
                           "FROM binding_change_sets s WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->change_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      data->connector_id = sqlite3_column_int64 (stmt, 0);
      kind = column_dup (stmt, 1);
      undone_by = sqlite3_column_int64 (stmt, 2);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the binding history"));
      return FALSE;
    }
  if (kind == NULL)
    {
      g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_NOT_FOUND,
                   _("There is no binding change %lld; see the binding history for the "
                     "changes that can be undone."),
                   (long long) data->change_id);
      return FALSE;
    }
  if (undone_by > 0)
    {
      g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_ALREADY_UNDONE,
                   _("Binding change %lld was already undone by change %lld; undo that one "
                     "instead to redo it."),
                   (long long) data->change_id, (long long) undone_by);
      return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "SELECT platform_id, old_oa_account, old_bound_at, old_bind_source, "
                           "new_oa_account, new_bound_at, new_bind_source "
                           "FROM binding_changes WHERE change_id = ?1 ORDER BY platform_id",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->change_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ChangeRow row;

      row.platform_id = column_dup (stmt, 0);
      row.old_account = column_dup (stmt, 1);
      row.old_bound_at = sqlite3_column_int64 (stmt, 2);
      row.old_source = column_dup (stmt, 3);
      row.new_account = column_dup (stmt, 4);
      row.new_bound_at = sqlite3_column_int64 (stmt, 5);
      row.new_source = column_dup (stmt, 6);
      g_array_append_val (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the binding history"));
      return FALSE;
    }

  change_log_init (&log, data->connector_id, "undo", data->result);
  log.undo_of = data->change_id;

  /* Unbinding first frees the accounts that the rebinding takes back. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < rows->len; i++)
      {
        const ChangeRow *row = &g_array_index (rows, ChangeRow, i);
        g_auto(PersonState) current = { 0 };
        g_autofree char *holder_id = NULL;
        g_autofree char *holder_name = NULL;
        gboolean holder_deleted = FALSE;
        g_autofree char *who = NULL;

        if ((pass == 0) != (row->old_account == NULL))
          continue;

        if (!read_person_locked (store, data->connector_id, row->platform_id, &current, error))
          return FALSE;

        who = person_text (current.name, row->platform_id);
        if (!current.exists)
          {
            g_ptr_array_add (data->result->skipped,
                             g_strdup_printf (_("%s is no longer in the bridge directory."),
                                              row->platform_id));
            continue;
          }
        if (!state_is (&current, row->new_account, row->new_bound_at, row->new_source))
          {
            g_ptr_array_add (data->result->skipped,
                             g_strdup_printf (_("%s was bound differently since (now: %s); "
                                                "their binding is left as it is."),
                                              who,
                                              current.oa_account != NULL ? current.oa_account
                                                                         : _("unbound")));
            continue;
          }

        if (row->old_account != NULL)
          {
            if (!find_holder_locked (store, data->connector_id, row->old_account,
                                     row->platform_id, &holder_id, &holder_name,
                                     &holder_deleted, error))
              return FALSE;
            if (holder_id != NULL)
              {
                g_autofree char *holder = person_text (holder_name, holder_id);

                g_ptr_array_add (data->result->skipped,
                                 g_strdup_printf (_("%s is not bound back to “%s”: that OA "
                                                    "account is bound to %s now."),
                                                  who, row->old_account, holder));
                continue;
              }
          }

        if (!change_log_write (store, &log, row->platform_id, &current, row->old_account,
                               row->old_bound_at, row->old_source, error))
          return FALSE;
      }

  {
    g_autofree char *detail = g_strdup_printf ("undo of change set %lld (%s), %u skipped",
                                               (long long) data->change_id, kind,
                                               data->result->skipped->len);

    return change_log_finish (store, &log, detail, error);
  }
}

YqBindingResult *
yq_bindings_undo (YqStore  *store,
                  gint64    change_id,
                  GError  **error)
{
  g_autoptr(YqBindingResult) result = binding_result_new ();
  WriteData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.change_id = change_id;
  data.result = result;
  if (!yq_store_transaction (store, undo_in_transaction, &data, error))
    return NULL;

  return g_steal_pointer (&result);
}

/* ---- History ------------------------------------------------------------- */

void
yq_binding_change_set_free (YqBindingChangeSet *set)
{
  if (set == NULL)
    return;

  g_free (set->kind);
  g_free (set->actor);
  g_free (set);
}

/**
 * yq_bindings_history:
 * @store: the store
 * @connector_id: the connector
 * @limit: at most this many sets; 0 for all
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YqBindingChangeSet): the change
 *   sets, newest first, or %NULL with @error set
 */
GPtrArray *
yq_bindings_history (YqStore  *store,
                     gint64    connector_id,
                     guint     limit,
                     GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) sets = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "SELECT s.id, s.kind, coalesce (s.undo_of, 0), "
                           "coalesce ((SELECT u.id FROM binding_change_sets u "
                           "           WHERE u.undo_of = s.id), 0), "
                           "s.n_changes, s.actor, s.at FROM binding_change_sets s "
                           "WHERE s.connector_id = ?1 ORDER BY s.id DESC LIMIT ?2",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (sqlite3_int64) limit : -1);
  sets = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_binding_change_set_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqBindingChangeSet *set = g_new0 (YqBindingChangeSet, 1);

      set->id = sqlite3_column_int64 (stmt, 0);
      set->kind = column_dup (stmt, 1);
      set->undo_of = sqlite3_column_int64 (stmt, 2);
      set->undone_by = sqlite3_column_int64 (stmt, 3);
      set->n_changes = sqlite3_column_int (stmt, 4);
      set->actor = column_dup (stmt, 5);
      set->at = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (sets, set);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the binding history"));
      return NULL;
    }

  return g_steal_pointer (&sets);
}

/* ---- Import ----------------------------------------------------------------- */

const char *
yq_binding_key_field_to_string (YqBindingKeyField field)
{
  switch (field)
    {
    case YQ_BINDING_KEY_ACCOUNT:    return "account";
    case YQ_BINDING_KEY_JOB_NUMBER: return "job-number";
    case YQ_BINDING_KEY_MOBILE:     return "mobile";
    case YQ_BINDING_KEY_EMAIL:      return "email";
    default:                        g_return_val_if_reached ("account");
    }
}

gboolean
yq_binding_key_field_from_string (const char        *text,
                                  YqBindingKeyField *field)
{
  for (YqBindingKeyField f = YQ_BINDING_KEY_ACCOUNT; f <= YQ_BINDING_KEY_EMAIL; f++)
    if (g_strcmp0 (text, yq_binding_key_field_to_string (f)) == 0)
      {
        *field = f;
        return TRUE;
      }

  return FALSE;
}

static const char *
key_field_label (YqBindingKeyField field)
{
  switch (field)
    {
    case YQ_BINDING_KEY_ACCOUNT:    return _("OA account");
    case YQ_BINDING_KEY_JOB_NUMBER: return _("job number");
    case YQ_BINDING_KEY_MOBILE:     return _("mobile");
    case YQ_BINDING_KEY_EMAIL:      return _("e-mail");
    default:                        g_return_val_if_reached ("");
    }
}

const char *
yq_binding_import_status_to_label (YqBindingImportStatus status)
{
  switch (status)
    {
    case YQ_BINDING_IMPORT_WILL_BIND:      return _("Will bind");
    case YQ_BINDING_IMPORT_ALREADY_BOUND:  return _("Already bound");
    case YQ_BINDING_IMPORT_BOUND_TO_OTHER: return _("Bound to someone else");
    case YQ_BINDING_IMPORT_NOT_FOUND:      return _("Not found");
    case YQ_BINDING_IMPORT_AMBIGUOUS:      return _("Ambiguous");
    case YQ_BINDING_IMPORT_INVALID:        return _("Invalid");
    case YQ_N_BINDING_IMPORT_STATUSES:
    default:
      g_return_val_if_reached ("");
    }
}

static char *
normalize_mobile (const char *value)
{
  char digits[32];
  gsize n = 0;
  const char *start;

  for (const char *c = value; *c != '\0'; c++)
    {
      if (g_ascii_isdigit (*c))
        {
          if (n + 1 >= sizeof digits)
            return NULL;
          digits[n++] = *c;
        }
      else if (!strchr (" -+()", *c))
        return NULL;
    }
  digits[n] = '\0';

  start = digits;
  /* A mainland number with the country code: 86 / 0086 + 11 digits. */
  if (n == 13 && g_str_has_prefix (digits, "86") && digits[2] == '1')
    start += 2;
  else if (n == 15 && g_str_has_prefix (digits, "0086") && digits[4] == '1')
    start += 4;

  n = strlen (start);
  if (n < 5 || n > 15)
    return NULL;

  return g_strdup (start);
}

char *
yq_binding_key_normalize (YqBindingKeyField  field,
                          const char        *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    return NULL;

  text = g_strstrip (g_strdup (value));
  if (*text == '\0')
    return NULL;
  for (const char *c = text; *c != '\0'; c++)
    if ((guchar) *c < 0x20)
      return NULL;

  switch (field)
    {
    case YQ_BINDING_KEY_MOBILE:
      return normalize_mobile (text);

    case YQ_BINDING_KEY_EMAIL:
      {
        const char *at = strchr (text, '@');

        if (at == NULL || at == text || at[1] == '\0' || strchr (at + 1, '@') != NULL ||
            strchr (text, ' ') != NULL)
          return NULL;
        return g_ascii_strdown (text, -1);
      }

    case YQ_BINDING_KEY_ACCOUNT:
      return g_ascii_strdown (text, -1);

    case YQ_BINDING_KEY_JOB_NUMBER:
    default:
      return g_steal_pointer (&text);
    }
}

YqBindingImportRow *
yq_binding_import_row_new (guint               row_number,
                           const char         *platform_id,
                           const char         *key,
                           const char * const *cells)
{
  guint n_cells = cells != NULL ? g_strv_length ((char **) cells) : 0;
  gsize size = sizeof (YqBindingImportRow) + (n_cells + 1) * sizeof (char *);
  YqBindingImportRow *row;
  char *text;

  /* One block per row: a large import holds 100,000 of them. */
  if (platform_id != NULL)
    size += strlen (platform_id) + 1;
  if (key != NULL)
    size += strlen (key) + 1;
  for (guint i = 0; i < n_cells; i++)
    size += strlen (cells[i]) + 1;

  row = g_malloc (size);
  row->row_number = row_number;
  row->cells = cells != NULL ? (char **) (row + 1) : NULL;
  text = (char *) (row + 1) + (n_cells + 1) * sizeof (char *);
  row->platform_id = platform_id != NULL ? text : NULL;
  if (platform_id != NULL)
    text = g_stpcpy (text, platform_id) + 1;
  row->key = key != NULL ? text : NULL;
  if (key != NULL)
    text = g_stpcpy (text, key) + 1;
  for (guint i = 0; i < n_cells; i++)
    {
      row->cells[i] = text;
      text = g_stpcpy (text, cells[i]) + 1;
    }
  if (row->cells != NULL)
    row->cells[n_cells] = NULL;

  return row;
}

void
yq_binding_import_row_free (YqBindingImportRow *row)
{
  /* The strings live in the row's own block. */
  g_free (row);
}

static void
import_item_free (YqBindingImportItem *item)
{
  yq_binding_import_row_free (item->row);
  g_free (item->platform_id);
  g_free (item->platform_name);
  g_free (item->oa_account);
  g_free (item->oa_name);
  g_free (item->message);
  g_free (item);
}

void
yq_binding_import_preview_free (YqBindingImportPreview *preview)
{
  if (preview == NULL)
    return;

  g_clear_pointer (&preview->items, g_ptr_array_unref);
  g_strfreev (preview->header);
  g_free (preview);
}

/* A bridge person as the import sees it. */
typedef struct
{
  char     *platform_id;
  char     *name;
  char     *key;          /* the platform side of the key field, normalised */
  char     *oa_account;
  gboolean  deleted;
} BridgePerson;

/* Matches of one key value: how many, and the first. */
typedef struct
{
  guint n;
  guint first;
  guint n_inactive;
  guint first_inactive;
} KeyMatch;

static YqPersonField
platform_field_for_key (YqBindingKeyField field)
{
  switch (field)
    {
    case YQ_BINDING_KEY_ACCOUNT:    return YQ_PERSON_FIELD_ACCOUNT_CODE;
    case YQ_BINDING_KEY_JOB_NUMBER: return YQ_PERSON_FIELD_JOB_NUMBER;
    case YQ_BINDING_KEY_MOBILE:     return YQ_PERSON_FIELD_MOBILE;
    case YQ_BINDING_KEY_EMAIL:      return YQ_PERSON_FIELD_EMAIL;
    default:                        g_return_val_if_reached (YQ_PERSON_FIELD_NONE);
    }
}

static const char *
oa_key_value (const YqOrgPerson *person,
              YqBindingKeyField  field)
{
  if (field == YQ_BINDING_KEY_ACCOUNT)
    return person->id;

  return yq_org_person_get_field (person, platform_field_for_key (field));
}

static void
key_match_add (GHashTable *index,
               char       *key,
               guint       i,
               gboolean    active)
{
  KeyMatch *match = g_hash_table_lookup (index, key);

  if (match == NULL)
    {
      match = g_new0 (KeyMatch, 1);
      g_hash_table_insert (index, key, match);
    }
  else
    g_free (key);

  if (active)
    {
      if (match->n++ == 0)
        match->first = i;
    }
  else if (match->n_inactive++ == 0)
    match->first_inactive = i;
}

static gboolean
read_bridge_people (YqStore            *store,
                    gint64              connector_id,
                    YqBindingKeyField   field,
                    GArray             *people,
                    GError            **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  YqPersonField platform_field = platform_field_for_key (field);
  const char *columns[] = {
    [YQ_PERSON_FIELD_MOBILE] = "mobile",
    [YQ_PERSON_FIELD_EMAIL] = "email",
    [YQ_PERSON_FIELD_JOB_NUMBER] = "job_number",
    [YQ_PERSON_FIELD_ACCOUNT_CODE] = "account_code",
  };
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  sql = g_strdup_printf ("SELECT platform_id, name, %s, oa_account, deleted_at "
                         "FROM bridge_people WHERE connector_id = ?1",
                         columns[platform_field]);
  stmt = yq_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BridgePerson person;

      person.platform_id = column_dup (stmt, 0);
      person.name = column_dup (stmt, 1);
      person.key = yq_binding_key_normalize (field, (const char *) sqlite3_column_text (stmt, 2));
      person.oa_account = column_dup (stmt, 3);
      person.deleted = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
      g_array_append_val (people, person);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      return FALSE;
    }

  return TRUE;
}

static void
bridge_person_clear (BridgePerson *person)
{
  g_free (person->platform_id);
  g_free (person->name);
  g_free (person->key);
  g_free (person->oa_account);
}

static void
set_item (YqBindingImportItem    *item,
          YqBindingImportStatus   status,
          char                   *message)
{
  item->status = status;
  g_free (item->message);
  item->message = message;
}

/**
 * yq_bindings_import_preview:
 * @store: the store
 * @connector_id: the connector
 * @oa: the OA directory
 * @field: what the key values are
 * @rows: (element-type YqBindingImportRow) (transfer container): the rows
 * @error: return location for an error
 *
 * Nothing is written.
 *
 * Returns: (transfer full): the preview, or %NULL with @error set
 */
YqBindingImportPreview *
yq_bindings_import_preview (YqStore            *store,
                            gint64              connector_id,
                            YqOaDirectory      *oa,
                            YqBindingKeyField   field,
                            GPtrArray          *rows,
                            GError            **error)
{
  g_autoptr(YqBindingImportPreview) preview = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GArray) people = NULL;
  g_autoptr(GHashTable) by_id = NULL;        /* platform ID → index + 1 */
  g_autoptr(GHashTable) holders = NULL;      /* lower-case OA account → index + 1 */
  g_autoptr(GHashTable) by_platform_key = NULL;
  g_autoptr(GHashTable) by_oa_key = NULL;
  g_autoptr(GHashTable) seen_people = NULL;  /* platform ID → row number */
  g_autoptr(GHashTable) claimed = NULL;      /* lower-case OA account → row number */
  const char *label = key_field_label (field);
  guint n_oa;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (oa), NULL);
  g_return_val_if_fail (rows != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  snapshot = yq_oa_directory_snapshot (oa, error);
  if (snapshot == NULL)
    return NULL;

  people = g_array_new (FALSE, TRUE, sizeof (BridgePerson));
  g_array_set_clear_func (people, (GDestroyNotify) bridge_person_clear);
  if (!read_bridge_people (store, connector_id, field, people, error))
    return NULL;

  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  holders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  by_platform_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < people->len; i++)
    {
      BridgePerson *person = &g_array_index (people, BridgePerson, i);

      g_hash_table_insert (by_id, person->platform_id, GUINT_TO_POINTER (i + 1));
      if (person->oa_account != NULL)
        g_hash_table_insert (holders, g_ascii_strdown (person->oa_account, -1),
                             GUINT_TO_POINTER (i + 1));
      if (person->key != NULL && !person->deleted)
        key_match_add (by_platform_key, g_strdup (person->key), i, TRUE);
    }

  by_oa_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  n_oa = yq_org_snapshot_get_n_people (snapshot);
  for (guint i = 0; i < n_oa; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);
      char *key = yq_binding_key_normalize (field, oa_key_value (person, field));

      if (key != NULL)
        key_match_add (by_oa_key, key, i, person->active);
    }

  seen_people = g_hash_table_new (g_str_hash, g_str_equal);
  claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  preview = g_new0 (YqBindingImportPreview, 1);
  preview->connector_id = connector_id;
  preview->field = field;
  preview->items = g_ptr_array_new_full (rows->len, (GDestroyNotify) import_item_free);

  for (guint r = 0; r < rows->len; r++)
    {
      YqBindingImportItem *item = g_new0 (YqBindingImportItem, 1);
      g_autofree char *key = NULL;
      g_autofree char *platform_id = NULL;
      g_autofree char *who = NULL;
      g_autofree char *oa_who = NULL;
      const BridgePerson *person = NULL;
      const YqOrgPerson *oa_person;
      const KeyMatch *match;
      guint index;
      guint earlier;

      item->row = g_steal_pointer (&g_ptr_array_index (rows, r));
      g_ptr_array_add (preview->items, item);

      key = yq_binding_key_normalize (field, item->row->key);
      platform_id = g_strstrip (g_strdup (item->row->platform_id != NULL
                                          ? item->row->platform_id : ""));

      if (key == NULL)
        {
          if (is_blank (item->row->key))
            set_item (item, YQ_BINDING_IMPORT_INVALID,
                      g_strdup_printf (_("The %s is empty."), label));
          else
            set_item (item, YQ_BINDING_IMPORT_INVALID,
                      g_strdup_printf (_("“%s” is not a valid %s."), item->row->key, label));
          continue;
        }

      /* The platform person. */
      if (*platform_id != '\0')
        {
          index = GPOINTER_TO_UINT (g_hash_table_lookup (by_id, platform_id));
          if (index == 0 || g_array_index (people, BridgePerson, index - 1).deleted)
            {
              set_item (item, YQ_BINDING_IMPORT_NOT_FOUND,
                        g_strdup_printf (_("No person with the platform ID “%s” is in the "
                                           "bridge directory; sync from the platform first."),
                                         platform_id));
              continue;
            }
          person = &g_array_index (people, BridgePerson, index - 1);
        }
      else
        {
          match = g_hash_table_lookup (by_platform_key, key);
          if (match == NULL)
            {
              set_item (item, YQ_BINDING_IMPORT_NOT_FOUND,
                        g_strdup_printf (_("No platform person has the %s “%s”; give the "
                                           "platform ID."),
                                         label, item->row->key));
              continue;
            }
          if (match->n > 1)
            {
              set_item (item, YQ_BINDING_IMPORT_AMBIGUOUS,
                        g_strdup_printf (_("%u platform people have the %s “%s”; give the "
                                           "platform ID."),
                                         match->n, label, item->row->key));
              continue;
            }
          person = &g_array_index (people, BridgePerson, match->first);
        }

      item->platform_id = g_strdup (person->platform_id);
      item->platform_name = g_strdup (person->name);
      who = person_text (person->name, person->platform_id);

      earlier = GPOINTER_TO_UINT (g_hash_table_lookup (seen_people, person->platform_id));
      if (earlier > 0)
        {
          set_item (item, YQ_BINDING_IMPORT_INVALID,
                    g_strdup_printf (_("Row %u already names %s; keep one row per person."),
                                     earlier, who));
          continue;
        }
      g_hash_table_insert (seen_people, person->platform_id,
                           GUINT_TO_POINTER (MAX (item->row->row_number, 1)));

      /* The OA person. */
      match = g_hash_table_lookup (by_oa_key, key);
      if (match == NULL || match->n == 0)
        {
          if (match != NULL)
            {
              oa_person = yq_org_snapshot_get_person (snapshot, match->first_inactive);
              set_item (item, YQ_BINDING_IMPORT_NOT_FOUND,
                        g_strdup_printf (_("The OA person with the %s “%s”, %s (%s), is "
                                           "disabled."),
                                         label, item->row->key, oa_person->name, oa_person->id));
            }
          else
            set_item (item, YQ_BINDING_IMPORT_NOT_FOUND,
                      g_strdup_printf (_("No OA person has the %s “%s”."),
                                       label, item->row->key));
          continue;
        }
      if (match->n > 1)
        {
          set_item (item, YQ_BINDING_IMPORT_AMBIGUOUS,
                    g_strdup_printf (_("%u OA people have the %s “%s”; use their OA account "
                                       "instead."),
                                     match->n, label, item->row->key));
          continue;
        }

      oa_person = yq_org_snapshot_get_person (snapshot, match->first);
      item->oa_account = g_strdup (oa_person->id);
      item->oa_name = g_strdup (oa_person->name);
      oa_who = person_text (oa_person->name, oa_person->id);

      if (person->oa_account != NULL)
        {
          if (g_ascii_strcasecmp (person->oa_account, oa_person->id) == 0)
            set_item (item, YQ_BINDING_IMPORT_ALREADY_BOUND,
                      g_strdup_printf (_("%s is already bound to %s."), who, oa_who));
          else
            set_item (item, YQ_BINDING_IMPORT_BOUND_TO_OTHER,
                      g_strdup_printf (_("%s is bound to another OA account, “%s”; unbind "
                                         "them first to bind them to %s."),
                                       who, person->oa_account, oa_who));
          continue;
        }

      {
        g_autofree char *lower = g_ascii_strdown (oa_person->id, -1);

        index = GPOINTER_TO_UINT (g_hash_table_lookup (holders, lower));
        if (index > 0)
          {
            const BridgePerson *holder = &g_array_index (people, BridgePerson, index - 1);
            g_autofree char *holder_who = person_text (holder->name, holder->platform_id);

            set_item (item, YQ_BINDING_IMPORT_BOUND_TO_OTHER,
                      holder->deleted
                      ? g_strdup_printf (_("%s is still bound to %s, who was deleted on the "
                                           "platform; run a sync to the OA first."),
                                         oa_who, holder_who)
                      : g_strdup_printf (_("%s is bound to another platform person, %s."),
                                         oa_who, holder_who));
            continue;
          }

        earlier = GPOINTER_TO_UINT (g_hash_table_lookup (claimed, lower));
        if (earlier > 0)
          {
            set_item (item, YQ_BINDING_IMPORT_INVALID,
                      g_strdup_printf (_("Row %u already binds %s to another person."),
                                       earlier, oa_who));
            continue;
          }
        g_hash_table_insert (claimed, g_steal_pointer (&lower),
                             GUINT_TO_POINTER (MAX (item->row->row_number, 1)));
      }

      set_item (item, YQ_BINDING_IMPORT_WILL_BIND,
                g_strdup_printf (_("%s will be bound to %s."), who, oa_who));
    }

  /* The rows now belong to the items. */
  g_ptr_array_set_size (rows, 0);

  for (guint i = 0; i < preview->items->len; i++)
    {
      const YqBindingImportItem *item = g_ptr_array_index (preview->items, i);

      preview->counts[item->status]++;
    }

  return g_steal_pointer (&preview);
}

static int
compare_items_by_person (gconstpointer a,
                         gconstpointer b)
{
  const YqBindingImportItem *item_a = *(YqBindingImportItem * const *) a;
  const YqBindingImportItem *item_b = *(YqBindingImportItem * const *) b;

  return strcmp (item_a->platform_id, item_b->platform_id);
}

static gboolean
import_apply_in_transaction (YqStore  *store,
                             gpointer  user_data,
                             GError  **error)
{
  WriteData *data = user_data;
  YqBindingImportPreview *preview = data->preview;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  const char *source = yq_bind_source_to_string (YQ_BIND_SOURCE_IMPORT);
  ChangeLog log;

  change_log_init (&log, preview->connector_id, "import", data->result);

  /* In the order of the table's key, so that a large import walks the
   * bridge directory once instead of jumping around in it. */
  for (guint i = 0; i < preview->items->len; i++)
    {
      YqBindingImportItem *item = g_ptr_array_index (preview->items, i);

      if (item->status == YQ_BINDING_IMPORT_WILL_BIND)
        g_ptr_array_add (items, item);
    }
  g_ptr_array_sort (items, compare_items_by_person);

  for (guint i = 0; i < items->len; i++)
    {
      const YqBindingImportItem *item = g_ptr_array_index (items, i);
      PersonState old = { TRUE, FALSE, item->platform_name };
      g_autoptr(GError) local_error = NULL;
      gboolean changed = FALSE;

      /* The person must still be unbound, and the account free (the
       * unique index says so): the preview promised both. */
      if (!write_binding (store, preview->connector_id, item->platform_id, item->oa_account,
                          log.now, source, TRUE, &changed, &local_error))
        {
          g_autofree char *holder_id = NULL;
          g_autofree char *holder_name = NULL;
          g_autofree char *holder = NULL;
          gboolean holder_deleted = FALSE;

          if (!g_error_matches (local_error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT) ||
              !find_holder_locked (store, preview->connector_id, item->oa_account,
                                   item->platform_id, &holder_id, &holder_name,
                                   &holder_deleted, NULL) ||
              holder_id == NULL)
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Row %u: "),
                                          item->row->row_number);
              return FALSE;
            }

          holder = person_text (holder_name, holder_id);
          g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_STALE,
                       _("Row %u: the OA account “%s” was bound to %s since the preview. "
                         "Nothing was imported; preview the file again."),
                       item->row->row_number, item->oa_account, holder);
          return FALSE;
        }

      if (!changed)
        {
          g_set_error (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_STALE,
                       _("Row %u: %s was bound or removed since the preview. Nothing was "
                         "imported; preview the file again."),
                       item->row->row_number, item->platform_id);
          return FALSE;
        }

      if (!change_log_record (store, &log, item->platform_id, &old, item->oa_account, log.now,
                              source, error))
        return FALSE;
    }

  {
    g_autofree char *detail = g_strdup_printf ("import by %s",
                                               yq_binding_key_field_to_string (preview->field));

    return change_log_finish (store, &log, detail, error);
  }
}

/**
 * yq_bindings_import_apply:
 * @store: the store
 * @preview: a preview of the same store
 * @error: return location for an error
 *
 * Returns: (transfer full): the bindings made, or %NULL with @error set
 *   (then nothing was bound)
 */
YqBindingResult *
yq_bindings_import_apply (YqStore                 *store,
                          YqBindingImportPreview  *preview,
                          GError                 **error)
{
  g_autoptr(YqBindingResult) result = binding_result_new ();
  WriteData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (preview != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.preview = preview;
  data.result = result;
  if (!yq_store_transaction (store, import_apply_in_transaction, &data, error))
    return NULL;

  return g_steal_pointer (&result);
}

static gboolean
is_rejected (YqBindingImportStatus status)
{
  return status != YQ_BINDING_IMPORT_WILL_BIND && status != YQ_BINDING_IMPORT_ALREADY_BOUND;
}

static void
csv_append (GString    *csv,
            const char *value,
            gboolean    first)
{
  if (!first)
    g_string_append_c (csv, ',');

  if (value == NULL)
    return;

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (csv, value);
      return;
    }

  g_string_append_c (csv, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *c);
    }
  g_string_append_c (csv, '"');
}

/**
 * yq_binding_import_rejected_csv:
 * @preview: a preview
 * @length: (out) (optional): the length in bytes
 *
 * Lines end in CRLF. When the rows carry their original cells, the header
 * repeats #YqBindingImportPreview.header after the three report columns.
 *
 * Returns: (transfer full): the report
 */
char *
yq_binding_import_rejected_csv (YqBindingImportPreview *preview,
                                gsize                  *length)
{
  GString *csv = g_string_new ("\xEF\xBB\xBF");
  gboolean with_cells = FALSE;

  g_return_val_if_fail (preview != NULL, NULL);

  for (guint i = 0; i < preview->items->len && !with_cells; i++)
    {
      const YqBindingImportItem *item = g_ptr_array_index (preview->items, i);

      with_cells = is_rejected (item->status) && item->row->cells != NULL;
    }

  csv_append (csv, _("Row"), TRUE);
  csv_append (csv, _("Status"), FALSE);
  csv_append (csv, _("Message"), FALSE);
  if (with_cells)
    {
      for (guint i = 0; preview->header != NULL && preview->header[i] != NULL; i++)
        csv_append (csv, preview->header[i], FALSE);
    }
  else
    {
      csv_append (csv, _("Platform ID"), FALSE);
      csv_append (csv, key_field_label (preview->field), FALSE);
    }
  g_string_append (csv, "\r\n");

  for (guint i = 0; i < preview->items->len; i++)
    {
      const YqBindingImportItem *item = g_ptr_array_index (preview->items, i);
      char number[16];

      if (!is_rejected (item->status))
        continue;

      g_snprintf (number, sizeof number, "%u", item->row->row_number);
      csv_append (csv, number, TRUE);
      csv_append (csv, yq_binding_import_status_to_label (item->status), FALSE);
      csv_append (csv, item->message, FALSE);
      if (with_cells)
        {
          for (guint c = 0; item->row->cells != NULL && item->row->cells[c] != NULL; c++)
            csv_append (csv, item->row->cells[c], FALSE);
        }
      else
        {
          csv_append (csv, item->row->platform_id, FALSE);
          csv_append (csv, item->row->key, FALSE);
        }
      g_string_append (csv, "\r\n");
    }

  if (length != NULL)
    *length = csv->len;

  return g_string_free (csv, FALSE);
}

gboolean
yq_binding_import_write_rejected (YqBindingImportPreview  *preview,
                                  GFile                   *file,
                                  GCancellable            *cancellable,
                                  GError                 **error)
{
  g_autofree char *csv = NULL;
  gsize length = 0;

  g_return_val_if_fail (preview != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  csv = yq_binding_import_rejected_csv (preview, &length);
  if (!g_file_replace_contents (file, csv, length, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                cancellable, error))
    {
      g_prefix_error (error, _("Could not save the report of rejected rows: "));
      return FALSE;
    }

  return TRUE;
}
