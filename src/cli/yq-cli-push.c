/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "yq-cli.h"
#include "yq-apps.h"
#include "yq-push.h"
#include "yq-push-inbox.h"

/* Longer lists are cut in the text output; --json has them all. */
#define MAX_LISTED 20
/* Log cells longer than this are cut in the table. */
#define MAX_TITLE_WIDTH 24
#define MAX_ERROR_WIDTH 48
#define SEND_TIMEOUT_SECONDS 60

/* ---- Output helpers --------------------------------------------------------- */

/* @text cut to @max_width terminal columns, with an ellipsis when cut;
 * line breaks become spaces so that a table row stays one line. */
static char *
cell_text (const char *text,
           gsize       max_width)
{
  g_autoptr(GString) cell = g_string_new (NULL);
  gboolean cut = text != NULL && yq_cli_display_width (text) > max_width;
  gsize width = 0;

  if (text == NULL)
    return g_strdup ("");

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize char_width = g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;

      /* One column is kept for the ellipsis. */
      if (cut && width + char_width > max_width - 1)
        break;

      if (c == '\n' || c == '\r' || c == '\t')
        c = ' ';
      g_string_append_unichar (cell, c);
      width += char_width;
    }

  if (cut)
    g_string_append (cell, "…");

  return g_string_free (g_steal_pointer (&cell), FALSE);
}

/* ---- Rules: targets ------------------------------------------------------------ */

/* The connectors a command's targets name, by ID. */
static GHashTable *
connectors_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

static YqConnector *
lookup_connector (YqStore     *store,
                  GHashTable  *connectors,
                  gint64       id,
                  GError     **error)
{
  YqConnector *connector = g_hash_table_lookup (connectors, &id);

  if (connector == NULL)
    {
      connector = yq_connectors_get (store, id, error);
      if (connector == NULL)
        return NULL;

      g_hash_table_insert (connectors, g_memdup2 (&id, sizeof id), connector);
    }

  return connector;
}

static gboolean
is_yzj_notification (YqStore             *store,
                     GHashTable          *connectors,
                     const YqPushTarget  *target,
                     GError             **error)
{
  YqConnector *connector;

  if (target->kind != YQ_PUSH_KIND_NOTIFICATION)
    return FALSE;

  connector = lookup_connector (store, connectors, target->connector_id, error);

  return connector != NULL && yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ;
}

static gboolean
is_zwdd_notification (YqStore             *store,
                      GHashTable          *connectors,
                      const YqPushTarget  *target,
                      GError             **error)
{
  YqConnector *connector;

  if (target->kind != YQ_PUSH_KIND_NOTIFICATION)
    return FALSE;

  connector = lookup_connector (store, connectors, target->connector_id, error);

  return connector != NULL && yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD;
}

/* "1:todo:3": the way targets are written on the command line. */
static char *
target_spec (const YqPushTarget *target)
{
  if (target->app_id > 0)
    return g_strdup_printf ("%lld:%s:%lld", (long long) target->connector_id,
                            yq_push_kind_to_string (target->kind), (long long) target->app_id);

  return g_strdup_printf ("%lld:%s", (long long) target->connector_id,
                          yq_push_kind_to_string (target->kind));
}

static YqPushTarget *
parse_target_spec (const char *command,
                   const char *spec,
                   int        *exit_code)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(YqPushTarget) target = yq_push_target_new ();
  guint n_parts;

  parts = g_strsplit (spec, ":", -1);
  n_parts = g_strv_length (parts);

  if ((n_parts != 2 && n_parts != 3) ||
      !yq_cli_parse_row_id (parts[0], &target->connector_id) ||
      !yq_push_kind_from_string (parts[1], &target->kind) ||
      (n_parts == 3 && !yq_cli_parse_row_id (parts[2], &target->app_id)))
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("“%s” is not a push target: write CONNECTOR:KIND or "
                                         "CONNECTOR:KIND:APP with connector and app IDs and "
                                         "KIND “notification” or “todo”, e.g. “1:todo:3”"),
                                       spec);
      return NULL;
    }

  return g_steal_pointer (&target);
}

typedef struct
{
  char      *name;
  char      *source;
  char     **targets;
  char      *pub_id;
  char      *pub_key_file;
  char      *pub_key_env;
  /* -1: not given */
  gint       spacing;
  gboolean   all_sources;
  gboolean   disabled;
  gboolean   json;
} RuleOptions;

static void
rule_options_clear (RuleOptions *opts)
{
  g_clear_pointer (&opts->name, g_free);
  g_clear_pointer (&opts->source, g_free);
  g_clear_pointer (&opts->targets, g_strfreev);
  g_clear_pointer (&opts->pub_id, g_free);
  g_clear_pointer (&opts->pub_key_file, g_free);
  g_clear_pointer (&opts->pub_key_env, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RuleOptions, rule_options_clear)

static GOptionEntry *
rule_option_entries (RuleOptions *opts,
                     gboolean     is_edit)
{
  const GOptionEntry common[] = {
    { "name", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->name,
      N_("Name of the rule, unique"), N_("NAME") },
    { "source", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->source,
      N_("Take only the messages of this OA module (e.g. 审批); default: every module"),
      N_("MODULE") },
    { "target", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME_ARRAY, &opts->targets,
      N_("Deliver through CONNECTOR as KIND (notification or todo), sent by the app APP "
         "(default: the connector’s own credentials); repeat for several targets"),
      N_("CONNECTOR:KIND[:APP]") },
    { "pub-id", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->pub_id,
      N_("Yunzhijia notification targets: the public account number (公共号, XT-…)"),
      N_("ID") },
    { "pub-key-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->pub_key_file,
      N_("Yunzhijia notification targets: read the public account key from FILE, or from "
         "standard input if FILE is -"), N_("FILE") },
    { "pub-key-env", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->pub_key_env,
      N_("Yunzhijia notification targets: read the public account key from the environment "
         "variable VAR"), N_("VAR") },
    { "spacing", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_INT, &opts->spacing,
      N_("Government DingTalk notification targets: the least seconds between two work "
         "notifications, 0 to 3600 (default 600, the platform’s rule for apps; less when the "
         "tenant’s terms allow it)"), N_("SECONDS") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->json,
      N_("Print the saved rule as JSON"), NULL },
  };
  const GOptionEntry add_only[] = {
    { "disabled", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->disabled,
      N_("Add the rule disabled"), NULL },
  };
  const GOptionEntry edit_only[] = {
    { "all-sources", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->all_sources,
      N_("Take the messages of every OA module"), NULL },
  };
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  g_array_append_vals (entries, common, G_N_ELEMENTS (common));
  if (is_edit)
    g_array_append_vals (entries, edit_only, G_N_ELEMENTS (edit_only));
  else
    g_array_append_vals (entries, add_only, G_N_ELEMENTS (add_only));

  return (GOptionEntry *) g_array_free (entries, FALSE);
}

/* The help text of `rule add` and `rule edit` after the options. */
static const char *
rule_targets_description (void)
{
  return _("Targets:\n"
           "  --target CONNECTOR:KIND[:APP] names one place the rule delivers to: the\n"
           "  connector ID, “notification” (政务钉钉 work notification, 云之家 public\n"
           "  account message) or “todo” (政务钉钉 待办, 云之家 todo), and optionally the\n"
           "  ID of the app of the connector that sends. Example: --target 1:todo:3\n"
           "\n"
           "Yunzhijia public account:\n"
           "  --pub-id and --pub-key-file/--pub-key-env apply to every Yunzhijia\n"
           "  notification target of the command, and only to those; other targets\n"
           "  ignore them, and they are refused when the rule has no such target. A new\n"
           "  Yunzhijia notification target needs both. To send through two different\n"
           "  public accounts, make one rule for each. The key is never read from the\n"
           "  command line and never printed.\n"
           "\n"
           "On “rule edit”, --target replaces all the targets of the rule; targets that\n"
           "stay (same connector, kind and app) keep their public account and key.");
}

static char *
target_text (YqStore            *store,
             GHashTable         *connectors,
             const YqPushTarget *target)
{
  g_autoptr(GString) text = g_string_new (NULL);
  YqConnector *connector = lookup_connector (store, connectors, target->connector_id, NULL);

  if (connector != NULL)
    /* Translators: a push target's connector: name and ID */
    g_string_append_printf (text, _("connector “%s” (%lld)"), yq_connector_get_name (connector),
                            (long long) target->connector_id);
  else
    g_string_append_printf (text, _("connector %lld"), (long long) target->connector_id);

  g_string_append (text, ", ");
  g_string_append (text, target->kind == YQ_PUSH_KIND_TODO ? _("todo") : _("notification"));

  if (target->app_id > 0)
    {
      g_autoptr(YqApp) app = yq_apps_get (store, target->app_id, NULL);

      g_string_append (text, ", ");
      if (app != NULL)
        /* Translators: the app that sends a push target's messages: name and ID */
        g_string_append_printf (text, _("app “%s” (%lld)"), app->name, (long long) app->id);
      else
        g_string_append_printf (text, _("app %lld"), (long long) target->app_id);
    }

  if (target->yzj_pub_id != NULL)
    {
      g_string_append (text, ", ");
      /* Translators: a 云之家 public account number, and whether its key is stored */
      g_string_append_printf (text, _("public account %s, key %s"), target->yzj_pub_id,
                              target->has_pub_key ? _("set") : _("not set"));
    }

  if (connector != NULL && yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD &&
      target->kind == YQ_PUSH_KIND_NOTIFICATION)
    {
      g_string_append (text, ", ");
      /* Translators: the least time between two 政务钉钉 work notifications */
      g_string_append_printf (text, _("at least %u s apart"), target->zwdd_spacing);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ---- Rules ---------------------------------------------------------------------- */

static void
rule_to_json (JsonBuilder      *builder,
              const YqPushRule *rule)
{
  /* Member names are an interface for scripts: add, never rename. The
   * public account key is never printed, only whether one is stored. */
  json_builder_begin_object (builder);
  yq_cli_json_add_int (builder, "id", rule->id);
  yq_cli_json_add_string (builder, "name", rule->name);
  yq_cli_json_add_string (builder, "source", rule->source);
  yq_cli_json_add_boolean (builder, "enabled", rule->enabled);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; rule->targets != NULL && i < rule->targets->len; i++)
    {
      const YqPushTarget *target = g_ptr_array_index (rule->targets, i);
      g_autofree char *spec = target_spec (target);

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "id", target->id);
      yq_cli_json_add_string (builder, "spec", spec);
      yq_cli_json_add_int (builder, "connector_id", target->connector_id);
      yq_cli_json_add_id (builder, "app_id", target->app_id);
      yq_cli_json_add_string (builder, "kind", yq_push_kind_to_string (target->kind));
      yq_cli_json_add_string (builder, "yzj_pub_id", target->yzj_pub_id);
      yq_cli_json_add_boolean (builder, "has_pub_key", target->has_pub_key);
      yq_cli_json_add_int (builder, "zwdd_spacing", target->zwdd_spacing);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  yq_cli_json_add_int (builder, "created_at", rule->created_at);
  yq_cli_json_add_int (builder, "updated_at", rule->updated_at);
  json_builder_end_object (builder);
}

static void
print_rule_json (const YqPushRule *rule)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  rule_to_json (builder, rule);
  yq_cli_print_builder (builder);
}

static void
print_rule (YqStore          *store,
            const YqPushRule *rule)
{
  g_autoptr(GHashTable) connectors = connectors_new ();
  g_autofree char *id = g_strdup_printf ("%lld", (long long) rule->id);
  g_autofree char *created = yq_cli_format_time (rule->created_at);
  g_autofree char *updated = yq_cli_format_time (rule->updated_at);
  const char *labels[] = {
    _("ID"),
    _("Name"),
    _("Source"),
    _("State"),
    _("Created"),
    _("Updated"),
  };
  const char *values[] = {
    id,
    rule->name,
    rule->source != NULL ? rule->source : _("every OA module"),
    rule->enabled ? _("enabled") : _("disabled"),
    created,
    updated,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));
  yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));

  g_print ("%s\n", _("Targets:"));
  for (guint i = 0; i < rule->targets->len; i++)
    {
      const YqPushTarget *target = g_ptr_array_index (rule->targets, i);
      g_autofree char *spec = target_spec (target);
      g_autofree char *text = target_text (store, connectors, target);

      g_print ("  %s  %s\n", spec, text);
    }
}

/* A rule by ID, or by name when @text is not a number. */
static YqPushRule *
find_rule (YqStore     *store,
           const char  *text,
           GError     **error)
{
  g_autoptr(GPtrArray) rules = NULL;
  gint64 id = 0;

  if (yq_cli_parse_row_id (text, &id))
    return yq_push_rules_get (store, id, error);

  rules = yq_push_rules_list (store, error);
  if (rules == NULL)
    return NULL;

  for (guint i = 0; i < rules->len; i++)
    {
      const YqPushRule *rule = g_ptr_array_index (rules, i);

      if (g_strcmp0 (rule->name, text) == 0)
        return yq_push_rule_copy (rule);
    }

  g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
               _("No push rule is named “%s”; “yunqiaoctl push rule list” shows the rules"),
               text);

  return NULL;
}

/* Parses `COMMAND RULE` with @entries and opens the store on the rule. */
static YqStore *
open_rule_command (YqCliContext        *ctx,
                   const char          *command,
                   const char          *summary,
                   const char          *description,
                   const GOptionEntry  *entries,
                   char              ***argv,
                   YqPushRule         **rule,
                   int                 *exit_code)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_summary = NULL;

  /* The shared option parser has a summary only; the target help is
   * appended to it. */
  full_summary = description != NULL ? g_strconcat (summary, "\n\n", description, NULL)
                                     : g_strdup (summary);

  if (!yq_cli_parse_options (command, _("RULE"), full_summary, entries, argv, exit_code))
    return NULL;

  if (!yq_cli_check_positionals (command, *argv, 1, _("Missing rule: give its ID or name"),
                                 exit_code))
    return NULL;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    {
      *exit_code = yq_cli_report_error (error);
      return NULL;
    }

  *rule = find_rule (store, (*argv)[1], &error);
  if (*rule == NULL)
    {
      *exit_code = yq_cli_report_error (error);
      return NULL;
    }

  return g_steal_pointer (&store);
}

static int
rule_list (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("List the push rules with their targets. Keys are never "
                               "shown."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  rules = yq_push_rules_list (store, &error);
  if (rules == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < rules->len; i++)
        rule_to_json (builder, g_ptr_array_index (rules, i));
      json_builder_end_array (builder);
      yq_cli_print_builder (builder);
    }
  else if (rules->len == 0)
    {
      g_print ("%s\n", _("No push rules are configured."));
    }
  else
    {
      const char *headers[] = { _("ID"), _("NAME"), _("SOURCE"), _("STATE"), _("TARGETS") };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < rules->len; i++)
        {
          const YqPushRule *rule = g_ptr_array_index (rules, i);
          g_autofree char *id = g_strdup_printf ("%lld", (long long) rule->id);
          g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *targets = NULL;

          for (guint j = 0; j < rule->targets->len; j++)
            g_ptr_array_add (specs, target_spec (g_ptr_array_index (rule->targets, j)));
          g_ptr_array_add (specs, NULL);
          targets = g_strjoinv (", ", (char **) specs->pdata);

          {
            const char *cells[] = {
              id,
              rule->name,
              rule->source != NULL ? rule->source : _("(all)"),
              rule->enabled ? _("enabled") : _("disabled"),
              targets,
            };

            G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
            yq_cli_table_add_row (table, cells);
          }
        }

      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

static int
rule_show (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqPushRule) rule = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  store = open_rule_command (ctx, command,
                             _("Show one push rule, given by ID or name, with its targets. "
                               "Keys are never shown."),
                             NULL, entries, &argv, &rule, &exit_code);
  if (store == NULL)
    return exit_code;

  if (ctx->json)
    print_rule_json (rule);
  else
    print_rule (store, rule);

  return YQ_CLI_EXIT_OK;
}

/* Checks what GOption cannot and applies the given options to @rule, whose
 * targets are read from the store for an edit. Returns FALSE on an error,
 * which has been reported. */
static gboolean
apply_rule_options (const char  *command,
                    RuleOptions *opts,
                    YqStore     *store,
                    YqPushRule  *rule,
                    gboolean     is_new,
                    char        *pub_key,
                    int         *exit_code)
{
  g_autoptr(GHashTable) connectors = connectors_new ();
  g_autoptr(GError) error = NULL;
  guint n_yzj_notifications = 0;
  guint n_zwdd_notifications = 0;

  if (!yq_cli_check_utf8_option (command, "--name", opts->name, exit_code) ||
      !yq_cli_check_utf8_option (command, "--source", opts->source, exit_code) ||
      !yq_cli_check_utf8_option (command, "--pub-id", opts->pub_id, exit_code))
    return FALSE;

  if (opts->source != NULL && opts->all_sources)
    {
      *exit_code = yq_cli_usage_error (command, _("--source and --all-sources exclude each other"));
      return FALSE;
    }

  if (is_new && opts->name == NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("--name is required"));
      return FALSE;
    }

  if (is_new && opts->targets == NULL)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("Give at least one --target CONNECTOR:KIND[:APP]"));
      return FALSE;
    }

  if (opts->targets != NULL)
    {
      g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (
        (GDestroyNotify) yq_push_target_free);

      for (guint i = 0; opts->targets[i] != NULL; i++)
        {
          g_autoptr(YqPushTarget) target = parse_target_spec (command, opts->targets[i],
                                                              exit_code);

          if (target == NULL)
            return FALSE;

          /* A target that stays keeps its row, with its public account
           * and key. */
          for (guint j = 0; rule->targets != NULL && j < rule->targets->len; j++)
            {
              const YqPushTarget *old = g_ptr_array_index (rule->targets, j);

              if (old->connector_id == target->connector_id && old->kind == target->kind &&
                  old->app_id == target->app_id)
                {
                  target->id = old->id;
                  target->yzj_pub_id = g_strdup (old->yzj_pub_id);
                  target->has_pub_key = old->has_pub_key;
                  target->zwdd_spacing = old->zwdd_spacing;
                  break;
                }
            }

          for (guint j = 0; j < targets->len; j++)
            {
              const YqPushTarget *other = g_ptr_array_index (targets, j);

              if (other->connector_id == target->connector_id && other->kind == target->kind &&
                  other->app_id == target->app_id)
                {
                  *exit_code = yq_cli_usage_error (command, _("The target “%s” is given twice"),
                                                   opts->targets[i]);
                  return FALSE;
                }
            }

          g_ptr_array_add (targets, g_steal_pointer (&target));
        }

      g_clear_pointer (&rule->targets, g_ptr_array_unref);
      rule->targets = g_steal_pointer (&targets);
    }

  for (guint i = 0; i < rule->targets->len; i++)
    {
      YqPushTarget *target = g_ptr_array_index (rule->targets, i);
      gboolean yzj_notification = is_yzj_notification (store, connectors, target, &error);
      gboolean zwdd_notification = error == NULL &&
                                   is_zwdd_notification (store, connectors, target, &error);

      if (error != NULL)
        {
          *exit_code = yq_cli_report_error (error);
          return FALSE;
        }

      if (zwdd_notification && opts->spacing >= 0)
        {
          target->zwdd_spacing = (guint) opts->spacing;
          n_zwdd_notifications++;
        }
      else if (zwdd_notification)
        n_zwdd_notifications++;

      if (!yzj_notification)
        continue;

      n_yzj_notifications++;

      if (opts->pub_id != NULL)
        {
          g_free (target->yzj_pub_id);
          target->yzj_pub_id = g_strdup (opts->pub_id);
        }

      if (pub_key != NULL)
        {
          g_free (target->yzj_pub_key);
          target->yzj_pub_key = g_strdup (pub_key);
        }

      if (target->yzj_pub_id == NULL || (!target->has_pub_key && target->yzj_pub_key == NULL))
        {
          g_autofree char *spec = target_spec (target);

          *exit_code = yq_cli_usage_error (command,
                                           _("The Yunzhijia notification target “%s” needs the "
                                             "public account: give --pub-id and "
                                             "--pub-key-file or --pub-key-env"),
                                           spec);
          return FALSE;
        }
    }

  if (n_zwdd_notifications == 0 && opts->spacing >= 0)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--spacing is for Government DingTalk notification "
                                         "targets, and the rule has none"));
      return FALSE;
    }

  if (n_yzj_notifications == 0 &&
      (opts->pub_id != NULL || opts->pub_key_file != NULL || opts->pub_key_env != NULL))
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--pub-id, --pub-key-file and --pub-key-env are for "
                                         "Yunzhijia notification targets, and the rule has "
                                         "none"));
      return FALSE;
    }

  if (opts->name != NULL)
    {
      g_free (rule->name);
      rule->name = g_strdup (opts->name);
    }

  if (opts->source != NULL || opts->all_sources)
    {
      g_free (rule->source);
      rule->source = opts->source != NULL && opts->source[0] != '\0' ? g_strdup (opts->source)
                                                                      : NULL;
    }

  if (is_new)
    rule->enabled = !opts->disabled;

  *exit_code = YQ_CLI_EXIT_OK;

  return TRUE;
}

/* Saves @rule and prints it. */
static int
save_rule (YqCliContext *ctx,
           YqStore      *store,
           YqPushRule   *rule,
           gboolean      json,
           gboolean      is_new)
{
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqPushRule) saved = NULL;
  g_autoptr(GError) error = NULL;

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  if (!yq_push_rules_save (store, secrets, rule, &error))
    return yq_cli_report_error (error);

  saved = yq_push_rules_get (store, rule->id, &error);
  if (saved == NULL)
    return yq_cli_report_error (error);

  if (json || ctx->json)
    {
      print_rule_json (saved);
    }
  else
    {
      if (is_new)
        g_print (_("Added push rule %lld “%s”.\n"), (long long) saved->id, saved->name);
      else
        g_print (_("Updated push rule %lld “%s”.\n"), (long long) saved->id, saved->name);
      print_rule (store, saved);
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

/* Wipes the public-account key copies in the targets before they are
 * freed. */
static void
wipe_target_keys (YqPushRule *rule)
{
  for (guint i = 0; rule->targets != NULL && i < rule->targets->len; i++)
    {
      YqPushTarget *target = g_ptr_array_index (rule->targets, i);

      if (target->yzj_pub_key != NULL)
        {
          memset (target->yzj_pub_key, 0, strlen (target->yzj_pub_key));
          g_clear_pointer (&target->yzj_pub_key, g_free);
        }
    }
}

static int
rule_add (YqCliContext  *ctx,
          const char    *command,
          char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(RuleOptions) opts = { .spacing = -1 };
  g_autofree GOptionEntry *entries = rule_option_entries (&opts, FALSE);
  g_autofree char *summary = NULL;
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqCliSecret) pub_key = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  summary = g_strconcat (_("Add a push rule: the messages of an OA module (or of every module) "
                           "go to the given targets."),
                         "\n\n", rule_targets_description (), NULL);

  if (!yq_cli_parse_options (command, NULL, summary, entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  if (opts.pub_key_file != NULL && opts.pub_key_env != NULL)
    return yq_cli_usage_error (command, _("--pub-key-file and --pub-key-env exclude each other"));

  if (!yq_cli_read_secret (_("public account key"), opts.pub_key_file, opts.pub_key_env,
                           &pub_key, &error))
    return yq_cli_report_error (error);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (rule->targets == NULL)
    rule->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_push_target_free);

  if (!apply_rule_options (command, &opts, store, rule, TRUE, pub_key, &exit_code))
    return exit_code;

  exit_code = save_rule (ctx, store, rule, opts.json, TRUE);
  wipe_target_keys (rule);

  return exit_code;
}

static int
rule_edit (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(RuleOptions) opts = { .spacing = -1 };
  g_autofree GOptionEntry *entries = rule_option_entries (&opts, TRUE);
  g_autoptr(YqPushRule) rule = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqCliSecret) pub_key = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  store = open_rule_command (ctx, command,
                             _("Change a push rule, given by ID or name. Only the given "
                               "options change."),
                             rule_targets_description (), entries, &argv, &rule, &exit_code);
  if (store == NULL)
    return exit_code;

  if (opts.name == NULL && opts.source == NULL && !opts.all_sources && opts.targets == NULL &&
      opts.pub_id == NULL && opts.pub_key_file == NULL && opts.pub_key_env == NULL &&
      opts.spacing < 0)
    return yq_cli_usage_error (command, _("Nothing to change: give --name, --source, "
                                          "--all-sources, --target or the public account"));

  if (opts.pub_key_file != NULL && opts.pub_key_env != NULL)
    return yq_cli_usage_error (command, _("--pub-key-file and --pub-key-env exclude each other"));

  if (!yq_cli_read_secret (_("public account key"), opts.pub_key_file, opts.pub_key_env,
                           &pub_key, &error))
    return yq_cli_report_error (error);

  if (!apply_rule_options (command, &opts, store, rule, FALSE, pub_key, &exit_code))
    return exit_code;

  exit_code = save_rule (ctx, store, rule, opts.json, FALSE);
  wipe_target_keys (rule);

  return exit_code;
}

static int
rule_set_enabled (YqCliContext  *ctx,
                  const char    *command,
                  char         **args,
                  gboolean       enabled)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqPushRule) rule = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the saved rule as JSON"), NULL },
    { NULL }
  };

  store = open_rule_command (ctx, command,
                             enabled ? _("Enable a push rule, given by ID or name: it routes "
                                         "the messages it takes again.")
                                     : _("Disable a push rule, given by ID or name: it takes no "
                                         "new messages; deliveries already queued go on."),
                             NULL, entries, &argv, &rule, &exit_code);
  if (store == NULL)
    return exit_code;

  rule->enabled = enabled;

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  if (!yq_push_rules_save (store, secrets, rule, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(YqPushRule) saved = yq_push_rules_get (store, rule->id, &error);

      if (saved == NULL)
        return yq_cli_report_error (error);

      print_rule_json (saved);
    }
  else if (enabled)
    {
      g_print (_("Enabled push rule %lld “%s”.\n"), (long long) rule->id, rule->name);
    }
  else
    {
      g_print (_("Disabled push rule %lld “%s”.\n"), (long long) rule->id, rule->name);
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
rule_enable (YqCliContext  *ctx,
             const char    *command,
             char         **args)
{
  return rule_set_enabled (ctx, command, args, TRUE);
}

static int
rule_disable (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  return rule_set_enabled (ctx, command, args, FALSE);
}

static int
rule_remove (YqCliContext  *ctx,
             const char    *command,
             char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqPushRule) rule = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the removed rule as JSON"), NULL },
    { NULL }
  };

  store = open_rule_command (ctx, command,
                             _("Remove a push rule, given by ID or name, with its targets and "
                               "their keys. Its deliveries not yet made are skipped; the log "
                               "keeps the others."),
                             NULL, entries, &argv, &rule, &exit_code);
  if (store == NULL)
    return exit_code;

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  if (!yq_push_rules_remove (store, secrets, rule->id, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    print_rule_json (rule);
  else
    g_print (_("Removed push rule %lld “%s”.\n"), (long long) rule->id, rule->name);

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

/* ---- Tokens ------------------------------------------------------------------- */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
token_to_json (JsonBuilder       *builder,
               const YqPushToken *token)
{
  /* Member names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  yq_cli_json_add_int (builder, "id", token->id);
  yq_cli_json_add_string (builder, "name", token->name);
  yq_cli_json_add_string (builder, "prefix", token->prefix);
  yq_cli_json_add_int (builder, "created_at", token->created_at);
  yq_cli_json_add_id (builder, "last_used_at", token->last_used_at);
  yq_cli_json_add_id (builder, "revoked_at", token->revoked_at);
  json_builder_end_object (builder);
}

static int
token_create (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqCliSecret) token = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("NAME"),
                             _("Create a token the OA authenticates its messages with "
                               "(“Authorization: Bearer yqp_…”). The token is printed once on "
                               "standard output; only its hash is stored."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 1, _("Give the name of the token, e.g. the OA that "
                                               "uses it"),
                          &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  token = yq_push_tokens_create (store, argv[1], &id, &error);
  if (token == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "id", id);
      yq_cli_json_add_string (builder, "name", argv[1]);
      yq_cli_json_add_string (builder, "token", token);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else
    {
      /* Just the token on standard output, for `$(yunqiaoctl push token
       * create OA)`. */
      fputs (token, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
    }

  g_printerr (_("Created intake token %lld “%s”. Store it now: it cannot be shown again.\n"),
              (long long) id, argv[1]);

  /* A service that serves HTTP only while something needs it learns that
   * the intake does. */
  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
token_list (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("List the intake tokens, newest first, revoked ones included. "
                               "Only the first characters of each token are shown."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  tokens = yq_push_tokens_list (store, &error);
  if (tokens == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < tokens->len; i++)
        token_to_json (builder, g_ptr_array_index (tokens, i));
      json_builder_end_array (builder);
      yq_cli_print_builder (builder);
    }
  else if (tokens->len == 0)
    {
      g_print ("%s\n", _("No intake tokens exist. Create one with “yunqiaoctl push token create "
                         "NAME”."));
    }
  else
    {
      const char *headers[] = {
        _("ID"), _("NAME"), _("TOKEN"), _("CREATED"), _("LAST USED"), _("STATE"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < tokens->len; i++)
        {
          const YqPushToken *token = g_ptr_array_index (tokens, i);
          g_autofree char *id = g_strdup_printf ("%lld", (long long) token->id);
          g_autofree char *prefix = g_strconcat ("yqp_", token->prefix, "…", NULL);
          g_autofree char *created = yq_cli_format_time (token->created_at);
          g_autofree char *used = token->last_used_at > 0
                                  ? yq_cli_format_time (token->last_used_at)
                                  : g_strdup (_("never"));
          g_autofree char *revoked = yq_cli_format_time (token->revoked_at);
          g_autofree char *state = token->revoked_at > 0
                                   /* Translators: the time follows */
                                   ? g_strdup_printf (_("revoked %s"), revoked)
                                   : g_strdup (_("valid"));
          const char *cells[] = { id, token->name, prefix, created, used, state };

          G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
          yq_cli_table_add_row (table, cells);
        }

      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

static int
token_revoke (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  const YqPushToken *token = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the revoked token as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("ID"),
                             _("Revoke an intake token: the OA requests that carry it are "
                               "refused from now on. It stays in the list."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 1, _("Missing token ID"), &exit_code))
    return exit_code;

  if (!yq_cli_parse_row_id (argv[1], &id))
    return yq_cli_usage_error (command, _("“%s” is not a token ID; “yunqiaoctl push token list” "
                                          "shows them"),
                               argv[1]);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (!yq_push_tokens_revoke (store, id, &error))
    return yq_cli_report_error (error);

  tokens = yq_push_tokens_list (store, &error);
  if (tokens == NULL)
    return yq_cli_report_error (error);

  for (guint i = 0; i < tokens->len && token == NULL; i++)
    if (((const YqPushToken *) g_ptr_array_index (tokens, i))->id == id)
      token = g_ptr_array_index (tokens, i);

  if (ctx->json && token != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      token_to_json (builder, token);
      yq_cli_print_builder (builder);
    }
  else if (!ctx->json)
    {
      g_print (_("Revoked intake token %lld “%s”.\n"), (long long) id,
               token != NULL ? token->name : "");
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

/* ---- send --------------------------------------------------------------------- */

/* The service's address from the http-address setting; a wildcard
 * listening address is reached over loopback. */
static char *
default_url_base (YqCliContext  *ctx,
                  GError       **error)
{
  g_autoptr(YqStore) store = NULL;
  g_autofree char *value = NULL;
  g_autofree char *host = NULL;
  guint16 port = 0;

  store = yq_cli_open_store (ctx, error);
  if (store == NULL)
    return NULL;

  value = yq_settings_get (store, YQ_SETTING_HTTP_ADDRESS, error);
  if (value == NULL)
    return NULL;

  if (value[0] == '\0')
    {
      g_free (value);
      value = g_strdup (YQ_SETTING_HTTP_ADDRESS_DEFAULT);
    }

  if (!yq_settings_parse_http_address (value, &host, &port, error))
    return NULL;

  if (host[0] == '\0' || g_str_equal (host, "0.0.0.0"))
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }
  else if (g_str_equal (host, "::"))
    {
      g_free (host);
      host = g_strdup ("::1");
    }

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", host, (guint) port);

  return g_strdup_printf ("http://%s:%u", host, (guint) port);
}

/* The endpoint under @base, or %NULL when @base is not an http(s) URL. */
static char *
intake_url (const char *base)
{
  g_autoptr(GUri) uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  g_autofree char *trimmed = NULL;
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return NULL;

  trimmed = g_strdup (base);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  return g_strconcat (trimmed, "/api/v1/messages", NULL);
}

/* A token can only go into a header as printable ASCII without spaces. */
static gboolean
is_token_text (const char *token)
{
  if (token == NULL || token[0] == '\0')
    return FALSE;

  for (const char *p = token; *p != '\0'; p++)
    if (*p <= ' ' || *p >= 0x7f)
      return FALSE;

  return TRUE;
}

/* The "message" of a JSON error answer, else %NULL. */
static char *
error_answer_message (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  JsonNode *root;
  JsonObject *object;
  const char *message;

  if (data == NULL || size == 0 || !json_parser_load_from_data (parser, data, size, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  object = json_node_get_object (root);
  message = json_object_get_string_member_with_default (object, "message", NULL);
  if (message == NULL)
    message = json_object_get_string_member_with_default (object, "error", NULL);

  return g_strdup (message);
}

/* The deliveries of an answer: a count, or an array of them. */
static gint64
answer_deliveries (JsonObject *answer)
{
  JsonNode *node = json_object_get_member (answer, "deliveries");

  if (node == NULL)
    return 0;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node));
  if (JSON_NODE_HOLDS_VALUE (node))
    return json_node_get_int (node);

  return 0;
}

static int
print_send_answer (YqCliContext  *ctx,
                   GBytes        *body,
                   gboolean       replayed,
                   const char    *source)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;
  JsonObject *answer;
  JsonArray *unbound = NULL;
  gint64 deliveries;

  if (data == NULL || !json_parser_load_from_data (parser, data, size, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      yq_cli_error (_("The service accepted the message but its answer is not the expected "
                      "JSON object: %s"),
                    error != NULL ? error->message : _("not an object"));
      return YQ_CLI_EXIT_ERROR;
    }

  root = json_parser_get_root (parser);
  answer = json_node_get_object (root);
  if (json_object_has_member (answer, "unbound") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (answer, "unbound")))
    unbound = json_object_get_array_member (answer, "unbound");
  deliveries = answer_deliveries (answer);

  if (ctx->json)
    {
      /* The service's answer as documented in docs/push-api.md, and
       * whether it was a replay. */
      json_object_set_boolean_member (answer, "replayed", replayed);
      yq_cli_print_json (root);
      return YQ_CLI_EXIT_OK;
    }

  if (replayed)
    g_print (_("The service had seen key “%s” before with the same message; its original "
               "answer follows.\n"),
             json_object_get_string_member_with_default (answer, "idempotency_key", ""));

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Accepted message %lld: %lld delivery queued.\n",
                        "Accepted message %lld: %lld deliveries queued.\n",
                        (gulong) deliveries),
           (long long) json_object_get_int_member_with_default (answer, "id", 0),
           (long long) deliveries);

  if (json_object_get_boolean_member_with_default (answer, "unmatched", FALSE))
    g_print (_("No enabled push rule takes messages from “%s”: nothing will be delivered. "
               "“yunqiaoctl push rule list” shows the rules.\n"),
             source);

  if (unbound != NULL && json_array_get_length (unbound) > 0)
    {
      guint n = json_array_get_length (unbound);
      g_autoptr(GString) accounts = g_string_new (NULL);

      for (guint i = 0; i < n && i < MAX_LISTED; i++)
        {
          if (i > 0)
            g_string_append (accounts, ", ");
          g_string_append (accounts, json_array_get_string_element (unbound, i));
        }
      if (n > MAX_LISTED)
        g_string_append (accounts, ", …");

      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "%u recipient has no binding on a target’s connector and gets "
                            "nothing there: %s\n",
                            "%u recipients have no binding on a target’s connector and get "
                            "nothing there: %s\n",
                            n),
               n, accounts->str);
    }

  return YQ_CLI_EXIT_OK;
}

static gboolean
parse_due (const char *text,
           gint64     *due)
{
  g_autoptr(GDateTime) time = NULL;
  guint64 seconds = 0;

  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &seconds, NULL))
    {
      *due = (gint64) seconds;
      return TRUE;
    }

  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL || g_date_time_to_unix (time) <= 0)
    return FALSE;

  *due = g_date_time_to_unix (time);

  return TRUE;
}

static gboolean
has_recipients (char **to)
{
  return to != NULL && to[0] != NULL;
}

static int
push_send (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *token_env = NULL;
  g_autofree char *token_file = NULL;
  g_autofree char *source = NULL;
  g_auto(GStrv) to = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *title = NULL;
  g_autofree char *content = NULL;
  g_autofree char *url = NULL;
  g_autofree char *mobile_url = NULL;
  g_autofree char *todo_id = NULL;
  g_autofree char *creator = NULL;
  g_autofree char *due = NULL;
  g_autofree char *key = NULL;
  g_autofree char *url_base = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *body = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr(YqCliSecret) token = NULL;
  g_autoptr(YqPushMessage) message = yq_push_message_new ();
  g_autoptr(YqPushMessage) checked = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) request = NULL;
  g_autoptr(GBytes) request_body = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *replayed;
  guint status;
  int exit_code;
  const GOptionEntry entries[] = {
    { "token-env", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &token_env,
      N_("Read the intake token from the environment variable VAR"), N_("VAR") },
    { "token-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &token_file,
      N_("Read the intake token from FILE, or from standard input if FILE is -"), N_("FILE") },
    { "source", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &source,
      N_("The OA module the message comes from, matched against the rules’ sources"),
      N_("MODULE") },
    { "to", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME_ARRAY, &to,
      N_("A recipient’s OA account; repeat for several"), N_("ACCOUNT") },
    { "kind", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &kind,
      N_("notification (default), todo, todo.done or todo.cancelled"), N_("EVENT") },
    { "title", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &title,
      N_("The title; needed for notifications and todos"), N_("TEXT") },
    { "content", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &content,
      N_("The text of the message"), N_("TEXT") },
    { "url", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &url,
      N_("The link (http or https); needed for todos"), N_("URL") },
    { "mobile-url", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &mobile_url,
      N_("The link on phones"), N_("URL") },
    { "todo-id", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &todo_id,
      N_("The OA work item of a todo (default: the key); needed for todo.done and "
         "todo.cancelled"), N_("ID") },
    { "creator", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &creator,
      N_("Todos: the OA account of the person who created it"), N_("ACCOUNT") },
    { "due", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &due,
      N_("Todos: the deadline, as Unix seconds or ISO 8601 with a time zone "
         "(2026-12-31T18:00:00+08:00)"), N_("TIME") },
    { "key", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &key,
      N_("The idempotency key (default: a random UUID); sending the same key again does not "
         "deliver twice"), N_("KEY") },
    { "url-base", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &url_base,
      N_("The address of the service (default: http:// and the http-address setting, "
         "127.0.0.1:8780 unless set)"), N_("URL") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the service’s answer as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("Send a message to the intake endpoint of the running service, "
                               "as the OA does (POST /api/v1/messages, see docs/push-api.md). "
                               "The token is read from a file, standard input or the "
                               "environment, never from the command line."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  {
    const struct { const char *option; const char *value; } texts[] = {
      { "--source", source }, { "--kind", kind }, { "--title", title },
      { "--content", content }, { "--url", url }, { "--mobile-url", mobile_url },
      { "--todo-id", todo_id }, { "--creator", creator }, { "--due", due },
      { "--key", key }, { "--url-base", url_base },
    };

    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      if (!yq_cli_check_utf8_option (command, texts[i].option, texts[i].value, &exit_code))
        return exit_code;

    for (guint i = 0; to != NULL && to[i] != NULL; i++)
      if (!yq_cli_check_utf8_option (command, "--to", to[i], &exit_code))
        return exit_code;
  }

  if (token_env != NULL && token_file != NULL)
    return yq_cli_usage_error (command, _("--token-env and --token-file exclude each other"));
  if (token_env == NULL && token_file == NULL)
    return yq_cli_usage_error (command, _("Give the intake token with --token-env VAR or "
                                          "--token-file FILE (“yunqiaoctl push token create” "
                                          "makes one)"));
  if (source == NULL)
    return yq_cli_usage_error (command, _("--source is required"));

  if (kind != NULL && !yq_push_event_from_string (kind, &message->event))
    return yq_cli_usage_error (command, _("--kind expects notification, todo, todo.done or "
                                          "todo.cancelled, not “%s”"),
                               kind);

  if ((message->event == YQ_PUSH_EVENT_NOTIFICATION || message->event == YQ_PUSH_EVENT_TODO) &&
      !has_recipients (to))
    return yq_cli_usage_error (command, _("Give at least one recipient with --to ACCOUNT"));

  if ((message->event == YQ_PUSH_EVENT_TODO_DONE ||
       message->event == YQ_PUSH_EVENT_TODO_CANCELLED) && todo_id == NULL)
    return yq_cli_usage_error (command, _("--todo-id is required for %s"),
                               yq_push_event_to_string (message->event));

  message->idempotency_key = key != NULL ? g_strdup (key) : g_uuid_string_random ();
  message->source = g_strdup (source);
  message->title = g_strdup (title);
  message->content = g_strdup (content);
  message->url = g_strdup (url);
  message->mobile_url = g_strdup (mobile_url);
  message->recipients = has_recipients (to) ? g_strdupv (to) : NULL;
  message->todo_id = g_strdup (todo_id);
  message->creator = g_strdup (creator);

  if (due != NULL && !parse_due (due, &message->due_time))
    return yq_cli_usage_error (command, _("--due expects Unix seconds or an ISO 8601 time with a "
                                          "time zone, like 2026-12-31T18:00:00+08:00, not “%s”"),
                               due);

  /* The service checks it too; checking here says which option is wrong
   * without a round trip. */
  body = yq_push_message_to_json (message);
  checked = yq_push_message_parse (body, strlen (body), &error);
  if (checked == NULL)
    return yq_cli_usage_error (command, _("The message is not valid: %s"), error->message);

  if (url_base == NULL)
    {
      url_base = default_url_base (ctx, &error);
      if (url_base == NULL)
        return yq_cli_report_error (error);
    }

  endpoint = intake_url (url_base);
  if (endpoint == NULL)
    return yq_cli_usage_error (command, _("--url-base expects the http or https address of the "
                                          "service, like http://127.0.0.1:8780, not “%s”"),
                               url_base);

  if (!yq_cli_read_secret (_("intake token"), token_file, token_env, &token, &error))
    return yq_cli_report_error (error);

  if (!is_token_text (token))
    {
      yq_cli_error (_("The intake token read from %s is not a token: it must be one line of "
                      "printable characters, like yqp_…"),
                    token_file != NULL ? token_file : token_env);
      return YQ_CLI_EXIT_ERROR;
    }

  session = soup_session_new_with_options ("timeout", SEND_TIMEOUT_SECONDS,
                                           "user-agent", "yunqiaoctl/" PACKAGE_VERSION,
                                           NULL);
  request = soup_message_new (SOUP_METHOD_POST, endpoint);
  if (request == NULL)
    return yq_cli_usage_error (command, _("--url-base expects the http or https address of the "
                                          "service, like http://127.0.0.1:8780, not “%s”"),
                               url_base);

  authorization = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (request), "Authorization",
                                authorization);
  memset (authorization, 0, strlen (authorization));
  soup_message_headers_replace (soup_message_get_request_headers (request), "Accept",
                                "application/json");
  request_body = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (request, "application/json", request_body);

  answer = soup_session_send_and_read (session, request, NULL, &error);
  if (answer == NULL)
    {
      yq_cli_error (_("Could not send the message to %s: %s. Check that the Yunqiao service is "
                      "running (“yunqiaoctl service status”) and listens there (--url-base, the "
                      "http-address setting)."),
                    endpoint, error->message);
      return YQ_CLI_EXIT_ERROR;
    }

  status = soup_message_get_status (request);
  replayed = soup_message_headers_get_one (soup_message_get_response_headers (request),
                                           "Idempotent-Replayed");

  if (status == SOUP_STATUS_ACCEPTED || status == SOUP_STATUS_OK)
    return print_send_answer (ctx, answer,
                              replayed != NULL && g_ascii_strcasecmp (replayed, "true") == 0,
                              source);

  {
    g_autofree char *reason = error_answer_message (answer);
    const char *phrase = soup_message_get_reason_phrase (request);

    if (reason == NULL)
      reason = g_strdup (phrase != NULL && phrase[0] != '\0' ? phrase
                                                             : soup_status_get_phrase (status));

    /* Translators: an HTTP status code and the service's message */
    yq_cli_error (_("The service refused the message (HTTP %u): %s"), status, reason);

    if (status == SOUP_STATUS_UNAUTHORIZED)
      g_printerr ("%s\n", _("Check the token; “yunqiaoctl push token list” shows the valid ones "
                            "and “yunqiaoctl push token create NAME” makes a new one."));
    else if (status == SOUP_STATUS_CONFLICT)
      g_printerr ("%s\n", _("The key was used before for another message: give each message "
                            "its own --key."));
  }

  return YQ_CLI_EXIT_ERROR;
}

/* ---- log and retry ---------------------------------------------------------------- */

static void
delivery_to_json (JsonBuilder      *builder,
                  const YqDelivery *delivery)
{
  /* Member names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  yq_cli_json_add_int (builder, "id", delivery->id);
  yq_cli_json_add_int (builder, "message_id", delivery->message_id);
  yq_cli_json_add_string (builder, "idempotency_key", delivery->idempotency_key);
  yq_cli_json_add_string (builder, "source", delivery->source);
  yq_cli_json_add_string (builder, "title", delivery->title);
  yq_cli_json_add_string (builder, "todo_id", delivery->todo_id);
  yq_cli_json_add_string (builder, "event", yq_push_event_to_string (delivery->event));
  yq_cli_json_add_id (builder, "rule_id", delivery->rule_id);
  yq_cli_json_add_id (builder, "target_id", delivery->target_id);
  yq_cli_json_add_int (builder, "connector_id", delivery->connector_id);
  yq_cli_json_add_id (builder, "app_id", delivery->app_id);
  yq_cli_json_add_string (builder, "kind", yq_push_kind_to_string (delivery->kind));
  yq_cli_json_add_string (builder, "oa_account", delivery->oa_account);
  yq_cli_json_add_string (builder, "platform_account", delivery->platform_account);
  yq_cli_json_add_string (builder, "state", yq_delivery_state_to_string (delivery->state));
  yq_cli_json_add_int (builder, "attempts", delivery->attempts);
  yq_cli_json_add_id (builder, "next_attempt_at",
                      delivery->state == YQ_DELIVERY_RETRY || delivery->state == YQ_DELIVERY_PENDING
                      ? delivery->next_attempt_at : 0);
  yq_cli_json_add_string (builder, "last_error", delivery->last_error);
  yq_cli_json_add_string (builder, "platform_ref", delivery->platform_ref);
  yq_cli_json_add_int (builder, "created_at", delivery->created_at);
  yq_cli_json_add_int (builder, "updated_at", delivery->updated_at);
  yq_cli_json_add_id (builder, "delivered_at", delivery->delivered_at);
  json_builder_end_object (builder);
}

/* The event, and the target's kind when it is not the obvious one: a todo
 * announced by a work notification is "todo → notification". */
static char *
delivery_kind_text (const YqDelivery *delivery)
{
  gboolean todo_event = delivery->event != YQ_PUSH_EVENT_NOTIFICATION;

  if (todo_event == (delivery->kind == YQ_PUSH_KIND_TODO))
    return g_strdup (yq_push_event_to_string (delivery->event));

  return g_strdup_printf ("%s → %s", yq_push_event_to_string (delivery->event),
                          yq_push_kind_to_string (delivery->kind));
}

static int
push_log (YqCliContext  *ctx,
          const char    *command,
          char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(GStrv) states = NULL;
  g_autofree char *connector = NULL;
  g_autofree char *message = NULL;
  g_autofree char *search = NULL;
  g_autofree char *limit = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  g_autoptr(GError) error = NULL;
  YqDeliveryFilter filter = { 0 };
  guint total = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "state", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME_ARRAY, &states,
      N_("Only deliveries in this state (pending, sending, delivered, retry, dead, unbound, "
         "skipped); repeat for several"), N_("STATE") },
    { "connector", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &connector,
      N_("Only the deliveries through this connector"), N_("ID") },
    { "message", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &message,
      N_("Only the deliveries of this message (its ID in the intake answer)"), N_("ID") },
    { "search", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &search,
      N_("Only deliveries whose title, key, source, OA account or last error contains TEXT"),
      N_("TEXT") },
    { "limit", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &limit,
      N_("Show at most N deliveries (default: 50; at most 1000)"), N_("N") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("Show the delivery log of message push, newest first: one line "
                               "per message, target and recipient."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  for (guint i = 0; states != NULL && states[i] != NULL; i++)
    {
      YqDeliveryState state;

      if (!yq_delivery_state_from_string (states[i], &state))
        return yq_cli_usage_error (command, _("--state expects pending, sending, delivered, "
                                              "retry, dead, unbound or skipped, not “%s”"),
                                   states[i]);

      filter.states |= 1u << state;
    }

  if (connector != NULL &&
      !yq_cli_parse_connector_id (command, connector, &filter.connector_id, &exit_code))
    return exit_code;

  if (message != NULL && !yq_cli_parse_row_id (message, &filter.message_id))
    return yq_cli_usage_error (command, _("“%s” is not a message ID"), message);

  if (!yq_cli_check_utf8_option (command, "--search", search, &exit_code))
    return exit_code;
  filter.search = search != NULL && search[0] != '\0' ? search : NULL;

  filter.limit = 50;
  if (limit != NULL)
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (limit, 10, 1, 1000, &value, NULL))
        return yq_cli_usage_error (command, _("--limit expects a number from 1 to 1000, not "
                                              "“%s”"),
                                   limit);
      filter.limit = (guint) value;
    }

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (filter.connector_id != 0)
    {
      g_autoptr(YqConnector) found = yq_connectors_get (store, filter.connector_id, &error);

      if (found == NULL)
        return yq_cli_report_error (error);
    }

  deliveries = yq_push_deliveries_list (store, &filter, &total, &error);
  if (deliveries == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "total", total);
      json_builder_set_member_name (builder, "deliveries");
      json_builder_begin_array (builder);
      for (guint i = 0; i < deliveries->len; i++)
        delivery_to_json (builder, g_ptr_array_index (deliveries, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else if (deliveries->len == 0)
    {
      g_print ("%s\n", _("No deliveries match."));
    }
  else
    {
      const char *headers[] = {
        _("ID"), _("TIME"), _("SOURCE"), _("TITLE"), _("RECIPIENT"), _("CONNECTOR"), _("KIND"),
        _("STATE"), _("ATTEMPTS"), _("LAST ERROR"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < deliveries->len; i++)
        {
          const YqDelivery *delivery = g_ptr_array_index (deliveries, i);
          g_autofree char *id = g_strdup_printf ("%lld", (long long) delivery->id);
          g_autofree char *time = yq_cli_format_time (delivery->updated_at);
          g_autofree char *title = cell_text (delivery->title, MAX_TITLE_WIDTH);
          g_autofree char *connector_id = g_strdup_printf ("%lld",
                                                           (long long) delivery->connector_id);
          g_autofree char *attempts = g_strdup_printf ("%u", delivery->attempts);
          g_autofree char *last_error = cell_text (delivery->last_error, MAX_ERROR_WIDTH);
          g_autofree char *kind = delivery_kind_text (delivery);
          const char *cells[] = {
            id,
            time,
            delivery->source,
            title,
            delivery->oa_account,
            connector_id,
            kind,
            yq_delivery_state_to_string (delivery->state),
            attempts,
            last_error,
          };

          G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
          yq_cli_table_add_row (table, cells);
        }

      yq_cli_table_print (table);

      if (total > deliveries->len)
        g_print (_("Showing the newest %u of %u deliveries; --limit shows more, --json the "
                   "full errors.\n"),
                 deliveries->len, total);
    }

  return YQ_CLI_EXIT_OK;
}

static int
push_retry (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_failed = FALSE;
  guint n_given;
  guint n_changed = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "all-failed", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &all_failed,
      N_("Retry every delivery waiting to retry or dead"), NULL },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("[DELIVERY_ID…]"),
                             _("Send failed deliveries (waiting to retry, or dead) again now; "
                               "dead ones get a fresh retry budget. “push log --state dead” "
                               "shows them."),
                             entries, &argv, &exit_code))
    return exit_code;

  n_given = g_strv_length (argv) - 1;

  if (all_failed && n_given > 0)
    return yq_cli_usage_error (command, _("Give delivery IDs or --all-failed, not both"));
  if (!all_failed && n_given == 0)
    return yq_cli_usage_error (command, _("Give the IDs of the deliveries to retry, or "
                                          "--all-failed"));

  if (!all_failed)
    {
      ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_given);
      for (guint i = 1; argv[i] != NULL; i++)
        {
          gint64 id = 0;

          if (!yq_cli_parse_row_id (argv[i], &id))
            return yq_cli_usage_error (command, _("“%s” is not a delivery ID; “yunqiaoctl push "
                                                  "log” shows them"),
                                       argv[i]);
          g_array_append_val (ids, id);
        }
    }

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (!yq_push_deliveries_retry_now (store, ids, now_seconds (), &n_changed, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "retried", n_changed);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else
    {
      g_print (g_dngettext (GETTEXT_PACKAGE, "Queued %u delivery to be sent again now.\n",
                            "Queued %u deliveries to be sent again now.\n", n_changed),
               n_changed);

      if (!all_failed && n_changed < n_given)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%u of the given deliveries was left as it is: only deliveries "
                              "waiting to retry or dead are retried.\n",
                              "%u of the given deliveries were left as they are: only "
                              "deliveries waiting to retry or dead are retried.\n",
                              n_given - n_changed),
                 n_given - n_changed);
    }

  if (n_changed > 0)
    yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

/* ---- Groups ----------------------------------------------------------------- */

static const YqCliCommand rule_commands[] = {
  { "list", NULL, N_("List the push rules"), rule_list },
  { "show", "RULE", N_("Show one push rule with its targets"), rule_show },
  { "add", "--name NAME [--source MODULE] --target CONNECTOR:KIND[:APP]… …",
    N_("Add a push rule"), rule_add },
  { "edit", "RULE …", N_("Change a push rule"), rule_edit },
  { "remove", "RULE", N_("Remove a push rule"), rule_remove },
  { "enable", "RULE", N_("Enable a push rule"), rule_enable },
  { "disable", "RULE", N_("Disable a push rule"), rule_disable },
  { NULL }
};

static const YqCliCommand token_commands[] = {
  { "create", "NAME", N_("Create an intake token and print it once"), token_create },
  { "list", NULL, N_("List the intake tokens"), token_list },
  { "revoke", "ID", N_("Revoke an intake token"), token_revoke },
  { NULL }
};

static int
push_rule (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;

  return yq_cli_dispatch (ctx, command,
                          _("Manage the push rules: which OA module’s messages go to which "
                            "connectors, as work notifications or todos."),
                          rule_commands, argv);
}

static int
push_token (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;

  return yq_cli_dispatch (ctx, command,
                          _("Manage the tokens the OA authenticates its messages with."),
                          token_commands, argv);
}

static const YqCliCommand push_commands[] = {
  { "rule", "list|show|add|edit|remove|enable|disable", N_("Manage the push rules"), push_rule },
  { "token", "create|list|revoke", N_("Manage the intake tokens"), push_token },
  { "send", "--token-file FILE --source MODULE --to ACCOUNT… …",
    N_("Send a message to the running service, as the OA does"), push_send },
  { "log", "[--state STATE]… [--search TEXT] …",
    N_("Show the delivery log"), push_log },
  { "retry", "DELIVERY_ID…|--all-failed", N_("Send failed deliveries again now"), push_retry },
  { NULL }
};

int
yq_cli_push (YqCliContext  *ctx,
             char         **args)
{
  return yq_cli_dispatch (ctx, "push",
                          _("Message push: route the OA’s messages to work notifications and "
                            "todos on the platforms (docs/push-api.md)."),
                          push_commands, args);
}
