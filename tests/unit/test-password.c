/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "yq-oa-directory.h"
#include "yq-password.h"
#include "yq-store-private.h"
#include "yq-test-fs.h"

static void
assert_hex (const guint8 *data,
            gsize         length,
            const char   *expected)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", data[i]);

  g_assert_cmpstr (hex->str, ==, expected);
}

/* RFC 7914 §11, the PBKDF2-HMAC-SHA256 vectors (the second also checked
 * against OpenSSL through Python's hashlib.pbkdf2_hmac). */
static void
test_pbkdf2_vectors (void)
{
  guint8 key[64];

  yq_password_pbkdf2_sha256 ((const guint8 *) "passwd", 6, (const guint8 *) "salt", 4, 1,
                             key, sizeof key);
  assert_hex (key, sizeof key,
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");

  yq_password_pbkdf2_sha256 ((const guint8 *) "Password", 8, (const guint8 *) "NaCl", 4, 80000,
                             key, sizeof key);
  assert_hex (key, sizeof key,
              "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
              "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");

  /* A key shorter than one block is its prefix. */
  yq_password_pbkdf2_sha256 ((const guint8 *) "passwd", 6, (const guint8 *) "salt", 4, 1,
                             key, 20);
  assert_hex (key, 20, "55ac046e56e3089fec1691c22544b605f9418521");
}

static void
test_hash_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) hash = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *again = NULL;
  g_autofree char *prefix = NULL;
  gboolean matches = FALSE;
  guint iterations = 0;

  encoded = yq_password_hash ("正确的马 battery staple", &error);
  g_assert_no_error (error);
  g_assert_nonnull (encoded);

  prefix = g_strdup_printf ("pbkdf2-sha256$%d$", YQ_PASSWORD_ITERATIONS);
  g_assert_true (g_str_has_prefix (encoded, prefix));
  g_assert_null (strstr (encoded, "battery"));

  g_assert_true (yq_password_parse (encoded, &iterations, &salt, &hash, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (iterations, >=, 600000);
  g_assert_cmpuint (g_bytes_get_size (salt), ==, 16);
  g_assert_cmpuint (g_bytes_get_size (hash), ==, 32);

  g_assert_true (yq_password_verify (encoded, "正确的马 battery staple", &matches, &error));
  g_assert_no_error (error);
  g_assert_true (matches);

  g_assert_true (yq_password_verify (encoded, "正确的马 battery stapLe", &matches, &error));
  g_assert_no_error (error);
  g_assert_false (matches);

  g_assert_true (yq_password_verify (encoded, "", &matches, &error));
  g_assert_no_error (error);
  g_assert_false (matches);

  /* A new salt every time. */
  again = yq_password_hash ("正确的马 battery staple", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, !=, encoded);

  /* Passwords that cannot be set. */
  g_assert_null (yq_password_hash ("", &error));
  g_assert_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_PASSWORD);
  g_clear_error (&error);
  g_assert_null (yq_password_hash ("\xff\xfe", &error));
  g_assert_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_PASSWORD);
  g_clear_error (&error);
}

static void
test_parse_errors (void)
{
  /* Salt "0123456789abcdef", hash 32 bytes of 'A'. */
#define SALT "MDEyMzQ1Njc4OWFiY2RlZg=="
#define HASH "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
  const char *bad[] = {
    "",
    "pbkdf2-sha256",
    "pbkdf2-sha256$600000$" SALT,
    "pbkdf2-sha256$600000$" SALT "$" HASH "$extra",
    "bcrypt$600000$" SALT "$" HASH,
    "PBKDF2-SHA256$600000$" SALT "$" HASH,
    "pbkdf2-sha256$$" SALT "$" HASH,
    "pbkdf2-sha256$6e5$" SALT "$" HASH,
    "pbkdf2-sha256$-600000$" SALT "$" HASH,
    "pbkdf2-sha256$0600000$" SALT "$" HASH,
    "pbkdf2-sha256$1000$" SALT "$" HASH,
    "pbkdf2-sha256$599999$" SALT "$" HASH,
    "pbkdf2-sha256$99999999999999999999$" SALT "$" HASH,
    "pbkdf2-sha256$100000000$" SALT "$" HASH,
    "pbkdf2-sha256$600000$$" HASH,
    "pbkdf2-sha256$600000$MDEyMzQ1Njc4OWFiY2RlZg$" HASH,
    "pbkdf2-sha256$600000$MDEy!zQ1Njc4OWFiY2RlZg==$" HASH,
    "pbkdf2-sha256$600000$MDEyMzQ1Njc4OWFiY2RlZh==$" HASH,
    "pbkdf2-sha256$600000$MDEy$" HASH,
    "pbkdf2-sha256$600000$" SALT "$",
    "pbkdf2-sha256$600000$" SALT "$QUFBQQ==",
    "pbkdf2-sha256$600000$" SALT "$" HASH " ",
  };
  g_autoptr(GError) error = NULL;
  gboolean matches = TRUE;

  /* The well-formed one parses. */
  g_assert_true (yq_password_parse ("pbkdf2-sha256$600000$" SALT "$" HASH, NULL, NULL, NULL,
                                    &error));
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_false (yq_password_parse (bad[i], NULL, NULL, NULL, &error));
      g_assert_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_HASH);
      /* The message says what is wrong without repeating the hash. */
      g_assert_nonnull (strstr (error->message, "pbkdf2-sha256") != NULL ||
                        strstr (error->message, "iteration") != NULL ||
                        strstr (error->message, "salt") != NULL ||
                        strstr (error->message, "hash") != NULL ? error->message : NULL);
      g_assert_null (strstr (error->message, SALT));
      g_assert_null (strstr (error->message, HASH));
      g_clear_error (&error);

      g_assert_false (yq_password_verify (bad[i], "secret", &matches, &error));
      g_assert_error (error, YQ_PASSWORD_ERROR, YQ_PASSWORD_ERROR_INVALID_HASH);
      g_assert_false (matches);
      g_clear_error (&error);
    }
#undef SALT
#undef HASH
}

static void
test_hash_is_valid (void)
{
  /* Salt "0123456789abcdef", hash 32 bytes of 'A'. */
#define SALT "MDEyMzQ1Njc4OWFiY2RlZg=="
#define HASH "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
  const char *good[] = {
    "pbkdf2-sha256$600000$" SALT "$" HASH,
    "pbkdf2-sha256$10000000$" SALT "$" HASH,
    /* 8-byte salt, 16-byte hash: the shortest accepted. */
    "pbkdf2-sha256$600000$MDEyMzQ1Njc=$QUFBQUFBQUFBQUFBQUFBQQ==",
  };
  const char *bad[] = {
    "",
    "secret-password",
    "pbkdf2-sha256$599999$" SALT "$" HASH,
    "pbkdf2-sha256$10000001$" SALT "$" HASH,
    "pbkdf2-sha1$600000$" SALT "$" HASH,
    "pbkdf2-sha256$600000$MDEyMzQ1Ng==$" HASH,          /* 6-byte salt */
    "pbkdf2-sha256$600000$" SALT "$QUFBQUFBQUFBQUFBQUE=", /* 14-byte hash */
    "pbkdf2-sha256$600000$" SALT "$" HASH "=",
    "pbkdf2-sha256$600000$" SALT "$" HASH "$",
    " pbkdf2-sha256$600000$" SALT "$" HASH,
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *made = NULL;

  g_assert_false (yq_password_hash_is_valid (NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_test_message ("good case %" G_GSIZE_FORMAT, i);
      g_assert_true (yq_password_hash_is_valid (good[i]));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad case %" G_GSIZE_FORMAT, i);
      g_assert_false (yq_password_hash_is_valid (bad[i]));
    }

  /* What yq_password_hash() makes is always importable. */
  made = yq_password_hash ("Import-me-2024", &error);
  g_assert_no_error (error);
  g_assert_true (yq_password_hash_is_valid (made));
#undef SALT
#undef HASH
}

/* The built-in OA directory */

typedef struct
{
  char          *dir;
  YqStore       *store;
  YqOaDirectory *directory;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("yq-test-password-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "yunqiao.db", NULL);
  f->store = yq_store_open (path, &error);
  g_assert_no_error (error);
  f->directory = yq_builtin_oa_directory_new (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->directory);
  g_clear_object (&f->store);
  yq_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
add_person (YqOaDirectory *directory,
            const char    *department_id,
            const char    *account,
            const char    *name)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (account, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department_id);

  id = yq_oa_directory_add_person (directory, person, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, account);
}

static void
set_password (Fixture    *f,
              const char *account,
              const char *password)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (f->directory),
                                                       account, password, &error));
  g_assert_no_error (error);
}

/* Returns the error message; asserts the generic failure. */
static char *
check_refused (Fixture    *f,
               const char *account,
               const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *person_id = NULL;

  g_assert_false (yq_oa_directory_check_password (f->directory, account, password, &person_id,
                                                  &error));
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS);
  g_assert_null (person_id);
  if (password[0] != '\0')
    g_assert_null (strstr (error->message, password));

  return g_strdup (error->message);
}

static void
test_directory_passwords (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("ignored", NULL, "总部");
  g_autoptr(GError) error = NULL;
  g_autofree char *department_id = NULL;
  g_autofree char *person_id = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *unknown = NULL;
  g_autofree char *no_password = NULL;
  g_autofree char *disabled = NULL;
  g_autofree char *removed = NULL;

  department_id = yq_oa_directory_add_department (f->directory, department, &error);
  g_assert_no_error (error);
  add_person (f->directory, department_id, "zhangsan", "张三");
  add_person (f->directory, department_id, "lisi", "李四");
  add_person (f->directory, department_id, "wangwu", "王五");

  set_password (f, "zhangsan", "S3cret-张三");
  set_password (f, "wangwu", "S3cret-王五");

  /* Round trip; accounts compare without regard to case. */
  g_assert_true (yq_oa_directory_check_password (f->directory, "ZhangSan", "S3cret-张三",
                                                 &person_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (person_id, ==, "zhangsan");

  /* The hash, not the password, is stored. */
  {
    g_autofree char *path = g_build_filename (f->dir, "yunqiao.db", NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_null (g_strstr_len (contents, length, "S3cret"));
  }

  wrong = check_refused (f, "zhangsan", "S3cret-李四");
  unknown = check_refused (f, "nobody", "S3cret-张三");
  no_password = check_refused (f, "lisi", "");

  g_assert_true (yq_oa_directory_disable_person (f->directory, "wangwu", &error));
  g_assert_no_error (error);
  disabled = check_refused (f, "wangwu", "S3cret-王五");

  /* Removing a password stops sign-in. */
  set_password (f, "zhangsan", NULL);
  removed = check_refused (f, "zhangsan", "S3cret-张三");

  /* No user enumeration: one message for every case. */
  g_assert_cmpstr (unknown, ==, wrong);
  g_assert_cmpstr (no_password, ==, wrong);
  g_assert_cmpstr (disabled, ==, wrong);
  g_assert_cmpstr (removed, ==, wrong);
  g_assert_null (strstr (wrong, "zhangsan"));

  /* Setting a password needs a known person and a usable password. */
  g_assert_false (yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (f->directory),
                                                        "nobody", "whatever1", &error));
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (f->directory),
                                                        "lisi", "", &error));
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_clear_error (&error);

  /* Too short: seven characters (more bytes than that) are refused, eight
   * characters are enough. */
  g_assert_cmpint (YQ_PASSWORD_MIN_LENGTH, ==, 8);
  g_assert_false (yq_builtin_oa_directory_set_password (YQ_BUILTIN_OA_DIRECTORY (f->directory),
                                                        "lisi", "短密码abcd", &error));
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "shorter than 8 characters"));
  g_assert_null (strstr (error->message, "短密码abcd"));
  g_clear_error (&error);
  no_password = check_refused (f, "lisi", "短密码abcd");
  set_password (f, "lisi", "短密码abcde");
  g_assert_true (yq_oa_directory_check_password (f->directory, "lisi", "短密码abcde", NULL,
                                                 &error));
  g_assert_no_error (error);
}

static gint64
count_audit (Fixture    *f,
             const char *action,
             const char *subject)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (f->store),
                                       "SELECT count(*) FROM audit_log WHERE action = ?1 AND "
                                       "subject = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return count;
}

static void
test_directory_clear_password (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("ignored", NULL, "总部");
  g_autoptr(GError) error = NULL;
  g_autofree char *department_id = NULL;
  g_autofree char *refused = NULL;
  YqBuiltinOaDirectory *builtin = YQ_BUILTIN_OA_DIRECTORY (f->directory);

  department_id = yq_oa_directory_add_department (f->directory, department, &error);
  g_assert_no_error (error);
  add_person (f->directory, department_id, "zhangsan", "张三");
  set_password (f, "zhangsan", "S3cret-张三-long");
  g_assert_cmpint (count_audit (f, "oa-person.set-password", "oa-person/zhangsan"), ==, 1);

  g_assert_true (yq_builtin_oa_directory_clear_password (builtin, "zhangsan", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_audit (f, "oa-person.clear-password", "oa-person/zhangsan"), ==, 1);
  refused = check_refused (f, "zhangsan", "S3cret-张三-long");

  /* Unknown account: a clear error, nothing audited. */
  g_assert_false (yq_builtin_oa_directory_clear_password (builtin, "nobody", &error));
  g_assert_error (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nobody"));
  g_clear_error (&error);
  g_assert_cmpint (count_audit (f, "oa-person.clear-password", "oa-person/nobody"), ==, 0);

  /* Neither the password nor its hash reaches the audit log. */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (yq_store_get_db (f->store),
                                         "SELECT count(*) FROM audit_log WHERE "
                                         "instr (coalesce (detail, ''), 'S3cret') > 0 OR "
                                         "instr (coalesce (detail, ''), 'pbkdf2-sha256$') > 0",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
}

/* An unknown account costs about as much as a known one (one PBKDF2). */
static void
test_directory_timing (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(YqOrgDepartment) department = yq_org_department_new ("ignored", NULL, "总部");
  g_autoptr(GError) error = NULL;
  g_autofree char *department_id = NULL;
  g_autofree char *message = NULL;
  g_autofree char *message2 = NULL;
  gint64 start, known, unknown;

  department_id = yq_oa_directory_add_department (f->directory, department, &error);
  g_assert_no_error (error);
  add_person (f->directory, department_id, "zhangsan", "张三");
  set_password (f, "zhangsan", "S3cret-张三");

  start = g_get_monotonic_time ();
  message = check_refused (f, "zhangsan", "wrong-password");
  known = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  message2 = check_refused (f, "nobody", "wrong-password");
  unknown = g_get_monotonic_time () - start;

  g_test_message ("known %lld µs, unknown %lld µs", (long long) known, (long long) unknown);
  /* Loose bound: without the dummy computation unknown would be ~1000× faster. */
  g_assert_cmpint (unknown * 4, >, known);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/password/pbkdf2-vectors", test_pbkdf2_vectors);
  g_test_add_func ("/password/hash-verify", test_hash_verify);
  g_test_add_func ("/password/parse-errors", test_parse_errors);
  g_test_add_func ("/password/hash-is-valid", test_hash_is_valid);
  g_test_add ("/password/oa-directory", Fixture, NULL, fixture_setup, test_directory_passwords,
              fixture_teardown);
  g_test_add ("/password/oa-directory-clear", Fixture, NULL, fixture_setup,
              test_directory_clear_password, fixture_teardown);
  g_test_add ("/password/oa-directory-timing", Fixture, NULL, fixture_setup,
              test_directory_timing, fixture_teardown);

  return g_test_run ();
}
