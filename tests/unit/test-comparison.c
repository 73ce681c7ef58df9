/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "yq-comparison.h"
#include "yq-planner.h"
#include "yq-sync-profile.h"

/*
 * One organisation, planned OA → platform with the real planner, covers
 * every status:
 *
 *   source (OA)                         target (platform)
 *   d0 市政府                 linked    t0 市政府
 *   ├ d1 财务局 #1            linked    ├ t1 财务局 #1
 *   │ ├ d3 预算处 #1          linked    │ (t3 is under t2)
 *   │ ├ p1 张三               linked    │ ├ u1 张三
 *   │ └ p2 李四               linked    │ ├ u2 李思
 *   │                                   │ └ u9 旧人   (linked to gone p9)
 *   ├ d2 人事局 #2            linked    ├ t2 人事处 #2
 *   │                                   │ ├ t3 预算处 #1
 *   │                                   │ └ u3 王五
 *   │ (p3 王五 is in d3)
 *   ├ d4 教育局 #3            unlinked  ├ t4 教育局 #3
 *   │                                   │ └ u4 赵六 13800138000 (unlinked)
 *   ├ d5 交通局 #4            new
 *   │ ├ p4 赵六 13800138000   matched by mobile
 *   │ └ p5 孙七               new
 *   ├ d6 外事办 #5            excluded by the profile
 *   │ └ p6 周八
 *   └ d7 办公室 #6            unlinked  ├ t7a 办公室 #6, t7b 办公室 #7
 *                                       ├ t8 档案馆 #9 (unlinked)
 *                                       │ └ u8 吴九
 *                                       └ t9 旧局 #8 (linked to gone d9)
 */

typedef struct
{
  YqOrgSnapshot  *source;
  YqOrgSnapshot  *target;
  YqSyncLinks    *links;
  YqSyncProfile  *profile;
  YqPlannerInput  input;
  YqPlan         *plan;
  YqComparison   *comparison;
  char           *dir;
} Fixture;

static void
add_dept (YqOrgSnapshot *snapshot,
          const char    *id,
          const char    *parent_id,
          const char    *name,
          gint64         order)
{
  YqOrgDepartment *dept = yq_org_department_new (id, parent_id, name);

  dept->order = order;
  g_assert_true (yq_org_snapshot_add_department (snapshot, dept));
}

static void
add_person (YqOrgSnapshot *snapshot,
            const char    *id,
            const char    *dept_id,
            const char    *name,
            const char    *mobile)
{
  YqOrgPerson *person = yq_org_person_new (id, name);

  g_strfreev (person->department_ids);
  person->department_ids = g_strsplit (dept_id, ",", -1);
  person->mobile = g_strdup (mobile);
  person->job_number = g_strdup_printf ("J-%s", id);
  g_assert_true (yq_org_snapshot_add_person (snapshot, person));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->source = yq_org_snapshot_new ("d0");
  add_dept (f->source, "d0", NULL, "市政府", 0);
  add_dept (f->source, "d1", "d0", "财务局", 1);
  add_dept (f->source, "d2", "d0", "人事局", 2);
  add_dept (f->source, "d3", "d1", "预算处", 1);
  add_dept (f->source, "d4", "d0", "教育局", 3);
  add_dept (f->source, "d5", "d0", "交通局", 4);
  add_dept (f->source, "d6", "d0", "外事办", 5);
  add_dept (f->source, "d7", "d0", "办公室", 6);
  add_person (f->source, "p1", "d1", "Zhang San", "13800000001");
  add_person (f->source, "p2", "d1", "Li Si", "13800000002");
  add_person (f->source, "p3", "d3", "Wang Wu", "13800000003");
  add_person (f->source, "p4", "d5", "Zhao Liu", "13800138000");
  add_person (f->source, "p5", "d5", "Sun Qi", "13900000005");
  add_person (f->source, "p6", "d6", "Zhou Ba", "13900000006");

  f->target = yq_org_snapshot_new ("t0");
  add_dept (f->target, "t0", NULL, "市政府", 0);
  add_dept (f->target, "t1", "t0", "财务局", 1);
  add_dept (f->target, "t2", "t0", "人事处", 2);
  add_dept (f->target, "t3", "t2", "预算处", 1);
  add_dept (f->target, "t4", "t0", "教育局", 3);
  add_dept (f->target, "t7a", "t0", "办公室", 6);
  add_dept (f->target, "t7b", "t0", "办公室", 7);
  add_dept (f->target, "t8", "t0", "档案馆", 9);
  add_dept (f->target, "t9", "t0", "旧局", 8);
  add_person (f->target, "u1", "t1", "Zhang San", "13800000001");
  add_person (f->target, "u2", "t1", "Li Si Old", "13800000002");
  add_person (f->target, "u3", "t2", "Wang Wu", "13800000003");
  add_person (f->target, "u4", "t4", "Zhao Liu", "13800138000");
  add_person (f->target, "u8", "t8", "Wu Jiu", "13900000008");
  add_person (f->target, "u9", "t1", "Old Person", "13900000009");
  /* The job numbers of linked people agree, so that only what the test
   * changes differs. */
  for (guint i = 0; i < yq_org_snapshot_get_n_people (f->target); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (f->target, i);

      g_free (person->job_number);
      person->job_number = g_strdup_printf ("J-p%c", person->id[1]);
    }

  f->links = yq_sync_links_new ();
  yq_sync_links_add_department (f->links, "d0", "t0");
  yq_sync_links_add_department (f->links, "d1", "t1");
  yq_sync_links_add_department (f->links, "d2", "t2");
  yq_sync_links_add_department (f->links, "d3", "t3");
  yq_sync_links_add_department (f->links, "d9", "t9");
  yq_sync_links_add_person (f->links, "p1", "u1");
  yq_sync_links_add_person (f->links, "p2", "u2");
  yq_sync_links_add_person (f->links, "p3", "u3");
  yq_sync_links_add_person (f->links, "p9", "u9");

  f->profile = yq_sync_profile_new ();
  f->profile->exclude_departments = g_strsplit ("d6", ",", -1);

  f->input.source = f->source;
  f->input.target = f->target;
  f->input.links = f->links;
  f->input.profile = f->profile;
  f->input.source_is_platform = FALSE;
  f->input.previous_people = -1;

  f->plan = yq_planner_plan (&f->input);
  g_assert_false (yq_plan_is_blocked (f->plan));
  f->comparison = yq_comparison_new (&f->input, f->plan, YQ_COMPARISON_SIDE_OA,
                                     YQ_COMPARISON_SIDE_PLATFORM);

  f->dir = g_dir_make_tmp ("yq-comparison-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);

  g_clear_object (&f->comparison);
  g_clear_object (&f->plan);
  g_clear_object (&f->source);
  g_clear_object (&f->target);
  yq_sync_links_free (f->links);
  yq_sync_profile_free (f->profile);
}

/* The node of a source ID, or of a target ID when it has no source. */
static guint
find (YqComparison *comparison,
      const char   *id)
{
  guint n = yq_comparison_get_n_nodes (comparison);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (yq_comparison_get_node (comparison, i)->source_id, id) == 0)
      return i;
  for (guint i = 0; i < n; i++)
    {
      const YqComparisonNode *node = yq_comparison_get_node (comparison, i);

      if (node->source_id == NULL && g_strcmp0 (node->target_id, id) == 0)
        return i;
    }

  g_error ("no node for %s", id);
  return 0;
}

static const YqComparisonNode *
node (Fixture    *f,
      const char *id)
{
  return yq_comparison_get_node (f->comparison, find (f->comparison, id));
}

static void
assert_status (Fixture            *f,
               const char         *id,
               YqComparisonStatus  status,
               YqComparisonReason  reason)
{
  const YqComparisonNode *n = node (f, id);

  if (n->status != status || n->reason != reason)
    g_error ("%s: status %s reason %u, expected %s reason %u", id,
             yq_comparison_status_to_string (n->status), n->reason,
             yq_comparison_status_to_string (status), reason);
}

/* Asserts that the node has the field with these values. */
static void
assert_field (Fixture    *f,
              const char *id,
              const char *field,
              const char *old_value,
              const char *new_value)
{
  guint n_fields;
  const YqComparisonField *fields;

  fields = yq_comparison_get_fields (f->comparison, find (f->comparison, id), &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      if (!g_str_equal (fields[i].field, field))
        continue;
      g_assert_cmpstr (fields[i].old_value, ==, old_value);
      g_assert_cmpstr (fields[i].new_value, ==, new_value);
      return;
    }

  g_error ("%s has no field %s", id, field);
}

static void
test_statuses (Fixture       *f,
               gconstpointer  data)
{
  const YqComparisonNode *n;

  assert_status (f, "d0", YQ_COMPARISON_UNCHANGED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "d1", YQ_COMPARISON_UNCHANGED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "d2", YQ_COMPARISON_RENAMED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "d3", YQ_COMPARISON_MOVED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "d4", YQ_COMPARISON_MATCHED, YQ_COMPARISON_REASON_SAME_NAME);
  assert_status (f, "d5", YQ_COMPARISON_NEW, YQ_COMPARISON_REASON_NO_MATCH);
  assert_status (f, "d6", YQ_COMPARISON_SKIPPED, YQ_COMPARISON_REASON_OUT_OF_SCOPE);
  assert_status (f, "d7", YQ_COMPARISON_SKIPPED, YQ_COMPARISON_REASON_WARNING);
  assert_status (f, "t7a", YQ_COMPARISON_TARGET_ONLY, YQ_COMPARISON_REASON_UNLINKED_TARGET);
  assert_status (f, "t7b", YQ_COMPARISON_TARGET_ONLY, YQ_COMPARISON_REASON_UNLINKED_TARGET);
  assert_status (f, "t8", YQ_COMPARISON_TARGET_ONLY, YQ_COMPARISON_REASON_UNLINKED_TARGET);
  assert_status (f, "t9", YQ_COMPARISON_REMOVED, YQ_COMPARISON_REASON_SOURCE_GONE);

  assert_status (f, "p1", YQ_COMPARISON_UNCHANGED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "p2", YQ_COMPARISON_RENAMED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "p3", YQ_COMPARISON_MOVED, YQ_COMPARISON_REASON_LINKED);
  assert_status (f, "p4", YQ_COMPARISON_MATCHED, YQ_COMPARISON_REASON_BINDING_RULE);
  assert_status (f, "p5", YQ_COMPARISON_NEW, YQ_COMPARISON_REASON_NO_MATCH);
  assert_status (f, "p6", YQ_COMPARISON_SKIPPED, YQ_COMPARISON_REASON_OUT_OF_SCOPE);
  assert_status (f, "u8", YQ_COMPARISON_TARGET_ONLY, YQ_COMPARISON_REASON_UNLINKED_TARGET);
  assert_status (f, "u9", YQ_COMPARISON_REMOVED, YQ_COMPARISON_REASON_SOURCE_GONE);

  /* One node per item: the linked and matched targets are not shown again. */
  g_assert_cmpuint (yq_comparison_get_n_nodes (f->comparison), ==, 8 + 6 + 4 + 2);

  n = node (f, "d7");
  g_assert_nonnull (n->reason_detail);
  g_assert_nonnull (strstr (n->reason_detail, "办公室"));
  n = node (f, "p4");
  g_assert_cmpstr (n->reason_detail, ==, "mobile = mobile: 13800138000");
  g_assert_cmpstr (n->target_id, ==, "u4");
  g_assert_false (n->linked);
  g_assert_cmpstr (n->mobile, ==, "13800138000");
  g_assert_cmpstr (n->job_number, ==, "J-p4");
  n = node (f, "d4");
  g_assert_cmpstr (n->target_id, ==, "t4");
  g_assert_false (n->linked);
  g_assert_true (node (f, "d1")->linked);
  g_assert_true (node (f, "p1")->linked);
  g_assert_null (node (f, "d5")->target_id);

  n = node (f, "d2");
  g_assert_cmpstr (n->name, ==, "人事局");
  g_assert_cmpstr (n->old_name, ==, "人事处");
  g_assert_true (n->changes & YQ_PLAN_CHANGE_NAME);
  g_assert_cmpstr (node (f, "t9")->name, ==, "旧局");
}

static void
test_not_added (void)
{
  g_autoptr(YqOrgSnapshot) source = yq_org_snapshot_new ("d0");
  g_autoptr(YqOrgSnapshot) target = yq_org_snapshot_new ("t0");
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(YqComparison) comparison = NULL;
  YqPlannerInput input = { source, target, links, profile, FALSE, FALSE, FALSE, -1, FALSE };
  const YqComparisonNode *n;

  add_dept (source, "d0", NULL, "Top", 0);
  add_person (source, "p1", "d0", "Ann", "1");
  add_dept (target, "t0", NULL, "Top", 0);
  yq_sync_links_add_department (links, "d0", "t0");
  profile->add_new_members = FALSE;

  plan = yq_planner_plan (&input);
  comparison = yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_OA,
                                  YQ_COMPARISON_SIDE_PLATFORM);
  n = yq_comparison_get_node (comparison, find (comparison, "p1"));
  g_assert_cmpuint (n->status, ==, YQ_COMPARISON_SKIPPED);
  g_assert_cmpuint (n->reason, ==, YQ_COMPARISON_REASON_NOT_ADDED);
}

/* Mirror mode: same IDs are the link; a binding to another directory
 * (added as a refresh does) makes the person matched. */
static void
test_mirror (void)
{
  g_autoptr(YqOrgSnapshot) source = yq_org_snapshot_new ("d0");
  g_autoptr(YqOrgSnapshot) target = yq_org_snapshot_new ("d0");
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(YqComparison) comparison = NULL;
  YqPlannerInput input = { source, target, links, profile, TRUE, TRUE, FALSE, -1, FALSE };
  YqPlanOp *bind;
  const YqComparisonNode *n;

  add_dept (source, "d0", NULL, "Top", 0);
  add_dept (source, "d1", "d0", "Renamed", 1);
  add_person (source, "p1", "d1", "Ann", "13800138000");
  add_person (source, "p2", "d1", "Bob", "2");
  add_dept (target, "d0", NULL, "Top", 0);
  add_dept (target, "d1", "d0", "Old", 1);
  add_dept (target, "d9", "d0", "Gone", 2);
  add_person (target, "p1", "d1", "Ann", "13800138000");
  add_person (target, "p2", "d1", "Bob", "2");

  plan = yq_planner_plan (&input);
  bind = yq_plan_op_new (YQ_PLAN_OP_LINK_PERSON);
  bind->source_id = g_strdup ("p1");
  bind->target_id = g_strdup ("oa-7");
  yq_plan_add_op (plan, bind);

  comparison = yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_PLATFORM,
                                  YQ_COMPARISON_SIDE_BRIDGE);
  g_assert_cmpuint (yq_comparison_get_n_nodes (comparison), ==, 5);
  n = yq_comparison_get_node (comparison, find (comparison, "d0"));
  g_assert_cmpuint (n->status, ==, YQ_COMPARISON_UNCHANGED);
  g_assert_cmpuint (n->reason, ==, YQ_COMPARISON_REASON_MIRROR);
  n = yq_comparison_get_node (comparison, find (comparison, "d1"));
  g_assert_cmpuint (n->status, ==, YQ_COMPARISON_RENAMED);
  g_assert_cmpuint (n->reason, ==, YQ_COMPARISON_REASON_MIRROR);
  g_assert_cmpstr (n->target_id, ==, "d1");
  n = yq_comparison_get_node (comparison, find (comparison, "p1"));
  g_assert_cmpuint (n->status, ==, YQ_COMPARISON_MATCHED);
  g_assert_cmpuint (n->reason, ==, YQ_COMPARISON_REASON_BINDING_RULE);
  g_assert_cmpstr (n->reason_detail, ==, "mobile = mobile: 13800138000");
  g_assert_cmpstr (n->target_id, ==, "p1");
  n = yq_comparison_get_node (comparison, find (comparison, "p2"));
  g_assert_cmpuint (n->status, ==, YQ_COMPARISON_UNCHANGED);
  g_assert_cmpuint (n->reason, ==, YQ_COMPARISON_REASON_MIRROR);
  n = yq_comparison_get_node (comparison, find (comparison, "d9"));
  g_assert_cmpuint (n->status, ==, YQ_COMPARISON_REMOVED);
  g_assert_cmpuint (n->reason, ==, YQ_COMPARISON_REASON_SOURCE_GONE);
}

static void
test_fields (Fixture       *f,
             gconstpointer  data)
{
  guint n_fields;

  assert_field (f, "d2", "name", "人事处", "人事局");
  assert_field (f, "d3", "parent", "人事处", "财务局");
  assert_field (f, "p2", "name", "Li Si Old", "Li Si");
  assert_field (f, "p3", "departments", "人事处", "预算处");
  assert_field (f, "p4", "departments", "教育局", "交通局");
  /* New: what is written, no old value. */
  assert_field (f, "d5", "name", NULL, "交通局");
  assert_field (f, "d5", "parent", NULL, "市政府");
  assert_field (f, "d5", "order", NULL, "4");
  assert_field (f, "p5", "name", NULL, "Sun Qi");
  assert_field (f, "p5", "mobile", NULL, "13900000005");
  assert_field (f, "p5", "departments", NULL, "交通局");

  yq_comparison_get_fields (f->comparison, find (f->comparison, "d1"), &n_fields);
  g_assert_cmpuint (n_fields, ==, 0);
  yq_comparison_get_fields (f->comparison, find (f->comparison, "d2"), &n_fields);
  g_assert_cmpuint (n_fields, ==, 1);
}

static void
test_paths (Fixture       *f,
            gconstpointer  data)
{
  struct
  {
    const char *id;
    const char *source;
    const char *target;
  } cases[] = {
    { "d3", "/市政府/财务局/预算处", "/市政府/人事处/预算处" },
    { "d2", "/市政府/人事局", "/市政府/人事处" },
    { "d5", "/市政府/交通局", "" },
    { "t8", "", "/市政府/档案馆" },
    { "p3", "/市政府/财务局/预算处/Wang Wu", "/市政府/人事处/Wang Wu" },
    { "u9", "", "/市政府/财务局/Old Person" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint index = find (f->comparison, cases[i].id);
      g_autofree char *source = yq_comparison_get_path (f->comparison, index, TRUE);
      g_autofree char *target = yq_comparison_get_path (f->comparison, index, FALSE);

      g_assert_cmpstr (source, ==, cases[i].source);
      g_assert_cmpstr (target, ==, cases[i].target);
    }
}

static void
test_children (Fixture       *f,
               gconstpointer  data)
{
  YqComparison *c = f->comparison;
  const char *top_expected[] = { "d1", "d2", "d4", "d5", "d6", "d7", "t7a", "t7b", "t9", "t8" };
  const guint32 *children;
  guint n;

  children = yq_comparison_get_children (c, YQ_COMPARISON_NONE, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (children[0], ==, find (c, "d0"));

  children = yq_comparison_get_children (c, find (c, "d0"), &n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (top_expected));
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (children[i], ==, find (c, top_expected[i]));

  /* d1: the department first, then the people by name. */
  children = yq_comparison_get_children (c, find (c, "d1"), &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (children[0], ==, find (c, "d3"));
  for (guint i = 1; i < n; i++)
    {
      g_assert_true (yq_comparison_get_node (c, children[i])->is_person);
      if (i > 1)
        g_assert_cmpint (g_utf8_collate (yq_comparison_get_node (c, children[i - 1])->name,
                                         yq_comparison_get_node (c, children[i])->name), <=, 0);
    }

  /* People: active people in the subtree, removed people not counted. */
  g_assert_cmpuint (node (f, "d1")->people, ==, 3);   /* p1, p2, p3 under d3 */
  g_assert_cmpuint (node (f, "d3")->people, ==, 1);
  g_assert_cmpuint (node (f, "d5")->people, ==, 2);
  g_assert_cmpuint (node (f, "t8")->people, ==, 1);
  g_assert_cmpuint (node (f, "d0")->people, ==, 7);
  g_assert_cmpuint (node (f, "p4")->parent, ==, find (c, "d5"));
  g_assert_cmpuint (node (f, "p4")->target_parent, ==, find (c, "d4"));
  g_assert_cmpuint (node (f, "u9")->parent, ==, find (c, "d1"));
}

static void
test_counts (Fixture       *f,
             gconstpointer  data)
{
  guint counts[YQ_N_COMPARISON_STATUSES][2];
  const YqPlanCounts *plan_counts;

  yq_comparison_get_counts (f->comparison, counts);
  g_assert_cmpuint (counts[YQ_COMPARISON_UNCHANGED][0], ==, 2);
  g_assert_cmpuint (counts[YQ_COMPARISON_UNCHANGED][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_MATCHED][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_MATCHED][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_NEW][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_REMOVED][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_REMOVED][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_RENAMED][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_RENAMED][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_MOVED][0], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_MOVED][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_UPDATED][0], ==, 0);
  g_assert_cmpuint (counts[YQ_COMPARISON_SKIPPED][0], ==, 2);
  g_assert_cmpuint (counts[YQ_COMPARISON_SKIPPED][1], ==, 1);
  g_assert_cmpuint (counts[YQ_COMPARISON_TARGET_ONLY][0], ==, 3);
  g_assert_cmpuint (counts[YQ_COMPARISON_TARGET_ONLY][1], ==, 1);

  /* They agree with the plan's operations. */
  plan_counts = yq_comparison_get_plan_counts (f->comparison);
  g_assert_cmpuint (plan_counts->ops[YQ_PLAN_OP_CREATE_DEPARTMENT], ==,
                    counts[YQ_COMPARISON_NEW][0]);
  g_assert_cmpuint (plan_counts->ops[YQ_PLAN_OP_CREATE_PERSON], ==, counts[YQ_COMPARISON_NEW][1]);
  g_assert_cmpuint (plan_counts->ops[YQ_PLAN_OP_LINK_PERSON], ==,
                    counts[YQ_COMPARISON_MATCHED][1]);
  g_assert_cmpuint (plan_counts->ops[YQ_PLAN_OP_REMOVE_PERSON], ==,
                    counts[YQ_COMPARISON_REMOVED][1]);
  g_assert_cmpuint (plan_counts->ops[YQ_PLAN_OP_DELETE_DEPARTMENT], ==,
                    counts[YQ_COMPARISON_REMOVED][0]);
  g_assert_cmpuint (plan_counts->ops[YQ_PLAN_OP_UPDATE_DEPARTMENT], ==, 2);
  g_assert_cmpuint (yq_comparison_get_blocks (f->comparison)->len, ==, 0);
  g_assert_false (yq_comparison_needs_confirmation (f->comparison));
}

static void
test_changes_below (Fixture       *f,
                    gconstpointer  data)
{
  YqComparison *c = f->comparison;

  g_assert_true (yq_comparison_has_changes_below (c, find (c, "d0")));
  g_assert_true (yq_comparison_has_changes_below (c, find (c, "d1")));   /* d3 moves */
  g_assert_true (yq_comparison_has_changes_below (c, find (c, "d3")));
  g_assert_false (yq_comparison_has_changes_below (c, find (c, "d6")));
  g_assert_false (yq_comparison_has_changes_below (c, find (c, "t8")));
  g_assert_false (yq_comparison_has_changes_below (c, find (c, "p1")));
  g_assert_true (yq_comparison_has_changes_below (c, find (c, "p5")));
}

static void
test_matches (Fixture       *f,
              gconstpointer  data)
{
  YqComparison *c = f->comparison;
  g_autofree char *upper = g_utf8_casefold ("ZHAO", -1);

  g_assert_true (yq_comparison_node_matches (c, find (c, "p4"), "138001380"));
  g_assert_true (yq_comparison_node_matches (c, find (c, "p4"), upper));
  g_assert_true (yq_comparison_node_matches (c, find (c, "p4"), "j-p4"));
  g_assert_true (yq_comparison_node_matches (c, find (c, "p4"), "u4"));
  g_assert_false (yq_comparison_node_matches (c, find (c, "p5"), upper));
  /* The old name matches too. */
  g_assert_true (yq_comparison_node_matches (c, find (c, "d2"), "人事处"));
  g_assert_false (yq_comparison_node_matches (c, find (c, "d1"), "人事"));
}

static void
test_status_strings (void)
{
  for (guint i = 0; i < YQ_N_COMPARISON_STATUSES; i++)
    {
      YqComparisonStatus status;

      g_assert_true (yq_comparison_status_from_string (yq_comparison_status_to_string (i),
                                                       &status));
      g_assert_cmpuint (status, ==, i);
    }
  g_assert_cmpstr (yq_comparison_status_to_string (YQ_COMPARISON_TARGET_ONLY), ==,
                   "target-only");
}

static void
assert_equal (YqComparison *a,
              YqComparison *b)
{
  guint n = yq_comparison_get_n_nodes (a);
  guint ca[YQ_N_COMPARISON_STATUSES][2], cb[YQ_N_COMPARISON_STATUSES][2];

  g_assert_cmpuint (yq_comparison_get_n_nodes (b), ==, n);
  g_assert_cmpuint (yq_comparison_get_source_side (a), ==, yq_comparison_get_source_side (b));
  g_assert_cmpuint (yq_comparison_get_target_side (a), ==, yq_comparison_get_target_side (b));
  g_assert_cmpmem (yq_comparison_get_plan_counts (a), sizeof (YqPlanCounts),
                   yq_comparison_get_plan_counts (b), sizeof (YqPlanCounts));
  g_assert_cmpint (yq_comparison_needs_confirmation (a), ==, yq_comparison_needs_confirmation (b));
  yq_comparison_get_counts (a, ca);
  yq_comparison_get_counts (b, cb);
  g_assert_cmpmem (ca, sizeof ca, cb, sizeof cb);

  g_assert_cmpuint (yq_comparison_get_blocks (a)->len, ==, yq_comparison_get_blocks (b)->len);
  for (guint i = 0; i < yq_comparison_get_blocks (a)->len; i++)
    {
      const YqPlanBlock *ba = g_ptr_array_index (yq_comparison_get_blocks (a), i);
      const YqPlanBlock *bb = g_ptr_array_index (yq_comparison_get_blocks (b), i);

      g_assert_cmpuint (ba->kind, ==, bb->kind);
      g_assert_cmpstr (ba->message, ==, bb->message);
    }

  for (guint i = 0; i <= n; i++)
    {
      guint index = i == n ? YQ_COMPARISON_NONE : i;
      guint na, nb;
      const guint32 *xa = yq_comparison_get_children (a, index, &na);
      const guint32 *xb = yq_comparison_get_children (b, index, &nb);

      g_assert_cmpmem (xa, na * sizeof (guint32), xb, nb * sizeof (guint32));
    }

  for (guint i = 0; i < n; i++)
    {
      const YqComparisonNode *x = yq_comparison_get_node (a, i);
      const YqComparisonNode *y = yq_comparison_get_node (b, i);
      const YqComparisonField *fa, *fb;
      guint nfa, nfb;

      g_assert_cmpuint (x->is_person, ==, y->is_person);
      g_assert_cmpuint (x->status, ==, y->status);
      g_assert_cmpuint (x->linked, ==, y->linked);
      g_assert_cmpuint (x->active, ==, y->active);
      g_assert_cmpuint (x->changes, ==, y->changes);
      g_assert_cmpuint (x->reason, ==, y->reason);
      g_assert_cmpuint (x->parent, ==, y->parent);
      g_assert_cmpuint (x->source_parent, ==, y->source_parent);
      g_assert_cmpuint (x->target_parent, ==, y->target_parent);
      g_assert_cmpuint (x->people, ==, y->people);
      g_assert_cmpstr (x->source_id, ==, y->source_id);
      g_assert_cmpstr (x->target_id, ==, y->target_id);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->old_name, ==, y->old_name);
      g_assert_cmpstr (x->account, ==, y->account);
      g_assert_cmpstr (x->job_number, ==, y->job_number);
      g_assert_cmpstr (x->mobile, ==, y->mobile);
      g_assert_cmpstr (x->reason_detail, ==, y->reason_detail);
      g_assert_cmpint (yq_comparison_has_changes_below (a, i), ==,
                       yq_comparison_has_changes_below (b, i));

      fa = yq_comparison_get_fields (a, i, &nfa);
      fb = yq_comparison_get_fields (b, i, &nfb);
      g_assert_cmpuint (nfa, ==, nfb);
      for (guint k = 0; k < nfa; k++)
        {
          g_assert_cmpstr (fa[k].field, ==, fb[k].field);
          g_assert_cmpstr (fa[k].old_value, ==, fb[k].old_value);
          g_assert_cmpstr (fa[k].new_value, ==, fb[k].new_value);
        }
    }
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "c.gvariant", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(YqComparison) loaded = NULL;

  g_assert_true (yq_comparison_save (f->comparison, path, &error));
  g_assert_no_error (error);
  loaded = yq_comparison_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_equal (f->comparison, loaded);
}

/* A blocked plan keeps its blocks and confirmation flag. */
static void
test_round_trip_blocked (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "b.gvariant", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(YqComparison) comparison = NULL;
  g_autoptr(YqComparison) loaded = NULL;
  g_autoptr(YqPlan) plan = NULL;

  f->profile->people_threshold = 0;
  plan = yq_planner_plan (&f->input);
  g_assert_true (yq_plan_needs_confirmation (plan));
  comparison = yq_comparison_new (&f->input, plan, YQ_COMPARISON_SIDE_OA,
                                  YQ_COMPARISON_SIDE_PLATFORM);
  g_assert_true (yq_comparison_needs_confirmation (comparison));
  g_assert_cmpuint (yq_comparison_get_blocks (comparison)->len, ==, 1);

  g_assert_true (yq_comparison_save (comparison, path, &error));
  loaded = yq_comparison_load (path, &error);
  g_assert_no_error (error);
  assert_equal (comparison, loaded);
}

static void
assert_load_fails (const char *path,
                   const char *part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqComparison) loaded = yq_comparison_load (path, &error);

  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  if (part != NULL && strstr (error->message, part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, part);
}

static void
test_bad_files (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "c.gvariant", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.gvariant", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  char garbage[4096];

  g_assert_true (yq_comparison_save (f->comparison, path, &error));
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));

  /* Truncated at many lengths. */
  for (gsize cut = 0; cut < length; cut += 1 + length / 97)
    {
      g_assert_true (g_file_set_contents (bad, contents, cut, &error));
      assert_load_fails (bad, NULL);
    }

  /* Garbage */
  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) g_test_rand_int_range (0, 256);
  g_assert_true (g_file_set_contents (bad, garbage, sizeof garbage, &error));
  assert_load_fails (bad, NULL);

  /* Flipped bytes: an error, or a comparison that is safe to walk. */
  for (guint round = 0; round < 300; round++)
    {
      g_autofree char *copy = g_memdup2 (contents, length);
      g_autoptr(YqComparison) loaded = NULL;
      g_autoptr(GError) local_error = NULL;

      for (guint k = 0; k < 1 + round % 4; k++)
        copy[g_test_rand_int_range (0, (gint32) length)] ^= (char) g_test_rand_int_range (1, 256);
      g_assert_true (g_file_set_contents (bad, copy, length, &error));
      loaded = yq_comparison_load (bad, &local_error);
      if (loaded == NULL)
        {
          g_assert_error (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          continue;
        }
      for (guint i = 0; i < yq_comparison_get_n_nodes (loaded); i++)
        {
          g_autofree char *source = yq_comparison_get_path (loaded, i, TRUE);
          g_autofree char *target = yq_comparison_get_path (loaded, i, FALSE);
          guint n_fields;
          const YqComparisonField *fields = yq_comparison_get_fields (loaded, i, &n_fields);

          for (guint k = 0; k < n_fields; k++)
            g_assert_nonnull (fields[k].field);
          g_assert_true (g_utf8_validate (source, -1, NULL));
          g_assert_true (g_utf8_validate (target, -1, NULL));
          yq_comparison_node_matches (loaded, i, "x");
        }
    }

  /* A missing file is another error. */
  {
    g_autofree char *missing = g_build_filename (f->dir, "missing.gvariant", NULL);
    g_autoptr(YqComparison) loaded = yq_comparison_load (missing, &error);

    g_assert_null (loaded);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

/* Rewrites member @member (an "au" per node) of the saved file with entry
 * @index set to @value. */
static void
write_modified (const char *path,
                const char *bad,
                guint       member,
                guint       index,
                guint32     value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariant) result = NULL;
  gsize n = 0;
  GVariant **children;
  g_autofree guint32 *values = NULL;
  const guint32 *old;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (file);
  variant = g_variant_ref_sink (g_variant_new_from_bytes (
    G_VARIANT_TYPE ("(uyybaua(us)ayayayayayayaqauauauauauauauauauauauauauauauauauauau)"),
    bytes, FALSE));
  g_assert_true (g_variant_is_normal_form (variant));

  n = g_variant_n_children (variant);
  children = g_new0 (GVariant *, n);
  for (gsize i = 0; i < n; i++)
    children[i] = g_variant_get_child_value (variant, i);

  old = g_variant_get_fixed_array (children[member], &n, sizeof (guint32));
  g_assert_cmpuint (index, <, n);
  values = g_memdup2 (old, n * sizeof (guint32));
  values[index] = value;
  g_variant_unref (children[member]);
  children[member] = g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, values, n,
                                                sizeof (guint32));

  result = g_variant_ref_sink (g_variant_new_tuple (children, g_variant_n_children (variant)));
  g_free (children);
  g_assert_true (g_file_set_contents (bad, g_variant_get_data (result),
                                      g_variant_get_size (result), &error));
  g_assert_no_error (error);
}

#define MEMBER_PARENT 13
#define MEMBER_FIRST_FIELD 17
#define MEMBER_CHILDREN 31

static void
test_bad_indices (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "c.gvariant", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.gvariant", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(YqComparison) loaded = NULL;
  guint n = yq_comparison_get_n_nodes (f->comparison);
  guint d3 = find (f->comparison, "d3");
  guint d1 = find (f->comparison, "d1");
  guint p5 = find (f->comparison, "p5");

  g_assert_true (yq_comparison_save (f->comparison, path, &error));

  /* The unmodified rewrite loads: the layout the test assumes is right. */
  write_modified (path, bad, MEMBER_PARENT, d3, d1);
  loaded = yq_comparison_load (bad, &error);
  g_assert_no_error (error);
  g_clear_object (&loaded);

  write_modified (path, bad, MEMBER_PARENT, d3, n + 5);
  assert_load_fails (bad, "parent");
  /* A cycle: d1 under d3. */
  write_modified (path, bad, MEMBER_PARENT, d1, d3);
  assert_load_fails (bad, NULL);
  /* A parent that is a person. */
  write_modified (path, bad, MEMBER_PARENT, d3, p5);
  assert_load_fails (bad, "person");
  write_modified (path, bad, MEMBER_FIRST_FIELD, p5, 100000);
  assert_load_fails (bad, "field");
  write_modified (path, bad, MEMBER_CHILDREN, 0, n + 1);
  assert_load_fails (bad, "child");
  write_modified (path, bad, MEMBER_CHILDREN, 1, 0);
  assert_load_fails (bad, "child");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/comparison/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("statuses", test_statuses);
  ADD ("fields", test_fields);
  ADD ("paths", test_paths);
  ADD ("children", test_children);
  ADD ("counts", test_counts);
  ADD ("changes-below", test_changes_below);
  ADD ("matches", test_matches);
  ADD ("round-trip", test_round_trip);
  ADD ("round-trip-blocked", test_round_trip_blocked);
  ADD ("bad-files", test_bad_files);
  ADD ("bad-indices", test_bad_indices);
  g_test_add_func ("/comparison/not-added", test_not_added);
  g_test_add_func ("/comparison/mirror", test_mirror);
  g_test_add_func ("/comparison/status-strings", test_status_strings);

  return g_test_run ();
}
