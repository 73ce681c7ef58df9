-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Passwords of the built-in OA directory, for the manual binding page (see
-- yq-password.h): a self-describing PBKDF2-HMAC-SHA256 string
-- "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>", or NULL when no
-- password is set (such a person cannot sign in).

ALTER TABLE oa_people ADD COLUMN password_hash TEXT
  CHECK (password_hash IS NULL OR password_hash LIKE 'pbkdf2-sha256$%');
