/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "yq-connector.h"

#define APP_SECRET "s3cr3t-APPVALUE"
#define DIR_SECRET "d1r-SECRETVALUE"
#define VALID -1

typedef struct
{
  const char        *description;
  YqConnectorPreset  preset;
  const char        *name;
  const char        *tenant_id;
  const char        *api_base;      /* NULL: keep the preset's */
  const char        *app_key;
  guint              qps;           /* 0: keep the default */
  gboolean           has_app_secret;
  gboolean           has_directory_secret;
  const char        *app_secret;
  const char        *directory_secret;
  int                first_error;   /* a YqConnectorField, or VALID */
  guint              n_errors;
} ValidationRow;

#define ZWDD YQ_CONNECTOR_PRESET_ZWDD_DGWORK
#define ZJ YQ_CONNECTOR_PRESET_ZWDD_ZJ
#define YZJ YQ_CONNECTOR_PRESET_YZJ_PUBLIC
#define YZJP YQ_CONNECTOR_PRESET_YZJ_PRIVATE

static const ValidationRow validation_rows[] = {
  /* Valid connectors */
  { "zwdd dgwork", ZWDD, "Acme", "123456", NULL, "dingabc", 0, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },
  { "zwdd zj", ZJ, "浙江某局", "1", NULL, "dingabc", 0, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },
  { "yzj public", YZJ, "Yunzhijia HQ", "10109", NULL, "500123", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, VALID, 0 },
  { "yzj private with port and path", YZJP, "Private", "99", "https://yzj.example.com:8443/openapi",
    "500123", 0, FALSE, FALSE, APP_SECRET, DIR_SECRET, VALID, 0 },
  { "http on 127.0.0.1 (simulator)", YZJP, "Sim", "1", "http://127.0.0.1:8080", "a", 0,
    FALSE, FALSE, APP_SECRET, DIR_SECRET, VALID, 0 },
  { "http on 127.8.9.10", ZWDD, "Sim2", "1", "http://127.8.9.10:1", "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, VALID, 0 },
  { "http on ::1", ZWDD, "Sim6", "1", "http://[::1]:9000", "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, VALID, 0 },
  { "http on localhost", ZWDD, "Local", "1", "http://localhost:9000", "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, VALID, 0 },
  { "edit keeps stored secrets", YZJ, "Edit", "5", NULL, "a", 0, TRUE, TRUE,
    NULL, "", VALID, 0 },
  { "zwdd never needs a directory secret", ZWDD, "NoDir", "5", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },
  { "name of 64 CJK characters",
    ZWDD, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
          "一二三四五六七八九十一二三四五六七八九十一二三四", "1", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },
  { "qps at the lower bound", ZWDD, "Q1", "1", NULL, "a", 1, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },
  { "qps at the upper bound", ZWDD, "Q2", "1", NULL, "a", 10000, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },
  { "internationalised host name", YZJP, "IDN", "1", "https://云之家.中国/api", "a", 0,
    FALSE, FALSE, APP_SECRET, DIR_SECRET, VALID, 0 },
  { "20-digit tenant", ZWDD, "Long tenant", "12345678901234567890", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, VALID, 0 },

  /* Name */
  { "empty name", ZWDD, "", "1", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_NAME, 1 },
  { "blank name", ZWDD, "   \t ", "1", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_NAME, 1 },
  { "name of 65 characters", ZWDD,
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "1", NULL, "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, YQ_CONNECTOR_FIELD_NAME, 1 },
  { "name with a line break", ZWDD, "Acme\nCorp", "1", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_NAME, 1 },

  /* Tenant ID */
  { "empty tenant", ZWDD, "T", "", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_TENANT_ID, 1 },
  { "tenant with letters", ZWDD, "T", "12a4", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_TENANT_ID, 1 },
  { "negative tenant", YZJ, "T", "-123", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_TENANT_ID, 1 },
  { "21-digit tenant", YZJ, "T", "123456789012345678901", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_TENANT_ID, 1 },
  { "full-width digits", ZWDD, "T", "１２３", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_TENANT_ID, 1 },

  /* API base */
  { "private deployment without URL", YZJP, "A", "1", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "URL without scheme", YZJ, "A", "1", "www.yunzhijia.com", "a", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "ftp URL", ZWDD, "A", "1", "ftp://openplatform.dg-work.cn", "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "plain http on a public host", YZJ, "A", "1", "http://www.yunzhijia.com", "a", 0,
    FALSE, FALSE, APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "plain http on a LAN address", YZJP, "A", "1", "http://10.0.0.1", "a", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "user info in URL", ZWDD, "A", "1", "https://admin:pw@openplatform.dg-work.cn", "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "query in URL", ZWDD, "A", "1", "https://openplatform.dg-work.cn/?x=1", "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "fragment in URL", ZWDD, "A", "1", "https://openplatform.dg-work.cn#top", "a", 0,
    FALSE, FALSE, APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "scheme only", ZWDD, "A", "1", "https://", "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "underscore-free garbage host", ZWDD, "A", "1", "https://exa$mple.com", "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },
  { "space in host", ZWDD, "A", "1", "https://open platform.cn", "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_API_BASE, 1 },

  /* App key */
  { "empty app key", ZWDD, "K", "1", NULL, "", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_APP_KEY, 1 },
  { "app key with a space", YZJ, "K", "1", NULL, "500 123", 0, FALSE, FALSE,
    APP_SECRET, DIR_SECRET, YQ_CONNECTOR_FIELD_APP_KEY, 1 },
  { "app key of 129 characters", ZWDD, "K", "1", NULL,
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_APP_KEY, 1 },

  /* Secrets */
  { "new connector without app secret", ZWDD, "S", "1", NULL, "a", 0, FALSE, FALSE,
    NULL, NULL, YQ_CONNECTOR_FIELD_APP_SECRET, 1 },
  { "empty app secret, none stored", ZWDD, "S", "1", NULL, "a", 0, FALSE, FALSE,
    "", NULL, YQ_CONNECTOR_FIELD_APP_SECRET, 1 },
  { "app secret with spaces", ZWDD, "S", "1", NULL, "a", 0, TRUE, FALSE,
    "bad SECRET value", NULL, YQ_CONNECTOR_FIELD_APP_SECRET, 1 },
  { "yzj without directory secret", YZJ, "S", "1", NULL, "a", 0, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_DIRECTORY_SECRET, 1 },
  { "directory secret with a line break", YZJ, "S", "1", NULL, "a", 0, FALSE, TRUE,
    APP_SECRET, "line1\nLINE2-SECRET", YQ_CONNECTOR_FIELD_DIRECTORY_SECRET, 1 },

  /* Rate limit */
  { "qps 0", ZWDD, "Q", "1", NULL, "a", G_MAXUINT, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_QPS, 1 },
  { "qps 10001", ZWDD, "Q", "1", NULL, "a", 10001, FALSE, FALSE,
    APP_SECRET, NULL, YQ_CONNECTOR_FIELD_QPS, 1 },

  /* Everything at once, reported in field order */
  { "empty yzj private connector", YZJP, "", "", NULL, "", 50000, FALSE, FALSE,
    NULL, NULL, YQ_CONNECTOR_FIELD_NAME, 7 },
};

static void
test_validation_table (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (validation_rows), >=, 20);

  for (guint i = 0; i < G_N_ELEMENTS (validation_rows); i++)
    {
      const ValidationRow *row = &validation_rows[i];
      g_autoptr(YqConnector) connector = yq_connector_new (row->preset);
      g_autoptr(GPtrArray) errors = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("row %u: %s", i, row->description);

      yq_connector_set_name (connector, row->name);
      yq_connector_set_tenant_id (connector, row->tenant_id);
      if (row->api_base != NULL)
        yq_connector_set_api_base (connector, row->api_base);
      yq_connector_set_app_key (connector, row->app_key);
      if (row->qps == G_MAXUINT)
        yq_connector_set_qps (connector, 0);
      else if (row->qps != 0)
        yq_connector_set_qps (connector, row->qps);
      yq_connector_set_has_app_secret (connector, row->has_app_secret);
      yq_connector_set_has_directory_secret (connector, row->has_directory_secret);

      errors = yq_connector_validate (connector, row->app_secret, row->directory_secret);
      ok = yq_connector_check (connector, row->app_secret, row->directory_secret, &error);

      if (row->first_error == VALID)
        {
          if (errors->len > 0)
            g_error ("row %u (%s): unexpected error: %s", i, row->description,
                     ((GError *) g_ptr_array_index (errors, 0))->message);
          g_assert_true (ok);
          g_assert_no_error (error);
          continue;
        }

      g_assert_cmpuint (errors->len, ==, row->n_errors);
      g_assert_false (ok);
      g_assert_error (error, YQ_CONNECTOR_ERROR, row->first_error);

      for (guint j = 0; j < errors->len; j++)
        {
          const GError *e = g_ptr_array_index (errors, j);

          g_assert_true (e->domain == YQ_CONNECTOR_ERROR);
          if (j > 0)
            g_assert_cmpint (e->code, >, ((GError *) g_ptr_array_index (errors, j - 1))->code);
          g_assert_cmpuint (strlen (e->message), >, 10);
          g_test_message ("  %s", e->message);

          /* Secrets are never quoted. */
          g_assert_null (strstr (e->message, "APPVALUE"));
          g_assert_null (strstr (e->message, "SECRETVALUE"));
          g_assert_null (strstr (e->message, "SECRET value"));
          g_assert_null (strstr (e->message, "LINE2"));
        }

      g_assert_cmpstr (error->message, ==,
                       ((GError *) g_ptr_array_index (errors, 0))->message);
    }
}

static void
test_validation_messages (void)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(GError) error = NULL;

  yq_connector_set_name (connector, "X");
  yq_connector_set_tenant_id (connector, "1");
  yq_connector_set_app_key (connector, "a");

  yq_connector_check (connector, APP_SECRET, DIR_SECRET, &error);
  g_assert_error (error, YQ_CONNECTOR_ERROR, YQ_CONNECTOR_FIELD_API_BASE);
  g_assert_cmpstr (error->message, ==,
                   "Enter the API address as a full URL, for example https://www.yunzhijia.com");
  g_clear_error (&error);

  yq_connector_set_api_base (connector, "http://yzj.example.com");
  yq_connector_check (connector, APP_SECRET, DIR_SECRET, &error);
  g_assert_error (error, YQ_CONNECTOR_ERROR, YQ_CONNECTOR_FIELD_API_BASE);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_clear_error (&error);

  yq_connector_set_qps (connector, 0);
  yq_connector_set_api_base (connector, "https://yzj.example.com");
  yq_connector_check (connector, APP_SECRET, DIR_SECRET, &error);
  g_assert_error (error, YQ_CONNECTOR_ERROR, YQ_CONNECTOR_FIELD_QPS);
  g_assert_nonnull (strstr (error->message, "between 1 and 10000"));
}

static void
test_normalization (void)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  struct {
    const char *in;
    const char *out;
  } api_bases[] = {
    { "https://yzj.example.com/", "https://yzj.example.com" },
    { "https://yzj.example.com///", "https://yzj.example.com" },
    { "  https://yzj.example.com/openapi/ \n", "https://yzj.example.com/openapi" },
    { "https://", "https://" },
    { "/", "" },
    { NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (api_bases); i++)
    {
      yq_connector_set_api_base (connector, api_bases[i].in);
      g_assert_cmpstr (yq_connector_get_api_base (connector), ==, api_bases[i].out);
    }

  yq_connector_set_name (connector, "  Acme Corp \t");
  g_assert_cmpstr (yq_connector_get_name (connector), ==, "Acme Corp");
  yq_connector_set_name (connector, NULL);
  g_assert_cmpstr (yq_connector_get_name (connector), ==, "");
  yq_connector_set_tenant_id (connector, " 123\n");
  g_assert_cmpstr (yq_connector_get_tenant_id (connector), ==, "123");
  yq_connector_set_app_key (connector, "\tkey ");
  g_assert_cmpstr (yq_connector_get_app_key (connector), ==, "key");
}

static void
test_kinds (void)
{
  YqPlatformKind kind;

  g_assert_cmpstr (yq_platform_kind_to_string (YQ_PLATFORM_KIND_ZWDD), ==, "zwdd");
  g_assert_cmpstr (yq_platform_kind_to_string (YQ_PLATFORM_KIND_YZJ), ==, "yzj");

  for (kind = YQ_PLATFORM_KIND_ZWDD; kind <= YQ_PLATFORM_KIND_YZJ; kind++)
    {
      YqPlatformKind parsed = (YqPlatformKind) 99;

      g_assert_true (yq_platform_kind_from_string (yq_platform_kind_to_string (kind), &parsed));
      g_assert_cmpint (parsed, ==, kind);
    }

  g_assert_false (yq_platform_kind_from_string ("ZWDD", &kind));
  g_assert_false (yq_platform_kind_from_string ("dingtalk", &kind));
  g_assert_false (yq_platform_kind_from_string ("", &kind));
  g_assert_false (yq_platform_kind_from_string (NULL, &kind));

  g_assert_cmpstr (yq_platform_kind_get_display_name (YQ_PLATFORM_KIND_ZWDD), ==,
                   "Government DingTalk");
  g_assert_cmpstr (yq_platform_kind_get_display_name (YQ_PLATFORM_KIND_YZJ), ==, "Yunzhijia");
  g_assert_cmpuint (yq_platform_kind_get_default_qps (YQ_PLATFORM_KIND_ZWDD), ==, 20);
  g_assert_cmpuint (yq_platform_kind_get_default_qps (YQ_PLATFORM_KIND_YZJ), ==, 10);
  g_assert_cmpstr (yq_platform_kind_get_tenant_label (YQ_PLATFORM_KIND_ZWDD), ==, "Tenant ID");
  g_assert_cmpstr (yq_platform_kind_get_tenant_label (YQ_PLATFORM_KIND_YZJ), ==,
                   "Team ID (EID)");
  g_assert_cmpstr (yq_platform_kind_get_app_key_label (YQ_PLATFORM_KIND_ZWDD), ==, "AppKey");
  g_assert_cmpstr (yq_platform_kind_get_app_key_label (YQ_PLATFORM_KIND_YZJ), ==, "AppId");

  /* The GEnum types use the same strings as nicks. */
  {
    g_autoptr(GEnumClass) klass = g_type_class_ref (YQ_TYPE_PLATFORM_KIND);

    g_assert_cmpstr (g_enum_get_value (klass, YQ_PLATFORM_KIND_YZJ)->value_nick, ==, "yzj");
  }
}

static void
test_presets (void)
{
  static const struct {
    YqConnectorPreset preset;
    const char       *id;
    const char       *display_name;
    YqPlatformKind    kind;
    const char       *api_base;
  } expected[] = {
    { YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "zwdd-dgwork", "DingTalk Pro (Zhuanyou Dingding)",
      YQ_PLATFORM_KIND_ZWDD, "https://openplatform.dg-work.cn" },
    { YQ_CONNECTOR_PRESET_ZWDD_ZJ, "zwdd-zj", "Zhejiang Government DingTalk (Zhezhengding)",
      YQ_PLATFORM_KIND_ZWDD, "https://openplatform-pro.ding.zj.gov.cn" },
    { YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "yzj-public", "Yunzhijia",
      YQ_PLATFORM_KIND_YZJ, "https://www.yunzhijia.com" },
    { YQ_CONNECTOR_PRESET_YZJ_PRIVATE, "yzj-private", "Yunzhijia private deployment",
      YQ_PLATFORM_KIND_YZJ, "" },
  };
  YqConnectorPreset preset;

  g_assert_cmpuint (G_N_ELEMENTS (expected), ==, YQ_N_CONNECTOR_PRESETS);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(YqConnector) connector = yq_connector_new (expected[i].preset);
      YqConnectorPreset parsed = YQ_N_CONNECTOR_PRESETS;

      g_assert_cmpstr (yq_connector_preset_to_string (expected[i].preset), ==, expected[i].id);
      g_assert_true (yq_connector_preset_from_string (expected[i].id, &parsed));
      g_assert_cmpint (parsed, ==, expected[i].preset);
      g_assert_cmpstr (yq_connector_preset_get_display_name (expected[i].preset), ==,
                       expected[i].display_name);
      g_assert_cmpint (yq_connector_preset_get_kind (expected[i].preset), ==, expected[i].kind);
      g_assert_cmpstr (yq_connector_preset_get_api_base (expected[i].preset), ==,
                       expected[i].api_base);
      g_assert_cmpint (yq_connector_preset_has_fixed_api_base (expected[i].preset), ==,
                       expected[i].api_base[0] != '\0');

      /* A new connector starts from the preset. */
      g_assert_cmpint (yq_connector_get_id (connector), ==, 0);
      g_assert_cmpint (yq_connector_get_preset (connector), ==, expected[i].preset);
      g_assert_cmpint (yq_connector_get_kind (connector), ==, expected[i].kind);
      g_assert_cmpstr (yq_connector_get_api_base (connector), ==, expected[i].api_base);
      g_assert_cmpuint (yq_connector_get_qps (connector), ==,
                        yq_platform_kind_get_default_qps (expected[i].kind));
      g_assert_true (yq_connector_get_directory_readonly (connector));
      g_assert_false (yq_connector_get_has_app_secret (connector));
      g_assert_false (yq_connector_get_has_directory_secret (connector));
      g_assert_cmpint (yq_connector_needs_directory_secret (connector), ==,
                       expected[i].kind == YQ_PLATFORM_KIND_YZJ);
      g_assert_cmpstr (yq_connector_get_name (connector), ==, "");
      g_assert_cmpstr (yq_connector_get_tenant_id (connector), ==, "");
      g_assert_cmpstr (yq_connector_get_app_key (connector), ==, "");
    }

  g_assert_false (yq_connector_preset_from_string ("yzj", &preset));
  g_assert_false (yq_connector_preset_from_string ("zwdd-DGWORK", &preset));
  g_assert_false (yq_connector_preset_from_string (NULL, &preset));
}

static void
test_set_preset (void)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);

  /* Same kind: the fixed URL changes, the rest stays. */
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_assert_cmpint (yq_connector_get_kind (connector), ==, YQ_PLATFORM_KIND_ZWDD);
  g_assert_cmpstr (yq_connector_get_api_base (connector), ==,
                   "https://openplatform-pro.ding.zj.gov.cn");
  g_assert_cmpuint (yq_connector_get_qps (connector), ==, 20);

  /* Other kind: a default rate limit follows the kind. */
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_assert_cmpint (yq_connector_get_kind (connector), ==, YQ_PLATFORM_KIND_YZJ);
  g_assert_cmpstr (yq_connector_get_api_base (connector), ==, "https://www.yunzhijia.com");
  g_assert_cmpuint (yq_connector_get_qps (connector), ==, 10);
  g_assert_true (yq_connector_needs_directory_secret (connector));

  /* A private deployment does not keep the public URL… */
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_assert_cmpstr (yq_connector_get_api_base (connector), ==, "");

  /* …but keeps a custom one. */
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  yq_connector_set_api_base (connector, "https://yzj.example.com/");
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_assert_cmpstr (yq_connector_get_api_base (connector), ==, "https://yzj.example.com");

  /* A rate limit the administrator chose survives a kind change. */
  yq_connector_set_qps (connector, 55);
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_assert_cmpuint (yq_connector_get_qps (connector), ==, 55);
  g_assert_cmpstr (yq_connector_get_api_base (connector), ==, "https://openplatform.dg-work.cn");
  g_assert_false (yq_connector_needs_directory_secret (connector));
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           GHashTable *counts)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
count (GHashTable *counts,
       const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_notify (void)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  g_signal_connect (connector, "notify", G_CALLBACK (notify_cb), counts);

  /* Each setter notifies once on a change… */
  yq_connector_set_id (connector, 7);
  yq_connector_set_name (connector, "Acme");
  yq_connector_set_tenant_id (connector, "1");
  yq_connector_set_api_base (connector, "https://x.example");
  yq_connector_set_app_key (connector, "k");
  yq_connector_set_directory_readonly (connector, FALSE);
  yq_connector_set_qps (connector, 30);
  yq_connector_set_has_app_secret (connector, TRUE);
  yq_connector_set_has_directory_secret (connector, TRUE);
  yq_connector_set_timestamps (connector, 100, 200);

  {
    const char *names[] = {
      "id", "name", "tenant-id", "api-base", "app-key", "directory-readonly", "qps",
      "has-app-secret", "has-directory-secret", "created-at", "updated-at",
    };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_test_message ("%s", names[i]);
        g_assert_cmpuint (count (counts, names[i]), ==, 1);
      }
    g_assert_cmpuint (g_hash_table_size (counts), ==, G_N_ELEMENTS (names));
  }

  /* …and never when the value stays the same (after normalisation). */
  g_hash_table_remove_all (counts);
  yq_connector_set_id (connector, 7);
  yq_connector_set_name (connector, " Acme ");
  yq_connector_set_tenant_id (connector, "1");
  yq_connector_set_api_base (connector, "https://x.example/");
  yq_connector_set_app_key (connector, "k");
  yq_connector_set_directory_readonly (connector, 42);
  yq_connector_set_directory_readonly (connector, FALSE);
  yq_connector_set_qps (connector, 30);
  yq_connector_set_has_app_secret (connector, 5);
  yq_connector_set_has_directory_secret (connector, TRUE);
  yq_connector_set_timestamps (connector, 100, 200);
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_ZWDD_DGWORK);
  g_object_set (connector,
                "name", "Acme",
                "qps", 30,
                "preset", YQ_CONNECTOR_PRESET_ZWDD_DGWORK,
                NULL);
  /* 42 and 5 are TRUE, a change for directory-readonly (FALSE → TRUE → FALSE). */
  g_assert_cmpuint (count (counts, "directory-readonly"), ==, 2);
  g_hash_table_remove (counts, "directory-readonly");
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  /* A preset of the other kind notifies every dependent property once. */
  yq_connector_set_qps (connector, 20);
  g_hash_table_remove_all (counts);
  yq_connector_set_preset (connector, YQ_CONNECTOR_PRESET_YZJ_PUBLIC);
  g_assert_cmpuint (count (counts, "preset"), ==, 1);
  g_assert_cmpuint (count (counts, "kind"), ==, 1);
  g_assert_cmpuint (count (counts, "api-base"), ==, 1);
  g_assert_cmpuint (count (counts, "qps"), ==, 1);
  g_assert_cmpuint (count (counts, "needs-directory-secret"), ==, 1);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 5);
}

static void
test_properties (void)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autofree char *name = NULL;
  g_autofree char *tenant_id = NULL;
  g_autofree char *api_base = NULL;
  g_autofree char *app_key = NULL;
  YqPlatformKind kind;
  YqConnectorPreset preset;
  gboolean readonly, has_app, has_dir, needs_dir;
  guint qps;
  gint64 id, created, updated;

  connector = g_object_new (YQ_TYPE_CONNECTOR,
                            "preset", YQ_CONNECTOR_PRESET_YZJ_PRIVATE,
                            "name", "Props",
                            "tenant-id", "42",
                            "api-base", "https://p.example/",
                            "app-key", "ak",
                            "directory-readonly", FALSE,
                            "qps", 77,
                            "has-app-secret", TRUE,
                            "id", (gint64) 9,
                            NULL);
  yq_connector_set_timestamps (connector, 11, 12);

  g_object_get (connector,
                "id", &id,
                "kind", &kind,
                "preset", &preset,
                "name", &name,
                "tenant-id", &tenant_id,
                "api-base", &api_base,
                "app-key", &app_key,
                "directory-readonly", &readonly,
                "qps", &qps,
                "has-app-secret", &has_app,
                "has-directory-secret", &has_dir,
                "needs-directory-secret", &needs_dir,
                "created-at", &created,
                "updated-at", &updated,
                NULL);

  g_assert_cmpint (id, ==, 9);
  g_assert_cmpint (kind, ==, YQ_PLATFORM_KIND_YZJ);
  g_assert_cmpint (preset, ==, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_assert_cmpstr (name, ==, "Props");
  g_assert_cmpstr (tenant_id, ==, "42");
  g_assert_cmpstr (api_base, ==, "https://p.example");
  g_assert_cmpstr (app_key, ==, "ak");
  g_assert_false (readonly);
  g_assert_cmpuint (qps, ==, 77);
  g_assert_true (has_app);
  g_assert_false (has_dir);
  g_assert_true (needs_dir);
  g_assert_cmpint (created, ==, 11);
  g_assert_cmpint (updated, ==, 12);
}

static void
test_copy (void)
{
  g_autoptr(YqConnector) original = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(YqConnector) copy = NULL;

  yq_connector_set_id (original, 3);
  yq_connector_set_name (original, "Original");
  yq_connector_set_tenant_id (original, "8");
  yq_connector_set_api_base (original, "https://o.example");
  yq_connector_set_app_key (original, "key");
  yq_connector_set_directory_readonly (original, FALSE);
  yq_connector_set_qps (original, 5);
  yq_connector_set_has_app_secret (original, TRUE);
  yq_connector_set_has_directory_secret (original, TRUE);
  yq_connector_set_timestamps (original, 1, 2);

  copy = yq_connector_copy (original);
  g_assert_true (copy != original);
  g_assert_cmpint (yq_connector_get_id (copy), ==, 3);
  g_assert_cmpint (yq_connector_get_preset (copy), ==, YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_assert_cmpint (yq_connector_get_kind (copy), ==, YQ_PLATFORM_KIND_YZJ);
  g_assert_cmpstr (yq_connector_get_name (copy), ==, "Original");
  g_assert_cmpstr (yq_connector_get_tenant_id (copy), ==, "8");
  g_assert_cmpstr (yq_connector_get_api_base (copy), ==, "https://o.example");
  g_assert_cmpstr (yq_connector_get_app_key (copy), ==, "key");
  g_assert_false (yq_connector_get_directory_readonly (copy));
  g_assert_cmpuint (yq_connector_get_qps (copy), ==, 5);
  g_assert_true (yq_connector_get_has_app_secret (copy));
  g_assert_true (yq_connector_get_has_directory_secret (copy));
  g_assert_cmpint (yq_connector_get_created_at (copy), ==, 1);
  g_assert_cmpint (yq_connector_get_updated_at (copy), ==, 2);

  /* Independent afterwards. */
  yq_connector_set_name (copy, "Copy");
  g_assert_cmpstr (yq_connector_get_name (original), ==, "Original");
}

int
main (int   argc,
      char *argv[])
{
  /* The expected messages are the English msgids. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connector/validation/table", test_validation_table);
  g_test_add_func ("/connector/validation/messages", test_validation_messages);
  g_test_add_func ("/connector/normalization", test_normalization);
  g_test_add_func ("/connector/kinds", test_kinds);
  g_test_add_func ("/connector/presets", test_presets);
  g_test_add_func ("/connector/set-preset", test_set_preset);
  g_test_add_func ("/connector/notify", test_notify);
  g_test_add_func ("/connector/properties", test_properties);
  g_test_add_func ("/connector/copy", test_copy);

  return g_test_run ();
}
