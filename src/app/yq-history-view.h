/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_HISTORY_VIEW (yq_history_view_get_type ())

G_DECLARE_FINAL_TYPE (YqHistoryView, yq_history_view, YQ, HISTORY_VIEW, GtkWidget)

/* The sync runs of one connector (or of all, @connector_id 0), newest
 * first, searchable; activating a run opens its details. */
void        yq_history_view_set_store     (YqHistoryView *self,
                                           YqStore       *store);
void        yq_history_view_set_connector (YqHistoryView *self,
                                           gint64         connector_id);
gint64      yq_history_view_get_connector (YqHistoryView *self);
/* Re-reads the runs (after a run finished). */
void        yq_history_view_reload        (YqHistoryView *self);
/* The runs shown, a GListModel of YqHistoryRun (the filtered model). */
GListModel *yq_history_view_get_model     (YqHistoryView *self);

G_END_DECLS
