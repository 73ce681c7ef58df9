/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "yq-test-bus.h"
#include "yq-test-cli.h"

static const char *yunqiaoctl_path;
static GStrv default_env;
static GString *output_sink;

void
yq_test_cli_result_free (YqTestCliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

void
yq_test_cli_init (const char * const *env,
                  GString            *output)
{
  yunqiaoctl_path = yq_test_require_env ("YUNQIAOCTL",
                                         "meson passes the path of the built yunqiaoctl");
  g_strfreev (default_env);
  default_env = g_strdupv ((char **) env);
  output_sink = output;
}

static void
apply_env (GSubprocessLauncher *launcher,
           const char * const  *env)
{
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      const char *eq = strchr (env[i], '=');

      if (eq != NULL)
        {
          g_autofree char *name = g_strndup (env[i], eq - env[i]);

          g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
        }
      else
        {
          g_subprocess_launcher_unsetenv (launcher, env[i]);
        }
    }
}

typedef struct
{
  gboolean  done;
  GBytes   *out;
  GBytes   *err;
  GError   *error;
} Communication;

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Communication *comm = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &comm->out, &comm->err,
                                   &comm->error);
  comm->done = TRUE;
}

/* The text of @bytes, checked as g_subprocess_communicate_utf8() checks it:
 * valid UTF-8 up to the first NUL. */
static char *
steal_text (GBytes     *bytes,
            gsize      *len,
            const char *command,
            const char *stream)
{
  g_autoptr(GBytes) owned = bytes;
  gsize size = 0;
  const char *data = owned != NULL ? g_bytes_get_data (owned, &size) : NULL;
  g_autofree char *text = g_strndup (data != NULL ? data : "", size);
  const char *end = NULL;

  if (!g_utf8_validate (text, -1, &end))
    g_error ("yunqiaoctl %s wrote invalid UTF-8 to %s at offset %" G_GSIZE_FORMAT, command,
             stream, (gsize) (end - text));

  if (len != NULL)
    *len = size;

  return g_steal_pointer (&text);
}

YqTestCliResult *
yq_test_cli_run_v (const char * const *env,
                   const char         *input,
                   const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GBytes) stdin_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  Communication comm = { FALSE, NULL, NULL, NULL };
  YqTestCliResult *result;

  g_assert_nonnull (yunqiaoctl_path);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* English messages, UTF-8 output; single runs may override it, for
   * example with LC_ALL=C. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_setenv (launcher, "YUNQIAO_SECRETS", "file", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "YUNQIAO_DATA_DIR");
  apply_env (launcher, (const char * const *) default_env);
  apply_env (launcher, env);

  g_ptr_array_add (argv, (gpointer) yunqiaoctl_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  command = g_strjoinv (" ", (char **) args);
  g_test_message ("$ yunqiaoctl %s", command);

  child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  stdin_bytes = g_bytes_new (input, input != NULL ? strlen (input) : 0);
  g_subprocess_communicate_async (child, stdin_bytes, NULL, communicate_cb, &comm);
  if (!yq_test_wait (&comm.done, YQ_TEST_TIMEOUT_MS))
    {
      g_subprocess_force_exit (child);
      g_error ("yunqiaoctl %s did not finish in time", command);
    }
  g_assert_no_error (comm.error);

  /* communicate() returns once the pipes closed; the exit status follows. */
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));

  result = g_new0 (YqTestCliResult, 1);
  result->status = g_subprocess_get_exit_status (child);
  result->out = steal_text (g_steal_pointer (&comm.out), &result->out_len, command, "stdout");
  result->err = steal_text (g_steal_pointer (&comm.err), NULL, command, "stderr");

  g_test_message ("exit %d\nstdout:\n%sstderr:\n%s", result->status, result->out, result->err);
  if (output_sink != NULL)
    {
      g_string_append (output_sink, result->out);
      g_string_append (output_sink, result->err);
    }

  return result;
}

YqTestCliResult *
yq_test_cli_run_full (const char * const *env,
                      const char         *input,
                      const char         *first,
                      ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return yq_test_cli_run_v (env, input, (const char * const *) args->pdata);
}

YqTestCliResult *
yq_test_cli_run_in (const char         *data_dir,
                    const char * const *env,
                    const char         *input,
                    const char * const *args)
{
  g_autoptr(GPtrArray) all_args = g_ptr_array_new ();

  g_ptr_array_add (all_args, (gpointer) "--data-dir");
  g_ptr_array_add (all_args, (gpointer) data_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (all_args, (gpointer) args[i]);
  g_ptr_array_add (all_args, NULL);

  return yq_test_cli_run_v (env, input, (const char * const *) all_args->pdata);
}

void
yq_test_cli_assert_exit (YqTestCliResult *result,
                         int              status)
{
  g_assert_cmpint (result->status, ==, status);
  if (status != 0)
    g_assert_true (g_str_has_prefix (result->err, "yunqiaoctl: "));
}

JsonNode *
yq_test_cli_parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}
