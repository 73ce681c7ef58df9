/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-bridge-directory"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "yq-bridge-directory.h"
#include "yq-store-private.h"
#include "yq-sync-runs.h"

/* The bridge directory: each connector's platform directory by platform
 * ID, and the links to the OA side. Department IDs of a person are kept one
 * per line, main department first. */

const char *
yq_bind_source_to_string (YqBindSource source)
{
  switch (source)
    {
    case YQ_BIND_SOURCE_RULE:   return "rule";
    case YQ_BIND_SOURCE_MANUAL: return "manual";
    case YQ_BIND_SOURCE_IMPORT: return "import";
    case YQ_BIND_SOURCE_SYNC:   return "sync";
    default:                    g_return_val_if_reached ("manual");
    }
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL && *text != '\0')
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return g_strdup (text);
}

/**
 * yq_bridge_directory_snapshot:
 * @store: the store
 * @connector_id: the connector
 * @error: return location for an error
 *
 * Returns: (transfer full): the connector's bridge directory, or %NULL
 *   with @error set
 */
YqOrgSnapshot *
yq_bridge_directory_snapshot (YqStore  *store,
                              gint64    connector_id,
                              GError  **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  g_autoptr(YqOrgSnapshot) snapshot = yq_org_snapshot_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT platform_id, parent_id, name, sort_order, active "
                           "FROM bridge_departments WHERE connector_id = ?1 "
                           "AND deleted_at IS NULL ORDER BY platform_id",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqOrgDepartment *dept = g_new0 (YqOrgDepartment, 1);

      dept->id = column_dup (stmt, 0);
      dept->parent_id = column_dup (stmt, 1);
      dept->name = column_dup (stmt, 2);
      dept->order = sqlite3_column_int64 (stmt, 3);
      dept->active = sqlite3_column_int (stmt, 4) != 0;
      if (dept->parent_id == NULL)
        yq_org_snapshot_set_root_id (snapshot, dept->id);
      yq_org_snapshot_add_department (snapshot, dept);
    }
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  stmt = yq_store_prepare (store,
                           "SELECT platform_id, account_id, account_code, name, mobile, email, "
                           "job_number, title, department_ids, sort_order, active "
                           "FROM bridge_people WHERE connector_id = ?1 AND deleted_at IS NULL "
                           "ORDER BY platform_id",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqOrgPerson *person = g_new0 (YqOrgPerson, 1);
      const char *departments = (const char *) sqlite3_column_text (stmt, 8);

      person->id = column_dup (stmt, 0);
      person->account_id = column_dup (stmt, 1);
      person->account_code = column_dup (stmt, 2);
      person->name = column_dup (stmt, 3);
      person->mobile = column_dup (stmt, 4);
      person->email = column_dup (stmt, 5);
      person->job_number = column_dup (stmt, 6);
      person->title = column_dup (stmt, 7);
      person->department_ids = departments != NULL && *departments != '\0'
                               ? g_strsplit (departments, "\n", -1)
                               : g_new0 (char *, 1);
      person->order = sqlite3_column_int64 (stmt, 9);
      person->active = sqlite3_column_int (stmt, 10) != 0;
      yq_org_snapshot_add_person (snapshot, person);
    }
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&snapshot);
}

/**
 * yq_bridge_directory_get_oa_links:
 * @store: the store
 * @connector_id: the connector
 * @error: return location for an error
 *
 * @reversed: %FALSE for platform → OA links (deleted platform items
 *   included), %TRUE for OA → platform links (existing platform items only)
 *
 * Returns: (transfer full): department and person links, or %NULL with
 *   @error set
 */
YqSyncLinks *
yq_bridge_directory_get_oa_links (YqStore   *store,
                                  gint64     connector_id,
                                  gboolean   reversed,
                                  GError   **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  /* Platform → OA links include deleted platform items, so that the
   * deletion reaches the OA side; OA → platform links only lead to items
   * that still exist. */
  const char *queries[] = {
    "SELECT platform_id, oa_id FROM bridge_departments "
    "WHERE connector_id = ?1 AND oa_id IS NOT NULL AND (?2 = 0 OR deleted_at IS NULL)",
    "SELECT platform_id, oa_account FROM bridge_people "
    "WHERE connector_id = ?1 AND oa_account IS NOT NULL AND (?2 = 0 OR deleted_at IS NULL)",
  };

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = yq_store_prepare (store, queries[q], error);
      int rc;

      if (stmt == NULL)
        return NULL;

      sqlite3_bind_int64 (stmt, 1, connector_id);
      sqlite3_bind_int (stmt, 2, reversed ? 1 : 0);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *platform_id = (const char *) sqlite3_column_text (stmt, 0);
          const char *oa_id = (const char *) sqlite3_column_text (stmt, 1);
          const char *source = reversed ? oa_id : platform_id;
          const char *target = reversed ? platform_id : oa_id;

          if (q == 0)
            yq_sync_links_add_department (links, source, target);
          else
            yq_sync_links_add_person (links, source, target);
        }
      if (rc != SQLITE_DONE)
        {
          yq_store_set_error (store, error, rc, _("Could not read the directory links"));
          sqlite3_reset (stmt);
          return NULL;
        }
      sqlite3_reset (stmt);
    }

  return g_steal_pointer (&links);
}

static gboolean
put_department_locked (YqStore               *store,
                       gint64                 connector_id,
                       const YqOrgDepartment *department,
                       gint64                 now,
                       GError               **error)
{
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "INSERT INTO bridge_departments (connector_id, platform_id, parent_id, "
                           "name, sort_order, active, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                           "ON CONFLICT (connector_id, platform_id) DO UPDATE SET "
                           "parent_id = excluded.parent_id, name = excluded.name, "
                           "sort_order = excluded.sort_order, active = excluded.active, "
                           "deleted_at = NULL, updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, department->id, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, department->parent_id);
  sqlite3_bind_text (stmt, 4, department->name != NULL ? department->name : "", -1,
                     SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, department->order);
  sqlite3_bind_int (stmt, 6, department->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, now);

  return yq_store_run (store, stmt, _("Could not save a bridge department"), error);
}

static gboolean
put_person_locked (YqStore            *store,
                   gint64              connector_id,
                   const YqOrgPerson  *person,
                   gint64              now,
                   GError            **error)
{
  g_autofree char *departments = NULL;
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "INSERT INTO bridge_people (connector_id, platform_id, account_id, "
                           "account_code, name, mobile, email, job_number, title, department_ids, "
                           "sort_order, active, added_at, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) "
                           "ON CONFLICT (connector_id, platform_id) DO UPDATE SET "
                           "account_id = excluded.account_id, "
                           "account_code = excluded.account_code, name = excluded.name, "
                           "mobile = excluded.mobile, email = excluded.email, "
                           "job_number = excluded.job_number, title = excluded.title, "
                           "department_ids = excluded.department_ids, "
                           "sort_order = excluded.sort_order, active = excluded.active, "
                           "deleted_at = NULL, updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;

  departments = person->department_ids != NULL ? g_strjoinv ("\n", person->department_ids)
                                               : g_strdup ("");

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, person->id, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, person->account_id);
  bind_text_or_null (stmt, 4, person->account_code);
  sqlite3_bind_text (stmt, 5, person->name != NULL ? person->name : "", -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 6, person->mobile);
  bind_text_or_null (stmt, 7, person->email);
  bind_text_or_null (stmt, 8, person->job_number);
  bind_text_or_null (stmt, 9, person->title);
  sqlite3_bind_text (stmt, 10, departments, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 11, person->order);
  sqlite3_bind_int (stmt, 12, person->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 13, now);

  return yq_store_run (store, stmt, _("Could not save a bridge person"), error);
}

/* A row with an OA link becomes a tombstone (see the schema); others go. */
static gboolean
delete_row_locked (YqStore     *store,
                   gboolean     department,
                   gint64       connector_id,
                   const char  *platform_id,
                   GError     **error)
{
  const char *sql[2][2] = {
    { "UPDATE bridge_people SET deleted_at = ?3 "
      "WHERE connector_id = ?1 AND platform_id = ?2 AND oa_account IS NOT NULL",
      "DELETE FROM bridge_people "
      "WHERE connector_id = ?1 AND platform_id = ?2 AND oa_account IS NULL" },
    { "UPDATE bridge_departments SET deleted_at = ?3 "
      "WHERE connector_id = ?1 AND platform_id = ?2 AND oa_id IS NOT NULL",
      "DELETE FROM bridge_departments "
      "WHERE connector_id = ?1 AND platform_id = ?2 AND oa_id IS NULL" },
  };

  for (guint i = 0; i < 2; i++)
    {
      sqlite3_stmt *stmt = yq_store_prepare (store, sql[department ? 1 : 0][i], error);

      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_int64 (stmt, 1, connector_id);
      sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_TRANSIENT);
      if (i == 0)
        sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
      if (!yq_store_run (store, stmt, _("Could not update the bridge directory"), error))
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  gint64  connector_id;
  YqPlan *plan;
  guint   first;
  guint   n;
  gint64  run_id;
} MirrorData;

static gboolean
apply_mirror_in_transaction (YqStore  *store,
                             gpointer  user_data,
                             GError  **error)
{
  MirrorData *data = user_data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = data->first; i < data->first + data->n; i++)
    {
      const YqPlanOp *op = yq_plan_get_op (data->plan, i);
      const char *id = op->target_id != NULL ? op->target_id : op->source_id;
      gboolean ok;

      switch (op->kind)
        {
        case YQ_PLAN_OP_LINK_DEPARTMENT:
        case YQ_PLAN_OP_CREATE_DEPARTMENT:
        case YQ_PLAN_OP_UPDATE_DEPARTMENT:
          {
            YqOrgDepartment dept = *op->department;

            /* In a mirror the IDs are the platform's on both sides. */
            dept.id = (char *) id;
            dept.parent_id = op->target_parent_id != NULL ? op->target_parent_id
                                                          : op->source_parent_id;
            ok = put_department_locked (store, data->connector_id, &dept, now, error);
          }
          break;

        case YQ_PLAN_OP_DELETE_DEPARTMENT:
          ok = delete_row_locked (store, TRUE, data->connector_id, id, error);
          break;

        case YQ_PLAN_OP_LINK_PERSON:
        case YQ_PLAN_OP_CREATE_PERSON:
        case YQ_PLAN_OP_UPDATE_PERSON:
          {
            YqOrgPerson person = *op->person;

            person.id = (char *) id;
            ok = put_person_locked (store, data->connector_id, &person, now, error);
          }
          break;

        case YQ_PLAN_OP_REMOVE_PERSON:
          ok = delete_row_locked (store, FALSE, data->connector_id, id, error);
          break;

        default:
          g_assert_not_reached ();
        }

      if (!ok)
        return FALSE;
    }

  if (data->run_id > 0 &&
      !yq_sync_runs_mark_ops (store, data->run_id, data->first, data->n, YQ_SYNC_OP_DONE,
                              NULL, NULL, error))
    return FALSE;

  return TRUE;
}

gboolean
yq_bridge_directory_apply_mirror (YqStore  *store,
                                  gint64    connector_id,
                                  YqPlan   *plan,
                                  guint     first,
                                  guint     n,
                                  gint64    run_id,
                                  GError  **error)
{
  MirrorData data = { connector_id, plan, first, n, run_id };

  g_return_val_if_fail (first + n <= yq_plan_get_n_ops (plan), FALSE);

  return yq_store_transaction (store, apply_mirror_in_transaction, &data, error);
}

typedef struct
{
  gint64                 connector_id;
  const YqOrgDepartment *department;
  const YqOrgPerson     *person;
  const char            *platform_id;
  const char            *link;
  YqBindSource           source;
} RowData;

static gboolean
put_in_transaction (YqStore  *store,
                    gpointer  user_data,
                    GError  **error)
{
  RowData *data = user_data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (data->department != NULL)
    return put_department_locked (store, data->connector_id, data->department, now, error);

  return put_person_locked (store, data->connector_id, data->person, now, error);
}

gboolean
yq_bridge_directory_put_department (YqStore                *store,
                                    gint64                  connector_id,
                                    const YqOrgDepartment  *department,
                                    GError                **error)
{
  RowData data = { connector_id, department, NULL, NULL, NULL, 0 };

  g_return_val_if_fail (department != NULL && department->id != NULL, FALSE);

  return yq_store_transaction (store, put_in_transaction, &data, error);
}

gboolean
yq_bridge_directory_put_person (YqStore            *store,
                                gint64              connector_id,
                                const YqOrgPerson  *person,
                                GError            **error)
{
  RowData data = { connector_id, NULL, person, NULL, NULL, 0 };

  g_return_val_if_fail (person != NULL && person->id != NULL, FALSE);

  return yq_store_transaction (store, put_in_transaction, &data, error);
}

gboolean
yq_bridge_directory_delete_department (YqStore     *store,
                                       gint64       connector_id,
                                       const char  *platform_id,
                                       GError     **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);

  return delete_row_locked (store, TRUE, connector_id, platform_id, error);
}

gboolean
yq_bridge_directory_delete_person (YqStore     *store,
                                   gint64       connector_id,
                                   const char  *platform_id,
                                   GError     **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);

  return delete_row_locked (store, FALSE, connector_id, platform_id, error);
}

static gboolean
expect_one_row (YqStore     *store,
                const char  *platform_id,
                GError     **error)
{
  if (sqlite3_changes (yq_store_get_db (store)) == 0)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not in the bridge directory; sync from the platform first."),
                   platform_id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
link_department_in_transaction (YqStore  *store,
                                gpointer  user_data,
                                GError  **error)
{
  RowData *data = user_data;
  sqlite3_stmt *stmt;

  if (data->link != NULL)
    {
      stmt = yq_store_prepare (store,
                               "UPDATE bridge_departments SET oa_id = NULL "
                               "WHERE connector_id = ?1 AND oa_id = ?2 AND platform_id <> ?3",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, data->connector_id);
      sqlite3_bind_text (stmt, 2, data->link, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, data->platform_id, -1, SQLITE_TRANSIENT);
      if (!yq_store_run (store, stmt, _("Could not link the department"), error))
        return FALSE;
    }

  /* Deleted departments only stay for their link. */
  stmt = yq_store_prepare (store,
                           "DELETE FROM bridge_departments WHERE connector_id = ?1 "
                           "AND oa_id IS NULL AND deleted_at IS NOT NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  if (!yq_store_run (store, stmt, _("Could not link the department"), error))
    return FALSE;

  stmt = yq_store_prepare (store,
                           "UPDATE bridge_departments SET oa_id = ?3 "
                           "WHERE connector_id = ?1 AND platform_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  sqlite3_bind_text (stmt, 2, data->platform_id, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, data->link);
  if (!yq_store_run (store, stmt, _("Could not link the department"), error))
    return FALSE;

  return expect_one_row (store, data->platform_id, error);
}

gboolean
yq_bridge_directory_link_department (YqStore     *store,
                                     gint64       connector_id,
                                     const char  *platform_id,
                                     const char  *oa_id,
                                     GError     **error)
{
  RowData data = { connector_id, NULL, NULL, platform_id, oa_id, 0 };

  return yq_store_transaction (store, link_department_in_transaction, &data, error);
}

static gboolean
bind_person_in_transaction (YqStore  *store,
                            gpointer  user_data,
                            GError  **error)
{
  RowData *data = user_data;
  sqlite3_stmt *stmt;

  /* A deleted person still holding the account gives it up. */
  if (data->link != NULL)
    {
      stmt = yq_store_prepare (store,
                               "DELETE FROM bridge_people WHERE connector_id = ?1 "
                               "AND platform_id <> ?2 AND oa_account = ?3 COLLATE NOCASE "
                               "AND deleted_at IS NOT NULL",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, data->connector_id);
      sqlite3_bind_text (stmt, 2, data->platform_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, data->link, -1, SQLITE_TRANSIENT);
      if (!yq_store_run (store, stmt, _("Could not bind the person"), error))
        return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "UPDATE bridge_people SET oa_account = ?3, "
                           "bound_at = CASE WHEN ?3 IS NULL THEN NULL ELSE ?4 END, "
                           "bind_source = CASE WHEN ?3 IS NULL THEN NULL ELSE ?5 END "
                           "WHERE connector_id = ?1 AND platform_id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  sqlite3_bind_text (stmt, 2, data->platform_id, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, data->link);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 5, yq_bind_source_to_string (data->source), -1, SQLITE_STATIC);
  if (!yq_store_run (store, stmt, _("Could not bind the person"), error))
    return FALSE;

  return expect_one_row (store, data->platform_id, error);
}

gboolean
yq_bridge_directory_bind_person (YqStore       *store,
                                 gint64         connector_id,
                                 const char    *platform_id,
                                 const char    *oa_account,
                                 YqBindSource   source,
                                 GError       **error)
{
  RowData data = { connector_id, NULL, NULL, platform_id, oa_account, source };

  return yq_store_transaction (store, bind_person_in_transaction, &data, error);
}

gboolean
yq_bridge_directory_count (YqStore  *store,
                           gint64    connector_id,
                           guint    *departments,
                           guint    *people,
                           guint    *bound,
                           GError  **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT (SELECT count(*) FROM bridge_departments "
                           "        WHERE connector_id = ?1 AND deleted_at IS NULL), "
                           "(SELECT count(*) FROM bridge_people "
                           " WHERE connector_id = ?1 AND deleted_at IS NULL), "
                           "(SELECT count(*) FROM bridge_people "
                           " WHERE connector_id = ?1 AND deleted_at IS NULL "
                           " AND oa_account IS NOT NULL)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      sqlite3_reset (stmt);
      return FALSE;
    }

  if (departments != NULL)
    *departments = sqlite3_column_int (stmt, 0);
  if (people != NULL)
    *people = sqlite3_column_int (stmt, 1);
  if (bound != NULL)
    *bound = sqlite3_column_int (stmt, 2);
  sqlite3_reset (stmt);

  return TRUE;
}

/**
 * yq_bridge_directory_purge_deleted:
 * @store: the store
 * @connector_id: the connector
 * @department: %TRUE for a department, %FALSE for a person
 * @platform_id: the item
 * @error: return location for an error
 *
 * Removes the row of an item the platform deleted, once the deletion has
 * reached the OA side. Rows of items that still exist stay.
 */
gboolean
yq_bridge_directory_purge_deleted (YqStore     *store,
                                   gint64       connector_id,
                                   gboolean     department,
                                   const char  *platform_id,
                                   GError     **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           department
                           ? "DELETE FROM bridge_departments WHERE connector_id = ?1 "
                             "AND platform_id = ?2 AND deleted_at IS NOT NULL"
                           : "DELETE FROM bridge_people WHERE connector_id = ?1 "
                             "AND platform_id = ?2 AND deleted_at IS NOT NULL",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, platform_id, -1, SQLITE_TRANSIENT);

  return yq_store_run (store, stmt, _("Could not update the bridge directory"), error);
}
