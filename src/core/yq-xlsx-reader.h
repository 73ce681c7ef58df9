/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define YQ_XLSX_ERROR (yq_xlsx_error_quark ())

/**
 * YqXlsxError:
 * @YQ_XLSX_ERROR_CORRUPT: the file is not a zip archive, is truncated, or a
 *   part fails its checksum; a cell refers to a shared string that does not
 *   exist
 * @YQ_XLSX_ERROR_MISSING_PART: a part the workbook needs (the workbook, its
 *   relationships, a sheet, the shared strings) is not in the archive
 * @YQ_XLSX_ERROR_BAD_XML: a part is not well-formed XML, or has a DTD
 * @YQ_XLSX_ERROR_LIMIT: the file exceeds one of the #YqXlsxLimits
 * @YQ_XLSX_ERROR_NO_SHEET: the workbook has no sheet, or none of the
 *   requested name
 * @YQ_XLSX_ERROR_HEADER: no header row has all the required columns
 *
 * Errors of #YqXlsxReader. Messages name the part, and the row where there
 * is one ("xl/worksheets/sheet1.xml, row 12: …").
 */
typedef enum
{
  YQ_XLSX_ERROR_CORRUPT,
  YQ_XLSX_ERROR_MISSING_PART,
  YQ_XLSX_ERROR_BAD_XML,
  YQ_XLSX_ERROR_LIMIT,
  YQ_XLSX_ERROR_NO_SHEET,
  YQ_XLSX_ERROR_HEADER,
} YqXlsxError;

/**
 * YqXlsxLimits:
 * @max_part_size: uncompressed bytes of one part (default 200 MB)
 * @max_ratio: uncompressed / compressed size of one part, checked for parts
 *   larger than 1 MB (default 100)
 * @max_rows: the highest row number (default 1,048,576, as in Excel)
 * @max_columns: the highest column number (default 16,384, column XFD)
 * @max_string_length: characters of one string (default 32,767, as in Excel)
 * @max_shared_strings: entries of the shared string table (default 5,000,000)
 * @max_shared_string_bytes: total UTF-8 bytes of the shared string table
 *   (default 100 MB)
 *
 * Limits against hostile files; exceeding one gives %YQ_XLSX_ERROR_LIMIT
 * naming it. Initialise with yq_xlsx_limits_init() and change what you need.
 */
typedef struct
{
  guint64 max_part_size;
  guint   max_ratio;
  guint   max_rows;
  guint   max_columns;
  guint   max_string_length;
  guint   max_shared_strings;
  guint64 max_shared_string_bytes;
} YqXlsxLimits;

/**
 * YqXlsxColumn:
 * @name: the column's name, used in error messages
 * @aliases: (nullable): more names the header cell may have, %NULL-terminated
 * @optional: a missing optional column is not an error; its index is -1
 *
 * One expected column for yq_xlsx_reader_find_header(). Header cells match
 * ignoring case, blanks and the marks "*", ":" and "：".
 */
typedef struct
{
  const char        *name;
  const char *const *aliases;
  gboolean           optional;
} YqXlsxColumn;

#define YQ_TYPE_XLSX_READER (yq_xlsx_reader_get_type ())

G_DECLARE_FINAL_TYPE (YqXlsxReader, yq_xlsx_reader, YQ, XLSX_READER, GObject)

GQuark              yq_xlsx_error_quark             (void);

void                yq_xlsx_limits_init             (YqXlsxLimits        *limits);

YqXlsxReader       *yq_xlsx_reader_new              (const char          *path,
                                                     const YqXlsxLimits  *limits,
                                                     GError             **error);
const char *const  *yq_xlsx_reader_get_sheet_names  (YqXlsxReader        *self);
const char         *yq_xlsx_reader_get_sheet_name   (YqXlsxReader        *self);
gboolean            yq_xlsx_reader_get_date1904     (YqXlsxReader        *self);
gboolean            yq_xlsx_reader_select_sheet     (YqXlsxReader        *self,
                                                     const char          *name,
                                                     GError             **error);
gboolean            yq_xlsx_reader_next_row         (YqXlsxReader        *self,
                                                     guint               *row_number,
                                                     GPtrArray          **cells,
                                                     GError             **error);
gboolean            yq_xlsx_reader_find_header      (YqXlsxReader        *self,
                                                     const YqXlsxColumn  *columns,
                                                     guint                n_columns,
                                                     guint                max_rows,
                                                     guint               *header_row,
                                                     int                 *indices,
                                                     GError             **error);

G_END_DECLS
