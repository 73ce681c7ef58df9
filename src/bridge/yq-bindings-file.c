/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-bindings-file"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-bindings-file.h"
#include "yq-connectors.h"
#include "yq-xlsx-reader.h"
#include "yq-xlsx-writer.h"

/* How many rows at the top of the sheet may come before the header. */
#define HEADER_SEARCH_ROWS 20

/* The data sheet's name as the export writes it, in English and in
 * Chinese; the translated name is tried first. */
#define SHEET_NAME_EN "Bindings"
#define SHEET_NAME_ZH "用户绑定"

static const char *
data_sheet_name (void)
{
  /* Translators: the name of the spreadsheet's data sheet; at most 31
   * characters, none of [ ] : * ? / \ */
  return _("Bindings");
}

/* ---- Export -------------------------------------------------------------- */

static const YqXlsxWriterColumn export_columns[YQ_N_BINDING_EXPORT_COLUMNS] = {
  [YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID]     = { NULL, YQ_XLSX_WRITER_TEXT, 22 },
  [YQ_BINDING_EXPORT_COLUMN_NAME]            = { NULL, YQ_XLSX_WRITER_TEXT, 10 },
  [YQ_BINDING_EXPORT_COLUMN_DEPARTMENT]      = { NULL, YQ_XLSX_WRITER_TEXT, 16 },
  [YQ_BINDING_EXPORT_COLUMN_ACCOUNT]         = { NULL, YQ_XLSX_WRITER_TEXT, 16 },
  [YQ_BINDING_EXPORT_COLUMN_MOBILE]          = { NULL, YQ_XLSX_WRITER_TEXT, 14 },
  [YQ_BINDING_EXPORT_COLUMN_EMAIL]           = { NULL, YQ_XLSX_WRITER_TEXT, 24 },
  [YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER]      = { NULL, YQ_XLSX_WRITER_TEXT, 10 },
  [YQ_BINDING_EXPORT_COLUMN_PLATFORM_STATUS] = { NULL, YQ_XLSX_WRITER_TEXT, 8 },
  [YQ_BINDING_EXPORT_COLUMN_BINDING_STATUS]  = { NULL, YQ_XLSX_WRITER_TEXT, 8 },
  [YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT]      = { NULL, YQ_XLSX_WRITER_TEXT, 16 },
  [YQ_BINDING_EXPORT_COLUMN_OA_NAME]         = { NULL, YQ_XLSX_WRITER_TEXT, 10 },
  [YQ_BINDING_EXPORT_COLUMN_BOUND_AT]        = { NULL, YQ_XLSX_WRITER_DATETIME, 19 },
  [YQ_BINDING_EXPORT_COLUMN_BIND_SOURCE]     = { NULL, YQ_XLSX_WRITER_TEXT, 10 },
};

typedef struct
{
  YqXlsxWriter *writer;
  GCancellable *cancellable;
  gboolean      header_done;
} ExportData;

static gboolean
export_cells_cb (const char * const  *cells,
                 gpointer             user_data,
                 GError             **error)
{
  ExportData *data = user_data;

  if (g_cancellable_set_error_if_cancelled (data->cancellable, error))
    return FALSE;

  if (!data->header_done)
    {
      YqXlsxWriterColumn columns[YQ_N_BINDING_EXPORT_COLUMNS];

      memcpy (columns, export_columns, sizeof columns);
      for (guint i = 0; i < YQ_N_BINDING_EXPORT_COLUMNS; i++)
        columns[i].title = cells[i];

      data->header_done = TRUE;
      return yq_xlsx_writer_add_data_sheet (data->writer, data_sheet_name (), columns,
                                            YQ_N_BINDING_EXPORT_COLUMNS, error);
    }

  return yq_xlsx_writer_add_row (data->writer, cells, error);
}

static gboolean
add_notes (YqXlsxWriter  *writer,
           YqConnector   *connector,
           GError       **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M");
  const struct
  {
    YqBindingExportColumn column;
    const char           *text;
  } explained[] = {
    { YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID,
      N_("the person’s ID on the platform. An import finds the person by it: keep it as it "
         "is.") },
    { YQ_BINDING_EXPORT_COLUMN_NAME, N_("the name on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_DEPARTMENT, N_("the person’s main department on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_ACCOUNT, N_("the login account on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_MOBILE, N_("the mobile number on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_EMAIL, N_("the e-mail address on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER, N_("the job number on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_PLATFORM_STATUS,
      N_("whether the person is active or disabled on the platform.") },
    { YQ_BINDING_EXPORT_COLUMN_BINDING_STATUS,
      N_("whether the person is bound to an OA account.") },
    { YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT,
      N_("the OA account the person is bound to; empty when unbound. Fill it in to bind "
         "the person by OA account.") },
    { YQ_BINDING_EXPORT_COLUMN_OA_NAME, N_("the bound person’s name in the OA directory.") },
    { YQ_BINDING_EXPORT_COLUMN_BOUND_AT, N_("when the binding was made.") },
    { YQ_BINDING_EXPORT_COLUMN_BIND_SOURCE,
      N_("how the binding was made: by the binding rule, by hand, by an import or by a "
         "sync.") },
  };

  g_ptr_array_add (lines,
                   g_strdup_printf (_("The people of the connector “%s” and their OA "
                                      "bindings, exported on %s."),
                                    yq_connector_get_name (connector), when));
  g_ptr_array_add (lines, g_strdup (""));
  g_ptr_array_add (lines, g_strdup (_("Columns")));
  for (guint i = 0; i < G_N_ELEMENTS (explained); i++)
    /* Translators: a column title, then what the column holds */
    g_ptr_array_add (lines, g_strdup_printf (_("%s: %s"),
                                             yq_binding_export_column_title (explained[i].column),
                                             _(explained[i].text)));
  g_ptr_array_add (lines, g_strdup (""));
  g_ptr_array_add (lines, g_strdup (_("Binding people with this file")));
  g_ptr_array_add (lines,
                   g_strdup_printf (_("1. Choose the key that identifies the OA person: the OA "
                                      "account, the job number, the mobile number or the "
                                      "e-mail address. For the OA account, fill in the column "
                                      "“%s”; for the others, the column “%s”, “%s” or “%s” "
                                      "must hold the OA person’s value."),
                                    yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT),
                                    yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER),
                                    yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_MOBILE),
                                    yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_EMAIL)));
  g_ptr_array_add (lines,
                   g_strdup_printf (_("2. Keep the column “%s” and the header row. Enter IDs, "
                                      "mobile numbers and job numbers as text, so that leading "
                                      "zeros stay. Rows whose key column is empty are left "
                                      "out; the other columns are not read."),
                                    yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID)));
  g_ptr_array_add (lines,
                   g_strdup (_("3. Save the file as .xlsx and import it in Yunqiao (Bindings, "
                               "Import) or with “yunqiaoctl bindings import CONNECTOR FILE "
                               "--field account|job-number|mobile|email --dry-run”. The "
                               "preview shows for each row whether it will bind, is already "
                               "bound, is bound to someone else, is not found, is ambiguous "
                               "or is invalid; applying binds the rows that will bind, in one "
                               "step that can be undone.")));
  g_ptr_array_add (lines, NULL);

  return yq_xlsx_writer_add_notes_sheet (writer,
                                         /* Translators: the name of the spreadsheet's
                                          * notes sheet; at most 31 characters */
                                         _("Notes"),
                                         _("How to use this file"),
                                         (const char * const *) lines->pdata, error);
}

/**
 * yq_bindings_export_file_full:
 * @store: the store
 * @connector_id: the connector
 * @filter: (nullable): which people; %NULL for everyone
 * @path: the .xlsx file to write
 * @n_rows: (out) (optional): the people written
 * @cancellable: (nullable): stops between rows; @path then keeps what it had
 * @error: return location for an error
 *
 * Returns: %TRUE when @path holds the whole export
 */
gboolean
yq_bindings_export_file_full (YqStore                *store,
                              gint64                  connector_id,
                              const YqBindingFilter  *filter,
                              const char             *path,
                              guint                  *n_rows,
                              GCancellable           *cancellable,
                              GError                **error)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqXlsxWriter) writer = NULL;
  YqBindingFilter everyone = { 0 };
  ExportData data = { NULL, cancellable, FALSE };
  guint written;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  connector = yq_connectors_get (store, connector_id, error);
  if (connector == NULL)
    return FALSE;

  writer = yq_xlsx_writer_new (path, error);
  if (writer == NULL)
    return FALSE;

  data.writer = writer;
  if (!yq_bindings_export (store, connector_id, filter != NULL ? filter : &everyone,
                           export_cells_cb, &data, error))
    return FALSE;

  written = yq_xlsx_writer_get_n_rows (writer);

  if (!add_notes (writer, connector, error))
    return FALSE;

  if (!yq_xlsx_writer_close (writer, error))
    return FALSE;

  if (n_rows != NULL)
    *n_rows = written;

  return TRUE;
}

gboolean
yq_bindings_export_file (YqStore                *store,
                         gint64                  connector_id,
                         const YqBindingFilter  *filter,
                         const char             *path,
                         GError                **error)
{
  return yq_bindings_export_file_full (store, connector_id, filter, path, NULL, NULL, error);
}

typedef struct
{
  YqStore         *store;
  gint64           connector_id;
  YqBindingFilter  filter;
  char            *department_id;
  char            *search;
  char            *path;
} ExportTaskData;

static void
export_task_data_free (ExportTaskData *data)
{
  g_clear_object (&data->store);
  g_free (data->department_id);
  g_free (data->search);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportTaskData *data = task_data;
  g_autoptr(GError) error = NULL;
  guint n_rows = 0;

  if (!yq_bindings_export_file_full (data->store, data->connector_id, &data->filter, data->path,
                                     &n_rows, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, n_rows);
}

void
yq_bindings_export_file_async (YqStore                *store,
                               gint64                  connector_id,
                               const YqBindingFilter  *filter,
                               const char             *path,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportTaskData *data;

  g_return_if_fail (YQ_IS_STORE (store));
  g_return_if_fail (path != NULL);

  data = g_new0 (ExportTaskData, 1);
  data->store = g_object_ref (store);
  data->connector_id = connector_id;
  if (filter != NULL)
    data->filter = *filter;
  data->department_id = g_strdup (data->filter.department_id);
  data->search = g_strdup (data->filter.search);
  data->filter.department_id = data->department_id;
  data->filter.search = data->search;
  data->path = g_strdup (path);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_bindings_export_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) export_task_data_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
yq_bindings_export_file_finish (GAsyncResult  *result,
                                guint         *n_rows,
                                GError       **error)
{
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        yq_bindings_export_file_async, FALSE);

  value = g_task_propagate_int (G_TASK (result), error);
  if (value < 0)
    return FALSE;

  if (n_rows != NULL)
    *n_rows = (guint) value;

  return TRUE;
}

/* ---- Import -------------------------------------------------------------- */

/* The header names each column may have besides its translated export
 * title, so that a file exported in another language, or made by hand,
 * reads too. Blanks, case and the marks * : ： do not matter. */
static const char *const platform_id_aliases[] = {
  "Platform ID", "平台人员ID", "平台ID", NULL
};
static const char *const account_aliases[] = {
  "OA account", "OA账号", "OA帐号", "账号", "帐号", "Account", NULL
};
static const char *const job_number_aliases[] = {
  "Job number", "工号", NULL
};
static const char *const mobile_aliases[] = {
  "Mobile", "手机", "手机号", "手机号码", NULL
};
static const char *const email_aliases[] = {
  "E-mail", "Email", "邮箱", "电子邮箱", NULL
};

static void
key_column (YqBindingKeyField   field,
            YqXlsxColumn       *column)
{
  switch (field)
    {
    case YQ_BINDING_KEY_JOB_NUMBER:
      column->name = yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER);
      column->aliases = job_number_aliases;
      break;
    case YQ_BINDING_KEY_MOBILE:
      column->name = yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_MOBILE);
      column->aliases = mobile_aliases;
      break;
    case YQ_BINDING_KEY_EMAIL:
      column->name = yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_EMAIL);
      column->aliases = email_aliases;
      break;
    case YQ_BINDING_KEY_ACCOUNT:
    default:
      column->name = yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT);
      column->aliases = account_aliases;
      break;
    }
  column->optional = FALSE;
}

static gboolean
select_data_sheet (YqXlsxReader  *reader,
                   GError       **error)
{
  const char *const *names = yq_xlsx_reader_get_sheet_names (reader);
  const char *wanted[] = { data_sheet_name (), SHEET_NAME_EN, SHEET_NAME_ZH };

  for (guint w = 0; w < G_N_ELEMENTS (wanted); w++)
    for (guint i = 0; names != NULL && names[i] != NULL; i++)
      if (g_str_equal (names[i], wanted[w]))
        return yq_xlsx_reader_select_sheet (reader, names[i], error);

  return yq_xlsx_reader_select_sheet (reader, NULL, error);
}

static const char *
cell_at (GPtrArray *cells,
         int        index)
{
  if (index < 0 || (guint) index >= cells->len)
    return NULL;

  return g_ptr_array_index (cells, index);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    if (!g_unichar_isspace (g_utf8_get_char (c)))
      return FALSE;

  return TRUE;
}

/* The cells as a NULL-terminated vector of at least @width strings, empty
 * cells as "", so that the rejected-rows report keeps the columns. */
static char **
cells_to_strv (GPtrArray *cells,
               guint      width)
{
  guint n = MAX (cells->len, width);
  char **strv = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    strv[i] = g_strdup (i < cells->len && cells->pdata[i] != NULL ? cells->pdata[i] : "");

  return strv;
}

/**
 * yq_bindings_read_import_file_full:
 * @path: the .xlsx file
 * @field: what the key column holds
 * @rows: (out) (transfer full) (element-type YqBindingImportRow): the rows
 * @header: (out) (optional) (transfer full): the header row's titles
 * @cancellable: (nullable): stops between rows
 * @error: return location for an error
 *
 * Returns: %TRUE with @rows set, or %FALSE with @error naming the file
 */
gboolean
yq_bindings_read_import_file_full (const char          *path,
                                   YqBindingKeyField    field,
                                   GPtrArray          **rows,
                                   char              ***header,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  g_auto(GStrv) titles = NULL;
  YqXlsxLimits limits;
  YqXlsxColumn columns[2] = { { 0 } };
  int indices[2] = { -1, -1 };
  guint header_row = 0;
  guint row_number = 0;
  guint width;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (rows != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display = g_filename_display_name (path);
  yq_xlsx_limits_init (&limits);

  columns[0].name = yq_binding_export_column_title (YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID);
  columns[0].aliases = platform_id_aliases;
  columns[0].optional = FALSE;
  key_column (field, &columns[1]);

  reader = yq_xlsx_reader_new (path, &limits, &local_error);
  if (reader == NULL || !select_data_sheet (reader, &local_error) ||
      !yq_xlsx_reader_find_header (reader, columns, G_N_ELEMENTS (columns), HEADER_SEARCH_ROWS,
                                   &header_row, indices, &local_error))
    goto failed;

  /* The header's other titles, for the report of rejected rows: read the
   * sheet again up to the header row. */
  if (!yq_xlsx_reader_select_sheet (reader, yq_xlsx_reader_get_sheet_name (reader),
                                    &local_error))
    goto failed;
  while (row_number < header_row)
    {
      g_clear_pointer (&cells, g_ptr_array_unref);
      if (!yq_xlsx_reader_next_row (reader, &row_number, &cells, &local_error))
        {
          if (local_error == NULL)
            g_set_error (&local_error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_CORRUPT,
                         _("the header row %u could not be read again"), header_row);
          goto failed;
        }
    }
  width = cells->len;
  titles = cells_to_strv (cells, width);
  g_clear_pointer (&cells, g_ptr_array_unref);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_binding_import_row_free);
  while (yq_xlsx_reader_next_row (reader, &row_number, &cells, &local_error))
    {
      const char *platform_id = cell_at (cells, indices[0]);
      const char *key = cell_at (cells, indices[1]);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!is_blank (key))
        {
          g_auto(GStrv) strv = cells_to_strv (cells, width);
          g_autofree char *id = is_blank (platform_id) ? NULL
                                                       : g_strstrip (g_strdup (platform_id));

          g_ptr_array_add (result, yq_binding_import_row_new (row_number, id, key,
                                                              (const char * const *) strv));
        }
      g_clear_pointer (&cells, g_ptr_array_unref);
    }
  if (local_error != NULL)
    goto failed;

  *rows = g_steal_pointer (&result);
  if (header != NULL)
    *header = g_steal_pointer (&titles);

  return TRUE;

failed:
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                              _("Could not read the bindings file “%s”: "), display);
  return FALSE;
}

gboolean
yq_bindings_read_import_file (const char          *path,
                              YqBindingKeyField    field,
                              GPtrArray          **rows,
                              GError             **error)
{
  return yq_bindings_read_import_file_full (path, field, rows, NULL, NULL, error);
}

typedef struct
{
  char              *path;
  YqBindingKeyField  field;
} ReadTaskData;

typedef struct
{
  GPtrArray  *rows;
  char      **header;
} ReadResult;

static void
read_task_data_free (ReadTaskData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
read_result_free (ReadResult *result)
{
  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_strfreev (result->header);
  g_free (result);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadTaskData *data = task_data;
  g_autoptr(GError) error = NULL;
  ReadResult *result = g_new0 (ReadResult, 1);

  if (!yq_bindings_read_import_file_full (data->path, data->field, &result->rows,
                                          &result->header, cancellable, &error))
    {
      read_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) read_result_free);
}

void
yq_bindings_read_import_file_async (const char          *path,
                                    YqBindingKeyField    field,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadTaskData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (ReadTaskData, 1);
  data->path = g_strdup (path);
  data->field = field;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_bindings_read_import_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_task_data_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * yq_bindings_read_import_file_finish:
 * @result: the result
 * @rows: (out) (transfer full) (element-type YqBindingImportRow): the rows
 * @header: (out) (optional) (transfer full): the header row's titles
 * @error: return location for an error
 *
 * Returns: %TRUE with @rows set
 */
gboolean
yq_bindings_read_import_file_finish (GAsyncResult   *result,
                                     GPtrArray     **rows,
                                     char         ***header,
                                     GError        **error)
{
  ReadResult *read;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        yq_bindings_read_import_file_async, FALSE);
  g_return_val_if_fail (rows != NULL, FALSE);

  read = g_task_propagate_pointer (G_TASK (result), error);
  if (read == NULL)
    return FALSE;

  *rows = g_steal_pointer (&read->rows);
  if (header != NULL)
    *header = g_steal_pointer (&read->header);
  read_result_free (read);

  return TRUE;
}
