/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-binding-rule-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-binding-rule-editor.h"
#include "yq-sync-runs.h"

struct _YqBindingRuleEditor
{
  AdwPreferencesGroup  parent_instance;

  /* Template widgets */
  AdwComboRow         *platform_row;
  AdwComboRow         *oa_row;

  YqStore             *store;
  gint64               connector_id;
  guint                loading : 1;
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (YqBindingRuleEditor, yq_binding_rule_editor, ADW_TYPE_PREFERENCES_GROUP)

static guint signals[N_SIGNALS];

const char *
yq_person_field_get_label (YqPersonField field)
{
  switch (field)
    {
    case YQ_PERSON_FIELD_NAME:
      return _("Name");
    case YQ_PERSON_FIELD_MOBILE:
      return _("Mobile");
    case YQ_PERSON_FIELD_EMAIL:
      return _("E-mail");
    case YQ_PERSON_FIELD_JOB_NUMBER:
      return _("Job number");
    case YQ_PERSON_FIELD_TITLE:
      return _("Title");
    case YQ_PERSON_FIELD_ACCOUNT_CODE:
      return _("Account");
    case YQ_PERSON_FIELD_NONE:
    default:
      return _("Leave alone");
    }
}

GtkStringList *
yq_person_field_list_new (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (int field = 0; field < YQ_N_PERSON_FIELDS; field++)
    gtk_string_list_append (list, yq_person_field_get_label (field));

  return list;
}

static YqPersonField
get_row_field (AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected >= YQ_N_PERSON_FIELDS)
    return YQ_PERSON_FIELD_MOBILE;

  return (YqPersonField) selected;
}

static void
selected_changed_cb (YqBindingRuleEditor *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
yq_binding_rule_editor_dispose (GObject *object)
{
  YqBindingRuleEditor *self = YQ_BINDING_RULE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_BINDING_RULE_EDITOR);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (yq_binding_rule_editor_parent_class)->dispose (object);
}

static void
yq_binding_rule_editor_class_init (YqBindingRuleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_binding_rule_editor_dispose;

  /**
   * YqBindingRuleEditor::changed:
   *
   * The person chose another field on either side (not emitted while
   * loading).
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/yunqiao/Yunqiao/yq-binding-rule-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, YqBindingRuleEditor, platform_row);
  gtk_widget_class_bind_template_child (widget_class, YqBindingRuleEditor, oa_row);
  gtk_widget_class_bind_template_callback (widget_class, selected_changed_cb);
}

static void
yq_binding_rule_editor_init (YqBindingRuleEditor *self)
{
  g_autoptr(GtkStringList) platform_fields = yq_person_field_list_new ();
  g_autoptr(GtkStringList) oa_fields = yq_person_field_list_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->loading = TRUE;
  adw_combo_row_set_model (self->platform_row, G_LIST_MODEL (platform_fields));
  adw_combo_row_set_model (self->oa_row, G_LIST_MODEL (oa_fields));
  adw_combo_row_set_selected (self->platform_row, YQ_PERSON_FIELD_MOBILE);
  adw_combo_row_set_selected (self->oa_row, YQ_PERSON_FIELD_MOBILE);
  self->loading = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
}

YqBindingRuleEditor *
yq_binding_rule_editor_new (void)
{
  return g_object_new (YQ_TYPE_BINDING_RULE_EDITOR, NULL);
}

/**
 * yq_binding_rule_editor_load:
 * @store: the store to read from and later write to
 * @connector_id: the connector whose rule is edited
 *
 * Shows the stored rule (mobile = mobile without one). When the store
 * cannot be read the rows stay insensitive and the group says why.
 */
void
yq_binding_rule_editor_load (YqBindingRuleEditor *self,
                             YqStore             *store,
                             gint64               connector_id)
{
  YqPersonField platform_field = YQ_PERSON_FIELD_MOBILE;
  YqPersonField oa_field = YQ_PERSON_FIELD_MOBILE;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (YQ_IS_BINDING_RULE_EDITOR (self));
  g_return_if_fail (YQ_IS_STORE (store));

  g_set_object (&self->store, store);
  self->connector_id = connector_id;

  if (!yq_binding_rule_get (store, connector_id, &platform_field, &oa_field, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The binding rule could not be read: %s"),
                                               error->message);

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), text);
      gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
      return;
    }

  self->loading = TRUE;
  adw_combo_row_set_selected (self->platform_row,
                              platform_field >= 0 ? (guint) platform_field : YQ_PERSON_FIELD_MOBILE);
  adw_combo_row_set_selected (self->oa_row,
                              oa_field >= 0 ? (guint) oa_field : YQ_PERSON_FIELD_MOBILE);
  self->loading = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
}

void
yq_binding_rule_editor_get_rule (YqBindingRuleEditor *self,
                                 YqPersonField       *platform_field,
                                 YqPersonField       *oa_field)
{
  g_return_if_fail (YQ_IS_BINDING_RULE_EDITOR (self));

  if (platform_field != NULL)
    *platform_field = get_row_field (self->platform_row);
  if (oa_field != NULL)
    *oa_field = get_row_field (self->oa_row);
}

/**
 * yq_binding_rule_editor_save:
 *
 * Writes the rule shown to the store given to
 * yq_binding_rule_editor_load().
 */
gboolean
yq_binding_rule_editor_save (YqBindingRuleEditor  *self,
                             GError              **error)
{
  g_return_val_if_fail (YQ_IS_BINDING_RULE_EDITOR (self), FALSE);

  if (self->store == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The binding rule cannot be saved: no connector is loaded. "
                             "Reopen the editor from the connector."));
      return FALSE;
    }

  return yq_binding_rule_set (self->store, self->connector_id,
                              get_row_field (self->platform_row),
                              get_row_field (self->oa_row),
                              error);
}
