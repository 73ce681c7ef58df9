/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-bindings-model"

#include "config.h"

#include "yq-bindings-model.h"

/* ---- YqBindingItem ------------------------------------------------------ */

struct _YqBindingItem
{
  GObject    parent_instance;

  GPtrArray *rows;
  guint      index;
};

G_DEFINE_FINAL_TYPE (YqBindingItem, yq_binding_item, G_TYPE_OBJECT)

static void
yq_binding_item_finalize (GObject *object)
{
  YqBindingItem *self = YQ_BINDING_ITEM (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_binding_item_parent_class)->finalize (object);
}

static void
yq_binding_item_class_init (YqBindingItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_binding_item_finalize;
}

static void
yq_binding_item_init (YqBindingItem *self)
{
}

const YqBindingRow *
yq_binding_item_get_row (YqBindingItem *self)
{
  g_return_val_if_fail (YQ_IS_BINDING_ITEM (self), NULL);

  return g_ptr_array_index (self->rows, self->index);
}

/* ---- YqBindingList ------------------------------------------------------ */

struct _YqBindingList
{
  GObject    parent_instance;

  GPtrArray *rows;
};

static void binding_list_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqBindingList, yq_binding_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, binding_list_iface_init))

static GType
yq_binding_list_get_item_type (GListModel *model)
{
  return YQ_TYPE_BINDING_ITEM;
}

static guint
yq_binding_list_get_n_items (GListModel *model)
{
  YqBindingList *self = YQ_BINDING_LIST (model);

  return self->rows != NULL ? self->rows->len : 0;
}

static gpointer
yq_binding_list_get_item (GListModel *model,
                          guint       position)
{
  YqBindingList *self = YQ_BINDING_LIST (model);
  YqBindingItem *item;

  if (self->rows == NULL || position >= self->rows->len)
    return NULL;

  item = g_object_new (YQ_TYPE_BINDING_ITEM, NULL);
  item->rows = g_ptr_array_ref (self->rows);
  item->index = position;

  return item;
}

static void
binding_list_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = yq_binding_list_get_item_type;
  iface->get_n_items = yq_binding_list_get_n_items;
  iface->get_item = yq_binding_list_get_item;
}

static void
yq_binding_list_finalize (GObject *object)
{
  YqBindingList *self = YQ_BINDING_LIST (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_binding_list_parent_class)->finalize (object);
}

static void
yq_binding_list_class_init (YqBindingListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_binding_list_finalize;
}

static void
yq_binding_list_init (YqBindingList *self)
{
}

YqBindingList *
yq_binding_list_new (void)
{
  return g_object_new (YQ_TYPE_BINDING_LIST, NULL);
}

void
yq_binding_list_set_rows (YqBindingList *self,
                          GPtrArray     *rows)
{
  guint removed;

  g_return_if_fail (YQ_IS_BINDING_LIST (self));

  removed = self->rows != NULL ? self->rows->len : 0;
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  if (rows != NULL)
    self->rows = g_ptr_array_ref (rows);

  if (removed > 0 || (rows != NULL && rows->len > 0))
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, rows != NULL ? rows->len : 0);
}

guint
yq_binding_list_find (YqBindingList *self,
                      const char    *platform_id)
{
  g_return_val_if_fail (YQ_IS_BINDING_LIST (self), G_MAXUINT);
  g_return_val_if_fail (platform_id != NULL, G_MAXUINT);

  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      const YqBindingRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (row->platform_id, platform_id) == 0)
        return i;
    }

  return G_MAXUINT;
}

/* ---- YqBindingImportEntry / YqBindingImportList ------------------------- */

/* The preview is not reference counted; an entry keeps the list alive. */
struct _YqBindingImportEntry
{
  GObject              parent_instance;

  YqBindingImportList *list;
  guint                index;
};

struct _YqBindingImportList
{
  GObject                 parent_instance;

  YqBindingImportPreview *preview;
};

G_DEFINE_FINAL_TYPE (YqBindingImportEntry, yq_binding_import_entry, G_TYPE_OBJECT)

static void
yq_binding_import_entry_finalize (GObject *object)
{
  YqBindingImportEntry *self = YQ_BINDING_IMPORT_ENTRY (object);

  g_clear_object (&self->list);

  G_OBJECT_CLASS (yq_binding_import_entry_parent_class)->finalize (object);
}

static void
yq_binding_import_entry_class_init (YqBindingImportEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_binding_import_entry_finalize;
}

static void
yq_binding_import_entry_init (YqBindingImportEntry *self)
{
}

const YqBindingImportItem *
yq_binding_import_entry_get_item (YqBindingImportEntry *self)
{
  g_return_val_if_fail (YQ_IS_BINDING_IMPORT_ENTRY (self), NULL);

  return g_ptr_array_index (self->list->preview->items, self->index);
}

static void import_list_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqBindingImportList, yq_binding_import_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, import_list_iface_init))

static GType
yq_binding_import_list_get_item_type (GListModel *model)
{
  return YQ_TYPE_BINDING_IMPORT_ENTRY;
}

static guint
yq_binding_import_list_get_n_items (GListModel *model)
{
  YqBindingImportList *self = YQ_BINDING_IMPORT_LIST (model);

  return self->preview != NULL ? self->preview->items->len : 0;
}

static gpointer
yq_binding_import_list_get_item (GListModel *model,
                                 guint       position)
{
  YqBindingImportList *self = YQ_BINDING_IMPORT_LIST (model);
  YqBindingImportEntry *entry;

  if (self->preview == NULL || position >= self->preview->items->len)
    return NULL;

  entry = g_object_new (YQ_TYPE_BINDING_IMPORT_ENTRY, NULL);
  entry->list = g_object_ref (self);
  entry->index = position;

  return entry;
}

static void
import_list_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = yq_binding_import_list_get_item_type;
  iface->get_n_items = yq_binding_import_list_get_n_items;
  iface->get_item = yq_binding_import_list_get_item;
}

static void
yq_binding_import_list_finalize (GObject *object)
{
  YqBindingImportList *self = YQ_BINDING_IMPORT_LIST (object);

  g_clear_pointer (&self->preview, yq_binding_import_preview_free);

  G_OBJECT_CLASS (yq_binding_import_list_parent_class)->finalize (object);
}

static void
yq_binding_import_list_class_init (YqBindingImportListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_binding_import_list_finalize;
}

static void
yq_binding_import_list_init (YqBindingImportList *self)
{
}

YqBindingImportList *
yq_binding_import_list_new (void)
{
  return g_object_new (YQ_TYPE_BINDING_IMPORT_LIST, NULL);
}

/* Entries alive from an earlier preview would point at freed items, so
 * the list holds one preview for its lifetime: a new preview gets a new
 * list. */
void
yq_binding_import_list_set_preview (YqBindingImportList    *self,
                                    YqBindingImportPreview *preview)
{
  g_return_if_fail (YQ_IS_BINDING_IMPORT_LIST (self));
  g_return_if_fail (self->preview == NULL);

  self->preview = preview;
  if (preview != NULL && preview->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, preview->items->len);
}

YqBindingImportPreview *
yq_binding_import_list_get_preview (YqBindingImportList *self)
{
  g_return_val_if_fail (YQ_IS_BINDING_IMPORT_LIST (self), NULL);

  return self->preview;
}
