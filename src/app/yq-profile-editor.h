/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

#define YQ_TYPE_PROFILE_EDITOR (yq_profile_editor_get_type ())

G_DECLARE_FINAL_TYPE (YqProfileEditor, yq_profile_editor, YQ, PROFILE_EDITOR, AdwPreferencesWindow)

/* Edits the sync profile of one connector and direction, and the
 * connector's binding rule. Emits "saved" after writing the store. */
YqProfileEditor *yq_profile_editor_new           (GtkWindow       *parent,
                                                  YqStore         *store,
                                                  gint64           connector_id,
                                                  YqSyncDirection  direction);
gint64           yq_profile_editor_get_connector_id (YqProfileEditor *self);
YqSyncDirection  yq_profile_editor_get_direction (YqProfileEditor *self);

G_END_DECLS
