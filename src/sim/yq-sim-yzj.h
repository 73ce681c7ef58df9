/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-sim-server-private.h"

G_BEGIN_DECLS

YqSimYzj *yq_sim_yzj_new               (YqSimServer   *server);
void      yq_sim_yzj_free              (YqSimYzj      *self);
void      yq_sim_yzj_handle            (YqSimYzj      *self,
                                        YqSimRequest  *req);
void      yq_sim_yzj_respond_throttled (YqSimYzj      *self,
                                        YqSimRequest  *req);
void      yq_sim_yzj_reset             (YqSimYzj      *self);
char     *yq_sim_yzj_issue_ticket      (YqSimYzj      *self,
                                        YqSimPerson   *person,
                                        const char    *app_id);
void      yq_sim_yzj_set_callback      (YqSimYzj      *self,
                                        const char    *url);
gboolean  yq_sim_yzj_approve           (YqSimYzj      *self,
                                        YqSimRequest  *req,
                                        const char    *app_id,
                                        const char    *open_id,
                                        GPtrArray     *source_ids,
                                        GError       **error);
void      yq_sim_yzj_expire_tokens     (YqSimYzj      *self);

G_END_DECLS
