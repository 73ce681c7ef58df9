/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "yq-types.h"

G_BEGIN_DECLS

#define YQ_CONNECTOR_ERROR (yq_connector_error_quark ())

/**
 * YqConnectorField:
 *
 * Which field a validation error belongs to; used as the #GError code in
 * the %YQ_CONNECTOR_ERROR domain so that editors can mark the right row.
 */
typedef enum
{
  YQ_CONNECTOR_FIELD_NAME,
  YQ_CONNECTOR_FIELD_TENANT_ID,
  YQ_CONNECTOR_FIELD_API_BASE,
  YQ_CONNECTOR_FIELD_APP_KEY,
  YQ_CONNECTOR_FIELD_APP_SECRET,
  YQ_CONNECTOR_FIELD_DIRECTORY_SECRET,
  YQ_CONNECTOR_FIELD_QPS,
} YqConnectorField;

/**
 * YqConnectorSecret:
 * @YQ_CONNECTOR_SECRET_APP: AppSecret of the dependent app (政务钉钉 AppSecret, 云之家 app secret)
 * @YQ_CONNECTOR_SECRET_DIRECTORY: 云之家 directory key (通讯录密钥, resGroupSecret)
 */
typedef enum
{
  YQ_CONNECTOR_SECRET_APP,
  YQ_CONNECTOR_SECRET_DIRECTORY,
} YqConnectorSecret;

#define YQ_CONNECTOR_QPS_MIN 1
#define YQ_CONNECTOR_QPS_MAX 10000

#define YQ_TYPE_CONNECTOR (yq_connector_get_type ())

G_DECLARE_FINAL_TYPE (YqConnector, yq_connector, YQ, CONNECTOR, GObject)

GQuark             yq_connector_error_quark              (void);

/* Platform kinds and presets */
const char        *yq_platform_kind_to_string            (YqPlatformKind     kind);
gboolean           yq_platform_kind_from_string          (const char        *str,
                                                          YqPlatformKind    *kind);
const char        *yq_platform_kind_get_display_name     (YqPlatformKind     kind);
const char        *yq_connector_preset_to_string         (YqConnectorPreset  preset);
gboolean           yq_connector_preset_from_string       (const char        *str,
                                                          YqConnectorPreset *preset);
const char        *yq_connector_preset_get_display_name  (YqConnectorPreset  preset);
YqPlatformKind     yq_connector_preset_get_kind          (YqConnectorPreset  preset);
const char        *yq_connector_preset_get_api_base      (YqConnectorPreset  preset);
gboolean           yq_connector_preset_has_fixed_api_base (YqConnectorPreset preset);
guint              yq_platform_kind_get_default_qps      (YqPlatformKind     kind);
const char        *yq_platform_kind_get_tenant_label     (YqPlatformKind     kind);
const char        *yq_platform_kind_get_app_key_label    (YqPlatformKind     kind);

/* Model. The string setters strip surrounding white space, and the API base
 * setter also trailing slashes, so read the value back after setting it (and
 * do not bind these properties two-way to an entry while it is edited).
 * Getters never return NULL. */
YqConnector       *yq_connector_new                      (YqConnectorPreset  preset);
YqConnector       *yq_connector_copy                     (YqConnector       *self);
gint64             yq_connector_get_id                   (YqConnector       *self);
void               yq_connector_set_id                   (YqConnector       *self,
                                                          gint64             id);
YqPlatformKind     yq_connector_get_kind                 (YqConnector       *self);
YqConnectorPreset  yq_connector_get_preset               (YqConnector       *self);
void               yq_connector_set_preset               (YqConnector       *self,
                                                          YqConnectorPreset  preset);
const char        *yq_connector_get_name                 (YqConnector       *self);
void               yq_connector_set_name                 (YqConnector       *self,
                                                          const char        *name);
const char        *yq_connector_get_tenant_id            (YqConnector       *self);
void               yq_connector_set_tenant_id            (YqConnector       *self,
                                                          const char        *tenant_id);
const char        *yq_connector_get_api_base             (YqConnector       *self);
void               yq_connector_set_api_base             (YqConnector       *self,
                                                          const char        *api_base);
const char        *yq_connector_get_app_key              (YqConnector       *self);
void               yq_connector_set_app_key              (YqConnector       *self,
                                                          const char        *app_key);
gboolean           yq_connector_get_directory_readonly   (YqConnector       *self);
void               yq_connector_set_directory_readonly   (YqConnector       *self,
                                                          gboolean           readonly);
guint              yq_connector_get_qps                  (YqConnector       *self);
void               yq_connector_set_qps                  (YqConnector       *self,
                                                          guint              qps);
gboolean           yq_connector_get_has_app_secret       (YqConnector       *self);
void               yq_connector_set_has_app_secret       (YqConnector       *self,
                                                          gboolean           has_secret);
gboolean           yq_connector_get_has_directory_secret (YqConnector       *self);
void               yq_connector_set_has_directory_secret (YqConnector       *self,
                                                          gboolean           has_secret);
gint64             yq_connector_get_created_at           (YqConnector       *self);
gint64             yq_connector_get_updated_at           (YqConnector       *self);
void               yq_connector_set_timestamps           (YqConnector       *self,
                                                          gint64             created_at,
                                                          gint64             updated_at);
gboolean           yq_connector_needs_directory_secret   (YqConnector       *self);

GPtrArray         *yq_connector_validate                 (YqConnector       *self,
                                                          const char        *app_secret,
                                                          const char        *directory_secret);
gboolean           yq_connector_check                    (YqConnector       *self,
                                                          const char        *app_secret,
                                                          const char        *directory_secret,
                                                          GError           **error);

G_END_DECLS
