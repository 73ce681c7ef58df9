/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-department-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-department-picker.h"

/* ---- Items -------------------------------------------------------------- */

#define YQ_TYPE_PICKER_ITEM (yq_picker_item_get_type ())

G_DECLARE_FINAL_TYPE (YqPickerItem, yq_picker_item, YQ, PICKER_ITEM, GObject)

/* One department (with its sub-departments) or one person. */
struct _YqPickerItem
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  /* Where it sits: the parent departments, or a person's details. */
  char       *path;
  char       *search_key;
  GListStore *children;
};

G_DEFINE_FINAL_TYPE (YqPickerItem, yq_picker_item, G_TYPE_OBJECT)

static void
yq_picker_item_finalize (GObject *object)
{
  YqPickerItem *self = YQ_PICKER_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->path);
  g_free (self->search_key);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (yq_picker_item_parent_class)->finalize (object);
}

static void
yq_picker_item_class_init (YqPickerItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_picker_item_finalize;
}

static void
yq_picker_item_init (YqPickerItem *self)
{
}

static YqPickerItem *
yq_picker_item_new (const char *id,
                    const char *name,
                    const char *path,
                    const char *extra)
{
  YqPickerItem *self = g_object_new (YQ_TYPE_PICKER_ITEM, NULL);
  g_autofree char *key = NULL;

  self->id = g_strdup (id);
  self->name = g_strdup (name != NULL && name[0] != '\0' ? name : id);
  self->path = g_strdup (path);
  key = g_strjoin ("\n", self->name, id, extra != NULL ? extra : "", NULL);
  self->search_key = g_utf8_casefold (key, -1);

  return self;
}

/* ---- The picker --------------------------------------------------------- */

struct _YqDepartmentPicker
{
  AdwWindow           parent_instance;

  /* Template widgets */
  AdwWindowTitle     *title_widget;
  GtkButton          *select_button;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  GtkLabel           *count_label;

  YqOrgSnapshot      *snapshot;
  /* Every item, in tree order, and the top level of the tree. */
  GListStore         *all_items;
  GListStore         *roots;
  GtkTreeListModel   *browse_model;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkTreeListModel   *search_model;
  GtkSelectionModel  *selection;
  /* Picked IDs (set). */
  GHashTable         *picked;
  /* The check buttons of the rows shown (set). */
  GHashTable         *bound_checks;
  char               *search_key;

  guint               multiple : 1;
  guint               people : 1;
};

G_DEFINE_FINAL_TYPE (YqDepartmentPicker, yq_department_picker, ADW_TYPE_WINDOW)

enum {
  PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_searching (YqDepartmentPicker *self)
{
  return self->search_key != NULL && self->search_key[0] != '\0';
}

static GtkTreeListModel *
get_model (YqDepartmentPicker *self)
{
  return is_searching (self) ? self->search_model : self->browse_model;
}

static void
update_state (YqDepartmentPicker *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (get_model (self)));
  guint picked = g_hash_table_size (self->picked);

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  if (!is_searching (self))
    adw_status_page_set_title (self->empty_page,
                               self->people ? _("No People in the Directory")
                                            : _("No Departments in the Directory"));
  else
    adw_status_page_set_title (self->empty_page, _("Nothing Found"));

  if (self->multiple)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u selected", "%u selected", picked),
                                               picked);

      gtk_label_set_text (self->count_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->count_label), TRUE);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->count_label), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->select_button), picked > 0);
    }
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  YqPickerItem *picker_item = YQ_PICKER_ITEM (item);

  if (picker_item->children == NULL)
    return NULL;

  return g_object_ref (G_LIST_MODEL (picker_item->children));
}

static GListModel *
create_no_children_cb (gpointer item,
                       gpointer user_data)
{
  return NULL;
}

static gboolean
filter_cb (gpointer item,
           gpointer user_data)
{
  YqDepartmentPicker *self = user_data;

  return self->search_key == NULL ||
         strstr (YQ_PICKER_ITEM (item)->search_key, self->search_key) != NULL;
}

static int
compare_departments (gconstpointer a,
                     gconstpointer b)
{
  const YqOrgDepartment *da = *(const YqOrgDepartment **) a;
  const YqOrgDepartment *db = *(const YqOrgDepartment **) b;

  if (da->order != db->order)
    return da->order < db->order ? -1 : 1;

  return g_strcmp0 (da->name, db->name);
}

static void
add_departments (YqDepartmentPicker *self,
                 GHashTable         *by_parent,
                 const char         *parent_id,
                 const char         *path,
                 GListStore         *store)
{
  GPtrArray *children = g_hash_table_lookup (by_parent, parent_id);

  if (children == NULL)
    return;

  g_ptr_array_sort (children, compare_departments);
  for (guint i = 0; i < children->len; i++)
    {
      const YqOrgDepartment *dept = g_ptr_array_index (children, i);
      g_autoptr(YqPickerItem) item = yq_picker_item_new (dept->id, dept->name, path, NULL);
      g_autofree char *child_path = NULL;

      g_list_store_append (store, item);
      g_list_store_append (self->all_items, item);

      if (g_hash_table_contains (by_parent, dept->id))
        {
          child_path = path != NULL ? g_strdup_printf ("%s / %s", path, item->name)
                                    : g_strdup (item->name);
          item->children = g_list_store_new (YQ_TYPE_PICKER_ITEM);
          add_departments (self, by_parent, dept->id, child_path, item->children);
        }
    }
}

static void
build_departments (YqDepartmentPicker *self)
{
  g_autoptr(GHashTable) by_parent = NULL;
  guint n = yq_org_snapshot_get_n_departments (self->snapshot);

  /* Parent ID ("" for the top) → the departments under it. A department
   * whose parent is not in the snapshot counts as a top one. */
  by_parent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < n; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (self->snapshot, i);
      const char *parent = dept->parent_id;
      GPtrArray *children;

      if (parent == NULL || g_strcmp0 (parent, dept->id) == 0 ||
          yq_org_snapshot_lookup_department (self->snapshot, parent) == NULL)
        parent = "";

      children = g_hash_table_lookup (by_parent, parent);
      if (children == NULL)
        {
          children = g_ptr_array_new ();
          g_hash_table_insert (by_parent, g_strdup (parent), children);
        }
      g_ptr_array_add (children, dept);
    }

  add_departments (self, by_parent, "", NULL, self->roots);
}

static int
compare_people (gconstpointer a,
                gconstpointer b)
{
  const YqOrgPerson *pa = *(const YqOrgPerson **) a;
  const YqOrgPerson *pb = *(const YqOrgPerson **) b;
  int cmp = g_strcmp0 (pa->name, pb->name);

  return cmp != 0 ? cmp : g_strcmp0 (pa->id, pb->id);
}

static void
build_people (YqDepartmentPicker *self)
{
  g_autoptr(GPtrArray) people = g_ptr_array_new ();
  guint n = yq_org_snapshot_get_n_people (self->snapshot);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (people, yq_org_snapshot_get_person (self->snapshot, i));
  g_ptr_array_sort (people, compare_people);

  for (guint i = 0; i < people->len; i++)
    {
      const YqOrgPerson *person = g_ptr_array_index (people, i);
      const YqOrgDepartment *dept = NULL;
      g_autoptr(GPtrArray) details = g_ptr_array_new ();
      g_autoptr(YqPickerItem) item = NULL;
      g_autofree char *path = NULL;
      g_autofree char *extra = NULL;

      if (person->department_ids != NULL && person->department_ids[0] != NULL)
        dept = yq_org_snapshot_lookup_department (self->snapshot, person->department_ids[0]);
      if (dept != NULL && dept->name != NULL)
        g_ptr_array_add (details, dept->name);
      if (person->mobile != NULL && person->mobile[0] != '\0')
        g_ptr_array_add (details, person->mobile);
      if (person->job_number != NULL && person->job_number[0] != '\0')
        g_ptr_array_add (details, person->job_number);
      g_ptr_array_add (details, NULL);
      path = g_strjoinv (" · ", (char **) details->pdata);
      extra = g_strjoin ("\n",
                         person->mobile != NULL ? person->mobile : "",
                         person->job_number != NULL ? person->job_number : "",
                         person->email != NULL ? person->email : "",
                         person->account_code != NULL ? person->account_code : "",
                         NULL);

      item = yq_picker_item_new (person->id, person->name, path, extra);
      g_list_store_append (self->all_items, item);
      g_list_store_append (self->roots, item);
    }
}

static void
set_model (YqDepartmentPicker *self)
{
  GListModel *model = G_LIST_MODEL (get_model (self));

  if (GTK_IS_SINGLE_SELECTION (self->selection))
    gtk_single_selection_set_model (GTK_SINGLE_SELECTION (self->selection), model);
  else
    gtk_no_selection_set_model (GTK_NO_SELECTION (self->selection), model);

  update_state (self);
}

static void
search_changed_cb (YqDepartmentPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  gboolean was_searching = is_searching (self);

  g_clear_pointer (&self->search_key, g_free);
  if (stripped[0] != '\0')
    self->search_key = g_utf8_casefold (stripped, -1);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (was_searching != is_searching (self) || !self->multiple)
    set_model (self);
  else
    update_state (self);
}

static void
pick (YqDepartmentPicker *self)
{
  if (!self->multiple && g_hash_table_size (self->picked) == 0)
    return;

  g_signal_emit (self, signals[PICKED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
select_clicked_cb (YqDepartmentPicker *self)
{
  pick (self);
}

/* Makes the check buttons shown follow the picked set. */
static void
sync_checks (YqDepartmentPicker *self)
{
  GHashTableIter iter;
  GtkCheckButton *check;

  g_hash_table_iter_init (&iter, self->bound_checks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &check, NULL))
    {
      YqPickerItem *item = g_object_get_data (G_OBJECT (check), "yq-item");

      if (item != NULL)
        gtk_check_button_set_active (check, g_hash_table_contains (self->picked, item->id));
    }
}

static void
toggle_item (YqDepartmentPicker *self,
             YqPickerItem       *item)
{
  if (!g_hash_table_remove (self->picked, item->id))
    g_hash_table_add (self->picked, g_strdup (item->id));
  update_state (self);
}

static YqPickerItem *
get_row_item (gpointer object)
{
  if (GTK_IS_TREE_LIST_ROW (object))
    return gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (object));

  return g_object_ref (object);
}

static void
search_activate_cb (YqDepartmentPicker *self)
{
  GListModel *model;
  g_autoptr(GObject) row = NULL;
  g_autoptr(YqPickerItem) item = NULL;

  /* Enter in the search entry picks the only match; the search may not
   * have caught up with the last keys yet. */
  if (self->multiple)
    return;

  search_changed_cb (self);
  model = G_LIST_MODEL (get_model (self));
  if (g_list_model_get_n_items (model) != 1)
    return;

  row = g_list_model_get_item (model, 0);
  item = get_row_item (row);
  g_hash_table_remove_all (self->picked);
  g_hash_table_add (self->picked, g_strdup (item->id));
  pick (self);
}

static void
list_activate_cb (YqDepartmentPicker *self,
                  guint               position)
{
  g_autoptr(GObject) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  g_autoptr(YqPickerItem) item = NULL;

  if (row == NULL)
    return;

  item = get_row_item (row);
  if (self->multiple)
    {
      toggle_item (self, item);
      sync_checks (self);
    }
  else
    {
      g_hash_table_remove_all (self->picked);
      g_hash_table_add (self->picked, g_strdup (item->id));
      pick (self);
    }
}

static void
selection_changed_cb (YqDepartmentPicker *self)
{
  GObject *row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (self->selection));
  g_autoptr(YqPickerItem) item = NULL;

  if (row == NULL)
    return;

  item = get_row_item (row);
  g_hash_table_remove_all (self->picked);
  g_hash_table_add (self->picked, g_strdup (item->id));
  update_state (self);
}

static void
check_toggled_cb (GtkCheckButton     *check,
                  YqDepartmentPicker *self)
{
  YqPickerItem *item = g_object_get_data (G_OBJECT (check), "yq-item");
  gboolean active = gtk_check_button_get_active (check);

  if (item == NULL || active == g_hash_table_contains (self->picked, item->id))
    return;

  toggle_item (self, item);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              YqDepartmentPicker       *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *path = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  if (self->multiple)
    {
      GtkWidget *check = gtk_check_button_new ();

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), self);
      gtk_box_append (GTK_BOX (box), check);
      g_object_set_data (G_OBJECT (list_item), "yq-check", check);
    }

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (path), 0);
  gtk_label_set_ellipsize (GTK_LABEL (path), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (path, "dim-label");
  gtk_widget_add_css_class (path, "caption");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), path);
  gtk_box_append (GTK_BOX (box), labels);
  g_object_set_data (G_OBJECT (list_item), "yq-name", name);
  g_object_set_data (G_OBJECT (list_item), "yq-path", path);

  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             YqDepartmentPicker       *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *check = g_object_get_data (G_OBJECT (list_item), "yq-check");
  GtkLabel *name = g_object_get_data (G_OBJECT (list_item), "yq-name");
  GtkLabel *path = g_object_get_data (G_OBJECT (list_item), "yq-path");
  g_autoptr(YqPickerItem) item = gtk_tree_list_row_get_item (row);
  /* Browsing the tree shows where a department is; a search result says it. */
  gboolean show_path = item->path != NULL && item->path[0] != '\0' &&
                       (self->people || is_searching (self));

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (name, item->name);
  gtk_label_set_text (path, show_path ? item->path : "");
  gtk_widget_set_visible (GTK_WIDGET (path), show_path);
  gtk_widget_set_tooltip_text (expander, item->id);

  if (check != NULL)
    {
      /* Set the data first: the toggled handler compares with the set. */
      g_object_set_data_full (G_OBJECT (check), "yq-item", g_object_ref (item), g_object_unref);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   g_hash_table_contains (self->picked, item->id));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, item->name,
                                      -1);
      g_hash_table_add (self->bound_checks, check);
    }
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               YqDepartmentPicker       *self)
{
  GtkWidget *check = g_object_get_data (G_OBJECT (list_item), "yq-check");

  if (check != NULL)
    {
      g_hash_table_remove (self->bound_checks, check);
      g_object_set_data (G_OBJECT (check), "yq-item", NULL);
    }
}

static void
yq_department_picker_dispose (GObject *object)
{
  YqDepartmentPicker *self = YQ_DEPARTMENT_PICKER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_DEPARTMENT_PICKER);

  g_clear_object (&self->selection);
  g_clear_object (&self->browse_model);
  g_clear_object (&self->search_model);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->roots);
  g_clear_object (&self->all_items);
  g_clear_object (&self->snapshot);

  G_OBJECT_CLASS (yq_department_picker_parent_class)->dispose (object);
}

static void
yq_department_picker_finalize (GObject *object)
{
  YqDepartmentPicker *self = YQ_DEPARTMENT_PICKER (object);

  g_clear_pointer (&self->picked, g_hash_table_unref);
  g_clear_pointer (&self->bound_checks, g_hash_table_unref);
  g_free (self->search_key);

  G_OBJECT_CLASS (yq_department_picker_parent_class)->finalize (object);
}

static void
yq_department_picker_class_init (YqDepartmentPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_department_picker_dispose;
  object_class->finalize = yq_department_picker_finalize;

  /**
   * YqDepartmentPicker::picked:
   *
   * The person confirmed the choice; the window closes right after.
   */
  signals[PICKED] =
    g_signal_new ("picked",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yunqiao/Yunqiao/yq-department-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, title_widget);
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, select_button);
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, empty_page);
  gtk_widget_class_bind_template_child (widget_class, YqDepartmentPicker, count_label);
  gtk_widget_class_bind_template_callback (widget_class, select_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yq_department_picker_init (YqDepartmentPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->picked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->bound_checks = g_hash_table_new (NULL, NULL);
  self->all_items = g_list_store_new (YQ_TYPE_PICKER_ITEM);
  self->roots = g_list_store_new (YQ_TYPE_PICKER_ITEM);
  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
}

static void
setup (YqDepartmentPicker *self)
{
  GtkListItemFactory *factory;

  if (self->people)
    build_people (self);
  else
    build_departments (self);

  self->browse_model = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->roots)),
                                                FALSE, FALSE,
                                                create_children_cb, NULL, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->all_items)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->search_model = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                                FALSE, FALSE,
                                                create_no_children_cb, NULL, NULL);

  if (self->multiple)
    {
      self->selection = GTK_SELECTION_MODEL (gtk_no_selection_new (NULL));
    }
  else
    {
      GtkSingleSelection *single = gtk_single_selection_new (NULL);

      gtk_single_selection_set_autoselect (single, FALSE);
      gtk_single_selection_set_can_unselect (single, TRUE);
      g_signal_connect_swapped (single, "notify::selected-item",
                                G_CALLBACK (selection_changed_cb), self);
      self->selection = GTK_SELECTION_MODEL (single);
    }
  gtk_list_view_set_model (self->list_view, self->selection);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  if (self->people)
    {
      adw_window_title_set_title (self->title_widget, _("Choose People"));
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      g_object_set (self->search_entry, "placeholder-text",
                    _("Search by name, mobile, job number or e-mail"), NULL);
    }
  else
    {
      adw_window_title_set_title (self->title_widget,
                                  self->multiple ? _("Choose Departments")
                                                 : _("Choose a Department"));
    }
  adw_window_title_set_subtitle (self->title_widget,
                                 self->multiple ? _("Check every entry you want") : NULL);

  set_model (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/**
 * yq_department_picker_new:
 * @parent: (nullable): the window to stay on top of
 * @snapshot: the directory to pick from
 * @multiple: pick several departments with check buttons
 *
 * Returns: (transfer floating): the picker, not yet shown
 */
YqDepartmentPicker *
yq_department_picker_new (GtkWindow     *parent,
                          YqOrgSnapshot *snapshot,
                          gboolean       multiple)
{
  YqDepartmentPicker *self;

  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (snapshot), NULL);

  self = g_object_new (YQ_TYPE_DEPARTMENT_PICKER,
                       "transient-for", parent,
                       NULL);
  self->snapshot = g_object_ref (snapshot);
  self->multiple = !!multiple;
  setup (self);

  return self;
}

/**
 * yq_department_picker_new_for_people:
 * @parent: (nullable): the window to stay on top of
 * @snapshot: the directory to pick from
 *
 * Returns: (transfer floating): a picker of several people, not yet shown
 */
YqDepartmentPicker *
yq_department_picker_new_for_people (GtkWindow     *parent,
                                     YqOrgSnapshot *snapshot)
{
  YqDepartmentPicker *self;

  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (snapshot), NULL);

  self = g_object_new (YQ_TYPE_DEPARTMENT_PICKER,
                       "transient-for", parent,
                       NULL);
  self->snapshot = g_object_ref (snapshot);
  self->multiple = TRUE;
  self->people = TRUE;
  setup (self);

  return self;
}

void
yq_department_picker_set_selected (YqDepartmentPicker *self,
                                   const char * const *ids)
{
  g_return_if_fail (YQ_IS_DEPARTMENT_PICKER (self));

  g_hash_table_remove_all (self->picked);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_hash_table_add (self->picked, g_strdup (ids[i]));
      if (!self->multiple)
        break;
    }

  sync_checks (self);
  update_state (self);
}

/**
 * yq_department_picker_get_selected:
 *
 * Returns: (transfer full): the picked IDs in tree order; IDs that were
 *   set but are not in the directory come last
 */
char **
yq_department_picker_get_selected (YqDepartmentPicker *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;
  GHashTableIter iter;
  const char *id;

  g_return_val_if_fail (YQ_IS_DEPARTMENT_PICKER (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->all_items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(YqPickerItem) item = g_list_model_get_item (G_LIST_MODEL (self->all_items), i);

      if (g_hash_table_contains (self->picked, item->id))
        {
          g_strv_builder_add (builder, item->id);
          g_hash_table_add (seen, item->id);
        }
    }

  g_hash_table_iter_init (&iter, self->picked);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    if (!g_hash_table_contains (seen, id))
      g_strv_builder_add (builder, id);

  return g_strv_builder_end (builder);
}
