/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "yq-types.h"
#include "yq-org.h"
#include "yq-platform-error.h"

G_BEGIN_DECLS

typedef struct _YqHttp YqHttp;

/**
 * YqFetchStats:
 * @api_calls: HTTP requests sent, retries and token requests included
 * @pages: directory answers processed (list pages and batches)
 * @departments: departments fetched so far
 * @people: people fetched so far
 * @wall_time_us: time since the fetch started
 *
 * Progress of a directory fetch, and its totals at the end.
 */
typedef struct
{
  guint  api_calls;
  guint  pages;
  guint  departments;
  guint  people;
  gint64 wall_time_us;
} YqFetchStats;

#define YQ_TYPE_FETCH_STATS (yq_fetch_stats_get_type ())
GType         yq_fetch_stats_get_type (void) G_GNUC_CONST;
YqFetchStats *yq_fetch_stats_copy     (const YqFetchStats *stats);
void          yq_fetch_stats_free     (YqFetchStats       *stats);

/**
 * YqFetchProgressFunc:
 * @progress: the progress so far
 * @user_data: closure data
 *
 * Called on the caller's main context after every directory answer.
 */
typedef void (*YqFetchProgressFunc) (const YqFetchStats *progress,
                                     gpointer            user_data);

/**
 * YqLoginCodeKind:
 * @YQ_LOGIN_CODE_APP: a code from inside the platform's app: the 政务钉钉
 *   JSAPI auth code, or the 云之家 light-app ticket
 * @YQ_LOGIN_CODE_QR: the code of a QR-code (web) login
 */
typedef enum
{
  YQ_LOGIN_CODE_APP,
  YQ_LOGIN_CODE_QR,
} YqLoginCodeKind;

/**
 * YqMessageRequest:
 * @idempotency_key: a unique key per logical message (政务钉钉 bizMsgId is
 *   derived from it: a resend with the same key is not delivered twice)
 * @title: (nullable): the title; messages with a title and a URL are sent
 *   as link messages
 * @content: the plain text
 * @markdown: (nullable): Markdown text; 政务钉钉 sends an action card with it
 * @url: (nullable): the link to open
 * @recipients: (array zero-terminated=1): account IDs (政务钉钉 accountId,
 *   云之家 openId)
 * @attempt_ms: when this attempt started, Unix milliseconds; 0 for now.
 *   When set, a 云之家 public-account message repeats the same "from"
 *   block (time and a nonce derived from @idempotency_key) for the same
 *   attempt, so that a resend of an attempt that got through is refused
 *   as a replay instead of being delivered twice
 * @resumed: the attempt @attempt_ms was cut off (by a crash) and is sent
 *   again: a 云之家 replay refusal (5005) then means that the message was
 *   delivered before, and counts as delivered
 *
 * A notification to send.
 */
typedef struct
{
  char     *idempotency_key;
  char     *title;
  char     *content;
  char     *markdown;
  char     *url;
  char    **recipients;
  gint64    attempt_ms;
  gboolean  resumed;
} YqMessageRequest;

#define YQ_TYPE_MESSAGE_REQUEST (yq_message_request_get_type ())
GType             yq_message_request_get_type (void) G_GNUC_CONST;
YqMessageRequest *yq_message_request_new      (const char             *idempotency_key,
                                               const char             *title,
                                               const char             *content,
                                               const char * const     *recipients);
YqMessageRequest *yq_message_request_copy     (const YqMessageRequest *request);
void              yq_message_request_free     (YqMessageRequest       *request);

/**
 * YqRecipientFailure:
 * @recipient: the account ID
 * @code: the platform's error code, or a Yunqiao nick such as `rejected`
 * @message: a readable reason
 */
typedef struct
{
  char *recipient;
  char *code;
  char *message;
} YqRecipientFailure;

YqRecipientFailure *yq_recipient_failure_new  (const char         *recipient,
                                               const char         *code,
                                               const char         *message);
void                yq_recipient_failure_free (YqRecipientFailure *failure);

/**
 * YqMessageResult:
 * @message_id: (nullable): the platform's ID of the (first) message
 * @message_ids: (element-type utf8): one ID per platform call
 * @failures: (element-type YqRecipientFailure): recipients the platform
 *   refused
 * @n_calls: platform calls made
 */
typedef struct
{
  char      *message_id;
  GPtrArray *message_ids;
  GPtrArray *failures;
  guint      n_calls;
} YqMessageResult;

#define YQ_TYPE_MESSAGE_RESULT (yq_message_result_get_type ())
GType            yq_message_result_get_type (void) G_GNUC_CONST;
YqMessageResult *yq_message_result_new      (void);
YqMessageResult *yq_message_result_copy     (const YqMessageResult *result);
void             yq_message_result_free     (YqMessageResult       *result);

/**
 * YqTodoRequest:
 * @idempotency_key: derived from the OA work item, never reused for another
 *   item (政务钉钉 bizTaskId, 云之家 sourceId)
 * @title: the todo's title (政务钉钉 subject, 云之家 itemtitle)
 * @content: (nullable): text
 * @url: the detail URL; 政务钉钉 needs it to contain a query string already
 * @mobile_url: (nullable): the mobile URL; defaults to @url
 * @recipients: (array zero-terminated=1): assignees' account IDs
 * @creator: (nullable): the creator's account ID (政务钉钉 creatorId,
 *   required there; 云之家 senderId)
 * @app_name: (nullable): 云之家 `title` (the app name); defaults to @title
 * @icon_url: (nullable): 云之家 `headImg`, required there
 * @due_time: deadline in seconds since the epoch, 0 for none
 */
typedef struct
{
  char   *idempotency_key;
  char   *title;
  char   *content;
  char   *url;
  char   *mobile_url;
  char  **recipients;
  char   *creator;
  char   *app_name;
  char   *icon_url;
  gint64  due_time;
} YqTodoRequest;

#define YQ_TYPE_TODO_REQUEST (yq_todo_request_get_type ())
GType          yq_todo_request_get_type (void) G_GNUC_CONST;
YqTodoRequest *yq_todo_request_new      (const char          *idempotency_key,
                                         const char          *title,
                                         const char          *url,
                                         const char * const  *recipients);
YqTodoRequest *yq_todo_request_copy     (const YqTodoRequest *request);
void           yq_todo_request_free     (YqTodoRequest       *request);

/**
 * YqTodoItem:
 * @recipient: the assignee's account ID
 * @task_id: (nullable): what finish and cancel need later: 政务钉钉
 *   taskUuid (persist it), 云之家 sourceId
 * @error_code: (nullable): %NULL when the item succeeded
 * @error_message: (nullable): a readable reason for a failure
 */
typedef struct
{
  char *recipient;
  char *task_id;
  char *error_code;
  char *error_message;
} YqTodoItem;

YqTodoItem *yq_todo_item_new  (const char *recipient,
                               const char *task_id);
void        yq_todo_item_free (YqTodoItem *item);

/**
 * YqTodoResult:
 * @items: (element-type YqTodoItem): one item per recipient
 */
typedef struct
{
  GPtrArray *items;
} YqTodoResult;

#define YQ_TYPE_TODO_RESULT (yq_todo_result_get_type ())
GType         yq_todo_result_get_type   (void) G_GNUC_CONST;
YqTodoResult *yq_todo_result_new        (void);
YqTodoResult *yq_todo_result_copy       (const YqTodoResult *result);
void          yq_todo_result_free       (YqTodoResult       *result);
guint         yq_todo_result_get_n_failed (const YqTodoResult *result);
YqTodoItem   *yq_todo_result_lookup     (const YqTodoResult *result,
                                         const char         *recipient);

/**
 * YqDirectoryOp:
 * @YQ_DIRECTORY_OP_ADD_DEPARTMENT: `department`: parent_id, name, order
 * @YQ_DIRECTORY_OP_RENAME_DEPARTMENT: `department`: id and the new name
 * @YQ_DIRECTORY_OP_MOVE_DEPARTMENT: `department`: id and the new parent_id
 * @YQ_DIRECTORY_OP_REORDER_DEPARTMENT: `department`: id and the new order
 * @YQ_DIRECTORY_OP_DELETE_DEPARTMENT: `department`: id
 * @YQ_DIRECTORY_OP_ADD_PERSON: `person`: every field but id
 * @YQ_DIRECTORY_OP_UPDATE_PERSON: `person`: id and the fields to write
 * @YQ_DIRECTORY_OP_MOVE_PERSON: `person`: id and department_ids
 * @YQ_DIRECTORY_OP_DISABLE_PERSON: `person`: id
 * @YQ_DIRECTORY_OP_ENABLE_PERSON: `person`: id
 * @YQ_DIRECTORY_OP_DELETE_PERSON: `person`: id
 */
typedef enum
{
  YQ_DIRECTORY_OP_ADD_DEPARTMENT,
  YQ_DIRECTORY_OP_RENAME_DEPARTMENT,
  YQ_DIRECTORY_OP_MOVE_DEPARTMENT,
  YQ_DIRECTORY_OP_REORDER_DEPARTMENT,
  YQ_DIRECTORY_OP_DELETE_DEPARTMENT,
  YQ_DIRECTORY_OP_ADD_PERSON,
  YQ_DIRECTORY_OP_UPDATE_PERSON,
  YQ_DIRECTORY_OP_MOVE_PERSON,
  YQ_DIRECTORY_OP_DISABLE_PERSON,
  YQ_DIRECTORY_OP_ENABLE_PERSON,
  YQ_DIRECTORY_OP_DELETE_PERSON,
} YqDirectoryOp;

/**
 * YqDirectoryChange:
 * @op: what to do
 * @department: (nullable): the department, for department operations
 * @person: (nullable): the person, for person operations
 *
 * One directory write. IDs are platform IDs.
 */
typedef struct
{
  YqDirectoryOp    op;
  YqOrgDepartment *department;
  YqOrgPerson     *person;
} YqDirectoryChange;

#define YQ_TYPE_DIRECTORY_CHANGE (yq_directory_change_get_type ())
GType              yq_directory_change_get_type   (void) G_GNUC_CONST;
YqDirectoryChange *yq_directory_change_new_department (YqDirectoryOp          op,
                                                       const YqOrgDepartment *department);
YqDirectoryChange *yq_directory_change_new_person     (YqDirectoryOp          op,
                                                       const YqOrgPerson     *person);
YqDirectoryChange *yq_directory_change_copy           (const YqDirectoryChange *change);
void               yq_directory_change_free           (YqDirectoryChange      *change);

/**
 * YqDirectoryResultStatus:
 * @YQ_DIRECTORY_RESULT_OK: the platform applied the change
 * @YQ_DIRECTORY_RESULT_FAILED: the platform refused this item
 * @YQ_DIRECTORY_RESULT_NOT_ATTEMPTED: not sent, because an earlier call
 *   failed as a whole or the operation was cancelled
 */
typedef enum
{
  YQ_DIRECTORY_RESULT_OK,
  YQ_DIRECTORY_RESULT_FAILED,
  YQ_DIRECTORY_RESULT_NOT_ATTEMPTED,
} YqDirectoryResultStatus;

/**
 * YqDirectoryChangeResult:
 * @status: the outcome
 * @id: (nullable): the platform ID (the new ID for additions)
 * @error_code: (nullable): the platform's code for a failed item
 * @error_message: (nullable): a readable reason
 */
typedef struct
{
  YqDirectoryResultStatus  status;
  char                    *id;
  char                    *error_code;
  char                    *error_message;
} YqDirectoryChangeResult;

YqDirectoryChangeResult *yq_directory_change_result_new  (YqDirectoryResultStatus  status,
                                                          const char              *id);
void                     yq_directory_change_result_free (YqDirectoryChangeResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqFetchStats, yq_fetch_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqMessageRequest, yq_message_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqMessageResult, yq_message_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqTodoRequest, yq_todo_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqTodoResult, yq_todo_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqTodoItem, yq_todo_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqDirectoryChange, yq_directory_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqDirectoryChangeResult, yq_directory_change_result_free)

/* ---- The interface ------------------------------------------------------ */

#define YQ_TYPE_PLATFORM (yq_platform_get_type ())

G_DECLARE_INTERFACE (YqPlatform, yq_platform, YQ, PLATFORM, GObject)

struct _YqPlatformInterface
{
  GTypeInterface parent_iface;

  YqPlatformKind   (*get_kind)                      (YqPlatform           *self);
  YqHttp          *(*get_http)                      (YqPlatform           *self);

  void             (*test_connection_async)         (YqPlatform           *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  char            *(*test_connection_finish)        (YqPlatform           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

  void             (*fetch_directory_async)         (YqPlatform           *self,
                                                     YqFetchProgressFunc   progress,
                                                     gpointer              progress_data,
                                                     GDestroyNotify        progress_destroy,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  YqOrgSnapshot   *(*fetch_directory_finish)        (YqPlatform           *self,
                                                     GAsyncResult         *result,
                                                     YqFetchStats         *stats,
                                                     GError              **error);

  void             (*resolve_login_code_async)      (YqPlatform           *self,
                                                     YqLoginCodeKind       kind,
                                                     const char           *code,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  YqOrgPerson     *(*resolve_login_code_finish)     (YqPlatform           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

  void             (*send_notification_async)       (YqPlatform           *self,
                                                     const YqMessageRequest *request,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  YqMessageResult *(*send_notification_finish)      (YqPlatform           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

  void             (*create_todo_async)             (YqPlatform           *self,
                                                     const YqTodoRequest  *request,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  YqTodoResult    *(*create_todo_finish)            (YqPlatform           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

  void             (*close_todo_async)              (YqPlatform           *self,
                                                     gboolean              cancel,
                                                     const char           *task_id,
                                                     const char * const   *recipients,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  YqTodoResult    *(*close_todo_finish)             (YqPlatform           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

  void             (*apply_directory_changes_async) (YqPlatform           *self,
                                                     GPtrArray            *changes,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
  GPtrArray       *(*apply_directory_changes_finish) (YqPlatform          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
};

YqPlatform      *yq_platform_new_for_connector        (YqConnector          *connector,
                                                       const char           *app_secret,
                                                       const char           *directory_secret,
                                                       GError              **error);

YqPlatformKind   yq_platform_get_kind                 (YqPlatform           *self);
void             yq_platform_set_concurrency          (YqPlatform           *self,
                                                       guint                 concurrency);
guint            yq_platform_get_concurrency          (YqPlatform           *self);
void             yq_platform_set_qps                  (YqPlatform           *self,
                                                       double                qps);
double           yq_platform_get_qps                  (YqPlatform           *self);
void             yq_platform_set_timeout              (YqPlatform           *self,
                                                       guint                 timeout_ms);
guint            yq_platform_get_timeout              (YqPlatform           *self);
guint            yq_platform_get_call_count           (YqPlatform           *self);

void             yq_platform_test_connection_async    (YqPlatform           *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
char            *yq_platform_test_connection_finish   (YqPlatform           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void             yq_platform_fetch_directory_async    (YqPlatform           *self,
                                                       YqFetchProgressFunc   progress,
                                                       gpointer              progress_data,
                                                       GDestroyNotify        progress_destroy,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
YqOrgSnapshot   *yq_platform_fetch_directory_finish   (YqPlatform           *self,
                                                       GAsyncResult         *result,
                                                       YqFetchStats         *stats,
                                                       GError              **error);

void             yq_platform_resolve_login_code_async (YqPlatform           *self,
                                                       YqLoginCodeKind       kind,
                                                       const char           *code,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
YqOrgPerson     *yq_platform_resolve_login_code_finish (YqPlatform          *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

void             yq_platform_send_notification_async  (YqPlatform           *self,
                                                       const YqMessageRequest *request,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
YqMessageResult *yq_platform_send_notification_finish (YqPlatform           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void             yq_platform_create_todo_async        (YqPlatform           *self,
                                                       const YqTodoRequest  *request,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
YqTodoResult    *yq_platform_create_todo_finish       (YqPlatform           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void             yq_platform_finish_todo_async        (YqPlatform           *self,
                                                       const char           *task_id,
                                                       const char * const   *recipients,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
YqTodoResult    *yq_platform_finish_todo_finish       (YqPlatform           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void             yq_platform_cancel_todo_async        (YqPlatform           *self,
                                                       const char           *task_id,
                                                       const char * const   *recipients,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
YqTodoResult    *yq_platform_cancel_todo_finish       (YqPlatform           *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

void             yq_platform_apply_directory_changes_async  (YqPlatform      *self,
                                                             GPtrArray       *changes,
                                                             GCancellable    *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer         user_data);
GPtrArray       *yq_platform_apply_directory_changes_finish (YqPlatform      *self,
                                                             GAsyncResult    *result,
                                                             GError         **error);

G_END_DECLS
