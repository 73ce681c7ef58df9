-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Message push (see yq-push.h and yq-push-inbox.h): the rules that route
-- OA messages to platform targets, the intake tokens, the inbox of OA
-- messages and the deliveries the dispatcher sends.

CREATE TABLE push_rules (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
  -- The OA module whose messages the rule takes (matched case-sensitively);
  -- NULL: every module.
  source     TEXT    CHECK (source IS NULL OR source <> ''),
  enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- app_id RESTRICT: an app that sends for a target is not removed silently
-- (which would make another app send, or 云之家 todos lose their owner);
-- yq_apps_remove() names the rule instead. NULL: the connector's own
-- AppKey. Removing a connector removes its targets.
CREATE TABLE push_targets (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id      INTEGER NOT NULL REFERENCES push_rules (id) ON DELETE CASCADE,
  connector_id INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  app_id       INTEGER REFERENCES apps (id) ON DELETE RESTRICT,
  kind         TEXT    NOT NULL CHECK (kind IN ('notification', 'todo')),
  -- 云之家 notifications: the public-account number.
  yzj_pub_id   TEXT    CHECK (yzj_pub_id IS NULL OR yzj_pub_id <> ''),
  -- The key of the public-account key in the secrets store
  -- ("push-target-<id>-pubkey"), NULL when none is stored.
  pub_key_ref  TEXT,
  -- 政务钉钉 notifications: the least seconds between two work-notification
  -- calls, as the tenant's terms say (the platform's default rule: 600).
  zwdd_spacing INTEGER NOT NULL DEFAULT 600 CHECK (zwdd_spacing BETWEEN 0 AND 3600),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE INDEX push_targets_rule ON push_targets (rule_id);
CREATE INDEX push_targets_connector ON push_targets (connector_id);
CREATE INDEX push_targets_app ON push_targets (app_id) WHERE app_id IS NOT NULL;

-- Intake tokens: only the SHA-256 (lower-case hex) of the token is kept.
CREATE TABLE push_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
  -- The first 8 characters after "yqp_", to tell tokens apart.
  prefix       TEXT    NOT NULL,
  sha256       TEXT    NOT NULL UNIQUE CHECK (length (sha256) = 64),
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);

-- The inbox: one row per accepted OA message.
CREATE TABLE push_messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key TEXT    NOT NULL UNIQUE,
  -- SHA-256 (hex) of yq_push_message_to_json(): a repeated key with the
  -- same fingerprint is a replay, with another one a conflict.
  fingerprint     TEXT    NOT NULL,
  -- The intake token (0 or NULL: a test message of the app); kept when the
  -- token is revoked, not a reference so that tokens may go.
  token_id        INTEGER,
  source          TEXT    NOT NULL,
  event           TEXT    NOT NULL
                    CHECK (event IN ('notification', 'todo', 'todo.done', 'todo.cancelled')),
  title           TEXT,
  content         TEXT,
  url             TEXT,
  mobile_url      TEXT,
  -- A JSON array of OA accounts, NULL when not given.
  recipients      TEXT,
  todo_id         TEXT,
  creator         TEXT,
  due_time        INTEGER NOT NULL DEFAULT 0,
  received_at     INTEGER NOT NULL,
  -- The JSON answer of the intake, repeated for replays.
  answer          TEXT    NOT NULL
);

CREATE INDEX push_messages_todo ON push_messages (todo_id, event) WHERE todo_id IS NOT NULL;

-- One delivery per message, target and recipient. last_error holds the
-- dispatcher's error text after failed attempts, and a reason code for
-- UNBOUND ('unbound': no binding on the connector; 'disabled': the bound
-- person is disabled or deleted on the platform) and SKIPPED
-- ('target-removed', 'todo-not-created').
CREATE TABLE push_deliveries (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id       INTEGER NOT NULL REFERENCES push_messages (id) ON DELETE CASCADE,
  target_id        INTEGER REFERENCES push_targets (id) ON DELETE SET NULL,
  rule_id          INTEGER REFERENCES push_rules (id) ON DELETE SET NULL,
  connector_id     INTEGER NOT NULL,
  app_id           INTEGER,
  kind             TEXT    NOT NULL CHECK (kind IN ('notification', 'todo')),
  event            TEXT    NOT NULL
                     CHECK (event IN ('notification', 'todo', 'todo.done', 'todo.cancelled')),
  oa_account       TEXT    NOT NULL,
  platform_account TEXT,
  state            TEXT    NOT NULL
                     CHECK (state IN ('pending', 'sending', 'delivered', 'retry', 'dead',
                                      'unbound', 'skipped')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  attempt_ms       INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  platform_ref     TEXT,
  -- Todo events: the todo's delivery they wait for.
  depends_on       INTEGER REFERENCES push_deliveries (id) ON DELETE SET NULL,
  -- SENDING when the dispatcher started: the attempt is sent again as is.
  resumable        INTEGER NOT NULL DEFAULT 0 CHECK (resumable IN (0, 1)),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  delivered_at     INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX push_deliveries_state ON push_deliveries (state);
-- The claim walks the due deliveries in order, and looks at the todo events
-- still waiting: both only the open rows, however long the history grows.
CREATE INDEX push_deliveries_due ON push_deliveries (next_attempt_at, id)
  WHERE state IN ('pending', 'retry');
CREATE INDEX push_deliveries_lane ON push_deliveries (connector_id, kind, next_attempt_at, id)
  WHERE state IN ('pending', 'retry');
CREATE INDEX push_deliveries_waiting ON push_deliveries (depends_on)
  WHERE state IN ('pending', 'retry') AND event IN ('todo.done', 'todo.cancelled');
CREATE INDEX push_deliveries_message ON push_deliveries (message_id);
CREATE INDEX push_deliveries_depends ON push_deliveries (depends_on) WHERE depends_on IS NOT NULL;
CREATE INDEX push_deliveries_log ON push_deliveries (created_at DESC, id DESC);

-- A target that goes (with its rule, its connector, or on its own) leaves
-- nothing waiting to be sent.
CREATE TRIGGER push_targets_skip_deliveries BEFORE DELETE ON push_targets
BEGIN
  UPDATE push_deliveries SET state = 'skipped', last_error = 'target-removed',
                             updated_at = CAST (strftime ('%s', 'now') AS INTEGER)
   WHERE target_id = OLD.id AND state IN ('pending', 'retry');
END;
