/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "yq-service-error.h"

#include "yunqiao-core.h"
#include "yq-sync-run.h"

typedef struct
{
  int         code;
  const char *name;
} ErrorName;

static const ErrorName store_errors[] = {
  { YQ_STORE_ERROR_OPEN, "Open" },
  { YQ_STORE_ERROR_CORRUPT, "Corrupt" },
  { YQ_STORE_ERROR_NEWER_SCHEMA, "NewerSchema" },
  { YQ_STORE_ERROR_MIGRATION, "Migration" },
  { YQ_STORE_ERROR_BUSY, "Busy" },
  { YQ_STORE_ERROR_NOT_FOUND, "NotFound" },
  { YQ_STORE_ERROR_CONSTRAINT, "Constraint" },
  { YQ_STORE_ERROR_READ_ONLY, "ReadOnly" },
  { YQ_STORE_ERROR_FAILED, "Failed" },
};

static const ErrorName secrets_errors[] = {
  { YQ_SECRETS_ERROR_UNAVAILABLE, "Unavailable" },
  { YQ_SECRETS_ERROR_PERMISSIONS, "Permissions" },
  { YQ_SECRETS_ERROR_CORRUPT, "Corrupt" },
  { YQ_SECRETS_ERROR_FAILED, "Failed" },
};

static const ErrorName settings_errors[] = {
  { YQ_SETTINGS_ERROR_UNKNOWN_KEY, "UnknownKey" },
  { YQ_SETTINGS_ERROR_INVALID, "Invalid" },
};

static const ErrorName sync_errors[] = {
  { YQ_SYNC_ERROR_BLOCKED, "Blocked" },
  { YQ_SYNC_ERROR_NEEDS_CONFIRMATION, "NeedsConfirmation" },
  { YQ_SYNC_ERROR_NOT_SUPPORTED, "NotSupported" },
  { YQ_SYNC_ERROR_FAILED, "Failed" },
  { YQ_SYNC_ERROR_BUSY, "Busy" },
};

static void
register_domain (GQuark           domain,
                 const char      *domain_name,
                 const ErrorName *names,
                 gsize            n_names)
{
  for (gsize i = 0; i < n_names; i++)
    {
      g_autofree char *dbus_name = g_strconcat (YQ_SERVICE_ERROR_PREFIX, domain_name, ".",
                                                names[i].name, NULL);

      g_dbus_error_register_error (domain, names[i].code, dbus_name);
    }
}

/**
 * yq_service_error_register:
 *
 * Maps the store, secrets, settings and sync error domains to D-Bus error names,
 * so that a client that also calls this gets the original #GError domain
 * and code back from a failed call. Safe to call more than once.
 */
void
yq_service_error_register (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      register_domain (YQ_STORE_ERROR, "Store", store_errors, G_N_ELEMENTS (store_errors));
      register_domain (YQ_SECRETS_ERROR, "Secrets", secrets_errors,
                       G_N_ELEMENTS (secrets_errors));
      register_domain (YQ_SETTINGS_ERROR, "Settings", settings_errors,
                       G_N_ELEMENTS (settings_errors));
      register_domain (YQ_SYNC_ERROR, "Sync", sync_errors, G_N_ELEMENTS (sync_errors));
      g_once_init_leave (&registered, 1);
    }
}
