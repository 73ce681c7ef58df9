/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_TYPE_DEPARTMENT_PICKER (yq_department_picker_get_type ())

G_DECLARE_FINAL_TYPE (YqDepartmentPicker, yq_department_picker, YQ, DEPARTMENT_PICKER, AdwWindow)

/* A dialog that picks departments from the tree of @snapshot (one, or
 * several with check buttons), or people from its person list, with a
 * search entry. Emits "picked" when the person confirms; read the choice
 * with yq_department_picker_get_selected(). */
YqDepartmentPicker *yq_department_picker_new            (GtkWindow          *parent,
                                                         YqOrgSnapshot      *snapshot,
                                                         gboolean            multiple);
YqDepartmentPicker *yq_department_picker_new_for_people (GtkWindow          *parent,
                                                         YqOrgSnapshot      *snapshot);
void                yq_department_picker_set_selected   (YqDepartmentPicker *self,
                                                         const char * const *ids);
/* The IDs picked, in tree order. */
char              **yq_department_picker_get_selected   (YqDepartmentPicker *self);

G_END_DECLS
