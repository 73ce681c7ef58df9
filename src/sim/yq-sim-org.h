/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "yq-org.h"

G_BEGIN_DECLS

/**
 * YqSimPlatform:
 * @YQ_SIM_PLATFORM_ZWDD: 政务钉钉 / 专有钉钉 / 浙政钉
 * @YQ_SIM_PLATFORM_YZJ: 云之家
 *
 * The platform whose identifiers and field conventions to present.
 */
typedef enum
{
  YQ_SIM_PLATFORM_ZWDD,
  YQ_SIM_PLATFORM_YZJ,
} YqSimPlatform;

/**
 * YqSimStatus:
 * @YQ_SIM_STATUS_CANCELLED: 云之家 status 0 (注销); 政务钉钉 `F`
 * @YQ_SIM_STATUS_NORMAL: 云之家 status 1; 政务钉钉 `A`
 * @YQ_SIM_STATUS_DISABLED: 云之家 status 2 (禁用); 政务钉钉 `F`
 *
 * A person's state, numbered as 云之家 numbers it.
 */
typedef enum
{
  YQ_SIM_STATUS_CANCELLED = 0,
  YQ_SIM_STATUS_NORMAL    = 1,
  YQ_SIM_STATUS_DISABLED  = 2,
} YqSimStatus;

/**
 * YqSimChange:
 * @YQ_SIM_CHANGE_ADDED: created
 * @YQ_SIM_CHANGE_UPDATED: renamed, moved or otherwise edited
 * @YQ_SIM_CHANGE_DELETED: removed
 *
 * The last change of a record, numbered as 云之家 `changeType`.
 */
typedef enum
{
  YQ_SIM_CHANGE_ADDED   = 1,
  YQ_SIM_CHANGE_UPDATED = 2,
  YQ_SIM_CHANGE_DELETED = 3,
} YqSimChange;

#define YQ_SIM_ORG_ERROR (yq_sim_org_error_quark ())

typedef enum
{
  YQ_SIM_ORG_ERROR_NOT_FOUND,
  YQ_SIM_ORG_ERROR_EXISTS,
  YQ_SIM_ORG_ERROR_INVALID,
  YQ_SIM_ORG_ERROR_NOT_EMPTY,
} YqSimOrgError;

/**
 * YqSimDepartment:
 * @index: position in the organisation's department table (stable)
 * @parent: index of the parent, or -1 for the top department
 * @name: short name
 * @order: 政务钉钉 displayOrder and 云之家 weights
 * @depth: 0 for the top department
 * @deleted: removed; kept so that change queries can report it
 * @zwdd_code: 政务钉钉 organizationCode (`GO_` + 32 hex digits)
 * @yzj_id: 云之家 orgId (a UUID; 24 hex digits for the team root)
 * @gmt_create: creation time, Unix seconds
 * @changed_usec: real time of the last change, for 云之家 getAtTime
 * @change: the last change
 *
 * One department. Read-only for callers; change it through the org's edit
 * functions so that indexes and change records stay right.
 */
typedef struct
{
  guint        index;
  int          parent;
  char        *name;
  gint64       order;
  guint        depth;
  gboolean     deleted;
  char         zwdd_code[36];
  char         yzj_id[37];
  gint64       gmt_create;
  gint64       changed_usec;
  YqSimChange  change;

  /*< private >*/
  GArray      *children;
  GArray      *members;
  gboolean     children_sorted;
  gboolean     members_sorted;
  guint        next_order;
} YqSimDepartment;

/**
 * YqSimPerson:
 * @index: position in the organisation's person table (stable)
 * @name: full name
 * @mobile: 11-digit mobile number
 * @email: (nullable): e-mail address
 * @job_number: (nullable): 工号
 * @title: (nullable): position title
 * @departments: department indexes, main department first
 * @n_departments: length of @departments
 * @order: sort order inside the departments
 * @status: normal, disabled or cancelled
 * @deleted: removed from the directory
 * @gender: 1 male, 2 female
 * @employee_code: 政务钉钉 employeeCode (`GE_` + 32 hex digits)
 * @account_id: 政务钉钉 accountId
 * @account_id_str: @account_id in decimal
 * @account_code: 政务钉钉 login name
 * @open_id: 云之家 openId (24 hex digits)
 * @uid: 云之家 platform user ID
 * @gmt_create: creation time, Unix seconds
 * @changed_usec: real time of the last change
 * @change: the last change
 *
 * One person. Read-only for callers, like #YqSimDepartment.
 */
typedef struct
{
  guint        index;
  char        *name;
  char         mobile[12];
  char        *email;
  char        *job_number;
  char        *title;
  guint       *departments;
  guint        n_departments;
  gint64       order;
  YqSimStatus  status;
  gboolean     deleted;
  guint8       gender;
  char         employee_code[36];
  guint64      account_id;
  char         account_id_str[24];
  char        *account_code;
  char         open_id[25];
  guint64      uid;
  gint64       gmt_create;
  gint64       changed_usec;
  YqSimChange  change;
} YqSimPerson;

#define YQ_TYPE_SIM_ORG (yq_sim_org_get_type ())

G_DECLARE_FINAL_TYPE (YqSimOrg, yq_sim_org, YQ, SIM_ORG, GObject)

GQuark           yq_sim_org_error_quark            (void);

YqSimOrg        *yq_sim_org_generate               (guint             n_people,
                                                    guint64           seed);
guint64          yq_sim_org_get_seed               (YqSimOrg         *self);
guint64          yq_sim_org_get_serial             (YqSimOrg         *self);

YqSimDepartment *yq_sim_org_get_root               (YqSimOrg         *self);
guint            yq_sim_org_get_department_slots   (YqSimOrg         *self);
YqSimDepartment *yq_sim_org_get_department         (YqSimOrg         *self,
                                                    guint             index);
guint            yq_sim_org_count_departments      (YqSimOrg         *self);
guint            yq_sim_org_get_person_slots       (YqSimOrg         *self);
YqSimPerson     *yq_sim_org_get_person             (YqSimOrg         *self,
                                                    guint             index);
guint            yq_sim_org_count_people           (YqSimOrg         *self);

YqSimDepartment *yq_sim_org_find_department        (YqSimOrg         *self,
                                                    const char       *id);
YqSimDepartment *yq_sim_org_find_zwdd_department   (YqSimOrg         *self,
                                                    const char       *organization_code);
YqSimDepartment *yq_sim_org_find_yzj_department    (YqSimOrg         *self,
                                                    const char       *org_id);
YqSimDepartment *yq_sim_org_find_by_long_name      (YqSimOrg         *self,
                                                    const char       *long_name);
YqSimDepartment *yq_sim_org_find_child             (YqSimOrg         *self,
                                                    YqSimDepartment  *parent,
                                                    const char       *name);
YqSimPerson     *yq_sim_org_find_person            (YqSimOrg         *self,
                                                    const char       *id);
YqSimPerson     *yq_sim_org_find_by_employee_code  (YqSimOrg         *self,
                                                    const char       *employee_code);
YqSimPerson     *yq_sim_org_find_by_account_id     (YqSimOrg         *self,
                                                    guint64           account_id);
YqSimPerson     *yq_sim_org_find_by_open_id        (YqSimOrg         *self,
                                                    const char       *open_id);
YqSimPerson     *yq_sim_org_find_by_mobile         (YqSimOrg         *self,
                                                    const char       *mobile);

GArray          *yq_sim_org_get_children           (YqSimOrg         *self,
                                                    YqSimDepartment  *dept);
GArray          *yq_sim_org_get_members            (YqSimOrg         *self,
                                                    YqSimDepartment  *dept);
char            *yq_sim_org_get_long_name          (YqSimOrg         *self,
                                                    YqSimDepartment  *dept);
gboolean         yq_sim_org_is_ancestor            (YqSimOrg         *self,
                                                    YqSimDepartment  *ancestor,
                                                    YqSimDepartment  *dept);
const char      *yq_sim_org_get_unit_code          (YqSimOrg         *self,
                                                    YqSimDepartment  *dept);

void             yq_sim_org_set_zwdd_scope         (YqSimOrg         *self,
                                                    GPtrArray        *departments);
GPtrArray       *yq_sim_org_get_zwdd_scope         (YqSimOrg         *self);
gboolean         yq_sim_org_in_zwdd_scope          (YqSimOrg         *self,
                                                    YqSimDepartment  *dept);

YqSimDepartment *yq_sim_org_add_department         (YqSimOrg         *self,
                                                    YqSimDepartment  *parent,
                                                    const char       *name,
                                                    gint64            order,
                                                    GError          **error);
YqSimDepartment *yq_sim_org_ensure_path            (YqSimOrg         *self,
                                                    const char       *long_name,
                                                    gint64            order,
                                                    gboolean         *created,
                                                    GError          **error);
gboolean         yq_sim_org_rename_department      (YqSimOrg         *self,
                                                    YqSimDepartment  *dept,
                                                    const char       *name,
                                                    GError          **error);
gboolean         yq_sim_org_move_department        (YqSimOrg         *self,
                                                    YqSimDepartment  *dept,
                                                    YqSimDepartment  *new_parent,
                                                    GError          **error);
void             yq_sim_org_set_department_order   (YqSimOrg         *self,
                                                    YqSimDepartment  *dept,
                                                    gint64            order);
gboolean         yq_sim_org_delete_department      (YqSimOrg         *self,
                                                    YqSimDepartment  *dept,
                                                    GError          **error);

YqSimPerson     *yq_sim_org_add_person             (YqSimOrg         *self,
                                                    const char       *name,
                                                    const char       *mobile,
                                                    const guint      *departments,
                                                    guint             n_departments,
                                                    GError          **error);
gboolean         yq_sim_org_set_person_mobile      (YqSimOrg         *self,
                                                    YqSimPerson      *person,
                                                    const char       *mobile,
                                                    GError          **error);
void             yq_sim_org_set_person_text        (YqSimOrg         *self,
                                                    YqSimPerson      *person,
                                                    const char       *name,
                                                    const char       *email,
                                                    const char       *job_number,
                                                    const char       *title);
gboolean         yq_sim_org_set_person_departments (YqSimOrg         *self,
                                                    YqSimPerson      *person,
                                                    const guint      *departments,
                                                    guint             n_departments,
                                                    GError          **error);
void             yq_sim_org_set_person_order       (YqSimOrg         *self,
                                                    YqSimPerson      *person,
                                                    gint64            order);
void             yq_sim_org_set_person_status      (YqSimOrg         *self,
                                                    YqSimPerson      *person,
                                                    YqSimStatus       status);
void             yq_sim_org_set_person_gender      (YqSimOrg         *self,
                                                    YqSimPerson      *person,
                                                    guint8            gender);
void             yq_sim_org_delete_person          (YqSimOrg         *self,
                                                    YqSimPerson      *person);

YqOrgSnapshot   *yq_sim_org_expected_snapshot      (YqSimOrg         *self,
                                                    YqSimPlatform     platform);

G_END_DECLS
