/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-job-row"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-job-row.h"
#include "yq-sync-ui.h"

#define PULSE_INTERVAL_MSEC 150

/* Warnings listed in a row; the run's details list them all. */
#define ROW_WARNINGS 3

struct _YqJobRow
{
  GtkListBoxRow   parent_instance;

  /* Template widgets */
  GtkLabel       *title_label;
  GtkLabel       *subtitle_label;
  GtkLabel       *state_label;
  GtkButton      *details_button;
  GtkButton      *cancel_button;
  GtkProgressBar *progress_bar;
  GtkLabel       *step_label;
  GtkLabel       *result_label;
  GtkLabel       *warnings_label;
  GtkLabel       *error_label;
  GtkButton      *confirm_button;

  YqDBusJob      *job;
  guint           pulse_id;
  gboolean        wants_pulse;
};

enum {
  PROP_0,
  PROP_JOB,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqJobRow, yq_job_row, GTK_TYPE_LIST_BOX_ROW)

static GParamSpec *properties[N_PROPS];

static const char * const state_classes[] = { "success", "error", "warning" };

static void
set_label (GtkLabel   *label,
           const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
set_state_class (YqJobRow   *self,
                 const char *css_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);

  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), css_class);
}

static gboolean
pulse_cb (gpointer user_data)
{
  YqJobRow *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);

  return G_SOURCE_CONTINUE;
}

/* Pulses only while on screen. */
static void
sync_pulse (YqJobRow *self)
{
  gboolean pulsing = self->wants_pulse && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (pulsing && self->pulse_id == 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      self->pulse_id = g_timeout_add (PULSE_INTERVAL_MSEC, pulse_cb, self);
    }
  else if (!pulsing)
    {
      g_clear_handle_id (&self->pulse_id, g_source_remove);
    }
}

static char *
build_subtitle (YqDBusJob *job)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  gint64 started_at = yq_dbus_job_get_started_at (job);

  g_ptr_array_add (parts, g_strdup (yq_sync_ui_direction_label (yq_dbus_job_get_direction (job))));
  g_ptr_array_add (parts, g_strdup (yq_sync_ui_job_kind_label (yq_dbus_job_get_kind (job))));
  if (yq_dbus_job_get_scheduled (job))
    /* Translators: a job started by a schedule rather than by a person. */
    g_ptr_array_add (parts, g_strdup (_("Scheduled")));
  if (started_at > 0)
    {
      g_autofree char *time = yq_sync_ui_format_time (started_at);

      /* Translators: %s is a time such as 09:30 or 2024-03-01 09:30. */
      g_ptr_array_add (parts, g_strdup_printf (_("started %s"), time));
    }
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
update (YqJobRow *self)
{
  YqDBusJob *job = self->job;
  const char *state = yq_dbus_job_get_state (job);
  const char *error = yq_dbus_job_get_error (job);
  const char *name = yq_dbus_job_get_connector_name (job);
  gboolean active = yq_sync_ui_job_state_is_active (state);
  gboolean preview = g_strcmp0 (yq_dbus_job_get_kind (job), "sync-preview") == 0;
  gboolean needs_confirmation = yq_dbus_job_get_needs_confirmation (job);
  gint64 run_id = yq_dbus_job_get_run_id (job);
  double fraction = yq_dbus_job_get_fraction (job);
  const char *state_text = yq_sync_ui_job_state_label (state, needs_confirmation);
  g_autofree char *subtitle = build_subtitle (job);
  g_autofree char *summary = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *accessible = NULL;

  if (name == NULL || *name == '\0')
    name = _("Unnamed connector");

  gtk_label_set_text (self->title_label, name);
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_label_set_text (self->state_label, state_text);

  if (g_strcmp0 (state, "succeeded") == 0)
    set_state_class (self, "success");
  else if (g_strcmp0 (state, "failed") == 0)
    set_state_class (self, "error");
  else if (g_strcmp0 (state, "blocked") == 0)
    set_state_class (self, "warning");
  else
    set_state_class (self, NULL);

  /* Running: progress and what is happening now. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), active);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), active);
  set_label (self->step_label, active ? yq_dbus_job_get_step (job) : NULL);
  self->wants_pulse = active && fraction < 0;
  if (!self->wants_pulse)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  sync_pulse (self);

  /* Finished: the result. */
  if (!active)
    summary = yq_sync_ui_format_job_summary (yq_dbus_job_get_summary (job), preview,
                                             ROW_WARNINGS, &warnings);
  set_label (self->result_label, summary);
  set_label (self->warnings_label, warnings);
  set_label (self->error_label, active ? NULL : error);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_button),
                          !active && needs_confirmation && g_strcmp0 (state, "blocked") == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->details_button), !active && run_id > 0);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->details_button), "x", run_id);

  /* Translators: accessible name of a job in the list: a connector name, what
   * the job does, and its state. */
  accessible = g_strdup_printf (_("%s, %s, %s"),
                                name,
                                yq_sync_ui_direction_label (yq_dbus_job_get_direction (job)),
                                state_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
job_notify_cb (YqJobRow   *self,
               GParamSpec *pspec,
               YqDBusJob  *job)
{
  update (self);
}

static void
yq_job_row_set_job (YqJobRow  *self,
                    YqDBusJob *job)
{
  const char *path;
  g_autofree char *cancel_label = NULL;
  g_autofree char *progress_label = NULL;
  const char *name;

  g_assert (YQ_DBUS_IS_JOB (job));
  g_assert (self->job == NULL);

  self->job = g_object_ref (job);
  g_signal_connect_object (job, "notify", G_CALLBACK (job_notify_cb), self, G_CONNECT_SWAPPED);

  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (job));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->cancel_button), "o", path);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->confirm_button), "o", path);

  name = yq_dbus_job_get_connector_name (job);
  /* Translators: accessible name of a button; %s is a connector name. */
  cancel_label = g_strdup_printf (_("Cancel the sync of “%s”"), name ? name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->cancel_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cancel_label,
                                  -1);
  /* Translators: accessible name of a progress bar; %s is a connector name. */
  progress_label = g_strdup_printf (_("Progress of the sync of “%s”"), name ? name : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, progress_label,
                                  -1);

  update (self);
}

static void
yq_job_row_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (yq_job_row_parent_class)->map (widget);

  sync_pulse (YQ_JOB_ROW (widget));
}

static void
yq_job_row_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (yq_job_row_parent_class)->unmap (widget);

  sync_pulse (YQ_JOB_ROW (widget));
}

static void
yq_job_row_dispose (GObject *object)
{
  YqJobRow *self = YQ_JOB_ROW (object);

  g_clear_handle_id (&self->pulse_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_JOB_ROW);

  G_OBJECT_CLASS (yq_job_row_parent_class)->dispose (object);
}

static void
yq_job_row_finalize (GObject *object)
{
  YqJobRow *self = YQ_JOB_ROW (object);

  g_clear_object (&self->job);

  G_OBJECT_CLASS (yq_job_row_parent_class)->finalize (object);
}

static void
yq_job_row_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  YqJobRow *self = YQ_JOB_ROW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      g_value_set_object (value, self->job);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_job_row_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  YqJobRow *self = YQ_JOB_ROW (object);

  switch (prop_id)
    {
    case PROP_JOB:
      yq_job_row_set_job (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_job_row_class_init (YqJobRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_job_row_dispose;
  object_class->finalize = yq_job_row_finalize;
  object_class->get_property = yq_job_row_get_property;
  object_class->set_property = yq_job_row_set_property;

  widget_class->map = yq_job_row_map;
  widget_class->unmap = yq_job_row_unmap;

  properties[PROP_JOB] =
    g_param_spec_object ("job", NULL, NULL,
                         YQ_DBUS_TYPE_JOB,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-job-row.ui");
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, details_button);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, step_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, result_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, YqJobRow, confirm_button);
}

static void
yq_job_row_init (YqJobRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * yq_job_row_new:
 * @job: a job of the companion service
 *
 * Returns: (transfer floating): a row that follows @job; its buttons use
 *   the "settings.cancel-job" and "settings.confirm-job" actions with the
 *   job's object path, and "win.show-run" with its run ID
 */
GtkWidget *
yq_job_row_new (YqDBusJob *job)
{
  g_return_val_if_fail (YQ_DBUS_IS_JOB (job), NULL);

  return g_object_new (YQ_TYPE_JOB_ROW,
                       "job", job,
                       NULL);
}

/**
 * yq_job_row_get_job:
 * @self: a #YqJobRow
 *
 * Returns: (transfer none): the job shown
 */
YqDBusJob *
yq_job_row_get_job (YqJobRow *self)
{
  g_return_val_if_fail (YQ_IS_JOB_ROW (self), NULL);

  return self->job;
}
