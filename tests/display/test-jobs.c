/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-application.h"
#include "yq-connector-row.h"
#include "yq-connectors-view.h"
#include "yq-display-test.h"
#include "yq-job-row.h"
#include "yq-run-dialog.h"
#include "yq-settings-view.h"
#include "yq-sync-ui.h"
#include "yq-window.h"
#include "yunqiao-core.h"
#include "yq-plan.h"
#include "yq-sync-runs.h"

/* Sync jobs: started from a connector's menu through the companion
 * service, followed in the Settings view, and sync runs shown from the
 * history (also for `yunqiao --show-run`). */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

typedef struct
{
  char             *data_dir;
  YqWindow         *window;
  YqConnectorsView *connectors_view;
  YqSettingsView   *settings_view;
  YqFakeService    *service;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));

  g_assert_nonnull (yq_window_get_store (fixture->window));
  fixture->connectors_view = CHILD (fixture->window, YQ_TYPE_WINDOW, "connectors_view");
  fixture->settings_view = CHILD (fixture->window, YQ_TYPE_WINDOW, "settings_view");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

/* ---- Helpers ------------------------------------------------------------ */

static gint64
add_connector (Fixture           *fixture,
               YqConnectorPreset  preset,
               const char        *name,
               gboolean           readonly)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app-key");
  if (preset == YQ_CONNECTOR_PRESET_YZJ_PRIVATE)
    yq_connector_set_api_base (connector, "https://yzj.example.cn");
  yq_connector_set_directory_readonly (connector, readonly);
  /* 云之家 needs the directory secret. */
  yq_connectors_save (yq_window_get_store (fixture->window),
                      yq_window_get_secrets (fixture->window),
                      connector, "app-secret",
                      yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ ? "dir-secret"
                                                                               : NULL,
                      &error);
  g_assert_no_error (error);
  yq_connectors_view_reload (fixture->connectors_view);

  return yq_connector_get_id (connector);
}

static YqConnectorRow *
find_connector_row (Fixture *fixture,
                    gint64   id)
{
  GtkListBox *list = CHILD (fixture->connectors_view, YQ_TYPE_CONNECTORS_VIEW, "list_box");
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    if (yq_connector_get_id (yq_connector_row_get_connector (YQ_CONNECTOR_ROW (row))) == id)
      return YQ_CONNECTOR_ROW (row);

  g_assert_not_reached ();
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *needle)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (GTK_IS_LABEL (w) && gtk_widget_is_drawable (w) &&
        strstr (gtk_label_get_text (GTK_LABEL (w)), needle) != NULL)
      return w;

  return NULL;
}

static gboolean
has_css_class_below (GtkWidget  *root,
                     const char *css_class)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (gtk_widget_has_css_class (w, css_class))
      return TRUE;

  return FALSE;
}

static char *
strip_mnemonic (const char *label)
{
  g_autoptr(GString) text = g_string_new (label);

  g_string_replace (text, "_", "", 0);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The menu item of a popover menu whose label is @label, as drawn. */
static GtkWidget *
find_menu_item (GtkWidget  *popover,
                const char *label)
{
  GType model_button = g_type_from_name ("GtkModelButton");
  g_autofree char *text = strip_mnemonic (label);

  g_assert_true (model_button != G_TYPE_INVALID);

  for (GtkWidget *w = popover; w != NULL; w = yq_test_next_widget (popover, w))
    {
      g_autofree char *item_text = NULL;
      g_autofree char *item_stripped = NULL;

      if (!g_type_is_a (G_OBJECT_TYPE (w), model_button) || !gtk_widget_is_drawable (w))
        continue;

      g_object_get (w, "text", &item_text, NULL);
      item_stripped = strip_mnemonic (item_text);
      if (g_strcmp0 (item_stripped, text) == 0)
        return w;
    }

  return NULL;
}

static guint
count_menu_items (GMenuModel *model)
{
  guint n = 0;

  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      n += section != NULL ? count_menu_items (section) : 1;
    }

  return n;
}

/* Opens the row's sync menu and clicks @item in it, as a person would. */
static void
click_sync_item (Fixture    *fixture,
                 gint64      id,
                 const char *item)
{
  YqConnectorRow *row = find_connector_row (fixture, id);
  GtkMenuButton *button = CHILD (row, YQ_TYPE_CONNECTOR_ROW, "sync_button");
  GtkPopover *popover;
  GtkWidget *menu_item;

  gtk_menu_button_popup (button);
  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (popover)));

  menu_item = find_menu_item (GTK_WIDGET (popover), item);
  g_assert_nonnull (menu_item);
  g_signal_emit_by_name (menu_item, "clicked");
  YQ_WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (popover)));
}

static void
assert_start_call (YqFakeService *service,
                   guint          index,
                   gint64         connector,
                   const char    *direction,
                   gboolean       dry_run,
                   gboolean       confirm)
{
  YqFakeStartCall *call;

  g_assert_cmpuint (service->start_calls->len, >, index);
  call = g_ptr_array_index (service->start_calls, index);
  g_assert_cmpint (call->connector, ==, connector);
  g_assert_cmpstr (call->direction, ==, direction);
  g_assert_cmpint (call->dry_run, ==, dry_run);
  g_assert_cmpint (call->confirm, ==, confirm);
}

static YqJobRow *
get_job_row (Fixture *fixture,
             int      index)
{
  GtkListBox *list = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "jobs_list");

  return (YqJobRow *) gtk_list_box_get_row_at_index (list, index);
}

static const char *
row_job_path (YqJobRow *row)
{
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (yq_job_row_get_job (row)));
}

static const char *
job_path (YqDBusJob *job)
{
  return g_dbus_interface_skeleton_get_object_path (G_DBUS_INTERFACE_SKELETON (job));
}

/* The row showing the fake's @job now: rows are made anew when the
 * proxy of a job changes, so tests do not keep them. */
static YqJobRow *
find_job_row (Fixture   *fixture,
              YqDBusJob *job)
{
  YqJobRow *row;

  for (int i = 0; (row = get_job_row (fixture, i)) != NULL; i++)
    if (g_str_equal (row_job_path (row), job_path (job)))
      return row;

  return NULL;
}

static gpointer
job_child (Fixture    *fixture,
           YqDBusJob  *job,
           const char *name)
{
  YqJobRow *row = find_job_row (fixture, job);

  g_assert_nonnull (row);
  return CHILD (row, YQ_TYPE_JOB_ROW, name);
}

static gboolean
job_label_is (Fixture    *fixture,
              YqDBusJob  *job,
              const char *name,
              const char *text)
{
  YqJobRow *row = find_job_row (fixture, job);
  GtkLabel *label;

  if (row == NULL)
    return FALSE;

  label = CHILD (row, YQ_TYPE_JOB_ROW, name);
  return gtk_widget_get_visible (GTK_WIDGET (label)) &&
         g_strcmp0 (gtk_label_get_text (label), text) == 0;
}

static gboolean
job_shows (Fixture    *fixture,
           YqDBusJob  *job,
           const char *name)
{
  return gtk_widget_get_visible (job_child (fixture, job, name));
}

static const char *
job_text (Fixture    *fixture,
          YqDBusJob  *job,
          const char *name)
{
  return gtk_label_get_text (job_child (fixture, job, name));
}

static gboolean
job_progress_is (Fixture   *fixture,
                 YqDBusJob *job,
                 double     fraction)
{
  YqJobRow *row = find_job_row (fixture, job);

  return row != NULL &&
         gtk_progress_bar_get_fraction (CHILD (row, YQ_TYPE_JOB_ROW, "progress_bar")) == fraction;
}

static gboolean
job_pulses (Fixture   *fixture,
            YqDBusJob *job)
{
  YqJobRow *row = find_job_row (fixture, job);

  return row != NULL && has_css_class_below (CHILD (row, YQ_TYPE_JOB_ROW, "progress_bar"),
                                             "pulse");
}

/* Whether the row's job proxy talks to a running service: right after a
 * service starts, the watcher may still show the proxies of the one the
 * previous test stopped, under the same paths. */
static gboolean
row_is_live (YqJobRow *row)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (yq_job_row_get_job (row)));

  return owner != NULL;
}

static void
wait_job_on_top (Fixture   *fixture,
                 YqDBusJob *job)
{
  YQ_WAIT_FOR (get_job_row (fixture, 0) != NULL &&
               g_str_equal (row_job_path (get_job_row (fixture, 0)), job_path (job)) &&
               row_is_live (get_job_row (fixture, 0)));
}

static void
show_settings (Fixture *fixture)
{
  yq_window_show_view (fixture->window, "settings");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->settings_view)));
}

/* ---- Starting syncs from the connectors view ------------------------------- */

static void
test_menu_items (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 zwdd = add_connector (fixture, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "Zhejiang", TRUE);
  gint64 yzj_ro = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Read Only", TRUE);
  gint64 yzj = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Hangzhou Office", FALSE);
  GtkMenuButton *button;
  GtkPopover *popover;

  /* Writes to the platform only for read-write 云之家 connectors. */
  button = CHILD (find_connector_row (fixture, zwdd), YQ_TYPE_CONNECTOR_ROW, "sync_button");
  g_assert_cmpuint (count_menu_items (gtk_menu_button_get_menu_model (button)), ==, 3);
  button = CHILD (find_connector_row (fixture, yzj_ro), YQ_TYPE_CONNECTOR_ROW, "sync_button");
  g_assert_cmpuint (count_menu_items (gtk_menu_button_get_menu_model (button)), ==, 3);
  button = CHILD (find_connector_row (fixture, yzj), YQ_TYPE_CONNECTOR_ROW, "sync_button");
  g_assert_cmpuint (count_menu_items (gtk_menu_button_get_menu_model (button)), ==, 5);

  /* An icon-only button with a name for screen readers and a tooltip. */
  g_assert_cmpstr (gtk_menu_button_get_icon_name (button), ==, "view-more-symbolic");
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (button)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Sync “Hangzhou Office”");
  g_assert_true (gtk_widget_get_focusable (gtk_widget_get_first_child (GTK_WIDGET (button))));

  gtk_menu_button_popup (button);
  popover = gtk_menu_button_get_popover (button);
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (popover)));
  g_assert_nonnull (find_menu_item (GTK_WIDGET (popover), "_Refresh from Platform"));
  g_assert_nonnull (find_menu_item (GTK_WIDGET (popover), "_Preview Sync to OA"));
  g_assert_nonnull (find_menu_item (GTK_WIDGET (popover), "_Sync to OA"));
  g_assert_nonnull (find_menu_item (GTK_WIDGET (popover), "Pre_view Sync to Platform"));
  g_assert_nonnull (find_menu_item (GTK_WIDGET (popover), "Sync to Pl_atform"));
  gtk_menu_button_popdown (button);
}

static void
test_start_sync (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 yzj = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Hangzhou Office", FALSE);
  GtkWidget *overlay = CHILD (fixture->connectors_view, YQ_TYPE_CONNECTORS_VIEW, "toast_overlay");
  AdwMessageDialog *dialog;
  GtkWidget *show_button;
  GtkWidget *focus = NULL;
  const char *shown_path;

  fixture->service = yq_fake_service_start ();

  /* A preview starts at once. */
  click_sync_item (fixture, yzj, "_Preview Sync to OA");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 1);
  assert_start_call (fixture->service, 0, yzj, "to-oa", TRUE, FALSE);
  g_assert_null (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
  YQ_WAIT_FOR (find_label (overlay, "Preview started") != NULL);

  /* Applying asks first, naming the connector and the direction;
   * cancelling starts nothing. */
  click_sync_item (fixture, yzj, "_Sync to OA");
  dialog = yq_test_wait_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Sync to OA?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Hangzhou Office”"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "OA directory"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "apply"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  yq_test_respond (dialog, "cancel");
  yq_test_drain ();
  g_assert_cmpuint (fixture->service->start_calls->len, ==, 1);

  click_sync_item (fixture, yzj, "_Sync to OA");
  yq_test_respond (yq_test_wait_message_dialog (), "apply");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 2);
  assert_start_call (fixture->service, 1, yzj, "to-oa", FALSE, FALSE);
  YQ_WAIT_FOR (find_label (overlay, "Sync started") != NULL);

  click_sync_item (fixture, yzj, "_Refresh from Platform");
  dialog = yq_test_wait_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Refresh from Platform?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Hangzhou Office”"));
  yq_test_respond (dialog, "apply");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 3);
  assert_start_call (fixture->service, 2, yzj, "from-platform", FALSE, FALSE);

  click_sync_item (fixture, yzj, "Pre_view Sync to Platform");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 4);
  assert_start_call (fixture->service, 3, yzj, "to-platform", TRUE, FALSE);

  click_sync_item (fixture, yzj, "Sync to Pl_atform");
  dialog = yq_test_wait_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Sync to Platform?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Hangzhou Office”"));
  yq_test_respond (dialog, "apply");
  YQ_WAIT_FOR (fixture->service->start_calls->len == 5);
  assert_start_call (fixture->service, 4, yzj, "to-platform", FALSE, FALSE);

  /* The toast's button leads to the job it speaks of. */
  YQ_WAIT_FOR ((show_button = yq_test_find_button (overlay, "_Show")) != NULL);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (show_button)), ==,
                   "win.show-job");
  shown_path = g_variant_get_string (gtk_actionable_get_action_target_value (
                                       GTK_ACTIONABLE (show_button)), NULL);
  yq_test_click (show_button);
  g_assert_cmpstr (yq_window_get_visible_view (fixture->window), ==, "settings");
  YQ_WAIT_FOR ((focus = gtk_root_get_focus (GTK_ROOT (fixture->window))) != NULL &&
               YQ_IS_JOB_ROW (focus) &&
               g_str_equal (g_dbus_proxy_get_object_path (G_DBUS_PROXY (
                              yq_job_row_get_job (YQ_JOB_ROW (focus)))), shown_path));

  /* Newest first. */
  YQ_WAIT_FOR (get_job_row (fixture, 4) != NULL);
  g_assert_cmpstr (row_job_path (get_job_row (fixture, 0)), ==,
                   job_path (fixture->service->jobs->pdata[4]));
  g_assert_cmpstr (yq_dbus_job_get_direction (yq_job_row_get_job (get_job_row (fixture, 0))), ==,
                   "to-platform");
  g_assert_cmpstr (yq_dbus_job_get_kind (yq_job_row_get_job (get_job_row (fixture, 0))), ==,
                   "sync-apply");
  g_assert_cmpstr (yq_dbus_job_get_kind (yq_job_row_get_job (get_job_row (fixture, 4))), ==,
                   "sync-preview");
}

static void
test_start_busy (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 id = add_connector (fixture, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "Zhejiang", TRUE);
  GtkWidget *overlay = CHILD (fixture->connectors_view, YQ_TYPE_CONNECTORS_VIEW, "toast_overlay");

  fixture->service = yq_fake_service_start ();
  fixture->service->busy_message = g_strdup ("“Zhejiang” is already syncing <to the OA>");

  /* The service's own message, as plain text, in a toast; no dialog. */
  click_sync_item (fixture, id, "_Preview Sync to OA");
  YQ_WAIT_FOR (find_label (overlay, "“Zhejiang” is already syncing <to the OA>") != NULL);
  g_assert_cmpuint (fixture->service->start_calls->len, ==, 1);
  g_assert_cmpuint (fixture->service->jobs->len, ==, 0);
  g_assert_null (find_label (overlay, "Preview started"));
  g_assert_null (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
}

static void
test_start_fails (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 id = add_connector (fixture, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "Zhejiang", TRUE);
  AdwMessageDialog *dialog;

  /* No service and nothing to start it from on the test bus. */
  click_sync_item (fixture, id, "_Preview Sync to OA");
  dialog = yq_test_wait_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Cannot Start the Sync");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), !=, "");
  /* The D-Bus error name is left out. */
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "GDBus.Error"));
}

/* ---- The jobs list ---------------------------------------------------------- */

static void
test_job_updates_live (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkListBox *list = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "jobs_list");
  GtkWidget *details;
  YqDBusJob *job;
  YqDBusJob *newer;

  show_settings (fixture);
  g_assert_null (gtk_list_box_get_row_at_index (list, 0));

  fixture->service = yq_fake_service_start ();
  job = yq_fake_service_add_job (fixture->service, 7, "Hangzhou Office", "to-oa", FALSE);
  wait_job_on_top (fixture, job);

  g_assert_true (job_label_is (fixture, job, "title_label", "Hangzhou Office"));
  g_assert_nonnull (strstr (job_text (fixture, job, "subtitle_label"),
                            "Sync to the OA system · Apply"));
  g_assert_true (job_label_is (fixture, job, "state_label", "Queued"));
  g_assert_true (job_shows (fixture, job, "cancel_button"));
  g_assert_true (job_shows (fixture, job, "progress_bar"));
  /* Unknown amount of work: the bar pulses. */
  YQ_WAIT_FOR (job_pulses (fixture, job));

  yq_dbus_job_set_state (job, "running");
  yq_dbus_job_set_started_at (job, g_get_real_time () / G_USEC_PER_SEC);
  yq_dbus_job_set_fraction (job, 0.25);
  yq_dbus_job_set_step (job, "Applying: 1 of 4 operations");
  YQ_WAIT_FOR (job_label_is (fixture, job, "step_label", "Applying: 1 of 4 operations"));
  YQ_WAIT_FOR (job_progress_is (fixture, job, 0.25));
  g_assert_false (job_pulses (fixture, job));
  g_assert_true (job_label_is (fixture, job, "state_label", "Running"));
  g_assert_nonnull (strstr (job_text (fixture, job, "subtitle_label"), "started "));

  yq_dbus_job_set_fraction (job, 0.75);
  YQ_WAIT_FOR (job_progress_is (fixture, job, 0.75));

  /* Finished: the counts in words instead of the progress. */
  yq_dbus_job_set_summary (job, "{\"counts\":{\"create-department\":3,\"update-person\":120,"
                                "\"remove-person\":1,\"unchanged-people\":5},"
                                "\"operations\":124,\"done\":123,\"failed\":1,"
                                "\"warnings\":[\"Two departments are called 财务处\"],"
                                "\"more-warnings\":2}");
  yq_dbus_job_set_run_id (job, 12);
  yq_dbus_job_set_state (job, "succeeded");
  YQ_WAIT_FOR (job_label_is (fixture, job, "state_label", "Done"));
  g_assert_true (job_label_is (fixture, job, "result_label",
                               "3 departments created, 120 people updated, 1 person removed\n"
                               "1 operation failed"));
  g_assert_true (job_label_is (fixture, job, "warnings_label",
                               "Two departments are called 财务处\n…and 2 more warnings"));
  g_assert_false (job_shows (fixture, job, "progress_bar"));
  g_assert_false (job_shows (fixture, job, "cancel_button"));
  g_assert_false (job_shows (fixture, job, "step_label"));
  g_assert_false (job_shows (fixture, job, "confirm_button"));
  g_assert_false (job_shows (fixture, job, "error_label"));
  g_assert_true (gtk_widget_has_css_class (job_child (fixture, job, "state_label"), "success"));
  /* The run in the history is a click away. */
  details = job_child (fixture, job, "details_button");
  g_assert_true (gtk_widget_get_visible (details));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (details)), ==,
                   "win.show-run");
  g_assert_cmpint (g_variant_get_int64 (gtk_actionable_get_action_target_value (
                     GTK_ACTIONABLE (details))), ==, 12);

  /* A new job goes on top. */
  newer = yq_fake_service_add_job (fixture->service, 8, "Ningbo Office", "from-platform", TRUE);
  wait_job_on_top (fixture, newer);
  g_assert_cmpstr (row_job_path (get_job_row (fixture, 1)), ==, job_path (job));
  g_assert_nonnull (strstr (job_text (fixture, newer, "subtitle_label"),
                            "Refresh from the platform · Preview"));

  /* A preview speaks of what would change. */
  yq_dbus_job_set_summary (newer, "{\"counts\":{\"link-person\":2},\"operations\":2}");
  yq_dbus_job_set_state (newer, "succeeded");
  YQ_WAIT_FOR (job_label_is (fixture, newer, "result_label", "2 people to bind"));
  g_assert_false (job_shows (fixture, newer, "details_button"));
}

static void
test_job_cancel (Fixture       *fixture,
                 gconstpointer  data)
{
  YqDBusJob *job;
  GtkWidget *cancel;

  show_settings (fixture);
  fixture->service = yq_fake_service_start ();
  job = yq_fake_service_add_job (fixture->service, 7, "Hangzhou Office", "to-oa", FALSE);
  yq_dbus_job_set_state (job, "running");
  wait_job_on_top (fixture, job);
  YQ_WAIT_FOR (job_label_is (fixture, job, "state_label", "Running"));

  cancel = job_child (fixture, job, "cancel_button");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Cancel the sync of “Hangzhou Office”");
  yq_test_click (cancel);
  YQ_WAIT_FOR (yq_fake_job_get_cancel_calls (job) == 1);
  YQ_WAIT_FOR (job_label_is (fixture, job, "state_label", "Cancelled"));
  g_assert_false (job_shows (fixture, job, "cancel_button"));
  g_assert_false (job_shows (fixture, job, "progress_bar"));
}

static void
test_window_close_keeps_jobs (Fixture       *fixture,
                              gconstpointer  data)
{
  YqDBusJob *job;

  show_settings (fixture);
  fixture->service = yq_fake_service_start ();
  job = yq_fake_service_add_job (fixture->service, 7, "Hangzhou Office", "to-oa", FALSE);
  yq_dbus_job_set_state (job, "running");
  wait_job_on_top (fixture, job);

  /* The jobs live in the service: closing the window leaves them alone. */
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  yq_test_drain ();
  g_assert_cmpuint (yq_fake_job_get_cancel_calls (job), ==, 0);
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "running");
}

static void
test_job_confirm (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *message = "120 people would be removed, more than the 10 % allowed";
  GtkWidget *overlay = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "toast_overlay");
  YqDBusJob *blocked;
  YqDBusJob *failed;
  GtkLabel *error;

  show_settings (fixture);
  fixture->service = yq_fake_service_start ();

  /* Blocked for good: nothing to confirm. */
  failed = yq_fake_service_add_job (fixture->service, 3, "Zhejiang", "to-oa", FALSE);
  yq_dbus_job_set_error (failed, "The top department 总部 is not in the OA directory");
  yq_dbus_job_set_state (failed, "blocked");
  wait_job_on_top (fixture, failed);
  YQ_WAIT_FOR (job_label_is (fixture, failed, "state_label", "Blocked"));
  g_assert_true (job_label_is (fixture, failed, "error_label",
                               "The top department 总部 is not in the OA directory"));
  g_assert_false (job_shows (fixture, failed, "confirm_button"));

  /* Blocked by a threshold: the error, selectable, and a way on. */
  blocked = yq_fake_service_add_job (fixture->service, 7, "Hangzhou Office", "to-platform",
                                     FALSE);
  yq_dbus_job_set_error (blocked, message);
  yq_dbus_job_set_needs_confirmation (blocked, TRUE);
  yq_dbus_job_set_state (blocked, "blocked");
  wait_job_on_top (fixture, blocked);
  YQ_WAIT_FOR (job_label_is (fixture, blocked, "state_label", "Needs confirmation"));
  error = job_child (fixture, blocked, "error_label");
  g_assert_true (job_label_is (fixture, blocked, "error_label", message));
  g_assert_true (gtk_label_get_selectable (error));
  g_assert_true (gtk_label_get_wrap (error));
  g_assert_true (job_shows (fixture, blocked, "confirm_button"));

  yq_test_click (job_child (fixture, blocked, "confirm_button"));
  YQ_WAIT_FOR (fixture->service->start_calls->len == 1);
  assert_start_call (fixture->service, 0, 7, "to-platform", FALSE, TRUE);
  YQ_WAIT_FOR (find_label (overlay, "Sync started") != NULL);
  g_assert_cmpuint (fixture->service->jobs->len, ==, 3);
  wait_job_on_top (fixture, fixture->service->jobs->pdata[2]);
}

static void
test_service_comes_and_goes (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkListBox *list = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "jobs_list");
  YqDBusJob *job;

  show_settings (fixture);
  fixture->service = yq_fake_service_start ();
  job = yq_fake_service_add_job (fixture->service, 7, "Hangzhou Office", "to-oa", FALSE);
  wait_job_on_top (fixture, job);

  /* The service exits: its jobs go with it. */
  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  YQ_WAIT_FOR (gtk_list_box_get_row_at_index (list, 0) == NULL);
  g_assert_nonnull (find_label (GTK_WIDGET (list), "No sync jobs"));

  /* It comes back, with the jobs it has then. */
  fixture->service = yq_fake_service_start ();
  job = yq_fake_service_add_job (fixture->service, 9, "Ningbo Office", "from-platform", FALSE);
  yq_dbus_job_set_state (job, "running");
  wait_job_on_top (fixture, job);
  YQ_WAIT_FOR (job_label_is (fixture, job, "title_label", "Ningbo Office"));
  YQ_WAIT_FOR (job_label_is (fixture, job, "state_label", "Running"));
  g_assert_null (get_job_row (fixture, 1));
}

/* ---- Next runs and the HTTP endpoints ---------------------------------------- */

static const char *
next_run_text (GtkListBoxRow *row)
{
  for (GtkWidget *w = GTK_WIDGET (row); w != NULL; w = yq_test_next_widget (GTK_WIDGET (row), w))
    if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_widget_get_name (w), "next-run") == 0)
      return gtk_label_get_text (GTK_LABEL (w));

  return NULL;
}

static void
test_next_runs (Fixture       *fixture,
                gconstpointer  data)
{
  GtkListBox *list = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW, "schedules_list");
  AdwActionRow *http_row = CHILD (fixture->settings_view, YQ_TYPE_SETTINGS_VIEW,
                                  "http_state_row");
  g_autoptr(GDateTime) next = g_date_time_new_local (2030, 5, 6, 2, 0, 0);
  GtkListBoxRow *row;

  show_settings (fixture);
  YQ_WAIT_FOR (find_label (GTK_WIDGET (list), "companion service is running") != NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (http_row), ==,
                   "Not running: the companion service is not running");

  fixture->service = yq_fake_service_start ();
  g_free (fixture->service->http);
  fixture->service->http = g_strdup ("listening");
  yq_fake_service_add_schedule (fixture->service, 3, "Zhejiang", "from-platform", 0, 3600 * 6);
  yq_fake_service_add_schedule (fixture->service, 7, "Hangzhou Office", "to-oa",
                                g_date_time_to_unix (next), 24 * 3600);
  yq_settings_view_refresh_service (fixture->settings_view);

  /* Soonest first; a schedule that will not run again says so. */
  YQ_WAIT_FOR (gtk_list_box_get_row_at_index (list, 1) != NULL);
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "Hangzhou Office");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Sync to the OA system · every day");
  g_assert_cmpstr (next_run_text (row), ==, "2030-05-06 02:00");
  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Zhejiang");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Refresh from the platform · every 6 hours");
  g_assert_cmpstr (next_run_text (row), ==, "Not scheduled");
  g_assert_null (gtk_list_box_get_row_at_index (list, 2));

  g_assert_cmpstr (adw_action_row_get_subtitle (http_row), ==, "Listening");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (http_row), "error"));

  /* Refreshed with the status. */
  g_free (fixture->service->http);
  fixture->service->http = g_strdup ("Cannot listen on port 8443: address in use");
  g_ptr_array_set_size (fixture->service->schedules, 0);
  yq_settings_view_refresh_service (fixture->settings_view);
  YQ_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (http_row),
                          "Cannot listen on port 8443: address in use") == 0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (http_row), "error"));
  YQ_WAIT_FOR (gtk_list_box_get_row_at_index (list, 0) == NULL);
  g_assert_nonnull (find_label (GTK_WIDGET (list), "No scheduled syncs"));

  /* Gone with the service. */
  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  YQ_WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (http_row),
                          "Not running: the companion service is not running") == 0);
  YQ_WAIT_FOR (find_label (GTK_WIDGET (list), "companion service is running") != NULL);
}

/* ---- Sync runs from the history ------------------------------------------------ */

static gint64
create_run (YqStore *store,
            gint64   connector)
{
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = yq_plan_new ();
  g_autoptr(GError) error = NULL;
  YqPlanCounts *counts;
  gint64 run;

  for (guint i = 0; i < 4; i++)
    {
      YqPlanOp *op = yq_plan_op_new (i < 3 ? YQ_PLAN_OP_CREATE_DEPARTMENT
                                           : YQ_PLAN_OP_UPDATE_PERSON);

      op->source_id = g_strdup_printf ("src-%u", i);
      op->name = g_strdup_printf ("Item %u", i);
      yq_plan_add_op (plan, op);
    }
  counts = yq_plan_get_counts_mut (plan);
  counts->ops[YQ_PLAN_OP_CREATE_DEPARTMENT] = 3;
  counts->ops[YQ_PLAN_OP_UPDATE_PERSON] = 1;
  counts->unchanged_departments = 2;
  counts->unchanged_people = 40;
  yq_plan_add_warning (plan, YQ_PLAN_WARNING_DUPLICATE_DEPARTMENT, "d1",
                       "Two departments are called 财务处");

  run = yq_sync_runs_create (store, connector, YQ_SYNC_DIRECTION_TO_OA, profile, TRUE, plan,
                             &error);
  g_assert_no_error (error);
  g_assert_true (yq_sync_runs_mark_ops (store, run, 0, 3, YQ_SYNC_OP_DONE, NULL, NULL, &error));
  g_assert_true (yq_sync_runs_mark_ops (store, run, 3, 1, YQ_SYNC_OP_FAILED, NULL,
                                        "the mobile number is taken", &error));
  g_assert_true (yq_sync_runs_finish (store, run, YQ_SYNC_RUN_APPLIED,
                                      "[\"Could not update 张三: the mobile number is taken\"]",
                                      &error));
  g_assert_no_error (error);

  return run;
}

static const char *
row_subtitle (YqRunDialog *dialog,
              const char  *name)
{
  return adw_action_row_get_subtitle (CHILD (dialog, YQ_TYPE_RUN_DIALOG, name));
}

static void
assert_run_dialog (YqRunDialog *dialog,
                   gint64       run)
{
  GtkWidget *changes = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "changes_list");
  GtkWidget *errors = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "errors_list");
  GtkWidget *warnings = CHILD (dialog, YQ_TYPE_RUN_DIALOG, "warnings_list");

  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_cmpint (yq_run_dialog_get_run_id (dialog), ==, run);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "stack")),
                   ==, "details");
  g_assert_cmpstr (row_subtitle (dialog, "connector_row"), ==, "Hangzhou Office");
  g_assert_cmpstr (row_subtitle (dialog, "direction_row"), ==, "Sync to the OA system");
  g_assert_cmpstr (row_subtitle (dialog, "state_row"), ==,
                   "Applied; confirmed past a safety threshold");
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$",
                                       row_subtitle (dialog, "started_row"), 0, 0));
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$",
                                       row_subtitle (dialog, "finished_row"), 0, 0));
  g_assert_cmpstr (row_subtitle (dialog, "operations_row"), ==,
                   "4 operations: 3 done, 1 failed");

  g_assert_nonnull (find_label (changes, "Departments created"));
  g_assert_nonnull (find_label (changes, "People updated"));
  g_assert_nonnull (find_label (changes, "2 / 40"));
  g_assert_null (find_label (changes, "People removed"));
  g_assert_nonnull (find_label (errors, "Could not update 张三: the mobile number is taken"));
  g_assert_nonnull (find_label (warnings, "Two departments are called 财务处"));
}

static void
test_show_run (Fixture       *fixture,
               gconstpointer  data)
{
  gint64 connector = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Hangzhou Office",
                                    FALSE);
  gint64 run = create_run (yq_window_get_store (fixture->window), connector);
  YqRunDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-run", "x",
                                             run));
  dialog = (YqRunDialog *) yq_test_find_window (YQ_TYPE_RUN_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) ==
                 GTK_WINDOW (fixture->window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  assert_run_dialog (dialog, run);

  /* Escape closes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_RUN_DIALOG) == NULL);

  /* A run that is not there says so. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-run", "x",
                                             run + 100));
  dialog = (YqRunDialog *) yq_test_find_window (YQ_TYPE_RUN_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (CHILD (dialog, YQ_TYPE_RUN_DIALOG, "stack")),
                   ==, "error");
  g_assert_cmpstr (adw_status_page_get_description (CHILD (dialog, YQ_TYPE_RUN_DIALOG,
                                                           "error_page")), !=, "");
}

/* `yunqiao --show-run=N` in the first instance: the window opens with the
 * run. In a subprocess, which owns the application's name on the test
 * bus only while it runs. */
static gboolean
quit_when_run_shown_cb (gpointer user_data)
{
  GApplication *app = user_data;
  YqRunDialog *dialog = (YqRunDialog *) yq_test_find_window (YQ_TYPE_RUN_DIALOG);

  if (dialog == NULL || !gtk_widget_get_mapped (GTK_WIDGET (dialog)))
    return G_SOURCE_CONTINUE;

  g_assert_true (YQ_IS_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog))));
  assert_run_dialog (dialog, g_ascii_strtoll (g_getenv ("YQ_TEST_RUN_ID"), NULL, 10));
  g_print ("run %" G_GINT64_FORMAT " shown\n", yq_run_dialog_get_run_id (dialog));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_application_quit (app);

  return G_SOURCE_REMOVE;
}

static gint64
prepare_run_for_app (char **data_dir)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_autoptr(GError) error = NULL;

  *data_dir = yq_test_make_data_dir ();
  store = yq_store_open_in_dir (*data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (*data_dir, &error);
  g_assert_no_error (error);

  yq_connector_set_name (connector, "Hangzhou Office");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app-key");
  yq_connectors_save (store, secrets, connector, "app-secret", "dir-secret", &error);
  g_assert_no_error (error);

  return create_run (store, yq_connector_get_id (connector));
}

static void
test_show_run_option_first_instance (void)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *run_text = NULL;
  g_autofree char *option = NULL;
  gint64 run;

  if (g_test_subprocess ())
    {
      g_autoptr(YqApplication) app = yq_application_new ();
      char *argv[] = { "yunqiao", (char *) g_getenv ("YQ_TEST_OPTION"), NULL };
      int status;

      g_timeout_add (20, quit_when_run_shown_cb, app);
      status = g_application_run (G_APPLICATION (app), 2, argv);
      g_assert_cmpint (status, ==, 0);
      return;
    }

  run = prepare_run_for_app (&data_dir);
  run_text = g_strdup_printf ("%" G_GINT64_FORMAT, run);
  option = g_strdup_printf ("--show-run=%" G_GINT64_FORMAT, run);
  g_setenv ("YQ_TEST_RUN_ID", run_text, TRUE);
  g_setenv ("YQ_TEST_OPTION", option, TRUE);

  g_test_trap_subprocess (NULL, YQ_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*run * shown*");

  g_unsetenv ("YQ_TEST_OPTION");
  g_unsetenv ("YQ_TEST_RUN_ID");
  yq_test_remove_data_dir (g_steal_pointer (&data_dir));
}

static void
child_exited_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* `yunqiao --show-run=N` while the app runs: the second process hands the
 * run to the first one and exits. */
static void
test_show_run_option_second_instance (void)
{
  g_autoptr(YqApplication) app = yq_application_new ();
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *option = NULL;
  YqRunDialog *dialog;
  gboolean exited = FALSE;
  gint64 run;

  run = prepare_run_for_app (&data_dir);

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  option = g_strdup_printf ("--show-run=%" G_GINT64_FORMAT, run);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, YQ_APP_BINARY, option, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check_async (child, NULL, child_exited_cb, &exited);

  YQ_WAIT_FOR (exited && yq_test_find_window (YQ_TYPE_RUN_DIALOG) != NULL);
  dialog = (YqRunDialog *) yq_test_find_window (YQ_TYPE_RUN_DIALOG);
  assert_run_dialog (dialog, run);
  g_assert_true (YQ_IS_WINDOW (gtk_window_get_transient_for (GTK_WINDOW (dialog))));

  yq_test_destroy_window (gtk_window_get_transient_for (GTK_WINDOW (dialog)));
  yq_test_remove_data_dir (g_steal_pointer (&data_dir));
}

static void
test_bad_run_option (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *stderr_text = NULL;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                            &error, YQ_APP_BINARY, "--show-run=-5", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, NULL, &stderr_text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 1);
  g_assert_nonnull (strstr (stderr_text, "positive number"));
}

/* ---- Words ---------------------------------------------------------------------- */

static void
test_format_counts (void)
{
  g_autofree char *empty = NULL;
  g_autofree char *apply = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *warnings = NULL;

  apply = yq_sync_ui_format_counts ("{\"create-department\":1,\"delete-department\":2,"
                                    "\"create-person\":0,\"link-person\":1}", FALSE);
  g_assert_cmpstr (apply, ==, "1 department created, 2 departments deleted, 1 person bound");
  preview = yq_sync_ui_format_counts ("{\"update-department\":4,\"create-person\":1}", TRUE);
  g_assert_cmpstr (preview, ==, "4 departments to update, 1 person to create");
  empty = yq_sync_ui_format_counts ("{\"unchanged-people\":3}", FALSE);
  g_assert_cmpstr (empty, ==, "No changes");
  bad = yq_sync_ui_format_counts ("[1,2]", FALSE);
  g_assert_null (bad);

  /* A row lists a few warnings and counts the others. */
  summary = yq_sync_ui_format_job_summary ("{\"counts\":{},\"warnings\":[\"w1\",\"w2\",\"w3\","
                                           "\"w4\",\"w5\"],\"more-warnings\":2}",
                                           TRUE, 3, &warnings);
  g_assert_cmpstr (summary, ==, "No changes");
  g_assert_cmpstr (warnings, ==, "w1\nw2\nw3\n…and 4 more warnings");
  g_clear_pointer (&summary, g_free);
  g_clear_pointer (&warnings, g_free);
  /* A job that failed before it had a plan has no counts. */
  summary = yq_sync_ui_format_job_summary ("{}", FALSE, 3, &warnings);
  g_assert_null (summary);
  g_assert_null (warnings);

  g_assert_cmpstr (yq_sync_ui_job_state_label ("blocked", FALSE), ==, "Blocked");
  g_assert_cmpstr (yq_sync_ui_job_state_label ("blocked", TRUE), ==, "Needs confirmation");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/jobs/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("menu-items", test_menu_items);
  ADD ("start-sync", test_start_sync);
  ADD ("start-busy", test_start_busy);
  ADD ("start-fails", test_start_fails);
  ADD ("job-updates-live", test_job_updates_live);
  ADD ("job-cancel", test_job_cancel);
  ADD ("window-close-keeps-jobs", test_window_close_keeps_jobs);
  ADD ("job-confirm", test_job_confirm);
  ADD ("service-comes-and-goes", test_service_comes_and_goes);
  ADD ("next-runs", test_next_runs);
  ADD ("show-run", test_show_run);
  g_test_add_func ("/display/jobs/show-run-option/first-instance",
                   test_show_run_option_first_instance);
  g_test_add_func ("/display/jobs/show-run-option/second-instance",
                   test_show_run_option_second_instance);
  g_test_add_func ("/display/jobs/show-run-option/bad", test_bad_run_option);
  g_test_add_func ("/display/jobs/format-counts", test_format_counts);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
