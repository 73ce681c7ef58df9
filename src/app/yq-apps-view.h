/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-apps.h"

G_BEGIN_DECLS

#define YQ_TYPE_APPS_VIEW (yq_apps_view_get_type ())

G_DECLARE_FINAL_TYPE (YqAppsView, yq_apps_view, YQ, APPS_VIEW, GtkWidget)

/* The Applications page (应用集成): the platform apps of every connector
 * with the home URL to paste into the platform console, and each
 * connector's QR-code login. */
YqStore   *yq_apps_view_get_store   (YqAppsView *self);
void       yq_apps_view_set_store   (YqAppsView *self,
                                     YqStore    *store);
YqSecrets *yq_apps_view_get_secrets (YqAppsView *self);
void       yq_apps_view_set_secrets (YqAppsView *self,
                                     YqSecrets  *secrets);
/* Reads the connectors, apps, entry points and settings again. */
void       yq_apps_view_reload      (YqAppsView *self);

G_END_DECLS
