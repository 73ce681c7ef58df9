/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-connector-row"

#include "config.h"

#include <glib/gi18n.h>

#include "yq-connector-row.h"

struct _YqConnectorRow
{
  AdwActionRow   parent_instance;

  /* Template widgets */
  GtkLabel      *readonly_tag;
  GtkButton     *edit_button;
  GtkButton     *delete_button;
  GtkMenuButton *sync_button;

  YqConnector   *connector;
};

enum {
  PROP_0,
  PROP_CONNECTOR,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqConnectorRow, yq_connector_row, ADW_TYPE_ACTION_ROW)

static GParamSpec *properties[N_PROPS];

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
append_sync_item (GMenu      *section,
                  const char *label,
                  gint64      id,
                  const char *direction,
                  gboolean    dry_run)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, "connector.sync",
                                           g_variant_new ("(xsb)", id, direction, dry_run));
  g_menu_append_item (section, item);
}

/* The directions the connector allows, previews before applies. */
static GMenuModel *
build_sync_menu (YqConnector *connector)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) from_platform = g_menu_new ();
  g_autoptr(GMenu) to_oa = g_menu_new ();
  gint64 id = yq_connector_get_id (connector);

  append_sync_item (from_platform, _("_Refresh from Platform"), id, "from-platform", FALSE);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (from_platform));

  append_sync_item (to_oa, _("_Preview Sync to OA"), id, "to-oa", TRUE);
  append_sync_item (to_oa, _("_Sync to OA"), id, "to-oa", FALSE);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (to_oa));

  /* Only 云之家 takes writes to its directory, and only when allowed. */
  if (yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_YZJ &&
      !yq_connector_get_directory_readonly (connector))
    {
      g_autoptr(GMenu) to_platform = g_menu_new ();

      append_sync_item (to_platform, _("Pre_view Sync to Platform"), id, "to-platform", TRUE);
      append_sync_item (to_platform, _("Sync to Pl_atform"), id, "to-platform", FALSE);
      g_menu_append_section (menu, NULL, G_MENU_MODEL (to_platform));
    }

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
yq_connector_row_set_connector (YqConnectorRow *self,
                                YqConnector    *connector)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *edit_label = NULL;
  g_autofree char *delete_label = NULL;
  g_autofree char *sync_label = NULL;
  g_autoptr(GMenuModel) sync_menu = NULL;
  YqPlatformKind kind;
  const char *name;
  g_autoptr(GVariant) target = NULL;
  YqConnectorPreset preset;

  g_assert (YQ_IS_CONNECTOR (connector));

  g_set_object (&self->connector, connector);

  name = yq_connector_get_name (connector);
  kind = yq_connector_get_kind (connector);
  preset = yq_connector_get_preset (connector);

  /* Translators: a connector's subtitle: the platform preset, then a label such
   * as "Tenant ID" or "EID" and its value. */
  subtitle = g_strdup_printf (_("%s · %s: %s"),
                              yq_connector_preset_get_display_name (preset),
                              yq_platform_kind_get_tenant_label (kind),
                              yq_connector_get_tenant_id (connector));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->readonly_tag),
                          yq_connector_get_directory_readonly (connector));

  target = g_variant_ref_sink (g_variant_new_int64 (yq_connector_get_id (connector)));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->edit_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->delete_button), target);

  /* Translators: accessible name of a button; %s is a connector name. */
  edit_label = g_strdup_printf (_("Edit “%s”"), name);
  /* Translators: accessible name of a button; %s is a connector name. */
  delete_label = g_strdup_printf (_("Delete “%s”"), name);
  set_accessible_label (GTK_WIDGET (self->edit_button), edit_label);
  set_accessible_label (GTK_WIDGET (self->delete_button), delete_label);

  sync_menu = build_sync_menu (connector);
  gtk_menu_button_set_menu_model (self->sync_button, sync_menu);
  /* Translators: accessible name of a menu button; %s is a connector name. */
  sync_label = g_strdup_printf (_("Sync “%s”"), name);
  set_accessible_label (GTK_WIDGET (self->sync_button), sync_label);
}

static void
yq_connector_row_dispose (GObject *object)
{
  YqConnectorRow *self = YQ_CONNECTOR_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), YQ_TYPE_CONNECTOR_ROW);

  G_OBJECT_CLASS (yq_connector_row_parent_class)->dispose (object);
}

static void
yq_connector_row_finalize (GObject *object)
{
  YqConnectorRow *self = YQ_CONNECTOR_ROW (object);

  g_clear_object (&self->connector);

  G_OBJECT_CLASS (yq_connector_row_parent_class)->finalize (object);
}

static void
yq_connector_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  YqConnectorRow *self = YQ_CONNECTOR_ROW (object);

  switch (prop_id)
    {
    case PROP_CONNECTOR:
      g_value_set_object (value, self->connector);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_connector_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  YqConnectorRow *self = YQ_CONNECTOR_ROW (object);

  switch (prop_id)
    {
    case PROP_CONNECTOR:
      yq_connector_row_set_connector (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_connector_row_class_init (YqConnectorRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = yq_connector_row_dispose;
  object_class->finalize = yq_connector_row_finalize;
  object_class->get_property = yq_connector_row_get_property;
  object_class->set_property = yq_connector_row_set_property;

  properties[PROP_CONNECTOR] =
    g_param_spec_object ("connector", NULL, NULL,
                         YQ_TYPE_CONNECTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/yq-connector-row.ui");
  gtk_widget_class_bind_template_child (widget_class, YqConnectorRow, readonly_tag);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorRow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorRow, delete_button);
  gtk_widget_class_bind_template_child (widget_class, YqConnectorRow, sync_button);
}

static void
yq_connector_row_init (YqConnectorRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * yq_connector_row_new:
 * @connector: the connector to show
 *
 * Returns: (transfer floating): a row that edits, deletes and syncs
 *   @connector through the "connector.edit", "connector.delete" and
 *   "connector.sync" actions
 */
GtkWidget *
yq_connector_row_new (YqConnector *connector)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (connector), NULL);

  return g_object_new (YQ_TYPE_CONNECTOR_ROW,
                       "connector", connector,
                       NULL);
}

/**
 * yq_connector_row_get_connector:
 * @self: a #YqConnectorRow
 *
 * Returns: (transfer none): the connector shown
 */
YqConnector *
yq_connector_row_get_connector (YqConnectorRow *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR_ROW (self), NULL);

  return self->connector;
}
