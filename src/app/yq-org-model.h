/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "yq-comparison.h"

G_BEGIN_DECLS

#define YQ_TYPE_ORG_NODE (yq_org_node_get_type ())

G_DECLARE_FINAL_TYPE (YqOrgNode, yq_org_node, YQ, ORG_NODE, GObject)

YqComparison           *yq_org_node_get_comparison (YqOrgNode *self);
guint                   yq_org_node_get_index      (YqOrgNode *self);
const YqComparisonNode *yq_org_node_get_node       (YqOrgNode *self);
const char             *yq_org_node_get_name       (YqOrgNode *self);
YqComparisonStatus      yq_org_node_get_status     (YqOrgNode *self);

#define YQ_TYPE_ORG_MODEL (yq_org_model_get_type ())

G_DECLARE_FINAL_TYPE (YqOrgModel, yq_org_model, YQ, ORG_MODEL, GObject)

/* A bit per #YqComparisonStatus. */
#define YQ_ORG_MODEL_ALL_STATUSES ((1u << YQ_N_COMPARISON_STATUSES) - 1)

YqOrgModel       *yq_org_model_new             (void);
YqComparison     *yq_org_model_get_comparison  (YqOrgModel   *self);
void              yq_org_model_set_comparison  (YqOrgModel   *self,
                                                YqComparison *comparison);
/* The tree of #GtkTreeListRow items whose items are #YqOrgNode. The same
 * model for the lifetime of @self; refiltering replaces its content. */
GtkTreeListModel *yq_org_model_get_tree        (YqOrgModel   *self);
/* The same rows for a view: bulk changes (a filter, expanding changes
 * or matches) are told as one change, which a list view handles much
 * faster than many. Freezing holds back what the rows tell until the
 * matching thaw. */
GListModel       *yq_org_model_get_rows        (YqOrgModel   *self);
void              yq_org_model_freeze_rows     (YqOrgModel   *self);
void              yq_org_model_thaw_rows       (YqOrgModel   *self);

guint             yq_org_model_get_statuses    (YqOrgModel   *self);
void              yq_org_model_set_statuses    (YqOrgModel   *self,
                                                guint         statuses);
gboolean          yq_org_model_get_only_changes (YqOrgModel  *self);
void              yq_org_model_set_only_changes (YqOrgModel  *self,
                                                 gboolean     only_changes);
const char       *yq_org_model_get_search      (YqOrgModel   *self);
void              yq_org_model_set_search      (YqOrgModel   *self,
                                                const char   *text);
gboolean          yq_org_model_get_filtered    (YqOrgModel   *self);
/* Whether the node passes the filter itself or has a descendant that
 * does. */
gboolean          yq_org_model_is_visible      (YqOrgModel   *self,
                                                guint         index);
/* Whether the node has visible children (so its row can expand). */
gboolean          yq_org_model_has_visible_children (YqOrgModel *self,
                                                     guint       index);
/* How many nodes pass the filter themselves. */
guint             yq_org_model_get_n_matches   (YqOrgModel   *self);
/* Collapses everything, then expands, in index order, the rows that have a
 * visible child with changes in its subtree. Returns how many rows were
 * expanded. */
guint             yq_org_model_expand_changes  (YqOrgModel   *self);
/* Expands the rows down to every visible node, up to @max_rows rows in
 * all; used after a filter changes so that matches show. */
void              yq_org_model_expand_visible  (YqOrgModel   *self,
                                                guint         max_rows);
/* The row position of the node, expanding its ancestors; G_MAXUINT when it
 * is hidden. */
guint             yq_org_model_reveal          (YqOrgModel   *self,
                                                guint         index);

G_END_DECLS
