/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "yq-cli.h"
#include "yq-apps.h"

/* ---- Arguments ------------------------------------------------------------ */

static gboolean
parse_app_id (const char *command,
              const char *text,
              gint64     *id,
              int        *exit_code)
{
  if (text == NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Missing app ID"));
      return FALSE;
    }

  if (!yq_cli_parse_row_id (text, id))
    {
      *exit_code = yq_cli_usage_error (command, _("“%s” is not an app ID; “yunqiaoctl app list” "
                                                  "shows them"),
                                       text);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_entry_point_id (const char *command,
                      const char *text,
                      gint64     *id,
                      int        *exit_code)
{
  if (text == NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("Missing entry point ID"));
      return FALSE;
    }

  if (!yq_cli_parse_row_id (text, id))
    {
      *exit_code = yq_cli_usage_error (command, _("“%s” is not an entry point ID; “yunqiaoctl "
                                                  "entry-point list” shows them"),
                                       text);
      return FALSE;
    }

  return TRUE;
}

/* ---- Output helpers --------------------------------------------------------- */

/* Home URLs and the snippet are built from the external address; the
 * core's message points at the app's Settings page, so the CLI adds its
 * own way to set it. */
static gboolean
is_missing_external_address (const GError *error)
{
  return g_error_matches (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
}

static int
report_link_error (const GError *error)
{
  yq_cli_report_error (error);

  if (is_missing_external_address (error))
    g_printerr ("%s\n", _("On the command line: yunqiaoctl settings set external-address "
                          "https://bridge.example.gov.cn"));

  return YQ_CLI_EXIT_ERROR;
}

/* "name (id)", the way people and connectors are named in messages. */
static char *
named_id (const char *name,
          gint64      id)
{
  /* Translators: a name and its ID */
  return g_strdup_printf (_("%s (%lld)"), name, (long long) id);
}

/* ---- entry-point ------------------------------------------------------------ */

static void
entry_point_to_json (JsonBuilder        *builder,
                     const YqEntryPoint *entry_point)
{
  /* Member names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  yq_cli_json_add_int (builder, "id", entry_point->id);
  yq_cli_json_add_string (builder, "name", entry_point->name);
  yq_cli_json_add_string (builder, "url", entry_point->url);
  yq_cli_json_add_int (builder, "sort_order", entry_point->sort_order);
  json_builder_end_object (builder);
}

static void
print_entry_point_json (const YqEntryPoint *entry_point)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  entry_point_to_json (builder, entry_point);
  yq_cli_print_builder (builder);
}

static int
entry_point_list (YqCliContext  *ctx,
                  const char    *command,
                  char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) entry_points = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL, _("List the OA entry points that apps can open."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  entry_points = yq_entry_points_list (store, &error);
  if (entry_points == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < entry_points->len; i++)
        entry_point_to_json (builder, g_ptr_array_index (entry_points, i));
      json_builder_end_array (builder);
      yq_cli_print_builder (builder);
    }
  else if (entry_points->len == 0)
    {
      g_print ("%s\n", _("No OA entry points are configured."));
    }
  else
    {
      const char *headers[] = { _("ID"), _("NAME"), _("URL") };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < entry_points->len; i++)
        {
          const YqEntryPoint *entry_point = g_ptr_array_index (entry_points, i);
          g_autofree char *id = g_strdup_printf ("%lld", (long long) entry_point->id);
          const char *cells[] = { id, entry_point->name, entry_point->url };

          G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
          yq_cli_table_add_row (table, cells);
        }

      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

static int
entry_point_add (YqCliContext  *ctx,
                 const char    *command,
                 char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqEntryPoint) entry_point = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the added entry point as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("NAME URL"),
                             _("Add an OA entry point: a page of the OA that apps can open, "
                               "given by an absolute http or https URL."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 2,
                                 _("Give the name and the URL of the entry point"), &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  id = yq_entry_points_add (store, argv[1], argv[2], &error);
  if (id == 0)
    return yq_cli_report_error (error);

  entry_point = yq_entry_points_get (store, id, &error);
  if (entry_point == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    print_entry_point_json (entry_point);
  else
    g_print (_("Added entry point %lld “%s”.\n"), (long long) id, entry_point->name);

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
entry_point_edit (YqCliContext  *ctx,
                  const char    *command,
                  char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqEntryPoint) entry_point = NULL;
  g_autoptr(YqEntryPoint) saved = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "name", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &name,
      N_("The new name"), N_("NAME") },
    { "url", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &url,
      N_("The new URL; the home URLs of the apps that open it stay the same"), N_("URL") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the saved entry point as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("ID"),
                             _("Change the name or the URL of an OA entry point."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 1, _("Missing entry point ID"), &exit_code) ||
      !parse_entry_point_id (command, argv[1], &id, &exit_code))
    return exit_code;

  if (name == NULL && url == NULL)
    return yq_cli_usage_error (command, _("Nothing to change: give --name, --url or both"));

  if ((name != NULL && !g_utf8_validate (name, -1, NULL)) ||
      (url != NULL && !g_utf8_validate (url, -1, NULL)))
    return yq_cli_usage_error (command, _("The value of --name or --url is not UTF-8 text"));

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  entry_point = yq_entry_points_get (store, id, &error);
  if (entry_point == NULL)
    return yq_cli_report_error (error);

  if (!yq_entry_points_update (store, id,
                               name != NULL ? name : entry_point->name,
                               url != NULL ? url : entry_point->url,
                               &error))
    return yq_cli_report_error (error);

  saved = yq_entry_points_get (store, id, &error);
  if (saved == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    print_entry_point_json (saved);
  else
    g_print (_("Updated entry point %lld “%s”.\n"), (long long) id, saved->name);

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
entry_point_remove (YqCliContext  *ctx,
                    const char    *command,
                    char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqEntryPoint) entry_point = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the removed entry point as JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, _("ID"),
                             _("Remove an OA entry point. It is refused while an app opens it."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 1, _("Missing entry point ID"), &exit_code) ||
      !parse_entry_point_id (command, argv[1], &id, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  entry_point = yq_entry_points_get (store, id, &error);
  if (entry_point == NULL)
    return yq_cli_report_error (error);

  if (!yq_entry_points_remove (store, id, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    print_entry_point_json (entry_point);
  else
    g_print (_("Removed entry point %lld “%s”.\n"), (long long) id, entry_point->name);

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

/* ---- app -------------------------------------------------------------------- */

typedef struct
{
  char      *connector;
  char      *name;
  char      *key;
  char      *entry_point;
  char      *url;
  char      *client_id;
  char      *login_base;
  char     **visible;
  char      *app_secret_file;
  char      *app_secret_env;
  gboolean   no_client_id;
  gboolean   visible_to_all;
  gboolean   clear_secret;
  gboolean   json;
} AppOptions;

static void
app_options_clear (AppOptions *opts)
{
  g_clear_pointer (&opts->connector, g_free);
  g_clear_pointer (&opts->name, g_free);
  g_clear_pointer (&opts->key, g_free);
  g_clear_pointer (&opts->entry_point, g_free);
  g_clear_pointer (&opts->url, g_free);
  g_clear_pointer (&opts->client_id, g_free);
  g_clear_pointer (&opts->login_base, g_free);
  g_clear_pointer (&opts->visible, g_strfreev);
  g_clear_pointer (&opts->app_secret_file, g_free);
  g_clear_pointer (&opts->app_secret_env, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AppOptions, app_options_clear)

/* The options of `app add`; `app edit` adds the ones that clear a field. */
static GOptionEntry *
app_option_entries (AppOptions *opts,
                    gboolean    is_edit)
{
  const GOptionEntry common[] = {
    { "connector", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->connector,
      N_("The connector the app belongs to"), N_("ID") },
    { "name", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->name,
      N_("Name shown in Yunqiao, unique within the connector"), N_("NAME") },
    { "key", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->key,
      N_("AppKey (Government DingTalk) or AppId (Yunzhijia) of the app"), N_("KEY") },
    { "entry-point", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->entry_point,
      N_("Open the OA entry point ID after a login"), N_("ID") },
    { "url", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->url,
      N_("Open this custom link after a login instead of an entry point"), N_("URL") },
    { "client-id", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->client_id,
      N_("Government DingTalk only: the app’s client_id, needed for QR-code login"), N_("ID") },
    { "login-base", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->login_base,
      N_("Government DingTalk only: the login host of the QR-code page, e.g. "
         "https://login.dg-work.cn; empty: the preset’s"), N_("URL") },
    { "visible", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME_ARRAY, &opts->visible,
      N_("Only people of the platform department ID and its sub-departments may use the app; "
         "repeat for more departments (default: everyone)"), N_("ID") },
    { "app-secret-file", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->app_secret_file,
      N_("Read the AppSecret from FILE, or from standard input if FILE is -"), N_("FILE") },
    { "app-secret-env", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &opts->app_secret_env,
      N_("Read the AppSecret from the environment variable VAR"), N_("VAR") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->json,
      N_("Print the saved app as JSON"), NULL },
  };
  const GOptionEntry edit_only[] = {
    { "no-client-id", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->no_client_id,
      N_("Remove the client_id"), NULL },
    { "visible-to-all", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->visible_to_all,
      N_("Let everyone in the connector’s directory use the app"), NULL },
    { "clear-secret", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &opts->clear_secret,
      N_("Remove the stored AppSecret"), NULL },
  };
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  g_array_append_vals (entries, common, G_N_ELEMENTS (common));
  if (is_edit)
    g_array_append_vals (entries, edit_only, G_N_ELEMENTS (edit_only));

  return (GOptionEntry *) g_array_free (entries, FALSE);
}

/* Checks what GOption cannot and applies the given options to @app.
 * Returns FALSE on a usage error, which has been reported. */
static gboolean
apply_app_options (const char *command,
                   AppOptions *opts,
                   YqApp      *app,
                   gboolean    is_new,
                   int        *exit_code)
{
  /* Text options are taken as bytes rather than converted from the locale
   * charset, so that Chinese names work under the C locale of many
   * servers and containers; they must be UTF-8. */
  const struct { const char *option; const char *value; } texts[] = {
    { "--connector", opts->connector },
    { "--name", opts->name },
    { "--key", opts->key },
    { "--entry-point", opts->entry_point },
    { "--url", opts->url },
    { "--client-id", opts->client_id },
    { "--login-base", opts->login_base },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (!yq_cli_check_utf8_option (command, texts[i].option, texts[i].value, exit_code))
      return FALSE;

  for (guint i = 0; opts->visible != NULL && opts->visible[i] != NULL; i++)
    {
      if (!g_utf8_validate (opts->visible[i], -1, NULL) || opts->visible[i][0] == '\0')
        {
          *exit_code = yq_cli_usage_error (command,
                                           _("--visible expects a platform department ID"));
          return FALSE;
        }
    }

  if (opts->entry_point != NULL && opts->url != NULL)
    {
      *exit_code = yq_cli_usage_error (command, _("--entry-point and --url exclude each other"));
      return FALSE;
    }

  if (opts->client_id != NULL && opts->no_client_id)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--client-id and --no-client-id exclude each other"));
      return FALSE;
    }

  if (opts->visible != NULL && opts->visible_to_all)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--visible and --visible-to-all exclude each other"));
      return FALSE;
    }

  if (opts->app_secret_file != NULL && opts->app_secret_env != NULL)
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--app-secret-file and --app-secret-env exclude each "
                                         "other"));
      return FALSE;
    }

  if (opts->clear_secret && (opts->app_secret_file != NULL || opts->app_secret_env != NULL))
    {
      *exit_code = yq_cli_usage_error (command,
                                       _("--clear-secret cannot be combined with a new secret"));
      return FALSE;
    }

  if (is_new)
    {
      if (opts->connector == NULL)
        {
          *exit_code = yq_cli_usage_error (command, _("--connector is required"));
          return FALSE;
        }
      if (opts->name == NULL)
        {
          *exit_code = yq_cli_usage_error (command, _("--name is required"));
          return FALSE;
        }
      if (opts->key == NULL)
        {
          *exit_code = yq_cli_usage_error (command, _("--key is required"));
          return FALSE;
        }
      if (opts->entry_point == NULL && opts->url == NULL)
        {
          *exit_code = yq_cli_usage_error (command,
                                           _("Give the home target: --entry-point ID or "
                                             "--url URL"));
          return FALSE;
        }
    }

  if (opts->connector != NULL)
    {
      gint64 connector_id = 0;

      if (!yq_cli_parse_connector_id (command, opts->connector, &connector_id, exit_code))
        return FALSE;

      if (!is_new && connector_id != app->connector_id)
        {
          *exit_code = yq_cli_usage_error (command,
                                           _("The connector of an app cannot change; remove the "
                                             "app and add it to the other connector"));
          return FALSE;
        }

      app->connector_id = connector_id;
    }

  if (opts->entry_point != NULL)
    {
      gint64 entry_point_id = 0;

      if (!parse_entry_point_id (command, opts->entry_point, &entry_point_id, exit_code))
        return FALSE;

      app->target = YQ_APP_TARGET_ENTRY_POINT;
      app->entry_point_id = entry_point_id;
      g_clear_pointer (&app->custom_url, g_free);
    }

  if (opts->url != NULL)
    {
      app->target = YQ_APP_TARGET_CUSTOM;
      app->entry_point_id = 0;
      g_free (app->custom_url);
      app->custom_url = g_strdup (opts->url);
    }

  if (opts->name != NULL)
    {
      g_free (app->name);
      app->name = g_strdup (opts->name);
    }

  if (opts->key != NULL)
    {
      g_free (app->app_key);
      app->app_key = g_strdup (opts->key);
    }

  /* An empty --client-id "" clears it too, as `settings set` clears. */
  if (opts->client_id != NULL || opts->no_client_id)
    {
      g_free (app->client_id);
      app->client_id = opts->client_id != NULL && opts->client_id[0] != '\0'
                       ? g_strdup (opts->client_id) : NULL;
    }

  if (opts->login_base != NULL)
    {
      g_free (app->login_base);
      app->login_base = opts->login_base[0] != '\0' ? g_strdup (opts->login_base) : NULL;
    }

  if (opts->visible != NULL || opts->visible_to_all)
    {
      g_strfreev (app->visible_departments);
      app->visible_departments = g_strdupv (opts->visible);
    }

  *exit_code = YQ_CLI_EXIT_OK;

  return TRUE;
}

static const char *
target_name (const YqApp *app,
             GHashTable  *entry_point_names)
{
  if (app->target == YQ_APP_TARGET_CUSTOM)
    return app->custom_url;

  return g_hash_table_lookup (entry_point_names, &app->entry_point_id);
}

static GHashTable *
entry_point_names (YqStore  *store,
                   GError  **error)
{
  g_autoptr(GPtrArray) entry_points = yq_entry_points_list (store, error);
  g_autoptr(GHashTable) names = NULL;

  if (entry_points == NULL)
    return NULL;

  names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < entry_points->len; i++)
    {
      const YqEntryPoint *entry_point = g_ptr_array_index (entry_points, i);

      g_hash_table_insert (names, g_memdup2 (&entry_point->id, sizeof (gint64)),
                           g_strdup (entry_point->name));
    }

  return g_steal_pointer (&names);
}

/* The resolved target and home URL, or why they cannot be built. The
 * errors are shown, not reported: an app is still worth showing when the
 * external address is not set yet. */
typedef struct
{
  char   *target_url;
  GError *target_error;
  char   *home_url;
  GError *home_error;
} AppLinks;

static void
app_links_clear (AppLinks *links)
{
  g_clear_pointer (&links->target_url, g_free);
  g_clear_error (&links->target_error);
  g_clear_pointer (&links->home_url, g_free);
  g_clear_error (&links->home_error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AppLinks, app_links_clear)

static void
app_links_init (AppLinks    *links,
                YqStore     *store,
                const YqApp *app)
{
  links->target_url = yq_apps_resolve_target (store, app, &links->target_error);
  links->home_url = yq_apps_build_home_url (store, app, &links->home_error);
}

static void
app_to_json (JsonBuilder *builder,
             YqStore     *store,
             const YqApp *app)
{
  g_auto(AppLinks) links = { NULL };

  app_links_init (&links, store, app);

  /* Member names are an interface for scripts: add, never rename. The
   * AppSecret is never printed, only whether one is stored. */
  json_builder_begin_object (builder);
  yq_cli_json_add_int (builder, "id", app->id);
  yq_cli_json_add_int (builder, "connector_id", app->connector_id);
  yq_cli_json_add_string (builder, "name", app->name);
  yq_cli_json_add_string (builder, "app_key", app->app_key);
  yq_cli_json_add_boolean (builder, "has_secret", app->has_secret);
  yq_cli_json_add_string (builder, "client_id", app->client_id);
  yq_cli_json_add_string (builder, "login_base", app->login_base);
  yq_cli_json_add_string (builder, "target", yq_app_target_to_string (app->target));
  yq_cli_json_add_id (builder, "entry_point_id",
                      app->target == YQ_APP_TARGET_ENTRY_POINT ? app->entry_point_id : 0);
  yq_cli_json_add_string (builder, "custom_url",
                          app->target == YQ_APP_TARGET_CUSTOM ? app->custom_url : NULL);
  json_builder_set_member_name (builder, "visible_departments");
  json_builder_begin_array (builder);
  for (guint i = 0; app->visible_departments != NULL && app->visible_departments[i] != NULL; i++)
    json_builder_add_string_value (builder, app->visible_departments[i]);
  json_builder_end_array (builder);
  yq_cli_json_add_string (builder, "target_url", links.target_url);
  yq_cli_json_add_string (builder, "target_url_error",
                          links.target_error != NULL ? links.target_error->message : NULL);
  yq_cli_json_add_string (builder, "home_url", links.home_url);
  yq_cli_json_add_string (builder, "home_url_error",
                          links.home_error != NULL ? links.home_error->message : NULL);
  yq_cli_json_add_int (builder, "created_at", app->created_at);
  yq_cli_json_add_int (builder, "updated_at", app->updated_at);
  json_builder_end_object (builder);
}

static void
print_app_json (YqStore     *store,
                const YqApp *app)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  app_to_json (builder, store, app);
  yq_cli_print_builder (builder);
}

static int
print_app (YqStore     *store,
           const YqApp *app)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(AppLinks) links = { NULL };
  g_autofree char *id = g_strdup_printf ("%lld", (long long) app->id);
  g_autofree char *connector_text = NULL;
  g_autofree char *target = NULL;
  g_autofree char *target_url = NULL;
  g_autofree char *visible = NULL;
  g_autofree char *home_url = NULL;
  g_autofree char *created = yq_cli_format_time (app->created_at);
  g_autofree char *updated = yq_cli_format_time (app->updated_at);
  YqPlatformKind kind;
  const char *client_id;
  const char *login_base;

  connector = yq_connectors_get (store, app->connector_id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  kind = yq_connector_get_kind (connector);
  connector_text = named_id (yq_connector_get_name (connector), app->connector_id);
  app_links_init (&links, store, app);

  if (app->target == YQ_APP_TARGET_CUSTOM)
    {
      target = g_strdup (_("custom link"));
    }
  else
    {
      g_autoptr(YqEntryPoint) entry_point = yq_entry_points_get (store, app->entry_point_id,
                                                                 NULL);

      if (entry_point != NULL)
        /* Translators: the home target of an app: an entry point's name and ID */
        target = g_strdup_printf (_("entry point “%s” (%lld)"), entry_point->name,
                                  (long long) entry_point->id);
      else
        target = g_strdup_printf (_("entry point %lld"), (long long) app->entry_point_id);
    }

  if (links.target_url != NULL)
    target_url = g_strdup (links.target_url);
  else
    /* Translators: the reason follows */
    target_url = g_strdup_printf (_("not available: %s"), links.target_error->message);

  if (links.home_url != NULL)
    home_url = g_strdup (links.home_url);
  else if (is_missing_external_address (links.home_error))
    home_url = g_strdup (_("not available: the external address is not set (yunqiaoctl "
                           "settings set external-address URL)"));
  else
    /* Translators: the reason follows */
    home_url = g_strdup_printf (_("not available: %s"), links.home_error->message);

  if (app->visible_departments != NULL && app->visible_departments[0] != NULL)
    visible = g_strjoinv (", ", app->visible_departments);
  else
    visible = g_strdup (_("everyone in the connector’s directory"));

  if (app->client_id != NULL)
    client_id = app->client_id;
  else if (kind == YQ_PLATFORM_KIND_ZWDD)
    client_id = _("not set (needed for QR-code login)");
  else
    client_id = _("not needed");

  if (app->login_base != NULL)
    login_base = app->login_base;
  else if (kind == YQ_PLATFORM_KIND_ZWDD)
    login_base = _("the preset’s");
  else
    login_base = _("not needed");

  {
    const char *labels[] = {
      _("ID"),
      _("Name"),
      _("Connector"),
      yq_platform_kind_get_app_key_label (kind),
      _("App secret"),
      _("Client ID"),
      _("QR-code login host"),
      _("Home target"),
      _("Target URL"),
      _("Visible to"),
      _("Home URL"),
      _("Created"),
      _("Updated"),
    };
    const char *values[] = {
      id,
      app->name,
      connector_text,
      app->app_key,
      app->has_secret ? _("set") : _("not set"),
      client_id,
      login_base,
      target,
      target_url,
      visible,
      home_url,
      created,
      updated,
    };

    G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));
    yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
  }

  return YQ_CLI_EXIT_OK;
}

static int
app_list (YqCliContext  *ctx,
          const char    *command,
          char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *connector = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GError) error = NULL;
  gint64 connector_id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "connector", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &connector,
      N_("Only the apps of this connector"), N_("ID") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("List the platform apps, by connector and name. Secrets are "
                               "never shown."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  if (connector != NULL &&
      !yq_cli_parse_connector_id (command, connector, &connector_id, &exit_code))
    return exit_code;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  if (connector_id != 0)
    {
      g_autoptr(YqConnector) found = yq_connectors_get (store, connector_id, &error);

      if (found == NULL)
        return yq_cli_report_error (error);
    }

  apps = yq_apps_list (store, connector_id, &error);
  if (apps == NULL)
    return yq_cli_report_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_array (builder);
      for (guint i = 0; i < apps->len; i++)
        app_to_json (builder, store, g_ptr_array_index (apps, i));
      json_builder_end_array (builder);
      yq_cli_print_builder (builder);
    }
  else if (apps->len == 0)
    {
      g_print ("%s\n", _("No apps are configured."));
    }
  else
    {
      g_autoptr(GHashTable) names = entry_point_names (store, &error);
      const char *headers[] = {
        _("ID"), _("CONNECTOR"), _("NAME"), _("APP KEY"), _("SECRET"), _("HOME TARGET"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      if (names == NULL)
        return yq_cli_report_error (error);

      for (guint i = 0; i < apps->len; i++)
        {
          const YqApp *app = g_ptr_array_index (apps, i);
          g_autofree char *id = g_strdup_printf ("%lld", (long long) app->id);
          g_autofree char *connector_text = g_strdup_printf ("%lld",
                                                             (long long) app->connector_id);
          const char *cells[] = {
            id,
            connector_text,
            app->name,
            app->app_key,
            app->has_secret ? _("set") : _("not set"),
            target_name (app, names),
          };

          G_STATIC_ASSERT (G_N_ELEMENTS (cells) == G_N_ELEMENTS (headers));
          yq_cli_table_add_row (table, cells);
        }

      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}

/* Parses `COMMAND APP` with @entries and opens the store on the app. */
static YqStore *
open_app_command (YqCliContext        *ctx,
                  const char          *command,
                  const char          *summary,
                  const GOptionEntry  *entries,
                  char              ***argv,
                  YqApp              **app,
                  int                 *exit_code)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (!yq_cli_parse_options (command, _("APP"), summary, entries, argv, exit_code))
    return NULL;

  if (!yq_cli_check_positionals (command, *argv, 1, _("Missing app ID"), exit_code) ||
      !parse_app_id (command, (*argv)[1], &id, exit_code))
    return NULL;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    {
      *exit_code = yq_cli_report_error (error);
      return NULL;
    }

  *app = yq_apps_get (store, id, &error);
  if (*app == NULL)
    {
      *exit_code = yq_cli_report_error (error);
      return NULL;
    }

  return g_steal_pointer (&store);
}

static int
app_show (YqCliContext  *ctx,
          const char    *command,
          char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqApp) app = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  store = open_app_command (ctx, command,
                            _("Show one app with its home target and home URL. The AppSecret "
                              "is never shown."),
                            entries, &argv, &app, &exit_code);
  if (store == NULL)
    return exit_code;

  if (ctx->json)
    {
      print_app_json (store, app);
      return YQ_CLI_EXIT_OK;
    }

  return print_app (store, app);
}

static int
save_app (YqCliContext *ctx,
          AppOptions   *opts,
          YqApp        *app,
          gboolean      is_new)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqCliSecret) secret = NULL;
  g_autoptr(YqApp) saved = NULL;
  g_autoptr(GError) error = NULL;

  if (!yq_cli_read_secret (_("app secret"), opts->app_secret_file, opts->app_secret_env,
                           &secret, &error))
    return yq_cli_report_error (error);

  if (opts->clear_secret)
    secret = g_strdup ("");

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  if (is_new)
    {
      app->id = yq_apps_add (store, secrets, app, secret, &error);
      if (app->id == 0)
        return yq_cli_report_error (error);
    }
  else if (!yq_apps_update (store, secrets, app, secret, &error))
    {
      return yq_cli_report_error (error);
    }

  saved = yq_apps_get (store, app->id, &error);
  if (saved == NULL)
    return yq_cli_report_error (error);

  if (opts->json || ctx->json)
    {
      print_app_json (store, saved);
    }
  else
    {
      g_autoptr(GError) home_error = NULL;
      g_autofree char *home_url = yq_apps_build_home_url (store, saved, &home_error);

      if (is_new)
        g_print (_("Added app %lld “%s”.\n"), (long long) saved->id, saved->name);
      else
        g_print (_("Updated app %lld “%s”.\n"), (long long) saved->id, saved->name);

      if (home_url != NULL)
        g_print (_("Home URL for the platform console: %s\n"), home_url);
      else if (is_missing_external_address (home_error))
        g_print ("%s\n", _("The home URL needs the external address: set it with “yunqiaoctl "
                           "settings set external-address URL”."));
      else
        g_print (_("The home URL is not available: %s\n"), home_error->message);
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
app_add (YqCliContext  *ctx,
         const char    *command,
         char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(AppOptions) opts = { NULL };
  g_autofree GOptionEntry *entries = app_option_entries (&opts, FALSE);
  g_autoptr(YqApp) app = yq_app_new ();
  int exit_code;

  if (!yq_cli_parse_options (command, NULL,
                             _("Add a platform app to a connector. The AppSecret is read from "
                               "a file, standard input or an environment variable, never from "
                               "the command line."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (!yq_cli_check_positionals (command, argv, 0, NULL, &exit_code))
    return exit_code;

  if (!apply_app_options (command, &opts, app, TRUE, &exit_code))
    return exit_code;

  return save_app (ctx, &opts, app, TRUE);
}

static int
app_edit (YqCliContext  *ctx,
          const char    *command,
          char         **args)
{
  g_auto(GStrv) argv = args;
  g_auto(AppOptions) opts = { NULL };
  g_autofree GOptionEntry *entries = app_option_entries (&opts, TRUE);
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqApp) app = NULL;
  int exit_code;

  store = open_app_command (ctx, command,
                            _("Change an app. Only the given options change; the AppSecret is "
                              "kept unless a new one is given or --clear-secret."),
                            entries, &argv, &app, &exit_code);
  if (store == NULL)
    return exit_code;

  if (!apply_app_options (command, &opts, app, FALSE, &exit_code))
    return exit_code;

  g_clear_object (&store);

  return save_app (ctx, &opts, app, FALSE);
}

static int
app_remove (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the removed app as JSON"), NULL },
    { NULL }
  };

  store = open_app_command (ctx, command,
                            _("Remove an app and its AppSecret. It is refused while the app is "
                              "the dependent app of a QR-code login."),
                            entries, &argv, &app, &exit_code);
  if (store == NULL)
    return exit_code;

  secrets = yq_cli_open_secrets (ctx, &error);
  if (secrets == NULL)
    return yq_cli_report_error (error);

  /* The JSON is built before the app is gone: its links need it. */
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      app_to_json (builder, store, app);
      root = json_builder_get_root (builder);

      if (!yq_apps_remove (store, secrets, app->id, &error))
        return yq_cli_report_error (error);

      yq_cli_print_json (root);
    }
  else
    {
      if (!yq_apps_remove (store, secrets, app->id, &error))
        return yq_cli_report_error (error);

      g_print (_("Removed app %lld “%s”.\n"), (long long) app->id, app->name);
    }

  yq_cli_notify_service (ctx);

  return YQ_CLI_EXIT_OK;
}

static int
app_home_url (YqCliContext  *ctx,
              const char    *command,
              char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home_url = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  store = open_app_command (ctx, command,
                            _("Print the home URL of an app, to paste into the platform "
                              "console. It needs the external address setting."),
                            entries, &argv, &app, &exit_code);
  if (store == NULL)
    return exit_code;

  home_url = yq_apps_build_home_url (store, app, &error);
  if (home_url == NULL)
    return report_link_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "id", app->id);
      yq_cli_json_add_string (builder, "home_url", home_url);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else
    {
      /* Just the URL, for `$(yunqiaoctl app home-url 1)`. */
      g_print ("%s\n", home_url);
    }

  return YQ_CLI_EXIT_OK;
}

/* ---- qr ----------------------------------------------------------------------- */

/* Parses `COMMAND CONNECTOR` with @entries and opens the store on the
 * connector. */
static YqStore *
open_qr_command (YqCliContext        *ctx,
                 const char          *command,
                 const char          *summary,
                 const GOptionEntry  *entries,
                 char              ***argv,
                 YqConnector        **connector,
                 int                 *exit_code)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (!yq_cli_parse_options (command, _("CONNECTOR"), summary, entries, argv, exit_code))
    return NULL;

  if (!yq_cli_check_positionals (command, *argv, 1, _("Missing connector ID"), exit_code) ||
      !yq_cli_parse_connector_id (command, (*argv)[1], &id, exit_code))
    return NULL;

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    {
      *exit_code = yq_cli_report_error (error);
      return NULL;
    }

  *connector = yq_connectors_get (store, id, &error);
  if (*connector == NULL)
    {
      *exit_code = yq_cli_report_error (error);
      return NULL;
    }

  return g_steal_pointer (&store);
}

static int
print_qr_login (YqCliContext    *ctx,
                YqStore         *store,
                YqConnector     *connector,
                const YqQrLogin *qr_login)
{
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if (qr_login->app_id > 0)
    {
      app = yq_apps_get (store, qr_login->app_id, &error);
      if (app == NULL)
        return yq_cli_report_error (error);
    }

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      /* Member names are an interface for scripts: add, never rename. */
      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "connector_id", qr_login->connector_id);
      yq_cli_json_add_boolean (builder, "enabled", qr_login->enabled);
      yq_cli_json_add_id (builder, "app_id", qr_login->app_id);
      yq_cli_json_add_string (builder, "app_name", app != NULL ? app->name : NULL);
      yq_cli_json_add_int (builder, "ttl_seconds", qr_login->ttl_seconds);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else
    {
      g_autofree char *connector_text = named_id (yq_connector_get_name (connector),
                                                  qr_login->connector_id);
      g_autofree char *app_text = app != NULL ? named_id (app->name, app->id)
                                              : g_strdup (_("none"));
      g_autofree char *ttl = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u second",
                                                           "%u seconds", qr_login->ttl_seconds),
                                              qr_login->ttl_seconds);
      const char *labels[] = {
        _("Connector"),
        _("QR-code login"),
        _("Dependent app"),
        _("QR code valid for"),
      };
      const char *values[] = {
        connector_text,
        qr_login->enabled ? _("enabled") : _("disabled"),
        app_text,
        ttl,
      };

      G_STATIC_ASSERT (G_N_ELEMENTS (labels) == G_N_ELEMENTS (values));
      yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
    }

  return YQ_CLI_EXIT_OK;
}

static int
qr_show (YqCliContext  *ctx,
         const char    *command,
         char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  YqQrLogin qr_login = { 0 };
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  store = open_qr_command (ctx, command,
                           _("Show the QR-code login of a connector: whether it is enabled, "
                             "its dependent app and how long a QR code stays valid."),
                           entries, &argv, &connector, &exit_code);
  if (store == NULL)
    return exit_code;

  if (!yq_qr_login_get (store, yq_connector_get_id (connector), &qr_login, &error))
    return yq_cli_report_error (error);

  return print_qr_login (ctx, store, connector, &qr_login);
}

static int
qr_enable (YqCliContext  *ctx,
           const char    *command,
           char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *app_text = NULL;
  g_autofree char *ttl_text = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  YqQrLogin qr_login = { 0 };
  gint64 app_id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "app", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &app_text,
      N_("The dependent app: an app of the connector (with a client_id for Government "
         "DingTalk)"), N_("APP") },
    { "ttl", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, &ttl_text,
      N_("How long a QR code stays valid, 60 to 900 seconds (default: unchanged, at first 180)"),
      N_("SECONDS") },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the saved QR-code login as JSON"), NULL },
    { NULL }
  };

  store = open_qr_command (ctx, command,
                           _("Enable the QR-code login of a connector, so that the OA login "
                             "page can offer it."),
                           entries, &argv, &connector, &exit_code);
  if (store == NULL)
    return exit_code;

  if (app_text == NULL)
    return yq_cli_usage_error (command, _("--app is required"));

  if (!parse_app_id (command, app_text, &app_id, &exit_code))
    return exit_code;

  if (!yq_qr_login_get (store, yq_connector_get_id (connector), &qr_login, &error))
    return yq_cli_report_error (error);

  if (ttl_text != NULL)
    {
      guint64 ttl = 0;

      if (!g_ascii_string_to_unsigned (ttl_text, 10, 0, G_MAXUINT, &ttl, NULL))
        return yq_cli_usage_error (command, _("--ttl expects a number of seconds, not “%s”"),
                                   ttl_text);

      qr_login.ttl_seconds = (guint) ttl;
    }
  else if (qr_login.ttl_seconds == 0)
    {
      qr_login.ttl_seconds = YQ_QR_LOGIN_DEFAULT_TTL;
    }

  qr_login.connector_id = yq_connector_get_id (connector);
  qr_login.enabled = TRUE;
  qr_login.app_id = app_id;

  if (!yq_qr_login_set (store, &qr_login, &error))
    {
      g_autoptr(YqApp) app = yq_apps_get (store, app_id, NULL);

      yq_cli_report_error (error);

      /* The core's message points at the app's editor. */
      if (app != NULL && app->connector_id == qr_login.connector_id &&
          yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD &&
          (app->client_id == NULL || app->client_id[0] == '\0'))
        g_printerr (_("On the command line: yunqiaoctl app edit %lld --client-id ID\n"),
                    (long long) app_id);

      return YQ_CLI_EXIT_ERROR;
    }

  if (!yq_qr_login_get (store, qr_login.connector_id, &qr_login, &error))
    return yq_cli_report_error (error);

  if (!ctx->json)
    g_print (_("Enabled the QR-code login of connector %lld “%s”.\n"),
             (long long) qr_login.connector_id, yq_connector_get_name (connector));

  exit_code = print_qr_login (ctx, store, connector, &qr_login);

  yq_cli_notify_service (ctx);

  return exit_code;
}

static int
qr_disable (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  YqQrLogin qr_login = { 0 };
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print the saved QR-code login as JSON"), NULL },
    { NULL }
  };

  store = open_qr_command (ctx, command,
                           _("Disable the QR-code login of a connector. The dependent app and "
                             "the validity are kept for a later “qr enable”."),
                           entries, &argv, &connector, &exit_code);
  if (store == NULL)
    return exit_code;

  if (!yq_qr_login_get (store, yq_connector_get_id (connector), &qr_login, &error))
    return yq_cli_report_error (error);

  qr_login.connector_id = yq_connector_get_id (connector);
  qr_login.enabled = FALSE;

  if (!yq_qr_login_set (store, &qr_login, &error))
    return yq_cli_report_error (error);

  if (!yq_qr_login_get (store, qr_login.connector_id, &qr_login, &error))
    return yq_cli_report_error (error);

  if (ctx->json)
    exit_code = print_qr_login (ctx, store, connector, &qr_login);
  else
    g_print (_("Disabled the QR-code login of connector %lld “%s”.\n"),
             (long long) qr_login.connector_id, yq_connector_get_name (connector));

  yq_cli_notify_service (ctx);

  return exit_code;
}

static int
qr_snippet (YqCliContext  *ctx,
            const char    *command,
            char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snippet = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  store = open_qr_command (ctx, command,
                           _("Print the HTML snippet that the OA login page embeds to show the "
                             "QR code. It needs the QR-code login enabled and the external "
                             "address setting."),
                           entries, &argv, &connector, &exit_code);
  if (store == NULL)
    return exit_code;

  snippet = yq_qr_login_snippet (store, yq_connector_get_id (connector), &error);
  if (snippet == NULL)
    return report_link_error (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      yq_cli_json_add_int (builder, "connector_id", yq_connector_get_id (connector));
      yq_cli_json_add_string (builder, "html", snippet);
      json_builder_end_object (builder);
      yq_cli_print_builder (builder);
    }
  else
    {
      /* HTML is UTF-8 whatever the locale; g_print() would mangle it. */
      fputs (snippet, stdout);
      if (!g_str_has_suffix (snippet, "\n"))
        fputc ('\n', stdout);
      fflush (stdout);
    }

  return YQ_CLI_EXIT_OK;
}

/* ---- Groups ----------------------------------------------------------------- */

static const YqCliCommand entry_point_commands[] = {
  { "list", NULL, N_("List the OA entry points"), entry_point_list },
  { "add", "NAME URL", N_("Add an OA entry point"), entry_point_add },
  { "edit", "ID [--name NAME] [--url URL]", N_("Change an OA entry point"), entry_point_edit },
  { "remove", "ID", N_("Remove an OA entry point that no app opens"), entry_point_remove },
  { NULL }
};

static const YqCliCommand app_commands[] = {
  { "list", "[--connector ID]", N_("List the platform apps"), app_list },
  { "show", "APP", N_("Show one app with its home URL"), app_show },
  { "add", "--connector ID --name NAME --key KEY …", N_("Add an app to a connector"), app_add },
  { "edit", "APP …", N_("Change an app"), app_edit },
  { "remove", "APP", N_("Remove an app"), app_remove },
  { "home-url", "APP", N_("Print the home URL for the platform console"), app_home_url },
  { NULL }
};

static const YqCliCommand qr_commands[] = {
  { "show", "CONNECTOR", N_("Show the QR-code login of a connector"), qr_show },
  { "enable", "CONNECTOR --app APP [--ttl SECONDS]", N_("Enable the QR-code login"), qr_enable },
  { "disable", "CONNECTOR", N_("Disable the QR-code login"), qr_disable },
  { "snippet", "CONNECTOR", N_("Print the HTML snippet for the OA login page"), qr_snippet },
  { NULL }
};

int
yq_cli_entry_point (YqCliContext  *ctx,
                    char         **args)
{
  return yq_cli_dispatch (ctx, "entry-point",
                          _("Manage the OA entry points: the OA pages that apps open after a "
                            "login-free entry."),
                          entry_point_commands, args);
}

int
yq_cli_app (YqCliContext  *ctx,
            char         **args)
{
  return yq_cli_dispatch (ctx, "app",
                          _("Manage the platform apps of the connectors: credentials, home "
                            "target and who may use them."),
                          app_commands, args);
}

int
yq_cli_qr (YqCliContext  *ctx,
           char         **args)
{
  return yq_cli_dispatch (ctx, "qr",
                          _("Manage the QR-code login of the connectors for the OA login page."),
                          qr_commands, args);
}
