/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <minizip/zip.h>
#include <string.h>

#include "yq-xlsx-reader.h"

/* Fixtures */

static const char *const fixtures[] = {
  "libreoffice-bindings.xlsx",
  "sheetjs-bindings.xlsx",
  "sheetjs-inline.xlsx",
  "exceljs-bindings.xlsx",
  "exceljs-stream-inline.xlsx",
  "roundtrip-exceljs-libreoffice.xlsx",
  "roundtrip-libreoffice-sheetjs.xlsx",
};

static char *
fixture_path (const char *name)
{
  return g_build_filename (XLSX_FIXTURES_DIR, name, NULL);
}

/* Every row of a sheet, by row number. */
static GHashTable *
read_sheet (YqXlsxReader *reader,
            const char   *sheet)
{
  g_autoptr(GHashTable) rows = g_hash_table_new_full (NULL, NULL, NULL,
                                                      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GError) error = NULL;
  GPtrArray *cells;
  guint row;
  guint last = 0;

  g_assert_true (yq_xlsx_reader_select_sheet (reader, sheet, &error));
  g_assert_no_error (error);
  while (yq_xlsx_reader_next_row (reader, &row, &cells, &error))
    {
      g_assert_cmpuint (row, >, last);
      last = row;
      g_hash_table_insert (rows, GUINT_TO_POINTER (row), cells);
    }
  g_assert_no_error (error);
  /* Once at the end, it stays there. */
  g_assert_false (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&rows);
}

/* The cell "C2" of @rows, or NULL. */
static const char *
cell (GHashTable *rows,
      const char *ref)
{
  GPtrArray *cells;
  guint column = ref[0] - 'A';
  guint row = (guint) g_ascii_strtoull (ref + 1, NULL, 10);

  cells = g_hash_table_lookup (rows, GUINT_TO_POINTER (row));
  if (cells == NULL || column >= cells->len)
    return NULL;
  return cells->pdata[column];
}

static void
test_fixtures (void)
{
  static const char *const header[] = {
    "平台人员ID", "姓名", "手机", "邮箱", "工号", "OA账号", "部门", "状态", "入职日期",
    "已绑定", "绩效系数", "备注",
  };
  static const char *const empty[] = {
    "K15", "D4", "C5", "E9", "F7", "G5", "D15", "E15", "G15", "L2",
  };
  guint n_read = 0;

  for (guint f = 0; f < G_N_ELEMENTS (fixtures); f++)
    {
      g_autofree char *path = fixture_path (fixtures[f]);
      g_autoptr(YqXlsxReader) reader = NULL;
      g_autoptr(GHashTable) rows = NULL;
      g_autoptr(GHashTable) notes = NULL;
      g_autoptr(GError) error = NULL;
      const char *const *names;
      gboolean exceljs = g_str_has_prefix (fixtures[f], "exceljs")
                         || g_str_has_prefix (fixtures[f], "roundtrip-exceljs");
      const char *writer;
      const char *l17;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_message ("fixture %s is missing", fixtures[f]);
          continue;
        }
      g_test_message ("fixture %s", fixtures[f]);
      n_read++;

      reader = yq_xlsx_reader_new (path, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (reader);
      g_assert_false (yq_xlsx_reader_get_date1904 (reader));

      /* The order of the sheets as the program wrote them. */
      names = yq_xlsx_reader_get_sheet_names (reader);
      g_assert_cmpuint (g_strv_length ((char **) names), ==, 2);
      g_assert_cmpstr (names[0], ==, exceljs ? "说明" : "人员绑定");
      g_assert_cmpstr (names[1], ==, exceljs ? "人员绑定" : "说明");

      rows = read_sheet (reader, "人员绑定");
      g_assert_cmpstr (yq_xlsx_reader_get_sheet_name (reader), ==, "人员绑定");
      g_assert_cmpuint (g_hash_table_size (rows), ==, 21);
      /* Row 12 is not in the file. */
      g_assert_false (g_hash_table_contains (rows, GUINT_TO_POINTER (12)));

      for (guint i = 0; i < G_N_ELEMENTS (header); i++)
        {
          char ref[4] = { (char) ('A' + i), '1', '\0' };

          g_assert_cmpstr (cell (rows, ref), ==, header[i]);
        }
      g_assert_cmpstr (cell (rows, "A2"), ==, "000123");
      g_assert_cmpstr (cell (rows, "C2"), ==, "13800138000");
      g_assert_cmpstr (cell (rows, "C3"), ==, "13900139001");
      g_assert_cmpstr (cell (rows, "C6"), ==, "+86 136-0013-6003");
      g_assert_cmpstr (cell (rows, "C22"), ==, "19900199018");
      g_assert_cmpstr (cell (rows, "E6"), ==, "00789");
      g_assert_cmpstr (cell (rows, "G6"), ==, "R&D <平台> 组");
      g_assert_cmpstr (cell (rows, "G10"), ==, "销售部, 华东区");
      g_assert_cmpstr (cell (rows, "L10"), ==, "含逗号与\"引号\"");
      g_assert_cmpstr (cell (rows, "I2"), ==, "2024-03-01");
      g_assert_cmpstr (cell (rows, "I6"), ==, "2020-02-29");
      g_assert_cmpstr (cell (rows, "I7"), ==, "2019-12-31");
      g_assert_cmpstr (cell (rows, "I22"), ==, "2025-06-30");
      g_assert_cmpstr (cell (rows, "J2"), ==, "TRUE");
      g_assert_cmpstr (cell (rows, "J3"), ==, "FALSE");
      g_assert_cmpstr (cell (rows, "K2"), ==, "1.25");
      g_assert_cmpstr (cell (rows, "K5"), ==, "1");
      g_assert_cmpstr (cell (rows, "K22"), ==, "1");
      g_assert_cmpstr (cell (rows, "K7"), ==, "0.333");
      g_assert_cmpstr (cell (rows, "K9"), ==, "1234567.89");
      g_assert_cmpstr (cell (rows, "K20"), ==, "2.5");
      g_assert_cmpstr (cell (rows, "D21"), ==, "luoyu@example.com");
      g_assert_cmpstr (cell (rows, "F6"), ==, "chenjing");
      g_assert_cmpstr (cell (rows, "L9"), ==, "工号为空");
      g_assert_cmpstr (cell (rows, "L13"), ==, "第一行\n第二行");
      l17 = cell (rows, "L17");
      g_assert_nonnull (l17);
      g_assert_true (g_str_has_prefix (l17, "这是一段很长的备注，用于测试长文本单元格的读取："));
      g_assert_true (g_str_has_suffix (l17, "批量导入导出工作。结束。"));
      g_assert_cmpint (g_utf8_strlen (l17, -1), ==, 190);
      for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
        g_assert_null (cell (rows, empty[i]));

      notes = read_sheet (reader, "说明");
      g_assert_cmpuint (g_hash_table_size (notes), ==, 4);
      g_assert_cmpstr (cell (notes, "A1"), ==, "字段");
      g_assert_cmpstr (cell (notes, "B2"), ==, "11位手机号，可存为数字或文本");
      g_assert_cmpstr (cell (notes, "B3"), ==, "20");
      g_assert_null (cell (notes, "B4"));
      g_assert_null (cell (notes, "C4"));
      if (g_str_has_prefix (fixtures[f], "libreoffice")
          || g_str_has_prefix (fixtures[f], "roundtrip-libreoffice"))
        writer = "LibreOffice";
      else if (g_str_has_prefix (fixtures[f], "sheetjs"))
        writer = "SheetJS";
      else if (g_str_has_prefix (fixtures[f], "exceljs-stream"))
        writer = "ExcelJS stream";
      else
        writer = "ExcelJS";
      g_assert_cmpstr (cell (notes, "D4"), ==, writer);

      /* Reading a sheet again starts over. */
      g_clear_pointer (&rows, g_hash_table_unref);
      rows = read_sheet (reader, "人员绑定");
      g_assert_cmpstr (cell (rows, "C2"), ==, "13800138000");
    }

  if (n_read == 0)
    g_test_skip ("no fixtures in " XLSX_FIXTURES_DIR);
}

static void
test_fixture_header (void)
{
  static const char *const mobile_aliases[] = { "手机号", "Mobile", NULL };
  static const char *const account_aliases[] = { "OA 账号", "account", NULL };
  static const char *const email_aliases[] = { "E-mail", NULL };
  const YqXlsxColumn columns[] = {
    { "Name", (const char *const[]) { "姓名", NULL }, FALSE },
    { "手机", mobile_aliases, FALSE },
    { "账号", account_aliases, FALSE },
    { "邮件", email_aliases, TRUE },
  };
  const YqXlsxColumn missing[] = {
    { "Name", (const char *const[]) { "姓名", NULL }, FALSE },
    { "身份证号", NULL, FALSE },
    { "职务", (const char *const[]) { "Title", NULL }, FALSE },
  };
  g_autofree char *path = fixture_path ("libreoffice-bindings.xlsx");
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GPtrArray) cells = NULL;
  g_autoptr(GError) error = NULL;
  int indices[G_N_ELEMENTS (columns)];
  int missing_indices[G_N_ELEMENTS (missing)];
  guint header_row = 0;
  guint row;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("fixture missing");
      return;
    }
  reader = yq_xlsx_reader_new (path, NULL, &error);
  g_assert_no_error (error);

  /* Missing columns are named; the rows can be read again. */
  g_assert_false (yq_xlsx_reader_find_header (reader, missing, G_N_ELEMENTS (missing), 10,
                                              &header_row, missing_indices, &error));
  g_assert_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_HEADER);
  g_assert_nonnull (strstr (error->message, "“身份证号”"));
  g_assert_nonnull (strstr (error->message, "“职务”"));
  g_assert_null (strstr (error->message, "“Name”"));
  g_clear_error (&error);

  g_assert_true (yq_xlsx_reader_find_header (reader, columns, G_N_ELEMENTS (columns), 10,
                                             &header_row, indices, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header_row, ==, 1);
  g_assert_cmpint (indices[0], ==, 1);
  g_assert_cmpint (indices[1], ==, 2);
  g_assert_cmpint (indices[2], ==, -1 + 6);  /* "OA账号" matches "OA 账号" */
  g_assert_cmpint (indices[3], ==, -1);      /* optional and absent */

  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpuint (row, ==, 2);
  g_assert_cmpstr (cells->pdata[indices[1]], ==, "13800138000");
}

/* bindings-import-libreoffice.xlsx: a title row above the header, as the
 * export writes it (rows as in make/bindings-import.csv). */
static void
test_fixture_import (void)
{
  static const char *const account_aliases[] = { "OA账号", "OA account", NULL };
  static const char *const id_aliases[] = { "平台人员ID", "Platform ID", NULL };
  static const char *const mobile_aliases[] = { "手机", "Mobile", NULL };
  const YqXlsxColumn columns[] = {
    { "平台ID", id_aliases, FALSE },
    { "OA 账号", account_aliases, FALSE },
    { "手机号", mobile_aliases, TRUE },
    { "绑定时间", (const char *const[]) { "Bound at", NULL }, TRUE },
  };
  g_autofree char *path = fixture_path ("bindings-import-libreoffice.xlsx");
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new_full (NULL, NULL, NULL,
                                                      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GError) error = NULL;
  int indices[G_N_ELEMENTS (columns)];
  GPtrArray *cells;
  guint header_row = 0;
  guint row;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("fixture missing");
      return;
    }
  reader = yq_xlsx_reader_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_xlsx_reader_get_sheet_names (reader)[0], ==, "Bindings");

  g_assert_true (yq_xlsx_reader_find_header (reader, columns, G_N_ELEMENTS (columns), 10,
                                             &header_row, indices, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header_row, ==, 2);
  g_assert_cmpint (indices[0], ==, 0);
  g_assert_cmpint (indices[1], ==, 9);
  g_assert_cmpint (indices[2], ==, 4);
  g_assert_cmpint (indices[3], ==, 11);

  while (yq_xlsx_reader_next_row (reader, &row, &cells, &error))
    g_hash_table_insert (rows, GUINT_TO_POINTER (row), cells);
  g_assert_no_error (error);

  g_assert_cmpuint (g_hash_table_size (rows), ==, 10);
  g_assert_false (g_hash_table_contains (rows, GUINT_TO_POINTER (10)));
  g_assert_cmpstr (cell (rows, "A3"), ==, "u001");
  g_assert_cmpstr (cell (rows, "B3"), ==, "张三");
  g_assert_cmpstr (cell (rows, "E3"), ==, "13800000001");
  g_assert_cmpstr (cell (rows, "G3"), ==, "0001");
  g_assert_cmpstr (cell (rows, "J3"), ==, "zhangsan");
  g_assert_null (cell (rows, "D4"));
  g_assert_cmpstr (cell (rows, "J5"), ==, "WangWu");
  g_assert_null (cell (rows, "J6"));
  g_assert_cmpstr (cell (rows, "L7"), ==, "2026-01-05 10:00:00");
  g_assert_cmpstr (cell (rows, "M7"), ==, "By hand");
  g_assert_null (cell (rows, "A12"));
  g_assert_cmpstr (cell (rows, "J12"), ==, "shared.acct");
  g_assert_cmpstr (cell (rows, "J13"), ==, "zhaoliu");
}

/* Workbooks built here */

typedef struct
{
  const char *name;
  const char *data;
  gssize      len;
} Part;

static const char content_types[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
  "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
  "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
  "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
  "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>";

#define WORKBOOK(pr) \
  "<?xml version=\"1.0\"?>" \
  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" \
  pr "<sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/>" \
  "<sheet name=\"Other\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"

static const char workbook_rels[] =
  "<?xml version=\"1.0\"?>"
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
  "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
  "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
  "relationships/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
  "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
  "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
  "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
  "relationships/styles\" Target=\"styles.xml\"/></Relationships>";

static const char shared_strings[] =
  "<?xml version=\"1.0\"?>"
  "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
  "<si><t>姓名</t></si>"
  "<si><t xml:space=\"preserve\"> 手机号 </t></si>"
  "<si><r><rPr><b/></rPr><t>张</t></r><r><t>三</t></r>"
  "<rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si>"
  "<si><t>a_x000D_b</t></si>"
  "<si><t/></si>"
  "</sst>";

static const char styles[] =
  "<?xml version=\"1.0\"?>"
  "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
  "<numFmts count=\"4\">"
  "<numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\\ hh:mm\"/>"
  "<numFmt numFmtId=\"165\" formatCode=\"&quot;day&quot;0.00\"/>"
  "<numFmt numFmtId=\"166\" formatCode=\"[Red]#,##0.00;[Blue]\\-#,##0.00\"/>"
  "<numFmt numFmtId=\"14\" formatCode=\"0.00\"/>"
  "</numFmts>"
  "<cellStyleXfs count=\"1\"><xf numFmtId=\"22\"/></cellStyleXfs>"
  "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"22\"/><xf numFmtId=\"164\"/>"
  "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"14\"/><xf numFmtId=\"58\"/>"
  "</cellXfs></styleSheet>";

#define SHEET(rows) \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" \
  "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" \
  "<sheetData>" rows "</sheetData></worksheet>"

static const char other_sheet[] = SHEET ("<row r=\"1\"><c r=\"B1\" t=\"inlineStr\"><is><t>x</t></is></c></row>");

static void
write_zip (const char *path,
           const Part *parts,
           guint       n_parts,
           int         level)
{
  zipFile zip = zipOpen64 (path, APPEND_STATUS_CREATE);

  g_assert_nonnull (zip);
  for (guint i = 0; i < n_parts; i++)
    {
      gsize len;

      if (parts[i].data == NULL)
        continue;
      len = parts[i].len >= 0 ? (gsize) parts[i].len : strlen (parts[i].data);
      g_assert_cmpint (zipOpenNewFileInZip64 (zip, parts[i].name, NULL, NULL, 0, NULL, 0, NULL,
                                              level > 0 ? Z_DEFLATED : 0, level, 1),
                       ==, ZIP_OK);
      g_assert_cmpint (zipWriteInFileInZip (zip, parts[i].data, (unsigned) len), ==, ZIP_OK);
      g_assert_cmpint (zipCloseFileInZip (zip), ==, ZIP_OK);
    }
  g_assert_cmpint (zipClose (zip, NULL), ==, ZIP_OK);
}

/* A workbook whose first sheet is @sheet1; a NULL part is left out. */
static char *
make_workbook (const char *dir,
               const char *name,
               const char *workbook,
               const char *sst,
               const char *sheet1)
{
  char *path = g_build_filename (dir, name, NULL);
  const Part parts[] = {
    { "[Content_Types].xml", content_types, -1 },
    { "xl/workbook.xml", workbook, -1 },
    { "xl/_rels/workbook.xml.rels", workbook_rels, -1 },
    { "xl/styles.xml", styles, -1 },
    { "xl/sharedStrings.xml", sst, -1 },
    { "xl/worksheets/sheet1.xml", sheet1, -1 },
    { "xl/worksheets/sheet2.xml", other_sheet, -1 },
  };

  write_zip (path, parts, G_N_ELEMENTS (parts), 6);
  return path;
}

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-xlsx-reader-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Reads the first sheet to its end; returns the error, if any. */
static GError *
read_all (const char         *path,
          const YqXlsxLimits *limits,
          GHashTable        **rows_out)
{
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new_full (NULL, NULL, NULL,
                                                      (GDestroyNotify) g_ptr_array_unref);
  GError *error = NULL;
  GPtrArray *cells;
  guint row;

  reader = yq_xlsx_reader_new (path, limits, &error);
  if (reader == NULL)
    {
      g_assert_nonnull (error);
      return error;
    }
  while (yq_xlsx_reader_next_row (reader, &row, &cells, &error))
    g_hash_table_insert (rows, GUINT_TO_POINTER (row), cells);
  if (rows_out != NULL)
    *rows_out = g_steal_pointer (&rows);
  return error;
}

static void
assert_error (GError     *error,
              int         code,
              const char *fragment)
{
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_error (error, YQ_XLSX_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” is not in “%s”", fragment, error->message);
  g_error_free (error);
}

static void
test_values (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = make_workbook (dir, "values.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
    "<row r=\"3\" spans=\"1:9\">"
    "<c r=\"A3\" t=\"s\"><v>2</v></c>"
    "<c r=\"B3\"><v>13800138000</v></c>"
    "<c r=\"C3\"><v>1.3800138E10</v></c>"
    "<c r=\"D3\"><v>0.1</v></c>"
    "<c r=\"E3\"><v>-0.5</v></c>"
    "<c r=\"F3\"><v>123456789012345680000</v></c>"
    "<c r=\"G3\"><v>0.30000000000000004</v></c>"
    "<c r=\"H3\" t=\"b\"><v>1</v></c>"
    "<c r=\"I3\" t=\"b\"><v>0</v></c>"
    "<c r=\"J3\" t=\"inlineStr\"><is><r><t>in</t></r><r><t xml:space=\"preserve\">line </t></r></is></c>"
    "<c r=\"K3\" t=\"str\"><f>A1&amp;\"!\"</f><v>姓名!</v></c>"
    "<c r=\"L3\" t=\"e\"><v>#N/A</v></c>"
    "<c r=\"M3\" t=\"s\"><v>3</v></c>"
    "<c r=\"N3\" t=\"s\"><v>4</v></c>"
    "<c r=\"O3\" s=\"5\"/>"
    "<c r=\"P3\" t=\"d\"><v>2024-03-05T00:00:00Z</v></c>"
    "<c r=\"Q3\" t=\"d\"><v>2024-03-05T10:20:30.5</v></c>"
    "<c r=\"r3\"><v>-007</v></c>"
    "</row>"
    "<row r=\"4\">"
    "<c r=\"A4\" s=\"1\"><v>45352</v></c>"
    "<c r=\"B4\" s=\"1\"><v>45352.75</v></c>"
    "<c r=\"C4\" s=\"2\"><v>60</v></c>"
    "<c r=\"D4\" s=\"2\"><v>61</v></c>"
    "<c r=\"E4\" s=\"2\"><v>59</v></c>"
    "<c r=\"F4\" s=\"2\"><v>1</v></c>"
    "<c r=\"G4\" s=\"2\"><v>0.5</v></c>"
    "<c r=\"H4\" s=\"3\"><v>45352</v></c>"
    "<c r=\"I4\" s=\"4\"><v>45352</v></c>"
    "<c r=\"J4\" s=\"5\"><v>45352</v></c>"
    "<c r=\"K4\" s=\"6\"><v>45352</v></c>"
    "<c r=\"L4\" s=\"99\"><v>45352</v></c>"
    "<c r=\"M4\" s=\"1\"><v>-1</v></c>"
    "<c r=\"N4\" s=\"1\"><v>1e10</v></c>"
    "<c r=\"O4\" s=\"1\"><v>2958465.999988</v></c>"
    "</row>"
    /* Without r: rows and cells count on. */
    "<row><c><v>1</v></c><c r=\"C5\"><v>3</v></c><c><v>4</v></c></row>"
    "<row/>"));
  g_autoptr(GHashTable) rows = NULL;
  GError *error = read_all (path, NULL, &rows);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (rows), ==, 5);
  g_assert_false (g_hash_table_contains (rows, GUINT_TO_POINTER (2)));

  g_assert_cmpstr (cell (rows, "A1"), ==, "姓名");
  g_assert_null (cell (rows, "B1"));
  g_assert_cmpstr (cell (rows, "C1"), ==, " 手机号 ");
  g_assert_cmpstr (cell (rows, "A3"), ==, "张三");
  g_assert_cmpstr (cell (rows, "B3"), ==, "13800138000");
  g_assert_cmpstr (cell (rows, "C3"), ==, "13800138000");
  g_assert_cmpstr (cell (rows, "D3"), ==, "0.1");
  g_assert_cmpstr (cell (rows, "E3"), ==, "-0.5");
  g_assert_cmpstr (cell (rows, "F3"), ==, "123456789012345680000");
  g_assert_cmpstr (cell (rows, "G3"), ==, "0.30000000000000004");
  g_assert_cmpstr (cell (rows, "H3"), ==, "TRUE");
  g_assert_cmpstr (cell (rows, "I3"), ==, "FALSE");
  g_assert_cmpstr (cell (rows, "J3"), ==, "inline ");
  g_assert_cmpstr (cell (rows, "K3"), ==, "姓名!");
  g_assert_cmpstr (cell (rows, "L3"), ==, "#N/A");
  g_assert_cmpstr (cell (rows, "M3"), ==, "a\rb");
  g_assert_cmpstr (cell (rows, "N3"), ==, "");
  g_assert_null (cell (rows, "O3"));
  g_assert_cmpstr (cell (rows, "P3"), ==, "2024-03-05");
  g_assert_cmpstr (cell (rows, "Q3"), ==, "2024-03-05 10:20:30");
  g_assert_cmpstr (cell (rows, "R3"), ==, "-7");

  g_assert_cmpstr (cell (rows, "A4"), ==, "2024-03-01");
  g_assert_cmpstr (cell (rows, "B4"), ==, "2024-03-01 18:00:00");
  g_assert_cmpstr (cell (rows, "C4"), ==, "1900-02-29");
  g_assert_cmpstr (cell (rows, "D4"), ==, "1900-03-01");
  g_assert_cmpstr (cell (rows, "E4"), ==, "1900-02-28");
  g_assert_cmpstr (cell (rows, "F4"), ==, "1900-01-01");
  g_assert_cmpstr (cell (rows, "G4"), ==, "12:00:00");
  g_assert_cmpstr (cell (rows, "H4"), ==, "45352");        /* "day" in quotes */
  g_assert_cmpstr (cell (rows, "I4"), ==, "45352");        /* colours in brackets */
  g_assert_cmpstr (cell (rows, "J4"), ==, "45352");        /* id 14 redefined as 0.00 */
  g_assert_cmpstr (cell (rows, "K4"), ==, "2024-03-01");   /* CJK built-in 58 */
  g_assert_cmpstr (cell (rows, "L4"), ==, "45352");        /* no such style */
  g_assert_cmpstr (cell (rows, "M4"), ==, "-1");           /* before 1900 */
  g_assert_cmpstr (cell (rows, "N4"), ==, "10000000000");  /* after 9999 */
  g_assert_cmpstr (cell (rows, "O4"), ==, "9999-12-31 23:59:59");

  g_assert_cmpstr (cell (rows, "A5"), ==, "1");
  g_assert_null (cell (rows, "B5"));
  g_assert_cmpstr (cell (rows, "C5"), ==, "3");
  g_assert_cmpstr (cell (rows, "D5"), ==, "4");
  g_assert_true (g_hash_table_contains (rows, GUINT_TO_POINTER (6)));
  g_assert_cmpuint (((GPtrArray *) g_hash_table_lookup (rows, GUINT_TO_POINTER (6)))->len, ==, 0);

  remove_dir (dir);
}

static void
test_date1904 (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = make_workbook (dir, "1904.xlsx", WORKBOOK ("<workbookPr date1904=\"1\"/>"),
                                         shared_strings, SHEET (
    "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>43890</v></c><c r=\"B1\" s=\"1\"><v>0</v></c>"
    "<c r=\"C1\" s=\"2\"><v>1.25</v></c><c r=\"D1\"><v>43890</v></c></row>"));
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GHashTable) rows = NULL;
  GError *error = NULL;

  reader = yq_xlsx_reader_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (yq_xlsx_reader_get_date1904 (reader));

  error = read_all (path, NULL, &rows);
  g_assert_no_error (error);
  g_assert_cmpstr (cell (rows, "A1"), ==, "2024-03-01");  /* 1900 serial 45352 */
  g_assert_cmpstr (cell (rows, "B1"), ==, "1904-01-01");
  g_assert_cmpstr (cell (rows, "C1"), ==, "1904-01-02 06:00:00");
  g_assert_cmpstr (cell (rows, "D1"), ==, "43890");

  remove_dir (dir);
}

static void
test_sheets_and_header (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = make_workbook (dir, "header.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>人员导入表</t></is></c></row>"
    "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>手机</t></is></c></row>"
    "<row r=\"4\"><c r=\"B4\" t=\"inlineStr\"><is><t> 姓 名* </t></is></c>"
    "<c r=\"D4\" t=\"inlineStr\"><is><t>ＭＯＢＩＬＥ：</t></is></c></row>"
    "<row r=\"5\"><c r=\"B5\" t=\"inlineStr\"><is><t>张三</t></is></c>"
    "<c r=\"D5\"><v>13800138000</v></c></row>"
    "<row r=\"6\"><c r=\"B6\" t=\"inlineStr\"><is><t>李四</t></is></c></row>"));
  static const char *const mobile_aliases[] = { "手机号", "Mobile", NULL };
  const YqXlsxColumn columns[] = {
    { "姓名", NULL, FALSE },
    { "手机", mobile_aliases, FALSE },
  };
  const YqXlsxColumn columns_job[] = {
    { "姓名", NULL, FALSE },
    { "工号", NULL, FALSE },
  };
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *cells;
  int indices[2];
  guint header_row;
  guint row;

  reader = yq_xlsx_reader_new (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_xlsx_reader_get_sheet_names (reader)[0], ==, "Data");
  g_assert_cmpstr (yq_xlsx_reader_get_sheet_names (reader)[1], ==, "Other");
  g_assert_null (yq_xlsx_reader_get_sheet_names (reader)[2]);
  g_assert_null (yq_xlsx_reader_get_sheet_name (reader));

  g_assert_false (yq_xlsx_reader_select_sheet (reader, "Nope", &error));
  g_assert_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_NO_SHEET);
  g_assert_nonnull (strstr (error->message, "Nope"));
  g_assert_nonnull (strstr (error->message, "Data"));
  g_clear_error (&error);

  /* A header with only some columns names the missing ones and its row. */
  g_assert_false (yq_xlsx_reader_find_header (reader, columns_job, 2, 10, &header_row, indices,
                                              &error));
  g_assert_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_HEADER);
  g_assert_nonnull (strstr (error->message, "“工号”"));
  g_assert_nonnull (strstr (error->message, "4"));
  g_clear_error (&error);

  /* The first sheet by default; the title row and a lone "手机" lose. */
  g_assert_true (yq_xlsx_reader_find_header (reader, columns, 2, 10, &header_row, indices,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpstr (yq_xlsx_reader_get_sheet_name (reader), ==, "Data");
  g_assert_cmpuint (header_row, ==, 4);
  g_assert_cmpint (indices[0], ==, 1);
  g_assert_cmpint (indices[1], ==, 3);

  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpuint (row, ==, 5);
  g_assert_cmpstr (cells->pdata[1], ==, "张三");
  g_assert_cmpstr (cells->pdata[3], ==, "13800138000");
  g_ptr_array_unref (cells);
  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpuint (row, ==, 6);
  g_assert_cmpuint (cells->len, ==, 2);
  g_ptr_array_unref (cells);
  g_assert_false (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_no_error (error);

  /* Only two rows looked at: no header there. */
  g_assert_true (yq_xlsx_reader_select_sheet (reader, NULL, &error));
  g_assert_false (yq_xlsx_reader_find_header (reader, columns, 2, 2, &header_row, indices,
                                              &error));
  g_assert_error (error, YQ_XLSX_ERROR, YQ_XLSX_ERROR_HEADER);
  g_assert_nonnull (strstr (error->message, "“姓名”"));
  g_assert_null (strstr (error->message, "“手机”"));
  g_clear_error (&error);

  g_assert_true (yq_xlsx_reader_select_sheet (reader, "Other", &error));
  g_assert_true (yq_xlsx_reader_next_row (reader, &row, &cells, &error));
  g_assert_cmpuint (row, ==, 1);
  g_assert_null (cells->pdata[0]);
  g_assert_cmpstr (cells->pdata[1], ==, "x");
  g_ptr_array_unref (cells);

  remove_dir (dir);
}

/* Malformed workbooks */

static void
test_missing_parts (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *no_workbook = make_workbook (dir, "a.xlsx", NULL, shared_strings,
                                                SHEET ("<row r=\"1\"/>"));
  g_autofree char *no_sst = make_workbook (dir, "b.xlsx", WORKBOOK (""), NULL,
                                           SHEET ("<row r=\"1\"/>"));
  g_autofree char *no_sheet = make_workbook (dir, "c.xlsx", WORKBOOK (""), shared_strings, NULL);
  g_autofree char *not_zip = g_build_filename (dir, "d.xlsx", NULL);
  g_autofree char *absent = g_build_filename (dir, "absent.xlsx", NULL);
  g_autofree char *no_sheets = make_workbook (dir, "e.xlsx",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets/></workbook>",
    shared_strings, NULL);
  g_autofree char *no_rels = g_build_filename (dir, "f.xlsx", NULL);
  const Part rels_missing[] = {
    { "xl/workbook.xml", WORKBOOK (""), -1 },
  };
  g_autoptr(YqXlsxReader) reader = NULL;
  GError *error = NULL;

  assert_error (read_all (no_workbook, NULL, NULL), YQ_XLSX_ERROR_MISSING_PART,
                "xl/workbook.xml: ");
  assert_error (read_all (no_sst, NULL, NULL), YQ_XLSX_ERROR_MISSING_PART,
                "xl/sharedStrings.xml: ");
  assert_error (read_all (no_sheet, NULL, NULL), YQ_XLSX_ERROR_MISSING_PART,
                "xl/worksheets/sheet1.xml: ");
  assert_error (read_all (no_sheets, NULL, NULL), YQ_XLSX_ERROR_NO_SHEET, "xl/workbook.xml");
  write_zip (no_rels, rels_missing, G_N_ELEMENTS (rels_missing), 6);
  assert_error (read_all (no_rels, NULL, NULL), YQ_XLSX_ERROR_MISSING_PART,
                "xl/_rels/workbook.xml.rels: ");

  g_assert_true (g_file_set_contents (not_zip, "姓名,手机\n张三,13800138000\n", -1, NULL));
  assert_error (read_all (not_zip, NULL, NULL), YQ_XLSX_ERROR_CORRUPT, "d.xlsx");

  reader = yq_xlsx_reader_new (absent, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  remove_dir (dir);
}

static void
test_bad_xml (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *bad_sheet = make_workbook (dir, "a.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
    "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>"
    "<row r=\"12\"><c r=\"A12\"><v>3</v></c><c r=\"B12\"><v>4</v></x></row>"));
  g_autofree char *bad_sst = make_workbook (dir, "b.xlsx", WORKBOOK (""),
                                            "<sst><si><t>a</si></sst>", SHEET (""));
  g_autofree char *dtd = make_workbook (dir, "c.xlsx", WORKBOOK (""), shared_strings,
    "<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY a \"aaaaaaaaaa\">"
    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
    "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData>"
    "</worksheet>");
  g_autofree char *bad_index = make_workbook (dir, "d.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"7\"><c r=\"A7\" t=\"s\"><v>5</v></c></row>"));
  g_autofree char *bad_ref = make_workbook (dir, "e.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"3\"><c r=\"17\"><v>5</v></c></row>"));
  g_autofree char *bad_row = make_workbook (dir, "f.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"1\"/><row r=\"x\"/>"));
  g_autofree char *bad_rel = make_workbook (dir, "g.xlsx",
    "<workbook xmlns:r=\"urn:r\"><sheets><sheet name=\"S\" r:id=\"rId9\"/></sheets></workbook>",
    shared_strings, SHEET (""));
  g_autofree char *truncated_xml = make_workbook (dir, "h.xlsx", WORKBOOK (""), shared_strings,
    "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2");
  g_autoptr(GHashTable) rows = NULL;
  GError *error;

  /* The rows before the damage are read. */
  error = read_all (bad_sheet, NULL, &rows);
  assert_error (error, YQ_XLSX_ERROR_BAD_XML, "xl/worksheets/sheet1.xml, row 12: ");
  assert_error (read_all (bad_sst, NULL, NULL), YQ_XLSX_ERROR_BAD_XML, "xl/sharedStrings.xml: ");
  assert_error (read_all (dtd, NULL, NULL), YQ_XLSX_ERROR_BAD_XML, "xl/worksheets/sheet1.xml: ");
  assert_error (read_all (bad_index, NULL, NULL), YQ_XLSX_ERROR_CORRUPT,
                "xl/worksheets/sheet1.xml, row 7: ");
  assert_error (read_all (bad_ref, NULL, NULL), YQ_XLSX_ERROR_CORRUPT, "row 3: ");
  assert_error (read_all (bad_row, NULL, NULL), YQ_XLSX_ERROR_CORRUPT, "row 2: ");
  assert_error (read_all (bad_rel, NULL, NULL), YQ_XLSX_ERROR_CORRUPT, "rId9");
  assert_error (read_all (truncated_xml, NULL, NULL), YQ_XLSX_ERROR_BAD_XML, "row 2: ");

  remove_dir (dir);
}

static void
test_limits (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *far_row = make_workbook (dir, "a.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"1\"/><row r=\"1048577\"><c r=\"A1048577\"><v>1</v></c></row>"));
  g_autofree char *huge_row = make_workbook (dir, "b.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"99999999999999999999999\"/>"));
  g_autofree char *far_column = make_workbook (dir, "c.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"4\"><c r=\"XFD4\"><v>1</v></c><c r=\"XFE4\"><v>1</v></c></row>"));
  g_autofree char *huge_column = make_workbook (dir, "d.xlsx", WORKBOOK (""), shared_strings, SHEET (
    "<row r=\"4\"><c r=\"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ4\"><v>1</v></c></row>"));
  g_autofree char *bomb = g_build_filename (dir, "bomb.xlsx", NULL);
  g_autofree char *long_text = NULL;
  g_autofree char *long_sheet = NULL;
  g_autofree char *long_sst = NULL;
  g_autofree char *long_path = NULL;
  g_autofree char *long_sst_path = NULL;
  g_autofree char *padding = NULL;
  g_autofree char *bomb_sheet = NULL;
  g_autoptr(GHashTable) rows = NULL;
  YqXlsxLimits limits;
  GError *error;

  assert_error (read_all (far_row, NULL, NULL), YQ_XLSX_ERROR_LIMIT, "1048576 rows");
  assert_error (read_all (huge_row, NULL, NULL), YQ_XLSX_ERROR_CORRUPT, "row 1: ");
  assert_error (read_all (far_column, NULL, NULL), YQ_XLSX_ERROR_LIMIT, "XFE4");
  assert_error (read_all (huge_column, NULL, NULL), YQ_XLSX_ERROR_LIMIT, "16384 columns");

  yq_xlsx_limits_init (&limits);
  limits.max_rows = 3;
  assert_error (read_all (far_column, &limits, NULL), YQ_XLSX_ERROR_LIMIT,
                "row 4 is beyond the limit of 3 rows");
  yq_xlsx_limits_init (&limits);
  limits.max_columns = 2;
  assert_error (read_all (far_column, &limits, NULL), YQ_XLSX_ERROR_LIMIT,
                "row 4: the cell “XFD4” is beyond the limit of 2 columns");

  /* One string longer than 32,767 characters: inline and shared. */
  padding = g_strnfill (32768, 'x');
  long_text = g_strdup_printf ("<row r=\"1\"><c t=\"inlineStr\"><is><t>%s</t></is></c></row>",
                               padding);
  long_sheet = g_strdup_printf (SHEET ("%s"), long_text);
  long_path = make_workbook (dir, "e.xlsx", WORKBOOK (""), shared_strings, long_sheet);
  assert_error (read_all (long_path, NULL, NULL), YQ_XLSX_ERROR_LIMIT, "32767 characters");
  long_sst = g_strdup_printf ("<sst><si><t>%s</t></si></sst>", padding);
  long_sst_path = make_workbook (dir, "f.xlsx", WORKBOOK (""), long_sst, SHEET (""));
  assert_error (read_all (long_sst_path, NULL, NULL), YQ_XLSX_ERROR_LIMIT,
                "xl/sharedStrings.xml: ");
  /* The same with a higher limit is fine. */
  yq_xlsx_limits_init (&limits);
  limits.max_string_length = 40000;
  error = read_all (long_path, &limits, &rows);
  g_assert_no_error (error);
  g_assert_cmpstr (cell (rows, "A1"), ==, padding);

  /* Shared string count and bytes. */
  yq_xlsx_limits_init (&limits);
  limits.max_shared_strings = 4;
  assert_error (read_all (long_path, &limits, NULL), YQ_XLSX_ERROR_LIMIT, "4 shared strings");
  yq_xlsx_limits_init (&limits);
  limits.max_shared_string_bytes = 16;
  assert_error (read_all (long_path, &limits, NULL), YQ_XLSX_ERROR_LIMIT, "16 bytes");

  /* A zip bomb: 32 MB of blanks in a sheet compress about 1000:1. */
  {
    gsize size = 32 * 1024 * 1024;
    const char head[] = SHEET ("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    Part parts[] = {
      { "xl/workbook.xml", WORKBOOK (""), -1 },
      { "xl/_rels/workbook.xml.rels", workbook_rels, -1 },
      { "xl/styles.xml", styles, -1 },
      { "xl/sharedStrings.xml", shared_strings, -1 },
      { "xl/worksheets/sheet1.xml", NULL, (gssize) size },
      { "xl/worksheets/sheet2.xml", other_sheet, -1 },
    };

    bomb_sheet = g_malloc (size);
    memset (bomb_sheet, ' ', size);
    memcpy (bomb_sheet, head, strlen (head));
    parts[4].data = bomb_sheet;
    write_zip (bomb, parts, G_N_ELEMENTS (parts), 9);
  }
  assert_error (read_all (bomb, NULL, NULL), YQ_XLSX_ERROR_LIMIT, "zip bomb");
  yq_xlsx_limits_init (&limits);
  limits.max_ratio = 10000;
  limits.max_part_size = 16 * 1024 * 1024;
  assert_error (read_all (bomb, &limits, NULL), YQ_XLSX_ERROR_LIMIT, "16777216 bytes");
  /* Within generous limits the blanks are only blanks. */
  limits.max_part_size = 64 * 1024 * 1024;
  g_clear_pointer (&rows, g_hash_table_unref);
  error = read_all (bomb, &limits, &rows);
  g_assert_no_error (error);
  g_assert_cmpstr (cell (rows, "A1"), ==, "1");

  remove_dir (dir);
}

/* Every prefix and many damaged copies of a real file give a row or an
 * error, never a crash. */
static void
test_truncated_and_damaged (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *source = fixture_path ("exceljs-bindings.xlsx");
  g_autofree char *own = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *copy = g_build_filename (dir, "copy.xlsx", NULL);
  gsize len;
  guint n_errors = 0;
  guint n_corrupt = 0;

  if (!g_file_test (source, G_FILE_TEST_EXISTS))
    {
      g_clear_pointer (&source, g_free);
      source = own = make_workbook (dir, "own.xlsx", WORKBOOK (""), shared_strings,
                                    SHEET ("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"));
    }
  g_assert_true (g_file_get_contents (source, &contents, &len, NULL));

  for (gsize cut = 0; cut < len; cut += (cut < len - 256 ? 37 : 1))
    {
      GError *error;

      g_assert_true (g_file_set_contents (copy, contents, (gssize) cut, NULL));
      error = read_all (copy, NULL, NULL);
      /* Cuts inside the 22-byte end record can leave it readable; the
       * parts and their checksums are whole then. */
      if (error == NULL && cut >= len - 22)
        continue;
      g_assert_nonnull (error);
      g_assert_true (error->domain == YQ_XLSX_ERROR);
      g_assert_cmpstr (error->message, !=, "");
      g_error_free (error);
      n_errors++;
    }

  for (gsize at = 0; at < len; at += 13)
    {
      g_autofree char *damaged = g_memdup2 (contents, len);
      GError *error;

      damaged[at] ^= 0x5a;
      g_assert_true (g_file_set_contents (copy, damaged, (gssize) len, NULL));
      error = read_all (copy, NULL, NULL);
      if (error != NULL)
        {
          g_assert_true (error->domain == YQ_XLSX_ERROR);
          if (error->code == YQ_XLSX_ERROR_CORRUPT)
            n_corrupt++;
          g_error_free (error);
        }
    }

  g_test_message ("%u truncated copies, %u damaged copies found corrupt", n_errors, n_corrupt);
  g_assert_cmpuint (n_corrupt, >, 0);

  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xlsx-reader/fixtures", test_fixtures);
  g_test_add_func ("/xlsx-reader/fixture-header", test_fixture_header);
  g_test_add_func ("/xlsx-reader/fixture-import", test_fixture_import);
  g_test_add_func ("/xlsx-reader/values", test_values);
  g_test_add_func ("/xlsx-reader/date1904", test_date1904);
  g_test_add_func ("/xlsx-reader/sheets-and-header", test_sheets_and_header);
  g_test_add_func ("/xlsx-reader/missing-parts", test_missing_parts);
  g_test_add_func ("/xlsx-reader/bad-xml", test_bad_xml);
  g_test_add_func ("/xlsx-reader/limits", test_limits);
  g_test_add_func ("/xlsx-reader/truncated-and-damaged", test_truncated_and_damaged);

  return g_test_run ();
}
