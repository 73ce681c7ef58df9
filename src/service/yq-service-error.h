/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * YQ_SERVICE_ERROR_PREFIX:
 *
 * Prefix of the D-Bus error names the service uses for Yunqiao's own
 * #GError domains, e.g. `io.github.yunqiao.Yunqiao.Error.Store.Open`.
 */
#define YQ_SERVICE_ERROR_PREFIX "io.github.yunqiao.Yunqiao.Error."

void yq_service_error_register (void);

G_END_DECLS
