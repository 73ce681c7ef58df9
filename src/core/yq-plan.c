/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-plan"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "yq-plan.h"

struct _YqPlan
{
  GObject       parent_instance;

  GPtrArray    *ops;
  GPtrArray    *warnings;
  GPtrArray    *blocks;
  YqPlanCounts  counts;
};

G_DEFINE_FINAL_TYPE (YqPlan, yq_plan, G_TYPE_OBJECT)

static const char * const op_kind_names[YQ_N_PLAN_OP_KINDS] = {
  [YQ_PLAN_OP_LINK_DEPARTMENT] = "link-department",
  [YQ_PLAN_OP_CREATE_DEPARTMENT] = "create-department",
  [YQ_PLAN_OP_UPDATE_DEPARTMENT] = "update-department",
  [YQ_PLAN_OP_DELETE_DEPARTMENT] = "delete-department",
  [YQ_PLAN_OP_LINK_PERSON] = "link-person",
  [YQ_PLAN_OP_CREATE_PERSON] = "create-person",
  [YQ_PLAN_OP_UPDATE_PERSON] = "update-person",
  [YQ_PLAN_OP_REMOVE_PERSON] = "remove-person",
};

/* In bit order of #YqPlanChange. */
static const char * const change_names[] = {
  "name", "parent", "order", "active", "fields", "departments",
};

static const char * const block_kind_names[] = {
  [YQ_PLAN_BLOCK_TOP_MISMATCH] = "top-mismatch",
  [YQ_PLAN_BLOCK_PEOPLE_THRESHOLD] = "people-threshold",
  [YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD] = "department-threshold",
  [YQ_PLAN_BLOCK_READ_ONLY] = "read-only",
};

static const char * const warning_kind_names[] = {
  [YQ_PLAN_WARNING_DUPLICATE_DEPARTMENT] = "duplicate-department",
  [YQ_PLAN_WARNING_AMBIGUOUS_PERSON] = "ambiguous-person",
  [YQ_PLAN_WARNING_CONFLICTING_PERSON] = "conflicting-person",
  [YQ_PLAN_WARNING_THRESHOLD_CONFIRMED] = "threshold-confirmed",
  [YQ_PLAN_WARNING_MISSING_FIELD] = "missing-field",
  [YQ_PLAN_WARNING_DEPARTMENT_NOT_EMPTY] = "department-not-empty",
};

static void
plan_block_free (YqPlanBlock *block)
{
  g_free (block->message);
  g_free (block);
}

static void
plan_warning_free (YqPlanWarning *warning)
{
  g_free (warning->source_id);
  g_free (warning->message);
  g_free (warning);
}

static void
yq_plan_finalize (GObject *object)
{
  YqPlan *self = (YqPlan *)object;

  g_clear_pointer (&self->ops, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_plan_parent_class)->finalize (object);
}

static void
yq_plan_class_init (YqPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_plan_finalize;
}

static void
yq_plan_init (YqPlan *self)
{
  self->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_plan_op_free);
  self->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_warning_free);
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_block_free);
}

YqPlan *
yq_plan_new (void)
{
  return g_object_new (YQ_TYPE_PLAN, NULL);
}

guint
yq_plan_get_n_ops (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), 0);

  return self->ops->len;
}

const YqPlanOp *
yq_plan_get_op (YqPlan *self,
                guint   index)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), NULL);
  g_return_val_if_fail (index < self->ops->len, NULL);

  return g_ptr_array_index (self->ops, index);
}

const YqPlanCounts *
yq_plan_get_counts (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), NULL);

  return &self->counts;
}

YqPlanCounts *
yq_plan_get_counts_mut (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), NULL);

  return &self->counts;
}

/**
 * yq_plan_get_warnings:
 *
 * Returns: (transfer none) (element-type YqPlanWarning): the warnings
 */
GPtrArray *
yq_plan_get_warnings (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), NULL);

  return self->warnings;
}

/**
 * yq_plan_get_blocks:
 *
 * Returns: (transfer none) (element-type YqPlanBlock): the blocking reasons
 */
GPtrArray *
yq_plan_get_blocks (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), NULL);

  return self->blocks;
}

gboolean
yq_plan_is_blocked (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), TRUE);

  /* A confirmed threshold is a warning, not a block, so every block that
   * is there stops the plan. */
  return self->blocks->len > 0;
}

gboolean
yq_plan_needs_confirmation (YqPlan *self)
{
  g_return_val_if_fail (YQ_IS_PLAN (self), FALSE);

  if (self->blocks->len == 0)
    return FALSE;

  for (guint i = 0; i < self->blocks->len; i++)
    {
      const YqPlanBlock *block = g_ptr_array_index (self->blocks, i);

      if (block->kind != YQ_PLAN_BLOCK_PEOPLE_THRESHOLD &&
          block->kind != YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD)
        return FALSE;
    }

  return TRUE;
}

/**
 * yq_plan_add_op:
 * @op: (transfer full): the operation
 *
 * Appends @op. The counts are the builder's to keep (see
 * yq_plan_get_counts_mut()); this does not touch them.
 */
void
yq_plan_add_op (YqPlan   *self,
                YqPlanOp *op)
{
  g_return_if_fail (YQ_IS_PLAN (self));
  g_return_if_fail (op != NULL);
  g_return_if_fail ((guint) op->kind < YQ_N_PLAN_OP_KINDS);

  g_ptr_array_add (self->ops, op);
}

void
yq_plan_add_block (YqPlan          *self,
                   YqPlanBlockKind  kind,
                   const char      *message)
{
  YqPlanBlock *block;

  g_return_if_fail (YQ_IS_PLAN (self));
  g_return_if_fail (message != NULL);

  block = g_new0 (YqPlanBlock, 1);
  block->kind = kind;
  block->message = g_strdup (message);
  g_ptr_array_add (self->blocks, block);
}

void
yq_plan_add_warning (YqPlan            *self,
                     YqPlanWarningKind  kind,
                     const char        *source_id,
                     const char        *message)
{
  YqPlanWarning *warning;

  g_return_if_fail (YQ_IS_PLAN (self));
  g_return_if_fail (message != NULL);

  warning = g_new0 (YqPlanWarning, 1);
  warning->kind = kind;
  warning->source_id = g_strdup (source_id);
  warning->message = g_strdup (message);
  g_ptr_array_add (self->warnings, warning);
}

/* Operations */

YqPlanOp *
yq_plan_op_new (YqPlanOpKind kind)
{
  YqPlanOp *op;

  g_return_val_if_fail ((guint) kind < YQ_N_PLAN_OP_KINDS, NULL);

  op = g_new0 (YqPlanOp, 1);
  op->kind = kind;
  op->name = g_strdup ("");

  return op;
}

YqPlanOp *
yq_plan_op_copy (const YqPlanOp *op)
{
  YqPlanOp *copy;

  g_return_val_if_fail (op != NULL, NULL);

  copy = g_new0 (YqPlanOp, 1);
  copy->kind = op->kind;
  copy->changes = op->changes;
  copy->source_id = g_strdup (op->source_id);
  copy->target_id = g_strdup (op->target_id);
  copy->source_parent_id = g_strdup (op->source_parent_id);
  copy->target_parent_id = g_strdup (op->target_parent_id);
  copy->department = op->department ? yq_org_department_copy (op->department) : NULL;
  copy->person = op->person ? yq_org_person_copy (op->person) : NULL;
  copy->name = g_strdup (op->name);
  copy->parent_name = g_strdup (op->parent_name);

  return copy;
}

void
yq_plan_op_free (YqPlanOp *op)
{
  if (op == NULL)
    return;

  g_free (op->source_id);
  g_free (op->target_id);
  g_free (op->source_parent_id);
  g_free (op->target_parent_id);
  g_clear_pointer (&op->department, yq_org_department_free);
  g_clear_pointer (&op->person, yq_org_person_free);
  g_free (op->name);
  g_free (op->parent_name);
  g_free (op);
}

const char *
yq_plan_op_kind_to_string (YqPlanOpKind kind)
{
  g_return_val_if_fail ((guint) kind < YQ_N_PLAN_OP_KINDS, NULL);

  return op_kind_names[kind];
}

gboolean
yq_plan_op_kind_from_string (const char   *text,
                             YqPlanOpKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint i = 0; text != NULL && i < YQ_N_PLAN_OP_KINDS; i++)
    {
      if (g_str_equal (text, op_kind_names[i]))
        {
          *kind = (YqPlanOpKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
yq_plan_block_kind_to_string (YqPlanBlockKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (block_kind_names), NULL);

  return block_kind_names[kind];
}

const char *
yq_plan_warning_kind_to_string (YqPlanWarningKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (warning_kind_names), NULL);

  return warning_kind_names[kind];
}

/* Operation JSON */

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_department (JsonBuilder           *builder,
                const YqOrgDepartment *dept)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "id", dept->id);
  add_string_or_null (builder, "parent_id", dept->parent_id);
  add_string_or_null (builder, "name", dept->name);
  json_builder_set_member_name (builder, "order");
  json_builder_add_int_value (builder, dept->order);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, dept->active);
  json_builder_end_object (builder);
}

static void
add_person (JsonBuilder       *builder,
            const YqOrgPerson *person)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "id", person->id);
  add_string_or_null (builder, "account_id", person->account_id);
  add_string_or_null (builder, "account_code", person->account_code);
  add_string_or_null (builder, "name", person->name);
  add_string_or_null (builder, "mobile", person->mobile);
  add_string_or_null (builder, "email", person->email);
  add_string_or_null (builder, "job_number", person->job_number);
  add_string_or_null (builder, "title", person->title);
  json_builder_set_member_name (builder, "department_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; person->department_ids != NULL && person->department_ids[i] != NULL; i++)
    json_builder_add_string_value (builder, person->department_ids[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "order");
  json_builder_add_int_value (builder, person->order);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, person->active);
  json_builder_end_object (builder);
}

char *
yq_plan_op_to_json (const YqPlanOp *op)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (op != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, yq_plan_op_kind_to_string (op->kind));

  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (change_names); i++)
    if (op->changes & (1u << i))
      json_builder_add_string_value (builder, change_names[i]);
  json_builder_end_array (builder);

  add_string_or_null (builder, "source_id", op->source_id);
  add_string_or_null (builder, "target_id", op->target_id);
  add_string_or_null (builder, "source_parent_id", op->source_parent_id);
  add_string_or_null (builder, "target_parent_id", op->target_parent_id);

  json_builder_set_member_name (builder, "department");
  if (op->department != NULL)
    add_department (builder, op->department);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "person");
  if (op->person != NULL)
    add_person (builder, op->person);
  else
    json_builder_add_null_value (builder);

  add_string_or_null (builder, "name", op->name);
  add_string_or_null (builder, "parent_name", op->parent_name);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static gboolean
bad_member (GError     **error,
            const char  *member,
            const char  *expected)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* TRANSLATORS: the first %s is a JSON member name, the second says
                * what it must be, e.g. "a string or null" */
               _("Plan operation member “%s” must be %s"), member, expected);
  return FALSE;
}

static gboolean
read_string (JsonNode    *node,
             const char  *member,
             gboolean     nullable,
             char       **out,
             GError     **error)
{
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (out, g_free);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_member (error, member, nullable ? _("a string or null") : _("a string"));

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonNode    *node,
          const char  *member,
          gint64      *out,
          GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad_member (error, member, _("an integer"));

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_boolean (JsonNode    *node,
              const char  *member,
              gboolean    *out,
              GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad_member (error, member, _("true or false"));

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
unknown_member (GError     **error,
                const char  *member)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("Unknown plan operation member “%s”"), member);
  return FALSE;
}

static YqOrgDepartment *
read_department (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(YqOrgDepartment) dept = g_new0 (YqOrgDepartment, 1);
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      bad_member (error, "department", _("an object or null"));
      return NULL;
    }

  dept->name = g_strdup ("");
  dept->active = TRUE;
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *value = json_object_get_member (object, member);
      g_autofree char *qualified = g_strconcat ("department.", member, NULL);
      gboolean ok;

      if (g_str_equal (member, "id"))
        ok = read_string (value, qualified, TRUE, &dept->id, error);
      else if (g_str_equal (member, "parent_id"))
        ok = read_string (value, qualified, TRUE, &dept->parent_id, error);
      else if (g_str_equal (member, "name"))
        ok = read_string (value, qualified, FALSE, &dept->name, error);
      else if (g_str_equal (member, "order"))
        ok = read_int (value, qualified, &dept->order, error);
      else if (g_str_equal (member, "active"))
        ok = read_boolean (value, qualified, &dept->active, error);
      else
        ok = unknown_member (error, qualified);

      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&dept);
}

static YqOrgPerson *
read_person (JsonNode  *node,
             GError   **error)
{
  g_autoptr(YqOrgPerson) person = g_new0 (YqOrgPerson, 1);
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      bad_member (error, "person", _("an object or null"));
      return NULL;
    }

  person->name = g_strdup ("");
  person->department_ids = g_new0 (char *, 1);
  person->active = TRUE;
  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *value = json_object_get_member (object, member);
      g_autofree char *qualified = g_strconcat ("person.", member, NULL);
      gboolean ok;

      if (g_str_equal (member, "id"))
        ok = read_string (value, qualified, TRUE, &person->id, error);
      else if (g_str_equal (member, "account_id"))
        ok = read_string (value, qualified, TRUE, &person->account_id, error);
      else if (g_str_equal (member, "account_code"))
        ok = read_string (value, qualified, TRUE, &person->account_code, error);
      else if (g_str_equal (member, "name"))
        ok = read_string (value, qualified, FALSE, &person->name, error);
      else if (g_str_equal (member, "mobile"))
        ok = read_string (value, qualified, TRUE, &person->mobile, error);
      else if (g_str_equal (member, "email"))
        ok = read_string (value, qualified, TRUE, &person->email, error);
      else if (g_str_equal (member, "job_number"))
        ok = read_string (value, qualified, TRUE, &person->job_number, error);
      else if (g_str_equal (member, "title"))
        ok = read_string (value, qualified, TRUE, &person->title, error);
      else if (g_str_equal (member, "department_ids"))
        {
          g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
          JsonArray *array;

          ok = JSON_NODE_HOLDS_ARRAY (value);
          array = ok ? json_node_get_array (value) : NULL;
          for (guint i = 0; ok && i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              ok = JSON_NODE_HOLDS_VALUE (element) &&
                   json_node_get_value_type (element) == G_TYPE_STRING;
              if (ok)
                g_strv_builder_add (ids, json_node_get_string (element));
            }

          if (ok)
            {
              g_strfreev (person->department_ids);
              person->department_ids = g_strv_builder_end (ids);
            }
          else
            bad_member (error, qualified, _("an array of strings"));
        }
      else if (g_str_equal (member, "order"))
        ok = read_int (value, qualified, &person->order, error);
      else if (g_str_equal (member, "active"))
        ok = read_boolean (value, qualified, &person->active, error);
      else
        ok = unknown_member (error, qualified);

      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&person);
}

static gboolean
read_changes (JsonNode  *node,
              guint     *out,
              GError   **error)
{
  JsonArray *array;
  guint changes = 0;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_member (error, "changes", _("an array of change names"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *text;
      guint bit;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return bad_member (error, "changes", _("an array of change names"));

      text = json_node_get_string (element);
      for (bit = 0; bit < G_N_ELEMENTS (change_names); bit++)
        if (g_str_equal (text, change_names[bit]))
          break;
      if (bit == G_N_ELEMENTS (change_names))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Plan operation member “changes” holds an unknown change “%s”"), text);
          return FALSE;
        }

      changes |= 1u << bit;
    }

  *out = changes;
  return TRUE;
}

YqPlanOp *
yq_plan_op_new_from_json (const char  *json,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(YqPlanOp) op = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  JsonNode *root;
  JsonNode *kind_node;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The plan operation is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The plan operation must be a JSON object"));
      return NULL;
    }

  object = json_node_get_object (root);
  kind_node = json_object_get_member (object, "kind");
  if (kind_node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Plan operation member “kind” is missing"));
      return NULL;
    }
  else
    {
      YqPlanOpKind kind;

      if (!JSON_NODE_HOLDS_VALUE (kind_node) ||
          json_node_get_value_type (kind_node) != G_TYPE_STRING ||
          !yq_plan_op_kind_from_string (json_node_get_string (kind_node), &kind))
        {
          bad_member (error, "kind", _("an operation kind such as “create-department”"));
          return NULL;
        }

      op = yq_plan_op_new (kind);
    }

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *member = l->data;
      JsonNode *node = json_object_get_member (object, member);
      gboolean ok = TRUE;

      if (g_str_equal (member, "kind"))
        continue;
      else if (g_str_equal (member, "changes"))
        ok = read_changes (node, &op->changes, error);
      else if (g_str_equal (member, "source_id"))
        ok = read_string (node, member, TRUE, &op->source_id, error);
      else if (g_str_equal (member, "target_id"))
        ok = read_string (node, member, TRUE, &op->target_id, error);
      else if (g_str_equal (member, "source_parent_id"))
        ok = read_string (node, member, TRUE, &op->source_parent_id, error);
      else if (g_str_equal (member, "target_parent_id"))
        ok = read_string (node, member, TRUE, &op->target_parent_id, error);
      else if (g_str_equal (member, "name"))
        ok = read_string (node, member, FALSE, &op->name, error);
      else if (g_str_equal (member, "parent_name"))
        ok = read_string (node, member, TRUE, &op->parent_name, error);
      else if (g_str_equal (member, "department"))
        {
          g_clear_pointer (&op->department, yq_org_department_free);
          if (!JSON_NODE_HOLDS_NULL (node))
            ok = (op->department = read_department (node, error)) != NULL;
        }
      else if (g_str_equal (member, "person"))
        {
          g_clear_pointer (&op->person, yq_org_person_free);
          if (!JSON_NODE_HOLDS_NULL (node))
            ok = (op->person = read_person (node, error)) != NULL;
        }
      else
        ok = unknown_member (error, member);

      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&op);
}

/* Descriptions */

static const char *
department_new_name (const YqPlanOp *op)
{
  return op->department ? op->department->name : op->name;
}

static const char *
person_new_name (const YqPlanOp *op)
{
  return op->person ? op->person->name : op->name;
}

/* The parts of an update, for "Update department “X”: rename to “Y”, …". */
static char *
describe_changes (const YqPlanOp *op,
                  gboolean        department)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  gboolean active = department ? (op->department ? op->department->active : TRUE)
                               : (op->person ? op->person->active : TRUE);
  GString *text;

  if (op->changes & YQ_PLAN_CHANGE_NAME)
    g_ptr_array_add (parts, g_strdup_printf (_("rename to “%s”"),
                                             department ? department_new_name (op)
                                                        : person_new_name (op)));
  if (op->changes & YQ_PLAN_CHANGE_PARENT)
    {
      if (op->parent_name != NULL)
        g_ptr_array_add (parts, g_strdup_printf (_("move under “%s”"), op->parent_name));
      else
        g_ptr_array_add (parts, g_strdup (_("move to another parent")));
    }
  if (op->changes & YQ_PLAN_CHANGE_ORDER)
    g_ptr_array_add (parts, g_strdup (_("change the sort order")));
  if (op->changes & YQ_PLAN_CHANGE_FIELDS)
    g_ptr_array_add (parts, g_strdup (_("update fields")));
  if (op->changes & YQ_PLAN_CHANGE_DEPARTMENTS)
    g_ptr_array_add (parts, g_strdup (_("change departments")));
  if (op->changes & YQ_PLAN_CHANGE_ACTIVE)
    g_ptr_array_add (parts, g_strdup (active ? _("enable") : _("disable")));

  text = g_string_new (NULL);
  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append (text, C_("list separator", ", "));
      g_string_append (text, g_ptr_array_index (parts, i));
    }

  return g_string_free (text, FALSE);
}

static char *
describe_department (const YqPlanOp *op)
{
  g_autofree char *parts = NULL;
  guint changes = op->changes;
  gboolean active = op->department ? op->department->active : TRUE;

  switch ((int) op->kind)
    {
    case YQ_PLAN_OP_CREATE_DEPARTMENT:
      if (op->parent_name != NULL)
        return g_strdup_printf (_("Create department “%s” under “%s”"),
                                department_new_name (op), op->parent_name);
      return g_strdup_printf (_("Create department “%s”"), department_new_name (op));

    case YQ_PLAN_OP_DELETE_DEPARTMENT:
      return g_strdup_printf (_("Delete department “%s”"), op->name);

    case YQ_PLAN_OP_LINK_DEPARTMENT:
      if (changes == 0)
        return g_strdup_printf (_("Link department “%s”"), op->name);
      parts = describe_changes (op, TRUE);
      /* TRANSLATORS: the second %s is a list such as "change the sort order, enable" */
      return g_strdup_printf (_("Link department “%s” (%s)"), op->name, parts);

    case YQ_PLAN_OP_UPDATE_DEPARTMENT:
    default:
      break;
    }

  if (changes == YQ_PLAN_CHANGE_NAME)
    return g_strdup_printf (_("Rename department “%s” to “%s”"),
                            op->name, department_new_name (op));
  if (changes == YQ_PLAN_CHANGE_PARENT && op->parent_name != NULL)
    return g_strdup_printf (_("Move department “%s” under “%s”"), op->name, op->parent_name);
  if (changes == (YQ_PLAN_CHANGE_NAME | YQ_PLAN_CHANGE_PARENT) && op->parent_name != NULL)
    return g_strdup_printf (_("Rename department “%s” to “%s” and move it under “%s”"),
                            op->name, department_new_name (op), op->parent_name);
  if (changes == YQ_PLAN_CHANGE_ORDER)
    return g_strdup_printf (_("Change the sort order of department “%s”"), op->name);
  if (changes == YQ_PLAN_CHANGE_ACTIVE)
    return g_strdup_printf (active ? _("Enable department “%s”") : _("Disable department “%s”"),
                            op->name);
  if (changes == 0)
    return g_strdup_printf (_("Update department “%s”"), op->name);

  parts = describe_changes (op, TRUE);
  /* TRANSLATORS: the second %s is a list such as "rename to “X”, move under “Y”" */
  return g_strdup_printf (_("Update department “%s”: %s"), op->name, parts);
}

static char *
describe_person (const YqPlanOp *op)
{
  g_autofree char *parts = NULL;
  guint changes = op->changes;
  gboolean active = op->person ? op->person->active : TRUE;

  switch ((int) op->kind)
    {
    case YQ_PLAN_OP_CREATE_PERSON:
      return g_strdup_printf (_("Create person “%s”"), person_new_name (op));

    case YQ_PLAN_OP_REMOVE_PERSON:
      return g_strdup_printf (_("Remove person “%s”"), op->name);

    case YQ_PLAN_OP_LINK_PERSON:
      if (changes == 0)
        return g_strdup_printf (_("Link person “%s”"), op->name);
      parts = describe_changes (op, FALSE);
      /* TRANSLATORS: the second %s is a list such as "update fields, change departments" */
      return g_strdup_printf (_("Link person “%s” (%s)"), op->name, parts);

    case YQ_PLAN_OP_UPDATE_PERSON:
    default:
      break;
    }

  if (changes == YQ_PLAN_CHANGE_NAME)
    return g_strdup_printf (_("Rename person “%s” to “%s”"), op->name, person_new_name (op));
  if (changes == YQ_PLAN_CHANGE_ACTIVE)
    return g_strdup_printf (active ? _("Enable person “%s”") : _("Disable person “%s”"),
                            op->name);
  if (changes == YQ_PLAN_CHANGE_FIELDS)
    return g_strdup_printf (_("Update the fields of person “%s”"), op->name);
  if (changes == YQ_PLAN_CHANGE_DEPARTMENTS)
    return g_strdup_printf (_("Change the departments of person “%s”"), op->name);
  if (changes == 0)
    return g_strdup_printf (_("Update person “%s”"), op->name);

  parts = describe_changes (op, FALSE);
  /* TRANSLATORS: the second %s is a list such as "rename to “X”, update fields" */
  return g_strdup_printf (_("Update person “%s”: %s"), op->name, parts);
}

/**
 * yq_plan_op_describe:
 * @op: an operation
 *
 * Returns: (transfer full): one translated line saying what @op does
 */
char *
yq_plan_op_describe (const YqPlanOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);

  switch (op->kind)
    {
    case YQ_PLAN_OP_LINK_DEPARTMENT:
    case YQ_PLAN_OP_CREATE_DEPARTMENT:
    case YQ_PLAN_OP_UPDATE_DEPARTMENT:
    case YQ_PLAN_OP_DELETE_DEPARTMENT:
      return describe_department (op);

    case YQ_PLAN_OP_LINK_PERSON:
    case YQ_PLAN_OP_CREATE_PERSON:
    case YQ_PLAN_OP_UPDATE_PERSON:
    case YQ_PLAN_OP_REMOVE_PERSON:
    default:
      return describe_person (op);
    }
}

/**
 * yq_plan_counts_add_json:
 * @counts: the counts of a plan
 * @builder: a builder inside an object
 *
 * Adds the counts as members: one per operation kind (by its string),
 * then the unchanged, skipped and people totals.
 */
void
yq_plan_counts_add_json (const YqPlanCounts *counts,
                         JsonBuilder        *builder)
{
  const struct
  {
    const char *name;
    guint       value;
  } totals[] = {
    { "unchanged-departments", counts->unchanged_departments },
    { "unchanged-people", counts->unchanged_people },
    { "skipped-departments", counts->skipped_departments },
    { "skipped-people", counts->skipped_people },
    { "source-people", counts->source_people },
    { "target-people", counts->target_people },
  };

  for (guint kind = 0; kind < YQ_N_PLAN_OP_KINDS; kind++)
    {
      json_builder_set_member_name (builder, yq_plan_op_kind_to_string (kind));
      json_builder_add_int_value (builder, counts->ops[kind]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    {
      json_builder_set_member_name (builder, totals[i].name);
      json_builder_add_int_value (builder, totals[i].value);
    }
}
