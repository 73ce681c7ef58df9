/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-oa-import"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "yq-oa-directory-private.h"
#include "yq-oa-import.h"
#include "yq-password.h"
#include "yq-store-private.h"

/* The CSV import and export of the built-in OA directory.
 *
 * Passwords: the optional column password_hash (密码哈希) takes hashes in
 * the format of yq_password_hash() only, checked with
 * yq_password_hash_is_valid(); a row with any other value is rejected
 * without repeating the value, and an empty cell keeps the stored
 * password. Plain-text passwords are not importable on purpose (a CSV
 * file full of them would lie around in mail and shared folders): set them
 * with `yunqiaoctl oa set-password`. Export never writes hashes. */

/* Far beyond any organisation's directory; stops a wrong file early. */
#define MAX_FILE_SIZE (512 * 1024 * 1024)
/* Lines named in one message before "…". */
#define MAX_LINES_NAMED 5

G_DEFINE_QUARK (yq-oa-import-error-quark, yq_oa_import_error)

/* Fields and their aliases */

static const char * const field_names[YQ_N_OA_FIELDS] = {
  "account", "name", "job_number", "mobile", "email", "department", "title", "order", "status",
  "password_hash",
};

/* The headers seen in OA and HR exports, as normalize_key() leaves them. */
static const struct
{
  const char *key;
  YqOaField   field;
} aliases[] = {
  { "account", YQ_OA_FIELD_ACCOUNT },
  { "账号", YQ_OA_FIELD_ACCOUNT },
  { "帐号", YQ_OA_FIELD_ACCOUNT },
  { "登录名", YQ_OA_FIELD_ACCOUNT },
  { "登录账号", YQ_OA_FIELD_ACCOUNT },
  { "登录帐号", YQ_OA_FIELD_ACCOUNT },
  { "用户名", YQ_OA_FIELD_ACCOUNT },
  { "用户账号", YQ_OA_FIELD_ACCOUNT },
  { "oa账号", YQ_OA_FIELD_ACCOUNT },
  { "login", YQ_OA_FIELD_ACCOUNT },
  { "loginname", YQ_OA_FIELD_ACCOUNT },
  { "username", YQ_OA_FIELD_ACCOUNT },

  { "name", YQ_OA_FIELD_NAME },
  { "姓名", YQ_OA_FIELD_NAME },
  { "名字", YQ_OA_FIELD_NAME },
  { "人员姓名", YQ_OA_FIELD_NAME },
  { "用户姓名", YQ_OA_FIELD_NAME },
  { "fullname", YQ_OA_FIELD_NAME },
  { "displayname", YQ_OA_FIELD_NAME },

  { "jobnumber", YQ_OA_FIELD_JOB_NUMBER },
  { "工号", YQ_OA_FIELD_JOB_NUMBER },
  { "员工编号", YQ_OA_FIELD_JOB_NUMBER },
  { "员工号", YQ_OA_FIELD_JOB_NUMBER },
  { "职工号", YQ_OA_FIELD_JOB_NUMBER },
  { "职工编号", YQ_OA_FIELD_JOB_NUMBER },
  { "人员编号", YQ_OA_FIELD_JOB_NUMBER },
  { "jobno", YQ_OA_FIELD_JOB_NUMBER },
  { "employeenumber", YQ_OA_FIELD_JOB_NUMBER },
  { "employeeno", YQ_OA_FIELD_JOB_NUMBER },
  { "employeeid", YQ_OA_FIELD_JOB_NUMBER },
  { "staffno", YQ_OA_FIELD_JOB_NUMBER },

  { "mobile", YQ_OA_FIELD_MOBILE },
  { "手机", YQ_OA_FIELD_MOBILE },
  { "手机号", YQ_OA_FIELD_MOBILE },
  { "手机号码", YQ_OA_FIELD_MOBILE },
  { "移动电话", YQ_OA_FIELD_MOBILE },
  { "mobilephone", YQ_OA_FIELD_MOBILE },
  { "mobilenumber", YQ_OA_FIELD_MOBILE },
  { "cellphone", YQ_OA_FIELD_MOBILE },
  { "phone", YQ_OA_FIELD_MOBILE },

  { "email", YQ_OA_FIELD_EMAIL },
  { "邮箱", YQ_OA_FIELD_EMAIL },
  { "电子邮箱", YQ_OA_FIELD_EMAIL },
  { "邮件", YQ_OA_FIELD_EMAIL },
  { "电子邮件", YQ_OA_FIELD_EMAIL },
  { "邮箱地址", YQ_OA_FIELD_EMAIL },
  { "mail", YQ_OA_FIELD_EMAIL },
  { "emailaddress", YQ_OA_FIELD_EMAIL },

  { "department", YQ_OA_FIELD_DEPARTMENT },
  { "部门", YQ_OA_FIELD_DEPARTMENT },
  { "所属部门", YQ_OA_FIELD_DEPARTMENT },
  { "部门路径", YQ_OA_FIELD_DEPARTMENT },
  { "部门全路径", YQ_OA_FIELD_DEPARTMENT },
  { "部门名称", YQ_OA_FIELD_DEPARTMENT },
  { "dept", YQ_OA_FIELD_DEPARTMENT },
  { "departmentpath", YQ_OA_FIELD_DEPARTMENT },

  { "title", YQ_OA_FIELD_TITLE },
  { "职务", YQ_OA_FIELD_TITLE },
  { "职位", YQ_OA_FIELD_TITLE },
  { "岗位", YQ_OA_FIELD_TITLE },
  { "position", YQ_OA_FIELD_TITLE },
  { "jobtitle", YQ_OA_FIELD_TITLE },

  { "order", YQ_OA_FIELD_ORDER },
  { "排序", YQ_OA_FIELD_ORDER },
  { "排序号", YQ_OA_FIELD_ORDER },
  { "排序值", YQ_OA_FIELD_ORDER },
  { "显示顺序", YQ_OA_FIELD_ORDER },
  { "sortorder", YQ_OA_FIELD_ORDER },
  { "sort", YQ_OA_FIELD_ORDER },

  { "status", YQ_OA_FIELD_STATUS },
  { "状态", YQ_OA_FIELD_STATUS },
  { "账号状态", YQ_OA_FIELD_STATUS },
  { "帐号状态", YQ_OA_FIELD_STATUS },
  { "用户状态", YQ_OA_FIELD_STATUS },
  { "人员状态", YQ_OA_FIELD_STATUS },
  { "state", YQ_OA_FIELD_STATUS },

  { "passwordhash", YQ_OA_FIELD_PASSWORD_HASH },
  { "密码哈希", YQ_OA_FIELD_PASSWORD_HASH },
  { "密码散列", YQ_OA_FIELD_PASSWORD_HASH },
};

static const char * const status_active[] = {
  "正常", "启用", "在职", "有效", "激活", "是",
  "active", "enabled", "enable", "normal", "yes", "y", "true", "1",
};

static const char * const status_disabled[] = {
  "停用", "禁用", "离职", "无效", "冻结", "否",
  "disabled", "disable", "inactive", "no", "n", "false", "0",
};

/* The headers export writes, by field (never the password hash); also the
 * names messages use for the required columns. */
static const char * const export_headers[YQ_N_OA_FIELDS] = {
  "账号", "姓名", "工号", "手机", "邮箱", "部门", "职务", "排序", "状态", "密码哈希",
};

static const char *
field_label (YqOaField field)
{
  switch (field)
    {
    case YQ_OA_FIELD_ACCOUNT:
      return _("account");
    case YQ_OA_FIELD_NAME:
      return _("name");
    case YQ_OA_FIELD_JOB_NUMBER:
      return _("job number");
    case YQ_OA_FIELD_MOBILE:
      return _("mobile number");
    case YQ_OA_FIELD_EMAIL:
      return _("email address");
    case YQ_OA_FIELD_DEPARTMENT:
      return _("department");
    case YQ_OA_FIELD_TITLE:
      return _("title");
    case YQ_OA_FIELD_ORDER:
      return _("order");
    case YQ_OA_FIELD_STATUS:
      return _("status");
    case YQ_OA_FIELD_PASSWORD_HASH:
      return _("password hash");
    case YQ_OA_FIELD_IGNORE:
    default:
      return "";
    }
}

static gboolean
is_key_filler (gunichar c)
{
  return g_unichar_isspace (c) || c == '_' || c == '-' || c == '.' || c == '*' || c == ':' ||
         c == 0xFF0A /* ＊ */ || c == 0xFF1A /* ： */ || c == 0xFEFF;
}

/* Case-folded, without blanks and punctuation, and without a trailing
 * remark in brackets: "手机号（必填）" and "Mobile Number*" become "手机号"
 * and "mobilenumber". */
static char *
normalize_key (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *key = g_string_new (NULL);
  gsize len = strlen (folded);

  if (len > 0 && (g_str_has_suffix (folded, ")") || g_str_has_suffix (folded, "）")))
    {
      char *ascii = strrchr (folded, '(');
      char *wide = g_strrstr (folded, "（");
      char *open = ascii == NULL ? wide : wide == NULL ? ascii : MAX (ascii, wide);

      if (open != NULL && open != folded)
        *open = '\0';
    }

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_key_filler (c))
        g_string_append_unichar (key, c);
    }

  return g_string_free (key, FALSE);
}

const char *
yq_oa_field_to_string (YqOaField field)
{
  if (field == YQ_OA_FIELD_IGNORE)
    return "ignore";

  g_return_val_if_fail (field >= 0 && field < YQ_N_OA_FIELDS, NULL);

  return field_names[field];
}

static gboolean
field_from_key (const char *key,
                YqOaField  *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    {
      if (g_str_equal (aliases[i].key, key))
        {
          *field = aliases[i].field;
          return TRUE;
        }
    }

  return FALSE;
}

gboolean
yq_oa_field_from_string (const char *text,
                         YqOaField  *field)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  key = normalize_key (text);
  if (g_str_equal (key, "ignore") || g_str_equal (key, "skip") || g_str_equal (text, "-"))
    {
      *field = YQ_OA_FIELD_IGNORE;
      return TRUE;
    }

  return field_from_key (key, field);
}

/* Mappings */

struct _YqOaImportMapping
{
  GPtrArray *columns;
  GArray    *fields;
};

YqOaImportMapping *
yq_oa_import_mapping_new (void)
{
  YqOaImportMapping *mapping = g_new0 (YqOaImportMapping, 1);

  mapping->columns = g_ptr_array_new_with_free_func (g_free);
  mapping->fields = g_array_new (FALSE, FALSE, sizeof (YqOaField));

  return mapping;
}

void
yq_oa_import_mapping_free (YqOaImportMapping *mapping)
{
  if (mapping == NULL)
    return;

  g_ptr_array_unref (mapping->columns);
  g_array_unref (mapping->fields);
  g_free (mapping);
}

/**
 * yq_oa_import_mapping_add:
 * @mapping: a mapping
 * @column: a header of the file
 * @field: the field the column fills, or %YQ_OA_FIELD_IGNORE
 *
 * A later choice for the same column replaces an earlier one.
 */
void
yq_oa_import_mapping_add (YqOaImportMapping *mapping,
                          const char        *column,
                          YqOaField          field)
{
  g_return_if_fail (mapping != NULL);
  g_return_if_fail (column != NULL);
  g_return_if_fail (field >= YQ_OA_FIELD_IGNORE && field < YQ_N_OA_FIELDS);

  g_ptr_array_add (mapping->columns, g_strdup (column));
  g_array_append_val (mapping->fields, field);
}

static char *
field_list (void)
{
  GString *list = g_string_new (NULL);

  for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
    g_string_append_printf (list, "%s, ", field_names[i]);
  g_string_append (list, "ignore");

  return g_string_free (list, FALSE);
}

gboolean
yq_oa_import_mapping_add_spec (YqOaImportMapping  *mapping,
                               const char         *spec,
                               GError            **error)
{
  g_autofree char *column = NULL;
  const char *eq;
  YqOaField field;

  g_return_val_if_fail (mapping != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  eq = strrchr (spec, '=');
  if (!g_utf8_validate (spec, -1, NULL) || eq == NULL)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING,
                   _("“%s” is not a column mapping; write COLUMN=FIELD, for example "
                     "员工编号=job_number."),
                   g_utf8_validate (spec, -1, NULL) ? spec : "?");
      return FALSE;
    }

  column = g_strstrip (g_strndup (spec, eq - spec));
  if (column[0] == '\0')
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING,
                   _("The column mapping “%s” names no column; write COLUMN=FIELD."), spec);
      return FALSE;
    }

  if (!yq_oa_field_from_string (eq + 1, &field))
    {
      g_autofree char *fields = field_list ();

      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING,
                   _("The column mapping “%s” names an unknown field “%s”; the fields are %s."),
                   spec, eq + 1, fields);
      return FALSE;
    }

  yq_oa_import_mapping_add (mapping, column, field);

  return TRUE;
}

/* Reports */

static void
rejection_free (gpointer data)
{
  YqOaImportRejection *rejection = data;

  g_free (rejection->account);
  g_free (rejection->reason);
  g_free (rejection);
}

static YqOaImportReport *
report_new (void)
{
  YqOaImportReport *report = g_new0 (YqOaImportReport, 1);

  report->rejected = g_ptr_array_new_with_free_func (rejection_free);
  report->created_departments = g_ptr_array_new_with_free_func (g_free);
  report->ignored_columns = g_ptr_array_new_with_free_func (g_free);
  report->delimiter = ',';

  return report;
}

void
yq_oa_import_report_free (YqOaImportReport *report)
{
  if (report == NULL)
    return;

  g_free (report->encoding);
  g_ptr_array_unref (report->rejected);
  g_ptr_array_unref (report->created_departments);
  for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
    g_free (report->columns[i]);
  g_ptr_array_unref (report->ignored_columns);
  g_free (report);
}

void
yq_oa_export_report_free (YqOaExportReport *report)
{
  if (report == NULL)
    return;

  g_strfreev (report->ambiguous_paths);
  g_free (report);
}

/* Decoding */

static guint
line_at (const char *data,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;

  return line;
}

/* Returns the text as UTF-8 without a byte order mark. */
static char *
decode_text (GBytes      *bytes,
             const char  *source,
             const char **encoding,
             gsize       *text_len,
             GError     **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(GError) local_error = NULL;
  const char *end = NULL;
  char *text = NULL;
  gsize written = 0;

  if (len == 0)
    {
      *encoding = "UTF-8";
      *text_len = 0;
      return g_strdup ("");
    }

  if (len >= 4 && memcmp (data, "PK\003\004", 4) == 0)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_SYNTAX,
                   _("%s is a spreadsheet workbook (.xlsx) or another ZIP archive, not a CSV "
                     "file. Save it as “CSV UTF-8” in Excel or WPS and import that file."),
                   source);
      return NULL;
    }

  if (len >= 2 && ((guint8) data[0] == 0xFF && (guint8) data[1] == 0xFE))
    {
      *encoding = "UTF-16LE";
      text = g_convert (data + 2, len - 2, "UTF-8", "UTF-16LE", NULL, &written, &local_error);
    }
  else if (len >= 2 && ((guint8) data[0] == 0xFE && (guint8) data[1] == 0xFF))
    {
      *encoding = "UTF-16BE";
      text = g_convert (data + 2, len - 2, "UTF-8", "UTF-16BE", NULL, &written, &local_error);
    }
  else if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      *encoding = "UTF-8";
      if (!g_utf8_validate_len (data + 3, len - 3, &end))
        {
          g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ENCODING,
                       _("%s is marked as UTF-8 text but line %u is not valid UTF-8. Save it "
                         "again as “CSV UTF-8”."),
                       source, line_at (data, end - data));
          return NULL;
        }
      text = g_strndup (data + 3, len - 3);
      written = len - 3;
    }
  else if (g_utf8_validate_len (data, len, &end))
    {
      *encoding = "UTF-8";
      text = g_strndup (data, len);
      written = len;
    }
  else
    {
      /* What Excel and WPS write on Chinese Windows ("CSV (逗号分隔)");
       * GB18030 contains GBK and GB2312. */
      guint bad_line = line_at (data, end - data);

      *encoding = "GB18030";
      text = g_convert (data, len, "UTF-8", "GB18030", NULL, &written, NULL);
      if (text == NULL)
        {
          g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ENCODING,
                       _("%s is neither UTF-8 nor GB18030 (GBK) text: line %u cannot be read "
                         "in either. Save it as “CSV UTF-8” in Excel or WPS and import that "
                         "file."),
                       source, bad_line);
          return NULL;
        }
    }

  if (text == NULL)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ENCODING,
                   _("%s is marked as %s text but cannot be read as such: %s"),
                   source, *encoding,
                   local_error != NULL ? local_error->message : g_strerror (EILSEQ));
      return NULL;
    }

  if (memchr (text, '\0', written) != NULL)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_SYNTAX,
                   _("%s contains NUL bytes, so it is not a text file. Choose a CSV file."),
                   source);
      g_free (text);
      return NULL;
    }

  /* A byte order mark written inside UTF-16 data. */
  if (written >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    {
      memmove (text, text + 3, written - 3 + 1);
      written -= 3;
    }

  *text_len = written;

  return text;
}

/* CSV (RFC 4180) */

typedef struct
{
  guint      line;
  char     **cells;
  guint      n_cells;
  gboolean   malformed;
} CsvRecord;

static void
csv_record_free (gpointer data)
{
  CsvRecord *record = data;

  g_strfreev (record->cells);
  g_free (record);
}

/* The separator: a comma unless the first line with separators has none
 * but semicolons or tabs (Excel in some locales, "Unicode text"). */
static char
sniff_delimiter (const char *text,
                 gsize       len)
{
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  /* The first line with any of them: a title line may have none. */
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        {
          if (commas + semicolons + tabs > 0)
            break;
        }
      else if (!quoted && c == ',')
        commas++;
      else if (!quoted && c == ';')
        semicolons++;
      else if (!quoted && c == '\t')
        tabs++;
    }

  if (commas > 0 || (semicolons == 0 && tabs == 0))
    return ',';

  return tabs >= semicolons ? '\t' : ';';
}

static GPtrArray *
parse_csv (const char  *data,
           gsize        len,
           gsize        pos,
           guint        line,
           char         delimiter,
           const char  *source,
           GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (csv_record_free);
  g_autoptr(GString) cell = g_string_new (NULL);

  while (pos < len)
    {
      CsvRecord *record = g_new0 (CsvRecord, 1);
      GPtrArray *cells = g_ptr_array_new ();

      record->line = line;

      for (;;)
        {
          g_string_truncate (cell, 0);

          if (data[pos] == '"')
            {
              guint field_line = line;

              pos++;
              for (;;)
                {
                  char c;

                  if (pos >= len)
                    {
                      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_SYNTAX,
                                   _("%s: the quoted field on line %u is not closed (a \" is "
                                     "missing), so the rest of the file cannot be read."),
                                   source, field_line);
                      g_ptr_array_add (cells, NULL);
                      record->cells = (char **) g_ptr_array_free (cells, FALSE);
                      csv_record_free (record);
                      return NULL;
                    }

                  c = data[pos];
                  if (c == '"')
                    {
                      if (pos + 1 < len && data[pos + 1] == '"')
                        {
                          g_string_append_c (cell, '"');
                          pos += 2;
                          continue;
                        }
                      pos++;
                      break;
                    }

                  if (c == '\r' && pos + 1 < len && data[pos + 1] == '\n')
                    {
                      g_string_append_c (cell, '\n');
                      pos += 2;
                      line++;
                      continue;
                    }

                  if (c == '\n' || c == '\r')
                    line++;
                  g_string_append_c (cell, c);
                  pos++;
                }

              /* Only a separator or the end of the row may follow a
               * closing quote; keep the text but refuse the row. */
              while (pos < len && data[pos] != delimiter && data[pos] != '\n' && data[pos] != '\r')
                {
                  record->malformed = TRUE;
                  g_string_append_c (cell, data[pos++]);
                }
            }
          else
            {
              while (pos < len && data[pos] != delimiter && data[pos] != '\n' && data[pos] != '\r')
                g_string_append_c (cell, data[pos++]);
            }

          g_ptr_array_add (cells, g_strndup (cell->str, cell->len));

          if (pos < len && data[pos] == delimiter)
            {
              pos++;
              continue;
            }

          if (pos < len)
            {
              pos += data[pos] == '\r' && pos + 1 < len && data[pos + 1] == '\n' ? 2 : 1;
              line++;
            }
          break;
        }

      record->n_cells = cells->len;
      g_ptr_array_add (cells, NULL);
      record->cells = (char **) g_ptr_array_free (cells, FALSE);
      g_ptr_array_add (records, record);
    }

  return g_steal_pointer (&records);
}

/* Cells */

/* Without surrounding white space (also U+3000 and no-break spaces), and
 * without the apostrophe that export puts before a leading = + - @ (after
 * any apostrophes of the value itself) so that spreadsheets do not run the
 * cell as a formula. */
static char *
clean_cell (const char *cell)
{
  const char *start = cell;
  const char *end = cell + strlen (cell);

  while (start < end && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  while (end > start)
    {
      const char *prev = g_utf8_find_prev_char (start, end);

      if (prev == NULL || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  {
    const char *after = start;

    while (after < end && *after == '\'')
      after++;
    if (after > start && after < end && strchr ("=+-@", *after) != NULL)
      start++;
  }

  return g_strndup (start, end - start);
}

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

static guint
count_filled_cells (CsvRecord *record)
{
  guint filled = 0;

  for (guint i = 0; i < record->n_cells; i++)
    {
      g_autofree char *value = clean_cell (record->cells[i]);

      if (value[0] != '\0')
        filled++;
    }

  return filled;
}

static gboolean
is_blank_record (CsvRecord *record)
{
  return count_filled_cells (record) == 0;
}

/* Splits "总部/财务处/预算科" ("\/" is a "/" inside a name, "\\" a
 * backslash). */
static char **
split_path (const char  *text,
            char       **reason)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) part = g_string_new (NULL);

  for (const char *p = text; ; p++)
    {
      if (*p == '\\' && (p[1] == '/' || p[1] == '\\'))
        {
          g_string_append_c (part, *++p);
          continue;
        }

      if (*p == '/' || *p == '\0')
        {
          char *name = clean_cell (part->str);

          if (name[0] == '\0')
            {
              g_free (name);
              *reason = g_strdup_printf (_("the department path “%s” has an empty part"), text);
              return NULL;
            }

          g_ptr_array_add (parts, name);
          g_string_truncate (part, 0);

          if (*p == '\0')
            break;
          continue;
        }

      g_string_append_c (part, *p);
    }

  g_ptr_array_add (parts, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&parts), FALSE);
}

static void
append_escaped_name (GString    *path,
                     const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '\\')
        g_string_append_c (path, '\\');
      g_string_append_c (path, *p);
    }
}

static gboolean
looks_like_excel_number (const char *text)
{
  /* 1.38001E+10: a long number a spreadsheet stored as a number. */
  const char *e = strpbrk (text, "eE");

  if (e == NULL || (e[1] != '+' && e[1] != '-') || e == text)
    return FALSE;

  for (const char *p = text; p < e; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;

  for (const char *p = e + 2; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return e[2] != '\0';
}

static gboolean
all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

/* Mainland numbers become their 11 digits (a +86 / 0086 prefix and
 * separators dropped); others keep "+" and the country code. */
static char *
normalize_mobile (const char  *text,
                  char       **reason)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  const char *number;

  if (looks_like_excel_number (text))
    {
      *reason = g_strdup_printf (_("the mobile number “%s” was turned into a number by a "
                                   "spreadsheet; format the column as text and enter the "
                                   "numbers again"),
                                 text);
      return NULL;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == ' ' || c == '-' || c == '(' || c == ')' || c == 0x3000 || c == 0xFF0D)
        continue;
      g_string_append_unichar (digits, c);
    }

  number = digits->str;
  if (g_str_has_prefix (number, "+86"))
    number += 3;
  else if (g_str_has_prefix (number, "0086"))
    number += 4;
  else if (g_str_has_prefix (number, "86") && strlen (number) == 13 && number[2] == '1')
    number += 2;

  if (number[0] == '+')
    {
      gsize n = strlen (number + 1);

      if (all_digits (number + 1) && n >= 6 && n <= 15)
        return g_strdup (number);
    }
  else if (all_digits (number) && strlen (number) == 11 && number[0] == '1')
    {
      return g_strdup (number);
    }

  *reason = g_strdup_printf (_("“%s” is not a mobile number (11 digits starting with 1, or + "
                               "and a country code)"),
                             text);
  return NULL;
}

static gboolean
is_email (const char *text)
{
  const char *at = strchr (text, '@');
  const char *domain;
  const char *dot;

  if (at == NULL || at == text || strchr (at + 1, '@') != NULL)
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == ',' || c == ';' ||
          c == '<' || c == '>' || c == '"')
        return FALSE;
    }

  domain = at + 1;
  dot = strrchr (domain, '.');

  return dot != NULL && dot != domain && dot[1] != '\0' && domain[0] != '.' &&
         strstr (domain, "..") == NULL;
}

/* -1 when @text is not a status word. */
static int
parse_status (const char *text)
{
  g_autofree char *key = normalize_key (text);

  for (guint i = 0; i < G_N_ELEMENTS (status_active); i++)
    if (g_str_equal (key, status_active[i]))
      return 1;

  for (guint i = 0; i < G_N_ELEMENTS (status_disabled); i++)
    if (g_str_equal (key, status_disabled[i]))
      return 0;

  return -1;
}

static char *
account_key (const char *account)
{
  /* SQLite's NOCASE, which the account column uses, folds ASCII only. */
  return g_ascii_strdown (account, -1);
}

/* Rows */

typedef enum
{
  STATUS_NOT_GIVEN = -1,
  STATUS_DISABLED = 0,
  STATUS_ACTIVE = 1,
} RowStatus;

typedef struct
{
  guint       line;
  /* Cleaned cells; NULL where the file has no such column. */
  char       *values[YQ_N_OA_FIELDS];
  char      **path;
  char       *mobile;
  gint64      order;
  RowStatus   status;
  gboolean    rejected;
  /* The department, once resolved: an ID, or a placeholder in a dry run. */
  const char *department;
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
    g_free (row->values[i]);
  g_strfreev (row->path);
  g_free (row->mobile);
  g_free (row);
}

typedef struct
{
  YqStore          *store;
  const char       *source;
  gboolean          dry_run;
  GPtrArray        *rows;
  YqOaImportReport *report;

  /* While resolving departments and writing. Keys are department IDs, or
   * placeholders for departments a dry run would create. */
  YqOrgSnapshot    *snapshot;
  GHashTable       *children;    /* "parent\nname" → GPtrArray of keys */
  GHashTable       *by_name;     /* name → GPtrArray of keys */
  GHashTable       *paths;       /* key → path */
  GHashTable       *next_order;  /* parent key → gint64 * */
  GHashTable       *keys;        /* owns every key string */
  char             *root_key;
  char             *root_name;
  guint             n_placeholders;
} Import;

static void
import_clear (Import *import)
{
  g_clear_pointer (&import->rows, g_ptr_array_unref);
  g_clear_pointer (&import->report, yq_oa_import_report_free);
  g_clear_object (&import->snapshot);
  g_clear_pointer (&import->children, g_hash_table_unref);
  g_clear_pointer (&import->by_name, g_hash_table_unref);
  g_clear_pointer (&import->paths, g_hash_table_unref);
  g_clear_pointer (&import->next_order, g_hash_table_unref);
  g_clear_pointer (&import->keys, g_hash_table_unref);
  g_clear_pointer (&import->root_key, g_free);
  g_clear_pointer (&import->root_name, g_free);
}

static void
reject (Import     *import,
        Row        *row,
        const char *format,
        ...) G_GNUC_PRINTF (3, 4);

static void
reject (Import     *import,
        Row        *row,
        const char *format,
        ...)
{
  YqOaImportRejection *rejection;
  va_list args;

  g_assert (!row->rejected);

  rejection = g_new0 (YqOaImportRejection, 1);
  rejection->line = row->line;
  rejection->account = g_strdup (row->values[YQ_OA_FIELD_ACCOUNT] != NULL &&
                                 row->values[YQ_OA_FIELD_ACCOUNT][0] != '\0'
                                 ? row->values[YQ_OA_FIELD_ACCOUNT] : NULL);
  va_start (args, format);
  rejection->reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (import->report->rejected, rejection);
  row->rejected = TRUE;
}

static char *
format_lines (GArray *lines,
              guint   skip)
{
  GString *text = g_string_new (NULL);
  guint named = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      guint line = g_array_index (lines, guint, i);

      if (line == skip)
        continue;

      if (named == MAX_LINES_NAMED)
        {
          g_string_append (text, ", …");
          break;
        }

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%u", line);
      named++;
    }

  return g_string_free (text, FALSE);
}

/* Finds which column fills which field. */
static gboolean
map_columns (Import                   *import,
             CsvRecord                *header,
             const YqOaImportMapping  *mapping,
             int                      *columns,
             GError                  **error)
{
  YqOaImportReport *report = import->report;
  g_autofree gboolean *explicit_column = g_new0 (gboolean, header->n_cells + 1);
  g_autofree char **headers = g_new0 (char *, header->n_cells + 1);
  g_autoptr(GString) found = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);
  gboolean ok = TRUE;

  for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
    columns[i] = -1;

  for (guint c = 0; c < header->n_cells; c++)
    {
      headers[c] = clean_cell (header->cells[c]);
      if (headers[c][0] == '\0')
        continue;
      if (found->len > 0)
        g_string_append (found, ", ");
      g_string_append (found, headers[c]);
    }

  /* Explicit choices first; they also take a column away from the
   * aliases. */
  for (guint m = 0; mapping != NULL && m < mapping->columns->len; m++)
    {
      const char *wanted = g_ptr_array_index (mapping->columns, m);
      YqOaField field = g_array_index (mapping->fields, YqOaField, m);
      g_autofree char *wanted_key = normalize_key (wanted);
      int column = -1;

      for (guint c = 0; c < header->n_cells && column < 0; c++)
        if (g_str_equal (headers[c], wanted))
          column = (int) c;

      for (guint c = 0; c < header->n_cells && column < 0; c++)
        {
          g_autofree char *key = normalize_key (headers[c]);

          if (key[0] != '\0' && g_str_equal (key, wanted_key))
            column = (int) c;
        }

      if (column < 0)
        {
          g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING,
                       _("The column mapping names the column “%s”, which %s does not have. "
                         "Its columns are: %s."),
                       wanted, import->source, found->str);
          ok = FALSE;
          goto out;
        }

      /* A later choice for a column replaces an earlier one. */
      for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
        if (columns[i] == column)
          columns[i] = -1;

      if (field != YQ_OA_FIELD_IGNORE)
        {
          if (columns[field] >= 0 && columns[field] != column)
            {
              g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_MAPPING,
                           _("The column mapping gives the field %s two columns, “%s” and "
                             "“%s”; choose one."),
                           field_names[field], headers[columns[field]], headers[column]);
              ok = FALSE;
              goto out;
            }
          columns[field] = column;
        }
      explicit_column[column] = TRUE;
    }

  for (guint c = 0; c < header->n_cells; c++)
    {
      g_autofree char *key = NULL;
      YqOaField field;

      if (explicit_column[c])
        continue;

      key = normalize_key (headers[c]);
      if (key[0] == '\0' || !field_from_key (key, &field))
        {
          if (headers[c][0] != '\0')
            g_ptr_array_add (report->ignored_columns, g_strdup (headers[c]));
          continue;
        }

      if (columns[field] >= 0)
        {
          gboolean chosen = explicit_column[columns[field]];

          if (chosen)
            {
              g_ptr_array_add (report->ignored_columns, g_strdup (headers[c]));
              continue;
            }

          g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_COLUMNS,
                       _("The columns “%s” and “%s” of %s both look like the field %s. Choose "
                         "one with a column mapping such as “%s=%s”, or rename the other."),
                       headers[columns[field]], headers[c], import->source, field_names[field],
                       headers[c], "ignore");
          ok = FALSE;
          goto out;
        }

      columns[field] = (int) c;
    }

  {
    const YqOaField required[] = {
      YQ_OA_FIELD_ACCOUNT, YQ_OA_FIELD_NAME, YQ_OA_FIELD_DEPARTMENT,
    };

    for (guint i = 0; i < G_N_ELEMENTS (required); i++)
      {
        if (columns[required[i]] >= 0)
          continue;

        if (missing->len > 0)
          g_string_append (missing, ", ");
        g_string_append_printf (missing, "%s (%s)", export_headers[required[i]],
                                field_names[required[i]]);
      }
  }

  if (missing->len > 0)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_COLUMNS,
                   _("%s has no column for %s, so nothing was imported. Its columns are: %s. "
                     "Rename the columns, or map them with COLUMN=FIELD."),
                   import->source, missing->str, found->str);
      ok = FALSE;
      goto out;
    }

  for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
    if (columns[i] >= 0)
      report->columns[i] = g_strdup (headers[columns[i]]);

out:
  for (guint c = 0; c < header->n_cells; c++)
    g_free (headers[c]);

  return ok;
}

/* The checks that need no database, and the duplicate accounts. */
static void
check_rows (Import    *import,
            GPtrArray *records,
            guint      first,
            guint      n_header_cells,
            const int *columns)
{
  g_autoptr(GHashTable) lines_by_account = NULL;

  lines_by_account = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_array_unref);

  for (guint r = first; r < records->len; r++)
    {
      CsvRecord *record = g_ptr_array_index (records, r);
      Row *row;

      if (is_blank_record (record))
        continue;

      row = g_new0 (Row, 1);
      row->line = record->line;
      row->status = STATUS_NOT_GIVEN;
      g_ptr_array_add (import->rows, row);

      for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
        if (columns[i] >= 0)
          row->values[i] = clean_cell ((guint) columns[i] < record->n_cells
                                       ? record->cells[columns[i]] : "");

      /* Every row with an account counts for duplicates, even one refused
       * for another reason: the file is unclear about that person. */
      if (row->values[YQ_OA_FIELD_ACCOUNT][0] != '\0')
        {
          g_autofree char *key = account_key (row->values[YQ_OA_FIELD_ACCOUNT]);
          GArray *lines = g_hash_table_lookup (lines_by_account, key);

          if (lines == NULL)
            {
              lines = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (lines_by_account, g_steal_pointer (&key), lines);
            }
          g_array_append_val (lines, row->line);
        }

      if (record->malformed)
        {
          reject (import, row, _("text follows a closing quote; put the whole field in quotes "
                                 "and double the quotes inside it"));
          continue;
        }

      for (guint c = n_header_cells; c < record->n_cells; c++)
        {
          g_autofree char *extra = clean_cell (record->cells[c]);

          if (extra[0] != '\0')
            {
              reject (import, row, _("the row has %u fields but the header only %u; a field "
                                     "with a comma may lack its quotes"),
                      record->n_cells, n_header_cells);
              break;
            }
        }
    }

  for (guint r = 0; r < import->rows->len; r++)
    {
      Row *row = g_ptr_array_index (import->rows, r);
      const char *account = row->values[YQ_OA_FIELD_ACCOUNT];
      const char *name = row->values[YQ_OA_FIELD_NAME];
      const char *department = row->values[YQ_OA_FIELD_DEPARTMENT];
      const char *mobile = row->values[YQ_OA_FIELD_MOBILE];
      const char *email = row->values[YQ_OA_FIELD_EMAIL];
      const char *order = row->values[YQ_OA_FIELD_ORDER];
      const char *status = row->values[YQ_OA_FIELD_STATUS];
      const char *password_hash = row->values[YQ_OA_FIELD_PASSWORD_HASH];
      g_autoptr(GError) local_error = NULL;
      g_autofree char *reason = NULL;

      if (row->rejected)
        continue;

      if (account[0] == '\0')
        {
          reject (import, row, _("the account is empty"));
          continue;
        }

      if (!yq_oa_directory_check_account (account, &local_error))
        {
          reject (import, row, "%s", local_error->message);
          continue;
        }

      {
        g_autofree char *key = account_key (account);
        GArray *lines = g_hash_table_lookup (lines_by_account, key);

        if (lines->len > 1)
          {
            g_autofree char *others = format_lines (lines, row->line);

            reject (import, row, _("the account “%s” is also on line %s; none of these rows "
                                   "was imported"),
                    account, others);
            continue;
          }
      }

      if (name[0] == '\0')
        {
          reject (import, row, _("the name is empty"));
          continue;
        }

      if (!yq_oa_directory_check_name (name, &local_error))
        {
          reject (import, row, "%s", local_error->message);
          continue;
        }

      if (status != NULL && status[0] != '\0')
        {
          row->status = parse_status (status);
          if ((int) row->status < 0)
            {
              row->status = STATUS_NOT_GIVEN;
              reject (import, row, _("the status “%s” is unknown; write 正常 or 停用 (active or "
                                     "disabled)"),
                      status);
              continue;
            }
        }

      if (department[0] != '\0')
        {
          row->path = split_path (department, &reason);
          if (row->path == NULL)
            {
              reject (import, row, "%s", reason);
              continue;
            }
        }
      else if (row->status != STATUS_DISABLED)
        {
          /* Only a disabled person may be without a department. */
          reject (import, row, _("the department is empty"));
          continue;
        }

      if (mobile != NULL && mobile[0] != '\0')
        {
          row->mobile = normalize_mobile (mobile, &reason);
          if (row->mobile == NULL)
            {
              reject (import, row, "%s", reason);
              continue;
            }
        }

      if (email != NULL && email[0] != '\0' && !is_email (email))
        {
          reject (import, row, _("“%s” is not an email address"), email);
          continue;
        }

      if (order != NULL && order[0] != '\0' &&
          !g_ascii_string_to_signed (order, 10, G_MININT64, G_MAXINT64, &row->order, NULL))
        {
          reject (import, row, _("the order “%s” is not a whole number"), order);
          continue;
        }

      /* The value is never repeated: it may be a password typed into the
       * wrong column. */
      if (password_hash != NULL && password_hash[0] != '\0' &&
          !yq_password_hash_is_valid (password_hash))
        {
          reject (import, row, _("the column “%s” does not hold a password hash of the form "
                                 "pbkdf2-sha256$ITERATIONS$SALT$HASH (%d to %d iterations, "
                                 "base64 salt and hash); plain-text passwords cannot be "
                                 "imported, set them with “yunqiaoctl oa set-password”"),
                  import->report->columns[YQ_OA_FIELD_PASSWORD_HASH],
                  YQ_PASSWORD_ITERATIONS, YQ_PASSWORD_MAX_ITERATIONS);
          continue;
        }

      /* Line breaks inside quoted cells are fine in columns that are not
       * imported, not in the directory. */
      for (guint i = 0; i < YQ_N_OA_FIELDS; i++)
        {
          if (row->values[i] != NULL && has_control_chars (row->values[i]))
            {
              reject (import, row, _("the %s contains line breaks or control characters"),
                      field_label (i));
              break;
            }
        }
    }
}

/* Departments */

static const char *
intern_key (Import     *import,
            const char *key)
{
  char *interned = g_hash_table_lookup (import->keys, key);

  if (interned == NULL)
    {
      interned = g_strdup (key);
      g_hash_table_add (import->keys, interned);
    }

  return interned;
}

static void
multi_add (GHashTable *table,
           const char *key,
           const char *value)
{
  GPtrArray *values = g_hash_table_lookup (table, key);

  if (values == NULL)
    {
      values = g_ptr_array_new ();
      g_hash_table_insert (table, g_strdup (key), values);
    }
  g_ptr_array_add (values, (gpointer) value);
}

static char *
child_key (const char *parent,
           const char *name)
{
  return g_strconcat (parent != NULL ? parent : "", "\n", name, NULL);
}

static void
index_department (Import     *import,
                  const char *key,
                  const char *parent,
                  const char *name,
                  gint64      order)
{
  g_autofree char *child = child_key (parent, name);
  gint64 *next;

  multi_add (import->children, child, key);
  multi_add (import->by_name, name, key);

  if (parent != NULL)
    {
      next = g_hash_table_lookup (import->next_order, parent);
      if (next == NULL)
        {
          next = g_new (gint64, 1);
          *next = order + 1;
          g_hash_table_insert (import->next_order, (gpointer) parent, next);
        }
      else if (order >= *next)
        {
          *next = order == G_MAXINT64 ? order : order + 1;
        }
    }
}

/* Paths of the departments in @snapshot, memoised in @paths (ID →
 * path). */
static const char *
snapshot_path (YqOrgSnapshot *snapshot,
               GHashTable    *paths,
               const char    *id,
               guint          depth)
{
  YqOrgDepartment *department;
  const char *path = g_hash_table_lookup (paths, id);
  GString *text;

  if (path != NULL)
    return path;

  department = yq_org_snapshot_lookup_department (snapshot, id);
  if (department == NULL)
    return NULL;

  text = g_string_new (NULL);
  /* The depth bound ends the walk on a damaged, cyclic tree. */
  if (department->parent_id != NULL && depth < yq_org_snapshot_get_n_departments (snapshot))
    {
      const char *parent = snapshot_path (snapshot, paths, department->parent_id, depth + 1);

      if (parent != NULL)
        {
          g_string_append (text, parent);
          g_string_append_c (text, '/');
        }
    }
  append_escaped_name (text, department->name);

  path = g_string_free (text, FALSE);
  g_hash_table_insert (paths, g_strdup (id), (gpointer) path);

  return path;
}

char *
yq_oa_department_path (YqOrgSnapshot *snapshot,
                       const char    *id)
{
  g_autoptr(GHashTable) paths = NULL;

  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (snapshot), NULL);

  if (id == NULL)
    return NULL;

  paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return g_strdup (snapshot_path (snapshot, paths, id, 0));
}

static void
index_snapshot (Import *import)
{
  guint n = yq_org_snapshot_get_n_departments (import->snapshot);

  for (guint i = 0; i < n; i++)
    {
      YqOrgDepartment *department = yq_org_snapshot_get_department (import->snapshot, i);
      const char *key = intern_key (import, department->id);
      const char *parent = department->parent_id != NULL
                           ? intern_key (import, department->parent_id) : NULL;

      index_department (import, key, parent, department->name, department->order);
      snapshot_path (import->snapshot, import->paths, department->id, 0);
    }
}

static const char *
create_department (Import      *import,
                   const char  *parent,
                   const char  *name,
                   GError     **error)
{
  g_autofree char *id = NULL;
  GString *path = g_string_new (NULL);
  gint64 *next = parent != NULL ? g_hash_table_lookup (import->next_order, parent) : NULL;
  gint64 order = next != NULL ? *next : 0;
  const char *key;

  if (import->dry_run)
    id = g_strdup_printf ("\001new-%u", ++import->n_placeholders);
  else
    id = yq_oa_directory_insert_department (import->store, parent, name, order, TRUE, error);

  if (id == NULL)
    {
      g_string_free (path, TRUE);
      return NULL;
    }

  key = intern_key (import, id);
  index_department (import, key, parent, name, order);

  if (parent != NULL)
    {
      g_string_append (path, g_hash_table_lookup (import->paths, parent));
      g_string_append_c (path, '/');
    }
  append_escaped_name (path, name);
  g_hash_table_insert (import->paths, g_strdup (key), g_strdup (path->str));
  g_ptr_array_add (import->report->created_departments, g_string_free (path, FALSE));
  import->report->departments_created++;

  return key;
}

static const char *
ensure_root (Import  *import,
             GError **error)
{
  if (import->root_key == NULL)
    {
      const char *key = create_department (import, NULL, import->root_name, error);

      if (key == NULL)
        return NULL;
      import->root_key = g_strdup (key);
    }

  return import->root_key;
}

/* Settles the top department; errors when the file's paths disagree with
 * each other or with the directory. */
static gboolean
find_root (Import  *import,
           GError **error)
{
  YqOrgDepartment *root = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) single_names = g_ptr_array_new ();

  if (yq_org_snapshot_get_root_id (import->snapshot) != NULL)
    root = yq_org_snapshot_lookup_department (import->snapshot,
                                              yq_org_snapshot_get_root_id (import->snapshot));

  /* Every full path counts, even in rows refused for another reason: a
   * second organisation in the file is a mistake in the file. */
  for (guint r = 0; r < import->rows->len; r++)
    {
      Row *row = g_ptr_array_index (import->rows, r);
      gboolean seen = FALSE;

      if (row->path == NULL)
        continue;

      if (row->path[1] == NULL)
        {
          if (!row->rejected && !g_ptr_array_find_with_equal_func (single_names, row->path[0],
                                                                   g_str_equal, NULL))
            g_ptr_array_add (single_names, row->path[0]);
          continue;
        }

      for (guint i = 0; i < names->len && !seen; i++)
        seen = g_str_equal (g_ptr_array_index (names, i), row->path[0]);

      if (!seen)
        {
          g_ptr_array_add (names, row->path[0]);
          g_array_append_val (lines, row->line);
        }
    }

  if (names->len > 1)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint i = 0; i < names->len && i < MAX_LINES_NAMED; i++)
        {
          if (i > 0)
            g_string_append (list, ", ");
          /* Translators: a department name and the line of the file it is on */
          g_string_append_printf (list, _("“%s” (line %u)"),
                                  (const char *) g_ptr_array_index (names, i),
                                  g_array_index (lines, guint, i));
        }

      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ROOT,
                   _("The department paths of %s start with different top departments: %s. "
                     "A file holds one organisation, so every path must start with the same "
                     "top department. Nothing was imported."),
                   import->source, list->str);
      return FALSE;
    }

  if (root != NULL && names->len == 1 && !g_str_equal (root->name, names->pdata[0]))
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ROOT,
                   _("The department paths of %s start with “%s” (line %u), but the top "
                     "department of the OA directory is “%s”. Make the paths start with “%s”. "
                     "Nothing was imported."),
                   import->source, (const char *) names->pdata[0], g_array_index (lines, guint, 0),
                   root->name, root->name);
      return FALSE;
    }

  if (root != NULL)
    {
      import->root_key = g_strdup (root->id);
      import->root_name = g_strdup (root->name);
    }
  else if (names->len == 1)
    {
      import->root_name = g_strdup (names->pdata[0]);
    }
  else if (single_names->len == 1)
    {
      /* Everyone is in one department, which becomes the top. */
      import->root_name = g_strdup (single_names->pdata[0]);
    }
  else if (single_names->len > 1)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_ROOT,
                   _("The OA directory is empty and %s names departments without their paths "
                     "(“%s”, “%s”, …), so it is not clear how they belong together. Write "
                     "each department as a path from the top department, such as "
                     "总部/财务处. Nothing was imported."),
                   import->source, (const char *) single_names->pdata[0],
                   (const char *) single_names->pdata[1]);
      return FALSE;
    }

  return TRUE;
}

static char *
describe_candidates (Import    *import,
                     GPtrArray *keys)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < keys->len && i < MAX_LINES_NAMED; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, (const char *) g_hash_table_lookup (import->paths, key));
      if (key[0] != '\001')
        g_string_append_printf (text, " (%s)", key);
    }
  if (keys->len > MAX_LINES_NAMED)
    g_string_append (text, ", …");

  return g_string_free (text, FALSE);
}

/* Full paths; creates what is missing. FALSE only on database errors. */
static gboolean
resolve_path (Import  *import,
              Row     *row,
              GError **error)
{
  const char *key = ensure_root (import, error);

  if (key == NULL)
    return FALSE;

  for (guint i = 1; row->path[i] != NULL; i++)
    {
      g_autofree char *child = child_key (key, row->path[i]);
      GPtrArray *candidates = g_hash_table_lookup (import->children, child);

      if (candidates == NULL || candidates->len == 0)
        {
          key = create_department (import, key, row->path[i], error);
          if (key == NULL)
            return FALSE;
        }
      else if (candidates->len > 1)
        {
          g_autofree char *list = describe_candidates (import, candidates);

          reject (import, row, _("the department path “%s” is ambiguous: %u departments are "
                                 "named “%s” at that level (%s); rename one of them in the OA "
                                 "directory"),
                  row->values[YQ_OA_FIELD_DEPARTMENT], candidates->len, row->path[i], list);
          return TRUE;
        }
      else
        {
          key = g_ptr_array_index (candidates, 0);
        }
    }

  row->department = key;

  return TRUE;
}

/* A single name: the top department, or the one department so named. */
static gboolean
resolve_name (Import  *import,
              Row     *row,
              GError **error)
{
  const char *name = row->path[0];
  GPtrArray *candidates;

  if (import->root_name != NULL && g_str_equal (name, import->root_name))
    {
      row->department = ensure_root (import, error);
      return row->department != NULL;
    }

  candidates = g_hash_table_lookup (import->by_name, name);
  if (candidates == NULL || candidates->len == 0)
    {
      reject (import, row, _("there is no department named “%s”; write its path from the top "
                             "department, such as %s/…/%s"),
              name, import->root_name != NULL ? import->root_name : "总部", name);
    }
  else if (candidates->len > 1)
    {
      g_autofree char *list = describe_candidates (import, candidates);

      reject (import, row, _("%u departments are named “%s” (%s); write the path of the one "
                             "meant"),
              candidates->len, name, list);
    }
  else
    {
      row->department = g_ptr_array_index (candidates, 0);
    }

  return TRUE;
}

/* People */

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a != NULL && a[0] != '\0' ? a : NULL,
                    b != NULL && b[0] != '\0' ? b : NULL) == 0;
}

static const char *
first_department (const YqOrgPerson *person)
{
  return person->department_ids != NULL ? person->department_ids[0] : NULL;
}

static gboolean
same_person (const YqOrgPerson *a,
             const YqOrgPerson *b)
{
  return g_strcmp0 (a->name, b->name) == 0 &&
         same_text (a->job_number, b->job_number) &&
         same_text (a->mobile, b->mobile) &&
         same_text (a->email, b->email) &&
         same_text (a->title, b->title) &&
         same_text (first_department (a), first_department (b)) &&
         a->order == b->order &&
         !a->active == !b->active;
}

static void
set_optional (char       **field,
              const char  *value)
{
  g_free (*field);
  *field = value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

static gboolean
write_people (Import  *import,
              GError **error)
{
  g_autoptr(GHashTable) existing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = yq_org_snapshot_get_n_people (import->snapshot);

  for (guint i = 0; i < n; i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (import->snapshot, i);

      g_hash_table_insert (existing, account_key (person->id), person);
    }

  for (guint r = 0; r < import->rows->len; r++)
    {
      Row *row = g_ptr_array_index (import->rows, r);
      g_autofree char *key = NULL;
      g_autoptr(YqOrgPerson) person = NULL;
      const char *password_hash = NULL;
      gboolean person_changed;
      YqOrgPerson *old;

      if (row->rejected)
        continue;

      key = account_key (row->values[YQ_OA_FIELD_ACCOUNT]);
      old = g_hash_table_lookup (existing, key);

      person = yq_org_person_new (old != NULL ? old->id : row->values[YQ_OA_FIELD_ACCOUNT],
                                  row->values[YQ_OA_FIELD_NAME]);
      person->account_code = g_strdup (person->id);
      if (old != NULL)
        {
          person->job_number = g_strdup (old->job_number);
          person->mobile = g_strdup (old->mobile);
          person->email = g_strdup (old->email);
          person->title = g_strdup (old->title);
          person->order = old->order;
          person->active = old->active;
        }

      g_strfreev (person->department_ids);
      person->department_ids = g_new0 (char *, 2);
      person->department_ids[0] = g_strdup (row->department);

      /* Columns the file has replace the values, empty cells clear them;
       * fields without a column keep what the directory had. */
      if (row->values[YQ_OA_FIELD_JOB_NUMBER] != NULL)
        set_optional (&person->job_number, row->values[YQ_OA_FIELD_JOB_NUMBER]);
      if (row->values[YQ_OA_FIELD_MOBILE] != NULL)
        set_optional (&person->mobile, row->mobile);
      if (row->values[YQ_OA_FIELD_EMAIL] != NULL)
        set_optional (&person->email, row->values[YQ_OA_FIELD_EMAIL]);
      if (row->values[YQ_OA_FIELD_TITLE] != NULL)
        set_optional (&person->title, row->values[YQ_OA_FIELD_TITLE]);
      if (row->values[YQ_OA_FIELD_ORDER] != NULL)
        person->order = row->order;
      if (row->status != STATUS_NOT_GIVEN)
        person->active = row->status == STATUS_ACTIVE;

      /* An empty cell keeps the stored password. */
      if (row->values[YQ_OA_FIELD_PASSWORD_HASH] != NULL &&
          row->values[YQ_OA_FIELD_PASSWORD_HASH][0] != '\0')
        {
          g_autofree char *stored = NULL;

          password_hash = row->values[YQ_OA_FIELD_PASSWORD_HASH];
          if (old != NULL &&
              !yq_oa_directory_read_password_hash (import->store, old->id, &stored, error))
            return FALSE;
          if (g_strcmp0 (stored, password_hash) == 0)
            password_hash = NULL;
        }

      person_changed = old == NULL || !same_person (old, person);
      if (!person_changed && password_hash == NULL)
        {
          import->report->people_unchanged++;
          continue;
        }

      if (!import->dry_run && person_changed &&
          !yq_oa_directory_write_person (import->store, person, old == NULL, error))
        {
          g_prefix_error (error, _("Line %u: "), row->line);
          return FALSE;
        }

      /* Audited like `oa set-password`; never the hash itself. */
      if (!import->dry_run && password_hash != NULL)
        {
          g_autofree char *subject = g_strconcat ("oa-person/", person->id, NULL);

          if (!yq_oa_directory_write_password_hash (import->store, person->id, password_hash,
                                                    error) ||
              !yq_store_audit (import->store, NULL, "oa-person.set-password", subject,
                               "scheme=pbkdf2-sha256; source=csv-import", error))
            {
              g_prefix_error (error, _("Line %u: "), row->line);
              return FALSE;
            }
        }

      if (old != NULL)
        import->report->people_updated++;
      else
        import->report->people_added++;
    }

  return TRUE;
}

static gboolean
apply (Import  *import,
       GError **error)
{
  import->snapshot = yq_oa_directory_read_snapshot (import->store, error);
  if (import->snapshot == NULL)
    return FALSE;

  import->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  import->children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  import->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  import->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import->next_order = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  index_snapshot (import);

  if (!find_root (import, error))
    return FALSE;

  /* Full paths first, so that a single name can find a department that
   * a later row creates. */
  for (guint r = 0; r < import->rows->len; r++)
    {
      Row *row = g_ptr_array_index (import->rows, r);

      if (!row->rejected && row->path != NULL && row->path[1] != NULL &&
          !resolve_path (import, row, error))
        return FALSE;
    }

  for (guint r = 0; r < import->rows->len; r++)
    {
      Row *row = g_ptr_array_index (import->rows, r);

      if (!row->rejected && row->path != NULL && row->path[1] == NULL &&
          !resolve_name (import, row, error))
        return FALSE;
    }

  return write_people (import, error);
}

static gboolean
apply_cb (YqStore   *store,
          gpointer   user_data,
          GError   **error)
{
  return apply (user_data, error);
}

static int
compare_rejections (gconstpointer a,
                    gconstpointer b)
{
  const YqOaImportRejection *ra = *(YqOaImportRejection * const *) a;
  const YqOaImportRejection *rb = *(YqOaImportRejection * const *) b;

  return (ra->line > rb->line) - (ra->line < rb->line);
}

/**
 * yq_oa_import_csv_bytes:
 * @store: the store with the OA directory
 * @data: the file's contents
 * @source: the file name, for messages
 * @mapping: (nullable): explicit column choices
 * @dry_run: only work out what would change
 * @report: (out) (transfer full): what was (or would be) done
 * @error: return location for an error
 *
 * Imports people into the built-in OA directory: accounts in the file are
 * added or updated, departments are created for paths that do not exist
 * yet, and nothing else is touched. Rows with problems are left out and
 * listed in @report; everything else is written in one transaction. A
 * password_hash column sets passwords from hashes (see #YqOaField); plain
 * passwords are not importable.
 *
 * Returns: %TRUE when the file could be read (even if rows were refused);
 *   %FALSE with @error set when nothing was imported
 */
gboolean
yq_oa_import_csv_bytes (YqStore                  *store,
                        GBytes                   *data,
                        const char               *source,
                        const YqOaImportMapping  *mapping,
                        gboolean                  dry_run,
                        YqOaImportReport        **report,
                        GError                  **error)
{
  Import import = { 0 };
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) records = NULL;
  const char *encoding = NULL;
  int columns[YQ_N_OA_FIELDS];
  CsvRecord *header = NULL;
  gsize text_len = 0;
  gsize start = 0;
  guint first_line = 1;
  guint header_index = 0;
  gboolean ok;
  char delimiter;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *report = NULL;

  text = decode_text (data, source, &encoding, &text_len, error);
  if (text == NULL)
    return FALSE;

  /* Excel's "sep=;" line names the separator. */
  if (text_len >= 5 && g_str_has_prefix (text, "sep=") &&
      (text_len == 5 || text[5] == '\n' || text[5] == '\r'))
    {
      delimiter = text[4];
      start = 5;
      if (start < text_len && text[start] == '\r')
        start++;
      if (start < text_len && text[start] == '\n')
        start++;
      first_line = 2;
    }
  else
    {
      delimiter = sniff_delimiter (text, text_len);
    }

  records = parse_csv (text, text_len, start, first_line, delimiter, source, error);
  if (records == NULL)
    return FALSE;

  /* The header is the first row with two or more filled cells: blank rows
   * and a title above it ("2024年通讯录" in one merged cell) are skipped.
   * Without such a row, the first row that is not blank is taken, so that
   * the error names its columns. */
  for (guint i = 0; i < records->len; i++)
    {
      CsvRecord *record = g_ptr_array_index (records, i);
      guint filled = count_filled_cells (record);

      if (filled > 1 || (filled == 1 && header == NULL))
        {
          header = record;
          header_index = i;
        }
      if (filled > 1)
        break;
    }

  if (header == NULL)
    {
      g_set_error (error, YQ_OA_IMPORT_ERROR, YQ_OA_IMPORT_ERROR_EMPTY,
                   _("%s is empty: it needs a header row with the column names (账号, 姓名, "
                     "部门, …) and a row per person."),
                   source);
      return FALSE;
    }

  import.store = store;
  import.source = source;
  import.dry_run = dry_run;
  import.rows = g_ptr_array_new_with_free_func (row_free);
  import.report = report_new ();
  import.report->encoding = g_strdup (encoding);
  import.report->delimiter = delimiter;
  import.report->dry_run = dry_run;

  if (!map_columns (&import, header, mapping, columns, error))
    {
      import_clear (&import);
      return FALSE;
    }

  check_rows (&import, records, header_index + 1, header->n_cells, columns);
  g_clear_pointer (&records, g_ptr_array_unref);
  import.report->rows = import.rows->len;

  if (dry_run)
    {
      g_autoptr(YqStoreLocker) locker = yq_store_lock (store);

      ok = apply (&import, error);
    }
  else
    {
      ok = yq_store_transaction (store, apply_cb, &import, error);
    }

  if (ok)
    {
      g_ptr_array_sort (import.report->rejected, compare_rejections);
      *report = g_steal_pointer (&import.report);
    }

  import_clear (&import);

  return ok;
}

/**
 * yq_oa_import_csv:
 * @store: the store with the OA directory
 * @file: a CSV file
 * @mapping: (nullable): explicit column choices
 * @dry_run: only work out what would change
 * @report: (out) (transfer full): what was (or would be) done
 * @error: return location for an error
 *
 * See yq_oa_import_csv_bytes().
 *
 * Returns: %TRUE when the file could be imported
 */
gboolean
yq_oa_import_csv (YqStore                  *store,
                  GFile                    *file,
                  const YqOaImportMapping  *mapping,
                  gboolean                  dry_run,
                  YqOaImportReport        **report,
                  GError                  **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *source = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *report = NULL;
  source = g_file_get_parse_name (file);

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, error);
  if (info == NULL)
    return FALSE;

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s is a directory; choose a CSV file."), source);
      return FALSE;
    }

  if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("%s is larger than %d MB; that is not an OA directory export."),
                   source, MAX_FILE_SIZE / (1024 * 1024));
      return FALSE;
    }

  data = g_file_load_bytes (file, NULL, NULL, error);
  if (data == NULL)
    return FALSE;

  return yq_oa_import_csv_bytes (store, data, source, mapping, dry_run, report, error);
}

/* Export */

/* The cell is quoted when it must be, and an apostrophe goes before a
 * leading = + - @ so that a spreadsheet shows it instead of running it;
 * clean_cell() takes it off again. Plain numbers ("-1", "+4420…") are
 * left alone. */
static void
append_csv_cell (GString    *out,
                 const char *value)
{
  const char *after = value;
  gboolean is_number = (value[0] == '-' || value[0] == '+') && all_digits (value + 1);
  gboolean quote = strpbrk (value, ",\"\r\n") != NULL;

  if (quote)
    g_string_append_c (out, '"');

  while (*after == '\'')
    after++;
  if (*after != '\0' && strchr ("=+-@", *after) != NULL && !is_number)
    g_string_append_c (out, '\'');

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }

  if (quote)
    g_string_append_c (out, '"');
}

typedef struct
{
  YqOrgPerson *person;
  guint        position;
} ExportRow;

static int
compare_export_rows (gconstpointer a,
                     gconstpointer b)
{
  const ExportRow *ra = a;
  const ExportRow *rb = b;

  if (ra->position != rb->position)
    return ra->position < rb->position ? -1 : 1;
  if (ra->person->order != rb->person->order)
    return ra->person->order < rb->person->order ? -1 : 1;

  return strcmp (ra->person->id, rb->person->id);
}

static int
compare_departments (gconstpointer a,
                     gconstpointer b)
{
  const YqOrgDepartment *da = *(YqOrgDepartment * const *) a;
  const YqOrgDepartment *db = *(YqOrgDepartment * const *) b;
  int cmp;

  if (da->order != db->order)
    return da->order < db->order ? -1 : 1;

  cmp = g_utf8_collate (da->name, db->name);
  if (cmp != 0)
    return cmp;

  return strcmp (da->id, db->id);
}

/* Department ID → position in a walk of the tree, siblings by order. */
static GHashTable *
tree_positions (YqOrgSnapshot *snapshot)
{
  GHashTable *positions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) children = NULL;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  guint n = yq_org_snapshot_get_n_departments (snapshot);
  guint next = 0;

  children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < n; i++)
    {
      YqOrgDepartment *department = yq_org_snapshot_get_department (snapshot, i);

      if (department->parent_id != NULL)
        multi_add (children, department->parent_id, (const char *) department);
    }

  if (yq_org_snapshot_get_root_id (snapshot) != NULL)
    g_ptr_array_add (stack, yq_org_snapshot_lookup_department (snapshot,
                                                               yq_org_snapshot_get_root_id (snapshot)));

  while (stack->len > 0)
    {
      YqOrgDepartment *department = g_ptr_array_steal_index (stack, stack->len - 1);
      GPtrArray *kids;

      if (department == NULL || g_hash_table_contains (positions, department->id))
        continue;

      g_hash_table_insert (positions, department->id, GUINT_TO_POINTER (next++));

      kids = g_hash_table_lookup (children, department->id);
      if (kids == NULL)
        continue;

      g_ptr_array_sort (kids, compare_departments);
      for (guint i = kids->len; i > 0; i--)
        g_ptr_array_add (stack, g_ptr_array_index (kids, i - 1));
    }

  /* Departments the walk did not reach (a damaged tree) come last. */
  for (guint i = 0; i < n; i++)
    {
      YqOrgDepartment *department = yq_org_snapshot_get_department (snapshot, i);

      if (!g_hash_table_contains (positions, department->id))
        g_hash_table_insert (positions, department->id, GUINT_TO_POINTER (next++));
    }

  return positions;
}

/**
 * yq_oa_export_csv:
 * @store: the store with the OA directory
 * @report: (out) (optional) (transfer full): what was written
 * @error: return location for an error
 *
 * Writes every person of the built-in OA directory, in the order of the
 * department tree, with the columns yq_oa_import_csv() reads; importing
 * the result changes nothing.
 *
 * Returns: (transfer full): the CSV file, or %NULL with @error set
 */
GBytes *
yq_oa_export_csv (YqStore           *store,
                  YqOaExportReport **report,
                  GError           **error)
{
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GHashTable) paths = NULL;
  g_autoptr(GHashTable) positions = NULL;
  g_autoptr(GHashTable) written = NULL;
  g_autoptr(GHashTable) path_users = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) ambiguous = NULL;
  GString *out;
  guint n_departments, n_people;
  guint not_written = 0;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  snapshot = yq_oa_directory_read_snapshot (store, error);
  if (snapshot == NULL)
    return NULL;

  n_departments = yq_org_snapshot_get_n_departments (snapshot);
  n_people = yq_org_snapshot_get_n_people (snapshot);
  paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  positions = tree_positions (snapshot);
  written = g_hash_table_new (g_str_hash, g_str_equal);
  path_users = g_hash_table_new (g_str_hash, g_str_equal);
  rows = g_array_sized_new (FALSE, FALSE, sizeof (ExportRow), n_people);

  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *department = yq_org_snapshot_get_department (snapshot, i);
      const char *path = snapshot_path (snapshot, paths, department->id, 0);

      g_hash_table_insert (path_users, (gpointer) path,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (path_users,
                                                                                    path)) + 1));
    }

  for (guint i = 0; i < n_people; i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);
      const char *department = first_department (person);
      ExportRow row = { person, G_MAXUINT };

      if (department != NULL && g_hash_table_contains (positions, department))
        row.position = GPOINTER_TO_UINT (g_hash_table_lookup (positions, department));
      g_array_append_val (rows, row);

      /* The department and its ancestors appear in the file. */
      for (guint depth = 0; department != NULL && depth <= n_departments; depth++)
        {
          YqOrgDepartment *d = yq_org_snapshot_lookup_department (snapshot, department);

          if (d == NULL || g_hash_table_contains (written, d->id))
            break;
          g_hash_table_add (written, d->id);
          department = d->parent_id;
        }
    }

  g_array_sort (rows, compare_export_rows);

  ambiguous = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *department = yq_org_snapshot_get_department (snapshot, i);
      const char *path = g_hash_table_lookup (paths, department->id);

      if (!g_hash_table_contains (written, department->id))
        {
          not_written++;
          continue;
        }

      if (GPOINTER_TO_UINT (g_hash_table_lookup (path_users, path)) > 1 &&
          !g_ptr_array_find_with_equal_func (ambiguous, path, g_str_equal, NULL))
        g_ptr_array_add (ambiguous, g_strdup (path));
    }
  g_ptr_array_sort (ambiguous, (GCompareFunc) g_strcmp0);

  out = g_string_sized_new (64 + (gsize) n_people * 96);
  g_string_append (out, "\xEF\xBB\xBF");
  {
    const YqOaField order[] = {
      YQ_OA_FIELD_ACCOUNT, YQ_OA_FIELD_NAME, YQ_OA_FIELD_DEPARTMENT, YQ_OA_FIELD_JOB_NUMBER,
      YQ_OA_FIELD_MOBILE, YQ_OA_FIELD_EMAIL, YQ_OA_FIELD_TITLE, YQ_OA_FIELD_ORDER,
      YQ_OA_FIELD_STATUS,
    };

    /* Every field but the password hash, which stays in the store. */
    G_STATIC_ASSERT (G_N_ELEMENTS (order) == YQ_N_OA_FIELDS - 1);

    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      {
        if (i > 0)
          g_string_append_c (out, ',');
        g_string_append (out, export_headers[order[i]]);
      }
    g_string_append (out, "\r\n");
  }

  for (guint i = 0; i < rows->len; i++)
    {
      YqOrgPerson *person = g_array_index (rows, ExportRow, i).person;
      const char *department = first_department (person);
      const char *path = department != NULL ? g_hash_table_lookup (paths, department) : NULL;
      char order[32];

      g_snprintf (order, sizeof order, "%" G_GINT64_FORMAT, person->order);

      append_csv_cell (out, person->id);
      g_string_append_c (out, ',');
      append_csv_cell (out, person->name);
      g_string_append_c (out, ',');
      append_csv_cell (out, path != NULL ? path : "");
      g_string_append_c (out, ',');
      append_csv_cell (out, person->job_number != NULL ? person->job_number : "");
      g_string_append_c (out, ',');
      append_csv_cell (out, person->mobile != NULL ? person->mobile : "");
      g_string_append_c (out, ',');
      append_csv_cell (out, person->email != NULL ? person->email : "");
      g_string_append_c (out, ',');
      append_csv_cell (out, person->title != NULL ? person->title : "");
      g_string_append_c (out, ',');
      g_string_append (out, order);
      g_string_append_c (out, ',');
      g_string_append (out, person->active ? "正常" : "停用");
      g_string_append (out, "\r\n");
    }

  if (report != NULL)
    {
      *report = g_new0 (YqOaExportReport, 1);
      (*report)->people = n_people;
      (*report)->departments = n_departments;
      (*report)->departments_not_written = not_written;
      g_ptr_array_add (ambiguous, NULL);
      (*report)->ambiguous_paths = (char **) g_ptr_array_free (g_steal_pointer (&ambiguous), FALSE);
    }

  return g_string_free_to_bytes (out);
}
