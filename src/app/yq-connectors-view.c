/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-connectors-view"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-connector-editor.h"
#include "yq-connector-row.h"
#include "yq-connectors-view.h"
#include "yq-service-client.h"
#include "yq-sync-ui.h"

struct _YqConnectorsView
{
  GtkWidget        parent_instance;

  /* Template widgets */
  AdwHeaderBar    *header_bar;
  GtkButton       *back_button;
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkListBox      *list_box;
  AdwStatusPage   *error_page;

  YqStore         *store;
  YqSecrets       *secrets;
  GListStore      *connectors;
  GCancellable    *cancellable;
  gboolean         folded;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_FOLDED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqConnectorsView, yq_connectors_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

typedef struct
{
  YqConnectorsView *view;
  gint64            id;
} DeleteRequest;

static void
delete_request_free (gpointer  data,
                     GClosure *closure)
{
  DeleteRequest *request = data;

  g_clear_weak_pointer (&request->view);
  g_free (request);
}

typedef struct
{
  YqConnectorsView *view;
  gint64            id;
  char             *direction;
  gboolean          dry_run;
} SyncRequest;

static SyncRequest *
sync_request_new (YqConnectorsView *self,
                  gint64            id,
                  const char       *direction,
                  gboolean          dry_run)
{
  SyncRequest *request = g_new0 (SyncRequest, 1);

  g_set_weak_pointer (&request->view, self);
  request->id = id;
  request->direction = g_strdup (direction);
  request->dry_run = dry_run;

  return request;
}

static void
sync_request_free (SyncRequest *request)
{
  g_clear_weak_pointer (&request->view);
  g_free (request->direction);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncRequest, sync_request_free)

static void
sync_request_closure_free (gpointer  data,
                           GClosure *closure)
{
  sync_request_free (data);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return yq_connector_row_new (YQ_CONNECTOR (item));
}

static YqConnector *
find_connector (YqConnectorsView *self,
                gint64            id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connectors));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(YqConnector) connector = g_list_model_get_item (G_LIST_MODEL (self->connectors), i);

      if (yq_connector_get_id (connector) == id)
        return connector;
    }

  return NULL;
}

static GtkWindow *
get_parent_window (YqConnectorsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqConnectorsView *self,
                     const char       *heading,
                     const char       *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_error_dialog (YqConnectorsView *self,
                   const char       *heading,
                   const GError     *error)
{
  show_message_dialog (self, heading, error->message);
}

static void
add_toast (YqConnectorsView *self,
           AdwToast         *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (YqConnectorsView *self)
{
  gboolean ready = self->store != NULL && self->secrets != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connectors.add", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connectors.reload", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connector.edit", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connector.delete", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "connector.sync", ready);
}

static void
configuration_changed (YqConnectorsView *self)
{
  yq_connectors_view_reload (self);
  yq_service_request_reload (self->cancellable);
}

static void
editor_saved_cb (YqConnectorsView  *self,
                 gint64             id,
                 YqConnectorEditor *editor)
{
  configuration_changed (self);
}

static void
open_editor (YqConnectorsView *self,
             YqConnector      *connector)
{
  YqConnectorEditor *editor;

  editor = yq_connector_editor_new (get_parent_window (self),
                                    self->store, self->secrets, connector);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  open_editor (YQ_CONNECTORS_VIEW (widget), NULL);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  yq_connectors_view_reload (YQ_CONNECTORS_VIEW (widget));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (widget);
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;

  /* Read the record again: the service or the CLI may have changed it. */
  connector = yq_connectors_get (self->store, g_variant_get_int64 (param), &error);
  if (connector == NULL)
    {
      show_error_dialog (self, _("Cannot Open the Connector"), error);
      yq_connectors_view_reload (self);
      return;
    }

  open_editor (self, connector);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    DeleteRequest    *request)
{
  YqConnectorsView *self = request->view;
  g_autoptr(GError) error = NULL;

  if (self == NULL || g_strcmp0 (response, "delete") != 0)
    return;

  if (!yq_connectors_delete (self->store, self->secrets, request->id, &error))
    show_error_dialog (self, _("Cannot Delete the Connector"), error);

  configuration_changed (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (widget);
  DeleteRequest *request;
  YqConnector *connector;
  GtkWidget *dialog;
  gint64 id = g_variant_get_int64 (param);

  connector = find_connector (self, id);
  if (connector == NULL)
    return;

  dialog = adw_message_dialog_new (get_parent_window (self), _("Delete Connector?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is a connector name. */
                                  _("“%s” will be removed together with its stored secrets "
                                    "(app secret and directory secret). This cannot be undone."),
                                  yq_connector_get_name (connector));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  request = g_new0 (DeleteRequest, 1);
  g_set_weak_pointer (&request->view, self);
  request->id = id;
  g_signal_connect_data (dialog, "response", G_CALLBACK (delete_response_cb),
                         request, delete_request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_sync_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SyncRequest) request = user_data;
  g_autofree char *job_path = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  YqConnectorsView *self;

  job_path = yq_service_start_sync_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if ((self = request->view) == NULL)
    return;

  if (job_path != NULL)
    {
      g_debug ("Started job %s", job_path);
      add_toast (self, yq_sync_ui_started_toast_new (job_path, request->dry_run));
      return;
    }

  /* Another job of the connector is a normal outcome, the others need
   * reading. */
  message = yq_service_error_get_message (error);
  if (yq_service_error_is_busy (error))
    add_toast (self, yq_sync_ui_message_toast_new (message));
  else
    show_message_dialog (self, _("Cannot Start the Sync"), message);
}

static void
start_sync (YqConnectorsView *self,
            gint64            id,
            const char       *direction,
            gboolean          dry_run)
{
  yq_service_start_sync_async (id, direction, dry_run, FALSE,
                               self->cancellable,
                               start_sync_cb,
                               sync_request_new (self, id, direction, dry_run));
}

static void
sync_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  SyncRequest      *request)
{
  if (request->view == NULL || g_strcmp0 (response, "apply") != 0)
    return;

  start_sync (request->view, request->id, request->direction, FALSE);
}

static void
confirm_sync (YqConnectorsView *self,
              YqConnector      *connector,
              const char       *direction)
{
  GtkWidget *dialog;
  const char *name = yq_connector_get_name (connector);
  const char *apply_label;
  SyncRequest *request;

  dialog = adw_message_dialog_new (get_parent_window (self), NULL, NULL);

  if (g_str_equal (direction, "from-platform"))
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), _("Refresh from Platform?"));
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      /* Translators: %s is a connector name. */
                                      _("The bridge’s copy of the “%s” directory is brought up "
                                        "to date. The OA system is not changed."),
                                      name);
      apply_label = _("_Refresh");
    }
  else if (g_str_equal (direction, "to-oa"))
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), _("Sync to OA?"));
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      /* Translators: %s is a connector name. */
                                      _("The OA directory is changed to match the directory of "
                                        "“%s”: departments and people may be created, updated "
                                        "or disabled. Every change is recorded in the history."),
                                      name);
      apply_label = _("_Sync");
    }
  else
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), _("Sync to Platform?"));
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      /* Translators: %s is a connector name. */
                                      _("The directory of “%s” on the platform is changed to "
                                        "match the OA directory: departments and people may be "
                                        "created, updated or deleted there. Every change is "
                                        "recorded in the history."),
                                      name);
      apply_label = _("_Sync");
    }

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", apply_label,
                                    NULL);
  /* Writing to the OA or the platform can remove people there. */
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              g_str_equal (direction, "from-platform")
                                              ? ADW_RESPONSE_SUGGESTED
                                              : ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  request = sync_request_new (self, yq_connector_get_id (connector), direction, FALSE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (sync_response_cb),
                         request, sync_request_closure_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (widget);
  YqSyncDirection parsed;
  YqConnector *connector;
  const char *direction;
  gboolean dry_run;
  gint64 id;

  g_variant_get (param, "(x&sb)", &id, &direction, &dry_run);
  g_return_if_fail (yq_sync_direction_from_string (direction, &parsed));

  connector = find_connector (self, id);
  if (connector == NULL)
    return;

  if (dry_run)
    start_sync (self, id, direction, TRUE);
  else
    confirm_sync (self, connector, direction);
}

static void
yq_connectors_view_dispose (GObject *object)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_CONNECTORS_VIEW);

  g_clear_object (&self->connectors);

  G_OBJECT_CLASS (yq_connectors_view_parent_class)->dispose (object);
}

static void
yq_connectors_view_finalize (GObject *object)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (yq_connectors_view_parent_class)->finalize (object);
}

static void
yq_connectors_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (object);

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
yq_connectors_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  YqConnectorsView *self = YQ_CONNECTORS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_connectors_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_SECRETS:
      yq_connectors_view_set_secrets (self, g_value_get_object (value));
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
yq_connectors_view_class_init (YqConnectorsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_connectors_view_dispose;
  object_class->finalize = yq_connectors_view_finalize;
  object_class->get_property = yq_connectors_view_get_property;
  object_class->set_property = yq_connectors_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL,
                         YQ_TYPE_SECRETS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * YqConnectorsView:folded:
   *
   * Whether the window shows one pane at a time, so that the header needs
   * a back button.
   */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/yq-connectors-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, back_button);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, stack);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, list_box);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, error_page);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorsView, toast_overlay);

  gtk_widget_class_install_action (widget_class, "connectors.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "connectors.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "connector.edit", "x", edit_action);
  gtk_widget_class_install_action (widget_class, "connector.delete", "x", delete_action);
  gtk_widget_class_install_action (widget_class, "connector.sync", "(xsb)", sync_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "connectors.add", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_connectors_view_init (YqConnectorsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->connectors = g_list_store_new (YQ_TYPE_CONNECTOR);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->connectors),
                           create_row_cb, NULL, NULL);

  update_actions (self);
}

/**
 * yq_connectors_view_get_store:
 * @self: a #YqConnectorsView
 *
 * Returns: (transfer none) (nullable): the store the view edits
 */
YqStore *
yq_connectors_view_get_store (YqConnectorsView *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTORS_VIEW (self), NULL);

  return self->store;
}

void
yq_connectors_view_set_store (YqConnectorsView *self,
                              YqStore          *store)
{
  g_return_if_fail (YQ_IS_CONNECTORS_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      update_actions (self);
      yq_connectors_view_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

/**
 * yq_connectors_view_get_secrets:
 * @self: a #YqConnectorsView
 *
 * Returns: (transfer none) (nullable): the secret store the view writes to
 */
YqSecrets *
yq_connectors_view_get_secrets (YqConnectorsView *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTORS_VIEW (self), NULL);

  return self->secrets;
}

void
yq_connectors_view_set_secrets (YqConnectorsView *self,
                                YqSecrets        *secrets)
{
  g_return_if_fail (YQ_IS_CONNECTORS_VIEW (self));
  g_return_if_fail (!secrets || YQ_IS_SECRETS (secrets));

  if (g_set_object (&self->secrets, secrets))
    {
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS]);
    }
}

/**
 * yq_connectors_view_get_model:
 * @self: a #YqConnectorsView
 *
 * Returns: (transfer none): the #YqConnector objects shown
 */
GListModel *
yq_connectors_view_get_model (YqConnectorsView *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTORS_VIEW (self), NULL);

  return G_LIST_MODEL (self->connectors);
}

/**
 * yq_connectors_view_reload:
 * @self: a #YqConnectorsView
 *
 * Reads the connectors from the store again.
 */
void
yq_connectors_view_reload (YqConnectorsView *self)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (YQ_IS_CONNECTORS_VIEW (self));

  if (self->store == NULL)
    {
      g_list_store_remove_all (self->connectors);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  connectors = yq_connectors_list (self->store, &error);
  if (connectors == NULL)
    {
      g_list_store_remove_all (self->connectors);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_list_store_splice (self->connectors,
                       0, g_list_model_get_n_items (G_LIST_MODEL (self->connectors)),
                       connectors->pdata, connectors->len);

  gtk_stack_set_visible_child_name (self->stack, connectors->len > 0 ? "list" : "empty");
}
