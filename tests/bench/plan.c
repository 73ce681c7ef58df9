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
#include "yq-sync-runs.h"

#define PLAN_WALL_TARGET_MS 300.0
#define PLAN_RSS_TARGET_MB  250.0
#define APPLY_WALL_TARGET_S 3.0
#define APPLY_CHUNK         2000
#define COMPARISON_TARGET_S 1.0

/* A small deterministic generator (xorshift32). */
static guint32 rng_state = 2463534242u;

static guint32
rng (void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static guint
env_uint (const char *name,
          guint       min,
          guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, min, G_MAXUINT, &value, NULL))
    return fallback;

  return (guint) value;
}

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

static double
peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_maxrss / 1024.0;
}

/* The organisation */

typedef enum
{
  CHANGE_NONE,
  CHANGE_RENAME,
  CHANGE_MOVE,
  CHANGE_NEW,
  CHANGE_NEW_MATCHED,
  CHANGE_REMOVED,
  CHANGE_FIELDS,
} Change;

typedef struct
{
  guint   n_people;
  guint   n_departments;
  guint  *parent;            /* department → parent index (0 for the root) */
  guint  *new_parent;        /* moved department → its new parent */
  guint  *dept_of;           /* person → main department */
  guint  *second_dept;       /* person → second department, or G_MAXUINT */
  guint8 *dept_change;
  guint8 *person_change;
  guint   n_new_departments;
  guint   n_people_changes;
  guint   expected[YQ_N_PLAN_OP_KINDS];
} Org;

static void
org_init (Org   *org,
          guint  n_people,
          guint  n_departments)
{
  guint dept_changes = MAX (n_departments / 100, 10);
  guint people_changes = MAX (n_people / 100, 20);

  memset (org, 0, sizeof *org);
  org->n_people = n_people;
  org->n_departments = n_departments;
  org->parent = g_new0 (guint, n_departments);
  org->new_parent = g_new0 (guint, n_departments);
  org->dept_of = g_new0 (guint, n_people);
  org->second_dept = g_new0 (guint, n_people);
  org->dept_change = g_new0 (guint8, n_departments);
  org->person_change = g_new0 (guint8, n_people);
  org->n_people_changes = people_changes;

  /* A random recursive tree: every department's parent comes before it,
   * so moving a department under any earlier one never makes a cycle. */
  for (guint i = 1; i < n_departments; i++)
    org->parent[i] = i < 20 ? 0 : rng () % i;

  for (guint i = 0; i < n_people; i++)
    {
      org->dept_of[i] = 1 + rng () % (n_departments - 1);
      org->second_dept[i] = rng () % 10 == 0 ? 1 + rng () % (n_departments - 1) : G_MAXUINT;
      if (org->second_dept[i] == org->dept_of[i])
        org->second_dept[i] = G_MAXUINT;
    }

  /* Department changes, on distinct departments (never the root). */
  for (guint n = 0; n < dept_changes;)
    {
      guint i = 1 + rng () % (n_departments - 1);
      Change change;

      if (org->dept_change[i] != CHANGE_NONE)
        continue;

      if (n < dept_changes / 2)
        change = CHANGE_RENAME;
      else if (n < dept_changes / 2 + dept_changes * 3 / 10)
        change = CHANGE_MOVE;
      else
        change = CHANGE_NEW;   /* a new department is added under this one */

      if (change == CHANGE_MOVE)
        {
          if (i < 20)
            continue;
          org->new_parent[i] = rng () % i;
          if (org->new_parent[i] == org->parent[i])
            continue;
        }

      org->dept_change[i] = change;
      if (change == CHANGE_NEW)
        {
          org->expected[YQ_PLAN_OP_CREATE_DEPARTMENT]++;
          org->n_new_departments++;
        }
      else
        org->expected[YQ_PLAN_OP_UPDATE_DEPARTMENT]++;
      n++;
    }

  for (guint n = 0; n < people_changes;)
    {
      guint i = rng () % n_people;
      Change change;

      if (org->person_change[i] != CHANGE_NONE)
        continue;

      switch (n % 4)
        {
        case 0:
          change = (n / 4) % 5 == 0 ? CHANGE_NEW_MATCHED : CHANGE_NEW;
          break;
        case 1:
          change = CHANGE_REMOVED;
          break;
        case 2:
          change = CHANGE_FIELDS;
          break;
        default:
          change = CHANGE_MOVE;
          break;
        }

      org->person_change[i] = change;
      switch (change)
        {
        case CHANGE_NEW:
          org->expected[YQ_PLAN_OP_CREATE_PERSON]++;
          break;
        case CHANGE_NEW_MATCHED:
          org->expected[YQ_PLAN_OP_LINK_PERSON]++;
          break;
        case CHANGE_REMOVED:
          org->expected[YQ_PLAN_OP_REMOVE_PERSON]++;
          break;
        case CHANGE_NONE:
        case CHANGE_RENAME:
        case CHANGE_FIELDS:
        case CHANGE_MOVE:
        default:
          org->expected[YQ_PLAN_OP_UPDATE_PERSON]++;
          break;
        }
      n++;
    }
}

static void
org_clear (Org *org)
{
  g_free (org->parent);
  g_free (org->new_parent);
  g_free (org->dept_of);
  g_free (org->second_dept);
  g_free (org->dept_change);
  g_free (org->person_change);
}

/* The main department a moved person moves to: another existing one. */
static guint
moved_dept (const Org *org,
            guint      i)
{
  guint dept = org->dept_of[i] % (org->n_departments - 1) + 1;

  if (dept == org->second_dept[i])
    dept = dept % (org->n_departments - 1) + 1;

  return dept;
}

static YqOrgPerson *
make_person (const char *id,
             guint       i,
             const char *main_dept,
             const char *second_dept)
{
  g_autofree char *name = g_strdup_printf ("员工%u", i);
  YqOrgPerson *person = yq_org_person_new (id, name);

  person->mobile = g_strdup_printf ("13%09u", i);
  person->email = g_strdup_printf ("user%u@example.com", i);
  person->job_number = g_strdup_printf ("J%06u", i);
  person->title = g_strdup (i % 10 == 0 ? "科长" : "科员");
  person->account_code = g_strdup_printf ("user%u", i);
  person->order = i;
  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 3);
  person->department_ids[0] = g_strdup (main_dept);
  person->department_ids[1] = g_strdup (second_dept);

  return person;
}

/* The target: the linked copy of the organisation before the changes. New
 * source people are not in it, except the matched ones, which are there
 * unbound. */
static YqOrgSnapshot *
build_target (const Org   *org,
              YqSyncLinks *links)
{
  YqOrgSnapshot *snapshot = yq_org_snapshot_new ("t0");

  for (guint i = 0; i < org->n_departments; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      g_autofree char *source_id = g_strdup_printf ("d%u", i);
      g_autofree char *parent = i ? g_strdup_printf ("t%u", org->parent[i]) : NULL;
      g_autofree char *name = i ? g_strdup_printf ("部门%u", i) : g_strdup ("集团");
      YqOrgDepartment *dept = yq_org_department_new (id, parent, name);

      dept->order = i;
      yq_org_snapshot_add_department (snapshot, dept);
      yq_sync_links_add_department (links, source_id, id);
    }

  for (guint i = 0; i < org->n_people; i++)
    {
      g_autofree char *id = g_strdup_printf ("u%u", i);
      g_autofree char *source_id = g_strdup_printf ("p%u", i);
      g_autofree char *main_dept = g_strdup_printf ("t%u", org->dept_of[i]);
      g_autofree char *second_dept = org->second_dept[i] != G_MAXUINT
        ? g_strdup_printf ("t%u", org->second_dept[i]) : NULL;

      if (org->person_change[i] == CHANGE_NEW)
        continue;

      yq_org_snapshot_add_person (snapshot, make_person (id, i, main_dept, second_dept));
      if (org->person_change[i] != CHANGE_NEW_MATCHED)
        yq_sync_links_add_person (links, source_id, id);
    }

  return snapshot;
}

/* The source: the organisation with the changes. */
static YqOrgSnapshot *
build_source (const Org *org)
{
  YqOrgSnapshot *snapshot = yq_org_snapshot_new ("d0");
  g_autofree char *previous_new = NULL;
  g_autoptr(GPtrArray) new_ids = g_ptr_array_new_with_free_func (g_free);
  guint n_new_people = 0;

  for (guint i = 0; i < org->n_departments; i++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", i);
      guint parent_index = org->dept_change[i] == CHANGE_MOVE ? org->new_parent[i]
                                                              : org->parent[i];
      g_autofree char *parent = i ? g_strdup_printf ("d%u", parent_index) : NULL;
      g_autofree char *name = NULL;
      YqOrgDepartment *dept;

      if (i == 0)
        name = g_strdup ("集团");
      else if (org->dept_change[i] == CHANGE_RENAME)
        name = g_strdup_printf ("部门%u（新）", i);
      else
        name = g_strdup_printf ("部门%u", i);

      dept = yq_org_department_new (id, parent, name);
      dept->order = i;
      yq_org_snapshot_add_department (snapshot, dept);

      if (org->dept_change[i] == CHANGE_NEW)
        {
          /* Every other new department goes under the previous new one. */
          g_autofree char *new_id = g_strdup_printf ("dn%u", i);
          g_autofree char *new_name = g_strdup_printf ("新部门%u", i);
          const char *new_parent = (new_ids->len % 2 == 1) ? previous_new : id;

          yq_org_snapshot_add_department (snapshot,
                                          yq_org_department_new (new_id, new_parent, new_name));
          g_free (previous_new);
          previous_new = g_strdup (new_id);
          g_ptr_array_add (new_ids, g_steal_pointer (&new_id));
        }
    }

  for (guint i = 0; i < org->n_people; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *main_dept = NULL;
      g_autofree char *second_dept = org->second_dept[i] != G_MAXUINT
        ? g_strdup_printf ("d%u", org->second_dept[i]) : NULL;
      YqOrgPerson *person;

      switch ((Change) org->person_change[i])
        {
        case CHANGE_REMOVED:
          continue;
        case CHANGE_MOVE:
          main_dept = g_strdup_printf ("d%u", moved_dept (org, i));
          break;
        case CHANGE_NEW:
          /* One new person in four joins a new department. */
          if (new_ids->len > 0 && n_new_people++ % 4 == 0)
            main_dept = g_strdup (g_ptr_array_index (new_ids, i % new_ids->len));
          else
            main_dept = g_strdup_printf ("d%u", org->dept_of[i]);
          break;
        case CHANGE_NONE:
        case CHANGE_RENAME:
        case CHANGE_NEW_MATCHED:
        case CHANGE_FIELDS:
        default:
          main_dept = g_strdup_printf ("d%u", org->dept_of[i]);
          break;
        }

      person = make_person (id, i, main_dept, second_dept);
      if (org->person_change[i] == CHANGE_FIELDS)
        {
          g_free (person->email);
          person->email = g_strdup_printf ("changed%u@example.com", i);
          g_free (person->title);
          person->title = g_strdup ("处长");
        }
      yq_org_snapshot_add_person (snapshot, person);
    }

  return snapshot;
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
check_plan (const Org *org,
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
               ((org->dept_change[d] == CHANGE_RENAME && op->changes == YQ_PLAN_CHANGE_NAME) ||
                (org->dept_change[d] == CHANGE_MOVE && op->changes == YQ_PLAN_CHANGE_PARENT &&
                 index_of (op->target_parent_id, "t") == org->new_parent[d]));
          break;
        case YQ_PLAN_OP_CREATE_DEPARTMENT:
          ok = g_str_has_prefix (op->source_id, "dn") && op->target_id == NULL &&
               (op->target_parent_id != NULL || g_str_has_prefix (op->source_parent_id, "dn"));
          break;
        case YQ_PLAN_OP_LINK_PERSON:
          ok = p < org->n_people && org->person_change[p] == CHANGE_NEW_MATCHED &&
               index_of (op->target_id, "u") == p && op->changes == 0;
          break;
        case YQ_PLAN_OP_CREATE_PERSON:
          ok = p < org->n_people && org->person_change[p] == CHANGE_NEW && op->target_id == NULL;
          break;
        case YQ_PLAN_OP_UPDATE_PERSON:
          ok = p < org->n_people && index_of (op->target_id, "u") == p &&
               ((org->person_change[p] == CHANGE_FIELDS && op->changes == YQ_PLAN_CHANGE_FIELDS) ||
                (org->person_change[p] == CHANGE_MOVE &&
                 op->changes == YQ_PLAN_CHANGE_DEPARTMENTS));
          break;
        case YQ_PLAN_OP_REMOVE_PERSON:
          ok = p < org->n_people && org->person_change[p] == CHANGE_REMOVED &&
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
bench_plan (const Org *org,
            double    *cpu)
{
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqOrgSnapshot) target = build_target (org, links);
  g_autoptr(YqOrgSnapshot) source = build_source (org);
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

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

/* Returns the wall time in seconds of journaling and applying P new people
 * (and D departments) into an empty bridge directory, or a negative value
 * after printing what went wrong. */
static double
bench_apply (const Org *org)
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

      yq_org_snapshot_add_person (source, make_person (id, i, dept, NULL));
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
  remove_tree (dir);

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
bench_comparison (const Org *org,
                  double    *build_s,
                  double    *save_s,
                  double    *load_s)
{
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqOrgSnapshot) target = build_target (org, links);
  g_autoptr(YqOrgSnapshot) source = build_source (org);
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
  remove_tree (dir);

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
  guint n_people = env_uint ("YQ_BENCH_PEOPLE", 100, 100000);
  guint n_departments = env_uint ("YQ_BENCH_DEPARTMENTS", 100, 10000);
  gboolean strict = g_strcmp0 (g_getenv ("YQ_BENCH_STRICT"), "1") == 0;
  double plan_wall_ms;
  double plan_cpu_ms = 0;
  double plan_rss_mb;
  double apply_wall_s;
  double comparison_build_s = -1, comparison_save_s = -1, comparison_load_s = -1;
  gboolean comparison_ok;
  gboolean met;
  Org org;

  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("planning %u people in %u departments, 1 %% changed\n", n_people, n_departments);

  org_init (&org, n_people, n_departments);
  plan_wall_ms = bench_plan (&org, &plan_cpu_ms);
  plan_rss_mb = peak_rss_mb ();
  apply_wall_s = plan_wall_ms < 0 ? -1 : bench_apply (&org);
  comparison_ok = plan_wall_ms >= 0 &&
                  bench_comparison (&org, &comparison_build_s, &comparison_save_s,
                                    &comparison_load_s);
  org_clear (&org);

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
