/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-schedule"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-schedule.h"
#include "yq-store-private.h"

/* The largest interval count yq_schedule_parse_interval() accepts: 100000
 * hours are over 11 years, 100000 days over 270. */
#define MAX_EVERY 100000

/* GDateTime stops at the end of the year 9999; calendar slots are looked
 * for no later than a year before that. */
#define LAST_CALENDAR_TIME G_GINT64_CONSTANT (253370764800) /* 9999-01-01 UTC */
#define MAX_CALENDAR_DAYS (10000 * 366)

static const char * const unit_names[] = {
  [YQ_SCHEDULE_HOURS] = "hours",
  [YQ_SCHEDULE_DAYS] = "days",
  [YQ_SCHEDULE_WEEKS] = "weeks",
};

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
unit_from_string (const char     *text,
                  YqScheduleUnit *unit)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (unit_names); i++)
    {
      if (g_str_equal (text, unit_names[i]))
        {
          *unit = (YqScheduleUnit) i;
          return TRUE;
        }
    }

  return FALSE;
}

YqSchedule *
yq_schedule_new (void)
{
  YqSchedule *schedule = g_new0 (YqSchedule, 1);

  schedule->direction = YQ_SYNC_DIRECTION_FROM_PLATFORM;
  schedule->unit = YQ_SCHEDULE_DAYS;
  schedule->every = 1;
  schedule->enabled = TRUE;

  return schedule;
}

YqSchedule *
yq_schedule_copy (const YqSchedule *schedule)
{
  g_return_val_if_fail (schedule != NULL, NULL);

  return g_memdup2 (schedule, sizeof *schedule);
}

void
yq_schedule_free (YqSchedule *schedule)
{
  g_free (schedule);
}

/* ---- Slots ------------------------------------------------------------------
 *
 * Hour slots are start_at + k × every × 3600 s. Day and week slots are the
 * start's local date and time moved by k × every calendar days (or weeks)
 * in the local time zone, each computed from the start and not from the
 * previous slot, so that a day that lost its 02:00 to a DST change does not
 * shift the days after it. A local time that does not exist on a slot's
 * day is moved forward the way GDateTime does it (02:30 on a spring-forward
 * night of a zone that jumps from 02:00 to 03:00 is 03:00); a time that
 * exists twice is the one with the start's DST state.
 *
 * The local time zone is g_time_zone_new_local (), which follows $TZ: tests
 * set TZ before they compute slots, and the service follows the zone the
 * session gives it.
 *
 * Finding the slot around a time does not walk from the start: k is
 * estimated by dividing by the nominal length of a step and then corrected
 * by the step or two that DST changes can shift it. */

typedef struct
{
  const YqSchedule *schedule;
  /* The start in the local time zone; days and weeks only. */
  GDateTime        *start;
  gint64            days_per_step;
} Slots;

static void
slots_init (Slots            *slots,
            const YqSchedule *schedule)
{
  slots->schedule = schedule;
  slots->start = NULL;
  slots->days_per_step = 0;

  if (schedule->unit != YQ_SCHEDULE_HOURS)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (schedule->start_at);

      if (utc != NULL)
        slots->start = g_date_time_to_timezone (utc, tz);
      slots->days_per_step = (gint64) schedule->every
                             * (schedule->unit == YQ_SCHEDULE_WEEKS ? 7 : 1);
    }
}

static void
slots_clear (Slots *slots)
{
  g_clear_pointer (&slots->start, g_date_time_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Slots, slots_clear)

/* The k-th slot (k ≥ 0); FALSE when it cannot be represented. */
static gboolean
slots_get (Slots  *slots,
           gint64  k,
           gint64 *slot)
{
  const YqSchedule *schedule = slots->schedule;
  g_autoptr(GDateTime) time = NULL;

  g_assert (k >= 0);

  if (schedule->unit == YQ_SCHEDULE_HOURS)
    {
      gint64 step = (gint64) schedule->every * 3600;

      if (k > (G_MAXINT64 - schedule->start_at) / step)
        return FALSE;

      *slot = schedule->start_at + k * step;
      return TRUE;
    }

  if (slots->start == NULL || k > MAX_CALENDAR_DAYS / slots->days_per_step)
    return FALSE;

  time = g_date_time_add_days (slots->start, (gint) (k * slots->days_per_step));
  if (time == NULL)
    return FALSE;

  *slot = g_date_time_to_unix (time);
  return TRUE;
}

/* The index of the newest slot at or before @time, or -1 when @time is
 * before the start. */
static gint64
slots_index_at (Slots  *slots,
                gint64  time)
{
  const YqSchedule *schedule = slots->schedule;
  gint64 step;
  gint64 slot;
  gint64 k;

  if (time < schedule->start_at)
    return -1;

  if (schedule->unit == YQ_SCHEDULE_HOURS)
    return (time - schedule->start_at) / ((gint64) schedule->every * 3600);

  time = MIN (time, LAST_CALENDAR_TIME);
  if (time < schedule->start_at)
    return -1;

  step = slots->days_per_step * 86400;
  k = (time - schedule->start_at) / step;

  /* Local days are 23 or 25 hours long around DST changes (other lengths in
   * a few zones): the estimate is off by at most a step or two. */
  while (k > 0 && (!slots_get (slots, k, &slot) || slot > time))
    k--;
  while (slots_get (slots, k + 1, &slot) && slot <= time)
    k++;

  return k;
}

static gboolean
schedule_is_valid (const YqSchedule *schedule)
{
  return schedule->start_at > 0 && schedule->every >= 1 &&
         (guint) schedule->unit < G_N_ELEMENTS (unit_names);
}

/**
 * yq_schedule_next_slot:
 * @schedule: a schedule
 * @after: Unix seconds
 *
 * Returns: the first slot strictly after @after, or 0 when there is none
 *   (the schedule ended or is disabled)
 */
gint64
yq_schedule_next_slot (const YqSchedule *schedule,
                       gint64            after)
{
  g_auto(Slots) slots = { NULL, NULL, 0 };
  gint64 slot;
  gint64 k;

  g_return_val_if_fail (schedule != NULL, 0);

  if (!schedule->enabled || !schedule_is_valid (schedule))
    return 0;

  slots_init (&slots, schedule);
  k = slots_index_at (&slots, after);
  /* Near the end of the calendar the index stops growing with @after. */
  if (!slots_get (&slots, k + 1, &slot) || slot <= after)
    return 0;

  if (schedule->end_at > 0 && slot > schedule->end_at)
    return 0;

  return slot;
}

/**
 * yq_schedule_due_slot:
 * @schedule: a schedule
 * @now: Unix seconds
 *
 * Returns: the newest slot s with last_slot < s ≤ @now (and s ≤ end_at),
 *   or 0 when nothing is due. After a long suspend this is one slot, the
 *   newest, however many were missed.
 */
gint64
yq_schedule_due_slot (const YqSchedule *schedule,
                      gint64            now)
{
  g_auto(Slots) slots = { NULL, NULL, 0 };
  gint64 limit = now;
  gint64 slot;
  gint64 k;

  g_return_val_if_fail (schedule != NULL, 0);

  if (!schedule->enabled || !schedule_is_valid (schedule))
    return 0;

  if (schedule->end_at > 0)
    limit = MIN (limit, schedule->end_at);

  slots_init (&slots, schedule);
  k = slots_index_at (&slots, limit);
  if (k < 0 || !slots_get (&slots, k, &slot))
    return 0;

  if (slot <= schedule->last_slot)
    return 0;

  return slot;
}

/**
 * yq_schedule_next_run:
 * @schedule: a schedule
 * @now: Unix seconds
 *
 * When the schedule runs next as seen at @now: the due slot if there is
 * one (it runs at the next check), else the first slot after @now that has
 * not run yet (after the clock was turned back, slots up to last_slot do
 * not run again).
 *
 * Returns: Unix seconds, or 0 for never
 */
gint64
yq_schedule_next_run (const YqSchedule *schedule,
                      gint64            now)
{
  gint64 due;

  g_return_val_if_fail (schedule != NULL, 0);

  due = yq_schedule_due_slot (schedule, now);
  if (due > 0)
    return due;

  return yq_schedule_next_slot (schedule, MAX (now, schedule->last_slot));
}

/* ---- Intervals -------------------------------------------------------------- */

typedef struct
{
  const char     *word;
  YqScheduleUnit  unit;
} UnitWord;

static const UnitWord unit_words[] = {
  { "h", YQ_SCHEDULE_HOURS },
  { "hr", YQ_SCHEDULE_HOURS },
  { "hrs", YQ_SCHEDULE_HOURS },
  { "hour", YQ_SCHEDULE_HOURS },
  { "hours", YQ_SCHEDULE_HOURS },
  { "小时", YQ_SCHEDULE_HOURS },
  { "个小时", YQ_SCHEDULE_HOURS },
  { "d", YQ_SCHEDULE_DAYS },
  { "day", YQ_SCHEDULE_DAYS },
  { "days", YQ_SCHEDULE_DAYS },
  { "天", YQ_SCHEDULE_DAYS },
  { "日", YQ_SCHEDULE_DAYS },
  { "w", YQ_SCHEDULE_WEEKS },
  { "wk", YQ_SCHEDULE_WEEKS },
  { "wks", YQ_SCHEDULE_WEEKS },
  { "week", YQ_SCHEDULE_WEEKS },
  { "weeks", YQ_SCHEDULE_WEEKS },
  { "周", YQ_SCHEDULE_WEEKS },
  { "个周", YQ_SCHEDULE_WEEKS },
  { "星期", YQ_SCHEDULE_WEEKS },
  { "个星期", YQ_SCHEDULE_WEEKS },
};

static const char *
skip_spaces (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;

  return p;
}

/**
 * yq_schedule_parse_interval:
 * @text: an interval
 * @unit: (out): the unit
 * @every: (out): the count, 1 to 100000
 *
 * Reads "12h", "1d", "2w", "3 hours", "1 day", "2 weeks" (in any case),
 * and the Chinese "12小时", "1天", "2周" or "2个星期", optionally after
 * "every" or "每" (where a missing count is 1: "每天", "every week").
 *
 * Returns: %TRUE when @text is an interval; @unit and @every are left
 *   alone otherwise
 */
gboolean
yq_schedule_parse_interval (const char     *text,
                            YqScheduleUnit *unit,
                            guint          *every)
{
  g_autofree char *word = NULL;
  gboolean prefixed = FALSE;
  guint64 count = 0;
  guint n_digits = 0;
  const char *p;

  g_return_val_if_fail (unit != NULL, FALSE);
  g_return_val_if_fail (every != NULL, FALSE);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;

  p = skip_spaces (text);
  if (g_ascii_strncasecmp (p, "every", 5) == 0 && (p[5] == ' ' || p[5] == '\t'))
    {
      p = skip_spaces (p + 5);
      prefixed = TRUE;
    }
  else if (g_str_has_prefix (p, "每"))
    {
      p = skip_spaces (p + strlen ("每"));
      prefixed = TRUE;
    }

  for (; g_ascii_isdigit (*p); p++, n_digits++)
    {
      count = count * 10 + (guint64) (*p - '0');
      if (count > MAX_EVERY)
        return FALSE;
    }

  if (n_digits == 0)
    {
      if (!prefixed)
        return FALSE;
      count = 1;
    }
  if (count < 1)
    return FALSE;

  p = skip_spaces (p);
  word = g_ascii_strdown (p, -1);
  g_strchomp (word);

  for (guint i = 0; i < G_N_ELEMENTS (unit_words); i++)
    {
      if (g_str_equal (word, unit_words[i].word))
        {
          *unit = unit_words[i].unit;
          *every = (guint) count;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * yq_schedule_format_interval:
 * @unit: the unit
 * @every: the count
 *
 * Returns: (transfer full): "12h", "1d" or "2w", which
 *   yq_schedule_parse_interval() reads back
 */
char *
yq_schedule_format_interval (YqScheduleUnit unit,
                             guint          every)
{
  switch (unit)
    {
    case YQ_SCHEDULE_HOURS:
      return g_strdup_printf ("%uh", every);
    case YQ_SCHEDULE_DAYS:
      return g_strdup_printf ("%ud", every);
    case YQ_SCHEDULE_WEEKS:
      return g_strdup_printf ("%uw", every);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* ---- Stored schedules ------------------------------------------------------- */

#define SCHEDULE_COLUMNS \
  "connector_id, direction, start_at, unit, every, end_at, last_slot, enabled"

static YqSchedule *
schedule_from_row (sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(YqSchedule) schedule = yq_schedule_new ();
  const char *direction = (const char *) sqlite3_column_text (stmt, 1);
  const char *unit = (const char *) sqlite3_column_text (stmt, 3);
  gint64 every = sqlite3_column_int64 (stmt, 4);

  schedule->connector_id = sqlite3_column_int64 (stmt, 0);
  if (!yq_sync_direction_from_string (direction, &schedule->direction) ||
      !unit_from_string (unit, &schedule->unit) || every < 1 || every > G_MAXUINT)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, schedule->connector_id);

      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CORRUPT,
                   _("The stored sync schedule of connector %s is damaged."), id);
      return NULL;
    }

  schedule->start_at = sqlite3_column_int64 (stmt, 2);
  schedule->every = (guint) every;
  schedule->end_at = sqlite3_column_int64 (stmt, 5);
  schedule->last_slot = sqlite3_column_int64 (stmt, 6);
  schedule->enabled = sqlite3_column_int (stmt, 7) != 0;

  return g_steal_pointer (&schedule);
}

/**
 * yq_schedules_list:
 * @store: the store
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type YqSchedule): every schedule, by
 *   connector and direction, or %NULL with @error set
 */
GPtrArray *
yq_schedules_list (YqStore  *store,
                   GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) schedules = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "SELECT " SCHEDULE_COLUMNS " FROM sync_schedules "
                           "ORDER BY connector_id, direction",
                           error);
  if (stmt == NULL)
    return NULL;

  schedules = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_schedule_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqSchedule *schedule = schedule_from_row (stmt, error);

      if (schedule == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (schedules, schedule);
    }
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the sync schedules"));
      sqlite3_reset (stmt);
      return NULL;
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&schedules);
}

static void
set_not_found (GError          **error,
               gint64            connector_id,
               YqSyncDirection   direction)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, connector_id);

  g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND,
               /* Translators: the first %s is a connector ID, the second a sync direction
                * such as “to-oa” */
               _("Connector %s has no sync schedule for the direction %s."),
               id, yq_sync_direction_to_string (direction));
}

/**
 * yq_schedules_get:
 * @store: the store
 * @connector_id: the connector
 * @direction: the direction
 * @error: return location for an error
 *
 * Returns: (transfer full): the schedule, or %NULL with @error set
 *   (%YQ_STORE_ERROR_NOT_FOUND when there is none)
 */
YqSchedule *
yq_schedules_get (YqStore          *store,
                  gint64            connector_id,
                  YqSyncDirection   direction,
                  GError          **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  YqSchedule *schedule = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail ((guint) direction < YQ_N_SYNC_DIRECTIONS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "SELECT " SCHEDULE_COLUMNS " FROM sync_schedules "
                           "WHERE connector_id = ?1 AND direction = ?2",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (direction), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    schedule = schedule_from_row (stmt, error);
  else if (rc == SQLITE_DONE)
    set_not_found (error, connector_id, direction);
  else
    yq_store_set_error (store, error, rc, _("Could not read the sync schedule"));
  sqlite3_reset (stmt);

  return schedule;
}

static gboolean
set_in_transaction (YqStore  *store,
                    gpointer  user_data,
                    GError  **error)
{
  const YqSchedule *schedule = user_data;
  const char *direction = yq_sync_direction_to_string (schedule->direction);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, schedule->connector_id);
  gint64 last_slot = schedule->last_slot;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, "SELECT kind FROM connectors WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, schedule->connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT,
                   _("There is no connector with ID %s to schedule; it may have been deleted."),
                   id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      yq_store_set_error (store, error, rc, _("Could not save the sync schedule"));
      return FALSE;
    }
  if (schedule->direction == YQ_SYNC_DIRECTION_TO_PLATFORM &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "yzj") != 0)
    {
      sqlite3_reset (stmt);
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT,
                   _("Connector %s is a 政务钉钉 connector: its directory can only be read, so "
                     "it cannot have a to-platform schedule."),
                   id);
      return FALSE;
    }
  sqlite3_reset (stmt);

  /* Slots that already ran stay done unless the slots themselves moved. */
  stmt = yq_store_prepare (store,
                           "SELECT start_at, last_slot FROM sync_schedules "
                           "WHERE connector_id = ?1 AND direction = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, schedule->connector_id);
  sqlite3_bind_text (stmt, 2, direction, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == schedule->start_at)
    last_slot = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not save the sync schedule"));
      return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "INSERT INTO sync_schedules (connector_id, direction, start_at, unit, "
                           "every, end_at, last_slot, enabled, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, NULLIF (?6, 0), NULLIF (?7, 0), ?8, ?9) "
                           "ON CONFLICT (connector_id, direction) DO UPDATE SET "
                           "start_at = excluded.start_at, unit = excluded.unit, "
                           "every = excluded.every, end_at = excluded.end_at, "
                           "last_slot = excluded.last_slot, enabled = excluded.enabled, "
                           "updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, schedule->connector_id);
  sqlite3_bind_text (stmt, 2, direction, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, schedule->start_at);
  sqlite3_bind_text (stmt, 4, unit_names[schedule->unit], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, schedule->every);
  sqlite3_bind_int64 (stmt, 6, schedule->end_at);
  sqlite3_bind_int64 (stmt, 7, MAX (last_slot, 0));
  sqlite3_bind_int (stmt, 8, schedule->enabled ? 1 : 0);
  sqlite3_bind_int64 (stmt, 9, now_seconds ());

  return yq_store_run (store, stmt, _("Could not save the sync schedule"), error);
}

/**
 * yq_schedules_set:
 * @store: the store
 * @schedule: the schedule
 * @error: return location for an error
 *
 * Inserts or replaces the schedule of @schedule's connector and direction.
 * For an existing schedule whose start is unchanged the stored last_slot
 * is kept; otherwise @schedule's last_slot is stored.
 *
 * Returns: %TRUE on success; %YQ_STORE_ERROR_CONSTRAINT with a message
 *   saying what is wrong when the schedule is not valid or the connector
 *   does not exist (or cannot sync in that direction)
 */
gboolean
yq_schedules_set (YqStore           *store,
                  const YqSchedule  *schedule,
                  GError           **error)
{
  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (schedule != NULL, FALSE);
  g_return_val_if_fail ((guint) schedule->direction < YQ_N_SYNC_DIRECTIONS, FALSE);
  g_return_val_if_fail ((guint) schedule->unit < G_N_ELEMENTS (unit_names), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (schedule->start_at <= 0)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT,
                   _("A sync schedule needs a start date and time after 1970."));
      return FALSE;
    }
  if (schedule->every < 1)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT,
                   _("A sync schedule’s interval must be at least 1 hour, day or week."));
      return FALSE;
    }
  if (schedule->end_at != 0 && schedule->end_at <= schedule->start_at)
    {
      g_set_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT,
                   _("A sync schedule’s end must be after its start."));
      return FALSE;
    }

  return yq_store_transaction (store, set_in_transaction, (gpointer) schedule, error);
}

/**
 * yq_schedules_delete:
 * @store: the store
 * @connector_id: the connector
 * @direction: the direction
 * @error: return location for an error
 *
 * Returns: %TRUE on success; %YQ_STORE_ERROR_NOT_FOUND when there was no
 *   such schedule
 */
gboolean
yq_schedules_delete (YqStore          *store,
                     gint64            connector_id,
                     YqSyncDirection   direction,
                     GError          **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail ((guint) direction < YQ_N_SYNC_DIRECTIONS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "DELETE FROM sync_schedules WHERE connector_id = ?1 AND direction = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (direction), -1, SQLITE_STATIC);
  if (!yq_store_run (store, stmt, _("Could not remove the sync schedule"), error))
    return FALSE;

  if (sqlite3_changes (yq_store_get_db (store)) == 0)
    {
      set_not_found (error, connector_id, direction);
      return FALSE;
    }

  return TRUE;
}

/**
 * yq_schedules_mark_slot:
 * @store: the store
 * @connector_id: the connector
 * @direction: the direction
 * @slot: a slot that ran or was skipped
 * @error: return location for an error
 *
 * Records that @slot is done: last_slot = MAX (last_slot, @slot), so a
 * late or repeated mark never moves it back.
 *
 * Returns: %TRUE on success; %YQ_STORE_ERROR_NOT_FOUND when there is no
 *   such schedule
 */
gboolean
yq_schedules_mark_slot (YqStore          *store,
                        gint64            connector_id,
                        YqSyncDirection   direction,
                        gint64            slot,
                        GError          **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail ((guint) direction < YQ_N_SYNC_DIRECTIONS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "UPDATE sync_schedules "
                           "SET last_slot = NULLIF (MAX (IFNULL (last_slot, 0), ?3), 0) "
                           "WHERE connector_id = ?1 AND direction = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, yq_sync_direction_to_string (direction), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, slot);
  if (!yq_store_run (store, stmt, _("Could not record the scheduled run"), error))
    return FALSE;

  if (sqlite3_changes (yq_store_get_db (store)) == 0)
    {
      set_not_found (error, connector_id, direction);
      return FALSE;
    }

  return TRUE;
}
