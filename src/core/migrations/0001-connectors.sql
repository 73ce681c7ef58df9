-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Connectors: one row per configured platform tenant. Secrets are never
-- stored here, only the key under which YqSecrets keeps them (NULL = none).
-- AUTOINCREMENT so that an ID, and with it a secret key, is never reused
-- after a delete.

CREATE TABLE connectors (
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
  qps                  INTEGER NOT NULL CHECK (qps BETWEEN 1 AND 1000),
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL CHECK (updated_at >= created_at),
  CHECK ((kind = 'zwdd') = (preset GLOB 'zwdd-*')),
  CHECK (kind = 'yzj' OR directory_secret_ref IS NULL)
);
