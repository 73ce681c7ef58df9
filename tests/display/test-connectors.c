/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-connector-editor.h"
#include "yq-connector-row.h"
#include "yq-connectors-view.h"
#include "yq-display-test.h"
#include "yq-window.h"
#include "yunqiao-core.h"

typedef struct
{
  char              *data_dir;
  YqWindow          *window;
  YqConnectorsView  *view;
  YqFakeService     *service;
} Fixture;

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));

  g_assert_nonnull (yq_window_get_store (fixture->window));
  fixture->view = CHILD (fixture->window, YQ_TYPE_WINDOW, "connectors_view");
  g_assert_true (YQ_IS_CONNECTORS_VIEW (fixture->view));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

static GPtrArray *
list_connectors (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *connectors;

  connectors = yq_connectors_list (yq_window_get_store (fixture->window), &error);
  g_assert_no_error (error);
  g_assert_nonnull (connectors);

  return connectors;
}

static char *
lookup_secret (Fixture           *fixture,
               gint64             id,
               YqConnectorSecret  which)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = yq_connectors_lookup_secret (yq_window_get_store (fixture->window),
                                        yq_window_get_secrets (fixture->window),
                                        id, which, &error);
  g_assert_no_error (error);

  return secret;
}

static YqConnectorEditor *
open_add_editor (Fixture *fixture)
{
  YqConnectorEditor *editor;

  g_assert_null (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.add-connector", NULL));
  editor = (YqConnectorEditor *) yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);
  g_assert_true (yq_connector_editor_get_is_new (editor));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (editor)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor)) ==
                 GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (editor)));

  return editor;
}

static void
set_row_text (YqConnectorEditor *editor,
              const char        *row,
              const char        *text)
{
  gtk_editable_set_text (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, row), text);
}

static const char *
get_row_text (YqConnectorEditor *editor,
              const char        *row)
{
  return gtk_editable_get_text (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, row));
}

static gboolean
row_has_error (YqConnectorEditor *editor,
               const char        *row)
{
  return gtk_widget_has_css_class (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, row), "error");
}

static void
fill_valid_zwdd (YqConnectorEditor *editor,
                 const char        *name)
{
  set_row_text (editor, "name_row", name);
  set_row_text (editor, "tenant_row", "196729");
  set_row_text (editor, "app_key_row", "ding-app-key");
  set_row_text (editor, "app_secret_row", "zwdd-app-secret-1");
}

static void
save_editor (YqConnectorEditor *editor)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
}

static void
wait_editor_closed (void)
{
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR) == NULL);
}

static GtkListBoxRow *
get_list_row (Fixture *fixture,
              int      index)
{
  GtkListBox *list_box = CHILD (fixture->view, YQ_TYPE_CONNECTORS_VIEW, "list_box");

  return gtk_list_box_get_row_at_index (list_box, index);
}

static const char *
visible_page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (CHILD (fixture->view, YQ_TYPE_CONNECTORS_VIEW, "stack"));
}

static void
test_empty_state (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *button;

  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  g_assert_cmpuint (g_list_model_get_n_items (yq_connectors_view_get_model (fixture->view)), ==, 0);

  /* The empty state's own button opens the editor. */
  button = CHILD (fixture->view, YQ_TYPE_CONNECTORS_VIEW, "empty_page");
  button = adw_status_page_get_child (ADW_STATUS_PAGE (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "connectors.add");
  yq_test_click (button);
  g_assert_nonnull (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR));
}

static void
test_add_edit_delete (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autofree char *app_secret = NULL;
  g_autofree char *directory_secret = NULL;
  g_autofree char *edit_label = NULL;
  g_autofree char *app_key = NULL;
  g_autofree char *directory_key = NULL;
  YqConnectorEditor *editor;
  AdwMessageDialog *dialog;
  YqConnector *connector;
  GtkListBoxRow *row;
  GtkWidget *button;
  gint64 id;

  fixture->service = yq_fake_service_start ();

  /* Add a 云之家 connector: the preset decides the labels, the API address
   * and whether a directory secret is asked for. */
  editor = open_add_editor (fixture);
  g_assert_false (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                 "directory_secret_row")));
  adw_combo_row_set_selected (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "preset_row"),
                              YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_assert_cmpstr (get_row_text (editor, "api_base_row"), ==,
                   yq_connector_preset_get_api_base (YQ_CONNECTOR_PRESET_YZJ_PUBLIC));
  g_assert_cmpstr (adw_preferences_row_get_title (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                         "tenant_row")), ==,
                   yq_platform_kind_get_tenant_label (YQ_PLATFORM_KIND_YZJ));
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                "directory_secret_row")));

  set_row_text (editor, "name_row", "  Hangzhou Office ");
  set_row_text (editor, "tenant_row", "10109");
  set_row_text (editor, "app_key_row", "500123");
  set_row_text (editor, "app_secret_row", "yzj-app-secret-1");
  set_row_text (editor, "directory_secret_row", "yzj-directory-secret-1");
  gtk_switch_set_active (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "readonly_switch"), TRUE);
  gtk_spin_button_set_value (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "qps_spin"), 7);
  save_editor (editor);
  wait_editor_closed ();

  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 1);
  connector = g_ptr_array_index (connectors, 0);
  id = yq_connector_get_id (connector);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpstr (yq_connector_get_name (connector), ==, "Hangzhou Office");
  g_assert_cmpint (yq_connector_get_preset (connector), ==, YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_assert_cmpint (yq_connector_get_kind (connector), ==, YQ_PLATFORM_KIND_YZJ);
  g_assert_cmpstr (yq_connector_get_tenant_id (connector), ==, "10109");
  g_assert_cmpstr (yq_connector_get_api_base (connector), ==, "https://www.yunzhijia.com");
  g_assert_cmpstr (yq_connector_get_app_key (connector), ==, "500123");
  g_assert_true (yq_connector_get_directory_readonly (connector));
  g_assert_cmpuint (yq_connector_get_qps (connector), ==, 7);
  g_assert_true (yq_connector_get_has_app_secret (connector));
  g_assert_true (yq_connector_get_has_directory_secret (connector));

  app_secret = lookup_secret (fixture, id, YQ_CONNECTOR_SECRET_APP);
  directory_secret = lookup_secret (fixture, id, YQ_CONNECTOR_SECRET_DIRECTORY);
  g_assert_cmpstr (app_secret, ==, "yzj-app-secret-1");
  g_assert_cmpstr (directory_secret, ==, "yzj-directory-secret-1");
  g_clear_pointer (&app_secret, g_free);
  g_clear_pointer (&directory_secret, g_free);

  /* The list shows it, with its tag and labelled buttons. */
  g_assert_cmpstr (visible_page (fixture), ==, "list");
  row = get_list_row (fixture, 0);
  g_assert_true (YQ_IS_CONNECTOR_ROW (row));
  g_assert_null (get_list_row (fixture, 1));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Hangzhou Office");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "10109"));
  g_assert_true (gtk_widget_get_visible (CHILD (row, YQ_TYPE_CONNECTOR_ROW, "readonly_tag")));
  button = CHILD (row, YQ_TYPE_CONNECTOR_ROW, "edit_button");
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  edit_label = g_strdup_printf ("Edit “%s”", "Hangzhou Office");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, edit_label);
  button = CHILD (row, YQ_TYPE_CONNECTOR_ROW, "delete_button");
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Delete “Hangzhou Office”");

  /* The running service was told to reload. */
  YQ_WAIT_FOR (fixture->service->reloads == 1);

  /* Edit through the row's button: secrets are not shown, only a hint. */
  button = CHILD (row, YQ_TYPE_CONNECTOR_ROW, "edit_button");
  yq_test_click (button);
  editor = (YqConnectorEditor *) yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);
  g_assert_false (yq_connector_editor_get_is_new (editor));
  g_assert_cmpstr (get_row_text (editor, "name_row"), ==, "Hangzhou Office");
  g_assert_cmpstr (get_row_text (editor, "tenant_row"), ==, "10109");
  g_assert_cmpstr (get_row_text (editor, "app_secret_row"), ==, "");
  g_assert_cmpstr (get_row_text (editor, "directory_secret_row"), ==, "");
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                "app_secret_hint")));
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                "directory_secret_hint")));
  g_assert_true (gtk_switch_get_active (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                               "readonly_switch")));

  set_row_text (editor, "name_row", "Hangzhou Municipal Office");
  gtk_switch_set_active (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "readonly_switch"), FALSE);
  save_editor (editor);
  wait_editor_closed ();

  g_clear_pointer (&connectors, g_ptr_array_unref);
  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 1);
  connector = g_ptr_array_index (connectors, 0);
  g_assert_cmpint (yq_connector_get_id (connector), ==, id);
  g_assert_cmpstr (yq_connector_get_name (connector), ==, "Hangzhou Municipal Office");
  g_assert_false (yq_connector_get_directory_readonly (connector));
  /* Empty secret rows kept the stored secrets. */
  app_secret = lookup_secret (fixture, id, YQ_CONNECTOR_SECRET_APP);
  directory_secret = lookup_secret (fixture, id, YQ_CONNECTOR_SECRET_DIRECTORY);
  g_assert_cmpstr (app_secret, ==, "yzj-app-secret-1");
  g_assert_cmpstr (directory_secret, ==, "yzj-directory-secret-1");
  g_clear_pointer (&app_secret, g_free);
  g_clear_pointer (&directory_secret, g_free);

  row = get_list_row (fixture, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Hangzhou Municipal Office");
  g_assert_false (gtk_widget_get_visible (CHILD (row, YQ_TYPE_CONNECTOR_ROW, "readonly_tag")));
  YQ_WAIT_FOR (fixture->service->reloads == 2);

  /* A secret typed while editing replaces the stored one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "connector.edit",
                                             "x", id));
  editor = (YqConnectorEditor *) yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);
  set_row_text (editor, "app_secret_row", "yzj-app-secret-2");
  save_editor (editor);
  wait_editor_closed ();
  app_secret = lookup_secret (fixture, id, YQ_CONNECTOR_SECRET_APP);
  directory_secret = lookup_secret (fixture, id, YQ_CONNECTOR_SECRET_DIRECTORY);
  g_assert_cmpstr (app_secret, ==, "yzj-app-secret-2");
  g_assert_cmpstr (directory_secret, ==, "yzj-directory-secret-1");
  g_clear_pointer (&app_secret, g_free);
  g_clear_pointer (&directory_secret, g_free);
  YQ_WAIT_FOR (fixture->service->reloads == 3);

  /* The secrets live in the secret store under the connector's keys. */
  app_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/app-secret", id);
  directory_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/directory-secret", id);
  app_secret = yq_secrets_lookup (yq_window_get_secrets (fixture->window), app_key, NULL);
  directory_secret = yq_secrets_lookup (yq_window_get_secrets (fixture->window), directory_key,
                                        NULL);
  g_assert_cmpstr (app_secret, ==, "yzj-app-secret-2");
  g_assert_cmpstr (directory_secret, ==, "yzj-directory-secret-1");
  g_clear_pointer (&app_secret, g_free);
  g_clear_pointer (&directory_secret, g_free);

  /* Delete asks first; cancelling keeps everything. */
  row = get_list_row (fixture, 0);
  yq_test_click (CHILD (row, YQ_TYPE_CONNECTOR_ROW, "delete_button"));
  dialog = (AdwMessageDialog *) yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Hangzhou Municipal Office"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "secrets"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  yq_test_respond (dialog, "cancel");
  YQ_WAIT_FOR (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL);
  g_clear_pointer (&connectors, g_ptr_array_unref);
  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 1);

  yq_test_click (CHILD (row, YQ_TYPE_CONNECTOR_ROW, "delete_button"));
  dialog = (AdwMessageDialog *) yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  yq_test_respond (dialog, "delete");
  YQ_WAIT_FOR (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) == NULL);

  g_clear_pointer (&connectors, g_ptr_array_unref);
  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 0);
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
  YQ_WAIT_FOR (fixture->service->reloads == 4);

  /* Its secrets went with it. */
  app_secret = yq_secrets_lookup (yq_window_get_secrets (fixture->window), app_key, NULL);
  directory_secret = yq_secrets_lookup (yq_window_get_secrets (fixture->window), directory_key,
                                        NULL);
  g_assert_null (app_secret);
  g_assert_null (directory_secret);
}

static void
test_secret_not_shown_on_edit (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_autoptr(GError) error = NULL;
  YqConnectorEditor *editor;
  GtkEditable *secret_row;

  yq_connector_set_name (connector, "Zhejiang");
  yq_connector_set_tenant_id (connector, "4455");
  yq_connector_set_app_key (connector, "zj-key");
  yq_connectors_save (yq_window_get_store (fixture->window),
                      yq_window_get_secrets (fixture->window),
                      connector, "the-stored-secret", NULL, &error);
  g_assert_no_error (error);
  yq_connectors_view_reload (fixture->view);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "connector.edit",
                                             "x", yq_connector_get_id (connector)));
  editor = (YqConnectorEditor *) yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);

  secret_row = CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "app_secret_row");
  g_assert_cmpstr (gtk_editable_get_text (secret_row), ==, "");
  /* 政务钉钉 has no directory secret. */
  g_assert_false (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                 "directory_secret_row")));
  g_assert_false (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                 "directory_secret_hint")));
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                "app_secret_hint")));
  g_assert_cmpstr (get_row_text (editor, "api_base_row"), ==,
                   "https://openplatform-pro.ding.zj.gov.cn");

  /* Nothing in the editor holds the secret. */
  for (GtkWidget *w = GTK_WIDGET (editor); w != NULL; )
    {
      if (GTK_IS_EDITABLE (w))
        g_assert_null (strstr (gtk_editable_get_text (GTK_EDITABLE (w)), "the-stored-secret"));
      if (GTK_IS_LABEL (w))
        g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (w)), "the-stored-secret"));

      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && w != GTK_WIDGET (editor) && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = (w == NULL || w == GTK_WIDGET (editor)) ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
}

static void
test_validation_bad_url (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  YqConnectorEditor *editor;
  GtkLabel *message;
  GtkWidget *focus;
  GtkWidget *api_row;

  editor = open_add_editor (fixture);
  fill_valid_zwdd (editor, "Bad URL");
  set_row_text (editor, "api_base_row", "ftp://openplatform.example.cn");
  save_editor (editor);

  /* The editor stays open and points at the one bad field. */
  g_assert_true (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR) == GTK_WINDOW (editor));
  api_row = CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "api_base_row");
  g_assert_true (row_has_error (editor, "api_base_row"));
  g_assert_false (row_has_error (editor, "name_row"));
  g_assert_false (row_has_error (editor, "tenant_row"));
  g_assert_false (row_has_error (editor, "app_key_row"));
  g_assert_false (row_has_error (editor, "app_secret_row"));
  message = CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "platform_error");
  g_assert_true (yq_test_label_shows (message, "https://"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  g_assert_false (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                 "credentials_error")));
  focus = gtk_root_get_focus (GTK_ROOT (editor));
  g_assert_nonnull (focus);
  g_assert_true (focus == api_row || gtk_widget_is_ancestor (focus, api_row));

  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 0);

  /* Fixing the field clears its message without another save. */
  set_row_text (editor, "api_base_row", "https://openplatform.example.cn");
  g_assert_false (row_has_error (editor, "api_base_row"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  /* A second field breaking shows up at once, too. */
  set_row_text (editor, "tenant_row", "not-a-number");
  g_assert_true (row_has_error (editor, "tenant_row"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  set_row_text (editor, "tenant_row", "196729");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  save_editor (editor);
  wait_editor_closed ();
  g_clear_pointer (&connectors, g_ptr_array_unref);
  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 1);
  g_assert_cmpstr (yq_connector_get_api_base (g_ptr_array_index (connectors, 0)), ==,
                   "https://openplatform.example.cn");
}

static void
test_validation_missing_fields (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  YqConnectorEditor *editor;
  GtkWidget *focus;

  editor = open_add_editor (fixture);
  save_editor (editor);

  g_assert_true (row_has_error (editor, "name_row"));
  g_assert_true (row_has_error (editor, "tenant_row"));
  g_assert_false (row_has_error (editor, "api_base_row"));
  g_assert_true (row_has_error (editor, "app_key_row"));
  g_assert_true (row_has_error (editor, "app_secret_row"));
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                "platform_error")));
  g_assert_true (gtk_widget_get_visible (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                "credentials_error")));

  /* The first invalid row in the form gets the focus. */
  focus = gtk_root_get_focus (GTK_ROOT (editor));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                       "name_row")));

  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 0);
}

static void
test_duplicate_name (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  YqConnectorEditor *editor;
  GtkLabel *error_label;

  editor = open_add_editor (fixture);
  fill_valid_zwdd (editor, "Provincial Office");
  save_editor (editor);
  wait_editor_closed ();

  editor = open_add_editor (fixture);
  fill_valid_zwdd (editor, "provincial office");
  save_editor (editor);

  /* The store refuses it; the reason stays on screen in the editor. */
  g_assert_true (yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR) == GTK_WINDOW (editor));
  g_assert_true (gtk_revealer_get_reveal_child (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                       "error_revealer")));
  error_label = CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "error_label");
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "provincial office"));
  g_assert_true (row_has_error (editor, "name_row"));

  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 1);

  /* Another name saves. */
  set_row_text (editor, "name_row", "City Office");
  g_assert_false (row_has_error (editor, "name_row"));
  save_editor (editor);
  wait_editor_closed ();
  g_clear_pointer (&connectors, g_ptr_array_unref);
  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 2);
}

static void
test_cancel_discards (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  YqConnectorEditor *editor;

  editor = open_add_editor (fixture);
  fill_valid_zwdd (editor, "Never Saved");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "window.close", NULL));
  wait_editor_closed ();

  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 0);
  g_assert_cmpstr (visible_page (fixture), ==, "empty");
}

static void
test_enter_saves (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  YqConnectorEditor *editor;
  GtkEditable *row;

  editor = open_add_editor (fixture);
  fill_valid_zwdd (editor, "Keyboard Only");

  /* Enter in any text row activates Save, the dialog's default. */
  row = CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "app_key_row");
  g_signal_emit_by_name (gtk_editable_get_delegate (row), "activate");
  wait_editor_closed ();

  connectors = list_connectors (fixture);
  g_assert_cmpuint (connectors->len, ==, 1);
  g_assert_cmpstr (yq_connector_get_name (g_ptr_array_index (connectors, 0)), ==, "Keyboard Only");
}

static void
test_preset_keeps_custom_address (Fixture       *fixture,
                                  gconstpointer  data)
{
  YqConnectorEditor *editor;
  AdwComboRow *preset_row;

  editor = open_add_editor (fixture);
  preset_row = CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR, "preset_row");

  g_assert_cmpstr (get_row_text (editor, "api_base_row"), ==, "https://openplatform.dg-work.cn");
  g_assert_cmpstr (adw_preferences_row_get_title (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                         "app_key_row")), ==,
                   yq_platform_kind_get_app_key_label (YQ_PLATFORM_KIND_ZWDD));

  adw_combo_row_set_selected (preset_row, YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_assert_cmpstr (get_row_text (editor, "api_base_row"), ==,
                   "https://openplatform-pro.ding.zj.gov.cn");

  /* A private deployment has no address to offer; the row stays editable. */
  adw_combo_row_set_selected (preset_row, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_assert_cmpstr (get_row_text (editor, "api_base_row"), ==, "");
  g_assert_true (gtk_widget_get_sensitive (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                  "api_base_row")));
  g_assert_cmpstr (adw_preferences_row_get_title (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                         "app_key_row")), ==,
                   yq_platform_kind_get_app_key_label (YQ_PLATFORM_KIND_YZJ));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (CHILD (editor, YQ_TYPE_CONNECTOR_EDITOR,
                                                            "qps_spin")), ==,
                   yq_platform_kind_get_default_qps (YQ_PLATFORM_KIND_YZJ));

  set_row_text (editor, "api_base_row", "https://yzj.intranet.example.cn");
  adw_combo_row_set_selected (preset_row, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_assert_cmpstr (get_row_text (editor, "api_base_row"), ==, "https://yzj.intranet.example.cn");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/connectors/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("empty-state", test_empty_state);
  ADD ("add-edit-delete", test_add_edit_delete);
  ADD ("secret-not-shown-on-edit", test_secret_not_shown_on_edit);
  ADD ("validation-bad-url", test_validation_bad_url);
  ADD ("validation-missing-fields", test_validation_missing_fields);
  ADD ("duplicate-name", test_duplicate_name);
  ADD ("cancel-discards", test_cancel_discards);
  ADD ("enter-saves", test_enter_saves);
  ADD ("preset-keeps-custom-address", test_preset_keeps_custom_address);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
