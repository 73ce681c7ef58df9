/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-push"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>

#include "yq-push.h"
#include "yq-store-private.h"
#include "yq-text-private.h"

/*
 * Rules and targets live in push_rules and push_targets (migration
 * 0011-push.sql); a 云之家 public-account key lives in YqSecrets under
 * "push-target-<id>-pubkey", and push_targets.pub_key_ref names it.
 *
 * Intake tokens are "yqp_" followed by 43 base64url characters (32 random
 * bytes from getrandom()). Only the lower-case hex SHA-256 of the whole
 * token is stored, with the 8 characters after "yqp_" as its prefix. With
 * 256 random bits a plain hash is enough: nothing can be guessed.
 */

#define MAX_NAME_CHARS 64
#define MAX_PUB_ID_CHARS 64
#define MAX_PUB_KEY_CHARS 256
/* Seconds within which a token's last use is not written again. */
#define TOKEN_USE_RESOLUTION 60
#define TOKEN_PREFIX "yqp_"
#define TOKEN_RANDOM_BYTES 32
#define TOKEN_CHARS 43
#define TOKEN_SHOWN_CHARS 8

G_DEFINE_QUARK (yq-push-error-quark, yq_push_error)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
pub_key_key (gint64 target_id)
{
  return g_strdup_printf ("push-target-%" G_GINT64_FORMAT "-pubkey", target_id);
}

/* 1–@max_chars printable ASCII characters without spaces. */
static gboolean
is_valid_word (const char *text,
               gsize       max_chars)
{
  gsize n = 0;

  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++, n++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;

  return n <= max_chars;
}

const char *
yq_push_kind_to_string (YqPushKind kind)
{
  switch (kind)
    {
    case YQ_PUSH_KIND_NOTIFICATION:
      return "notification";
    case YQ_PUSH_KIND_TODO:
      return "todo";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
yq_push_kind_from_string (const char *text,
                          YqPushKind *kind)
{
  if (g_strcmp0 (text, "notification") == 0)
    *kind = YQ_PUSH_KIND_NOTIFICATION;
  else if (g_strcmp0 (text, "todo") == 0)
    *kind = YQ_PUSH_KIND_TODO;
  else
    return FALSE;

  return TRUE;
}

/* ---- Boxed types ---------------------------------------------------------- */

YqPushTarget *
yq_push_target_new (void)
{
  YqPushTarget *target = g_new0 (YqPushTarget, 1);

  target->zwdd_spacing = YQ_PUSH_ZWDD_SPACING_DEFAULT;

  return target;
}

YqPushTarget *
yq_push_target_copy (const YqPushTarget *target)
{
  YqPushTarget *copy;

  g_return_val_if_fail (target != NULL, NULL);

  copy = g_new0 (YqPushTarget, 1);
  *copy = *target;
  copy->yzj_pub_id = g_strdup (target->yzj_pub_id);
  copy->yzj_pub_key = g_strdup (target->yzj_pub_key);

  return copy;
}

void
yq_push_target_free (YqPushTarget *target)
{
  if (target == NULL)
    return;

  g_free (target->yzj_pub_id);
  yq_secrets_wipe_free (target->yzj_pub_key);
  g_free (target);
}

YqPushRule *
yq_push_rule_new (void)
{
  YqPushRule *rule = g_new0 (YqPushRule, 1);

  rule->enabled = TRUE;
  rule->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_push_target_free);

  return rule;
}

YqPushRule *
yq_push_rule_copy (const YqPushRule *rule)
{
  YqPushRule *copy;

  g_return_val_if_fail (rule != NULL, NULL);

  copy = yq_push_rule_new ();
  copy->id = rule->id;
  copy->name = g_strdup (rule->name);
  copy->source = g_strdup (rule->source);
  copy->enabled = rule->enabled;
  copy->created_at = rule->created_at;
  copy->updated_at = rule->updated_at;
  for (guint i = 0; rule->targets != NULL && i < rule->targets->len; i++)
    g_ptr_array_add (copy->targets, yq_push_target_copy (g_ptr_array_index (rule->targets, i)));

  return copy;
}

void
yq_push_rule_free (YqPushRule *rule)
{
  if (rule == NULL)
    return;

  g_free (rule->name);
  g_free (rule->source);
  g_clear_pointer (&rule->targets, g_ptr_array_unref);
  g_free (rule);
}

void
yq_push_token_free (YqPushToken *token)
{
  if (token == NULL)
    return;

  g_free (token->name);
  g_free (token->prefix);
  g_free (token);
}

/* ---- Reading rules -------------------------------------------------------- */

#define RULE_COLUMNS "id, name, source, enabled, created_at, updated_at"
#define TARGET_COLUMNS "id, connector_id, app_id, kind, yzj_pub_id, pub_key_ref, zwdd_spacing, " \
                       "last_call_ms"

static YqPushRule *
rule_from_row (sqlite3_stmt *stmt)
{
  YqPushRule *rule = yq_push_rule_new ();

  rule->id = sqlite3_column_int64 (stmt, 0);
  rule->name = g_strdup (yq_store_column_text (stmt, 1));
  rule->source = yq_store_column_dup (stmt, 2);
  rule->enabled = sqlite3_column_int (stmt, 3) != 0;
  rule->created_at = sqlite3_column_int64 (stmt, 4);
  rule->updated_at = sqlite3_column_int64 (stmt, 5);

  return rule;
}

static gboolean
load_targets (YqStore     *store,
              YqPushRule  *rule,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT " TARGET_COLUMNS " FROM push_targets WHERE rule_id = ?1 "
                           "ORDER BY id",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rule->id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqPushTarget *target = yq_push_target_new ();

      target->id = sqlite3_column_int64 (stmt, 0);
      target->connector_id = sqlite3_column_int64 (stmt, 1);
      target->app_id = sqlite3_column_int64 (stmt, 2);
      if (!yq_push_kind_from_string (yq_store_column_text (stmt, 3), &target->kind))
        target->kind = YQ_PUSH_KIND_NOTIFICATION;
      target->yzj_pub_id = yq_store_column_dup (stmt, 4);
      target->zwdd_spacing = (guint) sqlite3_column_int64 (stmt, 6);
      target->last_call_ms = sqlite3_column_int64 (stmt, 7);
      target->has_pub_key = sqlite3_column_type (stmt, 5) != SQLITE_NULL;
      g_ptr_array_add (rule->targets, target);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push targets"));
      return FALSE;
    }

  return TRUE;
}

static YqPushRule *
rule_get_locked (YqStore  *store,
                 gint64    id,
                 GError  **error)
{
  g_autoptr(YqPushRule) rule = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, "SELECT " RULE_COLUMNS " FROM push_rules WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    rule = rule_from_row (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                   _("There is no push rule with ID %lld; it may have been removed"),
                   (long long) id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push rule"));
      return NULL;
    }

  if (!load_targets (store, rule, error))
    return NULL;

  return g_steal_pointer (&rule);
}

/**
 * yq_push_rules_list:
 * @store: the store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type YqPushRule): the rules by
 *   name, with their targets, or %NULL with @error set
 */
GPtrArray *
yq_push_rules_list (YqStore  *store,
                    GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  rules = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_push_rule_free);

  stmt = yq_store_prepare (store,
                           "SELECT " RULE_COLUMNS " FROM push_rules "
                           "ORDER BY name COLLATE NOCASE, id",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rules, rule_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push rules"));
      return NULL;
    }

  for (guint i = 0; i < rules->len; i++)
    if (!load_targets (store, g_ptr_array_index (rules, i), error))
      return NULL;

  return g_steal_pointer (&rules);
}

/**
 * yq_push_rules_get:
 * @store: the store
 * @id: the rule's ID
 * @error: return location for an error
 *
 * Returns: (transfer full): the rule with its targets, or %NULL with
 *   @error set (%YQ_PUSH_ERROR_NOT_FOUND when there is none)
 */
YqPushRule *
yq_push_rules_get (YqStore  *store,
                   gint64    id,
                   GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);

  return rule_get_locked (store, id, error);
}

/* ---- Saving rules --------------------------------------------------------- */

typedef struct
{
  YqSecrets        *secrets;
  YqPushRule       *rule;
  /* the public-account keys stored or cleared by the save */
  YqSecretsJournal *journal;
} RuleSaveData;

/* The connector's kind and name; NOT_FOUND when it does not exist. */
static gboolean
get_connector_info (YqStore         *store,
                    gint64           connector_id,
                    YqPlatformKind  *kind,
                    char           **name,
                    GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, "SELECT kind, name FROM connectors WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, connector_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *kind = g_str_equal (yq_store_column_text (stmt, 0), "yzj") ? YQ_PLATFORM_KIND_YZJ
                                                         : YQ_PLATFORM_KIND_ZWDD;
      *name = g_strdup (yq_store_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                   _("There is no connector with ID %lld; choose another connector for the "
                     "push target"),
                   (long long) connector_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the connector"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_target (YqStore             *store,
              const YqPushTarget  *target,
              const YqPushTarget  *stored,
              GError             **error)
{
  g_autofree char *connector_name = NULL;
  YqPlatformKind platform;
  gboolean pub_key_given = target->yzj_pub_key != NULL && *target->yzj_pub_key != '\0';

  if (!get_connector_info (store, target->connector_id, &platform, &connector_name, error))
    return FALSE;

  if (target->kind != YQ_PUSH_KIND_NOTIFICATION && target->kind != YQ_PUSH_KIND_TODO)
    {
      g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                           _("Choose whether the push target sends notifications or todos"));
      return FALSE;
    }

  if (target->app_id != 0)
    {
      sqlite3_stmt *stmt;
      gint64 app_connector = 0;
      g_autofree char *app_name = NULL;
      int rc;

      stmt = yq_store_prepare (store, "SELECT connector_id, name FROM apps WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, target->app_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          app_connector = sqlite3_column_int64 (stmt, 0);
          app_name = g_strdup (yq_store_column_text (stmt, 1));
        }
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                       _("There is no app with ID %lld; choose another app for the push target"),
                       (long long) target->app_id);
          return FALSE;
        }
      if (rc != SQLITE_ROW)
        {
          yq_store_set_error (store, error, rc, _("Could not read the app"));
          return FALSE;
        }
      if (app_connector != target->connector_id)
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                       _("The app “%s” belongs to another connector; choose an app of the "
                         "connector “%s”"),
                       app_name, connector_name);
          return FALSE;
        }
    }

  if (target->zwdd_spacing > YQ_PUSH_ZWDD_SPACING_MAX)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("The time between two work notifications is at most %d seconds"),
                   YQ_PUSH_ZWDD_SPACING_MAX);
      return FALSE;
    }

  if (platform == YQ_PLATFORM_KIND_YZJ && target->kind == YQ_PUSH_KIND_NOTIFICATION)
    {
      if (!is_valid_word (target->yzj_pub_id, MAX_PUB_ID_CHARS))
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                       _("Enter the public-account number (公共号 ID, 1–%d characters without "
                         "spaces) for the notifications through the connector “%s”"),
                       MAX_PUB_ID_CHARS, connector_name);
          return FALSE;
        }
      if (pub_key_given && !is_valid_word (target->yzj_pub_key, MAX_PUB_KEY_CHARS))
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                       _("The public-account key is not valid: enter it as shown in the 云之家 "
                         "console (1–%d characters without spaces)"),
                       MAX_PUB_KEY_CHARS);
          return FALSE;
        }
      if (!pub_key_given && (stored == NULL || !stored->has_pub_key))
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                       _("Enter the public-account key for the notifications through the "
                         "connector “%s”"),
                       connector_name);
          return FALSE;
        }
    }
  else if (target->yzj_pub_id != NULL || pub_key_given)
    {
      if (platform == YQ_PLATFORM_KIND_ZWDD)
        g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                     _("The connector “%s” is Government DingTalk, which has no public "
                       "accounts; remove the public-account number and key"),
                     connector_name);
      else
        g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                             _("Only 云之家 notifications use a public account; remove the "
                               "public-account number and key from the todo target"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
store_pub_key (RuleSaveData        *data,
               const YqPushTarget  *target,
               gboolean             had_key,
               GError             **error)
{
  g_autofree char *key = pub_key_key (target->id);
  g_autofree char *label = NULL;

  /* Translators: %s is a push rule name */
  label = g_strdup_printf (_("Public-account key of push rule “%s”"), data->rule->name);

  return yq_secrets_journal_store (data->journal, key, label, target->yzj_pub_key, had_key,
                                   error);
}

static gboolean
rule_save_in_transaction (YqStore   *store,
                          gpointer   user_data,
                          GError   **error)
{
  RuleSaveData *data = user_data;
  YqPushRule *rule = data->rule;
  g_autoptr(YqPushRule) old = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *subject = NULL;
  sqlite3_stmt *stmt;
  gint64 now = now_seconds ();
  int rc;

  if (!yq_text_is_valid_line (rule->name, MAX_NAME_CHARS))
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("Enter a name for the push rule (1–%d characters)"), MAX_NAME_CHARS);
      return FALSE;
    }
  if (rule->source != NULL && !yq_text_is_valid_line (rule->source, MAX_NAME_CHARS))
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("The OA module of the push rule must be 1–%d characters, or empty for "
                     "every module"),
                   MAX_NAME_CHARS);
      return FALSE;
    }
  if (rule->targets == NULL || rule->targets->len == 0)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("Add at least one target to the push rule “%s”"), rule->name);
      return FALSE;
    }

  if (rule->id != 0)
    {
      old = rule_get_locked (store, rule->id, error);
      if (old == NULL)
        return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "SELECT 1 FROM push_rules WHERE name = ?1 COLLATE NOCASE AND id <> ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, rule->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, rule->id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_DUPLICATE,
                   _("There already is a push rule called “%s”; choose another name"),
                   rule->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push rules"));
      return FALSE;
    }

  /* Check every target first. */
  for (guint i = 0; i < rule->targets->len; i++)
    {
      const YqPushTarget *target = g_ptr_array_index (rule->targets, i);
      const YqPushTarget *stored = NULL;

      if (target->id != 0)
        {
          for (guint j = 0; old != NULL && j < old->targets->len; j++)
            if (((YqPushTarget *) g_ptr_array_index (old->targets, j))->id == target->id)
              stored = g_ptr_array_index (old->targets, j);
          if (stored == NULL)
            {
              g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                           _("The push rule “%s” has no target with ID %lld; reload the rule "
                             "and try again"),
                           rule->name, (long long) target->id);
              return FALSE;
            }
        }
      if (!check_target (store, target, stored, error))
        return FALSE;
    }

  if (rule->id == 0)
    {
      stmt = yq_store_prepare (store,
                               "INSERT INTO push_rules (name, source, enabled, created_at, "
                               "updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, rule->name, -1, SQLITE_TRANSIENT);
      yq_store_bind_text_or_null (stmt, 2, rule->source);
      sqlite3_bind_int (stmt, 3, rule->enabled ? 1 : 0);
      sqlite3_bind_int64 (stmt, 4, now);
      if (!yq_store_run (store, stmt, _("Could not save the push rule"), error))
        return FALSE;
      rule->id = sqlite3_last_insert_rowid (yq_store_get_db (store));
      rule->created_at = now;
    }
  else
    {
      stmt = yq_store_prepare (store,
                               "UPDATE push_rules SET name = ?2, source = ?3, enabled = ?4, "
                               "updated_at = ?5 WHERE id = ?1",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rule->id);
      sqlite3_bind_text (stmt, 2, rule->name, -1, SQLITE_TRANSIENT);
      yq_store_bind_text_or_null (stmt, 3, rule->source);
      sqlite3_bind_int (stmt, 4, rule->enabled ? 1 : 0);
      sqlite3_bind_int64 (stmt, 5, now);
      if (!yq_store_run (store, stmt, _("Could not save the push rule"), error))
        return FALSE;
      rule->created_at = old->created_at;
    }
  rule->updated_at = now;

  g_string_append_printf (detail, "name=%s; source=%s; enabled=%s",
                          rule->name, rule->source != NULL ? rule->source : "*",
                          rule->enabled ? "true" : "false");

  /* Targets no longer in the rule go, with their key; the trigger of
   * push_targets skips their undelivered deliveries. */
  for (guint j = 0; old != NULL && j < old->targets->len; j++)
    {
      const YqPushTarget *stored = g_ptr_array_index (old->targets, j);
      gboolean kept = FALSE;

      for (guint i = 0; i < rule->targets->len; i++)
        if (((YqPushTarget *) g_ptr_array_index (rule->targets, i))->id == stored->id)
          kept = TRUE;
      if (kept)
        continue;

      stmt = yq_store_prepare (store, "DELETE FROM push_targets WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, stored->id);
      if (!yq_store_run (store, stmt, _("Could not remove the push target"), error))
        return FALSE;
      if (stored->has_pub_key)
        {
          g_autofree char *key = pub_key_key (stored->id);

          yq_secrets_journal_clear_on_commit (data->journal, key);
        }
      g_string_append_printf (detail, "; target %lld removed", (long long) stored->id);
    }

  for (guint i = 0; i < rule->targets->len; i++)
    {
      YqPushTarget *target = g_ptr_array_index (rule->targets, i);
      const YqPushTarget *stored = NULL;
      gboolean pub_key_given = target->yzj_pub_key != NULL && *target->yzj_pub_key != '\0';
      gboolean needs_key = target->yzj_pub_id != NULL;
      const char *key_change = "none";

      for (guint j = 0; old != NULL && j < old->targets->len; j++)
        if (((YqPushTarget *) g_ptr_array_index (old->targets, j))->id == target->id &&
            target->id != 0)
          stored = g_ptr_array_index (old->targets, j);

      if (stored == NULL)
        {
          stmt = yq_store_prepare (store,
                                   "INSERT INTO push_targets (rule_id, connector_id, app_id, kind, "
                                   "yzj_pub_id, created_at, updated_at, zwdd_spacing) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, rule->id);
          sqlite3_bind_int64 (stmt, 2, target->connector_id);
          if (target->app_id != 0)
            sqlite3_bind_int64 (stmt, 3, target->app_id);
          else
            sqlite3_bind_null (stmt, 3);
          sqlite3_bind_text (stmt, 4, yq_push_kind_to_string (target->kind), -1, SQLITE_STATIC);
          yq_store_bind_text_or_null (stmt, 5, target->yzj_pub_id);
          sqlite3_bind_int64 (stmt, 6, now);
          sqlite3_bind_int64 (stmt, 7, target->zwdd_spacing);
          if (!yq_store_run (store, stmt, _("Could not save the push target"), error))
            return FALSE;
          target->id = sqlite3_last_insert_rowid (yq_store_get_db (store));
        }
      else
        {
          stmt = yq_store_prepare (store,
                                   "UPDATE push_targets SET connector_id = ?2, app_id = ?3, "
                                   "kind = ?4, yzj_pub_id = ?5, updated_at = ?6, "
                                   "zwdd_spacing = ?7 WHERE id = ?1",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, target->id);
          sqlite3_bind_int64 (stmt, 2, target->connector_id);
          if (target->app_id != 0)
            sqlite3_bind_int64 (stmt, 3, target->app_id);
          else
            sqlite3_bind_null (stmt, 3);
          sqlite3_bind_text (stmt, 4, yq_push_kind_to_string (target->kind), -1, SQLITE_STATIC);
          yq_store_bind_text_or_null (stmt, 5, target->yzj_pub_id);
          sqlite3_bind_int64 (stmt, 6, now);
          sqlite3_bind_int64 (stmt, 7, target->zwdd_spacing);
          if (!yq_store_run (store, stmt, _("Could not save the push target"), error))
            return FALSE;
        }

      if (needs_key && pub_key_given)
        {
          g_autofree char *key = pub_key_key (target->id);

          if (!store_pub_key (data, target, stored != NULL && stored->has_pub_key, error))
            return FALSE;
          stmt = yq_store_prepare (store, "UPDATE push_targets SET pub_key_ref = ?2 WHERE id = ?1",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, target->id);
          sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
          if (!yq_store_run (store, stmt, _("Could not save the push target"), error))
            return FALSE;
          target->has_pub_key = TRUE;
          key_change = stored != NULL && stored->has_pub_key ? "replaced" : "set";
        }
      else if (needs_key)
        {
          target->has_pub_key = TRUE;
          key_change = "kept";
        }
      else
        {
          if (stored != NULL && stored->has_pub_key)
            {
              stmt = yq_store_prepare (store,
                                       "UPDATE push_targets SET pub_key_ref = NULL WHERE id = ?1",
                                       error);
              if (stmt == NULL)
                return FALSE;
              sqlite3_bind_int64 (stmt, 1, target->id);
              if (!yq_store_run (store, stmt, _("Could not save the push target"), error))
                return FALSE;
              {
                g_autofree char *key = pub_key_key (target->id);

                yq_secrets_journal_clear_on_commit (data->journal, key);
              }
              key_change = "removed";
            }
          target->has_pub_key = FALSE;
        }

      g_string_append_printf (detail,
                              "; target %lld: connector=%lld, app=%lld, kind=%s, pub-id=%s, "
                              "pub-key=%s, spacing=%u",
                              (long long) target->id, (long long) target->connector_id,
                              (long long) target->app_id, yq_push_kind_to_string (target->kind),
                              target->yzj_pub_id != NULL ? target->yzj_pub_id : "-", key_change,
                              target->zwdd_spacing);
    }

  subject = g_strdup_printf ("push-rule/%" G_GINT64_FORMAT, rule->id);

  return yq_store_audit (store, NULL, old != NULL ? "push-rule.update" : "push-rule.add",
                         subject, detail->str, error);
}

/**
 * yq_push_rules_save:
 * @store: the store
 * @secrets: where public-account keys are kept
 * @rule: the rule with its targets
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_rules_save (YqStore     *store,
                    YqSecrets   *secrets,
                    YqPushRule  *rule,
                    GError     **error)
{
  g_autoptr(YqPushRule) copy = NULL;
  RuleSaveData data = { 0 };
  gboolean ok;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Work on a copy so that a failed save leaves @rule as it was. */
  copy = yq_push_rule_copy (rule);
  data.secrets = secrets;
  data.rule = copy;
  data.journal = yq_secrets_journal_new (secrets);

  ok = yq_store_transaction (store, rule_save_in_transaction, &data, error);
  if (!ok)
    yq_secrets_journal_undo (data.journal);
  else
    {
      yq_secrets_journal_commit (data.journal);

      rule->id = copy->id;
      rule->created_at = copy->created_at;
      rule->updated_at = copy->updated_at;
      for (guint i = 0; i < rule->targets->len; i++)
        {
          YqPushTarget *target = g_ptr_array_index (rule->targets, i);
          YqPushTarget *saved = g_ptr_array_index (copy->targets, i);

          target->id = saved->id;
          target->has_pub_key = saved->has_pub_key;
        }
    }

  yq_secrets_journal_free (data.journal);

  return ok;
}

typedef struct
{
  YqSecrets *secrets;
  gint64     id;
} RuleRemoveData;

static gboolean
rule_remove_in_transaction (YqStore   *store,
                            gpointer   user_data,
                            GError   **error)
{
  RuleRemoveData *data = user_data;
  g_autoptr(YqPushRule) old = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;

  old = rule_get_locked (store, data->id, error);
  if (old == NULL)
    return FALSE;

  /* The targets go with the rule (ON DELETE CASCADE), and their trigger
   * skips what they had not delivered yet. */
  stmt = yq_store_prepare (store, "DELETE FROM push_rules WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  if (!yq_store_run (store, stmt, _("Could not remove the push rule"), error))
    return FALSE;

  subject = g_strdup_printf ("push-rule/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("name=%s; targets=%u", old->name, old->targets->len);
  if (!yq_store_audit (store, NULL, "push-rule.remove", subject, detail, error))
    return FALSE;

  /* Cleared before the commit: if the secrets store refuses, the rule
   * stays and the removal can be retried. */
  for (guint i = 0; i < old->targets->len; i++)
    {
      const YqPushTarget *target = g_ptr_array_index (old->targets, i);
      g_autofree char *key = NULL;

      if (!target->has_pub_key)
        continue;
      key = pub_key_key (target->id);
      if (!yq_secrets_clear (data->secrets, key, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * yq_push_rules_remove:
 * @store: the store
 * @secrets: where public-account keys are kept
 * @id: the rule's ID
 * @error: return location for an error
 *
 * Removes the rule, its targets and their public-account keys; what the
 * targets had not delivered yet is skipped.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_rules_remove (YqStore    *store,
                      YqSecrets  *secrets,
                      gint64      id,
                      GError    **error)
{
  RuleRemoveData data = { secrets, id };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, rule_remove_in_transaction, &data, error);
}

/**
 * yq_push_target_note_call:
 * @store: the store
 * @target_id: the target
 * @call_ms: when the call went out, Unix milliseconds
 * @error: return location for an error
 *
 * Returns: %TRUE on success (also when the target is gone)
 */
gboolean
yq_push_target_note_call (YqStore  *store,
                          gint64    target_id,
                          gint64    call_ms,
                          GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "UPDATE push_targets SET last_call_ms = max (last_call_ms, ?2) "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target_id);
  sqlite3_bind_int64 (stmt, 2, call_ms);

  return yq_store_run (store, stmt, _("Could not save the push target"), error);
}

/**
 * yq_push_target_get_pub_key:
 * @store: the store
 * @secrets: where public-account keys are kept
 * @target_id: the target
 * @error: return location for an error
 *
 * Returns: (transfer full): the public-account key, or %NULL with @error
 *   set
 */
char *
yq_push_target_get_pub_key (YqStore    *store,
                            YqSecrets  *secrets,
                            gint64      target_id,
                            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  gboolean has_key = FALSE;
  char *value;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (YQ_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  {
    g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
    sqlite3_stmt *stmt;

    stmt = yq_store_prepare (store, "SELECT pub_key_ref FROM push_targets WHERE id = ?1", error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, target_id);
    rc = sqlite3_step (stmt);
    if (rc == SQLITE_ROW)
      has_key = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
    sqlite3_reset (stmt);
    if (rc == SQLITE_DONE)
      {
        g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                     _("There is no push target with ID %lld; it may have been removed"),
                     (long long) target_id);
        return NULL;
      }
    if (rc != SQLITE_ROW)
      {
        yq_store_set_error (store, error, rc, _("Could not read the push target"));
        return NULL;
      }
  }

  if (!has_key)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("No public-account key is set for push target %lld. Edit its rule and "
                     "enter the key."),
                   (long long) target_id);
      return NULL;
    }

  key = pub_key_key (target_id);
  value = yq_secrets_lookup (secrets, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (value == NULL)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("The public-account key of push target %lld is missing from the secrets "
                     "store (%s). Edit its rule and enter the key again."),
                   (long long) target_id, yq_secrets_get_backend_name (secrets));
      return NULL;
    }

  return value;
}

/* ---- Tokens --------------------------------------------------------------- */

static gboolean
random_bytes (guint8  *buffer,
              gsize    length,
              GError **error)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                       _("Could not read random bytes from the system: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize) n;
    }

  return TRUE;
}

static char *
base64url_encode (const guint8 *data,
                  gsize         length)
{
  char *text = g_base64_encode (data, length);

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }

  return text;
}

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

typedef struct
{
  const char *name;
  const char *token;
  char       *prefix;
  char       *hash;
  gint64      id;
} TokenCreateData;

static gboolean
token_create_in_transaction (YqStore   *store,
                             gpointer   user_data,
                             GError   **error)
{
  TokenCreateData *data = user_data;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, "SELECT 1 FROM push_tokens WHERE name = ?1 COLLATE NOCASE",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_DUPLICATE,
                   _("There already is an intake token called “%s”; choose another name"),
                   data->name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the intake tokens"));
      return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "INSERT INTO push_tokens (name, prefix, sha256, created_at) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, data->prefix, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, data->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (!yq_store_run (store, stmt, _("Could not save the intake token"), error))
    return FALSE;
  data->id = sqlite3_last_insert_rowid (yq_store_get_db (store));

  subject = g_strdup_printf ("push-token/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("name=%s; prefix=%s", data->name, data->prefix);

  return yq_store_audit (store, NULL, "push-token.create", subject, detail, error);
}

/**
 * yq_push_tokens_create:
 * @store: the store
 * @name: what the administrator calls the token
 * @id: (out) (optional): the new token's row ID
 * @error: return location for an error
 *
 * Returns: (transfer full): the token, to be shown once, or %NULL with
 *   @error set
 */
char *
yq_push_tokens_create (YqStore     *store,
                       const char  *name,
                       gint64      *id,
                       GError     **error)
{
  guint8 bytes[TOKEN_RANDOM_BYTES];
  g_autofree char *encoded = NULL;
  char *token;
  TokenCreateData data = { 0 };
  gboolean ok;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!yq_text_is_valid_line (name, MAX_NAME_CHARS))
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("Enter a name for the intake token (1–%d characters)"), MAX_NAME_CHARS);
      return NULL;
    }

  if (!random_bytes (bytes, sizeof bytes, error))
    return NULL;
  encoded = base64url_encode (bytes, sizeof bytes);
  memset (bytes, 0, sizeof bytes);
  g_assert (strlen (encoded) == TOKEN_CHARS);
  token = g_strconcat (TOKEN_PREFIX, encoded, NULL);
  memset (encoded, 0, strlen (encoded));

  data.name = name;
  data.token = token;
  data.prefix = g_strndup (token + strlen (TOKEN_PREFIX), TOKEN_SHOWN_CHARS);
  data.hash = token_hash (token);

  ok = yq_store_transaction (store, token_create_in_transaction, &data, error);
  g_free (data.prefix);
  g_free (data.hash);

  if (!ok)
    {
      yq_secrets_wipe_free (token);
      return NULL;
    }

  if (id != NULL)
    *id = data.id;

  return token;
}

/**
 * yq_push_tokens_list:
 * @store: the store
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type YqPushToken): the tokens,
 *   newest first, or %NULL with @error set
 */
GPtrArray *
yq_push_tokens_list (YqStore  *store,
                     GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_push_token_free);

  stmt = yq_store_prepare (store,
                           "SELECT id, name, prefix, created_at, last_used_at, revoked_at "
                           "FROM push_tokens ORDER BY created_at DESC, id DESC",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqPushToken *token = g_new0 (YqPushToken, 1);

      token->id = sqlite3_column_int64 (stmt, 0);
      token->name = g_strdup (yq_store_column_text (stmt, 1));
      token->prefix = g_strdup (yq_store_column_text (stmt, 2));
      token->created_at = sqlite3_column_int64 (stmt, 3);
      token->last_used_at = sqlite3_column_int64 (stmt, 4);
      token->revoked_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (tokens, token);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the intake tokens"));
      return NULL;
    }

  return g_steal_pointer (&tokens);
}

typedef struct
{
  gint64 id;
} TokenRevokeData;

static gboolean
token_revoke_in_transaction (YqStore   *store,
                             gpointer   user_data,
                             GError   **error)
{
  TokenRevokeData *data = user_data;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *name = NULL;
  gboolean revoked = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, "SELECT name, revoked_at FROM push_tokens WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      name = g_strdup (yq_store_column_text (stmt, 0));
      revoked = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                   _("There is no intake token with ID %lld"), (long long) data->id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the intake token"));
      return FALSE;
    }
  /* Revoking twice keeps the first time. */
  if (revoked)
    return TRUE;

  stmt = yq_store_prepare (store, "UPDATE push_tokens SET revoked_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  sqlite3_bind_int64 (stmt, 2, now_seconds ());
  if (!yq_store_run (store, stmt, _("Could not revoke the intake token"), error))
    return FALSE;

  subject = g_strdup_printf ("push-token/%" G_GINT64_FORMAT, data->id);
  detail = g_strdup_printf ("name=%s", name);

  return yq_store_audit (store, NULL, "push-token.revoke", subject, detail, error);
}

/**
 * yq_push_tokens_revoke:
 * @store: the store
 * @id: the token's row ID
 * @error: return location for an error
 *
 * Revokes the token for good; revoking a revoked token does nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_tokens_revoke (YqStore  *store,
                       gint64    id,
                       GError  **error)
{
  TokenRevokeData data = { id };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, token_revoke_in_transaction, &data, error);
}

typedef struct
{
  const char *hash;
  gint64      now;
  gint64      id;
} TokenVerifyData;

static gboolean
token_touch_in_transaction (YqStore   *store,
                            gpointer   user_data,
                            GError   **error)
{
  TokenVerifyData *data = user_data;
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store, "UPDATE push_tokens SET last_used_at = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->id);
  sqlite3_bind_int64 (stmt, 2, data->now);

  return yq_store_run (store, stmt, _("Could not save the intake token"), error);
}

/* Looks the token up; *@last_used gets its last use. */
static gboolean
token_lookup (YqStore          *store,
              TokenVerifyData  *data,
              gint64           *last_used,
              GError          **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT id, coalesce (last_used_at, 0) FROM push_tokens "
                           "WHERE sha256 = ?1 AND revoked_at IS NULL",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, data->hash, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      data->id = sqlite3_column_int64 (stmt, 0);
      *last_used = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the intake tokens"));
      return FALSE;
    }

  return TRUE;
}

/**
 * yq_push_tokens_verify:
 * @store: the store
 * @token: (nullable): the bearer token of a request
 * @now: Unix time
 * @error: return location for an error
 *
 * Returns: the token's row ID, or 0 with @error set
 */
gint64
yq_push_tokens_verify (YqStore     *store,
                       const char  *token,
                       gint64       now,
                       GError     **error)
{
  g_autofree char *hash = NULL;
  TokenVerifyData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (token != NULL && g_str_has_prefix (token, TOKEN_PREFIX) &&
      strlen (token) == strlen (TOKEN_PREFIX) + TOKEN_CHARS)
    {
      gint64 last_used = 0;

      hash = token_hash (token);
      data.hash = hash;
      data.now = now;
      if (!token_lookup (store, &data, &last_used, error))
        return 0;
      /* The last use is kept to the minute: a busy OA does not turn every
       * message into one more write. */
      if (data.id != 0 && (last_used == 0 || now - last_used >= TOKEN_USE_RESOLUTION) &&
          !yq_store_transaction (store, token_touch_in_transaction, &data, error))
        return 0;
    }

  if (data.id == 0)
    {
      g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_UNAUTHORIZED,
                           _("The intake token is missing, unknown or revoked. Send a valid "
                             "token in the header “Authorization: Bearer yqp_…”."));
      return 0;
    }

  return data.id;
}
