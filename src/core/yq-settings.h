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
/* Where the service's HTTP endpoints listen: "HOST:PORT" or "[IPv6]:PORT",
 * port 0–65535 (0: any free port, for tests). */
#define YQ_SETTING_HTTP_ADDRESS "http-address"
#define YQ_SETTING_HTTP_ADDRESS_DEFAULT "127.0.0.1:8780"

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
/* Splits an http-address value into @host (without brackets) and @port. */
gboolean            yq_settings_parse_http_address (const char  *value,
                                                    char       **host,
                                                    guint16     *port,
                                                    GError     **error);

G_END_DECLS
