/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "yq-bench-org.h"

/* A small deterministic generator (xorshift32). */
static guint32 rng_state = 2463534242u;

guint32
yq_bench_rng (void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

guint
yq_bench_env_uint (const char *name,
                   guint       min,
                   guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, min, G_MAXUINT, &value, NULL))
    return fallback;

  return (guint) value;
}

double
yq_bench_peak_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (double) usage.ru_maxrss / 1024.0;
}


void
yq_bench_org_init (YqBenchOrg *org,
                   guint       n_people,
                   guint       n_departments)
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
    org->parent[i] = i < 20 ? 0 : yq_bench_rng () % i;

  for (guint i = 0; i < n_people; i++)
    {
      org->dept_of[i] = 1 + yq_bench_rng () % (n_departments - 1);
      org->second_dept[i] = yq_bench_rng () % 10 == 0 ? 1 + yq_bench_rng () % (n_departments - 1) : G_MAXUINT;
      if (org->second_dept[i] == org->dept_of[i])
        org->second_dept[i] = G_MAXUINT;
    }

  /* Department changes, on distinct departments (never the root). */
  for (guint n = 0; n < dept_changes;)
    {
      guint i = 1 + yq_bench_rng () % (n_departments - 1);
      YqBenchChange change;

      if (org->dept_change[i] != YQ_BENCH_CHANGE_NONE)
        continue;

      if (n < dept_changes / 2)
        change = YQ_BENCH_CHANGE_RENAME;
      else if (n < dept_changes / 2 + dept_changes * 3 / 10)
        change = YQ_BENCH_CHANGE_MOVE;
      else
        change = YQ_BENCH_CHANGE_NEW;   /* a new department is added under this one */

      if (change == YQ_BENCH_CHANGE_MOVE)
        {
          if (i < 20)
            continue;
          org->new_parent[i] = yq_bench_rng () % i;
          if (org->new_parent[i] == org->parent[i])
            continue;
        }

      org->dept_change[i] = change;
      if (change == YQ_BENCH_CHANGE_NEW)
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
      guint i = yq_bench_rng () % n_people;
      YqBenchChange change;

      if (org->person_change[i] != YQ_BENCH_CHANGE_NONE)
        continue;

      switch (n % 4)
        {
        case 0:
          change = (n / 4) % 5 == 0 ? YQ_BENCH_CHANGE_NEW_MATCHED : YQ_BENCH_CHANGE_NEW;
          break;
        case 1:
          change = YQ_BENCH_CHANGE_REMOVED;
          break;
        case 2:
          change = YQ_BENCH_CHANGE_FIELDS;
          break;
        default:
          change = YQ_BENCH_CHANGE_MOVE;
          break;
        }

      org->person_change[i] = change;
      switch (change)
        {
        case YQ_BENCH_CHANGE_NEW:
          org->expected[YQ_PLAN_OP_CREATE_PERSON]++;
          break;
        case YQ_BENCH_CHANGE_NEW_MATCHED:
          org->expected[YQ_PLAN_OP_LINK_PERSON]++;
          break;
        case YQ_BENCH_CHANGE_REMOVED:
          org->expected[YQ_PLAN_OP_REMOVE_PERSON]++;
          break;
        case YQ_BENCH_CHANGE_NONE:
        case YQ_BENCH_CHANGE_RENAME:
        case YQ_BENCH_CHANGE_FIELDS:
        case YQ_BENCH_CHANGE_MOVE:
        default:
          org->expected[YQ_PLAN_OP_UPDATE_PERSON]++;
          break;
        }
      n++;
    }
}

void
yq_bench_org_clear (YqBenchOrg *org)
{
  g_free (org->parent);
  g_free (org->new_parent);
  g_free (org->dept_of);
  g_free (org->second_dept);
  g_free (org->dept_change);
  g_free (org->person_change);
}

/* The main department a moved person moves to: another existing one. */
guint
yq_bench_org_moved_dept (const YqBenchOrg *org,
                         guint      i)
{
  guint dept = org->dept_of[i] % (org->n_departments - 1) + 1;

  if (dept == org->second_dept[i])
    dept = dept % (org->n_departments - 1) + 1;

  return dept;
}

YqOrgPerson *
yq_bench_make_person (const char *id,
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
YqOrgSnapshot *
yq_bench_org_build_target (const YqBenchOrg *org,
                           YqSyncLinks      *links)
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

      if (org->person_change[i] == YQ_BENCH_CHANGE_NEW)
        continue;

      yq_org_snapshot_add_person (snapshot, yq_bench_make_person (id, i, main_dept, second_dept));
      if (org->person_change[i] != YQ_BENCH_CHANGE_NEW_MATCHED)
        yq_sync_links_add_person (links, source_id, id);
    }

  return snapshot;
}

/* The source: the organisation with the changes. */
YqOrgSnapshot *
yq_bench_org_build_source (const YqBenchOrg *org)
{
  YqOrgSnapshot *snapshot = yq_org_snapshot_new ("d0");
  g_autofree char *previous_new = NULL;
  g_autoptr(GPtrArray) new_ids = g_ptr_array_new_with_free_func (g_free);
  guint n_new_people = 0;

  for (guint i = 0; i < org->n_departments; i++)
    {
      g_autofree char *id = g_strdup_printf ("d%u", i);
      guint parent_index = org->dept_change[i] == YQ_BENCH_CHANGE_MOVE ? org->new_parent[i]
                                                              : org->parent[i];
      g_autofree char *parent = i ? g_strdup_printf ("d%u", parent_index) : NULL;
      g_autofree char *name = NULL;
      YqOrgDepartment *dept;

      if (i == 0)
        name = g_strdup ("集团");
      else if (org->dept_change[i] == YQ_BENCH_CHANGE_RENAME)
        name = g_strdup_printf ("部门%u（新）", i);
      else
        name = g_strdup_printf ("部门%u", i);

      dept = yq_org_department_new (id, parent, name);
      dept->order = i;
      yq_org_snapshot_add_department (snapshot, dept);

      if (org->dept_change[i] == YQ_BENCH_CHANGE_NEW)
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

      switch ((YqBenchChange) org->person_change[i])
        {
        case YQ_BENCH_CHANGE_REMOVED:
          continue;
        case YQ_BENCH_CHANGE_MOVE:
          main_dept = g_strdup_printf ("d%u", yq_bench_org_moved_dept (org, i));
          break;
        case YQ_BENCH_CHANGE_NEW:
          /* One new person in four joins a new department. */
          if (new_ids->len > 0 && n_new_people++ % 4 == 0)
            main_dept = g_strdup (g_ptr_array_index (new_ids, i % new_ids->len));
          else
            main_dept = g_strdup_printf ("d%u", org->dept_of[i]);
          break;
        case YQ_BENCH_CHANGE_NONE:
        case YQ_BENCH_CHANGE_RENAME:
        case YQ_BENCH_CHANGE_NEW_MATCHED:
        case YQ_BENCH_CHANGE_FIELDS:
        default:
          main_dept = g_strdup_printf ("d%u", org->dept_of[i]);
          break;
        }

      person = yq_bench_make_person (id, i, main_dept, second_dept);
      if (org->person_change[i] == YQ_BENCH_CHANGE_FIELDS)
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

void
yq_bench_remove_tree (const char *path)
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
