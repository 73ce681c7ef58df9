/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-connectors"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yq-connectors.h"
#include "yq-store-private.h"

#define SELECT_CONNECTOR \
  "SELECT id, preset, name, tenant_id, api_base, app_key, app_secret_ref, " \
  "directory_secret_ref, directory_readonly, qps, created_at, updated_at FROM connectors "

enum {
  COL_ID,
  COL_PRESET,
  COL_NAME,
  COL_TENANT_ID,
  COL_API_BASE,
  COL_APP_KEY,
  COL_APP_SECRET_REF,
  COL_DIRECTORY_SECRET_REF,
  COL_DIRECTORY_READONLY,
  COL_QPS,
  COL_CREATED_AT,
  COL_UPDATED_AT,
};

static YqConnector *
connector_from_row (YqStore       *store,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  YqConnector *connector;
  YqConnectorPreset preset;

  if (!yq_connector_preset_from_string (yq_store_column_text (stmt, COL_PRESET), &preset))
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             (gint64) sqlite3_column_int64 (stmt, COL_ID));

      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                   _("The connector with ID %s in %s has an unknown preset; it may have been "
                     "saved by a newer version of Yunqiao."),
                   id, yq_store_get_path (store));
      return NULL;
    }

  connector = yq_connector_new (preset);
  yq_connector_set_id (connector, sqlite3_column_int64 (stmt, COL_ID));
  yq_connector_set_name (connector, yq_store_column_text (stmt, COL_NAME));
  yq_connector_set_tenant_id (connector, yq_store_column_text (stmt, COL_TENANT_ID));
  yq_connector_set_api_base (connector, yq_store_column_text (stmt, COL_API_BASE));
  yq_connector_set_app_key (connector, yq_store_column_text (stmt, COL_APP_KEY));
  yq_connector_set_has_app_secret (connector,
                                   sqlite3_column_type (stmt, COL_APP_SECRET_REF) != SQLITE_NULL);
  yq_connector_set_has_directory_secret (connector,
                                         sqlite3_column_type (stmt, COL_DIRECTORY_SECRET_REF)
                                         != SQLITE_NULL);
  yq_connector_set_directory_readonly (connector,
                                       sqlite3_column_int (stmt, COL_DIRECTORY_READONLY) != 0);
  yq_connector_set_qps (connector, (guint) sqlite3_column_int (stmt, COL_QPS));
  yq_connector_set_timestamps (connector,
                               sqlite3_column_int64 (stmt, COL_CREATED_AT),
                               sqlite3_column_int64 (stmt, COL_UPDATED_AT));

  return connector;
}

static void
set_not_found (GError **error,
               gint64   id)
{
  g_autofree char *id_str = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND,
               _("There is no connector with ID %s; it may have been deleted. Reload the list "
                 "of connectors."),
               id_str);
}

/* Store lock held by the caller. */
static YqConnector *
get_locked (YqStore  *store,
            gint64    id,
            GError  **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, SELECT_CONNECTOR "WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      YqConnector *connector = connector_from_row (store, stmt, error);

      sqlite3_reset (stmt);
      return connector;
    }

  if (rc == SQLITE_DONE)
    set_not_found (error, id);
  else
    yq_store_set_error (store, error, rc, _("Could not read the connector"));
  sqlite3_reset (stmt);

  return NULL;
}

/**
 * yq_connectors_list:
 * @store: the store
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YqConnector): all connectors,
 *   ordered by name (ignoring ASCII case), or %NULL with @error set
 */
GPtrArray *
yq_connectors_list (YqStore  *store,
                    GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);

  stmt = yq_store_prepare (store, SELECT_CONNECTOR "ORDER BY name COLLATE NOCASE, id", error);
  if (stmt == NULL)
    return NULL;

  connectors = g_ptr_array_new_with_free_func (g_object_unref);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqConnector *connector = connector_from_row (store, stmt, error);

      if (connector == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (connectors, connector);
    }

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the list of connectors"));
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  return g_steal_pointer (&connectors);
}

/**
 * yq_connectors_get:
 * @store: the store
 * @id: the connector ID
 * @error: return location for an error
 *
 * Returns: (transfer full): the connector, or %NULL with @error set
 *   (%YQ_STORE_ERROR_NOT_FOUND when there is no such connector)
 */
YqConnector *
yq_connectors_get (YqStore  *store,
                   gint64    id,
                   GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  return get_locked (store, id, error);
}

static char *
secret_key (gint64            id,
            YqConnectorSecret which)
{
  return g_strdup_printf ("connector/%" G_GINT64_FORMAT "/%s", id,
                          which == YQ_CONNECTOR_SECRET_APP ? "app-secret" : "directory-secret");
}

static char *
secret_label (YqConnector       *connector,
              YqConnectorSecret  which)
{
  if (which == YQ_CONNECTOR_SECRET_DIRECTORY)
    /* Translators: %s is a connector name */
    return g_strdup_printf (_("directory secret of connector “%s”"),
                            yq_connector_get_name (connector));

  /* Translators: %s is a connector name */
  return g_strdup_printf (_("app secret of connector “%s”"), yq_connector_get_name (connector));
}

typedef struct
{
  YqSecrets   *secrets;
  YqConnector *connector;
  const char  *app_secret;
  const char  *directory_secret;

  /* Results, copied to @connector once committed. */
  gint64       id;
  gint64       created_at;
  gint64       updated_at;
  gboolean     has_app_secret;
  gboolean     has_directory_secret;
  YqSecretsJournal *journal;
  /* The platform changed to one without a directory secret. */
  gboolean     clears_directory_secret;
} SaveData;

static gboolean
store_secret (SaveData           *data,
              gint64              id,
              YqConnector        *connector,
              YqConnectorSecret   which,
              const char         *value,
              gboolean            had_value,
              GError            **error)
{
  g_autofree char *key = secret_key (id, which);
  g_autofree char *label = secret_label (connector, which);

  return yq_secrets_journal_store (data->journal, key, label, value, had_value, error);
}

static void
append_change (GString    *detail,
               const char *field,
               const char *value)
{
  if (detail->len > 0)
    g_string_append (detail, "; ");
  g_string_append_printf (detail, "%s=%s", field, value);
}

/* The audit detail names what changed; secrets only as "set"/"replaced". */
static char *
describe_changes (YqConnector *old,
                  YqConnector *new,
                  SaveData    *data)
{
  GString *detail = g_string_new (NULL);
  char qps[16];

  g_snprintf (qps, sizeof qps, "%u", yq_connector_get_qps (new));

  if (old == NULL || g_strcmp0 (yq_connector_get_name (old), yq_connector_get_name (new)) != 0)
    append_change (detail, "name", yq_connector_get_name (new));
  if (old == NULL || yq_connector_get_preset (old) != yq_connector_get_preset (new))
    append_change (detail, "preset", yq_connector_preset_to_string (yq_connector_get_preset (new)));
  if (old == NULL ||
      g_strcmp0 (yq_connector_get_tenant_id (old), yq_connector_get_tenant_id (new)) != 0)
    append_change (detail, "tenant_id", yq_connector_get_tenant_id (new));
  if (old == NULL ||
      g_strcmp0 (yq_connector_get_api_base (old), yq_connector_get_api_base (new)) != 0)
    append_change (detail, "api_base", yq_connector_get_api_base (new));
  if (old == NULL ||
      g_strcmp0 (yq_connector_get_app_key (old), yq_connector_get_app_key (new)) != 0)
    append_change (detail, "app_key", yq_connector_get_app_key (new));
  if (old == NULL || yq_connector_get_qps (old) != yq_connector_get_qps (new))
    append_change (detail, "qps", qps);
  if (old == NULL ||
      yq_connector_get_directory_readonly (old) != yq_connector_get_directory_readonly (new))
    append_change (detail, "directory_readonly",
                   yq_connector_get_directory_readonly (new) ? "true" : "false");
  if (data->app_secret != NULL && *data->app_secret != '\0')
    append_change (detail, "app_secret", old != NULL ? "replaced" : "set");
  if (yq_connector_needs_directory_secret (new) &&
      data->directory_secret != NULL && *data->directory_secret != '\0')
    append_change (detail, "directory_secret",
                   old != NULL && yq_connector_get_has_directory_secret (old) ? "replaced" : "set");
  if (data->clears_directory_secret)
    append_change (detail, "directory_secret", "removed");

  return g_string_free (detail, FALSE);
}

static gboolean
write_connector (YqStore      *store,
                 YqConnector  *work,
                 gint64        id,
                 gint64        created_at,
                 gint64        updated_at,
                 gint64       *out_id,
                 GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (id == 0)
    stmt = yq_store_prepare (store,
                             "INSERT INTO connectors (kind, preset, name, tenant_id, api_base, "
                             "app_key, directory_readonly, qps, created_at, updated_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                             error);
  else
    stmt = yq_store_prepare (store,
                             "UPDATE connectors SET kind = ?1, preset = ?2, name = ?3, "
                             "tenant_id = ?4, api_base = ?5, app_key = ?6, "
                             "directory_readonly = ?7, qps = ?8, updated_at = ?10, "
                             /* the refs are rewritten below; this keeps the
                              * kind CHECK satisfied in between */
                             "directory_secret_ref = "
                             "  CASE WHEN ?1 = 'yzj' THEN directory_secret_ref END "
                             "WHERE id = ?11",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, yq_platform_kind_to_string (yq_connector_get_kind (work)), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, yq_connector_preset_to_string (yq_connector_get_preset (work)), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, yq_connector_get_name (work), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, yq_connector_get_tenant_id (work), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, yq_connector_get_api_base (work), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, yq_connector_get_app_key (work), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 7, yq_connector_get_directory_readonly (work) ? 1 : 0);
  sqlite3_bind_int64 (stmt, 8, yq_connector_get_qps (work));
  if (id == 0)
    sqlite3_bind_int64 (stmt, 9, created_at);
  sqlite3_bind_int64 (stmt, 10, updated_at);
  if (id != 0)
    sqlite3_bind_int64 (stmt, 11, id);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      if (rc == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT,
                     _("A connector named “%s” already exists. Choose another name."),
                     yq_connector_get_name (work));
      else
        yq_store_set_error (store, error, rc, _("Could not save the connector"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  *out_id = id != 0 ? id : sqlite3_last_insert_rowid (yq_store_get_db (store));
  return TRUE;
}

static gboolean
save_in_transaction (YqStore   *store,
                     gpointer   user_data,
                     GError   **error)
{
  SaveData *data = user_data;
  g_autoptr(YqConnector) old = NULL;
  g_autoptr(YqConnector) work = NULL;
  g_autofree char *app_ref = NULL;
  g_autofree char *directory_ref = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  gint64 id = yq_connector_get_id (data->connector);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 created_at;
  sqlite3_stmt *stmt;

  if (id != 0)
    {
      old = get_locked (store, id, error);
      if (old == NULL)
        return FALSE;
    }

  /* What is stored decides whether a secret may be left empty, not what the
   * caller's object claims. */
  work = yq_connector_copy (data->connector);
  yq_connector_set_has_app_secret (work, old != NULL && yq_connector_get_has_app_secret (old));
  yq_connector_set_has_directory_secret (work, old != NULL &&
                                         yq_connector_get_has_directory_secret (old));

  if (!yq_connector_check (work, data->app_secret, data->directory_secret, error))
    return FALSE;

  created_at = old != NULL ? yq_connector_get_created_at (old) : now;
  data->created_at = created_at;
  data->updated_at = MAX (now, created_at);

  if (!write_connector (store, work, id, data->created_at, data->updated_at, &data->id, error))
    return FALSE;

  if (data->app_secret != NULL && *data->app_secret != '\0')
    {
      if (!store_secret (data, data->id, work, YQ_CONNECTOR_SECRET_APP, data->app_secret,
                         yq_connector_get_has_app_secret (work), error))
        return FALSE;
      yq_connector_set_has_app_secret (work, TRUE);
    }

  if (yq_connector_needs_directory_secret (work))
    {
      if (data->directory_secret != NULL && *data->directory_secret != '\0')
        {
          if (!store_secret (data, data->id, work, YQ_CONNECTOR_SECRET_DIRECTORY,
                             data->directory_secret,
                             yq_connector_get_has_directory_secret (work), error))
            return FALSE;
          yq_connector_set_has_directory_secret (work, TRUE);
        }
    }
  else if (yq_connector_get_has_directory_secret (work))
    {
      g_autofree char *key = secret_key (data->id, YQ_CONNECTOR_SECRET_DIRECTORY);

      /* The platform changed to one without a directory secret. */
      yq_secrets_journal_clear_on_commit (data->journal, key);
      data->clears_directory_secret = TRUE;
      yq_connector_set_has_directory_secret (work, FALSE);
    }

  data->has_app_secret = yq_connector_get_has_app_secret (work);
  data->has_directory_secret = yq_connector_get_has_directory_secret (work);

  if (data->has_app_secret)
    app_ref = secret_key (data->id, YQ_CONNECTOR_SECRET_APP);
  if (data->has_directory_secret)
    directory_ref = secret_key (data->id, YQ_CONNECTOR_SECRET_DIRECTORY);

  stmt = yq_store_prepare (store,
                           "UPDATE connectors SET app_secret_ref = ?1, directory_secret_ref = ?2 "
                           "WHERE id = ?3",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, app_ref, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, directory_ref, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, data->id);
  if (!yq_store_run (store, stmt, _("Could not save the connector"), error))
    return FALSE;

  subject = g_strdup_printf ("connector/%" G_GINT64_FORMAT, data->id);
  detail = describe_changes (old, work, data);

  return yq_store_audit (store, NULL, old != NULL ? "connector.edit" : "connector.add",
                         subject, detail, error);
}

/**
 * yq_connectors_save:
 * @store: the store
 * @secrets: where the connector's secrets are kept
 * @connector: the connector; ID 0 adds a new one
 * @app_secret: (nullable): a new app secret, or %NULL/empty to keep the stored one
 * @directory_secret: (nullable): a new directory secret (云之家 only), or
 *   %NULL/empty to keep the stored one
 * @error: return location for an error
 *
 * Validates and saves @connector with its secrets and an audit entry, all or
 * nothing. On success the ID, timestamps and has-secret flags of @connector
 * are updated. A name another connector already uses gives
 * %YQ_STORE_ERROR_CONSTRAINT, validation failures the first
 * %YQ_CONNECTOR_ERROR.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_connectors_save (YqStore      *store,
                    YqSecrets    *secrets,
                    YqConnector  *connector,
                    const char   *app_secret,
                    const char   *directory_secret,
                    GError      **error)
{
  g_autoptr(YqSecretsJournal) journal = NULL;
  SaveData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (YQ_IS_CONNECTOR (connector), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  journal = yq_secrets_journal_new (secrets);

  data.secrets = secrets;
  data.connector = connector;
  data.app_secret = app_secret;
  data.directory_secret = directory_secret;
  data.journal = journal;

  if (!yq_store_transaction (store, save_in_transaction, &data, error))
    {
      yq_secrets_journal_undo (journal);
      return FALSE;
    }
  yq_secrets_journal_commit (journal);

  g_object_freeze_notify (G_OBJECT (connector));
  yq_connector_set_id (connector, data.id);
  yq_connector_set_timestamps (connector, data.created_at, data.updated_at);
  yq_connector_set_has_app_secret (connector, data.has_app_secret);
  yq_connector_set_has_directory_secret (connector, data.has_directory_secret);
  g_object_thaw_notify (G_OBJECT (connector));

  return TRUE;
}

typedef struct
{
  YqSecrets *secrets;
  gint64     id;
} DeleteData;

static gboolean
delete_in_transaction (YqStore   *store,
                       gpointer   user_data,
                       GError   **error)
{
  DeleteData *data = user_data;
  g_autoptr(YqConnector) connector = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GArray) app_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) pub_keys = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  connector = get_locked (store, data->id, error);
  if (connector == NULL)
    return FALSE;

  /* Its push targets go too; the public-account keys they name are
   * cleared below. */
  stmt = yq_store_prepare (store,
                           "SELECT pub_key_ref FROM push_targets "
                           "WHERE connector_id = ?1 AND pub_key_ref IS NOT NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (pub_keys, yq_store_column_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not delete the connector"));
      return FALSE;
    }

  /* The connector's apps go with it (ON DELETE CASCADE); their AppSecrets
   * are cleared below (see yq-apps.c for the key). */
  stmt = yq_store_prepare (store, "SELECT id FROM apps WHERE connector_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 app_id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (app_ids, app_id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not delete the connector"));
      return FALSE;
    }

  stmt = yq_store_prepare (store, "DELETE FROM connectors WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  if (!yq_store_run (store, stmt, _("Could not delete the connector"), error))
    return FALSE;

  subject = g_strdup_printf ("connector/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("name=%s", yq_connector_get_name (connector));
  if (!yq_store_audit (store, NULL, "connector.delete", subject, detail, error))
    return FALSE;

  /* Cleared before the commit: if the keyring refuses (e.g. locked), the
   * connector stays and the delete can be retried, rather than leaving
   * secrets behind that nothing refers to. Both keys are cleared whatever
   * the row said, to catch leftovers. */
  for (guint i = 0; i < 2; i++)
    {
      static const YqConnectorSecret which[] = {
        YQ_CONNECTOR_SECRET_APP, YQ_CONNECTOR_SECRET_DIRECTORY,
      };
      g_autofree char *key = secret_key (data->id, which[i]);

      if (!yq_secrets_clear (data->secrets, key, error))
        return FALSE;
    }

  for (guint i = 0; i < app_ids->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("app-%" G_GINT64_FORMAT "-secret",
                                              g_array_index (app_ids, gint64, i));

      if (!yq_secrets_clear (data->secrets, key, error))
        return FALSE;
    }

  for (guint i = 0; i < pub_keys->len; i++)
    if (!yq_secrets_clear (data->secrets, g_ptr_array_index (pub_keys, i), error))
      return FALSE;

  return TRUE;
}

/**
 * yq_connectors_delete:
 * @store: the store
 * @secrets: where the connector's secrets are kept
 * @id: the connector ID
 * @error: return location for an error
 *
 * Deletes the connector and its secrets (with those of its apps and push
 * targets) and records it in the audit log.
 *
 * Returns: %TRUE on success; %YQ_STORE_ERROR_NOT_FOUND if there is no such
 *   connector
 */
gboolean
yq_connectors_delete (YqStore    *store,
                      YqSecrets  *secrets,
                      gint64      id,
                      GError    **error)
{
  DeleteData data;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data.secrets = secrets;
  data.id = id;

  return yq_store_transaction (store, delete_in_transaction, &data, error);
}

/**
 * yq_connectors_lookup_secret:
 * @store: the store
 * @secrets: where the connector's secrets are kept
 * @id: the connector ID
 * @which: which secret
 * @error: return location for an error
 *
 * Returns: (transfer full): the secret, or %NULL with @error set, also when
 *   none is stored (%YQ_STORE_ERROR_NOT_FOUND, with a message telling the
 *   administrator to enter it)
 */
char *
yq_connectors_lookup_secret (YqStore            *store,
                             YqSecrets          *secrets,
                             gint64              id,
                             YqConnectorSecret   which,
                             GError            **error)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  gboolean stored;
  char *value;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (which == YQ_CONNECTOR_SECRET_APP ||
                        which == YQ_CONNECTOR_SECRET_DIRECTORY, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  connector = yq_connectors_get (store, id, error);
  if (connector == NULL)
    return NULL;

  stored = which == YQ_CONNECTOR_SECRET_APP
         ? yq_connector_get_has_app_secret (connector)
         : yq_connector_get_has_directory_secret (connector);

  if (!stored)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND,
                   which == YQ_CONNECTOR_SECRET_APP
                   ? _("No app secret is stored for the connector “%s”. Edit the connector and "
                       "enter it.")
                   : _("No directory secret is stored for the connector “%s”. Edit the "
                       "connector and enter it."),
                   yq_connector_get_name (connector));
      return NULL;
    }

  key = secret_key (id, which);
  value = yq_secrets_lookup (secrets, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (value == NULL)
    g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND,
                 which == YQ_CONNECTOR_SECRET_APP
                 ? _("The app secret of the connector “%s” is missing from the secrets store "
                     "(%s). Edit the connector and enter it again.")
                 : _("The directory secret of the connector “%s” is missing from the secrets "
                     "store (%s). Edit the connector and enter it again."),
                 yq_connector_get_name (connector), yq_secrets_get_backend_name (secrets));

  return value;
}
