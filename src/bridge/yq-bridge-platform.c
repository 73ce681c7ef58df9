/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-bridge"

#include "config.h"

#include "yq-bridge-platform.h"

/* The directory key is optional: a 云之家 connector without one can still
 * test its connection and send messages, and 政务钉钉 has none. */
static gboolean
lookup_optional_secret (YqStore            *store,
                        YqSecrets          *secrets,
                        YqConnector        *connector,
                        YqConnectorSecret   which,
                        char              **out_secret,
                        GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean stored;

  stored = which == YQ_CONNECTOR_SECRET_APP
           ? yq_connector_get_has_app_secret (connector)
           : yq_connector_get_has_directory_secret (connector);

  *out_secret = NULL;
  if (!stored || yq_connector_get_id (connector) <= 0)
    return TRUE;

  *out_secret = yq_connectors_lookup_secret (store, secrets, yq_connector_get_id (connector),
                                             which, &local_error);
  if (*out_secret == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * yq_bridge_platform_new:
 * @store: the store
 * @secrets: where the connector's secrets are kept
 * @connector: the connector, saved or not
 * @app_secret: (nullable): an AppSecret typed in but not saved yet; %NULL
 *   to use the stored one
 * @directory_secret: (nullable): likewise for the 云之家 directory key
 * @error: return location for an error
 *
 * Builds the platform client for @connector, with the secrets given or,
 * where none is given, those stored for the connector.
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 */
YqPlatform *
yq_bridge_platform_new (YqStore      *store,
                        YqSecrets    *secrets,
                        YqConnector  *connector,
                        const char   *app_secret,
                        const char   *directory_secret,
                        GError      **error)
{
  g_autofree char *stored_app_secret = NULL;
  g_autofree char *stored_directory_secret = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (YQ_IS_CONNECTOR (connector), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (app_secret == NULL || *app_secret == '\0')
    {
      if (!lookup_optional_secret (store, secrets, connector, YQ_CONNECTOR_SECRET_APP,
                                   &stored_app_secret, error))
        return NULL;
      app_secret = stored_app_secret;
    }

  if (directory_secret == NULL || *directory_secret == '\0')
    {
      if (!lookup_optional_secret (store, secrets, connector, YQ_CONNECTOR_SECRET_DIRECTORY,
                                   &stored_directory_secret, error))
        return NULL;
      directory_secret = stored_directory_secret;
    }

  return yq_platform_new_for_connector (connector, app_secret, directory_secret, error);
}

/**
 * yq_bridge_platform_open:
 * @store: the store
 * @secrets: where the connector's secrets are kept
 * @connector_id: the saved connector's ID
 * @connector: (out) (optional) (transfer full): the connector read
 * @error: return location for an error
 *
 * Reads a saved connector and builds its platform client with the stored
 * secrets.
 *
 * Returns: (transfer full): the client, or %NULL with @error set
 */
YqPlatform *
yq_bridge_platform_open (YqStore      *store,
                         YqSecrets    *secrets,
                         gint64        connector_id,
                         YqConnector **connector,
                         GError      **error)
{
  g_autoptr(YqConnector) saved = NULL;
  g_autoptr(YqPlatform) platform = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  saved = yq_connectors_get (store, connector_id, error);
  if (saved == NULL)
    return NULL;

  platform = yq_bridge_platform_new (store, secrets, saved, NULL, NULL, error);
  if (platform == NULL)
    return NULL;

  if (connector != NULL)
    *connector = g_steal_pointer (&saved);

  return g_steal_pointer (&platform);
}
