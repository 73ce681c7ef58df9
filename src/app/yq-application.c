/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-application"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-application.h"
#include "yq-window.h"

struct _YqApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (YqApplication, yq_application, ADW_TYPE_APPLICATION)

static YqWindow *
get_main_window (YqApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (YQ_IS_WINDOW (l->data))
        return YQ_WINDOW (l->data);
    }

  return NULL;
}

static void
yq_application_activate (GApplication *application)
{
  YqApplication *self = YQ_APPLICATION (application);
  YqWindow *window = get_main_window (self);

  if (window == NULL)
    window = yq_window_new (GTK_APPLICATION (self), NULL);

  gtk_window_present (GTK_WINDOW (window));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  YqApplication *self = user_data;
  YqWindow *window;

  g_application_activate (G_APPLICATION (self));

  window = get_main_window (self);
  if (window != NULL)
    yq_window_show_view (window, "settings");
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  YqApplication *self = user_data;
  static const char *developers[] = { "Yunqiao developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Yunqiao"),
                        "application-icon", APP_ID,
                        "developer-name", _("Yunqiao developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/yunqiao/yunqiao",
                        "issue-url", "https://github.com/yunqiao/yunqiao/issues",
                        "comments", _("Connects an organisation's OA system with Government "
                                      "DingTalk and Yunzhijia: sign-in, messages and "
                                      "directory sync."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: replace with your names, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

/* Also what the companion service's notifications activate. */
static void
show_run_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  YqApplication *self = user_data;
  YqWindow *window;

  g_application_activate (G_APPLICATION (self));

  window = get_main_window (self);
  if (window != NULL)
    yq_window_show_run (window, g_variant_get_int64 (param));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "show-run", show_run_action, "x" },
};

static const GOptionEntry option_entries[] = {
  { "show-run", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_INT64, NULL,
    N_("Show a sync run of the history"), N_("RUN-ID") },
  { NULL }
};

static int
yq_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  g_autoptr(GError) error = NULL;
  gint64 run_id;

  if (!g_variant_dict_lookup (options, "show-run", "x", &run_id))
    return -1;

  if (run_id <= 0)
    {
      g_printerr (_("A run ID is a positive number.\n"));
      return 1;
    }

  /* The run opens in the instance that is already running, if any. */
  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_action_group_activate_action (G_ACTION_GROUP (application), "show-run",
                                  g_variant_new_int64 (run_id));

  /* A first instance goes on running with its window. */
  return g_application_get_is_remote (application) ? 0 : -1;
}

static void
yq_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };

  G_APPLICATION_CLASS (yq_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   application);

  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "window.close",
                                         close_accels);
}

static void
yq_application_class_init (YqApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = yq_application_activate;
  app_class->startup = yq_application_startup;
  app_class->handle_local_options = yq_application_handle_local_options;
}

static void
yq_application_init (YqApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

/**
 * yq_application_new:
 *
 * Returns: (transfer full): the Yunqiao application
 */
YqApplication *
yq_application_new (void)
{
  return g_object_new (YQ_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}
