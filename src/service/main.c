/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "yq-service.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(YqService) service = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, yq_service_get_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("yunqiao-service");

  service = yq_service_new ();

  return g_application_run (G_APPLICATION (service), argc, argv);
}
