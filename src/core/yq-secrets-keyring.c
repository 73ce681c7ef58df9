/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "yq-secrets.h"

/* Secrets in the desktop keyring (Secret Service). Items carry the data
 * directory as an attribute so that the demo, the tests and a real
 * configuration on one desktop never see each other's secrets. The sync API
 * is fine: callers already run store work in worker threads. */

#define YQ_TYPE_SECRETS_KEYRING (yq_secrets_keyring_get_type ())
G_DECLARE_FINAL_TYPE (YqSecretsKeyring, yq_secrets_keyring, YQ, SECRETS_KEYRING, GObject)

struct _YqSecretsKeyring
{
  GObject        parent_instance;

  SecretService *service;
  char          *data_dir;
};

static void secrets_iface_init (YqSecretsInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqSecretsKeyring, yq_secrets_keyring, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (YQ_TYPE_SECRETS, secrets_iface_init))

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.yunqiao.Yunqiao.Secret", SECRET_SCHEMA_NONE,
    {
      { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static GHashTable *
make_attributes (YqSecretsKeyring *self,
                 const char       *key)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (gpointer) "key", (gpointer) key);
  g_hash_table_insert (attributes, (gpointer) "data-dir", self->data_dir);

  return attributes;
}

static const char *
yq_secrets_keyring_get_backend_name (YqSecrets *secrets)
{
  return "keyring";
}

static gboolean
yq_secrets_keyring_store (YqSecrets   *secrets,
                          const char  *key,
                          const char  *label,
                          const char  *value,
                          GError     **error)
{
  YqSecretsKeyring *self = YQ_SECRETS_KEYRING (secrets);
  g_autoptr(GHashTable) attributes = make_attributes (self, key);
  g_autoptr(SecretValue) secret = secret_value_new (value, -1, "text/plain");
  g_autoptr(GError) local_error = NULL;
  g_autofree char *full_label = NULL;

  /* Translators: the label of a keyring item; %s describes the secret */
  full_label = g_strdup_printf (_("Yunqiao: %s"), label);

  if (!secret_service_store_sync (self->service, get_schema (), attributes,
                                  SECRET_COLLECTION_DEFAULT, full_label, secret, NULL,
                                  &local_error))
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_FAILED,
                   _("The desktop keyring could not store a secret: %s. Unlock the keyring and "
                     "try again, or set YUNQIAO_SECRETS=file."),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

static char *
yq_secrets_keyring_lookup (YqSecrets   *secrets,
                           const char  *key,
                           GError     **error)
{
  YqSecretsKeyring *self = YQ_SECRETS_KEYRING (secrets);
  g_autoptr(GHashTable) attributes = make_attributes (self, key);
  g_autoptr(SecretValue) secret = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *text;

  secret = secret_service_lookup_sync (self->service, get_schema (), attributes, NULL,
                                       &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_FAILED,
                   _("The desktop keyring could not look up a secret: %s. Unlock the keyring "
                     "and try again."),
                   local_error->message);
      return NULL;
    }

  if (secret == NULL)
    return NULL;

  text = secret_value_get_text (secret);
  if (text == NULL)
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT,
                   _("A secret in the desktop keyring is not text; remove the Yunqiao item "
                     "with a keyring manager such as Seahorse and enter the secret again."));
      return NULL;
    }

  return g_strdup (text);
}

static gboolean
yq_secrets_keyring_clear (YqSecrets   *secrets,
                          const char  *key,
                          GError     **error)
{
  YqSecretsKeyring *self = YQ_SECRETS_KEYRING (secrets);
  g_autoptr(GHashTable) attributes = make_attributes (self, key);
  g_autoptr(GError) local_error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  if (!secret_service_clear_sync (self->service, get_schema (), attributes, NULL, &local_error) &&
      local_error != NULL)
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_FAILED,
                   _("The desktop keyring could not remove a secret: %s. Unlock the keyring and "
                     "try again."),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
secrets_iface_init (YqSecretsInterface *iface)
{
  iface->get_backend_name = yq_secrets_keyring_get_backend_name;
  iface->store = yq_secrets_keyring_store;
  iface->lookup = yq_secrets_keyring_lookup;
  iface->clear = yq_secrets_keyring_clear;
}

static void
yq_secrets_keyring_finalize (GObject *object)
{
  YqSecretsKeyring *self = (YqSecretsKeyring *) object;

  g_clear_object (&self->service);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (yq_secrets_keyring_parent_class)->finalize (object);
}

static void
yq_secrets_keyring_class_init (YqSecretsKeyringClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_secrets_keyring_finalize;
}

static void
yq_secrets_keyring_init (YqSecretsKeyring *self)
{
}

/**
 * yq_secrets_keyring_new:
 * @data_dir: the data directory the secrets belong to
 * @error: return location for an error
 *
 * Connects to the Secret Service on the session bus.
 *
 * Returns: (transfer full): the secrets store, or %NULL with
 *   %YQ_SECRETS_ERROR_UNAVAILABLE when no Secret Service answers
 */
YqSecrets *
yq_secrets_keyring_new (const char  *data_dir,
                        GError     **error)
{
  g_autoptr(YqSecretsKeyring) self = NULL;
  g_autoptr(GError) local_error = NULL;
  SecretService *service;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_UNAVAILABLE,
                   _("The desktop keyring is not available: there is no D-Bus session bus. "
                     "Set YUNQIAO_SECRETS=file to keep secrets in a file readable only by you."));
      return NULL;
    }

  /* Opening a session proves that a Secret Service actually answers; a mere
   * proxy would be created even when nobody owns the name. */
  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &local_error);
  if (service == NULL)
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_UNAVAILABLE,
                   _("The desktop keyring is not available: %s. Start a keyring such as GNOME "
                     "Keyring, or set YUNQIAO_SECRETS=file to keep secrets in a file readable "
                     "only by you."),
                   local_error->message);
      return NULL;
    }

  self = g_object_new (YQ_TYPE_SECRETS_KEYRING, NULL);
  self->service = service;
  self->data_dir = g_canonicalize_filename (data_dir, NULL);

  return YQ_SECRETS (g_steal_pointer (&self));
}
