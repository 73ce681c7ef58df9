/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yq-comparison.h"
#include "yq-dbus-generated.h"

G_BEGIN_DECLS

#define YQ_TEST_TIMEOUT_SECONDS 20

/* Spins the default main context until @cond holds; a ticking timeout
 * makes sure the loop wakes up even when no event arrives. */
#define YQ_WAIT_FOR(cond)                                                      \
  G_STMT_START {                                                               \
    gint64 yq_deadline__ = g_get_monotonic_time () +                           \
                           YQ_TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC;           \
    guint yq_tick__ = g_timeout_add (10, yq_test_tick_cb, NULL);               \
    while (!(cond))                                                            \
      {                                                                        \
        if (g_get_monotonic_time () > yq_deadline__)                           \
          g_error ("%s:%d: timed out after %d s waiting for: %s",              \
                   __FILE__, __LINE__, YQ_TEST_TIMEOUT_SECONDS, #cond);        \
        g_main_context_iteration (NULL, TRUE);                                 \
      }                                                                        \
    g_source_remove (yq_tick__);                                               \
  } G_STMT_END

/* One StartSync call as the fake service received it. */
typedef struct
{
  gint64    connector;
  char     *direction;
  gboolean  dry_run;
  gboolean  confirm;
} YqFakeStartCall;

typedef struct
{
  YqDBusService            *skeleton;
  GDBusObjectManagerServer *manager;
  guint                     owner_id;
  guint                     reloads;
  guint                     status_calls;
  gboolean                  owned;
  gboolean                  lost;
  /* StartSync calls, oldest first. */
  GPtrArray                *start_calls;
  /* The YqDBusJob skeletons exported, oldest first. */
  GPtrArray                *jobs;
  guint                     next_job;
  /* When set, StartSync fails with the service's Busy error and this
   * message. */
  char                     *busy_message;
  /* GetStatus's "schedules" (aa{sv}) and "http". */
  GPtrArray                *schedules;
  char                     *http;
} YqFakeService;

gboolean       yq_test_tick_cb              (gpointer     user_data);
void           yq_test_init                 (int         *argc,
                                             char      ***argv);
void           yq_test_shutdown             (void);
char          *yq_test_make_data_dir        (void);
void           yq_test_remove_data_dir      (char        *data_dir);
GtkWindow     *yq_test_find_window          (GType        type);
void           yq_test_destroy_window       (GtkWindow   *window);
void           yq_test_drain                (void);
void           yq_test_store_result         (GObject      *source,
                                             GAsyncResult *result,
                                             gpointer      user_data);
void           yq_test_click                (GtkWidget   *button);
/* Depth-first over the widget tree below @root, @root included. */
GtkWidget     *yq_test_next_widget          (GtkWidget   *root,
                                             GtkWidget   *widget);
/* The first drawable button below @root labelled @label, or %NULL. */
GtkWidget     *yq_test_find_button          (GtkWidget   *root,
                                             const char  *label);
/* Appends the text of every visible label below @widget, one a line. */
void           yq_test_collect_labels       (GtkWidget   *widget,
                                             GString     *text);
/* Whether @ancestor is above @index in the comparison's tree. */
gboolean       yq_test_comparison_is_ancestor (YqComparison *comparison,
                                               guint         ancestor,
                                               guint         index);
/* Waits for a message dialog to show, and returns it. */
AdwMessageDialog *yq_test_wait_message_dialog (void);
/* Answers @dialog with @response (which it must offer) and waits for it to
 * go. */
void           yq_test_respond              (AdwMessageDialog *dialog,
                                             const char  *response);
gboolean       yq_test_label_shows          (GtkLabel    *label,
                                             const char  *needle);

YqFakeService *yq_fake_service_start        (void);
void           yq_fake_service_stop         (YqFakeService *service);
YqDBusJob     *yq_fake_service_add_job      (YqFakeService *service,
                                             gint64         connector,
                                             const char    *connector_name,
                                             const char    *direction,
                                             gboolean       dry_run);
void           yq_fake_service_add_schedule (YqFakeService *service,
                                             gint64         connector,
                                             const char    *connector_name,
                                             const char    *direction,
                                             gint64         next_run,
                                             gint64         interval);
guint          yq_fake_job_get_cancel_calls (YqDBusJob     *job);

G_END_DECLS
