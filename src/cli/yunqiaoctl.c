/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <unistd.h>

#include "yq-cli.h"
#include "yq-service-error.h"

void
yq_cli_error (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("yunqiaoctl: %s\n", message);
}

int
yq_cli_report_error (const GError *error)
{
  g_autofree char *message = g_strdup (error->message);

  /* Errors the service did not map to a Yunqiao domain still carry the
   * raw D-Bus error name in front of the message. */
  if (g_dbus_error_is_remote_error (error))
    {
      g_autoptr(GError) copy = g_error_copy (error);

      g_dbus_error_strip_remote_error (copy);
      g_free (message);
      message = g_strdup (copy->message);
    }

  yq_cli_error ("%s", message);

  return YQ_CLI_EXIT_ERROR;
}

int
yq_cli_usage_error (const char *command,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  yq_cli_error ("%s", message);
  if (command != NULL)
    g_printerr (_("Try “yunqiaoctl %s --help” for more information.\n"), command);
  else
    g_printerr (_("Try “yunqiaoctl --help” for more information.\n"));

  return YQ_CLI_EXIT_USAGE;
}

/**
 * yq_cli_parse_options:
 * @command: the command as typed, e.g. "connector add"
 * @parameters: (nullable): the positional parameters for the usage line
 * @summary: what the command does, for `--help`
 * @entries: the command's options
 * @args: (inout): the arguments; parsed options are removed
 * @exit_code: (out): the exit code when parsing fails
 *
 * Parses the options of one command. `--help` prints the command's help
 * and exits.
 *
 * Returns: %FALSE on a usage error, which has been reported
 */
gboolean
yq_cli_parse_options (const char          *command,
                      const char          *parameters,
                      const char          *summary,
                      const GOptionEntry  *entries,
                      char              ***args,
                      int                 *exit_code)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("yunqiaoctl %s", command);

  /* The usage line of --help is built from the program name. */
  g_set_prgname (prgname);

  context = g_option_context_new (parameters);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, args, &error))
    {
      *exit_code = yq_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }

  /* A lone "--" is left in place by GOption; positional checks should not
   * see it. */
  for (guint i = 1; (*args)[i] != NULL; i++)
    {
      if (g_str_equal ((*args)[i], "--"))
        {
          g_free ((*args)[i]);
          memmove (&(*args)[i], &(*args)[i + 1],
                   sizeof (char *) * g_strv_length (&(*args)[i + 1]) + sizeof (char *));
          break;
        }
    }

  *exit_code = YQ_CLI_EXIT_OK;

  return TRUE;
}

static void
print_commands (FILE               *stream,
                const char         *group,
                const char         *group_summary,
                const YqCliCommand *commands)
{
  gsize width = 0;

  fprintf (stream, _("Usage:\n  yunqiaoctl %s COMMAND [OPTION…]\n\n"), group);
  fprintf (stream, "%s\n\n", group_summary);
  fprintf (stream, "%s\n", _("Commands:"));

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      g_autofree char *usage = g_strjoin (" ", commands[i].name, commands[i].parameters, NULL);

      width = MAX (width, yq_cli_display_width (usage));
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      g_autofree char *usage = g_strjoin (" ", commands[i].name, commands[i].parameters, NULL);
      gsize pad = width - yq_cli_display_width (usage);

      fprintf (stream, "  %s%*s  %s\n", usage, (int) pad, "", _(commands[i].summary));
    }

  fprintf (stream, _("\nRun “yunqiaoctl %s COMMAND --help” for the options of a command.\n"),
           group);
}

/**
 * yq_cli_dispatch:
 * @ctx: the global options
 * @group: the command group, e.g. "connector"
 * @group_summary: what the group is about
 * @commands: the group's commands, terminated by an entry with a %NULL name
 * @args: (transfer none): the arguments starting with the group name
 *
 * Runs the command named by `args[1]`.
 *
 * Returns: the exit code
 */
int
yq_cli_dispatch (YqCliContext        *ctx,
                 const char          *group,
                 const char          *group_summary,
                 const YqCliCommand  *commands,
                 char               **args)
{
  const char *name = args[1];

  if (name == NULL)
    {
      yq_cli_error (_("Missing command after “%s”"), group);
      print_commands (stderr, group, group_summary, commands);
      return YQ_CLI_EXIT_USAGE;
    }

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_commands (stdout, group, group_summary, commands);
      return YQ_CLI_EXIT_OK;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (commands[i].name, name))
        {
          g_autofree char *command = g_strdup_printf ("%s %s", group, name);
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

          g_strv_builder_add (builder, command);
          g_strv_builder_addv (builder, (const char **) &args[2]);

          return commands[i].run (ctx, command, g_strv_builder_end (builder));
        }
    }

  return yq_cli_usage_error (group, _("Unknown command “%s %s”"), group, name);
}

/* Text options are taken as bytes rather than converted from the locale
 * charset, so that Chinese names work under the C locale of many servers
 * and containers; they must be UTF-8. A %NULL @value (not given) passes. */
gboolean
yq_cli_check_utf8_option (const char *command,
                          const char *option,
                          const char *value,
                          int        *exit_code)
{
  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      *exit_code = yq_cli_usage_error (command, _("The value of %s is not UTF-8 text"), option);
      return FALSE;
    }

  return TRUE;
}

/* Checks that exactly @n positional arguments follow the command and that
 * they are UTF-8 text; @missing is the usage error when one is missing. */
gboolean
yq_cli_check_positionals (const char  *command,
                          char       **argv,
                          guint        n,
                          const char  *missing,
                          int         *exit_code)
{
  for (guint i = 1; i <= n; i++)
    {
      if (argv[i] == NULL)
        {
          *exit_code = yq_cli_usage_error (command, "%s", missing);
          return FALSE;
        }
      if (!g_utf8_validate (argv[i], -1, NULL))
        {
          *exit_code = yq_cli_usage_error (command, _("The argument “%d” is not UTF-8 text"),
                                           (int) i);
          return FALSE;
        }
    }

  if (argv[n + 1] != NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[n + 1]);
      return FALSE;
    }

  return TRUE;
}

/* A row ID: a positive decimal number. */
gboolean
yq_cli_parse_row_id (const char *text,
                     gint64     *id)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;

  *id = (gint64) value;

  return TRUE;
}

gboolean
yq_cli_parse_connector_id (const char *command,
                           const char *text,
                           gint64     *id,
                           int        *exit_code)
{
  guint64 value = 0;

  if (text == NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Missing connector ID"));
      return FALSE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    {
      *exit_code = yq_cli_usage_error (command, _("“%s” is not a connector ID"), text);
      return FALSE;
    }

  *id = (gint64) value;

  return TRUE;
}

/**
 * yq_cli_parse_id_command:
 * @command: the command as typed, e.g. "connector show"
 * @summary: what the command does, for `--help`
 * @entries: the command's options
 * @args: (inout): the arguments; parsed options are removed
 * @id: (out): the connector ID, the one positional argument
 * @exit_code: (out): the exit code when parsing fails
 *
 * Parses a command that takes options and exactly one connector ID.
 *
 * Returns: %FALSE on a usage error, which has been reported
 */
gboolean
yq_cli_parse_id_command (const char          *command,
                         const char          *summary,
                         const GOptionEntry  *entries,
                         char              ***args,
                         gint64              *id,
                         int                 *exit_code)
{
  if (!yq_cli_parse_options (command, _("ID"), summary, entries, args, exit_code))
    return FALSE;

  if (!yq_cli_parse_connector_id (command, (*args)[1], id, exit_code))
    return FALSE;

  if (g_strv_length (*args) > 2)
    {
      *exit_code = yq_cli_usage_error (command, _("Unexpected argument “%s”"), (*args)[2]);
      return FALSE;
    }

  return TRUE;
}

void
yq_cli_wait_init (YqCliWait *wait)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  wait->cancellable = g_cancellable_new ();
  wait->result = NULL;
  wait->show_progress = isatty (STDERR_FILENO);
  wait->last_progress = 0;
}

void
yq_cli_wait_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  YqCliWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
wait_interrupted_cb (gpointer user_data)
{
  YqCliWait *wait = user_data;

  g_cancellable_cancel (wait->cancellable);

  return G_SOURCE_CONTINUE;
}

void
yq_cli_wait_run (YqCliWait *wait)
{
  guint sigint = g_unix_signal_add (SIGINT, wait_interrupted_cb, wait);
  guint sigterm = g_unix_signal_add (SIGTERM, wait_interrupted_cb, wait);

  while (wait->result == NULL)
    g_main_loop_run (wait->loop);

  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (wait->show_progress && wait->last_progress != 0)
    g_printerr ("\r\033[K");
}

gboolean
yq_cli_wait_progress_due (YqCliWait *wait)
{
  gint64 now = g_get_monotonic_time ();

  if (!wait->show_progress || now - wait->last_progress < G_USEC_PER_SEC / 4)
    return FALSE;

  wait->last_progress = now;
  g_printerr ("\r\033[K");

  return TRUE;
}

void
yq_cli_wait_clear (YqCliWait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->cancellable);
  g_clear_object (&wait->result);
}

YqStore *
yq_cli_open_store (YqCliContext  *ctx,
                   GError       **error)
{
  return yq_store_open_in_dir (ctx->data_dir, error);
}

YqSecrets *
yq_cli_open_secrets (YqCliContext  *ctx,
                     GError       **error)
{
  return yq_secrets_new_for_data_dir (ctx->data_dir, error);
}

static const char *
global_description (void)
{
  return _("Commands:\n"
           "  connector list|show|add|edit|remove|test\n"
           "                                        Manage connectors\n"
           "  directory fetch                       Read a connected organisation’s directory\n"
           "  sync preview|apply|history|profile|schedule|schedules\n"
           "                                        Sync organisations, now or on a schedule\n"
           "  oa import|export|list|set-password|clear-password\n"
           "                                        Manage the built-in OA directory\n"
           "  bindings list|bind|unbind|auto|unbind-all|export|import|undo|history\n"
           "                                        Bind platform people to OA accounts\n"
           "  entry-point list|add|edit|remove      Manage the OA pages that apps open\n"
           "  app list|show|add|edit|remove|home-url\n"
           "                                        Manage the platform apps and their home URLs\n"
           "  qr show|enable|disable|snippet        Set up the QR-code login of the OA login page\n"
           "  push rule|token|send|log|retry        Route the OA’s messages to the platforms\n"
           "  settings get|set                      Read and change bridge settings\n"
           "  service status|jobs                   Show the state and the jobs of the companion service\n"
           "\n"
           "Run “yunqiaoctl COMMAND --help” for the commands of a group.\n"
           "Exit status: 0 success, 1 error, 2 wrong usage.");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_autofree char *data_dir = NULL;
  gboolean version = FALSE;
  YqCliContext ctx = { NULL, FALSE };
  const char *group;
  int status;
  const GOptionEntry entries[] = {
    { "data-dir", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Use DIR as the data directory (default: $YUNQIAO_DATA_DIR or the user data directory)"),
      N_("DIR") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx.json,
      N_("Print machine-readable JSON"), NULL },
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &version,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("yunqiaoctl");
  yq_service_error_register ();

  context = g_option_context_new (_("COMMAND …"));
  g_option_context_set_summary (context, _("Configure Yunqiao from the command line."));
  g_option_context_set_description (context, global_description ());
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);

  args = g_strdupv (argv);
  if (!g_option_context_parse_strv (context, &args, &error))
    return yq_cli_usage_error (NULL, "%s", error->message);

  if (version)
    {
      g_print ("yunqiaoctl %s\n", PACKAGE_VERSION);
      return YQ_CLI_EXIT_OK;
    }

  group = args[1];
  if (group == NULL)
    return yq_cli_usage_error (NULL, _("No command given"));

  if (data_dir == NULL || data_dir[0] == '\0')
    {
      const char *env = g_getenv ("YUNQIAO_DATA_DIR");

      g_free (data_dir);
      data_dir = g_strdup (env != NULL && env[0] != '\0' ? env : yq_data_dir ());
    }
  ctx.data_dir = g_canonicalize_filename (data_dir, NULL);

  if (g_str_equal (group, "connector"))
    status = yq_cli_connector (&ctx, &args[1]);
  else if (g_str_equal (group, "directory"))
    status = yq_cli_directory (&ctx, &args[1]);
  else if (g_str_equal (group, "oa"))
    status = yq_cli_oa (&ctx, &args[1]);
  else if (g_str_equal (group, "bindings"))
    status = yq_cli_bindings (&ctx, &args[1]);
  else if (g_str_equal (group, "sync"))
    status = yq_cli_sync (&ctx, &args[1]);
  else if (g_str_equal (group, "entry-point"))
    status = yq_cli_entry_point (&ctx, &args[1]);
  else if (g_str_equal (group, "app"))
    status = yq_cli_app (&ctx, &args[1]);
  else if (g_str_equal (group, "qr"))
    status = yq_cli_qr (&ctx, &args[1]);
  else if (g_str_equal (group, "push"))
    status = yq_cli_push (&ctx, &args[1]);
  else if (g_str_equal (group, "settings"))
    status = yq_cli_settings (&ctx, &args[1]);
  else if (g_str_equal (group, "service"))
    status = yq_cli_service (&ctx, &args[1]);
  else if (g_str_equal (group, "help"))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", help);
      status = YQ_CLI_EXIT_OK;
    }
  else
    status = yq_cli_usage_error (NULL, _("Unknown command “%s”"), group);

  g_free (ctx.data_dir);

  return status;
}
