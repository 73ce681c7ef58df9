/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Sync schedules: slot arithmetic (fixed hours, calendar days and weeks in
 * the local time zone across DST changes, ends, suspends, clock jumps),
 * intervals, and the stored schedules.
 *
 * The local time zone is $TZ (see yq-schedule.c): every test that computes
 * slots sets it first.
 */
#include "config.h"

#include <string.h>

#include "yq-schedule.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"
#include "yunqiao-core.h"

#define HOUR G_GINT64_CONSTANT (3600)
#define DAY (24 * HOUR)

static void
set_local_zone (const char *zone)
{
  g_autoptr(GTimeZone) tz = NULL;

  g_setenv ("TZ", zone, TRUE);
  tz = g_time_zone_new_local ();
  /* A missing zone would silently be UTC and the DST tests would prove
   * nothing. */
  g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, zone);
}

static gint64
utc (int year,
     int month,
     int day,
     int hour,
     int minute)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (year, month, day, hour, minute, 0);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

/* The local time of @slot as "YYYY-MM-DD HH:MM ±hh" in zone @zone. */
static char *
local_text (gint64      slot,
            const char *zone)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);
  g_autoptr(GDateTime) at_utc = g_date_time_new_from_unix_utc (slot);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (at_utc, tz);

  return g_date_time_format (local, "%Y-%m-%d %H:%M %z");
}

static YqSchedule *
make (YqScheduleUnit unit,
      guint          every,
      gint64         start_at)
{
  YqSchedule *schedule = yq_schedule_new ();

  schedule->connector_id = 1;
  schedule->unit = unit;
  schedule->every = every;
  schedule->start_at = start_at;

  return schedule;
}

/* ---- Slot arithmetic -------------------------------------------------------- */

typedef struct
{
  const char     *what;
  YqScheduleUnit  unit;
  guint           every;
  gint64          end;      /* offsets from the start; G_MININT64 for none */
  gint64          last;
  gboolean        disabled;
  gint64          now;
  gint64          next;     /* expected next_slot (now), offset or NONE */
  gint64          due;      /* expected due_slot (now) */
  gint64          run;      /* expected next_run (now) */
} SlotCase;

#define NONE G_MININT64

static void
test_slot_table (void)
{
  /* 2024-05-01 02:00 in Shanghai (no DST), so calendar days are 86400 s. */
  const gint64 start = utc (2024, 4, 30, 18, 0);
  const SlotCase cases[] = {
    { "hours: before the start", YQ_SCHEDULE_HOURS, 6, NONE, NONE, FALSE,
      -1, 0, NONE, 0 },
    { "hours: long before the start", YQ_SCHEDULE_HOURS, 6, NONE, NONE, FALSE,
      -400 * DAY, 0, NONE, 0 },
    { "hours: exactly on the start", YQ_SCHEDULE_HOURS, 6, NONE, NONE, FALSE,
      0, 6 * HOUR, 0, 0 },
    { "hours: between slots", YQ_SCHEDULE_HOURS, 6, NONE, NONE, FALSE,
      HOUR, 6 * HOUR, 0, 0 },
    { "hours: between slots, the slot ran", YQ_SCHEDULE_HOURS, 6, NONE, 0, FALSE,
      HOUR, 6 * HOUR, NONE, 6 * HOUR },
    { "hours: exactly on the next slot", YQ_SCHEDULE_HOURS, 6, NONE, 0, FALSE,
      6 * HOUR, 12 * HOUR, 6 * HOUR, 6 * HOUR },
    { "hours: last_slot equal to the slot", YQ_SCHEDULE_HOURS, 6, NONE, 6 * HOUR, FALSE,
      6 * HOUR + 5, 12 * HOUR, NONE, 12 * HOUR },
    { "hours: one second before a slot", YQ_SCHEDULE_HOURS, 6, NONE, 0, FALSE,
      6 * HOUR - 1, 6 * HOUR, NONE, 6 * HOUR },
    { "hours: every 1", YQ_SCHEDULE_HOURS, 1, NONE, NONE, FALSE,
      5 * HOUR + 59 * 60, 6 * HOUR, 5 * HOUR, 5 * HOUR },
    { "days: between slots", YQ_SCHEDULE_DAYS, 1, NONE, NONE, FALSE,
      3 * DAY + HOUR, 4 * DAY, 3 * DAY, 3 * DAY },
    { "days: every 2", YQ_SCHEDULE_DAYS, 2, NONE, NONE, FALSE,
      3 * DAY, 4 * DAY, 2 * DAY, 2 * DAY },
    { "days: every 2, on a slot", YQ_SCHEDULE_DAYS, 2, NONE, 2 * DAY, FALSE,
      4 * DAY, 6 * DAY, 4 * DAY, 4 * DAY },
    { "days: before the start", YQ_SCHEDULE_DAYS, 1, NONE, NONE, FALSE,
      -DAY, 0, NONE, 0 },
    { "weeks: between slots", YQ_SCHEDULE_WEEKS, 1, NONE, NONE, FALSE,
      20 * DAY, 21 * DAY, 14 * DAY, 14 * DAY },
    { "weeks: every 3", YQ_SCHEDULE_WEEKS, 3, NONE, 0, FALSE,
      20 * DAY, 21 * DAY, NONE, 21 * DAY },
    { "end: after the end", YQ_SCHEDULE_DAYS, 1, 2 * DAY, NONE, FALSE,
      5 * DAY, NONE, 2 * DAY, 2 * DAY },
    { "end: after the end, the last slot ran", YQ_SCHEDULE_DAYS, 1, 2 * DAY, 2 * DAY, FALSE,
      5 * DAY, NONE, NONE, NONE },
    { "end: between the last slot and the end", YQ_SCHEDULE_DAYS, 1, 2 * DAY + 12 * HOUR, 0,
      FALSE, 2 * DAY + 13 * HOUR, NONE, 2 * DAY, 2 * DAY },
    { "end: exactly on a slot, before it", YQ_SCHEDULE_DAYS, 1, DAY, 0, FALSE,
      HOUR, DAY, NONE, DAY },
    { "end: exactly on a slot, at it", YQ_SCHEDULE_DAYS, 1, DAY, 0, FALSE,
      DAY, NONE, DAY, DAY },
    { "end: hours", YQ_SCHEDULE_HOURS, 5, 11 * HOUR, NONE, FALSE,
      9 * HOUR, 10 * HOUR, 5 * HOUR, 5 * HOUR },
    { "disabled: before the start", YQ_SCHEDULE_HOURS, 1, NONE, NONE, TRUE,
      -HOUR, NONE, NONE, NONE },
    { "disabled: overdue", YQ_SCHEDULE_DAYS, 1, NONE, NONE, TRUE,
      3 * DAY, NONE, NONE, NONE },
    /* The clock went back after slot 3 ran: slots 2 and 3 do not run
     * again, slot 4 is the next run. */
    { "clock turned back", YQ_SCHEDULE_DAYS, 1, NONE, 3 * DAY, FALSE,
      DAY + 1, 2 * DAY, NONE, 4 * DAY },
  };

  set_local_zone ("Asia/Shanghai");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const SlotCase *c = &cases[i];
      g_autoptr(YqSchedule) schedule = make (c->unit, c->every, start);
      gint64 now = start + c->now;

      g_test_message ("case %u: %s", i, c->what);
      schedule->end_at = c->end == NONE ? 0 : start + c->end;
      schedule->last_slot = c->last == NONE ? 0 : start + c->last;
      schedule->enabled = !c->disabled;

      g_assert_cmpint (yq_schedule_next_slot (schedule, now), ==,
                       c->next == NONE ? 0 : start + c->next);
      g_assert_cmpint (yq_schedule_due_slot (schedule, now), ==,
                       c->due == NONE ? 0 : start + c->due);
      g_assert_cmpint (yq_schedule_next_run (schedule, now), ==,
                       c->run == NONE ? 0 : start + c->run);
    }
}

/* Every slot of a schedule, from next_slot() chained, agrees with
 * due_slot() at the slot and a second before it. */
static void
test_slot_consistency (void)
{
  const YqScheduleUnit units[] = { YQ_SCHEDULE_HOURS, YQ_SCHEDULE_DAYS, YQ_SCHEDULE_WEEKS };

  set_local_zone ("Europe/Berlin");

  for (guint u = 0; u < G_N_ELEMENTS (units); u++)
    {
      g_autoptr(YqSchedule) schedule = make (units[u], 1 + u, utc (2024, 1, 5, 1, 15));
      gint64 slot = schedule->start_at;

      for (guint i = 0; i < 200; i++)
        {
          gint64 next = yq_schedule_next_slot (schedule, slot);

          g_assert_cmpint (next, >, slot);
          g_assert_cmpint (yq_schedule_due_slot (schedule, slot), ==, slot);
          g_assert_cmpint (yq_schedule_due_slot (schedule, next - 1), ==, slot);
          g_assert_cmpint (yq_schedule_next_slot (schedule, next - 1), ==, next);
          g_assert_cmpint (yq_schedule_next_slot (schedule, slot - 1), ==, slot);
          slot = next;
        }
    }
}

/* A laptop suspended for a month: one run, the newest slot, found without
 * visiting the missed slots one by one. */
static void
test_missed_month (void)
{
  g_autoptr(YqSchedule) hourly = NULL;
  g_autoptr(YqSchedule) daily = NULL;
  g_autoptr(GTimer) timer = NULL;
  gint64 start = utc (2024, 1, 1, 0, 0);
  gint64 now = start + 31 * DAY + 30 * 60;
  gint64 far;
  gint64 due;

  set_local_zone ("Europe/Berlin");

  hourly = make (YQ_SCHEDULE_HOURS, 1, start);
  hourly->last_slot = start;
  due = yq_schedule_due_slot (hourly, now);
  g_assert_cmpint (due, ==, start + 31 * DAY);
  g_assert_cmpint (yq_schedule_next_run (hourly, now), ==, due);

  /* Once it ran, nothing is due until the next hour. */
  hourly->last_slot = due;
  g_assert_cmpint (yq_schedule_due_slot (hourly, now), ==, 0);
  g_assert_cmpint (yq_schedule_next_run (hourly, now), ==, due + HOUR);

  /* Daily at 01:00 local across the March DST change: the newest missed
   * slot is today's 01:00 CEST. */
  daily = make (YQ_SCHEDULE_DAYS, 1, start);
  daily->last_slot = start;
  now = utc (2024, 4, 15, 10, 0);
  g_assert_cmpint (yq_schedule_due_slot (daily, now), ==, utc (2024, 4, 14, 23, 0));

  /* Thousands of look-ups across fifty years of missed slots take moments;
   * walking the slots would take minutes. */
  far = start + 50 * 365 * DAY;
  timer = g_timer_new ();
  for (guint i = 0; i < 10000; i++)
    {
      g_assert_cmpint (yq_schedule_due_slot (hourly, far + i), >, far - HOUR);
      g_assert_cmpint (yq_schedule_due_slot (daily, far + i), >, far - 2 * DAY);
    }
  g_test_message ("20000 look-ups over 50 years: %.3f s", g_timer_elapsed (timer, NULL));
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 10.0);

  /* Beyond what dates can represent there is simply no next slot. */
  g_assert_cmpint (yq_schedule_next_slot (daily, G_MAXINT64), ==, 0);
  g_assert_cmpint (yq_schedule_next_slot (hourly, G_MAXINT64), ==, 0);
  g_assert_cmpint (yq_schedule_due_slot (hourly, G_MAXINT64), >, 0);
  g_assert_cmpint (yq_schedule_due_slot (daily, G_MAXINT64), >, 0);
}

static void
assert_local (gint64      slot,
              const char *zone,
              const char *expected)
{
  g_autofree char *text = local_text (slot, zone);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_dst_new_york (void)
{
  g_autoptr(YqSchedule) daily = NULL;
  g_autoptr(YqSchedule) night = NULL;
  g_autoptr(YqSchedule) twelve = NULL;
  const char *zone = "America/New_York";
  gint64 slot;

  set_local_zone (zone);

  /* Every day at 02:00 from 2024-03-08 (EST). 2024-03-10 has no 02:00:
   * that day's slot is the first time after the gap; the day after is at
   * 02:00 again, now EDT. */
  daily = make (YQ_SCHEDULE_DAYS, 1, utc (2024, 3, 8, 7, 0));
  slot = yq_schedule_next_slot (daily, daily->start_at);
  g_assert_cmpint (slot, ==, utc (2024, 3, 9, 7, 0));
  assert_local (slot, zone, "2024-03-09 02:00 -0500");
  slot = yq_schedule_next_slot (daily, slot);
  assert_local (slot, zone, "2024-03-10 03:00 -0400");
  slot = yq_schedule_next_slot (daily, slot);
  g_assert_cmpint (slot, ==, utc (2024, 3, 11, 6, 0));
  assert_local (slot, zone, "2024-03-11 02:00 -0400");
  /* Found from far away too, not only by stepping. */
  g_assert_cmpint (yq_schedule_due_slot (daily, utc (2024, 3, 11, 6, 30)), ==,
                   utc (2024, 3, 11, 6, 0));
  g_assert_cmpint (yq_schedule_due_slot (daily, utc (2024, 3, 11, 5, 59)), ==,
                   utc (2024, 3, 10, 7, 0));

  /* Fall back, 2024-11-03: 02:00 EST comes 25 hours after 02:00 EDT. */
  g_assert_cmpint (yq_schedule_next_slot (daily, utc (2024, 11, 2, 12, 0)), ==,
                   utc (2024, 11, 3, 7, 0));
  assert_local (utc (2024, 11, 3, 7, 0), zone, "2024-11-03 02:00 -0500");
  g_assert_cmpint (yq_schedule_due_slot (daily, utc (2024, 11, 3, 6, 59)), ==,
                   utc (2024, 11, 2, 6, 0));

  /* 01:30 exists twice on 2024-11-03; a schedule started in summer runs
   * once, at the first (EDT) one, and next at 01:30 EST the day after. */
  night = make (YQ_SCHEDULE_DAYS, 1, utc (2024, 7, 1, 5, 30));
  slot = yq_schedule_next_slot (night, utc (2024, 11, 2, 12, 0));
  g_assert_cmpint (slot, ==, utc (2024, 11, 3, 5, 30));
  assert_local (slot, zone, "2024-11-03 01:30 -0400");
  slot = yq_schedule_next_slot (night, slot);
  g_assert_cmpint (slot, ==, utc (2024, 11, 4, 6, 30));
  assert_local (slot, zone, "2024-11-04 01:30 -0500");
  /* During the repeated hour the first 01:30 is the due one, not a new one. */
  night->last_slot = utc (2024, 11, 3, 5, 30);
  g_assert_cmpint (yq_schedule_due_slot (night, utc (2024, 11, 3, 6, 45)), ==, 0);

  /* Hours are fixed lengths: 12 h after 20:00 EST on the night of the
   * change is 09:00 EDT. */
  twelve = make (YQ_SCHEDULE_HOURS, 12, utc (2024, 3, 9, 13, 0));
  slot = yq_schedule_next_slot (twelve, utc (2024, 3, 10, 2, 0));
  g_assert_cmpint (slot, ==, twelve->start_at + 24 * HOUR);
  assert_local (slot, zone, "2024-03-10 09:00 -0400");
}

static void
test_dst_berlin_year (void)
{
  g_autoptr(YqSchedule) daily = NULL;
  const char *zone = "Europe/Berlin";
  gint64 slot;
  guint n = 0;

  set_local_zone (zone);

  /* Every day at 02:00 through 2024, from a winter start. */
  daily = make (YQ_SCHEDULE_DAYS, 1, utc (2024, 1, 1, 1, 0));
  daily->end_at = utc (2024, 12, 31, 1, 0);

  for (slot = daily->start_at; slot != 0; slot = yq_schedule_next_slot (daily, slot))
    {
      g_autofree char *text = local_text (slot, zone);

      n++;
      /* 2024-03-31 has no 02:00 in Berlin. */
      if (g_str_has_prefix (text, "2024-03-31"))
        g_assert_cmpstr (text, ==, "2024-03-31 03:00 +0200");
      else
        g_assert_cmpstr (text + 10, ==, n < 91 || n > 300 ? " 02:00 +0100" : " 02:00 +0200");
    }
  g_assert_cmpuint (n, ==, 366);

  /* The fall-back day's 02:00 exists twice; a winter start takes the
   * winter one, 25 hours after the day before. */
  g_assert_cmpint (yq_schedule_next_slot (daily, utc (2024, 10, 26, 0, 0)), ==,
                   utc (2024, 10, 27, 1, 0));
  g_assert_cmpint (yq_schedule_next_slot (daily, utc (2024, 10, 25, 23, 0)), ==,
                   utc (2024, 10, 26, 0, 0));
  /* The spring-forward day's slot is found from afar as well. */
  g_assert_cmpint (yq_schedule_due_slot (daily, utc (2024, 3, 31, 12, 0)), ==,
                   utc (2024, 3, 31, 1, 0));
  g_assert_cmpint (yq_schedule_due_slot (daily, utc (2024, 4, 1, 0, 30)), ==,
                   utc (2024, 4, 1, 0, 0));
}

static void
test_weekly_year (void)
{
  g_autoptr(YqSchedule) weekly = NULL;
  g_autoptr(YqSchedule) fortnightly = NULL;
  const char *zone = "America/New_York";
  gint64 slot;
  guint n = 0;

  set_local_zone (zone);

  /* Mondays at 09:00 from 2024-01-01 09:00 EST. */
  weekly = make (YQ_SCHEDULE_WEEKS, 1, utc (2024, 1, 1, 14, 0));
  for (slot = weekly->start_at; slot < utc (2025, 1, 1, 0, 0);
       slot = yq_schedule_next_slot (weekly, slot))
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);
      g_autoptr(GDateTime) at_utc = g_date_time_new_from_unix_utc (slot);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (at_utc, tz);

      g_assert_cmpint (g_date_time_get_day_of_week (local), ==, 1);
      g_assert_cmpint (g_date_time_get_hour (local), ==, 9);
      g_assert_cmpint (g_date_time_get_minute (local), ==, 0);
      n++;
    }
  g_assert_cmpuint (n, ==, 53);
  assert_local (yq_schedule_due_slot (weekly, utc (2025, 1, 1, 0, 0)), zone,
                "2024-12-30 09:00 -0500");
  /* Summer Mondays are 09:00 EDT, 13:00 UTC. */
  g_assert_cmpint (yq_schedule_due_slot (weekly, utc (2024, 7, 3, 0, 0)), ==,
                   utc (2024, 7, 1, 13, 0));

  fortnightly = make (YQ_SCHEDULE_WEEKS, 2, weekly->start_at);
  /* 2024-07-01 is 26 weeks after the start. */
  assert_local (yq_schedule_next_slot (fortnightly, utc (2024, 7, 3, 0, 0)), zone,
                "2024-07-15 09:00 -0400");
  assert_local (yq_schedule_due_slot (fortnightly, utc (2024, 7, 3, 0, 0)), zone,
                "2024-07-01 09:00 -0400");
}

/* ---- Intervals -------------------------------------------------------------- */

static void
test_interval_parse (void)
{
  const struct
  {
    const char     *text;
    YqScheduleUnit  unit;
    guint           every;
  } good[] = {
    { "12h", YQ_SCHEDULE_HOURS, 12 },
    { "1d", YQ_SCHEDULE_DAYS, 1 },
    { "2w", YQ_SCHEDULE_WEEKS, 2 },
    { "3 hours", YQ_SCHEDULE_HOURS, 3 },
    { "1 hour", YQ_SCHEDULE_HOURS, 1 },
    { "1 day", YQ_SCHEDULE_DAYS, 1 },
    { "2 days", YQ_SCHEDULE_DAYS, 2 },
    { "2 weeks", YQ_SCHEDULE_WEEKS, 2 },
    { " 7D ", YQ_SCHEDULE_DAYS, 7 },
    { "6 Hours", YQ_SCHEDULE_HOURS, 6 },
    { "every 2 days", YQ_SCHEDULE_DAYS, 2 },
    { "every day", YQ_SCHEDULE_DAYS, 1 },
    { "every week", YQ_SCHEDULE_WEEKS, 1 },
    { "12小时", YQ_SCHEDULE_HOURS, 12 },
    { "3个小时", YQ_SCHEDULE_HOURS, 3 },
    { "1天", YQ_SCHEDULE_DAYS, 1 },
    { "2 周", YQ_SCHEDULE_WEEKS, 2 },
    { "2个星期", YQ_SCHEDULE_WEEKS, 2 },
    { "每天", YQ_SCHEDULE_DAYS, 1 },
    { "每2天", YQ_SCHEDULE_DAYS, 2 },
    { "每周", YQ_SCHEDULE_WEEKS, 1 },
    { "每小时", YQ_SCHEDULE_HOURS, 1 },
    { "100000h", YQ_SCHEDULE_HOURS, 100000 },
  };
  const char *bad[] = {
    "", " ", "h", "d", "0h", "0 days", "-1d", "+1d", "1.5d", "1,5d", "1 fortnight", "1 month",
    "1y", "100001h", "99999999999999999999d", "d1", "1dd", "12 h x", "12 h h", "1 m", "every",
    "every 0 days", "每", "天", "周2", "1 天天", "2w!", "every2 days", "\xff\xfe",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      YqScheduleUnit unit = -1;
      guint every = 0;

      g_test_message ("“%s”", good[i].text);
      g_assert_true (yq_schedule_parse_interval (good[i].text, &unit, &every));
      g_assert_cmpint (unit, ==, good[i].unit);
      g_assert_cmpuint (every, ==, good[i].every);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      YqScheduleUnit unit = YQ_SCHEDULE_WEEKS;
      guint every = 77;

      g_test_message ("“%s”", bad[i]);
      g_assert_false (yq_schedule_parse_interval (bad[i], &unit, &every));
      /* Left alone on failure. */
      g_assert_cmpint (unit, ==, YQ_SCHEDULE_WEEKS);
      g_assert_cmpuint (every, ==, 77);
    }

  {
    YqScheduleUnit unit;
    guint every;

    g_assert_false (yq_schedule_parse_interval (NULL, &unit, &every));
  }
}

static void
test_interval_round_trip (void)
{
  const guint counts[] = { 1, 2, 12, 24, 365, 100000 };
  const char *expected[] = { "1h", "1d", "1w" };

  for (YqScheduleUnit unit = YQ_SCHEDULE_HOURS; unit <= YQ_SCHEDULE_WEEKS; unit++)
    {
      g_autofree char *one = yq_schedule_format_interval (unit, 1);

      g_assert_cmpstr (one, ==, expected[unit]);

      for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
        {
          g_autofree char *text = yq_schedule_format_interval (unit, counts[i]);
          YqScheduleUnit parsed_unit;
          guint parsed_every;

          g_assert_true (yq_schedule_parse_interval (text, &parsed_unit, &parsed_every));
          g_assert_cmpint (parsed_unit, ==, unit);
          g_assert_cmpuint (parsed_every, ==, counts[i]);
        }
    }

  {
    g_autofree char *text = yq_schedule_format_interval (YQ_SCHEDULE_HOURS, 12);

    g_assert_cmpstr (text, ==, "12h");
  }
}

static void
test_copy (void)
{
  g_autoptr(YqSchedule) schedule = make (YQ_SCHEDULE_WEEKS, 3, 1000);
  g_autoptr(YqSchedule) copy = NULL;
  g_autoptr(YqSchedule) fresh = yq_schedule_new ();

  schedule->direction = YQ_SYNC_DIRECTION_TO_OA;
  schedule->end_at = 5000;
  schedule->last_slot = 2000;
  schedule->enabled = FALSE;

  copy = yq_schedule_copy (schedule);
  g_assert_true (copy != schedule);
  g_assert_cmpmem (copy, sizeof *copy, schedule, sizeof *schedule);

  /* A new schedule runs daily and is enabled, with nothing run yet. */
  g_assert_cmpint (fresh->unit, ==, YQ_SCHEDULE_DAYS);
  g_assert_cmpuint (fresh->every, ==, 1);
  g_assert_true (fresh->enabled);
  g_assert_cmpint (fresh->last_slot, ==, 0);
  g_assert_cmpint (fresh->end_at, ==, 0);
  /* Without a start there are no slots. */
  g_assert_cmpint (yq_schedule_next_slot (fresh, 0), ==, 0);
  g_assert_cmpint (yq_schedule_next_run (fresh, 100), ==, 0);
}

/* ---- Stored schedules ------------------------------------------------------- */

typedef struct
{
  char      *dir;
  YqStore   *store;
  YqSecrets *secrets;
  gint64     yzj;
  gint64     zwdd;
} Fixture;

static gint64
add_connector (Fixture           *f,
               YqConnectorPreset  preset,
               const char        *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (preset);

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app");
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, "s1",
                                     preset == YQ_CONNECTOR_PRESET_YZJ_PUBLIC ? "s2" : NULL,
                                     &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("yunqiao-schedule-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);

  f->yzj = add_connector (f, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");
  f->zwdd = add_connector (f, YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "专有钉钉");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->secrets);
  g_clear_object (&f->store);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
}

static YqSchedule *
get (Fixture         *f,
     gint64           connector,
     YqSyncDirection  direction)
{
  g_autoptr(GError) error = NULL;
  YqSchedule *schedule = yq_schedules_get (f->store, connector, direction, &error);

  g_assert_no_error (error);
  g_assert_nonnull (schedule);

  return schedule;
}

static void
test_store_crud (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(YqSchedule) schedule = make (YQ_SCHEDULE_HOURS, 12, 1700000000);
  g_autoptr(YqSchedule) stored = NULL;
  g_autoptr(YqSchedule) missing = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  missing = yq_schedules_get (f->store, f->yzj, YQ_SYNC_DIRECTION_TO_OA, &error);
  g_assert_null (missing);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = yq_schedules_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  schedule->connector_id = f->yzj;
  schedule->direction = YQ_SYNC_DIRECTION_TO_OA;
  schedule->end_at = 1800000000;
  schedule->last_slot = 1700043200;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);

  stored = get (f, f->yzj, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpmem (stored, sizeof *stored, schedule, sizeof *schedule);
  g_clear_pointer (&stored, yq_schedule_free);

  /* A second direction, and a schedule of the other connector; no end,
   * disabled, nothing run: the NULL columns read back as 0. */
  schedule->direction = YQ_SYNC_DIRECTION_FROM_PLATFORM;
  schedule->unit = YQ_SCHEDULE_WEEKS;
  schedule->every = 2;
  schedule->end_at = 0;
  schedule->last_slot = 0;
  schedule->enabled = FALSE;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  stored = get (f, f->yzj, YQ_SYNC_DIRECTION_FROM_PLATFORM);
  g_assert_cmpmem (stored, sizeof *stored, schedule, sizeof *schedule);
  g_clear_pointer (&stored, yq_schedule_free);

  schedule->connector_id = f->zwdd;
  schedule->enabled = TRUE;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);

  list = yq_schedules_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  /* By connector, then direction. */
  g_assert_cmpint (((YqSchedule *) list->pdata[0])->connector_id, ==, f->yzj);
  g_assert_cmpint (((YqSchedule *) list->pdata[0])->direction, ==,
                   YQ_SYNC_DIRECTION_FROM_PLATFORM);
  g_assert_cmpint (((YqSchedule *) list->pdata[1])->connector_id, ==, f->yzj);
  g_assert_cmpint (((YqSchedule *) list->pdata[1])->direction, ==, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpuint (((YqSchedule *) list->pdata[1])->every, ==, 12);
  g_assert_cmpint (((YqSchedule *) list->pdata[2])->connector_id, ==, f->zwdd);
  g_assert_true (((YqSchedule *) list->pdata[2])->enabled);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Delete, then it is gone, and deleting again says so. */
  g_assert_true (yq_schedules_delete (f->store, f->yzj, YQ_SYNC_DIRECTION_TO_OA, &error));
  g_assert_no_error (error);
  missing = yq_schedules_get (f->store, f->yzj, YQ_SYNC_DIRECTION_TO_OA, &error);
  g_assert_null (missing);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_schedules_delete (f->store, f->yzj, YQ_SYNC_DIRECTION_TO_OA, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  list = yq_schedules_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
}

static void
assert_set_fails (Fixture          *f,
                  const YqSchedule *schedule,
                  const char       *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSchedule) missing = NULL;

  g_assert_false (yq_schedules_set (f->store, schedule, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
  g_clear_error (&error);

  /* Nothing was stored. */
  missing = yq_schedules_get (f->store, schedule->connector_id, schedule->direction, &error);
  g_assert_null (missing);
}

static void
test_store_validation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(YqSchedule) schedule = make (YQ_SCHEDULE_DAYS, 1, 1700000000);
  g_autoptr(YqSchedule) ok = NULL;
  g_autoptr(GError) error = NULL;

  schedule->connector_id = f->yzj;

  schedule->every = 0;
  assert_set_fails (f, schedule, "at least 1");
  schedule->every = 1;

  schedule->end_at = schedule->start_at;
  assert_set_fails (f, schedule, "end must be after its start");
  schedule->end_at = schedule->start_at - 10;
  assert_set_fails (f, schedule, "end must be after its start");
  schedule->end_at = 0;

  schedule->start_at = 0;
  assert_set_fails (f, schedule, "start");
  schedule->start_at = 1700000000;

  schedule->connector_id = f->zwdd + 100;
  assert_set_fails (f, schedule, "no connector with ID");

  /* 政务钉钉's directory is read-only: nothing to schedule towards it. */
  schedule->connector_id = f->zwdd;
  schedule->direction = YQ_SYNC_DIRECTION_TO_PLATFORM;
  assert_set_fails (f, schedule, "政务钉钉");

  schedule->connector_id = f->yzj;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  ok = get (f, f->yzj, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_cmpint (ok->start_at, ==, 1700000000);
}

static gint64
stored_last_slot (Fixture         *f,
                  YqSyncDirection  direction)
{
  g_autoptr(YqSchedule) schedule = get (f, f->yzj, direction);

  return schedule->last_slot;
}

static void
test_store_mark_slot (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(YqSchedule) schedule = make (YQ_SCHEDULE_HOURS, 1, 1700000000);
  g_autoptr(GError) error = NULL;
  YqSyncDirection d = YQ_SYNC_DIRECTION_TO_OA;

  g_assert_false (yq_schedules_mark_slot (f->store, f->yzj, d, 1700003600, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  schedule->connector_id = f->yzj;
  schedule->direction = d;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 0);

  /* Monotonic: an older slot never moves it back. */
  g_assert_true (yq_schedules_mark_slot (f->store, f->yzj, d, 1700007200, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 1700007200);
  g_assert_true (yq_schedules_mark_slot (f->store, f->yzj, d, 1700003600, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 1700007200);
  g_assert_true (yq_schedules_mark_slot (f->store, f->yzj, d, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 1700007200);
  g_assert_true (yq_schedules_mark_slot (f->store, f->yzj, d, 1700010800, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 1700010800);

  /* Only that schedule is marked. */
  schedule->direction = YQ_SYNC_DIRECTION_FROM_PLATFORM;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  g_assert_true (yq_schedules_mark_slot (f->store, f->yzj, d, 1700014400, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, YQ_SYNC_DIRECTION_FROM_PLATFORM), ==, 0);

  /* Changing the interval, the end or the enabled state keeps what ran,
   * whatever last_slot the caller passes ... */
  schedule->direction = d;
  schedule->unit = YQ_SCHEDULE_DAYS;
  schedule->end_at = 1800000000;
  schedule->enabled = FALSE;
  schedule->last_slot = 0;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 1700014400);

  /* ... moving the start takes the caller's. */
  schedule->start_at = 1750000000;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 0);
  schedule->start_at = 1760000000;
  schedule->last_slot = 1760000000;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_last_slot (f, d), ==, 1760000000);
}

static void
test_store_cascade (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(YqSchedule) schedule = make (YQ_SCHEDULE_DAYS, 1, 1700000000);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  schedule->connector_id = f->yzj;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  schedule->direction = YQ_SYNC_DIRECTION_TO_OA;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);
  schedule->connector_id = f->zwdd;
  g_assert_true (yq_schedules_set (f->store, schedule, &error));
  g_assert_no_error (error);

  g_assert_true (yq_connectors_delete (f->store, f->secrets, f->yzj, &error));
  g_assert_no_error (error);

  list = yq_schedules_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((YqSchedule *) list->pdata[0])->connector_id, ==, f->zwdd);

  /* A deleted connector cannot get a schedule back. */
  schedule->connector_id = f->yzj;
  g_assert_false (yq_schedules_set (f->store, schedule, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT);
}

/* The database enforces the rules too, for writers other than this code. */
static void
test_store_checks (Fixture       *f,
                   gconstpointer  data)
{
  sqlite3 *db = yq_store_get_db (f->store);
  g_autofree char *good = NULL;
  const char *bad[] = {
    "'sideways', 1700000000, 'days', 1, NULL",
    "'to-oa', 1700000000, 'months', 1, NULL",
    "'to-oa', 1700000000, 'days', 0, NULL",
    "'to-oa', 0, 'days', 1, NULL",
    "'to-oa', 1700000000, 'days', 1, 1700000000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO sync_schedules (connector_id, "
                                              "direction, start_at, unit, every, end_at, "
                                              "updated_at) VALUES (%" G_GINT64_FORMAT ", %s, 1)",
                                              f->yzj, bad[i]);

      g_test_message ("%s", sql);
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);
    }

  good = g_strdup_printf ("INSERT INTO sync_schedules (connector_id, direction, start_at, unit, "
                          "every, updated_at) VALUES (%" G_GINT64_FORMAT ", 'to-oa', 1700000000, "
                          "'weeks', 3, 1)", f->yzj);
  g_assert_cmpint (sqlite3_exec (db, good, NULL, NULL, NULL), ==, SQLITE_OK);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schedule/slots/table", test_slot_table);
  g_test_add_func ("/schedule/slots/consistency", test_slot_consistency);
  g_test_add_func ("/schedule/slots/missed-month", test_missed_month);
  g_test_add_func ("/schedule/slots/dst-new-york", test_dst_new_york);
  g_test_add_func ("/schedule/slots/dst-berlin-year", test_dst_berlin_year);
  g_test_add_func ("/schedule/slots/weekly-year", test_weekly_year);
  g_test_add_func ("/schedule/interval/parse", test_interval_parse);
  g_test_add_func ("/schedule/interval/round-trip", test_interval_round_trip);
  g_test_add_func ("/schedule/copy", test_copy);
  g_test_add ("/schedule/store/crud", Fixture, NULL, fixture_setup, test_store_crud,
              fixture_teardown);
  g_test_add ("/schedule/store/validation", Fixture, NULL, fixture_setup,
              test_store_validation, fixture_teardown);
  g_test_add ("/schedule/store/mark-slot", Fixture, NULL, fixture_setup, test_store_mark_slot,
              fixture_teardown);
  g_test_add ("/schedule/store/cascade", Fixture, NULL, fixture_setup, test_store_cascade,
              fixture_teardown);
  g_test_add ("/schedule/store/checks", Fixture, NULL, fixture_setup, test_store_checks,
              fixture_teardown);

  return g_test_run ();
}
