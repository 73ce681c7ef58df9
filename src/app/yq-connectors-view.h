/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_CONNECTORS_VIEW (yq_connectors_view_get_type ())

G_DECLARE_FINAL_TYPE (YqConnectorsView, yq_connectors_view, YQ, CONNECTORS_VIEW, GtkWidget)

YqStore    *yq_connectors_view_get_store   (YqConnectorsView *self);
void        yq_connectors_view_set_store   (YqConnectorsView *self,
                                            YqStore          *store);
YqSecrets  *yq_connectors_view_get_secrets (YqConnectorsView *self);
void        yq_connectors_view_set_secrets (YqConnectorsView *self,
                                            YqSecrets        *secrets);
GListModel *yq_connectors_view_get_model   (YqConnectorsView *self);
void        yq_connectors_view_reload      (YqConnectorsView *self);

G_END_DECLS
