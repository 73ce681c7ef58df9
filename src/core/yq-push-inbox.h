/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-push.h"
#include "yq-store.h"

G_BEGIN_DECLS

/*
 * The push pipeline's store (ARCHITECTURE "Push pipeline"): OA messages
 * are committed to the inbox together with their deliveries — one per
 * rule target and recipient, recipients resolved through the bindings —
 * before the intake answers; the dispatcher claims due deliveries in
 * batches, journals each attempt, and records the outcome.
 */

/* Limits of one message (docs/push-api.md). */
#define YQ_PUSH_MAX_BODY        (256 * 1024)
#define YQ_PUSH_MAX_RECIPIENTS  1000
#define YQ_PUSH_MAX_KEY         128
#define YQ_PUSH_MAX_TITLE       200
#define YQ_PUSH_MAX_CONTENT     4000
#define YQ_PUSH_MAX_URL         2048
/* Attempts before a delivery is dead, and the backoff between them:
 * 10 s, doubling, at most an hour. */
#define YQ_PUSH_MAX_ATTEMPTS    8
#define YQ_PUSH_BACKOFF_FIRST   10
#define YQ_PUSH_BACKOFF_MAX     3600

/**
 * YqPushEvent:
 * @YQ_PUSH_EVENT_NOTIFICATION: "notification"
 * @YQ_PUSH_EVENT_TODO: "todo": create a todo for each recipient
 * @YQ_PUSH_EVENT_TODO_DONE: "todo.done": the OA work item was handled
 * @YQ_PUSH_EVENT_TODO_CANCELLED: "todo.cancelled": it was withdrawn
 */
typedef enum
{
  YQ_PUSH_EVENT_NOTIFICATION,
  YQ_PUSH_EVENT_TODO,
  YQ_PUSH_EVENT_TODO_DONE,
  YQ_PUSH_EVENT_TODO_CANCELLED,
} YqPushEvent;

const char *yq_push_event_to_string   (YqPushEvent  event);
gboolean    yq_push_event_from_string (const char  *text,
                                       YqPushEvent *event);

/**
 * YqPushMessage:
 * @idempotency_key: the OA's unique key of the request (1–128 printable
 *   ASCII characters)
 * @source: the OA module (1–64 characters), matched against rule sources
 * @event: what the message is
 * @title: (nullable): required for notifications and todos
 * @content: (nullable): text
 * @url: (nullable): the link (http or https); required for todos
 * @mobile_url: (nullable): the link on phones
 * @recipients: (array zero-terminated=1) (nullable): OA accounts, 1–1000;
 *   for todo events optional (%NULL: every recipient of the todo)
 * @todo_id: (nullable): the OA work item: todos (defaults to
 *   @idempotency_key) and todo events (required)
 * @creator: (nullable): the OA account of the creator
 * @due_time: todo deadline, Unix seconds, 0 for none
 *
 * One message of the OA, as posted to POST /api/v1/messages.
 */
typedef struct
{
  char         *idempotency_key;
  char         *source;
  YqPushEvent   event;
  char         *title;
  char         *content;
  char         *url;
  char         *mobile_url;
  char        **recipients;
  char         *todo_id;
  char         *creator;
  gint64        due_time;
} YqPushMessage;

YqPushMessage *yq_push_message_new   (void);
void           yq_push_message_free  (YqPushMessage       *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPushMessage, yq_push_message_free)

/* Parses and checks a JSON request body (the schema of
 * docs/push-api.md): YQ_PUSH_ERROR_INVALID naming the field, or
 * YQ_PUSH_ERROR_TOO_LARGE. Unknown members are refused, so that typos do
 * not pass silently. */
YqPushMessage *yq_push_message_parse   (const char          *data,
                                        gsize                length,
                                        GError             **error);
/* The same message as a JSON body (members in a fixed order). */
char          *yq_push_message_to_json (const YqPushMessage *message);

/**
 * YqPushIntake:
 * @message_id: the inbox row
 * @replayed: the idempotency key was seen before with the same message;
 *   @answer is the original one
 * @answer: the JSON answer: {"id", "idempotency_key", "deliveries",
 *   "unbound": [accounts], "unmatched": bool (no rule took the message)}
 *
 * What the intake answers.
 */
typedef struct
{
  gint64    message_id;
  gboolean  replayed;
  char     *answer;
} YqPushIntake;

void yq_push_intake_free (YqPushIntake *intake);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPushIntake, yq_push_intake_free)

/* In one transaction: stores @message (from intake token @token_id, 0 for
 * the app's test messages), routes it by the enabled rules whose source
 * matches (only rule @only_rule_id when not 0, enabled or not) and writes
 * one delivery per target and recipient: PENDING with the recipient's
 * platform account from the bindings of the target's connector (active,
 * bound people), or UNBOUND with the reason. Todo events get one delivery
 * per delivery of the todo (and recipient, when given), waiting for it.
 * A known idempotency key answers the stored answer (same message) or
 * fails with YQ_PUSH_ERROR_CONFLICT (another message); a todo event for an
 * unknown todo fails with YQ_PUSH_ERROR_NOT_FOUND. */
YqPushIntake  *yq_push_inbox_accept    (YqStore             *store,
                                        gint64               token_id,
                                        const YqPushMessage *message,
                                        gint64               only_rule_id,
                                        gint64               now,
                                        GError             **error);
/* The stored message @message_id. */
YqPushMessage *yq_push_inbox_get       (YqStore             *store,
                                        gint64               message_id,
                                        GError             **error);

/**
 * YqDeliveryState:
 * @YQ_DELIVERY_PENDING: waiting to be sent (or for its todo)
 * @YQ_DELIVERY_SENDING: an attempt is out (journaled before the call)
 * @YQ_DELIVERY_DELIVERED: the platform took it
 * @YQ_DELIVERY_RETRY: an attempt failed; another follows at next_attempt_at
 * @YQ_DELIVERY_DEAD: the retry budget is spent, or the failure is final
 * @YQ_DELIVERY_UNBOUND: the recipient has no binding on the connector
 * @YQ_DELIVERY_SKIPPED: nothing to do (target removed, todo never created)
 */
typedef enum
{
  YQ_DELIVERY_PENDING,
  YQ_DELIVERY_SENDING,
  YQ_DELIVERY_DELIVERED,
  YQ_DELIVERY_RETRY,
  YQ_DELIVERY_DEAD,
  YQ_DELIVERY_UNBOUND,
  YQ_DELIVERY_SKIPPED,
} YqDeliveryState;

#define YQ_DELIVERY_N_STATES (YQ_DELIVERY_SKIPPED + 1)

const char *yq_delivery_state_to_string   (YqDeliveryState  state);
gboolean    yq_delivery_state_from_string (const char      *text,
                                           YqDeliveryState *state);

/**
 * YqDelivery:
 * @id: the row ID
 * @message_id: the inbox message
 * @target_id: the rule target (0 once removed)
 * @rule_id: the rule (0 once removed)
 * @connector_id: the connector
 * @app_id: the sending app (0: the connector's own)
 * @kind: notification or todo
 * @event: the message's event
 * @oa_account: the recipient
 * @platform_account: (nullable): their platform account (政务钉钉
 *   accountId, 云之家 openId); %NULL when UNBOUND
 * @state: the state
 * @attempts: attempts started
 * @attempt_ms: when the current (or last) attempt started, Unix ms; a
 *   resumed attempt keeps it, which makes its platform keys the same
 * @next_attempt_at: RETRY and PENDING: not before, Unix seconds
 * @last_error: (nullable): why the last attempt failed, or why UNBOUND or
 *   SKIPPED
 * @platform_ref: (nullable): todos: the platform's task ID (政务钉钉
 *   taskUuid, 云之家 sourceId), which done and cancel need
 * @depends_on: todo events: the todo's delivery, else 0
 * @created_at: Unix seconds
 * @updated_at: Unix seconds
 * @delivered_at: Unix seconds, 0 before
 * @idempotency_key: the message's key (for the log)
 * @source: the message's module
 * @title: (nullable): the message's title
 * @todo_id: (nullable): the message's OA work item
 */
typedef struct
{
  gint64           id;
  gint64           message_id;
  gint64           target_id;
  gint64           rule_id;
  gint64           connector_id;
  gint64           app_id;
  YqPushKind       kind;
  YqPushEvent      event;
  char            *oa_account;
  char            *platform_account;
  YqDeliveryState  state;
  guint            attempts;
  gint64           attempt_ms;
  gint64           next_attempt_at;
  char            *last_error;
  char            *platform_ref;
  gint64           depends_on;
  gint64           created_at;
  gint64           updated_at;
  gint64           delivered_at;
  char            *idempotency_key;
  char            *source;
  char            *title;
  char            *todo_id;
} YqDelivery;

YqDelivery *yq_delivery_copy (const YqDelivery *delivery);
void        yq_delivery_free (YqDelivery       *delivery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqDelivery, yq_delivery_free)

/**
 * YqDeliveryBatch:
 * @deliveries: (element-type YqDelivery): SENDING deliveries of one
 *   message, target and event, at most the claim's maximum
 * @message: the message
 * @resumed: the deliveries were SENDING when the dispatcher started: a
 *   crash cut their attempt off, which is sent again with the same
 *   attempt (attempts and attempt_ms unchanged)
 * @todo_refs: (element-type utf8): todo events: the todo's platform_ref
 *   for each delivery, in order; else empty
 *
 * What the dispatcher sends in one go.
 */
typedef struct
{
  GPtrArray     *deliveries;
  YqPushMessage *message;
  gboolean       resumed;
  GPtrArray     *todo_refs;
} YqDeliveryBatch;

void yq_delivery_batch_free (YqDeliveryBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqDeliveryBatch, yq_delivery_batch_free)

/* A claim lane: one connector and one kind of target. */
#define YQ_PUSH_LANE(connector_id, kind) ((gint64) (connector_id) * 2 + (gint64) (kind))

/* At dispatcher start: every SENDING delivery becomes resumable (its
 * attempt was cut off). Returns how many. */
gboolean         yq_push_deliveries_recover   (YqStore          *store,
                                               guint            *n_resumable,
                                               GError          **error);
/* Claims a batch in one transaction: resumable deliveries first, then
 * the oldest due PENDING or RETRY ones (next_attempt_at ≤ @now_ms / 1000;
 * todo events only once their todo is DELIVERED — they are SKIPPED when
 * it never will be), all of one message, target and event, at most
 * @max_deliveries, excluding the lanes in @busy_lanes (nullable; gint64
 * keys made with YQ_PUSH_LANE(): one batch per connector and kind at a
 * time, so that slow notifications do not hold todos up). New attempts become SENDING with
 * attempts + 1 and attempt_ms = @now_ms. %NULL without error when nothing
 * is due. */
YqDeliveryBatch *yq_push_deliveries_claim     (YqStore          *store,
                                               gint64            now_ms,
                                               guint             max_deliveries,
                                               GHashTable       *busy_lanes,
                                               GError          **error);
/* The same for one lane (every other lane counts as busy), up to
 * @max_batches batches in one transaction. An empty array when nothing is
 * due, %NULL on error. */
GPtrArray       *yq_push_deliveries_claim_lane (YqStore         *store,
                                                gint64           now_ms,
                                                guint            max_deliveries,
                                                guint            max_batches,
                                                gint64           connector_id,
                                                YqPushKind       kind,
                                                GError         **error);

/**
 * YqDeliveryOutcome:
 * @id: the delivery
 * @delivered: the platform took it
 * @platform_ref: (nullable): todos: the platform's task ID
 * @error: (nullable): why it failed
 * @final: the failure will not go away by retrying (e.g. the platform
 *   refuses the recipient): DEAD at once
 *
 * The result of one delivery's attempt.
 */
typedef struct
{
  gint64      id;
  gboolean    delivered;
  const char *platform_ref;
  const char *error;
  gboolean    final;
} YqDeliveryOutcome;

/* Records the outcomes of a claimed batch in one transaction: DELIVERED,
 * DEAD (final, or after YQ_PUSH_MAX_ATTEMPTS), else RETRY with the
 * backoff from @now. */
gboolean         yq_push_deliveries_finish    (YqStore                 *store,
                                               const YqDeliveryOutcome *outcomes,
                                               guint                    n_outcomes,
                                               gint64                   now,
                                               GError                 **error);
/* The earliest next_attempt_at of a PENDING or RETRY delivery (Unix
 * seconds), 0 when there is none. */
gint64           yq_push_deliveries_next_due  (YqStore          *store,
                                               GError          **error);
/* RETRY and DEAD deliveries among @ids (all of them when @ids is NULL)
 * become PENDING, due now; DEAD ones get a fresh retry budget. Returns
 * how many changed. Audited. */
gboolean         yq_push_deliveries_retry_now (YqStore          *store,
                                               GArray           *ids,
                                               gint64            now,
                                               guint            *n_changed,
                                               GError          **error);

/**
 * YqDeliveryFilter:
 * @states: a mask of 1 << YqDeliveryState; 0: every state
 * @connector_id: 0: every connector
 * @message_id: 0: every message
 * @search: (nullable): text found in the title, idempotency key, source,
 *   OA account or last error
 * @offset: rows to skip
 * @limit: rows at most (0: 1000)
 *
 * Which deliveries the log shows, newest first.
 */
typedef struct
{
  guint        states;
  gint64       connector_id;
  gint64       message_id;
  const char  *search;
  guint        offset;
  guint        limit;
} YqDeliveryFilter;

/* (element-type YqDelivery); *@total (optional) gets the number of
 * matching rows without offset and limit. */
GPtrArray       *yq_push_deliveries_list      (YqStore                *store,
                                               const YqDeliveryFilter *filter,
                                               guint                  *total,
                                               GError                **error);
/* Fills @counts[YQ_DELIVERY_N_STATES] with the deliveries per state. */
gboolean         yq_push_deliveries_count     (YqStore          *store,
                                               guint            *counts,
                                               GError          **error);

G_END_DECLS
