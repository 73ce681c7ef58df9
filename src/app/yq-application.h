/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define YQ_TYPE_APPLICATION (yq_application_get_type ())

G_DECLARE_FINAL_TYPE (YqApplication, yq_application, YQ, APPLICATION, AdwApplication)

YqApplication *yq_application_new (void);

G_END_DECLS
