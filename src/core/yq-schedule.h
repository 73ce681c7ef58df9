/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-store.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

/**
 * YqScheduleUnit:
 * @YQ_SCHEDULE_HOURS: every N hours (fixed lengths of 3600 s)
 * @YQ_SCHEDULE_DAYS: every N days at the start's local time of day
 * @YQ_SCHEDULE_WEEKS: every N weeks at the start's local weekday and time
 */
typedef enum
{
  YQ_SCHEDULE_HOURS,
  YQ_SCHEDULE_DAYS,
  YQ_SCHEDULE_WEEKS,
} YqScheduleUnit;

/**
 * YqSchedule:
 * @connector_id: the connector
 * @direction: the sync direction (定时同步 is per sync profile)
 * @start_at: the first slot, Unix seconds
 * @unit: the interval's unit
 * @every: the interval's count, at least 1
 * @end_at: no slot after this, Unix seconds; 0 for no end
 * @last_slot: the newest slot that was run (or skipped), 0 for none
 * @enabled: whether the schedule runs at all
 *
 * A sync schedule. Slots are start_at + k × interval (k ≥ 0), computed
 * from wall-clock time in the local time zone for days and weeks, so that
 * "every day at 02:00" stays at 02:00. A slot runs at most once: after a
 * suspend or a clock jump only the newest missed slot runs.
 */
typedef struct
{
  gint64          connector_id;
  YqSyncDirection direction;
  gint64          start_at;
  YqScheduleUnit  unit;
  guint           every;
  gint64          end_at;
  gint64          last_slot;
  gboolean        enabled;
} YqSchedule;

YqSchedule *yq_schedule_new            (void);
YqSchedule *yq_schedule_copy           (const YqSchedule *schedule);
void        yq_schedule_free           (YqSchedule       *schedule);

/* The first slot strictly after @after, or 0 when there is none (ended,
 * disabled). */
gint64      yq_schedule_next_slot      (const YqSchedule *schedule,
                                        gint64            after);
/* The newest slot s with last_slot < s ≤ @now, or 0: what should run now. */
gint64      yq_schedule_due_slot       (const YqSchedule *schedule,
                                        gint64            now);
/* When the schedule runs next as seen at @now: a due slot (overdue, runs at
 * the next check), else the next slot after @now; 0 for never. */
gint64      yq_schedule_next_run       (const YqSchedule *schedule,
                                        gint64            now);
/* "12h", "1d", "2w" and back. */
gboolean    yq_schedule_parse_interval (const char       *text,
                                        YqScheduleUnit   *unit,
                                        guint            *every);
char       *yq_schedule_format_interval (YqScheduleUnit  unit,
                                         guint           every);

/* Stored schedules: one per connector and direction. */
GPtrArray  *yq_schedules_list          (YqStore          *store,
                                        GError          **error);
/* NULL with YQ_STORE_ERROR_NOT_FOUND when there is none. */
YqSchedule *yq_schedules_get           (YqStore          *store,
                                        gint64            connector_id,
                                        YqSyncDirection   direction,
                                        GError          **error);
/* Validates (YQ_STORE_ERROR_CONSTRAINT with a clear message: every ≥ 1,
 * end after start, known connector) and inserts or replaces; last_slot is
 * kept for an existing schedule unless the start changed. */
gboolean    yq_schedules_set           (YqStore          *store,
                                        const YqSchedule *schedule,
                                        GError          **error);
gboolean    yq_schedules_delete        (YqStore          *store,
                                        gint64            connector_id,
                                        YqSyncDirection   direction,
                                        GError          **error);
/* last_slot = MAX (last_slot, @slot). */
gboolean    yq_schedules_mark_slot     (YqStore          *store,
                                        gint64            connector_id,
                                        YqSyncDirection   direction,
                                        gint64            slot,
                                        GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSchedule, yq_schedule_free)

G_END_DECLS
