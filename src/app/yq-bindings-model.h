/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-bindings.h"

G_BEGIN_DECLS

/* List models for the Bindings view: a page of people with their
 * bindings (rows read by yq_bindings_list() in a worker thread), and the
 * items of an import preview. Items are made when asked for, so that a
 * list of 100,000 people costs one array of rows, not 100,000 objects. */

#define YQ_TYPE_BINDING_ITEM (yq_binding_item_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingItem, yq_binding_item, YQ, BINDING_ITEM, GObject)

const YqBindingRow *yq_binding_item_get_row (YqBindingItem *self);

#define YQ_TYPE_BINDING_LIST (yq_binding_list_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingList, yq_binding_list, YQ, BINDING_LIST, GObject)

YqBindingList      *yq_binding_list_new      (void);
/* @rows: (element-type YqBindingRow) (nullable): replaces the content in
 * one change; the list keeps a reference. */
void                yq_binding_list_set_rows (YqBindingList *self,
                                              GPtrArray     *rows);
/* The position of the person, or G_MAXUINT. */
guint               yq_binding_list_find     (YqBindingList *self,
                                              const char    *platform_id);

#define YQ_TYPE_BINDING_IMPORT_ENTRY (yq_binding_import_entry_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingImportEntry, yq_binding_import_entry, YQ, BINDING_IMPORT_ENTRY,
                      GObject)

const YqBindingImportItem *yq_binding_import_entry_get_item (YqBindingImportEntry *self);

#define YQ_TYPE_BINDING_IMPORT_LIST (yq_binding_import_list_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingImportList, yq_binding_import_list, YQ, BINDING_IMPORT_LIST,
                      GObject)

YqBindingImportList    *yq_binding_import_list_new         (void);
/* Takes @preview (nullable) over. */
void                    yq_binding_import_list_set_preview (YqBindingImportList    *self,
                                                            YqBindingImportPreview *preview);
YqBindingImportPreview *yq_binding_import_list_get_preview (YqBindingImportList    *self);

G_END_DECLS
