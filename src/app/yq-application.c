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

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

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
}

static void
yq_application_init (YqApplication *self)
{
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
