/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-org-model"

#include "config.h"

#include "yq-org-model.h"

/*
 * The comparison as list models for a GtkTreeListModel. Nothing here is
 * O(n) per row: a level is an array of the visible children of one node,
 * made when its row expands, and its items are made when a row binds.
 * A filter change recomputes the visibility bitmap once, in O(n), and
 * replaces the top level, which drops every expanded level with it.
 */

/* YqOrgNode */

struct _YqOrgNode
{
  GObject       parent_instance;

  YqComparison *comparison;
  guint         index;
};

enum {
  NODE_PROP_0,
  NODE_PROP_COMPARISON,
  NODE_PROP_INDEX,
  NODE_PROP_NAME,
  NODE_PROP_OLD_NAME,
  NODE_PROP_STATUS,
  NODE_PROP_IS_PERSON,
  NODE_PROP_LINKED,
  NODE_PROP_PEOPLE,
  NODE_N_PROPS
};

G_DEFINE_FINAL_TYPE (YqOrgNode, yq_org_node, G_TYPE_OBJECT)

static GParamSpec *node_properties[NODE_N_PROPS];

static void
yq_org_node_finalize (GObject *object)
{
  YqOrgNode *self = YQ_ORG_NODE (object);

  g_clear_object (&self->comparison);

  G_OBJECT_CLASS (yq_org_node_parent_class)->finalize (object);
}

static void
yq_org_node_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  YqOrgNode *self = YQ_ORG_NODE (object);
  const YqComparisonNode *node = yq_org_node_get_node (self);

  switch (prop_id)
    {
    case NODE_PROP_COMPARISON:
      g_value_set_object (value, self->comparison);
      break;

    case NODE_PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;

    case NODE_PROP_NAME:
      g_value_set_string (value, node->name);
      break;

    case NODE_PROP_OLD_NAME:
      g_value_set_string (value, node->old_name);
      break;

    case NODE_PROP_STATUS:
      g_value_set_uint (value, node->status);
      break;

    case NODE_PROP_IS_PERSON:
      g_value_set_boolean (value, node->is_person);
      break;

    case NODE_PROP_LINKED:
      g_value_set_boolean (value, node->linked);
      break;

    case NODE_PROP_PEOPLE:
      g_value_set_uint (value, node->people);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_org_node_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  YqOrgNode *self = YQ_ORG_NODE (object);

  switch (prop_id)
    {
    case NODE_PROP_COMPARISON:
      self->comparison = g_value_dup_object (value);
      break;

    case NODE_PROP_INDEX:
      self->index = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_org_node_class_init (YqOrgNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = yq_org_node_finalize;
  object_class->get_property = yq_org_node_get_property;
  object_class->set_property = yq_org_node_set_property;

  node_properties[NODE_PROP_COMPARISON] =
    g_param_spec_object ("comparison", NULL, NULL,
                         YQ_TYPE_COMPARISON,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  node_properties[NODE_PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  node_properties[NODE_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  node_properties[NODE_PROP_OLD_NAME] = g_param_spec_string ("old-name", NULL, NULL, NULL, ro);
  /* A YqComparisonStatus; the enum has no GType of its own. */
  node_properties[NODE_PROP_STATUS] =
    g_param_spec_uint ("status", NULL, NULL, 0, YQ_N_COMPARISON_STATUSES - 1, 0, ro);
  node_properties[NODE_PROP_IS_PERSON] =
    g_param_spec_boolean ("is-person", NULL, NULL, FALSE, ro);
  node_properties[NODE_PROP_LINKED] = g_param_spec_boolean ("linked", NULL, NULL, FALSE, ro);
  node_properties[NODE_PROP_PEOPLE] = g_param_spec_uint ("people", NULL, NULL,
                                                         0, G_MAXUINT32, 0, ro);

  g_object_class_install_properties (object_class, NODE_N_PROPS, node_properties);
}

static void
yq_org_node_init (YqOrgNode *self)
{
}

static YqOrgNode *
yq_org_node_new (YqComparison *comparison,
                 guint         index)
{
  YqOrgNode *self = g_object_new (YQ_TYPE_ORG_NODE, NULL);

  /* Skips the property machinery: rows bind by the thousand. */
  self->comparison = g_object_ref (comparison);
  self->index = index;

  return self;
}

YqComparison *
yq_org_node_get_comparison (YqOrgNode *self)
{
  g_return_val_if_fail (YQ_IS_ORG_NODE (self), NULL);

  return self->comparison;
}

guint
yq_org_node_get_index (YqOrgNode *self)
{
  g_return_val_if_fail (YQ_IS_ORG_NODE (self), YQ_COMPARISON_NONE);

  return self->index;
}

const YqComparisonNode *
yq_org_node_get_node (YqOrgNode *self)
{
  g_return_val_if_fail (YQ_IS_ORG_NODE (self), NULL);

  return yq_comparison_get_node (self->comparison, self->index);
}

const char *
yq_org_node_get_name (YqOrgNode *self)
{
  return yq_org_node_get_node (self)->name;
}

YqComparisonStatus
yq_org_node_get_status (YqOrgNode *self)
{
  return yq_org_node_get_node (self)->status;
}

/* YqOrgLevel: the visible children of one node */

#define YQ_TYPE_ORG_LEVEL (yq_org_level_get_type ())

G_DECLARE_FINAL_TYPE (YqOrgLevel, yq_org_level, YQ, ORG_LEVEL, GObject)

struct _YqOrgLevel
{
  GObject       parent_instance;

  YqComparison *comparison;
  GArray       *indices;
};

static void level_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqOrgLevel, yq_org_level, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, level_iface_init))

static GType
yq_org_level_get_item_type (GListModel *model)
{
  return YQ_TYPE_ORG_NODE;
}

static guint
yq_org_level_get_n_items (GListModel *model)
{
  return YQ_ORG_LEVEL (model)->indices->len;
}

static gpointer
yq_org_level_get_item (GListModel *model,
                       guint       position)
{
  YqOrgLevel *self = YQ_ORG_LEVEL (model);

  if (position >= self->indices->len)
    return NULL;

  return yq_org_node_new (self->comparison, g_array_index (self->indices, guint32, position));
}

static void
level_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = yq_org_level_get_item_type;
  iface->get_n_items = yq_org_level_get_n_items;
  iface->get_item = yq_org_level_get_item;
}

static void
yq_org_level_finalize (GObject *object)
{
  YqOrgLevel *self = YQ_ORG_LEVEL (object);

  g_clear_object (&self->comparison);
  g_clear_pointer (&self->indices, g_array_unref);

  G_OBJECT_CLASS (yq_org_level_parent_class)->finalize (object);
}

static void
yq_org_level_class_init (YqOrgLevelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_org_level_finalize;
}

static void
yq_org_level_init (YqOrgLevel *self)
{
  self->indices = g_array_new (FALSE, FALSE, sizeof (guint32));
}

/* Replaces the content; @comparison may be %NULL for an empty level. */
static void
yq_org_level_replace (YqOrgLevel   *self,
                      YqComparison *comparison,
                      GArray       *indices)
{
  guint removed = self->indices->len;

  g_set_object (&self->comparison, comparison);
  g_array_set_size (self->indices, 0);
  if (indices != NULL)
    g_array_append_vals (self->indices, indices->data, indices->len);

  if (removed > 0 || self->indices->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->indices->len);
}

/* YqOrgRows: the rows of the tree for a view. A list view handles every
 * expansion as it comes, which makes a bulk change (a filter, "expand
 * changes") slow; while frozen, the rows tell nothing, and at the thaw
 * they tell everything changed, once. */

#define YQ_TYPE_ORG_ROWS (yq_org_rows_get_type ())

G_DECLARE_FINAL_TYPE (YqOrgRows, yq_org_rows, YQ, ORG_ROWS, GObject)

struct _YqOrgRows
{
  GObject     parent_instance;

  GListModel *tree;
  guint       frozen;
  guint       n_before;
};

static void rows_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqOrgRows, yq_org_rows, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, rows_iface_init))

static GType
yq_org_rows_get_item_type (GListModel *model)
{
  return GTK_TYPE_TREE_LIST_ROW;
}

static guint
yq_org_rows_get_n_items (GListModel *model)
{
  YqOrgRows *self = YQ_ORG_ROWS (model);

  return self->frozen ? self->n_before : g_list_model_get_n_items (self->tree);
}

static gpointer
yq_org_rows_get_item (GListModel *model,
                      guint       position)
{
  YqOrgRows *self = YQ_ORG_ROWS (model);

  if (self->frozen && position >= self->n_before)
    return NULL;

  return g_list_model_get_item (self->tree, position);
}

static void
rows_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = yq_org_rows_get_item_type;
  iface->get_n_items = yq_org_rows_get_n_items;
  iface->get_item = yq_org_rows_get_item;
}

static void
tree_items_changed_cb (YqOrgRows  *self,
                       guint       position,
                       guint       removed,
                       guint       added,
                       GListModel *tree)
{
  if (self->frozen == 0)
    g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
yq_org_rows_finalize (GObject *object)
{
  YqOrgRows *self = YQ_ORG_ROWS (object);

  g_clear_object (&self->tree);

  G_OBJECT_CLASS (yq_org_rows_parent_class)->finalize (object);
}

static void
yq_org_rows_class_init (YqOrgRowsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_org_rows_finalize;
}

static void
yq_org_rows_init (YqOrgRows *self)
{
}

static YqOrgRows *
yq_org_rows_new (GListModel *tree)
{
  YqOrgRows *self = g_object_new (YQ_TYPE_ORG_ROWS, NULL);

  self->tree = g_object_ref (tree);
  g_signal_connect_object (tree, "items-changed",
                           G_CALLBACK (tree_items_changed_cb), self, G_CONNECT_SWAPPED);

  return self;
}

static void
yq_org_rows_freeze (YqOrgRows *self)
{
  if (self->frozen++ == 0)
    self->n_before = g_list_model_get_n_items (self->tree);
}

static void
yq_org_rows_thaw (YqOrgRows *self)
{
  guint n_after;

  g_return_if_fail (self->frozen > 0);

  if (--self->frozen > 0)
    return;

  n_after = g_list_model_get_n_items (self->tree);
  if (self->n_before > 0 || n_after > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->n_before, n_after);
}

/* YqOrgModel */

struct _YqOrgModel
{
  GObject           parent_instance;

  YqComparison     *comparison;
  YqOrgLevel       *top;
  GtkTreeListModel *tree;
  YqOrgRows        *rows;

  guint             statuses;
  gboolean          only_changes;
  char             *search;

  /* NULL when nothing filters: then every node is visible. */
  guint8           *visible;
  guint             n_matches;
};

G_DEFINE_FINAL_TYPE (YqOrgModel, yq_org_model, G_TYPE_OBJECT)

static gboolean
status_is_change (guint status)
{
  return status != YQ_COMPARISON_UNCHANGED &&
         status != YQ_COMPARISON_SKIPPED &&
         status != YQ_COMPARISON_TARGET_ONLY;
}

gboolean
yq_org_model_get_filtered (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), FALSE);

  return self->statuses != YQ_ORG_MODEL_ALL_STATUSES ||
         self->only_changes ||
         (self->search != NULL && *self->search != '\0');
}

static GArray *
visible_children (YqOrgModel *self,
                  guint       index)
{
  const guint32 *children;
  guint n_children = 0;
  GArray *indices;

  children = yq_comparison_get_children (self->comparison, index, &n_children);
  indices = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_children);
  for (guint i = 0; i < n_children; i++)
    if (self->visible == NULL || self->visible[children[i]])
      g_array_append_val (indices, children[i]);

  return indices;
}

gboolean
yq_org_model_has_visible_children (YqOrgModel *self,
                                   guint       index)
{
  const guint32 *children;
  guint n_children = 0;

  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), FALSE);

  if (self->comparison == NULL)
    return FALSE;

  children = yq_comparison_get_children (self->comparison, index, &n_children);
  if (self->visible == NULL)
    return n_children > 0;

  for (guint i = 0; i < n_children; i++)
    if (self->visible[children[i]])
      return TRUE;

  return FALSE;
}

static GListModel *
create_level_cb (gpointer item,
                 gpointer user_data)
{
  YqOrgModel *self = user_data;
  YqOrgNode *node = item;
  g_autoptr(GArray) indices = NULL;
  YqOrgLevel *level;

  if (self->comparison == NULL || node->comparison != self->comparison)
    return NULL;

  indices = visible_children (self, node->index);
  if (indices->len == 0)
    return NULL;

  level = g_object_new (YQ_TYPE_ORG_LEVEL, NULL);
  yq_org_level_replace (level, self->comparison, indices);

  return G_LIST_MODEL (level);
}

/* O(n): every node is tested once, and every ancestor walk stops at the
 * first ancestor already made visible. */
static void
compute_visibility (YqOrgModel *self)
{
  g_autofree char *folded = NULL;
  guint n;

  g_clear_pointer (&self->visible, g_free);
  self->n_matches = 0;

  if (self->comparison == NULL)
    return;

  n = yq_comparison_get_n_nodes (self->comparison);
  if (!yq_org_model_get_filtered (self))
    {
      self->n_matches = n;
      return;
    }

  if (self->search != NULL && *self->search != '\0')
    folded = g_utf8_casefold (self->search, -1);

  self->visible = g_new0 (guint8, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const YqComparisonNode *node = yq_comparison_get_node (self->comparison, i);

      if ((self->statuses & (1u << node->status)) == 0)
        continue;
      if (self->only_changes && !status_is_change (node->status))
        continue;
      if (folded != NULL && !yq_comparison_node_matches (self->comparison, i, folded))
        continue;

      self->n_matches++;
      for (guint j = i; j != YQ_COMPARISON_NONE && !self->visible[j];
           j = yq_comparison_get_node (self->comparison, j)->parent)
        self->visible[j] = 1;
    }
}

static void
refilter (YqOrgModel *self)
{
  g_autoptr(GArray) top = NULL;

  compute_visibility (self);

  if (self->comparison != NULL)
    top = visible_children (self, YQ_COMPARISON_NONE);

  yq_org_rows_freeze (self->rows);
  yq_org_level_replace (self->top, self->comparison, top);
  yq_org_rows_thaw (self->rows);
}

static void
yq_org_model_dispose (GObject *object)
{
  YqOrgModel *self = YQ_ORG_MODEL (object);

  g_clear_object (&self->rows);
  g_clear_object (&self->tree);
  g_clear_object (&self->top);

  G_OBJECT_CLASS (yq_org_model_parent_class)->dispose (object);
}

static void
yq_org_model_finalize (GObject *object)
{
  YqOrgModel *self = YQ_ORG_MODEL (object);

  g_clear_object (&self->comparison);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->visible, g_free);

  G_OBJECT_CLASS (yq_org_model_parent_class)->finalize (object);
}

static void
yq_org_model_class_init (YqOrgModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yq_org_model_dispose;
  object_class->finalize = yq_org_model_finalize;
}

static void
yq_org_model_init (YqOrgModel *self)
{
  self->statuses = YQ_ORG_MODEL_ALL_STATUSES;
  self->top = g_object_new (YQ_TYPE_ORG_LEVEL, NULL);
  /* The tree keeps a reference on the top level; the view never outlives
   * the model, which is the create function's data. */
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->top)),
                                        FALSE, FALSE,
                                        create_level_cb, self, NULL);
  self->rows = yq_org_rows_new (G_LIST_MODEL (self->tree));
}

YqOrgModel *
yq_org_model_new (void)
{
  return g_object_new (YQ_TYPE_ORG_MODEL, NULL);
}

YqComparison *
yq_org_model_get_comparison (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), NULL);

  return self->comparison;
}

void
yq_org_model_set_comparison (YqOrgModel   *self,
                             YqComparison *comparison)
{
  g_return_if_fail (YQ_IS_ORG_MODEL (self));
  g_return_if_fail (!comparison || YQ_IS_COMPARISON (comparison));

  g_set_object (&self->comparison, comparison);
  refilter (self);
}

GtkTreeListModel *
yq_org_model_get_tree (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), NULL);

  return self->tree;
}

GListModel *
yq_org_model_get_rows (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), NULL);

  return G_LIST_MODEL (self->rows);
}

void
yq_org_model_freeze_rows (YqOrgModel *self)
{
  g_return_if_fail (YQ_IS_ORG_MODEL (self));

  yq_org_rows_freeze (self->rows);
}

void
yq_org_model_thaw_rows (YqOrgModel *self)
{
  g_return_if_fail (YQ_IS_ORG_MODEL (self));

  yq_org_rows_thaw (self->rows);
}

guint
yq_org_model_get_statuses (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), 0);

  return self->statuses;
}

void
yq_org_model_set_statuses (YqOrgModel *self,
                           guint       statuses)
{
  g_return_if_fail (YQ_IS_ORG_MODEL (self));

  statuses &= YQ_ORG_MODEL_ALL_STATUSES;
  if (statuses == self->statuses)
    return;

  self->statuses = statuses;
  refilter (self);
}

gboolean
yq_org_model_get_only_changes (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), FALSE);

  return self->only_changes;
}

void
yq_org_model_set_only_changes (YqOrgModel *self,
                               gboolean    only_changes)
{
  g_return_if_fail (YQ_IS_ORG_MODEL (self));

  only_changes = !!only_changes;
  if (only_changes == self->only_changes)
    return;

  self->only_changes = only_changes;
  refilter (self);
}

const char *
yq_org_model_get_search (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), NULL);

  return self->search ? self->search : "";
}

void
yq_org_model_set_search (YqOrgModel *self,
                         const char *text)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (YQ_IS_ORG_MODEL (self));

  stripped = g_strstrip (g_strdup (text ? text : ""));
  if (g_strcmp0 (stripped, yq_org_model_get_search (self)) == 0)
    return;

  g_free (self->search);
  self->search = g_steal_pointer (&stripped);
  refilter (self);
}

gboolean
yq_org_model_is_visible (YqOrgModel *self,
                         guint       index)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), FALSE);

  if (self->comparison == NULL || index >= yq_comparison_get_n_nodes (self->comparison))
    return FALSE;

  return self->visible == NULL || self->visible[index];
}

guint
yq_org_model_get_n_matches (YqOrgModel *self)
{
  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), 0);

  return self->n_matches;
}

static guint
row_index (GtkTreeListRow *row)
{
  g_autoptr(YqOrgNode) node = gtk_tree_list_row_get_item (row);

  return node->index;
}

static gboolean
has_changed_child (YqOrgModel *self,
                   guint       index)
{
  const guint32 *children;
  guint n_children = 0;

  children = yq_comparison_get_children (self->comparison, index, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      if (self->visible != NULL && !self->visible[children[i]])
        continue;
      if (yq_comparison_has_changes_below (self->comparison, children[i]))
        return TRUE;
    }

  return FALSE;
}

guint
yq_org_model_expand_changes (YqOrgModel *self)
{
  guint expanded = 0;

  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), 0);

  if (self->comparison == NULL)
    return 0;

  yq_org_rows_freeze (self->rows);
  refilter (self);

  /* Rows expanded at position i insert their children right after it, so
   * one pass visits the tree in index order. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);

      if (!gtk_tree_list_row_is_expandable (row))
        continue;

      if (has_changed_child (self, row_index (row)))
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          expanded++;
        }
    }
  yq_org_rows_thaw (self->rows);

  return expanded;
}

void
yq_org_model_expand_visible (YqOrgModel *self,
                             guint       max_rows)
{
  g_return_if_fail (YQ_IS_ORG_MODEL (self));

  if (self->comparison == NULL)
    return;

  yq_org_rows_freeze (self->rows);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = NULL;

      if (g_list_model_get_n_items (G_LIST_MODEL (self->tree)) >= max_rows)
        break;

      row = gtk_tree_list_model_get_row (self->tree, i);
      if (gtk_tree_list_row_is_expandable (row))
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
  yq_org_rows_thaw (self->rows);
}

guint
yq_org_model_reveal (YqOrgModel *self,
                     guint       index)
{
  g_autoptr(GArray) chain = NULL;
  g_autoptr(GtkTreeListRow) row = NULL;
  guint parent = YQ_COMPARISON_NONE;

  g_return_val_if_fail (YQ_IS_ORG_MODEL (self), G_MAXUINT);

  if (!yq_org_model_is_visible (self, index))
    return G_MAXUINT;

  chain = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint j = index; j != YQ_COMPARISON_NONE;
       j = yq_comparison_get_node (self->comparison, j)->parent)
    g_array_prepend_val (chain, j);

  for (guint level = 0; level < chain->len; level++)
    {
      guint32 wanted = g_array_index (chain, guint32, level);
      g_autoptr(GArray) siblings = visible_children (self, parent);
      GtkTreeListRow *child = NULL;
      guint position;

      for (position = 0; position < siblings->len; position++)
        if (g_array_index (siblings, guint32, position) == wanted)
          break;
      g_return_val_if_fail (position < siblings->len, G_MAXUINT);

      if (row == NULL)
        child = gtk_tree_list_model_get_child_row (self->tree, position);
      else
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          child = gtk_tree_list_row_get_child_row (row, position);
        }

      g_clear_object (&row);
      row = child;
      parent = wanted;
      if (row == NULL)
        return G_MAXUINT;
    }

  return gtk_tree_list_row_get_position (row);
}
