/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-push-inbox.h"

G_BEGIN_DECLS

#define YQ_TYPE_PUSH_LOG (yq_push_log_get_type ())

G_DECLARE_FINAL_TYPE (YqPushLog, yq_push_log, YQ, PUSH_LOG, GtkWidget)

/* Deliveries shown at a time; "Load More" adds as many again. */
#define YQ_PUSH_LOG_PAGE_SIZE 500

/* The delivery log of the Message Push page: every delivery, newest
 * first, with filters, a count per state and "Retry Now" for failed
 * ones. While shown it reads the store again every few seconds. */
YqStore          *yq_push_log_get_store    (YqPushLog *self);
void              yq_push_log_set_store    (YqPushLog *self,
                                            YqStore   *store);
/* Reads the counts and the loaded pages again, keeping the selection. */
void              yq_push_log_reload       (YqPushLog *self);
guint             yq_push_log_get_n_items  (YqPushLog *self);
/* (transfer none): the delivery shown at @position. */
const YqDelivery *yq_push_log_get_delivery (YqPushLog *self,
                                            guint      position);
/* Translated, e.g. "Delivered". */
const char       *yq_push_log_state_label  (YqDeliveryState state);

G_END_DECLS
