/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * yq-screenshots OUTPUT.png
 *
 * Draws the connectors view with a connector's sync menu open next to the
 * jobs list (a running, a finished and a blocked job, and the next runs),
 * as the app shows them with a fake companion service on a private bus,
 * and saves both side by side. Needs an X server the size of the window,
 * ImageMagick, and xcompmgr for popovers with round corners:
 *
 *   xvfb-run -a -s "-screen 0 1000x800x24" BUILDDIR/tests/display/yq-screenshots jobs.png
 *   LANG=C.UTF-8 LANGUAGE=zh_CN xvfb-run -a -s "-screen 0 1000x800x24" \
 *     BUILDDIR/tests/display/yq-screenshots jobs-zh_CN.png
 *
 * Chinese needs the catalogue in the build folder (meson compile yunqiao-gmo).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "yq-connector-row.h"
#include "yq-connectors-view.h"
#include "yq-display-test.h"
#include "yq-settings-view.h"
#include "yq-window.h"
#include "yunqiao-core.h"

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

#define WIDTH 1000
#define HEIGHT 800

static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

  /* Long enough for the D-Bus replies, popover and page transitions and a
   * few frames. */
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
capture (const char *path)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "import", "-window", "root", path, NULL };

  settle ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("Cannot capture the screen: %s", error->message);
}

/* Without a compositing manager X draws the transparent corners and
 * shadows of popovers black. */
static GSubprocess *
start_compositor (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *compositor;

  if (g_find_program_in_path ("xcompmgr") == NULL)
    {
      g_printerr ("xcompmgr is not installed: popovers get black corners\n");
      return NULL;
    }

  compositor = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xcompmgr", NULL);
  if (compositor == NULL)
    g_printerr ("Cannot start xcompmgr: %s\n", error->message);

  return compositor;
}

static void
scroll_to_end (GtkWidget *page)
{
  for (GtkWidget *w = gtk_widget_get_first_child (page); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      if (GTK_IS_SCROLLED_WINDOW (w))
        {
          GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w));

          gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                                gtk_adjustment_get_page_size (adjustment));
          return;
        }
    }
}

static gint64
add_connector (YqWindow          *window,
               YqConnectorPreset  preset,
               const char        *name,
               const char        *tenant,
               gboolean           readonly)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;
  gboolean yzj;

  yzj = preset == YQ_CONNECTOR_PRESET_YZJ_PUBLIC || preset == YQ_CONNECTOR_PRESET_YZJ_PRIVATE;
  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, tenant);
  yq_connector_set_app_key (connector, "demo-app-key");
  yq_connector_set_directory_readonly (connector, readonly);
  if (!yq_connectors_save (yq_window_get_store (window), yq_window_get_secrets (window),
                           connector, "demo-app-secret", yzj ? "demo-directory-secret" : NULL,
                           &error))
    g_error ("%s", error->message);

  return yq_connector_get_id (connector);
}

static gint64
today_at (int hour,
          int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) time = NULL;

  time = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now), hour, minute, 0);
  return g_date_time_to_unix (time);
}

static void
add_jobs (YqFakeService *service,
          gint64         zwdd,
          gint64         yzj)
{
  YqDBusJob *job;

  job = yq_fake_service_add_job (service, zwdd, "浙江省政府（浙政钉）", "from-platform", FALSE);
  yq_dbus_job_set_started_at (job, today_at (9, 12));
  yq_dbus_job_set_finished_at (job, today_at (9, 14));
  yq_dbus_job_set_fraction (job, 1.0);
  yq_dbus_job_set_summary (job, "{\"counts\":{\"update-department\":2,\"create-person\":14,"
                                "\"update-person\":120},\"operations\":136,\"done\":136,"
                                "\"failed\":0,\"warnings\":[],\"more-warnings\":0}");
  yq_dbus_job_set_run_id (job, 41);
  yq_dbus_job_set_scheduled (job, TRUE);
  yq_dbus_job_set_state (job, "succeeded");

  job = yq_fake_service_add_job (service, yzj, "杭州市政府（云之家）", "to-platform", FALSE);
  yq_dbus_job_set_started_at (job, today_at (9, 20));
  yq_dbus_job_set_finished_at (job, today_at (9, 21));
  yq_dbus_job_set_error (job, "45 people would be removed from the platform, more than the "
                              "10 % a sync may remove without confirmation.");
  yq_dbus_job_set_needs_confirmation (job, TRUE);
  yq_dbus_job_set_state (job, "blocked");

  job = yq_fake_service_add_job (service, yzj, "杭州市政府（云之家）", "to-oa", FALSE);
  yq_dbus_job_set_started_at (job, today_at (9, 30));
  yq_dbus_job_set_fraction (job, 0.4);
  yq_dbus_job_set_step (job, _("Applying: 48 of 120 operations"));
  yq_dbus_job_set_state (job, "running");

  yq_fake_service_add_schedule (service, yzj, "杭州市政府（云之家）", "to-oa",
                                today_at (2, 0) + 24 * 3600, 24 * 3600);
  yq_fake_service_add_schedule (service, zwdd, "浙江省政府（浙政钉）", "from-platform",
                                today_at (12, 0), 6 * 3600);
  g_free (service->http);
  service->http = g_strdup ("listening");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autoptr(GSubprocess) compositor = NULL;
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  YqConnectorsView *connectors_view;
  YqSettingsView *settings_view;
  YqFakeService *service;
  GtkMenuButton *menu_button;
  g_autofree char *data_dir = NULL;
  g_autofree char *tmp_dir = NULL;
  GtkListBoxRow *row;
  YqWindow *window;
  gint64 zwdd;
  gint64 yzj;
  int status = 0;

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTPUT.png\n", argv[0]);
      return 2;
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, YQ_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  gtk_init ();
  adw_init ();
  compositor = start_compositor ();
  settle ();

  /* What the application loads from its resource base path. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  tmp_dir = g_dir_make_tmp ("yunqiao-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_setenv ("YUNQIAO_DATA_DIR", data_dir, TRUE);

  window = yq_window_new (NULL, data_dir);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));

  connectors_view = CHILD (window, YQ_TYPE_WINDOW, "connectors_view");
  settings_view = CHILD (window, YQ_TYPE_WINDOW, "settings_view");
  yzj = add_connector (window, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "杭州市政府（云之家）", "10109",
                       FALSE);
  zwdd = add_connector (window, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙江省政府（浙政钉）", "196729",
                        TRUE);
  yq_connectors_view_reload (connectors_view);

  service = yq_fake_service_start ();
  add_jobs (service, zwdd, yzj);

  /* The 云之家 row, with every direction in its menu. */
  row = gtk_list_box_get_row_at_index (CHILD (connectors_view, YQ_TYPE_CONNECTORS_VIEW,
                                              "list_box"), 0);
  g_assert_true (yq_connector_get_id (yq_connector_row_get_connector (YQ_CONNECTOR_ROW (row)))
                 == yzj);
  menu_button = CHILD (row, YQ_TYPE_CONNECTOR_ROW, "sync_button");
  gtk_menu_button_popup (menu_button);
  left = g_build_filename (tmp_dir, "connectors.png", NULL);
  capture (left);
  gtk_menu_button_popdown (menu_button);

  yq_window_show_view (window, "settings");
  yq_settings_view_refresh_service (settings_view);
  settle ();
  scroll_to_end (CHILD (settings_view, YQ_TYPE_SETTINGS_VIEW, "page"));
  right = g_build_filename (tmp_dir, "jobs.png", NULL);
  capture (right);

  {
    const char *convert[] = { "convert", left, right, "+append", argv[1], NULL };

    if (!g_spawn_sync (NULL, (char **) convert, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                       NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("Cannot join the screenshots: %s", error->message);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  yq_fake_service_stop (service);
  if (compositor != NULL)
    g_subprocess_force_exit (compositor);
  /* Not the last unref, which waits for every user of the session bus
   * connection; libadwaita keeps one until the process exits. */
  g_test_dbus_stop (bus);

  g_unlink (left);
  g_unlink (right);
  yq_test_remove_data_dir (g_steal_pointer (&data_dir));
  g_rmdir (tmp_dir);

  return 0;
}
