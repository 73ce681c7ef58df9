/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-bindings.h"

G_BEGIN_DECLS

#define YQ_TYPE_BINDINGS_IMPORT (yq_bindings_import_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingsImport, yq_bindings_import, YQ, BINDINGS_IMPORT, AdwWindow)

/* The association import assistant (关联导入): the key field, the file,
 * a preview of what each row would do with counts per status, apply in
 * one transaction, and a report with the rejected rows and undo. Emits
 * "changed" after the bindings changed (applied or undone). */
YqBindingsImport       *yq_bindings_import_new            (GtkWindow          *parent,
                                                           YqStore            *store,
                                                           YqConnector        *connector);
void                    yq_bindings_import_set_field      (YqBindingsImport   *self,
                                                           YqBindingKeyField   field);
YqBindingKeyField       yq_bindings_import_get_field      (YqBindingsImport   *self);
/* Reads @file in a thread and previews it: what the file chooser does. */
void                    yq_bindings_import_set_file       (YqBindingsImport   *self,
                                                           GFile              *file);
/* "field", "working", "preview" or "report". */
const char             *yq_bindings_import_get_page       (YqBindingsImport   *self);
/* The message shown on the field page after a failure, or %NULL. */
const char             *yq_bindings_import_get_error      (YqBindingsImport   *self);
YqBindingImportPreview *yq_bindings_import_get_preview    (YqBindingsImport   *self);
/* The rows shown: #YqBindingImportEntry items of the status chosen. */
GListModel             *yq_bindings_import_get_rows       (YqBindingsImport   *self);
/* The count button of a status; %YQ_N_BINDING_IMPORT_STATUSES for "All". */
GtkToggleButton        *yq_bindings_import_get_status_button (YqBindingsImport     *self,
                                                              YqBindingImportStatus status);
/* The outcome of the apply, on the report page. */
YqBindingResult        *yq_bindings_import_get_result     (YqBindingsImport   *self);
/* Writes the rejected rows as CSV (yq_binding_import_write_rejected()). */
gboolean                yq_bindings_import_save_rejected  (YqBindingsImport   *self,
                                                           GFile              *file,
                                                           GError            **error);

G_END_DECLS
