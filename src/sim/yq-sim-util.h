/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small, fast generator with a fixed algorithm (splitmix64), so that the
 * same seed gives the same organisation and the same fault pattern on every
 * GLib version and platform; GRand makes no such promise across releases.
 */
static inline guint64
yq_sim_rand_next (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);

  return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias worth caring about here. */
static inline guint32
yq_sim_rand_below (guint64 *state,
                   guint32  n)
{
  return (guint32) (((yq_sim_rand_next (state) >> 32) * (guint64) n) >> 32);
}

/* Uniform in [0, 1). */
static inline double
yq_sim_rand_double (guint64 *state)
{
  return (double) (yq_sim_rand_next (state) >> 11) * (1.0 / 9007199254740992.0);
}

void      yq_sim_hex_write      (char        *out,
                                 guint64     *state,
                                 guint        n_digits);
char     *yq_sim_format_beijing (gint64       unix_seconds);
gboolean  yq_sim_parse_beijing  (const char  *text,
                                 gint64      *unix_seconds);

G_END_DECLS
