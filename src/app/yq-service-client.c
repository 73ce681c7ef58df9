/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-service-client"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-dbus-generated.h"
#include "yq-service-client.h"
#include "yq-sync-run.h"

/* StartSync may have to wait for the bus to start the service, which
 * opens the database first; the bus gives up on activation after 25 s. */
#define START_SYNC_TIMEOUT_MSEC (60 * 1000)

#define BUSY_ERROR_NAME "io.github.yunqiao.Yunqiao.Error.Sync.Busy"

/*
 * Telling the companion service that the configuration changed is best
 * effort: a service that is not running reads the database when it starts,
 * so "not running" is a normal outcome and the service is never started
 * just to be told to reload.
 */

gboolean
yq_service_error_is_not_running (const GError *error)
{
  if (error == NULL)
    return FALSE;

  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/**
 * yq_service_error_is_busy:
 * @error: (nullable): an error from StartSync
 *
 * Returns: whether the service refused because a job of the same
 *   connector is queued or running
 */
gboolean
yq_service_error_is_busy (const GError *error)
{
  g_autofree char *remote = NULL;

  if (error == NULL)
    return FALSE;

  /* A client that registered the service's error names gets the domain
   * back; any other client sees the remote name. */
  if (g_error_matches (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_BUSY))
    return TRUE;

  remote = g_dbus_error_get_remote_error (error);
  return g_strcmp0 (remote, BUSY_ERROR_NAME) == 0;
}

/**
 * yq_service_error_get_message:
 * @error: an error from a call to the service
 *
 * Returns: (transfer full): the message without the D-Bus error name,
 *   which is for developers
 */
char *
yq_service_error_get_message (const GError *error)
{
  g_autoptr(GError) stripped = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  stripped = g_error_copy (error);
  if (g_dbus_error_is_remote_error (stripped))
    g_dbus_error_strip_remote_error (stripped);

  return g_strdup (stripped->message);
}

static void
start_sync_call_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *job_path = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_variant_get (reply, "(o)", &job_path);
  g_task_return_pointer (task, job_path, g_free);
}

static void
start_sync_bus_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_bus_get_finish (result, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Without NO_AUTO_START: the bus starts the service when it is not
   * running, which is the point of a companion service. */
  g_dbus_connection_call (connection,
                          SERVICE_BUS_NAME,
                          SERVICE_MAIN_PATH,
                          yq_dbus_service_interface_info ()->name,
                          "StartSync",
                          g_task_get_task_data (task),
                          G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE,
                          START_SYNC_TIMEOUT_MSEC,
                          g_task_get_cancellable (task),
                          start_sync_call_cb,
                          g_object_ref (task));
}

/**
 * yq_service_start_sync_async:
 * @connector_id: the connector to sync
 * @direction: "from-platform", "to-oa" or "to-platform"
 * @dry_run: %TRUE for a preview
 * @confirm: go ahead although a safety threshold is exceeded
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the new job's object path or an error
 * @user_data: closure data for @callback
 *
 * Asks the companion service to start a sync job, starting the service
 * when it is not running. The job runs in the service, whatever happens
 * to the caller afterwards.
 */
void
yq_service_start_sync_async (gint64               connector_id,
                             const char          *direction,
                             gboolean             dry_run,
                             gboolean             confirm,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GVariant *params;

  g_return_if_fail (direction != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_service_start_sync_async);

  params = g_variant_new ("(xsbb)", connector_id, direction, !!dry_run, !!confirm);
  g_task_set_task_data (task, g_variant_ref_sink (params), (GDestroyNotify) g_variant_unref);

  g_bus_get (G_BUS_TYPE_SESSION, cancellable, start_sync_bus_cb, g_steal_pointer (&task));
}

/**
 * yq_service_start_sync_finish:
 * @result: the result passed to the callback
 * @error: return location for an error; see yq_service_error_is_busy()
 *
 * Returns: (transfer full): the object path of the new job, or %NULL
 */
char *
yq_service_start_sync_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == yq_service_start_sync_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
reload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!yq_dbus_service_call_reload_finish (YQ_DBUS_SERVICE (object), result, &error))
    {
      if (yq_service_error_is_not_running (error))
        g_task_return_boolean (task, FALSE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
reload_proxy_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = NULL;

  proxy = yq_dbus_service_proxy_new_for_bus_finish (result, &error);
  if (proxy == NULL)
    {
      /* No session bus at all (a headless session): nothing can be running. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          g_debug ("No session bus, not asking the service to reload: %s", error->message);
          g_task_return_boolean (task, FALSE);
        }
      return;
    }

  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));
  if (owner == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  yq_dbus_service_call_reload (proxy,
                               g_task_get_cancellable (task),
                               reload_cb,
                               g_object_ref (task));
}

/**
 * yq_service_reload_async:
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the service answered or is known not to run
 * @user_data: closure data for @callback
 *
 * Asks the companion service to re-read its configuration, without
 * starting it when it is not running.
 */
void
yq_service_reload_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_service_reload_async);

  yq_dbus_service_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                                     (G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START |
                                      G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                      G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS),
                                     SERVICE_BUS_NAME,
                                     SERVICE_MAIN_PATH,
                                     cancellable,
                                     reload_proxy_cb,
                                     g_steal_pointer (&task));
}

/**
 * yq_service_reload_finish:
 * @result: the result passed to the callback
 * @reloaded: (out) (optional): whether a running service reloaded
 * @error: return location for an error
 *
 * Returns: %TRUE if the service reloaded or is not running
 */
gboolean
yq_service_reload_finish (GAsyncResult  *result,
                          gboolean      *reloaded,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == yq_service_reload_async, FALSE);

  ret = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (reloaded != NULL)
    *reloaded = ret;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
request_reload_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean reloaded = FALSE;

  if (!yq_service_reload_finish (result, &reloaded, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The companion service did not reload its configuration: %s", error->message);
      return;
    }

  g_debug ("Service %s", reloaded ? "reloaded" : "is not running");
}

/**
 * yq_service_request_reload:
 * @cancellable: (nullable): a #GCancellable
 *
 * Like yq_service_reload_async() for callers that have nothing to do with
 * the answer; a failure is logged.
 */
void
yq_service_request_reload (GCancellable *cancellable)
{
  yq_service_reload_async (cancellable, request_reload_cb, NULL);
}

/**
 * yq_service_format_status:
 * @status: the `a{sv}` returned by GetStatus
 *
 * Returns: (transfer full): a one-line description of a running service
 */
char *
yq_service_format_status (GVariant *status)
{
  g_autoptr(GVariantDict) dict = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autofree char *since = NULL;
  const char *version = NULL;
  gint64 started_at = 0;
  guint32 pid = 0;

  g_return_val_if_fail (status != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (status, G_VARIANT_TYPE_VARDICT), NULL);

  dict = g_variant_dict_new (status);
  if (!g_variant_dict_lookup (dict, "version", "&s", &version))
    version = _("unknown");
  g_variant_dict_lookup (dict, "pid", "u", &pid);
  if (g_variant_dict_lookup (dict, "started-at", "x", &started_at) && started_at > 0)
    started = g_date_time_new_from_unix_local (started_at);

  if (started != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      /* A service running since an earlier day shows the date too. */
      if (g_date_time_get_year (now) == g_date_time_get_year (started) &&
          g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (started))
        since = g_date_time_format (started, "%H:%M");
      else
        since = g_date_time_format (started, "%Y-%m-%d %H:%M");
    }

  if (since != NULL)
    /* Translators: the service status; first %s is a version such as 0.1.0,
     * second %s a time such as 09:30, %u a process ID. */
    return g_strdup_printf (_("Running — version %s, since %s (PID %u)"), version, since, pid);

  /* Translators: the service status; %s is a version such as 0.1.0, %u a process ID. */
  return g_strdup_printf (_("Running — version %s (PID %u)"), version, pid);
}
