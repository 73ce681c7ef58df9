/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-bindings-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "yq-binding-rule-editor.h"
#include "yq-bindings-file.h"
#include "yq-bindings-model.h"
#include "yq-bindings-view.h"
#include "yq-department-picker.h"
#include "yq-sync-ui.h"

/* OA people listed at most for a search in the person card. */
#define OA_MATCHES_MAX 20

struct _YqBindingsView
{
  GtkWidget            parent_instance;

  /* Template widgets */
  AdwHeaderBar        *header_bar;
  AdwToastOverlay     *toast_overlay;
  GtkStack            *main_stack;
  GtkDropDown         *connector_dropdown;
  GtkToggleButton     *all_button;
  GtkToggleButton     *bound_button;
  GtkToggleButton     *unbound_button;
  GtkToggleButton     *disabled_button;
  GtkLabel            *count_label;
  GtkSearchEntry      *search_entry;
  GtkStack            *list_stack;
  GtkColumnView       *column_view;
  GtkSpinner          *spinner;
  AdwStatusPage       *empty_page;
  GtkStack            *card_stack;
  GtkLabel            *card_name;
  GtkGrid             *card_fields;
  GtkLabel            *card_binding;
  GtkButton           *unbind_button;
  GtkSearchEntry      *oa_search_entry;
  GtkLabel            *oa_hint;
  GtkListBox          *oa_list;

  YqStore             *store;
  gboolean             folded;
  GCancellable        *cancellable;
  GCancellable        *load_cancellable;

  GListStore          *connectors;
  YqBindingList       *people;
  GtkSingleSelection  *selection;
  YqBindingsViewFilter filter;
  char                *search;
  /* The person whose card shows, kept across reloads. */
  char                *selected_id;
  /* OA account → "name (platform ID)" of the connector's bound people. */
  GHashTable          *holders;
  /* The OA directory, read when the card first searches it. */
  YqOrgSnapshot       *oa_snapshot;

  gboolean             loading;
  gboolean             busy;
  gboolean             updating_filters;
};

enum {
  PROP_0,
  PROP_STORE,
  PROP_FOLDED,
  PROP_LOADING,
  PROP_BUSY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqBindingsView, yq_bindings_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void load_people    (YqBindingsView *self);
static void update_card    (YqBindingsView *self);
static void update_actions (YqBindingsView *self);

/* ---- Helpers ------------------------------------------------------------ */

static GtkWindow *
get_parent_window (YqBindingsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message_dialog (YqBindingsView *self,
                     const char     *heading,
                     const char     *message)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (get_parent_window (self), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_toast (YqBindingsView *self,
           const char     *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, yq_sync_ui_message_toast_new (message));
}

/* A toast whose "Undo" button undoes change set @change_id. */
static void
add_undo_toast (YqBindingsView *self,
                const char     *message,
                gint64          change_id)
{
  AdwToast *toast = yq_sync_ui_message_toast_new (message);

  if (change_id > 0)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "bindings.undo");
      adw_toast_set_action_target_value (toast, g_variant_new_int64 (change_id));
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static YqConnector *
selected_connector (YqBindingsView *self)
{
  return gtk_drop_down_get_selected_item (self->connector_dropdown);
}

static const char *
bind_source_label (YqBindSource source)
{
  switch (source)
    {
    case YQ_BIND_SOURCE_RULE:
      return C_("bind source", "Binding rule");
    case YQ_BIND_SOURCE_MANUAL:
      return C_("bind source", "By hand");
    case YQ_BIND_SOURCE_IMPORT:
      return C_("bind source", "Import");
    case YQ_BIND_SOURCE_SYNC:
      return C_("bind source", "Sync");
    default:
      return "";
    }
}

static char *
oa_label (const YqBindingRow *row)
{
  if (row->oa_account == NULL)
    return g_strdup (_("Not bound"));
  if (row->oa_name != NULL && *row->oa_name != '\0')
    return g_strdup_printf ("%s (%s)", row->oa_name, row->oa_account);

  return g_strdup (row->oa_account);
}

static void
fill_filter (YqBindingFilter      *filter,
             YqBindingsViewFilter  which,
             const char           *search)
{
  memset (filter, 0, sizeof *filter);
  filter->search = search != NULL && *search != '\0' ? search : NULL;
  switch (which)
    {
    case YQ_BINDINGS_VIEW_BOUND:
      filter->binding = YQ_BINDING_STATUS_BOUND;
      break;
    case YQ_BINDINGS_VIEW_UNBOUND:
      filter->binding = YQ_BINDING_STATUS_UNBOUND;
      break;
    case YQ_BINDINGS_VIEW_DISABLED:
      filter->platform = YQ_PLATFORM_STATUS_DISABLED;
      break;
    case YQ_BINDINGS_VIEW_ALL:
    default:
      break;
    }
}

static void
set_busy (YqBindingsView *self,
          gboolean        busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static const YqBindingRow *
selected_row (YqBindingsView *self)
{
  g_autoptr(YqBindingItem) item = NULL;
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position == GTK_INVALID_LIST_POSITION)
    return NULL;

  item = g_list_model_get_item (G_LIST_MODEL (self->people), position);
  /* The rows array outlives the item: the list holds it until a reload. */
  return item != NULL ? yq_binding_item_get_row (item) : NULL;
}

static void
update_actions (YqBindingsView *self)
{
  gboolean have = self->store != NULL && selected_connector (self) != NULL;
  const YqBindingRow *row = selected_row (self);
  gboolean ready = have && !self->busy;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bindings.auto-bind", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bindings.unbind-all", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bindings.import", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bindings.export", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bindings.undo", have && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bindings.unbind",
                                 ready && row != NULL && row->oa_account != NULL);
}

/* ---- Loading the people ------------------------------------------------- */

typedef struct
{
  YqStore              *store;
  gint64                connector_id;
  YqBindingsViewFilter  filter;
  char                 *search;
  GPtrArray            *rows;
  GHashTable           *holders;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_free (data->search);
  g_clear_pointer (&data->rows, g_ptr_array_unref);
  g_clear_pointer (&data->holders, g_hash_table_unref);
  g_free (data);
}

static gboolean
collect_holder (const YqBindingRow  *row,
                gpointer             user_data,
                GError             **error)
{
  GHashTable *holders = user_data;

  if (row->oa_account != NULL)
    g_hash_table_insert (holders, g_ascii_strdown (row->oa_account, -1),
                         g_strdup_printf ("%s (%s)", row->name, row->platform_id));

  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  YqBindingFilter filter;
  YqBindingFilter bound = { 0 };
  g_autoptr(GError) error = NULL;

  fill_filter (&filter, data->filter, data->search);
  data->rows = yq_bindings_list (data->store, data->connector_id, &filter, &error);
  if (data->rows == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Who holds which OA account, for the conflicts the card shows. */
  data->holders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bound.binding = YQ_BINDING_STATUS_BOUND;
  if (!g_cancellable_is_cancelled (cancellable) &&
      !yq_bindings_foreach (data->store, data->connector_id, &bound, collect_holder,
                            data->holders, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
select_person_id (YqBindingsView *self,
                  const char     *platform_id)
{
  guint position = platform_id != NULL ? yq_binding_list_find (self->people, platform_id)
                                       : G_MAXUINT;

  gtk_single_selection_set_selected (self->selection,
                                     position != G_MAXUINT ? position
                                                           : GTK_INVALID_LIST_POSITION);
}

static void
update_count (YqBindingsView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->people));
  g_autofree char *text = NULL;

  text = g_strdup_printf (ngettext ("%u person", "%u people", n), n);
  gtk_label_set_text (self->count_label, text);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (source);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *keep = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->loading = FALSE;
      gtk_spinner_stop (self->spinner);
      yq_binding_list_set_rows (self->people, NULL);
      adw_status_page_set_title (self->empty_page, _("Cannot Read the People"));
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
      update_count (self);
      update_card (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }

  keep = g_strdup (self->selected_id);
  g_clear_pointer (&self->holders, g_hash_table_unref);
  self->holders = g_steal_pointer (&data->holders);
  yq_binding_list_set_rows (self->people, data->rows);
  select_person_id (self, keep);

  self->loading = FALSE;
  gtk_spinner_stop (self->spinner);
  if (data->rows->len > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
    }
  else
    {
      gboolean filtered = data->filter != YQ_BINDINGS_VIEW_ALL ||
                          (data->search != NULL && *data->search != '\0');

      adw_status_page_set_title (self->empty_page,
                                 filtered ? _("No Matches") : _("No People"));
      adw_status_page_set_description (self->empty_page,
                                       filtered
                                       ? _("Nobody matches the filter and the search.")
                                       : _("The connector’s people show here after its "
                                           "first sync from the platform."));
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }

  update_count (self);
  update_card (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_people (YqBindingsView *self)
{
  g_autoptr(GTask) task = NULL;
  YqConnector *connector = selected_connector (self);
  LoadData *data;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  if (self->store == NULL || connector == NULL)
    {
      yq_binding_list_set_rows (self->people, NULL);
      if (self->loading)
        {
          self->loading = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
        }
      update_count (self);
      update_card (self);
      update_actions (self);
      return;
    }

  self->load_cancellable = g_cancellable_new ();
  data = g_new0 (LoadData, 1);
  data->store = g_object_ref (self->store);
  data->connector_id = yq_connector_get_id (connector);
  data->filter = self->filter;
  data->search = g_strdup (self->search);

  /* Keep the rows shown while a search narrows them; show the spinner
   * only for a first load. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->people)) == 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "loading");
      gtk_spinner_start (self->spinner);
    }

  if (!self->loading)
    {
      self->loading = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }

  task = g_task_new (self, self->load_cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, load_people);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/* ---- Columns ------------------------------------------------------------ */

typedef enum
{
  COLUMN_NAME,
  COLUMN_PLATFORM_ID,
  COLUMN_MOBILE,
  COLUMN_DEPARTMENT,
  COLUMN_PLATFORM_STATUS,
  COLUMN_BINDING,
  COLUMN_SOURCE,
  COLUMN_BOUND_AT,
} Column;

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    set)
{
  if (set)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  YqBindingItem *item = gtk_list_item_get_item (list_item);
  const YqBindingRow *row;
  g_autofree char *owned = NULL;
  const char *text = NULL;

  if (item == NULL)
    return;

  row = yq_binding_item_get_row (item);
  switch (column)
    {
    case COLUMN_NAME:
      text = row->name;
      break;
    case COLUMN_PLATFORM_ID:
      text = row->platform_id;
      break;
    case COLUMN_MOBILE:
      text = row->mobile;
      break;
    case COLUMN_DEPARTMENT:
      text = row->department_name;
      break;
    case COLUMN_PLATFORM_STATUS:
      text = row->active ? C_("platform status", "Active") : C_("platform status", "Disabled");
      set_class (label, "warning", !row->active);
      break;
    case COLUMN_BINDING:
      text = owned = oa_label (row);
      set_class (label, "dim-label", row->oa_account == NULL);
      break;
    case COLUMN_SOURCE:
      text = row->oa_account != NULL ? bind_source_label (row->bind_source) : "";
      break;
    case COLUMN_BOUND_AT:
      if (row->oa_account != NULL && row->bound_at > 0)
        text = owned = yq_sync_ui_format_date_time (row->bound_at);
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (label, text != NULL && *text ? text : NULL);
}

static void
add_column (YqBindingsView *self,
            const char     *title,
            Column          column,
            int             width,
            gboolean        expand)
{
  yq_sync_ui_append_column (self->column_view, title, G_CALLBACK (setup_label_cb),
                            G_CALLBACK (bind_label_cb), GUINT_TO_POINTER (column), width, expand);
}

static void
build_columns (YqBindingsView *self)
{
  add_column (self, C_("name of a person", "Name"), COLUMN_NAME, 90, FALSE);
  add_column (self, _("Platform ID"), COLUMN_PLATFORM_ID, 110, FALSE);
  add_column (self, _("Mobile"), COLUMN_MOBILE, 110, FALSE);
  add_column (self, _("Department"), COLUMN_DEPARTMENT, 100, FALSE);
  add_column (self, _("Platform Status"), COLUMN_PLATFORM_STATUS, 80, FALSE);
  add_column (self, _("OA Account"), COLUMN_BINDING, 150, TRUE);
  add_column (self, _("Bound By"), COLUMN_SOURCE, 80, FALSE);
  add_column (self, _("Bound At"), COLUMN_BOUND_AT, 130, FALSE);
}

/* ---- The person card ---------------------------------------------------- */

static void
add_field (YqBindingsView *self,
           int            *line,
           const char     *title,
           const char     *value)
{
  GtkWidget *key;
  GtkWidget *label;

  if (value == NULL || *value == '\0')
    return;

  key = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_yalign (GTK_LABEL (key), 0);
  gtk_widget_add_css_class (key, "dim-label");
  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_grid_attach (self->card_fields, key, 0, *line, 1, 1);
  gtk_grid_attach (self->card_fields, label, 1, *line, 1, 1);
  (*line)++;
}

static gboolean
contains_folded (const char *haystack,
                 const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  folded = g_utf8_casefold (haystack, -1);

  return strstr (folded, needle) != NULL;
}

static void bind_clicked_cb (GtkButton      *button,
                             YqBindingsView *self);

static GtkWidget *
oa_row_new (YqBindingsView     *self,
            const YqOrgPerson  *person,
            const YqBindingRow *row)
{
  GtkWidget *action_row = adw_action_row_new ();
  GtkWidget *button;
  g_autoptr(GString) subtitle = g_string_new (person->id);
  const char *holder = NULL;
  g_autofree char *key = g_ascii_strdown (person->id, -1);

  if (self->holders != NULL)
    holder = g_hash_table_lookup (self->holders, key);

  if (person->job_number != NULL && *person->job_number != '\0')
    g_string_append_printf (subtitle, " · %s", person->job_number);
  if (person->mobile != NULL && *person->mobile != '\0')
    g_string_append_printf (subtitle, " · %s", person->mobile);
  if (!person->active)
    g_string_append_printf (subtitle, " · %s", C_("OA status", "Disabled"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (action_row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), person->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), subtitle->str);

  if (row->oa_account != NULL && g_ascii_strcasecmp (row->oa_account, person->id) == 0)
    {
      GtkWidget *label = gtk_label_new (_("Bound"));

      gtk_widget_add_css_class (label, "success");
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), label);
      return action_row;
    }

  if (holder != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Bound to %s"), holder);
      GtkWidget *label = gtk_label_new (text);

      /* Binding it is refused; say so before anyone tries. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
      gtk_widget_add_css_class (label, "error");
      gtk_widget_add_css_class (label, "caption");
      adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), label);
    }

  button = gtk_button_new_with_label (row->oa_account != NULL ? _("Rebind") : _("Bind"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, holder == NULL && !self->busy);
  g_object_set_data_full (G_OBJECT (button), "yq-oa-account", g_strdup (person->id), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (bind_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), button);

  return action_row;
}

static void
update_oa_matches (YqBindingsView *self)
{
  const YqBindingRow *row = selected_row (self);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->oa_search_entry));
  g_autofree char *needle = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  guint n_people;
  guint found = 0;
  gboolean more = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->oa_list))) != NULL)
    gtk_list_box_remove (self->oa_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->oa_list), FALSE);

  if (row == NULL || self->store == NULL)
    return;

  if (text == NULL || *g_strstrip (needle = g_utf8_casefold (text, -1)) == '\0')
    {
      gtk_label_set_text (self->oa_hint,
                          _("Search the OA directory by name, account, job number or mobile."));
      return;
    }

  if (self->oa_snapshot == NULL)
    {
      g_autoptr(YqOaDirectory) oa = yq_builtin_oa_directory_new (self->store);

      self->oa_snapshot = yq_oa_directory_snapshot (oa, &error);
      if (self->oa_snapshot == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Cannot read the OA directory: %s"),
                                                      error->message);
          gtk_label_set_text (self->oa_hint, message);
          return;
        }
    }

  n_people = yq_org_snapshot_get_n_people (self->oa_snapshot);
  for (guint i = 0; i < n_people; i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (self->oa_snapshot, i);

      if (!contains_folded (person->name, needle) &&
          !contains_folded (person->id, needle) &&
          !contains_folded (person->job_number, needle) &&
          !contains_folded (person->mobile, needle))
        continue;

      if (found == OA_MATCHES_MAX)
        {
          more = TRUE;
          break;
        }
      gtk_list_box_append (self->oa_list, oa_row_new (self, person, row));
      found++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->oa_list), found > 0);
  if (found == 0)
    gtk_label_set_text (self->oa_hint, _("Nobody in the OA directory matches."));
  else if (more)
    gtk_label_set_text (self->oa_hint, _("Only the first matches show; type more to narrow them."));
  else
    gtk_label_set_text (self->oa_hint, "");
}

static void
update_card (YqBindingsView *self)
{
  const YqBindingRow *row = selected_row (self);
  GtkWidget *child;
  g_autofree char *binding = NULL;
  g_autofree char *added = NULL;
  int line = 0;

  g_free (self->selected_id);
  self->selected_id = row != NULL ? g_strdup (row->platform_id) : NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->card_fields))) != NULL)
    gtk_grid_remove (self->card_fields, child);

  if (row == NULL)
    {
      gtk_stack_set_visible_child_name (self->card_stack, "none");
      update_oa_matches (self);
      update_actions (self);
      return;
    }

  gtk_label_set_text (self->card_name, row->name);
  add_field (self, &line, _("Platform ID"), row->platform_id);
  add_field (self, &line, _("Account"), row->account_code);
  add_field (self, &line, _("Department"), row->department_name);
  add_field (self, &line, _("Job title"), row->title);
  add_field (self, &line, _("Mobile"), row->mobile);
  add_field (self, &line, _("Email"), row->email);
  add_field (self, &line, _("Job number"), row->job_number);
  add_field (self, &line, _("Platform Status"),
             row->active ? C_("platform status", "Active") : C_("platform status", "Disabled"));
  if (row->added_at > 0)
    {
      added = yq_sync_ui_format_date_time (row->added_at);
      add_field (self, &line, _("Added"), added);
    }

  if (row->oa_account != NULL)
    {
      g_autofree char *who = oa_label (row);
      g_autofree char *when = row->bound_at > 0 ? yq_sync_ui_format_date_time (row->bound_at)
                                                : g_strdup ("");

      /* Translators: "张三 (zhangsan)\nBy hand, 2026-01-02 10:00". */
      binding = g_strdup_printf (_("%s\n%s, %s"), who, bind_source_label (row->bind_source), when);
    }
  gtk_label_set_text (self->card_binding, binding != NULL ? binding : _("Not bound"));
  set_class (GTK_WIDGET (self->card_binding), "dim-label", row->oa_account == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->unbind_button), row->oa_account != NULL);

  gtk_stack_set_visible_child_name (self->card_stack, "person");
  update_oa_matches (self);
  update_actions (self);
}

static void
selected_cb (YqBindingsView *self)
{
  update_card (self);
}

/* ---- Writes ------------------------------------------------------------- */

typedef enum
{
  WRITE_AUTO_BIND,
  WRITE_UNBIND_ALL,
  WRITE_UNDO,
} WriteKind;

typedef struct
{
  WriteKind  kind;
  YqStore   *store;
  gint64     connector_id;
  gint64     change_id;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->store);
  g_free (data);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;

  switch (data->kind)
    {
    case WRITE_AUTO_BIND:
      {
        g_autoptr(YqOaDirectory) oa = yq_builtin_oa_directory_new (data->store);

        result = yq_bindings_auto_bind (data->store, data->connector_id, oa, &error);
        break;
      }
    case WRITE_UNBIND_ALL:
      result = yq_bindings_unbind_all (data->store, data->connector_id, &error);
      break;
    case WRITE_UNDO:
      result = yq_bindings_undo (data->store, data->change_id, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&result),
                           (GDestroyNotify) yq_binding_result_free);
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (source);
  WriteData *data = g_task_get_task_data (G_TASK (res));
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  load_people (self);

  if (result == NULL)
    {
      const char *heading = NULL;

      switch (data->kind)
        {
        case WRITE_AUTO_BIND:
          heading = _("Cannot Auto-Bind");
          break;
        case WRITE_UNBIND_ALL:
          heading = _("Cannot Unbind");
          break;
        case WRITE_UNDO:
        default:
          heading = _("Cannot Undo");
          break;
        }
      show_message_dialog (self, heading, error->message);
      return;
    }

  n = result->changes->len;
  switch (data->kind)
    {
    case WRITE_AUTO_BIND:
      message = g_strdup_printf (_("Auto-bind: %u bound, %u ambiguous, "
                                   "%u bound to someone else, %u without a match"),
                                 n, result->n_ambiguous, result->n_conflicting,
                                 result->n_unmatched);
      add_undo_toast (self, message, result->change_id);
      break;
    case WRITE_UNBIND_ALL:
      message = g_strdup_printf (ngettext ("Unbound %u person", "Unbound %u people", n), n);
      add_undo_toast (self, message, result->change_id);
      break;
    case WRITE_UNDO:
      if (result->skipped->len > 0)
        message = g_strdup_printf (_("Undone: %u restored, "
                                     "%u left alone because they changed since"),
                                   n, result->skipped->len);
      else
        message = g_strdup_printf (ngettext ("Undone: %u person restored",
                                             "Undone: %u people restored", n), n);
      add_toast (self, message);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
run_write (YqBindingsView *self,
           WriteKind       kind,
           gint64          change_id)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;

  g_return_if_fail (self->store != NULL);

  data = g_new0 (WriteData, 1);
  data->kind = kind;
  data->store = g_object_ref (self->store);
  data->connector_id = yq_bindings_view_get_connector_id (self);
  data->change_id = change_id;

  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, write_done_cb, NULL);
  g_task_set_source_tag (task, run_write);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

static void
bind_clicked_cb (GtkButton      *button,
                 YqBindingsView *self)
{
  const char *account = g_object_get_data (G_OBJECT (button), "yq-oa-account");
  const YqBindingRow *row = selected_row (self);
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  if (row == NULL || account == NULL || self->busy)
    return;

  name = g_strdup (row->name);
  result = yq_bindings_bind (self->store, yq_bindings_view_get_connector_id (self),
                             row->platform_id, account, &error);
  if (result == NULL)
    {
      show_message_dialog (self, _("Cannot Bind"), error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->oa_search_entry), "");
  /* Translators: "Bound 张三 to zhangsan". */
  message = g_strdup_printf (_("Bound %s to %s"), name, account);
  add_undo_toast (self, message, result->change_id);
  load_people (self);
}

static void
unbind_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);
  const YqBindingRow *row = selected_row (self);
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (row == NULL || row->oa_account == NULL)
    return;

  message = g_strdup_printf (_("Unbound %s from %s"), row->name, row->oa_account);
  result = yq_bindings_unbind (self->store, yq_bindings_view_get_connector_id (self),
                               row->platform_id, &error);
  if (result == NULL)
    {
      show_message_dialog (self, _("Cannot Unbind"), error->message);
      return;
    }

  add_undo_toast (self, message, result->change_id);
  load_people (self);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);

  if (self->store == NULL || self->busy)
    return;

  run_write (self, WRITE_UNDO, g_variant_get_int64 (parameter));
}

/* Auto-bind: the rule editor in a dialog, then a write. */

static void
auto_bind_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       YqBindingsView   *self)
{
  YqBindingRuleEditor *editor;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "bind") != 0)
    return;

  editor = YQ_BINDING_RULE_EDITOR (adw_message_dialog_get_extra_child (dialog));
  if (!yq_binding_rule_editor_save (editor, &error))
    {
      show_message_dialog (self, _("Cannot Save the Binding Rule"), error->message);
      return;
    }

  run_write (self, WRITE_AUTO_BIND, 0);
}

static void
auto_bind_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);
  YqBindingRuleEditor *editor;
  GtkWidget *dialog;

  if (self->store == NULL || selected_connector (self) == NULL)
    return;

  editor = yq_binding_rule_editor_new ();
  yq_binding_rule_editor_load (editor, self->store, yq_bindings_view_get_connector_id (self));

  dialog = adw_message_dialog_new (get_parent_window (self), _("Auto-Bind"),
                                   _("Unbound, active people are bound to the one OA person "
                                     "whose field the rule names is the same. People with "
                                     "several matches, or whose match is bound to someone "
                                     "else, are left alone."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), GTK_WIDGET (editor));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "bind", _("_Bind"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "bind",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "bind");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (auto_bind_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Batch unbind (批量解绑). */

static void
unbind_all_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        YqBindingsView   *self)
{
  if (g_strcmp0 (response, "unbind") == 0)
    run_write (self, WRITE_UNBIND_ALL, 0);
}

static void
unbind_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);
  YqConnector *connector = selected_connector (self);
  YqBindingFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint n = 0;

  if (self->store == NULL || connector == NULL)
    return;

  filter.binding = YQ_BINDING_STATUS_BOUND;
  if (!yq_bindings_count (self->store, yq_connector_get_id (connector), &filter, &n, &error))
    {
      show_message_dialog (self, _("Cannot Count the Bindings"), error->message);
      return;
    }

  if (n == 0)
    {
      g_autofree char *message = g_strdup_printf (_("Nobody of “%s” is bound"),
                                                  yq_connector_get_name (connector));
      add_toast (self, message);
      return;
    }

  heading = g_strdup_printf (_("Unbind Everyone of “%s”?"), yq_connector_get_name (connector));
  body = g_strdup_printf (ngettext ("The binding of %u person of the connector “%s” to their "
                                    "OA account is removed. Until they are bound again, syncs "
                                    "treat them as new people. You can undo this right "
                                    "afterwards.",
                                    "The bindings of %u people of the connector “%s” to their "
                                    "OA accounts are removed. Until they are bound again, syncs "
                                    "treat them as new people. You can undo this right "
                                    "afterwards.",
                                    n),
                          n, yq_connector_get_name (connector));
  dialog = adw_message_dialog_new (get_parent_window (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "unbind", _("_Unbind All"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unbind",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unbind_all_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export: the filters, then a save dialog. */

typedef struct
{
  YqBindingsView *self;
  GtkDropDown    *binding;
  GtkDropDown    *platform;
  GtkDropDown    *added;
  GtkButton      *department_button;
  char           *department_id;
  YqOrgSnapshot  *tree;
} ExportDialog;

static void
export_dialog_free (ExportDialog *data)
{
  g_free (data->department_id);
  g_clear_object (&data->tree);
  g_free (data);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(YqBindingsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = 0;

  if (!yq_bindings_export_file_finish (result, &n, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message_dialog (self, _("Cannot Export the Bindings"), error->message);
      return;
    }

  message = g_strdup_printf (ngettext ("Exported %u person", "Exported %u people", n), n);
  add_toast (self, message);
}

static void
export_file_cb (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  ExportDialog *data = user_data;
  YqBindingsView *self = data->self;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  YqBindingFilter filter = { 0 };

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);

  if (path != NULL && self->store != NULL)
    {
      filter.department_id = data->department_id;
      filter.binding = gtk_drop_down_get_selected (data->binding);
      filter.platform = gtk_drop_down_get_selected (data->platform);
      switch (gtk_drop_down_get_selected (data->added))
        {
        case 1:
          filter.added = YQ_ADDED_STATUS_LAST_SYNC;
          break;
        case 2:
          filter.added = YQ_ADDED_STATUS_SINCE;
          filter.added_since = g_get_real_time () / G_USEC_PER_SEC - 7 * 24 * 3600;
          break;
        case 3:
          filter.added = YQ_ADDED_STATUS_SINCE;
          filter.added_since = g_get_real_time () / G_USEC_PER_SEC - 30 * 24 * 3600;
          break;
        default:
          break;
        }
      yq_bindings_export_file_async (self->store, yq_bindings_view_get_connector_id (self),
                                     &filter, path, self->cancellable,
                                     export_done_cb, g_object_ref (self));
    }

  export_dialog_free (data);
  g_object_unref (chooser);
}

static void
department_picked_cb (YqDepartmentPicker *picker,
                      ExportDialog       *data)
{
  g_auto(GStrv) picked = yq_department_picker_get_selected (picker);
  YqOrgDepartment *department;

  g_clear_pointer (&data->department_id, g_free);
  if (picked != NULL && picked[0] != NULL)
    data->department_id = g_strdup (picked[0]);

  department = data->department_id != NULL
               ? yq_org_snapshot_lookup_department (data->tree, data->department_id)
               : NULL;
  gtk_button_set_label (data->department_button,
                        department != NULL ? department->name : _("All Departments"));
}

static void
department_clicked_cb (GtkButton    *button,
                       ExportDialog *data)
{
  YqBindingsView *self = data->self;
  g_autoptr(GError) error = NULL;
  YqDepartmentPicker *picker;
  const char *selected[2] = { data->department_id, NULL };

  if (data->tree == NULL)
    {
      data->tree = yq_bridge_directory_snapshot (self->store,
                                                 yq_bindings_view_get_connector_id (self),
                                                 &error);
      if (data->tree == NULL)
        {
          show_message_dialog (self, _("Cannot Read the Departments"), error->message);
          return;
        }
    }

  picker = yq_department_picker_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                     data->tree, FALSE);
  gtk_window_set_modal (GTK_WINDOW (picker), TRUE);
  if (data->department_id != NULL)
    yq_department_picker_set_selected (picker, selected);
  g_signal_connect (picker, "picked", G_CALLBACK (department_picked_cb), data);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
export_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    ExportDialog     *data)
{
  YqBindingsView *self = data->self;
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (g_strcmp0 (response, "export") != 0 || selected_connector (self) == NULL)
    {
      export_dialog_free (data);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Export Bindings"), get_parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: the file name an export suggests; %s is the connector. */
  name = g_strdup_printf (_("%s bindings.xlsx"), yq_connector_get_name (selected_connector (self)));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_file_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
labelled_row (GtkWidget  *grid,
              int         line,
              const char *title,
              GtkWidget  *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (title);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (GTK_GRID (grid), label, 0, line, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), widget, 1, line, 1, 1);

  return widget;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);
  const char *binding[] = { C_("bindings filter", "All"), C_("bindings filter", "Bound"),
                            C_("bindings filter", "Unbound"), NULL };
  const char *platform[] = { C_("bindings filter", "All"), C_("platform status", "Active"),
                             C_("platform status", "Disabled"), NULL };
  const char *added[] = { _("Anyone"), _("Added by the last sync"),
                          _("Added in the last 7 days"), _("Added in the last 30 days"), NULL };
  ExportDialog *data;
  GtkWidget *button;
  GtkWidget *grid;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (self->store == NULL || selected_connector (self) == NULL)
    return;

  data = g_new0 (ExportDialog, 1);
  data->self = self;
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  button = gtk_button_new_with_label (_("All Departments"));
  data->department_button = GTK_BUTTON (labelled_row (grid, 0, _("_Departments"), button));
  g_signal_connect (data->department_button, "clicked", G_CALLBACK (department_clicked_cb), data);
  data->binding = GTK_DROP_DOWN (labelled_row (grid, 1, _("_Binding"),
                                               gtk_drop_down_new_from_strings (binding)));
  data->platform = GTK_DROP_DOWN (labelled_row (grid, 2, _("_Platform status"),
                                                gtk_drop_down_new_from_strings (platform)));
  data->added = GTK_DROP_DOWN (labelled_row (grid, 3, _("_Added"),
                                             gtk_drop_down_new_from_strings (added)));

  heading = g_strdup_printf (_("Export the Bindings of “%s”"),
                             yq_connector_get_name (selected_connector (self)));
  dialog = adw_message_dialog_new (get_parent_window (self), heading,
                                   _("An .xlsx spreadsheet of the people these filters give, "
                                     "with their OA accounts. Fill in the OA account column "
                                     "and import it to bind many people at once."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "export", _("_Choose File…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Import. */

static void
import_changed_cb (YqBindingsView *self)
{
  load_people (self);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);

  yq_bindings_view_open_import (self);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- Filters ------------------------------------------------------------ */

static void
filter_toggled_cb (GtkToggleButton *button,
                   YqBindingsView  *self)
{
  YqBindingsViewFilter filter;

  if (!gtk_toggle_button_get_active (button) || self->updating_filters)
    return;

  if (button == self->bound_button)
    filter = YQ_BINDINGS_VIEW_BOUND;
  else if (button == self->unbound_button)
    filter = YQ_BINDINGS_VIEW_UNBOUND;
  else if (button == self->disabled_button)
    filter = YQ_BINDINGS_VIEW_DISABLED;
  else
    filter = YQ_BINDINGS_VIEW_ALL;

  if (filter != self->filter)
    {
      self->filter = filter;
      load_people (self);
    }
}

static void
search_changed_cb (YqBindingsView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (g_strcmp0 (text, self->search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (text);
  load_people (self);
}

static void
connector_selected_cb (YqBindingsView *self)
{
  /* Another connector: another set of people. */
  yq_binding_list_set_rows (self->people, NULL);
  g_clear_pointer (&self->selected_id, g_free);
  g_clear_object (&self->oa_snapshot);
  load_people (self);
}

static void
map_cb (YqBindingsView *self)
{
  /* Connectors may have been added or edited in their own view, and the
   * bindings changed by a sync. */
  g_clear_object (&self->oa_snapshot);
  yq_bindings_view_reload (self);
}

/* ---- GObject ------------------------------------------------------------ */

static void
yq_bindings_view_dispose (GObject *object)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_BINDINGS_VIEW);

  g_clear_object (&self->selection);
  g_clear_object (&self->people);
  g_clear_object (&self->connectors);
  g_clear_object (&self->oa_snapshot);

  G_OBJECT_CLASS (yq_bindings_view_parent_class)->dispose (object);
}

static void
yq_bindings_view_finalize (GObject *object)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->selected_id, g_free);
  g_clear_pointer (&self->holders, g_hash_table_unref);

  G_OBJECT_CLASS (yq_bindings_view_parent_class)->finalize (object);
}

static void
yq_bindings_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FOLDED:
      g_value_set_boolean (value, self->folded);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_bindings_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  YqBindingsView *self = YQ_BINDINGS_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      yq_bindings_view_set_store (self, g_value_get_object (value));
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
yq_bindings_view_class_init (YqBindingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_bindings_view_dispose;
  object_class->finalize = yq_bindings_view_finalize;
  object_class->get_property = yq_bindings_view_get_property;
  object_class->set_property = yq_bindings_view_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * YqBindingsView:folded:
   *
   * Whether the window shows one pane at a time, so that the header needs
   * a back button.
   */
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * YqBindingsView:loading:
   *
   * Whether the people are being read.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * YqBindingsView:busy:
   *
   * Whether an auto-bind, a batch unbind or an undo runs.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/yq-bindings-view.ui");
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, main_stack);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, connector_dropdown);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, all_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, bound_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, unbound_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, disabled_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, card_stack);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, card_name);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, card_fields);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, card_binding);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, unbind_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, oa_search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, oa_hint);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsView, oa_list);

  gtk_widget_class_install_action (widget_class, "bindings.auto-bind", NULL, auto_bind_action);
  gtk_widget_class_install_action (widget_class, "bindings.unbind", NULL, unbind_action);
  gtk_widget_class_install_action (widget_class, "bindings.unbind-all", NULL, unbind_all_action);
  gtk_widget_class_install_action (widget_class, "bindings.undo", "x", undo_action);
  gtk_widget_class_install_action (widget_class, "bindings.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "bindings.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "bindings.focus-search", NULL,
                                   focus_search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "bindings.focus-search", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
yq_bindings_view_init (YqBindingsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  self->connectors = g_list_store_new (YQ_TYPE_CONNECTOR);
  gtk_drop_down_set_expression (self->connector_dropdown,
                                gtk_property_expression_new (YQ_TYPE_CONNECTOR, NULL, "name"));
  gtk_drop_down_set_model (self->connector_dropdown, G_LIST_MODEL (self->connectors));
  g_signal_connect_object (self->connector_dropdown, "notify::selected",
                           G_CALLBACK (connector_selected_cb), self, G_CONNECT_SWAPPED);

  self->people = yq_binding_list_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->people)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (selected_cb), self, G_CONNECT_SWAPPED);
  build_columns (self);

  g_signal_connect (self->all_button, "toggled", G_CALLBACK (filter_toggled_cb), self);
  g_signal_connect (self->bound_button, "toggled", G_CALLBACK (filter_toggled_cb), self);
  g_signal_connect (self->unbound_button, "toggled", G_CALLBACK (filter_toggled_cb), self);
  g_signal_connect (self->disabled_button, "toggled", G_CALLBACK (filter_toggled_cb), self);
  g_signal_connect_object (self->search_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->oa_search_entry, "search-changed",
                           G_CALLBACK (update_oa_matches), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);

  gtk_stack_set_visible_child_name (self->main_stack, "no-connectors");
  gtk_stack_set_visible_child_name (self->card_stack, "none");
  update_count (self);
  update_actions (self);
}

/* ---- Public API --------------------------------------------------------- */

YqStore *
yq_bindings_view_get_store (YqBindingsView *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), NULL);

  return self->store;
}

void
yq_bindings_view_set_store (YqBindingsView *self,
                            YqStore        *store)
{
  g_return_if_fail (YQ_IS_BINDINGS_VIEW (self));
  g_return_if_fail (!store || YQ_IS_STORE (store));

  if (g_set_object (&self->store, store))
    {
      g_clear_object (&self->oa_snapshot);
      yq_bindings_view_reload (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
    }
}

/**
 * yq_bindings_view_reload:
 * @self: a #YqBindingsView
 *
 * Reads the connectors from the store again, keeping the one chosen, and
 * then its people.
 */
void
yq_bindings_view_reload (YqBindingsView *self)
{
  gint64 keep;
  guint n_connectors;

  g_return_if_fail (YQ_IS_BINDINGS_VIEW (self));

  keep = yq_bindings_view_get_connector_id (self);
  n_connectors = yq_sync_ui_reload_connectors (self->store, self->connectors,
                                               self->connector_dropdown, keep, self);
  gtk_stack_set_visible_child_name (self->main_stack,
                                    n_connectors > 0 ? "bindings" : "no-connectors");

  if (yq_bindings_view_get_connector_id (self) != keep)
    connector_selected_cb (self);
  else
    load_people (self);
}

gboolean
yq_bindings_view_select_connector (YqBindingsView *self,
                                   gint64          connector_id)
{
  guint n;

  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->connectors));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(YqConnector) connector = g_list_model_get_item (G_LIST_MODEL (self->connectors), i);

      if (yq_connector_get_id (connector) == connector_id)
        {
          gtk_drop_down_set_selected (self->connector_dropdown, i);
          return TRUE;
        }
    }

  return FALSE;
}

gint64
yq_bindings_view_get_connector_id (YqBindingsView *self)
{
  YqConnector *connector;

  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), 0);

  connector = selected_connector (self);

  return connector != NULL ? yq_connector_get_id (connector) : 0;
}

void
yq_bindings_view_set_filter (YqBindingsView       *self,
                             YqBindingsViewFilter  filter)
{
  GtkToggleButton *buttons[] = { self->all_button, self->bound_button,
                                 self->unbound_button, self->disabled_button };

  g_return_if_fail (YQ_IS_BINDINGS_VIEW (self));
  g_return_if_fail (filter <= YQ_BINDINGS_VIEW_DISABLED);

  /* The button's handler reloads. */
  gtk_toggle_button_set_active (buttons[filter], TRUE);
}

YqBindingsViewFilter
yq_bindings_view_get_filter (YqBindingsView *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), YQ_BINDINGS_VIEW_ALL);

  return self->filter;
}

void
yq_bindings_view_set_search (YqBindingsView *self,
                             const char     *text)
{
  g_return_if_fail (YQ_IS_BINDINGS_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Without waiting for the entry's delay. */
  search_changed_cb (self);
}

GListModel *
yq_bindings_view_get_people (YqBindingsView *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), NULL);

  return G_LIST_MODEL (self->people);
}

gboolean
yq_bindings_view_get_loading (YqBindingsView *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), FALSE);

  return self->loading;
}

gboolean
yq_bindings_view_get_busy (YqBindingsView *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), FALSE);

  return self->busy;
}

gboolean
yq_bindings_view_select_person (YqBindingsView *self,
                                const char     *platform_id)
{
  guint position;

  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), FALSE);
  g_return_val_if_fail (platform_id != NULL, FALSE);

  position = yq_binding_list_find (self->people, platform_id);
  if (position == G_MAXUINT)
    return FALSE;

  gtk_single_selection_set_selected (self->selection, position);
  /* GTK 4.8 has no gtk_column_view_scroll_to(); its list view has the
   * action. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      gtk_widget_activate_action (child, "list.scroll-to-item", "u", position);

  return TRUE;
}

/**
 * yq_bindings_view_open_import:
 * @self: a #YqBindingsView
 *
 * Opens the import assistant for the connector chosen; the view reads
 * its people again after an import is applied or undone.
 *
 * Returns: (transfer none) (nullable): the assistant, or %NULL without a
 *   connector
 */
YqBindingsImport *
yq_bindings_view_open_import (YqBindingsView *self)
{
  YqBindingsImport *assistant;
  YqConnector *connector;

  g_return_val_if_fail (YQ_IS_BINDINGS_VIEW (self), NULL);

  connector = selected_connector (self);
  if (self->store == NULL || connector == NULL)
    return NULL;

  assistant = yq_bindings_import_new (get_parent_window (self), self->store, connector);
  g_signal_connect_object (assistant, "changed", G_CALLBACK (import_changed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (assistant));

  return assistant;
}
