/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-xlsx-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "yq-xlsx-writer.h"

/* The longest text a cell holds, in characters. */
#define MAX_CELL_CHARS 32767
/* Excel's widest column. */
#define MAX_COLUMN_WIDTH 255.0
/* Room for the autofilter button next to a header. */
#define FILTER_BUTTON_WIDTH 3

struct _YqXlsxWriter
{
  GObject           parent_instance;

  char             *path;
  char             *tmp_path;
  lxw_workbook     *workbook;
  lxw_worksheet    *data_sheet;
  lxw_worksheet    *notes_sheet;
  lxw_format       *header_format;
  lxw_format       *text_format;
  lxw_format       *date_format;
  lxw_format       *datetime_format;
  YqXlsxWriterKind *kinds;
  char            **titles;
  /* Looked up once: every g_date_time_to_local() reads /etc/localtime. */
  GTimeZone        *local_zone;
  guint             n_columns;
  guint             n_rows;
};

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void yq_xlsx_writer_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqXlsxWriter, yq_xlsx_writer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      yq_xlsx_writer_initable_iface_init))

G_DEFINE_QUARK (yq-xlsx-writer-error-quark, yq_xlsx_writer_error)

/* Errors */

static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);
  const char *hint;

  switch (saved_errno)
    {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
    case EFBIG:
      hint = _("Free some disk space and export again.");
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      hint = _("Choose a folder you are allowed to write to.");
      break;
    case ENOENT:
    case ENOTDIR:
      hint = _("Choose a folder that exists.");
      break;
    default:
      hint = _("Choose another folder and export again.");
      break;
    }

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("Could not write the spreadsheet “%s”: %s. %s"),
               display, g_strerror (saved_errno), hint);
}

/* An error of a libxlsxwriter call while the workbook is put together. */
static void
set_lxw_error (GError      **error,
               lxw_error     code,
               const char   *path)
{
  g_autofree char *display = g_filename_display_name (path);

  switch (code)
    {
    case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
    case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
      g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_TOO_LARGE,
                   _("Could not write the spreadsheet “%s”: %s. Export fewer rows or "
                     "shorter values."),
                   display, lxw_strerror (code));
      break;
    case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
    case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
    case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
    case LXW_ERROR_SHEETNAME_ALREADY_USED:
      g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_SHEET_NAME,
                   _("Could not write the spreadsheet “%s”: %s."),
                   display, lxw_strerror (code));
      break;
    case LXW_NO_ERROR:
    default:
      g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_FAILED,
                   _("Could not write the spreadsheet “%s”: %s. Check that the "
                     "temporary folder and the disk have free space, then export again."),
                   display, lxw_strerror (code));
      break;
    }
}

static gboolean
check_closed (YqXlsxWriter  *self,
              GError       **error)
{
  g_autofree char *display = NULL;

  if (self->workbook != NULL)
    return TRUE;

  display = g_filename_display_name (self->path);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
               _("The spreadsheet “%s” is already closed."), display);
  return FALSE;
}

/* Values */

/* Columns as spreadsheets measure them: a wide (CJK) character takes two. */
static guint
display_width (const char *text)
{
  guint width = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      width += (g_unichar_iswide (c) || g_unichar_iswide_cjk (c)) ? 2 : 1;
    }

  return width;
}

static gboolean
parse_digits (const char **p,
              guint        n,
              guint       *value)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + (guint) ((*p)[i] - '0');
    }
  *p += n;
  *value = v;

  return TRUE;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's
 * algorithms): cheaper than a GDateTime per cell. */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 mm = m;
  gint64 era, yoe, doy, doe;

  y -= mm <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5 + (gint64) d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  z,
                 guint  *year,
                 guint  *month,
                 guint  *day)
{
  gint64 era, doe, yoe, y, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *day = (guint) (doy - (153 * mp + 2) / 5 + 1);
  *month = (guint) (mp < 10 ? mp + 3 : mp - 9);
  *year = (guint) (y + (*month <= 2));
}

/* Parses the ISO 8601 forms YqXlsxWriterKind documents into local
 * wall-clock time. */
static gboolean
parse_datetime (const char   *text,
                GTimeZone    *local_zone,
                lxw_datetime *out)
{
  const char *p = text;
  guint year, month, day, hour = 0, minute = 0, second = 0;
  double fraction = 0;
  gboolean has_zone = FALSE;
  gint offset = 0;

  if (!parse_digits (&p, 4, &year) || *p++ != '-' || !parse_digits (&p, 2, &month) ||
      *p++ != '-' || !parse_digits (&p, 2, &day))
    return FALSE;
  if (year < 1900 || year > 9999 || month < 1 || month > 12 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;

  if (*p == 'T' || *p == ' ')
    {
      p++;
      if (!parse_digits (&p, 2, &hour) || *p++ != ':' || !parse_digits (&p, 2, &minute))
        return FALSE;
      if (*p == ':')
        {
          p++;
          if (!parse_digits (&p, 2, &second))
            return FALSE;
          if (*p == '.' || *p == ',')
            {
              double scale = 0.1;

              p++;
              if (!g_ascii_isdigit (*p))
                return FALSE;
              for (; g_ascii_isdigit (*p); p++, scale /= 10)
                fraction += (*p - '0') * scale;
            }
        }
      if (hour > 23 || minute > 59 || second > 59)
        return FALSE;

      if (*p == 'Z')
        {
          has_zone = TRUE;
          p++;
        }
      else if (*p == '+' || *p == '-')
        {
          gint sign = *p++ == '-' ? -1 : 1;
          guint zone_hours, zone_minutes = 0;

          if (!parse_digits (&p, 2, &zone_hours))
            return FALSE;
          if (*p == ':')
            p++;
          if (*p != '\0' && !parse_digits (&p, 2, &zone_minutes))
            return FALSE;
          if (zone_hours > 23 || zone_minutes > 59)
            return FALSE;
          has_zone = TRUE;
          offset = sign * (gint) (zone_hours * 3600 + zone_minutes * 60);
        }
    }
  if (*p != '\0')
    return FALSE;

  if (has_zone)
    {
      gint64 utc = days_from_civil (year, month, day) * 86400 +
                   hour * 3600 + minute * 60 + second - offset;
      gint interval = g_time_zone_find_interval (local_zone, G_TIME_TYPE_UNIVERSAL, utc);
      gint64 local = utc + (interval >= 0 ? g_time_zone_get_offset (local_zone, interval) : 0);
      gint64 days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
      gint64 rest = local - days * 86400;

      civil_from_days (days, &year, &month, &day);
      if (year < 1900 || year > 9999)
        return FALSE;
      hour = (guint) (rest / 3600);
      minute = (guint) (rest / 60 % 60);
      second = (guint) (rest % 60);
    }

  out->year = (int) year;
  out->month = (uint8_t) month;
  out->day = (uint8_t) day;
  out->hour = (uint8_t) hour;
  out->min = (uint8_t) minute;
  out->sec = second + fraction;

  return TRUE;
}

static gboolean
parse_number (const char *text,
              double     *value)
{
  char *end = NULL;
  double v;

  /* No hex, infinities, NaN or blanks: only what reads as a decimal. */
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && strchr ("+-.eE", *p) == NULL)
      return FALSE;

  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    return FALSE;
  *value = v;

  return TRUE;
}

/* GObject */

static gboolean
yq_xlsx_writer_initable_init (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  YqXlsxWriter *self = YQ_XLSX_WRITER (initable);
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *base = g_path_get_basename (self->path);
  lxw_workbook_options options = {
    .constant_memory = LXW_TRUE,
    .tmpdir = NULL,
    .use_zip64 = LXW_FALSE,
  };
  int fd = -1;

  /* A hidden sibling, so that the rename is atomic and a file manager does
   * not show the half-written file. O_EXCL rather than g_mkstemp() so the
   * file gets the usual permissions (0666 less the umask). */
  for (guint attempt = 0; attempt < 100 && fd < 0; attempt++)
    {
      /* A long name plus the suffix could pass the file system's limit. */
      g_autofree char *name = g_strdup_printf (".%s.%08x.tmp",
                                               strlen (base) <= 100 ? base : "export",
                                               g_random_int ());

      g_free (self->tmp_path);
      self->tmp_path = g_build_filename (dir, name, NULL);
      fd = g_open (self->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd < 0 && errno != EEXIST)
        break;
    }
  if (fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&self->tmp_path, g_free);
      set_io_error (error, saved_errno, self->path);
      return FALSE;
    }
  g_close (fd, NULL);

  self->workbook = workbook_new_opt (self->tmp_path, &options);
  if (self->workbook == NULL)
    {
      set_lxw_error (error, LXW_ERROR_MEMORY_MALLOC_FAILED, self->path);
      return FALSE;
    }

  self->header_format = workbook_add_format (self->workbook);
  format_set_bold (self->header_format);
  format_set_bottom (self->header_format, LXW_BORDER_THIN);
  format_set_bg_color (self->header_format, 0xE8EEF7);
  format_set_num_format (self->header_format, "@");

  self->text_format = workbook_add_format (self->workbook);
  format_set_num_format (self->text_format, "@");

  self->date_format = workbook_add_format (self->workbook);
  format_set_num_format (self->date_format, "yyyy-mm-dd");

  self->datetime_format = workbook_add_format (self->workbook);
  format_set_num_format (self->datetime_format, "yyyy-mm-dd hh:mm:ss");

  return TRUE;
}

static void
yq_xlsx_writer_initable_iface_init (GInitableIface *iface)
{
  iface->init = yq_xlsx_writer_initable_init;
}

static void
yq_xlsx_writer_finalize (GObject *object)
{
  YqXlsxWriter *self = YQ_XLSX_WRITER (object);

  /* Not closed: drop everything. lxw_workbook_free() leaves the rows'
   * temporary files of constant-memory mode open. */
  if (self->workbook != NULL)
    {
      lxw_worksheet *sheets[] = { self->data_sheet, self->notes_sheet };

      for (guint i = 0; i < G_N_ELEMENTS (sheets); i++)
        if (sheets[i] != NULL && sheets[i]->optimize_tmpfile != NULL)
          {
            fclose (sheets[i]->optimize_tmpfile);
            sheets[i]->optimize_tmpfile = NULL;
          }
    }
  g_clear_pointer (&self->workbook, lxw_workbook_free);
  if (self->tmp_path != NULL)
    g_unlink (self->tmp_path);

  g_clear_pointer (&self->tmp_path, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->kinds, g_free);
  g_clear_pointer (&self->titles, g_strfreev);
  g_clear_pointer (&self->local_zone, g_time_zone_unref);

  G_OBJECT_CLASS (yq_xlsx_writer_parent_class)->finalize (object);
}

static void
yq_xlsx_writer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  YqXlsxWriter *self = YQ_XLSX_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_xlsx_writer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  YqXlsxWriter *self = YQ_XLSX_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_assert (self->path == NULL);
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_xlsx_writer_class_init (YqXlsxWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_xlsx_writer_finalize;
  object_class->get_property = yq_xlsx_writer_get_property;
  object_class->set_property = yq_xlsx_writer_set_property;

  /**
   * YqXlsxWriter:path:
   *
   * The file the workbook is written to when it is closed.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yq_xlsx_writer_init (YqXlsxWriter *self)
{
  self->local_zone = g_time_zone_new_local ();
}

/* Public API */

YqXlsxWriter *
yq_xlsx_writer_new (const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (YQ_TYPE_XLSX_WRITER, NULL, error, "path", path, NULL);
}

const char *
yq_xlsx_writer_get_path (YqXlsxWriter *self)
{
  g_return_val_if_fail (YQ_IS_XLSX_WRITER (self), NULL);

  return self->path;
}

static lxw_worksheet *
add_sheet (YqXlsxWriter  *self,
           const char    *name,
           GError       **error)
{
  lxw_error code = workbook_validate_sheet_name (self->workbook, name);
  lxw_worksheet *sheet;

  if (*name == '\0')
    code = LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED;
  if (code != LXW_NO_ERROR)
    {
      g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_SHEET_NAME,
                   _("“%s” cannot name a sheet: %s."), name, lxw_strerror (code));
      return NULL;
    }

  sheet = workbook_add_worksheet (self->workbook, name);
  if (sheet == NULL)
    set_lxw_error (error, LXW_ERROR_MEMORY_MALLOC_FAILED, self->path);

  return sheet;
}

gboolean
yq_xlsx_writer_add_data_sheet (YqXlsxWriter              *self,
                               const char                *name,
                               const YqXlsxWriterColumn  *columns,
                               guint                      n_columns,
                               GError                   **error)
{
  lxw_error code;

  g_return_val_if_fail (YQ_IS_XLSX_WRITER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (columns != NULL && n_columns > 0, FALSE);
  g_return_val_if_fail (self->data_sheet == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_closed (self, error))
    return FALSE;
  if (n_columns > LXW_COL_MAX)
    {
      g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_TOO_LARGE,
                   _("A sheet holds at most %u columns, not %u."), (guint) LXW_COL_MAX,
                   n_columns);
      return FALSE;
    }

  self->data_sheet = add_sheet (self, name, error);
  if (self->data_sheet == NULL)
    return FALSE;

  self->n_columns = n_columns;
  self->kinds = g_new (YqXlsxWriterKind, n_columns);
  self->titles = g_new0 (char *, n_columns + 1);

  for (guint i = 0; i < n_columns; i++)
    {
      const YqXlsxWriterColumn *column = &columns[i];
      lxw_format *format = NULL;
      guint width;

      g_return_val_if_fail (column->title != NULL, FALSE);

      self->kinds[i] = column->kind;
      self->titles[i] = g_strdup (column->title);

      width = MAX (column->width + 1, display_width (column->title) + FILTER_BUTTON_WIDTH);
      switch (column->kind)
        {
        case YQ_XLSX_WRITER_TEXT:
          format = self->text_format;
          break;
        case YQ_XLSX_WRITER_DATE:
          format = self->date_format;
          width = MAX (width, 11);
          break;
        case YQ_XLSX_WRITER_DATETIME:
          format = self->datetime_format;
          width = MAX (width, 20);
          break;
        case YQ_XLSX_WRITER_NUMBER:
        default:
          break;
        }

      code = worksheet_set_column (self->data_sheet, (lxw_col_t) i, (lxw_col_t) i,
                                   MIN ((double) width, MAX_COLUMN_WIDTH), format);
      if (code == LXW_NO_ERROR)
        code = worksheet_write_string (self->data_sheet, 0, (lxw_col_t) i, column->title,
                                       self->header_format);
      if (code != LXW_NO_ERROR)
        {
          set_lxw_error (error, code, self->path);
          return FALSE;
        }
    }

  worksheet_freeze_panes (self->data_sheet, 1, 0);

  return TRUE;
}

gboolean
yq_xlsx_writer_add_row (YqXlsxWriter        *self,
                        const char * const  *values,
                        GError             **error)
{
  lxw_row_t row;

  g_return_val_if_fail (YQ_IS_XLSX_WRITER (self), FALSE);
  g_return_val_if_fail (values != NULL, FALSE);
  g_return_val_if_fail (self->data_sheet != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_closed (self, error))
    return FALSE;

  /* The header takes the first row. */
  if (self->n_rows + 1 >= LXW_ROW_MAX)
    {
      g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_TOO_LARGE,
                   _("A sheet holds at most %u rows below its header; export fewer rows."),
                   (guint) LXW_ROW_MAX - 1);
      return FALSE;
    }
  row = (lxw_row_t) self->n_rows + 1;

  for (guint i = 0; i < self->n_columns; i++)
    {
      const char *value = values[i];
      g_autofree char *valid = NULL;
      lxw_datetime datetime;
      double number;
      lxw_error code;

      if (value == NULL || *value == '\0')
        continue;

      if (!g_utf8_validate (value, -1, NULL))
        value = valid = g_utf8_make_valid (value, -1);
      if (strlen (value) > MAX_CELL_CHARS && g_utf8_strlen (value, -1) > MAX_CELL_CHARS)
        {
          g_set_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_TOO_LARGE,
                       _("Row %u, column “%s”: the value has %ld characters; a cell holds at "
                         "most %d."),
                       self->n_rows + 1, self->titles[i], (long) g_utf8_strlen (value, -1),
                       MAX_CELL_CHARS);
          return FALSE;
        }

      switch (self->kinds[i])
        {
        case YQ_XLSX_WRITER_NUMBER:
          if (parse_number (value, &number))
            code = worksheet_write_number (self->data_sheet, row, (lxw_col_t) i, number, NULL);
          else
            code = worksheet_write_string (self->data_sheet, row, (lxw_col_t) i, value, NULL);
          break;
        case YQ_XLSX_WRITER_DATE:
        case YQ_XLSX_WRITER_DATETIME:
          if (parse_datetime (value, self->local_zone, &datetime))
            code = worksheet_write_datetime (self->data_sheet, row, (lxw_col_t) i, &datetime,
                                             self->kinds[i] == YQ_XLSX_WRITER_DATE
                                               ? self->date_format : self->datetime_format);
          else
            code = worksheet_write_string (self->data_sheet, row, (lxw_col_t) i, value, NULL);
          break;
        case YQ_XLSX_WRITER_TEXT:
        default:
          code = worksheet_write_string (self->data_sheet, row, (lxw_col_t) i, value,
                                         self->text_format);
          break;
        }

      if (code != LXW_NO_ERROR)
        {
          set_lxw_error (error, code, self->path);
          return FALSE;
        }
    }

  self->n_rows++;

  return TRUE;
}

guint
yq_xlsx_writer_get_n_rows (YqXlsxWriter *self)
{
  g_return_val_if_fail (YQ_IS_XLSX_WRITER (self), 0);

  return self->n_rows;
}

gboolean
yq_xlsx_writer_add_notes_sheet (YqXlsxWriter        *self,
                                const char          *name,
                                const char          *title,
                                const char * const  *lines,
                                GError             **error)
{
  lxw_worksheet *sheet;
  lxw_format *title_format;
  lxw_format *line_format;
  lxw_error code;
  lxw_row_t row = 0;

  g_return_val_if_fail (YQ_IS_XLSX_WRITER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (title != NULL, FALSE);
  g_return_val_if_fail (self->data_sheet != NULL && self->notes_sheet == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_closed (self, error))
    return FALSE;

  sheet = add_sheet (self, name, error);
  if (sheet == NULL)
    return FALSE;
  self->notes_sheet = sheet;

  title_format = workbook_add_format (self->workbook);
  format_set_bold (title_format);
  format_set_font_size (title_format, 14);

  line_format = workbook_add_format (self->workbook);
  format_set_text_wrap (line_format);
  format_set_align (line_format, LXW_ALIGN_VERTICAL_TOP);

  code = worksheet_set_column (sheet, 0, 0, 100, line_format);
  if (code == LXW_NO_ERROR)
    code = worksheet_write_string (sheet, row, 0, title, title_format);
  /* A blank row under the title. */
  row += 2;

  for (guint i = 0; code == LXW_NO_ERROR && lines != NULL && lines[i] != NULL; i++, row++)
    {
      g_autofree char *valid = NULL;
      const char *line = lines[i];

      if (*line == '\0')
        continue;
      if (!g_utf8_validate (line, -1, NULL))
        line = valid = g_utf8_make_valid (line, -1);
      code = worksheet_write_string (sheet, row, 0, line, line_format);
    }

  if (code != LXW_NO_ERROR)
    {
      set_lxw_error (error, code, self->path);
      return FALSE;
    }

  return TRUE;
}

gboolean
yq_xlsx_writer_close (YqXlsxWriter  *self,
                      GError       **error)
{
  lxw_workbook *workbook;
  lxw_error code = LXW_NO_ERROR;
  int fd;

  g_return_val_if_fail (YQ_IS_XLSX_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_closed (self, error))
    return FALSE;

  if (self->data_sheet != NULL)
    code = worksheet_autofilter (self->data_sheet, 0, 0, (lxw_row_t) self->n_rows,
                                 (lxw_col_t) self->n_columns - 1);
  if (code != LXW_NO_ERROR)
    {
      set_lxw_error (error, code, self->path);
      return FALSE;
    }

  /* workbook_close() frees the workbook whatever happens. */
  workbook = g_steal_pointer (&self->workbook);
  errno = 0;
  code = workbook_close (workbook);
  if (code != LXW_NO_ERROR)
    {
      int saved_errno = errno;

      /* A full disk or a folder that went away shows in errno; other
       * errors are libxlsxwriter's own. */
      if (saved_errno == ENOSPC || saved_errno == EFBIG || saved_errno == EIO ||
#ifdef EDQUOT
          saved_errno == EDQUOT ||
#endif
          saved_errno == EACCES || saved_errno == EROFS || saved_errno == ENOENT)
        set_io_error (error, saved_errno, self->path);
      else
        set_lxw_error (error, code, self->path);
      return FALSE;
    }

  /* Make sure the data reached the disk before the rename makes it the
   * file: a full disk can show only here. */
  fd = g_open (self->tmp_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        g_close (fd, NULL);
      set_io_error (error, saved_errno, self->path);
      return FALSE;
    }
  g_close (fd, NULL);

  if (g_rename (self->tmp_path, self->path) != 0)
    {
      set_io_error (error, errno, self->path);
      return FALSE;
    }

  g_clear_pointer (&self->tmp_path, g_free);

  return TRUE;
}
