/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-connector"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "yq-connector.h"
#include "yq-host.h"

#define NAME_MAX_CHARS 64
#define TENANT_ID_MAX_DIGITS 20
#define APP_KEY_MAX_CHARS 128
#define SECRET_MAX_CHARS 512

struct _YqConnector
{
  GObject            parent_instance;

  gint64             id;
  YqConnectorPreset  preset;
  YqPlatformKind     kind;
  char              *name;
  char              *tenant_id;
  char              *api_base;
  char              *app_key;
  guint              qps;
  gint64             created_at;
  gint64             updated_at;

  guint              directory_readonly : 1;
  guint              has_app_secret : 1;
  guint              has_directory_secret : 1;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_PRESET,
  PROP_NAME,
  PROP_TENANT_ID,
  PROP_API_BASE,
  PROP_APP_KEY,
  PROP_DIRECTORY_READONLY,
  PROP_QPS,
  PROP_HAS_APP_SECRET,
  PROP_HAS_DIRECTORY_SECRET,
  PROP_NEEDS_DIRECTORY_SECRET,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (YqConnector, yq_connector, G_TYPE_OBJECT)

G_DEFINE_QUARK (yq-connector-error-quark, yq_connector_error)

G_DEFINE_ENUM_TYPE (YqPlatformKind, yq_platform_kind,
  G_DEFINE_ENUM_VALUE (YQ_PLATFORM_KIND_ZWDD, "zwdd"),
  G_DEFINE_ENUM_VALUE (YQ_PLATFORM_KIND_YZJ, "yzj"))

G_DEFINE_ENUM_TYPE (YqConnectorPreset, yq_connector_preset,
  G_DEFINE_ENUM_VALUE (YQ_CONNECTOR_PRESET_ZWDD_DGWORK, "zwdd-dgwork"),
  G_DEFINE_ENUM_VALUE (YQ_CONNECTOR_PRESET_ZWDD_ZJ, "zwdd-zj"),
  G_DEFINE_ENUM_VALUE (YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "yzj-public"),
  G_DEFINE_ENUM_VALUE (YQ_CONNECTOR_PRESET_YZJ_PRIVATE, "yzj-private"))

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const char     *id;
  const char     *display_name;
  YqPlatformKind  kind;
  const char     *api_base;
} PresetInfo;

static const PresetInfo presets[YQ_N_CONNECTOR_PRESETS] = {
  [YQ_CONNECTOR_PRESET_ZWDD_DGWORK] = {
    "zwdd-dgwork", N_("DingTalk Pro (Zhuanyou Dingding)"),
    YQ_PLATFORM_KIND_ZWDD, "https://openplatform.dg-work.cn"
  },
  [YQ_CONNECTOR_PRESET_ZWDD_ZJ] = {
    "zwdd-zj", N_("Zhejiang Government DingTalk (Zhezhengding)"),
    YQ_PLATFORM_KIND_ZWDD, "https://openplatform-pro.ding.zj.gov.cn"
  },
  [YQ_CONNECTOR_PRESET_YZJ_PUBLIC] = {
    "yzj-public", N_("Yunzhijia"),
    YQ_PLATFORM_KIND_YZJ, "https://www.yunzhijia.com"
  },
  [YQ_CONNECTOR_PRESET_YZJ_PRIVATE] = {
    "yzj-private", N_("Yunzhijia private deployment"),
    YQ_PLATFORM_KIND_YZJ, NULL
  },
};

typedef struct
{
  const char *id;
  const char *display_name;
  const char *tenant_label;
  const char *app_key_label;
  const char *example_api_base;
  guint       default_qps;
} KindInfo;

static const KindInfo kinds[] = {
  [YQ_PLATFORM_KIND_ZWDD] = {
    "zwdd", N_("Government DingTalk"), N_("Tenant ID"), N_("AppKey"),
    "https://openplatform.dg-work.cn", 20
  },
  [YQ_PLATFORM_KIND_YZJ] = {
    "yzj", N_("Yunzhijia"), N_("Team ID (EID)"), N_("AppId"),
    "https://www.yunzhijia.com", 10
  },
};

static gboolean
kind_is_valid (YqPlatformKind kind)
{
  return kind == YQ_PLATFORM_KIND_ZWDD || kind == YQ_PLATFORM_KIND_YZJ;
}

static gboolean
preset_is_valid (YqConnectorPreset preset)
{
  return (guint) preset < YQ_N_CONNECTOR_PRESETS;
}

const char *
yq_platform_kind_to_string (YqPlatformKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), NULL);

  return kinds[kind].id;
}

gboolean
yq_platform_kind_from_string (const char     *str,
                              YqPlatformKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_strcmp0 (str, kinds[i].id) == 0)
        {
          *kind = (YqPlatformKind) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
yq_platform_kind_get_display_name (YqPlatformKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), NULL);

  return _(kinds[kind].display_name);
}

guint
yq_platform_kind_get_default_qps (YqPlatformKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), 0);

  return kinds[kind].default_qps;
}

const char *
yq_platform_kind_get_tenant_label (YqPlatformKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), NULL);

  return _(kinds[kind].tenant_label);
}

const char *
yq_platform_kind_get_app_key_label (YqPlatformKind kind)
{
  g_return_val_if_fail (kind_is_valid (kind), NULL);

  return _(kinds[kind].app_key_label);
}

const char *
yq_connector_preset_to_string (YqConnectorPreset preset)
{
  g_return_val_if_fail (preset_is_valid (preset), NULL);

  return presets[preset].id;
}

gboolean
yq_connector_preset_from_string (const char        *str,
                                 YqConnectorPreset *preset)
{
  g_return_val_if_fail (preset != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < YQ_N_CONNECTOR_PRESETS; i++)
    {
      if (g_strcmp0 (str, presets[i].id) == 0)
        {
          *preset = (YqConnectorPreset) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
yq_connector_preset_get_display_name (YqConnectorPreset preset)
{
  g_return_val_if_fail (preset_is_valid (preset), NULL);

  return _(presets[preset].display_name);
}

YqPlatformKind
yq_connector_preset_get_kind (YqConnectorPreset preset)
{
  g_return_val_if_fail (preset_is_valid (preset), YQ_PLATFORM_KIND_ZWDD);

  return presets[preset].kind;
}

/**
 * yq_connector_preset_get_api_base:
 * @preset: a preset
 *
 * Returns: the preset's fixed API base URL, or an empty string for a
 *   private deployment, whose URL the administrator enters
 */
const char *
yq_connector_preset_get_api_base (YqConnectorPreset preset)
{
  g_return_val_if_fail (preset_is_valid (preset), NULL);

  return presets[preset].api_base != NULL ? presets[preset].api_base : "";
}

gboolean
yq_connector_preset_has_fixed_api_base (YqConnectorPreset preset)
{
  g_return_val_if_fail (preset_is_valid (preset), FALSE);

  return presets[preset].api_base != NULL;
}

/* Setters take what a person typed or pasted: surrounding white space is
 * never meant. */
static char *
normalize_text (const char *value)
{
  return g_strstrip (g_strdup (value != NULL ? value : ""));
}

static char *
normalize_api_base (const char *value)
{
  char *str = normalize_text (value);
  const char *authority = strstr (str, "://");
  gsize min_len = authority != NULL ? (gsize) (authority - str) + 3 : 0;
  gsize len = strlen (str);

  while (len > min_len && str[len - 1] == '/')
    str[--len] = '\0';

  return str;
}

static gboolean
replace_string (char       **field,
                char        *value)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return FALSE;
    }

  g_free (*field);
  *field = value;
  return TRUE;
}

static void
yq_connector_finalize (GObject *object)
{
  YqConnector *self = (YqConnector *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->tenant_id, g_free);
  g_clear_pointer (&self->api_base, g_free);
  g_clear_pointer (&self->app_key, g_free);

  G_OBJECT_CLASS (yq_connector_parent_class)->finalize (object);
}

static void
yq_connector_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  YqConnector *self = YQ_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_PRESET:
      g_value_set_enum (value, self->preset);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_TENANT_ID:
      g_value_set_string (value, self->tenant_id);
      break;

    case PROP_API_BASE:
      g_value_set_string (value, self->api_base);
      break;

    case PROP_APP_KEY:
      g_value_set_string (value, self->app_key);
      break;

    case PROP_DIRECTORY_READONLY:
      g_value_set_boolean (value, self->directory_readonly);
      break;

    case PROP_QPS:
      g_value_set_uint (value, self->qps);
      break;

    case PROP_HAS_APP_SECRET:
      g_value_set_boolean (value, self->has_app_secret);
      break;

    case PROP_HAS_DIRECTORY_SECRET:
      g_value_set_boolean (value, self->has_directory_secret);
      break;

    case PROP_NEEDS_DIRECTORY_SECRET:
      g_value_set_boolean (value, yq_connector_needs_directory_secret (self));
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_int64 (value, self->updated_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_connector_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  YqConnector *self = YQ_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_ID:
      yq_connector_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_PRESET:
      yq_connector_set_preset (self, g_value_get_enum (value));
      break;

    case PROP_NAME:
      yq_connector_set_name (self, g_value_get_string (value));
      break;

    case PROP_TENANT_ID:
      yq_connector_set_tenant_id (self, g_value_get_string (value));
      break;

    case PROP_API_BASE:
      yq_connector_set_api_base (self, g_value_get_string (value));
      break;

    case PROP_APP_KEY:
      yq_connector_set_app_key (self, g_value_get_string (value));
      break;

    case PROP_DIRECTORY_READONLY:
      yq_connector_set_directory_readonly (self, g_value_get_boolean (value));
      break;

    case PROP_QPS:
      yq_connector_set_qps (self, g_value_get_uint (value));
      break;

    case PROP_HAS_APP_SECRET:
      yq_connector_set_has_app_secret (self, g_value_get_boolean (value));
      break;

    case PROP_HAS_DIRECTORY_SECRET:
      yq_connector_set_has_directory_secret (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
yq_connector_class_init (YqConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = yq_connector_finalize;
  object_class->get_property = yq_connector_get_property;
  object_class->set_property = yq_connector_set_property;

  /**
   * YqConnector:id:
   *
   * The database ID; 0 for a connector that was never saved.
   */
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, rw);

  /**
   * YqConnector:kind:
   *
   * The platform kind, which follows from #YqConnector:preset.
   */
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       YQ_TYPE_PLATFORM_KIND, YQ_PLATFORM_KIND_ZWDD, ro);

  /**
   * YqConnector:preset:
   *
   * The preset. Changing it changes #YqConnector:kind and, for presets with
   * a fixed address, #YqConnector:api-base.
   */
  properties[PROP_PRESET] =
    g_param_spec_enum ("preset", NULL, NULL,
                       YQ_TYPE_CONNECTOR_PRESET, YQ_CONNECTOR_PRESET_ZWDD_DGWORK, rw);

  /**
   * YqConnector:name:
   *
   * The name shown to administrators, unique among connectors (ignoring
   * ASCII case). Surrounding white space is removed when set.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "", rw);

  /**
   * YqConnector:tenant-id:
   *
   * The 政务钉钉 tenant ID or the 云之家 team ID (eid); digits only.
   */
  properties[PROP_TENANT_ID] =
    g_param_spec_string ("tenant-id", NULL, NULL, "", rw);

  /**
   * YqConnector:api-base:
   *
   * The platform's API base URL. Surrounding white space and trailing
   * slashes are removed when set.
   */
  properties[PROP_API_BASE] =
    g_param_spec_string ("api-base", NULL, NULL, "", rw);

  /**
   * YqConnector:app-key:
   *
   * The AppKey (政务钉钉) or AppId (云之家) of the app used for API calls.
   */
  properties[PROP_APP_KEY] =
    g_param_spec_string ("app-key", NULL, NULL, "", rw);

  /**
   * YqConnector:directory-readonly:
   *
   * Whether Yunqiao may only read the platform's directory (platform →
   * bridge) and must refuse every write.
   */
  properties[PROP_DIRECTORY_READONLY] =
    g_param_spec_boolean ("directory-readonly", NULL, NULL, TRUE, rw);

  /**
   * YqConnector:qps:
   *
   * The request rate limit towards the platform, in requests per second.
   */
  properties[PROP_QPS] =
    g_param_spec_uint ("qps", NULL, NULL, 0, G_MAXUINT, 20, rw);

  /**
   * YqConnector:has-app-secret:
   *
   * Whether an app secret is stored for this connector.
   */
  properties[PROP_HAS_APP_SECRET] =
    g_param_spec_boolean ("has-app-secret", NULL, NULL, FALSE, rw);

  /**
   * YqConnector:has-directory-secret:
   *
   * Whether a directory secret (云之家 only) is stored for this connector.
   */
  properties[PROP_HAS_DIRECTORY_SECRET] =
    g_param_spec_boolean ("has-directory-secret", NULL, NULL, FALSE, rw);

  /**
   * YqConnector:needs-directory-secret:
   *
   * Whether the platform kind uses a separate directory secret (云之家).
   */
  properties[PROP_NEEDS_DIRECTORY_SECRET] =
    g_param_spec_boolean ("needs-directory-secret", NULL, NULL, FALSE, ro);

  /**
   * YqConnector:created-at:
   *
   * When the connector was first saved, in seconds since the Unix epoch.
   */
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0, ro);

  /**
   * YqConnector:updated-at:
   *
   * When the connector was last saved, in seconds since the Unix epoch.
   */
  properties[PROP_UPDATED_AT] =
    g_param_spec_int64 ("updated-at", NULL, NULL, 0, G_MAXINT64, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
yq_connector_init (YqConnector *self)
{
  self->preset = YQ_CONNECTOR_PRESET_ZWDD_DGWORK;
  self->kind = presets[self->preset].kind;
  self->name = g_strdup ("");
  self->tenant_id = g_strdup ("");
  self->api_base = g_strdup (presets[self->preset].api_base);
  self->app_key = g_strdup ("");
  self->qps = kinds[self->kind].default_qps;
  self->directory_readonly = TRUE;
}

/**
 * yq_connector_new:
 * @preset: the preset to start from
 *
 * Creates an unsaved connector with the preset's kind, API base (empty for a
 * private deployment), the kind's default request limit and a read-only
 * directory.
 *
 * Returns: (transfer full): a new connector
 */
YqConnector *
yq_connector_new (YqConnectorPreset preset)
{
  g_return_val_if_fail (preset_is_valid (preset), NULL);

  return g_object_new (YQ_TYPE_CONNECTOR,
                       "preset", preset,
                       NULL);
}

/**
 * yq_connector_copy:
 * @self: a connector
 *
 * Copies every field, including the ID, the timestamps and the
 * has-secret flags, e.g. for an editor that may be cancelled.
 *
 * Returns: (transfer full): a new connector
 */
YqConnector *
yq_connector_copy (YqConnector *self)
{
  YqConnector *copy;

  g_return_val_if_fail (YQ_IS_CONNECTOR (self), NULL);

  copy = g_object_new (YQ_TYPE_CONNECTOR, NULL);
  copy->id = self->id;
  copy->preset = self->preset;
  copy->kind = self->kind;
  g_free (copy->name);
  copy->name = g_strdup (self->name);
  g_free (copy->tenant_id);
  copy->tenant_id = g_strdup (self->tenant_id);
  g_free (copy->api_base);
  copy->api_base = g_strdup (self->api_base);
  g_free (copy->app_key);
  copy->app_key = g_strdup (self->app_key);
  copy->qps = self->qps;
  copy->created_at = self->created_at;
  copy->updated_at = self->updated_at;
  copy->directory_readonly = self->directory_readonly;
  copy->has_app_secret = self->has_app_secret;
  copy->has_directory_secret = self->has_directory_secret;

  return copy;
}

gint64
yq_connector_get_id (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), 0);

  return self->id;
}

void
yq_connector_set_id (YqConnector *self,
                     gint64       id)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

YqPlatformKind
yq_connector_get_kind (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), YQ_PLATFORM_KIND_ZWDD);

  return self->kind;
}

YqConnectorPreset
yq_connector_get_preset (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), YQ_CONNECTOR_PRESET_ZWDD_DGWORK);

  return self->preset;
}

static gboolean
is_fixed_preset_url (const char *url)
{
  for (guint i = 0; i < YQ_N_CONNECTOR_PRESETS; i++)
    if (presets[i].api_base != NULL && g_strcmp0 (presets[i].api_base, url) == 0)
      return TRUE;

  return FALSE;
}

/**
 * yq_connector_set_preset:
 * @self: a connector
 * @preset: the new preset
 *
 * Changes the preset and with it the kind. A preset with a fixed address
 * sets #YqConnector:api-base; switching to a private deployment clears an
 * address that belonged to another preset and keeps a custom one. When the
 * kind changes and the request limit was the old kind's default, it becomes
 * the new kind's default.
 */
void
yq_connector_set_preset (YqConnector       *self,
                         YqConnectorPreset  preset)
{
  YqPlatformKind old_kind;

  g_return_if_fail (YQ_IS_CONNECTOR (self));
  g_return_if_fail (preset_is_valid (preset));

  if (self->preset == preset)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  old_kind = self->kind;
  self->preset = preset;
  self->kind = presets[preset].kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESET]);

  if (presets[preset].api_base != NULL)
    yq_connector_set_api_base (self, presets[preset].api_base);
  else if (is_fixed_preset_url (self->api_base))
    yq_connector_set_api_base (self, "");

  if (old_kind != self->kind)
    {
      if (self->qps == kinds[old_kind].default_qps)
        yq_connector_set_qps (self, kinds[self->kind].default_qps);

      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEEDS_DIRECTORY_SECRET]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

const char *
yq_connector_get_name (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), NULL);

  return self->name;
}

void
yq_connector_set_name (YqConnector *self,
                       const char  *name)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  if (replace_string (&self->name, normalize_text (name)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
yq_connector_get_tenant_id (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), NULL);

  return self->tenant_id;
}

void
yq_connector_set_tenant_id (YqConnector *self,
                            const char  *tenant_id)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  if (replace_string (&self->tenant_id, normalize_text (tenant_id)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TENANT_ID]);
}

const char *
yq_connector_get_api_base (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), NULL);

  return self->api_base;
}

void
yq_connector_set_api_base (YqConnector *self,
                           const char  *api_base)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  if (replace_string (&self->api_base, normalize_api_base (api_base)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_BASE]);
}

const char *
yq_connector_get_app_key (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), NULL);

  return self->app_key;
}

void
yq_connector_set_app_key (YqConnector *self,
                          const char  *app_key)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  if (replace_string (&self->app_key, normalize_text (app_key)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP_KEY]);
}

gboolean
yq_connector_get_directory_readonly (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), TRUE);

  return self->directory_readonly;
}

void
yq_connector_set_directory_readonly (YqConnector *self,
                                     gboolean     readonly)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  readonly = !!readonly;
  if (self->directory_readonly == (guint) readonly)
    return;

  self->directory_readonly = readonly;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECTORY_READONLY]);
}

guint
yq_connector_get_qps (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), 0);

  return self->qps;
}

void
yq_connector_set_qps (YqConnector *self,
                      guint        qps)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  if (self->qps == qps)
    return;

  self->qps = qps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QPS]);
}

gboolean
yq_connector_get_has_app_secret (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), FALSE);

  return self->has_app_secret;
}

void
yq_connector_set_has_app_secret (YqConnector *self,
                                 gboolean     has_secret)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  has_secret = !!has_secret;
  if (self->has_app_secret == (guint) has_secret)
    return;

  self->has_app_secret = has_secret;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_APP_SECRET]);
}

gboolean
yq_connector_get_has_directory_secret (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), FALSE);

  return self->has_directory_secret;
}

void
yq_connector_set_has_directory_secret (YqConnector *self,
                                       gboolean     has_secret)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));

  has_secret = !!has_secret;
  if (self->has_directory_secret == (guint) has_secret)
    return;

  self->has_directory_secret = has_secret;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DIRECTORY_SECRET]);
}

gint64
yq_connector_get_created_at (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), 0);

  return self->created_at;
}

gint64
yq_connector_get_updated_at (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), 0);

  return self->updated_at;
}

void
yq_connector_set_timestamps (YqConnector *self,
                             gint64       created_at,
                             gint64       updated_at)
{
  g_return_if_fail (YQ_IS_CONNECTOR (self));
  g_return_if_fail (created_at >= 0 && updated_at >= 0);

  g_object_freeze_notify (G_OBJECT (self));

  if (self->created_at != created_at)
    {
      self->created_at = created_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
    }

  if (self->updated_at != updated_at)
    {
      self->updated_at = updated_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * yq_connector_needs_directory_secret:
 * @self: a connector
 *
 * Returns: whether the platform kind uses a separate directory secret
 *   (云之家 通讯录密钥); 政务钉钉 does not
 */
gboolean
yq_connector_needs_directory_secret (YqConnector *self)
{
  g_return_val_if_fail (YQ_IS_CONNECTOR (self), FALSE);

  return self->kind == YQ_PLATFORM_KIND_YZJ;
}

/* Validation */

static gboolean
has_whitespace (const char *str)
{
  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x3000 /* ideographic space */)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_control_chars (const char *str)
{
  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

static void
add_error (GPtrArray        *errors,
           YqConnectorField  field,
           const char       *message)
{
  g_ptr_array_add (errors, g_error_new_literal (YQ_CONNECTOR_ERROR, field, message));
}

static void
validate_name (YqConnector *self,
               GPtrArray   *errors)
{
  if (self->name[0] == '\0')
    add_error (errors, YQ_CONNECTOR_FIELD_NAME,
               _("Enter a name for the connector, for example the organisation it serves"));
  else if (!g_utf8_validate (self->name, -1, NULL) || has_control_chars (self->name))
    add_error (errors, YQ_CONNECTOR_FIELD_NAME,
               _("Remove the line breaks or control characters from the name"));
  else if (g_utf8_strlen (self->name, -1) > NAME_MAX_CHARS)
    add_error (errors, YQ_CONNECTOR_FIELD_NAME,
               _("Shorten the name to 64 characters or fewer"));
}

static void
validate_tenant_id (YqConnector *self,
                    GPtrArray   *errors)
{
  gboolean zwdd = self->kind == YQ_PLATFORM_KIND_ZWDD;
  gsize len = strlen (self->tenant_id);
  gboolean digits = TRUE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (self->tenant_id[i]))
      digits = FALSE;

  if (len == 0)
    add_error (errors, YQ_CONNECTOR_FIELD_TENANT_ID,
               zwdd ? _("Enter the tenant ID shown in the Government DingTalk admin console")
                    : _("Enter the team ID (EID) shown in the Yunzhijia admin console"));
  else if (!digits || len > TENANT_ID_MAX_DIGITS)
    add_error (errors, YQ_CONNECTOR_FIELD_TENANT_ID,
               zwdd ? _("The tenant ID is a number of up to 20 digits; check that you copied "
                        "the right value")
                    : _("The team ID (EID) is a number of up to 20 digits; check that you "
                        "copied the right value"));
}

static void
validate_api_base (YqConnector *self,
                   GPtrArray   *errors)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (self->api_base[0] != '\0')
    uri = g_uri_parse (self->api_base, G_URI_FLAGS_NONE, NULL);

  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || scheme == NULL ||
      ((g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "http") == 0) &&
       !yq_host_is_valid (host)))
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Enter the API address as a full URL, for example %s"),
                                 kinds[self->kind].example_api_base);
      add_error (errors, YQ_CONNECTOR_FIELD_API_BASE, message);
    }
  else if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    add_error (errors, YQ_CONNECTOR_FIELD_API_BASE,
               _("The API address must start with https://"));
  else if (g_uri_get_userinfo (uri) != NULL)
    add_error (errors, YQ_CONNECTOR_FIELD_API_BASE,
               _("Remove the user name and password from the API address; the app credentials "
                 "go in their own fields"));
  else if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    add_error (errors, YQ_CONNECTOR_FIELD_API_BASE,
               _("Remove the part starting with “?” or “#” from the API address"));
  else if (g_ascii_strcasecmp (scheme, "http") == 0 && !yq_host_is_loopback (host))
    add_error (errors, YQ_CONNECTOR_FIELD_API_BASE,
               _("The API address must use https://. Plain http:// is only allowed for this "
                 "computer (localhost, 127.0.0.1 or ::1), for example for the simulator"));
}

static void
validate_app_key (YqConnector *self,
                  GPtrArray   *errors)
{
  gboolean zwdd = self->kind == YQ_PLATFORM_KIND_ZWDD;

  if (self->app_key[0] == '\0')
    add_error (errors, YQ_CONNECTOR_FIELD_APP_KEY,
               zwdd ? _("Enter the AppKey of the app registered for this connector")
                    : _("Enter the AppId of the app registered for this connector"));
  else if (!g_utf8_validate (self->app_key, -1, NULL) || has_whitespace (self->app_key) ||
           has_control_chars (self->app_key))
    add_error (errors, YQ_CONNECTOR_FIELD_APP_KEY,
               zwdd ? _("The AppKey must not contain spaces or line breaks; copy it again")
                    : _("The AppId must not contain spaces or line breaks; copy it again"));
  else if (g_utf8_strlen (self->app_key, -1) > APP_KEY_MAX_CHARS)
    add_error (errors, YQ_CONNECTOR_FIELD_APP_KEY,
               zwdd ? _("The AppKey is longer than 128 characters; check that you copied the "
                        "right value")
                    : _("The AppId is longer than 128 characters; check that you copied the "
                        "right value"));
}

/* Never quote @secret in a message. */
static void
validate_secret (GPtrArray        *errors,
                 YqConnectorField  field,
                 const char       *secret,
                 gboolean          stored,
                 const char       *missing_message,
                 const char       *spaces_message,
                 const char       *long_message)
{
  if (secret == NULL || secret[0] == '\0')
    {
      if (!stored)
        add_error (errors, field, missing_message);
    }
  else if (!g_utf8_validate (secret, -1, NULL) || has_whitespace (secret) ||
           has_control_chars (secret))
    add_error (errors, field, spaces_message);
  else if (g_utf8_strlen (secret, -1) > SECRET_MAX_CHARS)
    add_error (errors, field, long_message);
}

/**
 * yq_connector_validate:
 * @self: a connector
 * @app_secret: (nullable): a new app secret, or %NULL/empty to keep the stored one
 * @directory_secret: (nullable): a new directory secret (云之家), or %NULL/empty
 *   to keep the stored one
 *
 * Checks every field. A secret is required only when none is stored
 * (#YqConnector:has-app-secret, #YqConnector:has-directory-secret) and none
 * is given; the directory secret only for 云之家. Messages never quote a
 * secret.
 *
 * Returns: (transfer full) (element-type GError): one error per failing
 *   field in field order, code #YqConnectorField in %YQ_CONNECTOR_ERROR;
 *   empty when the connector is valid
 */
GPtrArray *
yq_connector_validate (YqConnector *self,
                       const char  *app_secret,
                       const char  *directory_secret)
{
  GPtrArray *errors;
  gboolean zwdd;

  g_return_val_if_fail (YQ_IS_CONNECTOR (self), NULL);

  errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  zwdd = self->kind == YQ_PLATFORM_KIND_ZWDD;

  validate_name (self, errors);
  validate_tenant_id (self, errors);
  validate_api_base (self, errors);
  validate_app_key (self, errors);

  validate_secret (errors, YQ_CONNECTOR_FIELD_APP_SECRET, app_secret, self->has_app_secret,
                   zwdd ? _("Enter the AppSecret of the app registered for this connector")
                        : _("Enter the app secret of the app registered for this connector"),
                   zwdd ? _("The AppSecret must not contain spaces or line breaks; copy it again")
                        : _("The app secret must not contain spaces or line breaks; copy it "
                            "again"),
                   zwdd ? _("The AppSecret is longer than 512 characters; check that you copied "
                            "the right value")
                        : _("The app secret is longer than 512 characters; check that you "
                            "copied the right value"));

  if (yq_connector_needs_directory_secret (self))
    validate_secret (errors, YQ_CONNECTOR_FIELD_DIRECTORY_SECRET, directory_secret,
                     self->has_directory_secret,
                     _("Enter the directory secret from the address book settings of the "
                       "Yunzhijia admin console"),
                     _("The directory secret must not contain spaces or line breaks; copy it "
                       "again"),
                     _("The directory secret is longer than 512 characters; check that you "
                       "copied the right value"));

  if (self->qps < YQ_CONNECTOR_QPS_MIN || self->qps > YQ_CONNECTOR_QPS_MAX)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (_("Set the request limit between %d and %d requests per second"),
                                 YQ_CONNECTOR_QPS_MIN, YQ_CONNECTOR_QPS_MAX);
      add_error (errors, YQ_CONNECTOR_FIELD_QPS, message);
    }

  return errors;
}

/**
 * yq_connector_check:
 * @self: a connector
 * @app_secret: (nullable): as for yq_connector_validate()
 * @directory_secret: (nullable): as for yq_connector_validate()
 * @error: return location for the first validation error
 *
 * Returns: %TRUE if the connector is valid
 */
gboolean
yq_connector_check (YqConnector  *self,
                    const char   *app_secret,
                    const char   *directory_secret,
                    GError      **error)
{
  g_autoptr(GPtrArray) errors = NULL;

  g_return_val_if_fail (YQ_IS_CONNECTOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  errors = yq_connector_validate (self, app_secret, directory_secret);
  if (errors->len == 0)
    return TRUE;

  g_propagate_error (error, g_error_copy (g_ptr_array_index (errors, 0)));
  return FALSE;
}
