/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-org"

#include "config.h"

#include "yq-org.h"

struct _YqOrgSnapshot
{
  GObject     parent_instance;

  char       *root_id;
  GPtrArray  *departments;
  GPtrArray  *people;
  GHashTable *department_index;
  GHashTable *person_index;
};

G_DEFINE_FINAL_TYPE (YqOrgSnapshot, yq_org_snapshot, G_TYPE_OBJECT)

YqOrgDepartment *
yq_org_department_new (const char *id,
                       const char *parent_id,
                       const char *name)
{
  YqOrgDepartment *dept;

  g_return_val_if_fail (id != NULL, NULL);

  dept = g_new0 (YqOrgDepartment, 1);
  dept->id = g_strdup (id);
  dept->parent_id = g_strdup (parent_id);
  dept->name = g_strdup (name ? name : "");
  dept->active = TRUE;

  return dept;
}

void
yq_org_department_free (YqOrgDepartment *dept)
{
  if (dept == NULL)
    return;

  g_free (dept->id);
  g_free (dept->parent_id);
  g_free (dept->name);
  g_free (dept);
}

YqOrgPerson *
yq_org_person_new (const char *id,
                   const char *name)
{
  YqOrgPerson *person;

  g_return_val_if_fail (id != NULL, NULL);

  person = g_new0 (YqOrgPerson, 1);
  person->id = g_strdup (id);
  person->name = g_strdup (name ? name : "");
  person->department_ids = g_new0 (char *, 1);
  person->active = TRUE;

  return person;
}

void
yq_org_person_free (YqOrgPerson *person)
{
  if (person == NULL)
    return;

  g_free (person->id);
  g_free (person->account_id);
  g_free (person->account_code);
  g_free (person->name);
  g_free (person->mobile);
  g_free (person->email);
  g_free (person->job_number);
  g_free (person->title);
  g_strfreev (person->department_ids);
  g_free (person);
}

/**
 * yq_org_department_copy:
 * @dept: a department (its ID may be %NULL, e.g. in a plan)
 *
 * Returns: (transfer full): a deep copy
 */
YqOrgDepartment *
yq_org_department_copy (const YqOrgDepartment *dept)
{
  YqOrgDepartment *copy;

  g_return_val_if_fail (dept != NULL, NULL);

  copy = g_new0 (YqOrgDepartment, 1);
  copy->id = g_strdup (dept->id);
  copy->parent_id = g_strdup (dept->parent_id);
  copy->name = g_strdup (dept->name);
  copy->order = dept->order;
  copy->active = dept->active;

  return copy;
}

/**
 * yq_org_person_copy:
 * @person: a person (its ID may be %NULL, e.g. in a plan)
 *
 * Returns: (transfer full): a deep copy
 */
YqOrgPerson *
yq_org_person_copy (const YqOrgPerson *person)
{
  YqOrgPerson *copy;

  g_return_val_if_fail (person != NULL, NULL);

  copy = g_new0 (YqOrgPerson, 1);
  copy->id = g_strdup (person->id);
  copy->account_id = g_strdup (person->account_id);
  copy->account_code = g_strdup (person->account_code);
  copy->name = g_strdup (person->name);
  copy->mobile = g_strdup (person->mobile);
  copy->email = g_strdup (person->email);
  copy->job_number = g_strdup (person->job_number);
  copy->title = g_strdup (person->title);
  copy->department_ids = person->department_ids != NULL
                         ? g_strdupv (person->department_ids)
                         : g_new0 (char *, 1);
  copy->order = person->order;
  copy->active = person->active;

  return copy;
}

gboolean
yq_org_department_equal (const YqOrgDepartment *a,
                         const YqOrgDepartment *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->parent_id, b->parent_id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         a->order == b->order &&
         !a->active == !b->active;
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);

  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

gboolean
yq_org_person_equal (const YqOrgPerson *a,
                     const YqOrgPerson *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->account_id, b->account_id) == 0 &&
         g_strcmp0 (a->account_code, b->account_code) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->mobile, b->mobile) == 0 &&
         g_strcmp0 (a->email, b->email) == 0 &&
         g_strcmp0 (a->job_number, b->job_number) == 0 &&
         g_strcmp0 (a->title, b->title) == 0 &&
         strv_equal0 (a->department_ids, b->department_ids) &&
         a->order == b->order &&
         !a->active == !b->active;
}

static void
yq_org_snapshot_finalize (GObject *object)
{
  YqOrgSnapshot *self = (YqOrgSnapshot *)object;

  g_clear_pointer (&self->department_index, g_hash_table_unref);
  g_clear_pointer (&self->person_index, g_hash_table_unref);
  g_clear_pointer (&self->departments, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_pointer (&self->root_id, g_free);

  G_OBJECT_CLASS (yq_org_snapshot_parent_class)->finalize (object);
}

static void
yq_org_snapshot_class_init (YqOrgSnapshotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_org_snapshot_finalize;
}

static void
yq_org_snapshot_init (YqOrgSnapshot *self)
{
  self->departments = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_org_department_free);
  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_org_person_free);
  /* Keys point into the records, which the arrays own. */
  self->department_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->person_index = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * yq_org_snapshot_new:
 * @root_id: (nullable): the ID of the top department
 *
 * Returns: (transfer full): an empty snapshot
 */
YqOrgSnapshot *
yq_org_snapshot_new (const char *root_id)
{
  YqOrgSnapshot *self = g_object_new (YQ_TYPE_ORG_SNAPSHOT, NULL);

  self->root_id = g_strdup (root_id);

  return self;
}

const char *
yq_org_snapshot_get_root_id (YqOrgSnapshot *self)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), NULL);

  return self->root_id;
}

void
yq_org_snapshot_set_root_id (YqOrgSnapshot *self,
                             const char    *root_id)
{
  g_return_if_fail (YQ_IS_ORG_SNAPSHOT (self));

  if (root_id != self->root_id)
    {
      g_free (self->root_id);
      self->root_id = g_strdup (root_id);
    }
}

/**
 * yq_org_snapshot_add_department:
 * @self: a snapshot
 * @dept: (transfer full): the department
 *
 * Adds @dept unless a department with the same ID is already there; in that
 * case @dept is freed.
 *
 * Returns: %TRUE if @dept was added
 */
gboolean
yq_org_snapshot_add_department (YqOrgSnapshot   *self,
                                YqOrgDepartment *dept)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), FALSE);
  g_return_val_if_fail (dept != NULL, FALSE);

  if (g_hash_table_contains (self->department_index, dept->id))
    {
      yq_org_department_free (dept);
      return FALSE;
    }

  g_ptr_array_add (self->departments, dept);
  g_hash_table_insert (self->department_index, dept->id, dept);

  return TRUE;
}

/**
 * yq_org_snapshot_add_person:
 * @self: a snapshot
 * @person: (transfer full): the person
 *
 * Adds @person unless a person with the same ID is already there; in that
 * case @person is freed. A person listed in several departments is one
 * record with several department IDs.
 *
 * Returns: %TRUE if @person was added
 */
gboolean
yq_org_snapshot_add_person (YqOrgSnapshot *self,
                            YqOrgPerson   *person)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  if (g_hash_table_contains (self->person_index, person->id))
    {
      yq_org_person_free (person);
      return FALSE;
    }

  g_ptr_array_add (self->people, person);
  g_hash_table_insert (self->person_index, person->id, person);

  return TRUE;
}

guint
yq_org_snapshot_get_n_departments (YqOrgSnapshot *self)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), 0);

  return self->departments->len;
}

guint
yq_org_snapshot_get_n_people (YqOrgSnapshot *self)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), 0);

  return self->people->len;
}

YqOrgDepartment *
yq_org_snapshot_get_department (YqOrgSnapshot *self,
                                guint          index)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), NULL);
  g_return_val_if_fail (index < self->departments->len, NULL);

  return g_ptr_array_index (self->departments, index);
}

YqOrgPerson *
yq_org_snapshot_get_person (YqOrgSnapshot *self,
                            guint          index)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), NULL);
  g_return_val_if_fail (index < self->people->len, NULL);

  return g_ptr_array_index (self->people, index);
}

YqOrgDepartment *
yq_org_snapshot_lookup_department (YqOrgSnapshot *self,
                                   const char    *id)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), NULL);

  return id ? g_hash_table_lookup (self->department_index, id) : NULL;
}

YqOrgPerson *
yq_org_snapshot_lookup_person (YqOrgSnapshot *self,
                               const char    *id)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (self), NULL);

  return id ? g_hash_table_lookup (self->person_index, id) : NULL;
}

/**
 * yq_org_snapshot_equal:
 * @a: a snapshot
 * @b: another snapshot
 * @first_difference: (out) (optional) (transfer full): a description of the
 *   first difference found, for test and diagnostic output
 *
 * Compares two snapshots as sets: the order in which departments and people
 * were added does not matter, every field of every record does.
 *
 * Returns: %TRUE if both hold the same organisation
 */
gboolean
yq_org_snapshot_equal (YqOrgSnapshot  *a,
                       YqOrgSnapshot  *b,
                       char          **first_difference)
{
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (a), FALSE);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (b), FALSE);

#define DIFFER(...) G_STMT_START { \
    if (first_difference) *first_difference = g_strdup_printf (__VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

  if (g_strcmp0 (a->root_id, b->root_id) != 0)
    DIFFER ("root %s ≠ %s", a->root_id, b->root_id);
  if (a->departments->len != b->departments->len)
    DIFFER ("%u departments ≠ %u", a->departments->len, b->departments->len);
  if (a->people->len != b->people->len)
    DIFFER ("%u people ≠ %u", a->people->len, b->people->len);

  for (guint i = 0; i < a->departments->len; i++)
    {
      const YqOrgDepartment *da = g_ptr_array_index (a->departments, i);
      const YqOrgDepartment *db = g_hash_table_lookup (b->department_index, da->id);

      if (db == NULL)
        DIFFER ("department %s missing", da->id);
      if (!yq_org_department_equal (da, db))
        DIFFER ("department %s differs (“%s” under %s, order %" G_GINT64_FORMAT
                " ≠ “%s” under %s, order %" G_GINT64_FORMAT ")",
                da->id, da->name, da->parent_id, da->order, db->name, db->parent_id, db->order);
    }

  for (guint i = 0; i < a->people->len; i++)
    {
      const YqOrgPerson *pa = g_ptr_array_index (a->people, i);
      const YqOrgPerson *pb = g_hash_table_lookup (b->person_index, pa->id);

      if (pb == NULL)
        DIFFER ("person %s missing", pa->id);
      if (!yq_org_person_equal (pa, pb))
        DIFFER ("person %s (“%s”) differs", pa->id, pa->name);
    }

#undef DIFFER

  if (first_difference)
    *first_difference = NULL;

  return TRUE;
}
