/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-oa-directory.h"
#include "yq-sim-server.h"
#include "yq-sim-org.h"
#include "yunqiao-core.h"

G_BEGIN_DECLS

/*
 * A login test bed: the simulator in this process with a 政务钉钉 and a
 * 云之家 connector whose bridge directories hold the simulator's people,
 * an OA directory with three accounts (zhangsan, lisi, wangwu; password
 * YQ_TEST_LOGIN_PASSWORD), apps for both platforms with QR-code login, and
 * yunqiao-service running as a process of its own on a free port.
 */

#define YQ_TEST_LOGIN_PASSWORD "Oa-Passw0rd-云桥"

typedef enum
{
  YQ_LOGIN_ZWDD,
  YQ_LOGIN_YZJ,
  /* The 政务钉钉 QR-login app (same people as YQ_LOGIN_ZWDD). */
  YQ_LOGIN_ZWDD_QR,
} YqLoginPlatform;

typedef struct
{
  guint   status;
  char   *location;
  char   *content_type;
  char   *referrer_policy;
  char   *allow_origin;
  GBytes *bytes;
  /* The body as text (NUL-terminated copy of @bytes). */
  char   *body;
} YqTestResponse;

void       yq_test_response_free       (YqTestResponse *response);
JsonNode  *yq_test_response_json       (YqTestResponse *response);
/* The value attribute of the input named @name, or %NULL. */
char      *yq_test_response_find_value (YqTestResponse *response,
                                        const char     *name);
/* The text of the first element with class @class (interned), or %NULL. */
const char *yq_test_response_find_class (YqTestResponse *response,
                                         const char     *class_name);
/* Decodes the QR code of a PNG response with zbarimg. */
char      *yq_test_decode_qr           (YqTestResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqTestResponse, yq_test_response_free)

typedef struct
{
  char *id;
  char *png_url;
  char *svg_url;
  char *poll_url;
  char *scan_url;
  char *allow_origin;
} YqTestQr;

void yq_test_qr_free (YqTestQr *qr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqTestQr, yq_test_qr_free)

typedef struct
{
  YqSimConfig   *config;
  YqSimOrg      *org;
  YqSimServer   *sim;
  char          *sim_base;
  char          *sim_login_url;

  char          *data_dir;
  YqStore       *store;
  YqSecrets     *secrets;
  YqOaDirectory *oa;
  char          *oa_department;

  gint64         zwdd_connector;
  gint64         yzj_connector;
  gint64         zwdd_app;
  gint64         zwdd_qr_app;
  gint64         yzj_app;
  char          *entry_url;
  char          *entry_origin;

  GSubprocess   *service;
  GCancellable  *service_reading;
  GString       *service_log;
  char          *service_url;
  SoupSession   *session;
  GPtrArray     *strings;
} YqLoginFixture;

void            yq_login_fixture_setup           (YqLoginFixture  *f);
void            yq_login_fixture_teardown        (YqLoginFixture  *f);

/* The @index-th active person (the same person on both platforms). */
YqSimPerson    *yq_login_fixture_person          (YqLoginFixture  *f,
                                                  YqLoginPlatform  platform,
                                                  guint            index);
char           *yq_login_fixture_auth_code       (YqLoginFixture  *f,
                                                  YqSimPerson     *person);
char           *yq_login_fixture_yzj_ticket      (YqLoginFixture  *f,
                                                  YqSimPerson     *person);
void            yq_login_fixture_bind            (YqLoginFixture  *f,
                                                  YqLoginPlatform  platform,
                                                  YqSimPerson     *person,
                                                  const char      *oa_account);
/* The person's OA account in the bridge directory, or %NULL. */
const char     *yq_login_fixture_binding         (YqLoginFixture  *f,
                                                  YqLoginPlatform  platform,
                                                  YqSimPerson     *person);
void            yq_login_fixture_clear_failures  (YqLoginFixture  *f);
/* Adds an OA account (without a password) to the OA directory. */
void            yq_login_fixture_add_oa_account  (YqLoginFixture  *f,
                                                  const char      *account);
/* Limits the app of @platform to the main department of @inside and
 * returns an active person the app cannot see. */
YqSimPerson    *yq_login_fixture_limit_range     (YqLoginFixture  *f,
                                                  YqLoginPlatform  platform,
                                                  YqSimPerson     *inside);

/* Stops the service (SIGKILL when @kill, else SIGTERM) and starts it
 * again on a new port; the external address follows. */
void            yq_login_fixture_restart_service (YqLoginFixture  *f,
                                                  gboolean         kill);
/* Sends @msg with the fixture's session, following no redirects. */
YqTestResponse *yq_login_fixture_send            (YqLoginFixture  *f,
                                                  SoupMessage     *msg);

YqTestResponse *yq_login_fixture_get             (YqLoginFixture  *f,
                                                  const char      *path);
YqTestResponse *yq_login_fixture_get_url         (YqLoginFixture  *f,
                                                  const char      *url);
YqTestResponse *yq_login_fixture_post_form       (YqLoginFixture  *f,
                                                  const char      *path,
                                                  GHashTable      *form);

YqTestQr       *yq_login_fixture_qr_new          (YqLoginFixture  *f,
                                                  gint64           connector_id);
/* The state of the request; *@ticket (optional) gets the ticket when
 * "confirmed". */
const char     *yq_login_fixture_qr_poll         (YqLoginFixture  *f,
                                                  YqTestQr        *qr,
                                                  char           **ticket);
const char     *yq_login_fixture_qr_poll_message (YqLoginFixture  *f,
                                                  YqTestQr        *qr,
                                                  char           **message);

G_END_DECLS
