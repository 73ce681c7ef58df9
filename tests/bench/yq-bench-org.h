/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A deterministic organisation for the benchmarks: P people in D
 * departments (a random recursive tree), a target that is its linked copy,
 * and a source with 1 % of it changed:
 *
 *   departments (D / 100): half renamed, 30 % moved, 20 % new (some under
 *                          other new departments)
 *   people (P / 100):      25 % new (one in five of them matched to an
 *                          unbound target person by mobile), 25 % removed,
 *                          25 % with changed fields, 25 % moved
 */

#include "yq-plan.h"
#include "yq-planner.h"

G_BEGIN_DECLS

typedef enum
{
  YQ_BENCH_CHANGE_NONE,
  YQ_BENCH_CHANGE_RENAME,
  YQ_BENCH_CHANGE_MOVE,
  YQ_BENCH_CHANGE_NEW,
  YQ_BENCH_CHANGE_NEW_MATCHED,
  YQ_BENCH_CHANGE_REMOVED,
  YQ_BENCH_CHANGE_FIELDS,
} YqBenchChange;

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
} YqBenchOrg;

guint32        yq_bench_rng                (void);
/* The environment variable's value when it is a number >= @min. */
guint          yq_bench_env_uint           (const char       *name,
                                            guint             min,
                                            guint             fallback);
/* Removes a flat temporary folder and the files in it. */
void           yq_bench_remove_tree        (const char       *path);
/* The peak RSS of the process so far (getrusage). */
double         yq_bench_peak_rss_mb        (void);

void           yq_bench_org_init           (YqBenchOrg       *org,
                                            guint             n_people,
                                            guint             n_departments);
void           yq_bench_org_clear          (YqBenchOrg       *org);
/* The main department a moved person moves to. */
guint          yq_bench_org_moved_dept     (const YqBenchOrg *org,
                                            guint             i);
YqOrgPerson   *yq_bench_make_person        (const char       *id,
                                            guint             i,
                                            const char       *main_dept,
                                            const char       *second_dept);
/* The target (IDs t…/u…) before the changes, its links added to @links. */
YqOrgSnapshot *yq_bench_org_build_target   (const YqBenchOrg *org,
                                            YqSyncLinks      *links);
/* The source (IDs d…/p…) with the changes. */
YqOrgSnapshot *yq_bench_org_build_source   (const YqBenchOrg *org);

G_END_DECLS
