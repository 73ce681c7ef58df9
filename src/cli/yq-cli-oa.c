/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "yq-cli.h"
#include "yq-oa-directory.h"
#include "yq-oa-import.h"

/* Longer lists are cut in the text output; --json has them all. */
#define MAX_LISTED 20

static GBytes *
read_stdin (GError **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[65536];
  size_t n;

  while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
    g_byte_array_append (buffer, chunk, (guint) n);

  if (ferror (stdin))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not read the CSV file from standard input"));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static void
print_import_json (const char       *file,
                   YqOaImportReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char delimiter[2] = { report->delimiter, '\0' };

  /* Member names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  yq_cli_json_add_string (builder, "file", file);
  yq_cli_json_add_string (builder, "encoding", report->encoding);
  yq_cli_json_add_string (builder, "delimiter", delimiter);
  json_builder_set_member_name (builder, "dry-run");
  json_builder_add_boolean_value (builder, report->dry_run);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, report->rows);
  json_builder_set_member_name (builder, "departments-created");
  json_builder_add_int_value (builder, report->departments_created);
  json_builder_set_member_name (builder, "people-added");
  json_builder_add_int_value (builder, report->people_added);
  json_builder_set_member_name (builder, "people-updated");
  json_builder_add_int_value (builder, report->people_updated);
  json_builder_set_member_name (builder, "people-unchanged");
  json_builder_add_int_value (builder, report->people_unchanged);
  json_builder_set_member_name (builder, "rows-rejected");
  json_builder_add_int_value (builder, report->rejected->len);

  json_builder_set_member_name (builder, "rejected");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->rejected->len; i++)
    {
      const YqOaImportRejection *rejection = g_ptr_array_index (report->rejected, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, rejection->line);
      yq_cli_json_add_string (builder, "account", rejection->account);
      yq_cli_json_add_string (builder, "reason", rejection->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "created-departments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->created_departments->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (report->created_departments, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_object (builder);
  for (int field = 0; field < YQ_N_OA_FIELDS; field++)
    yq_cli_json_add_string (builder, yq_oa_field_to_string (field), report->columns[field]);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "ignored-columns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->ignored_columns->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (report->ignored_columns, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  yq_cli_print_json (root);
}

static char *
join_cut (GPtrArray  *items,
          const char *separator)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < items->len && i < MAX_LISTED; i++)
    {
      if (i > 0)
        g_string_append (text, separator);
      g_string_append (text, g_ptr_array_index (items, i));
    }

  if (items->len > MAX_LISTED)
    {
      g_string_append (text, separator);
      /* Translators: ends a list that was cut short; %u is how many were left out */
      g_string_append_printf (text, _("… and %u more"), items->len - MAX_LISTED);
    }

  return g_string_free (text, FALSE);
}

static void
print_import_text (const char       *file,
                   YqOaImportReport *report)
{
  g_autofree char *rows = g_strdup_printf ("%u", report->rows);
  g_autofree char *created = g_strdup_printf ("%u", report->departments_created);
  g_autofree char *added = g_strdup_printf ("%u", report->people_added);
  g_autofree char *updated = g_strdup_printf ("%u", report->people_updated);
  g_autofree char *unchanged = g_strdup_printf ("%u", report->people_unchanged);
  g_autofree char *rejected = g_strdup_printf ("%u", report->rejected->len);
  const char *labels[] = {
    _("File"), _("Encoding"), _("Rows"), _("Departments created"), _("People added"),
    _("People updated"), _("People unchanged"), _("Rows rejected"),
  };
  const char *values[] = {
    file, report->encoding, rows, created, added, updated, unchanged, rejected,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));

  if (report->dry_run)
    {
      labels[3] = _("Departments to create");
      labels[4] = _("People to add");
      labels[5] = _("People to update");
    }

  yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));

  if (report->ignored_columns->len > 0)
    {
      g_autofree char *list = join_cut (report->ignored_columns, ", ");

      g_print (_("Columns not imported: %s\n"), list);
    }

  if (report->created_departments->len > 0)
    {
      g_print ("\n%s\n", report->dry_run ? _("New departments:") : _("Departments created:"));
      for (guint i = 0; i < report->created_departments->len && i < MAX_LISTED; i++)
        g_print ("  %s\n", (const char *) g_ptr_array_index (report->created_departments, i));
      if (report->created_departments->len > MAX_LISTED)
        g_print (_("  … and %u more\n"), report->created_departments->len - MAX_LISTED);
    }

  if (report->rejected->len > 0)
    {
      g_print ("\n%s\n", _("Rejected rows:"));
      for (guint i = 0; i < report->rejected->len; i++)
        {
          const YqOaImportRejection *rejection = g_ptr_array_index (report->rejected, i);

          if (rejection->account != NULL)
            /* Translators: a rejected row: line number, account, reason */
            g_print (_("  line %u (%s): %s\n"), rejection->line, rejection->account,
                     rejection->reason);
          else
            /* Translators: a rejected row: line number, reason */
            g_print (_("  line %u: %s\n"), rejection->line, rejection->reason);
        }
    }

  if (report->dry_run)
    g_print ("\n%s\n", _("Dry run: nothing was changed."));
}

static int
oa_import (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(GStrv) maps = NULL;
  g_autoptr(YqOaImportMapping) mapping = yq_oa_import_mapping_new ();
  g_autoptr(YqOaImportReport) report = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display = NULL;
  gboolean dry_run = FALSE;
  gboolean ok;
  int exit_code;
  const GOptionEntry entries[] = {
    { "map", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME_ARRAY, &maps,
      N_("Import the column COLUMN as FIELD (account, name, job_number, mobile, email, "
         "department, title, order, status, password_hash, or ignore); repeatable"),
      N_("COLUMN=FIELD") },
    { "dry-run", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &dry_run,
      N_("Only show what would change"), NULL },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("FILE.csv"),
                             _("Import people into the built-in OA directory from a CSV file "
                               "(UTF-8 or GBK, as Excel and WPS save it) with a header row. "
                               "Accounts are added or updated, departments are created from "
                               "paths such as 总部/财务处; rows with problems are listed and "
                               "left out, the rest is written in one transaction. Use - to "
                               "read standard input."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] == NULL)
    return yq_cli_usage_error (command, _("Missing CSV file"));
  if (argv[2] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[2]);

  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    {
      if (!yq_cli_check_utf8_option (command, "--map", maps[i], &exit_code))
        return exit_code;

      if (!yq_oa_import_mapping_add_spec (mapping, maps[i], &error))
        return yq_cli_usage_error (command, "%s", error->message);
    }

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (g_str_equal (argv[1], "-"))
    {
      g_autoptr(GBytes) data = read_stdin (&error);

      if (data == NULL)
        return yq_cli_report_error (error);

      display = g_strdup (_("standard input"));
      ok = yq_oa_import_csv_bytes (store, data, display, mapping, dry_run, &report, &error);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[1]);

      display = g_strdup (argv[1]);
      ok = yq_oa_import_csv (store, file, mapping, dry_run, &report, &error);
    }

  if (!ok)
    return yq_cli_report_error (error);

  if (ctx->json)
    print_import_json (display, report);
  else
    print_import_text (display, report);

  return YQ_CLI_EXIT_OK;
}

static int
oa_export (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaExportReport) report = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  const char *target;
  gboolean to_stdout;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print what was written as JSON (not with standard output as the file)"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("[FILE|-]"),
                             _("Write the built-in OA directory as a CSV file (UTF-8 with a "
                               "byte order mark, so that Excel opens it correctly), one row per "
                               "person with the columns “oa import” reads. Without FILE, or "
                               "with -, the file goes to standard output."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] != NULL && argv[2] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[2]);

  target = argv[1] != NULL ? argv[1] : "-";
  to_stdout = g_str_equal (target, "-");

  if (to_stdout && ctx->json)
    return yq_cli_usage_error (command,
                               _("--json needs a FILE: standard output already carries the CSV "
                                 "file"));

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  data = yq_oa_export_csv (store, &report, &error);
  if (data == NULL)
    return yq_cli_report_error (error);

  if (to_stdout)
    {
      gsize size = 0;
      const char *bytes = g_bytes_get_data (data, &size);

      if (fwrite (bytes, 1, size, stdout) != size || fflush (stdout) != 0)
        {
          yq_cli_error (_("Could not write the CSV file to standard output"));
          return YQ_CLI_EXIT_ERROR;
        }
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (target);
      gsize size = 0;
      const char *bytes = g_bytes_get_data (data, &size);

      /* The file holds people's mobile numbers and addresses: private to
       * the user when it is created. */
      if (!g_file_replace_contents (file, bytes, size, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                    NULL, NULL, &error))
        return yq_cli_report_error (error);
    }

  if (report->departments_not_written > 0)
    yq_cli_error (g_dngettext (GETTEXT_PACKAGE,
                               "%u department has no people and is not in the file.",
                               "%u departments have no people and are not in the file.",
                               report->departments_not_written),
                  report->departments_not_written);

  for (guint i = 0; report->ambiguous_paths[i] != NULL; i++)
    yq_cli_error (_("The department path “%s” names several departments; an import of the "
                    "file cannot tell them apart."),
                  report->ambiguous_paths[i]);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      yq_cli_json_add_string (builder, "file", target);
      json_builder_set_member_name (builder, "people");
      json_builder_add_int_value (builder, report->people);
      json_builder_set_member_name (builder, "departments");
      json_builder_add_int_value (builder, report->departments);
      json_builder_set_member_name (builder, "departments-not-written");
      json_builder_add_int_value (builder, report->departments_not_written);
      json_builder_set_member_name (builder, "ambiguous-paths");
      json_builder_begin_array (builder);
      for (guint i = 0; report->ambiguous_paths[i] != NULL; i++)
        json_builder_add_string_value (builder, report->ambiguous_paths[i]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      yq_cli_print_json (root);
    }
  else if (!to_stdout)
    {
      /* Translators: %u people, then the file name */
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Exported %u person to %s.\n",
                            "Exported %u people to %s.\n",
                            report->people),
               report->people, target);
    }

  return YQ_CLI_EXIT_OK;
}

typedef struct
{
  YqOrgSnapshot *snapshot;
  GHashTable    *children;   /* parent ID → GPtrArray of YqOrgDepartment */
  GHashTable    *members;    /* department ID → count of people */
  GPtrArray     *ordered;    /* YqOrgDepartment, depth-first */
  GArray        *depths;
} Tree;

static void
tree_clear (Tree *tree)
{
  g_clear_pointer (&tree->children, g_hash_table_unref);
  g_clear_pointer (&tree->members, g_hash_table_unref);
  g_clear_pointer (&tree->ordered, g_ptr_array_unref);
  g_clear_pointer (&tree->depths, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Tree, tree_clear)

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

  return cmp != 0 ? cmp : strcmp (da->id, db->id);
}

static void
tree_walk (Tree            *tree,
           YqOrgDepartment *department,
           guint            depth)
{
  GPtrArray *kids;

  /* A damaged, cyclic tree would never end. */
  if (depth > yq_org_snapshot_get_n_departments (tree->snapshot))
    return;

  g_ptr_array_add (tree->ordered, department);
  g_array_append_val (tree->depths, depth);

  kids = g_hash_table_lookup (tree->children, department->id);
  if (kids == NULL)
    return;

  g_ptr_array_sort (kids, compare_departments);
  for (guint i = 0; i < kids->len; i++)
    tree_walk (tree, g_ptr_array_index (kids, i), depth + 1);
}

static void
tree_build (Tree          *tree,
            YqOrgSnapshot *snapshot)
{
  const char *root_id = yq_org_snapshot_get_root_id (snapshot);
  guint n_departments = yq_org_snapshot_get_n_departments (snapshot);
  guint n_people = yq_org_snapshot_get_n_people (snapshot);

  tree->snapshot = snapshot;
  tree->children = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) g_ptr_array_unref);
  tree->members = g_hash_table_new (g_str_hash, g_str_equal);
  tree->ordered = g_ptr_array_new ();
  tree->depths = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *department = yq_org_snapshot_get_department (snapshot, i);
      GPtrArray *kids;

      if (department->parent_id == NULL)
        continue;

      kids = g_hash_table_lookup (tree->children, department->parent_id);
      if (kids == NULL)
        {
          kids = g_ptr_array_new ();
          g_hash_table_insert (tree->children, department->parent_id, kids);
        }
      g_ptr_array_add (kids, department);
    }

  for (guint i = 0; i < n_people; i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);
      const char *department = person->department_ids != NULL ? person->department_ids[0] : NULL;

      if (department != NULL)
        g_hash_table_insert (tree->members, (gpointer) department,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tree->members,
                                                                                      department))
                                               + 1));
    }

  if (root_id != NULL)
    tree_walk (tree, yq_org_snapshot_lookup_department (snapshot, root_id), 0);
}

static int
compare_people (gconstpointer a,
                gconstpointer b)
{
  const YqOrgPerson *pa = *(YqOrgPerson * const *) a;
  const YqOrgPerson *pb = *(YqOrgPerson * const *) b;

  return strcmp (pa->id, pb->id);
}

static void
print_list_json (Tree *tree)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new ();
  g_autoptr(GHashTable) paths = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  YqOrgSnapshot *snapshot = tree->snapshot;
  guint n_people = yq_org_snapshot_get_n_people (snapshot);

  for (guint i = 0; i < tree->ordered->len; i++)
    {
      YqOrgDepartment *department = g_ptr_array_index (tree->ordered, i);

      g_hash_table_insert (paths, department->id,
                           yq_oa_department_path (snapshot, department->id));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "departments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < tree->ordered->len; i++)
    {
      YqOrgDepartment *department = g_ptr_array_index (tree->ordered, i);

      json_builder_begin_object (builder);
      yq_cli_json_add_string (builder, "id", department->id);
      yq_cli_json_add_string (builder, "parent-id", department->parent_id);
      yq_cli_json_add_string (builder, "name", department->name);
      yq_cli_json_add_string (builder, "path", g_hash_table_lookup (paths, department->id));
      json_builder_set_member_name (builder, "order");
      json_builder_add_int_value (builder, department->order);
      json_builder_set_member_name (builder, "active");
      json_builder_add_boolean_value (builder, department->active);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  for (guint i = 0; i < n_people; i++)
    g_ptr_array_add (people, yq_org_snapshot_get_person (snapshot, i));
  g_ptr_array_sort (people, compare_people);

  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < people->len; i++)
    {
      YqOrgPerson *person = g_ptr_array_index (people, i);
      const char *department = person->department_ids != NULL ? person->department_ids[0] : NULL;

      json_builder_begin_object (builder);
      yq_cli_json_add_string (builder, "account", person->id);
      yq_cli_json_add_string (builder, "name", person->name);
      yq_cli_json_add_string (builder, "job-number", person->job_number);
      yq_cli_json_add_string (builder, "mobile", person->mobile);
      yq_cli_json_add_string (builder, "email", person->email);
      yq_cli_json_add_string (builder, "title", person->title);
      yq_cli_json_add_string (builder, "department-id", department);
      yq_cli_json_add_string (builder, "department",
                              department != NULL ? g_hash_table_lookup (paths, department) : NULL);
      json_builder_set_member_name (builder, "order");
      json_builder_add_int_value (builder, person->order);
      json_builder_set_member_name (builder, "active");
      json_builder_add_boolean_value (builder, person->active);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  yq_cli_print_json (root);
}

static void
print_list_text (Tree *tree)
{
  YqOrgSnapshot *snapshot = tree->snapshot;
  guint n_departments = yq_org_snapshot_get_n_departments (snapshot);
  guint n_people = yq_org_snapshot_get_n_people (snapshot);
  guint disabled_departments = 0, disabled_people = 0, homeless = 0;

  if (n_departments == 0 && n_people == 0)
    {
      g_print ("%s\n", _("The OA directory is empty. Fill it with “yunqiaoctl oa import "
                         "FILE.csv”."));
      return;
    }

  for (guint i = 0; i < n_departments; i++)
    if (!yq_org_snapshot_get_department (snapshot, i)->active)
      disabled_departments++;

  for (guint i = 0; i < n_people; i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);

      if (!person->active)
        disabled_people++;
      if (person->department_ids == NULL || person->department_ids[0] == NULL)
        homeless++;
    }

  {
    g_autofree char *departments = g_strdup_printf (_("%u (%u disabled)"), n_departments,
                                                    disabled_departments);
    g_autofree char *people = g_strdup_printf (_("%u (%u disabled)"), n_people, disabled_people);
    const char *labels[] = { _("Departments"), _("People") };
    const char *values[] = { departments, people };

    yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
  }

  if (tree->ordered->len > 0)
    g_print ("\n");

  for (guint i = 0; i < tree->ordered->len; i++)
    {
      YqOrgDepartment *department = g_ptr_array_index (tree->ordered, i);
      guint depth = g_array_index (tree->depths, guint, i);
      guint members = GPOINTER_TO_UINT (g_hash_table_lookup (tree->members, department->id));
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person",
                                                             "%u people", members),
                                                members);

      if (department->active)
        g_print ("%*s%s (%s): %s\n", (int) depth * 2, "", department->name, department->id,
                 count);
      else
        /* Translators: a disabled department in the tree: name, ID, number of people */
        g_print (_("%*s%s (%s, disabled): %s\n"), (int) depth * 2, "", department->name,
                 department->id, count);
    }

  if (homeless > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "\n%u disabled person has no department.\n",
                          "\n%u disabled people have no department.\n",
                          homeless),
             homeless);
}

static int
oa_list (YqCliContext  *ctx,
         const char    *command,
         char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) directory = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Tree) tree = { NULL };
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the departments and people as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("Show the built-in OA directory: counts and the department "
                               "tree, or with --json every department and person."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  directory = yq_builtin_oa_directory_new (store);
  snapshot = yq_oa_directory_snapshot (directory, &error);
  if (snapshot == NULL)
    return yq_cli_report_error (error);

  tree_build (&tree, snapshot);

  if (ctx->json)
    print_list_json (&tree);
  else
    print_list_text (&tree);

  return YQ_CLI_EXIT_OK;
}

static void
print_password_json (const char *account,
                     gboolean    has_password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  yq_cli_json_add_string (builder, "account", account);
  json_builder_set_member_name (builder, "has-password");
  json_builder_add_boolean_value (builder, has_password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  yq_cli_print_json (root);
}

/* The account argument of set-password and clear-password. */
static gboolean
check_account_argument (const char  *command,
                        char       **argv,
                        int         *exit_code)
{
  if (argv[1] == NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Missing OA account"));
      return FALSE;
    }

  if (argv[2] != NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[2]);
      return FALSE;
    }

  if (!g_utf8_validate (argv[1], -1, NULL))
    {
      *exit_code = yq_cli_usage_error (command, _("The account is not UTF-8 text"));
      return FALSE;
    }

  return TRUE;
}

static int
oa_set_password (YqCliContext  *ctx,
                 const char    *command,
                 char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *password_file = NULL;
  g_autofree char *password_env = NULL;
  g_autoptr(YqCliSecret) password = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) directory = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "password-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password from FILE, or from standard input if FILE is -"), N_("FILE") },
    { "password-env", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &password_env,
      N_("Read the password from the environment variable VAR"), N_("VAR") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("ACCOUNT"),
                             _("Set the password a person of the built-in OA directory signs "
                               "in with on the binding page. The password is read from a file, "
                               "standard input or an environment variable, never from the "
                               "command line; without an option it is read from standard "
                               "input. Only a salted hash is stored."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!check_account_argument (command, argv, &exit_code))
    return exit_code;

  if (password_file != NULL && password_env != NULL)
    return yq_cli_usage_error (command,
                               _("--password-file and --password-env exclude each other"));

  if (password_file == NULL && password_env == NULL)
    {
      /* Typed at a terminal the password would show on the screen. */
      if (isatty (STDIN_FILENO))
        return yq_cli_usage_error (command,
                                   _("Give the password with --password-file FILE, "
                                     "--password-file - (standard input) or --password-env "
                                     "VAR"));
      password_file = g_strdup ("-");
    }

  if (!yq_cli_read_secret (_("password"), password_file, password_env, &password, &error))
    return yq_cli_report_error (error);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  directory = yq_builtin_oa_directory_new (store);
  if (!yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (directory), argv[1],
                                             password, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    print_password_json (argv[1], TRUE);
  else
    g_print (_("The OA password of “%s” is set.\n"), argv[1]);

  return YQ_CLI_EXIT_OK;
}

static int
oa_clear_password (YqCliContext  *ctx,
                   const char    *command,
                   char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) directory = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("ACCOUNT"),
                             _("Remove the OA password of a person of the built-in OA "
                               "directory: they cannot sign in on the binding page until a "
                               "password is set again."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!check_account_argument (command, argv, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  directory = yq_builtin_oa_directory_new (store);
  if (!yq_builtin_oa_directory_clear_password (YQ_BUILTIN_OA_DIRECTORY (directory), argv[1],
                                               &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    print_password_json (argv[1], FALSE);
  else
    g_print (_("The OA password of “%s” is removed.\n"), argv[1]);

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand oa_commands[] = {
  { "import", "FILE.csv", N_("Import people and departments from a CSV file"), oa_import },
  { "export", "[FILE|-]", N_("Write the directory as a CSV file"), oa_export },
  { "list", NULL, N_("Show the departments and counts"), oa_list },
  { "set-password", "ACCOUNT", N_("Set a person’s OA password"), oa_set_password },
  { "clear-password", "ACCOUNT", N_("Remove a person’s OA password"), oa_clear_password },
  { NULL }
};

int
yq_cli_oa (YqCliContext  *ctx,
           char         **args)
{
  return yq_cli_dispatch (ctx, "oa", _("Manage the built-in OA directory."), oa_commands, args);
}
