/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-cli.h"
#include "yq-dbus-generated.h"

/* Returns %NULL without an error when there is no session bus or, unless
 * @auto_start, when the service is not running. */
static YqDBusService *
get_service (gboolean   auto_start,
             GError   **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(YqDBusService) proxy = NULL;
  GDBusProxyFlags flags = G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES
                          | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return NULL;

  if (!auto_start)
    flags |= G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START;

  proxy = yq_dbus_service_proxy_new_sync (bus, flags, SERVICE_BUS_NAME, SERVICE_MAIN_PATH,
                                          NULL, error);
  if (proxy == NULL)
    return NULL;

  if (!auto_start)
    {
      g_autofree char *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (proxy));

      if (owner == NULL)
        return NULL;
    }

  return g_steal_pointer (&proxy);
}

static gboolean
is_not_running_error (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/**
 * yq_cli_notify_service:
 * @ctx: the global options
 *
 * Asks a running service to re-read its configuration after a change. A
 * service that is not running reads it when it starts, so it is not
 * started for this.
 */
void
yq_cli_notify_service (YqCliContext *ctx)
{
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GError) error = NULL;

  proxy = get_service (FALSE, &error);
  if (proxy == NULL)
    return;

  if (!yq_dbus_service_call_reload_sync (proxy, NULL, &error))
    {
      if (is_not_running_error (error))
        return;

      g_dbus_error_strip_remote_error (error);
      yq_cli_error (_("The change was saved, but the service could not reload it: %s"),
                    error->message);
    }
}

static char *
status_string (GVariantDict *status,
               const char   *key)
{
  g_autoptr(GVariant) value = g_variant_dict_lookup_value (status, key, NULL);

  if (value == NULL)
    return g_strdup ("");

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (yq_cli_yes_no (g_variant_get_boolean (value)));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));

  return g_variant_print (value, FALSE);
}

static void
print_status_json (GVariant *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "running");
  json_builder_add_boolean_value (builder, TRUE);

  g_variant_iter_init (&iter, status);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      g_autofree char *name = g_strdelimit (g_strdup (key), "-", '_');

      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder, json_gvariant_serialize (value));
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  yq_cli_print_json (root);
}

static void
print_status (GVariant *status)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (status);
  g_autofree char *started = NULL;
  gint64 started_at = 0;
  const char *labels[] = {
    _("Status"),
    _("Version"),
    _("Process ID"),
    _("Started"),
    _("Data directory"),
    _("Connectors"),
    _("Foreground"),
    _("Secrets backend"),
    _("Reloads"),
    _("Running jobs"),
    _("HTTP endpoints"),
  };
  g_autofree char *version = status_string (&dict, "version");
  g_autofree char *pid = status_string (&dict, "pid");
  g_autofree char *data_dir = status_string (&dict, "data-dir");
  g_autofree char *connectors = status_string (&dict, "connectors");
  g_autofree char *foreground = status_string (&dict, "foreground");
  g_autofree char *backend = status_string (&dict, "secrets-backend");
  g_autofree char *reloads = status_string (&dict, "reloads");
  g_autofree char *jobs = status_string (&dict, "jobs");
  g_autofree char *http = status_string (&dict, "http");
  g_autoptr(GVariant) schedules = g_variant_dict_lookup_value (&dict, "schedules",
                                                               G_VARIANT_TYPE ("aa{sv}"));

  g_variant_dict_lookup (&dict, "started-at", "x", &started_at);
  started = yq_cli_format_time (started_at);

  {
    const char *values[] = {
      _("running"), version, pid, started, data_dir, connectors, foreground, backend, reloads,
      jobs, g_str_equal (http, "not-configured") ? _("not configured") : http,
    };

    G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));
    yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
  }

  if (schedules != NULL && g_variant_n_children (schedules) > 0)
    {
      const char *headers[] = { _("CONNECTOR"), _("DIRECTION"), _("NEXT RUN"), _("LAST SLOT") };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (gsize i = 0; i < g_variant_n_children (schedules); i++)
        {
          g_autoptr(GVariant) entry = g_variant_get_child_value (schedules, i);
          g_auto(GVariantDict) schedule = G_VARIANT_DICT_INIT (entry);
          g_autofree char *name = status_string (&schedule, "connector-name");
          g_autofree char *direction = status_string (&schedule, "direction");
          g_autofree char *next = NULL;
          g_autofree char *last = NULL;
          gint64 next_run = 0, last_run = 0;

          g_variant_dict_lookup (&schedule, "next-run", "x", &next_run);
          g_variant_dict_lookup (&schedule, "last-slot", "x", &last_run);
          next = next_run > 0 ? yq_cli_format_time (next_run) : g_strdup (_("never"));
          last = last_run > 0 ? yq_cli_format_time (last_run) : g_strdup (_("never"));
          {
            const char *cells[] = { name, direction, next, last };

            yq_cli_table_add_row (table, cells);
          }
        }

      g_print ("\n");
      yq_cli_table_print (table);
    }
}

static int
service_status (YqCliContext  *ctx,
                const char    *command,
                char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean start = FALSE;
  int exit_code;
  const GOptionEntry entries[] = {
    { "start", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &start,
      N_("Start the service if it is not running"), NULL },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL, _("Show the state of the companion service."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (g_strv_length (argv) > 1)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  proxy = get_service (start, &error);
  if (proxy != NULL)
    yq_dbus_service_call_get_status_sync (proxy, &status, NULL, &error);

  if (status == NULL)
    {
      if (error != NULL && !is_not_running_error (error))
        return yq_cli_report_error (error);

      if (ctx->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "running");
          json_builder_add_boolean_value (builder, FALSE);
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          yq_cli_print_json (root);
        }

      yq_cli_error (_("The service is not running (bus name %s)"), SERVICE_BUS_NAME);

      return YQ_CLI_EXIT_ERROR;
    }

  if (ctx->json)
    print_status_json (status);
  else
    print_status (status);

  return YQ_CLI_EXIT_OK;
}

static JsonNode *
job_to_json (YqDBusJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) summary = json_from_string (yq_dbus_job_get_summary (job), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, g_dbus_proxy_get_object_path (G_DBUS_PROXY (job)));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, yq_dbus_job_get_kind (job));
  json_builder_set_member_name (builder, "connector");
  json_builder_add_int_value (builder, yq_dbus_job_get_connector (job));
  json_builder_set_member_name (builder, "connector-name");
  json_builder_add_string_value (builder, yq_dbus_job_get_connector_name (job));
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, yq_dbus_job_get_direction (job));
  json_builder_set_member_name (builder, "scheduled");
  json_builder_add_boolean_value (builder, yq_dbus_job_get_scheduled (job));
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, yq_dbus_job_get_state (job));
  json_builder_set_member_name (builder, "fraction");
  json_builder_add_double_value (builder, yq_dbus_job_get_fraction (job));
  json_builder_set_member_name (builder, "step");
  json_builder_add_string_value (builder, yq_dbus_job_get_step (job));
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, yq_dbus_job_get_error (job));
  json_builder_set_member_name (builder, "needs-confirmation");
  json_builder_add_boolean_value (builder, yq_dbus_job_get_needs_confirmation (job));
  json_builder_set_member_name (builder, "run");
  json_builder_add_int_value (builder, yq_dbus_job_get_run_id (job));
  json_builder_set_member_name (builder, "started-at");
  json_builder_add_int_value (builder, yq_dbus_job_get_started_at (job));
  json_builder_set_member_name (builder, "finished-at");
  json_builder_add_int_value (builder, yq_dbus_job_get_finished_at (job));
  json_builder_set_member_name (builder, "summary");
  if (summary != NULL)
    json_builder_add_value (builder, g_steal_pointer (&summary));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static int
service_jobs (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("List the service’s jobs: the running ones and the last "
                               "finished ones."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (g_strv_length (argv) > 1)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  proxy = get_service (FALSE, &error);
  if (proxy != NULL)
    yq_dbus_service_call_list_jobs_sync (proxy, &paths, NULL, &error);
  if (paths == NULL)
    {
      if (error != NULL && !is_not_running_error (error))
        return yq_cli_report_error (error);
      yq_cli_error (_("The service is not running (bus name %s)"), SERVICE_BUS_NAME);
      return YQ_CLI_EXIT_ERROR;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      GDBusConnection *bus = g_dbus_proxy_get_connection (G_DBUS_PROXY (proxy));
      YqDBusJob *job = yq_dbus_job_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                                   SERVICE_BUS_NAME, paths[i], NULL, &error);

      if (job == NULL)
        return yq_cli_report_error (error);
      g_ptr_array_add (jobs, job);
    }

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_sized_new (jobs->len);

      for (guint i = 0; i < jobs->len; i++)
        json_array_add_element (array, job_to_json (g_ptr_array_index (jobs, i)));
      json_node_set_array (root, array);
      yq_cli_print_json (root);
    }
  else if (jobs->len == 0)
    {
      g_print ("%s\n", _("The service has no jobs."));
    }
  else
    {
      const char *headers[] = {
        _("STARTED"), _("CONNECTOR"), _("KIND"), _("DIRECTION"), _("STATE"), _("STEP"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < jobs->len; i++)
        {
          YqDBusJob *job = g_ptr_array_index (jobs, i);
          g_autofree char *started = yq_cli_format_time (yq_dbus_job_get_started_at (job));
          const char *step = yq_dbus_job_get_error (job);
          const char *cells[6];

          if (step == NULL || *step == '\0')
            step = yq_dbus_job_get_step (job);
          cells[0] = started;
          cells[1] = yq_dbus_job_get_connector_name (job);
          cells[2] = yq_dbus_job_get_kind (job);
          cells[3] = yq_dbus_job_get_direction (job);
          cells[4] = yq_dbus_job_get_state (job);
          cells[5] = step;
          yq_cli_table_add_row (table, cells);
        }
      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand service_commands[] = {
  { "status", "[--start]", N_("Show whether the service runs and what it loaded"), service_status },
  { "jobs", NULL, N_("List the service’s jobs"), service_jobs },
  { NULL }
};

int
yq_cli_service (YqCliContext  *ctx,
                char         **args)
{
  return yq_cli_dispatch (ctx, "service", _("Talk to the companion service over D-Bus."),
                          service_commands, args);
}
