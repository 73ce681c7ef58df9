/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Sync planner benchmark.
 *
 * Builds a deterministic organisation of P people in D departments (an OA
 * directory as the source), a target that is its linked copy, and then
 * changes 1 % of it on the source side:
 *
 *   departments (D / 100): half renamed, 30 % moved, 20 % new (some under
 *                          other new departments)
 *   people (P / 100):      25 % new (one in five of them matched to an
 *                          unbound target person by mobile), 25 % removed,
 *                          25 % with changed fields, 25 % moved
 *
 * and plans OA → platform with yq_planner_plan(). Prints
 *
 *   BENCH plan_wall <ms> ms   the median of three plans (the median CPU
 *                             time follows on a plain line)
 *   BENCH plan_rss <MB> MB    the peak RSS of the process (getrusage),
 *                             snapshots and links included
 *
 * and a line saying whether the targets (300 ms, 250 MB) are met. The plan
 * is checked operation by operation against the changes made; the process
 * exits non-zero when it is wrong. Missed targets are fatal only with
 * YQ_BENCH_STRICT=1.
 *
 * Then it applies P new people (in D departments) into an empty bridge
 * directory the way a platform → bridge refresh does it: the plan and its
 * journal rows written in one transaction, then the operations in chunks,
 * each chunk together with its journal rows, in a real database file:
 *
 *   BENCH apply_wall <s> s    journal + apply (target 3 s)
 *
 * and the comparison of the plan (yq-comparison.h), each the median of
 * three (target 1 s each; the file goes to a temporary folder):
 *
 *   BENCH comparison_build <s> s   yq_comparison_new()
 *   BENCH comparison_save <s> s    yq_comparison_save()
 *   BENCH comparison_load <s> s    yq_comparison_load()
 *
 * Environment: YQ_BENCH_PEOPLE (100000), YQ_BENCH_DEPARTMENTS (10000).
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "yq-bridge-directory.h"
#include "yq-comparison.h"
#include "yq-connectors.h"
#include "yq-planner.h"
#include "yq-bench-org.h"
#include "yq-sync-runs.h"

#define PLAN_WALL_TARGET_MS 300.0
#define PLAN_RSS_TARGET_MB  250.0
#define APPLY_WALL_TARGET_S 3.0
#define APPLY_CHUNK         2000
#define COMPARISON_TARGET_S 1.0

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

/* Checks */

static guint
index_of (const char *id,
          const char *prefix)
{
  guint64 value = G_MAXUINT64;

  if (id == NULL || !g_str_has_prefix (id, prefix) ||
      !g_ascii_string_to_unsigned (id + strlen (prefix), 10, 0, G_MAXUINT, &value, NULL))
    return G_MAXUINT;

  return (guint) value;
}

/* Returns the first thing wrong with @plan, or %NULL. */
static char *
check_plan (const YqBenchOrg *org,
            YqPlan    *plan)
{
  const YqPlanCounts *counts = yq_plan_get_counts (plan);
  guint seen[YQ_N_PLAN_OP_KINDS] = { 0 };

  if (yq_plan_is_blocked (plan))
    return g_strdup_printf ("the plan is blocked: %s",
                            ((const YqPlanBlock *) g_ptr_array_index (yq_plan_get_blocks (plan),
                                                                      0))->message);
  if (yq_plan_get_warnings (plan)->len > 0)
    return g_strdup_printf ("unexpected warning: %s",
                            ((const YqPlanWarning *) g_ptr_array_index (
                               yq_plan_get_warnings (plan), 0))->message);

  for (guint n = 0; n < yq_plan_get_n_ops (plan); n++)
    {
      const YqPlanOp *op = yq_plan_get_op (plan, n);
      guint d = index_of (op->source_id, "d");
      guint p = index_of (op->source_id, "p");
      gboolean ok;

      seen[op->kind]++;
      switch (op->kind)
        {
        case YQ_PLAN_OP_UPDATE_DEPARTMENT:
          ok = d < org->n_departments && index_of (op->target_id, "t") == d &&
               ((org->dept_change[d] == YQ_BENCH_CHANGE_RENAME && op->changes == YQ_PLAN_CHANGE_NAME) ||
                (org->dept_change[d] == YQ_BENCH_CHANGE_MOVE && op->changes == YQ_PLAN_CHANGE_PARENT &&
                 index_of (op->target_parent_id, "t") == org->new_parent[d]));
          break;
        case YQ_PLAN_OP_CREATE_DEPARTMENT:
          ok = g_str_has_prefix (op->source_id, "dn") && op->target_id == NULL &&
               (op->target_parent_id != NULL || g_str_has_prefix (op->source_parent_id, "dn"));
          break;
        case YQ_PLAN_OP_LINK_PERSON:
          ok = p < org->n_people && org->person_change[p] == YQ_BENCH_CHANGE_NEW_MATCHED &&
               index_of (op->target_id, "u") == p && op->changes == 0;
          break;
        case YQ_PLAN_OP_CREATE_PERSON:
          ok = p < org->n_people && org->person_change[p] == YQ_BENCH_CHANGE_NEW && op->target_id == NULL;
          break;
        case YQ_PLAN_OP_UPDATE_PERSON:
          ok = p < org->n_people && index_of (op->target_id, "u") == p &&
               ((org->person_change[p] == YQ_BENCH_CHANGE_FIELDS && op->changes == YQ_PLAN_CHANGE_FIELDS) ||
                (org->person_change[p] == YQ_BENCH_CHANGE_MOVE &&
                 op->changes == YQ_PLAN_CHANGE_DEPARTMENTS));
          break;
        case YQ_PLAN_OP_REMOVE_PERSON:
          ok = p < org->n_people && org->person_change[p] == YQ_BENCH_CHANGE_REMOVED &&
               index_of (op->target_id, "u") == p;
          break;
        case YQ_PLAN_OP_LINK_DEPARTMENT:
        case YQ_PLAN_OP_DELETE_DEPARTMENT:
        default:
          ok = FALSE;
          break;
        }

      if (!ok)
        {
          g_autofree char *json = yq_plan_op_to_json (op);

          return g_strdup_printf ("unexpected operation %u: %s", n, json);
        }
    }

  for (guint k = 0; k < YQ_N_PLAN_OP_KINDS; k++)
    if (seen[k] != org->expected[k] || counts->ops[k] != org->expected[k])
      return g_strdup_printf ("%u %s operations (counted %u), expected %u",
                              seen[k], yq_plan_op_kind_to_string (k), counts->ops[k],
                              org->expected[k]);

  if (counts->unchanged_people != org->n_people - org->n_people_changes)
    return g_strdup_printf ("%u unchanged people, expected %u", counts->unchanged_people,
                            org->n_people - org->n_people_changes);
  if (counts->unchanged_departments != org->n_departments -
      org->expected[YQ_PLAN_OP_UPDATE_DEPARTMENT])
    return g_strdup_printf ("%u unchanged departments", counts->unchanged_departments);

  return NULL;
}

/* Planning */

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return da < db ? -1 : da > db;
}

/* Plans three times; returns the median wall time in ms (and the median
 * CPU time in @cpu), or a negative value after printing what is wrong with
 * the plan. */
static double
bench_plan (const YqBenchOrg *org,
            double    *cpu)
{
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqOrgSnapshot) target = yq_bench_org_build_target (org, links);
  g_autoptr(YqOrgSnapshot) source = yq_bench_org_build_source (org);
  YqPlannerInput input = {
    .source = source,
    .target = target,
    .links = links,
    .profile = profile,
    .source_is_platform = FALSE,
    .previous_people = -1,
  };
  double wall_ms[3];
  double cpu_used_ms[3];

  /* The changes are meant; keep the thresholds on, above them. */
  profile->people_threshold = (gint) org->n_people_changes;
  profile->department_threshold = 10;

  for (guint run = 0; run < G_N_ELEMENTS (wall_ms); run++)
    {
      double cpu_start = cpu_ms ();
      gint64 start = g_get_monotonic_time ();
      g_autoptr(YqPlan) plan = yq_planner_plan (&input);

      wall_ms[run] = (g_get_monotonic_time () - start) / 1000.0;
      cpu_used_ms[run] = cpu_ms () - cpu_start;

      if (run == 0)
        {
          g_autofree char *wrong = check_plan (org, plan);

          if (wrong != NULL)
            {
              fprintf (stderr, "The plan is wrong: %s\n", wrong);
              return -1;
            }
          printf ("plan: %u operations (%u department updates, %u new departments, "
                  "%u links, %u new people, %u person updates, %u removals)\n",
                  yq_plan_get_n_ops (plan),
                  yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_UPDATE_DEPARTMENT],
                  yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_CREATE_DEPARTMENT],
                  yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_LINK_PERSON],
                  yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_CREATE_PERSON],
                  yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_UPDATE_PERSON],
                  yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_REMOVE_PERSON]);
        }
    }

  qsort (wall_ms, G_N_ELEMENTS (wall_ms), sizeof wall_ms[0], compare_doubles);
  qsort (cpu_used_ms, G_N_ELEMENTS (cpu_used_ms), sizeof cpu_used_ms[0], compare_doubles);
  *cpu = cpu_used_ms[1];

  return wall_ms[1];
}

/* Applying */

/* Returns the wall time in seconds of journaling and applying P new people
 * (and D departments) into an empty bridge directory, or a negative value
 * after printing what went wrong. */
static double
bench_apply (const YqBenchOrg *org)
{
  g_autofree char *dir = g_dir_make_tmp ("yunqiao-bench-XXXXXX", NULL);
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqSecrets) secrets = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_autoptr(YqOrgSnapshot) source = yq_org_snapshot_new ("d0");
  g_autoptr(YqOrgSnapshot) empty = yq_org_snapshot_new (NULL);
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  YqPlannerInput input = {
    .target = empty,
    .links = links,
    .profile = profile,
    .source_is_platform = TRUE,
    .mirror = TRUE,
    .previous_people = -1,
  };
  guint n, departments = 0, people = 0;
  gint64 start, run_id;
  double seconds = -1;

  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);
  store = yq_store_open_in_dir (dir, &error);
  if (store != NULL)
    secrets = yq_secrets_new_for_data_dir (dir, &error);
  if (secrets == NULL)
    goto out;

  yq_connector_set_name (connector, "bench");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "bench");
  if (!yq_connectors_save (store, secrets, connector, "bench-secret", "bench-directory-secret",
                           &error))
    goto out;

  for (guint i = 0; i < org->n_departments; i++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", i);
      g_autofree char *parent = i ? g_strdup_printf ("d%u", org->parent[i]) : NULL;
      g_autofree char *name = i ? g_strdup_printf ("部门%u", i) : g_strdup ("集团");

      yq_org_snapshot_add_department (source, yq_org_department_new (id, parent, name));
    }
  for (guint i = 0; i < org->n_people; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *dept = g_strdup_printf ("d%u", org->dept_of[i]);

      yq_org_snapshot_add_person (source, yq_bench_make_person (id, i, dept, NULL));
    }

  input.source = source;
  profile->people_threshold = -1;
  profile->department_threshold = -1;
  plan = yq_planner_plan (&input);
  n = yq_plan_get_n_ops (plan);
  if (n != org->n_departments + org->n_people)
    {
      fprintf (stderr, "The mirror plan has %u operations, expected %u\n", n,
               org->n_departments + org->n_people);
      goto out;
    }

  start = g_get_monotonic_time ();
  run_id = yq_sync_runs_create (store, yq_connector_get_id (connector),
                                YQ_SYNC_DIRECTION_FROM_PLATFORM, profile, FALSE, plan, &error);
  if (run_id == 0)
    goto out;
  for (guint first = 0; first < n; first += APPLY_CHUNK)
    if (!yq_bridge_directory_apply_mirror (store, yq_connector_get_id (connector), plan, first,
                                           MIN (APPLY_CHUNK, n - first), run_id, &error))
      goto out;
  if (!yq_sync_runs_finish (store, run_id, YQ_SYNC_RUN_APPLIED, NULL, &error))
    goto out;
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  if (!yq_bridge_directory_count (store, yq_connector_get_id (connector), &departments, &people,
                                  NULL, &error))
    goto out;
  if (departments != org->n_departments || people != org->n_people)
    {
      fprintf (stderr, "The bridge holds %u departments and %u people, expected %u and %u\n",
               departments, people, org->n_departments, org->n_people);
      seconds = -1;
    }

out:
  if (error != NULL)
    {
      fprintf (stderr, "Applying failed: %s\n", error->message);
      seconds = -1;
    }
  g_clear_object (&store);
  yq_bench_remove_tree (dir);

  return seconds;
}

/* The comparison */

static double
median3 (double *values)
{
  qsort (values, 3, sizeof values[0], compare_doubles);
  return values[1];
}

/* Builds, saves and loads the comparison of the plan three times each;
 * returns FALSE after printing what is wrong. */
static gboolean
bench_comparison (const YqBenchOrg *org,
                  double    *build_s,
                  double    *save_s,
                  double    *load_s)
{
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqOrgSnapshot) target = yq_bench_org_build_target (org, links);
  g_autoptr(YqOrgSnapshot) source = yq_bench_org_build_source (org);
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  YqPlannerInput input = {
    .source = source,
    .target = target,
    .links = links,
    .profile = profile,
    .source_is_platform = FALSE,
    .previous_people = -1,
  };
  double build[3], save[3], load[3];
  guint expected = yq_org_snapshot_get_n_departments (source) +
                   yq_org_snapshot_get_n_people (source);
  gboolean ok = TRUE;

  profile->people_threshold = (gint) org->n_people_changes;
  plan = yq_planner_plan (&input);

  dir = g_dir_make_tmp ("yq-bench-comparison-XXXXXX", &error);
  if (dir == NULL)
    {
      fprintf (stderr, "No temporary folder: %s\n", error->message);
      return FALSE;
    }
  path = g_build_filename (dir, "comparison.gvariant", NULL);

  for (guint run = 0; run < 3 && ok; run++)
    {
      g_autoptr(YqComparison) comparison = NULL;
      g_autoptr(YqComparison) loaded = NULL;
      gint64 start = g_get_monotonic_time ();
      guint counts[YQ_N_COMPARISON_STATUSES][2];

      comparison = yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_OA,
                                      YQ_COMPARISON_SIDE_PLATFORM);
      build[run] = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

      start = g_get_monotonic_time ();
      ok = yq_comparison_save (comparison, path, &error);
      save[run] = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      if (!ok)
        break;

      start = g_get_monotonic_time ();
      loaded = yq_comparison_load (path, &error);
      load[run] = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      ok = loaded != NULL;
      if (!ok)
        break;

      /* Every source item is a node; the linked copy adds none but the
       * removed people and departments. */
      yq_comparison_get_counts (comparison, counts);
      if (yq_comparison_get_n_nodes (comparison) < expected ||
          yq_comparison_get_n_nodes (loaded) != yq_comparison_get_n_nodes (comparison) ||
          counts[YQ_COMPARISON_NEW][1] != yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_CREATE_PERSON] ||
          counts[YQ_COMPARISON_REMOVED][1] != yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_REMOVE_PERSON])
        {
          fprintf (stderr, "The comparison is wrong: %u nodes (%u loaded), at least %u expected\n",
                   yq_comparison_get_n_nodes (comparison), yq_comparison_get_n_nodes (loaded),
                   expected);
          ok = FALSE;
        }
      if (run == 0)
        printf ("comparison: %u nodes\n", yq_comparison_get_n_nodes (comparison));
    }

  if (error != NULL)
    fprintf (stderr, "The comparison failed: %s\n", error->message);
  yq_bench_remove_tree (dir);

  if (ok)
    {
      *build_s = median3 (build);
      *save_s = median3 (save);
      *load_s = median3 (load);
    }

  return ok;
}

int
main (int   argc,
      char *argv[])
{
  guint n_people = yq_bench_env_uint ("YQ_BENCH_PEOPLE", 100, 100000);
  guint n_departments = yq_bench_env_uint ("YQ_BENCH_DEPARTMENTS", 100, 10000);
  gboolean strict = g_strcmp0 (g_getenv ("YQ_BENCH_STRICT"), "1") == 0;
  double plan_wall_ms;
  double plan_cpu_ms = 0;
  double plan_rss_mb;
  double apply_wall_s;
  double comparison_build_s = -1, comparison_save_s = -1, comparison_load_s = -1;
  gboolean comparison_ok;
  gboolean met;
  YqBenchOrg org;

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("planning %u people in %u departments, 1 %% changed\n", n_people, n_departments);

  yq_bench_org_init (&org, n_people, n_departments);
  plan_wall_ms = bench_plan (&org, &plan_cpu_ms);
  plan_rss_mb = yq_bench_peak_rss_mb ();
  apply_wall_s = plan_wall_ms < 0 ? -1 : bench_apply (&org);
  comparison_ok = plan_wall_ms >= 0 &&
                  bench_comparison (&org, &comparison_build_s, &comparison_save_s,
                                    &comparison_load_s);
  yq_bench_org_clear (&org);

  if (plan_wall_ms < 0 || apply_wall_s < 0 || !comparison_ok)
    return EXIT_FAILURE;

  printf ("BENCH plan_wall %.1f ms\n", plan_wall_ms);
  printf ("BENCH plan_rss %.1f MB\n", plan_rss_mb);
  printf ("plan CPU time %.1f ms (median; wall time above CPU time is other load)\n",
          plan_cpu_ms);

  printf ("BENCH apply_wall %.2f s\n", apply_wall_s);
  if (apply_wall_s <= APPLY_WALL_TARGET_S)
    printf ("apply target met (apply_wall ≤ %.0f s)\n", APPLY_WALL_TARGET_S);
  else
    printf ("apply target MISSED (apply_wall ≤ %.0f s)\n", APPLY_WALL_TARGET_S);

  printf ("BENCH comparison_build %.3f s\n", comparison_build_s);
  printf ("BENCH comparison_save %.3f s\n", comparison_save_s);
  printf ("BENCH comparison_load %.3f s\n", comparison_load_s);
  if (comparison_build_s <= COMPARISON_TARGET_S && comparison_save_s <= COMPARISON_TARGET_S &&
      comparison_load_s <= COMPARISON_TARGET_S)
    printf ("comparison targets met (each ≤ %.0f s)\n", COMPARISON_TARGET_S);
  else
    printf ("comparison targets MISSED (each ≤ %.0f s)\n", COMPARISON_TARGET_S);

  met = comparison_build_s <= COMPARISON_TARGET_S && comparison_save_s <= COMPARISON_TARGET_S &&
        comparison_load_s <= COMPARISON_TARGET_S &&
        plan_wall_ms <= PLAN_WALL_TARGET_MS && plan_rss_mb <= PLAN_RSS_TARGET_MB &&
        apply_wall_s <= APPLY_WALL_TARGET_S;
  if (met)
    printf ("plan targets met (plan_wall ≤ %.0f ms, plan_rss ≤ %.0f MB)\n",
            PLAN_WALL_TARGET_MS, PLAN_RSS_TARGET_MB);
  else
    printf ("plan targets MISSED (plan_wall ≤ %.0f ms, plan_rss ≤ %.0f MB)\n",
            PLAN_WALL_TARGET_MS, PLAN_RSS_TARGET_MB);

  return (!met && strict) ? EXIT_FAILURE : EXIT_SUCCESS;
}
