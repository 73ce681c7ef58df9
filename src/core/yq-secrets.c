/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "yq-secrets.h"

#define SECRETS_FILE_NAME "secrets.ini"

G_DEFINE_INTERFACE (YqSecrets, yq_secrets, G_TYPE_OBJECT)

G_DEFINE_QUARK (yq-secrets-error-quark, yq_secrets_error)

static void
yq_secrets_default_init (YqSecretsInterface *iface)
{
}

/* Keys are made by Yunqiao ("connector/3/app-secret"), never typed by a
 * person; the restricted alphabet keeps them valid in every backend (a
 * key-file key must not contain '=', '[', line breaks, …). */
static gboolean
key_is_valid (const char *key)
{
  if (key == NULL || *key == '\0')
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '/' && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

/**
 * yq_secrets_new_for_data_dir:
 * @data_dir: the data directory the secrets belong to
 * @error: return location for an error
 *
 * Picks the backend: `YUNQIAO_SECRETS=file` uses `secrets.ini` (mode 0600)
 * in @data_dir, `YUNQIAO_SECRETS=keyring` the desktop keyring (or fails).
 * Unset, the keyring is used when a Secret Service answers on the session
 * bus, and the file otherwise.
 *
 * Returns: (transfer full): the secrets store, or %NULL with @error set
 */
YqSecrets *
yq_secrets_new_for_data_dir (const char  *data_dir,
                             GError     **error)
{
  g_autofree char *file_path = NULL;
  const char *choice;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file_path = g_build_filename (data_dir, SECRETS_FILE_NAME, NULL);
  choice = g_getenv ("YUNQIAO_SECRETS");

  if (choice != NULL && *choice != '\0')
    {
      if (g_ascii_strcasecmp (choice, "file") == 0)
        return yq_secrets_file_new (file_path, error);

      if (g_ascii_strcasecmp (choice, "keyring") == 0)
        return yq_secrets_keyring_new (data_dir, error);

      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_UNAVAILABLE,
                   _("Unknown secrets backend “%s” in YUNQIAO_SECRETS; use “keyring” or “file”, "
                     "or unset it to choose automatically."),
                   choice);
      return NULL;
    }

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    {
      g_autoptr(GError) keyring_error = NULL;
      YqSecrets *keyring;

      keyring = yq_secrets_keyring_new (data_dir, &keyring_error);
      if (keyring != NULL)
        return keyring;

      g_debug ("No usable Secret Service, keeping secrets in %s: %s",
               file_path, keyring_error->message);
    }

  return yq_secrets_file_new (file_path, error);
}

/**
 * yq_secrets_get_backend_name:
 * @self: a secrets store
 *
 * Returns: the backend's identifier, `keyring` or `file` (not translated;
 *   stable for scripts)
 */
const char *
yq_secrets_get_backend_name (YqSecrets *self)
{
  g_return_val_if_fail (YQ_IS_SECRETS (self), NULL);

  return YQ_SECRETS_GET_IFACE (self)->get_backend_name (self);
}

/**
 * yq_secrets_store:
 * @self: a secrets store
 * @key: the key, e.g. `connector/3/app-secret`
 * @label: a description for people browsing the keyring (not secret)
 * @value: the secret, not empty
 * @error: return location for an error
 *
 * Stores @value under @key, replacing any previous value.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_secrets_store (YqSecrets   *self,
                  const char  *key,
                  const char  *label,
                  const char  *value,
                  GError     **error)
{
  g_return_val_if_fail (YQ_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (key_is_valid (key), FALSE);
  g_return_val_if_fail (label != NULL, FALSE);
  g_return_val_if_fail (value != NULL && *value != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return YQ_SECRETS_GET_IFACE (self)->store (self, key, label, value, error);
}

/**
 * yq_secrets_lookup:
 * @self: a secrets store
 * @key: the key
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the secret; %NULL with @error unset
 *   when nothing is stored under @key, %NULL with @error set on failure
 */
char *
yq_secrets_lookup (YqSecrets   *self,
                   const char  *key,
                   GError     **error)
{
  g_return_val_if_fail (YQ_IS_SECRETS (self), NULL);
  g_return_val_if_fail (key_is_valid (key), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return YQ_SECRETS_GET_IFACE (self)->lookup (self, key, error);
}

/**
 * yq_secrets_clear:
 * @self: a secrets store
 * @key: the key
 * @error: return location for an error
 *
 * Removes the secret stored under @key; removing a missing one succeeds.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_secrets_clear (YqSecrets   *self,
                  const char  *key,
                  GError     **error)
{
  g_return_val_if_fail (YQ_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (key_is_valid (key), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return YQ_SECRETS_GET_IFACE (self)->clear (self, key, error);
}
