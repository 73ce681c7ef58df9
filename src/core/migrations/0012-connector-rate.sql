-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- A connector's request rate may go up to 10,000 per second: neither
-- platform documents a limit for most calls, and a private deployment may
-- take far more than a public one. SQLite cannot change a CHECK constraint
-- in place, so connectors is rebuilt; the store runs migrations with
-- foreign keys off and checks them before the commit.

CREATE TABLE connectors_new (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  kind                 TEXT    NOT NULL CHECK (kind IN ('zwdd', 'yzj')),
  preset               TEXT    NOT NULL
                         CHECK (preset IN ('zwdd-dgwork', 'zwdd-zj', 'yzj-public', 'yzj-private')),
  name                 TEXT    NOT NULL UNIQUE COLLATE NOCASE
                         CHECK (name = trim (name) AND length (name) BETWEEN 1 AND 64),
  tenant_id            TEXT    NOT NULL
                         CHECK (length (tenant_id) BETWEEN 1 AND 20
                                AND tenant_id NOT GLOB '*[^0-9]*'),
  api_base             TEXT    NOT NULL
                         CHECK (api_base GLOB 'https://?*' OR api_base GLOB 'http://?*'),
  app_key              TEXT    NOT NULL CHECK (length (app_key) BETWEEN 1 AND 128),
  app_secret_ref       TEXT,
  directory_secret_ref TEXT,
  directory_readonly   INTEGER NOT NULL DEFAULT 1 CHECK (directory_readonly IN (0, 1)),
  qps                  INTEGER NOT NULL CHECK (qps BETWEEN 1 AND 10000),
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL CHECK (updated_at >= created_at),
  CHECK ((kind = 'zwdd') = (preset GLOB 'zwdd-*')),
  CHECK (kind = 'yzj' OR directory_secret_ref IS NULL)
);

INSERT INTO connectors_new (id, kind, preset, name, tenant_id, api_base, app_key, app_secret_ref,
                            directory_secret_ref, directory_readonly, qps, created_at, updated_at)
  SELECT id, kind, preset, name, tenant_id, api_base, app_key, app_secret_ref,
         directory_secret_ref, directory_readonly, qps, created_at, updated_at
  FROM connectors;

-- Keep the ID sequence: the IDs of deleted connectors, and with them their
-- secrets' keys, are not handed out again.
UPDATE sqlite_sequence
  SET seq = max (seq, coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'connectors'), 0))
  WHERE name = 'connectors_new';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'connectors_new', seq FROM sqlite_sequence
  WHERE name = 'connectors'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'connectors_new');

DROP TABLE connectors;
ALTER TABLE connectors_new RENAME TO connectors;
