/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-apps.h"

G_BEGIN_DECLS

#define YQ_TYPE_APP_EDITOR (yq_app_editor_get_type ())

G_DECLARE_FINAL_TYPE (YqAppEditor, yq_app_editor, YQ, APP_EDITOR, AdwWindow)

YqAppEditor *yq_app_editor_new       (GtkWindow   *parent,
                                      YqStore     *store,
                                      YqSecrets   *secrets,
                                      YqConnector *connector,
                                      const YqApp *app);
gboolean     yq_app_editor_get_is_new (YqAppEditor *self);

G_END_DECLS
