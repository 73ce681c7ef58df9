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
  g_autoptr(GError) error = NULL;

  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (service->skeleton),
                                    connection, SERVICE_MAIN_PATH, &error);
  g_assert_no_error (error);
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
 * GetStatus and Reload like the real service, counting the calls.
 */
YqFakeService *
yq_fake_service_start (void)
{
  YqFakeService *service = g_new0 (YqFakeService, 1);

  service->skeleton = yq_dbus_service_skeleton_new ();
  yq_dbus_service_set_version (service->skeleton, FAKE_VERSION);
  g_signal_connect (service->skeleton, "handle-get-status",
                    G_CALLBACK (handle_get_status_cb), service);
  g_signal_connect (service->skeleton, "handle-reload",
                    G_CALLBACK (handle_reload_cb), service);

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
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (service->skeleton));
  g_clear_object (&service->skeleton);
  g_free (service);
}
