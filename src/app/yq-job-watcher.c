/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-job-watcher"

#include "config.h"

#include <string.h>

#include "yq-job-watcher.h"

/*
 * The jobs of the companion service as a list model of YqDBusJob proxies,
 * newest first. The object manager client follows the service's bus name:
 * when the service exits its jobs go away, when it comes back (started by
 * the bus or by hand) its jobs appear. Watching never starts the service.
 */

struct _YqJobWatcher
{
  GObject             parent_instance;

  GDBusObjectManager *manager;
  GPtrArray          *jobs;
  GCancellable       *cancellable;
};

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqJobWatcher, yq_job_watcher, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

/* Jobs are exported as SERVICE_OBJECT_PATH/Jobs/N with N counting up in
 * the order the service created them. */
static guint64
job_number (YqDBusJob *job)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
  const char *last = strrchr (path, '/');

  return last != NULL ? g_ascii_strtoull (last + 1, NULL, 10) : 0;
}

static int
compare_newest_first (YqDBusJob *a,
                      YqDBusJob *b)
{
  guint64 na = job_number (a);
  guint64 nb = job_number (b);

  if (na != nb)
    return na > nb ? -1 : 1;

  return strcmp (g_dbus_proxy_get_object_path (G_DBUS_PROXY (a)),
                 g_dbus_proxy_get_object_path (G_DBUS_PROXY (b)));
}

static gboolean
find_job (YqJobWatcher *self,
          const char   *object_path,
          guint        *position)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      GDBusProxy *proxy = g_ptr_array_index (self->jobs, i);

      if (g_str_equal (g_dbus_proxy_get_object_path (proxy), object_path))
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
add_job (YqJobWatcher *self,
         YqDBusJob    *job)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
  guint position;

  /* An InterfacesAdded that crosses the GetManagedObjects answer gives
   * the object a new proxy; only that one follows the job from then on. */
  if (find_job (self, path, &position))
    {
      if (g_ptr_array_index (self->jobs, position) != (gpointer) job)
        {
          g_object_unref (g_ptr_array_index (self->jobs, position));
          g_ptr_array_index (self->jobs, position) = g_object_ref (job);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }
      return;
    }

  for (position = 0; position < self->jobs->len; position++)
    if (compare_newest_first (job, g_ptr_array_index (self->jobs, position)) < 0)
      break;

  g_ptr_array_insert (self->jobs, position, g_object_ref (job));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static void
object_added_cb (YqJobWatcher       *self,
                 GDBusObject        *object,
                 GDBusObjectManager *manager)
{
  YqDBusJob *job = yq_dbus_object_peek_job (YQ_DBUS_OBJECT (object));

  if (job != NULL)
    add_job (self, job);
}

/* Removes the job at @object_path only if the list still holds @job (its
 * proxy; %NULL: whatever it holds): a restarted service exports its jobs
 * under the same paths again, and the removal of the old object may
 * arrive after the new one was added. */
static void
remove_job (YqJobWatcher *self,
            const char   *object_path,
            YqDBusJob    *job)
{
  guint position;

  if (!find_job (self, object_path, &position))
    return;
  if (job != NULL && g_ptr_array_index (self->jobs, position) != (gpointer) job)
    return;

  g_ptr_array_remove_index (self->jobs, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static void
object_removed_cb (YqJobWatcher       *self,
                   GDBusObject        *object,
                   GDBusObjectManager *manager)
{
  remove_job (self, g_dbus_object_get_object_path (object),
              yq_dbus_object_peek_job (YQ_DBUS_OBJECT (object)));
}

static void
interface_added_cb (YqJobWatcher       *self,
                    GDBusObject        *object,
                    GDBusInterface     *interface,
                    GDBusObjectManager *manager)
{
  if (YQ_DBUS_IS_JOB (interface))
    add_job (self, YQ_DBUS_JOB (interface));
}

static void
interface_removed_cb (YqJobWatcher       *self,
                      GDBusObject        *object,
                      GDBusInterface     *interface,
                      GDBusObjectManager *manager)
{
  if (YQ_DBUS_IS_JOB (interface))
    remove_job (self, g_dbus_object_get_object_path (object), YQ_DBUS_JOB (interface));
}

static void
name_owner_cb (YqJobWatcher       *self,
               GParamSpec         *pspec,
               GDBusObjectManager *manager)
{
  g_debug ("Companion service %s",
           yq_job_watcher_get_connected (self) ? "appeared" : "went away");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
manager_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(YqJobWatcher) self = user_data;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;

  manager = yq_dbus_object_manager_client_new_for_bus_finish (result, &error);
  if (manager == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Cannot watch the companion service's jobs: %s", error->message);
      return;
    }

  self->manager = g_steal_pointer (&manager);
  g_signal_connect_object (self->manager, "object-added",
                           G_CALLBACK (object_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "object-removed",
                           G_CALLBACK (object_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "interface-added",
                           G_CALLBACK (interface_added_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "interface-removed",
                           G_CALLBACK (interface_removed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "notify::name-owner",
                           G_CALLBACK (name_owner_cb), self, G_CONNECT_SWAPPED);

  objects = g_dbus_object_manager_get_objects (self->manager);
  for (GList *l = objects; l != NULL; l = l->next)
    object_added_cb (self, l->data, self->manager);
  g_list_free_full (objects, g_object_unref);

  if (yq_job_watcher_get_connected (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static GType
yq_job_watcher_get_item_type (GListModel *model)
{
  return YQ_DBUS_TYPE_JOB;
}

static guint
yq_job_watcher_get_n_items (GListModel *model)
{
  return YQ_JOB_WATCHER (model)->jobs->len;
}

static gpointer
yq_job_watcher_get_item (GListModel *model,
                         guint       position)
{
  YqJobWatcher *self = YQ_JOB_WATCHER (model);

  if (position >= self->jobs->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->jobs, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = yq_job_watcher_get_item_type;
  iface->get_n_items = yq_job_watcher_get_n_items;
  iface->get_item = yq_job_watcher_get_item;
}

static void
yq_job_watcher_dispose (GObject *object)
{
  YqJobWatcher *self = YQ_JOB_WATCHER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->manager);
  if (self->jobs != NULL)
    g_ptr_array_set_size (self->jobs, 0);

  G_OBJECT_CLASS (yq_job_watcher_parent_class)->dispose (object);
}

static void
yq_job_watcher_finalize (GObject *object)
{
  YqJobWatcher *self = YQ_JOB_WATCHER (object);

  g_clear_pointer (&self->jobs, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (yq_job_watcher_parent_class)->finalize (object);
}

static void
yq_job_watcher_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  YqJobWatcher *self = YQ_JOB_WATCHER (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, yq_job_watcher_get_connected (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_job_watcher_class_init (YqJobWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yq_job_watcher_dispose;
  object_class->finalize = yq_job_watcher_finalize;
  object_class->get_property = yq_job_watcher_get_property;

  /**
   * YqJobWatcher:connected:
   *
   * Whether the companion service is running and its jobs are listed.
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yq_job_watcher_init (YqJobWatcher *self)
{
  self->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  yq_dbus_object_manager_client_new_for_bus (G_BUS_TYPE_SESSION,
                                             G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                             SERVICE_BUS_NAME,
                                             SERVICE_OBJECT_PATH,
                                             self->cancellable,
                                             manager_ready_cb,
                                             g_object_ref (self));
}

/**
 * yq_job_watcher_new:
 *
 * Starts watching the companion service's jobs on the session bus. The
 * list fills in once the service answers.
 *
 * Returns: (transfer full): a #GListModel of #YqDBusJob, newest first
 */
YqJobWatcher *
yq_job_watcher_new (void)
{
  return g_object_new (YQ_TYPE_JOB_WATCHER, NULL);
}

/**
 * yq_job_watcher_lookup:
 * @self: a #YqJobWatcher
 * @object_path: a job's object path
 *
 * Returns: (transfer none) (nullable): the job's proxy
 */
YqDBusJob *
yq_job_watcher_lookup (YqJobWatcher *self,
                       const char   *object_path)
{
  g_autofree char *owner = NULL;
  guint position;

  g_return_val_if_fail (YQ_IS_JOB_WATCHER (self), NULL);
  g_return_val_if_fail (object_path != NULL, NULL);

  if (!find_job (self, object_path, &position))
    return NULL;

  /* A job of a service that went away has no owner any more; the service
   * that took over may have a job under the same path. */
  owner = g_dbus_proxy_get_name_owner (g_ptr_array_index (self->jobs, position));
  if (owner == NULL && self->manager != NULL)
    {
      g_autoptr(GDBusInterface) current = NULL;

      current = g_dbus_object_manager_get_interface (self->manager, object_path,
                                                     "io.github.yunqiao.Yunqiao.Job");
      if (current != NULL && YQ_DBUS_IS_JOB (current))
        add_job (self, YQ_DBUS_JOB (current));
    }

  return g_ptr_array_index (self->jobs, position);
}

gboolean
yq_job_watcher_get_connected (YqJobWatcher *self)
{
  g_autofree char *owner = NULL;

  g_return_val_if_fail (YQ_IS_JOB_WATCHER (self), FALSE);

  if (self->manager == NULL)
    return FALSE;

  owner = g_dbus_object_manager_client_get_name_owner (
            G_DBUS_OBJECT_MANAGER_CLIENT (self->manager));
  return owner != NULL;
}

