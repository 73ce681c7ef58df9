/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-store.h"

G_BEGIN_DECLS

/* Bindings (用户绑定) of one connector's bridge people to OA accounts: the
 * filtered list and its export rows, auto-bind by the binding rule, manual
 * bind / unbind, batch unbind, the association import, and undo. Every
 * write is one transaction and one change set in the binding history
 * (tables binding_change_sets / binding_changes) plus one audit-log line.
 *
 * People deleted on the platform whose row stays for its binding (a
 * tombstone, see yq-bridge-directory.h) are never listed, never unbound by
 * a batch unbind (the deletion still has to reach the OA side) and count as
 * holding their OA account: binding that account elsewhere is refused. */

#define YQ_BINDINGS_ERROR (yq_bindings_error_quark ())

/**
 * YqBindingsError:
 * @YQ_BINDINGS_ERROR_NOT_FOUND: no such person or change set
 * @YQ_BINDINGS_ERROR_ACCOUNT_TAKEN: the OA account is bound to another person
 * @YQ_BINDINGS_ERROR_INVALID: an argument is empty or malformed
 * @YQ_BINDINGS_ERROR_STALE: the bindings changed since the import preview
 * @YQ_BINDINGS_ERROR_ALREADY_UNDONE: the change set was undone before
 */
typedef enum
{
  YQ_BINDINGS_ERROR_NOT_FOUND,
  YQ_BINDINGS_ERROR_ACCOUNT_TAKEN,
  YQ_BINDINGS_ERROR_INVALID,
  YQ_BINDINGS_ERROR_STALE,
  YQ_BINDINGS_ERROR_ALREADY_UNDONE,
} YqBindingsError;

GQuark yq_bindings_error_quark (void);

/* ---- The list ------------------------------------------------------------ */

typedef enum
{
  YQ_BINDING_STATUS_ANY,
  YQ_BINDING_STATUS_BOUND,
  YQ_BINDING_STATUS_UNBOUND,
} YqBindingStatusFilter;

typedef enum
{
  YQ_PLATFORM_STATUS_ANY,
  YQ_PLATFORM_STATUS_ACTIVE,
  YQ_PLATFORM_STATUS_DISABLED,
} YqPlatformStatusFilter;

/**
 * YqAddedStatusFilter:
 * @YQ_ADDED_STATUS_ANY: everyone
 * @YQ_ADDED_STATUS_SINCE: added to the bridge directory at or after
 *   #YqBindingFilter.added_since (Unix seconds)
 * @YQ_ADDED_STATUS_LAST_SYNC: added by the connector's newest sync run that
 *   wrote anything (not a preview, not blocked; any direction, since every
 *   run refreshes the bridge from the platform first): added at or after
 *   the start of that run. Nobody when there was no such run.
 */
typedef enum
{
  YQ_ADDED_STATUS_ANY,
  YQ_ADDED_STATUS_SINCE,
  YQ_ADDED_STATUS_LAST_SYNC,
} YqAddedStatusFilter;

/**
 * YqBindingFilter:
 * @department_id: (nullable): a platform department: only its people and
 *   those of its sub-departments (any of a person's departments counts)
 * @binding: bound / unbound
 * @platform: active / disabled on the platform
 * @added: see #YqAddedStatusFilter
 * @added_since: for %YQ_ADDED_STATUS_SINCE
 * @search: (nullable): a substring of the name, platform ID, platform
 *   account, mobile, e-mail, job number or bound OA account (ASCII case
 *   ignored)
 * @offset: rows to skip
 * @limit: at most this many rows; 0 for all
 *
 * Initialise with `YqBindingFilter filter = { 0 };` for everyone.
 */
typedef struct
{
  const char             *department_id;
  YqBindingStatusFilter   binding;
  YqPlatformStatusFilter  platform;
  YqAddedStatusFilter     added;
  gint64                  added_since;
  const char             *search;
  guint                   offset;
  guint                   limit;
} YqBindingFilter;

/**
 * YqBindingRow:
 * @platform_id: the platform person ID
 * @name: name on the platform
 * @department_id: (nullable): the main platform department
 * @department_name: (nullable): its name
 * @account_code: (nullable): platform login account
 * @mobile: (nullable):
 * @email: (nullable):
 * @job_number: (nullable):
 * @title: (nullable):
 * @active: %FALSE when disabled on the platform
 * @oa_account: (nullable): the bound OA account; %NULL when unbound
 * @oa_name: (nullable): the bound person's name in the built-in OA
 *   directory (%NULL for other OA directories)
 * @bound_at: Unix seconds; 0 when unbound
 * @bind_source: how the binding was made (only when bound)
 * @added_at: when the person came into the bridge directory
 *
 * One bridge person with their binding.
 */
typedef struct
{
  char         *platform_id;
  char         *name;
  char         *department_id;
  char         *department_name;
  char         *account_code;
  char         *mobile;
  char         *email;
  char         *job_number;
  char         *title;
  gboolean      active;
  char         *oa_account;
  char         *oa_name;
  gint64        bound_at;
  YqBindSource  bind_source;
  gint64        added_at;
} YqBindingRow;

void yq_binding_row_free (YqBindingRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqBindingRow, yq_binding_row_free)

/* Called for each row; @row is only valid during the call. Return FALSE
 * with @error set to stop. Runs with the store locked. */
typedef gboolean (*YqBindingRowFunc) (const YqBindingRow  *row,
                                      gpointer             user_data,
                                      GError             **error);

/* Rows ordered by platform ID: one SQL query. */
GPtrArray *yq_bindings_list    (YqStore                *store,
                                gint64                  connector_id,
                                const YqBindingFilter  *filter,
                                GError                **error);
/* The same rows, streamed without holding them all in memory. */
gboolean   yq_bindings_foreach (YqStore                *store,
                                gint64                  connector_id,
                                const YqBindingFilter  *filter,
                                YqBindingRowFunc        func,
                                gpointer                user_data,
                                GError                **error);
/* The number of rows the filter gives, ignoring offset and limit. */
gboolean   yq_bindings_count   (YqStore                *store,
                                gint64                  connector_id,
                                const YqBindingFilter  *filter,
                                guint                  *n_rows,
                                GError                **error);

/* ---- Export rows ---------------------------------------------------------- */

/**
 * YqBindingExportColumn:
 *
 * The columns of the export (导出用户账号关联关系表), in order. The import
 * reads %YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID and one key column
 * (%YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT for account imports).
 */
typedef enum
{
  YQ_BINDING_EXPORT_COLUMN_PLATFORM_ID,
  YQ_BINDING_EXPORT_COLUMN_NAME,
  YQ_BINDING_EXPORT_COLUMN_DEPARTMENT,
  YQ_BINDING_EXPORT_COLUMN_ACCOUNT,
  YQ_BINDING_EXPORT_COLUMN_MOBILE,
  YQ_BINDING_EXPORT_COLUMN_EMAIL,
  YQ_BINDING_EXPORT_COLUMN_JOB_NUMBER,
  YQ_BINDING_EXPORT_COLUMN_PLATFORM_STATUS,
  YQ_BINDING_EXPORT_COLUMN_BINDING_STATUS,
  YQ_BINDING_EXPORT_COLUMN_OA_ACCOUNT,
  YQ_BINDING_EXPORT_COLUMN_OA_NAME,
  YQ_BINDING_EXPORT_COLUMN_BOUND_AT,
  YQ_BINDING_EXPORT_COLUMN_BIND_SOURCE,
  YQ_N_BINDING_EXPORT_COLUMNS
} YqBindingExportColumn;

/* Called with the header row first, then one row per person; @cells has
 * YQ_N_BINDING_EXPORT_COLUMNS strings ("" for empty), valid during the
 * call only. Every cell is text (IDs and mobiles must stay text). */
typedef gboolean (*YqBindingExportFunc) (const char * const  *cells,
                                         gpointer             user_data,
                                         GError             **error);

/* The translated column titles. */
const char *yq_binding_export_column_title (YqBindingExportColumn column);
/* Fills @cells (YQ_N_BINDING_EXPORT_COLUMNS entries) with strings owned
 * by @buffer, which the caller clears with g_string_chunk_free(). */
void        yq_binding_row_to_cells        (const YqBindingRow  *row,
                                            GStringChunk        *buffer,
                                            const char         **cells);
/* Streams the header and the filtered rows (offset / limit apply). */
gboolean    yq_bindings_export             (YqStore                *store,
                                            gint64                  connector_id,
                                            const YqBindingFilter  *filter,
                                            YqBindingExportFunc     func,
                                            gpointer                user_data,
                                            GError                **error);

/* ---- Changes ------------------------------------------------------------- */

/**
 * YqBindingChange:
 * @platform_id: the person
 * @name: (nullable): their name on the platform
 * @old_oa_account: (nullable): the binding before
 * @new_oa_account: (nullable): the binding after
 *
 * One person's binding change, as reported to the caller.
 */
typedef struct
{
  char *platform_id;
  char *name;
  char *old_oa_account;
  char *new_oa_account;
} YqBindingChange;

void yq_binding_change_free (YqBindingChange *change);

/**
 * YqBindingResult:
 * @change_id: the change set written (0 when nothing changed)
 * @changes: (element-type YqBindingChange): what changed
 * @skipped: (element-type utf8): why people were left alone (auto-bind:
 *   ambiguous and conflicting matches; undo: conflicts), one message each
 * @n_ambiguous: auto-bind: several OA people matched
 * @n_conflicting: auto-bind: the match is bound to someone else
 * @n_unmatched: auto-bind: unbound active people the rule found nobody for
 *   (or with an empty rule field)
 *
 * The outcome of a write.
 */
typedef struct
{
  gint64     change_id;
  GPtrArray *changes;
  GPtrArray *skipped;
  guint      n_ambiguous;
  guint      n_conflicting;
  guint      n_unmatched;
} YqBindingResult;

void yq_binding_result_free (YqBindingResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqBindingResult, yq_binding_result_free)

/* Binds the unbound, active people of the connector by its binding rule
 * against @oa (yq_planner_bind(): people whose match is ambiguous or bound
 * to someone else are reported in skipped, not bound). bind_source 'rule'. */
YqBindingResult *yq_bindings_auto_bind   (YqStore        *store,
                                          gint64          connector_id,
                                          YqOaDirectory  *oa,
                                          GError        **error);
/* Binds @platform_id to @oa_account (bind_source 'manual'), replacing an
 * earlier binding of the person. Fails with
 * YQ_BINDINGS_ERROR_ACCOUNT_TAKEN, naming the holder, when another person
 * of the connector holds the account. The caller chooses the account
 * from the OA directory. */
YqBindingResult *yq_bindings_bind        (YqStore        *store,
                                          gint64          connector_id,
                                          const char     *platform_id,
                                          const char     *oa_account,
                                          GError        **error);
YqBindingResult *yq_bindings_unbind      (YqStore        *store,
                                          gint64          connector_id,
                                          const char     *platform_id,
                                          GError        **error);
/* Removes every binding of the connector (tombstones excepted) in one
 * transaction, as one undoable change set of kind 'unbind-all'. */
YqBindingResult *yq_bindings_unbind_all  (YqStore        *store,
                                          gint64          connector_id,
                                          GError        **error);
/* Restores what change set @change_id changed, in one transaction, as a
 * new change set of kind 'undo'. A person whose binding is no longer what
 * the set left (re-bound or unbound since, or gone from the bridge
 * directory), or whose old account another person holds now, is skipped
 * and reported in skipped; the others are restored exactly (account,
 * bound_at and bind_source). A set can be undone once
 * (YQ_BINDINGS_ERROR_ALREADY_UNDONE); an undo can itself be undone. */
YqBindingResult *yq_bindings_undo        (YqStore        *store,
                                          gint64          change_id,
                                          GError        **error);

/**
 * YqBindingChangeSet:
 * @id: the change set (what yq_bindings_undo() takes)
 * @kind: "auto", "manual", "unbind-all", "import" or "undo"
 * @undo_of: for an undo, the set it undid; else 0
 * @undone_by: the undo of this set; 0 when it was not undone
 * @n_changes: people whose binding changed
 * @actor: the user who made it
 * @at: Unix seconds
 *
 * One entry of the binding history.
 */
typedef struct
{
  gint64  id;
  char   *kind;
  gint64  undo_of;
  gint64  undone_by;
  guint   n_changes;
  char   *actor;
  gint64  at;
} YqBindingChangeSet;

void       yq_binding_change_set_free (YqBindingChangeSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqBindingChangeSet, yq_binding_change_set_free)

/* The connector's binding history, newest first; @limit 0 for all. */
GPtrArray *yq_bindings_history        (YqStore             *store,
                                       gint64               connector_id,
                                       guint                limit,
                                       GError             **error);

/* ---- Import (关联导入) ---------------------------------------------------- */

/**
 * YqBindingKeyField:
 * @YQ_BINDING_KEY_ACCOUNT: the OA account (ASCII case ignored)
 * @YQ_BINDING_KEY_JOB_NUMBER: the job number (exact, spaces trimmed)
 * @YQ_BINDING_KEY_MOBILE: the mobile (digits only, a +86 / 86 / 0086
 *   prefix dropped)
 * @YQ_BINDING_KEY_EMAIL: the e-mail address (ASCII case ignored)
 *
 * What the key column of an import holds. A row without a platform ID
 * finds its platform person by the same field on the platform side (the
 * platform account for %YQ_BINDING_KEY_ACCOUNT).
 */
typedef enum
{
  YQ_BINDING_KEY_ACCOUNT,
  YQ_BINDING_KEY_JOB_NUMBER,
  YQ_BINDING_KEY_MOBILE,
  YQ_BINDING_KEY_EMAIL,
} YqBindingKeyField;

/* "account", "job-number", "mobile", "email" */
const char *yq_binding_key_field_to_string   (YqBindingKeyField  field);
gboolean    yq_binding_key_field_from_string (const char        *text,
                                              YqBindingKeyField *field);

/**
 * YqBindingImportRow:
 * @row_number: the row in the file (1-based, as a spreadsheet shows it)
 * @platform_id: (nullable): the platform person
 * @key: (nullable): the key value
 * @cells: (nullable) (array zero-terminated=1): the row's original cells,
 *   repeated in the rejected-rows report
 */
typedef struct
{
  guint   row_number;
  char   *platform_id;
  char   *key;
  char  **cells;
} YqBindingImportRow;

/* Copies the strings into the row's one allocation: treat its strings as
 * read-only. */
YqBindingImportRow *yq_binding_import_row_new  (guint               row_number,
                                                const char         *platform_id,
                                                const char         *key,
                                                const char * const *cells);
void                yq_binding_import_row_free (YqBindingImportRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqBindingImportRow, yq_binding_import_row_free)

typedef enum
{
  YQ_BINDING_IMPORT_WILL_BIND,
  YQ_BINDING_IMPORT_ALREADY_BOUND,
  YQ_BINDING_IMPORT_BOUND_TO_OTHER,
  YQ_BINDING_IMPORT_NOT_FOUND,
  YQ_BINDING_IMPORT_AMBIGUOUS,
  YQ_BINDING_IMPORT_INVALID,
  YQ_N_BINDING_IMPORT_STATUSES
} YqBindingImportStatus;

/* Translated, short (for a column or a count label). */
const char *yq_binding_import_status_to_label (YqBindingImportStatus status);

/**
 * YqBindingImportItem:
 * @row: the input row (owned by the preview)
 * @status: what applying would do
 * @platform_id: (nullable): the platform person found
 * @platform_name: (nullable): their name
 * @oa_account: (nullable): the OA person found
 * @oa_name: (nullable): their name
 * @message: a sentence for the administrator
 */
typedef struct
{
  YqBindingImportRow    *row;
  YqBindingImportStatus  status;
  char                  *platform_id;
  char                  *platform_name;
  char                  *oa_account;
  char                  *oa_name;
  char                  *message;
} YqBindingImportItem;

/**
 * YqBindingImportPreview:
 * @connector_id: the connector
 * @field: the key field
 * @items: (element-type YqBindingImportItem): one per input row, in order
 * @counts: the number of items per status
 * @header: (nullable) (array zero-terminated=1): titles of the rows'
 *   original cells for the rejected-rows report; the caller may set it
 *   (the preview frees it)
 */
typedef struct
{
  gint64             connector_id;
  YqBindingKeyField  field;
  GPtrArray         *items;
  guint              counts[YQ_N_BINDING_IMPORT_STATUSES];
  char             **header;
} YqBindingImportPreview;

void yq_binding_import_preview_free (YqBindingImportPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqBindingImportPreview, yq_binding_import_preview_free)

/* @rows: (element-type YqBindingImportRow): the rows; the preview takes
 * them over and leaves @rows empty (its free function, if any, must accept
 * NULL, as yq_binding_import_row_free() does). Reads the
 * bridge directory and @oa once and matches with hash tables: linear in
 * rows + people. */
YqBindingImportPreview *yq_bindings_import_preview (YqStore            *store,
                                                    gint64              connector_id,
                                                    YqOaDirectory      *oa,
                                                    YqBindingKeyField   field,
                                                    GPtrArray          *rows,
                                                    GError            **error);
/* Binds the WILL_BIND items in one transaction (bind_source 'import', one
 * change set of kind 'import'). When a person was bound, or an account
 * taken, since the preview, nothing is bound and the error
 * (YQ_BINDINGS_ERROR_STALE) names the row: preview again. */
YqBindingResult        *yq_bindings_import_apply   (YqStore                 *store,
                                                    YqBindingImportPreview  *preview,
                                                    GError                 **error);
/* The rejected rows (bound to someone else, not found, ambiguous, invalid)
 * as CSV, UTF-8 with a BOM so that Excel reads it: row number, status,
 * message, then the original cells (or platform ID and key). */
char                   *yq_binding_import_rejected_csv (YqBindingImportPreview  *preview,
                                                        gsize                   *length);
gboolean                yq_binding_import_write_rejected (YqBindingImportPreview  *preview,
                                                          GFile                   *file,
                                                          GCancellable            *cancellable,
                                                          GError                 **error);

/* Exposed for tests and the import assistant: the key as matched (mobile
 * digits without +86, account and e-mail lower-cased, trimmed), or %NULL
 * when it is empty or malformed. */
char *yq_binding_key_normalize (YqBindingKeyField  field,
                                const char        *value);

G_END_DECLS
