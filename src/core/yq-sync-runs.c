/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-sync-runs"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <signal.h>
#include <sys/types.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "yq-connectors.h"
#include "yq-store-private.h"
#include "yq-sync-runs.h"

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

/* ---- Profiles and the binding rule ---------------------------------------- */

gboolean
yq_binding_rule_get (YqStore        *store,
                     gint64          connector_id,
                     YqPersonField  *platform_field,
                     YqPersonField  *oa_field,
                     GError        **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  int rc;

  *platform_field = YQ_PERSON_FIELD_MOBILE;
  *oa_field = YQ_PERSON_FIELD_MOBILE;

  stmt = yq_store_prepare (store,
                           "SELECT platform_field, oa_field FROM binding_rules "
                           "WHERE connector_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *platform = (const char *) sqlite3_column_text (stmt, 0);
      const char *oa = (const char *) sqlite3_column_text (stmt, 1);

      if (!yq_person_field_from_string (platform, platform_field) ||
          !yq_person_field_from_string (oa, oa_field))
        {
          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                       _("The binding rule of connector %lld names an unknown field."),
                       (long long) connector_id);
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  else if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the binding rule"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

gboolean
yq_binding_rule_set (YqStore        *store,
                     gint64          connector_id,
                     YqPersonField   platform_field,
                     YqPersonField   oa_field,
                     GError        **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (platform_field >= 0 && oa_field >= 0, FALSE);

  stmt = yq_store_prepare (store,
                           "INSERT INTO binding_rules (connector_id, platform_field, oa_field, "
                           "updated_at) VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT (connector_id) DO UPDATE SET "
                           "platform_field = excluded.platform_field, "
                           "oa_field = excluded.oa_field, updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_person_field_to_string (platform_field), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, yq_person_field_to_string (oa_field), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());

  return yq_store_run (store, stmt, _("Could not save the binding rule"), error);
}

YqSyncProfile *
yq_sync_profiles_get (YqStore          *store,
                      gint64            connector_id,
                      YqSyncDirection   direction,
                      GError          **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  g_autoptr(YqSyncProfile) profile = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT profile FROM sync_profiles "
                           "WHERE connector_id = ?1 AND direction = ?2",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (direction), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;

      profile = yq_sync_profile_new_from_json ((const char *) sqlite3_column_text (stmt, 0),
                                               &local_error);
      if (profile == NULL)
        {
          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                       _("The stored sync profile is damaged: %s"), local_error->message);
          sqlite3_reset (stmt);
          return NULL;
        }
    }
  else if (rc == SQLITE_DONE)
    {
      g_autoptr(YqConnector) connector = NULL;

      profile = yq_sync_profile_new ();

      /* 云之家 people have no account names: new OA accounts are their
       * mobile numbers unless the profile says otherwise. */
      sqlite3_reset (stmt);
      connector = yq_connectors_get (store, connector_id, NULL);
      if (connector != NULL && yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ)
        profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE] = YQ_PERSON_FIELD_MOBILE;
    }
  else
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync profile"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  if (!yq_binding_rule_get (store, connector_id, &profile->binding_platform_field,
                            &profile->binding_oa_field, error))
    return NULL;

  return g_steal_pointer (&profile);
}

gboolean
yq_sync_profiles_set (YqStore              *store,
                      gint64                connector_id,
                      YqSyncDirection       direction,
                      const YqSyncProfile  *profile,
                      GError              **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  g_autofree char *json = yq_sync_profile_to_json (profile);
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "INSERT INTO sync_profiles (connector_id, direction, profile, "
                           "updated_at) VALUES (?1, ?2, ?3, ?4) "
                           "ON CONFLICT (connector_id, direction) DO UPDATE SET "
                           "profile = excluded.profile, updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (direction), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());

  return yq_store_run (store, stmt, _("Could not save the sync profile"), error);
}

/* ---- Runs ------------------------------------------------------------------ */

static const char * const run_states[] = {
  "applying", "applied", "failed", "blocked", "interrupted", "previewed",
};

static const char * const op_states[] = {
  "pending", "running", "done", "failed", "skipped",
};

const char *
yq_sync_run_state_to_string (YqSyncRunState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (run_states), "failed");

  return run_states[state];
}

const char *
yq_sync_op_state_to_string (YqSyncOpState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (op_states), "failed");

  return op_states[state];
}

static int
lookup_state (const char * const *names,
              guint               n_names,
              const char         *text)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    if (g_str_equal (names[i], text))
      return (int) i;

  return -1;
}

void
yq_sync_run_record_free (YqSyncRunRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->profile);
  g_free (record->counts);
  g_free (record->warnings);
  g_free (record->errors);
  g_free (record);
}

void
yq_sync_op_record_free (YqSyncOpRecord *record)
{
  if (record == NULL)
    return;

  g_clear_pointer (&record->op, yq_plan_op_free);
  g_free (record->result_id);
  g_free (record->error);
  g_free (record);
}

static char *
counts_to_json (const YqPlanCounts *counts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  yq_plan_counts_add_json (counts, builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
messages_to_json (YqPlan *plan)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *blocks = yq_plan_get_blocks (plan);
  GPtrArray *warnings = yq_plan_get_warnings (plan);

  json_builder_begin_array (builder);
  for (guint i = 0; i < blocks->len; i++)
    json_builder_add_string_value (builder, ((YqPlanBlock *) g_ptr_array_index (blocks, i))->message);
  for (guint i = 0; i < warnings->len; i++)
    json_builder_add_string_value (builder,
                                   ((YqPlanWarning *) g_ptr_array_index (warnings, i))->message);
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

typedef struct
{
  gint64               connector_id;
  YqSyncDirection      direction;
  const YqSyncProfile *profile;
  gboolean             confirmed;
  YqPlan              *plan;
  gboolean             dry_run;
  gint64               run_id;
} CreateData;

static gboolean
create_in_transaction (YqStore  *store,
                       gpointer  user_data,
                       GError  **error)
{
  CreateData *data = user_data;
  g_autofree char *profile = yq_sync_profile_to_json (data->profile);
  g_autofree char *counts = counts_to_json (yq_plan_get_counts (data->plan));
  g_autofree char *warnings = messages_to_json (data->plan);
  gboolean blocked = yq_plan_is_blocked (data->plan);
  guint n_ops = yq_plan_get_n_ops (data->plan);
  gint64 now = now_seconds ();
  YqSyncRunState state;
  sqlite3_stmt *stmt;

  if (blocked)
    state = YQ_SYNC_RUN_BLOCKED;
  else if (data->dry_run)
    state = YQ_SYNC_RUN_PREVIEWED;
  else
    state = YQ_SYNC_RUN_APPLYING;

  stmt = yq_store_prepare (store,
                           "INSERT INTO sync_runs (connector_id, direction, state, confirmed, "
                           "profile, counts, warnings, source_people, n_ops, started_at, "
                           "finished_at, dry_run) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (data->direction), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, yq_sync_run_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, data->confirmed ? 1 : 0);
  sqlite3_bind_text (stmt, 5, profile, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, counts, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, warnings, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 8, (int) yq_plan_get_counts (data->plan)->source_people);
  sqlite3_bind_int (stmt, 9, (int) n_ops);
  sqlite3_bind_int64 (stmt, 10, now);
  if (blocked || data->dry_run)
    sqlite3_bind_int64 (stmt, 11, now);
  else
    sqlite3_bind_null (stmt, 11);
  sqlite3_bind_int (stmt, 12, data->dry_run ? 1 : 0);
  if (!yq_store_run (store, stmt,
                     data->dry_run ? _("Could not record the sync preview")
                                   : _("Could not record the sync run"),
                     error))
    return FALSE;

  data->run_id = sqlite3_last_insert_rowid (yq_store_get_db (store));

  /* Nothing runs after a blocked plan or a preview: no journal. */
  if (blocked || data->dry_run)
    return TRUE;

  stmt = yq_store_prepare (store,
                           "INSERT INTO sync_operations (run_id, seq, kind, op) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < n_ops; i++)
    {
      const YqPlanOp *op = yq_plan_get_op (data->plan, i);
      g_autofree char *json = yq_plan_op_to_json (op);
      int rc;

      sqlite3_bind_int64 (stmt, 1, data->run_id);
      sqlite3_bind_int (stmt, 2, (int) i);
      sqlite3_bind_text (stmt, 3, yq_plan_op_kind_to_string (op->kind), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, json, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          yq_store_set_error (store, error, rc, _("Could not record the sync run"));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * yq_sync_runs_create:
 * @store: the store
 * @connector_id: the connector
 * @direction: the direction
 * @profile: the profile the plan was made with
 * @confirmed: whether the thresholds were confirmed
 * @plan: the plan
 * @error: return location for an error
 *
 * Returns: the new run's ID, or 0 with @error set
 */
gint64
yq_sync_runs_create (YqStore              *store,
                     gint64                connector_id,
                     YqSyncDirection       direction,
                     const YqSyncProfile  *profile,
                     gboolean              confirmed,
                     YqPlan               *plan,
                     GError              **error)
{
  CreateData data = { connector_id, direction, profile, confirmed, plan, FALSE, 0 };

  if (!yq_store_transaction (store, create_in_transaction, &data, error))
    return 0;

  return data.run_id;
}

/**
 * yq_sync_runs_record_preview:
 * @store: the store
 * @connector_id: the connector
 * @direction: the direction
 * @profile: the profile the plan was made with
 * @confirmed: whether the thresholds were confirmed
 * @plan: the previewed plan
 * @error: return location for an error
 *
 * Records a preview in the history: one run, dry_run set, in state
 * previewed (or blocked when @plan is blocked, with the blocks among its
 * messages as for a blocked apply), finished now, with the plan's counts
 * and number of operations but no journal.
 *
 * Returns: the new run's ID, or 0 with @error set
 */
gint64
yq_sync_runs_record_preview (YqStore              *store,
                             gint64                connector_id,
                             YqSyncDirection       direction,
                             const YqSyncProfile  *profile,
                             gboolean              confirmed,
                             YqPlan               *plan,
                             GError              **error)
{
  CreateData data = { connector_id, direction, profile, confirmed, plan, TRUE, 0 };

  if (!yq_store_transaction (store, create_in_transaction, &data, error))
    return 0;

  return data.run_id;
}

gboolean
yq_sync_runs_mark_ops (YqStore        *store,
                       gint64          run_id,
                       guint           first,
                       guint           n,
                       YqSyncOpState   state,
                       const char     *result_id,
                       const char     *error_text,
                       GError        **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  gboolean finished = state == YQ_SYNC_OP_DONE || state == YQ_SYNC_OP_FAILED ||
                      state == YQ_SYNC_OP_SKIPPED;
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "UPDATE sync_operations SET state = ?4, result_id = ?5, error = ?6, "
                           "finished_at = ?7 WHERE run_id = ?1 AND seq >= ?2 AND seq < ?3",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_int64 (stmt, 2, first);
  sqlite3_bind_int64 (stmt, 3, (gint64) first + n);
  sqlite3_bind_text (stmt, 4, yq_sync_op_state_to_string (state), -1, SQLITE_STATIC);
  if (result_id != NULL)
    sqlite3_bind_text (stmt, 5, result_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  if (error_text != NULL)
    sqlite3_bind_text (stmt, 6, error_text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 6);
  if (finished)
    sqlite3_bind_int64 (stmt, 7, now_seconds ());
  else
    sqlite3_bind_null (stmt, 7);

  return yq_store_run (store, stmt, _("Could not update the sync journal"), error);
}

gboolean
yq_sync_runs_finish (YqStore         *store,
                     gint64           run_id,
                     YqSyncRunState   state,
                     const char      *errors_json,
                     GError         **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "UPDATE sync_runs SET state = ?2, errors = coalesce (?3, errors), "
                           "finished_at = ?4, "
                           "n_done = (SELECT count(*) FROM sync_operations "
                           "          WHERE run_id = ?1 AND state = 'done'), "
                           "n_failed = (SELECT count(*) FROM sync_operations "
                           "            WHERE run_id = ?1 AND state IN ('failed', 'skipped')) "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, yq_sync_run_state_to_string (state), -1, SQLITE_STATIC);
  if (errors_json != NULL)
    sqlite3_bind_text (stmt, 3, errors_json, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());

  return yq_store_run (store, stmt, _("Could not update the sync run"), error);
}

#define SELECT_RUN \
  "SELECT id, connector_id, direction, state, confirmed, profile, counts, warnings, errors, " \
  "coalesce (source_people, -1), n_ops, n_done, n_failed, started_at, " \
  "coalesce (finished_at, 0), dry_run FROM sync_runs "

static YqSyncRunRecord *
run_from_row (sqlite3_stmt *stmt)
{
  YqSyncRunRecord *record = g_new0 (YqSyncRunRecord, 1);
  int state = lookup_state (run_states, G_N_ELEMENTS (run_states),
                            (const char *) sqlite3_column_text (stmt, 3));

  record->id = sqlite3_column_int64 (stmt, 0);
  record->connector_id = sqlite3_column_int64 (stmt, 1);
  yq_sync_direction_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                 &record->direction);
  record->state = state >= 0 ? (YqSyncRunState) state : YQ_SYNC_RUN_FAILED;
  record->confirmed = sqlite3_column_int (stmt, 4) != 0;
  record->profile = column_dup (stmt, 5);
  record->counts = column_dup (stmt, 6);
  record->warnings = column_dup (stmt, 7);
  record->errors = column_dup (stmt, 8);
  record->source_people = sqlite3_column_int (stmt, 9);
  record->n_ops = sqlite3_column_int (stmt, 10);
  record->n_done = sqlite3_column_int (stmt, 11);
  record->n_failed = sqlite3_column_int (stmt, 12);
  record->started_at = sqlite3_column_int64 (stmt, 13);
  record->finished_at = sqlite3_column_int64 (stmt, 14);
  record->dry_run = sqlite3_column_int (stmt, 15) != 0;

  return record;
}

YqSyncRunRecord *
yq_sync_runs_get (YqStore  *store,
                  gint64    run_id,
                  GError  **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  YqSyncRunRecord *record = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, SELECT_RUN "WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    record = run_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND,
                 _("There is no sync run %lld."), (long long) run_id);
  else
    yq_store_set_error (store, error, rc, _("Could not read the sync history"));
  sqlite3_reset (stmt);

  return record;
}

GPtrArray *
yq_sync_runs_list (YqStore  *store,
                   gint64    connector_id,
                   guint     limit,
                   GError  **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  g_autoptr(GPtrArray) runs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) yq_sync_run_record_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (connector_id >= 0, NULL);

  /* Two statements rather than "?1 = 0 OR connector_id = ?1", which would
   * keep SQLite from using the connector's index. */
  if (connector_id > 0)
    stmt = yq_store_prepare (store,
                             SELECT_RUN "WHERE connector_id = ?1 ORDER BY id DESC LIMIT ?2",
                             error);
  else
    stmt = yq_store_prepare (store, SELECT_RUN "ORDER BY id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;

  if (connector_id > 0)
    sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync history"));
      return NULL;
    }

  return g_steal_pointer (&runs);
}

GPtrArray *
yq_sync_runs_get_ops (YqStore  *store,
                      gint64    run_id,
                      gint      state,
                      GError  **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  g_autoptr(GPtrArray) ops =
    g_ptr_array_new_with_free_func ((GDestroyNotify) yq_sync_op_record_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT seq, state, op, result_id, error FROM sync_operations "
                           "WHERE run_id = ?1 AND (?2 IS NULL OR state = ?2) ORDER BY seq",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, run_id);
  if (state >= 0)
    sqlite3_bind_text (stmt, 2, yq_sync_op_state_to_string (state), -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(YqSyncOpRecord) record = g_new0 (YqSyncOpRecord, 1);
      g_autoptr(GError) local_error = NULL;
      int op_state = lookup_state (op_states, G_N_ELEMENTS (op_states),
                                   (const char *) sqlite3_column_text (stmt, 1));

      record->seq = sqlite3_column_int (stmt, 0);
      record->state = op_state >= 0 ? (YqSyncOpState) op_state : YQ_SYNC_OP_FAILED;
      record->op = yq_plan_op_new_from_json ((const char *) sqlite3_column_text (stmt, 2),
                                             &local_error);
      record->result_id = column_dup (stmt, 3);
      record->error = column_dup (stmt, 4);
      if (record->op == NULL)
        {
          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                       _("Operation %u of sync run %lld is damaged: %s"),
                       record->seq, (long long) run_id, local_error->message);
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (ops, g_steal_pointer (&record));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync journal"));
      return NULL;
    }

  return g_steal_pointer (&ops);
}

gint64
yq_sync_runs_find_unfinished (YqStore          *store,
                              gint64            connector_id,
                              YqSyncDirection  *direction,
                              GError          **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  gint64 run_id = 0;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT id, direction FROM sync_runs "
                           "WHERE connector_id = ?1 AND state = 'applying' AND dry_run = 0 "
                           "ORDER BY id DESC LIMIT 1",
                           error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      run_id = sqlite3_column_int64 (stmt, 0);
      if (direction != NULL)
        yq_sync_direction_from_string ((const char *) sqlite3_column_text (stmt, 1), direction);
    }
  else if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync history"));
    }
  sqlite3_reset (stmt);

  return run_id;
}

gint
yq_sync_runs_previous_people (YqStore          *store,
                              gint64            connector_id,
                              YqSyncDirection   direction,
                              GError          **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  gint people = -1;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT source_people FROM sync_runs "
                           "WHERE connector_id = ?1 AND direction = ?2 AND state = 'applied' "
                           "AND dry_run = 0 AND source_people IS NOT NULL "
                           "ORDER BY id DESC LIMIT 1",
                           error);
  if (stmt == NULL)
    return -1;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (direction), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    people = sqlite3_column_int (stmt, 0);
  else if (rc != SQLITE_DONE)
    yq_store_set_error (store, error, rc, _("Could not read the sync history"));
  sqlite3_reset (stmt);

  return people;
}

/* ---- Leases ------------------------------------------------------------------ */

typedef struct
{
  gint64      connector_id;
  const char *holder;
  guint       ttl;
  gboolean    renew;
} LeaseData;

/* Holders are "host:pid:random". A holder on this host whose process is
 * gone (killed, crashed) left its lease behind: it need not be waited for. */
static gboolean
holder_is_gone (const char *holder)
{
  g_auto(GStrv) parts = g_strsplit (holder, ":", 3);
  guint64 pid;

  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], g_get_host_name ()) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;

  if (kill ((pid_t) pid, 0) != 0)
    return errno == ESRCH;

  /* A process that died but was not reaped yet is still there for kill(). */
  {
    g_autofree char *stat_path = g_strdup_printf ("/proc/%" G_GUINT64_FORMAT "/stat", pid);
    g_autofree char *stat = NULL;
    const char *state;

    if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
      return FALSE;

    /* "pid (comm) S …": the state follows the last ')'. */
    state = strrchr (stat, ')');
    return state != NULL && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
  }
}

static gboolean
lease_in_transaction (YqStore  *store,
                      gpointer  user_data,
                      GError  **error)
{
  LeaseData *data = user_data;
  gint64 now = now_seconds ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT holder, expires_at FROM sync_leases WHERE connector_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *holder = (const char *) sqlite3_column_text (stmt, 0);
      gint64 expires_at = sqlite3_column_int64 (stmt, 1);

      if (g_strcmp0 (holder, data->holder) != 0 && expires_at > now && !holder_is_gone (holder))
        {
          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY,
                       _("Another sync of this connector is running (%s). Wait for it to "
                         "finish; its lease expires in %lld s if it stopped."),
                       holder, (long long) (expires_at - now));
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  else if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync lease"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  else if (data->renew)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY,
                   _("The sync lease of this connector was lost."));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  stmt = yq_store_prepare (store,
                           "INSERT INTO sync_leases (connector_id, holder, expires_at) "
                           "VALUES (?1, ?2, ?3) ON CONFLICT (connector_id) DO UPDATE SET "
                           "holder = excluded.holder, expires_at = excluded.expires_at",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, data->connector_id);
  sqlite3_bind_text (stmt, 2, data->holder, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now + data->ttl);

  return yq_store_run (store, stmt, _("Could not take the sync lease"), error);
}

gboolean
yq_sync_lease_acquire (YqStore     *store,
                       gint64       connector_id,
                       const char  *holder,
                       guint        ttl_seconds,
                       GError     **error)
{
  LeaseData data = { connector_id, holder, ttl_seconds, FALSE };

  return yq_store_transaction (store, lease_in_transaction, &data, error);
}

gboolean
yq_sync_lease_renew (YqStore     *store,
                     gint64       connector_id,
                     const char  *holder,
                     guint        ttl_seconds,
                     GError     **error)
{
  LeaseData data = { connector_id, holder, ttl_seconds, TRUE };

  return yq_store_transaction (store, lease_in_transaction, &data, error);
}

gboolean
yq_sync_lease_release (YqStore     *store,
                       gint64       connector_id,
                       const char  *holder,
                       GError     **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "DELETE FROM sync_leases WHERE connector_id = ?1 AND holder = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, holder, -1, SQLITE_TRANSIENT);

  return yq_store_run (store, stmt, _("Could not release the sync lease"), error);
}

/**
 * yq_sync_lease_is_held:
 * @store: the store
 * @connector_id: the connector
 * @holder: (out) (optional) (transfer full): who holds it
 * @error: return location for an error
 *
 * Returns: whether a live lease (not expired, its process not gone) exists
 */
gboolean
yq_sync_lease_is_held (YqStore      *store,
                       gint64        connector_id,
                       char        **holder,
                       GError      **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  gboolean held = FALSE;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT holder, expires_at FROM sync_leases WHERE connector_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *who = (const char *) sqlite3_column_text (stmt, 0);

      held = sqlite3_column_int64 (stmt, 1) > now_seconds () && !holder_is_gone (who);
      if (held && holder != NULL)
        *holder = g_strdup (who);
    }
  else if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync lease"));
    }
  sqlite3_reset (stmt);

  return held;
}
