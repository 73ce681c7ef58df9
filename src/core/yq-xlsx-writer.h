/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define YQ_XLSX_WRITER_ERROR (yq_xlsx_writer_error_quark ())

/**
 * YqXlsxWriterError:
 * @YQ_XLSX_WRITER_ERROR_SHEET_NAME: a sheet name is empty, longer than 31
 *   characters, has one of `[ ] : * ? / \` or is used twice
 * @YQ_XLSX_WRITER_ERROR_TOO_LARGE: more rows than a sheet holds (1,048,576
 *   with the header), more columns than it holds, or a cell longer than
 *   32,767 characters
 * @YQ_XLSX_WRITER_ERROR_FAILED: libxlsxwriter could not put the workbook
 *   together (out of memory, a temporary file could not be written)
 *
 * Errors of the spreadsheet writer. Files that cannot be created, written
 * or renamed give #G_IO_ERROR codes (%G_IO_ERROR_NO_SPACE,
 * %G_IO_ERROR_PERMISSION_DENIED, …) instead.
 */
typedef enum
{
  YQ_XLSX_WRITER_ERROR_SHEET_NAME,
  YQ_XLSX_WRITER_ERROR_TOO_LARGE,
  YQ_XLSX_WRITER_ERROR_FAILED,
} YqXlsxWriterError;

/**
 * YqXlsxWriterKind:
 * @YQ_XLSX_WRITER_TEXT: always a text cell, and the column is formatted as
 *   text (`@`), so that values typed into it later stay text too: IDs,
 *   mobile numbers ("13800138000"), job numbers ("000123"), accounts
 * @YQ_XLSX_WRITER_NUMBER: a number cell when the whole value is a decimal
 *   number, a text cell otherwise
 * @YQ_XLSX_WRITER_DATE: a date cell (shown as yyyy-mm-dd) when the value is
 *   "YYYY-MM-DD", a text cell otherwise
 * @YQ_XLSX_WRITER_DATETIME: a date and time cell (shown as
 *   yyyy-mm-dd hh:mm:ss) when the value is ISO 8601: "YYYY-MM-DD",
 *   "YYYY-MM-DD HH:MM[:SS]" or with a "T"; a value with a time zone ("Z",
 *   "+08:00") is shown in the local time zone, one without is taken as
 *   local time. A text cell otherwise.
 *
 * How the values of a column are written. Spreadsheets have no time zones:
 * dates and times are written as local wall-clock time.
 */
typedef enum
{
  YQ_XLSX_WRITER_TEXT,
  YQ_XLSX_WRITER_NUMBER,
  YQ_XLSX_WRITER_DATE,
  YQ_XLSX_WRITER_DATETIME,
} YqXlsxWriterKind;

/**
 * YqXlsxWriterColumn:
 * @title: the header of the column
 * @kind: how its values are written
 * @width: the width in characters that fits a typical value (a Chinese
 *   character counts two), or 0; the column is never narrower than its
 *   header
 *
 * One column of the data sheet.
 */
typedef struct
{
  const char       *title;
  YqXlsxWriterKind  kind;
  guint             width;
} YqXlsxWriterColumn;

#define YQ_TYPE_XLSX_WRITER (yq_xlsx_writer_get_type ())

G_DECLARE_FINAL_TYPE (YqXlsxWriter, yq_xlsx_writer, YQ, XLSX_WRITER, GObject)

/*
 * A streaming .xlsx writer (libxlsxwriter in constant-memory mode): a data
 * sheet with a bold header row, frozen below it, an autofilter over all
 * rows, then an optional sheet of notes. Rows are written in order and are
 * not kept in memory.
 *
 * The workbook is written to a temporary file next to the path and renamed
 * over it by yq_xlsx_writer_close(), so the path either keeps what it had
 * or holds the whole new file. A writer disposed of without a successful
 * close removes its temporary file.
 */

/* Creates the temporary file next to @path (the folder must exist and be
 * writable); a #G_IO_ERROR naming @path when it cannot. */
YqXlsxWriter *yq_xlsx_writer_new             (const char                *path,
                                              GError                   **error);

const char   *yq_xlsx_writer_get_path        (YqXlsxWriter              *self);

/* Adds the data sheet (first, once) and writes its header row. */
gboolean      yq_xlsx_writer_add_data_sheet  (YqXlsxWriter              *self,
                                              const char                *name,
                                              const YqXlsxWriterColumn  *columns,
                                              guint                      n_columns,
                                              GError                   **error);
/* Writes the next row: one value per column, %NULL or "" for an empty
 * cell. Values that are not UTF-8 are written with U+FFFD in place of the
 * bad bytes. */
gboolean      yq_xlsx_writer_add_row         (YqXlsxWriter              *self,
                                              const char * const        *values,
                                              GError                   **error);
/* The data rows written so far (the header not counted). */
guint         yq_xlsx_writer_get_n_rows      (YqXlsxWriter              *self);

/* Adds the notes sheet (once, after the data sheet): @title in bold and then one
 * wrapped line of text per row (an empty string leaves a blank row). */
gboolean      yq_xlsx_writer_add_notes_sheet (YqXlsxWriter              *self,
                                              const char                *name,
                                              const char                *title,
                                              const char * const        *lines,
                                              GError                   **error);

/* Finishes the workbook and renames it to the path. On failure nothing is
 * left behind and the path keeps what it had. The writer cannot be used
 * afterwards. */
gboolean      yq_xlsx_writer_close           (YqXlsxWriter              *self,
                                              GError                   **error);

GQuark        yq_xlsx_writer_error_quark     (void);

G_END_DECLS
