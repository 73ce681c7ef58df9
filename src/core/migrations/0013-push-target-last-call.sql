-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- When a push target last called the platform for a 政务钉钉 work
-- notification (Unix milliseconds, 0 for never): the spacing between two
-- such calls holds across restarts and configuration changes, not only
-- within one platform client's life.

ALTER TABLE push_targets ADD COLUMN last_call_ms INTEGER NOT NULL DEFAULT 0;
