/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define YQ_SERVICE_INACTIVITY_TIMEOUT_MS (60 * 1000)

#define YQ_TYPE_SERVICE (yq_service_get_type ())

G_DECLARE_FINAL_TYPE (YqService, yq_service, YQ, SERVICE, GApplication)

YqService  *yq_service_new           (void);
const char *yq_service_get_data_dir  (YqService *self);
const char *yq_service_get_localedir (void);

G_END_DECLS
