/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-display-test.h"
#include "yq-history-run.h"
#include "yq-history-view.h"
#include "yq-plan.h"
#include "yq-run-dialog.h"
#include "yq-sync-runs.h"
#include "yunqiao-core.h"

/* The sync history: the runs of one or all connectors, newest first,
 * searchable, each opening its details with its searchable journal. */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

typedef struct
{
  char          *data_dir;
  YqStore       *store;
  YqSecrets     *secrets;
  GtkWindow     *window;
  YqHistoryView *view;
  gint64         hangzhou;
  gint64         beijing;
} Fixture;

static gint64
add_connector (Fixture    *fixture,
               const char *name,
               const char *tenant)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_autoptr(GError) error = NULL;

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, tenant);
  yq_connector_set_app_key (connector, "app-key");
  g_assert_true (yq_connectors_save (fixture->store, fixture->secrets, connector, "app-secret",
                                     "dir-secret", &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = yq_test_make_data_dir ();
  fixture->store = yq_store_open_in_dir (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->secrets = yq_secrets_new_for_data_dir (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->hangzhou = add_connector (fixture, "Hangzhou Office", "10109");
  fixture->beijing = add_connector (fixture, "Beijing Branch", "10110");

  fixture->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (fixture->window, 1000, 600);
  fixture->view = g_object_new (YQ_TYPE_HISTORY_VIEW, NULL);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->view));
  gtk_window_present (fixture->window);
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  yq_test_destroy_window (fixture->window);
  g_clear_object (&fixture->window);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

/* ---- Helpers ------------------------------------------------------------ */

/* A run of @n_ops operations named "Item N"; the last @n_failed fail. */
static gint64
create_run (Fixture         *fixture,
            gint64           connector,
            YqSyncDirection  direction,
            guint            n_ops,
            guint            n_failed,
            YqSyncRunState   state,
            const char      *warning,
            const char      *errors_json)
{
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = yq_plan_new ();
  g_autoptr(GError) error = NULL;
  YqPlanCounts *counts;
  gint64 run;

  g_assert_cmpuint (n_failed, <=, n_ops);
  counts = yq_plan_get_counts_mut (plan);
  for (guint i = 0; i < n_ops; i++)
    {
      YqPlanOpKind kind = i % 3 == 0 ? YQ_PLAN_OP_UPDATE_PERSON : YQ_PLAN_OP_CREATE_DEPARTMENT;
      YqPlanOp *op = yq_plan_op_new (kind);

      op->source_id = g_strdup_printf ("src-%u", i);
      op->name = g_strdup_printf ("Item %u", i);
      yq_plan_add_op (plan, op);
      counts->ops[kind]++;
    }
  if (warning != NULL)
    yq_plan_add_warning (plan, YQ_PLAN_WARNING_DUPLICATE_DEPARTMENT, "d1", warning);

  run = yq_sync_runs_create (fixture->store, connector, direction, profile, FALSE, plan, &error);
  g_assert_no_error (error);
  if (n_ops > n_failed)
    g_assert_true (yq_sync_runs_mark_ops (fixture->store, run, 0, n_ops - n_failed,
                                          YQ_SYNC_OP_DONE, "new-id-1", NULL, &error));
  if (n_failed > 0)
    g_assert_true (yq_sync_runs_mark_ops (fixture->store, run, n_ops - n_failed, n_failed,
                                          YQ_SYNC_OP_FAILED, NULL, "the mobile number is taken",
                                          &error));
  g_assert_true (yq_sync_runs_finish (fixture->store, run, state, errors_json, &error));
  g_assert_no_error (error);

  return run;
}

/* Three runs, oldest first: a refresh of Hangzhou, a failed sync of
 * Beijing, a sync of Hangzhou with a failed operation and a warning. */
static void
create_history (Fixture *fixture,
                gint64   runs[3])
{
  runs[0] = create_run (fixture, fixture->hangzhou, YQ_SYNC_DIRECTION_FROM_PLATFORM, 2, 0,
                        YQ_SYNC_RUN_APPLIED, NULL, NULL);
  runs[1] = create_run (fixture, fixture->beijing, YQ_SYNC_DIRECTION_TO_OA, 0, 0,
                        YQ_SYNC_RUN_FAILED, NULL,
                        "[\"Could not read the OA directory: connection refused\"]");
  runs[2] = create_run (fixture, fixture->hangzhou, YQ_SYNC_DIRECTION_TO_OA, 4, 1,
                        YQ_SYNC_RUN_APPLIED, "Two departments are called 财务处",
                        "[\"Could not update 张三: the mobile number is taken\"]");
}

static GListModel *
model (Fixture *fixture)
{
  return yq_history_view_get_model (fixture->view);
}

static gint64
run_at (Fixture *fixture,
        guint    position)
{
  g_autoptr(YqHistoryRun) run = g_list_model_get_item (model (fixture), position);

  g_assert_nonnull (run);
  return yq_history_run_get_id (run);
}

static const char *
visible_page (gpointer    widget,
              GType       type,
              const char *stack)
{
  return gtk_stack_get_visible_child_name (CHILD (widget, type, stack));
}

static GtkWidget *
find_label (gpointer    root,
            const char *text)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
        g_str_equal (gtk_label_get_text (GTK_LABEL (w)), text))
      return w;

  return NULL;
}

static guint
count_labels (gpointer root)
{
  guint n = 0;

  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    n += GTK_IS_LABEL (w);

  return n;
}

typedef struct
{
  const char *text;
  gboolean    changed;
} SearchWait;

static void
search_changed_cb (GtkSearchEntry *entry,
                   SearchWait     *wait)
{
  /* Clearing the text first reports the empty search at once. */
  if (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), wait->text))
    wait->changed = TRUE;
}

/* Types into a search entry and waits for its (delayed) search-changed. */
static void
search (gpointer    entry,
        const char *text)
{
  SearchWait wait = { text, FALSE };
  gulong handler = g_signal_connect (entry, "search-changed", G_CALLBACK (search_changed_cb),
                                     &wait);

  if (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), text))
    wait.changed = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  YQ_WAIT_FOR (wait.changed);
  g_signal_handler_disconnect (entry, handler);
}

/* Activates the row as a double click or Enter does. */
static YqRunDialog *
open_run (Fixture *fixture,
          guint    position)
{
  GtkColumnView *view = CHILD (fixture->view, YQ_TYPE_HISTORY_VIEW, "column_view");
  YqRunDialog *dialog;

  g_signal_emit_by_name (view, "activate", position);
  dialog = (YqRunDialog *) yq_test_find_window (YQ_TYPE_RUN_DIALOG);
  g_assert_nonnull (dialog);
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == fixture->window);

  return dialog;
}

static GListModel *
dialog_ops (YqRunDialog *dialog)
{
  return CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_filter_model");
}

/* ---- Tests ---------------------------------------------------------------- */

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  yq_history_view_set_store (fixture->view, fixture->store);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 0);
  g_assert_cmpstr (visible_page (fixture->view, YQ_TYPE_HISTORY_VIEW, "stack"), ==, "empty");
  g_assert_nonnull (find_label (fixture->view, "No sync runs yet"));

  /* A run appears on reload. */
  create_run (fixture, fixture->beijing, YQ_SYNC_DIRECTION_TO_OA, 1, 0, YQ_SYNC_RUN_APPLIED,
              NULL, NULL);
  yq_history_view_reload (fixture->view);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpstr (visible_page (fixture->view, YQ_TYPE_HISTORY_VIEW, "stack"), ==, "runs");
}

static void
test_rows (Fixture       *fixture,
           gconstpointer  data)
{
  GtkColumnViewColumn *connector_column =
    CHILD (fixture->view, YQ_TYPE_HISTORY_VIEW, "connector_column");
  g_autoptr(YqHistoryRun) newest = NULL;
  gint64 runs[3];
  GtkWidget *result;

  create_history (fixture, runs);
  yq_history_view_set_store (fixture->view, fixture->store);

  /* Every connector, newest first. */
  g_assert_cmpint (yq_history_view_get_connector (fixture->view), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 3);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[2]);
  g_assert_cmpint (run_at (fixture, 1), ==, runs[1]);
  g_assert_cmpint (run_at (fixture, 2), ==, runs[0]);
  g_assert_true (gtk_column_view_column_get_visible (connector_column));

  newest = g_list_model_get_item (model (fixture), 0);
  g_assert_cmpstr (yq_history_run_get_connector_name (newest), ==, "Hangzhou Office");
  /* 4 operations: Item 0 and 3 update people, 1 and 2 create departments. */
  g_assert_cmpstr (yq_history_run_get_short_counts (newest), ==, "+2 ~2");
  g_assert_cmpstr (yq_history_run_get_counts_text (newest), ==,
                   "2 departments created, 2 people updated");
  g_assert_cmpstr (yq_history_run_get_result_class (newest), ==, "warning");

  /* The cells show it. */
  YQ_WAIT_FOR (find_label (fixture->view, "Beijing Branch") != NULL);
  g_assert_nonnull (find_label (fixture->view, "Hangzhou Office"));
  g_assert_nonnull (find_label (fixture->view, "+2 ~2"));
  g_assert_nonnull (find_label (fixture->view, "Refresh"));
  g_assert_nonnull (find_label (fixture->view, "Refresh from Platform"));
  g_assert_nonnull (find_label (fixture->view, "Sync to OA"));
  result = find_label (fixture->view, "Failed");
  g_assert_nonnull (result);
  g_assert_true (gtk_widget_has_css_class (result, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (find_label (fixture->view, "+2 ~2")), ==,
                   "2 departments created, 2 people updated");

  /* One connector: its runs only, without the connector column. */
  yq_history_view_set_connector (fixture->view, fixture->hangzhou);
  g_assert_cmpint (yq_history_view_get_connector (fixture->view), ==, fixture->hangzhou);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 2);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[2]);
  g_assert_cmpint (run_at (fixture, 1), ==, runs[0]);
  g_assert_false (gtk_column_view_column_get_visible (connector_column));

  yq_history_view_set_connector (fixture->view, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 3);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  gpointer entry = CHILD (fixture->view, YQ_TYPE_HISTORY_VIEW, "search_entry");
  gint64 runs[3];

  create_history (fixture, runs);
  yq_history_view_set_store (fixture->view, fixture->store);

  /* Connector name, any case. */
  search (entry, "beijing");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[1]);

  /* Direction. */
  search (entry, "Refresh from");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[0]);

  /* State. */
  search (entry, "failed");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[1]);

  /* A warning, and an error. */
  search (entry, "财务处");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[2]);
  search (entry, "CONNECTION REFUSED");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpint (run_at (fixture, 0), ==, runs[1]);

  /* Nothing matches. */
  search (entry, "no such thing");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 0);
  g_assert_cmpstr (visible_page (fixture->view, YQ_TYPE_HISTORY_VIEW, "stack"), ==,
                   "no-results");

  /* The search stays across a reload. */
  search (entry, "hangzhou");
  yq_history_view_reload (fixture->view);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 2);

  search (entry, "");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 3);
  g_assert_cmpstr (visible_page (fixture->view, YQ_TYPE_HISTORY_VIEW, "stack"), ==, "runs");
}

static void
test_reload_keeps_selection (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkSingleSelection *selection = CHILD (fixture->view, YQ_TYPE_HISTORY_VIEW, "selection");
  gint64 runs[3];
  gint64 newer;

  create_history (fixture, runs);
  yq_history_view_set_store (fixture->view, fixture->store);
  gtk_single_selection_set_selected (selection, 1);
  g_assert_cmpint (run_at (fixture, 1), ==, runs[1]);

  newer = create_run (fixture, fixture->beijing, YQ_SYNC_DIRECTION_TO_OA, 1, 0,
                      YQ_SYNC_RUN_APPLIED, NULL, NULL);
  yq_history_view_reload (fixture->view);
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 4);
  g_assert_cmpint (run_at (fixture, 0), ==, newer);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 2);
  g_assert_cmpint (yq_history_run_get_id (gtk_single_selection_get_selected_item (selection)),
                   ==, runs[1]);
}

static void
test_open_run (Fixture       *fixture,
               gconstpointer  data)
{
  gint64 runs[3];
  YqRunDialog *dialog;
  gpointer ops_search;
  GtkDropDown *state;

  create_history (fixture, runs);
  yq_history_view_set_store (fixture->view, fixture->store);

  dialog = open_run (fixture, 0);
  g_assert_cmpint (yq_run_dialog_get_run_id (dialog), ==, runs[2]);
  g_assert_cmpstr (visible_page (dialog, YQ_TYPE_RUN_DIALOG, "stack"), ==, "details");
  g_assert_cmpstr (adw_action_row_get_subtitle (CHILD (dialog, YQ_TYPE_RUN_DIALOG,
                                                       "connector_row")), ==, "Hangzhou Office");

  /* The journal, by seq. */
  adw_view_stack_set_visible_child_name (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "view_stack"),
                                         "operations");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 4);
  g_assert_cmpstr (visible_page (dialog, YQ_TYPE_RUN_DIALOG, "ops_stack"), ==, "list");
  YQ_WAIT_FOR (find_label (dialog, "Create department “Item 1”") != NULL);
  g_assert_nonnull (find_label (dialog, "new-id-1"));
  g_assert_nonnull (find_label (dialog, "the mobile number is taken"));
  g_assert_true (gtk_widget_has_css_class (find_label (dialog, "the mobile number is taken"),
                                           "error"));

  /* Search by text. */
  ops_search = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_search_entry");
  search (ops_search, "item 2");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 1);
  search (ops_search, "mobile number");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 1);
  search (ops_search, "");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 4);

  /* By state. */
  state = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_state_dropdown");
  gtk_drop_down_set_selected (state, 1);
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 1);
  {
    g_autoptr(GObject) op = g_list_model_get_item (dialog_ops (dialog), 0);

    g_assert_nonnull (op);
  }
  YQ_WAIT_FOR (find_label (dialog, "Update person “Item 3”") != NULL);
  gtk_drop_down_set_selected (state, 2);
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 3);
  gtk_drop_down_set_selected (state, 4);
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 0);
  g_assert_cmpstr (visible_page (dialog, YQ_TYPE_RUN_DIALOG, "ops_stack"), ==, "empty");

  /* Both together. */
  gtk_drop_down_set_selected (state, 2);
  search (ops_search, "item 3");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 0);
  search (ops_search, "item 1");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (dialog));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_RUN_DIALOG) == NULL);

  /* A run without operations says so. */
  dialog = open_run (fixture, 1);
  g_assert_cmpint (yq_run_dialog_get_run_id (dialog), ==, runs[1]);
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 0);
  g_assert_cmpstr (visible_page (dialog, YQ_TYPE_RUN_DIALOG, "ops_stack"), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (CHILD (dialog, YQ_TYPE_RUN_DIALOG,
                                                     "ops_empty_page")), ==, "No Operations");
}

/* A preview is a row of its own kind; its report says it changed nothing. */
static void
test_preview (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = yq_plan_new ();
  g_autoptr(YqHistoryRun) top = NULL;
  g_autoptr(GError) error = NULL;
  gpointer entry = CHILD (fixture->view, YQ_TYPE_HISTORY_VIEW, "search_entry");
  YqRunDialog *dialog;
  AdwStatusPage *empty;
  gint64 runs[3];
  gint64 preview;

  create_history (fixture, runs);
  for (guint i = 0; i < 3; i++)
    {
      YqPlanOp *op = yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT);

      op->source_id = g_strdup_printf ("src-%u", i);
      op->name = g_strdup_printf ("Planned %u", i);
      yq_plan_add_op (plan, op);
      yq_plan_get_counts_mut (plan)->ops[YQ_PLAN_OP_CREATE_DEPARTMENT]++;
    }
  preview = yq_sync_runs_record_preview (fixture->store, fixture->beijing,
                                         YQ_SYNC_DIRECTION_TO_OA, profile, FALSE, plan, &error);
  g_assert_no_error (error);
  yq_history_view_set_store (fixture->view, fixture->store);

  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 4);
  g_assert_cmpint (run_at (fixture, 0), ==, preview);
  top = g_list_model_get_item (model (fixture), 0);
  g_assert_true (yq_history_run_get_dry_run (top));
  g_assert_cmpint (yq_history_run_get_state (top), ==, YQ_SYNC_RUN_PREVIEWED);
  g_assert_cmpstr (yq_history_run_get_kind_label (top), ==, "Preview");
  g_assert_cmpstr (yq_history_run_get_short_counts (top), ==, "+3");
  g_assert_cmpstr (yq_history_run_get_counts_text (top), ==, "3 departments to create");
  /* The applies keep their kinds. */
  {
    g_autoptr(YqHistoryRun) apply = g_list_model_get_item (model (fixture), 1);
    g_autoptr(YqHistoryRun) refresh = g_list_model_get_item (model (fixture), 3);

    g_assert_false (yq_history_run_get_dry_run (apply));
    g_assert_cmpstr (yq_history_run_get_kind_label (apply), ==, "Apply");
    g_assert_cmpstr (yq_history_run_get_kind_label (refresh), ==, "Refresh");
  }

  /* The cells show it. */
  YQ_WAIT_FOR (find_label (fixture->view, "Preview") != NULL);
  g_assert_nonnull (find_label (fixture->view, "Previewed"));

  /* The search finds it by its kind, translated or not. */
  search (entry, "preview");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  g_assert_cmpint (run_at (fixture, 0), ==, preview);
  search (entry, "dry-run");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 1);
  search (entry, "");
  g_assert_cmpuint (g_list_model_get_n_items (model (fixture)), ==, 4);

  /* Its report: planned operations, and no journal. */
  dialog = open_run (fixture, 0);
  g_assert_cmpint (yq_run_dialog_get_run_id (dialog), ==, preview);
  g_assert_cmpstr (adw_action_row_get_subtitle (CHILD (dialog, YQ_TYPE_RUN_DIALOG,
                                                       "state_row")), ==, "Previewed");
  g_assert_cmpstr (adw_action_row_get_subtitle (CHILD (dialog, YQ_TYPE_RUN_DIALOG,
                                                       "operations_row")), ==,
                   "3 operations planned; a preview changes nothing");
  adw_view_stack_set_visible_child_name (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "view_stack"),
                                         "operations");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 0);
  g_assert_cmpstr (visible_page (dialog, YQ_TYPE_RUN_DIALOG, "ops_stack"), ==, "empty");
  empty = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_empty_page");
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "A Preview Changes Nothing");
  g_assert_nonnull (strstr (adw_status_page_get_description (empty), "no journal"));
  g_assert_false (gtk_widget_get_sensitive (CHILD (dialog, YQ_TYPE_RUN_DIALOG,
                                                   "ops_search_entry")));
  {
    GtkWidget *changes = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "changes_list");
    GtkWidget *group = gtk_widget_get_ancestor (changes, ADW_TYPE_PREFERENCES_GROUP);

    g_assert_nonnull (group);
    g_assert_cmpstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (group)), ==,
                     "What the preview planned. Nothing was changed.");
  }
}

/* Thousands of operations: filtered in the model, drawn only as far as
 * they are visible. */
static void
test_many_operations (Fixture       *fixture,
                      gconstpointer  data)
{
  gint64 run = create_run (fixture, fixture->hangzhou, YQ_SYNC_DIRECTION_TO_OA, 5000, 120,
                           YQ_SYNC_RUN_APPLIED, NULL, NULL);
  YqRunDialog *dialog;
  GtkWidget *ops_view;

  yq_history_view_set_store (fixture->view, fixture->store);
  dialog = open_run (fixture, 0);
  g_assert_cmpint (yq_run_dialog_get_run_id (dialog), ==, run);
  adw_view_stack_set_visible_child_name (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "view_stack"),
                                         "operations");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 5000);
  ops_view = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_view");
  YQ_WAIT_FOR (find_label (ops_view, "Create department “Item 1”") != NULL);
  g_assert_cmpuint (count_labels (ops_view), <, 1000);

  gtk_drop_down_set_selected (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_state_dropdown"), 1);
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 120);
  search (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "ops_search_entry"), "item 4999");
  g_assert_cmpuint (g_list_model_get_n_items (dialog_ops (dialog)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/history/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("empty", test_empty);
  ADD ("rows", test_rows);
  ADD ("search", test_search);
  ADD ("reload-keeps-selection", test_reload_keeps_selection);
  ADD ("open-run", test_open_run);
  ADD ("preview", test_preview);
  ADD ("many-operations", test_many_operations);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
