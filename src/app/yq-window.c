/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-window"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-apps-view.h"
#include "yq-bindings-view.h"
#include "yq-connectors-view.h"
#include "yq-org-view.h"
#include "yq-push-view.h"
#include "yq-run-dialog.h"
#include "yq-settings-view.h"
#include "yq-window.h"

struct _YqWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar;
  GtkListBoxRow        *connectors_row;
  GtkListBoxRow        *settings_row;
  GtkLabel             *connectors_label;
  GtkLabel             *settings_label;
  GtkStack             *content_stack;
  YqConnectorsView     *connectors_view;
  YqOrgView            *org_view;
  YqBindingsView       *bindings_view;
  YqAppsView           *apps_view;
  YqPushView           *push_view;
  YqSettingsView       *settings_view;
  AdwStatusPage        *error_page;

  char                 *data_dir;
  YqStore              *store;
  YqSecrets            *secrets;
  GSettings            *settings;
};

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqWindow, yq_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static GtkListBoxRow *
find_sidebar_row (YqWindow   *self,
                  const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), name) == 0)
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

/* Only a folded leaflet needs to move to the content; unfolded, moving
 * would also take the keyboard focus out of the sidebar. */
static void
show_content (YqWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
}

static void
sidebar_row_selected_cb (YqWindow      *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list_box)
{
  if (row == NULL)
    return;

  gtk_stack_set_visible_child_name (self->content_stack, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
sidebar_row_activated_cb (YqWindow      *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list_box)
{
  gtk_stack_set_visible_child_name (self->content_stack, gtk_widget_get_name (GTK_WIDGET (row)));
  show_content (self);
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  yq_window_show_view (YQ_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  YqWindow *self = YQ_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_job_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  YqWindow *self = YQ_WINDOW (widget);

  if (self->store == NULL)
    return;

  yq_window_show_view (self, "settings");
  yq_settings_view_show_job (self->settings_view, g_variant_get_string (param, NULL));
}

static void
show_run_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  yq_window_show_run (YQ_WINDOW (widget), g_variant_get_int64 (param));
}

static void
add_connector_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  YqWindow *self = YQ_WINDOW (widget);

  if (self->store == NULL)
    return;

  yq_window_show_view (self, "connectors");
  gtk_widget_activate_action (GTK_WIDGET (self->connectors_view), "connectors.add", NULL);
}

static void
show_store_error (YqWindow     *self,
                  const GError *error)
{
  g_autofree char *description = NULL;
  const char *title;

  if (g_error_matches (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NEWER_SCHEMA))
    title = _("The Database Is from a Newer Version");
  else if (g_error_matches (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT))
    title = _("The Database Is Damaged");
  else if (error->domain == YQ_SECRETS_ERROR)
    title = _("Cannot Open the Secret Store");
  else
    title = _("Cannot Open the Database");

  /* Translators: %s is an error message, then a folder path. */
  description = g_strdup_printf (_("%s\n\nData folder: %s"),
                                 error->message,
                                 self->data_dir ? self->data_dir : yq_data_dir ());

  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-connector", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-view", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-job", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-run", FALSE);
}

static void
bind_window_state (YqWindow *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  if (schema == NULL)
    {
      g_warning ("GSettings schema %s is not installed; the window size is not remembered", APP_ID);
      return;
    }

  self->settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_bind (self->settings, "window-width",
                   self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height",
                   self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized",
                   self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
yq_window_constructed (GObject *object)
{
  YqWindow *self = YQ_WINDOW (object);
  g_autoptr(GError) error = NULL;
  const char *data_dir;

  G_OBJECT_CLASS (yq_window_parent_class)->constructed (object);

  bind_window_state (self);

  data_dir = self->data_dir ? self->data_dir : yq_data_dir ();
  self->store = yq_store_open_in_dir (data_dir, &error);
  if (self->store != NULL)
    self->secrets = yq_secrets_new_for_data_dir (data_dir, &error);

  if (self->store == NULL || self->secrets == NULL)
    {
      g_clear_object (&self->store);
      show_store_error (self, error);
      return;
    }

  g_object_set (self->connectors_view,
                "store", self->store,
                "secrets", self->secrets,
                NULL);
  g_object_set (self->org_view,
                "store", self->store,
                "secrets", self->secrets,
                NULL);
  yq_bindings_view_set_store (self->bindings_view, self->store);
  g_object_set (self->apps_view,
                "store", self->store,
                "secrets", self->secrets,
                NULL);
  g_object_set (self->push_view,
                "store", self->store,
                "secrets", self->secrets,
                NULL);
  g_object_set (self->settings_view,
                "store", self->store,
                "secrets", self->secrets,
                NULL);

  gtk_list_box_select_row (self->sidebar, self->connectors_row);

  /* Keyboard users start in the sidebar, from where Tab leads into the view. */
  gtk_widget_grab_focus (GTK_WIDGET (self->connectors_row));
}

static void
yq_window_dispose (GObject *object)
{
  YqWindow *self = YQ_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_WINDOW);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (yq_window_parent_class)->dispose (object);
}

static void
yq_window_finalize (GObject *object)
{
  YqWindow *self = YQ_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (yq_window_parent_class)->finalize (object);
}

static void
yq_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  YqWindow *self = YQ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  YqWindow *self = YQ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_window_class_init (YqWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = yq_window_constructed;
  object_class->dispose = yq_window_dispose;
  object_class->finalize = yq_window_finalize;
  object_class->get_property = yq_window_get_property;
  object_class->set_property = yq_window_set_property;

  /**
   * YqWindow:data-dir:
   *
   * The folder holding the database and the secret file; %NULL for
   * yq_data_dir().
   */
  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (YQ_TYPE_CONNECTORS_VIEW);
  g_type_ensure (YQ_TYPE_ORG_VIEW);
  g_type_ensure (YQ_TYPE_BINDINGS_VIEW);
  g_type_ensure (YQ_TYPE_APPS_VIEW);
  g_type_ensure (YQ_TYPE_PUSH_VIEW);
  g_type_ensure (YQ_TYPE_SETTINGS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-window.ui");
  gtk_widget_class_bind_template_child (widget_class, YqWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, connectors_row);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, settings_row);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, connectors_label);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, settings_label);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, connectors_view);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, org_view);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, bindings_view);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, apps_view);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, push_view);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, settings_view);
  gtk_widget_class_bind_template_child (widget_class, YqWindow, error_page);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.add-connector", NULL, add_connector_action);
  gtk_widget_class_install_action (widget_class, "win.show-job", "o", show_job_action);
  gtk_widget_class_install_action (widget_class, "win.show-run", "x", show_run_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.add-connector", NULL);
}

static void
yq_window_init (YqWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * yq_window_new:
 * @application: (nullable): the application
 * @data_dir: (nullable): the data folder, %NULL for yq_data_dir()
 *
 * Creates the main window. It opens the database and the secret store in
 * @data_dir and shows what went wrong in place of the views when that fails.
 *
 * Returns: (transfer full): a new #YqWindow
 */
YqWindow *
yq_window_new (GtkApplication *application,
               const char     *data_dir)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (YQ_TYPE_WINDOW,
                       "application", application,
                       "data-dir", data_dir,
                       NULL);
}

const char *
yq_window_get_data_dir (YqWindow *self)
{
  g_return_val_if_fail (YQ_IS_WINDOW (self), NULL);

  return self->data_dir ? self->data_dir : yq_data_dir ();
}

/**
 * yq_window_get_store:
 * @self: a #YqWindow
 *
 * Returns: (transfer none) (nullable): the open store, %NULL if it could not be opened
 */
YqStore *
yq_window_get_store (YqWindow *self)
{
  g_return_val_if_fail (YQ_IS_WINDOW (self), NULL);

  return self->store;
}

/**
 * yq_window_get_secrets:
 * @self: a #YqWindow
 *
 * Returns: (transfer none) (nullable): the secret store in use
 */
YqSecrets *
yq_window_get_secrets (YqWindow *self)
{
  g_return_val_if_fail (YQ_IS_WINDOW (self), NULL);

  return self->secrets;
}

/**
 * yq_window_show_view:
 * @self: a #YqWindow
 * @name: a view name such as "connectors" or "settings"
 *
 * Selects the view in the sidebar and shows it, also when the window is
 * folded.
 */
void
yq_window_show_view (YqWindow   *self,
                     const char *name)
{
  GtkListBoxRow *row;

  g_return_if_fail (YQ_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (self->store == NULL)
    return;

  row = find_sidebar_row (self, name);
  g_return_if_fail (row != NULL);

  gtk_list_box_select_row (self->sidebar, row);
  gtk_stack_set_visible_child_name (self->content_stack, name);
  show_content (self);
}

/**
 * yq_window_get_visible_view:
 * @self: a #YqWindow
 *
 * Returns: (nullable): the name of the view shown, %NULL when the window
 *   shows an error instead
 */
const char *
yq_window_get_visible_view (YqWindow *self)
{
  g_return_val_if_fail (YQ_IS_WINDOW (self), NULL);

  if (self->store == NULL)
    return NULL;

  return gtk_stack_get_visible_child_name (self->content_stack);
}

/**
 * yq_window_show_run:
 * @self: a #YqWindow
 * @run_id: a sync run of the history
 *
 * Opens a dialog with the run's details, or with why they cannot be
 * shown.
 *
 * Returns: (transfer none) (nullable): the dialog, %NULL when the window
 *   has no store
 */
GtkWindow *
yq_window_show_run (YqWindow *self,
                    gint64    run_id)
{
  YqRunDialog *dialog;

  g_return_val_if_fail (YQ_IS_WINDOW (self), NULL);

  if (self->store == NULL)
    return NULL;

  dialog = yq_run_dialog_new (GTK_WINDOW (self), self->store, run_id);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}
