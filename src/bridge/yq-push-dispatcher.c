/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-push"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-bridge-platform.h"
#include "yq-platforms.h"
#include "yq-push-dispatcher-private.h"

/* Batches in flight at once, over every connector, and per lane (a
 * connector and a kind of target). 政务钉钉 work notifications go one at a
 * time: the platform forbids concurrent calls. The connector's request
 * rate holds for all of a lane's calls together. */
#define MAX_IN_FLIGHT    16
#define LANE_IN_FLIGHT   8
/* Deliveries per batch: the recipients one platform call takes (政务钉钉
 * work notifications: 1000; 云之家: 100 todo params per call, and public-
 * account messages kept as small). Todos on 政务钉钉 are one call per
 * assignee whatever the batch. */
#define MAX_BATCH_ZWDD   1000
#define MAX_BATCH_YZJ    100
#define KEY_LENGTH       48
/* Polling while something is due but cannot be claimed (its connector is
 * busy, or a todo event waits for its todo): doubling up to a minute. */
#define IDLE_POLL_MIN_MS 1000
#define IDLE_POLL_MAX_MS (60 * 1000)
#define STORE_RETRY_MS   (5 * 1000)
#define MAX_TIMER_MS     (3600 * 1000)

struct _YqPushDispatcher
{
  GObject                  parent_instance;

  YqStore                 *store;
  YqSecrets               *secrets;
  /* NULL while stopped; each start makes a new one */
  GCancellable            *cancellable;
  /* "connector:app:target" → YqPlatform */
  GHashTable              *platforms;
  /* connector IDs (gint64 *) with a batch in flight */
  GHashTable              *busy;
  guint                    n_in_flight;
  guint                    n_done;
  /* BatchRun: ended, their outcomes not recorded yet */
  GPtrArray               *finished;
  guint                    flush_id;
  guint                    pump_id;
  guint                    timeout_id;
  guint                    idle_poll_ms;
  gint64                   clock_offset_ms;
  YqPushPlatformSetupFunc  platform_setup;
  gpointer                 platform_setup_data;
};

G_DEFINE_FINAL_TYPE (YqPushDispatcher, yq_push_dispatcher, G_TYPE_OBJECT)

static void schedule_pump (YqPushDispatcher *self);

static gint64
now_ms (YqPushDispatcher *self)
{
  return g_get_real_time () / 1000 + self->clock_offset_ms;
}

static gint64 *
int64_dup (gint64 value)
{
  return g_memdup2 (&value, sizeof value);
}

static guint
lane_in_flight (YqPushDispatcher *self,
                gint64            lane)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->busy, &lane));
}

static void
lane_take (YqPushDispatcher *self,
           gint64            lane)
{
  g_hash_table_replace (self->busy, int64_dup (lane),
                        GUINT_TO_POINTER (lane_in_flight (self, lane) + 1));
}

static void
lane_release (YqPushDispatcher *self,
              gint64            lane)
{
  guint n = lane_in_flight (self, lane);

  if (n <= 1)
    g_hash_table_remove (self->busy, &lane);
  else
    g_hash_table_replace (self->busy, int64_dup (lane), GUINT_TO_POINTER (n - 1));
}

static guint
lane_limit (YqConnector *connector,
            YqPushKind   kind)
{
  return yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD &&
         kind == YQ_PUSH_KIND_NOTIFICATION ? 1 : LANE_IN_FLIGHT;
}

static char *
truncated_sha256 (const char *input)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);

  return g_strndup (digest, KEY_LENGTH);
}

/* Keys ----------------------------------------------------------------------- */

char *
yq_push_dispatcher_notification_key (const YqDeliveryBatch *batch)
{
  g_autoptr(GString) input = g_string_new ("notification");
  const YqDelivery *first;

  g_return_val_if_fail (batch != NULL && batch->deliveries->len > 0, NULL);

  first = g_ptr_array_index (batch->deliveries, 0);
  g_string_append_printf (input, "\n%s\n%lld\n%s", batch->message->idempotency_key,
                          (long long) first->target_id, yq_push_event_to_string (first->event));
  /* The deliveries and their attempt: a resumed attempt repeats its key
   * (the platform refuses the duplicate), a retry gets a new one, and
   * another set of recipients never shares one. */
  for (guint i = 0; i < batch->deliveries->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (batch->deliveries, i);

      g_string_append_printf (input, "\n%lld:%u", (long long) delivery->id, delivery->attempts);
    }

  return truncated_sha256 (input->str);
}

char *
yq_push_dispatcher_todo_key (const YqPushMessage *message,
                             gint64               target_id)
{
  g_autofree char *input = NULL;
  const char *todo_id;

  g_return_val_if_fail (message != NULL, NULL);

  /* No attempt in it: a retry must find the todo of an attempt that got
   * through (政务钉钉 bizTaskId, 云之家 sourceId are idempotent). */
  todo_id = message->todo_id != NULL ? message->todo_id : message->idempotency_key;
  input = g_strdup_printf ("todo\n%s\n%lld", todo_id, (long long) target_id);

  return truncated_sha256 (input);
}

/* Platform clients ------------------------------------------------------------ */

static char *
platform_cache_key (YqConnector      *connector,
                    const YqDelivery *delivery)
{
  /* Notifications go out as a target's public account (云之家) or with
   * the target's spacing (政务钉钉); everything else shares the app's
   * client, and with it the connector's rate. */
  gint64 target = delivery->kind == YQ_PUSH_KIND_NOTIFICATION ? delivery->target_id : 0;

  return g_strdup_printf ("%lld:%lld:%lld", (long long) yq_connector_get_id (connector),
                          (long long) delivery->app_id, (long long) target);
}

/* The delivery's target as its rule stores it, or %NULL once removed. */
static YqPushTarget *
find_target (YqPushDispatcher *self,
             const YqDelivery *delivery)
{
  g_autoptr(YqPushRule) rule = NULL;

  if (delivery->rule_id != 0)
    rule = yq_push_rules_get (self->store, delivery->rule_id, NULL);
  for (guint i = 0; rule != NULL && i < rule->targets->len; i++)
    {
      const YqPushTarget *target = g_ptr_array_index (rule->targets, i);

      if (target->id == delivery->target_id)
        return yq_push_target_copy (target);
    }

  return NULL;
}

static gboolean
set_public_account (YqPushDispatcher    *self,
                    YqYzjClient         *client,
                    const YqDelivery    *delivery,
                    const YqPushTarget  *target,
                    GError             **error)
{
  g_autofree char *pub_key = NULL;
  const char *pub_id = target != NULL ? target->yzj_pub_id : NULL;

  if (pub_id == NULL || *pub_id == '\0')
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("The push target has no 云之家 public account. Set the public-account "
                     "number and key in the push rule."));
      return FALSE;
    }

  pub_key = yq_push_target_get_pub_key (self->store, self->secrets, delivery->target_id, error);
  if (pub_key == NULL)
    return FALSE;

  yq_yzj_client_set_public_account (client, pub_id, pub_key);
  return TRUE;
}

static YqPlatform *
get_platform (YqPushDispatcher  *self,
              YqConnector       *connector,
              const YqDelivery  *delivery,
              GError           **error)
{
  g_autofree char *key = platform_cache_key (connector, delivery);
  g_autoptr(YqPlatform) platform = NULL;
  YqPlatform *cached;

  cached = g_hash_table_lookup (self->platforms, key);
  if (cached != NULL)
    return g_object_ref (cached);

  if (delivery->app_id == 0)
    {
      platform = yq_bridge_platform_new (self->store, self->secrets, connector, NULL, NULL, error);
    }
  else
    {
      g_autoptr(YqApp) app = NULL;
      g_autoptr(YqConnector) copy = NULL;
      g_autofree char *secret = NULL;

      app = yq_apps_get (self->store, delivery->app_id, error);
      if (app == NULL)
        return NULL;
      secret = yq_apps_get_secret (self->store, self->secrets, app, error);
      if (secret == NULL)
        return NULL;

      copy = yq_connector_copy (connector);
      yq_connector_set_app_key (copy, app->app_key);
      platform = yq_platform_new_for_connector (copy, secret, NULL, error);
    }
  if (platform == NULL)
    return NULL;

  if (delivery->kind == YQ_PUSH_KIND_NOTIFICATION)
    {
      g_autoptr(YqPushTarget) target = find_target (self, delivery);

      if (yq_platform_get_kind (platform) == YQ_PLATFORM_KIND_YZJ &&
          !set_public_account (self, YQ_YZJ_CLIENT (platform), delivery, target, error))
        return NULL;
      if (yq_platform_get_kind (platform) == YQ_PLATFORM_KIND_ZWDD)
        {
          yq_zwdd_client_set_notification_interval (YQ_ZWDD_CLIENT (platform),
                                                    target != NULL ? target->zwdd_spacing
                                                    : YQ_PUSH_ZWDD_SPACING_DEFAULT);
          /* The spacing counts from the last call of an earlier client,
           * before a restart or a configuration change. */
          if (target != NULL && target->last_call_ms > 0)
            yq_zwdd_client_note_notification_call (YQ_ZWDD_CLIENT (platform),
                                                   (now_ms (self) - target->last_call_ms) * 1000);
        }
    }

  if (self->platform_setup != NULL)
    self->platform_setup (platform, self->platform_setup_data);

  g_hash_table_insert (self->platforms, g_steal_pointer (&key), g_object_ref (platform));
  return g_steal_pointer (&platform);
}

/* Batches --------------------------------------------------------------------- */

typedef struct
{
  YqPushDispatcher  *self;
  YqStore           *store;
  GCancellable      *cancellable;
  YqDeliveryBatch   *batch;
  YqPlatform        *platform;
  gint64             connector_id;
  /* YQ_PUSH_LANE() of the connector and the batch's kind */
  gint64             lane;
  YqDeliveryOutcome *outcomes;
  /* strings the outcomes point to */
  GPtrArray         *strings;
  guint              pending;
  gboolean           cancelled;
  gint64             started_us;
} BatchRun;

typedef struct
{
  BatchRun *run;
  /* guint: the deliveries this call sends */
  GArray   *indices;
  gboolean  cancel;
} SubCall;

static void
batch_run_free (BatchRun *run)
{
  g_clear_object (&run->self);
  g_clear_object (&run->store);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->batch, yq_delivery_batch_free);
  g_clear_object (&run->platform);
  g_free (run->outcomes);
  g_ptr_array_unref (run->strings);
  g_free (run);
}

static SubCall *
sub_call_new (BatchRun *run)
{
  SubCall *call = g_new0 (SubCall, 1);

  call->run = run;
  call->indices = g_array_new (FALSE, FALSE, sizeof (guint));
  run->pending++;

  return call;
}

static void
sub_call_free (SubCall *call)
{
  g_array_unref (call->indices);
  g_free (call);
}

static const YqDelivery *
run_delivery (BatchRun *run,
              guint     index)
{
  return g_ptr_array_index (run->batch->deliveries, index);
}

static const char *
run_keep (BatchRun   *run,
          const char *text)
{
  char *copy = g_strdup (text);

  g_ptr_array_add (run->strings, copy);
  return copy;
}

static void
run_delivered (BatchRun   *run,
               guint       index,
               const char *platform_ref)
{
  YqDeliveryOutcome *outcome = &run->outcomes[index];

  outcome->delivered = TRUE;
  outcome->platform_ref = platform_ref ? run_keep (run, platform_ref) : NULL;
  outcome->error = NULL;
  outcome->final = FALSE;
}

static void
run_failed (BatchRun   *run,
            guint       index,
            const char *message,
            gboolean    final)
{
  YqDeliveryOutcome *outcome = &run->outcomes[index];

  outcome->delivered = FALSE;
  outcome->error = run_keep (run, message);
  outcome->final = final;
}

/* Whether retrying cannot help: the request itself is wrong, or the app
 * may not do it. */
static gboolean
error_is_final (const GError *error)
{
  return error->domain == YQ_PLATFORM_ERROR &&
         (error->code == YQ_PLATFORM_ERROR_INVALID_ARGUMENT ||
          error->code == YQ_PLATFORM_ERROR_NOT_SUPPORTED ||
          error->code == YQ_PLATFORM_ERROR_NO_PERMISSION);
}

/* The same for a code of one recipient: the error nicks the clients give,
 * and 云之家's "unknown openId" (501, 505) and "cannot change this
 * member's todo" (502). */
static gboolean
code_is_final (const char *code)
{
  static const char * const final_codes[] = {
    "invalid-argument", "not-supported", "no-permission", "501", "502", "505", NULL
  };

  return code != NULL && g_strv_contains (final_codes, code);
}

static void
sub_call_fail_all (SubCall      *call,
                   const GError *error)
{
  for (guint i = 0; i < call->indices->len; i++)
    run_failed (call->run, g_array_index (call->indices, guint, i), error->message,
                error_is_final (error));
}

/* The run's slot is free again, unless it belongs to an earlier start. */
static void
run_release (BatchRun *run)
{
  YqPushDispatcher *self = run->self;

  if (self->cancellable != NULL && run->cancellable == self->cancellable)
    {
      g_assert (self->n_in_flight > 0);
      self->n_in_flight--;
      lane_release (self, run->lane);
      schedule_pump (self);
    }
}

static void
run_log (BatchRun *run)
{
  guint n = run->batch->deliveries->len;
  guint n_delivered = 0;
  guint n_failed = 0;
  guint n_dead = 0;

  for (guint i = 0; i < n; i++)
    {
      const YqDeliveryOutcome *outcome = &run->outcomes[i];

      if (outcome->delivered)
        n_delivered++;
      else
        {
          n_failed++;
          if (outcome->final || run_delivery (run, i)->attempts >= YQ_PUSH_MAX_ATTEMPTS)
            n_dead++;
        }
    }

  run->self->n_done += n_delivered + n_dead;
  g_info ("push batch on connector %lld: %u delivered, %u failed (%u for good) in %lld ms",
          (long long) run->connector_id, n_delivered, n_failed, n_dead,
          (long long) ((g_get_monotonic_time () - run->started_us) / 1000));
}

/* Records the outcomes of the batches that ended since the last call, in
 * one transaction per store. */
static void
flush_finished (YqPushDispatcher *self)
{
  g_autoptr(GPtrArray) runs = NULL;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->finished->len == 0)
    return;

  runs = g_steal_pointer (&self->finished);
  self->finished = g_ptr_array_new ();

  for (guint i = 0; i < runs->len;)
    {
      YqStore *store = ((BatchRun *) g_ptr_array_index (runs, i))->store;
      g_autoptr(GArray) outcomes = g_array_new (FALSE, FALSE, sizeof (YqDeliveryOutcome));
      g_autoptr(GError) error = NULL;
      gboolean recorded;
      guint end;

      for (end = i; end < runs->len; end++)
        {
          BatchRun *run = g_ptr_array_index (runs, end);

          if (run->store != store)
            break;
          g_array_append_vals (outcomes, run->outcomes, run->batch->deliveries->len);
        }

      recorded = yq_push_deliveries_finish (store, (const YqDeliveryOutcome *) outcomes->data,
                                            outcomes->len, now_ms (self) / 1000, &error);
      if (!recorded)
        g_warning ("Could not record the outcome of %u push deliveries: %s", outcomes->len,
                   error->message);

      for (; i < end; i++)
        {
          BatchRun *run = g_ptr_array_index (runs, i);

          if (recorded)
            run_log (run);
          run_release (run);
          batch_run_free (run);
        }
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  YqPushDispatcher *self = user_data;

  self->flush_id = 0;
  flush_finished (self);

  return G_SOURCE_REMOVE;
}

static void
run_complete (BatchRun *run)
{
  YqPushDispatcher *self = run->self;

  if (run->cancelled)
    {
      /* Left SENDING: the next start resumes the attempt. */
      g_debug ("batch of %u deliveries cancelled; it is resumed at the next start",
               run->batch->deliveries->len);
      run_release (run);
      batch_run_free (run);
      return;
    }

  /* Batches that end together are recorded together, from the next
   * iteration of the main loop. */
  g_ptr_array_add (self->finished, run);
  if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb, self, NULL);
}

static void
sub_call_done (SubCall *call)
{
  BatchRun *run = call->run;

  sub_call_free (call);
  if (--run->pending == 0)
    run_complete (run);
}

/* TRUE when the call was cancelled: its outcome is unknown. */
static gboolean
check_cancelled (SubCall      *call,
                 const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (call->run->cancellable))
    {
      call->run->cancelled = TRUE;
      return TRUE;
    }

  return FALSE;
}

/* 政务钉钉 spaces work notifications between calls: the time of this one
 * is kept with its target for the clients after this one (a restart, a
 * configuration change). */
static void
note_zwdd_call (BatchRun *run)
{
  const YqDelivery *first = run_delivery (run, 0);
  g_autoptr(GError) error = NULL;

  if (yq_platform_get_kind (run->platform) != YQ_PLATFORM_KIND_ZWDD || first->target_id == 0)
    return;
  if (!yq_push_target_note_call (run->store, first->target_id, now_ms (run->self), &error))
    g_warning ("Could not record the time of a work notification: %s", error->message);
}

static void
notification_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SubCall *call = user_data;
  BatchRun *run = call->run;
  g_autoptr(YqMessageResult) sent = NULL;
  g_autoptr(GHashTable) failures = NULL;
  g_autoptr(GError) error = NULL;

  sent = yq_platform_send_notification_finish (YQ_PLATFORM (object), result, &error);
  /* Cancelled while waiting for its slot: no call went out. Any other
   * failure may have reached the platform. */
  if (sent != NULL || !check_cancelled (call, error))
    note_zwdd_call (run);
  if (sent == NULL)
    {
      if (!check_cancelled (call, error))
        sub_call_fail_all (call, error);
      sub_call_done (call);
      return;
    }

  failures = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < sent->failures->len; i++)
    {
      YqRecipientFailure *failure = g_ptr_array_index (sent->failures, i);

      g_hash_table_insert (failures, failure->recipient, failure);
    }

  for (guint i = 0; i < call->indices->len; i++)
    {
      guint index = g_array_index (call->indices, guint, i);
      YqRecipientFailure *failure;

      failure = g_hash_table_lookup (failures, run_delivery (run, index)->platform_account);
      if (failure != NULL)
        run_failed (run, index, failure->message ? failure->message : failure->code,
                    code_is_final (failure->code));
      else
        run_delivered (run, index, NULL);
    }

  sub_call_done (call);
}

static void
todo_items_to_outcomes (SubCall            *call,
                        const YqTodoResult *todo,
                        gboolean            keep_ref)
{
  BatchRun *run = call->run;

  for (guint i = 0; i < call->indices->len; i++)
    {
      guint index = g_array_index (call->indices, guint, i);
      YqTodoItem *item = yq_todo_result_lookup (todo,
                                                run_delivery (run, index)->platform_account);

      if (item == NULL)
        run_failed (run, index, _("The platform answered without this recipient; the todo "
                                  "is sent again."), FALSE);
      else if (item->error_code != NULL)
        run_failed (run, index, item->error_message ? item->error_message : item->error_code,
                    code_is_final (item->error_code));
      else
        run_delivered (run, index, keep_ref ? item->task_id : NULL);
    }
}

static void
todo_create_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SubCall *call = user_data;
  g_autoptr(YqTodoResult) todo = NULL;
  g_autoptr(GError) error = NULL;

  todo = yq_platform_create_todo_finish (YQ_PLATFORM (object), result, &error);
  if (todo == NULL)
    {
      if (!check_cancelled (call, error))
        sub_call_fail_all (call, error);
    }
  else
    todo_items_to_outcomes (call, todo, TRUE);

  sub_call_done (call);
}

static void
todo_close_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SubCall *call = user_data;
  g_autoptr(YqTodoResult) todo = NULL;
  g_autoptr(GError) error = NULL;

  if (call->cancel)
    todo = yq_platform_cancel_todo_finish (YQ_PLATFORM (object), result, &error);
  else
    todo = yq_platform_finish_todo_finish (YQ_PLATFORM (object), result, &error);
  if (todo == NULL)
    {
      if (!check_cancelled (call, error))
        sub_call_fail_all (call, error);
    }
  else
    todo_items_to_outcomes (call, todo, FALSE);

  sub_call_done (call);
}

static GStrv
sub_call_recipients (SubCall *call)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < call->indices->len; i++)
    g_strv_builder_add (builder,
                        run_delivery (call->run,
                                      g_array_index (call->indices, guint, i))->platform_account);

  return g_strv_builder_end (builder);
}

static void
send_notification (BatchRun *run,
                   SubCall  *call)
{
  const YqPushMessage *message = run->batch->message;
  g_autofree char *key = yq_push_dispatcher_notification_key (run->batch);
  g_auto(GStrv) recipients = sub_call_recipients (call);
  g_autoptr(YqMessageRequest) request = NULL;

  request = yq_message_request_new (key, message->title, message->content,
                                    (const char * const *) recipients);
  request->url = g_strdup (message->url);
  request->attempt_ms = run_delivery (run, 0)->attempt_ms;
  request->resumed = run->batch->resumed;

  yq_platform_send_notification_async (run->platform, request, run->cancellable,
                                       notification_cb, call);
}

/* The platform account of the message's creator on the connector: the
 * delivery of the same message to them, if they are a recipient too. */
static char *
resolve_creator (BatchRun *run)
{
  const char *creator = run->batch->message->creator;
  YqDeliveryFilter filter = { 0 };
  g_autoptr(GPtrArray) deliveries = NULL;

  if (creator == NULL)
    return NULL;

  for (guint i = 0; i < run->batch->deliveries->len; i++)
    if (g_strcmp0 (run_delivery (run, i)->oa_account, creator) == 0)
      return g_strdup (run_delivery (run, i)->platform_account);

  filter.connector_id = run->connector_id;
  filter.message_id = run_delivery (run, 0)->message_id;
  deliveries = yq_push_deliveries_list (run->store, &filter, NULL, NULL);
  for (guint i = 0; deliveries != NULL && i < deliveries->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (deliveries, i);

      if (g_strcmp0 (delivery->oa_account, creator) == 0 && delivery->platform_account != NULL)
        return g_strdup (delivery->platform_account);
    }

  return NULL;
}

/* 云之家 todos need an icon: the OA site's. */
static char *
icon_url_for (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;

  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     g_uri_get_port (uri), "/favicon.ico", NULL, NULL);
}

static void
send_todo (BatchRun   *run,
           SubCall    *call,
           const char *creator)
{
  const YqPushMessage *message = run->batch->message;
  g_autofree char *key = yq_push_dispatcher_todo_key (message, run_delivery (run, 0)->target_id);
  g_auto(GStrv) recipients = sub_call_recipients (call);
  g_autoptr(YqTodoRequest) request = NULL;

  request = yq_todo_request_new (key, message->title, message->url,
                                 (const char * const *) recipients);
  request->content = g_strdup (message->content);
  request->mobile_url = g_strdup (message->mobile_url);
  request->due_time = message->due_time;
  /* 政务钉钉 wants a creator: without one of the connector, each assignee
   * is the creator of their own todo. */
  request->creator = g_strdup (creator != NULL ? creator : recipients[0]);
  if (yq_platform_get_kind (run->platform) == YQ_PLATFORM_KIND_YZJ)
    {
      g_free (request->creator);
      request->creator = g_strdup (creator);
      request->icon_url = icon_url_for (message->url);
    }

  yq_platform_create_todo_async (run->platform, request, run->cancellable, todo_create_cb, call);
}

static void
send_close (BatchRun   *run,
            SubCall    *call,
            const char *task_id)
{
  g_auto(GStrv) recipients = sub_call_recipients (call);

  if (call->cancel)
    yq_platform_cancel_todo_async (run->platform, task_id, (const char * const *) recipients,
                                   run->cancellable, todo_close_cb, call);
  else
    yq_platform_finish_todo_async (run->platform, task_id, (const char * const *) recipients,
                                   run->cancellable, todo_close_cb, call);
}

static void
run_send (BatchRun *run)
{
  const YqDelivery *first = run_delivery (run, 0);
  gboolean per_assignee = yq_platform_get_kind (run->platform) == YQ_PLATFORM_KIND_ZWDD;
  guint n = run->batch->deliveries->len;
  GArray *usable = g_array_new (FALSE, FALSE, sizeof (guint));

  /* One hold while the calls are started. */
  run->pending = 1;

  for (guint i = 0; i < n; i++)
    {
      if (run_delivery (run, i)->platform_account == NULL)
        run_failed (run, i, _("The recipient has no account on the platform; bind them and "
                              "send the message again."), TRUE);
      else
        g_array_append_val (usable, i);
    }

  switch (first->event)
    {
    case YQ_PUSH_EVENT_NOTIFICATION:
      if (usable->len > 0)
        {
          SubCall *call = sub_call_new (run);

          g_array_append_vals (call->indices, usable->data, usable->len);
          send_notification (run, call);
        }
      break;

    case YQ_PUSH_EVENT_TODO:
      {
        g_autofree char *creator = resolve_creator (run);

        /* 政务钉钉 creates one task per assignee anyway; without a creator
         * each assignee's call names them as the creator. */
        if (per_assignee && creator == NULL)
          for (guint i = 0; i < usable->len; i++)
            {
              SubCall *call = sub_call_new (run);

              g_array_append_val (call->indices, g_array_index (usable, guint, i));
              send_todo (run, call, NULL);
            }
        else if (usable->len > 0)
          {
            SubCall *call = sub_call_new (run);

            g_array_append_vals (call->indices, usable->data, usable->len);
            send_todo (run, call, creator);
          }
      }
      break;

    case YQ_PUSH_EVENT_TODO_DONE:
    case YQ_PUSH_EVENT_TODO_CANCELLED:
    default:
      {
        /* task ID → SubCall; 政务钉钉 tasks have one assignee each. */
        g_autoptr(GHashTable) by_ref = g_hash_table_new (g_str_hash, g_str_equal);
        g_autoptr(GPtrArray) calls = g_ptr_array_new ();

        for (guint i = 0; i < usable->len; i++)
          {
            guint index = g_array_index (usable, guint, i);
            const char *ref = index < run->batch->todo_refs->len
                              ? g_ptr_array_index (run->batch->todo_refs, index) : NULL;
            SubCall *call = NULL;

            if (ref == NULL || *ref == '\0')
              {
                run_failed (run, index, _("The todo has no task ID on the platform, so it "
                                          "cannot be finished or cancelled there."), TRUE);
                continue;
              }
            if (!per_assignee)
              call = g_hash_table_lookup (by_ref, ref);
            if (call == NULL)
              {
                call = sub_call_new (run);
                call->cancel = first->event == YQ_PUSH_EVENT_TODO_CANCELLED;
                g_hash_table_insert (by_ref, (gpointer) ref, call);
                g_ptr_array_add (calls, call);
              }
            g_array_append_val (call->indices, index);
          }

        for (guint i = 0; i < calls->len; i++)
          {
            SubCall *call = g_ptr_array_index (calls, i);
            guint index = g_array_index (call->indices, guint, 0);

            send_close (run, call, g_ptr_array_index (run->batch->todo_refs, index));
          }
      }
      break;
    }

  g_array_unref (usable);

  if (--run->pending == 0)
    run_complete (run);
}

static void
start_batch (YqPushDispatcher *self,
             YqConnector      *connector,
             YqDeliveryBatch  *batch)
{
  g_autoptr(GError) error = NULL;
  const YqDelivery *first = g_ptr_array_index (batch->deliveries, 0);
  BatchRun *run = g_new0 (BatchRun, 1);

  run->self = g_object_ref (self);
  run->store = g_object_ref (self->store);
  run->cancellable = g_object_ref (self->cancellable);
  run->batch = batch;
  run->connector_id = yq_connector_get_id (connector);
  run->lane = YQ_PUSH_LANE (run->connector_id, first->kind);
  run->outcomes = g_new0 (YqDeliveryOutcome, batch->deliveries->len);
  run->strings = g_ptr_array_new_with_free_func (g_free);
  run->started_us = g_get_monotonic_time ();
  for (guint i = 0; i < batch->deliveries->len; i++)
    run->outcomes[i].id = ((YqDelivery *) g_ptr_array_index (batch->deliveries, i))->id;

  self->n_in_flight++;
  lane_take (self, run->lane);

  g_info ("push batch on connector %lld: %u %s deliveries%s", (long long) run->connector_id,
          batch->deliveries->len, yq_push_event_to_string (first->event),
          batch->resumed ? " (resumed)" : "");

  run->platform = get_platform (self, connector, first, &error);
  if (run->platform == NULL)
    {
      for (guint i = 0; i < batch->deliveries->len; i++)
        run_failed (run, i, error->message, FALSE);
      run_complete (run);
      return;
    }

  run_send (run);
}

/* The loop ---------------------------------------------------------------------- */

static gboolean pump_cb (gpointer user_data);

static gboolean
timeout_cb (gpointer user_data)
{
  YqPushDispatcher *self = user_data;

  self->timeout_id = 0;
  pump_cb (self);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (YqPushDispatcher *self,
           gint64            delay_ms)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add ((guint) CLAMP (delay_ms, 0, MAX_TIMER_MS), timeout_cb, self);
}

static void
arm_next_due (YqPushDispatcher *self)
{
  g_autoptr(GError) error = NULL;
  gint64 due;
  gint64 delay_ms;

  due = yq_push_deliveries_next_due (self->store, &error);
  if (error != NULL)
    {
      g_warning ("Could not look for due push deliveries: %s", error->message);
      arm_timer (self, STORE_RETRY_MS);
      return;
    }
  if (due == 0)
    {
      self->idle_poll_ms = 0;
      return;
    }

  delay_ms = due * 1000 - now_ms (self);
  if (delay_ms > 0)
    {
      self->idle_poll_ms = 0;
      arm_timer (self, delay_ms);
      return;
    }

  /* Due but not claimed: its connector is busy (the batch's end looks
   * again) or a todo event waits for its todo. */
  self->idle_poll_ms = self->idle_poll_ms == 0
                       ? IDLE_POLL_MIN_MS : MIN (self->idle_poll_ms * 2, IDLE_POLL_MAX_MS);
  arm_timer (self, self->idle_poll_ms);
}

static guint
max_batch_for (YqConnector *connector)
{
  return yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ ? MAX_BATCH_YZJ
                                                                   : MAX_BATCH_ZWDD;
}

/* Claims up to @max_batches batches of @connector's deliveries of @kind
 * in one transaction: each fits its platform, and notifications spaced
 * minutes apart never hold the connector's todos up. */
static GPtrArray *
claim_for (YqPushDispatcher  *self,
           YqConnector       *connector,
           YqPushKind         kind,
           guint              max_batches,
           GError           **error)
{
  return yq_push_deliveries_claim_lane (self->store, now_ms (self), max_batch_for (connector),
                                        max_batches, yq_connector_get_id (connector), kind,
                                        error);
}

static gboolean
pump_cb (gpointer user_data)
{
  YqPushDispatcher *self = user_data;
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;
  gboolean progress = TRUE;

  self->pump_id = 0;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable == NULL)
    return G_SOURCE_REMOVE;

  connectors = yq_connectors_list (self->store, &error);
  if (connectors == NULL)
    {
      g_warning ("Could not read the connectors to push through: %s", error->message);
      arm_timer (self, STORE_RETRY_MS);
      return G_SOURCE_REMOVE;
    }

  while (progress && self->n_in_flight < MAX_IN_FLIGHT)
    {
      progress = FALSE;
      for (guint i = 0; i < connectors->len && self->n_in_flight < MAX_IN_FLIGHT; i++)
        {
          YqConnector *connector = g_ptr_array_index (connectors, i);

          for (YqPushKind kind = YQ_PUSH_KIND_NOTIFICATION;
               kind <= YQ_PUSH_KIND_TODO && self->n_in_flight < MAX_IN_FLIGHT; kind++)
            {
              gint64 lane = YQ_PUSH_LANE (yq_connector_get_id (connector), kind);
              guint limit = lane_limit (connector, kind);
              g_autoptr(GPtrArray) batches = NULL;

              if (lane_in_flight (self, lane) >= limit)
                continue;

              batches = claim_for (self, connector, kind,
                                   MIN (limit - lane_in_flight (self, lane),
                                        MAX_IN_FLIGHT - self->n_in_flight),
                                   &error);
              if (batches == NULL)
                {
                  g_warning ("Could not claim push deliveries: %s", error->message);
                  arm_timer (self, STORE_RETRY_MS);
                  return G_SOURCE_REMOVE;
                }

              for (guint b = 0; b < batches->len; b++)
                {
                  YqDeliveryBatch *batch = g_ptr_array_index (batches, b);

                  if (batch->deliveries->len == 0)
                    continue;
                  /* start_batch() takes it */
                  g_ptr_array_index (batches, b) = NULL;
                  start_batch (self, connector, batch);
                  progress = TRUE;
                }
            }
        }
    }

  /* start_batch() may have scheduled another pass already. */
  if (self->pump_id == 0)
    arm_next_due (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_pump (YqPushDispatcher *self)
{
  if (self->cancellable == NULL || self->pump_id != 0)
    return;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  /* Not at an idle priority: steady intake would starve it. */
  self->pump_id = g_idle_add_full (G_PRIORITY_DEFAULT, pump_cb, self, NULL);
}

/* GObject ----------------------------------------------------------------------- */

static void
yq_push_dispatcher_dispose (GObject *object)
{
  YqPushDispatcher *self = YQ_PUSH_DISPATCHER (object);

  yq_push_dispatcher_stop (self);
  g_hash_table_remove_all (self->platforms);

  G_OBJECT_CLASS (yq_push_dispatcher_parent_class)->dispose (object);
}

static void
yq_push_dispatcher_finalize (GObject *object)
{
  YqPushDispatcher *self = YQ_PUSH_DISPATCHER (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_hash_table_unref (self->platforms);
  g_hash_table_unref (self->busy);
  g_ptr_array_unref (self->finished);

  G_OBJECT_CLASS (yq_push_dispatcher_parent_class)->finalize (object);
}

static void
yq_push_dispatcher_class_init (YqPushDispatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = yq_push_dispatcher_dispose;
  object_class->finalize = yq_push_dispatcher_finalize;
}

static void
yq_push_dispatcher_init (YqPushDispatcher *self)
{
  self->platforms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  /* lane → batches in flight */
  self->busy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->finished = g_ptr_array_new ();
}

/* Public API -------------------------------------------------------------------- */

/**
 * yq_push_dispatcher_new:
 * @store: the store holding the push inbox
 * @secrets: where the connectors' and apps' secrets are kept
 *
 * Returns: (transfer full): a stopped dispatcher
 */
YqPushDispatcher *
yq_push_dispatcher_new (YqStore   *store,
                        YqSecrets *secrets)
{
  YqPushDispatcher *self;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);

  self = g_object_new (YQ_TYPE_PUSH_DISPATCHER, NULL);
  self->store = g_object_ref (store);
  self->secrets = g_object_ref (secrets);

  return self;
}

gboolean
yq_push_dispatcher_start (YqPushDispatcher  *self,
                          GError           **error)
{
  guint n_resumable = 0;

  g_return_val_if_fail (YQ_IS_PUSH_DISPATCHER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->cancellable != NULL)
    return TRUE;

  if (!yq_push_deliveries_recover (self->store, &n_resumable, error))
    return FALSE;
  if (n_resumable > 0)
    g_info ("resuming %u push deliveries cut off by the last stop", n_resumable);

  self->cancellable = g_cancellable_new ();
  self->n_done = 0;
  self->idle_poll_ms = 0;
  schedule_pump (self);

  return TRUE;
}

void
yq_push_dispatcher_stop (YqPushDispatcher *self)
{
  g_return_if_fail (YQ_IS_PUSH_DISPATCHER (self));

  if (self->cancellable == NULL)
    return;

  /* What ended is recorded; what is still out is resumed next time. */
  flush_finished (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->n_in_flight = 0;
  g_hash_table_remove_all (self->busy);
}

void
yq_push_dispatcher_wake (YqPushDispatcher *self)
{
  g_return_if_fail (YQ_IS_PUSH_DISPATCHER (self));

  self->idle_poll_ms = 0;
  schedule_pump (self);
}

void
yq_push_dispatcher_configure (YqPushDispatcher *self,
                              YqStore          *store,
                              YqSecrets        *secrets)
{
  g_return_if_fail (YQ_IS_PUSH_DISPATCHER (self));
  g_return_if_fail (YQ_IS_STORE (store));
  g_return_if_fail (YQ_IS_SECRETS (secrets));

  g_set_object (&self->store, store);
  g_set_object (&self->secrets, secrets);
  g_hash_table_remove_all (self->platforms);
  yq_push_dispatcher_wake (self);
}

guint
yq_push_dispatcher_get_n_done (YqPushDispatcher *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_DISPATCHER (self), 0);

  return self->n_done;
}

gboolean
yq_push_dispatcher_is_busy (YqPushDispatcher *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_DISPATCHER (self), FALSE);

  return self->n_in_flight > 0;
}

void
yq_push_dispatcher_set_clock_offset (YqPushDispatcher *self,
                                     gint64            offset_ms)
{
  g_return_if_fail (YQ_IS_PUSH_DISPATCHER (self));

  self->clock_offset_ms = offset_ms;
}

gint64
yq_push_dispatcher_get_clock_offset (YqPushDispatcher *self)
{
  g_return_val_if_fail (YQ_IS_PUSH_DISPATCHER (self), 0);

  return self->clock_offset_ms;
}

void
yq_push_dispatcher_set_platform_setup (YqPushDispatcher        *self,
                                       YqPushPlatformSetupFunc  func,
                                       gpointer                 user_data)
{
  g_return_if_fail (YQ_IS_PUSH_DISPATCHER (self));

  self->platform_setup = func;
  self->platform_setup_data = user_data;
  g_hash_table_remove_all (self->platforms);
}
