/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <gio/gio.h>

#include "yq-host.h"

/**
 * yq_host_is_valid:
 * @host: (nullable): the host part of a URL
 *
 * GUri leaves the host's characters alone (it accepts "a b.cn"); this
 * accepts IP addresses and host names of letters, digits, `-`, `_` and
 * dots, internationalised names included.
 *
 * Returns: whether @host can be a host
 */
gboolean
yq_host_is_valid (const char *host)
{
  g_autofree char *ascii = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;

  if (g_hostname_is_ip_address (host))
    return TRUE;

  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL || *ascii == '\0' || *ascii == '.' || *ascii == '-')
    return FALSE;

  for (const char *p = ascii; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;

  return TRUE;
}

/**
 * yq_host_is_loopback:
 * @host: the host part of a URL
 *
 * Returns: whether @host is `localhost` or a loopback address, the only
 *   hosts plain http is allowed for
 */
gboolean
yq_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}
