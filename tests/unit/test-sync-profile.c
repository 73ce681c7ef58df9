/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "yq-sync-profile.h"

static void
test_defaults (void)
{
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();

  g_assert_null (profile->top_department);
  g_assert_null (profile->include_departments);
  g_assert_null (profile->exclude_people);
  g_assert_true (profile->add_new_members);
  g_assert_true (profile->auto_bind);
  g_assert_cmpint (profile->binding_platform_field, ==, YQ_PERSON_FIELD_MOBILE);
  g_assert_cmpint (profile->binding_oa_field, ==, YQ_PERSON_FIELD_MOBILE);
  for (guint i = 0; i < YQ_N_PERSON_FIELDS; i++)
    g_assert_cmpint (profile->field_map[i], ==, i);
  g_assert_cmpint (profile->people_threshold, ==, 50);
  g_assert_cmpint (profile->department_threshold, ==, 10);
}

static YqSyncProfile *
odd_profile (void)
{
  YqSyncProfile *profile = yq_sync_profile_new ();
  const char *include[] = { "d1", "财务处", NULL };
  const char *exclude[] = { "d\"2", NULL };
  const char *people[] = { "p1", "p2", "p3", NULL };

  profile->top_department = g_strdup ("t9");
  profile->include_departments = g_strdupv ((char **) include);
  profile->exclude_departments = g_strdupv ((char **) exclude);
  profile->include_people = g_strdupv ((char **) people);
  profile->exclude_people = g_new0 (char *, 1);
  profile->add_new_members = FALSE;
  profile->auto_bind = FALSE;
  profile->binding_platform_field = YQ_PERSON_FIELD_JOB_NUMBER;
  profile->binding_oa_field = YQ_PERSON_FIELD_ACCOUNT_CODE;
  profile->field_map[YQ_PERSON_FIELD_TITLE] = YQ_PERSON_FIELD_NONE;
  profile->field_map[YQ_PERSON_FIELD_EMAIL] = YQ_PERSON_FIELD_ACCOUNT_CODE;
  profile->people_threshold = -1;
  profile->department_threshold = 0;

  return profile;
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);

  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

static void
assert_profiles_equal (const YqSyncProfile *a,
                       const YqSyncProfile *b)
{
  g_assert_cmpstr (a->top_department, ==, b->top_department);
  g_assert_true (strv_equal0 (a->include_departments, b->include_departments));
  g_assert_true (strv_equal0 (a->exclude_departments, b->exclude_departments));
  g_assert_true (strv_equal0 (a->include_people, b->include_people));
  g_assert_true (strv_equal0 (a->exclude_people, b->exclude_people));
  g_assert_cmpint (a->add_new_members, ==, b->add_new_members);
  g_assert_cmpint (a->auto_bind, ==, b->auto_bind);
  g_assert_cmpint (a->binding_platform_field, ==, b->binding_platform_field);
  g_assert_cmpint (a->binding_oa_field, ==, b->binding_oa_field);
  g_assert_cmpmem (a->field_map, sizeof a->field_map, b->field_map, sizeof b->field_map);
  g_assert_cmpint (a->people_threshold, ==, b->people_threshold);
  g_assert_cmpint (a->department_threshold, ==, b->department_threshold);
}

static void
test_copy (void)
{
  g_autoptr(YqSyncProfile) profile = odd_profile ();
  g_autoptr(YqSyncProfile) copy = yq_sync_profile_copy (profile);

  assert_profiles_equal (profile, copy);
  g_assert_true (copy->include_departments != profile->include_departments);
  g_assert_true (copy->top_department != profile->top_department);

  /* The boxed type copies deeply too. */
  {
    YqSyncProfile *boxed = g_boxed_copy (YQ_TYPE_SYNC_PROFILE, profile);

    assert_profiles_equal (profile, boxed);
    g_boxed_free (YQ_TYPE_SYNC_PROFILE, boxed);
  }
}

static void
test_json_round_trip (void)
{
  g_autoptr(YqSyncProfile) profile = odd_profile ();
  g_autoptr(YqSyncProfile) defaults = yq_sync_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = yq_sync_profile_to_json (profile);
  g_autofree char *default_json = yq_sync_profile_to_json (defaults);
  g_autoptr(YqSyncProfile) back = yq_sync_profile_new_from_json (json, &error);
  g_autoptr(YqSyncProfile) default_back = NULL;
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  assert_profiles_equal (profile, back);
  again = yq_sync_profile_to_json (back);
  g_assert_cmpstr (json, ==, again);
  g_assert_nonnull (strstr (json, "\"field_map\""));
  g_assert_nonnull (strstr (json, "\"title\":\"none\""));

  default_back = yq_sync_profile_new_from_json (default_json, &error);
  g_assert_no_error (error);
  assert_profiles_equal (defaults, default_back);
  g_assert_null (default_back->top_department);
}

static void
test_json_partial (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSyncProfile) profile = NULL;

  profile = yq_sync_profile_new_from_json ("{\"people_threshold\": 3, "
                                           "\"field_map\": {\"mobile\": \"none\"}, "
                                           "\"top_department\": null, "
                                           "\"exclude_people\": null}",
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (profile->people_threshold, ==, 3);
  g_assert_cmpint (profile->department_threshold, ==, 10);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_MOBILE], ==, YQ_PERSON_FIELD_NONE);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_NAME], ==, YQ_PERSON_FIELD_NAME);
  g_assert_true (profile->auto_bind);
  g_clear_pointer (&profile, yq_sync_profile_free);

  profile = yq_sync_profile_new_from_json ("{}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (profile->people_threshold, ==, 50);
}

static void
test_json_errors (void)
{
  static const struct { const char *json; const char *member; } cases[] = {
    { "{\"colour\": 1}", "colour" },
    { "{\"people_threshold\": \"3\"}", "people_threshold" },
    { "{\"people_threshold\": -2}", "people_threshold" },
    { "{\"department_threshold\": 1.5}", "department_threshold" },
    { "{\"auto_bind\": 1}", "auto_bind" },
    { "{\"add_new_members\": \"yes\"}", "add_new_members" },
    { "{\"top_department\": 7}", "top_department" },
    { "{\"include_departments\": \"d1\"}", "include_departments" },
    { "{\"exclude_people\": [\"p1\", 2]}", "exclude_people" },
    { "{\"binding_oa_field\": \"shoe_size\"}", "binding_oa_field" },
    { "{\"field_map\": {\"shoe_size\": \"name\"}}", "field_map.shoe_size" },
    { "{\"field_map\": {\"email\": \"shoe_size\"}}", "field_map.email" },
    { "{\"field_map\": []}", "field_map" },
    { "[1]", "object" },
    { "{", "JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(YqSyncProfile) profile = yq_sync_profile_new_from_json (cases[i].json, &error);

      g_assert_null (profile);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      if (strstr (error->message, cases[i].member) == NULL)
        g_error ("%s: “%s” does not name %s", cases[i].json, error->message, cases[i].member);
    }
}

static void
test_strings (void)
{
  for (guint d = 0; d < YQ_N_SYNC_DIRECTIONS; d++)
    {
      YqSyncDirection back;

      g_assert_true (yq_sync_direction_from_string (yq_sync_direction_to_string (d), &back));
      g_assert_cmpint (back, ==, d);
    }
  g_assert_cmpstr (yq_sync_direction_to_string (YQ_SYNC_DIRECTION_TO_PLATFORM), ==,
                   "to-platform");
  {
    YqSyncDirection back = YQ_SYNC_DIRECTION_TO_OA;

    g_assert_false (yq_sync_direction_from_string ("sideways", &back));
    g_assert_false (yq_sync_direction_from_string (NULL, &back));
    g_assert_cmpint (back, ==, YQ_SYNC_DIRECTION_TO_OA);
  }

  for (gint f = YQ_PERSON_FIELD_NONE; f < YQ_N_PERSON_FIELDS; f++)
    {
      YqPersonField back;

      g_assert_true (yq_person_field_from_string (yq_person_field_to_string (f), &back));
      g_assert_cmpint (back, ==, f);
    }
  g_assert_cmpstr (yq_person_field_to_string (YQ_PERSON_FIELD_JOB_NUMBER), ==, "job_number");
  {
    YqPersonField back = YQ_PERSON_FIELD_EMAIL;

    g_assert_false (yq_person_field_from_string ("Mobile", &back));
    g_assert_cmpint (back, ==, YQ_PERSON_FIELD_EMAIL);
  }
}

static void
test_person_fields (void)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new ("p1", "张三");
  const char *values[YQ_N_PERSON_FIELDS] = {
    "李四", "13800000001", "l@example.com", "J007", "处长", "lisi",
  };

  for (guint f = 0; f < YQ_N_PERSON_FIELDS; f++)
    yq_org_person_set_field (person, f, values[f]);

  g_assert_cmpstr (person->name, ==, "李四");
  g_assert_cmpstr (person->mobile, ==, "13800000001");
  g_assert_cmpstr (person->email, ==, "l@example.com");
  g_assert_cmpstr (person->job_number, ==, "J007");
  g_assert_cmpstr (person->title, ==, "处长");
  g_assert_cmpstr (person->account_code, ==, "lisi");
  for (guint f = 0; f < YQ_N_PERSON_FIELDS; f++)
    g_assert_cmpstr (yq_org_person_get_field (person, f), ==, values[f]);
  g_assert_null (yq_org_person_get_field (person, YQ_PERSON_FIELD_NONE));

  /* Setting a field to itself keeps it; a name is never NULL. */
  yq_org_person_set_field (person, YQ_PERSON_FIELD_MOBILE, person->mobile);
  g_assert_cmpstr (person->mobile, ==, "13800000001");
  yq_org_person_set_field (person, YQ_PERSON_FIELD_NAME, NULL);
  g_assert_cmpstr (person->name, ==, "");
  yq_org_person_set_field (person, YQ_PERSON_FIELD_EMAIL, NULL);
  g_assert_null (person->email);
  g_assert_cmpstr (person->id, ==, "p1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-profile/defaults", test_defaults);
  g_test_add_func ("/sync-profile/copy", test_copy);
  g_test_add_func ("/sync-profile/json-round-trip", test_json_round_trip);
  g_test_add_func ("/sync-profile/json-partial", test_json_partial);
  g_test_add_func ("/sync-profile/json-errors", test_json_errors);
  g_test_add_func ("/sync-profile/strings", test_strings);
  g_test_add_func ("/sync-profile/person-fields", test_person_fields);

  return g_test_run ();
}
