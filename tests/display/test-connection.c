/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The connector editor's connection test against yunqiao-sim, which runs
 * in this process on loopback and is served by the same main loop.
 */
#include "config.h"

#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "yq-connector-editor.h"
#include "yq-display-test.h"
#include "yq-sim-server.h"
#include "yq-window.h"
#include "yunqiao-core.h"

typedef struct
{
  char        *data_dir;
  YqWindow    *window;
  YqSimConfig *config;
  YqSimOrg    *org;
  YqSimServer *server;
  char        *base_url;
} Fixture;

#define CHILD(widget, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), YQ_TYPE_CONNECTOR_EDITOR, name))

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->config = yq_sim_config_new_default ();
  fixture->config->port = 0;
  fixture->config->login_port = 0;
  fixture->org = yq_sim_org_generate (120, 7);
  fixture->server = yq_sim_server_new (fixture->config, fixture->org);
  g_assert_true (yq_sim_server_start (fixture->server, &error));
  g_assert_no_error (error);
  fixture->base_url = yq_sim_server_get_base_url (fixture->server);

  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWindow *editor = yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR);

  if (editor != NULL)
    yq_test_destroy_window (editor);
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  yq_test_drain ();
  yq_sim_server_stop (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->org);
  g_clear_pointer (&fixture->config, yq_sim_config_free);
  g_free (fixture->base_url);
  yq_test_remove_data_dir (fixture->data_dir);
}

static YqConnectorEditor *
open_add_editor (Fixture           *fixture,
                 YqConnectorPreset  preset)
{
  YqConnectorEditor *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.add-connector", NULL));
  editor = (YqConnectorEditor *) yq_test_find_window (YQ_TYPE_CONNECTOR_EDITOR);
  g_assert_nonnull (editor);
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (editor)));
  adw_combo_row_set_selected (CHILD (editor, "preset_row"), preset);

  return editor;
}

static void
set_text (YqConnectorEditor *editor,
          const char        *row,
          const char        *text)
{
  gtk_editable_set_text (CHILD (editor, row), text);
}

static void
fill_zwdd (Fixture           *fixture,
           YqConnectorEditor *editor,
           const char        *secret)
{
  set_text (editor, "name_row", "浙政钉测试");
  set_text (editor, "tenant_row", fixture->config->zwdd_tenant_id);
  set_text (editor, "api_base_row", fixture->base_url);
  set_text (editor, "app_key_row", fixture->config->zwdd_app_key);
  set_text (editor, "app_secret_row", secret);
}

static gboolean
test_running (YqConnectorEditor *editor)
{
  return gtk_widget_get_visible (CHILD (editor, "test_spinner"));
}

static const char *
run_test (YqConnectorEditor *editor,
          gboolean          *ok)
{
  GtkWidget *result = CHILD (editor, "test_result");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
  /* The spinner turns while the request is out, and the action is off. */
  g_assert_true (test_running (editor));
  g_assert_true (gtk_spinner_get_spinning (CHILD (editor, "test_spinner")));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL) &&
                  !test_running (editor));

  YQ_WAIT_FOR (!test_running (editor));
  g_assert_true (gtk_widget_get_visible (result));
  *ok = gtk_widget_has_css_class (result, "success");
  g_assert_true (*ok != gtk_widget_has_css_class (result, "error"));

  return gtk_label_get_text (CHILD (editor, "test_result_label"));
}

static void
test_zwdd_success_then_bad_secret (Fixture       *fixture,
                                   gconstpointer  data)
{
  YqConnectorEditor *editor = open_add_editor (fixture, YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  const char *text;
  gboolean ok = FALSE;

  fill_zwdd (fixture, editor, fixture->config->zwdd_app_secret);
  text = run_test (editor, &ok);
  g_assert_true (ok);
  g_assert_nonnull (strstr (text, yq_sim_org_get_root (fixture->org)->name));

  /* Editing a field takes the old result away. */
  set_text (editor, "app_secret_row", "a-wrong-secret-Zq81");
  g_assert_false (gtk_widget_get_visible (CHILD (editor, "test_result")));

  text = run_test (editor, &ok);
  g_assert_false (ok);
  g_assert_cmpstr (text, !=, "");
  g_assert_null (strstr (text, "a-wrong-secret-Zq81"));
  g_assert_null (strstr (text, fixture->config->zwdd_app_secret));
  /* The signature error names the secret as a likely cause. */
  {
    g_autofree char *lower = g_utf8_strdown (text, -1);

    g_assert_nonnull (strstr (lower, "secret"));
  }

  /* Nothing was saved by testing. */
  {
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;

    list = yq_connectors_list (yq_window_get_store (fixture->window), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 0);
  }
}

static void
test_saved_secret_is_used (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(YqConnector) connector = yq_connector_new (YQ_CONNECTOR_PRESET_YZJ_PRIVATE);
  g_autoptr(GError) error = NULL;
  YqConnectorEditor *editor;
  const char *text;
  gboolean ok = FALSE;

  yq_connector_set_name (connector, "云之家测试");
  yq_connector_set_tenant_id (connector, fixture->config->yzj_eid);
  yq_connector_set_api_base (connector, fixture->base_url);
  yq_connector_set_app_key (connector, fixture->config->yzj_app_id);
  g_assert_true (yq_connectors_save (yq_window_get_store (fixture->window),
                                     yq_window_get_secrets (fixture->window), connector,
                                     fixture->config->yzj_app_secret,
                                     fixture->config->yzj_dir_secret, &error));
  g_assert_no_error (error);

  editor = yq_connector_editor_new (GTK_WINDOW (fixture->window),
                                    yq_window_get_store (fixture->window),
                                    yq_window_get_secrets (fixture->window), connector);
  gtk_window_present (GTK_WINDOW (editor));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (editor)));

  /* The secret rows are empty: the stored secrets are used. */
  g_assert_cmpstr (gtk_editable_get_text (CHILD (editor, "app_secret_row")), ==, "");
  text = run_test (editor, &ok);
  g_assert_true (ok);
  g_assert_nonnull (strstr (text, yq_sim_org_get_root (fixture->org)->name));
}

static void
test_unreachable_address (Fixture       *fixture,
                          gconstpointer  data)
{
  YqConnectorEditor *editor = open_add_editor (fixture, YQ_CONNECTOR_PRESET_ZWDD_ZJ);
  g_autofree char *closed_url = NULL;
  g_autoptr(GSocket) closed = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gboolean ok = TRUE;
  guint port;

  /* A port bound but not listening: it stays ours, and connecting to it
   * is refused at once. The socket is made without SO_REUSEADDR (GLib
   * sets it on every socket it binds): with it, Linux hands the same port
   * to a server of a test running beside this one. */
  {
    struct sockaddr_in bound = { 0 };
    socklen_t length = sizeof bound;
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert_cmpint (fd, >=, 0);
    bound.sin_family = AF_INET;
    bound.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    g_assert_cmpint (bind (fd, (struct sockaddr *) &bound, sizeof bound), ==, 0);
    g_assert_cmpint (getsockname (fd, (struct sockaddr *) &bound, &length), ==, 0);
    port = ntohs (bound.sin_port);
    closed = g_socket_new_from_fd (fd, &error);
    g_assert_no_error (error);
  }
  closed_url = g_strdup_printf ("http://127.0.0.1:%u", port);

  fill_zwdd (fixture, editor, fixture->config->zwdd_app_secret);
  set_text (editor, "api_base_row", closed_url);
  text = run_test (editor, &ok);
  g_assert_false (ok);
  g_test_message ("error shown: %s", text);
  g_assert_nonnull (strstr (text, "127.0.0.1"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/connection/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("zwdd-success-then-bad-secret", test_zwdd_success_then_bad_secret);
  ADD ("saved-secret-is-used", test_saved_secret_is_used);
  ADD ("unreachable-address", test_unreachable_address);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
