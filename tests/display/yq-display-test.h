/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

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

typedef struct
{
  YqDBusService *skeleton;
  guint          owner_id;
  guint          reloads;
  guint          status_calls;
  gboolean       owned;
  gboolean       lost;
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
gboolean       yq_test_label_shows          (GtkLabel    *label,
                                             const char  *needle);

YqFakeService *yq_fake_service_start        (void);
void           yq_fake_service_stop         (YqFakeService *service);

G_END_DECLS
