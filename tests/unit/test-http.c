/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "yq-http.h"
#include "yq-json.h"
#include "yq-platform-error.h"

/* ---- Pure parts ------------------------------------------------------------ */

static void
test_token_bucket_timing (void)
{
  YqTokenBucket bucket;
  gint64 now = 1000000;

  /* 4 per second, no burst: 250 ms between requests. */
  yq_token_bucket_init (&bucket, 4, 1, now);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, now), ==, 0);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, now), ==, 250000);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, now), ==, 500000);

  /* A cancelled reservation gives its slot back. */
  yq_token_bucket_refund (&bucket, now);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, now), ==, 500000);

  /* After the reservations are served and a second passes idle, the bucket
   * is full again but holds at most its capacity. */
  now += 3 * G_USEC_PER_SEC;
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, now), ==, 0);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, now), ==, 250000);

  /* Burst of 3: three at once, then 100 ms apart at 10 per second. */
  yq_token_bucket_init (&bucket, 10, 3, 0);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, 0), ==, 0);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, 0), ==, 0);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, 0), ==, 0);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, 0), ==, 100000);
  g_assert_cmpint (yq_token_bucket_reserve (&bucket, 50000), ==, 150000);

  /* Rate 0: unlimited. */
  yq_token_bucket_init (&bucket, 0, 1, 0);
  for (int i = 0; i < 100; i++)
    g_assert_cmpint (yq_token_bucket_reserve (&bucket, 0), ==, 0);
}

static void
test_backoff_bounds (void)
{
  const gint64 base = 250000;
  const gint64 cap = 8000000;
  GRand *rand = g_rand_new_with_seed (42);
  gint64 max_seen[12] = { 0 };

  for (guint retry = 0; retry < 12; retry++)
    {
      gint64 ceiling = MIN (cap, base << retry);

      g_assert_cmpint (yq_http_backoff_delay (retry, base, cap, 0), ==, 0);
      g_assert_cmpint (yq_http_backoff_delay (retry, base, cap, G_MAXUINT32), <=, ceiling);
      g_assert_cmpint (yq_http_backoff_delay (retry, base, cap, G_MAXUINT32), >=, ceiling - 1);

      for (int i = 0; i < 2000; i++)
        {
          gint64 d = yq_http_backoff_delay (retry, base, cap, g_rand_int (rand));

          g_assert_cmpint (d, >=, 0);
          g_assert_cmpint (d, <=, ceiling);
          max_seen[retry] = MAX (max_seen[retry], d);
        }
      /* Full jitter spreads over the whole range. */
      g_assert_cmpint (max_seen[retry], >, ceiling / 2);
    }

  g_assert_cmpint (yq_http_backoff_delay (100, base, cap, G_MAXUINT32), <=, cap);
  g_assert_cmpint (yq_http_backoff_delay (3, 0, cap, 12345), ==, 0);
  g_rand_free (rand);
}

static gint64 fake_now;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now;
}

static SoupMessage *
never_build (gpointer user_data, const char *token, GError **error)
{
  g_assert_not_reached ();
  return NULL;
}

static YqHttpVerdict
never_check (gpointer user_data, SoupMessage *msg, GBytes *body, JsonNode **result, GError **error)
{
  g_assert_not_reached ();
  return YQ_HTTP_VERDICT_FAIL;
}

static gboolean
never_extract (JsonNode *result, char **token, gint64 *expires_in, gpointer user_data)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
test_token_cache_expiry (void)
{
  g_autoptr(YqHttpRequest) fetch = yq_http_request_new ("/token", never_build, never_check,
                                                        NULL, NULL);
  g_autoptr(YqTokenSource) source = yq_token_source_new ("test", fetch, never_extract, NULL, NULL);

  g_assert_cmpint (yq_http_token_refresh_margin (7200), ==, 300);
  g_assert_cmpint (yq_http_token_refresh_margin (6400), ==, 300);
  g_assert_cmpint (yq_http_token_refresh_margin (60), ==, 12);
  g_assert_cmpint (yq_http_token_refresh_margin (0), ==, 0);

  fake_now = 0;
  yq_token_source_set_clock (source, fake_clock, NULL);
  g_assert_null (yq_token_source_peek (source));

  /* 7200 s: reused until 5 minutes before expiry, then renewed early. */
  yq_token_source_store (source, "t1", 7200);
  g_assert_cmpstr (yq_token_source_peek (source), ==, "t1");
  fake_now = (gint64) (7200 - 300 - 1) * G_USEC_PER_SEC;
  g_assert_cmpstr (yq_token_source_peek (source), ==, "t1");
  fake_now = (gint64) (7200 - 300) * G_USEC_PER_SEC;
  g_assert_null (yq_token_source_peek (source));

  /* A short lifetime keeps a proportional margin instead of expiring at once. */
  fake_now = 0;
  yq_token_source_store (source, "t2", 60);
  fake_now = 47 * G_USEC_PER_SEC;
  g_assert_cmpstr (yq_token_source_peek (source), ==, "t2");
  fake_now = 48 * G_USEC_PER_SEC;
  g_assert_null (yq_token_source_peek (source));

  /* No lifetime given: the default TTL (6400 s here) applies. */
  yq_token_source_set_default_ttl (source, 6400);
  fake_now = 0;
  yq_token_source_store (source, "t3", 0);
  fake_now = (gint64) 6099 * G_USEC_PER_SEC;
  g_assert_cmpstr (yq_token_source_peek (source), ==, "t3");
  fake_now = (gint64) 6100 * G_USEC_PER_SEC;
  g_assert_null (yq_token_source_peek (source));

  /* Invalidation drops only the refused token, not a newer one. */
  fake_now = 0;
  yq_token_source_store (source, "t4", 7200);
  yq_token_source_invalidate (source, "t3");
  g_assert_cmpstr (yq_token_source_peek (source), ==, "t4");
  yq_token_source_invalidate (source, "t4");
  g_assert_null (yq_token_source_peek (source));
}

static void
test_lenient_json (void)
{
  static const char text[] = "{\"a\":7200,\"b\":\"7200\",\"c\":\" 12 \",\"d\":\"x1\","
                             "\"e\":true,\"f\":\"true\",\"g\":\"FALSE\",\"h\":12345678901,"
                             "\"i\":3.0}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(JsonNode) root = yq_json_parse_bytes (bytes, NULL);
  JsonObject *obj;
  gint64 v = 0;
  gboolean b = FALSE;
  g_autofree char *s = NULL;

  g_assert_nonnull (root);
  obj = json_node_get_object (root);
  g_assert_true (yq_json_get_int_lenient (obj, "a", &v) && v == 7200);
  g_assert_true (yq_json_get_int_lenient (obj, "b", &v) && v == 7200);
  g_assert_true (yq_json_get_int_lenient (obj, "c", &v) && v == 12);
  g_assert_true (yq_json_get_int_lenient (obj, "i", &v) && v == 3);
  g_assert_false (yq_json_get_int_lenient (obj, "d", &v));
  g_assert_false (yq_json_get_int_lenient (obj, "missing", &v));
  g_assert_true (yq_json_get_bool_lenient (obj, "e", &b) && b);
  g_assert_true (yq_json_get_bool_lenient (obj, "f", &b) && b);
  g_assert_true (yq_json_get_bool_lenient (obj, "g", &b) && !b);
  g_assert_false (yq_json_get_bool_lenient (obj, "a", &b));
  s = yq_json_dup_string_lenient (obj, "h");
  g_assert_cmpstr (s, ==, "12345678901");
}

static void
test_form_encode (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autofree char *form = NULL;

  g_ptr_array_add (names, (gpointer) "subject");
  g_ptr_array_add (values, (gpointer) "请审批: a+b c&d=e");
  g_ptr_array_add (names, (gpointer) "codes");
  g_ptr_array_add (values, (gpointer) "GO_b");
  g_ptr_array_add (names, (gpointer) "codes");
  g_ptr_array_add (values, (gpointer) "GO_a");

  form = yq_http_form_encode (names, values);
  g_assert_cmpstr (form, ==,
                   "subject=%E8%AF%B7%E5%AE%A1%E6%89%B9%3A%20a%2Bb%20c%26d%3De"
                   "&codes=GO_b&codes=GO_a");
}

static void
test_error_nicks (void)
{
  for (int code = YQ_PLATFORM_ERROR_NETWORK; code <= YQ_PLATFORM_ERROR_INVALID_ARGUMENT; code++)
    {
      g_autoptr(GError) error = yq_platform_error_new (code, "/some/call", "detail 42");

      g_assert_cmpstr (yq_platform_error_get_nick (code), !=, "unknown");
      g_assert_error (error, YQ_PLATFORM_ERROR, code);
      g_assert_nonnull (strstr (error->message, "/some/call"));
    }
}

/* ---- A scripted server ----------------------------------------------------- */

typedef struct
{
  guint        status;
  const char  *body;
  const char  *retry_after;
  gboolean     hang;
  guint        delay_ms;
} Reply;

typedef struct
{
  SoupServer *server;
  char       *base;
  GPtrArray  *script;     /* Reply*, consumed in order; the last one repeats */
  guint       hits;
  guint       token_hits;
  guint       token_serial;
  guint       in_flight;
  guint       max_in_flight;
  gboolean    reject_first_token;
  GPtrArray  *paused;
} Server;

static gboolean
delayed_reply_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  Server *server = g_object_get_data (G_OBJECT (msg), "server");

  server->in_flight--;
  soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
handle_api (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Server *server = user_data;
  const Reply *reply;
  guint index = MIN (server->hits, server->script->len - 1);

  server->hits++;
  reply = g_ptr_array_index (server->script, index);

  if (server->reject_first_token)
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
      const char *auth = soup_message_headers_get_one (headers, "X-Token");

      if (g_strcmp0 (auth, "tok-1") == 0)
        {
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                            "{\"error\":\"token expired\"}", 25);
          return;
        }
    }

  if (reply->hang)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (server->paused, g_object_ref (msg));
      return;
    }

  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->retry_after)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                  reply->retry_after);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply->body,
                                    strlen (reply->body));

  if (reply->delay_ms > 0)
    {
      server->in_flight++;
      server->max_in_flight = MAX (server->max_in_flight, server->in_flight);
      g_object_set_data (G_OBJECT (msg), "server", server);
      soup_server_message_pause (msg);
      g_timeout_add (reply->delay_ms, delayed_reply_cb, g_object_ref (msg));
    }
}

static void
handle_token (SoupServer        *soup,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Server *server = user_data;
  g_autofree char *body = NULL;

  server->token_hits++;
  server->token_serial++;
  body = g_strdup_printf ("{\"token\":\"tok-%u\",\"expires\":7200}", server->token_serial);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static Server *
server_new (void)
{
  Server *server = g_new0 (Server, 1);
  GError *error = NULL;
  GSList *uris;
  g_autofree char *uri_string = NULL;

  server->server = soup_server_new (NULL, NULL);
  server->script = g_ptr_array_new ();
  server->paused = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (server->server, "/api", handle_api, server, NULL);
  soup_server_add_handler (server->server, "/token", handle_token, server, NULL);
  soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (server->server);
  uri_string = g_uri_to_string (uris->data);
  server->base = g_strndup (uri_string, strlen (uri_string) - 1);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return server;
}

static void
server_free (Server *server)
{
  /* Hanging requests end with the connections. */
  soup_server_disconnect (server->server);
  g_object_unref (server->server);
  g_ptr_array_unref (server->script);
  g_ptr_array_unref (server->paused);
  g_free (server->base);
  g_free (server);
}

static void
server_script (Server      *server,
               const Reply *replies,
               guint        n)
{
  g_ptr_array_set_size (server->script, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (server->script, (gpointer) &replies[i]);
  server->hits = 0;
}

/* The client side of the tests: GET base/api, checking {"ok":true}. */

typedef struct
{
  char *url;
  char *secret;
} Call;

static void
call_free (Call *call)
{
  g_free (call->url);
  g_free (call->secret);
  g_free (call);
}

static SoupMessage *
call_build (gpointer     user_data,
            const char  *token,
            GError     **error)
{
  Call *call = user_data;
  SoupMessage *msg = soup_message_new ("GET", call->url);

  if (token)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Token", token);
  return msg;
}

static YqHttpVerdict
call_check (gpointer      user_data,
            SoupMessage  *msg,
            GBytes       *body,
            JsonNode    **result,
            GError      **error)
{
  g_autoptr(JsonNode) root = yq_json_parse_bytes (body, NULL);
  guint status = soup_message_get_status (msg);
  JsonObject *obj;
  const char *message;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      *error = yq_http_error_for_status (msg, "/api", NULL);
      return YQ_HTTP_VERDICT_FAIL;
    }
  obj = json_node_get_object (root);
  message = json_object_get_string_member_with_default (obj, "error", NULL);

  if (status == 200 && json_object_get_boolean_member_with_default (obj, "ok", FALSE))
    {
      *result = g_steal_pointer (&root);
      return YQ_HTTP_VERDICT_OK;
    }
  if (message && strstr (message, "token"))
    {
      *error = yq_platform_error_new (YQ_PLATFORM_ERROR_TOKEN_INVALID, "/api", message);
      return YQ_HTTP_VERDICT_TOKEN_INVALID;
    }
  if (status >= 300)
    {
      *error = yq_http_error_for_status (msg, "/api", message);
      return YQ_HTTP_VERDICT_FAIL;
    }
  *error = yq_platform_error_new (YQ_PLATFORM_ERROR_BUSINESS, "/api", message);
  return YQ_HTTP_VERDICT_FAIL;
}

static gboolean
token_extract (JsonNode  *result,
               char     **token,
               gint64    *expires_in,
               gpointer   user_data)
{
  JsonObject *obj = json_node_get_object (result);

  *token = g_strdup (json_object_get_string_member_with_default (obj, "token", NULL));
  *expires_in = json_object_get_int_member_with_default (obj, "expires", 0);
  return *token != NULL;
}

static YqHttpVerdict
token_check (gpointer      user_data,
             SoupMessage  *msg,
             GBytes       *body,
             JsonNode    **result,
             GError      **error)
{
  *result = yq_json_parse_bytes (body, error);
  return *result ? YQ_HTTP_VERDICT_OK : YQ_HTTP_VERDICT_FAIL;
}

static YqHttpRequest *
api_request (Server     *server,
             const char *path)
{
  Call *call = g_new0 (Call, 1);

  call->url = g_strconcat (server->base, path, NULL);
  return yq_http_request_new ("/api", call_build, call_check, call, (GDestroyNotify) call_free);
}

static YqTokenSource *
token_source (Server *server)
{
  Call *call = g_new0 (Call, 1);
  g_autoptr(YqHttpRequest) fetch = NULL;

  call->url = g_strconcat (server->base, "/token", NULL);
  fetch = yq_http_request_new ("/token", call_build, token_check, call, (GDestroyNotify) call_free);
  return yq_token_source_new ("test token", fetch, token_extract, NULL, NULL);
}

typedef struct
{
  GMainLoop *loop;
  JsonNode  *result;
  GError    *error;
  gint64     finished_at;
  guint      pending;
  guint      done;
} Wait;

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;
  GError *error = NULL;
  JsonNode *node = yq_http_send_finish (YQ_HTTP (object), result, &error);

  wait->finished_at = g_get_monotonic_time ();
  if (node)
    {
      g_clear_pointer (&wait->result, json_node_unref);
      wait->result = node;
    }
  else
    {
      g_clear_error (&wait->error);
      wait->error = error;
    }
  wait->done++;
  if (wait->pending > 0)
    wait->pending--;
  if (wait->pending == 0 && wait->loop != NULL)
    g_main_loop_quit (wait->loop);
}

static void
wait_clear (Wait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_pointer (&wait->result, json_node_unref);
  g_clear_error (&wait->error);
}

static void
send_and_wait (YqHttp        *http,
               YqHttpRequest *request,
               Wait          *wait)
{
  wait->loop = g_main_loop_new (NULL, FALSE);
  wait->pending = 1;
  yq_http_send_async (http, request, NULL, send_cb, wait);
  g_main_loop_run (wait->loop);
}

static YqHttp *
fast_http (void)
{
  YqHttp *http = yq_http_new ();

  yq_http_set_backoff (http, 10, 40);
  return http;
}


static void
test_retry_5xx (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqHttpRequest) request = api_request (server, "/api");
  const Reply replies[] = {
    { 500, "{\"error\":\"busy\"}" }, { 503, "<html>unavailable</html>" }, { 200, "{\"ok\":true}" },
  };
  Wait wait = { 0 };

  server_script (server, replies, G_N_ELEMENTS (replies));
  send_and_wait (http, request, &wait);
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.result);
  g_assert_cmpuint (server->hits, ==, 3);
  g_assert_cmpuint (yq_http_get_call_count (http), ==, 3);
  wait_clear (&wait);

  /* Bounded: four attempts, then the 5xx is reported. */
  {
    const Reply always[] = { { 502, "{\"error\":\"bad gateway\"}" } };

    server_script (server, always, 1);
    send_and_wait (http, request, &wait);
    g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_SERVER);
    g_assert_cmpuint (server->hits, ==, YQ_HTTP_DEFAULT_MAX_ATTEMPTS);
    wait_clear (&wait);
  }

  /* A 4xx business error is final at once. */
  {
    const Reply refused[] = { { 200, "{\"error\":\"refused\"}" } };

    server_script (server, refused, 1);
    send_and_wait (http, request, &wait);
    g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS);
    g_assert_cmpuint (server->hits, ==, 1);
    wait_clear (&wait);
  }

  server_free (server);
}

static void
test_retry_429 (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqHttpRequest) request = api_request (server, "/api");
  const Reply replies[] = {
    { 429, "{\"error\":\"slow down\"}", "1" }, { 200, "{\"ok\":true}" },
  };
  Wait wait = { 0 };
  gint64 start = g_get_monotonic_time ();

  server_script (server, replies, G_N_ELEMENTS (replies));
  send_and_wait (http, request, &wait);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (server->hits, ==, 2);
  /* Retry-After: 1 outweighs the 10 ms backoff. */
  g_assert_cmpint (wait.finished_at - start, >=, 950000);
  wait_clear (&wait);

  {
    const Reply always[] = { { 429, "{\"error\":\"slow down\"}" } };

    server_script (server, always, 1);
    yq_http_set_max_attempts (http, 2);
    send_and_wait (http, request, &wait);
    g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_RATE_LIMITED);
    g_assert_cmpuint (server->hits, ==, 2);
    wait_clear (&wait);
  }

  server_free (server);
}

static void
test_timeout (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqHttpRequest) request = api_request (server, "/api");
  const Reply replies[] = { { 200, "", NULL, TRUE } };
  Wait wait = { 0 };
  gint64 start = g_get_monotonic_time ();

  server_script (server, replies, 1);
  yq_http_set_timeout (http, 200);
  yq_http_set_max_attempts (http, 2);
  send_and_wait (http, request, &wait);
  g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_TIMEOUT);
  g_assert_cmpuint (server->hits, ==, 2);
  g_assert_cmpint (wait.finished_at - start, >=, 400000);
  g_assert_cmpint (wait.finished_at - start, <, 2000000);
  wait_clear (&wait);
  server_free (server);
}

static void
test_network_error (void)
{
  Server *server = server_new ();
  g_autofree char *base = g_strdup (server->base);
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqHttpRequest) request = NULL;
  Wait wait = { 0 };

  /* A port nobody listens on any more: connection refused. */
  server_free (server);
  {
    Call *call = g_new0 (Call, 1);

    call->url = g_strconcat (base, "/api", NULL);
    request = yq_http_request_new ("/api", call_build, call_check, call,
                                   (GDestroyNotify) call_free);
  }
  send_and_wait (http, request, &wait);
  g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NETWORK);
  g_assert_cmpuint (yq_http_get_call_count (http), ==, YQ_HTTP_DEFAULT_MAX_ATTEMPTS);
  wait_clear (&wait);
}

typedef enum
{
  CANCEL_IN_FLIGHT,
  CANCEL_RATE_WAIT,
  CANCEL_BACKOFF,
  CANCEL_QUEUED,
  CANCEL_TOKEN_WAIT,
} CancelWhere;

static gboolean
cancel_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;
  gint64 *cancelled_at = g_object_get_data (G_OBJECT (cancellable), "at");

  *cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  return G_SOURCE_REMOVE;
}

static void
run_cancel_case (CancelWhere where)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = yq_http_new ();
  g_autoptr(YqHttpRequest) request = api_request (server, "/api");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const Reply hang[] = { { 200, "", NULL, TRUE } };
  /* Retry-After makes the wait certain: the backoff's full jitter alone
   * may draw a wait shorter than the time before the cancel. */
  const Reply fail[] = { { 500, "{\"error\":\"x\"}", "10" } };
  const Reply ok[] = { { 200, "{\"ok\":true}" } };
  gint64 cancelled_at = 0;
  Wait wait = { 0 };
  Wait other = { 0 };

  g_object_set_data (G_OBJECT (cancellable), "at", &cancelled_at);
  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.pending = 1;

  switch (where)
    {
    case CANCEL_IN_FLIGHT:
      server_script (server, hang, 1);
      break;
    case CANCEL_RATE_WAIT:
      /* One request per 10 s: the second one waits on the limiter. */
      server_script (server, ok, 1);
      yq_http_set_qps (http, 0.1);
      yq_http_send_async (http, request, NULL, send_cb, &other);
      break;
    case CANCEL_BACKOFF:
      server_script (server, fail, 1);
      yq_http_set_backoff (http, 10000, 10000);
      break;
    case CANCEL_QUEUED:
      /* The only slot is held by a request that never gets an answer. */
      server_script (server, hang, 1);
      yq_http_set_concurrency (http, 1);
      {
        g_autoptr(GCancellable) first = g_cancellable_new ();

        yq_http_send_async (http, request, first, send_cb, &other);
        g_object_set_data_full (G_OBJECT (cancellable), "first", g_object_ref (first),
                                g_object_unref);
      }
      break;
    case CANCEL_TOKEN_WAIT:
    default:
      {
        g_autoptr(YqTokenSource) source = NULL;

        /* The token endpoint hangs as well. */
        server_script (server, hang, 1);
        soup_server_remove_handler (server->server, "/token");
        soup_server_add_handler (server->server, "/token", handle_api, server, NULL);
        source = token_source (server);
        yq_http_request_set_token_source (request, source);
      }
      break;
    }

  yq_http_send_async (http, request, cancellable, send_cb, &wait);
  g_timeout_add (where == CANCEL_BACKOFF ? 300 : 150, cancel_cb, cancellable);
  g_main_loop_run (wait.loop);

  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancelled_at, >, 0);
  g_assert_cmpint (wait.finished_at - cancelled_at, <, 100000);

  if (where == CANCEL_BACKOFF)
    g_assert_cmpuint (server->hits, ==, 1);
  if (where == CANCEL_RATE_WAIT)
    {
      while (other.done == 0)
        g_main_context_iteration (NULL, TRUE);
      g_assert_no_error (other.error);
      g_assert_cmpuint (server->hits, ==, 1);
    }
  if (where == CANCEL_QUEUED)
    {
      /* Clean up the request holding the slot. */
      GCancellable *first = g_object_get_data (G_OBJECT (cancellable), "first");

      g_cancellable_cancel (first);
      while (other.done == 0)
        g_main_context_iteration (NULL, TRUE);
      g_assert_error (other.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpuint (server->hits, ==, 1);
    }

  wait_clear (&wait);
  wait_clear (&other);
  server_free (server);
}

static void
test_cancel_in_flight (void)
{
  run_cancel_case (CANCEL_IN_FLIGHT);
}

static void
test_cancel_rate_wait (void)
{
  run_cancel_case (CANCEL_RATE_WAIT);
}

static void
test_cancel_backoff (void)
{
  run_cancel_case (CANCEL_BACKOFF);
}

static void
test_cancel_queued (void)
{
  run_cancel_case (CANCEL_QUEUED);
}

static void
test_cancel_token_wait (void)
{
  run_cancel_case (CANCEL_TOKEN_WAIT);
}

/* Queued requests that share a cancellable all end when it is cancelled;
 * a queued request with another cancellable keeps its place. */
static void
test_cancel_queued_shared (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = yq_http_new ();
  g_autoptr(GCancellable) shared = g_cancellable_new ();
  g_autoptr(GCancellable) separate = g_cancellable_new ();
  const Reply slow[] = { { 200, "{\"ok\":true}", NULL, FALSE, 300 } };
  gint64 cancelled_at = 0;
  Wait first = { 0 };
  Wait cancelled = { 0 };
  Wait kept = { 0 };

  server_script (server, slow, 1);
  yq_http_set_concurrency (http, 1);
  g_object_set_data (G_OBJECT (shared), "at", &cancelled_at);

  {
    g_autoptr(YqHttpRequest) request = api_request (server, "/api");

    yq_http_send_async (http, request, NULL, send_cb, &first);
  }
  cancelled.loop = g_main_loop_new (NULL, FALSE);
  cancelled.pending = 3;
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(YqHttpRequest) request = api_request (server, "/api");

      yq_http_send_async (http, request, shared, send_cb, &cancelled);
    }
  {
    g_autoptr(YqHttpRequest) request = api_request (server, "/api");

    yq_http_send_async (http, request, separate, send_cb, &kept);
  }

  g_timeout_add (100, cancel_cb, shared);
  g_main_loop_run (cancelled.loop);
  g_assert_cmpuint (cancelled.done, ==, 3);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (cancelled.finished_at - cancelled_at, <, 100000);
  /* The slot holder was not disturbed and still holds the slot. */
  g_assert_cmpuint (first.done, ==, 0);
  g_assert_cmpuint (kept.done, ==, 0);

  while (first.done == 0 || kept.done == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (first.error);
  g_assert_no_error (kept.error);
  g_assert_nonnull (kept.result);
  g_assert_cmpuint (server->hits, ==, 2);

  /* The lane is usable with the cancelled cancellable's watch gone. */
  g_cancellable_reset (shared);
  {
    g_autoptr(YqHttpRequest) request = api_request (server, "/api");
    Wait again = { 0 };

    send_and_wait (http, request, &again);
    g_assert_no_error (again.error);
    g_assert_cmpuint (server->hits, ==, 3);
    wait_clear (&again);
  }

  wait_clear (&first);
  wait_clear (&cancelled);
  wait_clear (&kept);
  server_free (server);
}

static void
test_token_refresh_once (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqHttpRequest) request = api_request (server, "/api");
  g_autoptr(YqTokenSource) source = token_source (server);
  const Reply ok[] = { { 200, "{\"ok\":true}" } };
  const Reply expired[] = { { 200, "{\"error\":\"token expired\"}" } };
  Wait wait = { 0 };

  yq_http_request_set_token_source (request, source);

  /* The first token is refused; one new token, one retry. */
  server_script (server, ok, 1);
  server->reject_first_token = TRUE;
  send_and_wait (http, request, &wait);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (server->token_hits, ==, 2);
  g_assert_cmpuint (server->hits, ==, 2);
  g_assert_cmpuint (yq_token_source_get_fetch_count (source), ==, 2);
  wait_clear (&wait);

  /* The cached token is reused. */
  send_and_wait (http, request, &wait);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (server->token_hits, ==, 2);
  g_assert_cmpuint (server->hits, ==, 3);
  wait_clear (&wait);

  /* Refused every time: exactly one renewal, then the error. */
  server->reject_first_token = FALSE;
  server_script (server, expired, 1);
  send_and_wait (http, request, &wait);
  g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_TOKEN_INVALID);
  g_assert_cmpuint (server->token_hits, ==, 3);
  g_assert_cmpuint (server->hits, ==, 2);
  wait_clear (&wait);

  server_free (server);
}

static void
test_token_single_flight (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqTokenSource) source = token_source (server);
  const Reply ok[] = { { 200, "{\"ok\":true}" } };
  Wait wait = { 0 };

  server_script (server, ok, 1);
  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.pending = 6;
  for (int i = 0; i < 6; i++)
    {
      g_autoptr(YqHttpRequest) request = api_request (server, "/api");

      yq_http_request_set_token_source (request, source);
      yq_http_send_async (http, request, NULL, send_cb, &wait);
    }
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (server->token_hits, ==, 1);
  g_assert_cmpuint (server->hits, ==, 6);
  g_assert_cmpuint (yq_http_get_call_count (http), ==, 7);
  wait_clear (&wait);
  server_free (server);
}

static void
test_concurrency_limit (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  const Reply slow[] = { { 200, "{\"ok\":true}", NULL, FALSE, 40 } };
  Wait wait = { 0 };

  server_script (server, slow, 1);
  yq_http_set_concurrency (http, 3);
  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.pending = 12;
  for (int i = 0; i < 12; i++)
    {
      g_autoptr(YqHttpRequest) request = api_request (server, "/api");

      yq_http_send_async (http, request, NULL, send_cb, &wait);
    }
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (server->hits, ==, 12);
  g_assert_cmpuint (server->max_in_flight, ==, 3);
  g_assert_cmpuint (yq_http_get_max_in_flight (http), ==, 3);
  wait_clear (&wait);
  server_free (server);
}

static void
test_rate_limit (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  const Reply ok[] = { { 200, "{\"ok\":true}" } };
  Wait wait = { 0 };
  gint64 start;

  server_script (server, ok, 1);
  yq_http_set_qps (http, 20);
  start = g_get_monotonic_time ();
  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.pending = 6;
  for (int i = 0; i < 6; i++)
    {
      g_autoptr(YqHttpRequest) request = api_request (server, "/api");

      yq_http_send_async (http, request, NULL, send_cb, &wait);
    }
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  /* 6 requests at 20/s: the last one starts 250 ms after the first. */
  g_assert_cmpint (wait.finished_at - start, >=, 245000);
  g_assert_cmpint (wait.finished_at - start, <, 1500000);
  wait_clear (&wait);
  server_free (server);
}

static void
test_lane_spacing (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  YqHttpLane *lane = yq_http_add_lane (http, "serial", 1, 150000, 0);
  const Reply ok[] = { { 200, "{\"ok\":true}" } };
  Wait wait = { 0 };
  gint64 start;

  server_script (server, ok, 1);
  start = g_get_monotonic_time ();
  wait.loop = g_main_loop_new (NULL, FALSE);
  wait.pending = 3;
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(YqHttpRequest) request = api_request (server, "/api");

      yq_http_request_set_lane (request, lane);
      yq_http_send_async (http, request, NULL, send_cb, &wait);
    }
  g_main_loop_run (wait.loop);
  g_assert_no_error (wait.error);
  g_assert_cmpint (wait.finished_at - start, >=, 295000);
  wait_clear (&wait);
  server_free (server);
}

static void
test_secrets_scrubbed (void)
{
  Server *server = server_new ();
  g_autoptr(YqHttp) http = fast_http ();
  g_autoptr(YqHttpRequest) request = api_request (server, "/api");
  g_autoptr(YqTokenSource) source = token_source (server);
  const Reply echo[] = { { 200, "{\"error\":\"bad appsecret s3cr3t-Value for call tok-1\"}" } };
  Wait wait = { 0 };
  g_autofree char *scrubbed = NULL;

  yq_http_add_secret (http, "s3cr3t-Value");
  yq_http_request_set_token_source (request, source);
  server_script (server, echo, 1);
  send_and_wait (http, request, &wait);
  g_assert_error (wait.error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_BUSINESS);
  g_assert_null (strstr (wait.error->message, "s3cr3t-Value"));
  g_assert_null (strstr (wait.error->message, "tok-1"));
  g_assert_nonnull (strstr (wait.error->message, "***"));
  wait_clear (&wait);

  scrubbed = yq_http_scrub (http, "x s3cr3t-Value y s3cr3t-Value");
  g_assert_cmpstr (scrubbed, ==, "x *** y ***");
  server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http/token-bucket", test_token_bucket_timing);
  g_test_add_func ("/http/backoff-bounds", test_backoff_bounds);
  g_test_add_func ("/http/token-cache-expiry", test_token_cache_expiry);
  g_test_add_func ("/http/lenient-json", test_lenient_json);
  g_test_add_func ("/http/form-encode", test_form_encode);
  g_test_add_func ("/http/error-nicks", test_error_nicks);
  g_test_add_func ("/http/retry-5xx", test_retry_5xx);
  g_test_add_func ("/http/retry-429", test_retry_429);
  g_test_add_func ("/http/timeout", test_timeout);
  g_test_add_func ("/http/network-error", test_network_error);
  g_test_add_func ("/http/cancel/in-flight", test_cancel_in_flight);
  g_test_add_func ("/http/cancel/rate-wait", test_cancel_rate_wait);
  g_test_add_func ("/http/cancel/backoff", test_cancel_backoff);
  g_test_add_func ("/http/cancel/queued", test_cancel_queued);
  g_test_add_func ("/http/cancel/queued-shared", test_cancel_queued_shared);
  g_test_add_func ("/http/cancel/token-wait", test_cancel_token_wait);
  g_test_add_func ("/http/token-refresh-once", test_token_refresh_once);
  g_test_add_func ("/http/token-single-flight", test_token_single_flight);
  g_test_add_func ("/http/concurrency-limit", test_concurrency_limit);
  g_test_add_func ("/http/rate-limit", test_rate_limit);
  g_test_add_func ("/http/lane-spacing", test_lane_spacing);
  g_test_add_func ("/http/secrets-scrubbed", test_secrets_scrubbed);

  return g_test_run ();
}
