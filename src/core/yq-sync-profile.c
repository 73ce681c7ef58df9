/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-sync-profile"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "yq-sync-profile.h"

G_DEFINE_BOXED_TYPE (YqSyncProfile, yq_sync_profile, yq_sync_profile_copy, yq_sync_profile_free)

static const char * const direction_names[YQ_N_SYNC_DIRECTIONS] = {
  [YQ_SYNC_DIRECTION_FROM_PLATFORM] = "from-platform",
  [YQ_SYNC_DIRECTION_TO_OA] = "to-oa",
  [YQ_SYNC_DIRECTION_TO_PLATFORM] = "to-platform",
};

/* The member names of #YqOrgPerson. */
static const char * const field_names[YQ_N_PERSON_FIELDS] = {
  [YQ_PERSON_FIELD_NAME] = "name",
  [YQ_PERSON_FIELD_MOBILE] = "mobile",
  [YQ_PERSON_FIELD_EMAIL] = "email",
  [YQ_PERSON_FIELD_JOB_NUMBER] = "job_number",
  [YQ_PERSON_FIELD_TITLE] = "title",
  [YQ_PERSON_FIELD_ACCOUNT_CODE] = "account_code",
};

YqSyncProfile *
yq_sync_profile_new (void)
{
  YqSyncProfile *profile = g_new0 (YqSyncProfile, 1);

  profile->add_new_members = TRUE;
  profile->auto_bind = TRUE;
  profile->binding_platform_field = YQ_PERSON_FIELD_MOBILE;
  profile->binding_oa_field = YQ_PERSON_FIELD_MOBILE;
  for (guint i = 0; i < YQ_N_PERSON_FIELDS; i++)
    profile->field_map[i] = (YqPersonField) i;
  profile->people_threshold = 50;
  profile->department_threshold = 10;

  return profile;
}

YqSyncProfile *
yq_sync_profile_copy (const YqSyncProfile *profile)
{
  YqSyncProfile *copy;

  g_return_val_if_fail (profile != NULL, NULL);

  copy = g_new0 (YqSyncProfile, 1);
  *copy = *profile;
  copy->top_department = g_strdup (profile->top_department);
  copy->include_departments = g_strdupv (profile->include_departments);
  copy->exclude_departments = g_strdupv (profile->exclude_departments);
  copy->include_people = g_strdupv (profile->include_people);
  copy->exclude_people = g_strdupv (profile->exclude_people);

  return copy;
}

void
yq_sync_profile_free (YqSyncProfile *profile)
{
  if (profile == NULL)
    return;

  g_free (profile->top_department);
  g_strfreev (profile->include_departments);
  g_strfreev (profile->exclude_departments);
  g_strfreev (profile->include_people);
  g_strfreev (profile->exclude_people);
  g_free (profile);
}

const char *
yq_sync_direction_to_string (YqSyncDirection direction)
{
  g_return_val_if_fail ((guint) direction < YQ_N_SYNC_DIRECTIONS, NULL);

  return direction_names[direction];
}

gboolean
yq_sync_direction_from_string (const char      *text,
                               YqSyncDirection *direction)
{
  g_return_val_if_fail (direction != NULL, FALSE);

  for (guint i = 0; text != NULL && i < YQ_N_SYNC_DIRECTIONS; i++)
    {
      if (g_str_equal (text, direction_names[i]))
        {
          *direction = (YqSyncDirection) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
yq_person_field_to_string (YqPersonField field)
{
  if (field == YQ_PERSON_FIELD_NONE)
    return "none";

  g_return_val_if_fail ((guint) field < YQ_N_PERSON_FIELDS, NULL);

  return field_names[field];
}

gboolean
yq_person_field_from_string (const char    *text,
                             YqPersonField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  if (g_str_equal (text, "none"))
    {
      *field = YQ_PERSON_FIELD_NONE;
      return TRUE;
    }

  for (guint i = 0; i < YQ_N_PERSON_FIELDS; i++)
    {
      if (g_str_equal (text, field_names[i]))
        {
          *field = (YqPersonField) i;
          return TRUE;
        }
    }

  /* What people type on a command line. */
  if (g_str_equal (text, "account"))
    {
      *field = YQ_PERSON_FIELD_ACCOUNT_CODE;
      return TRUE;
    }
  if (g_str_equal (text, "job-number"))
    {
      *field = YQ_PERSON_FIELD_JOB_NUMBER;
      return TRUE;
    }

  return FALSE;
}

const char *
yq_org_person_get_field (const YqOrgPerson *person,
                         YqPersonField      field)
{
  g_return_val_if_fail (person != NULL, NULL);

  switch (field)
    {
    case YQ_PERSON_FIELD_NAME:
      return person->name;
    case YQ_PERSON_FIELD_MOBILE:
      return person->mobile;
    case YQ_PERSON_FIELD_EMAIL:
      return person->email;
    case YQ_PERSON_FIELD_JOB_NUMBER:
      return person->job_number;
    case YQ_PERSON_FIELD_TITLE:
      return person->title;
    case YQ_PERSON_FIELD_ACCOUNT_CODE:
      return person->account_code;
    case YQ_PERSON_FIELD_NONE:
    default:
      return NULL;
    }
}

void
yq_org_person_set_field (YqOrgPerson   *person,
                         YqPersonField  field,
                         const char    *value)
{
  char **slot;

  g_return_if_fail (person != NULL);
  g_return_if_fail ((guint) field < YQ_N_PERSON_FIELDS);

  switch (field)
    {
    case YQ_PERSON_FIELD_NAME:
      /* A name is never NULL (see yq_org_person_new()). */
      if (value == NULL)
        value = "";
      slot = &person->name;
      break;
    case YQ_PERSON_FIELD_MOBILE:
      slot = &person->mobile;
      break;
    case YQ_PERSON_FIELD_EMAIL:
      slot = &person->email;
      break;
    case YQ_PERSON_FIELD_JOB_NUMBER:
      slot = &person->job_number;
      break;
    case YQ_PERSON_FIELD_TITLE:
      slot = &person->title;
      break;
    case YQ_PERSON_FIELD_ACCOUNT_CODE:
      slot = &person->account_code;
      break;
    case YQ_PERSON_FIELD_NONE:
    default:
      g_assert_not_reached ();
    }

  if (*slot != value)
    {
      g_free (*slot);
      *slot = g_strdup (value);
    }
}

/* JSON */

static void
add_strv (JsonBuilder *builder,
          const char  *member,
          char       **strv)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

char *
yq_sync_profile_to_json (const YqSyncProfile *profile)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (profile != NULL, NULL);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "top_department");
  if (profile->top_department != NULL)
    json_builder_add_string_value (builder, profile->top_department);
  else
    json_builder_add_null_value (builder);

  add_strv (builder, "include_departments", profile->include_departments);
  add_strv (builder, "exclude_departments", profile->exclude_departments);
  add_strv (builder, "include_people", profile->include_people);
  add_strv (builder, "exclude_people", profile->exclude_people);

  json_builder_set_member_name (builder, "add_new_members");
  json_builder_add_boolean_value (builder, profile->add_new_members);
  json_builder_set_member_name (builder, "auto_bind");
  json_builder_add_boolean_value (builder, profile->auto_bind);
  json_builder_set_member_name (builder, "binding_platform_field");
  json_builder_add_string_value (builder,
                                 yq_person_field_to_string (profile->binding_platform_field));
  json_builder_set_member_name (builder, "binding_oa_field");
  json_builder_add_string_value (builder, yq_person_field_to_string (profile->binding_oa_field));

  json_builder_set_member_name (builder, "field_map");
  json_builder_begin_object (builder);
  for (guint i = 0; i < YQ_N_PERSON_FIELDS; i++)
    {
      json_builder_set_member_name (builder, field_names[i]);
      json_builder_add_string_value (builder, yq_person_field_to_string (profile->field_map[i]));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "people_threshold");
  json_builder_add_int_value (builder, profile->people_threshold);
  json_builder_set_member_name (builder, "department_threshold");
  json_builder_add_int_value (builder, profile->department_threshold);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static gboolean
invalid (GError     **error,
         const char  *member,
         const char  *expected)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* TRANSLATORS: the first %s is a JSON member name, the second says
                * what it must be, e.g. "an integer (-1 for no limit)" */
               _("Sync profile member “%s” must be %s"), member, expected);
  return FALSE;
}

static gboolean
is_value_of_type (JsonNode *node,
                  GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static gboolean
read_strv (JsonNode    *node,
           const char  *member,
           char      ***out,
           GError     **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (out, g_strfreev);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, member, _("an array of strings"));

  array = json_node_get_array (node);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!is_value_of_type (element, G_TYPE_STRING))
        return invalid (error, member, _("an array of strings"));
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);

  return TRUE;
}

static gboolean
read_bool (JsonNode    *node,
           const char  *member,
           gboolean    *out,
           GError     **error)
{
  if (!is_value_of_type (node, G_TYPE_BOOLEAN))
    return invalid (error, member, _("true or false"));

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_field (JsonNode       *node,
            const char     *member,
            YqPersonField  *out,
            GError        **error)
{
  if (!is_value_of_type (node, G_TYPE_STRING) ||
      !yq_person_field_from_string (json_node_get_string (node), out))
    return invalid (error, member,
                    _("one of “none”, “name”, “mobile”, “email”, “job_number”, “title”, "
                      "“account_code”"));

  return TRUE;
}

static gboolean
read_threshold (JsonNode    *node,
                const char  *member,
                gint        *out,
                GError     **error)
{
  gint64 value;

  if (!is_value_of_type (node, G_TYPE_INT64))
    return invalid (error, member, _("an integer (-1 for no limit)"));

  value = json_node_get_int (node);
  if (value < -1 || value > G_MAXINT)
    return invalid (error, member, _("an integer (-1 for no limit)"));

  *out = (gint) value;
  return TRUE;
}

static gboolean
read_field_map (JsonNode       *node,
                YqSyncProfile  *profile,
                GError        **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, "field_map", _("an object"));

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      YqPersonField target;
      g_autofree char *qualified = g_strconcat ("field_map.", member, NULL);

      if (!yq_person_field_from_string (member, &target) || target == YQ_PERSON_FIELD_NONE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Unknown sync profile member “%s”"), qualified);
          return FALSE;
        }

      if (!read_field (json_object_get_member (object, member), qualified,
                       &profile->field_map[target], error))
        return FALSE;
    }

  return TRUE;
}

YqSyncProfile *
yq_sync_profile_new_from_json (const char  *json,
                               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(YqSyncProfile) profile = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  JsonNode *root;
  JsonObject *object;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The sync profile is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The sync profile must be a JSON object"));
      return NULL;
    }

  profile = yq_sync_profile_new ();
  object = json_node_get_object (root);
  members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *node = json_object_get_member (object, member);
      gboolean ok;

      if (g_str_equal (member, "top_department"))
        {
          if (JSON_NODE_HOLDS_NULL (node))
            {
              g_clear_pointer (&profile->top_department, g_free);
              ok = TRUE;
            }
          else if (is_value_of_type (node, G_TYPE_STRING) && *json_node_get_string (node) != '\0')
            {
              g_free (profile->top_department);
              profile->top_department = g_strdup (json_node_get_string (node));
              ok = TRUE;
            }
          else
            ok = invalid (error, member, _("a department ID or null"));
        }
      else if (g_str_equal (member, "include_departments"))
        ok = read_strv (node, member, &profile->include_departments, error);
      else if (g_str_equal (member, "exclude_departments"))
        ok = read_strv (node, member, &profile->exclude_departments, error);
      else if (g_str_equal (member, "include_people"))
        ok = read_strv (node, member, &profile->include_people, error);
      else if (g_str_equal (member, "exclude_people"))
        ok = read_strv (node, member, &profile->exclude_people, error);
      else if (g_str_equal (member, "add_new_members"))
        ok = read_bool (node, member, &profile->add_new_members, error);
      else if (g_str_equal (member, "auto_bind"))
        ok = read_bool (node, member, &profile->auto_bind, error);
      else if (g_str_equal (member, "binding_platform_field"))
        ok = read_field (node, member, &profile->binding_platform_field, error);
      else if (g_str_equal (member, "binding_oa_field"))
        ok = read_field (node, member, &profile->binding_oa_field, error);
      else if (g_str_equal (member, "field_map"))
        ok = read_field_map (node, profile, error);
      else if (g_str_equal (member, "people_threshold"))
        ok = read_threshold (node, member, &profile->people_threshold, error);
      else if (g_str_equal (member, "department_threshold"))
        ok = read_threshold (node, member, &profile->department_threshold, error);
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Unknown sync profile member “%s”"), member);
          ok = FALSE;
        }

      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&profile);
}
