/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-apps"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "yq-apps.h"
#include "yq-connectors.h"
#include "yq-settings.h"
#include "yq-store-private.h"
#include "yq-text-private.h"

#define MAX_NAME_CHARS 64
#define MAX_KEY_CHARS 128
/* How much of a refused URL an error message quotes. */
#define MAX_QUOTED_CHARS 64

G_DEFINE_QUARK (yq-apps-error-quark, yq_apps_error)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
app_secret_key (gint64 id)
{
  return g_strdup_printf ("app-%" G_GINT64_FORMAT "-secret", id);
}

/* A short, printable form of untrusted text for an error message. */
static char *
quote_for_message (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_new (NULL);
  glong n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == MAX_QUOTED_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Characters no target URL contains, and that browsers read differently
 * from GUri (a backslash is a slash to them). */
static gboolean
has_unsafe_chars (const char *url)
{
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '\\')
      return TRUE;

  return FALSE;
}

/* Checks an entry point URL or custom link; @what names the field. */
static gboolean
validate_url (const char  *url,
              const char  *what,
              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   /* Translators: %s is a field, e.g. "entry point URL" */
                   _("Enter the %s, for example https://oa.example.gov.cn/portal"), what);
      return FALSE;
    }

  if (!has_unsafe_chars (url))
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("The %s is not a full URL; enter it like https://oa.example.gov.cn/portal"),
                   what);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("The %s must start with https:// or http://"), what);
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("Remove the user name and password from the %s"), what);
      return FALSE;
    }

  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("Remove the part starting with “#” from the %s"), what);
      return FALSE;
    }

  return TRUE;
}

/* The 政务钉钉 login host: a URL with nothing after the host and port. */
static gboolean
validate_login_base (const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *path;

  if (!validate_url (url, _("login host"), error))
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  path = g_uri_get_path (uri);
  if ((path != NULL && *path != '\0' && !g_str_equal (path, "/")) || g_uri_get_query (uri) != NULL)
    {
      g_set_error_literal (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                           _("Enter the login host without a path, for example "
                             "https://login.dg-work.cn"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate_name (const char  *name,
               GError     **error)
{
  if (!yq_text_is_valid_line (name, MAX_NAME_CHARS))
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("Enter a name of 1 to %d characters, without line breaks"), MAX_NAME_CHARS);
      return FALSE;
    }

  return TRUE;
}

static void
append_change (GString    *detail,
               const char *field,
               const char *value)
{
  if (detail->len > 0)
    g_string_append (detail, "; ");
  g_string_append_printf (detail, "%s=%s", field, value);
}

/* ---- Entry points -------------------------------------------------------- */

void
yq_entry_point_free (YqEntryPoint *entry_point)
{
  if (entry_point == NULL)
    return;

  g_free (entry_point->name);
  g_free (entry_point->url);
  g_free (entry_point);
}

#define SELECT_ENTRY_POINT "SELECT id, name, url, sort_order FROM oa_entry_points "

static YqEntryPoint *
entry_point_from_row (sqlite3_stmt *stmt)
{
  YqEntryPoint *entry_point = g_new0 (YqEntryPoint, 1);

  entry_point->id = sqlite3_column_int64 (stmt, 0);
  entry_point->name = g_strdup (yq_store_column_text (stmt, 1));
  entry_point->url = g_strdup (yq_store_column_text (stmt, 2));
  entry_point->sort_order = sqlite3_column_int (stmt, 3);

  return entry_point;
}

static void
set_entry_point_not_found (GError **error,
                           gint64   id)
{
  g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND,
               _("There is no OA entry point with ID %lld; it may have been removed. Reload the "
                 "list of entry points."),
               (long long) id);
}

/* Store lock held by the caller. */
static YqEntryPoint *
entry_point_get_locked (YqStore  *store,
                        gint64    id,
                        GError  **error)
{
  sqlite3_stmt *stmt;
  YqEntryPoint *entry_point = NULL;
  int rc;

  stmt = yq_store_prepare (store, SELECT_ENTRY_POINT "WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    entry_point = entry_point_from_row (stmt);
  else if (rc == SQLITE_DONE)
    set_entry_point_not_found (error, id);
  else
    yq_store_set_error (store, error, rc, _("Could not read the OA entry point"));
  sqlite3_reset (stmt);

  return entry_point;
}

/**
 * yq_entry_points_list:
 * @store: the store
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YqEntryPoint): the entry points by
 *   sort order, or %NULL with @error set
 */
GPtrArray *
yq_entry_points_list (YqStore  *store,
                      GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store, SELECT_ENTRY_POINT "ORDER BY sort_order, id", error);
  if (stmt == NULL)
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_entry_point_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, entry_point_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA entry points"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&list);
}

/**
 * yq_entry_points_get:
 * @store: the store
 * @id: the entry point's ID
 * @error: return location for an error
 *
 * Returns: (transfer full): the entry point, or %NULL with @error set
 *   (%YQ_APPS_ERROR_NOT_FOUND when there is none)
 */
YqEntryPoint *
yq_entry_points_get (YqStore  *store,
                     gint64    id,
                     GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  return entry_point_get_locked (store, id, error);
}

typedef struct
{
  gint64      id;
  const char *name;
  const char *url;
} EntryPointData;

static gboolean
entry_point_write (YqStore         *store,
                   sqlite3_stmt    *stmt,
                   EntryPointData  *data,
                   GError         **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_DUPLICATE,
                 _("An OA entry point named “%s” already exists. Choose another name."),
                 data->name);
  else
    yq_store_set_error (store, error, rc, _("Could not save the OA entry point"));
  sqlite3_reset (stmt);

  return FALSE;
}

static gboolean
entry_point_add_in_transaction (YqStore   *store,
                                gpointer   user_data,
                                GError   **error)
{
  EntryPointData *data = user_data;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  gint64 now = now_seconds ();
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "INSERT INTO oa_entry_points (name, url, sort_order, created_at, "
                           "updated_at) VALUES (?1, ?2, "
                           "(SELECT COALESCE (MAX (sort_order), -1) + 1 FROM oa_entry_points), "
                           "?3, ?3)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data->url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now);
  if (!entry_point_write (store, stmt, data, error))
    return FALSE;

  data->id = sqlite3_last_insert_rowid (yq_store_get_db (store));
  subject = g_strdup_printf ("entry-point/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("name=%s; url=%s", data->name, data->url);

  return yq_store_audit (store, NULL, "entry-point.add", subject, detail, error);
}

/**
 * yq_entry_points_add:
 * @store: the store
 * @name: the entry point's name
 * @url: its URL
 * @error: return location for an error
 *
 * Checks and adds an entry point at the end of the list, with an audit
 * entry.
 *
 * Returns: the new ID, or 0 with @error set
 */
gint64
yq_entry_points_add (YqStore     *store,
                     const char  *name,
                     const char  *url,
                     GError     **error)
{
  EntryPointData data = { 0, name, url };

  g_return_val_if_fail (YQ_IS_STORE (store), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!validate_name (name, error) || !validate_url (url, _("entry point URL"), error))
    return 0;

  if (!yq_store_transaction (store, entry_point_add_in_transaction, &data, error))
    return 0;

  return data.id;
}

static gboolean
entry_point_update_in_transaction (YqStore   *store,
                                   gpointer   user_data,
                                   GError   **error)
{
  EntryPointData *data = user_data;
  g_autoptr(YqEntryPoint) old = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *subject = NULL;
  sqlite3_stmt *stmt;

  old = entry_point_get_locked (store, data->id, error);
  if (old == NULL)
    return FALSE;

  stmt = yq_store_prepare (store,
                           "UPDATE oa_entry_points SET name = ?1, url = ?2, updated_at = ?3 "
                           "WHERE id = ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data->url, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  sqlite3_bind_int64 (stmt, 4, data->id);
  if (!entry_point_write (store, stmt, data, error))
    return FALSE;

  if (g_strcmp0 (old->name, data->name) != 0)
    append_change (detail, "name", data->name);
  if (g_strcmp0 (old->url, data->url) != 0)
    append_change (detail, "url", data->url);

  subject = g_strdup_printf ("entry-point/%" G_GINT64_FORMAT, data->id);
  return yq_store_audit (store, NULL, "entry-point.edit", subject, detail->str, error);
}

/**
 * yq_entry_points_update:
 * @store: the store
 * @id: the entry point's ID
 * @name: the new name
 * @url: the new URL
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_entry_points_update (YqStore     *store,
                        gint64       id,
                        const char  *name,
                        const char  *url,
                        GError     **error)
{
  EntryPointData data = { id, name, url };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_name (name, error) || !validate_url (url, _("entry point URL"), error))
    return FALSE;

  return yq_store_transaction (store, entry_point_update_in_transaction, &data, error);
}

/* The names of the apps (with their connectors) that match @sql's ?1, as a
 * list for a message; NULL when there are none. */
static char *
list_app_names (YqStore  *store,
                gint64    id,
                GError  **error)
{
  g_autoptr(GString) names = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT apps.name, connectors.name FROM apps "
                           "JOIN connectors ON connectors.id = apps.connector_id "
                           "WHERE apps.entry_point_id = ?1 "
                           "ORDER BY connectors.name COLLATE NOCASE, apps.name COLLATE NOCASE",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (names->len > 0)
        g_string_append (names, _(", "));
      /* Translators: an app and its connector, e.g. "待办 (浙政钉)" */
      g_string_append_printf (names, _("%s (%s)"), yq_store_column_text (stmt, 0),
                              yq_store_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the apps"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
entry_point_remove_in_transaction (YqStore   *store,
                                   gpointer   user_data,
                                   GError   **error)
{
  EntryPointData *data = user_data;
  g_autoptr(YqEntryPoint) old = NULL;
  g_autofree char *apps = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;

  old = entry_point_get_locked (store, data->id, error);
  if (old == NULL)
    return FALSE;

  apps = list_app_names (store, data->id, error);
  if (apps == NULL)
    return FALSE;
  if (*apps != '\0')
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE,
                   _("The OA entry point “%s” cannot be removed while apps open it: %s. Point "
                     "those apps elsewhere first."),
                   old->name, apps);
      return FALSE;
    }

  stmt = yq_store_prepare (store, "DELETE FROM oa_entry_points WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  if (!yq_store_run (store, stmt, _("Could not remove the OA entry point"), error))
    return FALSE;

  subject = g_strdup_printf ("entry-point/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("name=%s", old->name);

  return yq_store_audit (store, NULL, "entry-point.remove", subject, detail, error);
}

/**
 * yq_entry_points_remove:
 * @store: the store
 * @id: the entry point's ID
 * @error: return location for an error
 *
 * Returns: %TRUE on success; %YQ_APPS_ERROR_IN_USE while an app targets it
 */
gboolean
yq_entry_points_remove (YqStore  *store,
                        gint64    id,
                        GError  **error)
{
  EntryPointData data = { id, NULL, NULL };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, entry_point_remove_in_transaction, &data, error);
}

/* ---- Apps ---------------------------------------------------------------- */

YqApp *
yq_app_new (void)
{
  YqApp *app = g_new0 (YqApp, 1);

  app->target = YQ_APP_TARGET_ENTRY_POINT;
  return app;
}

YqApp *
yq_app_copy (const YqApp *app)
{
  YqApp *copy;

  g_return_val_if_fail (app != NULL, NULL);

  copy = g_memdup2 (app, sizeof *app);
  copy->name = g_strdup (app->name);
  copy->app_key = g_strdup (app->app_key);
  copy->client_id = g_strdup (app->client_id);
  copy->login_base = g_strdup (app->login_base);
  copy->custom_url = g_strdup (app->custom_url);
  copy->visible_departments = g_strdupv (app->visible_departments);

  return copy;
}

void
yq_app_free (YqApp *app)
{
  if (app == NULL)
    return;

  g_free (app->name);
  g_free (app->app_key);
  g_free (app->client_id);
  g_free (app->login_base);
  g_free (app->custom_url);
  g_strfreev (app->visible_departments);
  g_free (app);
}

const char *
yq_app_target_to_string (YqAppTarget target)
{
  switch (target)
    {
    case YQ_APP_TARGET_ENTRY_POINT:
      return "entry-point";
    case YQ_APP_TARGET_CUSTOM:
      return "custom";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
yq_app_target_from_string (const char  *text,
                           YqAppTarget *target)
{
  g_return_val_if_fail (target != NULL, FALSE);

  if (g_strcmp0 (text, "entry-point") == 0)
    *target = YQ_APP_TARGET_ENTRY_POINT;
  else if (g_strcmp0 (text, "custom") == 0)
    *target = YQ_APP_TARGET_CUSTOM;
  else
    return FALSE;

  return TRUE;
}

#define SELECT_APP \
  "SELECT id, connector_id, name, app_key, secret_ref, client_id, target, entry_point_id, " \
  "custom_url, visible_departments, created_at, updated_at, login_base FROM apps "

enum {
  COL_ID,
  COL_CONNECTOR_ID,
  COL_NAME,
  COL_APP_KEY,
  COL_SECRET_REF,
  COL_CLIENT_ID,
  COL_TARGET,
  COL_ENTRY_POINT_ID,
  COL_CUSTOM_URL,
  COL_VISIBLE_DEPARTMENTS,
  COL_CREATED_AT,
  COL_UPDATED_AT,
  COL_LOGIN_BASE,
};

static YqApp *
app_from_row (YqStore       *store,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr(YqApp) app = yq_app_new ();

  app->id = sqlite3_column_int64 (stmt, COL_ID);
  if (!yq_app_target_from_string (yq_store_column_text (stmt, COL_TARGET), &app->target))
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                   _("The app with ID %lld in %s has an unknown target; it may have been saved "
                     "by a newer version of Yunqiao."),
                   (long long) app->id, yq_store_get_path (store));
      return NULL;
    }

  app->connector_id = sqlite3_column_int64 (stmt, COL_CONNECTOR_ID);
  app->name = g_strdup (yq_store_column_text (stmt, COL_NAME));
  app->app_key = g_strdup (yq_store_column_text (stmt, COL_APP_KEY));
  app->has_secret = sqlite3_column_type (stmt, COL_SECRET_REF) != SQLITE_NULL;
  app->client_id = yq_store_column_dup (stmt, COL_CLIENT_ID);
  app->login_base = yq_store_column_dup (stmt, COL_LOGIN_BASE);
  app->entry_point_id = sqlite3_column_int64 (stmt, COL_ENTRY_POINT_ID);
  app->custom_url = yq_store_column_dup (stmt, COL_CUSTOM_URL);
  if (sqlite3_column_type (stmt, COL_VISIBLE_DEPARTMENTS) != SQLITE_NULL)
    app->visible_departments = g_strsplit (yq_store_column_text (stmt, COL_VISIBLE_DEPARTMENTS),
                                           "\n", -1);
  app->created_at = sqlite3_column_int64 (stmt, COL_CREATED_AT);
  app->updated_at = sqlite3_column_int64 (stmt, COL_UPDATED_AT);

  return g_steal_pointer (&app);
}

static void
set_app_not_found (GError **error,
                   gint64   id)
{
  g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND,
               _("There is no app with ID %lld; it may have been removed. Reload the list of "
                 "apps."),
               (long long) id);
}

/* Store lock held by the caller. */
static YqApp *
app_get_locked (YqStore  *store,
                gint64    id,
                GError  **error)
{
  sqlite3_stmt *stmt;
  YqApp *app = NULL;
  int rc;

  stmt = yq_store_prepare (store, SELECT_APP "WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    app = app_from_row (store, stmt, error);
  else if (rc == SQLITE_DONE)
    set_app_not_found (error, id);
  else
    yq_store_set_error (store, error, rc, _("Could not read the app"));
  sqlite3_reset (stmt);

  return app;
}

/* The connector, with a missing one as YQ_APPS_ERROR_NOT_FOUND. */
static YqConnector *
get_connector (YqStore  *store,
               gint64    id,
               GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  YqConnector *connector;

  connector = yq_connectors_get (store, id, &local_error);
  if (connector != NULL)
    return connector;

  if (g_error_matches (local_error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND))
    g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND,
                 _("There is no connector with ID %lld; it may have been deleted. Reload the "
                   "list of connectors."),
                 (long long) id);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

/**
 * yq_apps_list:
 * @store: the store
 * @connector_id: the connector, or 0 for the apps of all connectors
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YqApp): the apps by connector then
 *   name, or %NULL with @error set
 */
GPtrArray *
yq_apps_list (YqStore  *store,
              gint64    connector_id,
              GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           SELECT_APP "WHERE ?1 = 0 OR connector_id = ?1 "
                           "ORDER BY connector_id, name COLLATE NOCASE, id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, connector_id);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_app_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqApp *app = app_from_row (store, stmt, error);

      if (app == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (list, app);
    }

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the list of apps"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&list);
}

/**
 * yq_apps_get:
 * @store: the store
 * @id: the app's ID
 * @error: return location for an error
 *
 * Returns: (transfer full): the app, or %NULL with @error set
 *   (%YQ_APPS_ERROR_NOT_FOUND when there is none)
 */
YqApp *
yq_apps_get (YqStore  *store,
             gint64    id,
             GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  return app_get_locked (store, id, error);
}

/* Checks the fields of @app (not the connector's or entry point's
 * existence), without the store. */
static gboolean
validate_app_fields (const YqApp  *app,
                     GError      **error)
{
  if (!validate_name (app->name, error))
    return FALSE;

  if (!yq_text_is_valid_line (app->app_key, MAX_KEY_CHARS))
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("Enter the app’s AppKey or AppId (1 to %d characters) as the platform’s "
                     "console shows it"),
                   MAX_KEY_CHARS);
      return FALSE;
    }

  if (app->client_id != NULL && *app->client_id != '\0' &&
      !yq_text_is_valid_line (app->client_id, MAX_KEY_CHARS))
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("The client_id is too long or contains line breaks; copy it again from "
                     "the platform’s console"));
      return FALSE;
    }

  if (app->login_base != NULL && *app->login_base != '\0' &&
      !validate_login_base (app->login_base, error))
    return FALSE;

  switch (app->target)
    {
    case YQ_APP_TARGET_ENTRY_POINT:
      if (app->entry_point_id <= 0)
        {
          g_set_error_literal (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                               _("Choose the OA entry point the app opens"));
          return FALSE;
        }
      break;

    case YQ_APP_TARGET_CUSTOM:
      if (!validate_url (app->custom_url, _("custom link"), error))
        return FALSE;
      break;

    default:
      g_set_error_literal (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                           _("Choose whether the app opens an OA entry point or a custom link"));
      return FALSE;
    }

  for (guint i = 0; app->visible_departments != NULL && app->visible_departments[i] != NULL; i++)
    {
      if (!yq_text_is_valid_line (app->visible_departments[i], 256) ||
          strchr (app->visible_departments[i], '\n') != NULL)
        {
          g_set_error_literal (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                               _("A visible department has an empty or invalid ID; choose the "
                                 "departments again"));
          return FALSE;
        }
    }

  return TRUE;
}

/* Checks what @app refers to; store lock held. */
static gboolean
validate_app_references (YqStore      *store,
                         const YqApp  *app,
                         GError      **error)
{
  g_autoptr(YqConnector) connector = NULL;

  connector = get_connector (store, app->connector_id, error);
  if (connector == NULL)
    return FALSE;

  if (yq_connector_get_kind (connector) != YQ_PLATFORM_KIND_ZWDD &&
      ((app->client_id != NULL && *app->client_id != '\0') ||
       (app->login_base != NULL && *app->login_base != '\0')))
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("Only Government DingTalk apps have a client_id and a login host; clear them for "
                     "the app of the connector “%s”"),
                   yq_connector_get_name (connector));
      return FALSE;
    }

  if (app->target == YQ_APP_TARGET_ENTRY_POINT)
    {
      g_autoptr(YqEntryPoint) entry_point = entry_point_get_locked (store, app->entry_point_id,
                                                                   error);

      if (entry_point == NULL)
        return FALSE;
    }

  return TRUE;
}

static char *
join_departments (const YqApp *app)
{
  if (app->visible_departments == NULL || app->visible_departments[0] == NULL)
    return NULL;

  return g_strjoinv ("\n", app->visible_departments);
}

typedef struct
{
  const YqApp      *app;
  const char       *secret;
  /* the AppSecret stored or cleared by the save */
  YqSecretsJournal *journal;

  /* Results */
  gint64            id;
} AppSaveData;

static gboolean
app_store_secret (AppSaveData  *data,
                  gint64        id,
                  gboolean      had_secret,
                  GError      **error)
{
  g_autofree char *key = app_secret_key (id);
  g_autofree char *label = NULL;

  /* Translators: %s is an app name */
  label = g_strdup_printf (_("AppSecret of app “%s”"), data->app->name);

  return yq_secrets_journal_store (data->journal, key, label, data->secret, had_secret, error);
}

/* Runs @func, a save of @data in a transaction, with the AppSecret put
 * back when it fails and an unused one cleared when it commits. */
static gboolean
app_save (YqStore      *store,
          YqSecrets    *secrets,
          YqStoreFunc   func,
          AppSaveData  *data,
          GError      **error)
{
  g_autoptr(YqSecretsJournal) journal = yq_secrets_journal_new (secrets);

  data->journal = journal;
  if (!yq_store_transaction (store, func, data, error))
    {
      yq_secrets_journal_undo (journal);
      return FALSE;
    }
  yq_secrets_journal_commit (journal);

  return TRUE;
}

static gboolean
set_secret_ref (YqStore     *store,
                gint64       id,
                const char  *ref,
                GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store, "UPDATE apps SET secret_ref = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);

  return yq_store_run (store, stmt, _("Could not save the app"), error);
}

static void
bind_app (sqlite3_stmt *stmt,
          const YqApp  *app,
          const char   *departments)
{
  gboolean custom = app->target == YQ_APP_TARGET_CUSTOM;

  sqlite3_bind_int64 (stmt, 1, app->connector_id);
  sqlite3_bind_text (stmt, 2, app->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, app->app_key, -1, SQLITE_TRANSIENT);
  if (app->client_id != NULL && *app->client_id != '\0')
    sqlite3_bind_text (stmt, 4, app->client_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_text (stmt, 5, yq_app_target_to_string (app->target), -1, SQLITE_STATIC);
  if (custom)
    {
      sqlite3_bind_null (stmt, 6);
      sqlite3_bind_text (stmt, 7, app->custom_url, -1, SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_int64 (stmt, 6, app->entry_point_id);
      sqlite3_bind_null (stmt, 7);
    }
  if (departments != NULL)
    sqlite3_bind_text (stmt, 8, departments, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 8);
  if (app->login_base != NULL && *app->login_base != '\0')
    sqlite3_bind_text (stmt, 11, app->login_base, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 11);
}

static gboolean
app_write (YqStore       *store,
           sqlite3_stmt  *stmt,
           const YqApp   *app,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return TRUE;
    }

  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_DUPLICATE,
                 _("The connector already has an app named “%s”. Choose another name."),
                 app->name);
  else
    yq_store_set_error (store, error, rc, _("Could not save the app"));
  sqlite3_reset (stmt);

  return FALSE;
}

static void
describe_app (GString     *detail,
              const YqApp *old,
              const YqApp *new,
              const char  *departments)
{
  g_autofree char *old_departments = old != NULL ? join_departments (old) : NULL;
  char number[32];

  if (old == NULL)
    {
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, new->connector_id);
      append_change (detail, "connector", number);
    }
  if (old == NULL || g_strcmp0 (old->name, new->name) != 0)
    append_change (detail, "name", new->name);
  if (old == NULL || g_strcmp0 (old->app_key, new->app_key) != 0)
    append_change (detail, "app_key", new->app_key);
  if (old == NULL || g_strcmp0 (old->client_id, new->client_id) != 0)
    append_change (detail, "client_id", new->client_id != NULL ? new->client_id : "");
  if (old == NULL || old->target != new->target)
    append_change (detail, "target", yq_app_target_to_string (new->target));
  if (new->target == YQ_APP_TARGET_ENTRY_POINT &&
      (old == NULL || old->entry_point_id != new->entry_point_id))
    {
      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, new->entry_point_id);
      append_change (detail, "entry_point", number);
    }
  if (new->target == YQ_APP_TARGET_CUSTOM &&
      (old == NULL || g_strcmp0 (old->custom_url, new->custom_url) != 0))
    append_change (detail, "custom_url", new->custom_url);
  if (g_strcmp0 (old_departments, departments) != 0)
    {
      g_autofree char *list = g_strdelimit (g_strdup (departments != NULL ? departments : ""),
                                            "\n", ',');

      append_change (detail, "visible_departments", list);
    }
}

static gboolean
app_add_in_transaction (YqStore   *store,
                        gpointer   user_data,
                        GError   **error)
{
  AppSaveData *data = user_data;
  const YqApp *app = data->app;
  g_autofree char *departments = join_departments (app);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *subject = NULL;
  sqlite3_stmt *stmt;

  if (!validate_app_references (store, app, error))
    return FALSE;

  stmt = yq_store_prepare (store,
                           "INSERT INTO apps (connector_id, name, app_key, client_id, target, "
                           "entry_point_id, custom_url, visible_departments, created_at, "
                           "updated_at, login_base) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?11)",
                           error);
  if (stmt == NULL)
    return FALSE;
  bind_app (stmt, app, departments);
  sqlite3_bind_int64 (stmt, 9, now_seconds ());
  if (!app_write (store, stmt, app, error))
    return FALSE;

  data->id = sqlite3_last_insert_rowid (yq_store_get_db (store));

  describe_app (detail, NULL, app, departments);
  if (data->secret != NULL && *data->secret != '\0')
    {
      g_autofree char *key = app_secret_key (data->id);

      /* Leftovers of a rolled-back add with the same ID are overwritten. */
      if (!app_store_secret (data, data->id, FALSE, error) ||
          !set_secret_ref (store, data->id, key, error))
        return FALSE;
      append_change (detail, "secret", "set");
    }

  subject = g_strdup_printf ("app/%" G_GINT64_FORMAT, data->id);
  return yq_store_audit (store, NULL, "app.add", subject, detail->str, error);
}

/**
 * yq_apps_add:
 * @store: the store
 * @secrets: where AppSecrets are kept
 * @app: the app; its ID and timestamps are ignored
 * @secret: (nullable): the AppSecret
 * @error: return location for an error
 *
 * Returns: the new ID, or 0 with @error set
 */
gint64
yq_apps_add (YqStore      *store,
             YqSecrets    *secrets,
             const YqApp  *app,
             const char   *secret,
             GError      **error)
{
  AppSaveData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), 0);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), 0);
  g_return_val_if_fail (app != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!validate_app_fields (app, error))
    return 0;

  data.app = app;
  data.secret = secret;

  return app_save (store, secrets, app_add_in_transaction, &data, error) ? data.id : 0;
}

static gboolean
app_update_in_transaction (YqStore   *store,
                           gpointer   user_data,
                           GError   **error)
{
  AppSaveData *data = user_data;
  const YqApp *app = data->app;
  g_autoptr(YqApp) old = NULL;
  g_autofree char *departments = join_departments (app);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *subject = NULL;
  sqlite3_stmt *stmt;

  old = app_get_locked (store, app->id, error);
  if (old == NULL)
    return FALSE;

  if (old->connector_id != app->connector_id)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("The app “%s” belongs to another connector; an app cannot move between "
                     "connectors. Add a new app instead."),
                   old->name);
      return FALSE;
    }

  if (!validate_app_references (store, app, error))
    return FALSE;

  stmt = yq_store_prepare (store,
                           "UPDATE apps SET connector_id = ?1, name = ?2, app_key = ?3, "
                           "client_id = ?4, target = ?5, entry_point_id = ?6, custom_url = ?7, "
                           "visible_departments = ?8, updated_at = ?9, login_base = ?11 "
                           "WHERE id = ?10",
                           error);
  if (stmt == NULL)
    return FALSE;
  bind_app (stmt, app, departments);
  sqlite3_bind_int64 (stmt, 9, now_seconds ());
  sqlite3_bind_int64 (stmt, 10, app->id);
  if (!app_write (store, stmt, app, error))
    return FALSE;

  /* A 政务钉钉 QR-code login needs its app's client_id. */
  if (app->client_id == NULL || *app->client_id == '\0')
    {
      g_autoptr(YqConnector) connector = get_connector (store, app->connector_id, error);
      int rc;

      if (connector == NULL)
        return FALSE;

      stmt = yq_store_prepare (store,
                               "SELECT 1 FROM qr_logins WHERE app_id = ?1 AND enabled = 1",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, app->id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_ROW && yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD)
        {
          g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE,
                       _("The QR-code login of the connector “%s” uses the app “%s” and needs "
                         "its client_id. Enter the client_id or turn the QR-code login off "
                         "first."),
                       yq_connector_get_name (connector), app->name);
          return FALSE;
        }
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        {
          yq_store_set_error (store, error, rc, _("Could not read the QR-code login"));
          return FALSE;
        }
    }

  describe_app (detail, old, app, departments);

  if (data->secret != NULL && *data->secret != '\0')
    {
      g_autofree char *key = app_secret_key (app->id);

      if (!app_store_secret (data, app->id, old->has_secret, error) ||
          !set_secret_ref (store, app->id, key, error))
        return FALSE;
      append_change (detail, "secret", old->has_secret ? "replaced" : "set");
    }
  else if (data->secret != NULL && old->has_secret)
    {
      if (!set_secret_ref (store, app->id, NULL, error))
        return FALSE;
      g_autofree char *key = app_secret_key (app->id);

      yq_secrets_journal_clear_on_commit (data->journal, key);
      append_change (detail, "secret", "removed");
    }

  subject = g_strdup_printf ("app/%" G_GINT64_FORMAT, app->id);
  return yq_store_audit (store, NULL, "app.edit", subject, detail->str, error);
}

/**
 * yq_apps_update:
 * @store: the store
 * @secrets: where AppSecrets are kept
 * @app: the app with its ID
 * @secret: (nullable): a new AppSecret; %NULL keeps the stored one, ""
 *   removes it
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_apps_update (YqStore      *store,
                YqSecrets    *secrets,
                const YqApp  *app,
                const char   *secret,
                GError      **error)
{
  AppSaveData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (app != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate_app_fields (app, error))
    return FALSE;

  data.app = app;
  data.secret = secret;

  return app_save (store, secrets, app_update_in_transaction, &data, error);
}

typedef struct
{
  YqSecrets *secrets;
  gint64     id;
} AppRemoveData;

static gboolean
app_remove_in_transaction (YqStore   *store,
                           gpointer   user_data,
                           GError   **error)
{
  AppRemoveData *data = user_data;
  g_autoptr(YqApp) old = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *key = NULL;
  sqlite3_stmt *stmt;
  int rc;

  old = app_get_locked (store, data->id, error);
  if (old == NULL)
    return FALSE;

  stmt = yq_store_prepare (store,
                           "SELECT connectors.name FROM qr_logins "
                           "JOIN connectors ON connectors.id = qr_logins.connector_id "
                           "WHERE qr_logins.app_id = ?1 AND qr_logins.enabled = 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE,
                   _("The app “%s” cannot be removed while the QR-code login of the connector "
                     "“%s” depends on it. Choose another app for the QR-code login or turn it "
                     "off first."),
                   old->name, yq_store_column_text (stmt, 0));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the QR-code login"));
      return FALSE;
    }

  /* Push targets that send with the app keep it (ON DELETE RESTRICT). */
  stmt = yq_store_prepare (store,
                           "SELECT push_rules.name FROM push_targets "
                           "JOIN push_rules ON push_rules.id = push_targets.rule_id "
                           "WHERE push_targets.app_id = ?1 ORDER BY push_rules.name LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE,
                   _("The app “%s” cannot be removed while the push rule “%s” sends with it. "
                     "Choose another app for the rule's targets or remove them first."),
                   old->name, yq_store_column_text (stmt, 0));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push rules"));
      return FALSE;
    }

  /* A QR-code login that is off only remembers the app. */
  stmt = yq_store_prepare (store,
                           "UPDATE qr_logins SET app_id = NULL, updated_at = ?2 "
                           "WHERE app_id = ?1 AND enabled = 0",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  if (!yq_store_run (store, stmt, _("Could not remove the app"), error))
    return FALSE;

  stmt = yq_store_prepare (store, "DELETE FROM apps WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  if (!yq_store_run (store, stmt, _("Could not remove the app"), error))
    return FALSE;

  subject = g_strdup_printf ("app/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("connector=%" G_GINT64_FORMAT "; name=%s",
                            old->connector_id, old->name);
  if (!yq_store_audit (store, NULL, "app.remove", subject, detail, error))
    return FALSE;

  /* Cleared before the commit, as for connectors: if the secrets store
   * refuses, the app stays and the removal can be retried. */
  key = app_secret_key (data->id);
  return yq_secrets_clear (data->secrets, key, error);
}

/**
 * yq_apps_remove:
 * @store: the store
 * @secrets: where AppSecrets are kept
 * @id: the app's ID
 * @error: return location for an error
 *
 * Removes the app and its AppSecret. A QR-code login that is turned off
 * forgets the app; one that is on refuses (%YQ_APPS_ERROR_IN_USE).
 *
 * Returns: %TRUE on success
 */
gboolean
yq_apps_remove (YqStore    *store,
                YqSecrets  *secrets,
                gint64      id,
                GError    **error)
{
  AppRemoveData data = { secrets, id };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, app_remove_in_transaction, &data, error);
}

/**
 * yq_apps_get_secret:
 * @store: the store
 * @secrets: where AppSecrets are kept
 * @app: the app
 * @error: return location for an error
 *
 * Returns: (transfer full): the AppSecret, or %NULL with @error set
 */
char *
yq_apps_get_secret (YqStore      *store,
                    YqSecrets    *secrets,
                    const YqApp  *app,
                    GError      **error)
{
  g_autoptr(YqApp) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  char *value;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (app != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* What the store says, not a possibly stale copy. */
  stored = yq_apps_get (store, app->id, error);
  if (stored == NULL)
    return NULL;

  if (!stored->has_secret)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("No AppSecret is set for app “%s”. Edit the app and enter it."),
                   stored->name);
      return NULL;
    }

  key = app_secret_key (stored->id);
  value = yq_secrets_lookup (secrets, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (value == NULL)
    g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                 _("The AppSecret of app “%s” is missing from the secrets store (%s). Edit "
                   "the app and enter it again."),
                 stored->name, yq_secrets_get_backend_name (secrets));

  return value;
}

/**
 * yq_apps_resolve_target:
 * @store: the store
 * @app: the app
 * @error: return location for an error
 *
 * Returns: (transfer full): the URL the app opens, or %NULL with @error set
 */
char *
yq_apps_resolve_target (YqStore      *store,
                        const YqApp  *app,
                        GError      **error)
{
  g_autoptr(YqEntryPoint) entry_point = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (app != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (app->target == YQ_APP_TARGET_CUSTOM)
    {
      if (app->custom_url == NULL || *app->custom_url == '\0')
        {
          g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                       _("The app “%s” has no custom link. Edit the app and enter it."),
                       app->name);
          return NULL;
        }
      return g_strdup (app->custom_url);
    }

  entry_point = yq_entry_points_get (store, app->entry_point_id, error);
  if (entry_point == NULL)
    return NULL;

  return g_strdup (entry_point->url);
}

/**
 * yq_apps_build_home_url:
 * @store: the store
 * @app: a saved app
 * @error: return location for an error
 *
 * Returns: (transfer full): "<external address>/login/app/<id>", or %NULL
 *   with @error set (%YQ_SETTINGS_ERROR_INVALID when the external address is
 *   not set)
 */
char *
yq_apps_build_home_url (YqStore      *store,
                        const YqApp  *app,
                        GError      **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (app != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (app->id <= 0)
    {
      g_set_error_literal (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                           _("Save the app first; its home URL contains its ID"));
      return NULL;
    }

  path = g_strdup_printf ("login/app/%" G_GINT64_FORMAT, app->id);
  return yq_settings_build_url (store, path, error);
}

/* The parts of an http(s) URL an origin is made of; FALSE for anything
 * else (relative, other schemes, user info, odd characters). */
static gboolean
split_origin (const char  *url,
              char       **scheme,
              char       **host,
              int         *port)
{
  g_autoptr(GUri) uri = NULL;
  const char *uri_scheme;
  const char *uri_host;
  int uri_port;

  if (url == NULL || *url == '\0' || has_unsafe_chars (url))
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  uri_scheme = g_uri_get_scheme (uri);
  uri_host = g_uri_get_host (uri);
  if (uri_host == NULL || *uri_host == '\0' || g_uri_get_userinfo (uri) != NULL)
    return FALSE;

  uri_port = g_uri_get_port (uri);
  if (g_ascii_strcasecmp (uri_scheme, "http") == 0)
    uri_port = uri_port == -1 ? 80 : uri_port;
  else if (g_ascii_strcasecmp (uri_scheme, "https") == 0)
    uri_port = uri_port == -1 ? 443 : uri_port;
  else
    return FALSE;

  *scheme = g_ascii_strdown (uri_scheme, -1);
  *host = g_utf8_casefold (uri_host, -1);
  *port = uri_port;

  return TRUE;
}

/**
 * yq_apps_target_allowed:
 * @store: the store
 * @url: a URL a login wants to redirect to
 * @error: return location for an error
 *
 * Returns: %TRUE if @url is on the origin of an entry point or custom link;
 *   otherwise %FALSE with %YQ_APPS_ERROR_TARGET_REFUSED (or a store error)
 */
gboolean
yq_apps_target_allowed (YqStore     *store,
                        const char  *url,
                        GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *quoted = NULL;
  sqlite3_stmt *stmt;
  int port = 0;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (split_origin (url, &scheme, &host, &port))
    {
      locker = yq_store_lock (store);
      stmt = yq_store_prepare (store,
                               "SELECT url FROM oa_entry_points UNION ALL "
                               "SELECT custom_url FROM apps WHERE custom_url IS NOT NULL",
                               error);
      if (stmt == NULL)
        return FALSE;

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autofree char *allowed_scheme = NULL;
          g_autofree char *allowed_host = NULL;
          int allowed_port;

          if (split_origin (yq_store_column_text (stmt, 0), &allowed_scheme, &allowed_host,
                            &allowed_port) &&
              g_str_equal (scheme, allowed_scheme) &&
              g_str_equal (host, allowed_host) &&
              port == allowed_port)
            {
              sqlite3_reset (stmt);
              return TRUE;
            }
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          yq_store_set_error (store, error, rc, _("Could not read the OA entry points"));
          return FALSE;
        }
    }

  quoted = quote_for_message (url);
  g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_TARGET_REFUSED,
               _("The address “%s” is not on a configured OA entry point or app link, so the "
                 "login does not go there. Add its site under OA entry points if it is "
                 "meant to be reached."),
               quoted);

  return FALSE;
}

/* A JSON array of strings, for json_each(). */
static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/**
 * yq_apps_is_visible_to:
 * @store: the store
 * @app: the app
 * @department_ids: (nullable) (array zero-terminated=1): the person's
 *   platform departments
 * @visible: (out): whether the app is visible to the person
 * @error: return location for an error
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
yq_apps_is_visible_to (YqStore            *store,
                       const YqApp        *app,
                       const char * const *department_ids,
                       gboolean           *visible,
                       GError            **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autofree char *people_json = NULL;
  g_autofree char *visible_json = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (app != NULL, FALSE);
  g_return_val_if_fail (visible != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *visible = FALSE;

  if (app->visible_departments == NULL || app->visible_departments[0] == NULL)
    {
      *visible = TRUE;
      return TRUE;
    }

  if (department_ids == NULL || department_ids[0] == NULL)
    return TRUE;

  /* From the person's departments up through their ancestors, in the
   * database: a login reads a handful of rows, not the whole directory.
   * UNION stops at a cycle; the depth bounds a pathological chain. */
  people_json = strv_to_json (department_ids);
  visible_json = strv_to_json ((const char * const *) app->visible_departments);
  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "WITH RECURSIVE up (id, depth) AS ("
                           "  SELECT value, 0 FROM json_each (?2) "
                           "  UNION "
                           "  SELECT d.parent_id, up.depth + 1 FROM bridge_departments d "
                           "  JOIN up ON d.connector_id = ?1 AND d.platform_id = up.id "
                           "  WHERE d.parent_id IS NOT NULL AND up.depth < 256) "
                           "SELECT EXISTS (SELECT 1 FROM up "
                           "               WHERE id IN (SELECT value FROM json_each (?3)))",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, app->connector_id);
  sqlite3_bind_text (stmt, 2, people_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, visible_json, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *visible = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
      return FALSE;
    }

  return TRUE;
}

/* ---- QR-code login ------------------------------------------------------- */

/**
 * yq_qr_login_get:
 * @store: the store
 * @connector_id: the connector
 * @qr_login: (out caller-allocates): the QR-code login
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_qr_login_get (YqStore    *store,
                 gint64      connector_id,
                 YqQrLogin  *qr_login,
                 GError    **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(YqConnector) connector = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (qr_login != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = yq_store_lock (store);
  connector = get_connector (store, connector_id, error);
  if (connector == NULL)
    return FALSE;

  qr_login->connector_id = connector_id;
  qr_login->enabled = FALSE;
  qr_login->app_id = 0;
  qr_login->ttl_seconds = YQ_QR_LOGIN_DEFAULT_TTL;

  stmt = yq_store_prepare (store,
                           "SELECT enabled, app_id, ttl_seconds FROM qr_logins "
                           "WHERE connector_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      qr_login->enabled = sqlite3_column_int (stmt, 0) != 0;
      qr_login->app_id = sqlite3_column_int64 (stmt, 1);
      qr_login->ttl_seconds = (guint) sqlite3_column_int (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the QR-code login"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
qr_login_set_in_transaction (YqStore   *store,
                             gpointer   user_data,
                             GError   **error)
{
  const YqQrLogin *qr_login = user_data;
  g_autoptr(YqConnector) connector = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;

  connector = get_connector (store, qr_login->connector_id, error);
  if (connector == NULL)
    return FALSE;

  if (qr_login->ttl_seconds < 60 || qr_login->ttl_seconds > 900)
    {
      g_set_error_literal (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                           _("A QR code must stay valid for 60 to 900 seconds"));
      return FALSE;
    }

  if (qr_login->enabled && qr_login->app_id <= 0)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("Choose the app of the connector “%s” that the QR-code login uses"),
                   yq_connector_get_name (connector));
      return FALSE;
    }

  if (qr_login->app_id > 0)
    {
      g_autoptr(YqApp) app = app_get_locked (store, qr_login->app_id, error);

      if (app == NULL)
        return FALSE;

      if (app->connector_id != qr_login->connector_id)
        {
          g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                       _("The app “%s” belongs to another connector; choose an app of the "
                         "connector “%s”"),
                       app->name, yq_connector_get_name (connector));
          return FALSE;
        }

      if (yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD &&
          (app->client_id == NULL || *app->client_id == '\0'))
        {
          g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                       _("The app “%s” has no client_id, which the Government DingTalk QR-code login "
                         "needs. Edit the app and enter it."),
                       app->name);
          return FALSE;
        }
    }

  stmt = yq_store_prepare (store,
                           "INSERT INTO qr_logins (connector_id, enabled, app_id, ttl_seconds, "
                           "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (connector_id) DO UPDATE SET enabled = excluded.enabled, "
                           "app_id = excluded.app_id, ttl_seconds = excluded.ttl_seconds, "
                           "updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, qr_login->connector_id);
  sqlite3_bind_int (stmt, 2, qr_login->enabled ? 1 : 0);
  if (qr_login->app_id > 0)
    sqlite3_bind_int64 (stmt, 3, qr_login->app_id);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, qr_login->ttl_seconds);
  sqlite3_bind_int64 (stmt, 5, now_seconds ());
  if (!yq_store_run (store, stmt, _("Could not save the QR-code login"), error))
    return FALSE;

  subject = g_strdup_printf ("connector/%" G_GINT64_FORMAT, qr_login->connector_id);
  detail = g_strdup_printf ("enabled=%s; app=%" G_GINT64_FORMAT "; ttl=%u",
                            qr_login->enabled ? "true" : "false",
                            MAX (qr_login->app_id, 0), qr_login->ttl_seconds);

  return yq_store_audit (store, NULL, "qr-login.set", subject, detail, error);
}

/**
 * yq_qr_login_set:
 * @store: the store
 * @qr_login: the QR-code login of a connector
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_qr_login_set (YqStore          *store,
                 const YqQrLogin  *qr_login,
                 GError          **error)
{
  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (qr_login != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, qr_login_set_in_transaction, (gpointer) qr_login, error);
}

/* @text as a JavaScript string literal that is also safe inside an HTML
 * <script> element. */
static void
append_js_string (GString    *out,
                  const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c == '\'' ||
          c < 0x20 || c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  g_string_append_c (out, '"');
}

/* The body of the snippet's script, after NEW_URL and TEXT. */
static const char qr_script[] =
  "  var box = document.getElementById(\"yunqiao-qr\");\n"
  "  var image = box.querySelector(\"img\");\n"
  "  var status = box.querySelector(\"p\");\n"
  "  var timer = 0;\n"
  "\n"
  "  function say(text) { status.textContent = text; }\n"
  "\n"
  "  function getJson(url) {\n"
  "    return fetch(url, { cache: \"no-store\", credentials: \"omit\" }).then(function (r) {\n"
  "      if (!r.ok) throw new Error(\"HTTP \" + r.status);\n"
  "      return r.json();\n"
  "    });\n"
  "  }\n"
  "\n"
  "  function login(ticket) {\n"
  "    say(TEXT.done);\n"
  "    if (typeof window.yunqiaoLogin === \"function\") {\n"
  "      window.yunqiaoLogin(ticket);\n"
  "      return;\n"
  "    }\n"
  "    var url = new URL(window.location.href);\n"
  "    url.searchParams.set(\"ticket\", ticket);\n"
  "    window.location.assign(url.toString());\n"
  "  }\n"
  "\n"
  "  function poll(url) {\n"
  "    timer = setTimeout(function () {\n"
  "      getJson(url).then(function (answer) {\n"
  "        if (answer.state === \"confirmed\" && answer.ticket) {\n"
  "          login(answer.ticket);\n"
  "        } else if (answer.state === \"expired\") {\n"
  "          fresh();\n"
  "        } else if (answer.state === \"refused\") {\n"
  "          say(answer.message || TEXT.refused);\n"
  "        } else {\n"
  "          if (answer.state === \"scanned\") say(TEXT.scanned);\n"
  "          poll(url);\n"
  "        }\n"
  "      }, function () { poll(url); });\n"
  "    }, 2000);\n"
  "  }\n"
  "\n"
  "  function fresh() {\n"
  "    clearTimeout(timer);\n"
  "    say(TEXT.loading);\n"
  "    getJson(NEW_URL).then(function (code) {\n"
  "      image.onerror = function () {\n"
  "        if (code.svg && image.src !== code.svg) image.src = code.svg;\n"
  "      };\n"
  "      image.src = code.png || code.svg;\n"
  "      image.hidden = false;\n"
  "      say(TEXT.scan);\n"
  "      poll(code.poll);\n"
  "    }, function () {\n"
  "      image.hidden = true;\n"
  "      say(TEXT.failed);\n"
  "      timer = setTimeout(fresh, 10000);\n"
  "    });\n"
  "  }\n"
  "\n"
  "  fresh();\n"
  "})();\n";

/**
 * yq_qr_login_snippet:
 * @store: the store
 * @connector_id: the connector
 * @error: return location for an error
 *
 * Returns: (transfer full): the HTML snippet for the OA login page, or
 *   %NULL with @error set
 */
char *
yq_qr_login_snippet (YqStore  *store,
                     gint64    connector_id,
                     GError  **error)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autofree char *path = NULL;
  g_autofree char *new_url = NULL;
  g_autofree char *alt = NULL;
  GString *html;
  YqQrLogin qr_login;
  struct
  {
    const char *name;
    const char *text;
  } texts[] = {
    { "loading", _("Loading the QR code…") },
    { "scan", _("Scan the QR code with the app on your phone to sign in.") },
    { "scanned", _("Scanned. Confirm the sign-in on your phone.") },
    { "done", _("Signing in…") },
    { "refused", _("The sign-in was refused.") },
    { "failed", _("The QR code could not be loaded. Retrying…") },
  };

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  connector = get_connector (store, connector_id, error);
  if (connector == NULL)
    return NULL;

  if (!yq_qr_login_get (store, connector_id, &qr_login, error))
    return NULL;

  if (!qr_login.enabled)
    {
      g_set_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID,
                   _("The QR-code login of the connector “%s” is turned off. Turn it on "
                     "first."),
                   yq_connector_get_name (connector));
      return NULL;
    }

  path = g_strdup_printf ("qr/new?connector=%" G_GINT64_FORMAT, connector_id);
  new_url = yq_settings_build_url (store, path, error);
  if (new_url == NULL)
    return NULL;

  alt = g_markup_escape_text (_("QR code for signing in"), -1);

  html = g_string_new (NULL);
  g_string_append_printf (html,
                          "<div id=\"yunqiao-qr\" data-connector=\"%" G_GINT64_FORMAT "\">\n"
                          "  <img alt=\"%s\" width=\"200\" height=\"200\" hidden>\n"
                          "  <p role=\"status\"></p>\n"
                          "</div>\n"
                          "<script>\n"
                          "(function () {\n"
                          "  \"use strict\";\n"
                          "  var NEW_URL = ",
                          connector_id, alt);
  append_js_string (html, new_url);
  g_string_append (html, ";\n  var TEXT = {");
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_string_append_printf (html, "%s\n    %s: ", i > 0 ? "," : "", texts[i].name);
      append_js_string (html, texts[i].text);
    }
  g_string_append (html, "\n  };\n");
  g_string_append (html, qr_script);
  g_string_append (html, "</script>\n");

  return g_string_free (html, FALSE);
}
