/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stores of organisation sync: the bridge directory (mirror writes,
 * links, bindings, tombstones), sync runs with their journal, profiles and
 * the binding rule, and the per-connector lease.
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "yq-bridge-directory.h"
#include "yq-planner.h"
#include "yq-sync-runs.h"
#include "yq-test-fs.h"
#include "yunqiao-core.h"

typedef struct
{
  char      *dir;
  YqStore   *store;
  YqSecrets *secrets;
  gint64     connector;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);

  f->dir = g_dir_make_tmp ("yunqiao-sync-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);

  yq_connector_set_name (connector, "云之家");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app");
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, "s1", "s2", &error));
  g_assert_no_error (error);
  f->connector = yq_connector_get_id (connector);
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

/* A platform directory: root r with departments a and b, people p1 (in a)
 * and p2 (in b). */
static YqOrgSnapshot *
make_platform (gboolean with_b)
{
  YqOrgSnapshot *snapshot = yq_org_snapshot_new ("r");
  YqOrgPerson *person;

  yq_org_snapshot_add_department (snapshot, yq_org_department_new ("r", NULL, "总部"));
  yq_org_snapshot_add_department (snapshot, yq_org_department_new ("a", "r", "财务处"));
  if (with_b)
    yq_org_snapshot_add_department (snapshot, yq_org_department_new ("b", "r", "办公室"));

  person = yq_org_person_new ("p1", "张三");
  person->mobile = g_strdup ("13800000001");
  g_strfreev (person->department_ids);
  person->department_ids = g_strsplit ("a", ",", -1);
  yq_org_snapshot_add_person (snapshot, person);

  if (with_b)
    {
      person = yq_org_person_new ("p2", "李四");
      person->mobile = g_strdup ("13800000002");
      g_strfreev (person->department_ids);
      person->department_ids = g_strsplit ("b,a", ",", -1);
      yq_org_snapshot_add_person (snapshot, person);
    }

  return snapshot;
}

/* Mirrors @platform into the bridge like a refresh, journaled. */
static gint64
mirror (Fixture       *f,
        YqOrgSnapshot *platform)
{
  g_autoptr(YqOrgSnapshot) bridge = NULL;
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  YqPlannerInput input = { 0 };
  gint64 run;

  bridge = yq_bridge_directory_snapshot (f->store, f->connector, &error);
  g_assert_no_error (error);

  input.source = platform;
  input.target = bridge;
  input.links = links;
  input.profile = profile;
  input.source_is_platform = TRUE;
  input.mirror = TRUE;
  input.previous_people = -1;
  plan = yq_planner_plan (&input);
  g_assert_false (yq_plan_is_blocked (plan));

  run = yq_sync_runs_create (f->store, f->connector, YQ_SYNC_DIRECTION_FROM_PLATFORM, profile,
                             FALSE, plan, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run, >, 0);
  g_assert_true (yq_bridge_directory_apply_mirror (f->store, f->connector, plan, 0,
                                                   yq_plan_get_n_ops (plan), run, &error));
  g_assert_no_error (error);
  g_assert_true (yq_sync_runs_finish (f->store, run, YQ_SYNC_RUN_APPLIED, NULL, &error));
  g_assert_no_error (error);

  return run;
}

static void
test_mirror_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) platform = make_platform (TRUE);
  g_autoptr(YqOrgSnapshot) bridge = NULL;
  g_autoptr(YqSyncRunRecord) record = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *difference = NULL;
  gint64 run;

  run = mirror (f, platform);
  bridge = yq_bridge_directory_snapshot (f->store, f->connector, &error);
  g_assert_no_error (error);
  yq_org_snapshot_set_root_id (bridge, "r");
  g_assert_true (yq_org_snapshot_equal (platform, bridge, &difference));
  g_assert_cmpstr (yq_org_snapshot_lookup_person (bridge, "p2")->department_ids[0], ==, "b");
  g_assert_cmpstr (yq_org_snapshot_lookup_person (bridge, "p2")->department_ids[1], ==, "a");

  /* The journal says every operation ran. */
  record = yq_sync_runs_get (f->store, run, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_APPLIED);
  g_assert_cmpuint (record->n_ops, ==, 5);
  g_assert_cmpuint (record->n_done, ==, 5);
  g_assert_cmpint (record->source_people, ==, 2);
  ops = yq_sync_runs_get_ops (f->store, run, YQ_SYNC_OP_PENDING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 0);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = yq_sync_runs_get_ops (f->store, run, -1, &error);
  g_assert_cmpuint (ops->len, ==, 5);
  g_assert_nonnull (((YqSyncOpRecord *) g_ptr_array_index (ops, 0))->op);

  g_assert_cmpint (yq_sync_runs_previous_people (f->store, f->connector,
                                                 YQ_SYNC_DIRECTION_FROM_PLATFORM, &error), ==, 2);
  g_assert_cmpint (yq_sync_runs_previous_people (f->store, f->connector,
                                                 YQ_SYNC_DIRECTION_TO_OA, &error), ==, -1);

  /* Applying the same plan again changes nothing. */
  g_clear_object (&bridge);
  mirror (f, platform);
  bridge = yq_bridge_directory_snapshot (f->store, f->connector, &error);
  yq_org_snapshot_set_root_id (bridge, "r");
  g_assert_true (yq_org_snapshot_equal (platform, bridge, NULL));
}

static void
test_links_and_tombstones (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) full = make_platform (TRUE);
  g_autoptr(YqOrgSnapshot) smaller = make_platform (FALSE);
  g_autoptr(YqOrgSnapshot) bridge = NULL;
  g_autoptr(YqSyncLinks) links = NULL;
  g_autoptr(GError) error = NULL;
  guint departments = 0, people = 0, bound = 0;

  mirror (f, full);
  g_assert_true (yq_bridge_directory_link_department (f->store, f->connector, "b", "oa-b",
                                                      &error));
  g_assert_true (yq_bridge_directory_bind_person (f->store, f->connector, "p2", "lisi",
                                                  YQ_BIND_SOURCE_RULE, &error));
  g_assert_no_error (error);

  /* One account, one person. */
  g_assert_false (yq_bridge_directory_bind_person (f->store, f->connector, "p1", "LISI",
                                                   YQ_BIND_SOURCE_MANUAL, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (yq_bridge_directory_bind_person (f->store, f->connector, "nobody", "x",
                                                   YQ_BIND_SOURCE_MANUAL, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The platform deletes b and p2: the linked rows stay behind as
   * tombstones, out of the snapshot but in the platform → OA links. */
  mirror (f, smaller);
  bridge = yq_bridge_directory_snapshot (f->store, f->connector, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (bridge), ==, 2);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (bridge), ==, 1);
  g_assert_true (yq_bridge_directory_count (f->store, f->connector, &departments, &people,
                                            &bound, &error));
  g_assert_cmpuint (departments, ==, 2);
  g_assert_cmpuint (people, ==, 1);

  links = yq_bridge_directory_get_oa_links (f->store, f->connector, FALSE, &error);
  g_assert_cmpstr (g_hash_table_lookup (links->departments, "b"), ==, "oa-b");
  g_assert_cmpstr (g_hash_table_lookup (links->people, "p2"), ==, "lisi");
  g_clear_pointer (&links, yq_sync_links_free);
  links = yq_bridge_directory_get_oa_links (f->store, f->connector, TRUE, &error);
  g_assert_false (g_hash_table_contains (links->departments, "oa-b"));
  g_assert_false (g_hash_table_contains (links->people, "lisi"));
  g_clear_pointer (&links, yq_sync_links_free);

  /* The account of a deleted person can be given to someone else. */
  g_assert_true (yq_bridge_directory_bind_person (f->store, f->connector, "p1", "lisi",
                                                  YQ_BIND_SOURCE_MANUAL, &error));
  g_assert_no_error (error);
  links = yq_bridge_directory_get_oa_links (f->store, f->connector, FALSE, &error);
  g_assert_cmpstr (g_hash_table_lookup (links->people, "p1"), ==, "lisi");
  g_assert_false (g_hash_table_contains (links->people, "p2"));
  g_clear_pointer (&links, yq_sync_links_free);

  /* Once the OA side has followed, the tombstone goes. */
  g_assert_true (yq_bridge_directory_purge_deleted (f->store, f->connector, TRUE, "b", &error));
  links = yq_bridge_directory_get_oa_links (f->store, f->connector, FALSE, &error);
  g_assert_false (g_hash_table_contains (links->departments, "b"));

  /* A department that comes back is live again, link and all. */
  g_assert_true (yq_bridge_directory_link_department (f->store, f->connector, "a", "oa-a",
                                                      &error));
  mirror (f, smaller);
  g_clear_pointer (&links, yq_sync_links_free);
  links = yq_bridge_directory_get_oa_links (f->store, f->connector, TRUE, &error);
  g_assert_cmpstr (g_hash_table_lookup (links->departments, "oa-a"), ==, "a");
}

static void
test_profiles_and_rule (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(YqSyncProfile) again = NULL;
  g_autoptr(GError) error = NULL;
  YqPersonField platform_field, oa_field;

  g_assert_true (yq_binding_rule_get (f->store, f->connector, &platform_field, &oa_field, &error));
  g_assert_cmpint (platform_field, ==, YQ_PERSON_FIELD_MOBILE);
  g_assert_cmpint (oa_field, ==, YQ_PERSON_FIELD_MOBILE);

  profile = yq_sync_profiles_get (f->store, f->connector, YQ_SYNC_DIRECTION_TO_OA, &error);
  g_assert_no_error (error);
  /* A 云之家 connector: OA accounts come from mobiles by default. */
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE], ==, YQ_PERSON_FIELD_MOBILE);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_NAME], ==, YQ_PERSON_FIELD_NAME);
  profile->people_threshold = 7;
  profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE] = YQ_PERSON_FIELD_JOB_NUMBER;
  g_assert_true (yq_sync_profiles_set (f->store, f->connector, YQ_SYNC_DIRECTION_TO_OA, profile,
                                       &error));
  g_assert_true (yq_binding_rule_set (f->store, f->connector, YQ_PERSON_FIELD_JOB_NUMBER,
                                      YQ_PERSON_FIELD_ACCOUNT_CODE, &error));

  /* Per direction; the binding rule is the connector's, in every one. */
  again = yq_sync_profiles_get (f->store, f->connector, YQ_SYNC_DIRECTION_TO_OA, &error);
  g_assert_cmpint (again->people_threshold, ==, 7);
  g_assert_cmpint (again->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE], ==,
                   YQ_PERSON_FIELD_JOB_NUMBER);
  g_assert_cmpint (again->binding_platform_field, ==, YQ_PERSON_FIELD_JOB_NUMBER);
  g_assert_cmpint (again->binding_oa_field, ==, YQ_PERSON_FIELD_ACCOUNT_CODE);
  g_clear_pointer (&again, yq_sync_profile_free);
  again = yq_sync_profiles_get (f->store, f->connector, YQ_SYNC_DIRECTION_FROM_PLATFORM, &error);
  g_assert_cmpint (again->people_threshold, !=, 7);
  g_assert_cmpint (again->binding_platform_field, ==, YQ_PERSON_FIELD_JOB_NUMBER);
}

static void
test_lease (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mine = g_strdup_printf ("%s:%d:1", g_get_host_name (), (int) getpid ());
  g_autofree char *gone = NULL;
  g_autofree char *elsewhere = g_strdup ("another-host.example:1:2");
  pid_t child;
  int status;

  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, mine, 60, &error));
  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, mine, 60, &error));
  g_assert_true (yq_sync_lease_renew (f->store, f->connector, mine, 60, &error));
  g_assert_no_error (error);

  /* A live holder elsewhere is waited for. */
  g_assert_false (yq_sync_lease_acquire (f->store, f->connector, elsewhere, 60, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (yq_sync_lease_release (f->store, f->connector, mine, &error));
  g_assert_false (yq_sync_lease_renew (f->store, f->connector, mine, 60, &error));
  g_assert_error (error, YQ_STORE_ERROR, YQ_STORE_ERROR_BUSY);
  g_clear_error (&error);

  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, elsewhere, 60, &error));
  g_assert_false (yq_sync_lease_acquire (f->store, f->connector, mine, 60, &error));
  g_clear_error (&error);
  g_assert_true (yq_sync_lease_release (f->store, f->connector, elsewhere, &error));

  /* A holder on this host whose process is gone is not, even before its
   * parent reaped it. */
  child = fork ();
  if (child == 0)
    _exit (0);
  gone = g_strdup_printf ("%s:%d:3", g_get_host_name (), (int) child);
  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, gone, 60, &error));
  g_usleep (G_USEC_PER_SEC / 10);
  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, mine, 60, &error));
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, gone, 60, &error) == FALSE);
  g_clear_error (&error);

  /* An expired lease is free too. */
  g_assert_true (yq_sync_lease_release (f->store, f->connector, mine, &error));
  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, elsewhere, 0, &error));
  g_assert_true (yq_sync_lease_acquire (f->store, f->connector, mine, 60, &error));
  g_assert_no_error (error);
}

static void
test_unfinished_runs (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) platform = make_platform (TRUE);
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = yq_plan_new ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) running = NULL;
  g_autoptr(GError) error = NULL;
  YqSyncDirection direction;
  YqPlanOp *op;
  gint64 run;

  g_assert_cmpint (yq_sync_runs_find_unfinished (f->store, f->connector, &direction, &error),
                   ==, 0);

  op = yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT);
  op->source_id = g_strdup ("oa-1");
  op->name = g_strdup ("新部门");
  op->department = yq_org_department_copy (yq_org_snapshot_get_department (platform, 1));
  yq_plan_add_op (plan, op);
  yq_plan_add_op (plan, yq_plan_op_copy (op));

  run = yq_sync_runs_create (f->store, f->connector, YQ_SYNC_DIRECTION_TO_PLATFORM, profile,
                             TRUE, plan, &error);
  g_assert_no_error (error);
  g_assert_true (yq_sync_runs_mark_ops (f->store, run, 0, 1, YQ_SYNC_OP_DONE, "x1", NULL,
                                        &error));
  g_assert_true (yq_sync_runs_mark_ops (f->store, run, 1, 1, YQ_SYNC_OP_RUNNING, NULL, NULL,
                                        &error));

  /* As a later process finds it. */
  g_assert_cmpint (yq_sync_runs_find_unfinished (f->store, f->connector, &direction, &error),
                   ==, run);
  g_assert_cmpint (direction, ==, YQ_SYNC_DIRECTION_TO_PLATFORM);
  running = yq_sync_runs_get_ops (f->store, run, YQ_SYNC_OP_RUNNING, &error);
  g_assert_cmpuint (running->len, ==, 1);
  g_assert_cmpuint (((YqSyncOpRecord *) g_ptr_array_index (running, 0))->seq, ==, 1);
  g_assert_cmpstr (((YqSyncOpRecord *) g_ptr_array_index (running, 0))->op->name, ==, "新部门");

  g_assert_true (yq_sync_runs_finish (f->store, run, YQ_SYNC_RUN_INTERRUPTED, NULL, &error));
  g_assert_cmpint (yq_sync_runs_find_unfinished (f->store, f->connector, NULL, &error), ==, 0);

  runs = yq_sync_runs_list (f->store, f->connector, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->state, ==,
                   YQ_SYNC_RUN_INTERRUPTED);
  g_assert_true (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->confirmed);
  g_assert_cmpuint (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->n_done, ==, 1);

  /* Deleting the connector takes its history along. */
  g_assert_true (yq_connectors_delete (f->store, f->secrets, f->connector, &error));
  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = yq_sync_runs_list (f->store, f->connector, 0, &error);
  g_assert_cmpuint (runs->len, ==, 0);
}

/* A preview is one finished, dry-run row with counts and no journal; it is
 * never taken over as unfinished and never counts as the previous run. */
static void
test_previews (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(YqOrgSnapshot) platform = make_platform (TRUE);
  g_autoptr(YqOrgSnapshot) smaller = make_platform (FALSE);
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = yq_plan_new ();
  g_autoptr(YqPlan) blocked = yq_plan_new ();
  g_autoptr(YqSyncRunRecord) record = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  YqPlanOp *op;
  gint64 applied, preview, blocked_preview;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  /* An applied run with 1 source person, for the previous count. */
  applied = mirror (f, smaller);
  g_assert_cmpint (yq_sync_runs_previous_people (f->store, f->connector,
                                                 YQ_SYNC_DIRECTION_FROM_PLATFORM, &error),
                   ==, 1);
  g_assert_no_error (error);

  op = yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT);
  op->source_id = g_strdup ("b");
  op->name = g_strdup ("办公室");
  op->department = yq_org_department_copy (yq_org_snapshot_get_department (platform, 2));
  yq_plan_add_op (plan, op);
  yq_plan_add_op (plan, yq_plan_op_copy (op));
  yq_plan_get_counts_mut (plan)->ops[YQ_PLAN_OP_CREATE_DEPARTMENT] = 2;
  yq_plan_get_counts_mut (plan)->source_people = 2;
  yq_plan_add_warning (plan, YQ_PLAN_WARNING_MISSING_FIELD, "p2", "李四 has no e-mail");

  preview = yq_sync_runs_record_preview (f->store, f->connector,
                                         YQ_SYNC_DIRECTION_FROM_PLATFORM, profile, TRUE, plan,
                                         &error);
  g_assert_no_error (error);
  g_assert_cmpint (preview, >, applied);

  record = yq_sync_runs_get (f->store, preview, &error);
  g_assert_no_error (error);
  g_assert_true (record->dry_run);
  g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_PREVIEWED);
  g_assert_cmpstr (yq_sync_run_state_to_string (record->state), ==, "previewed");
  g_assert_cmpint (record->direction, ==, YQ_SYNC_DIRECTION_FROM_PLATFORM);
  g_assert_true (record->confirmed);
  g_assert_cmpuint (record->n_ops, ==, 2);
  g_assert_cmpuint (record->n_done, ==, 0);
  g_assert_cmpuint (record->n_failed, ==, 0);
  g_assert_cmpint (record->source_people, ==, 2);
  g_assert_cmpint (record->started_at, >=, before);
  g_assert_cmpint (record->finished_at, >=, record->started_at);
  g_assert_nonnull (strstr (record->counts, "\"create-department\":2"));
  g_assert_nonnull (strstr (record->warnings, "李四 has no e-mail"));
  g_clear_pointer (&record, yq_sync_run_record_free);

  /* No journal. */
  ops = yq_sync_runs_get_ops (f->store, preview, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 0);

  /* Neither unfinished nor the previous applied run. */
  g_assert_cmpint (yq_sync_runs_find_unfinished (f->store, f->connector, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (yq_sync_runs_previous_people (f->store, f->connector,
                                                 YQ_SYNC_DIRECTION_FROM_PLATFORM, &error),
                   ==, 1);

  /* A blocked preview is recorded as blocked, with the block among its
   * messages like a blocked apply. */
  yq_plan_add_block (blocked, YQ_PLAN_BLOCK_TOP_MISMATCH, "The top departments differ.");
  blocked_preview = yq_sync_runs_record_preview (f->store, f->connector,
                                                 YQ_SYNC_DIRECTION_TO_OA, profile, FALSE,
                                                 blocked, &error);
  g_assert_no_error (error);
  record = yq_sync_runs_get (f->store, blocked_preview, &error);
  g_assert_no_error (error);
  g_assert_true (record->dry_run);
  g_assert_cmpint (record->state, ==, YQ_SYNC_RUN_BLOCKED);
  g_assert_cmpint (record->direction, ==, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_false (record->confirmed);
  g_assert_cmpint (record->finished_at, >, 0);
  g_assert_nonnull (strstr (record->warnings, "The top departments differ."));
  g_clear_pointer (&record, yq_sync_run_record_free);

  /* The list has all three, newest first; only the applies are not dry. */
  runs = yq_sync_runs_list (f->store, f->connector, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->id, ==, blocked_preview);
  g_assert_true (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->dry_run);
  g_assert_true (((YqSyncRunRecord *) g_ptr_array_index (runs, 1))->dry_run);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 2))->id, ==, applied);
  g_assert_false (((YqSyncRunRecord *) g_ptr_array_index (runs, 2))->dry_run);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 2))->state, ==,
                   YQ_SYNC_RUN_APPLIED);
}

/* Connector 0 lists the runs of every connector, newest first. */
static void
test_list_all_connectors (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqConnector) other = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = yq_plan_new ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gint64 other_id;
  gint64 first, second, third;

  yq_connector_set_name (other, "分公司");
  yq_connector_set_tenant_id (other, "10110");
  yq_connector_set_app_key (other, "app2");
  g_assert_true (yq_connectors_save (f->store, f->secrets, other, "s1", "s2", &error));
  g_assert_no_error (error);
  other_id = yq_connector_get_id (other);

  first = yq_sync_runs_create (f->store, f->connector, YQ_SYNC_DIRECTION_FROM_PLATFORM, profile,
                               FALSE, plan, &error);
  g_assert_no_error (error);
  second = yq_sync_runs_create (f->store, other_id, YQ_SYNC_DIRECTION_TO_OA, profile, FALSE,
                                plan, &error);
  g_assert_no_error (error);
  third = yq_sync_runs_create (f->store, f->connector, YQ_SYNC_DIRECTION_TO_OA, profile, FALSE,
                               plan, &error);
  g_assert_no_error (error);

  runs = yq_sync_runs_list (f->store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->id, ==, third);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 1))->id, ==, second);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 1))->connector_id, ==, other_id);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 2))->id, ==, first);
  g_clear_pointer (&runs, g_ptr_array_unref);

  /* The limit applies across connectors too. */
  runs = yq_sync_runs_list (f->store, 0, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 1))->id, ==, second);
  g_clear_pointer (&runs, g_ptr_array_unref);

  /* One connector still gets only its own. */
  runs = yq_sync_runs_list (f->store, f->connector, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 0))->id, ==, third);
  g_assert_cmpint (((YqSyncRunRecord *) g_ptr_array_index (runs, 1))->id, ==, first);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync-store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("mirror-round-trip", test_mirror_round_trip);
  ADD ("links-and-tombstones", test_links_and_tombstones);
  ADD ("profiles-and-rule", test_profiles_and_rule);
  ADD ("lease", test_lease);
  ADD ("unfinished-runs", test_unfinished_runs);
  ADD ("list-all-connectors", test_list_all_connectors);
  ADD ("previews", test_previews);

#undef ADD

  return g_test_run ();
}
