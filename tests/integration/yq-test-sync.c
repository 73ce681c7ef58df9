/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A sync test bed: yunqiao-sim in this process on loopback as a read-write
 * 云之家 tenant, a store with a connector to it (OA accounts are the
 * people's mobiles, 云之家 having no account names), the built-in OA
 * directory, and checks that the two sides agree.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "yq-bridge-directory.h"
#include "yq-sync-runs.h"
#include "yq-sim-server-private.h"
#include "yq-test-bus.h"
#include "yq-test-sync.h"

void
yq_sync_fixture_setup (YqSyncFixture *f,
                       gconstpointer  data)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(GError) error = NULL;

  f->config = yq_sim_config_new_default ();
  f->config->port = 0;
  f->config->login_port = 0;
  f->org = yq_sim_org_generate (YQ_SYNC_FIXTURE_PEOPLE, YQ_SYNC_FIXTURE_SEED);
  f->server = yq_sim_server_new (f->config, f->org);
  g_assert_true (yq_sim_server_start (f->server, &error));
  g_assert_no_error (error);
  f->base = yq_sim_server_get_base_url (f->server);

  f->data_dir = yq_test_make_data_dir ();
  f->store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->oa = yq_builtin_oa_directory_new (f->store);

  yq_connector_set_name (connector, "云之家");
  yq_connector_set_tenant_id (connector, f->config->yzj_eid);
  yq_connector_set_api_base (connector, f->base);
  yq_connector_set_app_key (connector, f->config->yzj_app_id);
  yq_connector_set_directory_readonly (connector, FALSE);
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, f->config->yzj_app_secret,
                                     f->config->yzj_dir_secret, &error));
  g_assert_no_error (error);
  f->connector_id = yq_connector_get_id (connector);

  /* 云之家 people have no account name: OA accounts are their mobiles. */
  {
    g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();

    profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE] = YQ_PERSON_FIELD_MOBILE;
    g_assert_true (yq_sync_profiles_set (f->store, f->connector_id, YQ_SYNC_DIRECTION_TO_OA,
                                         profile, &error));
    g_assert_no_error (error);
  }
}

void
yq_sync_fixture_teardown (YqSyncFixture *f,
                          gconstpointer  data)
{
  g_clear_object (&f->oa);
  g_clear_object (&f->secrets);
  g_clear_object (&f->store);
  yq_test_remove_data_dir (f->data_dir);
  g_free (f->data_dir);
  yq_sim_server_stop (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->org);
  g_clear_pointer (&f->config, yq_sim_config_free);
  g_free (f->base);
}


YqOrgSnapshot *
yq_sync_fixture_platform (YqSyncFixture *f)
{
  return yq_sim_org_expected_snapshot (f->org, YQ_SIM_PLATFORM_YZJ);
}

YqOrgSnapshot *
yq_sync_fixture_oa (YqSyncFixture *f)
{
  g_autoptr(GError) error = NULL;
  YqOrgSnapshot *snapshot = yq_oa_directory_snapshot (f->oa, &error);

  g_assert_no_error (error);

  return snapshot;
}

/* Every department and active person of the platform has its linked OA
 * counterpart with the same name, the same parent (through the links) and,
 * for people, the same mobile; and the OA holds nothing active besides. */
void
yq_sync_fixture_assert_equal (YqSyncFixture *f)
{
  g_autoptr(YqOrgSnapshot) platform = yq_sync_fixture_platform (f);
  g_autoptr(YqOrgSnapshot) oa = yq_sync_fixture_oa (f);
  g_autoptr(YqSyncLinks) links = NULL;
  g_autoptr(GError) error = NULL;
  guint active_platform = 0, active_oa = 0;

  links = yq_bridge_directory_get_oa_links (f->store, f->connector_id, FALSE, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (yq_org_snapshot_get_n_departments (oa), ==,
                    yq_org_snapshot_get_n_departments (platform));

  for (guint i = 0; i < yq_org_snapshot_get_n_departments (platform); i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (platform, i);
      const char *oa_id = g_hash_table_lookup (links->departments, dept->id);
      YqOrgDepartment *oa_dept;

      g_assert_nonnull (oa_id);
      oa_dept = yq_org_snapshot_lookup_department (oa, oa_id);
      g_assert_nonnull (oa_dept);
      g_assert_cmpstr (oa_dept->name, ==, dept->name);
      if (dept->parent_id == NULL)
        g_assert_null (oa_dept->parent_id);
      else
        g_assert_cmpstr (oa_dept->parent_id, ==,
                         g_hash_table_lookup (links->departments, dept->parent_id));
    }

  for (guint i = 0; i < yq_org_snapshot_get_n_people (platform); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (platform, i);
      const char *account = g_hash_table_lookup (links->people, person->id);
      YqOrgPerson *oa_person;

      if (!person->active)
        continue;
      active_platform++;

      g_assert_nonnull (account);
      oa_person = yq_org_snapshot_lookup_person (oa, account);
      g_assert_nonnull (oa_person);
      g_assert_true (oa_person->active);
      g_assert_cmpstr (oa_person->name, ==, person->name);
      g_assert_cmpstr (oa_person->mobile, ==, person->mobile);
      g_assert_cmpstr (oa_person->department_ids[0], ==,
                       g_hash_table_lookup (links->departments, person->department_ids[0]));
    }

  for (guint i = 0; i < yq_org_snapshot_get_n_people (oa); i++)
    if (yq_org_snapshot_get_person (oa, i)->active)
      active_oa++;
  g_assert_cmpuint (active_oa, ==, active_platform);
}


guint
yq_sync_fixture_count_writes (YqSyncFixture *f,
                              const char    *path_part)
{
  g_autoptr(JsonNode) records = yq_sim_server_list_records (f->server, "yzj.directory");
  JsonArray *array = json_node_get_array (records);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *record = json_array_get_object_element (array, i);

      if (strstr (json_object_get_string_member (record, "path"), path_part) != NULL)
        n++;
    }

  return n;
}

