/* SPDX-License-Identifier: GPL-3.0-or-later */

/* libFuzzer target: reads the input as an .xlsx workbook, every sheet and
 * every row, and looks for a header row. See docs/fuzzing.md. */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <unistd.h>

#include "yq-xlsx-reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *input_path;

static void
read_sheet (YqXlsxReader *reader)
{
  static const char *const mobile_aliases[] = { "手机号", "Mobile", NULL };
  const YqXlsxColumn columns[] = {
    { "姓名", NULL, FALSE },
    { "手机", mobile_aliases, TRUE },
  };
  int indices[G_N_ELEMENTS (columns)];
  guint header_row;
  g_autoptr(GError) error = NULL;

  if (!yq_xlsx_reader_find_header (reader, columns, G_N_ELEMENTS (columns), 10, &header_row,
                                   indices, &error))
    {
      if (error->domain != YQ_XLSX_ERROR)
        g_error ("unexpected error domain: %s", error->message);
      if (error->code != YQ_XLSX_ERROR_HEADER)
        return;
      g_clear_error (&error);
    }

  for (;;)
    {
      g_autoptr(GPtrArray) cells = NULL;
      guint row;

      if (!yq_xlsx_reader_next_row (reader, &row, &cells, &error))
        break;
      g_assert (row >= 1);
      for (guint i = 0; i < cells->len; i++)
        if (cells->pdata[i] != NULL)
          g_assert (g_utf8_validate (cells->pdata[i], -1, NULL));
    }
  g_assert (error == NULL || error->domain == YQ_XLSX_ERROR);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  YqXlsxLimits limits;
  const char *const *names;

  if (input_path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-xlsx-reader-XXXXXX.xlsx", &input_path, NULL);

      g_assert (fd >= 0);
      close (fd);
    }
  if (!g_file_set_contents (input_path, (const char *) data, (gssize) size, NULL))
    return 0;

  /* Small limits keep every input fast; they are exercised, too. */
  yq_xlsx_limits_init (&limits);
  limits.max_part_size = 16 * 1024 * 1024;
  limits.max_rows = 100000;
  limits.max_columns = 1024;
  limits.max_shared_strings = 100000;
  limits.max_shared_string_bytes = 4 * 1024 * 1024;

  reader = yq_xlsx_reader_new (input_path, &limits, &error);
  if (reader == NULL)
    {
      g_assert (error != NULL && error->message != NULL);
      return 0;
    }

  names = yq_xlsx_reader_get_sheet_names (reader);
  g_assert (names != NULL && names[0] != NULL);
  read_sheet (reader);
  for (guint i = 1; names[i] != NULL && i < 4; i++)
    {
      g_clear_error (&error);
      if (yq_xlsx_reader_select_sheet (reader, names[i], &error))
        read_sheet (reader);
    }

  return 0;
}
