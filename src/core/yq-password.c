/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-password"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "yq-password.h"

/* Password hashes: PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) over GHmac, stored as
 * "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". Neither
 * passwords nor hashes are ever logged or put into error messages. */

#define SCHEME "pbkdf2-sha256"
#define SHA256_LENGTH 32
#define MIN_SALT_LENGTH 8
#define MAX_SALT_LENGTH 64
#define MIN_HASH_LENGTH 16
#define MAX_HASH_LENGTH 64

G_DEFINE_QUARK (yq-password-error-quark, yq_password_error)

static void
hmac_finish (GHmac  *hmac,
             guint8  out[SHA256_LENGTH])
{
  gsize length = SHA256_LENGTH;

  g_hmac_get_digest (hmac, out, &length);
  g_assert (length == SHA256_LENGTH);
  g_hmac_unref (hmac);
}

/**
 * yq_password_pbkdf2_sha256:
 * @password: (array length=password_length): the password bytes
 * @password_length: their length
 * @salt: (array length=salt_length): the salt
 * @salt_length: its length
 * @iterations: the iteration count c, at least 1
 * @derived_key: (out caller-allocates) (array length=derived_key_length):
 *   where to write the key
 * @derived_key_length: dkLen, at least 1
 *
 * PBKDF2 (RFC 8018 §5.2) with HMAC-SHA256 as the pseudorandom function.
 */
void
yq_password_pbkdf2_sha256 (const guint8 *password,
                           gsize         password_length,
                           const guint8 *salt,
                           gsize         salt_length,
                           guint         iterations,
                           guint8       *derived_key,
                           gsize         derived_key_length)
{
  g_autoptr(GHmac) keyed = NULL;
  guint32 block = 1;
  gsize done = 0;

  g_return_if_fail (password != NULL || password_length == 0);
  g_return_if_fail (salt != NULL || salt_length == 0);
  g_return_if_fail (iterations >= 1);
  g_return_if_fail (derived_key != NULL && derived_key_length > 0);

  /* GHmac wants a non-NULL key even when it is empty. */
  keyed = g_hmac_new (G_CHECKSUM_SHA256, password != NULL ? password : (const guint8 *) "",
                      password_length);

  while (done < derived_key_length)
    {
      guint8 u[SHA256_LENGTH];
      guint8 t[SHA256_LENGTH];
      guint8 index[4];
      gsize n;
      GHmac *hmac;

      index[0] = (guint8) (block >> 24);
      index[1] = (guint8) (block >> 16);
      index[2] = (guint8) (block >> 8);
      index[3] = (guint8) block;

      /* U_1 = PRF (P, S || INT (i)) */
      hmac = g_hmac_copy (keyed);
      if (salt_length > 0)
        g_hmac_update (hmac, salt, salt_length);
      g_hmac_update (hmac, index, sizeof index);
      hmac_finish (hmac, u);
      memcpy (t, u, sizeof t);

      /* U_j = PRF (P, U_{j-1}); T_i = U_1 ^ ... ^ U_c */
      for (guint j = 1; j < iterations; j++)
        {
          hmac = g_hmac_copy (keyed);
          g_hmac_update (hmac, u, sizeof u);
          hmac_finish (hmac, u);
          for (gsize k = 0; k < SHA256_LENGTH; k++)
            t[k] ^= u[k];
        }

      n = MIN (derived_key_length - done, (gsize) SHA256_LENGTH);
      memcpy (derived_key + done, t, n);
      done += n;
      block++;

      memset (u, 0, sizeof u);
      memset (t, 0, sizeof t);
    }
}

/**
 * yq_password_check:
 * @password: a password to be set
 * @error: return location for an error
 *
 * Returns: %TRUE when @password is non-empty UTF-8 text of at most
 *   %YQ_PASSWORD_MAX_LENGTH bytes
 */
gboolean
yq_password_check (const char  *password,
                   GError     **error)
{
  if (password == NULL || password[0] == '\0')
    {
      g_set_error_literal (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_PASSWORD,
                           _("The password is empty; enter a password."));
      return FALSE;
    }

  if (strlen (password) > YQ_PASSWORD_MAX_LENGTH)
    {
      g_set_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_PASSWORD,
                   _("The password is longer than %d bytes; choose a shorter one."),
                   YQ_PASSWORD_MAX_LENGTH);
      return FALSE;
    }

  if (!g_utf8_validate (password, -1, NULL))
    {
      g_set_error_literal (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_PASSWORD,
                           _("The password is not valid UTF-8 text."));
      return FALSE;
    }

  return TRUE;
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

          g_set_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_RANDOM,
                       _("Could not get random bytes for a password salt: %s. The system’s "
                         "random number source is not available."),
                       g_strerror (saved_errno));
          return FALSE;
        }

      done += (gsize) n;
    }

  return TRUE;
}

/**
 * yq_password_hash:
 * @password: the password
 * @error: return location for an error
 *
 * Hashes @password with a new random salt and %YQ_PASSWORD_ITERATIONS
 * iterations. Slow on purpose (a fraction of a second).
 *
 * Returns: (transfer full): the encoded hash, or %NULL with @error set
 */
char *
yq_password_hash (const char  *password,
                  GError     **error)
{
  guint8 salt[YQ_PASSWORD_SALT_LENGTH];
  guint8 hash[YQ_PASSWORD_HASH_LENGTH];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;
  char *encoded;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!yq_password_check (password, error))
    return NULL;

  if (!random_bytes (salt, sizeof salt, error))
    return NULL;

  yq_password_pbkdf2_sha256 ((const guint8 *) password, strlen (password), salt, sizeof salt,
                             YQ_PASSWORD_ITERATIONS, hash, sizeof hash);

  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  encoded = g_strdup_printf (SCHEME "$%u$%s$%s", (guint) YQ_PASSWORD_ITERATIONS, salt64, hash64);
  memset (hash, 0, sizeof hash);

  return encoded;
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Strict, canonical standard base64 with padding. */
static GBytes *
decode_base64 (const char *text,
               gsize       min_length,
               gsize       max_length)
{
  gsize length = strlen (text);
  gsize padding = 0;
  g_autofree guint8 *data = NULL;
  g_autofree char *again = NULL;
  gsize decoded_length = 0;

  if (length == 0 || length % 4 != 0)
    return NULL;

  while (padding < 2 && text[length - 1 - padding] == '=')
    padding++;

  for (gsize i = 0; i < length - padding; i++)
    if (!is_base64_char (text[i]))
      return NULL;

  data = g_base64_decode (text, &decoded_length);
  if (decoded_length < min_length || decoded_length > max_length)
    return NULL;

  again = g_base64_encode (data, decoded_length);
  if (strcmp (again, text) != 0)
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&data), decoded_length);
}

static void
set_invalid_hash (GError     **error,
                  const char  *why)
{
  g_set_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_HASH,
               /* Translators: %s says what is wrong; the hash itself is never shown */
               _("The stored password hash cannot be used: %s. Set the password again."), why);
}

/**
 * yq_password_parse:
 * @encoded: an encoded hash
 * @iterations: (out) (optional): the iteration count
 * @salt: (out) (optional) (transfer full): the salt
 * @hash: (out) (optional) (transfer full): the derived key
 * @error: return location for an error
 *
 * Splits "pbkdf2-sha256$<iterations>$<salt>$<hash>" and checks every part:
 * the scheme, an iteration count between %YQ_PASSWORD_ITERATIONS and
 * %YQ_PASSWORD_MAX_ITERATIONS, canonical base64 of a salt of 8–64 bytes and
 * a hash of 16–64 bytes. Error messages never contain @encoded.
 *
 * Returns: %TRUE when @encoded is well formed
 */
gboolean
yq_password_parse (const char  *encoded,
                   guint       *iterations,
                   GBytes     **salt,
                   GBytes     **hash,
                   GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GBytes) salt_bytes = NULL;
  g_autoptr(GBytes) hash_bytes = NULL;
  guint64 count = 0;
  const char *digits;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (encoded == NULL || encoded[0] == '\0')
    {
      set_invalid_hash (error, _("it is empty"));
      return FALSE;
    }

  parts = g_strsplit (encoded, "$", -1);
  if (g_strv_length (parts) != 4)
    {
      set_invalid_hash (error, _("it does not have the four parts "
                                 "“scheme$iterations$salt$hash”"));
      return FALSE;
    }

  if (strcmp (parts[0], SCHEME) != 0)
    {
      set_invalid_hash (error, _("its scheme is not “pbkdf2-sha256”"));
      return FALSE;
    }

  digits = parts[1];
  if (digits[0] == '\0' || digits[0] == '0' || strlen (digits) > 9)
    {
      set_invalid_hash (error, _("its iteration count is not a number"));
      return FALSE;
    }
  for (const char *p = digits; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          set_invalid_hash (error, _("its iteration count is not a number"));
          return FALSE;
        }
      count = count * 10 + (guint64) (*p - '0');
    }

  if (count < YQ_PASSWORD_ITERATIONS)
    {
      g_autofree char *why = g_strdup_printf (_("its iteration count is below the safe "
                                                "minimum of %d"),
                                              YQ_PASSWORD_ITERATIONS);
      set_invalid_hash (error, why);
      return FALSE;
    }

  if (count > YQ_PASSWORD_MAX_ITERATIONS)
    {
      g_autofree char *why = g_strdup_printf (_("its iteration count is above the maximum "
                                                "of %d"),
                                              YQ_PASSWORD_MAX_ITERATIONS);
      set_invalid_hash (error, why);
      return FALSE;
    }

  salt_bytes = decode_base64 (parts[2], MIN_SALT_LENGTH, MAX_SALT_LENGTH);
  if (salt_bytes == NULL)
    {
      set_invalid_hash (error, _("its salt is not base64 of 8 to 64 bytes"));
      return FALSE;
    }

  hash_bytes = decode_base64 (parts[3], MIN_HASH_LENGTH, MAX_HASH_LENGTH);
  if (hash_bytes == NULL)
    {
      set_invalid_hash (error, _("its hash is not base64 of 16 to 64 bytes"));
      return FALSE;
    }

  if (iterations != NULL)
    *iterations = (guint) count;
  if (salt != NULL)
    *salt = g_steal_pointer (&salt_bytes);
  if (hash != NULL)
    *hash = g_steal_pointer (&hash_bytes);

  return TRUE;
}

/**
 * yq_password_hash_is_valid:
 * @hash: (nullable): an encoded hash, for example from a CSV import
 *
 * Checks @hash the way yq_password_parse() does, without saying why it is
 * refused (so that callers cannot leak it into messages by accident).
 *
 * Returns: %TRUE when @hash is "pbkdf2-sha256$<iterations>$<salt>$<hash>"
 *   with safe parameters and canonical base64
 */
gboolean
yq_password_hash_is_valid (const char *hash)
{
  return hash != NULL && yq_password_parse (hash, NULL, NULL, NULL, NULL);
}

/**
 * yq_password_verify:
 * @encoded: an encoded hash from yq_password_hash()
 * @password: the password to check
 * @matches: (out): whether @password is the one @encoded was made from
 * @error: return location for an error
 *
 * Recomputes the hash of @password and compares it in constant time.
 *
 * Returns: %TRUE when @encoded could be checked (see @matches), %FALSE with
 *   @error set when it is malformed
 */
gboolean
yq_password_verify (const char  *encoded,
                    const char  *password,
                    gboolean    *matches,
                    GError     **error)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) hash = NULL;
  g_autofree guint8 *derived = NULL;
  const guint8 *salt_data, *hash_data;
  gsize salt_length, hash_length;
  guint iterations;
  guint8 difference = 0;

  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (matches != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *matches = FALSE;

  if (!yq_password_parse (encoded, &iterations, &salt, &hash, error))
    return FALSE;

  salt_data = g_bytes_get_data (salt, &salt_length);
  hash_data = g_bytes_get_data (hash, &hash_length);
  derived = g_malloc (hash_length);

  yq_password_pbkdf2_sha256 ((const guint8 *) password, strlen (password),
                             salt_data, salt_length, iterations, derived, hash_length);

  for (gsize i = 0; i < hash_length; i++)
    difference |= derived[i] ^ hash_data[i];

  memset (derived, 0, hash_length);
  *matches = difference == 0;

  return TRUE;
}
