/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "yq-store-private.h"
#include "yq-ticket-private.h"

/* Login tickets: compact JWTs signed with HMAC-SHA256 under a random
 * per-installation key kept in the secrets store (base64). Every issued
 * ticket's jti is recorded; redeeming marks it used, so a ticket works once.
 * Neither the key nor a whole ticket ever goes into an error message or a
 * log. */

#define KEY_LENGTH 32
#define JTI_LENGTH 16
#define MAC_LENGTH 32
#define ISSUER "yunqiao"
#define HEADER_JSON "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

G_DEFINE_QUARK (yq-ticket-error-quark, yq_ticket_error)

static YqTicketNowFunc now_func;
static GMutex key_mutex;

static gint64
now_seconds (void)
{
  YqTicketNowFunc func = g_atomic_pointer_get (&now_func);

  if (func != NULL)
    return func ();

  return g_get_real_time () / G_USEC_PER_SEC;
}

void
yq_ticket_set_now_func (YqTicketNowFunc func)
{
  g_atomic_pointer_set (&now_func, func);
}

static gboolean
random_bytes (guint8  *buffer,
              gsize    length,
              GError **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_KEY,
                       _("Could not read random bytes from the system: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize) n;
    }

  return TRUE;
}

/* ---- base64url (RFC 4648 §5, no padding) --------------------------------- */

static char *
base64url_encode (const guint8 *data,
                  gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *p;

  for (p = text; *p != '\0'; p++)
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

  return text;
}

/* Strict: only the base64url alphabet, no padding, a valid length, and no
 * stray bits in the last character (so one ticket has one spelling). */
static GBytes *
base64url_decode (const char *text,
                  gsize       length)
{
  g_autoptr(GString) padded = NULL;
  g_autofree char *reencoded = NULL;
  guchar *data;
  gsize data_length = 0;

  if (length % 4 == 1)
    return NULL;

  padded = g_string_sized_new (length + 3);
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c))
        g_string_append_c (padded, c);
      else if (c == '-')
        g_string_append_c (padded, '+');
      else if (c == '_')
        g_string_append_c (padded, '/');
      else
        return NULL;
    }
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');

  data = g_base64_decode (padded->str, &data_length);
  reencoded = base64url_encode (data, data_length);
  if (strlen (reencoded) != length || memcmp (reencoded, text, length) != 0)
    {
      g_free (data);
      return NULL;
    }

  return g_bytes_new_take (data, data_length);
}

/* ---- The signing key ----------------------------------------------------- */

static gboolean
decode_key (const char *stored,
            guint8      key[KEY_LENGTH])
{
  guchar *data;
  gsize length = 0;
  gboolean ok;

  data = g_base64_decode (stored, &length);
  ok = length == KEY_LENGTH;
  if (ok)
    memcpy (key, data, KEY_LENGTH);
  explicit_bzero (data, length);
  g_free (data);

  return ok;
}

/* Looks the key up; creates and stores it when @create and there is none. */
static gboolean
get_key (YqSecrets *secrets,
         gboolean   create,
         guint8     key[KEY_LENGTH],
         GError   **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&key_mutex);
  GError *local_error = NULL;
  char *stored;
  gboolean ok;

  stored = yq_secrets_lookup (secrets, YQ_TICKET_KEY_NAME, &local_error);
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, local_error, _("Could not read the ticket signing key: "));
      return FALSE;
    }

  if (stored != NULL)
    {
      ok = decode_key (stored, key);
      explicit_bzero (stored, strlen (stored));
      g_free (stored);
      if (!ok)
        g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_KEY,
                     _("The stored ticket signing key is damaged. Clear “%s” in the secrets "
                       "store to create a new one (tickets already issued stop working)."),
                     YQ_TICKET_KEY_NAME);
      return ok;
    }

  if (!create)
    {
      /* Without a key no ticket can have been issued here. */
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_UNKNOWN,
                   _("The ticket was not issued by this installation: it has no signing key yet."));
      return FALSE;
    }

  if (!random_bytes (key, KEY_LENGTH, error))
    return FALSE;

  stored = g_base64_encode (key, KEY_LENGTH);
  ok = yq_secrets_store (secrets, YQ_TICKET_KEY_NAME, _("Yunqiao login ticket signing key"),
                         stored, &local_error);
  explicit_bzero (stored, strlen (stored));
  g_free (stored);
  if (!ok)
    {
      explicit_bzero (key, KEY_LENGTH);
      g_propagate_prefixed_error (error, local_error, _("Could not save the ticket signing key: "));
      return FALSE;
    }

  return TRUE;
}

static void
compute_mac (const guint8  key[KEY_LENGTH],
             const char   *signing_input,
             gsize         length,
             guint8        mac[MAC_LENGTH])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, KEY_LENGTH);
  gsize mac_length = MAC_LENGTH;

  g_hmac_update (hmac, (const guchar *) signing_input, (gssize) length);
  g_hmac_get_digest (hmac, mac, &mac_length);
  g_assert (mac_length == MAC_LENGTH);
}

/* Constant time: no early exit on the first difference. */
static gboolean
macs_equal (const guint8 *a,
            const guint8 *b,
            gsize         length)
{
  volatile guint8 diff = 0;

  for (gsize i = 0; i < length; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

/* ---- Issuing ------------------------------------------------------------- */

static const char * const registered_claims[] = {
  "iss", "sub", "aud", "iat", "exp", "nbf", "jti", NULL,
};

static char *
encode_json_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;

  json_node_set_object (node, object);
  json = json_to_string (node, FALSE);

  return base64url_encode ((const guint8 *) json, strlen (json));
}

typedef struct
{
  const char *jti;
  const char *app_id;
  const char *oa_account;
  gint64      issued_at;
  gint64      expires_at;
} RecordData;

static gboolean
record_ticket (YqStore  *store,
               gpointer  user_data,
               GError  **error)
{
  RecordData *data = user_data;
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "INSERT INTO login_tickets "
                           "(jti, app_id, oa_account, issued_at, expires_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, data->jti, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, data->app_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, data->oa_account, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, data->issued_at);
  sqlite3_bind_int64 (stmt, 5, data->expires_at);

  return yq_store_run (store, stmt, _("Could not record the login ticket"), error);
}

/**
 * yq_ticket_issue:
 * @store: the store
 * @secrets: the secrets store holding the signing key (created on first use)
 * @app_id: the app the ticket is for (its aud claim)
 * @oa_account: the OA account the ticket logs in (its sub claim)
 * @ttl_seconds: the lifetime, 0 for YQ_TICKET_DEFAULT_TTL
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the ticket, a compact JWT
 */
char *
yq_ticket_issue (YqStore     *store,
                 YqSecrets   *secrets,
                 const char  *app_id,
                 const char  *oa_account,
                 guint        ttl_seconds,
                 GError     **error)
{
  return yq_ticket_issue_full (store, secrets, app_id, oa_account, ttl_seconds, NULL, error);
}

/**
 * yq_ticket_issue_full:
 * @store: the store
 * @secrets: the secrets store holding the signing key (created on first use)
 * @app_id: the app the ticket is for (its aud claim)
 * @oa_account: the OA account the ticket logs in (its sub claim)
 * @ttl_seconds: the lifetime, 0 for YQ_TICKET_DEFAULT_TTL
 * @extra_claims: (nullable) (element-type utf8 utf8): more claims, e.g. `name`
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the ticket, a compact JWT
 */
char *
yq_ticket_issue_full (YqStore     *store,
                      YqSecrets   *secrets,
                      const char  *app_id,
                      const char  *oa_account,
                      guint        ttl_seconds,
                      GHashTable  *extra_claims,
                      GError     **error)
{
  g_autoptr(JsonObject) payload = NULL;
  g_autofree char *jti = NULL;
  g_autofree char *header_part = NULL;
  g_autofree char *payload_part = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature_part = NULL;
  guint8 key[KEY_LENGTH];
  guint8 jti_bytes[JTI_LENGTH];
  guint8 mac[MAC_LENGTH];
  RecordData record;
  gint64 now;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (app_id != NULL && *app_id != '\0', NULL);
  g_return_val_if_fail (oa_account != NULL && *oa_account != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ttl_seconds == 0)
    ttl_seconds = YQ_TICKET_DEFAULT_TTL;

  if (extra_claims != NULL)
    {
      GHashTableIter iter;
      gpointer name;

      g_hash_table_iter_init (&iter, extra_claims);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        if (g_strv_contains (registered_claims, name))
          {
            g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_MALFORMED,
                         _("The claim “%s” is set by Yunqiao itself and cannot be added to a "
                           "login ticket."),
                         (const char *) name);
            return NULL;
          }
    }

  if (!random_bytes (jti_bytes, JTI_LENGTH, error))
    return NULL;
  jti = base64url_encode (jti_bytes, JTI_LENGTH);

  now = now_seconds ();
  payload = json_object_new ();
  json_object_set_string_member (payload, "iss", ISSUER);
  json_object_set_string_member (payload, "sub", oa_account);
  json_object_set_string_member (payload, "aud", app_id);
  json_object_set_int_member (payload, "iat", now);
  json_object_set_int_member (payload, "exp", now + ttl_seconds);
  json_object_set_string_member (payload, "jti", jti);
  if (extra_claims != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      g_hash_table_iter_init (&iter, extra_claims);
      while (g_hash_table_iter_next (&iter, &name, &value))
        json_object_set_string_member (payload, name, value);
    }

  if (!get_key (secrets, TRUE, key, error))
    return NULL;

  header_part = base64url_encode ((const guint8 *) HEADER_JSON, strlen (HEADER_JSON));
  payload_part = encode_json_object (payload);
  signing_input = g_strconcat (header_part, ".", payload_part, NULL);
  compute_mac (key, signing_input, strlen (signing_input), mac);
  explicit_bzero (key, sizeof key);
  signature_part = base64url_encode (mac, MAC_LENGTH);

  record.jti = jti;
  record.app_id = app_id;
  record.oa_account = oa_account;
  record.issued_at = now;
  record.expires_at = now + ttl_seconds;
  if (!yq_store_transaction (store, record_ticket, &record, error))
    return NULL;

  return g_strconcat (signing_input, ".", signature_part, NULL);
}

/* ---- Redeeming ----------------------------------------------------------- */

static JsonObject *
decode_json_part (const char *text,
                  gsize       length)
{
  g_autoptr(GBytes) bytes = base64url_decode (text, length);
  g_autoptr(JsonParser) parser = NULL;
  const char *data;
  gsize size;
  JsonNode *root;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  if (size == 0 || !g_utf8_validate (data, (gssize) size, NULL))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static const char *
get_string_claim (JsonObject *object,
                  const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
get_int_claim (JsonObject *object,
               const char *name,
               gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
set_malformed (GError     **error,
               const char  *why)
{
  g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_MALFORMED,
               _("The login ticket is not valid (%s). Ask for a new ticket by logging in again."),
               why);
  return FALSE;
}

typedef struct
{
  const char *jti;
  const char *aud;
  gint64      now;
} RedeemData;

static gboolean
mark_used (YqStore  *store,
           gpointer  user_data,
           GError  **error)
{
  RedeemData *data = user_data;
  sqlite3_stmt *stmt;
  gboolean used, same_app;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT used_at IS NOT NULL, app_id = ?2 FROM login_tickets "
                           "WHERE jti = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->jti, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, data->aud, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_UNKNOWN,
                   _("The login ticket is not known to this installation (it was never issued "
                     "here or its record was purged). Log in again."));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the login ticket record"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  used = sqlite3_column_int (stmt, 0) != 0;
  same_app = sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);

  if (!same_app)
    {
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_WRONG_APP,
                   _("The login ticket does not match its record. Log in again."));
      return FALSE;
    }
  if (used)
    {
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_REPLAYED,
                   _("The login ticket was already used; a ticket works only once. Log in again."));
      return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "UPDATE login_tickets SET used_at = ?2 "
                           "WHERE jti = ?1 AND used_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->jti, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, data->now);

  return yq_store_run (store, stmt, _("Could not mark the login ticket as used"), error);
}

/**
 * yq_ticket_redeem:
 * @store: the store
 * @secrets: the secrets store holding the signing key
 * @ticket: the ticket
 * @app_id: (nullable): the app presenting the ticket; %NULL accepts any app
 * @oa_account: (out) (optional) (transfer full): the ticket's OA account
 * @error: return location for an error in the YQ_TICKET_ERROR domain (or a
 *   store or secrets error)
 *
 * Checks @ticket (structure, algorithm HS256, signature, issuer, app,
 * expiry) and marks it used. A second redeem fails with
 * %YQ_TICKET_ERROR_REPLAYED.
 *
 * Returns: %TRUE when the ticket is valid and was not used before
 */
gboolean
yq_ticket_redeem (YqStore     *store,
                  YqSecrets   *secrets,
                  const char  *ticket,
                  const char  *app_id,
                  char       **oa_account,
                  GError     **error)
{
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GBytes) signature = NULL;
  const char *dot1, *dot2;
  const char *alg, *typ, *iss, *sub, *aud, *jti;
  guint8 key[KEY_LENGTH];
  guint8 mac[MAC_LENGTH];
  gint64 exp, now;
  gboolean good;
  RedeemData data;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (oa_account != NULL)
    *oa_account = NULL;

  if (ticket == NULL || *ticket == '\0')
    return set_malformed (error, _("it is empty"));
  if (strlen (ticket) > 8192)
    return set_malformed (error, _("it is too long"));

  dot1 = strchr (ticket, '.');
  dot2 = dot1 != NULL ? strchr (dot1 + 1, '.') : NULL;
  if (dot1 == NULL || dot2 == NULL || strchr (dot2 + 1, '.') != NULL)
    return set_malformed (error, _("it does not have three parts"));

  header = decode_json_part (ticket, (gsize) (dot1 - ticket));
  if (header == NULL)
    return set_malformed (error, _("its header cannot be read"));

  alg = get_string_claim (header, "alg");
  if (alg == NULL || strcmp (alg, "HS256") != 0)
    return set_malformed (error, _("it is not signed with HS256"));
  if (json_object_has_member (header, "crit"))
    return set_malformed (error, _("its header has critical extensions"));
  typ = get_string_claim (header, "typ");
  if (json_object_has_member (header, "typ") && (typ == NULL || strcmp (typ, "JWT") != 0))
    return set_malformed (error, _("its type is not JWT"));

  signature = base64url_decode (dot2 + 1, strlen (dot2 + 1));
  if (signature == NULL || g_bytes_get_size (signature) != MAC_LENGTH)
    return set_malformed (error, _("its signature cannot be read"));

  if (!get_key (secrets, FALSE, key, error))
    return FALSE;
  compute_mac (key, ticket, (gsize) (dot2 - ticket), mac);
  explicit_bzero (key, sizeof key);
  good = macs_equal (mac, g_bytes_get_data (signature, NULL), MAC_LENGTH);
  if (!good)
    {
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_BAD_SIGNATURE,
                   _("The login ticket’s signature does not match: it was altered or not "
                     "issued by this installation. Log in again."));
      return FALSE;
    }

  payload = decode_json_part (dot1 + 1, (gsize) (dot2 - dot1 - 1));
  if (payload == NULL)
    return set_malformed (error, _("its payload cannot be read"));

  iss = get_string_claim (payload, "iss");
  sub = get_string_claim (payload, "sub");
  aud = get_string_claim (payload, "aud");
  jti = get_string_claim (payload, "jti");
  if (iss == NULL || strcmp (iss, ISSUER) != 0)
    return set_malformed (error, _("its issuer is not Yunqiao"));
  if (sub == NULL || *sub == '\0' || aud == NULL || *aud == '\0' || jti == NULL || *jti == '\0')
    return set_malformed (error, _("a required claim is missing"));
  if (!get_int_claim (payload, "exp", &exp))
    return set_malformed (error, _("its expiry is missing"));

  if (app_id != NULL && strcmp (app_id, aud) != 0)
    {
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_WRONG_APP,
                   _("The login ticket was issued for another app. Log in to this app again."));
      return FALSE;
    }

  now = now_seconds ();
  if (now > exp + YQ_TICKET_LEEWAY)
    {
      g_set_error (error, YQ_TICKET_ERROR, YQ_TICKET_ERROR_EXPIRED,
                   _("The login ticket expired %lld seconds ago. Log in again."),
                   (long long) (now - exp));
      return FALSE;
    }

  data.jti = jti;
  data.aud = aud;
  data.now = now;
  if (!yq_store_transaction (store, mark_used, &data, error))
    return FALSE;

  if (oa_account != NULL)
    *oa_account = g_strdup (sub);

  return TRUE;
}

/**
 * yq_ticket_purge_expired:
 * @store: the store
 * @n_purged: (out) (optional): how many records were deleted
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_ticket_purge_expired (YqStore  *store,
                         guint    *n_purged,
                         GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_purged != NULL)
    *n_purged = 0;

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store, "DELETE FROM login_tickets WHERE expires_at < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now_seconds () - YQ_TICKET_LEEWAY);
  if (!yq_store_run (store, stmt, _("Could not purge expired login tickets"), error))
    return FALSE;

  if (n_purged != NULL)
    *n_purged = (guint) sqlite3_changes (yq_store_get_db (store));

  return TRUE;
}
