/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The .xlsx writer. The parts of the written files are read back with
 * unzip(1) and checked as XML text: text cells stay text (inline strings,
 * never numbers), empty cells are not written, the header is frozen and
 * filtered, the notes sheet exists; and failures leave nothing behind.
 * The sample is also read back with YqXlsxReader, as an import reads it.
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "yq-test-fs.h"
#include "yq-xlsx-reader.h"
#include "yq-xlsx-writer.h"

static const YqXlsxWriterColumn columns[] = {
  { "平台ID", YQ_XLSX_WRITER_TEXT, 24 },
  { "姓名", YQ_XLSX_WRITER_TEXT, 8 },
  { "手机号", YQ_XLSX_WRITER_TEXT, 11 },
  { "工号", YQ_XLSX_WRITER_TEXT, 0 },
  { "Amount", YQ_XLSX_WRITER_NUMBER, 0 },
  { "绑定时间", YQ_XLSX_WRITER_DATETIME, 0 },
  { "Day", YQ_XLSX_WRITER_DATE, 0 },
};

/* unzip -p PATH PART, or NULL (and the test skipped) without unzip. */
static char *
read_part (const char *path,
           const char *part)
{
  g_autofree char *unzip = g_find_program_in_path ("unzip");
  const char *argv[] = { unzip, "-p", path, part, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_nonnull (unzip);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("unzip -p %s %s failed: %s", path, part, err);

  return out;
}

static gboolean
have_unzip (void)
{
  g_autofree char *unzip = g_find_program_in_path ("unzip");

  if (unzip == NULL)
    g_test_skip ("unzip is not installed (make deps installs it)");

  return unzip != NULL;
}

/* The <c> element of cell @ref in @xml (from "<c r=" to "</c>" or "/>"), or
 * NULL when the cell is not written. */
static char *
cell (const char *xml,
      const char *ref)
{
  g_autofree char *needle = g_strdup_printf ("<c r=\"%s\"", ref);
  const char *start = strstr (xml, needle);
  const char *tag_end;
  const char *end;

  if (start == NULL)
    return NULL;
  tag_end = strchr (start, '>');
  g_assert_nonnull (tag_end);
  if (tag_end[-1] == '/')
    return g_strndup (start, tag_end + 1 - start);
  end = strstr (start, "</c>");
  g_assert_nonnull (end);

  return g_strndup (start, end + 4 - start);
}

static void
assert_text_cell (const char *xml,
                  const char *ref,
                  const char *text)
{
  g_autofree char *c = cell (xml, ref);
  g_autofree char *inline_text = g_strdup_printf ("<is><t>%s</t></is>", text);

  g_assert_nonnull (c);
  g_assert_nonnull (strstr (c, "t=\"inlineStr\""));
  if (strstr (c, inline_text) == NULL)
    g_error ("cell %s is %s, expected the text %s", ref, c, text);
}

static void
assert_number_cell (const char *xml,
                    const char *ref,
                    const char *value)
{
  g_autofree char *c = cell (xml, ref);
  g_autofree char *v = g_strdup_printf ("<v>%s</v>", value);

  g_assert_nonnull (c);
  g_assert_null (strstr (c, "t=\""));
  if (strstr (c, v) == NULL)
    g_error ("cell %s is %s, expected the number %s", ref, c, value);
}

/* The names in @dir, sorted, joined by spaces. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

static guint
count_open_files (void)
{
  g_autoptr(GDir) d = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
}

static char *
write_sample (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "人员.xlsx", NULL);
  g_autoptr(YqXlsxWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  const char *row1[] = {
    "0193a1b2c3d4", "张三", "13800138000", "000123", "1234.5", "2024-05-01 08:30:00",
    "2024-05-01",
  };
  /* Empty cells (NULL and ""), numbers and dates that do not parse. */
  const char *row2[] = {
    "42", "李四 <&>", NULL, "", "12 apples", "yesterday", "2024-02-30",
  };
  const char *row3[] = {
    "1e5", "  王五  ", "+86 138-0013-8000", "0x10", "-7", "2024-05-01T00:30:00Z", "",
  };
  const char * const notes[] = {
    "平台ID: the person's ID on the platform; do not change it.",
    "",
    "手机号: kept as text so that leading zeros survive.",
    NULL,
  };

  writer = yq_xlsx_writer_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_xlsx_writer_get_path (writer), ==, path);

  /* Only the temporary file so far, and it is hidden. */
  {
    g_autofree char *names = list_dir (dir);

    g_assert_true (g_str_has_prefix (names, ".人员.xlsx."));
    g_assert_true (g_str_has_suffix (names, ".tmp"));
  }

  g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "人员", columns, G_N_ELEMENTS (columns),
                                                &error));
  g_assert_no_error (error);
  g_assert_true (yq_xlsx_writer_add_row (writer, row1, &error));
  g_assert_true (yq_xlsx_writer_add_row (writer, row2, &error));
  g_assert_true (yq_xlsx_writer_add_row (writer, row3, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (yq_xlsx_writer_get_n_rows (writer), ==, 3);
  g_assert_true (yq_xlsx_writer_add_notes_sheet (writer, "说明", "如何填写", notes, &error));
  g_assert_no_error (error);
  g_assert_true (yq_xlsx_writer_close (writer, &error));
  g_assert_no_error (error);

  /* Closed: no more rows. */
  g_assert_false (yq_xlsx_writer_add_row (writer, row1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  return g_steal_pointer (&path);
}

static void
test_write (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autofree char *names = NULL;
  g_autofree char *sheet = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *workbook = NULL;
  g_autofree char *styles = NULL;
  g_autofree char *c = NULL;

  if (!have_unzip ())
    return;

  path = write_sample (dir);
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "人员.xlsx");

  sheet = read_part (path, "xl/worksheets/sheet1.xml");

  /* The header: bold text, frozen below, filtered over all rows. */
  assert_text_cell (sheet, "A1", "平台ID");
  assert_text_cell (sheet, "G1", "Day");
  g_assert_nonnull (strstr (sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\""));
  g_assert_nonnull (strstr (sheet, "state=\"frozen\"/>"));
  g_assert_nonnull (strstr (sheet, "<autoFilter ref=\"A1:G4\"/>"));
  /* Widths: the hint for the ID, the header (two per Chinese character)
   * for the job number. */
  g_assert_nonnull (strstr (sheet, "<col min=\"1\" max=\"1\" width=\"25.7"));
  g_assert_nonnull (strstr (sheet, "<col min=\"4\" max=\"4\" width=\"7.7"));

  /* Text columns stay text, whatever they look like. */
  assert_text_cell (sheet, "A2", "0193a1b2c3d4");
  assert_text_cell (sheet, "B2", "张三");
  assert_text_cell (sheet, "C2", "13800138000");
  assert_text_cell (sheet, "D2", "000123");
  assert_text_cell (sheet, "A3", "42");
  assert_text_cell (sheet, "B3", "李四 &lt;&amp;&gt;");
  assert_text_cell (sheet, "A4", "1e5");
  assert_text_cell (sheet, "C4", "+86 138-0013-8000");
  assert_text_cell (sheet, "D4", "0x10");
  g_assert_nonnull (strstr (sheet, "<t xml:space=\"preserve\">  王五  </t>"));
  g_assert_null (strstr (sheet, "<v>13800138000</v>"));
  g_assert_null (strstr (sheet, "<v>123</v>"));

  /* Empty values write no cell. */
  c = cell (sheet, "C3");
  g_assert_null (c);
  c = cell (sheet, "D3");
  g_assert_null (c);
  c = cell (sheet, "G4");
  g_assert_null (c);

  /* Numbers and dates where they parse, text where they do not. */
  assert_number_cell (sheet, "E2", "1234.5");
  assert_number_cell (sheet, "E4", "-7");
  assert_text_cell (sheet, "E3", "12 apples");
  /* 2024-05-01 is day 45413 of Excel's calendar; 08:30 is 0.354166… */
  assert_number_cell (sheet, "F2", "45413.35416666666");
  assert_number_cell (sheet, "G2", "45413");
  assert_text_cell (sheet, "F3", "yesterday");
  assert_text_cell (sheet, "G3", "2024-02-30");
  g_clear_pointer (&c, g_free);
  c = cell (sheet, "F4");
  g_assert_nonnull (c);
  g_assert_null (strstr (c, "t=\""));

  /* Text columns are formatted as text, so typed values stay text. */
  styles = read_part (path, "xl/styles.xml");
  g_assert_nonnull (strstr (styles, "formatCode=\"@\""));
  g_assert_nonnull (strstr (styles, "formatCode=\"yyyy-mm-dd hh:mm:ss\""));

  /* The data sheet first, then the notes. */
  workbook = read_part (path, "xl/workbook.xml");
  g_assert_nonnull (strstr (workbook, "<sheet name=\"人员\" sheetId=\"1\""));
  g_assert_nonnull (strstr (workbook, "<sheet name=\"说明\" sheetId=\"2\""));
  notes = read_part (path, "xl/worksheets/sheet2.xml");
  assert_text_cell (notes, "A1", "如何填写");
  assert_text_cell (notes, "A3", "平台ID: the person's ID on the platform; do not change it.");
  g_clear_pointer (&c, g_free);
  c = cell (notes, "A4");
  g_assert_null (c);
  assert_text_cell (notes, "A5", "手机号: kept as text so that leading zeros survive.");

  yq_test_rm_rf (dir);
}

static void
assert_row (YqXlsxReader       *reader,
            guint               expected_number,
            const char * const *expected,
            guint               n_expected)
{
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GError) error = NULL;
  guint number = 0;

  g_assert_true (yq_xlsx_reader_next_row (reader, &number, &cells, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, expected_number);
  g_assert_cmpuint (cells->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpstr (g_ptr_array_index (cells, i), ==, expected[i]);
}

/* What an import reads: text as written (leading zeros, long digit runs,
 * Chinese, blanks), empty cells empty, dates as dates, both sheets. */
static void
test_read_back (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = write_sample (dir);
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *names;
  const char * const header[] = { "平台ID", "姓名", "手机号", "工号", "Amount", "绑定时间", "Day" };
  const char * const row1[] = {
    "0193a1b2c3d4", "张三", "13800138000", "000123", "1234.5", "2024-05-01 08:30:00",
    "2024-05-01",
  };
  const char * const row2[] = {
    "42", "李四 <&>", NULL, NULL, "12 apples", "yesterday", "2024-02-30",
  };
  const char * const row3[] = {
    "1e5", "  王五  ", "+86 138-0013-8000", "0x10", "-7", "2024-05-01 08:30:00",
  };
  const char * const title[] = { "如何填写" };
  const char * const note1[] = { "平台ID: the person's ID on the platform; do not change it." };
  const char * const note2[] = { "手机号: kept as text so that leading zeros survive." };
  guint number = 0;

  reader = yq_xlsx_reader_new (path, NULL, &error);
  g_assert_no_error (error);
  names = yq_xlsx_reader_get_sheet_names (reader);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 2);
  g_assert_cmpstr (names[0], ==, "人员");
  g_assert_cmpstr (names[1], ==, "说明");
  g_assert_true (yq_xlsx_reader_select_sheet (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (yq_xlsx_reader_get_sheet_name (reader), ==, "人员");

  assert_row (reader, 1, header, G_N_ELEMENTS (header));
  assert_row (reader, 2, row1, G_N_ELEMENTS (row1));
  assert_row (reader, 3, row2, G_N_ELEMENTS (row2));
  /* The empty last cell is left out. */
  assert_row (reader, 4, row3, G_N_ELEMENTS (row3));
  g_assert_false (yq_xlsx_reader_next_row (reader, &number, &cells, &error));
  g_assert_no_error (error);

  g_assert_true (yq_xlsx_reader_select_sheet (reader, "说明", &error));
  g_assert_no_error (error);
  assert_row (reader, 1, title, 1);
  assert_row (reader, 3, note1, 1);
  assert_row (reader, 5, note2, 1);

  yq_test_rm_rf (dir);
}

/* Times with a zone are written in the local time zone (TZ is
 * Asia/Shanghai, set in main, UTC+8 all year). */
static void
test_time_zone (void)
{
  static const YqXlsxWriterColumn when[] = { { "When", YQ_XLSX_WRITER_DATETIME, 0 } };
  static const struct
  {
    const char *value;
    const char *serial;   /* Excel's day number and fraction */
  } cases[] = {
    { "2024-05-01T00:30:00Z", "45413.35416666666" },
    { "2024-05-01 08:30", "45413.35416666666" },
    /* The next day, across February 29. */
    { "2024-02-29T20:00:00-05:00", "45352.375" },
    { "2024-02-29T16:30:00+0000", "45352.02083333334" },
    /* The day before, and the turn of a year. */
    { "2024-01-01T02:00:00+14:00", "45291.8333333333" },
    { "1999-12-31T23:59:59.5+08:00", "36525.99999421" },
  };
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "times.xlsx", NULL);
  g_autofree char *sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqXlsxWriter) writer = NULL;

  if (!have_unzip ())
    return;

  writer = yq_xlsx_writer_new (path, &error);
  g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "times", when, 1, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *row[] = { cases[i].value };

      g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
    }
  g_assert_true (yq_xlsx_writer_close (writer, &error));
  g_assert_no_error (error);

  sheet = read_part (path, "xl/worksheets/sheet1.xml");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ref = g_strdup_printf ("A%u", i + 2);
      g_autofree char *c = cell (sheet, ref);

      g_assert_nonnull (c);
      g_test_message ("%s: %s", cases[i].value, c);
      g_assert_null (strstr (c, "t=\""));
      g_assert_nonnull (strstr (c, cases[i].serial));
    }

  yq_test_rm_rf (dir);
}

static void
test_overwrite (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "people.xlsx", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;
  g_autoptr(GError) error = NULL;
  const char *row[] = { "1", "a", "2", "3", "4", "2024-01-01", "2024-01-01" };
  guint open_files = count_open_files ();
  gsize length = 0;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));

  /* Dropped without closing: the old file stays, nothing else. */
  {
    g_autoptr(YqXlsxWriter) writer = yq_xlsx_writer_new (path, &error);

    g_assert_no_error (error);
    g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "people", columns,
                                                  G_N_ELEMENTS (columns), &error));
    g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "people.xlsx");
  /* The rows' temporary file (deleted, but open) is closed too. */
  g_assert_cmpuint (count_open_files (), ==, open_files);

  /* Closed: the new workbook replaces it. */
  {
    g_autoptr(YqXlsxWriter) writer = yq_xlsx_writer_new (path, &error);

    g_assert_no_error (error);
    g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "people", columns,
                                                  G_N_ELEMENTS (columns), &error));
    g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
    g_assert_true (yq_xlsx_writer_close (writer, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_cmpmem (contents, 2, "PK", 2);
  g_clear_pointer (&names, g_free);
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "people.xlsx");

  yq_test_rm_rf (dir);
}

static void
test_unwritable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "people.xlsx", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *under_file = g_build_filename (file, "people.xlsx", NULL);
  g_autofree char *names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqXlsxWriter) writer = NULL;

  writer = yq_xlsx_writer_new (missing, &error);
  g_assert_null (writer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  writer = yq_xlsx_writer_new (under_file, &error);
  g_assert_null (writer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_assert_nonnull (strstr (error->message, under_file));
  g_clear_error (&error);

  /* Permissions do not stop root. */
  if (geteuid () != 0)
    {
      g_autofree char *locked = g_build_filename (dir, "locked", NULL);
      g_autofree char *in_locked = g_build_filename (locked, "people.xlsx", NULL);

      g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
      writer = yq_xlsx_writer_new (in_locked, &error);
      g_assert_null (writer);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, in_locked));
      g_clear_error (&error);
      g_chmod (locked, 0700);
      g_assert_cmpint (g_rmdir (locked), ==, 0);
    }

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "file");

  yq_test_rm_rf (dir);
}

/* The rename at the end fails (the path is a folder with something in
 * it): an error naming the path, the folder untouched, no temporary file. */
static void
test_close_fails (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "people.xlsx", NULL);
  g_autofree char *inside = g_build_filename (path, "keep", NULL);
  g_autofree char *names = NULL;
  g_autoptr(GError) error = NULL;
  const char *row[] = { "1", "a", "2", "3", "4", "5", "6" };

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "", -1, NULL));

  {
    g_autoptr(YqXlsxWriter) writer = yq_xlsx_writer_new (path, &error);

    g_assert_no_error (error);
    g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "people", columns,
                                                  G_N_ELEMENTS (columns), &error));
    g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
    g_assert_no_error (error);
    g_assert_false (yq_xlsx_writer_close (writer, &error));
    g_assert_true (error->domain == G_IO_ERROR);
    g_assert_nonnull (strstr (error->message, path));
    g_clear_error (&error);

    /* Nothing more to do with it. */
    g_assert_false (yq_xlsx_writer_close (writer, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  }

  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "people.xlsx");
  g_assert_true (g_file_test (inside, G_FILE_TEST_EXISTS));

  yq_test_rm_rf (dir);
}

static void
test_limits (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "people.xlsx", NULL);
  g_autofree char *names = NULL;
  g_autofree char *long_value = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqXlsxWriter) writer = yq_xlsx_writer_new (path, &error);
  const char *row[7] = { NULL };

  g_assert_no_error (error);

  /* Sheet names Excel refuses. */
  g_assert_false (yq_xlsx_writer_add_data_sheet (writer, "a/b", columns, G_N_ELEMENTS (columns),
                                                 &error));
  g_assert_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_SHEET_NAME);
  g_clear_error (&error);
  g_assert_false (yq_xlsx_writer_add_data_sheet (writer, "", columns, G_N_ELEMENTS (columns),
                                                 &error));
  g_assert_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_SHEET_NAME);
  g_clear_error (&error);

  g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "people", columns,
                                                G_N_ELEMENTS (columns), &error));
  g_assert_no_error (error);

  /* A cell holds 32,767 characters (Chinese ones count one each). */
  long_value = g_strnfill (32767, 'x');
  row[1] = long_value;
  g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
  g_assert_no_error (error);
  g_clear_pointer (&long_value, g_free);
  long_value = g_strnfill (32768, 'x');
  row[1] = long_value;
  g_assert_false (yq_xlsx_writer_add_row (writer, row, &error));
  g_assert_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "姓名"));
  g_clear_error (&error);
  g_assert_cmpuint (yq_xlsx_writer_get_n_rows (writer), ==, 1);

  g_assert_false (yq_xlsx_writer_add_notes_sheet (writer, "people", "x", NULL, &error));
  g_assert_error (error, YQ_XLSX_WRITER_ERROR, YQ_XLSX_WRITER_ERROR_SHEET_NAME);
  g_clear_error (&error);

  g_clear_object (&writer);
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "");

  yq_test_rm_rf (dir);
}

/* Bytes that are not UTF-8 and control characters still give XML that
 * parses. */
static void
test_bad_text (void)
{
  g_autofree char *dir = g_dir_make_tmp ("yq-xlsx-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "people.xlsx", NULL);
  g_autofree char *sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqXlsxWriter) writer = NULL;
  const char *row[7] = { "a\xff" "b", "tab\there\x01" };

  if (!have_unzip ())
    return;

  writer = yq_xlsx_writer_new (path, &error);
  g_assert_true (yq_xlsx_writer_add_data_sheet (writer, "people", columns,
                                                G_N_ELEMENTS (columns), &error));
  g_assert_true (yq_xlsx_writer_add_row (writer, row, &error));
  g_assert_true (yq_xlsx_writer_close (writer, &error));
  g_assert_no_error (error);

  sheet = read_part (path, "xl/worksheets/sheet1.xml");
  g_assert_true (g_utf8_validate (sheet, -1, NULL));
  assert_text_cell (sheet, "A2", "a\xef\xbf\xbd" "b");
  /* XML 1.0 has no U+0001: it is escaped the way Excel does it. */
  g_assert_null (strchr (sheet, '\x01'));
  assert_text_cell (sheet, "B2", "tab\there_x0001_");

  yq_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xlsx-writer/write", test_write);
  g_test_add_func ("/xlsx-writer/read-back", test_read_back);
  g_test_add_func ("/xlsx-writer/time-zone", test_time_zone);
  g_test_add_func ("/xlsx-writer/overwrite", test_overwrite);
  g_test_add_func ("/xlsx-writer/unwritable", test_unwritable);
  g_test_add_func ("/xlsx-writer/close-fails", test_close_fails);
  g_test_add_func ("/xlsx-writer/limits", test_limits);
  g_test_add_func ("/xlsx-writer/bad-text", test_bad_text);

  return g_test_run ();
}
