/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-comparison.h"
#include "yq-org-model.h"

G_BEGIN_DECLS

#define YQ_TYPE_ORG_VIEW (yq_org_view_get_type ())

G_DECLARE_FINAL_TYPE (YqOrgView, yq_org_view, YQ, ORG_VIEW, GtkWidget)

/* The Organisation page: preview a sync as a comparison of the two org
 * trees, look into it, apply it, and see the history of runs. */
void            yq_org_view_set_store              (YqOrgView           *self,
                                                    YqStore             *store);
YqStore        *yq_org_view_get_store              (YqOrgView           *self);
void            yq_org_view_set_secrets            (YqOrgView           *self,
                                                    YqSecrets           *secrets);
YqSecrets      *yq_org_view_get_secrets            (YqOrgView           *self);
void            yq_org_view_reload                 (YqOrgView           *self);

/* The connector and direction chosen; 0 and %NULL when there is none. */
gint64          yq_org_view_get_connector_id       (YqOrgView           *self);
const char     *yq_org_view_get_direction          (YqOrgView           *self);
gboolean        yq_org_view_select                 (YqOrgView           *self,
                                                    gint64               connector_id,
                                                    const char          *direction);

/* Reads a comparison file (yq_comparison_save()) in a thread and shows
 * it, for the connector and direction chosen. */
void            yq_org_view_load_comparison_async  (YqOrgView           *self,
                                                    const char          *path,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean        yq_org_view_load_comparison_finish (YqOrgView           *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void            yq_org_view_set_comparison         (YqOrgView           *self,
                                                    YqComparison        *comparison);
YqComparison   *yq_org_view_get_comparison         (YqOrgView           *self);

YqOrgModel     *yq_org_view_get_model              (YqOrgView           *self);
GtkSingleSelection *yq_org_view_get_selection      (YqOrgView           *self);
GtkToggleButton *yq_org_view_get_status_button     (YqOrgView           *self,
                                                    YqComparisonStatus   status);
/* Shows the node (expanding its ancestors) and selects it. */
gboolean        yq_org_view_select_node            (YqOrgView           *self,
                                                    guint                index);
/* The object path of the job the view follows, or %NULL. */
const char     *yq_org_view_get_job_path           (YqOrgView           *self);

G_END_DECLS
