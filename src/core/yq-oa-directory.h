/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-org.h"
#include "yq-store.h"

G_BEGIN_DECLS

#define YQ_OA_DIRECTORY_ERROR (yq_oa_directory_error_quark ())

/**
 * YqOaDirectoryError:
 * @YQ_OA_DIRECTORY_ERROR_NOT_FOUND: no such department or person
 * @YQ_OA_DIRECTORY_ERROR_EXISTS: the account (or another unique key) is taken
 * @YQ_OA_DIRECTORY_ERROR_INVALID: a required field is missing or malformed
 * @YQ_OA_DIRECTORY_ERROR_NOT_EMPTY: a department still has members or
 *   sub-departments
 * @YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS: the account and password do not
 *   sign in; deliberately the same for an unknown account, a disabled
 *   person, no password set and a wrong password
 * @YQ_OA_DIRECTORY_ERROR_NOT_SUPPORTED: the directory cannot do this
 */
typedef enum
{
  YQ_OA_DIRECTORY_ERROR_NOT_FOUND,
  YQ_OA_DIRECTORY_ERROR_EXISTS,
  YQ_OA_DIRECTORY_ERROR_INVALID,
  YQ_OA_DIRECTORY_ERROR_NOT_EMPTY,
  YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS,
  YQ_OA_DIRECTORY_ERROR_NOT_SUPPORTED,
} YqOaDirectoryError;

#define YQ_TYPE_OA_DIRECTORY (yq_oa_directory_get_type ())

G_DECLARE_INTERFACE (YqOaDirectory, yq_oa_directory, YQ, OA_DIRECTORY, GObject)

/**
 * YqOaDirectoryInterface:
 *
 * The OA side of the organisation: departments and people. Person IDs are
 * OA accounts (#YqOrgPerson.id = account_code = the account); a person has
 * one department (department_ids holds one ID). Every call is synchronous
 * and atomic; implementations backed by a remote OA may block.
 */
struct _YqOaDirectoryInterface
{
  GTypeInterface parent_iface;

  YqOrgSnapshot *(*snapshot)          (YqOaDirectory          *self,
                                       GError                **error);
  /* Returns the new department ID. */
  char          *(*add_department)    (YqOaDirectory          *self,
                                       const YqOrgDepartment  *department,
                                       GError                **error);
  /* Writes name, parent_id, order and active of @department->id. */
  gboolean       (*update_department) (YqOaDirectory          *self,
                                       const YqOrgDepartment  *department,
                                       GError                **error);
  gboolean       (*delete_department) (YqOaDirectory          *self,
                                       const char             *id,
                                       GError                **error);
  /* @person->id is the account; returns it. */
  char          *(*add_person)        (YqOaDirectory          *self,
                                       const YqOrgPerson      *person,
                                       GError                **error);
  /* Writes every field of @person->id (account unchanged). */
  gboolean       (*update_person)     (YqOaDirectory          *self,
                                       const YqOrgPerson      *person,
                                       GError                **error);
  gboolean       (*disable_person)    (YqOaDirectory          *self,
                                       const char             *id,
                                       GError                **error);
  /* Optional. On success sets *person_id to the person's ID. */
  gboolean       (*check_password)    (YqOaDirectory          *self,
                                       const char             *account,
                                       const char             *password,
                                       char                  **person_id,
                                       GError                **error);
};

GQuark         yq_oa_directory_error_quark        (void);

YqOrgSnapshot *yq_oa_directory_snapshot           (YqOaDirectory          *self,
                                                   GError                **error);
char          *yq_oa_directory_add_department     (YqOaDirectory          *self,
                                                   const YqOrgDepartment  *department,
                                                   GError                **error);
gboolean       yq_oa_directory_update_department  (YqOaDirectory          *self,
                                                   const YqOrgDepartment  *department,
                                                   GError                **error);
gboolean       yq_oa_directory_delete_department  (YqOaDirectory          *self,
                                                   const char             *id,
                                                   GError                **error);
char          *yq_oa_directory_add_person         (YqOaDirectory          *self,
                                                   const YqOrgPerson      *person,
                                                   GError                **error);
gboolean       yq_oa_directory_update_person      (YqOaDirectory          *self,
                                                   const YqOrgPerson      *person,
                                                   GError                **error);
gboolean       yq_oa_directory_disable_person     (YqOaDirectory          *self,
                                                   const char             *id,
                                                   GError                **error);
gboolean       yq_oa_directory_check_password     (YqOaDirectory          *self,
                                                   const char             *account,
                                                   const char             *password,
                                                   char                  **person_id,
                                                   GError                **error);

/* The built-in OA directory: tables oa_departments and oa_people in the
 * store. */
#define YQ_TYPE_BUILTIN_OA_DIRECTORY (yq_builtin_oa_directory_get_type ())

G_DECLARE_FINAL_TYPE (YqBuiltinOaDirectory, yq_builtin_oa_directory, YQ, BUILTIN_OA_DIRECTORY,
                      GObject)

YqOaDirectory *yq_builtin_oa_directory_new        (YqStore                *store);
gboolean       yq_builtin_oa_directory_set_password (YqBuiltinOaDirectory *self,
                                                     const char           *account,
                                                     const char           *password,
                                                     GError              **error);
gboolean       yq_builtin_oa_directory_clear_password (YqBuiltinOaDirectory *self,
                                                       const char           *account,
                                                       GError              **error);

G_END_DECLS
