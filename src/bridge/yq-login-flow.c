/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-login"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "yq-bindings.h"
#include "yq-bridge-platform.h"
#include "yq-login-flow.h"
#include "yq-oa-directory.h"
#include "yq-password.h"
#include "yq-ticket.h"

G_DEFINE_QUARK (yq-login-error-quark, yq_login_error)

struct _YqLoginFlow
{
  GObject     parent_instance;

  YqStore    *store;
  YqSecrets  *secrets;
  /* app ID → YqPlatform */
  GHashTable *platforms;
};

G_DEFINE_FINAL_TYPE (YqLoginFlow, yq_login_flow, G_TYPE_OBJECT)

void
yq_login_outcome_free (YqLoginOutcome *outcome)
{
  if (outcome == NULL)
    return;

  g_free (outcome->platform_id);
  g_free (outcome->name);
  g_free (outcome->oa_account);
  g_free (outcome->app_name);
  g_free (outcome->message);
  g_free (outcome);
}

const char *
yq_login_refusal_to_string (YqLoginRefusal refusal)
{
  switch (refusal)
    {
    case YQ_LOGIN_REFUSAL_NOT_VISIBLE:
      return "not-visible";
    case YQ_LOGIN_REFUSAL_DISABLED:
      return "disabled";
    case YQ_LOGIN_REFUSAL_NONE:
    default:
      return NULL;
    }
}

gboolean
yq_login_refusal_from_string (const char     *text,
                              YqLoginRefusal *refusal)
{
  if (g_strcmp0 (text, "not-visible") == 0)
    *refusal = YQ_LOGIN_REFUSAL_NOT_VISIBLE;
  else if (g_strcmp0 (text, "disabled") == 0)
    *refusal = YQ_LOGIN_REFUSAL_DISABLED;
  else
    return FALSE;

  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
yq_login_flow_finalize (GObject *object)
{
  YqLoginFlow *self = YQ_LOGIN_FLOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->platforms, g_hash_table_unref);

  G_OBJECT_CLASS (yq_login_flow_parent_class)->finalize (object);
}

static void
yq_login_flow_class_init (YqLoginFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_login_flow_finalize;
}

static void
yq_login_flow_init (YqLoginFlow *self)
{
  self->platforms = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

/**
 * yq_login_flow_new:
 * @store: the store
 * @secrets: where app secrets and the ticket key are kept
 *
 * Returns: (transfer full): a new login flow
 */
YqLoginFlow *
yq_login_flow_new (YqStore   *store,
                   YqSecrets *secrets)
{
  YqLoginFlow *self;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);

  self = g_object_new (YQ_TYPE_LOGIN_FLOW, NULL);
  self->store = g_object_ref (store);
  self->secrets = g_object_ref (secrets);

  return self;
}

void
yq_login_flow_reload (YqLoginFlow *self)
{
  g_return_if_fail (YQ_IS_LOGIN_FLOW (self));

  g_hash_table_remove_all (self->platforms);
}

void
yq_login_flow_set_platform (YqLoginFlow *self,
                            gint64       app_id,
                            YqPlatform  *platform)
{
  g_return_if_fail (YQ_IS_LOGIN_FLOW (self));
  g_return_if_fail (YQ_IS_PLATFORM (platform));

  g_hash_table_insert (self->platforms, g_memdup2 (&app_id, sizeof app_id),
                       g_object_ref (platform));
}

static YqApp *
get_app (YqLoginFlow  *self,
         gint64        app_id,
         GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  YqApp *app;

  app = yq_apps_get (self->store, app_id, &local_error);
  if (app == NULL)
    {
      if (g_error_matches (local_error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND))
        g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_NO_APP,
                     _("This app is not set up in Yunqiao. Ask the administrator to check the "
                       "app’s home URL."));
      else
        g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                     _("Cannot read the app: %s"), local_error->message);
      return NULL;
    }

  return app;
}

/* The platform client of an app: the connector's, with the app's key and
 * secret. */
static YqPlatform *
get_platform (YqLoginFlow  *self,
              const YqApp  *app,
              GError      **error)
{
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(YqConnector) copy = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(GError) local_error = NULL;
  YqPlatform *platform;

  platform = g_hash_table_lookup (self->platforms, &app->id);
  if (platform != NULL)
    return g_object_ref (platform);

  connector = yq_connectors_get (self->store, app->connector_id, &local_error);
  if (connector != NULL)
    secret = yq_apps_get_secret (self->store, self->secrets, app, &local_error);
  if (secret == NULL)
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("The app “%s” is not ready for login: %s"), app->name,
                   local_error->message);
      return NULL;
    }

  copy = yq_connector_copy (connector);
  yq_connector_set_app_key (copy, app->app_key);
  platform = yq_platform_new_for_connector (copy, secret, NULL, &local_error);
  if (platform == NULL)
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("The app “%s” is not ready for login: %s"), app->name,
                   local_error->message);
      return NULL;
    }

  g_hash_table_insert (self->platforms, g_memdup2 (&app->id, sizeof app->id),
                       g_object_ref (platform));
  return platform;
}

/* Identification ----------------------------------------------------------- */

typedef struct
{
  YqApp     *app;
  char      *session_id;
  gint64     started_usec;
  gint64     platform_usec;
} IdentifyData;

static void
identify_data_free (IdentifyData *data)
{
  yq_app_free (data->app);
  g_free (data->session_id);
  g_free (data);
}

static GError *
platform_error_to_login (GError *error)
{
  GError *login_error;

  if (error->domain == YQ_PLATFORM_ERROR &&
      (error->code == YQ_PLATFORM_ERROR_BUSINESS ||
       error->code == YQ_PLATFORM_ERROR_INVALID_ARGUMENT ||
       error->code == YQ_PLATFORM_ERROR_TOKEN_INVALID))
    login_error = g_error_new (YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_CODE,
                               _("The platform did not accept the login (%s). Open the app "
                                 "again from the platform."), error->message);
  else
    login_error = g_error_new (YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_UNAVAILABLE,
                               _("The platform cannot be reached just now (%s). Try again "
                                 "in a moment."), error->message);
  g_error_free (error);
  return login_error;
}

static YqLoginOutcome *
outcome_for_person (YqLoginFlow        *self,
                    const YqApp        *app,
                    const YqOrgPerson  *person,
                    GError            **error)
{
  g_autoptr(YqLoginOutcome) outcome = g_new0 (YqLoginOutcome, 1);
  g_autoptr(YqLoginPerson) found = NULL;
  gboolean visible = FALSE;

  outcome->connector_id = app->connector_id;
  outcome->app_id = app->id;
  outcome->app_name = g_strdup (app->name);
  outcome->name = g_strdup (person->name);

  found = yq_login_store_find_person (self->store, app->connector_id, person->id,
                                      person->account_id, error);
  if (found == NULL && error != NULL && *error != NULL)
    return NULL;

  if (found == NULL)
    {
      outcome->kind = YQ_LOGIN_OUTCOME_REFUSED;
      outcome->refusal = YQ_LOGIN_REFUSAL_NOT_VISIBLE;
      outcome->message = g_strdup_printf (_("%s, you are not within the visible range of “%s”. "
                                            "Ask the administrator to add you to the app’s "
                                            "range and to sync the directory."),
                                          person->name ? person->name : "", app->name);
      return g_steal_pointer (&outcome);
    }

  g_free (outcome->name);
  outcome->name = g_strdup (found->name);
  outcome->platform_id = g_strdup (found->platform_id);

  if (!found->active)
    {
      outcome->kind = YQ_LOGIN_OUTCOME_REFUSED;
      outcome->refusal = YQ_LOGIN_REFUSAL_DISABLED;
      outcome->message = g_strdup_printf (_("%s, your platform account is disabled, so you "
                                            "cannot open “%s”."), found->name, app->name);
      return g_steal_pointer (&outcome);
    }

  if (!yq_apps_is_visible_to (self->store, app, (const char * const *) found->department_ids,
                              &visible, error))
    return NULL;

  if (!visible)
    {
      outcome->kind = YQ_LOGIN_OUTCOME_REFUSED;
      outcome->refusal = YQ_LOGIN_REFUSAL_NOT_VISIBLE;
      outcome->message = g_strdup_printf (_("%s, you are not within the visible range of “%s”. "
                                            "Ask the administrator to add you to the app’s "
                                            "range."), found->name, app->name);
      return g_steal_pointer (&outcome);
    }

  if (found->oa_account != NULL)
    {
      outcome->kind = YQ_LOGIN_OUTCOME_BOUND;
      outcome->oa_account = g_strdup (found->oa_account);
    }
  else
    {
      outcome->kind = YQ_LOGIN_OUTCOME_UNBOUND;
    }

  return g_steal_pointer (&outcome);
}

static void
identify_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqLoginFlow *self = g_task_get_source_object (task);
  IdentifyData *data = g_task_get_task_data (task);
  g_autoptr(YqOrgPerson) person = NULL;
  g_autoptr(YqLoginOutcome) outcome = NULL;
  GError *error = NULL;

  person = yq_platform_resolve_login_code_finish (YQ_PLATFORM (object), result, &error);
  data->platform_usec = g_get_monotonic_time () - data->started_usec;
  if (person == NULL)
    {
      g_task_return_error (task, platform_error_to_login (error));
      return;
    }

  outcome = outcome_for_person (self, data->app, person, &error);
  if (outcome == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  outcome->platform_usec = data->platform_usec;

  /* A QR-code request ends here when the person may not log in. */
  if (data->session_id != NULL && outcome->kind == YQ_LOGIN_OUTCOME_REFUSED)
    {
      gboolean changed;

      if (!yq_qr_sessions_finish (self->store, data->session_id, NULL,
                                  yq_login_refusal_to_string (outcome->refusal),
                                  now_seconds (), &changed, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&outcome), (GDestroyNotify) yq_login_outcome_free);
}

static void
identify_start (YqLoginFlow     *self,
                GTask           *task,
                YqApp           *app,
                YqLoginCodeKind  kind,
                const char      *code)
{
  g_autoptr(YqPlatform) platform = NULL;
  IdentifyData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->app = app;

  if (code == NULL || *code == '\0' || strlen (code) > 512)
    {
      g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_CODE,
                               _("The login code is missing or malformed. Open the app again "
                                 "from the platform."));
      return;
    }

  platform = get_platform (self, app, &error);
  if (platform == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->started_usec = g_get_monotonic_time ();
  yq_platform_resolve_login_code_async (platform, kind, code, g_task_get_cancellable (task),
                                        identify_cb, g_object_ref (task));
}

void
yq_login_flow_identify_async (YqLoginFlow         *self,
                              gint64               app_id,
                              YqLoginCodeKind      kind,
                              const char          *code,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  YqApp *app;
  GError *error = NULL;

  g_return_if_fail (YQ_IS_LOGIN_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_login_flow_identify_async);
  g_task_set_task_data (task, g_new0 (IdentifyData, 1), (GDestroyNotify) identify_data_free);

  app = get_app (self, app_id, &error);
  if (app == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  identify_start (self, task, app, kind, code);
}

YqLoginOutcome *
yq_login_flow_identify_finish (YqLoginFlow   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Tickets and targets ----------------------------------------------------- */

gboolean
yq_login_flow_check_target (YqLoginFlow  *self,
                            const char   *target,
                            GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (YQ_IS_LOGIN_FLOW (self), FALSE);

  if (yq_apps_target_allowed (self->store, target, &local_error))
    return TRUE;

  g_set_error_literal (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_TARGET,
                       _("The page to open after the login is not one of the OA pages set up "
                         "in Yunqiao, so the login stops here."));
  return FALSE;
}

static char *
append_query (const char *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);
  const char *fragment = strchr (url, '#');
  g_autofree char *base = g_strndup (url, fragment ? (gsize) (fragment - url) : strlen (url));

  return g_strdup_printf ("%s%c%s=%s%s", base, strchr (base, '?') ? '&' : '?', name, escaped,
                          fragment ? fragment : "");
}

static char *
issue_ticket (YqLoginFlow  *self,
              const YqApp  *app,
              const char   *oa_account,
              GError      **error)
{
  g_autofree char *audience = g_strdup_printf ("%" G_GINT64_FORMAT, app->id);
  g_autoptr(GError) local_error = NULL;
  char *ticket;

  ticket = yq_ticket_issue (self->store, self->secrets, audience, oa_account, 0, &local_error);
  if (ticket == NULL)
    g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                 _("Cannot issue the login ticket: %s"), local_error->message);

  return ticket;
}

char *
yq_login_flow_redirect_url (YqLoginFlow  *self,
                            gint64        app_id,
                            const char   *oa_account,
                            const char   *target,
                            GError      **error)
{
  g_autoptr(YqApp) app = NULL;
  g_autofree char *own_target = NULL;
  g_autofree char *ticket = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (YQ_IS_LOGIN_FLOW (self), NULL);
  g_return_val_if_fail (oa_account != NULL, NULL);

  app = get_app (self, app_id, error);
  if (app == NULL)
    return NULL;

  if (target != NULL && *target != '\0')
    {
      if (!yq_login_flow_check_target (self, target, error))
        return NULL;
    }
  else
    {
      own_target = yq_apps_resolve_target (self->store, app, &local_error);
      if (own_target == NULL)
        {
          g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                       _("The app “%s” has no page to open: %s"), app->name,
                       local_error->message);
          return NULL;
        }
      target = own_target;
    }

  ticket = issue_ticket (self, app, oa_account, error);
  if (ticket == NULL)
    return NULL;

  return append_query (target, "ticket", ticket);
}

gboolean
yq_login_flow_validate (YqLoginFlow  *self,
                        const char   *ticket,
                        const char   *app_id,
                        char        **oa_account,
                        GError      **error)
{
  g_return_val_if_fail (YQ_IS_LOGIN_FLOW (self), FALSE);

  return yq_ticket_redeem (self->store, self->secrets, ticket, app_id, oa_account, error);
}

/* Manual binding ---------------------------------------------------------- */

typedef struct
{
  char   *store_path;
  gint64  connector_id;
  char   *platform_id;
  char   *oa_account;
  char   *password;
  char   *keys[3];
} BindData;

static void
bind_data_free (BindData *data)
{
  g_free (data->store_path);
  g_free (data->platform_id);
  g_free (data->oa_account);
  if (data->password != NULL)
    {
      explicit_bzero (data->password, strlen (data->password));
      g_free (data->password);
    }
  g_free (data->keys[0]);
  g_free (data->keys[1]);
  g_free (data);
}

/* The slow hash runs in a worker, on a connection of its own. */
static void
check_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  BindData *data = task_data;
  g_autoptr(YqStore) store = NULL;
  g_autoptr(YqOaDirectory) directory = NULL;
  char *person_id = NULL;
  GError *error = NULL;

  store = yq_store_open (data->store_path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  directory = yq_builtin_oa_directory_new (store);
  if (!yq_oa_directory_check_password (directory, data->oa_account, data->password, &person_id,
                                       &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, person_id, g_free);
}

static char *
format_locked_message (gint64 locked_until)
{
  gint64 minutes = (locked_until - now_seconds () + 59) / 60;

  minutes = MAX (minutes, 1);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Too many failed sign-ins. Try again in %d minute.",
                                       "Too many failed sign-ins. Try again in %d minutes.",
                                       (gulong) minutes),
                          (int) minutes);
}

static void
bind_checked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  YqLoginFlow *self = g_task_get_source_object (task);
  BindData *data = g_task_get_task_data (task);
  g_autofree char *account = NULL;
  g_autoptr(YqBindingResult) bound = NULL;
  g_autoptr(GError) error = NULL;
  const char *account_key[] = { data->keys[0], NULL };

  account = g_task_propagate_pointer (G_TASK (result), &error);
  if (account == NULL)
    {
      g_autoptr(GError) record_error = NULL;

      if (!g_error_matches (error, YQ_OA_DIRECTORY_ERROR, YQ_OA_DIRECTORY_ERROR_BAD_CREDENTIALS))
        {
          g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                                   _("Cannot check the password: %s"), error->message);
          return;
        }

      if (!yq_login_guard_record_failure (self->store, (const char * const *) data->keys,
                                          now_seconds (), &record_error))
        g_warning ("Cannot record a failed sign-in: %s", record_error->message);

      g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_CREDENTIALS,
                               _("The OA account or password is not correct."));
      return;
    }

  if (!yq_login_guard_clear (self->store, account_key, &error))
    g_warning ("Cannot clear the failed sign-ins: %s", error->message);
  g_clear_error (&error);

  bound = yq_bindings_bind (self->store, data->connector_id, data->platform_id, account, &error);
  if (bound == NULL)
    {
      if (g_error_matches (error, YQ_BINDINGS_ERROR, YQ_BINDINGS_ERROR_ACCOUNT_TAKEN))
        g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_TAKEN,
                                 _("This OA account is already bound to another person. Ask "
                                   "the administrator to check the bindings."));
      else
        g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                                 _("Cannot save the binding: %s"), error->message);
      return;
    }

  g_info ("Bound platform person %s of connector %" G_GINT64_FORMAT " by sign-in",
          data->platform_id, data->connector_id);
  g_task_return_pointer (task, g_steal_pointer (&account), g_free);
}

void
yq_login_flow_bind_async (YqLoginFlow         *self,
                          gint64               app_id,
                          const char          *platform_id,
                          const char          *oa_account,
                          const char          *password,
                          const char          *address,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) check = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autofree char *folded = NULL;
  BindData *data;
  gint64 locked_until = 0;
  GError *error = NULL;

  g_return_if_fail (YQ_IS_LOGIN_FLOW (self));
  g_return_if_fail (platform_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_login_flow_bind_async);

  app = get_app (self, app_id, &error);
  if (app == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  oa_account = oa_account != NULL ? oa_account : "";
  password = password != NULL ? password : "";
  if (*oa_account == '\0' || *password == '\0' || strlen (oa_account) > 255 ||
      strlen (password) > 1024)
    {
      g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_CREDENTIALS,
                               _("Enter your OA account and password."));
      return;
    }

  data = g_new0 (BindData, 1);
  folded = g_utf8_casefold (oa_account, -1);
  data->keys[0] = g_strconcat ("account:", folded, NULL);
  data->keys[1] = g_strconcat ("address:", address != NULL ? address : "unknown", NULL);
  data->store_path = g_strdup (yq_store_get_path (self->store));
  data->connector_id = app->connector_id;
  data->platform_id = g_strdup (platform_id);
  data->oa_account = g_strdup (oa_account);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) bind_data_free);

  if (!yq_login_guard_check (self->store, (const char * const *) data->keys, now_seconds (),
                             &locked_until, &error))
    {
      g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                               _("Cannot check the sign-in attempts: %s"), error->message);
      g_error_free (error);
      return;
    }

  if (locked_until > 0)
    {
      g_autofree char *message = format_locked_message (locked_until);

      g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_LOCKED, "%s", message);
      return;
    }

  /* The worker task shares the data; the outer task owns it. */
  check = g_task_new (self, cancellable, bind_checked_cb, g_object_ref (task));
  g_task_set_task_data (check, data, NULL);
  g_task_run_in_thread (check, check_password_thread);
}

char *
yq_login_flow_bind_finish (YqLoginFlow   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* QR-code login ------------------------------------------------------------ */

static YqApp *
qr_app (YqLoginFlow  *self,
        gint64        connector_id,
        YqQrLogin    *qr,
        GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!yq_qr_login_get (self->store, connector_id, qr, &local_error) &&
      !g_error_matches (local_error, YQ_APPS_ERROR, YQ_APPS_ERROR_NOT_FOUND))
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("Cannot read the QR-code login: %s"), local_error->message);
      return NULL;
    }

  if (local_error != NULL || !qr->enabled || qr->app_id <= 0)
    {
      g_set_error_literal (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_NO_APP,
                           _("QR-code login is not enabled."));
      return NULL;
    }

  return get_app (self, qr->app_id, error);
}

YqQrSession *
yq_login_flow_qr_create (YqLoginFlow  *self,
                         gint64        connector_id,
                         GError      **error)
{
  g_autoptr(YqApp) app = NULL;
  g_autoptr(GError) local_error = NULL;
  YqQrLogin qr;
  YqQrSession *session;

  g_return_val_if_fail (YQ_IS_LOGIN_FLOW (self), NULL);

  app = qr_app (self, connector_id, &qr, error);
  if (app == NULL)
    return NULL;

  session = yq_qr_sessions_create (self->store, connector_id, app->id, qr.ttl_seconds,
                                   now_seconds (), &local_error);
  if (session == NULL)
    g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                 _("Cannot create the QR-code login: %s"), local_error->message);

  return session;
}

static YqQrSession *
get_open_session (YqLoginFlow  *self,
                  const char   *session_id,
                  GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(YqQrSession) session = NULL;

  session = yq_qr_sessions_get (self->store, session_id, now_seconds (), &local_error);
  if (session == NULL && local_error != NULL)
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("Cannot read the QR-code login: %s"), local_error->message);
      return NULL;
    }

  if (session == NULL ||
      (session->state != YQ_QR_STATE_PENDING && session->state != YQ_QR_STATE_SCANNED))
    {
      g_set_error_literal (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_EXPIRED,
                           _("This QR code has expired or was already used. Refresh the OA "
                             "login page and scan the new code."));
      return NULL;
    }

  return g_steal_pointer (&session);
}

/* The 政务钉钉 login host: the app's own, else the connector preset's. */
static char *
zwdd_login_base (YqConnector *connector,
                 const YqApp *app)
{
  if (app->login_base != NULL && *app->login_base != '\0')
    {
      char *base = g_strdup (app->login_base);
      gsize length = strlen (base);

      if (length > 0 && base[length - 1] == '/')
        base[length - 1] = '\0';
      return base;
    }

  switch (yq_connector_get_preset (connector))
    {
    case YQ_CONNECTOR_PRESET_ZWDD_ZJ:
      return g_strdup ("https://login-pro.ding.zj.gov.cn");
    case YQ_CONNECTOR_PRESET_ZWDD_DGWORK:
    default:
      return g_strdup ("https://login.dg-work.cn");
    }
}

char *
yq_login_flow_qr_scan (YqLoginFlow  *self,
                       const char   *session_id,
                       GError      **error)
{
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *login_base = NULL;
  g_autofree char *escaped_callback = NULL;
  g_autofree char *escaped_client = NULL;
  g_autofree char *escaped_state = NULL;
  gboolean changed;

  g_return_val_if_fail (YQ_IS_LOGIN_FLOW (self), NULL);

  session = get_open_session (self, session_id, error);
  if (session == NULL)
    return NULL;

  app = get_app (self, session->app_id, error);
  if (app == NULL)
    return NULL;

  connector = yq_connectors_get (self->store, app->connector_id, &local_error);
  if (connector == NULL ||
      !yq_qr_sessions_scanned (self->store, session_id, now_seconds (), &changed, &local_error))
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("Cannot read the QR-code login: %s"), local_error->message);
      return NULL;
    }

  if (yq_connector_get_kind (connector) != YQ_PLATFORM_KIND_ZWDD)
    return NULL;

  callback = yq_settings_build_url (self->store, "qr/callback", &local_error);
  if (callback == NULL)
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("Cannot build the QR-code login callback: %s"), local_error->message);
      return NULL;
    }

  login_base = zwdd_login_base (connector, app);
  escaped_callback = g_uri_escape_string (callback, NULL, FALSE);
  escaped_client = g_uri_escape_string (app->client_id ? app->client_id : "", NULL, FALSE);
  escaped_state = g_uri_escape_string (session_id, NULL, FALSE);

  return g_strdup_printf ("%s/oauth2/auth.htm?response_type=code&client_id=%s"
                          "&redirect_uri=%s&scope=get_user_info&authType=QRCODE&state=%s",
                          login_base, escaped_client, escaped_callback, escaped_state);
}

void
yq_login_flow_qr_identify_async (YqLoginFlow         *self,
                                 const char          *session_id,
                                 const char          *code,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(YqConnector) connector = NULL;
  g_autoptr(GError) local_error = NULL;
  IdentifyData *data;
  YqApp *app;
  GError *error = NULL;

  g_return_if_fail (YQ_IS_LOGIN_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, yq_login_flow_qr_identify_async);
  data = g_new0 (IdentifyData, 1);
  data->session_id = g_strdup (session_id);
  g_task_set_task_data (task, data, (GDestroyNotify) identify_data_free);

  session = get_open_session (self, session_id, &error);
  if (session == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  app = get_app (self, session->app_id, &error);
  if (app == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  connector = yq_connectors_get (self->store, app->connector_id, &local_error);
  if (connector == NULL)
    {
      yq_app_free (app);
      g_task_return_new_error (task, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                               _("Cannot read the QR-code login: %s"), local_error->message);
      return;
    }

  /* 政务钉钉 identifies the scan with its QR OAuth code; 云之家 opens the
   * confirm page as a light app, with the app's ticket. */
  identify_start (self, task, app,
                  yq_connector_get_kind (connector) == YQ_PLATFORM_KIND_ZWDD
                  ? YQ_LOGIN_CODE_QR : YQ_LOGIN_CODE_APP,
                  code);
}

YqLoginOutcome *
yq_login_flow_qr_identify_finish (YqLoginFlow   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
yq_login_flow_qr_confirm (YqLoginFlow  *self,
                          const char   *session_id,
                          const char   *oa_account,
                          GError      **error)
{
  g_autoptr(YqQrSession) session = NULL;
  g_autoptr(YqApp) app = NULL;
  g_autofree char *ticket = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (YQ_IS_LOGIN_FLOW (self), FALSE);
  g_return_val_if_fail (oa_account != NULL, FALSE);

  session = get_open_session (self, session_id, error);
  if (session == NULL)
    return FALSE;

  app = get_app (self, session->app_id, error);
  if (app == NULL)
    return FALSE;

  ticket = issue_ticket (self, app, oa_account, error);
  if (ticket == NULL)
    return FALSE;

  if (!yq_qr_sessions_finish (self->store, session_id, ticket, NULL, now_seconds (), &changed,
                              &local_error))
    {
      g_set_error (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_FAILED,
                   _("Cannot confirm the QR-code login: %s"), local_error->message);
      return FALSE;
    }

  if (!changed)
    {
      g_set_error_literal (error, YQ_LOGIN_ERROR, YQ_LOGIN_ERROR_EXPIRED,
                           _("This QR code has expired or was already used. Refresh the OA "
                             "login page and scan the new code."));
      return FALSE;
    }

  return TRUE;
}
