/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * YqZwddParams:
 *
 * The business parameters of one 政务钉钉 request, in the order they were
 * added. Empty and whitespace-only values are dropped when added: the
 * gateway's SDK neither sends nor signs them. A name may repeat (list
 * parameters go on the wire as one field per value).
 */
typedef struct _YqZwddParams YqZwddParams;

YqZwddParams *yq_zwdd_params_new             (void);
void          yq_zwdd_params_free            (YqZwddParams       *params);
void          yq_zwdd_params_add             (YqZwddParams       *params,
                                              const char         *name,
                                              const char         *value);
void          yq_zwdd_params_add_int         (YqZwddParams       *params,
                                              const char         *name,
                                              gint64              value);
guint         yq_zwdd_params_get_length      (const YqZwddParams *params);
const char   *yq_zwdd_params_get_name        (const YqZwddParams *params,
                                              guint               index);
const char   *yq_zwdd_params_get_value       (const YqZwddParams *params,
                                              guint               index);
char         *yq_zwdd_params_canonicalize    (const YqZwddParams *params);
char         *yq_zwdd_params_encode          (const YqZwddParams *params);

char         *yq_zwdd_string_to_sign         (const char         *method,
                                              const char         *timestamp,
                                              const char         *nonce,
                                              const char         *path,
                                              const char         *canonical);
char         *yq_zwdd_sign                   (const char         *secret,
                                              const char         *string_to_sign);
char         *yq_zwdd_format_timestamp       (gint64              unix_us);
char         *yq_zwdd_make_nonce             (gint64              unix_us,
                                              guint32             random);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqZwddParams, yq_zwdd_params_free)

G_END_DECLS
