-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Sync schedules (定时同步): one per connector and direction. Slots are
-- start_at + k × interval, in Unix seconds; see yq-schedule.h.

CREATE TABLE sync_schedules (
  connector_id INTEGER NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  direction    TEXT    NOT NULL CHECK (direction IN ('from-platform', 'to-oa', 'to-platform')),
  start_at     INTEGER NOT NULL CHECK (start_at > 0),
  unit         TEXT    NOT NULL CHECK (unit IN ('hours', 'days', 'weeks')),
  every        INTEGER NOT NULL CHECK (every >= 1),
  -- No slot after this; NULL for no end.
  end_at       INTEGER          CHECK (end_at IS NULL OR end_at > start_at),
  -- The newest slot that was run (or skipped); NULL for none. A slot runs
  -- at most once, so after a suspend only the newest missed one runs.
  last_slot    INTEGER          CHECK (last_slot IS NULL OR last_slot > 0),
  enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (connector_id, direction)
) WITHOUT ROWID;
