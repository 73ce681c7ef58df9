/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-platform.h"

G_BEGIN_DECLS

#define YQ_ZWDD_DEFAULT_NOTIFICATION_INTERVAL_S 600
#define YQ_ZWDD_DEFAULT_DAILY_NOTIFICATION_CAP  20000

#define YQ_TYPE_ZWDD_CLIENT (yq_zwdd_client_get_type ())

G_DECLARE_FINAL_TYPE (YqZwddClient, yq_zwdd_client, YQ, ZWDD_CLIENT, GObject)

YqZwddClient *yq_zwdd_client_new                        (const char    *api_base,
                                                         const char    *tenant_id,
                                                         const char    *app_key,
                                                         const char    *app_secret,
                                                         GError       **error);
void          yq_zwdd_client_set_qr_app                 (YqZwddClient  *self,
                                                         const char    *app_key,
                                                         const char    *app_secret);
void          yq_zwdd_client_set_notification_interval  (YqZwddClient  *self,
                                                         guint          seconds);
void          yq_zwdd_client_note_notification_call     (YqZwddClient  *self,
                                                         gint64         ago_us);
void          yq_zwdd_client_set_daily_notification_cap (YqZwddClient  *self,
                                                         guint          cap);
YqHttp       *yq_zwdd_client_get_http                   (YqZwddClient  *self);

G_END_DECLS
