/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-bindings.h"
#include "yq-store.h"

G_BEGIN_DECLS

/* The bindings spreadsheet (用户账号关联关系表): the export of a connector's
 * people and bindings as an .xlsx file (yq-xlsx-writer.h) and the reading
 * of a filled-in copy into import rows (yq-xlsx-reader.h) for
 * yq_bindings_import_preview().
 *
 * The file has a data sheet (the export columns of yq-bindings.h, IDs,
 * mobiles, job numbers and accounts as text) and a notes sheet that says
 * what the columns hold and how to fill in the key column for an import.
 * An import reads the data sheet (by its name in any of the languages the
 * export writes it in, else the first sheet), finds the header row by the
 * column titles and their aliases, and keeps the rows whose key column is
 * filled in. */

/* Streams the filtered export rows into @path, replacing it atomically.
 * @n_rows: (out) (optional): the people written. */
gboolean   yq_bindings_export_file             (YqStore                *store,
                                                gint64                  connector_id,
                                                const YqBindingFilter  *filter,
                                                const char             *path,
                                                GError                **error);
gboolean   yq_bindings_export_file_full        (YqStore                *store,
                                                gint64                  connector_id,
                                                const YqBindingFilter  *filter,
                                                const char             *path,
                                                guint                  *n_rows,
                                                GCancellable           *cancellable,
                                                GError                **error);
/* The same in a worker thread; @filter is copied. */
void       yq_bindings_export_file_async       (YqStore                *store,
                                                gint64                  connector_id,
                                                const YqBindingFilter  *filter,
                                                const char             *path,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
gboolean   yq_bindings_export_file_finish      (GAsyncResult           *result,
                                                guint                  *n_rows,
                                                GError                **error);

/* @rows: (out) (element-type YqBindingImportRow): the rows to preview, in
 * file order, with the row numbers the spreadsheet shows; rows whose key
 * column is empty are left out. Errors name the file and, for a missing
 * column, the columns the header row needs. */
gboolean   yq_bindings_read_import_file        (const char             *path,
                                                YqBindingKeyField       field,
                                                GPtrArray             **rows,
                                                GError                **error);
/* @header: (out) (optional) (array zero-terminated=1): the header row's
 * titles, for #YqBindingImportPreview.header. */
gboolean   yq_bindings_read_import_file_full   (const char             *path,
                                                YqBindingKeyField       field,
                                                GPtrArray             **rows,
                                                char                 ***header,
                                                GCancellable           *cancellable,
                                                GError                **error);
void       yq_bindings_read_import_file_async  (const char             *path,
                                                YqBindingKeyField       field,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
gboolean   yq_bindings_read_import_file_finish (GAsyncResult           *result,
                                                GPtrArray             **rows,
                                                char                 ***header,
                                                GError                **error);

G_END_DECLS
