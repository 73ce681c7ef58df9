/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-org.h"
#include "yq-plan.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

/**
 * YqSyncLinks:
 * @departments: source department ID → target department ID
 * @people: source person ID → target person ID
 *
 * The links known before planning. Both maps are one-to-one.
 */
typedef struct
{
  GHashTable *departments;
  GHashTable *people;
} YqSyncLinks;

YqSyncLinks *yq_sync_links_new  (void);
void         yq_sync_links_free (YqSyncLinks *links);
/* Copies both strings. */
void         yq_sync_links_add_department (YqSyncLinks *links,
                                           const char  *source_id,
                                           const char  *target_id);
void         yq_sync_links_add_person     (YqSyncLinks *links,
                                           const char  *source_id,
                                           const char  *target_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSyncLinks, yq_sync_links_free)

/**
 * YqPlannerInput:
 * @source: the side that leads
 * @target: the side that follows
 * @links: the links between them
 * @profile: scope, matching, field map and thresholds
 * @source_is_platform: %TRUE when @source is the platform side (then the
 *   binding rule reads #YqSyncProfile.binding_platform_field on the source
 *   and binding_oa_field on the target; reversed otherwise)
 * @mirror: the target is a copy of the source kept by ID (the bridge
 *   directory): every source item is created, updated or removed by ID,
 *   nothing is matched by name, and scope and the top department do not
 *   apply; thresholds do
 * @target_readonly: the target refuses writes
 * @previous_people: active source people in scope at the last applied run,
 *   or -1 when there was none
 * @confirmed: the administrator confirmed the thresholds for this run
 */
typedef struct
{
  YqOrgSnapshot       *source;
  YqOrgSnapshot       *target;
  const YqSyncLinks   *links;
  const YqSyncProfile *profile;
  gboolean             source_is_platform;
  gboolean             mirror;
  gboolean             target_readonly;
  gint                 previous_people;
  gboolean             confirmed;
} YqPlannerInput;

/* Pure and deterministic: the same input gives the same plan, in the same
 * order. */
YqPlan *yq_planner_plan  (const YqPlannerInput *input);

/* Only the binding part: LINK_PERSON operations for unbound, active source
 * people that the binding rule matches to exactly one unbound target
 * person, with the same warnings as yq_planner_plan(). Nothing else of the
 * profile applies; departments are not looked at. Used after a platform →
 * bridge refresh to bind bridge people to OA people. */
YqPlan *yq_planner_bind  (const YqPlannerInput *input);

G_END_DECLS
