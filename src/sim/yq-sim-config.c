/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-sim"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "yq-sim-config.h"

/*
 * The defaults are made-up demo credentials, valid only against this
 * simulator; `yunqiao-sim --help` and the project README list them.
 */
YqSimConfig *
yq_sim_config_new_default (void)
{
  YqSimConfig *config = g_new0 (YqSimConfig, 1);
  const char * const domains[] = { "127.0.0.1", "localhost", NULL };

  config->people = 2500;
  config->seed = 1;

  config->zwdd_tenant_id = g_strdup ("196729");
  config->zwdd_tenant_name = g_strdup ("云桥示范单位");
  config->zwdd_app_key = g_strdup ("yqsim-h5-app-key");
  config->zwdd_app_secret = g_strdup ("yqsim-h5-app-secret-7Hq2Lw9Xc4");
  config->zwdd_qr_app_key = g_strdup ("yqsim-qr-app-key");
  config->zwdd_qr_app_secret = g_strdup ("yqsim-qr-app-secret-3Vt8Pn5Kd1");
  config->zwdd_qr_client_id = g_strdup ("yqsim_dingoa");
  config->zwdd_qr_redirect_domains = g_strdupv ((char **) domains);
  config->zwdd_gateway_status = 400;

  config->yzj_eid = g_strdup ("10109");
  config->yzj_app_id = g_strdup ("500012345");
  config->yzj_app_secret = g_strdup ("yqsim-yzj-app-secret-5Rb6Mz2Qf8");
  config->yzj_sign_key = g_strdup ("yqsim-yzj-sign-key-9Jd3Tw7Ye1");
  config->yzj_dir_secret = g_strdup ("yqsim-yzj-dir-rw-secret-4Gx1Nc6");
  config->yzj_dir_secret_readonly = g_strdup ("yqsim-yzj-dir-ro-secret-8Kp5Hs2");
  config->yzj_pub_id = g_strdup ("XT-yqsim-0001");
  config->yzj_pub_key = g_strdup ("yqsim-yzj-pub-key-6Wm4Ra9Lc3");

  return config;
}

YqSimConfig *
yq_sim_config_copy (const YqSimConfig *config)
{
  YqSimConfig *copy = g_new0 (YqSimConfig, 1);

  *copy = *config;
  copy->zwdd_tenant_id = g_strdup (config->zwdd_tenant_id);
  copy->zwdd_tenant_name = g_strdup (config->zwdd_tenant_name);
  copy->zwdd_app_key = g_strdup (config->zwdd_app_key);
  copy->zwdd_app_secret = g_strdup (config->zwdd_app_secret);
  copy->zwdd_qr_app_key = g_strdup (config->zwdd_qr_app_key);
  copy->zwdd_qr_app_secret = g_strdup (config->zwdd_qr_app_secret);
  copy->zwdd_qr_client_id = g_strdup (config->zwdd_qr_client_id);
  copy->zwdd_qr_redirect_domains = g_strdupv (config->zwdd_qr_redirect_domains);
  copy->yzj_eid = g_strdup (config->yzj_eid);
  copy->yzj_app_id = g_strdup (config->yzj_app_id);
  copy->yzj_app_secret = g_strdup (config->yzj_app_secret);
  copy->yzj_sign_key = g_strdup (config->yzj_sign_key);
  copy->yzj_dir_secret = g_strdup (config->yzj_dir_secret);
  copy->yzj_dir_secret_readonly = g_strdup (config->yzj_dir_secret_readonly);
  copy->yzj_pub_id = g_strdup (config->yzj_pub_id);
  copy->yzj_pub_key = g_strdup (config->yzj_pub_key);

  return copy;
}

void
yq_sim_config_free (YqSimConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->zwdd_tenant_id);
  g_free (config->zwdd_tenant_name);
  g_free (config->zwdd_app_key);
  g_free (config->zwdd_app_secret);
  g_free (config->zwdd_qr_app_key);
  g_free (config->zwdd_qr_app_secret);
  g_free (config->zwdd_qr_client_id);
  g_strfreev (config->zwdd_qr_redirect_domains);
  g_free (config->yzj_eid);
  g_free (config->yzj_app_id);
  g_free (config->yzj_app_secret);
  g_free (config->yzj_sign_key);
  g_free (config->yzj_dir_secret);
  g_free (config->yzj_dir_secret_readonly);
  g_free (config->yzj_pub_id);
  g_free (config->yzj_pub_key);
  g_free (config);
}

static void
load_string (GKeyFile    *file,
             const char  *group,
             const char  *key,
             char       **field)
{
  g_autofree char *value = g_key_file_get_string (file, group, key, NULL);

  if (value != NULL)
    {
      g_free (*field);
      *field = g_strstrip (g_steal_pointer (&value));
    }
}

static gboolean
load_rate (GKeyFile    *file,
           const char  *key,
           double       max,
           double      *field,
           GError     **error)
{
  g_autofree char *value = g_key_file_get_string (file, "faults", key, NULL);
  char *end = NULL;
  double number;

  if (value == NULL)
    return TRUE;

  number = g_ascii_strtod (g_strstrip (value), &end);
  if (end == value || *end != '\0' || !(number >= 0 && number <= max))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("[faults] %s must be a number from 0 to %g"), key, max);
      return FALSE;
    }

  *field = number;

  return TRUE;
}

static gboolean
load_uint (GKeyFile    *file,
           const char  *group,
           const char  *key,
           guint64      max,
           guint64     *field,
           GError     **error)
{
  g_autofree char *value = g_key_file_get_string (file, group, key, NULL);

  if (value == NULL)
    return TRUE;

  if (!g_ascii_string_to_unsigned (g_strstrip (value), 10, 0, max, field, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("[%s] %s must be a whole number up to %llu"),
                   group, key, (unsigned long long) max);
      return FALSE;
    }

  return TRUE;
}

/**
 * yq_sim_config_load:
 * @config: a configuration to update
 * @path: a key file with the groups [server], [zwdd], [yzj] and [faults]
 * @error: return location for an error
 *
 * Overrides the values of @config with those present in @path.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_sim_config_load (YqSimConfig  *config,
                    const char   *path,
                    GError      **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  guint64 value;
  g_auto(GStrv) domains = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return FALSE;

  value = config->port;
  if (!load_uint (file, "server", "port", 65535, &value, error))
    return FALSE;
  config->port = (guint) value;
  value = config->login_port;
  if (!load_uint (file, "server", "login-port", 65535, &value, error))
    return FALSE;
  config->login_port = (guint) value;
  value = config->people;
  if (!load_uint (file, "server", "people", 10000000, &value, error))
    return FALSE;
  config->people = (guint) value;
  if (!load_uint (file, "server", "seed", G_MAXUINT64, &config->seed, error))
    return FALSE;

  load_string (file, "zwdd", "tenant-id", &config->zwdd_tenant_id);
  load_string (file, "zwdd", "tenant-name", &config->zwdd_tenant_name);
  load_string (file, "zwdd", "app-key", &config->zwdd_app_key);
  load_string (file, "zwdd", "app-secret", &config->zwdd_app_secret);
  load_string (file, "zwdd", "qr-app-key", &config->zwdd_qr_app_key);
  load_string (file, "zwdd", "qr-app-secret", &config->zwdd_qr_app_secret);
  load_string (file, "zwdd", "qr-client-id", &config->zwdd_qr_client_id);
  domains = g_key_file_get_string_list (file, "zwdd", "qr-redirect-domains", NULL, NULL);
  if (domains != NULL)
    {
      g_strfreev (config->zwdd_qr_redirect_domains);
      config->zwdd_qr_redirect_domains = g_steal_pointer (&domains);
    }
  value = config->zwdd_gateway_status;
  if (!load_uint (file, "zwdd", "gateway-error-status", 499, &value, error))
    return FALSE;
  config->zwdd_gateway_status = (guint) value;
  if (g_key_file_has_key (file, "zwdd", "strict-nonce", NULL))
    config->zwdd_strict_nonce = g_key_file_get_boolean (file, "zwdd", "strict-nonce", NULL);

  load_string (file, "yzj", "eid", &config->yzj_eid);
  load_string (file, "yzj", "app-id", &config->yzj_app_id);
  load_string (file, "yzj", "app-secret", &config->yzj_app_secret);
  load_string (file, "yzj", "sign-key", &config->yzj_sign_key);
  load_string (file, "yzj", "directory-secret", &config->yzj_dir_secret);
  load_string (file, "yzj", "directory-secret-readonly", &config->yzj_dir_secret_readonly);
  load_string (file, "yzj", "pub-id", &config->yzj_pub_id);
  load_string (file, "yzj", "pub-key", &config->yzj_pub_key);

  value = config->faults.latency_ms;
  if (!load_uint (file, "faults", "latency-ms", 600000, &value, error))
    return FALSE;
  config->faults.latency_ms = (guint) value;
  value = config->faults.token_ttl;
  if (!load_uint (file, "faults", "token-ttl", 86400 * 30, &value, error))
    return FALSE;
  config->faults.token_ttl = (guint) value;
  if (!load_uint (file, "faults", "seed", G_MAXUINT64, &config->faults.seed, error) ||
      !load_rate (file, "error-rate", 1, &config->faults.error_rate, error) ||
      !load_rate (file, "malformed-rate", 1, &config->faults.malformed_rate, error) ||
      !load_rate (file, "qps-limit", 1000000, &config->faults.qps_limit, error))
    return FALSE;

  return yq_sim_config_validate (config, error);
}

/**
 * yq_sim_config_validate:
 * @config: a configuration
 * @error: return location for an error
 *
 * Returns: %TRUE if every credential is set and the gateway error status is
 *   200 or 4xx
 */
gboolean
yq_sim_config_validate (const YqSimConfig  *config,
                        GError            **error)
{
  const struct { const char *name; const char *value; } required[] = {
    { "zwdd tenant-id", config->zwdd_tenant_id },
    { "zwdd app-key", config->zwdd_app_key },
    { "zwdd app-secret", config->zwdd_app_secret },
    { "zwdd qr-app-key", config->zwdd_qr_app_key },
    { "zwdd qr-app-secret", config->zwdd_qr_app_secret },
    { "zwdd qr-client-id", config->zwdd_qr_client_id },
    { "yzj eid", config->yzj_eid },
    { "yzj app-id", config->yzj_app_id },
    { "yzj app-secret", config->yzj_app_secret },
    { "yzj sign-key", config->yzj_sign_key },
    { "yzj directory-secret", config->yzj_dir_secret },
    { "yzj directory-secret-readonly", config->yzj_dir_secret_readonly },
    { "yzj pub-id", config->yzj_pub_id },
    { "yzj pub-key", config->yzj_pub_key },
  };
  guint64 tenant;

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      if (required[i].value == NULL || *required[i].value == '\0')
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       _("The setting “%s” is empty"), required[i].name);
          return FALSE;
        }
    }

  if (!g_ascii_string_to_unsigned (config->zwdd_tenant_id, 10, 1, G_MAXINT64, &tenant, NULL))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("The 政务钉钉 tenant ID must be a number"));
      return FALSE;
    }

  if (g_str_equal (config->zwdd_app_key, config->zwdd_qr_app_key))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("The 政务钉钉 H5 app and QR-login app need different AppKeys"));
      return FALSE;
    }

  if (g_str_equal (config->yzj_dir_secret, config->yzj_dir_secret_readonly))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("The 云之家 read-only and editable directory keys must differ"));
      return FALSE;
    }

  if (config->zwdd_gateway_status != 200 &&
      (config->zwdd_gateway_status < 400 || config->zwdd_gateway_status > 499))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("The gateway error status must be 200 or between 400 and 499"));
      return FALSE;
    }

  return TRUE;
}
