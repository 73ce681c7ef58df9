/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_SETTINGS_VIEW (yq_settings_view_get_type ())

G_DECLARE_FINAL_TYPE (YqSettingsView, yq_settings_view, YQ, SETTINGS_VIEW, GtkWidget)

YqStore   *yq_settings_view_get_store           (YqSettingsView *self);
void       yq_settings_view_set_store           (YqSettingsView *self,
                                                 YqStore        *store);
YqSecrets *yq_settings_view_get_secrets         (YqSettingsView *self);
void       yq_settings_view_set_secrets         (YqSettingsView *self,
                                                 YqSecrets      *secrets);
void       yq_settings_view_refresh_service     (YqSettingsView *self);
void       yq_settings_view_show_job            (YqSettingsView *self,
                                                 const char     *job_path);

G_END_DECLS
