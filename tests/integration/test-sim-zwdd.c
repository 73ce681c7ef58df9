/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The 政务钉钉 side of yunqiao-sim, driven over loopback HTTP. The request
 * signer below is written from docs/platforms/zwdd.md §2.4–2.5 on its own
 * (neither the simulator's nor the client's) and is checked against the test
 * vectors of §2.8 first.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-sim-server.h"

/* HTTP helper --------------------------------------------------------------- */

typedef struct
{
  guint     status;
  char     *body;
  gsize     length;
  JsonNode *json;
  char     *location;
  gint64    elapsed_usec;
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->location);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

typedef struct
{
  SoupMessage *msg;
  GBytes      *bytes;
  GError      *error;
  gboolean     done;
  gint64       started;
  gint64       finished;
} Pending;

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;

  pending->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &pending->error);
  pending->finished = g_get_monotonic_time ();
  pending->done = TRUE;
}

static Pending *
start_request (SoupSession *session,
               const char  *method,
               const char  *url,
               const char  *content_type,
               const char  *body,
               const char * const *headers)
{
  Pending *pending = g_new0 (Pending, 1);
  SoupMessageHeaders *request_headers;

  pending->msg = soup_message_new (method, url);
  g_assert_nonnull (pending->msg);
  /* Without IDEMPOTENT, libsoup opens a new connection for every POST. */
  soup_message_add_flags (pending->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
  request_headers = soup_message_get_request_headers (pending->msg);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (pending->msg, content_type, bytes);
    }

  pending->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (session, pending->msg, G_PRIORITY_DEFAULT, NULL,
                                    sent_cb, pending);

  return pending;
}

static Reply *
finish_request (Pending *pending)
{
  Reply *reply = g_new0 (Reply, 1);
  SoupMessageHeaders *response_headers;

  while (!pending->done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (pending->error);
  reply->status = soup_message_get_status (pending->msg);
  reply->length = g_bytes_get_size (pending->bytes);
  reply->body = g_strndup (g_bytes_get_data (pending->bytes, NULL), reply->length);
  response_headers = soup_message_get_response_headers (pending->msg);
  reply->location = g_strdup (soup_message_headers_get_one (response_headers, "Location"));
  reply->elapsed_usec = pending->finished - pending->started;
  if (reply->length > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, reply->body, (gssize) reply->length, NULL))
        reply->json = json_parser_steal_root (parser);
    }

  g_bytes_unref (pending->bytes);
  g_object_unref (pending->msg);
  g_free (pending);

  return reply;
}

static Reply *
http (SoupSession *session,
      const char  *method,
      const char  *url,
      const char  *content_type,
      const char  *body,
      const char * const *headers)
{
  return finish_request (start_request (session, method, url, content_type, body, headers));
}

/* Short accessors that keep the assertions readable. */
static const char *
get_str (JsonObject *object,
         const char *name)
{
  return json_object_get_string_member_with_default (object, name, NULL);
}

static gint64
get_int (JsonObject *object,
         const char *name)
{
  return json_object_get_int_member (object, name);
}

static gboolean
get_bool (JsonObject *object,
          const char *name)
{
  return json_object_get_boolean_member (object, name);
}

static JsonObject *
get_obj (JsonObject *object,
         const char *name)
{
  return json_object_get_object_member (object, name);
}

static JsonArray *
get_arr (JsonObject *object,
         const char *name)
{
  return json_object_get_array_member (object, name);
}

static JsonObject *
elem (JsonArray *array,
      guint      index)
{
  return json_array_get_object_element (array, index);
}

static JsonObject *
root_object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));

  return json_node_get_object (reply->json);
}

static JsonObject *
content_of (Reply *reply)
{
  return get_obj (root_object (reply), "content");
}

/* Asserts envelope A success (both flags) and returns content.data. */
static JsonNode *
data_of (Reply *reply)
{
  JsonObject *root = root_object (reply);
  JsonObject *content;

  if (!get_bool (root, "success") ||
      !get_bool (get_obj (root, "content"), "success"))
    g_error ("call failed: %s", reply->body);

  content = content_of (reply);

  return json_object_get_member (content, "data");
}

static JsonObject *
data_obj (Reply *reply)
{
  return json_node_get_object (data_of (reply));
}

static JsonArray *
data_arr (Reply *reply)
{
  return json_node_get_array (data_of (reply));
}

static const char *
response_code (Reply *reply)
{
  JsonObject *root = root_object (reply);

  g_assert_true (get_bool (root, "success"));
  g_assert_false (get_bool (content_of (reply), "success"));

  return get_str (content_of (reply), "responseCode");
}

/* The tiny signer --------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *value;
} Pair;

static int
pair_order_insensitive (gconstpointer a,
                        gconstpointer b)
{
  const Pair *pa = a, *pb = b;
  int cmp = g_ascii_strcasecmp (pa->name, pb->name);

  return cmp ? cmp : strcmp (pa->value, pb->value);
}

static int
pair_order_sensitive (gconstpointer a,
                      gconstpointer b)
{
  const Pair *pa = a, *pb = b;
  int cmp = strcmp (pa->name, pb->name);

  return cmp ? cmp : strcmp (pa->value, pb->value);
}

static gboolean
blank (const char *value)
{
  for (; *value; value++)
    if (!g_ascii_isspace (*value))
      return FALSE;

  return TRUE;
}

/* @params: name, value, name, value, …, NULL */
static char *
sign (const char         *secret,
      const char         *method,
      const char         *timestamp,
      const char         *nonce,
      const char         *path,
      const char * const *params,
      gboolean            case_sensitive)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  guint8 digest[32];
  gsize len = sizeof digest;

  for (guint i = 0; params != NULL && params[i] != NULL; i += 2)
    {
      Pair pair = { params[i], params[i + 1] };

      if (!blank (pair.value))
        g_array_append_val (pairs, pair);
    }
  g_array_sort (pairs, case_sensitive ? pair_order_sensitive : pair_order_insensitive);

  g_string_printf (text, "%s\n%s\n%s\n%s", method, timestamp, nonce, path);
  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *pair = &g_array_index (pairs, Pair, i);

      g_string_append_printf (text, "%c%s=%s", i == 0 ? '\n' : '&', pair->name, pair->value);
    }

  g_hmac_update (hmac, (const guchar *) text->str, text->len);
  g_hmac_get_digest (hmac, digest, &len);

  return g_base64_encode (digest, len);
}

static void
test_signer_vectors (void)
{
  const char *ts = "2024-01-01T12:00:00.000+08:00";
  const char *nonce = "17040816000001234";
  const char *a[] = { "appkey", "testAppKey", "appsecret", "testSecretKey", NULL };
  const char *b[] = { "tenantId", "12345",
                      "organizationCodes", "GO_b", "organizationCodes", "GO_a", NULL };
  const char *c[] = { "tenantId", "12345", "subject", "请审批: 报销单", "subTypeCode", "T1",
                      "bizTaskId", "oa-task-0001", "creatorId", "1001", "assigneeId", "1002",
                      "url", "https://oa.example.com/todo?id=1",
                      "mobileUrl", "https://oa.example.com/m/todo?id=1", "remarks", "  ", NULL };
  g_autofree char *sig_a = sign ("testSecretKey", "GET", ts, nonce, "/gettoken.json", a, FALSE);
  g_autofree char *sig_b = sign ("testSecretKey", "POST", ts, nonce,
                                 "/mozi/organization/listOrganizationsByCodes", b, FALSE);
  const char *create = "/tc/v2/openapi/task/create.json";
  g_autofree char *sig_c = sign ("testSecretKey", "POST", ts, nonce, create, c, FALSE);
  g_autofree char *sig_c_bad = sign ("testSecretKey", "POST", ts, nonce, create, c, TRUE);
  g_autofree char *sig_d = sign ("testSecretKey", "GET", ts, nonce, "/gettoken.json", NULL, FALSE);

  g_assert_cmpstr (sig_a, ==, "P1jz9USIrvD8lIu9tWsGKPE8+c9F5OSm99KxSNELFGg=");
  g_assert_cmpstr (sig_b, ==, "rxmSCjbozoiLbk+K8GLGy95tiAXYMHp88DLed3ne+qs=");
  g_assert_cmpstr (sig_c, ==, "29P2j2YMf7x9qtADyfMHhLDM4cnNUNNM1QBGydn31Is=");
  g_assert_cmpstr (sig_c_bad, ==, "DiMSYaEJvcdef1ES1GZNjZzo58lXROh28kyq2UaTPOk=");
  g_assert_cmpstr (sig_d, ==, "DnbOQJwx32IuDIls6NZaVybMcSt/1i+eHvl80HJfej0=");
}

/* Fixture ----------------------------------------------------------------------- */

typedef struct
{
  YqSimConfig *config;
  YqSimOrg    *org;
  YqSimServer *server;
  SoupSession *session;
  char        *base;
  char        *login;
  char        *data_dir;
} Fixture;

static void
fixture_setup_people (Fixture *f,
                      guint    people)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = g_dir_make_tmp ("yq-sim-zwdd-XXXXXX", &error);
  g_assert_no_error (error);
  f->config = yq_sim_config_new_default ();
  f->org = yq_sim_org_generate (people, 20240101);
  f->server = yq_sim_server_new (f->config, f->org);
  g_assert_true (yq_sim_server_start (f->server, &error));
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64, NULL);
  f->base = yq_sim_server_get_base_url (f->server);
  f->login = yq_sim_server_get_login_url (f->server);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  fixture_setup_people (f, GPOINTER_TO_UINT (data) ? GPOINTER_TO_UINT (data) : 600);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  yq_sim_server_stop (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->org);
  yq_sim_config_free (f->config);
  g_free (f->base);
  g_free (f->login);
  g_rmdir (f->data_dir);
  g_free (f->data_dir);
  /* Let the closed connections finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
beijing_now (gint64 offset_seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) shifted = g_date_time_add_seconds (utc, 8 * 3600 + offset_seconds);

  return g_date_time_format (shifted, "%Y-%m-%dT%H:%M:%S.000+08:00");
}

typedef struct
{
  const char *app_key;
  const char *secret;
  const char *timestamp;
  gboolean    case_sensitive;
  gboolean    as_get;
} CallOptions;

static char *
form_encode (const char * const *params)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; params != NULL && params[i] != NULL; i += 2)
    {
      g_autofree char *name = g_uri_escape_string (params[i], NULL, FALSE);
      g_autofree char *value = g_uri_escape_string (params[i + 1], NULL, FALSE);

      if (blank (params[i + 1]))
        continue;
      g_string_append_printf (out, "%s%s=%s", out->len ? "&" : "", name, value);
    }

  return g_string_free (out, FALSE);
}

static Pending *
zwdd_start (Fixture            *f,
            const char         *path,
            const char * const *params,
            const CallOptions  *options)
{
  static guint counter;
  const char *key = options && options->app_key ? options->app_key : f->config->zwdd_app_key;
  const char *secret = options && options->secret ? options->secret : f->config->zwdd_app_secret;
  g_autofree char *timestamp = options && options->timestamp ? g_strdup (options->timestamp)
                                                              : beijing_now (0);
  g_autofree char *nonce = g_strdup_printf ("%" G_GINT64_FORMAT "%04u",
                                            g_get_real_time () / 1000, ++counter % 10000);
  gboolean get = options && options->as_get;
  g_autofree char *signature = sign (secret, get ? "GET" : "POST", timestamp, nonce, path, params,
                                     options && options->case_sensitive);
  g_autofree char *body = form_encode (params);
  g_autofree char *url = NULL;
  const char *headers[] = {
    "apiKey", key,
    "X-Hmac-Auth-Timestamp", timestamp,
    "X-Hmac-Auth-Version", "1.0",
    "X-Hmac-Auth-Nonce", nonce,
    "X-Hmac-Auth-Signature", signature,
    "X-Hmac-Auth-IP", "127.0.0.1",
    "X-Hmac-Auth-MAC", "AA:BB:CC:DD:EE:FF",
    NULL
  };

  if (get)
    {
      url = g_strdup_printf ("%s%s%s%s", f->base, path, *body ? "?" : "", body);
      return start_request (f->session, "GET", url, NULL, NULL, headers);
    }

  url = g_strconcat (f->base, path, NULL);

  return start_request (f->session, "POST", url, "application/x-www-form-urlencoded; charset=UTF-8",
                        body, headers);
}

static Reply *
zwdd (Fixture            *f,
      const char         *path,
      const char * const *params,
      const CallOptions  *options)
{
  return finish_request (zwdd_start (f, path, params, options));
}

/* @params: a NULL-terminated GPtrArray of names and values */
static Reply *
zwdd_list (Fixture   *f,
           const char *path,
           GPtrArray  *params)
{
  return zwdd (f, path, (const char * const *) params->pdata, NULL);
}

static Reply *
admin (Fixture    *f,
       const char *method,
       const char *path,
       const char *json)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);

  return http (f->session, method, url, "application/json", json, NULL);
}

static const char *
tenant (Fixture *f)
{
  return f->config->zwdd_tenant_id;
}

static char *
get_token (Fixture    *f,
           const char *key,
           const char *secret)
{
  const char *params[] = { "appkey", key, "appsecret", secret, NULL };
  CallOptions options = { key, secret, NULL, FALSE, TRUE };
  g_autoptr(Reply) reply = zwdd (f, "/gettoken.json", params, &options);
  JsonObject *data = data_obj (reply);

  g_assert_cmpint (get_int (data, "expiresIn"), >, 0);

  return g_strdup (get_str (data, "accessToken"));
}

/* Tests ----------------------------------------------------------------------------- */

static void
test_signed_call (Fixture       *f,
                  gconstpointer  data)
{
  const char *params[] = { "tenantId", tenant (f), NULL };
  g_autoptr(Reply) reply = zwdd (f, "/auth/scopesV2", params, NULL);
  JsonObject *content = content_of (reply);
  JsonArray *scopes = get_arr (content, "deptVisibleScopes");

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (get_bool (root_object (reply), "success"));
  g_assert_cmpuint (json_array_get_length (scopes), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (scopes, 0), ==,
                   yq_sim_org_get_root (f->org)->zwdd_code);

  /* The GET form with the lower-case gettoken names works too. */
  {
    g_autofree char *token = get_token (f, f->config->zwdd_app_key, f->config->zwdd_app_secret);

    g_assert_true (g_str_has_prefix (token, "app_"));
  }
}

static void
assert_gateway_error (Reply      *reply,
                      guint       status,
                      const char *code)
{
  JsonObject *root = root_object (reply);

  g_assert_cmpuint (reply->status, ==, status);
  g_assert_false (get_bool (root, "success"));
  g_assert_cmpstr (get_str (root, "Code"), ==, code);
  g_assert_true (json_object_has_member (root, "Message"));
  g_assert_true (json_object_has_member (root, "_RequestId"));
  g_assert_false (json_object_has_member (root, "content"));
}

static void
test_bad_signatures (Fixture       *f,
                     gconstpointer  data)
{
  const char *params[] = { "tenantId", tenant (f), NULL };
  CallOptions wrong_secret = { NULL, "not-the-secret", NULL, FALSE, FALSE };
  CallOptions wrong_key = { "unknown-app-key", NULL, NULL, FALSE, FALSE };
  g_autoptr(Reply) reply = zwdd (f, "/auth/scopesV2", params, &wrong_secret);
  g_autoptr(Reply) unknown = zwdd (f, "/auth/scopesV2", params, &wrong_key);
  g_autoptr(Reply) set = NULL;
  g_autoptr(Reply) at200 = NULL;

  assert_gateway_error (reply, 400, "SignatureDoesNotMatch");
  assert_gateway_error (unknown, 400, "SignatureDoesNotMatch");
  /* Secrets never come back in error messages. */
  g_assert_null (strstr (reply->body, f->config->zwdd_app_secret));

  /* The gateway status is configurable, the body stays the same. */
  set = admin (f, "PUT", "/_sim/faults", "{\"zwdd_gateway_status\":200}");
  g_assert_cmpuint (set->status, ==, 200);
  at200 = zwdd (f, "/auth/scopesV2", params, &wrong_secret);
  assert_gateway_error (at200, 200, "SignatureDoesNotMatch");
}

static void
test_parameter_order (Fixture       *f,
                      gconstpointer  data)
{
  YqSimPerson *creator = yq_sim_org_get_person (f->org, 1);
  YqSimPerson *assignee = NULL;
  const char *params[] = {
    "tenantId", tenant (f), "subject", "请审批: 报销单", "subTypeCode", "T1",
    "bizTaskId", "oa-task-order", "creatorId", creator->account_id_str, "assigneeId", NULL,
    "url", "https://oa.example.com/todo?id=1", "mobileUrl", "https://oa.example.com/m/todo?id=1",
    "remarks", "  ", NULL
  };
  CallOptions sensitive = { NULL, NULL, NULL, TRUE, FALSE };
  g_autoptr(Reply) rejected = NULL;
  g_autoptr(Reply) accepted = NULL;

  for (guint i = 0; assignee == NULL; i++)
    if (yq_sim_org_get_person (f->org, i)->status == YQ_SIM_STATUS_NORMAL)
      assignee = yq_sim_org_get_person (f->org, i);
  params[11] = assignee->account_id_str;

  /* Vector C's negative case: subTypeCode sorted before subject. */
  rejected = zwdd (f, "/tc/v2/openapi/task/create.json", params, &sensitive);
  assert_gateway_error (rejected, 400, "SignatureDoesNotMatch");

  accepted = zwdd (f, "/tc/v2/openapi/task/create.json", params, NULL);
  g_assert_cmpstr (get_str (data_obj (accepted), "subject"),
                   ==, "请审批: 报销单");
}

static void
test_timestamps (Fixture       *f,
                 gconstpointer  data)
{
  const char *params[] = { "tenantId", tenant (f), NULL };
  g_autofree char *old = beijing_now (-16 * 60);
  g_autofree char *future = beijing_now (15 * 60 + 5);
  g_autofree char *recent = beijing_now (-14 * 60);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *zulu = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autofree char *zoneless = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000");
  CallOptions o_old = { NULL, NULL, old, FALSE, FALSE };
  CallOptions o_future = { NULL, NULL, future, FALSE, FALSE };
  CallOptions o_recent = { NULL, NULL, recent, FALSE, FALSE };
  CallOptions o_zulu = { NULL, NULL, zulu, FALSE, FALSE };
  CallOptions o_zoneless = { NULL, NULL, zoneless, FALSE, FALSE };
  g_autoptr(Reply) r_old = zwdd (f, "/auth/scopesV2", params, &o_old);
  g_autoptr(Reply) r_future = zwdd (f, "/auth/scopesV2", params, &o_future);
  g_autoptr(Reply) r_recent = zwdd (f, "/auth/scopesV2", params, &o_recent);
  g_autoptr(Reply) r_zulu = zwdd (f, "/auth/scopesV2", params, &o_zulu);
  g_autoptr(Reply) r_zoneless = zwdd (f, "/auth/scopesV2", params, &o_zoneless);

  assert_gateway_error (r_old, 400, "InvalidTimeStamp.Expired");
  assert_gateway_error (r_future, 400, "InvalidTimeStamp.Expired");
  assert_gateway_error (r_zoneless, 400, "InvalidTimeStamp.Format");
  g_assert_true (get_bool (root_object (r_recent), "success"));
  g_assert_true (get_bool (root_object (r_zulu), "success"));
}

static void
test_missing_headers (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base, "/auth/scopesV2", NULL);
  g_autofree char *unknown = g_strconcat (f->base, "/no/such/api", NULL);
  g_autoptr(Reply) reply = http (f->session, "POST", url, "application/x-www-form-urlencoded",
                                 "tenantId=196729", NULL);
  g_autoptr(Reply) missing = http (f->session, "POST", unknown,
                                   "application/x-www-form-urlencoded", "", NULL);

  assert_gateway_error (reply, 400, "MissingParameter");
  assert_gateway_error (missing, 404, "InvalidApi.NotFound");
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  const char *root = yq_sim_org_get_root (f->org)->zwdd_code;
  const char *page101[] = { "tenantId", tenant (f), "organizationCode", root, "pageNo", "1",
                            "pageSize", "101", "returnTotalSize", "true", NULL };
  const char *page100[] = { "tenantId", tenant (f), "organizationCode", root, "pageNo", "1",
                            "pageSize", "100", "returnTotalSize", "true", NULL };
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mobiles = g_ptr_array_new ();
  g_autoptr(Reply) r101 = zwdd (f, "/mozi/organization/pageSubOrganizationCodes", page101, NULL);
  g_autoptr(Reply) r100 = zwdd (f, "/mozi/organization/pageSubOrganizationCodes", page100, NULL);
  g_autoptr(Reply) many_codes = NULL;
  g_autoptr(Reply) hundred_codes = NULL;
  g_autoptr(Reply) many_mobiles = NULL;
  g_autoptr(Reply) fifty_mobiles = NULL;
  g_autofree char *joined = NULL;
  const char *mobile_params[] = { "tenantId", tenant (f), "mobiles", NULL, "areaCode", "86",
                                  "namespace", "local", NULL };

  g_assert_cmpstr (response_code (r101), ==, "100002");
  g_assert_nonnull (data_of (r100));

  /* 101 codes, one field per value. */
  g_ptr_array_add (codes, g_strdup ("tenantId"));
  g_ptr_array_add (codes, g_strdup (tenant (f)));
  for (guint i = 0; i < 101; i++)
    {
      g_ptr_array_add (codes, g_strdup ("organizationCodes"));
      guint index = i % yq_sim_org_get_department_slots (f->org);

      g_ptr_array_add (codes, g_strdup (yq_sim_org_get_department (f->org, index)->zwdd_code));
    }
  g_ptr_array_add (codes, NULL);
  many_codes = zwdd_list (f, "/mozi/organization/listOrganizationsByCodes", codes);
  g_assert_cmpstr (response_code (many_codes), ==, "100003");

  /* 100 (some repeated) are fine. */
  g_ptr_array_remove_range (codes, codes->len - 3, 3);
  g_ptr_array_add (codes, NULL);
  hundred_codes = zwdd_list (f, "/mozi/organization/listOrganizationsByCodes", codes);
  g_assert_cmpuint (json_array_get_length (data_arr (hundred_codes)), ==,
                    MIN (100, yq_sim_org_get_department_slots (f->org)));

  for (guint i = 0; i < 51; i++)
    g_ptr_array_add (mobiles, yq_sim_org_get_person (f->org, i)->mobile);
  g_ptr_array_add (mobiles, NULL);
  joined = g_strjoinv (",", (char **) mobiles->pdata);
  mobile_params[3] = joined;
  many_mobiles = zwdd (f, "/mozi/employee/get_by_mobiles", mobile_params, NULL);
  g_assert_cmpstr (response_code (many_mobiles), ==, "100003");

  /* Drop the last number: 50 pass and come back with account IDs. */
  *strrchr (joined, ',') = '\0';
  fifty_mobiles = zwdd (f, "/mozi/employee/get_by_mobiles", mobile_params, NULL);
  {
    JsonArray *found = data_arr (fifty_mobiles);
    JsonObject *first = elem (found, 0);

    g_assert_cmpuint (json_array_get_length (found), ==, 50);
    g_assert_cmpstr (get_str (first, "mobile"), ==, yq_sim_org_get_person (f->org, 0)->mobile);
    g_assert_cmpint (get_int (first, "accountId"), ==,
                     (gint64) yq_sim_org_get_person (f->org, 0)->account_id);
  }
}

/* A faithful crawl, written from the notes (§4.11), compared with the
 * snapshot the simulator expects. */
static void
add_page_codes (JsonNode   *data,
                GPtrArray  *queue,
                GHashTable *seen)
{
  JsonArray *array = json_node_get_array (data);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *code = json_array_get_string_element (array, i);

      if (!g_hash_table_add (seen, g_strdup (code)))
        g_error ("organization %s listed twice", code);
      g_ptr_array_add (queue, g_strdup (code));
    }
}

static YqOrgSnapshot *
crawl (Fixture *f,
       guint    page_size)
{
  g_autofree char *size_text = g_strdup_printf ("%u", page_size);
  const char *scope_params[] = { "tenantId", tenant (f), NULL };
  g_autoptr(Reply) scopes = zwdd (f, "/auth/scopesV2", scope_params, NULL);
  JsonArray *roots = get_arr (content_of (scopes), "deptVisibleScopes");
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) employees = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) employee_order = g_ptr_array_new ();
  YqOrgSnapshot *snapshot = yq_org_snapshot_new (json_array_get_string_element (roots, 0));

  for (guint i = 0; i < json_array_get_length (roots); i++)
    {
      g_hash_table_add (seen, g_strdup (json_array_get_string_element (roots, i)));
      g_ptr_array_add (queue, g_strdup (json_array_get_string_element (roots, i)));
    }

  /* Breadth-first, every page, checking totalSize. */
  for (guint q = 0; q < queue->len; q++)
    {
      const char *code = g_ptr_array_index (queue, q);
      YqSimDepartment *dept = yq_sim_org_find_zwdd_department (f->org, code);
      gint64 total = -1, got = 0;

      for (guint page = 1;; page++)
        {
          g_autofree char *page_text = g_strdup_printf ("%u", page);
          const char *params[] = { "tenantId", tenant (f), "organizationCode", code,
                                   "status", "A", "pageNo", page_text, "pageSize", size_text,
                                   "returnTotalSize", "true", NULL };
          g_autoptr(Reply) reply = zwdd (f, "/mozi/organization/pageSubOrganizationCodes",
                                         params, NULL);
          JsonNode *data = data_of (reply);
          JsonObject *content = content_of (reply);
          guint n = json_array_get_length (json_node_get_array (data));

          g_assert_cmpint (get_int (content, "currentPage"), ==, page);
          g_assert_cmpint (get_int (content, "pageSize"), ==, page_size);
          total = get_int (content, "totalSize");
          add_page_codes (data, queue, seen);
          got += n;
          if (n == 0 || (page - 1) * (gint64) page_size + n >= total)
            break;
        }

      g_assert_cmpint (total, ==, yq_sim_org_get_children (f->org, dept)->len);
      g_assert_cmpint (got, ==, total);
    }

  g_assert_cmpuint (queue->len, ==, yq_sim_org_count_departments (f->org));

  /* Details in batches of 100. */
  for (guint start = 0; start < queue->len; start += 100)
    {
      g_autoptr(GPtrArray) params = g_ptr_array_new ();
      g_autoptr(Reply) reply = NULL;
      JsonArray *list;

      g_ptr_array_add (params, "tenantId");
      g_ptr_array_add (params, (gpointer) tenant (f));
      for (guint i = start; i < queue->len && i < start + 100; i++)
        {
          g_ptr_array_add (params, "organizationCodes");
          g_ptr_array_add (params, g_ptr_array_index (queue, i));
        }
      g_ptr_array_add (params, NULL);
      reply = zwdd_list (f, "/mozi/organization/listOrganizationsByCodes", params);
      list = data_arr (reply);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *org = elem (list, i);
          YqOrgDepartment *dept = yq_org_department_new (get_str (org, "organizationCode"),
                                                         get_str (org, "parentCode"),
                                                         get_str (org, "organizationName"));

          dept->order = get_int (org, "displayOrder");
          dept->active = g_str_equal (get_str (org, "status"), "A");
          g_assert_true (yq_org_snapshot_add_department (snapshot, dept));
        }
    }

  /* Employees with positions, per organization. */
  for (guint q = 0; q < queue->len; q++)
    {
      for (guint page = 1;; page++)
        {
          g_autofree char *page_text = g_strdup_printf ("%u", page);
          const char *params[] = { "tenantId", tenant (f),
                                   "organizationCode", g_ptr_array_index (queue, q),
                                   "pageNo", page_text, "pageSize", size_text,
                                   "returnTotalSize", "true", NULL };
          g_autoptr(Reply) reply = zwdd (f, "/mozi/organization/pageOrganizationEmployeePositions",
                                         params, NULL);
          JsonArray *list = data_arr (reply);
          gint64 total = get_int (content_of (reply), "totalSize");

          for (guint i = 0; i < json_array_get_length (list); i++)
            {
              JsonObject *employee = elem (list, i);
              const char *code = get_str (employee, "employeeCode");

              if (!g_hash_table_contains (employees, code))
                {
                  g_hash_table_insert (employees, g_strdup (code), json_object_ref (employee));
                  g_ptr_array_add (employee_order, g_hash_table_lookup (employees, code));
                }
            }
          guint n = json_array_get_length (list);

          if (n == 0 || (page - 1) * (gint64) page_size + n >= total)
            break;
        }
    }

  /* accountId / accountCode in batches of 100. */
  for (guint start = 0; start < employee_order->len; start += 100)
    {
      g_autoptr(GPtrArray) params = g_ptr_array_new ();
      g_autoptr(Reply) reply = NULL;
      JsonArray *list;

      g_ptr_array_add (params, "tenantId");
      g_ptr_array_add (params, (gpointer) tenant (f));
      for (guint i = start; i < employee_order->len && i < start + 100; i++)
        {
          g_ptr_array_add (params, "employeeCodes");
          g_ptr_array_add (params, (gpointer) get_str (g_ptr_array_index (employee_order, i),
                                                                             "employeeCode"));
        }
      g_ptr_array_add (params, NULL);
      reply = zwdd_list (f, "/mozi/employee/listEmployeeAccountIds", params);
      list = data_arr (reply);
      g_assert_cmpuint (json_array_get_length (list), ==, MIN (100, employee_order->len - start));

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *account = elem (list, i);
          JsonObject *employee = g_hash_table_lookup (employees, get_str (account, "employeeCode"));
          JsonArray *positions = get_arr (employee, "govEmployeePositions");
          YqOrgPerson *person = yq_org_person_new (get_str (employee, "employeeCode"),
                                                   get_str (employee, "employeeName"));
          guint k = 0;

          person->account_id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                get_int (account, "accountId"));
          person->account_code = g_strdup (get_str (account, "accountCode"));
          person->active = g_str_equal (get_str (employee, "status"), "A");
          g_free (person->department_ids);
          person->department_ids = g_new0 (char *, json_array_get_length (positions) + 1);
          for (guint p = 0; p < json_array_get_length (positions); p++)
            {
              JsonObject *position = elem (positions, p);

              if (get_bool (position, "mainJob"))
                {
                  person->title = g_strdup (get_str (position, "govEmpPosJob"));
                  person->order = get_int (position, "orderInOrganization");
                  g_assert_cmpuint (k, ==, 0);
                  person->department_ids[k++] = g_strdup (get_str (position, "organizationCode"));
                }
            }
          for (guint p = 0; p < json_array_get_length (positions); p++)
            {
              JsonObject *position = elem (positions, p);

              if (!get_bool (position, "mainJob"))
                person->department_ids[k++] = g_strdup (get_str (position, "organizationCode"));
            }
          g_assert_true (yq_org_snapshot_add_person (snapshot, person));
        }
    }

  return snapshot;
}

static void
test_paging_crawl (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) crawled = crawl (f, 3);
  g_autofree char *difference = NULL;
  g_autoptr(Reply) counters = admin (f, "GET", "/_sim/counters", NULL);
  JsonObject *endpoints = get_obj (root_object (counters), "endpoints");

  if (!yq_org_snapshot_equal (expected, crawled, &difference))
    g_error ("crawl differs from the expected snapshot: %s", difference);

  g_assert_cmpuint (yq_org_snapshot_get_n_people (crawled), ==, yq_sim_org_count_people (f->org));
  g_assert_cmpint (get_int (endpoints, "/mozi/organization/listOrganizationsByCodes"), ==,
                   (yq_sim_org_count_departments (f->org) + 99) / 100);
  g_assert_cmpint (get_int (root_object (counters), "total"), >,
                   yq_sim_org_count_departments (f->org));
}

static void
test_scope (Fixture       *f,
            gconstpointer  data)
{
  YqSimDepartment *root = yq_sim_org_get_root (f->org);
  GArray *children = yq_sim_org_get_children (f->org, root);
  YqSimDepartment *inside = yq_sim_org_get_department (f->org, g_array_index (children, guint, 0));
  YqSimDepartment *outside = yq_sim_org_get_department (f->org, g_array_index (children, guint, 1));
  g_autofree char *scope_json = g_strdup_printf ("{\"departments\":[\"%s\"]}", inside->zwdd_code);
  g_autoptr(Reply) set = admin (f, "POST", "/_sim/zwdd/scope", scope_json);
  const char *in_params[] = { "tenantId", tenant (f), "organizationCode", inside->zwdd_code, NULL };
  const char *out_params[] = { "tenantId", tenant (f),
                               "organizationCode", outside->zwdd_code, NULL };
  const char *scope_params[] = { "tenantId", tenant (f), NULL };
  g_autoptr(Reply) in = zwdd (f, "/mozi/organization/getOrganizationByCode", in_params, NULL);
  g_autoptr(Reply) out = zwdd (f, "/mozi/organization/getOrganizationByCode", out_params, NULL);
  g_autoptr(Reply) sub = zwdd (f, "/mozi/organization/pageSubOrganizationCodes", out_params, NULL);
  g_autoptr(Reply) scopes = zwdd (f, "/auth/scopesV2", scope_params, NULL);
  JsonArray *visible;

  g_assert_cmpuint (set->status, ==, 200);
  g_assert_cmpstr (get_str (data_obj (in), "organizationName"),
                   ==, inside->name);
  g_assert_cmpstr (response_code (out), ==, "300037");
  g_assert_cmpstr (get_str (content_of (out), "bizErrorCode"), ==, "MFH-B003-02-16-0037");
  g_assert_cmpstr (response_code (sub), ==, "300037");
  visible = get_arr (content_of (scopes), "deptVisibleScopes");
  g_assert_cmpstr (json_array_get_string_element (visible, 0), ==, inside->zwdd_code);
}

static YqSimPerson *
first_active (YqSimOrg *org,
              guint     skip)
{
  for (guint i = 0; i < yq_sim_org_get_person_slots (org); i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (org, i);

      if (!person->deleted && person->status == YQ_SIM_STATUS_NORMAL && skip-- == 0)
        return person;
    }

  g_assert_not_reached ();
}

static void
test_sso_and_tokens (Fixture       *f,
                     gconstpointer  data)
{
  YqSimPerson *person = first_active (f->org, 0);
  g_autofree char *body = g_strdup_printf ("{\"person\":\"%s\"}", person->employee_code);
  g_autoptr(Reply) code_reply = admin (f, "POST", "/_sim/zwdd/auth-code", body);
  const char *code = get_str (root_object (code_reply), "authCode");
  g_autofree char *token = get_token (f, f->config->zwdd_app_key, f->config->zwdd_app_secret);
  const char *params[] = { "access_token", token, "auth_code", code, NULL };
  const char *bogus[] = { "access_token", "app_not-a-token", "auth_code", code, NULL };
  g_autoptr(Reply) bad_token = zwdd (f, "/rpc/oauth2/dingtalk_app_user.json", bogus, NULL);
  g_autoptr(Reply) user = zwdd (f, "/rpc/oauth2/dingtalk_app_user.json", params, NULL);
  g_autoptr(Reply) again = zwdd (f, "/rpc/oauth2/dingtalk_app_user.json", params, NULL);
  g_autoptr(Reply) ttl = NULL;
  g_autoptr(Reply) expired = NULL;
  g_autoptr(Reply) code2 = NULL;
  g_autofree char *short_token = NULL;
  JsonObject *user_data;

  g_assert_cmpstr (response_code (bad_token), ==, "250027");
  user_data = data_obj (user);
  g_assert_cmpint (get_int (user_data, "accountId"), ==, (gint64) person->account_id);
  g_assert_cmpstr (get_str (user_data, "employeeCode"), ==, person->employee_code);
  g_assert_cmpstr (get_str (user_data, "lastName"), ==, person->name);
  g_assert_cmpint (get_int (user_data, "realmId"), ==, g_ascii_strtoll (tenant (f), NULL, 10));
  /* Single-use code. */
  g_assert_cmpstr (response_code (again), ==, "250040");

  /* A short TTL makes the token expire; the answer is 250027. */
  ttl = admin (f, "PUT", "/_sim/faults", "{\"token_ttl\":1}");
  g_assert_cmpint (get_int (root_object (ttl), "token_ttl"), ==, 1);
  short_token = get_token (f, f->config->zwdd_app_key, f->config->zwdd_app_secret);
  code2 = admin (f, "POST", "/_sim/zwdd/auth-code", body);
  g_usleep (1100 * 1000);
  {
    const char *late[] = { "access_token", short_token, "auth_code",
                           get_str (root_object (code2), "authCode"), NULL };

    expired = zwdd (f, "/rpc/oauth2/dingtalk_app_user.json", late, NULL);
    g_assert_cmpstr (response_code (expired), ==, "250027");
  }
}

static void
test_qr_login (Fixture       *f,
               gconstpointer  data)
{
  YqSimPerson *person = first_active (f->org, 2);
  g_autofree char *bad_url =
    g_strdup_printf ("%s/oauth2/auth.htm?response_type=code&client_id=%s"
                     "&redirect_uri=https%%3A%%2F%%2Fevil.example.com%%2Fcb"
                     "&scope=get_user_info&authType=QRCODE&state=s1",
                     f->login, f->config->zwdd_qr_client_id);
  g_autofree char *page_url =
    g_strdup_printf ("%s/oauth2/auth.htm?response_type=code&client_id=%s"
                     "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A9%%2Fcb%%3Fx%%3D1"
                     "&scope=get_user_info&authType=QRCODE&state=st%%2F1",
                     f->login, f->config->zwdd_qr_client_id);
  g_autofree char *confirm_url = g_strdup_printf ("%s&sim_account=%s",
                                                  page_url, person->account_id_str);
  g_autofree char *embed_url = g_strdup_printf ("%s&embedMode=true&sim_account=%s",
                                                page_url, person->account_id_str);
  g_autoptr(Reply) refused = http (f->session, "GET", bad_url, NULL, NULL, NULL);
  g_autoptr(Reply) page = http (f->session, "GET", page_url, NULL, NULL, NULL);
  g_autoptr(Reply) confirmed = http (f->session, "GET", confirm_url, NULL, NULL, NULL);
  g_autoptr(Reply) embedded = http (f->session, "GET", embed_url, NULL, NULL, NULL);
  g_autoptr(GUri) location = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *qr_token = get_token (f, f->config->zwdd_qr_app_key,
                                         f->config->zwdd_qr_app_secret);
  g_autofree char *h5_token = get_token (f, f->config->zwdd_app_key, f->config->zwdd_app_secret);
  CallOptions qr = { f->config->zwdd_qr_app_key, f->config->zwdd_qr_app_secret,
                     NULL, FALSE, FALSE };
  g_autoptr(Reply) wrong_app = NULL;
  g_autoptr(Reply) user = NULL;
  g_autoptr(Reply) reused = NULL;

  g_assert_cmpuint (refused->status, ==, 403);
  g_assert_nonnull (strstr (refused->body, "无权限访问"));
  g_assert_cmpuint (page->status, ==, 200);
  g_assert_nonnull (strstr (page->body, "sim_account"));

  g_assert_cmpuint (confirmed->status, ==, 302);
  g_assert_true (g_str_has_prefix (confirmed->location, "http://127.0.0.1:9/cb?x=1&code="));
  location = g_uri_parse (confirmed->location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  query = g_uri_parse_params (g_uri_get_query (location), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, "st/1");

  g_assert_cmpuint (embedded->status, ==, 200);
  g_assert_nonnull (strstr (embedded->body, "postMessage"));
  g_assert_nonnull (strstr (embedded->body, "\"state\":\"st/1\""));

  {
    const char *code = g_hash_table_lookup (query, "code");
    const char *params_h5[] = { "access_token", h5_token, "code", code, NULL };
    const char *params_qr[] = { "access_token", qr_token, "code", code, NULL };

    /* The code belongs to the QR-login app; the H5 app's token cannot use it. */
    wrong_app = zwdd (f, "/rpc/oauth2/getuserinfo_bycode.json", params_h5, NULL);
    g_assert_cmpstr (response_code (wrong_app), ==, "250040");
    user = zwdd (f, "/rpc/oauth2/getuserinfo_bycode.json", params_qr, &qr);
    g_assert_cmpint (get_int (data_obj (user), "accountId"), ==,
                     (gint64) person->account_id);
    reused = zwdd (f, "/rpc/oauth2/getuserinfo_bycode.json", params_qr, &qr);
    g_assert_cmpstr (response_code (reused), ==, "250040");
  }
}

static void
test_work_notification (Fixture       *f,
                        gconstpointer  data)
{
  YqSimPerson *a = first_active (f->org, 0);
  YqSimPerson *b = first_active (f->org, 1);
  g_autofree char *receivers = g_strdup_printf ("%s,%s", a->account_id_str, b->account_id_str);
  const char *msg = "{\"msgtype\":\"text\",\"text\":{\"content\":\"你好\"}}";
  const char *params[] = { "tenantId", tenant (f), "receiverIds", receivers, "bizMsgId", "oa-msg-1",
                           "msg", msg, NULL };
  const char *by_code[] = { "tenantId", tenant (f), "receiverIds", a->employee_code,
                            "bizMsgId", "oa-msg-2", "msg", msg, NULL };
  g_autoptr(GString) long_msg = g_string_new ("{\"msgtype\":\"text\",\"text\":{\"content\":\"");
  g_autoptr(GString) many = g_string_new (NULL);
  const char *repeated[] = { "tenantId", tenant (f), "receiverIds", a->account_id_str,
                             "receiverIds", b->account_id_str, "bizMsgId", "oa-msg-5",
                             "msg", msg, NULL };
  g_autoptr(Reply) sent = zwdd (f, "/message/workNotification", params, NULL);
  g_autoptr(Reply) duplicate = zwdd (f, "/message/workNotification", params, NULL);
  g_autoptr(Reply) wrong_ids = zwdd (f, "/message/workNotification", by_code, NULL);
  g_autoptr(Reply) too_long = NULL;
  g_autoptr(Reply) too_many = NULL;
  g_autoptr(Reply) records = NULL;
  JsonArray *list;
  JsonObject *record;

  g_assert_true (get_bool (root_object (sent), "success"));
  g_assert_cmpuint (strlen (get_str (content_of (sent), "msgId")), >, 0);

  g_assert_false (get_bool (root_object (duplicate), "success"));
  g_assert_nonnull (strstr (get_str (root_object (duplicate), "errorMsg"), "重复"));
  g_assert_false (get_bool (root_object (wrong_ids), "success"));

  /* receiverIds is one comma-separated value, not a repeated field. */
  {
    g_autoptr(Reply) as_list = zwdd (f, "/message/workNotification", repeated, NULL);

    g_assert_cmpstr (get_str (root_object (as_list), "errorCode"), ==, "400001");
  }

  while (long_msg->len < 2100)
    g_string_append (long_msg, "长");
  g_string_append (long_msg, "\"}}");
  {
    const char *p[] = { "tenantId", tenant (f), "receiverIds", a->account_id_str,
                        "bizMsgId", "oa-msg-3", "msg", long_msg->str, NULL };

    too_long = zwdd (f, "/message/workNotification", p, NULL);
    g_assert_cmpstr (get_str (root_object (too_long), "errorCode"), ==, "400004");
  }

  for (guint i = 0; i < 1001; i++)
    {
      YqSimPerson *receiver = first_active (f->org, i % 200);

      g_string_append_printf (many, "%s%s", i ? "," : "", receiver->account_id_str);
    }
  {
    const char *p[] = { "tenantId", tenant (f), "receiverIds", many->str,
                        "bizMsgId", "oa-msg-4", "msg", msg, NULL };

    too_many = zwdd (f, "/message/workNotification", p, NULL);
    g_assert_cmpstr (get_str (root_object (too_many), "errorCode"), ==, "400003");
  }

  records = admin (f, "GET", "/_sim/records?kind=zwdd.notification", NULL);
  list = get_arr (root_object (records), "records");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  record = elem (list, 0);
  g_assert_cmpstr (get_str (record, "bizMsgId"), ==, "oa-msg-1");
  g_assert_cmpuint (json_array_get_length (get_arr (record, "receiverIds")), ==, 2);
  g_assert_cmpstr (get_str (get_obj (get_obj (record, "msg"), "text"), "content"), ==, "你好");
}

static void
test_todos (Fixture       *f,
            gconstpointer  data)
{
  YqSimPerson *creator = first_active (f->org, 0);
  YqSimPerson *assignee = first_active (f->org, 1);
  const char *create[] = { "tenantId", tenant (f), "subject", "请审批",
                           "creatorId", creator->account_id_str,
                           "assigneeId", assignee->account_id_str, "bizTaskId", "oa-work-7",
                           "url", "https://oa.example.com/w?id=7",
                           "mobileUrl", "https://oa.example.com/m?id=7", NULL };
  const char *no_query[] = { "tenantId", tenant (f), "subject", "x",
                             "creatorId", creator->account_id_str,
                             "assigneeId", assignee->account_id_str, "bizTaskId", "oa-work-8",
                             "url", "https://oa.example.com/w",
                             "mobileUrl", "https://oa.example.com/m?id=8", NULL };
  g_autoptr(Reply) first = zwdd (f, "/tc/v2/openapi/task/create.json", create, NULL);
  g_autoptr(Reply) duplicate = zwdd (f, "/tc/v2/openapi/task/create.json", create, NULL);
  g_autoptr(Reply) bad_url = zwdd (f, "/tc/v2/openapi/task/create.json", no_query, NULL);
  const char *uuid = get_str (data_obj (first), "taskUuid");
  g_autofree char *task_uuid = g_strdup (uuid);
  const char *finish[] = { "taskUuid", task_uuid, "userId", assignee->account_id_str,
                           "closePackage", "false", NULL };
  const char *cancel[] = { "taskUuid", task_uuid, "userId", assignee->account_id_str,
                           "cancelPakcage", "true", NULL };
  const char *wrong_user[] = { "taskUuid", task_uuid, "userId", creator->account_id_str, NULL };
  g_autoptr(Reply) not_assignee = zwdd (f, "/tc/openapi/task/finish.json", wrong_user, NULL);
  g_autoptr(Reply) finished = zwdd (f, "/tc/openapi/task/finish.json", finish, NULL);
  g_autoptr(Reply) cancel_after = zwdd (f, "/tc/openapi/task/cancel.json", cancel, NULL);
  g_autoptr(Reply) records = admin (f, "GET", "/_sim/records?kind=zwdd.todo", NULL);
  JsonArray *list = get_arr (root_object (records), "records");
  JsonObject *record;

  g_assert_nonnull (uuid);
  g_assert_true (JSON_NODE_HOLDS_NULL (data_of (duplicate)));
  g_assert_cmpstr (response_code (bad_url), ==, "100001");
  g_assert_cmpstr (response_code (not_assignee), ==, "400102");
  g_assert_cmpstr (json_node_get_string (data_of (finished)), ==, "true");
  g_assert_cmpstr (response_code (cancel_after), ==, "400103");

  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  record = elem (list, 0);
  g_assert_cmpstr (get_str (record, "state"), ==, "finished");
  g_assert_cmpuint (json_array_get_length (get_arr (record, "history")), ==, 2);

  /* A second task, cancelled with the SDK's misspelt field. */
  {
    const char *create2[] = { "tenantId", tenant (f), "subject", "第二件",
                              "creatorId", creator->account_id_str,
                              "assigneeId", assignee->account_id_str, "bizTaskId", "oa-work-9",
                              "url", "https://oa.example.com/w?id=9",
                              "mobileUrl", "https://oa.example.com/m?id=9", NULL };
    g_autoptr(Reply) second = zwdd (f, "/tc/v2/openapi/task/create.json", create2, NULL);
    g_autofree char *uuid2 = g_strdup (get_str (data_obj (second), "taskUuid"));
    const char *cancel2[] = { "taskUuid", uuid2, "userId", assignee->account_id_str,
                              "cancelPakcage", "true", NULL };
    g_autoptr(Reply) cancelled = zwdd (f, "/tc/openapi/task/cancel.json", cancel2, NULL);
    g_autoptr(Reply) after = admin (f, "GET", "/_sim/records?kind=zwdd.todo", NULL);
    JsonObject *last = elem (get_arr (root_object (after), "records"), 1);
    JsonArray *history = get_arr (last, "history");
    JsonObject *entry = elem (history, json_array_get_length (history) - 1);

    g_assert_cmpstr (json_node_get_string (data_of (cancelled)), ==, "true");
    g_assert_cmpstr (get_str (last, "state"), ==, "cancelled");
    g_assert_cmpstr (get_str (get_obj (entry, "params"), "cancelPakcage"),
                     ==, "true");
  }
}

static void
test_admin_edits_visible (Fixture       *f,
                          gconstpointer  data)
{
  YqSimDepartment *root = yq_sim_org_get_root (f->org);
  GArray *children = yq_sim_org_get_children (f->org, root);
  YqSimDepartment *dept = yq_sim_org_get_department (f->org, g_array_index (children, guint, 0));
  g_autofree char *rename = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"改名后的处室\"}", dept->yzj_id);
  g_autofree char *add = g_strdup_printf ("{\"parent\":\"%s\",\"name\":\"新设科室\"}", dept->zwdd_code);
  g_autoptr(Reply) renamed = admin (f, "POST", "/_sim/org/department/rename", rename);
  g_autoptr(Reply) added = admin (f, "POST", "/_sim/org/department/add", add);
  const char *new_code = get_str (root_object (added), "zwdd");
  const char *list[] = { "tenantId", tenant (f), "organizationCodes", dept->zwdd_code,
                         "organizationCodes", new_code, NULL };
  g_autoptr(Reply) orgs = zwdd (f, "/mozi/organization/listOrganizationsByCodes", list, NULL);
  JsonArray *array = data_arr (orgs);
  YqSimPerson *person = first_active (f->org, 3);
  g_autofree char *move = g_strdup_printf ("{\"id\":\"%s\",\"departments\":[\"%s\"],"
                                           "\"title\":\"新职务\"}",
                                           person->employee_code, new_code);
  g_autoptr(Reply) moved = admin (f, "POST", "/_sim/org/person/update", move);
  const char *members[] = { "tenantId", tenant (f), "organizationCode", new_code, NULL };
  g_autoptr(Reply) listing = zwdd (f, "/mozi/organization/pageOrganizationEmployeePositions",
                                   members, NULL);
  JsonArray *employees = data_arr (listing);
  JsonObject *position;

  g_assert_cmpuint (renamed->status, ==, 200);
  g_assert_cmpuint (added->status, ==, 200);
  g_assert_cmpstr (get_str (elem (array, 0), "organizationName"),
                   ==, "改名后的处室");
  g_assert_cmpstr (get_str (elem (array, 1), "parentCode"),
                   ==, dept->zwdd_code);

  g_assert_cmpuint (moved->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (employees), ==, 1);
  position = elem (get_arr (elem (employees, 0), "govEmployeePositions"), 0);
  g_assert_cmpstr (get_str (position, "govEmpPosJob"), ==, "新职务");
}

/* Faults ------------------------------------------------------------------------------ */

static void
test_fault_errors (Fixture       *f,
                   gconstpointer  data)
{
  const char *params[] = { "tenantId", tenant (f), NULL };
  g_autoptr(Reply) set = admin (f, "PUT", "/_sim/faults", "{\"error_rate\":0.3,\"seed\":5}");
  guint failures = 0;
  g_autoptr(Reply) malformed_set = NULL;
  g_autoptr(Reply) malformed = NULL;
  g_autoptr(Reply) counters = NULL;

  g_assert_cmpuint (set->status, ==, 200);
  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(Reply) reply = zwdd (f, "/auth/scopesV2", params, NULL);

      if (reply->status >= 500)
        failures++;
      else
        g_assert_true (get_bool (root_object (reply), "success"));
    }
  g_test_message ("5xx: %u of 300 at rate 0.3", failures);
  g_assert_cmpuint (failures, >=, 60);
  g_assert_cmpuint (failures, <=, 120);

  malformed_set = admin (f, "PUT", "/_sim/faults", "{\"error_rate\":0,\"malformed_rate\":1}");
  malformed = zwdd (f, "/auth/scopesV2", params, NULL);
  g_assert_cmpuint (malformed->status, ==, 200);
  g_assert_null (malformed->json);
  g_assert_cmpuint (malformed->length, >, 0);

  counters = admin (f, "GET", "/_sim/counters", NULL);
  g_assert_cmpint (get_int (root_object (counters), "injected_errors"), ==, failures);
  g_assert_cmpint (get_int (get_obj (root_object (counters), "endpoints"),
                                               "/auth/scopesV2"), ==, 301);
}

static void
test_fault_qps (Fixture       *f,
                gconstpointer  data)
{
  const char *params[] = { "tenantId", tenant (f), NULL };
  g_autoptr(Reply) set = admin (f, "PUT", "/_sim/faults", "{\"qps_limit\":5}");
  guint throttled = 0, ok = 0;
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpuint (set->status, ==, 200);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(Reply) reply = zwdd (f, "/auth/scopesV2", params, NULL);
      JsonObject *root = root_object (reply);

      if (!get_bool (root, "success"))
        {
          g_assert_cmpstr (get_str (root, "Code"), ==, "Throttling");
          g_assert_cmpuint (reply->status, ==, 429);
          throttled++;
        }
      else
        ok++;
    }

  /* At most 5 per sliding second get through; on a fast machine the twenty
   * calls fit in one second. */
  g_assert_cmpuint (ok, >=, 5);
  g_assert_cmpuint (ok + throttled, ==, 20);
  if (g_get_monotonic_time () - start < G_USEC_PER_SEC)
    g_assert_cmpuint (ok, ==, 5);
  else
    g_assert_cmpuint (ok, <=, 5 * (1 + (g_get_monotonic_time () - start) / G_USEC_PER_SEC));
}

static void
test_fault_latency (Fixture       *f,
                    gconstpointer  data)
{
  const char *params[] = { "tenantId", tenant (f), NULL };
  g_autoptr(Reply) baseline = zwdd (f, "/auth/scopesV2", params, NULL);
  g_autoptr(Reply) set = admin (f, "PUT", "/_sim/faults", "{\"latency_ms\":300}");
  g_autoptr(Reply) slow = zwdd (f, "/auth/scopesV2", params, NULL);
  Pending *pending[8];
  gint64 start;
  gint64 elapsed;

  g_test_message ("baseline %" G_GINT64_FORMAT " us, with 300 ms latency %" G_GINT64_FORMAT " us",
                  baseline->elapsed_usec, slow->elapsed_usec);
  g_assert_cmpint (slow->elapsed_usec, >=, 300 * 1000);
  g_assert_true (get_bool (root_object (slow), "success"));

  /* Eight in flight: the delays overlap instead of adding up. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    pending[i] = zwdd_start (f, "/auth/scopesV2", params, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pending); i++)
    {
      g_autoptr(Reply) reply = finish_request (pending[i]);

      g_assert_true (get_bool (root_object (reply), "success"));
      g_assert_cmpint (reply->elapsed_usec, >=, 300 * 1000);
    }
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("8 concurrent requests at 300 ms latency took %" G_GINT64_FORMAT " ms",
                  elapsed / 1000);
  g_assert_cmpint (elapsed, <, 3 * 300 * 1000);

  /* The admin API is never delayed. */
  {
    g_autoptr(Reply) health = admin (f, "GET", "/_sim/health", NULL);

    g_assert_cmpint (health->elapsed_usec, <, 300 * 1000);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/zwdd/signer-vectors", test_signer_vectors);
#define ADD(path, func) \
  g_test_add ("/sim/zwdd/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("signed-call", test_signed_call);
  ADD ("bad-signatures", test_bad_signatures);
  ADD ("parameter-order", test_parameter_order);
  ADD ("timestamps", test_timestamps);
  ADD ("missing-headers", test_missing_headers);
  ADD ("limits", test_limits);
  ADD ("paging-crawl", test_paging_crawl);
  ADD ("scope", test_scope);
  ADD ("sso-and-tokens", test_sso_and_tokens);
  ADD ("qr-login", test_qr_login);
  ADD ("work-notification", test_work_notification);
  ADD ("todos", test_todos);
  ADD ("admin-edits-visible", test_admin_edits_visible);
  ADD ("fault-errors", test_fault_errors);
  ADD ("fault-qps", test_fault_qps);
  ADD ("fault-latency", test_fault_latency);
#undef ADD

  return g_test_run ();
}
