/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-settings-view"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-dbus-generated.h"
#include "yq-service-client.h"
#include "yq-settings-view.h"

struct _YqSettingsView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwHeaderBar        *header_bar;
  GtkButton           *back_button;
  AdwPreferencesPage  *page;
  AdwPreferencesGroup *bridge_group;
  AdwEntryRow         *external_address_row;
  GtkLabel            *external_address_error;
  AdwActionRow        *status_row;
  GtkButton           *start_button;
  AdwActionRow        *secrets_row;

  YqStore             *store;
  YqSecrets           *secrets;
  YqDBusService       *proxy;
  GCancellable        *cancellable;
  guint                status_serial;
  guint                proxy_pending : 1;
  guint                folded : 1;
  guint                loading : 1;
  guint                address_invalid : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_FOLDED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqSettingsView, yq_settings_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void create_proxy (YqSettingsView *self);

typedef struct
{
  YqSettingsView *view;
  guint           serial;
} StatusRequest;

static StatusRequest *
status_request_new (YqSettingsView *self)
{
  StatusRequest *request = g_new0 (StatusRequest, 1);

  g_set_weak_pointer (&request->view, self);
  request->serial = ++self->status_serial;

  return request;
}

static void
status_request_free (StatusRequest *request)
{
  g_clear_weak_pointer (&request->view);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StatusRequest, status_request_free)

/* A view that went away, or an answer overtaken by a newer question,
 * must not touch the status row. */
static YqSettingsView *
status_request_get_view (StatusRequest *request)
{
  if (request->view == NULL || request->serial != request->view->status_serial)
    return NULL;

  return request->view;
}

static void
set_status (YqSettingsView *self,
            const char     *text,
            gboolean        can_start)
{
  adw_action_row_set_subtitle (self->status_row, text);
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), can_start);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.start-service", can_start);
}

static void
show_status_error (YqSettingsView *self,
                   const GError   *error,
                   gboolean        starting)
{
  g_autofree char *text = NULL;
  g_autofree char *remote = NULL;
  g_autoptr(GError) stripped = NULL;

  if (!starting && yq_service_error_is_not_running (error))
    {
      set_status (self, _("Not running"), TRUE);
      return;
    }

  /* The D-Bus error name is for developers; the admin gets the message. */
  stripped = g_error_copy (error);
  if (g_dbus_error_is_remote_error (stripped))
    g_dbus_error_strip_remote_error (stripped);

  if (starting)
    /* Translators: %s is an error message. */
    text = g_strdup_printf (_("Not running — could not start it: %s"), stripped->message);
  else
    /* Translators: %s is an error message. */
    text = g_strdup_printf (_("Not responding: %s"), stripped->message);

  set_status (self, text, TRUE);
}

static void
show_status (YqSettingsView *self,
             GVariant       *status)
{
  g_autofree char *text = yq_service_format_status (status);

  set_status (self, text, FALSE);
}

static void
get_status_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StatusRequest) request = user_data;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GError) error = NULL;
  YqSettingsView *self;

  if (!yq_dbus_service_call_get_status_finish (YQ_DBUS_SERVICE (object), &status, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!(self = status_request_get_view (request)))
    return;

  if (error != NULL)
    show_status_error (self, error, FALSE);
  else
    show_status (self, status);
}

static void
start_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StatusRequest) request = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GError) error = NULL;
  YqSettingsView *self;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!(self = status_request_get_view (request)))
    return;

  if (reply == NULL)
    {
      show_status_error (self, error, TRUE);
      return;
    }

  g_variant_get (reply, "(@a{sv})", &status);
  show_status (self, status);
}

static void
name_owner_changed_cb (YqSettingsView *self,
                       GParamSpec     *pspec,
                       GDBusProxy     *proxy)
{
  yq_settings_view_refresh_service (self);
}

static void
proxy_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StatusRequest) request = user_data;
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GError) error = NULL;
  YqSettingsView *self;

  proxy = yq_dbus_service_proxy_new_for_bus_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if ((self = request->view) == NULL)
    return;

  self->proxy_pending = FALSE;

  if (proxy == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is an error message about the D-Bus session bus. */
      text = g_strdup_printf (_("Not running — no session bus: %s"), error->message);
      set_status (self, text, FALSE);
      return;
    }

  self->proxy = g_steal_pointer (&proxy);
  g_signal_connect_object (self->proxy, "notify::g-name-owner",
                           G_CALLBACK (name_owner_changed_cb), self, G_CONNECT_SWAPPED);

  yq_settings_view_refresh_service (self);
}

static void
create_proxy (YqSettingsView *self)
{
  if (self->proxy != NULL || self->proxy_pending)
    return;

  self->proxy_pending = TRUE;
  set_status (self, _("Checking…"), FALSE);

  yq_dbus_service_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                                     (G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START |
                                      G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES),
                                     SERVICE_BUS_NAME,
                                     SERVICE_MAIN_PATH,
                                     self->cancellable,
                                     proxy_ready_cb,
                                     status_request_new (self));
}

static void
refresh_service_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  yq_settings_view_refresh_service (YQ_SETTINGS_VIEW (widget));
}

static void
start_service_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);

  if (self->proxy == NULL)
    return;

  set_status (self, _("Starting…"), FALSE);

  /* Calling a method without NO_AUTO_START is what makes the bus activate
   * the service; the proxy itself never does that. */
  g_dbus_connection_call (g_dbus_proxy_get_connection (G_DBUS_PROXY (self->proxy)),
                          SERVICE_BUS_NAME,
                          SERVICE_MAIN_PATH,
                          yq_dbus_service_interface_info ()->name,
                          "GetStatus",
                          NULL,
                          G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NONE,
                          -1,
                          self->cancellable,
                          start_cb,
                          status_request_new (self));
}

static void
show_address_error (YqSettingsView *self,
                    const char     *message)
{
  self->address_invalid = message != NULL;

  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->external_address_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->external_address_row), "error");

  gtk_label_set_text (self->external_address_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->external_address_error), message != NULL);
}

static char *
get_address_text (YqSettingsView *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->external_address_row))));
}

static void
external_address_apply_cb (YqSettingsView *self,
                           AdwEntryRow    *row)
{
  g_autofree char *value = get_address_text (self);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  if (!yq_settings_validate (YQ_SETTING_EXTERNAL_ADDRESS, value, &error) ||
      !yq_settings_set (self->store, YQ_SETTING_EXTERNAL_ADDRESS, value, &error))
    {
      show_address_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->external_address_row));
      return;
    }

  show_address_error (self, NULL);
  yq_service_request_reload (self->cancellable);
}

static void
external_address_changed_cb (YqSettingsView *self,
                             AdwEntryRow    *row)
{
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;

  /* Only a value that was refused is checked while typing, so that the
   * message goes away as soon as the admin has fixed it. */
  if (self->loading || !self->address_invalid)
    return;

  value = get_address_text (self);
  if (yq_settings_validate (YQ_SETTING_EXTERNAL_ADDRESS, value, &error))
    show_address_error (self, NULL);
  else
    show_address_error (self, error->message);
}

static void
load_settings (YqSettingsView *self)
{
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;

  show_address_error (self, NULL);

  self->loading = TRUE;
  if (self->store != NULL)
    {
      address = yq_settings_get (self->store, YQ_SETTING_EXTERNAL_ADDRESS, &error);
      if (error != NULL)
        show_address_error (self, error->message);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->external_address_row), address ? address : "");
  self->loading = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->external_address_row), self->store != NULL);
}

static void
update_secrets_row (YqSettingsView *self)
{
  const char *backend = NULL;
  const char *text;

  if (self->secrets != NULL)
    backend = yq_secrets_get_backend_name (self->secrets);

  if (backend == NULL)
    text = _("Unknown");
  else if (g_str_equal (backend, "keyring"))
    text = _("Desktop keyring");
  else if (g_str_equal (backend, "file"))
    text = _("Protected file (0600)");
  else
    text = backend;

  adw_action_row_set_subtitle (self->secrets_row, text);
}

static void
yq_settings_view_dispose (GObject *object)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_SETTINGS_VIEW);

  g_clear_object (&self->proxy);

  G_OBJECT_CLASS (yq_settings_view_parent_class)->dispose (object);
}

static void
yq_settings_view_finalize (GObject *object)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (yq_settings_view_parent_class)->finalize (object);
}

static void
yq_settings_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (object);

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
yq_settings_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_settings_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_SECRETS:
      yq_settings_view_set_secrets (self, g_value_get_object (value));
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
yq_settings_view_class_init (YqSettingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_settings_view_dispose;
  object_class->finalize = yq_settings_view_finalize;
  object_class->get_property = yq_settings_view_get_property;
  object_class->set_property = yq_settings_view_set_property;

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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/yq-settings-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, back_button);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, page);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, bridge_group);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, external_address_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, external_address_error);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, status_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, start_button);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, secrets_row);
  gtk_widget_class_bind_template_callback (widget_class, external_address_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, external_address_changed_cb);

  gtk_widget_class_install_action (widget_class, "settings.refresh-service", NULL,
                                   refresh_service_action);
  gtk_widget_class_install_action (widget_class, "settings.start-service", NULL,
                                   start_service_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0,
                                       "settings.refresh-service", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "settings.refresh-service", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_settings_view_init (YqSettingsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  load_settings (self);
  update_secrets_row (self);
  create_proxy (self);
}

/**
 * yq_settings_view_get_store:
 * @self: a #YqSettingsView
 *
 * Returns: (transfer none) (nullable): the store holding the settings
 */
YqStore *
yq_settings_view_get_store (YqSettingsView *self)
{
  g_return_val_if_fail (YQ_IS_SETTINGS_VIEW (self), NULL);

  return self->store;
}

void
yq_settings_view_set_store (YqSettingsView *self,
                            YqStore        *store)
{
  g_return_if_fail (YQ_IS_SETTINGS_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      load_settings (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

/**
 * yq_settings_view_get_secrets:
 * @self: a #YqSettingsView
 *
 * Returns: (transfer none) (nullable): the secret store whose backend is shown
 */
YqSecrets *
yq_settings_view_get_secrets (YqSettingsView *self)
{
  g_return_val_if_fail (YQ_IS_SETTINGS_VIEW (self), NULL);

  return self->secrets;
}

void
yq_settings_view_set_secrets (YqSettingsView *self,
                              YqSecrets      *secrets)
{
  g_return_if_fail (YQ_IS_SETTINGS_VIEW (self));
  g_return_if_fail (!secrets || YQ_IS_SECRETS (secrets));

  if (g_set_object (&self->secrets, secrets))
    {
      update_secrets_row (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS]);
    }
}

/**
 * yq_settings_view_refresh_service:
 * @self: a #YqSettingsView
 *
 * Asks the companion service for its status again, without starting it.
 */
void
yq_settings_view_refresh_service (YqSettingsView *self)
{
  g_autofree char *owner = NULL;

  g_return_if_fail (YQ_IS_SETTINGS_VIEW (self));

  if (self->proxy == NULL)
    {
      create_proxy (self);
      return;
    }

  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->proxy));
  if (owner == NULL)
    {
      /* Also drops the answer of a call still on its way. */
      self->status_serial++;
      set_status (self, _("Not running"), TRUE);
      return;
    }

  set_status (self, _("Checking…"), FALSE);
  yq_dbus_service_call_get_status (self->proxy,
                                   self->cancellable,
                                   get_status_cb,
                                   status_request_new (self));
}
