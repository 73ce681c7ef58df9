/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-sim-server-private.h"
#include "yq-sim-yzj.h"
#include "yq-sim-zwdd.h"
#include "yq-test-bus.h"
#include "yq-test-login.h"

#define N_PEOPLE 120
#define SEED     808

void
yq_test_response_free (YqTestResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->location);
  g_free (response->content_type);
  g_free (response->referrer_policy);
  g_free (response->allow_origin);
  g_clear_pointer (&response->bytes, g_bytes_unref);
  g_free (response->body);
  g_free (response);
}

JsonNode *
yq_test_response_json (YqTestResponse *response)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_cmpstr (response->content_type, ==, "application/json");
  root = json_from_string (response->body, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return root;
}

char *
yq_test_response_find_value (YqTestResponse *response,
                             const char     *name)
{
  g_autofree char *needle = g_strdup_printf ("name=\"%s\" value=\"", name);
  const char *start = strstr (response->body, needle);
  const char *end;

  if (start == NULL)
    return NULL;
  start += strlen (needle);
  end = strchr (start, '"');

  return end != NULL ? g_strndup (start, (gsize) (end - start)) : NULL;
}

const char *
yq_test_response_find_class (YqTestResponse *response,
                             const char     *class_name)
{
  g_autofree char *needle = g_strdup_printf ("class=\"%s\"", class_name);
  const char *start = strstr (response->body, needle);
  g_autofree char *text = NULL;
  const char *end;

  if (start == NULL || (start = strchr (start, '>')) == NULL)
    return NULL;
  start++;
  end = strchr (start, '<');
  if (end == NULL)
    return NULL;

  text = g_strndup (start, (gsize) (end - start));
  return g_intern_string (text);
}

char *
yq_test_decode_qr (YqTestResponse *response)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int fd, status = 0;
  const char *argv[] = { "zbarimg", "--raw", "-q", NULL, NULL };

  fd = g_file_open_tmp ("yunqiao-qr-XXXXXX.png", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (response->bytes, NULL),
                                      (gssize) g_bytes_get_size (response->bytes), &error));
  argv[3] = path;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("zbarimg cannot run (install the Debian package zbar-tools): %s", error->message);
  g_unlink (path);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_strdup (g_strstrip (out));
}

void
yq_test_qr_free (YqTestQr *qr)
{
  if (qr == NULL)
    return;

  g_free (qr->id);
  g_free (qr->png_url);
  g_free (qr->svg_url);
  g_free (qr->poll_url);
  g_free (qr->scan_url);
  g_free (qr->allow_origin);
  g_free (qr);
}

/* Set-up ------------------------------------------------------------------- */

static gint64
add_connector (YqLoginFixture    *f,
               YqConnectorPreset  preset,
               const char        *name,
               const char        *tenant,
               const char        *key,
               const char        *secret,
               const char        *directory_secret)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, tenant);
  yq_connector_set_api_base (connector, f->sim_base);
  yq_connector_set_app_key (connector, key);
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, secret, directory_secret,
                                     &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

/* The bridge directory holds what a platform → bridge sync would fetch. */
static void
fill_bridge (YqLoginFixture *f,
             gint64          connector_id,
             YqSimPlatform   platform)
{
  g_autoptr(YqOrgSnapshot) snapshot = yq_sim_org_expected_snapshot (f->org, platform);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < yq_org_snapshot_get_n_departments (snapshot); i++)
    {
      g_assert_true (yq_bridge_directory_put_department (
                       f->store, connector_id, yq_org_snapshot_get_department (snapshot, i),
                       &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < yq_org_snapshot_get_n_people (snapshot); i++)
    {
      g_assert_true (yq_bridge_directory_put_person (f->store, connector_id,
                                                     yq_org_snapshot_get_person (snapshot, i),
                                                     &error));
      g_assert_no_error (error);
    }
}

static char *
add_oa_person (YqLoginFixture *f,
               const char     *account,
               const char     *name)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (account, name);
  g_autoptr(GError) error = NULL;
  char *id;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (f->oa_department);
  id = yq_oa_directory_add_person (f->oa, person, &error);
  g_assert_no_error (error);

  return id;
}

void
yq_login_fixture_add_oa_account (YqLoginFixture *f,
                                 const char     *account)
{
  g_free (add_oa_person (f, account, account));
}

static void
add_oa_people (YqLoginFixture *f)
{
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("ignored", NULL, "总部");
  g_autoptr(GError) error = NULL;
  const char * const accounts[][2] = {
    { "zhangsan", "张三" }, { "lisi", "李四" }, { "wangwu", "王五" },
  };

  f->oa_department = yq_oa_directory_add_department (f->oa, department, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autofree char *id = add_oa_person (f, accounts[i][0], accounts[i][1]);

      g_assert_true (yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (f->oa),
                                                           accounts[i][0],
                                                           YQ_TEST_LOGIN_PASSWORD, &error));
      g_assert_no_error (error);
    }
}

static gint64
add_app (YqLoginFixture *f,
         gint64          connector_id,
         gint64          entry_point,
         const char     *name,
         const char     *key,
         const char     *secret,
         const char     *client_id,
         const char     *login_base)
{
  g_autoptr(YqApp) app = yq_app_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  app->connector_id = connector_id;
  app->name = g_strdup (name);
  app->app_key = g_strdup (key);
  app->client_id = g_strdup (client_id);
  app->login_base = g_strdup (login_base);
  app->target = YQ_APP_TARGET_ENTRY_POINT;
  app->entry_point_id = entry_point;
  id = yq_apps_add (f->store, f->secrets, app, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
enable_qr (YqLoginFixture *f,
           gint64          connector_id,
           gint64          app_id)
{
  YqQrLogin qr = { connector_id, TRUE, app_id, YQ_QR_LOGIN_DEFAULT_TTL };
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_qr_login_set (f->store, &qr, &error));
  g_assert_no_error (error);
}

static void
service_line_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  YqLoginFixture *f = user_data;
  g_autofree char *line = NULL;
  const char *url;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                    NULL);
  if (line == NULL)
    return;

  g_string_append_printf (f->service_log, "%s\n", line);
  url = strstr (line, "http://127.0.0.1:");
  if (f->service_url == NULL && url != NULL && strstr (line, "yq-http") != NULL)
    f->service_url = g_strdup (g_strstrip ((char *) url));

  g_data_input_stream_read_line_async (G_DATA_INPUT_STREAM (object), G_PRIORITY_DEFAULT,
                                       f->service_reading, service_line_cb, f);
}

/* The service goes with the test, also when the test dies. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_service (YqLoginFixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  const char *service = g_getenv ("YUNQIAO_SERVICE");
  gint64 deadline;

  g_assert_nonnull (service);

  /* YQ_TEST_SERVICE_DEBUG=DOMAINS shows the service's debug messages
   * (GLib writes them to its standard output). */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        (g_getenv ("YQ_TEST_SERVICE_DEBUG") != NULL
                                         ? 0 : G_SUBPROCESS_FLAGS_STDOUT_SILENCE));
  g_subprocess_launcher_setenv (launcher, "YUNQIAO_DATA_DIR", f->data_dir, TRUE);
  /* No session bus: the endpoints do not need one. */
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG",
                                g_getenv ("YQ_TEST_SERVICE_DEBUG") ?: "", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->service = g_subprocess_launcher_spawn (launcher, &error, service, "--foreground", NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (f->service));
  f->service_reading = g_cancellable_new ();
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, f->service_reading,
                                       service_line_cb, f);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (f->service_url == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (f->service_url == NULL)
    g_error ("yunqiao-service did not start its HTTP endpoints:\n%s", f->service_log->str);
}

void
yq_login_fixture_setup (YqLoginFixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 entry_point;

  memset (f, 0, sizeof *f);
  f->strings = g_ptr_array_new_with_free_func (g_free);
  f->service_log = g_string_new (NULL);

  f->config = yq_sim_config_new_default ();
  f->config->port = 0;
  f->config->login_port = 0;
  f->org = yq_sim_org_generate (N_PEOPLE, SEED);
  f->sim = yq_sim_server_new (f->config, f->org);
  g_assert_true (yq_sim_server_start (f->sim, &error));
  g_assert_no_error (error);
  f->sim_base = yq_sim_server_get_base_url (f->sim);
  f->sim_login_url = g_strdup_printf ("http://127.0.0.1:%u",
                                      yq_sim_server_get_login_port (f->sim));

  f->data_dir = yq_test_make_data_dir ();
  f->store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->oa = yq_builtin_oa_directory_new (f->store);

  f->zwdd_connector = add_connector (f, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙政钉",
                                     f->config->zwdd_tenant_id, f->config->zwdd_app_key,
                                     f->config->zwdd_app_secret, NULL);
  f->yzj_connector = add_connector (f, YQ_CONNECTOR_PRESET_YZJ_PRIVATE, "云之家",
                                    f->config->yzj_eid, f->config->yzj_app_id,
                                    f->config->yzj_app_secret, f->config->yzj_dir_secret);
  fill_bridge (f, f->zwdd_connector, YQ_SIM_PLATFORM_ZWDD);
  fill_bridge (f, f->yzj_connector, YQ_SIM_PLATFORM_YZJ);
  add_oa_people (f);

  f->entry_origin = g_strdup ("https://oa.example.gov.cn");
  f->entry_url = g_strconcat (f->entry_origin, "/portal", NULL);
  entry_point = yq_entry_points_add (f->store, "OA 首页", f->entry_url, &error);
  g_assert_no_error (error);

  f->zwdd_app = add_app (f, f->zwdd_connector, entry_point, "OA 工作台",
                         f->config->zwdd_app_key, f->config->zwdd_app_secret, NULL, NULL);
  f->zwdd_qr_app = add_app (f, f->zwdd_connector, entry_point, "扫码登录",
                            f->config->zwdd_qr_app_key, f->config->zwdd_qr_app_secret,
                            f->config->zwdd_qr_client_id, f->sim_login_url);
  f->yzj_app = add_app (f, f->yzj_connector, entry_point, "OA 轻应用",
                        f->config->yzj_app_id, f->config->yzj_app_secret, NULL, NULL);
  enable_qr (f, f->zwdd_connector, f->zwdd_qr_app);
  enable_qr (f, f->yzj_connector, f->yzj_app);

  g_assert_true (yq_settings_set (f->store, YQ_SETTING_HTTP_ADDRESS, "127.0.0.1:0", &error));
  g_assert_no_error (error);

  start_service (f);
  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS, f->service_url,
                                  &error));
  g_assert_no_error (error);

  f->session = soup_session_new ();
  soup_session_add_feature_by_type (f->session, SOUP_TYPE_COOKIE_JAR);
}

static void
stop_service (YqLoginFixture *f,
              int             signal_number)
{
  if (f->service != NULL)
    {
      g_subprocess_send_signal (f->service, signal_number);
      g_subprocess_wait (f->service, NULL, NULL);
      if (g_test_failed ())
        g_printerr ("yunqiao-service said:\n%s", f->service_log->str);
    }
  /* The reader must not run into the next test's fixture. */
  if (f->service_reading != NULL)
    {
      g_cancellable_cancel (f->service_reading);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_clear_object (&f->service_reading);
  g_clear_object (&f->service);
  g_clear_pointer (&f->service_url, g_free);
}

void
yq_login_fixture_restart_service (YqLoginFixture *f,
                                  gboolean        kill)
{
  g_autoptr(GError) error = NULL;

  stop_service (f, kill ? SIGKILL : SIGTERM);
  start_service (f);
  g_assert_true (yq_settings_set (f->store, YQ_SETTING_EXTERNAL_ADDRESS, f->service_url,
                                  &error));
  g_assert_no_error (error);
}

void
yq_login_fixture_teardown (YqLoginFixture *f)
{
  stop_service (f, SIGTERM);
  g_clear_object (&f->session);
  g_clear_object (&f->oa);
  g_clear_object (&f->secrets);
  g_clear_object (&f->store);
  yq_test_remove_data_dir (f->data_dir);
  g_free (f->data_dir);
  yq_sim_server_stop (f->sim);
  g_clear_object (&f->sim);
  g_clear_object (&f->org);
  g_clear_pointer (&f->config, yq_sim_config_free);
  g_free (f->sim_base);
  g_free (f->sim_login_url);
  g_free (f->entry_url);
  g_free (f->entry_origin);
  g_free (f->oa_department);
  g_string_free (f->service_log, TRUE);
  g_ptr_array_unref (f->strings);
}

/* People -------------------------------------------------------------------- */

YqSimPerson *
yq_login_fixture_person (YqLoginFixture  *f,
                         YqLoginPlatform  platform,
                         guint            index)
{
  guint seen = 0;

  for (guint i = 0; i < yq_sim_org_get_person_slots (f->org); i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (f->org, i);

      if (person->deleted || person->status != YQ_SIM_STATUS_NORMAL)
        continue;
      if (seen++ == index)
        return person;
    }

  g_assert_not_reached ();
}

char *
yq_login_fixture_auth_code (YqLoginFixture *f,
                            YqSimPerson    *person)
{
  return yq_sim_zwdd_issue_auth_code (yq_sim_server_get_zwdd (f->sim), person);
}

char *
yq_login_fixture_yzj_ticket (YqLoginFixture *f,
                             YqSimPerson    *person)
{
  return yq_sim_yzj_issue_ticket (yq_sim_server_get_yzj (f->sim), person, NULL);
}

static gint64
connector_of (YqLoginFixture  *f,
              YqLoginPlatform  platform)
{
  return platform == YQ_LOGIN_YZJ ? f->yzj_connector : f->zwdd_connector;
}

static const char *
platform_id_of (YqLoginPlatform  platform,
                YqSimPerson     *person)
{
  return platform == YQ_LOGIN_YZJ ? person->open_id : person->employee_code;
}

void
yq_login_fixture_bind (YqLoginFixture  *f,
                       YqLoginPlatform  platform,
                       YqSimPerson     *person,
                       const char      *oa_account)
{
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = yq_bindings_bind (f->store, connector_of (f, platform),
                             platform_id_of (platform, person), oa_account, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
}

const char *
yq_login_fixture_binding (YqLoginFixture  *f,
                          YqLoginPlatform  platform,
                          YqSimPerson     *person)
{
  g_autoptr(YqLoginPerson) found = NULL;
  g_autoptr(GError) error = NULL;

  found = yq_login_store_find_person (f->store, connector_of (f, platform),
                                      platform_id_of (platform, person), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  if (found->oa_account == NULL)
    return NULL;

  g_ptr_array_add (f->strings, g_steal_pointer (&found->oa_account));
  return g_ptr_array_index (f->strings, f->strings->len - 1);
}

void
yq_login_fixture_clear_failures (YqLoginFixture *f)
{
  g_autoptr(GError) error = NULL;
  const char * const keys[] = {
    "account:wangwu", "account:no-such-account", "address:127.0.0.1", NULL
  };

  g_assert_true (yq_login_guard_clear (f->store, keys, &error));
  g_assert_no_error (error);
}

YqSimPerson *
yq_login_fixture_limit_range (YqLoginFixture  *f,
                              YqLoginPlatform  platform,
                              YqSimPerson     *inside)
{
  gint64 app_id = platform == YQ_LOGIN_YZJ ? f->yzj_app
                  : platform == YQ_LOGIN_ZWDD_QR ? f->zwdd_qr_app : f->zwdd_app;
  YqLoginPlatform people = platform == YQ_LOGIN_YZJ ? YQ_LOGIN_YZJ : YQ_LOGIN_ZWDD;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(YqLoginPerson) found = NULL;
  g_autoptr(GError) error = NULL;

  app = yq_apps_get (f->store, app_id, &error);
  g_assert_no_error (error);
  found = yq_login_store_find_person (f->store, connector_of (f, platform),
                                      platform_id_of (people, inside), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);

  g_strfreev (app->visible_departments);
  app->visible_departments = g_new0 (char *, 2);
  app->visible_departments[0] = g_strdup (found->department_ids[0]);
  g_assert_true (yq_apps_update (f->store, f->secrets, app, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 1000; i++)
    {
      YqSimPerson *other = yq_login_fixture_person (f, people, 20 + i);
      g_autoptr(YqLoginPerson) candidate = NULL;
      gboolean visible = TRUE;

      candidate = yq_login_store_find_person (f->store, connector_of (f, platform),
                                              platform_id_of (people, other), NULL, &error);
      g_assert_no_error (error);
      if (candidate == NULL || !candidate->active || candidate->oa_account != NULL)
        continue;
      g_assert_true (yq_apps_is_visible_to (f->store, app,
                                            (const char * const *) candidate->department_ids,
                                            &visible, &error));
      if (!visible)
        return other;
    }

  g_assert_not_reached ();
}

/* HTTP ---------------------------------------------------------------------- */

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

YqTestResponse *
yq_login_fixture_send (YqLoginFixture *f,
                       SoupMessage    *msg)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  YqTestResponse *response = g_new0 (YqTestResponse, 1);
  gsize length;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  response->bytes = soup_session_send_and_read_finish (f->session, result, &error);
  g_assert_no_error (error);

  headers = soup_message_get_response_headers (msg);
  response->status = soup_message_get_status (msg);
  response->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  response->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  response->referrer_policy = g_strdup (soup_message_headers_get_one (headers,
                                                                      "Referrer-Policy"));
  response->allow_origin = g_strdup (soup_message_headers_get_one (headers,
                                                                   "Access-Control-Allow-Origin"));
  length = g_bytes_get_size (response->bytes);
  response->body = g_strndup (g_bytes_get_data (response->bytes, NULL), length);

  return response;
}

YqTestResponse *
yq_login_fixture_get_url (YqLoginFixture *f,
                          const char     *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  return yq_login_fixture_send (f, msg);
}

YqTestResponse *
yq_login_fixture_get (YqLoginFixture *f,
                      const char     *path)
{
  g_autofree char *url = g_strconcat (f->service_url, path, NULL);

  return yq_login_fixture_get_url (f, url);
}

YqTestResponse *
yq_login_fixture_post_form (YqLoginFixture *f,
                            const char     *path,
                            GHashTable     *form)
{
  g_autofree char *url = g_strconcat (f->service_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new_from_encoded_form ("POST", url,
                                                                   soup_form_encode_hash (form));

  return yq_login_fixture_send (f, msg);
}

YqTestQr *
yq_login_fixture_qr_new (YqLoginFixture *f,
                         gint64          connector_id)
{
  g_autofree char *url = g_strdup_printf ("%s/qr/new?connector=%" G_GINT64_FORMAT,
                                          f->service_url, connector_id);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(YqTestResponse) response = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  YqTestQr *qr = g_new0 (YqTestQr, 1);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin",
                                f->entry_origin);
  response = yq_login_fixture_send (f, msg);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  root = yq_test_response_json (response);
  object = json_node_get_object (root);

  qr->id = g_strdup (json_object_get_string_member (object, "id"));
  qr->png_url = g_strdup (json_object_get_string_member (object, "png"));
  qr->svg_url = g_strdup (json_object_get_string_member (object, "svg"));
  qr->poll_url = g_strdup (json_object_get_string_member (object, "poll"));
  qr->scan_url = g_strdup_printf ("%s/qr/%s/scan", f->service_url, qr->id);
  qr->allow_origin = g_strdup (response->allow_origin);
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), >, 0);

  return qr;
}

static const char *
poll (YqLoginFixture  *f,
      YqTestQr        *qr,
      char           **ticket,
      char           **message)
{
  g_autoptr(YqTestResponse) response = yq_login_fixture_get_url (f, qr->poll_url);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  root = yq_test_response_json (response);
  object = json_node_get_object (root);

  if (ticket != NULL)
    *ticket = g_strdup (json_object_get_string_member_with_default (object, "ticket", NULL));
  if (message != NULL)
    *message = g_strdup (json_object_get_string_member_with_default (object, "message", NULL));

  return g_intern_string (json_object_get_string_member (object, "state"));
}

const char *
yq_login_fixture_qr_poll (YqLoginFixture  *f,
                          YqTestQr        *qr,
                          char           **ticket)
{
  return poll (f, qr, ticket, NULL);
}

const char *
yq_login_fixture_qr_poll_message (YqLoginFixture  *f,
                                  YqTestQr        *qr,
                                  char           **message)
{
  return poll (f, qr, NULL, message);
}
