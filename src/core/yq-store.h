/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-types.h"

G_BEGIN_DECLS

#define YQ_STORE_ERROR (yq_store_error_quark ())

/**
 * YqStoreError:
 * @YQ_STORE_ERROR_OPEN: the database file or its directory cannot be opened or created
 * @YQ_STORE_ERROR_CORRUPT: the file is not a Yunqiao database or is damaged
 * @YQ_STORE_ERROR_NEWER_SCHEMA: the file was written by a newer Yunqiao
 * @YQ_STORE_ERROR_MIGRATION: upgrading the schema failed (nothing was changed)
 * @YQ_STORE_ERROR_BUSY: another process held the database for too long
 * @YQ_STORE_ERROR_NOT_FOUND: the requested record does not exist
 * @YQ_STORE_ERROR_CONSTRAINT: the write would break a uniqueness or reference rule
 * @YQ_STORE_ERROR_READ_ONLY: the database cannot be written (disk full, permissions)
 * @YQ_STORE_ERROR_FAILED: any other SQLite failure
 */
typedef enum
{
  YQ_STORE_ERROR_OPEN,
  YQ_STORE_ERROR_CORRUPT,
  YQ_STORE_ERROR_NEWER_SCHEMA,
  YQ_STORE_ERROR_MIGRATION,
  YQ_STORE_ERROR_BUSY,
  YQ_STORE_ERROR_NOT_FOUND,
  YQ_STORE_ERROR_CONSTRAINT,
  YQ_STORE_ERROR_READ_ONLY,
  YQ_STORE_ERROR_FAILED,
} YqStoreError;

#define YQ_TYPE_STORE (yq_store_get_type ())

G_DECLARE_FINAL_TYPE (YqStore, yq_store, YQ, STORE, GObject)

/**
 * YqStoreFunc:
 * @store: the store
 * @user_data: closure data
 * @error: return location for an error
 *
 * Work to run inside yq_store_transaction(). Returning %FALSE rolls the
 * whole transaction back.
 *
 * Returns: %TRUE to commit
 */
typedef gboolean (*YqStoreFunc) (YqStore  *store,
                                 gpointer  user_data,
                                 GError  **error);

GQuark       yq_store_error_quark              (void);
/* $YUNQIAO_DATA_DIR, else $XDG_DATA_HOME/yunqiao; read on every call. */
const char  *yq_data_dir                       (void);
YqStore     *yq_store_open                     (const char   *path,
                                                GError      **error);
YqStore     *yq_store_open_in_dir              (const char   *data_dir,
                                                GError      **error);
const char  *yq_store_get_path                 (YqStore      *self);
const char  *yq_store_get_data_dir             (YqStore      *self);
int          yq_store_get_schema_version       (YqStore      *self);
int          yq_store_get_latest_schema_version (void);
void         yq_store_checkpoint_in_background (YqStore      *self);
guint        yq_store_get_n_checkpoints        (YqStore      *self);
/* BEGIN IMMEDIATE (waiting for other processes' writers), or a SAVEPOINT
 * when nested. Returns FALSE with @error set when something failed, and FALSE
 * with @error unset when @func returned FALSE without an error (a plain
 * rollback). Safe to call from several threads. */
gboolean     yq_store_transaction              (YqStore      *self,
                                                YqStoreFunc   func,
                                                gpointer      user_data,
                                                GError      **error);
/* Raw settings rows (see yq-settings.h for validated access): get returns
 * NULL with @error unset when the key has no row; set with a NULL value
 * removes the row. */
char        *yq_store_get_setting              (YqStore      *self,
                                                const char   *key,
                                                GError      **error);
gboolean     yq_store_set_setting              (YqStore      *self,
                                                const char   *key,
                                                const char   *value,
                                                GError      **error);
/* @actor NULL means the current user name. Never pass secret values. */
gboolean     yq_store_audit                    (YqStore      *self,
                                                const char   *actor,
                                                const char   *action,
                                                const char   *subject,
                                                const char   *detail,
                                                GError      **error);

G_END_DECLS
