/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-app-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-app-editor.h"
#include "yq-bridge-directory.h"
#include "yq-department-picker.h"

struct _YqAppEditor
{
  AdwWindow             parent_instance;

  /* Template widgets */
  AdwWindowTitle       *title_widget;
  GtkButton            *save_button;
  GtkRevealer          *error_revealer;
  GtkLabel             *error_label;
  AdwPreferencesGroup  *app_group;
  AdwEntryRow          *name_row;
  AdwEntryRow          *app_key_row;
  AdwActionRow         *secret_row;
  GtkPasswordEntry     *secret_entry;
  AdwEntryRow          *client_id_row;
  AdwEntryRow          *login_base_row;
  GtkLabel             *client_id_hint;
  AdwComboRow          *target_row;
  AdwEntryRow          *custom_url_row;
  GtkLabel             *no_entry_points_hint;
  AdwActionRow         *departments_row;

  YqStore              *store;
  YqSecrets            *secrets;
  YqConnector          *connector;
  /* The app as stored, or a new one. */
  YqApp                *app;
  /* (element-type YqEntryPoint): the choices of the target row, then
   * "Custom link…". */
  GPtrArray            *entry_points;
  char                **visible_departments;
  /* The connector's bridge directory, read when first needed. */
  YqOrgSnapshot        *directory;

  guint                 is_new : 1;
  guint                 loading : 1;
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

G_DEFINE_FINAL_TYPE (YqAppEditor, yq_app_editor, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *
get_row_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static gboolean
is_zwdd (YqAppEditor *self)
{
  return yq_connector_get_kind (self->connector) == YQ_PLATFORM_KIND_ZWDD;
}

static gboolean
custom_selected (YqAppEditor *self)
{
  return adw_combo_row_get_selected (self->target_row) >= self->entry_points->len;
}

static void
show_save_error (YqAppEditor *self,
                 const char  *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static gboolean
load_directory (YqAppEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (self->directory != NULL)
    return TRUE;

  self->directory = yq_bridge_directory_snapshot (self->store,
                                                  yq_connector_get_id (self->connector),
                                                  &error);
  if (self->directory == NULL)
    {
      show_save_error (self, error->message);
      return FALSE;
    }

  return TRUE;
}

static void
update_departments (YqAppEditor *self)
{
  g_autoptr(GString) text = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.everyone",
                                 self->visible_departments != NULL &&
                                 self->visible_departments[0] != NULL);

  if (self->visible_departments == NULL || self->visible_departments[0] == NULL)
    {
      adw_action_row_set_subtitle (self->departments_row,
                                   _("Everyone in the connector’s directory"));
      return;
    }

  load_directory (self);

  text = g_string_new (NULL);
  for (guint i = 0; self->visible_departments[i] != NULL; i++)
    {
      const char *id = self->visible_departments[i];
      YqOrgDepartment *department = NULL;

      if (self->directory != NULL)
        department = yq_org_snapshot_lookup_department (self->directory, id);

      if (text->len > 0)
        g_string_append (text, _(", "));

      if (department != NULL)
        g_string_append (text, department->name);
      else
        /* Translators: %s is a department ID. */
        g_string_append_printf (text, _("%s (not in the bridge directory)"), id);
    }

  adw_action_row_set_subtitle (self->departments_row, text->str);
}

static void
update_form (YqAppEditor *self)
{
  g_autofree char *name = get_row_text (self->name_row);
  g_autofree char *app_key = get_row_text (self->app_key_row);
  g_autofree char *custom_url = get_row_text (self->custom_url_row);
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_entry));
  gboolean custom = custom_selected (self);
  gboolean ready;

  gtk_widget_set_visible (GTK_WIDGET (self->custom_url_row), custom);

  /* A new app needs its secret: the logins cannot work without it. A
   * stored one is kept when the field stays empty. */
  ready = name[0] != '\0' &&
          app_key[0] != '\0' &&
          (!self->is_new || secret[0] != '\0') &&
          (!custom || custom_url[0] != '\0');

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", ready);
}

static void
field_changed_cb (YqAppEditor *self)
{
  if (self->loading)
    return;

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  update_form (self);
}

static void
departments_picked_cb (YqDepartmentPicker *picker,
                       YqAppEditor        *self)
{
  g_strfreev (self->visible_departments);
  self->visible_departments = yq_department_picker_get_selected (picker);
  update_departments (self);
}

static void
choose_departments_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  YqAppEditor *self = YQ_APP_EDITOR (widget);
  YqDepartmentPicker *picker;

  if (!load_directory (self))
    return;

  picker = yq_department_picker_new (GTK_WINDOW (self), self->directory, TRUE);
  gtk_window_set_modal (GTK_WINDOW (picker), TRUE);
  if (self->visible_departments != NULL)
    yq_department_picker_set_selected (picker,
                                       (const char * const *) self->visible_departments);
  g_signal_connect_object (picker, "picked", G_CALLBACK (departments_picked_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
everyone_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  YqAppEditor *self = YQ_APP_EDITOR (widget);

  g_clear_pointer (&self->visible_departments, g_strfreev);
  update_departments (self);
}

static YqApp *
collect_app (YqAppEditor *self)
{
  YqApp *app = yq_app_copy (self->app);
  g_autofree char *client_id = get_row_text (self->client_id_row);
  g_autofree char *login_base = get_row_text (self->login_base_row);
  guint selected = adw_combo_row_get_selected (self->target_row);

  g_free (app->name);
  app->name = get_row_text (self->name_row);
  g_free (app->app_key);
  app->app_key = get_row_text (self->app_key_row);

  g_clear_pointer (&app->client_id, g_free);
  if (is_zwdd (self) && client_id[0] != '\0')
    app->client_id = g_steal_pointer (&client_id);
  g_clear_pointer (&app->login_base, g_free);
  if (is_zwdd (self) && login_base[0] != '\0')
    app->login_base = g_steal_pointer (&login_base);

  g_clear_pointer (&app->custom_url, g_free);
  if (selected < self->entry_points->len)
    {
      YqEntryPoint *entry_point = g_ptr_array_index (self->entry_points, selected);

      app->target = YQ_APP_TARGET_ENTRY_POINT;
      app->entry_point_id = entry_point->id;
    }
  else
    {
      app->target = YQ_APP_TARGET_CUSTOM;
      app->entry_point_id = 0;
      app->custom_url = get_row_text (self->custom_url_row);
    }

  g_strfreev (app->visible_departments);
  app->visible_departments = g_strdupv (self->visible_departments);

  return app;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  YqAppEditor *self = YQ_APP_EDITOR (widget);
  g_autoptr(YqApp) app = collect_app (self);
  g_autoptr(GError) error = NULL;
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_entry));
  gboolean saved;

  show_save_error (self, NULL);

  if (self->is_new)
    {
      app->id = yq_apps_add (self->store, self->secrets, app, secret, &error);
      saved = app->id != 0;
    }
  else
    {
      /* An empty field keeps the stored secret. */
      saved = yq_apps_update (self->store, self->secrets, app,
                              secret[0] != '\0' ? secret : NULL, &error);
    }

  if (!saved)
    {
      if (g_error_matches (error, YQ_APPS_ERROR, YQ_APPS_ERROR_DUPLICATE))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
        }

      show_save_error (self, error->message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, app->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
load_entry_points (YqAppEditor *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;

  self->entry_points = yq_entry_points_list (self->store, &error);
  if (self->entry_points == NULL)
    {
      self->entry_points = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_entry_point_free);
      show_save_error (self, error->message);
    }

  for (guint i = 0; i < self->entry_points->len; i++)
    {
      YqEntryPoint *entry_point = g_ptr_array_index (self->entry_points, i);

      gtk_string_list_append (names, entry_point->name);
    }
  gtk_string_list_append (names, _("Custom link…"));

  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (names));
  gtk_widget_set_visible (GTK_WIDGET (self->no_entry_points_hint), self->entry_points->len == 0);
}

static void
load_fields (YqAppEditor *self)
{
  YqApp *app = self->app;
  g_autofree char *description = NULL;
  guint selected;

  self->loading = TRUE;

  load_entry_points (self);
  selected = self->entry_points->len;

  if (app->target == YQ_APP_TARGET_ENTRY_POINT)
    {
      for (guint i = 0; i < self->entry_points->len; i++)
        {
          YqEntryPoint *entry_point = g_ptr_array_index (self->entry_points, i);

          if (entry_point->id == app->entry_point_id || (self->is_new && i == 0))
            {
              selected = i;
              break;
            }
        }
    }
  adw_combo_row_set_selected (self->target_row, selected);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), app->name ? app->name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->app_key_row), app->app_key ? app->app_key : "");
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), app->client_id ? app->client_id : "");
  gtk_editable_set_text (GTK_EDITABLE (self->login_base_row),
                         app->login_base ? app->login_base : "");
  gtk_editable_set_text (GTK_EDITABLE (self->custom_url_row),
                         app->custom_url ? app->custom_url : "");
  /* A stored secret is never read back into the form. */
  gtk_editable_set_text (GTK_EDITABLE (self->secret_entry), "");
  g_object_set (self->secret_entry,
                "placeholder-text",
                app->has_secret ? _("Stored — leave empty to keep")
                                : self->is_new ? _("Required") : _("Not set"),
                NULL);

  self->visible_departments = g_strdupv (app->visible_departments);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->app_key_row),
                                 yq_platform_kind_get_app_key_label (yq_connector_get_kind (self->connector)));
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_row), is_zwdd (self));
  gtk_widget_set_visible (GTK_WIDGET (self->login_base_row), is_zwdd (self));
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_hint), is_zwdd (self));

  /* Translators: %s is a connector name. */
  description = g_strdup_printf (_("The app as registered on the platform console of %s. The "
                                   "AppSecret is stored in the secret store and never shown "
                                   "again."),
                                 yq_connector_get_name (self->connector));
  adw_preferences_group_set_description (self->app_group, description);

  self->loading = FALSE;

  update_departments (self);
  update_form (self);
}

static void
yq_app_editor_dispose (GObject *object)
{
  YqAppEditor *self = YQ_APP_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_APP_EDITOR);

  G_OBJECT_CLASS (yq_app_editor_parent_class)->dispose (object);
}

static void
yq_app_editor_finalize (GObject *object)
{
  YqAppEditor *self = YQ_APP_EDITOR (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->connector);
  g_clear_object (&self->directory);
  g_clear_pointer (&self->app, yq_app_free);
  g_clear_pointer (&self->entry_points, g_ptr_array_unref);
  g_clear_pointer (&self->visible_departments, g_strfreev);

  G_OBJECT_CLASS (yq_app_editor_parent_class)->finalize (object);
}

static void
yq_app_editor_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  YqAppEditor *self = YQ_APP_EDITOR (object);

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
yq_app_editor_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  YqAppEditor *self = YQ_APP_EDITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_SECRETS:
      self->secrets = g_value_dup_object (value);
      break;

    case PROP_CONNECTOR:
      self->connector = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_app_editor_class_init (YqAppEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_app_editor_dispose;
  object_class->finalize = yq_app_editor_finalize;
  object_class->get_property = yq_app_editor_get_property;
  object_class->set_property = yq_app_editor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL,
                         YQ_TYPE_SECRETS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * YqAppEditor:connector:
   *
   * The connector the app belongs to.
   */
  properties[PROP_CONNECTOR] =
    g_param_spec_object ("connector", NULL, NULL,
                         YQ_TYPE_CONNECTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * YqAppEditor::saved:
   * @self: the editor
   * @id: the app's ID in the store
   *
   * Emitted after the app and its secret were written, right before the
   * editor closes.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-app-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, title_widget);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, app_group);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, app_key_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, secret_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, secret_entry);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, login_base_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, client_id_hint);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, target_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, custom_url_row);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, no_entry_points_hint);
  gtk_widget_class_bind_template_child (widget_class, YqAppEditor, departments_row);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.choose-departments", NULL,
                                   choose_departments_action);
  gtk_widget_class_install_action (widget_class, "editor.everyone", NULL, everyone_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "editor.save", NULL);
}

static void
yq_app_editor_init (YqAppEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * yq_app_editor_new:
 * @parent: (nullable): the window the editor belongs to
 * @store: the store to save to
 * @secrets: the secret store for the AppSecret
 * @connector: the connector the app belongs to
 * @app: (nullable): a stored app to edit, %NULL for a new one
 *
 * Creates a modal editor. It saves with yq_apps_add() or yq_apps_update(),
 * emits #YqAppEditor::saved and closes; on cancel nothing is written.
 *
 * Returns: (transfer none): a new editor, owned by GTK's window list
 */
YqAppEditor *
yq_app_editor_new (GtkWindow   *parent,
                   YqStore     *store,
                   YqSecrets   *secrets,
                   YqConnector *connector,
                   const YqApp *app)
{
  YqAppEditor *self;
  const char *title;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (YQ_IS_CONNECTOR (connector), NULL);
  g_return_val_if_fail (!app || app->connector_id == yq_connector_get_id (connector), NULL);

  self = g_object_new (YQ_TYPE_APP_EDITOR,
                       "transient-for", parent,
                       "store", store,
                       "secrets", secrets,
                       "connector", connector,
                       NULL);

  self->is_new = app == NULL || app->id == 0;
  if (app != NULL)
    self->app = yq_app_copy (app);
  else
    {
      self->app = yq_app_new ();
      self->app->connector_id = yq_connector_get_id (connector);
      self->app->target = YQ_APP_TARGET_ENTRY_POINT;
    }

  title = self->is_new ? _("Add App") : _("Edit App");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->title_widget, title);
  adw_window_title_set_subtitle (self->title_widget,
                                 self->is_new ? yq_connector_get_name (connector) : app->name);

  load_fields (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));

  return self;
}

gboolean
yq_app_editor_get_is_new (YqAppEditor *self)
{
  g_return_val_if_fail (YQ_IS_APP_EDITOR (self), FALSE);

  return self->is_new;
}
