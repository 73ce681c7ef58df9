/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The login endpoints end to end: yunqiao-service runs as a process of its
 * own with its HTTP server on a free loopback port, yunqiao-sim plays both
 * platforms in this process, and a libsoup client with a cookie jar plays
 * the browser (redirects are followed by hand, to look at each step).
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-sim-server-private.h"
#include "yq-sim-yzj.h"
#include "yq-sim-zwdd.h"
#include "yq-test-login.h"
#include "yq-ticket-private.h"
#include "yunqiao-core.h"

#define PASSWORD YQ_TEST_LOGIN_PASSWORD

typedef struct
{
  YqLoginFixture base;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  yq_login_fixture_setup (&f->base);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_login_fixture_teardown (&f->base);
}

/* Asserts a redirect to the entry point with a ticket and returns the
 * ticket. */
static char *
assert_ticket_redirect (YqLoginFixture *f,
                        YqTestResponse *response,
                        const char     *target)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *prefix = g_strconcat (target, strchr (target, '?') ? "&" : "?", "ticket=",
                                         NULL);

  g_assert_cmpuint (response->status, ==, SOUP_STATUS_SEE_OTHER);
  g_assert_nonnull (response->location);
  g_assert_true (g_str_has_prefix (response->location, prefix));
  uri = g_uri_parse (response->location, G_URI_FLAGS_NONE, NULL);
  query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);

  return g_strdup (g_hash_table_lookup (query, "ticket"));
}

/* Redeems @ticket through /sso/validate and returns the account. */
static char *
validate (YqLoginFixture *f,
          const char     *ticket,
          gint64          app_id,
          guint           expected_status,
          const char     *expected_error)
{
  g_autofree char *escaped = g_uri_escape_string (ticket, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/sso/validate?ticket=%s&app=%" G_GINT64_FORMAT,
                                           escaped, app_id);
  g_autoptr(YqTestResponse) response = yq_login_fixture_get (f, path);
  g_autoptr(JsonNode) root = yq_test_response_json (response);
  JsonObject *object = json_node_get_object (root);

  g_assert_cmpuint (response->status, ==, expected_status);
  if (expected_error != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, expected_error);
      return NULL;
    }

  return g_strdup (json_object_get_string_member (object, "account"));
}

static void
test_zwdd_entry_bound (Fixture       *f,
                       gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 3);
  g_autofree char *code = yq_login_fixture_auth_code (b, person);
  g_autofree char *path = NULL;
  g_autoptr(YqTestResponse) page = NULL;
  g_autoptr(YqTestResponse) response = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *account = NULL;

  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, person, "zhangsan");

  /* Without a code, the page gets one through the client's JSAPI. */
  path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT, b->zwdd_app);
  page = yq_login_fixture_get (b, path);
  g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (page->body, "dd.getAuthCode"));
  g_assert_nonnull (strstr (page->body, "lang=\"zh-CN\""));
  g_assert_cmpstr (page->referrer_policy, ==, "no-referrer");

  g_free (path);
  path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT "?code=%s", b->zwdd_app, code);
  response = yq_login_fixture_get (b, path);
  ticket = assert_ticket_redirect (b, response, b->entry_url);

  /* The OA validates it once. */
  account = validate (b, ticket, b->zwdd_app, SOUP_STATUS_OK, NULL);
  g_assert_cmpstr (account, ==, "zhangsan");
  g_assert_null (validate (b, ticket, b->zwdd_app, SOUP_STATUS_FORBIDDEN, "replayed"));

  /* The auth code was single-use on the platform too. */
  {
    g_autoptr(YqTestResponse) again = yq_login_fixture_get (b, path);

    g_assert_cmpuint (again->status, ==, SOUP_STATUS_BAD_REQUEST);
  }
}

static void
test_yzj_entry_bound (Fixture       *f,
                      gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_YZJ, 5);
  g_autofree char *ticket_in = yq_login_fixture_yzj_ticket (b, person);
  g_autofree char *path = NULL;
  g_autoptr(YqTestResponse) missing = NULL;
  g_autoptr(YqTestResponse) response = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *account = NULL;
  g_autofree char *target = g_strconcat (b->entry_url, "/todo?tab=2", NULL);
  g_autofree char *escaped_target = g_uri_escape_string (target, NULL, FALSE);

  yq_login_fixture_bind (b, YQ_LOGIN_YZJ, person, "lisi");

  path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT, b->yzj_app);
  missing = yq_login_fixture_get (b, path);
  g_assert_cmpuint (missing->status, ==, SOUP_STATUS_BAD_REQUEST);

  /* A deep link into the OA (same origin as an entry point) is kept. */
  g_free (path);
  path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT "?ticket=%s&target=%s", b->yzj_app,
                          ticket_in, escaped_target);
  response = yq_login_fixture_get (b, path);
  ticket = assert_ticket_redirect (b, response, target);

  /* A ticket of one app is refused for another, and stays unused. */
  g_assert_null (validate (b, ticket, b->zwdd_app, SOUP_STATUS_FORBIDDEN, "wrong-app"));
  account = validate (b, ticket, b->yzj_app, SOUP_STATUS_OK, NULL);
  g_assert_cmpstr (account, ==, "lisi");
}

/* Posts the binding form with the CSRF token of the page. */
static YqTestResponse *
post_bind (YqLoginFixture *f,
           const char     *csrf,
           const char     *account,
           const char     *password)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  if (csrf != NULL)
    g_hash_table_insert (form, "csrf", (gpointer) csrf);
  g_hash_table_insert (form, "account", (gpointer) account);
  g_hash_table_insert (form, "password", (gpointer) password);

  return yq_login_fixture_post_form (f, "/login/bind", form);
}

/* Opens the entry of an unbound person and returns the form's CSRF token. */
static char *
open_bind_form (YqLoginFixture *b,
                YqSimPerson    *person)
{
  g_autofree char *code = yq_login_fixture_auth_code (b, person);
  g_autofree char *path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT "?code=%s",
                                           b->zwdd_app, code);
  g_autoptr(YqTestResponse) entry = yq_login_fixture_get (b, path);
  g_autoptr(YqTestResponse) form = NULL;

  g_assert_cmpuint (entry->status, ==, SOUP_STATUS_SEE_OTHER);
  g_assert_nonnull (entry->location);
  g_assert_true (g_str_has_suffix (entry->location, "/login/bind"));
  g_assert_true (g_str_has_prefix (entry->location, b->service_url));

  form = yq_login_fixture_get (b, "/login/bind");
  g_assert_cmpuint (form->status, ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (form->body, "name=\"password\""));

  return yq_test_response_find_value (form, "csrf");
}

static void
test_manual_binding (Fixture       *f,
                     gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 7);
  g_autofree char *csrf = NULL;
  g_autoptr(YqTestResponse) no_csrf = NULL;
  g_autoptr(YqTestResponse) wrong = NULL;
  g_autoptr(YqTestResponse) right = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *account = NULL;

  csrf = open_bind_form (b, person);
  g_assert_nonnull (csrf);

  /* A post without the form's token is refused (and does not count). */
  no_csrf = post_bind (b, NULL, "wangwu", PASSWORD);
  g_assert_cmpuint (no_csrf->status, ==, SOUP_STATUS_FORBIDDEN);

  wrong = post_bind (b, csrf, "wangwu", "not-the-password");
  g_assert_cmpuint (wrong->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_nonnull (strstr (wrong->body, "class=\"error\""));
  g_assert_null (strstr (wrong->body, "not-the-password"));

  right = post_bind (b, csrf, "WangWu", PASSWORD);
  ticket = assert_ticket_redirect (b, right, b->entry_url);
  account = validate (b, ticket, b->zwdd_app, SOUP_STATUS_OK, NULL);
  g_assert_cmpstr (account, ==, "wangwu");
  g_assert_cmpstr (yq_login_fixture_binding (b, YQ_LOGIN_ZWDD, person), ==, "wangwu");

  /* Next time the person goes straight through. */
  {
    g_autofree char *code = yq_login_fixture_auth_code (b, person);
    g_autofree char *path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT "?code=%s",
                                             b->zwdd_app, code);
    g_autoptr(YqTestResponse) entry = yq_login_fixture_get (b, path);
    g_autofree char *second = assert_ticket_redirect (b, entry, b->entry_url);

    g_assert_nonnull (second);
  }

  /* The form is gone after use. */
  {
    g_autoptr(YqTestResponse) stale = post_bind (b, csrf, "wangwu", PASSWORD);

    g_assert_cmpuint (stale->status, ==, SOUP_STATUS_BAD_REQUEST);
  }
}

static void
test_lockout (Fixture       *f,
              gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 8);
  g_autofree char *csrf = open_bind_form (b, person);
  g_autofree char *unknown_message = NULL;

  for (guint i = 0; i < YQ_LOGIN_MAX_FAILURES; i++)
    {
      g_autoptr(YqTestResponse) wrong = post_bind (b, csrf, "wangwu", "wrong");

      g_assert_cmpuint (wrong->status, ==, SOUP_STATUS_UNAUTHORIZED);
    }

  /* Locked: the right password does not help now, and the answer for an
   * account that does not exist is the same (no enumeration). */
  {
    g_autoptr(YqTestResponse) locked = post_bind (b, csrf, "wangwu", PASSWORD);
    g_autoptr(YqTestResponse) other = post_bind (b, csrf, "no-such-account", PASSWORD);

    g_assert_cmpuint (locked->status, ==, 429);
    /* The address is locked as well. */
    g_assert_cmpuint (other->status, ==, 429);
    g_assert_null (yq_login_fixture_binding (b, YQ_LOGIN_ZWDD, person));
  }

  /* An unknown account gets the same message as a wrong password. */
  yq_login_fixture_clear_failures (b);
  {
    g_autoptr(YqTestResponse) wrong = post_bind (b, csrf, "wangwu", "wrong");
    g_autoptr(YqTestResponse) unknown = post_bind (b, csrf, "no-such-account", "wrong");

    g_assert_cmpuint (unknown->status, ==, wrong->status);
    g_assert_cmpstr (yq_test_response_find_class (unknown, "error"), ==,
                     yq_test_response_find_class (wrong, "error"));
  }
}

static void
test_foreign_target (Fixture       *f,
                     gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 9);
  g_autofree char *code = yq_login_fixture_auth_code (b, person);
  const char * const targets[] = {
    "https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)",
    "http://127.0.0.1:1/", "/relative",
  };

  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, person, "zhangsan");

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *escaped = g_uri_escape_string (targets[i], NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT
                                               "?code=%s&target=%s", b->zwdd_app, code, escaped);
      g_autoptr(YqTestResponse) response = yq_login_fixture_get (b, path);

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_BAD_REQUEST);
      g_assert_null (response->location);
    }

  /* The refusals did not spend the code. */
  {
    g_autofree char *path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT "?code=%s",
                                             b->zwdd_app, code);
    g_autoptr(YqTestResponse) response = yq_login_fixture_get (b, path);
    g_autofree char *ticket = assert_ticket_redirect (b, response, b->entry_url);
  }
}

static gint64 past_now;

static gint64
past_clock (void)
{
  return past_now;
}

static void
test_forged_tickets (Fixture       *f,
                     gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  g_autoptr(GError) error = NULL;
  g_autofree char *audience = g_strdup_printf ("%" G_GINT64_FORMAT, b->zwdd_app);
  g_autofree char *good = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *expired = NULL;

  /* Issued by this installation's key (the same store and secrets). */
  good = yq_ticket_issue (b->store, b->secrets, audience, "zhangsan", 0, &error);
  g_assert_no_error (error);

  /* Another account in the payload, the old signature. */
  {
    g_auto(GStrv) parts = g_strsplit (good, ".", 3);
    g_autofree char *payload = g_strdup (parts[1]);

    payload[strlen (payload) / 2] = payload[strlen (payload) / 2] == 'A' ? 'B' : 'A';
    forged = g_strjoin (".", parts[0], payload, parts[2], NULL);
  }
  g_assert_null (validate (b, forged, b->zwdd_app, SOUP_STATUS_FORBIDDEN, "bad-signature"));
  g_assert_null (validate (b, "not.a.ticket", b->zwdd_app, SOUP_STATUS_FORBIDDEN, "malformed"));

  past_now = g_get_real_time () / G_USEC_PER_SEC - 3600;
  yq_ticket_set_now_func (past_clock);
  expired = yq_ticket_issue (b->store, b->secrets, audience, "zhangsan", 0, &error);
  yq_ticket_set_now_func (NULL);
  g_assert_no_error (error);
  g_assert_null (validate (b, expired, b->zwdd_app, SOUP_STATUS_FORBIDDEN, "expired"));

  /* The good one still works, once. */
  g_free (validate (b, good, b->zwdd_app, SOUP_STATUS_OK, NULL));
  g_assert_null (validate (b, good, b->zwdd_app, SOUP_STATUS_FORBIDDEN, "replayed"));
}

static void
test_out_of_range (Fixture       *f,
                   gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *inside = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 10);
  YqSimPerson *outside = NULL;
  g_autofree char *code = NULL;
  g_autofree char *path = NULL;
  g_autoptr(YqTestResponse) refused = NULL;

  /* The app is visible to the department of @inside only. */
  outside = yq_login_fixture_limit_range (b, YQ_LOGIN_ZWDD, inside);
  g_assert_nonnull (outside);
  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, outside, "zhangsan");

  code = yq_login_fixture_auth_code (b, outside);
  path = g_strdup_printf ("/login/app/%" G_GINT64_FORMAT "?code=%s", b->zwdd_app, code);
  refused = yq_login_fixture_get (b, path);
  g_assert_cmpuint (refused->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_null (refused->location);
  g_assert_nonnull (strstr (refused->body, "可见范围"));
}

static void
test_qr_zwdd (Fixture       *f,
              gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 11);
  g_autoptr(YqTestQr) qr = NULL;
  g_autoptr(YqTestResponse) scan = NULL;
  g_autoptr(YqTestResponse) platform = NULL;
  g_autoptr(YqTestResponse) callback = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *account = NULL;
  g_autofree char *scan_page = NULL;

  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, person, "zhangsan");

  qr = yq_login_fixture_qr_new (b, b->zwdd_connector);
  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, NULL), ==, "pending");

  /* The phone opens what the code says; the bridge sends it on to the
   * platform's QR OAuth page, where the person confirms. */
  scan = yq_login_fixture_get_url (b, qr->scan_url);
  g_assert_cmpuint (scan->status, ==, SOUP_STATUS_FOUND);
  g_assert_true (g_str_has_prefix (scan->location, b->sim_login_url));
  g_assert_nonnull (strstr (scan->location, "authType=QRCODE"));
  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, NULL), ==, "scanned");

  scan_page = g_strconcat (scan->location, "&sim_account=", person->account_id_str, NULL);
  platform = yq_login_fixture_get_url (b, scan_page);
  g_assert_cmpuint (platform->status, ==, SOUP_STATUS_FOUND);

  callback = yq_login_fixture_get_url (b, platform->location);
  g_assert_cmpuint (callback->status, ==, SOUP_STATUS_OK);

  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, &ticket), ==, "confirmed");
  g_assert_nonnull (ticket);
  /* The ticket is handed out once. */
  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, NULL), ==, "done");

  account = validate (b, ticket, b->zwdd_qr_app, SOUP_STATUS_OK, NULL);
  g_assert_cmpstr (account, ==, "zhangsan");

  /* The code is spent: scanning it again leads nowhere. */
  {
    g_autoptr(YqTestResponse) again = yq_login_fixture_get_url (b, qr->scan_url);

    g_assert_cmpuint (again->status, ==, SOUP_STATUS_GONE);
  }
}

static void
test_qr_yzj (Fixture       *f,
             gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *person = yq_login_fixture_person (b, YQ_LOGIN_YZJ, 12);
  g_autoptr(YqTestQr) qr = NULL;
  g_autoptr(YqTestResponse) confirm = NULL;
  g_autoptr(YqTestResponse) done = NULL;
  g_autoptr(YqTestResponse) forged = NULL;
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *yzj_ticket = NULL;
  g_autofree char *url = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *confirm_path = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *account = NULL;

  yq_login_fixture_bind (b, YQ_LOGIN_YZJ, person, "lisi");

  qr = yq_login_fixture_qr_new (b, b->yzj_connector);

  /* 云之家 opens the code as a light app, with its ticket. */
  yzj_ticket = yq_login_fixture_yzj_ticket (b, person);
  url = g_strconcat (qr->scan_url, "?ticket=", yzj_ticket, NULL);
  confirm = yq_login_fixture_get_url (b, url);
  g_assert_cmpuint (confirm->status, ==, SOUP_STATUS_OK);
  csrf = yq_test_response_find_value (confirm, "csrf");
  g_assert_nonnull (csrf);
  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, NULL), ==, "scanned");

  confirm_path = g_strconcat ("/qr/", qr->id, "/confirm", NULL);
  g_hash_table_insert (form, "csrf", (gpointer) "forged");
  forged = yq_login_fixture_post_form (b, confirm_path, form);
  g_assert_cmpuint (forged->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, NULL), ==, "scanned");

  g_hash_table_insert (form, "csrf", csrf);
  done = yq_login_fixture_post_form (b, confirm_path, form);
  g_assert_cmpuint (done->status, ==, SOUP_STATUS_OK);

  g_assert_cmpstr (yq_login_fixture_qr_poll (b, qr, &ticket), ==, "confirmed");
  account = validate (b, ticket, b->yzj_app, SOUP_STATUS_OK, NULL);
  g_assert_cmpstr (account, ==, "lisi");
}

static void
test_qr_out_of_range (Fixture       *f,
                      gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  YqSimPerson *inside = yq_login_fixture_person (b, YQ_LOGIN_ZWDD, 13);
  YqSimPerson *outside = yq_login_fixture_limit_range (b, YQ_LOGIN_ZWDD_QR, inside);
  g_autoptr(YqTestQr) qr = NULL;
  g_autoptr(YqTestResponse) scan = NULL;
  g_autoptr(YqTestResponse) platform = NULL;
  g_autoptr(YqTestResponse) callback = NULL;
  g_autofree char *scan_page = NULL;
  g_autofree char *message = NULL;

  yq_login_fixture_bind (b, YQ_LOGIN_ZWDD, outside, "zhangsan");

  qr = yq_login_fixture_qr_new (b, b->zwdd_connector);
  scan = yq_login_fixture_get_url (b, qr->scan_url);
  scan_page = g_strconcat (scan->location, "&sim_account=", outside->account_id_str, NULL);
  platform = yq_login_fixture_get_url (b, scan_page);
  callback = yq_login_fixture_get_url (b, platform->location);
  g_assert_cmpuint (callback->status, ==, SOUP_STATUS_FORBIDDEN);

  /* The OA login page learns why, and gets no ticket. */
  g_assert_cmpstr (yq_login_fixture_qr_poll_message (b, qr, &message), ==, "refused");
  g_assert_nonnull (strstr (message, "可见范围"));
}

static void
test_qr_image (Fixture       *f,
               gconstpointer  data)
{
  YqLoginFixture *b = &f->base;
  g_autoptr(YqTestQr) qr = yq_login_fixture_qr_new (b, b->zwdd_connector);
  g_autoptr(YqTestResponse) png = yq_login_fixture_get_url (b, qr->png_url);
  g_autoptr(YqTestResponse) svg = yq_login_fixture_get_url (b, qr->svg_url);
  g_autofree char *decoded = NULL;

  g_assert_cmpuint (png->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (png->content_type, ==, "image/png");
  decoded = yq_test_decode_qr (png);
  g_assert_cmpstr (decoded, ==, qr->scan_url);

  g_assert_cmpuint (svg->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (svg->content_type, ==, "image/svg+xml");
  g_assert_nonnull (strstr (svg->body, "<svg"));

  /* The OA login page on an entry point's origin may read the answers. */
  g_assert_cmpstr (qr->allow_origin, ==, b->entry_origin);

  /* Unknown requests have no image. */
  {
    g_autoptr(YqTestResponse) missing = yq_login_fixture_get (b, "/qr/AAAAAAAAAAAAAAAA.png");

    g_assert_cmpuint (missing->status, ==, SOUP_STATUS_NOT_FOUND);
  }

  /* A connector without QR-code login gets none. */
  {
    g_autofree char *path = g_strdup_printf ("/qr/new?connector=%" G_GINT64_FORMAT,
                                             b->zwdd_connector + 100);
    g_autoptr(YqTestResponse) none = yq_login_fixture_get (b, path);

    g_assert_cmpuint (none->status, ==, SOUP_STATUS_NOT_FOUND);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/login/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("entry/zwdd-bound", test_zwdd_entry_bound);
  ADD ("entry/yzj-bound", test_yzj_entry_bound);
  ADD ("entry/out-of-range", test_out_of_range);
  ADD ("entry/foreign-target", test_foreign_target);
  ADD ("bind/manual", test_manual_binding);
  ADD ("bind/lockout", test_lockout);
  ADD ("ticket/forged-expired-replayed", test_forged_tickets);
  ADD ("qr/image", test_qr_image);
  ADD ("qr/zwdd", test_qr_zwdd);
  ADD ("qr/yzj", test_qr_yzj);
  ADD ("qr/out-of-range", test_qr_out_of_range);

#undef ADD

  return g_test_run ();
}
