/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include "yunqiao-core.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"

#define APP_SECRET "AppSecret-VALUE-0001"
#define APP_SECRET_2 "AppSecret-VALUE-0002"
#define DIR_SECRET "DirSecret-VALUE-0001"

/* Helpers */

typedef struct
{
  char      *dir;
  YqStore   *store;
  YqSecrets *secrets;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (f->secrets), ==, "file");
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yq-test-settings-XXXXXX", &error);
  g_assert_no_error (error);
  fixture_open (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fixture_close (f);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
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

static void
raw_exec (YqStore    *store,
          const char *sql)
{
  g_assert_cmpint (sqlite3_exec (yq_store_get_db (store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  /* Binary contents (database pages): no string functions. */
  for (gsize i = 0; i + strlen (needle) <= length; i++)
    if (memcmp (contents + i, needle, strlen (needle)) == 0)
      return TRUE;

  return FALSE;
}

static char *
stored_secret (Fixture    *f,
               const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = yq_secrets_lookup (f->secrets, key, &error);

  g_assert_no_error (error);
  return value;
}

/* Settings */

typedef struct
{
  const char *value;
  gboolean    valid;
  const char  *stored;
} AddressRow;

static const AddressRow address_rows[] = {
  { "", TRUE, "" },
  { NULL, TRUE, "" },
  { "   ", TRUE, "" },
  { "https://bridge.example.gov.cn", TRUE, "https://bridge.example.gov.cn" },
  { "https://bridge.example.gov.cn/", TRUE, "https://bridge.example.gov.cn" },
  { " https://bridge.example.gov.cn:8443/yunqiao// ", TRUE,
    "https://bridge.example.gov.cn:8443/yunqiao" },
  { "https://[2001:db8::1]", TRUE, "https://[2001:db8::1]" },
  { "https://桥.政务.中国", TRUE, "https://桥.政务.中国" },
  { "http://127.0.0.1:8080", TRUE, "http://127.0.0.1:8080" },
  { "http://localhost:9000/", TRUE, "http://localhost:9000" },
  { "bridge.example.gov.cn", FALSE, NULL },
  { "/sso", FALSE, NULL },
  { "http://bridge.example.gov.cn", FALSE, NULL },
  { "http://192.168.1.10", FALSE, NULL },
  { "ftp://bridge.example.gov.cn", FALSE, NULL },
  { "https://bridge.example.gov.cn/?a=1", FALSE, NULL },
  { "https://bridge.example.gov.cn/#top", FALSE, NULL },
  { "https://user:pw@bridge.example.gov.cn", FALSE, NULL },
  { "https://", FALSE, NULL },
  { "https://bad host.cn", FALSE, NULL },
};

static void
test_settings_validate (void)
{
  g_autoptr(GError) error = NULL;
  const char * const *keys = yq_settings_list_keys ();

  g_assert_true (g_strv_contains (keys, YQ_SETTING_EXTERNAL_ADDRESS));
  g_assert_nonnull (strstr (yq_settings_describe_key (YQ_SETTING_EXTERNAL_ADDRESS), "https"));
  g_assert_null (yq_settings_describe_key ("no-such-key"));

  for (guint i = 0; i < G_N_ELEMENTS (address_rows); i++)
    {
      gboolean ok;

      g_test_message ("row %u: %s", i, address_rows[i].value);
      ok = yq_settings_validate (YQ_SETTING_EXTERNAL_ADDRESS, address_rows[i].value, &error);
      g_assert_cmpint (ok, ==, address_rows[i].valid);
      if (ok)
        {
          g_assert_no_error (error);
        }
      else
        {
          g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
          g_test_message ("  %s", error->message);
          g_clear_error (&error);
        }
    }

  g_assert_false (yq_settings_validate ("no-such-key", "x", &error));
  g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_UNKNOWN_KEY);
  g_assert_nonnull (strstr (error->message, "no-such-key"));
  g_assert_nonnull (strstr (error->message, YQ_SETTING_EXTERNAL_ADDRESS));
}

static void
test_settings_store (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (address_rows); i++)
    {
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      gboolean ok;

      before = yq_settings_get (f->store, YQ_SETTING_EXTERNAL_ADDRESS, &error);
      g_assert_no_error (error);

      ok = yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS, address_rows[i].value, &error);
      g_assert_cmpint (ok, ==, address_rows[i].valid);
      if (!ok)
        g_clear_error (&error);

      after = yq_settings_get (f->store, YQ_SETTING_EXTERNAL_ADDRESS, &error);
      g_assert_no_error (error);
      /* A rejected value leaves the old one. */
      g_assert_cmpstr (after, ==, ok ? address_rows[i].stored : before);
    }

  /* Unset means no row; every change is audited. */
  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS, "", &error));
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM settings"), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM audit_log "
                                         "WHERE action = 'settings.set'"), >, 5);

  g_assert_null (yq_settings_get (f->store, "no-such-key", &error));
  g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);
  g_assert_false (yq_settings_set (f->store, "no-such-key", "x", &error));
  g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);

  /* Survives a reopen. */
  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS, "https://x.example/",
                                  &error));
  fixture_close (f);
  fixture_open (f);
  {
    g_autofree char *value = yq_settings_get (f->store, YQ_SETTING_EXTERNAL_ADDRESS, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "https://x.example");
  }
}

static void
test_settings_build_url (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *url;

  url = yq_settings_build_url (f->store, "/sso/zwdd", &error);
  g_assert_null (url);
  g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Set the external address in Settings first");
  g_clear_error (&error);

  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS,
                                  "https://oa.example.gov.cn/bridge/", &error));
  g_assert_no_error (error);

  url = yq_settings_build_url (f->store, "/sso/zwdd", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://oa.example.gov.cn/bridge/sso/zwdd");
  g_free (url);

  url = yq_settings_build_url (f->store, "sso/yzj", &error);
  g_assert_cmpstr (url, ==, "https://oa.example.gov.cn/bridge/sso/yzj");
  g_free (url);

  url = yq_settings_build_url (f->store, "/", &error);
  g_assert_cmpstr (url, ==, "https://oa.example.gov.cn/bridge/");
  g_free (url);
}

typedef struct
{
  const char *value;
  const char *host;   /* NULL: invalid */
  guint16     port;
} HttpAddressRow;

static const HttpAddressRow http_address_rows[] = {
  { "127.0.0.1:8780", "127.0.0.1", 8780 },
  { "0.0.0.0:80", "0.0.0.0", 80 },
  { "localhost:0", "localhost", 0 },
  { "bridge.example.gov.cn:65535", "bridge.example.gov.cn", 65535 },
  { "[::1]:8780", "::1", 8780 },
  { "[2001:db8::1]:443", "2001:db8::1", 443 },
  { "127.0.0.1", NULL, 0 },
  { "127.0.0.1:", NULL, 0 },
  { ":8780", NULL, 0 },
  { "127.0.0.1:65536", NULL, 0 },
  { "127.0.0.1:-1", NULL, 0 },
  { "127.0.0.1:+80", NULL, 0 },
  { "127.0.0.1:80x", NULL, 0 },
  { "127.0.0.1:000080", NULL, 0 },
  { "::1:8780", NULL, 0 },
  { "[::1]8780", NULL, 0 },
  { "[::1:8780", NULL, 0 },
  { "[bridge.example]:80", NULL, 0 },
  { "[127.0.0.1]:80", NULL, 0 },
  { "bad host:80", NULL, 0 },
  { "http://127.0.0.1:80", NULL, 0 },
};

static void
test_settings_http_address (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *host = NULL;
  guint16 port = 1;

  g_assert_true (g_strv_contains (yq_settings_list_keys (), YQ_SETTING_HTTP_ADDRESS));
  g_assert_nonnull (strstr (yq_settings_describe_key (YQ_SETTING_HTTP_ADDRESS), "PORT"));

  /* The default is itself valid. */
  g_assert_true (yq_settings_parse_http_address (YQ_SETTING_HTTP_ADDRESS_DEFAULT, &host, &port,
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_cmpuint (port, ==, 8780);
  g_clear_pointer (&host, g_free);

  for (guint i = 0; i < G_N_ELEMENTS (http_address_rows); i++)
    {
      const HttpAddressRow *row = &http_address_rows[i];
      gboolean ok;

      g_test_message ("row %u: %s", i, row->value);
      port = 1;
      ok = yq_settings_parse_http_address (row->value, &host, &port, &error);
      g_assert_cmpint (ok, ==, row->host != NULL);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (host, ==, row->host);
          g_assert_cmpuint (port, ==, row->port);
          g_clear_pointer (&host, g_free);
          g_assert_true (yq_settings_validate (YQ_SETTING_HTTP_ADDRESS, row->value, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
          g_assert_null (host);
          g_assert_cmpuint (port, ==, 1);
          g_clear_error (&error);
          g_assert_false (yq_settings_validate (YQ_SETTING_HTTP_ADDRESS, row->value, &error));
          g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, "PORT"));
          g_clear_error (&error);
          g_assert_false (yq_settings_set (f->store, YQ_SETTING_HTTP_ADDRESS, row->value, &error));
          g_assert_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID);
          g_clear_error (&error);
        }
    }

  /* Unset is allowed (the service then uses the default); set values are
   * trimmed and stored. */
  g_assert_true (yq_settings_validate (YQ_SETTING_HTTP_ADDRESS, "", &error));
  g_assert_true (yq_settings_set (f->store, YQ_SETTING_HTTP_ADDRESS, " [::1]:9000 ", &error));
  g_assert_no_error (error);
  value = yq_settings_get (f->store, YQ_SETTING_HTTP_ADDRESS, &error);
  g_assert_cmpstr (value, ==, "[::1]:9000");
  g_clear_pointer (&value, g_free);
  g_assert_true (yq_settings_set (f->store, YQ_SETTING_HTTP_ADDRESS, NULL, &error));
  value = yq_settings_get (f->store, YQ_SETTING_HTTP_ADDRESS, &error);
  g_assert_cmpstr (value, ==, "");
}

/* Connectors */

static YqConnector *
make_connector (YqConnectorPreset  preset,
                const char        *name)
{
  YqConnector *connector = yq_connector_new (preset);

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "100200");
  yq_connector_set_app_key (connector, "app-key-1");
  if (preset == YQ_CONNECTOR_PRESET_YZJ_PRIVATE)
    yq_connector_set_api_base (connector, "https://yzj.example.gov.cn");

  return connector;
}

static void
assert_same_connector (YqConnector *a,
                       YqConnector *b)
{
  g_assert_cmpint (yq_connector_get_id (a), ==, yq_connector_get_id (b));
  g_assert_cmpint (yq_connector_get_preset (a), ==, yq_connector_get_preset (b));
  g_assert_cmpint (yq_connector_get_kind (a), ==, yq_connector_get_kind (b));
  g_assert_cmpstr (yq_connector_get_name (a), ==, yq_connector_get_name (b));
  g_assert_cmpstr (yq_connector_get_tenant_id (a), ==, yq_connector_get_tenant_id (b));
  g_assert_cmpstr (yq_connector_get_api_base (a), ==, yq_connector_get_api_base (b));
  g_assert_cmpstr (yq_connector_get_app_key (a), ==, yq_connector_get_app_key (b));
  g_assert_cmpint (yq_connector_get_directory_readonly (a), ==,
                   yq_connector_get_directory_readonly (b));
  g_assert_cmpuint (yq_connector_get_qps (a), ==, yq_connector_get_qps (b));
  g_assert_cmpint (yq_connector_get_has_app_secret (a), ==, yq_connector_get_has_app_secret (b));
  g_assert_cmpint (yq_connector_get_has_directory_secret (a), ==,
                   yq_connector_get_has_directory_secret (b));
  g_assert_cmpint (yq_connector_get_created_at (a), ==, yq_connector_get_created_at (b));
  g_assert_cmpint (yq_connector_get_updated_at (a), ==, yq_connector_get_updated_at (b));
}

static void
test_connectors_crud (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) zwdd = make_connector (YQ_CONNECTOR_PRESET_ZWDD_ZJ, "beta");
  g_autoptr(YqConnector) yzj = make_connector (YQ_CONNECTOR_PRESET_YZJ_PRIVATE, "Alpha");
  g_autoptr(YqConnector) third = make_connector (YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "gamma");
  g_autoptr(YqConnector) loaded = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *wal_path = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Add */
  g_assert_true (yq_connectors_save (f->store, f->secrets, zwdd, APP_SECRET, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (yq_connector_get_id (zwdd), >, 0);
  g_assert_cmpint (yq_connector_get_created_at (zwdd), >=, now);
  g_assert_cmpint (yq_connector_get_updated_at (zwdd), ==, yq_connector_get_created_at (zwdd));
  g_assert_true (yq_connector_get_has_app_secret (zwdd));
  g_assert_false (yq_connector_get_has_directory_secret (zwdd));

  key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/app-secret", yq_connector_get_id (zwdd));
  value = stored_secret (f, key);
  g_assert_cmpstr (value, ==, APP_SECRET);
  g_clear_pointer (&value, g_free);

  g_assert_true (yq_connectors_save (f->store, f->secrets, yzj, APP_SECRET_2, DIR_SECRET, &error));
  g_assert_no_error (error);
  g_assert_true (yq_connector_get_has_app_secret (yzj));
  g_assert_true (yq_connector_get_has_directory_secret (yzj));
  g_assert_true (yq_connectors_save (f->store, f->secrets, third, APP_SECRET, "ignored", &error));
  g_assert_no_error (error);
  g_assert_false (yq_connector_get_has_directory_secret (third));

  detail = last_audit_detail (f->store, "connector.add");
  g_assert_nonnull (strstr (detail, "name=gamma"));
  g_assert_nonnull (strstr (detail, "app_secret=set"));
  g_assert_null (strstr (detail, "VALUE"));
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM audit_log "
                                         "WHERE action = 'connector.add'"), ==, 3);

  /* List: by name, ignoring case. */
  list = yq_connectors_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (yq_connector_get_name (g_ptr_array_index (list, 0)), ==, "Alpha");
  g_assert_cmpstr (yq_connector_get_name (g_ptr_array_index (list, 1)), ==, "beta");
  g_assert_cmpstr (yq_connector_get_name (g_ptr_array_index (list, 2)), ==, "gamma");
  assert_same_connector (g_ptr_array_index (list, 0), yzj);

  /* Get */
  loaded = yq_connectors_get (f->store, yq_connector_get_id (zwdd), &error);
  g_assert_no_error (error);
  assert_same_connector (loaded, zwdd);
  g_assert_cmpstr (yq_connector_get_api_base (loaded), ==,
                   "https://openplatform-pro.ding.zj.gov.cn");
  g_clear_object (&loaded);

  g_assert_null (yq_connectors_get (f->store, 4242, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "4242"));
  g_clear_error (&error);

  /* Secrets through the connector API */
  value = yq_connectors_lookup_secret (f->store, f->secrets, yq_connector_get_id (yzj),
                                       YQ_CONNECTOR_SECRET_DIRECTORY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, DIR_SECRET);
  g_clear_pointer (&value, g_free);

  value = yq_connectors_lookup_secret (f->store, f->secrets, yq_connector_get_id (zwdd),
                                       YQ_CONNECTOR_SECRET_DIRECTORY, &error);
  g_assert_null (value);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "beta"));
  g_clear_error (&error);

  /* Secrets are in the secrets file only, never in the database. */
  db_path = g_build_filename (f->dir, "yunqiao.db", NULL);
  wal_path = g_build_filename (f->dir, "yunqiao.db-wal", NULL);
  g_assert_false (file_contains (db_path, "VALUE-000"));
  g_assert_false (file_contains (wal_path, "VALUE-000"));
  g_assert_true (file_contains (wal_path, "app-key-1") || file_contains (db_path, "app-key-1"));
}

static void
test_connectors_validation (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = make_connector (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "NoSecret");

  /* The object's claim of a stored secret does not count for a new one. */
  yq_connector_set_has_app_secret (connector, TRUE);
  g_assert_false (yq_connectors_save (f->store, f->secrets, connector, NULL, DIR_SECRET, &error));
  g_assert_error (error, YQ_CONNECTOR_ERROR, YQ_CONNECTOR_FIELD_APP_SECRET);
  g_clear_error (&error);

  g_assert_false (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, NULL, &error));
  g_assert_error (error, YQ_CONNECTOR_ERROR, YQ_CONNECTOR_FIELD_DIRECTORY_SECRET);
  g_clear_error (&error);

  yq_connector_set_tenant_id (connector, "abc");
  g_assert_false (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, DIR_SECRET,
                                      &error));
  g_assert_error (error, YQ_CONNECTOR_ERROR, YQ_CONNECTOR_FIELD_TENANT_ID);

  g_assert_cmpint (yq_connector_get_id (connector), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM connectors"), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM audit_log"), ==, 0);
}

static void
test_connectors_edit (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = make_connector (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Edit me");
  g_autoptr(YqConnector) other = make_connector (YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "Other");
  g_autoptr(YqConnector) edited = NULL;
  g_autoptr(YqConnector) loaded = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *app_key = NULL;
  g_autofree char *dir_key = NULL;
  g_autofree char *value = NULL;
  gint64 id;

  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, DIR_SECRET,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (yq_connectors_save (f->store, f->secrets, other, APP_SECRET, NULL, &error));
  g_assert_no_error (error);
  id = yq_connector_get_id (connector);
  app_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/app-secret", id);
  dir_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/directory-secret", id);

  /* Edit a copy without new secrets, as an editor would; the stored secrets
   * count even though the copy claims none. */
  edited = yq_connector_copy (connector);
  yq_connector_set_has_app_secret (edited, FALSE);
  yq_connector_set_name (edited, "Edited");
  yq_connector_set_api_base (edited, "https://yzj.example.com/");
  yq_connector_set_preset (edited, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  yq_connector_set_api_base (edited, "https://yzj.example.com/");
  yq_connector_set_directory_readonly (edited, FALSE);
  g_assert_true (yq_connectors_save (f->store, f->secrets, edited, NULL, "", &error));
  g_assert_no_error (error);
  g_assert_cmpint (yq_connector_get_id (edited), ==, id);
  g_assert_true (yq_connector_get_has_app_secret (edited));
  g_assert_true (yq_connector_get_has_directory_secret (edited));
  g_assert_cmpint (yq_connector_get_created_at (edited), ==,
                   yq_connector_get_created_at (connector));
  g_assert_cmpint (yq_connector_get_updated_at (edited), >=,
                   yq_connector_get_updated_at (connector));

  loaded = yq_connectors_get (f->store, id, &error);
  g_assert_no_error (error);
  assert_same_connector (loaded, edited);
  g_assert_cmpstr (yq_connector_get_api_base (loaded), ==, "https://yzj.example.com");
  g_assert_false (yq_connector_get_directory_readonly (loaded));
  g_clear_object (&loaded);

  value = stored_secret (f, app_key);
  g_assert_cmpstr (value, ==, APP_SECRET);
  g_clear_pointer (&value, g_free);

  detail = last_audit_detail (f->store, "connector.edit");
  g_assert_nonnull (strstr (detail, "name=Edited"));
  g_assert_nonnull (strstr (detail, "preset=yzj-private"));
  g_assert_nonnull (strstr (detail, "directory_readonly=false"));
  g_assert_null (strstr (detail, "tenant_id"));
  g_assert_null (strstr (detail, "app_secret"));
  g_clear_pointer (&detail, g_free);

  /* A new secret replaces the stored one. */
  g_assert_true (yq_connectors_save (f->store, f->secrets, edited, APP_SECRET_2, NULL, &error));
  g_assert_no_error (error);
  value = stored_secret (f, app_key);
  g_assert_cmpstr (value, ==, APP_SECRET_2);
  g_clear_pointer (&value, g_free);
  detail = last_audit_detail (f->store, "connector.edit");
  g_assert_cmpstr (detail, ==, "app_secret=replaced");
  g_clear_pointer (&detail, g_free);

  /* Renaming onto another connector's name, in another case. */
  yq_connector_set_name (edited, "OTHER");
  g_assert_false (yq_connectors_save (f->store, f->secrets, edited, NULL, NULL, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT);
  g_assert_cmpstr (error->message, ==,
                   "A connector named “OTHER” already exists. Choose another name.");
  g_clear_error (&error);
  loaded = yq_connectors_get (f->store, id, &error);
  g_assert_cmpstr (yq_connector_get_name (loaded), ==, "Edited");
  g_clear_object (&loaded);

  /* Switching to a platform without a directory secret removes it. */
  yq_connector_set_name (edited, "Now zwdd");
  yq_connector_set_preset (edited, YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_assert_true (yq_connectors_save (f->store, f->secrets, edited, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (yq_connector_get_has_directory_secret (edited));
  value = stored_secret (f, dir_key);
  g_assert_null (value);
  detail = last_audit_detail (f->store, "connector.edit");
  g_assert_nonnull (strstr (detail, "directory_secret=removed"));
  loaded = yq_connectors_get (f->store, id, &error);
  g_assert_false (yq_connector_get_has_directory_secret (loaded));
  g_assert_cmpint (yq_connector_get_kind (loaded), ==, YQ_PLATFORM_KIND_ZWDD);
  g_clear_object (&loaded);

  /* Editing a connector that is gone. */
  yq_connector_set_id (edited, 999);
  g_assert_false (yq_connectors_save (f->store, f->secrets, edited, NULL, NULL, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
}

static void
test_connectors_duplicate (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) first = make_connector (YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "Hangzhou");
  g_autoptr(YqConnector) second = make_connector (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "hangzhou");
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *secrets_path = g_build_filename (f->dir, "secrets.ini", NULL);

  g_assert_true (yq_connectors_save (f->store, f->secrets, first, APP_SECRET, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (yq_connectors_save (f->store, f->secrets, second, APP_SECRET_2, DIR_SECRET,
                                      &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT);
  g_assert_cmpstr (error->message, ==,
                   "A connector named “hangzhou” already exists. Choose another name.");
  g_assert_null (strstr (error->message, "VALUE"));
  g_assert_cmpint (yq_connector_get_id (second), ==, 0);
  g_assert_false (yq_connector_get_has_app_secret (second));

  list = yq_connectors_list (f->store, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (file_contains (secrets_path, "VALUE-0002"));
}

static void
test_connectors_failed_save_restores_secrets (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = make_connector (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Keep");
  g_autoptr(YqConnector) added = make_connector (YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "Added");
  g_autofree char *app_key = NULL;
  g_autofree char *value = NULL;
  g_autofree char *secrets_path = g_build_filename (f->dir, "secrets.ini", NULL);

  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, DIR_SECRET,
                                     &error));
  g_assert_no_error (error);
  app_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/app-secret",
                             yq_connector_get_id (connector));

  /* Make the audit insert, the last step before the commit, fail. */
  raw_exec (f->store, "CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON audit_log "
                      "BEGIN SELECT RAISE (ABORT, 'audit refused by test'); END");

  yq_connector_set_name (connector, "Renamed");
  g_assert_false (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET_2, NULL,
                                      &error));
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "VALUE"));
  g_clear_error (&error);

  /* Neither the row nor the secret changed. */
  value = stored_secret (f, app_key);
  g_assert_cmpstr (value, ==, APP_SECRET);
  g_clear_pointer (&value, g_free);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM connectors WHERE name = 'Keep'"),
                   ==, 1);

  /* A failed add leaves no secret behind. */
  g_assert_false (yq_connectors_save (f->store, f->secrets, added, APP_SECRET_2, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpint (yq_connector_get_id (added), ==, 0);
  g_assert_false (file_contains (secrets_path, "VALUE-0002"));

  /* A failed delete keeps row and secrets. */
  g_assert_false (yq_connectors_delete (f->store, f->secrets, yq_connector_get_id (connector),
                                        &error));
  g_clear_error (&error);
  value = stored_secret (f, app_key);
  g_assert_cmpstr (value, ==, APP_SECRET);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM connectors"), ==, 1);

  raw_exec (f->store, "DROP TRIGGER fail_audit");
}

static void
test_connectors_delete (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = make_connector (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Doomed");
  g_autoptr(YqConnector) next = make_connector (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "Next");
  g_autofree char *app_key = NULL;
  g_autofree char *dir_key = NULL;
  g_autofree char *detail = NULL;
  char *value;
  gint64 id;

  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, DIR_SECRET,
                                     &error));
  g_assert_no_error (error);
  id = yq_connector_get_id (connector);
  app_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/app-secret", id);
  dir_key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/directory-secret", id);

  g_assert_true (yq_connectors_delete (f->store, f->secrets, id, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM connectors"), ==, 0);
  value = stored_secret (f, app_key);
  g_assert_null (value);
  value = stored_secret (f, dir_key);
  g_assert_null (value);
  detail = last_audit_detail (f->store, "connector.delete");
  g_assert_cmpstr (detail, ==, "name=Doomed");

  g_assert_false (yq_connectors_delete (f->store, f->secrets, id, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  value = yq_connectors_lookup_secret (f->store, f->secrets, id, YQ_CONNECTOR_SECRET_APP, &error);
  g_assert_null (value);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* IDs, and with them secret keys, are never reused. */
  g_assert_true (yq_connectors_save (f->store, f->secrets, next, APP_SECRET, DIR_SECRET, &error));
  g_assert_no_error (error);
  g_assert_cmpint (yq_connector_get_id (next), >, id);
}

static void
test_connectors_secret_missing (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = make_connector (YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "Lost");
  g_autofree char *key = NULL;
  char *value;

  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, NULL, &error));
  g_assert_no_error (error);

  /* Removed behind Yunqiao's back, e.g. in a keyring manager. */
  key = g_strdup_printf ("connector/%" G_GINT64_FORMAT "/app-secret",
                         yq_connector_get_id (connector));
  g_assert_true (yq_secrets_clear (f->secrets, key, &error));

  value = yq_connectors_lookup_secret (f->store, f->secrets, yq_connector_get_id (connector),
                                       YQ_CONNECTOR_SECRET_APP, &error);
  g_assert_null (value);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Lost"));
  g_assert_nonnull (strstr (error->message, "enter it again"));
}

static void
test_connectors_survive_reopen (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = make_connector (YQ_CONNECTOR_PRESET_YZJ_PRIVATE, "Durable");
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *value = NULL;

  yq_connector_set_qps (connector, 33);
  yq_connector_set_directory_readonly (connector, FALSE);
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, APP_SECRET, DIR_SECRET,
                                     &error));
  g_assert_no_error (error);

  fixture_close (f);
  fixture_open (f);

  list = yq_connectors_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  assert_same_connector (g_ptr_array_index (list, 0), connector);

  value = yq_connectors_lookup_secret (f->store, f->secrets, yq_connector_get_id (connector),
                                       YQ_CONNECTOR_SECRET_APP, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, APP_SECRET);
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

  g_test_add_func ("/settings/validate", test_settings_validate);
  ADD ("/settings/store", test_settings_store);
  ADD ("/settings/build-url", test_settings_build_url);
  ADD ("/settings/http-address", test_settings_http_address);
  ADD ("/connectors/crud", test_connectors_crud);
  ADD ("/connectors/validation", test_connectors_validation);
  ADD ("/connectors/edit", test_connectors_edit);
  ADD ("/connectors/duplicate-name", test_connectors_duplicate);
  ADD ("/connectors/failed-save-restores-secrets", test_connectors_failed_save_restores_secrets);
  ADD ("/connectors/delete", test_connectors_delete);
  ADD ("/connectors/secret-missing", test_connectors_secret_missing);
  ADD ("/connectors/survive-reopen", test_connectors_survive_reopen);

#undef ADD

  return g_test_run ();
}
