/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "yunqiao-core.h"
#include "yq-push.h"

G_BEGIN_DECLS

#define YQ_TYPE_PUSH_RULE_EDITOR (yq_push_rule_editor_get_type ())

G_DECLARE_FINAL_TYPE (YqPushRuleEditor, yq_push_rule_editor, YQ, PUSH_RULE_EDITOR, AdwWindow)

YqPushRuleEditor *yq_push_rule_editor_new        (GtkWindow        *parent,
                                                  YqStore          *store,
                                                  YqSecrets        *secrets,
                                                  const YqPushRule *rule);
gboolean          yq_push_rule_editor_get_is_new (YqPushRuleEditor *self);
/* Appends an empty target, as the "Add Target" button does; returns its
 * group (the rows carry widget names: connector-row, app-row, kind-row,
 * pub-id-row, pub-key-entry, remove-target-button). */
GtkWidget        *yq_push_rule_editor_add_target (YqPushRuleEditor *self);

G_END_DECLS
