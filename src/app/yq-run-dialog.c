/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-run-dialog"

#include "config.h"

#include <string.h>

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
  AdwViewSwitcherTitle *switcher_title;
  GtkStack        *stack;
  AdwViewStack    *view_stack;
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
  GtkSearchEntry  *ops_search_entry;
  GtkDropDown     *ops_state_dropdown;
  GtkStack        *ops_stack;
  GtkColumnView   *ops_view;
  GtkFilterListModel *ops_filter_model;
  GtkCustomFilter *ops_filter;
  GtkSignalListItemFactory *seq_factory;
  GtkSignalListItemFactory *op_state_factory;
  GtkSignalListItemFactory *op_factory;
  GtkSignalListItemFactory *op_result_factory;
  AdwStatusPage   *ops_empty_page;

  YqStore         *store;
  gint64           run_id;
  gboolean         dry_run;
  GListStore      *ops;
  char            *ops_search;
};

/* The choices of the state drop-down, in its order. */
enum {
  OPS_FILTER_ALL,
  OPS_FILTER_FAILED,
  OPS_FILTER_DONE,
  OPS_FILTER_SKIPPED,
  OPS_FILTER_PENDING,
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_RUN_ID,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqRunDialog, yq_run_dialog, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

/* ---- One journal row ------------------------------------------------------ */

#define YQ_TYPE_RUN_OP (yq_run_op_get_type ())

G_DECLARE_FINAL_TYPE (YqRunOp, yq_run_op, YQ, RUN_OP, GObject)

struct _YqRunOp
{
  GObject        parent_instance;

  guint          seq;
  YqSyncOpState  state;
  char          *description;
  char          *result_id;
  char          *error;
  /* The description, ID and error, casefolded, for the search. */
  char          *haystack;
};

G_DEFINE_FINAL_TYPE (YqRunOp, yq_run_op, G_TYPE_OBJECT)

static void
yq_run_op_finalize (GObject *object)
{
  YqRunOp *self = YQ_RUN_OP (object);

  g_free (self->description);
  g_free (self->result_id);
  g_free (self->error);
  g_free (self->haystack);

  G_OBJECT_CLASS (yq_run_op_parent_class)->finalize (object);
}

static void
yq_run_op_class_init (YqRunOpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_run_op_finalize;
}

static void
yq_run_op_init (YqRunOp *self)
{
}

static const char *op_state_label (YqSyncOpState state);

static YqRunOp *
yq_run_op_new (YqSyncOpRecord *record)
{
  YqRunOp *self = g_object_new (YQ_TYPE_RUN_OP, NULL);
  g_autofree char *text = NULL;

  self->seq = record->seq;
  self->state = record->state;
  self->description = yq_plan_op_describe (record->op);
  self->result_id = g_steal_pointer (&record->result_id);
  self->error = g_steal_pointer (&record->error);

  text = g_strjoin ("\n", op_state_label (self->state), self->description,
                    self->result_id != NULL ? self->result_id : "",
                    self->error != NULL ? self->error : "",
                    NULL);
  self->haystack = g_utf8_casefold (text, -1);

  return self;
}

static const char *
op_state_label (YqSyncOpState state)
{
  switch (state)
    {
    case YQ_SYNC_OP_PENDING:
      /* Translators: the state of one operation of a sync run. */
      return C_("operation state", "Pending");
    case YQ_SYNC_OP_RUNNING:
      /* Translators: the state of one operation of a sync run that was
       * being applied when the run stopped. */
      return C_("operation state", "Running");
    case YQ_SYNC_OP_DONE:
      return C_("operation state", "Done");
    case YQ_SYNC_OP_FAILED:
      return C_("operation state", "Failed");
    case YQ_SYNC_OP_SKIPPED:
      return C_("operation state", "Skipped");
    default:
      return yq_sync_op_state_to_string (state);
    }
}

static const char *
op_state_icon (YqSyncOpState state)
{
  switch (state)
    {
    case YQ_SYNC_OP_DONE:
      return "object-select-symbolic";
    case YQ_SYNC_OP_FAILED:
      return "dialog-error-symbolic";
    case YQ_SYNC_OP_SKIPPED:
      return "media-skip-forward-symbolic";
    case YQ_SYNC_OP_RUNNING:
      return "media-playback-start-symbolic";
    case YQ_SYNC_OP_PENDING:
    default:
      return "content-loading-symbolic";
    }
}

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

/* ---- The operations page --------------------------------------------------- */

static void
setup_op_label_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
setup_seq_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  setup_op_label_cb (factory, item, user_data);
  gtk_label_set_xalign (GTK_LABEL (gtk_list_item_get_child (item)), 1);
  gtk_widget_add_css_class (gtk_list_item_get_child (item), "numeric");
  gtk_widget_add_css_class (gtk_list_item_get_child (item), "dim-label");
}

static void
setup_op_state_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
bind_seq_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  YqRunOp *op = gtk_list_item_get_item (item);
  g_autofree char *text = g_strdup_printf ("%u", op->seq);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
bind_op_state_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  YqRunOp *op = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_last_child (box);

  gtk_image_set_from_icon_name (GTK_IMAGE (image), op_state_icon (op->state));
  gtk_label_set_text (GTK_LABEL (label), op_state_label (op->state));
  if (op->state == YQ_SYNC_OP_FAILED)
    gtk_widget_add_css_class (box, "error");
  else
    gtk_widget_remove_css_class (box, "error");
  if (op->state == YQ_SYNC_OP_DONE)
    gtk_widget_add_css_class (box, "success");
  else
    gtk_widget_remove_css_class (box, "success");
}

static void
bind_op_cb (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  YqRunOp *op = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), op->description);
  gtk_widget_set_tooltip_text (label, op->description);
}

static void
bind_op_result_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  YqRunOp *op = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = op->error != NULL ? op->error
                   : op->result_id != NULL ? op->result_id : "";

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, *text != '\0' ? text : NULL);
  if (op->error != NULL)
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
}

static gboolean
filter_op (gpointer item,
           gpointer user_data)
{
  YqRunDialog *self = user_data;
  YqRunOp *op = item;
  gboolean state_matches;

  switch (gtk_drop_down_get_selected (self->ops_state_dropdown))
    {
    case OPS_FILTER_FAILED:
      state_matches = op->state == YQ_SYNC_OP_FAILED;
      break;
    case OPS_FILTER_DONE:
      state_matches = op->state == YQ_SYNC_OP_DONE;
      break;
    case OPS_FILTER_SKIPPED:
      state_matches = op->state == YQ_SYNC_OP_SKIPPED;
      break;
    case OPS_FILTER_PENDING:
      state_matches = op->state == YQ_SYNC_OP_PENDING || op->state == YQ_SYNC_OP_RUNNING;
      break;
    case OPS_FILTER_ALL:
    default:
      state_matches = TRUE;
      break;
    }

  return state_matches &&
         (self->ops_search == NULL || strstr (op->haystack, self->ops_search) != NULL);
}

static void
update_ops_page (YqRunDialog *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->ops_filter_model)) > 0)
    {
      gtk_stack_set_visible_child_name (self->ops_stack, "list");
      return;
    }

  if (self->dry_run)
    {
      adw_status_page_set_icon_name (self->ops_empty_page, "action-unavailable-symbolic");
      adw_status_page_set_title (self->ops_empty_page, _("A Preview Changes Nothing"));
      adw_status_page_set_description (self->ops_empty_page,
                                       _("This run was a preview: it planned and compared "
                                         "without changing anything, so it has no journal of "
                                         "operations. Apply the sync to carry out a plan."));
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->ops)) == 0)
    {
      adw_status_page_set_icon_name (self->ops_empty_page, "action-unavailable-symbolic");
      adw_status_page_set_title (self->ops_empty_page, _("No Operations"));
      adw_status_page_set_description (self->ops_empty_page,
                                       _("This run had nothing to change, or it was blocked "
                                         "before it changed anything."));
    }
  else
    {
      adw_status_page_set_icon_name (self->ops_empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->ops_empty_page, _("No Matching Operations"));
      adw_status_page_set_description (self->ops_empty_page,
                                       _("Try other words, or show operations in every state."));
    }
  gtk_stack_set_visible_child_name (self->ops_stack, "empty");
}

static void
ops_search_changed_cb (YqRunDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->ops_search_entry));
  GtkFilterChange change;

  if (!yq_sync_ui_fold_search (&self->ops_search, text, &change))
    return;

  gtk_filter_changed (GTK_FILTER (self->ops_filter), change);
  update_ops_page (self);
}

static void
ops_stop_search_cb (YqRunDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->ops_search_entry), "");
}

static void
ops_state_changed_cb (YqRunDialog *self)
{
  gtk_filter_changed (GTK_FILTER (self->ops_filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_ops_page (self);
}

static void
load_ops (YqRunDialog *self)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  records = yq_sync_runs_get_ops (self->store, self->run_id, -1, &error);
  if (records == NULL)
    {
      g_warning ("Could not read the operations of sync run %lld: %s",
                 (long long) self->run_id, error->message);
      adw_status_page_set_icon_name (self->ops_empty_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->ops_empty_page, _("Cannot Show the Operations"));
      adw_status_page_set_description (self->ops_empty_page, error->message);
      gtk_stack_set_visible_child_name (self->ops_stack, "empty");
      gtk_widget_set_sensitive (GTK_WIDGET (self->ops_search_entry), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->ops_state_dropdown), FALSE);
      return;
    }

  items = g_ptr_array_new_full (records->len, g_object_unref);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (items, yq_run_op_new (g_ptr_array_index (records, i)));

  g_list_store_splice (self->ops, 0, g_list_model_get_n_items (G_LIST_MODEL (self->ops)),
                       items->pdata, items->len);
  update_ops_page (self);
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
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);

  if (self->store == NULL)
    return;

  record = yq_sync_runs_get (self->store, self->run_id, &error);
  if (record == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      /* Nothing to switch between. */
      adw_view_switcher_title_set_stack (self->switcher_title, NULL);
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

  self->dry_run = record->dry_run;
  if (record->dry_run)
    operations = g_strdup_printf (ngettext ("%u operation planned; a preview changes nothing",
                                            "%u operations planned; a preview changes nothing",
                                            record->n_ops),
                                  record->n_ops);
  else
    operations = g_strdup_printf (ngettext ("%u operation: %u done, %u failed",
                                            "%u operations: %u done, %u failed",
                                            record->n_ops),
                                  record->n_ops, record->n_done, record->n_failed);
  adw_action_row_set_subtitle (self->operations_row, operations);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ops_search_entry), !record->dry_run);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ops_state_dropdown), !record->dry_run);

  show_counts (self, record->counts);
  if (record->dry_run)
    {
      GtkWidget *group = gtk_widget_get_ancestor (GTK_WIDGET (self->changes_list),
                                                  ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                               _("What the preview planned. Nothing was "
                                                 "changed."));
    }
  show_messages (self->errors_group, self->errors_list, record->errors);
  show_messages (self->warnings_group, self->warnings_list, record->warnings);
  load_ops (self);

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
  g_clear_object (&self->ops);
  g_clear_pointer (&self->ops_search, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, view_stack);
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
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_stack);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_view);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_filter_model);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_filter);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, seq_factory);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, op_state_factory);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, op_factory);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, op_result_factory);
  gtk_widget_class_bind_template_child (widget_class, YqRunDialog, ops_empty_page);
  gtk_widget_class_bind_template_callback (widget_class, ops_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, ops_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, ops_state_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yq_run_dialog_init (YqRunDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->ops = g_list_store_new (YQ_TYPE_RUN_OP);
  gtk_custom_filter_set_filter_func (self->ops_filter, filter_op, self, NULL);
  gtk_filter_list_model_set_model (self->ops_filter_model, G_LIST_MODEL (self->ops));
  gtk_search_entry_set_key_capture_widget (self->ops_search_entry, GTK_WIDGET (self->ops_view));

  g_signal_connect (self->seq_factory, "setup", G_CALLBACK (setup_seq_cb), NULL);
  g_signal_connect (self->seq_factory, "bind", G_CALLBACK (bind_seq_cb), NULL);
  g_signal_connect (self->op_state_factory, "setup", G_CALLBACK (setup_op_state_cb), NULL);
  g_signal_connect (self->op_state_factory, "bind", G_CALLBACK (bind_op_state_cb), NULL);
  g_signal_connect (self->op_factory, "setup", G_CALLBACK (setup_op_label_cb), NULL);
  g_signal_connect (self->op_factory, "bind", G_CALLBACK (bind_op_cb), NULL);
  g_signal_connect (self->op_result_factory, "setup", G_CALLBACK (setup_op_label_cb), NULL);
  g_signal_connect (self->op_result_factory, "bind", G_CALLBACK (bind_op_result_cb), NULL);
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
