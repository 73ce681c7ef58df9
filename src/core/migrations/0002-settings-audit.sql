-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Bridge-wide settings (key/value; an unset setting has no row) and the
-- audit log of configuration changes. Audit rows never hold secret values.

CREATE TABLE settings (
  key   TEXT NOT NULL PRIMARY KEY CHECK (key <> ''),
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  actor   TEXT    NOT NULL,
  action  TEXT    NOT NULL CHECK (action <> ''),
  subject TEXT,
  detail  TEXT
);

CREATE INDEX audit_log_at ON audit_log (at);
