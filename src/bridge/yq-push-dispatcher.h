/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yunqiao-core.h"
#include "yq-platform.h"
#include "yq-push-inbox.h"

G_BEGIN_DECLS

/*
 * Delivers the push inbox (ARCHITECTURE "Push pipeline"): claims due
 * deliveries in batches per lane (a connector and a kind of target;
 * several at a time, 政务钉钉 work notifications one at a time with the
 * target's spacing), sends them through platform clients whose request
 * rate is the connector's QPS, and records the outcome with retries and
 * backoff.
 *
 * Platform keys come from the message, so that a resend never duplicates:
 * 政务钉钉 bizMsgId derives from the message's idempotency key, target,
 * event and attempt; 政务钉钉 bizTaskId and 云之家 todo sourceId from the
 * OA work item and target, the same on every attempt; a 云之家 public-account
 * message resumed after a crash repeats its attempt's "from" block, which
 * the platform refuses as a replay when the first send arrived.
 */

#define YQ_TYPE_PUSH_DISPATCHER (yq_push_dispatcher_get_type ())

G_DECLARE_FINAL_TYPE (YqPushDispatcher, yq_push_dispatcher, YQ, PUSH_DISPATCHER, GObject)

YqPushDispatcher *yq_push_dispatcher_new          (YqStore          *store,
                                                   YqSecrets        *secrets);
/* Makes cut-off attempts resumable and starts delivering. */
gboolean          yq_push_dispatcher_start        (YqPushDispatcher *self,
                                                   GError          **error);
/* Stops claiming; calls in flight are cancelled and stay SENDING, to be
 * resumed by the next start. */
void              yq_push_dispatcher_stop         (YqPushDispatcher *self);
/* Looks for due deliveries now (after an intake, a retry-now or a
 * configuration change). */
void              yq_push_dispatcher_wake         (YqPushDispatcher *self);
/* Uses @store and @secrets from now on and forgets the platform clients
 * built so far. */
void              yq_push_dispatcher_configure    (YqPushDispatcher *self,
                                                   YqStore          *store,
                                                   YqSecrets        *secrets);
/* Deliveries finished since start (delivered, or dead), for status. */
guint             yq_push_dispatcher_get_n_done   (YqPushDispatcher *self);
gboolean          yq_push_dispatcher_is_busy      (YqPushDispatcher *self);

G_END_DECLS
