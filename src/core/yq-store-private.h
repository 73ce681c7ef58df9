/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "yq-store.h"

G_BEGIN_DECLS

/* For code inside libyq-core only: statements are cached per SQL text and
 * reset before they are handed out again.
 *
 * A store may be used from several threads, and statements and transactions
 * belong to the connection, so the thread that uses a statement must hold
 * the store lock: everything inside yq_store_transaction() does; elsewhere
 * (plain reads) take it with
 *
 *   g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
 *
 * yq_store_prepare() refuses (g_critical) when the lock is not held. The lock
 * is recursive. A statement half-way through its rows is reset when the
 * outermost lock is released; do not keep one across that point, and do not
 * prepare the same SQL text again while still stepping through it. */
typedef struct _YqStoreLocker YqStoreLocker;

YqStoreLocker *yq_store_lock          (YqStore       *self);
void           yq_store_unlock        (YqStoreLocker *locker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqStoreLocker, yq_store_unlock)

/* Column readers: a NULL text column reads as "" (yq_store_column_text) or
 * as %NULL (yq_store_column_dup, newly allocated). */
const char   *yq_store_column_text    (sqlite3_stmt *stmt,
                                       int           column);
char         *yq_store_column_dup     (sqlite3_stmt *stmt,
                                       int           column);
/* Binders: %NULL text, and the row ID 0, bind as NULL. */
void          yq_store_bind_text_or_null (sqlite3_stmt *stmt,
                                          int           index,
                                          const char   *text);
void          yq_store_bind_id_or_null   (sqlite3_stmt *stmt,
                                          int           index,
                                          gint64        id);

sqlite3_stmt *yq_store_prepare        (YqStore     *self,
                                       const char  *sql,
                                       GError     **error);
gboolean      yq_store_step_done      (YqStore      *self,
                                       sqlite3_stmt *stmt,
                                       GError      **error);
/* Like yq_store_step_done(), with @what (translated, e.g. "Could not save
 * the connector") leading the error message. */
gboolean      yq_store_run            (YqStore      *self,
                                       sqlite3_stmt *stmt,
                                       const char   *what,
                                       GError      **error);
void          yq_store_set_error      (YqStore     *self,
                                       GError     **error,
                                       int          rc,
                                       const char  *what);
sqlite3      *yq_store_get_db         (YqStore     *self);

/* How long a statement waits for another connection's write lock
 * (default 5 s); tests shorten it. */
void          yq_store_set_busy_timeout (YqStore   *self,
                                         int        timeout_ms);

/* Tests: open a database and migrate it only up to @version. */
YqStore      *yq_store_open_at_version (const char  *path,
                                        int          version,
                                        GError     **error);

G_END_DECLS
