/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-types.h"

G_BEGIN_DECLS

#define YQ_SECRETS_ERROR (yq_secrets_error_quark ())

typedef enum
{
  YQ_SECRETS_ERROR_UNAVAILABLE,
  YQ_SECRETS_ERROR_PERMISSIONS,
  YQ_SECRETS_ERROR_CORRUPT,
  YQ_SECRETS_ERROR_FAILED,
} YqSecretsError;

#define YQ_TYPE_SECRETS (yq_secrets_get_type ())

G_DECLARE_INTERFACE (YqSecrets, yq_secrets, YQ, SECRETS, GObject)

struct _YqSecretsInterface
{
  GTypeInterface parent_iface;

  const char *(*get_backend_name) (YqSecrets   *self);
  gboolean    (*store)            (YqSecrets   *self,
                                   const char  *key,
                                   const char  *label,
                                   const char  *value,
                                   GError     **error);
  char       *(*lookup)           (YqSecrets   *self,
                                   const char  *key,
                                   GError     **error);
  gboolean    (*clear)            (YqSecrets   *self,
                                   const char  *key,
                                   GError     **error);
};

GQuark      yq_secrets_error_quark      (void);
YqSecrets  *yq_secrets_new_for_data_dir (const char  *data_dir,
                                         GError     **error);
YqSecrets  *yq_secrets_file_new         (const char  *path,
                                         GError     **error);
YqSecrets  *yq_secrets_keyring_new      (const char  *data_dir,
                                         GError     **error);
const char *yq_secrets_get_backend_name (YqSecrets   *self);
gboolean    yq_secrets_store            (YqSecrets   *self,
                                         const char  *key,
                                         const char  *label,
                                         const char  *value,
                                         GError     **error);
char       *yq_secrets_lookup           (YqSecrets   *self,
                                         const char  *key,
                                         GError     **error);
gboolean    yq_secrets_clear            (YqSecrets   *self,
                                         const char  *key,
                                         GError     **error);
void        yq_secrets_wipe_free        (char        *value);

/* Secrets live outside the database's transactions. A journal stores the
 * secrets of one save and remembers what each replaced: when the save's
 * transaction fails, yq_secrets_journal_undo() puts them back; when it
 * commits, yq_secrets_journal_commit() clears the keys the save no longer
 * uses. Old values are wiped when the journal is freed. */
typedef struct _YqSecretsJournal YqSecretsJournal;

YqSecretsJournal *yq_secrets_journal_new             (YqSecrets         *secrets);
gboolean          yq_secrets_journal_store           (YqSecretsJournal  *journal,
                                                      const char        *key,
                                                      const char        *label,
                                                      const char        *value,
                                                      gboolean           had_value,
                                                      GError           **error);
void              yq_secrets_journal_clear_on_commit (YqSecretsJournal  *journal,
                                                      const char        *key);
void              yq_secrets_journal_commit          (YqSecretsJournal  *journal);
void              yq_secrets_journal_undo            (YqSecretsJournal  *journal);
void              yq_secrets_journal_free            (YqSecretsJournal  *journal);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSecretsJournal, yq_secrets_journal_free)

G_END_DECLS
