/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "yq-cli.h"

/* Far more than any platform secret; stops `cat /dev/zero |` early. */
#define MAX_SECRET_SIZE (64 * 1024)

typedef struct
{
  char     *preset;
  char     *name;
  char     *tenant_id;
  char     *api_base;
  char     *app_key;
  char     *app_secret_file;
  char     *app_secret_env;
  char     *directory_secret_file;
  char     *directory_secret_env;
  char     *qps;
  gboolean  read_write;
  gboolean  read_only;
  gboolean  json;
} ConnectorOptions;

static void
connector_options_clear (ConnectorOptions *opts)
{
  g_clear_pointer (&opts->preset, g_free);
  g_clear_pointer (&opts->name, g_free);
  g_clear_pointer (&opts->tenant_id, g_free);
  g_clear_pointer (&opts->api_base, g_free);
  g_clear_pointer (&opts->app_key, g_free);
  g_clear_pointer (&opts->app_secret_file, g_free);
  g_clear_pointer (&opts->app_secret_env, g_free);
  g_clear_pointer (&opts->directory_secret_file, g_free);
  g_clear_pointer (&opts->directory_secret_env, g_free);
  g_clear_pointer (&opts->qps, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConnectorOptions, connector_options_clear)

/* Secrets are wiped before they are freed so that they do not linger in
 * freed heap memory. */
void
yq_cli_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  memset (secret, 0, strlen (secret));
  g_free (secret);
}

static char *
read_stream_secret (FILE        *stream,
                    const char  *source,
                    GError     **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  char chunk[4096];
  size_t n;

  while ((n = fread (chunk, 1, sizeof chunk, stream)) > 0)
    {
      g_string_append_len (buffer, chunk, (gssize) n);
      memset (chunk, 0, sizeof chunk);

      if (buffer->len > MAX_SECRET_SIZE)
        {
          memset (buffer->str, 0, buffer->len);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("The secret read from %s is too long"), source);
          return NULL;
        }
    }

  if (ferror (stream))
    {
      memset (buffer->str, 0, buffer->len);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not read the secret from %s"), source);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&buffer), FALSE);
}

/**
 * yq_cli_read_secret:
 * @what: which secret, for messages
 * @file: (nullable): a file to read, or "-" for standard input
 * @env: (nullable): an environment variable to read
 * @secret: (out): the secret, %NULL when neither source was given
 *
 * Secrets never come from plain arguments: those show in `ps` and in the
 * shell history. One trailing line break, as `echo` and editors leave it,
 * is not part of the secret.
 */
gboolean
yq_cli_read_secret (const char  *what,
                    const char  *file,
                    const char  *env,
                    char       **secret,
                    GError     **error)
{
  g_autoptr(YqCliSecret) value = NULL;
  gsize len;

  *secret = NULL;

  if (file != NULL && g_str_equal (file, "-"))
    {
      value = read_stream_secret (stdin, _("standard input"), error);
      if (value == NULL)
        return FALSE;
    }
  else if (file != NULL)
    {
      gsize length = 0;

      if (!g_file_get_contents (file, &value, &length, error))
        return FALSE;

      if (length > MAX_SECRET_SIZE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("The secret read from %s is too long"), file);
          return FALSE;
        }
    }
  else if (env != NULL)
    {
      const char *env_value = g_getenv (env);

      if (env_value == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("The environment variable %s for the %s is not set"), env, what);
          return FALSE;
        }

      value = g_strdup (env_value);
    }
  else
    {
      return TRUE;
    }

  len = strlen (value);
  if (len > 0 && value[len - 1] == '\n')
    value[--len] = '\0';
  if (len > 0 && value[len - 1] == '\r')
    value[--len] = '\0';

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The %s is not valid UTF-8 text"), what);
      return FALSE;
    }

  *secret = g_steal_pointer (&value);

  return TRUE;
}

static JsonNode *
connector_to_json (YqConnector *connector)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  YqPlatformKind kind = yq_connector_get_kind (connector);
  YqConnectorPreset preset = yq_connector_get_preset (connector);

  /* Field names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, yq_connector_get_id (connector));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, yq_connector_get_name (connector));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, yq_platform_kind_to_string (kind));
  json_builder_set_member_name (builder, "preset");
  json_builder_add_string_value (builder, yq_connector_preset_to_string (preset));
  json_builder_set_member_name (builder, "tenant_id");
  json_builder_add_string_value (builder, yq_connector_get_tenant_id (connector));
  json_builder_set_member_name (builder, "api_base");
  json_builder_add_string_value (builder, yq_connector_get_api_base (connector));
  json_builder_set_member_name (builder, "app_key");
  json_builder_add_string_value (builder, yq_connector_get_app_key (connector));
  json_builder_set_member_name (builder, "directory_readonly");
  json_builder_add_boolean_value (builder, yq_connector_get_directory_readonly (connector));
  json_builder_set_member_name (builder, "qps");
  json_builder_add_int_value (builder, yq_connector_get_qps (connector));
  json_builder_set_member_name (builder, "has_app_secret");
  json_builder_add_boolean_value (builder, yq_connector_get_has_app_secret (connector));
  json_builder_set_member_name (builder, "has_directory_secret");
  json_builder_add_boolean_value (builder, yq_connector_get_has_directory_secret (connector));
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, yq_connector_get_created_at (connector));
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_int_value (builder, yq_connector_get_updated_at (connector));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char *
access_string (YqConnector *connector)
{
  return yq_connector_get_directory_readonly (connector) ? _("read-only") : _("read-write");
}

static void
print_connector (YqConnector *connector)
{
  YqPlatformKind kind = yq_connector_get_kind (connector);
  YqConnectorPreset preset = yq_connector_get_preset (connector);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, yq_connector_get_id (connector));
  g_autofree char *preset_text = g_strdup_printf ("%s (%s)",
                                                  yq_connector_preset_get_display_name (preset),
                                                  yq_connector_preset_to_string (preset));
  g_autofree char *qps = g_strdup_printf ("%u", yq_connector_get_qps (connector));
  g_autofree char *created = yq_cli_format_time (yq_connector_get_created_at (connector));
  g_autofree char *updated = yq_cli_format_time (yq_connector_get_updated_at (connector));
  const char *directory_secret;
  const char *labels[] = {
    _("ID"),
    _("Name"),
    _("Platform"),
    _("Preset"),
    yq_platform_kind_get_tenant_label (kind),
    _("API base URL"),
    yq_platform_kind_get_app_key_label (kind),
    _("Directory access"),
    _("Requests per second"),
    _("App secret"),
    _("Directory secret"),
    _("Created"),
    _("Updated"),
  };

  if (yq_connector_get_has_directory_secret (connector))
    directory_secret = _("set");
  else if (yq_connector_needs_directory_secret (connector))
    directory_secret = _("not set");
  else
    directory_secret = _("not needed");

  {
    const char *values[] = {
      id,
      yq_connector_get_name (connector),
      yq_platform_kind_get_display_name (kind),
      preset_text,
      yq_connector_get_tenant_id (connector),
      yq_connector_get_api_base (connector),
      yq_connector_get_app_key (connector),
      access_string (connector),
      qps,
      yq_connector_get_has_app_secret (connector) ? _("set") : _("not set"),
      directory_secret,
      created,
      updated,
    };

    G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));
    yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
  }
}

static int
connector_list (YqCliContext  *ctx,
                const char    *command,
                char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL, _("List the configured connectors."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (g_strv_length (argv) > 1)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connectors = yq_connectors_list (store, &error);
  if (connectors == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_sized_new (connectors->len);

      for (guint i = 0; i < connectors->len; i++)
        json_array_add_element (array, connector_to_json (g_ptr_array_index (connectors, i)));

      json_node_set_array (root, array);
      yq_cli_print_json (root);
    }
  else if (connectors->len == 0)
    {
      g_print ("%s\n", _("No connectors are configured."));
    }
  else
    {
      const char *headers[] = {
        _("ID"), _("NAME"), _("PLATFORM"), _("TENANT"), _("ACCESS"), _("API BASE URL"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < connectors->len; i++)
        {
          YqConnector *connector = g_ptr_array_index (connectors, i);
          YqConnectorPreset preset = yq_connector_get_preset (connector);
          g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 yq_connector_get_id (connector));
          const char *cells[] = {
            id,
            yq_connector_get_name (connector),
            yq_connector_preset_get_display_name (preset),
            yq_connector_get_tenant_id (connector),
            access_string (connector),
            yq_connector_get_api_base (connector),
          };

          G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
          yq_cli_table_add_row (table, cells);
        }

      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

static int
connector_show (YqCliContext  *ctx,
                const char    *command,
                char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command, _("Show one connector. Secrets are never shown."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connector = yq_connectors_get (store, id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = connector_to_json (connector);

      yq_cli_print_json (root);
    }
  else
    {
      print_connector (connector);
    }

  return YQ_CLI_EXIT_OK;
}

static GOptionEntry *
connector_option_entries (ConnectorOptions *opts)
{
  const GOptionEntry entries[] = {
    { "preset", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->preset,
      N_("Platform preset: zwdd-dgwork, zwdd-zj, yzj-public or yzj-private"), N_("PRESET") },
    { "name", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->name,
      N_("Name shown in Yunqiao"), N_("NAME") },
    { "tenant-id", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->tenant_id,
      N_("Tenant ID (Government DingTalk) or team ID, EID (Yunzhijia)"), N_("ID") },
    { "api-base", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->api_base,
      N_("API base URL, required for Yunzhijia private deployments"), N_("URL") },
    { "app-key", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->app_key,
      N_("AppKey (Government DingTalk) or AppId (Yunzhijia) of the app"), N_("KEY") },
    { "app-secret-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->app_secret_file,
      N_("Read the app secret from FILE, or from standard input if FILE is -"), N_("FILE") },
    { "app-secret-env", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->app_secret_env,
      N_("Read the app secret from the environment variable VAR"), N_("VAR") },
    { "directory-secret-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME,
      &opts->directory_secret_file,
      N_("Read the Yunzhijia directory secret from FILE, or from standard input if FILE is -"),
      N_("FILE") },
    { "directory-secret-env", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME,
      &opts->directory_secret_env,
      N_("Read the Yunzhijia directory secret from the environment variable VAR"), N_("VAR") },
    { "read-write", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->read_write,
      N_("Allow Yunqiao to change the platform directory"), NULL },
    { "read-only", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->read_only,
      N_("Only read the platform directory"), NULL },
    { "qps", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->qps,
      N_("Maximum API requests per second"), N_("N") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->json,
      N_("Print the saved connector as JSON"), NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

/* Checks what GOption cannot and applies the given options to @connector.
 * Returns FALSE on a usage error, which has been reported. */
static gboolean
apply_options (const char       *command,
               ConnectorOptions *opts,
               YqConnector      *connector,
               int              *exit_code)
{
  /* Text options are taken as bytes rather than converted from the locale
   * charset, so that Chinese names work under the C locale of many
   * servers and containers; they must be UTF-8. */
  const struct { const char *option; const char *value; } texts[] = {
    { "--preset", opts->preset },
    { "--name", opts->name },
    { "--tenant-id", opts->tenant_id },
    { "--api-base", opts->api_base },
    { "--app-key", opts->app_key },
    { "--qps", opts->qps },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (!yq_cli_check_utf8_option (command, texts[i].option, texts[i].value, exit_code))
      return FALSE;

  if (opts->read_write && opts->read_only)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--read-write and --read-only exclude each other"));
      return FALSE;
    }

  if (opts->app_secret_file != NULL && opts->app_secret_env != NULL)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--app-secret-file and --app-secret-env exclude each "
                                         "other"));
      return FALSE;
    }

  if (opts->directory_secret_file != NULL && opts->directory_secret_env != NULL)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--directory-secret-file and --directory-secret-env "
                                         "exclude each other"));
      return FALSE;
    }

  if (g_strcmp0 (opts->app_secret_file, "-") == 0
      && g_strcmp0 (opts->directory_secret_file, "-") == 0)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("Only one secret can be read from standard input"));
      return FALSE;
    }

  if (opts->preset != NULL)
    {
      YqConnectorPreset preset;

      if (!yq_connector_preset_from_string (opts->preset, &preset))
        {
          *exit_code = yq_cli_usage_error (command,
                                           _("Unknown preset “%s”; use zwdd-dgwork, zwdd-zj, "
                                             "yzj-public or yzj-private"),
                                           opts->preset);
          return FALSE;
        }

      if (preset != yq_connector_get_preset (connector))
        yq_connector_set_preset (connector, preset);
    }

  if (opts->qps != NULL)
    {
      guint64 qps = 0;

      if (!g_ascii_string_to_unsigned (opts->qps, 10, 0, G_MAXUINT, &qps, NULL))
        {
          *exit_code = yq_cli_usage_error (command, _("--qps expects a whole number, not “%s”"),
                                           opts->qps);
          return FALSE;
        }

      yq_connector_set_qps (connector, (guint) qps);
    }

  if (opts->name != NULL)
    yq_connector_set_name (connector, opts->name);
  if (opts->tenant_id != NULL)
    yq_connector_set_tenant_id (connector, opts->tenant_id);
  if (opts->api_base != NULL)
    yq_connector_set_api_base (connector, opts->api_base);
  if (opts->app_key != NULL)
    yq_connector_set_app_key (connector, opts->app_key);
  if (opts->read_write)
    yq_connector_set_directory_readonly (connector, FALSE);
  if (opts->read_only)
    yq_connector_set_directory_readonly (connector, TRUE);

  *exit_code = YQ_CLI_EXIT_OK;

  return TRUE;
}

/* Names the option that sets a field, so that a message can be tied to
 * what the caller typed. */
static const char *
field_option (int field)
{
  switch ((YqConnectorField) field)
    {
    case YQ_CONNECTOR_FIELD_NAME:
      return "--name";
    case YQ_CONNECTOR_FIELD_TENANT_ID:
      return "--tenant-id";
    case YQ_CONNECTOR_FIELD_API_BASE:
      return "--api-base";
    case YQ_CONNECTOR_FIELD_APP_KEY:
      return "--app-key";
    case YQ_CONNECTOR_FIELD_APP_SECRET:
      return "--app-secret-file";
    case YQ_CONNECTOR_FIELD_DIRECTORY_SECRET:
      return "--directory-secret-file";
    case YQ_CONNECTOR_FIELD_QPS:
      return "--qps";
    default:
      return "connector";
    }
}

/* Reads the secrets, validates and saves. Every failing field is reported,
 * one per line, so that a script's author can fix them all at once. */
static int
validate_and_save (YqCliContext     *ctx,
                   ConnectorOptions *opts,
                   YqConnector      *connector,
                   gboolean          is_new)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqCliSecret) app_secret = NULL;
  g_autoptr(YqCliSecret) directory_secret = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  if (!yq_cli_read_secret (_("app secret"), opts->app_secret_file, opts->app_secret_env,
                           &app_secret, &error))
    return yq_cli_report_error (error);

  if (!yq_cli_read_secret (_("directory secret"), opts->directory_secret_file,
                           opts->directory_secret_env, &directory_secret, &error))
    return yq_cli_report_error (error);

  problems = yq_connector_validate (connector, app_secret, directory_secret);
  if (problems != NULL && problems->len > 0)
    {
      for (guint i = 0; i < problems->len; i++)
        {
          const GError *problem = g_ptr_array_index (problems, i);

          yq_cli_error ("%s: %s", field_option (problem->code), problem->message);
        }

      return YQ_CLI_EXIT_ERROR;
    }

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  if (!yq_connectors_save (store, secrets, connector, app_secret, directory_secret, &error))
    return yq_cli_report_error (error);

  if (opts->json || ctx->json)
    {
      g_autoptr(YqConnector) saved = yq_connectors_get (store, yq_connector_get_id (connector),
                                                        &error);
      g_autoptr(JsonNode) root = NULL;

      if (saved == NULL)
        return yq_cli_report_error (error);

      root = connector_to_json (saved);
      yq_cli_print_json (root);
    }
  else
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, yq_connector_get_id (connector));

      if (is_new)
        g_print (_("Added connector %s “%s”.\n"), id, yq_connector_get_name (connector));
      else
        g_print (_("Updated connector %s “%s”.\n"), id, yq_connector_get_name (connector));
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
connector_add (YqCliContext  *ctx,
               const char    *command,
               char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(ConnectorOptions) opts = { NULL };
  g_autofree GOptionEntry *entries = connector_option_entries (&opts);
  g_autoptr(YqConnector) connector = NULL;
  YqConnectorPreset preset;
  int exit_code;

  if (!yq_cli_parse_options (command, NULL,
                             _("Add a connector. Secrets are read from a file, standard input "
                               "or an environment variable, never from the command line."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (g_strv_length (argv) > 1)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  if (opts.preset == NULL)
    return yq_cli_usage_error (command, _("--preset is required"));

  if (!yq_connector_preset_from_string (opts.preset, &preset))
    return yq_cli_usage_error (command,
                               _("Unknown preset “%s”; use zwdd-dgwork, zwdd-zj, yzj-public or "
                                 "yzj-private"),
                               opts.preset);

  connector = yq_connector_new (preset);
  if (!apply_options (command, &opts, connector, &exit_code))
    return exit_code;

  return validate_and_save (ctx, &opts, connector, TRUE);
}

static int
connector_edit (YqCliContext  *ctx,
                const char    *command,
                char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(ConnectorOptions) opts = { NULL };
  g_autofree GOptionEntry *entries = connector_option_entries (&opts);
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;

  if (!yq_cli_parse_id_command (command,
                                _("Change a connector. Only the given options change; secrets "
                                  "that are not given are kept."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connector = yq_connectors_get (store, id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  if (!apply_options (command, &opts, connector, &exit_code))
    return exit_code;

  g_clear_object (&store);

  return validate_and_save (ctx, &opts, connector, FALSE);
}

static int
connector_remove (YqCliContext  *ctx,
                  const char    *command,
                  char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the removed connector as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Remove a connector and its stored secrets. There is no "
                                  "confirmation question."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connector = yq_connectors_get (store, id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  if (!yq_connectors_delete (store, secrets, id, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = connector_to_json (connector);

      yq_cli_print_json (root);
    }
  else
    {
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

      g_print (_("Removed connector %s “%s”.\n"), id_text, yq_connector_get_name (connector));
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand connector_commands[] = {
  { "list", NULL, N_("List the connectors"), connector_list },
  { "show", "ID", N_("Show one connector"), connector_show },
  { "add", "--preset PRESET …", N_("Add a connector"), connector_add },
  { "edit", "ID …", N_("Change a connector"), connector_edit },
  { "remove", "ID", N_("Remove a connector"), connector_remove },
  { "test", "ID", N_("Test a connector’s connection to its platform"), yq_cli_connector_test },
  { NULL }
};

int
yq_cli_connector (YqCliContext  *ctx,
                  char         **args)
{
  return yq_cli_dispatch (ctx, "connector",
                          _("Manage the connectors to Government DingTalk and Yunzhijia tenants."),
                          connector_commands, args);
}
