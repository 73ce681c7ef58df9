/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiao-service"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-dbus-generated.h"
#include "yq-job-manager.h"

/* Finished jobs stay visible for clients that look later. */
#define KEEP_FINISHED 20

/*
 * The service's jobs: each is exported as a D-Bus object under the object
 * manager, with the Job interface's properties bound to the job's. The
 * manager emits ::job-finished once per job and ::active-changed when the
 * number of queued or running jobs changes.
 */

struct _YqJobManager
{
  GObject                   parent_instance;

  GDBusObjectManagerServer *object_manager;
  /* Entry, oldest first */
  GPtrArray                *entries;
  guint                     next_id;
};

typedef struct
{
  YqJob                *job;
  YqDBusObjectSkeleton *object;
  YqDBusJob            *skeleton;
  char                 *path;
} Entry;

G_DEFINE_FINAL_TYPE (YqJobManager, yq_job_manager, G_TYPE_OBJECT)

enum {
  JOB_FINISHED,
  ACTIVE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const bound_properties[] = {
  "kind", "connector", "connector-name", "direction", "scheduled", "state", "fraction", "step",
  "summary", "error", "needs-confirmation", "run-id", "started-at", "finished-at",
  "comparison",
};

static void
entry_free (Entry *entry)
{
  g_signal_handlers_disconnect_by_data (entry->job, entry);
  g_clear_object (&entry->job);
  g_clear_object (&entry->skeleton);
  g_clear_object (&entry->object);
  g_free (entry->path);
  g_free (entry);
}

static void
yq_job_manager_finalize (GObject *object)
{
  YqJobManager *self = YQ_JOB_MANAGER (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_object (&self->object_manager);

  G_OBJECT_CLASS (yq_job_manager_parent_class)->finalize (object);
}

static void
yq_job_manager_class_init (YqJobManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_job_manager_finalize;

  signals[JOB_FINISHED] = g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, YQ_TYPE_JOB);
  signals[ACTIVE_CHANGED] = g_signal_new ("active-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
yq_job_manager_init (YqJobManager *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->next_id = 1;
}

YqJobManager *
yq_job_manager_new (GDBusObjectManagerServer *object_manager)
{
  YqJobManager *self = g_object_new (YQ_TYPE_JOB_MANAGER, NULL);

  self->object_manager = g_object_ref (object_manager);

  return self;
}

static void
forget_old (YqJobManager *self)
{
  guint finished = 0;

  for (guint i = self->entries->len; i > 0; i--)
    {
      Entry *entry = g_ptr_array_index (self->entries, i - 1);

      if (!yq_job_is_finished (entry->job))
        continue;

      if (++finished > KEEP_FINISHED)
        {
          g_dbus_object_manager_server_unexport (self->object_manager, entry->path);
          g_ptr_array_remove_index (self->entries, i - 1);
        }
    }
}

static gboolean
handle_cancel_cb (YqDBusJob             *skeleton,
                  GDBusMethodInvocation *invocation,
                  Entry                 *entry)
{
  yq_job_cancel (entry->job);
  yq_dbus_job_complete_cancel (skeleton, invocation);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

typedef struct
{
  YqJobManager *self;
  Entry        *entry;
} FinishedData;

static void
job_finished_cb (YqJob    *job,
                 gpointer  user_data)
{
  YqJobManager *self = user_data;

  g_debug ("Job %s finished: %s", yq_job_get_kind (job),
           yq_job_state_to_string (yq_job_get_state (job)));

  g_object_ref (job);
  g_signal_emit (self, signals[JOB_FINISHED], 0, job);
  g_signal_emit (self, signals[ACTIVE_CHANGED], 0);
  forget_old (self);
  g_object_unref (job);
}

gboolean
yq_job_manager_is_busy (YqJobManager *self,
                        gint64        connector_id)
{
  g_return_val_if_fail (YQ_IS_JOB_MANAGER (self), FALSE);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (!yq_job_is_finished (entry->job) && yq_job_get_connector (entry->job) == connector_id)
        return TRUE;
    }

  return FALSE;
}

/**
 * yq_job_manager_add:
 * @self: the manager
 * @job: a queued job
 * @error: return location for an error
 *
 * Returns: (transfer full): the job's object path, or %NULL with @error set
 */
char *
yq_job_manager_add (YqJobManager  *self,
                    YqJob         *job,
                    GError       **error)
{
  Entry *entry;

  g_return_val_if_fail (YQ_IS_JOB_MANAGER (self), NULL);
  g_return_val_if_fail (YQ_IS_JOB (job), NULL);

  if (yq_job_manager_is_busy (self, yq_job_get_connector (job)))
    {
      g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_BUSY,
                   _("A job of this connector is already running; wait for it to finish or "
                     "cancel it."));
      return NULL;
    }

  entry = g_new0 (Entry, 1);
  entry->job = g_object_ref (job);
  entry->path = g_strdup_printf ("%s/Jobs/%u", SERVICE_OBJECT_PATH, self->next_id++);
  entry->skeleton = yq_dbus_job_skeleton_new ();
  for (guint i = 0; i < G_N_ELEMENTS (bound_properties); i++)
    g_object_bind_property (job, bound_properties[i], entry->skeleton, bound_properties[i],
                            G_BINDING_SYNC_CREATE);
  g_signal_connect (entry->skeleton, "handle-cancel", G_CALLBACK (handle_cancel_cb), entry);

  entry->object = yq_dbus_object_skeleton_new (entry->path);
  yq_dbus_object_skeleton_set_job (entry->object, entry->skeleton);
  g_dbus_object_manager_server_export (self->object_manager,
                                       G_DBUS_OBJECT_SKELETON (entry->object));

  g_ptr_array_add (self->entries, entry);
  g_signal_connect (job, "finished", G_CALLBACK (job_finished_cb), self);

  yq_job_start (job);
  g_signal_emit (self, signals[ACTIVE_CHANGED], 0);

  return g_strdup (entry->path);
}

guint
yq_job_manager_get_n_active (YqJobManager *self)
{
  guint n = 0;

  g_return_val_if_fail (YQ_IS_JOB_MANAGER (self), 0);

  for (guint i = 0; i < self->entries->len; i++)
    if (!yq_job_is_finished (((Entry *) g_ptr_array_index (self->entries, i))->job))
      n++;

  return n;
}

GStrv
yq_job_manager_list_paths (YqJobManager *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (YQ_IS_JOB_MANAGER (self), NULL);

  for (guint i = 0; i < self->entries->len; i++)
    g_strv_builder_add (builder, ((Entry *) g_ptr_array_index (self->entries, i))->path);

  return g_strv_builder_end (builder);
}

void
yq_job_manager_stop_all (YqJobManager *self)
{
  g_return_if_fail (YQ_IS_JOB_MANAGER (self));

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (!yq_job_is_finished (entry->job))
        yq_job_stop_soon (entry->job);
    }
}
