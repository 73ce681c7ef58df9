/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Organisation view end to end: yunqiao-sim in this process on
 * loopback as a read-write 云之家 tenant, the real yunqiao-service started
 * from the build tree on the test's private bus with the test's data
 * folder, and the built-in OA directory. The view's own buttons drive the
 * preview, the apply and the cancel.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "yq-bridge-directory.h"
#include "yq-comparison.h"
#include "yq-display-test.h"
#include "yq-history-run.h"
#include "yq-history-view.h"
#include "yq-oa-directory.h"
#include "yq-org-view.h"
#include "yq-run-dialog.h"
#include "yq-sim-server.h"
#include "yq-sync-run.h"
#include "yq-sync-runs.h"
#include "yq-window.h"
#include "yunqiao-core.h"

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))
#define VIEW_CHILD(fixture, name) CHILD ((fixture)->view, YQ_TYPE_ORG_VIEW, name)

#define SIM_PEOPLE 60
#define SIM_SEED 11
#define OTHER_TOP "另一个单位"

typedef struct
{
  YqSimConfig   *config;
  YqSimOrg      *org;
  YqSimServer   *server;
  char          *base_url;
  char          *data_dir;
  YqWindow      *window;
  YqOrgView     *view;
  YqOaDirectory *oa;
  gint64         connector;
  GSubprocess   *service;
} Fixture;

/* ---- Set-up ------------------------------------------------------------- */

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* The real service, as the desktop session would start it, on the test's
 * bus (DBUS_SESSION_BUS_ADDRESS, from GTestDBus) and data folder. */
static void
start_service (Fixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch_id;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "YUNQIAO_DATA_DIR", fixture->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "YUNQIAO_SECRETS", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "fatal-criticals", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");

  watch_id = g_bus_watch_name (G_BUS_TYPE_SESSION, SERVICE_BUS_NAME,
                               G_BUS_NAME_WATCHER_FLAGS_NONE,
                               name_appeared_cb, NULL, &appeared, NULL);
  fixture->service = g_subprocess_launcher_spawn (launcher, &error, YQ_SERVICE_BINARY,
                                                  "--foreground", NULL);
  g_assert_no_error (error);
  YQ_WAIT_FOR (appeared);
  g_bus_unwatch_name (watch_id);
}

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
stop_service (Fixture *fixture)
{
  gboolean done = FALSE;

  if (fixture->service == NULL)
    return;

  g_subprocess_send_signal (fixture->service, SIGTERM);
  g_subprocess_wait_async (fixture->service, NULL, wait_done_cb, &done);
  YQ_WAIT_FOR (done);
  g_assert_true (g_subprocess_get_if_exited (fixture->service));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->service), ==, 0);
  g_clear_object (&fixture->service);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(GError) error = NULL;
  YqStore *store;

  fixture->config = yq_sim_config_new_default ();
  fixture->config->port = 0;
  fixture->config->login_port = 0;
  fixture->org = yq_sim_org_generate (SIM_PEOPLE, SIM_SEED);
  fixture->server = yq_sim_server_new (fixture->config, fixture->org);
  g_assert_true (yq_sim_server_start (fixture->server, &error));
  g_assert_no_error (error);
  fixture->base_url = yq_sim_server_get_base_url (fixture->server);

  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  store = yq_window_get_store (fixture->window);
  g_assert_nonnull (store);
  fixture->oa = yq_builtin_oa_directory_new (store);

  yq_connector_set_name (connector, "云之家");
  yq_connector_set_tenant_id (connector, fixture->config->yzj_eid);
  yq_connector_set_api_base (connector, fixture->base_url);
  yq_connector_set_app_key (connector, fixture->config->yzj_app_id);
  yq_connector_set_directory_readonly (connector, FALSE);
  g_assert_true (yq_connectors_save (store, yq_window_get_secrets (fixture->window), connector,
                                     fixture->config->yzj_app_secret,
                                     fixture->config->yzj_dir_secret, &error));
  g_assert_no_error (error);
  fixture->connector = yq_connector_get_id (connector);

  /* 云之家 people have no account name: OA accounts are their mobiles. */
  profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE] = YQ_PERSON_FIELD_MOBILE;
  g_assert_true (yq_sync_profiles_set (store, fixture->connector, YQ_SYNC_DIRECTION_TO_OA,
                                       profile, &error));
  g_assert_no_error (error);

  start_service (fixture);

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
  stop_service (fixture);
  g_clear_object (&fixture->oa);
  yq_test_drain ();
  yq_sim_server_stop (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->org);
  g_clear_pointer (&fixture->config, yq_sim_config_free);
  g_free (fixture->base_url);
  yq_test_remove_data_dir (fixture->data_dir);
}

/* ---- Helpers ------------------------------------------------------------ */

static YqStore *
store (Fixture *fixture)
{
  return yq_window_get_store (fixture->window);
}

/* A to-oa sync in this process, as the service would run it: the OA gets
 * the platform's tree and both sides are linked. */
static void
sync_in_process (Fixture *fixture)
{
  g_autoptr(YqSyncRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 run_id;

  run = yq_sync_run_new (store (fixture), yq_window_get_secrets (fixture->window),
                         fixture->connector, YQ_SYNC_DIRECTION_TO_OA, &error);
  g_assert_no_error (error);
  yq_sync_run_apply_async (run, NULL, yq_test_store_result, &result);
  YQ_WAIT_FOR (result != NULL);
  run_id = yq_sync_run_apply_finish (run, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_id, >, 0);
}

static YqOrgSnapshot *
oa_snapshot (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  YqOrgSnapshot *snapshot = yq_oa_directory_snapshot (fixture->oa, &error);

  g_assert_no_error (error);

  return snapshot;
}

static YqOrgSnapshot *
bridge_snapshot (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  YqOrgSnapshot *snapshot = yq_bridge_directory_snapshot (store (fixture), fixture->connector,
                                                          &error);

  g_assert_no_error (error);

  return snapshot;
}

static guint
count_runs (Fixture *fixture)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = yq_sync_runs_list (store (fixture), 0, 0, &error);
  g_assert_no_error (error);

  return runs->len;
}

/* The files in <data dir>/comparisons, where the service keeps them. */
static guint
count_comparison_files (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "comparisons", NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

static void
assert_snapshots_equal (YqOrgSnapshot *before,
                        YqOrgSnapshot *after)
{
  g_autofree char *difference = NULL;

  if (!yq_org_snapshot_equal (before, after, &difference))
    g_error ("The directory changed: %s", difference ? difference : "(no detail)");
}

static void
set_latency (Fixture *fixture,
             guint    latency_ms)
{
  YqSimFaults *faults = yq_sim_server_get_faults (fixture->server);
  YqSimFaultSettings settings;

  yq_sim_faults_get_settings (faults, &settings);
  settings.latency_ms = latency_ms;
  yq_sim_faults_set_settings (faults, &settings);
}

static YqDBusJob *
job_proxy (const char *path)
{
  g_autoptr(GError) error = NULL;
  YqDBusJob *job;

  job = yq_dbus_job_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                            SERVICE_BUS_NAME, path, NULL, &error);
  g_assert_no_error (error);

  return job;
}

static gboolean
job_is_final (YqDBusJob *job)
{
  const char *state = yq_dbus_job_get_state (job);

  return state != NULL && !g_str_equal (state, "queued") && !g_str_equal (state, "running");
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

static gint64
summary_count (JsonObject *summary,
               const char *name)
{
  JsonObject *counts = json_object_get_object_member (summary, "counts");

  g_assert_nonnull (counts);
  g_assert_true (json_object_has_member (counts, name));

  return json_object_get_int_member (counts, name);
}

/* Clicks Preview and waits for the job's end; returns the job as another
 * client sees it. */
static YqDBusJob *
click_preview (Fixture *fixture)
{
  GtkWidget *preview = VIEW_CHILD (fixture, "preview_button");
  g_autofree char *path = NULL;
  YqDBusJob *job;

  yq_test_click (preview);
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL);
  path = g_strdup (yq_org_view_get_job_path (fixture->view));
  job = job_proxy (path);
  g_assert_cmpstr (yq_dbus_job_get_kind (job), ==, "sync-preview");
  g_assert_cmpstr (yq_dbus_job_get_direction (job), ==, "to-oa");
  g_assert_cmpint (yq_dbus_job_get_connector (job), ==, fixture->connector);
  YQ_WAIT_FOR (job_is_final (job));

  return job;
}

/* ---- Tests -------------------------------------------------------------- */

typedef struct
{
  char *renamed_id;
  char *old_name;
  char *new_name;
  char *new_people[3];
  char *new_mobiles[3];
} OrgChanges;

static void
org_changes_clear (OrgChanges *changes)
{
  g_free (changes->renamed_id);
  g_free (changes->old_name);
  g_free (changes->new_name);
  for (guint i = 0; i < G_N_ELEMENTS (changes->new_people); i++)
    {
      g_free (changes->new_people[i]);
      g_free (changes->new_mobiles[i]);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OrgChanges, org_changes_clear)

/* On the platform: a department renamed and three people added to
 * another one. */
static void
change_platform (Fixture    *fixture,
                 OrgChanges *changes)
{
  YqSimDepartment *root = yq_sim_org_get_root (fixture->org);
  GArray *children = yq_sim_org_get_children (fixture->org, root);
  YqSimDepartment *renamed;
  YqSimDepartment *joined;
  g_autoptr(GError) error = NULL;
  static const char *names[] = { "新同事甲", "新同事乙", "新同事丙" };

  g_assert_cmpuint (children->len, >=, 2);
  renamed = yq_sim_org_get_department (fixture->org, g_array_index (children, guint, 0));
  joined = yq_sim_org_get_department (fixture->org, g_array_index (children, guint, 1));

  changes->renamed_id = g_strdup (renamed->yzj_id);
  changes->old_name = g_strdup (renamed->name);
  changes->new_name = g_strconcat (renamed->name, "（新）", NULL);
  g_assert_true (yq_sim_org_rename_department (fixture->org, renamed, changes->new_name, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      guint dept = joined->index;

      changes->new_people[i] = g_strdup (names[i]);
      changes->new_mobiles[i] = g_strdup_printf ("1990000%04u", i + 1);
      g_assert_nonnull (yq_sim_org_add_person (fixture->org, names[i], changes->new_mobiles[i],
                                               &dept, 1, &error));
      g_assert_no_error (error);
    }
}

static YqOrgPerson *
find_oa_person (YqOrgSnapshot *snapshot,
                const char    *name)
{
  for (guint i = 0; i < yq_org_snapshot_get_n_people (snapshot); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);

      if (g_strcmp0 (person->name, name) == 0)
        return person;
    }

  return NULL;
}

static void
test_preview_to_history (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkStack *content_stack = VIEW_CHILD (fixture, "content_stack");
  GtkRevealer *progress = VIEW_CHILD (fixture, "progress_revealer");
  GtkRevealer *banner = VIEW_CHILD (fixture, "banner_revealer");
  GtkWidget *apply = VIEW_CHILD (fixture, "apply_button");
  GtkStack *details_stack = VIEW_CHILD (fixture, "details_stack");
  GtkLabel *details_title = VIEW_CHILD (fixture, "details_title");
  GtkWidget *details_fields = VIEW_CHILD (fixture, "details_fields");
  AdwViewStack *view_stack = VIEW_CHILD (fixture, "view_stack");
  YqOrgModel *model = yq_org_view_get_model (fixture->view);
  GtkTreeListModel *tree = yq_org_model_get_tree (model);
  g_auto(OrgChanges) changes = { 0 };
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(YqDBusJob) apply_job = NULL;
  g_autoptr(JsonNode) summary_node = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new (NULL, NULL);
  g_autoptr(YqOrgSnapshot) oa = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[YQ_N_COMPARISON_STATUSES][2];
  YqComparison *comparison;
  JsonObject *summary;
  AdwMessageDialog *dialog;
  YqRunDialog *run_dialog;
  guint runs_before;
  guint person;
  gint64 run_id;
  gint64 preview_run;

  /* Linked first, then the platform changes. */
  sync_in_process (fixture);
  change_platform (fixture, &changes);
  runs_before = count_runs (fixture);

  /* Preview, through the service. */
  job = click_preview (fixture);
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "succeeded");
  g_assert_cmpstr (yq_dbus_job_get_comparison (job), !=, "");
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) != NULL);
  comparison = yq_org_view_get_comparison (fixture->view);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "comparison");
  g_assert_false (gtk_revealer_get_reveal_child (progress));
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  g_assert_true (gtk_widget_is_sensitive (apply));
  /* A preview is recorded in the history as a dry run, without a journal;
   * its result is the comparison: no run report opens. */
  g_assert_cmpuint (count_runs (fixture), ==, runs_before + 1);
  preview_run = yq_dbus_job_get_run_id (job);
  g_assert_cmpint (preview_run, >, 0);
  {
    g_autoptr(YqSyncRunRecord) record = yq_sync_runs_get (store (fixture), preview_run, &error);
    g_autoptr(GPtrArray) ops = NULL;

    g_assert_no_error (error);
    g_assert_true (record->dry_run);
    g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_PREVIEWED);
    g_assert_cmpint (record->connector_id, ==, fixture->connector);
    ops = yq_sync_runs_get_ops (store (fixture), preview_run, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ops->len, ==, 0);
  }
  g_assert_null (yq_test_find_window (YQ_TYPE_RUN_DIALOG));

  /* New, renamed and unchanged nodes, as the job's summary counts them. */
  summary_node = json_from_string (yq_dbus_job_get_summary (job), &error);
  g_assert_no_error (error);
  summary = json_node_get_object (summary_node);
  yq_comparison_get_counts (comparison, counts);
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][1], ==, G_N_ELEMENTS (changes.new_people));
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][1], ==, summary_count (summary, "create-person"));
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][0], ==,
                    summary_count (summary, "create-department"));
  g_assert_cmpuint (counts[YQ_COMPARISON_RENAMED][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_RENAMED][0] + counts[YQ_COMPARISON_MOVED][0] +
                    counts[YQ_COMPARISON_UPDATED][0], ==,
                    summary_count (summary, "update-department"));
  g_assert_cmpuint (counts[YQ_COMPARISON_UNCHANGED][0], ==,
                    summary_count (summary, "unchanged-departments"));
  g_assert_cmpuint (counts[YQ_COMPARISON_UNCHANGED][1], ==,
                    summary_count (summary, "unchanged-people"));
  g_assert_cmpuint (counts[YQ_COMPARISON_UNCHANGED][1], >, 0);
  g_assert_cmpint (summary_count (summary, "delete-department") +
                   summary_count (summary, "remove-person"), ==,
                   counts[YQ_COMPARISON_REMOVED][0] + counts[YQ_COMPARISON_REMOVED][1]);
  {
    const YqComparisonNode *node = yq_comparison_get_node (comparison,
                                                           find_node (comparison,
                                                                      changes.new_name));

    g_assert_cmpuint (node->status, ==, YQ_COMPARISON_RENAMED);
    g_assert_cmpstr (node->old_name, ==, changes.old_name);
    g_assert_cmpstr (node->source_id, ==, changes.renamed_id);
  }

  /* The summary bar shows the same numbers. */
  for (guint status = 0; status < YQ_N_COMPARISON_STATUSES; status++)
    {
      GtkToggleButton *button = yq_org_view_get_status_button (fixture->view, status);
      guint total = counts[status][0] + counts[status][1];
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *number = g_strdup_printf (" %u\n", total);

      yq_test_collect_labels (GTK_WIDGET (button), text);
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)) == (total > 0));
      if (total > 0)
        g_assert_true (g_str_has_suffix (text->str, number));
    }

  /* "New": only the new nodes and their ancestors remain. */
  yq_test_click (GTK_WIDGET (yq_org_view_get_status_button (fixture->view, YQ_COMPARISON_NEW)));
  g_assert_cmpuint (yq_org_model_get_statuses (model), ==, 1u << YQ_COMPARISON_NEW);
  yq_org_model_expand_visible (model, G_MAXUINT);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (tree, i);
      g_autoptr(YqOrgNode) node = gtk_tree_list_row_get_item (row);

      g_hash_table_add (rows, GUINT_TO_POINTER (yq_org_node_get_index (node)));
    }
  for (guint i = 0; i < yq_comparison_get_n_nodes (comparison); i++)
    {
      gboolean wanted = yq_comparison_get_node (comparison, i)->status == YQ_COMPARISON_NEW;

      for (guint j = 0; j < yq_comparison_get_n_nodes (comparison) && !wanted; j++)
        wanted = yq_comparison_get_node (comparison, j)->status == YQ_COMPARISON_NEW &&
                 yq_test_comparison_is_ancestor (comparison, i, j);
      g_assert_true (g_hash_table_contains (rows, GUINT_TO_POINTER (i)) == wanted);
    }
  g_assert_cmpuint (g_hash_table_size (rows), <, yq_comparison_get_n_nodes (comparison));

  /* A new person's details: the fields it is created with. */
  person = find_node (comparison, changes.new_people[1]);
  g_assert_cmpuint (yq_comparison_get_node (comparison, person)->status, ==, YQ_COMPARISON_NEW);
  g_assert_true (yq_org_view_select_node (fixture->view, person));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (details_stack), ==, "node");
  g_assert_cmpstr (gtk_label_get_text (details_title), ==, changes.new_people[1]);
  {
    g_autoptr(GString) text = g_string_new (NULL);

    yq_test_collect_labels (details_fields, text);
    g_test_message ("details of %s:\n%s", changes.new_people[1], text->str);
    g_assert_nonnull (strstr (text->str, "Mobile"));
    g_assert_nonnull (strstr (text->str, changes.new_mobiles[1]));
    g_assert_nonnull (strstr (text->str, changes.new_people[1]));
  }

  /* Apply, through the confirmation. */
  yq_test_click (apply);
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "3 to create"));
  yq_test_respond (dialog, "apply");
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL &&
               g_strcmp0 (yq_org_view_get_job_path (fixture->view),
                          g_dbus_proxy_get_object_path (G_DBUS_PROXY (job))) != 0);
  apply_job = job_proxy (yq_org_view_get_job_path (fixture->view));
  g_assert_cmpstr (yq_dbus_job_get_kind (apply_job), ==, "sync-apply");
  YQ_WAIT_FOR (job_is_final (apply_job));
  g_assert_cmpstr (yq_dbus_job_get_state (apply_job), ==, "succeeded");
  run_id = yq_dbus_job_get_run_id (apply_job);
  g_assert_cmpint (run_id, >, 0);

  /* The run's report. */
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_RUN_DIALOG) != NULL);
  run_dialog = YQ_RUN_DIALOG (yq_test_find_window (YQ_TYPE_RUN_DIALOG));
  g_assert_cmpint (yq_run_dialog_get_run_id (run_dialog), ==, run_id);
  gtk_window_destroy (GTK_WINDOW (run_dialog));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_RUN_DIALOG) == NULL);

  /* The applied preview is gone; nothing to apply until the next one. */
  g_assert_null (yq_org_view_get_comparison (fixture->view));
  g_assert_false (gtk_widget_is_sensitive (apply));

  /* The OA has the new people and the new name. */
  oa = oa_snapshot (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (changes.new_people); i++)
    {
      YqOrgPerson *oa_person = find_oa_person (oa, changes.new_people[i]);

      g_assert_nonnull (oa_person);
      g_assert_true (oa_person->active);
      g_assert_cmpstr (oa_person->mobile, ==, changes.new_mobiles[i]);
    }
  {
    gboolean renamed = FALSE;

    for (guint i = 0; i < yq_org_snapshot_get_n_departments (oa); i++)
      renamed |= g_strcmp0 (yq_org_snapshot_get_department (oa, i)->name,
                            changes.new_name) == 0;
    g_assert_true (renamed);
  }

  /* History, newest first. */
  adw_view_stack_set_visible_child_name (view_stack, "history");
  {
    GListModel *runs = yq_history_view_get_model (VIEW_CHILD (fixture, "history_view"));
    g_autoptr(YqHistoryRun) top = NULL;

    guint runs_after = count_runs (fixture);

    /* The apply's run of the platform → bridge refresh, then its own. */
    g_assert_cmpuint (runs_after, >, runs_before);
    YQ_WAIT_FOR (g_list_model_get_n_items (runs) == runs_after);
    top = g_list_model_get_item (runs, 0);
    g_assert_cmpint (yq_history_run_get_id (top), ==, run_id);
    g_assert_cmpint (yq_history_run_get_connector_id (top), ==, fixture->connector);
    g_assert_cmpint (yq_history_run_get_direction (top), ==, YQ_SYNC_DIRECTION_TO_OA);
    g_assert_cmpint (yq_history_run_get_state (top), ==, YQ_SYNC_RUN_APPLIED);
    g_assert_false (yq_history_run_get_dry_run (top));

    /* The preview is listed too, as a preview. */
    for (guint i = 0; i < g_list_model_get_n_items (runs); i++)
      {
        g_autoptr(YqHistoryRun) run = g_list_model_get_item (runs, i);

        if (yq_history_run_get_id (run) != preview_run)
          continue;
        g_assert_true (yq_history_run_get_dry_run (run));
        g_assert_cmpstr (yq_history_run_get_kind_label (run), ==, "Preview");
        preview_run = 0;
      }
    g_assert_cmpint (preview_run, ==, 0);
  }
}

static void
test_top_mismatch (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkRevealer *banner = VIEW_CHILD (fixture, "banner_revealer");
  GtkLabel *banner_label = VIEW_CHILD (fixture, "banner_label");
  GtkWidget *apply = VIEW_CHILD (fixture, "apply_button");
  GtkWidget *confirm = VIEW_CHILD (fixture, "confirm_button");
  YqOrgDepartment top = { 0 };
  g_autoptr(YqOrgSnapshot) oa_before = NULL;
  g_autoptr(YqOrgSnapshot) oa_after = NULL;
  g_autoptr(YqOrgSnapshot) bridge_before = NULL;
  g_autoptr(YqOrgSnapshot) bridge_after = NULL;
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *top_id = NULL;
  const char *text;

  /* The OA already has a top department, named otherwise. */
  top.name = (char *) OTHER_TOP;
  top.active = TRUE;
  top_id = yq_oa_directory_add_department (fixture->oa, &top, &error);
  g_assert_no_error (error);
  oa_before = oa_snapshot (fixture);
  bridge_before = bridge_snapshot (fixture);

  job = click_preview (fixture);
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) != NULL);
  YQ_WAIT_FOR (gtk_revealer_get_reveal_child (banner));

  text = gtk_label_get_text (banner_label);
  g_test_message ("banner: %s", text);
  g_assert_nonnull (strstr (text, OTHER_TOP));
  g_assert_nonnull (strstr (text, yq_sim_org_get_root (fixture->org)->name));
  g_assert_cmpint (((YqPlanBlock *) g_ptr_array_index (
                     yq_comparison_get_blocks (yq_org_view_get_comparison (fixture->view)), 0))->kind,
                   ==, YQ_PLAN_BLOCK_TOP_MISMATCH);
  g_assert_false (gtk_widget_is_sensitive (apply));
  g_assert_false (gtk_widget_get_visible (confirm));
  g_assert_true (gtk_widget_get_visible (VIEW_CHILD (fixture, "banner_profile_button")));

  /* Nothing written to either directory; the history has the blocked
   * preview, as one dry run, and no run report opened. */
  oa_after = oa_snapshot (fixture);
  bridge_after = bridge_snapshot (fixture);
  assert_snapshots_equal (oa_before, oa_after);
  assert_snapshots_equal (bridge_before, bridge_after);
  g_assert_cmpuint (count_runs (fixture), ==, 1);
  {
    g_autoptr(GPtrArray) runs = yq_sync_runs_list (store (fixture), 0, 0, &error);
    YqSyncRunRecord *record;

    g_assert_no_error (error);
    record = g_ptr_array_index (runs, 0);
    g_assert_cmpint (record->id, ==, yq_dbus_job_get_run_id (job));
    g_assert_true (record->dry_run);
    g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_BLOCKED);
    g_assert_cmpuint (record->n_done, ==, 0);
    g_assert_nonnull (strstr (record->warnings, OTHER_TOP));
  }
  g_assert_null (yq_test_find_window (YQ_TYPE_RUN_DIALOG));
}

static void
test_cancel_fetch (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkStack *content_stack = VIEW_CHILD (fixture, "content_stack");
  GtkRevealer *progress = VIEW_CHILD (fixture, "progress_revealer");
  GtkLabel *step = VIEW_CHILD (fixture, "step_label");
  GtkWidget *preview = VIEW_CHILD (fixture, "preview_button");
  GtkWidget *cancel = VIEW_CHILD (fixture, "cancel_button");
  GtkWidget *apply = VIEW_CHILD (fixture, "apply_button");
  g_auto(OrgChanges) changes = { 0 };
  g_autoptr(YqOrgSnapshot) oa_before = NULL;
  g_autoptr(YqOrgSnapshot) oa_after = NULL;
  g_autoptr(YqOrgSnapshot) bridge_before = NULL;
  g_autoptr(YqOrgSnapshot) bridge_after = NULL;
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(YqDBusJob) again = NULL;
  guint runs_before;
  gint64 cancelled_at;

  sync_in_process (fixture);
  change_platform (fixture, &changes);
  runs_before = count_runs (fixture);
  oa_before = oa_snapshot (fixture);
  bridge_before = bridge_snapshot (fixture);
  g_assert_cmpuint (count_comparison_files (fixture), ==, 0);

  /* Every platform response takes a second. */
  set_latency (fixture, 1000);
  yq_test_click (preview);
  YQ_WAIT_FOR (yq_org_view_get_job_path (fixture->view) != NULL);
  job = job_proxy (yq_org_view_get_job_path (fixture->view));
  YQ_WAIT_FOR (g_strcmp0 (yq_dbus_job_get_state (job), "running") == 0 &&
               g_str_has_prefix (gtk_label_get_text (step), "Reading the platform directory") &&
               gtk_widget_is_sensitive (cancel));
  g_assert_true (gtk_revealer_get_reveal_child (progress));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "loading");
  g_assert_false (gtk_widget_is_sensitive (preview));

  yq_test_click (cancel);
  cancelled_at = g_get_monotonic_time ();
  YQ_WAIT_FOR (job_is_final (job));
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "cancelled");
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpstr (yq_dbus_job_get_comparison (job), ==, "");
  g_assert_cmpint (yq_dbus_job_get_run_id (job), ==, 0);

  /* The view is usable again. */
  YQ_WAIT_FOR (!gtk_revealer_get_reveal_child (progress));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "empty");
  g_assert_null (yq_org_view_get_comparison (fixture->view));
  g_assert_true (gtk_widget_is_sensitive (preview));
  g_assert_false (gtk_widget_is_sensitive (cancel));
  g_assert_false (gtk_widget_is_sensitive (apply));

  /* Nothing half-written, and a cancelled preview is not in the history. */
  g_assert_cmpuint (count_runs (fixture), ==, runs_before);
  g_assert_cmpuint (count_comparison_files (fixture), ==, 0);
  oa_after = oa_snapshot (fixture);
  bridge_after = bridge_snapshot (fixture);
  assert_snapshots_equal (oa_before, oa_after);
  assert_snapshots_equal (bridge_before, bridge_after);

  /* And the next preview goes through. */
  set_latency (fixture, 0);
  again = click_preview (fixture);
  g_assert_cmpstr (yq_dbus_job_get_state (again), ==, "succeeded");
  YQ_WAIT_FOR (yq_org_view_get_comparison (fixture->view) != NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (content_stack), ==, "comparison");
  g_assert_true (gtk_widget_is_sensitive (apply));
  g_assert_cmpuint (count_runs (fixture), ==, runs_before + 1);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/orgview-sim/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("preview-to-history", test_preview_to_history);
  ADD ("top-mismatch", test_top_mismatch);
  ADD ("cancel-fetch", test_cancel_fetch);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
