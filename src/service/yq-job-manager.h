/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-job.h"

G_BEGIN_DECLS

#define YQ_TYPE_JOB_MANAGER (yq_job_manager_get_type ())

G_DECLARE_FINAL_TYPE (YqJobManager, yq_job_manager, YQ, JOB_MANAGER, GObject)

YqJobManager *yq_job_manager_new          (GDBusObjectManagerServer *object_manager);
/* Starts @job and exports it; fails with YQ_SYNC_ERROR_BUSY while another
 * job of the same connector is queued or running. Returns the object path. */
char         *yq_job_manager_add          (YqJobManager             *self,
                                           YqJob                    *job,
                                           GError                  **error);
gboolean      yq_job_manager_is_busy      (YqJobManager             *self,
                                           gint64                    connector_id);
guint         yq_job_manager_get_n_active (YqJobManager             *self);
/* Object paths, oldest first. */
GStrv         yq_job_manager_list_paths   (YqJobManager             *self);
/* Every active job stops after its operation in progress. */
void          yq_job_manager_stop_all     (YqJobManager             *self);

G_END_DECLS
