/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define YQ_PLATFORM_ERROR (yq_platform_error_quark ())

/**
 * YqPlatformError:
 * @YQ_PLATFORM_ERROR_NETWORK: the platform could not be reached (DNS, connection refused, reset)
 * @YQ_PLATFORM_ERROR_TLS: the TLS handshake or certificate check failed
 * @YQ_PLATFORM_ERROR_TIMEOUT: no answer within the request timeout
 * @YQ_PLATFORM_ERROR_BAD_SIGNATURE: the platform rejected a request signature
 * @YQ_PLATFORM_ERROR_AUTH: wrong app key, secret, directory key or public-account key
 * @YQ_PLATFORM_ERROR_CLOCK_SKEW: the request time was outside the platform's window
 * @YQ_PLATFORM_ERROR_NO_PERMISSION: the app has no permission on the organisation or call
 * @YQ_PLATFORM_ERROR_TOKEN_INVALID: the access token was refused even after renewing it
 * @YQ_PLATFORM_ERROR_RATE_LIMITED: the platform kept limiting the request rate
 * @YQ_PLATFORM_ERROR_SERVER: the platform answered with a server error (HTTP 5xx)
 * @YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE: an answer that is not the documented format
 * @YQ_PLATFORM_ERROR_BUSINESS: the platform refused the call with its own error code
 * @YQ_PLATFORM_ERROR_NOT_SUPPORTED: the platform does not offer the operation
 * @YQ_PLATFORM_ERROR_INVALID_ARGUMENT: the request cannot be sent as given
 *
 * Error codes of the %YQ_PLATFORM_ERROR domain. Each has a message that
 * says what failed, the likely cause and what to do.
 */
typedef enum
{
  YQ_PLATFORM_ERROR_NETWORK,
  YQ_PLATFORM_ERROR_TLS,
  YQ_PLATFORM_ERROR_TIMEOUT,
  YQ_PLATFORM_ERROR_BAD_SIGNATURE,
  YQ_PLATFORM_ERROR_AUTH,
  YQ_PLATFORM_ERROR_CLOCK_SKEW,
  YQ_PLATFORM_ERROR_NO_PERMISSION,
  YQ_PLATFORM_ERROR_TOKEN_INVALID,
  YQ_PLATFORM_ERROR_RATE_LIMITED,
  YQ_PLATFORM_ERROR_SERVER,
  YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE,
  YQ_PLATFORM_ERROR_BUSINESS,
  YQ_PLATFORM_ERROR_NOT_SUPPORTED,
  YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
} YqPlatformError;

GQuark      yq_platform_error_quark    (void);
const char *yq_platform_error_get_nick (YqPlatformError  code);
GError     *yq_platform_error_new      (YqPlatformError  code,
                                        const char      *call,
                                        const char      *detail);

G_END_DECLS
