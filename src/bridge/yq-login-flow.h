/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yunqiao-core.h"
#include "yq-apps.h"
#include "yq-login-store.h"
#include "yq-platform.h"

G_BEGIN_DECLS

/*
 * The login flows (PRODUCT F4, F6), without HTTP: a platform login code →
 * the platform person → the bridge directory and the binding → a signed
 * single-use ticket for the OA; the manual binding with an OA password;
 * QR-code login requests. The service's HTTP server renders the pages.
 */

#define YQ_LOGIN_ERROR (yq_login_error_quark ())

/**
 * YqLoginError:
 * @YQ_LOGIN_ERROR_NO_APP: the app does not exist (or QR-code login is not
 *   enabled for the connector)
 * @YQ_LOGIN_ERROR_CODE: the platform did not accept the login code
 * @YQ_LOGIN_ERROR_UNAVAILABLE: the platform could not be reached
 * @YQ_LOGIN_ERROR_TARGET: the requested target is not a configured one
 * @YQ_LOGIN_ERROR_LOCKED: too many failed sign-ins; the message says when
 *   to try again
 * @YQ_LOGIN_ERROR_CREDENTIALS: the OA account or password is wrong (one
 *   message for every reason)
 * @YQ_LOGIN_ERROR_TAKEN: the OA account is bound to another person
 * @YQ_LOGIN_ERROR_EXPIRED: the QR-code login request expired or was used
 * @YQ_LOGIN_ERROR_FAILED: anything else (the store, the key)
 */
typedef enum
{
  YQ_LOGIN_ERROR_NO_APP,
  YQ_LOGIN_ERROR_CODE,
  YQ_LOGIN_ERROR_UNAVAILABLE,
  YQ_LOGIN_ERROR_TARGET,
  YQ_LOGIN_ERROR_LOCKED,
  YQ_LOGIN_ERROR_CREDENTIALS,
  YQ_LOGIN_ERROR_TAKEN,
  YQ_LOGIN_ERROR_EXPIRED,
  YQ_LOGIN_ERROR_FAILED,
} YqLoginError;

GQuark yq_login_error_quark (void);

/**
 * YqLoginOutcomeKind:
 * @YQ_LOGIN_OUTCOME_BOUND: the person is bound: @oa_account is set
 * @YQ_LOGIN_OUTCOME_UNBOUND: the person may bind an OA account by hand
 * @YQ_LOGIN_OUTCOME_REFUSED: the person may not use the app: @message
 */
typedef enum
{
  YQ_LOGIN_OUTCOME_BOUND,
  YQ_LOGIN_OUTCOME_UNBOUND,
  YQ_LOGIN_OUTCOME_REFUSED,
} YqLoginOutcomeKind;

/**
 * YqLoginRefusal:
 * @YQ_LOGIN_REFUSAL_NONE: not refused
 * @YQ_LOGIN_REFUSAL_NOT_VISIBLE: outside the app's visible range (or not in
 *   the connector's directory at all)
 * @YQ_LOGIN_REFUSAL_DISABLED: disabled on the platform
 *
 * Why a person may not use an app; pages word it in their own language.
 */
typedef enum
{
  YQ_LOGIN_REFUSAL_NONE,
  YQ_LOGIN_REFUSAL_NOT_VISIBLE,
  YQ_LOGIN_REFUSAL_DISABLED,
} YqLoginRefusal;

/* "not-visible", "disabled" (the reason QR-code requests keep), or NULL. */
const char     *yq_login_refusal_to_string   (YqLoginRefusal  refusal);
gboolean        yq_login_refusal_from_string (const char     *text,
                                              YqLoginRefusal *refusal);

/**
 * YqLoginOutcome:
 * @kind: what happens next
 * @connector_id: the app's connector
 * @app_id: the app
 * @platform_id: (nullable): the person in the bridge directory
 * @name: (nullable): their name
 * @oa_account: (nullable): BOUND: the OA account
 * @app_name: the app's name
 * @refusal: REFUSED: why
 * @message: (nullable): REFUSED: why, in words (the service's language)
 * @platform_usec: how long the platform took to resolve the code
 *
 * Who a login code identified, and what they may do.
 */
typedef struct
{
  YqLoginOutcomeKind  kind;
  gint64              connector_id;
  gint64              app_id;
  char               *platform_id;
  char               *name;
  char               *oa_account;
  char               *app_name;
  YqLoginRefusal      refusal;
  char               *message;
  gint64              platform_usec;
} YqLoginOutcome;

void yq_login_outcome_free (YqLoginOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqLoginOutcome, yq_login_outcome_free)

#define YQ_TYPE_LOGIN_FLOW (yq_login_flow_get_type ())

G_DECLARE_FINAL_TYPE (YqLoginFlow, yq_login_flow, YQ, LOGIN_FLOW, GObject)

YqLoginFlow    *yq_login_flow_new              (YqStore              *store,
                                                YqSecrets            *secrets);
/* Forgets the platform clients built so far (after a configuration
 * change). */
void            yq_login_flow_reload           (YqLoginFlow          *self);
/* Installs @platform as the client of @app_id (tests and benchmarks with a
 * platform of their own). */
void            yq_login_flow_set_platform     (YqLoginFlow          *self,
                                                gint64                app_id,
                                                YqPlatform           *platform);

void            yq_login_flow_identify_async   (YqLoginFlow          *self,
                                                gint64                app_id,
                                                YqLoginCodeKind       kind,
                                                const char           *code,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
YqLoginOutcome *yq_login_flow_identify_finish  (YqLoginFlow          *self,
                                                GAsyncResult         *result,
                                                GError              **error);
/* Checks @target (nullable: the app's own) and issues a ticket for
 * @oa_account; returns the URL to redirect to, the target with "ticket"
 * added to its query. */
char           *yq_login_flow_redirect_url     (YqLoginFlow          *self,
                                                gint64                app_id,
                                                const char           *oa_account,
                                                const char           *target,
                                                GError              **error);
/* Checks a requested target without issuing anything. */
gboolean        yq_login_flow_check_target     (YqLoginFlow          *self,
                                                const char           *target,
                                                GError              **error);

/* Manual binding: the lockout of @oa_account and @address is checked, the
 * password is checked in a worker thread, and on success @platform_id of
 * the app's connector is bound. Returns the OA account as the directory
 * spells it. */
void            yq_login_flow_bind_async       (YqLoginFlow          *self,
                                                gint64                app_id,
                                                const char           *platform_id,
                                                const char           *oa_account,
                                                const char           *password,
                                                const char           *address,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
char           *yq_login_flow_bind_finish      (YqLoginFlow          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* Redeems a ticket for the OA (server-side validation). */
gboolean        yq_login_flow_validate         (YqLoginFlow          *self,
                                                const char           *ticket,
                                                const char           *app_id,
                                                char                **oa_account,
                                                GError              **error);

/* QR-code login. */
YqQrSession    *yq_login_flow_qr_create        (YqLoginFlow          *self,
                                                gint64                connector_id,
                                                GError              **error);
/* Where a scan of the request leads: the 政务钉钉 QR OAuth page for a
 * 政务钉钉 connector, else %NULL (the bridge's own confirm page). Marks the
 * request scanned. */
char           *yq_login_flow_qr_scan          (YqLoginFlow          *self,
                                                const char           *session_id,
                                                GError              **error);
/* Identifies the person who scanned: the 政务钉钉 QR OAuth code, or the
 * 云之家 light-app ticket of the confirm page. REFUSED outcomes also refuse
 * the request. */
void            yq_login_flow_qr_identify_async  (YqLoginFlow        *self,
                                                  const char         *session_id,
                                                  const char         *code,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
YqLoginOutcome *yq_login_flow_qr_identify_finish (YqLoginFlow        *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);
/* Confirms the request for @oa_account: a ticket of the dependent app. */
gboolean        yq_login_flow_qr_confirm       (YqLoginFlow          *self,
                                                const char           *session_id,
                                                const char           *oa_account,
                                                GError              **error);

G_END_DECLS
