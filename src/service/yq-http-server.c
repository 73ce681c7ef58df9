/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The HTTP endpoints of the service (see docs/oa-integration.md):
 *
 *   GET|POST /login/app/ID        login-free entry of app ID: 政务钉钉 auth
 *                                 code (code), 云之家 light-app ticket
 *                                 (ticket); optional target=URL
 *   GET|POST /login/bind          the manual binding form
 *   GET      /sso/validate        ticket=T[&app=ID] → JSON, once per ticket
 *   GET|POST /qr/new              connector=ID → JSON QR-code login request
 *   GET      /qr/ID.png, .svg     the QR code of a request
 *   GET      /qr/ID/poll          JSON state; yields the ticket once
 *   GET      /qr/ID/scan          what the phone opens
 *   POST     /qr/ID/confirm       the 云之家 confirm form
 *   GET      /qr/callback         the 政务钉钉 QR OAuth callback
 *   POST     /api/v1/messages     OA message intake (bearer token; see
 *                                 docs/push-api.md)
 *
 * Pages are small, self-contained HTML for phones, in Chinese unless the
 * browser asks for English first. Every page is sent with no-store,
 * no-referrer (tickets travel in URLs) and a strict content policy.
 */

#define G_LOG_DOMAIN "yq-http"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "yq-http.h"
#include "yq-http-server.h"
#include "yq-login-flow.h"
#include "yq-page-text.h"
#include "yq-push-inbox.h"
#include "yq-ticket.h"

/* How long a person has to fill in the binding form. */
#define PENDING_TTL_SECONDS (10 * 60)
#define PENDING_MAX         10000
#define COOKIE_NAME         "yq_login"
#define MAX_BODY            (16 * 1024)
#define QR_MODULE_SIZE      6
/* Not named in libsoup 3.2. */
#define STATUS_TOO_MANY_REQUESTS 429
#define ZWDD_JSAPI          "https://g.alicdn.com/gdt/jsapi/1.9.22/index.js"

/* A login between two requests: someone to bind, or a 云之家 QR-code
 * request to confirm. */
typedef struct
{
  char   *id;
  char   *csrf;
  gint64  app_id;
  char   *platform_id;
  char   *name;
  char   *target;
  char   *qr_session;
  /* Set when the person is bound and only has to confirm. */
  char   *oa_account;
  gint64  expires_at;
} Pending;

struct _YqHttpServer
{
  GObject       parent_instance;

  SoupServer   *server;
  char         *address;
  char         *listen_setting;
  YqStore      *store;
  YqSecrets    *secrets;
  YqLoginFlow  *flow;
  YqPageText   *text;
  GHashTable   *pending;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (YqHttpServer, yq_http_server, G_TYPE_OBJECT)

enum {
  SIGNAL_MESSAGE_ACCEPTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One request being answered, possibly after a platform call. */
typedef struct
{
  YqHttpServer      *self;
  SoupServerMessage *msg;
  gboolean           zh;
  char              *target;
  char              *pending_id;
  char              *qr_session;
  /* 云之家 QR-code login: a bound person confirms on a form first. */
  gboolean           confirm_on_phone;
  gint64             started_usec;
} Request;

static void
pending_free (Pending *pending)
{
  g_free (pending->id);
  g_free (pending->csrf);
  g_free (pending->platform_id);
  g_free (pending->name);
  g_free (pending->target);
  g_free (pending->qr_session);
  g_free (pending->oa_account);
  g_free (pending);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const char *T (Request    *request,
                      const char *msgid) G_GNUC_FORMAT (2);

static const char *
T (Request    *request,
   const char *msgid)
{
  return yq_page_text_get (request->self->text, request->zh, msgid);
}

static Request *
request_new (YqHttpServer      *self,
             SoupServerMessage *msg)
{
  Request *request = g_new0 (Request, 1);
  const char *accept;

  request->self = g_object_ref (self);
  request->msg = g_object_ref (msg);
  request->started_usec = g_get_monotonic_time ();
  accept = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Accept-Language");
  request->zh = yq_page_text_wants_zh (accept);

  return request;
}

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_object_unref (request->msg);
  g_free (request->target);
  g_free (request->pending_id);
  g_free (request->qr_session);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

/* 256 bits from the kernel, base64url without padding. */
static char *
random_token (void)
{
  guint8 bytes[32];
  gsize filled = 0;
  g_autofree char *encoded = NULL;

  while (filled < sizeof bytes)
    {
      gssize n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0 && errno != EINTR)
        g_error ("Cannot read random bytes: %s", g_strerror (errno));
      if (n > 0)
        filled += (gsize) n;
    }

  encoded = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');

  return g_steal_pointer (&encoded);
}

static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize length_a, length_b;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;

  length_a = strlen (a);
  length_b = strlen (b);
  if (length_a != length_b)
    return FALSE;

  for (gsize i = 0; i < length_a; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];

  return diff == 0;
}

/* Responses ------------------------------------------------------------------ */

static void
set_common_headers (SoupServerMessage *msg,
                    const char        *policy)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Content-Security-Policy", policy);
}

#define PAGE_POLICY "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; " \
                    "frame-ancestors 'none'; base-uri 'none'"

static const char page_style[] =
  "body{font-family:-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;margin:0;"
  "background:#f6f5f4;color:#1e1e1e}"
  "main{max-width:26rem;margin:0 auto;padding:2rem 1.25rem}"
  "h1{font-size:1.35rem;margin:0 0 1rem}"
  "p{line-height:1.6}"
  ".error{background:#fbe3e4;color:#a51d2d;padding:.75rem 1rem;border-radius:.5rem}"
  "label{display:block;margin:1rem 0 .35rem;font-weight:600}"
  "input{box-sizing:border-box;width:100%;font-size:1rem;padding:.7rem;border:1px solid #c0bfbc;"
  "border-radius:.5rem;background:#fff}"
  "button{margin-top:1.5rem;width:100%;font-size:1.05rem;padding:.8rem;border:0;"
  "border-radius:.5rem;background:#3584e4;color:#fff}";

static void
send_page (Request    *request,
           guint       status,
           const char *title,
           const char *body_html,
           const char *policy)
{
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *html = NULL;

  html = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width, "
                          "initial-scale=1\"><title>%s</title><style>%s</style></head>"
                          "<body><main><h1>%s</h1>%s</main></body></html>\n",
                          request->zh ? "zh-CN" : "en", escaped_title, page_style,
                          escaped_title, body_html);

  set_common_headers (request->msg, policy != NULL ? policy : PAGE_POLICY);
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    html, strlen (html));
}

/* A page that says one thing. */
static void
send_message_page (Request    *request,
                   guint       status,
                   const char *title,
                   const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  g_autofree char *body = g_strdup_printf ("<p>%s</p>", escaped);

  send_page (request, status, title, body, NULL);
}

static void
send_error_page (Request    *request,
                 guint       status,
                 const char *message)
{
  send_message_page (request, status, T (request, N_("Cannot sign in")), message);
}

static void
send_json (SoupServerMessage *msg,
           guint              status,
           JsonBuilder       *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length;
  g_autofree char *data = NULL;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  set_common_headers (msg, "default-src 'none'; frame-ancestors 'none'");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, data, length);
}

static void
send_json_error (SoupServerMessage *msg,
                 guint              status,
                 const char        *code,
                 const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  send_json (msg, status, builder);
}

static void
send_redirect (SoupServerMessage *msg,
               guint              status,
               const char        *location)
{
  set_common_headers (msg, PAGE_POLICY);
  soup_server_message_set_redirect (msg, status, location);
}

/* Request helpers ------------------------------------------------------------ */

/* Form fields of a POST, else the query. */
static GHashTable *
read_params (SoupServerMessage *msg,
             GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  SoupMessageBody *body;
  g_autoptr(GBytes) bytes = NULL;
  const char *type;

  if (g_strcmp0 (method, "POST") != 0)
    return query != NULL ? g_hash_table_ref (query)
                         : g_hash_table_new (g_str_hash, g_str_equal);

  type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                NULL);
  body = soup_server_message_get_request_body (msg);
  bytes = soup_message_body_flatten (body);
  if (g_strcmp0 (type, "application/x-www-form-urlencoded") == 0 &&
      g_bytes_get_size (bytes) <= MAX_BODY)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes));

      return soup_form_decode (text);
    }

  return g_hash_table_new (g_str_hash, g_str_equal);
}

static const char *
param (GHashTable *params,
       const char *name)
{
  const char *value = params != NULL ? g_hash_table_lookup (params, name) : NULL;

  return value != NULL && *value != '\0' ? value : NULL;
}

/* The address of the person: the peer, or the last hop a reverse proxy on
 * this host added to X-Forwarded-For. */
static char *
client_address (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  const char *host = soup_server_message_get_remote_host (msg);
  const char *forwarded;

  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                             "X-Forwarded-For");
  if (forwarded != NULL && G_IS_INET_SOCKET_ADDRESS (remote) &&
      g_inet_address_get_is_loopback (
        g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    {
      const char *last = strrchr (forwarded, ',');
      g_autofree char *hop = g_strdup (last != NULL ? last + 1 : forwarded);

      g_strstrip (hop);
      if (*hop != '\0' && strlen (hop) <= 64)
        return g_steal_pointer (&hop);
    }

  return g_strdup (host != NULL ? host : "unknown");
}

static char *
read_cookie (SoupServerMessage *msg)
{
  const char *header;
  g_autoptr(GHashTable) values = NULL;

  header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                          "Cookie");
  if (header == NULL)
    return NULL;

  values = soup_header_parse_semi_param_list (header);
  return g_strdup (g_hash_table_lookup (values, COOKIE_NAME));
}

static gboolean
external_is_https (YqHttpServer *self)
{
  g_autofree char *external = yq_settings_get (self->store, YQ_SETTING_EXTERNAL_ADDRESS, NULL);

  return external != NULL && g_ascii_strncasecmp (external, "https://", 8) == 0;
}

static void
set_cookie (YqHttpServer      *self,
            SoupServerMessage *msg,
            const char        *value,
            gint               max_age)
{
  g_autofree char *cookie = NULL;

  cookie = g_strdup_printf ("%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", COOKIE_NAME,
                            value, max_age, external_is_https (self) ? "; Secure" : "");
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie",
                               cookie);
}

/* Pending logins ------------------------------------------------------------- */

static void
purge_pending (YqHttpServer *self)
{
  GHashTableIter iter;
  Pending *pending;
  gint64 now = now_seconds ();

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    if (pending->expires_at <= now)
      g_hash_table_iter_remove (&iter);
}

static Pending *
add_pending (YqHttpServer *self)
{
  Pending *pending;

  if (g_hash_table_size (self->pending) >= PENDING_MAX)
    purge_pending (self);
  if (g_hash_table_size (self->pending) >= PENDING_MAX)
    return NULL;

  pending = g_new0 (Pending, 1);
  pending->id = random_token ();
  pending->csrf = random_token ();
  pending->expires_at = now_seconds () + PENDING_TTL_SECONDS;
  g_hash_table_insert (self->pending, pending->id, pending);

  return pending;
}

static Pending *
find_pending (YqHttpServer      *self,
              SoupServerMessage *msg)
{
  g_autofree char *id = read_cookie (msg);
  Pending *pending;

  if (id == NULL)
    return NULL;

  pending = g_hash_table_lookup (self->pending, id);
  if (pending == NULL || pending->expires_at <= now_seconds ())
    return NULL;

  return pending;
}

/* Pages ----------------------------------------------------------------------- */

static void
send_bind_form (Request    *request,
                Pending    *pending,
                guint       status,
                const char *error_message)
{
  GString *body = g_string_new (NULL);
  g_autofree char *intro = NULL;

  intro = g_markup_printf_escaped (T (request, N_("%s, your platform account is not linked to "
                                                  "an OA account yet. Sign in with your OA "
                                                  "account once to link them.")),
                                   pending->name ? pending->name : "");
  g_string_append_printf (body, "<p>%s</p>", intro);
  if (error_message != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error_message, -1);

      g_string_append_printf (body, "<p class=\"error\" role=\"alert\">%s</p>", escaped);
    }

  g_string_append_printf (body,
                          "<form method=\"post\" action=\"/login/bind\" autocomplete=\"off\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                          "<label for=\"account\">%s</label>"
                          "<input id=\"account\" name=\"account\" autocapitalize=\"none\" "
                          "required maxlength=\"255\">"
                          "<label for=\"password\">%s</label>"
                          "<input id=\"password\" name=\"password\" type=\"password\" "
                          "required maxlength=\"1024\">"
                          "<button type=\"submit\">%s</button></form>",
                          pending->csrf, T (request, N_("OA account")),
                          T (request, N_("OA password")), T (request, N_("Link and Continue")));

  send_page (request, status, T (request, N_("Link Your OA Account")), body->str, NULL);
  g_string_free (body, TRUE);
}

static void
send_confirm_form (Request *request,
                   Pending *pending)
{
  g_autofree char *intro = NULL;
  g_autofree char *body = NULL;
  g_autofree char *action = g_uri_escape_string (pending->qr_session, NULL, FALSE);

  intro = g_markup_printf_escaped (T (request, N_("Sign in to the OA on the computer as %s?")),
                                   pending->name ? pending->name : pending->oa_account);
  body = g_strdup_printf ("<p>%s</p><form method=\"post\" action=\"/qr/%s/confirm\">"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                          "<button type=\"submit\">%s</button></form>",
                          intro, action, pending->csrf, T (request, N_("Confirm Sign-In")));
  send_page (request, SOUP_STATUS_OK, T (request, N_("Confirm Sign-In")), body, NULL);
}

static void
send_qr_done_page (Request *request)
{
  send_message_page (request, SOUP_STATUS_OK, T (request, N_("Signed In")),
                     T (request, N_("You are signed in. Continue on the computer.")));
}

/* The words for a login error, in the page's language; the error's own
 * message (the service's language) goes to the log where it helps. */
static const char *
login_error_text (Request *request,
                  GError  *error,
                  guint   *status)
{
  *status = SOUP_STATUS_INTERNAL_SERVER_ERROR;

  if (error->domain == YQ_LOGIN_ERROR)
    switch ((YqLoginError) error->code)
      {
      case YQ_LOGIN_ERROR_NO_APP:
        *status = SOUP_STATUS_NOT_FOUND;
        return T (request, N_("This app is not set up in Yunqiao. Ask the administrator to "
                              "check the app’s home URL."));
      case YQ_LOGIN_ERROR_CODE:
        *status = SOUP_STATUS_BAD_REQUEST;
        return T (request, N_("The platform did not accept the login. Open the app again from "
                              "the platform."));
      case YQ_LOGIN_ERROR_TARGET:
        *status = SOUP_STATUS_BAD_REQUEST;
        return T (request, N_("The page to open after the login is not one of the OA pages set "
                              "up in Yunqiao, so the login stops here."));
      case YQ_LOGIN_ERROR_UNAVAILABLE:
        *status = SOUP_STATUS_BAD_GATEWAY;
        g_message ("Login: %s", error->message);
        return T (request, N_("The platform cannot be reached just now. Try again in a "
                              "moment."));
      case YQ_LOGIN_ERROR_EXPIRED:
        *status = SOUP_STATUS_GONE;
        return T (request, N_("This QR code has expired or was already used. Refresh the OA "
                              "login page and scan the new code."));
      case YQ_LOGIN_ERROR_LOCKED:
        *status = STATUS_TOO_MANY_REQUESTS;
        return T (request, N_("Too many failed sign-ins. Wait up to 15 minutes, then try "
                              "again."));
      case YQ_LOGIN_ERROR_CREDENTIALS:
        *status = SOUP_STATUS_UNAUTHORIZED;
        return T (request, N_("The OA account or password is not correct."));
      case YQ_LOGIN_ERROR_TAKEN:
        *status = SOUP_STATUS_CONFLICT;
        return T (request, N_("This OA account is already linked to another person. Ask the "
                              "administrator to check the bindings."));
      case YQ_LOGIN_ERROR_FAILED:
      default:
        break;
      }

  g_warning ("Login failed: %s", error->message);
  return T (request, N_("Something went wrong on the server. Try again later; if it keeps "
                        "happening, tell the administrator."));
}

static void
send_login_error (Request *request,
                  GError  *error)
{
  guint status;
  const char *text = login_error_text (request, error, &status);

  send_error_page (request, status, text);
}

/* The words for a refusal; @name and @app_name (nullable) make it
 * personal. */
static char *
refusal_text (Request        *request,
              YqLoginRefusal  refusal,
              const char     *name,
              const char     *app_name)
{
  if (name == NULL || app_name == NULL)
    return g_strdup (refusal == YQ_LOGIN_REFUSAL_DISABLED
                     ? T (request, N_("Your platform account is disabled, so you cannot sign in "
                                      "here."))
                     : T (request, N_("You are not within the visible range of this sign-in. "
                                      "Ask the administrator to add you to the app’s range.")));

  if (refusal == YQ_LOGIN_REFUSAL_DISABLED)
    return g_strdup_printf (T (request, N_("%s, your platform account is disabled, so you "
                                           "cannot open “%s”.")), name, app_name);

  return g_strdup_printf (T (request, N_("%s, you are not within the visible range of “%s”. "
                                         "Ask the administrator to add you to the app’s "
                                         "range.")), name, app_name);
}

/* Continues a login once the person is known to be bound to @oa_account:
 * to the target, or the QR-code request is confirmed. */
static void
finish_bound (Request    *request,
              gint64      app_id,
              const char *oa_account,
              const char *target,
              const char *qr_session)
{
  YqHttpServer *self = request->self;
  g_autoptr(GError) error = NULL;

  if (qr_session != NULL)
    {
      if (!yq_login_flow_qr_confirm (self->flow, qr_session, oa_account, &error))
        send_login_error (request, error);
      else
        send_qr_done_page (request);
      return;
    }

  {
    g_autofree char *location = yq_login_flow_redirect_url (self->flow, app_id, oa_account,
                                                            target, &error);

    if (location == NULL)
      send_login_error (request, error);
    else
      send_redirect (request->msg, SOUP_STATUS_SEE_OTHER, location);
  }
}

/* Sends the person to the binding form. */
static void
start_binding (Request              *request,
               const YqLoginOutcome *outcome,
               const char           *target,
               const char           *qr_session)
{
  Pending *pending = add_pending (request->self);

  if (pending == NULL)
    {
      send_error_page (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                       T (request, N_("Too many sign-ins at once. Try again in a minute.")));
      return;
    }

  pending->app_id = outcome->app_id;
  pending->platform_id = g_strdup (outcome->platform_id);
  pending->name = g_strdup (outcome->name);
  pending->target = g_strdup (target);
  pending->qr_session = g_strdup (qr_session);
  set_cookie (request->self, request->msg, pending->id, PENDING_TTL_SECONDS);
  send_redirect (request->msg, SOUP_STATUS_SEE_OTHER, "/login/bind");
}

static void
handle_outcome (Request              *request,
                const YqLoginOutcome *outcome)
{
  switch (outcome->kind)
    {
    case YQ_LOGIN_OUTCOME_BOUND:
      finish_bound (request, outcome->app_id, outcome->oa_account, request->target,
                    request->qr_session);
      break;

    case YQ_LOGIN_OUTCOME_UNBOUND:
      start_binding (request, outcome, request->target, request->qr_session);
      break;

    case YQ_LOGIN_OUTCOME_REFUSED:
    default:
      {
        g_autofree char *text = refusal_text (request, outcome->refusal, outcome->name,
                                              outcome->app_name);

        g_info ("Refused %s: %s", outcome->platform_id ? outcome->platform_id : "a person",
                outcome->message);
        send_message_page (request, SOUP_STATUS_FORBIDDEN, T (request, N_("No Access")), text);
      }
      break;
    }
}

/* Tells the reverse proxy's logs (and the benchmark) where the time went:
 * the platform's answer, and the bridge's own work. */
static void
add_server_timing (Request *request,
                   gint64   platform_usec)
{
  gint64 total = g_get_monotonic_time () - request->started_usec;
  g_autofree char *value = NULL;
  char platform[G_ASCII_DTOSTR_BUF_SIZE], bridge[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (platform, sizeof platform, "%.3f", platform_usec / 1000.0);
  g_ascii_formatd (bridge, sizeof bridge, "%.3f", MAX (total - platform_usec, 0) / 1000.0);
  value = g_strdup_printf ("platform;dur=%s, bridge;dur=%s", platform, bridge);
  soup_message_headers_replace (soup_server_message_get_response_headers (request->msg),
                                "Server-Timing", value);
}

static void
identify_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(YqLoginOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  if (request->qr_session != NULL)
    outcome = yq_login_flow_qr_identify_finish (YQ_LOGIN_FLOW (object), result, &error);
  else
    outcome = yq_login_flow_identify_finish (YQ_LOGIN_FLOW (object), result, &error);

  if (outcome == NULL)
    send_login_error (request, error);
  else if (request->confirm_on_phone && outcome->kind == YQ_LOGIN_OUTCOME_BOUND)
    {
      /* 云之家: the person confirms on the phone first. */
      Pending *pending = add_pending (request->self);

      if (pending == NULL)
        {
          send_error_page (request, SOUP_STATUS_SERVICE_UNAVAILABLE,
                           T (request, N_("Too many sign-ins at once. Try again in a minute.")));
        }
      else
        {
          pending->app_id = outcome->app_id;
          pending->platform_id = g_strdup (outcome->platform_id);
          pending->name = g_strdup (outcome->name);
          pending->qr_session = g_strdup (request->qr_session);
          pending->oa_account = g_strdup (outcome->oa_account);
          set_cookie (request->self, request->msg, pending->id, PENDING_TTL_SECONDS);
          send_confirm_form (request, pending);
        }
    }
  else
    handle_outcome (request, outcome);

  /* Last, so that the ticket's cost counts as the bridge's. */
  if (outcome != NULL)
    add_server_timing (request, outcome->platform_usec);

  soup_server_message_unpause (request->msg);
}

/* /login/app/ID ----------------------------------------------------------------- */

static void
send_zwdd_entry_page (Request *request)
{
  g_autofree char *body = NULL;

  /* The auth code only exists inside the 政务钉钉 client: its JSAPI hands it
   * to the page, which comes back with it. */
  body = g_strdup_printf ("<p id=\"status\">%s</p><p id=\"fail\" hidden>%s</p>"
                          "<script src=\"" ZWDD_JSAPI "\"></script>"
                          "<script>(function(){"
                          "var s=document.getElementById('status');"
                          "function fail(){s.textContent="
                          "document.getElementById('fail').textContent;}"
                          "if(!window.dd||!dd.getAuthCode){fail();return;}"
                          "Promise.resolve(dd.getAuthCode({})).then(function(r){"
                          "var c=r&&(r.code||r.auth_code||r.authCode);if(!c){fail();return;}"
                          "var u=new URL(location.href);u.searchParams.set('code',c);"
                          "location.replace(u.toString());},fail);})();</script>",
                          T (request, N_("Signing you in…")),
                          T (request, N_("Open this app in the Government DingTalk client.")));
  send_page (request, SOUP_STATUS_OK, T (request, N_("Signing In")), body,
             "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline' "
             "https://g.alicdn.com; connect-src https:; frame-ancestors 'none'; base-uri 'none'");
}

static void
handle_app_entry (YqHttpServer      *self,
                  SoupServerMessage *msg,
                  const char        *id_text,
                  GHashTable        *query)
{
  g_autoptr(Request) request = request_new (self, msg);
  g_autoptr(GHashTable) params = read_params (msg, query);
  g_autoptr(YqApp) app = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  const char *target = param (query, "target");
  const char *code;
  guint64 app_id = 0;
  gboolean zwdd;

  if (target == NULL)
    target = param (params, "target");

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &app_id, NULL) ||
      (app = yq_apps_get (self->store, (gint64) app_id, NULL)) == NULL ||
      (connector = yq_connectors_get (self->store, app->connector_id, NULL)) == NULL)
    {
      send_error_page (request, SOUP_STATUS_NOT_FOUND,
                       T (request, N_("This app is not set up in Yunqiao. Ask the "
                                      "administrator to check the app’s home URL.")));
      return;
    }

  /* The target is checked before anything else happens. */
  if (target != NULL && !yq_login_flow_check_target (self->flow, target, &error))
    {
      send_error_page (request, SOUP_STATUS_BAD_REQUEST,
                       T (request, N_("The page to open after the login is not one of the OA "
                                      "pages set up in Yunqiao, so the login stops here.")));
      return;
    }

  zwdd = yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD;
  if (zwdd)
    {
      code = param (params, "code");
      if (code == NULL)
        code = param (params, "authCode");
      if (code == NULL)
        code = param (params, "auth_code");
      if (code == NULL)
        {
          send_zwdd_entry_page (request);
          return;
        }
    }
  else
    {
      code = param (params, "ticket");
      if (code == NULL)
        {
          send_error_page (request, SOUP_STATUS_BAD_REQUEST,
                           T (request, N_("Open this app from the Yunzhijia workbench.")));
          return;
        }
    }

  request->target = g_strdup (target);
  soup_server_message_pause (msg);
  yq_login_flow_identify_async (self->flow, app->id, YQ_LOGIN_CODE_APP, code, self->cancellable,
                                identify_cb, g_steal_pointer (&request));
}

/* /login/bind ------------------------------------------------------------------- */

static void
bind_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  YqHttpServer *self = request->self;
  g_autofree char *account = NULL;
  g_autoptr(GError) error = NULL;
  Pending *pending;

  account = yq_login_flow_bind_finish (YQ_LOGIN_FLOW (object), result, &error);
  pending = g_hash_table_lookup (self->pending, request->pending_id);

  if (account == NULL)
    {
      if (pending != NULL && error->domain == YQ_LOGIN_ERROR &&
          (error->code == YQ_LOGIN_ERROR_CREDENTIALS || error->code == YQ_LOGIN_ERROR_LOCKED ||
           error->code == YQ_LOGIN_ERROR_TAKEN))
        {
          guint status;
          const char *text = login_error_text (request, error, &status);

          send_bind_form (request, pending, status, text);
        }
      else
        send_login_error (request, error);
    }
  else if (pending == NULL)
    {
      send_error_page (request, SOUP_STATUS_GONE,
                       T (request, N_("Your account is linked. Open the app again to "
                                      "continue.")));
    }
  else
    {
      g_autofree char *target = g_strdup (pending->target);
      g_autofree char *qr_session = g_strdup (pending->qr_session);
      gint64 app_id = pending->app_id;

      g_hash_table_remove (self->pending, request->pending_id);
      set_cookie (self, request->msg, "", 0);
      finish_bound (request, app_id, account, target, qr_session);
    }

  soup_server_message_unpause (request->msg);
}

static void
handle_bind (YqHttpServer      *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  g_autoptr(Request) request = request_new (self, msg);
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *address = NULL;
  Pending *pending;

  pending = find_pending (self, msg);
  if (pending == NULL || pending->oa_account != NULL)
    {
      send_error_page (request, SOUP_STATUS_BAD_REQUEST,
                       T (request, N_("This form has expired. Open the app again from the "
                                      "platform.")));
      return;
    }

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      send_bind_form (request, pending, SOUP_STATUS_OK, NULL);
      return;
    }

  params = read_params (msg, query);
  if (!equal_constant_time (param (params, "csrf"), pending->csrf))
    {
      send_error_page (request, SOUP_STATUS_FORBIDDEN,
                       T (request, N_("This form has expired. Open the app again from the "
                                      "platform.")));
      return;
    }

  address = client_address (msg);
  request->pending_id = g_strdup (pending->id);
  soup_server_message_pause (msg);
  yq_login_flow_bind_async (self->flow, pending->app_id, pending->platform_id,
                            param (params, "account"), param (params, "password"), address,
                            self->cancellable, bind_cb, g_steal_pointer (&request));
}

/* /sso/validate ----------------------------------------------------------------- */

static void
handle_validate (YqHttpServer      *self,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  const char *ticket = param (query, "ticket");
  const char *app = param (query, "app");

  if (ticket == NULL)
    {
      send_json_error (msg, SOUP_STATUS_BAD_REQUEST, "missing",
                       _("The ticket parameter is missing."));
      return;
    }

  if (!yq_login_flow_validate (self->flow, ticket, app, &account, &error))
    {
      static const char * const codes[] = {
        [YQ_TICKET_ERROR_MALFORMED] = "malformed",
        [YQ_TICKET_ERROR_BAD_SIGNATURE] = "bad-signature",
        [YQ_TICKET_ERROR_EXPIRED] = "expired",
        [YQ_TICKET_ERROR_WRONG_APP] = "wrong-app",
        [YQ_TICKET_ERROR_REPLAYED] = "replayed",
        [YQ_TICKET_ERROR_UNKNOWN] = "unknown",
        [YQ_TICKET_ERROR_KEY] = "key",
      };
      const char *code = "failed";

      if (error->domain == YQ_TICKET_ERROR && error->code >= 0 &&
          (gsize) error->code < G_N_ELEMENTS (codes))
        code = codes[error->code];
      send_json_error (msg, g_str_equal (code, "key") || g_str_equal (code, "failed")
                            ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_FORBIDDEN,
                       code, error->message);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account);
  json_builder_end_object (builder);
  send_json (msg, SOUP_STATUS_OK, builder);
}

/* /qr/... ------------------------------------------------------------------------ */

/* Lets the OA login page (another origin) read the JSON answers. */
static void
allow_origin (YqHttpServer      *self,
              SoupServerMessage *msg)
{
  const char *origin;

  origin = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Origin");
  if (origin == NULL || !yq_apps_target_allowed (self->store, origin, NULL))
    return;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Access-Control-Allow-Origin", origin);
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Vary",
                               "Origin");
}

static char *
qr_url (YqHttpServer *self,
        const char   *id,
        const char   *suffix)
{
  g_autofree char *path = g_strconcat ("qr/", id, suffix, NULL);

  return yq_settings_build_url (self->store, path, NULL);
}

static void
handle_qr_new (YqHttpServer      *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  g_autoptr(GHashTable) params = read_params (msg, query);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *poll = NULL;
  const char *text = param (params, "connector");
  guint64 connector_id;

  allow_origin (self, msg);

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &connector_id, NULL))
    {
      send_json_error (msg, SOUP_STATUS_BAD_REQUEST, "connector",
                       _("The connector parameter is missing or not a connector ID."));
      return;
    }

  session = yq_login_flow_qr_create (self->flow, (gint64) connector_id, &error);
  if (session == NULL)
    {
      send_json_error (msg, g_error_matches (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_NO_APP)
                            ? SOUP_STATUS_NOT_FOUND : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                       "unavailable", error->message);
      return;
    }

  png = qr_url (self, session->id, ".png");
  svg = qr_url (self, session->id, ".svg");
  poll = qr_url (self, session->id, "/poll");
  if (png == NULL || svg == NULL || poll == NULL)
    {
      send_json_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "external-address",
                       _("The external address is not set."));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, session->id);
  json_builder_set_member_name (builder, "png");
  json_builder_add_string_value (builder, png);
  json_builder_set_member_name (builder, "svg");
  json_builder_add_string_value (builder, svg);
  json_builder_set_member_name (builder, "poll");
  json_builder_add_string_value (builder, poll);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, session->expires_at - now_seconds ());
  json_builder_end_object (builder);
  send_json (msg, SOUP_STATUS_OK, builder);
}

static YqQrSession *
open_session (YqHttpServer *self,
              const char   *id)
{
  g_autoptr(YqQrSession) session = yq_qr_sessions_get (self->store, id, now_seconds (), NULL);

  if (session == NULL ||
      (session->state != YQ_QR_STATE_PENDING && session->state != YQ_QR_STATE_SCANNED))
    return NULL;

  return g_steal_pointer (&session);
}

static void
handle_qr_image (YqHttpServer      *self,
                 SoupServerMessage *msg,
                 const char        *id,
                 gboolean           png)
{
  g_autoptr(YqQrSession) session = open_session (self, id);
  g_autofree char *scan = NULL;
  g_autoptr(GError) error = NULL;

  if (session == NULL || (scan = qr_url (self, id, "/scan")) == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  set_common_headers (msg, "default-src 'none'");
  if (png)
    {
      g_autoptr(GBytes) bytes = yq_qr_image_png (scan, QR_MODULE_SIZE, &error);

      if (bytes != NULL)
        soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                          g_bytes_get_data (bytes, NULL),
                                          g_bytes_get_size (bytes));
    }
  else
    {
      g_autofree char *svg = yq_qr_image_svg (scan, QR_MODULE_SIZE, &error);

      if (svg != NULL)
        soup_server_message_set_response (msg, "image/svg+xml", SOUP_MEMORY_COPY, svg,
                                          strlen (svg));
    }

  if (error != NULL)
    {
      g_warning ("Cannot draw the QR code: %s", error->message);
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
handle_qr_poll (YqHttpServer      *self,
                SoupServerMessage *msg,
                const char        *id)
{
  g_autoptr(Request) request = request_new (self, msg);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ticket = NULL;
  gint64 now = now_seconds ();

  allow_origin (self, msg);

  session = yq_qr_sessions_get (self->store, id, now, &error);
  if (session == NULL)
    {
      send_json_error (msg, error ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_NOT_FOUND,
                       "unknown", error ? error->message : _("No such QR-code login."));
      return;
    }

  if (session->state == YQ_QR_STATE_CONFIRMED)
    {
      ticket = yq_qr_sessions_take (self->store, id, now, &error);
      if (ticket == NULL && error != NULL)
        {
          send_json_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed", error->message);
          return;
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, ticket != NULL ? "confirmed"
                                          : session->state == YQ_QR_STATE_CONFIRMED
                                          ? "done" : yq_qr_state_to_string (session->state));
  if (ticket != NULL)
    {
      json_builder_set_member_name (builder, "ticket");
      json_builder_add_string_value (builder, ticket);
      json_builder_set_member_name (builder, "app");
      json_builder_add_int_value (builder, session->app_id);
    }
  if (session->state == YQ_QR_STATE_REFUSED)
    {
      YqLoginRefusal refusal = YQ_LOGIN_REFUSAL_NOT_VISIBLE;
      g_autofree char *text = NULL;

      yq_login_refusal_from_string (session->message, &refusal);
      text = refusal_text (request, refusal, NULL, NULL);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, yq_login_refusal_to_string (refusal));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, text);
    }
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, MAX (session->expires_at - now, 0));
  json_builder_end_object (builder);
  send_json (msg, SOUP_STATUS_OK, builder);
}

static void
handle_qr_scan (YqHttpServer      *self,
                SoupServerMessage *msg,
                const char        *id,
                GHashTable        *query)
{
  g_autoptr(Request) request = request_new (self, msg);
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  const char *ticket = param (query, "ticket");

  location = yq_login_flow_qr_scan (self->flow, id, &error);
  if (error != NULL)
    {
      send_login_error (request, error);
      return;
    }

  if (location != NULL)
    {
      send_redirect (msg, SOUP_STATUS_FOUND, location);
      return;
    }

  if (ticket == NULL)
    {
      send_error_page (request, SOUP_STATUS_BAD_REQUEST,
                       T (request, N_("Scan this code with the Yunzhijia app.")));
      return;
    }

  request->qr_session = g_strdup (id);
  request->confirm_on_phone = TRUE;
  soup_server_message_pause (msg);
  yq_login_flow_qr_identify_async (self->flow, id, ticket, self->cancellable, identify_cb,
                                   g_steal_pointer (&request));
}

static void
handle_qr_confirm (YqHttpServer      *self,
                   SoupServerMessage *msg,
                   const char        *id,
                   GHashTable        *query)
{
  g_autoptr(Request) request = request_new (self, msg);
  g_autoptr(GHashTable) params = read_params (msg, query);
  g_autoptr(GError) error = NULL;
  Pending *pending = find_pending (self, msg);

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0 || pending == NULL ||
      pending->oa_account == NULL || g_strcmp0 (pending->qr_session, id) != 0 ||
      !equal_constant_time (param (params, "csrf"), pending->csrf))
    {
      send_error_page (request, SOUP_STATUS_FORBIDDEN,
                       T (request, N_("This form has expired. Scan the QR code again.")));
      return;
    }

  if (!yq_login_flow_qr_confirm (self->flow, id, pending->oa_account, &error))
    send_login_error (request, error);
  else
    send_qr_done_page (request);

  g_hash_table_remove (self->pending, pending->id);
  set_cookie (self, msg, "", 0);
}

static void
handle_qr_callback (YqHttpServer      *self,
                    SoupServerMessage *msg,
                    GHashTable        *query)
{
  g_autoptr(Request) request = request_new (self, msg);
  const char *code = param (query, "code");
  const char *state = param (query, "state");

  if (code == NULL || state == NULL)
    {
      send_error_page (request, SOUP_STATUS_BAD_REQUEST,
                       T (request, N_("The platform did not send a login code. Scan the QR "
                                      "code again.")));
      return;
    }

  request->qr_session = g_strdup (state);
  soup_server_message_pause (msg);
  yq_login_flow_qr_identify_async (self->flow, state, code, self->cancellable, identify_cb,
                                   g_steal_pointer (&request));
}


/* /api/v1/messages ------------------------------------------------------------- */

#define INTAKE_PATH "/api/v1/messages"

static void
send_intake_error (SoupServerMessage *msg,
                   guint              status,
                   const char        *code,
                   const char        *message)
{
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"yunqiao\"");
  send_json_error (msg, status, code, message);
}

/* The bearer token of the request, or NULL. */
static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *header;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Authorization");
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;

  header += 7;
  while (*header == ' ')
    header++;

  return *header != '\0' ? header : NULL;
}

/* Refuses what can be refused before the body is read: a wrong method, no
 * or a bad token, no length or too long a body. Nothing is stored. */
static void
intake_early_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  YqHttpServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  goffset length;
  gint64 token_id;

  if (!g_str_equal (path, INTAKE_PATH))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST");
      send_intake_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method",
                         _("Messages are posted with POST."));
      return;
    }

  token_id = self->store != NULL
             ? yq_push_tokens_verify (self->store, bearer_token (msg),
                                      g_get_real_time () / G_USEC_PER_SEC, &error)
             : 0;
  if (token_id == 0)
    {
      send_intake_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                         _("The request has no valid intake token. Send the token an "
                           "administrator generated for this OA as “Authorization: Bearer "
                           "TOKEN”."));
      return;
    }

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      send_intake_error (msg, SOUP_STATUS_LENGTH_REQUIRED, "length",
                         _("Send the message with a Content-Length header."));
      return;
    }

  length = soup_message_headers_get_content_length (headers);
  if (length > YQ_PUSH_MAX_BODY)
    {
      g_autofree char *text = g_strdup_printf (_("The message is larger than %d bytes."),
                                               YQ_PUSH_MAX_BODY);

      send_intake_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", text);
      return;
    }

  g_object_set_data_full (G_OBJECT (msg), "yq-token-id", g_memdup2 (&token_id, sizeof token_id),
                          g_free);
}

static void
handle_intake (YqHttpServer      *self,
               SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(YqPushMessage) message = NULL;
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GError) error = NULL;
  const char *type;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const gint64 *token_id;

  /* The early handler checked the token before the body was read. */
  token_id = g_object_get_data (G_OBJECT (msg), "yq-token-id");
  if (token_id == NULL)
    {
      send_intake_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                         _("The request has no valid intake token."));
      return;
    }

  type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                NULL);
  if (g_strcmp0 (type, "application/json") != 0)
    {
      send_intake_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "content-type",
                         _("Send the message as application/json."));
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  message = yq_push_message_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   &error);
  if (message == NULL)
    {
      send_intake_error (msg, g_error_matches (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE)
                              ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST,
                         "invalid", error->message);
      return;
    }

  intake = yq_push_inbox_accept (self->store, *token_id, message, 0, now, &error);
  if (intake == NULL)
    {
      if (g_error_matches (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_CONFLICT))
        send_intake_error (msg, SOUP_STATUS_CONFLICT, "conflict", error->message);
      else if (g_error_matches (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND))
        send_intake_error (msg, SOUP_STATUS_NOT_FOUND, "unknown-todo", error->message);
      else if (error->domain == YQ_PUSH_ERROR)
        send_intake_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid", error->message);
      else
        {
          g_warning ("Cannot store a pushed message: %s", error->message);
          send_intake_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed",
                             _("The message could not be stored; it was not accepted. Send "
                               "it again later."));
        }
      return;
    }

  set_common_headers (msg, "default-src 'none'; frame-ancestors 'none'");
  if (intake->replayed)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Idempotent-Replayed", "true");
  soup_server_message_set_status (msg, intake->replayed ? SOUP_STATUS_OK : SOUP_STATUS_ACCEPTED,
                                  NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, intake->answer,
                                    strlen (intake->answer));

  if (!intake->replayed)
    g_signal_emit (self, signals[SIGNAL_MESSAGE_ACCEPTED], 0, intake->message_id);
}

static void
intake_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  YqHttpServer *self = user_data;

  if (self->store == NULL)
    soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  else if (!g_str_equal (path, INTAKE_PATH))
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  else
    handle_intake (self, msg);
}

/* Dispatch ----------------------------------------------------------------------- */

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Once per connection: answers go out without waiting for the client to
   * acknowledge their headers. */
  if (socket != NULL && g_object_get_data (G_OBJECT (socket), "yq-no-delay") == NULL)
    {
      yq_http_socket_set_no_delay (socket);
      g_object_set_data (G_OBJECT (socket), "yq-no-delay", GINT_TO_POINTER (TRUE));
    }
}

static gboolean
is_token (const char *text,
          gsize       length)
{
  if (length == 0 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  YqHttpServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean get = g_str_equal (method, "GET") || g_str_equal (method, "HEAD");
  gboolean post = g_str_equal (method, "POST");

  if (self->store == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      return;
    }

  if (!get && !post)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD, POST");
      return;
    }

  if (g_str_has_prefix (path, "/login/app/"))
    handle_app_entry (self, msg, path + strlen ("/login/app/"), query);
  else if (g_str_equal (path, "/login/bind"))
    handle_bind (self, msg, query);
  else if (g_str_equal (path, "/sso/validate") && get)
    handle_validate (self, msg, query);
  else if (g_str_equal (path, "/qr/new"))
    handle_qr_new (self, msg, query);
  else if (g_str_equal (path, "/qr/callback") && get)
    handle_qr_callback (self, msg, query);
  else if (g_str_has_prefix (path, "/qr/"))
    {
      const char *rest = path + strlen ("/qr/");
      const char *end = rest + strcspn (rest, "./");
      g_autofree char *id = g_strndup (rest, (gsize) (end - rest));

      if (!is_token (rest, (gsize) (end - rest)))
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      else if (g_str_equal (end, ".png") && get)
        handle_qr_image (self, msg, id, TRUE);
      else if (g_str_equal (end, ".svg") && get)
        handle_qr_image (self, msg, id, FALSE);
      else if (g_str_equal (end, "/poll") && get)
        handle_qr_poll (self, msg, id);
      else if (g_str_equal (end, "/scan") && get)
        handle_qr_scan (self, msg, id, query);
      else if (g_str_equal (end, "/confirm"))
        handle_qr_confirm (self, msg, id, query);
      else
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

/* Object -------------------------------------------------------------------------- */

static void
yq_http_server_dispose (GObject *object)
{
  YqHttpServer *self = YQ_HTTP_SERVER (object);

  g_cancellable_cancel (self->cancellable);
  yq_http_server_stop (self);

  G_OBJECT_CLASS (yq_http_server_parent_class)->dispose (object);
}

static void
yq_http_server_finalize (GObject *object)
{
  YqHttpServer *self = YQ_HTTP_SERVER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->flow);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->text, yq_page_text_free);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_free (self->address);
  g_free (self->listen_setting);

  G_OBJECT_CLASS (yq_http_server_parent_class)->finalize (object);
}

static void
yq_http_server_class_init (YqHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yq_http_server_dispose;
  object_class->finalize = yq_http_server_finalize;

  /**
   * YqHttpServer::message-accepted:
   * @self: the server
   * @message_id: the inbox row
   *
   * Emitted after a pushed message and its deliveries were committed.
   */
  signals[SIGNAL_MESSAGE_ACCEPTED] =
    g_signal_new ("message-accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
yq_http_server_init (YqHttpServer *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) pending_free);
}

/**
 * yq_http_server_new:
 * @localedir: where the translations are installed
 *
 * Returns: (transfer full): a server that does not listen yet
 */
YqHttpServer *
yq_http_server_new (const char *localedir)
{
  YqHttpServer *self = g_object_new (YQ_TYPE_HTTP_SERVER, NULL);

  self->text = yq_page_text_new (localedir, GETTEXT_PACKAGE);

  return self;
}

void
yq_http_server_configure (YqHttpServer *self,
                          YqStore      *store,
                          YqSecrets    *secrets)
{
  g_return_if_fail (YQ_IS_HTTP_SERVER (self));
  g_return_if_fail (YQ_IS_STORE (store));
  g_return_if_fail (YQ_IS_SECRETS (secrets));

  g_set_object (&self->store, store);
  g_set_object (&self->secrets, secrets);
  g_clear_object (&self->flow);
  self->flow = yq_login_flow_new (store, secrets);
}

gboolean
yq_http_server_listen (YqHttpServer  *self,
                       const char    *address,
                       GError       **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autofree char *host = NULL;
  g_autoslist(GUri) uris = NULL;
  guint16 port;

  g_return_val_if_fail (YQ_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (self->server != NULL && g_strcmp0 (self->listen_setting, address) == 0)
    return TRUE;

  if (!yq_settings_parse_http_address (address, &host, &port, error))
    return FALSE;

  inet = g_inet_address_new_from_string (host);
  if (inet == NULL && g_ascii_strcasecmp (host, "localhost") == 0)
    inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The HTTP address “%s” must be an IP address and a port, for example "
                     "127.0.0.1:8780"), address);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (inet, port);
  server = soup_server_new ("server-header", "yunqiao", NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), NULL);
  soup_server_add_handler (server, NULL, server_cb, self, NULL);
  soup_server_add_early_handler (server, INTAKE_PATH, intake_early_cb, self, NULL);
  soup_server_add_handler (server, INTAKE_PATH, intake_cb, self, NULL);
  if (!soup_server_listen (server, socket_address, 0, error))
    {
      g_prefix_error (error, _("Cannot listen on %s: "), address);
      return FALSE;
    }

  yq_http_server_stop (self);

  uris = soup_server_get_uris (server);
  g_free (self->address);
  self->address = NULL;
  if (uris != NULL)
    {
      GUri *uri = uris->data;
      const char *bound_host = g_uri_get_host (uri);

      self->address = strchr (bound_host, ':') != NULL
                      ? g_strdup_printf ("[%s]:%d", bound_host, g_uri_get_port (uri))
                      : g_strdup_printf ("%s:%d", bound_host, g_uri_get_port (uri));
    }

  self->server = g_steal_pointer (&server);
  g_free (self->listen_setting);
  self->listen_setting = g_strdup (address);
  g_message (_("HTTP endpoints listening on http://%s"), self->address);

  return TRUE;
}

void
yq_http_server_stop (YqHttpServer *self)
{
  g_return_if_fail (YQ_IS_HTTP_SERVER (self));

  if (self->server == NULL)
    return;

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->listen_setting, g_free);
}

gboolean
yq_http_server_is_listening (YqHttpServer *self)
{
  g_return_val_if_fail (YQ_IS_HTTP_SERVER (self), FALSE);

  return self->server != NULL;
}

const char *
yq_http_server_get_address (YqHttpServer *self)
{
  g_return_val_if_fail (YQ_IS_HTTP_SERVER (self), NULL);

  return self->address;
}

void
yq_http_server_purge (YqHttpServer *self)
{
  g_autoptr(GError) error = NULL;
  guint n_tickets = 0, n_sessions = 0;

  g_return_if_fail (YQ_IS_HTTP_SERVER (self));

  purge_pending (self);
  if (self->store == NULL)
    return;

  if (!yq_ticket_purge_expired (self->store, &n_tickets, &error) ||
      !yq_qr_sessions_purge (self->store, now_seconds (), &n_sessions, &error))
    g_warning ("Cannot purge expired logins: %s", error->message);
  else if (n_tickets + n_sessions > 0)
    g_debug ("Purged %u tickets and %u QR-code logins", n_tickets, n_sessions);
}
