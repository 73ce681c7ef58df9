/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-binding-rule-editor.h"
#include "yq-bindings-import.h"
#include "yq-bindings-model.h"
#include "yq-bindings-view.h"
#include "yq-display-test.h"
#include "yq-window.h"
#include "yunqiao-core.h"

/* The Bindings view over a store with one connector, eight bridge people
 * and an OA directory: the list and its filters, binding and unbinding
 * from the person card, batch unbind with its confirmation and undo, and
 * the import assistant end to end on a spreadsheet saved by LibreOffice. */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

#define CONNECTOR_NAME "浙政钉"

typedef struct
{
  char           *data_dir;
  YqWindow       *window;
  YqBindingsView *view;
  YqStore        *store;
  gint64          connector;
} Fixture;

static void
put_person (Fixture    *fixture,
            const char *id,
            const char *name,
            const char *account_code,
            gboolean    active)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (id, name);
  g_autoptr(GError) error = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup ("d1");
  person->account_code = g_strdup (account_code);
  person->mobile = g_strdup_printf ("1380000%04u", (guint) (g_str_hash (id) % 10000));
  person->active = active;
  g_assert_true (yq_bridge_directory_put_person (fixture->store, fixture->connector, person,
                                                 &error));
  g_assert_no_error (error);
}

static void
add_oa_person (YqOaDirectory *oa,
               const char    *department,
               const char    *account,
               const char    *name,
               const char    *job_number)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (account, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department);
  person->account_code = g_strdup (account);
  person->job_number = g_strdup (job_number);
  added = yq_oa_directory_add_person (oa, person, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (added, ==, account);
}

static void
bind (Fixture    *fixture,
      const char *platform_id,
      const char *account)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_bridge_directory_bind_person (fixture->store, fixture->connector, platform_id,
                                                  account, YQ_BIND_SOURCE_MANUAL, &error));
  g_assert_no_error (error);
}

/* The OA account bound to @platform_id in the store, or NULL. */
static char *
bound_account (Fixture    *fixture,
               const char *platform_id)
{
  YqBindingFilter filter = { 0 };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  filter.search = platform_id;
  rows = yq_bindings_list (fixture->store, fixture->connector, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      YqBindingRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->platform_id, platform_id))
        return g_strdup (row->oa_account);
    }

  g_assert_not_reached ();
}

static guint
count_bound (Fixture *fixture)
{
  YqBindingFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  guint n = 0;

  filter.binding = YQ_BINDING_STATUS_BOUND;
  g_assert_true (yq_bindings_count (fixture->store, fixture->connector, &filter, &n, &error));
  g_assert_no_error (error);

  return n;
}

static void
wait_loaded (Fixture *fixture)
{
  yq_test_drain ();
  YQ_WAIT_FOR (!yq_bindings_view_get_loading (fixture->view) &&
               !yq_bindings_view_get_busy (fixture->view));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("d1", NULL, "总部");
  YqOrgDepartment oa_department = { 0 };
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autofree char *oa_top = NULL;
  g_autoptr(GError) error = NULL;

  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  fixture->store = yq_window_get_store (fixture->window);
  g_assert_nonnull (fixture->store);

  yq_connector_set_name (connector, CONNECTOR_NAME);
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app-key");
  yq_connectors_save (fixture->store, yq_window_get_secrets (fixture->window),
                      connector, "app-secret", NULL, &error);
  g_assert_no_error (error);
  fixture->connector = yq_connector_get_id (connector);

  /* The bridge: u001–u006 as in the import fixture, u007 holds zhaoliu,
   * u008 is disabled; u007 and u008 share a platform account. */
  g_assert_true (yq_bridge_directory_put_department (fixture->store, fixture->connector,
                                                     department, &error));
  g_assert_no_error (error);
  put_person (fixture, "u001", "张三", "zhangsan.p", TRUE);
  put_person (fixture, "u002", "李四", NULL, TRUE);
  put_person (fixture, "u003", "王五", NULL, TRUE);
  put_person (fixture, "u004", "赵六", NULL, TRUE);
  put_person (fixture, "u005", "钱七", NULL, TRUE);
  put_person (fixture, "u006", "孙八", NULL, TRUE);
  put_person (fixture, "u007", "周九", "shared.acct", TRUE);
  put_person (fixture, "u008", "吴十", "shared.acct", FALSE);

  oa = yq_builtin_oa_directory_new (fixture->store);
  oa_department.name = (char *) "总部";
  oa_department.active = TRUE;
  oa_top = yq_oa_directory_add_department (oa, &oa_department, &error);
  g_assert_no_error (error);
  add_oa_person (oa, oa_top, "zhangsan", "张三", "0001");
  add_oa_person (oa, oa_top, "lisi", "李四", "0002");
  add_oa_person (oa, oa_top, "wangwu", "王五", "0003");
  add_oa_person (oa, oa_top, "qianqi", "钱七", "0005");
  add_oa_person (oa, oa_top, "sunba", "孙八", "0006");
  add_oa_person (oa, oa_top, "zhaoliu", "赵六", "0004");

  bind (fixture, "u005", "qianqi");
  bind (fixture, "u006", "sunba");
  bind (fixture, "u007", "zhaoliu");

  yq_window_show_view (fixture->window, "bindings");
  fixture->view = CHILD (fixture->window, YQ_TYPE_WINDOW, "bindings_view");
  g_assert_true (YQ_IS_BINDINGS_VIEW (fixture->view));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
  yq_bindings_view_reload (fixture->view);
  g_assert_true (yq_bindings_view_select_connector (fixture->view, fixture->connector));
  wait_loaded (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWindow *assistant;

  while ((assistant = yq_test_find_window (YQ_TYPE_BINDINGS_IMPORT)) != NULL)
    yq_test_destroy_window (assistant);
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

static guint
n_people (Fixture *fixture)
{
  return g_list_model_get_n_items (yq_bindings_view_get_people (fixture->view));
}

static const YqBindingRow *
person_at (Fixture *fixture,
           guint    position)
{
  GListModel *people = yq_bindings_view_get_people (fixture->view);
  g_autoptr(YqBindingItem) item = g_list_model_get_item (people, position);

  /* The list holds the rows; the item only points into them. */
  return yq_binding_item_get_row (item);
}

/* ---- The list ------------------------------------------------------------ */

static void
test_list_filters (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkLabel *count_label = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "count_label");
  GtkStack *list_stack = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "list_stack");

  g_assert_cmpuint (n_people (fixture), ==, 8);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack), ==, "list");
  g_assert_cmpstr (person_at (fixture, 0)->platform_id, ==, "u001");
  g_assert_cmpstr (person_at (fixture, 0)->name, ==, "张三");
  g_assert_null (person_at (fixture, 0)->oa_account);
  g_assert_cmpstr (person_at (fixture, 4)->oa_account, ==, "qianqi");
  g_assert_true (yq_test_label_shows (count_label, "8"));

  /* Unbound: everyone but u005–u007. */
  yq_bindings_view_set_filter (fixture->view, YQ_BINDINGS_VIEW_UNBOUND);
  wait_loaded (fixture);
  g_assert_cmpuint (n_people (fixture), ==, 5);
  for (guint i = 0; i < n_people (fixture); i++)
    g_assert_null (person_at (fixture, i)->oa_account);
  g_assert_true (gtk_toggle_button_get_active (CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW,
                                                      "unbound_button")));

  yq_bindings_view_set_filter (fixture->view, YQ_BINDINGS_VIEW_BOUND);
  wait_loaded (fixture);
  g_assert_cmpuint (n_people (fixture), ==, 3);

  yq_bindings_view_set_filter (fixture->view, YQ_BINDINGS_VIEW_DISABLED);
  wait_loaded (fixture);
  g_assert_cmpuint (n_people (fixture), ==, 1);
  g_assert_cmpstr (person_at (fixture, 0)->platform_id, ==, "u008");

  /* The search and the filter combine; nothing found shows the empty page. */
  yq_bindings_view_set_filter (fixture->view, YQ_BINDINGS_VIEW_ALL);
  yq_bindings_view_set_search (fixture->view, "李四");
  wait_loaded (fixture);
  g_assert_cmpuint (n_people (fixture), ==, 1);
  g_assert_cmpstr (person_at (fixture, 0)->platform_id, ==, "u002");
  yq_bindings_view_set_search (fixture->view, "nobody-has-this");
  wait_loaded (fixture);
  g_assert_cmpuint (n_people (fixture), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (list_stack), ==, "empty");
}

/* ---- The person card ----------------------------------------------------- */

/* The first button labelled @label in the OA matches of the card. */
static GtkWidget *
wait_oa_button (Fixture    *fixture,
                const char *search,
                const char *label)
{
  GtkEditable *entry = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "oa_search_entry");
  GtkWidget *oa_list = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "oa_list");

  gtk_editable_set_text (entry, search);
  g_signal_emit_by_name (entry, "search-changed");
  YQ_WAIT_FOR (yq_test_find_button (oa_list, label) != NULL);

  return yq_test_find_button (oa_list, label);
}

static void
test_card_bind_unbind (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkStack *card_stack = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "card_stack");
  GtkWidget *oa_list = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "oa_list");
  GtkLabel *card_binding = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "card_binding");
  GtkWidget *unbind_button = CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "unbind_button");
  g_autoptr(GString) labels = g_string_new (NULL);
  g_autofree char *account = NULL;
  GtkWidget *button;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (card_stack), ==, "none");
  g_assert_true (yq_bindings_view_select_person (fixture->view, "u002"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (card_stack), ==, "person");
  g_assert_true (yq_test_label_shows (CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "card_name"),
                                      "李四"));
  g_assert_false (gtk_widget_get_visible (unbind_button));

  /* A conflict shows before anyone tries: zhaoliu is u007's. */
  button = wait_oa_button (fixture, "赵六", "Bind");
  g_assert_false (gtk_widget_get_sensitive (button));
  yq_test_collect_labels (oa_list, labels);
  g_assert_nonnull (strstr (labels->str, "周九 (u007)"));

  /* Search by job number, bind. */
  button = wait_oa_button (fixture, "0002", "Bind");
  g_assert_true (gtk_widget_get_sensitive (button));
  yq_test_click (button);
  wait_loaded (fixture);
  account = bound_account (fixture, "u002");
  g_assert_cmpstr (account, ==, "lisi");
  /* The card still shows the person, now bound. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (card_stack), ==, "person");
  g_assert_true (yq_test_label_shows (card_binding, "lisi"));
  g_assert_true (gtk_widget_get_visible (unbind_button));

  /* Unbind from the card. */
  yq_test_click (unbind_button);
  wait_loaded (fixture);
  g_clear_pointer (&account, g_free);
  account = bound_account (fixture, "u002");
  g_assert_null (account);
  g_assert_false (gtk_widget_get_visible (unbind_button));
  g_assert_cmpuint (count_bound (fixture), ==, 3);
}

/* ---- Batch unbind --------------------------------------------------------- */

static void
test_batch_unbind (Fixture       *fixture,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;

  g_assert_cmpuint (count_bound (fixture), ==, 3);

  /* Cancel keeps the bindings. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "bindings.unbind-all",
                                             NULL));
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), CONNECTOR_NAME));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), CONNECTOR_NAME));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), " 3 "));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "unbind"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  yq_test_respond (dialog, "cancel");
  wait_loaded (fixture);
  g_assert_cmpuint (count_bound (fixture), ==, 3);

  /* Unbind removes them all. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "bindings.unbind-all",
                                             NULL));
  dialog = yq_test_wait_message_dialog ();
  yq_test_respond (dialog, "unbind");
  YQ_WAIT_FOR (!yq_bindings_view_get_busy (fixture->view));
  wait_loaded (fixture);
  g_assert_cmpuint (count_bound (fixture), ==, 0);
  for (guint i = 0; i < n_people (fixture); i++)
    g_assert_null (person_at (fixture, i)->oa_account);

  /* What the toast's Undo button does. */
  history = yq_bindings_history (fixture->store, fixture->connector, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpstr (((YqBindingChangeSet *) history->pdata[0])->kind, ==, "unbind-all");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "bindings.undo", "x",
                                             ((YqBindingChangeSet *) history->pdata[0])->id));
  YQ_WAIT_FOR (!yq_bindings_view_get_busy (fixture->view));
  wait_loaded (fixture);
  g_assert_cmpuint (count_bound (fixture), ==, 3);
  account = bound_account (fixture, "u005");
  g_assert_cmpstr (account, ==, "qianqi");
  g_assert_cmpstr (person_at (fixture, 4)->oa_account, ==, "qianqi");
}

/* ---- Auto-bind ------------------------------------------------------------ */

static void
test_auto_bind (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(YqOaDirectory) oa = yq_builtin_oa_directory_new (fixture->store);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(YqOrgPerson) wangwu = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  YqPersonField platform_field;
  YqPersonField oa_field;
  AdwMessageDialog *dialog;
  GtkWidget *editor;

  /* The rule is mobile = mobile; only 王五 has the same mobile on both sides. */
  snapshot = yq_oa_directory_snapshot (oa, &error);
  g_assert_no_error (error);
  wangwu = yq_org_person_copy (yq_org_snapshot_lookup_person (snapshot, "wangwu"));
  g_free (wangwu->mobile);
  g_assert_true (yq_bindings_view_select_person (fixture->view, "u003"));
  wangwu->mobile = g_strdup (person_at (fixture, 2)->mobile);
  g_assert_true (yq_oa_directory_update_person (oa, wangwu, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "bindings.auto-bind",
                                             NULL));
  dialog = yq_test_wait_message_dialog ();
  editor = adw_message_dialog_get_extra_child (dialog);
  g_assert_true (YQ_IS_BINDING_RULE_EDITOR (editor));
  yq_binding_rule_editor_get_rule (YQ_BINDING_RULE_EDITOR (editor), &platform_field, &oa_field);
  g_assert_cmpint (platform_field, ==, YQ_PERSON_FIELD_MOBILE);
  g_assert_cmpint (oa_field, ==, YQ_PERSON_FIELD_MOBILE);
  yq_test_respond (dialog, "bind");
  YQ_WAIT_FOR (!yq_bindings_view_get_busy (fixture->view));
  wait_loaded (fixture);

  account = bound_account (fixture, "u003");
  g_assert_cmpstr (account, ==, "wangwu");
  g_assert_cmpuint (count_bound (fixture), ==, 4);
  g_assert_cmpint (person_at (fixture, 2)->bind_source, ==, YQ_BIND_SOURCE_RULE);
  /* The card follows. */
  g_assert_true (yq_test_label_shows (CHILD (fixture->view, YQ_TYPE_BINDINGS_VIEW, "card_binding"),
                                      "wangwu"));
}

/* ---- The import assistant ------------------------------------------------- */

static guint
n_shown_rows (YqBindingsImport      *assistant,
              YqBindingImportStatus  status)
{
  GtkToggleButton *button = yq_bindings_import_get_status_button (assistant, status);

  yq_test_click (GTK_WIDGET (button));
  g_assert_true (gtk_toggle_button_get_active (button));

  return g_list_model_get_n_items (yq_bindings_import_get_rows (assistant));
}

static void
test_import (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (YQ_TEST_FIXTURES_DIR,
                                            "bindings-import-libreoffice.xlsx", NULL);
  g_autofree char *report_path = g_build_filename (fixture->data_dir, "rejected.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) report = g_file_new_for_path (report_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *account = NULL;
  YqBindingsImport *assistant;
  YqBindingImportPreview *preview;
  YqBindingResult *result;
  GtkWidget *undo_button;

  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  assistant = yq_bindings_view_open_import (fixture->view);
  g_assert_nonnull (assistant);
  g_assert_true (yq_test_find_window (YQ_TYPE_BINDINGS_IMPORT) == GTK_WINDOW (assistant));
  g_assert_cmpstr (yq_bindings_import_get_page (assistant), ==, "field");
  yq_bindings_import_set_field (assistant, YQ_BINDING_KEY_JOB_NUMBER);
  g_assert_cmpint (yq_bindings_import_get_field (assistant), ==, YQ_BINDING_KEY_JOB_NUMBER);
  yq_bindings_import_set_field (assistant, YQ_BINDING_KEY_ACCOUNT);
  g_assert_cmpint (yq_bindings_import_get_field (assistant), ==, YQ_BINDING_KEY_ACCOUNT);

  /* What the file chooser does. */
  yq_bindings_import_set_file (assistant, file);
  YQ_WAIT_FOR (g_strcmp0 (yq_bindings_import_get_page (assistant), "working") != 0);
  g_assert_null (yq_bindings_import_get_error (assistant));
  g_assert_cmpstr (yq_bindings_import_get_page (assistant), ==, "preview");

  /* Rows with an empty key are left out: 9 of the file's 11. Three bind;
   * u005 and u006 are bound already; u999 is not in the bridge; nosuchoa
   * not in the OA; shared.acct is the platform account of u007 and u008;
   * the last row names u001 a second time. */
  preview = yq_bindings_import_get_preview (assistant);
  g_assert_nonnull (preview);
  g_assert_cmpuint (preview->items->len, ==, 9);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_WILL_BIND], ==, 3);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_ALREADY_BOUND], ==, 2);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_BOUND_TO_OTHER], ==, 0);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_NOT_FOUND], ==, 2);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_AMBIGUOUS], ==, 1);
  g_assert_cmpuint (preview->counts[YQ_BINDING_IMPORT_INVALID], ==, 1);

  /* The count buttons filter the table. */
  g_assert_cmpuint (g_list_model_get_n_items (yq_bindings_import_get_rows (assistant)), ==, 9);
  for (guint status = 0; status < YQ_N_BINDING_IMPORT_STATUSES; status++)
    if (preview->counts[status] > 0)
      g_assert_cmpuint (n_shown_rows (assistant, status), ==, preview->counts[status]);
  g_assert_false (gtk_widget_get_sensitive (
    GTK_WIDGET (yq_bindings_import_get_status_button (assistant,
                                                     YQ_BINDING_IMPORT_BOUND_TO_OTHER))));
  g_assert_cmpuint (n_shown_rows (assistant, YQ_N_BINDING_IMPORT_STATUSES), ==, 9);

  /* Nothing is bound before Apply. */
  g_assert_cmpuint (count_bound (fixture), ==, 3);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (assistant), "import.apply", NULL));
  YQ_WAIT_FOR (g_strcmp0 (yq_bindings_import_get_page (assistant), "report") == 0);
  result = yq_bindings_import_get_result (assistant);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->changes->len, ==, 3);
  g_assert_cmpuint (count_bound (fixture), ==, 6);
  account = bound_account (fixture, "u001");
  g_assert_cmpstr (account, ==, "zhangsan");
  g_clear_pointer (&account, g_free);
  account = bound_account (fixture, "u003");
  g_assert_cmpstr (account, ==, "wangwu");
  g_clear_pointer (&account, g_free);

  /* The view follows. */
  wait_loaded (fixture);
  g_assert_cmpstr (person_at (fixture, 1)->oa_account, ==, "lisi");

  /* The rejected rows, with their reasons. */
  g_assert_true (gtk_widget_get_visible (CHILD (assistant, YQ_TYPE_BINDINGS_IMPORT,
                                                "save_rejected_button")));
  g_assert_true (yq_bindings_import_save_rejected (assistant, report, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (report_path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (csv, "nosuchoa"));
  g_assert_nonnull (strstr (csv, "shared.acct"));
  g_assert_nonnull (strstr (csv, "u999"));
  g_assert_null (strstr (csv, "lisi"));

  /* Undo from the report page. */
  undo_button = CHILD (assistant, YQ_TYPE_BINDINGS_IMPORT, "undo_button");
  g_assert_true (gtk_widget_get_visible (undo_button));
  yq_test_click (undo_button);
  YQ_WAIT_FOR (g_strcmp0 (yq_bindings_import_get_page (assistant), "report") == 0 &&
               !gtk_widget_get_visible (undo_button));
  g_assert_cmpuint (count_bound (fixture), ==, 3);
  account = bound_account (fixture, "u001");
  g_assert_null (account);
  wait_loaded (fixture);
  g_assert_null (person_at (fixture, 1)->oa_account);
}

/* A file that is not a spreadsheet: the assistant stays on the first
 * page and says what went wrong. */
static void
test_import_bad_file (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "not-a-sheet.xlsx", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  YqBindingsImport *assistant;

  g_assert_true (g_file_set_contents (path, "hello", -1, &error));
  g_assert_no_error (error);

  assistant = yq_bindings_view_open_import (fixture->view);
  yq_bindings_import_set_file (assistant, file);
  YQ_WAIT_FOR (g_strcmp0 (yq_bindings_import_get_page (assistant), "working") != 0);
  g_assert_cmpstr (yq_bindings_import_get_page (assistant), ==, "field");
  g_assert_nonnull (yq_bindings_import_get_error (assistant));
  g_assert_null (yq_bindings_import_get_preview (assistant));
  g_assert_false (gtk_widget_get_visible (CHILD (assistant, YQ_TYPE_BINDINGS_IMPORT,
                                                 "apply_button")));
  g_assert_cmpuint (count_bound (fixture), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  yq_test_init (&argc, &argv);

  g_test_add ("/bindings/list-filters", Fixture, NULL,
              fixture_setup, test_list_filters, fixture_teardown);
  g_test_add ("/bindings/card-bind-unbind", Fixture, NULL,
              fixture_setup, test_card_bind_unbind, fixture_teardown);
  g_test_add ("/bindings/auto-bind", Fixture, NULL,
              fixture_setup, test_auto_bind, fixture_teardown);
  g_test_add ("/bindings/batch-unbind", Fixture, NULL,
              fixture_setup, test_batch_unbind, fixture_teardown);
  g_test_add ("/bindings/import", Fixture, NULL,
              fixture_setup, test_import, fixture_teardown);
  g_test_add ("/bindings/import-bad-file", Fixture, NULL,
              fixture_setup, test_import_bad_file, fixture_teardown);

  return g_test_run ();
}
