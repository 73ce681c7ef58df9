-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The history of binding changes (see yq-bindings.h): every auto-bind,
-- manual bind or unbind, batch unbind, import and undo is one change set
-- with one row per person whose binding changed, old and new values, so
-- that the set can be undone exactly.

CREATE TABLE binding_change_sets (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  connector_id INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  kind         TEXT    NOT NULL
                 CHECK (kind IN ('auto', 'manual', 'unbind-all', 'import', 'undo')),
  -- For an undo: the set it undid.
  undo_of      INTEGER          REFERENCES binding_change_sets (id) ON DELETE SET NULL,
  n_changes    INTEGER NOT NULL CHECK (n_changes >= 0),
  actor        TEXT    NOT NULL,
  at           INTEGER NOT NULL,
  CHECK (kind = 'undo' OR undo_of IS NULL)
);

CREATE INDEX binding_change_sets_connector ON binding_change_sets (connector_id, id);
CREATE UNIQUE INDEX binding_change_sets_undo ON binding_change_sets (undo_of)
  WHERE undo_of IS NOT NULL;

CREATE TABLE binding_changes (
  change_id       INTEGER NOT NULL REFERENCES binding_change_sets (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  connector_id    INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  platform_id     TEXT    NOT NULL,
  old_oa_account  TEXT,
  old_bound_at    INTEGER,
  old_bind_source TEXT    CHECK (old_bind_source IN ('rule', 'manual', 'import', 'sync')),
  new_oa_account  TEXT,
  new_bound_at    INTEGER,
  new_bind_source TEXT    CHECK (new_bind_source IN ('rule', 'manual', 'import', 'sync')),
  kind            TEXT    NOT NULL
                    CHECK (kind IN ('auto', 'manual', 'unbind-all', 'import', 'undo')),
  at              INTEGER NOT NULL,
  PRIMARY KEY (change_id, seq)
) WITHOUT ROWID;

CREATE INDEX binding_changes_person ON binding_changes (connector_id, platform_id);

-- The department scope of the bindings list walks the tree downwards.
CREATE INDEX bridge_departments_parent ON bridge_departments (connector_id, parent_id);
