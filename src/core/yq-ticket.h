/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-secrets.h"
#include "yq-store.h"

G_BEGIN_DECLS

#define YQ_TICKET_ERROR (yq_ticket_error_quark ())

/**
 * YqTicketError:
 * @YQ_TICKET_ERROR_MALFORMED: the ticket is not a well-formed HS256 JWT of
 *   this installation (bad structure, encoding, JSON, algorithm or claims)
 * @YQ_TICKET_ERROR_BAD_SIGNATURE: the signature does not match
 * @YQ_TICKET_ERROR_EXPIRED: the ticket is past its expiry
 * @YQ_TICKET_ERROR_WRONG_APP: the ticket was issued for another app
 * @YQ_TICKET_ERROR_REPLAYED: the ticket was already redeemed
 * @YQ_TICKET_ERROR_UNKNOWN: the ticket is signed but was never recorded
 *   (or its record was purged)
 * @YQ_TICKET_ERROR_KEY: the signing key cannot be created or read
 */
typedef enum
{
  YQ_TICKET_ERROR_MALFORMED,
  YQ_TICKET_ERROR_BAD_SIGNATURE,
  YQ_TICKET_ERROR_EXPIRED,
  YQ_TICKET_ERROR_WRONG_APP,
  YQ_TICKET_ERROR_REPLAYED,
  YQ_TICKET_ERROR_UNKNOWN,
  YQ_TICKET_ERROR_KEY,
} YqTicketError;

/* The lifetime of a ticket when the caller passes 0. */
#define YQ_TICKET_DEFAULT_TTL 60
/* How far past exp a ticket is still accepted (clock skew). */
#define YQ_TICKET_LEEWAY 5
/* The secrets-store key of the per-installation signing key. */
#define YQ_TICKET_KEY_NAME "ticket-signing-key"

GQuark    yq_ticket_error_quark   (void);

/* A compact JWT (HS256) for @oa_account, bound to @app_id; @ttl_seconds 0
 * means YQ_TICKET_DEFAULT_TTL. The ticket's jti is recorded in the store. */
char     *yq_ticket_issue         (YqStore      *store,
                                   YqSecrets    *secrets,
                                   const char   *app_id,
                                   const char   *oa_account,
                                   guint         ttl_seconds,
                                   GError      **error);
/* Like yq_ticket_issue(), with @extra_claims (nullable; string keys to string
 * values, e.g. "name") added to the payload. The registered claims (iss, sub,
 * aud, iat, exp, nbf, jti) cannot be overridden. */
char     *yq_ticket_issue_full    (YqStore      *store,
                                   YqSecrets    *secrets,
                                   const char   *app_id,
                                   const char   *oa_account,
                                   guint         ttl_seconds,
                                   GHashTable   *extra_claims,
                                   GError      **error);
/* Verifies @ticket (for @app_id, or for any app when %NULL) and marks it
 * used; a ticket is redeemed at most once. */
gboolean  yq_ticket_redeem        (YqStore      *store,
                                   YqSecrets    *secrets,
                                   const char   *ticket,
                                   const char   *app_id,
                                   char        **oa_account,
                                   GError      **error);
/* Deletes the records of tickets past their expiry (and leeway). */
gboolean  yq_ticket_purge_expired (YqStore      *store,
                                   guint        *n_purged,
                                   GError      **error);

G_END_DECLS
