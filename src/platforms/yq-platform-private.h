/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean yq_platform_parse_api_base (const char  *api_base,
                                     char       **base_url,
                                     char       **base_path,
                                     GError     **error);

G_END_DECLS
