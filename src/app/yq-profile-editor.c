/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-profile-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-binding-rule-editor.h"
#include "yq-bridge-directory.h"
#include "yq-department-picker.h"
#include "yq-oa-directory.h"
#include "yq-profile-editor.h"
#include "yq-sync-runs.h"

/* Changes apply as they are made, as in every GNOME preferences window:
 * each change is validated and written at once (profile and binding rule
 * in one transaction), then "saved" is emitted. An invalid change is not
 * written; a toast says what is wrong and the row in question is marked. */

typedef enum
{
  SCOPE_INCLUDE_DEPARTMENTS,
  SCOPE_EXCLUDE_DEPARTMENTS,
  SCOPE_INCLUDE_PEOPLE,
  SCOPE_EXCLUDE_PEOPLE,
  N_SCOPES
} Scope;

struct _YqProfileEditor
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesPage   *general_page;
  AdwPreferencesPage   *scope_page;
  AdwPreferencesPage   *fields_page;
  AdwPreferencesPage   *safety_page;
  AdwPreferencesGroup  *readonly_group;
  AdwActionRow         *readonly_row;
  AdwActionRow         *direction_row;
  AdwPreferencesGroup  *members_group;
  AdwActionRow         *auto_bind_row;
  GtkSwitch            *auto_bind_switch;
  AdwActionRow         *add_members_row;
  GtkSwitch            *add_members_switch;
  YqBindingRuleEditor  *binding_editor;
  AdwPreferencesGroup  *top_group;
  AdwActionRow         *top_row;
  GtkButton            *top_reset_button;
  GtkButton            *top_choose_button;
  AdwPreferencesGroup  *include_departments_group;
  AdwPreferencesGroup  *exclude_departments_group;
  AdwPreferencesGroup  *include_people_group;
  AdwPreferencesGroup  *exclude_people_group;
  GtkButton            *include_departments_button;
  GtkButton            *exclude_departments_button;
  GtkButton            *include_people_button;
  GtkButton            *exclude_people_button;
  AdwPreferencesGroup  *field_map_group;
  AdwActionRow         *people_threshold_row;
  GtkSpinButton        *people_threshold_spin;
  GtkSwitch            *people_unlimited_switch;
  AdwActionRow         *department_threshold_row;
  GtkSpinButton        *department_threshold_spin;
  GtkSwitch            *department_unlimited_switch;

  /* Field map rows, by target field. */
  AdwComboRow          *field_rows[YQ_N_PERSON_FIELDS];
  /* The rows shown in each scope group. */
  GPtrArray            *scope_rows[N_SCOPES];

  YqStore              *store;
  gint64                connector_id;
  YqSyncDirection       direction;
  YqConnector          *connector;
  /* The working copy of the profile; what was last written, plus the
   * change being applied. */
  YqSyncProfile        *profile;
  /* The platform tree (bridge directory) and the OA tree. */
  YqOrgSnapshot        *platform_tree;
  YqOrgSnapshot        *oa_tree;
  /* The toast saying why the last change was not saved. */
  AdwToast             *error_toast;

  guint                 loaded : 1;
  guint                 loading : 1;
  guint                 readonly : 1;
  guint                 failed : 1;
};

G_DEFINE_FINAL_TYPE (YqProfileEditor, yq_profile_editor, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void apply (YqProfileEditor *self);

/* ---- Helpers ------------------------------------------------------------ */

static gboolean
source_is_platform (YqProfileEditor *self)
{
  return self->direction != YQ_SYNC_DIRECTION_TO_PLATFORM;
}

/* The tree scope lists speak of: the side that leads. */
static YqOrgSnapshot *
get_source_tree (YqProfileEditor *self)
{
  return source_is_platform (self) ? self->platform_tree : self->oa_tree;
}

static char ***
get_scope_list (YqProfileEditor *self,
                Scope            scope)
{
  switch (scope)
    {
    case SCOPE_INCLUDE_DEPARTMENTS:
      return &self->profile->include_departments;
    case SCOPE_EXCLUDE_DEPARTMENTS:
      return &self->profile->exclude_departments;
    case SCOPE_INCLUDE_PEOPLE:
      return &self->profile->include_people;
    case SCOPE_EXCLUDE_PEOPLE:
    case N_SCOPES:
    default:
      return &self->profile->exclude_people;
    }
}

static AdwPreferencesGroup *
get_scope_group (YqProfileEditor *self,
                 Scope            scope)
{
  AdwPreferencesGroup *groups[N_SCOPES] = {
    self->include_departments_group,
    self->exclude_departments_group,
    self->include_people_group,
    self->exclude_people_group,
  };

  return groups[scope];
}

static gboolean
scope_is_people (Scope scope)
{
  return scope == SCOPE_INCLUDE_PEOPLE || scope == SCOPE_EXCLUDE_PEOPLE;
}

/* "Head office / Finance", the departments above @id. */
static char *
get_department_path (YqOrgSnapshot *tree,
                     const char    *id)
{
  YqOrgDepartment *dept = yq_org_snapshot_lookup_department (tree, id);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GString *path = g_string_new (NULL);

  /* Guard against cycles in a damaged tree. */
  for (guint depth = 0; dept != NULL && dept->parent_id != NULL && depth < 64; depth++)
    {
      dept = yq_org_snapshot_lookup_department (tree, dept->parent_id);
      if (dept != NULL)
        g_ptr_array_insert (names, 0, dept->name);
    }

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (path, " / ");
      g_string_append (path, g_ptr_array_index (names, i));
    }

  return g_string_free (path, FALSE);
}

static AdwToast *
show_toast (YqProfileEditor *self,
            const char      *text,
            guint            timeout)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, timeout);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);

  return toast;
}

static void
dismiss_error (YqProfileEditor *self)
{
  if (self->error_toast != NULL)
    adw_toast_dismiss (self->error_toast);
  g_clear_object (&self->error_toast);
}

static void
mark_error (GtkWidget *row,
            gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* ---- Field map ---------------------------------------------------------- */

/* Combo position 0 is "leave alone", then the fields in order. */
static YqPersonField
get_field_row_value (AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected == 0 || selected > YQ_N_PERSON_FIELDS)
    return YQ_PERSON_FIELD_NONE;

  return (YqPersonField) (selected - 1);
}

static void
changed_cb (YqProfileEditor *self)
{
  if (self->loading || !self->loaded)
    return;

  apply (self);
}

static void
build_field_rows (YqProfileEditor *self)
{
  for (int target = 0; target < YQ_N_PERSON_FIELDS; target++)
    {
      g_autoptr(GtkStringList) sources = gtk_string_list_new (NULL);
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());

      gtk_string_list_append (sources, yq_person_field_get_label (YQ_PERSON_FIELD_NONE));
      for (int source = 0; source < YQ_N_PERSON_FIELDS; source++)
        gtk_string_list_append (sources, yq_person_field_get_label (source));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), yq_person_field_get_label (target));
      adw_combo_row_set_model (row, G_LIST_MODEL (sources));
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (changed_cb), self);
      adw_preferences_group_add (self->field_map_group, GTK_WIDGET (row));
      self->field_rows[target] = row;
    }
}

/* ---- Scope lists -------------------------------------------------------- */

static void scope_add_clicked (YqProfileEditor *self,
                               Scope            scope);

static void
remove_clicked_cb (GtkButton       *button,
                   YqProfileEditor *self)
{
  Scope scope = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "yq-scope"));
  const char *id = g_object_get_data (G_OBJECT (button), "yq-id");
  char ***list = get_scope_list (self, scope);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; *list != NULL && (*list)[i] != NULL; i++)
    if (g_strcmp0 ((*list)[i], id) != 0)
      g_strv_builder_add (builder, (*list)[i]);

  g_strfreev (*list);
  *list = g_strv_builder_end (builder);

  /* The row goes away with the button; apply once it is gone. */
  g_object_ref (self);
  apply (self);
  g_object_unref (self);
}

static GtkWidget *
make_scope_row (YqProfileEditor *self,
                Scope            scope,
                const char      *id)
{
  YqOrgSnapshot *tree = get_source_tree (self);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *subtitle = NULL;
  g_autofree char *tooltip = NULL;
  const char *title = id;

  if (scope_is_people (scope))
    {
      YqOrgPerson *person = yq_org_snapshot_lookup_person (tree, id);

      if (person != NULL)
        {
          YqOrgDepartment *dept = NULL;

          title = person->name;
          if (person->department_ids != NULL && person->department_ids[0] != NULL)
            dept = yq_org_snapshot_lookup_department (tree, person->department_ids[0]);
          subtitle = dept != NULL ? g_strdup (dept->name) : g_strdup (id);
        }
    }
  else
    {
      YqOrgDepartment *dept = yq_org_snapshot_lookup_department (tree, id);

      if (dept != NULL)
        {
          title = dept->name;
          subtitle = get_department_path (tree, id);
        }
    }

  if (title == id)
    /* Translators: %s is a department or person ID. */
    subtitle = g_strdup_printf (_("%s — not in the directory (any more); it has no effect"), id);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL && subtitle[0] != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* Translators: tooltip of the button that takes a department or a person
   * out of a scope list; %s is its name. */
  tooltip = g_strdup_printf (_("Remove “%s”"), title);
  gtk_widget_set_tooltip_text (remove, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data (G_OBJECT (remove), "yq-scope", GUINT_TO_POINTER (scope));
  g_object_set_data_full (G_OBJECT (remove), "yq-id", g_strdup (id), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

static void
update_scope (YqProfileEditor *self)
{
  const char *empty_text[N_SCOPES] = {
    N_("All departments"),
    N_("None"),
    N_("None beyond the included departments"),
    N_("None"),
  };

  for (Scope scope = 0; scope < N_SCOPES; scope++)
    {
      AdwPreferencesGroup *group = get_scope_group (self, scope);
      GPtrArray *rows = self->scope_rows[scope];
      char **list = *get_scope_list (self, scope);

      for (guint i = 0; i < rows->len; i++)
        adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
      g_ptr_array_set_size (rows, 0);

      for (guint i = 0; list != NULL && list[i] != NULL; i++)
        {
          GtkWidget *row = make_scope_row (self, scope, list[i]);

          adw_preferences_group_add (group, row);
          g_ptr_array_add (rows, row);
        }

      if (rows->len == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(empty_text[scope]));
          gtk_widget_add_css_class (row, "dim-label");
          adw_preferences_group_add (group, row);
          g_ptr_array_add (rows, row);
        }
    }
}

static void
scope_picked_cb (YqDepartmentPicker *picker,
                 YqProfileEditor    *self)
{
  Scope scope = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picker), "yq-scope"));
  char ***list = get_scope_list (self, scope);

  g_strfreev (*list);
  *list = yq_department_picker_get_selected (picker);
  apply (self);
}

static void
scope_add_clicked (YqProfileEditor *self,
                   Scope            scope)
{
  YqOrgSnapshot *tree = get_source_tree (self);
  YqDepartmentPicker *picker;

  if (scope_is_people (scope))
    picker = yq_department_picker_new_for_people (GTK_WINDOW (self), tree);
  else
    picker = yq_department_picker_new (GTK_WINDOW (self), tree, TRUE);

  gtk_window_set_modal (GTK_WINDOW (picker), TRUE);
  yq_department_picker_set_selected (picker, (const char * const *) *get_scope_list (self, scope));
  g_object_set_data (G_OBJECT (picker), "yq-scope", GUINT_TO_POINTER (scope));
  g_signal_connect_object (picker, "picked", G_CALLBACK (scope_picked_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
add_clicked_cb (YqProfileEditor *self,
                GtkButton       *button)
{
  GtkButton *buttons[N_SCOPES] = {
    self->include_departments_button,
    self->exclude_departments_button,
    self->include_people_button,
    self->exclude_people_button,
  };

  for (Scope scope = 0; scope < N_SCOPES; scope++)
    if (buttons[scope] == button)
      scope_add_clicked (self, scope);
}

/* ---- Top department ----------------------------------------------------- */

static void
update_top (YqProfileEditor *self)
{
  const char *id = self->profile->top_department;
  YqOrgDepartment *dept = NULL;
  g_autofree char *subtitle = NULL;

  if (id == NULL || id[0] == '\0')
    {
      adw_action_row_set_subtitle (self->top_row, _("The root of the platform directory (default)"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->top_reset_button), FALSE);
      return;
    }

  dept = yq_org_snapshot_lookup_department (self->platform_tree, id);
  if (dept != NULL)
    {
      g_autofree char *path = get_department_path (self->platform_tree, id);

      subtitle = path[0] != '\0' ? g_strdup_printf ("%s / %s", path, dept->name)
                                 : g_strdup (dept->name);
    }
  else
    {
      /* Translators: %s is a department ID. */
      subtitle = g_strdup_printf (_("%s — not in the bridge directory; refresh it from the platform"),
                                  id);
    }

  adw_action_row_set_subtitle (self->top_row, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->top_reset_button), TRUE);
}

static void
top_picked_cb (YqDepartmentPicker *picker,
               YqProfileEditor    *self)
{
  g_auto(GStrv) picked = yq_department_picker_get_selected (picker);

  g_clear_pointer (&self->profile->top_department, g_free);
  if (picked[0] != NULL)
    self->profile->top_department = g_strdup (picked[0]);
  apply (self);
}

static void
top_choose_clicked_cb (YqProfileEditor *self)
{
  YqDepartmentPicker *picker = yq_department_picker_new (GTK_WINDOW (self), self->platform_tree, FALSE);
  const char *current[] = { self->profile->top_department, NULL };

  gtk_window_set_modal (GTK_WINDOW (picker), TRUE);
  yq_department_picker_set_selected (picker, current);
  g_signal_connect_object (picker, "picked", G_CALLBACK (top_picked_cb), self, 0);
  gtk_window_present (GTK_WINDOW (picker));
}

static void
top_reset_clicked_cb (YqProfileEditor *self)
{
  g_clear_pointer (&self->profile->top_department, g_free);
  apply (self);
}

/* ---- Load, validate, write ---------------------------------------------- */

static void
update_sensitivity (YqProfileEditor *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->people_threshold_row),
                            !gtk_switch_get_active (self->people_unlimited_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->department_threshold_row),
                            !gtk_switch_get_active (self->department_unlimited_switch));
}

/* Shows the working profile in the widgets. */
static void
show_profile (YqProfileEditor *self)
{
  const YqSyncProfile *profile = self->profile;

  self->loading = TRUE;

  gtk_switch_set_active (self->auto_bind_switch, profile->auto_bind);
  gtk_switch_set_active (self->add_members_switch, profile->add_new_members);

  for (int target = 0; target < YQ_N_PERSON_FIELDS; target++)
    {
      YqPersonField source = profile->field_map[target];

      adw_combo_row_set_selected (self->field_rows[target],
                                  source >= 0 && source < YQ_N_PERSON_FIELDS ? (guint) source + 1 : 0);
    }

  gtk_switch_set_active (self->people_unlimited_switch, profile->people_threshold < 0);
  if (profile->people_threshold >= 0)
    gtk_spin_button_set_value (self->people_threshold_spin, profile->people_threshold);
  gtk_switch_set_active (self->department_unlimited_switch, profile->department_threshold < 0);
  if (profile->department_threshold >= 0)
    gtk_spin_button_set_value (self->department_threshold_spin, profile->department_threshold);

  self->loading = FALSE;

  update_top (self);
  update_scope (self);
  update_sensitivity (self);
}

/* Reads the widgets into the working profile (the scope lists and the top
 * department are kept there directly). */
static void
read_form (YqProfileEditor *self)
{
  YqSyncProfile *profile = self->profile;

  profile->auto_bind = gtk_switch_get_active (self->auto_bind_switch);
  profile->add_new_members = gtk_switch_get_active (self->add_members_switch);
  yq_binding_rule_editor_get_rule (self->binding_editor,
                                   &profile->binding_platform_field,
                                   &profile->binding_oa_field);

  for (int target = 0; target < YQ_N_PERSON_FIELDS; target++)
    profile->field_map[target] = get_field_row_value (self->field_rows[target]);

  profile->people_threshold = gtk_switch_get_active (self->people_unlimited_switch)
                                ? -1 : gtk_spin_button_get_value_as_int (self->people_threshold_spin);
  profile->department_threshold = gtk_switch_get_active (self->department_unlimited_switch)
                                    ? -1 : gtk_spin_button_get_value_as_int (self->department_threshold_spin);
}

static gboolean
validate (YqProfileEditor  *self,
          GError          **error)
{
  const YqSyncProfile *profile = self->profile;
  YqPersonField target_binding;

  for (int target = 0; target < YQ_N_PERSON_FIELDS; target++)
    mark_error (GTK_WIDGET (self->field_rows[target]), FALSE);

  /* Copying the platform into the bridge directory copies every field. */
  if (self->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM)
    return TRUE;

  if (profile->field_map[YQ_PERSON_FIELD_NAME] == YQ_PERSON_FIELD_NONE)
    {
      mark_error (GTK_WIDGET (self->field_rows[YQ_PERSON_FIELD_NAME]), TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Not saved: every person needs a name. Choose the field that fills “%s” in "
                     "User Field Mapping."),
                   yq_person_field_get_label (YQ_PERSON_FIELD_NAME));
      return FALSE;
    }

  if (!profile->add_new_members)
    return TRUE;

  /* New people must carry the target side of the binding rule, or they
   * could never be bound; new OA people also need an account. */
  target_binding = source_is_platform (self) ? profile->binding_oa_field
                                             : profile->binding_platform_field;
  if (target_binding != YQ_PERSON_FIELD_NONE &&
      profile->field_map[target_binding] == YQ_PERSON_FIELD_NONE)
    {
      mark_error (GTK_WIDGET (self->field_rows[target_binding]), TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   source_is_platform (self)
                     ? _("Not saved: “%s” is the OA side of the binding rule, but the field mapping "
                         "leaves it alone, so new OA people could never be bound. Choose the field "
                         "that fills it in User Field Mapping, or change the binding rule.")
                     : _("Not saved: “%s” is the platform side of the binding rule, but the field "
                         "mapping leaves it alone, so new platform people could never be bound. "
                         "Choose the field that fills it in User Field Mapping, or change the "
                         "binding rule."),
                   yq_person_field_get_label (target_binding));
      return FALSE;
    }

  if (source_is_platform (self) &&
      profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE] == YQ_PERSON_FIELD_NONE)
    {
      mark_error (GTK_WIDGET (self->field_rows[YQ_PERSON_FIELD_ACCOUNT_CODE]), TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Not saved: new OA people need an account, but the field mapping leaves "
                     "“%s” alone. Choose the field that fills it in User Field Mapping."),
                   yq_person_field_get_label (YQ_PERSON_FIELD_ACCOUNT_CODE));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_cb (YqStore  *store,
          gpointer  user_data,
          GError  **error)
{
  YqProfileEditor *self = user_data;

  return yq_sync_profiles_set (store, self->connector_id, self->direction, self->profile, error) &&
         yq_binding_rule_editor_save (self->binding_editor, error);
}

static void
apply (YqProfileEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->loaded || self->loading)
    return;

  read_form (self);
  update_top (self);
  update_scope (self);
  update_sensitivity (self);

  if (!validate (self, &error) ||
      !yq_store_transaction (self->store, write_cb, self, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        text = g_strdup (error->message);
      else
        text = g_strdup_printf (_("The sync profile could not be saved: %s"), error->message);

      g_debug ("%s", text);
      dismiss_error (self);
      self->error_toast = g_object_ref (show_toast (self, text, 0));
      self->failed = TRUE;
      return;
    }

  if (self->failed)
    {
      dismiss_error (self);
      show_toast (self, _("Saved"), 2);
    }
  self->failed = FALSE;

  g_signal_emit (self, signals[SAVED], 0);
}

static YqOrgSnapshot *
load_tree (YqProfileEditor *self,
           gboolean         platform,
           GPtrArray       *problems)
{
  g_autoptr(GError) error = NULL;
  YqOrgSnapshot *tree;

  if (platform)
    {
      tree = yq_bridge_directory_snapshot (self->store, self->connector_id, &error);
    }
  else
    {
      g_autoptr(YqOaDirectory) oa = yq_builtin_oa_directory_new (self->store);

      tree = yq_oa_directory_snapshot (oa, &error);
    }

  if (tree == NULL)
    {
      g_ptr_array_add (problems,
                       g_strdup_printf (platform ? _("The platform tree could not be read: %s")
                                                 : _("The OA tree could not be read: %s"),
                                        error->message));
      tree = yq_org_snapshot_new (NULL);
    }

  return tree;
}

static void
set_notice (YqProfileEditor *self,
            const char      *title,
            const char      *subtitle)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->readonly_row), title);
  adw_action_row_set_subtitle (self->readonly_row, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->readonly_group), TRUE);
}

static void
set_editable (YqProfileEditor *self,
              gboolean         editable)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->members_group), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->binding_editor), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->top_group), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scope_page), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fields_page), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->safety_page), editable);
}

static void
show_direction (YqProfileEditor *self)
{
  const char *platform = yq_platform_kind_get_display_name (yq_connector_get_kind (self->connector));
  g_autofree char *title = NULL;
  const char *subtitle = NULL;

  switch (self->direction)
    {
    case YQ_SYNC_DIRECTION_FROM_PLATFORM:
      /* Translators: %s is the platform, e.g. 云之家. */
      title = g_strdup_printf (_("%s → bridge directory"), platform);
      subtitle = _("Copies the platform’s departments and people into the bridge directory, "
                   "the bridge’s own copy. The OA is not touched. The copy is always whole: "
                   "scope and field mapping apply when syncing to the OA.");
      break;

    case YQ_SYNC_DIRECTION_TO_OA:
      /* Translators: “Sync to OA”; %s is the platform, e.g. 云之家. */
      title = g_strdup_printf (_("Sync to OA: %s → bridge → OA"), platform);
      subtitle = _("First refreshes the bridge directory from the platform, then creates, "
                   "updates and disables OA departments and people so that the OA follows the "
                   "platform within the scope. Linked departments are renamed or moved, never "
                   "deleted and created again.");
      break;

    case YQ_SYNC_DIRECTION_TO_PLATFORM:
    default:
      /* Translators: %s is the platform, e.g. 云之家. */
      title = g_strdup_printf (_("OA → bridge → %s"), platform);
      subtitle = _("Writes the OA’s departments and people to the platform, under the top "
                   "department. A platform → bridge refresh of the bindings always runs first. "
                   "Linked data that falls out of scope is removed from the platform; unlinked "
                   "data is never touched.");
      break;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->direction_row), title);
  adw_action_row_set_subtitle (self->direction_row, subtitle);

  /* What only some directions use. */
  gtk_widget_set_visible (GTK_WIDGET (self->add_members_row),
                          self->direction == YQ_SYNC_DIRECTION_TO_PLATFORM);
  gtk_widget_set_visible (GTK_WIDGET (self->top_group),
                          self->direction == YQ_SYNC_DIRECTION_TO_PLATFORM);
  gtk_widget_set_visible (GTK_WIDGET (self->scope_page),
                          self->direction != YQ_SYNC_DIRECTION_FROM_PLATFORM);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_page),
                          self->direction != YQ_SYNC_DIRECTION_FROM_PLATFORM);

  adw_preferences_group_set_description (self->field_map_group,
                                         source_is_platform (self)
                                           ? _("For each OA field, the platform field that fills it. "
                                               "Fields left alone keep their OA value.")
                                           : _("For each platform field, the OA field that fills it. "
                                               "Fields left alone keep their platform value."));
  adw_preferences_group_set_description (self->include_departments_group,
                                         source_is_platform (self)
                                           ? _("Platform departments whose subtrees are synced. "
                                               "With none, the whole tree is.")
                                           : _("OA departments whose subtrees are synced. "
                                               "With none, the whole tree is."));
}

static void
load (YqProfileEditor *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *window_title = NULL;

  self->connector = yq_connectors_get (self->store, self->connector_id, &error);
  if (self->connector == NULL)
    {
      set_notice (self, _("The connector could not be loaded"), error->message);
      set_editable (self, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->direction_row), FALSE);
      return;
    }

  /* Translators: window title; %s is the connector's name. */
  window_title = g_strdup_printf (_("Sync Profile — %s"), yq_connector_get_name (self->connector));
  gtk_window_set_title (GTK_WINDOW (self), window_title);
  show_direction (self);

  self->profile = yq_sync_profiles_get (self->store, self->connector_id, self->direction, &error);
  if (self->profile == NULL)
    {
      set_notice (self, _("The sync profile could not be loaded"), error->message);
      set_editable (self, FALSE);
      return;
    }

  yq_binding_rule_editor_load (self->binding_editor, self->store, self->connector_id);
  self->platform_tree = load_tree (self, TRUE, problems);
  self->oa_tree = load_tree (self, FALSE, problems);
  show_profile (self);
  self->loaded = TRUE;

  if (self->direction == YQ_SYNC_DIRECTION_TO_PLATFORM &&
      yq_connector_get_kind (self->connector) == YQ_PLATFORM_KIND_ZWDD)
    {
      self->readonly = TRUE;
      set_notice (self, _("The platform directory is read-only"),
                  _("政务钉钉’s directory API cannot be written, so nothing can be synced to the "
                    "platform. Use “Sync to OA” to bring the platform’s organisation into the OA."));
    }
  else if (self->direction == YQ_SYNC_DIRECTION_TO_PLATFORM &&
           yq_connector_get_directory_readonly (self->connector))
    {
      self->readonly = TRUE;
      set_notice (self, _("The platform directory is read-only"),
                  _("This connector’s directory is marked read-only, so this direction would "
                    "change nothing. Turn off “Read-only directory” in the connector’s settings "
                    "to write to the platform."));
    }

  if (self->readonly)
    set_editable (self, FALSE);

  if (problems->len > 0)
    {
      g_ptr_array_add (problems, NULL);
      g_autofree char *text = g_strjoinv ("\n", (char **) problems->pdata);

      show_toast (self, text, 0);
    }
}

/* ---- GObject ------------------------------------------------------------ */

static void
yq_profile_editor_dispose (GObject *object)
{
  YqProfileEditor *self = YQ_PROFILE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_PROFILE_EDITOR);

  g_clear_object (&self->platform_tree);
  g_clear_object (&self->oa_tree);
  g_clear_object (&self->connector);
  g_clear_object (&self->store);
  g_clear_object (&self->error_toast);

  G_OBJECT_CLASS (yq_profile_editor_parent_class)->dispose (object);
}

static void
yq_profile_editor_finalize (GObject *object)
{
  YqProfileEditor *self = YQ_PROFILE_EDITOR (object);

  g_clear_pointer (&self->profile, yq_sync_profile_free);
  for (Scope scope = 0; scope < N_SCOPES; scope++)
    g_clear_pointer (&self->scope_rows[scope], g_ptr_array_unref);

  G_OBJECT_CLASS (yq_profile_editor_parent_class)->finalize (object);
}

static void
yq_profile_editor_class_init (YqProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_profile_editor_dispose;
  object_class->finalize = yq_profile_editor_finalize;

  /**
   * YqProfileEditor::saved:
   *
   * The profile and the binding rule were written to the store.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (YQ_TYPE_BINDING_RULE_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yunqiao/Yunqiao/yq-profile-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, general_page);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, scope_page);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, fields_page);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, safety_page);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, readonly_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, readonly_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, direction_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, members_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, auto_bind_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, auto_bind_switch);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, add_members_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, add_members_switch);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, binding_editor);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, top_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, top_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, top_reset_button);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, top_choose_button);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, include_departments_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, exclude_departments_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, include_people_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, exclude_people_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, include_departments_button);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, exclude_departments_button);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, include_people_button);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, exclude_people_button);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, field_map_group);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, people_threshold_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, people_threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, people_unlimited_switch);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, department_threshold_row);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, department_threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, YqProfileEditor, department_unlimited_switch);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, top_choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, top_reset_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
yq_profile_editor_init (YqProfileEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (Scope scope = 0; scope < N_SCOPES; scope++)
    self->scope_rows[scope] = g_ptr_array_new ();

  build_field_rows (self);
}

/**
 * yq_profile_editor_new:
 * @parent: (nullable): the window to stay on top of
 * @store: the store holding the connector
 * @connector_id: the connector
 * @direction: the direction whose profile is edited
 *
 * Loads the profile, the binding rule and the trees at once; what cannot
 * be loaded is said in the window.
 *
 * Returns: (transfer floating): the editor, not yet shown
 */
YqProfileEditor *
yq_profile_editor_new (GtkWindow       *parent,
                       YqStore         *store,
                       gint64           connector_id,
                       YqSyncDirection  direction)
{
  YqProfileEditor *self;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (direction < YQ_N_SYNC_DIRECTIONS, NULL);

  self = g_object_new (YQ_TYPE_PROFILE_EDITOR,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);
  self->connector_id = connector_id;
  self->direction = direction;
  load (self);

  return self;
}

gint64
yq_profile_editor_get_connector_id (YqProfileEditor *self)
{
  g_return_val_if_fail (YQ_IS_PROFILE_EDITOR (self), 0);

  return self->connector_id;
}

YqSyncDirection
yq_profile_editor_get_direction (YqProfileEditor *self)
{
  g_return_val_if_fail (YQ_IS_PROFILE_EDITOR (self), YQ_SYNC_DIRECTION_FROM_PLATFORM);

  return self->direction;
}
