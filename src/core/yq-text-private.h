/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For code inside libyq-core only: checks of administrator-entered text. */

/* Whether @text is 1–@max_chars characters of valid UTF-8 without control
 * characters and not only white space (a name, a label). */
gboolean yq_text_is_valid_line (const char *text,
                                glong       max_chars);

G_END_DECLS
