/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-history-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "yq-history-run.h"
#include "yq-history-view.h"
#include "yq-run-dialog.h"
#include "yq-sync-ui.h"

/* The history keeps every run; the view reads the newest ones. */
#define MAX_RUNS 2000

struct _YqHistoryView
{
  GtkWidget                 parent_instance;

  /* Template widgets */
  GtkSearchEntry           *search_entry;
  GtkStack                 *stack;
  GtkColumnView            *column_view;
  GtkSingleSelection       *selection;
  GtkFilterListModel       *filter_model;
  GtkCustomFilter          *filter;
  GtkColumnViewColumn      *connector_column;
  GtkSignalListItemFactory *time_factory;
  GtkSignalListItemFactory *connector_factory;
  GtkSignalListItemFactory *direction_factory;
  GtkSignalListItemFactory *kind_factory;
  GtkSignalListItemFactory *counts_factory;
  GtkSignalListItemFactory *duration_factory;
  GtkSignalListItemFactory *result_factory;
  AdwStatusPage            *error_page;

  GListStore               *runs;
  YqStore                  *store;
  gint64                    connector_id;
  char                     *search;
  guint                     load_failed : 1;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_CONNECTOR_ID,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqHistoryView, yq_history_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* ---- Cells ---------------------------------------------------------------- */

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
setup_numeric_label_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  user_data)
{
  setup_label_cb (factory, item, user_data);
  gtk_widget_add_css_class (gtk_list_item_get_child (item), "numeric");
}

static void
setup_result_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "tag");
  gtk_list_item_set_child (item, label);
}

static GtkLabel *
item_label (GtkListItem   *item,
            YqHistoryRun **run)
{
  *run = gtk_list_item_get_item (item);
  return GTK_LABEL (gtk_list_item_get_child (item));
}

static void
bind_time_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);
  g_autofree char *text = yq_sync_ui_format_date_time (yq_history_run_get_started_at (run));

  gtk_label_set_text (label, text);
}

static void
bind_connector_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);

  gtk_label_set_text (label, yq_history_run_get_connector_name (run));
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), yq_history_run_get_connector_name (run));
}

static void
bind_direction_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);
  const char *direction = yq_sync_direction_to_string (yq_history_run_get_direction (run));

  gtk_label_set_text (label, yq_sync_ui_direction_title (direction));
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), yq_sync_ui_direction_label (direction));
}

static void
bind_kind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);

  gtk_label_set_text (label, yq_history_run_get_kind_label (run));
}

static void
bind_counts_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);

  gtk_label_set_text (label, yq_history_run_get_short_counts (run));
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), yq_history_run_get_counts_text (run));
}

static void
bind_duration_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);
  g_autofree char *text = yq_history_run_format_duration (run);

  gtk_label_set_text (label, text);
}

static char *
result_tooltip (YqHistoryRun *run)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_ops = yq_history_run_get_n_ops (run);
  guint n_failed = yq_history_run_get_n_failed (run);
  guint n_warnings = yq_history_run_get_n_warnings (run);
  guint n_errors = yq_history_run_get_n_errors (run);

  g_string_append_printf (text, ngettext ("%u operation, %u failed",
                                          "%u operations, %u failed", n_ops),
                          n_ops, n_failed);
  if (n_errors > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("%u error", "%u errors", n_errors), n_errors);
    }
  if (n_warnings > 0)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("%u warning", "%u warnings", n_warnings),
                              n_warnings);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
bind_result_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  static const char * const classes[] = { "success", "warning", "error" };
  YqHistoryRun *run;
  GtkLabel *label = item_label (item, &run);
  const char *css_class = yq_history_run_get_result_class (run);
  g_autofree char *tooltip = result_tooltip (run);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);

  gtk_label_set_text (label, yq_sync_ui_run_state_label (yq_history_run_get_state (run)));
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), tooltip);
}

/* ---- Loading and filtering ------------------------------------------------- */

static void
update_page (YqHistoryView *self)
{
  if (self->load_failed)
    gtk_stack_set_visible_child_name (self->stack, "error");
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    gtk_stack_set_visible_child_name (self->stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->stack, "runs");
}

static gboolean
filter_run (gpointer item,
            gpointer user_data)
{
  YqHistoryView *self = user_data;

  return yq_history_run_matches (YQ_HISTORY_RUN (item), self->search);
}

static void
search_changed_cb (YqHistoryView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  GtkFilterChange change;

  if (!yq_sync_ui_fold_search (&self->search, text, &change))
    return;

  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_page (self);
}

static void
stop_search_cb (YqHistoryView *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static gint64
selected_run (YqHistoryView *self)
{
  YqHistoryRun *run = gtk_single_selection_get_selected_item (self->selection);

  return run != NULL ? yq_history_run_get_id (run) : 0;
}

static void
select_run (YqHistoryView *self,
            gint64         run_id)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n && run_id > 0; i++)
    {
      g_autoptr(YqHistoryRun) run = g_list_model_get_item (model, i);

      if (yq_history_run_get_id (run) == run_id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return;
        }
    }

  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
}

static void
load (YqHistoryView *self)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        g_free);
  g_autoptr(GError) error = NULL;
  gint64 selected = selected_run (self);

  gtk_column_view_column_set_visible (self->connector_column, self->connector_id == 0);
  self->load_failed = FALSE;

  if (self->store == NULL)
    {
      g_list_store_remove_all (self->runs);
      update_page (self);
      return;
    }

  connectors = yq_connectors_list (self->store, &error);
  if (connectors != NULL)
    records = yq_sync_runs_list (self->store, self->connector_id, MAX_RUNS, &error);
  if (records == NULL)
    {
      g_warning ("Could not read the sync history: %s", error->message);
      adw_status_page_set_description (self->error_page, error->message);
      g_list_store_remove_all (self->runs);
      self->load_failed = TRUE;
      update_page (self);
      return;
    }

  for (guint i = 0; i < connectors->len; i++)
    {
      YqConnector *connector = g_ptr_array_index (connectors, i);

      g_hash_table_insert (names, g_memdup2 (&(gint64) { yq_connector_get_id (connector) },
                                             sizeof (gint64)),
                           g_strdup (yq_connector_get_name (connector)));
    }

  for (guint i = 0; i < records->len; i++)
    {
      YqSyncRunRecord *record = g_ptr_array_index (records, i);
      const char *name = g_hash_table_lookup (names, &record->connector_id);
      g_autofree char *fallback = NULL;

      if (name == NULL)
        /* Translators: %lld is the number of a connector that is gone. */
        name = fallback = g_strdup_printf (_("Connector %lld"), (long long) record->connector_id);

      g_ptr_array_add (items, yq_history_run_new (record, name));
    }

  g_list_store_splice (self->runs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->runs)),
                       items->pdata, items->len);
  select_run (self, selected);
  update_page (self);
}

static void
run_activated_cb (YqHistoryView *self,
                  guint          position)
{
  g_autoptr(YqHistoryRun) run = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  YqRunDialog *dialog;

  if (run == NULL || self->store == NULL)
    return;

  dialog = yq_run_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->store,
                              yq_history_run_get_id (run));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject --------------------------------------------------------------- */

static void
yq_history_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), YQ_TYPE_HISTORY_VIEW);

  G_OBJECT_CLASS (yq_history_view_parent_class)->dispose (object);
}

static void
yq_history_view_finalize (GObject *object)
{
  YqHistoryView *self = YQ_HISTORY_VIEW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->runs);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (yq_history_view_parent_class)->finalize (object);
}

static void
yq_history_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  YqHistoryView *self = YQ_HISTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_CONNECTOR_ID:
      g_value_set_int64 (value, self->connector_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_history_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  YqHistoryView *self = YQ_HISTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_history_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_CONNECTOR_ID:
      yq_history_view_set_connector (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_history_view_class_init (YqHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_history_view_dispose;
  object_class->finalize = yq_history_view_finalize;
  object_class->get_property = yq_history_view_get_property;
  object_class->set_property = yq_history_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* 0 for the runs of every connector. */
  properties[PROP_CONNECTOR_ID] =
    g_param_spec_int64 ("connector-id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, stack);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, column_view);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, selection);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, filter);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, connector_column);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, time_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, connector_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, direction_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, kind_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, counts_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, duration_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, result_factory);
  gtk_widget_class_bind_template_child (widget_class, YqHistoryView, error_page);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_activated_cb);
}

static void
connect_factory (GtkSignalListItemFactory *factory,
                 GCallback                 setup,
                 GCallback                 bind)
{
  g_signal_connect (factory, "setup", setup, NULL);
  g_signal_connect (factory, "bind", bind, NULL);
}

static void
yq_history_view_init (YqHistoryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->runs = g_list_store_new (YQ_TYPE_HISTORY_RUN);
  gtk_custom_filter_set_filter_func (self->filter, filter_run, self, NULL);
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->runs));
  /* Typing in the list searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));

  connect_factory (self->time_factory, G_CALLBACK (setup_numeric_label_cb),
                   G_CALLBACK (bind_time_cb));
  connect_factory (self->connector_factory, G_CALLBACK (setup_label_cb),
                   G_CALLBACK (bind_connector_cb));
  connect_factory (self->direction_factory, G_CALLBACK (setup_label_cb),
                   G_CALLBACK (bind_direction_cb));
  connect_factory (self->kind_factory, G_CALLBACK (setup_label_cb), G_CALLBACK (bind_kind_cb));
  connect_factory (self->counts_factory, G_CALLBACK (setup_numeric_label_cb),
                   G_CALLBACK (bind_counts_cb));
  connect_factory (self->duration_factory, G_CALLBACK (setup_numeric_label_cb),
                   G_CALLBACK (bind_duration_cb));
  connect_factory (self->result_factory, G_CALLBACK (setup_result_cb),
                   G_CALLBACK (bind_result_cb));

  update_page (self);
}

/* ---- Public ---------------------------------------------------------------- */

/**
 * yq_history_view_set_store:
 * @store: (nullable): the store holding the sync history
 *
 * Shows the runs in @store.
 */
void
yq_history_view_set_store (YqHistoryView *self,
                           YqStore       *store)
{
  g_return_if_fail (YQ_IS_HISTORY_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  load (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/**
 * yq_history_view_set_connector:
 * @connector_id: the connector whose runs to show, or 0 for all
 */
void
yq_history_view_set_connector (YqHistoryView *self,
                               gint64         connector_id)
{
  g_return_if_fail (YQ_IS_HISTORY_VIEW (self));
  g_return_if_fail (connector_id >= 0);

  if (self->connector_id == connector_id)
    return;

  self->connector_id = connector_id;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  load (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTOR_ID]);
}

gint64
yq_history_view_get_connector (YqHistoryView *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_VIEW (self), 0);

  return self->connector_id;
}

/**
 * yq_history_view_reload:
 *
 * Re-reads the runs, keeping the selected run selected when it is still
 * shown.
 */
void
yq_history_view_reload (YqHistoryView *self)
{
  g_return_if_fail (YQ_IS_HISTORY_VIEW (self));

  load (self);
}

/**
 * yq_history_view_get_model:
 *
 * Returns: (transfer none): the runs shown, newest first, as a
 *   #GListModel of #YqHistoryRun
 */
GListModel *
yq_history_view_get_model (YqHistoryView *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_VIEW (self), NULL);

  return G_LIST_MODEL (self->filter_model);
}
