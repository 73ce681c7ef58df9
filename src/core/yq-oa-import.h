/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-org.h"
#include "yq-store.h"

G_BEGIN_DECLS

#define YQ_OA_IMPORT_ERROR (yq_oa_import_error_quark ())

/**
 * YqOaImportError:
 * @YQ_OA_IMPORT_ERROR_ENCODING: the file is not UTF-8, UTF-16 or GB18030
 *   (GBK) text
 * @YQ_OA_IMPORT_ERROR_SYNTAX: the file is not CSV (a quote is not closed,
 *   binary data, a spreadsheet workbook)
 * @YQ_OA_IMPORT_ERROR_EMPTY: the file has no header row
 * @YQ_OA_IMPORT_ERROR_COLUMNS: a required column is missing, or two columns
 *   fill the same field
 * @YQ_OA_IMPORT_ERROR_MAPPING: an explicit mapping names a column the file
 *   does not have, or a field that does not exist
 * @YQ_OA_IMPORT_ERROR_ROOT: the department paths do not share one top
 *   department, or it is not the OA directory's top department
 *
 * Errors that stop an import as a whole; nothing is imported then.
 * Problems of single rows are listed in the #YqOaImportReport instead.
 */
typedef enum
{
  YQ_OA_IMPORT_ERROR_ENCODING,
  YQ_OA_IMPORT_ERROR_SYNTAX,
  YQ_OA_IMPORT_ERROR_EMPTY,
  YQ_OA_IMPORT_ERROR_COLUMNS,
  YQ_OA_IMPORT_ERROR_MAPPING,
  YQ_OA_IMPORT_ERROR_ROOT,
} YqOaImportError;

/**
 * YqOaField:
 * @YQ_OA_FIELD_IGNORE: the column is not imported
 * @YQ_OA_FIELD_ACCOUNT: the OA account (required; people are matched by it,
 *   ignoring ASCII case)
 * @YQ_OA_FIELD_NAME: the person's name (required)
 * @YQ_OA_FIELD_JOB_NUMBER: job number (工号)
 * @YQ_OA_FIELD_MOBILE: mobile number
 * @YQ_OA_FIELD_EMAIL: e-mail address
 * @YQ_OA_FIELD_DEPARTMENT: the department as a path from the top department
 *   ("总部/财务处/预算科", "/" inside a name written as "\/"), or a single
 *   name that names exactly one department (required)
 * @YQ_OA_FIELD_TITLE: position title (职务)
 * @YQ_OA_FIELD_ORDER: sort order inside the department (a whole number)
 * @YQ_OA_FIELD_STATUS: 正常 / 启用 / active or 停用 / 禁用 / disabled
 * @YQ_OA_FIELD_PASSWORD_HASH: the OA password as a hash in the format of
 *   yq_password_hash(), "pbkdf2-sha256$<iterations>$<salt base64>$<hash
 *   base64>" (密码哈希); an empty cell keeps the stored password. Plain-text
 *   passwords cannot be imported: set those with `yunqiaoctl oa
 *   set-password`. Export never writes this column.
 *
 * The fields a CSV column can fill.
 */
typedef enum
{
  YQ_OA_FIELD_IGNORE = -1,
  YQ_OA_FIELD_ACCOUNT,
  YQ_OA_FIELD_NAME,
  YQ_OA_FIELD_JOB_NUMBER,
  YQ_OA_FIELD_MOBILE,
  YQ_OA_FIELD_EMAIL,
  YQ_OA_FIELD_DEPARTMENT,
  YQ_OA_FIELD_TITLE,
  YQ_OA_FIELD_ORDER,
  YQ_OA_FIELD_STATUS,
  YQ_OA_FIELD_PASSWORD_HASH,
} YqOaField;

#define YQ_N_OA_FIELDS 10

/* "account", "job_number", … and "ignore". */
const char *yq_oa_field_to_string   (YqOaField    field);
/* Accepts the names of yq_oa_field_to_string() and every column alias
 * (账号, 登录名, 工号, 手机号, …), ignoring case, blanks, "_" and "-". */
gboolean    yq_oa_field_from_string (const char  *text,
                                     YqOaField   *field);

/**
 * YqOaImportMapping:
 *
 * Explicit COLUMN=FIELD choices that override the header aliases.
 */
typedef struct _YqOaImportMapping YqOaImportMapping;

YqOaImportMapping *yq_oa_import_mapping_new      (void);
void               yq_oa_import_mapping_free     (YqOaImportMapping  *mapping);
void               yq_oa_import_mapping_add      (YqOaImportMapping  *mapping,
                                                  const char         *column,
                                                  YqOaField           field);
/* Parses "COLUMN=FIELD" (the last "=" separates them);
 * YQ_OA_IMPORT_ERROR_MAPPING when it is malformed or names no field. */
gboolean           yq_oa_import_mapping_add_spec (YqOaImportMapping  *mapping,
                                                  const char         *spec,
                                                  GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqOaImportMapping, yq_oa_import_mapping_free)

/**
 * YqOaImportRejection:
 * @line: the line of the file where the row starts (the header is line 1)
 * @account: (nullable): the row's account, when it has one
 * @reason: why the row was not imported (translated)
 */
typedef struct
{
  guint  line;
  char  *account;
  char  *reason;
} YqOaImportRejection;

/**
 * YqOaImportReport:
 * @encoding: the character encoding the file was read in ("UTF-8",
 *   "GB18030", "UTF-16LE", "UTF-16BE")
 * @delimiter: the field separator found in the header row
 * @dry_run: nothing was written
 * @rows: data rows read (blank rows are skipped and not counted)
 * @departments_created: departments created for the paths of the file
 * @people_added: new accounts
 * @people_updated: existing accounts with changes
 * @people_unchanged: existing accounts the file did not change
 * @rejected: (element-type YqOaImportRejection): rows not imported, by line
 * @created_departments: (element-type utf8): paths of the departments
 *   created, in the order they were created
 * @columns: for every #YqOaField, the header of the column that filled it,
 *   or %NULL
 * @ignored_columns: (element-type utf8): headers of columns not imported
 *
 * What an import did (or, for a dry run, would do).
 */
typedef struct
{
  char       *encoding;
  char        delimiter;
  gboolean    dry_run;
  guint       rows;
  guint       departments_created;
  guint       people_added;
  guint       people_updated;
  guint       people_unchanged;
  GPtrArray  *rejected;
  GPtrArray  *created_departments;
  char       *columns[YQ_N_OA_FIELDS];
  GPtrArray  *ignored_columns;
} YqOaImportReport;

void     yq_oa_import_report_free (YqOaImportReport         *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqOaImportReport, yq_oa_import_report_free)

gboolean yq_oa_import_csv         (YqStore                  *store,
                                   GFile                    *file,
                                   const YqOaImportMapping  *mapping,
                                   gboolean                  dry_run,
                                   YqOaImportReport        **report,
                                   GError                  **error);
/* The same for data already read; @source names it in messages. */
gboolean yq_oa_import_csv_bytes   (YqStore                  *store,
                                   GBytes                   *data,
                                   const char               *source,
                                   const YqOaImportMapping  *mapping,
                                   gboolean                  dry_run,
                                   YqOaImportReport        **report,
                                   GError                  **error);

/**
 * YqOaExportReport:
 * @people: rows written, one per person
 * @departments: departments in the directory
 * @departments_not_written: departments that neither have people nor
 *   contain departments with people, so no row names them
 * @ambiguous_paths: (array zero-terminated=1): department paths written
 *   that name more than one department (same names at one level); an
 *   import cannot tell those departments apart
 */
typedef struct
{
  guint   people;
  guint   departments;
  guint   departments_not_written;
  char  **ambiguous_paths;
} YqOaExportReport;

void     yq_oa_export_report_free (YqOaExportReport         *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqOaExportReport, yq_oa_export_report_free)

/* The OA directory as CSV (UTF-8 with a byte order mark, CRLF line ends),
 * one row per person with the columns the import reads. */
GBytes  *yq_oa_export_csv         (YqStore                  *store,
                                   YqOaExportReport        **report,
                                   GError                  **error);

/* The path of department @id from the top department, as the CSV columns
 * write it; %NULL when @id is not in @snapshot. */
char    *yq_oa_department_path    (YqOrgSnapshot            *snapshot,
                                   const char               *id);

GQuark   yq_oa_import_error_quark (void);

G_END_DECLS
