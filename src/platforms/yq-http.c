/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-http"

#include "config.h"

#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-http.h"
#include "yq-platform-error.h"

#define MAX_RETRY_AFTER_US (30 * G_USEC_PER_SEC)
#define MAX_REMEMBERED_TOKENS 16

/* Adapting to a platform's rate limit: the answers accepted in the last
 * second estimate what the platform takes. */
#define RATE_WINDOW_US        G_USEC_PER_SEC
#define RATE_RING             1024
#define RATE_CUT              0.8
#define RATE_FLOOR_QPS        0.5
#define RATE_UNLIMITED_QPS    1000.0
#define RATE_LIMIT_MIN_WAIT_US G_USEC_PER_SEC

/* The configured rate is the platform's limit, counted over a second: pace
 * a little below it, so that network jitter (a slower first request that
 * opened the connection, a busy gateway) cannot put one request too many
 * into the platform's window. */
#define RATE_HEADROOM          0.98

/* ------------------------------------------------------------------------ */
/* Token bucket                                                              */
/* ------------------------------------------------------------------------ */

void
yq_token_bucket_init (YqTokenBucket *bucket,
                      double         rate,
                      double         capacity,
                      gint64         now_us)
{
  g_return_if_fail (bucket != NULL);

  bucket->rate = rate;
  bucket->capacity = MAX (1.0, capacity);
  bucket->tokens = bucket->capacity;
  bucket->last_us = now_us;
}

static void
yq_token_bucket_refill (YqTokenBucket *bucket,
                        gint64         now_us)
{
  if (now_us > bucket->last_us)
    {
      double earned = (double) (now_us - bucket->last_us) / G_USEC_PER_SEC * bucket->rate;

      bucket->tokens = MIN (bucket->capacity, bucket->tokens + earned);
      bucket->last_us = now_us;
    }
}

/**
 * yq_token_bucket_reserve:
 * @bucket: a bucket
 * @now_us: the current time
 *
 * Takes one token. When the bucket is empty the token is borrowed from the
 * future; the caller must wait the returned time before sending.
 *
 * Returns: the wait in microseconds, 0 when the token is available now
 */
gint64
yq_token_bucket_reserve (YqTokenBucket *bucket,
                         gint64         now_us)
{
  g_return_val_if_fail (bucket != NULL, 0);

  if (bucket->rate <= 0)
    return 0;

  yq_token_bucket_refill (bucket, now_us);
  bucket->tokens -= 1.0;
  if (bucket->tokens >= 0)
    return 0;

  return (gint64) ceil (-bucket->tokens / bucket->rate * G_USEC_PER_SEC);
}

/**
 * yq_token_bucket_refund:
 * @bucket: a bucket
 * @now_us: the current time
 *
 * Gives back a reserved token that was not used (the caller was cancelled).
 */
void
yq_token_bucket_refund (YqTokenBucket *bucket,
                        gint64         now_us)
{
  g_return_if_fail (bucket != NULL);

  if (bucket->rate <= 0)
    return;

  yq_token_bucket_refill (bucket, now_us);
  bucket->tokens = MIN (bucket->capacity, bucket->tokens + 1.0);
}

/**
 * yq_http_backoff_delay:
 * @retry: 0 for the first retry, 1 for the second, …
 * @base_us: the first retry's ceiling
 * @cap_us: the largest ceiling
 * @random: a random number
 *
 * Exponential backoff with full jitter: a uniform wait between 0 and
 * min(@cap_us, @base_us × 2^@retry), so that many clients that failed
 * together do not retry together.
 *
 * Returns: the wait in microseconds
 */
gint64
yq_http_backoff_delay (guint   retry,
                       gint64  base_us,
                       gint64  cap_us,
                       guint32 random)
{
  gint64 ceiling;

  if (base_us <= 0 || cap_us <= 0)
    return 0;

  ceiling = (retry >= 30 || base_us > (cap_us >> MIN (retry, 62))) ? cap_us : base_us << retry;
  ceiling = MIN (ceiling, cap_us);

  return (gint64) (((guint64) random * (guint64) (ceiling + 1)) >> 32);
}

/**
 * yq_http_token_refresh_margin:
 * @expires_in_s: a token's lifetime in seconds
 *
 * How long before expiry a cached token is renewed: five minutes for the
 * usual two-hour tokens, proportionally less for short-lived ones so that a
 * short TTL does not make every call fetch a new token.
 *
 * Returns: the margin in seconds
 */
gint64
yq_http_token_refresh_margin (gint64 expires_in_s)
{
  if (expires_in_s <= 0)
    return 0;
  return MIN (300, expires_in_s / 5);
}

void
yq_http_socket_set_no_delay (GSocket *socket)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (G_IS_SOCKET (socket));

  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_IPV4 &&
      g_socket_get_family (socket) != G_SOCKET_FAMILY_IPV6)
    return;
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    g_debug ("Cannot set TCP_NODELAY: %s", error->message);
}

static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection))
    yq_http_socket_set_no_delay (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)));
}

/**
 * yq_http_message_set_no_delay:
 * @msg: a message about to be sent
 *
 * Sets TCP_NODELAY (see yq_http_socket_set_no_delay()) on the connection
 * a session opens for @msg; a kept-alive connection keeps it.
 */
void
yq_http_message_set_no_delay (SoupMessage *msg)
{
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  g_signal_connect (msg, "network-event", G_CALLBACK (network_event_cb), NULL);
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */
/* ------------------------------------------------------------------------ */

struct _YqHttpRequest
{
  gatomicrefcount  ref_count;
  char            *call;
  YqHttpBuildFunc  build;
  YqHttpCheckFunc  check;
  gpointer         user_data;
  GDestroyNotify   destroy;
  YqTokenSource   *token_source;
  YqHttpLane      *lane;
  gboolean         unqueued;
  guint            max_attempts;
  guint           *counter;
};

G_DEFINE_BOXED_TYPE (YqHttpRequest, yq_http_request, yq_http_request_ref, yq_http_request_unref)

/**
 * yq_http_request_new:
 * @call: what the request is, for messages: the endpoint path, never the URL
 * @build: builds the message of each attempt
 * @check: parses each answer
 * @user_data: data for @build and @check
 * @destroy: (nullable): frees @user_data
 *
 * Returns: (transfer full): a new request
 */
YqHttpRequest *
yq_http_request_new (const char      *call,
                     YqHttpBuildFunc  build,
                     YqHttpCheckFunc  check,
                     gpointer         user_data,
                     GDestroyNotify   destroy)
{
  YqHttpRequest *self;

  g_return_val_if_fail (call != NULL, NULL);
  g_return_val_if_fail (build != NULL, NULL);
  g_return_val_if_fail (check != NULL, NULL);

  self = g_new0 (YqHttpRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->call = g_strdup (call);
  self->build = build;
  self->check = check;
  self->user_data = user_data;
  self->destroy = destroy;

  return self;
}

YqHttpRequest *
yq_http_request_ref (YqHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  g_atomic_ref_count_inc (&request->ref_count);
  return request;
}

void
yq_http_request_unref (YqHttpRequest *request)
{
  g_return_if_fail (request != NULL);

  if (!g_atomic_ref_count_dec (&request->ref_count))
    return;

  if (request->destroy)
    request->destroy (request->user_data);
  g_clear_object (&request->token_source);
  g_free (request->call);
  g_free (request);
}

const char *
yq_http_request_get_call (YqHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->call;
}

/**
 * yq_http_request_set_token_source:
 * @request: a request
 * @source: (nullable): where the request's access token comes from
 */
void
yq_http_request_set_token_source (YqHttpRequest *request,
                                  YqTokenSource *source)
{
  g_return_if_fail (request != NULL);

  g_set_object (&request->token_source, source);
}

/**
 * yq_http_request_set_lane:
 * @request: a request
 * @lane: (nullable): the lane that limits the request's concurrency;
 *   %NULL for the client's default lane
 */
void
yq_http_request_set_lane (YqHttpRequest *request,
                          YqHttpLane    *lane)
{
  g_return_if_fail (request != NULL);

  request->lane = lane;
}

/**
 * yq_http_request_set_unqueued:
 * @request: a request
 * @unqueued: %TRUE to bypass the concurrency lanes
 *
 * Token requests are unqueued: requests waiting for a new token may hold
 * every slot of their lane, and must not wait for themselves.
 */
void
yq_http_request_set_unqueued (YqHttpRequest *request,
                              gboolean       unqueued)
{
  g_return_if_fail (request != NULL);

  request->unqueued = !!unqueued;
}

void
yq_http_request_set_max_attempts (YqHttpRequest *request,
                                  guint          max_attempts)
{
  g_return_if_fail (request != NULL);

  request->max_attempts = max_attempts;
}

/**
 * yq_http_request_set_call_counter:
 * @request: a request
 * @counter: (nullable): incremented for every attempt sent; must stay valid
 *   until the request completes
 */
void
yq_http_request_set_call_counter (YqHttpRequest *request,
                                  guint         *counter)
{
  g_return_if_fail (request != NULL);

  request->counter = counter;
}

/* ------------------------------------------------------------------------ */
/* Cancellable sleep                                                         */
/* ------------------------------------------------------------------------ */

typedef struct
{
  GSource *timer;
  GSource *cancel;
} SleepData;

static void
sleep_data_free (SleepData *data)
{
  if (data->timer)
    {
      g_source_destroy (data->timer);
      g_source_unref (data->timer);
    }
  if (data->cancel)
    {
      g_source_destroy (data->cancel);
      g_source_unref (data->cancel);
    }
  g_free (data);
}

static void
sleep_stop_sources (SleepData *data)
{
  if (data->timer)
    g_source_destroy (data->timer);
  if (data->cancel)
    g_source_destroy (data->cancel);
}

static gboolean
sleep_timer_cb (gpointer user_data)
{
  GTask *task = user_data;

  sleep_stop_sources (g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);

  return G_SOURCE_REMOVE;
}

static gboolean
sleep_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;

  sleep_stop_sources (g_task_get_task_data (task));
  g_task_return_error_if_cancelled (task);

  return G_SOURCE_REMOVE;
}

/**
 * yq_sleep_async:
 * @delay_us: how long to wait
 * @cancellable: (nullable): wakes the wait at once when cancelled
 * @callback: called when the time is up or the wait was cancelled
 * @user_data: data for @callback
 *
 * A wait that ends early, with %G_IO_ERROR_CANCELLED, when @cancellable
 * is cancelled: rate-limit and backoff waits must not delay a cancel.
 */
void
yq_sleep_async (gint64               delay_us,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GMainContext *context = g_main_context_get_thread_default ();
  SleepData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_sleep_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (delay_us <= 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  data = g_new0 (SleepData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) sleep_data_free);

  data->timer = g_timeout_source_new ((guint) MIN ((delay_us + 999) / 1000, (gint64) G_MAXUINT));
  g_source_set_name (data->timer, "[yq] sleep");
  g_source_set_callback (data->timer, sleep_timer_cb, g_object_ref (task), g_object_unref);
  g_source_attach (data->timer, context);

  if (cancellable != NULL)
    {
      data->cancel = g_cancellable_source_new (cancellable);
      g_source_set_name (data->cancel, "[yq] sleep cancel");
      g_source_set_callback (data->cancel, G_SOURCE_FUNC (sleep_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (data->cancel, context);
    }
}

gboolean
yq_sleep_finish (GAsyncResult  *result,
                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* HTTP client                                                               */
/* ------------------------------------------------------------------------ */

struct _YqHttpLane
{
  char          *name;
  guint          max_in_flight;
  guint          in_flight;
  guint          peak;
  gint64         min_interval_us;
  gint64         next_start_us;
  gboolean       has_bucket;
  YqTokenBucket  bucket;
  GQueue         waiters;
  GHashTable    *watches;
};

/* Cancels the lane's waiters that share one cancellable. One source per
 * cancellable, not per waiter: a crawl queues thousands of requests with the
 * same cancellable, and every main-loop iteration polls every source. */
typedef struct
{
  YqHttpLane   *lane;
  GCancellable *cancellable;
  GSource      *source;
  guint         n_waiters;
} LaneWatch;

struct _YqHttp
{
  GObject        parent_instance;

  SoupSession   *session;
  guint          timeout_ms;
  guint          max_attempts;
  gint64         backoff_base_us;
  gint64         backoff_cap_us;
  double         qps;
  double         burst;
  YqTokenBucket  bucket;
  YqHttpLane    *default_lane;
  GPtrArray     *lanes;
  YqClockFunc    clock;
  gpointer       clock_data;
  guint          calls;
  GPtrArray     *secrets;
  GPtrArray     *tokens;
  GRand         *rand;
  double         adapted_qps;
  gint64         last_cut_us;
  gint64         accepted_us[RATE_RING];
  guint          accepted_next;
};

G_DEFINE_FINAL_TYPE (YqHttp, yq_http, G_TYPE_OBJECT)

static void lane_wake (YqHttpLane *lane);

/* The client whose answer is being checked, so that the platforms' parsers
 * can scrub what they log without holding the client. */
static GPrivate checking_http;

static void
yq_http_lane_free (YqHttpLane *lane)
{
  g_assert (g_queue_is_empty (&lane->waiters));
  g_assert (g_hash_table_size (lane->watches) == 0);
  g_hash_table_unref (lane->watches);
  g_free (lane->name);
  g_free (lane);
}

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
yq_http_finalize (GObject *object)
{
  YqHttp *self = (YqHttp *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->lanes, g_ptr_array_unref);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->tokens, g_ptr_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (yq_http_parent_class)->finalize (object);
}

static void
yq_http_class_init (YqHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_http_finalize;
}

static void
yq_http_init (YqHttp *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Yunqiao/%s ", PACKAGE_VERSION);

  /* Our own lanes limit concurrency; the session must not queue below them. */
  self->session = soup_session_new_with_options ("max-conns", YQ_HTTP_MAX_CONCURRENCY * 2,
                                                 "max-conns-per-host", YQ_HTTP_MAX_CONCURRENCY,
                                                 "timeout", 0,
                                                 "user-agent", user_agent,
                                                 NULL);
  self->timeout_ms = YQ_HTTP_DEFAULT_TIMEOUT_MS;
  self->max_attempts = YQ_HTTP_DEFAULT_MAX_ATTEMPTS;
  self->backoff_base_us = YQ_HTTP_DEFAULT_BACKOFF_BASE_MS * 1000;
  self->backoff_cap_us = YQ_HTTP_DEFAULT_BACKOFF_CAP_MS * 1000;
  self->clock = default_clock;
  self->qps = 0;
  self->burst = 1;
  yq_token_bucket_init (&self->bucket, 0, 1, self->clock (NULL));
  self->lanes = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_http_lane_free);
  self->default_lane = yq_http_add_lane (self, "default", YQ_HTTP_DEFAULT_CONCURRENCY, 0, 0);
  self->secrets = g_ptr_array_new_with_free_func (g_free);
  self->tokens = g_ptr_array_new_with_free_func (g_free);
  self->rand = g_rand_new ();
}

/**
 * yq_http_new:
 *
 * Creates the HTTP layer of one connector: one session, one rate limiter
 * (unlimited until yq_http_set_qps()), a default lane of
 * %YQ_HTTP_DEFAULT_CONCURRENCY concurrent requests, a 5 s timeout and up to
 * %YQ_HTTP_DEFAULT_MAX_ATTEMPTS attempts per request.
 *
 * Returns: (transfer full): a new #YqHttp
 */
YqHttp *
yq_http_new (void)
{
  return g_object_new (YQ_TYPE_HTTP, NULL);
}

SoupSession *
yq_http_get_session (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), NULL);

  return self->session;
}

void
yq_http_set_timeout (YqHttp *self,
                     guint   timeout_ms)
{
  g_return_if_fail (YQ_IS_HTTP (self));
  g_return_if_fail (timeout_ms > 0);

  self->timeout_ms = timeout_ms;
}

guint
yq_http_get_timeout (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), 0);

  return self->timeout_ms;
}

void
yq_http_set_max_attempts (YqHttp *self,
                          guint   max_attempts)
{
  g_return_if_fail (YQ_IS_HTTP (self));
  g_return_if_fail (max_attempts > 0);

  self->max_attempts = max_attempts;
}

void
yq_http_set_backoff (YqHttp *self,
                     guint   base_ms,
                     guint   cap_ms)
{
  g_return_if_fail (YQ_IS_HTTP (self));

  self->backoff_base_us = (gint64) base_ms * 1000;
  self->backoff_cap_us = (gint64) MAX (base_ms, cap_ms) * 1000;
}

/**
 * yq_http_set_qps:
 * @self: a #YqHttp
 * @qps: requests per second for the whole connector; 0 for no limit
 */
void
yq_http_set_qps (YqHttp *self,
                 double  qps)
{
  g_return_if_fail (YQ_IS_HTTP (self));
  g_return_if_fail (qps >= 0);

  self->qps = qps;
  self->adapted_qps = 0;
  yq_token_bucket_init (&self->bucket, qps * RATE_HEADROOM, self->burst, yq_http_now (self));
}

double
yq_http_get_qps (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), 0);

  return self->qps;
}

/**
 * yq_http_set_burst:
 * @self: a #YqHttp
 * @burst: how many requests may start at once after an idle period; the
 *   default of 1 spaces every request evenly
 */
void
yq_http_set_burst (YqHttp *self,
                   double  burst)
{
  g_return_if_fail (YQ_IS_HTTP (self));

  self->burst = MAX (1.0, burst);
  yq_token_bucket_init (&self->bucket, self->qps * RATE_HEADROOM, self->burst,
                        yq_http_now (self));
}

/**
 * yq_http_set_concurrency:
 * @self: a #YqHttp
 * @concurrency: how many requests of the default lane may be in flight
 */
void
yq_http_set_concurrency (YqHttp *self,
                         guint   concurrency)
{
  g_return_if_fail (YQ_IS_HTTP (self));

  self->default_lane->max_in_flight = CLAMP (concurrency, 1, YQ_HTTP_MAX_CONCURRENCY);
  lane_wake (self->default_lane);
}

guint
yq_http_get_concurrency (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), 0);

  return self->default_lane->max_in_flight;
}

/**
 * yq_http_get_max_in_flight:
 * @self: a #YqHttp
 *
 * Returns: the largest number of default-lane requests that were in flight
 *   at the same time, for tests and benchmarks
 */
guint
yq_http_get_max_in_flight (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), 0);

  return self->default_lane->peak;
}

void
yq_http_set_clock (YqHttp      *self,
                   YqClockFunc  clock,
                   gpointer     user_data)
{
  g_return_if_fail (YQ_IS_HTTP (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
  yq_token_bucket_init (&self->bucket, self->qps * RATE_HEADROOM, self->burst,
                        yq_http_now (self));
}

gint64
yq_http_now (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), 0);

  return self->clock (self->clock_data);
}

/**
 * yq_http_get_call_count:
 * @self: a #YqHttp
 *
 * Returns: how many HTTP requests were sent, retries and token requests
 *   included
 */
guint
yq_http_get_call_count (YqHttp *self)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), 0);

  return self->calls;
}

/**
 * yq_http_add_lane:
 * @self: a #YqHttp
 * @name: a name for debug output
 * @max_in_flight: how many requests of the lane may be in flight
 * @min_interval_us: the least time between the starts of two requests
 * @qps: an extra rate limit for this lane on top of the connector's; 0 for
 *   none
 *
 * Returns: (transfer none): the lane, owned by @self
 */
YqHttpLane *
yq_http_add_lane (YqHttp     *self,
                  const char *name,
                  guint       max_in_flight,
                  gint64      min_interval_us,
                  double      qps)
{
  YqHttpLane *lane;

  g_return_val_if_fail (YQ_IS_HTTP (self), NULL);

  lane = g_new0 (YqHttpLane, 1);
  lane->name = g_strdup (name);
  lane->max_in_flight = CLAMP (max_in_flight, 1, YQ_HTTP_MAX_CONCURRENCY);
  lane->min_interval_us = MAX (0, min_interval_us);
  lane->next_start_us = G_MININT64;
  if (qps > 0)
    {
      lane->has_bucket = TRUE;
      yq_token_bucket_init (&lane->bucket, qps, 1, yq_http_now (self));
    }
  g_queue_init (&lane->waiters);
  lane->watches = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_ptr_array_add (self->lanes, lane);

  return lane;
}

void
yq_http_lane_set_min_interval (YqHttpLane *lane,
                               gint64      min_interval_us)
{
  g_return_if_fail (lane != NULL);

  lane->min_interval_us = MAX (0, min_interval_us);
}

/**
 * yq_http_lane_note_start:
 * @lane: a lane
 * @start_us: when a request of the lane started, in yq_http_now() time,
 *   through another client (one of an earlier run of the program)
 *
 * The lane's next request waits its minimum interval from then. Set the
 * interval first.
 */
void
yq_http_lane_note_start (YqHttpLane *lane,
                         gint64      start_us)
{
  g_return_if_fail (lane != NULL);

  lane->next_start_us = MAX (lane->next_start_us, start_us + lane->min_interval_us);
}

/**
 * yq_http_add_secret:
 * @self: a #YqHttp
 * @secret: (nullable): a value that must never appear in error messages
 *
 * Errors returned by yq_http_send_finish() have every registered secret
 * replaced, in case a platform echoes a parameter in its message.
 */
void
yq_http_add_secret (YqHttp     *self,
                    const char *secret)
{
  g_return_if_fail (YQ_IS_HTTP (self));

  if (secret == NULL || strlen (secret) < 4)
    return;
  for (guint i = 0; i < self->secrets->len; i++)
    if (g_str_equal (g_ptr_array_index (self->secrets, i), secret))
      return;
  g_ptr_array_add (self->secrets, g_strdup (secret));
}

static void
yq_http_remember_token (YqHttp     *self,
                        const char *token)
{
  if (token == NULL || strlen (token) < 4)
    return;
  for (guint i = 0; i < self->tokens->len; i++)
    if (g_str_equal (g_ptr_array_index (self->tokens, i), token))
      return;
  if (self->tokens->len >= MAX_REMEMBERED_TOKENS)
    g_ptr_array_remove_index (self->tokens, 0);
  g_ptr_array_add (self->tokens, g_strdup (token));
}

static void
scrub_list (GString   *text,
            GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    g_string_replace (text, g_ptr_array_index (list, i), "***", 0);
}

/**
 * yq_http_scrub:
 * @self: a #YqHttp
 * @text: (nullable): text that may contain a secret
 *
 * Returns: (transfer full) (nullable): @text with every registered secret and
 *   recently used access token replaced by `***`
 */
char *
yq_http_scrub (YqHttp     *self,
               const char *text)
{
  GString *s;

  g_return_val_if_fail (YQ_IS_HTTP (self), NULL);

  if (text == NULL)
    return NULL;

  s = g_string_new (text);
  scrub_list (s, self->secrets);
  scrub_list (s, self->tokens);

  return g_string_free (s, FALSE);
}

/**
 * yq_http_scrub_current:
 * @text: (nullable): text for a debug line
 *
 * Like yq_http_scrub() for the client whose answer is being checked right
 * now (inside a #YqHttpCheckFunc); elsewhere it returns a plain copy.
 *
 * Returns: (transfer full) (nullable): the scrubbed text
 */
char *
yq_http_scrub_current (const char *text)
{
  YqHttp *http = g_private_get (&checking_http);

  return http ? yq_http_scrub (http, text) : g_strdup (text);
}

/* ---- One call: token → slot → spacing → rate limit → send → check ------- */

typedef struct
{
  YqHttp        *http;
  YqHttpRequest *request;
  YqHttpLane    *lane;
  char          *token;
  guint          attempts;
  guint          retries;
  gboolean       refreshed;
  gboolean       holds_slot;
  gboolean       spaced;
  gint64         spacing_prev_next_start;
  GCancellable  *attempt_cancellable;
  gulong         attempt_cancel_id;
  GSource       *timeout_source;
  gboolean       timed_out;
  SoupMessage   *msg;
  gint64         retry_after_us;
  GError        *last_error;
} SendData;

static void send_step_token (GTask *task);
static void send_step_slot  (GTask *task);
static void send_step_space (GTask *task);
static void send_step_pace  (GTask *task);
static void send_step_send  (GTask *task);

static void
send_data_free (SendData *sd)
{
  g_assert (!sd->holds_slot);
  g_assert (sd->timeout_source == NULL);

  g_clear_object (&sd->msg);
  g_clear_object (&sd->attempt_cancellable);
  g_clear_pointer (&sd->token, g_free);
  g_clear_error (&sd->last_error);
  g_clear_pointer (&sd->request, yq_http_request_unref);
  g_clear_object (&sd->http);
  g_free (sd);
}

static void
lane_release (YqHttp     *http,
              YqHttpLane *lane);

static void
send_release_slot (SendData *sd)
{
  if (sd->holds_slot)
    {
      sd->holds_slot = FALSE;
      lane_release (sd->http, sd->lane);
    }
}

static void
send_return_error (GTask  *task,
                   GError *error)
{
  SendData *sd = g_task_get_task_data (task);

  send_release_slot (sd);

  if (error->domain == YQ_PLATFORM_ERROR)
    {
      g_autofree char *clean = yq_http_scrub (sd->http, error->message);

      g_free (error->message);
      error->message = g_steal_pointer (&clean);
    }

  g_task_return_error (task, error);
}

static gboolean
lane_wake_cb (gpointer user_data)
{
  send_step_space (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

static void
lane_watch_free (LaneWatch *watch)
{
  g_hash_table_remove (watch->lane->watches, watch->cancellable);
  g_source_destroy (watch->source);
  g_source_unref (watch->source);
  g_object_unref (watch->cancellable);
  g_free (watch);
}

static gboolean
lane_watch_cancelled_cb (GCancellable *cancellable,
                         gpointer      user_data)
{
  LaneWatch *watch = user_data;
  GQueue *waiters = &watch->lane->waiters;
  g_autoptr(GPtrArray) cancelled = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = waiters->head, *next; l != NULL; l = next)
    {
      next = l->next;
      if (g_task_get_cancellable (l->data) == cancellable)
        {
          /* Takes over the queue's reference. */
          g_ptr_array_add (cancelled, l->data);
          g_queue_delete_link (waiters, l);
        }
    }
  lane_watch_free (watch);

  /* Returned after the lane is consistent: callbacks may queue again. */
  for (guint i = 0; i < cancelled->len; i++)
    g_task_return_error_if_cancelled (g_ptr_array_index (cancelled, i));

  return G_SOURCE_REMOVE;
}

static void
lane_watch_add (YqHttpLane *lane,
                GTask      *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  LaneWatch *watch;

  if (cancellable == NULL)
    return;

  watch = g_hash_table_lookup (lane->watches, cancellable);
  if (watch == NULL)
    {
      watch = g_new0 (LaneWatch, 1);
      watch->lane = lane;
      watch->cancellable = g_object_ref (cancellable);
      watch->source = g_cancellable_source_new (cancellable);
      g_source_set_name (watch->source, "[yq] lane cancel");
      g_source_set_callback (watch->source, G_SOURCE_FUNC (lane_watch_cancelled_cb), watch, NULL);
      g_source_attach (watch->source, g_task_get_context (task));
      g_hash_table_insert (lane->watches, cancellable, watch);
    }
  watch->n_waiters++;
}

static void
lane_watch_remove (YqHttpLane *lane,
                   GTask      *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  LaneWatch *watch = cancellable ? g_hash_table_lookup (lane->watches, cancellable) : NULL;

  if (watch != NULL && --watch->n_waiters == 0)
    lane_watch_free (watch);
}

static void
lane_wake (YqHttpLane *lane)
{
  while (lane->in_flight < lane->max_in_flight && !g_queue_is_empty (&lane->waiters))
    {
      GTask *waiter = g_queue_pop_head (&lane->waiters);
      SendData *wsd = g_task_get_task_data (waiter);
      GSource *idle;

      lane_watch_remove (lane, waiter);

      lane->in_flight++;
      lane->peak = MAX (lane->peak, lane->in_flight);
      wsd->holds_slot = TRUE;

      /* Continue from the main loop, not from inside the finishing call
       * (at the default priority, as answers are: see send_done_cb()). */
      idle = g_idle_source_new ();
      g_source_set_priority (idle, G_PRIORITY_DEFAULT);
      g_source_set_name (idle, "[yq] lane wake");
      g_source_set_callback (idle, lane_wake_cb, waiter, g_object_unref);
      g_source_attach (idle, g_task_get_context (waiter));
      g_source_unref (idle);
    }
}

static void
lane_release (YqHttp     *http,
              YqHttpLane *lane)
{
  g_assert (lane->in_flight > 0);

  lane->in_flight--;
  lane_wake (lane);
}

static void
send_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *sd = g_task_get_task_data (task);
  GError *error = NULL;

  sd->token = yq_token_source_get_finish (YQ_TOKEN_SOURCE (object), result, &error);
  if (sd->token == NULL)
    {
      send_return_error (task, error);
      return;
    }

  send_step_slot (task);
}

static void
send_step_token (GTask *task)
{
  SendData *sd = g_task_get_task_data (task);

  if (sd->request->token_source != NULL && sd->token == NULL)
    {
      yq_token_source_get_async (sd->request->token_source, sd->http,
                                 g_task_get_cancellable (task),
                                 send_token_cb, g_object_ref (task));
      return;
    }

  send_step_slot (task);
}

static void
send_step_slot (GTask *task)
{
  SendData *sd = g_task_get_task_data (task);

  if (sd->lane == NULL || sd->holds_slot)
    {
      send_step_space (task);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (sd->lane->in_flight < sd->lane->max_in_flight)
    {
      sd->lane->in_flight++;
      sd->lane->peak = MAX (sd->lane->peak, sd->lane->in_flight);
      sd->holds_slot = TRUE;
      send_step_space (task);
      return;
    }

  g_queue_push_tail (&sd->lane->waiters, g_object_ref (task));
  lane_watch_add (sd->lane, task);
}

static void
send_spaced_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *sd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!yq_sleep_finish (result, &error))
    {
      sd->lane->next_start_us = sd->spacing_prev_next_start;
      send_return_error (task, error);
      return;
    }

  send_step_pace (task);
}

static void
send_step_space (GTask *task)
{
  SendData *sd = g_task_get_task_data (task);
  gint64 now, start;

  if (sd->lane == NULL || sd->spaced || sd->lane->min_interval_us <= 0)
    {
      send_step_pace (task);
      return;
    }

  sd->spaced = TRUE;
  now = yq_http_now (sd->http);
  start = MAX (now, sd->lane->next_start_us);
  sd->spacing_prev_next_start = sd->lane->next_start_us;
  sd->lane->next_start_us = start + sd->lane->min_interval_us;

  yq_sleep_async (start - now, g_task_get_cancellable (task), send_spaced_cb, g_object_ref (task));
}

static void
send_paced_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *sd = g_task_get_task_data (task);
  GError *error = NULL;

  if (!yq_sleep_finish (result, &error))
    {
      gint64 now = yq_http_now (sd->http);

      yq_token_bucket_refund (&sd->http->bucket, now);
      if (sd->lane != NULL && sd->lane->has_bucket)
        yq_token_bucket_refund (&sd->lane->bucket, now);
      send_return_error (task, error);
      return;
    }

  send_step_send (task);
}

static void
send_step_pace (GTask *task)
{
  SendData *sd = g_task_get_task_data (task);
  gint64 now = yq_http_now (sd->http);
  gint64 delay;

  delay = yq_token_bucket_reserve (&sd->http->bucket, now);
  if (sd->lane != NULL && sd->lane->has_bucket)
    delay = MAX (delay, yq_token_bucket_reserve (&sd->lane->bucket, now));

  /* Nothing to wait for: send now, not from an idle behind every other
   * answer waiting in the main loop. */
  if (delay <= 0 && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      send_step_send (task);
      return;
    }

  yq_sleep_async (delay, g_task_get_cancellable (task), send_paced_cb, g_object_ref (task));
}

static void
forward_cancel_cb (GCancellable *outer,
                   GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  SendData *sd = user_data;

  sd->timed_out = TRUE;
  g_cancellable_cancel (sd->attempt_cancellable);
  g_clear_pointer (&sd->timeout_source, g_source_unref);

  return G_SOURCE_REMOVE;
}

static GError *
map_transport_error (const GError  *error,
                     const char    *call,
                     YqHttpVerdict *verdict)
{
  if (error->domain == G_TLS_ERROR)
    {
      *verdict = YQ_HTTP_VERDICT_FAIL;
      return yq_platform_error_new (YQ_PLATFORM_ERROR_TLS, call, error->message);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      *verdict = YQ_HTTP_VERDICT_RETRY;
      return yq_platform_error_new (YQ_PLATFORM_ERROR_TIMEOUT, call, NULL);
    }
  if (error->domain == SOUP_SESSION_ERROR)
    {
      *verdict = YQ_HTTP_VERDICT_FAIL;
      return yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call, error->message);
    }

  /* Resolver errors, refused and reset connections: nothing was answered. */
  *verdict = YQ_HTTP_VERDICT_RETRY;
  return yq_platform_error_new (YQ_PLATFORM_ERROR_NETWORK, call, error->message);
}

static gint64
parse_retry_after (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  guint64 seconds;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, 3600, &seconds, NULL))
    return 0;

  return MIN ((gint64) seconds * G_USEC_PER_SEC, MAX_RETRY_AFTER_US);
}

static void
bucket_set_rate (YqTokenBucket *bucket,
                 double         rate,
                 gint64         now_us)
{
  yq_token_bucket_refill (bucket, now_us);
  bucket->rate = rate;
}

/* The platform answered without limiting the rate. After a cut, the rate
 * grows back by about one request per second for every second of use. */
static void
http_note_accepted (YqHttp *self,
                    gint64  now_us)
{
  double ceiling = self->qps > 0 ? self->qps : RATE_UNLIMITED_QPS;

  self->accepted_us[self->accepted_next] = now_us;
  self->accepted_next = (self->accepted_next + 1) % RATE_RING;

  if (self->adapted_qps <= 0 || now_us - self->last_cut_us < RATE_WINDOW_US)
    return;

  self->adapted_qps += 1.0 / self->adapted_qps;
  if (self->adapted_qps >= ceiling)
    {
      g_debug ("request rate back to %g/s", self->qps);
      self->adapted_qps = 0;
      bucket_set_rate (&self->bucket, self->qps * RATE_HEADROOM, now_us);
    }
  else
    bucket_set_rate (&self->bucket, self->adapted_qps, now_us);
}

/* The platform limited the rate: send below what it accepted in the last
 * second, at most one cut per second, because the answers in flight were
 * refused for the same moment. */
static void
http_note_rate_limited (YqHttp *self,
                        gint64  now_us)
{
  double current = self->adapted_qps > 0 ? self->adapted_qps
                   : self->qps > 0 ? self->qps : RATE_UNLIMITED_QPS;
  guint accepted = 0;
  double target;

  if (self->last_cut_us != 0 && now_us - self->last_cut_us < RATE_WINDOW_US)
    return;

  for (guint i = 0; i < RATE_RING; i++)
    if (self->accepted_us[i] != 0 && now_us - self->accepted_us[i] < RATE_WINDOW_US)
      accepted++;

  target = RATE_CUT * (accepted > 0 ? MIN (current, (double) accepted) : current / 2);
  target = MAX (target, RATE_FLOOR_QPS);

  g_debug ("the platform limits the request rate; sending at most %.1f/s", target);
  self->adapted_qps = target;
  self->last_cut_us = now_us;
  bucket_set_rate (&self->bucket, target, now_us);
  self->bucket.tokens = MIN (self->bucket.tokens, 0);
}

static void
send_backoff_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!yq_sleep_finish (result, &error))
    {
      send_return_error (task, error);
      return;
    }

  send_step_pace (task);
}

typedef struct
{
  GObject      *session;
  GAsyncResult *result;
  GTask        *task;
} Answer;

static void send_answer (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data);

static gboolean
send_answer_cb (gpointer user_data)
{
  Answer *answer = user_data;

  send_answer (answer->session, answer->result, answer->task);
  g_object_unref (answer->session);
  g_object_unref (answer->result);
  g_free (answer);

  return G_SOURCE_REMOVE;
}

/* Checks (parses) the answer from the next iteration of the main loop:
 * the network I/O of the other requests in flight that is ready goes
 * first, instead of waiting behind every parse. At the default priority,
 * not an idle one: a main loop that always has something of higher
 * priority ready (an application's redraws while a spinner turns on a
 * busy machine, a service's steady intake) would never get to it. */
static void
send_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Answer *answer = g_new (Answer, 1);
  GSource *idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_DEFAULT);

  answer->session = g_object_ref (object);
  answer->result = g_object_ref (result);
  answer->task = user_data;
  g_source_set_name (idle, "[yq] answer");
  g_source_set_callback (idle, send_answer_cb, answer, NULL);
  g_source_attach (idle, g_task_get_context (answer->task));
  g_source_unref (idle);
}

static void
send_answer (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *sd = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) transport_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;
  YqHttpVerdict verdict;
  guint status = 0;
  guint max_attempts;
  gboolean rate_limited = FALSE;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &transport_error);

  if (sd->timeout_source)
    {
      g_source_destroy (sd->timeout_source);
      g_clear_pointer (&sd->timeout_source, g_source_unref);
    }
  if (sd->attempt_cancel_id != 0)
    {
      g_cancellable_disconnect (cancellable, sd->attempt_cancel_id);
      sd->attempt_cancel_id = 0;
    }

  if (body == NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          send_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                        _("The operation was cancelled.")));
          return;
        }

      if (sd->timed_out)
        {
          verdict = YQ_HTTP_VERDICT_RETRY;
          error = yq_platform_error_new (YQ_PLATFORM_ERROR_TIMEOUT, sd->request->call, NULL);
        }
      else
        error = map_transport_error (transport_error, sd->request->call, &verdict);

      {
        g_autofree char *clean = yq_http_scrub (sd->http, transport_error
                                                            ? transport_error->message
                                                            : "timeout");

        g_debug ("%s: attempt %u failed: %s", sd->request->call, sd->attempts, clean);
      }
    }
  else
    {
      status = soup_message_get_status (sd->msg);
      g_debug ("%s: attempt %u: HTTP %u, %" G_GSIZE_FORMAT " bytes",
               sd->request->call, sd->attempts, status, g_bytes_get_size (body));

      g_private_set (&checking_http, sd->http);
      verdict = sd->request->check (sd->request->user_data, sd->msg, body, &node, &error);
      g_private_set (&checking_http, NULL);
      if (verdict != YQ_HTTP_VERDICT_OK && error == NULL)
        error = yq_http_error_for_status (sd->msg, sd->request->call, NULL);
      if (verdict == YQ_HTTP_VERDICT_FAIL && (status == 429 || status >= 500))
        verdict = YQ_HTTP_VERDICT_RETRY;
      if (verdict == YQ_HTTP_VERDICT_RETRY)
        sd->retry_after_us = parse_retry_after (sd->msg);

      rate_limited = verdict == YQ_HTTP_VERDICT_RETRY &&
                     (status == 429 ||
                      g_error_matches (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_RATE_LIMITED));
      if (rate_limited)
        http_note_rate_limited (sd->http, yq_http_now (sd->http));
      else
        http_note_accepted (sd->http, yq_http_now (sd->http));
    }

  switch (verdict)
    {
    case YQ_HTTP_VERDICT_OK:
      g_assert (node != NULL);
      send_release_slot (sd);
      g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
      return;

    case YQ_HTTP_VERDICT_TOKEN_INVALID:
      if (sd->request->token_source != NULL && !sd->refreshed)
        {
          g_debug ("%s: access token refused; renewing it once", sd->request->call);
          sd->refreshed = TRUE;
          g_clear_error (&error);
          yq_token_source_invalidate (sd->request->token_source, sd->token);
          g_clear_pointer (&sd->token, g_free);
          /* Keeps the slot: token requests are unqueued, so this cannot wait for itself. */
          send_step_token (task);
          return;
        }
      send_return_error (task, error);
      return;

    case YQ_HTTP_VERDICT_RETRY:
      max_attempts = sd->request->max_attempts ? sd->request->max_attempts : sd->http->max_attempts;
      if (sd->attempts < max_attempts)
        {
          gint64 delay = yq_http_backoff_delay (sd->retries++, sd->http->backoff_base_us,
                                                sd->http->backoff_cap_us,
                                                g_rand_int (sd->http->rand));

          delay = MAX (delay, sd->retry_after_us);
          /* Platform limits count per second: a retry within the same
           * second would be refused again. */
          if (rate_limited && sd->retry_after_us == 0)
            {
              gint32 jitter = (gint32) MIN (MAX (1, sd->http->backoff_base_us), G_MAXINT32);

              delay = MAX (delay, RATE_LIMIT_MIN_WAIT_US +
                                  g_rand_int_range (sd->http->rand, 0, jitter));
            }
          g_debug ("%s: transient failure, retrying in %" G_GINT64_FORMAT " ms",
                   sd->request->call, delay / 1000);
          g_clear_error (&sd->last_error);
          sd->last_error = error;
          yq_sleep_async (delay, cancellable, send_backoff_cb, g_object_ref (task));
          return;
        }
      send_return_error (task, error);
      return;

    case YQ_HTTP_VERDICT_FAIL:
    default:
      send_return_error (task, error);
      return;
    }
}

static void
send_step_send (GTask *task)
{
  SendData *sd = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (g_cancellable_is_cancelled (cancellable))
    {
      send_release_slot (sd);
      g_task_return_error_if_cancelled (task);
      return;
    }

  g_clear_object (&sd->msg);
  sd->msg = sd->request->build (sd->request->user_data, sd->token, &error);
  if (sd->msg == NULL)
    {
      send_return_error (task, error);
      return;
    }

  /* Every request may be sent again: timeouts and reset connections are
   * retried, and writes carry the platform's idempotency keys. So it may
   * also go over a kept-alive connection; libsoup opens a new connection
   * for each request it has to treat as non-idempotent (any POST), which
   * is a TLS handshake per call in production. */
  soup_message_add_flags (sd->msg, SOUP_MESSAGE_IDEMPOTENT);
  yq_http_message_set_no_delay (sd->msg);

  sd->attempts++;
  sd->http->calls++;
  if (sd->request->counter)
    (*sd->request->counter)++;

  g_clear_object (&sd->attempt_cancellable);
  sd->attempt_cancellable = g_cancellable_new ();
  sd->timed_out = FALSE;
  if (cancellable != NULL)
    sd->attempt_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                   g_object_ref (sd->attempt_cancellable),
                                                   g_object_unref);

  sd->timeout_source = g_timeout_source_new (sd->http->timeout_ms);
  g_source_set_name (sd->timeout_source, "[yq] request timeout");
  g_source_set_callback (sd->timeout_source, attempt_timeout_cb, sd, NULL);
  g_source_attach (sd->timeout_source, g_task_get_context (task));

  soup_session_send_and_read_async (sd->http->session, sd->msg, G_PRIORITY_DEFAULT,
                                    sd->attempt_cancellable, send_done_cb, g_object_ref (task));
}

/**
 * yq_http_send_async:
 * @self: a #YqHttp
 * @request: the request
 * @cancellable: (nullable): a #GCancellable; a cancel ends waits at once
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Sends @request: gets its access token (from the cache when it is still
 * fresh), waits for a slot in its lane and for the rate limiter, then sends
 * and checks the answer. Network errors, timeouts, HTTP 429/5xx and what the
 * check calls transient are retried with backoff; a refused token is renewed
 * once. When the platform limits the rate (HTTP 429 or
 * %YQ_PLATFORM_ERROR_RATE_LIMITED), the retry waits at least a second and
 * the connector sends below what the platform accepted in the last second,
 * growing back to the configured rate while nothing is refused.
 */
void
yq_http_send_async (YqHttp              *self,
                    YqHttpRequest       *request,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *sd;

  g_return_if_fail (YQ_IS_HTTP (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_http_send_async);
  g_task_set_name (task, request->call);

  sd = g_new0 (SendData, 1);
  sd->http = g_object_ref (self);
  sd->request = yq_http_request_ref (request);
  sd->lane = request->unqueued ? NULL : (request->lane ? request->lane : self->default_lane);
  g_task_set_task_data (task, sd, (GDestroyNotify) send_data_free);

  send_step_token (task);
}

/**
 * yq_http_send_finish:
 * @self: a #YqHttp
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): what the request's check returned
 */
JsonNode *
yq_http_send_finish (YqHttp        *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (YQ_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Token source                                                              */
/* ------------------------------------------------------------------------ */

typedef struct
{
  GTask   *task;
  GSource *cancel_source;
} TokenWaiter;

struct _YqTokenSource
{
  GObject             parent_instance;

  char               *name;
  YqHttpRequest      *fetch;
  YqTokenExtractFunc  extract;
  gpointer            extract_data;
  GDestroyNotify      extract_destroy;
  YqClockFunc         clock;
  gpointer            clock_data;
  gint64              default_ttl_s;
  char               *token;
  gint64              refresh_at_us;
  GPtrArray          *waiters;
  gboolean            fetching;
  guint               fetch_count;
};

G_DEFINE_FINAL_TYPE (YqTokenSource, yq_token_source, G_TYPE_OBJECT)

static void
token_waiter_free (TokenWaiter *waiter)
{
  if (waiter->cancel_source)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static void
yq_token_source_finalize (GObject *object)
{
  YqTokenSource *self = (YqTokenSource *)object;

  g_assert (self->waiters->len == 0);

  if (self->extract_destroy)
    self->extract_destroy (self->extract_data);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->fetch, yq_http_request_unref);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (yq_token_source_parent_class)->finalize (object);
}

static void
yq_token_source_class_init (YqTokenSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_token_source_finalize;
}

static void
yq_token_source_init (YqTokenSource *self)
{
  self->clock = default_clock;
  self->default_ttl_s = 7200;
  self->waiters = g_ptr_array_new ();
}

/**
 * yq_token_source_new:
 * @name: a name for debug output, e.g. "zwdd app token"
 * @fetch: the request that obtains a token
 * @extract: reads the token and its lifetime from @fetch's result
 * @user_data: data for @extract
 * @destroy: (nullable): frees @user_data
 *
 * A cache for one access token (one per app, scope and tenant). Every
 * caller shares the cached token until its lifetime minus
 * yq_http_token_refresh_margin() has passed; concurrent callers that find
 * no fresh token wait for a single request.
 *
 * Returns: (transfer full): a new token source
 */
YqTokenSource *
yq_token_source_new (const char         *name,
                     YqHttpRequest      *fetch,
                     YqTokenExtractFunc  extract,
                     gpointer            user_data,
                     GDestroyNotify      destroy)
{
  YqTokenSource *self;

  g_return_val_if_fail (fetch != NULL, NULL);
  g_return_val_if_fail (extract != NULL, NULL);

  self = g_object_new (YQ_TYPE_TOKEN_SOURCE, NULL);
  self->name = g_strdup (name);
  self->fetch = yq_http_request_ref (fetch);
  yq_http_request_set_unqueued (self->fetch, TRUE);
  self->extract = extract;
  self->extract_data = user_data;
  self->extract_destroy = destroy;

  return self;
}

void
yq_token_source_set_clock (YqTokenSource *self,
                           YqClockFunc    clock,
                           gpointer       user_data)
{
  g_return_if_fail (YQ_IS_TOKEN_SOURCE (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
}

/**
 * yq_token_source_set_default_ttl:
 * @self: a token source
 * @ttl_s: the lifetime assumed when the platform does not state one
 */
void
yq_token_source_set_default_ttl (YqTokenSource *self,
                                 gint64         ttl_s)
{
  g_return_if_fail (YQ_IS_TOKEN_SOURCE (self));
  g_return_if_fail (ttl_s > 0);

  self->default_ttl_s = ttl_s;
}

/**
 * yq_token_source_peek:
 * @self: a token source
 *
 * Returns: (nullable): the cached token if it is still fresh
 */
const char *
yq_token_source_peek (YqTokenSource *self)
{
  g_return_val_if_fail (YQ_IS_TOKEN_SOURCE (self), NULL);

  if (self->token != NULL && self->clock (self->clock_data) < self->refresh_at_us)
    return self->token;

  return NULL;
}

/**
 * yq_token_source_store:
 * @self: a token source
 * @token: a token
 * @expires_in_s: its lifetime in seconds; 0 or less for the default TTL
 *
 * Caches @token until @expires_in_s minus the refresh margin.
 */
void
yq_token_source_store (YqTokenSource *self,
                       const char    *token,
                       gint64         expires_in_s)
{
  gint64 ttl;

  g_return_if_fail (YQ_IS_TOKEN_SOURCE (self));
  g_return_if_fail (token != NULL);

  ttl = expires_in_s > 0 ? expires_in_s : self->default_ttl_s;

  g_free (self->token);
  self->token = g_strdup (token);
  self->refresh_at_us = self->clock (self->clock_data)
                        + (ttl - yq_http_token_refresh_margin (ttl)) * G_USEC_PER_SEC;
}

/**
 * yq_token_source_invalidate:
 * @self: a token source
 * @token: (nullable): the token that was refused; %NULL drops any token
 *
 * Drops the cached token, unless it has already been replaced by a newer
 * one than @token (another request renewed it meanwhile).
 */
void
yq_token_source_invalidate (YqTokenSource *self,
                            const char    *token)
{
  g_return_if_fail (YQ_IS_TOKEN_SOURCE (self));

  if (token == NULL || g_strcmp0 (token, self->token) == 0)
    {
      g_clear_pointer (&self->token, g_free);
      self->refresh_at_us = 0;
    }
}

guint
yq_token_source_get_fetch_count (YqTokenSource *self)
{
  g_return_val_if_fail (YQ_IS_TOKEN_SOURCE (self), 0);

  return self->fetch_count;
}

static gboolean
token_waiter_cancelled_cb (GCancellable *cancellable,
                           gpointer      user_data)
{
  TokenWaiter *waiter = user_data;
  YqTokenSource *self = g_task_get_source_object (waiter->task);

  g_ptr_array_remove (self->waiters, waiter);
  g_clear_pointer (&waiter->cancel_source, g_source_unref);
  g_task_return_error_if_cancelled (waiter->task);
  token_waiter_free (waiter);

  return G_SOURCE_REMOVE;
}

static void
token_fetch_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(YqTokenSource) self = user_data;
  YqHttp *http = YQ_HTTP (object);
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 expires_in = 0;

  self->fetching = FALSE;

  node = yq_http_send_finish (http, result, &error);
  if (node != NULL)
    {
      if (self->extract (node, &token, &expires_in, self->extract_data) && token && *token)
        {
          yq_http_remember_token (http, token);
          yq_token_source_store (self, token, expires_in);
          g_debug ("%s: new token, valid for %" G_GINT64_FORMAT " s",
                   self->name, expires_in > 0 ? expires_in : self->default_ttl_s);
        }
      else
        error = yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE,
                                       yq_http_request_get_call (self->fetch),
                                       _("no access token in the answer"));
    }

  waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new ();

  for (guint i = 0; i < waiters->len; i++)
    {
      TokenWaiter *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter->task, g_error_copy (error));
      else
        g_task_return_pointer (waiter->task, g_strdup (token), g_free);
      token_waiter_free (waiter);
    }
}

/**
 * yq_token_source_get_async:
 * @self: a token source
 * @http: the HTTP layer that sends the token request
 * @cancellable: (nullable): ends this caller's wait; a shared token request
 *   in flight goes on for the other callers
 * @callback: called with the token
 * @user_data: data for @callback
 */
void
yq_token_source_get_async (YqTokenSource       *self,
                           YqHttp              *http,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *token;
  TokenWaiter *waiter;

  g_return_if_fail (YQ_IS_TOKEN_SOURCE (self));
  g_return_if_fail (YQ_IS_HTTP (http));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_token_source_get_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  token = yq_token_source_peek (self);
  if (token != NULL)
    {
      g_task_return_pointer (task, g_strdup (token), g_free);
      return;
    }

  waiter = g_new0 (TokenWaiter, 1);
  waiter->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (token_waiter_cancelled_cb),
                             waiter, NULL);
      g_source_attach (waiter->cancel_source, g_task_get_context (waiter->task));
    }
  g_ptr_array_add (self->waiters, waiter);

  if (!self->fetching)
    {
      self->fetching = TRUE;
      self->fetch_count++;
      yq_http_send_async (http, self->fetch, NULL, token_fetch_cb, g_object_ref (self));
    }
}

char *
yq_token_source_get_finish (YqTokenSource  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (YQ_IS_TOKEN_SOURCE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * yq_http_message_clock_skew:
 * @msg: a message with a response
 * @now_unix_s: this computer's time
 * @skew_s: (out): the server's time minus @now_unix_s
 *
 * Returns: %TRUE if the response had a usable `Date` header
 */
gboolean
yq_http_message_clock_skew (SoupMessage *msg,
                            gint64       now_unix_s,
                            gint64      *skew_s)
{
  const char *date;
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), FALSE);

  date = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  if (date == NULL)
    return FALSE;
  dt = soup_date_time_new_from_http_string (date);
  if (dt == NULL)
    return FALSE;

  *skew_s = g_date_time_to_unix (dt) - now_unix_s;
  return TRUE;
}

/**
 * yq_http_error_for_status:
 * @msg: a message with a failed HTTP status
 * @call: the call, for the message
 * @detail: (nullable): platform details
 *
 * Maps an HTTP status to the platform error that best explains it, for
 * answers whose body says nothing more useful.
 *
 * Returns: (transfer full): the error
 */
GError *
yq_http_error_for_status (SoupMessage *msg,
                          const char  *call,
                          const char  *detail)
{
  guint status = soup_message_get_status (msg);
  g_autofree char *fallback = NULL;

  if (detail == NULL)
    detail = fallback = g_strdup_printf ("HTTP %u", status);

  if (status == 401 || status == 403)
    return yq_platform_error_new (YQ_PLATFORM_ERROR_AUTH, call, detail);
  if (status == 408 || status == 504)
    return yq_platform_error_new (YQ_PLATFORM_ERROR_TIMEOUT, call, detail);
  if (status == 429)
    return yq_platform_error_new (YQ_PLATFORM_ERROR_RATE_LIMITED, call, detail);
  if (status >= 500)
    return yq_platform_error_new (YQ_PLATFORM_ERROR_SERVER, call, detail);

  return yq_platform_error_new (YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE, call, detail);
}

/**
 * yq_http_form_encode:
 * @names: parameter names
 * @values: parameter values, one per name; a name may repeat
 *
 * Encodes parameters as `application/x-www-form-urlencoded`, one field per
 * value and in the given order, with every byte that is not unreserved
 * percent-encoded (so `+` and spaces survive every decoder).
 *
 * Returns: (transfer full): the encoded form
 */
char *
yq_http_form_encode (GPtrArray *names,
                     GPtrArray *values)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (names->len == values->len, NULL);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *n = g_uri_escape_string (g_ptr_array_index (names, i), NULL, FALSE);
      g_autofree char *v = g_uri_escape_string (g_ptr_array_index (values, i), NULL, FALSE);

      if (i > 0)
        g_string_append_c (s, '&');
      g_string_append (s, n);
      g_string_append_c (s, '=');
      g_string_append (s, v);
    }

  return g_string_free (s, FALSE);
}
