/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "yq-org.h"

G_BEGIN_DECLS

/**
 * YqSyncDirection:
 * @YQ_SYNC_DIRECTION_FROM_PLATFORM: platform → bridge directory; the OA is
 *   not touched (and unbound people are bound by the binding rule when
 *   auto-binding is on)
 * @YQ_SYNC_DIRECTION_TO_OA: platform → bridge → OA directory ("sync to OA")
 * @YQ_SYNC_DIRECTION_TO_PLATFORM: OA → bridge → platform (云之家 only); a
 *   platform → bridge refresh always runs first
 */
typedef enum
{
  YQ_SYNC_DIRECTION_FROM_PLATFORM,
  YQ_SYNC_DIRECTION_TO_OA,
  YQ_SYNC_DIRECTION_TO_PLATFORM,
} YqSyncDirection;

#define YQ_N_SYNC_DIRECTIONS 3

/**
 * YqPersonField:
 *
 * The person fields that field mappings and binding rules speak of; the
 * names are those of #YqOrgPerson.
 */
typedef enum
{
  YQ_PERSON_FIELD_NONE = -1,
  YQ_PERSON_FIELD_NAME,
  YQ_PERSON_FIELD_MOBILE,
  YQ_PERSON_FIELD_EMAIL,
  YQ_PERSON_FIELD_JOB_NUMBER,
  YQ_PERSON_FIELD_TITLE,
  YQ_PERSON_FIELD_ACCOUNT_CODE,
} YqPersonField;

#define YQ_N_PERSON_FIELDS 6

/**
 * YqSyncProfile:
 * @top_department: (nullable): the target-side department that receives
 *   the source tree (顶级部门); %NULL for the target's root
 * @include_departments: (array zero-terminated=1) (nullable): source
 *   department IDs whose subtrees are in scope; %NULL or empty for all
 * @exclude_departments: (array zero-terminated=1) (nullable): source
 *   department IDs whose subtrees are out of scope; beats include
 * @include_people: (array zero-terminated=1) (nullable): source person IDs
 *   in scope even outside the included departments
 * @exclude_people: (array zero-terminated=1) (nullable): source person IDs
 *   out of scope; beats every include
 * @add_new_members: create target people for unlinked source people that
 *   no binding matched
 * @auto_bind: link unlinked source people to unlinked target people by
 *   the binding rule
 * @binding_platform_field: the platform side of the binding rule
 * @binding_oa_field: the OA side of the binding rule
 * @field_map: for every target field (index: #YqPersonField), the source
 *   field that fills it, or %YQ_PERSON_FIELD_NONE to leave it alone
 * @people_threshold: stop when the number of people would fall by more
 *   than this; -1 for no limit
 * @department_threshold: stop when more than this many departments would
 *   be deleted; -1 for no limit
 *
 * How one connector syncs in one direction. Stored per connector and
 * direction (see yq_sync_profiles_get()).
 */
typedef struct
{
  char          *top_department;
  char         **include_departments;
  char         **exclude_departments;
  char         **include_people;
  char         **exclude_people;
  gboolean       add_new_members;
  gboolean       auto_bind;
  YqPersonField  binding_platform_field;
  YqPersonField  binding_oa_field;
  YqPersonField  field_map[YQ_N_PERSON_FIELDS];
  gint           people_threshold;
  gint           department_threshold;
} YqSyncProfile;

#define YQ_TYPE_SYNC_PROFILE (yq_sync_profile_get_type ())

GType          yq_sync_profile_get_type        (void) G_GNUC_CONST;
/* The defaults: whole tree, add new members, auto-bind by mobile, identity
 * field map, people threshold 50, department threshold 10. */
YqSyncProfile *yq_sync_profile_new             (void);
YqSyncProfile *yq_sync_profile_copy            (const YqSyncProfile *profile);
void           yq_sync_profile_free            (YqSyncProfile       *profile);
/* A JSON object; every member optional on parse (defaults fill in), unknown
 * members and wrong types are errors (G_IO_ERROR_INVALID_DATA, naming the
 * member). */
char          *yq_sync_profile_to_json         (const YqSyncProfile *profile);
YqSyncProfile *yq_sync_profile_new_from_json   (const char          *json,
                                                GError             **error);

const char    *yq_sync_direction_to_string     (YqSyncDirection      direction);
gboolean       yq_sync_direction_from_string   (const char          *text,
                                                YqSyncDirection     *direction);
const char    *yq_person_field_to_string       (YqPersonField        field);
gboolean       yq_person_field_from_string     (const char          *text,
                                                YqPersonField       *field);
/* The value of @field in @person (borrowed, nullable). */
const char    *yq_org_person_get_field         (const YqOrgPerson   *person,
                                                YqPersonField        field);
void           yq_org_person_set_field         (YqOrgPerson         *person,
                                                YqPersonField        field,
                                                const char          *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqSyncProfile, yq_sync_profile_free)

G_END_DECLS
