/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-comparison.h"
#include "yq-display-test.h"
#include "yq-org-view.h"
#include "yq-planner.h"
#include "yq-profile-editor.h"
#include "yq-window.h"
#include "yunqiao-core.h"

/* The Organisation view over comparisons built in-process from small
 * snapshots: the summary, the filters, search, the details pane,
 * "Expand changes" and the banner for blocked plans. */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

typedef struct
{
  char      *data_dir;
  YqWindow  *window;
  YqOrgView *view;
  gint64     connector;
  YqFakeService *service;
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
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  g_assert_nonnull (yq_window_get_store (fixture->window));

  yq_connector_set_name (connector, "浙政钉");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app-key");
  yq_connectors_save (yq_window_get_store (fixture->window),
                      yq_window_get_secrets (fixture->window),
                      connector, "app-secret", NULL, &error);
  g_assert_no_error (error);
  fixture->connector = yq_connector_get_id (connector);

  yq_window_show_view (fixture->window, "organisation");
  fixture->view = CHILD (fixture->window, YQ_TYPE_WINDOW, "org_view");
  g_assert_true (YQ_IS_ORG_VIEW (fixture->view));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
  yq_org_view_reload (fixture->view);
  g_assert_true (yq_org_view_select (fixture->view, fixture->connector, "to-oa"));
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

/* ---- Building comparisons ---------------------------------------------- */

static void
add_department (YqOrgSnapshot *snapshot,
                const char    *id,
                const char    *parent_id,
                const char    *name)
{
  g_assert_true (yq_org_snapshot_add_department (snapshot,
                                                 yq_org_department_new (id, parent_id, name)));
  if (parent_id == NULL)
    yq_org_snapshot_set_root_id (snapshot, id);
}

static void
add_person (YqOrgSnapshot *snapshot,
            const char    *id,
            const char    *department_id,
            const char    *name,
            const char    *mobile,
            const char    *job_number)
{
  YqOrgPerson *person = yq_org_person_new (id, name);

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department_id);
  person->mobile = g_strdup (mobile);
  person->job_number = g_strdup (job_number);
  /* The OA login account, which a created OA person needs. */
  person->account_code = g_strdup_printf ("u%s", job_number);
  g_assert_true (yq_org_snapshot_add_person (snapshot, person));
}

typedef enum
{
  SCENARIO_CHANGES,
  SCENARIO_TOP_MISMATCH,
  SCENARIO_THRESHOLD,
} Scenario;

/* Platform → OA. The OA has 总部/财务局/预算处, 综合办 (renamed to 办公室 on
 * the platform) and 后勤处 (gone from the platform); the platform adds
 * 人事局 with 李四; 张三's mobile changes. */
static YqComparison *
build_comparison (Scenario scenario)
{
  g_autoptr(YqOrgSnapshot) source = yq_org_snapshot_new (NULL);
  g_autoptr(YqOrgSnapshot) target = yq_org_snapshot_new (NULL);
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  YqPlannerInput input = { 0 };

  add_department (source, "d1", NULL, "总部");
  add_department (source, "d2", "d1", "财务局");
  add_department (source, "d3", "d2", "预算处");
  add_department (source, "d4", "d1", "人事局");
  add_department (source, "d5", "d1", "办公室");
  add_person (source, "p1", "d3", "张三", "13800000001", "J001");
  add_person (source, "p2", "d4", "李四", "13800000002", "J002");
  add_person (source, "p3", "d2", "王五", "13800000003", "J003");

  add_department (target, "o1", NULL, scenario == SCENARIO_TOP_MISMATCH ? "另一个单位" : "总部");
  add_department (target, "o2", "o1", "财务局");
  add_department (target, "o3", "o2", "预算处");
  add_department (target, "o5", "o1", "综合办");
  add_department (target, "o6", "o1", "后勤处");
  add_person (target, "op1", "o3", "张三", "13800000009", "J001");
  add_person (target, "op3", "o2", "王五", "13800000003", "J003");

  if (scenario != SCENARIO_TOP_MISMATCH)
    {
      yq_sync_links_add_department (links, "d1", "o1");
      yq_sync_links_add_department (links, "d2", "o2");
      yq_sync_links_add_department (links, "d3", "o3");
      yq_sync_links_add_department (links, "d5", "o5");
      yq_sync_links_add_department (links, "d6", "o6");
      yq_sync_links_add_person (links, "p1", "op1");
      yq_sync_links_add_person (links, "p3", "op3");
    }

  input.source = source;
  input.target = target;
  input.links = links;
  input.profile = profile;
  input.source_is_platform = TRUE;
  input.previous_people = scenario == SCENARIO_THRESHOLD ? 100 : -1;

  plan = yq_planner_plan (&input);

  return yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_PLATFORM, YQ_COMPARISON_SIDE_OA);
}

static guint
find_node (YqComparison *comparison,
           const char   *name)
{
  for (guint i = 0; i < yq_comparison_get_n_nodes (comparison); i++)
    if (g_strcmp0 (yq_comparison_get_node (comparison, i)->name, name) == 0)
      return i;

  g_error ("no node named %s", name);
  return YQ_COMPARISON_NONE;
}

/* Saves the comparison and has the view load the file, as it does with
 * the service's. */
static YqComparison *
load_into_view (Fixture  *fixture,
                Scenario  scenario)
{
  g_autoptr(YqComparison) built = build_comparison (scenario);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->data_dir, "comparison.gvariant", NULL);

  g_assert_true (yq_comparison_save (built, path, &error));
  g_assert_no_error (error);

  yq_org_view_load_comparison_async (fixture->view, path, NULL, yq_test_store_result, &result);
  YQ_WAIT_FOR (result != NULL);
  g_assert_true (yq_org_view_load_comparison_finish (fixture->view, result, &error));
  g_assert_no_error (error);
  g_assert_nonnull (yq_org_view_get_comparison (fixture->view));
  g_assert_cmpuint (yq_comparison_get_n_nodes (yq_org_view_get_comparison (fixture->view)), ==,
                    yq_comparison_get_n_nodes (built));

  return yq_org_view_get_comparison (fixture->view);
}

static GtkTreeListModel *
tree (Fixture *fixture)
{
  return yq_org_model_get_tree (yq_org_view_get_model (fixture->view));
}

static guint
row_node (GtkTreeListModel *model,
          guint             position)
{
  g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (model, position);
  g_autoptr(YqOrgNode) node = gtk_tree_list_row_get_item (row);

  return yq_org_node_get_index (node);
}

/* The node indices of the rows, after expanding every row. */
static GHashTable *
all_rows (Fixture *fixture)
{
  GtkTreeListModel *model = tree (fixture);
  GHashTable *rows = g_hash_table_new (NULL, NULL);

  yq_org_model_expand_visible (yq_org_view_get_model (fixture->view), G_MAXUINT);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_hash_table_add (rows, GUINT_TO_POINTER (row_node (model, i)));

  return rows;
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_empty_states (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkStack *main_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "main_stack");
  GtkStack *content_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "content_stack");
  GtkWidget *apply = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "apply_button");
  GtkWidget *preview = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "preview_button");
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "sync");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "empty");
  g_assert_cmpint (yq_org_view_get_connector_id (fixture->view), ==, fixture->connector);
  g_assert_cmpstr (yq_org_view_get_direction (fixture->view), ==, "to-oa");
  g_assert_true (gtk_widget_is_sensitive (preview));
  g_assert_false (gtk_widget_is_sensitive (apply));

  /* The profile of the connector and direction chosen. */
  yq_test_click (CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "profile_button"));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_PROFILE_EDITOR) != NULL);
  {
    YqProfileEditor *editor = YQ_PROFILE_EDITOR (yq_test_find_window (YQ_TYPE_PROFILE_EDITOR));

    g_assert_cmpint (yq_profile_editor_get_connector_id (editor), ==, fixture->connector);
    g_assert_cmpint (yq_profile_editor_get_direction (editor), ==, YQ_SYNC_DIRECTION_TO_OA);
    gtk_window_destroy (GTK_WINDOW (editor));
  }

  /* 政务钉钉's directory takes no writes. */
  g_assert_false (yq_org_view_select (fixture->view, fixture->connector, "to-platform"));

  g_assert_true (yq_connectors_delete (yq_window_get_store (fixture->window),
                                       yq_window_get_secrets (fixture->window),
                                       fixture->connector, &error));
  g_assert_no_error (error);
  yq_org_view_reload (fixture->view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "no-connectors");
}

static void
test_summary (Fixture       *fixture,
              gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_CHANGES);
  GtkStack *content_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "content_stack");
  GtkRevealer *banner = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "banner_revealer");
  GtkWidget *apply = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "apply_button");
  guint counts[YQ_N_COMPARISON_STATUSES][2];

  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "comparison");
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  g_assert_true (gtk_widget_is_sensitive (apply));

  /* The scenario's changes. */
  g_assert_cmpuint (yq_comparison_get_node (comparison, find_node (comparison, "人事局"))->status,
                    ==, YQ_COMPARISON_NEW);
  g_assert_cmpuint (yq_comparison_get_node (comparison, find_node (comparison, "李四"))->status,
                    ==, YQ_COMPARISON_NEW);
  g_assert_cmpuint (yq_comparison_get_node (comparison, find_node (comparison, "办公室"))->status,
                    ==, YQ_COMPARISON_RENAMED);
  g_assert_cmpuint (yq_comparison_get_node (comparison, find_node (comparison, "后勤处"))->status,
                    ==, YQ_COMPARISON_REMOVED);

  yq_comparison_get_counts (comparison, counts);
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][1], ==, 1);

  for (guint status = 0; status < YQ_N_COMPARISON_STATUSES; status++)
    {
      GtkToggleButton *button = yq_org_view_get_status_button (fixture->view, status);
      guint total = counts[status][0] + counts[status][1];
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *number = g_strdup_printf (" %u\n", total);
      g_autofree char *people = g_strdup_printf ("%u people", counts[status][1]);
      g_autofree char *departments = g_strdup_printf ("%u departments", counts[status][0]);
      const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (button));

      yq_test_collect_labels (GTK_WIDGET (button), text);
      g_assert_true (g_str_has_suffix (text->str, number));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)) ==
                     (total > 0));
      g_assert_nonnull (strstr (tooltip, people));
      g_assert_nonnull (strstr (tooltip, departments));
    }
}

static void
test_filter_new (Fixture       *fixture,
                 gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_CHANGES);
  YqOrgModel *model = yq_org_view_get_model (fixture->view);
  g_autoptr(GHashTable) rows = NULL;
  guint n = yq_comparison_get_n_nodes (comparison);
  guint n_new = 0;

  gtk_toggle_button_set_active (yq_org_view_get_status_button (fixture->view, YQ_COMPARISON_NEW),
                                TRUE);
  g_assert_cmpuint (yq_org_model_get_statuses (model), ==, 1u << YQ_COMPARISON_NEW);

  rows = all_rows (fixture);
  for (guint i = 0; i < n; i++)
    {
      const YqComparisonNode *node = yq_comparison_get_node (comparison, i);
      gboolean wanted = node->status == YQ_COMPARISON_NEW;

      for (guint j = 0; j < n && !wanted; j++)
        wanted = yq_comparison_get_node (comparison, j)->status == YQ_COMPARISON_NEW &&
                 yq_test_comparison_is_ancestor (comparison, i, j);

      n_new += node->status == YQ_COMPARISON_NEW;
      g_assert_true (g_hash_table_contains (rows, GUINT_TO_POINTER (i)) == wanted);
    }
  g_assert_cmpuint (n_new, ==, 2);
  g_assert_cmpuint (yq_org_model_get_n_matches (model), ==, n_new);
  g_assert_false (g_hash_table_contains (rows,
                                         GUINT_TO_POINTER (find_node (comparison, "张三"))));

  /* Off again: everything. */
  gtk_toggle_button_set_active (yq_org_view_get_status_button (fixture->view, YQ_COMPARISON_NEW),
                                FALSE);
  g_clear_pointer (&rows, g_hash_table_unref);
  rows = all_rows (fixture);
  g_assert_cmpuint (g_hash_table_size (rows), ==, n);
}

static void
test_search_job_number (Fixture       *fixture,
                        gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_CHANGES);
  YqOrgModel *model = yq_org_view_get_model (fixture->view);
  GtkEditable *entry = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "search_entry");
  GtkStack *tree_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "tree_stack");
  GtkTreeListModel *model_tree = tree (fixture);
  guint lisi = find_node (comparison, "李四");
  gboolean shown = FALSE;

  gtk_editable_set_text (entry, "j002");
  YQ_WAIT_FOR (g_str_equal (yq_org_model_get_search (model), "j002"));

  g_assert_cmpuint (yq_org_model_get_n_matches (model), ==, 1);
  g_assert_true (yq_org_model_is_visible (model, lisi));
  g_assert_false (yq_org_model_is_visible (model, find_node (comparison, "张三")));
  /* The view expands down to the match by itself. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model_tree)); i++)
    shown |= row_node (model_tree, i) == lisi;
  g_assert_true (shown);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (tree_stack), ==, "tree");

  gtk_editable_set_text (entry, "nobody-has-this");
  YQ_WAIT_FOR (g_str_equal (yq_org_model_get_search (model), "nobody-has-this"));
  g_assert_cmpuint (yq_org_model_get_n_matches (model), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (tree_stack), ==, "no-results");
}

static void
test_details (Fixture       *fixture,
              gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_CHANGES);
  GtkStack *details_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "details_stack");
  GtkWidget *fields = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "details_fields");
  GtkLabel *title = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "details_title");
  GtkLabel *reason = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "details_reason");
  guint zhangsan = find_node (comparison, "张三");
  gboolean found_old = FALSE;
  gboolean found_new = FALSE;
  GtkWidget *old_label = NULL;
  GtkWidget *new_label = NULL;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (details_stack), ==, "none");
  g_assert_true (yq_org_view_select_node (fixture->view, zhangsan));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (details_stack), ==, "node");
  g_assert_cmpstr (gtk_label_get_text (title), ==, "张三");
  g_assert_cmpstr (gtk_label_get_text (reason), !=, "");

  /* One row of the grid: field, old, arrow, new. */
  for (GtkWidget *child = gtk_widget_get_first_child (fields);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (child));

      if (g_str_equal (text, "13800000009"))
        {
          found_old = gtk_widget_has_css_class (child, "yq-old-value");
          old_label = child;
        }
      else if (g_str_equal (text, "13800000001"))
        {
          found_new = !gtk_widget_has_css_class (child, "yq-old-value");
          new_label = child;
        }
    }
  g_assert_true (found_old);
  g_assert_true (found_new);
  {
    int old_column, old_row, new_column, new_row;

    gtk_grid_query_child (GTK_GRID (fields), old_label, &old_column, &old_row, NULL, NULL);
    gtk_grid_query_child (GTK_GRID (fields), new_label, &new_column, &new_row, NULL, NULL);
    g_assert_cmpint (old_row, ==, new_row);
    g_assert_cmpint (old_column, <, new_column);
  }

  /* A new department lists what will be written, its status in words. */
  {
    g_autoptr(GString) text = g_string_new (NULL);

    g_assert_true (yq_org_view_select_node (fixture->view, find_node (comparison, "人事局")));
    yq_test_collect_labels (fields, text);
    g_assert_nonnull (strstr (text->str, "Enabled"));
    g_assert_null (strstr (text->str, "true"));
  }

  /* Unselecting empties the pane. */
  gtk_single_selection_set_selected (yq_org_view_get_selection (fixture->view),
                                     GTK_INVALID_LIST_POSITION);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (details_stack), ==, "none");
}

static gboolean
has_changed_child (YqComparison *comparison,
                   guint         index)
{
  const guint32 *children;
  guint n_children = 0;

  children = yq_comparison_get_children (comparison, index, &n_children);
  for (guint i = 0; i < n_children; i++)
    if (yq_comparison_has_changes_below (comparison, children[i]))
      return TRUE;

  return FALSE;
}

static void
test_expand_changes (Fixture       *fixture,
                     gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_CHANGES);
  GtkTreeListModel *model = tree (fixture);
  g_autoptr(GHashTable) rows = g_hash_table_new (NULL, NULL);
  guint expanded = 0;

  /* Everything open first, to see that the action also closes. */
  yq_org_model_expand_visible (yq_org_view_get_model (fixture->view), G_MAXUINT);
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "org.expand-changes", NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (model, i);
      guint index = row_node (model, i);

      g_hash_table_add (rows, GUINT_TO_POINTER (index));
      g_assert_true (gtk_tree_list_row_get_expanded (row) == has_changed_child (comparison, index));
      expanded += gtk_tree_list_row_get_expanded (row);
    }
  g_assert_cmpuint (expanded, >, 0);

  /* Every change shows. */
  for (guint i = 0; i < yq_comparison_get_n_nodes (comparison); i++)
    if (yq_comparison_has_changes_below (comparison, i))
      g_assert_true (g_hash_table_contains (rows, GUINT_TO_POINTER (i)));
  /* 张三 changes, so 预算处 and 财务局 above him are open. */
  g_assert_true (g_hash_table_contains (rows, GUINT_TO_POINTER (find_node (comparison, "张三"))));
}

static void
test_blocked_top_mismatch (Fixture       *fixture,
                           gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_TOP_MISMATCH);
  GtkRevealer *banner = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "banner_revealer");
  GtkLabel *banner_label = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "banner_label");
  GtkWidget *apply = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "apply_button");
  GtkWidget *confirm = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "confirm_button");
  GPtrArray *blocks = yq_comparison_get_blocks (comparison);
  YqPlanBlock *block;

  g_assert_cmpuint (blocks->len, >=, 1);
  block = g_ptr_array_index (blocks, 0);
  g_assert_cmpint (block->kind, ==, YQ_PLAN_BLOCK_TOP_MISMATCH);

  g_assert_true (gtk_revealer_get_reveal_child (banner));
  g_assert_nonnull (strstr (gtk_label_get_text (banner_label), block->message));
  g_assert_false (gtk_widget_is_sensitive (apply));
  g_assert_false (gtk_widget_get_visible (confirm));
  /* The way forward is in the profile. */
  g_assert_true (gtk_widget_get_visible (CHILD (fixture->view, YQ_TYPE_ORG_VIEW,
                                                "banner_profile_button")));
}

static void
test_blocked_threshold (Fixture       *fixture,
                        gconstpointer  data)
{
  YqComparison *comparison = load_into_view (fixture, SCENARIO_THRESHOLD);
  GtkRevealer *banner = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "banner_revealer");
  GtkLabel *banner_label = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "banner_label");
  GtkWidget *apply = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "apply_button");
  GtkWidget *confirm = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "confirm_button");
  GPtrArray *blocks = yq_comparison_get_blocks (comparison);
  YqPlanBlock *block;

  g_assert_true (yq_comparison_needs_confirmation (comparison));
  g_assert_cmpuint (blocks->len, ==, 1);
  block = g_ptr_array_index (blocks, 0);
  g_assert_cmpint (block->kind, ==, YQ_PLAN_BLOCK_PEOPLE_THRESHOLD);

  g_assert_true (gtk_revealer_get_reveal_child (banner));
  g_assert_nonnull (strstr (gtk_label_get_text (banner_label), block->message));
  g_assert_false (gtk_widget_is_sensitive (apply));
  g_assert_true (gtk_widget_get_visible (confirm));
  g_assert_true (gtk_widget_is_sensitive (confirm));

  /* A new comparison without blocks takes the banner away. */
  load_into_view (fixture, SCENARIO_CHANGES);
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  g_assert_false (gtk_widget_get_visible (confirm));
  g_assert_true (gtk_widget_is_sensitive (apply));
}

static void
test_load_error (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "broken.gvariant", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkStack *content_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "content_stack");

  g_assert_true (g_file_set_contents (path, "not a comparison", -1, NULL));
  yq_org_view_load_comparison_async (fixture->view, path, NULL, yq_test_store_result, &result);
  YQ_WAIT_FOR (result != NULL);
  g_assert_false (yq_org_view_load_comparison_finish (fixture->view, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "error");
}

static char *
save_comparison (Fixture    *fixture,
                 Scenario    scenario,
                 const char *name)
{
  g_autoptr(YqComparison) comparison = build_comparison (scenario);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->data_dir, name, NULL);

  g_assert_true (yq_comparison_save (comparison, path, &error));
  g_assert_no_error (error);

  return path;
}

/* Preview, progress, cancel and apply through the (fake) service. */
static void
test_preview_and_apply (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkRevealer *progress = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "progress_revealer");
  GtkLabel *step = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "step_label");
  GtkProgressBar *bar = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "progress_bar");
  GtkStack *content_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "content_stack");
  GtkWidget *preview = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "preview_button");
  GtkWidget *cancel = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "cancel_button");
  g_autofree char *changes = save_comparison (fixture, SCENARIO_CHANGES, "changes.gvariant");
  g_autofree char *threshold = save_comparison (fixture, SCENARIO_THRESHOLD, "threshold.gvariant");
  YqFakeStartCall *call;
  AdwMessageDialog *dialog;
  YqDBusJob *job;

  fixture->service = yq_fake_service_start ();

  yq_test_click (preview);
  YQ_WAIT_FOR (fixture->service->jobs->len == 1);
  call = g_ptr_array_index (fixture->service->start_calls, 0);
  g_assert_cmpint (call->connector, ==, fixture->connector);
  g_assert_cmpstr (call->direction, ==, "to-oa");
  g_assert_true (call->dry_run);
  g_assert_false (call->confirm);
  job = g_ptr_array_index (fixture->service->jobs, 0);
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL);
  g_assert_true (gtk_revealer_get_reveal_child (progress));
  g_assert_false (gtk_widget_is_sensitive (preview));

  /* The job's step and fraction show as they come. */
  yq_dbus_job_set_state (job, "running");
  yq_dbus_job_set_step (job, "Reading departments: 3 of 5");
  yq_dbus_job_set_fraction (job, 0.4);
  YQ_WAIT_FOR (g_strcmp0 (gtk_label_get_text (step), "Reading departments: 3 of 5") == 0);
  YQ_WAIT_FOR (gtk_progress_bar_get_fraction (bar) > 0.39);
  g_assert_true (gtk_widget_is_sensitive (cancel));
  yq_test_click (cancel);
  YQ_WAIT_FOR (yq_fake_job_get_cancel_calls (job) == 1);

  /* The comparison file is set before the final state. */
  yq_dbus_job_set_comparison (job, changes);
  yq_dbus_job_set_state (job, "succeeded");
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) != NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "comparison");
  g_assert_false (gtk_revealer_get_reveal_child (progress));
  g_assert_true (gtk_widget_is_sensitive (preview));

  /* Apply asks first, naming the counts. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "org.apply", NULL);
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "2 to create"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 to remove"));
  yq_test_respond (dialog, "cancel");
  g_assert_cmpuint (fixture->service->start_calls->len, ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "org.apply", NULL);
  yq_test_respond (yq_test_wait_message_dialog (), "apply");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 2);
  call = g_ptr_array_index (fixture->service->start_calls, 1);
  g_assert_false (call->dry_run);
  g_assert_false (call->confirm);
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL &&
               g_str_has_suffix (yq_org_view_get_job_path (fixture->view), "/2"));

  /* The applied preview is out of date. */
  job = g_ptr_array_index (fixture->service->jobs, 1);
  yq_dbus_job_set_state (job, "succeeded");
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) == NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "empty");

  /* Through the threshold confirmation, the apply confirms. */
  yq_org_view_load_comparison_async (fixture->view, threshold, NULL, NULL, NULL);
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) != NULL);
  g_assert_false (gtk_widget_is_sensitive (CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "apply_button")));
  yq_test_click (CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "confirm_button"));
  yq_test_respond (yq_test_wait_message_dialog (), "apply");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 3);
  call = g_ptr_array_index (fixture->service->start_calls, 2);
  g_assert_false (call->dry_run);
  g_assert_true (call->confirm);
}

/* A preview started elsewhere (the connector's menu, a schedule) for the
 * connector and direction shown is followed here too; others are not. */
static void
test_adopt_external_job (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkRevealer *progress = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "progress_revealer");
  GtkLabel *step = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "step_label");
  g_autofree char *changes = save_comparison (fixture, SCENARIO_CHANGES, "changes.gvariant");
  YqDBusJob *other;
  YqDBusJob *job;

  fixture->service = yq_fake_service_start ();

  other = yq_fake_service_add_job (fixture->service, fixture->connector + 100, "别的连接器",
                                   "to-oa", TRUE);
  yq_dbus_job_set_state (other, "running");
  other = yq_fake_service_add_job (fixture->service, fixture->connector, "测试连接器",
                                   "from-platform", TRUE);
  yq_dbus_job_set_state (other, "running");
  job = yq_fake_service_add_job (fixture->service, fixture->connector, "测试连接器",
                                 "to-oa", TRUE);
  yq_dbus_job_set_state (job, "running");
  yq_dbus_job_set_step (job, "Reading the platform directory");

  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL);
  g_assert_cmpstr (yq_org_view_get_job_path (fixture->view), ==,
                   g_dbus_object_get_object_path (
                     g_dbus_interface_get_object (G_DBUS_INTERFACE (job))));
  g_assert_true (gtk_revealer_get_reveal_child (progress));
  YQ_WAIT_FOR (g_strcmp0 (gtk_label_get_text (step), "Reading the platform directory") == 0);

  yq_dbus_job_set_comparison (job, changes);
  yq_dbus_job_set_state (job, "succeeded");
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) != NULL);
  g_assert_false (gtk_revealer_get_reveal_child (progress));
  g_assert_cmpstr (yq_org_view_get_direction (fixture->view), ==, "to-oa");
}

/* A service that goes away mid-job leaves no job behind in the view. */
static void
test_service_stops (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkRevealer *progress = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "progress_revealer");
  GtkStack *content_stack = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "content_stack");
  GtkWidget *preview = CHILD (fixture->view, YQ_TYPE_ORG_VIEW, "preview_button");

  fixture->service = yq_fake_service_start ();
  yq_test_click (preview);
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "loading");

  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) == NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "error");
  g_assert_false (gtk_revealer_get_reveal_child (progress));
  g_assert_true (gtk_widget_is_sensitive (preview));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/orgview/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("empty-states", test_empty_states);
  ADD ("summary", test_summary);
  ADD ("filter-new", test_filter_new);
  ADD ("search-job-number", test_search_job_number);
  ADD ("details", test_details);
  ADD ("expand-changes", test_expand_changes);
  ADD ("blocked-top-mismatch", test_blocked_top_mismatch);
  ADD ("blocked-threshold", test_blocked_threshold);
  ADD ("load-error", test_load_error);
  ADD ("preview-and-apply", test_preview_and_apply);
  ADD ("adopt-external-job", test_adopt_external_job);
  ADD ("service-stops", test_service_stops);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
