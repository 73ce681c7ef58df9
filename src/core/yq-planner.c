/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-planner"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yq-planner.h"

/*
 * The planner works on indices into the two snapshots. Every lookup is a
 * hash table lookup and every pass is linear; only the operations and
 * warnings (a small part of a large organisation, normally) are sorted.
 *
 * Departments are decided top-down (breadth first from the source top), so
 * that a department's parent is linked, just linked or just created before
 * the department itself is looked at. People come next, then the removals,
 * then the deletions (deepest first), then the thresholds.
 */

typedef enum
{
  SDEPT_OUT,      /* out of scope */
  SDEPT_SKIPPED,  /* in scope but left out (warning, parent left out, disabled and unlinked) */
  SDEPT_PLACED,   /* has a target department after the plan */
} SDeptState;

typedef struct _SDept SDept;

struct _SDept
{
  const YqOrgDepartment *dept;
  SDept                 *parent;        /* in the source tree */
  SDept                 *eff;           /* nearest in-scope ancestor, or the top */
  SDept                 *first_child;
  SDept                 *next_sibling;
  guint                  depth;
  guint                  reachable : 1;
  guint                  included : 1;
  guint                  excluded : 1;
  guint                  in_scope : 1;
  SDeptState             state;
  gint                   link;          /* valid link: target index, else -1 */
  gint                   target;        /* target index after the plan, -1 when created */
};

typedef struct _TDept TDept;

struct _TDept
{
  const YqOrgDepartment *dept;
  TDept                 *parent;
  TDept                 *first_child;
  TDept                 *next_sibling;
  const char            *link_source_id; /* the source it is linked to (present or gone) */
  SDept                 *link_source;    /* that source when present */
  gint                   depth;
  guint                  placed : 1;     /* a placed source department maps to it */
  guint                  occupied : 1;   /* people stay in it after the plan */
  guint                  deleted : 1;
};

typedef struct
{
  const char *link_source_id;   /* the source it is linked to (present or gone) */
  guint       has_source : 1;   /* that source is present */
  guint       leaves : 1;       /* removed, or moved to other departments */
} TPerson;

/* A string → index map sized once (open addressing, linear probing), for
 * the one index as large as the organisation: GHashTable would grow
 * through every power of two on the way. */
typedef struct
{
  guint        mask;
  guint       *hashes;
  gint        *values;
  const char **keys;
} StrIndex;

typedef struct
{
  guint       depth;
  gint64      order;
  const char *id;
  YqPlanOp   *op;
} DeptEntry;

typedef struct
{
  const char        *key;
  YqPlanWarningKind  kind;
  char              *source_id;
  char              *message;
} WarningEntry;

typedef struct
{
  const YqPlannerInput *input;
  const YqSyncProfile  *profile;
  YqSyncProfile        *default_profile;
  GHashTable           *dept_links;    /* borrowed, or an empty table */
  GHashTable           *people_links;
  GHashTable           *empty_links;
  YqPlan               *plan;
  YqPlanCounts         *counts;

  YqOrgSnapshot        *source;
  YqOrgSnapshot        *target;

  guint                 n_sdepts;
  SDept                *sdepts;
  GHashTable           *sdept_index;   /* id → SDept */
  guint                 n_tdepts;
  TDept                *tdepts;
  GHashTable           *tdept_index;   /* id → TDept */
  SDept                *top;           /* the source top */
  TDept                *target_top;    /* NULL when the target is empty */
  GPtrArray            *order;         /* SDept, breadth first */

  guint                 n_tpeople;
  TPerson              *tpeople;
  StrIndex              tperson_index; /* id → index */

  GArray               *dept_ops;      /* DeptEntry */
  GPtrArray            *person_ops;    /* YqPlanOp: link, create, update */
  GPtrArray            *remove_ops;    /* YqPlanOp */
  GArray               *dept_warnings; /* WarningEntry */
  GArray               *person_warnings;
} Planner;

static void
warning_entry_clear (gpointer data)
{
  WarningEntry *entry = data;

  g_free (entry->source_id);
  g_free (entry->message);
}

static void
dept_entry_clear (gpointer data)
{
  DeptEntry *entry = data;

  g_clear_pointer (&entry->op, yq_plan_op_free);
}

static void
planner_init (Planner              *p,
              const YqPlannerInput *input)
{
  memset (p, 0, sizeof *p);

  p->input = input;
  p->source = input->source;
  p->target = input->target;
  if (input->profile != NULL)
    p->profile = input->profile;
  else
    p->profile = p->default_profile = yq_sync_profile_new ();

  p->empty_links = g_hash_table_new (g_str_hash, g_str_equal);
  p->dept_links = input->links && input->links->departments ? input->links->departments
                                                            : p->empty_links;
  p->people_links = input->links && input->links->people ? input->links->people
                                                         : p->empty_links;

  p->plan = yq_plan_new ();
  p->counts = yq_plan_get_counts_mut (p->plan);

  p->dept_ops = g_array_new (FALSE, TRUE, sizeof (DeptEntry));
  g_array_set_clear_func (p->dept_ops, dept_entry_clear);
  p->person_ops = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_plan_op_free);
  p->remove_ops = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_plan_op_free);
  p->dept_warnings = g_array_new (FALSE, TRUE, sizeof (WarningEntry));
  g_array_set_clear_func (p->dept_warnings, warning_entry_clear);
  p->person_warnings = g_array_new (FALSE, TRUE, sizeof (WarningEntry));
  g_array_set_clear_func (p->person_warnings, warning_entry_clear);
}

static void
planner_clear (Planner *p)
{
  g_clear_pointer (&p->sdept_index, g_hash_table_unref);
  g_clear_pointer (&p->tdept_index, g_hash_table_unref);
  g_clear_pointer (&p->tperson_index.hashes, g_free);
  g_clear_pointer (&p->tperson_index.values, g_free);
  g_clear_pointer (&p->tperson_index.keys, g_free);
  g_clear_pointer (&p->sdepts, g_free);
  g_clear_pointer (&p->tdepts, g_free);
  g_clear_pointer (&p->tpeople, g_free);
  g_clear_pointer (&p->order, g_ptr_array_unref);
  g_clear_pointer (&p->dept_ops, g_array_unref);
  g_clear_pointer (&p->person_ops, g_ptr_array_unref);
  g_clear_pointer (&p->remove_ops, g_ptr_array_unref);
  g_clear_pointer (&p->dept_warnings, g_array_unref);
  g_clear_pointer (&p->person_warnings, g_array_unref);
  g_clear_pointer (&p->empty_links, g_hash_table_unref);
  g_clear_pointer (&p->default_profile, yq_sync_profile_free);
  g_clear_object (&p->plan);
}

/* Helpers */

static inline gboolean
is_empty (const char *s)
{
  return s == NULL || *s == '\0';
}

/* NULL and "" are the same value. */
static inline gboolean
same_value (const char *a,
            const char *b)
{
  if (is_empty (a))
    return is_empty (b);
  return !is_empty (b) && strcmp (a, b) == 0;
}

static inline SDept *
sdept_lookup (Planner    *p,
              const char *id)
{
  return id ? g_hash_table_lookup (p->sdept_index, id) : NULL;
}

static inline TDept *
tdept_lookup (Planner    *p,
              const char *id)
{
  return id ? g_hash_table_lookup (p->tdept_index, id) : NULL;
}

static void
str_index_init (StrIndex *index,
                guint     n)
{
  guint size = 16;

  while (size < 2 * n)
    size <<= 1;

  index->mask = size - 1;
  index->hashes = g_new0 (guint, size);
  index->values = g_new (gint, size);
  index->keys = g_new0 (const char *, size);
}

/* Keeps the first value of a key, as the snapshots do. */
static void
str_index_insert (StrIndex   *index,
                  const char *key,
                  gint        value)
{
  guint hash = g_str_hash (key);

  for (guint slot = hash & index->mask;; slot = (slot + 1) & index->mask)
    {
      if (index->keys[slot] == NULL)
        {
          index->keys[slot] = key;
          index->hashes[slot] = hash;
          index->values[slot] = value;
          return;
        }
      if (index->hashes[slot] == hash && strcmp (index->keys[slot], key) == 0)
        return;
    }
}

static gint
str_index_lookup (const StrIndex *index,
                  const char     *key)
{
  guint hash;

  if (key == NULL || index->keys == NULL)
    return -1;

  hash = g_str_hash (key);
  for (guint slot = hash & index->mask; index->keys[slot] != NULL;
       slot = (slot + 1) & index->mask)
    {
      if (index->hashes[slot] == hash && strcmp (index->keys[slot], key) == 0)
        return index->values[slot];
    }

  return -1;
}

static inline gint
tperson_lookup (Planner    *p,
                const char *id)
{
  return str_index_lookup (&p->tperson_index, id);
}

static GHashTable *
strv_set_new (char **strv)
{
  GHashTable *set;

  if (strv == NULL || strv[0] == NULL)
    return NULL;

  set = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; strv[i] != NULL; i++)
    g_hash_table_add (set, strv[i]);

  return set;
}

static inline gboolean
set_contains (GHashTable *set,
              const char *key)
{
  return set != NULL && key != NULL && g_hash_table_contains (set, key);
}

static char *
name_and_id (const char *name,
             const char *id)
{
  /* TRANSLATORS: a department or person: its name, then its ID */
  return g_strdup_printf (_("“%s” (%s)"), name ? name : "", id ? id : "");
}

static const char *
field_label (YqPersonField field)
{
  static const char * const labels[YQ_N_PERSON_FIELDS] = {
    [YQ_PERSON_FIELD_NAME] = N_("name"),
    [YQ_PERSON_FIELD_MOBILE] = N_("mobile number"),
    [YQ_PERSON_FIELD_EMAIL] = N_("e-mail address"),
    [YQ_PERSON_FIELD_JOB_NUMBER] = N_("job number"),
    [YQ_PERSON_FIELD_TITLE] = N_("title"),
    [YQ_PERSON_FIELD_ACCOUNT_CODE] = N_("account"),
  };

  g_return_val_if_fail ((guint) field < YQ_N_PERSON_FIELDS, "");

  return _(labels[field]);
}

static YqOrgDepartment *
department_new_full (const char *id,
                     const char *parent_id,
                     const char *name,
                     gint64      order,
                     gboolean    active)
{
  YqOrgDepartment *dept = g_new0 (YqOrgDepartment, 1);

  dept->id = g_strdup (id);
  dept->parent_id = g_strdup (parent_id);
  dept->name = g_strdup (name ? name : "");
  dept->order = order;
  dept->active = active;

  return dept;
}

/* Appends @op to the plan and counts it. */
static void
plan_op (Planner  *p,
         YqPlanOp *op)
{
  p->counts->ops[op->kind]++;
  yq_plan_add_op (p->plan, op);
}

static void
add_dept_warning (Planner           *p,
                  const SDept       *s,
                  YqPlanWarningKind  kind,
                  char              *message)
{
  WarningEntry entry = { s->dept->id, kind, g_strdup (s->dept->id), message };

  g_array_append_val (p->dept_warnings, entry);
}

static void
add_person_warning (Planner           *p,
                    const char        *source_id,
                    YqPlanWarningKind  kind,
                    char              *message)
{
  WarningEntry entry = { NULL, kind, g_strdup (source_id), message };

  entry.key = entry.source_id;
  g_array_append_val (p->person_warnings, entry);
}

static void
add_dept_op (Planner     *p,
             const SDept *s,
             YqPlanOp    *op)
{
  DeptEntry entry = { s->depth, s->dept->order, s->dept->id, op };

  g_array_append_val (p->dept_ops, entry);
}

/* Indexing */

static void
index_source_departments (Planner *p)
{
  p->n_sdepts = yq_org_snapshot_get_n_departments (p->source);
  p->sdepts = g_new0 (SDept, MAX (p->n_sdepts, 1));
  p->sdept_index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < p->n_sdepts; i++)
    {
      SDept *s = &p->sdepts[i];

      s->dept = yq_org_snapshot_get_department (p->source, i);
      s->link = -1;
      s->target = -1;
      s->state = SDEPT_SKIPPED;
      g_hash_table_insert (p->sdept_index, s->dept->id, s);
    }

  /* Children lists, in reverse snapshot order so that prepending keeps the
   * snapshot order; the operations are sorted later anyway. */
  for (guint i = p->n_sdepts; i-- > 0;)
    {
      SDept *s = &p->sdepts[i];
      SDept *parent = sdept_lookup (p, s->dept->parent_id);

      if (parent != NULL && parent != s)
        {
          s->parent = parent;
          s->next_sibling = parent->first_child;
          parent->first_child = s;
        }
    }
}

static void
index_target_departments (Planner *p)
{
  p->n_tdepts = yq_org_snapshot_get_n_departments (p->target);
  p->tdepts = g_new0 (TDept, MAX (p->n_tdepts, 1));
  p->tdept_index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < p->n_tdepts; i++)
    {
      TDept *t = &p->tdepts[i];

      t->dept = yq_org_snapshot_get_department (p->target, i);
      t->depth = -1;
      g_hash_table_insert (p->tdept_index, t->dept->id, t);
    }

  for (guint i = p->n_tdepts; i-- > 0;)
    {
      TDept *t = &p->tdepts[i];
      TDept *parent = tdept_lookup (p, t->dept->parent_id);

      if (parent != NULL && parent != t)
        {
          t->parent = parent;
          t->next_sibling = parent->first_child;
          parent->first_child = t;
        }
    }
}

static gint
tdept_depth (TDept *t)
{
  g_autoptr(GPtrArray) chain = NULL;
  gint depth;

  if (t->depth >= 0)
    return t->depth;

  /* Walk up to a known depth or the top; a cycle counts as a top. */
  chain = g_ptr_array_new ();
  for (TDept *u = t; u != NULL && u->depth < 0; u = u->parent)
    {
      if (u->depth == -2)
        break;
      u->depth = -2;
      g_ptr_array_add (chain, u);
    }

  depth = -1;
  {
    TDept *last = chain->len ? g_ptr_array_index (chain, chain->len - 1) : t;

    if (last->parent != NULL && last->parent->depth >= 0)
      depth = last->parent->depth;
  }

  for (guint i = chain->len; i-- > 0;)
    {
      TDept *u = g_ptr_array_index (chain, i);

      u->depth = ++depth;
    }

  return t->depth;
}

/* Links are used only when both ends exist and the maps agree both ways;
 * when two sources claim one target, the smaller source ID keeps it. */
static void
resolve_department_links (Planner *p)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, p->dept_links);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TDept *t = tdept_lookup (p, value);

      if (t == NULL)
        continue;
      if (t->link_source_id == NULL || strcmp (key, t->link_source_id) < 0)
        t->link_source_id = key;
    }

  for (guint i = 0; i < p->n_sdepts; i++)
    {
      SDept *s = &p->sdepts[i];
      TDept *t = tdept_lookup (p, g_hash_table_lookup (p->dept_links, s->dept->id));

      if (t != NULL && g_strcmp0 (t->link_source_id, s->dept->id) == 0)
        {
          s->link = t - p->tdepts;
          t->link_source = s;
        }
    }
}

static void
index_target_people (Planner *p)
{
  GHashTableIter iter;
  gpointer key, value;

  p->n_tpeople = yq_org_snapshot_get_n_people (p->target);
  p->tpeople = g_new0 (TPerson, MAX (p->n_tpeople, 1));
  str_index_init (&p->tperson_index, p->n_tpeople);

  for (guint i = 0; i < p->n_tpeople; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p->target, i);

      str_index_insert (&p->tperson_index, person->id, i);
      if (person->active)
        p->counts->target_people++;
    }

  g_hash_table_iter_init (&iter, p->people_links);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint t = tperson_lookup (p, value);

      if (t < 0)
        continue;
      if (p->tpeople[t].link_source_id == NULL || strcmp (key, p->tpeople[t].link_source_id) < 0)
        p->tpeople[t].link_source_id = key;
    }
}

/* The target person @source_id is validly linked to, or -1. */
static gint
person_link (Planner    *p,
             const char *source_id)
{
  gint t = tperson_lookup (p, g_hash_table_lookup (p->people_links, source_id));

  if (t >= 0 && g_strcmp0 (p->tpeople[t].link_source_id, source_id) == 0)
    return t;

  return -1;
}

/* The top department of @snapshot: its root when that is there, else its
 * only department without a parent in the snapshot. Sets @ambiguous when
 * there are departments but no single top. */
static const YqOrgDepartment *
find_top (YqOrgSnapshot *snapshot,
          gboolean      *ambiguous)
{
  const YqOrgDepartment *top = NULL;
  guint n = yq_org_snapshot_get_n_departments (snapshot);
  const char *root_id = yq_org_snapshot_get_root_id (snapshot);

  *ambiguous = FALSE;

  if (root_id != NULL && (top = yq_org_snapshot_lookup_department (snapshot, root_id)) != NULL)
    return top;

  for (guint i = 0; i < n; i++)
    {
      const YqOrgDepartment *dept = yq_org_snapshot_get_department (snapshot, i);

      if (dept->parent_id == NULL ||
          yq_org_snapshot_lookup_department (snapshot, dept->parent_id) == NULL)
        {
          if (top != NULL)
            {
              *ambiguous = TRUE;
              return NULL;
            }
          top = dept;
        }
    }

  if (top == NULL && n > 0)
    *ambiguous = TRUE;

  return top;
}

/* Top departments */

static gboolean
block_top (Planner *p,
           char    *message)
{
  yq_plan_add_block (p->plan, YQ_PLAN_BLOCK_TOP_MISMATCH, message);
  g_free (message);
  return FALSE;
}

/* Pairs the source top with the target top. Returns %FALSE after adding a
 * TOP_MISMATCH block. */
static gboolean
pair_tops (Planner *p)
{
  const YqSyncProfile *profile = p->profile;
  const YqOrgDepartment *source_top;
  const YqOrgDepartment *target_top = NULL;
  gboolean ambiguous;
  gboolean explicit_top = !is_empty (profile->top_department);
  g_autofree char *source_text = NULL;
  g_autofree char *target_text = NULL;
  TDept *t;
  SDept *s;

  source_top = find_top (p->source, &ambiguous);
  if (ambiguous)
    return block_top (p, g_strdup (_("The source directory has no single top department, so "
                                     "it cannot be matched with the target. Check the source "
                                     "directory and fetch it again.")));
  if (source_top == NULL)
    {
      /* An empty source: nothing to pair, but the target's top department
       * is still never deleted. */
      if (explicit_top)
        target_top = yq_org_snapshot_lookup_department (p->target, profile->top_department);
      else
        target_top = find_top (p->target, &ambiguous);
      p->target_top = target_top ? tdept_lookup (p, target_top->id) : NULL;
      return TRUE;
    }

  s = sdept_lookup (p, source_top->id);
  source_text = name_and_id (source_top->name, source_top->id);

  if (explicit_top)
    {
      target_top = yq_org_snapshot_lookup_department (p->target, profile->top_department);
      if (target_top == NULL)
        return block_top (p, g_strdup_printf (_("The top department %s chosen in the sync "
                                                "profile is not in the target directory, so "
                                                "the source top department %s has nowhere "
                                                "to go. Choose another top department."),
                                              profile->top_department, source_text));
    }
  else
    {
      target_top = find_top (p->target, &ambiguous);
      if (ambiguous)
        return block_top (p, g_strdup_printf (_("The target directory has no single top "
                                                "department, so the source top department %s "
                                                "cannot be matched. Choose the top department "
                                                "in the sync profile."),
                                              source_text));
    }

  p->top = s;
  s->state = SDEPT_PLACED;

  if (target_top == NULL)
    {
      /* An empty target: the whole tree is created. */
      YqPlanOp *op = yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT);

      op->source_id = g_strdup (source_top->id);
      op->department = department_new_full (NULL, NULL, source_top->name, source_top->order,
                                            source_top->active);
      g_free (op->name);
      op->name = g_strdup (source_top->name);
      add_dept_op (p, s, op);
      return TRUE;
    }

  t = tdept_lookup (p, target_top->id);
  target_text = name_and_id (target_top->name, target_top->id);

  if (s->link >= 0 && &p->tdepts[s->link] != t)
    {
      TDept *other = &p->tdepts[s->link];
      g_autofree char *other_text = name_and_id (other->dept->name, other->dept->id);

      return block_top (p, g_strdup_printf (_("The top departments do not match: the source top "
                                              "department %s is linked to %s, not to the "
                                              "target's top department %s. Choose the top "
                                              "department in the sync profile, or clear the "
                                              "links of this connector."),
                                            source_text, other_text, target_text));
    }

  if (t->link_source_id != NULL && t->link_source != s)
    {
      const SDept *other = t->link_source;
      g_autofree char *other_text = other ? name_and_id (other->dept->name, other->dept->id)
                                          : g_strdup (t->link_source_id);

      return block_top (p, g_strdup_printf (_("The top departments do not match: the target's "
                                              "top department %s is linked to %s, not to the "
                                              "source top department %s. Choose the top "
                                              "department in the sync profile, or clear the "
                                              "links of this connector."),
                                            target_text, other_text, source_text));
    }

  if (s->link < 0 && !explicit_top && g_strcmp0 (source_top->name, target_top->name) != 0)
    return block_top (p, g_strdup_printf (_("The top departments do not match: %s in the source, "
                                            "%s in the target. Choose the target's top "
                                            "department in the sync profile, or give both the "
                                            "same name."),
                                          source_text, target_text));

  s->target = t - p->tdepts;
  t->placed = TRUE;
  p->target_top = t;

  if (s->link < 0)
    {
      /* The top pair is linked as it is: the target's top department keeps
       * its name, place and status (it receives the source tree, it does not
       * become the source top). */
      YqPlanOp *op = yq_plan_op_new (YQ_PLAN_OP_LINK_DEPARTMENT);

      op->source_id = g_strdup (source_top->id);
      op->target_id = g_strdup (target_top->id);
      op->target_parent_id = g_strdup (target_top->parent_id);
      op->department = department_new_full (target_top->id, target_top->parent_id,
                                            target_top->name, target_top->order,
                                            target_top->active);
      g_free (op->name);
      op->name = g_strdup (target_top->name);
      add_dept_op (p, s, op);
    }
  else
    p->counts->unchanged_departments++;

  return TRUE;
}

/* Source tree and scope */

static void
compute_scope_of_orphan (Planner    *p,
                         SDept      *s,
                         GHashTable *include,
                         GHashTable *exclude)
{
  gboolean included = FALSE;
  gboolean excluded = FALSE;
  guint steps = 0;

  for (SDept *u = s; u != NULL && steps <= p->n_sdepts; u = u->parent, steps++)
    {
      included |= set_contains (include, u->dept->id);
      excluded |= set_contains (exclude, u->dept->id);
    }

  s->in_scope = (include == NULL || included) && !excluded;
}

static void
walk_source_tree (Planner *p)
{
  g_autoptr(GHashTable) include = strv_set_new (p->profile->include_departments);
  g_autoptr(GHashTable) exclude = strv_set_new (p->profile->exclude_departments);

  p->order = g_ptr_array_sized_new (p->n_sdepts);

  if (p->top != NULL)
    {
      SDept *top = p->top;

      top->reachable = TRUE;
      top->included = set_contains (include, top->dept->id);
      top->excluded = set_contains (exclude, top->dept->id);
      top->in_scope = (include == NULL || top->included) && !top->excluded;
      g_ptr_array_add (p->order, top);

      for (guint i = 0; i < p->order->len; i++)
        {
          SDept *parent = g_ptr_array_index (p->order, i);

          for (SDept *s = parent->first_child; s != NULL; s = s->next_sibling)
            {
              if (s->reachable || s == p->top)
                continue;

              s->reachable = TRUE;
              s->depth = parent->depth + 1;
              s->included = parent->included || set_contains (include, s->dept->id);
              s->excluded = parent->excluded || set_contains (exclude, s->dept->id);
              s->in_scope = (include == NULL || s->included) && !s->excluded;
              s->eff = (parent == p->top || parent->in_scope) ? parent : parent->eff;
              g_ptr_array_add (p->order, s);
            }
        }
    }

  /* Departments the top does not reach (a broken parent chain) are left
   * alone: they are neither synced nor taken for gone. */
  for (guint i = 0; i < p->n_sdepts; i++)
    {
      SDept *s = &p->sdepts[i];

      if (!s->reachable)
        {
          compute_scope_of_orphan (p, s, include, exclude);
          s->state = SDEPT_SKIPPED;
          p->counts->skipped_departments++;
        }
    }
}

/* First binding */

static char *
sibling_key (gconstpointer  parent,
             const char    *name)
{
  return g_strdup_printf ("%p\x1f%s", parent, name);
}

typedef struct
{
  guint  count;
  TDept *first;
} Candidates;

static void
decide_departments (Planner *p)
{
  g_autoptr(GHashTable) source_names = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                              g_free, NULL);
  g_autoptr(GHashTable) target_names = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                              g_free, g_free);

  /* Unlinked, in-scope, enabled source departments per (parent, name). */
  for (guint i = 1; i < p->order->len; i++)
    {
      SDept *s = g_ptr_array_index (p->order, i);

      if (s->link < 0 && s->in_scope && s->dept->active)
        {
          char *key = sibling_key (s->eff, s->dept->name);
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (source_names, key));

          g_hash_table_replace (source_names, key, GUINT_TO_POINTER (count + 1));
        }
    }

  /* Unlinked target departments per (parent, name). */
  for (guint i = 0; i < p->n_tdepts; i++)
    {
      TDept *t = &p->tdepts[i];
      g_autofree char *key = NULL;
      Candidates *candidates;

      if (t->link_source_id != NULL || t->parent == NULL || t == p->target_top)
        continue;

      key = sibling_key (t->parent, t->dept->name);
      candidates = g_hash_table_lookup (target_names, key);
      if (candidates == NULL)
        {
          candidates = g_new0 (Candidates, 1);
          candidates->first = t;
          g_hash_table_insert (target_names, g_steal_pointer (&key), candidates);
        }
      candidates->count++;
    }

  for (guint i = 1; i < p->order->len; i++)
    {
      SDept *s = g_ptr_array_index (p->order, i);
      const YqOrgDepartment *src = s->dept;
      SDept *eff = s->eff;
      TDept *parent_target;
      const char *parent_name;
      YqPlanOp *op;

      if (!s->in_scope)
        {
          s->state = SDEPT_OUT;
          p->counts->skipped_departments++;
          continue;
        }

      if (eff->state != SDEPT_PLACED)
        {
          s->state = SDEPT_SKIPPED;
          p->counts->skipped_departments++;
          continue;
        }

      parent_target = eff->target >= 0 ? &p->tdepts[eff->target] : NULL;
      parent_name = (eff == p->top && parent_target) ? parent_target->dept->name : eff->dept->name;

      if (s->link >= 0)
        {
          TDept *t = &p->tdepts[s->link];
          const YqOrgDepartment *cur = t->dept;
          guint changes = 0;

          if (g_strcmp0 (src->name, cur->name) != 0)
            changes |= YQ_PLAN_CHANGE_NAME;
          if (parent_target == NULL || g_strcmp0 (parent_target->dept->id, cur->parent_id) != 0)
            changes |= YQ_PLAN_CHANGE_PARENT;
          if (src->order != cur->order)
            changes |= YQ_PLAN_CHANGE_ORDER;
          if (!src->active != !cur->active)
            changes |= YQ_PLAN_CHANGE_ACTIVE;

          s->state = SDEPT_PLACED;
          s->target = s->link;
          t->placed = TRUE;

          if (changes == 0)
            {
              p->counts->unchanged_departments++;
              continue;
            }

          op = yq_plan_op_new (YQ_PLAN_OP_UPDATE_DEPARTMENT);
          op->changes = changes;
          op->target_id = g_strdup (cur->id);
          g_free (op->name);
          op->name = g_strdup (cur->name);
        }
      else
        {
          Candidates *candidates = NULL;

          if (!src->active)
            {
              /* Disabled departments are not created, nor matched by name. */
              s->state = SDEPT_SKIPPED;
              p->counts->skipped_departments++;
              continue;
            }

          if (parent_target != NULL)
            {
              g_autofree char *key = sibling_key (parent_target, src->name);

              candidates = g_hash_table_lookup (target_names, key);
            }

          if (candidates == NULL || candidates->count == 0)
            {
              op = yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT);
              g_free (op->name);
              op->name = g_strdup (src->name);
              s->state = SDEPT_PLACED;
            }
          else
            {
              g_autofree char *key = sibling_key (eff, src->name);
              guint n_source = GPOINTER_TO_UINT (g_hash_table_lookup (source_names, key));

              if (candidates->count == 1 && n_source == 1)
                {
                  TDept *t = candidates->first;
                  const YqOrgDepartment *cur = t->dept;

                  op = yq_plan_op_new (YQ_PLAN_OP_LINK_DEPARTMENT);
                  if (src->order != cur->order)
                    op->changes |= YQ_PLAN_CHANGE_ORDER;
                  if (!src->active != !cur->active)
                    op->changes |= YQ_PLAN_CHANGE_ACTIVE;
                  op->target_id = g_strdup (cur->id);
                  g_free (op->name);
                  op->name = g_strdup (cur->name);
                  s->state = SDEPT_PLACED;
                  s->target = t - p->tdepts;
                  t->placed = TRUE;
                  t->link_source = s;
                  t->link_source_id = src->id;
                }
              else
                {
                  g_autofree char *text = name_and_id (src->name, src->id);
                  g_autofree char *parent_text = name_and_id (parent_target->dept->name,
                                                              parent_target->dept->id);

                  add_dept_warning (p, s, YQ_PLAN_WARNING_DUPLICATE_DEPARTMENT,
                                    g_strdup_printf (_("Department %s cannot be matched by "
                                                       "name: under %s there are %u unlinked "
                                                       "departments with this name in the "
                                                       "source and %u in the target. It and "
                                                       "its sub-departments are left out; "
                                                       "rename the duplicates or link the "
                                                       "department by hand."),
                                                     text, parent_text, n_source,
                                                     candidates->count));
                  s->state = SDEPT_SKIPPED;
                  p->counts->skipped_departments++;
                  continue;
                }
            }
        }

      op->source_id = g_strdup (src->id);
      op->source_parent_id = g_strdup (eff->dept->id);
      op->target_parent_id = parent_target ? g_strdup (parent_target->dept->id) : NULL;
      op->parent_name = g_strdup (parent_name);
      op->department = department_new_full (op->target_id, op->target_parent_id, src->name,
                                            src->order, src->active);
      add_dept_op (p, s, op);
    }
}

/* People */

typedef struct
{
  YqPersonField  source_field;
  YqPersonField  target_field;
  GHashTable    *source_values;   /* value → count of unbound source people */
  GHashTable    *target_values;   /* value → TargetMatch */
} Binding;

typedef struct
{
  guint unbound;
  guint bound;
  gint  first_unbound;
  gint  first_bound;
} TargetMatch;

static void
binding_init (Planner *p,
              Binding *b)
{
  memset (b, 0, sizeof *b);

  if (p->input->source_is_platform)
    {
      b->source_field = p->profile->binding_platform_field;
      b->target_field = p->profile->binding_oa_field;
    }
  else
    {
      b->source_field = p->profile->binding_oa_field;
      b->target_field = p->profile->binding_platform_field;
    }

  b->source_values = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
binding_clear (Binding *b)
{
  g_clear_pointer (&b->source_values, g_hash_table_unref);
  g_clear_pointer (&b->target_values, g_hash_table_unref);
}

static gboolean
binding_usable (const Binding *b)
{
  return b->source_field != YQ_PERSON_FIELD_NONE && b->target_field != YQ_PERSON_FIELD_NONE;
}

static void
binding_count_source (Binding           *b,
                      const YqOrgPerson *person)
{
  const char *value = yq_org_person_get_field (person, b->source_field);
  guint count;

  if (is_empty (value))
    return;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (b->source_values, value));
  g_hash_table_insert (b->source_values, (gpointer) value, GUINT_TO_POINTER (count + 1));
}

/* Only the values of the source candidates are indexed: a pass over the
 * target people reads one field each and keeps the few that match. */
static void
binding_index_target (Planner *p,
                      Binding *b)
{
  b->target_values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < p->n_tpeople; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p->target, i);
      const char *value = yq_org_person_get_field (person, b->target_field);
      TargetMatch *match;

      if (is_empty (value) || !g_hash_table_contains (b->source_values, value))
        continue;

      match = g_hash_table_lookup (b->target_values, value);
      if (match == NULL)
        {
          match = g_new0 (TargetMatch, 1);
          match->first_unbound = -1;
          match->first_bound = -1;
          g_hash_table_insert (b->target_values, (gpointer) value, match);
        }

      if (p->tpeople[i].link_source_id != NULL)
        {
          if (match->bound++ == 0)
            match->first_bound = i;
        }
      else if (match->unbound++ == 0)
        match->first_unbound = i;
    }
}

typedef enum
{
  MATCH_NONE,
  MATCH_FOUND,
  MATCH_WARNED,
} MatchResult;

/* Looks for the target person of an unbound, active source person. */
static MatchResult
binding_match (Planner           *p,
               Binding           *b,
               const YqOrgPerson *person,
               gint              *target)
{
  const char *value;
  const TargetMatch *match;
  guint n_source;
  g_autofree char *text = NULL;

  if (!binding_usable (b))
    return MATCH_NONE;

  value = yq_org_person_get_field (person, b->source_field);
  if (is_empty (value))
    return MATCH_NONE;

  if (b->target_values == NULL)
    binding_index_target (p, b);

  match = g_hash_table_lookup (b->target_values, value);
  if (match == NULL)
    return MATCH_NONE;

  n_source = GPOINTER_TO_UINT (g_hash_table_lookup (b->source_values, value));
  text = name_and_id (person->name, person->id);

  if (match->unbound == 1 && n_source <= 1)
    {
      *target = match->first_unbound;
      return MATCH_FOUND;
    }

  if (match->unbound > 1)
    {
      add_person_warning (p, person->id, YQ_PLAN_WARNING_AMBIGUOUS_PERSON,
                          g_strdup_printf (_("%s is left unbound: %u unbound people in the "
                                             "target have the %s “%s”. Bind the person by "
                                             "hand."),
                                           text, match->unbound,
                                           field_label (b->target_field), value));
      return MATCH_WARNED;
    }

  if (match->unbound == 1)
    {
      add_person_warning (p, person->id, YQ_PLAN_WARNING_AMBIGUOUS_PERSON,
                          g_strdup_printf (_("%s is left unbound: %u unbound people in the "
                                             "source have the %s “%s”, so the one target "
                                             "person with it cannot be chosen. Bind the "
                                             "person by hand."),
                                           text, n_source, field_label (b->source_field),
                                           value));
      return MATCH_WARNED;
    }

  {
    const YqOrgPerson *bound = yq_org_snapshot_get_person (p->target, match->first_bound);
    g_autofree char *bound_text = name_and_id (bound->name, bound->id);

    add_person_warning (p, person->id, YQ_PLAN_WARNING_CONFLICTING_PERSON,
                        g_strdup_printf (_("%s is left unbound: the target person %s has the "
                                           "same %s “%s” but is bound to someone else. Check "
                                           "both people and bind by hand."),
                                         text, bound_text, field_label (b->target_field),
                                         value));
  }
  return MATCH_WARNED;
}

/* Where @person goes on the target: the placed, in-scope source departments
 * in @placed (main first), or the top for someone in no department in
 * scope. Sets @any_in_scope when one of the person's departments is in
 * scope. Returns %FALSE when the person cannot be placed because every
 * in-scope department of theirs was left out. */
static gboolean
person_departments (Planner           *p,
                    const YqOrgPerson *person,
                    GPtrArray         *placed,
                    gboolean          *any_in_scope)
{
  g_ptr_array_set_size (placed, 0);
  *any_in_scope = FALSE;

  for (guint i = 0; person->department_ids && person->department_ids[i]; i++)
    {
      SDept *s = sdept_lookup (p, person->department_ids[i]);

      if (s == NULL || !s->in_scope)
        continue;

      *any_in_scope = TRUE;
      if (s->state == SDEPT_PLACED)
        {
          gboolean seen = FALSE;

          for (guint j = 0; j < placed->len && !seen; j++)
            seen = g_ptr_array_index (placed, j) == s;
          if (!seen)
            g_ptr_array_add (placed, s);
        }
    }

  if (placed->len > 0)
    return TRUE;

  /* Included by name but in no department in scope: under the top. */
  if (!*any_in_scope && p->top != NULL && p->top->state == SDEPT_PLACED)
    {
      g_ptr_array_add (placed, p->top);
      return TRUE;
    }

  return FALSE;
}

static gboolean
departments_differ (Planner           *p,
                    GPtrArray         *placed,
                    const YqOrgPerson *current)
{
  char **ids = current->department_ids;
  guint n_current = ids ? g_strv_length (ids) : 0;

  if (n_current == 0)
    return TRUE;

  for (guint i = 0; i < placed->len; i++)
    {
      const SDept *s = g_ptr_array_index (placed, i);
      const char *target_id;
      gboolean found = FALSE;

      if (s->target < 0)
        return TRUE;

      target_id = p->tdepts[s->target].dept->id;
      if (i == 0)
        {
          if (strcmp (target_id, ids[0]) != 0)
            return TRUE;
          continue;
        }

      for (guint j = 0; j < n_current && !found; j++)
        found = strcmp (target_id, ids[j]) == 0;
      if (!found)
        return TRUE;
    }

  for (guint j = 0; j < n_current; j++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < placed->len && !found; i++)
        {
          const SDept *s = g_ptr_array_index (placed, i);

          found = strcmp (p->tdepts[s->target].dept->id, ids[j]) == 0;
        }
      if (!found)
        return TRUE;
    }

  return FALSE;
}

/* The value the field map writes into @target_field, or NULL when the map
 * leaves it alone (*@mapped = %FALSE). */
static inline const char *
mapped_value (Planner           *p,
              const YqOrgPerson *source,
              YqPersonField      target_field,
              gboolean          *mapped)
{
  YqPersonField from = p->profile->field_map[target_field];
  const char *value;

  if (from == YQ_PERSON_FIELD_NONE || (guint) from >= YQ_N_PERSON_FIELDS)
    {
      *mapped = FALSE;
      return NULL;
    }

  value = yq_org_person_get_field (source, from);
  /* A name is never emptied. */
  *mapped = target_field != YQ_PERSON_FIELD_NAME || !is_empty (value);

  return value;
}

static guint
person_changes (Planner           *p,
                const YqOrgPerson *source,
                const YqOrgPerson *current,
                GPtrArray         *placed)
{
  guint changes = 0;

  for (guint f = 0; f < YQ_N_PERSON_FIELDS; f++)
    {
      gboolean mapped;
      const char *value;

      /* The account is a login key (the OA's person ID): written when the
       * person is created, never rewritten. */
      if (f == YQ_PERSON_FIELD_ACCOUNT_CODE)
        continue;

      value = mapped_value (p, source, (YqPersonField) f, &mapped);
      if (mapped && !same_value (value, yq_org_person_get_field (current, (YqPersonField) f)))
        changes |= f == YQ_PERSON_FIELD_NAME ? YQ_PLAN_CHANGE_NAME : YQ_PLAN_CHANGE_FIELDS;
    }

  if (departments_differ (p, placed, current))
    changes |= YQ_PLAN_CHANGE_DEPARTMENTS;
  if (!source->active != !current->active)
    changes |= YQ_PLAN_CHANGE_ACTIVE;

  return changes;
}

static char **
placed_ids (GPtrArray *placed)
{
  char **ids = g_new0 (char *, placed->len + 1);

  for (guint i = 0; i < placed->len; i++)
    ids[i] = g_strdup (((const SDept *) g_ptr_array_index (placed, i))->dept->id);

  return ids;
}

/* The desired target state of @source: @current (or nothing) with the
 * mapped fields written. */
static YqOrgPerson *
desired_person (Planner           *p,
                const YqOrgPerson *source,
                const YqOrgPerson *current,
                GPtrArray         *placed)
{
  YqOrgPerson *person;

  if (current != NULL)
    person = yq_org_person_copy (current);
  else
    {
      person = g_new0 (YqOrgPerson, 1);
      person->name = g_strdup (source->name);
      person->order = source->order;
    }

  for (guint f = 0; f < YQ_N_PERSON_FIELDS; f++)
    {
      gboolean mapped;
      const char *value;

      if (f == YQ_PERSON_FIELD_ACCOUNT_CODE && current != NULL)
        continue;

      value = mapped_value (p, source, (YqPersonField) f, &mapped);
      if (mapped)
        yq_org_person_set_field (person, (YqPersonField) f, is_empty (value) ? NULL : value);
    }

  g_strfreev (person->department_ids);
  person->department_ids = placed_ids (placed);
  person->active = source->active;

  return person;
}

static YqPlanOp *
person_op (YqPlanOpKind       kind,
           const char        *source_id,
           const YqOrgPerson *current,
           YqOrgPerson       *desired,
           guint              changes)
{
  YqPlanOp *op = yq_plan_op_new (kind);

  op->changes = changes;
  op->source_id = g_strdup (source_id);
  if (current != NULL)
    {
      op->target_id = g_strdup (current->id);
      g_free (op->name);
      op->name = g_strdup (current->name);
    }
  else if (desired != NULL)
    {
      g_free (op->name);
      op->name = g_strdup (desired->name);
    }
  op->person = desired;

  return op;
}

static void
remove_person (Planner           *p,
               const char        *source_id,
               gint               t,
               const YqOrgPerson *current)
{
  YqPlanOp *op = person_op (YQ_PLAN_OP_REMOVE_PERSON, source_id, current, NULL, 0);

  p->tpeople[t].leaves = TRUE;
  g_ptr_array_add (p->remove_ops, op);
}

/* The required target fields of a person to be created: the target side of
 * the binding rule, and the account when the target is the OA. Returns the
 * first that would be empty, or %YQ_PERSON_FIELD_NONE. */
static YqPersonField
missing_field (Planner           *p,
               const Binding     *b,
               const YqOrgPerson *source)
{
  YqPersonField required[2];
  guint n = 0;

  if (b->target_field != YQ_PERSON_FIELD_NONE)
    required[n++] = b->target_field;
  if (p->input->source_is_platform && b->target_field != YQ_PERSON_FIELD_ACCOUNT_CODE)
    required[n++] = YQ_PERSON_FIELD_ACCOUNT_CODE;

  for (guint i = 0; i < n; i++)
    {
      gboolean mapped;
      const char *value = mapped_value (p, source, required[i], &mapped);

      if (!mapped || is_empty (value))
        return required[i];
    }

  return YQ_PERSON_FIELD_NONE;
}

/* One pass over the source people settles everyone but the unbound
 * candidates, whose binding values are counted on the way; the candidates
 * (a few, normally) are matched after it, so that duplicates on the source
 * side are seen whatever the order. */
static void
decide_people (Planner *p)
{
  g_autoptr(GHashTable) include = strv_set_new (p->profile->include_people);
  g_autoptr(GHashTable) exclude = strv_set_new (p->profile->exclude_people);
  g_autoptr(GPtrArray) placed = g_ptr_array_new ();
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n_people = yq_org_snapshot_get_n_people (p->source);
  gboolean binding_on;
  Binding binding;

  binding_init (p, &binding);
  binding_on = p->profile->auto_bind && binding_usable (&binding);

  for (guint i = 0; i < n_people; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p->source, i);
      gint t = person_link (p, person->id);
      const YqOrgPerson *current = t >= 0 ? yq_org_snapshot_get_person (p->target, t) : NULL;
      gboolean in_scope = FALSE;
      gboolean placeable = FALSE;
      guint changes;

      if (t >= 0)
        p->tpeople[t].has_source = TRUE;

      if (!set_contains (exclude, person->id))
        {
          gboolean any_in_scope;

          placeable = person_departments (p, person, placed, &any_in_scope);
          in_scope = any_in_scope || set_contains (include, person->id);
        }

      if (!in_scope)
        {
          if (current != NULL)
            remove_person (p, person->id, t, current);
          else
            p->counts->skipped_people++;
          continue;
        }

      if (person->active)
        p->counts->source_people++;

      if (!placeable || (current == NULL && !person->active))
        {
          p->counts->skipped_people++;
          continue;
        }

      if (current == NULL)
        {
          g_array_append_val (candidates, i);
          if (binding_on)
            binding_count_source (&binding, person);
          continue;
        }

      changes = person_changes (p, person, current, placed);
      if (changes == 0)
        {
          p->counts->unchanged_people++;
          continue;
        }

      if (changes & YQ_PLAN_CHANGE_DEPARTMENTS)
        p->tpeople[t].leaves = TRUE;
      g_ptr_array_add (p->person_ops,
                       person_op (YQ_PLAN_OP_UPDATE_PERSON, person->id, current,
                                  desired_person (p, person, current, placed), changes));
    }

  for (guint c = 0; c < candidates->len; c++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p->source,
                                                              g_array_index (candidates, guint, c));
      MatchResult result = MATCH_NONE;
      gboolean any_in_scope;
      gint t = -1;

      person_departments (p, person, placed, &any_in_scope);

      if (binding_on)
        result = binding_match (p, &binding, person, &t);

      if (result == MATCH_FOUND)
        {
          const YqOrgPerson *match = yq_org_snapshot_get_person (p->target, t);
          guint changes = person_changes (p, person, match, placed);

          if (changes & YQ_PLAN_CHANGE_DEPARTMENTS)
            p->tpeople[t].leaves = TRUE;
          g_ptr_array_add (p->person_ops,
                           person_op (YQ_PLAN_OP_LINK_PERSON, person->id, match,
                                      desired_person (p, person, match, placed), changes));
        }
      else if (result == MATCH_WARNED || !p->profile->add_new_members)
        p->counts->skipped_people++;
      else
        {
          YqPersonField missing = missing_field (p, &binding, person);

          if (missing != YQ_PERSON_FIELD_NONE)
            {
              g_autofree char *text = name_and_id (person->name, person->id);

              add_person_warning (p, person->id, YQ_PLAN_WARNING_MISSING_FIELD,
                                  g_strdup_printf (_("%s cannot be created: the %s it would get "
                                                     "in the target is empty. Fill it in at "
                                                     "the source or change the field "
                                                     "mapping."),
                                                   text, field_label (missing)));
              p->counts->skipped_people++;
            }
          else
            g_ptr_array_add (p->person_ops,
                             person_op (YQ_PLAN_OP_CREATE_PERSON, person->id, NULL,
                                        desired_person (p, person, NULL, placed), 0));
        }
    }

  /* Linked target people whose source is gone. */
  for (guint t = 0; t < p->n_tpeople; t++)
    {
      if (p->tpeople[t].link_source_id != NULL && !p->tpeople[t].has_source)
        remove_person (p, p->tpeople[t].link_source_id, t,
                       yq_org_snapshot_get_person (p->target, t));
    }

  binding_clear (&binding);
}

/* Deletions */

static gint
compare_delete_candidates (gconstpointer a,
                           gconstpointer b)
{
  const TDept *ta = *(const TDept * const *) a;
  const TDept *tb = *(const TDept * const *) b;

  if (ta->depth != tb->depth)
    return ta->depth > tb->depth ? -1 : 1;

  return strcmp (ta->dept->id, tb->dept->id);
}

/* Deletes @candidates (TDept), deepest first, unless something that stays
 * is still in them: unlinked target departments or people, or linked ones
 * that this plan leaves alone. */
static void
delete_departments (Planner   *p,
                    GPtrArray *candidates)
{
  if (candidates->len == 0)
    return;

  for (guint i = 0; i < p->n_tpeople; i++)
    {
      const YqOrgPerson *person;

      if (p->tpeople[i].leaves)
        continue;

      person = yq_org_snapshot_get_person (p->target, i);
      for (guint j = 0; person->department_ids && person->department_ids[j]; j++)
        {
          TDept *t = tdept_lookup (p, person->department_ids[j]);

          if (t != NULL)
            t->occupied = TRUE;
        }
    }

  for (guint i = 0; i < candidates->len; i++)
    tdept_depth (g_ptr_array_index (candidates, i));
  g_ptr_array_sort (candidates, compare_delete_candidates);

  for (guint i = 0; i < candidates->len; i++)
    {
      TDept *t = g_ptr_array_index (candidates, i);
      const char *source_id = t->link_source_id ? t->link_source_id : t->dept->id;
      gboolean empty = !t->occupied;
      YqPlanOp *op;

      for (const TDept *c = t->first_child; c != NULL && empty; c = c->next_sibling)
        empty = c->deleted || c->placed;

      if (!empty)
        {
          g_autofree char *text = name_and_id (t->dept->name, t->dept->id);
          g_autofree char *message = NULL;

          message = g_strdup_printf (_("Department %s is no longer in the source or in scope, "
                                       "but it is kept because it still holds departments or "
                                       "people that this sync does not manage."),
                                     text);
          yq_plan_add_warning (p->plan, YQ_PLAN_WARNING_DEPARTMENT_NOT_EMPTY, source_id, message);
          continue;
        }

      t->deleted = TRUE;
      op = yq_plan_op_new (YQ_PLAN_OP_DELETE_DEPARTMENT);
      op->source_id = g_strdup (source_id);
      op->target_id = g_strdup (t->dept->id);
      op->target_parent_id = g_strdup (t->dept->parent_id);
      g_free (op->name);
      op->name = g_strdup (t->dept->name);
      plan_op (p, op);
    }
}

static void
delete_linked_departments (Planner *p)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();

  for (guint i = 0; i < p->n_tdepts; i++)
    {
      TDept *t = &p->tdepts[i];

      if (t->link_source_id == NULL || t == p->target_top || t->placed)
        continue;

      /* Skipped sources (left out by a warning, a broken parent chain, …)
       * keep their target as it is. */
      if (t->link_source != NULL && t->link_source->state != SDEPT_OUT)
        continue;

      g_ptr_array_add (candidates, t);
    }

  delete_departments (p, candidates);
}

/* Output */

static gint
compare_dept_entries (gconstpointer a,
                      gconstpointer b)
{
  const DeptEntry *ea = a;
  const DeptEntry *eb = b;

  if (ea->depth != eb->depth)
    return ea->depth < eb->depth ? -1 : 1;
  if (ea->order != eb->order)
    return ea->order < eb->order ? -1 : 1;

  return strcmp (ea->id, eb->id);
}

static gint
compare_person_ops (gconstpointer a,
                    gconstpointer b)
{
  const YqPlanOp *oa = *(const YqPlanOp * const *) a;
  const YqPlanOp *ob = *(const YqPlanOp * const *) b;
  gint cmp = g_strcmp0 (oa->source_id, ob->source_id);

  return cmp != 0 ? cmp : g_strcmp0 (oa->target_id, ob->target_id);
}

static gint
compare_warning_entries (gconstpointer a,
                         gconstpointer b)
{
  const WarningEntry *wa = a;
  const WarningEntry *wb = b;
  gint cmp = g_strcmp0 (wa->key, wb->key);

  return cmp != 0 ? cmp : (gint) wa->kind - (gint) wb->kind;
}

static void
flush_warnings (Planner *p,
                GArray  *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    {
      WarningEntry *entry = &g_array_index (warnings, WarningEntry, i);

      yq_plan_add_warning (p->plan, entry->kind, entry->source_id, entry->message);
    }
  g_array_set_size (warnings, 0);
}

static void
flush_dept_ops (Planner *p)
{
  g_array_sort (p->dept_ops, compare_dept_entries);
  for (guint i = 0; i < p->dept_ops->len; i++)
    {
      DeptEntry *entry = &g_array_index (p->dept_ops, DeptEntry, i);

      plan_op (p, g_steal_pointer (&entry->op));
    }
  g_array_set_size (p->dept_ops, 0);

  /* Department warnings are few; their order follows the tree. */
  flush_warnings (p, p->dept_warnings);
}

static void
add_ops (Planner   *p,
         GPtrArray *ops)
{
  g_ptr_array_sort (ops, compare_person_ops);
  for (guint i = 0; i < ops->len; i++)
    {
      plan_op (p, g_ptr_array_index (ops, i));
      g_ptr_array_index (ops, i) = NULL;
    }
  g_ptr_array_set_size (ops, 0);
}

static void
check_thresholds (Planner *p)
{
  const YqSyncProfile *profile = p->profile;
  YqPlan *plan = p->plan;
  YqPlanCounts *counts = p->counts;
  gint people_threshold = profile->people_threshold;
  gint department_threshold = profile->department_threshold;

  if (people_threshold >= 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);
      guint leaving = counts->ops[YQ_PLAN_OP_REMOVE_PERSON];
      gint64 decrease = p->input->previous_people >= 0
        ? (gint64) p->input->previous_people - (gint64) counts->source_people : 0;

      for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
        {
          const YqPlanOp *op = yq_plan_get_op (plan, i);

          if (op->kind == YQ_PLAN_OP_UPDATE_PERSON && (op->changes & YQ_PLAN_CHANGE_ACTIVE) &&
              op->person != NULL && !op->person->active)
            leaving++;
        }

      if (decrease > people_threshold)
        g_string_append_printf (message,
                                _("The number of people would fall from %d to %u, by more "
                                  "than the limit of %d."),
                                p->input->previous_people, counts->source_people,
                                people_threshold);
      if (leaving > (guint) people_threshold)
        {
          if (message->len > 0)
            g_string_append_c (message, ' ');
          g_string_append_printf (message,
                                  _("%u people would be removed or disabled, more than the "
                                    "limit of %d."),
                                  leaving, people_threshold);
        }

      if (message->len > 0)
        {
          if (p->input->confirmed)
            {
              g_autofree char *text = g_strdup_printf (_("Safety threshold confirmed: %s"),
                                                       message->str);

              yq_plan_add_warning (plan, YQ_PLAN_WARNING_THRESHOLD_CONFIRMED, NULL, text);
            }
          else
            {
              g_string_append_c (message, ' ');
              g_string_append (message, _("Check the source directory; an administrator can "
                                          "confirm this run to go ahead."));
              yq_plan_add_block (plan, YQ_PLAN_BLOCK_PEOPLE_THRESHOLD, message->str);
            }
        }
    }

  if (department_threshold >= 0 &&
      counts->ops[YQ_PLAN_OP_DELETE_DEPARTMENT] > (guint) department_threshold)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("%u departments would be deleted, more than the limit of %d."),
                                 counts->ops[YQ_PLAN_OP_DELETE_DEPARTMENT],
                                 department_threshold);
      if (p->input->confirmed)
        {
          g_autofree char *text = g_strdup_printf (_("Safety threshold confirmed: %s"), message);

          yq_plan_add_warning (plan, YQ_PLAN_WARNING_THRESHOLD_CONFIRMED, NULL, text);
        }
      else
        {
          g_autofree char *text = g_strdup_printf ("%s %s", message,
                                                   _("Check the source directory; an "
                                                     "administrator can confirm this run to "
                                                     "go ahead."));

          yq_plan_add_block (plan, YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD, text);
        }
    }

  if (p->input->target_readonly)
    yq_plan_add_block (plan, YQ_PLAN_BLOCK_READ_ONLY,
                       _("The target directory is read-only for this connector, so nothing "
                         "can be written to it."));
}

/* Mirror mode: the target is a copy of the source by ID. */

/* Decides the departments and collects the deletion candidates (target
 * departments not in the source) into @candidates. */
static void
mirror_departments (Planner   *p,
                    GPtrArray *candidates)
{
  p->order = g_ptr_array_sized_new (p->n_sdepts);

  for (guint i = 0; i < p->n_sdepts; i++)
    {
      SDept *s = &p->sdepts[i];

      if (s->parent == NULL)
        {
          s->reachable = TRUE;
          g_ptr_array_add (p->order, s);
        }
    }

  for (guint i = 0; i < p->order->len; i++)
    {
      SDept *parent = g_ptr_array_index (p->order, i);

      for (SDept *s = parent->first_child; s != NULL; s = s->next_sibling)
        {
          if (s->reachable)
            continue;
          s->reachable = TRUE;
          s->depth = parent->depth + 1;
          g_ptr_array_add (p->order, s);
        }
    }

  for (guint i = 0; i < p->n_sdepts; i++)
    if (!p->sdepts[i].reachable)
      p->counts->skipped_departments++;   /* a parent cycle */

  for (guint i = 0; i < p->order->len; i++)
    {
      SDept *s = g_ptr_array_index (p->order, i);
      const YqOrgDepartment *src = s->dept;
      TDept *t = tdept_lookup (p, src->id);
      TDept *parent_target = tdept_lookup (p, src->parent_id);
      YqPlanOp *op;

      s->state = SDEPT_PLACED;

      if (t != NULL)
        {
          const YqOrgDepartment *cur = t->dept;
          guint changes = 0;

          if (g_strcmp0 (src->name, cur->name) != 0)
            changes |= YQ_PLAN_CHANGE_NAME;
          if (g_strcmp0 (src->parent_id, cur->parent_id) != 0)
            changes |= YQ_PLAN_CHANGE_PARENT;
          if (src->order != cur->order)
            changes |= YQ_PLAN_CHANGE_ORDER;
          if (!src->active != !cur->active)
            changes |= YQ_PLAN_CHANGE_ACTIVE;

          s->target = t - p->tdepts;
          t->placed = TRUE;

          if (changes == 0)
            {
              p->counts->unchanged_departments++;
              continue;
            }

          op = yq_plan_op_new (YQ_PLAN_OP_UPDATE_DEPARTMENT);
          op->changes = changes;
          op->target_id = g_strdup (cur->id);
          g_free (op->name);
          op->name = g_strdup (cur->name);
        }
      else
        {
          op = yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT);
          g_free (op->name);
          op->name = g_strdup (src->name);
        }

      op->source_id = g_strdup (src->id);
      op->source_parent_id = g_strdup (src->parent_id);
      op->target_parent_id = parent_target ? g_strdup (parent_target->dept->id) : NULL;
      if (s->parent != NULL)
        op->parent_name = g_strdup (s->parent->dept->name);
      else if (parent_target != NULL)
        op->parent_name = g_strdup (parent_target->dept->name);
      op->department = department_new_full (op->target_id, op->target_parent_id, src->name,
                                            src->order, src->active);
      add_dept_op (p, s, op);
    }

  flush_dept_ops (p);

  for (guint i = 0; i < p->n_tdepts; i++)
    {
      TDept *t = &p->tdepts[i];

      if (sdept_lookup (p, t->dept->id) == NULL)
        g_ptr_array_add (candidates, t);
    }
}

static guint
mirror_person_changes (const YqOrgPerson *source,
                       const YqOrgPerson *current)
{
  guint changes = 0;
  char **a = source->department_ids;
  char **b = current->department_ids;
  guint na = a ? g_strv_length (a) : 0;
  guint nb = b ? g_strv_length (b) : 0;

  if (g_strcmp0 (source->name, current->name) != 0)
    changes |= YQ_PLAN_CHANGE_NAME;
  if (!same_value (source->account_id, current->account_id) ||
      !same_value (source->account_code, current->account_code) ||
      !same_value (source->mobile, current->mobile) ||
      !same_value (source->email, current->email) ||
      !same_value (source->job_number, current->job_number) ||
      !same_value (source->title, current->title) ||
      source->order != current->order)
    changes |= YQ_PLAN_CHANGE_FIELDS;
  if (na != nb || (na > 0 && !g_strv_equal ((const char * const *) a, (const char * const *) b)))
    changes |= YQ_PLAN_CHANGE_DEPARTMENTS;
  if (!source->active != !current->active)
    changes |= YQ_PLAN_CHANGE_ACTIVE;

  return changes;
}

static void
mirror_people (Planner *p)
{
  guint n_people = yq_org_snapshot_get_n_people (p->source);

  for (guint i = 0; i < n_people; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p->source, i);
      gint t = tperson_lookup (p, person->id);

      if (person->active)
        p->counts->source_people++;

      if (t >= 0)
        {
          const YqOrgPerson *current = yq_org_snapshot_get_person (p->target, t);
          guint changes = mirror_person_changes (person, current);

          p->tpeople[t].has_source = TRUE;

          if (changes == 0)
            {
              p->counts->unchanged_people++;
              continue;
            }

          if (changes & YQ_PLAN_CHANGE_DEPARTMENTS)
            p->tpeople[t].leaves = TRUE;
          g_ptr_array_add (p->person_ops,
                           person_op (YQ_PLAN_OP_UPDATE_PERSON, person->id, current,
                                      yq_org_person_copy (person), changes));
        }
      else
        {
          YqOrgPerson *desired = yq_org_person_copy (person);

          g_clear_pointer (&desired->id, g_free);
          g_ptr_array_add (p->person_ops,
                           person_op (YQ_PLAN_OP_CREATE_PERSON, person->id, NULL, desired, 0));
        }
    }

  for (guint t = 0; t < p->n_tpeople; t++)
    {
      const YqOrgPerson *current = yq_org_snapshot_get_person (p->target, t);

      if (!p->tpeople[t].has_source)
        remove_person (p, current->id, t, current);
    }
}

static YqPlan *
plan_mirror (Planner *p)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();

  index_source_departments (p);
  index_target_departments (p);
  index_target_people (p);

  mirror_departments (p, candidates);
  mirror_people (p);
  add_ops (p, p->person_ops);
  flush_warnings (p, p->person_warnings);
  add_ops (p, p->remove_ops);
  delete_departments (p, candidates);
  check_thresholds (p);

  return g_steal_pointer (&p->plan);
}

static YqPlan *
plan_linked (Planner *p)
{
  index_source_departments (p);
  index_target_departments (p);
  resolve_department_links (p);

  if (!pair_tops (p))
    return g_steal_pointer (&p->plan);

  index_target_people (p);
  walk_source_tree (p);
  decide_departments (p);
  flush_dept_ops (p);

  decide_people (p);
  add_ops (p, p->person_ops);
  g_array_sort (p->person_warnings, compare_warning_entries);
  flush_warnings (p, p->person_warnings);
  add_ops (p, p->remove_ops);

  delete_linked_departments (p);
  check_thresholds (p);

  return g_steal_pointer (&p->plan);
}

/**
 * yq_planner_plan:
 * @input: the snapshots, links, profile and flags
 *
 * Plans one sync (see PRODUCT F2). Where the rules leave room, the planner
 * reads them this way:
 *
 * - A link counts only when both of its ends are in the snapshots; a link
 *   to a target item that is gone is ignored (the source item is matched or
 *   created again), a link from a source item that is gone makes its target
 *   a removal.
 * - The top pair is linked as it is and never updated, moved or deleted:
 *   the target's top department receives the source tree.
 * - An in-scope department whose parent is out of scope goes under its
 *   nearest in-scope ancestor (or the top). A person included by name who is
 *   in no department in scope goes under the top.
 * - Disabled source departments are not created or matched by name; a
 *   linked one is disabled.
 * - Source departments or people left out (by a warning, a parent that was
 *   left out, a broken parent chain) keep their linked target as it is.
 * - A linked department that would be deleted but still holds unlinked
 *   target data is kept, with a warning.
 * - The account (#YqOrgPerson.account_code) is a login key: the field map
 *   writes it when a person is created, never in an update or a link.
 * - In mirror mode every field is copied (the field map does not apply) and
 *   disabled people are copied too.
 *
 * Returns: (transfer full): the plan
 */
YqPlan *
yq_planner_plan (const YqPlannerInput *input)
{
  Planner p;
  YqPlan *plan;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (input->source), NULL);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (input->target), NULL);

  planner_init (&p, input);
  plan = input->mirror ? plan_mirror (&p) : plan_linked (&p);
  planner_clear (&p);

  return plan;
}

/**
 * yq_planner_bind:
 * @input: the snapshots, links and profile (only its binding rule is used;
 *   auto_bind is the caller's decision)
 *
 * The LINK_PERSON operations carry no #YqPlanOp.person: only the link is
 * to be written.
 *
 * Returns: (transfer full): a plan of LINK_PERSON operations and warnings
 */
YqPlan *
yq_planner_bind (const YqPlannerInput *input)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  Planner p;
  Binding binding;
  guint n_people;
  YqPlan *plan;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (input->source), NULL);
  g_return_val_if_fail (YQ_IS_ORG_SNAPSHOT (input->target), NULL);

  planner_init (&p, input);
  index_target_people (&p);
  binding_init (&p, &binding);

  n_people = yq_org_snapshot_get_n_people (p.source);
  for (guint i = 0; i < n_people; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p.source, i);

      if (!person->active)
        continue;

      p.counts->source_people++;
      if (person_link (&p, person->id) >= 0)
        p.counts->unchanged_people++;
      else
        {
          g_array_append_val (candidates, i);
          if (binding_usable (&binding))
            binding_count_source (&binding, person);
        }
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const YqOrgPerson *person = yq_org_snapshot_get_person (p.source,
                                                              g_array_index (candidates, guint, i));
      gint t = -1;

      if (binding_match (&p, &binding, person, &t) == MATCH_FOUND)
        {
          const YqOrgPerson *match = yq_org_snapshot_get_person (p.target, t);

          /* Only the link is written: no desired state. */
          g_ptr_array_add (p.person_ops,
                           person_op (YQ_PLAN_OP_LINK_PERSON, person->id, match, NULL, 0));
        }
      else
        p.counts->skipped_people++;
    }

  add_ops (&p, p.person_ops);
  g_array_sort (p.person_warnings, compare_warning_entries);
  flush_warnings (&p, p.person_warnings);

  binding_clear (&binding);
  plan = g_steal_pointer (&p.plan);
  planner_clear (&p);

  return plan;
}

/* Links */

YqSyncLinks *
yq_sync_links_new (void)
{
  YqSyncLinks *links = g_new0 (YqSyncLinks, 1);

  links->departments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  links->people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return links;
}

void
yq_sync_links_free (YqSyncLinks *links)
{
  if (links == NULL)
    return;

  g_clear_pointer (&links->departments, g_hash_table_unref);
  g_clear_pointer (&links->people, g_hash_table_unref);
  g_free (links);
}

void
yq_sync_links_add_department (YqSyncLinks *links,
                              const char  *source_id,
                              const char  *target_id)
{
  g_return_if_fail (links != NULL);
  g_return_if_fail (source_id != NULL && target_id != NULL);

  g_hash_table_replace (links->departments, g_strdup (source_id), g_strdup (target_id));
}

void
yq_sync_links_add_person (YqSyncLinks *links,
                          const char  *source_id,
                          const char  *target_id)
{
  g_return_if_fail (links != NULL);
  g_return_if_fail (source_id != NULL && target_id != NULL);

  g_hash_table_replace (links->people, g_strdup (source_id), g_strdup (target_id));
}
