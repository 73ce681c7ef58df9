/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-bindings-import.h"

G_BEGIN_DECLS

#define YQ_TYPE_BINDINGS_VIEW (yq_bindings_view_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingsView, yq_bindings_view, YQ, BINDINGS_VIEW, GtkWidget)

/**
 * YqBindingsViewFilter:
 * @YQ_BINDINGS_VIEW_ALL: everyone
 * @YQ_BINDINGS_VIEW_BOUND: people bound to an OA account
 * @YQ_BINDINGS_VIEW_UNBOUND: people without one
 * @YQ_BINDINGS_VIEW_DISABLED: people disabled on the platform
 */
typedef enum
{
  YQ_BINDINGS_VIEW_ALL,
  YQ_BINDINGS_VIEW_BOUND,
  YQ_BINDINGS_VIEW_UNBOUND,
  YQ_BINDINGS_VIEW_DISABLED,
} YqBindingsViewFilter;

/* The Bindings page (用户绑定): the people of a connector with their OA
 * accounts, a person card to bind and unbind, auto-bind by the rule,
 * batch unbind, export and the association import. */
void                 yq_bindings_view_set_store        (YqBindingsView       *self,
                                                        YqStore              *store);
YqStore             *yq_bindings_view_get_store        (YqBindingsView       *self);
/* Reads the connectors again (keeping the one chosen) and the people. */
void                 yq_bindings_view_reload           (YqBindingsView       *self);
gboolean             yq_bindings_view_select_connector (YqBindingsView       *self,
                                                        gint64                connector_id);
gint64               yq_bindings_view_get_connector_id (YqBindingsView       *self);
void                 yq_bindings_view_set_filter       (YqBindingsView       *self,
                                                        YqBindingsViewFilter  filter);
YqBindingsViewFilter yq_bindings_view_get_filter       (YqBindingsView       *self);
void                 yq_bindings_view_set_search       (YqBindingsView       *self,
                                                        const char           *text);
/* The people shown: a #GListModel of #YqBindingItem. */
GListModel          *yq_bindings_view_get_people       (YqBindingsView       *self);
/* Whether the people are being read (#YqBindingsView:loading) or a
 * write runs (#YqBindingsView:busy). */
gboolean             yq_bindings_view_get_loading      (YqBindingsView       *self);
gboolean             yq_bindings_view_get_busy         (YqBindingsView       *self);
/* Selects the person and shows their card. */
gboolean             yq_bindings_view_select_person    (YqBindingsView       *self,
                                                        const char           *platform_id);
/* Opens the import assistant for the connector chosen. */
YqBindingsImport    *yq_bindings_view_open_import      (YqBindingsView       *self);

G_END_DECLS
