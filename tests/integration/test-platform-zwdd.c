/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The 政务钉钉 client (src/platforms/zwdd) against yunqiao-sim (src/sim) over
 * loopback HTTP. The simulator runs in this process on a port of its own; the
 * client is built the way the service builds it, from a connector.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-connector.h"
#include "yq-platforms.h"
#include "yq-sim-server-private.h"
#include "yq-sim-server.h"
#include "yq-sim-zwdd.h"

#define PEOPLE 900
#define SEED   20250301

typedef struct
{
  YqSimConfig *config;
  YqSimOrg    *org;
  YqSimServer *server;
  SoupSession *session;
  char        *base;
  YqPlatform  *platform;
} Fixture;

/* Waiting for async results ------------------------------------------------------ */

typedef struct
{
  GAsyncResult *result;
  gint64        finished_us;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->finished_us = g_get_monotonic_time ();
}

static GAsyncResult *
wait_for (Wait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return wait->result;
}

static void
wait_clear (Wait *wait)
{
  g_clear_object (&wait->result);
}

/* The admin API ----------------------------------------------------------------- */

static JsonNode *
admin_call (Fixture    *f,
            const char *method,
            const char *path,
            const char *body)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Wait wait = { 0 };

  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, wait_cb, &wait);
  bytes = soup_session_send_and_read_finish (f->session, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != 200)
    g_error ("%s %s: HTTP %u: %.*s", method, path, soup_message_get_status (msg),
             (int) g_bytes_get_size (bytes), (const char *) g_bytes_get_data (bytes, NULL));

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             (gssize) g_bytes_get_size (bytes), NULL));
  return json_parser_steal_root (parser);
}

static JsonArray *
admin_records (Fixture    *f,
               const char *kind,
               JsonNode  **holder)
{
  g_autofree char *path = g_strdup_printf ("/_sim/records?kind=%s", kind);

  *holder = admin_call (f, "GET", path, NULL);
  return json_object_get_array_member (json_node_get_object (*holder), "records");
}

static gint64
admin_counter (Fixture    *f,
               const char *name)
{
  g_autoptr(JsonNode) counters = admin_call (f, "GET", "/_sim/counters", NULL);

  return json_object_get_int_member (json_node_get_object (counters), name);
}

static void
admin_faults (Fixture    *f,
              const char *json)
{
  g_autoptr(JsonNode) answer = admin_call (f, "PUT", "/_sim/faults", json);
}

/* Fixture ------------------------------------------------------------------------ */

static YqPlatform *
new_client (Fixture    *f,
            const char *app_secret)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_autoptr(GError) error = NULL;
  YqPlatform *platform;

  yq_connector_set_api_base (connector, f->base);
  yq_connector_set_tenant_id (connector, f->config->zwdd_tenant_id);
  yq_connector_set_app_key (connector, f->config->zwdd_app_key);
  yq_connector_set_qps (connector, YQ_CONNECTOR_QPS_MAX);

  platform = yq_platform_new_for_connector (connector, app_secret, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (YQ_IS_ZWDD_CLIENT (platform));
  yq_zwdd_client_set_notification_interval (YQ_ZWDD_CLIENT (platform), 0);

  return platform;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->config = yq_sim_config_new_default ();
  f->org = yq_sim_org_generate (GPOINTER_TO_UINT (data) ? GPOINTER_TO_UINT (data) : PEOPLE, SEED);
  f->server = yq_sim_server_new (f->config, f->org);
  g_assert_true (yq_sim_server_start (f->server, &error));
  g_assert_no_error (error);
  f->session = soup_session_new ();
  f->base = yq_sim_server_get_base_url (f->server);
  f->platform = new_client (f, f->config->zwdd_app_secret);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->platform);
  g_clear_object (&f->session);
  yq_sim_server_stop (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->org);
  yq_sim_config_free (f->config);
  g_free (f->base);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gint64
endpoint_count (Fixture    *f,
                const char *path)
{
  g_autoptr(JsonNode) counters = admin_call (f, "GET", "/_sim/counters", NULL);
  JsonObject *endpoints = json_object_get_object_member (json_node_get_object (counters),
                                                         "endpoints");

  return json_object_get_int_member_with_default (endpoints, path, 0);
}

/* Directory ---------------------------------------------------------------------- */

typedef struct
{
  Fixture *f;
  guint    calls;
  guint    last_pages;
  guint    expire_every;
  guint    expired;
} Progress;

static void
progress_cb (const YqFetchStats *stats,
             gpointer            user_data)
{
  Progress *progress = user_data;

  progress->calls++;
  g_assert_cmpuint (stats->pages, >=, progress->last_pages);
  progress->last_pages = stats->pages;

  /* Revoke every token the platform issued, between two pages. */
  if (progress->expire_every > 0 && stats->pages % progress->expire_every == 0)
    {
      yq_sim_zwdd_expire_tokens (yq_sim_server_get_zwdd (progress->f->server));
      progress->expired++;
    }
}

/* Directory reads change nothing, so libsoup may resend them and keep their
 * connections: they must be marked idempotent. */
typedef struct
{
  guint requests;
  guint idempotent;
} Queued;

static void
request_queued_cb (SoupSession *session,
                   SoupMessage *msg,
                   gpointer     user_data)
{
  Queued *queued = user_data;

  queued->requests++;
  if (soup_message_query_flags (msg, SOUP_MESSAGE_IDEMPOTENT))
    queued->idempotent++;
}

static SoupSession *
client_session (Fixture *f)
{
  return yq_http_get_session (yq_zwdd_client_get_http (YQ_ZWDD_CLIENT (f->platform)));
}

static gulong
watch_requests (Fixture *f,
                Queued  *queued)
{
  return g_signal_connect (client_session (f), "request-queued", G_CALLBACK (request_queued_cb),
                           queued);
}

static YqOrgSnapshot *
fetch (Fixture       *f,
       Progress      *progress,
       YqFetchStats  *stats,
       GError       **error)
{
  Wait wait = { 0 };
  YqOrgSnapshot *snapshot;

  yq_platform_fetch_directory_async (f->platform, progress ? progress_cb : NULL, progress, NULL,
                                     NULL, wait_cb, &wait);
  snapshot = yq_platform_fetch_directory_finish (f->platform, wait_for (&wait), stats, error);
  wait_clear (&wait);

  return snapshot;
}

static guint
pages_of (guint n)
{
  return MAX (1, (n + 99) / 100);
}

/* The calls the crawl of docs/platforms/zwdd.md §4.11 needs at least:
 * scopesV2 once, one pageSubOrganizationCodes listing per organization (a
 * page per 100 children), listOrganizationsByCodes per 100 organizations,
 * one pageOrganizationEmployeePositions listing per organization (a page per
 * 100 members) and listEmployeeAccountIds per 100 people. */
static guint
minimum_calls (YqSimOrg      *org,
               YqOrgSnapshot *expected)
{
  guint n_departments = yq_org_snapshot_get_n_departments (expected);
  guint n_people = yq_org_snapshot_get_n_people (expected);
  guint calls = 1 + (n_departments + 99) / 100 + (n_people + 99) / 100;

  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (expected, i);
      YqSimDepartment *sim = yq_sim_org_find_zwdd_department (org, dept->id);

      g_assert_nonnull (sim);
      calls += pages_of (yq_sim_org_get_children (org, sim)->len);
      calls += pages_of (yq_sim_org_get_members (org, sim)->len);
    }

  return calls;
}

#define OR_NONE(s) ((s) != NULL ? (s) : "-")

static char *
describe_person (const YqOrgPerson *p)
{
  g_autofree char *departments = g_strjoinv (",", p->department_ids);

  return g_strdup_printf ("account %s/%s, name %s, mobile %s, email %s, job %s, title %s, "
                          "departments [%s], order %" G_GINT64_FORMAT ", active %d",
                          OR_NONE (p->account_id), OR_NONE (p->account_code), p->name,
                          OR_NONE (p->mobile), OR_NONE (p->email), OR_NONE (p->job_number),
                          OR_NONE (p->title), departments, p->order, p->active);
}

static void
assert_snapshot_equal (YqOrgSnapshot *expected,
                       YqOrgSnapshot *fetched)
{
  g_autofree char *difference = NULL;

  if (yq_org_snapshot_equal (expected, fetched, &difference))
    return;

  for (guint i = 0; i < yq_org_snapshot_get_n_people (expected); i++)
    {
      YqOrgPerson *want = yq_org_snapshot_get_person (expected, i);
      YqOrgPerson *got = yq_org_snapshot_lookup_person (fetched, want->id);

      if (got != NULL && !yq_org_person_equal (want, got))
        {
          g_autofree char *a = describe_person (want);
          g_autofree char *b = describe_person (got);

          g_test_message ("person %s\n  expected %s\n  fetched  %s", want->id, a, b);
          break;
        }
    }
  g_error ("the fetched directory differs from the simulator's: %s", difference);
}

static void
test_fetch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) served = NULL;
  Progress progress = { f };
  YqFetchStats stats = { 0 };
  guint n_multi = 0;
  guint n_inactive = 0;
  guint calls = minimum_calls (f->org, expected);
  Queued queued = { 0 };
  gulong watch;

  watch = watch_requests (f, &queued);
  snapshot = fetch (f, &progress, &stats, &error);
  g_signal_handler_disconnect (client_session (f), watch);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);
  g_assert_cmpuint (queued.requests, ==, stats.api_calls);
  g_assert_cmpuint (queued.idempotent, ==, queued.requests);

  /* The admin API serves the same expectation. */
  served = admin_call (f, "GET", "/_sim/snapshot?kind=zwdd", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (served), "root"), ==,
                   yq_org_snapshot_get_root_id (snapshot));

  /* The cases the mapping is about are there. */
  for (guint i = 0; i < yq_org_snapshot_get_n_people (snapshot); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);

      n_multi += person->department_ids[0] && person->department_ids[1];
      n_inactive += !person->active;
      g_assert_nonnull (person->account_id);
    }
  g_assert_cmpuint (n_multi, >, 0);
  g_assert_cmpuint (n_inactive, >, 0);
  g_assert_nonnull (yq_org_snapshot_lookup_department (snapshot,
                                                       yq_org_snapshot_get_root_id (snapshot)));
  g_assert_null (yq_org_snapshot_lookup_department (snapshot,
                                                    yq_org_snapshot_get_root_id (snapshot))
                 ->parent_id);

  g_assert_cmpuint (stats.departments, ==, yq_org_snapshot_get_n_departments (expected));
  g_assert_cmpuint (stats.people, ==, yq_org_snapshot_get_n_people (expected));
  g_assert_cmpuint (stats.pages, ==, calls);
  /* Directory calls carry no access token: nothing but the pages is sent. */
  g_assert_cmpuint (stats.api_calls, ==, calls);
  g_assert_cmpint (admin_counter (f, "total"), ==, calls);
  g_assert_cmpuint (progress.calls, ==, stats.pages);
  g_assert_cmpint (stats.wall_time_us, >, 0);
  g_test_message ("%u departments, %u people: %u calls in %.0f ms", stats.departments,
                  stats.people, stats.api_calls, stats.wall_time_us / 1000.0);
}

static void
test_fetch_narrow_scope (Fixture       *f,
                         gconstpointer  data)
{
  YqSimDepartment *root = yq_sim_org_get_root (f->org);
  GArray *children = yq_sim_org_get_children (f->org, root);
  YqSimDepartment *a = yq_sim_org_get_department (f->org, g_array_index (children, guint, 0));
  YqSimDepartment *b = yq_sim_org_get_department (f->org, g_array_index (children, guint, 1));
  g_autofree char *body = g_strdup_printf ("{\"departments\":[\"%s\",\"%s\"]}", a->zwdd_code,
                                           b->zwdd_code);
  g_autoptr(JsonNode) answer = admin_call (f, "POST", "/_sim/zwdd/scope", body);
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };

  snapshot = fetch (f, NULL, &stats, &error);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);
  g_assert_cmpuint (stats.pages, ==, minimum_calls (f->org, expected));

  /* Every reference stays inside the snapshot. */
  for (guint i = 0; i < yq_org_snapshot_get_n_departments (snapshot); i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (snapshot, i);

      if (dept->parent_id != NULL)
        g_assert_nonnull (yq_org_snapshot_lookup_department (snapshot, dept->parent_id));
      else
        g_assert_true (g_str_equal (dept->id, a->zwdd_code) ||
                       g_str_equal (dept->id, b->zwdd_code));
    }
  for (guint i = 0; i < yq_org_snapshot_get_n_people (snapshot); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);

      g_assert_nonnull (person->department_ids[0]);
      for (guint k = 0; person->department_ids[k]; k++)
        g_assert_nonnull (yq_org_snapshot_lookup_department (snapshot, person->department_ids[k]));
    }
}

static void
test_fetch_server_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };
  guint calls = minimum_calls (f->org, expected);
  gint64 injected;

  yq_platform_set_timeout (f->platform, 2000);
  admin_faults (f, "{\"error_rate\":0.05,\"seed\":11}");
  snapshot = fetch (f, NULL, &stats, &error);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);

  injected = admin_counter (f, "injected_errors");
  g_assert_cmpint (injected, >, 0);
  g_assert_cmpuint (stats.pages, ==, calls);
  /* Every failed attempt was retried once more. */
  g_assert_cmpuint (stats.api_calls, ==, calls + injected);
  g_assert_cmpint (admin_counter (f, "total"), ==, stats.api_calls);
}

static void
test_fetch_rate_limited (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };
  guint calls = minimum_calls (f->org, expected);
  gint64 throttled;

  /* The client is allowed more than the platform takes. */
  admin_faults (f, "{\"qps_limit\":40}");
  snapshot = fetch (f, NULL, &stats, &error);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);

  throttled = admin_counter (f, "throttled");
  g_assert_cmpint (throttled, >, 0);
  g_assert_cmpuint (stats.pages, ==, calls);
  g_assert_cmpuint (stats.api_calls, ==, calls + throttled);
  g_test_message ("%" G_GINT64_FORMAT " requests throttled, %u calls, %.0f ms", throttled,
                  stats.api_calls, stats.wall_time_us / 1000.0);
}

static void
test_fetch_tokens_expire (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) code = NULL;
  Progress progress = { f, .expire_every = 25 };
  YqFetchStats stats = { 0 };
  YqSimPerson *someone = yq_sim_org_get_person (f->org, 3);
  g_autofree char *body = g_strdup_printf ("{\"person\":\"%s\"}", someone->employee_code);
  Wait wait = { 0 };

  /* Hold a token first, so that there is one to lose. */
  code = admin_call (f, "POST", "/_sim/zwdd/auth-code", body);
  yq_platform_resolve_login_code_async (f->platform, YQ_LOGIN_CODE_APP,
                                        json_object_get_string_member (json_node_get_object (code),
                                                                       "authCode"),
                                        NULL, wait_cb, &wait);
  person = yq_platform_resolve_login_code_finish (f->platform, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_no_error (error);
  g_clear_pointer (&person, yq_org_person_free);
  g_clear_pointer (&code, json_node_unref);

  /* Short-lived tokens, and every token revoked again and again mid-crawl:
   * the crawl does not depend on them (§4: HMAC only). */
  admin_faults (f, "{\"token_ttl\":2}");
  snapshot = fetch (f, &progress, &stats, &error);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);
  g_assert_cmpuint (progress.expired, >, 1);
  g_assert_cmpuint (stats.api_calls, ==, minimum_calls (f->org, expected));

  /* A call that needs the token renews it once and succeeds. */
  code = admin_call (f, "POST", "/_sim/zwdd/auth-code", body);
  yq_platform_resolve_login_code_async (f->platform, YQ_LOGIN_CODE_APP,
                                        json_object_get_string_member (json_node_get_object (code),
                                                                       "authCode"),
                                        NULL, wait_cb, &wait);
  person = yq_platform_resolve_login_code_finish (f->platform, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_no_error (error);
  g_assert_cmpstr (person->id, ==, someone->employee_code);
  /* Two logins and one refusal, two tokens. */
  g_assert_cmpint (endpoint_count (f, "/rpc/oauth2/dingtalk_app_user.json"), ==, 3);
  g_assert_cmpint (endpoint_count (f, "/gettoken.json"), ==, 2);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_us;
  guint         pages;
} CancelAt;

static void
cancel_progress_cb (const YqFetchStats *stats,
                    gpointer            user_data)
{
  CancelAt *at = user_data;

  if (at->cancelled_us == 0 && stats->pages >= at->pages)
    {
      at->cancelled_us = g_get_monotonic_time ();
      g_cancellable_cancel (at->cancellable);
    }
}

static void
test_fetch_cancel (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  CancelAt at = { cancellable, 0, 20 };
  Wait wait = { 0 };
  gint64 latency_us;

  /* Slow answers, so that requests are in flight when the cancel comes. */
  admin_faults (f, "{\"latency_ms\":150}");
  yq_platform_fetch_directory_async (f->platform, cancel_progress_cb, &at, NULL, cancellable,
                                     wait_cb, &wait);
  snapshot = yq_platform_fetch_directory_finish (f->platform, wait_for (&wait), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (snapshot);
  g_assert_cmpint (at.cancelled_us, >, 0);

  latency_us = wait.finished_us - at.cancelled_us;
  g_test_message ("fetch finished %.1f ms after the cancel", latency_us / 1000.0);
  g_assert_cmpint (latency_us, <, 100 * 1000);
  wait_clear (&wait);

  /* Cancelling before the start is just as quick. */
  g_clear_error (&error);
  {
    g_autoptr(GCancellable) early = g_cancellable_new ();

    g_cancellable_cancel (early);
    at.cancelled_us = g_get_monotonic_time ();
    yq_platform_fetch_directory_async (f->platform, NULL, NULL, NULL, early, wait_cb, &wait);
    snapshot = yq_platform_fetch_directory_finish (f->platform, wait_for (&wait), NULL, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpint (wait.finished_us - at.cancelled_us, <, 100 * 1000);
    wait_clear (&wait);
  }
}

/* Credentials -------------------------------------------------------------------- */

static void
test_connection (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  Wait wait = { 0 };

  yq_platform_test_connection_async (f->platform, NULL, wait_cb, &wait);
  summary = yq_platform_test_connection_finish (f->platform, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (summary, yq_sim_org_get_root (f->org)->name));
}

static void
assert_bad_signature (Fixture      *f,
                      const GError *error,
                      const char   *wrong_secret)
{
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BAD_SIGNATURE);
  /* The likely causes, and no secret. */
  g_assert_nonnull (strstr (error->message, "AppKey"));
  g_assert_nonnull (strstr (error->message, "AppSecret"));
  g_assert_nonnull (strstr (error->message, "clock"));
  g_assert_null (strstr (error->message, wrong_secret));
  g_assert_null (strstr (error->message, f->config->zwdd_app_secret));
}

static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  const char *wrong = "yqsim-h5-app-secret-WRONG-0000";
  g_autoptr(YqPlatform) bad = new_client (f, wrong);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  Wait wait = { 0 };

  yq_platform_test_connection_async (bad, NULL, wait_cb, &wait);
  summary = yq_platform_test_connection_finish (bad, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_null (summary);
  assert_bad_signature (f, error, wrong);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The same, whatever HTTP status the gateway uses for its errors. */
  f->config->zwdd_gateway_status = 200;
  yq_sim_server_stop (f->server);
  g_clear_object (&f->server);
  f->server = yq_sim_server_new (f->config, f->org);
  {
    g_autoptr(GError) start_error = NULL;

    g_assert_true (yq_sim_server_start (f->server, &start_error));
    g_assert_no_error (start_error);
  }
  g_free (f->base);
  f->base = yq_sim_server_get_base_url (f->server);
  g_clear_object (&bad);
  bad = new_client (f, wrong);

  yq_platform_fetch_directory_async (bad, NULL, NULL, NULL, NULL, wait_cb, &wait);
  snapshot = yq_platform_fetch_directory_finish (bad, wait_for (&wait), NULL, &error);
  wait_clear (&wait);
  g_assert_null (snapshot);
  assert_bad_signature (f, error, wrong);
}

/* Login -------------------------------------------------------------------------- */

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  YqSimPerson *someone = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) code = NULL;
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(YqOrgPerson) again = NULL;
  g_autoptr(GError) error = NULL;
  const char *auth_code;
  Wait wait = { 0 };

  for (guint i = 17; someone == NULL; i++)
    if (yq_sim_org_get_person (f->org, i)->status == YQ_SIM_STATUS_NORMAL)
      someone = yq_sim_org_get_person (f->org, i);

  body = g_strdup_printf ("{\"person\":\"%s\"}", someone->account_id_str);
  code = admin_call (f, "POST", "/_sim/zwdd/auth-code", body);
  auth_code = json_object_get_string_member (json_node_get_object (code), "authCode");

  yq_platform_resolve_login_code_async (f->platform, YQ_LOGIN_CODE_APP, auth_code, NULL,
                                        wait_cb, &wait);
  person = yq_platform_resolve_login_code_finish (f->platform, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_no_error (error);
  g_assert_cmpstr (person->id, ==, someone->employee_code);
  g_assert_cmpstr (person->account_id, ==, someone->account_id_str);
  g_assert_cmpstr (person->account_code, ==, someone->account_code);
  g_assert_cmpstr (person->name, ==, someone->name);

  /* A code is good once. */
  yq_platform_resolve_login_code_async (f->platform, YQ_LOGIN_CODE_APP, auth_code, NULL,
                                        wait_cb, &wait);
  again = yq_platform_resolve_login_code_finish (f->platform, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_null (again);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS);
}

/* Messages and todos -------------------------------------------------------------- */

static YqSimPerson *
active_person (Fixture *f,
               guint    nth)
{
  for (guint i = 0; i < yq_sim_org_get_person_slots (f->org); i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (f->org, i);

      if (!person->deleted && person->status == YQ_SIM_STATUS_NORMAL && nth-- == 0)
        return person;
    }

  g_assert_not_reached ();
}

static YqMessageResult *
send_message (Fixture          *f,
              YqMessageRequest *request,
              GError          **error)
{
  Wait wait = { 0 };
  YqMessageResult *result;

  yq_platform_send_notification_async (f->platform, request, NULL, wait_cb, &wait);
  result = yq_platform_send_notification_finish (f->platform, wait_for (&wait), error);
  wait_clear (&wait);

  return result;
}

static JsonObject *
find_record (JsonArray  *records,
             const char *member,
             const char *value)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (record, member, NULL),
                     value) == 0)
        return record;
    }

  g_error ("no record with %s = %s", member, value);
}

static void
assert_receivers (JsonObject         *record,
                  const char * const *expected)
{
  JsonArray *ids = json_object_get_array_member (record, "receiverIds");

  g_assert_cmpuint (json_array_get_length (ids), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i]; i++)
    g_assert_cmpstr (json_array_get_string_element (ids, i), ==, expected[i]);
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  YqSimPerson *a = active_person (f, 0);
  YqSimPerson *b = active_person (f, 1);
  const char *recipients[] = { a->account_id_str, b->account_id_str, a->account_id_str, NULL };
  const char *expected_ids[] = { a->account_id_str, b->account_id_str, NULL };
  g_autoptr(YqMessageRequest) text = yq_message_request_new ("oa-msg-text", NULL, "会议改到三点",
                                                             recipients);
  g_autoptr(YqMessageRequest) link = yq_message_request_new ("oa-msg-link", "报销已批准",
                                                             "请查看报销单 R-17", recipients);
  g_autoptr(YqMessageRequest) markdown = yq_message_request_new ("oa-msg-md", "周报",
                                                                 NULL, recipients);
  g_autoptr(YqMessageRequest) card = yq_message_request_new ("oa-msg-card", "待办提醒", NULL,
                                                             recipients);
  g_autoptr(YqMessageResult) r1 = NULL;
  g_autoptr(YqMessageResult) r2 = NULL;
  g_autoptr(YqMessageResult) r3 = NULL;
  g_autoptr(YqMessageResult) r4 = NULL;
  g_autoptr(YqMessageResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *records;
  JsonObject *record, *body;

  link->url = g_strdup ("https://oa.example.com/expense?id=R-17");
  markdown->markdown = g_strdup ("## 本周\n- 完成 **3** 项");
  card->markdown = g_strdup ("**合同审批** 等你处理");
  card->url = g_strdup ("https://oa.example.com/todo?id=9");

  r1 = send_message (f, text, &error);
  g_assert_no_error (error);
  r2 = send_message (f, link, &error);
  g_assert_no_error (error);
  r3 = send_message (f, markdown, &error);
  g_assert_no_error (error);
  r4 = send_message (f, card, &error);
  g_assert_no_error (error);

  records = admin_records (f, "zwdd.notification", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 4);

  record = find_record (records, "bizMsgId", "oa-msg-text");
  g_assert_cmpstr (json_object_get_string_member (record, "msgId"), ==, r1->message_id);
  g_assert_cmpuint (r1->n_calls, ==, 1);
  g_assert_cmpuint (r1->failures->len, ==, 0);
  assert_receivers (record, expected_ids);
  g_assert_cmpstr (json_object_get_string_member (record, "msgtype"), ==, "text");
  body = json_object_get_object_member (json_object_get_object_member (record, "msg"), "text");
  g_assert_cmpstr (json_object_get_string_member (body, "content"), ==, "会议改到三点");

  record = find_record (records, "bizMsgId", "oa-msg-link");
  g_assert_cmpstr (json_object_get_string_member (record, "msgId"), ==, r2->message_id);
  assert_receivers (record, expected_ids);
  g_assert_cmpstr (json_object_get_string_member (record, "msgtype"), ==, "link");
  body = json_object_get_object_member (json_object_get_object_member (record, "msg"), "link");
  g_assert_cmpstr (json_object_get_string_member (body, "title"), ==, "报销已批准");
  g_assert_cmpstr (json_object_get_string_member (body, "text"), ==, "请查看报销单 R-17");
  g_assert_cmpstr (json_object_get_string_member (body, "messageUrl"), ==,
                   "https://oa.example.com/expense?id=R-17");

  record = find_record (records, "bizMsgId", "oa-msg-md");
  g_assert_cmpstr (json_object_get_string_member (record, "msgId"), ==, r3->message_id);
  assert_receivers (record, expected_ids);
  g_assert_cmpstr (json_object_get_string_member (record, "msgtype"), ==, "markdown");
  body = json_object_get_object_member (json_object_get_object_member (record, "msg"),
                                        "markdown");
  g_assert_cmpstr (json_object_get_string_member (body, "title"), ==, "周报");
  g_assert_cmpstr (json_object_get_string_member (body, "text"), ==, "## 本周\n- 完成 **3** 项");

  record = find_record (records, "bizMsgId", "oa-msg-card");
  g_assert_cmpstr (json_object_get_string_member (record, "msgId"), ==, r4->message_id);
  assert_receivers (record, expected_ids);
  g_assert_cmpstr (json_object_get_string_member (record, "msgtype"), ==, "action_card");
  body = json_object_get_object_member (json_object_get_object_member (record, "msg"),
                                        "action_card");
  g_assert_cmpstr (json_object_get_string_member (body, "title"), ==, "待办提醒");
  g_assert_cmpstr (json_object_get_string_member (body, "markdown"), ==, "**合同审批** 等你处理");
  g_assert_cmpstr (json_object_get_string_member (body, "single_url"), ==,
                   "https://oa.example.com/todo?id=9");

  /* A resend with the same key is not delivered twice. */
  again = send_message (f, text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->failures->len, ==, 0);
  g_clear_pointer (&holder, json_node_unref);
  records = admin_records (f, "zwdd.notification", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 4);
}

static YqTodoResult *
close_todo (Fixture    *f,
            gboolean    cancel,
            const char *task_id,
            const char *recipient,
            GError    **error)
{
  const char *recipients[] = { recipient, NULL };
  YqTodoResult *result;
  Wait wait = { 0 };

  if (cancel)
    {
      yq_platform_cancel_todo_async (f->platform, task_id, recipients, NULL, wait_cb, &wait);
      result = yq_platform_cancel_todo_finish (f->platform, wait_for (&wait), error);
    }
  else
    {
      yq_platform_finish_todo_async (f->platform, task_id, recipients, NULL, wait_cb, &wait);
      result = yq_platform_finish_todo_finish (f->platform, wait_for (&wait), error);
    }
  wait_clear (&wait);

  return result;
}

static YqTodoResult *
create_todo (Fixture       *f,
             YqTodoRequest *request,
             GError       **error)
{
  Wait wait = { 0 };
  YqTodoResult *result;

  yq_platform_create_todo_async (f->platform, request, NULL, wait_cb, &wait);
  result = yq_platform_create_todo_finish (f->platform, wait_for (&wait), error);
  wait_clear (&wait);

  return result;
}

static void
test_todos (Fixture       *f,
            gconstpointer  data)
{
  YqSimPerson *creator = active_person (f, 0);
  YqSimPerson *a = active_person (f, 1);
  YqSimPerson *b = active_person (f, 2);
  const char *assignees[] = { a->account_id_str, b->account_id_str, NULL };
  g_autoptr(YqTodoRequest) request = yq_todo_request_new ("oa-work-42", "请审批：采购申请",
                                                          "https://oa.example.com/work/42",
                                                          assignees);
  g_autoptr(YqTodoResult) created = NULL;
  g_autoptr(YqTodoResult) retried = NULL;
  g_autoptr(YqTodoResult) finished = NULL;
  g_autoptr(YqTodoResult) cancelled = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *records, *history;
  JsonObject *record, *params;
  YqTodoItem *item_a, *item_b;

  request->creator = g_strdup (creator->account_id_str);
  request->mobile_url = g_strdup ("https://oa.example.com/m/work?id=42");
  request->content = g_strdup ("金额 1200 元");

  created = create_todo (f, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_todo_result_get_n_failed (created), ==, 0);
  item_a = yq_todo_result_lookup (created, a->account_id_str);
  item_b = yq_todo_result_lookup (created, b->account_id_str);
  g_assert_nonnull (item_a->task_id);
  g_assert_nonnull (item_b->task_id);
  g_assert_cmpstr (item_a->task_id, !=, item_b->task_id);

  records = admin_records (f, "zwdd.todo", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  record = find_record (records, "taskUuid", item_a->task_id);
  g_assert_cmpstr (json_object_get_string_member (record, "assigneeId"), ==, a->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (record, "creatorId"), ==,
                   creator->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (record, "subject"), ==, "请审批：采购申请");
  g_assert_cmpstr (json_object_get_string_member (record, "url"), ==,
                   "https://oa.example.com/work/42?");
  g_assert_cmpstr (json_object_get_string_member (record, "mobileUrl"), ==,
                   "https://oa.example.com/m/work?id=42");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (record, "bizTaskId"),
                                   "oa-work-42"));
  history = json_object_get_array_member (record, "history");
  params = json_object_get_object_member (json_array_get_object_element (history, 0), "params");
  g_assert_cmpstr (json_object_get_string_member (params, "remarks"), ==, "金额 1200 元");
  record = find_record (records, "taskUuid", item_b->task_id);
  g_assert_cmpstr (json_object_get_string_member (record, "assigneeId"), ==, b->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (record, "bizTaskId"), !=,
                   json_object_get_string_member (find_record (records, "taskUuid",
                                                               item_a->task_id),
                                                  "bizTaskId"));

  /* A retry creates nothing new and finds the same tasks. */
  retried = create_todo (f, request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_todo_result_lookup (retried, a->account_id_str)->task_id, ==,
                   item_a->task_id);
  g_assert_cmpstr (yq_todo_result_lookup (retried, b->account_id_str)->task_id, ==,
                   item_b->task_id);
  g_clear_pointer (&holder, json_node_unref);
  records = admin_records (f, "zwdd.todo", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);

  finished = close_todo (f, FALSE, item_a->task_id, a->account_id_str, &error);
  g_assert_no_error (error);
  cancelled = close_todo (f, TRUE, item_b->task_id, b->account_id_str, &error);
  g_assert_no_error (error);

  g_clear_pointer (&holder, json_node_unref);
  records = admin_records (f, "zwdd.todo", &holder);
  record = find_record (records, "taskUuid", item_a->task_id);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "finished");
  history = json_object_get_array_member (record, "history");
  params = json_object_get_object_member (json_array_get_object_element (history, 1), "params");
  g_assert_cmpstr (json_object_get_string_member (params, "userId"), ==, a->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (params, "taskUuid"), ==, item_a->task_id);
  record = find_record (records, "taskUuid", item_b->task_id);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "cancelled");
  history = json_object_get_array_member (record, "history");
  params = json_object_get_object_member (json_array_get_object_element (history, 1), "params");
  g_assert_cmpstr (json_object_get_string_member (params, "cancelPakcage"), ==, "true");
  g_assert_cmpstr (json_object_get_string_member (params, "userId"), ==, b->account_id_str);

  /* Finishing a cancelled task is refused. */
  g_clear_pointer (&finished, yq_todo_result_free);
  finished = close_todo (f, FALSE, item_b->task_id, b->account_id_str, &error);
  g_assert_null (finished);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, people) \
  g_test_add ("/platform/zwdd/" path, Fixture, GUINT_TO_POINTER (people), fixture_setup, func, \
              fixture_teardown)

  ADD ("fetch", test_fetch, 0);
  ADD ("fetch-narrow-scope", test_fetch_narrow_scope, 0);
  ADD ("fetch-server-errors", test_fetch_server_errors, 0);
  ADD ("fetch-rate-limited", test_fetch_rate_limited, 0);
  ADD ("fetch-tokens-expire", test_fetch_tokens_expire, 0);
  ADD ("fetch-cancel", test_fetch_cancel, 2000);
  ADD ("connection", test_connection, 200);
  ADD ("wrong-secret", test_wrong_secret, 200);
  ADD ("login", test_login, 200);
  ADD ("notifications", test_notifications, 200);
  ADD ("todos", test_todos, 200);

#undef ADD

  return g_test_run ();
}
