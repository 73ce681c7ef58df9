/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-secrets.h"
#include "yq-store.h"

G_BEGIN_DECLS

/*
 * Applications (PRODUCT F4, F6): the OA entry points, the platform apps of
 * each connector with their home targets, and the QR-code login of each
 * connector. Every URL a login may end at is one of these targets, or on
 * the same origin as one: yq_apps_target_allowed() is the only gate.
 */

#define YQ_APPS_ERROR (yq_apps_error_quark ())

/**
 * YqAppsError:
 * @YQ_APPS_ERROR_INVALID: a field is invalid (the message names it)
 * @YQ_APPS_ERROR_NOT_FOUND: no such entry point, app or connector
 * @YQ_APPS_ERROR_IN_USE: the entry point is the target of an app, or the
 *   app is the dependent app of a connector's QR-code login
 * @YQ_APPS_ERROR_DUPLICATE: another entry point or app of the connector
 *   has that name
 * @YQ_APPS_ERROR_TARGET_REFUSED: the URL is not a configured target
 */
typedef enum
{
  YQ_APPS_ERROR_INVALID,
  YQ_APPS_ERROR_NOT_FOUND,
  YQ_APPS_ERROR_IN_USE,
  YQ_APPS_ERROR_DUPLICATE,
  YQ_APPS_ERROR_TARGET_REFUSED,
} YqAppsError;

GQuark yq_apps_error_quark (void);

/**
 * YqEntryPoint:
 * @id: the row ID
 * @name: what administrators call it, e.g. "OA 首页" (1–64 characters)
 * @url: an absolute http or https URL without user info or fragment
 * @sort_order: position in lists
 *
 * A page of the OA that apps can open (Settings → OA entry points).
 */
typedef struct
{
  gint64  id;
  char   *name;
  char   *url;
  gint    sort_order;
} YqEntryPoint;

void yq_entry_point_free (YqEntryPoint *entry_point);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqEntryPoint, yq_entry_point_free)

/* (element-type YqEntryPoint), by sort_order then id. */
GPtrArray    *yq_entry_points_list   (YqStore     *store,
                                      GError     **error);
YqEntryPoint *yq_entry_points_get    (YqStore     *store,
                                      gint64       id,
                                      GError     **error);
/* Returns the new ID, or 0 with @error set. Appends at the end. */
gint64        yq_entry_points_add    (YqStore     *store,
                                      const char  *name,
                                      const char  *url,
                                      GError     **error);
gboolean      yq_entry_points_update (YqStore     *store,
                                      gint64       id,
                                      const char  *name,
                                      const char  *url,
                                      GError     **error);
/* Fails with YQ_APPS_ERROR_IN_USE, naming the apps, while an app targets
 * it. */
gboolean      yq_entry_points_remove (YqStore     *store,
                                      gint64       id,
                                      GError     **error);

/**
 * YqAppTarget:
 * @YQ_APP_TARGET_ENTRY_POINT: one of the OA entry points
 * @YQ_APP_TARGET_CUSTOM: a custom link of this app
 */
typedef enum
{
  YQ_APP_TARGET_ENTRY_POINT,
  YQ_APP_TARGET_CUSTOM,
} YqAppTarget;

/**
 * YqApp:
 * @id: the row ID (0 for a new app)
 * @connector_id: the connector the app belongs to
 * @name: 1–64 characters, unique within the connector
 * @app_key: 政务钉钉 AppKey or 云之家 AppId (1–128 characters)
 * @has_secret: whether an AppSecret is stored (read-only; the value lives
 *   in YqSecrets under the key "app-<id>-secret")
 * @client_id: (nullable): 政务钉钉 only: the app's 应用标识 (client_id)
 *   for the QR-code login; %NULL when the app is not used for it
 * @login_base: (nullable): 政务钉钉 only: the login host of the QR OAuth
 *   page as an http(s) URL without path (e.g. "https://login.dg-work.cn");
 *   %NULL: the one of the connector's preset
 * @target: which kind of home target
 * @entry_point_id: the entry point (@target ENTRY_POINT)
 * @custom_url: (nullable): the custom link (@target CUSTOM); same rules as
 *   entry point URLs
 * @visible_departments: (nullable) (array zero-terminated=1): platform
 *   department IDs whose people (with their sub-departments) may use the
 *   app; %NULL or empty: everyone in the connector's directory
 * @created_at: Unix time (read-only)
 * @updated_at: Unix time (read-only)
 *
 * A platform app of a connector: its credentials and where it leads.
 */
typedef struct
{
  gint64        id;
  gint64        connector_id;
  char         *name;
  char         *app_key;
  gboolean      has_secret;
  char         *client_id;
  char         *login_base;
  YqAppTarget   target;
  gint64        entry_point_id;
  char         *custom_url;
  char        **visible_departments;
  gint64        created_at;
  gint64        updated_at;
} YqApp;

YqApp *yq_app_new  (void);
YqApp *yq_app_copy (const YqApp *app);
void   yq_app_free (YqApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqApp, yq_app_free)

const char *yq_app_target_to_string   (YqAppTarget  target);
gboolean    yq_app_target_from_string (const char  *text,
                                       YqAppTarget *target);

/* (element-type YqApp), by connector then name; @connector_id 0: all. */
GPtrArray *yq_apps_list       (YqStore      *store,
                               gint64        connector_id,
                               GError      **error);
YqApp     *yq_apps_get        (YqStore      *store,
                               gint64        id,
                               GError      **error);
/* Checks every field (and that the connector and entry point exist) and
 * inserts the app; @secret (nullable) is stored in @secrets. Returns the
 * new ID, or 0 with @error set. Audited without the secret. */
gint64     yq_apps_add        (YqStore      *store,
                               YqSecrets    *secrets,
                               const YqApp  *app,
                               const char   *secret,
                               GError      **error);
/* Updates the app with @app->id; @secret %NULL keeps the stored one, ""
 * clears it. The connector of an app cannot change. */
gboolean   yq_apps_update     (YqStore      *store,
                               YqSecrets    *secrets,
                               const YqApp  *app,
                               const char   *secret,
                               GError      **error);
/* Removes the app and its secret; YQ_APPS_ERROR_IN_USE while it is the
 * dependent app of a QR-code login. */
gboolean   yq_apps_remove     (YqStore      *store,
                               YqSecrets    *secrets,
                               gint64        id,
                               GError      **error);
/* The app's AppSecret; YQ_APPS_ERROR_INVALID ("no AppSecret is set for
 * app …") when there is none. */
char      *yq_apps_get_secret (YqStore      *store,
                               YqSecrets    *secrets,
                               const YqApp  *app,
                               GError      **error);

/* The URL the app opens after a login: the entry point's or the custom
 * link. */
char      *yq_apps_resolve_target  (YqStore      *store,
                                    const YqApp  *app,
                                    GError      **error);
/* The home URL to paste into the platform console:
 * "<external address>/login/app/<id>". Fails when the external address is
 * not set. */
char      *yq_apps_build_home_url  (YqStore      *store,
                                    const YqApp  *app,
                                    GError      **error);
/* Whether @url may be redirected to: an absolute http(s) URL without user
 * info whose scheme, host and port equal those of an entry point or of an
 * app's custom link. Fails with YQ_APPS_ERROR_TARGET_REFUSED otherwise. */
gboolean   yq_apps_target_allowed  (YqStore      *store,
                                    const char   *url,
                                    GError      **error);
/* Whether @department_ids (a person's platform departments) lie within the
 * app's visible departments, given the bridge directory of the app's
 * connector (ancestors by parent_id). Always TRUE when the app has no
 * visible departments. */
gboolean   yq_apps_is_visible_to   (YqStore            *store,
                                    const YqApp        *app,
                                    const char * const *department_ids,
                                    gboolean           *visible,
                                    GError            **error);

/**
 * YqQrLogin:
 * @connector_id: the connector
 * @enabled: whether the OA login page may offer QR-code login
 * @app_id: the dependent app (0: none); a 政务钉钉 app needs a client_id
 * @ttl_seconds: how long a QR code stays valid (60–900, default 180)
 *
 * The QR-code login of one connector.
 */
typedef struct
{
  gint64   connector_id;
  gboolean enabled;
  gint64   app_id;
  guint    ttl_seconds;
} YqQrLogin;

#define YQ_QR_LOGIN_DEFAULT_TTL 180

/* The connector's QR-code login; disabled with no app when never set. */
gboolean   yq_qr_login_get      (YqStore          *store,
                                 gint64            connector_id,
                                 YqQrLogin        *qr_login,
                                 GError          **error);
/* Enabling needs an app of the same connector (with a client_id for 政务钉钉)
 * and a TTL in range. Audited. */
gboolean   yq_qr_login_set      (YqStore          *store,
                                 const YqQrLogin  *qr_login,
                                 GError          **error);
/* The HTML snippet the OA login page embeds: a container and a script that
 * asks "<external address>/qr/new?connector=<id>" for a QR code, shows it,
 * polls, and hands the ticket to the OA. Fails when the login is not
 * enabled or the external address is not set. */
char      *yq_qr_login_snippet  (YqStore          *store,
                                 gint64            connector_id,
                                 GError          **error);

G_END_DECLS
