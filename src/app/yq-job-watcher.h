/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-dbus-generated.h"

G_BEGIN_DECLS

#define YQ_TYPE_JOB_WATCHER (yq_job_watcher_get_type ())

G_DECLARE_FINAL_TYPE (YqJobWatcher, yq_job_watcher, YQ, JOB_WATCHER, GObject)

YqJobWatcher *yq_job_watcher_new             (void);
YqDBusJob    *yq_job_watcher_lookup          (YqJobWatcher *self,
                                              const char   *object_path);
gboolean      yq_job_watcher_get_connected   (YqJobWatcher *self);

G_END_DECLS
