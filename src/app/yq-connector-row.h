/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_CONNECTOR_ROW (yq_connector_row_get_type ())

G_DECLARE_FINAL_TYPE (YqConnectorRow, yq_connector_row, YQ, CONNECTOR_ROW, AdwActionRow)

GtkWidget   *yq_connector_row_new           (YqConnector    *connector);
YqConnector *yq_connector_row_get_connector (YqConnectorRow *self);

G_END_DECLS
