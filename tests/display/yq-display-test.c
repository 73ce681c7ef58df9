/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "yq-display-test.h"
#include "yq-test-fs.h"

#define FAKE_VERSION "9.9.9"
#define FAKE_PID 4242
#define BUSY_ERROR_NAME "io.github.yunqiao.Yunqiao.Error.Sync.Busy"

static GTestDBus *test_bus;

gboolean
yq_test_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * yq_test_init:
 *
 * Gives the test process its own session bus, so that the app's D-Bus
 * calls neither reach a real companion service nor autolaunch one, then
 * initialises GTK and libadwaita with the test accessibility backend.
 */
void
yq_test_init (int    *argc,
              char ***argv)
{
  const char *localedir = g_getenv ("YQ_TEST_LOCALEDIR");
  gboolean subprocess = FALSE;

  /* g_test_subprocess() only knows after g_test_init(), which runs inside
   * gtk_test_init() together with setlocale(). */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--GTestSubprocess"))
      subprocess = TRUE;

  /* Tests compare English strings unless a test asks for a language in the
   * environment of a subprocess. */
  if (!subprocess)
    {
      g_setenv ("LC_ALL", "C.UTF-8", TRUE);
      g_unsetenv ("LANGUAGE");
    }

  g_setenv ("GTK_A11Y", "test", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);

  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : YQ_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A subprocess started by g_test_trap_subprocess() reuses the parent's
   * bus, named in the environment it inherits. */
  if (!subprocess)
    {
      g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

      /* GTestDBus unsets DISPLAY against D-Bus autolaunch; GTK needs it. */
      test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (test_bus);
      if (display != NULL)
        g_setenv ("DISPLAY", display, TRUE);
    }

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* gtk_test_init() pins an English locale; the app's main() takes the
   * environment's, and so do the tests. */
  setlocale (LC_ALL, "");
}

void
yq_test_shutdown (void)
{
  yq_test_drain ();

  if (test_bus != NULL)
    {
      /* Not g_test_dbus_down() nor the last unref, which waits for the
       * session connection to go away: libadwaita keeps it for its settings
       * portal until the process exits. */
      g_test_dbus_stop (test_bus);
    }
}

char *
yq_test_make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *data_dir;

  data_dir = g_dir_make_tmp ("yunqiao-display-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("YUNQIAO_DATA_DIR", data_dir, TRUE);

  return data_dir;
}

void
yq_test_remove_data_dir (char *data_dir)
{
  yq_test_rm_rf (data_dir);
  g_assert_false (g_file_test (data_dir, G_FILE_TEST_EXISTS));
  g_unsetenv ("YUNQIAO_DATA_DIR");
  g_free (data_dir);
}

/**
 * yq_test_find_window:
 * @type: a #GtkWindow subtype
 *
 * Returns: (transfer none) (nullable): the first toplevel of @type
 */
GtkWindow *
yq_test_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type))
        return window;
    }

  return NULL;
}

/* Lets pending idles and D-Bus replies run. */
void
yq_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
yq_test_destroy_window (GtkWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  gtk_window_destroy (window);

  /* Dialogs opened on top of the window go too. */
  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) other = g_list_model_get_item (toplevels, 0);

      gtk_window_destroy (other);
    }

  yq_test_drain ();
}

/* A GAsyncReadyCallback that keeps the result in a GAsyncResult* slot. */
void
yq_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Like a click: the button's action runs at once, unlike
 * gtk_widget_activate(), which waits for the pressed look to show. */
void
yq_test_click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

gboolean
yq_test_label_shows (GtkLabel   *label,
                     const char *needle)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) &&
         strstr (gtk_label_get_text (label), needle) != NULL;
}

static guint
count_active_jobs (YqFakeService *service)
{
  guint n = 0;

  for (guint i = 0; i < service->jobs->len; i++)
    {
      const char *state = yq_dbus_job_get_state (g_ptr_array_index (service->jobs, i));

      if (g_str_equal (state, "queued") || g_str_equal (state, "running"))
        n++;
    }

  return n;
}

static void
start_call_free (YqFakeStartCall *call)
{
  g_free (call->direction);
  g_free (call);
}

static gboolean
handle_job_cancel_cb (YqDBusJob             *job,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  guint calls = yq_fake_job_get_cancel_calls (job);

  g_object_set_data (G_OBJECT (job), "yq-cancel-calls", GUINT_TO_POINTER (calls + 1));
  yq_dbus_job_set_state (job, "cancelled");
  yq_dbus_job_set_step (job, "Cancelled");
  yq_dbus_job_set_finished_at (job, g_get_real_time () / G_USEC_PER_SEC);
  yq_dbus_job_complete_cancel (job, invocation);

  return TRUE;
}

/**
 * yq_fake_service_add_job:
 *
 * Exports a queued job at SERVICE_OBJECT_PATH/Jobs/N, as StartSync does.
 * Tests change its properties to play the job's progress.
 *
 * Returns: (transfer none): the job's skeleton
 */
YqDBusJob *
yq_fake_service_add_job (YqFakeService *service,
                         gint64         connector,
                         const char    *connector_name,
                         const char    *direction,
                         gboolean       dry_run)
{
  g_autoptr(YqDBusObjectSkeleton) object = NULL;
  g_autofree char *path = NULL;
  YqDBusJob *job;

  path = g_strdup_printf ("%s/Jobs/%u", SERVICE_OBJECT_PATH, ++service->next_job);
  object = yq_dbus_object_skeleton_new (path);
  job = yq_dbus_job_skeleton_new ();
  yq_dbus_job_set_kind (job, dry_run ? "sync-preview" : "sync-apply");
  yq_dbus_job_set_connector (job, connector);
  yq_dbus_job_set_connector_name (job, connector_name);
  yq_dbus_job_set_direction (job, direction);
  yq_dbus_job_set_state (job, "queued");
  yq_dbus_job_set_fraction (job, -1);
  yq_dbus_job_set_step (job, "");
  yq_dbus_job_set_summary (job, "{}");
  yq_dbus_job_set_error (job, "");
  g_signal_connect (job, "handle-cancel", G_CALLBACK (handle_job_cancel_cb), NULL);

  yq_dbus_object_skeleton_set_job (object, job);
  g_dbus_object_manager_server_export (service->manager, G_DBUS_OBJECT_SKELETON (object));
  g_ptr_array_add (service->jobs, job);

  return job;
}

guint
yq_fake_job_get_cancel_calls (YqDBusJob *job)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (job), "yq-cancel-calls"));
}

void
yq_fake_service_add_schedule (YqFakeService *service,
                              gint64         connector,
                              const char    *connector_name,
                              const char    *direction,
                              gint64         next_run,
                              gint64         interval)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  g_variant_dict_insert (&dict, "connector", "x", connector);
  g_variant_dict_insert (&dict, "connector-name", "s", connector_name);
  g_variant_dict_insert (&dict, "direction", "s", direction);
  g_variant_dict_insert (&dict, "next-run", "x", next_run);
  g_variant_dict_insert (&dict, "interval", "x", interval);
  g_variant_dict_insert (&dict, "last-run", "x", (gint64) 0);
  g_ptr_array_add (service->schedules, g_variant_ref_sink (g_variant_dict_end (&dict)));
}

static gboolean
handle_start_sync_cb (YqDBusService         *skeleton,
                      GDBusMethodInvocation *invocation,
                      gint64                 connector,
                      const char            *direction,
                      gboolean               dry_run,
                      gboolean               confirm,
                      YqFakeService         *service)
{
  YqFakeStartCall *call = g_new0 (YqFakeStartCall, 1);
  g_autofree char *name = NULL;
  YqDBusJob *job;

  call->connector = connector;
  call->direction = g_strdup (direction);
  call->dry_run = dry_run;
  call->confirm = confirm;
  g_ptr_array_add (service->start_calls, call);

  if (service->busy_message != NULL)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, BUSY_ERROR_NAME,
                                                  service->busy_message);
      return TRUE;
    }

  name = g_strdup_printf ("Connector %" G_GINT64_FORMAT, connector);
  job = yq_fake_service_add_job (service, connector, name, direction, dry_run);
  yq_dbus_service_complete_start_sync (skeleton, invocation,
                                       g_dbus_interface_skeleton_get_object_path (
                                         G_DBUS_INTERFACE_SKELETON (job)));
  return TRUE;
}

static gboolean
handle_list_jobs_cb (YqDBusService         *skeleton,
                     GDBusMethodInvocation *invocation,
                     YqFakeService         *service)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  for (guint i = 0; i < service->jobs->len; i++)
    g_ptr_array_add (paths, (gpointer) g_dbus_interface_skeleton_get_object_path (
                                         G_DBUS_INTERFACE_SKELETON (service->jobs->pdata[i])));
  g_ptr_array_add (paths, NULL);

  yq_dbus_service_complete_list_jobs (skeleton, invocation, (const char * const *) paths->pdata);
  return TRUE;
}

static gboolean
handle_get_status_cb (YqDBusService         *skeleton,
                      GDBusMethodInvocation *invocation,
                      YqFakeService         *service)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GDateTime) started = g_date_time_new_local (2024, 3, 1, 9, 30, 0);

  service->status_calls++;

  g_variant_dict_insert (&dict, "version", "s", FAKE_VERSION);
  g_variant_dict_insert (&dict, "pid", "u", (guint32) FAKE_PID);
  g_variant_dict_insert (&dict, "started-at", "x", g_date_time_to_unix (started));
  g_variant_dict_insert (&dict, "data-dir", "s", "/nonexistent");
  g_variant_dict_insert (&dict, "connectors", "u", 0);
  g_variant_dict_insert (&dict, "foreground", "b", FALSE);
  g_variant_dict_insert (&dict, "secrets-backend", "s", "file");
  g_variant_dict_insert (&dict, "reloads", "u", service->reloads);
  g_variant_dict_insert (&dict, "jobs", "u", count_active_jobs (service));
  g_variant_dict_insert_value (&dict, "schedules",
                               g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                                                    (GVariant **) service->schedules->pdata,
                                                    service->schedules->len));
  g_variant_dict_insert (&dict, "held", "b", service->schedules->len > 0);
  g_variant_dict_insert (&dict, "http", "s", service->http);

  yq_dbus_service_complete_get_status (skeleton, invocation, g_variant_dict_end (&dict));
  return TRUE;
}

static gboolean
handle_reload_cb (YqDBusService         *skeleton,
                  GDBusMethodInvocation *invocation,
                  YqFakeService         *service)
{
  service->reloads++;
  yq_dbus_service_complete_reload (skeleton, invocation);
  return TRUE;
}

static void
bus_acquired_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  YqFakeService *service = user_data;

  /* Like the service: everything below an object manager. */
  g_dbus_object_manager_server_set_connection (service->manager, connection);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  YqFakeService *service = user_data;

  service->owned = TRUE;
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  YqFakeService *service = user_data;

  service->lost = TRUE;
}

/**
 * yq_fake_service_start:
 *
 * Owns the companion service's bus name on the test bus and answers
 * GetStatus, Reload, StartSync and ListJobs like the real service,
 * recording the calls. Jobs are objects of an object manager at
 * SERVICE_OBJECT_PATH, as in the service.
 */
YqFakeService *
yq_fake_service_start (void)
{
  YqFakeService *service = g_new0 (YqFakeService, 1);
  g_autoptr(YqDBusObjectSkeleton) main_object = NULL;

  service->start_calls = g_ptr_array_new_with_free_func ((GDestroyNotify) start_call_free);
  service->jobs = g_ptr_array_new_with_free_func (g_object_unref);
  service->schedules = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  service->http = g_strdup ("not-configured");
  service->manager = g_dbus_object_manager_server_new (SERVICE_OBJECT_PATH);

  service->skeleton = yq_dbus_service_skeleton_new ();
  yq_dbus_service_set_version (service->skeleton, FAKE_VERSION);
  g_signal_connect (service->skeleton, "handle-get-status",
                    G_CALLBACK (handle_get_status_cb), service);
  g_signal_connect (service->skeleton, "handle-reload",
                    G_CALLBACK (handle_reload_cb), service);
  g_signal_connect (service->skeleton, "handle-start-sync",
                    G_CALLBACK (handle_start_sync_cb), service);
  g_signal_connect (service->skeleton, "handle-list-jobs",
                    G_CALLBACK (handle_list_jobs_cb), service);

  main_object = yq_dbus_object_skeleton_new (SERVICE_MAIN_PATH);
  yq_dbus_object_skeleton_set_service (main_object, service->skeleton);
  g_dbus_object_manager_server_export (service->manager, G_DBUS_OBJECT_SKELETON (main_object));

  service->owner_id = g_bus_own_name (G_BUS_TYPE_SESSION,
                                      SERVICE_BUS_NAME,
                                      G_BUS_NAME_OWNER_FLAGS_NONE,
                                      bus_acquired_cb,
                                      name_acquired_cb,
                                      name_lost_cb,
                                      service,
                                      NULL);

  YQ_WAIT_FOR (service->owned || service->lost);
  g_assert_true (service->owned);

  return service;
}

void
yq_fake_service_stop (YqFakeService *service)
{
  g_bus_unown_name (service->owner_id);
  g_dbus_object_manager_server_set_connection (service->manager, NULL);
  g_clear_object (&service->manager);
  g_clear_object (&service->skeleton);
  g_clear_pointer (&service->start_calls, g_ptr_array_unref);
  g_clear_pointer (&service->jobs, g_ptr_array_unref);
  g_clear_pointer (&service->schedules, g_ptr_array_unref);
  g_free (service->busy_message);
  g_free (service->http);
  g_free (service);
}

GtkWidget *
yq_test_next_widget (GtkWidget *root,
                     GtkWidget *widget)
{
  if (gtk_widget_get_first_child (widget) != NULL)
    return gtk_widget_get_first_child (widget);

  while (widget != root && gtk_widget_get_next_sibling (widget) == NULL)
    widget = gtk_widget_get_parent (widget);

  return widget == root ? NULL : gtk_widget_get_next_sibling (widget);
}

GtkWidget *
yq_test_find_button (GtkWidget  *root,
                     const char *label)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (GTK_IS_BUTTON (w) && gtk_widget_is_drawable (w) &&
        g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), label) == 0)
      return w;

  return NULL;
}

AdwMessageDialog *
yq_test_wait_message_dialog (void)
{
  YQ_WAIT_FOR (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL);

  return ADW_MESSAGE_DIALOG (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
}

void
yq_test_respond (AdwMessageDialog *dialog,
                 const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  YQ_WAIT_FOR (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL);
}

void
yq_test_collect_labels (GtkWidget *widget,
                        GString   *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    yq_test_collect_labels (child, text);
}

gboolean
yq_test_comparison_is_ancestor (YqComparison *comparison,
                                guint         ancestor,
                                guint         index)
{
  for (guint j = yq_comparison_get_node (comparison, index)->parent; j != YQ_COMPARISON_NONE;
       j = yq_comparison_get_node (comparison, j)->parent)
    if (j == ancestor)
      return TRUE;

  return FALSE;
}
