/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-plan.h"
#include "yq-sync-runs.h"

G_BEGIN_DECLS

#define YQ_TYPE_RUN_DIALOG (yq_run_dialog_get_type ())

G_DECLARE_FINAL_TYPE (YqRunDialog, yq_run_dialog, YQ, RUN_DIALOG, AdwWindow)

YqRunDialog *yq_run_dialog_new        (GtkWindow   *parent,
                                       YqStore     *store,
                                       gint64       run_id);
gint64       yq_run_dialog_get_run_id (YqRunDialog *self);

G_END_DECLS
