/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "yunqiao-core.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"

#define SECRET_1 "AppSecret-VALUE-0001"
#define SECRET_2 "AppSecret-VALUE-0002"
#define OA_URL "https://oa.example.gov.cn/portal/index"
#define TODO_URL "http://todo.example.gov.cn:8080/app"

typedef struct
{
  char      *dir;
  YqStore   *store;
  YqSecrets *secrets;
  gint64     zwdd_id;
  gint64     yzj_id;
} Fixture;

static gint64
add_connector (Fixture           *f,
               YqConnectorPreset  preset,
               const char        *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (preset);

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "100200");
  yq_connector_set_app_key (connector, "app-key-1");
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, "connector-secret", "dir-secret",
                                     &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yq-test-apps-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (f->secrets), ==, "file");

  f->zwdd_id = add_connector (f, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙政钉");
  f->yzj_id = add_connector (f, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
raw_exec (YqStore    *store,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (yq_store_get_db (store), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
count_rows (YqStore    *store,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

static char *
last_audit_detail (YqStore    *store,
                   const char *action)
{
  sqlite3_stmt *stmt = NULL;
  char *detail = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (store),
                                       "SELECT detail FROM audit_log WHERE action = ?1 "
                                       "ORDER BY id DESC LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    detail = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return detail;
}

static char *
stored_secret (Fixture *f,
               gint64   app_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup_printf ("app-%" G_GINT64_FORMAT "-secret", app_id);
  char *value = yq_secrets_lookup (f->secrets, key, &error);

  g_assert_no_error (error);
  return value;
}

static gint64
add_entry_point (Fixture    *f,
                 const char *name,
                 const char *url)
{
  g_autoptr(GError) error = NULL;
  gint64 id = yq_entry_points_add (f->store, name, url, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static YqApp *
make_app (gint64      connector_id,
          const char *name,
          gint64      entry_point_id)
{
  YqApp *app = yq_app_new ();

  app->connector_id = connector_id;
  app->name = g_strdup (name);
  app->app_key = g_strdup ("dingabc123");
  app->target = YQ_APP_TARGET_ENTRY_POINT;
  app->entry_point_id = entry_point_id;

  return app;
}

static gint64
add_app (Fixture     *f,
         const YqApp *app,
         const char  *secret)
{
  g_autoptr(GError) error = NULL;
  gint64 id = yq_apps_add (f->store, f->secrets, app, secret, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

/* Entry points */

static void
test_entry_points (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(YqEntryPoint) entry_point = NULL;
  g_autofree char *long_name = NULL;
  g_autofree char *detail = NULL;
  static const char * const bad_urls[] = {
    "", "ftp://oa.example.gov.cn/", "javascript:alert(1)", "https://user:pw@oa.example.gov.cn/",
    "https://oa.example.gov.cn/#top", "/portal", "oa.example.gov.cn", "//oa.example.gov.cn/",
    "https://", "https://oa.example.gov.cn/a b", "https://oa.example.gov.cn\\@evil.example/",
  };
  gint64 home;
  gint64 todo;

  home = add_entry_point (f, "OA 首页", OA_URL);
  todo = add_entry_point (f, "待办", "https://oa.example.gov.cn/todo?tab=1");
  g_assert_cmpint (todo, >, home);

  list = yq_entry_points_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  entry_point = g_ptr_array_index (list, 0);
  g_assert_cmpint (entry_point->id, ==, home);
  g_assert_cmpstr (entry_point->name, ==, "OA 首页");
  g_assert_cmpstr (entry_point->url, ==, OA_URL);
  g_assert_cmpint (((YqEntryPoint *) g_ptr_array_index (list, 1))->sort_order, >,
                   entry_point->sort_order);
  entry_point = NULL;

  detail = last_audit_detail (f->store, "entry-point.add");
  g_assert_nonnull (strstr (detail, "name=待办"));

  /* Validation */
  for (guint i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      g_test_message ("bad URL %u: %s", i, bad_urls[i]);
      g_assert_cmpint (yq_entry_points_add (f->store, "Bad", bad_urls[i], &error), ==, 0);
      g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
      g_test_message ("  %s", error->message);
      g_clear_error (&error);
    }

  long_name = g_strnfill (65, 'x');
  g_assert_cmpint (yq_entry_points_add (f->store, "", OA_URL, &error), ==, 0);
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (yq_entry_points_add (f->store, "   ", OA_URL, &error), ==, 0);
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (yq_entry_points_add (f->store, "a\nb", OA_URL, &error), ==, 0);
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (yq_entry_points_add (f->store, long_name, OA_URL, &error), ==, 0);
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);
  long_name[64] = '\0';
  g_assert_cmpint (yq_entry_points_add (f->store, long_name, OA_URL, &error), >, 0);
  g_assert_no_error (error);

  /* Duplicate names, ignoring case */
  g_assert_cmpint (yq_entry_points_add (f->store, "oa 首页", OA_URL, &error), ==, 0);
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "oa 首页"));
  g_clear_error (&error);
  g_assert_false (yq_entry_points_update (f->store, todo, "OA 首页", OA_URL, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Update */
  g_assert_true (yq_entry_points_update (f->store, todo, "我的待办",
                                         "https://oa.example.gov.cn/todo", &error));
  g_assert_no_error (error);
  entry_point = yq_entry_points_get (f->store, todo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (entry_point->name, ==, "我的待办");
  g_assert_cmpstr (entry_point->url, ==, "https://oa.example.gov.cn/todo");
  g_clear_pointer (&entry_point, yq_entry_point_free);
  g_clear_pointer (&detail, g_free);
  detail = last_audit_detail (f->store, "entry-point.edit");
  g_assert_cmpstr (detail, ==, "name=我的待办; url=https://oa.example.gov.cn/todo");

  g_assert_false (yq_entry_points_update (f->store, todo, "x", "ftp://x", &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);

  /* Missing */
  g_assert_null (yq_entry_points_get (f->store, 4242, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_entry_points_update (f->store, 4242, "x", OA_URL, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_entry_points_remove (f->store, 4242, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Remove */
  g_assert_true (yq_entry_points_remove (f->store, todo, &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = yq_entry_points_list (f->store, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM audit_log "
                                         "WHERE action = 'entry-point.remove'"), ==, 1);
}

static void
test_entry_point_in_use (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = NULL;
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);

  app = make_app (f->zwdd_id, "工作台", home);
  app->id = add_app (f, app, NULL);

  g_assert_false (yq_entry_points_remove (f->store, home, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE);
  g_assert_nonnull (strstr (error->message, "工作台"));
  g_assert_nonnull (strstr (error->message, "浙政钉"));
  g_clear_error (&error);
  g_assert_nonnull (yq_entry_points_get (f->store, home, NULL));

  /* Once the app opens a custom link, the entry point can go. */
  app->target = YQ_APP_TARGET_CUSTOM;
  app->custom_url = g_strdup (TODO_URL);
  g_assert_true (yq_apps_update (f->store, f->secrets, app, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (yq_entry_points_remove (f->store, home, &error));
  g_assert_no_error (error);
}

/* Apps */

static void
test_apps_crud (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(YqApp) loaded = NULL;
  g_autoptr(YqApp) copy = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;
  const char * const departments[] = { "d-1", "d-2", NULL };
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);
  gint64 other_id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  app = make_app (f->zwdd_id, "工作台", home);
  app->client_id = g_strdup ("client-1");
  app->visible_departments = g_strdupv ((char **) departments);
  app->id = add_app (f, app, SECRET_1);

  loaded = yq_apps_get (f->store, app->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (loaded->connector_id, ==, f->zwdd_id);
  g_assert_cmpstr (loaded->name, ==, "工作台");
  g_assert_cmpstr (loaded->app_key, ==, "dingabc123");
  g_assert_cmpstr (loaded->client_id, ==, "client-1");
  g_assert_true (loaded->has_secret);
  g_assert_cmpint (loaded->target, ==, YQ_APP_TARGET_ENTRY_POINT);
  g_assert_cmpint (loaded->entry_point_id, ==, home);
  g_assert_null (loaded->custom_url);
  g_assert_true (g_strv_equal ((const char * const *) loaded->visible_departments,
                               departments));
  g_assert_cmpint (loaded->created_at, >=, now);
  g_assert_cmpint (loaded->updated_at, ==, loaded->created_at);

  copy = yq_app_copy (loaded);
  g_assert_cmpstr (copy->name, ==, loaded->name);
  g_assert_true (copy->name != loaded->name);
  g_clear_pointer (&loaded, yq_app_free);

  /* The secret lives in the secrets store, never in the audit log. */
  value = stored_secret (f, app->id);
  g_assert_cmpstr (value, ==, SECRET_1);
  g_clear_pointer (&value, g_free);
  value = yq_apps_get_secret (f->store, f->secrets, app, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, SECRET_1);
  g_clear_pointer (&value, g_free);
  detail = last_audit_detail (f->store, "app.add");
  g_assert_nonnull (strstr (detail, "name=工作台"));
  g_assert_nonnull (strstr (detail, "secret=set"));
  g_clear_pointer (&detail, g_free);

  /* Same name: refused within the connector (ignoring case), fine in
   * another. */
  g_free (app->name);
  app->name = g_strdup ("工作台");
  g_assert_cmpint (yq_apps_add (f->store, f->secrets, app, SECRET_2, &error), ==, 0);
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_DUPLICATE);
  g_clear_error (&error);
  {
    g_autoptr(YqApp) other = make_app (f->yzj_id, "工作台", home);

    other_id = add_app (f, other, NULL);
    loaded = yq_apps_get (f->store, other_id, &error);
    g_assert_false (loaded->has_secret);
    g_assert_null (loaded->visible_departments);
    g_clear_pointer (&loaded, yq_app_free);

    other->id = other_id;
    value = yq_apps_get_secret (f->store, f->secrets, other, &error);
    g_assert_null (value);
    g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "No AppSecret is set for app"));
    g_clear_error (&error);
  }

  /* Lists */
  list = yq_apps_list (f->store, f->zwdd_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = yq_apps_list (f->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Update: NULL keeps the secret, a value replaces it, "" clears it. */
  g_free (app->name);
  app->name = g_strdup ("新工作台");
  g_clear_pointer (&app->visible_departments, g_strfreev);
  g_assert_true (yq_apps_update (f->store, f->secrets, app, NULL, &error));
  g_assert_no_error (error);
  loaded = yq_apps_get (f->store, app->id, &error);
  g_assert_cmpstr (loaded->name, ==, "新工作台");
  g_assert_null (loaded->visible_departments);
  g_assert_true (loaded->has_secret);
  g_clear_pointer (&loaded, yq_app_free);
  value = stored_secret (f, app->id);
  g_assert_cmpstr (value, ==, SECRET_1);
  g_clear_pointer (&value, g_free);

  g_assert_true (yq_apps_update (f->store, f->secrets, app, SECRET_2, &error));
  g_assert_no_error (error);
  value = stored_secret (f, app->id);
  g_assert_cmpstr (value, ==, SECRET_2);
  g_clear_pointer (&value, g_free);
  detail = last_audit_detail (f->store, "app.edit");
  g_assert_cmpstr (detail, ==, "secret=replaced");
  g_clear_pointer (&detail, g_free);

  g_assert_true (yq_apps_update (f->store, f->secrets, app, "", &error));
  g_assert_no_error (error);
  g_assert_null (stored_secret (f, app->id));
  loaded = yq_apps_get (f->store, app->id, &error);
  g_assert_false (loaded->has_secret);
  g_clear_pointer (&loaded, yq_app_free);
  detail = last_audit_detail (f->store, "app.edit");
  g_assert_cmpstr (detail, ==, "secret=removed");
  g_clear_pointer (&detail, g_free);

  /* A failed update leaves the secret as it was. */
  g_assert_true (yq_apps_update (f->store, f->secrets, app, SECRET_1, &error));
  g_assert_no_error (error);
  app->entry_point_id = 4242;
  g_assert_false (yq_apps_update (f->store, f->secrets, app, SECRET_2, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  value = stored_secret (f, app->id);
  g_assert_cmpstr (value, ==, SECRET_1);
  g_clear_pointer (&value, g_free);
  app->entry_point_id = home;

  /* No secret ever reached the audit log. */
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM audit_log "
                                         "WHERE detail LIKE '%VALUE%'"), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM audit_log "
                                         "WHERE action LIKE 'app.%'"), >=, 6);

  /* Remove: the row and the secret go. */
  g_assert_true (yq_apps_remove (f->store, f->secrets, app->id, &error));
  g_assert_no_error (error);
  g_assert_null (stored_secret (f, app->id));
  g_assert_null (yq_apps_get (f->store, app->id, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_apps_remove (f->store, f->secrets, app->id, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_apps_update (f->store, f->secrets, app, NULL, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
}

static void
test_apps_validation (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = NULL;
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);

#define ASSERT_ADD_FAILS(code) \
  G_STMT_START { \
    g_assert_cmpint (yq_apps_add (f->store, f->secrets, app, SECRET_1, &error), ==, 0); \
    g_assert_error (error, YQ_APPS_ERROR, code); \
    g_test_message ("%s", error->message); \
    g_clear_error (&error); \
  } G_STMT_END

  /* Wrong connector */
  app = make_app (4242, "工作台", home);
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_NOT_FOUND);
  app->connector_id = f->zwdd_id;

  /* Fields */
  g_free (app->name);
  app->name = g_strdup ("");
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  g_free (app->name);
  app->name = g_strdup ("工作台");
  g_free (app->app_key);
  app->app_key = g_strdup ("");
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  g_free (app->app_key);
  app->app_key = g_strdup ("dingabc123");

  /* Targets: the entry point must exist; a custom link follows the URL
   * rules. */
  app->entry_point_id = 4242;
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_NOT_FOUND);
  app->entry_point_id = 0;
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  app->target = YQ_APP_TARGET_CUSTOM;
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  app->custom_url = g_strdup ("https://a:b@todo.example.gov.cn/");
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  g_free (app->custom_url);
  app->custom_url = g_strdup ("javascript:alert(1)");
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  g_free (app->custom_url);
  app->custom_url = g_strdup (TODO_URL);

  /* Only 政务钉钉 apps have a client_id. */
  app->connector_id = f->yzj_id;
  app->client_id = g_strdup ("client-1");
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  g_clear_pointer (&app->client_id, g_free);

  /* Empty department IDs */
  app->visible_departments = g_strsplit ("d-1,,d-2", ",", -1);
  ASSERT_ADD_FAILS (YQ_APPS_ERROR_INVALID);
  g_clear_pointer (&app->visible_departments, g_strfreev);

  /* The custom target stores only the link. */
  app->entry_point_id = home;
  app->id = add_app (f, app, NULL);
  {
    g_autoptr(YqApp) loaded = yq_apps_get (f->store, app->id, &error);

    g_assert_cmpint (loaded->target, ==, YQ_APP_TARGET_CUSTOM);
    g_assert_cmpint (loaded->entry_point_id, ==, 0);
    g_assert_cmpstr (loaded->custom_url, ==, TODO_URL);
  }

  /* The connector of an app cannot change. */
  app->connector_id = f->zwdd_id;
  g_assert_false (yq_apps_update (f->store, f->secrets, app, NULL, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing was left behind by the failures. */
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM apps"), ==, 1);

#undef ASSERT_ADD_FAILS
}

static void
test_apps_targets (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(YqApp) custom = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);

  app = make_app (f->zwdd_id, "工作台", home);
  app->id = add_app (f, app, NULL);
  custom = make_app (f->zwdd_id, "待办", 0);
  custom->target = YQ_APP_TARGET_CUSTOM;
  custom->custom_url = g_strdup (TODO_URL);
  custom->id = add_app (f, custom, NULL);

  url = yq_apps_resolve_target (f->store, app, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, OA_URL);
  g_clear_pointer (&url, g_free);
  url = yq_apps_resolve_target (f->store, custom, &error);
  g_assert_cmpstr (url, ==, TODO_URL);
  g_clear_pointer (&url, g_free);

  /* The home URL needs the external address. */
  g_assert_null (yq_apps_build_home_url (f->store, app, &error));
  g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS,
                                  "https://bridge.example.gov.cn/yq/", &error));
  url = yq_apps_build_home_url (f->store, app, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("https://bridge.example.gov.cn/yq/login/app/%" G_GINT64_FORMAT,
                              app->id);
  g_assert_cmpstr (url, ==, expected);

  g_assert_cmpstr (yq_app_target_to_string (YQ_APP_TARGET_CUSTOM), ==, "custom");
  {
    YqAppTarget target;

    g_assert_true (yq_app_target_from_string ("entry-point", &target));
    g_assert_cmpint (target, ==, YQ_APP_TARGET_ENTRY_POINT);
    g_assert_false (yq_app_target_from_string ("other", &target));
  }
}

static void
assert_refused (Fixture    *f,
                const char *url)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("refused: %s", url);
  g_assert_false (yq_apps_target_allowed (f->store, url, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_TARGET_REFUSED);
  g_assert_cmpuint (strlen (error->message), <, 600);
}

static void
assert_allowed (Fixture    *f,
                const char *url)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("allowed: %s", url);
  g_assert_true (yq_apps_target_allowed (f->store, url, &error));
  g_assert_no_error (error);
}

static void
test_target_allowed (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) custom = NULL;
  g_autoptr(GString) huge = g_string_new ("https://evil.example/");

  /* Nothing is configured: nothing is allowed. */
  assert_refused (f, OA_URL);

  add_entry_point (f, "OA 首页", OA_URL);
  add_entry_point (f, "IPv6", "https://[2001:db8::1]:8443/");
  custom = make_app (f->yzj_id, "待办", 0);
  custom->target = YQ_APP_TARGET_CUSTOM;
  custom->custom_url = g_strdup (TODO_URL);
  add_app (f, custom, NULL);

  assert_allowed (f, OA_URL);
  assert_allowed (f, "https://oa.example.gov.cn/other/page?x=1#frag");
  assert_allowed (f, "https://OA.Example.GOV.cn:443/");
  assert_allowed (f, "HTTPS://oa.example.gov.cn");
  assert_allowed (f, "http://todo.example.gov.cn:8080/somewhere");
  assert_allowed (f, "https://[2001:db8::1]:8443/x");

  assert_refused (f, "https://evil.example/portal/index");
  assert_refused (f, "https://oa.example.gov.cn.evil.example/");
  assert_refused (f, "https://oa.example.gov.cn:8443/portal/index");
  assert_refused (f, "http://oa.example.gov.cn/portal/index");
  assert_refused (f, "https://todo.example.gov.cn:8080/app");
  assert_refused (f, "http://todo.example.gov.cn/app");
  assert_refused (f, "https://user@oa.example.gov.cn/");
  assert_refused (f, "https://oa.example.gov.cn@evil.example/");
  assert_refused (f, "https://oa.example.gov.cn\\@evil.example/");
  assert_refused (f, "https://oa.example.gov.cn\\.evil.example/");
  assert_refused (f, "//evil.example/");
  assert_refused (f, "//oa.example.gov.cn/");
  assert_refused (f, "javascript:alert(1)");
  assert_refused (f, "data:text/html,hi");
  assert_refused (f, "/portal/index");
  assert_refused (f, "portal/index");
  assert_refused (f, "https:oa.example.gov.cn/");
  assert_refused (f, " https://oa.example.gov.cn/");
  assert_refused (f, "https://oa.example.gov.cn/\n");
  assert_refused (f, "");
  assert_refused (f, "https://[2001:db8::1]/");

  /* A huge input is not repeated in the message. */
  for (guint i = 0; i < 1000; i++)
    g_string_append (huge, "aaaaaaaaaa");
  g_assert_false (yq_apps_target_allowed (f->store, huge->str, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_TARGET_REFUSED);
  g_assert_cmpuint (strlen (error->message), <, 600);
  g_assert_nonnull (strstr (error->message, "https://evil.example/"));
  g_clear_error (&error);

  /* Invalid UTF-8 stays out of the message. */
  g_assert_false (yq_apps_target_allowed (f->store, "https://evil.example/\xff\xfe", &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
insert_department (Fixture    *f,
                   gint64      connector_id,
                   const char *id,
                   const char *parent)
{
  g_autofree char *sql = NULL;

  if (parent != NULL)
    sql = g_strdup_printf ("INSERT INTO bridge_departments (connector_id, platform_id, parent_id, "
                           "name, updated_at) VALUES (%lld, '%s', '%s', '%s', 1)",
                           (long long) connector_id, id, parent, id);
  else
    sql = g_strdup_printf ("INSERT INTO bridge_departments (connector_id, platform_id, "
                           "name, updated_at) VALUES (%lld, '%s', '%s', 1)",
                           (long long) connector_id, id, id);
  raw_exec (f->store, sql);
}

static gboolean
visible (Fixture     *f,
         const YqApp *app,
         const char  *departments)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = g_strsplit (departments, ",", -1);
  gboolean result = -1;

  if (*departments == '\0')
    g_clear_pointer (&ids, g_strfreev);

  g_assert_true (yq_apps_is_visible_to (f->store, app, (const char * const *) ids, &result,
                                        &error));
  g_assert_no_error (error);

  return result;
}

static void
test_visibility (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(YqApp) app = NULL;
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);

  /* zwdd: root ─┬─ a ── a1 ── a11
   *             └─ b
   * yzj: a ── b (the same IDs, another tree) */
  insert_department (f, f->zwdd_id, "root", NULL);
  insert_department (f, f->zwdd_id, "a", "root");
  insert_department (f, f->zwdd_id, "a1", "a");
  insert_department (f, f->zwdd_id, "a11", "a1");
  insert_department (f, f->zwdd_id, "b", "root");
  insert_department (f, f->zwdd_id, "c1", "c2");
  insert_department (f, f->zwdd_id, "c2", "c1");
  insert_department (f, f->yzj_id, "a", NULL);
  insert_department (f, f->yzj_id, "b", "a");

  app = make_app (f->zwdd_id, "工作台", home);

  /* No visible departments: everyone. */
  g_assert_true (visible (f, app, "b"));
  g_assert_true (visible (f, app, ""));

  app->visible_departments = g_strsplit ("a", ",", -1);
  g_assert_true (visible (f, app, "a"));
  g_assert_true (visible (f, app, "a1"));
  g_assert_true (visible (f, app, "a11"));
  g_assert_true (visible (f, app, "b,a11"));
  g_assert_false (visible (f, app, "b"));
  g_assert_false (visible (f, app, "root"));
  g_assert_false (visible (f, app, "unknown"));
  g_assert_false (visible (f, app, ""));
  /* A cycle in the directory ends the walk. */
  g_assert_false (visible (f, app, "c1"));

  /* The other connector's tree does not count. */
  app->connector_id = f->yzj_id;
  g_assert_true (visible (f, app, "b"));
  app->connector_id = f->zwdd_id;

  g_strfreev (app->visible_departments);
  app->visible_departments = g_strsplit ("root,c2", ",", -1);
  g_assert_true (visible (f, app, "a11"));
  g_assert_true (visible (f, app, "c1"));
  g_assert_false (visible (f, app, "unknown"));
}

static void
test_qr_login (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) zwdd_app = NULL;
  g_autoptr(YqApp) yzj_app = NULL;
  g_autofree char *detail = NULL;
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);
  YqQrLogin qr_login = { 0 };

  zwdd_app = make_app (f->zwdd_id, "工作台", home);
  zwdd_app->id = add_app (f, zwdd_app, SECRET_1);
  yzj_app = make_app (f->yzj_id, "云之家工作台", home);
  yzj_app->id = add_app (f, yzj_app, SECRET_2);

  /* Never set: off, no app, the default TTL. */
  g_assert_true (yq_qr_login_get (f->store, f->zwdd_id, &qr_login, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qr_login.connector_id, ==, f->zwdd_id);
  g_assert_false (qr_login.enabled);
  g_assert_cmpint (qr_login.app_id, ==, 0);
  g_assert_cmpuint (qr_login.ttl_seconds, ==, YQ_QR_LOGIN_DEFAULT_TTL);

  g_assert_false (yq_qr_login_get (f->store, 4242, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Enabling needs an app of the connector with a client_id (政务钉钉). */
  qr_login.connector_id = f->zwdd_id;
  qr_login.enabled = TRUE;
  qr_login.app_id = 0;
  qr_login.ttl_seconds = 180;
  g_assert_false (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);

  qr_login.app_id = yzj_app->id;
  g_assert_false (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);

  qr_login.app_id = 4242;
  g_assert_false (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  qr_login.app_id = zwdd_app->id;
  g_assert_false (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "client_id"));
  g_clear_error (&error);

  zwdd_app->client_id = g_strdup ("client-1");
  g_assert_true (yq_apps_update (f->store, f->secrets, zwdd_app, NULL, &error));
  g_assert_no_error (error);

  /* The TTL range */
  qr_login.ttl_seconds = 59;
  g_assert_false (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);
  qr_login.ttl_seconds = 901;
  g_assert_false (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);
  qr_login.ttl_seconds = 60;
  g_assert_true (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_no_error (error);
  qr_login.ttl_seconds = 900;
  g_assert_true (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_no_error (error);

  memset (&qr_login, 0, sizeof qr_login);
  g_assert_true (yq_qr_login_get (f->store, f->zwdd_id, &qr_login, &error));
  g_assert_true (qr_login.enabled);
  g_assert_cmpint (qr_login.app_id, ==, zwdd_app->id);
  g_assert_cmpuint (qr_login.ttl_seconds, ==, 900);
  detail = last_audit_detail (f->store, "qr-login.set");
  g_assert_nonnull (strstr (detail, "enabled=true"));
  g_assert_nonnull (strstr (detail, "ttl=900"));

  /* 云之家 apps need no client_id. */
  {
    YqQrLogin yzj_login = { f->yzj_id, TRUE, yzj_app->id, 120 };

    g_assert_true (yq_qr_login_set (f->store, &yzj_login, &error));
    g_assert_no_error (error);
  }

  /* The dependent app stays while the login is on, with its client_id. */
  g_assert_false (yq_apps_remove (f->store, f->secrets, zwdd_app->id, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE);
  g_assert_nonnull (strstr (error->message, "浙政钉"));
  g_clear_error (&error);
  g_clear_pointer (&zwdd_app->client_id, g_free);
  g_assert_false (yq_apps_update (f->store, f->secrets, zwdd_app, NULL, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE);
  g_clear_error (&error);

  /* Turned off, the login forgets the app when it is removed. */
  qr_login.enabled = FALSE;
  g_assert_true (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_no_error (error);
  g_assert_true (yq_apps_remove (f->store, f->secrets, zwdd_app->id, &error));
  g_assert_no_error (error);
  g_assert_true (yq_qr_login_get (f->store, f->zwdd_id, &qr_login, &error));
  g_assert_false (qr_login.enabled);
  g_assert_cmpint (qr_login.app_id, ==, 0);
  g_assert_cmpuint (qr_login.ttl_seconds, ==, 900);
}

static void
test_snippet (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autofree char *snippet = NULL;
  g_autofree char *new_url = NULL;
  g_autofree char *connector_attr = NULL;
  YqQrLogin qr_login = { 0 };

  app = make_app (f->yzj_id, "云之家工作台", add_entry_point (f, "OA 首页", OA_URL));
  app->id = add_app (f, app, NULL);

  /* Off */
  g_assert_null (yq_qr_login_snippet (f->store, f->yzj_id, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_INVALID);
  g_clear_error (&error);

  qr_login.connector_id = f->yzj_id;
  qr_login.enabled = TRUE;
  qr_login.app_id = app->id;
  qr_login.ttl_seconds = YQ_QR_LOGIN_DEFAULT_TTL;
  g_assert_true (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_no_error (error);

  /* No external address */
  g_assert_null (yq_qr_login_snippet (f->store, f->yzj_id, &error));
  g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (yq_qr_login_snippet (f->store, 4242, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS,
                                  "https://bridge.example.gov.cn", &error));
  snippet = yq_qr_login_snippet (f->store, f->yzj_id, &error);
  g_assert_no_error (error);
  g_test_message ("%s", snippet);

  new_url = g_strdup_printf ("\"https://bridge.example.gov.cn/qr/new?connector=%" G_GINT64_FORMAT
                             "\"", f->yzj_id);
  connector_attr = g_strdup_printf ("data-connector=\"%" G_GINT64_FORMAT "\"", f->yzj_id);
  g_assert_true (g_str_has_prefix (snippet, "<div id=\"yunqiao-qr\""));
  g_assert_nonnull (strstr (snippet, connector_attr));
  g_assert_nonnull (strstr (snippet, new_url));
  g_assert_nonnull (strstr (snippet, "window.yunqiaoLogin"));
  g_assert_nonnull (strstr (snippet, "\"ticket\""));
  g_assert_nonnull (strstr (snippet, "2000"));
  g_assert_nonnull (strstr (snippet, "\"expired\""));
  g_assert_nonnull (strstr (snippet, "\"refused\""));
  g_assert_nonnull (strstr (snippet, "code.png"));
  g_assert_nonnull (strstr (snippet, "code.poll"));
  /* Self-contained: one inline script, closed once. */
  g_assert_null (strstr (snippet, "<script src"));
  g_assert_nonnull (strstr (snippet, "<script>"));
  g_assert_true (strstr (snippet, "</script>") == g_strrstr (snippet, "</script>"));
  g_assert_true (g_str_has_suffix (snippet, "</script>\n"));
}

static void
test_connector_delete (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(YqApp) custom = NULL;
  gint64 home = add_entry_point (f, "OA 首页", OA_URL);
  YqQrLogin qr_login;

  app = make_app (f->zwdd_id, "工作台", home);
  app->client_id = g_strdup ("client-1");
  app->id = add_app (f, app, SECRET_1);
  custom = make_app (f->zwdd_id, "待办", 0);
  custom->target = YQ_APP_TARGET_CUSTOM;
  custom->custom_url = g_strdup (TODO_URL);
  custom->id = add_app (f, custom, SECRET_2);

  qr_login.connector_id = f->zwdd_id;
  qr_login.enabled = TRUE;
  qr_login.app_id = app->id;
  qr_login.ttl_seconds = 120;
  g_assert_true (yq_qr_login_set (f->store, &qr_login, &error));
  g_assert_no_error (error);

  g_assert_true (yq_connectors_delete (f->store, f->secrets, f->zwdd_id, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM apps"), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM qr_logins"), ==, 0);
  g_assert_null (stored_secret (f, app->id));
  g_assert_null (stored_secret (f, custom->id));

  /* The entry point stays, now free. */
  g_assert_true (yq_entry_points_remove (f->store, home, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/apps/entry-points", test_entry_points);
  ADD ("/apps/entry-point-in-use", test_entry_point_in_use);
  ADD ("/apps/crud", test_apps_crud);
  ADD ("/apps/validation", test_apps_validation);
  ADD ("/apps/targets", test_apps_targets);
  ADD ("/apps/target-allowed", test_target_allowed);
  ADD ("/apps/visibility", test_visibility);
  ADD ("/apps/qr-login", test_qr_login);
  ADD ("/apps/snippet", test_snippet);
  ADD ("/apps/connector-delete", test_connector_delete);

#undef ADD

  return g_test_run ();
}
