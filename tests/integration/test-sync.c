/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Organisation sync end to end: yunqiao-sim (in this process, on loopback)
 * as the 云之家 tenant, the built-in OA directory and the bridge in a real
 * store, runs through libyq-bridge and through yunqiaoctl.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <json-glib/json-glib.h>

#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-sim-server-private.h"
#include "yq-sim-server.h"
#include "yq-sync-run.h"
#include "yq-sync-runs.h"
#include "yq-test-bus.h"
#include "yq-test-sync.h"
#include "yunqiao-core.h"


/* Runs ----------------------------------------------------------------------- */

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gint64
apply (YqSyncFixture    *f,
       YqSyncDirection   direction,
       gboolean          confirmed,
       YqPlan          **plan,
       GError          **error)
{
  g_autoptr(YqSyncRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(YqPlan) main_plan = NULL;
  gint64 run_id;

  run = yq_sync_run_new (f->store, f->secrets, f->connector_id, direction, error);
  g_assert_nonnull (run);
  yq_sync_run_set_confirmed (run, confirmed);
  yq_sync_run_apply_async (run, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  run_id = yq_sync_run_apply_finish (run, result, &main_plan, error);

  /* The run keeps the comparison of its main plan, blocked or not. */
  if (main_plan != NULL)
    {
      YqComparison *comparison = yq_sync_run_get_comparison (run);

      g_assert_nonnull (comparison);
      g_assert_cmpmem (yq_comparison_get_plan_counts (comparison), sizeof (YqPlanCounts),
                       yq_plan_get_counts (main_plan), sizeof (YqPlanCounts));
      g_assert_cmpint (yq_comparison_needs_confirmation (comparison), ==,
                       yq_plan_needs_confirmation (main_plan));
      g_assert_cmpuint (yq_comparison_get_blocks (comparison)->len, ==,
                        yq_plan_get_blocks (main_plan)->len);
    }
  if (plan != NULL)
    *plan = g_steal_pointer (&main_plan);

  return run_id;
}

static YqPlan *
preview (YqSyncFixture   *f,
         YqSyncDirection  direction)
{
  g_autoptr(YqSyncRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  YqPlan *plan;

  run = yq_sync_run_new (f->store, f->secrets, f->connector_id, direction, &error);
  g_assert_no_error (error);
  yq_sync_run_preview_async (run, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  plan = yq_sync_run_preview_finish (run, result, &error);
  g_assert_no_error (error);

  /* The preview is in the history: a finished dry run with the plan's
   * counts and no journal. */
  {
    g_autoptr(YqSyncRunRecord) record = NULL;
    g_autoptr(GPtrArray) ops = NULL;
    gint64 run_id = yq_sync_run_get_run_id (run);

    g_assert_cmpint (run_id, >, 0);
    record = yq_sync_runs_get (f->store, run_id, &error);
    g_assert_no_error (error);
    g_assert_true (record->dry_run);
    g_assert_cmpint (record->connector_id, ==, f->connector_id);
    g_assert_cmpint (record->direction, ==, direction);
    g_assert_cmpint (record->state, ==, yq_plan_is_blocked (plan) ? YQ_SYNC_RUN_BLOCKED
                                                                  : YQ_SYNC_RUN_PREVIEWED);
    g_assert_cmpuint (record->n_ops, ==, yq_plan_get_n_ops (plan));
    g_assert_cmpuint (record->n_done, ==, 0);
    g_assert_cmpint (record->finished_at, >=, record->started_at);
    ops = yq_sync_runs_get_ops (f->store, run_id, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ops->len, ==, 0);
  }

  /* The comparison of the previewed plan: platform vs OA for to-oa. */
  {
    YqComparison *comparison = yq_sync_run_get_comparison (run);
    guint counts[YQ_N_COMPARISON_STATUSES][2];

    g_assert_nonnull (comparison);
    g_assert_cmpmem (yq_comparison_get_plan_counts (comparison), sizeof (YqPlanCounts),
                     yq_plan_get_counts (plan), sizeof (YqPlanCounts));
    if (direction == YQ_SYNC_DIRECTION_TO_OA)
      {
        g_assert_cmpuint (yq_comparison_get_source_side (comparison), ==,
                          YQ_COMPARISON_SIDE_PLATFORM);
        g_assert_cmpuint (yq_comparison_get_target_side (comparison), ==, YQ_COMPARISON_SIDE_OA);
      }
    yq_comparison_get_counts (comparison, counts);
    g_assert_cmpuint (counts[YQ_COMPARISON_NEW][1], ==,
                      yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_CREATE_PERSON]);
    g_assert_cmpuint (counts[YQ_COMPARISON_NEW][0], ==,
                      yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_CREATE_DEPARTMENT]);
  }

  return plan;
}

static void
apply_ok (YqSyncFixture   *f,
          YqSyncDirection  direction)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSyncRunRecord) record = NULL;
  gint64 run_id;

  run_id = apply (f, direction, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run_id, >, 0);

  record = yq_sync_runs_get (f->store, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_APPLIED);
  g_assert_cmpuint (record->n_failed, ==, 0);
  g_assert_cmpuint (record->n_done, ==, record->n_ops);
}

static void
assert_no_ops (YqPlan *plan)
{
  for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
    {
      g_autofree char *line = yq_plan_op_describe (yq_plan_get_op (plan, i));
      g_autofree char *json = yq_plan_op_to_json (yq_plan_get_op (plan, i));

      g_test_message ("unexpected: %s %s", line, json);
    }
  g_assert_cmpuint (yq_plan_get_n_ops (plan), ==, 0);
}

static guint
count_ops (YqPlan       *plan,
           YqPlanOpKind  kind)
{
  return yq_plan_get_counts (plan)->ops[kind];
}

/* Comparing the two sides ------------------------------------------------------ */

static YqSimDepartment *
find_department (YqSyncFixture *f,
                 guint          depth,
                 guint          skip)
{
  for (guint i = 0; i < yq_sim_org_get_department_slots (f->org); i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (f->org, i);

      if (!dept->deleted && dept->depth == depth && skip-- == 0)
        return dept;
    }

  g_assert_not_reached ();
}

/* Tests -------------------------------------------------------------------------- */

static void
test_to_oa (YqSyncFixture *f,
            gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) before = NULL;
  g_autoptr(YqOrgSnapshot) after = NULL;
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSyncLinks) links = NULL;
  YqSimDepartment *renamed, *moved, *new_parent;
  g_autofree char *renamed_oa = NULL;
  g_autofree char *moved_oa = NULL;
  guint departments;

  /* First run: the empty OA receives the whole tree. */
  apply_ok (f, YQ_SYNC_DIRECTION_TO_OA);
  yq_sync_fixture_assert_equal (f);
  before = yq_sync_fixture_oa (f);
  departments = yq_org_snapshot_get_n_departments (before);
  g_assert_cmpuint (departments, >, 10);

  /* Renames and moves on the platform are updates in the OA. */
  renamed = find_department (f, 1, 0);
  moved = find_department (f, 2, 0);
  new_parent = find_department (f, 1, 0);
  for (guint skip = 1; new_parent->index == (guint) moved->parent; skip++)
    new_parent = find_department (f, 1, skip);
  g_assert_true (yq_sim_org_rename_department (f->org, renamed, "改名后的部门", &error));
  g_assert_true (yq_sim_org_move_department (f->org, moved, new_parent, &error));
  g_assert_no_error (error);

  links = yq_bridge_directory_get_oa_links (f->store, f->connector_id, FALSE, &error);
  renamed_oa = g_strdup (g_hash_table_lookup (links->departments, renamed->yzj_id));
  moved_oa = g_strdup (g_hash_table_lookup (links->departments, moved->yzj_id));
  g_assert_nonnull (renamed_oa);
  g_assert_nonnull (moved_oa);

  plan = preview (f, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpuint (count_ops (plan, YQ_PLAN_OP_UPDATE_DEPARTMENT), ==, 2);
  g_assert_cmpuint (count_ops (plan, YQ_PLAN_OP_CREATE_DEPARTMENT), ==, 0);
  g_assert_cmpuint (count_ops (plan, YQ_PLAN_OP_DELETE_DEPARTMENT), ==, 0);
  g_clear_object (&plan);

  apply_ok (f, YQ_SYNC_DIRECTION_TO_OA);
  yq_sync_fixture_assert_equal (f);
  after = yq_sync_fixture_oa (f);
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (after), ==, departments);
  g_assert_cmpstr (yq_org_snapshot_lookup_department (after, renamed_oa)->name, ==,
                   "改名后的部门");
  g_assert_cmpstr (yq_org_snapshot_lookup_department (after, moved_oa)->parent_id, ==,
                   g_hash_table_lookup (links->departments, new_parent->yzj_id));

  /* Applied: nothing is left to do. */
  plan = preview (f, YQ_SYNC_DIRECTION_TO_OA);
  assert_no_ops (plan);
}

static void
test_to_platform_round_trip (YqSyncFixture *f,
                             gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) oa = NULL;
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_dept = NULL;
  g_autofree char *account = NULL;
  g_autoptr(YqOrgPerson) person = NULL;
  YqOrgDepartment *renamed;
  YqOrgDepartment dept = { 0 };
  guint sim_departments = yq_sim_org_count_departments (f->org);
  guint sim_people = yq_sim_org_count_people (f->org);

  apply_ok (f, YQ_SYNC_DIRECTION_TO_OA);

  /* The OA changes: a new department with a new person, and a rename. */
  oa = yq_sync_fixture_oa (f);
  dept.parent_id = (char *) yq_org_snapshot_get_root_id (oa);
  dept.name = (char *) "新设办公室";
  dept.active = TRUE;
  new_dept = yq_oa_directory_add_department (f->oa, &dept, &error);
  g_assert_no_error (error);

  person = yq_org_person_new ("zhangsan.new", "张新");
  person->account_code = g_strdup ("zhangsan.new");
  person->mobile = g_strdup ("13912345678");
  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (new_dept);
  account = yq_oa_directory_add_person (f->oa, person, &error);
  g_assert_no_error (error);

  renamed = yq_org_department_copy (yq_org_snapshot_get_department (oa, 3));
  g_free (renamed->name);
  renamed->name = g_strdup ("OA 改的名");
  g_assert_true (yq_oa_directory_update_department (f->oa, renamed, &error));
  g_assert_no_error (error);
  yq_org_department_free (renamed);

  plan = preview (f, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_cmpuint (count_ops (plan, YQ_PLAN_OP_CREATE_DEPARTMENT), ==, 1);
  g_assert_cmpuint (count_ops (plan, YQ_PLAN_OP_UPDATE_DEPARTMENT), ==, 1);
  g_assert_cmpuint (count_ops (plan, YQ_PLAN_OP_CREATE_PERSON), ==, 1);
  g_clear_object (&plan);

  apply_ok (f, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_cmpuint (yq_sim_org_count_departments (f->org), ==, sim_departments + 1);
  g_assert_cmpuint (yq_sim_org_count_people (f->org), ==, sim_people + 1);
  g_assert_nonnull (yq_sim_org_find_by_mobile (f->org, "13912345678"));
  yq_sync_fixture_assert_equal (f);

  /* Both sides agree now, in both directions. */
  plan = preview (f, YQ_SYNC_DIRECTION_TO_OA);
  assert_no_ops (plan);
  g_clear_object (&plan);
  plan = preview (f, YQ_SYNC_DIRECTION_TO_PLATFORM);
  assert_no_ops (plan);
}

typedef struct
{
  gboolean  done;
  char     *err;
} Child;

static void
child_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Child *child = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL, &child->err, NULL);
  child->done = TRUE;
}

static int
run_yunqiaoctl (YqSyncFixture *f,
                const char    *abort_after,
                gboolean      *signalled)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->connector_id);
  Child child = { FALSE, NULL };

  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (abort_after != NULL)
    g_subprocess_launcher_setenv (launcher, "YUNQIAO_TEST_ABORT_AFTER_OPS", abort_after, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "YUNQIAO_TEST_ABORT_AFTER_OPS");

  process = g_subprocess_launcher_spawn (launcher, &error,
                                         yq_test_require_env ("YUNQIAOCTL", "the built CLI"),
                                         "--data-dir", f->data_dir, "sync", "apply", id,
                                         "--direction", "to-platform", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, child_done_cb, &child);
  while (!child.done)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (process, NULL, NULL);

  g_test_message ("yunqiaoctl sync apply: %s", child.err != NULL ? child.err : "");
  g_free (child.err);

  *signalled = g_subprocess_get_if_signaled (process);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
test_resume_after_kill (YqSyncFixture *f,
                        gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) oa = NULL;
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  guint added_departments_before;
  gboolean signalled = FALSE;
  guint interrupted = 0;
  char *parent_id;

  apply_ok (f, YQ_SYNC_DIRECTION_TO_OA);

  /* Five new OA departments, nested, to be created on the platform. */
  oa = yq_sync_fixture_oa (f);
  parent_id = g_strdup (yq_org_snapshot_get_root_id (oa));
  for (guint i = 0; i < 5; i++)
    {
      YqOrgDepartment dept = { 0 };
      g_autofree char *name = g_strdup_printf ("新部门%u", i);

      dept.parent_id = parent_id;
      dept.name = name;
      dept.active = TRUE;
      dept.order = i;
      parent_id = yq_oa_directory_add_department (f->oa, &dept, &error);
      g_assert_no_error (error);
      g_free (dept.parent_id);
    }
  g_free (parent_id);

  added_departments_before = yq_sync_fixture_count_writes (f, "dept/add");

  /* Cut off after the second creation reached the platform, before the
   * journal recorded it. */
  run_yunqiaoctl (f, "2", &signalled);
  g_assert_true (signalled);
  g_assert_cmpuint (yq_sync_fixture_count_writes (f, "dept/add"), ==, added_departments_before + 2);

  /* The next run takes over and creates only the rest. */
  g_assert_cmpint (run_yunqiaoctl (f, NULL, &signalled), ==, 0);
  g_assert_false (signalled);
  g_assert_cmpuint (yq_sync_fixture_count_writes (f, "dept/add"), ==, added_departments_before + 5);
  yq_sync_fixture_assert_equal (f);

  plan = preview (f, YQ_SYNC_DIRECTION_TO_PLATFORM);
  assert_no_ops (plan);

  runs = yq_sync_runs_list (f->store, f->connector_id, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      YqSyncRunRecord *record = g_ptr_array_index (runs, i);

      g_assert_cmpint (record->state, !=, YQ_SYNC_RUN_APPLYING);
      if (record->state == YQ_SYNC_RUN_INTERRUPTED)
        interrupted++;
    }
  g_assert_cmpuint (interrupted, ==, 1);
}

static void
test_threshold (YqSyncFixture *f,
                gconstpointer  data)
{
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPlan) plan = NULL;
  guint people_before = 0, people_after = 0;
  guint deleted = 0;
  gint previous;
  gint64 run_id;

  profile = yq_sync_profiles_get (f->store, f->connector_id, YQ_SYNC_DIRECTION_FROM_PLATFORM,
                                  &error);
  profile->people_threshold = 10;
  g_assert_true (yq_sync_profiles_set (f->store, f->connector_id,
                                       YQ_SYNC_DIRECTION_FROM_PLATFORM, profile, &error));
  apply_ok (f, YQ_SYNC_DIRECTION_FROM_PLATFORM);
  g_assert_true (yq_bridge_directory_count (f->store, f->connector_id, NULL, &people_before,
                                            NULL, &error));

  for (guint i = 0; deleted < 20 && i < yq_sim_org_get_person_slots (f->org); i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (f->org, i);

      if (!person->deleted && person->status == YQ_SIM_STATUS_NORMAL)
        {
          yq_sim_org_delete_person (f->org, person);
          deleted++;
        }
    }

  /* A preview is blocked the same way and recorded as a blocked dry run
   * (preview() checks the row); it changes nothing, and the applied run
   * stays the one the threshold compares with. */
  previous = yq_sync_runs_previous_people (f->store, f->connector_id,
                                           YQ_SYNC_DIRECTION_FROM_PLATFORM, &error);
  g_assert_cmpint (previous, >, 0);
  plan = preview (f, YQ_SYNC_DIRECTION_FROM_PLATFORM);
  g_assert_true (yq_plan_is_blocked (plan));
  g_assert_true (yq_plan_needs_confirmation (plan));
  g_clear_object (&plan);
  g_assert_true (yq_bridge_directory_count (f->store, f->connector_id, NULL, &people_after,
                                            NULL, &error));
  g_assert_cmpuint (people_after, ==, people_before);
  g_assert_cmpint (yq_sync_runs_previous_people (f->store, f->connector_id,
                                                 YQ_SYNC_DIRECTION_FROM_PLATFORM, &error),
                   ==, previous);

  run_id = apply (f, YQ_SYNC_DIRECTION_FROM_PLATFORM, FALSE, &plan, &error);
  g_assert_error (error, YQ_SYNC_ERROR, YQ_SYNC_ERROR_NEEDS_CONFIRMATION);
  g_assert_cmpint (run_id, >, 0);
  g_assert_true (yq_plan_needs_confirmation (plan));
  g_clear_error (&error);
  g_clear_object (&plan);
  g_assert_true (yq_bridge_directory_count (f->store, f->connector_id, NULL, &people_after,
                                            NULL, &error));
  g_assert_cmpuint (people_after, ==, people_before);

  run_id = apply (f, YQ_SYNC_DIRECTION_FROM_PLATFORM, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (yq_bridge_directory_count (f->store, f->connector_id, NULL, &people_after,
                                            NULL, &error));
  g_assert_cmpuint (people_after, ==, people_before - 20);
}

static void
test_lease (YqSyncFixture *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_sync_lease_acquire (f->store, f->connector_id, "other-host:1:1", 60, &error));
  g_assert_cmpint (apply (f, YQ_SYNC_DIRECTION_FROM_PLATFORM, FALSE, NULL, &error), ==, 0);
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY);
  g_clear_error (&error);

  g_assert_true (yq_sync_lease_release (f->store, f->connector_id, "other-host:1:1", &error));
  apply_ok (f, YQ_SYNC_DIRECTION_FROM_PLATFORM);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/" path, YqSyncFixture, NULL, yq_sync_fixture_setup, func, \
              yq_sync_fixture_teardown)

  ADD ("to-oa", test_to_oa);
  ADD ("to-platform-round-trip", test_to_platform_round_trip);
  ADD ("resume-after-kill", test_resume_after_kill);
  ADD ("threshold", test_threshold);
  ADD ("lease", test_lease);

#undef ADD

  return g_test_run ();
}
