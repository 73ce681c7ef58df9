/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Directory-fetch benchmark against yunqiao-sim, run as a subprocess so that
 * the peak RSS measured here is the client's own.
 *
 * Prints one line per figure, `BENCH <name> <value> <unit>`:
 *
 *   fetch_wall          政务钉钉, the large org, no rate limit, 8 requests in flight
 *   fetch_calls         calls made by that fetch (the client's count; a line
 *                       warns when the simulator counted otherwise)
 *   fetch_min_calls     the calls the crawl of docs/platforms/zwdd.md §4.11
 *                       cannot do without, from the simulator's org:
 *                       1 (scopesV2) + C + ceil(D/100) + E + ceil(P/100), where
 *                       C = Σ max(1, ceil(children/100)) pageSubOrganizationCodes pages,
 *                       E = Σ max(1, ceil(members/100)) pageOrganizationEmployeePositions
 *                       pages, D departments (listOrganizationsByCodes batches),
 *                       P people (listEmployeeAccountIds batches)
 *   fetch_calls_per_s   fetch_calls / fetch_wall
 *   fetch_capped_ratio  a second fetch with the simulator and the client capped at Q
 *                       requests per second: wall / (calls / Q)
 *   fetch_rss           peak RSS of this process during the first fetch, MiB
 *   yzj_fetch_wall, yzj_fetch_calls, yzj_fetch_rss   the same fetch over 云之家
 *
 * Also printed: the simulator's calls per endpoint against the minimum, and
 * the CPU time of the client and of the simulator. The snapshots are
 * checked (every department and person of the org, departments named and in
 * one tree, people with a department and, for 政务钉钉, an account ID); the
 * process exits non-zero when a fetch fails or a snapshot is wrong. Missed targets are reported, and are fatal only with
 * YQ_BENCH_STRICT=1.
 *
 * Environment: YQ_BENCH_PEOPLE (100000), YQ_BENCH_CAPPED_PEOPLE (10000),
 * YQ_BENCH_QPS (200), YQ_BENCH_LATENCY_MS (10), YQ_BENCH_CONCURRENCY (8).
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "yq-connector.h"
#include "yq-platform.h"

/* The simulator's default demo credentials (src/sim/yq-sim-config.c). */
#define ZWDD_TENANT_ID      "196729"
#define ZWDD_APP_KEY        "yqsim-h5-app-key"
#define ZWDD_APP_SECRET     "yqsim-h5-app-secret-7Hq2Lw9Xc4"
#define YZJ_EID             "10109"
#define YZJ_APP_ID          "500012345"
#define YZJ_DIR_SECRET_RO   "yqsim-yzj-dir-ro-secret-8Kp5Hs2"

#define TARGET_CALLS_OVER_MIN 0.02
#define TARGET_CAPPED_RATIO   1.1
#define TARGET_WALL_S         20.0
#define TARGET_RSS_MB         300.0

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *stdout_stream;
  SoupSession      *session;
  char             *url;
  guint             people;
  guint             departments;
} Sim;

/* The org as the simulator holds it. */
typedef struct
{
  guint people;
  guint departments;
  guint child_pages;
  guint member_pages;
  guint member_slots;
} OrgShape;

typedef struct
{
  double wall_s;
  double client_cpu_s;
  double sim_cpu_s;
  guint  calls;
  guint  sim_calls;
  guint  sim_throttled;
} FetchRun;

static gboolean strict;

static guint
env_uint (const char *name,
          guint       min,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 parsed;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, min, G_MAXUINT, &parsed, NULL))
    return fallback;

  return (guint) parsed;
}

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  fputs ("bench-fetch: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (1);
}

/* Simulator process ----------------------------------------------------------- */

#ifdef __linux__
static void
child_setup (gpointer user_data)
{
  /* Do not outlive the benchmark if it dies. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}
#endif

static void
sim_free (Sim *sim)
{
  if (sim->process != NULL)
    {
      g_subprocess_send_signal (sim->process, SIGTERM);
      g_subprocess_wait (sim->process, NULL, NULL);
    }
  g_clear_object (&sim->stdout_stream);
  g_clear_object (&sim->process);
  g_clear_object (&sim->session);
  g_free (sim->url);
  g_free (sim);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sim, sim_free)

static Sim *
sim_start (guint  people,
           guint  latency_ms,
           double qps_limit)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *people_arg = g_strdup_printf ("%u", people);
  g_autofree char *latency_arg = g_strdup_printf ("%u", latency_ms);
  char qps_arg[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *line = NULL;
  g_auto(GStrv) fields = NULL;

  g_ascii_dtostr (qps_arg, sizeof qps_arg, qps_limit);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
#endif
  sim->process = g_subprocess_launcher_spawn (launcher, &error, YUNQIAO_SIM_PATH,
                                              "--port", "0", "--login-port", "0",
                                              "--people", people_arg,
                                              "--latency-ms", latency_arg,
                                              "--qps-limit", qps_arg,
                                              NULL);
  if (sim->process == NULL)
    die ("cannot start %s: %s", YUNQIAO_SIM_PATH, error->message);

  sim->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->process));
  line = g_data_input_stream_read_line_utf8 (sim->stdout_stream, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    die ("the simulator did not start: %s", error ? error->message : (line ? line : "no output"));

  fields = g_strsplit (line, " ", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (g_str_has_prefix (fields[i], "url="))
        sim->url = g_strdup (fields[i] + strlen ("url="));
      else if (g_str_has_prefix (fields[i], "people="))
        sim->people = (guint) g_ascii_strtoull (fields[i] + strlen ("people="), NULL, 10);
      else if (g_str_has_prefix (fields[i], "departments="))
        sim->departments = (guint) g_ascii_strtoull (fields[i] + strlen ("departments="), NULL, 10);
    }
  if (sim->url == NULL || sim->people == 0 || sim->departments == 0)
    die ("cannot read the simulator's READY line: %s", line);

  sim->session = soup_session_new ();

  return g_steal_pointer (&sim);
}

/* The admin API (never delayed, throttled or counted). */
static JsonNode *
sim_admin (Sim        *sim,
           const char *method,
           const char *path)
{
  g_autofree char *url = g_strconcat (sim->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (msg == NULL)
    die ("bad admin URL %s", url);
  bytes = soup_session_send_and_read (sim->session, msg, NULL, &error);
  if (bytes == NULL)
    die ("%s %s: %s", method, path, error->message);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    die ("%s %s: HTTP %u", method, path, soup_message_get_status (msg));
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), &error))
    die ("%s %s: %s", method, path, error->message);

  return json_parser_steal_root (parser);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    die ("the admin answer has no number %s", name);

  return json_node_get_int (node);
}

/* Walks the simulator's tree through the admin API. */
static OrgShape
sim_org_shape (Sim *sim)
{
  OrgShape shape = { 0 };
  g_autoptr(JsonNode) org = sim_admin (sim, "GET", "/_sim/org");
  JsonObject *summary = json_node_get_object (org);
  JsonObject *root = json_object_get_object_member (summary, "root");
  g_autoptr(GQueue) queue = g_queue_new ();
  guint walked = 0;

  shape.people = (guint) member_int (summary, "people");
  shape.departments = (guint) member_int (summary, "departments");
  if (shape.people != sim->people || shape.departments != sim->departments)
    die ("/_sim/org and the READY line disagree on the org's size");

  g_queue_push_tail (queue, g_strdup (json_object_get_string_member (root, "yzj")));
  while (!g_queue_is_empty (queue))
    {
      g_autofree char *id = g_queue_pop_head (queue);
      g_autofree char *escaped = g_uri_escape_string (id, NULL, TRUE);
      g_autofree char *path = g_strconcat ("/_sim/org/department?id=", escaped, NULL);
      g_autoptr(JsonNode) node = sim_admin (sim, "GET", path);
      JsonObject *dept = json_node_get_object (node);
      JsonArray *children = json_object_get_array_member (dept, "children");
      guint n_children = json_array_get_length (children);
      guint members = (guint) member_int (dept, "members");

      shape.child_pages += MAX (1, (n_children + 99) / 100);
      shape.member_pages += MAX (1, (members + 99) / 100);
      shape.member_slots += members;
      for (guint i = 0; i < n_children; i++)
        g_queue_push_tail (queue, g_strdup (json_array_get_string_element (children, i)));
      if (++walked > shape.departments)
        die ("the tree walk finds more departments than /_sim/org counts");
    }
  if (walked != shape.departments)
    die ("the tree walk found %u departments, /_sim/org counts %u", walked, shape.departments);

  return shape;
}

static guint
shape_min_calls (const OrgShape *shape)
{
  return 1 + shape->child_pages + (shape->departments + 99) / 100 +
         shape->member_pages + (shape->people + 99) / 100;
}

static void
sim_reset_counters (Sim *sim)
{
  g_autoptr(JsonNode) reply = sim_admin (sim, "DELETE", "/_sim/counters");
}

static JsonObject *
sim_counters (Sim       *sim,
              JsonNode **holder)
{
  *holder = sim_admin (sim, "GET", "/_sim/counters");
  return json_node_get_object (*holder);
}

/* Memory ---------------------------------------------------------------------- */

/* Peak resident set of this process in MiB: VmHWM, which clear_refs can
 * reset between runs, else ru_maxrss. */
static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  struct rusage usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *hwm = strstr (status, "\nVmHWM:");

      if (hwm != NULL)
        return g_ascii_strtod (hwm + strlen ("\nVmHWM:"), NULL) / 1024.0;
    }

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_maxrss / 1024.0;
}

static gboolean
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (file == NULL)
    return FALSE;
  ok = fputs ("5", file) >= 0;
  return fclose (file) == 0 && ok;
}

/* CPU time --------------------------------------------------------------------- */

static double
self_cpu_s (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         (double) usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* The simulator's user + system time, from /proc; -1 where unavailable. */
static double
sim_cpu_s (Sim *sim)
{
  const char *pid = g_subprocess_get_identifier (sim->process);
  g_autofree char *path = NULL;
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (pid == NULL)
    return -1;
  path = g_strconcat ("/proc/", pid, "/stat", NULL);
  if (!g_file_get_contents (path, &stat, NULL, NULL) ||
      (after_name = strrchr (stat, ')')) == NULL)
    return -1;

  /* Fields after the name: state is the first, utime the 12th, stime the 13th. */
  fields = g_strsplit (after_name + 2, " ", 14);
  if (g_strv_length (fields) < 14)
    return -1;

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         (double) sysconf (_SC_CLK_TCK);
}

/* Fetch ------------------------------------------------------------------------ */

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static YqOrgSnapshot *
fetch (Sim        *sim,
       YqPlatform *platform,
       FetchRun   *run)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  YqFetchStats stats = { 0 };
  YqOrgSnapshot *snapshot;
  gint64 started;
  double cpu = self_cpu_s ();
  double sim_cpu = sim_cpu_s (sim);

  started = g_get_monotonic_time ();
  yq_platform_fetch_directory_async (platform, NULL, NULL, NULL, NULL, fetch_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  run->wall_s = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  run->client_cpu_s = self_cpu_s () - cpu;
  run->sim_cpu_s = sim_cpu >= 0 ? sim_cpu_s (sim) - sim_cpu : -1;

  snapshot = yq_platform_fetch_directory_finish (platform, result, &stats, &error);
  if (snapshot == NULL)
    die ("the directory fetch failed: %s", error->message);
  run->calls = stats.api_calls;

  return snapshot;
}

/* Checks the snapshot against the org; dies when it is not the whole org. */
static void
check_snapshot (const char     *what,
                YqOrgSnapshot  *snapshot,
                const OrgShape *shape,
                gboolean        account_ids)
{
  guint n_departments = yq_org_snapshot_get_n_departments (snapshot);
  guint n_people = yq_org_snapshot_get_n_people (snapshot);
  guint unnamed = 0, orphans = 0, without_account = 0, homeless = 0;
  const char *root_id = yq_org_snapshot_get_root_id (snapshot);

  if (n_departments != shape->departments || n_people != shape->people)
    die ("%s: the snapshot has %u departments and %u people, the org %u and %u",
         what, n_departments, n_people, shape->departments, shape->people);

  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (snapshot, i);

      if (dept->name == NULL || *dept->name == '\0')
        unnamed++;
      if (dept->parent_id == NULL
          ? g_strcmp0 (dept->id, root_id) != 0
          : yq_org_snapshot_lookup_department (snapshot, dept->parent_id) == NULL)
        orphans++;
    }
  for (guint i = 0; i < n_people; i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (snapshot, i);

      if (account_ids && (person->account_id == NULL || *person->account_id == '\0'))
        without_account++;
      if (person->department_ids == NULL || person->department_ids[0] == NULL)
        homeless++;
    }

  if (unnamed || orphans || without_account || homeless)
    die ("%s: %u departments without a name, %u outside the tree, "
         "%u people without an account ID, %u without a department",
         what, unnamed, orphans, without_account, homeless);

  printf ("%s: snapshot complete: %u departments, %u people\n", what, n_departments, n_people);
}

static YqPlatform *
zwdd_platform (Sim   *sim,
               guint  concurrency,
               guint  qps)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_autoptr(GError) error = NULL;
  YqPlatform *platform;

  yq_connector_set_api_base (connector, sim->url);
  yq_connector_set_tenant_id (connector, ZWDD_TENANT_ID);
  yq_connector_set_app_key (connector, ZWDD_APP_KEY);
  if (qps > 0)
    yq_connector_set_qps (connector, qps);
  platform = yq_platform_new_for_connector (connector, ZWDD_APP_SECRET, NULL, &error);
  if (platform == NULL)
    die ("cannot create the 政务钉钉 client: %s", error->message);
  yq_platform_set_concurrency (platform, concurrency);
  if (qps == 0)
    yq_platform_set_qps (platform, 0);

  return platform;
}

static YqPlatform *
yzj_platform (Sim   *sim,
              guint  concurrency)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(GError) error = NULL;
  YqPlatform *platform;

  yq_connector_set_api_base (connector, sim->url);
  yq_connector_set_tenant_id (connector, YZJ_EID);
  yq_connector_set_app_key (connector, YZJ_APP_ID);
  yq_connector_set_directory_readonly (connector, TRUE);
  platform = yq_platform_new_for_connector (connector, NULL, YZJ_DIR_SECRET_RO, &error);
  if (platform == NULL)
    die ("cannot create the 云之家 client: %s", error->message);
  yq_platform_set_concurrency (platform, concurrency);
  yq_platform_set_qps (platform, 0);

  return platform;
}

/* Compares the simulator's per-endpoint counts with the minimum. */
static void
print_endpoint (JsonObject *endpoints,
                const char *path,
                guint       minimum)
{
  gint64 n = json_object_has_member (endpoints, path)
             ? json_object_get_int_member (endpoints, path) : 0;

  printf ("  %-55s %6" G_GINT64_FORMAT " calls (minimum %u)\n", path, n, minimum);
}

static void
read_sim_counters (Sim      *sim,
                   FetchRun *run)
{
  g_autoptr(JsonNode) holder = NULL;
  JsonObject *counters = sim_counters (sim, &holder);

  run->sim_calls = (guint) json_object_get_int_member (counters, "total");
  run->sim_throttled = (guint) json_object_get_int_member (counters, "throttled");
  printf ("CPU time: client %.2f s, simulator %.2f s, over %.2f s of wall time\n",
          run->client_cpu_s, run->sim_cpu_s, run->wall_s);
  if (run->sim_calls != run->calls)
    printf ("warning: the client counted %u calls, the simulator %u\n",
            run->calls, run->sim_calls);
}

static gboolean
report_target (const char *what,
               gboolean    met)
{
  printf ("target %s: %s\n", what, met ? "met" : "MISSED");
  return met;
}

int
main (int   argc,
      char *argv[])
{
  guint people = env_uint ("YQ_BENCH_PEOPLE", 1, 100000);
  guint capped_people = env_uint ("YQ_BENCH_CAPPED_PEOPLE", 1, 10000);
  guint qps = MIN (env_uint ("YQ_BENCH_QPS", 1, 200), YQ_CONNECTOR_QPS_MAX);
  guint latency_ms = env_uint ("YQ_BENCH_LATENCY_MS", 0, 10);
  guint concurrency = env_uint ("YQ_BENCH_CONCURRENCY", 1, 8);
  g_autoptr(Sim) sim = NULL;
  g_autoptr(YqPlatform) platform = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  OrgShape shape, capped_shape;
  FetchRun run = { 0 }, yzj_run = { 0 }, capped_run = { 0 };
  guint min_calls;
  double rss_mb, yzj_rss_mb = -1, ratio, calls_over;
  gboolean all_met = TRUE;

  strict = g_strcmp0 (g_getenv ("YQ_BENCH_STRICT"), "1") == 0;

  /* 1. 政务钉钉, the large org, no rate limit. */
  sim = sim_start (people, latency_ms, 0);
  shape = sim_org_shape (sim);
  min_calls = shape_min_calls (&shape);
  printf ("org: %u people, %u departments, %u member entries; %u child-list pages, "
          "%u member pages; simulator latency %u ms; %u requests in flight\n",
          shape.people, shape.departments, shape.member_slots, shape.child_pages,
          shape.member_pages, latency_ms, concurrency);

  platform = zwdd_platform (sim, concurrency, 0);
  sim_reset_counters (sim);
  reset_peak_rss ();
  snapshot = fetch (sim, platform, &run);
  rss_mb = peak_rss_mb ();
  check_snapshot ("政务钉钉", snapshot, &shape, TRUE);
  read_sim_counters (sim, &run);
  {
    g_autoptr(JsonNode) holder = NULL;
    JsonObject *endpoints = json_object_get_object_member (sim_counters (sim, &holder),
                                                           "endpoints");

    printf ("calls by endpoint (simulator's count):\n");
    print_endpoint (endpoints, "/auth/scopesV2", 1);
    print_endpoint (endpoints, "/mozi/organization/pageSubOrganizationCodes",
                    shape.child_pages);
    print_endpoint (endpoints, "/mozi/organization/listOrganizationsByCodes",
                    (shape.departments + 99) / 100);
    print_endpoint (endpoints, "/mozi/organization/pageOrganizationEmployeePositions",
                    shape.member_pages);
    print_endpoint (endpoints, "/mozi/employee/listEmployeeAccountIds",
                    (shape.people + 99) / 100);
  }
  g_clear_object (&snapshot);
  g_clear_object (&platform);

  printf ("BENCH fetch_wall %.3f s\n", run.wall_s);
  printf ("BENCH fetch_calls %u calls\n", run.calls);
  printf ("BENCH fetch_min_calls %u calls\n", min_calls);
  printf ("BENCH fetch_calls_per_s %.1f calls/s\n", run.calls / run.wall_s);
  printf ("BENCH fetch_rss %.1f MB\n", rss_mb);
  fflush (stdout);

  /* 2. 云之家 over the same org. */
  platform = yzj_platform (sim, concurrency);
  sim_reset_counters (sim);
  if (reset_peak_rss ())
    yzj_rss_mb = 0;
  snapshot = fetch (sim, platform, &yzj_run);
  if (yzj_rss_mb == 0)
    yzj_rss_mb = peak_rss_mb ();
  check_snapshot ("云之家", snapshot, &shape, FALSE);
  read_sim_counters (sim, &yzj_run);
  g_clear_object (&snapshot);
  g_clear_object (&platform);

  printf ("BENCH yzj_fetch_wall %.3f s\n", yzj_run.wall_s);
  printf ("BENCH yzj_fetch_calls %u calls\n", yzj_run.calls);
  if (yzj_rss_mb > 0)
    printf ("BENCH yzj_fetch_rss %.1f MB\n", yzj_rss_mb);
  fflush (stdout);
  g_clear_pointer (&sim, sim_free);

  /* 3. 政务钉钉 with the simulator and the client both capped at Q. */
  sim = sim_start (capped_people, latency_ms, qps);
  capped_shape = sim_org_shape (sim);
  platform = zwdd_platform (sim, concurrency, qps);
  sim_reset_counters (sim);
  snapshot = fetch (sim, platform, &capped_run);
  check_snapshot ("政务钉钉 capped", snapshot, &capped_shape, TRUE);
  read_sim_counters (sim, &capped_run);
  g_clear_object (&snapshot);
  g_clear_object (&platform);
  g_clear_pointer (&sim, sim_free);

  ratio = capped_run.wall_s / ((double) capped_run.calls / qps);
  printf ("capped run: %u people, %u departments, Q = %u/s, %.3f s, %u calls "
          "(minimum %u), %u throttled by the simulator\n",
          capped_shape.people, capped_shape.departments, qps, capped_run.wall_s,
          capped_run.calls, shape_min_calls (&capped_shape), capped_run.sim_throttled);
  printf ("BENCH fetch_capped_ratio %.3f ratio\n", ratio);
  fflush (stdout);

  calls_over = (double) run.calls / min_calls - 1.0;
  printf ("calls over the minimum: %.2f %%\n", calls_over * 100);
  all_met &= report_target ("calls within 2% of the minimum", calls_over <= TARGET_CALLS_OVER_MIN);
  all_met &= report_target ("capped ratio <= 1.1", ratio <= TARGET_CAPPED_RATIO);
  if (people == 100000 && concurrency == 8)
    all_met &= report_target ("wall <= 20 s (100,000 people, 8 in flight)",
                              run.wall_s <= TARGET_WALL_S);
  else
    printf ("target wall <= 20 s: not applicable (%u people, %u in flight)\n",
            people, concurrency);
  all_met &= report_target ("peak RSS <= 300 MB", rss_mb <= TARGET_RSS_MB);

  return (strict && !all_met) ? 1 : 0;
}
