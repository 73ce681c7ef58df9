/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-login-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>

#include "yq-login-store.h"
#include "yq-store-private.h"

/* How long an expired QR-code request is kept (for its "expired" answer). */
#define QR_SESSION_KEEP (60 * 60)
#define QR_SESSION_ID_BYTES 32

/* ---- Failed sign-in attempts --------------------------------------------- */

typedef struct
{
  const char * const *keys;
  gint64              now;
} GuardData;

static gboolean
record_failure_in_transaction (YqStore   *store,
                               gpointer   user_data,
                               GError   **error)
{
  GuardData *data = user_data;
  sqlite3_stmt *stmt;

  for (guint i = 0; data->keys[i] != NULL; i++)
    {
      stmt = yq_store_prepare (store, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, data->keys[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, data->now);
      if (!yq_store_run (store, stmt, _("Could not record the failed sign-in"), error))
        return FALSE;
    }

  /* Older records no longer count for any key. */
  stmt = yq_store_prepare (store, "DELETE FROM login_failures WHERE at <= ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->now - YQ_LOGIN_LOCKOUT_WINDOW);

  return yq_store_run (store, stmt, _("Could not record the failed sign-in"), error);
}

/**
 * yq_login_guard_record_failure:
 * @store: the store
 * @keys: (array zero-terminated=1): what the attempt counts against
 * @now: the time of the attempt (Unix time)
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_login_guard_record_failure (YqStore            *store,
                               const char * const *keys,
                               gint64              now,
                               GError            **error)
{
  GuardData data = { keys, now };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, record_failure_in_transaction, &data, error);
}

/**
 * yq_login_guard_check:
 * @store: the store
 * @keys: (array zero-terminated=1): the keys of an attempt
 * @now: the time of the attempt (Unix time)
 * @locked_until: (out): when the lock ends, or 0
 * @error: return location for an error
 *
 * A key's failures count while they are in the window (@now − window, @now].
 * With YQ_LOGIN_MAX_FAILURES or more of them the key is locked until the
 * YQ_LOGIN_MAX_FAILURES-th most recent one leaves the window, that is until
 * that failure's time plus YQ_LOGIN_LOCKOUT_WINDOW (without further
 * failures). After exactly YQ_LOGIN_MAX_FAILURES failures that is the first
 * failure plus the window.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_login_guard_check (YqStore            *store,
                      const char * const *keys,
                      gint64              now,
                      gint64             *locked_until,
                      GError            **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (locked_until != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *locked_until = 0;
  locker = yq_store_lock (store);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      sqlite3_stmt *stmt;
      int rc;

      stmt = yq_store_prepare (store,
                               "SELECT at FROM login_failures "
                               "WHERE key = ?1 AND at > ?2 AND at <= ?3 "
                               "ORDER BY at DESC LIMIT 1 OFFSET ?4",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, keys[i], -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now - YQ_LOGIN_LOCKOUT_WINDOW);
      sqlite3_bind_int64 (stmt, 3, now);
      sqlite3_bind_int (stmt, 4, YQ_LOGIN_MAX_FAILURES - 1);

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *locked_until = sqlite3_column_int64 (stmt, 0) + YQ_LOGIN_LOCKOUT_WINDOW;
      sqlite3_reset (stmt);

      if (rc == SQLITE_ROW)
        return TRUE;
      if (rc != SQLITE_DONE)
        {
          yq_store_set_error (store, error, rc, _("Could not read the failed sign-ins"));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
clear_in_transaction (YqStore   *store,
                      gpointer   user_data,
                      GError   **error)
{
  GuardData *data = user_data;

  for (guint i = 0; data->keys[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = yq_store_prepare (store, "DELETE FROM login_failures WHERE key = ?1",
                                             error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, data->keys[i], -1, SQLITE_TRANSIENT);
      if (!yq_store_run (store, stmt, _("Could not clear the failed sign-ins"), error))
        return FALSE;
    }

  return TRUE;
}

/**
 * yq_login_guard_clear:
 * @store: the store
 * @keys: (array zero-terminated=1): the keys to forget
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_login_guard_clear (YqStore            *store,
                      const char * const *keys,
                      GError            **error)
{
  GuardData data = { keys, 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (keys != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, clear_in_transaction, &data, error);
}

/* ---- QR-code login requests ---------------------------------------------- */

const char *
yq_qr_state_to_string (YqQrState state)
{
  switch (state)
    {
    case YQ_QR_STATE_PENDING:
      return "pending";
    case YQ_QR_STATE_SCANNED:
      return "scanned";
    case YQ_QR_STATE_CONFIRMED:
      return "confirmed";
    case YQ_QR_STATE_DONE:
      return "done";
    case YQ_QR_STATE_REFUSED:
      return "refused";
    case YQ_QR_STATE_EXPIRED:
      return "expired";
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
qr_state_from_string (const char *text,
                      YqQrState  *state)
{
  for (YqQrState s = YQ_QR_STATE_PENDING; s < YQ_QR_STATE_EXPIRED; s++)
    if (g_strcmp0 (text, yq_qr_state_to_string (s)) == 0)
      {
        *state = s;
        return TRUE;
      }

  return FALSE;
}

void
yq_qr_session_free (YqQrSession *session)
{
  if (session == NULL)
    return;

  g_free (session->id);
  if (session->ticket != NULL)
    memset (session->ticket, 0, strlen (session->ticket));
  g_free (session->ticket);
  g_free (session->message);
  g_free (session);
}

static gboolean
new_session_id (char    **id,
                GError  **error)
{
  guint8 bytes[QR_SESSION_ID_BYTES];
  gsize done = 0;
  char *text;

  while (done < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + done, sizeof bytes - done, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_FAILED,
                       _("Could not read random bytes from the system: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize) n;
    }

  /* base64url without padding: 43 characters. */
  text = g_base64_encode (bytes, sizeof bytes);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  *strchr (text, '=') = '\0';
  *id = text;

  return TRUE;
}

/**
 * yq_qr_sessions_create:
 * @store: the store
 * @connector_id: the connector
 * @app_id: the dependent app of its QR-code login
 * @ttl_seconds: how long the request stays valid
 * @now: Unix time
 * @error: return location for an error
 *
 * Returns: (transfer full): the new PENDING request, or %NULL with @error set
 */
YqQrSession *
yq_qr_sessions_create (YqStore  *store,
                       gint64    connector_id,
                       gint64    app_id,
                       guint     ttl_seconds,
                       gint64    now,
                       GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(YqQrSession) session = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (ttl_seconds > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  session = g_new0 (YqQrSession, 1);
  if (!new_session_id (&session->id, error))
    return NULL;
  session->connector_id = connector_id;
  session->app_id = app_id;
  session->state = YQ_QR_STATE_PENDING;
  session->created_at = now;
  session->expires_at = now + ttl_seconds;

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "INSERT INTO qr_sessions (id, connector_id, app_id, state, created_at, "
                           "expires_at, updated_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?4)",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, session->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, connector_id);
  sqlite3_bind_int64 (stmt, 3, app_id);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, session->expires_at);
  if (!yq_store_run (store, stmt, _("Could not save the QR-code login request"), error))
    return NULL;

  return g_steal_pointer (&session);
}

/**
 * yq_qr_sessions_get:
 * @store: the store
 * @id: the request's ID
 * @now: Unix time
 * @error: return location for an error
 *
 * A request is expired from its expires_at on (now >= expires_at).
 *
 * Returns: (transfer full) (nullable): the request, or %NULL (with @error
 *   set only on failure)
 */
YqQrSession *
yq_qr_sessions_get (YqStore     *store,
                    const char  *id,
                    gint64       now,
                    GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(YqQrSession) session = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "SELECT connector_id, app_id, state, ticket, message, created_at, "
                           "expires_at FROM qr_sessions WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      session = g_new0 (YqQrSession, 1);
      session->id = g_strdup (id);
      session->connector_id = sqlite3_column_int64 (stmt, 0);
      session->app_id = sqlite3_column_int64 (stmt, 1);
      if (!qr_state_from_string (yq_store_column_text (stmt, 2), &session->state))
        {
          g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                       _("A QR-code login request in %s has an unknown state; it may have been "
                         "saved by a newer version of Yunqiao."),
                       yq_store_get_path (store));
          sqlite3_reset (stmt);
          return NULL;
        }
      session->ticket = yq_store_column_dup (stmt, 3);
      session->message = yq_store_column_dup (stmt, 4);
      session->created_at = sqlite3_column_int64 (stmt, 5);
      session->expires_at = sqlite3_column_int64 (stmt, 6);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the QR-code login request"));
      return NULL;
    }

  if (session == NULL)
    return NULL;

  if (session->state != YQ_QR_STATE_DONE && now >= session->expires_at)
    session->state = YQ_QR_STATE_EXPIRED;
  if (session->state != YQ_QR_STATE_CONFIRMED && session->ticket != NULL)
    {
      memset (session->ticket, 0, strlen (session->ticket));
      g_clear_pointer (&session->ticket, g_free);
    }
  if (session->state != YQ_QR_STATE_REFUSED)
    g_clear_pointer (&session->message, g_free);

  return g_steal_pointer (&session);
}

/* Runs an UPDATE of one request and reports whether it changed it. */
static gboolean
run_transition (YqStore       *store,
                sqlite3_stmt  *stmt,
                gboolean      *changed,
                GError       **error)
{
  if (!yq_store_run (store, stmt, _("Could not update the QR-code login request"), error))
    return FALSE;

  if (changed != NULL)
    *changed = sqlite3_changes (yq_store_get_db (store)) > 0;

  return TRUE;
}

/**
 * yq_qr_sessions_scanned:
 * @store: the store
 * @id: the request's ID
 * @now: Unix time
 * @changed: (out) (optional): whether the request went from PENDING to
 *   SCANNED
 * @error: return location for an error
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
yq_qr_sessions_scanned (YqStore     *store,
                        const char  *id,
                        gint64       now,
                        gboolean    *changed,
                        GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "UPDATE qr_sessions SET state = 'scanned', updated_at = ?2 "
                           "WHERE id = ?1 AND state = 'pending' AND expires_at > ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);

  return run_transition (store, stmt, changed, error);
}

/**
 * yq_qr_sessions_finish:
 * @store: the store
 * @id: the request's ID
 * @ticket: (nullable): the login ticket, to confirm the request
 * @message: (nullable): why the person may not log in, to refuse it
 *   (when @ticket is %NULL)
 * @now: Unix time
 * @changed: (out) (optional): whether the request changed state
 * @error: return location for an error
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
yq_qr_sessions_finish (YqStore     *store,
                       const char  *id,
                       const char  *ticket,
                       const char  *message,
                       gint64       now,
                       gboolean    *changed,
                       GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (ticket != NULL || message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "UPDATE qr_sessions SET state = ?2, ticket = ?3, message = ?4, "
                           "updated_at = ?5 "
                           "WHERE id = ?1 AND state IN ('pending', 'scanned') AND expires_at > ?5",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (ticket != NULL)
    {
      sqlite3_bind_text (stmt, 2, "confirmed", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, ticket, -1, SQLITE_TRANSIENT);
      sqlite3_bind_null (stmt, 4);
    }
  else
    {
      sqlite3_bind_text (stmt, 2, "refused", -1, SQLITE_STATIC);
      sqlite3_bind_null (stmt, 3);
      sqlite3_bind_text (stmt, 4, message, -1, SQLITE_TRANSIENT);
    }
  sqlite3_bind_int64 (stmt, 5, now);

  return run_transition (store, stmt, changed, error);
}

typedef struct
{
  const char *id;
  gint64      now;
  char       *ticket;
} TakeData;

static gboolean
take_in_transaction (YqStore   *store,
                     gpointer   user_data,
                     GError   **error)
{
  TakeData *data = user_data;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT ticket FROM qr_sessions WHERE id = ?1 AND state = 'confirmed' "
                           "AND expires_at > ?2 AND ticket IS NOT NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, data->now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    data->ticket = g_strdup (yq_store_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the QR-code login request"));
      return FALSE;
    }

  /* The ticket is handed out once and not kept. */
  stmt = yq_store_prepare (store,
                           "UPDATE qr_sessions SET state = 'done', ticket = NULL, updated_at = ?2 "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, data->now);

  return yq_store_run (store, stmt, _("Could not update the QR-code login request"), error);
}

/**
 * yq_qr_sessions_take:
 * @store: the store
 * @id: the request's ID
 * @now: Unix time
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the ticket of a CONFIRMED request,
 *   which is DONE from then on; %NULL otherwise (with @error set only on
 *   failure)
 */
char *
yq_qr_sessions_take (YqStore     *store,
                     const char  *id,
                     gint64       now,
                     GError     **error)
{
  TakeData data = { id, now, NULL };

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!yq_store_transaction (store, take_in_transaction, &data, error))
    {
      if (data.ticket != NULL)
        memset (data.ticket, 0, strlen (data.ticket));
      g_free (data.ticket);
      return NULL;
    }

  return data.ticket;
}

/**
 * yq_qr_sessions_purge:
 * @store: the store
 * @now: Unix time
 * @n_purged: (out) (optional): how many requests were deleted
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_qr_sessions_purge (YqStore  *store,
                      gint64    now,
                      guint    *n_purged,
                      GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_purged != NULL)
    *n_purged = 0;

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store, "DELETE FROM qr_sessions WHERE expires_at < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now - QR_SESSION_KEEP);
  if (!yq_store_run (store, stmt, _("Could not delete old QR-code login requests"), error))
    return FALSE;

  if (n_purged != NULL)
    *n_purged = (guint) sqlite3_changes (yq_store_get_db (store));

  return TRUE;
}

/* ---- People -------------------------------------------------------------- */

void
yq_login_person_free (YqLoginPerson *person)
{
  if (person == NULL)
    return;

  g_free (person->platform_id);
  g_free (person->name);
  g_free (person->oa_account);
  g_strfreev (person->department_ids);
  g_free (person);
}

/* Store lock held by the caller. */
static YqLoginPerson *
find_person_by (YqStore     *store,
                const char  *sql,
                gint64       connector_id,
                const char  *value,
                GError     **error)
{
  YqLoginPerson *person = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *departments = yq_store_column_text (stmt, 4);

      person = g_new0 (YqLoginPerson, 1);
      person->platform_id = g_strdup (yq_store_column_text (stmt, 0));
      person->name = g_strdup (yq_store_column_text (stmt, 1));
      person->active = sqlite3_column_int (stmt, 2) != 0;
      person->oa_account = yq_store_column_dup (stmt, 3);
      person->department_ids = *departments != '\0'
                             ? g_strsplit (departments, "\n", -1)
                             : g_new0 (char *, 1);
    }
  else if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bridge directory"));
    }
  sqlite3_reset (stmt);

  return person;
}

#define SELECT_PERSON \
  "SELECT platform_id, name, active, oa_account, department_ids FROM bridge_people " \
  "WHERE connector_id = ?1 AND deleted_at IS NULL "

/**
 * yq_login_store_find_person:
 * @store: the store
 * @connector_id: the connector
 * @platform_id: (nullable): the person's platform ID
 * @account_id: (nullable): the person's account ID
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the person, or %NULL (with @error set
 *   only on failure)
 */
YqLoginPerson *
yq_login_store_find_person (YqStore     *store,
                            gint64       connector_id,
                            const char  *platform_id,
                            const char  *account_id,
                            GError     **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GError) local_error = NULL;
  YqLoginPerson *person = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);

  if (platform_id != NULL && *platform_id != '\0')
    {
      person = find_person_by (store, SELECT_PERSON "AND platform_id = ?2", connector_id,
                               platform_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  if (person == NULL && account_id != NULL && *account_id != '\0')
    person = find_person_by (store,
                             SELECT_PERSON "AND account_id = ?2 ORDER BY platform_id LIMIT 1",
                             connector_id, account_id, error);

  return person;
}
