/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yunqiao-core.h"
#include "yq-comparison.h"
#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-plan.h"
#include "yq-platform.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

#define YQ_SYNC_ERROR (yq_sync_error_quark ())

/**
 * YqSyncError:
 * @YQ_SYNC_ERROR_BLOCKED: the plan is blocked (top mismatch, read-only);
 *   nothing was changed
 * @YQ_SYNC_ERROR_NEEDS_CONFIRMATION: a threshold was exceeded; nothing was
 *   changed, run again with confirmation to proceed
 * @YQ_SYNC_ERROR_NOT_SUPPORTED: the direction is not possible for this
 *   connector (政务钉钉's directory is read-only)
 * @YQ_SYNC_ERROR_FAILED: some operations failed (see the run's journal)
 * @YQ_SYNC_ERROR_BUSY: a sync of the connector is already queued or running
 */
typedef enum
{
  YQ_SYNC_ERROR_BLOCKED,
  YQ_SYNC_ERROR_NEEDS_CONFIRMATION,
  YQ_SYNC_ERROR_NOT_SUPPORTED,
  YQ_SYNC_ERROR_FAILED,
  YQ_SYNC_ERROR_BUSY,
} YqSyncError;

/**
 * YqSyncStage:
 * @YQ_SYNC_STAGE_FETCH: reading the platform directory
 * @YQ_SYNC_STAGE_PLAN: comparing the two sides
 * @YQ_SYNC_STAGE_REFRESH: writing the platform directory into the bridge
 * @YQ_SYNC_STAGE_APPLY: applying the operations of the main direction
 */
typedef enum
{
  YQ_SYNC_STAGE_FETCH,
  YQ_SYNC_STAGE_PLAN,
  YQ_SYNC_STAGE_REFRESH,
  YQ_SYNC_STAGE_APPLY,
} YqSyncStage;

typedef void (*YqSyncProgressFunc) (YqSyncStage  stage,
                                    guint        done,
                                    guint        total,
                                    gpointer     user_data);

#define YQ_TYPE_SYNC_RUN (yq_sync_run_get_type ())

G_DECLARE_FINAL_TYPE (YqSyncRun, yq_sync_run, YQ, SYNC_RUN, GObject)

GQuark         yq_sync_error_quark            (void);

YqSyncRun     *yq_sync_run_new                (YqStore             *store,
                                               YqSecrets           *secrets,
                                               gint64               connector_id,
                                               YqSyncDirection      direction,
                                               GError             **error);
/* Tests and callers that already hold a client or a directory. */
void           yq_sync_run_set_platform       (YqSyncRun           *self,
                                               YqPlatform          *platform);
void           yq_sync_run_set_oa_directory   (YqSyncRun           *self,
                                               YqOaDirectory       *directory);
void           yq_sync_run_set_confirmed      (YqSyncRun           *self,
                                               gboolean             confirmed);
void           yq_sync_run_set_progress_func  (YqSyncRun           *self,
                                               YqSyncProgressFunc   func,
                                               gpointer             user_data);
YqSyncDirection yq_sync_run_get_direction     (YqSyncRun           *self);
void           yq_sync_run_request_stop       (YqSyncRun           *self);
void           yq_sync_run_get_fetch_stats    (YqSyncRun           *self,
                                               YqFetchStats        *stats);

/* Fetches and plans; changes nothing but records the preview in the
 * history (see yq_sync_run_get_run_id()). */
void           yq_sync_run_preview_async      (YqSyncRun           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
YqPlan        *yq_sync_run_preview_finish     (YqSyncRun           *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Fetches, refreshes the bridge directory, plans and applies, journaled.
 * A run of the connector that was cut off is taken over first. */
void           yq_sync_run_apply_async        (YqSyncRun           *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* Returns the ID of the run of the main direction (also when it failed or
 * was blocked: then with @error set), or 0. @plan receives that run's plan. */
gint64         yq_sync_run_apply_finish       (YqSyncRun           *self,
                                               GAsyncResult        *result,
                                               YqPlan             **plan,
                                               GError             **error);

/* The history row of the last preview or apply's main run, or 0. */
gint64         yq_sync_run_get_run_id         (YqSyncRun           *self);

/* The comparison of the main plan that was previewed or applied (also when
 * it was blocked); NULL before a plan exists. */
YqComparison  *yq_sync_run_get_comparison     (YqSyncRun           *self);

G_END_DECLS
