/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The language of the login pages. They speak to the person holding the
 * phone, not to whoever started the service: each request picks Chinese or
 * English by its Accept-Language (Chinese unless English comes first), and
 * the Chinese text comes from the installed yunqiao.mo catalogue, read once.
 * Strings are marked with N_() in the sources, as everywhere else.
 */

typedef struct _YqPageText YqPageText;

/* Loads <localedir>/zh_CN/LC_MESSAGES/<domain>.mo; a missing or broken
 * catalogue leaves every page in English (and says so in the log). */
YqPageText *yq_page_text_new       (const char  *localedir,
                                    const char  *domain);
void        yq_page_text_free      (YqPageText  *self);
/* Whether an Accept-Language header (nullable) asks for Chinese. */
gboolean    yq_page_text_wants_zh  (const char  *accept_language);
/* @msgid in Chinese when @zh and a translation exists, else @msgid. */
const char *yq_page_text_get       (YqPageText  *self,
                                    gboolean     zh,
                                    const char  *msgid) G_GNUC_FORMAT (3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqPageText, yq_page_text_free)

G_END_DECLS
