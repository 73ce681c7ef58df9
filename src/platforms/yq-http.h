/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/**
 * YqClockFunc:
 * @user_data: closure data
 *
 * A monotonic clock in microseconds; tests replace it to drive rate limits
 * and token expiry without sleeping.
 *
 * Returns: the current time in microseconds
 */
typedef gint64 (*YqClockFunc) (gpointer user_data);

#define YQ_HTTP_DEFAULT_TIMEOUT_MS      5000
#define YQ_HTTP_DEFAULT_MAX_ATTEMPTS    4
#define YQ_HTTP_DEFAULT_CONCURRENCY     8
#define YQ_HTTP_MAX_CONCURRENCY         64
#define YQ_HTTP_DEFAULT_BACKOFF_BASE_MS 250
#define YQ_HTTP_DEFAULT_BACKOFF_CAP_MS  8000

/* ---- Token bucket (pure; the caller supplies the time) ---------------- */

/**
 * YqTokenBucket:
 *
 * A token bucket that hands out reservations: yq_token_bucket_reserve()
 * takes a token now and says how long the caller must wait before using it,
 * so concurrent callers are spaced out in the order they asked.
 */
typedef struct
{
  double rate;       /* tokens per second; <= 0 means unlimited */
  double capacity;   /* burst size */
  double tokens;     /* may go negative: outstanding reservations */
  gint64 last_us;
} YqTokenBucket;

void     yq_token_bucket_init         (YqTokenBucket *bucket,
                                       double         rate,
                                       double         capacity,
                                       gint64         now_us);
gint64   yq_token_bucket_reserve      (YqTokenBucket *bucket,
                                       gint64         now_us);
void     yq_token_bucket_refund       (YqTokenBucket *bucket,
                                       gint64         now_us);

gint64   yq_http_backoff_delay        (guint          retry,
                                       gint64         base_us,
                                       gint64         cap_us,
                                       guint32        random);
gint64   yq_http_token_refresh_margin (gint64         expires_in_s);
/* Sends small writes at once (TCP_NODELAY). libsoup writes a request or an
 * answer as headers, then body; without it the body waits for the peer's
 * delayed acknowledgement of the headers. */
void     yq_http_socket_set_no_delay  (GSocket       *socket);
void     yq_http_message_set_no_delay (SoupMessage   *msg);

/* ---- Requests -------------------------------------------------------- */

/**
 * YqHttpVerdict:
 * @YQ_HTTP_VERDICT_OK: the call succeeded; the result is returned
 * @YQ_HTTP_VERDICT_FAIL: a final failure; the error is returned
 * @YQ_HTTP_VERDICT_RETRY: a transient failure; back off and send again
 * @YQ_HTTP_VERDICT_TOKEN_INVALID: the access token was refused; renew it
 *   once and send again
 *
 * What a response check decided about one attempt.
 */
typedef enum
{
  YQ_HTTP_VERDICT_OK,
  YQ_HTTP_VERDICT_FAIL,
  YQ_HTTP_VERDICT_RETRY,
  YQ_HTTP_VERDICT_TOKEN_INVALID,
} YqHttpVerdict;

/**
 * YqHttpBuildFunc:
 * @user_data: the request's data
 * @token: (nullable): the access token, when the request has a token source
 * @error: return location for an error
 *
 * Builds the message for one attempt. It is called again for every retry,
 * so signatures, timestamps and nonces are fresh each time.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error set
 */
typedef SoupMessage  *(*YqHttpBuildFunc) (gpointer     user_data,
                                          const char  *token,
                                          GError     **error);

/**
 * YqHttpCheckFunc:
 * @user_data: the request's data
 * @msg: the message, with status and response headers
 * @body: the response body
 * @result: (out): the parsed result on success
 * @error: return location for the error of a failed attempt
 *
 * Parses one answer. The HTTP layer retries a %YQ_HTTP_VERDICT_FAIL with
 * status 429 or 5xx as if it were %YQ_HTTP_VERDICT_RETRY.
 *
 * Returns: the verdict; @error is set for every verdict but OK
 */
typedef YqHttpVerdict (*YqHttpCheckFunc) (gpointer      user_data,
                                          SoupMessage  *msg,
                                          GBytes       *body,
                                          JsonNode    **result,
                                          GError      **error);

typedef struct _YqHttpRequest YqHttpRequest;
typedef struct _YqHttpLane    YqHttpLane;

#define YQ_TYPE_TOKEN_SOURCE (yq_token_source_get_type ())
G_DECLARE_FINAL_TYPE (YqTokenSource, yq_token_source, YQ, TOKEN_SOURCE, GObject)

#define YQ_TYPE_HTTP (yq_http_get_type ())
G_DECLARE_FINAL_TYPE (YqHttp, yq_http, YQ, HTTP, GObject)

#define YQ_TYPE_HTTP_REQUEST (yq_http_request_get_type ())
GType          yq_http_request_get_type          (void) G_GNUC_CONST;
YqHttpRequest *yq_http_request_new               (const char      *call,
                                                  YqHttpBuildFunc  build,
                                                  YqHttpCheckFunc  check,
                                                  gpointer         user_data,
                                                  GDestroyNotify   destroy);
YqHttpRequest *yq_http_request_ref               (YqHttpRequest   *request);
void           yq_http_request_unref             (YqHttpRequest   *request);
const char    *yq_http_request_get_call          (YqHttpRequest   *request);
void           yq_http_request_set_token_source  (YqHttpRequest   *request,
                                                  YqTokenSource   *source);
void           yq_http_request_set_lane          (YqHttpRequest   *request,
                                                  YqHttpLane      *lane);
void           yq_http_request_set_unqueued      (YqHttpRequest   *request,
                                                  gboolean         unqueued);
void           yq_http_request_set_max_attempts  (YqHttpRequest   *request,
                                                  guint            max_attempts);
void           yq_http_request_set_call_counter  (YqHttpRequest   *request,
                                                  guint           *counter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqHttpRequest, yq_http_request_unref)

/* ---- Token source ------------------------------------------------------ */

/**
 * YqTokenExtractFunc:
 * @result: the parsed result of the token request
 * @token: (out): the token
 * @expires_in_s: (out): its lifetime in seconds, or 0 when not given
 * @user_data: closure data
 *
 * Returns: %TRUE if @result held a token
 */
typedef gboolean (*YqTokenExtractFunc) (JsonNode  *result,
                                        char     **token,
                                        gint64    *expires_in_s,
                                        gpointer   user_data);

YqTokenSource *yq_token_source_new               (const char         *name,
                                                  YqHttpRequest      *fetch,
                                                  YqTokenExtractFunc  extract,
                                                  gpointer            user_data,
                                                  GDestroyNotify      destroy);
void           yq_token_source_set_clock         (YqTokenSource      *self,
                                                  YqClockFunc         clock,
                                                  gpointer            user_data);
void           yq_token_source_set_default_ttl   (YqTokenSource      *self,
                                                  gint64              ttl_s);
const char    *yq_token_source_peek              (YqTokenSource      *self);
void           yq_token_source_store             (YqTokenSource      *self,
                                                  const char         *token,
                                                  gint64              expires_in_s);
void           yq_token_source_invalidate        (YqTokenSource      *self,
                                                  const char         *token);
guint          yq_token_source_get_fetch_count   (YqTokenSource      *self);
void           yq_token_source_get_async         (YqTokenSource      *self,
                                                  YqHttp             *http,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
char          *yq_token_source_get_finish        (YqTokenSource      *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

/* ---- HTTP client ------------------------------------------------------- */

YqHttp        *yq_http_new                       (void);
SoupSession   *yq_http_get_session               (YqHttp          *self);
void           yq_http_set_timeout               (YqHttp          *self,
                                                  guint            timeout_ms);
guint          yq_http_get_timeout               (YqHttp          *self);
void           yq_http_set_max_attempts          (YqHttp          *self,
                                                  guint            max_attempts);
void           yq_http_set_backoff               (YqHttp          *self,
                                                  guint            base_ms,
                                                  guint            cap_ms);
void           yq_http_set_qps                   (YqHttp          *self,
                                                  double           qps);
double         yq_http_get_qps                   (YqHttp          *self);
void           yq_http_set_burst                 (YqHttp          *self,
                                                  double           burst);
void           yq_http_set_concurrency           (YqHttp          *self,
                                                  guint            concurrency);
guint          yq_http_get_concurrency           (YqHttp          *self);
void           yq_http_set_clock                 (YqHttp          *self,
                                                  YqClockFunc      clock,
                                                  gpointer         user_data);
gint64         yq_http_now                       (YqHttp          *self);
guint          yq_http_get_call_count            (YqHttp          *self);
guint          yq_http_get_max_in_flight         (YqHttp          *self);
YqHttpLane    *yq_http_add_lane                  (YqHttp          *self,
                                                  const char      *name,
                                                  guint            max_in_flight,
                                                  gint64           min_interval_us,
                                                  double           qps);
void           yq_http_lane_set_min_interval     (YqHttpLane      *lane,
                                                  gint64           min_interval_us);
void           yq_http_lane_note_start           (YqHttpLane      *lane,
                                                  gint64           start_us);
void           yq_http_add_secret                (YqHttp          *self,
                                                  const char      *secret);
char          *yq_http_scrub                     (YqHttp          *self,
                                                  const char      *text);
char          *yq_http_scrub_current             (const char      *text);
void           yq_http_send_async                (YqHttp          *self,
                                                  YqHttpRequest   *request,
                                                  GCancellable    *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer         user_data);
JsonNode      *yq_http_send_finish               (YqHttp          *self,
                                                  GAsyncResult    *result,
                                                  GError         **error);

/* ---- Helpers for platform clients ---------------------------------------- */

gboolean       yq_http_message_clock_skew        (SoupMessage     *msg,
                                                  gint64           now_unix_s,
                                                  gint64          *skew_s);
GError        *yq_http_error_for_status          (SoupMessage     *msg,
                                                  const char      *call,
                                                  const char      *detail);
char          *yq_http_form_encode               (GPtrArray       *names,
                                                  GPtrArray       *values);
void           yq_sleep_async                    (gint64           delay_us,
                                                  GCancellable    *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer         user_data);
gboolean       yq_sleep_finish                   (GAsyncResult    *result,
                                                  GError         **error);

G_END_DECLS
