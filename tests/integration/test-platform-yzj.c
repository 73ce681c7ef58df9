/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The 云之家 client (src/platforms/yzj) against yunqiao-sim (src/sim) over
 * loopback HTTP. The simulator runs in this process on a port of its own; the
 * client is built the way the service builds it, from a connector.
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-connector.h"
#include "yq-platforms.h"
#include "yq-sim-server-private.h"
#include "yq-sim-server.h"
#include "yq-sim-yzj.h"

#define PEOPLE 2000
#define SEED   20250302

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
            const char *app_secret,
            const char *directory_secret)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(GError) error = NULL;
  YqPlatform *platform;

  yq_connector_set_api_base (connector, f->base);
  yq_connector_set_tenant_id (connector, f->config->yzj_eid);
  yq_connector_set_app_key (connector, f->config->yzj_app_id);
  yq_connector_set_qps (connector, YQ_CONNECTOR_QPS_MAX);

  platform = yq_platform_new_for_connector (connector, app_secret, directory_secret, &error);
  g_assert_no_error (error);
  g_assert_true (YQ_IS_YZJ_CLIENT (platform));
  yq_yzj_client_set_public_account (YQ_YZJ_CLIENT (platform), f->config->yzj_pub_id,
                                    f->config->yzj_pub_key);

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
  f->platform = new_client (f, f->config->yzj_app_secret, f->config->yzj_dir_secret);
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
  gboolean expire;
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
  if (progress->expire)
    {
      yq_sim_yzj_expire_tokens (yq_sim_server_get_yzj (progress->f->server));
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
  return yq_http_get_session (yq_yzj_client_get_http (YQ_YZJ_CLIENT (f->platform)));
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

/* dept/getall once, and person/getall until a page is shorter than 1000
 * (§4.3): a full last page needs one more, empty, page. */
static guint
minimum_pages (YqOrgSnapshot *expected)
{
  return 1 + yq_org_snapshot_get_n_people (expected) / 1000 + 1;
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

static YqOrgSnapshot *
expected_snapshot (Fixture *f)
{
  return yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_YZJ);
}

static void
test_fetch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = expected_snapshot (f);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) served = NULL;
  Progress progress = { f };
  YqFetchStats stats = { 0 };
  guint pages = minimum_pages (expected);
  guint n_cancelled = 0;
  guint n_disabled = 0;
  YqOrgDepartment *root;
  Queued queued = { 0 };
  gulong watch;

  watch = watch_requests (f, &queued);
  snapshot = fetch (f, &progress, &stats, &error);
  g_signal_handler_disconnect (client_session (f), watch);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);
  g_assert_cmpuint (queued.requests, ==, stats.api_calls);
  g_assert_cmpuint (queued.idempotent, ==, queued.requests);

  served = admin_call (f, "GET", "/_sim/snapshot?kind=yzj", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (served), "root"), ==,
                   yq_org_snapshot_get_root_id (snapshot));
  root = yq_org_snapshot_lookup_department (snapshot, yq_org_snapshot_get_root_id (snapshot));
  g_assert_nonnull (root);
  g_assert_null (root->parent_id);
  g_assert_cmpstr (root->name, ==, yq_sim_org_get_root (f->org)->name);

  /* person/getall lists every status; only status 1 is active. */
  for (guint i = 0; i < yq_sim_org_get_person_slots (f->org); i++)
    {
      YqSimPerson *sim = yq_sim_org_get_person (f->org, i);
      YqOrgPerson *person = yq_org_snapshot_lookup_person (snapshot, sim->open_id);

      g_assert_nonnull (person);
      g_assert_cmpint (person->active, ==, sim->status == YQ_SIM_STATUS_NORMAL);
      g_assert_null (person->account_code);
      n_cancelled += sim->status == YQ_SIM_STATUS_CANCELLED;
      n_disabled += sim->status == YQ_SIM_STATUS_DISABLED;
    }
  g_assert_cmpuint (n_cancelled, >, 0);
  g_assert_cmpuint (n_disabled, >, 0);

  g_assert_cmpuint (stats.departments, ==, yq_org_snapshot_get_n_departments (expected));
  g_assert_cmpuint (stats.people, ==, yq_org_snapshot_get_n_people (expected));
  g_assert_cmpuint (stats.pages, ==, pages);
  /* The pages and one directory token. */
  g_assert_cmpuint (stats.api_calls, ==, pages + 1);
  g_assert_cmpint (admin_counter (f, "total"), ==, stats.api_calls);
  g_assert_cmpint (endpoint_count (f, "/gateway/openimport/open/person/getall"), ==, pages - 1);
  g_assert_cmpuint (progress.calls, ==, stats.pages);
  g_test_message ("%u departments, %u people: %u calls in %.0f ms", stats.departments,
                  stats.people, stats.api_calls, stats.wall_time_us / 1000.0);

  /* A second fetch reuses the token. */
  {
    g_autoptr(YqOrgSnapshot) again = fetch (f, NULL, &stats, &error);

    g_assert_no_error (error);
    assert_snapshot_equal (expected, again);
    g_assert_cmpuint (stats.api_calls, ==, pages);
  }
}

static void
test_fetch_server_errors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = expected_snapshot (f);
  gint64 injected = 0;
  guint runs = 0;
  guint total_calls = 0;
  guint total_pages = 0;

  yq_platform_set_timeout (f->platform, 2000);
  admin_faults (f, "{\"error_rate\":0.05,\"seed\":5}");

  /* A crawl is a handful of calls: repeat it until enough of them failed. */
  while (injected < 4)
    {
      g_autoptr(YqOrgSnapshot) snapshot = NULL;
      g_autoptr(GError) error = NULL;
      YqFetchStats stats = { 0 };

      g_assert_cmpuint (runs++, <, 60);
      snapshot = fetch (f, NULL, &stats, &error);
      g_assert_no_error (error);
      assert_snapshot_equal (expected, snapshot);
      g_assert_cmpuint (stats.pages, ==, minimum_pages (expected));
      total_calls += stats.api_calls;
      total_pages += stats.pages;
      injected = admin_counter (f, "injected_errors");
    }

  /* Every failed attempt was repeated once; one token in all. */
  g_assert_cmpuint (total_calls, ==, total_pages + 1 + injected);
  g_assert_cmpint (admin_counter (f, "total"), ==, total_calls);
  g_test_message ("%u crawls, %" G_GINT64_FORMAT " injected errors", runs, injected);
}

static void
test_fetch_rate_limited (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = expected_snapshot (f);
  gint64 throttled;
  guint total_calls = 0;
  guint total_pages = 0;

  admin_faults (f, "{\"qps_limit\":3}");
  for (guint run = 0; run < 3; run++)
    {
      g_autoptr(YqOrgSnapshot) snapshot = NULL;
      g_autoptr(GError) error = NULL;
      YqFetchStats stats = { 0 };

      snapshot = fetch (f, NULL, &stats, &error);
      g_assert_no_error (error);
      assert_snapshot_equal (expected, snapshot);
      total_calls += stats.api_calls;
      total_pages += stats.pages;
    }

  throttled = admin_counter (f, "throttled");
  g_assert_cmpint (throttled, >, 0);
  g_assert_cmpuint (total_calls, ==, total_pages + 1 + throttled);
  g_assert_cmpint (admin_counter (f, "total"), ==, total_calls);
  g_test_message ("%" G_GINT64_FORMAT " requests throttled", throttled);
}

static void
test_fetch_tokens_expire (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = expected_snapshot (f);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  Progress progress = { f, .expire = TRUE };
  YqFetchStats stats = { 0 };
  guint pages = minimum_pages (expected);
  gint64 tokens, refused;

  /* Short-lived tokens, and every token revoked after every page. */
  admin_faults (f, "{\"token_ttl\":2}");
  snapshot = fetch (f, &progress, &stats, &error);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);
  g_assert_cmpuint (stats.pages, ==, pages);

  /* Each page after a revocation was refused once, then sent with a new
   * token: the pages, a token and a refusal per revocation that a page
   * followed, and the first token. */
  tokens = endpoint_count (f, "/gateway/oauth2/token/getAccessToken");
  refused = stats.api_calls - pages - tokens;
  g_assert_cmpint (tokens, >=, 2);
  g_assert_cmpint (refused, ==, tokens - 1);
  g_assert_cmpint (admin_counter (f, "total"), ==, stats.api_calls);

  /* And revoked from outside, through the admin API, before a fetch. */
  answer = admin_call (f, "POST", "/_sim/tokens/expire", "{}");
  g_clear_object (&snapshot);
  snapshot = fetch (f, NULL, &stats, &error);
  g_assert_no_error (error);
  assert_snapshot_equal (expected, snapshot);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancelled_us;
} CancelAt;

static void
cancel_progress_cb (const YqFetchStats *stats,
                    gpointer            user_data)
{
  CancelAt *at = user_data;

  if (at->cancelled_us == 0)
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
  CancelAt at = { cancellable, 0 };
  Wait wait = { 0 };
  gint64 latency_us;

  /* Slow answers: the next page is in flight when the first one arrives. */
  admin_faults (f, "{\"latency_ms\":300}");
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

  /* A cancel while the token is being fetched. */
  g_clear_error (&error);
  {
    g_autoptr(GCancellable) early = g_cancellable_new ();
    g_autoptr(YqPlatform) fresh = new_client (f, f->config->yzj_app_secret,
                                              f->config->yzj_dir_secret);
    gint64 cancelled_us;

    yq_platform_fetch_directory_async (fresh, NULL, NULL, NULL, early, wait_cb, &wait);
    g_usleep (50 * 1000);
    cancelled_us = g_get_monotonic_time ();
    g_cancellable_cancel (early);
    snapshot = yq_platform_fetch_directory_finish (fresh, wait_for (&wait), NULL, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_test_message ("token fetch cancelled after %.1f ms",
                    (wait.finished_us - cancelled_us) / 1000.0);
    g_assert_cmpint (wait.finished_us - cancelled_us, <, 100 * 1000);
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
  /* Both secrets were proven. */
  g_assert_cmpint (endpoint_count (f, "/gateway/oauth2/token/getAccessToken"), ==, 2);
}

static void
assert_auth_error (Fixture      *f,
                   const GError *error,
                   const char   *wrong_secret)
{
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_AUTH);
  /* The likely causes, and no secret. */
  g_assert_nonnull (strstr (error->message, "secret"));
  g_assert_nonnull (strstr (error->message, "directory key"));
  g_assert_null (strstr (error->message, wrong_secret));
  g_assert_null (strstr (error->message, f->config->yzj_app_secret));
  g_assert_null (strstr (error->message, f->config->yzj_dir_secret));
}

static void
test_wrong_secret (Fixture       *f,
                   gconstpointer  data)
{
  const char *wrong_app = "yqsim-yzj-app-secret-WRONG-000";
  const char *wrong_dir = "yqsim-yzj-dir-rw-secret-WRONG0";
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  Wait wait = { 0 };

  {
    g_autoptr(YqPlatform) bad = new_client (f, wrong_app, f->config->yzj_dir_secret);

    yq_platform_test_connection_async (bad, NULL, wait_cb, &wait);
    summary = yq_platform_test_connection_finish (bad, wait_for (&wait), &error);
    wait_clear (&wait);
    g_assert_null (summary);
    assert_auth_error (f, error, wrong_app);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }

  {
    g_autoptr(YqPlatform) bad = new_client (f, f->config->yzj_app_secret, wrong_dir);

    yq_platform_fetch_directory_async (bad, NULL, NULL, NULL, NULL, wait_cb, &wait);
    snapshot = yq_platform_fetch_directory_finish (bad, wait_for (&wait), NULL, &error);
    wait_clear (&wait);
    g_assert_null (snapshot);
    assert_auth_error (f, error, wrong_dir);
  }
}

/* Login -------------------------------------------------------------------------- */

static YqOrgPerson *
resolve (Fixture         *f,
         YqLoginCodeKind  kind,
         const char      *code,
         GError         **error)
{
  Wait wait = { 0 };
  YqOrgPerson *person;

  yq_platform_resolve_login_code_async (f->platform, kind, code, NULL, wait_cb, &wait);
  person = yq_platform_resolve_login_code_finish (f->platform, wait_for (&wait), error);
  wait_clear (&wait);

  return person;
}

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

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  YqSimPerson *someone = active_person (f, 11);
  g_autofree char *body = g_strdup_printf ("{\"person\":\"%s\"}", someone->open_id);
  g_autoptr(JsonNode) ticket = admin_call (f, "POST", "/_sim/yzj/ticket", body);
  const char *code = json_object_get_string_member (json_node_get_object (ticket), "ticket");
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(YqOrgPerson) again = NULL;
  g_autoptr(YqOrgPerson) qr = NULL;
  g_autoptr(GError) error = NULL;

  person = resolve (f, YQ_LOGIN_CODE_APP, code, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->id, ==, someone->open_id);
  g_assert_cmpstr (person->account_id, ==, someone->open_id);
  g_assert_cmpstr (person->name, ==, someone->name);
  g_assert_cmpstr (person->job_number, ==, someone->job_number);

  /* A ticket is good once. */
  again = resolve (f, YQ_LOGIN_CODE_APP, code, &error);
  g_assert_null (again);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS);
  g_clear_error (&error);

  /* There is no documented QR-code login. */
  qr = resolve (f, YQ_LOGIN_CODE_QR, "anything", &error);
  g_assert_null (qr);
  g_assert_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* After the tokens are revoked, the next login renews the app token. */
  g_clear_pointer (&ticket, json_node_unref);
  g_clear_pointer (&person, yq_org_person_free);
  yq_sim_yzj_expire_tokens (yq_sim_server_get_yzj (f->server));
  ticket = admin_call (f, "POST", "/_sim/yzj/ticket", body);
  person = resolve (f, YQ_LOGIN_CODE_APP,
                    json_object_get_string_member (json_node_get_object (ticket), "ticket"),
                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->id, ==, someone->open_id);
  g_assert_cmpint (endpoint_count (f, "/gateway/oauth2/token/getAccessToken"), ==, 2);
}

/* Messages and todos -------------------------------------------------------------- */

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

static void
assert_recipients (JsonObject         *record,
                   const char * const *expected)
{
  JsonArray *to = json_object_get_array_member (record, "to");
  JsonObject *target;
  JsonArray *users;

  g_assert_cmpuint (json_array_get_length (to), ==, 1);
  target = json_array_get_object_element (to, 0);
  users = json_object_get_array_member (target, "user");
  g_assert_cmpuint (json_array_get_length (users), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i]; i++)
    g_assert_cmpstr (json_array_get_string_element (users, i), ==, expected[i]);
  g_assert_false (json_object_get_boolean_member (record, "all"));
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  YqSimPerson *a = active_person (f, 0);
  YqSimPerson *b = active_person (f, 1);
  const char *recipients[] = { a->open_id, b->open_id, b->open_id, NULL };
  const char *expected[] = { a->open_id, b->open_id, NULL };
  g_autoptr(YqMessageRequest) text = yq_message_request_new ("oa-msg-1", NULL, "下午三点开会",
                                                             recipients);
  g_autoptr(YqMessageRequest) link = yq_message_request_new ("oa-msg-2", "报销已批准",
                                                             "请查看报销单", recipients);
  g_autoptr(YqMessageResult) r1 = NULL;
  g_autoptr(YqMessageResult) r2 = NULL;
  g_autoptr(YqMessageResult) r3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *records;
  JsonObject *record, *msg;

  link->url = g_strdup ("https://oa.example.com/doc?id=使用说明&abc=123");

  r1 = send_message (f, text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r1->n_calls, ==, 1);
  g_assert_cmpuint (r1->failures->len, ==, 0);
  r2 = send_message (f, link, &error);
  g_assert_no_error (error);
  /* Sent again at once: a fresh nonce and time, so not a replay (5005). */
  r3 = send_message (f, text, &error);
  g_assert_no_error (error);

  records = admin_records (f, "yzj.message", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 3);

  record = find_record (records, "sourceMsgId", r1->message_id);
  g_assert_cmpstr (json_object_get_string_member (record, "endpoint"), ==, "/pubacc/pubsendV2");
  g_assert_cmpint (json_object_get_int_member (record, "type"), ==, 2);
  assert_recipients (record, expected);
  msg = json_object_get_object_member (record, "msg");
  g_assert_cmpstr (json_object_get_string_member (msg, "text"), ==, "下午三点开会");

  record = find_record (records, "sourceMsgId", r2->message_id);
  g_assert_cmpint (json_object_get_int_member (record, "type"), ==, 5);
  assert_recipients (record, expected);
  msg = json_object_get_object_member (record, "msg");
  g_assert_cmpstr (json_object_get_string_member (msg, "text"), ==, "报销已批准\n请查看报销单");
  /* Only the parameter values are URL-encoded (§6.1). */
  g_assert_cmpstr (json_object_get_string_member (msg, "url"), ==,
                   "https://oa.example.com/doc?id=%E4%BD%BF%E7%94%A8%E8%AF%B4%E6%98%8E&abc=123");
  g_assert_cmpstr (json_object_get_string_member (msg, "appid"), ==, f->config->yzj_app_id);
  g_assert_cmpint (json_object_get_int_member (msg, "todo"), ==, 0);

  record = find_record (records, "sourceMsgId", r3->message_id);
  g_assert_cmpstr (json_object_get_string_member (record, "nonce"), !=,
                   json_object_get_string_member (find_record (records, "sourceMsgId",
                                                               r1->message_id), "nonce"));
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

static JsonObject *
todo_record (JsonArray  *records,
             const char *open_id,
             const char *source_id)
{
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *record = json_array_get_object_element (records, i);

      if (g_strcmp0 (json_object_get_string_member (record, "openId"), open_id) == 0 &&
          g_strcmp0 (json_object_get_string_member (record, "sourceId"), source_id) == 0)
        return record;
    }

  g_error ("no todo for %s / %s", open_id, source_id);
}

static void
test_todos (Fixture       *f,
            gconstpointer  data)
{
  YqSimPerson *sender = active_person (f, 0);
  YqSimPerson *a = active_person (f, 1);
  YqSimPerson *b = active_person (f, 2);
  YqSimPerson *gone = NULL;
  const char *recipients[] = { a->open_id, b->open_id, NULL };
  g_autoptr(YqTodoRequest) request = yq_todo_request_new ("oa-work-42", "采购申请待审批",
                                                          "https://oa.example.com/work?id=42",
                                                          recipients);
  g_autoptr(YqTodoResult) created = NULL;
  g_autoptr(YqTodoResult) retried = NULL;
  g_autoptr(YqTodoResult) finished = NULL;
  g_autoptr(YqTodoResult) deleted = NULL;
  g_autoptr(YqTodoResult) partly = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) holder = NULL;
  JsonArray *records;
  JsonObject *record;

  request->creator = g_strdup (sender->open_id);
  request->content = g_strdup ("金额 1200 元");
  request->app_name = g_strdup ("云桥OA");
  request->icon_url = g_strdup ("https://oa.example.com/icon.png");

  created = create_todo (f, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (created->items->len, ==, 2);
  g_assert_cmpuint (yq_todo_result_get_n_failed (created), ==, 0);
  g_assert_cmpstr (yq_todo_result_lookup (created, a->open_id)->task_id, ==, "oa-work-42");

  records = admin_records (f, "yzj.todo", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  record = todo_record (records, a->open_id, "oa-work-42");
  g_assert_cmpstr (json_object_get_string_member (record, "appId"), ==, f->config->yzj_app_id);
  g_assert_cmpstr (json_object_get_string_member (record, "title"), ==, "云桥OA");
  g_assert_cmpstr (json_object_get_string_member (record, "itemtitle"), ==, "采购申请待审批");
  g_assert_cmpstr (json_object_get_string_member (record, "url"), ==,
                   "https://oa.example.com/work?id=42");
  g_assert_cmpstr (json_object_get_string_member (record, "content"), ==, "金额 1200 元");
  g_assert_cmpstr (json_object_get_string_member (record, "headImg"), ==,
                   "https://oa.example.com/icon.png");
  g_assert_true (json_object_get_boolean_member (record, "sync"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record,
                                                                                 "request"),
                                                  "senderId"), ==, sender->open_id);
  todo_record (records, b->open_id, "oa-work-42");

  /* The same work item again: silently ignored by the platform. */
  retried = create_todo (f, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_todo_result_get_n_failed (retried), ==, 0);
  g_clear_pointer (&holder, json_node_unref);
  records = admin_records (f, "yzj.todo", &holder);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);

  finished = close_todo (f, FALSE, "oa-work-42", a->open_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_todo_result_get_n_failed (finished), ==, 0);
  deleted = close_todo (f, TRUE, "oa-work-42", b->open_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_todo_result_get_n_failed (deleted), ==, 0);

  g_clear_pointer (&holder, json_node_unref);
  records = admin_records (f, "yzj.todo", &holder);
  record = todo_record (records, a->open_id, "oa-work-42");
  g_assert_true (json_object_get_boolean_member (record, "read"));
  g_assert_true (json_object_get_boolean_member (record, "deal"));
  g_assert_false (json_object_get_boolean_member (record, "deleted"));
  record = todo_record (records, b->open_id, "oa-work-42");
  g_assert_false (json_object_get_boolean_member (record, "deal"));
  g_assert_true (json_object_get_boolean_member (record, "deleted"));

  /* A recipient the platform does not know fails alone (501). */
  for (guint i = 0; gone == NULL; i++)
    if (yq_sim_org_get_person (f->org, i)->status != YQ_SIM_STATUS_NORMAL)
      gone = yq_sim_org_get_person (f->org, i);
  {
    const char *mixed[] = { a->open_id, gone->open_id, NULL };
    g_autoptr(YqTodoRequest) second = yq_todo_request_new ("oa-work-43", "第二件",
                                                           "https://oa.example.com/work?id=43",
                                                           mixed);

    second->icon_url = g_strdup ("https://oa.example.com/icon.png");
    partly = create_todo (f, second, &error);
    g_assert_no_error (error);
    g_assert_null (yq_todo_result_lookup (partly, a->open_id)->error_code);
    g_assert_cmpstr (yq_todo_result_lookup (partly, gone->open_id)->error_code, ==, "501");
  }
}

/* Directory writes --------------------------------------------------------------- */

typedef struct
{
  YqDirectoryOp op;
  const char   *id;
} Expect;

static GPtrArray *
apply (Fixture   *f,
       GPtrArray *changes)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *results;
  Wait wait = { 0 };

  yq_platform_apply_directory_changes_async (f->platform, changes, NULL, wait_cb, &wait);
  results = yq_platform_apply_directory_changes_finish (f->platform, wait_for (&wait), &error);
  wait_clear (&wait);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, changes->len);
  for (guint i = 0; i < results->len; i++)
    {
      YqDirectoryChangeResult *result = g_ptr_array_index (results, i);

      if (result->status != YQ_DIRECTORY_RESULT_OK)
        g_error ("change %u failed: %s %s", i, result->error_code, result->error_message);
    }

  return results;
}

static YqSimDepartment *
leaf_with_members (Fixture         *f,
                   YqSimDepartment *not_this)
{
  for (guint i = 1; i < yq_sim_org_get_department_slots (f->org); i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (f->org, i);

      if (!dept->deleted && dept != not_this && dept->depth >= 2 &&
          yq_sim_org_get_children (f->org, dept)->len == 0 &&
          yq_sim_org_get_members (f->org, dept)->len > 0)
        return dept;
    }

  g_assert_not_reached ();
}

static void
test_directory_writes (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(YqOrgSnapshot) after = NULL;
  g_autoptr(YqOrgSnapshot) expected = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                 yq_directory_change_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  YqSimDepartment *root = yq_sim_org_get_root (f->org);
  GArray *top = yq_sim_org_get_children (f->org, root);
  YqSimDepartment *renamed = yq_sim_org_get_department (f->org, g_array_index (top, guint, 0));
  YqSimDepartment *target = yq_sim_org_get_department (f->org, g_array_index (top, guint, 1));
  YqSimDepartment *moved = NULL;
  YqSimDepartment *doomed = leaf_with_members (f, NULL);
  YqSimPerson *updated = active_person (f, 5);
  YqSimPerson *relocated = active_person (f, 6);
  YqSimPerson *disabled = active_person (f, 7);
  YqSimPerson *removed = active_person (f, 8);
  g_autofree char *removed_id = g_strdup (removed->open_id);
  g_autofree char *new_dept_id = NULL;
  g_autofree char *new_person_id = NULL;
  YqOrgDepartment *dept;
  YqOrgPerson *person;

  /* A department to move under another top-level one: outside the target
   * and not holding the leaf to delete. */
  for (guint i = 1; moved == NULL && i < yq_sim_org_get_department_slots (f->org); i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (f->org, i);

      if (!dept->deleted && dept->depth >= 2 && dept != doomed &&
          !yq_sim_org_is_ancestor (f->org, dept, doomed) &&
          !yq_sim_org_is_ancestor (f->org, target, dept) &&
          yq_sim_org_find_child (f->org, target, dept->name) == NULL)
        moved = dept;
    }
  g_assert_nonnull (moved);

  /* Writes address parents by long name: learn them first. */
  before = fetch (f, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Departments: add, rename, move, reorder, delete. */
  {
    g_autoptr(YqOrgDepartment) add = yq_org_department_new ("", root->yzj_id, "云桥测试部");
    g_autoptr(YqOrgDepartment) rename = yq_org_department_new (renamed->yzj_id, NULL, "云桥改名测试处");
    g_autoptr(YqOrgDepartment) move = yq_org_department_new (moved->yzj_id, target->yzj_id,
                                                             moved->name);
    g_autoptr(YqOrgDepartment) reorder = yq_org_department_new (target->yzj_id, root->yzj_id,
                                                                target->name);
    g_autoptr(YqOrgDepartment) del = yq_org_department_new (doomed->yzj_id, NULL, doomed->name);

    add->order = 7;
    reorder->order = 99;
    g_ptr_array_add (changes, yq_directory_change_new_department (YQ_DIRECTORY_OP_ADD_DEPARTMENT,
                                                                  add));
    g_ptr_array_add (changes,
                     yq_directory_change_new_department (YQ_DIRECTORY_OP_RENAME_DEPARTMENT,
                                                         rename));
    g_ptr_array_add (changes, yq_directory_change_new_department (YQ_DIRECTORY_OP_MOVE_DEPARTMENT,
                                                                  move));
    g_ptr_array_add (changes,
                     yq_directory_change_new_department (YQ_DIRECTORY_OP_REORDER_DEPARTMENT,
                                                         reorder));
    g_ptr_array_add (changes,
                     yq_directory_change_new_department (YQ_DIRECTORY_OP_DELETE_DEPARTMENT, del));
  }
  results = apply (f, changes);
  new_dept_id = g_strdup (((YqDirectoryChangeResult *) g_ptr_array_index (results, 0))->id);
  g_assert_nonnull (new_dept_id);
  g_assert_nonnull (yq_sim_org_find_yzj_department (f->org, new_dept_id));
  g_ptr_array_set_size (changes, 0);
  g_clear_pointer (&results, g_ptr_array_unref);

  /* People: add (into the new department), update, move, disable, delete. */
  {
    g_autoptr(YqOrgPerson) add = yq_org_person_new ("", "司马新人");
    g_autoptr(YqOrgPerson) update = yq_org_person_new (updated->open_id, "欧阳改名");
    g_autoptr(YqOrgPerson) move = yq_org_person_new (relocated->open_id, relocated->name);
    g_autoptr(YqOrgPerson) disable = yq_org_person_new (disabled->open_id, disabled->name);
    g_autoptr(YqOrgPerson) del = yq_org_person_new (removed->open_id, removed->name);

    add->mobile = g_strdup ("13912345678");
    add->email = g_strdup ("newcomer@oa.example.com");
    add->job_number = g_strdup ("YQ-9001");
    add->title = g_strdup ("专员");
    g_strfreev (add->department_ids);
    add->department_ids = g_strdupv ((char *[]) { new_dept_id, NULL });
    update->title = g_strdup ("副处长");
    update->email = g_strdup ("renamed@oa.example.com");
    g_strfreev (move->department_ids);
    move->department_ids = g_strdupv ((char *[]) { target->yzj_id, NULL });

    g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_ADD_PERSON, add));
    g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_UPDATE_PERSON,
                                                              update));
    g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_MOVE_PERSON, move));
    g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_DISABLE_PERSON,
                                                              disable));
    g_ptr_array_add (changes, yq_directory_change_new_person (YQ_DIRECTORY_OP_DELETE_PERSON, del));
  }
  results = apply (f, changes);
  new_person_id = g_strdup (((YqDirectoryChangeResult *) g_ptr_array_index (results, 0))->id);
  g_assert_nonnull (new_person_id);

  /* The next fetch sees all of it, and matches the simulator. */
  after = fetch (f, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = expected_snapshot (f);
  assert_snapshot_equal (expected, after);

  dept = yq_org_snapshot_lookup_department (after, new_dept_id);
  g_assert_nonnull (dept);
  g_assert_cmpstr (dept->name, ==, "云桥测试部");
  g_assert_cmpstr (dept->parent_id, ==, root->yzj_id);
  g_assert_cmpint (dept->order, ==, 7);
  g_assert_cmpstr (yq_org_snapshot_lookup_department (after, renamed->yzj_id)->name, ==,
                   "云桥改名测试处");
  g_assert_cmpstr (yq_org_snapshot_lookup_department (after, moved->yzj_id)->parent_id, ==,
                   target->yzj_id);
  g_assert_cmpint (yq_org_snapshot_lookup_department (after, target->yzj_id)->order, ==, 99);
  g_assert_null (yq_org_snapshot_lookup_department (after, doomed->yzj_id));
  g_assert_nonnull (yq_org_snapshot_lookup_department (before, doomed->yzj_id));

  person = yq_org_snapshot_lookup_person (after, new_person_id);
  g_assert_nonnull (person);
  g_assert_cmpstr (person->name, ==, "司马新人");
  g_assert_cmpstr (person->mobile, ==, "13912345678");
  g_assert_cmpstr (person->email, ==, "newcomer@oa.example.com");
  g_assert_cmpstr (person->job_number, ==, "YQ-9001");
  g_assert_cmpstr (person->title, ==, "专员");
  g_assert_cmpstr (person->department_ids[0], ==, new_dept_id);
  g_assert_true (person->active);

  person = yq_org_snapshot_lookup_person (after, updated->open_id);
  g_assert_cmpstr (person->name, ==, "欧阳改名");
  g_assert_cmpstr (person->title, ==, "副处长");
  g_assert_cmpstr (person->email, ==, "renamed@oa.example.com");
  g_assert_cmpstr (person->mobile, ==, updated->mobile);

  person = yq_org_snapshot_lookup_person (after, relocated->open_id);
  g_assert_cmpstr (person->department_ids[0], ==, target->yzj_id);
  g_assert_false (yq_org_snapshot_lookup_person (after, disabled->open_id)->active);
  g_assert_null (yq_org_snapshot_lookup_person (after, removed_id));
  g_assert_cmpuint (yq_org_snapshot_get_n_people (after), ==,
                    yq_org_snapshot_get_n_people (before));

  /* The writes themselves were recorded by the platform. */
  {
    g_autoptr(JsonNode) holder = NULL;
    JsonArray *records = admin_records (f, "yzj.directory", &holder);

    g_assert_cmpuint (json_array_get_length (records), >=, 9);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, people) \
  g_test_add ("/platform/yzj/" path, Fixture, GUINT_TO_POINTER (people), fixture_setup, func, \
              fixture_teardown)

  ADD ("fetch", test_fetch, 0);
  ADD ("fetch-server-errors", test_fetch_server_errors, 0);
  ADD ("fetch-rate-limited", test_fetch_rate_limited, 0);
  ADD ("fetch-tokens-expire", test_fetch_tokens_expire, 0);
  ADD ("fetch-cancel", test_fetch_cancel, 0);
  ADD ("connection", test_connection, 300);
  ADD ("wrong-secret", test_wrong_secret, 300);
  ADD ("login", test_login, 300);
  ADD ("notifications", test_notifications, 300);
  ADD ("todos", test_todos, 300);
  ADD ("directory-writes", test_directory_writes, 600);

#undef ADD

  return g_test_run ();
}
