/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-secrets"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "yq-secrets.h"

/* The fallback for hosts without a desktop keyring (servers, containers,
 * CI): a key file readable by the owner only. The file is read again for
 * every operation because the app, the CLI and the service each hold their
 * own YqSecrets and must see each other's changes. */

#define SECRETS_GROUP "Secrets"

#define YQ_TYPE_SECRETS_FILE (yq_secrets_file_get_type ())
G_DECLARE_FINAL_TYPE (YqSecretsFile, yq_secrets_file, YQ, SECRETS_FILE, GObject)

struct _YqSecretsFile
{
  GObject  parent_instance;

  char    *path;
  GMutex   mutex;
};

static void secrets_iface_init (YqSecretsInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqSecretsFile, yq_secrets_file, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (YQ_TYPE_SECRETS, secrets_iface_init))

static gboolean
ensure_directory (YqSecretsFile  *self,
                  GError        **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_PERMISSIONS,
                   _("Could not create the directory %s for the secrets file: %s"),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Reads the file, tightening its permissions first if others could read it.
 * A missing file is an empty store. Parse errors are reported without the
 * parser's message, which may quote a line of the file, i.e. a secret. */
static GKeyFile *
load (YqSecretsFile  *self,
      GError        **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize length = 0;

  if (g_lstat (self->path, &st) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return g_steal_pointer (&key_file);

      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_PERMISSIONS,
                   _("Could not read the secrets file %s: %s"),
                   self->path, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT,
                   _("The secrets file %s is not a regular file. Move it aside; Yunqiao will "
                     "create a new one."),
                   self->path);
      return NULL;
    }

  if ((st.st_mode & 077) != 0)
    {
      if (g_chmod (self->path, 0600) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_PERMISSIONS,
                       _("The secrets file %s can be read by other users and its permissions "
                         "could not be changed (%s). Run “chmod 600” on it."),
                       self->path, g_strerror (saved_errno));
          return NULL;
        }

      g_debug ("Restricted the permissions of %s to its owner", self->path);
    }

  if (!g_file_get_contents (self->path, &contents, &length, &local_error))
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_PERMISSIONS,
                   _("Could not read the secrets file %s: %s"),
                   self->path, local_error->message);
      return NULL;
    }

  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_KEEP_COMMENTS, NULL))
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT,
                   _("The secrets file %s is damaged and was left as it is. Restore it from a "
                     "backup, or move it aside and enter the connector secrets again."),
                   self->path);
      return NULL;
    }

  return g_steal_pointer (&key_file);
}

static gboolean
save (YqSecretsFile  *self,
      GKeyFile       *key_file,
      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!ensure_directory (self, error))
    return FALSE;

  data = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (self->path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_FAILED,
                   _("Could not write the secrets file %s: %s"),
                   self->path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static const char *
yq_secrets_file_get_backend_name (YqSecrets *secrets)
{
  return "file";
}

static gboolean
yq_secrets_file_store (YqSecrets   *secrets,
                       const char  *key,
                       const char  *label,
                       const char  *value,
                       GError     **error)
{
  YqSecretsFile *self = YQ_SECRETS_FILE (secrets);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(GKeyFile) key_file = NULL;
  g_autofree char *comment = NULL;

  key_file = load (self, error);
  if (key_file == NULL)
    return FALSE;

  g_key_file_set_string (key_file, SECRETS_GROUP, key, value);
  comment = g_strdelimit (g_strdup_printf (" %s", label), "\r\n", ' ');
  g_key_file_set_comment (key_file, SECRETS_GROUP, key, comment, NULL);

  return save (self, key_file, error);
}

static char *
yq_secrets_file_lookup (YqSecrets   *secrets,
                        const char  *key,
                        GError     **error)
{
  YqSecretsFile *self = YQ_SECRETS_FILE (secrets);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(GKeyFile) key_file = NULL;
  char *value;

  key_file = load (self, error);
  if (key_file == NULL)
    return NULL;

  if (!g_key_file_has_key (key_file, SECRETS_GROUP, key, NULL))
    return NULL;

  value = g_key_file_get_string (key_file, SECRETS_GROUP, key, NULL);
  if (value == NULL)
    g_set_error (error, YQ_SECRETS_ERROR, YQ_SECRETS_ERROR_CORRUPT,
                 _("The secrets file %s is damaged and was left as it is. Restore it from a "
                   "backup, or move it aside and enter the connector secrets again."),
                 self->path);

  return value;
}

static gboolean
yq_secrets_file_clear (YqSecrets   *secrets,
                       const char  *key,
                       GError     **error)
{
  YqSecretsFile *self = YQ_SECRETS_FILE (secrets);
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr(GKeyFile) key_file = NULL;

  key_file = load (self, error);
  if (key_file == NULL)
    return FALSE;

  if (!g_key_file_has_key (key_file, SECRETS_GROUP, key, NULL))
    return TRUE;

  g_key_file_remove_key (key_file, SECRETS_GROUP, key, NULL);
  return save (self, key_file, error);
}

static void
secrets_iface_init (YqSecretsInterface *iface)
{
  iface->get_backend_name = yq_secrets_file_get_backend_name;
  iface->store = yq_secrets_file_store;
  iface->lookup = yq_secrets_file_lookup;
  iface->clear = yq_secrets_file_clear;
}

static void
yq_secrets_file_finalize (GObject *object)
{
  YqSecretsFile *self = (YqSecretsFile *) object;

  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (yq_secrets_file_parent_class)->finalize (object);
}

static void
yq_secrets_file_class_init (YqSecretsFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_secrets_file_finalize;
}

static void
yq_secrets_file_init (YqSecretsFile *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * yq_secrets_file_new:
 * @path: the key file, e.g. `DATA_DIR/secrets.ini`
 * @error: return location for an error
 *
 * Opens the file store. Its directory is created (mode 0700) if missing; the
 * file itself is created (mode 0600) on the first store. An existing file
 * that others can read is restricted to its owner; a damaged one gives
 * %YQ_SECRETS_ERROR_CORRUPT and is left untouched.
 *
 * Returns: (transfer full): the secrets store, or %NULL with @error set
 */
YqSecrets *
yq_secrets_file_new (const char  *path,
                     GError     **error)
{
  g_autoptr(YqSecretsFile) self = NULL;
  g_autoptr(GKeyFile) key_file = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (YQ_TYPE_SECRETS_FILE, NULL);
  self->path = g_canonicalize_filename (path, NULL);

  if (!ensure_directory (self, error))
    return NULL;

  key_file = load (self, error);
  if (key_file == NULL)
    return NULL;

  return YQ_SECRETS (g_steal_pointer (&self));
}
