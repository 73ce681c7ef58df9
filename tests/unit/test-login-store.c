/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "yunqiao-core.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"

#define T0 1800000000

typedef struct
{
  char      *dir;
  YqStore   *store;
  YqSecrets *secrets;
  gint64     connector_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_ZJ);

  f->dir = g_dir_make_tmp ("yq-test-login-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = yq_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->secrets = yq_secrets_new_for_data_dir (f->dir, &error);
  g_assert_no_error (error);

  yq_connector_set_name (connector, "浙政钉");
  yq_connector_set_tenant_id (connector, "100200");
  yq_connector_set_app_key (connector, "app-key-1");
  g_assert_true (yq_connectors_save (f->store, f->secrets, connector, "s3cret", NULL, &error));
  g_assert_no_error (error);
  f->connector_id = yq_connector_get_id (connector);
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

static gint64
check (Fixture            *f,
       const char * const *keys,
       gint64              now)
{
  g_autoptr(GError) error = NULL;
  gint64 locked_until = -1;

  g_assert_true (yq_login_guard_check (f->store, keys, now, &locked_until, &error));
  g_assert_no_error (error);

  return locked_until;
}

static void
fail (Fixture            *f,
      const char * const *keys,
      gint64              now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_login_guard_record_failure (f->store, keys, now, &error));
  g_assert_no_error (error);
}

static void
test_guard_lockout (Fixture       *f,
                    gconstpointer  data)
{
  const char * const both[] = { "account:zhang", "address:192.0.2.1", NULL };
  const char * const account[] = { "account:zhang", NULL };
  const char * const address[] = { "address:192.0.2.1", NULL };
  const char * const other[] = { "account:li", NULL };
  const char * const other_then_account[] = { "account:li", "account:zhang", NULL };

  g_assert_cmpint (check (f, both, T0), ==, 0);

  /* Four failures: not yet locked. */
  for (int i = 0; i < YQ_LOGIN_MAX_FAILURES - 1; i++)
    {
      fail (f, both, T0 + i * 10);
      g_assert_cmpint (check (f, both, T0 + i * 10 + 1), ==, 0);
    }

  /* The fifth locks both keys until the first failure leaves the window. */
  fail (f, both, T0 + 40);
  g_assert_cmpint (check (f, both, T0 + 41), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (check (f, account, T0 + 41), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (check (f, address, T0 + 41), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (check (f, other, T0 + 41), ==, 0);
  g_assert_cmpint (check (f, other_then_account, T0 + 41), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);

  /* One second before the end still locked; at the end the first failure
   * no longer counts: four left, unlocked. */
  g_assert_cmpint (check (f, both, T0 + YQ_LOGIN_LOCKOUT_WINDOW - 1), ==,
                   T0 + YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (check (f, both, T0 + YQ_LOGIN_LOCKOUT_WINDOW), ==, 0);

  /* A sixth failure then locks again, until the second one leaves. */
  fail (f, account, T0 + YQ_LOGIN_LOCKOUT_WINDOW + 5);
  g_assert_cmpint (check (f, account, T0 + YQ_LOGIN_LOCKOUT_WINDOW + 6), ==,
                   T0 + 10 + YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (check (f, address, T0 + YQ_LOGIN_LOCKOUT_WINDOW + 6), ==, 0);

  /* Records older than the window were dropped by the last record. */
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM login_failures"), ==, 9);

  /* Failures after @now do not count for a check at @now. */
  g_assert_cmpint (check (f, account, T0 + 5), ==, 0);
}

static void
test_guard_clear (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char * const both[] = { "account:zhang", "address:192.0.2.1", NULL };
  const char * const account[] = { "account:zhang", NULL };
  const char * const address[] = { "address:192.0.2.1", NULL };

  for (int i = 0; i < YQ_LOGIN_MAX_FAILURES; i++)
    fail (f, both, T0 + i);
  g_assert_cmpint (check (f, both, T0 + 10), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);

  /* Clearing the account leaves the address locked. */
  g_assert_true (yq_login_guard_clear (f->store, account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check (f, account, T0 + 10), ==, 0);
  g_assert_cmpint (check (f, address, T0 + 10), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (check (f, both, T0 + 10), ==, T0 + YQ_LOGIN_LOCKOUT_WINDOW);

  /* Old records of other keys go when any failure is recorded. */
  fail (f, account, T0 + 2 * YQ_LOGIN_LOCKOUT_WINDOW);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM login_failures"), ==, 1);
}

static YqQrSession *
get_session (Fixture    *f,
             const char *id,
             gint64      now)
{
  g_autoptr(GError) error = NULL;
  YqQrSession *session = yq_qr_sessions_get (f->store, id, now, &error);

  g_assert_no_error (error);
  return session;
}

static void
test_qr_confirm (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(YqQrSession) other = NULL;
  g_autoptr(YqQrSession) read = NULL;
  g_autofree char *ticket = NULL;
  gboolean changed = FALSE;

  session = yq_qr_sessions_create (f->store, f->connector_id, 7, 180, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (session->id), ==, 43);
  for (const char *p = session->id; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
  g_assert_cmpint (session->state, ==, YQ_QR_STATE_PENDING);
  g_assert_cmpint (session->expires_at, ==, T0 + 180);

  other = yq_qr_sessions_create (f->store, f->connector_id, 7, 180, T0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other->id, !=, session->id);

  read = get_session (f, session->id, T0 + 1);
  g_assert_nonnull (read);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_PENDING);
  g_assert_cmpint (read->connector_id, ==, f->connector_id);
  g_assert_cmpint (read->app_id, ==, 7);
  g_assert_cmpint (read->created_at, ==, T0);
  g_assert_null (read->ticket);
  g_clear_pointer (&read, yq_qr_session_free);

  g_assert_null (get_session (f, "no-such-request", T0));

  /* Nothing to take yet. */
  g_assert_null (yq_qr_sessions_take (f->store, session->id, T0 + 1, &error));
  g_assert_no_error (error);

  g_assert_true (yq_qr_sessions_scanned (f->store, session->id, T0 + 2, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_true (yq_qr_sessions_scanned (f->store, session->id, T0 + 3, &changed, &error));
  g_assert_false (changed);
  read = get_session (f, session->id, T0 + 3);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_SCANNED);
  g_clear_pointer (&read, yq_qr_session_free);

  g_assert_true (yq_qr_sessions_finish (f->store, session->id, "TICKET-1", NULL, T0 + 4,
                                        &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  read = get_session (f, session->id, T0 + 5);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_CONFIRMED);
  g_assert_cmpstr (read->ticket, ==, "TICKET-1");
  g_assert_null (read->message);
  g_clear_pointer (&read, yq_qr_session_free);

  /* Confirmed once: a second finish changes nothing. */
  g_assert_true (yq_qr_sessions_finish (f->store, session->id, NULL, "no", T0 + 5,
                                        &changed, &error));
  g_assert_false (changed);

  /* The ticket is handed out once. */
  ticket = yq_qr_sessions_take (f->store, session->id, T0 + 6, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ticket, ==, "TICKET-1");
  g_assert_null (yq_qr_sessions_take (f->store, session->id, T0 + 7, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM qr_sessions "
                                         "WHERE ticket IS NOT NULL"), ==, 0);

  /* DONE stays DONE, even after the expiry. */
  read = get_session (f, session->id, T0 + 7);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_DONE);
  g_assert_null (read->ticket);
  g_clear_pointer (&read, yq_qr_session_free);
  read = get_session (f, session->id, T0 + 1000);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_DONE);
  g_clear_pointer (&read, yq_qr_session_free);

  /* The other request was not touched. */
  read = get_session (f, other->id, T0 + 7);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_PENDING);

  g_assert_cmpstr (yq_qr_state_to_string (YQ_QR_STATE_EXPIRED), ==, "expired");
  g_assert_cmpstr (yq_qr_state_to_string (YQ_QR_STATE_CONFIRMED), ==, "confirmed");
}

static void
test_qr_expiry (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(YqQrSession) confirmed = NULL;
  g_autoptr(YqQrSession) read = NULL;
  gboolean changed = TRUE;

  session = yq_qr_sessions_create (f->store, f->connector_id, 7, 60, T0, &error);
  g_assert_no_error (error);

  read = get_session (f, session->id, T0 + 59);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_PENDING);
  g_clear_pointer (&read, yq_qr_session_free);
  read = get_session (f, session->id, T0 + 60);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_EXPIRED);
  g_clear_pointer (&read, yq_qr_session_free);

  /* Nothing moves an expired request. */
  g_assert_true (yq_qr_sessions_scanned (f->store, session->id, T0 + 60, &changed, &error));
  g_assert_no_error (error);
  g_assert_false (changed);
  changed = TRUE;
  g_assert_true (yq_qr_sessions_finish (f->store, session->id, "TICKET-2", NULL, T0 + 61,
                                        &changed, &error));
  g_assert_no_error (error);
  g_assert_false (changed);
  g_assert_null (yq_qr_sessions_take (f->store, session->id, T0 + 61, &error));
  g_assert_no_error (error);
  read = get_session (f, session->id, T0 + 61);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_EXPIRED);
  g_assert_null (read->ticket);
  g_clear_pointer (&read, yq_qr_session_free);

  /* A confirmed ticket not taken in time is not handed out. */
  confirmed = yq_qr_sessions_create (f->store, f->connector_id, 7, 60, T0, &error);
  g_assert_true (yq_qr_sessions_finish (f->store, confirmed->id, "TICKET-3", NULL, T0 + 30,
                                        &changed, &error));
  g_assert_true (changed);
  read = get_session (f, confirmed->id, T0 + 60);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_EXPIRED);
  g_assert_null (read->ticket);
  g_assert_null (yq_qr_sessions_take (f->store, confirmed->id, T0 + 60, &error));
  g_assert_no_error (error);
}

static void
test_qr_refused (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(YqQrSession) read = NULL;
  gboolean changed = FALSE;

  session = yq_qr_sessions_create (f->store, f->connector_id, 7, 180, T0, &error);
  g_assert_no_error (error);

  g_assert_true (yq_qr_sessions_finish (f->store, session->id, NULL,
                                        "Your account is not bound to an OA account.", T0 + 3,
                                        &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);

  read = get_session (f, session->id, T0 + 4);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_REFUSED);
  g_assert_cmpstr (read->message, ==, "Your account is not bound to an OA account.");
  g_assert_null (read->ticket);
  g_clear_pointer (&read, yq_qr_session_free);

  g_assert_null (yq_qr_sessions_take (f->store, session->id, T0 + 5, &error));
  g_assert_no_error (error);
  g_assert_true (yq_qr_sessions_finish (f->store, session->id, "TICKET", NULL, T0 + 5,
                                        &changed, &error));
  g_assert_false (changed);
  g_assert_true (yq_qr_sessions_scanned (f->store, session->id, T0 + 5, &changed, &error));
  g_assert_false (changed);
}

static void
test_qr_purge (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(YqQrSession) old = NULL;
  g_autoptr(YqQrSession) recent = NULL;
  g_autoptr(YqQrSession) read = NULL;
  guint n_purged = 42;

  old = yq_qr_sessions_create (f->store, f->connector_id, 7, 60, T0, &error);
  recent = yq_qr_sessions_create (f->store, f->connector_id, 7, 60, T0 + 100, &error);
  g_assert_no_error (error);

  /* Expired, but kept for an hour after its expiry. */
  g_assert_true (yq_qr_sessions_purge (f->store, T0 + 60 + 3600, &n_purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_purged, ==, 0);

  g_assert_true (yq_qr_sessions_purge (f->store, T0 + 61 + 3600, &n_purged, &error));
  g_assert_cmpuint (n_purged, ==, 1);
  g_assert_null (get_session (f, old->id, T0 + 61 + 3600));
  read = get_session (f, recent->id, T0 + 61 + 3600);
  g_assert_nonnull (read);
  g_assert_cmpint (read->state, ==, YQ_QR_STATE_EXPIRED);

  g_assert_true (yq_qr_sessions_purge (f->store, T0 + 100000, NULL, &error));
  g_assert_cmpint (count_rows (f->store, "SELECT count(*) FROM qr_sessions"), ==, 0);
}

static void
insert_people (Fixture *f)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf (
    "INSERT INTO bridge_people (connector_id, platform_id, account_id, name, department_ids, "
    "  active, oa_account, bound_at, bind_source, deleted_at, added_at, updated_at) VALUES "
    "(%1$lld, 'p-1', 'acc-1', '张三', 'd-2\nd-1', 1, 'zhangsan', 1, 'rule', NULL, 1, 1), "
    "(%1$lld, 'p-2', 'acc-2', '李四', '', 0, NULL, NULL, NULL, NULL, 1, 1), "
    "(%1$lld, 'p-3', 'acc-3', '王五', 'd-1', 1, 'wangwu', 1, 'rule', 1700000000, 1, 1)",
    (long long) f->connector_id);
  raw_exec (f->store, sql);
}

static YqLoginPerson *
find (Fixture    *f,
      gint64      connector_id,
      const char *platform_id,
      const char *account_id)
{
  g_autoptr(GError) error = NULL;
  YqLoginPerson *person;

  person = yq_login_store_find_person (f->store, connector_id, platform_id, account_id, &error);
  g_assert_no_error (error);

  return person;
}

static void
test_find_person (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(YqLoginPerson) person = NULL;

  insert_people (f);

  person = find (f, f->connector_id, "p-1", NULL);
  g_assert_nonnull (person);
  g_assert_cmpstr (person->platform_id, ==, "p-1");
  g_assert_cmpstr (person->name, ==, "张三");
  g_assert_true (person->active);
  g_assert_cmpstr (person->oa_account, ==, "zhangsan");
  g_assert_cmpuint (g_strv_length (person->department_ids), ==, 2);
  g_assert_cmpstr (person->department_ids[0], ==, "d-2");
  g_assert_cmpstr (person->department_ids[1], ==, "d-1");
  g_clear_pointer (&person, yq_login_person_free);

  /* By account ID, also when the platform ID is unknown. */
  person = find (f, f->connector_id, NULL, "acc-2");
  g_assert_nonnull (person);
  g_assert_cmpstr (person->platform_id, ==, "p-2");
  g_assert_false (person->active);
  g_assert_null (person->oa_account);
  g_assert_nonnull (person->department_ids);
  g_assert_null (person->department_ids[0]);
  g_clear_pointer (&person, yq_login_person_free);

  person = find (f, f->connector_id, "p-unknown", "acc-1");
  g_assert_cmpstr (person->platform_id, ==, "p-1");
  g_clear_pointer (&person, yq_login_person_free);

  /* The platform ID wins over the account ID. */
  person = find (f, f->connector_id, "p-2", "acc-1");
  g_assert_cmpstr (person->platform_id, ==, "p-2");
  g_clear_pointer (&person, yq_login_person_free);

  /* Deleted people, other connectors and nothing to look for: none. */
  g_assert_null (find (f, f->connector_id, "p-3", NULL));
  g_assert_null (find (f, f->connector_id, NULL, "acc-3"));
  g_assert_null (find (f, f->connector_id + 1, "p-1", "acc-1"));
  g_assert_null (find (f, f->connector_id, NULL, NULL));
  g_assert_null (find (f, f->connector_id, "", ""));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/login-store/guard/lockout", test_guard_lockout);
  ADD ("/login-store/guard/clear", test_guard_clear);
  ADD ("/login-store/qr/confirm", test_qr_confirm);
  ADD ("/login-store/qr/expiry", test_qr_expiry);
  ADD ("/login-store/qr/refused", test_qr_refused);
  ADD ("/login-store/qr/purge", test_qr_purge);
  ADD ("/login-store/find-person", test_find_person);

#undef ADD

  return g_test_run ();
}
