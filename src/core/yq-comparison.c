/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-comparison"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yq-comparison.h"

/*
 * The comparison is built once from a plan and its input, then only read.
 * Nodes live in one GArray, their strings in one GStringChunk (or, for a
 * loaded comparison, in the mapped file), fields in a second GArray and the
 * children of every node in CSR form: children_offsets[i] ..
 * children_offsets[i + 1] index children[] for node i, and the slot n_nodes
 * holds the top nodes.
 *
 * File format: one GVariant of type
 *
 *   (uyybaua(us)ayayayayayayaqauauauauauauauauauauauauauauauauauauau)
 *
 * that is, in order (file_type_string() spells it from the tables below):
 *
 *   u        format version (1)
 *   y, y     source side, target side (#YqComparisonSide)
 *   b        the plan needed a confirmation
 *   au       the plan counts: 8 operation counts (by #YqPlanOpKind), then
 *            unchanged departments, unchanged people, skipped departments,
 *            skipped people, source people, target people (14 in all)
 *   a(us)    the plan's blocks: kind (#YqPlanBlockKind), message
 *   ay       the string blob: NUL-terminated UTF-8 strings back to back; a
 *            string is named by the byte offset of its start, or
 *            G_MAXUINT32 for NULL
 *   ay × 5   per node: is_person, status, linked, active, reason
 *   aq       per node: changes
 *   au × 6   per node: parent, source_parent, target_parent, people,
 *            first_field, n_fields
 *   au × 8   per node, string offsets: source_id, target_id, name,
 *            old_name, account, job_number, mobile, reason_detail
 *   au × 3   per field, string offsets: field, old_value, new_value
 *   au       children offsets (n_nodes + 2 entries; slot n_nodes is the top)
 *   au       children (n_nodes entries)
 *
 * Loading checks the normal form (which also checks that the file is not
 * truncated), then every length, enum, string offset and index.
 */

#define FILE_VERSION 1
#define N_COUNTS (YQ_N_PLAN_OP_KINDS + 6)

struct _YqComparison
{
  GObject           parent_instance;

  YqComparisonSide  source_side;
  YqComparisonSide  target_side;
  GStringChunk     *strings;
  GVariant         *file;         /* a loaded comparison's strings live here */
  GArray           *nodes;        /* YqComparisonNode */
  GArray           *fields;       /* YqComparisonField */
  guint32          *child_offsets;
  guint32          *children;
  guint8           *changes_below;
  GPtrArray        *blocks;       /* YqPlanBlock */
  YqPlanCounts      plan_counts;
  gboolean          needs_confirmation;
  guint             counts[YQ_N_COMPARISON_STATUSES][2];
};

G_DEFINE_FINAL_TYPE (YqComparison, yq_comparison, G_TYPE_OBJECT)

static const char * const status_names[YQ_N_COMPARISON_STATUSES] = {
  [YQ_COMPARISON_UNCHANGED] = "unchanged",
  [YQ_COMPARISON_MATCHED] = "matched",
  [YQ_COMPARISON_NEW] = "new",
  [YQ_COMPARISON_REMOVED] = "removed",
  [YQ_COMPARISON_RENAMED] = "renamed",
  [YQ_COMPARISON_MOVED] = "moved",
  [YQ_COMPARISON_UPDATED] = "updated",
  [YQ_COMPARISON_SKIPPED] = "skipped",
  [YQ_COMPARISON_TARGET_ONLY] = "target-only",
};

static void
block_free (YqPlanBlock *block)
{
  g_free (block->message);
  g_free (block);
}

static void
yq_comparison_finalize (GObject *object)
{
  YqComparison *self = YQ_COMPARISON (object);

  g_clear_pointer (&self->strings, g_string_chunk_free);
  g_clear_pointer (&self->file, g_variant_unref);
  g_clear_pointer (&self->nodes, g_array_unref);
  g_clear_pointer (&self->fields, g_array_unref);
  g_clear_pointer (&self->child_offsets, g_free);
  g_clear_pointer (&self->children, g_free);
  g_clear_pointer (&self->changes_below, g_free);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (yq_comparison_parent_class)->finalize (object);
}

static void
yq_comparison_class_init (YqComparisonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_comparison_finalize;
}

static void
yq_comparison_init (YqComparison *self)
{
  self->nodes = g_array_new (FALSE, TRUE, sizeof (YqComparisonNode));
  self->fields = g_array_new (FALSE, TRUE, sizeof (YqComparisonField));
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
}

static inline YqComparisonNode *
node_at (YqComparison *self,
         guint32       index)
{
  return &g_array_index (self->nodes, YqComparisonNode, index);
}

static inline gboolean
status_is_change (guint status)
{
  return status != YQ_COMPARISON_UNCHANGED && status != YQ_COMPARISON_SKIPPED &&
         status != YQ_COMPARISON_TARGET_ONLY;
}

/* Derived data, for built and loaded comparisons alike: the status counts
 * and the changes-below flags (bottom-up over a top-down order). */
static void
compute_derived (YqComparison *self)
{
  guint n = self->nodes->len;
  g_autofree guint32 *order = g_new (guint32, MAX (n, 1));
  guint n_order = 0;

  memset (self->counts, 0, sizeof self->counts);
  for (guint i = 0; i < n; i++)
    {
      const YqComparisonNode *node = node_at (self, i);

      self->counts[node->status][node->is_person ? 1 : 0]++;
    }

  for (guint32 c = self->child_offsets[n]; c < self->child_offsets[n + 1]; c++)
    order[n_order++] = self->children[c];
  for (guint k = 0; k < n_order; k++)
    {
      guint32 i = order[k];

      for (guint32 c = self->child_offsets[i]; c < self->child_offsets[i + 1]; c++)
        order[n_order++] = self->children[c];
    }

  g_free (self->changes_below);
  self->changes_below = g_new0 (guint8, MAX (n, 1));
  for (guint k = n_order; k-- > 0;)
    {
      guint32 i = order[k];
      const YqComparisonNode *node = node_at (self, i);

      if (status_is_change (node->status))
        self->changes_below[i] = TRUE;
      if (self->changes_below[i] && node->parent != YQ_COMPARISON_NONE)
        self->changes_below[node->parent] = TRUE;
    }
}

/* ---- Building ------------------------------------------------------------ */

typedef struct
{
  const YqPlannerInput *input;
  YqPlan               *plan;
  YqComparison         *self;
  const YqSyncProfile  *profile;
  YqSyncProfile        *default_profile;

  GHashTable           *dept_ops;      /* source ID → op (link, create, update, delete) */
  GHashTable           *person_ops;    /* source ID → op */
  GHashTable           *bind_ops;      /* mirror: source ID → LINK_PERSON to another directory */
  GHashTable           *delete_ops;    /* target ID → op */
  GHashTable           *remove_ops;    /* target ID → op */
  GHashTable           *warnings;      /* source ID → message */

  GHashTable           *sdept_node;    /* source department ID → node index */
  GHashTable           *tdept_node;    /* target department ID → node index */
  GHashTable           *tperson_used;  /* target person IDs shown by a source node */
  GHashTable           *tdept_link;    /* target department ID → source ID (valid links) */
  GHashTable           *tperson_link;  /* target person ID → source ID */

  GArray               *orders;        /* gint64 per node, for sorting */
  GPtrArray            *keys;          /* collation key per node */
  guint8               *in_scope;      /* per source department */
} Builder;

static inline const char *
intern (Builder    *b,
        const char *text)
{
  return text != NULL ? g_string_chunk_insert (b->self->strings, text) : NULL;
}

static inline const char *
intern_const (Builder    *b,
              const char *text)
{
  return text != NULL ? g_string_chunk_insert_const (b->self->strings, text) : NULL;
}

static void
add_field (Builder          *b,
           YqComparisonNode *node,
           const char       *field,
           const char       *old_value,
           const char       *new_value)
{
  YqComparisonField f = { intern_const (b, field), intern (b, old_value), intern (b, new_value) };

  if (node->n_fields == 0)
    node->first_field = b->self->fields->len;
  g_array_append_val (b->self->fields, f);
  node->n_fields++;
}

static void
add_field_int (Builder          *b,
               YqComparisonNode *node,
               const char       *field,
               gboolean          has_old,
               gint64            old_value,
               gint64            new_value)
{
  g_autofree char *old_text = has_old ? g_strdup_printf ("%lld", (long long) old_value) : NULL;
  g_autofree char *new_text = g_strdup_printf ("%lld", (long long) new_value);

  add_field (b, node, field, old_text, new_text);
}

static inline const char *
bool_text (gboolean value)
{
  return value ? "true" : "false";
}

static inline gboolean
is_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

static inline gboolean
same_value (const char *a,
            const char *b)
{
  if (is_empty (a))
    return is_empty (b);
  return !is_empty (b) && strcmp (a, b) == 0;
}

/* Department names of @ids in @snapshot, joined with "、". */
static char *
department_names (YqOrgSnapshot *snapshot,
                  char         **ids)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      const YqOrgDepartment *dept = yq_org_snapshot_lookup_department (snapshot, ids[i]);

      if (i > 0)
        g_string_append (text, "、");
      g_string_append (text, dept != NULL ? dept->name : ids[i]);
    }

  return g_string_free (text, FALSE);
}

static guint32
new_node (Builder    *b,
          gboolean    is_person,
          gint64      order,
          const char *name)
{
  YqComparisonNode node = { 0 };

  node.is_person = is_person;
  node.parent = YQ_COMPARISON_NONE;
  node.source_parent = YQ_COMPARISON_NONE;
  node.target_parent = YQ_COMPARISON_NONE;
  node.name = intern (b, name ? name : "");
  g_array_append_val (b->self->nodes, node);
  g_array_append_val (b->orders, order);

  return b->self->nodes->len - 1;
}

static void
index_plan (Builder *b)
{
  guint n = yq_plan_get_n_ops (b->plan);
  GPtrArray *warnings = yq_plan_get_warnings (b->plan);

  for (guint i = 0; i < n; i++)
    {
      const YqPlanOp *op = yq_plan_get_op (b->plan, i);

      switch (op->kind)
        {
        case YQ_PLAN_OP_LINK_DEPARTMENT:
        case YQ_PLAN_OP_CREATE_DEPARTMENT:
        case YQ_PLAN_OP_UPDATE_DEPARTMENT:
          if (op->source_id != NULL)
            g_hash_table_insert (b->dept_ops, op->source_id, (gpointer) op);
          break;

        case YQ_PLAN_OP_DELETE_DEPARTMENT:
          if (op->target_id != NULL)
            g_hash_table_insert (b->delete_ops, op->target_id, (gpointer) op);
          break;

        case YQ_PLAN_OP_LINK_PERSON:
          if (op->source_id == NULL)
            break;
          /* A refresh binds bridge people to OA people: not this target. */
          if (b->input->mirror)
            g_hash_table_insert (b->bind_ops, op->source_id, (gpointer) op);
          else
            g_hash_table_insert (b->person_ops, op->source_id, (gpointer) op);
          break;

        case YQ_PLAN_OP_CREATE_PERSON:
        case YQ_PLAN_OP_UPDATE_PERSON:
          if (op->source_id != NULL)
            g_hash_table_insert (b->person_ops, op->source_id, (gpointer) op);
          break;

        case YQ_PLAN_OP_REMOVE_PERSON:
          if (op->target_id != NULL)
            g_hash_table_insert (b->remove_ops, op->target_id, (gpointer) op);
          break;

        default:
          break;
        }
    }

  for (guint i = 0; i < warnings->len; i++)
    {
      const YqPlanWarning *warning = g_ptr_array_index (warnings, i);

      if (warning->source_id != NULL && !g_hash_table_contains (b->warnings, warning->source_id))
        g_hash_table_insert (b->warnings, warning->source_id, warning->message);
    }
}

/* Valid links, as the planner reads them: both ends exist and, when two
 * sources claim one target, the smaller source ID keeps it. */
static void
index_links (Builder    *b,
             GHashTable *links,
             GHashTable *reverse,
             gboolean    people)
{
  YqOrgSnapshot *target = b->input->target;
  GHashTableIter iter;
  gpointer key, value;

  if (links == NULL)
    return;

  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *current;

      if (people ? yq_org_snapshot_lookup_person (target, value) == NULL
                 : yq_org_snapshot_lookup_department (target, value) == NULL)
        continue;

      current = g_hash_table_lookup (reverse, value);
      if (current == NULL || strcmp (key, current) < 0)
        g_hash_table_insert (reverse, value, key);
    }
}

/* The target ID @source_id is linked to before the plan, or NULL. */
static const char *
linked_target (Builder    *b,
               gboolean    people,
               const char *source_id)
{
  GHashTable *links;
  const char *target_id;

  if (b->input->mirror)
    {
      YqOrgSnapshot *target = b->input->target;

      if (people ? yq_org_snapshot_lookup_person (target, source_id) != NULL
                 : yq_org_snapshot_lookup_department (target, source_id) != NULL)
        return source_id;
      return NULL;
    }

  if (b->input->links == NULL)
    return NULL;

  links = people ? b->input->links->people : b->input->links->departments;
  target_id = links ? g_hash_table_lookup (links, source_id) : NULL;
  if (target_id == NULL)
    return NULL;

  if (g_strcmp0 (g_hash_table_lookup (people ? b->tperson_link : b->tdept_link, target_id),
                 source_id) != 0)
    return NULL;

  return target_id;
}

/* In scope per source department (index in the snapshot), as the profile's
 * include / exclude lists say; everything is in scope in mirror mode. */
static void
compute_scope (Builder *b)
{
  YqOrgSnapshot *source = b->input->source;
  guint n = yq_org_snapshot_get_n_departments (source);
  char **include = b->profile->include_departments;
  char **exclude = b->profile->exclude_departments;
  gboolean has_include = include != NULL && include[0] != NULL;

  b->in_scope = g_new0 (guint8, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const YqOrgDepartment *dept = yq_org_snapshot_get_department (source, i);
      gboolean included = FALSE;
      gboolean excluded = FALSE;
      guint steps = 0;

      if (b->input->mirror)
        {
          b->in_scope[i] = TRUE;
          continue;
        }

      for (const YqOrgDepartment *d = dept; d != NULL && steps <= n; steps++)
        {
          included |= has_include && g_strv_contains ((const char * const *) include, d->id);
          excluded |= exclude != NULL && g_strv_contains ((const char * const *) exclude, d->id);
          if (d->parent_id == NULL || g_strcmp0 (d->parent_id, d->id) == 0)
            break;
          d = yq_org_snapshot_lookup_department (source, d->parent_id);
        }

      b->in_scope[i] = (!has_include || included) && !excluded;
    }
}

/* The warning of the nearest source department (from @id up) that has one. */
static const char *
ancestor_warning (Builder    *b,
                  const char *id)
{
  YqOrgSnapshot *source = b->input->source;
  guint n = yq_org_snapshot_get_n_departments (source);

  for (guint steps = 0; id != NULL && steps <= n; steps++)
    {
      const char *message = g_hash_table_lookup (b->warnings, id);
      const YqOrgDepartment *dept;

      if (message != NULL)
        return message;
      dept = yq_org_snapshot_lookup_department (source, id);
      id = dept != NULL ? dept->parent_id : NULL;
    }

  return NULL;
}

static void
department_fields (Builder               *b,
                   YqComparisonNode      *node,
                   const YqPlanOp        *op,
                   const YqOrgDepartment *current)
{
  const YqOrgDepartment *desired = op->department;
  YqOrgSnapshot *target = b->input->target;

  if (desired == NULL)
    return;

  if (current == NULL)
    {
      add_field (b, node, "name", NULL, desired->name);
      if (op->parent_name != NULL)
        add_field (b, node, "parent", NULL, op->parent_name);
      add_field_int (b, node, "order", FALSE, 0, desired->order);
      add_field (b, node, "active", NULL, bool_text (desired->active));
      return;
    }

  if (g_strcmp0 (current->name, desired->name) != 0)
    add_field (b, node, "name", current->name, desired->name);
  if (op->changes & YQ_PLAN_CHANGE_PARENT)
    {
      const YqOrgDepartment *parent = current->parent_id
        ? yq_org_snapshot_lookup_department (target, current->parent_id) : NULL;

      add_field (b, node, "parent", parent ? parent->name : current->parent_id, op->parent_name);
    }
  if (current->order != desired->order)
    add_field_int (b, node, "order", TRUE, current->order, desired->order);
  if (!current->active != !desired->active)
    add_field (b, node, "active", bool_text (current->active), bool_text (desired->active));
}

static void
person_fields (Builder           *b,
               YqComparisonNode  *node,
               const YqPlanOp    *op,
               const YqOrgPerson *current)
{
  const YqOrgPerson *desired = op->person;

  if (desired == NULL)
    return;

  for (guint f = 0; f < YQ_N_PERSON_FIELDS; f++)
    {
      const char *old_value = current ? yq_org_person_get_field (current, f) : NULL;
      const char *new_value = yq_org_person_get_field (desired, f);

      if (current == NULL ? !is_empty (new_value) : !same_value (old_value, new_value))
        add_field (b, node, yq_person_field_to_string (f), old_value, new_value);
    }

  if (current == NULL || (op->changes & YQ_PLAN_CHANGE_DEPARTMENTS))
    {
      g_autofree char *old_text = current ? department_names (b->input->target,
                                                              current->department_ids) : NULL;
      g_autofree char *new_text = department_names (b->input->source, desired->department_ids);

      add_field (b, node, "departments", old_text, new_text);
    }
  if (current != NULL && current->order != desired->order)
    add_field_int (b, node, "order", TRUE, current->order, desired->order);
  if (current == NULL ? !desired->active : !current->active != !desired->active)
    add_field (b, node, "active", current ? bool_text (current->active) : NULL,
               bool_text (desired->active));
}

static guint8
update_status (const YqPlanOp *op)
{
  if (op->changes & YQ_PLAN_CHANGE_NAME)
    return YQ_COMPARISON_RENAMED;
  if (op->changes & (YQ_PLAN_CHANGE_PARENT | YQ_PLAN_CHANGE_DEPARTMENTS))
    return YQ_COMPARISON_MOVED;
  return YQ_COMPARISON_UPDATED;
}

static void
add_source_departments (Builder *b)
{
  YqOrgSnapshot *source = b->input->source;
  YqOrgSnapshot *target = b->input->target;
  guint n = yq_org_snapshot_get_n_departments (source);

  for (guint i = 0; i < n; i++)
    {
      const YqOrgDepartment *dept = yq_org_snapshot_get_department (source, i);
      const YqPlanOp *op = g_hash_table_lookup (b->dept_ops, dept->id);
      const char *target_id = linked_target (b, FALSE, dept->id);
      const YqOrgDepartment *current;
      const YqPlanOp *delete_op;
      YqComparisonNode *node;
      guint32 index;

      if (g_hash_table_contains (b->sdept_node, dept->id))
        continue;

      if (op != NULL && op->target_id != NULL)
        target_id = op->target_id;
      current = target_id ? yq_org_snapshot_lookup_department (target, target_id) : NULL;
      delete_op = target_id ? g_hash_table_lookup (b->delete_ops, target_id) : NULL;

      index = new_node (b, FALSE, dept->order,
                        op && op->department ? op->department->name : dept->name);
      node = node_at (b->self, index);
      node->source_id = intern (b, dept->id);
      node->target_id = current ? intern (b, current->id) : NULL;
      node->linked = current != NULL && (op == NULL || op->kind != YQ_PLAN_OP_LINK_DEPARTMENT);
      node->active = dept->active;
      if (current != NULL && g_strcmp0 (current->name, node->name) != 0)
        node->old_name = intern (b, current->name);

      g_hash_table_insert (b->sdept_node, dept->id, GUINT_TO_POINTER (index));
      if (current != NULL)
        g_hash_table_insert (b->tdept_node, current->id, GUINT_TO_POINTER (index));

      if (op != NULL)
        {
          node->changes = op->changes;
          switch ((int) op->kind)
            {
            case YQ_PLAN_OP_LINK_DEPARTMENT:
              node->status = YQ_COMPARISON_MATCHED;
              node->reason = YQ_COMPARISON_REASON_SAME_NAME;
              break;
            case YQ_PLAN_OP_CREATE_DEPARTMENT:
              node->status = YQ_COMPARISON_NEW;
              node->reason = YQ_COMPARISON_REASON_NO_MATCH;
              break;
            default:
              node->status = update_status (op);
              node->reason = b->input->mirror ? YQ_COMPARISON_REASON_MIRROR
                                              : YQ_COMPARISON_REASON_LINKED;
              break;
            }
          department_fields (b, node, op, current);
        }
      else if (delete_op != NULL)
        {
          node->status = YQ_COMPARISON_REMOVED;
          node->reason = YQ_COMPARISON_REASON_OUT_OF_SCOPE;
          node->name = intern (b, current->name);
          node->old_name = NULL;
        }
      else
        {
          const char *warning = g_hash_table_lookup (b->warnings, dept->id);

          if (warning != NULL)
            {
              node->status = YQ_COMPARISON_SKIPPED;
              node->reason = YQ_COMPARISON_REASON_WARNING;
              node->reason_detail = intern (b, warning);
            }
          else if (current != NULL && b->in_scope[i])
            {
              node->status = YQ_COMPARISON_UNCHANGED;
              node->reason = b->input->mirror ? YQ_COMPARISON_REASON_MIRROR
                                              : YQ_COMPARISON_REASON_LINKED;
            }
          else
            {
              node->status = YQ_COMPARISON_SKIPPED;
              if (!b->in_scope[i])
                node->reason = YQ_COMPARISON_REASON_OUT_OF_SCOPE;
              else if ((warning = ancestor_warning (b, dept->parent_id)) != NULL)
                {
                  node->reason = YQ_COMPARISON_REASON_WARNING;
                  node->reason_detail = intern (b, warning);
                }
            }
        }
    }
}

static gboolean
person_in_scope (Builder           *b,
                 const YqOrgPerson *person)
{
  char **include = b->profile->include_people;
  char **exclude = b->profile->exclude_people;

  if (b->input->mirror)
    return TRUE;
  if (exclude != NULL && g_strv_contains ((const char * const *) exclude, person->id))
    return FALSE;
  if (include != NULL && g_strv_contains ((const char * const *) include, person->id))
    return TRUE;

  for (guint i = 0; person->department_ids && person->department_ids[i]; i++)
    {
      gpointer value;

      if (g_hash_table_lookup_extended (b->sdept_node, person->department_ids[i], NULL, &value))
        {
          const YqComparisonNode *dept = node_at (b->self, GPOINTER_TO_UINT (value));

          if (dept->reason != YQ_COMPARISON_REASON_OUT_OF_SCOPE)
            return TRUE;
        }
    }

  return FALSE;
}

static char *
binding_detail (Builder           *b,
                const YqOrgPerson *person)
{
  YqPersonField source_field, target_field;
  const char *value;

  if (b->input->source_is_platform)
    {
      source_field = b->profile->binding_platform_field;
      target_field = b->profile->binding_oa_field;
    }
  else
    {
      source_field = b->profile->binding_oa_field;
      target_field = b->profile->binding_platform_field;
    }

  if (source_field == YQ_PERSON_FIELD_NONE || target_field == YQ_PERSON_FIELD_NONE)
    return NULL;

  value = yq_org_person_get_field (person, source_field);
  return g_strdup_printf ("%s = %s: %s", yq_person_field_to_string (source_field),
                          yq_person_field_to_string (target_field), value ? value : "");
}

static void
add_source_people (Builder *b)
{
  YqOrgSnapshot *source = b->input->source;
  YqOrgSnapshot *target = b->input->target;
  guint n = yq_org_snapshot_get_n_people (source);

  for (guint i = 0; i < n; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (source, i);
      const YqPlanOp *op = g_hash_table_lookup (b->person_ops, person->id);
      const char *target_id = linked_target (b, TRUE, person->id);
      const YqOrgPerson *current;
      const YqPlanOp *remove_op;
      YqComparisonNode *node;
      guint32 index;

      if (op != NULL && op->target_id != NULL)
        target_id = op->target_id;
      current = target_id ? yq_org_snapshot_lookup_person (target, target_id) : NULL;
      remove_op = current ? g_hash_table_lookup (b->remove_ops, current->id) : NULL;

      index = new_node (b, TRUE, person->order,
                        op && op->person ? op->person->name : person->name);
      node = node_at (b->self, index);
      node->source_id = intern (b, person->id);
      node->target_id = current ? intern (b, current->id) : NULL;
      node->linked = current != NULL && (op == NULL || op->kind != YQ_PLAN_OP_LINK_PERSON);
      node->active = person->active;
      node->account = intern (b, person->account_code);
      node->job_number = intern (b, person->job_number);
      node->mobile = intern (b, person->mobile);
      if (current != NULL && g_strcmp0 (current->name, node->name) != 0)
        node->old_name = intern (b, current->name);
      if (person->department_ids != NULL && person->department_ids[0] != NULL)
        {
          gpointer value;

          if (g_hash_table_lookup_extended (b->sdept_node, person->department_ids[0], NULL, &value))
            node->parent = node->source_parent = GPOINTER_TO_UINT (value);
        }
      if (current != NULL)
        {
          gpointer value;

          g_hash_table_add (b->tperson_used, current->id);
          if (current->department_ids != NULL && current->department_ids[0] != NULL &&
              g_hash_table_lookup_extended (b->tdept_node, current->department_ids[0],
                                            NULL, &value))
            node->target_parent = GPOINTER_TO_UINT (value);
        }

      if (op != NULL)
        {
          node->changes = op->changes;
          switch ((int) op->kind)
            {
            case YQ_PLAN_OP_LINK_PERSON:
              {
                g_autofree char *detail = binding_detail (b, person);

                node->status = YQ_COMPARISON_MATCHED;
                node->reason = YQ_COMPARISON_REASON_BINDING_RULE;
                node->reason_detail = intern (b, detail);
              }
              break;
            case YQ_PLAN_OP_CREATE_PERSON:
              node->status = YQ_COMPARISON_NEW;
              node->reason = YQ_COMPARISON_REASON_NO_MATCH;
              break;
            default:
              node->status = update_status (op);
              node->reason = b->input->mirror ? YQ_COMPARISON_REASON_MIRROR
                                              : YQ_COMPARISON_REASON_LINKED;
              break;
            }
          person_fields (b, node, op, current);
        }
      else if (remove_op != NULL)
        {
          node->status = YQ_COMPARISON_REMOVED;
          node->reason = YQ_COMPARISON_REASON_OUT_OF_SCOPE;
          node->name = intern (b, current->name);
          node->old_name = NULL;
        }
      else
        {
          const char *warning = g_hash_table_lookup (b->warnings, person->id);
          gboolean in_scope = person_in_scope (b, person);

          if (warning != NULL)
            {
              node->status = YQ_COMPARISON_SKIPPED;
              node->reason = YQ_COMPARISON_REASON_WARNING;
              node->reason_detail = intern (b, warning);
            }
          else if (current != NULL && in_scope)
            {
              node->status = YQ_COMPARISON_UNCHANGED;
              node->reason = b->input->mirror ? YQ_COMPARISON_REASON_MIRROR
                                              : YQ_COMPARISON_REASON_LINKED;
            }
          else
            {
              node->status = YQ_COMPARISON_SKIPPED;
              if (!in_scope)
                node->reason = YQ_COMPARISON_REASON_OUT_OF_SCOPE;
              else if (person->department_ids != NULL &&
                       (warning = ancestor_warning (b, person->department_ids[0])) != NULL)
                {
                  node->reason = YQ_COMPARISON_REASON_WARNING;
                  node->reason_detail = intern (b, warning);
                }
              else if (current == NULL && person->active && !b->profile->add_new_members)
                node->reason = YQ_COMPARISON_REASON_NOT_ADDED;
            }
        }

      /* A refresh that also binds the person to an OA person. */
      if (b->input->mirror && g_hash_table_contains (b->bind_ops, person->id) &&
          (node->status == YQ_COMPARISON_UNCHANGED || node->status == YQ_COMPARISON_UPDATED ||
           node->status == YQ_COMPARISON_RENAMED || node->status == YQ_COMPARISON_MOVED))
        {
          g_autofree char *detail = binding_detail (b, person);

          node->status = YQ_COMPARISON_MATCHED;
          node->reason = YQ_COMPARISON_REASON_BINDING_RULE;
          node->reason_detail = intern (b, detail);
        }
    }
}

/* Target departments that no source department shows. */
static void
add_target_departments (Builder *b)
{
  YqOrgSnapshot *target = b->input->target;
  guint n = yq_org_snapshot_get_n_departments (target);

  for (guint i = 0; i < n; i++)
    {
      const YqOrgDepartment *dept = yq_org_snapshot_get_department (target, i);
      const YqPlanOp *op;
      YqComparisonNode *node;
      guint32 index;

      if (g_hash_table_contains (b->tdept_node, dept->id))
        continue;

      op = g_hash_table_lookup (b->delete_ops, dept->id);
      index = new_node (b, FALSE, dept->order, dept->name);
      node = node_at (b->self, index);
      node->target_id = intern (b, dept->id);
      node->active = dept->active;
      node->linked = g_hash_table_contains (b->tdept_link, dept->id) || b->input->mirror;
      if (op != NULL)
        {
          node->status = YQ_COMPARISON_REMOVED;
          node->reason = YQ_COMPARISON_REASON_SOURCE_GONE;
        }
      else
        {
          node->status = YQ_COMPARISON_TARGET_ONLY;
          node->reason = YQ_COMPARISON_REASON_UNLINKED_TARGET;
          node->reason_detail = intern (b, g_hash_table_lookup (b->warnings, dept->id));
        }
      g_hash_table_insert (b->tdept_node, dept->id, GUINT_TO_POINTER (index));
    }
}

static void
add_target_people (Builder *b)
{
  YqOrgSnapshot *target = b->input->target;
  guint n = yq_org_snapshot_get_n_people (target);

  for (guint i = 0; i < n; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (target, i);
      YqComparisonNode *node;
      guint32 index;

      if (g_hash_table_contains (b->tperson_used, person->id))
        continue;

      index = new_node (b, TRUE, person->order, person->name);
      node = node_at (b->self, index);
      node->target_id = intern (b, person->id);
      node->active = person->active;
      node->linked = g_hash_table_contains (b->tperson_link, person->id) || b->input->mirror;
      node->account = intern (b, person->account_code);
      node->job_number = intern (b, person->job_number);
      node->mobile = intern (b, person->mobile);
      if (g_hash_table_contains (b->remove_ops, person->id))
        {
          node->status = YQ_COMPARISON_REMOVED;
          node->reason = YQ_COMPARISON_REASON_SOURCE_GONE;
        }
      else
        {
          node->status = YQ_COMPARISON_TARGET_ONLY;
          node->reason = YQ_COMPARISON_REASON_UNLINKED_TARGET;
        }
    }
}

/* Parents on both sides, once every department has its node. */
static void
assign_parents (Builder *b)
{
  YqOrgSnapshot *source = b->input->source;
  YqOrgSnapshot *target = b->input->target;
  guint n = b->self->nodes->len;

  for (guint i = 0; i < n; i++)
    {
      YqComparisonNode *node = node_at (b->self, i);
      gpointer value;

      if (!node->is_person)
        {
          const YqOrgDepartment *sdept = node->source_id
            ? yq_org_snapshot_lookup_department (source, node->source_id) : NULL;
          const YqOrgDepartment *tdept = node->target_id
            ? yq_org_snapshot_lookup_department (target, node->target_id) : NULL;

          if (sdept != NULL && sdept->parent_id != NULL &&
              g_hash_table_lookup_extended (b->sdept_node, sdept->parent_id, NULL, &value))
            node->source_parent = GPOINTER_TO_UINT (value);
          if (tdept != NULL && tdept->parent_id != NULL &&
              g_hash_table_lookup_extended (b->tdept_node, tdept->parent_id, NULL, &value))
            node->target_parent = GPOINTER_TO_UINT (value);
          node->parent = sdept != NULL ? node->source_parent : node->target_parent;
        }
      else if (node->source_id == NULL)
        {
          const YqOrgPerson *person = yq_org_snapshot_lookup_person (target, node->target_id);

          if (person != NULL && person->department_ids != NULL &&
              person->department_ids[0] != NULL &&
              g_hash_table_lookup_extended (b->tdept_node, person->department_ids[0],
                                            NULL, &value))
            node->parent = node->target_parent = GPOINTER_TO_UINT (value);
        }

      if (node->source_parent == i)
        node->source_parent = YQ_COMPARISON_NONE;
      if (node->target_parent == i)
        node->target_parent = YQ_COMPARISON_NONE;
      if (node->parent == i)
        node->parent = YQ_COMPARISON_NONE;
    }
}

/* Cuts parent cycles (a broken snapshot): a node on a cycle becomes a top
 * node. @member is the offset of the parent member in the node. */
static void
break_cycles (YqComparison *self,
              gsize         member)
{
  guint n = self->nodes->len;
  g_autofree guint8 *state = g_new0 (guint8, MAX (n, 1));   /* 0 new, 1 on the walk, 2 done */

  for (guint i = 0; i < n; i++)
    {
      guint32 j = i;

      while (j != YQ_COMPARISON_NONE && state[j] == 0)
        {
          state[j] = 1;
          j = G_STRUCT_MEMBER (guint32, node_at (self, j), member);
        }
      if (j != YQ_COMPARISON_NONE && state[j] == 1)
        G_STRUCT_MEMBER (guint32, node_at (self, j), member) = YQ_COMPARISON_NONE;
      for (j = i; j != YQ_COMPARISON_NONE && state[j] == 1;
           j = G_STRUCT_MEMBER (guint32, node_at (self, j), member))
        state[j] = 2;
    }
}

static Builder *sort_builder;
G_LOCK_DEFINE_STATIC (sort);

static int
compare_children (const void *a,
                  const void *b)
{
  guint32 ia = *(const guint32 *) a;
  guint32 ib = *(const guint32 *) b;
  const YqComparisonNode *na = node_at (sort_builder->self, ia);
  const YqComparisonNode *nb = node_at (sort_builder->self, ib);
  int cmp;

  if (na->is_person != nb->is_person)
    return na->is_person ? 1 : -1;
  if (!na->is_person)
    {
      gint64 oa = g_array_index (sort_builder->orders, gint64, ia);
      gint64 ob = g_array_index (sort_builder->orders, gint64, ib);

      if (oa != ob)
        return oa < ob ? -1 : 1;
    }

  cmp = strcmp (g_ptr_array_index (sort_builder->keys, ia),
                g_ptr_array_index (sort_builder->keys, ib));
  if (cmp != 0)
    return cmp;

  return ia < ib ? -1 : ia > ib;
}

static void
build_children (Builder *b)
{
  YqComparison *self = b->self;
  guint n = self->nodes->len;
  g_autofree guint32 *fill = g_new0 (guint32, n + 2);

  self->child_offsets = g_new0 (guint32, n + 2);
  self->children = g_new (guint32, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      guint32 parent = node_at (self, i)->parent;

      self->child_offsets[(parent == YQ_COMPARISON_NONE ? n : parent) + 1]++;
    }
  for (guint i = 0; i <= n; i++)
    self->child_offsets[i + 1] += self->child_offsets[i];
  for (guint i = 0; i < n; i++)
    {
      guint32 parent = node_at (self, i)->parent;
      guint32 slot = parent == YQ_COMPARISON_NONE ? n : parent;

      self->children[self->child_offsets[slot] + fill[slot]++] = i;
    }

  b->keys = g_ptr_array_new_full (n, g_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (b->keys, g_utf8_collate_key (node_at (self, i)->name, -1));

  /* qsort has no user data; the builder is passed through a static. */
  G_LOCK (sort);
  sort_builder = b;
  for (guint i = 0; i <= n; i++)
    {
      guint32 len = self->child_offsets[i + 1] - self->child_offsets[i];

      if (len > 1)
        qsort (self->children + self->child_offsets[i], len, sizeof (guint32), compare_children);
    }
  sort_builder = NULL;
  G_UNLOCK (sort);
}

static void
count_people (YqComparison *self)
{
  guint n = self->nodes->len;
  g_autofree guint32 *order = g_new (guint32, MAX (n, 1));
  guint n_order = 0;

  for (guint32 c = self->child_offsets[n]; c < self->child_offsets[n + 1]; c++)
    order[n_order++] = self->children[c];
  for (guint k = 0; k < n_order; k++)
    for (guint32 c = self->child_offsets[order[k]]; c < self->child_offsets[order[k] + 1]; c++)
      order[n_order++] = self->children[c];

  for (guint k = n_order; k-- > 0;)
    {
      YqComparisonNode *node = node_at (self, order[k]);
      guint32 count = node->is_person
        ? (node->active && node->status != YQ_COMPARISON_REMOVED) : node->people;

      if (node->is_person)
        node->people = 0;
      if (node->parent != YQ_COMPARISON_NONE)
        node_at (self, node->parent)->people += count;
    }
}

/**
 * yq_comparison_new:
 * @input: the input @plan was planned from
 * @plan: the plan
 * @source_side: what the leading side is
 * @target_side: what the following side is
 *
 * Returns: (transfer full): the comparison
 */
YqComparison *
yq_comparison_new (const YqPlannerInput *input,
                   YqPlan               *plan,
                   YqComparisonSide      source_side,
                   YqComparisonSide      target_side)
{
  g_autoptr(YqComparison) self = NULL;
  const YqPlanCounts *counts;
  GPtrArray *blocks;
  Builder b = { 0 };
  guint n_estimate;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (input->source), NULL);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (input->target), NULL);
  g_return_val_if_fail (YQ_IS_PLAN (plan), NULL);

  self = g_object_new (YQ_TYPE_COMPARISON, NULL);
  self->source_side = source_side;
  self->target_side = target_side;
  self->strings = g_string_chunk_new (1 << 20);

  counts = yq_plan_get_counts (plan);
  self->plan_counts = *counts;
  self->needs_confirmation = yq_plan_needs_confirmation (plan);
  blocks = yq_plan_get_blocks (plan);
  for (guint i = 0; i < blocks->len; i++)
    {
      const YqPlanBlock *block = g_ptr_array_index (blocks, i);
      YqPlanBlock *copy = g_new0 (YqPlanBlock, 1);

      copy->kind = block->kind;
      copy->message = g_strdup (block->message);
      g_ptr_array_add (self->blocks, copy);
    }

  b.input = input;
  b.plan = plan;
  b.self = self;
  b.profile = input->profile;
  if (b.profile == NULL)
    b.profile = b.default_profile = yq_sync_profile_new ();

  n_estimate = yq_org_snapshot_get_n_departments (input->source) +
               yq_org_snapshot_get_n_people (input->source) + 16;
  g_array_unref (self->nodes);
  self->nodes = g_array_sized_new (FALSE, TRUE, sizeof (YqComparisonNode), n_estimate);
  b.orders = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_estimate);

  b.dept_ops = g_hash_table_new (g_str_hash, g_str_equal);
  b.person_ops = g_hash_table_new (g_str_hash, g_str_equal);
  b.bind_ops = g_hash_table_new (g_str_hash, g_str_equal);
  b.delete_ops = g_hash_table_new (g_str_hash, g_str_equal);
  b.remove_ops = g_hash_table_new (g_str_hash, g_str_equal);
  b.warnings = g_hash_table_new (g_str_hash, g_str_equal);
  b.sdept_node = g_hash_table_new (g_str_hash, g_str_equal);
  b.tdept_node = g_hash_table_new (g_str_hash, g_str_equal);
  b.tperson_used = g_hash_table_new (g_str_hash, g_str_equal);
  b.tdept_link = g_hash_table_new (g_str_hash, g_str_equal);
  b.tperson_link = g_hash_table_new (g_str_hash, g_str_equal);

  index_plan (&b);
  if (!input->mirror && input->links != NULL)
    {
      index_links (&b, input->links->departments, b.tdept_link, FALSE);
      index_links (&b, input->links->people, b.tperson_link, TRUE);
    }
  compute_scope (&b);

  add_source_departments (&b);
  add_source_people (&b);
  add_target_departments (&b);
  add_target_people (&b);
  assign_parents (&b);
  break_cycles (self, G_STRUCT_OFFSET (YqComparisonNode, parent));
  break_cycles (self, G_STRUCT_OFFSET (YqComparisonNode, source_parent));
  break_cycles (self, G_STRUCT_OFFSET (YqComparisonNode, target_parent));
  build_children (&b);
  count_people (self);
  compute_derived (self);

  g_hash_table_unref (b.dept_ops);
  g_hash_table_unref (b.person_ops);
  g_hash_table_unref (b.bind_ops);
  g_hash_table_unref (b.delete_ops);
  g_hash_table_unref (b.remove_ops);
  g_hash_table_unref (b.warnings);
  g_hash_table_unref (b.sdept_node);
  g_hash_table_unref (b.tdept_node);
  g_hash_table_unref (b.tperson_used);
  g_hash_table_unref (b.tdept_link);
  g_hash_table_unref (b.tperson_link);
  g_array_unref (b.orders);
  g_clear_pointer (&b.keys, g_ptr_array_unref);
  g_free (b.in_scope);
  g_clear_pointer (&b.default_profile, yq_sync_profile_free);

  return g_steal_pointer (&self);
}

/* ---- Reading ------------------------------------------------------------- */

YqComparisonSide
yq_comparison_get_source_side (YqComparison *self)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), 0);

  return self->source_side;
}

YqComparisonSide
yq_comparison_get_target_side (YqComparison *self)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), 0);

  return self->target_side;
}

guint
yq_comparison_get_n_nodes (YqComparison *self)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), 0);

  return self->nodes->len;
}

const YqComparisonNode *
yq_comparison_get_node (YqComparison *self,
                        guint         index)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (index < self->nodes->len, NULL);

  return node_at (self, index);
}

const YqComparisonField *
yq_comparison_get_fields (YqComparison *self,
                          guint         index,
                          guint        *n_fields)
{
  const YqComparisonNode *node;

  g_return_val_if_fail (YQ_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (index < self->nodes->len, NULL);

  node = node_at (self, index);
  if (n_fields != NULL)
    *n_fields = node->n_fields;
  if (node->n_fields == 0)
    return NULL;

  return &g_array_index (self->fields, YqComparisonField, node->first_field);
}

const guint32 *
yq_comparison_get_children (YqComparison *self,
                            guint         index,
                            guint        *n_children)
{
  guint slot;

  g_return_val_if_fail (YQ_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (index == YQ_COMPARISON_NONE || index < self->nodes->len, NULL);

  slot = index == YQ_COMPARISON_NONE ? self->nodes->len : index;
  if (n_children != NULL)
    *n_children = self->child_offsets[slot + 1] - self->child_offsets[slot];

  return self->children + self->child_offsets[slot];
}

void
yq_comparison_get_counts (YqComparison *self,
                          guint         counts[YQ_N_COMPARISON_STATUSES][2])
{
  g_return_if_fail (YQ_IS_COMPARISON (self));

  memcpy (counts, self->counts, sizeof self->counts);
}

/**
 * yq_comparison_get_blocks:
 *
 * Returns: (transfer none) (element-type YqPlanBlock): the plan's blocks
 */
GPtrArray *
yq_comparison_get_blocks (YqComparison *self)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), NULL);

  return self->blocks;
}

const YqPlanCounts *
yq_comparison_get_plan_counts (YqComparison *self)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), NULL);

  return &self->plan_counts;
}

gboolean
yq_comparison_needs_confirmation (YqComparison *self)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), FALSE);

  return self->needs_confirmation;
}

gboolean
yq_comparison_has_changes_below (YqComparison *self,
                                 guint         index)
{
  g_return_val_if_fail (YQ_IS_COMPARISON (self), FALSE);
  g_return_val_if_fail (index < self->nodes->len, FALSE);

  return self->changes_below[index];
}

/**
 * yq_comparison_get_path:
 *
 * Returns: (transfer full): the path, or "" when the node is not on that
 *   side
 */
char *
yq_comparison_get_path (YqComparison *self,
                        guint         index,
                        gboolean      source)
{
  g_autoptr(GPtrArray) names = NULL;
  GString *path;
  guint32 i;

  g_return_val_if_fail (YQ_IS_COMPARISON (self), NULL);
  g_return_val_if_fail (index < self->nodes->len, NULL);

  if ((source ? node_at (self, index)->source_id : node_at (self, index)->target_id) == NULL)
    return g_strdup ("");

  names = g_ptr_array_new ();
  /* Parents are acyclic (checked when built and loaded); the bound is a
   * second guard. */
  for (i = index; i != YQ_COMPARISON_NONE && names->len <= self->nodes->len;)
    {
      const YqComparisonNode *node = node_at (self, i);

      if (source)
        {
          g_ptr_array_add (names, (gpointer) node->name);
          i = node->source_parent;
        }
      else
        {
          g_ptr_array_add (names, (gpointer) (node->old_name ? node->old_name : node->name));
          i = node->target_parent;
        }
    }

  path = g_string_new (NULL);
  for (guint k = names->len; k-- > 0;)
    {
      g_string_append_c (path, '/');
      g_string_append (path, g_ptr_array_index (names, k));
    }

  return g_string_free (path, FALSE);
}

static gboolean
folded_contains (const char *text,
                 const char *folded_needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;

  folded = g_utf8_casefold (text, -1);
  return strstr (folded, folded_needle) != NULL;
}

gboolean
yq_comparison_node_matches (YqComparison *self,
                            guint         index,
                            const char   *folded_needle)
{
  const YqComparisonNode *node;

  g_return_val_if_fail (YQ_IS_COMPARISON (self), FALSE);
  g_return_val_if_fail (index < self->nodes->len, FALSE);

  if (folded_needle == NULL || *folded_needle == '\0')
    return TRUE;

  node = node_at (self, index);
  return folded_contains (node->name, folded_needle) ||
         folded_contains (node->old_name, folded_needle) ||
         folded_contains (node->account, folded_needle) ||
         folded_contains (node->job_number, folded_needle) ||
         folded_contains (node->mobile, folded_needle) ||
         folded_contains (node->source_id, folded_needle) ||
         folded_contains (node->target_id, folded_needle);
}

const char *
yq_comparison_status_to_string (YqComparisonStatus status)
{
  g_return_val_if_fail ((guint) status < YQ_N_COMPARISON_STATUSES, NULL);

  return status_names[status];
}

gboolean
yq_comparison_status_from_string (const char         *text,
                                  YqComparisonStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  for (guint i = 0; text != NULL && i < YQ_N_COMPARISON_STATUSES; i++)
    {
      if (g_str_equal (text, status_names[i]))
        {
          *status = (YqComparisonStatus) i;
          return TRUE;
        }
    }

  return FALSE;
}

/* ---- Saving and loading -------------------------------------------------- */

/* The per-node string members, in file order. */
static const gsize node_strings[] = {
  G_STRUCT_OFFSET (YqComparisonNode, source_id),
  G_STRUCT_OFFSET (YqComparisonNode, target_id),
  G_STRUCT_OFFSET (YqComparisonNode, name),
  G_STRUCT_OFFSET (YqComparisonNode, old_name),
  G_STRUCT_OFFSET (YqComparisonNode, account),
  G_STRUCT_OFFSET (YqComparisonNode, job_number),
  G_STRUCT_OFFSET (YqComparisonNode, mobile),
  G_STRUCT_OFFSET (YqComparisonNode, reason_detail),
};

static const char * const node_string_names[] = {
  "source ID", "target ID", "name", "old name", "account", "job number", "mobile",
  "reason detail",
};

static const gsize node_bytes[] = {
  G_STRUCT_OFFSET (YqComparisonNode, is_person),
  G_STRUCT_OFFSET (YqComparisonNode, status),
  G_STRUCT_OFFSET (YqComparisonNode, linked),
  G_STRUCT_OFFSET (YqComparisonNode, active),
  G_STRUCT_OFFSET (YqComparisonNode, reason),
};

static const gsize node_indices[] = {
  G_STRUCT_OFFSET (YqComparisonNode, parent),
  G_STRUCT_OFFSET (YqComparisonNode, source_parent),
  G_STRUCT_OFFSET (YqComparisonNode, target_parent),
  G_STRUCT_OFFSET (YqComparisonNode, people),
  G_STRUCT_OFFSET (YqComparisonNode, first_field),
  G_STRUCT_OFFSET (YqComparisonNode, n_fields),
};

#define N_NODE_STRINGS G_N_ELEMENTS (node_strings)
#define N_NODE_BYTES   G_N_ELEMENTS (node_bytes)
#define N_NODE_INDICES G_N_ELEMENTS (node_indices)
/* version, sides ×2, confirmation, counts, blocks, blob, bytes, changes,
 * indices, strings, field strings ×3, offsets, children */
#define N_MEMBERS (7 + N_NODE_BYTES + 1 + N_NODE_INDICES + N_NODE_STRINGS + 3 + 2)

typedef struct
{
  GString    *blob;
  GHashTable *offsets;   /* string pointer → offset + 1 (dedup of shared pointers) */
} Blob;

static guint32
blob_add (Blob       *blob,
          const char *text)
{
  guint32 offset;
  gpointer value;

  if (text == NULL)
    return G_MAXUINT32;

  if (g_hash_table_lookup_extended (blob->offsets, text, NULL, &value))
    return GPOINTER_TO_UINT (value) - 1;

  offset = blob->blob->len;
  g_string_append_len (blob->blob, text, strlen (text) + 1);
  g_hash_table_insert (blob->offsets, (gpointer) text, GUINT_TO_POINTER (offset + 1));

  return offset;
}

static GVariant *
fixed_u (const guint32 *values,
         gsize          n)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, values, n, sizeof (guint32));
}

static GVariant *
comparison_to_variant (YqComparison *self)
{
  guint n = self->nodes->len;
  guint n_fields = self->fields->len;
  Blob blob = { g_string_sized_new (1 << 20), g_hash_table_new (NULL, NULL) };
  g_autofree guint8 *bytes = g_new (guint8, (gsize) MAX (n, 1) * N_NODE_BYTES);
  g_autofree guint16 *changes = g_new (guint16, MAX (n, 1));
  g_autofree guint32 *indices = g_new (guint32, (gsize) MAX (n, 1) * N_NODE_INDICES);
  g_autofree guint32 *strings = g_new (guint32, (gsize) MAX (n, 1) * N_NODE_STRINGS);
  g_autofree guint32 *field_strings = g_new (guint32, (gsize) MAX (n_fields, 1) * 3);
  guint32 counts[N_COUNTS];
  GVariantBuilder blocks;
  GVariant *members[N_MEMBERS];
  guint m = 0;

  for (guint i = 0; i < n; i++)
    {
      const YqComparisonNode *node = node_at (self, i);

      for (guint k = 0; k < N_NODE_BYTES; k++)
        bytes[k * n + i] = G_STRUCT_MEMBER (guint8, node, node_bytes[k]);
      changes[i] = node->changes;
      for (guint k = 0; k < N_NODE_INDICES; k++)
        indices[k * n + i] = G_STRUCT_MEMBER (guint32, node, node_indices[k]);
      for (guint k = 0; k < N_NODE_STRINGS; k++)
        strings[k * n + i] = blob_add (&blob, G_STRUCT_MEMBER (const char *, node,
                                                               node_strings[k]));
    }
  for (guint i = 0; i < n_fields; i++)
    {
      const YqComparisonField *field = &g_array_index (self->fields, YqComparisonField, i);

      field_strings[i] = blob_add (&blob, field->field);
      field_strings[n_fields + i] = blob_add (&blob, field->old_value);
      field_strings[2 * n_fields + i] = blob_add (&blob, field->new_value);
    }

  memcpy (counts, self->plan_counts.ops, sizeof self->plan_counts.ops);
  counts[YQ_N_PLAN_OP_KINDS + 0] = self->plan_counts.unchanged_departments;
  counts[YQ_N_PLAN_OP_KINDS + 1] = self->plan_counts.unchanged_people;
  counts[YQ_N_PLAN_OP_KINDS + 2] = self->plan_counts.skipped_departments;
  counts[YQ_N_PLAN_OP_KINDS + 3] = self->plan_counts.skipped_people;
  counts[YQ_N_PLAN_OP_KINDS + 4] = self->plan_counts.source_people;
  counts[YQ_N_PLAN_OP_KINDS + 5] = self->plan_counts.target_people;

  g_variant_builder_init (&blocks, G_VARIANT_TYPE ("a(us)"));
  for (guint i = 0; i < self->blocks->len; i++)
    {
      const YqPlanBlock *block = g_ptr_array_index (self->blocks, i);

      g_variant_builder_add (&blocks, "(us)", (guint32) block->kind, block->message);
    }

  members[m++] = g_variant_new_uint32 (FILE_VERSION);
  members[m++] = g_variant_new_byte (self->source_side);
  members[m++] = g_variant_new_byte (self->target_side);
  members[m++] = g_variant_new_boolean (self->needs_confirmation);
  members[m++] = fixed_u (counts, N_COUNTS);
  members[m++] = g_variant_builder_end (&blocks);
  members[m++] = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, blob.blob->str, blob.blob->len, 1);
  for (guint k = 0; k < N_NODE_BYTES; k++)
    members[m++] = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes + k * n, n, 1);
  members[m++] = g_variant_new_fixed_array (G_VARIANT_TYPE_UINT16, changes, n, sizeof (guint16));
  for (guint k = 0; k < N_NODE_INDICES; k++)
    members[m++] = fixed_u (indices + k * n, n);
  for (guint k = 0; k < N_NODE_STRINGS; k++)
    members[m++] = fixed_u (strings + k * n, n);
  for (guint k = 0; k < 3; k++)
    members[m++] = fixed_u (field_strings + k * n_fields, n_fields);
  members[m++] = fixed_u (self->child_offsets, n + 2);
  members[m++] = fixed_u (self->children, n);
  g_assert (m == N_MEMBERS);

  g_string_free (blob.blob, TRUE);
  g_hash_table_unref (blob.offsets);

  return g_variant_ref_sink (g_variant_new_tuple (members, m));
}

static char *
file_type_string (void)
{
  GString *type = g_string_new ("(uyybaua(us)ay");

  for (guint k = 0; k < N_NODE_BYTES; k++)
    g_string_append (type, "ay");
  g_string_append (type, "aq");
  for (guint k = 0; k < N_NODE_INDICES + N_NODE_STRINGS + 3 + 2; k++)
    g_string_append (type, "au");
  g_string_append_c (type, ')');

  return g_string_free (type, FALSE);
}

/**
 * yq_comparison_save:
 * @self: a comparison
 * @path: the file to write
 * @error: return location for an error
 *
 * Returns: whether the file was written
 */
gboolean
yq_comparison_save (YqComparison  *self,
                    const char    *path,
                    GError       **error)
{
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (YQ_IS_COMPARISON (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  variant = comparison_to_variant (self);
  bytes = g_variant_get_data_as_bytes (variant);
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                            &local_error))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code),
                   _("Could not save the comparison: %s. Check that the data folder is "
                     "writable and the disk is not full."),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
invalid (GError     **error,
         const char  *path,
         const char  *what)
{
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* TRANSLATORS: the first %s is a file, the second what is wrong in it */
               _("The comparison file “%s” is damaged: %s. Run the preview again."),
               name, what);
  return FALSE;
}

static const guint32 *
get_u (GVariant *tuple,
       guint     index,
       gsize    *n)
{
  g_autoptr(GVariant) child = g_variant_get_child_value (tuple, index);

  /* The data belongs to @tuple, which the caller holds. */
  return g_variant_get_fixed_array (child, n, sizeof (guint32));
}

static gboolean
string_ok (const char *blob,
           gsize       blob_len,
           guint32     offset,
           gboolean    nullable)
{
  if (offset == G_MAXUINT32)
    return nullable;
  if (offset >= blob_len || (offset > 0 && blob[offset - 1] != '\0'))
    return FALSE;

  return g_utf8_validate (blob + offset, -1, NULL);
}

static gboolean
check_acyclic (YqComparison *self,
               gsize         member)
{
  guint n = self->nodes->len;
  g_autofree guint8 *state = g_new0 (guint8, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      guint32 j = i;

      while (j != YQ_COMPARISON_NONE && state[j] == 0)
        {
          state[j] = 1;
          j = G_STRUCT_MEMBER (guint32, node_at (self, j), member);
        }
      if (j != YQ_COMPARISON_NONE && state[j] == 1)
        return FALSE;
      for (j = i; j != YQ_COMPARISON_NONE && state[j] == 1;
           j = G_STRUCT_MEMBER (guint32, node_at (self, j), member))
        state[j] = 2;
    }

  return TRUE;
}

static gboolean
comparison_from_variant (YqComparison  *self,
                         GVariant      *tuple,
                         const char    *path,
                         GError       **error)
{
  g_autoptr(GVariant) blob_variant = NULL;
  g_autoptr(GVariant) blocks = NULL;
  const guint8 *bytes[N_NODE_BYTES];
  const guint16 *changes;
  const guint32 *indices[N_NODE_INDICES];
  const guint32 *strings[N_NODE_STRINGS];
  const guint32 *field_strings[3];
  const guint32 *counts, *offsets, *children;
  const char *blob;
  gsize blob_len, n = 0, len, n_fields = 0;
  guint32 version;
  guint8 source_side, target_side;
  gboolean confirmation;
  guint m = 0;
  g_autofree guint8 *seen = NULL;
  GVariantIter iter;
  guint32 kind;
  const char *message;

  g_variant_get_child (tuple, m++, "u", &version);
  if (version != FILE_VERSION)
    return invalid (error, path, _("unknown format version"));
  g_variant_get_child (tuple, m++, "y", &source_side);
  g_variant_get_child (tuple, m++, "y", &target_side);
  g_variant_get_child (tuple, m++, "b", &confirmation);
  if (source_side > YQ_COMPARISON_SIDE_OA || target_side > YQ_COMPARISON_SIDE_OA)
    return invalid (error, path, _("unknown side"));
  self->source_side = source_side;
  self->target_side = target_side;
  self->needs_confirmation = confirmation;

  counts = get_u (tuple, m++, &len);
  if (len != N_COUNTS)
    return invalid (error, path, _("wrong number of plan counts"));
  memcpy (self->plan_counts.ops, counts, sizeof self->plan_counts.ops);
  self->plan_counts.unchanged_departments = counts[YQ_N_PLAN_OP_KINDS + 0];
  self->plan_counts.unchanged_people = counts[YQ_N_PLAN_OP_KINDS + 1];
  self->plan_counts.skipped_departments = counts[YQ_N_PLAN_OP_KINDS + 2];
  self->plan_counts.skipped_people = counts[YQ_N_PLAN_OP_KINDS + 3];
  self->plan_counts.source_people = counts[YQ_N_PLAN_OP_KINDS + 4];
  self->plan_counts.target_people = counts[YQ_N_PLAN_OP_KINDS + 5];

  blocks = g_variant_get_child_value (tuple, m++);
  g_variant_iter_init (&iter, blocks);
  while (g_variant_iter_next (&iter, "(u&s)", &kind, &message))
    {
      YqPlanBlock *block;

      if (kind > YQ_PLAN_BLOCK_READ_ONLY)
        return invalid (error, path, _("unknown block kind"));
      block = g_new0 (YqPlanBlock, 1);
      block->kind = kind;
      block->message = g_strdup (message);
      g_ptr_array_add (self->blocks, block);
    }

  blob_variant = g_variant_get_child_value (tuple, m++);
  blob = g_variant_get_fixed_array (blob_variant, &blob_len, 1);
  if (blob_len > 0 && blob[blob_len - 1] != '\0')
    return invalid (error, path, _("the strings are not terminated"));

  for (guint k = 0; k < N_NODE_BYTES; k++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (tuple, m++);

      bytes[k] = g_variant_get_fixed_array (child, &len, 1);
      if (k == 0)
        n = len;
      else if (len != n)
        return invalid (error, path, _("node arrays of different lengths"));
    }
  {
    g_autoptr(GVariant) child = g_variant_get_child_value (tuple, m++);

    changes = g_variant_get_fixed_array (child, &len, sizeof (guint16));
    if (len != n)
      return invalid (error, path, _("node arrays of different lengths"));
  }
  if (n >= G_MAXUINT32 - 2)
    return invalid (error, path, _("too many nodes"));
  for (guint k = 0; k < N_NODE_INDICES; k++)
    {
      indices[k] = get_u (tuple, m++, &len);
      if (len != n)
        return invalid (error, path, _("node arrays of different lengths"));
    }
  for (guint k = 0; k < N_NODE_STRINGS; k++)
    {
      strings[k] = get_u (tuple, m++, &len);
      if (len != n)
        return invalid (error, path, _("node arrays of different lengths"));
    }
  for (guint k = 0; k < 3; k++)
    {
      field_strings[k] = get_u (tuple, m++, &len);
      if (k == 0)
        n_fields = len;
      else if (len != n_fields)
        return invalid (error, path, _("field arrays of different lengths"));
    }
  offsets = get_u (tuple, m++, &len);
  if (len != n + 2)
    return invalid (error, path, _("wrong number of child offsets"));
  children = get_u (tuple, m++, &len);
  if (len != n)
    return invalid (error, path, _("wrong number of children"));

  /* Fields */
  g_array_set_size (self->fields, n_fields);
  for (gsize i = 0; i < n_fields; i++)
    {
      YqComparisonField *field = &g_array_index (self->fields, YqComparisonField, i);

      if (!string_ok (blob, blob_len, field_strings[0][i], FALSE) ||
          !string_ok (blob, blob_len, field_strings[1][i], TRUE) ||
          !string_ok (blob, blob_len, field_strings[2][i], TRUE))
        return invalid (error, path, _("a field has a bad string"));
      field->field = blob + field_strings[0][i];
      field->old_value = field_strings[1][i] != G_MAXUINT32 ? blob + field_strings[1][i] : NULL;
      field->new_value = field_strings[2][i] != G_MAXUINT32 ? blob + field_strings[2][i] : NULL;
    }

  /* Nodes */
  g_array_set_size (self->nodes, n);
  for (gsize i = 0; i < n; i++)
    {
      YqComparisonNode *node = node_at (self, i);

      for (guint k = 0; k < N_NODE_BYTES; k++)
        G_STRUCT_MEMBER (guint8, node, node_bytes[k]) = bytes[k][i];
      node->changes = changes[i];
      for (guint k = 0; k < N_NODE_INDICES; k++)
        G_STRUCT_MEMBER (guint32, node, node_indices[k]) = indices[k][i];
      for (guint k = 0; k < N_NODE_STRINGS; k++)
        {
          guint32 offset = strings[k][i];

          gboolean nullable = node_strings[k] != G_STRUCT_OFFSET (YqComparisonNode, name);

          if (!string_ok (blob, blob_len, offset, nullable))
            {
              g_autofree char *what = g_strdup_printf (_("node %u has a bad %s"), (guint) i,
                                                       node_string_names[k]);
              return invalid (error, path, what);
            }
          G_STRUCT_MEMBER (const char *, node, node_strings[k]) =
            offset != G_MAXUINT32 ? blob + offset : NULL;
        }

      if (node->is_person > 1 || node->linked > 1 || node->active > 1)
        return invalid (error, path, _("a node has a bad flag"));
      if (node->status >= YQ_N_COMPARISON_STATUSES)
        return invalid (error, path, _("a node has an unknown status"));
      if (node->reason > YQ_COMPARISON_REASON_MIRROR)
        return invalid (error, path, _("a node has an unknown reason"));
      if ((node->parent != YQ_COMPARISON_NONE && node->parent >= n) ||
          (node->source_parent != YQ_COMPARISON_NONE && node->source_parent >= n) ||
          (node->target_parent != YQ_COMPARISON_NONE && node->target_parent >= n))
        {
          g_autofree char *what = g_strdup_printf (_("node %u has a parent index out of range"),
                                                   (guint) i);
          return invalid (error, path, what);
        }
      if (node->n_fields > 0 &&
          (node->first_field >= n_fields || node->n_fields > n_fields - node->first_field))
        {
          g_autofree char *what = g_strdup_printf (_("node %u has a field index out of range"),
                                                   (guint) i);
          return invalid (error, path, what);
        }
    }

  for (gsize i = 0; i < n; i++)
    {
      const YqComparisonNode *node = node_at (self, i);

      if (node->parent != YQ_COMPARISON_NONE && node_at (self, node->parent)->is_person)
        return invalid (error, path, _("a node has a person as its parent"));
    }
  if (!check_acyclic (self, G_STRUCT_OFFSET (YqComparisonNode, parent)) ||
      !check_acyclic (self, G_STRUCT_OFFSET (YqComparisonNode, source_parent)) ||
      !check_acyclic (self, G_STRUCT_OFFSET (YqComparisonNode, target_parent)))
    return invalid (error, path, _("the parents form a cycle"));

  /* Children: every node once, under its parent. */
  if (offsets[0] != 0 || offsets[n + 1] != n)
    return invalid (error, path, _("the child offsets do not cover the nodes"));
  seen = g_new0 (guint8, MAX (n, 1));
  for (gsize slot = 0; slot <= n; slot++)
    {
      guint32 owner = slot == n ? YQ_COMPARISON_NONE : (guint32) slot;

      if (offsets[slot + 1] < offsets[slot] || offsets[slot + 1] > n)
        return invalid (error, path, _("the child offsets are out of order"));
      for (guint32 c = offsets[slot]; c < offsets[slot + 1]; c++)
        {
          guint32 child = children[c];

          if (child >= n || seen[child] || node_at (self, child)->parent != owner)
            {
              g_autofree char *what = g_strdup_printf (_("child entry %u does not match the "
                                                         "parents"), c);
              return invalid (error, path, what);
            }
          seen[child] = TRUE;
        }
    }

  self->child_offsets = g_memdup2 (offsets, (n + 2) * sizeof (guint32));
  self->children = n > 0 ? g_memdup2 (children, n * sizeof (guint32)) : g_new0 (guint32, 1);
  self->file = g_variant_ref (tuple);
  compute_derived (self);

  return TRUE;
}

/**
 * yq_comparison_load:
 * @path: a file written by yq_comparison_save()
 * @error: return location for an error
 *
 * Returns: (transfer full): the comparison, or %NULL with @error set
 */
YqComparison *
yq_comparison_load (const char  *path,
                    GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariantType) type = NULL;
  g_autoptr(YqComparison) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *type_string = file_type_string ();

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local_error->code),
                   _("Could not read the comparison: %s"), local_error->message);
      return NULL;
    }

  type = g_variant_type_new (type_string);
  bytes = g_mapped_file_get_bytes (file);
  variant = g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));
  if (!g_variant_is_normal_form (variant))
    {
      invalid (error, path, _("it is truncated or not a comparison file"));
      return NULL;
    }

  self = g_object_new (YQ_TYPE_COMPARISON, NULL);
  if (!comparison_from_variant (self, variant, path, error))
    return NULL;

  return g_steal_pointer (&self);
}
