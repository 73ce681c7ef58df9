/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *yq_yzj_pubtoken          (const char         *no,
                                    const char         *pub,
                                    const char         *pubkey,
                                    const char         *nonce,
                                    const char         *time);
char     *yq_yzj_approval_sign     (const char         *sign_key,
                                    const char         *open_id,
                                    const char         *source_type,
                                    const char * const *source_ids);
gboolean  yq_yzj_approval_verify   (const char         *sign_key,
                                    const char         *open_id,
                                    const char         *source_type,
                                    const char * const *source_ids,
                                    const char         *sign);

G_END_DECLS
