-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The built-in OA directory: one tree of departments (exactly one top
-- department) and the people in it, keyed by their OA account. Several
-- departments may share a name at one level, as in real organisations.
-- Optional person fields are NULL when unknown, never ''.

CREATE TABLE oa_departments (
  id         TEXT    NOT NULL PRIMARY KEY
                       CHECK (length (id) BETWEEN 1 AND 64 AND id = trim (id)),
  parent_id  TEXT    REFERENCES oa_departments (id) ON DELETE RESTRICT,
  name       TEXT    NOT NULL CHECK (trim (name) <> '' AND length (name) <= 255),
  sort_order INTEGER NOT NULL DEFAULT 0,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL CHECK (updated_at >= created_at),
  CHECK (parent_id IS NULL OR parent_id <> id)
);

-- Exactly one top department: every root has the same indexed value.
CREATE UNIQUE INDEX oa_departments_one_root ON oa_departments ((parent_id IS NULL))
  WHERE parent_id IS NULL;
CREATE INDEX oa_departments_parent ON oa_departments (parent_id);

-- Department IDs are "d" + a number that only grows, so that an ID is never
-- reused after a delete (links to the OA directory are kept by ID).
CREATE TABLE oa_directory_state (
  id                     INTEGER PRIMARY KEY CHECK (id = 1),
  next_department_number INTEGER NOT NULL CHECK (next_department_number >= 1)
);
INSERT INTO oa_directory_state (id, next_department_number) VALUES (1, 1);

-- Accounts compare without regard to ASCII case, as OA logins do. A
-- disabled person may have lost their department (it was deleted); an
-- active one always has one.
CREATE TABLE oa_people (
  account       TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE
                          CHECK (length (account) BETWEEN 1 AND 255
                                 AND account = trim (account)),
  name          TEXT    NOT NULL CHECK (trim (name) <> '' AND length (name) <= 255),
  job_number    TEXT    CHECK (job_number IS NULL OR job_number <> ''),
  mobile        TEXT    CHECK (mobile IS NULL OR mobile <> ''),
  email         TEXT    CHECK (email IS NULL OR email <> ''),
  title         TEXT    CHECK (title IS NULL OR title <> ''),
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  department_id TEXT    REFERENCES oa_departments (id) ON DELETE RESTRICT,
  sort_order    INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL CHECK (updated_at >= created_at),
  CHECK (active = 0 OR department_id IS NOT NULL)
) WITHOUT ROWID;

CREATE INDEX oa_people_mobile ON oa_people (mobile);
CREATE INDEX oa_people_job_number ON oa_people (job_number);
CREATE INDEX oa_people_email ON oa_people (email COLLATE NOCASE);
CREATE INDEX oa_people_department ON oa_people (department_id);
