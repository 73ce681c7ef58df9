/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The push dispatcher (src/bridge/yq-push-dispatcher) end to end: messages
 * accepted into the inbox reach the simulator in this process through both
 * platforms, with retries, rate limits and a resume after a crash.
 */

#include "config.h"

#include <string.h>

#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-oa-directory.h"
#include "yq-platforms.h"
#include "yq-push-dispatcher-private.h"
#include "yq-push-inbox.h"
#include "yq-sim-faults.h"
#include "yq-sim-server-private.h"
#include "yq-test-bus.h"
#include "yunqiao-core.h"

#define N_PEOPLE 40
#define SEED     515

static const char * const oa_accounts[] = { "zhangsan", "lisi", "wangwu" };

typedef struct
{
  YqSimConfig      *config;
  YqSimOrg         *org;
  YqSimServer      *sim;
  char             *sim_base;

  char             *data_dir;
  YqStore          *store;
  YqSecrets        *secrets;
  YqOaDirectory    *oa;

  gint64            zwdd_connector;
  gint64            yzj_connector;
  gint64            yzj_app;
  YqSimPerson      *people[G_N_ELEMENTS (oa_accounts)];

  YqPushDispatcher *dispatcher;
} Fixture;

/* Set-up -------------------------------------------------------------------- */

static gint64
add_connector (Fixture           *f,
               YqConnectorPreset  preset,
               const char        *name,
               const char        *tenant,
               const char        *key,
               const char        *secret,
               const char        *directory_secret)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, tenant);
  yq_connector_set_api_base (connector, f->sim_base);
  yq_connector_set_app_key (connector, key);
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, secret, directory_secret,
                                     &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static void
fill_bridge (Fixture       *f,
             gint64         connector_id,
             YqSimPlatform  platform)
{
  g_autoptr(YqOrgSnapshot) snapshot = yq_sim_org_expected_snapshot (f->org, platform);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < yq_org_snapshot_get_n_departments (snapshot); i++)
    {
      g_assert_true (yq_bridge_directory_put_department (
                       f->store, connector_id, yq_org_snapshot_get_department (snapshot, i),
                       &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < yq_org_snapshot_get_n_people (snapshot); i++)
    {
      g_assert_true (yq_bridge_directory_put_person (f->store, connector_id,
                                                     yq_org_snapshot_get_person (snapshot, i),
                                                     &error));
      g_assert_no_error (error);
    }
}

static void
add_oa_people (Fixture *f)
{
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("ignored", NULL, "总部");
  g_autoptr(GError) error = NULL;
  g_autofree char *department_id = NULL;
  const char * const accounts[] = { "zhangsan", "lisi", "wangwu", "zhaoliu" };

  department_id = yq_oa_directory_add_department (f->oa, department, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(YqOrgPerson) person = yq_org_person_new (accounts[i], accounts[i]);
      g_autofree char *id = NULL;

      g_strfreev (person->department_ids);
      person->department_ids = g_new0 (char *, 2);
      person->department_ids[0] = g_strdup (department_id);
      id = yq_oa_directory_add_person (f->oa, person, &error);
      g_assert_no_error (error);
    }
}

static gint64
add_app (Fixture    *f,
         gint64      connector_id,
         const char *key,
         const char *secret)
{
  g_autoptr(YqApp) app = yq_app_new ();
  g_autoptr(GError) error = NULL;
  gint64 entry_point;
  gint64 id;

  entry_point = yq_entry_points_add (f->store, "OA 首页", "https://oa.example.gov.cn/portal",
                                     &error);
  g_assert_no_error (error);

  app->connector_id = connector_id;
  app->name = g_strdup ("OA 轻应用");
  app->app_key = g_strdup (key);
  app->target = YQ_APP_TARGET_ENTRY_POINT;
  app->entry_point_id = entry_point;
  id = yq_apps_add (f->store, f->secrets, app, secret, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
bind_people (Fixture *f)
{
  guint seen = 0;

  for (guint i = 0; i < yq_sim_org_get_person_slots (f->org) && seen < G_N_ELEMENTS (f->people);
       i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (f->org, i);
      g_autoptr(YqBindingResult) zwdd = NULL;
      g_autoptr(YqBindingResult) yzj = NULL;
      g_autoptr(GError) error = NULL;

      if (person->deleted || person->status != YQ_SIM_STATUS_NORMAL)
        continue;

      zwdd = yq_bindings_bind (f->store, f->zwdd_connector, person->employee_code,
                               oa_accounts[seen], &error);
      g_assert_no_error (error);
      yzj = yq_bindings_bind (f->store, f->yzj_connector, person->open_id, oa_accounts[seen],
                              &error);
      g_assert_no_error (error);
      f->people[seen++] = person;
    }
  g_assert_cmpuint (seen, ==, G_N_ELEMENTS (f->people));
}

/* The platform's rule is one work-notification call per 10 minutes; the
 * simulator does not mind. */
static void
platform_setup (YqPlatform *platform,
                gpointer    user_data)
{
  if (yq_platform_get_kind (platform) == YQ_PLATFORM_KIND_ZWDD)
    yq_zwdd_client_set_notification_interval (YQ_ZWDD_CLIENT (platform), 0);
}

static YqPushDispatcher *
new_dispatcher (Fixture *f)
{
  YqPushDispatcher *dispatcher = yq_push_dispatcher_new (f->store, f->secrets);

  yq_push_dispatcher_set_platform_setup (dispatcher, platform_setup, NULL);
  return dispatcher;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->config = yq_sim_config_new_default ();
  f->config->port = 0;
  f->config->login_port = 0;
  f->org = yq_sim_org_generate (N_PEOPLE, SEED);
  f->sim = yq_sim_server_new (f->config, f->org);
  g_assert_true (yq_sim_server_start (f->sim, &error));
  g_assert_no_error (error);
  f->sim_base = yq_sim_server_get_base_url (f->sim);

  f->data_dir = yq_test_make_data_dir ();
  f->store = yq_store_open_in_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->data_dir, &error);
  g_assert_no_error (error);
  f->oa = yq_builtin_oa_directory_new (f->store);

  /* 政务钉钉 sends with the connector's own app, 云之家 with an app of
   * the connector. */
  f->zwdd_connector = add_connector (f, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙政钉",
                                     f->config->zwdd_tenant_id, f->config->zwdd_app_key,
                                     f->config->zwdd_app_secret, NULL);
  f->yzj_connector = add_connector (f, YQ_CONNECTOR_PRESET_YZJ_PRIVATE, "云之家",
                                    f->config->yzj_eid, f->config->yzj_app_id,
                                    f->config->yzj_app_secret, f->config->yzj_dir_secret);
  f->yzj_app = add_app (f, f->yzj_connector, f->config->yzj_app_id, f->config->yzj_app_secret);
  fill_bridge (f, f->zwdd_connector, YQ_SIM_PLATFORM_ZWDD);
  fill_bridge (f, f->yzj_connector, YQ_SIM_PLATFORM_YZJ);
  add_oa_people (f);
  bind_people (f);

  f->dispatcher = new_dispatcher (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->dispatcher != NULL)
    yq_push_dispatcher_stop (f->dispatcher);
  g_clear_object (&f->dispatcher);
  /* Let cancelled calls come back before the store goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->oa);
  g_clear_object (&f->secrets);
  g_clear_object (&f->store);
  yq_test_remove_data_dir (f->data_dir);
  g_free (f->data_dir);
  yq_sim_server_stop (f->sim);
  g_clear_object (&f->sim);
  g_clear_object (&f->org);
  g_clear_pointer (&f->config, yq_sim_config_free);
  g_free (f->sim_base);
}

/* Helpers ------------------------------------------------------------------- */

static gboolean
expired_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (Fixture  *f,
                               gpointer  data);

static void
wait_for (Fixture   *f,
          Condition  condition,
          gpointer   data,
          guint      timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, expired_cb, &expired);

  while (!condition (f, data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  g_assert_true (condition (f, data));
}

static GPtrArray *
deliveries_of (Fixture *f,
               gint64   message_id,
               guint    states)
{
  YqDeliveryFilter filter = { 0 };
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  filter.message_id = message_id;
  filter.states = states;
  rows = yq_push_deliveries_list (f->store, &filter, NULL, &error);
  g_assert_no_error (error);

  return rows;
}

static guint
count_of (Fixture *f,
          gint64   message_id,
          guint    states)
{
  g_autoptr(GPtrArray) rows = deliveries_of (f, message_id, states);

  return rows->len;
}

#define OPEN_STATES ((1u << YQ_DELIVERY_PENDING) | (1u << YQ_DELIVERY_SENDING) | \
                     (1u << YQ_DELIVERY_RETRY))

static gboolean
settled (Fixture  *f,
         gpointer  data)
{
  return count_of (f, *(gint64 *) data, OPEN_STATES) == 0;
}

static gint64
add_rule (Fixture    *f,
          const char *name,
          gboolean    zwdd,
          gboolean    yzj,
          YqPushKind  kind)
{
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(GError) error = NULL;

  rule->name = g_strdup (name);
  rule->source = g_strdup (name);
  rule->enabled = TRUE;
  if (zwdd)
    {
      YqPushTarget *target = yq_push_target_new ();

      target->connector_id = f->zwdd_connector;
      target->kind = kind;
      g_ptr_array_add (rule->targets, target);
    }
  if (yzj)
    {
      YqPushTarget *target = yq_push_target_new ();

      target->connector_id = f->yzj_connector;
      target->app_id = f->yzj_app;
      target->kind = kind;
      if (kind == YQ_PUSH_KIND_NOTIFICATION)
        {
          target->yzj_pub_id = g_strdup (f->config->yzj_pub_id);
          target->yzj_pub_key = g_strdup (f->config->yzj_pub_key);
        }
      g_ptr_array_add (rule->targets, target);
    }
  g_assert_true (yq_push_rules_save (f->store, f->secrets, rule, &error));
  g_assert_no_error (error);

  return rule->id;
}

static YqPushMessage *
message_new (const char  *key,
             const char  *source,
             YqPushEvent  event,
             const char  *title,
             const char  *first_recipient,
             ...)
{
  YqPushMessage *message = yq_push_message_new ();
  g_autoptr(GStrvBuilder) recipients = g_strv_builder_new ();
  va_list args;

  message->idempotency_key = g_strdup (key);
  message->source = g_strdup (source);
  message->event = event;
  message->title = g_strdup (title);
  va_start (args, first_recipient);
  for (const char *r = first_recipient; r != NULL; r = va_arg (args, const char *))
    g_strv_builder_add (recipients, r);
  va_end (args);
  message->recipients = g_strv_builder_end (recipients);
  if (message->recipients[0] == NULL)
    g_clear_pointer (&message->recipients, g_strfreev);

  return message;
}

static gint64
accept (Fixture       *f,
        YqPushMessage *message)
{
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GError) error = NULL;

  intake = yq_push_inbox_accept (f->store, 0, message, 0, g_get_real_time () / G_USEC_PER_SEC,
                                 &error);
  g_assert_no_error (error);
  g_assert_nonnull (intake);
  g_assert_false (intake->replayed);
  yq_push_dispatcher_wake (f->dispatcher);

  return intake->message_id;
}

static void
start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_push_dispatcher_start (f->dispatcher, &error));
  g_assert_no_error (error);
}

static JsonArray *
records (Fixture    *f,
         const char *kind)
{
  JsonNode *node = yq_sim_server_list_records (f->sim, kind);
  JsonArray *array = json_array_ref (json_node_get_array (node));

  json_node_unref (node);
  return array;
}

static guint
n_records (Fixture    *f,
           const char *kind)
{
  g_autoptr(JsonArray) array = records (f, kind);

  return json_array_get_length (array);
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
      return TRUE;

  return FALSE;
}

static void
set_faults (Fixture *f,
            double   error_rate,
            double   qps_limit,
            guint    latency_ms)
{
  YqSimFaults *faults = yq_sim_server_get_faults (f->sim);
  YqSimFaultSettings settings;

  yq_sim_faults_get_settings (faults, &settings);
  settings.error_rate = error_rate;
  settings.qps_limit = qps_limit;
  settings.latency_ms = latency_ms;
  yq_sim_faults_set_settings (faults, &settings);
}

static JsonObject *
find_record (JsonArray  *array,
             const char *member,
             const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *record = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (record, member, NULL),
                     value) == 0)
        return record;
    }

  return NULL;
}

static const YqDelivery *
delivery_for (GPtrArray  *rows,
              gint64      connector_id,
              const char *oa_account)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (rows, i);

      if (delivery->connector_id == connector_id &&
          g_strcmp0 (delivery->oa_account, oa_account) == 0)
        return delivery;
    }

  return NULL;
}

/* Tests ---------------------------------------------------------------------- */

/* Three bound recipients and an unbound one, on both platforms. */
static void
test_notification (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(YqPushMessage) message = NULL;
  g_autoptr(JsonArray) zwdd = NULL;
  g_autoptr(JsonArray) yzj = NULL;
  g_autoptr(GPtrArray) unbound = NULL;
  JsonObject *record;
  JsonObject *link;
  JsonObject *msg;
  JsonArray *to;
  gint64 id;

  add_rule (f, "公文", TRUE, TRUE, YQ_PUSH_KIND_NOTIFICATION);
  message = message_new ("n-1", "公文", YQ_PUSH_EVENT_NOTIFICATION, "关于放假的通知",
                         "zhangsan", "lisi", "wangwu", "zhaoliu", NULL);
  message->content = g_strdup ("国庆节放假七天。");
  message->url = g_strdup ("https://oa.example.gov.cn/doc?id=7");

  start (f);
  id = accept (f, message);
  wait_for (f, settled, &id, YQ_TEST_TIMEOUT_MS);

  g_assert_cmpuint (count_of (f, id, 1u << YQ_DELIVERY_DELIVERED), ==, 6);
  unbound = deliveries_of (f, id, 1u << YQ_DELIVERY_UNBOUND);
  g_assert_cmpuint (unbound->len, ==, 2);
  for (guint i = 0; i < unbound->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (unbound, i);

      g_assert_cmpstr (delivery->oa_account, ==, "zhaoliu");
      g_assert_cmpuint (delivery->attempts, ==, 0);
    }
  g_assert_cmpuint (yq_push_dispatcher_get_n_done (f->dispatcher), ==, 6);

  zwdd = records (f, "zwdd.notification");
  g_assert_cmpuint (json_array_get_length (zwdd), ==, 1);
  record = json_array_get_object_element (zwdd, 0);
  to = json_object_get_array_member (record, "receiverIds");
  g_assert_cmpuint (json_array_get_length (to), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (f->people); i++)
    g_assert_true (array_has_string (to, f->people[i]->account_id_str));
  g_assert_cmpstr (json_object_get_string_member (record, "msgtype"), ==, "link");
  link = json_object_get_object_member (json_object_get_object_member (record, "msg"), "link");
  g_assert_cmpstr (json_object_get_string_member (link, "title"), ==, "关于放假的通知");
  g_assert_cmpstr (json_object_get_string_member (link, "text"), ==, "国庆节放假七天。");
  g_assert_cmpstr (json_object_get_string_member (link, "messageUrl"), ==,
                   "https://oa.example.gov.cn/doc?id=7");

  yzj = records (f, "yzj.message");
  g_assert_cmpuint (json_array_get_length (yzj), ==, 1);
  record = json_array_get_object_element (yzj, 0);
  to = json_object_get_array_member (record, "recipients");
  g_assert_cmpuint (json_array_get_length (to), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (f->people); i++)
    g_assert_true (array_has_string (to, f->people[i]->open_id));
  msg = json_object_get_object_member (record, "msg");
  g_assert_cmpstr (json_object_get_string_member (msg, "text"), ==,
                   "关于放假的通知\n国庆节放假七天。");
  g_assert_cmpstr (json_object_get_string_member (msg, "url"), ==,
                   "https://oa.example.gov.cn/doc?id=7");
  g_assert_false (yq_push_dispatcher_is_busy (f->dispatcher));
}

/* A todo on both platforms, then done for one recipient and cancelled for
 * another. */
static void
test_todo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(YqPushMessage) todo = NULL;
  g_autoptr(YqPushMessage) done = NULL;
  g_autoptr(YqPushMessage) cancelled = NULL;
  g_autoptr(GPtrArray) created = NULL;
  g_autoptr(JsonArray) zwdd = NULL;
  g_autoptr(JsonArray) yzj = NULL;
  const YqDelivery *delivery;
  JsonObject *record;
  gint64 id;

  add_rule (f, "审批", TRUE, TRUE, YQ_PUSH_KIND_TODO);
  todo = message_new ("t-1", "审批", YQ_PUSH_EVENT_TODO, "请审批：报销单",
                      "zhangsan", "lisi", "wangwu", NULL);
  todo->url = g_strdup ("https://oa.example.gov.cn/flow?id=42");
  todo->todo_id = g_strdup ("flow-42");
  todo->creator = g_strdup ("wangwu");

  start (f);
  id = accept (f, todo);
  wait_for (f, settled, &id, YQ_TEST_TIMEOUT_MS);
  created = deliveries_of (f, id, 0);
  g_assert_cmpuint (created->len, ==, 6);
  g_assert_cmpuint (count_of (f, id, 1u << YQ_DELIVERY_DELIVERED), ==, 6);

  zwdd = records (f, "zwdd.todo");
  g_assert_cmpuint (json_array_get_length (zwdd), ==, 3);
  yzj = records (f, "yzj.todo");
  g_assert_cmpuint (json_array_get_length (yzj), ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (f->people); i++)
    {
      record = find_record (zwdd, "assigneeId", f->people[i]->account_id_str);
      g_assert_nonnull (record);
      g_assert_cmpstr (json_object_get_string_member (record, "subject"), ==, "请审批：报销单");
      g_assert_cmpstr (json_object_get_string_member (record, "creatorId"), ==,
                       f->people[2]->account_id_str);
      delivery = delivery_for (created, f->zwdd_connector, oa_accounts[i]);
      g_assert_cmpstr (delivery->platform_ref, ==,
                       json_object_get_string_member (record, "taskUuid"));

      record = find_record (yzj, "openId", f->people[i]->open_id);
      g_assert_nonnull (record);
      g_assert_cmpstr (json_object_get_string_member (record, "itemtitle"), ==, "请审批：报销单");
      g_assert_cmpstr (json_object_get_string_member (record, "url"), ==,
                       "https://oa.example.gov.cn/flow?id=42");
      delivery = delivery_for (created, f->yzj_connector, oa_accounts[i]);
      g_assert_cmpstr (delivery->platform_ref, ==,
                       json_object_get_string_member (record, "sourceId"));
    }

  done = message_new ("t-1-done", "审批", YQ_PUSH_EVENT_TODO_DONE, NULL, "zhangsan", NULL);
  done->todo_id = g_strdup ("flow-42");
  id = accept (f, done);
  wait_for (f, settled, &id, YQ_TEST_TIMEOUT_MS);
  g_assert_cmpuint (count_of (f, id, 1u << YQ_DELIVERY_DELIVERED), ==, 2);

  cancelled = message_new ("t-1-cancel", "审批", YQ_PUSH_EVENT_TODO_CANCELLED, NULL, "lisi",
                           NULL);
  cancelled->todo_id = g_strdup ("flow-42");
  id = accept (f, cancelled);
  wait_for (f, settled, &id, YQ_TEST_TIMEOUT_MS);
  g_assert_cmpuint (count_of (f, id, 1u << YQ_DELIVERY_DELIVERED), ==, 2);

  g_clear_pointer (&zwdd, json_array_unref);
  g_clear_pointer (&yzj, json_array_unref);
  zwdd = records (f, "zwdd.todo");
  yzj = records (f, "yzj.todo");
  g_assert_cmpuint (json_array_get_length (zwdd), ==, 3);
  g_assert_cmpuint (json_array_get_length (yzj), ==, 3);

  record = find_record (zwdd, "assigneeId", f->people[0]->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "finished");
  record = find_record (zwdd, "assigneeId", f->people[1]->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "cancelled");
  record = find_record (zwdd, "assigneeId", f->people[2]->account_id_str);
  g_assert_cmpstr (json_object_get_string_member (record, "state"), ==, "created");

  record = find_record (yzj, "openId", f->people[0]->open_id);
  g_assert_true (json_object_get_boolean_member (record, "deal"));
  g_assert_false (json_object_get_boolean_member (record, "deleted"));
  record = find_record (yzj, "openId", f->people[1]->open_id);
  g_assert_true (json_object_get_boolean_member (record, "deleted"));
  record = find_record (yzj, "openId", f->people[2]->open_id);
  g_assert_false (json_object_get_boolean_member (record, "deal"));
  g_assert_false (json_object_get_boolean_member (record, "deleted"));
}

typedef struct
{
  gint64          message_id;
  guint           attempts;
} AttemptWait;

static gboolean
attempt_over (Fixture  *f,
              gpointer  data)
{
  AttemptWait *wait = data;
  g_autoptr(GPtrArray) rows = deliveries_of (f, wait->message_id, 0);
  const YqDelivery *delivery = g_ptr_array_index (rows, 0);

  return delivery->attempts == wait->attempts &&
         (delivery->state == YQ_DELIVERY_RETRY || delivery->state == YQ_DELIVERY_DEAD ||
          delivery->state == YQ_DELIVERY_DELIVERED);
}

static YqDelivery *
only_delivery (Fixture *f,
               gint64   message_id)
{
  g_autoptr(GPtrArray) rows = deliveries_of (f, message_id, 0);

  g_assert_cmpuint (rows->len, ==, 1);
  return yq_delivery_copy (g_ptr_array_index (rows, 0));
}

/* Server errors: RETRY with backoff, DELIVERED once the platform is back,
 * DEAD when they last for the whole budget. */
static void
test_retry (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(YqPushMessage) first = NULL;
  g_autoptr(YqPushMessage) second = NULL;
  g_autoptr(YqDelivery) delivery = NULL;
  AttemptWait wait = { 0 };
  gint64 before;

  add_rule (f, "考勤", TRUE, FALSE, YQ_PUSH_KIND_NOTIFICATION);
  set_faults (f, 1.0, 0, 0);
  start (f);

  first = message_new ("r-1", "考勤", YQ_PUSH_EVENT_NOTIFICATION, "打卡提醒", "lisi", NULL);
  first->content = g_strdup ("请记得打卡。");
  wait.message_id = accept (f, first);
  wait.attempts = 1;
  wait_for (f, attempt_over, &wait, YQ_TEST_TIMEOUT_MS);
  delivery = only_delivery (f, wait.message_id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_RETRY);
  g_assert_nonnull (delivery->last_error);
  before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (delivery->next_attempt_at, >=, before + YQ_PUSH_BACKOFF_FIRST / 2);
  g_assert_cmpuint (n_records (f, "zwdd.notification"), ==, 0);

  /* Not before the backoff is over, even when woken. */
  set_faults (f, 0, 0, 0);
  yq_push_dispatcher_wake (f->dispatcher);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_clear_pointer (&delivery, yq_delivery_free);
  delivery = only_delivery (f, wait.message_id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_RETRY);

  /* The backoff over, the next attempt gets through. */
  yq_push_dispatcher_set_clock_offset (f->dispatcher, (YQ_PUSH_BACKOFF_FIRST + 1) * 1000);
  yq_push_dispatcher_wake (f->dispatcher);
  wait.attempts = 2;
  wait_for (f, attempt_over, &wait, YQ_TEST_TIMEOUT_MS);
  g_clear_pointer (&delivery, yq_delivery_free);
  delivery = only_delivery (f, wait.message_id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_DELIVERED);
  g_assert_cmpuint (n_records (f, "zwdd.notification"), ==, 1);

  /* Failing every time: dead after the budget. */
  set_faults (f, 1.0, 0, 0);
  second = message_new ("r-2", "考勤", YQ_PUSH_EVENT_NOTIFICATION, "补卡提醒", "wangwu", NULL);
  second->content = g_strdup ("请补卡。");
  wait.message_id = accept (f, second);
  for (wait.attempts = 1; wait.attempts <= YQ_PUSH_MAX_ATTEMPTS; wait.attempts++)
    {
      wait_for (f, attempt_over, &wait, YQ_TEST_TIMEOUT_MS);
      g_clear_pointer (&delivery, yq_delivery_free);
      delivery = only_delivery (f, wait.message_id);
      if (wait.attempts < YQ_PUSH_MAX_ATTEMPTS)
        g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_RETRY);
      yq_push_dispatcher_set_clock_offset (f->dispatcher,
                                           yq_push_dispatcher_get_clock_offset (f->dispatcher) +
                                           (YQ_PUSH_BACKOFF_MAX + 1) * 1000);
      yq_push_dispatcher_wake (f->dispatcher);
    }
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_DEAD);
  g_assert_cmpuint (delivery->attempts, ==, YQ_PUSH_MAX_ATTEMPTS);
  g_assert_nonnull (delivery->last_error);
  g_assert_cmpuint (n_records (f, "zwdd.notification"), ==, 1);
}

/* A request the platform can never take is dead at once. */
static void
test_final (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(YqPushMessage) message = NULL;
  g_autoptr(YqDelivery) delivery = NULL;
  g_autoptr(GString) url = g_string_new ("https://oa.example.gov.cn/doc?q=");
  gint64 id;

  /* Title and link alone exceed the 2048 bytes of a work notification. */
  while (url->len < 2000)
    g_string_append (url, "abcdefghij");
  add_rule (f, "公告", TRUE, FALSE, YQ_PUSH_KIND_NOTIFICATION);
  message = message_new ("f-1", "公告", YQ_PUSH_EVENT_NOTIFICATION, "很长的公告", "lisi", NULL);
  message->url = g_strdup (url->str);

  start (f);
  id = accept (f, message);
  wait_for (f, settled, &id, YQ_TEST_TIMEOUT_MS);
  delivery = only_delivery (f, id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_DEAD);
  g_assert_cmpuint (delivery->attempts, ==, 1);
  g_assert_nonnull (strstr (delivery->last_error, "2048"));
  g_assert_cmpuint (yq_sim_server_get_request_count (f->sim, "/message/workNotification"), ==, 0);
  g_assert_cmpuint (yq_push_dispatcher_get_n_done (f->dispatcher), ==, 1);
}

typedef struct
{
  gint64 *ids;
  guint   n;
} Messages;

static gboolean
all_settled (Fixture  *f,
             gpointer  data)
{
  Messages *messages = data;

  for (guint i = 0; i < messages->n; i++)
    if (!settled (f, &messages->ids[i]))
      return FALSE;

  return TRUE;
}

/* The connector's QPS paces the calls: the simulator, limiting at the
 * same rate, refuses none. */
static void
test_qps (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) counters = NULL;
  gint64 ids[30];
  Messages messages = { ids, G_N_ELEMENTS (ids) };
  gint64 started;

  connector = yq_connectors_get (f->store, f->zwdd_connector, &error);
  g_assert_no_error (error);
  yq_connector_set_qps (connector, 5);
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, NULL, NULL, &error));
  g_assert_no_error (error);

  add_rule (f, "日报", TRUE, FALSE, YQ_PUSH_KIND_NOTIFICATION);
  set_faults (f, 0, 5, 0);
  yq_sim_server_reset_counters (f->sim);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *key = g_strdup_printf ("q-%u", i);
      g_autofree char *title = g_strdup_printf ("日报 %u", i);
      g_autoptr(YqPushMessage) message = NULL;

      message = message_new (key, "日报", YQ_PUSH_EVENT_NOTIFICATION, title,
                             oa_accounts[i % G_N_ELEMENTS (oa_accounts)], NULL);
      message->content = g_strdup_printf ("第 %u 份日报已提交。", i);
      ids[i] = accept (f, message);
    }

  started = g_get_monotonic_time ();
  start (f);
  wait_for (f, all_settled, &messages, 3 * YQ_TEST_TIMEOUT_MS);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpuint (count_of (f, ids[i], 1u << YQ_DELIVERY_DELIVERED), ==, 1);
  g_assert_cmpuint (n_records (f, "zwdd.notification"), ==, G_N_ELEMENTS (ids));
  /* 30 calls at 5 per second take several seconds. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 4 * G_USEC_PER_SEC);

  counters = yq_sim_server_counters_to_json (f->sim);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (counters), "throttled"), ==,
                   0);
}

static gboolean
both_sent (Fixture  *f,
           gpointer  data)
{
  return n_records (f, "zwdd.notification") == 1 && n_records (f, "yzj.message") == 1;
}

/* A crash after the platforms took the message but before the answers
 * came back: the next start resumes the attempt, and each recipient still
 * gets the message once. */
static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(YqPushMessage) message = NULL;
  g_autoptr(JsonArray) yzj = NULL;
  gint64 id;

  add_rule (f, "督办", TRUE, TRUE, YQ_PUSH_KIND_NOTIFICATION);
  message = message_new ("c-1", "督办", YQ_PUSH_EVENT_NOTIFICATION, "督办事项",
                         "zhangsan", "lisi", "wangwu", NULL);
  message->content = g_strdup ("请于周五前办结。");
  message->url = g_strdup ("https://oa.example.gov.cn/task?id=9");

  /* The answers are held back long enough to stop in between. */
  set_faults (f, 0, 0, 3000);
  start (f);
  id = accept (f, message);
  wait_for (f, both_sent, NULL, YQ_TEST_TIMEOUT_MS);
  yq_push_dispatcher_stop (f->dispatcher);
  g_clear_object (&f->dispatcher);
  g_assert_cmpuint (count_of (f, id, 1u << YQ_DELIVERY_SENDING), ==, 6);

  set_faults (f, 0, 0, 0);
  f->dispatcher = new_dispatcher (f);
  start (f);
  wait_for (f, settled, &id, YQ_TEST_TIMEOUT_MS);

  g_assert_cmpuint (count_of (f, id, 1u << YQ_DELIVERY_DELIVERED), ==, 6);
  /* Both were sent again, and refused as duplicates. */
  g_assert_cmpuint (yq_sim_server_get_request_count (f->sim, "/message/workNotification"), ==, 2);
  g_assert_cmpuint (yq_sim_server_get_request_count (f->sim, "/pubacc/pubsendV2"), ==, 2);
  g_assert_cmpuint (n_records (f, "zwdd.notification"), ==, 1);
  yzj = records (f, "yzj.message");
  g_assert_cmpuint (json_array_get_length (yzj), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_array_get_object_element (yzj, 0), "recipients")), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/push-dispatch/notification", Fixture, NULL, fixture_setup, test_notification,
              fixture_teardown);
  g_test_add ("/push-dispatch/todo", Fixture, NULL, fixture_setup, test_todo, fixture_teardown);
  g_test_add ("/push-dispatch/retry", Fixture, NULL, fixture_setup, test_retry, fixture_teardown);
  g_test_add ("/push-dispatch/final", Fixture, NULL, fixture_setup, test_final, fixture_teardown);
  g_test_add ("/push-dispatch/qps", Fixture, NULL, fixture_setup, test_qps, fixture_teardown);
  g_test_add ("/push-dispatch/resume", Fixture, NULL, fixture_setup, test_resume,
              fixture_teardown);

  return g_test_run ();
}
