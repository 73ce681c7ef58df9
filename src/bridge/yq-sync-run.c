/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-sync-run"

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "yq-bridge-platform.h"
#include "yq-planner.h"
#include "yq-sync-run.h"
#include "yq-sync-runs.h"

/*
 * A sync run: fetch the platform directory, refresh the bridge directory
 * from it (platform → bridge, with auto-binding), then, for the other two
 * directions, plan against the OA directory and apply. Every operation is
 * journaled in sync_operations before it runs and marked after; local
 * writes (bridge, built-in OA) commit together with their journal row.
 * For platform writes, a row still 'running' after a crash may or may not
 * have reached the platform: the next run looks for what it would have
 * created before planning again, so nothing is created twice.
 */

#define LEASE_TTL_SECONDS     120
#define LEASE_RENEW_SECONDS   30
#define MIRROR_CHUNK          2000

struct _YqSyncRun
{
  GObject             parent_instance;

  YqStore            *store;
  YqSecrets          *secrets;
  YqConnector        *connector;
  YqPlatform         *platform;
  YqOaDirectory      *oa;
  YqSyncDirection     direction;
  gboolean            confirmed;
  YqSyncProgressFunc  progress;
  gpointer            progress_data;
  gboolean            stop;
  YqComparison       *comparison;   /* of the main plan */
  YqFetchStats        fetch_stats;  /* the fetch so far */
  gint64              run_id;       /* of the last preview or main run */
};

G_DEFINE_FINAL_TYPE (YqSyncRun, yq_sync_run, G_TYPE_OBJECT)

G_DEFINE_QUARK (yq-sync-error-quark, yq_sync_error)

typedef struct
{
  gboolean        apply;
  char           *holder;
  gboolean        leased;
  gint64          last_renew;
  gint64          interrupted_run;
  YqSyncDirection interrupted_direction;
  YqOrgSnapshot  *platform_snapshot;
  YqOrgSnapshot  *oa_snapshot;
  YqPlan         *plan;
  gint64          run_id;
  guint           next_op;
  /* source ID → target ID of what this run (or the cut-off one) created */
  GHashTable     *created_departments;
  /* the links the main plan was made with */
  YqSyncLinks    *links;
  GPtrArray      *errors;
  guint           abort_after;
  guint           n_external;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->holder);
  g_clear_object (&data->platform_snapshot);
  g_clear_object (&data->oa_snapshot);
  g_clear_object (&data->plan);
  g_clear_pointer (&data->created_departments, g_hash_table_unref);
  g_clear_pointer (&data->links, yq_sync_links_free);
  g_clear_pointer (&data->errors, g_ptr_array_unref);
  g_free (data);
}

static void
yq_sync_run_finalize (GObject *object)
{
  YqSyncRun *self = YQ_SYNC_RUN (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->connector);
  g_clear_object (&self->platform);
  g_clear_object (&self->oa);
  g_clear_object (&self->comparison);

  G_OBJECT_CLASS (yq_sync_run_parent_class)->finalize (object);
}

static void
yq_sync_run_class_init (YqSyncRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_sync_run_finalize;
}

static void
yq_sync_run_init (YqSyncRun *self)
{
}

/**
 * yq_sync_run_new:
 * @store: the store
 * @secrets: the connector's secrets
 * @connector_id: the connector
 * @direction: what to sync
 * @error: return location for an error
 *
 * Returns: (transfer full): a run, or %NULL when the connector cannot be
 *   read or the direction is not possible for it
 */
YqSyncRun *
yq_sync_run_new (YqStore          *store,
                 YqSecrets        *secrets,
                 gint64            connector_id,
                 YqSyncDirection   direction,
                 GError          **error)
{
  g_autoptr(YqSyncRun) self = NULL;
  g_autoptr(YqConnector) connector = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);

  connector = yq_connectors_get (store, connector_id, error);
  if (connector == NULL)
    return NULL;

  if (direction == YQ_SYNC_DIRECTION_TO_PLATFORM &&
      yq_connector_get_kind (connector) != YQ_PLATFORM_KIND_YZJ)
    {
      g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_NOT_SUPPORTED,
                   _("“%s” is a 政务钉钉 connector: its directory can only be read, so it "
                     "cannot be synced from the OA."),
                   yq_connector_get_name (connector));
      return NULL;
    }

  self = g_object_new (YQ_TYPE_SYNC_RUN, NULL);
  self->store = g_object_ref (store);
  self->secrets = g_object_ref (secrets);
  self->connector = g_steal_pointer (&connector);
  self->direction = direction;

  return g_steal_pointer (&self);
}

void
yq_sync_run_set_platform (YqSyncRun  *self,
                          YqPlatform *platform)
{
  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  g_set_object (&self->platform, platform);
}

void
yq_sync_run_set_oa_directory (YqSyncRun     *self,
                              YqOaDirectory *directory)
{
  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  g_set_object (&self->oa, directory);
}

void
yq_sync_run_set_confirmed (YqSyncRun *self,
                           gboolean   confirmed)
{
  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  self->confirmed = confirmed;
}

void
yq_sync_run_set_progress_func (YqSyncRun          *self,
                               YqSyncProgressFunc  func,
                               gpointer            user_data)
{
  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  self->progress = func;
  self->progress_data = user_data;
}

YqSyncDirection
yq_sync_run_get_direction (YqSyncRun *self)
{
  g_return_val_if_fail (YQ_IS_SYNC_RUN (self), 0);

  return self->direction;
}

/* A stop request ends the run between two operations, with the journal
 * complete; a cancellation may cut a platform call short. */
static gboolean
stop_requested (YqSyncRun  *self,
                GError    **error)
{
  if (!self->stop)
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       _("Stopped before the next operation."));
  return TRUE;
}

/**
 * yq_sync_run_request_stop:
 * @self: a run
 *
 * Lets the operation in progress finish and be journaled, then stops the
 * run as cancelled. The next apply continues where it stopped.
 */
void
yq_sync_run_request_stop (YqSyncRun *self)
{
  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  self->stop = TRUE;
}

static void
report (YqSyncRun   *self,
        YqSyncStage  stage,
        guint        done,
        guint        total)
{
  if (self->progress != NULL)
    self->progress (stage, done, total, self->progress_data);
}

static gint64
connector_id (YqSyncRun *self)
{
  return yq_connector_get_id (self->connector);
}

static gboolean
ensure_parts (YqSyncRun  *self,
              GError    **error)
{
  if (self->platform == NULL)
    {
      self->platform = yq_bridge_platform_new (self->store, self->secrets, self->connector,
                                               NULL, NULL, error);
      if (self->platform == NULL)
        return FALSE;
    }

  if (self->oa == NULL)
    self->oa = yq_builtin_oa_directory_new (self->store);

  return TRUE;
}

/* ---- Planning ----------------------------------------------------------- */

static YqPlan *
plan_refresh (YqSyncRun      *self,
              RunData        *data,
              GError        **error)
{
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(YqOrgSnapshot) bridge = NULL;
  g_autoptr(YqSyncLinks) none = yq_sync_links_new ();
  g_autoptr(YqPlan) plan = NULL;
  YqPlannerInput input = { 0 };

  profile = yq_sync_profiles_get (self->store, connector_id (self),
                                  YQ_SYNC_DIRECTION_FROM_PLATFORM, error);
  if (profile == NULL)
    return NULL;

  bridge = yq_bridge_directory_snapshot (self->store, connector_id (self), error);
  if (bridge == NULL)
    return NULL;

  input.source = data->platform_snapshot;
  input.target = bridge;
  input.links = none;
  input.profile = profile;
  input.source_is_platform = TRUE;
  input.mirror = TRUE;
  input.previous_people = yq_sync_runs_previous_people (self->store, connector_id (self),
                                                        YQ_SYNC_DIRECTION_FROM_PLATFORM,
                                                        NULL);
  input.confirmed = self->confirmed;
  plan = yq_planner_plan (&input);

  /* Bind unbound people by the binding rule, against the OA directory. */
  if (profile->auto_bind && !yq_plan_is_blocked (plan))
    {
      g_autoptr(YqSyncLinks) links = NULL;
      g_autoptr(YqPlan) binds = NULL;
      GPtrArray *warnings;
      guint n;

      links = yq_bridge_directory_get_oa_links (self->store, connector_id (self), FALSE, error);
      if (links == NULL)
        return NULL;

      input.target = data->oa_snapshot;
      input.links = links;
      input.mirror = FALSE;
      binds = yq_planner_bind (&input);

      n = yq_plan_get_n_ops (binds);
      for (guint i = 0; i < n; i++)
        yq_plan_add_op (plan, yq_plan_op_copy (yq_plan_get_op (binds, i)));
      yq_plan_get_counts_mut (plan)->ops[YQ_PLAN_OP_LINK_PERSON] += n;

      warnings = yq_plan_get_warnings (binds);
      for (guint i = 0; i < warnings->len; i++)
        {
          YqPlanWarning *warning = g_ptr_array_index (warnings, i);

          yq_plan_add_warning (plan, warning->kind, warning->source_id, warning->message);
        }
    }

  /* The refresh is the main plan of platform → bridge. The comparison reads
   * the mirror input; the binding operations mark people as matched. */
  if (self->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM)
    {
      input.target = bridge;
      input.links = none;
      input.mirror = TRUE;
      g_clear_object (&self->comparison);
      self->comparison = yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_PLATFORM,
                                            YQ_COMPARISON_SIDE_BRIDGE);
    }

  return g_steal_pointer (&plan);
}

static YqPlan *
plan_main (YqSyncRun  *self,
           RunData    *data,
           GError    **error)
{
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(YqSyncLinks) links = NULL;
  gboolean to_oa = self->direction == YQ_SYNC_DIRECTION_TO_OA;
  YqPlannerInput input = { 0 };
  YqPlan *plan;

  profile = yq_sync_profiles_get (self->store, connector_id (self), self->direction, error);
  if (profile == NULL)
    return NULL;

  links = yq_bridge_directory_get_oa_links (self->store, connector_id (self), !to_oa, error);
  if (links == NULL)
    return NULL;

  g_clear_pointer (&data->links, yq_sync_links_free);
  data->links = g_steal_pointer (&links);

  input.source = to_oa ? data->platform_snapshot : data->oa_snapshot;
  input.target = to_oa ? data->oa_snapshot : data->platform_snapshot;
  input.links = data->links;
  input.profile = profile;
  input.source_is_platform = to_oa;
  input.mirror = FALSE;
  input.target_readonly = !to_oa && yq_connector_get_directory_readonly (self->connector);
  input.previous_people = yq_sync_runs_previous_people (self->store, connector_id (self),
                                                        self->direction, NULL);
  input.confirmed = self->confirmed;

  plan = yq_planner_plan (&input);
  g_clear_object (&self->comparison);
  self->comparison = yq_comparison_new (&input, plan,
                                        to_oa ? YQ_COMPARISON_SIDE_PLATFORM : YQ_COMPARISON_SIDE_OA,
                                        to_oa ? YQ_COMPARISON_SIDE_OA : YQ_COMPARISON_SIDE_PLATFORM);

  return plan;
}

static void
set_blocked_error (YqPlan  *plan,
                   GError **error)
{
  GPtrArray *blocks = yq_plan_get_blocks (plan);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      YqPlanBlock *block = g_ptr_array_index (blocks, i);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, block->message);
    }

  if (yq_plan_needs_confirmation (plan))
    g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_NEEDS_CONFIRMATION,
                 _("%s\nNothing was changed. Check the plan, then confirm to go ahead."),
                 text->str);
  else
    g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_BLOCKED,
                 _("%s\nNothing was changed."), text->str);
}

/* ---- Fetching ------------------------------------------------------------ */

static void
fetch_progress_cb (const YqFetchStats *stats,
                   gpointer            user_data)
{
  GTask *task = user_data;
  YqSyncRun *self = g_task_get_source_object (task);

  self->fetch_stats = *stats;
  report (self, YQ_SYNC_STAGE_FETCH, stats->people, 0);
}

static void fetched_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
start (GTask *task)
{
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  self->run_id = 0;

  if (!ensure_parts (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (data->apply)
    {
      data->holder = g_strdup_printf ("%s:%d:%08x", g_get_host_name (), (int) getpid (),
                                      g_random_int ());
      if (!yq_sync_lease_acquire (self->store, connector_id (self), data->holder,
                                  LEASE_TTL_SECONDS, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      data->leased = TRUE;
      data->last_renew = g_get_monotonic_time ();

      data->interrupted_run = yq_sync_runs_find_unfinished (self->store, connector_id (self),
                                                            &data->interrupted_direction,
                                                            &error);
      if (error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
    }

  memset (&self->fetch_stats, 0, sizeof self->fetch_stats);
  report (self, YQ_SYNC_STAGE_FETCH, 0, 0);
  yq_platform_fetch_directory_async (self->platform, fetch_progress_cb, g_object_ref (task),
                                     g_object_unref, g_task_get_cancellable (task),
                                     fetched_cb, task);
}

static void
finish_task (GTask   *task,
             GError  *error)
{
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  if (data->leased)
    {
      g_autoptr(GError) release_error = NULL;

      if (!yq_sync_lease_release (self->store, connector_id (self), data->holder,
                                  &release_error))
        g_warning ("%s", release_error->message);
      data->leased = FALSE;
    }

  self->run_id = data->run_id;

  if (error != NULL)
    g_task_return_error (task, error);
  else if (data->apply)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_object_ref (data->plan), g_object_unref);
  g_object_unref (task);
}

/* ---- Applying ------------------------------------------------------------ */

static gboolean
renew_lease (YqSyncRun  *self,
             RunData    *data,
             GError    **error)
{
  gint64 now = g_get_monotonic_time ();

  if (now - data->last_renew < LEASE_RENEW_SECONDS * G_USEC_PER_SEC)
    return TRUE;

  data->last_renew = now;
  return yq_sync_lease_renew (self->store, connector_id (self), data->holder,
                              LEASE_TTL_SECONDS, error);
}

/* The test hook of the crash tests: YUNQIAO_TEST_ABORT_AFTER_OPS=K stops
 * the process hard after the K-th operation took effect and before its
 * journal row says so. */
static void
maybe_abort (RunData *data)
{
  data->n_external++;
  if (data->abort_after > 0 && data->n_external >= data->abort_after)
    {
      g_printerr ("yunqiao: test hook: aborting after %u operations\n", data->n_external);
      abort ();
    }
}

typedef struct
{
  YqSyncRun *self;
  RunData   *data;
  guint      first;
  guint      n;
} BindChunk;

static gboolean
bind_chunk_in_transaction (YqStore  *store,
                           gpointer  user_data,
                           GError  **error)
{
  BindChunk *chunk = user_data;

  for (guint i = chunk->first; i < chunk->first + chunk->n; i++)
    {
      const YqPlanOp *op = yq_plan_get_op (chunk->data->plan, i);

      if (!yq_bridge_directory_bind_person (store, connector_id (chunk->self), op->source_id,
                                            op->target_id, YQ_BIND_SOURCE_RULE, error))
        return FALSE;
    }

  return yq_sync_runs_mark_ops (store, chunk->data->run_id, chunk->first, chunk->n,
                                YQ_SYNC_OP_DONE, NULL, NULL, error);
}

/* Applies a refresh plan: the mirror operations in chunks, then the
 * bindings. Returns FALSE on a store error. */
static gboolean
apply_refresh (YqSyncRun  *self,
               RunData    *data,
               GError    **error)
{
  guint n = yq_plan_get_n_ops (data->plan);
  guint n_mirror = 0;

  while (n_mirror < n && yq_plan_get_op (data->plan, n_mirror)->kind != YQ_PLAN_OP_LINK_PERSON)
    n_mirror++;

  for (guint first = 0; first < n; )
    {
      guint end = first < n_mirror ? MIN (first + MIRROR_CHUNK, n_mirror)
                                   : MIN (first + MIRROR_CHUNK, n);

      if (first < n_mirror)
        {
          if (!yq_bridge_directory_apply_mirror (self->store, connector_id (self), data->plan,
                                                 first, end - first, data->run_id, error))
            return FALSE;
        }
      else
        {
          BindChunk chunk = { self, data, first, end - first };

          if (!yq_store_transaction (self->store, bind_chunk_in_transaction, &chunk, error))
            return FALSE;
        }

      for (guint i = first; i < end; i++)
        maybe_abort (data);

      report (self, YQ_SYNC_STAGE_REFRESH, end, n);
      if (!renew_lease (self, data, error))
        return FALSE;
      first = end;
      if (first < n && stop_requested (self, error))
        return FALSE;
    }

  return TRUE;
}

/* The target ID a source department has now: linked before, or created
 * by this run. */
static const char *
resolve_department (RunData           *data,
                    const YqSyncLinks *links,
                    const char        *source_id)
{
  const char *target;

  if (source_id == NULL)
    return NULL;

  target = g_hash_table_lookup (data->created_departments, source_id);
  if (target != NULL)
    return target;

  return g_hash_table_lookup (links->departments, source_id);
}

static char **
resolve_departments (RunData           *data,
                     const YqSyncLinks *links,
                     char             **source_ids,
                     GError           **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; source_ids != NULL && source_ids[i] != NULL; i++)
    {
      const char *target = resolve_department (data, links, source_ids[i]);

      if (target == NULL)
        {
          g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED,
                       _("Department %s was not created, so this person cannot be placed "
                         "in it."), source_ids[i]);
          return NULL;
        }
      g_strv_builder_add (builder, target);
    }

  return g_strv_builder_end (builder);
}

typedef struct
{
  YqSyncRun         *self;
  RunData           *data;
  const YqSyncLinks *links;
  const YqPlanOp    *op;
  guint              seq;
  char              *new_id;
} OaOpData;

static gboolean
unlink_person_locked (YqSyncRun   *self,
                      const char  *platform_id,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (platform_id == NULL)
    return TRUE;

  if (!yq_bridge_directory_bind_person (self->store, connector_id (self), platform_id, NULL,
                                        YQ_BIND_SOURCE_SYNC, &local_error) &&
      !g_error_matches (local_error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A person deleted on the platform was only kept for this. */
  return yq_bridge_directory_purge_deleted (self->store, connector_id (self), FALSE,
                                            platform_id, error);
}

/* One operation on the OA directory, with its bridge link and journal row,
 * in one transaction. */
static gboolean
apply_oa_op_in_transaction (YqStore  *store,
                            gpointer  user_data,
                            GError  **error)
{
  OaOpData *d = user_data;
  YqSyncRun *self = d->self;
  const YqPlanOp *op = d->op;
  g_autofree char *new_id = NULL;
  gint64 cid = connector_id (self);

  switch (op->kind)
    {
    case YQ_PLAN_OP_LINK_DEPARTMENT:
    case YQ_PLAN_OP_CREATE_DEPARTMENT:
    case YQ_PLAN_OP_UPDATE_DEPARTMENT:
      {
        YqOrgDepartment dept = *op->department;

        dept.parent_id = (char *) (op->target_parent_id != NULL
                                   ? op->target_parent_id
                                   : resolve_department (d->data, d->links,
                                                         op->source_parent_id));
        if (dept.parent_id == NULL && op->source_parent_id != NULL)
          {
            g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED,
                         _("The parent department was not created."));
            return FALSE;
          }

        if (op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT)
          {
            new_id = yq_oa_directory_add_department (self->oa, &dept, error);
            if (new_id == NULL)
              return FALSE;
          }
        else
          {
            dept.id = op->target_id;
            if (op->changes != 0 && !yq_oa_directory_update_department (self->oa, &dept, error))
              return FALSE;
          }

        if (!yq_bridge_directory_link_department (store, cid, op->source_id,
                                                  new_id != NULL ? new_id : op->target_id,
                                                  error))
          return FALSE;
      }
      break;

    case YQ_PLAN_OP_DELETE_DEPARTMENT:
      if (!yq_oa_directory_delete_department (self->oa, op->target_id, error))
        return FALSE;
      if (op->source_id != NULL &&
          !yq_bridge_directory_purge_deleted (store, cid, TRUE, op->source_id, error))
        return FALSE;
      break;

    case YQ_PLAN_OP_LINK_PERSON:
    case YQ_PLAN_OP_CREATE_PERSON:
    case YQ_PLAN_OP_UPDATE_PERSON:
      {
        g_autoptr(YqOrgPerson) person = yq_org_person_copy (op->person);

        g_strfreev (person->department_ids);
        person->department_ids = resolve_departments (d->data, d->links,
                                                      op->person->department_ids, error);
        if (person->department_ids == NULL)
          return FALSE;

        if (op->kind == YQ_PLAN_OP_CREATE_PERSON)
          {
            /* An OA person is known by the account the field map filled. */
            if (person->account_code == NULL || *person->account_code == '\0')
              {
                g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED,
                             _("No OA account for “%s”: map a field to the account in the "
                               "sync profile."), person->name);
                return FALSE;
              }
            g_free (person->id);
            person->id = g_strdup (person->account_code);
            new_id = yq_oa_directory_add_person (self->oa, person, error);
            if (new_id == NULL)
              return FALSE;
          }
        else
          {
            g_free (person->id);
            person->id = g_strdup (op->target_id);
            if (op->changes != 0 && !yq_oa_directory_update_person (self->oa, person, error))
              return FALSE;
          }

        if (op->kind != YQ_PLAN_OP_UPDATE_PERSON &&
            !yq_bridge_directory_bind_person (store, cid, op->source_id,
                                              new_id != NULL ? new_id : op->target_id,
                                              op->kind == YQ_PLAN_OP_LINK_PERSON
                                              ? YQ_BIND_SOURCE_RULE : YQ_BIND_SOURCE_SYNC,
                                              error))
          return FALSE;
      }
      break;

    case YQ_PLAN_OP_REMOVE_PERSON:
      if (!yq_oa_directory_disable_person (self->oa, op->target_id, error))
        return FALSE;
      if (!unlink_person_locked (self, op->source_id, error))
        return FALSE;
      break;

    default:
      g_assert_not_reached ();
    }

  if (!yq_sync_runs_mark_ops (store, d->data->run_id, d->seq, 1, YQ_SYNC_OP_DONE, new_id,
                              NULL, error))
    return FALSE;

  d->new_id = g_steal_pointer (&new_id);

  return TRUE;
}

static gboolean
record_op_failure (YqSyncRun     *self,
                   RunData       *data,
                   guint          seq,
                   const GError  *op_error,
                   GError       **error)
{
  const YqPlanOp *op = yq_plan_get_op (data->plan, seq);
  g_autofree char *what = yq_plan_op_describe (op);

  g_ptr_array_add (data->errors, g_strdup_printf ("%s: %s", what, op_error->message));

  return yq_sync_runs_mark_ops (self->store, data->run_id, seq, 1, YQ_SYNC_OP_FAILED, NULL,
                                op_error->message, error);
}

static gboolean
apply_to_oa (YqSyncRun     *self,
             RunData       *data,
             GCancellable  *cancellable,
             GError       **error)
{
  guint n = yq_plan_get_n_ops (data->plan);

  for (guint seq = 0; seq < n; seq++)
    {
      OaOpData d = { self, data, data->links, yq_plan_get_op (data->plan, seq), seq, NULL };
      g_autoptr(GError) op_error = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          stop_requested (self, error))
        return FALSE;

      if (!yq_store_transaction (self->store, apply_oa_op_in_transaction, &d, &op_error))
        {
          /* The database failing stops the run; an operation the OA
           * refuses is recorded and the run goes on. */
          if (op_error == NULL ||
              (op_error->domain == YQ_STORE_ERROR &&
               op_error->code != YQ_STORE_ERROR_CONSTRAINT &&
               op_error->code != YQ_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&op_error));
              return FALSE;
            }
          if (!record_op_failure (self, data, seq, op_error, error))
            return FALSE;
        }
      else if (d.op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT)
        {
          g_hash_table_insert (data->created_departments, g_strdup (d.op->source_id),
                               g_steal_pointer (&d.new_id));
        }
      g_free (d.new_id);

      maybe_abort (data);
      report (self, YQ_SYNC_STAGE_APPLY, seq + 1, n);
      if (!renew_lease (self, data, error))
        return FALSE;
    }

  return TRUE;
}

/* ---- Applying to the platform ---------------------------------------------- */

typedef struct
{
  guint            seq;
  YqOrgDepartment *department;
  YqOrgPerson     *person;
} PlatformStep;

static void
platform_step_free (PlatformStep *step)
{
  g_clear_pointer (&step->department, yq_org_department_free);
  g_clear_pointer (&step->person, yq_org_person_free);
  g_free (step);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlatformStep, platform_step_free)

typedef struct
{
  GTask        *task;
  PlatformStep *step;
} PlatformCall;
/* The platform calls one operation needs; empty when it is bookkeeping
 * only (a link, or a change the platform has no field for). */
static GPtrArray *
platform_changes_for (const YqPlanOp  *op,
                      YqOrgDepartment *department,
                      YqOrgPerson     *person)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_directory_change_free);

#define ADD_DEPT(kind) g_ptr_array_add (changes, yq_directory_change_new_department (kind, department))
#define ADD_PERSON(kind) g_ptr_array_add (changes, yq_directory_change_new_person (kind, person))

  switch (op->kind)
    {
    case YQ_PLAN_OP_CREATE_DEPARTMENT:
      ADD_DEPT (YQ_DIRECTORY_OP_ADD_DEPARTMENT);
      break;

    case YQ_PLAN_OP_LINK_DEPARTMENT:
    case YQ_PLAN_OP_UPDATE_DEPARTMENT:
      if (op->changes & YQ_PLAN_CHANGE_NAME)
        ADD_DEPT (YQ_DIRECTORY_OP_RENAME_DEPARTMENT);
      if (op->changes & YQ_PLAN_CHANGE_PARENT)
        ADD_DEPT (YQ_DIRECTORY_OP_MOVE_DEPARTMENT);
      if (op->changes & YQ_PLAN_CHANGE_ORDER)
        ADD_DEPT (YQ_DIRECTORY_OP_REORDER_DEPARTMENT);
      break;

    case YQ_PLAN_OP_DELETE_DEPARTMENT:
      ADD_DEPT (YQ_DIRECTORY_OP_DELETE_DEPARTMENT);
      break;

    case YQ_PLAN_OP_CREATE_PERSON:
      ADD_PERSON (YQ_DIRECTORY_OP_ADD_PERSON);
      break;

    case YQ_PLAN_OP_LINK_PERSON:
    case YQ_PLAN_OP_UPDATE_PERSON:
      if (op->changes & (YQ_PLAN_CHANGE_NAME | YQ_PLAN_CHANGE_FIELDS | YQ_PLAN_CHANGE_ORDER))
        ADD_PERSON (YQ_DIRECTORY_OP_UPDATE_PERSON);
      if (op->changes & YQ_PLAN_CHANGE_DEPARTMENTS)
        ADD_PERSON (YQ_DIRECTORY_OP_MOVE_PERSON);
      if (op->changes & YQ_PLAN_CHANGE_ACTIVE)
        ADD_PERSON (person->active ? YQ_DIRECTORY_OP_ENABLE_PERSON
                                   : YQ_DIRECTORY_OP_DISABLE_PERSON);
      break;

    case YQ_PLAN_OP_REMOVE_PERSON:
      ADD_PERSON (YQ_DIRECTORY_OP_DELETE_PERSON);
      break;

    default:
      g_assert_not_reached ();
    }

#undef ADD_DEPT
#undef ADD_PERSON

  return changes;
}

typedef struct
{
  YqSyncRun      *self;
  RunData        *data;
  PlatformStep   *step;
  const YqPlanOp *op;
  const char     *new_id;
} BookData;

/* The bridge side of a platform operation that succeeded, with its
 * journal row. */
static gboolean
book_platform_op_in_transaction (YqStore  *store,
                                 gpointer  user_data,
                                 GError  **error)
{
  BookData *b = user_data;
  const YqPlanOp *op = b->op;
  gint64 cid = connector_id (b->self);

  switch (op->kind)
    {
    case YQ_PLAN_OP_LINK_DEPARTMENT:
    case YQ_PLAN_OP_CREATE_DEPARTMENT:
    case YQ_PLAN_OP_UPDATE_DEPARTMENT:
      g_free (b->step->department->id);
      b->step->department->id = g_strdup (b->new_id != NULL ? b->new_id : op->target_id);
      if (!yq_bridge_directory_put_department (store, cid, b->step->department, error) ||
          !yq_bridge_directory_link_department (store, cid, b->step->department->id,
                                                op->source_id, error))
        return FALSE;
      break;

    case YQ_PLAN_OP_DELETE_DEPARTMENT:
      if (!yq_bridge_directory_link_department (store, cid, op->target_id, NULL, error) ||
          !yq_bridge_directory_delete_department (store, cid, op->target_id, error))
        return FALSE;
      break;

    case YQ_PLAN_OP_LINK_PERSON:
    case YQ_PLAN_OP_CREATE_PERSON:
    case YQ_PLAN_OP_UPDATE_PERSON:
      g_free (b->step->person->id);
      b->step->person->id = g_strdup (b->new_id != NULL ? b->new_id : op->target_id);
      if (!yq_bridge_directory_put_person (store, cid, b->step->person, error))
        return FALSE;
      if (op->kind != YQ_PLAN_OP_UPDATE_PERSON &&
          !yq_bridge_directory_bind_person (store, cid, b->step->person->id, op->source_id,
                                            op->kind == YQ_PLAN_OP_LINK_PERSON
                                            ? YQ_BIND_SOURCE_RULE : YQ_BIND_SOURCE_SYNC,
                                            error))
        return FALSE;
      break;

    case YQ_PLAN_OP_REMOVE_PERSON:
      if (!yq_bridge_directory_bind_person (store, cid, op->target_id, NULL,
                                            YQ_BIND_SOURCE_SYNC, NULL))
        { /* not in the bridge: nothing to unbind */ }
      if (!yq_bridge_directory_delete_person (store, cid, op->target_id, error))
        return FALSE;
      break;

    default:
      g_assert_not_reached ();
    }

  return yq_sync_runs_mark_ops (store, b->data->run_id, b->step->seq, 1, YQ_SYNC_OP_DONE,
                                b->new_id, NULL, error);
}

static void
fail_run (GTask  *task,
          GError *error);

/* Books the outcome of one operation. Returns FALSE when the run ended. */
static gboolean
platform_op_done (GTask        *task,
                  PlatformStep *step,
                  GPtrArray    *results,
                  const GError *op_error)
{
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  const YqPlanOp *op = yq_plan_get_op (data->plan, step->seq);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) item_error = NULL;
  const char *new_id = NULL;

  /* The change reached the platform (or was refused); the journal does
   * not know yet. */
  if (op_error == NULL)
    maybe_abort (data);

  for (guint i = 0; op_error == NULL && results != NULL && i < results->len; i++)
    {
      YqDirectoryChangeResult *result = g_ptr_array_index (results, i);

      if (result->status != YQ_DIRECTORY_RESULT_OK)
        {
          item_error = g_error_new (YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED, "%s%s%s%s",
                                    result->error_message != NULL ? result->error_message
                                                                  : _("Refused by the platform"),
                                    result->error_code != NULL ? " (" : "",
                                    result->error_code != NULL ? result->error_code : "",
                                    result->error_code != NULL ? ")" : "");
          break;
        }
      if (i == 0)
        new_id = result->id;
    }

  if (op_error != NULL || item_error != NULL)
    {
      if (!record_op_failure (self, data, step->seq, op_error != NULL ? op_error : item_error,
                              &error))
        {
          fail_run (task, g_steal_pointer (&error));
          return FALSE;
        }
    }
  else
    {
      BookData book = { self, data, step, op,
                        op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT ||
                        op->kind == YQ_PLAN_OP_CREATE_PERSON ? new_id : NULL };

      if ((op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT || op->kind == YQ_PLAN_OP_CREATE_PERSON) &&
          new_id == NULL)
        {
          g_autoptr(GError) missing = g_error_new (YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED,
                                                   _("The platform did not return the new ID."));

          if (!record_op_failure (self, data, step->seq, missing, &error))
            {
              fail_run (task, g_steal_pointer (&error));
              return FALSE;
            }
        }
      else if (!yq_store_transaction (self->store, book_platform_op_in_transaction, &book,
                                       &error))
        {
          fail_run (task, g_steal_pointer (&error));
          return FALSE;
        }
      else if (op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT)
        {
          g_hash_table_insert (data->created_departments, g_strdup (op->source_id),
                               g_strdup (new_id));
        }
    }

  report (self, YQ_SYNC_STAGE_APPLY, step->seq + 1, yq_plan_get_n_ops (data->plan));
  if (!renew_lease (self, data, &error))
    {
      fail_run (task, g_steal_pointer (&error));
      return FALSE;
    }

  data->next_op = step->seq + 1;

  return TRUE;
}

static void apply_next_platform_op (GTask *task);
static void finish_main_run (GTask *task);

static void
platform_changes_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PlatformCall *call = user_data;
  GTask *task = call->task;
  g_autoptr(PlatformStep) step = call->step;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  g_free (call);

  results = yq_platform_apply_directory_changes_finish (YQ_PLATFORM (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fail_run (task, g_steal_pointer (&error));
      return;
    }

  if (platform_op_done (task, step, results, error))
    apply_next_platform_op (task);
}

static void
apply_next_platform_op (GTask *task)
{
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  guint n = yq_plan_get_n_ops (data->plan);

  while (data->next_op < n)
    {
      g_autoptr(PlatformStep) step = NULL;
      g_autoptr(GPtrArray) changes = NULL;
      g_autoptr(GError) error = NULL;
      const YqPlanOp *op = yq_plan_get_op (data->plan, data->next_op);
      PlatformCall *call;

      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error) ||
          stop_requested (self, &error))
        {
          fail_run (task, g_steal_pointer (&error));
          return;
        }

      step = g_new0 (PlatformStep, 1);
      step->seq = data->next_op;

      if (op->department != NULL)
        {
          step->department = yq_org_department_copy (op->department);
          g_free (step->department->id);
          step->department->id = g_strdup (op->target_id);
          g_free (step->department->parent_id);
          step->department->parent_id =
            g_strdup (op->target_parent_id != NULL
                      ? op->target_parent_id
                      : resolve_department (data, data->links, op->source_parent_id));
          if (step->department->parent_id == NULL && op->source_parent_id != NULL)
            error = g_error_new (YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED,
                                 _("The parent department was not created."));
        }
      else if (op->person != NULL)
        {
          step->person = yq_org_person_copy (op->person);
          g_free (step->person->id);
          step->person->id = g_strdup (op->target_id);
          g_strfreev (step->person->department_ids);
          step->person->department_ids =
            resolve_departments (data, data->links, op->person->department_ids, &error);
          if (step->person->department_ids == NULL)
            step->person->department_ids = g_new0 (char *, 1);
        }
      else if (op->kind == YQ_PLAN_OP_REMOVE_PERSON)
        {
          step->person = yq_org_person_new (op->target_id, op->name);
        }
      else
        {
          step->department = yq_org_department_new (op->target_id, NULL, op->name);
        }

      if (error != NULL)
        {
          g_autoptr(GError) store_error = NULL;

          if (!record_op_failure (self, data, step->seq, error, &store_error))
            {
              fail_run (task, g_steal_pointer (&store_error));
              return;
            }
          data->next_op++;
          continue;
        }

      if (!yq_sync_runs_mark_ops (self->store, data->run_id, step->seq, 1, YQ_SYNC_OP_RUNNING,
                                  NULL, NULL, &error))
        {
          fail_run (task, g_steal_pointer (&error));
          return;
        }

      changes = platform_changes_for (op, step->department, step->person);
      if (changes->len == 0)
        {
          if (!platform_op_done (task, step, NULL, NULL))
            return;
          continue;
        }

      call = g_new0 (PlatformCall, 1);
      call->task = task;
      call->step = g_steal_pointer (&step);
      yq_platform_apply_directory_changes_async (self->platform, changes,
                                                 g_task_get_cancellable (task),
                                                 platform_changes_cb, call);
      return;
    }

  finish_main_run (task);
}

/* ---- The run as a whole ------------------------------------------------------ */

static char *
errors_to_json (GPtrArray *errors)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < errors->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (errors, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void
fail_run (GTask  *task,
          GError *error)
{
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);

  if (data->run_id > 0)
    {
      g_autofree char *errors = NULL;

      g_ptr_array_add (data->errors, g_strdup (error->message));
      errors = errors_to_json (data->errors);
      if (!yq_sync_runs_finish (self->store, data->run_id, YQ_SYNC_RUN_FAILED, errors, NULL))
        g_warning ("Could not record the end of sync run %" G_GINT64_FORMAT, data->run_id);
    }

  finish_task (task, error);
}

static void
finish_main_run (GTask *task)
{
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autofree char *errors = errors_to_json (data->errors);
  g_autoptr(GError) error = NULL;

  if (!yq_sync_runs_finish (self->store, data->run_id, YQ_SYNC_RUN_APPLIED, errors, &error))
    {
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  if (data->errors->len > 0)
    error = g_error_new (YQ_SYNC_ERROR, YQ_SYNC_ERROR_FAILED,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%u operation failed; the others were applied. First: %s",
                                      "%u operations failed; the others were applied. First: %s",
                                      data->errors->len),
                         data->errors->len, (const char *) g_ptr_array_index (data->errors, 0));

  finish_task (task, g_steal_pointer (&error));
}

/* Looks on the platform for what a cut-off run may have created without
 * recording it, and records it, so that planning again does not create it
 * a second time. */
static gboolean
reconcile_interrupted (YqSyncRun  *self,
                       RunData    *data,
                       GError    **error)
{
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(YqSyncLinks) reverse = NULL;
  g_autoptr(GHashTable) linked_targets = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 cid = connector_id (self);
  GHashTableIter iter;
  gpointer value;

  if (data->interrupted_run == 0)
    return TRUE;

  g_debug ("Taking over the cut-off sync run %" G_GINT64_FORMAT, data->interrupted_run);

  if (data->interrupted_direction == YQ_SYNC_DIRECTION_TO_PLATFORM)
    {
      ops = yq_sync_runs_get_ops (self->store, data->interrupted_run, -1, error);
      if (ops == NULL)
        return FALSE;

      reverse = yq_bridge_directory_get_oa_links (self->store, cid, TRUE, error);
      if (reverse == NULL)
        return FALSE;
      g_hash_table_iter_init (&iter, reverse->departments);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_hash_table_add (linked_targets, value);
      g_hash_table_iter_init (&iter, reverse->people);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_hash_table_add (linked_targets, value);

      for (guint i = 0; i < ops->len; i++)
        {
          YqSyncOpRecord *record = g_ptr_array_index (ops, i);
          const YqPlanOp *op = record->op;

          if (record->state == YQ_SYNC_OP_DONE && op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT &&
              record->result_id != NULL)
            g_hash_table_insert (created, g_strdup (op->source_id), g_strdup (record->result_id));

          if (record->state != YQ_SYNC_OP_RUNNING)
            continue;

          if (op->kind == YQ_PLAN_OP_CREATE_DEPARTMENT)
            {
              const char *parent = op->target_parent_id;
              guint n = yq_org_snapshot_get_n_departments (data->platform_snapshot);

              if (parent == NULL)
                parent = g_hash_table_lookup (created, op->source_parent_id);
              if (parent == NULL)
                parent = g_hash_table_lookup (reverse->departments, op->source_parent_id);

              for (guint d = 0; parent != NULL && d < n; d++)
                {
                  YqOrgDepartment *dept =
                    yq_org_snapshot_get_department (data->platform_snapshot, d);

                  if (g_strcmp0 (dept->parent_id, parent) == 0 &&
                      g_strcmp0 (dept->name, op->department->name) == 0 &&
                      !g_hash_table_contains (linked_targets, dept->id))
                    {
                      if (!yq_bridge_directory_link_department (self->store, cid, dept->id,
                                                                op->source_id, error))
                        return FALSE;
                      g_hash_table_insert (created, g_strdup (op->source_id),
                                           g_strdup (dept->id));
                      break;
                    }
                }
            }
          else if (op->kind == YQ_PLAN_OP_CREATE_PERSON && op->person->mobile != NULL &&
                   *op->person->mobile != '\0')
            {
              guint n = yq_org_snapshot_get_n_people (data->platform_snapshot);

              for (guint p = 0; p < n; p++)
                {
                  YqOrgPerson *person = yq_org_snapshot_get_person (data->platform_snapshot, p);

                  if (g_strcmp0 (person->mobile, op->person->mobile) == 0 &&
                      !g_hash_table_contains (linked_targets, person->id))
                    {
                      if (!yq_bridge_directory_bind_person (self->store, cid, person->id,
                                                            op->source_id, YQ_BIND_SOURCE_SYNC,
                                                            error))
                        return FALSE;
                      break;
                    }
                }
            }
        }
    }

  return yq_sync_runs_finish (self->store, data->interrupted_run, YQ_SYNC_RUN_INTERRUPTED, NULL,
                              error);
}

/* The history lists previews too: one finished, dry-run row with the
 * plan's counts (blocked when the plan is), and no journal. A cancelled
 * preview is not recorded. */
static gboolean
record_preview (YqSyncRun     *self,
                RunData       *data,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(YqSyncProfile) profile = NULL;

  if (g_cancellable_is_cancelled (cancellable))
    return TRUE;

  profile = yq_sync_profiles_get (self->store, connector_id (self), self->direction, error);
  if (profile == NULL)
    return FALSE;

  data->run_id = yq_sync_runs_record_preview (self->store, connector_id (self),
                                              self->direction, profile, self->confirmed,
                                              data->plan, error);

  return data->run_id > 0;
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  YqSyncRun *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPlan) refresh = NULL;
  YqFetchStats stats = { 0 };

  data->platform_snapshot = yq_platform_fetch_directory_finish (YQ_PLATFORM (source), result,
                                                                &stats, &error);
  if (data->platform_snapshot == NULL)
    {
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  report (self, YQ_SYNC_STAGE_PLAN, 0, 0);
  data->oa_snapshot = yq_oa_directory_snapshot (self->oa, &error);
  if (data->oa_snapshot == NULL)
    {
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  /* A preview plans the main direction against the platform as it is now;
   * the bridge's copy of it would be the same after a refresh. */
  if (!data->apply)
    {
      if (self->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM)
        data->plan = plan_refresh (self, data, &error);
      else
        data->plan = plan_main (self, data, &error);
      if (data->plan != NULL)
        record_preview (self, data, g_task_get_cancellable (task), &error);
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  /* platform → bridge first, always */
  refresh = plan_refresh (self, data, &error);
  if (refresh == NULL)
    {
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  data->plan = g_object_ref (refresh);

  /* Before another direction, a refresh that changes nothing is not worth
   * a line in the history. */
  if (self->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM ||
      yq_plan_get_n_ops (refresh) > 0 || yq_plan_is_blocked (refresh))
    {
      g_autoptr(YqSyncProfile) profile = NULL;

      profile = yq_sync_profiles_get (self->store, connector_id (self),
                                      YQ_SYNC_DIRECTION_FROM_PLATFORM, &error);
      if (profile == NULL)
        {
          finish_task (task, g_steal_pointer (&error));
          return;
        }

      data->run_id = yq_sync_runs_create (self->store, connector_id (self),
                                          YQ_SYNC_DIRECTION_FROM_PLATFORM, profile,
                                          self->confirmed, refresh, &error);
      if (data->run_id == 0)
        {
          finish_task (task, g_steal_pointer (&error));
          return;
        }
    }

  if (yq_plan_is_blocked (refresh))
    {
      set_blocked_error (refresh, &error);
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  report (self, YQ_SYNC_STAGE_REFRESH, 0, yq_plan_get_n_ops (refresh));
  if (!apply_refresh (self, data, &error))
    {
      fail_run (task, g_steal_pointer (&error));
      return;
    }

  if (!reconcile_interrupted (self, data, &error))
    {
      fail_run (task, g_steal_pointer (&error));
      return;
    }

  if (self->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM)
    {
      finish_main_run (task);
      return;
    }

  if (data->run_id > 0 &&
      !yq_sync_runs_finish (self->store, data->run_id, YQ_SYNC_RUN_APPLIED, NULL, &error))
    {
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  /* The main direction. The bridge now holds the platform as fetched. */
  g_clear_object (&data->plan);
  data->run_id = 0;
  data->plan = plan_main (self, data, &error);
  if (data->plan == NULL)
    {
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  {
    g_autoptr(YqSyncProfile) profile = yq_sync_profiles_get (self->store, connector_id (self),
                                                             self->direction, &error);

    if (profile == NULL)
      {
        finish_task (task, g_steal_pointer (&error));
        return;
      }

    data->run_id = yq_sync_runs_create (self->store, connector_id (self), self->direction,
                                        profile, self->confirmed, data->plan, &error);
    if (data->run_id == 0)
      {
        finish_task (task, g_steal_pointer (&error));
        return;
      }
  }

  if (yq_plan_is_blocked (data->plan))
    {
      set_blocked_error (data->plan, &error);
      finish_task (task, g_steal_pointer (&error));
      return;
    }

  data->next_op = 0;
  if (self->direction == YQ_SYNC_DIRECTION_TO_OA)
    {
      if (!apply_to_oa (self, data, g_task_get_cancellable (task), &error))
        {
          fail_run (task, g_steal_pointer (&error));
          return;
        }
      finish_main_run (task);
    }
  else
    {
      apply_next_platform_op (task);
    }
}

static GTask *
new_task (YqSyncRun           *self,
          gboolean             apply,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RunData *data = g_new0 (RunData, 1);
  const char *abort_after = g_getenv ("YUNQIAO_TEST_ABORT_AFTER_OPS");

  data->apply = apply;
  data->created_departments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  data->errors = g_ptr_array_new_with_free_func (g_free);
  if (abort_after != NULL)
    data->abort_after = (guint) g_ascii_strtoull (abort_after, NULL, 10);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  return task;
}

void
yq_sync_run_preview_async (YqSyncRun           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  task = new_task (self, FALSE, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_sync_run_preview_async);
  start (task);
}

/**
 * yq_sync_run_preview_finish:
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
YqPlan *
yq_sync_run_preview_finish (YqSyncRun     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
yq_sync_run_apply_async (YqSyncRun           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (YQ_IS_SYNC_RUN (self));

  task = new_task (self, TRUE, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_sync_run_apply_async);
  start (task);
}

gint64
yq_sync_run_apply_finish (YqSyncRun     *self,
                          GAsyncResult  *result,
                          YqPlan       **plan,
                          GError       **error)
{
  RunData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  data = g_task_get_task_data (G_TASK (result));
  if (plan != NULL)
    *plan = data->plan != NULL ? g_object_ref (data->plan) : NULL;

  g_task_propagate_boolean (G_TASK (result), error);

  return data->run_id;
}

/**
 * yq_sync_run_get_run_id:
 * @self: a run
 *
 * The ID of the history row of the last preview, or of the main run of
 * the last apply (as yq_sync_run_apply_finish() returns it). Previews are
 * recorded too, also when blocked; not when cancelled or when they failed
 * before there was a plan.
 *
 * Returns: the run ID, or 0 when nothing was recorded (or before the
 *   preview or apply finished)
 */
gint64
yq_sync_run_get_run_id (YqSyncRun *self)
{
  g_return_val_if_fail (YQ_IS_SYNC_RUN (self), 0);

  return self->run_id;
}

/**
 * yq_sync_run_get_comparison:
 * @self: a run
 *
 * The comparison of the main plan the run previewed or applied (also when
 * that plan was blocked), or %NULL before there is one.
 *
 * Returns: (transfer none) (nullable): the comparison
 */
YqComparison *
yq_sync_run_get_comparison (YqSyncRun *self)
{
  g_return_val_if_fail (YQ_IS_SYNC_RUN (self), NULL);

  return self->comparison;
}

/**
 * yq_sync_run_get_fetch_stats:
 * @self: a run
 * @stats: (out): the platform fetch's progress so far (zero before it
 *   starts)
 *
 * For progress texts at %YQ_SYNC_STAGE_FETCH: pages, departments and
 * people read so far.
 */
void
yq_sync_run_get_fetch_stats (YqSyncRun    *self,
                             YqFetchStats *stats)
{
  g_return_if_fail (YQ_IS_SYNC_RUN (self));
  g_return_if_fail (stats != NULL);

  *stats = self->fetch_stats;
}
