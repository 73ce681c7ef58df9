/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "yq-sim-faults.h"

G_BEGIN_DECLS

/**
 * YqSimConfig:
 * @port: main listener port (0 = pick one)
 * @login_port: 政务钉钉 QR login-host listener port (0 = pick one)
 * @people: people to generate
 * @seed: generator seed
 * @zwdd_tenant_id: 政务钉钉 tenantId
 * @zwdd_tenant_name: tenant name in login responses
 * @zwdd_app_key: AppKey of the H5 app (directory, messages, todos, SSO)
 * @zwdd_app_secret: its AppSecret
 * @zwdd_qr_app_key: AppKey of the QR-login app
 * @zwdd_qr_app_secret: its AppSecret
 * @zwdd_qr_client_id: the QR-login app's 应用标识 (client_id)
 * @zwdd_qr_redirect_domains: host names the QR-login app may redirect to
 * @zwdd_gateway_status: HTTP status of gateway-level errors (200 or 4xx)
 * @zwdd_strict_nonce: reject a reused nonce
 * @yzj_eid: 云之家 team ID
 * @yzj_app_id: light-app appId
 * @yzj_app_secret: light-app secret (scope app and team)
 * @yzj_sign_key: light-app signKey for quick-approval callbacks
 * @yzj_dir_secret: directory secret, editable key (可编辑秘钥)
 * @yzj_dir_secret_readonly: directory secret, read-only key (只读秘钥)
 * @yzj_pub_id: public-account ID
 * @yzj_pub_key: public-account key
 * @faults: faults injected from the start
 *
 * Tenant credentials and start-up settings of the simulator.
 */
typedef struct
{
  guint     port;
  guint     login_port;
  guint     people;
  guint64   seed;

  char     *zwdd_tenant_id;
  char     *zwdd_tenant_name;
  char     *zwdd_app_key;
  char     *zwdd_app_secret;
  char     *zwdd_qr_app_key;
  char     *zwdd_qr_app_secret;
  char     *zwdd_qr_client_id;
  char    **zwdd_qr_redirect_domains;
  guint     zwdd_gateway_status;
  gboolean  zwdd_strict_nonce;

  char     *yzj_eid;
  char     *yzj_app_id;
  char     *yzj_app_secret;
  char     *yzj_sign_key;
  char     *yzj_dir_secret;
  char     *yzj_dir_secret_readonly;
  char     *yzj_pub_id;
  char     *yzj_pub_key;

  YqSimFaultSettings faults;
} YqSimConfig;

YqSimConfig *yq_sim_config_new_default (void);
YqSimConfig *yq_sim_config_copy        (const YqSimConfig  *config);
void         yq_sim_config_free        (YqSimConfig        *config);
gboolean     yq_sim_config_load        (YqSimConfig        *config,
                                        const char         *path,
                                        GError            **error);
gboolean     yq_sim_config_validate    (const YqSimConfig  *config,
                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSimConfig, yq_sim_config_free)

G_END_DECLS
