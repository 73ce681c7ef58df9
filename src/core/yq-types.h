/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _YqStore     YqStore;
typedef struct _YqConnector YqConnector;
typedef struct _YqSecrets   YqSecrets;

/**
 * YqPlatformKind:
 * @YQ_PLATFORM_KIND_ZWDD: 政务钉钉 / 专有钉钉 / 浙政钉
 * @YQ_PLATFORM_KIND_YZJ: 云之家
 *
 * The messaging platform a connector talks to.
 */
typedef enum
{
  YQ_PLATFORM_KIND_ZWDD,
  YQ_PLATFORM_KIND_YZJ,
} YqPlatformKind;

#define YQ_TYPE_PLATFORM_KIND (yq_platform_kind_get_type ())
GType yq_platform_kind_get_type (void) G_GNUC_CONST;

/**
 * YqConnectorPreset:
 * @YQ_CONNECTOR_PRESET_ZWDD_DGWORK: 专有钉钉 SaaS, `https://openplatform.dg-work.cn`
 * @YQ_CONNECTOR_PRESET_ZWDD_ZJ: 浙政钉, `https://openplatform-pro.ding.zj.gov.cn`
 * @YQ_CONNECTOR_PRESET_YZJ_PUBLIC: 云之家 public cloud, `https://www.yunzhijia.com`
 * @YQ_CONNECTOR_PRESET_YZJ_PRIVATE: 云之家 private deployment, custom URL
 *
 * Starting points for a new connector; the preset fixes the platform kind
 * and, except for private deployments, the API base URL.
 */
typedef enum
{
  YQ_CONNECTOR_PRESET_ZWDD_DGWORK,
  YQ_CONNECTOR_PRESET_ZWDD_ZJ,
  YQ_CONNECTOR_PRESET_YZJ_PUBLIC,
  YQ_CONNECTOR_PRESET_YZJ_PRIVATE,
  YQ_N_CONNECTOR_PRESETS
} YqConnectorPreset;

#define YQ_TYPE_CONNECTOR_PRESET (yq_connector_preset_get_type ())
GType yq_connector_preset_get_type (void) G_GNUC_CONST;

G_END_DECLS
