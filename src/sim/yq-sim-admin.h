/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-sim-server-private.h"

G_BEGIN_DECLS

void yq_sim_admin_handle (YqSimServer  *server,
                          YqSimRequest *req);

G_END_DECLS
