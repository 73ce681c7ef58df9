/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-cli.h"

static int
settings_get (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("[KEY]"),
                             _("Print one setting, or all settings with their descriptions."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (g_strv_length (argv) > 2)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[2]);

  if (argv[1] != NULL)
    {
      g_ptr_array_add (keys, argv[1]);
    }
  else
    {
      const char * const *all = yq_settings_list_keys ();

      for (guint i = 0; all[i] != NULL; i++)
        g_ptr_array_add (keys, (gpointer) all[i]);
    }

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  for (guint i = 0; i < keys->len; i++)
    {
      char *value = yq_settings_get (store, g_ptr_array_index (keys, i), &error);

      if (error != NULL)
        return yq_cli_report_error (error);

      g_ptr_array_add (values, value);
    }

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      for (guint i = 0; i < keys->len; i++)
        {
          const char *value = g_ptr_array_index (values, i);

          json_builder_set_member_name (builder, g_ptr_array_index (keys, i));
          if (value != NULL && value[0] != '\0')
            json_builder_add_string_value (builder, value);
          else
            json_builder_add_null_value (builder);
        }
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      yq_cli_print_json (root);
    }
  else if (argv[1] != NULL)
    {
      const char *value = g_ptr_array_index (values, 0);

      /* Just the value, for `$(yunqiaoctl settings get KEY)`; an unset
       * value prints nothing. */
      if (value != NULL && value[0] != '\0')
        g_print ("%s\n", value);
    }
  else
    {
      const char *headers[] = { _("KEY"), _("VALUE"), _("DESCRIPTION") };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < keys->len; i++)
        {
          const char *key = g_ptr_array_index (keys, i);
          const char *value = g_ptr_array_index (values, i);
          const char *cells[] = {
            key,
            value != NULL && value[0] != '\0' ? value : _("(not set)"),
            yq_settings_describe_key (key),
          };

          yq_cli_table_add_row (table, cells);
        }

      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

static int
settings_set (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("KEY VALUE"),
                             _("Change a setting. An empty VALUE clears it."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] == NULL)
    return yq_cli_usage_error (command, _("Missing setting name"));
  if (argv[2] == NULL)
    return yq_cli_usage_error (command, _("Missing value for “%s”"), argv[1]);
  if (argv[3] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[3]);

  if (!yq_settings_validate (argv[1], argv[2], &error))
    return yq_cli_report_error (error);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (!yq_settings_set (store, argv[1], argv[2], &error))
    return yq_cli_report_error (error);

  /* The stored value may differ from the given one (white space and
   * trailing slashes are dropped), so show what was stored. */
  stored = yq_settings_get (store, argv[1], &error);
  if (stored == NULL)
    return yq_cli_report_error (error);

  if (stored[0] != '\0')
    g_print (_("Set %s to %s.\n"), argv[1], stored);
  else
    g_print (_("Cleared %s.\n"), argv[1]);

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static const YqCliCommand settings_commands[] = {
  { "get", "[KEY]", N_("Print settings"), settings_get },
  { "set", "KEY VALUE", N_("Change a setting"), settings_set },
  { NULL }
};

int
yq_cli_settings (YqCliContext  *ctx,
                 char         **args)
{
  return yq_cli_dispatch (ctx, "settings", _("Read and change the bridge settings."),
                          settings_commands, args);
}
