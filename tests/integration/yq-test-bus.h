/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Generous bounds: every wait ends as soon as its condition holds. */
#define YQ_TEST_TIMEOUT_MS 15000

/* Activatable only on the bus that session.conf configures. */
#define YQ_TEST_BUS_MARKER "io.github.yunqiao.Yunqiao.TestBus"

char            *yq_test_make_data_dir           (void);
void             yq_test_remove_data_dir         (const char      *dir);
const char      *yq_test_require_env             (const char      *name,
                                                  const char      *why);
GDBusConnection *yq_test_require_session_bus     (void);
gboolean         yq_test_wait                    (gboolean        *flag,
                                                  guint            timeout_ms);
gboolean         yq_test_name_has_owner          (GDBusConnection *bus,
                                                  const char      *name);
guint32          yq_test_name_owner_pid          (GDBusConnection *bus,
                                                  const char      *name);
void             yq_test_set_activation_env      (GDBusConnection *bus,
                                                  const char      *data_dir);
void             yq_test_set_activation_var      (GDBusConnection *bus,
                                                  const char      *name,
                                                  const char      *value);
void             yq_test_stop_service            (GDBusConnection *bus,
                                                  guint32          pid);
void             yq_test_ensure_service_stopped  (GDBusConnection *bus);

G_END_DECLS
