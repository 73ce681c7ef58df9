/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-xlsx-reader"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <minizip/unzip.h>

#include "yq-xlsx-reader.h"

/* The ratio limit applies to parts larger than this: small parts of
 * repetitive XML compress far better than 100:1 and are harmless. */
#define RATIO_MIN_SIZE (1024 * 1024)
/* Characters of a hostile cell reference quoted in a message. */
#define MAX_QUOTED 24
/* The last valid 1900-system serial, 9999-12-31. */
#define MAX_SERIAL 2958466.0

typedef struct
{
  YqXlsxReader     *self;
  char             *part;
  xmlTextReaderPtr  xml;
  /* The type of the current node, from part_step (): asking libxml2 again
   * scans text nodes for blanks every time. */
  int               type;
  guint64           compressed;
  guint64           read;
  int               zip_error;
  gboolean          over_limit;
  gboolean          at_end;
  char             *xml_message;
  int               xml_line;
  guint             xml_row;
  guint             row;
} PartStream;

typedef struct
{
  guint      number;
  GPtrArray *cells;
} PendingRow;

struct _YqXlsxReader
{
  GObject       parent_instance;

  char         *path;
  YqXlsxLimits  limits;
  unzFile       zip;
  gboolean      date1904;

  char        **sheet_names;
  char        **sheet_parts;

  gboolean      have_sst;
  char         *sst_part;
  GStringChunk *sst_chunk;
  GPtrArray    *sst;
  guint64       sst_bytes;

  GArray       *xf_is_date;

  int           sheet_index;
  PartStream   *sheet;
  gboolean      sheet_done;
  guint         last_row;
  GQueue        pending;

  /* Scratch space for read_cell (), kept from cell to cell. */
  GString      *cell_ref;
  GString      *cell_type;
  GString      *cell_style;
  GString      *cell_value;
  GString      *cell_inline;
};

G_DEFINE_FINAL_TYPE (YqXlsxReader, yq_xlsx_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (yq-xlsx-error-quark, yq_xlsx_error)

void
yq_xlsx_limits_init (YqXlsxLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_part_size = 200 * 1024 * 1024;
  limits->max_ratio = 100;
  limits->max_rows = 1048576;
  limits->max_columns = 16384;
  limits->max_string_length = 32767;
  limits->max_shared_strings = 5000000;
  limits->max_shared_string_bytes = 100 * 1024 * 1024;
}

static void
pending_row_free (PendingRow *row)
{
  g_clear_pointer (&row->cells, g_ptr_array_unref);
  g_free (row);
}

/* Errors */

static void set_part_error (GError     **error,
                            int          code,
                            const char  *part,
                            guint        row,
                            const char  *format,
                            ...) G_GNUC_PRINTF (5, 6);

static void
set_part_error (GError     **error,
                int          code,
                const char  *part,
                guint        row,
                const char  *format,
                ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (row > 0)
    /* TRANSLATORS: "xl/worksheets/sheet1.xml, row 12: <what is wrong>" */
    g_set_error (error, YQ_XLSX_ERROR, code, _("%s, row %u: %s"), part, row, detail);
  else
    g_set_error (error, YQ_XLSX_ERROR, code, "%s: %s", part, detail);
}

static char *
quote_short (const char *text)
{
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= MAX_QUOTED)
    return g_strdup (text);
  start = g_utf8_substring (text, 0, MAX_QUOTED);
  return g_strconcat (start, "…", NULL);
}

/* Parts */

static int
part_read_cb (void *user_data,
              char *buffer,
              int   len)
{
  PartStream *stream = user_data;
  const YqXlsxLimits *limits = &stream->self->limits;
  int n;

  if (stream->over_limit || stream->zip_error != 0)
    return -1;

  n = unzReadCurrentFile (stream->self->zip, buffer, (unsigned) len);
  if (n < 0)
    {
      stream->zip_error = n;
      return -1;
    }
  if (n == 0)
    stream->at_end = TRUE;

  stream->read += (guint64) n;
  /* The declared sizes were checked on opening; this catches lies. */
  if (stream->read > limits->max_part_size
      || (stream->read > RATIO_MIN_SIZE
          && stream->read / MAX (stream->compressed, 1) > limits->max_ratio))
    {
      stream->over_limit = TRUE;
      return -1;
    }

  return n;
}

static void
part_xml_error_cb (void        *user_data,
                   xmlErrorPtr  xml_error)
{
  PartStream *stream = user_data;

  if (stream->xml_message != NULL || xml_error == NULL)
    return;
  if (xml_error->level < XML_ERR_ERROR)
    return;

  stream->xml_message = g_strstrip (g_strdup (xml_error->message != NULL
                                              ? xml_error->message : "?"));
  stream->xml_line = xml_error->line;

  /* The parser reads ahead of the reader: name the row the parser was in,
   * from the innermost open <row>'s r attribute. */
  if (xml_error->ctxt != NULL)
    {
      xmlParserCtxtPtr parser = xml_error->ctxt;

      for (xmlNodePtr node = parser->node; node != NULL; node = node->parent)
        {
          if (node->type == XML_ELEMENT_NODE && node->name != NULL
              && strcmp ((const char *) node->name, "row") == 0)
            {
              xmlChar *r = xmlGetProp (node, (const xmlChar *) "r");
              guint64 number;

              if (r != NULL
                  && g_ascii_string_to_unsigned ((const char *) r, 10, 1, G_MAXUINT,
                                                 &number, NULL))
                stream->xml_row = (guint) number;
              xmlFree (r);
              break;
            }
        }
    }
}

static void
part_stream_free (PartStream *stream)
{
  if (stream == NULL)
    return;

  g_clear_pointer (&stream->xml, xmlFreeTextReader);
  unzCloseCurrentFile (stream->self->zip);
  g_free (stream->part);
  g_free (stream->xml_message);
  g_free (stream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PartStream, part_stream_free)

static gboolean
part_exists (YqXlsxReader *self,
             const char   *part)
{
  return unzLocateFile (self->zip, part, 2) == UNZ_OK;
}

static PartStream *
part_open (YqXlsxReader  *self,
           const char    *part,
           GError       **error)
{
  g_autoptr(PartStream) stream = NULL;
  unz_file_info64 info;
  int ret;

  g_assert (self->sheet == NULL || self->sheet->xml == NULL);

  ret = unzLocateFile (self->zip, part, 2);
  if (ret != UNZ_OK)
    {
      if (ret == UNZ_END_OF_LIST_OF_FILE)
        set_part_error (error, YQ_XLSX_ERROR_MISSING_PART, part, 0,
                        _("the part is missing from the workbook. The file is damaged or "
                          "was not written by a spreadsheet program; save it again as an "
                          "Excel workbook (.xlsx)."));
      else
        set_part_error (error, YQ_XLSX_ERROR_CORRUPT, part, 0,
                        _("the zip archive is damaged (error %d). Save the workbook again "
                          "as .xlsx."), ret);
      return NULL;
    }

  ret = unzGetCurrentFileInfo64 (self->zip, &info, NULL, 0, NULL, 0, NULL, 0);
  if (ret != UNZ_OK)
    {
      set_part_error (error, YQ_XLSX_ERROR_CORRUPT, part, 0,
                      _("the zip archive is damaged (error %d). Save the workbook again "
                        "as .xlsx."), ret);
      return NULL;
    }

  if (info.uncompressed_size > self->limits.max_part_size)
    {
      set_part_error (error, YQ_XLSX_ERROR_LIMIT, part, 0,
                      _("the part is %llu bytes uncompressed, more than the limit of "
                        "%llu bytes. Split the workbook into smaller files."),
                      (unsigned long long) info.uncompressed_size,
                      (unsigned long long) self->limits.max_part_size);
      return NULL;
    }
  if (info.uncompressed_size > RATIO_MIN_SIZE
      && info.uncompressed_size / MAX (info.compressed_size, 1) > self->limits.max_ratio)
    {
      set_part_error (error, YQ_XLSX_ERROR_LIMIT, part, 0,
                      _("the part expands %llu times (%llu bytes from %llu), more than the "
                        "compression ratio limit of %u; the file may be a zip bomb."),
                      (unsigned long long) (info.uncompressed_size
                                            / MAX (info.compressed_size, 1)),
                      (unsigned long long) info.uncompressed_size,
                      (unsigned long long) info.compressed_size,
                      self->limits.max_ratio);
      return NULL;
    }

  ret = unzOpenCurrentFile (self->zip);
  if (ret != UNZ_OK)
    {
      set_part_error (error, YQ_XLSX_ERROR_CORRUPT, part, 0,
                      _("the part cannot be opened: the zip archive is damaged or uses an "
                        "unsupported compression (error %d). Save the workbook again as "
                        ".xlsx."), ret);
      return NULL;
    }

  stream = g_new0 (PartStream, 1);
  stream->self = self;
  stream->part = g_strdup (part);
  stream->compressed = info.compressed_size;

  stream->xml = xmlReaderForIO (part_read_cb, NULL, stream, part, NULL,
                                XML_PARSE_NONET | XML_PARSE_COMPACT);
  if (stream->xml == NULL)
    {
      set_part_error (error, YQ_XLSX_ERROR_BAD_XML, part, 0,
                      _("the XML parser could not start"));
      return NULL;
    }
  xmlTextReaderSetStructuredErrorHandler (stream->xml, part_xml_error_cb, stream);

  return g_steal_pointer (&stream);
}

/* Reads the next node: 1 for a node, 0 at the end, -1 with @error set. */
static int
part_step (PartStream  *stream,
           GError     **error)
{
  const YqXlsxLimits *limits = &stream->self->limits;
  int ret;

  ret = xmlTextReaderRead (stream->xml);
  stream->type = ret == 1 ? xmlTextReaderNodeType (stream->xml) : XML_READER_TYPE_NONE;
  if (ret == 1)
    {
      if (stream->type == XML_READER_TYPE_DOCUMENT_TYPE)
        {
          set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part, stream->row,
                          _("the part has a document type declaration, which spreadsheet "
                            "programs never write; the file is not a genuine workbook."));
          return -1;
        }
      return 1;
    }
  if (ret == 0 && stream->xml_message == NULL)
    return 0;

  if (stream->zip_error != 0)
    set_part_error (error, YQ_XLSX_ERROR_CORRUPT, stream->part, stream->row,
                    _("the zip archive is damaged or truncated (error %d). Save the "
                      "workbook again as .xlsx."), stream->zip_error);
  else if (stream->over_limit)
    set_part_error (error, YQ_XLSX_ERROR_LIMIT, stream->part, stream->row,
                    _("the part expands beyond the limit of %llu bytes or %u times its "
                      "compressed size; the file may be a zip bomb."),
                    (unsigned long long) limits->max_part_size, limits->max_ratio);
  else if (stream->xml_message != NULL)
    set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part,
                    stream->xml_row != 0 ? stream->xml_row : stream->row,
                    _("the XML is not well-formed (line %d: %s). The file is damaged."),
                    stream->xml_line, stream->xml_message);
  else
    set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part, stream->row,
                    _("the XML cannot be read. The file is damaged."));
  return -1;
}

/* Reads what is left of the part and checks its checksum. */
static gboolean
part_finish (PartStream  *stream,
             GError     **error)
{
  char buffer[4096];
  int ret;

  g_clear_pointer (&stream->xml, xmlFreeTextReader);
  while (!stream->at_end)
    {
      if (part_read_cb (stream, buffer, sizeof buffer) < 0)
        {
          if (stream->over_limit)
            set_part_error (error, YQ_XLSX_ERROR_LIMIT, stream->part, 0,
                            _("the part expands beyond the limit of %llu bytes or %u times "
                              "its compressed size; the file may be a zip bomb."),
                            (unsigned long long) stream->self->limits.max_part_size,
                            stream->self->limits.max_ratio);
          else
            set_part_error (error, YQ_XLSX_ERROR_CORRUPT, stream->part, 0,
                            _("the zip archive is damaged or truncated (error %d). Save "
                              "the workbook again as .xlsx."), stream->zip_error);
          return FALSE;
        }
    }

  ret = unzCloseCurrentFile (stream->self->zip);
  if (ret != UNZ_OK)
    {
      set_part_error (error, YQ_XLSX_ERROR_CORRUPT, stream->part, 0,
                      _("the part fails its checksum (error %d): the file is damaged. Save "
                        "the workbook again as .xlsx."), ret);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_element (PartStream *stream,
            const char *local_name)
{
  return stream->type == XML_READER_TYPE_ELEMENT
         && g_strcmp0 ((const char *) xmlTextReaderConstLocalName (stream->xml),
                       local_name) == 0;
}

static gboolean
is_end_element (PartStream *stream,
                const char *local_name)
{
  return stream->type == XML_READER_TYPE_END_ELEMENT
         && g_strcmp0 ((const char *) xmlTextReaderConstLocalName (stream->xml),
                       local_name) == 0;
}

static gboolean
is_text (PartStream *stream)
{
  switch (stream->type)
    {
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The attribute of the current element with this local name, ignoring its
 * namespace ("r:id", "id" of the strict schema). */
static char *
get_attribute (PartStream *stream,
               const char *local_name)
{
  char *value = NULL;

  if (xmlTextReaderMoveToFirstAttribute (stream->xml) != 1)
    return NULL;
  do
    {
      if (g_strcmp0 ((const char *) xmlTextReaderConstLocalName (stream->xml),
                     local_name) == 0)
        {
          value = g_strdup ((const char *) xmlTextReaderConstValue (stream->xml));
          break;
        }
    }
  while (xmlTextReaderMoveToNextAttribute (stream->xml) == 1);
  xmlTextReaderMoveToElement (stream->xml);

  return value;
}

/* "xl/" + "worksheets/sheet1.xml", "/xl/…" as is, "." and ".." resolved. */
static char *
resolve_target (const char *base_dir,
                const char *target)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  g_auto(GStrv) segments = NULL;

  if (target[0] == '/')
    joined = g_strdup (target + 1);
  else if (base_dir[0] != '\0')
    joined = g_strconcat (base_dir, "/", target, NULL);
  else
    joined = g_strdup (target);

  segments = g_strsplit (joined, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (segments[i][0] == '\0' || g_str_equal (segments[i], "."))
        continue;
      if (g_str_equal (segments[i], ".."))
        {
          if (parts->len > 0)
            g_ptr_array_remove_index (parts, parts->len - 1);
          continue;
        }
      g_ptr_array_add (parts, segments[i]);
    }
  g_ptr_array_add (parts, NULL);

  return g_strjoinv ("/", (char **) parts->pdata);
}

/* Strings */

/* Undoes the _xHHHH_ escapes Excel writes for control characters. */
static void
unescape_ooxml (GString *text)
{
  gsize out = 0;

  if (strstr (text->str, "_x") == NULL)
    return;

  for (gsize i = 0; i < text->len;)
    {
      if (text->str[i] == '_' && i + 6 < text->len && text->str[i + 1] == 'x'
          && g_ascii_isxdigit (text->str[i + 2]) && g_ascii_isxdigit (text->str[i + 3])
          && g_ascii_isxdigit (text->str[i + 4]) && g_ascii_isxdigit (text->str[i + 5])
          && text->str[i + 6] == '_')
        {
          gunichar c = (g_ascii_xdigit_value (text->str[i + 2]) << 12)
                       | (g_ascii_xdigit_value (text->str[i + 3]) << 8)
                       | (g_ascii_xdigit_value (text->str[i + 4]) << 4)
                       | g_ascii_xdigit_value (text->str[i + 5]);

          if (c != 0 && g_unichar_validate (c))
            {
              /* Never longer than the 7 bytes it replaces. */
              out += g_unichar_to_utf8 (c, text->str + out);
              i += 7;
              continue;
            }
        }
      text->str[out++] = text->str[i++];
    }
  g_string_truncate (text, out);
}

static gboolean
check_string_length (PartStream  *stream,
                     GString     *text,
                     gboolean     final,
                     GError     **error)
{
  guint max = stream->self->limits.max_string_length;

  /* A text of at most @max bytes has at most @max characters. */
  if ((guint64) text->len > (guint64) max * 4
      || (final && text->len > max && g_utf8_strlen (text->str, text->len) > max))
    {
      set_part_error (error, YQ_XLSX_ERROR_LIMIT, stream->part, stream->row,
                      _("a text is longer than the limit of %u characters."), max);
      return FALSE;
    }
  return TRUE;
}

/* On the start of an <si> or <is>: appends the text of its <t> elements,
 * leaving out phonetic runs (<rPh>), and moves to its end. */
static gboolean
read_string_item (PartStream  *stream,
                  GString     *out,
                  GError     **error)
{
  int depth = xmlTextReaderDepth (stream->xml);
  int t_depth = -1;
  int rph_depth = -1;

  if (xmlTextReaderIsEmptyElement (stream->xml))
    return TRUE;

  for (;;)
    {
      int ret = part_step (stream, error);
      int d;

      if (ret < 0)
        return FALSE;
      if (ret == 0)
        {
          set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part, stream->row,
                          _("the part ends inside a text. The file is damaged."));
          return FALSE;
        }

      d = xmlTextReaderDepth (stream->xml);
      if (stream->type == XML_READER_TYPE_END_ELEMENT && d == depth)
        break;

      if (is_element (stream, "rPh") && rph_depth < 0 && !xmlTextReaderIsEmptyElement (stream->xml))
        rph_depth = d;
      else if (is_end_element (stream, "rPh") && d == rph_depth)
        rph_depth = -1;
      else if (is_element (stream, "t") && t_depth < 0 && !xmlTextReaderIsEmptyElement (stream->xml))
        t_depth = d;
      else if (is_end_element (stream, "t") && d == t_depth)
        t_depth = -1;
      else if (t_depth >= 0 && rph_depth < 0 && is_text (stream))
        {
          const char *value = (const char *) xmlTextReaderConstValue (stream->xml);

          if (value != NULL)
            g_string_append (out, value);
          if (!check_string_length (stream, out, FALSE, error))
            return FALSE;
        }
    }

  unescape_ooxml (out);
  return check_string_length (stream, out, TRUE, error);
}

/* On the start of an element: its text, moving to its end. */
static gboolean
read_element_text (PartStream  *stream,
                   GString     *out,
                   GError     **error)
{
  int depth = xmlTextReaderDepth (stream->xml);

  if (xmlTextReaderIsEmptyElement (stream->xml))
    return TRUE;

  for (;;)
    {
      int ret = part_step (stream, error);

      if (ret < 0)
        return FALSE;
      if (ret == 0)
        {
          set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part, stream->row,
                          _("the part ends inside a value. The file is damaged."));
          return FALSE;
        }
      if (stream->type == XML_READER_TYPE_END_ELEMENT
          && xmlTextReaderDepth (stream->xml) == depth)
        break;
      if (is_text (stream))
        {
          const char *value = (const char *) xmlTextReaderConstValue (stream->xml);

          if (value != NULL)
            g_string_append (out, value);
          if (!check_string_length (stream, out, FALSE, error))
            return FALSE;
        }
    }

  return check_string_length (stream, out, TRUE, error);
}

/* Numbers and dates */

static char *
format_number (const char *text)
{
  const char *p = text;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char *end = NULL;
  gboolean negative = FALSE;
  gsize n_digits;
  double value;

  /* Whole numbers as written: a mobile number is 13800138000, not 1.38E+10. */
  if (*p == '-' || *p == '+')
    negative = (*p++ == '-');
  n_digits = strspn (p, "0123456789");
  if (n_digits > 0 && p[n_digits] == '\0')
    {
      while (*p == '0' && p[1] != '\0')
        p++;
      return g_strconcat (negative && !g_str_equal (p, "0") ? "-" : "", p, NULL);
    }

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    return g_strdup (text);

  if (value == 0)
    return g_strdup ("0");
  if (value == floor (value) && fabs (value) < 1e21)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.0f", value));

  /* The shortest form that reads back as the same double. */
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  return g_strdup (buffer);
}

static char *
format_serial_date (double   serial,
                    gboolean date1904)
{
  GDate date;
  gint64 seconds;
  gint64 days;
  gint64 time;
  char day_text[16] = "";
  char time_text[16] = "";

  if (!isfinite (serial) || serial < 0 || serial >= MAX_SERIAL)
    return NULL;

  seconds = (gint64) llround (serial * 86400.0);
  days = seconds / 86400;
  time = seconds % 86400;
  if (time != 0 || (!date1904 && days == 0))
    g_snprintf (time_text, sizeof time_text, "%02d:%02d:%02d",
                (int) (time / 3600), (int) (time / 60 % 60), (int) (time % 60));

  /* 1900 serial 0 is no day (Excel shows 1900-01-00): a time of day. */
  if (!date1904 && days == 0)
    return g_strdup (time_text);

  if (!date1904 && days == 60)
    {
      /* Lotus 1-2-3's 29 February 1900, which Excel keeps. */
      g_strlcpy (day_text, "1900-02-29", sizeof day_text);
    }
  else
    {
      g_date_clear (&date, 1);
      if (date1904)
        g_date_set_dmy (&date, 1, G_DATE_JANUARY, 1904);
      else if (days < 60)
        g_date_set_dmy (&date, 31, G_DATE_DECEMBER, 1899);
      else
        g_date_set_dmy (&date, 30, G_DATE_DECEMBER, 1899);
      g_date_add_days (&date, (guint) days);
      if (!g_date_valid (&date) || g_date_get_year (&date) > 9999)
        return NULL;
      g_snprintf (day_text, sizeof day_text, "%04d-%02d-%02d",
                  (int) g_date_get_year (&date), (int) g_date_get_month (&date),
                  (int) g_date_get_day (&date));
    }

  if (time_text[0] == '\0')
    return g_strdup (day_text);
  return g_strconcat (day_text, " ", time_text, NULL);
}

/* t="d": ISO 8601 text, as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS". */
static char *
format_iso_date (const char *text)
{
  gsize len = strlen (text);

  if (len >= 10 && text[4] == '-' && text[7] == '-')
    {
      if (len >= 19 && text[10] == 'T' && strncmp (text + 11, "00:00:00", 8) != 0)
        return g_strdup_printf ("%.10s %.8s", text, text + 11);
      return g_strndup (text, 10);
    }
  return g_strdup (text);
}

static gboolean
is_builtin_date_format (guint id)
{
  /* 14–22 and 45–47 in every locale; 27–36 and 50–58 are the dates and
   * times of the Chinese, Japanese and Korean built-in formats. */
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47)
         || (id >= 50 && id <= 58);
}

static gboolean
is_date_format_code (const char *code)
{
  gboolean in_quote = FALSE;

  if (code == NULL)
    return FALSE;

  for (const char *p = code; *p != '\0'; p++)
    {
      char c = *p;

      if (in_quote)
        {
          if (c == '"')
            in_quote = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_quote = TRUE;
          break;
        case '[':
          {
            const char *close = strchr (p, ']');

            if (close == NULL)
              return FALSE;
            p = close;
          }
          break;
        case '\\':
        case '_':
        case '*':
          if (p[1] != '\0')
            p++;
          break;
        case ';':
          /* Only the first section decides. */
          return FALSE;
        default:
          if (strchr ("ymdhsYMDHS", c) != NULL)
            return TRUE;
          break;
        }
    }
  return FALSE;
}

/* Loading the workbook */

static gboolean
load_content_types (YqXlsxReader  *self,
                    char         **workbook_part,
                    GError       **error)
{
  g_autoptr(PartStream) stream = NULL;
  int ret;

  if (!part_exists (self, "[Content_Types].xml"))
    return TRUE;

  stream = part_open (self, "[Content_Types].xml", error);
  if (stream == NULL)
    return FALSE;

  while ((ret = part_step (stream, error)) == 1)
    {
      g_autofree char *type = NULL;
      g_autofree char *name = NULL;

      if (!is_element (stream, "Override") || *workbook_part != NULL)
        continue;
      type = get_attribute (stream, "ContentType");
      name = get_attribute (stream, "PartName");
      if (type != NULL && name != NULL
          && (g_str_has_suffix (type, "spreadsheetml.sheet.main+xml")
              || g_str_has_suffix (type, "spreadsheetml.template.main+xml")
              || g_str_has_suffix (type, "macroEnabled.main+xml")))
        *workbook_part = resolve_target ("", name);
    }
  if (ret < 0)
    return FALSE;

  return part_finish (stream, error);
}

static gboolean
load_workbook (YqXlsxReader  *self,
               const char    *part,
               GPtrArray     *names,
               GPtrArray     *ids,
               GError       **error)
{
  g_autoptr(PartStream) stream = NULL;
  int ret;

  stream = part_open (self, part, error);
  if (stream == NULL)
    return FALSE;

  while ((ret = part_step (stream, error)) == 1)
    {
      if (is_element (stream, "workbookPr"))
        {
          g_autofree char *value = get_attribute (stream, "date1904");

          self->date1904 = value != NULL
                           && (g_str_equal (value, "1") || g_ascii_strcasecmp (value, "true") == 0);
        }
      else if (is_element (stream, "sheet"))
        {
          g_autofree char *name = get_attribute (stream, "name");
          g_autofree char *id = get_attribute (stream, "id");

          if (name == NULL || id == NULL)
            {
              set_part_error (error, YQ_XLSX_ERROR_CORRUPT, part, 0,
                              _("a sheet has no name or no relationship. The file is "
                                "damaged."));
              return FALSE;
            }
          g_ptr_array_add (names, g_steal_pointer (&name));
          g_ptr_array_add (ids, g_steal_pointer (&id));
        }
    }
  if (ret < 0)
    return FALSE;

  return part_finish (stream, error);
}

static gboolean
load_relationships (YqXlsxReader  *self,
                    const char    *part,
                    const char    *base_dir,
                    GHashTable    *targets,
                    char         **sst_part,
                    char         **styles_part,
                    GError       **error)
{
  g_autoptr(PartStream) stream = NULL;
  int ret;

  stream = part_open (self, part, error);
  if (stream == NULL)
    return FALSE;

  while ((ret = part_step (stream, error)) == 1)
    {
      g_autofree char *id = NULL;
      g_autofree char *type = NULL;
      g_autofree char *target = NULL;
      g_autofree char *mode = NULL;
      char *resolved;

      if (!is_element (stream, "Relationship"))
        continue;
      id = get_attribute (stream, "Id");
      type = get_attribute (stream, "Type");
      target = get_attribute (stream, "Target");
      mode = get_attribute (stream, "TargetMode");
      if (id == NULL || type == NULL || target == NULL
          || (mode != NULL && g_ascii_strcasecmp (mode, "External") == 0))
        continue;

      resolved = resolve_target (base_dir, target);
      if (g_str_has_suffix (type, "/sharedStrings") && *sst_part == NULL)
        *sst_part = g_strdup (resolved);
      else if (g_str_has_suffix (type, "/styles") && *styles_part == NULL)
        *styles_part = g_strdup (resolved);
      g_hash_table_replace (targets, g_steal_pointer (&id), resolved);
    }
  if (ret < 0)
    return FALSE;

  return part_finish (stream, error);
}

static gboolean
load_styles (YqXlsxReader  *self,
             const char    *part,
             GError       **error)
{
  g_autoptr(PartStream) stream = NULL;
  g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);
  int cell_xfs_depth = -1;
  int ret;

  stream = part_open (self, part, error);
  if (stream == NULL)
    return FALSE;

  while ((ret = part_step (stream, error)) == 1)
    {
      if (is_element (stream, "numFmt"))
        {
          g_autofree char *id = get_attribute (stream, "numFmtId");
          g_autofree char *code = get_attribute (stream, "formatCode");
          guint64 n;

          if (id != NULL && g_ascii_string_to_unsigned (id, 10, 0, G_MAXINT, &n, NULL))
            g_hash_table_replace (custom, GUINT_TO_POINTER ((guint) n + 1),
                                  GINT_TO_POINTER (is_date_format_code (code) ? 2 : 1));
        }
      else if (is_element (stream, "cellXfs") && !xmlTextReaderIsEmptyElement (stream->xml))
        cell_xfs_depth = xmlTextReaderDepth (stream->xml);
      else if (is_end_element (stream, "cellXfs"))
        cell_xfs_depth = -1;
      else if (cell_xfs_depth >= 0 && is_element (stream, "xf")
               && xmlTextReaderDepth (stream->xml) == cell_xfs_depth + 1)
        {
          g_autofree char *id = get_attribute (stream, "numFmtId");
          guint8 is_date = FALSE;
          guint64 n;

          if (id != NULL && g_ascii_string_to_unsigned (id, 10, 0, G_MAXINT, &n, NULL))
            {
              gpointer known = g_hash_table_lookup (custom, GUINT_TO_POINTER ((guint) n + 1));

              if (known != NULL)
                is_date = GPOINTER_TO_INT (known) == 2;
              else
                is_date = is_builtin_date_format ((guint) n);
            }
          if (self->xf_is_date->len >= self->limits.max_columns * 64u)
            {
              set_part_error (error, YQ_XLSX_ERROR_LIMIT, part, 0,
                              _("the workbook has more than %u cell formats."),
                              self->limits.max_columns * 64u);
              return FALSE;
            }
          g_array_append_val (self->xf_is_date, is_date);
        }
    }
  if (ret < 0)
    return FALSE;

  return part_finish (stream, error);
}

static gboolean
load_shared_strings (YqXlsxReader  *self,
                     const char    *part,
                     GError       **error)
{
  g_autoptr(PartStream) stream = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  int ret;

  stream = part_open (self, part, error);
  if (stream == NULL)
    return FALSE;

  while ((ret = part_step (stream, error)) == 1)
    {
      if (!is_element (stream, "si"))
        continue;

      g_string_truncate (text, 0);
      if (!read_string_item (stream, text, error))
        return FALSE;

      if (self->sst->len >= self->limits.max_shared_strings)
        {
          set_part_error (error, YQ_XLSX_ERROR_LIMIT, part, 0,
                          _("the workbook has more than %u shared strings, the limit."),
                          self->limits.max_shared_strings);
          return FALSE;
        }
      self->sst_bytes += text->len + 1;
      if (self->sst_bytes > self->limits.max_shared_string_bytes)
        {
          set_part_error (error, YQ_XLSX_ERROR_LIMIT, part, 0,
                          _("the shared strings take more than %llu bytes, the limit."),
                          (unsigned long long) self->limits.max_shared_string_bytes);
          return FALSE;
        }
      g_ptr_array_add (self->sst, g_string_chunk_insert_len (self->sst_chunk,
                                                             text->str, text->len));
    }
  if (ret < 0)
    return FALSE;

  return part_finish (stream, error);
}

static gboolean
yq_xlsx_reader_load (YqXlsxReader  *self,
                     GError       **error)
{
  g_autofree char *workbook_part = NULL;
  g_autofree char *workbook_dir = NULL;
  g_autofree char *workbook_base = NULL;
  g_autofree char *rels_part = NULL;
  g_autofree char *styles_part = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) targets = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                         g_free, g_free);

  if (!load_content_types (self, &workbook_part, error))
    return FALSE;
  if (workbook_part == NULL)
    workbook_part = g_strdup ("xl/workbook.xml");

  if (!load_workbook (self, workbook_part, names, ids, error))
    return FALSE;
  if (names->len == 0)
    {
      g_set_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_NO_SHEET,
                   _("%s: the workbook has no sheet."), workbook_part);
      return FALSE;
    }

  workbook_dir = g_path_get_dirname (workbook_part);
  if (g_str_equal (workbook_dir, "."))
    {
      g_free (workbook_dir);
      workbook_dir = g_strdup ("");
    }
  workbook_base = g_path_get_basename (workbook_part);
  rels_part = workbook_dir[0] != '\0'
              ? g_strdup_printf ("%s/_rels/%s.rels", workbook_dir, workbook_base)
              : g_strdup_printf ("_rels/%s.rels", workbook_base);
  if (!load_relationships (self, rels_part, workbook_dir, targets,
                           &self->sst_part, &styles_part, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      const char *target = g_hash_table_lookup (targets, ids->pdata[i]);

      if (target == NULL)
        {
          g_autofree char *id = quote_short (ids->pdata[i]);

          set_part_error (error, YQ_XLSX_ERROR_CORRUPT, rels_part, 0,
                          _("the sheet “%s” has no relationship “%s”. The file is "
                            "damaged."), (const char *) names->pdata[i], id);
          return FALSE;
        }
      g_ptr_array_add (parts, g_strdup (target));
    }

  if (styles_part != NULL && !load_styles (self, styles_part, error))
    return FALSE;
  if (self->sst_part != NULL)
    {
      if (!load_shared_strings (self, self->sst_part, error))
        return FALSE;
      self->have_sst = TRUE;
    }

  g_ptr_array_add (names, NULL);
  g_ptr_array_add (parts, NULL);
  self->sheet_names = (char **) g_ptr_array_steal (names, NULL);
  self->sheet_parts = (char **) g_ptr_array_steal (parts, NULL);

  return TRUE;
}

/* Sheets */

/* "AB12" → 27 (zero-based), or -1 when there are no letters. */
static gint64
parse_column (const char *ref)
{
  gint64 column = 0;
  const char *p;

  for (p = ref; g_ascii_isalpha (*p); p++)
    {
      column = column * 26 + (g_ascii_toupper (*p) - 'A' + 1);
      if (column > G_MAXINT32)
        return G_MAXINT32;
    }
  if (p == ref)
    return -1;
  return column - 1;
}

static gboolean
cell_value (YqXlsxReader  *self,
            PartStream    *stream,
            const char    *type,
            const char    *style,
            GString       *value,
            gboolean       have_value,
            GString       *inline_text,
            gboolean       have_inline,
            char         **out,
            GError       **error)
{
  *out = NULL;

  if (g_strcmp0 (type, "inlineStr") == 0)
    {
      if (have_inline)
        *out = g_strndup (inline_text->str, inline_text->len);
      else if (have_value)
        *out = g_strndup (value->str, value->len);
      return TRUE;
    }
  if (!have_value)
    return TRUE;

  if (g_strcmp0 (type, "s") == 0)
    {
      guint64 index;

      if (!self->have_sst)
        {
          set_part_error (error, YQ_XLSX_ERROR_MISSING_PART, stream->part, stream->row,
                          _("a cell uses the shared strings, but the workbook has no "
                            "shared string part (xl/sharedStrings.xml). The file is damaged."));
          return FALSE;
        }
      if (!g_ascii_string_to_unsigned (g_strstrip (value->str), 10, 0, G_MAXUINT, &index, NULL)
          || index >= self->sst->len)
        {
          g_autofree char *shown = quote_short (value->str);

          set_part_error (error, YQ_XLSX_ERROR_CORRUPT, stream->part, stream->row,
                          _("a cell refers to shared string “%s”, but there are %u. The "
                            "file is damaged."), shown, self->sst->len);
          return FALSE;
        }
      *out = g_strdup (self->sst->pdata[index]);
      return TRUE;
    }
  if (g_strcmp0 (type, "str") == 0 || g_strcmp0 (type, "e") == 0)
    {
      *out = g_strndup (value->str, value->len);
      return TRUE;
    }
  if (g_strcmp0 (type, "b") == 0)
    {
      g_strstrip (value->str);
      if (g_str_equal (value->str, "1") || g_ascii_strcasecmp (value->str, "true") == 0)
        *out = g_strdup ("TRUE");
      else if (g_str_equal (value->str, "0") || g_ascii_strcasecmp (value->str, "false") == 0)
        *out = g_strdup ("FALSE");
      else
        *out = g_strdup (value->str);
      return TRUE;
    }
  if (g_strcmp0 (type, "d") == 0)
    {
      *out = format_iso_date (g_strstrip (value->str));
      return TRUE;
    }

  /* A number. */
  g_strstrip (value->str);
  if (value->str[0] == '\0')
    return TRUE;
  if (style != NULL)
    {
      guint64 xf;

      if (g_ascii_string_to_unsigned (style, 10, 0, G_MAXUINT, &xf, NULL)
          && xf < self->xf_is_date->len
          && g_array_index (self->xf_is_date, guint8, xf))
        {
          char *end = NULL;
          double serial = g_ascii_strtod (value->str, &end);

          if (end != value->str && *end == '\0')
            *out = format_serial_date (serial, self->date1904);
          if (*out != NULL)
            return TRUE;
        }
    }
  *out = format_number (value->str);
  return TRUE;
}

/* On the start of a <c>: stores its value in @cells. */
static gboolean
read_cell (YqXlsxReader  *self,
           GPtrArray     *cells,
           guint         *next_column,
           GError       **error)
{
  PartStream *stream = self->sheet;
  const char *ref = NULL;
  const char *type = NULL;
  const char *style = NULL;
  GString *value = self->cell_value;
  GString *inline_text = self->cell_inline;
  gboolean have_value = FALSE;
  gboolean have_inline = FALSE;
  gint64 column = *next_column;
  char *text;

  /* One pass over the attributes: this runs for every cell. */
  if (xmlTextReaderMoveToFirstAttribute (stream->xml) == 1)
    {
      do
        {
          const char *name = (const char *) xmlTextReaderConstLocalName (stream->xml);
          const char **slot = NULL;
          GString *copy = NULL;
          const char *attr_value;

          if (name == NULL || name[0] == '\0' || name[1] != '\0')
            continue;
          if (name[0] == 'r')
            {
              slot = &ref;
              copy = self->cell_ref;
            }
          else if (name[0] == 't')
            {
              slot = &type;
              copy = self->cell_type;
            }
          else if (name[0] == 's')
            {
              slot = &style;
              copy = self->cell_style;
            }
          if (slot == NULL || *slot != NULL)
            continue;
          attr_value = (const char *) xmlTextReaderConstValue (stream->xml);
          if (attr_value != NULL)
            *slot = g_string_assign (copy, attr_value)->str;
        }
      while (xmlTextReaderMoveToNextAttribute (stream->xml) == 1);
      xmlTextReaderMoveToElement (stream->xml);
    }

  if (ref != NULL)
    {
      column = parse_column (ref);
      if (column < 0)
        {
          g_autofree char *shown = quote_short (ref);

          set_part_error (error, YQ_XLSX_ERROR_CORRUPT, stream->part, stream->row,
                          _("the cell reference “%s” is not valid. The file is damaged."),
                          shown);
          return FALSE;
        }
    }
  if (column >= self->limits.max_columns)
    {
      g_autofree char *shown = quote_short (ref != NULL ? ref : "?");

      set_part_error (error, YQ_XLSX_ERROR_LIMIT, stream->part, stream->row,
                      _("the cell “%s” is beyond the limit of %u columns."),
                      shown, self->limits.max_columns);
      return FALSE;
    }
  *next_column = (guint) column + 1;

  g_string_truncate (value, 0);
  g_string_truncate (inline_text, 0);
  if (!xmlTextReaderIsEmptyElement (stream->xml))
    {
      int depth = xmlTextReaderDepth (stream->xml);

      for (;;)
        {
          int ret = part_step (stream, error);

          if (ret < 0)
            return FALSE;
          if (ret == 0)
            {
              set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part, stream->row,
                              _("the part ends inside a cell. The file is damaged."));
              return FALSE;
            }
          if (stream->type == XML_READER_TYPE_END_ELEMENT
              && xmlTextReaderDepth (stream->xml) == depth)
            break;
          if (xmlTextReaderDepth (stream->xml) != depth + 1)
            continue;
          if (is_element (stream, "v"))
            {
              g_string_truncate (value, 0);
              have_value = TRUE;
              if (!read_element_text (stream, value, error))
                return FALSE;
            }
          else if (is_element (stream, "is"))
            {
              g_string_truncate (inline_text, 0);
              have_inline = TRUE;
              if (!read_string_item (stream, inline_text, error))
                return FALSE;
            }
        }
    }

  if (have_value && g_strcmp0 (type, "inlineStr") != 0 && g_strcmp0 (type, "s") != 0)
    unescape_ooxml (value);

  if (!cell_value (self, stream, type, style, value, have_value, inline_text, have_inline,
                   &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  if (cells->len <= column)
    g_ptr_array_set_size (cells, (guint) column + 1);
  g_free (cells->pdata[column]);
  cells->pdata[column] = text;

  return TRUE;
}

static gboolean
read_row (YqXlsxReader  *self,
          guint         *row_number,
          GPtrArray    **cells,
          GError       **error)
{
  PartStream *stream = self->sheet;
  g_autoptr(GPtrArray) row_cells = NULL;
  g_autofree char *r = NULL;
  guint next_column = 0;
  guint64 number;
  int depth;
  int ret;

  for (;;)
    {
      ret = part_step (stream, error);
      if (ret < 0)
        return FALSE;
      if (ret == 0)
        {
          self->sheet_done = TRUE;
          stream->row = 0;
          /* The end of the sheet: FALSE, with an error only if the
           * checksum fails. */
          part_finish (stream, error);
          return FALSE;
        }
      if (is_element (stream, "row"))
        break;
    }

  r = get_attribute (stream, "r");
  if (r == NULL)
    number = (guint64) self->last_row + 1;
  else if (!g_ascii_string_to_unsigned (r, 10, 1, G_MAXUINT64, &number, NULL))
    {
      g_autofree char *shown = quote_short (r);

      set_part_error (error, YQ_XLSX_ERROR_CORRUPT, stream->part, self->last_row + 1,
                      _("the row number “%s” is not valid. The file is damaged."), shown);
      return FALSE;
    }
  if (number > self->limits.max_rows)
    {
      set_part_error (error, YQ_XLSX_ERROR_LIMIT, stream->part, 0,
                      _("row %llu is beyond the limit of %u rows."),
                      (unsigned long long) number, self->limits.max_rows);
      return FALSE;
    }
  self->last_row = (guint) number;
  stream->row = (guint) number;

  row_cells = g_ptr_array_new_with_free_func (g_free);
  if (!xmlTextReaderIsEmptyElement (stream->xml))
    {
      depth = xmlTextReaderDepth (stream->xml);
      for (;;)
        {
          ret = part_step (stream, error);
          if (ret < 0)
            return FALSE;
          if (ret == 0)
            {
              set_part_error (error, YQ_XLSX_ERROR_BAD_XML, stream->part, stream->row,
                              _("the part ends inside a row. The file is damaged."));
              return FALSE;
            }
          if (stream->type == XML_READER_TYPE_END_ELEMENT
              && xmlTextReaderDepth (stream->xml) == depth)
            break;
          if (is_element (stream, "c") && xmlTextReaderDepth (stream->xml) == depth + 1
              && !read_cell (self, row_cells, &next_column, error))
            return FALSE;
        }
    }

  *row_number = (guint) number;
  *cells = g_steal_pointer (&row_cells);
  return TRUE;
}

/* GObject */

static void
yq_xlsx_reader_finalize (GObject *object)
{
  YqXlsxReader *self = (YqXlsxReader *) object;

  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_row_free);
  g_clear_pointer (&self->sheet, part_stream_free);
  if (self->zip != NULL)
    unzClose (self->zip);
  g_free (self->path);
  g_strfreev (self->sheet_names);
  g_strfreev (self->sheet_parts);
  g_free (self->sst_part);
  g_clear_pointer (&self->sst, g_ptr_array_unref);
  g_clear_pointer (&self->sst_chunk, g_string_chunk_free);
  g_clear_pointer (&self->xf_is_date, g_array_unref);
  g_string_free (self->cell_ref, TRUE);
  g_string_free (self->cell_type, TRUE);
  g_string_free (self->cell_style, TRUE);
  g_string_free (self->cell_value, TRUE);
  g_string_free (self->cell_inline, TRUE);

  G_OBJECT_CLASS (yq_xlsx_reader_parent_class)->finalize (object);
}

static void
yq_xlsx_reader_class_init (YqXlsxReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_xlsx_reader_finalize;

  xmlInitParser ();
}

static void
yq_xlsx_reader_init (YqXlsxReader *self)
{
  yq_xlsx_limits_init (&self->limits);
  self->sst_chunk = g_string_chunk_new (64 * 1024);
  self->sst = g_ptr_array_new ();
  self->xf_is_date = g_array_new (FALSE, FALSE, sizeof (guint8));
  self->sheet_index = -1;
  g_queue_init (&self->pending);
  self->cell_ref = g_string_sized_new (16);
  self->cell_type = g_string_sized_new (16);
  self->cell_style = g_string_sized_new (16);
  self->cell_value = g_string_sized_new (64);
  self->cell_inline = g_string_sized_new (64);
}

/* Public API */

/**
 * yq_xlsx_reader_new:
 * @path: an .xlsx file
 * @limits: (nullable): limits against hostile files, %NULL for the defaults
 * @error: return location for a #YqXlsxError, or a #GFileError when the file
 *   cannot be opened
 *
 * Opens a workbook and reads its sheet list, styles and shared strings. The
 * cells of a sheet are read one row at a time by yq_xlsx_reader_next_row().
 *
 * Returns: (transfer full): the reader, or %NULL with @error set
 */
YqXlsxReader *
yq_xlsx_reader_new (const char          *path,
                    const YqXlsxLimits  *limits,
                    GError             **error)
{
  g_autoptr(YqXlsxReader) self = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), name, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (YQ_TYPE_XLSX_READER, NULL);
  self->path = g_strdup (path);
  if (limits != NULL)
    self->limits = *limits;

  self->zip = unzOpen64 (path);
  if (self->zip == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);

      g_set_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_CORRUPT,
                   _("“%s” is not an Excel workbook: it is not a zip archive, or it is "
                     "truncated. Save it from the spreadsheet program as an Excel workbook "
                     "(.xlsx)."), name);
      return NULL;
    }

  if (!yq_xlsx_reader_load (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * yq_xlsx_reader_get_sheet_names:
 * @self: a #YqXlsxReader
 *
 * Returns: (transfer none): the names of the sheets in workbook order
 */
const char *const *
yq_xlsx_reader_get_sheet_names (YqXlsxReader *self)
{
  g_return_val_if_fail (YQ_IS_XLSX_READER (self), NULL);

  return (const char *const *) self->sheet_names;
}

/**
 * yq_xlsx_reader_get_sheet_name:
 * @self: a #YqXlsxReader
 *
 * Returns: (nullable): the name of the selected sheet
 */
const char *
yq_xlsx_reader_get_sheet_name (YqXlsxReader *self)
{
  g_return_val_if_fail (YQ_IS_XLSX_READER (self), NULL);

  return self->sheet_index >= 0 ? self->sheet_names[self->sheet_index] : NULL;
}

/**
 * yq_xlsx_reader_get_date1904:
 * @self: a #YqXlsxReader
 *
 * Returns: whether the workbook counts dates from 1904 (Excel for Mac)
 */
gboolean
yq_xlsx_reader_get_date1904 (YqXlsxReader *self)
{
  g_return_val_if_fail (YQ_IS_XLSX_READER (self), FALSE);

  return self->date1904;
}

/**
 * yq_xlsx_reader_select_sheet:
 * @self: a #YqXlsxReader
 * @name: (nullable): a sheet's name, or %NULL for the first sheet
 * @error: return location for a #YqXlsxError
 *
 * Starts reading a sheet from its first row. Without a call, rows come from
 * the first sheet.
 *
 * Returns: %TRUE, or %FALSE with %YQ_XLSX_ERROR_NO_SHEET or a part error
 */
gboolean
yq_xlsx_reader_select_sheet (YqXlsxReader  *self,
                             const char    *name,
                             GError       **error)
{
  int index = 0;

  g_return_val_if_fail (YQ_IS_XLSX_READER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name != NULL)
    {
      index = -1;
      for (guint i = 0; self->sheet_names[i] != NULL; i++)
        if (g_str_equal (self->sheet_names[i], name))
          {
            index = (int) i;
            break;
          }
      if (index < 0)
        {
          g_autofree char *names = g_strjoinv ("”, “", self->sheet_names);

          g_set_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_NO_SHEET,
                       _("The workbook has no sheet “%s”; its sheets are “%s”."),
                       name, names);
          return FALSE;
        }
    }

  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_row_free);
  g_clear_pointer (&self->sheet, part_stream_free);
  self->sheet_index = index;
  self->sheet_done = FALSE;
  self->last_row = 0;

  self->sheet = part_open (self, self->sheet_parts[index], error);
  if (self->sheet == NULL)
    {
      self->sheet_done = TRUE;
      return FALSE;
    }
  return TRUE;
}

/**
 * yq_xlsx_reader_next_row:
 * @self: a #YqXlsxReader
 * @row_number: (out): the row's number, from 1, as the spreadsheet shows it
 * @cells: (out) (transfer full): a string (or %NULL for an empty cell) per
 *   column from column A; trailing empty cells are left out
 * @error: return location for a #YqXlsxError
 *
 * Reads the next row of the selected sheet. Rows without cells that the file
 * leaves out are skipped, so @row_number may jump.
 *
 * Strings come as written; whole numbers in full ("13800138000"), other
 * numbers in the shortest form that reads back as the same value; numbers
 * formatted as dates as "YYYY-MM-DD", or "YYYY-MM-DD HH:MM:SS" with a time of
 * day (and "HH:MM:SS" for a time without a day); booleans as "TRUE" and
 * "FALSE"; error values as shown ("#N/A"); formulas as their cached result.
 *
 * Returns: %TRUE with a row, %FALSE at the end of the sheet (@error unset) or
 *   on an error
 */
gboolean
yq_xlsx_reader_next_row (YqXlsxReader  *self,
                         guint         *row_number,
                         GPtrArray    **cells,
                         GError       **error)
{
  g_return_val_if_fail (YQ_IS_XLSX_READER (self), FALSE);
  g_return_val_if_fail (row_number != NULL, FALSE);
  g_return_val_if_fail (cells != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *cells = NULL;

  if (!g_queue_is_empty (&self->pending))
    {
      PendingRow *row = g_queue_pop_head (&self->pending);

      *row_number = row->number;
      *cells = g_steal_pointer (&row->cells);
      pending_row_free (row);
      return TRUE;
    }

  if (self->sheet_index < 0 && !yq_xlsx_reader_select_sheet (self, NULL, error))
    return FALSE;
  if (self->sheet_done)
    return FALSE;

  if (!read_row (self, row_number, cells, error))
    {
      /* After an error the stream is in an unknown state: stop there. */
      self->sheet_done = TRUE;
      return FALSE;
    }
  return TRUE;
}

static char *
normalize_header (const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);
  g_autofree char *folded = NULL;
  GString *out;

  if (nfkc == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (nfkc, -1);
  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == '*' || c == ':')
        continue;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
header_matches (const YqXlsxColumn *column,
                const char         *normalized)
{
  g_autofree char *name = normalize_header (column->name);

  if (normalized[0] == '\0')
    return FALSE;
  if (g_str_equal (name, normalized))
    return TRUE;
  for (guint i = 0; column->aliases != NULL && column->aliases[i] != NULL; i++)
    {
      g_autofree char *alias = normalize_header (column->aliases[i]);

      if (g_str_equal (alias, normalized))
        return TRUE;
    }
  return FALSE;
}

/* Matches one row; returns how many columns it has. */
static guint
match_header_row (const YqXlsxColumn *columns,
                  guint               n_columns,
                  GPtrArray          *cells,
                  int                *indices)
{
  g_autofree char **normalized = g_new0 (char *, cells->len + 1);
  guint found = 0;

  for (guint i = 0; i < cells->len; i++)
    normalized[i] = cells->pdata[i] != NULL ? normalize_header (cells->pdata[i]) : NULL;

  for (guint c = 0; c < n_columns; c++)
    {
      indices[c] = -1;
      for (guint i = 0; i < cells->len; i++)
        if (normalized[i] != NULL && header_matches (&columns[c], normalized[i]))
          {
            indices[c] = (int) i;
            found++;
            break;
          }
    }

  for (guint i = 0; i < cells->len; i++)
    g_free (normalized[i]);
  return found;
}

/**
 * yq_xlsx_reader_find_header:
 * @self: a #YqXlsxReader
 * @columns: (array length=n_columns): the expected columns
 * @n_columns: the number of @columns
 * @max_rows: how many rows to look at, e.g. 10
 * @header_row: (out) (optional): the header row's number
 * @indices: (array length=n_columns) (out caller-allocates): for each column,
 *   its zero-based index in the rows' cells, -1 for a missing optional one
 * @error: return location for a #YqXlsxError
 *
 * Looks at the next @max_rows rows for the one that has the most of
 * @columns. On success, yq_xlsx_reader_next_row() continues with the row
 * after the header; on failure with %YQ_XLSX_ERROR_HEADER, the rows looked at
 * are read again.
 *
 * Returns: %TRUE, or %FALSE with %YQ_XLSX_ERROR_HEADER naming the missing
 *   columns, or a part error
 */
gboolean
yq_xlsx_reader_find_header (YqXlsxReader        *self,
                            const YqXlsxColumn  *columns,
                            guint                n_columns,
                            guint                max_rows,
                            guint               *header_row,
                            int                 *indices,
                            GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_row_free);
  g_autofree int *best_indices = g_new (int, MAX (n_columns, 1));
  g_autofree int *row_indices = g_new (int, MAX (n_columns, 1));
  g_autoptr(GString) missing = g_string_new (NULL);
  guint best = G_MAXUINT;
  guint best_found = 0;

  g_return_val_if_fail (YQ_IS_XLSX_READER (self), FALSE);
  g_return_val_if_fail (columns != NULL || n_columns == 0, FALSE);
  g_return_val_if_fail (indices != NULL || n_columns == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < max_rows; i++)
    {
      PendingRow *row = g_new0 (PendingRow, 1);
      g_autoptr(GError) local_error = NULL;
      guint found;

      if (!yq_xlsx_reader_next_row (self, &row->number, &row->cells, &local_error))
        {
          pending_row_free (row);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }
      g_ptr_array_add (rows, row);

      found = match_header_row (columns, n_columns, row->cells, row_indices);
      if (found > best_found)
        {
          best_found = found;
          best = rows->len - 1;
          memcpy (best_indices, row_indices, sizeof (int) * n_columns);
        }
    }

  for (guint c = 0; c < n_columns; c++)
    if (!columns[c].optional && (best == G_MAXUINT || best_indices[c] < 0))
      g_string_append_printf (missing, "%s“%s”", missing->len > 0 ? ", " : "", columns[c].name);

  if (missing->len > 0)
    {
      const char *sheet = yq_xlsx_reader_get_sheet_name (self);
      guint best_number = best != G_MAXUINT ? ((PendingRow *) rows->pdata[best])->number : 0;

      /* Give the rows back, so that another set of columns can be tried. */
      for (guint i = rows->len; i > 0; i--)
        g_queue_push_head (&self->pending, g_ptr_array_steal_index (rows, i - 1));

      if (best == G_MAXUINT)
        g_set_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_HEADER,
                     _("Sheet “%s” has no header row in its first %u rows: the columns %s "
                       "are missing. Add a header row with these names."),
                     sheet != NULL ? sheet : "", max_rows, missing->str);
      else
        g_set_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_HEADER,
                     _("Sheet “%s”, header row %u: the columns %s are missing. Add them, "
                       "or rename the columns to one of the expected names."),
                     sheet != NULL ? sheet : "", best_number, missing->str);
      return FALSE;
    }

  if (header_row != NULL)
    *header_row = best != G_MAXUINT ? ((PendingRow *) rows->pdata[best])->number : 0;
  if (n_columns > 0)
    memcpy (indices, best_indices, sizeof (int) * n_columns);

  for (guint i = rows->len; i > (best != G_MAXUINT ? best + 1 : 0); i--)
    g_queue_push_head (&self->pending, g_ptr_array_steal_index (rows, i - 1));

  return TRUE;
}
