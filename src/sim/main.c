/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yunqiao-sim"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "yq-sim-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);

  return G_SOURCE_CONTINUE;
}

static void
override_string (char       **field,
                 char        *value)
{
  if (value != NULL)
    {
      g_free (*field);
      *field = value;
    }
}

static char *
describe_defaults (void)
{
  g_autoptr(YqSimConfig) d = yq_sim_config_new_default ();
  g_autofree char *domains = g_strjoinv (", ", d->zwdd_qr_redirect_domains);

  return g_strdup_printf (_("Default demo credentials (made up; valid only against this "
                            "simulator):\n"
                            "  政务钉钉: tenant ID %s, AppKey %s, AppSecret %s,\n"
                            "            QR-login AppKey %s, AppSecret %s, client_id %s,\n"
                            "            redirect domains %s\n"
                            "  云之家:   eid %s, appId %s, app secret %s, signKey %s,\n"
                            "            directory key (editable) %s, (read-only) %s,\n"
                            "            public account %s, key %s\n"
                            "\n"
                            "On start the simulator prints one line to standard output:\n"
                            "  READY port=N login-port=M url=http://127.0.0.1:N "
                            "login-url=http://127.0.0.1:M people=P departments=D\n"
                            "The admin API lives under http://127.0.0.1:N/_sim/."),
                          d->zwdd_tenant_id, d->zwdd_app_key, d->zwdd_app_secret,
                          d->zwdd_qr_app_key, d->zwdd_qr_app_secret, d->zwdd_qr_client_id, domains,
                          d->yzj_eid, d->yzj_app_id, d->yzj_app_secret, d->yzj_sign_key,
                          d->yzj_dir_secret, d->yzj_dir_secret_readonly,
                          d->yzj_pub_id, d->yzj_pub_key);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(YqSimConfig) config = yq_sim_config_new_default ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(YqSimOrg) org = NULL;
  g_autoptr(YqSimServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *description = NULL;
  g_autofree char *config_file = NULL;
  gint port = -1, login_port = -1, people = -1, gateway_status = -1;
  gint latency = -1, token_ttl = -1;
  gint64 seed = -1, fault_seed = -1;
  double error_rate = -1, qps_limit = -1, malformed_rate = -1;
  gboolean strict_nonce = FALSE;
  char *zwdd_tenant_id = NULL, *zwdd_app_key = NULL, *zwdd_app_secret = NULL;
  char *zwdd_qr_app_key = NULL, *zwdd_qr_app_secret = NULL, *zwdd_qr_client_id = NULL;
  char **zwdd_qr_domains = NULL;
  char *yzj_eid = NULL, *yzj_app_id = NULL, *yzj_app_secret = NULL, *yzj_sign_key = NULL;
  char *yzj_dir_secret = NULL, *yzj_dir_secret_ro = NULL, *yzj_pub_id = NULL, *yzj_pub_key = NULL;
  gint64 started;
  double generation;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file,
      N_("Read settings from a key file ([server], [zwdd], [yzj], [faults] groups)"), N_("FILE") },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      N_("Main listener port on 127.0.0.1 (0 picks a free one)"), "N" },
    { "login-port", 0, 0, G_OPTION_ARG_INT, &login_port,
      N_("政务钉钉 QR login-host port (0 picks a free one)"), "N" },
    { "people", 'n', 0, G_OPTION_ARG_INT, &people,
      N_("Number of people to generate (default 2500)"), "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed,
      N_("Organisation generator seed (default 1)"), "S" },
    { "zwdd-tenant-id", 0, 0, G_OPTION_ARG_STRING, &zwdd_tenant_id, N_("政务钉钉 tenant ID"), "ID" },
    { "zwdd-app-key", 0, 0, G_OPTION_ARG_STRING, &zwdd_app_key, N_("政务钉钉 H5 app AppKey"), "KEY" },
    { "zwdd-app-secret", 0, 0, G_OPTION_ARG_STRING, &zwdd_app_secret,
      N_("政务钉钉 H5 app AppSecret"), "SECRET" },
    { "zwdd-qr-app-key", 0, 0, G_OPTION_ARG_STRING, &zwdd_qr_app_key,
      N_("政务钉钉 QR-login app AppKey"), "KEY" },
    { "zwdd-qr-app-secret", 0, 0, G_OPTION_ARG_STRING, &zwdd_qr_app_secret,
      N_("政务钉钉 QR-login app AppSecret"), "SECRET" },
    { "zwdd-qr-client-id", 0, 0, G_OPTION_ARG_STRING, &zwdd_qr_client_id,
      N_("政务钉钉 QR-login app identifier (client_id)"), "ID" },
    { "zwdd-qr-redirect-domain", 0, 0, G_OPTION_ARG_STRING_ARRAY, &zwdd_qr_domains,
      N_("Host name the QR-login app may redirect to (repeatable)"), "HOST" },
    { "zwdd-gateway-status", 0, 0, G_OPTION_ARG_INT, &gateway_status,
      N_("HTTP status of 政务钉钉 gateway errors: 200 or 4xx (default 400)"), "STATUS" },
    { "zwdd-strict-nonce", 0, 0, G_OPTION_ARG_NONE, &strict_nonce,
      N_("Reject a reused 政务钉钉 nonce"), NULL },
    { "yzj-eid", 0, 0, G_OPTION_ARG_STRING, &yzj_eid, N_("云之家 team ID (eid)"), "EID" },
    { "yzj-app-id", 0, 0, G_OPTION_ARG_STRING, &yzj_app_id, N_("云之家 light-app appId"), "ID" },
    { "yzj-app-secret", 0, 0, G_OPTION_ARG_STRING, &yzj_app_secret,
      N_("云之家 light-app secret"), "SECRET" },
    { "yzj-sign-key", 0, 0, G_OPTION_ARG_STRING, &yzj_sign_key,
      N_("云之家 light-app signKey for quick approval"), "KEY" },
    { "yzj-directory-secret", 0, 0, G_OPTION_ARG_STRING, &yzj_dir_secret,
      N_("云之家 directory secret, editable key"), "SECRET" },
    { "yzj-directory-secret-readonly", 0, 0, G_OPTION_ARG_STRING, &yzj_dir_secret_ro,
      N_("云之家 directory secret, read-only key"), "SECRET" },
    { "yzj-pub-id", 0, 0, G_OPTION_ARG_STRING, &yzj_pub_id, N_("云之家 public-account ID"), "ID" },
    { "yzj-pub-key", 0, 0, G_OPTION_ARG_STRING, &yzj_pub_key, N_("云之家 public-account key"), "KEY" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency,
      N_("Delay added to every platform response"), "MS" },
    { "error-rate", 0, 0, G_OPTION_ARG_DOUBLE, &error_rate,
      N_("Share of platform requests answered with a 5xx status (0..1)"), "RATE" },
    { "qps-limit", 0, 0, G_OPTION_ARG_DOUBLE, &qps_limit,
      N_("Requests per second per platform before rate-limit errors (0 = none)"), "QPS" },
    { "token-ttl", 0, 0, G_OPTION_ARG_INT, &token_ttl,
      N_("Lifetime of issued tokens in seconds (0 = the platforms' own)"), "SECONDS" },
    { "malformed-rate", 0, 0, G_OPTION_ARG_DOUBLE, &malformed_rate,
      N_("Share of platform responses whose body is cut short (0..1)"), "RATE" },
    { "fault-seed", 0, 0, G_OPTION_ARG_INT64, &fault_seed, N_("Seed of the fault draws"), "S" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  description = describe_defaults ();
  context = g_option_context_new (_("— simulator of the 政务钉钉 and 云之家 open platforms"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (config_file != NULL && !yq_sim_config_load (config, config_file, &error))
    {
      g_printerr (_("Cannot read %s: %s\n"), config_file, error->message);
      return 2;
    }

  if (port > 65535 || login_port > 65535 || error_rate > 1 || malformed_rate > 1)
    {
      g_printerr (_("A port, rate or duration is out of range; see --help\n"));
      return 2;
    }

  if (port >= 0)
    config->port = (guint) port;
  if (login_port >= 0)
    config->login_port = (guint) login_port;
  if (people >= 0)
    config->people = (guint) people;
  if (seed >= 0)
    config->seed = (guint64) seed;
  if (gateway_status >= 0)
    config->zwdd_gateway_status = (guint) gateway_status;
  if (strict_nonce)
    config->zwdd_strict_nonce = TRUE;
  override_string (&config->zwdd_tenant_id, zwdd_tenant_id);
  override_string (&config->zwdd_app_key, zwdd_app_key);
  override_string (&config->zwdd_app_secret, zwdd_app_secret);
  override_string (&config->zwdd_qr_app_key, zwdd_qr_app_key);
  override_string (&config->zwdd_qr_app_secret, zwdd_qr_app_secret);
  override_string (&config->zwdd_qr_client_id, zwdd_qr_client_id);
  if (zwdd_qr_domains != NULL)
    {
      g_strfreev (config->zwdd_qr_redirect_domains);
      config->zwdd_qr_redirect_domains = zwdd_qr_domains;
    }
  override_string (&config->yzj_eid, yzj_eid);
  override_string (&config->yzj_app_id, yzj_app_id);
  override_string (&config->yzj_app_secret, yzj_app_secret);
  override_string (&config->yzj_sign_key, yzj_sign_key);
  override_string (&config->yzj_dir_secret, yzj_dir_secret);
  override_string (&config->yzj_dir_secret_readonly, yzj_dir_secret_ro);
  override_string (&config->yzj_pub_id, yzj_pub_id);
  override_string (&config->yzj_pub_key, yzj_pub_key);

  if (!yq_sim_config_validate (config, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (latency >= 0)
    config->faults.latency_ms = (guint) latency;
  if (error_rate >= 0)
    config->faults.error_rate = error_rate;
  if (qps_limit >= 0)
    config->faults.qps_limit = qps_limit;
  if (token_ttl >= 0)
    config->faults.token_ttl = (guint) token_ttl;
  if (malformed_rate >= 0)
    config->faults.malformed_rate = malformed_rate;
  if (fault_seed >= 0)
    config->faults.seed = (guint64) fault_seed;

  started = g_get_monotonic_time ();
  org = yq_sim_org_generate (config->people, config->seed);
  generation = (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC;
  g_debug ("generated %u people in %.3f s", config->people, generation);

  server = yq_sim_server_new (config, org);
  if (!yq_sim_server_start (server, &error))
    {
      g_printerr (_("Cannot listen on 127.0.0.1: %s\n"), error->message);
      return 1;
    }

  printf ("READY port=%u login-port=%u url=http://127.0.0.1:%u login-url=http://127.0.0.1:%u "
          "people=%u departments=%u\n",
          yq_sim_server_get_port (server), yq_sim_server_get_login_port (server),
          yq_sim_server_get_port (server), yq_sim_server_get_login_port (server),
          yq_sim_org_count_people (org), yq_sim_org_count_departments (org));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  yq_sim_server_stop (server);

  return 0;
}
