/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-connector.h"
#include "yq-secrets.h"
#include "yq-store.h"

G_BEGIN_DECLS

GPtrArray   *yq_connectors_list          (YqStore            *store,
                                          GError            **error);
YqConnector *yq_connectors_get           (YqStore            *store,
                                          gint64              id,
                                          GError            **error);
gboolean     yq_connectors_save          (YqStore            *store,
                                          YqSecrets          *secrets,
                                          YqConnector        *connector,
                                          const char         *app_secret,
                                          const char         *directory_secret,
                                          GError            **error);
gboolean     yq_connectors_delete        (YqStore            *store,
                                          YqSecrets          *secrets,
                                          gint64              id,
                                          GError            **error);
char        *yq_connectors_lookup_secret (YqStore            *store,
                                          YqSecrets          *secrets,
                                          gint64              id,
                                          YqConnectorSecret   which,
                                          GError            **error);

G_END_DECLS
