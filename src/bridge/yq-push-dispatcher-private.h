/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-push-dispatcher.h"

G_BEGIN_DECLS

/* For tests: the dispatcher's clock runs @offset_ms ahead of the real one,
 * so that a test can step over the retry backoff. */
void   yq_push_dispatcher_set_clock_offset (YqPushDispatcher       *self,
                                            gint64                  offset_ms);
gint64 yq_push_dispatcher_get_clock_offset (YqPushDispatcher       *self);

/* For tests: called with every platform client the dispatcher builds,
 * before its first call (e.g. to shorten the 政务钉钉 notification
 * spacing). */
typedef void (*YqPushPlatformSetupFunc) (YqPlatform *platform,
                                         gpointer    user_data);

void   yq_push_dispatcher_set_platform_setup (YqPushDispatcher        *self,
                                              YqPushPlatformSetupFunc  func,
                                              gpointer                 user_data);

/* The platform keys the dispatcher sends (48 hex characters): a
 * notification's for the attempt of @batch, a todo's for its work item and
 * target (the same on every attempt). */
char  *yq_push_dispatcher_notification_key (const YqDeliveryBatch  *batch);
char  *yq_push_dispatcher_todo_key         (const YqPushMessage    *message,
                                            gint64                  target_id);

G_END_DECLS
