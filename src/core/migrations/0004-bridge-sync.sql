-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The bridge directory (a copy of each connector's platform directory, by
-- platform ID, with its links to the OA side), the binding rule, the sync
-- profiles, and the sync runs with their journal of operations.

CREATE TABLE bridge_departments (
  connector_id INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  platform_id  TEXT    NOT NULL CHECK (platform_id <> ''),
  parent_id    TEXT             CHECK (parent_id IS NULL OR parent_id <> platform_id),
  name         TEXT    NOT NULL,
  sort_order   INTEGER NOT NULL DEFAULT 0,
  active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- The linked OA department (oa_departments.id or an external OA's ID).
  oa_id        TEXT,
  -- Set when the platform deleted a linked department: the row stays until
  -- a sync has carried the deletion to the OA side.
  deleted_at   INTEGER,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (connector_id, platform_id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX bridge_departments_oa
  ON bridge_departments (connector_id, oa_id) WHERE oa_id IS NOT NULL;

CREATE TABLE bridge_people (
  connector_id   INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  platform_id    TEXT    NOT NULL CHECK (platform_id <> ''),
  account_id     TEXT,
  account_code   TEXT,
  name           TEXT    NOT NULL,
  mobile         TEXT,
  email          TEXT,
  job_number     TEXT,
  title          TEXT,
  -- Platform department IDs, main first, one per line.
  department_ids TEXT    NOT NULL DEFAULT '',
  sort_order     INTEGER NOT NULL DEFAULT 0,
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- The binding: the OA account this person logs in as.
  oa_account     TEXT,
  bound_at       INTEGER,
  bind_source    TEXT    CHECK (bind_source IN ('rule', 'manual', 'import', 'sync')),
  -- As for departments: a deleted person who is bound stays until a sync
  -- has carried the deletion to the OA side.
  deleted_at     INTEGER,
  added_at       INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (connector_id, platform_id),
  CHECK ((oa_account IS NULL) = (bound_at IS NULL) AND (oa_account IS NULL) = (bind_source IS NULL))
) WITHOUT ROWID;

CREATE UNIQUE INDEX bridge_people_oa
  ON bridge_people (connector_id, oa_account COLLATE NOCASE) WHERE oa_account IS NOT NULL;

-- One binding rule per connector: which platform field equals which OA
-- field. No row: bind by mobile.
CREATE TABLE binding_rules (
  connector_id   INTEGER NOT NULL PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
  platform_field TEXT    NOT NULL,
  oa_field       TEXT    NOT NULL,
  updated_at     INTEGER NOT NULL
);

CREATE TABLE sync_profiles (
  connector_id INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  direction    TEXT    NOT NULL CHECK (direction IN ('from-platform', 'to-oa', 'to-platform')),
  profile      TEXT    NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (connector_id, direction)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  connector_id   INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  direction      TEXT    NOT NULL CHECK (direction IN ('from-platform', 'to-oa', 'to-platform')),
  state          TEXT    NOT NULL
                   CHECK (state IN ('applying', 'applied', 'failed', 'blocked', 'interrupted')),
  confirmed      INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
  profile        TEXT    NOT NULL,
  counts         TEXT,
  warnings       TEXT,
  errors         TEXT,
  source_people  INTEGER,
  n_ops          INTEGER NOT NULL DEFAULT 0,
  n_done         INTEGER NOT NULL DEFAULT 0,
  n_failed       INTEGER NOT NULL DEFAULT 0,
  started_at     INTEGER NOT NULL,
  finished_at    INTEGER
);

CREATE INDEX sync_runs_connector ON sync_runs (connector_id, id);

-- The journal: every operation of a run, written before it runs and
-- updated after. A 'running' row found on start-up was cut off.
CREATE TABLE sync_operations (
  run_id      INTEGER NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  kind        TEXT    NOT NULL,
  op          TEXT    NOT NULL,
  state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'failed', 'skipped')),
  result_id   TEXT,
  error       TEXT,
  finished_at INTEGER,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- At most one run per connector at a time, across processes. A lease
-- whose holder stopped renewing it expires.
CREATE TABLE sync_leases (
  connector_id INTEGER NOT NULL PRIMARY KEY REFERENCES connectors (id) ON DELETE CASCADE,
  holder       TEXT    NOT NULL,
  run_id       INTEGER,
  expires_at   INTEGER NOT NULL
);
