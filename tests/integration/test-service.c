/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "yq-dbus-generated.h"
#include "yq-service-error.h"
#include "yq-test-bus.h"
#include "yunqiao-core.h"

static const char *service_path;

static GArray   *reloaded;
static gboolean  got_reloaded;

static void
on_reloaded_cb (YqDBusService *proxy,
                guint          connectors,
                gpointer       user_data)
{
  g_array_append_val (reloaded, connectors);
  got_reloaded = TRUE;
}

static GVariant *
get_status (YqDBusService *proxy)
{
  g_autoptr(GError) error = NULL;
  GVariant *status = NULL;

  yq_dbus_service_call_get_status_sync (proxy, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  g_assert_true (g_variant_is_of_type (status, G_VARIANT_TYPE_VARDICT));

  return status;
}

static void
add_connector (const char *data_dir,
               const char *name)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;

  store = yq_store_open_in_dir (data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (data_dir, &error);
  g_assert_no_error (error);

  connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "100200300");
  yq_connector_set_app_key (connector, "integration-app-key");

  g_assert_true (yq_connectors_save (store, secrets, connector, "integration-app-secret", NULL,
                                     &error));
  g_assert_no_error (error);
}

static void
test_service_activation (void)
{
  g_autoptr(GDBusConnection) bus = yq_test_require_session_bus ();
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(GDBusObject) main_object = NULL;
  g_autoptr(YqDBusService) main_service = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *remote_name = NULL;
  g_auto(GVariantDict) dict = { { { 0 } } };
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  const char *string_value = NULL;
  guint32 pid = 0;
  guint32 connectors = G_MAXUINT32;
  guint32 reloads = G_MAXUINT32;
  gint64 started_at = 0;
  gboolean foreground = TRUE;
  GList *objects;
  gboolean found_main = FALSE;
  gboolean reload_failed;

  yq_test_ensure_service_stopped (bus);
  yq_test_set_activation_env (bus, data_dir);

  /* Auto-start: the bus activates the service for this proxy's calls. */
  proxy = yq_dbus_service_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_NONE, SERVICE_BUS_NAME,
                                          SERVICE_MAIN_PATH, NULL, &error);
  g_assert_no_error (error);
  reloaded = g_array_new (FALSE, FALSE, sizeof (guint));
  got_reloaded = FALSE;
  g_signal_connect (proxy, "reloaded", G_CALLBACK (on_reloaded_cb), NULL);

  status = get_status (proxy);
  g_assert_true (yq_test_name_has_owner (bus, SERVICE_BUS_NAME));
  g_assert_cmpstr (yq_dbus_service_get_version (proxy), ==, PACKAGE_VERSION);

  g_variant_dict_init (&dict, status);
  g_assert_true (g_variant_dict_lookup (&dict, "version", "&s", &string_value));
  g_assert_cmpstr (string_value, ==, PACKAGE_VERSION);
  g_assert_true (g_variant_dict_lookup (&dict, "data-dir", "&s", &string_value));
  g_assert_cmpstr (string_value, ==, data_dir);
  g_assert_true (g_variant_dict_lookup (&dict, "secrets-backend", "&s", &string_value));
  g_assert_cmpstr (string_value, ==, "file");
  g_assert_true (g_variant_dict_lookup (&dict, "pid", "u", &pid));
  g_assert_cmpuint (pid, ==, yq_test_name_owner_pid (bus, SERVICE_BUS_NAME));
  g_assert_true (g_variant_dict_lookup (&dict, "started-at", "x", &started_at));
  g_assert_cmpint (started_at, >=, before - 1);
  g_assert_cmpint (started_at, <=, g_get_real_time () / G_USEC_PER_SEC + 1);
  g_assert_true (g_variant_dict_lookup (&dict, "connectors", "u", &connectors));
  g_assert_cmpuint (connectors, ==, 0);
  g_assert_true (g_variant_dict_lookup (&dict, "foreground", "b", &foreground));
  g_assert_false (foreground);
  g_assert_true (g_variant_dict_lookup (&dict, "reloads", "u", &reloads));
  g_assert_cmpuint (reloads, ==, 0);
  g_variant_dict_clear (&dict);
  g_clear_pointer (&status, g_variant_unref);

  /* The service opened its database in the directory it was given. */
  {
    g_autofree char *db_file = g_build_filename (data_dir, "yunqiao.db", NULL);

    g_assert_true (g_file_test (db_file, G_FILE_TEST_IS_REGULAR));
  }

  add_connector (data_dir, "Integration one");
  add_connector (data_dir, "Integration two");

  yq_dbus_service_call_reload_sync (proxy, NULL, &error);
  g_assert_no_error (error);
  /* The service emits Reloaded before it replies, so the signal is at
   * most a main-context dispatch away. */
  g_assert_true (yq_test_wait (&got_reloaded, YQ_TEST_TIMEOUT_MS));
  g_assert_cmpuint (reloaded->len, ==, 1);
  g_assert_cmpuint (g_array_index (reloaded, guint, 0), ==, 2);

  status = get_status (proxy);
  g_variant_dict_init (&dict, status);
  g_assert_true (g_variant_dict_lookup (&dict, "connectors", "u", &connectors));
  g_assert_cmpuint (connectors, ==, 2);
  g_assert_true (g_variant_dict_lookup (&dict, "reloads", "u", &reloads));
  g_assert_cmpuint (reloads, ==, 1);
  g_variant_dict_clear (&dict);
  g_clear_pointer (&status, g_variant_unref);

  /* The object manager lists the Main object with the service interface. */
  manager = yq_dbus_object_manager_client_new_for_bus_sync (G_BUS_TYPE_SESSION,
                                                            G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                            SERVICE_BUS_NAME, SERVICE_OBJECT_PATH,
                                                            NULL, &error);
  g_assert_no_error (error);
  objects = g_dbus_object_manager_get_objects (manager);
  for (GList *l = objects; l != NULL; l = l->next)
    if (g_str_equal (g_dbus_object_get_object_path (l->data), SERVICE_MAIN_PATH))
      found_main = TRUE;
  g_list_free_full (objects, g_object_unref);
  g_assert_true (found_main);

  main_object = g_dbus_object_manager_get_object (manager, SERVICE_MAIN_PATH);
  g_assert_nonnull (main_object);
  main_service = yq_dbus_object_get_service (YQ_DBUS_OBJECT (main_object));
  g_assert_nonnull (main_service);
  g_assert_cmpstr (yq_dbus_service_get_version (main_service), ==, PACKAGE_VERSION);

  /* A damaged database: Reload fails with a store error that names the
   * file, and the service keeps what it had loaded. */
  store = yq_store_open_in_dir (data_dir, &error);
  g_assert_no_error (error);
  db_path = g_strdup (yq_store_get_path (store));
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
    char garbage[8192];

    memset (garbage, 'x', sizeof garbage);
    g_unlink (wal);
    g_unlink (shm);
    g_assert_cmpint (g_unlink (db_path), ==, 0);
    g_file_set_contents (db_path, garbage, sizeof garbage, &error);
    g_assert_no_error (error);
  }

  reload_failed = !yq_dbus_service_call_reload_sync (proxy, NULL, &error);
  g_assert_true (reload_failed);
  g_assert_nonnull (error);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote_name = g_dbus_error_get_remote_error (error);
  g_assert_true (g_str_has_prefix (remote_name, YQ_SERVICE_ERROR_PREFIX "Store."));
  g_assert_true (error->domain == YQ_STORE_ERROR);
  g_dbus_error_strip_remote_error (error);
  g_assert_nonnull (strstr (error->message, db_path));
  g_clear_error (&error);
  g_assert_cmpuint (reloaded->len, ==, 1);

  status = get_status (proxy);
  g_variant_dict_init (&dict, status);
  g_assert_true (g_variant_dict_lookup (&dict, "connectors", "u", &connectors));
  g_assert_cmpuint (connectors, ==, 2);
  g_assert_true (g_variant_dict_lookup (&dict, "reloads", "u", &reloads));
  g_assert_cmpuint (reloads, ==, 1);
  g_variant_dict_clear (&dict);

  yq_test_stop_service (bus, pid);
  yq_test_remove_data_dir (data_dir);
  g_clear_pointer (&reloaded, g_array_unref);
}

/* A service whose database cannot be read still starts, and says why to
 * whoever asks. */
static void
test_service_broken_store (void)
{
  g_autoptr(GDBusConnection) bus = yq_test_require_session_bus ();
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *db_path = g_build_filename (data_dir, "yunqiao.db", NULL);
  g_autofree char *remote_name = NULL;
  g_autoptr(YqDBusService) proxy = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GError) error = NULL;
  char garbage[4096];

  memset (garbage, 'y', sizeof garbage);
  g_file_set_contents (db_path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  yq_test_ensure_service_stopped (bus);
  yq_test_set_activation_env (bus, data_dir);

  proxy = yq_dbus_service_proxy_new_sync (bus, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                          SERVICE_BUS_NAME, SERVICE_MAIN_PATH, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (yq_dbus_service_call_get_status_sync (proxy, &status, NULL, &error));
  g_assert_null (status);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT);
  remote_name = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote_name, ==, YQ_SERVICE_ERROR_PREFIX "Store.Corrupt");
  g_dbus_error_strip_remote_error (error);
  g_assert_nonnull (strstr (error->message, db_path));
  g_clear_error (&error);

  /* The file was left alone, and the service is still there. */
  {
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (db_path, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, garbage, sizeof garbage);
  }
  g_assert_true (yq_test_name_has_owner (bus, SERVICE_BUS_NAME));

  yq_test_stop_service (bus, yq_test_name_owner_pid (bus, SERVICE_BUS_NAME));
  yq_test_remove_data_dir (data_dir);
}

typedef struct
{
  GDataInputStream *stream;
  GString          *text;
  gboolean          ready;
  gboolean          eof;
} ChildOutput;

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ChildOutput *output = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (output->stream, result, NULL, &error);
  g_assert_no_error (error);

  if (line == NULL)
    {
      output->eof = TRUE;
      return;
    }

  g_test_message ("service: %s", line);
  g_string_append (output->text, line);
  g_string_append_c (output->text, '\n');
  if (strstr (line, "ready") != NULL)
    output->ready = TRUE;

  g_data_input_stream_read_line_async (output->stream, G_PRIORITY_DEFAULT, NULL,
                                       read_line_cb, output);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *exited = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *exited = TRUE;
}

/* Runs `yunqiao-service --foreground` where no session bus can be reached
 * and stops it with @signum. */
static void
run_foreground (const char *bus_address,
                int         signum)
{
  g_autofree char *data_dir = yq_test_make_data_dir ();
  g_autofree char *db_path = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  ChildOutput output = { NULL, g_string_new (NULL), FALSE, FALSE };
  gboolean exited = FALSE;
  gint64 signalled_at;
  gint64 elapsed_ms;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  if (bus_address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  /* Without these GLib could still find a bus: $XDG_RUNTIME_DIR/bus or
   * X11 autolaunch. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", data_dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "YUNQIAO_DATA_DIR");
  g_subprocess_launcher_setenv (launcher, "YUNQIAO_SECRETS", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");

  child = g_subprocess_launcher_spawn (launcher, &error, service_path, "--foreground",
                                       "--data-dir", data_dir, NULL);
  g_assert_no_error (error);

  output.stream = g_data_input_stream_new (g_subprocess_get_stderr_pipe (child));
  g_data_input_stream_read_line_async (output.stream, G_PRIORITY_DEFAULT, NULL,
                                       read_line_cb, &output);
  g_subprocess_wait_async (child, NULL, wait_cb, &exited);

  g_assert_true (yq_test_wait (&output.ready, YQ_TEST_TIMEOUT_MS));
  g_assert_false (exited);
  g_assert_nonnull (strstr (output.text->str, "No session bus"));
  g_assert_nonnull (strstr (output.text->str, data_dir));

  /* --data-dir was honoured: the database lives there. */
  db_path = g_build_filename (data_dir, "yunqiao.db", NULL);
  {
    g_autoptr(YqStore) store = yq_store_open_in_dir (data_dir, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (yq_store_get_path (store), ==, db_path);
    g_assert_true (g_file_test (db_path, G_FILE_TEST_IS_REGULAR));
  }

  signalled_at = g_get_monotonic_time ();
  g_subprocess_send_signal (child, signum);
  g_assert_true (yq_test_wait (&exited, YQ_TEST_TIMEOUT_MS));
  elapsed_ms = (g_get_monotonic_time () - signalled_at) / 1000;
  g_test_message ("stopped %" G_GINT64_FORMAT " ms after the signal", elapsed_ms);
  g_assert_cmpint (elapsed_ms, <, 2000);

  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);

  g_assert_true (yq_test_wait (&output.eof, YQ_TEST_TIMEOUT_MS));
  g_assert_null (strstr (output.text->str, "CRITICAL"));
  g_assert_null (strstr (output.text->str, "WARNING"));

  g_clear_object (&output.stream);
  g_string_free (output.text, TRUE);
  yq_test_remove_data_dir (data_dir);
}

static void
test_service_foreground_no_bus (void)
{
  run_foreground (NULL, SIGTERM);
}

static void
test_service_foreground_dead_bus (void)
{
  g_autofree char *address = g_strdup_printf ("unix:path=%s/no-such-bus-%d",
                                              g_get_tmp_dir (), (int) getpid ());

  run_foreground (address, SIGINT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  yq_service_error_register ();
  service_path = yq_test_require_env ("YUNQIAO_SERVICE",
                                      "meson passes the path of the built yunqiao-service");

  g_test_add_func ("/service/activation", test_service_activation);
  g_test_add_func ("/service/broken-store", test_service_broken_store);
  g_test_add_func ("/service/foreground/no-bus", test_service_foreground_no_bus);
  g_test_add_func ("/service/foreground/dead-bus", test_service_foreground_dead_bus);

  return g_test_run ();
}
