-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Login tickets (see yq-ticket.h): one row per issued ticket, keyed by its
-- random jti, so that a ticket is redeemed at most once. Rows past their
-- expiry are purged; an expired ticket is refused by its exp claim anyway.

CREATE TABLE login_tickets (
  jti         TEXT    NOT NULL PRIMARY KEY,
  app_id      TEXT    NOT NULL,
  oa_account  TEXT    NOT NULL,
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL CHECK (expires_at >= issued_at),
  -- Set once, when the ticket is redeemed.
  used_at     INTEGER
) WITHOUT ROWID;

CREATE INDEX login_tickets_expiry ON login_tickets (expires_at);
