/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_CONNECTOR_EDITOR (yq_connector_editor_get_type ())

G_DECLARE_FINAL_TYPE (YqConnectorEditor, yq_connector_editor, YQ, CONNECTOR_EDITOR, AdwWindow)

YqConnectorEditor *yq_connector_editor_new           (GtkWindow         *parent,
                                                      YqStore           *store,
                                                      YqSecrets         *secrets,
                                                      YqConnector       *connector);
YqConnector       *yq_connector_editor_get_connector (YqConnectorEditor *self);
gboolean           yq_connector_editor_get_is_new    (YqConnectorEditor *self);

G_END_DECLS
