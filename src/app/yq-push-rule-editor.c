/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-push-rule-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-push-rule-editor.h"

/* The positions of the source row's suggestions. */
enum {
  SOURCE_ALL = 0,
  SOURCE_FIRST_MODULE = 1,
  SOURCE_LAST_MODULE = 3,
  SOURCE_CUSTOM = 4,
};

static const char * const source_modules[] = { "日报", "审批", "考勤" };

/* The rows of one target; the editor's targets array owns them, the page
 * owns their group. */
typedef struct
{
  YqPushRuleEditor *editor;
  /* The stored target, 0 for a new one. */
  gint64            id;
  gboolean          has_pub_key;
  GtkWidget        *group;
  AdwComboRow      *connector_row;
  AdwComboRow      *app_row;
  AdwComboRow      *kind_row;
  AdwEntryRow      *pub_id_row;
  AdwActionRow     *pub_key_row;
  GtkPasswordEntry *pub_key_entry;
  AdwActionRow     *spacing_row;
  GtkSpinButton    *spacing_spin;
  /* The app of each position of the app row; 0 for the connector's own. */
  GArray           *app_ids;
} TargetRows;

struct _YqPushRuleEditor
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwWindowTitle       *title_widget;
  GtkButton            *save_button;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  AdwPreferencesPage   *page;
  AdwEntryRow          *name_row;
  AdwComboRow          *source_row;
  AdwEntryRow          *custom_source_row;
  GtkSwitch            *enabled_switch;
  AdwPreferencesGroup  *targets_group;

  YqStore              *store;
  YqSecrets            *secrets;
  /* The rule as stored, or a new one. */
  YqPushRule           *rule;
  /* (element-type YqConnector): the choices of every connector row. */
  GPtrArray            *connectors;
  /* (element-type TargetRows) */
  GPtrArray            *targets;

  guint                 is_new : 1;
  guint                 loading : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (YqPushRuleEditor, yq_push_rule_editor, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
target_rows_free (TargetRows *target)
{
  g_clear_pointer (&target->app_ids, g_array_unref);
  g_free (target);
}

static char *
get_row_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static void
show_save_error (YqPushRuleEditor *self,
                 const char       *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static YqConnector *
target_get_connector (TargetRows *target)
{
  guint selected = adw_combo_row_get_selected (target->connector_row);

  if (selected >= target->editor->connectors->len)
    return NULL;

  return g_ptr_array_index (target->editor->connectors, selected);
}

static YqPushKind
target_get_kind (TargetRows *target)
{
  return adw_combo_row_get_selected (target->kind_row) == 1 ? YQ_PUSH_KIND_TODO
                                                             : YQ_PUSH_KIND_NOTIFICATION;
}

static gboolean
target_needs_public_account (TargetRows *target)
{
  YqConnector *connector = target_get_connector (target);

  return connector != NULL &&
         yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ &&
         target_get_kind (target) == YQ_PUSH_KIND_NOTIFICATION;
}

static gboolean
target_is_zwdd_notification (TargetRows *target)
{
  YqConnector *connector = target_get_connector (target);

  return connector != NULL &&
         yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD &&
         target_get_kind (target) == YQ_PUSH_KIND_NOTIFICATION;
}

static void
update_form (YqPushRuleEditor *self)
{
  g_autofree char *name = get_row_text (self->name_row);
  g_autofree char *custom = get_row_text (self->custom_source_row);
  gboolean is_custom = adw_combo_row_get_selected (self->source_row) == SOURCE_CUSTOM;

  gtk_widget_set_visible (GTK_WIDGET (self->custom_source_row), is_custom);
  if (self->connectors->len == 0)
    adw_preferences_group_set_description (self->targets_group,
                                           _("Add a connector first: targets deliver through "
                                             "one."));
  else if (self->targets->len == 0)
    adw_preferences_group_set_description (self->targets_group,
                                           _("No targets yet: add at least one connector to "
                                             "deliver to."));
  else
    adw_preferences_group_set_description (self->targets_group,
                                           _("Where the messages go. Recipients are found "
                                             "through the bindings of each target’s "
                                             "connector."));

  for (guint i = 0; i < self->targets->len; i++)
    {
      TargetRows *target = g_ptr_array_index (self->targets, i);
      gboolean yzj_notification = target_needs_public_account (target);
      g_autofree char *title = NULL;

      /* Translators: the title of a rule's target; %u counts from 1. */
      title = g_strdup_printf (_("Target %u"), i + 1);
      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (target->group), title);
      gtk_widget_set_visible (GTK_WIDGET (target->pub_id_row), yzj_notification);
      gtk_widget_set_visible (GTK_WIDGET (target->pub_key_row), yzj_notification);
      gtk_widget_set_visible (GTK_WIDGET (target->spacing_row),
                              target_is_zwdd_notification (target));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-target",
                                 self->connectors->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 name[0] != '\0' &&
                                 (!is_custom || custom[0] != '\0') &&
                                 self->targets->len > 0);
}

static void
field_changed_cb (YqPushRuleEditor *self)
{
  if (self->loading)
    return;

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  update_form (self);
}

/* Fills the app row with the apps of the selected connector, selecting
 * @app_id when it is among them. */
static void
target_load_apps (TargetRows *target,
                  gint64      app_id)
{
  YqPushRuleEditor *self = target->editor;
  YqConnector *connector = target_get_connector (target);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GError) error = NULL;
  guint selected = 0;
  gint64 own = 0;

  g_array_set_size (target->app_ids, 0);
  gtk_string_list_append (names, _("Connector’s own app"));
  g_array_append_val (target->app_ids, own);

  if (connector != NULL)
    {
      apps = yq_apps_list (self->store, yq_connector_get_id (connector), &error);
      if (apps == NULL)
        show_save_error (self, error->message);
    }

  for (guint i = 0; apps != NULL && i < apps->len; i++)
    {
      YqApp *app = g_ptr_array_index (apps, i);

      gtk_string_list_append (names, app->name);
      g_array_append_val (target->app_ids, app->id);
      if (app->id == app_id)
        selected = i + 1;
    }

  adw_combo_row_set_model (target->app_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (target->app_row, selected);
}

static void
target_connector_changed_cb (AdwComboRow *row,
                             GParamSpec  *pspec,
                             TargetRows  *target)
{
  if (target->editor->loading)
    return;

  target_load_apps (target, 0);
  update_form (target->editor);
}

static void
target_kind_changed_cb (AdwComboRow *row,
                        GParamSpec  *pspec,
                        TargetRows  *target)
{
  field_changed_cb (target->editor);
}

static void
target_remove_clicked_cb (GtkButton  *button,
                          TargetRows *target)
{
  YqPushRuleEditor *self = target->editor;

  adw_preferences_page_remove (self->page, ADW_PREFERENCES_GROUP (target->group));
  g_ptr_array_remove (self->targets, target);
  update_form (self);
}

static GtkWidget *
create_combo_row (const char *name,
                  const char *title)
{
  GtkWidget *row = adw_combo_row_new ();

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  return row;
}

static TargetRows *
append_target (YqPushRuleEditor   *self,
               const YqPushTarget *stored)
{
  g_autoptr(GtkStringList) connector_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  TargetRows *target = g_new0 (TargetRows, 1);
  GtkWidget *button;
  guint connector = 0;

  target->editor = self;
  target->app_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  target->id = stored ? stored->id : 0;
  target->has_pub_key = stored ? stored->has_pub_key : FALSE;

  target->group = adw_preferences_group_new ();
  gtk_widget_set_name (target->group, "target");

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_name (button, "remove-target-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove Target"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove Target"),
                                  -1);
  g_signal_connect (button, "clicked", G_CALLBACK (target_remove_clicked_cb), target);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (target->group), button);

  for (guint i = 0; i < self->connectors->len; i++)
    {
      YqConnector *c = g_ptr_array_index (self->connectors, i);

      gtk_string_list_append (connector_names, yq_connector_get_name (c));
      if (stored != NULL && yq_connector_get_id (c) == stored->connector_id)
        connector = i;
    }
  target->connector_row = ADW_COMBO_ROW (create_combo_row ("connector-row", _("Connector")));
  adw_combo_row_set_model (target->connector_row, G_LIST_MODEL (connector_names));
  adw_combo_row_set_selected (target->connector_row, connector);

  target->app_row = ADW_COMBO_ROW (create_combo_row ("app-row", _("Sending App")));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (target->app_row),
                               _("Whose credentials send; 云之家 todos belong to this app"));

  gtk_string_list_append (kinds, C_("push kind", "Notification"));
  gtk_string_list_append (kinds, C_("push kind", "Todo"));
  target->kind_row = ADW_COMBO_ROW (create_combo_row ("kind-row", _("Delivers")));
  adw_combo_row_set_model (target->kind_row, G_LIST_MODEL (kinds));
  adw_combo_row_set_selected (target->kind_row,
                              stored && stored->kind == YQ_PUSH_KIND_TODO ? 1 : 0);

  target->pub_id_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  gtk_widget_set_name (GTK_WIDGET (target->pub_id_row), "pub-id-row");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (target->pub_id_row),
                                 _("Public-Account Number (公共号)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (target->pub_id_row),
                               _("The number of the 云之家 public account that sends, such as "
                                 "XT-0123…"));
  gtk_editable_set_text (GTK_EDITABLE (target->pub_id_row),
                         stored && stored->yzj_pub_id ? stored->yzj_pub_id : "");

  target->pub_key_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (target->pub_key_row),
                                 _("Public-Account Key"));
  target->pub_key_entry = GTK_PASSWORD_ENTRY (gtk_password_entry_new ());
  gtk_widget_set_name (GTK_WIDGET (target->pub_key_entry), "pub-key-entry");
  gtk_widget_set_valign (GTK_WIDGET (target->pub_key_entry), GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (GTK_WIDGET (target->pub_key_entry), TRUE);
  gtk_password_entry_set_show_peek_icon (target->pub_key_entry, TRUE);
  /* A stored key is never read back into the form. */
  g_object_set (target->pub_key_entry,
                "placeholder-text",
                target->has_pub_key ? _("Stored — leave empty to keep") : _("Required"),
                "activates-default", TRUE,
                NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (target->pub_key_entry),
                               _("The public account’s key (公共号密钥); stored in the secret "
                                 "store and never shown again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (target->pub_key_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Public-Account Key"),
                                  -1);
  adw_action_row_add_suffix (target->pub_key_row, GTK_WIDGET (target->pub_key_entry));
  adw_action_row_set_activatable_widget (target->pub_key_row,
                                         GTK_WIDGET (target->pub_key_entry));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (target->group),
                             GTK_WIDGET (target->connector_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (target->group), GTK_WIDGET (target->app_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (target->group),
                             GTK_WIDGET (target->kind_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (target->group),
                             GTK_WIDGET (target->pub_id_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (target->group),
                             GTK_WIDGET (target->pub_key_row));

  /* 政务钉钉 work notifications: the least time between two calls. */
  target->spacing_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (target->spacing_row),
                                 _("Seconds Between Work Notifications"));
  adw_action_row_set_subtitle (target->spacing_row,
                               _("The platform’s rule for apps is 600; set less only when the "
                                 "tenant’s terms allow it"));
  target->spacing_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0,
                                                                        YQ_PUSH_ZWDD_SPACING_MAX,
                                                                        60));
  gtk_widget_set_name (GTK_WIDGET (target->spacing_spin), "spacing-spin");
  gtk_widget_set_valign (GTK_WIDGET (target->spacing_spin), GTK_ALIGN_CENTER);
  gtk_spin_button_set_value (target->spacing_spin,
                             stored ? stored->zwdd_spacing : YQ_PUSH_ZWDD_SPACING_DEFAULT);
  adw_action_row_add_suffix (target->spacing_row, GTK_WIDGET (target->spacing_spin));
  adw_action_row_set_activatable_widget (target->spacing_row, GTK_WIDGET (target->spacing_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (target->group),
                             GTK_WIDGET (target->spacing_row));

  target_load_apps (target, stored ? stored->app_id : 0);

  g_signal_connect (target->connector_row, "notify::selected",
                    G_CALLBACK (target_connector_changed_cb), target);
  g_signal_connect (target->kind_row, "notify::selected",
                    G_CALLBACK (target_kind_changed_cb), target);

  g_ptr_array_add (self->targets, target);
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (target->group));

  return target;
}

static YqPushTarget *
collect_target (TargetRows *target)
{
  YqPushTarget *result = yq_push_target_new ();
  YqConnector *connector = target_get_connector (target);
  guint app = adw_combo_row_get_selected (target->app_row);
  const char *key = gtk_editable_get_text (GTK_EDITABLE (target->pub_key_entry));

  result->id = target->id;
  result->connector_id = connector ? yq_connector_get_id (connector) : 0;
  result->app_id = app < target->app_ids->len ? g_array_index (target->app_ids, gint64, app) : 0;
  result->kind = target_get_kind (target);
  result->has_pub_key = target->has_pub_key;
  result->zwdd_spacing = (guint) gtk_spin_button_get_value_as_int (target->spacing_spin);

  if (target_needs_public_account (target))
    {
      g_autofree char *pub_id = get_row_text (target->pub_id_row);

      if (pub_id[0] != '\0')
        result->yzj_pub_id = g_steal_pointer (&pub_id);
      /* An empty field keeps the stored key. */
      if (key[0] != '\0')
        result->yzj_pub_key = g_strdup (key);
    }

  return result;
}

static YqPushRule *
collect_rule (YqPushRuleEditor *self)
{
  YqPushRule *rule = yq_push_rule_copy (self->rule);
  guint source = adw_combo_row_get_selected (self->source_row);

  g_free (rule->name);
  rule->name = get_row_text (self->name_row);

  g_clear_pointer (&rule->source, g_free);
  if (source >= SOURCE_FIRST_MODULE && source <= SOURCE_LAST_MODULE)
    rule->source = g_strdup (source_modules[source - SOURCE_FIRST_MODULE]);
  else if (source == SOURCE_CUSTOM)
    rule->source = get_row_text (self->custom_source_row);

  rule->enabled = gtk_switch_get_active (self->enabled_switch);

  g_ptr_array_set_size (rule->targets, 0);
  for (guint i = 0; i < self->targets->len; i++)
    g_ptr_array_add (rule->targets, collect_target (g_ptr_array_index (self->targets, i)));

  return rule;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  YqPushRuleEditor *self = YQ_PUSH_RULE_EDITOR (widget);
  g_autoptr(YqPushRule) rule = collect_rule (self);
  g_autoptr(GError) error = NULL;

  show_save_error (self, NULL);

  if (!yq_push_rules_save (self->store, self->secrets, rule, &error))
    {
      if (g_error_matches (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_DUPLICATE))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
        }

      show_save_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, rule->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
add_target_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  yq_push_rule_editor_add_target (YQ_PUSH_RULE_EDITOR (widget));
}

static void
load_fields (YqPushRuleEditor *self)
{
  YqPushRule *rule = self->rule;
  g_autoptr(GError) error = NULL;
  guint source = SOURCE_ALL;

  self->loading = TRUE;

  self->connectors = yq_connectors_list (self->store, &error);
  if (self->connectors == NULL)
    {
      self->connectors = g_ptr_array_new_with_free_func (g_object_unref);
      show_save_error (self, error->message);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), rule->name ? rule->name : "");

  if (rule->source != NULL)
    {
      source = SOURCE_CUSTOM;
      for (guint i = 0; i < G_N_ELEMENTS (source_modules); i++)
        if (g_str_equal (rule->source, source_modules[i]))
          source = SOURCE_FIRST_MODULE + i;
      if (source == SOURCE_CUSTOM)
        gtk_editable_set_text (GTK_EDITABLE (self->custom_source_row), rule->source);
    }
  adw_combo_row_set_selected (self->source_row, source);
  gtk_switch_set_active (self->enabled_switch, rule->enabled);

  for (guint i = 0; rule->targets != NULL && i < rule->targets->len; i++)
    append_target (self, g_ptr_array_index (rule->targets, i));

  self->loading = FALSE;

  update_form (self);
}

static void
yq_push_rule_editor_dispose (GObject *object)
{
  YqPushRuleEditor *self = YQ_PUSH_RULE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_PUSH_RULE_EDITOR);

  G_OBJECT_CLASS (yq_push_rule_editor_parent_class)->dispose (object);
}

static void
yq_push_rule_editor_finalize (GObject *object)
{
  YqPushRuleEditor *self = YQ_PUSH_RULE_EDITOR (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->rule, yq_push_rule_free);
  g_clear_pointer (&self->connectors, g_ptr_array_unref);
  g_clear_pointer (&self->targets, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_push_rule_editor_parent_class)->finalize (object);
}

static void
yq_push_rule_editor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  YqPushRuleEditor *self = YQ_PUSH_RULE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_push_rule_editor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  YqPushRuleEditor *self = YQ_PUSH_RULE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_push_rule_editor_class_init (YqPushRuleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_push_rule_editor_dispose;
  object_class->finalize = yq_push_rule_editor_finalize;
  object_class->get_property = yq_push_rule_editor_get_property;
  object_class->set_property = yq_push_rule_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL,
                         YQ_TYPE_SECRETS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * YqPushRuleEditor::saved:
   * @self: the editor
   * @id: the rule's ID in the store
   *
   * Emitted after the rule, its targets and their keys were written, right
   * before the editor closes.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/yq-push-rule-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, title_widget);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, page);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, source_row);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, custom_source_row);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, YqPushRuleEditor, targets_group);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.add-target", NULL, add_target_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
}

static void
yq_push_rule_editor_init (YqPushRuleEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) target_rows_free);
}

/**
 * yq_push_rule_editor_new:
 * @parent: (nullable): the window the editor belongs to
 * @store: the store to save to
 * @secrets: the secret store for the public-account keys
 * @rule: (nullable): a stored rule to edit, %NULL for a new one
 *
 * Creates a modal editor. It saves with yq_push_rules_save(), emits
 * #YqPushRuleEditor::saved and closes; on cancel nothing is written.
 *
 * Returns: (transfer none): a new editor, owned by GTK's window list
 */
YqPushRuleEditor *
yq_push_rule_editor_new (GtkWindow        *parent,
                         YqStore          *store,
                         YqSecrets        *secrets,
                         const YqPushRule *rule)
{
  YqPushRuleEditor *self;
  const char *title;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);

  self = g_object_new (YQ_TYPE_PUSH_RULE_EDITOR,
                       "transient-for", parent,
                       "store", store,
                       "secrets", secrets,
                       NULL);

  self->is_new = rule == NULL || rule->id == 0;
  if (rule != NULL)
    self->rule = yq_push_rule_copy (rule);
  else
    {
      self->rule = yq_push_rule_new ();
      self->rule->enabled = TRUE;
    }

  title = self->is_new ? _("Add Push Rule") : _("Edit Push Rule");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->title_widget, title);
  if (!self->is_new)
    adw_window_title_set_subtitle (self->title_widget, rule->name);

  load_fields (self);

  /* A new rule starts with one target to fill in. */
  if (self->is_new && self->connectors->len > 0)
    yq_push_rule_editor_add_target (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));

  return self;
}

gboolean
yq_push_rule_editor_get_is_new (YqPushRuleEditor *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_RULE_EDITOR (self), FALSE);

  return self->is_new;
}

GtkWidget *
yq_push_rule_editor_add_target (YqPushRuleEditor *self)
{
  TargetRows *target;

  g_return_val_if_fail (YQ_IS_PUSH_RULE_EDITOR (self), NULL);

  if (self->connectors->len == 0)
    return NULL;

  target = append_target (self, NULL);
  update_form (self);

  return target->group;
}
