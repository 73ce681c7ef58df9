/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "yq-text-private.h"

gboolean
yq_text_is_valid_line (const char *text,
                       glong       max_chars)
{
  gboolean has_visible = FALSE;

  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  if (g_utf8_strlen (text, -1) > max_chars)
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return FALSE;
      if (!g_unichar_isspace (c))
        has_visible = TRUE;
    }

  return has_visible;
}
