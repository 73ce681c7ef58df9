/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "yq-store.h"
#include "yq-secrets.h"
#include "yq-test-fs.h"
#include "yq-ticket-private.h"

#define APP "1001"
#define OTHER_APP "2002"
#define ACCOUNT "zhangsan"

static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

typedef struct
{
  char *dir;
  char *data_dir;
  char *secrets_path;
  YqStore *store;
  YqSecrets *secrets;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_file_new (f->secrets_path, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yq-test-ticket-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->secrets_path = g_build_filename (f->data_dir, "secrets.ini", NULL);
  fake_now = 1800000000;
  yq_ticket_set_now_func (fake_clock);
  fixture_open (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_ticket_set_now_func (NULL);
  fixture_close (f);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
  g_free (f->secrets_path);
}

static char *
issue (Fixture    *f,
       const char *app_id,
       guint       ttl)
{
  g_autoptr(GError) error = NULL;
  char *ticket = yq_ticket_issue (f->store, f->secrets, app_id, ACCOUNT, ttl, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  return ticket;
}

static char *
stored_key (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *key = yq_secrets_lookup (f->secrets, YQ_TICKET_KEY_NAME, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

/* Redeems and expects @code; the message must not give away the key or the
 * ticket. */
static void
assert_refused (Fixture    *f,
                const char *ticket,
                const char *app_id,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  g_autofree char *key = yq_secrets_lookup (f->secrets, YQ_TICKET_KEY_NAME, NULL);

  g_assert_false (yq_ticket_redeem (f->store, f->secrets, ticket, app_id, &account, &error));
  g_assert_error (error, YQ_TICKET_ERROR, code);
  g_assert_null (account);
  g_assert_nonnull (error->message);
  if (key != NULL)
    g_assert_null (strstr (error->message, key));
  if (ticket != NULL && strlen (ticket) > 8)
    g_assert_null (strstr (error->message, ticket));
}

static void
assert_redeemed (Fixture    *f,
                 const char *ticket,
                 const char *app_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;

  g_assert_true (yq_ticket_redeem (f->store, f->secrets, ticket, app_id, &account, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (account, ==, ACCOUNT);
}

static char *
b64url (const char *text)
{
  char *out = g_base64_encode ((const guchar *) text, strlen (text));

  for (char *p = out; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return out;
}

static char *
b64url_decode (const char *text,
               gsize       length)
{
  g_autoptr(GString) s = g_string_new_len (text, (gssize) length);
  gsize out_length = 0;
  guchar *out;

  g_strdelimit (s->str, "-", '+');
  g_strdelimit (s->str, "_", '/');
  while (s->len % 4 != 0)
    g_string_append_c (s, '=');
  out = g_base64_decode (s->str, &out_length);
  out = g_realloc (out, out_length + 1);
  out[out_length] = '\0';
  return (char *) out;
}

/* The three parts of @ticket. */
static char **
split (const char *ticket)
{
  char **parts = g_strsplit (ticket, ".", -1);

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  return parts;
}

/* Tests */

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);
  g_auto(GStrv) parts = split (ticket);
  g_autofree char *header = b64url_decode (parts[0], strlen (parts[0]));
  g_autofree char *payload = NULL;
  g_autofree char *jti = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *claims;

  payload = b64url_decode (parts[1], strlen (parts[1]));

  g_assert_cmpstr (header, ==, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
  json_parser_load_from_data (parser, payload, -1, &error);
  g_assert_no_error (error);
  claims = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==, "yunqiao");
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==, ACCOUNT);
  g_assert_cmpstr (json_object_get_string_member (claims, "aud"), ==, APP);
  g_assert_cmpint (json_object_get_int_member (claims, "iat"), ==, fake_now);
  g_assert_cmpint (json_object_get_int_member (claims, "exp"), ==, fake_now + YQ_TICKET_DEFAULT_TTL);
  /* 128 random bits: 22 base64url characters */
  g_assert_cmpuint (strlen (json_object_get_string_member (claims, "jti")), ==, 22);
  /* No padding anywhere */
  g_assert_null (strchr (ticket, '='));

  assert_redeemed (f, ticket, APP);

  /* Two tickets never share a jti or a spelling */
  {
    g_autofree char *second = issue (f, APP, 0);

    g_assert_cmpstr (second, !=, ticket);
    assert_redeemed (f, second, NULL);
  }
}

static void
test_extra_claims (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) extra = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *payload = NULL;
  g_auto(GStrv) parts = NULL;

  g_hash_table_insert (extra, (char *) "name", (char *) "张三");
  ticket = yq_ticket_issue_full (f->store, f->secrets, APP, ACCOUNT, 0, extra, &error);
  g_assert_no_error (error);
  parts = split (ticket);
  payload = b64url_decode (parts[1], strlen (parts[1]));
  g_assert_nonnull (strstr (payload, "\"name\":\"张三\""));
  assert_redeemed (f, ticket, APP);

  /* Registered claims cannot be overridden */
  g_hash_table_insert (extra, (char *) "sub", (char *) "admin");
  g_assert_null (yq_ticket_issue_full (f->store, f->secrets, APP, ACCOUNT, 0, extra, &error));
  g_assert_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_MALFORMED);
}

static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);

  assert_redeemed (f, ticket, APP);
  assert_refused (f, ticket, APP, YQ_TICKET_ERROR_REPLAYED);
  assert_refused (f, ticket, NULL, YQ_TICKET_ERROR_REPLAYED);

  /* Also across a reopen */
  fixture_close (f);
  fixture_open (f);
  assert_refused (f, ticket, APP, YQ_TICKET_ERROR_REPLAYED);
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 1);
  g_autofree char *within_leeway = issue (f, APP, 1);
  g_autofree char *purged = issue (f, APP, 1);
  g_autofree char *fresh = NULL;
  g_autoptr(GError) error = NULL;
  guint n_purged = 99;

  /* Within the leeway it is still accepted */
  fake_now += 1 + YQ_TICKET_LEEWAY;
  assert_redeemed (f, within_leeway, APP);

  fake_now += 1;
  assert_refused (f, ticket, APP, YQ_TICKET_ERROR_EXPIRED);

  /* Purging removes the expired rows but not live ones */
  fresh = issue (f, APP, 0);
  g_assert_true (yq_ticket_purge_expired (f->store, &n_purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_purged, ==, 3);
  g_assert_true (yq_ticket_purge_expired (f->store, &n_purged, &error));
  g_assert_cmpuint (n_purged, ==, 0);

  /* A validly signed ticket whose record is gone is unknown, even with a
   * clock turned back */
  fake_now -= 100;
  assert_refused (f, purged, APP, YQ_TICKET_ERROR_UNKNOWN);
  fake_now += 100;
  assert_redeemed (f, fresh, APP);
}

static void
test_wrong_app (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);

  assert_refused (f, ticket, OTHER_APP, YQ_TICKET_ERROR_WRONG_APP);
  /* The refusal did not use the ticket up */
  assert_redeemed (f, ticket, APP);
}

static void
test_tampered (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);
  g_auto(GStrv) parts = split (ticket);
  g_autofree char *forged_payload = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *bad_signature = NULL;
  g_autofree char *payload = b64url_decode (parts[1], strlen (parts[1]));
  g_autofree char *changed = NULL;
  g_autofree char *longer_ttl = NULL;
  gsize sig_at;
  g_autoptr(GString) edited = NULL;

  /* Another account, original signature */
  edited = g_string_new (payload);
  g_assert_cmpint (g_string_replace (edited, ACCOUNT, "admin", 1), ==, 1);
  forged_payload = b64url (edited->str);
  forged = g_strjoin (".", parts[0], forged_payload, parts[2], NULL);
  assert_refused (f, forged, APP, YQ_TICKET_ERROR_BAD_SIGNATURE);

  /* Another app, original signature */
  g_string_assign (edited, payload);
  g_string_replace (edited, "\"aud\":\"" APP "\"", "\"aud\":\"" OTHER_APP "\"", 1);
  g_free (forged_payload);
  forged_payload = b64url (edited->str);
  changed = g_strjoin (".", parts[0], forged_payload, parts[2], NULL);
  assert_refused (f, changed, OTHER_APP, YQ_TICKET_ERROR_BAD_SIGNATURE);

  /* A later expiry, original signature */
  g_string_assign (edited, payload);
  g_assert_cmpint (g_string_replace (edited, "\"exp\":", "\"exp\":9", 1), ==, 1);
  g_free (forged_payload);
  forged_payload = b64url (edited->str);
  longer_ttl = g_strjoin (".", parts[0], forged_payload, parts[2], NULL);
  assert_refused (f, longer_ttl, APP, YQ_TICKET_ERROR_BAD_SIGNATURE);

  /* One signature character changed (not the last, whose low bits are
   * padding) */
  bad_signature = g_strdup (ticket);
  sig_at = strlen (bad_signature) - 10;
  bad_signature[sig_at] = bad_signature[sig_at] == 'A' ? 'B' : 'A';
  assert_refused (f, bad_signature, APP, YQ_TICKET_ERROR_BAD_SIGNATURE);

  /* Unused by all that */
  assert_redeemed (f, ticket, APP);
}

static void
test_alg (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);
  g_auto(GStrv) parts = split (ticket);
  const char *headers[] = {
    "{\"alg\":\"none\",\"typ\":\"JWT\"}",
    "{\"alg\":\"None\"}",
    "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
    "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
    "{\"typ\":\"JWT\"}",
    "{\"alg\":null}",
    "{\"alg\":[\"HS256\"]}",
    "[\"HS256\"]",
    "{\"alg\":\"HS256\",\"typ\":\"JWE\"}",
    "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *header = b64url (headers[i]);
      g_autofree char *unsigned_ticket = g_strjoin (".", header, parts[1], "", NULL);
      g_autofree char *resigned = g_strjoin (".", header, parts[1], parts[2], NULL);

      assert_refused (f, unsigned_ticket, APP, YQ_TICKET_ERROR_MALFORMED);
      assert_refused (f, resigned, APP, YQ_TICKET_ERROR_MALFORMED);
    }

  assert_redeemed (f, ticket, APP);
}

static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);
  g_autofree char *padded = g_strconcat (ticket, "=", NULL);
  g_autofree char *four = g_strconcat (ticket, ".x", NULL);
  g_autofree char *huge = g_strnfill (20000, 'A');
  const char *garbage[] = {
    "", "abc", "a.b", "a.b.c", "a.b.c.d", "..", "...", "!!!.###.$$$",
    "eyJhbGciOiJIUzI1NiJ9..", "\xff\xfe.\x01.\x02", padded, four, huge,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    assert_refused (f, garbage[i], APP, YQ_TICKET_ERROR_MALFORMED);
  assert_refused (f, NULL, APP, YQ_TICKET_ERROR_MALFORMED);

  /* Every truncation is refused */
  for (gsize length = 0; length < strlen (ticket); length++)
    {
      g_autofree char *cut = g_strndup (ticket, length);
      g_autoptr(GError) error = NULL;

      g_assert_false (yq_ticket_redeem (f->store, f->secrets, cut, APP, NULL, &error));
      g_assert_true (g_error_matches (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_MALFORMED) ||
                     g_error_matches (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_BAD_SIGNATURE));
    }

  assert_redeemed (f, ticket, APP);
}

static void
test_key_persists (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 0);
  g_autofree char *key = stored_key (f);
  g_autofree char *key_again = NULL;
  g_autofree char *other = NULL;
  gsize length = 0;
  g_autofree guchar *raw = g_base64_decode (key, &length);

  g_assert_cmpuint (length, ==, 32);

  fixture_close (f);
  fixture_open (f);

  key_again = stored_key (f);
  g_assert_cmpstr (key, ==, key_again);
  assert_redeemed (f, ticket, APP);

  /* Another installation (another key) does not accept it */
  other = issue (f, APP, 0);
  fixture_close (f);
  g_assert_cmpint (g_remove (f->secrets_path), ==, 0);
  fixture_open (f);
  assert_refused (f, other, APP, YQ_TICKET_ERROR_UNKNOWN);
  g_free (issue (f, APP, 0));
  g_free (key_again);
  key_again = stored_key (f);
  g_assert_cmpstr (key, !=, key_again);
  assert_refused (f, other, APP, YQ_TICKET_ERROR_BAD_SIGNATURE);
}

static void
test_no_key_in_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *ticket = issue (f, APP, 1);
  g_autofree char *key = stored_key (f);
  g_auto(GStrv) parts = split (ticket);
  g_autoptr(GError) error = NULL;
  g_autofree char *truncated = g_strndup (ticket, strlen (ticket) - 3);
  g_autofree char *bad_key_ticket = NULL;

  assert_refused (f, truncated, APP, YQ_TICKET_ERROR_MALFORMED);
  assert_refused (f, ticket, OTHER_APP, YQ_TICKET_ERROR_WRONG_APP);
  fake_now += 100;
  assert_refused (f, ticket, APP, YQ_TICKET_ERROR_EXPIRED);
  fake_now -= 100;
  assert_redeemed (f, ticket, APP);
  assert_refused (f, ticket, APP, YQ_TICKET_ERROR_REPLAYED);

  /* A damaged stored key is reported without its value */
  g_assert_true (yq_secrets_store (f->secrets, YQ_TICKET_KEY_NAME, "test", "c2hvcnQta2V5", &error));
  g_assert_no_error (error);
  g_assert_false (yq_ticket_redeem (f->store, f->secrets, ticket, APP, NULL, &error));
  g_assert_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_KEY);
  g_assert_null (strstr (error->message, "c2hvcnQta2V5"));
  g_assert_null (strstr (error->message, key));
  g_clear_error (&error);
  bad_key_ticket = yq_ticket_issue (f->store, f->secrets, APP, ACCOUNT, 0, &error);
  g_assert_null (bad_key_ticket);
  g_assert_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_KEY);
  g_assert_null (strstr (error->message, "c2hvcnQta2V5"));
  (void) parts;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/ticket/round-trip", test_round_trip);
  ADD ("/ticket/extra-claims", test_extra_claims);
  ADD ("/ticket/replay", test_replay);
  ADD ("/ticket/expired", test_expired);
  ADD ("/ticket/wrong-app", test_wrong_app);
  ADD ("/ticket/tampered", test_tampered);
  ADD ("/ticket/alg", test_alg);
  ADD ("/ticket/garbage", test_garbage);
  ADD ("/ticket/key-persists", test_key_persists);
  ADD ("/ticket/no-key-in-errors", test_no_key_in_errors);

#undef ADD

  return g_test_run ();
}
