/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-push.h"
#include "yq-push-log.h"

G_BEGIN_DECLS

#define YQ_TYPE_PUSH_VIEW (yq_push_view_get_type ())

G_DECLARE_FINAL_TYPE (YqPushView, yq_push_view, YQ, PUSH_VIEW, GtkWidget)

/* The Message Push page (消息推送): the rules that route OA messages to
 * platform targets, the delivery log, and the intake address and tokens
 * the OA posts with. */
YqStore   *yq_push_view_get_store   (YqPushView *self);
void       yq_push_view_set_store   (YqPushView *self,
                                     YqStore    *store);
YqSecrets *yq_push_view_get_secrets (YqPushView *self);
void       yq_push_view_set_secrets (YqPushView *self,
                                     YqSecrets  *secrets);
/* Reads the rules, tokens, settings and the log again. */
void       yq_push_view_reload      (YqPushView *self);
/* Shows the sub-page "rules", "log" or "intake". */
void       yq_push_view_show_page   (YqPushView *self,
                                     const char *name);
YqPushLog *yq_push_view_get_log     (YqPushView *self);

G_END_DECLS
