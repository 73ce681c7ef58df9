/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "yq-cli.h"
#include "yq-sync-run.h"
#include "yq-sync-runs.h"

static void
sync_progress_cb (YqSyncStage  stage,
                  guint        done,
                  guint        total,
                  gpointer     user_data)
{
  YqCliWait *call = user_data;
  const char *what;

  if (!yq_cli_wait_progress_due (call))
    return;

  switch (stage)
    {
    case YQ_SYNC_STAGE_FETCH:   what = _("Reading the platform directory"); break;
    case YQ_SYNC_STAGE_PLAN:    what = _("Comparing"); break;
    case YQ_SYNC_STAGE_REFRESH: what = _("Updating the bridge directory"); break;
    case YQ_SYNC_STAGE_APPLY:   what = _("Applying"); break;
    default:                    what = ""; break;
    }

  if (total > 0)
    g_printerr ("%s: %u / %u", what, done, total);
  else if (done > 0)
    g_printerr ("%s: %u", what, done);
  else
    g_printerr ("%s…", what);
}

static void
sync_call_run (YqCliWait *call,
               YqSyncRun *run,
               gboolean   apply)
{
  yq_cli_wait_init (call);
  yq_sync_run_set_progress_func (run, sync_progress_cb, call);

  if (apply)
    yq_sync_run_apply_async (run, call->cancellable, yq_cli_wait_done_cb, call);
  else
    yq_sync_run_preview_async (run, call->cancellable, yq_cli_wait_done_cb, call);

  yq_cli_wait_run (call);
}

gboolean
yq_cli_parse_direction (const char      *command,
                        const char      *text,
                        YqSyncDirection *direction,
                        int             *exit_code)
{
  if (text == NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Missing --direction (from-platform, to-oa or "
                                                  "to-platform)"));
      return FALSE;
    }

  if (!yq_sync_direction_from_string (text, direction))
    {
      *exit_code = yq_cli_usage_error (command, _("Unknown direction “%s”: use from-platform, "
                                                  "to-oa or to-platform"), text);
      return FALSE;
    }

  return TRUE;
}

static YqSyncRun *
open_run (YqCliContext     *ctx,
          gint64            id,
          YqSyncDirection   direction,
          YqStore         **out_store,
          GError          **error)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  YqSyncRun *run;

  store = yq_cli_open_store (ctx, error);
  if (store == NULL)
    return NULL;

  secrets = yq_cli_open_secrets (ctx, error);
  if (secrets == NULL)
    return NULL;

  run = yq_sync_run_new (store, secrets, id, direction, error);
  if (run != NULL && out_store != NULL)
    *out_store = g_steal_pointer (&store);

  return run;
}

/* ---- Printing plans ------------------------------------------------------- */

/* Warnings listed in text output when operations are limited. */
#define MAX_WARNINGS 10

static const char *
op_kind_label (YqPlanOpKind kind)
{
  switch (kind)
    {
    case YQ_PLAN_OP_LINK_DEPARTMENT:   return _("Departments linked");
    case YQ_PLAN_OP_CREATE_DEPARTMENT: return _("Departments created");
    case YQ_PLAN_OP_UPDATE_DEPARTMENT: return _("Departments updated");
    case YQ_PLAN_OP_DELETE_DEPARTMENT: return _("Departments deleted");
    case YQ_PLAN_OP_LINK_PERSON:       return _("People bound");
    case YQ_PLAN_OP_CREATE_PERSON:     return _("People created");
    case YQ_PLAN_OP_UPDATE_PERSON:     return _("People updated");
    case YQ_PLAN_OP_REMOVE_PERSON:     return _("People removed");
    default:                           return "";
    }
}

static JsonNode *
plan_to_json (YqPlan *plan,
              guint   limit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const YqPlanCounts *counts = yq_plan_get_counts (plan);
  GPtrArray *blocks = yq_plan_get_blocks (plan);
  GPtrArray *warnings = yq_plan_get_warnings (plan);
  guint n = yq_plan_get_n_ops (plan);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "blocked");
  json_builder_add_boolean_value (builder, yq_plan_is_blocked (plan));
  json_builder_set_member_name (builder, "needs-confirmation");
  json_builder_add_boolean_value (builder, yq_plan_needs_confirmation (plan));

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  yq_plan_counts_add_json (counts, builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "blocks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < blocks->len; i++)
    json_builder_add_string_value (builder, ((YqPlanBlock *) g_ptr_array_index (blocks, i))->message);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < warnings->len; i++)
    json_builder_add_string_value (builder,
                                   ((YqPlanWarning *) g_ptr_array_index (warnings, i))->message);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "operations");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n && (limit == 0 || i < limit); i++)
    {
      g_autofree char *json = yq_plan_op_to_json (yq_plan_get_op (plan, i));
      g_autoptr(JsonNode) node = json_from_string (json, NULL);

      if (node != NULL)
        json_builder_add_value (builder, g_steal_pointer (&node));
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_plan (YqPlan *plan,
            guint   limit)
{
  const YqPlanCounts *counts = yq_plan_get_counts (plan);
  GPtrArray *blocks = yq_plan_get_blocks (plan);
  GPtrArray *warnings = yq_plan_get_warnings (plan);
  guint n = yq_plan_get_n_ops (plan);
  g_autofree char *unchanged = g_strdup_printf ("%u / %u", counts->unchanged_departments,
                                                counts->unchanged_people);
  g_autofree char *skipped = g_strdup_printf ("%u / %u", counts->skipped_departments,
                                              counts->skipped_people);
  char *values[YQ_N_PLAN_OP_KINDS + 2] = { NULL };
  const char *labels[YQ_N_PLAN_OP_KINDS + 2];

  for (guint kind = 0; kind < YQ_N_PLAN_OP_KINDS; kind++)
    {
      labels[kind] = op_kind_label (kind);
      values[kind] = g_strdup_printf ("%u", counts->ops[kind]);
    }
  labels[YQ_N_PLAN_OP_KINDS] = _("Unchanged (departments / people)");
  values[YQ_N_PLAN_OP_KINDS] = g_strdup (unchanged);
  labels[YQ_N_PLAN_OP_KINDS + 1] = _("Skipped (departments / people)");
  values[YQ_N_PLAN_OP_KINDS + 1] = g_strdup (skipped);

  yq_cli_print_fields (labels, (const char * const *) values, G_N_ELEMENTS (labels));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_free (values[i]);

  for (guint i = 0; i < blocks->len; i++)
    g_print (_("Blocked: %s\n"), ((YqPlanBlock *) g_ptr_array_index (blocks, i))->message);
  for (guint i = 0; i < warnings->len && (limit == 0 || i < MAX_WARNINGS); i++)
    g_print (_("Warning: %s\n"), ((YqPlanWarning *) g_ptr_array_index (warnings, i))->message);
  if (limit > 0 && warnings->len > MAX_WARNINGS)
    g_print (g_dngettext (GETTEXT_PACKAGE, "… and %u more warning (--json lists them all)\n",
                          "… and %u more warnings (--json lists them all)\n",
                          warnings->len - MAX_WARNINGS),
             warnings->len - MAX_WARNINGS);

  if (n > 0)
    g_print ("\n%s\n", _("Operations:"));
  for (guint i = 0; i < n && (limit == 0 || i < limit); i++)
    {
      g_autofree char *line = yq_plan_op_describe (yq_plan_get_op (plan, i));

      g_print ("  %s\n", line);
    }
  if (limit > 0 && n > limit)
    g_print (g_dngettext (GETTEXT_PACKAGE, "  … and %u more operation\n",
                          "  … and %u more operations\n", n - limit),
             n - limit);
}

/* ---- Commands ------------------------------------------------------------------ */

static int
sync_preview (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *direction_text = NULL;
  g_autofree char *limit_text = NULL;
  g_autoptr(YqSyncRun) run = NULL;
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  YqSyncDirection direction;
  YqCliWait call = { 0 };
  guint64 limit = 200;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "direction", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &direction_text,
      N_("from-platform, to-oa or to-platform"), N_("DIRECTION") },
    { "limit", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &limit_text,
      N_("List at most N operations (0: all; default 200)"), N_("N") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Compare the two sides and print what a sync would do: the "
                                  "counts, then the operations. Nothing is changed; the preview is "
                                  "listed in the sync history."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (!yq_cli_parse_direction (command, direction_text, &direction, &exit_code))
    return exit_code;

  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 0, G_MAXUINT, &limit,
                                                          NULL))
    return yq_cli_usage_error (command, _("--limit takes a whole number"));

  run = open_run (ctx, id, direction, NULL, &error);
  if (run == NULL)
    return yq_cli_report_error (error);

  sync_call_run (&call, run, FALSE);
  plan = yq_sync_run_preview_finish (run, call.result, &error);
  yq_cli_wait_clear (&call);
  if (plan == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = plan_to_json (plan, (guint) limit);

      yq_cli_print_json (root);
    }
  else
    {
      print_plan (plan, (guint) limit);
    }

  return YQ_CLI_EXIT_OK;
}

static JsonNode *
run_to_json (YqSyncRunRecord *record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "connector");
  json_builder_add_int_value (builder, record->connector_id);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, yq_sync_direction_to_string (record->direction));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, yq_sync_run_state_to_string (record->state));
  json_builder_set_member_name (builder, "confirmed");
  json_builder_add_boolean_value (builder, record->confirmed);
  json_builder_set_member_name (builder, "dry-run");
  json_builder_add_boolean_value (builder, record->dry_run);
  json_builder_set_member_name (builder, "operations");
  json_builder_add_int_value (builder, record->n_ops);
  json_builder_set_member_name (builder, "done");
  json_builder_add_int_value (builder, record->n_done);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, record->n_failed);
  json_builder_set_member_name (builder, "started-at");
  json_builder_add_int_value (builder, record->started_at);
  json_builder_set_member_name (builder, "finished-at");
  if (record->finished_at > 0)
    json_builder_add_int_value (builder, record->finished_at);
  else
    json_builder_add_null_value (builder);

  {
    const char *names[] = { "counts", "warnings", "errors", "profile" };
    const char *texts[] = { record->counts, record->warnings, record->errors, record->profile };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        JsonNode *node = texts[i] != NULL ? json_from_string (texts[i], NULL) : NULL;

        json_builder_set_member_name (builder, names[i]);
        if (node != NULL)
          json_builder_add_value (builder, node);
        else
          json_builder_add_null_value (builder);
      }
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char **
json_string_array (const char *json)
{
  g_autoptr(JsonNode) node = json != NULL ? json_from_string (json, NULL) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *text = json_array_get_string_element (array, i);

          if (text != NULL)
            g_strv_builder_add (builder, text);
        }
    }

  return g_strv_builder_end (builder);
}

static int
sync_apply (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *direction_text = NULL;
  g_autoptr(YqSyncRun) run = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(YqSyncRunRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) record_error = NULL;
  gboolean confirm = FALSE;
  YqSyncDirection direction;
  YqCliWait call = { 0 };
  gint64 run_id;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "direction", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &direction_text,
      N_("from-platform, to-oa or to-platform"), N_("DIRECTION") },
    { "confirm-threshold", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &confirm,
      N_("Go ahead although a safety threshold is exceeded (this run only)"), NULL },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Sync a connector: refresh the bridge directory from the "
                                  "platform, then apply the direction's plan, journaled. A run "
                                  "that was cut off is taken over first."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (!yq_cli_parse_direction (command, direction_text, &direction, &exit_code))
    return exit_code;

  run = open_run (ctx, id, direction, &store, &error);
  if (run == NULL)
    return yq_cli_report_error (error);

  yq_sync_run_set_confirmed (run, confirm);
  sync_call_run (&call, run, TRUE);
  run_id = yq_sync_run_apply_finish (run, call.result, &plan, &error);
  yq_cli_wait_clear (&call);

  if (run_id > 0)
    record = yq_sync_runs_get (store, run_id, &record_error);

  if (record != NULL)
    {
      if (ctx->json)
        {
          g_autoptr(JsonNode) root = run_to_json (record);

          yq_cli_print_json (root);
        }
      else
        {
          g_autofree char *run_text = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
          g_autofree char *done = g_strdup_printf ("%u / %u", record->n_done, record->n_ops);
          g_autofree char *failed = g_strdup_printf ("%u", record->n_failed);
          g_auto(GStrv) warnings = json_string_array (record->warnings);
          const char *labels[] = { _("Run"), _("State"), _("Applied"), _("Failed") };
          const char *values[] = {
            run_text, yq_sync_run_state_to_string (record->state), done, failed,
          };

          yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
          if (plan != NULL && error == NULL)
            {
              g_print ("\n");
              print_plan (plan, 50);
            }
          for (guint i = 0; error != NULL && warnings[i] != NULL && i < MAX_WARNINGS; i++)
            g_print (_("Warning: %s\n"), warnings[i]);
        }
    }

  if (error != NULL)
    {
      yq_cli_report_error (error);
      return YQ_CLI_EXIT_ERROR;
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
sync_history (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *limit_text = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint64 limit = 20;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "limit", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &limit_text,
      N_("Show the newest N runs (0: all; default 20)"), N_("N") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command, _("List a connector’s sync runs, newest first."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (limit_text != NULL && !g_ascii_string_to_unsigned (limit_text, 10, 0, G_MAXUINT, &limit,
                                                          NULL))
    return yq_cli_usage_error (command, _("--limit takes a whole number"));

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connector = yq_connectors_get (store, id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  runs = yq_sync_runs_list (store, id, (guint) limit, &error);
  if (runs == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_sized_new (runs->len);

      for (guint i = 0; i < runs->len; i++)
        json_array_add_element (array, run_to_json (g_ptr_array_index (runs, i)));
      json_node_set_array (root, array);
      yq_cli_print_json (root);
    }
  else if (runs->len == 0)
    {
      g_print ("%s\n", _("This connector has not been synced yet."));
    }
  else
    {
      const char *headers[] = {
        _("RUN"), _("STARTED"), _("DIRECTION"), _("KIND"), _("STATE"), _("OPERATIONS"),
        _("FAILED"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < runs->len; i++)
        {
          YqSyncRunRecord *record = g_ptr_array_index (runs, i);
          g_autofree char *run_text = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
          g_autofree char *started = yq_cli_format_time (record->started_at);
          g_autofree char *ops = NULL;
          g_autofree char *failed = g_strdup_printf ("%u", record->n_failed);
          const char *kind;

          /* Like the direction and state, the kind is a fixed word. A
           * preview has no journal: its operations were only planned. */
          if (record->dry_run)
            {
              kind = "preview";
              ops = g_strdup_printf ("%u", record->n_ops);
            }
          else
            {
              kind = record->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM ? "refresh" : "apply";
              ops = g_strdup_printf ("%u / %u", record->n_done, record->n_ops);
            }

          {
            const char *cells[] = {
              run_text, started, yq_sync_direction_to_string (record->direction), kind,
              yq_sync_run_state_to_string (record->state), ops, failed,
            };

            yq_cli_table_add_row (table, cells);
          }
        }
      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

/* ---- Profiles ---------------------------------------------------------------- */

static gboolean
parse_yes_no (const char *text,
              gboolean   *value)
{
  if (g_str_equal (text, "yes") || g_str_equal (text, "true") || g_str_equal (text, "on"))
    *value = TRUE;
  else if (g_str_equal (text, "no") || g_str_equal (text, "false") || g_str_equal (text, "off"))
    *value = FALSE;
  else
    return FALSE;

  return TRUE;
}

static gboolean
parse_threshold (const char *text,
                 gint       *value)
{
  guint64 n;

  if (g_str_equal (text, "off"))
    {
      *value = -1;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &n, NULL))
    return FALSE;

  *value = (gint) n;

  return TRUE;
}

static int
sync_profile (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *direction_text = NULL;
  g_autofree char *json_file = NULL;
  g_autofree char *top = NULL;
  g_autofree char *add_new = NULL;
  g_autofree char *auto_bind = NULL;
  g_autofree char *people_threshold = NULL;
  g_autofree char *department_threshold = NULL;
  g_autofree char *binding = NULL;
  g_auto(GStrv) include_departments = NULL;
  g_auto(GStrv) exclude_departments = NULL;
  g_auto(GStrv) include_people = NULL;
  g_auto(GStrv) exclude_people = NULL;
  g_auto(GStrv) maps = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  YqSyncDirection direction;
  gboolean changed = FALSE;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "direction", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &direction_text,
      N_("from-platform, to-oa or to-platform"), N_("DIRECTION") },
    { "from-json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &json_file,
      N_("Replace the profile with the JSON in FILE (- for standard input)"), N_("FILE") },
    { "top-department", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &top,
      N_("The target department that receives the tree (“root” for the root)"), N_("ID") },
    { "include-department", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY,
      &include_departments, N_("Sync only these source departments (repeatable; “none” clears)"),
      N_("ID") },
    { "exclude-department", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY,
      &exclude_departments, N_("Leave these source departments out (repeatable; “none” clears)"),
      N_("ID") },
    { "include-person", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, &include_people,
      N_("Also sync these source people (repeatable; “none” clears)"), N_("ID") },
    { "exclude-person", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, &exclude_people,
      N_("Leave these source people out (repeatable; “none” clears)"), N_("ID") },
    { "add-new-members", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &add_new,
      N_("Create people that no binding matched: yes or no"), N_("yes|no") },
    { "auto-bind", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &auto_bind,
      N_("Bind unbound people by the binding rule: yes or no"), N_("yes|no") },
    { "people-threshold", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &people_threshold,
      N_("Stop when people would fall by more than N (off: never)"), N_("N|off") },
    { "department-threshold", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &department_threshold,
      N_("Stop when more than N departments would be deleted (off: never)"), N_("N|off") },
    { "map", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING_ARRAY, &maps,
      N_("Fill the target field from a source field, or “none” to leave it (repeatable)"),
      N_("TARGET=SOURCE") },
    { "binding-rule", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &binding,
      N_("The connector’s binding rule: which platform field equals which OA field"),
      N_("PLATFORM=OA") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Show or change how a connector syncs in one direction. "
                                  "Without changes, prints the profile. Fields: name, mobile, "
                                  "email, job_number, title, account_code."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (!yq_cli_parse_direction (command, direction_text, &direction, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connector = yq_connectors_get (store, id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  if (json_file != NULL)
    {
      g_autofree char *text = NULL;

      if (g_str_equal (json_file, "-"))
        {
          g_autoptr(GString) input = g_string_new (NULL);
          char buffer[4096];
          size_t n;

          while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
            g_string_append_len (input, buffer, (gssize) n);
          text = g_string_free (g_steal_pointer (&input), FALSE);
        }
      else if (!g_file_get_contents (json_file, &text, NULL, &error))
        return yq_cli_report_error (error);

      profile = yq_sync_profile_new_from_json (text, &error);
      if (profile == NULL)
        return yq_cli_usage_error (command, "%s", error->message);
      changed = TRUE;
    }
  else
    {
      profile = yq_sync_profiles_get (store, id, direction, &error);
      if (profile == NULL)
        return yq_cli_report_error (error);
    }

#define SET_LIST(option, field)                                                   \
  if (option != NULL)                                                             \
    {                                                                             \
      g_strfreev (profile->field);                                                \
      profile->field = g_strv_length (option) == 1 && g_str_equal (option[0], "none") \
                       ? NULL : g_strdupv (option);                               \
      changed = TRUE;                                                             \
    }

  SET_LIST (include_departments, include_departments)
  SET_LIST (exclude_departments, exclude_departments)
  SET_LIST (include_people, include_people)
  SET_LIST (exclude_people, exclude_people)

#undef SET_LIST

  if (top != NULL)
    {
      g_free (profile->top_department);
      profile->top_department = g_str_equal (top, "root") ? NULL : g_strdup (top);
      changed = TRUE;
    }
  if (add_new != NULL)
    {
      if (!parse_yes_no (add_new, &profile->add_new_members))
        return yq_cli_usage_error (command, _("--add-new-members takes yes or no"));
      changed = TRUE;
    }
  if (auto_bind != NULL)
    {
      if (!parse_yes_no (auto_bind, &profile->auto_bind))
        return yq_cli_usage_error (command, _("--auto-bind takes yes or no"));
      changed = TRUE;
    }
  if (people_threshold != NULL)
    {
      if (!parse_threshold (people_threshold, &profile->people_threshold))
        return yq_cli_usage_error (command, _("--people-threshold takes a whole number or off"));
      changed = TRUE;
    }
  if (department_threshold != NULL)
    {
      if (!parse_threshold (department_threshold, &profile->department_threshold))
        return yq_cli_usage_error (command,
                                   _("--department-threshold takes a whole number or off"));
      changed = TRUE;
    }
  for (guint i = 0; maps != NULL && maps[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (maps[i], "=", 2);
      YqPersonField target, source;

      if (g_strv_length (parts) != 2 || !yq_person_field_from_string (parts[0], &target) ||
          target == YQ_PERSON_FIELD_NONE ||
          (!g_str_equal (parts[1], "none") && !yq_person_field_from_string (parts[1], &source)))
        return yq_cli_usage_error (command, _("--map takes TARGET=SOURCE with the fields name, "
                                              "mobile, email, job_number, title, account_code "
                                              "(or none as the source), not “%s”"), maps[i]);
      profile->field_map[target] = g_str_equal (parts[1], "none") ? YQ_PERSON_FIELD_NONE : source;
      changed = TRUE;
    }

  if (binding != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (binding, "=", 2);
      YqPersonField platform_field, oa_field;

      if (g_strv_length (parts) != 2 ||
          !yq_person_field_from_string (parts[0], &platform_field) ||
          !yq_person_field_from_string (parts[1], &oa_field) ||
          platform_field == YQ_PERSON_FIELD_NONE || oa_field == YQ_PERSON_FIELD_NONE)
        return yq_cli_usage_error (command, _("--binding-rule takes PLATFORM=OA with the fields "
                                              "name, mobile, email, job_number, title, "
                                              "account_code, not “%s”"), binding);
      if (!yq_binding_rule_set (store, id, platform_field, oa_field, &error))
        return yq_cli_report_error (error);
      profile->binding_platform_field = platform_field;
      profile->binding_oa_field = oa_field;
    }

  if (changed && !yq_sync_profiles_set (store, id, direction, profile, &error))
    return yq_cli_report_error (error);

  {
    g_autofree char *json = yq_sync_profile_to_json (profile);
    g_autoptr(JsonNode) root = json_from_string (json, NULL);

    /* The profile is JSON in both forms; the plain form adds the rule. */
    if (!ctx->json)
      g_print (_("Binding rule: platform %s = OA %s\n"),
               yq_person_field_to_string (profile->binding_platform_field),
               yq_person_field_to_string (profile->binding_oa_field));
    if (root != NULL)
      yq_cli_print_json (root);
  }

  if (changed || binding != NULL)
    yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand sync_commands[] = {
  { "preview", "ID --direction DIRECTION", N_("Show what a sync would do"), sync_preview },
  { "apply", "ID --direction DIRECTION", N_("Sync, journaled and resumable"), sync_apply },
  { "history", "ID", N_("List the sync runs"), sync_history },
  { "profile", "ID --direction DIRECTION", N_("Show or change a sync profile"), sync_profile },
  { "schedule", "ID --direction DIRECTION", N_("Show or change a sync schedule"),
    yq_cli_sync_schedule },
  { "schedules", NULL, N_("List the sync schedules and their next runs"), yq_cli_sync_schedules },
  { NULL }
};

int
yq_cli_sync (YqCliContext  *ctx,
             char         **args)
{
  return yq_cli_dispatch (ctx, "sync",
                          _("Sync organisations between the platforms, the bridge and the OA."),
                          sync_commands, args);
}
