/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-oa-directory"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "yq-oa-directory-private.h"
#include "yq-password.h"
#include "yq-store-private.h"

#define MAX_NAME_LENGTH 255
#define MAX_ACCOUNT_LENGTH 255

G_DEFINE_QUARK (yq-oa-directory-error-quark, yq_oa_directory_error)

G_DEFINE_INTERFACE (YqOaDirectory, yq_oa_directory, G_TYPE_OBJECT)

static void
yq_oa_directory_default_init (YqOaDirectoryInterface *iface)
{
}

/**
 * yq_oa_directory_snapshot:
 * @self: an OA directory
 * @error: return location for an error
 *
 * Reads the whole directory at one point in time.
 *
 * Returns: (transfer full): the departments and people, or %NULL with
 *   @error set
 */
YqOrgSnapshot *
yq_oa_directory_snapshot (YqOaDirectory  *self,
                          GError        **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->snapshot (self, error);
}

/**
 * yq_oa_directory_add_department:
 * @self: an OA directory
 * @department: the department; its @id is ignored, @parent_id %NULL makes
 *   it the top department (there can only be one)
 * @error: return location for an error
 *
 * Returns: (transfer full): the new department's ID, or %NULL with @error
 *   set
 */
char *
yq_oa_directory_add_department (YqOaDirectory          *self,
                                const YqOrgDepartment  *department,
                                GError                **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), NULL);
  g_return_val_if_fail (department != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->add_department (self, department, error);
}

/**
 * yq_oa_directory_update_department:
 * @self: an OA directory
 * @department: the department's new state, found by its @id
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_oa_directory_update_department (YqOaDirectory          *self,
                                   const YqOrgDepartment  *department,
                                   GError                **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (department != NULL && department->id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->update_department (self, department, error);
}

/**
 * yq_oa_directory_delete_department:
 * @self: an OA directory
 * @id: the department ID
 * @error: return location for an error
 *
 * Deletes a department that has no sub-departments and no active members
 * (%YQ_OA_DIRECTORY_ERROR_NOT_EMPTY otherwise).
 *
 * Returns: %TRUE on success
 */
gboolean
yq_oa_directory_delete_department (YqOaDirectory  *self,
                                   const char     *id,
                                   GError        **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->delete_department (self, id, error);
}

/**
 * yq_oa_directory_add_person:
 * @self: an OA directory
 * @person: the person; @id is the account
 * @error: return location for an error
 *
 * Returns: (transfer full): the account, or %NULL with @error set
 *   (%YQ_OA_DIRECTORY_ERROR_EXISTS when the account is taken)
 */
char *
yq_oa_directory_add_person (YqOaDirectory      *self,
                            const YqOrgPerson  *person,
                            GError            **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), NULL);
  g_return_val_if_fail (person != NULL && person->id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->add_person (self, person, error);
}

/**
 * yq_oa_directory_update_person:
 * @self: an OA directory
 * @person: the person's new state, found by its @id (the account)
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_oa_directory_update_person (YqOaDirectory      *self,
                               const YqOrgPerson  *person,
                               GError            **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (person != NULL && person->id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->update_person (self, person, error);
}

/**
 * yq_oa_directory_disable_person:
 * @self: an OA directory
 * @id: the account
 * @error: return location for an error
 *
 * Marks the person disabled; disabling a disabled person succeeds.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_oa_directory_disable_person (YqOaDirectory  *self,
                                const char     *id,
                                GError        **error)
{
  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return YQ_OA_DIRECTORY_GET_IFACE (self)->disable_person (self, id, error);
}

/**
 * yq_oa_directory_check_password:
 * @self: an OA directory
 * @account: the OA account a person typed
 * @password: the password they typed
 * @person_id: (out) (optional) (transfer full): the person's ID on success
 * @error: return location for an error
 *
 * Checks an OA account and password. An unknown account, a disabled person,
 * a person without a password and a wrong password all fail with the same
 * %YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS error and message, so that the
 * answer does not reveal which accounts exist. Slow on purpose.
 *
 * Returns: %TRUE when the password is right
 */
gboolean
yq_oa_directory_check_password (YqOaDirectory  *self,
                                const char     *account,
                                const char     *password,
                                char          **person_id,
                                GError        **error)
{
  YqOaDirectoryInterface *iface;

  g_return_val_if_fail (YQ_IS_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = YQ_OA_DIRECTORY_GET_IFACE (self);
  if (iface->check_password == NULL)
    {
      g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_SUPPORTED,
                           _("This OA directory cannot check passwords; bind people by "
                             "another means."));
      return FALSE;
    }

  return iface->check_password (self, account, password, person_id, error);
}

/* The built-in directory */

struct _YqBuiltinOaDirectory
{
  GObject  parent_instance;

  YqStore *store;
};

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void yq_builtin_oa_directory_iface_init (YqOaDirectoryInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (YqBuiltinOaDirectory, yq_builtin_oa_directory, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (YQ_TYPE_OA_DIRECTORY,
                                                      yq_builtin_oa_directory_iface_init))

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const char *
nonempty_or_null (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : NULL;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  text = nonempty_or_null (text);
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup (text) : NULL;
}

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

gboolean
yq_oa_directory_check_account (const char  *account,
                               GError     **error)
{
  gunichar first, last;

  if (account == NULL || account[0] == '\0')
    {
      g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                           _("The account is empty."));
      return FALSE;
    }

  if (!g_utf8_validate (account, -1, NULL))
    {
      g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                           _("The account is not valid UTF-8 text."));
      return FALSE;
    }

  first = g_utf8_get_char (account);
  last = g_utf8_get_char (g_utf8_find_prev_char (account, account + strlen (account)));
  if (g_unichar_isspace (first) || g_unichar_isspace (last))
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("The account “%s” begins or ends with a space."), account);
      return FALSE;
    }

  if (has_control_chars (account))
    {
      g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                           _("The account contains control characters."));
      return FALSE;
    }

  if (g_utf8_strlen (account, -1) > MAX_ACCOUNT_LENGTH)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("The account is longer than %d characters."), MAX_ACCOUNT_LENGTH);
      return FALSE;
    }

  return TRUE;
}

gboolean
yq_oa_directory_check_name (const char  *name,
                            GError     **error)
{
  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                           _("The name is missing or not valid UTF-8 text."));
      return FALSE;
    }

  if (is_blank (name))
    {
      g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                           _("The name is empty."));
      return FALSE;
    }

  if (has_control_chars (name))
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("The name “%s” contains control characters."), name);
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("The name is longer than %d characters."), MAX_NAME_LENGTH);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_optional_text (const char  *what,
                     const char  *value,
                     GError     **error)
{
  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    {
      /* Translators: %s is a field, e.g. "mobile" */
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("The %s is not valid UTF-8 text."), what);
      return FALSE;
    }

  return TRUE;
}

static const char *
person_department (const YqOrgPerson *person)
{
  if (person->department_ids == NULL)
    return NULL;

  return nonempty_or_null (person->department_ids[0]);
}

/* The checks that need no database. */
static gboolean
check_person (const YqOrgPerson  *person,
              GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!yq_oa_directory_check_account (person->id, error))
    return FALSE;

  if (!yq_oa_directory_check_name (person->name, &local_error))
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   /* Translators: the first %s is an account, the second why its name is refused */
                   _("The person “%s” cannot be saved: %s"), person->id, local_error->message);
      return FALSE;
    }

  if (!check_optional_text (_("job number"), person->job_number, error) ||
      !check_optional_text (_("mobile number"), person->mobile, error) ||
      !check_optional_text (_("email address"), person->email, error) ||
      !check_optional_text (_("title"), person->title, error))
    return FALSE;

  if (person->active && person_department (person) == NULL)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("The person “%s” (%s) has no department; an active person needs one."),
                   person->name, person->id);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_department_fields (const YqOrgDepartment  *department,
                         GError                **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!yq_oa_directory_check_name (department->name, &local_error))
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   /* Translators: %s says why a department name is refused */
                   _("The department cannot be saved: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Store lock held. Sets *found; *parent_id and *name when found. */
static gboolean
lookup_department (YqStore     *store,
                   const char  *id,
                   gboolean    *found,
                   char       **parent_id,
                   char       **name,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;

  stmt = yq_store_prepare (store, "SELECT parent_id, name FROM oa_departments WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      if (parent_id != NULL)
        *parent_id = column_dup (stmt, 0);
      if (name != NULL)
        *name = column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
      return FALSE;
    }

  return TRUE;
}

/* Store lock held. Runs a query with one text parameter that returns one
 * integer. */
static gboolean
query_count (YqStore     *store,
             const char  *sql,
             const char  *param,
             gint64      *count,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  *count = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
      return FALSE;
    }

  return TRUE;
}

static void
set_department_not_found (GError     **error,
                          const char  *id)
{
  g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_FOUND,
               _("There is no department with the ID “%s” in the OA directory; it may have "
                 "been deleted."),
               id);
}

static void
set_person_not_found (GError     **error,
                      const char  *account)
{
  g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_FOUND,
               _("There is no person with the account “%s” in the OA directory."), account);
}

/* Store lock held. */
static gboolean
require_department (YqStore     *store,
                    const char  *id,
                    GError     **error)
{
  gboolean found;

  if (!lookup_department (store, id, &found, NULL, NULL, error))
    return FALSE;

  if (!found)
    {
      set_department_not_found (error, id);
      return FALSE;
    }

  return TRUE;
}

YqOrgSnapshot *
yq_oa_directory_read_snapshot (YqStore  *store,
                               GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(YqOrgSnapshot) snapshot = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);

  locker = yq_store_lock (store);

  /* One statement reads both tables from the same database state. */
  stmt = yq_store_prepare (store,
                           "SELECT 0, id, parent_id, name, sort_order, active, "
                           "       NULL, NULL, NULL, NULL FROM oa_departments "
                           "UNION ALL "
                           "SELECT 1, account, department_id, name, sort_order, active, "
                           "       job_number, mobile, email, title FROM oa_people",
                           error);
  if (stmt == NULL)
    return NULL;

  snapshot = yq_org_snapshot_new (NULL);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 1);
      const char *parent = (const char *) sqlite3_column_text (stmt, 2);
      const char *name = (const char *) sqlite3_column_text (stmt, 3);

      if (sqlite3_column_int (stmt, 0) == 0)
        {
          YqOrgDepartment *department = yq_org_department_new (id, parent, name);

          department->order = sqlite3_column_int64 (stmt, 4);
          department->active = sqlite3_column_int (stmt, 5) != 0;
          if (parent == NULL)
            yq_org_snapshot_set_root_id (snapshot, id);
          yq_org_snapshot_add_department (snapshot, department);
        }
      else
        {
          YqOrgPerson *person = yq_org_person_new (id, name);

          person->account_code = g_strdup (id);
          person->order = sqlite3_column_int64 (stmt, 4);
          person->active = sqlite3_column_int (stmt, 5) != 0;
          person->job_number = column_dup (stmt, 6);
          person->mobile = column_dup (stmt, 7);
          person->email = column_dup (stmt, 8);
          person->title = column_dup (stmt, 9);
          if (parent != NULL)
            {
              g_free (person->department_ids);
              person->department_ids = g_new0 (char *, 2);
              person->department_ids[0] = g_strdup (parent);
            }
          yq_org_snapshot_add_person (snapshot, person);
        }
    }

  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
      return NULL;
    }

  return g_steal_pointer (&snapshot);
}

char *
yq_oa_directory_insert_department (YqStore     *store,
                                   const char  *parent_id,
                                   const char  *name,
                                   gint64       order,
                                   gboolean     active,
                                   GError     **error)
{
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  gint64 number = 0;
  gint64 now = now_seconds ();

  if (!query_count (store, "SELECT next_department_number FROM oa_directory_state WHERE id = 1",
                    NULL, &number, error))
    return NULL;

  /* The counter never goes back; skipping taken IDs only matters if a
   * department was written with an ID of this form by other means. */
  for (number = MAX (number, 1); ; number++)
    {
      gboolean taken;

      g_free (id);
      id = g_strdup_printf ("d%" G_GINT64_FORMAT, number);
      if (!lookup_department (store, id, &taken, NULL, NULL, error))
        return NULL;
      if (!taken)
        break;
    }

  stmt = yq_store_prepare (store,
                           "UPDATE oa_directory_state SET next_department_number = ?1 "
                           "WHERE id = 1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, number + 1);
  if (!yq_store_run (store, stmt, _("Could not save the OA department"), error))
    return NULL;

  stmt = yq_store_prepare (store,
                           "INSERT INTO oa_departments (id, parent_id, name, sort_order, active, "
                           "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                           error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, parent_id);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, order);
  sqlite3_bind_int (stmt, 5, active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, now);
  if (!yq_store_run (store, stmt, _("Could not save the OA department"), error))
    return NULL;

  return g_steal_pointer (&id);
}

gboolean
yq_oa_directory_write_person (YqStore            *store,
                              const YqOrgPerson  *person,
                              gboolean            insert,
                              GError            **error)
{
  sqlite3_stmt *stmt;

  if (insert)
    stmt = yq_store_prepare (store,
                             "INSERT INTO oa_people (account, name, job_number, mobile, email, "
                             "title, active, department_id, sort_order, created_at, updated_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
                             error);
  else
    stmt = yq_store_prepare (store,
                             "UPDATE oa_people SET name = ?2, job_number = ?3, mobile = ?4, "
                             "email = ?5, title = ?6, active = ?7, department_id = ?8, "
                             "sort_order = ?9, updated_at = max (created_at, ?10) "
                             "WHERE account = ?1",
                             error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, person->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, person->name, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, person->job_number);
  bind_text_or_null (stmt, 4, person->mobile);
  bind_text_or_null (stmt, 5, person->email);
  bind_text_or_null (stmt, 6, person->title);
  sqlite3_bind_int (stmt, 7, person->active ? 1 : 0);
  bind_text_or_null (stmt, 8, person_department (person));
  sqlite3_bind_int64 (stmt, 9, person->order);
  sqlite3_bind_int64 (stmt, 10, now_seconds ());

  return yq_store_run (store, stmt, _("Could not save the OA person"), error);
}

static YqOrgSnapshot *
builtin_snapshot (YqOaDirectory  *directory,
                  GError        **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);

  return yq_oa_directory_read_snapshot (self->store, error);
}

typedef struct
{
  const YqOrgDepartment *department;
  char                  *new_id;
} AddDepartmentData;

static gboolean
add_department_cb (YqStore   *store,
                   gpointer   user_data,
                   GError   **error)
{
  AddDepartmentData *data = user_data;
  const YqOrgDepartment *department = data->department;
  const char *parent_id = nonempty_or_null (department->parent_id);

  if (parent_id == NULL)
    {
      sqlite3_stmt *stmt;
      int rc;

      stmt = yq_store_prepare (store,
                               "SELECT id, name FROM oa_departments WHERE parent_id IS NULL",
                               error);
      if (stmt == NULL)
        return FALSE;

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_EXISTS,
                       _("The OA directory already has a top department, “%s” (%s); add "
                         "“%s” under a department."),
                       (const char *) sqlite3_column_text (stmt, 1),
                       (const char *) sqlite3_column_text (stmt, 0), department->name);
          sqlite3_reset (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);

      if (rc != SQLITE_DONE)
        {
          yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
          return FALSE;
        }
    }
  else if (!require_department (store, parent_id, error))
    {
      return FALSE;
    }

  data->new_id = yq_oa_directory_insert_department (store, parent_id, department->name,
                                                    department->order, department->active,
                                                    error);

  return data->new_id != NULL;
}

static char *
builtin_add_department (YqOaDirectory          *directory,
                        const YqOrgDepartment  *department,
                        GError                **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);
  AddDepartmentData data = { department, NULL };

  if (!check_department_fields (department, error))
    return NULL;

  if (!yq_store_transaction (self->store, add_department_cb, &data, error))
    {
      g_clear_pointer (&data.new_id, g_free);
      return NULL;
    }

  return data.new_id;
}

static gboolean
update_department_cb (YqStore   *store,
                      gpointer   user_data,
                      GError   **error)
{
  const YqOrgDepartment *department = user_data;
  const char *new_parent = nonempty_or_null (department->parent_id);
  g_autofree char *old_parent = NULL;
  g_autofree char *old_name = NULL;
  sqlite3_stmt *stmt;
  gboolean found;

  if (!lookup_department (store, department->id, &found, &old_parent, &old_name, error))
    return FALSE;

  if (!found)
    {
      set_department_not_found (error, department->id);
      return FALSE;
    }

  if (old_parent == NULL && new_parent != NULL)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("“%s” (%s) is the top department of the OA directory and cannot be moved "
                     "under another department."),
                   old_name, department->id);
      return FALSE;
    }

  if (old_parent != NULL && new_parent == NULL)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                   _("“%s” (%s) cannot become a second top department; the OA directory has "
                     "exactly one."),
                   old_name, department->id);
      return FALSE;
    }

  if (new_parent != NULL && g_strcmp0 (new_parent, old_parent) != 0)
    {
      gint64 cycle = 0;
      int rc;

      if (!require_department (store, new_parent, error))
        return FALSE;

      /* Is the department the new parent or one of its ancestors? UNION
       * (not UNION ALL) ends the walk even on a damaged, cyclic tree. */
      stmt = yq_store_prepare (store,
                               "WITH RECURSIVE up (id) AS ("
                               "  SELECT ?1 "
                               "  UNION "
                               "  SELECT d.parent_id FROM oa_departments d JOIN up ON d.id = up.id "
                               "  WHERE d.parent_id IS NOT NULL) "
                               "SELECT count(*) FROM up WHERE id = ?2",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, new_parent, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, department->id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        cycle = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
          return FALSE;
        }

      if (cycle > 0)
        {
          g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                       _("“%s” (%s) cannot be moved under %s, which is the department itself "
                         "or one of its sub-departments."),
                       old_name, department->id, new_parent);
          return FALSE;
        }
    }

  stmt = yq_store_prepare (store,
                           "UPDATE oa_departments SET name = ?2, parent_id = ?3, "
                           "sort_order = ?4, active = ?5, updated_at = max (created_at, ?6) "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, department->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, department->name, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 3, new_parent);
  sqlite3_bind_int64 (stmt, 4, department->order);
  sqlite3_bind_int (stmt, 5, department->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 6, now_seconds ());

  return yq_store_run (store, stmt, _("Could not save the OA department"), error);
}

static gboolean
builtin_update_department (YqOaDirectory          *directory,
                           const YqOrgDepartment  *department,
                           GError                **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);

  if (!check_department_fields (department, error))
    return FALSE;

  return yq_store_transaction (self->store, update_department_cb, (gpointer) department, error);
}

static gboolean
delete_department_cb (YqStore   *store,
                      gpointer   user_data,
                      GError   **error)
{
  const char *id = user_data;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;
  gboolean found;
  gint64 children = 0;
  gint64 members = 0;

  if (!lookup_department (store, id, &found, NULL, &name, error))
    return FALSE;

  if (!found)
    {
      set_department_not_found (error, id);
      return FALSE;
    }

  if (!query_count (store, "SELECT count(*) FROM oa_departments WHERE parent_id = ?1",
                    id, &children, error) ||
      !query_count (store,
                    "SELECT count(*) FROM oa_people WHERE department_id = ?1 AND active = 1",
                    id, &members, error))
    return FALSE;

  if (children > 0)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_EMPTY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The department “%s” (%s) still has %d sub-department; delete "
                                "or move it first.",
                                "The department “%s” (%s) still has %d sub-departments; delete "
                                "or move them first.",
                                (gulong) children),
                   name, id, (int) children);
      return FALSE;
    }

  if (members > 0)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_EMPTY,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The department “%s” (%s) still has %d active person; move or "
                                "disable them first.",
                                "The department “%s” (%s) still has %d active people; move or "
                                "disable them first.",
                                (gulong) members),
                   name, id, (int) members);
      return FALSE;
    }

  /* Disabled members stay in the directory, without a department. */
  stmt = yq_store_prepare (store,
                           "UPDATE oa_people SET department_id = NULL, "
                           "updated_at = max (created_at, ?2) WHERE department_id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  if (!yq_store_run (store, stmt, _("Could not delete the OA department"), error))
    return FALSE;

  stmt = yq_store_prepare (store, "DELETE FROM oa_departments WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);

  return yq_store_run (store, stmt, _("Could not delete the OA department"), error);
}

static gboolean
builtin_delete_department (YqOaDirectory  *directory,
                           const char     *id,
                           GError        **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);

  return yq_store_transaction (self->store, delete_department_cb, (gpointer) id, error);
}

/* Store lock held. *name is set when the person exists. */
static gboolean
lookup_person (YqStore     *store,
               const char  *account,
               gboolean    *found,
               char       **name,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;

  stmt = yq_store_prepare (store, "SELECT name FROM oa_people WHERE account = ?1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      if (name != NULL)
        *name = column_dup (stmt, 0);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  const YqOrgPerson *person;
  gboolean           insert;
} WritePersonData;

static gboolean
write_person_cb (YqStore   *store,
                 gpointer   user_data,
                 GError   **error)
{
  WritePersonData *data = user_data;
  const YqOrgPerson *person = data->person;
  const char *department = person_department (person);
  g_autofree char *existing_name = NULL;
  gboolean found;

  if (!lookup_person (store, person->id, &found, &existing_name, error))
    return FALSE;

  if (data->insert && found)
    {
      g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_EXISTS,
                   _("The account “%s” is already used by “%s” in the OA directory."),
                   person->id, existing_name);
      return FALSE;
    }

  if (!data->insert && !found)
    {
      set_person_not_found (error, person->id);
      return FALSE;
    }

  if (department != NULL && !require_department (store, department, error))
    return FALSE;

  return yq_oa_directory_write_person (store, person, data->insert, error);
}

static char *
builtin_add_person (YqOaDirectory      *directory,
                    const YqOrgPerson  *person,
                    GError            **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);
  WritePersonData data = { person, TRUE };

  if (!check_person (person, error))
    return NULL;

  if (!yq_store_transaction (self->store, write_person_cb, &data, error))
    return NULL;

  return g_strdup (person->id);
}

static gboolean
builtin_update_person (YqOaDirectory      *directory,
                       const YqOrgPerson  *person,
                       GError            **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);
  WritePersonData data = { person, FALSE };

  if (!check_person (person, error))
    return FALSE;

  return yq_store_transaction (self->store, write_person_cb, &data, error);
}

static gboolean
disable_person_cb (YqStore   *store,
                   gpointer   user_data,
                   GError   **error)
{
  const char *account = user_data;
  sqlite3_stmt *stmt;
  gboolean found;

  if (!lookup_person (store, account, &found, NULL, error))
    return FALSE;

  if (!found)
    {
      set_person_not_found (error, account);
      return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "UPDATE oa_people SET active = 0, updated_at = max (created_at, ?2) "
                           "WHERE account = ?1 AND active = 1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());

  return yq_store_run (store, stmt, _("Could not save the OA person"), error);
}

static gboolean
builtin_disable_person (YqOaDirectory  *directory,
                        const char     *id,
                        GError        **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);

  return yq_store_transaction (self->store, disable_person_cb, (gpointer) id, error);
}

/* Passwords */

/* A well-formed hash that no password is known to match: unknown accounts
 * and people without a password are checked against it, so that they cost
 * the same PBKDF2 computation as a real account. */
#define DUMMY_PASSWORD_HASH \
  "pbkdf2-sha256$600000$ZHVtbXktc2FsdC15cS0wMQ==$" \
  "k3Q9pX2vZr8cN1LwYf0u4HsJ6tB5eA7mG2dK9oQxRzE="

static void
set_bad_credentials (GError **error)
{
  g_set_error_literal (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS,
                       _("The account or password is wrong. Check both and try again."));
}

typedef struct
{
  const char *account;
  char       *password_hash;
} SetPasswordData;

static gboolean
set_password_cb (YqStore   *store,
                 gpointer   user_data,
                 GError   **error)
{
  SetPasswordData *data = user_data;
  g_autofree char *subject = NULL;
  gboolean found;

  if (!lookup_person (store, data->account, &found, NULL, error))
    return FALSE;

  if (!found)
    {
      set_person_not_found (error, data->account);
      return FALSE;
    }

  if (!yq_oa_directory_write_password_hash (store, data->account, data->password_hash, error))
    return FALSE;

  subject = g_strconcat ("oa-person/", data->account, NULL);

  /* Never the hash: it is as good as the password for an offline attack. */
  return yq_store_audit (store, NULL,
                         data->password_hash != NULL ? "oa-person.set-password"
                                                     : "oa-person.clear-password",
                         subject,
                         data->password_hash != NULL ? "scheme=pbkdf2-sha256"
                                                     : "password removed",
                         error);
}

/**
 * yq_builtin_oa_directory_set_password:
 * @self: the built-in OA directory
 * @account: the person's account
 * @password: (nullable): the new password, at least %YQ_PASSWORD_MIN_LENGTH
 *   characters, or %NULL to remove it (the person then cannot sign in with
 *   a password)
 * @error: return location for an error
 *
 * Stores a salted PBKDF2-HMAC-SHA256 hash of @password (see yq-password.h);
 * the password itself is not kept. Slow on purpose. The change is written
 * to the audit log, without the password or its hash.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_builtin_oa_directory_set_password (YqBuiltinOaDirectory  *self,
                                      const char            *account,
                                      const char            *password,
                                      GError               **error)
{
  g_autofree char *password_hash = NULL;
  SetPasswordData data;
  gboolean ok;

  g_return_val_if_fail (YQ_IS_BUILTIN_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (password != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (yq_password_check (password, &local_error) &&
          g_utf8_strlen (password, -1) < YQ_PASSWORD_MIN_LENGTH)
        g_set_error (&local_error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_PASSWORD,
                     _("The password is shorter than %d characters; choose a longer one."),
                     YQ_PASSWORD_MIN_LENGTH);

      /* Hash before taking the store lock: it takes a while. */
      if (local_error == NULL)
        password_hash = yq_password_hash (password, &local_error);
      if (password_hash == NULL)
        {
          g_set_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID,
                       /* Translators: %s is an account, the second %s why the password is refused */
                       _("The password of “%s” was not changed: %s"), account,
                       local_error->message);
          return FALSE;
        }
    }

  data.account = account;
  data.password_hash = password_hash;
  ok = yq_store_transaction (self->store, set_password_cb, &data, error);

  if (ok)
    g_debug ("%s the OA password of one person", password != NULL ? "Set" : "Removed");

  return ok;
}

/**
 * yq_builtin_oa_directory_clear_password:
 * @self: the built-in OA directory
 * @account: the person's account
 * @error: return location for an error
 *
 * Removes the password of @account: the person can no longer sign in with
 * a password until one is set again. Audited like
 * yq_builtin_oa_directory_set_password().
 *
 * Returns: %TRUE on success; %YQ_OA_DIRECTORY_ERROR_NOT_FOUND for an
 *   unknown account
 */
gboolean
yq_builtin_oa_directory_clear_password (YqBuiltinOaDirectory  *self,
                                        const char            *account,
                                        GError               **error)
{
  g_return_val_if_fail (YQ_IS_BUILTIN_OA_DIRECTORY (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_builtin_oa_directory_set_password (self, account, NULL, error);
}

gboolean
yq_oa_directory_read_password_hash (YqStore     *store,
                                    const char  *account,
                                    char       **password_hash,
                                    GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *password_hash = NULL;

  stmt = yq_store_prepare (store, "SELECT password_hash FROM oa_people WHERE account = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *password_hash = column_dup (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
      return FALSE;
    }

  return TRUE;
}

gboolean
yq_oa_directory_write_password_hash (YqStore     *store,
                                     const char  *account,
                                     const char  *password_hash,
                                     GError     **error)
{
  sqlite3_stmt *stmt;

  /* Not an organisation change: updated_at stays. */
  stmt = yq_store_prepare (store, "UPDATE oa_people SET password_hash = ?2 WHERE account = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, password_hash);

  return yq_store_run (store, stmt, _("Could not save the OA password"), error);
}

/* Store lock held. Leaves *found FALSE for an unknown account. */
static gboolean
lookup_credentials (YqStore     *store,
                    const char  *account,
                    gboolean    *found,
                    char       **stored_account,
                    gboolean    *active,
                    char       **password_hash,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *found = FALSE;

  stmt = yq_store_prepare (store,
                           "SELECT account, active, password_hash FROM oa_people "
                           "WHERE account = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *stored_account = column_dup (stmt, 0);
      *active = sqlite3_column_int (stmt, 1) != 0;
      *password_hash = column_dup (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the OA directory"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
builtin_check_password (YqOaDirectory  *directory,
                        const char     *account,
                        const char     *password,
                        char          **person_id,
                        GError        **error)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (directory);
  g_autofree char *stored_account = NULL;
  g_autofree char *password_hash = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean found = FALSE;
  gboolean active = FALSE;
  gboolean usable;
  gboolean matches = FALSE;

  /* A malformed account cannot exist; it still costs a computation below. */
  if (g_utf8_validate (account, -1, NULL) && account[0] != '\0' &&
      strlen (account) <= 4 * MAX_ACCOUNT_LENGTH)
    {
      g_autoptr(YqStoreLocker) locker = yq_store_lock (self->store);

      if (!lookup_credentials (self->store, account, &found, &stored_account, &active,
                               &password_hash, error))
        return FALSE;
    }

  usable = found && password_hash != NULL &&
           yq_password_parse (password_hash, NULL, NULL, NULL, &local_error);
  if (found && password_hash != NULL && !usable)
    g_warning ("The stored OA password hash of one person cannot be used: %s",
               local_error->message);

  /* Hash outside the store lock; one PBKDF2 computation in every case. */
  if (!yq_password_verify (usable ? password_hash : DUMMY_PASSWORD_HASH, password, &matches,
                           NULL))
    {
      g_critical ("The dummy OA password hash is malformed");
      matches = FALSE;
    }

  if (!usable || !active || !matches)
    {
      set_bad_credentials (error);
      return FALSE;
    }

  if (person_id != NULL)
    *person_id = g_steal_pointer (&stored_account);

  return TRUE;
}

static void
yq_builtin_oa_directory_iface_init (YqOaDirectoryInterface *iface)
{
  iface->snapshot = builtin_snapshot;
  iface->add_department = builtin_add_department;
  iface->update_department = builtin_update_department;
  iface->delete_department = builtin_delete_department;
  iface->add_person = builtin_add_person;
  iface->update_person = builtin_update_person;
  iface->disable_person = builtin_disable_person;
  iface->check_password = builtin_check_password;
}

static void
yq_builtin_oa_directory_finalize (GObject *object)
{
  YqBuiltinOaDirectory *self = (YqBuiltinOaDirectory *) object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (yq_builtin_oa_directory_parent_class)->finalize (object);
}

static void
yq_builtin_oa_directory_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_builtin_oa_directory_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  YqBuiltinOaDirectory *self = YQ_BUILTIN_OA_DIRECTORY (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_builtin_oa_directory_class_init (YqBuiltinOaDirectoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_builtin_oa_directory_finalize;
  object_class->get_property = yq_builtin_oa_directory_get_property;
  object_class->set_property = yq_builtin_oa_directory_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         YQ_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yq_builtin_oa_directory_init (YqBuiltinOaDirectory *self)
{
}

/**
 * yq_builtin_oa_directory_new:
 * @store: the store that holds the directory
 *
 * Returns: (transfer full): the built-in OA directory of @store
 */
YqOaDirectory *
yq_builtin_oa_directory_new (YqStore *store)
{
  g_return_val_if_fail (YQ_IS_STORE (store), NULL);

  return g_object_new (YQ_TYPE_BUILTIN_OA_DIRECTORY, "store", store, NULL);
}
