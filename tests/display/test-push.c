/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-display-test.h"
#include "yq-push-inbox.h"
#include "yq-push-log.h"
#include "yq-push-rule-editor.h"
#include "yq-push-view.h"
#include "yq-window.h"
#include "yunqiao-core.h"

/* The Message Push page over a store with a 政务钉钉 and a 云之家
 * connector and an app: a rule added through the editor with a 云之家
 * public-account key that is stored and never shown, switched off and
 * removed after confirmation; an intake token shown once and revoked; a
 * test message to a bound and an unbound account, and the delivery log
 * with its filters, a dead delivery and "Retry Now". */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

#define PUB_KEY "pub-KEY-typed-into-the-form-7c1e"
#define RULE_NAME "审批提醒"
#define EXTERNAL "https://bridge.example.gov.cn"

typedef struct
{
  char          *data_dir;
  YqWindow      *window;
  YqPushView    *view;
  YqStore       *store;
  YqSecrets     *secrets;
  YqFakeService *service;
  gint64         zwdd;
  gint64         yzj;
  gint64         app;
} Fixture;

static gint64
add_connector (Fixture           *fixture,
               YqConnectorPreset  preset,
               const char        *name)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;
  gboolean yzj = yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ;

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, yzj ? "10109" : "196729");
  yq_connector_set_app_key (connector, "directory-app-key");
  g_assert_true (yq_connectors_save (fixture->store, fixture->secrets, connector,
                                     "directory-app-secret",
                                     yzj ? "directory-secret" : NULL, &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(YqApp) app = yq_app_new ();
  g_autoptr(GError) error = NULL;

  fixture->service = yq_fake_service_start ();
  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));

  fixture->store = yq_window_get_store (fixture->window);
  fixture->secrets = yq_window_get_secrets (fixture->window);
  fixture->view = CHILD (fixture->window, YQ_TYPE_WINDOW, "push_view");
  g_assert_true (YQ_IS_PUSH_VIEW (fixture->view));

  fixture->zwdd = add_connector (fixture, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙政钉");
  fixture->yzj = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");

  app->connector_id = fixture->yzj;
  app->name = g_strdup ("OA 审批");
  app->app_key = g_strdup ("SP-1");
  app->target = YQ_APP_TARGET_CUSTOM;
  app->custom_url = g_strdup ("https://oa.example.gov.cn/approvals");
  fixture->app = yq_apps_add (fixture->store, fixture->secrets, app, "app-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fixture->app, >, 0);

  yq_window_show_view (fixture->window, "push");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  yq_test_drain ();
  yq_fake_service_stop (fixture->service);
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
find_row (Fixture    *fixture,
          const char *prefix,
          gint64      id)
{
  g_autofree char *name = g_strdup_printf ("%s-%lld", prefix, (long long) id);

  return find_named (GTK_WIDGET (fixture->view), name);
}

/* The text of every label of every window. */
static char *
collect_all_labels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      yq_test_collect_labels (window, text);
    }

  return g_string_free (text, FALSE);
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

/* Answers @dialog with @response, which opens another dialog, and
 * returns that one. */
static AdwMessageDialog *
respond_for_next (AdwMessageDialog *dialog,
                  const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  YQ_WAIT_FOR (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) != NULL &&
               (gpointer) yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG) != (gpointer) dialog);

  return ADW_MESSAGE_DIALOG (yq_test_find_window (ADW_TYPE_MESSAGE_DIALOG));
}

static gboolean
can_save (YqPushRuleEditor *editor)
{
  return gtk_widget_is_sensitive (GTK_WIDGET (CHILD (editor, YQ_TYPE_PUSH_RULE_EDITOR,
                                                     "save_button")));
}

static void
select_named (AdwComboRow *row,
              const char  *name)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name))
      {
        adw_combo_row_set_selected (row, i);
        return;
      }

  g_error ("No choice “%s”", name);
}

static YqPushRuleEditor *
wait_editor (void)
{
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_PUSH_RULE_EDITOR) != NULL);

  return YQ_PUSH_RULE_EDITOR (yq_test_find_window (YQ_TYPE_PUSH_RULE_EDITOR));
}

/* The n-th target group of the editor, from 0. */
static GtkWidget *
get_target (YqPushRuleEditor *editor,
            guint             n)
{
  GtkWidget *root = GTK_WIDGET (editor);

  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (ADW_IS_PREFERENCES_GROUP (w) && g_strcmp0 (gtk_widget_get_name (w), "target") == 0 &&
        n-- == 0)
      return w;

  return NULL;
}

static YqPushRule *
the_only_rule (Fixture *fixture)
{
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GError) error = NULL;

  rules = yq_push_rules_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 1);

  return yq_push_rule_copy (g_ptr_array_index (rules, 0));
}

static void
test_rules (Fixture       *fixture,
            gconstpointer  data)
{
  GtkStack *rules_stack = CHILD (fixture->view, YQ_TYPE_PUSH_VIEW, "rules_stack");
  g_autoptr(YqPushRule) rule = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *labels = NULL;
  YqPushRuleEditor *editor;
  AdwMessageDialog *dialog;
  GtkWidget *target;
  GtkWidget *row;
  GtkWidget *error_label;
  YqPushTarget *yzj_target = NULL;
  guint reloads;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (rules_stack), ==, "empty");

  /* A new rule starts with one target; it needs a name. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "push.add-rule", NULL));
  editor = wait_editor ();
  g_assert_nonnull (get_target (editor, 0));
  g_assert_null (get_target (editor, 1));
  g_assert_false (can_save (editor));
  gtk_editable_set_text (GTK_EDITABLE (CHILD (editor, YQ_TYPE_PUSH_RULE_EDITOR, "name_row")),
                         RULE_NAME);
  g_assert_true (can_save (editor));
  select_named (CHILD (editor, YQ_TYPE_PUSH_RULE_EDITOR, "source_row"), "审批");

  /* Without targets nothing can be saved. */
  yq_test_click (find_named (get_target (editor, 0), "remove-target-button"));
  g_assert_null (get_target (editor, 0));
  g_assert_false (can_save (editor));

  /* A 浙政钉 work notification… */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-target", NULL));
  target = get_target (editor, 0);
  select_named (ADW_COMBO_ROW (find_named (target, "connector-row")), "浙政钉");
  g_assert_false (gtk_widget_is_visible (find_named (target, "pub-id-row")));

  /* …and a 云之家 public-account message, which needs the public account. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-target", NULL));
  target = get_target (editor, 1);
  select_named (ADW_COMBO_ROW (find_named (target, "connector-row")), "云之家");
  select_named (ADW_COMBO_ROW (find_named (target, "app-row")), "OA 审批");
  g_assert_true (gtk_widget_is_visible (find_named (target, "pub-id-row")));
  g_assert_true (gtk_widget_is_visible (find_named (target, "pub-key-entry")));

  /* The store refuses the target without its public account: the reason
   * shows and the editor stays. */
  g_assert_true (can_save (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  g_assert_true (gtk_revealer_get_reveal_child (CHILD (editor, YQ_TYPE_PUSH_RULE_EDITOR,
                                                       "error_revealer")));
  error_label = CHILD (editor, YQ_TYPE_PUSH_RULE_EDITOR, "error_label");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");
  g_assert_true (yq_test_find_window (YQ_TYPE_PUSH_RULE_EDITOR) == GTK_WINDOW (editor));

  set_text (target, "pub-id-row", "XT-0001");
  set_text (target, "pub-key-entry", PUB_KEY);
  reloads = fixture->service->reloads;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_PUSH_RULE_EDITOR) == NULL);
  YQ_WAIT_FOR (fixture->service->reloads > reloads);

  rule = the_only_rule (fixture);
  g_assert_cmpstr (rule->name, ==, RULE_NAME);
  g_assert_cmpstr (rule->source, ==, "审批");
  g_assert_true (rule->enabled);
  g_assert_cmpuint (rule->targets->len, ==, 2);
  for (guint i = 0; i < rule->targets->len; i++)
    {
      YqPushTarget *t = g_ptr_array_index (rule->targets, i);

      g_assert_cmpint (t->kind, ==, YQ_PUSH_KIND_NOTIFICATION);
      if (t->connector_id == fixture->yzj)
        yzj_target = t;
      else
        {
          g_assert_cmpint (t->connector_id, ==, fixture->zwdd);
          g_assert_cmpint (t->app_id, ==, 0);
          g_assert_null (t->yzj_pub_id);
        }
    }
  g_assert_nonnull (yzj_target);
  g_assert_cmpint (yzj_target->app_id, ==, fixture->app);
  g_assert_cmpstr (yzj_target->yzj_pub_id, ==, "XT-0001");
  key = yq_push_target_get_pub_key (fixture->store, fixture->secrets, yzj_target->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, PUB_KEY);

  /* The page lists it with its targets, and never the key. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (rules_stack), ==, "rules");
  row = find_row (fixture, "rule", rule->id);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, RULE_NAME);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "审批 → "));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "浙政钉 · Work Notification"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "云之家 · Public-Account Message"));
  labels = collect_all_labels ();
  g_assert_null (strstr (labels, PUB_KEY));
  g_clear_pointer (&labels, g_free);

  /* Edited, the key field is empty and says an empty one keeps it; saving
   * keeps it. */
  yq_test_click (find_named (row, "edit-rule-button"));
  editor = wait_editor ();
  g_assert_false (yq_push_rule_editor_get_is_new (editor));
  target = get_target (editor, 0);
  if (!gtk_widget_is_visible (find_named (target, "pub-key-entry")))
    target = get_target (editor, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (target, "pub-key-entry"))),
                   ==, "");
  {
    g_autofree char *placeholder = NULL;

    g_object_get (find_named (target, "pub-key-entry"), "placeholder-text", &placeholder, NULL);
    g_assert_nonnull (strstr (placeholder, "leave empty to keep"));
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_named (target, "pub-id-row"))),
                   ==, "XT-0001");
  labels = collect_all_labels ();
  g_assert_null (strstr (labels, PUB_KEY));
  g_clear_pointer (&labels, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_PUSH_RULE_EDITOR) == NULL);
  g_clear_pointer (&key, g_free);
  key = yq_push_target_get_pub_key (fixture->store, fixture->secrets, yzj_target->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, PUB_KEY);

  /* Switched off from the list. */
  row = find_row (fixture, "rule", rule->id);
  gtk_switch_set_active (GTK_SWITCH (find_named (row, "rule-switch")), FALSE);
  {
    g_autoptr(YqPushRule) stored = the_only_rule (fixture);

    g_assert_false (stored->enabled);
  }
  row = find_row (fixture, "rule", rule->id);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (find_named (row, "rule-switch"))));

  /* Removing asks first, naming the rule. */
  yq_test_click (find_named (row, "remove-rule-button"));
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), RULE_NAME));
  yq_test_respond (dialog, "cancel");
  g_clear_pointer (&rule, yq_push_rule_free);
  rule = the_only_rule (fixture);

  yq_test_click (find_named (find_row (fixture, "rule", rule->id), "remove-rule-button"));
  dialog = yq_test_wait_message_dialog ();
  yq_test_respond (dialog, "remove");
  {
    g_autoptr(GPtrArray) rules = yq_push_rules_list (fixture->store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rules->len, ==, 0);
  }
  g_assert_null (find_row (fixture, "rule", rule->id));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (rules_stack), ==, "empty");
}

static void
test_tokens (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *labels = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *extra;
  GtkWidget *row;
  GtkLabel *url_label = CHILD (fixture->view, YQ_TYPE_PUSH_VIEW, "intake_url_label");
  YqPushToken *stored;
  gint64 id;

  yq_push_view_show_page (fixture->view, "intake");

  /* Without the external address there is no URL, only the way to set
   * it. */
  g_assert_true (gtk_widget_get_visible (CHILD (fixture->view, YQ_TYPE_PUSH_VIEW,
                                                "open_settings_button")));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (url_label)));
  g_assert_true (yq_settings_set (fixture->store, YQ_SETTING_EXTERNAL_ADDRESS, EXTERNAL, &error));
  g_assert_no_error (error);
  yq_push_view_reload (fixture->view);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (url_label)));
  g_assert_cmpstr (gtk_label_get_text (url_label), ==, EXTERNAL "/api/v1/messages");

  /* Generated with a name, the token shows once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "push.generate-token",
                                             NULL));
  dialog = yq_test_wait_message_dialog ();
  extra = adw_message_dialog_get_extra_child (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "generate"));
  set_text (extra, "token-name-row", "泛微 OA");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "generate"));
  dialog = respond_for_next (dialog, "generate");
  extra = adw_message_dialog_get_extra_child (dialog);
  token = g_strdup (gtk_label_get_text (GTK_LABEL (find_named (extra, "new-token-label"))));
  g_assert_true (g_str_has_prefix (token, "yqp_"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be shown again"));
  id = yq_push_tokens_verify (fixture->store, token, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  yq_test_respond (dialog, "close");

  /* After that it shows nowhere. */
  labels = collect_all_labels ();
  g_assert_null (strstr (labels, token));
  tokens = yq_push_tokens_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 1);
  stored = g_ptr_array_index (tokens, 0);
  g_assert_cmpint (stored->id, ==, id);
  row = find_row (fixture, "token", id);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "泛微 OA");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), stored->prefix));

  /* Revoking asks first; then the OA is refused. */
  yq_test_click (find_named (row, "revoke-token-button"));
  dialog = yq_test_wait_message_dialog ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "泛微 OA"));
  yq_test_respond (dialog, "revoke");
  g_assert_cmpint (yq_push_tokens_verify (fixture->store, token,
                                          g_get_real_time () / G_USEC_PER_SEC, &error), ==, 0);
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  row = find_row (fixture, "token", id);
  g_assert_null (find_named (row, "revoke-token-button"));
  {
    g_autoptr(GString) text = g_string_new (NULL);

    yq_test_collect_labels (row, text);
    g_assert_nonnull (strstr (text->str, "Revoked"));
  }
}

static void
put_bound_person (Fixture    *fixture,
                  const char *platform_id,
                  const char *oa_account)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (platform_id, "张三");
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_strsplit ("d1", ",", -1);
  person->account_id = g_strdup ("account-1");
  person->active = TRUE;
  g_assert_true (yq_bridge_directory_put_person (fixture->store, fixture->zwdd, person, &error));
  g_assert_no_error (error);
  result = yq_bindings_bind (fixture->store, fixture->zwdd, platform_id, oa_account, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
}

static gint64
add_rule (Fixture *fixture)
{
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(GError) error = NULL;
  YqPushTarget *target = yq_push_target_new ();

  rule->name = g_strdup (RULE_NAME);
  rule->source = g_strdup ("审批");
  rule->enabled = TRUE;
  target->connector_id = fixture->zwdd;
  target->kind = YQ_PUSH_KIND_NOTIFICATION;
  g_ptr_array_add (rule->targets, target);
  g_assert_true (yq_push_rules_save (fixture->store, fixture->secrets, rule, &error));
  g_assert_no_error (error);

  return rule->id;
}

static int
find_delivery (YqPushLog  *log,
               const char *account)
{
  for (guint i = 0; i < yq_push_log_get_n_items (log); i++)
    if (g_strcmp0 (yq_push_log_get_delivery (log, i)->oa_account, account) == 0)
      return i;

  return -1;
}

/* Whether the log's labels show @shown (nullable) and not @hidden
 * (nullable); the rows draw on the next frames. A cell is a whole line. */
static gboolean
log_shows (YqPushLog  *log,
           const char *shown,
           const char *hidden)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *root = GTK_WIDGET (log);

  /* Only what is drawn: the view keeps unused rows for later. */
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (GTK_IS_LABEL (w) && gtk_widget_is_drawable (w))
      g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (w)));

  return (shown == NULL || strstr (text->str, shown) != NULL) &&
         (hidden == NULL || strstr (text->str, hidden) == NULL);
}

static void
test_send_and_log (Fixture       *fixture,
                   gconstpointer  data)
{
  YqPushLog *log = yq_push_view_get_log (fixture->view);
  GtkSelectionModel *selection;
  g_autoptr(YqDeliveryBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *extra;
  YqDeliveryOutcome outcome = { 0, };
  GtkWidget *retry_button = CHILD (log, YQ_TYPE_PUSH_LOG, "retry_button");
  gint64 rule_id;
  gint64 dead_id;
  guint reloads;
  int zhangsan;
  int lisi;

  put_bound_person (fixture, "E1001", "zhangsan");
  rule_id = add_rule (fixture);
  yq_push_view_reload (fixture->view);

  /* A test message to a bound and an unbound account. */
  yq_test_click (find_named (find_row (fixture, "rule", rule_id), "test-rule-button"));
  dialog = yq_test_wait_message_dialog ();
  extra = adw_message_dialog_get_extra_child (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "send"));
  set_text (extra, "test-accounts-row", "zhangsan, lisi");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "send"));
  reloads = fixture->service->reloads;
  dialog = respond_for_next (dialog, "send");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 delivery queued"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "lisi"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "zhangsan"));
  YQ_WAIT_FOR (fixture->service->reloads > reloads);
  yq_test_respond (dialog, "log");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (log)));

  /* The log shows both recipients. */
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, 2);
  zhangsan = find_delivery (log, "zhangsan");
  lisi = find_delivery (log, "lisi");
  g_assert_cmpint (zhangsan, >=, 0);
  g_assert_cmpint (lisi, >=, 0);
  g_assert_cmpint (yq_push_log_get_delivery (log, zhangsan)->state, ==, YQ_DELIVERY_PENDING);
  g_assert_cmpint (yq_push_log_get_delivery (log, lisi)->state, ==, YQ_DELIVERY_UNBOUND);
  g_assert_cmpstr (yq_push_log_get_delivery (log, lisi)->title, ==, "Yunqiao test message");
  YQ_WAIT_FOR (log_shows (log, "\nPending\n", NULL) && log_shows (log, "\nUnbound\n", NULL) &&
               log_shows (log, "Not bound on this connector", NULL));
  g_assert_nonnull (strstr (gtk_label_get_text (CHILD (log, YQ_TYPE_PUSH_LOG, "summary_label")),
                            "Unbound: 1"));

  /* Filtered by state, and searched. */
  gtk_drop_down_set_selected (CHILD (log, YQ_TYPE_PUSH_LOG, "state_dropdown"), 5);
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, 1);
  g_assert_cmpstr (yq_push_log_get_delivery (log, 0)->oa_account, ==, "lisi");
  gtk_drop_down_set_selected (CHILD (log, YQ_TYPE_PUSH_LOG, "state_dropdown"), 2);
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (CHILD (log, YQ_TYPE_PUSH_LOG, "log_stack")),
                   ==, "empty");
  gtk_drop_down_set_selected (CHILD (log, YQ_TYPE_PUSH_LOG, "state_dropdown"), 0);
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, 2);
  gtk_editable_set_text (GTK_EDITABLE (CHILD (log, YQ_TYPE_PUSH_LOG, "search_entry")),
                         "zhangsan");
  YQ_WAIT_FOR (yq_push_log_get_n_items (log) == 1);
  g_assert_cmpstr (yq_push_log_get_delivery (log, 0)->oa_account, ==, "zhangsan");
  gtk_editable_set_text (GTK_EDITABLE (CHILD (log, YQ_TYPE_PUSH_LOG, "search_entry")), "");
  YQ_WAIT_FOR (yq_push_log_get_n_items (log) == 2);

  /* The platform refuses the bound one for good. */
  batch = yq_push_deliveries_claim (fixture->store, g_get_real_time () / 1000, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (batch);
  g_assert_cmpuint (batch->deliveries->len, ==, 1);
  dead_id = ((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->id;
  outcome.id = dead_id;
  outcome.error = "errcode 33012: not in the app's visible range";
  outcome.final = TRUE;
  g_assert_true (yq_push_deliveries_finish (fixture->store, &outcome, 1,
                                            g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);

  yq_push_log_reload (log);
  zhangsan = find_delivery (log, "zhangsan");
  lisi = find_delivery (log, "lisi");
  g_assert_cmpint (yq_push_log_get_delivery (log, zhangsan)->id, ==, dead_id);
  g_assert_cmpint (yq_push_log_get_delivery (log, zhangsan)->state, ==, YQ_DELIVERY_DEAD);
  YQ_WAIT_FOR (log_shows (log, "\nDead\n", NULL) && log_shows (log, "errcode 33012", NULL));

  /* Retry is for failed deliveries only. */
  selection = gtk_column_view_get_model (CHILD (log, YQ_TYPE_PUSH_LOG, "column_view"));
  g_assert_false (gtk_widget_is_sensitive (retry_button));
  gtk_selection_model_select_item (selection, lisi, TRUE);
  g_assert_false (gtk_widget_is_sensitive (retry_button));
  gtk_selection_model_select_item (selection, zhangsan, TRUE);
  g_assert_true (gtk_widget_is_sensitive (retry_button));

  reloads = fixture->service->reloads;
  yq_test_click (retry_button);
  YQ_WAIT_FOR (fixture->service->reloads > reloads);
  zhangsan = find_delivery (log, "zhangsan");
  g_assert_cmpint (yq_push_log_get_delivery (log, zhangsan)->state, ==, YQ_DELIVERY_PENDING);
  /* The selection stays, but nothing selected can be retried now. */
  g_assert_true (gtk_selection_model_is_selected (selection, zhangsan));
  g_assert_false (gtk_widget_is_sensitive (retry_button));
  {
    YqDeliveryFilter filter = { 1 << YQ_DELIVERY_PENDING, 0, };
    g_autoptr(GPtrArray) pending = yq_push_deliveries_list (fixture->store, &filter, NULL,
                                                            &error);

    g_assert_no_error (error);
    g_assert_cmpuint (pending->len, ==, 1);
    g_assert_cmpint (((YqDelivery *) g_ptr_array_index (pending, 0))->id, ==, dead_id);
  }
  YQ_WAIT_FOR (log_shows (log, "\nPending\n", "\nDead\n"));
}

/* The log reads a page at a time. */
static void
test_load_more (Fixture       *fixture,
                gconstpointer  data)
{
  YqPushLog *log = yq_push_view_get_log (fixture->view);
  GtkButton *load_more = CHILD (log, YQ_TYPE_PUSH_LOG, "load_more_button");
  g_autoptr(YqPushMessage) message = yq_push_message_new ();
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint n = YQ_PUSH_LOG_PAGE_SIZE + 100;

  add_rule (fixture);
  message->idempotency_key = g_strdup ("oa-many");
  message->source = g_strdup ("审批");
  message->event = YQ_PUSH_EVENT_NOTIFICATION;
  message->title = g_strdup ("全员通知");
  message->recipients = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    message->recipients[i] = g_strdup_printf ("user%04u", i);
  intake = yq_push_inbox_accept (fixture->store, 0, message, 0,
                                 g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);

  yq_push_view_show_page (fixture->view, "log");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (log)));
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, YQ_PUSH_LOG_PAGE_SIZE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (load_more)));
  expected = g_strdup_printf ("%u of %u", YQ_PUSH_LOG_PAGE_SIZE, n);
  g_assert_nonnull (strstr (gtk_button_get_label (load_more), expected));

  yq_test_click (GTK_WIDGET (load_more));
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, n);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (load_more)));

  /* A refresh keeps what was loaded. */
  yq_push_log_reload (log);
  g_assert_cmpuint (yq_push_log_get_n_items (log), ==, n);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/push/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("rules", test_rules);
  ADD ("tokens", test_tokens);
  ADD ("send-and-log", test_send_and_log);
  ADD ("load-more", test_load_more);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
