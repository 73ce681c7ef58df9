/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The service's jobs and schedules on a private session bus: the service
 * is activated from the build tree, works against yunqiao-sim running in
 * this process, and is watched by two clients on two connections.
 */
#include "config.h"

#include <stdio.h>

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "yq-comparison.h"
#include "yq-dbus-generated.h"
#include "yq-schedule.h"
#include "yq-service-error.h"
#include "yq-sim-faults.h"
#include "yq-sync-run.h"
#include "yq-sync-runs.h"
#include "yq-test-bus.h"
#include "yq-test-sync.h"

typedef struct
{
  YqSyncFixture    sync;
  GDBusConnection *bus;
  YqDBusService   *service;
  char            *clock_file;
} Fixture;

static void
set_clock (Fixture *f,
           gint64   now)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT "\n", now);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (f->clock_file, text, -1, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  yq_sync_fixture_setup (&f->sync, data);

  f->bus = yq_test_require_session_bus ();
  yq_test_ensure_service_stopped (f->bus);
  yq_test_set_activation_env (f->bus, f->sync.data_dir);
  f->clock_file = g_build_filename (f->sync.data_dir, "clock", NULL);
  set_clock (f, 1800000000);
  yq_test_set_activation_var (f->bus, "YUNQIAO_TEST_CLOCK_FILE", f->clock_file);
  yq_test_set_activation_var (f->bus, "YUNQIAO_TEST_ABORT_AFTER_OPS", "");

  f->service = yq_dbus_service_proxy_new_sync (f->bus, G_DBUS_PROXY_FLAGS_NONE, SERVICE_BUS_NAME,
                                               SERVICE_MAIN_PATH, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_test_ensure_service_stopped (f->bus);
  yq_test_set_activation_var (f->bus, "YUNQIAO_TEST_CLOCK_FILE", "");
  g_clear_object (&f->service);
  g_clear_object (&f->bus);
  g_free (f->clock_file);
  yq_sync_fixture_teardown (&f->sync, data);
}

/* A client on a connection of its own, watching the jobs. */
typedef struct
{
  GDBusConnection    *connection;
  GDBusObjectManager *manager;
  GPtrArray          *fractions;
  guint               steps;
  /* A fetch step with its pages, departments and people so far. */
  gboolean            saw_fetch_counts;
  /* The Comparison property when the State became final (NULL before). */
  char               *final_comparison;
} Client;

static void
job_changed_cb (GDBusProxy *proxy,
                GVariant   *changed,
                GStrv       invalidated,
                Client     *client)
{
  double fraction;

  if (g_variant_lookup (changed, "Fraction", "d", &fraction))
    {
      double *copy = g_new (double, 1);

      *copy = fraction;
      g_ptr_array_add (client->fractions, copy);
    }
  {
    const char *step;

    if (g_variant_lookup (changed, "Step", "&s", &step))
      {
        guint pages = 0, departments = 0, people = 0;

        client->steps++;
        if (sscanf (step, "Reading the platform directory: pages %u, departments %u, people %u",
                    &pages, &departments, &people) == 3 &&
            pages > 0 && departments > 0)
          client->saw_fetch_counts = TRUE;
      }
  }

  {
    const char *state;

    if (g_variant_lookup (changed, "State", "&s", &state) &&
        !g_str_equal (state, "queued") && !g_str_equal (state, "running"))
      {
        g_autoptr(GVariant) comparison = g_dbus_proxy_get_cached_property (proxy, "Comparison");

        g_free (client->final_comparison);
        client->final_comparison = g_strdup (comparison ? g_variant_get_string (comparison, NULL)
                                                        : "(not set)");
      }
  }
}

static void
object_added_cb (GDBusObjectManager *manager,
                 GDBusObject        *object,
                 Client             *client)
{
  g_autoptr(YqDBusJob) job = yq_dbus_object_get_job (YQ_DBUS_OBJECT (object));

  if (job != NULL)
    g_signal_connect (job, "g-properties-changed", G_CALLBACK (job_changed_cb), client);
}

static Client *
client_new (void)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  client->connection = g_dbus_connection_new_for_address_sync (
    address,
    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
    NULL, NULL, &error);
  g_assert_no_error (error);
  client->manager = yq_dbus_object_manager_client_new_sync (client->connection,
                                                            G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE,
                                                            SERVICE_BUS_NAME, SERVICE_OBJECT_PATH,
                                                            NULL, &error);
  g_assert_no_error (error);
  client->fractions = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (client->manager, "object-added", G_CALLBACK (object_added_cb), client);

  return client;
}

static void
client_free (Client *client)
{
  g_signal_handlers_disconnect_by_data (client->manager, client);
  g_clear_object (&client->manager);
  g_dbus_connection_close_sync (client->connection, NULL, NULL);
  g_clear_object (&client->connection);
  g_ptr_array_unref (client->fractions);
  g_free (client->final_comparison);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static YqDBusJob *
client_get_job (Client     *client,
                const char *path)
{
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object (client->manager, path);

  if (object == NULL)
    return NULL;

  return yq_dbus_object_get_job (YQ_DBUS_OBJECT (object));
}

static gboolean
job_finished (YqDBusJob *job)
{
  const char *state = yq_dbus_job_get_state (job);

  return state != NULL && !g_str_equal (state, "queued") && !g_str_equal (state, "running");
}

/* Spins until @cond holds (the simulator in this process keeps serving). */
#define WAIT_FOR(cond)                                                          \
  G_STMT_START {                                                                \
    gint64 deadline__ = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;         \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > deadline__)                              \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #cond); \
        g_main_context_iteration (NULL, FALSE);                                 \
        g_usleep (1000);                                                        \
      }                                                                         \
  } G_STMT_END

static char *
start_sync (Fixture    *f,
            const char *direction,
            gboolean    dry_run,
            GError    **error)
{
  char *path = NULL;

  if (!yq_dbus_service_call_start_sync_sync (f->service, f->sync.connector_id, direction, dry_run,
                                             FALSE, &path, NULL, error))
    return NULL;

  return path;
}

static GStrv
list_jobs (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char **paths = NULL;

  yq_dbus_service_call_list_jobs_sync (f->service, &paths, NULL, &error);
  g_assert_no_error (error);

  return paths;
}

static void
check_schedules (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_dbus_service_call_check_schedules_sync (f->service, NULL, &error));
  g_assert_no_error (error);
}

static void
set_latency (Fixture *f,
             guint    latency_ms)
{
  YqSimFaults *faults = yq_sim_server_get_faults (f->sync.server);
  YqSimFaultSettings settings;

  yq_sim_faults_get_settings (faults, &settings);
  settings.latency_ms = latency_ms;
  yq_sim_faults_set_settings (faults, &settings);
}

/* Tests ------------------------------------------------------------------------- */

static void
test_two_clients (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Client) a = client_new ();
  g_autoptr(Client) b = client_new ();
  g_autoptr(YqDBusJob) job_a = NULL;
  g_autoptr(YqDBusJob) job_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSyncRunRecord) record = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) paths = NULL;

  /* Slow enough that both clients see it run. */
  set_latency (f, 20);
  path = start_sync (f, "to-oa", FALSE, &error);
  g_assert_no_error (error);

  WAIT_FOR ((job_a = client_get_job (a, path)) != NULL);
  WAIT_FOR ((job_b = client_get_job (b, path)) != NULL);
  g_assert_cmpstr (yq_dbus_job_get_kind (job_a), ==, "sync-apply");
  g_assert_cmpstr (yq_dbus_job_get_direction (job_b), ==, "to-oa");
  g_assert_cmpint (yq_dbus_job_get_connector (job_b), ==, f->sync.connector_id);
  g_assert_false (yq_dbus_job_get_scheduled (job_a));

  WAIT_FOR (job_finished (job_a) && job_finished (job_b));
  g_assert_cmpstr (yq_dbus_job_get_state (job_a), ==, "succeeded");
  g_assert_cmpstr (yq_dbus_job_get_state (job_b), ==, "succeeded");
  g_assert_cmpstr (yq_dbus_job_get_error (job_a), ==, "");
  WAIT_FOR (yq_dbus_job_get_fraction (job_b) == 1.0);
  g_assert_cmpstr (yq_dbus_job_get_summary (job_a), ==, yq_dbus_job_get_summary (job_b));
  g_assert_cmpint (yq_dbus_job_get_run_id (job_a), >, 0);
  g_assert_cmpint (yq_dbus_job_get_run_id (job_a), ==, yq_dbus_job_get_run_id (job_b));

  /* Both saw the work progress, not only its end. */
  g_assert_cmpuint (a->steps, >=, 2);
  g_assert_cmpuint (b->steps, >=, 2);
  g_assert_true (a->saw_fetch_counts);
  g_assert_true (b->saw_fetch_counts);
  g_assert_cmpuint (a->fractions->len, >=, 2);
  g_assert_cmpuint (b->fractions->len, >=, 2);

  summary = json_from_string (yq_dbus_job_get_summary (job_a), &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "failed"), ==, 0);

  record = yq_sync_runs_get (f->sync.store, yq_dbus_job_get_run_id (job_a), &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_APPLIED);
  yq_sync_fixture_assert_equal (&f->sync);

  paths = list_jobs (f);
  g_assert_true (g_strv_contains ((const char * const *) paths, path));

  /* yunqiaoctl shows the same job. */
  {
    const char *argv[] = {
      yq_test_require_env ("YUNQIAOCTL", "the built CLI"), "service", "jobs", "--json", NULL
    };
    g_autofree char *out = NULL;
    g_autoptr(JsonNode) jobs = NULL;
    JsonObject *first;
    int status = 0;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &out, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, 0);
    jobs = json_from_string (out, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (jobs)), ==, 1);
    first = json_array_get_object_element (json_node_get_array (jobs), 0);
    g_assert_cmpstr (json_object_get_string_member (first, "path"), ==, path);
    g_assert_cmpstr (json_object_get_string_member (first, "state"), ==, "succeeded");
    g_assert_cmpint (json_object_get_int_member (first, "run"), ==,
                     yq_dbus_job_get_run_id (job_a));
  }
}

static void
test_busy_and_cancel (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(Client) client = client_new ();
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *second = NULL;
  gint64 cancelled_at;

  set_latency (f, 300);
  path = start_sync (f, "to-oa", FALSE, &error);
  g_assert_no_error (error);
  WAIT_FOR ((job = client_get_job (client, path)) != NULL);
  WAIT_FOR (g_strcmp0 (yq_dbus_job_get_state (job), "running") == 0);

  /* One job per connector at a time. */
  second = start_sync (f, "from-platform", TRUE, &error);
  g_assert_null (second);
  g_assert_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_BUSY);
  g_clear_error (&error);

  g_assert_true (yq_dbus_job_call_cancel_sync (job, NULL, &error));
  g_assert_no_error (error);
  cancelled_at = g_get_monotonic_time ();
  WAIT_FOR (job_finished (job));
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "cancelled");
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 5 * G_USEC_PER_SEC);
  /* A cancelled job keeps no comparison. */
  g_assert_cmpstr (yq_dbus_job_get_comparison (job), ==, "");

  /* A cancelled preview is not in the history either. */
  g_clear_object (&job);
  g_free (path);
  path = start_sync (f, "to-oa", TRUE, &error);
  g_assert_no_error (error);
  WAIT_FOR ((job = client_get_job (client, path)) != NULL);
  WAIT_FOR (g_strcmp0 (yq_dbus_job_get_state (job), "running") == 0);
  g_assert_true (yq_dbus_job_call_cancel_sync (job, NULL, &error));
  g_assert_no_error (error);
  WAIT_FOR (job_finished (job));
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "cancelled");
  g_assert_cmpint (yq_dbus_job_get_run_id (job), ==, 0);

  /* Free again. */
  set_latency (f, 0);
  g_free (second);
  second = start_sync (f, "from-platform", TRUE, &error);
  g_assert_no_error (error);

  /* Only the finished preview is in the history. */
  g_clear_object (&job);
  WAIT_FOR ((job = client_get_job (client, second)) != NULL);
  WAIT_FOR (job_finished (job));
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "succeeded");
  g_assert_cmpint (yq_dbus_job_get_run_id (job), >, 0);
  {
    g_autoptr(GPtrArray) runs = yq_sync_runs_list (f->sync.store, f->sync.connector_id, 0,
                                                   &error);

    g_assert_no_error (error);
    g_assert_cmpuint (runs->len, ==, 1);
    g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->id, ==,
                     yq_dbus_job_get_run_id (job));
    g_assert_true (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->dry_run);
  }
}

/* A preview job leaves its comparison in a file that loads and agrees with
 * the job's summary; the property is there when the final state is. */
static void
test_preview_comparison (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Client) client = client_new ();
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(YqComparison) comparison = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  JsonObject *counts;
  const YqPlanCounts *plan_counts;
  guint status_counts[YQ_N_COMPARISON_STATUSES][2];
  const char *file;
  guint n_files = 0;

  /* Older comparisons: only the newest 10 files stay. */
  dir = g_build_filename (f->sync.data_dir, "comparisons", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("job-%020u-%06u.gvariant", i, 0);
      g_autofree char *old = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (old, "old", -1, &error));
    }

  path = start_sync (f, "to-oa", TRUE, &error);
  g_assert_no_error (error);
  WAIT_FOR ((job = client_get_job (client, path)) != NULL);
  WAIT_FOR (job_finished (job));
  g_assert_cmpstr (yq_dbus_job_get_state (job), ==, "succeeded");
  g_assert_cmpstr (yq_dbus_job_get_kind (job), ==, "sync-preview");

  /* The preview is in the history, as a dry run without a journal. */
  {
    g_autoptr(YqSyncRunRecord) record = NULL;
    g_autoptr(GPtrArray) ops = NULL;

    g_assert_cmpint (yq_dbus_job_get_run_id (job), >, 0);
    record = yq_sync_runs_get (f->sync.store, yq_dbus_job_get_run_id (job), &error);
    g_assert_no_error (error);
    g_assert_true (record->dry_run);
    g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_PREVIEWED);
    g_assert_cmpint (record->direction, ==, YQ_SYNC_DIRECTION_TO_OA);
    g_assert_cmpuint (record->n_ops, >, 0);
    ops = yq_sync_runs_get_ops (f->sync.store, record->id, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ops->len, ==, 0);
    summary = json_from_string (yq_dbus_job_get_summary (job), &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (summary), "operations"),
                     ==, record->n_ops);
    /* Nothing was done: the summary does not speak of it. */
    g_assert_false (json_object_has_member (json_node_get_object (summary), "done"));
    g_clear_pointer (&summary, json_node_unref);
  }

  file = yq_dbus_job_get_comparison (job);
  g_assert_nonnull (file);
  g_assert_cmpstr (file, !=, "");
  g_assert_true (g_str_has_prefix (file, dir));
  {
    g_autoptr(GDir) handle = g_dir_open (dir, 0, &error);
    g_autofree char *oldest = g_build_filename (dir, "job-00000000000000000001-000000.gvariant",
                                                NULL);
    g_autofree char *kept = g_build_filename (dir, "job-00000000000000000003-000000.gvariant",
                                              NULL);

    g_assert_no_error (error);
    while (g_dir_read_name (handle) != NULL)
      n_files++;
    g_assert_cmpuint (n_files, ==, 10);
    g_assert_false (g_file_test (oldest, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  }
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  /* Set no later than the final state. */
  WAIT_FOR (client->final_comparison != NULL);
  g_assert_cmpstr (client->final_comparison, ==, file);

  comparison = yq_comparison_load (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (comparison);
  g_assert_cmpuint (yq_comparison_get_source_side (comparison), ==, YQ_COMPARISON_SIDE_PLATFORM);
  g_assert_cmpuint (yq_comparison_get_target_side (comparison), ==, YQ_COMPARISON_SIDE_OA);
  g_assert_cmpuint (yq_comparison_get_n_nodes (comparison), >, 0);

  summary = json_from_string (yq_dbus_job_get_summary (job), &error);
  g_assert_no_error (error);
  counts = json_object_get_object_member (json_node_get_object (summary), "counts");
  g_assert_nonnull (counts);
  plan_counts = yq_comparison_get_plan_counts (comparison);
  for (guint kind = 0; kind < YQ_N_PLAN_OP_KINDS; kind++)
    g_assert_cmpint (json_object_get_int_member (counts, yq_plan_op_kind_to_string (kind)), ==,
                     plan_counts->ops[kind]);
  g_assert_cmpint (json_object_get_int_member (counts, "unchanged-people"), ==,
                   plan_counts->unchanged_people);
  g_assert_cmpint (json_object_get_int_member (counts, "source-people"), ==,
                   plan_counts->source_people);
  g_assert_cmpint (json_object_get_int_member (counts, "target-people"), ==,
                   plan_counts->target_people);

  /* The nodes agree with the operations. */
  yq_comparison_get_counts (comparison, status_counts);
  g_assert_cmpint (json_object_get_int_member (counts, "create-person"), ==,
                   status_counts[YQ_COMPARISON_NEW][1]);
  g_assert_cmpint (json_object_get_int_member (counts, "create-department"), ==,
                   status_counts[YQ_COMPARISON_NEW][0]);
  g_assert_cmpint (json_object_get_int_member (counts, "link-person"), ==,
                   status_counts[YQ_COMPARISON_MATCHED][1]);
  g_assert_cmpint (json_object_get_int_member (counts, "link-department"), ==,
                   status_counts[YQ_COMPARISON_MATCHED][0]);
  g_assert_cmpint (json_object_get_int_member (counts, "remove-person"), ==,
                   status_counts[YQ_COMPARISON_REMOVED][1]);
  g_assert_cmpint (json_object_get_int_member (counts, "create-person") +
                   json_object_get_int_member (counts, "link-person"), >, 0);
}

static guint
count_scheduled_jobs (Fixture *f,
                      Client  *client)
{
  g_auto(GStrv) paths = list_jobs (f);
  guint n = 0;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(YqDBusJob) job = NULL;

      WAIT_FOR ((job = client_get_job (client, paths[i])) != NULL);
      if (yq_dbus_job_get_scheduled (job))
        n++;
    }

  return n;
}

static void
wait_all_finished (Fixture *f,
                   Client  *client)
{
  g_auto(GStrv) paths = list_jobs (f);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(YqDBusJob) job = NULL;

      WAIT_FOR ((job = client_get_job (client, paths[i])) != NULL);
      WAIT_FOR (job_finished (job));
    }
}

static gint64
next_run_in_status (Fixture *f)
{
  g_autoptr(GVariant) status = NULL;
  g_autoptr(GVariant) schedules = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = -1;

  g_assert_true (yq_dbus_service_call_get_status_sync (f->service, &status, NULL, &error));
  g_assert_no_error (error);
  schedules = g_variant_lookup_value (status, "schedules", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (schedules);
  g_assert_cmpuint (g_variant_n_children (schedules), ==, 1);
  {
    g_autoptr(GVariant) entry = g_variant_get_child_value (schedules, 0);

    g_assert_true (g_variant_lookup (entry, "next-run", "x", &next));
  }

  return next;
}

static void
test_schedule (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(YqSchedule) schedule = yq_schedule_new ();
  g_autoptr(Client) client = client_new ();
  g_autoptr(GError) error = NULL;
  gint64 t0 = 1800000000;

  schedule->connector_id = f->sync.connector_id;
  schedule->direction = YQ_SYNC_DIRECTION_FROM_PLATFORM;
  schedule->start_at = t0 + 3600;
  schedule->unit = YQ_SCHEDULE_HOURS;
  schedule->every = 1;
  schedule->enabled = TRUE;
  g_assert_true (yq_schedules_set (f->sync.store, schedule, &error));
  g_assert_no_error (error);

  /* Not yet. */
  check_schedules (f);
  g_assert_cmpuint (count_scheduled_jobs (f, client), ==, 0);
  g_assert_cmpint (next_run_in_status (f), ==, t0 + 3600);

  /* At the slot: one run, and only one however often it is checked. */
  set_clock (f, t0 + 3600);
  check_schedules (f);
  check_schedules (f);
  g_assert_cmpuint (count_scheduled_jobs (f, client), ==, 1);
  wait_all_finished (f, client);
  check_schedules (f);
  g_assert_cmpuint (count_scheduled_jobs (f, client), ==, 1);
  g_assert_cmpint (next_run_in_status (f), ==, t0 + 7200);

  /* A manual run is going on at the next slot: the slot is skipped. */
  set_latency (f, 300);
  {
    g_autofree char *manual = start_sync (f, "to-oa", FALSE, &error);

    g_assert_no_error (error);
    set_clock (f, t0 + 7200);
    check_schedules (f);
    g_assert_cmpuint (count_scheduled_jobs (f, client), ==, 1);
    wait_all_finished (f, client);
  }
  set_latency (f, 0);

  /* Asleep for ten hours: the missed slots run once, not ten times. */
  set_clock (f, t0 + 17 * 3600 + 300);
  check_schedules (f);
  check_schedules (f);
  g_assert_cmpuint (count_scheduled_jobs (f, client), ==, 2);
  wait_all_finished (f, client);
  g_assert_cmpint (next_run_in_status (f), ==, t0 + 18 * 3600);
}

/* A stand-in for the desktop's notification server. */
typedef struct
{
  guint      owner_id;
  guint      object_id;
  GPtrArray *summaries;
  GPtrArray *bodies;
} Notifications;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='as' direction='in'/><arg type='a{sv}' direction='in'/>"
  "<arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/></method>"
  "</interface></node>";

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *path,
                         const char            *interface,
                         const char            *method,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  Notifications *n = user_data;

  if (g_str_equal (method, "Notify"))
    {
      const char *summary, *body;

      g_variant_get_child (parameters, 3, "&s", &summary);
      g_variant_get_child (parameters, 4, "&s", &body);
      g_ptr_array_add (n->summaries, g_strdup (summary));
      g_ptr_array_add (n->bodies, g_strdup (body));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n->summaries->len));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "GetServerInformation"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "test", "yunqiao", "1",
                                                            "1.2"));
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static void
test_failure_notification (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(YqSchedule) schedule = yq_schedule_new ();
  g_autoptr(Client) client = client_new ();
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  Notifications n = { 0 };
  gint64 t0 = 1800000000;

  n.summaries = g_ptr_array_new_with_free_func (g_free);
  n.bodies = g_ptr_array_new_with_free_func (g_free);
  n.object_id = g_dbus_connection_register_object (f->bus, "/org/freedesktop/Notifications",
                                                   info->interfaces[0], &vtable, &n, NULL,
                                                   &error);
  g_assert_no_error (error);
  n.owner_id = g_bus_own_name_on_connection (f->bus, "org.freedesktop.Notifications",
                                             G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);

  /* A wrong secret makes the scheduled run fail. */
  connector = yq_connectors_get (f->sync.store, f->sync.connector_id, &error);
  g_assert_true (yq_connectors_save (f->sync.store, f->sync.secrets, connector,
                                     "a-wrong-app-secret", "a-wrong-directory-secret", &error));
  g_assert_no_error (error);

  schedule->connector_id = f->sync.connector_id;
  schedule->direction = YQ_SYNC_DIRECTION_FROM_PLATFORM;
  schedule->start_at = t0;
  schedule->unit = YQ_SCHEDULE_DAYS;
  schedule->every = 1;
  schedule->enabled = TRUE;
  g_assert_true (yq_schedules_set (f->sync.store, schedule, &error));
  check_schedules (f);
  g_assert_cmpuint (count_scheduled_jobs (f, client), ==, 1);
  wait_all_finished (f, client);

  WAIT_FOR (n.summaries->len > 0);
  g_assert_nonnull (strstr (g_ptr_array_index (n.summaries, 0), "云之家"));
  g_assert_cmpstr (g_ptr_array_index (n.bodies, 0), !=, "");
  g_assert_null (strstr (g_ptr_array_index (n.bodies, 0), "a-wrong-app-secret"));
  g_assert_null (strstr (g_ptr_array_index (n.bodies, 0), "a-wrong-directory-secret"));

  g_bus_unown_name (n.owner_id);
  g_dbus_connection_unregister_object (f->bus, n.object_id);
  g_ptr_array_unref (n.summaries);
  g_ptr_array_unref (n.bodies);
}

static void
test_resume_after_kill (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) oa = NULL;
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint32 pid;
  guint before;
  char *parent;

  /* Linked first, then five nested OA departments to create. */
  {
    g_autofree char *first = start_sync (f, "to-oa", FALSE, &error);
    g_autoptr(Client) watcher = client_new ();

    g_assert_no_error (error);
    wait_all_finished (f, watcher);
  }
  oa = yq_sync_fixture_oa (&f->sync);
  parent = g_strdup (yq_org_snapshot_get_root_id (oa));
  for (guint i = 0; i < 5; i++)
    {
      YqOrgDepartment dept = { 0 };
      g_autofree char *name = g_strdup_printf ("服务新部门%u", i);

      dept.parent_id = parent;
      dept.name = name;
      dept.active = TRUE;
      parent = yq_oa_directory_add_department (f->sync.oa, &dept, &error);
      g_assert_no_error (error);
      g_free (dept.parent_id);
    }
  g_free (parent);
  before = yq_sync_fixture_count_writes (&f->sync, "dept/add");

  /* The service dies after its second creation reached the platform. */
  yq_test_ensure_service_stopped (f->bus);
  yq_test_set_activation_var (f->bus, "YUNQIAO_TEST_ABORT_AFTER_OPS", "2");
  path = start_sync (f, "to-platform", FALSE, &error);
  g_assert_no_error (error);
  WAIT_FOR (!yq_test_name_has_owner (f->bus, SERVICE_BUS_NAME));
  g_assert_cmpuint (yq_sync_fixture_count_writes (&f->sync, "dept/add"), ==, before + 2);

  /* Started again, it takes the cut-off run over by itself. A new proxy:
   * the old one may not have heard yet that its service is gone. */
  yq_test_set_activation_var (f->bus, "YUNQIAO_TEST_ABORT_AFTER_OPS", "");
  g_clear_object (&f->service);
  f->service = yq_dbus_service_proxy_new_sync (f->bus, G_DBUS_PROXY_FLAGS_NONE, SERVICE_BUS_NAME,
                                               SERVICE_MAIN_PATH, NULL, &error);
  g_assert_no_error (error);
  client = client_new ();
  pid = yq_test_name_owner_pid (f->bus, SERVICE_BUS_NAME);
  g_assert_cmpuint (pid, >, 0);
  wait_all_finished (f, client);
  {
    g_auto(GStrv) paths = list_jobs (f);
    g_autoptr(YqDBusJob) resumed = NULL;

    g_assert_cmpuint (g_strv_length (paths), ==, 1);
    resumed = client_get_job (client, paths[0]);
    g_assert_cmpstr (yq_dbus_job_get_error (resumed), ==, "");
    g_assert_cmpstr (yq_dbus_job_get_state (resumed), ==, "succeeded");
    g_assert_cmpstr (yq_dbus_job_get_direction (resumed), ==, "to-platform");
  }
  g_assert_cmpuint (yq_sync_fixture_count_writes (&f->sync, "dept/add"), ==, before + 5);
  yq_sync_fixture_assert_equal (&f->sync);
  g_assert_cmpint (yq_sync_runs_find_unfinished (f->sync.store, f->sync.connector_id, NULL,
                                                 &error), ==, 0);
}

static void
test_sigterm_finishes_the_operation (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(Client) client = client_new ();
  g_autoptr(YqDBusJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autofree char *path = NULL;
  guint32 pid;
  gint64 run_id;

  set_latency (f, 30);
  path = start_sync (f, "to-oa", FALSE, &error);
  g_assert_no_error (error);
  WAIT_FOR ((job = client_get_job (client, path)) != NULL);
  /* Stop while it applies. */
  WAIT_FOR (yq_dbus_job_get_fraction (job) > 0.5 || job_finished (job));
  pid = yq_test_name_owner_pid (f->bus, SERVICE_BUS_NAME);
  kill ((pid_t) pid, SIGTERM);
  WAIT_FOR (!yq_test_name_has_owner (f->bus, SERVICE_BUS_NAME));

  /* Every journal row is finished: none was left running. */
  run_id = yq_dbus_job_get_run_id (job);
  if (run_id > 0)
    {
      running = yq_sync_runs_get_ops (f->sync.store, run_id, YQ_SYNC_OP_RUNNING, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (running->len, ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  yq_service_error_register ();

#define ADD(path, func) \
  g_test_add ("/service-jobs/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("two-clients", test_two_clients);
  ADD ("busy-and-cancel", test_busy_and_cancel);
  ADD ("preview-comparison", test_preview_comparison);
  ADD ("schedule", test_schedule);
  ADD ("failure-notification", test_failure_notification);
  ADD ("resume-after-kill", test_resume_after_kill);
  ADD ("sigterm", test_sigterm_finishes_the_operation);

#undef ADD

  return g_test_run ();
}
