/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-settings"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "yq-host.h"
#include "yq-settings.h"

G_DEFINE_QUARK (yq-settings-error-quark, yq_settings_error)

static const char * const known_keys[] = {
  YQ_SETTING_EXTERNAL_ADDRESS,
  YQ_SETTING_HTTP_ADDRESS,
  NULL
};

static gboolean
is_known_key (const char *key)
{
  return key != NULL && g_strv_contains (known_keys, key);
}

static void
set_unknown_key_error (GError     **error,
                       const char  *key)
{
  g_autofree char *list = g_strjoinv (", ", (char **) known_keys);

  g_set_error (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_UNKNOWN_KEY,
               _("Unknown setting “%s”. Known settings: %s"),
               key, list);
}

/**
 * yq_settings_list_keys:
 *
 * Returns: (transfer none): the keys of all known settings
 */
const char * const *
yq_settings_list_keys (void)
{
  return known_keys;
}

/**
 * yq_settings_describe_key:
 * @key: a setting key
 *
 * Returns: (nullable): a translated description, or %NULL for an unknown key
 */
const char *
yq_settings_describe_key (const char *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  if (g_str_equal (key, YQ_SETTING_EXTERNAL_ADDRESS))
    return _("The public https address under which the bridge’s login and callback endpoints "
             "are reached");
  if (g_str_equal (key, YQ_SETTING_HTTP_ADDRESS))
    return _("The address and port the service’s HTTP endpoints listen on, as HOST:PORT or "
             "[IPv6]:PORT (default 127.0.0.1:8780)");

  return NULL;
}

static char *
normalize_value (const char *key,
                 const char *value)
{
  char *str = g_strstrip (g_strdup (value != NULL ? value : ""));

  if (g_str_equal (key, YQ_SETTING_EXTERNAL_ADDRESS))
    {
      const char *authority = strstr (str, "://");
      gsize min_len = authority != NULL ? (gsize) (authority - str) + 3 : 0;
      gsize len = strlen (str);

      while (len > min_len && str[len - 1] == '/')
        str[--len] = '\0';
    }

  return str;
}

static gboolean
validate_external_address (const char  *value,
                           GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme = NULL;
  const char *host = NULL;

  if (*value == '\0')
    return TRUE;

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL)
    {
      scheme = g_uri_get_scheme (uri);
      host = g_uri_get_host (uri);
    }

  if (uri == NULL || !yq_host_is_valid (host))
    {
      g_set_error_literal (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID,
                           _("Enter the external address as a full URL, for example "
                             "https://bridge.example.gov.cn"));
      return FALSE;
    }

  /* Plain http only on loopback, where the demo and the integration tests
   * run the service without TLS; nothing else can reach such an address. */
  if (g_ascii_strcasecmp (scheme, "https") != 0 &&
      !(g_ascii_strcasecmp (scheme, "http") == 0 && yq_host_is_loopback (host)))
    {
      g_set_error_literal (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID,
                           _("The external address must start with https://; the platforms "
                             "only call back to secure addresses"));
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID,
                           _("Remove the user name and password from the external address"));
      return FALSE;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID,
                           _("Remove the part starting with “?” or “#” from the external "
                             "address"));
      return FALSE;
    }

  return TRUE;
}

static void
set_http_address_error (GError **error)
{
  g_set_error_literal (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID,
                       _("Enter the HTTP address as HOST:PORT or [IPv6]:PORT with a port from "
                         "0 to 65535, for example 127.0.0.1:8780"));
}

/**
 * yq_settings_parse_http_address:
 * @value: an http-address value, e.g. "127.0.0.1:8780" or "[::1]:8780"
 * @host: (out) (optional): the host name or IP address, without brackets
 * @port: (out) (optional): the port; 0 means any free port
 * @error: return location for an error
 *
 * Returns: %TRUE if @value is a valid address
 */
gboolean
yq_settings_parse_http_address (const char  *value,
                                char       **host,
                                guint16     *port,
                                GError     **error)
{
  g_autofree char *host_part = NULL;
  const char *port_part;
  guint64 port_value = 0;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (value[0] == '[')
    {
      const char *end = strchr (value, ']');

      if (end == NULL || end[1] != ':')
        {
          set_http_address_error (error);
          return FALSE;
        }
      host_part = g_strndup (value + 1, (gsize) (end - value - 1));
      port_part = end + 2;

      if (strchr (host_part, ':') == NULL || !g_hostname_is_ip_address (host_part))
        {
          set_http_address_error (error);
          return FALSE;
        }
    }
  else
    {
      const char *colon = strrchr (value, ':');

      if (colon == NULL)
        {
          set_http_address_error (error);
          return FALSE;
        }
      host_part = g_strndup (value, (gsize) (colon - value));
      port_part = colon + 1;

      /* An IPv6 address needs its brackets. */
      if (strchr (host_part, ':') != NULL || !yq_host_is_valid (host_part))
        {
          set_http_address_error (error);
          return FALSE;
        }
    }

  if (*port_part == '\0' || strlen (port_part) > 5 ||
      !g_ascii_string_to_unsigned (port_part, 10, 0, G_MAXUINT16, &port_value, NULL))
    {
      set_http_address_error (error);
      return FALSE;
    }
  for (const char *p = port_part; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      {
        set_http_address_error (error);
        return FALSE;
      }

  if (host != NULL)
    *host = g_steal_pointer (&host_part);
  if (port != NULL)
    *port = (guint16) port_value;

  return TRUE;
}

/**
 * yq_settings_validate:
 * @key: a setting key
 * @value: (nullable): the value; %NULL or empty means unset, always allowed
 * @error: return location for an error
 *
 * Checks @value the way yq_settings_set() would store it (surrounding white
 * space and trailing slashes of addresses removed).
 *
 * Returns: %TRUE if @value is acceptable for @key
 */
gboolean
yq_settings_validate (const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_known_key (key))
    {
      set_unknown_key_error (error, key);
      return FALSE;
    }

  normalized = normalize_value (key, value);

  if (g_str_equal (key, YQ_SETTING_EXTERNAL_ADDRESS))
    return validate_external_address (normalized, error);

  if (g_str_equal (key, YQ_SETTING_HTTP_ADDRESS))
    return *normalized == '\0' ||
           yq_settings_parse_http_address (normalized, NULL, NULL, error);

  return TRUE;
}

/**
 * yq_settings_get:
 * @store: the store
 * @key: a setting key
 * @error: return location for an error
 *
 * Returns: (transfer full): the value, an empty string when unset, or %NULL
 *   with @error set
 */
char *
yq_settings_get (YqStore     *store,
                 const char  *key,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *value;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_known_key (key))
    {
      set_unknown_key_error (error, key);
      return NULL;
    }

  value = yq_store_get_setting (store, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return value != NULL ? value : g_strdup ("");
}

typedef struct
{
  const char *key;
  const char *value;
} SetData;

static gboolean
set_in_transaction (YqStore   *store,
                    gpointer   user_data,
                    GError   **error)
{
  SetData *data = user_data;
  g_autofree char *detail = NULL;

  if (!yq_store_set_setting (store, data->key, *data->value != '\0' ? data->value : NULL, error))
    return FALSE;

  detail = g_strdup_printf ("%s=%s", data->key, data->value);
  return yq_store_audit (store, NULL, "settings.set", data->key, detail, error);
}

/**
 * yq_settings_set:
 * @store: the store
 * @key: a setting key
 * @value: (nullable): the new value; %NULL or empty unsets the setting
 * @error: return location for an error
 *
 * Validates, normalises (surrounding white space and an address's trailing
 * slashes are removed) and stores a setting, with an audit entry.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_settings_set (YqStore     *store,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  g_autofree char *normalized = NULL;
  SetData data;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!yq_settings_validate (key, value, error))
    return FALSE;

  data.key = key;
  data.value = normalized = normalize_value (key, value);

  return yq_store_transaction (store, set_in_transaction, &data, error);
}

/**
 * yq_settings_build_url:
 * @store: the store
 * @path: an absolute path on the bridge, e.g. `/sso/zwdd`
 * @error: return location for an error
 *
 * Builds a URL people or platforms use to reach the bridge from the
 * external address setting.
 *
 * Returns: (transfer full): the URL, or %NULL with @error set
 *   (%YQ_SETTINGS_ERROR_INVALID when the external address is not set)
 */
char *
yq_settings_build_url (YqStore     *store,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  base = yq_settings_get (store, YQ_SETTING_EXTERNAL_ADDRESS, error);
  if (base == NULL)
    return NULL;

  if (*base == '\0')
    {
      g_set_error_literal (error, YQ_SETTINGS_ERROR, YQ_SETTINGS_ERROR_INVALID,
                           _("Set the external address in Settings first"));
      return NULL;
    }

  while (*path == '/')
    path++;

  return g_strconcat (base, "/", path, NULL);
}
