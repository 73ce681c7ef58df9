/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The organisation generator and model behind yunqiao-sim, the expected
 * snapshots, the key-file configuration and the program's start-up contract.
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "yq-sim-server.h"

static gboolean
all_digits (const char *text)
{
  return *text && strspn (text, "0123456789") == strlen (text);
}

static gboolean
all_hex (const char *text,
         gsize       length)
{
  return strlen (text) == length && strspn (text, "0123456789abcdef") == length;
}

static void
test_determinism (void)
{
  g_autoptr(YqSimOrg) a = yq_sim_org_generate (3000, 42);
  g_autoptr(YqSimOrg) b = yq_sim_org_generate (3000, 42);
  g_autoptr(YqSimOrg) c = yq_sim_org_generate (3000, 43);
  g_autofree char *difference = NULL;

  for (guint k = 0; k < 2; k++)
    {
      YqSimPlatform platform = k == 0 ? YQ_SIM_PLATFORM_ZWDD : YQ_SIM_PLATFORM_YZJ;
      g_autoptr(YqOrgSnapshot) sa = yq_sim_org_expected_snapshot (a, platform);
      g_autoptr(YqOrgSnapshot) sb = yq_sim_org_expected_snapshot (b, platform);
      g_autoptr(YqOrgSnapshot) sc = yq_sim_org_expected_snapshot (c, platform);

      g_clear_pointer (&difference, g_free);
      if (!yq_org_snapshot_equal (sa, sb, &difference))
        g_error ("same seed, different organisations: %s", difference);
      g_clear_pointer (&difference, g_free);
      g_assert_false (yq_org_snapshot_equal (sa, sc, &difference));
      g_test_message ("seed 42 vs 43: %s", difference);
    }

  /* Identical in every detail, mobile numbers and names included. */
  for (guint i = 0; i < yq_sim_org_get_person_slots (a); i++)
    {
      YqSimPerson *pa = yq_sim_org_get_person (a, i);
      YqSimPerson *pb = yq_sim_org_get_person (b, i);

      g_assert_cmpstr (pa->mobile, ==, pb->mobile);
      g_assert_cmpstr (pa->open_id, ==, pb->open_id);
      g_assert_cmpuint (pa->account_id, ==, pb->account_id);
    }
}

static void
test_shape (void)
{
  const guint n_people = 5000;
  g_autoptr(YqSimOrg) org = yq_sim_org_generate (n_people, 7);
  g_autoptr(GHashTable) mobiles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) job_numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) account_ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  guint depth = 0, duplicates = 0, disabled = 0, cancelled = 0, several = 0;
  guint n_departments = yq_sim_org_count_departments (org);

  g_assert_cmpuint (yq_sim_org_count_people (org), ==, n_people);
  g_assert_cmpuint (n_departments, >=, n_people / 20 - 5);
  g_assert_cmpuint (n_departments, <=, n_people / 20 + 5);

  for (guint i = 0; i < n_departments; i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (org, i);
      GArray *children = yq_sim_org_get_children (org, dept);
      g_autoptr(GHashTable) siblings = g_hash_table_new (g_str_hash, g_str_equal);
      YqSimDepartment *other;

      depth = MAX (depth, dept->depth);
      g_assert_true (g_str_has_prefix (dept->zwdd_code, "GO_"));
      g_assert_true (all_hex (dept->zwdd_code + 3, 32));
      if (i == 0)
        g_assert_true (all_hex (dept->yzj_id, 24));
      else
        {
          g_assert_cmpuint (strlen (dept->yzj_id), ==, 36);
          g_assert_cmpint (dept->yzj_id[8], ==, '-');
          g_assert_cmpint (dept->yzj_id[14], ==, '4');
        }
      g_assert_false (g_utf8_validate (dept->name, -1, NULL) && g_str_is_ascii (dept->name));

      /* Siblings never share a name: the 云之家 long name stays unique. */
      for (guint k = 0; k < children->len; k++)
        {
          guint index = g_array_index (children, guint, k);
          YqSimDepartment *child = yq_sim_org_get_department (org, index);

          g_assert_true (g_hash_table_add (siblings, child->name));
        }

      other = g_hash_table_lookup (names, dept->name);
      if (other != NULL && other->parent != dept->parent)
        duplicates++;
      g_hash_table_insert (names, dept->name, dept);

      {
        g_autofree char *long_name = yq_sim_org_get_long_name (org, dept);

        g_assert_true (yq_sim_org_find_by_long_name (org, i == 0 ? "\\" : long_name) == dept);
      }
    }

  g_test_message ("%u departments, depth %u, %u names reused under other parents",
                  n_departments, depth, duplicates);
  g_assert_cmpuint (depth, >=, 6);
  g_assert_cmpuint (duplicates, >, 0);

  for (guint i = 0; i < n_people; i++)
    {
      YqSimPerson *p = yq_sim_org_get_person (org, i);
      glong length = g_utf8_strlen (p->name, -1);

      g_assert_cmpint (length, >=, 2);
      g_assert_cmpint (length, <=, 4);
      g_assert_false (g_str_is_ascii (p->name));
      g_assert_cmpuint (strlen (p->mobile), ==, 11);
      g_assert_true (all_digits (p->mobile));
      g_assert_true (p->mobile[0] == '1' && strchr ("358", p->mobile[1]) != NULL);
      g_assert_true (g_hash_table_add (mobiles, p->mobile));
      g_assert_true (g_hash_table_add (job_numbers, p->job_number));
      g_assert_true (g_hash_table_add (account_ids, &p->account_id));
      g_assert_true (g_str_has_prefix (p->employee_code, "GE_"));
      g_assert_true (all_hex (p->open_id, 24));
      g_assert_cmpuint (p->n_departments, >=, 1);
      g_assert_true (yq_sim_org_find_by_mobile (org, p->mobile) == p);
      g_assert_true (yq_sim_org_find_person (org, p->account_id_str) == p);

      disabled += p->status == YQ_SIM_STATUS_DISABLED;
      cancelled += p->status == YQ_SIM_STATUS_CANCELLED;
      several += p->n_departments > 1;
    }

  g_test_message ("%u disabled, %u cancelled, %u in several departments",
                  disabled, cancelled, several);
  g_assert_cmpuint (disabled, >=, n_people / 100);
  g_assert_cmpuint (disabled, <=, n_people * 35 / 1000);
  g_assert_cmpuint (cancelled, >, 0);
  g_assert_cmpuint (several, >=, n_people * 15 / 1000);
  g_assert_cmpuint (several, <=, n_people * 5 / 100);
}

static void
test_large (void)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(YqSimOrg) org = yq_sim_org_generate (100000, 2024);
  double seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  guint depth = 0;

  g_test_message ("generated 100000 people and %u departments in %.3f s",
                  yq_sim_org_count_departments (org), seconds);
  g_print ("# 100000 people generated in %.3f s\n", seconds);

  for (guint i = 0; i < yq_sim_org_get_department_slots (org); i++)
    depth = MAX (depth, yq_sim_org_get_department (org, i)->depth);

  g_assert_cmpuint (yq_sim_org_count_people (org), ==, 100000);
  g_assert_cmpuint (yq_sim_org_count_departments (org), >=, 4900);
  g_assert_cmpuint (yq_sim_org_count_departments (org), <=, 5100);
  g_assert_cmpuint (depth, >=, 6);
  /* A generous bound; the goal is well under 2 s. */
  g_assert_cmpfloat (seconds, <, 20.0);
}

static void
test_expected_mapping (void)
{
  g_autoptr(YqSimOrg) org = yq_sim_org_generate (2000, 11);
  g_autoptr(YqOrgSnapshot) zwdd = yq_sim_org_expected_snapshot (org, YQ_SIM_PLATFORM_ZWDD);
  g_autoptr(YqOrgSnapshot) yzj = yq_sim_org_expected_snapshot (org, YQ_SIM_PLATFORM_YZJ);
  YqSimPerson *multi = NULL;
  YqOrgPerson *z, *y;
  YqOrgDepartment *zroot, *yroot;
  YqSimDepartment *main_dept;
  guint n_departments;

  for (guint i = 0; multi == NULL; i++)
    if (yq_sim_org_get_person (org, i)->n_departments > 1)
      multi = yq_sim_org_get_person (org, i);

  g_assert_cmpstr (yq_org_snapshot_get_root_id (zwdd), ==, yq_sim_org_get_root (org)->zwdd_code);
  g_assert_cmpstr (yq_org_snapshot_get_root_id (yzj), ==, yq_sim_org_get_root (org)->yzj_id);
  n_departments = yq_sim_org_count_departments (org);
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (zwdd), ==, n_departments);
  g_assert_cmpuint (yq_org_snapshot_get_n_departments (yzj), ==, n_departments);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (zwdd), ==, 2000);
  g_assert_cmpuint (yq_org_snapshot_get_n_people (yzj), ==, 2000);

  zroot = yq_org_snapshot_lookup_department (zwdd, yq_sim_org_get_root (org)->zwdd_code);
  yroot = yq_org_snapshot_lookup_department (yzj, yq_sim_org_get_root (org)->yzj_id);
  g_assert_null (zroot->parent_id);
  g_assert_null (yroot->parent_id);

  z = yq_org_snapshot_lookup_person (zwdd, multi->employee_code);
  y = yq_org_snapshot_lookup_person (yzj, multi->open_id);
  g_assert_nonnull (z);
  g_assert_nonnull (y);

  g_assert_cmpstr (z->account_id, ==, multi->account_id_str);
  g_assert_cmpstr (z->account_code, ==, multi->account_code);
  g_assert_null (z->mobile);
  g_assert_null (z->email);
  g_assert_null (z->job_number);
  g_assert_cmpuint (g_strv_length (z->department_ids), ==, multi->n_departments);
  main_dept = yq_sim_org_get_department (org, multi->departments[0]);
  g_assert_cmpstr (z->department_ids[0], ==, main_dept->zwdd_code);

  g_assert_cmpstr (y->account_id, ==, multi->open_id);
  g_assert_null (y->account_code);
  g_assert_cmpstr (y->mobile, ==, multi->mobile);
  g_assert_cmpstr (y->job_number, ==, multi->job_number);
  g_assert_cmpuint (g_strv_length (y->department_ids), ==, 1);
  g_assert_cmpstr (y->department_ids[0], ==, main_dept->yzj_id);

  g_assert_cmpstr (z->name, ==, y->name);
  g_assert_cmpint (z->order, ==, y->order);
  g_assert_true (z->active == y->active);
  g_assert_true (z->active == (multi->status == YQ_SIM_STATUS_NORMAL));
}

static void
count_cb (YqSimOrg *org,
          guint     index,
          guint     change,
          guint    *count)
{
  (*count)++;
}

static void
test_edits (void)
{
  g_autoptr(YqSimOrg) org = yq_sim_org_generate (1000, 3);
  YqSimDepartment *root = yq_sim_org_get_root (org);
  g_autoptr(GError) error = NULL;
  YqSimDepartment *a, *b, *leaf;
  YqSimPerson *normal, *off;
  guint dept_events = 0, person_events = 0;
  guint64 serial = yq_sim_org_get_serial (org);
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  YqSimDepartment *unassigned, *pending;
  YqOrgPerson *moved;

  g_signal_connect (org, "department-changed", G_CALLBACK (count_cb), &dept_events);
  g_signal_connect (org, "person-changed", G_CALLBACK (count_cb), &person_events);

  a = yq_sim_org_add_department (org, root, "测试甲", -1, &error);
  g_assert_no_error (error);
  b = yq_sim_org_add_department (org, root, "测试乙", -1, &error);
  g_assert_no_error (error);
  leaf = yq_sim_org_add_department (org, a, "办公室", -1, &error);
  g_assert_no_error (error);

  /* Sibling names stay unique. */
  g_assert_null (yq_sim_org_add_department (org, root, "测试甲", -1, &error));
  g_assert_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (yq_sim_org_rename_department (org, b, "测试甲", &error));
  g_assert_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (yq_sim_org_rename_department (org, b, "带\\反斜杠", &error));
  g_assert_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID);
  g_clear_error (&error);

  /* No move into its own subtree; a move carries the subtree. */
  g_assert_false (yq_sim_org_move_department (org, a, leaf, &error));
  g_assert_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (yq_sim_org_move_department (org, a, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (leaf->depth, ==, 3);
  {
    g_autofree char *long_name = yq_sim_org_get_long_name (org, leaf);

    g_assert_cmpstr (long_name, ==, "测试乙\\测试甲\\办公室");
  }

  /* One normal and one disabled person in the leaf. */
  normal = yq_sim_org_add_person (org, "张三", "13800000001", &leaf->index, 1, &error);
  g_assert_no_error (error);
  off = yq_sim_org_add_person (org, "李四", "13800000002", &leaf->index, 1, &error);
  g_assert_no_error (error);
  g_assert_null (yq_sim_org_add_person (org, "王五", "13800000001", &leaf->index, 1, &error));
  g_assert_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS);
  g_clear_error (&error);
  yq_sim_org_set_person_status (org, off, YQ_SIM_STATUS_DISABLED);

  g_assert_false (yq_sim_org_delete_department (org, a, &error));
  g_assert_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_NOT_EMPTY);
  g_clear_error (&error);

  g_assert_true (yq_sim_org_delete_department (org, leaf, &error));
  g_assert_no_error (error);
  unassigned = yq_sim_org_find_by_long_name (org, "未分配");
  pending = yq_sim_org_find_by_long_name (org, "待分配");
  g_assert_nonnull (unassigned);
  g_assert_nonnull (pending);
  g_assert_cmpuint (normal->departments[0], ==, unassigned->index);
  g_assert_cmpuint (off->departments[0], ==, pending->index);
  g_assert_null (yq_sim_org_find_department (org, leaf->yzj_id));

  snapshot = yq_sim_org_expected_snapshot (org, YQ_SIM_PLATFORM_ZWDD);
  g_assert_null (yq_org_snapshot_lookup_department (snapshot, leaf->zwdd_code));
  moved = yq_org_snapshot_lookup_person (snapshot, normal->employee_code);
  g_assert_cmpstr (moved->department_ids[0], ==, unassigned->zwdd_code);
  g_assert_false (yq_org_snapshot_lookup_person (snapshot, off->employee_code)->active);

  yq_sim_org_delete_person (org, normal);
  g_assert_null (yq_sim_org_find_by_mobile (org, "13800000001"));
  g_assert_cmpuint (yq_sim_org_count_people (org), ==, 1001);

  g_assert_cmpuint (dept_events, >=, 6);
  g_assert_cmpuint (person_events, >=, 5);
  g_assert_cmpuint (yq_sim_org_get_serial (org), >, serial);
}

static void
test_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("yq-sim-org-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "sim.conf", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "bad.conf", NULL);
  g_autofree char *bad_rate_path = g_build_filename (dir, "bad-rate.conf", NULL);
  g_autoptr(YqSimConfig) config = yq_sim_config_new_default ();
  g_autoptr(YqSimConfig) bad = yq_sim_config_new_default ();
  g_autoptr(YqSimConfig) bad_rate = yq_sim_config_new_default ();
  const char *text =
    "[server]\nport=0\npeople=321\nseed=99\n"
    "[zwdd]\ntenant-id=555\napp-key=k1\napp-secret=s1\nqr-app-key=k2\nqr-app-secret=s2\n"
    "qr-redirect-domains=oa.example.cn;127.0.0.1\ngateway-error-status=200\n"
    "[yzj]\neid=777\ndirectory-secret-readonly=ro\ndirectory-secret=rw\n"
    "[faults]\nlatency-ms=15\nerror-rate=0.25\nqps-limit=40\n";

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_true (g_file_set_contents (bad_path, "[zwdd]\ngateway-error-status=302\n", -1, &error));
  g_assert_true (g_file_set_contents (bad_rate_path, "[faults]\nerror-rate=1.5\n", -1, &error));

  g_assert_true (yq_sim_config_load (config, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config->people, ==, 321);
  g_assert_cmpuint (config->seed, ==, 99);
  g_assert_cmpstr (config->zwdd_tenant_id, ==, "555");
  g_assert_cmpstr (config->zwdd_app_key, ==, "k1");
  g_assert_cmpstr (config->zwdd_qr_redirect_domains[0], ==, "oa.example.cn");
  g_assert_cmpuint (config->zwdd_gateway_status, ==, 200);
  g_assert_cmpstr (config->yzj_eid, ==, "777");
  g_assert_cmpuint (config->faults.latency_ms, ==, 15);
  g_assert_cmpfloat (config->faults.error_rate, ==, 0.25);
  g_assert_cmpfloat (config->faults.qps_limit, ==, 40);
  /* Unset values keep their defaults. */
  g_assert_cmpstr (config->yzj_pub_id, ==, "XT-yqsim-0001");
  g_assert_cmpfloat (config->faults.malformed_rate, ==, 0);

  g_assert_false (yq_sim_config_load (bad, bad_path, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (yq_sim_config_load (bad_rate, bad_rate_path, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);

  g_assert_no_errno (g_remove (path));
  g_assert_no_errno (g_remove (bad_path));
  g_assert_no_errno (g_remove (bad_rate_path));
  g_assert_no_errno (g_rmdir (dir));
}

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GBytes **bytes = user_data;
  g_autoptr(GError) error = NULL;

  *bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
test_program (void)
{
#ifdef YUNQIAO_SIM_PATH
  const char *argv[] = { YUNQIAO_SIM_PATH, "--port", "0", "--login-port", "0", "--people", "300",
                         "--seed", "5", "--latency-ms", "7", "--zwdd-gateway-status", "200", NULL };
  const char *help_argv[] = { YUNQIAO_SIM_PATH, "--help", NULL };
  const char *bad_argv[] = { YUNQIAO_SIM_PATH, "--error-rate", "1.5", NULL };
  g_autoptr(GSubprocess) help = NULL;
  g_autoptr(GSubprocess) bad = NULL;
  g_autofree char *help_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GRegex) pattern = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *port = NULL;
  GBytes *bytes = NULL;
  g_autofree char *text = NULL;

  /* --help documents the demo credentials and the READY line. */
  help = g_subprocess_newv (help_argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (help, NULL, NULL, &help_text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (help_text, "READY port="));
  g_assert_nonnull (strstr (help_text, "--people"));
  g_assert_nonnull (strstr (help_text, "XT-yqsim-0001"));

  bad = g_subprocess_newv (bad_argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (bad, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (bad), ==, 2);

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("%s", line);

  pattern = g_regex_new ("^READY port=([0-9]+) login-port=([0-9]+) "
                         "url=http://127\\.0\\.0\\.1:\\1 login-url=http://127\\.0\\.0\\.1:\\2 "
                         "people=300 departments=[0-9]+$", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (pattern, line, 0, &match));
  port = g_match_info_fetch (match, 1);
  g_assert_cmpuint (g_ascii_strtoull (port, NULL, 10), >, 0);

  url = g_strdup_printf ("http://127.0.0.1:%s/_sim/faults", port);
  msg = soup_message_new ("GET", url);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, health_cb, &bytes);
  while (bytes == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  /* The command-line faults are in force. */
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (text, "\"latency_ms\":7"));
  g_assert_nonnull (strstr (text, "\"zwdd_gateway_status\":200"));
  g_bytes_unref (bytes);

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
#else
  g_test_skip ("the path of yunqiao-sim is not known to this build");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sim/org/determinism", test_determinism);
  g_test_add_func ("/sim/org/shape", test_shape);
  g_test_add_func ("/sim/org/large", test_large);
  g_test_add_func ("/sim/org/expected-mapping", test_expected_mapping);
  g_test_add_func ("/sim/org/edits", test_edits);
  g_test_add_func ("/sim/org/config", test_config);
  g_test_add_func ("/sim/org/program", test_program);

  return g_test_run ();
}
