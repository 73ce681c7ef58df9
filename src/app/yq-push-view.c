/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-push-view"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "yq-push-inbox.h"
#include "yq-push-log.h"
#include "yq-push-rule-editor.h"
#include "yq-push-view.h"
#include "yq-service-client.h"

#define INTAKE_PATH "/api/v1/messages"

struct _YqPushView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwHeaderBar        *header_bar;
  GtkButton           *back_button;
  AdwToastOverlay     *toast_overlay;
  AdwViewSwitcherBar  *switcher_bar;
  AdwViewStack        *view_stack;
  GtkStack            *rules_stack;
  AdwStatusPage       *error_page;
  AdwPreferencesGroup *rules_group;
  YqPushLog           *push_log;
  AdwActionRow        *intake_url_row;
  GtkLabel            *intake_url_label;
  GtkWidget           *copy_intake_url_button;
  GtkWidget           *open_settings_button;
  AdwPreferencesGroup *tokens_group;

  YqStore             *store;
  YqSecrets           *secrets;
  /* The rows added to the rules and tokens groups, to take them out on
   * reload. */
  GPtrArray           *rule_rows;
  GPtrArray           *token_rows;
  GCancellable        *cancellable;
  guint                folded : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_FOLDED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqPushView, yq_push_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* What a confirmation or a form dialog acts on. */
typedef struct
{
  YqPushView *view;
  gint64      id;
} Request;

static void
request_free (gpointer  data,
              GClosure *closure)
{
  Request *request = data;

  g_clear_weak_pointer (&request->view);
  g_free (request);
}

static Request *
request_new (YqPushView *self,
             gint64      id)
{
  Request *request = g_new0 (Request, 1);

  g_set_weak_pointer (&request->view, self);
  request->id = id;

  return request;
}

static GtkWindow *
get_parent_window (YqPushView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqPushView *self,
                     const char *heading,
                     const char *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_toast (YqPushView *self,
           const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
configuration_changed (YqPushView *self)
{
  yq_push_view_reload (self);
  yq_service_request_reload (self->cancellable);
}

static GtkWidget *
create_icon_button (const char *icon_name,
                    const char *tooltip,
                    const char *action_name,
                    GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);

  return button;
}

static char *
format_date (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/* ---- Rules --------------------------------------------------------------- */

static const char *
target_kind_label (YqConnector *connector,
                   YqPushKind   kind)
{
  if (kind == YQ_PUSH_KIND_TODO)
    return C_("push kind", "Todo");

  if (connector != NULL && yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ)
    return C_("push kind", "Public-Account Message");

  return C_("push kind", "Work Notification");
}

static YqConnector *
find_connector (GPtrArray *connectors,
                gint64     id)
{
  for (guint i = 0; i < connectors->len; i++)
    if (yq_connector_get_id (g_ptr_array_index (connectors, i)) == id)
      return g_ptr_array_index (connectors, i);

  return NULL;
}

static char *
describe_targets (const YqPushRule *rule,
                  GPtrArray        *connectors)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < rule->targets->len; i++)
    {
      YqPushTarget *target = g_ptr_array_index (rule->targets, i);
      YqConnector *connector = find_connector (connectors, target->connector_id);
      g_autofree char *name = NULL;

      if (connector != NULL)
        name = g_strdup (yq_connector_get_name (connector));
      else
        /* Translators: a connector that no longer exists; %lld is its ID. */
        name = g_strdup_printf (_("Connector %lld"), (long long) target->connector_id);

      if (text->len > 0)
        g_string_append (text, _(", "));
      /* Translators: a push target: the connector and what it delivers,
       * e.g. "浙政钉 · Work Notification". */
      g_string_append_printf (text, _("%s · %s"), name,
                              target_kind_label (connector, target->kind));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  yq_push_view_reload (YQ_PUSH_VIEW (user_data));

  return G_SOURCE_REMOVE;
}

static void
rule_switch_changed_cb (GtkSwitch  *enabled_switch,
                        GParamSpec *pspec,
                        YqPushView *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (enabled_switch), "yq-rule-id");
  gboolean active = gtk_switch_get_active (enabled_switch);
  g_autoptr(YqPushRule) rule = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->secrets == NULL)
    return;

  rule = yq_push_rules_get (self->store, id, &error);
  if (rule != NULL && rule->enabled == active)
    return;

  if (rule != NULL)
    {
      rule->enabled = active;
      /* The targets keep their stored keys: yzj_pub_key stays NULL. */
      /* The row shows the new state already; rebuilding it here would
       * destroy the switch in its own notification. */
      if (yq_push_rules_save (self->store, self->secrets, rule, &error))
        {
          yq_service_request_reload (self->cancellable);
          return;
        }
    }

  show_message_dialog (self, _("Cannot Change the Rule"), error->message);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reload_idle_cb, g_object_ref (self), g_object_unref);
}

static GtkWidget *
create_rule_row (YqPushView       *self,
                 const YqPushRule *rule,
                 GPtrArray        *connectors)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *enabled_switch;
  GtkWidget *button;
  g_autofree char *name = g_strdup_printf ("rule-%lld", (long long) rule->id);
  g_autofree char *targets = describe_targets (rule, connectors);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rule->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: a push rule's subtitle: the OA module, then its targets. */
  subtitle = g_strdup_printf (_("%s → %s"),
                              rule->source ? rule->source : _("All modules"), targets);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  enabled_switch = gtk_switch_new ();
  gtk_widget_set_name (enabled_switch, "rule-switch");
  gtk_widget_set_valign (enabled_switch, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (enabled_switch), rule->enabled);
  gtk_widget_set_tooltip_text (enabled_switch, _("Route messages with this rule"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (enabled_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enabled"),
                                  -1);
  g_object_set_data_full (G_OBJECT (enabled_switch), "yq-rule-id",
                          g_memdup2 (&rule->id, sizeof rule->id), g_free);
  g_signal_connect_object (enabled_switch, "notify::active",
                           G_CALLBACK (rule_switch_changed_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), enabled_switch);

  button = create_icon_button ("mail-send-symbolic", _("Send Test Message…"),
                               "push.test-rule", g_variant_new_int64 (rule->id));
  gtk_widget_set_name (button, "test-rule-button");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  button = create_icon_button ("document-edit-symbolic", _("Edit Rule"),
                               "push.edit-rule", g_variant_new_int64 (rule->id));
  gtk_widget_set_name (button, "edit-rule-button");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  button = create_icon_button ("user-trash-symbolic", _("Remove Rule"),
                               "push.remove-rule", g_variant_new_int64 (rule->id));
  gtk_widget_set_name (button, "remove-rule-button");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
add_row (AdwPreferencesGroup *group,
         GPtrArray           *rows,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (rows, row);
}

static void
load_rules (YqPushView *self)
{
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;

  clear_rows (self->rules_group, self->rule_rows);

  if ((connectors = yq_connectors_list (self->store, &error)) == NULL ||
      (rules = yq_push_rules_list (self->store, &error)) == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->rules_stack, "error");
      return;
    }

  for (guint i = 0; i < rules->len; i++)
    add_row (self->rules_group, self->rule_rows,
             create_rule_row (self, g_ptr_array_index (rules, i), connectors));

  gtk_stack_set_visible_child_name (self->rules_stack, rules->len > 0 ? "rules" : "empty");
}

/* Reads the rule again: the service or the CLI may have changed it. */
static YqPushRule *
get_rule (YqPushView *self,
          gint64      id,
          const char *heading)
{
  g_autoptr(GError) error = NULL;
  YqPushRule *rule;

  rule = yq_push_rules_get (self->store, id, &error);
  if (rule == NULL)
    {
      show_message_dialog (self, heading, error->message);
      yq_push_view_reload (self);
    }

  return rule;
}

static void
editor_saved_cb (YqPushView       *self,
                 gint64            id,
                 YqPushRuleEditor *editor)
{
  configuration_changed (self);
}

static void
open_editor (YqPushView       *self,
             const YqPushRule *rule)
{
  YqPushRuleEditor *editor;

  editor = yq_push_rule_editor_new (get_parent_window (self), self->store, self->secrets, rule);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_rule_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);

  if (self->store != NULL && self->secrets != NULL)
    open_editor (self, NULL);
}

static void
edit_rule_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);
  g_autoptr(YqPushRule) rule = NULL;

  if (self->store == NULL || self->secrets == NULL)
    return;

  rule = get_rule (self, g_variant_get_int64 (param), _("Cannot Open the Rule"));
  if (rule != NULL)
    open_editor (self, rule);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    Request          *request)
{
  YqPushView *self = request->view;
  g_autoptr(GError) error = NULL;

  if (self == NULL || g_strcmp0 (response, "remove") != 0)
    return;

  if (!yq_push_rules_remove (self->store, self->secrets, request->id, &error))
    show_message_dialog (self, _("Cannot Remove the Rule"), error->message);

  configuration_changed (self);
}

static void
remove_rule_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);
  g_autoptr(YqPushRule) rule = NULL;
  GtkWidget *dialog;

  if (self->store == NULL || self->secrets == NULL)
    return;

  rule = get_rule (self, g_variant_get_int64 (param), _("Cannot Remove the Rule"));
  if (rule == NULL)
    return;

  dialog = adw_message_dialog_new (get_parent_window (self), _("Remove Push Rule?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is a push rule's name. */
                                  _("“%s” will be removed with its targets and their stored "
                                    "keys. Its messages not yet delivered will not be sent."),
                                  rule->name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_response_cb),
                         request_new (self, rule->id), request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Test messages ------------------------------------------------------- */

static GtkWidget *
create_entry_row (const char *name,
                  const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);

  return row;
}

static GtkWidget *
create_form (GtkWidget *first,
             ...)
{
  GtkWidget *list = gtk_list_box_new ();
  va_list args;

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  va_start (args, first);
  for (GtkWidget *row = first; row != NULL; row = va_arg (args, GtkWidget *))
    gtk_list_box_append (GTK_LIST_BOX (list), row);
  va_end (args);

  return list;
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
get_extra_text (AdwMessageDialog *dialog,
                const char       *name)
{
  GtkWidget *editable = find_named (adw_message_dialog_get_extra_child (dialog), name);

  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static char **
split_accounts (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;
  g_autoptr(GRegex) separators = g_regex_new ("[\\s,;，；、]+", 0, 0, NULL);

  parts = g_regex_split (separators, text, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);

  return g_strv_builder_end (builder);
}

static void
test_fields_changed_cb (GtkEditable      *editable,
                        AdwMessageDialog *dialog)
{
  g_auto(GStrv) accounts = split_accounts (get_extra_text (dialog, "test-accounts-row"));

  adw_message_dialog_set_response_enabled (dialog, "send", accounts[0] != NULL);
}

/* The answer of the intake in words: deliveries, unbound accounts, and
 * whether no target took the message. */
static char *
describe_answer (const char  *answer,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *object;
  JsonNode *node;
  guint deliveries = 0;

  if (!json_parser_load_from_data (parser, answer, -1, error))
    return NULL;
  object = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (object, "deliveries");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    deliveries = json_array_get_length (json_node_get_array (node));
  else if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    deliveries = (guint) json_node_get_int (node);

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%u delivery queued.", "%u deliveries queued.",
                                       deliveries),
                          deliveries);

  node = json_object_get_member (object, "unbound");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      json_array_get_length (json_node_get_array (node)) > 0)
    {
      JsonArray *unbound = json_node_get_array (node);
      g_autoptr(GString) accounts = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (unbound); i++)
        {
          if (accounts->len > 0)
            g_string_append (accounts, _(", "));
          g_string_append (accounts, json_array_get_string_element (unbound, i));
        }

      g_string_append (text, "\n");
      /* Translators: %s lists OA accounts. */
      g_string_append_printf (text, _("Not bound on the target’s connector, so not sent: %s. "
                                      "Bind them on the Bindings page."),
                              accounts->str);
    }

  if (json_object_has_member (object, "unmatched") &&
      json_object_get_boolean_member (object, "unmatched"))
    {
      g_string_append (text, "\n");
      g_string_append (text, _("No target of the rule took the message."));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
show_log_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      YqPushView       *self)
{
  yq_push_view_show_page (self, "log");
}

static void
send_test (YqPushView *self,
           gint64      rule_id,
           const char *accounts,
           const char *text)
{
  g_autoptr(YqPushRule) rule = NULL;
  g_autoptr(YqPushMessage) message = NULL;
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *summary = NULL;
  GtkWidget *dialog;

  rule = get_rule (self, rule_id, _("Cannot Send the Test Message"));
  if (rule == NULL)
    return;

  uuid = g_uuid_string_random ();
  message = yq_push_message_new ();
  message->idempotency_key = g_strconcat ("test-", uuid, NULL);
  message->source = g_strdup (rule->source ? rule->source : "test");
  message->event = YQ_PUSH_EVENT_NOTIFICATION;
  message->title = g_strdup (_("Yunqiao test message"));
  message->content = g_strdup (text[0] != '\0' ? text : NULL);
  message->recipients = split_accounts (accounts);

  intake = yq_push_inbox_accept (self->store, 0, message, rule->id,
                                 g_get_real_time () / G_USEC_PER_SEC, &error);
  if (intake == NULL || (summary = describe_answer (intake->answer, &error)) == NULL)
    {
      show_message_dialog (self, _("Cannot Send the Test Message"), error->message);
      return;
    }

  /* The service delivers at once instead of at its next wake-up. */
  yq_service_request_reload (self->cancellable);
  yq_push_log_reload (self->push_log);

  dialog = adw_message_dialog_new (get_parent_window (self), _("Test Message Queued"), summary);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "log", _("Show _Delivery Log"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_object (dialog, "response::log", G_CALLBACK (show_log_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
test_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  Request          *request)
{
  YqPushView *self = request->view;

  if (self == NULL || g_strcmp0 (response, "send") != 0)
    return;

  send_test (self, request->id,
             get_extra_text (dialog, "test-accounts-row"),
             get_extra_text (dialog, "test-text-row"));
}

static void
test_rule_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);
  g_autoptr(YqPushRule) rule = NULL;
  GtkWidget *dialog;
  GtkWidget *accounts;
  GtkWidget *text;

  if (self->store == NULL)
    return;

  rule = get_rule (self, g_variant_get_int64 (param), _("Cannot Send the Test Message"));
  if (rule == NULL)
    return;

  dialog = adw_message_dialog_new (get_parent_window (self), _("Send Test Message"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is a push rule's name. */
                                  _("Sends a notification to every target of “%s”, enabled "
                                    "or not, for the OA accounts below."),
                                  rule->name);

  accounts = create_entry_row ("test-accounts-row", _("OA Accounts (comma or space separated)"));
  text = create_entry_row ("test-text-row", _("Text"));
  gtk_editable_set_text (GTK_EDITABLE (text), _("This is a test message from Yunqiao."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog),
                                      create_form (accounts, text, NULL));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "send");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (accounts, "changed", G_CALLBACK (test_fields_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (test_response_cb),
                         request_new (self, rule->id), request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (accounts);
}

/* ---- Intake -------------------------------------------------------------- */

static void
load_intake_url (YqPushView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;

  address = yq_settings_get (self->store, YQ_SETTING_EXTERNAL_ADDRESS, &error);
  if (address != NULL && address[0] == '\0')
    {
      adw_action_row_set_subtitle (self->intake_url_row,
                                   _("Set the external address in Settings first: the intake "
                                     "URL is built from it."));
      gtk_label_set_text (self->intake_url_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->intake_url_label), FALSE);
      gtk_widget_set_visible (self->copy_intake_url_button, FALSE);
      gtk_widget_set_visible (self->open_settings_button, TRUE);
      return;
    }

  if (address != NULL)
    url = yq_settings_build_url (self->store, INTAKE_PATH, &error);

  gtk_widget_set_visible (self->open_settings_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->intake_url_label), url != NULL);
  gtk_widget_set_visible (self->copy_intake_url_button, url != NULL);
  gtk_label_set_text (self->intake_url_label, url ? url : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->intake_url_label), url);
  adw_action_row_set_subtitle (self->intake_url_row,
                               url != NULL ? _("POST a JSON message with an intake token")
                                           : error->message);
}

static void
copy_intake_url_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (self->store == NULL)
    return;

  url = yq_settings_build_url (self->store, INTAKE_PATH, &error);
  if (url == NULL)
    {
      show_message_dialog (self, _("Cannot Copy the Intake URL"), error->message);
      return;
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), url);
  add_toast (self, _("Intake URL copied"));
}

static GtkWidget *
create_token_row (const YqPushToken *token)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *name = g_strdup_printf ("token-%lld", (long long) token->id);
  g_autofree char *created = format_date (token->created_at);
  g_autofree char *used = NULL;
  g_autofree char *subtitle = NULL;

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), token->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  if (token->revoked_at != 0)
    {
      g_autofree char *revoked = format_date (token->revoked_at);

      /* Translators: a revoked intake token: its first characters, and
       * dates. */
      subtitle = g_strdup_printf (_("%s… · created %s · revoked %s"),
                                  token->prefix, created, revoked);
    }
  else
    {
      used = token->last_used_at != 0 ? format_date (token->last_used_at)
                                      : g_strdup (C_("token last used", "never"));
      /* Translators: an intake token: its first characters, and dates. */
      subtitle = g_strdup_printf (_("%s… · created %s · last used %s"),
                                  token->prefix, created, used);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  if (token->revoked_at != 0)
    {
      GtkWidget *tag = gtk_label_new (_("Revoked"));

      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (tag, "tag");
      gtk_widget_add_css_class (tag, "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      gtk_widget_add_css_class (row, "dim-label");
    }
  else
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Revoke…"));

      gtk_widget_set_name (button, "revoke-token-button");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "push.revoke-token");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_int64 (token->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
load_tokens (YqPushView *self)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;

  clear_rows (self->tokens_group, self->token_rows);

  tokens = yq_push_tokens_list (self->store, &error);
  if (tokens == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Cannot read the tokens"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_add_css_class (row, "error");
      add_row (self->tokens_group, self->token_rows, row);
      return;
    }

  for (guint i = 0; i < tokens->len; i++)
    add_row (self->tokens_group, self->token_rows,
             create_token_row (g_ptr_array_index (tokens, i)));

  if (tokens->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No tokens yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Generate a token for the OA: without one it cannot send "
                                     "messages."));
      gtk_widget_add_css_class (row, "dim-label");
      add_row (self->tokens_group, self->token_rows, row);
    }
}

static void
copy_token_clicked_cb (GtkButton *button,
                       GtkLabel  *label)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)),
                          gtk_label_get_text (label));
  gtk_button_set_icon_name (button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Copied"));
}

/* Shows the new token, the only time it can be seen. The dialog holds
 * the only copy; it goes with the dialog. */
static void
show_new_token (YqPushView *self,
                const char *token)
{
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *button;

  dialog = adw_message_dialog_new (get_parent_window (self), _("Intake Token Generated"),
                                   _("Copy the token now and give it to the OA. Only its hash "
                                     "is stored: it cannot be shown again."));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  label = gtk_label_new (token);
  gtk_widget_set_name (label, "new-token-label");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Intake token"),
                                  -1);
  gtk_box_append (GTK_BOX (box), label);

  button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_name (button, "copy-token-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Copy Token"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy Token"),
                                  -1);
  g_signal_connect (button, "clicked", G_CALLBACK (copy_token_clicked_cb), label);
  gtk_box_append (GTK_BOX (box), button);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Done"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
token_name_changed_cb (GtkEditable      *editable,
                       AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  adw_message_dialog_set_response_enabled (dialog, "generate", name[0] != '\0');
}

static void
generate_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      Request          *request)
{
  YqPushView *self = request->view;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *token = NULL;

  if (self == NULL || g_strcmp0 (response, "generate") != 0)
    return;

  name = g_strstrip (g_strdup (get_extra_text (dialog, "token-name-row")));
  token = yq_push_tokens_create (self->store, name, NULL, &error);
  if (token == NULL)
    {
      show_message_dialog (self, _("Cannot Generate the Token"), error->message);
      return;
    }

  load_tokens (self);
  show_new_token (self, token);
  /* The service reads tokens from the store; nothing to reload. */
}

static void
generate_token_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);
  GtkWidget *dialog;
  GtkWidget *name;

  if (self->store == NULL)
    return;

  dialog = adw_message_dialog_new (get_parent_window (self), _("Generate Intake Token"),
                                   _("Name the token after the OA system that will use it."));
  name = create_entry_row ("token-name-row", _("Name"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), create_form (name, NULL));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "generate", _("_Generate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "generate",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "generate", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "generate");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (name, "changed", G_CALLBACK (token_name_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (generate_response_cb),
                         request_new (self, 0), request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (name);
}

static void
revoke_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    Request          *request)
{
  YqPushView *self = request->view;
  g_autoptr(GError) error = NULL;

  if (self == NULL || g_strcmp0 (response, "revoke") != 0)
    return;

  if (!yq_push_tokens_revoke (self->store, request->id, &error))
    show_message_dialog (self, _("Cannot Revoke the Token"), error->message);

  load_tokens (self);
}

static void
revoke_token_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  YqPushView *self = YQ_PUSH_VIEW (widget);
  gint64 id = g_variant_get_int64 (param);
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;
  GtkWidget *dialog;

  if (self->store == NULL)
    return;

  tokens = yq_push_tokens_list (self->store, &error);
  for (guint i = 0; tokens != NULL && i < tokens->len; i++)
    {
      YqPushToken *token = g_ptr_array_index (tokens, i);

      if (token->id == id)
        name = token->name;
    }
  if (name == NULL)
    {
      show_message_dialog (self, _("Cannot Revoke the Token"),
                           error ? error->message
                                 : _("The token no longer exists. The list was read again."));
      load_tokens (self);
      return;
    }

  dialog = adw_message_dialog_new (get_parent_window (self), _("Revoke Token?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is a token's name. */
                                  _("The OA can no longer send messages with “%s”. This "
                                    "cannot be undone: generate a new token to replace it."),
                                  name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (revoke_response_cb),
                         request_new (self, id), request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Actions and GObject ------------------------------------------------- */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  yq_push_view_reload (YQ_PUSH_VIEW (widget));
}

static void
update_actions (YqPushView *self)
{
  gboolean ready = self->store != NULL && self->secrets != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.reload", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.add-rule", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.edit-rule", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.remove-rule", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.test-rule", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.generate-token", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.revoke-token", self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "push.copy-intake-url", self->store != NULL);
}

static void
yq_push_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (yq_push_view_parent_class)->map (widget);

  /* Connectors, apps and the external address are edited on other
   * pages. */
  yq_push_view_reload (YQ_PUSH_VIEW (widget));
}

static void
yq_push_view_dispose (GObject *object)
{
  YqPushView *self = YQ_PUSH_VIEW (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_PUSH_VIEW);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  g_clear_pointer (&self->token_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_push_view_parent_class)->dispose (object);
}

static void
yq_push_view_finalize (GObject *object)
{
  YqPushView *self = YQ_PUSH_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (yq_push_view_parent_class)->finalize (object);
}

static void
yq_push_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  YqPushView *self = YQ_PUSH_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;

    case PROP_FOLDED:
      g_value_set_boolean (value, self->folded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_push_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  YqPushView *self = YQ_PUSH_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_push_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_SECRETS:
      yq_push_view_set_secrets (self, g_value_get_object (value));
      break;

    case PROP_FOLDED:
      if (self->folded != g_value_get_boolean (value))
        {
          self->folded = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_push_view_class_init (YqPushViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_push_view_dispose;
  object_class->finalize = yq_push_view_finalize;
  object_class->get_property = yq_push_view_get_property;
  object_class->set_property = yq_push_view_set_property;

  widget_class->map = yq_push_view_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL,
                         YQ_TYPE_SECRETS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (YQ_TYPE_PUSH_LOG);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-push-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqPushView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, back_button);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, rules_stack);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, error_page);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, rules_group);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, push_log);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, intake_url_row);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, intake_url_label);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, copy_intake_url_button);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, open_settings_button);
  gtk_widget_class_bind_template_child (widget_class, YqPushView, tokens_group);

  gtk_widget_class_install_action (widget_class, "push.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "push.add-rule", NULL, add_rule_action);
  gtk_widget_class_install_action (widget_class, "push.edit-rule", "x", edit_rule_action);
  gtk_widget_class_install_action (widget_class, "push.remove-rule", "x", remove_rule_action);
  gtk_widget_class_install_action (widget_class, "push.test-rule", "x", test_rule_action);
  gtk_widget_class_install_action (widget_class, "push.generate-token", NULL,
                                   generate_token_action);
  gtk_widget_class_install_action (widget_class, "push.revoke-token", "x", revoke_token_action);
  gtk_widget_class_install_action (widget_class, "push.copy-intake-url", NULL,
                                   copy_intake_url_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "push.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "push.reload", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_push_view_init (YqPushView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->rule_rows = g_ptr_array_new ();
  self->token_rows = g_ptr_array_new ();

  update_actions (self);
}

YqStore *
yq_push_view_get_store (YqPushView *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_VIEW (self), NULL);

  return self->store;
}

void
yq_push_view_set_store (YqPushView *self,
                        YqStore    *store)
{
  g_return_if_fail (YQ_IS_PUSH_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      update_actions (self);
      yq_push_log_set_store (self->push_log, store);
      yq_push_view_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

YqSecrets *
yq_push_view_get_secrets (YqPushView *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_VIEW (self), NULL);

  return self->secrets;
}

void
yq_push_view_set_secrets (YqPushView *self,
                          YqSecrets  *secrets)
{
  g_return_if_fail (YQ_IS_PUSH_VIEW (self));
  g_return_if_fail (!secrets || YQ_IS_SECRETS (secrets));

  if (g_set_object (&self->secrets, secrets))
    {
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS]);
    }
}

/**
 * yq_push_view_reload:
 * @self: a #YqPushView
 *
 * Reads the rules, the tokens, the external address and the delivery log
 * again.
 */
void
yq_push_view_reload (YqPushView *self)
{
  g_return_if_fail (YQ_IS_PUSH_VIEW (self));

  if (self->store == NULL)
    {
      clear_rows (self->rules_group, self->rule_rows);
      clear_rows (self->tokens_group, self->token_rows);
      gtk_stack_set_visible_child_name (self->rules_stack, "empty");
      return;
    }

  load_rules (self);
  load_intake_url (self);
  load_tokens (self);
  yq_push_log_reload (self->push_log);
}

void
yq_push_view_show_page (YqPushView *self,
                        const char *name)
{
  g_return_if_fail (YQ_IS_PUSH_VIEW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

YqPushLog *
yq_push_view_get_log (YqPushView *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_VIEW (self), NULL);

  return self->push_log;
}
