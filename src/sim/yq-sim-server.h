/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "yq-sim-config.h"
#include "yq-sim-faults.h"
#include "yq-sim-org.h"

G_BEGIN_DECLS

#define YQ_TYPE_SIM_SERVER (yq_sim_server_get_type ())

G_DECLARE_FINAL_TYPE (YqSimServer, yq_sim_server, YQ, SIM_SERVER, GObject)

YqSimServer       *yq_sim_server_new               (const YqSimConfig         *config,
                                                    YqSimOrg                  *org);
gboolean           yq_sim_server_start             (YqSimServer               *self,
                                                    GError                   **error);
void               yq_sim_server_stop              (YqSimServer               *self);
guint              yq_sim_server_get_port          (YqSimServer               *self);
guint              yq_sim_server_get_login_port    (YqSimServer               *self);
char              *yq_sim_server_get_base_url      (YqSimServer               *self);
char              *yq_sim_server_get_login_url     (YqSimServer               *self);
YqSimOrg          *yq_sim_server_get_org           (YqSimServer               *self);
YqSimFaults       *yq_sim_server_get_faults        (YqSimServer               *self);
const YqSimConfig *yq_sim_server_get_config        (YqSimServer               *self);
guint64            yq_sim_server_get_request_count (YqSimServer               *self,
                                                    const char                *path);

G_END_DECLS
