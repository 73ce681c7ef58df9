-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Previews in the sync history: a preview is a run row with dry_run = 1 in
-- state 'previewed' (or 'blocked'), with counts but no journal. SQLite
-- cannot change a CHECK constraint in place, so sync_runs is rebuilt; the
-- store runs migrations with foreign keys off and checks them before the
-- commit.

CREATE TABLE sync_runs_new (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  connector_id   INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  direction      TEXT    NOT NULL CHECK (direction IN ('from-platform', 'to-oa', 'to-platform')),
  state          TEXT    NOT NULL
                   CHECK (state IN ('applying', 'applied', 'failed', 'blocked', 'interrupted',
                                    'previewed')),
  confirmed      INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
  -- 1 for a preview: nothing was changed and there is no journal.
  dry_run        INTEGER NOT NULL DEFAULT 0 CHECK (dry_run IN (0, 1)),
  profile        TEXT    NOT NULL,
  counts         TEXT,
  warnings       TEXT,
  errors         TEXT,
  source_people  INTEGER,
  n_ops          INTEGER NOT NULL DEFAULT 0,
  n_done         INTEGER NOT NULL DEFAULT 0,
  n_failed       INTEGER NOT NULL DEFAULT 0,
  started_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  CHECK (state <> 'previewed' OR dry_run = 1)
);

INSERT INTO sync_runs_new (id, connector_id, direction, state, confirmed, dry_run, profile,
                           counts, warnings, errors, source_people, n_ops, n_done, n_failed,
                           started_at, finished_at)
  SELECT id, connector_id, direction, state, confirmed, 0, profile, counts, warnings, errors,
         source_people, n_ops, n_done, n_failed, started_at, finished_at
  FROM sync_runs;

-- Keep the ID sequence: IDs of deleted runs are not handed out again.
UPDATE sqlite_sequence
  SET seq = max (seq, coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'sync_runs'), 0))
  WHERE name = 'sync_runs_new';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'sync_runs_new', seq FROM sqlite_sequence
  WHERE name = 'sync_runs'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'sync_runs_new');

DROP TABLE sync_runs;
ALTER TABLE sync_runs_new RENAME TO sync_runs;

CREATE INDEX sync_runs_connector ON sync_runs (connector_id, id);
