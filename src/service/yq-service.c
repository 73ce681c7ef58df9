/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiao-service"

#include "config.h"

#include <signal.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "yq-dbus-generated.h"
#include "yq-http-server.h"
#include "yq-push-dispatcher.h"
#include "yq-job-manager.h"
#include "yq-schedule.h"
#include "yq-service.h"
#include "yq-service-error.h"
#include "yq-sync-runs.h"
#include "yunqiao-core.h"

/* How often schedules are looked at. Wall-clock slots and this coarse
 * tick together survive suspend and clock changes: a slot missed while
 * asleep runs once at the first tick after waking. */
#define SCHEDULE_TICK_SECONDS 30
/* How long SIGTERM waits for running jobs to journal their operation. */
#define STOP_GRACE_SECONDS    60

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

  YqJobManager             *jobs;
  /* The login endpoints; they listen while an app is set up, and keep
   * the service running meanwhile. */
  YqHttpServer             *http;
  char                     *http_error;
  gboolean                  held_for_http;
  /* Delivers pushed messages; started with the first good configuration. */
  YqPushDispatcher         *push;
  gboolean                  push_started;
  guint                     schedule_tick_id;
  gboolean                  held_for_schedules;
  gboolean                  held_for_jobs;
  gboolean                  stopping;
  guint                     stop_timeout_id;
};

G_DEFINE_FINAL_TYPE (YqService, yq_service, G_TYPE_APPLICATION)

/**
 * yq_service_get_localedir:
 *
 * Where the translations are: $YUNQIAO_LOCALEDIR (tests, a build tree) or
 * the installed ones.
 *
 * Returns: (transfer none): a directory
 */
const char *
yq_service_get_localedir (void)
{
  const char *dir = g_getenv ("YUNQIAO_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

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

/* Whether anything needs the HTTP endpoints: an app (login) or a valid
 * intake token (message push). */
static gboolean
http_needed (YqService  *self,
             GError    **error)
{
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) tokens = NULL;

  apps = yq_apps_list (self->store, 0, error);
  if (apps == NULL)
    return FALSE;
  if (apps->len > 0)
    return TRUE;

  tokens = yq_push_tokens_list (self->store, error);
  if (tokens == NULL)
    return FALSE;
  for (guint i = 0; i < tokens->len; i++)
    if (((YqPushToken *) g_ptr_array_index (tokens, i))->revoked_at == 0)
      return TRUE;

  return FALSE;
}

/* Listens on the configured address while an app or an intake token is
 * set up. */
static void
update_http (YqService *self)
{
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  gboolean listening;

  g_clear_pointer (&self->http_error, g_free);

  if (!http_needed (self, &error))
    {
      if (error != NULL)
        self->http_error = g_strdup (error->message);
      yq_http_server_stop (self->http);
    }
  else
    {
      address = yq_settings_get (self->store, YQ_SETTING_HTTP_ADDRESS, NULL);
      if (address == NULL || *address == '\0')
        {
          g_free (address);
          address = g_strdup (YQ_SETTING_HTTP_ADDRESS_DEFAULT);
        }

      yq_http_server_configure (self->http, self->store, self->secrets);
      if (!yq_http_server_listen (self->http, address, &error))
        {
          yq_http_server_stop (self->http);
          g_warning ("%s", error->message);
          self->http_error = g_strdup (error->message);
        }
    }

  listening = yq_http_server_is_listening (self->http);
  if (listening && !self->held_for_http)
    g_application_hold (G_APPLICATION (self));
  else if (!listening && self->held_for_http)
    g_application_release (G_APPLICATION (self));
  self->held_for_http = listening;
}

/* The dispatcher follows the configuration; the first load starts it. */
static void
update_push (YqService *self)
{
  g_autoptr(GError) error = NULL;

  if (self->push == NULL)
    self->push = yq_push_dispatcher_new (self->store, self->secrets);
  else
    yq_push_dispatcher_configure (self->push, self->store, self->secrets);

  if (self->push_started)
    {
      yq_push_dispatcher_wake (self->push);
      return;
    }

  if (!yq_push_dispatcher_start (self->push, &error))
    g_warning (_("Cannot start the message push: %s"), error->message);
  else
    self->push_started = TRUE;
}

static void
message_accepted_cb (YqHttpServer *http,
                     gint64        message_id,
                     YqService    *self)
{
  if (self->push != NULL)
    yq_push_dispatcher_wake (self->push);
}

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
  /* Intake answers after its commit: no commit here waits for a checkpoint. */
  yq_store_checkpoint_in_background (store);

  connectors = yq_connectors_list (store, error);
  if (connectors == NULL)
    return FALSE;

  secrets = yq_secrets_new_for_data_dir (self->data_dir, error);
  if (secrets == NULL)
    return FALSE;

  g_set_object (&self->store, store);
  g_set_object (&self->secrets, secrets);
  self->n_connectors = connectors->len;

  update_http (self);
  update_push (self);

  return TRUE;
}

/* The clock schedules run by. YUNQIAO_TEST_CLOCK_FILE names a file that
 * holds the current time in Unix seconds, for tests that need suspends and
 * clock jumps. */
static gint64
service_now (void)
{
  const char *path = g_getenv ("YUNQIAO_TEST_CLOCK_FILE");
  g_autofree char *text = NULL;

  if (path != NULL && g_file_get_contents (path, &text, NULL, NULL))
    return g_ascii_strtoll (g_strstrip (text), NULL, 10);

  return g_get_real_time () / G_USEC_PER_SEC;
}

static GVariant *
build_schedules (YqService *self)
{
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  gint64 now = service_now ();

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  if (self->store != NULL)
    schedules = yq_schedules_list (self->store, &error);
  if (error != NULL)
    g_warning ("%s", error->message);

  for (guint i = 0; schedules != NULL && i < schedules->len; i++)
    {
      YqSchedule *schedule = g_ptr_array_index (schedules, i);
      g_autoptr(YqConnector) connector = yq_connectors_get (self->store, schedule->connector_id,
                                                            NULL);
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "connector", "x", schedule->connector_id);
      g_variant_dict_insert (&dict, "connector-name", "s",
                             connector != NULL ? yq_connector_get_name (connector) : "");
      g_variant_dict_insert (&dict, "direction", "s",
                             yq_sync_direction_to_string (schedule->direction));
      g_variant_dict_insert (&dict, "next-run", "x", yq_schedule_next_run (schedule, now));
      g_variant_dict_insert (&dict, "interval", "x",
                             (gint64) schedule->every *
                             (schedule->unit == YQ_SCHEDULE_HOURS ? 3600
                              : schedule->unit == YQ_SCHEDULE_DAYS ? 86400 : 7 * 86400));
      g_variant_dict_insert (&dict, "last-slot", "x", schedule->last_slot);
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }

  return g_variant_builder_end (&builder);
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
  g_variant_builder_add (&builder, "{sv}", "jobs",
                         g_variant_new_uint32 (yq_job_manager_get_n_active (self->jobs)));
  g_variant_builder_add (&builder, "{sv}", "schedules", build_schedules (self));
  g_variant_builder_add (&builder, "{sv}", "held", g_variant_new_boolean (self->held_for_schedules));
  if (self->store != NULL)
    {
      guint counts[YQ_DELIVERY_N_STATES] = { 0, };

      if (yq_push_deliveries_count (self->store, counts, NULL))
        {
          g_variant_builder_add (&builder, "{sv}", "push-queued",
                                 g_variant_new_uint32 (counts[YQ_DELIVERY_PENDING] +
                                                       counts[YQ_DELIVERY_SENDING] +
                                                       counts[YQ_DELIVERY_RETRY]));
          g_variant_builder_add (&builder, "{sv}", "push-dead",
                                 g_variant_new_uint32 (counts[YQ_DELIVERY_DEAD]));
        }
    }

  if (self->http != NULL && yq_http_server_is_listening (self->http))
    {
      g_variant_builder_add (&builder, "{sv}", "http", g_variant_new_string ("listening"));
      g_variant_builder_add (&builder, "{sv}", "http-address",
                             g_variant_new_string (yq_http_server_get_address (self->http)));
    }
  else
    {
      g_variant_builder_add (&builder, "{sv}", "http",
                             g_variant_new_string (self->http_error != NULL ? self->http_error
                                                                            : "not-configured"));
    }

  return g_variant_builder_end (&builder);
}

/* ---- Jobs and schedules ------------------------------------------------- */

/* Schedules keep the service running; without any, it exits when idle. */
static void
update_hold (YqService *self)
{
  g_autoptr(GPtrArray) schedules = NULL;
  gboolean hold = FALSE;
  gint64 now = service_now ();

  if (self->store != NULL)
    schedules = yq_schedules_list (self->store, NULL);
  for (guint i = 0; schedules != NULL && i < schedules->len; i++)
    if (yq_schedule_next_run (g_ptr_array_index (schedules, i), now) != 0)
      hold = TRUE;

  if (hold && !self->held_for_schedules)
    g_application_hold (G_APPLICATION (self));
  else if (!hold && self->held_for_schedules)
    g_application_release (G_APPLICATION (self));
  self->held_for_schedules = hold;
}

static char *
start_job (YqService        *self,
           gint64            connector_id,
           YqSyncDirection   direction,
           gboolean          dry_run,
           gboolean          confirm,
           gboolean          scheduled,
           GError          **error)
{
  g_autoptr(YqJob) job = NULL;

  if (self->stopping)
    {
      g_set_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_BUSY,
                   _("The service is shutting down."));
      return NULL;
    }

  if (self->store == NULL && !yq_service_load (self, error))
    return NULL;

  job = yq_job_new_sync (self->store, self->secrets, connector_id, direction, dry_run, confirm,
                         scheduled, error);
  if (job == NULL)
    return NULL;

  return yq_job_manager_add (self->jobs, job, error);
}

/* Runs every schedule whose slot is due, each at most once per slot. */
static void
check_schedules (YqService *self)
{
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = service_now ();

  if (self->store == NULL || self->stopping)
    return;

  schedules = yq_schedules_list (self->store, &error);
  if (schedules == NULL)
    {
      g_warning (_("Cannot read the sync schedules: %s"), error->message);
      return;
    }

  for (guint i = 0; i < schedules->len; i++)
    {
      YqSchedule *schedule = g_ptr_array_index (schedules, i);
      const char *direction = yq_sync_direction_to_string (schedule->direction);
      g_autofree char *holder = NULL;
      g_autofree char *path = NULL;
      gint64 slot = yq_schedule_due_slot (schedule, now);

      if (slot == 0)
        continue;

      /* The slot is used up whatever happens next: it never runs twice. */
      if (!yq_schedules_mark_slot (self->store, schedule->connector_id, schedule->direction,
                                   slot, &error))
        {
          g_warning ("%s", error->message);
          g_clear_error (&error);
          continue;
        }

      if (yq_job_manager_is_busy (self->jobs, schedule->connector_id) ||
          yq_sync_lease_is_held (self->store, schedule->connector_id, &holder, NULL))
        {
          g_message (_("Scheduled %s sync of connector %lld skipped: another sync of it is "
                       "running"), direction, (long long) schedule->connector_id);
          continue;
        }

      path = start_job (self, schedule->connector_id, schedule->direction, FALSE, FALSE, TRUE,
                        &error);
      if (path == NULL)
        {
          g_warning (_("Scheduled %s sync of connector %lld could not start: %s"), direction,
                     (long long) schedule->connector_id, error->message);
          g_clear_error (&error);
          continue;
        }
      g_message (_("Scheduled %s sync of connector %lld started"), direction,
                 (long long) schedule->connector_id);
    }

  update_hold (self);
}

static gboolean
schedule_tick_cb (gpointer user_data)
{
  YqService *self = user_data;

  check_schedules (self);
  if (yq_http_server_is_listening (self->http))
    yq_http_server_purge (self->http);

  return G_SOURCE_CONTINUE;
}

/* A run cut off by a crash or a kill is taken over at start-up. */
static void
resume_unfinished (YqService *self)
{
  g_autoptr(GPtrArray) connectors = NULL;

  if (self->store == NULL)
    return;

  connectors = yq_connectors_list (self->store, NULL);
  for (guint i = 0; connectors != NULL && i < connectors->len; i++)
    {
      gint64 id = yq_connector_get_id (g_ptr_array_index (connectors, i));
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      YqSyncDirection direction;

      if (yq_sync_runs_find_unfinished (self->store, id, &direction, NULL) == 0)
        continue;

      g_message (_("Resuming the cut-off %s sync of connector %lld"),
                 yq_sync_direction_to_string (direction), (long long) id);
      path = start_job (self, id, direction, FALSE, FALSE, FALSE, &error);
      if (path == NULL)
        g_warning ("%s", error->message);
    }
}

static void
notify_failure (YqService *self,
                YqJob     *job)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;
  const char *name = "";

  if (self->store != NULL)
    connector = yq_connectors_get (self->store, yq_job_get_connector (job), NULL);
  if (connector != NULL)
    name = yq_connector_get_name (connector);

  if (yq_job_get_state (job) == YQ_JOB_BLOCKED)
    title = g_strdup_printf (_("Scheduled sync of “%s” stopped before changing anything"), name);
  else
    title = g_strdup_printf (_("Scheduled sync of “%s” failed"), name);

  notification = g_notification_new (title);
  g_notification_set_body (notification, yq_job_get_error (job));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  if (yq_job_get_run_id (job) > 0)
    g_notification_set_default_action_and_target (notification, "app.show-run", "x",
                                                   yq_job_get_run_id (job));

  id = g_strdup_printf ("sync-%lld-%s", (long long) yq_job_get_connector (job),
                        yq_sync_direction_to_string (yq_job_get_direction (job)));
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
job_finished_cb (YqJobManager *jobs,
                 YqJob        *job,
                 YqService    *self)
{
  YqJobState state = yq_job_get_state (job);

  if (yq_job_get_scheduled (job) && (state == YQ_JOB_FAILED || state == YQ_JOB_BLOCKED))
    notify_failure (self, job);
}

static void
active_changed_cb (YqJobManager *jobs,
                   YqService    *self)
{
  gboolean active = yq_job_manager_get_n_active (jobs) > 0;

  /* Running jobs keep the service alive, whoever started them. */
  if (active && !self->held_for_jobs)
    g_application_hold (G_APPLICATION (self));
  else if (!active && self->held_for_jobs)
    g_application_release (G_APPLICATION (self));
  self->held_for_jobs = active;

  if (!active && self->stopping)
    g_application_quit (G_APPLICATION (self));
}

static void
show_run_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_autofree char *app = g_build_filename (BINDIR, "yunqiao", NULL);
  g_autofree char *option = g_strdup_printf ("--show-run=%lld",
                                             (long long) g_variant_get_int64 (parameter));
  const char *argv[] = { app, option, NULL };
  g_autoptr(GError) error = NULL;

  if (!g_file_test (app, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_free (app);
      app = g_find_program_in_path ("yunqiao");
      argv[0] = app;
    }

  if (app == NULL ||
      !g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &error))
    g_warning (_("Cannot open the app: %s"), error != NULL ? error->message : "yunqiao");
}

static gboolean
handle_start_sync_cb (YqDBusService         *skeleton,
                      GDBusMethodInvocation *invocation,
                      gint64                 connector,
                      const char            *direction_text,
                      gboolean               dry_run,
                      gboolean               confirm,
                      YqService             *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  YqSyncDirection direction;

  if (!yq_sync_direction_from_string (direction_text, &direction))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             _("Unknown direction “%s”"), direction_text);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  path = start_job (self, connector, direction, dry_run, confirm, FALSE, &error);
  if (path == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    yq_dbus_service_complete_start_sync (skeleton, invocation, path);

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_jobs_cb (YqDBusService         *skeleton,
                     GDBusMethodInvocation *invocation,
                     YqService             *self)
{
  g_auto(GStrv) paths = yq_job_manager_list_paths (self->jobs);

  g_application_hold (G_APPLICATION (self));
  yq_dbus_service_complete_list_jobs (skeleton, invocation, (const char * const *) paths);
  g_application_release (G_APPLICATION (self));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_check_schedules_cb (YqDBusService         *skeleton,
                           GDBusMethodInvocation *invocation,
                           YqService             *self)
{
  g_application_hold (G_APPLICATION (self));
  check_schedules (self);
  yq_dbus_service_complete_check_schedules (skeleton, invocation);
  g_application_release (G_APPLICATION (self));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
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
      check_schedules (self);
    }

  g_application_release (G_APPLICATION (self));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  YqService *self = user_data;

  g_warning (_("Jobs did not stop in time; quitting"));
  self->stop_timeout_id = 0;
  g_application_quit (G_APPLICATION (self));

  return G_SOURCE_REMOVE;
}

static gboolean
quit_on_signal_cb (gpointer user_data)
{
  YqService *self = user_data;

  if (self->stopping)
    return G_SOURCE_CONTINUE;

  g_message (_("Stopping on request"));
  if (yq_job_manager_get_n_active (self->jobs) == 0)
    {
      g_application_quit (G_APPLICATION (self));
      return G_SOURCE_CONTINUE;
    }

  /* Running jobs finish the operation in progress and its journal entry
   * first; the next start continues them. */
  self->stopping = TRUE;
  yq_job_manager_stop_all (self->jobs);
  self->stop_timeout_id = g_timeout_add_seconds (STOP_GRACE_SECONDS, stop_timeout_cb, self);

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

  resume_unfinished (self);
  check_schedules (self);
  self->schedule_tick_id = g_timeout_add_seconds (SCHEDULE_TICK_SECONDS, schedule_tick_cb, self);
}

static void
yq_service_shutdown (GApplication *application)
{
  YqService *self = YQ_SERVICE (application);

  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->schedule_tick_id, g_source_remove);
  g_clear_handle_id (&self->stop_timeout_id, g_source_remove);
  if (self->held_for_schedules)
    g_application_release (application);
  self->held_for_schedules = FALSE;
  yq_http_server_stop (self->http);
  if (self->push != NULL)
    yq_push_dispatcher_stop (self->push);
  if (self->held_for_http)
    g_application_release (application);
  self->held_for_http = FALSE;

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

  g_clear_object (&self->jobs);
  g_clear_object (&self->http);
  g_clear_object (&self->push);
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
  g_clear_pointer (&self->http_error, g_free);

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
  g_signal_connect_object (self->skeleton, "handle-start-sync",
                           G_CALLBACK (handle_start_sync_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->skeleton, "handle-list-jobs",
                           G_CALLBACK (handle_list_jobs_cb), self, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->skeleton, "handle-check-schedules",
                           G_CALLBACK (handle_check_schedules_cb), self, G_CONNECT_DEFAULT);

  object = yq_dbus_object_skeleton_new (SERVICE_MAIN_PATH);
  yq_dbus_object_skeleton_set_service (object, self->skeleton);

  self->object_manager = g_dbus_object_manager_server_new (SERVICE_OBJECT_PATH);
  g_dbus_object_manager_server_export (self->object_manager, G_DBUS_OBJECT_SKELETON (object));

  self->jobs = yq_job_manager_new (self->object_manager);
  self->http = yq_http_server_new (yq_service_get_localedir ());
  g_signal_connect_object (self->http, "message-accepted", G_CALLBACK (message_accepted_cb), self,
                           G_CONNECT_DEFAULT);

  g_signal_connect_object (self->jobs, "job-finished", G_CALLBACK (job_finished_cb), self,
                           G_CONNECT_DEFAULT);
  g_signal_connect_object (self->jobs, "active-changed", G_CALLBACK (active_changed_cb), self,
                           G_CONNECT_DEFAULT);

  {
    g_autoptr(GSimpleAction) show_run = g_simple_action_new ("show-run", G_VARIANT_TYPE_INT64);

    g_signal_connect (show_run, "activate", G_CALLBACK (show_run_cb), self);
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (show_run));
  }
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
