/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-plan.h"
#include "yq-store.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

/* ---- Profiles and the binding rule --------------------------------------- */

/* The stored profile, or the defaults; the binding fields come from the
 * connector's binding rule. */
YqSyncProfile *yq_sync_profiles_get          (YqStore               *store,
                                              gint64                 connector_id,
                                              YqSyncDirection        direction,
                                              GError               **error);
/* Stores everything but the binding fields (see yq_binding_rule_set()). */
gboolean       yq_sync_profiles_set          (YqStore               *store,
                                              gint64                 connector_id,
                                              YqSyncDirection        direction,
                                              const YqSyncProfile   *profile,
                                              GError               **error);
/* Without a stored rule: mobile = mobile. */
gboolean       yq_binding_rule_get           (YqStore               *store,
                                              gint64                 connector_id,
                                              YqPersonField         *platform_field,
                                              YqPersonField         *oa_field,
                                              GError               **error);
gboolean       yq_binding_rule_set           (YqStore               *store,
                                              gint64                 connector_id,
                                              YqPersonField          platform_field,
                                              YqPersonField          oa_field,
                                              GError               **error);

/* ---- Runs and their journal ---------------------------------------------- */

/**
 * YqSyncRunState:
 * @YQ_SYNC_RUN_APPLYING: operations are being applied (or the process
 *   applying them was cut off)
 * @YQ_SYNC_RUN_APPLIED: every operation ran; some may have failed
 * @YQ_SYNC_RUN_FAILED: the run stopped on an error
 * @YQ_SYNC_RUN_BLOCKED: the plan was blocked (threshold, top mismatch,
 *   read-only); nothing was changed
 * @YQ_SYNC_RUN_INTERRUPTED: a cut-off run that a later run took over
 * @YQ_SYNC_RUN_PREVIEWED: a preview (dry run) that was not blocked;
 *   nothing was changed and there is no journal
 */
typedef enum
{
  YQ_SYNC_RUN_APPLYING,
  YQ_SYNC_RUN_APPLIED,
  YQ_SYNC_RUN_FAILED,
  YQ_SYNC_RUN_BLOCKED,
  YQ_SYNC_RUN_INTERRUPTED,
  YQ_SYNC_RUN_PREVIEWED,
} YqSyncRunState;

typedef enum
{
  YQ_SYNC_OP_PENDING,
  YQ_SYNC_OP_RUNNING,
  YQ_SYNC_OP_DONE,
  YQ_SYNC_OP_FAILED,
  YQ_SYNC_OP_SKIPPED,
} YqSyncOpState;

/**
 * YqSyncRunRecord:
 *
 * One run of the history. @counts, @warnings and @errors are JSON texts
 * (object, array of strings, array of strings). @dry_run is set for a
 * preview: it has counts and @n_ops but no journal.
 */
typedef struct
{
  gint64           id;
  gint64           connector_id;
  YqSyncDirection  direction;
  YqSyncRunState   state;
  gboolean         confirmed;
  gboolean         dry_run;
  char            *profile;
  char            *counts;
  char            *warnings;
  char            *errors;
  gint             source_people;
  guint            n_ops;
  guint            n_done;
  guint            n_failed;
  gint64           started_at;
  gint64           finished_at;
} YqSyncRunRecord;

/**
 * YqSyncOpRecord:
 *
 * One journal row.
 */
typedef struct
{
  guint          seq;
  YqSyncOpState  state;
  YqPlanOp      *op;
  char          *result_id;
  char          *error;
} YqSyncOpRecord;

void             yq_sync_run_record_free   (YqSyncRunRecord  *record);
void             yq_sync_op_record_free    (YqSyncOpRecord   *record);

/* Writes the run (state applying, or blocked when @plan is blocked) and
 * every operation as pending, in one transaction. */
gint64           yq_sync_runs_create       (YqStore          *store,
                                            gint64            connector_id,
                                            YqSyncDirection   direction,
                                            const YqSyncProfile *profile,
                                            gboolean          confirmed,
                                            YqPlan           *plan,
                                            GError          **error);
/* Writes a preview's run (state previewed, or blocked when @plan is
 * blocked; dry_run set, finished at once) with no journal. */
gint64           yq_sync_runs_record_preview (YqStore        *store,
                                            gint64            connector_id,
                                            YqSyncDirection   direction,
                                            const YqSyncProfile *profile,
                                            gboolean          confirmed,
                                            YqPlan           *plan,
                                            GError          **error);
/* Marks operations [first, first + n) of a run. */
gboolean         yq_sync_runs_mark_ops     (YqStore          *store,
                                            gint64            run_id,
                                            guint             first,
                                            guint             n,
                                            YqSyncOpState     state,
                                            const char       *result_id,
                                            const char       *error_text,
                                            GError          **error);
gboolean         yq_sync_runs_finish       (YqStore          *store,
                                            gint64            run_id,
                                            YqSyncRunState    state,
                                            const char       *errors_json,
                                            GError          **error);
YqSyncRunRecord *yq_sync_runs_get          (YqStore          *store,
                                            gint64            run_id,
                                            GError          **error);
/* Newest first; @connector_id 0 for the runs of every connector, @limit 0
 * for all. */
GPtrArray       *yq_sync_runs_list         (YqStore          *store,
                                            gint64            connector_id,
                                            guint             limit,
                                            GError          **error);
/* The journal of a run, by seq; only rows in @state unless it is -1. */
GPtrArray       *yq_sync_runs_get_ops      (YqStore          *store,
                                            gint64            run_id,
                                            gint              state,
                                            GError          **error);
/* The newest run of the connector still in state applying, or 0; never a
 * preview. */
gint64           yq_sync_runs_find_unfinished (YqStore       *store,
                                            gint64            connector_id,
                                            YqSyncDirection  *direction,
                                            GError          **error);
/* Active source people in scope at the newest applied run (not a preview)
 * in @direction, or -1. */
gint             yq_sync_runs_previous_people (YqStore       *store,
                                            gint64            connector_id,
                                            YqSyncDirection   direction,
                                            GError          **error);

const char      *yq_sync_run_state_to_string (YqSyncRunState  state);
const char      *yq_sync_op_state_to_string  (YqSyncOpState   state);

/* ---- The per-connector lease --------------------------------------------- */

/* Takes the connector's lease for @ttl_seconds, or fails with
 * YQ_STORE_ERROR_BUSY naming since when another run holds it. */
gboolean         yq_sync_lease_acquire     (YqStore          *store,
                                            gint64            connector_id,
                                            const char       *holder,
                                            guint             ttl_seconds,
                                            GError          **error);
gboolean         yq_sync_lease_renew       (YqStore          *store,
                                            gint64            connector_id,
                                            const char       *holder,
                                            guint             ttl_seconds,
                                            GError          **error);
gboolean         yq_sync_lease_release     (YqStore          *store,
                                            gint64            connector_id,
                                            const char       *holder,
                                            GError          **error);

gboolean         yq_sync_lease_is_held     (YqStore          *store,
                                            gint64            connector_id,
                                            char            **holder,
                                            GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSyncRunRecord, yq_sync_run_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSyncOpRecord, yq_sync_op_record_free)

G_END_DECLS
