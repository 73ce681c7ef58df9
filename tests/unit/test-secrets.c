/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>

#include "yq-secrets.h"
#include "yq-test-fs.h"

#define KEY_APP "connector/1/app-secret"
#define KEY_DIR "connector/1/directory-secret"
#define VALUE_1 "Sup3r-Secret-VALUE-1"
#define VALUE_2 "an=other [value] #;\\ with 中文\nand a second line"

/* Helpers */

typedef struct
{
  char *dir;
  char *data_dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yq-test-secrets-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->path = g_build_filename (f->data_dir, "secrets.ini", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
  g_free (f->path);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static char *
lookup (YqSecrets  *secrets,
        const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = yq_secrets_lookup (secrets, key, &error);

  g_assert_no_error (error);
  return value;
}

static void
store (YqSecrets  *secrets,
       const char *key,
       const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_secrets_store (secrets, key, "test secret", value, &error));
  g_assert_no_error (error);
}

static void
assert_no_secret_in (const char *message)
{
  g_assert_null (strstr (message, "VALUE"));
  g_assert_null (strstr (message, "TOPSECRET"));
  g_assert_null (strstr (message, "second line"));
}

/* File backend */

static void
test_file_basic (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *v2 = NULL;
  g_autofree char *cleared = NULL;
  g_autofree char *contents = NULL;

  secrets = yq_secrets_file_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (secrets), ==, "file");

  /* The directory exists (0700) right away, the file with the first secret. */
  g_assert_cmpuint (file_mode (f->data_dir), ==, 0700);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  missing = lookup (secrets, KEY_APP);
  g_assert_null (missing);

  store (secrets, KEY_APP, VALUE_1);
  g_assert_cmpuint (file_mode (f->path), ==, 0600);
  store (secrets, KEY_DIR, VALUE_2);
  g_assert_cmpuint (file_mode (f->path), ==, 0600);

  v1 = lookup (secrets, KEY_APP);
  v2 = lookup (secrets, KEY_DIR);
  g_assert_cmpstr (v1, ==, VALUE_1);
  g_assert_cmpstr (v2, ==, VALUE_2);

  /* Replacing keeps one entry. */
  store (secrets, KEY_APP, "replaced");
  g_clear_pointer (&v1, g_free);
  v1 = lookup (secrets, KEY_APP);
  g_assert_cmpstr (v1, ==, "replaced");
  g_file_get_contents (f->path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (contents, VALUE_1));

  g_assert_true (yq_secrets_clear (secrets, KEY_APP, &error));
  g_assert_no_error (error);
  cleared = lookup (secrets, KEY_APP);
  g_assert_null (cleared);

  /* Clearing what is not there succeeds. */
  g_assert_true (yq_secrets_clear (secrets, KEY_APP, &error));
  g_assert_true (yq_secrets_clear (secrets, "connector/99/app-secret", &error));
  g_assert_no_error (error);

  g_clear_pointer (&v2, g_free);
  v2 = lookup (secrets, KEY_DIR);
  g_assert_cmpstr (v2, ==, VALUE_2);
}

static void
test_file_reopen (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSecrets) first = NULL;
  g_autoptr(YqSecrets) second = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *seen_later = NULL;
  g_autofree char *gone = NULL;

  first = yq_secrets_file_new (f->path, &error);
  g_assert_no_error (error);
  store (first, KEY_APP, VALUE_1);
  g_clear_object (&first);

  second = yq_secrets_file_new (f->path, &error);
  g_assert_no_error (error);
  seen = lookup (second, KEY_APP);
  g_assert_cmpstr (seen, ==, VALUE_1);

  /* Two instances (app and service) see each other's changes. */
  first = yq_secrets_file_new (f->path, &error);
  g_assert_no_error (error);
  store (first, KEY_DIR, VALUE_2);
  seen_later = lookup (second, KEY_DIR);
  g_assert_cmpstr (seen_later, ==, VALUE_2);
  g_assert_true (yq_secrets_clear (second, KEY_APP, &error));
  g_assert_no_error (error);
  gone = lookup (first, KEY_APP);
  g_assert_null (gone);
}

static void
test_file_tightens_permissions (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const guint modes[] = { 0644, 0640, 0604, 0666 };

  g_assert_no_errno (g_mkdir (f->data_dir, 0755));

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(YqSecrets) secrets = NULL;
      g_autofree char *value = NULL;

      g_file_set_contents (f->path, "[Secrets]\n" KEY_APP "=" VALUE_1 "\n", -1, &error);
      g_assert_no_error (error);
      g_assert_no_errno (g_chmod (f->path, modes[i]));
      g_assert_cmpuint (file_mode (f->path), ==, modes[i]);

      secrets = yq_secrets_file_new (f->path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (file_mode (f->path), ==, 0600);
      value = lookup (secrets, KEY_APP);
      g_assert_cmpstr (value, ==, VALUE_1);

      /* Loosened again behind our back: tightened on the next access. */
      g_assert_no_errno (g_chmod (f->path, modes[i]));
      g_clear_pointer (&value, g_free);
      value = lookup (secrets, KEY_APP);
      g_assert_cmpstr (value, ==, VALUE_1);
      g_assert_cmpuint (file_mode (f->path), ==, 0600);
    }

  /* An existing directory is left as the administrator made it. */
  g_assert_cmpuint (file_mode (f->data_dir), ==, 0755);
}

static void
test_file_corrupt (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  const char *garbage = "app-secret=TOPSECRET-before-any-group\n"
                        "[Secrets\n"
                        "TOPSECRET-line-without-equals\n";

  g_assert_no_errno (g_mkdir (f->data_dir, 0700));
  g_file_set_contents (f->path, garbage, -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (g_chmod (f->path, 0600));
  before = read_file (f->path);

  secrets = yq_secrets_file_new (f->path, &error);
  g_assert_null (secrets);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, f->path));
  assert_no_secret_in (error->message);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  after = read_file (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_file_corrupted_later (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  char *value;

  secrets = yq_secrets_file_new (f->path, &error);
  g_assert_no_error (error);
  store (secrets, KEY_APP, VALUE_1);

  /* Damaged by something else while open: nothing is overwritten or
   * silently dropped, and every operation says so. */
  g_file_set_contents (f->path, "TOPSECRET-garbage\n" VALUE_1 "\n", -1, &error);
  g_assert_no_error (error);
  before = read_file (f->path);

  g_assert_false (yq_secrets_store (secrets, KEY_DIR, "label", VALUE_2, &error));
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT);
  assert_no_secret_in (error->message);
  g_clear_error (&error);

  value = yq_secrets_lookup (secrets, KEY_APP, &error);
  g_assert_null (value);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT);
  assert_no_secret_in (error->message);
  g_clear_error (&error);

  g_assert_false (yq_secrets_clear (secrets, KEY_APP, &error));
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT);
  g_clear_error (&error);

  after = read_file (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_file_not_regular (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (f->dir, "file", NULL);
  g_autofree char *below_file = g_build_filename (blocker, "sub", "secrets.ini", NULL);
  YqSecrets *secrets;

  g_assert_no_errno (g_mkdir_with_parents (f->path, 0700));
  secrets = yq_secrets_file_new (f->path, &error);
  g_assert_null (secrets);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, f->path));
  g_clear_error (&error);

  /* A directory that cannot be created, even by root. */
  g_file_set_contents (blocker, "x", -1, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_file_new (below_file, &error);
  g_assert_null (secrets);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_PERMISSIONS);
  g_clear_error (&error);
}

static void
test_invalid_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSecrets) secrets = NULL;

  secrets = yq_secrets_file_new (f->path, &error);
  g_assert_no_error (error);

  /* Keys are made by code; a key-file control character is a bug. */
  g_test_expect_message ("yq-secrets", G_LOG_LEVEL_CRITICAL, "*key_is_valid*");
  g_assert_false (yq_secrets_store (secrets, "bad=key", "label", "v", &error));
  g_test_assert_expected_messages ();
  g_test_expect_message ("yq-secrets", G_LOG_LEVEL_CRITICAL, "*value != NULL*");
  g_assert_false (yq_secrets_store (secrets, KEY_APP, "label", "", &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
}

/* Backend selection */

typedef struct
{
  char *secrets;
  char *bus;
} SavedEnv;

static void
save_env (SavedEnv *env)
{
  env->secrets = g_strdup (g_getenv ("YUNQIAO_SECRETS"));
  env->bus = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
}

static void
restore_env (SavedEnv *env)
{
  if (env->secrets != NULL)
    g_setenv ("YUNQIAO_SECRETS", env->secrets, TRUE);
  else
    g_unsetenv ("YUNQIAO_SECRETS");
  if (env->bus != NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", env->bus, TRUE);
  else
    g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_free (env->secrets);
  g_free (env->bus);
}

static void
test_select_backend (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  YqSecrets *secrets;
  SavedEnv env;

  save_env (&env);

  /* Forced file: DATA_DIR/secrets.ini. */
  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (secrets), ==, "file");
  store (secrets, KEY_APP, VALUE_1);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));
  g_object_unref (secrets);

  /* Forced keyring without a session bus: an error, no silent fallback. */
  g_setenv ("YUNQIAO_SECRETS", "keyring", TRUE);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_null (secrets);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "YUNQIAO_SECRETS=file"));
  g_clear_error (&error);

  /* Forced keyring with a bus nobody answers on. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/yunqiao-test-bus", TRUE);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_null (secrets);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* Unknown value. */
  g_setenv ("YUNQIAO_SECRETS", "vault", TRUE);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_null (secrets);
  g_assert_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "vault"));
  g_clear_error (&error);

  /* Automatic: an unreachable bus falls back to the file… */
  g_unsetenv ("YUNQIAO_SECRETS");
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (secrets), ==, "file");
  g_clear_object (&secrets);

  /* …and so does no bus at all, finding what was stored before. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (secrets), ==, "file");
  {
    g_autofree char *value = lookup (secrets, KEY_APP);

    g_assert_cmpstr (value, ==, VALUE_1);
  }
  g_clear_object (&secrets);

  restore_env (&env);
}

/* Keyring backend, against a private gnome-keyring-daemon */

static gboolean
wait_for_name (GDBusConnection *bus,
               const char      *name)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GVariant) reply = NULL;
      gboolean has_owner = FALSE;

      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      if (reply != NULL)
        g_variant_get (reply, "(b)", &has_owner);
      if (has_owner)
        return TRUE;

      g_usleep (G_USEC_PER_SEC / 20);
    }

  return FALSE;
}

static void
keyring_subprocess (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) daemon = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(YqSecrets) a = NULL;
  g_autoptr(YqSecrets) b = NULL;
  g_autoptr(YqSecrets) a_again = NULL;
  g_autoptr(YqSecrets) automatic = NULL;
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *run = g_build_filename (f->dir, "run", NULL);
  g_autofree char *dir_a = g_build_filename (f->dir, "a", NULL);
  g_autofree char *dir_a_alias = g_build_filename (f->dir, "a", ".", NULL);
  g_autofree char *dir_b = g_build_filename (f->dir, "b", NULL);
  g_autofree char *value = NULL;
  GOutputStream *stdin_pipe;

  g_assert_no_errno (g_mkdir (home, 0700));
  g_assert_no_errno (g_mkdir (run, 0700));

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  connection = g_dbus_connection_new_for_address_sync (
    g_test_dbus_get_bus_address (bus),
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", run, TRUE);
  daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                        "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  stdin_pipe = g_subprocess_get_stdin_pipe (daemon);
  g_output_stream_write_all (stdin_pipe, "test-password", 13, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stdin_pipe, NULL, NULL);
  g_assert_true (wait_for_name (connection, "org.freedesktop.secrets"));

  a = yq_secrets_keyring_new (dir_a, &error);
  g_assert_no_error (error);
  b = yq_secrets_keyring_new (dir_b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (a), ==, "keyring");

  store (a, KEY_APP, VALUE_1);
  value = lookup (a, KEY_APP);
  g_assert_cmpstr (value, ==, VALUE_1);
  g_clear_pointer (&value, g_free);

  /* Another data directory never sees it… */
  value = lookup (b, KEY_APP);
  g_assert_null (value);

  /* …and has its own value under the same key. */
  store (b, KEY_APP, VALUE_2);
  value = lookup (b, KEY_APP);
  g_assert_cmpstr (value, ==, VALUE_2);
  g_clear_pointer (&value, g_free);

  /* The same directory spelt differently is the same store. */
  a_again = yq_secrets_keyring_new (dir_a_alias, &error);
  g_assert_no_error (error);
  value = lookup (a_again, KEY_APP);
  g_assert_cmpstr (value, ==, VALUE_1);
  g_clear_pointer (&value, g_free);

  /* Replace, clear, clear again. */
  store (a, KEY_APP, "replaced");
  value = lookup (a, KEY_APP);
  g_assert_cmpstr (value, ==, "replaced");
  g_clear_pointer (&value, g_free);
  g_assert_true (yq_secrets_clear (a, KEY_APP, &error));
  g_assert_true (yq_secrets_clear (a, KEY_APP, &error));
  g_assert_no_error (error);
  value = lookup (a, KEY_APP);
  g_assert_null (value);
  value = lookup (b, KEY_APP);
  g_assert_cmpstr (value, ==, VALUE_2);
  g_clear_pointer (&value, g_free);

  /* With a Secret Service on the bus, the automatic choice is the keyring. */
  g_unsetenv ("YUNQIAO_SECRETS");
  automatic = yq_secrets_new_for_data_dir (dir_b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (automatic), ==, "keyring");
  value = lookup (automatic, KEY_APP);
  g_assert_cmpstr (value, ==, VALUE_2);
  g_assert_false (g_file_test (dir_b, G_FILE_TEST_EXISTS));

  /* Everything holding the bus connection goes before the bus. */
  g_clear_object (&a);
  g_clear_object (&a_again);
  g_clear_object (&b);
  g_clear_object (&automatic);
  secret_service_disconnect ();
  g_clear_object (&connection);

  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
  g_test_dbus_down (bus);
}

static void
test_keyring (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *keyring_daemon = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");

  if (keyring_daemon == NULL || dbus_daemon == NULL)
    {
      g_test_skip ("gnome-keyring-daemon and dbus-daemon are needed for the keyring test");
      return;
    }

  /* In a child: it changes the environment and libsecret keeps a
   * process-wide connection to the service. */
  if (g_test_subprocess ())
    {
      keyring_subprocess (f);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/secrets/file/basic", test_file_basic);
  ADD ("/secrets/file/reopen", test_file_reopen);
  ADD ("/secrets/file/tightens-permissions", test_file_tightens_permissions);
  ADD ("/secrets/file/corrupt", test_file_corrupt);
  ADD ("/secrets/file/corrupted-later", test_file_corrupted_later);
  ADD ("/secrets/file/not-regular", test_file_not_regular);
  ADD ("/secrets/invalid-key", test_invalid_key);
  ADD ("/secrets/select-backend", test_select_backend);
  ADD ("/secrets/keyring", test_keyring);

#undef ADD

  return g_test_run ();
}
