/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define YQ_PASSWORD_ERROR (yq_password_error_quark ())

/**
 * YqPasswordError:
 * @YQ_PASSWORD_ERROR_INVALID_HASH: a stored password hash is malformed or
 *   uses an unknown scheme or unsafe parameters
 * @YQ_PASSWORD_ERROR_INVALID_PASSWORD: the password is empty, too long or
 *   not UTF-8 text
 * @YQ_PASSWORD_ERROR_RANDOM: the system could not provide random bytes
 */
typedef enum
{
  YQ_PASSWORD_ERROR_INVALID_HASH,
  YQ_PASSWORD_ERROR_INVALID_PASSWORD,
  YQ_PASSWORD_ERROR_RANDOM,
} YqPasswordError;

/* New hashes use this many PBKDF2 iterations; stored hashes with fewer are
 * refused as unsafe. */
#define YQ_PASSWORD_ITERATIONS     600000
/* Stored hashes with more are refused (a forged row must not stall us). */
#define YQ_PASSWORD_MAX_ITERATIONS 10000000
#define YQ_PASSWORD_SALT_LENGTH    16
#define YQ_PASSWORD_HASH_LENGTH    32
/* In bytes of UTF-8. */
#define YQ_PASSWORD_MAX_LENGTH     1024
/* In characters; enforced where an administrator sets an OA password. */
#define YQ_PASSWORD_MIN_LENGTH     8

GQuark   yq_password_error_quark (void);

void     yq_password_pbkdf2_sha256 (const guint8  *password,
                                    gsize          password_length,
                                    const guint8  *salt,
                                    gsize          salt_length,
                                    guint          iterations,
                                    guint8        *derived_key,
                                    gsize          derived_key_length);

gboolean yq_password_check       (const char    *password,
                                  GError       **error);
char    *yq_password_hash        (const char    *password,
                                  GError       **error);
gboolean yq_password_parse       (const char    *encoded,
                                  guint         *iterations,
                                  GBytes       **salt,
                                  GBytes       **hash,
                                  GError       **error);
gboolean yq_password_verify      (const char    *encoded,
                                  const char    *password,
                                  gboolean      *matches,
                                  GError       **error);
gboolean yq_password_hash_is_valid (const char  *hash);

G_END_DECLS
