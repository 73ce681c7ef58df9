/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "yq-bindings-view.h"
#include "yq-connector-editor.h"
#include "yq-connectors-view.h"
#include "yq-display-test.h"
#include "yq-org-view.h"
#include "yq-settings-view.h"
#include "yq-window.h"
#include "yunqiao-core.h"

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

static YqWindow *
open_window (const char *data_dir)
{
  YqWindow *window = yq_window_new (NULL, data_dir);

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));

  return window;
}

static void
close_window (YqWindow *window)
{
  yq_test_destroy_window (GTK_WINDOW (window));
  g_object_unref (window);
}

static void
test_views (void)
{
  char *data_dir = yq_test_make_data_dir ();
  YqWindow *window = open_window (data_dir);
  GtkListBox *sidebar = CHILD (window, YQ_TYPE_WINDOW, "sidebar");
  GtkStack *main_stack = CHILD (window, YQ_TYPE_WINDOW, "main_stack");
  GtkListBoxRow *row;

  g_assert_nonnull (yq_window_get_store (window));
  g_assert_nonnull (yq_window_get_secrets (window));
  g_assert_cmpstr (yq_window_get_data_dir (window), ==, data_dir);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "views");

  /* Exactly the six views of this release, Connectors first. */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (sidebar), "navigation-sidebar"));
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, 0))),
                   ==, "connectors");
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, 1))),
                   ==, "organisation");
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, 2))),
                   ==, "bindings");
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, 3))),
                   ==, "apps");
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, 4))),
                   ==, "push");
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, 5))),
                   ==, "settings");
  g_assert_null (gtk_list_box_get_row_at_index (sidebar, 6));
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "connectors");
  g_assert_true (gtk_list_box_get_selected_row (sidebar) ==
                 gtk_list_box_get_row_at_index (sidebar, 0));

  /* The views got the window's store. */
  g_assert_true (yq_connectors_view_get_store (CHILD (window, YQ_TYPE_WINDOW, "connectors_view")) ==
                 yq_window_get_store (window));
  g_assert_true (yq_settings_view_get_store (CHILD (window, YQ_TYPE_WINDOW, "settings_view")) ==
                 yq_window_get_store (window));

  g_assert_true (yq_org_view_get_store (CHILD (window, YQ_TYPE_WINDOW, "org_view")) ==
                 yq_window_get_store (window));
  g_assert_true (yq_bindings_view_get_store (CHILD (window, YQ_TYPE_WINDOW, "bindings_view")) ==
                 yq_window_get_store (window));

  /* Activating a sidebar row switches the view. */
  row = gtk_list_box_get_row_at_index (sidebar, 1);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "organisation");
  row = gtk_list_box_get_row_at_index (sidebar, 2);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "bindings");
  row = gtk_list_box_get_row_at_index (sidebar, 3);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "apps");
  row = gtk_list_box_get_row_at_index (sidebar, 4);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "push");
  row = gtk_list_box_get_row_at_index (sidebar, 5);
  g_signal_emit_by_name (sidebar, "row-activated", row);
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "settings");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s",
                                             "connectors"));
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "connectors");
  g_assert_true (gtk_list_box_get_selected_row (sidebar) ==
                 gtk_list_box_get_row_at_index (sidebar, 0));

  /* What Ctrl+N does: from any view, open the editor for a new connector. */
  yq_window_show_view (window, "settings");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-connector", NULL));
  g_assert_cmpstr (yq_window_get_visible_view (window), ==, "connectors");
  g_assert_nonnull (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR));

  g_assert_cmpint (gtk_widget_has_css_class (GTK_WIDGET (window), "devel"), ==, DEVELOPMENT_BUILD);

  close_window (window);
  yq_test_remove_data_dir (data_dir);
}

static void
test_folds_when_narrow (void)
{
  char *data_dir = yq_test_make_data_dir ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  YqWindow *window;
  AdwLeaflet *leaflet;
  GtkWidget *back_button;
  GtkWidget *view;

  g_settings_set_int (settings, "window-width", 360);
  g_settings_set_int (settings, "window-height", 600);

  window = open_window (data_dir);
  leaflet = CHILD (window, YQ_TYPE_WINDOW, "leaflet");
  view = CHILD (window, YQ_TYPE_WINDOW, "connectors_view");
  back_button = CHILD (view, YQ_TYPE_CONNECTORS_VIEW, "back_button");

  YQ_WAIT_FOR (adw_leaflet_get_folded (leaflet));
  g_assert_true (gtk_widget_get_visible (back_button));

  /* Folded, choosing a view shows it and its back button leads back. */
  yq_window_show_view (window, "settings");
  g_assert_true (adw_leaflet_get_visible_child (leaflet) ==
                 GTK_WIDGET (CHILD (window, YQ_TYPE_WINDOW, "content_stack")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.go-back", NULL));
  YQ_WAIT_FOR (adw_leaflet_get_visible_child (leaflet) != GTK_WIDGET (CHILD (window, YQ_TYPE_WINDOW,
                                                                             "content_stack")));

  close_window (window);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  yq_test_remove_data_dir (data_dir);
}

static void
test_remembers_size (void)
{
  char *data_dir = yq_test_make_data_dir ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  YqWindow *window;
  int width, height;

  g_settings_set_int (settings, "window-width", 820);
  g_settings_set_int (settings, "window-height", 610);

  window = open_window (data_dir);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 820);
  g_assert_cmpint (height, ==, 610);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 640);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);

  close_window (window);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  yq_test_remove_data_dir (data_dir);
}

static void
assert_shows_error (YqWindow   *window,
                    const char *title,
                    const char *in_description)
{
  GtkStack *main_stack = CHILD (window, YQ_TYPE_WINDOW, "main_stack");
  AdwStatusPage *page = CHILD (window, YQ_TYPE_WINDOW, "error_page");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "error");
  g_assert_null (yq_window_get_store (window));
  g_assert_null (yq_window_get_visible_view (window));
  if (title != NULL)
    g_assert_cmpstr (adw_status_page_get_title (page), ==, title);
  g_assert_nonnull (adw_status_page_get_description (page));
  g_assert_nonnull (strstr (adw_status_page_get_description (page), in_description));

  /* Nothing leads to a view that has no store behind it. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-connector", NULL);
  g_assert_null (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR));
}

static void
test_store_error_unusable_dir (void)
{
  char *data_dir = yq_test_make_data_dir ();
  g_autofree char *file = g_build_filename (data_dir, "not-a-folder", NULL);
  g_autoptr(GError) error = NULL;
  YqWindow *window;

  g_file_set_contents (file, "x", -1, &error);
  g_assert_no_error (error);

  window = open_window (file);
  assert_shows_error (window, NULL, file);
  close_window (window);

  yq_test_remove_data_dir (data_dir);
}

static char *
create_database (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;

  store = yq_store_open_in_dir (data_dir, &error);
  g_assert_no_error (error);

  return g_strdup (yq_store_get_path (store));
}

static void
test_store_error_newer_schema (void)
{
  char *data_dir = yq_test_make_data_dir ();
  g_autofree char *path = create_database (data_dir);
  g_autofree char *sql = NULL;
  YqWindow *window;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("PRAGMA user_version = %d", yq_store_get_latest_schema_version () + 1);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  window = open_window (data_dir);
  assert_shows_error (window, "The Database Is from a Newer Version", data_dir);
  close_window (window);

  yq_test_remove_data_dir (data_dir);
}

static void
test_store_error_corrupt (void)
{
  char *data_dir = yq_test_make_data_dir ();
  g_autofree char *path = create_database (data_dir);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = NULL;
  YqWindow *window;

  g_unlink (wal);
  g_unlink (shm);
  garbage = g_strnfill (8192, 'z');
  g_file_set_contents (path, garbage, -1, &error);
  g_assert_no_error (error);

  window = open_window (data_dir);
  assert_shows_error (window, NULL, data_dir);
  close_window (window);

  yq_test_remove_data_dir (data_dir);
}

static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GObject *overlay;

  /* GtkApplication shows this for Ctrl+? from the resource base path. */
  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

  g_test_add_func ("/display/window/views", test_views);
  g_test_add_func ("/display/window/folds-when-narrow", test_folds_when_narrow);
  g_test_add_func ("/display/window/remembers-size", test_remembers_size);
  g_test_add_func ("/display/window/store-error/unusable-dir", test_store_error_unusable_dir);
  g_test_add_func ("/display/window/store-error/newer-schema", test_store_error_newer_schema);
  g_test_add_func ("/display/window/store-error/corrupt", test_store_error_corrupt);
  g_test_add_func ("/display/window/help-overlay", test_help_overlay);

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
