/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "yunqiao-core.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

typedef enum
{
  YQ_CLI_EXIT_OK    = 0,
  YQ_CLI_EXIT_ERROR = 1,
  YQ_CLI_EXIT_USAGE = 2,
} YqCliExit;

typedef struct
{
  char     *data_dir;
  gboolean  json;
} YqCliContext;

typedef int (*YqCliRunFunc) (YqCliContext  *ctx,
                             const char    *command,
                             char         **args);

typedef struct
{
  const char   *name;
  const char   *parameters;
  const char   *summary;
  YqCliRunFunc  run;
} YqCliCommand;

/* yunqiaoctl.c */
int            yq_cli_dispatch           (YqCliContext        *ctx,
                                          const char          *group,
                                          const char          *group_summary,
                                          const YqCliCommand  *commands,
                                          char               **args);
gboolean       yq_cli_parse_options      (const char          *command,
                                          const char          *parameters,
                                          const char          *summary,
                                          const GOptionEntry  *entries,
                                          char              ***args,
                                          int                 *exit_code);
int            yq_cli_usage_error        (const char          *command,
                                          const char          *format,
                                          ...) G_GNUC_PRINTF (2, 3);
void           yq_cli_error              (const char          *format,
                                          ...) G_GNUC_PRINTF (1, 2);
int            yq_cli_report_error       (const GError        *error);
/* A positive connector ID, or a usage error naming @text. */
gboolean       yq_cli_check_utf8_option  (const char          *command,
                                          const char          *option,
                                          const char          *value,
                                          int                 *exit_code);
gboolean       yq_cli_check_positionals  (const char          *command,
                                          char               **argv,
                                          guint                n,
                                          const char          *missing,
                                          int                 *exit_code);
gboolean       yq_cli_parse_row_id       (const char          *text,
                                          gint64              *id);
gboolean       yq_cli_parse_connector_id (const char          *command,
                                          const char          *text,
                                          gint64              *id,
                                          int                 *exit_code);
gboolean       yq_cli_parse_id_command   (const char          *command,
                                          const char          *summary,
                                          const GOptionEntry  *entries,
                                          char              ***args,
                                          gint64              *id,
                                          int                 *exit_code);
/* Waiting for one asynchronous call on a private main loop; Ctrl+C and
 * SIGTERM cancel it. Pass yq_cli_wait_done_cb with the wait as user data. */
typedef struct
{
  GMainLoop    *loop;
  GCancellable *cancellable;
  GAsyncResult *result;
  gboolean      show_progress;
  gint64        last_progress;
} YqCliWait;

void           yq_cli_wait_init          (YqCliWait           *wait);
void           yq_cli_wait_done_cb       (GObject             *source,
                                          GAsyncResult        *result,
                                          gpointer             user_data);
void           yq_cli_wait_run           (YqCliWait           *wait);
/* TRUE at most four times a second, and only when stderr is a terminal;
 * then the progress line has been cleared for the caller to print. */
gboolean       yq_cli_wait_progress_due  (YqCliWait           *wait);
void           yq_cli_wait_clear         (YqCliWait           *wait);
YqStore       *yq_cli_open_store         (YqCliContext        *ctx,
                                          GError             **error);
YqSecrets     *yq_cli_open_secrets       (YqCliContext        *ctx,
                                          GError             **error);

/* yq-cli-output.c */
typedef struct _YqCliTable YqCliTable;

YqCliTable    *yq_cli_table_new          (guint                n_columns,
                                          const char * const  *headers);
void           yq_cli_table_add_row      (YqCliTable          *table,
                                          const char * const  *cells);
void           yq_cli_table_print        (YqCliTable          *table);
void           yq_cli_table_free         (YqCliTable          *table);
void           yq_cli_print_fields       (const char * const  *labels,
                                          const char * const  *values,
                                          guint                n_fields);
void           yq_cli_print_json         (JsonNode            *node);
void           yq_cli_print_builder      (JsonBuilder         *builder);
void           yq_cli_json_add_string    (JsonBuilder         *builder,
                                          const char          *member,
                                          const char          *value);
void           yq_cli_json_add_int       (JsonBuilder         *builder,
                                          const char          *member,
                                          gint64               value);
void           yq_cli_json_add_id        (JsonBuilder         *builder,
                                          const char          *member,
                                          gint64               value);
void           yq_cli_json_add_boolean   (JsonBuilder         *builder,
                                          const char          *member,
                                          gboolean             value);
gsize          yq_cli_display_width      (const char          *text);
char          *yq_cli_format_time        (gint64               unix_seconds);
const char    *yq_cli_yes_no             (gboolean             value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqCliTable, yq_cli_table_free)

/* yq-cli-connector.c */
int            yq_cli_connector          (YqCliContext        *ctx,
                                          char               **args);
/* Reads a secret from @file ("-": standard input) or the environment
 * variable @env, never from an argument; %NULL in @secret when neither is
 * given. Free it with yq_cli_secret_free(), which wipes it. */
gboolean       yq_cli_read_secret        (const char          *what,
                                          const char          *file,
                                          const char          *env,
                                          char               **secret,
                                          GError             **error);
void           yq_cli_secret_free        (char                *secret);

typedef char YqCliSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqCliSecret, yq_cli_secret_free)

/* yq-cli-apps.c: `entry-point`, `app` and `qr` */
int            yq_cli_entry_point        (YqCliContext        *ctx,
                                          char               **args);
int            yq_cli_app                (YqCliContext        *ctx,
                                          char               **args);
int            yq_cli_qr                 (YqCliContext        *ctx,
                                          char               **args);

/* yq-cli-platform.c */
int            yq_cli_connector_test     (YqCliContext        *ctx,
                                          const char          *command,
                                          char               **args);
int            yq_cli_directory          (YqCliContext        *ctx,
                                          char               **args);

/* yq-cli-sync.c */
int            yq_cli_sync               (YqCliContext        *ctx,
                                          char               **args);
gboolean       yq_cli_parse_direction    (const char          *command,
                                          const char          *text,
                                          YqSyncDirection     *direction,
                                          int                 *exit_code);

/* yq-cli-schedule.c: `sync schedule` and `sync schedules` */
int            yq_cli_sync_schedule      (YqCliContext        *ctx,
                                          const char          *command,
                                          char               **args);
int            yq_cli_sync_schedules     (YqCliContext        *ctx,
                                          const char          *command,
                                          char               **args);

/* yq-cli-oa.c */
int            yq_cli_oa                 (YqCliContext        *ctx,
                                          char               **args);

/* yq-cli-bindings.c */
int            yq_cli_bindings           (YqCliContext        *ctx,
                                          char               **args);

/* yq-cli-settings.c */
int            yq_cli_settings           (YqCliContext        *ctx,
                                          char               **args);

/* yq-cli-push.c: `push` */
int            yq_cli_push               (YqCliContext        *ctx,
                                          char               **args);

/* yq-cli-service.c */
int            yq_cli_service            (YqCliContext        *ctx,
                                          char               **args);
void           yq_cli_notify_service     (YqCliContext        *ctx);

G_END_DECLS
