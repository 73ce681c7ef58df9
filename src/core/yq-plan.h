/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "yq-org.h"

G_BEGIN_DECLS

/**
 * YqPlanOpKind:
 * @YQ_PLAN_OP_LINK_DEPARTMENT: link an unlinked source department to the
 *   unlinked target department of the same name at the same level (the
 *   first binding); fields that differ are written as in an update
 * @YQ_PLAN_OP_CREATE_DEPARTMENT: create the department on the target side
 * @YQ_PLAN_OP_UPDATE_DEPARTMENT: rename / move / reorder / re-enable or
 *   disable a linked department (see @changes)
 * @YQ_PLAN_OP_DELETE_DEPARTMENT: delete a linked target department whose
 *   source is gone or out of scope
 * @YQ_PLAN_OP_LINK_PERSON: bind an unbound source person to the unbound
 *   target person the binding rule found; mapped fields that differ are
 *   written as in an update
 * @YQ_PLAN_OP_CREATE_PERSON: create the person on the target side
 * @YQ_PLAN_OP_UPDATE_PERSON: write changed fields, departments or status
 *   of a linked person
 * @YQ_PLAN_OP_REMOVE_PERSON: a linked person whose source is gone or out
 *   of scope; the OA disables, the bridge and 云之家 delete
 */
typedef enum
{
  YQ_PLAN_OP_LINK_DEPARTMENT,
  YQ_PLAN_OP_CREATE_DEPARTMENT,
  YQ_PLAN_OP_UPDATE_DEPARTMENT,
  YQ_PLAN_OP_DELETE_DEPARTMENT,
  YQ_PLAN_OP_LINK_PERSON,
  YQ_PLAN_OP_CREATE_PERSON,
  YQ_PLAN_OP_UPDATE_PERSON,
  YQ_PLAN_OP_REMOVE_PERSON,
} YqPlanOpKind;

#define YQ_N_PLAN_OP_KINDS 8

/**
 * YqPlanChange:
 * @YQ_PLAN_CHANGE_NAME: the name differs
 * @YQ_PLAN_CHANGE_PARENT: the department moves to another parent
 * @YQ_PLAN_CHANGE_ORDER: the sort order differs
 * @YQ_PLAN_CHANGE_ACTIVE: enabled / disabled differs
 * @YQ_PLAN_CHANGE_FIELDS: mapped person fields other than the name differ
 * @YQ_PLAN_CHANGE_DEPARTMENTS: the person's departments differ
 *
 * What an update (or a link that also updates) changes.
 */
typedef enum
{
  YQ_PLAN_CHANGE_NAME        = 1 << 0,
  YQ_PLAN_CHANGE_PARENT      = 1 << 1,
  YQ_PLAN_CHANGE_ORDER       = 1 << 2,
  YQ_PLAN_CHANGE_ACTIVE      = 1 << 3,
  YQ_PLAN_CHANGE_FIELDS      = 1 << 4,
  YQ_PLAN_CHANGE_DEPARTMENTS = 1 << 5,
} YqPlanChange;

/**
 * YqPlanOp:
 * @kind: what to do
 * @changes: #YqPlanChange flags for updates and links
 * @source_id: (nullable): the source item; %NULL only for removals of items
 *   whose source is gone
 * @target_id: (nullable): the target item; %NULL for creations (the applier
 *   records the new ID against @source_id)
 * @source_parent_id: (nullable): departments: the source department whose
 *   target is the parent (the source parent, or its nearest ancestor in
 *   scope when the parent itself is out of scope)
 * @target_parent_id: (nullable): departments: the target parent when it
 *   exists before the plan runs; %NULL when an earlier operation creates it
 *   (then look up @source_parent_id among the created departments)
 * @department: (nullable): departments: the desired target state; its @id
 *   is @target_id (or %NULL), its @parent_id is @target_parent_id
 * @person: (nullable): people: the desired target state after the field
 *   map; its @id is @target_id (or %NULL) and its @department_ids are
 *   SOURCE department IDs, in scope, main first — the applier maps them
 *   through the links and the departments created earlier
 * @name: the item's display name, for lists and messages: the source name
 *   for creations, else the target's current name (so that a rename reads
 *   "@name → @department.name")
 * @parent_name: (nullable): departments: the display name of the parent
 *   that @department goes under (for messages)
 *
 * One step of a plan. Operations are ordered so that applying them in
 * order never needs an item that does not exist yet.
 */
typedef struct
{
  YqPlanOpKind     kind;
  guint            changes;
  char            *source_id;
  char            *target_id;
  char            *source_parent_id;
  char            *target_parent_id;
  YqOrgDepartment *department;
  YqOrgPerson     *person;
  char            *name;
  char            *parent_name;
} YqPlanOp;

/**
 * YqPlanBlockKind:
 * @YQ_PLAN_BLOCK_TOP_MISMATCH: the two top departments do not match; the
 *   plan has no operations at all
 * @YQ_PLAN_BLOCK_PEOPLE_THRESHOLD: people would fall by more than the
 *   profile allows; confirmable
 * @YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD: more departments would be deleted
 *   than the profile allows; confirmable
 * @YQ_PLAN_BLOCK_READ_ONLY: the target refuses writes (read-only connector)
 */
typedef enum
{
  YQ_PLAN_BLOCK_TOP_MISMATCH,
  YQ_PLAN_BLOCK_PEOPLE_THRESHOLD,
  YQ_PLAN_BLOCK_DEPARTMENT_THRESHOLD,
  YQ_PLAN_BLOCK_READ_ONLY,
} YqPlanBlockKind;

typedef struct
{
  YqPlanBlockKind  kind;
  char            *message;
} YqPlanBlock;

/**
 * YqPlanWarningKind:
 * @YQ_PLAN_WARNING_DUPLICATE_DEPARTMENT: two or more departments share a
 *   name at one level, so the first binding cannot choose; the source
 *   department and its subtree are left out
 * @YQ_PLAN_WARNING_AMBIGUOUS_PERSON: the binding rule matched more than one
 *   unbound target person; the person is left unbound and not created
 * @YQ_PLAN_WARNING_CONFLICTING_PERSON: the binding rule matched a target
 *   person that is bound to someone else
 * @YQ_PLAN_WARNING_THRESHOLD_CONFIRMED: a threshold was exceeded and
 *   confirmed
 * @YQ_PLAN_WARNING_MISSING_FIELD: a person cannot be created because a
 *   required field (the binding field or the OA account) is empty
 * @YQ_PLAN_WARNING_DEPARTMENT_NOT_EMPTY: a linked target department whose
 *   source is gone or out of scope still holds unlinked target data
 *   (sub-departments or people), so it is kept instead of deleted
 */
typedef enum
{
  YQ_PLAN_WARNING_DUPLICATE_DEPARTMENT,
  YQ_PLAN_WARNING_AMBIGUOUS_PERSON,
  YQ_PLAN_WARNING_CONFLICTING_PERSON,
  YQ_PLAN_WARNING_THRESHOLD_CONFIRMED,
  YQ_PLAN_WARNING_MISSING_FIELD,
  YQ_PLAN_WARNING_DEPARTMENT_NOT_EMPTY,
} YqPlanWarningKind;

typedef struct
{
  YqPlanWarningKind  kind;
  char              *source_id;
  char              *message;
} YqPlanWarning;

/**
 * YqPlanCounts:
 * @ops: operations per #YqPlanOpKind
 * @unchanged_departments: linked departments with nothing to change
 * @unchanged_people: linked people with nothing to change
 * @skipped_departments: source departments out of scope or left out by a
 *   warning
 * @skipped_people: source people out of scope, unmatched (new members not
 *   added) or left out by a warning
 * @source_people: active source people in scope
 * @target_people: active target people before the plan
 */
typedef struct
{
  guint ops[YQ_N_PLAN_OP_KINDS];
  guint unchanged_departments;
  guint unchanged_people;
  guint skipped_departments;
  guint skipped_people;
  guint source_people;
  guint target_people;
} YqPlanCounts;

#define YQ_TYPE_PLAN (yq_plan_get_type ())

G_DECLARE_FINAL_TYPE (YqPlan, yq_plan, YQ, PLAN, GObject)

YqPlan             *yq_plan_new              (void);
guint               yq_plan_get_n_ops        (YqPlan          *self);
const YqPlanOp     *yq_plan_get_op           (YqPlan          *self,
                                              guint            index);
const YqPlanCounts *yq_plan_get_counts       (YqPlan          *self);
GPtrArray          *yq_plan_get_warnings     (YqPlan          *self);
GPtrArray          *yq_plan_get_blocks       (YqPlan          *self);
/* Blocked by anything that confirmation cannot lift (top mismatch,
 * read-only), or by a threshold that was not confirmed. */
gboolean            yq_plan_is_blocked       (YqPlan          *self);
/* Only thresholds block, so yq_planner_plan() with confirmation would
 * proceed. */
gboolean            yq_plan_needs_confirmation (YqPlan        *self);

/* Builders, for the planner and for tests. The plan takes ownership of
 * @op; the counts are the builder's to keep (yq_plan_get_counts_mut()). */
void                yq_plan_add_op           (YqPlan          *self,
                                              YqPlanOp        *op);
void                yq_plan_add_block        (YqPlan          *self,
                                              YqPlanBlockKind  kind,
                                              const char      *message);
void                yq_plan_add_warning      (YqPlan          *self,
                                              YqPlanWarningKind kind,
                                              const char      *source_id,
                                              const char      *message);
YqPlanCounts       *yq_plan_get_counts_mut   (YqPlan          *self);

/* Adds one member per count to the object @builder is in. */
void                yq_plan_counts_add_json  (const YqPlanCounts *counts,
                                              JsonBuilder     *builder);

YqPlanOp           *yq_plan_op_new           (YqPlanOpKind     kind);
YqPlanOp           *yq_plan_op_copy          (const YqPlanOp  *op);
void                yq_plan_op_free          (YqPlanOp        *op);
/* A JSON object with every member of @op, for the journal; and back. */
char               *yq_plan_op_to_json       (const YqPlanOp  *op);
YqPlanOp           *yq_plan_op_new_from_json (const char      *json,
                                              GError         **error);
/* "create-department", …; and back. */
const char         *yq_plan_op_kind_to_string   (YqPlanOpKind  kind);
gboolean            yq_plan_op_kind_from_string (const char   *text,
                                                 YqPlanOpKind *kind);
/* One translated line for people: "Rename 财务处 to 财务局", … */
char               *yq_plan_op_describe      (const YqPlanOp  *op);
/* "top-mismatch", "duplicate-department", …, for JSON output. */
const char         *yq_plan_block_kind_to_string   (YqPlanBlockKind   kind);
const char         *yq_plan_warning_kind_to_string (YqPlanWarningKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPlanOp, yq_plan_op_free)

G_END_DECLS
