/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One finished run of yunqiaoctl. @out holds the @out_len bytes of
 * standard output and a terminating NUL; @err is standard error. */
typedef struct
{
  int    status;
  char  *out;
  gsize  out_len;
  char  *err;
} YqTestCliResult;

void             yq_test_cli_result_free  (YqTestCliResult    *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqTestCliResult, yq_test_cli_result_free)

/**
 * yq_test_cli_init:
 * @env: (nullable): "NAME=VALUE" to set or "NAME" to unset, for every run
 * @output: (nullable): every run's standard output and error are appended
 *   to it
 *
 * Finds the yunqiaoctl that meson built. Call it after g_test_init().
 */
void             yq_test_cli_init         (const char * const *env,
                                           GString            *output);

/**
 * yq_test_cli_run_v:
 * @env: (nullable): "NAME=VALUE" to set or "NAME" to unset, for this run,
 *   over the variables given to yq_test_cli_init()
 * @input: (nullable): standard input
 * @args: the arguments after the program name
 *
 * Runs yunqiaoctl with English messages in a UTF-8 locale, the file
 * secrets backend and no YUNQIAO_DATA_DIR, and waits for it to exit.
 * Its output must be UTF-8.
 */
YqTestCliResult *yq_test_cli_run_v        (const char * const *env,
                                           const char         *input,
                                           const char * const *args);
YqTestCliResult *yq_test_cli_run_full     (const char * const *env,
                                           const char         *input,
                                           const char         *first,
                                           ...) G_GNUC_NULL_TERMINATED;
/* yq_test_cli_run_v() with "--data-dir @data_dir" before @args. */
YqTestCliResult *yq_test_cli_run_in       (const char         *data_dir,
                                           const char * const *env,
                                           const char         *input,
                                           const char * const *args);

#define yq_test_cli_run(...) yq_test_cli_run_full (NULL, NULL, __VA_ARGS__, NULL)

/* Exited with @status; a failure says so on standard error. */
void             yq_test_cli_assert_exit  (YqTestCliResult    *result,
                                           int                 status);
JsonNode        *yq_test_cli_parse_json   (const char         *text);

G_END_DECLS
