/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * yunqiaoctl sync schedule / sync schedules: creating, changing, showing,
 * listing and removing schedules, times in local time and ISO 8601,
 * usage errors. The CLI runs with TZ=Asia/Shanghai (no DST), so local
 * times are UTC+8, and without a session bus (the change notification to
 * the service is not part of this test).
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "yq-test-bus.h"
#include "yq-test-cli.h"
#include "yunqiao-core.h"

#define ZONE "Asia/Shanghai"
#define DAY G_GINT64_CONSTANT (86400)

static const char * const cli_env[] = {
  "TZ=" ZONE,
  /* No service to tell about the changes. */
  "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/yunqiao-test-bus",
  NULL
};

/* A failed schedule command prints nothing on standard output. */
static void
assert_exit (YqTestCliResult *result,
             int              status)
{
  yq_test_cli_assert_exit (result, status);
  if (status != 0)
    g_assert_cmpstr (result->out, ==, "");
}

static JsonObject *
parse_object (const char *text,
              JsonNode  **node)
{
  *node = yq_test_cli_parse_json (text);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*node));

  return json_node_get_object (*node);
}

static gboolean
member_is_null (JsonObject *object,
                const char *name)
{
  g_assert_true (json_object_has_member (object, name));

  return json_object_get_null_member (object, name);
}

/* Unix seconds of a local time in ZONE. */
static gint64
local_time (int year,
            int month,
            int day,
            int hour,
            int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (ZONE);
  g_autoptr(GDateTime) time = g_date_time_new (tz, year, month, day, hour, minute, 0);

  g_assert_nonnull (time);
  return g_date_time_to_unix (time);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

typedef struct
{
  char   *data_dir;
  gint64  yzj;
  gint64  zwdd;
  char   *yzj_id;
  char   *zwdd_id;
} Fixture;

static gint64
add_connector (YqStore           *store,
               YqSecrets         *secrets,
               YqConnectorPreset  preset,
               const char        *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (preset);

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app");
  g_assert_true (yq_connectors_save (store, secrets, connector, "app-secret",
                                     preset == YQ_CONNECTOR_PRESET_YZJ_PUBLIC ? "dir-secret"
                                                                               : NULL,
                                     &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;

  f->data_dir = yq_test_make_data_dir ();
  store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);

  f->yzj = add_connector (store, secrets, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");
  f->zwdd = add_connector (store, secrets, YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "专有钉钉");
  f->yzj_id = g_strdup_printf ("%" G_GINT64_FORMAT, f->yzj);
  f->zwdd_id = g_strdup_printf ("%" G_GINT64_FORMAT, f->zwdd);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  yq_test_remove_data_dir (f->data_dir);
  g_free (f->data_dir);
  g_free (f->yzj_id);
  g_free (f->zwdd_id);
}

static void
test_create_change_show (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  gint64 start = local_time (2030, 5, 1, 2, 0);
  gint64 now;
  gint64 next;

  /* Nothing yet: showing is an error that says how to create one. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa");
  assert_exit (result, 1);
  g_assert_nonnull (strstr (result->err, "no to-oa schedule"));
  g_assert_nonnull (strstr (result->err, "--start"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Create, in local time. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa", "--start", "2030-05-01 02:00",
                            "--every", "1d", "--json");
  assert_exit (result, 0);
  object = parse_object (result->out, &node);
  g_assert_cmpint (json_object_get_int_member (object, "connector"), ==, f->yzj);
  g_assert_cmpstr (json_object_get_string_member (object, "connector-name"), ==, "云之家");
  g_assert_cmpstr (json_object_get_string_member (object, "direction"), ==, "to-oa");
  g_assert_cmpstr (json_object_get_string_member (object, "interval"), ==, "1d");
  g_assert_cmpstr (json_object_get_string_member (object, "unit"), ==, "days");
  g_assert_cmpint (json_object_get_int_member (object, "every"), ==, 1);
  g_assert_true (json_object_get_boolean_member (object, "enabled"));
  g_assert_cmpint (json_object_get_int_member (object, "start-at"), ==, start);
  g_assert_true (member_is_null (object, "end-at"));
  g_assert_true (member_is_null (object, "last-slot"));
  g_assert_cmpint (json_object_get_int_member (object, "next-run"), ==, start);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Shown without changes, as text. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa");
  assert_exit (result, 0);
  g_assert_nonnull (strstr (result->out, "Connector: 1 (云之家)\n"));
  g_assert_nonnull (strstr (result->out, "Interval:  every 1 day (1d)\n"));
  g_assert_nonnull (strstr (result->out, "Start:     2030-05-01 02:00:00\n"));
  g_assert_nonnull (strstr (result->out, "End:       none\n"));
  g_assert_nonnull (strstr (result->out, "Enabled:   yes\n"));
  g_assert_nonnull (strstr (result->out, "Next run:  2030-05-01 02:00:00\n"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Change the interval and add an end: the start stays. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa", "--every", "12 hours",
                            "--end", "2030-05-03 00:00", "--json");
  assert_exit (result, 0);
  object = parse_object (result->out, &node);
  g_assert_cmpstr (json_object_get_string_member (object, "interval"), ==, "12h");
  g_assert_cmpint (json_object_get_int_member (object, "start-at"), ==, start);
  g_assert_cmpint (json_object_get_int_member (object, "end-at"), ==,
                   local_time (2030, 5, 3, 0, 0));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* ISO 8601 with an offset; the same instant written three ways. */
  {
    const char *starts[] = {
      "2030-05-01T02:00:00+08:00", "2030-04-30T18:00Z", "2030-05-01T01:00+0700",
    };

    for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
      {
        result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                                  "--direction", "to-oa", "--start", starts[i], "--json");
        assert_exit (result, 0);
        object = parse_object (result->out, &node);
        g_assert_cmpint (json_object_get_int_member (object, "start-at"), ==, start);
        g_clear_pointer (&node, json_node_unref);
        g_clear_pointer (&result, yq_test_cli_result_free);
      }
  }

  /* A start in the past: the slots before now are not owed, the next run
   * is the next 02:00. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa", "--start", "2020-01-01 02:00", "--every", "1d",
                            "--end", "none", "--json");
  now = now_seconds ();
  assert_exit (result, 0);
  object = parse_object (result->out, &node);
  g_assert_true (member_is_null (object, "end-at"));
  next = json_object_get_int_member (object, "next-run");
  g_assert_cmpint (next, >, now - 5);
  g_assert_cmpint (next, <=, now + DAY);
  g_assert_cmpint ((next - local_time (2020, 1, 1, 2, 0)) % DAY, ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "last-slot"), ==, next - DAY);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Disabled: no next run. Enabled again: still no run for the past. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa", "--disable");
  assert_exit (result, 0);
  g_assert_nonnull (strstr (result->out, "Enabled:   no\n"));
  g_assert_nonnull (strstr (result->out, "Next run:  none (disabled)\n"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa", "--enable", "--json");
  assert_exit (result, 0);
  object = parse_object (result->out, &node);
  g_assert_true (json_object_get_boolean_member (object, "enabled"));
  g_assert_cmpint (json_object_get_int_member (object, "next-run"), >, now - 5);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* HH:MM is today at that time. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-oa", "--start", "02:00", "--every", "1w", "--json");
  now = now_seconds ();
  assert_exit (result, 0);
  object = parse_object (result->out, &node);
  {
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (ZONE);
    g_autoptr(GDateTime) today = g_date_time_new_now (tz);

    g_assert_cmpint (json_object_get_int_member (object, "start-at"), ==,
                     local_time (g_date_time_get_year (today), g_date_time_get_month (today),
                                 g_date_time_get_day_of_month (today), 2, 0));
  }
  next = json_object_get_int_member (object, "next-run");
  g_assert_cmpint (next, >, now - 5);
  g_assert_cmpint (next, <=, now + 7 * DAY);
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);
}

static void
test_list_and_remove (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(YqTestCliResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *array;
  JsonObject *object;

  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedules");
  assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "There are no sync schedules.\n");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->zwdd_id,
                            "--direction", "from-platform", "--start", "2031-01-06 09:30",
                            "--every", "2w", "--end", "2031-12-31");
  assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-platform", "--start", "2031-01-01 02:00",
                            "--every", "6h", "--disable");
  assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedules");
  assert_exit (result, 0);
  lines = g_strsplit (result->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[0], "CONNECTOR  NAME"));
  g_assert_nonnull (strstr (lines[0], "DIRECTION"));
  g_assert_nonnull (strstr (lines[0], "NEXT RUN"));
  /* By connector ID: 云之家 first. A date alone is midnight. */
  g_assert_true (g_str_has_prefix (lines[1], "1          云之家    to-platform    6h     "
                                             "2031-01-01 02:00:00"));
  g_assert_true (g_str_has_suffix (lines[1], "none (disabled)"));
  g_assert_true (g_str_has_prefix (lines[2], "2          专有钉钉  from-platform  2w     "
                                             "2031-01-06 09:30:00  2031-12-31 00:00:00"));
  g_assert_true (g_str_has_suffix (lines[2], "2031-01-06 09:30:00"));
  g_assert_cmpstr (lines[3], ==, "");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedules", "--json");
  assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  object = json_array_get_object_element (array, 1);
  g_assert_cmpint (json_object_get_int_member (object, "connector"), ==, f->zwdd);
  g_assert_cmpstr (json_object_get_string_member (object, "connector-name"), ==, "专有钉钉");
  g_assert_cmpstr (json_object_get_string_member (object, "interval"), ==, "2w");
  g_assert_cmpint (json_object_get_int_member (object, "next-run"), ==,
                   local_time (2031, 1, 6, 9, 30));
  object = json_array_get_object_element (array, 0);
  g_assert_false (json_object_get_boolean_member (object, "enabled"));
  g_assert_true (member_is_null (object, "next-run"));
  g_clear_pointer (&node, json_node_unref);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Remove one: it is gone, and removing it again is an error. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-platform", "--remove");
  assert_exit (result, 0);
  g_assert_cmpstr (result->out, ==, "Removed the to-platform schedule of connector 1 (“云之家”).\n");
  g_clear_pointer (&result, yq_test_cli_result_free);

  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-platform", "--remove");
  assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedule", f->yzj_id,
                            "--direction", "to-platform");
  assert_exit (result, 1);
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Removing the connector removes its schedules. */
  result = yq_test_cli_run ("--data-dir", f->data_dir, "connector", "remove", f->zwdd_id);
  assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);
  result = yq_test_cli_run ("--data-dir", f->data_dir, "sync", "schedules", "--json");
  assert_exit (result, 0);
  node = yq_test_cli_parse_json (result->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(YqTestCliResult) before = NULL;
  g_autoptr(YqTestCliResult) after = NULL;
  g_autoptr(YqTestCliResult) result = NULL;
  const char *d = f->data_dir;
  const char *id = f->yzj_id;
  const struct
  {
    const char *args[14];
    const char *fragment;
  } usage[] = {
    { { "sync", "schedule", id, NULL }, "Missing --direction" },
    { { "sync", "schedule", id, "--direction", "sideways", NULL }, "Unknown direction" },
    { { "sync", "schedule", "--direction", "to-oa", NULL }, "Missing connector ID" },
    { { "sync", "schedule", "abc", "--direction", "to-oa", NULL }, "not a connector ID" },
    { { "sync", "schedule", id, "2", "--direction", "to-oa", NULL }, "Unexpected argument" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--every", "0d", NULL }, "--every" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--every", "1 fortnight", NULL },
      "--every" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "tomorrow", NULL },
      "--start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "2030-02-30 02:00", NULL },
      "--start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "2030-05-01 25:00", NULL },
      "--start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "2030-05-01 02:00+25:00",
        NULL }, "--start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "2030-05-01 02:00+08:",
        NULL }, "--start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--end", "soon", NULL }, "--end" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "2030-05-01 02:00",
        "--end", "2030-05-01 02:00", NULL }, "must be after the start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--start", "2030-05-01 02:00",
        "--end", "2029-05-01 02:00", NULL }, "must be after the start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--end", "2030-01-01 00:00", NULL },
      "must be after the start" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--enable", "--disable", NULL },
      "--enable and --disable" },
    { { "sync", "schedule", id, "--direction", "to-oa", "--remove", "--every", "1d", NULL },
      "--remove" },
    { { "sync", "schedule", id, "--direction", "from-platform", "--every", "1d", NULL },
      "needs --start" },
    { { "sync", "schedule", f->zwdd_id, "--direction", "to-platform", "--start",
        "2030-05-01 02:00", NULL }, "政务钉钉" },
    { { "sync", "schedules", "extra", NULL }, "Unexpected argument" },
  };

  /* One schedule to change (wrongly). */
  result = yq_test_cli_run ("--data-dir", d, "sync", "schedule", id, "--direction", "to-oa",
                            "--start", "2030-06-01 02:00");
  assert_exit (result, 0);
  g_clear_pointer (&result, yq_test_cli_result_free);

  before = yq_test_cli_run ("--data-dir", d, "sync", "schedules", "--json");
  assert_exit (before, 0);

  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      result = yq_test_cli_run_in (d, NULL, NULL, usage[i].args);
      assert_exit (result, 2);
      g_assert_nonnull (strstr (result->err, usage[i].fragment));
      g_assert_nonnull (strstr (result->err, "--help"));
      g_clear_pointer (&result, yq_test_cli_result_free);
    }

  /* An unknown connector is an error, not a usage error. */
  result = yq_test_cli_run ("--data-dir", d, "sync", "schedule", "99", "--direction", "to-oa",
                            "--start", "2030-05-01 02:00");
  assert_exit (result, 1);
  g_assert_nonnull (strstr (result->err, "99"));
  g_clear_pointer (&result, yq_test_cli_result_free);

  /* Nothing changed. */
  after = yq_test_cli_run ("--data-dir", d, "sync", "schedules", "--json");
  assert_exit (after, 0);
  g_assert_cmpstr (after->out, ==, before->out);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  yq_test_cli_init (cli_env, NULL);

  g_test_add ("/cli-schedule/create-change-show", Fixture, NULL, fixture_setup,
              test_create_change_show, fixture_teardown);
  g_test_add ("/cli-schedule/list-and-remove", Fixture, NULL, fixture_setup,
              test_list_and_remove, fixture_teardown);
  g_test_add ("/cli-schedule/errors", Fixture, NULL, fixture_setup, test_errors,
              fixture_teardown);

  return g_test_run ();
}
