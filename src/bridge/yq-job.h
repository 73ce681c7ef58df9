/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-sync-run.h"

G_BEGIN_DECLS

/**
 * YqJobState:
 * @YQ_JOB_QUEUED: created, not started
 * @YQ_JOB_RUNNING: working
 * @YQ_JOB_SUCCEEDED: done; every operation was applied
 * @YQ_JOB_FAILED: stopped on an error, or some operations failed
 * @YQ_JOB_BLOCKED: the plan was blocked; nothing was changed
 * @YQ_JOB_CANCELLED: cancelled; what was applied stays applied
 */
typedef enum
{
  YQ_JOB_QUEUED,
  YQ_JOB_RUNNING,
  YQ_JOB_SUCCEEDED,
  YQ_JOB_FAILED,
  YQ_JOB_BLOCKED,
  YQ_JOB_CANCELLED,
} YqJobState;

#define YQ_TYPE_JOB (yq_job_get_type ())

G_DECLARE_FINAL_TYPE (YqJob, yq_job, YQ, JOB, GObject)

YqJob          *yq_job_new_sync         (YqStore          *store,
                                         YqSecrets        *secrets,
                                         gint64            connector_id,
                                         YqSyncDirection   direction,
                                         gboolean          dry_run,
                                         gboolean          confirm,
                                         gboolean          scheduled,
                                         GError          **error);
/* For tests: the platform client to use instead of the connector's. */
void            yq_job_set_platform     (YqJob            *self,
                                         YqPlatform       *platform);
void            yq_job_start            (YqJob            *self);
void            yq_job_cancel           (YqJob            *self);
void            yq_job_stop_soon        (YqJob            *self);

const char     *yq_job_get_kind         (YqJob            *self);
gint64          yq_job_get_connector    (YqJob            *self);
YqSyncDirection yq_job_get_direction    (YqJob            *self);
gboolean        yq_job_get_scheduled    (YqJob            *self);
YqJobState      yq_job_get_state        (YqJob            *self);
gboolean        yq_job_is_finished      (YqJob            *self);
gint64          yq_job_get_run_id       (YqJob            *self);
const char     *yq_job_get_error        (YqJob            *self);
/* The preview's plan once it succeeded. */
YqPlan         *yq_job_get_plan         (YqJob            *self);
/* The comparison file written for the job's plan, or NULL (none yet, none
 * made, or cancelled). */
const char     *yq_job_get_comparison   (YqJob            *self);

const char     *yq_job_state_to_string  (YqJobState        state);

G_END_DECLS
