/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-platform"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-connector.h"
#include "yq-http.h"
#include "yq-platform.h"
#include "yq-platform-private.h"
#include "zwdd/yq-zwdd-client.h"
#include "yzj/yq-yzj-client.h"

/* ---- Boxed types -------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (YqFetchStats, yq_fetch_stats, yq_fetch_stats_copy, yq_fetch_stats_free)

YqFetchStats *
yq_fetch_stats_copy (const YqFetchStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);

  return g_memdup2 (stats, sizeof *stats);
}

void
yq_fetch_stats_free (YqFetchStats *stats)
{
  g_free (stats);
}

G_DEFINE_BOXED_TYPE (YqMessageRequest, yq_message_request,
                     yq_message_request_copy, yq_message_request_free)

/**
 * yq_message_request_new:
 * @idempotency_key: a unique key for the logical message
 * @title: (nullable): a title
 * @content: the text
 * @recipients: (array zero-terminated=1): account IDs
 *
 * Returns: (transfer full): a new request; set the other fields directly
 */
YqMessageRequest *
yq_message_request_new (const char         *idempotency_key,
                        const char         *title,
                        const char         *content,
                        const char * const *recipients)
{
  YqMessageRequest *request = g_new0 (YqMessageRequest, 1);

  request->idempotency_key = g_strdup (idempotency_key);
  request->title = g_strdup (title);
  request->content = g_strdup (content);
  request->recipients = recipients ? g_strdupv ((char **) recipients) : g_new0 (char *, 1);

  return request;
}

YqMessageRequest *
yq_message_request_copy (const YqMessageRequest *request)
{
  YqMessageRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = yq_message_request_new (request->idempotency_key, request->title, request->content,
                                 (const char * const *) request->recipients);
  copy->markdown = g_strdup (request->markdown);
  copy->url = g_strdup (request->url);
  copy->attempt_ms = request->attempt_ms;
  copy->resumed = request->resumed;

  return copy;
}

void
yq_message_request_free (YqMessageRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->idempotency_key);
  g_free (request->title);
  g_free (request->content);
  g_free (request->markdown);
  g_free (request->url);
  g_strfreev (request->recipients);
  g_free (request);
}

YqRecipientFailure *
yq_recipient_failure_new (const char *recipient,
                          const char *code,
                          const char *message)
{
  YqRecipientFailure *failure = g_new0 (YqRecipientFailure, 1);

  failure->recipient = g_strdup (recipient);
  failure->code = g_strdup (code);
  failure->message = g_strdup (message);

  return failure;
}

void
yq_recipient_failure_free (YqRecipientFailure *failure)
{
  if (failure == NULL)
    return;

  g_free (failure->recipient);
  g_free (failure->code);
  g_free (failure->message);
  g_free (failure);
}

G_DEFINE_BOXED_TYPE (YqMessageResult, yq_message_result, yq_message_result_copy,
                     yq_message_result_free)

YqMessageResult *
yq_message_result_new (void)
{
  YqMessageResult *result = g_new0 (YqMessageResult, 1);

  result->message_ids = g_ptr_array_new_with_free_func (g_free);
  result->failures = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_recipient_failure_free);

  return result;
}

YqMessageResult *
yq_message_result_copy (const YqMessageResult *result)
{
  YqMessageResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = yq_message_result_new ();
  copy->message_id = g_strdup (result->message_id);
  copy->n_calls = result->n_calls;
  for (guint i = 0; i < result->message_ids->len; i++)
    g_ptr_array_add (copy->message_ids, g_strdup (g_ptr_array_index (result->message_ids, i)));
  for (guint i = 0; i < result->failures->len; i++)
    {
      const YqRecipientFailure *f = g_ptr_array_index (result->failures, i);

      g_ptr_array_add (copy->failures,
                       yq_recipient_failure_new (f->recipient, f->code, f->message));
    }

  return copy;
}

void
yq_message_result_free (YqMessageResult *result)
{
  if (result == NULL)
    return;

  g_free (result->message_id);
  g_ptr_array_unref (result->message_ids);
  g_ptr_array_unref (result->failures);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (YqTodoRequest, yq_todo_request, yq_todo_request_copy, yq_todo_request_free)

/**
 * yq_todo_request_new:
 * @idempotency_key: derived from the OA work item
 * @title: the title
 * @url: the detail URL
 * @recipients: (array zero-terminated=1): assignees' account IDs
 *
 * Returns: (transfer full): a new request; set the other fields directly
 */
YqTodoRequest *
yq_todo_request_new (const char         *idempotency_key,
                     const char         *title,
                     const char         *url,
                     const char * const *recipients)
{
  YqTodoRequest *request = g_new0 (YqTodoRequest, 1);

  request->idempotency_key = g_strdup (idempotency_key);
  request->title = g_strdup (title);
  request->url = g_strdup (url);
  request->recipients = recipients ? g_strdupv ((char **) recipients) : g_new0 (char *, 1);

  return request;
}

YqTodoRequest *
yq_todo_request_copy (const YqTodoRequest *request)
{
  YqTodoRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = yq_todo_request_new (request->idempotency_key, request->title, request->url,
                              (const char * const *) request->recipients);
  copy->content = g_strdup (request->content);
  copy->mobile_url = g_strdup (request->mobile_url);
  copy->creator = g_strdup (request->creator);
  copy->app_name = g_strdup (request->app_name);
  copy->icon_url = g_strdup (request->icon_url);
  copy->due_time = request->due_time;

  return copy;
}

void
yq_todo_request_free (YqTodoRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->idempotency_key);
  g_free (request->title);
  g_free (request->content);
  g_free (request->url);
  g_free (request->mobile_url);
  g_strfreev (request->recipients);
  g_free (request->creator);
  g_free (request->app_name);
  g_free (request->icon_url);
  g_free (request);
}

YqTodoItem *
yq_todo_item_new (const char *recipient,
                  const char *task_id)
{
  YqTodoItem *item = g_new0 (YqTodoItem, 1);

  item->recipient = g_strdup (recipient);
  item->task_id = g_strdup (task_id);

  return item;
}

void
yq_todo_item_free (YqTodoItem *item)
{
  if (item == NULL)
    return;

  g_free (item->recipient);
  g_free (item->task_id);
  g_free (item->error_code);
  g_free (item->error_message);
  g_free (item);
}

G_DEFINE_BOXED_TYPE (YqTodoResult, yq_todo_result, yq_todo_result_copy, yq_todo_result_free)

YqTodoResult *
yq_todo_result_new (void)
{
  YqTodoResult *result = g_new0 (YqTodoResult, 1);

  result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_todo_item_free);

  return result;
}

YqTodoResult *
yq_todo_result_copy (const YqTodoResult *result)
{
  YqTodoResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = yq_todo_result_new ();
  for (guint i = 0; i < result->items->len; i++)
    {
      const YqTodoItem *item = g_ptr_array_index (result->items, i);
      YqTodoItem *c = yq_todo_item_new (item->recipient, item->task_id);

      c->error_code = g_strdup (item->error_code);
      c->error_message = g_strdup (item->error_message);
      g_ptr_array_add (copy->items, c);
    }

  return copy;
}

void
yq_todo_result_free (YqTodoResult *result)
{
  if (result == NULL)
    return;

  g_ptr_array_unref (result->items);
  g_free (result);
}

guint
yq_todo_result_get_n_failed (const YqTodoResult *result)
{
  guint n = 0;

  g_return_val_if_fail (result != NULL, 0);

  for (guint i = 0; i < result->items->len; i++)
    if (((YqTodoItem *) g_ptr_array_index (result->items, i))->error_code != NULL)
      n++;

  return n;
}

/**
 * yq_todo_result_lookup:
 * @result: a result
 * @recipient: an account ID
 *
 * Returns: (transfer none) (nullable): the item of @recipient
 */
YqTodoItem *
yq_todo_result_lookup (const YqTodoResult *result,
                       const char         *recipient)
{
  g_return_val_if_fail (result != NULL, NULL);

  for (guint i = 0; i < result->items->len; i++)
    {
      YqTodoItem *item = g_ptr_array_index (result->items, i);

      if (g_strcmp0 (item->recipient, recipient) == 0)
        return item;
    }

  return NULL;
}

static YqOrgDepartment *
department_copy (const YqOrgDepartment *dept)
{
  YqOrgDepartment *copy = yq_org_department_new (dept->id ? dept->id : "", dept->parent_id,
                                                 dept->name);

  copy->order = dept->order;
  copy->active = dept->active;

  return copy;
}

static YqOrgPerson *
person_copy (const YqOrgPerson *person)
{
  YqOrgPerson *copy = yq_org_person_new (person->id ? person->id : "", person->name);

  copy->account_id = g_strdup (person->account_id);
  copy->account_code = g_strdup (person->account_code);
  copy->mobile = g_strdup (person->mobile);
  copy->email = g_strdup (person->email);
  copy->job_number = g_strdup (person->job_number);
  copy->title = g_strdup (person->title);
  if (person->department_ids)
    {
      g_strfreev (copy->department_ids);
      copy->department_ids = g_strdupv (person->department_ids);
    }
  copy->order = person->order;
  copy->active = person->active;

  return copy;
}

G_DEFINE_BOXED_TYPE (YqDirectoryChange, yq_directory_change, yq_directory_change_copy,
                     yq_directory_change_free)

/**
 * yq_directory_change_new_department:
 * @op: a department operation
 * @department: the department (copied); for additions `id` may be ""
 *
 * Returns: (transfer full): a new change
 */
YqDirectoryChange *
yq_directory_change_new_department (YqDirectoryOp          op,
                                    const YqOrgDepartment *department)
{
  YqDirectoryChange *change;

  g_return_val_if_fail (op <= YQ_DIRECTORY_OP_DELETE_DEPARTMENT, NULL);
  g_return_val_if_fail (department != NULL, NULL);

  change = g_new0 (YqDirectoryChange, 1);
  change->op = op;
  change->department = department_copy (department);

  return change;
}

/**
 * yq_directory_change_new_person:
 * @op: a person operation
 * @person: the person (copied); for additions `id` may be ""
 *
 * Returns: (transfer full): a new change
 */
YqDirectoryChange *
yq_directory_change_new_person (YqDirectoryOp      op,
                                const YqOrgPerson *person)
{
  YqDirectoryChange *change;

  g_return_val_if_fail (op >= YQ_DIRECTORY_OP_ADD_PERSON, NULL);
  g_return_val_if_fail (person != NULL, NULL);

  change = g_new0 (YqDirectoryChange, 1);
  change->op = op;
  change->person = person_copy (person);

  return change;
}

YqDirectoryChange *
yq_directory_change_copy (const YqDirectoryChange *change)
{
  YqDirectoryChange *copy;

  g_return_val_if_fail (change != NULL, NULL);

  copy = g_new0 (YqDirectoryChange, 1);
  copy->op = change->op;
  if (change->department)
    copy->department = department_copy (change->department);
  if (change->person)
    copy->person = person_copy (change->person);

  return copy;
}

void
yq_directory_change_free (YqDirectoryChange *change)
{
  if (change == NULL)
    return;

  g_clear_pointer (&change->department, yq_org_department_free);
  g_clear_pointer (&change->person, yq_org_person_free);
  g_free (change);
}

YqDirectoryChangeResult *
yq_directory_change_result_new (YqDirectoryResultStatus  status,
                                const char              *id)
{
  YqDirectoryChangeResult *result = g_new0 (YqDirectoryChangeResult, 1);

  result->status = status;
  result->id = g_strdup (id);

  return result;
}

void
yq_directory_change_result_free (YqDirectoryChangeResult *result)
{
  if (result == NULL)
    return;

  g_free (result->id);
  g_free (result->error_code);
  g_free (result->error_message);
  g_free (result);
}

/* ---- Helpers for the clients ------------------------------------------------ */

/* A base URL without a trailing slash, and its path prefix (政务钉钉
 * signatures cover the whole path). */
gboolean
yq_platform_parse_api_base (const char  *api_base,
                            char       **base_url,
                            char       **base_path,
                            GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *path = NULL;
  const char *scheme;
  gsize len;

  if (api_base != NULL)
    uri = g_uri_parse (api_base, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) != NULL)
    {
      g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                   _("The API address “%s” is not an http or https URL. Enter the address "
                     "of the platform's API, such as https://openplatform.dg-work.cn or "
                     "https://www.yunzhijia.com."), api_base ? api_base : "");
      return FALSE;
    }

  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  *base_path = g_strdup (path);
  *base_url = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                          g_uri_get_port (uri), path, NULL, NULL);

  return TRUE;
}

/* ---- Interface ---------------------------------------------------------- */

G_DEFINE_INTERFACE (YqPlatform, yq_platform, G_TYPE_OBJECT)

static void
yq_platform_default_init (YqPlatformInterface *iface)
{
}

/**
 * yq_platform_new_for_connector:
 * @connector: the connector
 * @app_secret: (nullable): the AppSecret of the connector's app
 * @directory_secret: (nullable): the 云之家 directory key (resGroupSecret)
 * @error: return location for an error
 *
 * Creates the client for @connector's platform, with its API base, tenant,
 * app key and request rate.
 *
 * Returns: (transfer full): a #YqPlatform, or %NULL with @error set
 */
YqPlatform *
yq_platform_new_for_connector (YqConnector  *connector,
                               const char   *app_secret,
                               const char   *directory_secret,
                               GError      **error)
{
  g_autoptr(YqPlatform) platform = NULL;
  YqPlatformKind kind;
  guint qps;

  g_return_val_if_fail (connector != NULL, NULL);

  kind = yq_connector_get_kind (connector);
  switch (kind)
    {
    case YQ_PLATFORM_KIND_ZWDD:
      platform = YQ_PLATFORM (yq_zwdd_client_new (yq_connector_get_api_base (connector),
                                                  yq_connector_get_tenant_id (connector),
                                                  yq_connector_get_app_key (connector),
                                                  app_secret, error));
      break;

    case YQ_PLATFORM_KIND_YZJ:
      platform = YQ_PLATFORM (yq_yzj_client_new (yq_connector_get_api_base (connector),
                                                 yq_connector_get_tenant_id (connector),
                                                 yq_connector_get_app_key (connector),
                                                 app_secret, directory_secret, error));
      break;

    default:
      g_set_error (error, YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_NOT_SUPPORTED,
                   _("This kind of platform is not supported."));
      return NULL;
    }

  if (platform == NULL)
    return NULL;

  qps = yq_connector_get_qps (connector);
  if (qps == 0)
    qps = yq_platform_kind_get_default_qps (kind);
  yq_platform_set_qps (platform, qps);

  return g_steal_pointer (&platform);
}

YqPlatformKind
yq_platform_get_kind (YqPlatform *self)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), 0);

  return YQ_PLATFORM_GET_IFACE (self)->get_kind (self);
}

static YqHttp *
get_http (YqPlatform *self)
{
  return YQ_PLATFORM_GET_IFACE (self)->get_http (self);
}

/**
 * yq_platform_set_concurrency:
 * @self: a platform client
 * @concurrency: how many independent requests may be in flight (default 8)
 */
void
yq_platform_set_concurrency (YqPlatform *self,
                             guint       concurrency)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));

  yq_http_set_concurrency (get_http (self), concurrency);
}

guint
yq_platform_get_concurrency (YqPlatform *self)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), 0);

  return yq_http_get_concurrency (get_http (self));
}

/**
 * yq_platform_set_qps:
 * @self: a platform client
 * @qps: requests per second for this connector; 0 for no limit
 */
void
yq_platform_set_qps (YqPlatform *self,
                     double      qps)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));

  yq_http_set_qps (get_http (self), qps);
}

double
yq_platform_get_qps (YqPlatform *self)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), 0);

  return yq_http_get_qps (get_http (self));
}

/**
 * yq_platform_set_timeout:
 * @self: a platform client
 * @timeout_ms: the timeout of each request attempt (default 5000)
 */
void
yq_platform_set_timeout (YqPlatform *self,
                         guint       timeout_ms)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));

  yq_http_set_timeout (get_http (self), timeout_ms);
}

guint
yq_platform_get_timeout (YqPlatform *self)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), 0);

  return yq_http_get_timeout (get_http (self));
}

/**
 * yq_platform_get_call_count:
 * @self: a platform client
 *
 * Returns: HTTP requests sent so far, retries and token requests included
 */
guint
yq_platform_get_call_count (YqPlatform *self)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), 0);

  return yq_http_get_call_count (get_http (self));
}

/**
 * yq_platform_test_connection_async:
 * @self: a platform client
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Obtains a token and makes a directory call, so that a wrong address,
 * secret, clock or scope shows up with its real cause.
 */
void
yq_platform_test_connection_async (YqPlatform          *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));

  YQ_PLATFORM_GET_IFACE (self)->test_connection_async (self, cancellable, callback, user_data);
}

/**
 * yq_platform_test_connection_finish:
 * @self: a platform client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): a short summary, e.g. the root department's
 *   name and the number of top-level departments
 */
char *
yq_platform_test_connection_finish (YqPlatform    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->test_connection_finish (self, result, error);
}

/**
 * yq_platform_fetch_directory_async:
 * @self: a platform client
 * @progress: (nullable) (scope notified): called after every answer
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Reads the whole directory, page by page.
 */
void
yq_platform_fetch_directory_async (YqPlatform          *self,
                                   YqFetchProgressFunc  progress,
                                   gpointer             progress_data,
                                   GDestroyNotify       progress_destroy,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));

  YQ_PLATFORM_GET_IFACE (self)->fetch_directory_async (self, progress, progress_data,
                                                       progress_destroy, cancellable,
                                                       callback, user_data);
}

/**
 * yq_platform_fetch_directory_finish:
 * @self: a platform client
 * @result: the result
 * @stats: (out caller-allocates) (optional): the fetch's totals
 * @error: return location for an error
 *
 * Returns: (transfer full): the directory
 */
YqOrgSnapshot *
yq_platform_fetch_directory_finish (YqPlatform    *self,
                                    GAsyncResult  *result,
                                    YqFetchStats  *stats,
                                    GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->fetch_directory_finish (self, result, stats, error);
}

/**
 * yq_platform_resolve_login_code_async:
 * @self: a platform client
 * @kind: where the code comes from
 * @code: the auth code, ticket or QR code
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Exchanges a single-use login code for the person it identifies.
 */
void
yq_platform_resolve_login_code_async (YqPlatform          *self,
                                      YqLoginCodeKind      kind,
                                      const char          *code,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));
  g_return_if_fail (code != NULL);

  YQ_PLATFORM_GET_IFACE (self)->resolve_login_code_async (self, kind, code, cancellable,
                                                          callback, user_data);
}

/**
 * yq_platform_resolve_login_code_finish:
 * @self: a platform client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the person, with at least id, account_id and
 *   name
 */
YqOrgPerson *
yq_platform_resolve_login_code_finish (YqPlatform    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->resolve_login_code_finish (self, result, error);
}

/**
 * yq_platform_send_notification_async:
 * @self: a platform client
 * @request: the message (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
yq_platform_send_notification_async (YqPlatform             *self,
                                     const YqMessageRequest *request,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));
  g_return_if_fail (request != NULL);

  YQ_PLATFORM_GET_IFACE (self)->send_notification_async (self, request, cancellable,
                                                         callback, user_data);
}

/**
 * yq_platform_send_notification_finish:
 * @self: a platform client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): message IDs and refused recipients
 */
YqMessageResult *
yq_platform_send_notification_finish (YqPlatform    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->send_notification_finish (self, result, error);
}

/**
 * yq_platform_create_todo_async:
 * @self: a platform client
 * @request: the todo (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
yq_platform_create_todo_async (YqPlatform          *self,
                               const YqTodoRequest *request,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));
  g_return_if_fail (request != NULL);

  YQ_PLATFORM_GET_IFACE (self)->create_todo_async (self, request, cancellable, callback,
                                                   user_data);
}

/**
 * yq_platform_create_todo_finish:
 * @self: a platform client
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): one item per recipient, with the task ID that
 *   finishing or cancelling needs
 */
YqTodoResult *
yq_platform_create_todo_finish (YqPlatform    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->create_todo_finish (self, result, error);
}

/**
 * yq_platform_finish_todo_async:
 * @self: a platform client
 * @task_id: the task ID from yq_platform_create_todo_finish()
 * @recipients: (nullable) (array zero-terminated=1): the assignees to
 *   finish it for; 政务钉钉 needs exactly one, %NULL on 云之家 means all
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
yq_platform_finish_todo_async (YqPlatform          *self,
                               const char          *task_id,
                               const char * const  *recipients,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));
  g_return_if_fail (task_id != NULL);

  YQ_PLATFORM_GET_IFACE (self)->close_todo_async (self, FALSE, task_id, recipients, cancellable,
                                                  callback, user_data);
}

YqTodoResult *
yq_platform_finish_todo_finish (YqPlatform    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->close_todo_finish (self, result, error);
}

/**
 * yq_platform_cancel_todo_async:
 * @self: a platform client
 * @task_id: the task ID from yq_platform_create_todo_finish()
 * @recipients: (nullable) (array zero-terminated=1): as for
 *   yq_platform_finish_todo_async()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
yq_platform_cancel_todo_async (YqPlatform          *self,
                               const char          *task_id,
                               const char * const  *recipients,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));
  g_return_if_fail (task_id != NULL);

  YQ_PLATFORM_GET_IFACE (self)->close_todo_async (self, TRUE, task_id, recipients, cancellable,
                                                  callback, user_data);
}

YqTodoResult *
yq_platform_cancel_todo_finish (YqPlatform    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->close_todo_finish (self, result, error);
}

/**
 * yq_platform_apply_directory_changes_async:
 * @self: a platform client
 * @changes: (element-type YqDirectoryChange): the changes, applied in order
 *   (consecutive changes of one kind are batched)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
yq_platform_apply_directory_changes_async (YqPlatform          *self,
                                           GPtrArray           *changes,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (YQ_IS_PLATFORM (self));
  g_return_if_fail (changes != NULL);

  YQ_PLATFORM_GET_IFACE (self)->apply_directory_changes_async (self, changes, cancellable,
                                                               callback, user_data);
}

/**
 * yq_platform_apply_directory_changes_finish:
 * @self: a platform client
 * @result: the result
 * @error: return location for an error
 *
 * The error is set only when nothing was applied: the platform's directory
 * is read-only (政务钉钉), the connector lacks the directory key, or the
 * first call failed as a whole (a refused key, the network, a cancel).
 * Otherwise every change has a result, in order; a malformed change fails
 * on its own, and changes after a failed call are "not attempted".
 *
 * Returns: (transfer full) (element-type YqDirectoryChangeResult): one
 *   result per change
 */
GPtrArray *
yq_platform_apply_directory_changes_finish (YqPlatform    *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (YQ_IS_PLATFORM (self), NULL);

  return YQ_PLATFORM_GET_IFACE (self)->apply_directory_changes_finish (self, result, error);
}
