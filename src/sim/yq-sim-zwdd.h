/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-sim-server-private.h"

G_BEGIN_DECLS

YqSimZwdd *yq_sim_zwdd_new                 (YqSimServer   *server);
void       yq_sim_zwdd_free                (YqSimZwdd     *self);
void       yq_sim_zwdd_handle              (YqSimZwdd     *self,
                                            YqSimRequest  *req);
void       yq_sim_zwdd_handle_login        (YqSimZwdd     *self,
                                            YqSimRequest  *req);
void       yq_sim_zwdd_respond_throttled   (YqSimZwdd     *self,
                                            YqSimRequest  *req);
void       yq_sim_zwdd_reset               (YqSimZwdd     *self);
char      *yq_sim_zwdd_issue_auth_code     (YqSimZwdd     *self,
                                            YqSimPerson   *person);
void       yq_sim_zwdd_expire_tokens       (YqSimZwdd     *self);

G_END_DECLS
