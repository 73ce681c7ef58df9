/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-secrets"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

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

/**
 * yq_secrets_wipe_free:
 * @value: (nullable): a secret value
 *
 * Overwrites @value before freeing it.
 */
void
yq_secrets_wipe_free (char *value)
{
  if (value != NULL)
    memset (value, 0, strlen (value));
  g_free (value);
}

/* Journal -------------------------------------------------------------------- */

typedef struct
{
  char *key;
  char *label;
  /* what @key held before; NULL: nothing */
  char *old_value;
} JournalEntry;

struct _YqSecretsJournal
{
  YqSecrets *secrets;
  /* JournalEntry, oldest first */
  GPtrArray *stored;
  GPtrArray *clear_on_commit;
};

static void
journal_entry_free (JournalEntry *entry)
{
  g_free (entry->key);
  g_free (entry->label);
  yq_secrets_wipe_free (entry->old_value);
  g_free (entry);
}

/**
 * yq_secrets_journal_new:
 * @secrets: where the secrets are kept
 *
 * Returns: (transfer full): an empty journal for one save
 */
YqSecretsJournal *
yq_secrets_journal_new (YqSecrets *secrets)
{
  YqSecretsJournal *journal;

  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);

  journal = g_new0 (YqSecretsJournal, 1);
  journal->secrets = g_object_ref (secrets);
  journal->stored = g_ptr_array_new_with_free_func ((GDestroyNotify) journal_entry_free);
  journal->clear_on_commit = g_ptr_array_new_with_free_func (g_free);

  return journal;
}

/**
 * yq_secrets_journal_store:
 * @journal: a journal
 * @key: the key
 * @label: the label
 * @value: the secret
 * @had_value: whether @key may hold a value already, which an undo puts
 *   back
 * @error: return location for an error
 *
 * Stores @value under @key, remembering what it replaces.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_secrets_journal_store (YqSecretsJournal  *journal,
                          const char        *key,
                          const char        *label,
                          const char        *value,
                          gboolean           had_value,
                          GError           **error)
{
  JournalEntry *entry;
  char *old_value = NULL;

  g_return_val_if_fail (journal != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (had_value)
    {
      g_autoptr(GError) local_error = NULL;

      old_value = yq_secrets_lookup (journal->secrets, key, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (!yq_secrets_store (journal->secrets, key, label, value, error))
    {
      yq_secrets_wipe_free (old_value);
      return FALSE;
    }

  entry = g_new0 (JournalEntry, 1);
  entry->key = g_strdup (key);
  entry->label = g_strdup (label);
  entry->old_value = old_value;
  g_ptr_array_add (journal->stored, entry);

  return TRUE;
}

/**
 * yq_secrets_journal_clear_on_commit:
 * @journal: a journal
 * @key: a key the save no longer uses
 *
 * Clears @key in yq_secrets_journal_commit(), not before: a save that
 * fails keeps it.
 */
void
yq_secrets_journal_clear_on_commit (YqSecretsJournal *journal,
                                    const char       *key)
{
  g_return_if_fail (journal != NULL);
  g_return_if_fail (key != NULL);

  g_ptr_array_add (journal->clear_on_commit, g_strdup (key));
}

/**
 * yq_secrets_journal_commit:
 * @journal: a journal
 *
 * The save was committed: clears the keys it no longer uses. A key that
 * cannot be cleared is logged; the save stands.
 */
void
yq_secrets_journal_commit (YqSecretsJournal *journal)
{
  g_return_if_fail (journal != NULL);

  for (guint i = 0; i < journal->clear_on_commit->len; i++)
    {
      const char *key = g_ptr_array_index (journal->clear_on_commit, i);
      g_autoptr(GError) error = NULL;

      if (!yq_secrets_clear (journal->secrets, key, &error))
        g_warning ("Could not remove the unused secret %s: %s", key, error->message);
    }
  g_ptr_array_set_size (journal->clear_on_commit, 0);
  g_ptr_array_set_size (journal->stored, 0);
}

/**
 * yq_secrets_journal_undo:
 * @journal: a journal
 *
 * The save failed: puts back what each store replaced (or clears the key
 * when it held nothing), newest first. A key that cannot be put back is
 * logged.
 */
void
yq_secrets_journal_undo (YqSecretsJournal *journal)
{
  g_return_if_fail (journal != NULL);

  for (guint i = journal->stored->len; i > 0; i--)
    {
      JournalEntry *entry = g_ptr_array_index (journal->stored, i - 1);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (entry->old_value != NULL)
        ok = yq_secrets_store (journal->secrets, entry->key, entry->label, entry->old_value,
                               &error);
      else
        ok = yq_secrets_clear (journal->secrets, entry->key, &error);

      if (!ok)
        g_warning ("Could not restore the secret %s after a failed save: %s", entry->key,
                   error->message);
    }
  g_ptr_array_set_size (journal->stored, 0);
  g_ptr_array_set_size (journal->clear_on_commit, 0);
}

/**
 * yq_secrets_journal_free:
 * @journal: (nullable): a journal
 *
 * Frees @journal, wiping the old values it kept.
 */
void
yq_secrets_journal_free (YqSecretsJournal *journal)
{
  if (journal == NULL)
    return;

  g_ptr_array_unref (journal->stored);
  g_ptr_array_unref (journal->clear_on_commit);
  g_object_unref (journal->secrets);
  g_free (journal);
}
