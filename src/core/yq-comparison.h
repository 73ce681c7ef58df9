/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-plan.h"
#include "yq-planner.h"

G_BEGIN_DECLS

/**
 * YqComparisonStatus:
 * @YQ_COMPARISON_UNCHANGED: linked already, nothing to change
 * @YQ_COMPARISON_MATCHED: not linked yet; the plan links it (same name at
 *   the same level, or the binding rule)
 * @YQ_COMPARISON_NEW: the plan creates it on the target side
 * @YQ_COMPARISON_REMOVED: the plan removes (or, in the OA, disables) it
 * @YQ_COMPARISON_RENAMED: linked; the plan renames it (and may move it)
 * @YQ_COMPARISON_MOVED: linked; the plan moves it to another parent
 *   (people: to other departments)
 * @YQ_COMPARISON_UPDATED: linked; other fields change (order, status,
 *   mapped person fields)
 * @YQ_COMPARISON_SKIPPED: on the leading side but left alone: out of
 *   scope, or left out by a warning
 * @YQ_COMPARISON_TARGET_ONLY: only on the following side, not linked, and
 *   never touched by the sync
 *
 * What a sync will do to one item, as the comparison view shows it.
 */
typedef enum
{
  YQ_COMPARISON_UNCHANGED,
  YQ_COMPARISON_MATCHED,
  YQ_COMPARISON_NEW,
  YQ_COMPARISON_REMOVED,
  YQ_COMPARISON_RENAMED,
  YQ_COMPARISON_MOVED,
  YQ_COMPARISON_UPDATED,
  YQ_COMPARISON_SKIPPED,
  YQ_COMPARISON_TARGET_ONLY,
} YqComparisonStatus;

#define YQ_N_COMPARISON_STATUSES 9

/**
 * YqComparisonReason:
 *
 * Why a node has its status, for the details pane. The text of the node's
 * @reason_detail completes it (the matched value, a warning's message).
 */
typedef enum
{
  YQ_COMPARISON_REASON_NONE,
  YQ_COMPARISON_REASON_LINKED,          /* an existing link, by IDs */
  YQ_COMPARISON_REASON_SAME_NAME,       /* same name, same level, linked parents */
  YQ_COMPARISON_REASON_BINDING_RULE,    /* detail: "mobile = mobile: 13800138000" */
  YQ_COMPARISON_REASON_NO_MATCH,        /* nothing matched: created */
  YQ_COMPARISON_REASON_NOT_ADDED,       /* nothing matched; new members are not added */
  YQ_COMPARISON_REASON_SOURCE_GONE,     /* linked, the leading side no longer has it */
  YQ_COMPARISON_REASON_OUT_OF_SCOPE,    /* the profile's scope leaves it out */
  YQ_COMPARISON_REASON_WARNING,         /* detail: the planner's warning */
  YQ_COMPARISON_REASON_UNLINKED_TARGET, /* unlinked data is never touched */
  YQ_COMPARISON_REASON_MIRROR,          /* the bridge keeps a copy by ID */
} YqComparisonReason;

/**
 * YqComparisonField:
 * @field: the field: "name", "parent", "order", "active", "departments",
 *   or a #YqPersonField name ("mobile", "email", …)
 * @old_value: (nullable): the value on the following side now
 * @new_value: (nullable): the value after the sync
 *
 * One field a sync changes.
 */
typedef struct
{
  const char *field;
  const char *old_value;
  const char *new_value;
} YqComparisonField;

#define YQ_COMPARISON_NONE G_MAXUINT32

/**
 * YqComparisonNode:
 * @is_person: a person, else a department
 * @status: a #YqComparisonStatus
 * @linked: linked before the sync (the filled dot)
 * @active: active on the side it is shown from
 * @changes: #YqPlanChange flags of the node's update or link
 * @parent: the node it is shown under (for people: the main
 *   department), or %YQ_COMPARISON_NONE for a top node
 * @source_parent: the parent on the leading side, or %YQ_COMPARISON_NONE
 * @target_parent: the parent on the following side now, or
 *   %YQ_COMPARISON_NONE
 * @source_id: (nullable): the ID on the leading side
 * @target_id: (nullable): the ID on the following side
 * @name: the name after the sync (the leading side's, or the following
 *   side's for target-only and removed nodes)
 * @old_name: (nullable): the following side's name when the sync renames
 * @account: (nullable): people: the login account
 * @job_number: (nullable): people: the job number
 * @mobile: (nullable): people: the mobile number
 * @people: departments: active people in the subtree, on the side shown
 * @reason: a #YqComparisonReason
 * @reason_detail: (nullable): completes @reason
 * @first_field: index of the node's first #YqComparisonField
 * @n_fields: how many fields the sync changes
 *
 * One department or person of the comparison. Strings belong to the
 * comparison.
 */
typedef struct
{
  guint8      is_person;
  guint8      status;
  guint8      linked;
  guint8      active;
  guint16     changes;
  guint8      reason;
  guint32     parent;
  guint32     source_parent;
  guint32     target_parent;
  const char *source_id;
  const char *target_id;
  const char *name;
  const char *old_name;
  const char *account;
  const char *job_number;
  const char *mobile;
  const char *reason_detail;
  guint32     people;
  guint32     first_field;
  guint32     n_fields;
} YqComparisonNode;

/**
 * YqComparisonSide:
 * @YQ_COMPARISON_SIDE_PLATFORM: the messaging platform
 * @YQ_COMPARISON_SIDE_BRIDGE: the bridge's copy of the platform directory
 * @YQ_COMPARISON_SIDE_OA: the OA directory
 */
typedef enum
{
  YQ_COMPARISON_SIDE_PLATFORM,
  YQ_COMPARISON_SIDE_BRIDGE,
  YQ_COMPARISON_SIDE_OA,
} YqComparisonSide;

#define YQ_TYPE_COMPARISON (yq_comparison_get_type ())

G_DECLARE_FINAL_TYPE (YqComparison, yq_comparison, YQ, COMPARISON, GObject)

/* Builds the comparison of @plan, planned from @input. Departments come
 * first, in the leading side's tree order; target-only and removed items
 * hang under the node their target parent is linked to (or at the top).
 * Binding operations whose target is another directory than @input's
 * target (a platform → bridge refresh binding to OA people) mark the
 * person as matched. */
YqComparison     *yq_comparison_new               (const YqPlannerInput *input,
                                                   YqPlan               *plan,
                                                   YqComparisonSide      source_side,
                                                   YqComparisonSide      target_side);

YqComparisonSide  yq_comparison_get_source_side   (YqComparison  *self);
YqComparisonSide  yq_comparison_get_target_side   (YqComparison  *self);
guint             yq_comparison_get_n_nodes       (YqComparison  *self);
const YqComparisonNode *yq_comparison_get_node    (YqComparison  *self,
                                                   guint          index);
/* The fields of a node (n_fields of them). */
const YqComparisonField *yq_comparison_get_fields (YqComparison  *self,
                                                   guint          index,
                                                   guint         *n_fields);
/* Children of a node in display order (departments first, by order then
 * name, then people by name); @index YQ_COMPARISON_NONE for the top
 * nodes. The array belongs to the comparison. */
const guint32    *yq_comparison_get_children      (YqComparison  *self,
                                                   guint          index,
                                                   guint         *n_children);
/* Per status: [status][0] departments, [status][1] people. */
void              yq_comparison_get_counts        (YqComparison  *self,
                                                   guint          counts[YQ_N_COMPARISON_STATUSES][2]);
/* The plan's blocks (#YqPlanBlock), its counts and whether it needs a
 * confirmation, as they were when the comparison was built. */
GPtrArray        *yq_comparison_get_blocks        (YqComparison  *self);
const YqPlanCounts *yq_comparison_get_plan_counts (YqComparison  *self);
gboolean          yq_comparison_needs_confirmation (YqComparison *self);
/* Whether the node or one of its descendants changes (a status other than
 * unchanged, skipped and target-only). */
gboolean          yq_comparison_has_changes_below (YqComparison  *self,
                                                   guint          index);
/* "/财务局/预算处" on the leading (@source TRUE) or following side, from the
 * node's parents on that side; "" when the node is not on that side. */
char             *yq_comparison_get_path          (YqComparison  *self,
                                                   guint          index,
                                                   gboolean       source);
/* Case-insensitive substring match of @needle (already folded with
 * g_utf8_casefold) on the name, old name, account, job number, mobile or
 * IDs. */
gboolean          yq_comparison_node_matches      (YqComparison  *self,
                                                   guint          index,
                                                   const char    *folded_needle);

/* A GVariant file; written atomically (g_file_set_contents). Loading checks
 * the format and every index, and fails with G_IO_ERROR_INVALID_DATA naming
 * the problem. */
gboolean          yq_comparison_save              (YqComparison  *self,
                                                   const char    *path,
                                                   GError       **error);
YqComparison     *yq_comparison_load              (const char    *path,
                                                   GError       **error);

/* "unchanged", "matched", …; and back. */
const char       *yq_comparison_status_to_string  (YqComparisonStatus status);
gboolean          yq_comparison_status_from_string (const char        *text,
                                                    YqComparisonStatus *status);

G_END_DECLS
