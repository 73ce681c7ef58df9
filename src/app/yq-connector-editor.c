/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-connector-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-bridge-platform.h"
#include "yq-connector-editor.h"

struct _YqConnectorEditor
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *title_widget;
  GtkButton           *save_button;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_label;
  AdwComboRow         *preset_row;
  AdwEntryRow         *name_row;
  AdwEntryRow         *tenant_row;
  AdwEntryRow         *api_base_row;
  GtkLabel            *platform_error;
  AdwEntryRow         *app_key_row;
  AdwPasswordEntryRow *app_secret_row;
  AdwPasswordEntryRow *directory_secret_row;
  GtkLabel            *app_secret_hint;
  GtkLabel            *directory_secret_hint;
  GtkLabel            *credentials_error;
  AdwActionRow        *readonly_row;
  GtkSwitch           *readonly_switch;
  AdwActionRow        *qps_row;
  GtkSpinButton       *qps_spin;
  GtkLabel            *directory_error;
  GtkSpinner          *test_spinner;
  GtkWidget           *test_result;
  GtkImage            *test_result_icon;
  GtkLabel            *test_result_label;

  YqStore             *store;
  YqSecrets           *secrets;
  /* A working copy; the caller's connector stays untouched on cancel. */
  YqConnector         *connector;
  /* The running connection test, if any. */
  GCancellable        *test_cancellable;

  guint                is_new : 1;
  guint                loading : 1;
  guint                show_validation : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_CONNECTOR,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (YqConnectorEditor, yq_connector_editor, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *
get_field_row (YqConnectorEditor *self,
               YqConnectorField   field)
{
  switch (field)
    {
    case YQ_CONNECTOR_FIELD_NAME:
      return GTK_WIDGET (self->name_row);
    case YQ_CONNECTOR_FIELD_TENANT_ID:
      return GTK_WIDGET (self->tenant_row);
    case YQ_CONNECTOR_FIELD_API_BASE:
      return GTK_WIDGET (self->api_base_row);
    case YQ_CONNECTOR_FIELD_APP_KEY:
      return GTK_WIDGET (self->app_key_row);
    case YQ_CONNECTOR_FIELD_APP_SECRET:
      return GTK_WIDGET (self->app_secret_row);
    case YQ_CONNECTOR_FIELD_DIRECTORY_SECRET:
      return GTK_WIDGET (self->directory_secret_row);
    case YQ_CONNECTOR_FIELD_QPS:
      return GTK_WIDGET (self->qps_row);
    default:
      return NULL;
    }
}

/* Messages go under the group that holds the field, so they stay next
 * to what they are about. */
static GtkLabel *
get_field_message_label (YqConnectorEditor *self,
                         YqConnectorField   field)
{
  switch (field)
    {
    case YQ_CONNECTOR_FIELD_NAME:
    case YQ_CONNECTOR_FIELD_TENANT_ID:
    case YQ_CONNECTOR_FIELD_API_BASE:
      return self->platform_error;
    case YQ_CONNECTOR_FIELD_APP_KEY:
    case YQ_CONNECTOR_FIELD_APP_SECRET:
    case YQ_CONNECTOR_FIELD_DIRECTORY_SECRET:
      return self->credentials_error;
    case YQ_CONNECTOR_FIELD_QPS:
      return self->directory_error;
    default:
      return self->platform_error;
    }
}

static char *
get_row_text (gpointer row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static YqConnectorPreset
get_selected_preset (YqConnectorEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);

  if (selected >= YQ_N_CONNECTOR_PRESETS)
    return yq_connector_get_preset (self->connector);

  return (YqConnectorPreset) selected;
}

/* Secrets typed into the form; NULL keeps the stored one. */
static char *
get_app_secret (YqConnectorEditor *self)
{
  g_autofree char *text = get_row_text (self->app_secret_row);

  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static char *
get_directory_secret (YqConnectorEditor *self)
{
  g_autofree char *text = NULL;

  if (!yq_connector_needs_directory_secret (self->connector))
    return NULL;

  text = get_row_text (self->directory_secret_row);
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
collect_fields (YqConnectorEditor *self)
{
  g_autofree char *name = get_row_text (self->name_row);
  g_autofree char *tenant_id = get_row_text (self->tenant_row);
  g_autofree char *api_base = get_row_text (self->api_base_row);
  g_autofree char *app_key = get_row_text (self->app_key_row);

  yq_connector_set_name (self->connector, name);
  yq_connector_set_tenant_id (self->connector, tenant_id);
  yq_connector_set_api_base (self->connector, api_base);
  yq_connector_set_app_key (self->connector, app_key);
  yq_connector_set_directory_readonly (self->connector,
                                       gtk_switch_get_active (self->readonly_switch));
  yq_connector_set_qps (self->connector, (guint) gtk_spin_button_get_value_as_int (self->qps_spin));

  /* Last, so that a preset change starts from what the form showed. */
  yq_connector_set_preset (self->connector, get_selected_preset (self));
}

static void
update_kind_dependent_rows (YqConnectorEditor *self)
{
  YqPlatformKind kind = yq_connector_get_kind (self->connector);
  gboolean needs_directory_secret = yq_connector_needs_directory_secret (self->connector);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tenant_row),
                                 yq_platform_kind_get_tenant_label (kind));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->app_key_row),
                                 yq_platform_kind_get_app_key_label (kind));
  gtk_widget_set_visible (GTK_WIDGET (self->directory_secret_row), needs_directory_secret);

  gtk_widget_set_visible (GTK_WIDGET (self->app_secret_hint),
                          yq_connector_get_has_app_secret (self->connector));
  gtk_widget_set_visible (GTK_WIDGET (self->directory_secret_hint),
                          needs_directory_secret &&
                          yq_connector_get_has_directory_secret (self->connector));
}

static void
clear_messages (YqConnectorEditor *self)
{
  GtkLabel *labels[] = { self->platform_error, self->credentials_error, self->directory_error };

  for (guint field = YQ_CONNECTOR_FIELD_NAME; field <= YQ_CONNECTOR_FIELD_QPS; field++)
    gtk_widget_remove_css_class (get_field_row (self, field), "error");

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_text (labels[i], "");
      gtk_widget_set_visible (GTK_WIDGET (labels[i]), FALSE);
    }
}

static void
add_field_message (YqConnectorEditor *self,
                   YqConnectorField   field,
                   const char        *message)
{
  GtkWidget *row = get_field_row (self, field);
  GtkLabel *label = get_field_message_label (self, field);
  const char *current = gtk_label_get_text (label);
  g_autofree char *text = NULL;

  if (row != NULL)
    gtk_widget_add_css_class (row, "error");

  if (current[0] != '\0')
    text = g_strconcat (current, "\n", message, NULL);
  else
    text = g_strdup (message);

  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
show_save_error (YqConnectorEditor *self,
                 const char        *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/*
 * Returns the first invalid row in form order, or NULL when the form is
 * valid. Errors come back in field order, which is also the form order.
 */
static GtkWidget *
validate (YqConnectorEditor *self)
{
  g_autofree char *app_secret = NULL;
  g_autofree char *directory_secret = NULL;
  g_autoptr(GPtrArray) errors = NULL;
  GtkWidget *first = NULL;

  collect_fields (self);
  app_secret = get_app_secret (self);
  directory_secret = get_directory_secret (self);

  errors = yq_connector_validate (self->connector, app_secret, directory_secret);

  clear_messages (self);
  for (guint i = 0; i < errors->len; i++)
    {
      const GError *error = g_ptr_array_index (errors, i);

      add_field_message (self, error->code, error->message);
      if (first == NULL)
        first = get_field_row (self, error->code);
    }

  return first;
}

static void
show_test_result (YqConnectorEditor *self,
                  gboolean           ok,
                  const char        *text)
{
  if (text == NULL)
    {
      gtk_widget_set_visible (self->test_result, FALSE);
      return;
    }

  gtk_image_set_from_icon_name (self->test_result_icon,
                                ok ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_label_set_text (self->test_result_label, text);
  if (ok)
    {
      gtk_widget_remove_css_class (self->test_result, "error");
      gtk_widget_add_css_class (self->test_result, "success");
    }
  else
    {
      gtk_widget_remove_css_class (self->test_result, "success");
      gtk_widget_add_css_class (self->test_result, "error");
    }
  gtk_widget_set_visible (self->test_result, TRUE);
}

static void
set_testing (YqConnectorEditor *self,
             gboolean           testing)
{
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), testing);
  gtk_spinner_set_spinning (self->test_spinner, testing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test", !testing);
}

static void
cancel_test (YqConnectorEditor *self)
{
  if (self->test_cancellable == NULL)
    return;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  set_testing (self, FALSE);
}

static void
field_changed_cb (YqConnectorEditor *self)
{
  /* A result no longer describes the form once a field changes. */
  if (!self->loading)
    {
      cancel_test (self);
      show_test_result (self, FALSE, NULL);
    }

  /* Until the first save the admin is still typing; afterwards every change
   * is checked again so that fixed fields lose their message at once. */
  if (self->loading || !self->show_validation)
    return;

  validate (self);
}

static void
preset_changed_cb (YqConnectorEditor *self)
{
  if (self->loading)
    return;

  cancel_test (self);
  show_test_result (self, FALSE, NULL);

  /* The model decides what a preset change does to the API address and
   * the request limit; the form shows the result. */
  collect_fields (self);

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->api_base_row),
                         yq_connector_get_api_base (self->connector));
  gtk_spin_button_set_value (self->qps_spin, yq_connector_get_qps (self->connector));
  self->loading = FALSE;

  update_kind_dependent_rows (self);

  if (self->show_validation)
    validate (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (widget);
  g_autofree char *app_secret = NULL;
  g_autofree char *directory_secret = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *invalid;

  self->show_validation = TRUE;
  show_save_error (self, NULL);

  invalid = validate (self);
  if (invalid != NULL)
    {
      gtk_widget_grab_focus (invalid);
      return;
    }

  app_secret = get_app_secret (self);
  directory_secret = get_directory_secret (self);

  if (!yq_connectors_save (self->store, self->secrets, self->connector,
                           app_secret, directory_secret, &error))
    {
      if (error->domain == YQ_CONNECTOR_ERROR)
        {
          GtkWidget *row = get_field_row (self, error->code);

          add_field_message (self, error->code, error->message);
          if (row != NULL)
            gtk_widget_grab_focus (row);
        }
      else
        {
          /* The only uniqueness rule on a connector is its name. */
          if (g_error_matches (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT))
            {
              gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
              gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
            }

          show_save_error (self, error->message);
        }

      return;
    }

  g_signal_emit (self, signals[SAVED], 0, yq_connector_get_id (self->connector));
  gtk_window_destroy (GTK_WINDOW (self));
}

typedef struct
{
  YqConnectorEditor *self;
  GCancellable      *cancellable;
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestData, test_data_free)

static void
test_connection_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TestData) data = user_data;
  YqConnectorEditor *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  summary = yq_platform_test_connection_finish (YQ_PLATFORM (source), result, &error);

  /* Cancelled because a field changed, or a newer test replaced this one. */
  if (g_cancellable_is_cancelled (data->cancellable) ||
      self->test_cancellable != data->cancellable)
    return;

  g_clear_object (&self->test_cancellable);
  set_testing (self, FALSE);

  if (summary != NULL)
    show_test_result (self, TRUE, summary);
  else
    show_test_result (self, FALSE, error->message);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (widget);
  g_autofree char *app_secret = NULL;
  g_autofree char *directory_secret = NULL;
  g_autoptr(YqPlatform) platform = NULL;
  g_autoptr(GError) error = NULL;
  TestData *data;
  GtkWidget *invalid;

  cancel_test (self);
  show_test_result (self, FALSE, NULL);

  self->show_validation = TRUE;
  invalid = validate (self);
  if (invalid != NULL)
    {
      gtk_widget_grab_focus (invalid);
      return;
    }

  app_secret = get_app_secret (self);
  directory_secret = get_directory_secret (self);
  platform = yq_bridge_platform_new (self->store, self->secrets, self->connector,
                                     app_secret, directory_secret, &error);
  if (platform == NULL)
    {
      show_test_result (self, FALSE, error->message);
      return;
    }

  self->test_cancellable = g_cancellable_new ();
  set_testing (self, TRUE);

  data = g_new0 (TestData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->test_cancellable);
  yq_platform_test_connection_async (platform, self->test_cancellable,
                                     test_connection_cb, data);
}

static void
load_fields (YqConnectorEditor *self)
{
  YqConnector *connector = self->connector;

  self->loading = TRUE;

  adw_combo_row_set_selected (self->preset_row, yq_connector_get_preset (connector));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), yq_connector_get_name (connector));
  gtk_editable_set_text (GTK_EDITABLE (self->tenant_row), yq_connector_get_tenant_id (connector));
  gtk_editable_set_text (GTK_EDITABLE (self->api_base_row), yq_connector_get_api_base (connector));
  gtk_editable_set_text (GTK_EDITABLE (self->app_key_row), yq_connector_get_app_key (connector));
  /* Stored secrets are never read back into the form. */
  gtk_editable_set_text (GTK_EDITABLE (self->app_secret_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->directory_secret_row), "");
  gtk_switch_set_active (self->readonly_switch, yq_connector_get_directory_readonly (connector));
  gtk_spin_button_set_value (self->qps_spin, yq_connector_get_qps (connector));

  self->loading = FALSE;

  update_kind_dependent_rows (self);
}

static void
yq_connector_editor_constructed (GObject *object)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (object);

  G_OBJECT_CLASS (yq_connector_editor_parent_class)->constructed (object);

  if (self->connector == NULL)
    {
      self->connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
      self->is_new = TRUE;
    }

  if (self->is_new)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Add Connector"));
      adw_window_title_set_title (self->title_widget, _("Add Connector"));
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connector"));
      adw_window_title_set_title (self->title_widget, _("Edit Connector"));
      adw_window_title_set_subtitle (self->title_widget, yq_connector_get_name (self->connector));
    }

  load_fields (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
yq_connector_editor_dispose (GObject *object)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (object);

  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_CONNECTOR_EDITOR);

  G_OBJECT_CLASS (yq_connector_editor_parent_class)->dispose (object);
}

static void
yq_connector_editor_finalize (GObject *object)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->connector);

  G_OBJECT_CLASS (yq_connector_editor_parent_class)->finalize (object);
}

static void
yq_connector_editor_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_SECRETS:
      g_value_set_object (value, self->secrets);
      break;

    case PROP_CONNECTOR:
      g_value_set_object (value, self->connector);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_connector_editor_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  YqConnectorEditor *self = YQ_CONNECTOR_EDITOR (object);
  YqConnector *connector;

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;

    case PROP_CONNECTOR:
      connector = g_value_get_object (value);
      if (connector != NULL)
        {
          self->connector = yq_connector_copy (connector);
          self->is_new = yq_connector_get_id (connector) == 0;
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_connector_editor_class_init (YqConnectorEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = yq_connector_editor_constructed;
  object_class->dispose = yq_connector_editor_dispose;
  object_class->finalize = yq_connector_editor_finalize;
  object_class->get_property = yq_connector_editor_get_property;
  object_class->set_property = yq_connector_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL,
                         YQ_TYPE_SECRETS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * YqConnectorEditor:connector:
   *
   * The connector being edited. Set at construction to edit a copy of an
   * existing connector; %NULL starts a new one.
   */
  properties[PROP_CONNECTOR] =
    g_param_spec_object ("connector", NULL, NULL,
                         YQ_TYPE_CONNECTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * YqConnectorEditor::saved:
   * @self: the editor
   * @id: the connector's ID in the store
   *
   * Emitted after the connector and its secrets were written, right before
   * the editor closes.
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
                                               RESOURCE_PREFIX "/yq-connector-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, title_widget);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, preset_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, tenant_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, api_base_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, platform_error);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, app_key_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, app_secret_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, directory_secret_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, app_secret_hint);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, directory_secret_hint);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, credentials_error);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, readonly_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, readonly_switch);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, qps_row);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, qps_spin);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, directory_error);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, test_result);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, test_result_icon);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorEditor, test_result_label);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.test", NULL, test_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
}

static void
yq_connector_editor_init (YqConnectorEditor *self)
{
  g_autoptr(GtkStringList) presets = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < YQ_N_CONNECTOR_PRESETS; i++)
    gtk_string_list_append (presets, yq_connector_preset_get_display_name (i));

  self->loading = TRUE;
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (presets));
  self->loading = FALSE;
}

/**
 * yq_connector_editor_new:
 * @parent: (nullable): the window the editor belongs to
 * @store: the store to save to
 * @secrets: the secret store for the app secret and directory secret
 * @connector: (nullable): a stored connector to edit, %NULL for a new one
 *
 * Creates a modal editor. It saves with yq_connectors_save(), emits
 * #YqConnectorEditor::saved and closes; on cancel nothing is written.
 *
 * Returns: (transfer none): a new editor, owned by GTK's window list
 */
YqConnectorEditor *
yq_connector_editor_new (GtkWindow   *parent,
                         YqStore     *store,
                         YqSecrets   *secrets,
                         YqConnector *connector)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (!connector || YQ_IS_CONNECTOR (connector), NULL);

  return g_object_new (YQ_TYPE_CONNECTOR_EDITOR,
                       "transient-for", parent,
                       "store", store,
                       "secrets", secrets,
                       "connector", connector,
                       NULL);
}

/**
 * yq_connector_editor_get_connector:
 * @self: a #YqConnectorEditor
 *
 * Returns: (transfer none): the working copy; after a save it carries the
 *   stored ID
 */
YqConnector *
yq_connector_editor_get_connector (YqConnectorEditor *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR_EDITOR (self), NULL);

  return self->connector;
}

gboolean
yq_connector_editor_get_is_new (YqConnectorEditor *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR_EDITOR (self), FALSE);

  return self->is_new;
}
