/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yunqiao-core.h"
#include "yq-platform.h"

G_BEGIN_DECLS

YqPlatform *yq_bridge_platform_new     (YqStore      *store,
                                        YqSecrets    *secrets,
                                        YqConnector  *connector,
                                        const char   *app_secret,
                                        const char   *directory_secret,
                                        GError      **error);
YqPlatform *yq_bridge_platform_open    (YqStore      *store,
                                        YqSecrets    *secrets,
                                        gint64        connector_id,
                                        YqConnector **connector,
                                        GError      **error);

G_END_DECLS
