-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Applications (see yq-apps.h): the OA entry points, the platform apps of
-- each connector with their home targets, and each connector's QR-code
-- login; and what the login endpoints keep (see yq-login-store.h): failed
-- sign-in attempts and QR-code login requests.

CREATE TABLE oa_entry_points (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> ''),
  url        TEXT    NOT NULL CHECK (url <> ''),
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE apps (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  connector_id        INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  name                TEXT    NOT NULL CHECK (name <> ''),
  app_key             TEXT    NOT NULL CHECK (app_key <> ''),
  -- The key of the AppSecret in the secrets store ("app-<id>-secret"), NULL
  -- when none is stored.
  secret_ref          TEXT,
  client_id           TEXT,
  -- 政务钉钉 QR-code login: the login host of the QR OAuth page; NULL: the
  -- connector preset's.
  login_base          TEXT,
  target              TEXT    NOT NULL CHECK (target IN ('entry-point', 'custom')),
  entry_point_id      INTEGER REFERENCES oa_entry_points (id) ON DELETE RESTRICT,
  custom_url          TEXT,
  -- Platform department IDs, one per line; NULL: everyone.
  visible_departments TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (connector_id, name COLLATE NOCASE),
  CHECK (target <> 'entry-point' OR (entry_point_id IS NOT NULL AND custom_url IS NULL)),
  CHECK (target <> 'custom' OR (entry_point_id IS NULL AND custom_url IS NOT NULL))
);

CREATE INDEX apps_entry_point ON apps (entry_point_id) WHERE entry_point_id IS NOT NULL;

CREATE TABLE qr_logins (
  connector_id INTEGER NOT NULL PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
  enabled      INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
  app_id       INTEGER REFERENCES apps (id) ON DELETE RESTRICT,
  ttl_seconds  INTEGER NOT NULL DEFAULT 180 CHECK (ttl_seconds BETWEEN 60 AND 900),
  updated_at   INTEGER NOT NULL,
  CHECK (enabled = 0 OR app_id IS NOT NULL)
);

CREATE INDEX qr_logins_app ON qr_logins (app_id) WHERE app_id IS NOT NULL;

CREATE TABLE login_failures (
  key TEXT    NOT NULL,
  at  INTEGER NOT NULL
);

CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE qr_sessions (
  id           TEXT    NOT NULL PRIMARY KEY,
  connector_id INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  app_id       INTEGER NOT NULL,
  state        TEXT    NOT NULL
                 CHECK (state IN ('pending', 'scanned', 'confirmed', 'done', 'refused')),
  ticket       TEXT,
  message      TEXT,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX qr_sessions_expires ON qr_sessions (expires_at);
