/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Message push through yunqiao-service: 10,000 single-recipient messages
 * posted to POST /api/v1/messages, delivered as 云之家 public-account
 * messages to the simulator in this process (no injected latency, the
 * connector's request rate at its maximum, 10,000 per second). The OA
 * side posts like an HTTP client library would: 8 posts in flight, each
 * on a kept-alive connection of its own, with TCP_NODELAY.
 *
 *   push_intake_p50, push_intake_p99   intake round trip per message (ms)
 *   push_intake_rate                   messages accepted per second
 *   push_rate                          messages per second from the first
 *                                      intake to the last delivery
 *   push_wall                          that time (s)
 *
 * Targets: push_rate at least 1,000 per second, push_intake_p99 at most
 * 10 ms.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yq-http.h"
#include "yq-push-inbox.h"
#include "yq-sim-server-private.h"
#include "yq-test-login.h"

#define N_MESSAGES  10000
#define N_PEOPLE    50
#define IN_FLIGHT   8

typedef struct
{
  YqLoginFixture  fixture;
  /* IN_FLIGHT connections: each post in flight has its own, as each of
   * an OA's workers would */
  SoupSession    *session;
  char           *token;
  char           *url;
  GArray         *intake_ms;
  guint           started;
  guint           finished;
  guint           failures;
} Bench;

typedef struct
{
  Bench       *bench;
  SoupMessage *msg;
  gint64       started_usec;
} Post;

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
  qsort (values->data, values->len, sizeof (double), compare_doubles);
  return g_array_index (values, double, (guint) (p * (values->len - 1) + 0.5));
}

static void start_post (Bench *bench);

static void
post_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Post *post = user_data;
  Bench *bench = post->bench;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  double ms;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  ms = (g_get_monotonic_time () - post->started_usec) / 1000.0;
  if (body == NULL || soup_message_get_status (post->msg) != SOUP_STATUS_ACCEPTED)
    {
      bench->failures++;
      g_printerr ("intake failed: %s (HTTP %u)\n", error ? error->message : "",
                  soup_message_get_status (post->msg));
    }
  else
    g_array_append_val (bench->intake_ms, ms);

  bench->finished++;
  g_object_unref (post->msg);
  g_free (post);

  if (bench->started < N_MESSAGES)
    start_post (bench);
}

static void
start_post (Bench *bench)
{
  guint i = bench->started++;
  g_autofree char *json = NULL;
  g_autofree char *auth = g_strconcat ("Bearer ", bench->token, NULL);
  Post *post = g_new0 (Post, 1);
  GBytes *bytes;

  json = g_strdup_printf ("{\"idempotency_key\":\"bench-%u\",\"source\":\"bench\","
                          "\"kind\":\"notification\",\"title\":\"基准消息 %u\","
                          "\"content\":\"请查收\",\"recipients\":[\"bench%02u\"]}",
                          i, i, i % N_PEOPLE);
  post->bench = bench;
  post->msg = soup_message_new ("POST", bench->url);
  /* The idempotency key makes a resend harmless: keep the connection. */
  soup_message_add_flags (post->msg, SOUP_MESSAGE_IDEMPOTENT);
  /* As curl and most HTTP client libraries do. */
  yq_http_message_set_no_delay (post->msg);
  soup_message_headers_replace (soup_message_get_request_headers (post->msg), "Authorization",
                                auth);
  bytes = g_bytes_new (json, strlen (json));
  soup_message_set_request_body_from_bytes (post->msg, "application/json", bytes);
  g_bytes_unref (bytes);
  post->started_usec = g_get_monotonic_time ();
  soup_session_send_and_read_async (bench->session, post->msg, G_PRIORITY_DEFAULT, NULL,
                                    post_cb, post);
}

static guint
n_open (YqStore *store)
{
  guint counts[YQ_DELIVERY_N_STATES] = { 0, };
  g_autoptr(GError) error = NULL;

  if (!yq_push_deliveries_count (store, counts, &error))
    g_error ("%s", error->message);
  if (counts[YQ_DELIVERY_DEAD] > 0 || counts[YQ_DELIVERY_UNBOUND] > 0)
    g_error ("%u dead and %u unbound deliveries", counts[YQ_DELIVERY_DEAD],
             counts[YQ_DELIVERY_UNBOUND]);

  return counts[YQ_DELIVERY_PENDING] + counts[YQ_DELIVERY_SENDING] + counts[YQ_DELIVERY_RETRY];
}

typedef struct
{
  YqStore  *store;
  gboolean  open;
} OpenCheck;

static gboolean
check_open_cb (gpointer user_data)
{
  OpenCheck *check = user_data;

  check->open = n_open (check->store) > 0;
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { 0 };
  YqLoginFixture *f = &bench.fixture;
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(GError) error = NULL;
  YqPushTarget *target;
  gint64 started, intake_done, delivered;
  double wall, intake_wall;

  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);

  yq_login_fixture_setup (f);
  bench.intake_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.url = g_strconcat (f->service_url, "/api/v1/messages", NULL);

  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autofree char *account = g_strdup_printf ("bench%02u", i);

      yq_login_fixture_add_oa_account (f, account);
      yq_login_fixture_bind (f, YQ_LOGIN_YZJ, yq_login_fixture_person (f, YQ_LOGIN_YZJ, i),
                             account);
    }

  /* The connector's rate at its maximum: the bridge is what is measured. */
  {
    g_autoptr(YqConnector) connector = yq_connectors_get (f->store, f->yzj_connector, NULL);

    yq_connector_set_qps (connector, YQ_CONNECTOR_QPS_MAX);
    if (!yq_connectors_save (f->store, f->secrets, connector, NULL, NULL, &error))
      g_error ("%s", error->message);
  }

  rule->name = g_strdup ("bench");
  rule->source = g_strdup ("bench");
  rule->enabled = TRUE;
  target = yq_push_target_new ();
  target->connector_id = f->yzj_connector;
  target->app_id = f->yzj_app;
  target->kind = YQ_PUSH_KIND_NOTIFICATION;
  target->yzj_pub_id = g_strdup (f->config->yzj_pub_id);
  target->yzj_pub_key = g_strdup (f->config->yzj_pub_key);
  g_ptr_array_add (rule->targets, target);
  if (!yq_push_rules_save (f->store, f->secrets, rule, &error))
    g_error ("%s", error->message);
  bench.token = yq_push_tokens_create (f->store, "bench", NULL, &error);
  if (bench.token == NULL)
    g_error ("%s", error->message);
  /* The service picks up the new configuration as clients would make it. */
  yq_login_fixture_restart_service (f, FALSE);
  g_free (bench.url);
  bench.url = g_strconcat (f->service_url, "/api/v1/messages", NULL);

  bench.session = soup_session_new_with_options ("max-conns", IN_FLIGHT,
                                                 "max-conns-per-host", IN_FLIGHT, NULL);
  started = g_get_monotonic_time ();
  for (guint i = 0; i < IN_FLIGHT; i++)
    start_post (&bench);
  while (bench.finished < N_MESSAGES)
    g_main_context_iteration (NULL, TRUE);
  intake_done = g_get_monotonic_time ();

  /* The simulator answers from this main context meanwhile. Counting
   * reads every delivery: often enough for the figure, seldom enough not
   * to slow the service down. */
  {
    OpenCheck check = { f->store, TRUE };
    guint id = g_timeout_add (50, check_open_cb, &check);

    while (check.open)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (id);
  }
  delivered = g_get_monotonic_time ();

  wall = (delivered - started) / (double) G_USEC_PER_SEC;
  intake_wall = (intake_done - started) / (double) G_USEC_PER_SEC;
  printf ("BENCH push_intake_p50 %.2f ms\n", quantile (bench.intake_ms, 0.50));
  printf ("BENCH push_intake_p99 %.2f ms\n", quantile (bench.intake_ms, 0.99));
  printf ("BENCH push_intake_rate %.0f per_s\n", N_MESSAGES / intake_wall);
  printf ("BENCH push_wall %.2f s\n", wall);
  printf ("BENCH push_rate %.0f per_s\n", N_MESSAGES / wall);
  fflush (stdout);

  /* Every message arrived, once. */
  {
    JsonNode *node = yq_sim_server_list_records (f->sim, "yzj.message");
    guint n = json_array_get_length (json_node_get_array (node));

    json_node_unref (node);
    if (n != N_MESSAGES)
      g_error ("The simulator recorded %u messages, not %u", n, N_MESSAGES);
  }

  g_object_unref (bench.session);
  yq_login_fixture_teardown (f);
  g_array_unref (bench.intake_ms);
  g_free (bench.token);
  g_free (bench.url);

  return bench.failures > 0 ? 1 : 0;
}
