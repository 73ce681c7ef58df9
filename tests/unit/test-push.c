/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Message push (yq-push.h, yq-push-inbox.h): rules with targets and their
 * public-account keys, intake tokens, message parsing, the intake with
 * routing, bindings and idempotency, and the deliveries queue (claim,
 * finish, backoff, recover, retry now, todo events, the log).
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "yunqiao-core.h"
#include "yq-bridge-directory.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"

#define PUB_KEY "PubKey-SECRET-0001"
#define PUB_KEY_2 "PubKey-SECRET-0002"
#define NOW G_GINT64_CONSTANT (1800000000)

typedef struct
{
  char      *dir;
  YqStore   *store;
  YqSecrets *secrets;
  gint64     zwdd_id;
  gint64     yzj_id;
  gint64     zwdd_app;
  gint64     yzj_app;
} Fixture;

static gint64
add_connector (Fixture           *f,
               YqConnectorPreset  preset,
               const char        *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (preset);

  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, "100200");
  yq_connector_set_app_key (connector, "app-key-1");
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, "connector-secret",
                                     "dir-secret", &error));
  g_assert_no_error (error);

  return yq_connector_get_id (connector);
}

static gint64
add_app (Fixture    *f,
         gint64      connector_id,
         const char *name,
         gint64      entry_point_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqApp) app = yq_app_new ();
  gint64 id;

  app->connector_id = connector_id;
  app->name = g_strdup (name);
  app->app_key = g_strdup ("dingabc123");
  app->target = YQ_APP_TARGET_ENTRY_POINT;
  app->entry_point_id = entry_point_id;
  id = yq_apps_add (f->store, f->secrets, app, "app-secret", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  return id;
}

static void
raw_exec (YqStore    *store,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (yq_store_get_db (store), sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
count_rows (YqStore    *store,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return n;
}

/* A person of @connector_id, bound to @oa_account when not NULL. */
static void
put_person (Fixture    *f,
            gint64      connector_id,
            const char *id,
            const char *account_id,
            const char *oa_account,
            gboolean    active)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (id, id);
  g_autoptr(GError) error = NULL;

  person->account_id = g_strdup (account_id);
  person->active = active;
  g_assert_true (yq_bridge_directory_put_person (f->store, connector_id, person, &error));
  g_assert_no_error (error);

  if (oa_account != NULL)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE bridge_people SET oa_account = '%s', "
                                              "bound_at = 1, bind_source = 'manual' "
                                              "WHERE connector_id = %lld AND platform_id = '%s'",
                                              oa_account, (long long) connector_id, id);
      raw_exec (f->store, sql);
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 entry_point;

  f->dir = g_dir_make_tmp ("yq-test-push-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (yq_secrets_get_backend_name (f->secrets), ==, "file");

  f->zwdd_id = add_connector (f, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙政钉");
  f->yzj_id = add_connector (f, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "云之家");
  entry_point = yq_entry_points_add (f->store, "OA 首页", "https://oa.example.gov.cn/", &error);
  g_assert_no_error (error);
  f->zwdd_app = add_app (f, f->zwdd_id, "待办应用", entry_point);
  f->yzj_app = add_app (f, f->yzj_id, "云之家应用", entry_point);

  /* 政务钉钉: zhangsan and lisi bound and active (lisi without accountId),
   * wangwu bound but disabled, zhaoliu deleted, p5 not bound. */
  put_person (f, f->zwdd_id, "p1", "acc1", "zhangsan", TRUE);
  put_person (f, f->zwdd_id, "p2", NULL, "lisi", TRUE);
  put_person (f, f->zwdd_id, "p3", "acc3", "wangwu", FALSE);
  put_person (f, f->zwdd_id, "p4", "acc4", "zhaoliu", TRUE);
  raw_exec (f->store, "UPDATE bridge_people SET deleted_at = 5 WHERE platform_id = 'p4'");
  put_person (f, f->zwdd_id, "p5", "acc5", NULL, TRUE);
  /* 云之家: only zhangsan. */
  put_person (f, f->yzj_id, "y1", "open-y1", "zhangsan", TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->secrets);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
}

static YqPushTarget *
make_target (gint64      connector_id,
             gint64      app_id,
             YqPushKind  kind,
             const char *pub_id,
             const char *pub_key)
{
  YqPushTarget *target = yq_push_target_new ();

  target->connector_id = connector_id;
  target->app_id = app_id;
  target->kind = kind;
  target->yzj_pub_id = g_strdup (pub_id);
  target->yzj_pub_key = g_strdup (pub_key);

  return target;
}

static YqPushRule *
make_rule (const char *name,
           const char *source)
{
  YqPushRule *rule = yq_push_rule_new ();

  rule->name = g_strdup (name);
  rule->source = g_strdup (source);
  rule->enabled = TRUE;

  return rule;
}

static gint64
save_rule (Fixture    *f,
           YqPushRule *rule)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_push_rules_save (f->store, f->secrets, rule, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rule->id, >, 0);

  return rule->id;
}

static char *
lookup_secret (Fixture *f,
               gint64   target_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_strdup_printf ("push-target-%lld-pubkey", (long long) target_id);
  char *value = yq_secrets_lookup (f->secrets, key, &error);

  g_assert_no_error (error);
  return value;
}

static gint64
audit_mentions (Fixture    *f,
                const char *text)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM audit_log WHERE "
                                          "instr (detail, '%s') > 0 OR instr (subject, '%s') > 0",
                                          text, text);

  return count_rows (f->store, sql);
}

/* Rules */

static void
test_rules (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("审批提醒", "审批");
  g_autoptr(YqPushRule) loaded = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *key = NULL;
  YqPushTarget *zwdd;
  YqPushTarget *yzj;
  gint64 yzj_target;

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, f->zwdd_app, YQ_PUSH_KIND_TODO, NULL,
                                               NULL));
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_NOTIFICATION, "XT-1001",
                                               PUB_KEY));
  save_rule (f, rule);
  zwdd = g_ptr_array_index (rule->targets, 0);
  yzj = g_ptr_array_index (rule->targets, 1);
  g_assert_cmpint (zwdd->id, >, 0);
  g_assert_cmpint (yzj->id, >, 0);
  g_assert_false (zwdd->has_pub_key);
  g_assert_true (yzj->has_pub_key);
  yzj_target = yzj->id;

  stored = lookup_secret (f, yzj_target);
  g_assert_cmpstr (stored, ==, PUB_KEY);
  key = yq_push_target_get_pub_key (f->store, f->secrets, yzj_target, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, PUB_KEY);
  g_clear_pointer (&key, g_free);
  g_assert_null (yq_push_target_get_pub_key (f->store, f->secrets, zwdd->id, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (audit_mentions (f, PUB_KEY), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM audit_log "
                                         "WHERE action = 'push-rule.add'"), ==, 1);

  loaded = yq_push_rules_get (f->store, rule->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->name, ==, "审批提醒");
  g_assert_cmpstr (loaded->source, ==, "审批");
  g_assert_true (loaded->enabled);
  g_assert_cmpuint (loaded->targets->len, ==, 2);
  zwdd = g_ptr_array_index (loaded->targets, 0);
  yzj = g_ptr_array_index (loaded->targets, 1);
  g_assert_cmpint (zwdd->app_id, ==, f->zwdd_app);
  g_assert_cmpint (zwdd->kind, ==, YQ_PUSH_KIND_TODO);
  g_assert_null (zwdd->yzj_pub_id);
  g_assert_cmpint (yzj->app_id, ==, 0);
  g_assert_cmpstr (yzj->yzj_pub_id, ==, "XT-1001");
  g_assert_null (yzj->yzj_pub_key);
  g_assert_true (yzj->has_pub_key);

  /* Update: the key is kept when not given, replaced when given. */
  g_free (loaded->name);
  loaded->name = g_strdup ("审批通知");
  g_clear_pointer (&loaded->source, g_free);
  loaded->enabled = FALSE;
  yzj->yzj_pub_id = (g_free (yzj->yzj_pub_id), g_strdup ("XT-1002"));
  save_rule (f, loaded);
  g_clear_pointer (&stored, g_free);
  stored = lookup_secret (f, yzj_target);
  g_assert_cmpstr (stored, ==, PUB_KEY);
  yzj->yzj_pub_key = g_strdup (PUB_KEY_2);
  save_rule (f, loaded);
  g_clear_pointer (&stored, g_free);
  stored = lookup_secret (f, yzj_target);
  g_assert_cmpstr (stored, ==, PUB_KEY_2);
  g_assert_cmpint (audit_mentions (f, PUB_KEY_2), ==, 0);

  rules = yq_push_rules_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rules->len, ==, 1);
  {
    YqPushRule *listed = g_ptr_array_index (rules, 0);

    g_assert_cmpstr (listed->name, ==, "审批通知");
    g_assert_null (listed->source);
    g_assert_false (listed->enabled);
    g_assert_cmpstr (((YqPushTarget *) g_ptr_array_index (listed->targets, 1))->yzj_pub_id, ==,
                     "XT-1002");
  }

  /* Removing the 云之家 target clears its key. */
  g_ptr_array_remove_index (loaded->targets, 1);
  save_rule (f, loaded);
  g_clear_pointer (&stored, g_free);
  stored = lookup_secret (f, yzj_target);
  g_assert_null (stored);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_targets"), ==, 1);

  /* Removing the rule removes its targets and keys. */
  yzj = make_target (f->yzj_id, f->yzj_app, YQ_PUSH_KIND_NOTIFICATION, "XT-1003", PUB_KEY);
  g_ptr_array_add (loaded->targets, yzj);
  save_rule (f, loaded);
  yzj_target = yzj->id;
  stored = lookup_secret (f, yzj_target);
  g_assert_cmpstr (stored, ==, PUB_KEY);
  g_assert_true (yq_push_rules_remove (f->store, f->secrets, loaded->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, g_free);
  stored = lookup_secret (f, yzj_target);
  g_assert_null (stored);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_targets"), ==, 0);
  g_assert_null (yq_push_rules_get (f->store, loaded->id, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_push_rules_remove (f->store, f->secrets, loaded->id, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
}

static void
expect_save_error (Fixture    *f,
                   YqPushRule *rule,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  gint64 id = rule->id;

  g_assert_false (yq_push_rules_save (f->store, f->secrets, rule, &error));
  g_assert_error (error, YQ_PUSH_ERROR, code);
  g_assert_cmpint (rule->id, ==, id);
  g_test_message ("refused: %s", error->message);
}

static void
test_rule_validation (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushRule) rule = NULL;

  /* No targets, empty name. */
  rule = make_rule ("规则", NULL);
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  g_free (rule->name);
  rule->name = g_strdup ("  ");
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_free (rule->name);
  rule->name = g_strdup ("规则");

  /* A 云之家 notification needs the public-account number and key. */
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               PUB_KEY));
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_ptr_array_remove_index (rule->targets, 1);
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_NOTIFICATION, "XT-1",
                                               NULL));
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_ptr_array_remove_index (rule->targets, 1);

  /* 政务钉钉 has no public accounts; 云之家 todos neither. */
  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, "XT-1",
                                               PUB_KEY));
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_ptr_array_remove_index (rule->targets, 1);
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_TODO, "XT-1", NULL));
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_ptr_array_remove_index (rule->targets, 1);

  /* The app of another connector, an unknown connector. */
  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, f->yzj_app, YQ_PUSH_KIND_TODO, NULL,
                                               NULL));
  expect_save_error (f, rule, YQ_PUSH_ERROR_INVALID);
  g_ptr_array_remove_index (rule->targets, 1);
  g_ptr_array_add (rule->targets, make_target (9999, 0, YQ_PUSH_KIND_TODO, NULL, NULL));
  expect_save_error (f, rule, YQ_PUSH_ERROR_NOT_FOUND);
  g_ptr_array_remove_index (rule->targets, 1);

  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_rules"), ==, 0);
}

/* The time of a target's last work-notification call is kept across
 * saves of its rule, and never goes back. */
static void
test_target_last_call (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("通知", NULL);
  g_autoptr(YqPushRule) read = NULL;
  YqPushTarget *target;

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  save_rule (f, rule);
  target = g_ptr_array_index (rule->targets, 0);

  read = yq_push_rules_get (f->store, rule->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((YqPushTarget *) g_ptr_array_index (read->targets, 0))->last_call_ms, ==, 0);
  g_clear_pointer (&read, yq_push_rule_free);

  g_assert_true (yq_push_target_note_call (f->store, target->id, NOW * 1000 + 5, &error));
  g_assert_no_error (error);
  g_assert_true (yq_push_target_note_call (f->store, target->id, NOW * 1000 - 60000, &error));
  g_assert_no_error (error);
  /* A target that is gone: nothing to note, no error. */
  g_assert_true (yq_push_target_note_call (f->store, target->id + 100, NOW * 1000, &error));
  g_assert_no_error (error);

  target->zwdd_spacing = 60;
  save_rule (f, rule);
  read = yq_push_rules_get (f->store, rule->id, &error);
  g_assert_no_error (error);
  target = g_ptr_array_index (read->targets, 0);
  g_assert_cmpuint (target->zwdd_spacing, ==, 60);
  g_assert_cmpint (target->last_call_ms, ==, NOW * 1000 + 5);
}

static void
test_rule_duplicate_and_app (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("Daily", "日报");
  g_autoptr(YqPushRule) other = make_rule ("DAILY", NULL);

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, f->zwdd_app, YQ_PUSH_KIND_TODO, NULL,
                                               NULL));
  save_rule (f, rule);
  g_ptr_array_add (other->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_TODO, NULL, NULL));
  expect_save_error (f, other, YQ_PUSH_ERROR_DUPLICATE);

  /* A target ID of another rule is refused. */
  g_free (other->name);
  other->name = g_strdup ("Weekly");
  ((YqPushTarget *) g_ptr_array_index (other->targets, 0))->id =
    ((YqPushTarget *) g_ptr_array_index (rule->targets, 0))->id;
  expect_save_error (f, other, YQ_PUSH_ERROR_NOT_FOUND);

  /* The app used by the target cannot be removed. */
  g_assert_false (yq_apps_remove (f->store, f->secrets, f->zwdd_app, &error));
  g_assert_error (error, YQ_APPS_ERROR, YQ_APPS_ERROR_IN_USE);
  g_assert_nonnull (strstr (error->message, "Daily"));
  g_clear_error (&error);

  /* Removing the connector removes the target. */
  g_assert_true (yq_push_rules_remove (f->store, f->secrets, rule->id, &error));
  g_assert_no_error (error);
  g_assert_true (yq_apps_remove (f->store, f->secrets, f->zwdd_app, &error));
  g_assert_no_error (error);
}

/* Tokens */

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  for (gsize i = 0; i + strlen (needle) <= length; i++)
    if (memcmp (contents + i, needle, strlen (needle)) == 0)
      return TRUE;

  return FALSE;
}

static void
test_tokens (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token2 = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *forged = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autofree char *refusal = NULL;
  YqPushToken *listed;
  gint64 id = 0;
  gint64 id2 = 0;

  token = yq_push_tokens_create (f->store, "OA 生产", &id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (g_str_has_prefix (token, "yqp_"));
  g_assert_cmpuint (strlen (token), ==, 4 + 43);
  for (const char *p = token + 4; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');

  token2 = yq_push_tokens_create (f->store, "OA 测试", &id2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, token2);

  g_assert_null (yq_push_tokens_create (f->store, "oa 生产", NULL, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_null (yq_push_tokens_create (f->store, "", NULL, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID);
  g_clear_error (&error);

  tokens = yq_push_tokens_list (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tokens->len, ==, 2);
  listed = g_ptr_array_index (tokens, 0);
  g_assert_cmpint (listed->id, ==, id2);
  listed = g_ptr_array_index (tokens, 1);
  g_assert_cmpint (listed->id, ==, id);
  g_assert_cmpstr (listed->name, ==, "OA 生产");
  g_assert_cmpuint (strlen (listed->prefix), ==, 8);
  g_assert_true (strncmp (listed->prefix, token + 4, 8) == 0);
  g_assert_cmpint (listed->last_used_at, ==, 0);
  g_assert_cmpint (listed->revoked_at, ==, 0);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  g_assert_cmpint (yq_push_tokens_verify (f->store, token, NOW, &error), ==, id);
  g_assert_no_error (error);
  g_assert_cmpint (yq_push_tokens_verify (f->store, token2, NOW + 1, &error), ==, id2);
  g_assert_no_error (error);
  tokens = yq_push_tokens_list (f->store, &error);
  g_assert_cmpint (((YqPushToken *) g_ptr_array_index (tokens, 1))->last_used_at, ==, NOW);
  g_assert_cmpint (((YqPushToken *) g_ptr_array_index (tokens, 0))->last_used_at, ==, NOW + 1);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  /* The last use is kept to the minute. */
  g_assert_cmpint (yq_push_tokens_verify (f->store, token, NOW + 59, &error), ==, id);
  tokens = yq_push_tokens_list (f->store, &error);
  g_assert_cmpint (((YqPushToken *) g_ptr_array_index (tokens, 1))->last_used_at, ==, NOW);
  g_clear_pointer (&tokens, g_ptr_array_unref);
  g_assert_cmpint (yq_push_tokens_verify (f->store, token, NOW + 60, &error), ==, id);
  tokens = yq_push_tokens_list (f->store, &error);
  g_assert_cmpint (((YqPushToken *) g_ptr_array_index (tokens, 1))->last_used_at, ==, NOW + 60);
  g_clear_pointer (&tokens, g_ptr_array_unref);

  /* Every refusal has the same message. */
  forged = g_strdup (token);
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  g_assert_cmpint (yq_push_tokens_verify (f->store, forged, NOW, &error), ==, 0);
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_UNAUTHORIZED);
  refusal = g_strdup (error->message);
  g_clear_error (&error);
  g_assert_cmpint (yq_push_tokens_verify (f->store, NULL, NOW, &error), ==, 0);
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, refusal);
  g_clear_error (&error);
  g_assert_cmpint (yq_push_tokens_verify (f->store, "Bearer", NOW, &error), ==, 0);
  g_assert_cmpstr (error->message, ==, refusal);
  g_clear_error (&error);

  g_assert_true (yq_push_tokens_revoke (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (yq_push_tokens_verify (f->store, token, NOW + 5, &error), ==, 0);
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, refusal);
  g_clear_error (&error);
  g_assert_cmpint (yq_push_tokens_verify (f->store, token2, NOW + 6, &error), ==, id2);
  g_assert_no_error (error);
  tokens = yq_push_tokens_list (f->store, &error);
  listed = g_ptr_array_index (tokens, 1);
  g_assert_cmpint (listed->revoked_at, >, 0);
  g_assert_cmpint (listed->last_used_at, ==, NOW + 60);
  g_assert_false (yq_push_tokens_revoke (f->store, 4242, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Only the hash is stored: not in the database, its journal, or the
   * audit log. */
  g_assert_cmpint (audit_mentions (f, token + 4), ==, 0);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM audit_log "
                                         "WHERE action = 'push-token.create'"), ==, 2);
  g_assert_false (file_contains (yq_store_get_path (f->store), token + 4));
  g_assert_false (file_contains (yq_store_get_path (f->store), token2 + 4));
  wal = g_strconcat (yq_store_get_path (f->store), "-wal", NULL);
  g_assert_false (file_contains (wal, token + 4));
  g_assert_false (file_contains (wal, token2 + 4));
  {
    g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM push_tokens WHERE sha256 = '%s'",
                                            hash);

    g_assert_cmpint (count_rows (f->store, sql), ==, 1);
  }
}

/* Parsing */

static YqPushMessage *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  YqPushMessage *message = yq_push_message_parse (json, strlen (json), &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);

  return message;
}

static void
test_parse_valid (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(YqPushMessage) notification = NULL;
  g_autoptr(YqPushMessage) todo = NULL;
  g_autoptr(YqPushMessage) done = NULL;
  g_autoptr(YqPushMessage) cancelled = NULL;
  g_autoptr(YqPushMessage) again = NULL;
  g_autofree char *json = NULL;

  notification = parse ("{\"idempotency_key\": \"k-1\", \"source\": \"日报\", "
                        "\"kind\": \"notification\", \"title\": \"今日日报\", "
                        "\"content\": \"第一行\\n第二行\", \"url\": \"https://oa.example.cn/r/1\", "
                        "\"mobile_url\": null, \"recipients\": [\"zhangsan\", \"ZhangSan\", "
                        "\"lisi\"]}");
  g_assert_cmpstr (notification->idempotency_key, ==, "k-1");
  g_assert_cmpstr (notification->source, ==, "日报");
  g_assert_cmpint (notification->event, ==, YQ_PUSH_EVENT_NOTIFICATION);
  g_assert_cmpstr (notification->content, ==, "第一行\n第二行");
  g_assert_null (notification->mobile_url);
  g_assert_null (notification->todo_id);
  g_assert_cmpuint (g_strv_length (notification->recipients), ==, 2);
  g_assert_cmpstr (notification->recipients[1], ==, "lisi");

  json = yq_push_message_to_json (notification);
  g_assert_cmpstr (json, ==,
                   "{\"idempotency_key\":\"k-1\",\"source\":\"日报\",\"kind\":\"notification\","
                   "\"title\":\"今日日报\",\"content\":\"第一行\\n第二行\","
                   "\"url\":\"https://oa.example.cn/r/1\",\"recipients\":[\"zhangsan\",\"lisi\"]}");
  again = parse (json);
  g_clear_pointer (&json, g_free);
  json = yq_push_message_to_json (again);
  {
    g_autofree char *first = yq_push_message_to_json (notification);

    g_assert_cmpstr (json, ==, first);
  }

  todo = parse ("{\"kind\": \"todo\", \"idempotency_key\": \"k-2\", \"source\": \"审批\", "
                "\"title\": \"请审批\", \"url\": \"http://oa.example.cn/t/2\", "
                "\"recipients\": [\"zhangsan\"], \"creator\": \"boss\", \"due\": 1800003600}");
  g_assert_cmpint (todo->event, ==, YQ_PUSH_EVENT_TODO);
  g_assert_cmpstr (todo->todo_id, ==, "k-2");
  g_assert_cmpstr (todo->creator, ==, "boss");
  g_assert_cmpint (todo->due_time, ==, 1800003600);
  g_clear_pointer (&json, g_free);
  json = yq_push_message_to_json (todo);
  g_assert_cmpstr (json, ==,
                   "{\"idempotency_key\":\"k-2\",\"source\":\"审批\",\"kind\":\"todo\","
                   "\"title\":\"请审批\",\"url\":\"http://oa.example.cn/t/2\","
                   "\"recipients\":[\"zhangsan\"],\"todo_id\":\"k-2\",\"creator\":\"boss\","
                   "\"due\":1800003600}");

  done = parse ("{\"idempotency_key\": \"k-3\", \"source\": \"审批\", \"kind\": \"todo.done\", "
                "\"todo_id\": \"wf-9\"}");
  g_assert_cmpint (done->event, ==, YQ_PUSH_EVENT_TODO_DONE);
  g_assert_cmpstr (done->todo_id, ==, "wf-9");
  g_assert_null (done->recipients);
  g_assert_null (done->title);

  cancelled = parse ("{\"idempotency_key\": \"k-4\", \"source\": \"审批\", "
                     "\"kind\": \"todo.cancelled\", \"todo_id\": \"wf-9\", "
                     "\"recipients\": [\"lisi\"], \"content\": \"\"}");
  g_assert_cmpint (cancelled->event, ==, YQ_PUSH_EVENT_TODO_CANCELLED);
  g_assert_cmpstr (cancelled->recipients[0], ==, "lisi");
  g_assert_null (cancelled->content);
}

static void
test_parse_invalid (Fixture       *f,
                    gconstpointer  data)
{
#define BASE "\"idempotency_key\": \"k\", \"source\": \"s\", "
  static const struct
  {
    const char *json;
    int         code;
  } cases[] = {
    { "", YQ_PUSH_ERROR_INVALID },
    { "{", YQ_PUSH_ERROR_INVALID },
    { "[1]", YQ_PUSH_ERROR_INVALID },
    { "\"text\"", YQ_PUSH_ERROR_INVALID },
    /* Missing members */
    { "{\"source\": \"s\", \"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"]}",
      YQ_PUSH_ERROR_INVALID },
    { "{\"idempotency_key\": \"k\", \"kind\": \"notification\", \"title\": \"t\", "
      "\"recipients\": [\"a\"]}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"title\": \"t\", \"recipients\": [\"a\"]}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"recipients\": [\"a\"]}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": []}",
      YQ_PUSH_ERROR_INVALID },
    /* Unknown member, unknown kind */
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
      "\"recipient\": \"a\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notice\", \"title\": \"t\", \"recipients\": [\"a\"]}",
      YQ_PUSH_ERROR_INVALID },
    /* Wrong types */
    { "{" BASE "\"kind\": \"notification\", \"title\": 5, \"recipients\": [\"a\"]}",
      YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": \"a\"}",
      YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\", 1]}",
      YQ_PUSH_ERROR_INVALID },
    { "{\"idempotency_key\": 7, \"source\": \"s\", \"kind\": \"notification\", \"title\": \"t\", "
      "\"recipients\": [\"a\"]}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"todo\", \"title\": \"t\", \"url\": \"https://a.cn/\", "
      "\"recipients\": [\"a\"], \"due\": \"tomorrow\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"todo\", \"title\": \"t\", \"url\": \"https://a.cn/\", "
      "\"recipients\": [\"a\"], \"due\": 1.5}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"a\\u0001b\", \"recipients\": [\"a\"]}",
      YQ_PUSH_ERROR_INVALID },
    /* URLs */
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
      "\"url\": \"javascript:alert(1)\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
      "\"mobile_url\": \"ftp://a.cn/x\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
      "\"url\": \"/relative\"}", YQ_PUSH_ERROR_INVALID },
    /* Todos need a URL; todo events a todo_id */
    { "{" BASE "\"kind\": \"todo\", \"title\": \"t\", \"recipients\": [\"a\"]}",
      YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"todo.done\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"todo.cancelled\", \"recipients\": [\"a\"]}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
      "\"todo_id\": \"x\"}", YQ_PUSH_ERROR_INVALID },
    { "{" BASE "\"kind\": \"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
      "\"due\": 100}", YQ_PUSH_ERROR_INVALID },
  };
#undef BASE

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(YqPushMessage) message = NULL;

      g_test_message ("case %u: %s", i, cases[i].json);
      message = yq_push_message_parse (cases[i].json, strlen (cases[i].json), &error);
      g_assert_null (message);
      g_assert_error (error, YQ_PUSH_ERROR, cases[i].code);
    }

  /* Limits: too long title, content, key, URL; too many recipients; too
   * large a body. */
  {
    g_autoptr(GString) body = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *title = NULL;
    g_autofree char *key = g_strnfill (YQ_PUSH_MAX_KEY + 1, 'k');
    g_autofree char *path = g_strnfill (YQ_PUSH_MAX_URL, 'p');
    g_autofree char *big = g_strnfill (YQ_PUSH_MAX_BODY, ' ');
    GString *long_title = g_string_new (NULL);
    YqPushMessage *message;

    for (guint i = 0; i <= YQ_PUSH_MAX_TITLE; i++)
      g_string_append (long_title, "题");
    title = g_string_free (long_title, FALSE);

    body = g_string_new (NULL);
    g_string_printf (body, "{\"idempotency_key\": \"k\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"%s\", \"recipients\": [\"a\"]}", title);
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    /* Exactly at the limit passes. */
    g_string_printf (body, "{\"idempotency_key\": \"k\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"%s\", \"recipients\": [\"a\"]}",
                     g_utf8_substring (title, 0, YQ_PUSH_MAX_TITLE));
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_no_error (error);
    yq_push_message_free (message);

    g_string_printf (body, "{\"idempotency_key\": \"%s\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"recipients\": [\"a\"]}", key);
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_string_printf (body, "{\"idempotency_key\": \"k\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"recipients\": [\"a\"], "
                     "\"url\": \"https://a.cn/%s\"}", path);
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_string_assign (body, "{\"idempotency_key\": \"k\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"content\": \"");
    for (guint i = 0; i <= YQ_PUSH_MAX_CONTENT; i++)
      g_string_append (body, "字");
    g_string_append (body, "\", \"recipients\": [\"a\"]}");
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_string_assign (body, "{\"idempotency_key\": \"k\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"recipients\": [");
    for (guint i = 0; i <= YQ_PUSH_MAX_RECIPIENTS; i++)
      g_string_append_printf (body, "%s\"u%u\"", i > 0 ? ", " : "", i);
    g_string_append (body, "]}");
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_string_printf (body, "{\"idempotency_key\": \"k\", \"source\": \"%s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"recipients\": [\"%s\"]}", "s", key);
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_string_printf (body, "{\"idempotency_key\": \"k\", \"source\": \"%s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"recipients\": [\"a\"]}", key);
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
    g_clear_error (&error);

    g_string_printf (body, "{\"idempotency_key\": \"k\", \"source\": \"s\", \"kind\": "
                     "\"notification\", \"title\": \"t\", \"recipients\": [\"a\"]}%s", big);
    message = yq_push_message_parse (body->str, body->len, &error);
    g_assert_null (message);
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE);
  }
}

/* Intake */

static YqPushIntake *
accept_json (Fixture    *f,
             const char *json,
             gint64      only_rule_id)
{
  g_autoptr(YqPushMessage) message = parse (json);
  g_autoptr(GError) error = NULL;
  YqPushIntake *intake = yq_push_inbox_accept (f->store, 1, message, only_rule_id, NOW, &error);

  g_assert_no_error (error);
  g_assert_nonnull (intake);

  return intake;
}

static char *
notification_json (const char *key,
                   const char *source,
                   const char *recipients)
{
  return g_strdup_printf ("{\"idempotency_key\": \"%s\", \"source\": \"%s\", "
                          "\"kind\": \"notification\", \"title\": \"标题\", "
                          "\"recipients\": [%s]}",
                          key, source, recipients);
}

static GPtrArray *
list_all (Fixture *f,
          gint64   message_id)
{
  g_autoptr(GError) error = NULL;
  YqDeliveryFilter filter = { 0 };
  GPtrArray *list;

  filter.message_id = message_id;
  list = yq_push_deliveries_list (f->store, &filter, NULL, &error);
  g_assert_no_error (error);

  return list;
}

static const YqDelivery *
find_delivery (GPtrArray  *list,
               gint64      connector_id,
               const char *oa_account)
{
  for (guint i = 0; i < list->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (list, i);

      if (delivery->connector_id == connector_id && g_str_equal (delivery->oa_account, oa_account))
        return delivery;
    }

  return NULL;
}

static void
add_routing_rules (Fixture *f,
                   gint64  *approval,
                   gint64  *all,
                   gint64  *disabled)
{
  g_autoptr(YqPushRule) a = make_rule ("审批", "审批");
  g_autoptr(YqPushRule) b = make_rule ("全部", NULL);
  g_autoptr(YqPushRule) c = make_rule ("停用", "审批");

  g_ptr_array_add (a->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL, NULL));
  g_ptr_array_add (b->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_NOTIFICATION, "XT-1",
                                            PUB_KEY));
  g_ptr_array_add (c->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL, NULL));
  c->enabled = FALSE;
  *approval = save_rule (f, a);
  *all = save_rule (f, b);
  *disabled = save_rule (f, c);
}

static void
test_accept_routing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(YqPushIntake) replay = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(YqPushMessage) stored = NULL;
  g_autoptr(YqPushMessage) changed = NULL;
  g_autofree char *json = NULL;
  g_autofree char *answer = NULL;
  const YqDelivery *delivery;
  gint64 approval, all, disabled;
  gint64 n_deliveries;

  add_routing_rules (f, &approval, &all, &disabled);

  /* 审批: the 审批 rule (政务钉钉) and the rule for all (云之家), not the
   * disabled one. */
  json = notification_json ("m-1", "审批",
                            "\"zhangsan\", \"LiSi\", \"wangwu\", \"zhaoliu\", \"nobody\"");
  intake = accept_json (f, json, 0);
  g_assert_false (intake->replayed);
  g_assert_cmpint (intake->message_id, >, 0);
  answer = g_strdup_printf ("{\"id\":%lld,\"idempotency_key\":\"m-1\",\"deliveries\":3,"
                            "\"unbound\":[\"LiSi\",\"wangwu\",\"zhaoliu\",\"nobody\"],"
                            "\"unmatched\":false}",
                            (long long) intake->message_id);
  /* zhangsan (政务钉钉, 云之家) and LiSi (政务钉钉) are pending; LiSi is
   * unbound on 云之家, wangwu disabled, zhaoliu deleted, nobody unbound. */
  g_assert_cmpstr (intake->answer, ==, answer);

  list = list_all (f, intake->message_id);
  g_assert_cmpuint (list->len, ==, 10);
  delivery = find_delivery (list, f->zwdd_id, "zhangsan");
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_PENDING);
  g_assert_cmpstr (delivery->platform_account, ==, "acc1");
  g_assert_cmpint (delivery->rule_id, ==, approval);
  g_assert_cmpint (delivery->next_attempt_at, ==, NOW);
  g_assert_cmpstr (delivery->idempotency_key, ==, "m-1");
  g_assert_cmpstr (delivery->source, ==, "审批");
  g_assert_cmpstr (delivery->title, ==, "标题");
  delivery = find_delivery (list, f->zwdd_id, "LiSi");
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_PENDING);
  g_assert_cmpstr (delivery->platform_account, ==, "p2");
  delivery = find_delivery (list, f->zwdd_id, "wangwu");
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_UNBOUND);
  g_assert_cmpstr (delivery->last_error, ==, "disabled");
  g_assert_null (delivery->platform_account);
  delivery = find_delivery (list, f->zwdd_id, "zhaoliu");
  g_assert_cmpstr (delivery->last_error, ==, "disabled");
  delivery = find_delivery (list, f->zwdd_id, "nobody");
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_UNBOUND);
  g_assert_cmpstr (delivery->last_error, ==, "unbound");
  delivery = find_delivery (list, f->yzj_id, "zhangsan");
  g_assert_cmpstr (delivery->platform_account, ==, "open-y1");
  g_assert_cmpint (delivery->rule_id, ==, all);
  delivery = find_delivery (list, f->yzj_id, "LiSi");
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_UNBOUND);
  g_clear_pointer (&list, g_ptr_array_unref);

  stored = yq_push_inbox_get (f->store, intake->message_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->title, ==, "标题");
  g_assert_cmpuint (g_strv_length (stored->recipients), ==, 5);
  g_assert_cmpstr (stored->recipients[1], ==, "LiSi");
  g_assert_null (yq_push_inbox_get (f->store, 999, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A replay answers the same and writes nothing. */
  n_deliveries = count_rows (f->store, "SELECT count (*) FROM push_deliveries");
  replay = accept_json (f, json, 0);
  g_assert_true (replay->replayed);
  g_assert_cmpint (replay->message_id, ==, intake->message_id);
  g_assert_cmpstr (replay->answer, ==, intake->answer);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_deliveries"), ==,
                   n_deliveries);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_messages"), ==, 1);

  /* Member order, white space and repeated recipients do not matter. */
  {
    g_autoptr(YqPushIntake) reordered = NULL;

    reordered = accept_json (f, "{ \"recipients\": [\"zhangsan\", \"LiSi\", \"lisi\", "
                             "\"wangwu\", \"zhaoliu\", \"nobody\"], \"title\": \"标题\", "
                             "\"kind\": \"notification\", \"source\": \"审批\", "
                             "\"idempotency_key\": \"m-1\", \"content\": null }", 0);
    g_assert_true (reordered->replayed);
    g_assert_cmpstr (reordered->answer, ==, intake->answer);
  }

  /* The same key with another message is a conflict. */
  changed = parse (json);
  g_free (changed->title);
  changed->title = g_strdup ("另一个标题");
  g_assert_null (yq_push_inbox_accept (f->store, 1, changed, 0, NOW, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_messages"), ==, 1);

  /* A todo does not go to notification targets. */
  g_clear_pointer (&intake, yq_push_intake_free);
  intake = accept_json (f, "{\"idempotency_key\": \"m-todo\", \"source\": \"审批\", "
                        "\"kind\": \"todo\", \"title\": \"t\", \"url\": \"https://a.cn/\", "
                        "\"recipients\": [\"zhangsan\"]}", 0);
  g_assert_nonnull (strstr (intake->answer, "\"deliveries\":0"));
  g_assert_nonnull (strstr (intake->answer, "\"unmatched\":true"));

  /* 日报: only the rule for all. */
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&intake, yq_push_intake_free);
  json = notification_json ("m-2", "日报", "\"zhangsan\"");
  intake = accept_json (f, json, 0);
  list = list_all (f, intake->message_id);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (list, 0))->connector_id, ==, f->yzj_id);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Sources match case-sensitively: "Approval" ≠ "approval". A message
   * for no rule is unmatched. */
  raw_exec (f->store, "UPDATE push_rules SET enabled = 0 WHERE source IS NULL");
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&intake, yq_push_intake_free);
  json = notification_json ("m-3", "审批 ", "\"zhangsan\"");
  intake = accept_json (f, json, 0);
  g_assert_nonnull (strstr (intake->answer, "\"deliveries\":0"));
  g_assert_nonnull (strstr (intake->answer, "\"unmatched\":true"));

  /* A test message goes to its one rule, even when disabled. */
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&intake, yq_push_intake_free);
  json = notification_json ("m-4", "日报", "\"zhangsan\"");
  intake = accept_json (f, json, disabled);
  list = list_all (f, intake->message_id);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (list, 0))->rule_id, ==, disabled);
  g_clear_pointer (&list, g_ptr_array_unref);
  {
    g_autoptr(YqPushMessage) message = parse ("{\"idempotency_key\": \"m-5\", \"source\": \"x\", "
                                              "\"kind\": \"notification\", \"title\": \"t\", "
                                              "\"recipients\": [\"a\"]}");

    g_assert_null (yq_push_inbox_accept (f->store, 0, message, 4242, NOW, &error));
    g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Removing a rule skips what its targets had not sent. */
  g_assert_true (yq_push_rules_remove (f->store, f->secrets, approval, &error));
  g_assert_no_error (error);
  list = list_all (f, 0);
  for (guint i = 0; i < list->len; i++)
    {
      const YqDelivery *d = g_ptr_array_index (list, i);

      if (d->connector_id == f->zwdd_id && d->rule_id == 0)
        {
          g_assert_cmpint (d->target_id, ==, 0);
          if (d->state != YQ_DELIVERY_UNBOUND)
            {
              g_assert_cmpint (d->state, ==, YQ_DELIVERY_SKIPPED);
              g_assert_cmpstr (d->last_error, ==, "target-removed");
            }
        }
    }
}

/* Claim and finish */

static gint64
add_todo_rule (Fixture *f)
{
  g_autoptr(YqPushRule) rule = make_rule ("待办", "审批");

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, f->zwdd_app, YQ_PUSH_KIND_TODO, NULL,
                                               NULL));
  /* Notifications only: todos and their events never go here. */
  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  return save_rule (f, rule);
}

static YqDeliveryBatch *
claim (Fixture *f,
       gint64   now,
       guint    max)
{
  g_autoptr(GError) error = NULL;
  YqDeliveryBatch *batch = yq_push_deliveries_claim (f->store, now * 1000 + 123, max, NULL,
                                                     &error);

  g_assert_no_error (error);

  return batch;
}

static void
finish_all (Fixture         *f,
            YqDeliveryBatch *batch,
            gboolean         delivered,
            const char      *ref_prefix,
            gboolean         final,
            gint64           now)
{
  g_autoptr(GError) error = NULL;
  g_autofree YqDeliveryOutcome *outcomes = g_new0 (YqDeliveryOutcome, batch->deliveries->len);
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < batch->deliveries->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (batch->deliveries, i);

      outcomes[i].id = delivery->id;
      outcomes[i].delivered = delivered;
      if (ref_prefix != NULL)
        {
          char *ref = g_strdup_printf ("%s-%s", ref_prefix, delivery->oa_account);

          g_ptr_array_add (refs, ref);
          outcomes[i].platform_ref = ref;
        }
      outcomes[i].error = delivered ? NULL : "HTTP 503";
      outcomes[i].final = final;
    }
  g_assert_true (yq_push_deliveries_finish (f->store, outcomes, batch->deliveries->len, now,
                                            &error));
  g_assert_no_error (error);
}

static YqDelivery *
get_delivery (Fixture *f,
              gint64   id)
{
  g_autoptr(GPtrArray) list = list_all (f, 0);

  for (guint i = 0; i < list->len; i++)
    if (((YqDelivery *) g_ptr_array_index (list, i))->id == id)
      return yq_delivery_copy (g_ptr_array_index (list, i));

  g_assert_not_reached ();
}

static void
test_todo_events (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushIntake) todo = NULL;
  g_autoptr(YqPushIntake) done = NULL;
  g_autoptr(YqPushIntake) cancel = NULL;
  g_autoptr(YqDeliveryBatch) batch = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(YqPushMessage) unknown = NULL;
  const YqDelivery *event;

  add_todo_rule (f);

  /* An event for a todo that was never pushed. */
  unknown = parse ("{\"idempotency_key\": \"e-0\", \"source\": \"审批\", "
                   "\"kind\": \"todo.done\", \"todo_id\": \"wf-unknown\"}");
  g_assert_null (yq_push_inbox_accept (f->store, 1, unknown, 0, NOW, &error));
  g_assert_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_messages"), ==, 0);

  todo = accept_json (f, "{\"idempotency_key\": \"t-1\", \"source\": \"审批\", \"kind\": \"todo\", "
                      "\"title\": \"请审批\", \"url\": \"https://oa.example.cn/wf/1\", "
                      "\"todo_id\": \"wf-1\", \"recipients\": [\"zhangsan\", \"lisi\", "
                      "\"nobody\"]}", 0);
  done = accept_json (f, "{\"idempotency_key\": \"t-2\", \"source\": \"审批\", "
                      "\"kind\": \"todo.done\", \"todo_id\": \"wf-1\", "
                      "\"recipients\": [\"ZHANGSAN\", \"nobody\"]}", 0);
  list = list_all (f, todo->message_id);
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpint (((YqDelivery *) g_ptr_array_index (list, i))->kind, ==, YQ_PUSH_KIND_TODO);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_nonnull (strstr (done->answer, "\"deliveries\":2"));
  list = list_all (f, done->message_id);
  g_assert_cmpuint (list->len, ==, 2);
  event = find_delivery (list, f->zwdd_id, "zhangsan");
  g_assert_cmpint (event->state, ==, YQ_DELIVERY_PENDING);
  g_assert_cmpint (event->event, ==, YQ_PUSH_EVENT_TODO_DONE);
  g_assert_cmpint (event->kind, ==, YQ_PUSH_KIND_TODO);
  g_assert_cmpint (event->depends_on, >, 0);
  g_assert_cmpstr (event->platform_account, ==, "acc1");
  g_assert_cmpstr (event->todo_id, ==, "wf-1");

  /* The events wait for the todo: the first batch is the todo. */
  g_assert_cmpint (yq_push_deliveries_next_due (f->store, &error), ==, NOW);
  batch = claim (f, NOW, 100);
  g_assert_nonnull (batch);
  g_assert_false (batch->resumed);
  g_assert_cmpuint (batch->deliveries->len, ==, 2);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->event, ==,
                   YQ_PUSH_EVENT_TODO);
  g_assert_cmpstr (batch->message->idempotency_key, ==, "t-1");
  g_assert_cmpuint (batch->todo_refs->len, ==, 0);
  {
    g_autoptr(YqDeliveryBatch) none = claim (f, NOW + 1000, 100);

    g_assert_null (none);
  }
  /* Waiting events are not due. */
  g_assert_cmpint (yq_push_deliveries_next_due (f->store, &error), ==, 0);
  finish_all (f, batch, TRUE, "task", FALSE, NOW + 1);
  g_clear_pointer (&batch, yq_delivery_batch_free);

  /* Now the event: one batch with the todo's references. "nobody" was
   * never created (UNBOUND), so its event is skipped. */
  batch = claim (f, NOW + 2, 100);
  g_assert_nonnull (batch);
  g_assert_cmpuint (batch->deliveries->len, ==, 1);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->event, ==,
                   YQ_PUSH_EVENT_TODO_DONE);
  g_assert_cmpstr (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->oa_account, ==,
                   "zhangsan");
  g_assert_cmpuint (batch->todo_refs->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (batch->todo_refs, 0), ==, "task-zhangsan");
  g_assert_cmpstr (batch->message->idempotency_key, ==, "t-2");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = list_all (f, done->message_id);
  event = find_delivery (list, f->zwdd_id, "nobody");
  g_assert_cmpint (event->state, ==, YQ_DELIVERY_SKIPPED);
  g_assert_cmpstr (event->last_error, ==, "todo-not-created");
  finish_all (f, batch, TRUE, NULL, FALSE, NOW + 3);
  g_clear_pointer (&batch, yq_delivery_batch_free);

  /* A dead todo: its cancel event is skipped. */
  g_clear_pointer (&todo, yq_push_intake_free);
  todo = accept_json (f, "{\"idempotency_key\": \"t-3\", \"source\": \"审批\", \"kind\": \"todo\", "
                      "\"title\": \"请审批\", \"url\": \"https://oa.example.cn/wf/2\", "
                      "\"recipients\": [\"lisi\"]}", 0);
  cancel = accept_json (f, "{\"idempotency_key\": \"t-4\", \"source\": \"审批\", "
                        "\"kind\": \"todo.cancelled\", \"todo_id\": \"t-3\"}", 0);
  batch = claim (f, NOW + 10, 100);
  g_assert_cmpstr (batch->message->idempotency_key, ==, "t-3");
  finish_all (f, batch, FALSE, NULL, TRUE, NOW + 11);
  g_clear_pointer (&batch, yq_delivery_batch_free);
  batch = claim (f, NOW + 12, 100);
  g_assert_null (batch);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = list_all (f, cancel->message_id);
  g_assert_cmpuint (list->len, ==, 1);
  event = g_ptr_array_index (list, 0);
  g_assert_cmpint (event->state, ==, YQ_DELIVERY_SKIPPED);
  g_assert_cmpstr (event->last_error, ==, "todo-not-created");
}

static void
test_claim_batching (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushIntake) first = NULL;
  g_autoptr(YqPushIntake) second = NULL;
  g_autoptr(YqDeliveryBatch) batch = NULL;
  g_autoptr(GHashTable) busy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(YqPushRule) rule = make_rule ("两个平台", NULL);
  gint64 zwdd_target;
  gint64 lane;
  guint counts[YQ_DELIVERY_N_STATES];

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_NOTIFICATION, "XT-1",
                                               PUB_KEY));
  save_rule (f, rule);
  zwdd_target = ((YqPushTarget *) g_ptr_array_index (rule->targets, 0))->id;

  put_person (f, f->zwdd_id, "p6", "acc6", "u6", TRUE);
  put_person (f, f->zwdd_id, "p7", "acc7", "u7", TRUE);
  first = accept_json (f, "{\"idempotency_key\": \"b-1\", \"source\": \"s\", "
                       "\"kind\": \"notification\", \"title\": \"t\", "
                       "\"recipients\": [\"zhangsan\", \"lisi\", \"u6\", \"u7\"]}", 0);
  second = accept_json (f, "{\"idempotency_key\": \"b-2\", \"source\": \"s\", "
                        "\"kind\": \"notification\", \"title\": \"t\", "
                        "\"recipients\": [\"zhangsan\"]}", 0);

  /* Nothing is due before its time. */
  g_assert_null (claim (f, NOW - 1, 10));

  /* The oldest: the 政务钉钉 target of the first message, 3 at most. */
  batch = claim (f, NOW, 3);
  g_assert_cmpuint (batch->deliveries->len, ==, 3);
  for (guint i = 0; i < batch->deliveries->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (batch->deliveries, i);

      g_assert_cmpint (delivery->message_id, ==, first->message_id);
      g_assert_cmpint (delivery->target_id, ==, zwdd_target);
      g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_SENDING);
      g_assert_cmpuint (delivery->attempts, ==, 1);
      g_assert_cmpint (delivery->attempt_ms, ==, NOW * 1000 + 123);
    }
  g_clear_pointer (&batch, yq_delivery_batch_free);

  /* 政务钉钉 notifications busy: the 云之家 delivery of the first message. */
  lane = YQ_PUSH_LANE (f->zwdd_id, YQ_PUSH_KIND_NOTIFICATION);
  g_hash_table_add (busy, g_memdup2 (&lane, sizeof lane));
  batch = yq_push_deliveries_claim (f->store, NOW * 1000, 10, busy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->deliveries->len, ==, 1);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->connector_id, ==,
                   f->yzj_id);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->message_id, ==,
                   first->message_id);
  g_clear_pointer (&batch, yq_delivery_batch_free);

  /* Looked up by lane: the todo lanes have nothing; the 云之家 notification
   * lane has the first message's delivery. */
  {
    g_autoptr(GPtrArray) batches = yq_push_deliveries_claim_lane (f->store, NOW * 1000, 10, 4,
                                                                  f->zwdd_id, YQ_PUSH_KIND_TODO,
                                                                  &error);

    g_assert_no_error (error);
    g_assert_cmpuint (batches->len, ==, 0);
  }

  /* Both busy: nothing. Todo lanes are others, and have nothing due. */
  lane = YQ_PUSH_LANE (f->yzj_id, YQ_PUSH_KIND_NOTIFICATION);
  g_hash_table_add (busy, g_memdup2 (&lane, sizeof lane));
  batch = yq_push_deliveries_claim (f->store, NOW * 1000, 10, busy, &error);
  g_assert_no_error (error);
  g_assert_null (batch);

  /* The rest of the first message's 政务钉钉 deliveries, then the second
   * message: batches never mix messages. */
  batch = claim (f, NOW, 10);
  g_assert_cmpuint (batch->deliveries->len, ==, 1);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->message_id, ==,
                   first->message_id);
  g_clear_pointer (&batch, yq_delivery_batch_free);
  batch = claim (f, NOW, 10);
  g_assert_cmpuint (batch->deliveries->len, ==, 1);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->message_id, ==,
                   second->message_id);
  g_clear_pointer (&batch, yq_delivery_batch_free);

  g_assert_true (yq_push_deliveries_count (f->store, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[YQ_DELIVERY_SENDING], ==, 6);
  g_assert_cmpuint (counts[YQ_DELIVERY_PENDING], ==, 1);
  g_assert_cmpuint (counts[YQ_DELIVERY_UNBOUND], ==, 3);
}

static GPtrArray *
claim_lane (Fixture *f,
            gint64   connector_id,
            guint    max_batches)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *batches = yq_push_deliveries_claim_lane (f->store, NOW * 1000, 10, max_batches,
                                                      connector_id, YQ_PUSH_KIND_NOTIFICATION,
                                                      &error);

  g_assert_no_error (error);
  g_assert_nonnull (batches);
  return batches;
}

static void
assert_batch (GPtrArray *batches,
              guint      index,
              gint64     message_id,
              gboolean   resumed)
{
  const YqDeliveryBatch *batch = g_ptr_array_index (batches, index);

  g_assert_cmpuint (batch->deliveries->len, ==, 2);
  g_assert_cmpint (batch->resumed, ==, resumed);
  for (guint i = 0; i < batch->deliveries->len; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (batch->deliveries, i);

      g_assert_cmpint (delivery->message_id, ==, message_id);
      g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_SENDING);
    }
}

/* Several batches in one claim: each of one message, in the order single
 * claims take them, resumed attempts first. */
static void
test_claim_lane_batches (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("通知", NULL);
  g_autoptr(GPtrArray) batches = NULL;
  YqPushIntake *intakes[3];
  guint n_resumable = 0;

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  save_rule (f, rule);
  for (guint i = 0; i < G_N_ELEMENTS (intakes); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"idempotency_key\": \"m-%u\", "
                                               "\"source\": \"s\", \"kind\": "
                                               "\"notification\", \"title\": \"t\", "
                                               "\"recipients\": [\"zhangsan\", \"lisi\"]}",
                                               i);

      intakes[i] = accept_json (f, json, 0);
    }

  batches = claim_lane (f, f->zwdd_id, 2);
  g_assert_cmpuint (batches->len, ==, 2);
  assert_batch (batches, 0, intakes[0]->message_id, FALSE);
  assert_batch (batches, 1, intakes[1]->message_id, FALSE);
  g_clear_pointer (&batches, g_ptr_array_unref);

  /* Another lane has nothing. */
  batches = claim_lane (f, f->yzj_id, 4);
  g_assert_cmpuint (batches->len, ==, 0);
  g_clear_pointer (&batches, g_ptr_array_unref);

  /* Cut off: the two attempts are resumed before the third message. */
  g_assert_true (yq_push_deliveries_recover (f->store, &n_resumable, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_resumable, ==, 4);
  batches = claim_lane (f, f->zwdd_id, 5);
  g_assert_cmpuint (batches->len, ==, 3);
  assert_batch (batches, 0, intakes[0]->message_id, TRUE);
  assert_batch (batches, 1, intakes[1]->message_id, TRUE);
  assert_batch (batches, 2, intakes[2]->message_id, FALSE);
  g_clear_pointer (&batches, g_ptr_array_unref);

  batches = claim_lane (f, f->zwdd_id, 5);
  g_assert_cmpuint (batches->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (intakes); i++)
    yq_push_intake_free (intakes[i]);
}

static void
test_finish_retry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(YqDeliveryBatch) batch = NULL;
  g_autoptr(YqDelivery) delivery = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(YqPushRule) rule = make_rule ("通知", NULL);
  gint64 now = NOW;
  gint64 id;
  guint n_changed = 0;
  static const gint64 expected[] = { 10, 20, 40, 80, 160, 320, 640 };

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  save_rule (f, rule);
  intake = accept_json (f, "{\"idempotency_key\": \"r-1\", \"source\": \"s\", "
                        "\"kind\": \"notification\", \"title\": \"t\", "
                        "\"recipients\": [\"zhangsan\", \"lisi\"]}", 0);

  /* zhangsan fails every time; lisi is delivered at once. */
  batch = claim (f, now, 10);
  g_assert_cmpuint (batch->deliveries->len, ==, 2);
  id = ((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->id;
  {
    YqDeliveryOutcome outcomes[2] = {
      { id, FALSE, NULL, "HTTP 503", FALSE },
      { ((YqDelivery *) g_ptr_array_index (batch->deliveries, 1))->id, TRUE, "msg-1", NULL,
        FALSE },
    };

    YqDeliveryOutcome unknown = { 4242, TRUE, NULL, NULL, FALSE };

    /* An unknown ID is ignored. */
    g_assert_true (yq_push_deliveries_finish (f->store, &unknown, 1, now, &error));
    g_assert_no_error (error);
    g_assert_true (yq_push_deliveries_finish (f->store, outcomes, 2, now, &error));
    g_assert_no_error (error);
    delivery = get_delivery (f, outcomes[1].id);
    g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_DELIVERED);
    g_assert_cmpstr (delivery->platform_ref, ==, "msg-1");
    g_assert_cmpint (delivery->delivered_at, ==, now);
    g_clear_pointer (&delivery, yq_delivery_free);
  }
  g_clear_pointer (&batch, yq_delivery_batch_free);

  for (guint attempt = 1; attempt < YQ_PUSH_MAX_ATTEMPTS; attempt++)
    {
      delivery = get_delivery (f, id);
      g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_RETRY);
      g_assert_cmpuint (delivery->attempts, ==, attempt);
      g_assert_cmpstr (delivery->last_error, ==, "HTTP 503");
      g_assert_cmpint (delivery->next_attempt_at - now, ==, expected[attempt - 1]);
      g_assert_cmpint (yq_push_deliveries_next_due (f->store, &error), ==,
                       delivery->next_attempt_at);
      g_assert_null (claim (f, delivery->next_attempt_at - 1, 10));
      now = delivery->next_attempt_at;
      g_clear_pointer (&delivery, yq_delivery_free);

      batch = claim (f, now, 10);
      g_assert_cmpuint (batch->deliveries->len, ==, 1);
      finish_all (f, batch, FALSE, NULL, FALSE, now);
      g_clear_pointer (&batch, yq_delivery_batch_free);
    }

  /* The budget is spent. */
  delivery = get_delivery (f, id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_DEAD);
  g_assert_cmpuint (delivery->attempts, ==, YQ_PUSH_MAX_ATTEMPTS);
  g_clear_pointer (&delivery, yq_delivery_free);
  g_assert_cmpint (yq_push_deliveries_next_due (f->store, &error), ==, 0);

  /* Retry now: a fresh budget, due now, audited. */
  g_assert_true (yq_push_deliveries_retry_now (f->store, NULL, now + 100, &n_changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_changed, ==, 1);
  delivery = get_delivery (f, id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_PENDING);
  g_assert_cmpuint (delivery->attempts, ==, 0);
  g_assert_cmpint (delivery->next_attempt_at, ==, now + 100);
  g_clear_pointer (&delivery, yq_delivery_free);
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM audit_log "
                                         "WHERE action = 'push-deliveries.retry'"), ==, 1);

  /* A final error is dead at once. */
  batch = claim (f, now + 100, 10);
  finish_all (f, batch, FALSE, NULL, TRUE, now + 100);
  g_clear_pointer (&batch, yq_delivery_batch_free);
  delivery = get_delivery (f, id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_DEAD);
  g_assert_cmpuint (delivery->attempts, ==, 1);
  g_clear_pointer (&delivery, yq_delivery_free);

  /* Retry now by ID: a RETRY one keeps its attempts. */
  g_array_append_val (ids, id);
  g_assert_true (yq_push_deliveries_retry_now (f->store, ids, now + 200, &n_changed, &error));
  g_assert_cmpuint (n_changed, ==, 1);
  batch = claim (f, now + 200, 10);
  finish_all (f, batch, FALSE, NULL, FALSE, now + 200);
  g_clear_pointer (&batch, yq_delivery_batch_free);
  g_assert_true (yq_push_deliveries_retry_now (f->store, ids, now + 201, &n_changed, &error));
  g_assert_cmpuint (n_changed, ==, 1);
  delivery = get_delivery (f, id);
  g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_PENDING);
  g_assert_cmpuint (delivery->attempts, ==, 1);
  g_clear_pointer (&delivery, yq_delivery_free);
  /* Delivered ones are not touched. */
  g_assert_true (yq_push_deliveries_retry_now (f->store, NULL, now + 202, &n_changed, &error));
  g_assert_cmpuint (n_changed, ==, 0);
}

static void
test_recover (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(YqPushIntake) later = NULL;
  g_autoptr(YqDeliveryBatch) batch = NULL;
  g_autoptr(YqDeliveryBatch) resumed = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("通知", NULL);
  guint n = 0;

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  save_rule (f, rule);
  intake = accept_json (f, "{\"idempotency_key\": \"c-1\", \"source\": \"s\", "
                        "\"kind\": \"notification\", \"title\": \"t\", "
                        "\"recipients\": [\"zhangsan\", \"lisi\"]}", 0);
  batch = claim (f, NOW, 10);
  g_assert_cmpuint (batch->deliveries->len, ==, 2);
  /* A crash: the attempt was cut off. A later message is due before it
   * in time, but resumable deliveries go first. */
  later = accept_json (f, "{\"idempotency_key\": \"c-2\", \"source\": \"s\", "
                       "\"kind\": \"notification\", \"title\": \"t\", "
                       "\"recipients\": [\"zhangsan\"]}", 0);
  g_assert_true (yq_push_deliveries_recover (f->store, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);

  resumed = claim (f, NOW + 60, 10);
  g_assert_true (resumed->resumed);
  g_assert_cmpuint (resumed->deliveries->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const YqDelivery *delivery = g_ptr_array_index (resumed->deliveries, i);

      g_assert_cmpint (delivery->state, ==, YQ_DELIVERY_SENDING);
      g_assert_cmpuint (delivery->attempts, ==, 1);
      g_assert_cmpint (delivery->attempt_ms, ==, NOW * 1000 + 123);
      g_assert_cmpint (delivery->message_id, ==, intake->message_id);
    }
  g_assert_cmpstr (resumed->message->idempotency_key, ==, "c-1");
  g_clear_pointer (&batch, yq_delivery_batch_free);

  /* Claimed once: the next claim is the later message. */
  batch = claim (f, NOW + 60, 10);
  g_assert_false (batch->resumed);
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->message_id, ==,
                   later->message_id);
  finish_all (f, resumed, TRUE, NULL, FALSE, NOW + 61);
  g_assert_true (yq_push_deliveries_recover (f->store, &n, &error));
  g_assert_cmpuint (n, ==, 1);
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(YqPushIntake) a = NULL;
  g_autoptr(YqPushIntake) b = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("两个平台", NULL);
  YqDeliveryFilter filter = { 0 };
  guint total = 0;
  guint counts[YQ_DELIVERY_N_STATES];

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, 0, YQ_PUSH_KIND_NOTIFICATION, "XT-1",
                                               PUB_KEY));
  save_rule (f, rule);
  a = accept_json (f, "{\"idempotency_key\": \"L-1\", \"source\": \"日报\", "
                   "\"kind\": \"notification\", \"title\": \"Daily Report\", "
                   "\"recipients\": [\"zhangsan\", \"nobody\"]}", 0);
  b = accept_json (f, "{\"idempotency_key\": \"L-2\", \"source\": \"审批\", "
                   "\"kind\": \"notification\", \"title\": \"审批通知\", "
                   "\"recipients\": [\"lisi\"]}", 0);

  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 6);
  g_assert_cmpuint (total, ==, 6);
  /* Newest first. */
  g_assert_cmpint (((YqDelivery *) g_ptr_array_index (list, 0))->message_id, ==, b->message_id);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.states = 1 << YQ_DELIVERY_UNBOUND;
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.states = (1 << YQ_DELIVERY_UNBOUND) | (1 << YQ_DELIVERY_PENDING);
  filter.connector_id = f->yzj_id;
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  filter.states = 0;
  filter.connector_id = 0;
  filter.search = "daily";
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 4);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.search = "审批";
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.search = "NOBODY";
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.search = "l-2";
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.search = "unbound";
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (total, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Paging keeps the total. */
  filter.search = NULL;
  filter.offset = 2;
  filter.limit = 3;
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpuint (total, ==, 6);
  g_clear_pointer (&list, g_ptr_array_unref);
  filter.offset = 5;
  filter.limit = 0;
  filter.message_id = a->message_id;
  list = yq_push_deliveries_list (f->store, &filter, &total, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpuint (total, ==, 4);

  g_assert_true (yq_push_deliveries_count (f->store, counts, &error));
  g_assert_cmpuint (counts[YQ_DELIVERY_PENDING], ==, 3);
  g_assert_cmpuint (counts[YQ_DELIVERY_UNBOUND], ==, 3);
  g_assert_cmpuint (counts[YQ_DELIVERY_DELIVERED], ==, 0);
}

static void
test_remove_connector (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(YqPushRule) rule = make_rule ("通知", NULL);

  g_ptr_array_add (rule->targets, make_target (f->zwdd_id, 0, YQ_PUSH_KIND_NOTIFICATION, NULL,
                                               NULL));
  g_ptr_array_add (rule->targets, make_target (f->yzj_id, f->yzj_app, YQ_PUSH_KIND_NOTIFICATION,
                                               "XT-1", PUB_KEY));
  save_rule (f, rule);
  intake = accept_json (f, "{\"idempotency_key\": \"x-1\", \"source\": \"s\", "
                        "\"kind\": \"notification\", \"title\": \"t\", "
                        "\"recipients\": [\"zhangsan\"]}", 0);

  /* Removing a connector removes its apps and targets (even those that
   * send with one of its apps), and the targets' public-account keys;
   * their deliveries are skipped, never claimed. */
  {
    gint64 target_id = ((YqPushTarget *) g_ptr_array_index (rule->targets, 1))->id;
    g_autofree char *key = g_strdup_printf ("push-target-%" G_GINT64_FORMAT "-pubkey", target_id);
    g_autofree char *before = yq_secrets_lookup (f->secrets, key, &error);
    g_autofree char *after = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (before, ==, PUB_KEY);
    g_assert_true (yq_connectors_delete (f->store, f->secrets, f->yzj_id, &error));
    g_assert_no_error (error);
    after = yq_secrets_lookup (f->secrets, key, &error);
    g_assert_no_error (error);
    g_assert_null (after);
  }
  g_assert_cmpint (count_rows (f->store, "SELECT count (*) FROM push_targets"), ==, 1);
  list = list_all (f, intake->message_id);
  g_assert_cmpint (find_delivery (list, f->yzj_id, "zhangsan")->state, ==, YQ_DELIVERY_SKIPPED);
  g_assert_cmpint (find_delivery (list, f->zwdd_id, "zhangsan")->state, ==, YQ_DELIVERY_PENDING);
  {
    g_autoptr(YqDeliveryBatch) batch = claim (f, NOW, 10);

    g_assert_cmpint (((YqDelivery *) g_ptr_array_index (batch->deliveries, 0))->connector_id, ==,
                     f->zwdd_id);
  }
  g_assert_null (claim (f, NOW, 10));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/push/rules", test_rules);
  ADD ("/push/rules/validation", test_rule_validation);
  ADD ("/push/rules/duplicate-and-app", test_rule_duplicate_and_app);
  ADD ("/push/rules/last-call", test_target_last_call);
  ADD ("/push/tokens", test_tokens);
  ADD ("/push/parse/valid", test_parse_valid);
  ADD ("/push/parse/invalid", test_parse_invalid);
  ADD ("/push/accept/routing", test_accept_routing);
  ADD ("/push/accept/todo-events", test_todo_events);
  ADD ("/push/claim/lane-batches", test_claim_lane_batches);
  ADD ("/push/claim/batching", test_claim_batching);
  ADD ("/push/finish/retry", test_finish_retry);
  ADD ("/push/recover", test_recover);
  ADD ("/push/list", test_list);
  ADD ("/push/remove-connector", test_remove_connector);

  return g_test_run ();
}
