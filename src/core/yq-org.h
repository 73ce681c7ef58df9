/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * YqOrgDepartment:
 * @id: the platform's department ID (政务钉钉 organizationCode, 云之家 orgId)
 * @parent_id: (nullable): the parent's ID; %NULL for the top department
 * @name: display name
 * @order: sort order among siblings (smaller first)
 * @active: %FALSE when the platform marks the department invalid
 *
 * One department of an organisation snapshot.
 */
typedef struct
{
  char     *id;
  char     *parent_id;
  char     *name;
  gint64    order;
  gboolean  active;
} YqOrgDepartment;

/**
 * YqOrgPerson:
 * @id: the directory key (政务钉钉 employeeCode, 云之家 openId)
 * @account_id: (nullable): the messaging / login key (政务钉钉 accountId; 云之家 openId)
 * @account_code: (nullable): login account name (政务钉钉 account code, 云之家 account)
 * @name: display name
 * @mobile: (nullable): mobile number, digits only, without country code
 * @email: (nullable): e-mail address
 * @job_number: (nullable): job / employee number (工号)
 * @title: (nullable): position title
 * @department_ids: (array zero-terminated=1): departments, main department first
 * @order: sort order inside the main department
 * @active: %FALSE for disabled / resigned people
 *
 * One person of an organisation snapshot.
 */
typedef struct
{
  char     *id;
  char     *account_id;
  char     *account_code;
  char     *name;
  char     *mobile;
  char     *email;
  char     *job_number;
  char     *title;
  char    **department_ids;
  gint64    order;
  gboolean  active;
} YqOrgPerson;

#define YQ_TYPE_ORG_SNAPSHOT (yq_org_snapshot_get_type ())

G_DECLARE_FINAL_TYPE (YqOrgSnapshot, yq_org_snapshot, YQ, ORG_SNAPSHOT, GObject)

YqOrgDepartment *yq_org_department_new             (const char      *id,
                                                    const char      *parent_id,
                                                    const char      *name);
void             yq_org_department_free            (YqOrgDepartment *dept);
YqOrgPerson     *yq_org_person_new                 (const char      *id,
                                                    const char      *name);
void             yq_org_person_free                (YqOrgPerson     *person);
YqOrgDepartment *yq_org_department_copy            (const YqOrgDepartment *dept);
YqOrgPerson     *yq_org_person_copy                (const YqOrgPerson     *person);
gboolean         yq_org_department_equal           (const YqOrgDepartment *a,
                                                    const YqOrgDepartment *b);
gboolean         yq_org_person_equal               (const YqOrgPerson     *a,
                                                    const YqOrgPerson     *b);

YqOrgSnapshot   *yq_org_snapshot_new               (const char      *root_id);
const char      *yq_org_snapshot_get_root_id       (YqOrgSnapshot   *self);
void             yq_org_snapshot_set_root_id       (YqOrgSnapshot   *self,
                                                    const char      *root_id);
gboolean         yq_org_snapshot_add_department    (YqOrgSnapshot   *self,
                                                    YqOrgDepartment *dept);
gboolean         yq_org_snapshot_add_person        (YqOrgSnapshot   *self,
                                                    YqOrgPerson     *person);
guint            yq_org_snapshot_get_n_departments (YqOrgSnapshot   *self);
guint            yq_org_snapshot_get_n_people      (YqOrgSnapshot   *self);
YqOrgDepartment *yq_org_snapshot_get_department    (YqOrgSnapshot   *self,
                                                    guint            index);
YqOrgPerson     *yq_org_snapshot_get_person        (YqOrgSnapshot   *self,
                                                    guint            index);
YqOrgDepartment *yq_org_snapshot_lookup_department (YqOrgSnapshot   *self,
                                                    const char      *id);
YqOrgPerson     *yq_org_snapshot_lookup_person     (YqOrgSnapshot   *self,
                                                    const char      *id);
gboolean         yq_org_snapshot_equal             (YqOrgSnapshot   *a,
                                                    YqOrgSnapshot   *b,
                                                    char           **first_difference);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqOrgDepartment, yq_org_department_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqOrgPerson, yq_org_person_free)

G_END_DECLS
