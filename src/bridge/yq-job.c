/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-job"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "yq-job.h"
#include "yq-sync-runs.h"

/* Warnings carried in a job's summary; the run's history has them all. */
#define SUMMARY_WARNINGS 20
/* Comparison files kept in <data dir>/comparisons; older ones are deleted. */
#define KEEP_COMPARISONS 10

struct _YqJob
{
  GObject          parent_instance;

  YqStore         *store;
  YqSyncRun       *run;
  GCancellable    *cancellable;
  YqPlan          *plan;

  gint64           connector;
  char            *connector_name;
  YqSyncDirection  direction;
  gboolean         dry_run;
  gboolean         scheduled;

  YqJobState       state;
  double           fraction;
  char            *step;
  char            *summary;
  char            *error;
  gboolean         needs_confirmation;
  gint64           run_id;
  gint64           started_at;
  gint64           finished_at;
  char            *comparison;
};

G_DEFINE_FINAL_TYPE (YqJob, yq_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_CONNECTOR,
  PROP_CONNECTOR_NAME,
  PROP_DIRECTION,
  PROP_SCHEDULED,
  PROP_STATE,
  PROP_FRACTION,
  PROP_STEP,
  PROP_SUMMARY,
  PROP_ERROR,
  PROP_NEEDS_CONFIRMATION,
  PROP_RUN_ID,
  PROP_STARTED_AT,
  PROP_FINISHED_AT,
  PROP_COMPARISON,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char * const state_names[] = {
  "queued", "running", "succeeded", "failed", "blocked", "cancelled",
};

const char *
yq_job_state_to_string (YqJobState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), "failed");

  return state_names[state];
}

static void
yq_job_finalize (GObject *object)
{
  YqJob *self = YQ_JOB (object);

  g_clear_object (&self->store);
  g_clear_object (&self->run);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->plan);
  g_free (self->connector_name);
  g_free (self->step);
  g_free (self->summary);
  g_free (self->error);
  g_free (self->comparison);

  G_OBJECT_CLASS (yq_job_parent_class)->finalize (object);
}

static void
yq_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  YqJob *self = YQ_JOB (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_string (value, yq_job_get_kind (self));
      break;
    case PROP_CONNECTOR:
      g_value_set_int64 (value, self->connector);
      break;
    case PROP_CONNECTOR_NAME:
      g_value_set_string (value, self->connector_name);
      break;
    case PROP_DIRECTION:
      g_value_set_string (value, yq_sync_direction_to_string (self->direction));
      break;
    case PROP_SCHEDULED:
      g_value_set_boolean (value, self->scheduled);
      break;
    case PROP_STATE:
      g_value_set_string (value, yq_job_state_to_string (self->state));
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_STEP:
      g_value_set_string (value, self->step != NULL ? self->step : "");
      break;
    case PROP_SUMMARY:
      g_value_set_string (value, self->summary != NULL ? self->summary : "{}");
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error != NULL ? self->error : "");
      break;
    case PROP_NEEDS_CONFIRMATION:
      g_value_set_boolean (value, self->needs_confirmation);
      break;
    case PROP_RUN_ID:
      g_value_set_int64 (value, self->run_id);
      break;
    case PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;
    case PROP_FINISHED_AT:
      g_value_set_int64 (value, self->finished_at);
      break;
    case PROP_COMPARISON:
      g_value_set_string (value, self->comparison != NULL ? self->comparison : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_job_class_init (YqJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = yq_job_finalize;
  object_class->get_property = yq_job_get_property;

  /* Named like the properties of the D-Bus Job interface, so that the
   * service can bind them one to one. */
  properties[PROP_KIND] = g_param_spec_string ("kind", NULL, NULL, NULL, flags);
  properties[PROP_CONNECTOR] =
    g_param_spec_int64 ("connector", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_CONNECTOR_NAME] = g_param_spec_string ("connector-name", NULL, NULL, NULL, flags);
  properties[PROP_DIRECTION] = g_param_spec_string ("direction", NULL, NULL, NULL, flags);
  properties[PROP_SCHEDULED] = g_param_spec_boolean ("scheduled", NULL, NULL, FALSE, flags);
  properties[PROP_STATE] = g_param_spec_string ("state", NULL, NULL, NULL, flags);
  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, -1, 1, 0, flags);
  properties[PROP_STEP] = g_param_spec_string ("step", NULL, NULL, NULL, flags);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  properties[PROP_NEEDS_CONFIRMATION] =
    g_param_spec_boolean ("needs-confirmation", NULL, NULL, FALSE, flags);
  properties[PROP_RUN_ID] = g_param_spec_int64 ("run-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_STARTED_AT] =
    g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_FINISHED_AT] =
    g_param_spec_int64 ("finished-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* The file of the plan's comparison (yq_comparison_load()), "" when none;
   * set before the final state. */
  properties[PROP_COMPARISON] = g_param_spec_string ("comparison", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * YqJob::finished:
   *
   * Emitted once, when the job reached its final state.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
yq_job_init (YqJob *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * yq_job_new_sync:
 * @store: the store
 * @secrets: the secrets
 * @connector_id: the connector
 * @direction: the direction
 * @dry_run: preview only
 * @confirm: go ahead past an exceeded threshold
 * @scheduled: started by a schedule
 * @error: return location for an error
 *
 * Returns: (transfer full): a queued job, or %NULL when the connector
 *   cannot be read or the direction is not possible for it
 */
YqJob *
yq_job_new_sync (YqStore          *store,
                 YqSecrets        *secrets,
                 gint64            connector_id,
                 YqSyncDirection   direction,
                 gboolean          dry_run,
                 gboolean          confirm,
                 gboolean          scheduled,
                 GError          **error)
{
  g_autoptr(YqJob) self = NULL;
  g_autoptr(YqConnector) connector = NULL;

  connector = yq_connectors_get (store, connector_id, error);
  if (connector == NULL)
    return NULL;

  self = g_object_new (YQ_TYPE_JOB, NULL);
  self->run = yq_sync_run_new (store, secrets, connector_id, direction, error);
  if (self->run == NULL)
    return NULL;

  yq_sync_run_set_confirmed (self->run, confirm);
  self->store = g_object_ref (store);
  self->connector = connector_id;
  self->connector_name = g_strdup (yq_connector_get_name (connector));
  self->direction = direction;
  self->dry_run = dry_run;
  self->scheduled = scheduled;
  self->fraction = 0;
  self->step = g_strdup (_("Waiting to start"));

  return g_steal_pointer (&self);
}

void
yq_job_set_platform (YqJob      *self,
                     YqPlatform *platform)
{
  g_return_if_fail (YQ_IS_JOB (self));

  yq_sync_run_set_platform (self->run, platform);
}

static void
set_progress (YqJob      *self,
              double      fraction,
              const char *step)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (self->fraction != fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  if (g_strcmp0 (self->step, step) != 0)
    {
      g_free (self->step);
      self->step = g_strdup (step);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
progress_cb (YqSyncStage  stage,
             guint        done,
             guint        total,
             gpointer     user_data)
{
  YqJob *self = user_data;
  g_autofree char *step = NULL;
  double fraction = -1;

  switch (stage)
    {
    case YQ_SYNC_STAGE_FETCH:
      {
        YqFetchStats stats;

        yq_sync_run_get_fetch_stats (self->run, &stats);
        /* Translators: progress of reading a platform directory; the
         * three numbers are pages, departments and people so far. */
        if (stats.pages > 0)
          step = g_strdup_printf (_("Reading the platform directory: "
                                    "pages %u, departments %u, people %u"),
                                  stats.pages, stats.departments, stats.people);
        else
          step = g_strdup (_("Reading the platform directory"));
      }
      break;

    case YQ_SYNC_STAGE_PLAN:
      step = g_strdup (_("Comparing the two sides"));
      break;

    case YQ_SYNC_STAGE_REFRESH:
      step = g_strdup_printf (_("Updating the bridge directory: %u of %u"), done, total);
      fraction = total > 0 ? 0.5 * done / total : 0;
      break;

    case YQ_SYNC_STAGE_APPLY:
      step = g_strdup_printf (_("Applying: %u of %u operations"), done, total);
      fraction = total > 0 ? 0.5 + 0.5 * done / total : 0.5;
      break;

    default:
      g_return_if_reached ();
    }

  set_progress (self, fraction, step);
}

static char *
build_summary (YqJob *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(YqSyncRunRecord) record = NULL;

  if (self->run_id > 0)
    record = yq_sync_runs_get (self->store, self->run_id, NULL);

  json_builder_begin_object (builder);
  if (self->plan != NULL)
    {
      GPtrArray *warnings = yq_plan_get_warnings (self->plan);

      json_builder_set_member_name (builder, "counts");
      json_builder_begin_object (builder);
      yq_plan_counts_add_json (yq_plan_get_counts (self->plan), builder);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "operations");
      json_builder_add_int_value (builder, yq_plan_get_n_ops (self->plan));

      json_builder_set_member_name (builder, "warnings");
      json_builder_begin_array (builder);
      for (guint i = 0; i < warnings->len && i < SUMMARY_WARNINGS; i++)
        json_builder_add_string_value (builder,
                                       ((YqPlanWarning *) g_ptr_array_index (warnings, i))->message);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "more-warnings");
      json_builder_add_int_value (builder, warnings->len > SUMMARY_WARNINGS
                                           ? warnings->len - SUMMARY_WARNINGS : 0);
    }
  /* A preview's row has no journal: nothing done or failed to tell. */
  if (record != NULL && !record->dry_run)
    {
      json_builder_set_member_name (builder, "done");
      json_builder_add_int_value (builder, record->n_done);
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, record->n_failed);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
finish (YqJob        *self,
        YqJobState    state,
        const GError *error)
{
  g_object_freeze_notify (G_OBJECT (self));

  self->state = state;
  self->finished_at = g_get_real_time () / G_USEC_PER_SEC;
  self->needs_confirmation = g_error_matches (error, YQ_SYNC_ERROR,
                                              YQ_SYNC_ERROR_NEEDS_CONFIRMATION);
  g_free (self->error);
  self->error = error != NULL ? g_strdup (error->message) : NULL;
  g_free (self->summary);
  self->summary = build_summary (self);

  if (state == YQ_JOB_SUCCEEDED)
    set_progress (self, 1.0, self->dry_run ? _("Preview ready") : _("Done"));
  else if (state == YQ_JOB_CANCELLED)
    set_progress (self, self->fraction, _("Cancelled"));
  else if (state == YQ_JOB_BLOCKED)
    set_progress (self, self->fraction, _("Stopped before changing anything"));
  else
    set_progress (self, self->fraction, _("Failed"));

  for (guint i = PROP_STATE; i < N_PROPS; i++)
    if (i != PROP_FRACTION && i != PROP_STEP && i != PROP_COMPARISON)
      g_object_notify_by_pspec (G_OBJECT (self), properties[i]);

  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[FINISHED], 0);
}

static YqJobState
state_for_error (const GError *error)
{
  if (error == NULL)
    return YQ_JOB_SUCCEEDED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return YQ_JOB_CANCELLED;
  if (g_error_matches (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_BLOCKED) ||
      g_error_matches (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_NEEDS_CONFIRMATION))
    return YQ_JOB_BLOCKED;

  return YQ_JOB_FAILED;
}

/* ---- Comparison files ---------------------------------------------------- */

typedef struct
{
  YqComparison *comparison;
  char         *dir;
  YqJobState    state;
  GError       *error;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->comparison);
  g_free (data->dir);
  g_clear_error (&data->error);
  g_free (data);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Deletes all but the newest KEEP_COMPARISONS files (their names sort by
 * time). */
static void
prune_comparisons (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_prefix (name, "job-") && g_str_has_suffix (name, ".gvariant"))
      g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i + KEEP_COMPARISONS < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_unlink (path) != 0)
        g_debug ("Could not delete the old comparison %s: %s", path, g_strerror (errno));
    }
}

static void
write_comparison_thread (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  static gint counter;
  WriteData *data = task_data;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (g_mkdir_with_parents (data->dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Could not create the folder %s for comparisons: %s"),
                               data->dir, g_strerror (saved_errno));
      return;
    }

  name = g_strdup_printf ("job-%020lld-%06u.gvariant", (long long) g_get_real_time (),
                          (guint) g_atomic_int_add (&counter, 1) % 1000000);
  path = g_build_filename (data->dir, name, NULL);
  if (!yq_comparison_save (data->comparison, path, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  prune_comparisons (data->dir);
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

static void
comparison_written_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  YqJob *self = YQ_JOB (source);
  WriteData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);

  if (path == NULL)
    g_warning ("The comparison of the job was not kept: %s", error->message);
  else
    {
      g_free (self->comparison);
      self->comparison = g_steal_pointer (&path);
      /* Before the final state, so that whoever sees it can read this. */
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARISON]);
    }

  finish (self, data->state, data->error);
}

/* Writes the run's comparison (in a thread), then finishes the job; a
 * cancelled job, or a run without a plan, just finishes. */
static void
finish_with_comparison (YqJob        *self,
                        const GError *error)
{
  YqJobState state = state_for_error (error);
  YqComparison *comparison = yq_sync_run_get_comparison (self->run);
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  if (state == YQ_JOB_CANCELLED || comparison == NULL)
    {
      finish (self, state, error);
      return;
    }

  data = g_new0 (WriteData, 1);
  data->comparison = g_object_ref (comparison);
  data->dir = g_build_filename (yq_store_get_data_dir (self->store), "comparisons", NULL);
  data->state = state;
  data->error = error != NULL ? g_error_copy (error) : NULL;

  task = g_task_new (self, NULL, comparison_written_cb, NULL);
  g_task_set_source_tag (task, finish_with_comparison);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_comparison_thread);
}

static void
preview_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(YqJob) self = user_data;
  g_autoptr(GError) error = NULL;

  self->plan = yq_sync_run_preview_finish (YQ_SYNC_RUN (source), result, &error);
  /* Previews are in the history too; a cancelled one is not. */
  self->run_id = yq_sync_run_get_run_id (YQ_SYNC_RUN (source));
  finish_with_comparison (self, error);
}

static void
apply_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(YqJob) self = user_data;
  g_autoptr(GError) error = NULL;

  self->run_id = yq_sync_run_apply_finish (YQ_SYNC_RUN (source), result, &self->plan, &error);
  finish_with_comparison (self, error);
}

/**
 * yq_job_start:
 * @self: a queued job
 *
 * Starts the work; #YqJob::finished follows.
 */
void
yq_job_start (YqJob *self)
{
  g_return_if_fail (YQ_IS_JOB (self));
  g_return_if_fail (self->state == YQ_JOB_QUEUED);

  self->state = YQ_JOB_RUNNING;
  self->started_at = g_get_real_time () / G_USEC_PER_SEC;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED_AT]);
  set_progress (self, -1, _("Starting"));

  yq_sync_run_set_progress_func (self->run, progress_cb, self);
  if (self->dry_run)
    yq_sync_run_preview_async (self->run, self->cancellable, preview_done_cb, g_object_ref (self));
  else
    yq_sync_run_apply_async (self->run, self->cancellable, apply_done_cb, g_object_ref (self));
}

/**
 * yq_job_cancel:
 * @self: a job
 *
 * Asks the job to stop after the operation in progress. A queued job is
 * cancelled at once.
 */
void
yq_job_cancel (YqJob *self)
{
  g_return_if_fail (YQ_IS_JOB (self));

  if (self->state == YQ_JOB_QUEUED)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("Cancelled"));

      finish (self, YQ_JOB_CANCELLED, error);
      return;
    }

  g_cancellable_cancel (self->cancellable);
}

/**
 * yq_job_stop_soon:
 * @self: a job
 *
 * Lets the operation in progress finish and be journaled, then ends the job
 * as cancelled; used when the service shuts down.
 */
void
yq_job_stop_soon (YqJob *self)
{
  g_return_if_fail (YQ_IS_JOB (self));

  if (self->state == YQ_JOB_QUEUED || self->dry_run)
    {
      yq_job_cancel (self);
      return;
    }

  yq_sync_run_request_stop (self->run);
}

const char *
yq_job_get_kind (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), NULL);

  return self->dry_run ? "sync-preview" : "sync-apply";
}

gint64
yq_job_get_connector (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), 0);

  return self->connector;
}

YqSyncDirection
yq_job_get_direction (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), 0);

  return self->direction;
}

gboolean
yq_job_get_scheduled (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), FALSE);

  return self->scheduled;
}

YqJobState
yq_job_get_state (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), YQ_JOB_FAILED);

  return self->state;
}

gboolean
yq_job_is_finished (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), TRUE);

  return self->state != YQ_JOB_QUEUED && self->state != YQ_JOB_RUNNING;
}

gint64
yq_job_get_run_id (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), 0);

  return self->run_id;
}

const char *
yq_job_get_error (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), NULL);

  return self->error;
}

/**
 * yq_job_get_comparison:
 * @self: a job
 *
 * Returns: (nullable): the file of the plan's comparison, or %NULL
 */
const char *
yq_job_get_comparison (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), NULL);

  return self->comparison;
}

YqPlan *
yq_job_get_plan (YqJob *self)
{
  g_return_val_if_fail (YQ_IS_JOB (self), NULL);

  return self->plan;
}
