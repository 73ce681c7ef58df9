/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "yq-display-test.h"
#include "yq-window.h"

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

/* Each language runs in its own process: gettext and GLib remember the
 * language of the first lookup. */

static const char *
get_localedir (void)
{
  const char *dir = g_getenv ("YQ_TEST_LOCALEDIR");

  return dir != NULL ? dir : YQ_TEST_LOCALEDIR;
}

static void
check_window (const char *title,
              const char *connectors,
              const char *settings)
{
  char *data_dir = yq_test_make_data_dir ();
  YqWindow *window = yq_window_new (NULL, data_dir);

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, title);
  g_assert_cmpstr (gtk_label_get_text (CHILD (window, YQ_TYPE_WINDOW, "connectors_label")), ==,
                   connectors);
  g_assert_cmpstr (gtk_label_get_text (CHILD (window, YQ_TYPE_WINDOW, "settings_label")), ==,
                   settings);

  yq_test_destroy_window (GTK_WINDOW (window));
  g_object_unref (window);
  yq_test_remove_data_dir (data_dir);
}

static void
test_english (void)
{
  if (g_test_subprocess ())
    {
      check_window ("Yunqiao", "Connectors", "Settings");
      return;
    }

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_unsetenv ("LANGUAGE");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_chinese (void)
{
  g_autofree char *mo = NULL;

  if (g_test_subprocess ())
    {
      check_window ("云桥", "连接器", "设置");
      return;
    }

  mo = g_build_filename (get_localedir (), "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    {
      g_test_fail_printf ("The Chinese translation %s is missing: po/zh_CN.po must be compiled "
                          "into the build directory before the display tests run", mo);
      return;
    }

  /* No zh_CN locale needs to be generated: LANGUAGE picks the catalogue as
   * long as the locale is not plain "C". */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  yq_test_init (&argc, &argv);

  g_test_add_func ("/display/i18n/english", test_english);
  g_test_add_func ("/display/i18n/zh-cn", test_chinese);

  ret = g_test_run ();
  yq_test_shutdown ();

  return ret;
}
