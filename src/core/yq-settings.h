/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-store.h"

G_BEGIN_DECLS

#define YQ_SETTINGS_ERROR (yq_settings_error_quark ())

typedef enum
{
  YQ_SETTINGS_ERROR_UNKNOWN_KEY,
  YQ_SETTINGS_ERROR_INVALID,
} YqSettingsError;

/* Bridge-wide settings kept in the database (not GSettings: the service and
 * the CLI on a headless host read them too). */
#define YQ_SETTING_EXTERNAL_ADDRESS "external-address"

GQuark              yq_settings_error_quark  (void);
/* yq_settings_get() returns "" for an unset setting and NULL only on error;
 * yq_settings_set() with NULL or "" unsets it. */
const char * const *yq_settings_list_keys    (void);
const char         *yq_settings_describe_key (const char  *key);
gboolean            yq_settings_validate     (const char  *key,
                                              const char  *value,
                                              GError     **error);
char               *yq_settings_get          (YqStore     *store,
                                              const char  *key,
                                              GError     **error);
gboolean            yq_settings_set          (YqStore     *store,
                                              const char  *key,
                                              const char  *value,
                                              GError     **error);
char               *yq_settings_build_url    (YqStore     *store,
                                              const char  *path,
                                              GError     **error);

G_END_DECLS
