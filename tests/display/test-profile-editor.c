/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-binding-rule-editor.h"
#include "yq-bridge-directory.h"
#include "yq-department-picker.h"
#include "yq-display-test.h"
#include "yq-profile-editor.h"
#include "yq-sync-runs.h"
#include "yq-window.h"
#include "yunqiao-core.h"

/* The sync profile editor: every change is written to the store as it is
 * made (or refused with a toast when invalid), departments and people are
 * picked in a searchable tree, and read-only directions are locked. */

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

typedef struct
{
  char            *data_dir;
  YqWindow        *window;
  YqStore         *store;
  YqProfileEditor *editor;
  guint            saved;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  fixture->store = yq_window_get_store (fixture->window);
  g_assert_nonnull (fixture->store);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

/* ---- Helpers ------------------------------------------------------------ */

static gint64
add_connector (Fixture           *fixture,
               YqConnectorPreset  preset,
               gboolean           readonly)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;
  gboolean yzj = yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ;

  yq_connector_set_name (connector, yzj ? "云之家测试" : "政务钉钉测试");
  yq_connector_set_tenant_id (connector, "10109");
  yq_connector_set_app_key (connector, "app-key");
  if (preset == YQ_CONNECTOR_PRESET_YZJ_PRIVATE)
    yq_connector_set_api_base (connector, "https://yzj.example.cn");
  yq_connector_set_directory_readonly (connector, readonly);
  yq_connectors_save (fixture->store, yq_window_get_secrets (fixture->window),
                      connector, "app-secret", yzj ? "dir-secret" : NULL, &error);
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
put_department (Fixture    *fixture,
                gint64      connector_id,
                const char *id,
                const char *parent_id,
                const char *name,
                gint64      order)
{
  g_autoptr(YqOrgDepartment) dept = yq_org_department_new (id, parent_id, name);
  g_autoptr(GError) error = NULL;

  dept->order = order;
  yq_bridge_directory_put_department (fixture->store, connector_id, dept, &error);
  g_assert_no_error (error);
}

static void
put_tree (Fixture *fixture,
          gint64   connector_id)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new ("p-li", "李雷");
  g_autoptr(GError) error = NULL;

  put_department (fixture, connector_id, "d-root", NULL, "总部", 0);
  put_department (fixture, connector_id, "d-sales", "d-root", "销售部", 1);
  put_department (fixture, connector_id, "d-east", "d-sales", "华东区", 0);
  put_department (fixture, connector_id, "d-fin", "d-root", "财务部", 2);

  person->mobile = g_strdup ("13800000001");
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup ("d-east");
  yq_bridge_directory_put_person (fixture->store, connector_id, person, &error);
  g_assert_no_error (error);
}

static void
saved_cb (YqProfileEditor *editor,
          Fixture         *fixture)
{
  fixture->saved++;
}

static void
open_editor (Fixture         *fixture,
             gint64           connector_id,
             YqSyncDirection  direction)
{
  fixture->editor = yq_profile_editor_new (GTK_WINDOW (fixture->window), fixture->store,
                                           connector_id, direction);
  g_assert_true (YQ_IS_PROFILE_EDITOR (fixture->editor));
  g_assert_cmpint (yq_profile_editor_get_connector_id (fixture->editor), ==, connector_id);
  g_assert_cmpint (yq_profile_editor_get_direction (fixture->editor), ==, direction);
  g_signal_connect (fixture->editor, "saved", G_CALLBACK (saved_cb), fixture);
  gtk_window_present (GTK_WINDOW (fixture->editor));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->editor)));
}

static YqSyncProfile *
get_profile (Fixture         *fixture,
             gint64           connector_id,
             YqSyncDirection  direction)
{
  g_autoptr(GError) error = NULL;
  YqSyncProfile *profile = yq_sync_profiles_get (fixture->store, connector_id, direction, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);

  return profile;
}

static AdwComboRow *
find_combo_row (GtkWidget  *root,
                const char *title)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (ADW_IS_COMBO_ROW (w) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
      return ADW_COMBO_ROW (w);

  g_error ("No combo row titled “%s”", title);
}

static AdwActionRow *
find_action_row (GtkWidget  *root,
                 const char *title)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (ADW_IS_ACTION_ROW (w) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
      return ADW_ACTION_ROW (w);

  return NULL;
}

static GtkWidget *
find_first (GtkWidget *root,
            GType      type)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (g_type_is_a (G_OBJECT_TYPE (w), type) && gtk_widget_is_drawable (w))
      return w;

  return NULL;
}

/* The check button of the picker row showing @name. */
static GtkWidget *
find_check (GtkWidget  *list,
            const char *name)
{
  for (GtkWidget *w = list; w != NULL; w = yq_test_next_widget (list, w))
    if (GTK_IS_LABEL (w) && gtk_widget_is_drawable (w) &&
        g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), name) == 0)
      {
        GtkWidget *box = gtk_widget_get_parent (gtk_widget_get_parent (w));
        GtkWidget *check = gtk_widget_get_first_child (box);

        return GTK_IS_CHECK_BUTTON (check) ? check : NULL;
      }

  return NULL;
}

static guint
picker_n_rows (YqDepartmentPicker *picker)
{
  GtkListView *list = CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view");

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list)));
}

static YqDepartmentPicker *
wait_for_picker (void)
{
  YqDepartmentPicker *picker;

  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER) != NULL);
  picker = YQ_DEPARTMENT_PICKER (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (picker)));

  return picker;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  for (GtkWidget *w = root; w != NULL; w = yq_test_next_widget (root, w))
    if (GTK_IS_LABEL (w) && gtk_widget_is_drawable (w) &&
        g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), text) == 0)
      return w;

  return NULL;
}

/* Types @text and waits until the list shows @expected_rows, one of them
 * @shown (unless NULL). */
static void
search_picker (YqDepartmentPicker *picker,
               const char         *text,
               guint               expected_rows,
               const char         *shown)
{
  GtkEditable *entry = CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "search_entry");
  GtkListView *list = CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view");

  gtk_editable_set_text (entry, text);
  /* The search entry reports changes after a short delay. */
  YQ_WAIT_FOR (picker_n_rows (picker) == expected_rows);
  if (shown != NULL)
    YQ_WAIT_FOR (find_label (GTK_WIDGET (list), shown) != NULL);
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_edit_and_save (Fixture       *fixture,
                    gconstpointer  data)
{
  gint64 id = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PRIVATE, FALSE);
  g_autoptr(YqSyncProfile) before = NULL;
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  YqPersonField platform_field, oa_field;
  YqBindingRuleEditor *binding;
  AdwComboRow *platform_row, *oa_row, *email_row, *name_row, *job_row;
  YqDepartmentPicker *picker;
  GtkListView *list;
  GtkWidget *check;
  guint saved;

  put_tree (fixture, id);
  before = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_true (before->auto_bind);
  open_editor (fixture, id, YQ_SYNC_DIRECTION_TO_OA);

  /* Opening writes nothing. */
  g_assert_cmpuint (fixture->saved, ==, 0);
  g_assert_false (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                 "readonly_group")));
  g_assert_true (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                "scope_page")));
  /* Top department and new platform members belong to OA → platform. */
  g_assert_false (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                 "top_group")));
  g_assert_false (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                 "add_members_row")));

  /* Auto-bind. */
  gtk_switch_set_active (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "auto_bind_switch"),
                         FALSE);
  g_assert_cmpuint (fixture->saved, ==, 1);
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_false (profile->auto_bind);
  g_clear_pointer (&profile, yq_sync_profile_free);

  /* The binding rule: job number = job number. */
  binding = CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "binding_editor");
  platform_row = CHILD (binding, YQ_TYPE_BINDING_RULE_EDITOR, "platform_row");
  oa_row = CHILD (binding, YQ_TYPE_BINDING_RULE_EDITOR, "oa_row");
  g_assert_cmpuint (adw_combo_row_get_selected (platform_row), ==, YQ_PERSON_FIELD_MOBILE);
  adw_combo_row_set_selected (platform_row, YQ_PERSON_FIELD_JOB_NUMBER);
  adw_combo_row_set_selected (oa_row, YQ_PERSON_FIELD_JOB_NUMBER);
  yq_binding_rule_get (fixture->store, id, &platform_field, &oa_field, &error);
  g_assert_no_error (error);
  g_assert_cmpint (platform_field, ==, YQ_PERSON_FIELD_JOB_NUMBER);
  g_assert_cmpint (oa_field, ==, YQ_PERSON_FIELD_JOB_NUMBER);
  g_assert_cmpuint (fixture->saved, ==, 3);

  /* Thresholds. */
  gtk_spin_button_set_value (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                    "people_threshold_spin"), 7);
  gtk_switch_set_active (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                "department_unlimited_switch"), TRUE);
  g_assert_false (gtk_widget_get_sensitive (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                   "department_threshold_row")));
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpint (profile->people_threshold, ==, 7);
  g_assert_cmpint (profile->department_threshold, ==, -1);
  g_clear_pointer (&profile, yq_sync_profile_free);

  /* An included department: search the tree, then check it. */
  yq_test_click (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "include_departments_button"));
  picker = wait_for_picker ();
  list = CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view");
  /* The tree opens at its top department. */
  g_assert_cmpuint (picker_n_rows (picker), ==, 1);
  search_picker (picker, "华东", 1, "华东区");
  YQ_WAIT_FOR ((check = find_check (GTK_WIDGET (list), "华东区")) != NULL);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  saved = fixture->saved;
  yq_test_click (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "select_button"));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER) == NULL);
  g_assert_cmpuint (fixture->saved, ==, saved + 1);
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_nonnull (profile->include_departments);
  g_assert_cmpstr (profile->include_departments[0], ==, "d-east");
  g_assert_null (profile->include_departments[1]);
  g_clear_pointer (&profile, yq_sync_profile_free);
  /* Shown by name, with where it is. */
  {
    AdwActionRow *row = find_action_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                "include_departments_group"), "华东区");

    g_assert_nonnull (row);
    g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "总部 / 销售部");
  }

  /* An excluded person from the searchable person list. */
  yq_test_click (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "exclude_people_button"));
  picker = wait_for_picker ();
  list = CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view");
  search_picker (picker, "13800000001", 1, "李雷");
  search_picker (picker, "nobody-by-that-name", 0, NULL);
  search_picker (picker, "李", 1, "李雷");
  YQ_WAIT_FOR ((check = find_check (GTK_WIDGET (list), "李雷")) != NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  yq_test_click (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "select_button"));
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER) == NULL);
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_nonnull (profile->exclude_people);
  g_assert_cmpstr (profile->exclude_people[0], ==, "p-li");
  g_clear_pointer (&profile, yq_sync_profile_free);

  /* A field mapping: leave the OA e-mail alone. */
  email_row = find_combo_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "field_map_group"),
                              yq_person_field_get_label (YQ_PERSON_FIELD_EMAIL));
  g_assert_cmpuint (adw_combo_row_get_selected (email_row), ==, YQ_PERSON_FIELD_EMAIL + 1);
  adw_combo_row_set_selected (email_row, 0);
  /* …and fill the OA title from the job number. */
  adw_combo_row_set_selected (find_combo_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                     "field_map_group"),
                                              yq_person_field_get_label (YQ_PERSON_FIELD_TITLE)),
                              YQ_PERSON_FIELD_JOB_NUMBER + 1);
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_EMAIL], ==, YQ_PERSON_FIELD_NONE);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_TITLE], ==, YQ_PERSON_FIELD_JOB_NUMBER);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_NAME], ==, YQ_PERSON_FIELD_NAME);
  /* Everything else stayed as set above. */
  g_assert_false (profile->auto_bind);
  g_assert_cmpint (profile->people_threshold, ==, 7);
  g_assert_cmpint (profile->department_threshold, ==, -1);
  g_assert_cmpstr (profile->include_departments[0], ==, "d-east");
  g_clear_pointer (&profile, yq_sync_profile_free);

  /* Invalid: leaving the binding field of the OA alone is refused. */
  saved = fixture->saved;
  job_row = find_combo_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "field_map_group"),
                            yq_person_field_get_label (YQ_PERSON_FIELD_JOB_NUMBER));
  adw_combo_row_set_selected (job_row, 0);
  g_assert_cmpuint (fixture->saved, ==, saved);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (job_row), "error"));
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_JOB_NUMBER], ==, YQ_PERSON_FIELD_JOB_NUMBER);
  g_clear_pointer (&profile, yq_sync_profile_free);
  /* …and so is a nameless person. */
  adw_combo_row_set_selected (job_row, YQ_PERSON_FIELD_JOB_NUMBER + 1);
  g_assert_cmpuint (fixture->saved, ==, saved + 1);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (job_row), "error"));
  name_row = find_combo_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "field_map_group"),
                             yq_person_field_get_label (YQ_PERSON_FIELD_NAME));
  adw_combo_row_set_selected (name_row, 0);
  g_assert_cmpuint (fixture->saved, ==, saved + 1);
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_cmpint (profile->field_map[YQ_PERSON_FIELD_NAME], ==, YQ_PERSON_FIELD_NAME);
  g_clear_pointer (&profile, yq_sync_profile_free);
  adw_combo_row_set_selected (name_row, YQ_PERSON_FIELD_NAME + 1);
  g_assert_cmpuint (fixture->saved, ==, saved + 2);

  /* Removing the included department again. */
  {
    AdwActionRow *row = find_action_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                "include_departments_group"), "华东区");
    GtkWidget *remove = NULL;

    /* The Scope page is not the one shown, so nothing on it is drawn. */
    for (GtkWidget *w = GTK_WIDGET (row); w != NULL && remove == NULL;
         w = yq_test_next_widget (GTK_WIDGET (row), w))
      if (GTK_IS_BUTTON (w))
        remove = w;
    g_assert_nonnull (remove);
    yq_test_click (remove);
  }
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_OA);
  g_assert_true (profile->include_departments == NULL || profile->include_departments[0] == NULL);
  g_assert_cmpstr (profile->exclude_people[0], ==, "p-li");
  g_clear_pointer (&profile, yq_sync_profile_free);
  g_assert_null (find_action_row (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                         "include_departments_group"), "华东区"));

  /* Other directions keep their own profile. */
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_true (profile->auto_bind);
  g_assert_cmpint (profile->people_threshold, ==, before->people_threshold);
}

static void
test_top_department (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 id = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PRIVATE, FALSE);
  g_autoptr(YqSyncProfile) profile = NULL;
  YqDepartmentPicker *picker;
  AdwActionRow *top_row;

  put_tree (fixture, id);
  open_editor (fixture, id, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_false (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                 "readonly_group")));
  g_assert_true (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                "top_group")));
  g_assert_true (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                "add_members_row")));
  top_row = CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "top_row");

  /* One department: search, then Enter picks the only match. */
  yq_test_click (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "top_choose_button"));
  picker = wait_for_picker ();
  g_assert_false (gtk_widget_get_sensitive (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER,
                                                   "select_button")));
  g_assert_null (find_first (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view"),
                             GTK_TYPE_CHECK_BUTTON));
  search_picker (picker, "财务", 1, "财务部");
  /* Search results say where they are. */
  g_assert_nonnull (find_label (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view"), "总部"));
  g_signal_emit_by_name (CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "search_entry"), "activate");
  YQ_WAIT_FOR (yq_test_find_window (YQ_TYPE_DEPARTMENT_PICKER) == NULL);

  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_cmpstr (profile->top_department, ==, "d-fin");
  g_clear_pointer (&profile, yq_sync_profile_free);
  g_assert_cmpstr (adw_action_row_get_subtitle (top_row), ==, "总部 / 财务部");
  g_assert_cmpuint (fixture->saved, ==, 1);

  /* Back to the root. */
  yq_test_click (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "top_reset_button"));
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_null (profile->top_department);
  g_clear_pointer (&profile, yq_sync_profile_free);

  /* New members. */
  gtk_switch_set_active (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "add_members_switch"),
                         FALSE);
  profile = get_profile (fixture, id, YQ_SYNC_DIRECTION_TO_PLATFORM);
  g_assert_false (profile->add_new_members);
}

static void
check_readonly (Fixture *fixture,
                gboolean readonly)
{
  GtkWidget *notice = CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR, "readonly_group");

  g_assert_true (gtk_widget_get_visible (notice) == readonly);
  g_assert_true (gtk_widget_is_drawable (notice) == readonly);
  g_assert_true (gtk_widget_get_sensitive (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                  "members_group")) == !readonly);
  g_assert_true (gtk_widget_get_sensitive (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                  "scope_page")) == !readonly);
  g_assert_true (gtk_widget_get_sensitive (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                  "safety_page")) == !readonly);
}

static void
test_readonly (Fixture       *fixture,
               gconstpointer  data)
{
  gint64 zwdd = add_connector (fixture, YQ_CONNECTOR_PRESET_ZWDD_DGWORK, FALSE);
  gint64 yzj_readonly = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PRIVATE, TRUE);

  /* 政务钉钉 cannot be written to… */
  open_editor (fixture, zwdd, YQ_SYNC_DIRECTION_TO_PLATFORM);
  check_readonly (fixture, TRUE);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (CHILD (fixture->editor,
                                                                YQ_TYPE_PROFILE_EDITOR,
                                                                "readonly_row")),
                            "政务钉钉"));
  gtk_window_destroy (GTK_WINDOW (fixture->editor));

  /* …but syncing it to the OA is fine. */
  open_editor (fixture, zwdd, YQ_SYNC_DIRECTION_TO_OA);
  check_readonly (fixture, FALSE);
  gtk_window_destroy (GTK_WINDOW (fixture->editor));

  /* A connector whose directory is marked read-only. */
  open_editor (fixture, yzj_readonly, YQ_SYNC_DIRECTION_TO_PLATFORM);
  check_readonly (fixture, TRUE);
  gtk_window_destroy (GTK_WINDOW (fixture->editor));

  /* Reading it is fine; scope and field mapping do not apply to the copy. */
  open_editor (fixture, yzj_readonly, YQ_SYNC_DIRECTION_FROM_PLATFORM);
  check_readonly (fixture, FALSE);
  g_assert_false (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                 "scope_page")));
  g_assert_false (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                 "fields_page")));
  g_assert_cmpuint (fixture->saved, ==, 0);
}

static void
test_missing_connector (Fixture       *fixture,
                        gconstpointer  data)
{
  open_editor (fixture, 4242, YQ_SYNC_DIRECTION_TO_OA);

  g_assert_true (gtk_widget_get_visible (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                "readonly_group")));
  g_assert_false (gtk_widget_get_sensitive (CHILD (fixture->editor, YQ_TYPE_PROFILE_EDITOR,
                                                   "members_group")));
}

static void
test_picker_tree (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 id = add_connector (fixture, YQ_CONNECTOR_PRESET_YZJ_PRIVATE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(YqOrgSnapshot) tree = NULL;
  g_auto(GStrv) picked = NULL;
  YqDepartmentPicker *picker;
  GtkListView *list;
  GListModel *model;
  const char *preset[] = { "d-fin", "gone", NULL };

  put_tree (fixture, id);
  tree = yq_bridge_directory_snapshot (fixture->store, id, &error);
  g_assert_no_error (error);

  picker = yq_department_picker_new (GTK_WINDOW (fixture->window), tree, TRUE);
  yq_department_picker_set_selected (picker, preset);
  gtk_window_present (GTK_WINDOW (picker));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (picker)));
  list = CHILD (picker, YQ_TYPE_DEPARTMENT_PICKER, "list_view");
  model = G_LIST_MODEL (gtk_list_view_get_model (list));

  /* The top, expanded: its two departments, by order then name. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, 0);

    g_assert_true (gtk_tree_list_row_is_expandable (row));
    gtk_tree_list_row_set_expanded (row, TRUE);
  }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  /* Activating a row (销售部, first by order) toggles it… */
  g_signal_emit_by_name (list, "activate", 1);
  picked = yq_department_picker_get_selected (picker);
  /* …tree order, and an ID not in the tree is kept, last. */
  g_assert_cmpuint (g_strv_length (picked), ==, 3);
  g_assert_cmpstr (picked[0], ==, "d-sales");
  g_assert_cmpstr (picked[1], ==, "d-fin");
  g_assert_cmpstr (picked[2], ==, "gone");
  g_clear_pointer (&picked, g_strfreev);

  /* Activating it again takes it out. */
  g_signal_emit_by_name (list, "activate", 1);
  picked = yq_department_picker_get_selected (picker);
  g_assert_cmpuint (g_strv_length (picked), ==, 2);
  g_assert_cmpstr (picked[0], ==, "d-fin");
  gtk_window_destroy (GTK_WINDOW (picker));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/profile-editor/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("edit-and-save", test_edit_and_save);
  ADD ("top-department", test_top_department);
  ADD ("readonly", test_readonly);
  ADD ("missing-connector", test_missing_connector);
  ADD ("picker-tree", test_picker_tree);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
