/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-push-log"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "yq-push-log.h"
#include "yq-service-client.h"

/* How often the log reads the store again while it is shown. */
#define REFRESH_SECONDS 5

/* One row of the log: a delivery as read. */
#define YQ_TYPE_DELIVERY_ITEM (yq_delivery_item_get_type ())
G_DECLARE_FINAL_TYPE (YqDeliveryItem, yq_delivery_item, YQ, DELIVERY_ITEM, GObject)

struct _YqDeliveryItem
{
  GObject     parent_instance;
  YqDelivery *delivery;
};

G_DEFINE_FINAL_TYPE (YqDeliveryItem, yq_delivery_item, G_TYPE_OBJECT)

static void
yq_delivery_item_finalize (GObject *object)
{
  g_clear_pointer (&YQ_DELIVERY_ITEM (object)->delivery, yq_delivery_free);

  G_OBJECT_CLASS (yq_delivery_item_parent_class)->finalize (object);
}

static void
yq_delivery_item_class_init (YqDeliveryItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_delivery_item_finalize;
}

static void
yq_delivery_item_init (YqDeliveryItem *self)
{
}

static YqDeliveryItem *
yq_delivery_item_new (YqDelivery *delivery)
{
  YqDeliveryItem *self = g_object_new (YQ_TYPE_DELIVERY_ITEM, NULL);

  self->delivery = delivery;
  return self;
}

typedef enum
{
  COLUMN_TIME,
  COLUMN_SOURCE,
  COLUMN_TITLE,
  COLUMN_RECIPIENT,
  COLUMN_CONNECTOR,
  COLUMN_KIND,
  COLUMN_STATE,
  COLUMN_ATTEMPTS,
  COLUMN_ERROR,
} Column;

/* The state dropdown's positions after "All States". */
static const guint state_masks[] = {
  0,
  (1 << YQ_DELIVERY_PENDING) | (1 << YQ_DELIVERY_SENDING),
  1 << YQ_DELIVERY_DELIVERED,
  1 << YQ_DELIVERY_RETRY,
  1 << YQ_DELIVERY_DEAD,
  1 << YQ_DELIVERY_UNBOUND,
  1 << YQ_DELIVERY_SKIPPED,
};

struct _YqPushLog
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkBox            *filter_bar;
  GtkSearchEntry    *search_entry;
  GtkDropDown       *state_dropdown;
  GtkDropDown       *connector_dropdown;
  GtkButton         *retry_button;
  GtkLabel          *summary_label;
  GtkStack          *log_stack;
  AdwStatusPage     *empty_page;
  AdwStatusPage     *error_page;
  GtkColumnView     *column_view;
  GtkButton         *load_more_button;

  YqStore           *store;
  GListStore        *items;
  GtkMultiSelection *selection;
  /* Connector names by ID, and the connector of each position of the
   * connector dropdown after "All Connectors". */
  GHashTable        *connector_names;
  GArray            *connector_ids;
  guint              total;
  guint              refresh_id;
  GCancellable      *cancellable;
  gboolean           updating;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqPushLog, yq_push_log, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

const char *
yq_push_log_state_label (YqDeliveryState state)
{
  switch (state)
    {
    case YQ_DELIVERY_PENDING:
      return C_("delivery state", "Pending");
    case YQ_DELIVERY_SENDING:
      return C_("delivery state", "Sending");
    case YQ_DELIVERY_DELIVERED:
      return C_("delivery state", "Delivered");
    case YQ_DELIVERY_RETRY:
      return C_("delivery state", "Retrying");
    case YQ_DELIVERY_DEAD:
      return C_("delivery state", "Dead");
    case YQ_DELIVERY_UNBOUND:
      return C_("delivery state", "Unbound");
    case YQ_DELIVERY_SKIPPED:
      return C_("delivery state", "Skipped");
    default:
      g_assert_not_reached ();
    }
}

static const char *
state_css_class (YqDeliveryState state)
{
  switch (state)
    {
    case YQ_DELIVERY_DELIVERED:
      return "success";
    case YQ_DELIVERY_RETRY:
    case YQ_DELIVERY_UNBOUND:
      return "warning";
    case YQ_DELIVERY_DEAD:
      return "error";
    default:
      return NULL;
    }
}

static const char *
kind_label (const YqDelivery *delivery)
{
  switch (delivery->event)
    {
    case YQ_PUSH_EVENT_TODO_DONE:
      return C_("push kind", "Todo done");
    case YQ_PUSH_EVENT_TODO_CANCELLED:
      return C_("push kind", "Todo cancelled");
    case YQ_PUSH_EVENT_NOTIFICATION:
    case YQ_PUSH_EVENT_TODO:
    default:
      return delivery->kind == YQ_PUSH_KIND_TODO ? C_("push kind", "Todo")
                                                     : C_("push kind", "Notification");
    }
}

/* Today's times without the date. */
static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) time = NULL;

  if (unix_time <= 0)
    return g_strdup ("");

  time = g_date_time_new_from_unix_local (unix_time);
  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    return g_date_time_format (time, "%H:%M:%S");

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/* The intake's reason codes in words; the dispatcher's errors as they
 * are. */
static const char *
describe_error (const char *last_error)
{
  if (last_error == NULL)
    return "";
  if (g_str_equal (last_error, "unbound"))
    return _("Not bound on this connector");
  if (g_str_equal (last_error, "disabled"))
    return _("The bound person is disabled or deleted on the platform");
  if (g_str_equal (last_error, "target-removed"))
    return _("The rule target was removed before sending");
  if (g_str_equal (last_error, "todo-not-created"))
    return _("The todo was never created");

  return last_error;
}

static char *
column_text (YqPushLog        *self,
             Column            column,
             const YqDelivery *delivery)
{
  const char *name;

  switch (column)
    {
    case COLUMN_TIME:
      return format_time (delivery->created_at);
    case COLUMN_SOURCE:
      return g_strdup (delivery->source ? delivery->source : "");
    case COLUMN_TITLE:
      return g_strdup (delivery->title ? delivery->title : "");
    case COLUMN_RECIPIENT:
      return g_strdup (delivery->oa_account ? delivery->oa_account : "");
    case COLUMN_CONNECTOR:
      name = g_hash_table_lookup (self->connector_names, &delivery->connector_id);
      if (name != NULL)
        return g_strdup (name);
      /* Translators: a connector that was removed; %lld is its ID. */
      return g_strdup_printf (_("Connector %lld"), (long long) delivery->connector_id);
    case COLUMN_KIND:
      return g_strdup (kind_label (delivery));
    case COLUMN_STATE:
      return g_strdup (yq_push_log_state_label (delivery->state));
    case COLUMN_ATTEMPTS:
      return g_strdup_printf ("%u", delivery->attempts);
    case COLUMN_ERROR:
      return g_strdup (describe_error (delivery->last_error));
    default:
      g_assert_not_reached ();
    }
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "yq-column"));
  GtkWidget *label = gtk_label_new (NULL);

  if (column == COLUMN_STATE)
    {
      gtk_widget_add_css_class (label, "tag");
      gtk_widget_set_halign (label, GTK_ALIGN_START);
    }
  else
    gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_ATTEMPTS ? 1 : 0);

  /* Short columns take their natural width; the free text shares the
   * rest. */
  if (column == COLUMN_TITLE || column == COLUMN_ERROR || column == COLUMN_CONNECTOR)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), column == COLUMN_CONNECTOR ? 6 : 8);
      gtk_label_set_max_width_chars (GTK_LABEL (label), column == COLUMN_CONNECTOR ? 10 : 60);
    }
  if (column == COLUMN_TIME || column == COLUMN_ATTEMPTS)
    gtk_widget_add_css_class (label, "numeric");

  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              YqPushLog                *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "yq-column"));
  YqDeliveryItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = column_text (self, column, item->delivery);

  gtk_label_set_text (GTK_LABEL (label), text);

  if (column == COLUMN_STATE)
    {
      const char *css = state_css_class (item->delivery->state);

      gtk_widget_remove_css_class (label, "success");
      gtk_widget_remove_css_class (label, "warning");
      gtk_widget_remove_css_class (label, "error");
      if (css != NULL)
        gtk_widget_add_css_class (label, css);
    }
  else if (column == COLUMN_TITLE || column == COLUMN_ERROR || column == COLUMN_CONNECTOR)
    gtk_widget_set_tooltip_text (label, text[0] != '\0' ? text : NULL);
  else if (column == COLUMN_TIME)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (item->delivery->created_at);
      g_autofree char *full = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");

      gtk_widget_set_tooltip_text (label, full);
    }
}

static void
add_column (YqPushLog  *self,
            Column      column,
            const char *title,
            gboolean    expand,
            int         fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_object_set_data (G_OBJECT (factory), "yq-column", GINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell_cb), self, 0);

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (self->column_view, view_column);
}

static GtkWindow *
get_parent_window (YqPushLog *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqPushLog  *self,
                     const char *heading,
                     const char *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
filters_active (YqPushLog *self)
{
  return gtk_drop_down_get_selected (self->state_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->connector_dropdown) > 0 ||
         gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0';
}

static void
get_filter (YqPushLog        *self,
            YqDeliveryFilter *filter)
{
  guint state = gtk_drop_down_get_selected (self->state_dropdown);
  guint connector = gtk_drop_down_get_selected (self->connector_dropdown);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  memset (filter, 0, sizeof *filter);
  filter->states = state < G_N_ELEMENTS (state_masks) ? state_masks[state] : 0;
  if (connector > 0 && connector <= self->connector_ids->len)
    filter->connector_id = g_array_index (self->connector_ids, gint64, connector - 1);
  filter->search = search[0] != '\0' ? search : NULL;
}

static void
update_retry (YqPushLog *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  gboolean retryable = FALSE;
  guint position;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more && !retryable;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(YqDeliveryItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

      retryable = item != NULL && (item->delivery->state == YQ_DELIVERY_RETRY ||
                                   item->delivery->state == YQ_DELIVERY_DEAD);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.retry", retryable);
}

static void
update_summary (YqPushLog *self)
{
  static const YqDeliveryState shown[] = {
    YQ_DELIVERY_PENDING, YQ_DELIVERY_DELIVERED, YQ_DELIVERY_RETRY,
    YQ_DELIVERY_DEAD, YQ_DELIVERY_UNBOUND, YQ_DELIVERY_SKIPPED,
  };
  guint counts[YQ_DELIVERY_N_STATES] = { 0, };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  if (!yq_push_deliveries_count (self->store, counts, &error))
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }

  /* An attempt that is out counts as pending. */
  counts[YQ_DELIVERY_PENDING] += counts[YQ_DELIVERY_SENDING];

  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* Translators: a count in the delivery log's summary, e.g.
       * "Delivered: 12". */
      g_string_append_printf (text, _("%s: %u"), yq_push_log_state_label (shown[i]),
                              counts[shown[i]]);
    }

  gtk_label_set_text (self->summary_label, text->str);
}

/* Reads the connectors; rebuilds the dropdown only when they changed, so
 * that its selection stays. */
static gboolean
load_connectors (YqPushLog  *self,
                 GError    **error)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GtkStringList) names = NULL;
  gint64 selected_id = 0;
  guint selected = 0;
  gboolean same;

  connectors = yq_connectors_list (self->store, error);
  if (connectors == NULL)
    return FALSE;

  same = connectors->len == self->connector_ids->len;
  for (guint i = 0; same && i < connectors->len; i++)
    {
      YqConnector *connector = g_ptr_array_index (connectors, i);
      gint64 id = yq_connector_get_id (connector);

      same = g_array_index (self->connector_ids, gint64, i) == id &&
             g_strcmp0 (g_hash_table_lookup (self->connector_names, &id),
                        yq_connector_get_name (connector)) == 0;
    }
  if (same && gtk_drop_down_get_model (self->connector_dropdown) != NULL)
    return TRUE;

  if (gtk_drop_down_get_selected (self->connector_dropdown) > 0 &&
      gtk_drop_down_get_selected (self->connector_dropdown) <= self->connector_ids->len)
    selected_id = g_array_index (self->connector_ids, gint64,
                                 gtk_drop_down_get_selected (self->connector_dropdown) - 1);

  g_hash_table_remove_all (self->connector_names);
  g_array_set_size (self->connector_ids, 0);
  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("All Connectors"));

  for (guint i = 0; i < connectors->len; i++)
    {
      YqConnector *connector = g_ptr_array_index (connectors, i);
      gint64 id = yq_connector_get_id (connector);

      g_hash_table_insert (self->connector_names, g_memdup2 (&id, sizeof id),
                           g_strdup (yq_connector_get_name (connector)));
      g_array_append_val (self->connector_ids, id);
      gtk_string_list_append (names, yq_connector_get_name (connector));
      if (id == selected_id)
        selected = i + 1;
    }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->connector_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->connector_dropdown, selected);
  self->updating = FALSE;

  return TRUE;
}

static void
show_error (YqPushLog    *self,
            const GError *error)
{
  g_list_store_remove_all (self->items);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->log_stack, "error");
  gtk_widget_set_visible (GTK_WIDGET (self->load_more_button), FALSE);
  update_retry (self);
}

static void
update_load_more (YqPushLog *self)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autofree char *label = NULL;

  /* Translators: the button under the delivery log; the first %u is how
   * many are shown, the second how many match. */
  label = g_strdup_printf (_("Load More (%u of %u shown)"), n_items, self->total);
  gtk_button_set_label (self->load_more_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->load_more_button), n_items < self->total);
}

/* Reads @limit deliveries from @offset and puts them in place of the
 * items from @offset on; with @keep_selection the same deliveries stay
 * selected. */
static void
load (YqPushLog *self,
      guint      offset,
      guint      limit,
      gboolean   keep_selection)
{
  g_autoptr(GHashTable) selected_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                              g_free, NULL);
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  YqDeliveryFilter filter;
  guint n_old;
  guint total = 0;

  if (self->store == NULL)
    return;

  if (!load_connectors (self, &error))
    {
      show_error (self, error);
      return;
    }

  get_filter (self, &filter);
  filter.offset = offset;
  filter.limit = limit;

  deliveries = yq_push_deliveries_list (self->store, &filter, &total, &error);
  if (deliveries == NULL)
    {
      show_error (self, error);
      return;
    }

  if (keep_selection)
    {
      g_autoptr(GtkBitset) selected = NULL;
      GtkBitsetIter iter;
      guint position;

      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
           more;
           more = gtk_bitset_iter_next (&iter, &position))
        {
          g_autoptr(YqDeliveryItem) item = g_list_model_get_item (G_LIST_MODEL (self->items),
                                                                  position);

          if (item != NULL)
            g_hash_table_add (selected_ids, g_memdup2 (&item->delivery->id, sizeof (gint64)));
        }
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < deliveries->len; i++)
    g_ptr_array_add (items, yq_delivery_item_new (yq_delivery_copy (g_ptr_array_index (deliveries,
                                                                                       i))));

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_list_store_splice (self->items, offset, n_old - MIN (offset, n_old), items->pdata, items->len);
  self->total = total;

  for (guint i = 0; i < items->len; i++)
    {
      YqDeliveryItem *item = g_ptr_array_index (items, i);

      if (g_hash_table_contains (selected_ids, &item->delivery->id))
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), offset + i, FALSE);
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->items)) > 0)
    gtk_stack_set_visible_child_name (self->log_stack, "list");
  else
    {
      adw_status_page_set_description (self->empty_page,
                                       filters_active (self)
                                       ? _("No deliveries match the filters.")
                                       : _("Messages from the OA and test messages show here, "
                                           "with the state of each recipient."));
      gtk_stack_set_visible_child_name (self->log_stack, "empty");
    }

  update_summary (self);
  update_load_more (self);
  update_retry (self);
}

static void
filter_changed_cb (YqPushLog *self)
{
  if (self->updating)
    return;

  load (self, 0, YQ_PUSH_LOG_PAGE_SIZE, FALSE);
}

static void
selection_changed_cb (YqPushLog *self)
{
  update_retry (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  yq_push_log_reload (YQ_PUSH_LOG (user_data));

  return G_SOURCE_CONTINUE;
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  yq_push_log_reload (YQ_PUSH_LOG (widget));
}

static void
load_more_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  YqPushLog *self = YQ_PUSH_LOG (widget);

  load (self, g_list_model_get_n_items (G_LIST_MODEL (self->items)), YQ_PUSH_LOG_PAGE_SIZE,
        TRUE);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  YqPushLog *self = YQ_PUSH_LOG (widget);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GError) error = NULL;
  GtkBitsetIter iter;
  guint position;
  guint n_changed = 0;

  if (self->store == NULL)
    return;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(YqDeliveryItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), position);

      if (item != NULL && (item->delivery->state == YQ_DELIVERY_RETRY ||
                           item->delivery->state == YQ_DELIVERY_DEAD))
        g_array_append_val (ids, item->delivery->id);
    }

  if (ids->len == 0)
    return;

  if (!yq_push_deliveries_retry_now (self->store, ids, g_get_real_time () / G_USEC_PER_SEC,
                                     &n_changed, &error))
    show_message_dialog (self, _("Cannot Retry the Deliveries"), error->message);
  else if (n_changed > 0)
    /* The service sends them at once instead of at its next wake-up. */
    yq_service_request_reload (self->cancellable);

  yq_push_log_reload (self);
}

static void
yq_push_log_map (GtkWidget *widget)
{
  YqPushLog *self = YQ_PUSH_LOG (widget);

  GTK_WIDGET_CLASS (yq_push_log_parent_class)->map (widget);

  yq_push_log_reload (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

static void
yq_push_log_unmap (GtkWidget *widget)
{
  YqPushLog *self = YQ_PUSH_LOG (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);

  GTK_WIDGET_CLASS (yq_push_log_parent_class)->unmap (widget);
}

static void
yq_push_log_dispose (GObject *object)
{
  YqPushLog *self = YQ_PUSH_LOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_PUSH_LOG);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (yq_push_log_parent_class)->dispose (object);
}

static void
yq_push_log_finalize (GObject *object)
{
  YqPushLog *self = YQ_PUSH_LOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->connector_names, g_hash_table_unref);
  g_clear_pointer (&self->connector_ids, g_array_unref);

  G_OBJECT_CLASS (yq_push_log_parent_class)->finalize (object);
}

static void
yq_push_log_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  YqPushLog *self = YQ_PUSH_LOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_push_log_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  YqPushLog *self = YQ_PUSH_LOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_push_log_set_store (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_push_log_class_init (YqPushLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_push_log_dispose;
  object_class->finalize = yq_push_log_finalize;
  object_class->get_property = yq_push_log_get_property;
  object_class->set_property = yq_push_log_set_property;

  widget_class->map = yq_push_log_map;
  widget_class->unmap = yq_push_log_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-push-log.ui");
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, connector_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, retry_button);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, log_stack);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, empty_page);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, error_page);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, column_view);
  gtk_widget_class_bind_template_child (widget_class, YqPushLog, load_more_button);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);

  gtk_widget_class_install_action (widget_class, "log.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "log.load-more", NULL, load_more_action);
  gtk_widget_class_install_action (widget_class, "log.retry", NULL, retry_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "log.refresh", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_push_log_init (YqPushLog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->connector_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->connector_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_list_store_new (YQ_TYPE_DELIVERY_ITEM);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->items)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, COLUMN_TIME, C_("delivery log column", "Time"), FALSE, -1);
  add_column (self, COLUMN_SOURCE, C_("delivery log column", "Module"), FALSE, -1);
  add_column (self, COLUMN_TITLE, C_("delivery log column", "Title"), TRUE, -1);
  add_column (self, COLUMN_RECIPIENT, C_("delivery log column", "Recipient"), FALSE, -1);
  add_column (self, COLUMN_CONNECTOR, C_("delivery log column", "Connector"), FALSE, -1);
  add_column (self, COLUMN_KIND, C_("delivery log column", "Kind"), FALSE, -1);
  add_column (self, COLUMN_STATE, C_("delivery log column", "State"), FALSE, -1);
  add_column (self, COLUMN_ATTEMPTS, C_("delivery log column", "Attempts"), FALSE, -1);
  add_column (self, COLUMN_ERROR, C_("delivery log column", "Last Error"), TRUE, -1);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.retry", FALSE);
}

YqStore *
yq_push_log_get_store (YqPushLog *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_LOG (self), NULL);

  return self->store;
}

void
yq_push_log_set_store (YqPushLog *self,
                       YqStore   *store)
{
  g_return_if_fail (YQ_IS_PUSH_LOG (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      g_list_store_remove_all (self->items);
      yq_push_log_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

/**
 * yq_push_log_reload:
 * @self: a #YqPushLog
 *
 * Reads the counts and the deliveries shown again (at least the first
 * page), keeping the same deliveries selected.
 */
void
yq_push_log_reload (YqPushLog *self)
{
  guint n_items;

  g_return_if_fail (YQ_IS_PUSH_LOG (self));

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  load (self, 0, MAX (n_items, YQ_PUSH_LOG_PAGE_SIZE), TRUE);
}

guint
yq_push_log_get_n_items (YqPushLog *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_LOG (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

const YqDelivery *
yq_push_log_get_delivery (YqPushLog *self,
                          guint      position)
{
  g_autoptr(YqDeliveryItem) item = NULL;

  g_return_val_if_fail (YQ_IS_PUSH_LOG (self), NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->items), position);
  g_return_val_if_fail (item != NULL, NULL);

  /* The store holds the item. */
  return item->delivery;
}
