/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-plan.h"
#include "yq-sync-runs.h"

G_BEGIN_DECLS

const char *yq_sync_ui_direction_label     (const char      *direction);
const char *yq_sync_ui_direction_title     (const char      *direction);
const char *yq_sync_ui_job_kind_label      (const char      *kind);
const char *yq_sync_ui_job_state_label     (const char      *state,
                                            gboolean         needs_confirmation);
gboolean    yq_sync_ui_job_state_is_active (const char      *state);
const char *yq_sync_ui_op_kind_label       (YqPlanOpKind     kind);
const char *yq_sync_ui_run_state_label     (YqSyncRunState   state);
char       *yq_sync_ui_format_time         (gint64           unix_time);
char       *yq_sync_ui_format_date_time    (gint64           unix_time);
char       *yq_sync_ui_format_counts       (const char      *counts_json,
                                            gboolean         preview);
char       *yq_sync_ui_format_job_summary  (const char      *summary_json,
                                            gboolean         preview,
                                            guint            max_warnings,
                                            char           **warnings);
char      **yq_sync_ui_parse_messages      (const char      *json_array);
/* Replaces *@folded with @text stripped and casefolded (%NULL when empty).
 * Returns %FALSE when that changes nothing, else sets @change to how a
 * filter on it changed. */
gboolean    yq_sync_ui_fold_search         (char           **folded,
                                            const char      *text,
                                            GtkFilterChange *change);
/* Fills @model with the connectors of @store (none when it is %NULL) and
 * selects @keep_id in @dropdown (else the first), with the dropdown's
 * handlers connected with @handler_data blocked meanwhile. Returns the
 * number of connectors. */
guint       yq_sync_ui_reload_connectors   (YqStore         *store,
                                            GListStore      *model,
                                            GtkDropDown     *dropdown,
                                            gint64           keep_id,
                                            gpointer         handler_data);
/* Appends a resizable column whose cells a signal factory makes with
 * @setup and @bind (both given @data); @width -1 for the natural width.
 * Returns the column, owned by @view. */
GtkColumnViewColumn *yq_sync_ui_append_column (GtkColumnView *view,
                                               const char    *title,
                                               GCallback      setup,
                                               GCallback      bind,
                                               gpointer       data,
                                               int            width,
                                               gboolean       expand);
AdwToast   *yq_sync_ui_started_toast_new   (const char      *job_path,
                                            gboolean         dry_run);
AdwToast   *yq_sync_ui_message_toast_new   (const char      *message);

G_END_DECLS
