/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-app-editor.h"
#include "yq-apps-view.h"
#include "yq-bridge-directory.h"
#include "yq-department-picker.h"
#include "yq-display-test.h"
#include "yq-settings-view.h"
#include "yq-window.h"
#include "yunqiao-core.h"
#include "yq-apps.h"

/* The Applications page with its editor, and the OA entry points and the
 * HTTP listen address in Settings, over a store with a 政务钉钉 connector:
 * an app is added through the editor with its secret, its home URL shown
 * and copied, an entry point in use refused, the QR-code login refused
 * without a client ID and accepted with one. */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

#define APP_NAME "OA 移动办公"
#define APP_SECRET "s3cr3t-Typed-Into-The-Form"
#define EXTERNAL "https://bridge.example.gov.cn"

typedef struct
{
  char           *data_dir;
  YqWindow       *window;
  YqAppsView     *apps_view;
  YqSettingsView *settings_view;
  YqStore        *store;
  YqSecrets      *secrets;
  gint64          connector;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_autoptr(GError) error = NULL;

  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));

  fixture->store = yq_window_get_store (fixture->window);
  fixture->secrets = yq_window_get_secrets (fixture->window);
  fixture->apps_view = CHILD (fixture->window, YQ_TYPE_WINDOW, "apps_view");
  fixture->settings_view = CHILD (fixture->window, YQ_TYPE_WINDOW, "settings_view");
  g_assert_true (YQ_IS_APPS_VIEW (fixture->apps_view));

  yq_connector_set_name (connector, "浙政钉");
  yq_connector_set_tenant_id (connector, "196729");
  yq_connector_set_app_key (connector, "directory-app-key");
  g_assert_true (yq_connectors_save (fixture->store, fixture->secrets, connector,
                                     "directory-app-secret", NULL, &error));
  g_assert_no_error (error);
  fixture->connector = yq_connector_get_id (connector);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

/* The first widget below @root with the widget name @name. */
static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (g_strcmp0 (gtk_widget_get_name (w), name) == 0)
      return w;

  return NULL;
}

static GtkWidget *
find_group (Fixture    *fixture,
            const char *prefix)
{
  g_autofree char *name = g_strdup_printf ("%s-%" G_GINT64_FORMAT, prefix, fixture->connector);
  GtkWidget *group = find_named (GTK_WIDGET (fixture->apps_view), name);

  g_assert_nonnull (group);
  return group;
}

static char *
read_clipboard (GtkWidget *widget)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  gdk_clipboard_read_text_async (clipboard, NULL, yq_test_store_result, &result);
  YQ_WAIT_FOR (result != NULL);
  text = gdk_clipboard_read_text_finish (clipboard, result, &error);
  g_assert_no_error (error);

  return text;
}

static void
set_text (GtkWidget  *root,
          const char *name,
          const char *text)
{
  GtkWidget *editable = find_named (root, name);

  g_assert_nonnull (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static void
set_editor_text (YqAppEditor *editor,
                 const char  *id,
                 const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (CHILD (editor, YQ_TYPE_APP_EDITOR, id)), text);
}

static void
add_entry_point (Fixture    *fixture,
                 const char *name,
                 const char *url)
{
  AdwMessageDialog *dialog;
  GtkWidget *extra;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->settings_view),
                                             "settings.add-entry-point", NULL));
  dialog = yq_test_wait_message_dialog ();
  extra = adw_message_dialog_get_extra_child (dialog);

  /* Nothing to add until both are there. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  set_text (extra, "entry-point-name-row", name);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  set_text (extra, "entry-point-url-row", url);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  yq_test_respond (dialog, "save");
}

/* Opens the editor of a new app of the connector. */
static YqAppEditor *
open_add_app (Fixture *fixture)
{
  GtkWidget *group = find_group (fixture, "connector");

  yq_test_click (find_named (group, "add-app-button"));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_APP_EDITOR) != NULL);

  return YQ_APP_EDITOR (yq_test_find_window (YQ_TYPE_APP_EDITOR));
}

static gboolean
can_save (YqAppEditor *editor)
{
  return gtk_widget_is_sensitive (GTK_WIDGET (CHILD (editor, YQ_TYPE_APP_EDITOR, "save_button")));
}

static void
save_editor (YqAppEditor *editor)
{
  g_assert_true (can_save (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_APP_EDITOR) == NULL);
}

static YqApp *
the_only_app (Fixture *fixture)
{
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GError) error = NULL;

  apps = yq_apps_list (fixture->store, fixture->connector, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (apps->len, ==, 1);

  return yq_app_copy (g_ptr_array_index (apps, 0));
}

static void
assert_secret_not_shown (GtkWidget *widget)
{
  g_autoptr(GString) labels = g_string_new (NULL);

  yq_test_collect_labels (widget, labels);
  g_assert_null (strstr (labels->str, APP_SECRET));
}

static void
test_apps (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *snippet = NULL;
  g_autoptr(GPtrArray) entry_points = NULL;
  YqAppEditor *editor;
  AdwMessageDialog *dialog;
  GtkWidget *group;
  GtkWidget *label;
  GtkWidget *qr_switch;
  GtkWidget *qr_app_row;
  GtkWidget *error_label;
  GtkWidget *snippet_button;
  YqQrLogin qr_login = { 0, };
  gint64 entry_point;

  /* An entry point, added in Settings. */
  yq_window_show_view (fixture->window, "settings");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->settings_view)));
  add_entry_point (fixture, "OA 首页", "https://oa.example.gov.cn/home");
  entry_points = yq_entry_points_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entry_points->len, ==, 1);
  entry_point = ((YqEntryPoint *) g_ptr_array_index (entry_points, 0))->id;
  {
    g_autoptr(GString) labels = g_string_new (NULL);

    yq_test_collect_labels (GTK_WIDGET (CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW,
                                               "entry_points_list")), labels);
    g_assert_nonnull (strstr (labels->str, "OA 首页"));
    g_assert_nonnull (strstr (labels->str, "https://oa.example.gov.cn/home"));
  }

  /* An app, added through the editor. */
  yq_window_show_view (fixture->window, "apps");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->apps_view)));
  editor = open_add_app (fixture);
  g_assert_cmpstr (adw_preferences_row_get_title (CHILD (editor, YQ_TYPE_APP_EDITOR,
                                                         "app_key_row")), ==, "AppKey");
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_APP_EDITOR, "client_id_row")));
  g_assert_false (can_save (editor));
  set_editor_text (editor, "name_row", APP_NAME);
  set_editor_text (editor, "app_key_row", "app-key-1");
  /* A new app needs its secret. */
  g_assert_false (can_save (editor));
  gtk_editable_set_text (GTK_EDITABLE (CHILD (editor, YQ_TYPE_APP_EDITOR, "secret_entry")),
                         APP_SECRET);
  g_assert_cmpuint (adw_combo_row_get_selected (CHILD (editor, YQ_TYPE_APP_EDITOR,
                                                       "target_row")), ==, 0);
  save_editor (editor);

  app = the_only_app (fixture);
  g_assert_cmpstr (app->name, ==, APP_NAME);
  g_assert_cmpstr (app->app_key, ==, "app-key-1");
  g_assert_null (app->client_id);
  g_assert_cmpint (app->target, ==, YQ_APP_TARGET_ENTRY_POINT);
  g_assert_cmpint (app->entry_point_id, ==, entry_point);
  secret = yq_apps_get_secret (fixture->store, fixture->secrets, app, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, APP_SECRET);
  assert_secret_not_shown (GTK_WIDGET (fixture->window));

  /* Without an external address the row leads to Settings instead. */
  group = find_group (fixture, "connector");
  g_assert_nonnull (find_named (group, "open-settings-button"));
  g_assert_null (find_named (group, "home-url"));

  g_assert_true (yq_settings_set (fixture->store, YQ_SETTING_EXTERNAL_ADDRESS, EXTERNAL, &error));
  g_assert_no_error (error);
  yq_apps_view_reload (fixture->apps_view);
  group = find_group (fixture, "connector");
  label = find_named (group, "home-url");
  g_assert_nonnull (label);
  expected_url = g_strdup_printf (EXTERNAL "/login/app/%" G_GINT64_FORMAT, app->id);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected_url);
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  yq_test_click (find_named (group, "copy-home-url-button"));
  copied = read_clipboard (GTK_WIDGET (fixture->apps_view));
  g_assert_cmpstr (copied, ==, expected_url);
  g_clear_pointer (&copied, g_free);

  /* The editor of the stored app never shows the secret. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->apps_view), "apps.edit-app",
                                             "x", app->id));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_APP_EDITOR) != NULL);
  editor = YQ_APP_EDITOR (yq_test_find_window (YQ_TYPE_APP_EDITOR));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (CHILD (editor, YQ_TYPE_APP_EDITOR,
                                                               "secret_entry"))), ==, "");
  assert_secret_not_shown (GTK_WIDGET (editor));
  g_assert_true (can_save (editor));
  gtk_window_destroy (GTK_WINDOW (editor));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_APP_EDITOR) == NULL);

  /* The entry point the app opens cannot go; the refusal names the app. */
  yq_window_show_view (fixture->window, "settings");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->settings_view),
                                             "settings.remove-entry-point", "x", entry_point));
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), APP_NAME));
  yq_test_respond (dialog, "close");
  g_clear_pointer (&entry_points, g_ptr_array_unref);
  entry_points = yq_entry_points_list (fixture->store, &error);
  g_assert_cmpuint (entry_points->len, ==, 1);

  /* QR-code login needs a client ID on 政务钉钉: refused and switched
   * back off. */
  yq_window_show_view (fixture->window, "apps");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->apps_view)));
  group = find_group (fixture, "qr-login");
  qr_app_row = find_named (group, "qr-app-row");
  qr_switch = find_named (group, "qr-switch");
  error_label = find_named (group, "qr-error");
  snippet_button = find_named (group, "qr-snippet-button");
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_false (gtk_widget_get_sensitive (snippet_button));

  /* Turned on without an app: refused, and back off. */
  gtk_switch_set_active (GTK_SWITCH (qr_switch), TRUE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (qr_switch)));
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");

  /* The app without a client ID cannot be the dependent app: the message
   * says why and the choice goes back. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (qr_app_row), 1);
  g_assert_true (yq_test_label_shows (GTK_LABEL (error_label), "client_id"));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (qr_app_row)), ==, 0);
  gtk_switch_set_active (GTK_SWITCH (qr_switch), TRUE);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (qr_switch)));
  g_assert_true (yq_qr_login_get (fixture->store, fixture->connector, &qr_login, &error));
  g_assert_no_error (error);
  g_assert_false (qr_login.enabled);
  g_assert_cmpint (qr_login.app_id, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (snippet_button));

  /* With a client ID, given in the editor, it stays on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->apps_view), "apps.edit-app",
                                             "x", app->id));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_APP_EDITOR) != NULL);
  editor = YQ_APP_EDITOR (yq_test_find_window (YQ_TYPE_APP_EDITOR));
  set_editor_text (editor, "client_id_row", "client-id-1");
  save_editor (editor);
  g_clear_pointer (&app, yq_app_free);
  app = the_only_app (fixture);
  g_assert_cmpstr (app->client_id, ==, "client-id-1");
  g_clear_pointer (&secret, g_free);
  secret = yq_apps_get_secret (fixture->store, fixture->secrets, app, &error);
  g_assert_cmpstr (secret, ==, APP_SECRET);

  group = find_group (fixture, "qr-login");
  qr_app_row = find_named (group, "qr-app-row");
  qr_switch = find_named (group, "qr-switch");
  error_label = find_named (group, "qr-error");
  snippet_button = find_named (group, "qr-snippet-button");
  adw_combo_row_set_selected (ADW_COMBO_ROW (qr_app_row), 1);
  g_assert_false (gtk_widget_get_visible (error_label));
  gtk_switch_set_active (GTK_SWITCH (qr_switch), TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (qr_switch)));
  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_true (yq_qr_login_get (fixture->store, fixture->connector, &qr_login, &error));
  g_assert_true (qr_login.enabled);
  g_assert_cmpint (qr_login.app_id, ==, app->id);

  yq_test_click (snippet_button);
  copied = read_clipboard (GTK_WIDGET (fixture->apps_view));
  snippet = yq_qr_login_snippet (fixture->store, fixture->connector, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, snippet);
  g_assert_nonnull (strstr (copied, EXTERNAL));
  assert_secret_not_shown (GTK_WIDGET (fixture->window));
}

static void
test_remove_app (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(YqApp) app = yq_app_new ();
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *group;

  app->connector_id = fixture->connector;
  app->name = g_strdup (APP_NAME);
  app->app_key = g_strdup ("app-key-1");
  app->target = YQ_APP_TARGET_CUSTOM;
  app->custom_url = g_strdup ("https://oa.example.gov.cn/todo");
  app->id = yq_apps_add (fixture->store, fixture->secrets, app, APP_SECRET, &error);
  g_assert_no_error (error);

  yq_window_show_view (fixture->window, "apps");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->apps_view)));
  group = find_group (fixture, "connector");

  /* Asked first, naming the app; cancelling keeps it. */
  yq_test_click (find_named (group, "remove-app-button"));
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), APP_NAME));
  yq_test_respond (dialog, "cancel");
  apps = yq_apps_list (fixture->store, fixture->connector, &error);
  g_assert_cmpuint (apps->len, ==, 1);
  g_clear_pointer (&apps, g_ptr_array_unref);

  yq_test_click (find_named (group, "remove-app-button"));
  dialog = yq_test_wait_message_dialog ();
  yq_test_respond (dialog, "remove");
  apps = yq_apps_list (fixture->store, fixture->connector, &error);
  g_assert_cmpuint (apps->len, ==, 0);
  g_assert_null (find_named (find_group (fixture, "connector"), "remove-app-button"));
}

/* Visible departments come from the department picker over the
 * connector's bridge directory, and show by name. */
static void
test_visible_departments (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *ids[] = { "d2", NULL };
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;
  YqDepartmentPicker *picker;
  YqAppEditor *editor;
  AdwActionRow *row;

  {
    g_autoptr(YqOrgDepartment) root = yq_org_department_new ("d1", NULL, "浙江省");
    g_autoptr(YqOrgDepartment) child = yq_org_department_new ("d2", "d1", "办公厅");

    g_assert_true (yq_bridge_directory_put_department (fixture->store, fixture->connector, root,
                                                       &error));
    g_assert_true (yq_bridge_directory_put_department (fixture->store, fixture->connector, child,
                                                       &error));
    g_assert_no_error (error);
  }

  yq_window_show_view (fixture->window, "apps");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->apps_view)));
  editor = open_add_app (fixture);
  row = CHILD (editor, YQ_TYPE_APP_EDITOR, "departments_row");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Everyone in the connector’s directory");
  /* An app of a 政务钉钉 connector without entry points leads to a custom
   * link. */
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_APP_EDITOR, "custom_url_row")));
  set_editor_text (editor, "name_row", APP_NAME);
  set_editor_text (editor, "app_key_row", "app-key-1");
  gtk_editable_set_text (GTK_EDITABLE (CHILD (editor, YQ_TYPE_APP_EDITOR, "secret_entry")),
                         APP_SECRET);
  g_assert_false (can_save (editor));
  set_editor_text (editor, "custom_url_row", "https://oa.example.gov.cn/mobile");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.choose-departments",
                                             NULL));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER) != NULL);
  picker = YQ_DEPARTMENT_PICKER (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER));
  yq_department_picker_set_selected (picker, ids);
  yq_test_click (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "select_button"));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER) == NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "办公厅");

  save_editor (editor);
  app = the_only_app (fixture);
  g_assert_cmpint (app->target, ==, YQ_APP_TARGET_CUSTOM);
  g_assert_cmpstr (app->custom_url, ==, "https://oa.example.gov.cn/mobile");
  g_assert_nonnull (app->visible_departments);
  g_assert_cmpstr (app->visible_departments[0], ==, "d2");
  g_assert_null (app->visible_departments[1]);

  /* Back to everyone. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->apps_view), "apps.edit-app",
                                             "x", app->id));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_APP_EDITOR) != NULL);
  editor = YQ_APP_EDITOR (yq_test_find_window (YQ_TYPE_APP_EDITOR));
  row = CHILD (editor, YQ_TYPE_APP_EDITOR, "departments_row");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "办公厅");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.everyone", NULL));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Everyone in the connector’s directory");
  save_editor (editor);
  g_clear_pointer (&app, yq_app_free);
  app = the_only_app (fixture);
  g_assert_true (app->visible_departments == NULL || app->visible_departments[0] == NULL);
}

/* A refused entry point comes back with the reason and what was typed. */
static void
test_entry_point_refused (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) entry_points = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *extra;
  GtkWidget *message;

  yq_window_show_view (fixture->window, "settings");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->settings_view)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->settings_view),
                                             "settings.add-entry-point", NULL));
  dialog = yq_test_wait_message_dialog ();
  extra = adw_message_dialog_get_extra_child (dialog);
  g_assert_null (find_named (extra, "entry-point-error"));
  set_text (extra, "entry-point-name-row", "OA 首页");
  set_text (extra, "entry-point-url-row", "ftp://oa.example.gov.cn/");
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));

  YQ_WAIT_FOR (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL);
  dialog = ADW_MESSAGE_DIALOG (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  extra = adw_message_dialog_get_extra_child (dialog);
  message = find_named (extra, "entry-point-error");
  g_assert_nonnull (message);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), !=, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (extra, "entry-point-url-row"))),
                   ==, "ftp://oa.example.gov.cn/");
  yq_test_respond (dialog, "cancel");

  entry_points = yq_entry_points_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entry_points->len, ==, 0);
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkStack *stack = CHILD (fixture->apps_view, YQ_TYPE_APPS_VIEW, "main_stack");

  yq_window_show_view (fixture->window, "apps");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->apps_view)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "apps");

  g_assert_true (yq_connectors_delete (fixture->store, fixture->secrets, fixture->connector,
                                       &error));
  g_assert_no_error (error);
  yq_apps_view_reload (fixture->apps_view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "no-connectors");
}

static char *
stored_http_address (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *value;

  value = yq_settings_get (fixture->store, YQ_SETTING_HTTP_ADDRESS, &error);
  g_assert_no_error (error);

  return value;
}

static void
apply_http_address (Fixture    *fixture,
                    const char *text)
{
  GtkEditable *row = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "http_address_row");

  /* The row applies what was typed while it had the focus; whether this
   * window has the focus depends on the other display tests that run
   * beside it on the same X server, so the apply is signalled directly, as
   * the row does on Enter. */
  gtk_editable_set_text (row, text);
  g_signal_emit_by_name (row, "apply");
}

static void
test_http_address (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *row = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "http_address_row");
  GtkLabel *message = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "http_address_error");
  AdwActionRow *state = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "http_state_row");
  YqFakeService *service;
  g_autofree char *value = NULL;

  yq_window_show_view (fixture->window, "settings");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->settings_view)));

  /* Unset shows the default the service uses. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==,
                   YQ_SETTING_HTTP_ADDRESS_DEFAULT);
  YQ_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (state),
                          "Not running: the companion service is not running") == 0);

  apply_http_address (fixture, "not an address");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), !=, "");
  value = stored_http_address (fixture);
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);

  service = yq_fake_service_start ();
  g_free (service->http);
  service->http = g_strdup ("not-configured");
  yq_settings_view_refresh_service (fixture->settings_view);
  YQ_WAIT_FOR (g_str_has_prefix (adw_action_row_get_subtitle (state), "Off:"));
  g_free (service->http);
  service->http = g_strdup ("listening");

  apply_http_address (fixture, "127.0.0.1:9080");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  value = stored_http_address (fixture);
  g_assert_cmpstr (value, ==, "127.0.0.1:9080");
  /* The service reloads, and the state is asked for again. */
  YQ_WAIT_FOR (service->reloads == 1);
  YQ_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (state), "Listening") == 0);

  /* An error of the service shows as it is. */
  g_free (service->http);
  service->http = g_strdup ("Cannot listen on 127.0.0.1:9080: address in use");
  yq_settings_view_refresh_service (fixture->settings_view);
  YQ_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (state),
                          "Cannot listen on 127.0.0.1:9080: address in use") == 0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (state), "error"));

  yq_fake_service_stop (service);
  YQ_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (state),
                          "Not running: the companion service is not running") == 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/apps/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("apps", test_apps);
  ADD ("remove-app", test_remove_app);
  ADD ("visible-departments", test_visible_departments);
  ADD ("entry-point-refused", test_entry_point_refused);
  ADD ("empty", test_empty);
  ADD ("http-address", test_http_address);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
