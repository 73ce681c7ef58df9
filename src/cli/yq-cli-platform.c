/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "yq-bridge-platform.h"
#include "yq-cli.h"

static YqPlatform *
open_platform (YqCliContext  *ctx,
               gint64         id,
               YqConnector  **connector,
               GError       **error)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;

  store = yq_cli_open_store (ctx, error);
  if (store == NULL)
    return NULL;

  secrets = yq_cli_open_secrets (ctx, error);
  if (secrets == NULL)
    return NULL;

  return yq_bridge_platform_open (store, secrets, id, connector, error);
}

static gboolean
parse_positive (const char  *command,
                const char  *option,
                const char  *text,
                guint        max,
                guint       *value,
                int         *exit_code)
{
  guint64 parsed;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (text, 10, 1, max, &parsed, NULL))
    {
      *exit_code = yq_cli_usage_error (command, _("%s takes a whole number from 1 to %u"),
                                       option, max);
      return FALSE;
    }

  *value = (guint) parsed;

  return TRUE;
}

static const char *
error_nick (const GError *error)
{
  if (error->domain == YQ_PLATFORM_ERROR)
    return yq_platform_error_get_nick (error->code);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return "cancelled";

  return "error";
}

int
yq_cli_connector_test (YqCliContext  *ctx,
                       const char    *command,
                       char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqPlatform) platform = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *timeout_text = NULL;
  YqCliWait call;
  guint timeout = 0;
  gint64 id = 0;
  gint64 started;
  double seconds;
  int exit_code;
  const GOptionEntry entries[] = {
    { "timeout", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &timeout_text,
      N_("Give up on a request after SECONDS"), N_("SECONDS") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Sign in to the connector’s platform and read its directory root, "
                                  "to check the address, the credentials, the clock and the "
                                  "permissions."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (!parse_positive (command, "--timeout", timeout_text, 600, &timeout, &exit_code))
    return exit_code;

  platform = open_platform (ctx, id, &connector, &error);
  if (platform == NULL)
    return yq_cli_report_error (error);

  if (timeout > 0)
    yq_platform_set_timeout (platform, timeout * 1000);

  yq_cli_wait_init (&call);
  started = g_get_monotonic_time ();
  yq_platform_test_connection_async (platform, call.cancellable, yq_cli_wait_done_cb, &call);
  yq_cli_wait_run (&call);
  summary = yq_platform_test_connection_finish (platform, call.result, &error);
  yq_cli_wait_clear (&call);
  seconds = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;

  if (summary == NULL)
    {
      if (ctx->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_int_value (builder, id);
          json_builder_set_member_name (builder, "ok");
          json_builder_add_boolean_value (builder, FALSE);
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, error->message);
          json_builder_set_member_name (builder, "error-code");
          json_builder_add_string_value (builder, error_nick (error));
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          yq_cli_print_json (root);
        }

      return yq_cli_report_error (error);
    }

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, id);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "summary");
      json_builder_add_string_value (builder, summary);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      yq_cli_print_json (root);
    }
  else
    {
      /* Translators: %s is the connector's name, then what the platform answered. */
      g_print (_("The connection of “%s” works: %s (%.1f s)\n"),
               yq_connector_get_name (connector), summary, seconds);
    }

  return YQ_CLI_EXIT_OK;
}

static void
fetch_progress_cb (const YqFetchStats *progress,
                   gpointer            user_data)
{
  YqCliWait *call = user_data;

  if (!yq_cli_wait_progress_due (call))
    return;

  /* Translators: progress of a directory fetch, rewritten in place. */
  g_printerr (_("%u departments, %u people, %u API calls…"),
              progress->departments, progress->people, progress->api_calls);
}

static int
directory_fetch (YqCliContext  *ctx,
                 const char    *command,
                 char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqPlatform) platform = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *concurrency_text = NULL;
  YqFetchStats stats = { 0 };
  YqCliWait call;
  guint concurrency = 0;
  gint64 id = 0;
  double seconds;
  guint n_departments, n_people;
  guint disabled = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "concurrency", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &concurrency_text,
      N_("Keep up to N requests in flight"), N_("N") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Read the whole directory of the connector’s organisation and "
                                  "print what was found: departments, people, API calls and time. "
                                  "Nothing is written."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (!parse_positive (command, "--concurrency", concurrency_text, 64, &concurrency, &exit_code))
    return exit_code;

  platform = open_platform (ctx, id, &connector, &error);
  if (platform == NULL)
    return yq_cli_report_error (error);

  if (concurrency > 0)
    yq_platform_set_concurrency (platform, concurrency);

  yq_cli_wait_init (&call);
  yq_platform_fetch_directory_async (platform, fetch_progress_cb, &call, NULL,
                                     call.cancellable, yq_cli_wait_done_cb, &call);
  yq_cli_wait_run (&call);
  snapshot = yq_platform_fetch_directory_finish (platform, call.result, &stats, &error);
  yq_cli_wait_clear (&call);

  if (snapshot == NULL)
    return yq_cli_report_error (error);

  seconds = (double) stats.wall_time_us / G_USEC_PER_SEC;
  n_departments = yq_org_snapshot_get_n_departments (snapshot);
  n_people = yq_org_snapshot_get_n_people (snapshot);
  for (guint i = 0; i < n_people; i++)
    {
      if (!yq_org_snapshot_get_person (snapshot, i)->active)
        disabled++;
    }

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, id);
      json_builder_set_member_name (builder, "departments");
      json_builder_add_int_value (builder, n_departments);
      json_builder_set_member_name (builder, "people");
      json_builder_add_int_value (builder, n_people);
      json_builder_set_member_name (builder, "disabled-people");
      json_builder_add_int_value (builder, disabled);
      json_builder_set_member_name (builder, "pages");
      json_builder_add_int_value (builder, stats.pages);
      json_builder_set_member_name (builder, "api-calls");
      json_builder_add_int_value (builder, stats.api_calls);
      json_builder_set_member_name (builder, "seconds");
      json_builder_add_double_value (builder, seconds);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      yq_cli_print_json (root);
    }
  else
    {
      g_autofree char *departments = g_strdup_printf ("%u", n_departments);
      g_autofree char *people = g_strdup_printf ("%u", n_people);
      g_autofree char *disabled_text = g_strdup_printf ("%u", disabled);
      g_autofree char *pages = g_strdup_printf ("%u", stats.pages);
      g_autofree char *calls = g_strdup_printf ("%u", stats.api_calls);
      g_autofree char *rate = g_strdup_printf ("%.1f", seconds > 0 ? stats.api_calls / seconds : 0);
      g_autofree char *time_text = g_strdup_printf (_("%.1f s"), seconds);
      const char *labels[] = {
        _("Connector"), _("Departments"), _("People"), _("Disabled people"), _("Pages"),
        _("API calls"), _("Calls per second"), _("Time"),
      };
      const char *values[] = {
        yq_connector_get_name (connector), departments, people, disabled_text, pages,
        calls, rate, time_text,
      };

      G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));
      yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
    }

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand directory_commands[] = {
  { "fetch", "ID", N_("Read a connector’s whole directory and count it"), directory_fetch },
  { NULL }
};

int
yq_cli_directory (YqCliContext  *ctx,
                  char         **args)
{
  return yq_cli_dispatch (ctx, "directory",
                          _("Read the directories of the connected organisations."),
                          directory_commands, args);
}
