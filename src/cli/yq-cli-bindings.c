/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "yq-cli.h"
#include "yq-bindings.h"
#include "yq-bindings-file.h"
#include "yq-oa-directory.h"

/* Longer lists are cut in the text output; --json has them all. */
#define MAX_LISTED 20

/* ---- Arguments ------------------------------------------------------------ */

/* Opens the store and checks that the connector exists. */
static YqStore *
open_connector (YqCliContext  *ctx,
                gint64         id,
                YqConnector  **connector,
                GError       **error)
{
  g_autoptr(YqStore) store = yq_cli_open_store (ctx, error);
  g_autoptr(YqConnector) found = NULL;

  if (store == NULL)
    return NULL;

  found = yq_connectors_get (store, id, error);
  if (found == NULL)
    return NULL;

  if (connector != NULL)
    *connector = g_steal_pointer (&found);

  return g_steal_pointer (&store);
}

typedef struct
{
  gboolean  bound;
  gboolean  unbound;
  gboolean  active;
  gboolean  disabled;
  char     *department;
  char     *search;
} FilterOptions;

static void
filter_options_clear (FilterOptions *options)
{
  g_clear_pointer (&options->department, g_free);
  g_clear_pointer (&options->search, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FilterOptions, filter_options_clear)

#define FILTER_ENTRIES(options) \
  { "bound", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &(options).bound, \
    N_("Only people bound to an OA account"), NULL }, \
  { "unbound", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &(options).unbound, \
    N_("Only people without a binding"), NULL }, \
  { "active", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &(options).active, \
    N_("Only people active on the platform"), NULL }, \
  { "disabled", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &(options).disabled, \
    N_("Only people disabled on the platform"), NULL }, \
  { "department", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &(options).department, \
    N_("Only people of the platform department ID and its sub-departments"), N_("ID") }, \
  { "search", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &(options).search, \
    N_("Only people whose name, IDs, account, mobile, e-mail, job number or OA account " \
       "contains TEXT"), N_("TEXT") }

static gboolean
filter_options_apply (const char          *command,
                      const FilterOptions *options,
                      YqBindingFilter     *filter,
                      int                 *exit_code)
{
  memset (filter, 0, sizeof *filter);

  if (options->bound && options->unbound)
    {
      *exit_code = yq_cli_usage_error (command, _("--bound and --unbound cannot be combined"));
      return FALSE;
    }
  if (options->active && options->disabled)
    {
      *exit_code = yq_cli_usage_error (command, _("--active and --disabled cannot be combined"));
      return FALSE;
    }
  if ((options->department != NULL && !g_utf8_validate (options->department, -1, NULL)) ||
      (options->search != NULL && !g_utf8_validate (options->search, -1, NULL)))
    {
      *exit_code = yq_cli_usage_error (command, _("The value of --department or --search is "
                                                  "not UTF-8 text"));
      return FALSE;
    }

  filter->binding = options->bound ? YQ_BINDING_STATUS_BOUND
                  : options->unbound ? YQ_BINDING_STATUS_UNBOUND
                  : YQ_BINDING_STATUS_ANY;
  filter->platform = options->active ? YQ_PLATFORM_STATUS_ACTIVE
                   : options->disabled ? YQ_PLATFORM_STATUS_DISABLED
                   : YQ_PLATFORM_STATUS_ANY;
  filter->department_id = options->department;
  filter->search = options->search;

  return TRUE;
}

/* ---- Output helpers --------------------------------------------------------- */

static char *
person_text (const char *name,
             const char *platform_id)
{
  if (name == NULL || *name == '\0')
    return g_strdup (platform_id);

  /* Translators: a person: name and platform ID */
  return g_strdup_printf (_("%s (%s)"), name, platform_id);
}

static void
result_to_json (JsonBuilder     *builder,
                YqBindingResult *result)
{
  yq_cli_json_add_id (builder, "change-id", result->change_id);

  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->changes->len; i++)
    {
      const YqBindingChange *change = g_ptr_array_index (result->changes, i);

      json_builder_begin_object (builder);
      yq_cli_json_add_string (builder, "platform-id", change->platform_id);
      yq_cli_json_add_string (builder, "name", change->name);
      yq_cli_json_add_string (builder, "old-oa-account", change->old_oa_account);
      yq_cli_json_add_string (builder, "new-oa-account", change->new_oa_account);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "skipped");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->skipped->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (result->skipped, i));
  json_builder_end_array (builder);

  yq_cli_json_add_int (builder, "ambiguous", result->n_ambiguous);
  yq_cli_json_add_int (builder, "conflicting", result->n_conflicting);
  yq_cli_json_add_int (builder, "unmatched", result->n_unmatched);
}

static void
print_result_json (YqBindingResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* Member names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  result_to_json (builder, result);
  json_builder_end_object (builder);
  yq_cli_print_builder (builder);
}

static void
print_result_text (gint64           connector_id,
                   YqBindingResult *result)
{
  for (guint i = 0; i < result->changes->len && i < MAX_LISTED; i++)
    {
      const YqBindingChange *change = g_ptr_array_index (result->changes, i);
      g_autofree char *who = person_text (change->name, change->platform_id);

      if (change->old_oa_account == NULL)
        /* Translators: a person, then an OA account */
        g_print (_("  Bound %s to %s\n"), who, change->new_oa_account);
      else if (change->new_oa_account == NULL)
        /* Translators: a person, then an OA account */
        g_print (_("  Unbound %s from %s\n"), who, change->old_oa_account);
      else
        /* Translators: a person, the old OA account, the new OA account */
        g_print (_("  Bound %s to %s instead of %s\n"), who, change->new_oa_account,
                 change->old_oa_account);
    }
  if (result->changes->len > MAX_LISTED)
    g_print (_("  … and %u more\n"), result->changes->len - MAX_LISTED);

  if (result->skipped->len > 0)
    {
      g_print ("%s\n", _("Left alone:"));
      for (guint i = 0; i < result->skipped->len && i < MAX_LISTED; i++)
        g_print ("  %s\n", (const char *) g_ptr_array_index (result->skipped, i));
      if (result->skipped->len > MAX_LISTED)
        g_print (_("  … and %u more\n"), result->skipped->len - MAX_LISTED);
    }

  if (result->change_id > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u binding changed. Change ID: %lld (undo it with “yunqiaoctl "
                            "bindings undo %lld %lld”).\n",
                            "%u bindings changed. Change ID: %lld (undo it with “yunqiaoctl "
                            "bindings undo %lld %lld”).\n",
                            result->changes->len),
               result->changes->len, (long long) result->change_id, (long long) connector_id,
               (long long) result->change_id);
    }
  else
    g_print ("%s\n", _("No binding changed."));
}

static int
print_result (YqCliContext    *ctx,
              gint64           connector_id,
              YqBindingResult *result)
{
  if (ctx->json)
    print_result_json (result);
  else
    print_result_text (connector_id, result);

  return YQ_CLI_EXIT_OK;
}

/* ---- list ----------------------------------------------------------------- */

static const char *
bind_source_label (const YqBindingRow *row)
{
  if (row->oa_account == NULL)
    return "";

  switch (row->bind_source)
    {
    case YQ_BIND_SOURCE_RULE:   return _("rule");
    case YQ_BIND_SOURCE_MANUAL: return _("by hand");
    case YQ_BIND_SOURCE_IMPORT: return _("import");
    case YQ_BIND_SOURCE_SYNC:   return _("sync");
    default:                    return "";
    }
}

static int
bindings_list (YqCliContext  *ctx,
               const char    *command,
               char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(FilterOptions) options = { 0 };
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  YqBindingFilter filter;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    FILTER_ENTRIES (options),
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("CONNECTOR"),
                             _("List the people of a connector’s bridge directory with their "
                               "OA bindings, ordered by platform ID."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 1, _("Missing connector ID"), &exit_code) ||
      !yq_cli_parse_connector_id (command, argv[1], &id, &exit_code) ||
      !filter_options_apply (command, &options, &filter, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  rows = yq_bindings_list (store, id, &filter, &error);
  if (rows == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < rows->len; i++)
        {
          const YqBindingRow *row = g_ptr_array_index (rows, i);

          json_builder_begin_object (builder);
          yq_cli_json_add_string (builder, "platform-id", row->platform_id);
          yq_cli_json_add_string (builder, "name", row->name);
          yq_cli_json_add_string (builder, "department-id", row->department_id);
          yq_cli_json_add_string (builder, "department", row->department_name);
          yq_cli_json_add_string (builder, "account", row->account_code);
          yq_cli_json_add_string (builder, "mobile", row->mobile);
          yq_cli_json_add_string (builder, "email", row->email);
          yq_cli_json_add_string (builder, "job-number", row->job_number);
          yq_cli_json_add_string (builder, "title", row->title);
          json_builder_set_member_name (builder, "active");
          json_builder_add_boolean_value (builder, row->active);
          yq_cli_json_add_string (builder, "oa-account", row->oa_account);
          yq_cli_json_add_string (builder, "oa-name", row->oa_name);
          yq_cli_json_add_id (builder, "bound-at", row->oa_account != NULL ? row->bound_at : 0);
          yq_cli_json_add_string (builder, "bind-source",
                                  row->oa_account != NULL
                                  ? yq_bind_source_to_string (row->bind_source) : NULL);
          yq_cli_json_add_int (builder, "added-at", row->added_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      yq_cli_print_builder (builder);
    }
  else if (rows->len == 0)
    g_print ("%s\n", _("Nobody matches."));
  else
    {
      const char *headers[] = {
        _("PLATFORM ID"), _("NAME"), _("DEPARTMENT"), _("STATUS"), _("OA ACCOUNT"),
        _("BOUND BY"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);
      guint n_bound = 0;

      for (guint i = 0; i < rows->len; i++)
        {
          const YqBindingRow *row = g_ptr_array_index (rows, i);
          const char *cells[] = {
            row->platform_id, row->name,
            row->department_name != NULL ? row->department_name : row->department_id,
            row->active ? _("active") : _("disabled"),
            row->oa_account, bind_source_label (row),
          };

          G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
          yq_cli_table_add_row (table, cells);
          if (row->oa_account != NULL)
            n_bound++;
        }
      yq_cli_table_print (table);
      /* Translators: the first %u is a number of people, the second of bound people */
      g_print (g_dngettext (GETTEXT_PACKAGE, "\n%u person, %u bound.\n",
                            "\n%u people, %u bound.\n", rows->len),
               rows->len, n_bound);
    }

  return YQ_CLI_EXIT_OK;
}

/* ---- bind, unbind, auto, unbind-all, undo ---------------------------------- */

static int
bindings_bind (YqCliContext  *ctx,
               const char    *command,
               char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  YqOrgPerson *person;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("CONNECTOR PLATFORM_ID OA_ACCOUNT"),
                             _("Bind a person of the connector to an account of the built-in "
                               "OA directory by hand, replacing the person’s earlier binding. "
                               "An account another person holds is refused."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 3,
                                 _("Give the connector ID, the platform ID and the OA account"),
                                 &exit_code) ||
      !yq_cli_parse_connector_id (command, argv[1], &id, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  oa = yq_builtin_oa_directory_new (store);
  snapshot = yq_oa_directory_snapshot (oa, &error);
  if (snapshot == NULL)
    return yq_cli_report_error (error);

  person = yq_org_snapshot_lookup_person (snapshot, argv[3]);
  if (person == NULL)
    {
      yq_cli_error (_("The OA directory has no account “%s”. See “yunqiaoctl oa list --json” "
                      "for the accounts."), argv[3]);
      return YQ_CLI_EXIT_ERROR;
    }

  result = yq_bindings_bind (store, id, argv[2], person->id, &error);
  if (result == NULL)
    return yq_cli_report_error (error);

  return print_result (ctx, id, result);
}

static int
bindings_unbind (YqCliContext  *ctx,
                 const char    *command,
                 char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("CONNECTOR PLATFORM_ID"),
                             _("Remove the binding of one person of the connector."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 2, _("Give the connector ID and the platform ID"),
                                 &exit_code) ||
      !yq_cli_parse_connector_id (command, argv[1], &id, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  result = yq_bindings_unbind (store, id, argv[2], &error);
  if (result == NULL)
    return yq_cli_report_error (error);

  return print_result (ctx, id, result);
}

static int
bindings_auto (YqCliContext  *ctx,
               const char    *command,
               char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Bind the connector’s unbound, active people to the built-in "
                                  "OA directory by its binding rule. People whose match is "
                                  "ambiguous or bound to someone else are listed and left "
                                  "alone."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  oa = yq_builtin_oa_directory_new (store);
  result = yq_bindings_auto_bind (store, id, oa, &error);
  if (result == NULL)
    return yq_cli_report_error (error);

  if (!ctx->json)
    {
      g_autofree char *bound = g_strdup_printf ("%u", result->changes->len);
      g_autofree char *ambiguous = g_strdup_printf ("%u", result->n_ambiguous);
      g_autofree char *conflicting = g_strdup_printf ("%u", result->n_conflicting);
      g_autofree char *unmatched = g_strdup_printf ("%u", result->n_unmatched);
      const char *labels[] = {
        _("Bound"), _("Ambiguous"), _("Bound to someone else"), _("No match"),
      };
      const char *values[] = { bound, ambiguous, conflicting, unmatched };

      yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
    }

  return print_result (ctx, id, result);
}

static int
bindings_unbind_all (YqCliContext  *ctx,
                     const char    *command,
                     char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  YqBindingFilter bound = { 0 };
  gboolean yes = FALSE;
  guint n_bound = 0;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "yes", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &yes,
      N_("Really unbind everyone"), NULL },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Remove every binding of the connector in one step, which "
                                  "“bindings undo” can restore. Needs --yes."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, &connector, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  bound.binding = YQ_BINDING_STATUS_BOUND;
  if (!yq_bindings_count (store, id, &bound, &n_bound, &error))
    return yq_cli_report_error (error);

  if (!yes && n_bound == 0)
    {
      g_print (_("Nobody of the connector %lld “%s” is bound: there is nothing to unbind.\n"),
               (long long) id, yq_connector_get_name (connector));
      return YQ_CLI_EXIT_OK;
    }

  if (!yes)
    {
      g_autofree char *message =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "This unbinds %u person of the connector %lld “%s”. Run "
                                      "it again with --yes to go ahead.",
                                      "This unbinds all %u bound people of the connector %lld "
                                      "“%s”. Run it again with --yes to go ahead.",
                                      n_bound),
                         n_bound, (long long) id, yq_connector_get_name (connector));

      return yq_cli_usage_error (command, "%s", message);
    }

  result = yq_bindings_unbind_all (store, id, &error);
  if (result == NULL)
    return yq_cli_report_error (error);

  return print_result (ctx, id, result);
}

static gboolean
parse_change_id (const char *command,
                 const char *text,
                 gint64     *change_id,
                 int        *exit_code)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      *exit_code = yq_cli_usage_error (command, _("“%s” is not a change ID"), text);
      return FALSE;
    }

  *change_id = (gint64) value;

  return TRUE;
}

static int
bindings_undo (YqCliContext  *ctx,
               const char    *command,
               char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gint64 id = 0;
  gint64 change_id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("CONNECTOR CHANGE_ID"),
                             _("Undo a change of the connector’s bindings (see “bindings "
                               "history”) as a new change. People whose binding changed since "
                               "are left alone and listed."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 2, _("Give the connector ID and the change ID"),
                                 &exit_code) ||
      !yq_cli_parse_connector_id (command, argv[1], &id, &exit_code) ||
      !parse_change_id (command, argv[2], &change_id, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  history = yq_bindings_history (store, id, 0, &error);
  if (history == NULL)
    return yq_cli_report_error (error);

  for (guint i = 0; i < history->len && !found; i++)
    found = ((YqBindingChangeSet *) g_ptr_array_index (history, i))->id == change_id;

  if (!found)
    {
      yq_cli_error (_("The connector %lld has no binding change %lld. See “yunqiaoctl bindings "
                      "history %lld”."),
                    (long long) id, (long long) change_id, (long long) id);
      return YQ_CLI_EXIT_ERROR;
    }

  result = yq_bindings_undo (store, change_id, &error);
  if (result == NULL)
    return yq_cli_report_error (error);

  return print_result (ctx, id, result);
}

/* ---- history ----------------------------------------------------------------- */

static const char *
change_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "auto") == 0)
    return _("auto-bind");
  if (g_strcmp0 (kind, "manual") == 0)
    return _("by hand");
  if (g_strcmp0 (kind, "unbind-all") == 0)
    return _("unbind all");
  if (g_strcmp0 (kind, "import") == 0)
    return _("import");
  if (g_strcmp0 (kind, "undo") == 0)
    return _("undo");

  return kind;
}

static int
bindings_history (YqCliContext  *ctx,
                  const char    *command,
                  char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  int limit = 50;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "limit", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_INT, &limit,
      N_("Show at most N changes, 0 for all (default 50)"), N_("N") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("List the changes of the connector’s bindings, newest first, "
                                  "with the IDs “bindings undo” takes."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (limit < 0)
    return yq_cli_usage_error (command, _("--limit must be 0 or more"));

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  history = yq_bindings_history (store, id, (guint) limit, &error);
  if (history == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < history->len; i++)
        {
          const YqBindingChangeSet *set = g_ptr_array_index (history, i);

          json_builder_begin_object (builder);
          yq_cli_json_add_int (builder, "id", set->id);
          yq_cli_json_add_string (builder, "kind", set->kind);
          yq_cli_json_add_id (builder, "undo-of", set->undo_of);
          yq_cli_json_add_id (builder, "undone-by", set->undone_by);
          yq_cli_json_add_int (builder, "changes", set->n_changes);
          yq_cli_json_add_string (builder, "actor", set->actor);
          yq_cli_json_add_int (builder, "at", set->at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      yq_cli_print_builder (builder);
    }
  else if (history->len == 0)
    g_print ("%s\n", _("The bindings of this connector have not changed yet."));
  else
    {
      const char *headers[] = {
        _("ID"), _("KIND"), _("CHANGES"), _("BY"), _("AT"), _("NOTE"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < history->len; i++)
        {
          const YqBindingChangeSet *set = g_ptr_array_index (history, i);
          g_autofree char *id_text = g_strdup_printf ("%lld", (long long) set->id);
          g_autofree char *changes = g_strdup_printf ("%u", set->n_changes);
          g_autofree char *at = yq_cli_format_time (set->at);
          g_autofree char *note = NULL;
          const char *cells[G_N_ELEMENTS (headers)];

          if (set->undone_by > 0)
            note = g_strdup_printf (_("undone by %lld"), (long long) set->undone_by);
          else if (set->undo_of > 0)
            note = g_strdup_printf (_("undoes %lld"), (long long) set->undo_of);

          cells[0] = id_text;
          cells[1] = change_kind_label (set->kind);
          cells[2] = changes;
          cells[3] = set->actor;
          cells[4] = at;
          cells[5] = note;
          yq_cli_table_add_row (table, cells);
        }
      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

/* ---- export ------------------------------------------------------------------ */

static int
bindings_export (YqCliContext  *ctx,
                 const char    *command,
                 char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(FilterOptions) options = { 0 };
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  YqBindingFilter filter;
  guint n_rows = 0;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    FILTER_ENTRIES (options),
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print what was written as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("CONNECTOR FILE.xlsx"),
                             _("Write the connector’s people and their bindings as a "
                               "spreadsheet (.xlsx), with a sheet of notes on filling it in "
                               "for “bindings import”."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] == NULL || argv[2] == NULL)
    return yq_cli_usage_error (command, _("Give the connector ID and the file"));
  if (argv[3] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[3]);
  if (!yq_cli_parse_connector_id (command, argv[1], &id, &exit_code) ||
      !filter_options_apply (command, &options, &filter, &exit_code))
    return exit_code;

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (!yq_bindings_export_file_full (store, id, &filter, argv[2], &n_rows, NULL, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *display = g_filename_display_name (argv[2]);

      json_builder_begin_object (builder);
      yq_cli_json_add_string (builder, "file", display);
      yq_cli_json_add_int (builder, "people", n_rows);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else
    {
      g_autofree char *display = g_filename_display_name (argv[2]);

      /* Translators: %u people, then the file name */
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Exported %u person to %s.\n",
                            "Exported %u people to %s.\n",
                            n_rows),
               n_rows, display);
    }

  return YQ_CLI_EXIT_OK;
}

/* ---- import ------------------------------------------------------------------ */

static const char *
import_status_id (YqBindingImportStatus status)
{
  switch (status)
    {
    case YQ_BINDING_IMPORT_WILL_BIND:      return "will-bind";
    case YQ_BINDING_IMPORT_ALREADY_BOUND:  return "already-bound";
    case YQ_BINDING_IMPORT_BOUND_TO_OTHER: return "bound-to-other";
    case YQ_BINDING_IMPORT_NOT_FOUND:      return "not-found";
    case YQ_BINDING_IMPORT_AMBIGUOUS:      return "ambiguous";
    case YQ_BINDING_IMPORT_INVALID:        return "invalid";
    case YQ_N_BINDING_IMPORT_STATUSES:
    default:                               return "";
    }
}

static gboolean
is_rejected (YqBindingImportStatus status)
{
  return status != YQ_BINDING_IMPORT_WILL_BIND && status != YQ_BINDING_IMPORT_ALREADY_BOUND;
}

static void
print_import_json (const char             *file,
                   YqBindingImportPreview *preview,
                   gboolean                dry_run,
                   const char             *report,
                   YqBindingResult        *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  /* Member names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  yq_cli_json_add_string (builder, "file", file);
  yq_cli_json_add_string (builder, "field", yq_binding_key_field_to_string (preview->field));
  json_builder_set_member_name (builder, "dry-run");
  json_builder_add_boolean_value (builder, dry_run);
  yq_cli_json_add_int (builder, "rows", preview->items->len);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint s = 0; s < YQ_N_BINDING_IMPORT_STATUSES; s++)
    yq_cli_json_add_int (builder, import_status_id (s), preview->counts[s]);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < preview->items->len; i++)
    {
      const YqBindingImportItem *item = g_ptr_array_index (preview->items, i);

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "row", item->row->row_number);
      yq_cli_json_add_string (builder, "status", import_status_id (item->status));
      yq_cli_json_add_string (builder, "platform-id", item->platform_id);
      yq_cli_json_add_string (builder, "platform-name", item->platform_name);
      yq_cli_json_add_string (builder, "oa-account", item->oa_account);
      yq_cli_json_add_string (builder, "oa-name", item->oa_name);
      yq_cli_json_add_string (builder, "key", item->row->key);
      yq_cli_json_add_string (builder, "message", item->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  yq_cli_json_add_string (builder, "rejected-report", report);
  if (result != NULL)
    result_to_json (builder, result);
  else
    yq_cli_json_add_id (builder, "change-id", 0);
  json_builder_end_object (builder);

  yq_cli_print_builder (builder);
}

static void
print_import_text (const char             *file,
                   YqBindingImportPreview *preview,
                   gboolean                dry_run,
                   const char             *report,
                   YqBindingResult        *result)
{
  g_autofree char *rows = g_strdup_printf ("%u", preview->items->len);
  char *counts[YQ_N_BINDING_IMPORT_STATUSES] = { NULL };
  const char *labels[YQ_N_BINDING_IMPORT_STATUSES + 3];
  const char *values[YQ_N_BINDING_IMPORT_STATUSES + 3];
  guint n_rejected = 0;

  labels[0] = _("File");
  values[0] = file;
  labels[1] = _("Key field");
  values[1] = yq_binding_key_field_to_string (preview->field);
  labels[2] = _("Rows");
  values[2] = rows;
  for (guint s = 0; s < YQ_N_BINDING_IMPORT_STATUSES; s++)
    {
      counts[s] = g_strdup_printf ("%u", preview->counts[s]);
      labels[s + 3] = yq_binding_import_status_to_label (s);
      values[s + 3] = counts[s];
      if (is_rejected (s))
        n_rejected += preview->counts[s];
    }
  yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));

  for (guint s = 0; s < YQ_N_BINDING_IMPORT_STATUSES; s++)
    g_free (counts[s]);

  if (n_rejected > 0)
    {
      guint listed = 0;

      g_print ("\n%s\n", _("Rejected rows:"));
      for (guint i = 0; i < preview->items->len; i++)
        {
          const YqBindingImportItem *item = g_ptr_array_index (preview->items, i);

          if (!is_rejected (item->status))
            continue;
          if (listed++ == MAX_LISTED && report == NULL)
            {
              g_print (_("  … and %u more; save them all with --rejected REPORT.csv\n"),
                       n_rejected - MAX_LISTED);
              break;
            }
          /* Translators: a rejected row: row number, status, message */
          g_print (_("  row %u (%s): %s\n"), item->row->row_number,
                   yq_binding_import_status_to_label (item->status), item->message);
        }
    }

  if (report != NULL)
    g_print (_("\nThe rejected rows were saved to %s.\n"), report);

  if (dry_run)
    g_print ("\n%s\n", _("Dry run: nothing was changed."));
  else if (result != NULL)
    {
      g_print ("\n");
      print_result_text (preview->connector_id, result);
    }
}

static int
bindings_import (YqCliContext  *ctx,
                 const char    *command,
                 char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) oa = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(YqBindingImportPreview) preview = NULL;
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field_text = NULL;
  g_autofree char *rejected = NULL;
  g_autofree char *display = NULL;
  g_autofree char *report_display = NULL;
  g_auto(GStrv) header = NULL;
  YqBindingKeyField field;
  gboolean dry_run = FALSE;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "field", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &field_text,
      N_("What identifies the OA person: account, job-number, mobile or email"),
      N_("FIELD") },
    { "dry-run", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &dry_run,
      N_("Only show what would change"), NULL },
    { "rejected", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &rejected,
      N_("Save the rejected rows as a CSV report"), N_("REPORT.csv") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("CONNECTOR FILE.xlsx"),
                             _("Bind people from a spreadsheet (.xlsx), such as a filled-in "
                               "“bindings export”: the column of platform IDs and the column "
                               "of the key field name the two people. Prints what each row "
                               "does; without --dry-run binds the rows that will bind, in one "
                               "step that “bindings undo” can take back."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] == NULL || argv[2] == NULL)
    return yq_cli_usage_error (command, _("Give the connector ID and the file"));
  if (argv[3] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[3]);
  if (!yq_cli_parse_connector_id (command, argv[1], &id, &exit_code))
    return exit_code;
  if (field_text == NULL)
    return yq_cli_usage_error (command, _("Missing --field (account, job-number, mobile or "
                                          "email)"));
  if (!yq_binding_key_field_from_string (field_text, &field))
    return yq_cli_usage_error (command, _("Unknown field “%s”: use account, job-number, mobile "
                                          "or email"), field_text);

  store = open_connector (ctx, id, NULL, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  display = g_filename_display_name (argv[2]);
  if (!yq_bindings_read_import_file_full (argv[2], field, &rows, &header, NULL, &error))
    return yq_cli_report_error (error);

  oa = yq_builtin_oa_directory_new (store);
  preview = yq_bindings_import_preview (store, id, oa, field, rows, &error);
  if (preview == NULL)
    return yq_cli_report_error (error);
  preview->header = g_steal_pointer (&header);

  if (rejected != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (rejected);

      if (!yq_binding_import_write_rejected (preview, file, NULL, &error))
        return yq_cli_report_error (error);
      report_display = g_filename_display_name (rejected);
    }

  if (!dry_run && preview->counts[YQ_BINDING_IMPORT_WILL_BIND] > 0)
    {
      result = yq_bindings_import_apply (store, preview, &error);
      if (result == NULL)
        return yq_cli_report_error (error);
    }

  if (ctx->json)
    print_import_json (display, preview, dry_run, report_display, result);
  else
    {
      print_import_text (display, preview, dry_run, report_display, result);
      if (!dry_run && result == NULL)
        g_print ("\n%s\n", _("No row will bind: nothing was changed."));
    }

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand bindings_commands[] = {
  { "list", "CONNECTOR", N_("List people and their bindings"), bindings_list },
  { "bind", "CONNECTOR PLATFORM_ID OA_ACCOUNT", N_("Bind a person by hand"), bindings_bind },
  { "unbind", "CONNECTOR PLATFORM_ID", N_("Remove a person’s binding"), bindings_unbind },
  { "auto", "CONNECTOR", N_("Bind unbound people by the binding rule"), bindings_auto },
  { "unbind-all", "CONNECTOR --yes", N_("Remove every binding of a connector"),
    bindings_unbind_all },
  { "export", "CONNECTOR FILE.xlsx", N_("Write people and bindings as a spreadsheet"),
    bindings_export },
  { "import", "CONNECTOR FILE.xlsx --field FIELD", N_("Bind people from a spreadsheet"),
    bindings_import },
  { "undo", "CONNECTOR CHANGE_ID", N_("Undo a change of the bindings"), bindings_undo },
  { "history", "CONNECTOR", N_("List the changes of the bindings"), bindings_history },
  { NULL }
};

int
yq_cli_bindings (YqCliContext  *ctx,
                 char         **args)
{
  return yq_cli_dispatch (ctx, "bindings",
                          _("Bind the people of a connector to OA accounts."),
                          bindings_commands, args);
}
