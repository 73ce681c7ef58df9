/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The 云之家 side of yunqiao-sim, driven over loopback HTTP. pubtoken and the
 * quick-approval sign are computed here from docs/platforms/yunzhijia.md
 * §2.5–2.6 on their own and checked against test vectors P1, P1b and P2.
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

#define CHECK_TODO "/gateway/newtodo/open/checkcreatetodo.json"

/* Signatures ----------------------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
pubtoken (const char *no,
          const char *pub,
          const char *key,
          const char *nonce,
          const char *time)
{
  const char *parts[] = { no, pub, key, nonce, time };
  g_autofree char *joined = NULL;

  qsort (parts, G_N_ELEMENTS (parts), sizeof parts[0], compare_strings);
  joined = g_strconcat (parts[0], parts[1], parts[2], parts[3], parts[4], NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, joined, -1);
}

static char *
approval_sign (const char  *key,
               const char  *open_id,
               const char  *source_type,
               const char **source_ids)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) key, strlen (key));
  guint8 digest[20];
  gsize len = sizeof digest;

  g_ptr_array_add (parts, (gpointer) open_id);
  g_ptr_array_add (parts, (gpointer) source_type);
  for (guint i = 0; source_ids[i] != NULL; i++)
    g_ptr_array_add (parts, (gpointer) source_ids[i]);
  g_ptr_array_sort (parts, compare_strings);
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv ("&", (char **) parts->pdata);

  g_hmac_update (hmac, (const guchar *) joined, -1);
  g_hmac_get_digest (hmac, digest, &len);

  return g_base64_encode (digest, len);
}

static void
test_vectors (void)
{
  g_autofree char *p1 = pubtoken ("10109", "XT-00000000-test", "testPubKey", "n0001", "1704081600");
  g_autofree char *p1b = pubtoken ("10109", "XT-00000000-test", "testPubKey", "n0001",
                                   "1704081600000");
  const char *ids[] = { "doc-2", "doc-1", NULL };
  g_autofree char *p2 = approval_sign ("testSignKey", "5f00000000000000000000a1", "500000001", ids);

  g_assert_cmpstr (p1, ==, "32fd35d5b173e9fe3994d3c18431a890bfe8883d");
  g_assert_cmpstr (p1b, ==, "ae9bcfc7e622337a18f6d091f3a330ab68cd4c20");
  g_assert_cmpstr (p2, ==, "aPk8oAkAjNNF7gnufL3+DChBGdU=");
}

/* Fixture ----------------------------------------------------------------------- */

typedef struct
{
  YqSimConfig *config;
  YqSimOrg    *org;
  YqSimServer *server;
  SoupSession *session;
  char        *base;
  char        *data_dir;
  SoupServer  *oa;
  char        *oa_base;
  GPtrArray   *events;
  guint        approvals;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = g_dir_make_tmp ("yq-sim-yzj-XXXXXX", &error);
  g_assert_no_error (error);
  f->config = yq_sim_config_new_default ();
  f->org = yq_sim_org_generate (2500, 77);
  f->server = yq_sim_server_new (f->config, f->org);
  g_assert_true (yq_sim_server_start (f->server, &error));
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64, NULL);
  f->base = yq_sim_server_get_base_url (f->server);
  f->events = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  yq_sim_server_stop (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->org);
  if (f->oa != NULL)
    soup_server_disconnect (f->oa);
  g_clear_object (&f->oa);
  g_free (f->oa_base);
  g_ptr_array_unref (f->events);
  yq_sim_config_free (f->config);
  g_free (f->base);
  g_rmdir (f->data_dir);
  g_free (f->data_dir);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
json_text (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static Reply *
post_json (Fixture    *f,
           const char *path_and_query,
           const char *json)
{
  g_autofree char *url = g_strconcat (f->base, path_and_query, NULL);

  return http (f->session, "POST", url, "application/json", json, NULL);
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

/* scope: "app", "team" or "resGroupSecret"; @secret NULL for the right one. */
static Reply *
request_token (Fixture    *f,
               const char *scope,
               const char *secret,
               gint64      timestamp_ms)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *body = NULL;

  if (secret == NULL)
    secret = g_str_equal (scope, "resGroupSecret") ? f->config->yzj_dir_secret
                                                   : f->config->yzj_app_secret;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, scope);
  if (!g_str_equal (scope, "resGroupSecret"))
    {
      json_builder_set_member_name (builder, "appId");
      json_builder_add_string_value (builder, f->config->yzj_app_id);
    }
  if (!g_str_equal (scope, "app"))
    {
      json_builder_set_member_name (builder, "eid");
      json_builder_add_string_value (builder, f->config->yzj_eid);
    }
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, secret);
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_int_value (builder, timestamp_ms ? timestamp_ms : g_get_real_time () / 1000);
  json_builder_end_object (builder);
  body = json_text (builder);

  return post_json (f, "/gateway/oauth2/token/getAccessToken", body);
}

static char *
token (Fixture    *f,
       const char *scope,
       const char *secret)
{
  g_autoptr(Reply) reply = request_token (f, scope, secret, 0);
  JsonObject *root = root_object (reply);

  g_assert_true (get_bool (root, "success"));
  g_assert_cmpint (get_int (root, "errorCode"), ==, 0);

  return g_strdup (get_str (get_obj (root, "data"), "accessToken"));
}

static Reply *
openimport (Fixture    *f,
            const char *access_token,
            const char *path,
            const char *data)
{
  g_autofree char *url = g_strdup_printf ("%s/gateway/openimport/open/%s?accessToken=%s",
                                          f->base, path, access_token);
  g_autofree char *eid = g_uri_escape_string (f->config->yzj_eid, NULL, FALSE);
  g_autofree char *escaped = data ? g_uri_escape_string (data, NULL, FALSE) : NULL;
  g_autofree char *body = g_strdup_printf ("nonce=n%u&eid=%s%s%s",
                                           g_random_int_range (0, 99999), eid,
                                           escaped ? "&data=" : "", escaped ? escaped : "");

  return http (f->session, "POST", url, "application/x-www-form-urlencoded", body, NULL);
}

static Reply *
gateway (Fixture    *f,
         const char *access_token,
         const char *path,
         const char *json)
{
  g_autofree char *query = g_strdup_printf ("%s?accessToken=%s", path, access_token);

  return post_json (f, query, json);
}

/* openimport success: success true, errorCode 100; returns data. */
static JsonNode *
directory_data (Reply *reply)
{
  JsonObject *root = root_object (reply);

  if (!get_bool (root, "success") || get_int (root, "errorCode") != 100)
    g_error ("directory call failed: %s", reply->body);

  return json_object_get_member (root, "data");
}

static JsonArray *
directory_array (Reply *reply)
{
  return json_node_get_array (directory_data (reply));
}

static gint64
error_code (Reply *reply)
{
  return get_int (root_object (reply), "errorCode");
}

static YqSimPerson *
active_person (YqSimOrg *org,
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

/* Tests ------------------------------------------------------------------------- */

static void
test_token_rules (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Reply) first = request_token (f, "resGroupSecret", NULL, 0);
  g_autoptr(Reply) second = request_token (f, "resGroupSecret", NULL, 0);
  g_autoptr(Reply) old = request_token (f, "app", NULL, g_get_real_time () / 1000 - 4 * 60 * 1000);
  g_autoptr(Reply) wrong = request_token (f, "app", "not-the-secret", 0);
  g_autofree char *form_url = g_strconcat (f->base, "/gateway/oauth2/token/getAccessToken", NULL);
  g_autofree char *form_body = g_strdup_printf ("scope=app&appId=%s&secret=%s"
                                                "&timestamp=%" G_GINT64_FORMAT,
                                                f->config->yzj_app_id, f->config->yzj_app_secret,
                                                g_get_real_time () / 1000);
  g_autoptr(Reply) form = http (f->session, "POST", form_url,
                                "application/x-www-form-urlencoded", form_body, NULL);
  g_autofree char *string_ts = g_strdup_printf ("{\"scope\":\"team\",\"appId\":\"%s\","
                                                "\"eid\":\"%s\","
                                                "\"secret\":\"%s\","
                                                "\"timestamp\":\"%" G_GINT64_FORMAT "\"}",
                                                f->config->yzj_app_id, f->config->yzj_eid,
                                                f->config->yzj_app_secret,
                                                g_get_real_time () / 1000);
  g_autoptr(Reply) as_string = post_json (f, "/gateway/oauth2/token/getAccessToken", string_ts);
  g_autofree char *no_eid = g_strdup_printf ("{\"scope\":\"team\",\"appId\":\"%s\","
                                             "\"secret\":\"%s\","
                                             "\"timestamp\":%" G_GINT64_FORMAT "}",
                                             f->config->yzj_app_id, f->config->yzj_app_secret,
                                             g_get_real_time () / 1000);
  g_autoptr(Reply) missing = post_json (f, "/gateway/oauth2/token/getAccessToken", no_eid);
  JsonObject *d1 = get_obj (root_object (first), "data");
  JsonObject *d2 = get_obj (root_object (second), "data");

  g_assert_true (get_bool (root_object (first), "success"));
  g_assert_cmpint (error_code (first), ==, 0);
  g_assert_cmpuint (strlen (get_str (d1, "accessToken")), ==, 32);
  g_assert_cmpuint (strlen (get_str (d1, "refreshToken")), ==, 32);
  g_assert_cmpint (get_int (d1, "expireIn"), ==, 6400);
  /* The same token while it is valid. */
  g_assert_cmpstr (get_str (d1, "accessToken"), ==,
                   get_str (d2, "accessToken"));

  g_assert_false (get_bool (root_object (old), "success"));
  g_assert_cmpint (error_code (old), !=, 0);
  g_assert_false (get_bool (root_object (wrong), "success"));
  g_assert_false (get_bool (root_object (form), "success"));
  g_assert_cmpint (error_code (form), !=, 0);
  g_assert_true (get_bool (root_object (as_string), "success"));
  g_assert_false (get_bool (root_object (missing), "success"));

  /* refreshToken gives a fresh pair. */
  {
    g_autofree char *body = g_strdup_printf ("{\"scope\":\"resGroupSecret\",\"eid\":\"%s\","
                                             "\"refreshToken\":\"%s\","
                                             "\"timestamp\":%" G_GINT64_FORMAT "}",
                                             f->config->yzj_eid, get_str (d1, "refreshToken"),
                                             g_get_real_time () / 1000);
    g_autoptr(Reply) refreshed = post_json (f, "/gateway/oauth2/token/refreshToken", body);
    JsonObject *d3 = get_obj (root_object (refreshed), "data");

    g_assert_true (get_bool (root_object (refreshed), "success"));
    g_assert_cmpstr (get_str (d3, "accessToken"), !=,
                     get_str (d1, "accessToken"));
  }
}

static void
test_token_expiry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Reply) set = admin (f, "PUT", "/_sim/faults", "{\"token_ttl\":1}");
  g_autofree char *first = token (f, "resGroupSecret", NULL);
  g_autofree char *fresh = NULL;
  g_autoptr(Reply) late = NULL;
  g_autoptr(Reply) ok = NULL;

  g_assert_cmpuint (set->status, ==, 200);
  g_usleep (1100 * 1000);
  late = openimport (f, first, "dept/getall", NULL);
  g_assert_false (get_bool (root_object (late), "success"));
  g_assert_cmpint (error_code (late), ==, 10010);

  fresh = token (f, "resGroupSecret", NULL);
  g_assert_cmpstr (fresh, !=, first);
  ok = openimport (f, fresh, "dept/getall", NULL);
  g_assert_nonnull (directory_data (ok));
}

static void
test_scopes (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *app = token (f, "app", NULL);
  g_autofree char *readonly = token (f, "resGroupSecret", f->config->yzj_dir_secret_readonly);
  g_autofree char *editable = token (f, "resGroupSecret", NULL);
  g_autoptr(Reply) app_on_directory = openimport (f, app, "dept/getall", NULL);
  g_autoptr(Reply) ro_read = openimport (f, readonly, "dept/getall", NULL);
  g_autoptr(Reply) ro_write = openimport (f, readonly, "dept/add", "{\"departments\":[\"只读测试\"]}");
  g_autoptr(Reply) rw_write = openimport (f, editable, "dept/add", "{\"departments\":[\"可写测试\"]}");
  g_autoptr(Reply) directory_on_todo = gateway (f, editable, CHECK_TODO,
                                                "{\"sourcetype\":\"1\",\"sourceitemid\":\"1\"}");
  g_autoptr(Reply) no_token = openimport (f, "00000000000000000000000000000000",
                                          "dept/getall", NULL);

  g_assert_cmpint (error_code (app_on_directory), ==, 10011);
  g_assert_nonnull (directory_data (ro_read));
  g_assert_cmpint (error_code (ro_write), ==, 10012);
  g_assert_false (get_bool (root_object (ro_write), "success"));
  g_assert_cmpuint (json_array_get_length (directory_array (rw_write)), ==, 0);
  g_assert_cmpint (error_code (directory_on_todo), ==, 10011);
  g_assert_cmpint (error_code (no_token), ==, 10010);
  g_assert_nonnull (yq_sim_org_find_by_long_name (f->org, "可写测试"));
  g_assert_null (yq_sim_org_find_by_long_name (f->org, "只读测试"));
}

static void
test_form_encoding (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *rw = token (f, "resGroupSecret", NULL);
  g_autofree char *body = g_strdup_printf ("{\"eid\":\"%s\","
                                           "\"data\":\"{\\\"begin\\\":0,\\\"count\\\":10}\"}",
                                           f->config->yzj_eid);
  g_autofree char *json_query = g_strdup_printf ("/gateway/openimport/open/person/getall"
                                                 "?accessToken=%s", rw);
  g_autoptr(Reply) as_json = post_json (f, json_query, body);
  g_autoptr(Reply) as_form = openimport (f, rw, "person/getall", "{\"begin\":0,\"count\":10}");
  g_autoptr(Reply) bad_data = openimport (f, rw, "person/getall", "{begin:0");

  g_assert_false (get_bool (root_object (as_json), "success"));
  g_assert_cmpint (error_code (as_json), !=, 100);
  g_assert_cmpuint (json_array_get_length (directory_array (as_form)), ==, 10);
  g_assert_false (get_bool (root_object (bad_data), "success"));
}

/* A faithful read of the directory, written from the notes (§4.2–4.3). */
static void
test_getall_paging (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *rw = token (f, "resGroupSecret", f->config->yzj_dir_secret_readonly);
  g_autoptr(Reply) depts = openimport (f, rw, "dept/getall", NULL);
  JsonArray *dept_list = directory_array (depts);
  g_autoptr(YqOrgSnapshot) crawled = NULL;
  g_autoptr(YqOrgSnapshot) expected = yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_YZJ);
  g_autofree char *difference = NULL;
  guint statuses[3] = { 0 };
  guint pages = 0;
  const char *root_id = NULL;

  for (guint i = 0; i < json_array_get_length (dept_list); i++)
    {
      JsonObject *dept = elem (dept_list, i);

      if (*get_str (dept, "parentId") == '\0')
        root_id = get_str (dept, "id");
    }
  g_assert_nonnull (root_id);
  crawled = yq_org_snapshot_new (root_id);

  for (guint i = 0; i < json_array_get_length (dept_list); i++)
    {
      JsonObject *dept = elem (dept_list, i);
      const char *parent = get_str (dept, "parentId");
      YqOrgDepartment *out = yq_org_department_new (get_str (dept, "id"),
                                                    *parent ? parent : NULL,
                                                    get_str (dept, "name"));

      out->order = get_int (dept, "weights");
      g_assert_true (yq_org_snapshot_add_department (crawled, out));
      /* Long names never start with the team name. */
      if (*parent)
        g_assert_false (g_str_has_prefix (get_str (dept, "department"),
                                          yq_sim_org_get_root (f->org)->name));
    }

  for (gint64 begin = 0;; begin += 1000)
    {
      g_autofree char *request = g_strdup_printf ("{\"eid\":\"%s\",\"begin\":%" G_GINT64_FORMAT
                                                  ",\"count\":1000}", f->config->yzj_eid, begin);
      g_autoptr(Reply) page = openimport (f, rw, "person/getall", request);
      JsonArray *people = directory_array (page);

      pages++;
      for (guint i = 0; i < json_array_get_length (people); i++)
        {
          JsonObject *p = elem (people, i);
          YqOrgPerson *out = yq_org_person_new (get_str (p, "openId"),
                                                get_str (p, "name"));
          gint64 status = get_int (p, "status");
          const char *email = get_str (p, "email");
          const char *job = get_str (p, "jobNo");
          const char *title = get_str (p, "jobTitle");

          statuses[status]++;
          out->account_id = g_strdup (out->id);
          out->mobile = g_strdup (get_str (p, "phone"));
          out->email = *email ? g_strdup (email) : NULL;
          out->job_number = *job ? g_strdup (job) : NULL;
          out->title = *title ? g_strdup (title) : NULL;
          out->order = get_int (p, "weights");
          out->active = status == 1;
          g_strfreev (out->department_ids);
          out->department_ids = g_new0 (char *, 2);
          out->department_ids[0] = g_strdup (get_str (p, "orgId"));
          if (!yq_org_snapshot_add_person (crawled, out))
            g_error ("person listed twice across pages");
        }
      if (json_array_get_length (people) < 1000)
        break;
    }

  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (statuses[0], >, 0);
  g_assert_cmpuint (statuses[1], >, 0);
  g_assert_cmpuint (statuses[2], >, 0);
  if (!yq_org_snapshot_equal (expected, crawled, &difference))
    g_error ("directory read differs from the expected snapshot: %s", difference);
}

/* 研发中心\移动平台部\开发组 as it appears inside a JSON string. */
#define DEV_GROUP "研发中心\\\\移动平台部\\\\开发组"

static void
test_directory_writes (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *rw = token (f, "resGroupSecret", NULL);
  const char *team = yq_sim_org_get_root (f->org)->name;
  g_autofree char *with_team = g_strdup_printf ("{\"departments\":[\"%s\\\\研发中心\"]}", team);
  g_autoptr(Reply) added = openimport (f, rw, "v2/dept/add",
                                       "{\"departments\":[\"" DEV_GROUP "\"],\"weights\":[\"7\"]}");
  JsonObject *result = json_node_get_object (directory_data (added));
  JsonObject *success = elem (get_arr (result, "successList"), 0);
  const char *org_id = get_str (success, "orgId");
  YqSimDepartment *dept = yq_sim_org_find_yzj_department (f->org, org_id);
  g_autoptr(Reply) again = openimport (f, rw, "dept/add", "{\"departments\":[\"" DEV_GROUP "\"]}");
  g_autoptr(Reply) team_prefixed = openimport (f, rw, "dept/add", with_team);
  g_autoptr(Reply) unknown = openimport (f, rw, "dept/deleteById",
                                         "{\"departments\":[\"no-such-org\"]}");
  g_autoptr(GString) many = g_string_new ("{\"departments\":[");
  g_autoptr(Reply) too_many = NULL;
  g_autoptr(Reply) records = NULL;
  JsonObject *failure;

  g_assert_cmpuint (json_array_get_length (get_arr (result, "errorList")), ==, 0);
  g_assert_nonnull (dept);
  g_assert_cmpstr (dept->name, ==, "开发组");
  g_assert_cmpint (dept->order, ==, 7);
  /* The same department exists for 政务钉钉 too. */
  g_assert_true (g_str_has_prefix (dept->zwdd_code, "GO_"));
  g_assert_true (yq_sim_org_find_zwdd_department (f->org, dept->zwdd_code) == dept);

  failure = elem (directory_array (again), 0);
  g_assert_cmpint (get_int (failure, "msgCode"), ==, 222);
  failure = elem (directory_array (team_prefixed), 0);
  g_assert_cmpint (get_int (failure, "msgCode"), ==, 223);
  failure = elem (directory_array (unknown), 0);
  g_assert_cmpint (get_int (failure, "msgCode"), ==, 221);
  g_assert_cmpstr (get_str (failure, "msgId"), ==, "no-such-org");

  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (many, "%s\"批量%u\"", i ? "," : "", i);
  g_string_append (many, "]}");
  too_many = openimport (f, rw, "dept/add", many->str);
  g_assert_false (get_bool (root_object (too_many), "success"));
  g_assert_null (yq_sim_org_find_by_long_name (f->org, "批量0"));

  /* People: add, find by phone, disable, move. */
  {
    g_autoptr(Reply) add = openimport (f, rw, "person/add",
                                       "{\"persons\":[{\"name\":\"测试员\",\"phone\":\"13900001111\","
                                       "\"department\":\"研发中心\\\\移动平台部\",\"jobTitle\":\"工程师\","
                                       "\"jobNo\":\"T001\"}]}");
    g_autoptr(Reply) dup = openimport (f, rw, "person/add",
                                       "{\"persons\":[{\"name\":\"重复\",\"phone\":\"13900001111\","
                                       "\"department\":\"研发中心\"}]}");
    g_autoptr(Reply) found = openimport (f, rw, "person/get",
                                         "{\"type\":0,\"array\":[\"13900001111\"]}");
    JsonObject *person = elem (directory_array (found), 0);
    g_autofree char *open_id = g_strdup (get_str (person, "openId"));
    g_autofree char *disable = g_strdup_printf ("{\"persons\":[{\"openId\":\"%s\","
                                                "\"type\":\"3\"}]}",
                                                open_id);
    g_autofree char *move = g_strdup_printf ("{\"persons\":[{\"openId\":\"%s\",\"orgId\":\"%s\"}]}",
                                             open_id, org_id);
    g_autoptr(Reply) disabled = openimport (f, rw, "person/updateStatus", disable);
    g_autoptr(Reply) moved = openimport (f, rw, "person/updateDept", move);
    YqSimPerson *sim = yq_sim_org_find_by_open_id (f->org, open_id);

    g_assert_cmpuint (json_array_get_length (directory_array (add)), ==, 0);
    g_assert_cmpint (get_int (elem (directory_array (dup), 0),
                                                 "msgCode"), ==, 231);
    g_assert_cmpstr (get_str (person, "department"), ==, "研发中心\\移动平台部");
    g_assert_cmpstr (get_str (person, "jobTitle"), ==, "工程师");
    g_assert_cmpuint (json_array_get_length (directory_array (disabled)), ==, 0);
    g_assert_cmpuint (json_array_get_length (directory_array (moved)), ==, 0);
    g_assert_cmpint (sim->status, ==, YQ_SIM_STATUS_DISABLED);
    g_assert_true (sim->departments[0] == dept->index);
    /* 政务钉钉 sees the same person, inactive. */
    g_assert_true (g_str_has_prefix (sim->employee_code, "GE_"));
  }

  records = admin (f, "GET", "/_sim/records?kind=yzj.directory", NULL);
  g_assert_cmpuint (json_array_get_length (get_arr (root_object (records), "records")), ==, 8);
}

static void
test_delete_department (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *rw = token (f, "resGroupSecret", NULL);
  YqSimDepartment *leaf = NULL;
  YqSimPerson *member = NULL;
  g_autofree char *body = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autofree char *parent_body = NULL;
  g_autoptr(Reply) parent_reply = NULL;

  for (guint i = 1; i < yq_sim_org_get_department_slots (f->org) && member == NULL; i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (f->org, i);
      GArray *members = yq_sim_org_get_members (f->org, dept);

      if (dept->depth < 2 || yq_sim_org_get_children (f->org, dept)->len != 0)
        continue;
      for (guint k = 0; k < members->len; k++)
        {
          YqSimPerson *p = yq_sim_org_get_person (f->org, g_array_index (members, guint, k));

          if (p->status == YQ_SIM_STATUS_NORMAL && p->departments[0] == dept->index)
            {
              leaf = dept;
              member = p;
              break;
            }
        }
    }
  g_assert_nonnull (member);

  parent_body = g_strdup_printf ("{\"departments\":[\"%s\"]}",
                                 yq_sim_org_get_department (f->org, (guint) leaf->parent)->yzj_id);
  parent_reply = openimport (f, rw, "dept/deleteById", parent_body);
  g_assert_cmpint (get_int (elem (directory_array (parent_reply), 0),
                                               "msgCode"), ==, 227);

  body = g_strdup_printf ("{\"departments\":[\"%s\"]}", leaf->yzj_id);
  reply = openimport (f, rw, "dept/deleteById", body);
  g_assert_cmpuint (json_array_get_length (directory_array (reply)), ==, 0);
  g_assert_true (leaf->deleted);
  g_assert_cmpstr (yq_sim_org_get_department (f->org, member->departments[0])->name, ==, "未分配");
}

static char *
pub_body (Fixture    *f,
          const char *nonce,
          const char *time,
          const char *token_override,
          const char *to_json)
{
  g_autofree char *computed = pubtoken (f->config->yzj_eid, f->config->yzj_pub_id,
                                        f->config->yzj_pub_key, nonce, time);

  return g_strdup_printf ("{\"from\":{\"no\":\"%s\",\"pub\":\"%s\",\"time\":\"%s\","
                          "\"nonce\":\"%s\",\"pubtoken\":\"%s\"},"
                          "\"to\":%s,\"type\":2,\"msg\":{\"text\":\"公告\"}}",
                          f->config->yzj_eid, f->config->yzj_pub_id, time, nonce,
                          token_override ? token_override : computed, to_json);
}

static void
test_pubacc (Fixture       *f,
             gconstpointer  data)
{
  YqSimPerson *person = active_person (f->org, 0);
  g_autofree char *to = g_strdup_printf ("[{\"no\":\"%s\",\"user\":[\"%s\"]}]",
                                         f->config->yzj_eid, person->open_id);
  g_autofree char *bad_to = g_strdup_printf ("[{\"no\":\"%s\",\"user\":[\"nobody\"]}]",
                                             f->config->yzj_eid);
  g_autofree char *empty_to = g_strdup_printf ("[{\"no\":\"%s\"}]", f->config->yzj_eid);
  g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *good = pub_body (f, "nonce-1", time, NULL, to);
  g_autofree char *forged = pub_body (f, "nonce-2", time,
                                      "0000000000000000000000000000000000000000", to);
  g_autofree char *legacy = pub_body (f, "nonce-3", time, NULL, to);
  g_autofree char *wrong_user = pub_body (f, "nonce-4", time, NULL, bad_to);
  g_autofree char *no_user = pub_body (f, "nonce-5", time, NULL, empty_to);
  g_autofree char *url = g_strconcat (f->base, "/pubacc/pubsendV2", NULL);
  g_autoptr(Reply) sent = post_json (f, "/pubacc/pubsendV2", good);
  g_autoptr(Reply) replay = post_json (f, "/pubacc/pubsendV2", good);
  g_autoptr(Reply) bad = post_json (f, "/pubacc/pubsendV2", forged);
  g_autoptr(Reply) old_api = post_json (f, "/pubacc/pubsend", legacy);
  g_autoptr(Reply) unknown = post_json (f, "/pubacc/pubsendV2", wrong_user);
  g_autoptr(Reply) neither = post_json (f, "/pubacc/pubsendV2", no_user);
  g_autoptr(Reply) form = http (f->session, "POST", url,
                                "application/x-www-form-urlencoded", "from=x", NULL);
  g_autoptr(Reply) records = admin (f, "GET", "/_sim/records?kind=yzj.message", NULL);
  JsonObject *root = root_object (sent);

  g_assert_cmpint (get_int (root, "code"), ==, 0);
  g_assert_true (get_bool (root, "success"));
  g_assert_cmpstr (get_str (get_obj (root, "data"), "pubId"), ==,
                   f->config->yzj_pub_id);
  g_assert_cmpint (get_int (root_object (replay), "code"), ==, 5005);
  g_assert_false (get_bool (root_object (replay), "success"));
  g_assert_cmpint (get_int (root_object (bad), "code"), ==, 5004);
  g_assert_nonnull (get_str (root_object (old_api), "sourceMsgId"));
  g_assert_false (json_object_has_member (root_object (old_api), "code"));
  g_assert_cmpint (get_int (root_object (unknown), "code"), ==, 5003);
  g_assert_cmpint (get_int (root_object (neither), "code"), ==, 5003);
  g_assert_cmpuint (form->status, ==, 400);
  g_assert_cmpuint (json_array_get_length (get_arr (root_object (records), "records")), ==, 2);
}

static JsonNode *
todo_data (Reply      *reply,
           const char *success,
           gint64      code)
{
  JsonObject *root = root_object (reply);
  JsonNode *node = json_object_get_member (root, "success");

  /* The todo service writes success as a string. */
  g_assert_cmpuint (json_node_get_value_type (node), ==, G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (node), ==, success);
  g_assert_cmpint (get_int (root, "errorCode"), ==, code);

  return json_object_get_member (root, "data");
}

static char *
todo_body (Fixture    *f,
           const char *source_id,
           const char *recipients_json,
           const char *extra)
{
  return g_strdup_printf ("{\"appId\":\"%s\",\"sourceId\":\"%s\",\"params\":%s,"
                          "\"url\":\"https://oa.example.com/t?id=%s\",\"title\":\"OA\","
                          "\"headImg\":\"https://oa.example.com/i.png\",\"content\":\"请处理\"%s}",
                          f->config->yzj_app_id, source_id, recipients_json, source_id,
                          extra ? extra : "");
}

static void
test_todos (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *app = token (f, "app", NULL);
  YqSimPerson *a = active_person (f->org, 0);
  YqSimPerson *b = active_person (f->org, 1);
  g_autofree char *both = g_strdup_printf ("[{\"openId\":\"%s\"},{\"openId\":\"%s\"}]",
                                           a->open_id, b->open_id);
  g_autofree char *mixed = g_strdup_printf ("[{\"openId\":\"%s\"},{\"openId\":\"bogus\"}]",
                                            a->open_id);
  g_autofree char *create = todo_body (f, "doc-1", both, ",\"sync\":true");
  g_autofree char *create_mixed = todo_body (f, "doc-2", mixed, ",\"sync\":true");
  g_autofree char *create_bad = todo_body (f, "doc-3", "[{\"openId\":\"bogus\"}]",
                                           ",\"sync\":true");
  g_autofree char *create_async = todo_body (f, "doc-4", both, NULL);
  g_autofree char *missing = g_strdup_printf ("{\"appId\":\"%s\",\"params\":%s,\"url\":\"u\","
                                              "\"title\":\"t\",\"headImg\":\"h\"}",
                                              f->config->yzj_app_id, both);
  g_autofree char *deal = g_strdup_printf ("{\"sourcetype\":\"%s\",\"sourceitemid\":\"doc-1\","
                                           "\"actiontype\":{\"read\":1,\"deal\":1},"
                                           "\"openids\":[\"%s\"],\"sync\":true}",
                                           f->config->yzj_app_id, a->open_id);
  g_autofree char *deal_other = g_strdup_printf ("{\"sourcetype\":\"%s\","
                                                 "\"sourceitemid\":\"doc-2\","
                                                 "\"actiontype\":{\"deal\":1},"
                                                 "\"openids\":[\"%s\"]}",
                                                 f->config->yzj_app_id, b->open_id);
  g_autofree char *no_action = g_strdup_printf ("{\"sourcetype\":\"%s\","
                                                "\"sourceitemid\":\"doc-1\"}",
                                                f->config->yzj_app_id);
  g_autofree char *check = g_strdup_printf ("{\"sourcetype\":\"%s\",\"sourceitemid\":\"doc-1\","
                                            "\"openId\":\"%s\"}",
                                            f->config->yzj_app_id, a->open_id);
  const char *create_path = "/gateway/newtodo/open/generatetodo.json";
  g_autoptr(Reply) created = gateway (f, app, create_path, create);
  g_autoptr(Reply) duplicate = gateway (f, app, create_path, create);
  g_autoptr(Reply) partial = gateway (f, app, create_path, create_mixed);
  g_autoptr(Reply) all_bad = gateway (f, app, create_path, create_bad);
  g_autoptr(Reply) async = gateway (f, app, create_path, create_async);
  g_autoptr(Reply) no_source = gateway (f, app, create_path, missing);
  g_autoptr(Reply) done = gateway (f, app, "/gateway/newtodo/open/action.json", deal);
  g_autoptr(Reply) not_member = gateway (f, app, "/gateway/newtodo/open/action.json", deal_other);
  g_autoptr(Reply) bad_action = gateway (f, app, "/gateway/newtodo/open/action.json", no_action);
  g_autoptr(Reply) checked = gateway (f, app, CHECK_TODO, check);
  g_autoptr(Reply) records = NULL;
  JsonObject *check_data;
  JsonArray *list, *bad;
  guint for_doc1 = 0;

  g_assert_true (JSON_NODE_HOLDS_NULL (todo_data (created, "true", 200)));
  g_assert_true (JSON_NODE_HOLDS_NULL (todo_data (duplicate, "true", 200)));
  bad = json_node_get_array (todo_data (partial, "false", 501));
  g_assert_cmpstr (json_array_get_string_element (bad, 0), ==, "bogus");
  todo_data (all_bad, "false", 505);
  todo_data (async, "true", 0);
  g_assert_cmpstr (json_node_get_string (todo_data (no_source, "false", 0)), ==,
                   "param error:'sourceId' is null.");
  todo_data (done, "true", 200);
  bad = json_node_get_array (todo_data (not_member, "false", 502));
  g_assert_cmpstr (json_array_get_string_element (bad, 0), ==, b->open_id);
  todo_data (bad_action, "false", 1);

  check_data = json_node_get_object (todo_data (checked, "true", 0));
  g_assert_true (get_bool (check_data, "check"));
  g_assert_cmpint (get_int (check_data, "dealCount"), ==, 1);
  g_assert_cmpint (get_int (check_data, "undelCount"), ==, 0);

  /* Five checks a minute per item; the sixth is refused. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(Reply) again = gateway (f, app, CHECK_TODO, check);
      JsonObject *d = json_node_get_object (todo_data (again, "true", 0));

      g_assert_true (get_bool (d, "check") == (i < 4));
      if (i == 4)
        g_assert_nonnull (get_str (d, "errormsg"));
    }

  records = admin (f, "GET", "/_sim/records?kind=yzj.todo", NULL);
  list = get_arr (root_object (records), "records");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *record = elem (list, i);

      if (g_str_equal (get_str (record, "sourceId"), "doc-1"))
        {
          for_doc1++;
          g_assert_true (get_bool (record, "deal") ==
                         g_str_equal (get_str (record, "openId"), a->open_id));
        }
    }
  /* Idempotency on openId + appId + sourceId: the duplicate added nothing. */
  g_assert_cmpuint (for_doc1, ==, 2);
}

static void
test_acquire_context (Fixture       *f,
                      gconstpointer  data)
{
  YqSimPerson *person = active_person (f->org, 5);
  g_autofree char *ask = g_strdup_printf ("{\"person\":\"%s\"}", person->mobile);
  g_autoptr(Reply) issued = admin (f, "POST", "/_sim/yzj/ticket", ask);
  const char *ticket = get_str (root_object (issued), "ticket");
  g_autofree char *body = g_strdup_printf ("{\"appid\":\"%s\",\"ticket\":\"%s\"}",
                                           f->config->yzj_app_id, ticket);
  g_autofree char *app = token (f, "app", NULL);
  g_autofree char *team = token (f, "team", NULL);
  g_autoptr(Reply) wrong_scope = gateway (f, team, "/gateway/ticket/user/acquirecontext", body);
  g_autoptr(Reply) context = gateway (f, app, "/gateway/ticket/user/acquirecontext", body);
  g_autoptr(Reply) reused = gateway (f, app, "/gateway/ticket/user/acquirecontext", body);
  JsonObject *root = root_object (context);
  JsonObject *user = get_obj (root, "data");

  g_assert_cmpint (error_code (wrong_scope), ==, 10011);
  g_assert_true (get_bool (root, "success"));
  g_assert_cmpint (get_int (root, "errorCode"), ==, 0);
  g_assert_cmpstr (get_str (user, "openid"), ==, person->open_id);
  g_assert_cmpstr (get_str (user, "eid"), ==, f->config->yzj_eid);
  g_assert_cmpstr (get_str (user, "username"), ==, person->name);
  g_assert_false (get_bool (root_object (reused), "success"));
  g_assert_cmpint (error_code (reused), ==, 10030);
}

/* The OA side: a callback endpoint and a quick-approval endpoint. */
static void
oa_cb (SoupServer        *server,
       SoupServerMessage *msg,
       const char        *path,
       GHashTable        *query,
       gpointer           user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (path, "/events"))
    {
      const char *type = g_hash_table_lookup (query, "eventType");
      const char *id = g_hash_table_lookup (query, "eventId");

      g_ptr_array_add (f->events, g_strdup_printf ("%s %s", type, id));
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
      return;
    }

  if (g_str_equal (path, "/pass"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *root, *param;
      JsonArray *ids;
      g_autoptr(GPtrArray) list = g_ptr_array_new ();
      g_autofree char *expected = NULL;
      g_autofree char *reply = NULL;

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 g_bytes_get_size (bytes), NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      param = get_obj (root, "param");
      ids = get_arr (param, "sourceIds");
      for (guint i = 0; i < json_array_get_length (ids); i++)
        g_ptr_array_add (list, (gpointer) json_array_get_string_element (ids, i));
      g_ptr_array_add (list, NULL);
      expected = approval_sign (f->config->yzj_sign_key, get_str (param, "openId"),
                                get_str (param, "sourceType"), (const char **) list->pdata);
      f->approvals++;

      if (!g_str_equal (expected, get_str (root, "sign")))
        reply = g_strdup ("{\"errorCode\":5001,\"success\":false,\"error\":\"check sign error.\"}");
      else
        reply = g_strdup_printf ("{\"data\":{\"successIds\":[\"%s\"]},"
                                 "\"errorCode\":0,\"success\":true}",
                                 json_array_get_string_element (ids, 0));
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                        reply, strlen (reply));
      return;
    }

  soup_server_message_set_status (msg, 404, NULL);
}

static void
start_oa (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->oa = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->oa, NULL, oa_cb, f, NULL);
  g_assert_true (soup_server_listen_local (f->oa, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (f->oa);
  f->oa_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static gboolean
has_event (Fixture    *f,
           const char *event)
{
  for (guint i = 0; i < f->events->len; i++)
    if (g_str_equal (g_ptr_array_index (f->events, i), event))
      return TRUE;

  return FALSE;
}

static void
wait_for_event (Fixture    *f,
                const char *event)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!has_event (f, event) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  if (!has_event (f, event))
    g_error ("event “%s” never arrived", event);
}

static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *rename = NULL;
  g_autoptr(Reply) registered = NULL;
  g_autoptr(Reply) renamed = NULL;
  g_autoptr(Reply) records = NULL;
  YqSimDepartment *dept = yq_sim_org_get_department (f->org, 3);
  g_autofree char *rw = NULL;
  g_autoptr(Reply) added = NULL;
  g_autofree char *org_add = NULL;

  start_oa (f);
  body = g_strdup_printf ("{\"url\":\"%s/events?tenant=1\"}", f->oa_base);
  registered = admin (f, "POST", "/_sim/yzj/callback", body);
  g_assert_cmpuint (registered->status, ==, 200);
  wait_for_event (f, "check null");

  rename = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"事件测试\"}", dept->zwdd_code);
  renamed = admin (f, "POST", "/_sim/org/department/rename", rename);
  {
    g_autofree char *expected = g_strdup_printf ("org_update %s", dept->yzj_id);

    wait_for_event (f, expected);
  }

  /* Writes through the directory API raise events as well. */
  rw = token (f, "resGroupSecret", NULL);
  added = openimport (f, rw, "v2/dept/add", "{\"departments\":[\"事件新部门\"]}");
  org_add = g_strdup_printf ("org_add %s", yq_sim_org_find_by_long_name (f->org, "事件新部门")->yzj_id);
  wait_for_event (f, org_add);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  records = admin (f, "GET", "/_sim/records?kind=yzj.event", NULL);
  {
    JsonArray *list = get_arr (root_object (records), "records");
    JsonObject *first = elem (list, 0);

    g_assert_cmpuint (json_array_get_length (list), >=, 3);
    g_assert_cmpstr (get_str (first, "eventType"), ==, "check");
    g_assert_true (get_bool (first, "delivered"));
    g_assert_nonnull (strstr (get_str (first, "url"), "?tenant=1&createTime="));
  }
}

static void
test_quick_approval (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *app = token (f, "app", NULL);
  YqSimPerson *person = active_person (f->org, 2);
  g_autofree char *recipients = NULL;
  g_autofree char *pass = NULL;
  g_autofree char *create = NULL;
  g_autofree char *approve = NULL;
  g_autofree char *check = NULL;
  g_autoptr(Reply) created = NULL;
  g_autoptr(Reply) approved = NULL;
  g_autoptr(Reply) checked = NULL;
  JsonObject *check_data;
  JsonArray *marked;

  start_oa (f);
  recipients = g_strdup_printf ("[{\"openId\":\"%s\"}]", person->open_id);
  pass = g_strdup_printf (",\"sync\":true,\"passUrl\":\"%s/pass\"", f->oa_base);
  create = todo_body (f, "approve-1", recipients, pass);
  created = gateway (f, app, "/gateway/newtodo/open/generatetodo.json", create);
  todo_data (created, "true", 200);

  approve = g_strdup_printf ("{\"person\":\"%s\",\"sourceIds\":[\"approve-1\"]}", person->open_id);
  approved = admin (f, "POST", "/_sim/yzj/approve", approve);
  g_assert_cmpuint (approved->status, ==, 200);
  g_assert_cmpuint (f->approvals, ==, 1);
  marked = get_arr (root_object (approved), "marked");
  g_assert_cmpuint (json_array_get_length (marked), ==, 1);

  check = g_strdup_printf ("{\"sourcetype\":\"%s\",\"sourceitemid\":\"approve-1\","
                           "\"openId\":\"%s\"}", f->config->yzj_app_id, person->open_id);
  checked = gateway (f, app, CHECK_TODO, check);
  check_data = json_node_get_object (todo_data (checked, "true", 0));
  g_assert_cmpint (get_int (check_data, "dealCount"), ==, 1);
}

static void
test_rate_limits (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *app = token (f, "app", NULL);
  g_autoptr(Reply) set = admin (f, "PUT", "/_sim/faults", "{\"qps_limit\":2}");
  g_autofree char *check = g_strdup_printf ("{\"sourcetype\":\"%s\",\"sourceitemid\":\"x\"}",
                                            f->config->yzj_app_id);
  gboolean saw_202 = FALSE;

  g_assert_cmpuint (set->status, ==, 200);
  for (guint i = 0; i < 6 && !saw_202; i++)
    {
      g_autoptr(Reply) reply = gateway (f, app, CHECK_TODO, check);
      JsonNode *success = json_object_get_member (root_object (reply), "success");

      if (get_int (root_object (reply), "errorCode") == 202)
        {
          /* 202 is the one answer with a boolean success. */
          g_assert_cmpuint (json_node_get_value_type (success), ==, G_TYPE_BOOLEAN);
          g_assert_false (json_node_get_boolean (success));
          saw_202 = TRUE;
        }
    }
  g_assert_true (saw_202);
}

static void
test_admin_edits_visible (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *rw = token (f, "resGroupSecret", NULL);
  YqSimPerson *person = active_person (f->org, 7);
  YqSimDepartment *root = yq_sim_org_get_root (f->org);
  GArray *children = yq_sim_org_get_children (f->org, root);
  YqSimDepartment *dept = yq_sim_org_get_department (f->org, g_array_index (children, guint, 1));
  g_autofree char *update = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"新名字\","
                                             "\"mobile\":\"18800001234\"}",
                                             person->account_id_str);
  g_autofree char *add = g_strdup_printf ("{\"parent\":\"%s\",\"name\":\"管理员新建\"}", dept->yzj_id);
  g_autoptr(Reply) updated = admin (f, "POST", "/_sim/org/person/update", update);
  g_autoptr(Reply) added = admin (f, "POST", "/_sim/org/department/add", add);
  g_autofree char *query = g_strdup_printf ("{\"type\":1,\"array\":[\"%s\"]}", person->open_id);
  g_autoptr(Reply) found = openimport (f, rw, "person/get", query);
  g_autofree char *long_name = g_strdup_printf ("{\"type\":1,\"array\":[\"%s\\\\管理员新建\"]}",
                                                dept->name);
  g_autoptr(Reply) dept_found = openimport (f, rw, "dept/get", long_name);
  JsonObject *p = elem (directory_array (found), 0);
  JsonArray *d = directory_array (dept_found);

  g_assert_cmpuint (updated->status, ==, 200);
  g_assert_cmpuint (added->status, ==, 200);
  g_assert_cmpstr (get_str (p, "name"), ==, "新名字");
  g_assert_cmpstr (get_str (p, "phone"), ==, "18800001234");
  g_assert_cmpuint (json_array_get_length (d), ==, 1);
  g_assert_cmpstr (get_str (elem (d, 0), "parentId"), ==, dept->yzj_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/yzj/vectors", test_vectors);
#define ADD(path, func) \
  g_test_add ("/sim/yzj/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("token-rules", test_token_rules);
  ADD ("token-expiry", test_token_expiry);
  ADD ("scopes", test_scopes);
  ADD ("form-encoding", test_form_encoding);
  ADD ("getall-paging", test_getall_paging);
  ADD ("directory-writes", test_directory_writes);
  ADD ("delete-department", test_delete_department);
  ADD ("pubacc", test_pubacc);
  ADD ("todos", test_todos);
  ADD ("acquire-context", test_acquire_context);
  ADD ("events", test_events);
  ADD ("quick-approval", test_quick_approval);
  ADD ("rate-limits", test_rate_limits);
  ADD ("admin-edits-visible", test_admin_edits_visible);
#undef ADD

  return g_test_run ();
}
