/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "yq-display-test.h"
#include "yq-service-client.h"
#include "yq-settings-view.h"
#include "yq-window.h"
#include "yunqiao-core.h"

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

typedef struct
{
  char           *data_dir;
  YqWindow       *window;
  YqSettingsView *view;
  YqFakeService  *service;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->data_dir = yq_test_make_data_dir ();
  fixture->window = yq_window_new (NULL, fixture->data_dir);
  g_object_ref_sink (fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));

  yq_window_show_view (fixture->window, "settings");
  fixture->view = CHILD (fixture->window, YQ_TYPE_WINDOW, "settings_view");
  g_assert_true (YQ_IS_SETTINGS_VIEW (fixture->view));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->view)));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  yq_test_destroy_window (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->window);
  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  yq_test_drain ();
  yq_test_remove_data_dir (fixture->data_dir);
}

static char *
stored_address (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *value;

  value = yq_settings_get (yq_window_get_store (fixture->window),
                           YQ_SETTING_EXTERNAL_ADDRESS, &error);
  g_assert_no_error (error);

  return value;
}

/* What pressing Enter in the row does. */
static void
apply_address (Fixture    *fixture,
               const char *text)
{
  GtkEditable *row = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "external_address_row");

  /* The row applies what was typed while it had the focus; whether this
   * window has the focus depends on the other display tests that run
   * beside it on the same X server, so the apply is signalled directly, as
   * the row does on Enter. */
  gtk_editable_set_text (row, text);
  g_signal_emit_by_name (row, "apply");
}

static gboolean
status_is (Fixture    *fixture,
           const char *prefix)
{
  AdwActionRow *row = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "status_row");
  const char *subtitle = adw_action_row_get_subtitle (row);

  return subtitle != NULL && g_str_has_prefix (subtitle, prefix);
}

static void
test_external_address (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *row = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "external_address_row");
  GtkLabel *message = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "external_address_error");
  AdwPreferencesGroup *group = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "bridge_group");
  g_autofree char *value = NULL;

  fixture->service = yq_fake_service_start ();

  g_assert_true (adw_entry_row_get_show_apply_button (ADW_ENTRY_ROW (row)));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (group), "https://"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  /* Plain http is refused, visibly, and nothing is stored. */
  apply_address (fixture, "http://bridge.example.gov.cn");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  g_assert_cmpstr (gtk_label_get_text (message), !=, "");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));
  value = stored_address (fixture);
  g_assert_true (value == NULL || value[0] == '\0');
  g_clear_pointer (&value, g_free);

  apply_address (fixture, "not an address");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  value = stored_address (fixture);
  g_assert_true (value == NULL || value[0] == '\0');
  g_clear_pointer (&value, g_free);

  /* Typing a good value clears the message before it is even applied. */
  gtk_editable_set_text (GTK_EDITABLE (row), "https://bridge.example.gov.cn");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));

  apply_address (fixture, "https://bridge.example.gov.cn");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (message)));
  value = stored_address (fixture);
  g_assert_cmpstr (value, ==, "https://bridge.example.gov.cn");
  g_clear_pointer (&value, g_free);
  YQ_WAIT_FOR (fixture->service->reloads == 1);

  /* A bad value later does not overwrite the good one. */
  apply_address (fixture, "ftp://bridge.example.gov.cn");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
  value = stored_address (fixture);
  g_assert_cmpstr (value, ==, "https://bridge.example.gov.cn");
  g_clear_pointer (&value, g_free);
}

static void
test_address_loaded (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GtkEditable *row = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "external_address_row");
  GtkWidget *view;

  yq_settings_set (yq_window_get_store (fixture->window), YQ_SETTING_EXTERNAL_ADDRESS,
                   "https://sso.example.org", &error);
  g_assert_no_error (error);

  /* A view given the store shows what is stored. */
  view = g_object_new (YQ_TYPE_SETTINGS_VIEW,
                       "store", yq_window_get_store (fixture->window),
                       "secrets", yq_window_get_secrets (fixture->window),
                       NULL);
  g_object_ref_sink (view);
  row = CHILD (view, YQ_TYPE_SETTINGS_VIEW, "external_address_row");
  g_assert_cmpstr (gtk_editable_get_text (row), ==, "https://sso.example.org");
  g_object_run_dispose (G_OBJECT (view));
  g_object_unref (view);
}

static void
test_secrets_backend (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwActionRow *row = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "secrets_row");

  /* YUNQIAO_SECRETS=file in the test environment. */
  g_assert_cmpstr (yq_secrets_get_backend_name (yq_window_get_secrets (fixture->window)), ==,
                   "file");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Protected file (0600)");
}

static void
test_service_status (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *start_button = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "start_button");
  AdwActionRow *row = CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW, "status_row");

  YQ_WAIT_FOR (status_is (fixture, "Not running"));
  g_assert_true (gtk_widget_get_visible (start_button));

  /* The view notices the service appear and asks for its status. */
  fixture->service = yq_fake_service_start ();
  YQ_WAIT_FOR (status_is (fixture, "Running — version 9.9.9"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "09:30"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "(PID 4242)"));
  g_assert_false (gtk_widget_get_visible (start_button));
  g_assert_cmpuint (fixture->service->status_calls, >=, 1);

  /* Refresh asks again. */
  fixture->service->status_calls = 0;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view),
                                             "settings.refresh-service", NULL));
  YQ_WAIT_FOR (fixture->service->status_calls == 1 &&
               status_is (fixture, "Running — version 9.9.9"));

  /* And notices it go away. */
  g_clear_pointer (&fixture->service, yq_fake_service_stop);
  YQ_WAIT_FOR (status_is (fixture, "Not running"));
  g_assert_true (gtk_widget_get_visible (start_button));
}

static void
test_service_start_fails (Fixture       *fixture,
                          gconstpointer  data)
{
  YQ_WAIT_FOR (status_is (fixture, "Not running"));

  /* The test bus has no service file, so activation fails with a reason. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view),
                                             "settings.start-service", NULL));
  YQ_WAIT_FOR (status_is (fixture, "Not running — could not start it: "));
  g_assert_true (gtk_widget_get_visible (CHILD (fixture->view, YQ_TYPE_SETTINGS_VIEW,
                                                "start_button")));
}

static void
test_format_status (void)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) started = NULL;
  g_autoptr(GVariant) status = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  /* Started today: the time is enough. */
  started = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                   g_date_time_get_day_of_month (now), 0, 5, 0);
  g_variant_dict_insert (&dict, "version", "s", "0.1.0");
  g_variant_dict_insert (&dict, "pid", "u", (guint32) 812);
  g_variant_dict_insert (&dict, "started-at", "x", g_date_time_to_unix (started));
  status = g_variant_ref_sink (g_variant_dict_end (&dict));

  text = yq_service_format_status (status);
  g_assert_cmpstr (text, ==, "Running — version 0.1.0, since 00:05 (PID 812)");
}

static void
test_no_service_no_reload (void)
{
  gboolean reloaded = TRUE;
  gboolean done = FALSE;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  yq_service_reload_async (NULL, (GAsyncReadyCallback) yq_test_store_result, &result);
  YQ_WAIT_FOR (result != NULL);
  done = yq_service_reload_finish (result, &reloaded, &error);
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_false (reloaded);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/display/settings/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("external-address", test_external_address);
  ADD ("address-loaded", test_address_loaded);
  ADD ("secrets-backend", test_secrets_backend);
  ADD ("service-status", test_service_status);
  ADD ("service-start-fails", test_service_start_fails);
  g_test_add_func ("/display/settings/format-status", test_format_status);
  g_test_add_func ("/display/settings/no-service-no-reload", test_no_service_no_reload);

#undef ADD

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
