/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-org-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "yq-dbus-generated.h"
#include "yq-history-view.h"
#include "yq-job-watcher.h"
#include "yq-org-view.h"
#include "yq-profile-editor.h"
#include "yq-run-dialog.h"
#include "yq-service-client.h"
#include "yq-sync-ui.h"
#include "yq-window.h"

#define PULSE_INTERVAL_MSEC 150

/* Rows expanded at most after a filter change, so that matches show. */
#define FILTER_EXPAND_ROWS 2000

struct _YqOrgView
{
  GtkWidget           parent_instance;

  /* Template widgets */
  AdwHeaderBar       *header_bar;
  GtkMenuButton      *legend_button;
  AdwToastOverlay    *toast_overlay;
  AdwViewStack       *view_stack;
  GtkStack           *main_stack;
  GtkDropDown        *connector_dropdown;
  GtkDropDown        *direction_dropdown;
  GtkButton          *profile_button;
  GtkButton          *preview_button;
  GtkButton          *apply_button;
  GtkRevealer        *progress_revealer;
  GtkLabel           *step_label;
  GtkProgressBar     *progress_bar;
  GtkButton          *cancel_button;
  GtkRevealer        *banner_revealer;
  GtkLabel           *banner_label;
  GtkButton          *confirm_button;
  GtkButton          *banner_profile_button;
  GtkStack           *content_stack;
  AdwStatusPage      *error_page;
  GtkSpinner         *spinner;
  GtkBox             *summary_box;
  GtkToggleButton    *only_changes_button;
  GtkSearchEntry     *search_entry;
  GtkStack           *tree_stack;
  GtkColumnView      *column_view;
  GtkStack           *details_stack;
  GtkLabel           *details_title;
  GtkLabel           *details_status;
  GtkLabel           *details_kind;
  GtkLabel           *details_paths;
  GtkLabel           *details_changes_heading;
  GtkGrid            *details_fields;
  GtkLabel           *details_reason;
  GtkBox             *legend_box;
  YqHistoryView      *history_view;

  YqStore            *store;
  YqSecrets          *secrets;
  gboolean            folded;
  GCancellable       *cancellable;
  GCancellable       *load_cancellable;

  GListStore         *connectors;
  GtkStringList      *direction_labels;
  GPtrArray          *directions;

  YqOrgModel         *model;
  GtkSingleSelection *selection;
  GtkColumnViewColumn *source_column;
  GtkColumnViewColumn *target_column;
  GtkToggleButton    *status_buttons[YQ_N_COMPARISON_STATUSES];
  gboolean            updating_filters;

  YqDBusJob          *job;
  /* The service's jobs, to follow one started elsewhere (the connector's
   * menu, a schedule) for the connector and direction shown. */
  YqJobWatcher       *watcher;
  gboolean            job_dry_run;
  gboolean            starting;
  guint               pulse_id;
  /* The admin confirmed the threshold block of the comparison shown. */
  gboolean            confirmed;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_FOLDED,
  PROP_COMPARISON,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqOrgView, yq_org_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* The order of the summary bar and the legend: changes first. */
static const YqComparisonStatus status_order[] = {
  YQ_COMPARISON_NEW,
  YQ_COMPARISON_MATCHED,
  YQ_COMPARISON_RENAMED,
  YQ_COMPARISON_MOVED,
  YQ_COMPARISON_UPDATED,
  YQ_COMPARISON_REMOVED,
  YQ_COMPARISON_UNCHANGED,
  YQ_COMPARISON_SKIPPED,
  YQ_COMPARISON_TARGET_ONLY,
};

static void update_actions      (YqOrgView *self);
static void show_comparison     (YqOrgView *self,
                                 YqComparison *comparison);
static void update_details      (YqOrgView *self);
static void filters_changed     (YqOrgView *self);
static guint detach_tree        (YqOrgView *self);
static void forget_job          (YqOrgView *self);
static void follow_job          (YqOrgView *self,
                                 YqDBusJob *job);
static void adopt_job           (YqOrgView *self);
static void service_gone        (YqOrgView *self);
static void attach_tree         (YqOrgView *self,
                                 guint      selected);

/* Labels */

static const char *
status_label (YqComparisonStatus status)
{
  switch (status)
    {
    case YQ_COMPARISON_UNCHANGED:
      return _("Unchanged");
    case YQ_COMPARISON_MATCHED:
      /* Translators: not linked yet, the sync links it to an existing item. */
      return _("Matched");
    case YQ_COMPARISON_NEW:
      return _("New");
    case YQ_COMPARISON_REMOVED:
      return _("Removed");
    case YQ_COMPARISON_RENAMED:
      return _("Renamed");
    case YQ_COMPARISON_MOVED:
      return _("Moved");
    case YQ_COMPARISON_UPDATED:
      return C_("comparison status", "Updated");
    case YQ_COMPARISON_SKIPPED:
      return _("Skipped");
    case YQ_COMPARISON_TARGET_ONLY:
      /* Translators: only on the following side, never touched. */
      return _("Not Linked");
    default:
      return "";
    }
}

static const char *
status_description (YqComparisonStatus status)
{
  switch (status)
    {
    case YQ_COMPARISON_UNCHANGED:
      return _("Linked already; nothing changes");
    case YQ_COMPARISON_MATCHED:
      return _("Not linked yet; the sync links it to the item with the same name or binding");
    case YQ_COMPARISON_NEW:
      return _("Created by the sync");
    case YQ_COMPARISON_REMOVED:
      return _("Removed by the sync (in the OA: disabled)");
    case YQ_COMPARISON_RENAMED:
      return _("Linked; the sync renames it");
    case YQ_COMPARISON_MOVED:
      return _("Linked; the sync moves it to another department");
    case YQ_COMPARISON_UPDATED:
      return _("Linked; other fields change");
    case YQ_COMPARISON_SKIPPED:
      return _("Left alone: out of scope, or left out by a warning");
    case YQ_COMPARISON_TARGET_ONLY:
      return _("Only on the following side and not linked; never touched");
    default:
      return "";
    }
}

static const char *
side_title (YqComparisonSide side)
{
  switch (side)
    {
    case YQ_COMPARISON_SIDE_PLATFORM:
      return _("Platform");
    case YQ_COMPARISON_SIDE_BRIDGE:
      return _("Bridge Directory");
    case YQ_COMPARISON_SIDE_OA:
      return _("OA Directory");
    default:
      return "";
    }
}

static const char *
field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "name", N_("Name") },
    { "parent", N_("Parent department") },
    { "order", N_("Order") },
    { "active", N_("Active") },
    { "departments", N_("Departments") },
    { "mobile", N_("Mobile") },
    { "email", N_("Email") },
    { "job_number", N_("Job number") },
    { "title", N_("Job title") },
    { "account_code", N_("Account") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (field, labels[i].field) == 0)
      return _(labels[i].label);

  return field;
}

static char *
reason_text (const YqComparisonNode *node)
{
  const char *detail = node->reason_detail;
  const char *text;

  switch (node->reason)
    {
    case YQ_COMPARISON_REASON_LINKED:
      text = _("Linked already, by the IDs of both sides.");
      break;
    case YQ_COMPARISON_REASON_SAME_NAME:
      text = _("Same name at the same level, under linked parent departments.");
      break;
    case YQ_COMPARISON_REASON_BINDING_RULE:
      text = _("The binding rule matched exactly one person.");
      break;
    case YQ_COMPARISON_REASON_NO_MATCH:
      text = _("Nothing on the following side matched, so the sync creates it.");
      break;
    case YQ_COMPARISON_REASON_NOT_ADDED:
      text = _("Nothing matched, and the profile does not add new members.");
      break;
    case YQ_COMPARISON_REASON_SOURCE_GONE:
      text = _("Linked, but the leading side no longer has it, so the sync removes it.");
      break;
    case YQ_COMPARISON_REASON_OUT_OF_SCOPE:
      text = _("The profile’s scope leaves it out.");
      break;
    case YQ_COMPARISON_REASON_WARNING:
      text = _("Left out because of a warning.");
      break;
    case YQ_COMPARISON_REASON_UNLINKED_TARGET:
      text = _("Only on the following side and not linked: the sync never touches unlinked data.");
      break;
    case YQ_COMPARISON_REASON_MIRROR:
      text = _("The bridge keeps a copy of the platform directory, item by item, by ID.");
      break;
    case YQ_COMPARISON_REASON_NONE:
    default:
      text = NULL;
      break;
    }

  if (text == NULL)
    return g_strdup (detail != NULL ? detail : "");
  if (detail == NULL || *detail == '\0')
    return g_strdup (text);

  return g_strdup_printf ("%s\n%s", text, detail);
}

/* Helpers */

static GtkWindow *
get_parent_window (YqOrgView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqOrgView  *self,
                     const char *heading,
                     const char *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_toast (YqOrgView  *self,
           const char *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, yq_sync_ui_message_toast_new (message));
}

static YqConnector *
selected_connector (YqOrgView *self)
{
  return gtk_drop_down_get_selected_item (self->connector_dropdown);
}

static void
set_status_class (GtkWidget          *widget,
                  YqComparisonStatus  status)
{
  const char *current = g_object_get_data (G_OBJECT (widget), "yq-status-class");
  g_autofree char *wanted = g_strdup_printf ("yq-status-%s", yq_comparison_status_to_string (status));

  if (g_strcmp0 (current, wanted) == 0)
    return;
  if (current != NULL)
    gtk_widget_remove_css_class (widget, current);
  gtk_widget_add_css_class (widget, wanted);
  g_object_set_data_full (G_OBJECT (widget), "yq-status-class",
                          g_steal_pointer (&wanted), g_free);
}

static gboolean
job_is_active (YqOrgView *self)
{
  return self->starting ||
         (self->job != NULL && yq_sync_ui_job_state_is_active (yq_dbus_job_get_state (self->job)));
}

/* Blocks other than thresholds can not be confirmed away. */
static gboolean
has_hard_block (YqComparison *comparison)
{
  GPtrArray *blocks = yq_comparison_get_blocks (comparison);

  for (guint i = 0; blocks != NULL && i < blocks->len; i++)
    {
      YqPlanBlock *block = g_ptr_array_index (blocks, i);

      if (block->kind != YQ_PLAN_BLOCK_PEOPLE_THRESHOLD &&
          block->kind != YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD)
        return TRUE;
    }

  return FALSE;
}

static guint
count_ops (const YqPlanCounts *counts,
           YqPlanOpKind        a,
           YqPlanOpKind        b)
{
  return counts->ops[a] + counts->ops[b];
}

static gboolean
has_changes (YqComparison *comparison)
{
  const YqPlanCounts *counts = yq_comparison_get_plan_counts (comparison);
  guint total = 0;

  for (guint i = 0; i < YQ_N_PLAN_OP_KINDS; i++)
    total += counts->ops[i];

  return total > 0;
}

static void
update_actions (YqOrgView *self)
{
  YqComparison *comparison = yq_org_model_get_comparison (self->model);
  gboolean have_connector = self->store != NULL && selected_connector (self) != NULL;
  gboolean busy = job_is_active (self);
  GPtrArray *blocks = comparison ? yq_comparison_get_blocks (comparison) : NULL;
  gboolean blocked = blocks != NULL && blocks->len > 0;
  gboolean can_confirm = FALSE;
  gboolean can_apply = FALSE;

  if (comparison != NULL && !has_hard_block (comparison))
    {
      can_confirm = blocked && yq_comparison_needs_confirmation (comparison);
      can_apply = !blocked || (self->confirmed && can_confirm);
      can_apply = can_apply && has_changes (comparison);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.edit-profile", have_connector);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.preview", have_connector && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.apply",
                                 have_connector && !busy && can_apply);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.confirm",
                                 have_connector && !busy && can_confirm);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.cancel",
                                 self->job != NULL && !self->starting &&
                                 yq_sync_ui_job_state_is_active (yq_dbus_job_get_state (self->job)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.expand-changes", comparison != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_button), can_confirm);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_profile_button),
                          comparison != NULL && has_hard_block (comparison));
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), comparison != NULL);
}

/* Connectors and directions */

static void
rebuild_directions (YqOrgView *self)
{
  YqConnector *connector = selected_connector (self);
  const char *previous = yq_org_view_get_direction (self);
  g_autofree char *keep = g_strdup (previous ? previous : "to-oa");
  guint selected = 0;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  g_ptr_array_set_size (self->directions, 0);
  if (connector != NULL)
    {
      g_ptr_array_add (self->directions, g_strdup ("from-platform"));
      g_ptr_array_add (self->directions, g_strdup ("to-oa"));
      /* Only 云之家 takes writes to its directory, and only when allowed. */
      if (yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ &&
          !yq_connector_get_directory_readonly (connector))
        g_ptr_array_add (self->directions, g_strdup ("to-platform"));
    }

  for (guint i = 0; i < self->directions->len; i++)
    {
      const char *direction = g_ptr_array_index (self->directions, i);

      g_ptr_array_add (labels, (gpointer) yq_sync_ui_direction_title (direction));
      if (g_str_equal (direction, keep))
        selected = i;
    }
  g_ptr_array_add (labels, NULL);

  g_signal_handlers_block_matched (self->direction_dropdown, G_SIGNAL_MATCH_DATA,
                                   0, 0, NULL, NULL, self);
  gtk_string_list_splice (self->direction_labels, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->direction_labels)),
                          (const char * const *) labels->pdata);
  gtk_drop_down_set_selected (self->direction_dropdown,
                              self->directions->len > 0 ? selected : GTK_INVALID_LIST_POSITION);
  g_signal_handlers_unblock_matched (self->direction_dropdown, G_SIGNAL_MATCH_DATA,
                                     0, 0, NULL, NULL, self);
}

static void
selection_changed (YqOrgView *self)
{
  YqConnector *connector = selected_connector (self);

  /* A comparison belongs to one connector and direction. */
  if (self->job == NULL || !job_is_active (self))
    show_comparison (self, NULL);

  if (self->history_view != NULL)
    yq_history_view_set_connector (self->history_view,
                                   connector ? yq_connector_get_id (connector) : 0);
  adopt_job (self);
  update_actions (self);
}

static void
connector_selected_cb (YqOrgView  *self,
                       GParamSpec *pspec,
                       GtkDropDown *dropdown)
{
  rebuild_directions (self);
  selection_changed (self);
}

static void
direction_selected_cb (YqOrgView  *self,
                       GParamSpec *pspec,
                       GtkDropDown *dropdown)
{
  selection_changed (self);
}

/* Summary bar and legend */

static void
status_toggled_cb (YqOrgView       *self,
                   GtkToggleButton *button)
{
  guint statuses = 0;
  guint selected;

  if (self->updating_filters)
    return;

  for (guint i = 0; i < YQ_N_COMPARISON_STATUSES; i++)
    if (gtk_toggle_button_get_active (self->status_buttons[i]))
      statuses |= 1u << i;

  selected = detach_tree (self);
  yq_org_model_set_statuses (self->model, statuses ? statuses : YQ_ORG_MODEL_ALL_STATUSES);
  filters_changed (self);
  attach_tree (self, selected);
}

static GtkWidget *
status_dot_new (YqComparisonStatus status)
{
  GtkWidget *dot = gtk_label_new ("●");

  gtk_widget_add_css_class (dot, "yq-status-dot");
  set_status_class (dot, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);

  return dot;
}

static void
build_summary_bar (YqOrgView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_order); i++)
    {
      YqComparisonStatus status = status_order[i];
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *label = gtk_label_new (NULL);

      gtk_box_append (GTK_BOX (box), status_dot_new (status));
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "yq-summary-button");
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "yq-label", label);
      g_signal_connect_object (button, "toggled", G_CALLBACK (status_toggled_cb),
                               self, G_CONNECT_SWAPPED);
      gtk_box_append (self->summary_box, button);
      self->status_buttons[status] = GTK_TOGGLE_BUTTON (button);
    }
}

static void
build_legend (YqOrgView *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *heading = gtk_label_new (_("What the Colours Mean"));
  GtkWidget *dot;
  GtkWidget *label;
  guint row = 0;

  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_box_append (self->legend_box, heading);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);

  for (guint i = 0; i < G_N_ELEMENTS (status_order); i++, row++)
    {
      GtkWidget *badge = gtk_label_new (status_label (status_order[i]));

      gtk_widget_add_css_class (badge, "yq-badge");
      set_status_class (badge, status_order[i]);
      gtk_widget_set_halign (badge, GTK_ALIGN_START);
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      label = gtk_label_new (status_description (status_order[i]));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
      gtk_grid_attach (GTK_GRID (grid), badge, 0, row, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), label, 1, row, 1, 1);
    }

  dot = gtk_label_new ("●");
  gtk_widget_add_css_class (dot, "yq-linked-dot");
  gtk_widget_set_halign (dot, GTK_ALIGN_START);
  gtk_widget_set_margin_start (dot, 8);
  label = gtk_label_new (_("Linked before the sync (a hollow dot: not linked yet)"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_grid_attach (GTK_GRID (grid), dot, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), label, 1, row, 1, 1);

  gtk_box_append (self->legend_box, grid);
}

static void
update_summary (YqOrgView *self)
{
  YqComparison *comparison = yq_org_model_get_comparison (self->model);
  guint counts[YQ_N_COMPARISON_STATUSES][2] = { { 0 } };

  if (comparison != NULL)
    yq_comparison_get_counts (comparison, counts);

  self->updating_filters = TRUE;
  for (guint status = 0; status < YQ_N_COMPARISON_STATUSES; status++)
    {
      GtkToggleButton *button = self->status_buttons[status];
      GtkLabel *label = g_object_get_data (G_OBJECT (button), "yq-label");
      guint total = counts[status][0] + counts[status][1];
      g_autofree char *text = NULL;
      g_autofree char *tooltip = NULL;

      /* Translators: a status and how many items have it, "New 12". */
      text = g_strdup_printf (_("%s %u"), status_label (status), total);
      gtk_label_set_text (label, text);
      /* Translators: the tooltip of a summary button. */
      tooltip = g_strdup_printf (_("%s: %u departments, %u people"),
                                 status_description (status), counts[status][0], counts[status][1]);
      gtk_widget_set_tooltip_text (GTK_WIDGET (button), tooltip);
      gtk_widget_set_visible (GTK_WIDGET (button), total > 0);
      gtk_toggle_button_set_active (button,
                                    yq_org_model_get_statuses (self->model) !=
                                    YQ_ORG_MODEL_ALL_STATUSES &&
                                    (yq_org_model_get_statuses (self->model) & (1u << status)));
    }
  self->updating_filters = FALSE;
}

/* The banner */

static const char *
block_way_forward (YqPlanBlockKind kind)
{
  switch (kind)
    {
    case YQ_PLAN_BLOCK_TOP_MISMATCH:
      return _("Then run the preview again.");
    case YQ_PLAN_BLOCK_PEOPLE_THRESHOLD:
    case YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD:
      return _("If it is not expected, check the scope in the profile.");
    case YQ_PLAN_BLOCK_READ_ONLY:
      return _("This directory is read-only for the bridge; allow writes in the connector "
               "if the platform permits it.");
    default:
      return "";
    }
}

static void
update_banner (YqOrgView *self)
{
  YqComparison *comparison = yq_org_model_get_comparison (self->model);
  GPtrArray *blocks = comparison ? yq_comparison_get_blocks (comparison) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (blocks == NULL || blocks->len == 0)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }

  g_string_append (text, _("The sync stops before changing anything:"));
  for (guint i = 0; i < blocks->len; i++)
    {
      YqPlanBlock *block = g_ptr_array_index (blocks, i);

      g_string_append (text, "\n• ");
      /* Translators: a reason the sync stops, then what to do about it;
       * languages that write no space between sentences drop it. */
      g_string_append_printf (text, _("%s %s"), block->message, block_way_forward (block->kind));
    }

  gtk_label_set_text (self->banner_label, text->str);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

/* The tree */

static YqOrgNode *
list_item_node (GtkListItem *list_item)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);

  return row != NULL ? gtk_tree_list_row_get_item (row) : NULL;
}

static void
setup_name_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *old_name = gtk_label_new (NULL);
  GtkWidget *arrow = gtk_label_new ("→");
  GtkWidget *name = gtk_label_new (NULL);

  gtk_widget_add_css_class (dot, "yq-linked-dot");
  gtk_widget_add_css_class (old_name, "yq-old-value");
  gtk_widget_add_css_class (arrow, "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (old_name), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), old_name);
  gtk_box_append (GTK_BOX (box), arrow);
  gtk_box_append (GTK_BOX (box), name);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
bind_name_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkTreeExpander *expander = GTK_TREE_EXPANDER (gtk_list_item_get_child (list_item));
  GtkWidget *box = gtk_tree_expander_get_child (expander);
  GtkWidget *dot = gtk_widget_get_first_child (box);
  GtkWidget *icon = gtk_widget_get_next_sibling (dot);
  GtkWidget *old_name = gtk_widget_get_next_sibling (icon);
  GtkWidget *arrow = gtk_widget_get_next_sibling (old_name);
  GtkWidget *name = gtk_widget_get_next_sibling (arrow);
  g_autoptr(YqOrgNode) item = list_item_node (list_item);
  const YqComparisonNode *node;
  gboolean renamed;

  gtk_tree_expander_set_list_row (expander, gtk_list_item_get_item (list_item));
  if (item == NULL)
    return;

  node = yq_org_node_get_node (item);
  renamed = node->old_name != NULL && g_strcmp0 (node->old_name, node->name) != 0;
  gtk_label_set_text (GTK_LABEL (dot), node->linked ? "●" : "○");
  gtk_widget_set_tooltip_text (dot, node->linked ? _("Linked") : _("Not linked"));
  gtk_image_set_from_icon_name (GTK_IMAGE (icon),
                                node->is_person ? "avatar-default-symbolic" : "folder-symbolic");
  gtk_label_set_text (GTK_LABEL (old_name), renamed ? node->old_name : "");
  gtk_widget_set_visible (old_name, renamed);
  gtk_widget_set_visible (arrow, renamed);
  gtk_label_set_text (GTK_LABEL (name), node->name);
  if (node->active)
    gtk_widget_remove_css_class (name, "dim-label");
  else
    gtk_widget_add_css_class (name, "dim-label");
}

static void
setup_path_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  /* The end of a path says the most. */
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
  gtk_list_item_set_child (list_item, label);
}

static void
setup_number_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
setup_badge_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (label, "yq-badge");
  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_badge_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autoptr(YqOrgNode) item = list_item_node (list_item);
  const YqComparisonNode *node;
  g_autofree char *tooltip = NULL;

  if (item == NULL)
    return;

  node = yq_org_node_get_node (item);
  gtk_label_set_text (GTK_LABEL (label), status_label (node->status));
  set_status_class (label, node->status);

  if (node->status == YQ_COMPARISON_RENAMED && node->old_name != NULL)
    /* Translators: %s is the name before the sync. */
    tooltip = g_strdup_printf (_("Was “%s”"), node->old_name);
  else if (node->status == YQ_COMPARISON_MOVED)
    {
      g_autofree char *path = yq_comparison_get_path (yq_org_node_get_comparison (item),
                                                      yq_org_node_get_index (item), FALSE);

      /* Translators: %s is a department path such as /财务局/预算处. */
      tooltip = g_strdup_printf (_("Now at %s"), path);
    }
  gtk_widget_set_tooltip_text (label, tooltip ? tooltip : status_description (node->status));
}

static void
bind_path_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autoptr(YqOrgNode) item = list_item_node (list_item);
  g_autofree char *path = NULL;
  g_autofree char *location = NULL;
  const char *slash;

  if (item == NULL)
    return;

  path = yq_comparison_get_path (yq_org_node_get_comparison (item),
                                 yq_org_node_get_index (item),
                                 GPOINTER_TO_INT (user_data));
  /* The name has a column of its own: show where the item is (its
   * parent's path); the tooltip has the whole path. */
  slash = strrchr (path, '/');
  if (slash != NULL && slash != path)
    location = g_strndup (path, slash - path);
  else if (slash != NULL)
    location = g_strdup ("/");
  gtk_label_set_text (label, location != NULL ? location : path);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), *path ? path : NULL);
}

static void
bind_people_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  g_autoptr(YqOrgNode) item = list_item_node (list_item);
  const YqComparisonNode *node;
  char text[16] = "";

  if (item == NULL)
    return;

  node = yq_org_node_get_node (item);
  if (!node->is_person)
    g_snprintf (text, sizeof text, "%u", node->people);
  gtk_label_set_text (label, text);
}

static GtkColumnViewColumn *
add_column (YqOrgView  *self,
            const char *title,
            GCallback   setup,
            GCallback   bind,
            gpointer    data,
            gboolean    expand)
{
  return yq_sync_ui_append_column (self->column_view, title, setup, bind, data, -1, expand);
}

static void
build_columns (YqOrgView *self)
{
  GtkColumnViewColumn *column;

  column = add_column (self, _("Name"), G_CALLBACK (setup_name_cb), G_CALLBACK (bind_name_cb),
                       NULL, FALSE);
  gtk_column_view_column_set_fixed_width (column, 280);
  column = add_column (self, _("Change"), G_CALLBACK (setup_badge_cb), G_CALLBACK (bind_badge_cb),
                       NULL, FALSE);
  gtk_column_view_column_set_fixed_width (column, 110);
  self->source_column = add_column (self, _("Platform"), G_CALLBACK (setup_path_cb),
                                    G_CALLBACK (bind_path_cb), GINT_TO_POINTER (TRUE), TRUE);
  self->target_column = add_column (self, _("OA Directory"), G_CALLBACK (setup_path_cb),
                                    G_CALLBACK (bind_path_cb), GINT_TO_POINTER (FALSE), TRUE);
  add_column (self, _("People"), G_CALLBACK (setup_number_cb), G_CALLBACK (bind_people_cb),
              NULL, FALSE);
}

/* The column view sees a bulk change of the tree only as a whole; the
 * selection follows the node selected before, which this returns. */
static guint
detach_tree (YqOrgView *self)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(YqOrgNode) item = NULL;

  row = gtk_single_selection_get_selected_item (self->selection);
  if (row != NULL)
    {
      g_object_ref (row);
      item = gtk_tree_list_row_get_item (row);
    }

  yq_org_model_freeze_rows (self->model);

  return item != NULL && yq_org_node_get_comparison (item) == yq_org_model_get_comparison (self->model)
         ? yq_org_node_get_index (item)
         : YQ_COMPARISON_NONE;
}

static void
attach_tree (YqOrgView *self,
             guint      selected)
{
  guint position = G_MAXUINT;

  if (selected != YQ_COMPARISON_NONE)
    position = yq_org_model_reveal (self->model, selected);

  yq_org_model_thaw_rows (self->model);
  gtk_single_selection_set_selected (self->selection,
                                     position != G_MAXUINT ? position : GTK_INVALID_LIST_POSITION);
  update_details (self);
}

/* Expands the top departments, or down to the matches when a filter is
 * on. */
static void
expand_initial (YqOrgView *self)
{
  GtkTreeListModel *tree = yq_org_model_get_tree (self->model);
  guint n_top = g_list_model_get_n_items (gtk_tree_list_model_get_model (tree));

  if (yq_org_model_get_filtered (self->model))
    {
      yq_org_model_expand_visible (self->model, FILTER_EXPAND_ROWS);
      return;
    }

  /* Backwards, so that expanding does not move the rows still to do. */
  for (guint i = n_top; i > 0; i--)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_child_row (tree, i - 1);

      if (row != NULL)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

/* Call between detach_tree() and attach_tree(). */
static void
filters_changed (YqOrgView *self)
{
  YqComparison *comparison = yq_org_model_get_comparison (self->model);

  expand_initial (self);
  gtk_stack_set_visible_child_name (self->tree_stack,
                                    comparison == NULL ||
                                    yq_org_model_get_n_matches (self->model) > 0
                                    ? "tree" : "no-results");
}

static void
model_items_changed_cb (YqOrgView *self)
{
  update_details (self);
}

static void
search_changed_cb (YqOrgView      *self,
                   GtkSearchEntry *entry)
{
  guint selected = detach_tree (self);

  yq_org_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (entry)));
  filters_changed (self);
  attach_tree (self, selected);
}

static void
only_changes_toggled_cb (YqOrgView       *self,
                         GtkToggleButton *button)
{
  guint selected = detach_tree (self);

  yq_org_model_set_only_changes (self->model, gtk_toggle_button_get_active (button));
  filters_changed (self);
  attach_tree (self, selected);
}

/* The details pane */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

/* The comparison stores status values as "true" / "false". */
static const char *
field_value (const char *field,
             const char *value)
{
  if (g_strcmp0 (field, "active") == 0 && value != NULL)
    {
      if (g_str_equal (value, "true"))
        return C_("status of a department or person", "Enabled");
      if (g_str_equal (value, "false"))
        return C_("status of a department or person", "Disabled");
    }

  return value;
}

static GtkWidget *
value_label_new (const char *text,
                 const char *css_class)
{
  GtkWidget *label = gtk_label_new (text != NULL && *text ? text : "—");

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
update_details (YqOrgView *self)
{
  g_autoptr(GtkTreeListRow) row = NULL;
  g_autoptr(YqOrgNode) item = NULL;
  const YqComparisonNode *node;
  YqComparison *comparison;
  const YqComparisonField *fields;
  guint n_fields = 0;
  g_autofree char *source_path = NULL;
  g_autofree char *target_path = NULL;
  g_autofree char *paths = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *kind = NULL;

  row = gtk_single_selection_get_selected_item (self->selection);
  if (row != NULL)
    {
      g_object_ref (row);
      item = gtk_tree_list_row_get_item (row);
    }

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }

  comparison = yq_org_node_get_comparison (item);
  node = yq_org_node_get_node (item);

  gtk_label_set_text (self->details_title, node->name);
  gtk_label_set_text (self->details_status, status_label (node->status));
  set_status_class (GTK_WIDGET (self->details_status), node->status);
  kind = g_strdup_printf ("%s · %s",
                          node->is_person ? _("Person") : _("Department"),
                          node->linked ? _("linked") : _("not linked"));
  gtk_label_set_text (self->details_kind, kind);

  source_path = yq_comparison_get_path (comparison, yq_org_node_get_index (item), TRUE);
  target_path = yq_comparison_get_path (comparison, yq_org_node_get_index (item), FALSE);
  paths = g_strdup_printf ("%s: %s\n%s: %s",
                           side_title (yq_comparison_get_source_side (comparison)),
                           *source_path ? source_path : "—",
                           side_title (yq_comparison_get_target_side (comparison)),
                           *target_path ? target_path : "—");
  gtk_label_set_text (self->details_paths, paths);

  clear_grid (self->details_fields);
  fields = yq_comparison_get_fields (comparison, yq_org_node_get_index (item), &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      GtkWidget *name = value_label_new (field_label (fields[i].field), "dim-label");
      GtkWidget *arrow = gtk_label_new ("→");

      gtk_widget_add_css_class (arrow, "dim-label");
      gtk_grid_attach (self->details_fields, name, 0, i, 1, 1);
      gtk_grid_attach (self->details_fields,
                       value_label_new (field_value (fields[i].field, fields[i].old_value),
                                        "yq-old-value"), 1, i, 1, 1);
      gtk_grid_attach (self->details_fields, arrow, 2, i, 1, 1);
      gtk_grid_attach (self->details_fields,
                       value_label_new (field_value (fields[i].field, fields[i].new_value), NULL),
                       3, i, 1, 1);
    }
  if (n_fields == 0)
    {
      const char *text;

      if (node->status == YQ_COMPARISON_NEW)
        text = _("Created with the values of the leading side.");
      else if (node->status == YQ_COMPARISON_REMOVED)
        text = _("Removed; no field is kept.");
      else
        text = _("No field changes.");
      gtk_grid_attach (self->details_fields, value_label_new (text, "dim-label"), 0, 0, 4, 1);
    }

  if (node->is_person)
    {
      g_autoptr(GString) ids = g_string_new (NULL);

      if (node->account != NULL)
        g_string_append_printf (ids, "\n%s: %s", _("Account"), node->account);
      if (node->job_number != NULL)
        g_string_append_printf (ids, "\n%s: %s", _("Job number"), node->job_number);
      if (node->mobile != NULL)
        g_string_append_printf (ids, "\n%s: %s", _("Mobile"), node->mobile);
      if (ids->len > 0)
        {
          g_autofree char *all = g_strconcat (paths, ids->str, NULL);

          gtk_label_set_text (self->details_paths, all);
        }
    }

  reason = reason_text (node);
  gtk_label_set_text (self->details_reason, *reason ? reason : _("Nothing to explain."));
  gtk_stack_set_visible_child_name (self->details_stack, "node");
}

static void
selected_cb (YqOrgView  *self,
             GParamSpec *pspec,
             GtkSingleSelection *selection)
{
  update_details (self);
}

/* Showing a comparison */

static void
show_comparison (YqOrgView    *self,
                 YqComparison *comparison)
{
  YqComparison *current = yq_org_model_get_comparison (self->model);

  if (comparison == current && comparison != NULL)
    return;

  self->confirmed = FALSE;
  detach_tree (self);
  yq_org_model_set_comparison (self->model, comparison);
  filters_changed (self);
  attach_tree (self, YQ_COMPARISON_NONE);

  if (comparison != NULL)
    {
      gtk_column_view_column_set_title (self->source_column,
                                        side_title (yq_comparison_get_source_side (comparison)));
      gtk_column_view_column_set_title (self->target_column,
                                        side_title (yq_comparison_get_target_side (comparison)));
      gtk_stack_set_visible_child_name (self->content_stack, "comparison");
    }
  else if (!job_is_active (self))
    gtk_stack_set_visible_child_name (self->content_stack, "empty");

  update_summary (self);
  update_banner (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARISON]);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  YqComparison *comparison;

  comparison = yq_comparison_load (task_data, &error);
  if (comparison == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, comparison, g_object_unref);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  g_autoptr(YqComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  YqOrgView *self = g_task_get_source_object (outer);

  comparison = g_task_propagate_pointer (G_TASK (result), &error);
  if (comparison == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->content_stack, "error");
        }
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  show_comparison (self, comparison);
  g_task_return_boolean (outer, TRUE);
}

static void
spinner_follow (YqOrgView *self)
{
  gboolean loading = g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack),
                                "loading") == 0;

  gtk_spinner_set_spinning (self->spinner, loading);
}

/* Jobs */

static void
stop_pulse (YqOrgView *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static gboolean
pulse_cb (gpointer user_data)
{
  YqOrgView *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);

  return G_SOURCE_CONTINUE;
}

static char *
job_comparison_path (YqDBusJob *job)
{
  return g_strdup (yq_dbus_job_get_comparison (job));
}

static void
show_run (YqOrgView *self,
          gint64     run_id)
{
  GtkWindow *parent = get_parent_window (self);

  if (YQ_IS_WINDOW (parent))
    yq_window_show_run (YQ_WINDOW (parent), run_id);
  else if (self->store != NULL)
    gtk_window_present (GTK_WINDOW (yq_run_dialog_new (parent, self->store, run_id)));
}

static void
job_finished (YqOrgView *self)
{
  YqDBusJob *job = self->job;
  const char *state = yq_dbus_job_get_state (job);
  const char *error = yq_dbus_job_get_error (job);
  g_autofree char *path = job_comparison_path (job);
  gint64 run_id = yq_dbus_job_get_run_id (job);
  gboolean dry_run = self->job_dry_run;

  stop_pulse (self);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  /* The admin chose another connector or direction meanwhile. */
  if (yq_dbus_job_get_connector (job) != yq_org_view_get_connector_id (self) ||
      g_strcmp0 (yq_dbus_job_get_direction (job), yq_org_view_get_direction (self)) != 0)
    g_clear_pointer (&path, g_free);

  /* An apply's comparison is the plan it has just carried out: out of
   * date unless the apply stopped before changing anything. */
  if (!dry_run && !g_str_equal (state, "blocked"))
    g_clear_pointer (&path, g_free);

  if (path != NULL && *path != '\0')
    {
      yq_org_view_load_comparison_async (self, path, NULL, NULL, NULL);
    }
  else if (g_str_equal (state, "cancelled"))
    {
      gtk_stack_set_visible_child_name (self->content_stack, "empty");
      add_toast (self, dry_run ? _("Preview cancelled") : _("Sync cancelled"));
    }
  else if (g_str_equal (state, "failed"))
    {
      adw_status_page_set_title (self->error_page,
                                 dry_run ? _("The Preview Failed") : _("The Sync Failed"));
      adw_status_page_set_description (self->error_page,
                                       error && *error ? error : _("The service gave no reason."));
      gtk_stack_set_visible_child_name (self->content_stack, "error");
    }
  else if (!dry_run)
    {
      /* The applied preview is out of date now. */
      show_comparison (self, NULL);
    }

  /* Previews are in the history too (when they got as far as a plan). */
  if (self->history_view != NULL && (!dry_run || run_id > 0))
    yq_history_view_reload (self->history_view);

  /* Only an apply opens its report: a preview's result is the comparison
   * above. */
  if (!dry_run)
    {
      self->confirmed = FALSE;
      if (run_id > 0 && !g_str_equal (state, "blocked"))
        show_run (self, run_id);
      else if (g_str_equal (state, "blocked"))
        add_toast (self, _("The sync stopped before changing anything; see why above"));
    }

  spinner_follow (self);
  update_actions (self);
}

static void
job_changed_cb (YqOrgView *self)
{
  YqDBusJob *job = self->job;
  g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (job));
  const char *state = yq_dbus_job_get_state (job);
  const char *step = yq_dbus_job_get_step (job);
  double fraction = yq_dbus_job_get_fraction (job);

  /* Going away, the service takes the job's properties with it. */
  if (owner == NULL || state == NULL)
    {
      service_gone (self);
      return;
    }

  if (!yq_sync_ui_job_state_is_active (state))
    {
      job_finished (self);
      return;
    }

  gtk_label_set_text (self->step_label,
                      step != NULL && *step
                      ? step
                      : yq_sync_ui_job_state_label (state, yq_dbus_job_get_needs_confirmation (job)));
  if (fraction > 0.0)
    {
      stop_pulse (self);
      gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
    }
  else if (self->pulse_id == 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      self->pulse_id = g_timeout_add (PULSE_INTERVAL_MSEC, pulse_cb, self);
    }
  update_actions (self);
}

/* The job went with the service; no final state will come. */
static void
service_gone (YqOrgView *self)
{
  if (self->job == NULL)
    return;

  forget_job (self);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  adw_status_page_set_title (self->error_page, _("The Companion Service Stopped"));
  adw_status_page_set_description (self->error_page,
                                   _("The service ended while the job ran. See the history for "
                                     "what it did, then run it again."));
  gtk_stack_set_visible_child_name (self->content_stack, "error");
  spinner_follow (self);
  update_actions (self);
}

static void
job_owner_cb (YqOrgView  *self,
              GParamSpec *pspec,
              GDBusProxy *proxy)
{
  g_autofree char *owner = g_dbus_proxy_get_name_owner (proxy);

  if (owner == NULL)
    service_gone (self);
}

static void
forget_job (YqOrgView *self)
{
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  stop_pulse (self);
}

/* GTK 4.8 has no gtk_column_view_scroll_to(); the list inside the column
 * view has the action. */
static void
scroll_to_row (YqOrgView *self,
               guint      position)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);
        return;
      }
}

static void
follow_job (YqOrgView *self,
            YqDBusJob *job)
{
  forget_job (self);
  self->job = g_object_ref (job);
  g_signal_connect_object (self->job, "g-properties-changed",
                           G_CALLBACK (job_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::g-name-owner",
                           G_CALLBACK (job_owner_cb), self, G_CONNECT_SWAPPED);
  job_changed_cb (self);
}

/* Follows a job of the connector and direction shown that was started
 * elsewhere, so that its progress and its comparison show here too. */
static void
adopt_job (YqOrgView *self)
{
  gint64 connector_id = yq_org_view_get_connector_id (self);
  const char *direction = yq_org_view_get_direction (self);
  guint n;

  if (self->watcher == NULL || job_is_active (self) || self->starting ||
      connector_id == 0 || direction == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->watcher));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(YqDBusJob) job = g_list_model_get_item (G_LIST_MODEL (self->watcher), i);
      const char *state = yq_dbus_job_get_state (job);

      if (yq_dbus_job_get_connector (job) != connector_id ||
          g_strcmp0 (yq_dbus_job_get_direction (job), direction) != 0 ||
          state == NULL || !yq_sync_ui_job_state_is_active (state))
        continue;

      g_debug ("Following job %s started elsewhere",
               g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
      self->job_dry_run = g_strcmp0 (yq_dbus_job_get_kind (job), "sync-preview") == 0;
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
      if (self->job_dry_run)
        {
          g_cancellable_cancel (self->load_cancellable);
          show_comparison (self, NULL);
          gtk_stack_set_visible_child_name (self->content_stack, "loading");
        }
      follow_job (self, job);
      spinner_follow (self);
      return;
    }
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GWeakRef, weak_ref_free)

static void
job_proxy_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GWeakRef) ref = user_data;
  g_autoptr(YqOrgView) self = g_weak_ref_get (ref);
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;

  job = yq_dbus_job_proxy_new_for_bus_finish (result, &error);
  if (self == NULL)
    return;

  self->starting = FALSE;
  if (job == NULL)
    {
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message_dialog (self, _("Cannot Follow the Sync"), error->message);
      update_actions (self);
      return;
    }

  follow_job (self, job);
}

typedef struct
{
  GWeakRef  view;
  gboolean  dry_run;
} StartRequest;

static void
start_request_free (StartRequest *request)
{
  g_weak_ref_clear (&request->view);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StartRequest, start_request_free)

static void
start_sync_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(StartRequest) request = user_data;
  g_autoptr(YqOrgView) self = g_weak_ref_get (&request->view);
  g_autofree char *job_path = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  GWeakRef *ref;

  job_path = yq_service_start_sync_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (job_path == NULL)
    {
      self->starting = FALSE;
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      if (yq_org_model_get_comparison (self->model) == NULL)
        gtk_stack_set_visible_child_name (self->content_stack, "empty");
      spinner_follow (self);
      message = yq_service_error_get_message (error);
      if (yq_service_error_is_busy (error))
        add_toast (self, message);
      else
        show_message_dialog (self, _("Cannot Start the Sync"), message);
      update_actions (self);
      return;
    }

  g_debug ("Following job %s", job_path);
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  yq_dbus_job_proxy_new_for_bus (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                 SERVICE_BUS_NAME, job_path,
                                 self->cancellable, job_proxy_cb, ref);
}

static void
start_sync (YqOrgView *self,
            gboolean   dry_run,
            gboolean   confirm)
{
  YqConnector *connector = selected_connector (self);
  const char *direction = yq_org_view_get_direction (self);
  StartRequest *request;

  if (connector == NULL || direction == NULL)
    return;

  forget_job (self);
  self->starting = TRUE;
  self->job_dry_run = dry_run;
  gtk_label_set_text (self->step_label, dry_run ? _("Starting the preview…") : _("Starting the sync…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  if (dry_run)
    {
      g_cancellable_cancel (self->load_cancellable);
      show_comparison (self, NULL);
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      spinner_follow (self);
    }

  request = g_new0 (StartRequest, 1);
  g_weak_ref_init (&request->view, self);
  request->dry_run = dry_run;
  yq_service_start_sync_async (yq_connector_get_id (connector), direction, dry_run, confirm,
                               self->cancellable, start_sync_cb, request);
  update_actions (self);
}

/* Actions */

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  start_sync (YQ_ORG_VIEW (widget), TRUE, FALSE);
}

static void
cancel_job_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!yq_dbus_job_call_cancel_finish (YQ_DBUS_JOB (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Cannot cancel the job: %s", error->message);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  YqOrgView *self = YQ_ORG_VIEW (widget);

  if (self->job != NULL)
    yq_dbus_job_call_cancel (self->job, self->cancellable, cancel_job_cb, NULL);
}

static void
apply_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   GWeakRef         *ref)
{
  g_autoptr(YqOrgView) self = g_weak_ref_get (ref);

  if (self == NULL)
    return;

  if (g_strcmp0 (response, "apply") != 0)
    {
      /* A confirmation counts only for the sync it was given for. */
      self->confirmed = FALSE;
      update_actions (self);
      return;
    }

  start_sync (self, FALSE, self->confirmed);
}

static void
weak_ref_closure_free (gpointer  data,
                       GClosure *closure)
{
  weak_ref_free (data);
}

static void
ask_apply (YqOrgView *self)
{
  YqComparison *comparison = yq_org_model_get_comparison (self->model);
  YqConnector *connector = selected_connector (self);
  const YqPlanCounts *counts;
  GtkWidget *dialog;
  g_autofree char *body = NULL;
  gboolean writes_outside;
  guint creates, updates, removals;
  GWeakRef *ref;

  if (comparison == NULL || connector == NULL)
    return;

  counts = yq_comparison_get_plan_counts (comparison);
  creates = count_ops (counts, YQ_PLAN_OP_CREATE_DEPARTMENT, YQ_PLAN_OP_CREATE_PERSON);
  updates = count_ops (counts, YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_OP_UPDATE_PERSON) +
            count_ops (counts, YQ_PLAN_OP_LINK_DEPARTMENT, YQ_PLAN_OP_LINK_PERSON);
  removals = count_ops (counts, YQ_PLAN_OP_DELETE_DEPARTMENT, YQ_PLAN_OP_REMOVE_PERSON);
  writes_outside = g_strcmp0 (yq_org_view_get_direction (self), "from-platform") != 0;

  body = g_strdup_printf (/* Translators: %s is a connector name, then a direction; the
                           * numbers count departments and people together. */
                          _("“%s”, %s: %u to create, %u to update or link, %u to remove. "
                            "Every change is recorded in the history."),
                          yq_connector_get_name (connector),
                          yq_sync_ui_direction_label (yq_org_view_get_direction (self)),
                          creates, updates, removals);

  dialog = adw_message_dialog_new (get_parent_window (self), _("Apply These Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              writes_outside && removals > 0
                                              ? ADW_RESPONSE_DESTRUCTIVE
                                              : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, self);
  g_signal_connect_data (dialog, "response", G_CALLBACK (apply_response_cb),
                         ref, weak_ref_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  ask_apply (YQ_ORG_VIEW (widget));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  YqOrgView *self = YQ_ORG_VIEW (widget);

  self->confirmed = TRUE;
  update_actions (self);
  ask_apply (self);
}

static void
expand_changes_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  YqOrgView *self = YQ_ORG_VIEW (widget);
  guint selected = detach_tree (self);

  yq_org_model_expand_changes (self->model);
  attach_tree (self, selected);
}

static void
profile_saved_cb (YqOrgView *self)
{
  add_toast (self, _("Profile saved. Run the preview again to see its effect."));
}

static void
edit_profile_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  YqOrgView *self = YQ_ORG_VIEW (widget);
  YqConnector *connector = selected_connector (self);
  YqSyncDirection direction;
  YqProfileEditor *editor;

  if (connector == NULL || self->store == NULL ||
      !yq_sync_direction_from_string (yq_org_view_get_direction (self), &direction))
    return;

  editor = yq_profile_editor_new (get_parent_window (self), self->store,
                                  yq_connector_get_id (connector), direction);
  g_signal_connect_object (editor, "saved", G_CALLBACK (profile_saved_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
}

/* GObject */

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (YQ_ORG_VIEW (widget)->search_entry));
}

static void
map_cb (YqOrgView *self)
{
  /* Connectors may have been added or edited in their own view. */
  yq_org_view_reload (self);
}

static void
yq_org_view_dispose (GObject *object)
{
  YqOrgView *self = YQ_ORG_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  forget_job (self);
  if (self->watcher != NULL)
    g_signal_handlers_disconnect_by_data (self->watcher, self);
  g_clear_object (&self->watcher);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_ORG_VIEW);
  /* The switcher bar has no name to be disposed with the template. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->connectors);
  g_clear_object (&self->direction_labels);

  G_OBJECT_CLASS (yq_org_view_parent_class)->dispose (object);
}

static void
yq_org_view_finalize (GObject *object)
{
  YqOrgView *self = YQ_ORG_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->directions, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_org_view_parent_class)->finalize (object);
}

static void
yq_org_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  YqOrgView *self = YQ_ORG_VIEW (object);

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

    case PROP_COMPARISON:
      g_value_set_object (value, yq_org_view_get_comparison (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_org_view_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  YqOrgView *self = YQ_ORG_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_org_view_set_store (self, g_value_get_object (value));
      break;

    case PROP_SECRETS:
      yq_org_view_set_secrets (self, g_value_get_object (value));
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
yq_org_view_class_init (YqOrgViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_org_view_dispose;
  object_class->finalize = yq_org_view_finalize;
  object_class->get_property = yq_org_view_get_property;
  object_class->set_property = yq_org_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SECRETS] =
    g_param_spec_object ("secrets", NULL, NULL,
                         YQ_TYPE_SECRETS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * YqOrgView:folded:
   *
   * Whether the window shows one pane at a time, so that the header needs
   * a back button.
   */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * YqOrgView:comparison:
   *
   * The comparison shown, %NULL before a preview.
   */
  properties[PROP_COMPARISON] =
    g_param_spec_object ("comparison", NULL, NULL,
                         YQ_TYPE_COMPARISON,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (YQ_TYPE_HISTORY_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/yq-org-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, legend_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, main_stack);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, connector_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, profile_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, preview_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, apply_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, step_label);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, banner_label);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, banner_profile_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, error_page);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, spinner);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, summary_box);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, only_changes_button);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, tree_stack);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, column_view);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_stack);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_title);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_status);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_kind);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_paths);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_changes_heading);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_fields);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, details_reason);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, legend_box);
  gtk_widget_class_bind_template_child (widget_class, YqOrgView, history_view);

  gtk_widget_class_install_action (widget_class, "org.preview", NULL, preview_action);
  gtk_widget_class_install_action (widget_class, "org.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "org.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "org.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "org.expand-changes", NULL,
                                   expand_changes_action);
  gtk_widget_class_install_action (widget_class, "org.edit-profile", NULL, edit_profile_action);

  gtk_widget_class_install_action (widget_class, "org.focus-search", NULL, focus_search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "org.focus-search", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_org_view_init (YqOrgView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->directions = g_ptr_array_new_with_free_func (g_free);

  self->connectors = g_list_store_new (YQ_TYPE_CONNECTOR);
  gtk_drop_down_set_expression (self->connector_dropdown,
                                gtk_property_expression_new (YQ_TYPE_CONNECTOR, NULL, "name"));
  gtk_drop_down_set_model (self->connector_dropdown, G_LIST_MODEL (self->connectors));
  self->direction_labels = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->direction_dropdown, G_LIST_MODEL (self->direction_labels));
  g_signal_connect_object (self->connector_dropdown, "notify::selected",
                           G_CALLBACK (connector_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->direction_dropdown, "notify::selected",
                           G_CALLBACK (direction_selected_cb), self, G_CONNECT_SWAPPED);

  self->watcher = yq_job_watcher_new ();
  g_signal_connect_object (self->watcher, "items-changed",
                           G_CALLBACK (adopt_job), self, G_CONNECT_SWAPPED);

  self->model = yq_org_model_new ();
  self->selection = gtk_single_selection_new (
    g_object_ref (yq_org_model_get_rows (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (model_items_changed_cb), self, G_CONNECT_SWAPPED);

  build_columns (self);
  build_summary_bar (self);
  build_legend (self);

  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->only_changes_button, "toggled",
                           G_CALLBACK (only_changes_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);

  gtk_stack_set_visible_child_name (self->main_stack, "no-connectors");
  gtk_stack_set_visible_child_name (self->content_stack, "empty");
  update_summary (self);
  update_actions (self);
}

YqStore *
yq_org_view_get_store (YqOrgView *self)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  return self->store;
}

void
yq_org_view_set_store (YqOrgView *self,
                       YqStore   *store)
{
  g_return_if_fail (YQ_IS_ORG_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      if (self->history_view != NULL)
        yq_history_view_set_store (self->history_view, store);
      yq_org_view_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

YqSecrets *
yq_org_view_get_secrets (YqOrgView *self)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  return self->secrets;
}

void
yq_org_view_set_secrets (YqOrgView *self,
                         YqSecrets *secrets)
{
  g_return_if_fail (YQ_IS_ORG_VIEW (self));
  g_return_if_fail (!secrets || YQ_IS_SECRETS (secrets));

  if (g_set_object (&self->secrets, secrets))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRETS]);
}

/**
 * yq_org_view_reload:
 * @self: a #YqOrgView
 *
 * Reads the connectors from the store again, keeping the one chosen.
 */
void
yq_org_view_reload (YqOrgView *self)
{
  gint64 keep;
  guint n_connectors;

  g_return_if_fail (YQ_IS_ORG_VIEW (self));

  keep = yq_org_view_get_connector_id (self);
  n_connectors = yq_sync_ui_reload_connectors (self->store, self->connectors,
                                               self->connector_dropdown, keep, self);
  gtk_stack_set_visible_child_name (self->main_stack,
                                    n_connectors > 0 ? "sync" : "no-connectors");

  if (yq_org_view_get_connector_id (self) != keep || self->directions->len == 0)
    {
      rebuild_directions (self);
      selection_changed (self);
    }
  else
    {
      /* The connector's kind or write access may have changed. */
      rebuild_directions (self);
      update_actions (self);
    }
}

gint64
yq_org_view_get_connector_id (YqOrgView *self)
{
  YqConnector *connector;

  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), 0);

  connector = selected_connector (self);

  return connector != NULL ? yq_connector_get_id (connector) : 0;
}

const char *
yq_org_view_get_direction (YqOrgView *self)
{
  guint selected;

  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  selected = gtk_drop_down_get_selected (self->direction_dropdown);
  if (selected >= self->directions->len)
    return NULL;

  return g_ptr_array_index (self->directions, selected);
}

/**
 * yq_org_view_select:
 * @self: a #YqOrgView
 * @connector_id: a connector in the store
 * @direction: "from-platform", "to-oa" or "to-platform"
 *
 * Chooses the connector and the direction.
 *
 * Returns: whether the connector exists and allows the direction
 */
gboolean
yq_org_view_select (YqOrgView  *self,
                    gint64      connector_id,
                    const char *direction)
{
  guint n;

  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), FALSE);
  g_return_val_if_fail (direction != NULL, FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connectors));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(YqConnector) connector = g_list_model_get_item (G_LIST_MODEL (self->connectors), i);

      if (yq_connector_get_id (connector) != connector_id)
        continue;

      gtk_drop_down_set_selected (self->connector_dropdown, i);
      for (guint j = 0; j < self->directions->len; j++)
        if (g_str_equal (g_ptr_array_index (self->directions, j), direction))
          {
            gtk_drop_down_set_selected (self->direction_dropdown, j);
            return TRUE;
          }
      return FALSE;
    }

  return FALSE;
}

/**
 * yq_org_view_load_comparison_async:
 * @self: a #YqOrgView
 * @path: a file written by yq_comparison_save()
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called when the comparison shows, or failed to
 * @user_data: data for @callback
 *
 * Reads the comparison in a thread and shows it. A newer load cancels
 * this one; a failure shows in the view as well.
 */
void
yq_org_view_load_comparison_async (YqOrgView           *self,
                                   const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (YQ_IS_ORG_VIEW (self));
  g_return_if_fail (path != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, yq_org_view_load_comparison_async);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (self->load_cancellable), g_object_unref);

  gtk_stack_set_visible_child_name (self->content_stack, "loading");
  spinner_follow (self);

  inner = g_task_new (NULL, self->load_cancellable, load_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, yq_org_view_load_comparison_async);
  g_task_set_task_data (inner, g_strdup (path), g_free);
  g_task_set_return_on_cancel (inner, TRUE);
  g_task_run_in_thread (inner, load_thread);
}

gboolean
yq_org_view_load_comparison_finish (YqOrgView     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        yq_org_view_load_comparison_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * yq_org_view_set_comparison:
 * @self: a #YqOrgView
 * @comparison: (nullable): the comparison to show
 *
 * Shows @comparison, or the empty state.
 */
void
yq_org_view_set_comparison (YqOrgView    *self,
                            YqComparison *comparison)
{
  g_return_if_fail (YQ_IS_ORG_VIEW (self));
  g_return_if_fail (!comparison || YQ_IS_COMPARISON (comparison));

  show_comparison (self, comparison);
  spinner_follow (self);
}

YqComparison *
yq_org_view_get_comparison (YqOrgView *self)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  return yq_org_model_get_comparison (self->model);
}

YqOrgModel *
yq_org_view_get_model (YqOrgView *self)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  return self->model;
}

GtkSingleSelection *
yq_org_view_get_selection (YqOrgView *self)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  return self->selection;
}

GtkToggleButton *
yq_org_view_get_status_button (YqOrgView          *self,
                               YqComparisonStatus  status)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);
  g_return_val_if_fail (status < YQ_N_COMPARISON_STATUSES, NULL);

  return self->status_buttons[status];
}

gboolean
yq_org_view_select_node (YqOrgView *self,
                         guint      index)
{
  guint position;

  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), FALSE);

  position = yq_org_model_reveal (self->model, index);
  if (position == G_MAXUINT)
    return FALSE;

  gtk_single_selection_set_selected (self->selection, position);
  scroll_to_row (self, position);

  return TRUE;
}

const char *
yq_org_view_get_job_path (YqOrgView *self)
{
  g_return_val_if_fail (YQ_IS_ORG_VIEW (self), NULL);

  return self->job != NULL ? g_dbus_proxy_get_object_path (G_DBUS_PROXY (self->job)) : NULL;
}
