/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiao-service"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "yq-dbus-generated.h"
#include "yq-service.h"
#include "yq-service-error.h"
#include "yunqiao-core.h"

struct _YqService
{
  GApplication              parent_instance;

  GDBusObjectManagerServer *object_manager;
  YqDBusService            *skeleton;

  /* Configuration as last loaded from the data directory; a failed reload
   * keeps the previous one so that running work is not disturbed. */
  char                     *data_dir;
  YqStore                  *store;
  YqSecrets                *secrets;
  guint                     n_connectors;

  gint64                    started_at;
  guint                     reloads;
  gboolean                  foreground;

  guint                     sigterm_id;
  guint                     sigint_id;
};

G_DEFINE_FINAL_TYPE (YqService, yq_service, G_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "foreground", 'f', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Keep running until stopped, also without a session bus"), NULL },
  { "data-dir", 'd', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
    N_("Use DIR as the data directory (default: $YUNQIAO_DATA_DIR or the user data directory)"),
    N_("DIR") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static gboolean
yq_service_load (YqService  *self,
                 GError    **error)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GPtrArray) connectors = NULL;

  g_assert (YQ_IS_SERVICE (self));
  g_assert (self->data_dir != NULL);

  store = yq_store_open_in_dir (self->data_dir, error);
  if (store == NULL)
    return FALSE;

  connectors = yq_connectors_list (store, error);
  if (connectors == NULL)
    return FALSE;

  secrets = yq_secrets_new_for_data_dir (self->data_dir, error);
  if (secrets == NULL)
    return FALSE;

  g_set_object (&self->store, store);
  g_set_object (&self->secrets, secrets);
  self->n_connectors = connectors->len;

  return TRUE;
}

static GVariant *
yq_service_build_status (YqService *self)
{
  GVariantBuilder builder;
  const char *backend = "";

  if (self->secrets != NULL)
    backend = yq_secrets_get_backend_name (self->secrets);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "version", g_variant_new_string (PACKAGE_VERSION));
  g_variant_builder_add (&builder, "{sv}", "pid", g_variant_new_uint32 ((guint32) getpid ()));
  g_variant_builder_add (&builder, "{sv}", "started-at", g_variant_new_int64 (self->started_at));
  g_variant_builder_add (&builder, "{sv}", "data-dir", g_variant_new_string (self->data_dir));
  g_variant_builder_add (&builder, "{sv}", "connectors", g_variant_new_uint32 (self->n_connectors));
  g_variant_builder_add (&builder, "{sv}", "foreground", g_variant_new_boolean (self->foreground));
  g_variant_builder_add (&builder, "{sv}", "secrets-backend", g_variant_new_string (backend));
  g_variant_builder_add (&builder, "{sv}", "reloads", g_variant_new_uint32 (self->reloads));

  return g_variant_builder_end (&builder);
}

static gboolean
handle_get_status_cb (YqDBusService         *skeleton,
                      GDBusMethodInvocation *invocation,
                      YqService             *self)
{
  g_autoptr(GError) error = NULL;

  /* Holding and releasing restarts the inactivity timeout, so a service
   * that is being talked to does not exit under its clients. */
  g_application_hold (G_APPLICATION (self));

  if (self->store == NULL && !yq_service_load (self, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    yq_dbus_service_complete_get_status (skeleton, invocation, yq_service_build_status (self));

  g_application_release (G_APPLICATION (self));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_reload_cb (YqDBusService         *skeleton,
                  GDBusMethodInvocation *invocation,
                  YqService             *self)
{
  g_autoptr(GError) error = NULL;

  g_application_hold (G_APPLICATION (self));

  if (!yq_service_load (self, &error))
    {
      g_warning (_("Reload failed: %s"), error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
    }
  else
    {
      self->reloads++;
      g_info ("Reloaded configuration: %u connectors", self->n_connectors);
      /* The signal goes out before the reply, so a caller that has its
       * reply has also seen the signal. */
      yq_dbus_service_emit_reloaded (skeleton, self->n_connectors);
      yq_dbus_service_complete_reload (skeleton, invocation);
    }

  g_application_release (G_APPLICATION (self));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
quit_on_signal_cb (gpointer user_data)
{
  YqService *self = user_data;

  g_message (_("Stopping on request"));
  g_application_quit (G_APPLICATION (self));

  return G_SOURCE_CONTINUE;
}

static int
yq_service_handle_local_options (GApplication *application,
                                 GVariantDict *options)
{
  YqService *self = YQ_SERVICE (application);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("yunqiao-service %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  self->foreground = g_variant_dict_contains (options, "foreground");

  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir) && data_dir[0] != '\0')
    {
      g_free (self->data_dir);
      self->data_dir = g_canonicalize_filename (data_dir, NULL);
    }

  return -1;
}

static gboolean
yq_service_dbus_register (GApplication     *application,
                          GDBusConnection  *connection,
                          const char       *object_path,
                          GError          **error)
{
  YqService *self = YQ_SERVICE (application);

  if (!G_APPLICATION_CLASS (yq_service_parent_class)->dbus_register (application,
                                                                     connection,
                                                                     object_path,
                                                                     error))
    return FALSE;

  g_dbus_object_manager_server_set_connection (self->object_manager, connection);

  return TRUE;
}

static void
yq_service_dbus_unregister (GApplication    *application,
                            GDBusConnection *connection,
                            const char      *object_path)
{
  YqService *self = YQ_SERVICE (application);

  g_dbus_object_manager_server_set_connection (self->object_manager, NULL);

  G_APPLICATION_CLASS (yq_service_parent_class)->dbus_unregister (application,
                                                                  connection,
                                                                  object_path);
}

static void
yq_service_startup (GApplication *application)
{
  YqService *self = YQ_SERVICE (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (yq_service_parent_class)->startup (application);

  if (self->data_dir == NULL)
    self->data_dir = g_strdup (yq_data_dir ());

  self->started_at = g_get_real_time () / G_USEC_PER_SEC;

  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_on_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, quit_on_signal_cb, self);

  if (self->foreground)
    g_application_hold (application);

  /* A broken database must not keep the service from starting: GetStatus
   * and Reload report the error to whoever asks. */
  if (!yq_service_load (self, &error))
    g_warning (_("Cannot load the configuration: %s"), error->message);

  if (g_application_get_dbus_connection (application) == NULL)
    g_message (_("No session bus: the D-Bus interface is not available"));

  g_message (_("yunqiao-service %s ready (data directory %s, %u connectors)"),
             PACKAGE_VERSION, self->data_dir, self->n_connectors);
}

static void
yq_service_shutdown (GApplication *application)
{
  YqService *self = YQ_SERVICE (application);

  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_APPLICATION_CLASS (yq_service_parent_class)->shutdown (application);
}

static void
yq_service_activate (GApplication *application)
{
  /* Nothing to show: activation only (re)starts the inactivity timeout. */
  g_application_hold (application);
  g_application_release (application);
}

static void
yq_service_dispose (GObject *object)
{
  YqService *self = YQ_SERVICE (object);

  g_clear_object (&self->object_manager);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (yq_service_parent_class)->dispose (object);
}

static void
yq_service_finalize (GObject *object)
{
  YqService *self = YQ_SERVICE (object);

  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (yq_service_parent_class)->finalize (object);
}

static void
yq_service_class_init (YqServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = yq_service_dispose;
  object_class->finalize = yq_service_finalize;

  application_class->handle_local_options = yq_service_handle_local_options;
  application_class->dbus_register = yq_service_dbus_register;
  application_class->dbus_unregister = yq_service_dbus_unregister;
  application_class->startup = yq_service_startup;
  application_class->shutdown = yq_service_shutdown;
  application_class->activate = yq_service_activate;
}

static void
yq_service_init (YqService *self)
{
  g_autoptr(YqDBusObjectSkeleton) object = NULL;
  const char *env_data_dir;

  yq_service_error_register ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("The Yunqiao companion service."));
  g_application_set_inactivity_timeout (G_APPLICATION (self), YQ_SERVICE_INACTIVITY_TIMEOUT_MS);

  env_data_dir = g_getenv ("YUNQIAO_DATA_DIR");
  if (env_data_dir != NULL && env_data_dir[0] != '\0')
    self->data_dir = g_canonicalize_filename (env_data_dir, NULL);

  self->skeleton = yq_dbus_service_skeleton_new ();
  yq_dbus_service_set_version (self->skeleton, PACKAGE_VERSION);
  g_signal_connect_object (self->skeleton, "handle-get-status",
                           G_CALLBACK (handle_get_status_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->skeleton, "handle-reload",
                           G_CALLBACK (handle_reload_cb), self, G_CONNECT_DEFAULT);

  object = yq_dbus_object_skeleton_new (SERVICE_MAIN_PATH);
  yq_dbus_object_skeleton_set_service (object, self->skeleton);

  self->object_manager = g_dbus_object_manager_server_new (SERVICE_OBJECT_PATH);
  g_dbus_object_manager_server_export (self->object_manager, G_DBUS_OBJECT_SKELETON (object));
}

/**
 * yq_service_new:
 *
 * Creates the companion service application, registered under
 * `SERVICE_BUS_NAME`.
 *
 * Returns: (transfer full): a new #YqService
 */
YqService *
yq_service_new (void)
{
  return g_object_new (YQ_TYPE_SERVICE,
                       "application-id", SERVICE_BUS_NAME,
                       "flags", G_APPLICATION_IS_SERVICE,
                       NULL);
}

/**
 * yq_service_get_data_dir:
 * @self: a #YqService
 *
 * Returns: (nullable): the data directory, known once the service started up
 */
const char *
yq_service_get_data_dir (YqService *self)
{
  g_return_val_if_fail (YQ_IS_SERVICE (self), NULL);

  return self->data_dir;
}
