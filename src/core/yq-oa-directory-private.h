/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-oa-directory.h"

G_BEGIN_DECLS

/* For code inside libyq-core that writes the built-in OA directory in bulk
 * (the CSV import). The store lock must be held; the writers must run
 * inside yq_store_transaction(). Nothing is validated here. */

YqOrgSnapshot *yq_oa_directory_read_snapshot      (YqStore                *store,
                                                   GError                **error);
/* Returns the new department's ID ("d" + a number never used before). */
char          *yq_oa_directory_insert_department  (YqStore                *store,
                                                   const char             *parent_id,
                                                   const char             *name,
                                                   gint64                  order,
                                                   gboolean                active,
                                                   GError                **error);
/* Inserts (@insert) or rewrites every field of @person; the department is
 * department_ids[0] (none when empty), empty optional fields are stored
 * as NULL. */
gboolean       yq_oa_directory_write_person       (YqStore                *store,
                                                   const YqOrgPerson      *person,
                                                   gboolean                insert,
                                                   GError                **error);
/* The checks add_person() and update_person() make on the fields alone
 * (YQ_OA_DIRECTORY_ERROR_INVALID). */
gboolean       yq_oa_directory_check_account      (const char             *account,
                                                   GError                **error);
gboolean       yq_oa_directory_check_name         (const char             *name,
                                                   GError                **error);
/* The stored password hash of @account; *password_hash is %NULL when the
 * account is unknown or has no password. */
gboolean       yq_oa_directory_read_password_hash (YqStore                *store,
                                                   const char             *account,
                                                   char                  **password_hash,
                                                   GError                **error);
/* Writes @password_hash (%NULL: none) as it is; the caller checked it. */
gboolean       yq_oa_directory_write_password_hash (YqStore               *store,
                                                    const char            *account,
                                                    const char            *password_hash,
                                                    GError               **error);

G_END_DECLS
