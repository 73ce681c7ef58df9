/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-yzj"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "yq-yzj-pubtoken.h"

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * yq_yzj_pubtoken:
 * @no: the team ID (eid)
 * @pub: the public-account ID
 * @pubkey: the public-account key
 * @nonce: the nonce sent in `from.nonce`
 * @time: exactly the string sent in `from.time`
 *
 * The public-account signature (§2.5): the lower-case hex SHA-1 of the five
 * strings sorted in byte order and concatenated without separator.
 *
 * Returns: (transfer full): the pubtoken
 */
char *
yq_yzj_pubtoken (const char *no,
                 const char *pub,
                 const char *pubkey,
                 const char *nonce,
                 const char *time)
{
  const char *parts[5] = { no, pub, pubkey, nonce, time };
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_return_val_if_fail (parts[i] != NULL, NULL);

  qsort (parts, G_N_ELEMENTS (parts), sizeof parts[0], compare_strings);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_string_append (joined, parts[i]);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA1, joined->str, (gssize) joined->len);
}

/**
 * yq_yzj_approval_sign:
 * @sign_key: the app's signKey
 * @open_id: `param.openId`
 * @source_type: `param.sourceType`
 * @source_ids: (array zero-terminated=1): `param.sourceIds`
 *
 * The quick-approval callback signature (§2.6): the strings sorted in byte
 * order, joined with `&`, HMAC-SHA1 keyed with @sign_key, in Base64.
 *
 * Returns: (transfer full): the signature
 */
char *
yq_yzj_approval_sign (const char         *sign_key,
                      const char         *open_id,
                      const char         *source_type,
                      const char * const *source_ids)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[20];
  gsize len = sizeof digest;

  g_return_val_if_fail (sign_key != NULL && open_id != NULL && source_type != NULL, NULL);

  g_ptr_array_add (parts, (gpointer) open_id);
  g_ptr_array_add (parts, (gpointer) source_type);
  for (guint i = 0; source_ids && source_ids[i]; i++)
    g_ptr_array_add (parts, (gpointer) source_ids[i]);
  g_ptr_array_sort (parts, compare_strings);

  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append_c (joined, '&');
      g_string_append (joined, g_ptr_array_index (parts, i));
    }

  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) sign_key, strlen (sign_key));
  g_hmac_update (hmac, (const guchar *) joined->str, (gssize) joined->len);
  g_hmac_get_digest (hmac, digest, &len);

  return g_base64_encode (digest, len);
}

/**
 * yq_yzj_approval_verify:
 * @sign_key: the app's signKey
 * @open_id: `param.openId`
 * @source_type: `param.sourceType`
 * @source_ids: (array zero-terminated=1): `param.sourceIds`
 * @sign: the received `sign`
 *
 * Returns: %TRUE if @sign is right, compared in constant time
 */
gboolean
yq_yzj_approval_verify (const char         *sign_key,
                        const char         *open_id,
                        const char         *source_type,
                        const char * const *source_ids,
                        const char         *sign)
{
  g_autofree char *expected = NULL;
  gsize n;
  guint8 diff = 0;

  if (sign == NULL)
    return FALSE;

  expected = yq_yzj_approval_sign (sign_key, open_id, source_type, source_ids);
  n = strlen (expected);
  if (strlen (sign) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    diff |= (guint8) (expected[i] ^ sign[i]);

  return diff == 0;
}
