/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <signal.h>
#include <sys/types.h>

#include <glib/gstdio.h>

#include "yq-test-bus.h"
#include "yq-test-fs.h"

char *
yq_test_make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("yunqiao-integration-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);

  return dir;
}

void
yq_test_remove_data_dir (const char *dir)
{
  yq_test_rm_rf (dir);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* A missing variable means the suite was started the wrong way; saying so
 * beats a confusing failure further down, and skipping would hide it. */
const char *
yq_test_require_env (const char *name,
                     const char *why)
{
  const char *value = g_getenv (name);

  if (value == NULL || value[0] == '\0')
    g_error ("%s is not set: %s", name, why);

  return value;
}

GDBusConnection *
yq_test_require_session_bus (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **names = NULL;

  yq_test_require_env ("DBUS_SESSION_BUS_ADDRESS",
                       "the integration tests need their own session bus; run them as "
                       "dbus-run-session --config-file=BUILDDIR/tests/integration/session.conf "
                       "-- meson test -C BUILDDIR --suite integration");

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "ListActivatableNames", NULL,
                                       G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE,
                                       YQ_TEST_TIMEOUT_MS, NULL, &error);
  g_assert_no_error (error);

  g_variant_get (reply, "(^a&s)", &names);
  /* The tests change the bus's activation environment and start and stop
   * the service: never do that on a desktop session. */
  if (!g_strv_contains (names, YQ_TEST_BUS_MARKER))
    g_error ("This is not the integration test bus (%s is not activatable): start it with "
             "dbus-run-session --config-file=BUILDDIR/tests/integration/session.conf",
             YQ_TEST_BUS_MARKER);
  if (!g_strv_contains (names, SERVICE_BUS_NAME))
    g_error ("The test bus cannot activate %s: reconfigure the build directory",
             SERVICE_BUS_NAME);

  return g_steal_pointer (&bus);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;

  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *flag is set or the time is up. */
gboolean
yq_test_wait (gboolean *flag,
              guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, set_flag_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (timeout_id);

  return *flag;
}

static GVariant *
call_bus (GDBusConnection    *bus,
          const char         *method,
          GVariant           *parameters,
          const GVariantType *reply_type)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", method, parameters, reply_type,
                                       G_DBUS_CALL_FLAGS_NONE, YQ_TEST_TIMEOUT_MS, NULL, &error);
  g_assert_no_error (error);

  return reply;
}

gboolean
yq_test_name_has_owner (GDBusConnection *bus,
                        const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = call_bus (bus, "NameHasOwner", g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"));
  g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

guint32
yq_test_name_owner_pid (GDBusConnection *bus,
                        const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  guint32 pid = 0;

  reply = call_bus (bus, "GetConnectionUnixProcessID", g_variant_new ("(s)", name),
                    G_VARIANT_TYPE ("(u)"));
  g_variant_get (reply, "(u)", &pid);

  return pid;
}

/* The bus starts the service with its own environment, not the test's. */
void
yq_test_set_activation_env (GDBusConnection *bus,
                            const char      *data_dir)
{
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder env;

  g_variant_builder_init (&env, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&env, "{ss}", "YUNQIAO_DATA_DIR", data_dir);
  g_variant_builder_add (&env, "{ss}", "YUNQIAO_SECRETS", "file");
  g_variant_builder_add (&env, "{ss}", "G_DEBUG", "fatal-criticals");
  g_variant_builder_add (&env, "{ss}", "LC_ALL", "C");

  reply = call_bus (bus, "UpdateActivationEnvironment", g_variant_new ("(a{ss})", &env), NULL);
}

/* Adds NAME=VALUE to what the bus gives services it starts from now on;
 * an empty value is how a test takes a variable back. */
void
yq_test_set_activation_var (GDBusConnection *bus,
                            const char      *name,
                            const char      *value)
{
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder env;

  g_variant_builder_init (&env, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&env, "{ss}", name, value);

  reply = call_bus (bus, "UpdateActivationEnvironment", g_variant_new ("(a{ss})", &env), NULL);
}

static void
name_vanished_cb (GDBusConnection *bus,
                  const char      *name,
                  gpointer         user_data)
{
  gboolean *vanished = user_data;

  *vanished = TRUE;
}

void
yq_test_stop_service (GDBusConnection *bus,
                      guint32          pid)
{
  gboolean vanished = FALSE;
  guint watch_id;

  g_assert_cmpuint (pid, >, 0);

  watch_id = g_bus_watch_name_on_connection (bus, SERVICE_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                             NULL, name_vanished_cb, &vanished, NULL);
  g_assert_cmpint (kill ((pid_t) pid, SIGTERM), ==, 0);

  g_assert_true (yq_test_wait (&vanished, YQ_TEST_TIMEOUT_MS));
  g_bus_unwatch_name (watch_id);
  g_assert_false (yq_test_name_has_owner (bus, SERVICE_BUS_NAME));
}

/* A test that failed half-way may have left its service behind; the next
 * one starts from a bus without it instead of failing too. */
void
yq_test_ensure_service_stopped (GDBusConnection *bus)
{
  if (yq_test_name_has_owner (bus, SERVICE_BUS_NAME))
    {
      g_test_message ("Stopping a service left over by an earlier test");
      yq_test_stop_service (bus, yq_test_name_owner_pid (bus, SERVICE_BUS_NAME));
    }
}
