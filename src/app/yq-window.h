/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_WINDOW (yq_window_get_type ())

G_DECLARE_FINAL_TYPE (YqWindow, yq_window, YQ, WINDOW, AdwApplicationWindow)

YqWindow   *yq_window_new            (GtkApplication *application,
                                      const char     *data_dir);
const char *yq_window_get_data_dir   (YqWindow       *self);
YqStore    *yq_window_get_store      (YqWindow       *self);
YqSecrets  *yq_window_get_secrets    (YqWindow       *self);
void        yq_window_show_view      (YqWindow       *self,
                                      const char     *name);
const char *yq_window_get_visible_view (YqWindow     *self);
GtkWindow  *yq_window_show_run       (YqWindow       *self,
                                      gint64          run_id);

G_END_DECLS
