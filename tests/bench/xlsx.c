/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Spreadsheet benchmark.
 *
 * Exports R bridge-people-like rows (11 columns: platform ID, name, mobile,
 * e-mail, job number, OA account, main department path, platform status,
 * binding status, bound at, added at) with YqXlsxWriter, the rows made on
 * the fly the way an export formats them from the database, plus the notes
 * sheet:
 *
 *   BENCH xlsx_export_wall <s> s    new → rows → notes → close (renamed)
 *   BENCH xlsx_export_rss <MB> MB   peak RSS of the exporting process
 *
 * target 2 s and 100 MB. Each half runs in its own child process (this
 * program run again with "--export FILE" or "--read FILE"), so that the
 * peak RSS of one does not count in the other's.
 *
 * Then the exported file is read back with YqXlsxReader, every row counted
 * and a sample of the text cells checked against what was written:
 *
 *   BENCH xlsx_read_wall <s> s      open → every row of the data sheet
 *   BENCH xlsx_read_rss <MB> MB
 *
 * (no target of their own; held to the import's, 2 s and 150 MB).
 *
 * Then the import: a store with R unbound bridge people of one connector
 * and R OA people with the same mobiles, its bindings export written by
 * yq_bindings_export_file() (untimed), and a child that reads that file
 * back as an import by mobile and builds the per-row preview:
 *
 *   BENCH xlsx_import_wall <s> s    read the file → rows → preview
 *   BENCH xlsx_import_rss <MB> MB   peak RSS of the importing process
 *
 * target 2 s and 150 MB; every row must preview as "will bind".
 *
 * Exits non-zero when the export (or the read-back) is wrong; missed
 * targets are fatal only with YQ_BENCH_STRICT=1.
 *
 * Environment: YQ_BENCH_ROWS (100000).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "yq-bench-org.h"
#include "yq-bindings-file.h"
#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-connectors.h"
#include "yq-oa-directory.h"
#include "yq-xlsx-reader.h"
#include "yq-xlsx-writer.h"

#define EXPORT_WALL_TARGET_S 2.0
#define EXPORT_RSS_TARGET_MB 100.0
#define READ_WALL_TARGET_S   2.0
#define READ_RSS_TARGET_MB   150.0
#define IMPORT_WALL_TARGET_S 2.0
#define IMPORT_RSS_TARGET_MB 150.0
#define N_COLUMNS            11

static const YqXlsxWriterColumn columns[N_COLUMNS] = {
  { "平台ID", YQ_XLSX_WRITER_TEXT, 24 },
  { "姓名", YQ_XLSX_WRITER_TEXT, 8 },
  { "手机号", YQ_XLSX_WRITER_TEXT, 11 },
  { "邮箱", YQ_XLSX_WRITER_TEXT, 24 },
  { "工号", YQ_XLSX_WRITER_TEXT, 8 },
  { "OA账号", YQ_XLSX_WRITER_TEXT, 12 },
  { "主部门", YQ_XLSX_WRITER_TEXT, 30 },
  { "平台状态", YQ_XLSX_WRITER_TEXT, 0 },
  { "绑定状态", YQ_XLSX_WRITER_TEXT, 0 },
  { "绑定时间", YQ_XLSX_WRITER_DATETIME, 0 },
  { "添加时间", YQ_XLSX_WRITER_DATETIME, 0 },
};

static const char * const surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "欧阳", "司马",
};
static const char * const given_names[] = {
  "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
};

/* Row @i as an export writes it: the strings in @buffers, pointed to by
 * @values. Two in three people are bound. */
static void
make_row (guint        i,
          char         buffers[N_COLUMNS][96],
          const char  *values[N_COLUMNS])
{
  gboolean bound = i % 3 != 2;
  guint day = 1 + i % 28;

  g_snprintf (buffers[0], 96, "0193%08x%04x", i * 2654435761u, i % 65536);
  g_snprintf (buffers[1], 96, "%s%s", surnames[i % G_N_ELEMENTS (surnames)],
              given_names[(i / 7) % G_N_ELEMENTS (given_names)]);
  g_snprintf (buffers[2], 96, "1%02u%08u", 30 + i % 60, (i * 7919u) % 100000000u);
  g_snprintf (buffers[3], 96, "user%06u@example.com", i);
  g_snprintf (buffers[4], 96, "%06u", i);
  if (bound)
    g_snprintf (buffers[5], 96, "user%06u", i);
  else
    buffers[5][0] = '\0';
  g_snprintf (buffers[6], 96, "集团/事业部%u/部门%u/科室%u", i % 10, i % 100, i % 1000);
  g_strlcpy (buffers[7], i % 50 == 0 ? "停用" : "正常", 96);
  g_strlcpy (buffers[8], bound ? "已绑定" : "未绑定", 96);
  if (bound)
    g_snprintf (buffers[9], 96, "2024-%02u-%02u %02u:%02u:%02u", 1 + i % 12, day, i % 24,
                i % 60, (i / 60) % 60);
  else
    buffers[9][0] = '\0';
  g_snprintf (buffers[10], 96, "2023-%02u-%02uT%02u:%02u:00+08:00", 1 + i % 12, day,
              i % 24, (i / 3) % 60);

  for (guint c = 0; c < N_COLUMNS; c++)
    values[c] = buffers[c];
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Child: the export. */
static int
run_export (const char *path,
            guint       n_rows)
{
  static const char * const notes[] = {
    "平台ID、手机号、工号、OA账号 are text: keep leading zeros when editing.",
    "To bind people, fill OA账号 and import the file again.",
    NULL,
  };
  g_autoptr(YqXlsxWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  char buffers[N_COLUMNS][96];
  const char *values[N_COLUMNS];
  gint64 start = g_get_monotonic_time ();
  gint64 closing;
  double wall;

  writer = yq_xlsx_writer_new (path, &error);
  if (writer == NULL ||
      !yq_xlsx_writer_add_data_sheet (writer, "人员", columns, N_COLUMNS, &error))
    goto fail;
  for (guint i = 0; i < n_rows; i++)
    {
      make_row (i, buffers, values);
      if (!yq_xlsx_writer_add_row (writer, values, &error))
        goto fail;
    }
  closing = g_get_monotonic_time ();
  if (!yq_xlsx_writer_add_notes_sheet (writer, "说明", "如何填写", notes, &error) ||
      !yq_xlsx_writer_close (writer, &error))
    goto fail;
  wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  printf ("export: rows %.2f s, closing (compressing into the zip) %.2f s\n",
          (closing - start) / (double) G_USEC_PER_SEC,
          (g_get_monotonic_time () - closing) / (double) G_USEC_PER_SEC);

  if (yq_xlsx_writer_get_n_rows (writer) != n_rows)
    {
      fprintf (stderr, "The writer counted %u rows, expected %u\n",
               yq_xlsx_writer_get_n_rows (writer), n_rows);
      return EXIT_FAILURE;
    }

  printf ("export CPU time %.2f s (wall time above CPU time is other load)\n", cpu_seconds ());
  printf ("BENCH xlsx_export_wall %.2f s\n", wall);
  printf ("BENCH xlsx_export_rss %.1f MB\n", yq_bench_peak_rss_mb ());

  return EXIT_SUCCESS;

fail:
  fprintf (stderr, "The export failed: %s\n", error->message);
  return EXIT_FAILURE;
}

/* Child: every row of the exported file read back and checked. */
static int
run_read (const char *path,
          guint       n_rows)
{
  g_autoptr(YqXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  char buffers[N_COLUMNS][96];
  const char *values[N_COLUMNS];
  gint64 start = g_get_monotonic_time ();
  guint n_read = 0;
  double wall;

  reader = yq_xlsx_reader_new (path, NULL, &error);
  if (reader == NULL)
    goto fail;

  for (;;)
    {
      g_autoptr(GPtrArray) cells = NULL;
      guint row_number = 0;

      if (!yq_xlsx_reader_next_row (reader, &row_number, &cells, &error))
        {
          if (error != NULL)
            goto fail;
          break;
        }
      if (row_number == 1)
        continue;

      /* The text columns come back as written (a sample, so that the check
       * does not dominate the time). */
      if (n_read % 997 == 0)
        {
          make_row (n_read, buffers, values);
          for (guint c = 0; c < 9; c++)
            {
              const char *cell = c < cells->len ? g_ptr_array_index (cells, c) : NULL;

              if (g_strcmp0 (cell != NULL ? cell : "", values[c]) != 0)
                {
                  fprintf (stderr, "Row %u, column %u reads back as “%s”, expected “%s”\n",
                           row_number, c + 1, cell, values[c]);
                  return EXIT_FAILURE;
                }
            }
        }
      n_read++;
    }
  wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (n_read != n_rows)
    {
      fprintf (stderr, "Read %u rows back, expected %u\n", n_read, n_rows);
      return EXIT_FAILURE;
    }

  printf ("read back: %u rows\n", n_read);
  printf ("read CPU time %.2f s\n", cpu_seconds ());
  printf ("BENCH xlsx_read_wall %.2f s\n", wall);
  printf ("BENCH xlsx_read_rss %.1f MB\n", yq_bench_peak_rss_mb ());

  return EXIT_SUCCESS;

fail:
  fprintf (stderr, "Reading the export back failed: %s\n", error->message);
  return EXIT_FAILURE;
}

/* The import */

typedef struct
{
  YqOaDirectory *oa;
  gint64         connector_id;
  guint          n_rows;
} Population;

static gboolean
populate_cb (YqStore  *store,
             gpointer  user_data,
             GError  **error)
{
  Population *population = user_data;
  g_autoptr(YqOrgDepartment) dept = yq_org_department_new ("oa-root", NULL, "集团");
  g_autofree char *dept_id = yq_oa_directory_add_department (population->oa, dept, error);

  if (dept_id == NULL)
    return FALSE;

  for (guint i = 0; i < population->n_rows; i++)
    {
      g_autofree char *platform_id = g_strdup_printf ("u%06u", i);
      g_autofree char *oa_id = NULL;
      g_autoptr(YqOrgPerson) person = yq_bench_make_person (platform_id, i, "d1", NULL);

      if (!yq_bridge_directory_put_person (store, population->connector_id, person, error))
        return FALSE;

      g_strfreev (person->department_ids);
      person->department_ids = g_new0 (char *, 2);
      person->department_ids[0] = g_strdup (dept_id);
      oa_id = yq_oa_directory_add_person (population->oa, person, error);
      if (oa_id == NULL)
        return FALSE;
    }

  return TRUE;
}

/* A store in @dir with @n_rows unbound bridge people and as many OA people
 * of the same mobiles, and its bindings export at @path. */
static gboolean
prepare_import (const char *dir,
                const char *path,
                guint       n_rows,
                GError    **error)
{
  g_autoptr(YqStore) store = yq_store_open_in_dir (dir, error);
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  Population population = { 0 };

  if (store == NULL)
    return FALSE;
  secrets = yq_secrets_new_for_data_dir (dir, error);
  if (secrets == NULL)
    return FALSE;

  yq_connector_set_name (connector, "云之家");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_api_base (connector, "http://127.0.0.1:9");
  yq_connector_set_app_key (connector, "bench-app");
  if (!yq_connectors_save (store, secrets, connector, "bench-secret", "bench-directory-secret",
                           error))
    return FALSE;

  population.oa = yq_builtin_oa_directory_new (store);
  population.connector_id = yq_connector_get_id (connector);
  population.n_rows = n_rows;
  if (!yq_store_transaction (store, populate_cb, &population, error))
    {
      g_clear_object (&population.oa);
      return FALSE;
    }
  g_clear_object (&population.oa);

  return yq_bindings_export_file (store, yq_connector_get_id (connector), NULL, path, error);
}

/* Child: the bindings export read back as an import by mobile, previewed. */
static int
run_import (const char *path,
            guint       n_rows)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(YqBindingImportPreview) preview = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  gint64 read;
  double wall;

  store = yq_store_open_in_dir (dir, &error);
  if (store == NULL || (connectors = yq_connectors_list (store, &error)) == NULL)
    goto fail;
  if (connectors->len != 1)
    {
      fprintf (stderr, "The bench store has %u connectors, expected 1\n", connectors->len);
      return EXIT_FAILURE;
    }
  oa = yq_builtin_oa_directory_new (store);

  start = g_get_monotonic_time ();
  if (!yq_bindings_read_import_file (path, YQ_BINDING_KEY_MOBILE, &rows, &error))
    goto fail;
  read = g_get_monotonic_time ();
  preview = yq_bindings_import_preview (store,
                                        yq_connector_get_id (g_ptr_array_index (connectors, 0)),
                                        oa, YQ_BINDING_KEY_MOBILE, g_steal_pointer (&rows),
                                        &error);
  if (preview == NULL)
    goto fail;
  wall = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  printf ("import: read %.2f s, preview %.2f s\n",
          (read - start) / (double) G_USEC_PER_SEC,
          (g_get_monotonic_time () - read) / (double) G_USEC_PER_SEC);

  if (preview->items->len != n_rows ||
      preview->counts[YQ_BINDING_IMPORT_WILL_BIND] != n_rows)
    {
      fprintf (stderr, "The preview has %u rows, %u of them to bind; expected %u\n",
               preview->items->len, preview->counts[YQ_BINDING_IMPORT_WILL_BIND], n_rows);
      return EXIT_FAILURE;
    }

  printf ("import CPU time %.2f s (wall time above CPU time is other load)\n", cpu_seconds ());
  printf ("BENCH xlsx_import_wall %.2f s\n", wall);
  printf ("BENCH xlsx_import_rss %.1f MB\n", yq_bench_peak_rss_mb ());

  return EXIT_SUCCESS;

fail:
  fprintf (stderr, "The import failed: %s\n", error->message);
  return EXIT_FAILURE;
}

/* Runs this program again with @mode and @path; passes its output through
 * and returns the value of each "BENCH @names[i] <value>" line in
 * @values[i] (-1 when missing). */
static gboolean
run_child (const char  *self,
           const char  *mode,
           const char  *path,
           const char  *names[2],
           double       values[2])
{
  const char *argv[] = { self, mode, path, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  int status = 0;

  values[0] = values[1] = -1;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, &error))
    {
      fprintf (stderr, "Could not run %s %s: %s\n", self, mode, error->message);
      return FALSE;
    }
  fputs (out, stdout);

  lines = g_strsplit (out, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    for (guint n = 0; n < 2; n++)
      {
        g_autofree char *prefix = g_strdup_printf ("BENCH %s ", names[n]);

        if (g_str_has_prefix (lines[l], prefix))
          values[n] = g_ascii_strtod (lines[l] + strlen (prefix), NULL);
      }

  return g_spawn_check_wait_status (status, NULL) && values[0] >= 0 && values[1] >= 0;
}

int
main (int   argc,
      char *argv[])
{
  guint n_rows = yq_bench_env_uint ("YQ_BENCH_ROWS", 1, 100000);
  gboolean strict = g_strcmp0 (g_getenv ("YQ_BENCH_STRICT"), "1") == 0;
  const char *export_names[2] = { "xlsx_export_wall", "xlsx_export_rss" };
  double export[2];
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  gboolean met;
  GStatBuf st;

  setvbuf (stdout, NULL, _IOLBF, 0);

  if (argc == 3 && strcmp (argv[1], "--export") == 0)
    return run_export (argv[2], n_rows);
  if (argc == 3 && strcmp (argv[1], "--read") == 0)
    return run_read (argv[2], n_rows);
  if (argc == 3 && strcmp (argv[1], "--import") == 0)
    return run_import (argv[2], n_rows);
  if (argc != 1)
    {
      fprintf (stderr, "Usage: %s [--export FILE | --read FILE | --import FILE]\n", argv[0]);
      return EXIT_FAILURE;
    }

  self = g_file_read_link ("/proc/self/exe", &error);
  dir = g_dir_make_tmp ("yq-bench-xlsx-XXXXXX", &error);
  if (self == NULL || dir == NULL)
    {
      fprintf (stderr, "Cannot start: %s\n", error->message);
      return EXIT_FAILURE;
    }
  path = g_build_filename (dir, "people.xlsx", NULL);

  printf ("exporting %u people, %u columns\n", n_rows, N_COLUMNS);
  ok = run_child (self, "--export", path, export_names, export);
  if (ok && g_stat (path, &st) == 0)
    printf ("export: %.1f MB file\n", st.st_size / (1024.0 * 1024.0));
  met = ok && export[0] <= EXPORT_WALL_TARGET_S && export[1] <= EXPORT_RSS_TARGET_MB;
  if (met)
    printf ("export targets met (xlsx_export_wall ≤ %.0f s, xlsx_export_rss ≤ %.0f MB)\n",
            EXPORT_WALL_TARGET_S, EXPORT_RSS_TARGET_MB);
  else
    printf ("export targets MISSED (xlsx_export_wall ≤ %.0f s, xlsx_export_rss ≤ %.0f MB)\n",
            EXPORT_WALL_TARGET_S, EXPORT_RSS_TARGET_MB);

  if (ok)
    {
      const char *read_names[2] = { "xlsx_read_wall", "xlsx_read_rss" };
      double read[2];
      gboolean read_met;

      ok = run_child (self, "--read", path, read_names, read);
      read_met = ok && read[0] <= READ_WALL_TARGET_S && read[1] <= READ_RSS_TARGET_MB;
      if (read_met)
        printf ("read targets met (xlsx_read_wall ≤ %.0f s, xlsx_read_rss ≤ %.0f MB)\n",
                READ_WALL_TARGET_S, READ_RSS_TARGET_MB);
      else
        printf ("read targets MISSED (xlsx_read_wall ≤ %.0f s, xlsx_read_rss ≤ %.0f MB)\n",
                READ_WALL_TARGET_S, READ_RSS_TARGET_MB);
      met = met && read_met;
    }
  if (ok)
    {
      const char *import_names[2] = { "xlsx_import_wall", "xlsx_import_rss" };
      g_autofree char *import_path = g_build_filename (dir, "bindings.xlsx", NULL);
      double import[2];
      gboolean import_met;

      printf ("preparing the import: %u bridge people and %u OA people\n", n_rows, n_rows);
      ok = prepare_import (dir, import_path, n_rows, &error);
      if (!ok)
        fprintf (stderr, "Cannot prepare the import: %s\n", error->message);
      else
        ok = run_child (self, "--import", import_path, import_names, import);
      import_met = ok && import[0] <= IMPORT_WALL_TARGET_S && import[1] <= IMPORT_RSS_TARGET_MB;
      if (import_met)
        printf ("import targets met (xlsx_import_wall ≤ %.0f s, xlsx_import_rss ≤ %.0f MB)\n",
                IMPORT_WALL_TARGET_S, IMPORT_RSS_TARGET_MB);
      else
        printf ("import targets MISSED (xlsx_import_wall ≤ %.0f s, xlsx_import_rss ≤ %.0f MB)\n",
                IMPORT_WALL_TARGET_S, IMPORT_RSS_TARGET_MB);
      met = met && import_met;
    }

  yq_bench_remove_tree (dir);

  if (!ok)
    return EXIT_FAILURE;

  return (!met && strict) ? EXIT_FAILURE : EXIT_SUCCESS;
}
