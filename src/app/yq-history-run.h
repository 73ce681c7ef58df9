/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "yunqiao-core.h"
#include "yq-sync-runs.h"

G_BEGIN_DECLS

#define YQ_TYPE_HISTORY_RUN (yq_history_run_get_type ())

G_DECLARE_FINAL_TYPE (YqHistoryRun, yq_history_run, YQ, HISTORY_RUN, GObject)

/* One row of the sync history: a stored run and its connector's name. */
YqHistoryRun          *yq_history_run_new                (const YqSyncRunRecord *record,
                                                          const char            *connector_name);
gint64                 yq_history_run_get_id             (YqHistoryRun          *self);
gint64                 yq_history_run_get_connector_id   (YqHistoryRun          *self);
const char            *yq_history_run_get_connector_name (YqHistoryRun          *self);
YqSyncDirection        yq_history_run_get_direction      (YqHistoryRun          *self);
YqSyncRunState         yq_history_run_get_state          (YqHistoryRun          *self);
gboolean               yq_history_run_get_dry_run        (YqHistoryRun          *self);
gint64                 yq_history_run_get_started_at     (YqHistoryRun          *self);
gint64                 yq_history_run_get_finished_at    (YqHistoryRun          *self);
guint                  yq_history_run_get_n_ops          (YqHistoryRun          *self);
guint                  yq_history_run_get_n_failed       (YqHistoryRun          *self);
guint                  yq_history_run_get_n_warnings     (YqHistoryRun          *self);
guint                  yq_history_run_get_n_errors       (YqHistoryRun          *self);
/* "Refresh" for a run from the platform, "Apply" for the others. */
const char            *yq_history_run_get_kind_label     (YqHistoryRun          *self);
/* Short counts, "+12 ~3 −1" (created or linked, updated, deleted or
 * removed), and the same in words. */
const char            *yq_history_run_get_short_counts   (YqHistoryRun          *self);
const char            *yq_history_run_get_counts_text    (YqHistoryRun          *self);
/* "2 min 5 s", or "" while the run has not finished. */
char                  *yq_history_run_format_duration    (YqHistoryRun          *self);
/* "success", "warning", "error" or NULL (still applying). */
const char            *yq_history_run_get_result_class   (YqHistoryRun          *self);
/* Whether the connector, direction, kind, state or a warning or error
 * contains @casefolded (casefolded with g_utf8_casefold()). */
gboolean               yq_history_run_matches            (YqHistoryRun          *self,
                                                          const char            *casefolded);

G_END_DECLS
