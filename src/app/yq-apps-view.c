/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-apps-view"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-app-editor.h"
#include "yq-apps-view.h"
#include "yq-service-client.h"

struct _YqAppsView
{
  GtkWidget           parent_instance;

  /* Template widgets */
  AdwHeaderBar       *header_bar;
  GtkButton          *back_button;
  AdwToastOverlay    *toast_overlay;
  GtkStack           *main_stack;
  AdwStatusPage      *error_page;
  AdwPreferencesPage *page;

  YqStore            *store;
  YqSecrets          *secrets;
  /* The groups added to the page, to take them out again on reload. */
  GPtrArray          *groups;
  GCancellable       *cancellable;
  guint               folded : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_FOLDED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqAppsView, yq_apps_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* The rows of one connector's QR-code login. The group that holds them
 * owns this, and the view owns the group. */
typedef struct
{
  YqAppsView  *view;
  gint64       connector_id;
  /* The app of each position of the dropdown; 0 for none. */
  GArray      *app_ids;
  GtkSwitch   *enabled_switch;
  AdwComboRow *app_row;
  GtkWidget   *snippet_button;
  GtkLabel    *error_label;
  /* What is stored: the rows go back to it after a refusal, and changes
   * back to it are not written again. */
  guint        selected;
  gboolean     enabled;
  gboolean     updating;
} QrRows;

static void
qr_rows_free (QrRows *qr)
{
  g_clear_pointer (&qr->app_ids, g_array_unref);
  g_free (qr);
}

typedef struct
{
  YqAppsView *view;
  gint64      id;
} RemoveRequest;

static void
remove_request_free (gpointer  data,
                     GClosure *closure)
{
  RemoveRequest *request = data;

  g_clear_weak_pointer (&request->view);
  g_free (request);
}

static GtkWindow *
get_parent_window (YqAppsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqAppsView *self,
                     const char *heading,
                     const char *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_toast (YqAppsView *self,
           const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
copy_text (YqAppsView *self,
           const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
configuration_changed (YqAppsView *self)
{
  yq_apps_view_reload (self);
  yq_service_request_reload (self->cancellable);
}

static void
clear_groups (YqAppsView *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
}

static void
add_group (YqAppsView *self,
           GtkWidget  *group)
{
  adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->groups, group);
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

static const char *
find_entry_point_name (GPtrArray *entry_points,
                       gint64     id)
{
  for (guint i = 0; i < entry_points->len; i++)
    {
      YqEntryPoint *entry_point = g_ptr_array_index (entry_points, i);

      if (entry_point->id == id)
        return entry_point->name;
    }

  return NULL;
}

static char *
describe_target (const YqApp *app,
                 GPtrArray   *entry_points)
{
  const char *name;

  if (app->target == YQ_APP_TARGET_CUSTOM)
    /* Translators: %s is a URL. */
    return g_strdup_printf (_("custom link %s"), app->custom_url ? app->custom_url : "");

  name = find_entry_point_name (entry_points, app->entry_point_id);
  if (name != NULL)
    return g_strdup (name);

  return g_strdup (_("an entry point that no longer exists"));
}

static GtkWidget *
create_home_url_row (YqAppsView  *self,
                     const YqApp *app,
                     gboolean     have_address)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  gtk_widget_set_name (row, "home-url-row");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Home URL"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  if (!have_address)
    {
      GtkWidget *button;

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Set the external address in Settings first: the home "
                                     "URL is built from it."));
      button = gtk_button_new_with_mnemonic (_("Open _Settings"));
      gtk_widget_set_name (button, "open-settings-button");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.show-view");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                              g_variant_new_string ("settings"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      return row;
    }

  url = yq_apps_build_home_url (self->store, app, &error);
  if (url == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_add_css_class (row, "error");
      return row;
    }

  {
    GtkWidget *label = gtk_label_new (url);
    GtkWidget *button;

    gtk_widget_set_name (label, "home-url");
    gtk_label_set_selectable (GTK_LABEL (label), TRUE);
    /* Whole when there is room; a narrow window shows both ends. */
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
    gtk_label_set_xalign (GTK_LABEL (label), 1);
    gtk_widget_set_tooltip_text (label, url);
    gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (label, "monospace");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

    button = create_icon_button ("edit-copy-symbolic", _("Copy Home URL"),
                                 "apps.copy-home-url", g_variant_new_int64 (app->id));
    gtk_widget_set_name (button, "copy-home-url-button");
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  }

  return row;
}

static GtkWidget *
create_app_row (YqAppsView  *self,
                YqConnector *connector,
                const YqApp *app,
                GPtrArray   *entry_points,
                gboolean     have_address)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *button;
  g_autofree char *target = describe_target (app, entry_points);
  g_autofree char *subtitle = NULL;
  g_autofree char *name = g_strdup_printf ("app-%" G_GINT64_FORMAT, app->id);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), app->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: an app's subtitle: the label "AppKey" or "AppId", the
   * key, and what the app opens. */
  subtitle = g_strdup_printf (_("%s %s · opens %s"),
                              yq_platform_kind_get_app_key_label (yq_connector_get_kind (connector)),
                              app->app_key, target);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);

  /* Actions go in front of those added before. */
  button = create_icon_button ("user-trash-symbolic", _("Remove App"),
                               "apps.remove-app", g_variant_new_int64 (app->id));
  gtk_widget_set_name (button, "remove-app-button");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);

  button = create_icon_button ("document-edit-symbolic", _("Edit App"),
                               "apps.edit-app", g_variant_new_int64 (app->id));
  gtk_widget_set_name (button, "edit-app-button");
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            create_home_url_row (self, app, have_address));

  return row;
}

static GtkWidget *
create_apps_group (YqAppsView  *self,
                   YqConnector *connector,
                   GPtrArray   *apps,
                   GPtrArray   *entry_points,
                   gboolean     have_address)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *button;
  g_autofree char *name = g_strdup_printf ("connector-%" G_GINT64_FORMAT,
                                           yq_connector_get_id (connector));

  gtk_widget_set_name (group, name);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), yq_connector_get_name (connector));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The apps registered on the platform console. Paste "
                                           "each app’s home URL there, so that opening the app "
                                           "logs people in to the OA."));

  button = gtk_button_new_with_mnemonic (_("_Add App…"));
  gtk_widget_set_name (button, "add-app-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "apps.add-app");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_int64 (yq_connector_get_id (connector)));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);

  for (guint i = 0; i < apps->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               create_app_row (self, connector, g_ptr_array_index (apps, i),
                                               entry_points, have_address));

  if (apps->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No apps yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Register an app on the platform console, then add it "
                                     "here with its credentials."));
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  return group;
}

/* ---- QR-code login ------------------------------------------------------ */

static void
qr_show_error (QrRows     *qr,
               const char *message)
{
  gtk_label_set_text (qr->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (qr->error_label), message != NULL);
}

static gint64
qr_get_selected_app (QrRows *qr)
{
  guint selected = adw_combo_row_get_selected (qr->app_row);

  if (selected >= qr->app_ids->len)
    return 0;

  return g_array_index (qr->app_ids, gint64, selected);
}

/* Writes what the rows show; on a refusal the rows go back to what is
 * stored and the reason stays under them. */
static void
qr_apply (QrRows *qr)
{
  YqAppsView *self = qr->view;
  g_autoptr(GError) error = NULL;
  YqQrLogin qr_login = { 0, };

  if (!yq_qr_login_get (self->store, qr->connector_id, &qr_login, &error))
    {
      qr_show_error (qr, error->message);
      return;
    }

  qr_login.enabled = gtk_switch_get_active (qr->enabled_switch);
  qr_login.app_id = qr_get_selected_app (qr);

  if (!yq_qr_login_set (self->store, &qr_login, &error))
    {

      YqQrLogin stored = { 0, };

      qr_show_error (qr, error->message);

      if (yq_qr_login_get (self->store, qr->connector_id, &stored, NULL))
        qr->enabled = stored.enabled;

      qr->updating = TRUE;
      gtk_switch_set_active (qr->enabled_switch, qr->enabled);
      adw_combo_row_set_selected (qr->app_row, qr->selected);
      qr->updating = FALSE;

      gtk_widget_set_sensitive (qr->snippet_button, gtk_switch_get_active (qr->enabled_switch));
      return;
    }

  qr_show_error (qr, NULL);
  qr->selected = adw_combo_row_get_selected (qr->app_row);
  qr->enabled = qr_login.enabled;
  gtk_widget_set_sensitive (qr->snippet_button, qr_login.enabled);
  yq_service_request_reload (self->cancellable);
}

static void
qr_switch_changed_cb (GtkSwitch  *enabled_switch,
                      GParamSpec *pspec,
                      QrRows     *qr)
{
  if (!qr->updating && gtk_switch_get_active (enabled_switch) != qr->enabled)
    qr_apply (qr);
}

static void
qr_app_changed_cb (AdwComboRow *row,
                   GParamSpec  *pspec,
                   QrRows      *qr)
{
  if (!qr->updating && adw_combo_row_get_selected (row) != qr->selected)
    qr_apply (qr);
}

static void
qr_snippet_clicked_cb (GtkButton *button,
                       QrRows    *qr)
{
  gtk_widget_activate_action (GTK_WIDGET (qr->view), "apps.copy-snippet", "x", qr->connector_id);
}

static GtkWidget *
create_qr_group (YqAppsView  *self,
                 YqConnector *connector,
                 GPtrArray   *apps)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row;
  GtkWidget *label;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *name = NULL;
  YqQrLogin qr_login = { 0, };
  gint64 none = 0;
  QrRows *qr;

  qr = g_new0 (QrRows, 1);
  qr->view = self;
  qr->connector_id = yq_connector_get_id (connector);
  qr->app_ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_object_set_data_full (G_OBJECT (group), "yq-qr-rows", qr, (GDestroyNotify) qr_rows_free);

  name = g_strdup_printf ("qr-login-%" G_GINT64_FORMAT, qr->connector_id);
  gtk_widget_set_name (group, name);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("QR-Code Login"));
  /* Translators: %s is a connector name. */
  description = g_strdup_printf (_("People of %s scan a QR code on the OA login page with the "
                                   "platform app to log in. Only people the dependent app is "
                                   "visible to are let in."),
                                 yq_connector_get_name (connector));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  if (!yq_qr_login_get (self->store, qr->connector_id, &qr_login, &error))
    qr_login.enabled = FALSE;
  qr->enabled = qr_login.enabled;

  /* Enabled */
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Offer QR-Code Login"));
  qr->enabled_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_name (GTK_WIDGET (qr->enabled_switch), "qr-switch");
  gtk_widget_set_valign (GTK_WIDGET (qr->enabled_switch), GTK_ALIGN_CENTER);
  gtk_switch_set_active (qr->enabled_switch, qr_login.enabled);
  gtk_accessible_update_property (GTK_ACCESSIBLE (qr->enabled_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Offer QR-Code Login"),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (qr->enabled_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (qr->enabled_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  /* Dependent app */
  gtk_string_list_append (names, _("None"));
  g_array_append_val (qr->app_ids, none);
  for (guint i = 0; i < apps->len; i++)
    {
      YqApp *app = g_ptr_array_index (apps, i);

      gtk_string_list_append (names, app->name);
      g_array_append_val (qr->app_ids, app->id);
      if (app->id == qr_login.app_id)
        qr->selected = i + 1;
    }

  qr->app_row = ADW_COMBO_ROW (adw_combo_row_new ());
  gtk_widget_set_name (GTK_WIDGET (qr->app_row), "qr-app-row");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (qr->app_row), _("Dependent App"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (qr->app_row), 2);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (qr->app_row),
                               yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD
                               ? _("The app whose QR-code login is used; it needs a client ID.")
                               : _("The app whose visible range decides who may log in."));
  adw_combo_row_set_model (qr->app_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (qr->app_row, qr->selected);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (qr->app_row));

  /* Snippet */
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Login Page Snippet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("HTML to paste into the OA login page where the QR code "
                                 "should appear."));
  qr->snippet_button = gtk_button_new_with_mnemonic (_("_Copy Login Page Snippet"));
  gtk_widget_set_name (qr->snippet_button, "qr-snippet-button");
  gtk_widget_set_valign (qr->snippet_button, GTK_ALIGN_CENTER);
  /* Not an action: the switch decides whether the button is sensitive. */
  g_signal_connect (qr->snippet_button, "clicked", G_CALLBACK (qr_snippet_clicked_cb), qr);
  gtk_widget_set_sensitive (qr->snippet_button, qr_login.enabled);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), qr->snippet_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  label = gtk_label_new (NULL);
  qr->error_label = GTK_LABEL (label);
  gtk_widget_set_name (label, "qr-error");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_add_css_class (label, "error");
  gtk_widget_add_css_class (label, "caption");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), label);
  qr_show_error (qr, error ? error->message : NULL);

  g_signal_connect (qr->enabled_switch, "notify::active", G_CALLBACK (qr_switch_changed_cb), qr);
  g_signal_connect (qr->app_row, "notify::selected", G_CALLBACK (qr_app_changed_cb), qr);

  return group;
}

/* ---- Actions ------------------------------------------------------------- */

static YqConnector *
get_connector (YqAppsView *self,
               gint64      id)
{
  g_autoptr(GError) error = NULL;
  YqConnector *connector;

  connector = yq_connectors_get (self->store, id, &error);
  if (connector == NULL)
    {
      show_message_dialog (self, _("Cannot Open the Connector"), error->message);
      yq_apps_view_reload (self);
    }

  return connector;
}

static void
editor_saved_cb (YqAppsView  *self,
                 gint64       id,
                 YqAppEditor *editor)
{
  configuration_changed (self);
}

static void
open_editor (YqAppsView  *self,
             YqConnector *connector,
             const YqApp *app)
{
  YqAppEditor *editor;

  editor = yq_app_editor_new (get_parent_window (self), self->store, self->secrets,
                              connector, app);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_app_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  YqAppsView *self = YQ_APPS_VIEW (widget);
  g_autoptr(YqConnector) connector = NULL;

  if (self->store == NULL || self->secrets == NULL)
    return;

  connector = get_connector (self, g_variant_get_int64 (param));
  if (connector != NULL)
    open_editor (self, connector, NULL);
}

/* Reads the app again: the service or the CLI may have changed it. */
static YqApp *
get_app (YqAppsView *self,
         gint64      id,
         const char *heading)
{
  g_autoptr(GError) error = NULL;
  YqApp *app;

  app = yq_apps_get (self->store, id, &error);
  if (app == NULL)
    {
      show_message_dialog (self, heading, error->message);
      yq_apps_view_reload (self);
    }

  return app;
}

static void
edit_app_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  YqAppsView *self = YQ_APPS_VIEW (widget);
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqApp) app = NULL;

  if (self->store == NULL || self->secrets == NULL)
    return;

  app = get_app (self, g_variant_get_int64 (param), _("Cannot Open the App"));
  if (app == NULL)
    return;

  connector = get_connector (self, app->connector_id);
  if (connector != NULL)
    open_editor (self, connector, app);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    RemoveRequest    *request)
{
  YqAppsView *self = request->view;
  g_autoptr(GError) error = NULL;

  if (self == NULL || g_strcmp0 (response, "remove") != 0)
    return;

  if (!yq_apps_remove (self->store, self->secrets, request->id, &error))
    show_message_dialog (self, _("Cannot Remove the App"), error->message);

  configuration_changed (self);
}

static void
remove_app_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  YqAppsView *self = YQ_APPS_VIEW (widget);
  g_autoptr(YqApp) app = NULL;
  RemoveRequest *request;
  GtkWidget *dialog;

  if (self->store == NULL || self->secrets == NULL)
    return;

  app = get_app (self, g_variant_get_int64 (param), _("Cannot Remove the App"));
  if (app == NULL)
    return;

  dialog = adw_message_dialog_new (get_parent_window (self), _("Remove App?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is an app name. */
                                  _("“%s” will be removed together with its stored AppSecret. "
                                    "Opening it from the platform will no longer log people in "
                                    "to the OA."),
                                  app->name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  request = g_new0 (RemoveRequest, 1);
  g_set_weak_pointer (&request->view, self);
  request->id = app->id;
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_response_cb),
                         request, remove_request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_home_url_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  YqAppsView *self = YQ_APPS_VIEW (widget);
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  if (self->store == NULL)
    return;

  app = get_app (self, g_variant_get_int64 (param), _("Cannot Copy the Home URL"));
  if (app == NULL)
    return;

  url = yq_apps_build_home_url (self->store, app, &error);
  if (url == NULL)
    {
      show_message_dialog (self, _("Cannot Copy the Home URL"), error->message);
      return;
    }

  copy_text (self, url);
  add_toast (self, _("Home URL copied"));
}

static void
copy_snippet_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  YqAppsView *self = YQ_APPS_VIEW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *snippet = NULL;

  if (self->store == NULL)
    return;

  snippet = yq_qr_login_snippet (self->store, g_variant_get_int64 (param), &error);
  if (snippet == NULL)
    {
      show_message_dialog (self, _("Cannot Copy the Login Page Snippet"), error->message);
      return;
    }

  copy_text (self, snippet);
  add_toast (self, _("Login page snippet copied"));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  yq_apps_view_reload (YQ_APPS_VIEW (widget));
}

static void
update_actions (YqAppsView *self)
{
  gboolean ready = self->store != NULL && self->secrets != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "apps.reload", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "apps.add-app", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "apps.edit-app", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "apps.remove-app", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "apps.copy-home-url", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "apps.copy-snippet", ready);
}

static void
show_error (YqAppsView   *self,
            const GError *error)
{
  clear_groups (self);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
}

/* ---- GObject ------------------------------------------------------------- */

static void
yq_apps_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (yq_apps_view_parent_class)->map (widget);

  /* Connectors, entry points and the external address are edited on
   * other pages. */
  yq_apps_view_reload (YQ_APPS_VIEW (widget));
}

static void
yq_apps_view_dispose (GObject *object)
{
  YqAppsView *self = YQ_APPS_VIEW (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_APPS_VIEW);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_apps_view_parent_class)->dispose (object);
}

static void
yq_apps_view_finalize (GObject *object)
{
  YqAppsView *self = YQ_APPS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (yq_apps_view_parent_class)->finalize (object);
}

static void
yq_apps_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  YqAppsView *self = YQ_APPS_VIEW (object);

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
yq_apps_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  YqAppsView *self = YQ_APPS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_apps_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_SECRETS:
      yq_apps_view_set_secrets (self, g_value_get_object (value));
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
yq_apps_view_class_init (YqAppsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_apps_view_dispose;
  object_class->finalize = yq_apps_view_finalize;
  object_class->get_property = yq_apps_view_get_property;
  object_class->set_property = yq_apps_view_set_property;

  widget_class->map = yq_apps_view_map;

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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-apps-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqAppsView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, YqAppsView, back_button);
  gtk_widget_class_bind_template_child (widget_class, YqAppsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, YqAppsView, main_stack);
  gtk_widget_class_bind_template_child (widget_class, YqAppsView, error_page);
  gtk_widget_class_bind_template_child (widget_class, YqAppsView, page);

  gtk_widget_class_install_action (widget_class, "apps.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "apps.add-app", "x", add_app_action);
  gtk_widget_class_install_action (widget_class, "apps.edit-app", "x", edit_app_action);
  gtk_widget_class_install_action (widget_class, "apps.remove-app", "x", remove_app_action);
  gtk_widget_class_install_action (widget_class, "apps.copy-home-url", "x",
                                   copy_home_url_action);
  gtk_widget_class_install_action (widget_class, "apps.copy-snippet", "x", copy_snippet_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "apps.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "apps.reload", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_apps_view_init (YqAppsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->groups = g_ptr_array_new ();

  update_actions (self);
}

YqStore *
yq_apps_view_get_store (YqAppsView *self)
{
  g_return_val_if_fail (YQ_IS_APPS_VIEW (self), NULL);

  return self->store;
}

void
yq_apps_view_set_store (YqAppsView *self,
                        YqStore    *store)
{
  g_return_if_fail (YQ_IS_APPS_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      update_actions (self);
      yq_apps_view_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

YqSecrets *
yq_apps_view_get_secrets (YqAppsView *self)
{
  g_return_val_if_fail (YQ_IS_APPS_VIEW (self), NULL);

  return self->secrets;
}

void
yq_apps_view_set_secrets (YqAppsView *self,
                          YqSecrets  *secrets)
{
  g_return_if_fail (YQ_IS_APPS_VIEW (self));
  g_return_if_fail (!secrets || YQ_IS_SECRETS (secrets));

  if (g_set_object (&self->secrets, secrets))
    {
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS]);
    }
}

/**
 * yq_apps_view_reload:
 * @self: a #YqAppsView
 *
 * Reads the connectors, their apps and QR-code logins, the entry points
 * and the external address again, and rebuilds the page.
 */
void
yq_apps_view_reload (YqAppsView *self)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GPtrArray) entry_points = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  gboolean have_address;

  g_return_if_fail (YQ_IS_APPS_VIEW (self));

  if (self->store == NULL)
    {
      clear_groups (self);
      gtk_stack_set_visible_child_name (self->main_stack, "no-connectors");
      return;
    }

  if ((connectors = yq_connectors_list (self->store, &error)) == NULL ||
      (entry_points = yq_entry_points_list (self->store, &error)) == NULL ||
      (address = yq_settings_get (self->store, YQ_SETTING_EXTERNAL_ADDRESS, &error)) == NULL)
    {
      show_error (self, error);
      return;
    }
  have_address = address[0] != '\0';

  clear_groups (self);

  for (guint i = 0; i < connectors->len; i++)
    {
      YqConnector *connector = g_ptr_array_index (connectors, i);
      g_autoptr(GPtrArray) apps = NULL;

      apps = yq_apps_list (self->store, yq_connector_get_id (connector), &error);
      if (apps == NULL)
        {
          show_error (self, error);
          return;
        }

      add_group (self, create_apps_group (self, connector, apps, entry_points, have_address));
      add_group (self, create_qr_group (self, connector, apps));
    }

  gtk_stack_set_visible_child_name (self->main_stack,
                                    connectors->len > 0 ? "apps" : "no-connectors");
}
