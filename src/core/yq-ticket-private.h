/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-ticket.h"

G_BEGIN_DECLS

/* Tests: the clock (seconds since the epoch) used for iat, exp and expiry
 * checks; %NULL restores the real clock. */
typedef gint64 (*YqTicketNowFunc) (void);

void yq_ticket_set_now_func (YqTicketNowFunc func);

G_END_DECLS
