/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>

#include "yq-sim-util.h"

/*
 * Writes @n_digits random lower-case hex digits and a terminating NUL to
 * @out, which must hold @n_digits + 1 bytes.
 */
void
yq_sim_hex_write (char    *out,
                  guint64 *state,
                  guint    n_digits)
{
  static const char digits[] = "0123456789abcdef";
  guint64 bits = 0;
  guint left = 0;

  for (guint i = 0; i < n_digits; i++)
    {
      if (left == 0)
        {
          bits = yq_sim_rand_next (state);
          left = 16;
        }
      out[i] = digits[bits & 0xf];
      bits >>= 4;
      left--;
    }
  out[n_digits] = '\0';
}

/*
 * Both platforms speak Beijing time (UTC+8, no daylight saving) whatever the
 * host's zone. Plain arithmetic: this runs for every listed record.
 */
char *
yq_sim_format_beijing (gint64 unix_seconds)
{
  gint64 t = unix_seconds + 8 * 3600;
  gint64 days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  gint64 secs = t - days * 86400;
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  gint64 day = doy - (153 * mp + 2) / 5 + 1;
  gint64 month = mp < 10 ? mp + 3 : mp - 9;
  gint64 year = yoe + era * 400 + (month <= 2);

  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02" G_GINT64_FORMAT "-%02" G_GINT64_FORMAT
                          " %02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                          year, month, day, secs / 3600, secs / 60 % 60, secs % 60);
}

gboolean
yq_sim_parse_beijing (const char *text,
                      gint64     *unix_seconds)
{
  int y, mo, d, h = 0, mi = 0, s = 0;
  int n;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;

  n = sscanf (text, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  if (n != 3 && n != 6)
    return FALSE;

  tz = g_time_zone_new_offset (8 * 3600);
  dt = g_date_time_new (tz, y, mo, d, h, mi, s);
  if (dt == NULL)
    return FALSE;

  *unix_seconds = g_date_time_to_unix (dt);

  return TRUE;
}
