/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-zwdd"

#include "config.h"

#include <string.h>

#include "yq-http.h"
#include "yq-zwdd-sign.h"

struct _YqZwddParams
{
  GPtrArray *names;
  GPtrArray *values;
};

YqZwddParams *
yq_zwdd_params_new (void)
{
  YqZwddParams *params = g_new0 (YqZwddParams, 1);

  params->names = g_ptr_array_new_with_free_func (g_free);
  params->values = g_ptr_array_new_with_free_func (g_free);

  return params;
}

void
yq_zwdd_params_free (YqZwddParams *params)
{
  if (params == NULL)
    return;

  g_ptr_array_unref (params->names);
  g_ptr_array_unref (params->values);
  g_free (params);
}

static gboolean
is_blank (const char *value)
{
  for (const char *p = value; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/**
 * yq_zwdd_params_add:
 * @params: parameters
 * @name: the name
 * @value: (nullable): the value; %NULL, empty and whitespace-only values are
 *   dropped
 */
void
yq_zwdd_params_add (YqZwddParams *params,
                    const char   *name,
                    const char   *value)
{
  g_return_if_fail (params != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  if (value == NULL || is_blank (value))
    return;

  g_ptr_array_add (params->names, g_strdup (name));
  g_ptr_array_add (params->values, g_strdup (value));
}

void
yq_zwdd_params_add_int (YqZwddParams *params,
                        const char   *name,
                        gint64        value)
{
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  yq_zwdd_params_add (params, name, s);
}

guint
yq_zwdd_params_get_length (const YqZwddParams *params)
{
  g_return_val_if_fail (params != NULL, 0);

  return params->names->len;
}

const char *
yq_zwdd_params_get_name (const YqZwddParams *params,
                         guint               index)
{
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (index < params->names->len, NULL);

  return g_ptr_array_index (params->names, index);
}

const char *
yq_zwdd_params_get_value (const YqZwddParams *params,
                          guint               index)
{
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (index < params->values->len, NULL);

  return g_ptr_array_index (params->values, index);
}

typedef struct
{
  const char *name;
  const char *value;
} Pair;

/* Names in case-insensitive order, as the SDK's
 * TreeMap(String.CASE_INSENSITIVE_ORDER) does (so "subject" < "subTypeCode"
 * and "_" < letters); the values of a repeated name in byte order. */
static int
pair_compare (gconstpointer a,
              gconstpointer b)
{
  const Pair *pa = a;
  const Pair *pb = b;
  int r = g_ascii_strcasecmp (pa->name, pb->name);

  if (r != 0)
    return r;
  r = strcmp (pa->value, pb->value);
  if (r != 0)
    return r;
  return strcmp (pa->name, pb->name);
}

/**
 * yq_zwdd_params_canonicalize:
 * @params: parameters
 *
 * The canonical parameter string of the gateway signature: `name=value`
 * pairs joined with `&`, names sorted case-insensitively, the values of a
 * repeated name sorted ascending, values raw (not URL-encoded).
 *
 * Returns: (transfer full): the canonical string; "" without parameters
 */
char *
yq_zwdd_params_canonicalize (const YqZwddParams *params)
{
  g_autoptr(GArray) pairs = NULL;
  GString *s;

  g_return_val_if_fail (params != NULL, NULL);

  pairs = g_array_sized_new (FALSE, FALSE, sizeof (Pair), params->names->len);
  for (guint i = 0; i < params->names->len; i++)
    {
      Pair p = { g_ptr_array_index (params->names, i), g_ptr_array_index (params->values, i) };

      g_array_append_val (pairs, p);
    }
  g_array_sort (pairs, pair_compare);

  s = g_string_new (NULL);
  for (guint i = 0; i < pairs->len; i++)
    {
      const Pair *p = &g_array_index (pairs, Pair, i);

      if (i > 0)
        g_string_append_c (s, '&');
      g_string_append (s, p->name);
      g_string_append_c (s, '=');
      g_string_append (s, p->value);
    }

  return g_string_free (s, FALSE);
}

/**
 * yq_zwdd_params_encode:
 * @params: parameters
 *
 * Returns: (transfer full): the parameters form-encoded for the wire (a
 *   POST body or a GET query), one field per value, in the order added
 */
char *
yq_zwdd_params_encode (const YqZwddParams *params)
{
  g_return_val_if_fail (params != NULL, NULL);

  return yq_http_form_encode (params->names, params->values);
}

/**
 * yq_zwdd_string_to_sign:
 * @method: `GET` or `POST`
 * @timestamp: the `X-Hmac-Auth-Timestamp` header value
 * @nonce: the `X-Hmac-Auth-Nonce` header value
 * @path: the URI path, without scheme, host or query
 * @canonical: the canonical parameter string
 *
 * Returns: (transfer full): `METHOD\ntimestamp\nnonce\npath`, followed by
 *   `\nparams` only when @canonical is not empty (no trailing newline)
 */
char *
yq_zwdd_string_to_sign (const char *method,
                        const char *timestamp,
                        const char *nonce,
                        const char *path,
                        const char *canonical)
{
  g_return_val_if_fail (method && timestamp && nonce && path, NULL);

  if (canonical != NULL && *canonical != '\0')
    return g_strdup_printf ("%s\n%s\n%s\n%s\n%s", method, timestamp, nonce, path, canonical);

  return g_strdup_printf ("%s\n%s\n%s\n%s", method, timestamp, nonce, path);
}

/**
 * yq_zwdd_sign:
 * @secret: the AppSecret
 * @string_to_sign: the string to sign
 *
 * Returns: (transfer full): HMAC-SHA256 of @string_to_sign keyed with
 *   @secret, in standard Base64 with padding
 */
char *
yq_zwdd_sign (const char *secret,
              const char *string_to_sign)
{
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (string_to_sign != NULL, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) string_to_sign, (gssize) strlen (string_to_sign));
  g_hmac_get_digest (hmac, digest, &len);

  return g_base64_encode (digest, len);
}

/**
 * yq_zwdd_format_timestamp:
 * @unix_us: the time, in microseconds since the epoch
 *
 * Formats the time in Beijing time (UTC + 8 h), whatever the host's time
 * zone: `YYYY-MM-DDTHH:MM:SS.mmm+08:00`.
 *
 * Returns: (transfer full): the timestamp
 */
char *
yq_zwdd_format_timestamp (gint64 unix_us)
{
  gint64 secs = unix_us / G_USEC_PER_SEC;
  int ms = (int) ((unix_us / 1000) % 1000);
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *base = NULL;

  if (unix_us < 0 && unix_us % G_USEC_PER_SEC != 0)
    {
      secs -= 1;
      ms = (int) (((unix_us / 1000) % 1000 + 1000) % 1000);
    }

  dt = g_date_time_new_from_unix_utc (secs + 8 * 3600);
  g_return_val_if_fail (dt != NULL, NULL);
  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03d+08:00", base, ms);
}

/**
 * yq_zwdd_make_nonce:
 * @unix_us: the time, in microseconds since the epoch
 * @random: a random number
 *
 * Returns: (transfer full): epoch milliseconds followed by four digits of
 *   @random, unique per request
 */
char *
yq_zwdd_make_nonce (gint64  unix_us,
                    guint32 random)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "%04u", unix_us / 1000, random % 10000);
}
