/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-store.h"

G_BEGIN_DECLS

/*
 * What the login endpoints keep in the store: failed sign-in attempts (for
 * the lockout of the manual binding page), QR-code login requests, and the
 * lookup of a platform person in the bridge directory.
 */

/* Failed attempts per key within the window lock the key for the window. */
#define YQ_LOGIN_MAX_FAILURES   5
#define YQ_LOGIN_LOCKOUT_WINDOW (15 * 60)

/* Records a failed attempt for each of @keys (e.g. "account:zhang",
 * "address:192.0.2.1") at @now (Unix time), and drops records older than
 * the window. */
gboolean yq_login_guard_record_failure (YqStore            *store,
                                        const char * const *keys,
                                        gint64              now,
                                        GError            **error);
/* Sets *@locked_until to the time the lock of the first locked key of
 * @keys ends (0 when none is locked): a key is locked while it has
 * YQ_LOGIN_MAX_FAILURES or more failures within the window before @now. */
gboolean yq_login_guard_check          (YqStore            *store,
                                        const char * const *keys,
                                        gint64              now,
                                        gint64             *locked_until,
                                        GError            **error);
/* Forgets the failures of @keys (after a successful sign-in: the account's
 * key only, so that an address cannot reset its own count). */
gboolean yq_login_guard_clear          (YqStore            *store,
                                        const char * const *keys,
                                        GError            **error);

/**
 * YqQrState:
 * @YQ_QR_STATE_PENDING: waiting for a scan
 * @YQ_QR_STATE_SCANNED: opened on a phone, not yet confirmed
 * @YQ_QR_STATE_CONFIRMED: confirmed; the ticket is waiting for the poll
 * @YQ_QR_STATE_DONE: the poll took the ticket
 * @YQ_QR_STATE_REFUSED: the person may not log in (@message says why)
 * @YQ_QR_STATE_EXPIRED: past its expiry (computed, never stored)
 */
typedef enum
{
  YQ_QR_STATE_PENDING,
  YQ_QR_STATE_SCANNED,
  YQ_QR_STATE_CONFIRMED,
  YQ_QR_STATE_DONE,
  YQ_QR_STATE_REFUSED,
  YQ_QR_STATE_EXPIRED,
} YqQrState;

const char *yq_qr_state_to_string (YqQrState state);

/**
 * YqQrSession:
 * @id: 43 characters of base64url randomness (256 bits), the request's
 *   only handle
 * @connector_id: the connector
 * @app_id: the dependent app at creation
 * @state: the state at @now of the read
 * @ticket: (nullable): the login ticket, CONFIRMED only
 * @message: (nullable): REFUSED: why, as a short code the caller words
 *   (e.g. "not-visible")
 * @created_at: Unix time
 * @expires_at: Unix time
 *
 * One QR-code login request.
 */
typedef struct
{
  char      *id;
  gint64     connector_id;
  gint64     app_id;
  YqQrState  state;
  char      *ticket;
  char      *message;
  gint64     created_at;
  gint64     expires_at;
} YqQrSession;

void yq_qr_session_free (YqQrSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqQrSession, yq_qr_session_free)

/* Creates a PENDING request that expires @ttl_seconds after @now. */
YqQrSession *yq_qr_sessions_create  (YqStore      *store,
                                     gint64        connector_id,
                                     gint64        app_id,
                                     guint         ttl_seconds,
                                     gint64        now,
                                     GError      **error);
/* The request, with state EXPIRED when @now is past its expiry and it is
 * not DONE; %NULL without error when there is no such request. */
YqQrSession *yq_qr_sessions_get     (YqStore      *store,
                                     const char   *id,
                                     gint64        now,
                                     GError      **error);
/* PENDING → SCANNED. *@changed is FALSE when the request is not PENDING
 * (or expired); FALSE is returned only with @error set. */
gboolean     yq_qr_sessions_scanned (YqStore      *store,
                                     const char   *id,
                                     gint64        now,
                                     gboolean     *changed,
                                     GError      **error);
/* PENDING or SCANNED → CONFIRMED with @ticket, or → REFUSED with @message
 * (@ticket %NULL). *@changed is FALSE when the request was in another
 * state or expired. */
gboolean     yq_qr_sessions_finish  (YqStore      *store,
                                     const char   *id,
                                     const char   *ticket,
                                     const char   *message,
                                     gint64        now,
                                     gboolean     *changed,
                                     GError      **error);
/* CONFIRMED → DONE, returning the ticket once; %NULL (no error) in any
 * other state. */
char        *yq_qr_sessions_take    (YqStore      *store,
                                     const char   *id,
                                     gint64        now,
                                     GError      **error);
/* Deletes requests that expired before @now minus an hour. */
gboolean     yq_qr_sessions_purge   (YqStore      *store,
                                     gint64        now,
                                     guint        *n_purged,
                                     GError      **error);

/**
 * YqLoginPerson:
 * @platform_id: the bridge directory's ID of the person
 * @name: their name
 * @active: whether they are active on the platform
 * @oa_account: (nullable): the OA account they are bound to
 * @department_ids: (array zero-terminated=1): platform department IDs,
 *   the main one first
 *
 * A person of a connector's bridge directory, as the login flows see them.
 */
typedef struct
{
  char     *platform_id;
  char     *name;
  gboolean  active;
  char     *oa_account;
  char    **department_ids;
} YqLoginPerson;

void yq_login_person_free (YqLoginPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqLoginPerson, yq_login_person_free)

/* Finds a person of the connector (not deleted) by platform ID, else by
 * account ID (政务钉钉 accountId, 云之家 openId); either may be %NULL.
 * %NULL without error when there is none. */
YqLoginPerson *yq_login_store_find_person (YqStore     *store,
                                           gint64       connector_id,
                                           const char  *platform_id,
                                           const char  *account_id,
                                           GError     **error);

G_END_DECLS
