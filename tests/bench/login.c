/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Login-free entry of a bound person: GET /login/app/ID?code=… → 303 to the
 * OA target with a ticket, against yunqiao-service on loopback, with the
 * 政务钉钉 simulator (no injected latency) in this process.
 *
 *   login_p99, login_p50    the bridge's own time per entry (ms): the
 *                           client's round trip minus the platform call,
 *                           which the service reports in Server-Timing;
 *                           one request at a time
 *   login_total_p99         the client's round trip, platform included (ms)
 *   login_platform_p50      the platform call alone (ms)
 *   login_rate              entries per second with 16 in flight (the
 *                           connector's request rate set to its maximum)
 *   login_loaded_p99        the bridge's own time under that load (ms)
 *
 * Targets: login_p99 at most 20 ms, login_rate at least 500 per second.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yq-test-login.h"

#define N_PEOPLE        50
#define N_SEQUENTIAL    1000
#define N_CONCURRENT    4000
#define IN_FLIGHT       16

typedef struct
{
  YqLoginFixture  fixture;
  YqSimPerson    *people[N_PEOPLE];
  GArray         *bridge_ms;
  GArray         *total_ms;
  GArray         *platform_ms;
  guint           started;
  guint           finished;
  guint           total;
  guint           failures;
} Bench;

typedef struct
{
  Bench       *bench;
  SoupMessage *msg;
  gint64       started_usec;
} Entry;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
quantile (GArray *values,
          double  p)
{
  guint index;

  g_assert (values->len > 0);
  qsort (values->data, values->len, sizeof (double), compare_doubles);
  index = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, index);
}

/* The "platform;dur=X" of a Server-Timing header, in ms. */
static double
platform_duration (SoupMessage *msg)
{
  const char *timing = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "Server-Timing");
  const char *dur;

  if (timing == NULL || (dur = strstr (timing, "platform;dur=")) == NULL)
    g_error ("The service sent no Server-Timing platform duration");

  return g_ascii_strtod (dur + strlen ("platform;dur="), NULL);
}

static void start_entry (Bench *bench);

static void
entry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Entry *entry = user_data;
  Bench *bench = entry->bench;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *location;
  double total, platform;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  total = (g_get_monotonic_time () - entry->started_usec) / 1000.0;
  location = soup_message_headers_get_one (soup_message_get_response_headers (entry->msg),
                                           "Location");

  if (body == NULL || soup_message_get_status (entry->msg) != SOUP_STATUS_SEE_OTHER ||
      location == NULL || strstr (location, "ticket=") == NULL)
    {
      bench->failures++;
      g_printerr ("entry failed: %s (HTTP %u)\n", error ? error->message : "no ticket",
                  soup_message_get_status (entry->msg));
    }
  else
    {
      platform = platform_duration (entry->msg);
      g_array_append_val (bench->total_ms, total);
      g_array_append_val (bench->platform_ms, platform);
      total = MAX (total - platform, 0.0);
      g_array_append_val (bench->bridge_ms, total);
    }

  bench->finished++;
  g_object_unref (entry->msg);
  g_free (entry);

  if (bench->started < bench->total)
    start_entry (bench);
}

static void
start_entry (Bench *bench)
{
  YqLoginFixture *f = &bench->fixture;
  YqSimPerson *person = bench->people[bench->started % N_PEOPLE];
  g_autofree char *code = yq_login_fixture_auth_code (f, person);
  g_autofree char *url = g_strdup_printf ("%s/login/app/%" G_GINT64_FORMAT "?code=%s",
                                          f->service_url, f->zwdd_app, code);
  Entry *entry = g_new0 (Entry, 1);

  entry->bench = bench;
  entry->msg = soup_message_new ("GET", url);
  soup_message_add_flags (entry->msg, SOUP_MESSAGE_NO_REDIRECT);
  bench->started++;
  entry->started_usec = g_get_monotonic_time ();
  soup_session_send_and_read_async (f->session, entry->msg, G_PRIORITY_DEFAULT, NULL, entry_cb,
                                    entry);
}

/* Runs @n entries with @in_flight at a time; returns the wall time in s. */
static double
run (Bench *bench,
     guint  n,
     guint  in_flight)
{
  gint64 started;

  g_array_set_size (bench->bridge_ms, 0);
  g_array_set_size (bench->total_ms, 0);
  g_array_set_size (bench->platform_ms, 0);
  bench->started = bench->finished = 0;
  bench->total = n;

  started = g_get_monotonic_time ();
  for (guint i = 0; i < in_flight && i < n; i++)
    start_entry (bench);
  while (bench->finished < n)
    g_main_context_iteration (NULL, TRUE);

  return (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { 0 };
  YqLoginFixture *f = &bench.fixture;
  double wall, p99, rate;

  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);

  yq_login_fixture_setup (f);
  bench.bridge_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.total_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.platform_ms = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autofree char *account = g_strdup_printf ("bench%02u", i);

      bench.people[i] = yq_login_fixture_person (f, YQ_LOGIN_ZWDD, i);
      yq_login_fixture_add_oa_account (f, account);
      yq_login_fixture_bind (f, YQ_LOGIN_ZWDD, bench.people[i], account);
    }
  /* The connector's request rate is the administrator's to set; here it
   * is the highest allowed, so that the bridge is what is measured. The
   * service builds its platform client at the first entry. */
  {
    g_autoptr(YqConnector) connector = yq_connectors_get (f->store, f->zwdd_connector, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (connector);
    yq_connector_set_qps (connector, 1000);
    if (!yq_connectors_save (f->store, f->secrets, connector, NULL, NULL, &error))
      g_error ("%s", error->message);
  }

  /* Connections, tokens and caches warm. */
  run (&bench, 200, IN_FLIGHT);

  run (&bench, N_SEQUENTIAL, 1);
  p99 = quantile (bench.bridge_ms, 0.99);
  printf ("BENCH login_p50 %.2f ms\n", quantile (bench.bridge_ms, 0.50));
  printf ("BENCH login_p99 %.2f ms\n", p99);
  printf ("BENCH login_total_p99 %.2f ms\n", quantile (bench.total_ms, 0.99));
  printf ("BENCH login_platform_p50 %.2f ms\n", quantile (bench.platform_ms, 0.50));

  wall = run (&bench, N_CONCURRENT, IN_FLIGHT);
  rate = bench.bridge_ms->len / wall;
  printf ("BENCH login_rate %.0f per_s\n", rate);
  printf ("BENCH login_loaded_p99 %.2f ms\n", quantile (bench.bridge_ms, 0.99));
  fflush (stdout);

  yq_login_fixture_teardown (f);
  g_array_unref (bench.bridge_ms);
  g_array_unref (bench.total_ms);
  g_array_unref (bench.platform_ms);

  if (bench.failures > 0)
    {
      g_printerr ("%u entries failed\n", bench.failures);
      return 1;
    }
  if (p99 > 20.0 || rate < 500.0)
    g_printerr ("Below target: login_p99 %.2f ms (at most 20), login_rate %.0f/s "
                "(at least 500)\n", p99, rate);

  return 0;
}
