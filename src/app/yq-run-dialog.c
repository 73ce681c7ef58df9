/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-run-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "yq-run-dialog.h"
#include "yq-sync-ui.h"

/* A run can carry thousands of warnings; the history view shows them all. */
#define MAX_MESSAGES 100

struct _YqRunDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  AdwActionRow    *connector_row;
  AdwActionRow    *direction_row;
  AdwActionRow    *state_row;
  AdwActionRow    *started_row;
  AdwActionRow    *finished_row;
  AdwActionRow    *operations_row;
  GtkListBox      *changes_list;
  AdwPreferencesGroup *errors_group;
  GtkListBox      *errors_list;
  AdwPreferencesGroup *warnings_group;
  GtkListBox      *warnings_list;
  AdwStatusPage   *error_page;

  YqStore         *store;
  gint64           run_id;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_RUN_ID,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqRunDialog, yq_run_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

static char *
format_seconds (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static void
add_count_row (GtkListBox *list,
               const char *title,
               const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
}

static void
add_message_row (GtkListBox *list,
                 const char *message)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (message);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_append (list, row);
}

static guint
get_count (JsonObject *counts,
           const char *member)
{
  JsonNode *node = counts != NULL ? json_object_get_member (counts, member) : NULL;
  gint64 value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  value = json_node_get_int (node);
  return value > 0 && value <= G_MAXUINT ? (guint) value : 0;
}

static void
show_counts (YqRunDialog *self,
             const char  *counts_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *counts = NULL;
  gboolean any = FALSE;
  JsonNode *root;

  if (counts_json != NULL && json_parser_load_from_data (parser, counts_json, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    counts = json_node_get_object (root);

  for (guint kind = 0; kind < YQ_N_PLAN_OP_KINDS; kind++)
    {
      guint n = get_count (counts, yq_plan_op_kind_to_string (kind));
      g_autofree char *value = NULL;

      if (n == 0)
        continue;

      value = g_strdup_printf ("%u", n);
      add_count_row (self->changes_list, yq_sync_ui_op_kind_label ((YqPlanOpKind) kind), value);
      any = TRUE;
    }

  if (!any)
    add_count_row (self->changes_list, _("No changes"), "");

  if (get_count (counts, "unchanged-departments") > 0 || get_count (counts, "unchanged-people") > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u / %u",
                                                get_count (counts, "unchanged-departments"),
                                                get_count (counts, "unchanged-people"));

      add_count_row (self->changes_list, _("Unchanged (departments / people)"), value);
    }

  if (get_count (counts, "skipped-departments") > 0 || get_count (counts, "skipped-people") > 0)
    {
      g_autofree char *value = g_strdup_printf ("%u / %u",
                                                get_count (counts, "skipped-departments"),
                                                get_count (counts, "skipped-people"));

      add_count_row (self->changes_list, _("Skipped (departments / people)"), value);
    }
}

static void
show_messages (AdwPreferencesGroup *group,
               GtkListBox          *list,
               const char          *json_array)
{
  g_auto(GStrv) messages = yq_sync_ui_parse_messages (json_array);
  guint n = g_strv_length (messages);

  for (guint i = 0; i < n && i < MAX_MESSAGES; i++)
    add_message_row (list, messages[i]);

  if (n > MAX_MESSAGES)
    {
      g_autofree char *more = NULL;

      more = g_strdup_printf (ngettext ("…and %u more message", "…and %u more messages",
                                        n - MAX_MESSAGES),
                              n - MAX_MESSAGES);
      add_message_row (list, more);
    }

  gtk_widget_set_visible (GTK_WIDGET (group), n > 0);
}

static void
load (YqRunDialog *self)
{
  g_autoptr(YqSyncRunRecord) record = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, self->run_id);
  g_autofree char *subtitle = NULL;
  g_autofree char *connector_text = NULL;
  g_autofree char *state_text = NULL;
  g_autofree char *started = NULL;
  g_autofree char *finished = NULL;
  g_autofree char *operations = NULL;
  const char *state_label;
  const char *direction;

  /* Translators: the subtitle of the sync run window; %s is a number. */
  subtitle = g_strdup_printf (_("Run %s"), id_text);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  if (self->store == NULL)
    return;

  record = yq_sync_runs_get (self->store, self->run_id, &error);
  if (record == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  connector = yq_connectors_get (self->store, record->connector_id, NULL);
  if (connector != NULL)
    connector_text = g_strdup (yq_connector_get_name (connector));
  else
    {
      g_autofree char *connector_id = g_strdup_printf ("%" G_GINT64_FORMAT, record->connector_id);

      /* Translators: %s is a number. */
      connector_text = g_strdup_printf (_("Deleted connector (ID %s)"), connector_id);
    }
  adw_action_row_set_subtitle (self->connector_row, connector_text);

  direction = yq_sync_direction_to_string (record->direction);
  adw_action_row_set_subtitle (self->direction_row, yq_sync_ui_direction_label (direction));

  state_label = yq_sync_ui_run_state_label (record->state);
  if (record->confirmed)
    /* Translators: %s is the state of a sync run, such as "Applied". */
    state_text = g_strdup_printf (_("%s; confirmed past a safety threshold"), state_label);
  else
    state_text = g_strdup (state_label);
  adw_action_row_set_subtitle (self->state_row, state_text);

  started = format_seconds (record->started_at);
  adw_action_row_set_subtitle (self->started_row, started);
  finished = record->finished_at > 0 ? format_seconds (record->finished_at)
                                     : g_strdup (_("Not finished"));
  adw_action_row_set_subtitle (self->finished_row, finished);

  operations = g_strdup_printf (ngettext ("%u operation: %u done, %u failed",
                                          "%u operations: %u done, %u failed",
                                          record->n_ops),
                                record->n_ops, record->n_done, record->n_failed);
  adw_action_row_set_subtitle (self->operations_row, operations);

  show_counts (self, record->counts);
  show_messages (self->errors_group, self->errors_list, record->errors);
  show_messages (self->warnings_group, self->warnings_list, record->warnings);

  gtk_stack_set_visible_child_name (self->stack, "details");
}

static void
yq_run_dialog_constructed (GObject *object)
{
  YqRunDialog *self = YQ_RUN_DIALOG (object);

  G_OBJECT_CLASS (yq_run_dialog_parent_class)->constructed (object);

  load (self);
}

static void
yq_run_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), YQ_TYPE_RUN_DIALOG);

  G_OBJECT_CLASS (yq_run_dialog_parent_class)->dispose (object);
}

static void
yq_run_dialog_finalize (GObject *object)
{
  YqRunDialog *self = YQ_RUN_DIALOG (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (yq_run_dialog_parent_class)->finalize (object);
}

static void
yq_run_dialog_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  YqRunDialog *self = YQ_RUN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_RUN_ID:
      g_value_set_int64 (value, self->run_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_run_dialog_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  YqRunDialog *self = YQ_RUN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_RUN_ID:
      self->run_id = g_value_get_int64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_run_dialog_class_init (YqRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = yq_run_dialog_constructed;
  object_class->dispose = yq_run_dialog_dispose;
  object_class->finalize = yq_run_dialog_finalize;
  object_class->get_property = yq_run_dialog_get_property;
  object_class->set_property = yq_run_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RUN_ID] =
    g_param_spec_int64 ("run-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-run-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, connector_row);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, direction_row);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, state_row);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, started_row);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, finished_row);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, operations_row);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, changes_list);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, errors_group);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, errors_list);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, warnings_list);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, error_page);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yq_run_dialog_init (YqRunDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * yq_run_dialog_new:
 * @parent: (nullable): the window to stay on top of
 * @store: the store holding the sync history
 * @run_id: the run to show
 *
 * Returns: (transfer none): a new dialog showing the run, or why it
 *   cannot be shown
 */
YqRunDialog *
yq_run_dialog_new (GtkWindow *parent,
                   YqStore   *store,
                   gint64     run_id)
{
  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);

  return g_object_new (YQ_TYPE_RUN_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       "run-id", run_id,
                       NULL);
}

gint64
yq_run_dialog_get_run_id (YqRunDialog *self)
{
  g_return_val_if_fail (YQ_IS_RUN_DIALOG (self), 0);

  return self->run_id;
}
