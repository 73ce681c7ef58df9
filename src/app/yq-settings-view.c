/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-settings-view"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-apps.h"
#include "yq-dbus-generated.h"
#include "yq-job-row.h"
#include "yq-job-watcher.h"
#include "yq-service-client.h"
#include "yq-settings-view.h"
#include "yq-sync-ui.h"

struct _YqSettingsView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwHeaderBar        *header_bar;
  GtkButton           *back_button;
  AdwToastOverlay     *toast_overlay;
  AdwPreferencesPage  *page;
  AdwPreferencesGroup *bridge_group;
  AdwEntryRow         *external_address_row;
  GtkLabel            *external_address_error;
  AdwActionRow        *status_row;
  GtkButton           *start_button;
  AdwActionRow        *secrets_row;
  GtkListBox          *entry_points_list;
  AdwEntryRow         *http_address_row;
  GtkLabel            *http_address_error;
  AdwActionRow        *http_state_row;
  GtkListBox          *jobs_list;
  GtkListBox          *schedules_list;
  GtkLabel            *schedules_placeholder;

  YqStore             *store;
  YqSecrets           *secrets;
  YqDBusService       *proxy;
  YqJobWatcher        *jobs;
  char                *job_to_show;
  GCancellable        *cancellable;
  guint                status_serial;
  guint                proxy_pending : 1;
  guint                folded : 1;
  guint                loading : 1;
  guint                address_invalid : 1;
  guint                http_address_invalid : 1;
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
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static char *
format_interval (gint64 seconds)
{
  const gint64 hour = 3600;
  const gint64 day = 24 * hour;
  const gint64 week = 7 * day;
  guint n;

  if (seconds <= 0)
    return NULL;

  if (seconds % week == 0 && seconds / week <= G_MAXUINT)
    {
      n = seconds / week;
      return n == 1 ? g_strdup (_("every week"))
                    : g_strdup_printf (ngettext ("every %u week", "every %u weeks", n), n);
    }
  if (seconds % day == 0 && seconds / day <= G_MAXUINT)
    {
      n = seconds / day;
      return n == 1 ? g_strdup (_("every day"))
                    : g_strdup_printf (ngettext ("every %u day", "every %u days", n), n);
    }

  n = MAX (1, MIN (seconds / hour, G_MAXUINT));
  return n == 1 ? g_strdup (_("every hour"))
                : g_strdup_printf (ngettext ("every %u hour", "every %u hours", n), n);
}

typedef struct
{
  char   *connector_name;
  char   *direction;
  gint64  next_run;
  gint64  interval;
} ScheduleEntry;

static void
schedule_entry_clear (ScheduleEntry *entry)
{
  g_clear_pointer (&entry->connector_name, g_free);
  g_clear_pointer (&entry->direction, g_free);
}

/* Soonest first; schedules that will not run again last. */
static int
compare_schedules (gconstpointer a,
                   gconstpointer b)
{
  const ScheduleEntry *sa = a;
  const ScheduleEntry *sb = b;

  if ((sa->next_run > 0) != (sb->next_run > 0))
    return sa->next_run > 0 ? -1 : 1;
  if (sa->next_run != sb->next_run)
    return sa->next_run < sb->next_run ? -1 : 1;

  return g_strcmp0 (sa->connector_name, sb->connector_name);
}

static GtkWidget *
create_schedule_row (const ScheduleEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label;
  g_autofree char *interval = format_interval (entry->interval);
  g_autofree char *subtitle = NULL;
  g_autofree char *next_run = NULL;
  g_autofree char *accessible = NULL;
  const char *direction = yq_sync_ui_direction_label (entry->direction);

  if (interval != NULL)
    subtitle = g_strdup_printf ("%s · %s", direction, interval);
  else
    subtitle = g_strdup (direction);

  if (entry->next_run > 0)
    next_run = yq_sync_ui_format_date_time (entry->next_run);
  else
    next_run = g_strdup (_("Not scheduled"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->connector_name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  label = gtk_label_new (next_run);
  gtk_widget_set_name (label, "next-run");
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  /* Translators: accessible name of a schedule: a connector name, a sync
   * direction, and when it runs next. */
  accessible = g_strdup_printf (_("%s, %s, next run: %s"),
                                entry->connector_name, direction, next_run);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  return row;
}

static void
show_schedules (YqSettingsView *self,
                GVariant       *schedules)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (ScheduleEntry));
  GVariantIter iter;
  GVariant *schedule;

  g_array_set_clear_func (entries, (GDestroyNotify) schedule_entry_clear);
  clear_list (self->schedules_list);

  if (schedules == NULL)
    {
      gtk_label_set_text (self->schedules_placeholder,
                          _("Shown while the companion service is running."));
      return;
    }

  gtk_label_set_text (self->schedules_placeholder, _("No scheduled syncs."));

  g_variant_iter_init (&iter, schedules);
  while ((schedule = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (schedule);
      ScheduleEntry entry = { NULL, };
      gint64 connector = 0;

      g_variant_dict_lookup (&dict, "connector", "x", &connector);
      if (!g_variant_dict_lookup (&dict, "connector-name", "s", &entry.connector_name))
        {
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, connector);

          /* Translators: %s is a number. */
          entry.connector_name = g_strdup_printf (_("Connector %s"), id);
        }
      if (!g_variant_dict_lookup (&dict, "direction", "s", &entry.direction))
        entry.direction = g_strdup ("");
      g_variant_dict_lookup (&dict, "next-run", "x", &entry.next_run);
      g_variant_dict_lookup (&dict, "interval", "x", &entry.interval);
      g_array_append_val (entries, entry);
      g_variant_unref (schedule);
    }

  g_array_sort (entries, compare_schedules);
  for (guint i = 0; i < entries->len; i++)
    gtk_list_box_append (self->schedules_list,
                         create_schedule_row (&g_array_index (entries, ScheduleEntry, i)));
}

/* The "http" entry of GetStatus, and the "http-address" it listens on,
 * under the listen address. */
static void
show_http_state (YqSettingsView *self,
                 const char     *http,
                 const char     *http_address)
{
  g_autofree char *text = NULL;
  gboolean failed = FALSE;

  if (http == NULL)
    text = g_strdup (_("Not running: the companion service is not running"));
  else if (g_str_equal (http, "not-configured"))
    text = g_strdup (_("Off: the service listens once an app is set up under Applications"));
  else if (g_str_equal (http, "listening") && http_address != NULL && http_address[0] != '\0')
    /* Translators: %s is a HOST:PORT address. */
    text = g_strdup_printf (_("Listening on %s"), http_address);
  else if (g_str_equal (http, "listening"))
    text = g_strdup (_("Listening"));
  else
    {
      /* The service's own message says what went wrong. */
      text = g_strdup (http);
      failed = TRUE;
    }

  adw_action_row_set_subtitle (self->http_state_row, text);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->http_state_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->http_state_row), "error");
}

/* What GetStatus says beyond the one-line status; %NULL when the service
 * is not running. */
static void
show_details (YqSettingsView *self,
              GVariant       *status)
{
  g_autoptr(GVariantDict) dict = NULL;
  g_autoptr(GVariant) schedules = NULL;
  const char *http = NULL;
  const char *http_address = NULL;

  if (status != NULL)
    {
      dict = g_variant_dict_new (status);
      g_variant_dict_lookup (dict, "http", "&s", &http);
      g_variant_dict_lookup (dict, "http-address", "&s", &http_address);
      schedules = g_variant_dict_lookup_value (dict, "schedules", G_VARIANT_TYPE ("aa{sv}"));
      /* A service without schedules support has none to show. */
      if (schedules == NULL)
        schedules = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, NULL, 0));
    }

  show_http_state (self, http, http_address);
  show_schedules (self, schedules);
}

static void
set_status (YqSettingsView *self,
            const char     *text,
            gboolean        can_start)
{
  /* Whatever offers to start the service means it is not there. */
  if (can_start)
    show_details (self, NULL);

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
  show_details (self, status);
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

/* A quiet refresh keeps what is shown until the answer is in: it follows
 * the jobs, not a request of the admin. */
static void
refresh_service (YqSettingsView *self,
                 gboolean        quiet)
{
  g_autofree char *owner = NULL;

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

  if (!quiet)
    set_status (self, _("Checking…"), FALSE);
  yq_dbus_service_call_get_status (self->proxy,
                                   self->cancellable,
                                   get_status_cb,
                                   status_request_new (self));
}

static void
add_toast (YqSettingsView *self,
           AdwToast       *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The view may be gone when a job call returns. */
typedef struct
{
  YqSettingsView *view;
} JobRequest;

static JobRequest *
job_request_new (YqSettingsView *self)
{
  JobRequest *request = g_new0 (JobRequest, 1);

  g_set_weak_pointer (&request->view, self);

  return request;
}

static void
job_request_free (JobRequest *request)
{
  g_clear_weak_pointer (&request->view);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JobRequest, job_request_free)

static void
cancel_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JobRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (yq_dbus_job_call_cancel_finish (YQ_DBUS_JOB (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      request->view == NULL)
    return;

  message = yq_service_error_get_message (error);
  add_toast (request->view, yq_sync_ui_message_toast_new (message));
}

static void
cancel_job_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);
  YqDBusJob *job = yq_job_watcher_lookup (self->jobs, g_variant_get_string (param, NULL));

  if (job == NULL)
    return;

  yq_dbus_job_call_cancel (job, self->cancellable, cancel_job_cb, job_request_new (self));
}

static void
confirm_job_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(JobRequest) request = user_data;
  g_autofree char *job_path = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  job_path = yq_service_start_sync_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || request->view == NULL)
    return;

  if (job_path != NULL)
    {
      add_toast (request->view, yq_sync_ui_started_toast_new (job_path, FALSE));
      return;
    }

  message = yq_service_error_get_message (error);
  add_toast (request->view, yq_sync_ui_message_toast_new (message));
}

/* "Confirm and Apply": the same sync again, applied past the threshold
 * that blocked it. The button's label is the confirmation. */
static void
confirm_job_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);
  YqDBusJob *job = yq_job_watcher_lookup (self->jobs, g_variant_get_string (param, NULL));

  if (job == NULL || !yq_dbus_job_get_needs_confirmation (job))
    return;

  yq_service_start_sync_async (yq_dbus_job_get_connector (job),
                               yq_dbus_job_get_direction (job),
                               FALSE, TRUE,
                               self->cancellable,
                               confirm_job_cb,
                               job_request_new (self));
}

static GtkWidget *
create_job_row_cb (gpointer item,
                   gpointer user_data)
{
  return yq_job_row_new (YQ_DBUS_JOB (item));
}

static gboolean
focus_job_to_show (YqSettingsView *self)
{
  GtkListBoxRow *row;

  if (self->job_to_show == NULL)
    return FALSE;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->jobs_list, i)) != NULL; i++)
    {
      YqDBusJob *job = yq_job_row_get_job (YQ_JOB_ROW (row));

      if (g_str_equal (g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)), self->job_to_show))
        {
          g_clear_pointer (&self->job_to_show, g_free);
          gtk_widget_grab_focus (GTK_WIDGET (row));
          return TRUE;
        }
    }

  return FALSE;
}

static void
jobs_changed_cb (YqSettingsView *self,
                 guint           position,
                 guint           removed,
                 guint           added,
                 GListModel     *model)
{
  if (added > 0)
    focus_job_to_show (self);

  /* A job that starts or goes may come from a schedule whose next run
   * moved on. */
  refresh_service (self, TRUE);
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
get_text_stripped (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
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

/* ---- HTTP endpoints ------------------------------------------------------ */

static void
show_http_address_error (YqSettingsView *self,
                         const char     *message)
{
  self->http_address_invalid = message != NULL;

  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->http_address_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->http_address_row), "error");

  gtk_label_set_text (self->http_address_error, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->http_address_error), message != NULL);
}

static char *
get_http_address_text (YqSettingsView *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->http_address_row))));
}

static void
http_reload_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  YqSettingsView *self = user_data;

  /* Cancelled only when the view goes away. */
  if (!yq_service_reload_finish (result, NULL, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    g_message ("The companion service did not reload its configuration: %s", error->message);

  /* The service listens on the new address once it reloaded. */
  refresh_service (self, FALSE);
}

static void
http_address_apply_cb (YqSettingsView *self,
                       AdwEntryRow    *row)
{
  g_autofree char *value = get_http_address_text (self);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  if (!yq_settings_validate (YQ_SETTING_HTTP_ADDRESS, value, &error) ||
      !yq_settings_set (self->store, YQ_SETTING_HTTP_ADDRESS, value, &error))
    {
      show_http_address_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->http_address_row));
      return;
    }

  show_http_address_error (self, NULL);
  yq_service_reload_async (self->cancellable, http_reload_cb, self);
}

static void
http_address_changed_cb (YqSettingsView *self,
                         AdwEntryRow    *row)
{
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;

  /* As with the external address, only a refused value is checked while
   * typing. */
  if (self->loading || !self->http_address_invalid)
    return;

  value = get_http_address_text (self);
  if (yq_settings_validate (YQ_SETTING_HTTP_ADDRESS, value, &error))
    show_http_address_error (self, NULL);
  else
    show_http_address_error (self, error->message);
}

/* ---- OA entry points ------------------------------------------------------ */

typedef struct
{
  YqSettingsView *view;
  gint64          id;
  AdwEntryRow    *name_row;
  AdwEntryRow    *url_row;
} EntryPointRequest;

static void
entry_point_request_free (gpointer  data,
                          GClosure *closure)
{
  EntryPointRequest *request = data;

  g_clear_weak_pointer (&request->view);
  g_free (request);
}

static GtkWindow *
get_parent_window (YqSettingsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqSettingsView *self,
                     const char     *heading,
                     const char     *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
create_entry_point_row (const YqEntryPoint *entry_point)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *name = g_strdup_printf ("entry-point-%" G_GINT64_FORMAT, entry_point->id);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry_point->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), entry_point->url);

  button = gtk_button_new_from_icon_name ("document-edit-symbolic");
  gtk_widget_set_name (button, "edit-entry-point-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Edit Entry Point"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Edit Entry Point"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "settings.edit-entry-point");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_int64 (entry_point->id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_name (button, "remove-entry-point-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Remove Entry Point"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove Entry Point"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "settings.remove-entry-point");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          g_variant_new_int64 (entry_point->id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
load_entry_points (YqSettingsView *self)
{
  g_autoptr(GPtrArray) entry_points = NULL;
  g_autoptr(GError) error = NULL;

  clear_list (self->entry_points_list);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.add-entry-point",
                                 self->store != NULL);

  if (self->store == NULL)
    return;

  entry_points = yq_entry_points_list (self->store, &error);
  if (entry_points == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Cannot read the entry points"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      gtk_widget_add_css_class (row, "error");
      gtk_list_box_append (self->entry_points_list, row);
      return;
    }

  for (guint i = 0; i < entry_points->len; i++)
    gtk_list_box_append (self->entry_points_list,
                         create_entry_point_row (g_ptr_array_index (entry_points, i)));
}

static void open_entry_point_dialog (YqSettingsView *self,
                                     gint64          id,
                                     const char     *name,
                                     const char     *url,
                                     const char     *message);

static void
entry_point_response_cb (AdwMessageDialog  *dialog,
                         const char        *response,
                         EntryPointRequest *request)
{
  YqSettingsView *self = request->view;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saved;

  if (self == NULL || self->store == NULL || g_strcmp0 (response, "save") != 0)
    return;

  name = get_text_stripped (request->name_row);
  url = get_text_stripped (request->url_row);

  if (request->id == 0)
    saved = yq_entry_points_add (self->store, name, url, &error) != 0;
  else
    saved = yq_entry_points_update (self->store, request->id, name, url, &error);

  if (!saved)
    {
      /* The dialog closes with any response: ask again with what was typed
       * and why it was refused. */
      open_entry_point_dialog (self, request->id, name, url, error->message);
      return;
    }

  load_entry_points (self);
  yq_service_request_reload (self->cancellable);
}

static void
entry_point_changed_cb (AdwMessageDialog *dialog)
{
  EntryPointRequest *request = g_object_get_data (G_OBJECT (dialog), "yq-request");
  g_autofree char *name = get_text_stripped (request->name_row);
  g_autofree char *url = get_text_stripped (request->url_row);

  adw_message_dialog_set_response_enabled (dialog, "save", name[0] != '\0' && url[0] != '\0');
}

static void
open_entry_point_dialog (YqSettingsView *self,
                         gint64          id,
                         const char     *name,
                         const char     *url,
                         const char     *message)
{
  EntryPointRequest *request;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *list;

  dialog = adw_message_dialog_new (get_parent_window (self),
                                   id == 0 ? _("Add Entry Point") : _("Edit Entry Point"),
                                   _("A page of the OA that apps can open, for example the OA "
                                     "home page or the to-do list."));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  if (message != NULL)
    {
      GtkWidget *label = gtk_label_new (message);

      gtk_widget_set_name (label, "entry-point-error");
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (GTK_BOX (box), label);
    }

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (GTK_BOX (box), list);

  request = g_new0 (EntryPointRequest, 1);
  g_set_weak_pointer (&request->view, self);
  request->id = id;

  request->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  gtk_widget_set_name (GTK_WIDGET (request->name_row), "entry-point-name-row");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (request->name_row), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (request->name_row), name ? name : "");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (request->name_row));

  request->url_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  gtk_widget_set_name (GTK_WIDGET (request->url_row), "entry-point-url-row");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (request->url_row), _("URL"));
  adw_entry_row_set_input_purpose (request->url_row, GTK_INPUT_PURPOSE_URL);
  gtk_editable_set_text (GTK_EDITABLE (request->url_row), url ? url : "");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (request->url_row));

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", id == 0 ? _("_Add") : _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  g_object_set_data (G_OBJECT (dialog), "yq-request", request);
  g_signal_connect_swapped (request->name_row, "changed",
                            G_CALLBACK (entry_point_changed_cb), dialog);
  g_signal_connect_swapped (request->url_row, "changed",
                            G_CALLBACK (entry_point_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (entry_point_response_cb),
                         request, entry_point_request_free, 0);
  entry_point_changed_cb (ADW_MESSAGE_DIALOG (dialog));

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_entry_point_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);

  if (self->store != NULL)
    open_entry_point_dialog (self, 0, NULL, NULL, NULL);
}

static void
edit_entry_point_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);
  g_autoptr(YqEntryPoint) entry_point = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  entry_point = yq_entry_points_get (self->store, g_variant_get_int64 (param), &error);
  if (entry_point == NULL)
    {
      show_message_dialog (self, _("Cannot Open the Entry Point"), error->message);
      load_entry_points (self);
      return;
    }

  open_entry_point_dialog (self, entry_point->id, entry_point->name, entry_point->url, NULL);
}

static void
remove_entry_point_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  /* An entry point in use is refused with the apps that use it; one no
   * app uses is quickly added again, so there is nothing to confirm. */
  if (!yq_entry_points_remove (self->store, g_variant_get_int64 (param), &error))
    show_message_dialog (self, _("Cannot Remove the Entry Point"), error->message);
  else
    yq_service_request_reload (self->cancellable);

  load_entry_points (self);
}

static void
load_http_address (YqSettingsView *self)
{
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;

  show_http_address_error (self, NULL);

  if (self->store != NULL)
    {
      address = yq_settings_get (self->store, YQ_SETTING_HTTP_ADDRESS, &error);
      if (error != NULL)
        show_http_address_error (self, error->message);
    }

  /* Unset means the default, which is what the service uses then. */
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->http_address_row),
                         address != NULL && address[0] != '\0' ? address
                                                               : YQ_SETTING_HTTP_ADDRESS_DEFAULT);
  self->loading = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->http_address_row), self->store != NULL);
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
  load_http_address (self);
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
yq_settings_view_map (GtkWidget *widget)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (widget);

  GTK_WIDGET_CLASS (yq_settings_view_parent_class)->map (widget);

  /* Apps are added on another page, and the service may have started or
   * stopped listening since the page was last shown. */
  load_entry_points (self);
  if (self->proxy != NULL)
    refresh_service (self, TRUE);
}

static void
yq_settings_view_dispose (GObject *object)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_SETTINGS_VIEW);

  g_clear_object (&self->proxy);
  g_clear_object (&self->jobs);

  G_OBJECT_CLASS (yq_settings_view_parent_class)->dispose (object);
}

static void
yq_settings_view_finalize (GObject *object)
{
  YqSettingsView *self = YQ_SETTINGS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->job_to_show, g_free);
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

  widget_class->map = yq_settings_view_map;

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
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, page);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, bridge_group);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, external_address_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, external_address_error);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, status_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, start_button);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, secrets_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, entry_points_list);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, http_address_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, http_address_error);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, http_state_row);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, jobs_list);
  gtk_widget_class_bind_template_child (widget_class, YqSettingsView, schedules_list);
  gtk_widget_class_bind_template_callback (widget_class, external_address_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, external_address_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, http_address_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, http_address_changed_cb);

  gtk_widget_class_install_action (widget_class, "settings.refresh-service", NULL,
                                   refresh_service_action);
  gtk_widget_class_install_action (widget_class, "settings.start-service", NULL,
                                   start_service_action);
  gtk_widget_class_install_action (widget_class, "settings.cancel-job", "o", cancel_job_action);
  gtk_widget_class_install_action (widget_class, "settings.confirm-job", "o",
                                   confirm_job_action);
  gtk_widget_class_install_action (widget_class, "settings.add-entry-point", NULL,
                                   add_entry_point_action);
  gtk_widget_class_install_action (widget_class, "settings.edit-entry-point", "x",
                                   edit_entry_point_action);
  gtk_widget_class_install_action (widget_class, "settings.remove-entry-point", "x",
                                   remove_entry_point_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0,
                                       "settings.refresh-service", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "settings.refresh-service", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
create_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_add_css_class (label, "dim-label");

  return label;
}

static void
yq_settings_view_init (YqSettingsView *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  placeholder = create_placeholder (_("No sync jobs. Start one from a connector’s menu."));
  gtk_list_box_set_placeholder (self->jobs_list, placeholder);
  placeholder = create_placeholder (_("No entry points. Add the OA pages apps may open."));
  gtk_list_box_set_placeholder (self->entry_points_list, placeholder);
  placeholder = create_placeholder (NULL);
  self->schedules_placeholder = GTK_LABEL (placeholder);
  gtk_list_box_set_placeholder (self->schedules_list, placeholder);
  show_details (self, NULL);

  self->jobs = yq_job_watcher_new ();
  gtk_list_box_bind_model (self->jobs_list, G_LIST_MODEL (self->jobs),
                           create_job_row_cb, NULL, NULL);
  g_signal_connect_object (self->jobs, "items-changed",
                           G_CALLBACK (jobs_changed_cb), self, G_CONNECT_SWAPPED);

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
      load_entry_points (self);
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
  g_return_if_fail (YQ_IS_SETTINGS_VIEW (self));

  refresh_service (self, FALSE);
}

/**
 * yq_settings_view_show_job:
 * @self: a #YqSettingsView
 * @job_path: a job's object path
 *
 * Moves the keyboard focus, and so the view, to the job; to the job list
 * until the job shows up in it, and then to the job.
 */
void
yq_settings_view_show_job (YqSettingsView *self,
                           const char     *job_path)
{
  g_return_if_fail (YQ_IS_SETTINGS_VIEW (self));
  g_return_if_fail (job_path != NULL);

  g_free (self->job_to_show);
  self->job_to_show = g_strdup (job_path);

  if (!focus_job_to_show (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->jobs_list));
}
