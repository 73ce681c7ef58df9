/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yq-dbus-generated.h"

G_BEGIN_DECLS

#define YQ_TYPE_JOB_ROW (yq_job_row_get_type ())

G_DECLARE_FINAL_TYPE (YqJobRow, yq_job_row, YQ, JOB_ROW, GtkListBoxRow)

GtkWidget *yq_job_row_new     (YqDBusJob *job);
YqDBusJob *yq_job_row_get_job (YqJobRow  *self);

G_END_DECLS
