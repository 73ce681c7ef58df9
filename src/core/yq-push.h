/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-secrets.h"
#include "yq-store.h"

G_BEGIN_DECLS

/*
 * Message push (PRODUCT F5): the rules that route OA messages to platform
 * targets, and the bearer tokens the OA authenticates its intake with.
 */

#define YQ_PUSH_ERROR (yq_push_error_quark ())

/**
 * YqPushError:
 * @YQ_PUSH_ERROR_INVALID: a field or the message is invalid (the message
 *   names it)
 * @YQ_PUSH_ERROR_NOT_FOUND: no such rule, target, token, message or delivery
 * @YQ_PUSH_ERROR_DUPLICATE: another rule or token has that name
 * @YQ_PUSH_ERROR_UNAUTHORIZED: the intake token is missing, unknown or
 *   revoked
 * @YQ_PUSH_ERROR_CONFLICT: the idempotency key was used before for a
 *   different message
 * @YQ_PUSH_ERROR_TOO_LARGE: the message exceeds a limit (body, recipients,
 *   field length)
 */
typedef enum
{
  YQ_PUSH_ERROR_INVALID,
  YQ_PUSH_ERROR_NOT_FOUND,
  YQ_PUSH_ERROR_DUPLICATE,
  YQ_PUSH_ERROR_UNAUTHORIZED,
  YQ_PUSH_ERROR_CONFLICT,
  YQ_PUSH_ERROR_TOO_LARGE,
} YqPushError;

GQuark yq_push_error_quark (void);

/**
 * YqPushKind:
 * @YQ_PUSH_KIND_NOTIFICATION: 政务钉钉 work notification, 云之家
 *   public-account message
 * @YQ_PUSH_KIND_TODO: 政务钉钉 待办, 云之家 todo
 *
 * What a target delivers.
 */
typedef enum
{
  YQ_PUSH_KIND_NOTIFICATION,
  YQ_PUSH_KIND_TODO,
} YqPushKind;

const char *yq_push_kind_to_string   (YqPushKind   kind);
gboolean    yq_push_kind_from_string (const char  *text,
                                      YqPushKind  *kind);

/**
 * YqPushTarget:
 * @id: the row ID (0 for a new target)
 * @connector_id: the connector to deliver through
 * @app_id: the app whose credentials send (an app of the connector; 0: the
 *   connector's own AppKey and secret); 云之家 todos belong to it
 * @kind: notification or todo
 * @yzj_pub_id: (nullable): 云之家 notifications: the public-account number
 *   (公共号 ID, e.g. "XT-…")
 * @yzj_pub_key: (nullable): write-only: the public-account key to store
 *   on save; %NULL keeps the stored one; never filled in on read
 * @has_pub_key: read-only: whether a public-account key is stored (in
 *   YqSecrets under "push-target-<id>-pubkey")
 * @zwdd_spacing: 政务钉钉 notifications: the least seconds between two
 *   work-notification calls through this target (0–3600). The platform's
 *   published rule for apps is 600, the default; a tenant whose terms
 *   allow more sets less
 * @last_call_ms: read-only: when a 政务钉钉 work notification last went to
 *   the platform through this target (Unix milliseconds, 0 for never);
 *   see yq_push_target_note_call()
 *
 * One place a rule delivers to.
 */
typedef struct
{
  gint64      id;
  gint64      connector_id;
  gint64      app_id;
  YqPushKind  kind;
  char       *yzj_pub_id;
  char       *yzj_pub_key;
  gboolean    has_pub_key;
  guint       zwdd_spacing;
  gint64      last_call_ms;
} YqPushTarget;

#define YQ_PUSH_ZWDD_SPACING_DEFAULT 600
#define YQ_PUSH_ZWDD_SPACING_MAX     3600

YqPushTarget *yq_push_target_new  (void);
YqPushTarget *yq_push_target_copy (const YqPushTarget *target);
void          yq_push_target_free (YqPushTarget       *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPushTarget, yq_push_target_free)

/**
 * YqPushRule:
 * @id: the row ID (0 for a new rule)
 * @name: 1–64 characters, unique
 * @source: (nullable): the OA module whose messages the rule takes (e.g.
 *   "日报", "审批", "考勤", or any module name the OA sends, 1–64
 *   characters); %NULL: every module
 * @enabled: whether the rule routes messages
 * @targets: (element-type YqPushTarget): at least one
 * @created_at: Unix time (read-only)
 * @updated_at: Unix time (read-only)
 */
typedef struct
{
  gint64      id;
  char       *name;
  char       *source;
  gboolean    enabled;
  GPtrArray  *targets;
  gint64      created_at;
  gint64      updated_at;
} YqPushRule;

YqPushRule *yq_push_rule_new  (void);
YqPushRule *yq_push_rule_copy (const YqPushRule *rule);
void        yq_push_rule_free (YqPushRule       *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPushRule, yq_push_rule_free)

/* (element-type YqPushRule), by name, with their targets. */
GPtrArray  *yq_push_rules_list   (YqStore           *store,
                                  GError           **error);
YqPushRule *yq_push_rules_get    (YqStore           *store,
                                  gint64             id,
                                  GError           **error);
/* Checks every field (connectors and apps exist, the app belongs to the
 * target's connector, a 云之家 notification target has a public-account
 * number and key, a 政务钉钉 target has no public account) and saves the
 * rule with its targets in one transaction: @rule->id 0 inserts, else
 * updates; targets with id 0 are added, stored targets missing from
 * @rule->targets are removed (with their key; their undelivered
 * deliveries are skipped). Sets @rule->id and the targets' ids. Audited
 * without keys. */
gboolean    yq_push_rules_save   (YqStore           *store,
                                  YqSecrets         *secrets,
                                  YqPushRule        *rule,
                                  GError           **error);
gboolean    yq_push_rules_remove (YqStore           *store,
                                  YqSecrets         *secrets,
                                  gint64             id,
                                  GError           **error);
/* Records that a work notification went to the platform through target
 * @target_id at @call_ms (Unix milliseconds), so that the next keeps its
 * spacing from then, also after a restart. A later time never goes back. */
gboolean    yq_push_target_note_call   (YqStore      *store,
                                        gint64        target_id,
                                        gint64        call_ms,
                                        GError      **error);
/* The stored public-account key of a target; YQ_PUSH_ERROR_INVALID when
 * none is stored. */
char       *yq_push_target_get_pub_key (YqStore      *store,
                                        YqSecrets    *secrets,
                                        gint64        target_id,
                                        GError      **error);

/**
 * YqPushToken:
 * @id: the row ID
 * @name: what the administrator called it (1–64 characters)
 * @prefix: the first characters of the token, to tell tokens apart
 * @created_at: Unix time
 * @last_used_at: Unix time of the last accepted request, 0 for never
 * @revoked_at: Unix time, 0 while valid
 *
 * An intake token. Only its SHA-256 is stored: the token itself is shown
 * once, when it is created.
 */
typedef struct
{
  gint64  id;
  char   *name;
  char   *prefix;
  gint64  created_at;
  gint64  last_used_at;
  gint64  revoked_at;
} YqPushToken;

void yq_push_token_free (YqPushToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPushToken, yq_push_token_free)

/* A new token "yqp_" + 43 base64url characters (256 random bits); *@id
 * (optional) gets its row ID. Audited without the token. */
char      *yq_push_tokens_create (YqStore      *store,
                                  const char   *name,
                                  gint64       *id,
                                  GError      **error);
/* (element-type YqPushToken), newest first, revoked ones included. */
GPtrArray *yq_push_tokens_list   (YqStore      *store,
                                  GError      **error);
gboolean   yq_push_tokens_revoke (YqStore      *store,
                                  gint64        id,
                                  GError      **error);
/* The ID of the valid token @token, updating its last use to @now (when
 * the stored one is a minute old or more); 0 with
 * YQ_PUSH_ERROR_UNAUTHORIZED (one message for every reason) otherwise. */
gint64     yq_push_tokens_verify (YqStore      *store,
                                  const char   *token,
                                  gint64        now,
                                  GError      **error);

G_END_DECLS
