/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void      yq_service_reload_async         (GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
gboolean  yq_service_reload_finish        (GAsyncResult         *result,
                                           gboolean             *reloaded,
                                           GError              **error);
void      yq_service_request_reload       (GCancellable         *cancellable);
char     *yq_service_format_status        (GVariant             *status);
gboolean  yq_service_error_is_not_running (const GError         *error);
gboolean  yq_service_error_is_busy        (const GError         *error);
char     *yq_service_error_get_message    (const GError         *error);

void      yq_service_start_sync_async     (gint64                connector_id,
                                           const char           *direction,
                                           gboolean              dry_run,
                                           gboolean              confirm,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
char     *yq_service_start_sync_finish    (GAsyncResult         *result,
                                           GError              **error);

G_END_DECLS
