/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiaoctl"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "yq-cli.h"
#include "yq-schedule.h"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
read_digits (const char **p,
             guint        n_digits,
             int         *value)
{
  int v = 0;

  for (guint i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }

  *p += n_digits;
  *value = v;

  return TRUE;
}

/* "Z", "+08:00", "+0800" or "+08". */
static gboolean
read_offset (const char *p,
             GTimeZone **tz)
{
  int sign;
  int hours;
  int minutes = 0;

  if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
    {
      *tz = g_time_zone_new_utc ();
      return TRUE;
    }

  if (*p != '+' && *p != '-')
    return FALSE;
  sign = *p == '-' ? -1 : 1;
  p++;

  if (!read_digits (&p, 2, &hours))
    return FALSE;
  if (*p == ':' && p[1] == '\0')
    return FALSE;
  if (*p == ':')
    p++;
  if (*p != '\0' && !read_digits (&p, 2, &minutes))
    return FALSE;
  if (*p != '\0' || hours > 23 || minutes > 59)
    return FALSE;

  *tz = g_time_zone_new_offset (sign * (hours * 3600 + minutes * 60));

  return TRUE;
}

/**
 * parse_time:
 * @text: "YYYY-MM-DD HH:MM[:SS]" (or with a T) in local time, optionally
 *   with a UTC offset ("Z", "+08:00"); "YYYY-MM-DD" for midnight; "HH:MM"
 *   for today
 * @time: (out): Unix seconds
 */
static gboolean
parse_time (const char *text,
            gint64     *time)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) date_time = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  const char *p = stripped;
  int year, month, day;
  int hour = 0, minute = 0, second = 0;

  if (strlen (p) >= 10 && p[4] == '-')
    {
      if (!read_digits (&p, 4, &year) || *p++ != '-' || !read_digits (&p, 2, &month) ||
          *p++ != '-' || !read_digits (&p, 2, &day))
        return FALSE;

      if (*p == ' ' || *p == 'T' || *p == 't')
        p++;
      else if (*p != '\0')
        return FALSE;
    }
  else
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();

      g_date_time_get_ymd (today, &year, &month, &day);
    }

  if (*p != '\0')
    {
      if (!read_digits (&p, 2, &hour) || *p++ != ':' || !read_digits (&p, 2, &minute))
        return FALSE;
      if (*p == ':')
        {
          p++;
          if (!read_digits (&p, 2, &second))
            return FALSE;
        }
      if (*p != '\0' && !read_offset (p, &tz))
        return FALSE;
    }
  else if (p == stripped)
    {
      return FALSE;
    }

  if (tz == NULL)
    tz = g_time_zone_new_local ();

  date_time = g_date_time_new (tz, year, month, day, hour, minute, second);
  if (date_time == NULL)
    return FALSE;

  *time = g_date_time_to_unix (date_time);

  return TRUE;
}

static const char *
unit_name (YqScheduleUnit unit)
{
  switch (unit)
    {
    case YQ_SCHEDULE_HOURS: return "hours";
    case YQ_SCHEDULE_DAYS:  return "days";
    case YQ_SCHEDULE_WEEKS: return "weeks";
    default:                return "";
    }
}

static char *
describe_interval (YqScheduleUnit unit,
                   guint          every)
{
  g_autofree char *compact = yq_schedule_format_interval (unit, every);
  g_autofree char *text = NULL;

  switch (unit)
    {
    case YQ_SCHEDULE_HOURS:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every %u hour", "every %u hours",
                                           every), every);
      break;
    case YQ_SCHEDULE_DAYS:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every %u day", "every %u days",
                                           every), every);
      break;
    case YQ_SCHEDULE_WEEKS:
    default:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "every %u week", "every %u weeks",
                                           every), every);
      break;
    }

  return g_strdup_printf ("%s (%s)", text, compact);
}

static char *
describe_next_run (const YqSchedule *schedule,
                   gint64            now)
{
  gint64 next = yq_schedule_next_run (schedule, now);
  g_autofree char *time = NULL;

  if (!schedule->enabled)
    return g_strdup (_("none (disabled)"));
  if (next == 0)
    return g_strdup (_("none (ended)"));

  time = yq_cli_format_time (next);
  if (next <= now)
    /* Translators: %s is a date and time that has passed */
    return g_strdup_printf (_("%s (due now)"), time);

  return g_steal_pointer (&time);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       time)
{
  json_builder_set_member_name (builder, name);
  if (time > 0)
    json_builder_add_int_value (builder, time);
  else
    json_builder_add_null_value (builder);
}

static JsonNode *
schedule_to_json (const YqSchedule *schedule,
                  const char       *connector_name,
                  gint64            now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *interval = yq_schedule_format_interval (schedule->unit, schedule->every);

  /* Field names are an interface for scripts: add, never rename. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "connector");
  json_builder_add_int_value (builder, schedule->connector_id);
  json_builder_set_member_name (builder, "connector-name");
  json_builder_add_string_value (builder, connector_name);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, yq_sync_direction_to_string (schedule->direction));
  json_builder_set_member_name (builder, "interval");
  json_builder_add_string_value (builder, interval);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, unit_name (schedule->unit));
  json_builder_set_member_name (builder, "every");
  json_builder_add_int_value (builder, schedule->every);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, schedule->enabled);
  add_time_member (builder, "start-at", schedule->start_at);
  add_time_member (builder, "end-at", schedule->end_at);
  add_time_member (builder, "last-slot", schedule->last_slot);
  add_time_member (builder, "next-run", yq_schedule_next_run (schedule, now));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
print_schedule (const YqSchedule *schedule,
                const char       *connector_name)
{
  gint64 now = now_seconds ();
  g_autofree char *connector = g_strdup_printf ("%" G_GINT64_FORMAT " (%s)",
                                                schedule->connector_id, connector_name);
  g_autofree char *interval = describe_interval (schedule->unit, schedule->every);
  g_autofree char *start = yq_cli_format_time (schedule->start_at);
  g_autofree char *end = schedule->end_at > 0 ? yq_cli_format_time (schedule->end_at)
                                              : g_strdup (_("none"));
  g_autofree char *last = schedule->last_slot > 0 ? yq_cli_format_time (schedule->last_slot)
                                                  : g_strdup (_("never"));
  g_autofree char *next = describe_next_run (schedule, now);
  const char *labels[] = {
    _("Connector"), _("Direction"), _("Interval"), _("Start"), _("End"), _("Enabled"),
    _("Last slot"), _("Next run"),
  };
  const char *values[] = {
    connector, yq_sync_direction_to_string (schedule->direction), interval, start, end,
    yq_cli_yes_no (schedule->enabled), last, next,
  };

  yq_cli_print_fields (labels, values, G_N_ELEMENTS (labels));
}

static void
output_schedule (YqCliContext     *ctx,
                 const YqSchedule *schedule,
                 const char       *connector_name)
{
  if (ctx->json)
    {
      g_autoptr(JsonNode) root = schedule_to_json (schedule, connector_name, now_seconds ());

      yq_cli_print_json (root);
    }
  else
    {
      print_schedule (schedule, connector_name);
    }
}

int
yq_cli_sync_schedule (YqCliContext  *ctx,
                      const char    *command,
                      char         **args)
{
  g_auto(GStrv) argv = args;
  g_autofree char *direction_text = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *every_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *id_text = NULL;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqSchedule) existing = NULL;
  g_autoptr(YqSchedule) schedule = NULL;
  g_autoptr(YqSchedule) stored = NULL;
  g_autoptr(GError) error = NULL;
  YqSyncDirection direction;
  YqScheduleUnit unit = YQ_SCHEDULE_DAYS;
  gboolean enable = FALSE;
  gboolean disable = FALSE;
  gboolean remove = FALSE;
  gboolean changed;
  gint64 passed;
  guint every = 1;
  gint64 start_at = 0;
  gint64 end_at = 0;
  gint64 id = 0;
  int exit_code;
  const GOptionEntry entries[] = {
    { "direction", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &direction_text,
      N_("from-platform, to-oa or to-platform"), N_("DIRECTION") },
    { "start", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &start_text,
      N_("The first run, in local time (or ISO 8601 with an offset); HH:MM for today"),
      N_("“YYYY-MM-DD HH:MM”") },
    { "every", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &every_text,
      N_("The interval: hours, days or weeks, like 12h, 1d or 2w (default for a new "
         "schedule: 1d)"), N_("INTERVAL") },
    { "end", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, &end_text,
      N_("No run after this time (“none”: no end)"), N_("“YYYY-MM-DD HH:MM”") },
    { "enable", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &enable,
      N_("Run the schedule"), NULL },
    { "disable", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &disable,
      N_("Keep the schedule but do not run it"), NULL },
    { "remove", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &remove,
      N_("Remove the schedule"), NULL },
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_id_command (command,
                                _("Show, create or change the sync schedule (定时同步) of a "
                                  "connector in one direction. Without changes, prints it. "
                                  "Slots that passed before a change do not run; a run missed "
                                  "while the computer was off or asleep runs once."),
                                entries, &argv, &id, &exit_code))
    return exit_code;

  if (!yq_cli_parse_direction (command, direction_text, &direction, &exit_code))
    return exit_code;

  if (enable && disable)
    return yq_cli_usage_error (command, _("--enable and --disable cannot be used together"));

  changed = start_text != NULL || every_text != NULL || end_text != NULL || enable || disable;
  if (remove && changed)
    return yq_cli_usage_error (command, _("--remove cannot be combined with changes"));

  if (start_text != NULL && !parse_time (start_text, &start_at))
    return yq_cli_usage_error (command, _("--start takes a date and time like “2024-05-01 "
                                          "02:00” (local time) or “2024-05-01T02:00+08:00”, "
                                          "not “%s”"), start_text);
  if (start_text != NULL && start_at <= 0)
    return yq_cli_usage_error (command, _("--start must be after 1970"));

  if (every_text != NULL && !yq_schedule_parse_interval (every_text, &unit, &every))
    return yq_cli_usage_error (command, _("--every takes a number and a unit, like 12h, 1d or "
                                          "2w (hours, days or weeks), not “%s”"), every_text);

  if (end_text != NULL && !g_str_equal (end_text, "none") && !parse_time (end_text, &end_at))
    return yq_cli_usage_error (command, _("--end takes a date and time like “2024-12-31 "
                                          "23:00” (local time), or none, not “%s”"), end_text);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  connector = yq_connectors_get (store, id, &error);
  if (connector == NULL)
    return yq_cli_report_error (error);

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  existing = yq_schedules_get (store, id, direction, &error);
  if (existing == NULL && !g_error_matches (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND))
    return yq_cli_report_error (error);
  g_clear_error (&error);

  if (existing == NULL && (remove || !changed))
    {
      yq_cli_error (_("Connector %s (“%s”) has no %s schedule. Create one with --start (and "
                      "--every)."),
                    id_text, yq_connector_get_name (connector),
                    yq_sync_direction_to_string (direction));
      return YQ_CLI_EXIT_ERROR;
    }

  if (remove)
    {
      if (!yq_schedules_delete (store, id, direction, &error))
        return yq_cli_report_error (error);

      if (ctx->json)
        output_schedule (ctx, existing, yq_connector_get_name (connector));
      else
        g_print (_("Removed the %s schedule of connector %s (“%s”).\n"),
                 yq_sync_direction_to_string (direction), id_text,
                 yq_connector_get_name (connector));

      yq_cli_notify_service (ctx);
      return YQ_CLI_EXIT_OK;
    }

  if (!changed)
    {
      output_schedule (ctx, existing, yq_connector_get_name (connector));
      return YQ_CLI_EXIT_OK;
    }

  if (existing == NULL && start_text == NULL)
    return yq_cli_usage_error (command, _("A new schedule needs --start"));

  if (direction == YQ_SYNC_DIRECTION_TO_PLATFORM &&
      yq_connector_get_kind (connector) != YQ_PLATFORM_KIND_YZJ)
    return yq_cli_usage_error (command, _("“%s” is a 政务钉钉 connector: its directory can only "
                                          "be read, so it cannot be synced from the OA."),
                               yq_connector_get_name (connector));

  if (existing != NULL)
    {
      schedule = yq_schedule_copy (existing);
    }
  else
    {
      schedule = yq_schedule_new ();
      schedule->connector_id = id;
      schedule->direction = direction;
    }

  /* The slots of another start are not this schedule's. */
  if (start_text != NULL && schedule->start_at != start_at)
    {
      schedule->start_at = start_at;
      schedule->last_slot = 0;
    }
  if (every_text != NULL)
    {
      schedule->unit = unit;
      schedule->every = every;
    }
  if (end_text != NULL)
    schedule->end_at = end_at;
  if (enable || disable)
    schedule->enabled = enable;

  if (schedule->end_at > 0 && schedule->end_at <= schedule->start_at)
    {
      g_autofree char *start = yq_cli_format_time (schedule->start_at);
      g_autofree char *end = yq_cli_format_time (schedule->end_at);

      return yq_cli_usage_error (command, _("The end (%s) must be after the start (%s)"),
                                 end, start);
    }

  if (!yq_schedules_set (store, schedule, &error))
    return yq_cli_report_error (error);

  /* Slots that passed before the change were not owed: a new or moved
   * schedule, one switched back on or one given a later end first runs at
   * its next slot, not at once for a slot in the past. */
  {
    g_autoptr(YqSchedule) fresh = yq_schedule_copy (schedule);

    fresh->last_slot = 0;
    fresh->enabled = TRUE;
    passed = yq_schedule_due_slot (fresh, now_seconds ());
  }
  if (passed > 0 && !yq_schedules_mark_slot (store, id, direction, passed, &error))
    return yq_cli_report_error (error);

  stored = yq_schedules_get (store, id, direction, &error);
  if (stored == NULL)
    return yq_cli_report_error (error);

  yq_cli_notify_service (ctx);

  output_schedule (ctx, stored, yq_connector_get_name (connector));

  return YQ_CLI_EXIT_OK;
}

int
yq_cli_sync_schedules (YqCliContext  *ctx,
                       const char    *command,
                       char         **args)
{
  g_auto(GStrv) argv = args;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = now_seconds ();
  int exit_code;
  const GOptionEntry entries[] = {
    { "json", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, &ctx->json,
      N_("Print machine-readable JSON"), NULL },
    { NULL }
  };

  if (!yq_cli_parse_options (command, NULL,
                             _("List the sync schedules of all connectors with their next "
                               "runs."),
                             entries, &argv, &exit_code))
    return exit_code;

  if (argv[1] != NULL)
    return yq_cli_usage_error (command, _("Unexpected argument “%s”"), argv[1]);

  store = yq_cli_open_store (ctx, &error);
  if (store == NULL)
    return yq_cli_report_error (error);

  schedules = yq_schedules_list (store, &error);
  if (schedules == NULL)
    return yq_cli_report_error (error);

  connectors = yq_connectors_list (store, &error);
  if (connectors == NULL)
    return yq_cli_report_error (error);

  /* Connector ID → name; the names belong to @connectors. */
  names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < connectors->len; i++)
    {
      YqConnector *connector = g_ptr_array_index (connectors, i);
      gint64 connector_id = yq_connector_get_id (connector);

      g_hash_table_insert (names, g_memdup2 (&connector_id, sizeof connector_id),
                           (gpointer) yq_connector_get_name (connector));
    }

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autoptr(JsonArray) array = json_array_sized_new (schedules->len);

      for (guint i = 0; i < schedules->len; i++)
        {
          YqSchedule *schedule = g_ptr_array_index (schedules, i);

          json_array_add_element (array,
                                  schedule_to_json (schedule,
                                                    g_hash_table_lookup (names,
                                                                         &schedule->connector_id),
                                                    now));
        }
      json_node_set_array (root, array);
      yq_cli_print_json (root);
    }
  else if (schedules->len == 0)
    {
      g_print ("%s\n", _("There are no sync schedules."));
    }
  else
    {
      const char *headers[] = {
        _("CONNECTOR"), _("NAME"), _("DIRECTION"), _("EVERY"), _("START"), _("END"),
        _("LAST SLOT"), _("NEXT RUN"),
      };
      g_autoptr(YqCliTable) table = yq_cli_table_new (G_N_ELEMENTS (headers), headers);

      for (guint i = 0; i < schedules->len; i++)
        {
          YqSchedule *schedule = g_ptr_array_index (schedules, i);
          g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                      schedule->connector_id);
          g_autofree char *interval = yq_schedule_format_interval (schedule->unit,
                                                                   schedule->every);
          g_autofree char *start = yq_cli_format_time (schedule->start_at);
          g_autofree char *end = yq_cli_format_time (schedule->end_at);
          g_autofree char *last = yq_cli_format_time (schedule->last_slot);
          g_autofree char *next = describe_next_run (schedule, now);
          const char *cells[] = {
            id_text, g_hash_table_lookup (names, &schedule->connector_id),
            yq_sync_direction_to_string (schedule->direction), interval, start, end, last, next,
          };

          yq_cli_table_add_row (table, cells);
        }
      yq_cli_table_print (table);
    }

  return YQ_CLI_EXIT_OK;
}
