/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-platform"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "yq-platform-error.h"

G_DEFINE_QUARK (yq-platform-error-quark, yq_platform_error)

/**
 * yq_platform_error_get_nick:
 * @code: an error code of %YQ_PLATFORM_ERROR
 *
 * Returns: a stable machine-readable name, e.g. `bad-signature`, for
 *   `--json` output and logs
 */
const char *
yq_platform_error_get_nick (YqPlatformError code)
{
  switch (code)
    {
    case YQ_PLATFORM_ERROR_NETWORK: return "network";
    case YQ_PLATFORM_ERROR_TLS: return "tls";
    case YQ_PLATFORM_ERROR_TIMEOUT: return "timeout";
    case YQ_PLATFORM_ERROR_BAD_SIGNATURE: return "bad-signature";
    case YQ_PLATFORM_ERROR_AUTH: return "auth";
    case YQ_PLATFORM_ERROR_CLOCK_SKEW: return "clock-skew";
    case YQ_PLATFORM_ERROR_NO_PERMISSION: return "no-permission";
    case YQ_PLATFORM_ERROR_TOKEN_INVALID: return "token-invalid";
    case YQ_PLATFORM_ERROR_RATE_LIMITED: return "rate-limited";
    case YQ_PLATFORM_ERROR_SERVER: return "server";
    case YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE: return "unexpected-response";
    case YQ_PLATFORM_ERROR_BUSINESS: return "business";
    case YQ_PLATFORM_ERROR_NOT_SUPPORTED: return "not-supported";
    case YQ_PLATFORM_ERROR_INVALID_ARGUMENT: return "invalid-argument";
    default: return "unknown";
    }
}

/**
 * yq_platform_error_new:
 * @code: the error code
 * @call: the call that failed, usually the endpoint path (never a full URL:
 *   some platforms put the access token in the query string)
 * @detail: (nullable): what the platform or the network reported, e.g.
 *   "300037: no permission"; must not contain secrets
 *
 * Builds the standard message for @code: what failed, the likely cause
 * and what to do.
 *
 * Returns: (transfer full): a new error in %YQ_PLATFORM_ERROR
 */
GError *
yq_platform_error_new (YqPlatformError  code,
                       const char      *call,
                       const char      *detail)
{
  const char *d = (detail != NULL && *detail != '\0') ? detail : NULL;

  g_return_val_if_fail (call != NULL, NULL);

  switch (code)
    {
    case YQ_PLATFORM_ERROR_NETWORK:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("Could not connect to the platform for %s (%s). Check the API "
                              "address, that its host name resolves, and this computer's network "
                              "connection."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("Could not connect to the platform for %s. Check the API address, that "
                            "its host name resolves, and this computer's network connection."),
                          call);

    case YQ_PLATFORM_ERROR_TLS:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The secure connection for %s failed (%s). Check the API address and "
                              "that the server's certificate is valid and trusted; the computer's "
                              "clock must also be correct."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The secure connection for %s failed. Check the API address and that "
                            "the server's certificate is valid and trusted; the computer's clock "
                            "must also be correct."),
                          call);

    case YQ_PLATFORM_ERROR_TIMEOUT:
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform did not answer %s in time. It may be overloaded or "
                            "unreachable from this network; try again later, or raise the request "
                            "timeout."),
                          call);

    case YQ_PLATFORM_ERROR_BAD_SIGNATURE:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform rejected the request signature for %s (%s). Check the "
                              "AppKey and AppSecret, and that this computer's clock is correct "
                              "(NTP)."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform rejected the request signature for %s. Check the AppKey "
                            "and AppSecret, and that this computer's clock is correct (NTP)."),
                          call);

    case YQ_PLATFORM_ERROR_AUTH:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform refused the credentials for %s (%s). Check the app "
                              "key, the secret and, for directory calls, the directory key in the "
                              "connector settings."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform refused the credentials for %s. Check the app key, the "
                            "secret and, for directory calls, the directory key in the connector "
                            "settings."),
                          call);

    case YQ_PLATFORM_ERROR_CLOCK_SKEW:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform rejected the request time for %s (%s): this computer's "
                              "clock differs too much from the platform's. Correct the clock, "
                              "preferably with NTP."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform rejected the request time for %s: this computer's clock "
                            "differs too much from the platform's. Correct the clock, preferably "
                            "with NTP."),
                          call);

    case YQ_PLATFORM_ERROR_NO_PERMISSION:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The app has no permission for %s (%s). The organisation is probably "
                              "outside the app's directory scope; widen the scope in the "
                              "platform's console, or use a key with write permission."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The app has no permission for %s. The organisation is probably "
                            "outside the app's directory scope; widen the scope in the platform's "
                            "console, or use a key with write permission."),
                          call);

    case YQ_PLATFORM_ERROR_TOKEN_INVALID:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform rejected the access token for %s (%s), even after a "
                              "new token was obtained. Check that the app is enabled and its "
                              "secret is allowed to make this call."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform rejected the access token for %s, even after a new token "
                            "was obtained. Check that the app is enabled and its secret is allowed "
                            "to make this call."),
                          call);

    case YQ_PLATFORM_ERROR_RATE_LIMITED:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform is limiting the request rate for %s (%s). Lower the "
                              "connector's requests per second, or try again later."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform is limiting the request rate for %s. Lower the "
                            "connector's requests per second, or try again later."),
                          call);

    case YQ_PLATFORM_ERROR_SERVER:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform reported a server error for %s (%s). This is usually "
                              "temporary; try again later."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform reported a server error for %s. This is usually "
                            "temporary; try again later."),
                          call);

    case YQ_PLATFORM_ERROR_UNEXPECTED_RESPONSE:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The answer to %s could not be understood (%s). Check that the API "
                              "address points at the platform's API gateway."),
                            call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The answer to %s could not be understood. Check that the API address "
                            "points at the platform's API gateway."),
                          call);

    case YQ_PLATFORM_ERROR_BUSINESS:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("The platform refused %s: %s."), call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("The platform refused %s without giving a reason."), call);

    case YQ_PLATFORM_ERROR_NOT_SUPPORTED:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, code,
                            _("%s is not supported: %s."), call, d);
      return g_error_new (YQ_PLATFORM_ERROR, code,
                          _("%s is not supported by this platform."), call);

    case YQ_PLATFORM_ERROR_INVALID_ARGUMENT:
    default:
      if (d)
        return g_error_new (YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                            _("%s cannot be sent: %s."), call, d);
      return g_error_new (YQ_PLATFORM_ERROR, YQ_PLATFORM_ERROR_INVALID_ARGUMENT,
                          _("%s cannot be sent as given."), call);
    }
}
