/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-bindings-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "yq-bindings-file.h"
#include "yq-bindings-import.h"
#include "yq-bindings-model.h"
#include "yq-sync-ui.h"

struct _YqBindingsImport
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkButton           *back_button;
  GtkButton           *apply_button;
  GtkStack            *stack;
  GtkLabel            *error_label;
  GtkCheckButton      *account_check;
  GtkCheckButton      *job_number_check;
  GtkCheckButton      *mobile_check;
  GtkCheckButton      *email_check;
  AdwStatusPage       *working_page;
  GtkSpinner          *spinner;
  GtkLabel            *preview_label;
  GtkBox              *counts_box;
  GtkColumnView       *preview_view;
  AdwStatusPage       *report_page;
  GtkButton           *save_rejected_button;
  GtkButton           *undo_button;

  YqStore             *store;
  gint64               connector_id;
  GCancellable        *cancellable;
  GFile               *file;

  YqBindingImportList *list;
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  /* YQ_N_BINDING_IMPORT_STATUSES for all. */
  guint                shown_status;
  GtkToggleButton     *status_buttons[YQ_N_BINDING_IMPORT_STATUSES + 1];

  YqBindingResult     *result;
  gboolean             undone;
  gboolean             working;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (YqBindingsImport, yq_bindings_import, ADW_TYPE_WINDOW)

static void update_actions (YqBindingsImport *self);

static gboolean
status_is_rejected (YqBindingImportStatus status)
{
  return status == YQ_BINDING_IMPORT_BOUND_TO_OTHER ||
         status == YQ_BINDING_IMPORT_NOT_FOUND ||
         status == YQ_BINDING_IMPORT_AMBIGUOUS ||
         status == YQ_BINDING_IMPORT_INVALID;
}

static const char *
status_class (YqBindingImportStatus status)
{
  switch (status)
    {
    case YQ_BINDING_IMPORT_WILL_BIND:
      return "success";
    case YQ_BINDING_IMPORT_ALREADY_BOUND:
      return "dim-label";
    case YQ_BINDING_IMPORT_INVALID:
      return "error";
    case YQ_BINDING_IMPORT_BOUND_TO_OTHER:
    case YQ_BINDING_IMPORT_NOT_FOUND:
    case YQ_BINDING_IMPORT_AMBIGUOUS:
    default:
      return "warning";
    }
}

static guint
count_rejected (YqBindingImportPreview *preview)
{
  guint n = 0;

  for (guint i = 0; i < YQ_N_BINDING_IMPORT_STATUSES; i++)
    if (status_is_rejected (i))
      n += preview->counts[i];

  return n;
}

static void
show_error (YqBindingsImport *self,
            const char       *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_page (YqBindingsImport *self,
          const char       *page)
{
  gboolean working = g_str_equal (page, "working");

  self->working = working;
  if (working)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, page);
  update_actions (self);
}

static void
update_actions (YqBindingsImport *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  YqBindingImportPreview *preview = self->list ? yq_binding_import_list_get_preview (self->list)
                                               : NULL;
  gboolean on_preview = g_strcmp0 (page, "preview") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), on_preview);
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), on_preview);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.apply",
                                 on_preview && !self->working && preview != NULL &&
                                 preview->counts[YQ_BINDING_IMPORT_WILL_BIND] > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.back", on_preview && !self->working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.choose-file", !self->working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.save-rejected",
                                 preview != NULL && count_rejected (preview) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.undo",
                                 !self->working && !self->undone && self->result != NULL &&
                                 self->result->change_id > 0);
}

/* ---- The preview table -------------------------------------------------- */

typedef enum
{
  COLUMN_ROW,
  COLUMN_PLATFORM_ID,
  COLUMN_KEY,
  COLUMN_STATUS,
  COLUMN_MESSAGE,
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
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  YqBindingImportEntry *entry = gtk_list_item_get_item (list_item);
  const YqBindingImportItem *item;
  const char *old_class;
  char number[16];
  const char *text = NULL;

  if (entry == NULL)
    return;

  item = yq_binding_import_entry_get_item (entry);
  switch (column)
    {
    case COLUMN_ROW:
      g_snprintf (number, sizeof number, "%u", item->row->row_number);
      text = number;
      break;
    case COLUMN_PLATFORM_ID:
      text = item->platform_id != NULL ? item->platform_id : item->row->platform_id;
      break;
    case COLUMN_KEY:
      text = item->row->key;
      break;
    case COLUMN_STATUS:
      text = yq_binding_import_status_to_label (item->status);
      old_class = g_object_get_data (G_OBJECT (label), "yq-status-class");
      if (old_class != NULL)
        gtk_widget_remove_css_class (label, old_class);
      gtk_widget_add_css_class (label, status_class (item->status));
      g_object_set_data (G_OBJECT (label), "yq-status-class",
                         (gpointer) status_class (item->status));
      break;
    case COLUMN_MESSAGE:
      text = item->message;
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_widget_set_tooltip_text (label, column == COLUMN_MESSAGE && text && *text ? text : NULL);
}

static void
add_column (YqBindingsImport *self,
            const char       *title,
            Column            column,
            int               width,
            gboolean          expand)
{
  yq_sync_ui_append_column (self->preview_view, title, G_CALLBACK (setup_label_cb),
                            G_CALLBACK (bind_label_cb), GUINT_TO_POINTER (column), width, expand);
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  YqBindingsImport *self = user_data;

  return self->shown_status == YQ_N_BINDING_IMPORT_STATUSES ||
         yq_binding_import_entry_get_item (item)->status == self->shown_status;
}

static void
status_toggled_cb (GtkToggleButton  *button,
                   YqBindingsImport *self)
{
  guint status = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "yq-status"));

  if (!gtk_toggle_button_get_active (button) || status == self->shown_status)
    return;

  self->shown_status = status;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
build_counts (YqBindingsImport       *self,
              YqBindingImportPreview *preview)
{
  GtkWidget *child;
  GtkToggleButton *first = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_box))) != NULL)
    gtk_box_remove (self->counts_box, child);

  for (guint status = 0; status <= YQ_N_BINDING_IMPORT_STATUSES; status++)
    {
      g_autofree char *label = NULL;
      GtkWidget *button;

      if (status == YQ_N_BINDING_IMPORT_STATUSES)
        /* Translators: a filter button, "All 120". */
        label = g_strdup_printf (C_("import filter", "All %u"), preview->items->len);
      else
        /* Translators: a filter button, "Will bind 100". */
        label = g_strdup_printf (C_("import filter", "%s %u"),
                                 yq_binding_import_status_to_label (status),
                                 preview->counts[status]);

      button = gtk_toggle_button_new_with_label (label);
      g_object_set_data (G_OBJECT (button), "yq-status", GUINT_TO_POINTER (status));
      if (first != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      else
        first = GTK_TOGGLE_BUTTON (button);
      gtk_widget_set_sensitive (button, status == YQ_N_BINDING_IMPORT_STATUSES ||
                                        preview->counts[status] > 0);
      g_signal_connect (button, "toggled", G_CALLBACK (status_toggled_cb), self);
      self->status_buttons[status] = GTK_TOGGLE_BUTTON (button);
      gtk_box_append (self->counts_box, button);
    }

  /* "All" first in the bar. */
  gtk_box_reorder_child_after (self->counts_box,
                               GTK_WIDGET (self->status_buttons[YQ_N_BINDING_IMPORT_STATUSES]),
                               NULL);
  self->shown_status = YQ_N_BINDING_IMPORT_STATUSES;
  gtk_toggle_button_set_active (self->status_buttons[YQ_N_BINDING_IMPORT_STATUSES], TRUE);
}

static void
show_preview (YqBindingsImport       *self,
              YqBindingImportPreview *preview)
{
  g_autofree char *basename = g_file_get_basename (self->file);
  g_autofree char *text = NULL;

  self->list = yq_binding_import_list_new ();
  yq_binding_import_list_set_preview (self->list, preview);
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (self->list));
  build_counts (self, preview);

  text = g_strdup_printf (ngettext ("%s: %u row. %u will be bound; %u rejected rows stay unbound.",
                                    "%s: %u rows. %u will be bound; %u rejected rows stay unbound.",
                                    preview->items->len),
                          basename, preview->items->len,
                          preview->counts[YQ_BINDING_IMPORT_WILL_BIND], count_rejected (preview));
  gtk_label_set_text (self->preview_label, text);
  set_page (self, "preview");
}

/* ---- Reading and previewing -------------------------------------------- */

typedef struct
{
  YqStore            *store;
  gint64              connector_id;
  YqBindingKeyField   field;
  char               *path;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_clear_object (&data->store);
  g_free (data->path);
  g_free (data);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *data = task_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(YqOaDirectory) oa = NULL;
  YqBindingImportPreview *preview;
  g_autoptr(GError) error = NULL;

  if (!yq_bindings_read_import_file_full (data->path, data->field, &rows, &header,
                                          cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  oa = yq_builtin_oa_directory_new (data->store);
  preview = yq_bindings_import_preview (data->store, data->connector_id, oa, data->field,
                                        rows, &error);
  if (preview == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  preview->header = g_steal_pointer (&header);
  g_task_return_pointer (task, preview, (GDestroyNotify) yq_binding_import_preview_free);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (source);
  YqBindingImportPreview *preview;
  g_autoptr(GError) error = NULL;

  preview = g_task_propagate_pointer (G_TASK (result), &error);
  if (preview == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
      set_page (self, "field");
      return;
    }

  show_preview (self, preview);
}

static void
start_preview (YqBindingsImport *self)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  show_error (self, NULL);
  gtk_filter_list_model_set_model (self->filtered, NULL);
  g_clear_object (&self->list);
  g_clear_pointer (&self->result, yq_binding_result_free);
  self->undone = FALSE;

  data = g_new0 (ReadData, 1);
  data->store = g_object_ref (self->store);
  data->connector_id = self->connector_id;
  data->field = yq_bindings_import_get_field (self);
  data->path = g_file_get_path (self->file);

  if (data->path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->file);
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Cannot read “%s”: only local files can be imported. "
                                   "Copy the file to this computer first."), uri);
      read_data_free (data);
      show_error (self, message);
      set_page (self, "field");
      return;
    }

  adw_status_page_set_title (self->working_page, _("Reading the File…"));
  set_page (self, "working");

  task = g_task_new (self, self->cancellable, read_done_cb, NULL);
  g_task_set_source_tag (task, start_preview);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

/* ---- Apply and undo ----------------------------------------------------- */

typedef struct
{
  YqStore                *store;
  YqBindingImportPreview *preview;
  gint64                  undo_id;
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
  YqBindingResult *result;
  g_autoptr(GError) error = NULL;

  if (data->undo_id > 0)
    result = yq_bindings_undo (data->store, data->undo_id, &error);
  else
    result = yq_bindings_import_apply (data->store, data->preview, &error);

  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) yq_binding_result_free);
}

static void
show_report (YqBindingsImport *self)
{
  YqBindingImportPreview *preview = yq_binding_import_list_get_preview (self->list);
  guint bound = self->result->changes->len;
  guint rejected = count_rejected (preview);
  g_autofree char *text = NULL;

  if (self->undone)
    {
      adw_status_page_set_icon_name (self->report_page, "edit-undo-symbolic");
      adw_status_page_set_title (self->report_page, _("Import Undone"));
      text = g_strdup_printf (ngettext ("The binding of %u person was taken back.",
                                        "The bindings of %u people were taken back.", bound),
                              bound);
    }
  else
    {
      adw_status_page_set_icon_name (self->report_page, "emblem-ok-symbolic");
      adw_status_page_set_title (self->report_page, _("Associations Imported"));
      text = g_strdup_printf (_("%u bound, %u already bound, %u rejected."),
                              bound, preview->counts[YQ_BINDING_IMPORT_ALREADY_BOUND], rejected);
    }

  adw_status_page_set_description (self->report_page, text);
  gtk_widget_set_visible (GTK_WIDGET (self->save_rejected_button), rejected > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->undo_button), !self->undone);
  set_page (self, "report");
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (source);
  WriteData *data = g_task_get_task_data (G_TASK (res));
  YqBindingResult *result;
  g_autoptr(GError) error = NULL;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if (data->undo_id == 0 && g_error_matches (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_STALE))
        {
          /* Nothing was bound: preview again and say why. */
          g_autofree char *message = g_strdup_printf (_("%s The preview was made again."),
                                                      error->message);
          start_preview (self);
          show_error (self, message);
          return;
        }

      if (data->undo_id > 0)
        {
          AdwStatusPage *page = self->report_page;
          g_autofree char *text = g_strdup_printf (_("Cannot undo the import: %s"), error->message);

          adw_status_page_set_description (page, text);
          set_page (self, "report");
          return;
        }

      show_error (self, error->message);
      set_page (self, "field");
      return;
    }

  if (data->undo_id > 0)
    {
      yq_binding_result_free (result);
      self->undone = TRUE;
    }
  else
    {
      g_clear_pointer (&self->result, yq_binding_result_free);
      self->result = result;
    }

  show_report (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
run_write (YqBindingsImport *self,
           gint64            undo_id)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data = g_new0 (WriteData, 1);

  data->store = g_object_ref (self->store);
  data->preview = yq_binding_import_list_get_preview (self->list);
  data->undo_id = undo_id;

  adw_status_page_set_title (self->working_page,
                             undo_id > 0 ? _("Undoing the Import…") : _("Binding…"));
  set_page (self, "working");

  /* The preview stays with the list, which this window holds. */
  task = g_task_new (self, self->cancellable, write_done_cb, NULL);
  g_task_set_source_tag (task, run_write);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (widget);

  if (self->list != NULL && !self->working)
    run_write (self, 0);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (widget);

  if (self->result != NULL && self->result->change_id > 0 && !self->undone && !self->working)
    run_write (self, self->result->change_id);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (widget);

  show_error (self, NULL);
  set_page (self, "field");
}

/* ---- Files -------------------------------------------------------------- */

static void
open_response_cb (GtkNativeDialog  *chooser,
                  int               response,
                  YqBindingsImport *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    yq_bindings_import_set_file (self, file);

  g_object_unref (chooser);
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Import Associations"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Spreadsheets (.xlsx)"));
  gtk_file_filter_add_suffix (filter, "xlsx");
  gtk_file_filter_add_mime_type (filter, "application/vnd.openxmlformats-officedocument."
                                         "spreadsheetml.sheet");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_response_cb (GtkNativeDialog  *chooser,
                  int               response,
                  YqBindingsImport *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL && !yq_bindings_import_save_rejected (self, file, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("Cannot Save the Rejected Rows"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

  g_object_unref (chooser);
}

static void
save_rejected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  g_autofree char *stem = NULL;
  char *dot;

  chooser = gtk_file_chooser_native_new (_("Save Rejected Rows"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  stem = self->file != NULL ? g_file_get_basename (self->file) : g_strdup ("import");
  if ((dot = strrchr (stem, '.')) != NULL)
    *dot = '\0';
  /* Translators: the suggested file name; %s is the imported file's name. */
  name = g_strdup_printf (_("%s rejected.csv"), stem);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- GObject ------------------------------------------------------------ */

static void
yq_bindings_import_dispose (GObject *object)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (object);

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_BINDINGS_IMPORT);

  g_clear_object (&self->filtered);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (yq_bindings_import_parent_class)->dispose (object);
}

static void
yq_bindings_import_finalize (GObject *object)
{
  YqBindingsImport *self = YQ_BINDINGS_IMPORT (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->file);
  g_clear_pointer (&self->result, yq_binding_result_free);

  G_OBJECT_CLASS (yq_bindings_import_parent_class)->finalize (object);
}

static void
yq_bindings_import_class_init (YqBindingsImportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_bindings_import_dispose;
  object_class->finalize = yq_bindings_import_finalize;

  /**
   * YqBindingsImport::changed:
   *
   * The bindings changed: an import was applied or undone.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/yq-bindings-import.ui");
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, window_title);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, back_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, apply_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, stack);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, error_label);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, account_check);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, job_number_check);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, mobile_check);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, email_check);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, working_page);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, spinner);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, preview_label);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, counts_box);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, preview_view);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, report_page);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, save_rejected_button);
  gtk_widget_class_bind_template_child (widget_class, YqBindingsImport, undo_button);

  gtk_widget_class_install_action (widget_class, "import.choose-file", NULL, choose_file_action);
  gtk_widget_class_install_action (widget_class, "import.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "import.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "import.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "import.save-rejected", NULL,
                                   save_rejected_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yq_bindings_import_init (YqBindingsImport *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->shown_status = YQ_N_BINDING_IMPORT_STATUSES;
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_column_view_set_model (self->preview_view, GTK_SELECTION_MODEL (selection));

  add_column (self, _("Row"), COLUMN_ROW, 60, FALSE);
  add_column (self, _("Platform ID"), COLUMN_PLATFORM_ID, 140, FALSE);
  add_column (self, _("Key"), COLUMN_KEY, 140, FALSE);
  add_column (self, _("Status"), COLUMN_STATUS, 110, FALSE);
  add_column (self, _("Message"), COLUMN_MESSAGE, -1, TRUE);

  set_page (self, "field");
}

/* ---- Public API --------------------------------------------------------- */

YqBindingsImport *
yq_bindings_import_new (GtkWindow   *parent,
                        YqStore     *store,
                        YqConnector *connector)
{
  YqBindingsImport *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_CONNECTOR (connector), NULL);

  self = g_object_new (YQ_TYPE_BINDINGS_IMPORT,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  self->connector_id = yq_connector_get_id (connector);
  adw_window_title_set_subtitle (self->window_title, yq_connector_get_name (connector));

  return self;
}

void
yq_bindings_import_set_field (YqBindingsImport  *self,
                              YqBindingKeyField  field)
{
  GtkCheckButton *checks[] = { self->account_check, self->job_number_check,
                               self->mobile_check, self->email_check };

  g_return_if_fail (YQ_IS_BINDINGS_IMPORT (self));
  g_return_if_fail (field <= YQ_BINDING_KEY_EMAIL);

  gtk_check_button_set_active (checks[field], TRUE);
}

YqBindingKeyField
yq_bindings_import_get_field (YqBindingsImport *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), YQ_BINDING_KEY_ACCOUNT);

  if (gtk_check_button_get_active (self->job_number_check))
    return YQ_BINDING_KEY_JOB_NUMBER;
  if (gtk_check_button_get_active (self->mobile_check))
    return YQ_BINDING_KEY_MOBILE;
  if (gtk_check_button_get_active (self->email_check))
    return YQ_BINDING_KEY_EMAIL;

  return YQ_BINDING_KEY_ACCOUNT;
}

void
yq_bindings_import_set_file (YqBindingsImport *self,
                             GFile            *file)
{
  g_return_if_fail (YQ_IS_BINDINGS_IMPORT (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!self->working);

  g_set_object (&self->file, file);
  start_preview (self);
}

const char *
yq_bindings_import_get_page (YqBindingsImport *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
yq_bindings_import_get_error (YqBindingsImport *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
}

YqBindingImportPreview *
yq_bindings_import_get_preview (YqBindingsImport *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), NULL);

  return self->list != NULL ? yq_binding_import_list_get_preview (self->list) : NULL;
}

GListModel *
yq_bindings_import_get_rows (YqBindingsImport *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

GtkToggleButton *
yq_bindings_import_get_status_button (YqBindingsImport      *self,
                                      YqBindingImportStatus  status)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), NULL);
  g_return_val_if_fail (status <= YQ_N_BINDING_IMPORT_STATUSES, NULL);

  return self->status_buttons[status];
}

YqBindingResult *
yq_bindings_import_get_result (YqBindingsImport *self)
{
  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), NULL);

  return self->result;
}

gboolean
yq_bindings_import_save_rejected (YqBindingsImport  *self,
                                  GFile             *file,
                                  GError           **error)
{
  YqBindingImportPreview *preview;

  g_return_val_if_fail (YQ_IS_BINDINGS_IMPORT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  preview = yq_bindings_import_get_preview (self);
  if (preview == NULL)
    {
      g_set_error_literal (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_INVALID,
                           _("Nothing to save: choose a file to import first."));
      return FALSE;
    }

  return yq_binding_import_write_rejected (preview, file, self->cancellable, error);
}
