/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-sync-profile.h"

G_BEGIN_DECLS

#define YQ_TYPE_BINDING_RULE_EDITOR (yq_binding_rule_editor_get_type ())

G_DECLARE_FINAL_TYPE (YqBindingRuleEditor, yq_binding_rule_editor, YQ, BINDING_RULE_EDITOR, AdwPreferencesGroup)

/* The connector's one binding rule (platform field ↔ OA field), the same
 * widget wherever the rule is edited. It loads the rule from the store
 * and writes it back with yq_binding_rule_editor_save(). */
YqBindingRuleEditor *yq_binding_rule_editor_new        (void);
void                 yq_binding_rule_editor_load       (YqBindingRuleEditor *self,
                                                        YqStore             *store,
                                                        gint64               connector_id);
void                 yq_binding_rule_editor_get_rule   (YqBindingRuleEditor *self,
                                                        YqPersonField       *platform_field,
                                                        YqPersonField       *oa_field);
gboolean             yq_binding_rule_editor_save       (YqBindingRuleEditor *self,
                                                        GError             **error);

/* The translated name of a person field, e.g. "Mobile" (手机号). */
const char          *yq_person_field_get_label         (YqPersonField        field);
/* A list model of every person field label, in #YqPersonField order. */
GtkStringList       *yq_person_field_list_new          (void);

G_END_DECLS
