/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-push"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "yq-push-inbox.h"
#include "yq-store-private.h"

/*
 * The message schema (POST /api/v1/messages, docs/push-api.md)
 * =============================================================
 *
 * The body is one JSON object (UTF-8, at most YQ_PUSH_MAX_BODY = 262144
 * bytes, else TOO_LARGE). Members other than these are refused (INVALID,
 * naming the member). An optional member may be absent, null or "" (all
 * three mean "not given"); a required one must be a non-empty value of its
 * type. "Characters" are Unicode characters; text members must be valid
 * UTF-8 without control characters and not only white space.
 *
 *   member           type              required when            limits
 *   ---------------  ----------------  -----------------------  ------------------------------
 *   idempotency_key  string            always                   1–128 printable ASCII
 *                                                               characters (0x20–0x7E)
 *   source           string            always                   1–64 characters; the OA
 *                                                               module, matched exactly
 *                                                               (case-sensitive) against rule
 *                                                               sources
 *   kind             string            always                   "notification", "todo",
 *                                                               "todo.done" or "todo.cancelled"
 *   title            string            notification, todo       1–200 characters (optional
 *                                                               for todo.done/cancelled)
 *   content          string            never                    1–4000 characters; newlines and
 *                                                               tabs are allowed here
 *   url              string            todo                     an absolute http:// or https://
 *                                                               URL without user info, at most
 *                                                               2048 bytes
 *   mobile_url       string            never                    as url
 *   recipients       array of strings  notification, todo       1–1000 OA accounts of 1–64
 *                                                               characters each; for
 *                                                               todo.done/cancelled optional
 *                                                               (absent: every recipient of
 *                                                               the todo); repeated accounts
 *                                                               (ignoring ASCII case) count
 *                                                               once
 *   todo_id          string            todo.done, todo.cancelled  1–128 characters; the OA
 *                                                               work item; for todo optional
 *                                                               (default: idempotency_key);
 *                                                               refused for notification
 *   creator          string            never                    1–64 characters, the OA
 *                                                               account of the creator; only
 *                                                               for todo
 *   due              integer           never                    Unix seconds, > 0; the todo
 *                                                               deadline; only for todo
 *
 * Errors: exceeding a limit (the body's size, the number of recipients,
 * the length of any member or of one recipient) is YQ_PUSH_ERROR_TOO_LARGE;
 * everything else (bad JSON, not an object, an unknown member, a missing
 * required member, a wrong type, "" or null for a required member, control
 * characters, a URL that is not http(s), a member not allowed for the
 * kind) is YQ_PUSH_ERROR_INVALID with a message naming the member.
 * Duplicate members: the last one counts (as in JSON-GLib). A todo.done
 * or todo.cancelled whose todo_id no todo was pushed with is
 * YQ_PUSH_ERROR_NOT_FOUND at intake (nothing is stored); recipients of it
 * who were not recipients of the todo are ignored. content, url and
 * mobile_url are optional for every kind.
 *
 * Idempotency: a message is "the same" when its canonical form
 * (yq_push_message_to_json(): fixed member order, defaults applied,
 * repeated recipients dropped) has the same SHA-256, so whitespace and
 * member order do not matter; any other difference under a known key is
 * YQ_PUSH_ERROR_CONFLICT.
 *
 * The intake answer (yq_push_inbox_accept()), a JSON object:
 *   "id"               integer  the inbox message
 *   "idempotency_key"  string   the key
 *   "deliveries"       integer  deliveries that will be sent (PENDING)
 *   "unbound"          array    recipients (as sent) without an active
 *                               binding on at least one target's connector
 *   "unmatched"        bool     no rule took the message (todo events: the
 *                               todo has no delivery to a todo target)
 * A replay (same key, same message) gets the original answer. A test
 * message (@only_rule_id) goes to that rule whatever its source and
 * whether it is enabled.
 *
 * Routing: notifications go to the notification targets of the matching
 * rules, todos to their todo targets (a rule with both kinds of target
 * takes both kinds of message); todo.done and todo.cancelled go to the
 * deliveries of the todo (event "todo", the same todo_id) whose target
 * still exists, whatever the rules are now, one per delivery (and
 * recipient, when recipients are given).
 *
 * Reason codes in last_error (not translated; the UI shows text for them):
 *   UNBOUND: "unbound" (no binding on the connector), "disabled" (the bound
 *     person is disabled or deleted on the platform)
 *   SKIPPED: "target-removed" (the rule target was removed before
 *     sending), "todo-not-created" (the todo of a todo event is DEAD,
 *     UNBOUND or SKIPPED)
 * Failed attempts keep the dispatcher's error text.
 */

#define MAX_SOURCE_CHARS 64
#define MAX_ACCOUNT_CHARS 64
#define MAX_TODO_ID_CHARS 128

#define REASON_UNBOUND "unbound"
#define REASON_DISABLED "disabled"
#define REASON_TARGET_REMOVED "target-removed"
#define REASON_TODO_NOT_CREATED "todo-not-created"

/* ---- Enums ---------------------------------------------------------------- */

static const char * const event_names[] = {
  "notification", "todo", "todo.done", "todo.cancelled",
};

static const char * const state_names[] = {
  "pending", "sending", "delivered", "retry", "dead", "unbound", "skipped",
};

const char *
yq_push_event_to_string (YqPushEvent event)
{
  g_return_val_if_fail ((guint) event < G_N_ELEMENTS (event_names), NULL);

  return event_names[event];
}

gboolean
yq_push_event_from_string (const char  *text,
                           YqPushEvent *event)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (event_names); i++)
    if (g_str_equal (text, event_names[i]))
      {
        *event = (YqPushEvent) i;
        return TRUE;
      }

  return FALSE;
}

const char *
yq_delivery_state_to_string (YqDeliveryState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

gboolean
yq_delivery_state_from_string (const char      *text,
                               YqDeliveryState *state)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (YqDeliveryState) i;
        return TRUE;
      }

  return FALSE;
}

static gboolean
is_todo_event (YqPushEvent event)
{
  return event == YQ_PUSH_EVENT_TODO_DONE || event == YQ_PUSH_EVENT_TODO_CANCELLED;
}

/* ---- Boxed types ---------------------------------------------------------- */

YqPushMessage *
yq_push_message_new (void)
{
  return g_new0 (YqPushMessage, 1);
}

void
yq_push_message_free (YqPushMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->idempotency_key);
  g_free (message->source);
  g_free (message->title);
  g_free (message->content);
  g_free (message->url);
  g_free (message->mobile_url);
  g_strfreev (message->recipients);
  g_free (message->todo_id);
  g_free (message->creator);
  g_free (message);
}

void
yq_push_intake_free (YqPushIntake *intake)
{
  if (intake == NULL)
    return;

  g_free (intake->answer);
  g_free (intake);
}

YqDelivery *
yq_delivery_copy (const YqDelivery *delivery)
{
  YqDelivery *copy;

  g_return_val_if_fail (delivery != NULL, NULL);

  copy = g_new0 (YqDelivery, 1);
  *copy = *delivery;
  copy->oa_account = g_strdup (delivery->oa_account);
  copy->platform_account = g_strdup (delivery->platform_account);
  copy->last_error = g_strdup (delivery->last_error);
  copy->platform_ref = g_strdup (delivery->platform_ref);
  copy->idempotency_key = g_strdup (delivery->idempotency_key);
  copy->source = g_strdup (delivery->source);
  copy->title = g_strdup (delivery->title);
  copy->todo_id = g_strdup (delivery->todo_id);

  return copy;
}

void
yq_delivery_free (YqDelivery *delivery)
{
  if (delivery == NULL)
    return;

  g_free (delivery->oa_account);
  g_free (delivery->platform_account);
  g_free (delivery->last_error);
  g_free (delivery->platform_ref);
  g_free (delivery->idempotency_key);
  g_free (delivery->source);
  g_free (delivery->title);
  g_free (delivery->todo_id);
  g_free (delivery);
}

void
yq_delivery_batch_free (YqDeliveryBatch *batch)
{
  if (batch == NULL)
    return;

  g_clear_pointer (&batch->deliveries, g_ptr_array_unref);
  g_clear_pointer (&batch->message, yq_push_message_free);
  g_clear_pointer (&batch->todo_refs, g_ptr_array_unref);
  g_free (batch);
}

/* ---- Parsing -------------------------------------------------------------- */

/* Whether @text is valid UTF-8 without control characters (but newlines
 * and tabs when @multiline) and not only white space. */
static gboolean
is_clean_text (const char *text,
               gboolean    multiline)
{
  gboolean has_visible = FALSE;

  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (multiline && (c == '\n' || c == '\r' || c == '\t'))
        continue;
      if (g_unichar_iscntrl (c))
        return FALSE;
      if (!g_unichar_isspace (c))
        has_visible = TRUE;
    }

  return has_visible;
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      return FALSE;

  return TRUE;
}

static gboolean
invalid (GError     **error,
         const char  *member,
         const char  *why)
{
  /* Translators: the first %s is a JSON member name, e.g. "title"; the second
   * says what is wrong with it */
  g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID, _("Invalid “%s”: %s"), member, why);

  return FALSE;
}

static gboolean
too_large (GError     **error,
           const char  *member,
           glong        limit,
           gboolean     bytes)
{
  if (bytes)
    g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE,
                 /* Translators: %s is a JSON member name, e.g. "url" */
                 _("“%s” is longer than %ld bytes"), member, limit);
  else
    g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE,
                 /* Translators: %s is a JSON member name, e.g. "title" */
                 _("“%s” is longer than %ld characters"), member, limit);

  return FALSE;
}

/* Reads the string member @name: *@value NULL when absent, null or "".
 * FALSE for another type. */
static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, name, _("must be a string"));

  *value = json_node_get_string (node);
  if (**value == '\0')
    *value = NULL;

  return TRUE;
}

static gboolean
get_text (JsonObject  *object,
          const char  *name,
          glong        max_chars,
          gboolean     multiline,
          char       **out,
          GError     **error)
{
  const char *value;

  if (!get_string (object, name, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;

  if (!g_utf8_validate (value, -1, NULL) || !is_clean_text (value, multiline))
    return invalid (error, name, _("must be text without control characters"));
  if (g_utf8_strlen (value, -1) > max_chars)
    return too_large (error, name, max_chars, FALSE);

  *out = g_strdup (value);

  return TRUE;
}

static gboolean
get_url (JsonObject  *object,
         const char  *name,
         char       **out,
         GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *value;
  const char *scheme;

  if (!get_string (object, name, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;

  if (strlen (value) > YQ_PUSH_MAX_URL)
    return too_large (error, name, YQ_PUSH_MAX_URL, TRUE);

  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f || *p == '\\')
      return invalid (error, name, _("must be a URL without spaces or control characters"));

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return invalid (error, name, _("must be a full URL like https://oa.example.gov.cn/todo/1"));

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return invalid (error, name, _("must start with https:// or http://"));
  if (g_uri_get_userinfo (uri) != NULL)
    return invalid (error, name, _("must not contain a user name or password"));

  *out = g_strdup (value);

  return TRUE;
}

static gboolean
get_recipients (JsonObject   *object,
                char       ***out,
                GError      **error)
{
  JsonNode *node = json_object_get_member (object, "recipients");
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GHashTable) seen = NULL;
  JsonArray *array;
  guint n;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "recipients", _("must be an array of OA accounts"));

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    return invalid (error, "recipients", _("must list at least one OA account"));
  if (n > YQ_PUSH_MAX_RECIPIENTS)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE,
                   _("“recipients” lists %u accounts; at most %d are allowed per message"),
                   n, YQ_PUSH_MAX_RECIPIENTS);
      return FALSE;
    }

  accounts = g_ptr_array_new_with_free_func (g_free);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *account;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return invalid (error, "recipients", _("must contain only strings"));
      account = json_node_get_string (element);
      if (!is_clean_text (account, FALSE))
        return invalid (error, "recipients",
                        _("each OA account must be text without control characters"));
      if (g_utf8_strlen (account, -1) > MAX_ACCOUNT_CHARS)
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE,
                       _("An OA account in “recipients” is longer than %d characters"),
                       MAX_ACCOUNT_CHARS);
          return FALSE;
        }

      if (!g_hash_table_add (seen, g_ascii_strdown (account, -1)))
        continue;
      g_ptr_array_add (accounts, g_strdup (account));
    }
  g_ptr_array_add (accounts, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&accounts), FALSE);

  return TRUE;
}

static const char * const known_members[] = {
  "idempotency_key", "source", "kind", "title", "content", "url", "mobile_url", "recipients",
  "todo_id", "creator", "due",
};

static gboolean
check_members (JsonObject  *object,
               GError     **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (known_members, l->data))
      {
        g_autofree char *quoted = g_utf8_make_valid (l->data, 64);

        g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                     _("Unknown member “%s”; the members are idempotency_key, source, kind, "
                       "title, content, url, mobile_url, recipients, todo_id, creator and due"),
                     quoted);
        return FALSE;
      }

  return TRUE;
}

/**
 * yq_push_message_parse:
 * @data: the request body
 * @length: its length in bytes
 * @error: return location for an error
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
YqPushMessage *
yq_push_message_parse (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(YqPushMessage) message = NULL;
  g_autoptr(GError) json_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *due;
  const char *value;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > YQ_PUSH_MAX_BODY)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_TOO_LARGE,
                   _("The message is larger than %d bytes"), YQ_PUSH_MAX_BODY);
      return NULL;
    }

  if (length == 0 || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                           _("The message is not a JSON object in UTF-8"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &json_error))
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                   _("The message is not valid JSON: %s"), json_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                           _("The message must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);
  if (!check_members (object, error))
    return NULL;

  message = yq_push_message_new ();

  /* idempotency_key */
  if (!get_string (object, "idempotency_key", &value, error))
    return NULL;
  if (value == NULL)
    {
      invalid (error, "idempotency_key", _("is required"));
      return NULL;
    }
  if (strlen (value) > YQ_PUSH_MAX_KEY)
    {
      too_large (error, "idempotency_key", YQ_PUSH_MAX_KEY, FALSE);
      return NULL;
    }
  if (!is_printable_ascii (value))
    {
      invalid (error, "idempotency_key", _("must be printable ASCII characters"));
      return NULL;
    }
  message->idempotency_key = g_strdup (value);

  /* source */
  if (!get_text (object, "source", MAX_SOURCE_CHARS, FALSE, &message->source, error))
    return NULL;
  if (message->source == NULL)
    {
      invalid (error, "source", _("is required (the OA module, e.g. 审批)"));
      return NULL;
    }

  /* kind */
  if (!get_string (object, "kind", &value, error))
    return NULL;
  if (value == NULL)
    {
      invalid (error, "kind", _("is required"));
      return NULL;
    }
  if (!yq_push_event_from_string (value, &message->event))
    {
      invalid (error, "kind",
               _("must be “notification”, “todo”, “todo.done” or “todo.cancelled”"));
      return NULL;
    }

  if (!get_text (object, "title", YQ_PUSH_MAX_TITLE, FALSE, &message->title, error) ||
      !get_text (object, "content", YQ_PUSH_MAX_CONTENT, TRUE, &message->content, error) ||
      !get_url (object, "url", &message->url, error) ||
      !get_url (object, "mobile_url", &message->mobile_url, error) ||
      !get_recipients (object, &message->recipients, error) ||
      !get_text (object, "todo_id", MAX_TODO_ID_CHARS, FALSE, &message->todo_id, error) ||
      !get_text (object, "creator", MAX_ACCOUNT_CHARS, FALSE, &message->creator, error))
    return NULL;

  due = json_object_get_member (object, "due");
  if (due != NULL && !JSON_NODE_HOLDS_NULL (due))
    {
      if (!JSON_NODE_HOLDS_VALUE (due) || json_node_get_value_type (due) != G_TYPE_INT64 ||
          json_node_get_int (due) <= 0)
        {
          invalid (error, "due", _("must be a positive whole number of Unix seconds"));
          return NULL;
        }
      message->due_time = json_node_get_int (due);
    }

  /* What each kind needs. */
  if (message->event == YQ_PUSH_EVENT_NOTIFICATION || message->event == YQ_PUSH_EVENT_TODO)
    {
      if (message->title == NULL)
        {
          invalid (error, "title", _("is required"));
          return NULL;
        }
      if (message->recipients == NULL)
        {
          invalid (error, "recipients", _("is required"));
          return NULL;
        }
    }

  if (message->event == YQ_PUSH_EVENT_NOTIFICATION && message->todo_id != NULL)
    {
      invalid (error, "todo_id", _("is only for todos and todo events"));
      return NULL;
    }

  if (message->event != YQ_PUSH_EVENT_TODO)
    {
      if (message->creator != NULL)
        {
          invalid (error, "creator", _("is only for todos"));
          return NULL;
        }
      if (message->due_time != 0)
        {
          invalid (error, "due", _("is only for todos"));
          return NULL;
        }
    }

  if (message->event == YQ_PUSH_EVENT_TODO)
    {
      if (message->url == NULL)
        {
          invalid (error, "url", _("is required for todos (the page where the work item is "
                                   "handled)"));
          return NULL;
        }
      if (message->todo_id == NULL)
        message->todo_id = g_strdup (message->idempotency_key);
    }

  if (is_todo_event (message->event) && message->todo_id == NULL)
    {
      invalid (error, "todo_id", _("is required for todo.done and todo.cancelled"));
      return NULL;
    }

  return g_steal_pointer (&message);
}

/**
 * yq_push_message_to_json:
 * @message: a message
 *
 * Returns: (transfer full): the message as a compact JSON object
 */
char *
yq_push_message_to_json (const YqPushMessage *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  struct
  {
    const char *name;
    const char *value;
  } texts[] = {
    { "title", message->title },
    { "content", message->content },
    { "url", message->url },
    { "mobile_url", message->mobile_url },
  };

  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "idempotency_key");
  json_builder_add_string_value (builder, message->idempotency_key);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, message->source);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, yq_push_event_to_string (message->event));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i].value != NULL)
      {
        json_builder_set_member_name (builder, texts[i].name);
        json_builder_add_string_value (builder, texts[i].value);
      }
  if (message->recipients != NULL)
    {
      json_builder_set_member_name (builder, "recipients");
      json_builder_begin_array (builder);
      for (guint i = 0; message->recipients[i] != NULL; i++)
        json_builder_add_string_value (builder, message->recipients[i]);
      json_builder_end_array (builder);
    }
  if (message->todo_id != NULL)
    {
      json_builder_set_member_name (builder, "todo_id");
      json_builder_add_string_value (builder, message->todo_id);
    }
  if (message->creator != NULL)
    {
      json_builder_set_member_name (builder, "creator");
      json_builder_add_string_value (builder, message->creator);
    }
  if (message->due_time != 0)
    {
      json_builder_set_member_name (builder, "due");
      json_builder_add_int_value (builder, message->due_time);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static char *
recipients_to_json (char **recipients)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (recipients == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; recipients[i] != NULL; i++)
    json_builder_add_string_value (builder, recipients[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static char **
recipients_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  JsonNode *root;
  JsonArray *array;

  if (text == NULL)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;

  array = json_node_get_array (root);
  accounts = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (accounts, g_strdup (json_array_get_string_element (array, i)));
  g_ptr_array_add (accounts, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&accounts), FALSE);
}

/* ---- Reading messages and deliveries -------------------------------------- */

#define MESSAGE_COLUMNS \
  "idempotency_key, source, event, title, content, url, mobile_url, recipients, todo_id, " \
  "creator, due_time"

static YqPushMessage *
message_get_locked (YqStore  *store,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(YqPushMessage) message = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store, "SELECT " MESSAGE_COLUMNS " FROM push_messages WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      message = yq_push_message_new ();
      message->idempotency_key = g_strdup (yq_store_column_text (stmt, 0));
      message->source = g_strdup (yq_store_column_text (stmt, 1));
      if (!yq_push_event_from_string (yq_store_column_text (stmt, 2), &message->event))
        message->event = YQ_PUSH_EVENT_NOTIFICATION;
      message->title = yq_store_column_dup (stmt, 3);
      message->content = yq_store_column_dup (stmt, 4);
      message->url = yq_store_column_dup (stmt, 5);
      message->mobile_url = yq_store_column_dup (stmt, 6);
      message->recipients = recipients_from_json ((const char *) sqlite3_column_text (stmt, 7));
      message->todo_id = yq_store_column_dup (stmt, 8);
      message->creator = yq_store_column_dup (stmt, 9);
      message->due_time = sqlite3_column_int64 (stmt, 10);
    }
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                   _("There is no pushed message with ID %lld"), (long long) id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the pushed message"));
      return NULL;
    }

  return g_steal_pointer (&message);
}

/**
 * yq_push_inbox_get:
 * @store: the store
 * @message_id: the inbox message
 * @error: return location for an error
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
YqPushMessage *
yq_push_inbox_get (YqStore  *store,
                   gint64    message_id,
                   GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);

  return message_get_locked (store, message_id, error);
}

#define DELIVERY_COLUMNS \
  "d.id, d.message_id, d.target_id, d.rule_id, d.connector_id, d.app_id, d.kind, d.event, " \
  "d.oa_account, d.platform_account, d.state, d.attempts, d.attempt_ms, d.next_attempt_at, " \
  "d.last_error, d.platform_ref, d.depends_on, d.created_at, d.updated_at, d.delivered_at, " \
  "m.idempotency_key, m.source, m.title, m.todo_id"

static YqDelivery *
delivery_from_row (sqlite3_stmt *stmt)
{
  YqDelivery *delivery = g_new0 (YqDelivery, 1);

  delivery->id = sqlite3_column_int64 (stmt, 0);
  delivery->message_id = sqlite3_column_int64 (stmt, 1);
  delivery->target_id = sqlite3_column_int64 (stmt, 2);
  delivery->rule_id = sqlite3_column_int64 (stmt, 3);
  delivery->connector_id = sqlite3_column_int64 (stmt, 4);
  delivery->app_id = sqlite3_column_int64 (stmt, 5);
  if (!yq_push_kind_from_string (yq_store_column_text (stmt, 6), &delivery->kind))
    delivery->kind = YQ_PUSH_KIND_NOTIFICATION;
  if (!yq_push_event_from_string (yq_store_column_text (stmt, 7), &delivery->event))
    delivery->event = YQ_PUSH_EVENT_NOTIFICATION;
  delivery->oa_account = g_strdup (yq_store_column_text (stmt, 8));
  delivery->platform_account = yq_store_column_dup (stmt, 9);
  if (!yq_delivery_state_from_string (yq_store_column_text (stmt, 10), &delivery->state))
    delivery->state = YQ_DELIVERY_DEAD;
  delivery->attempts = (guint) sqlite3_column_int64 (stmt, 11);
  delivery->attempt_ms = sqlite3_column_int64 (stmt, 12);
  delivery->next_attempt_at = sqlite3_column_int64 (stmt, 13);
  delivery->last_error = yq_store_column_dup (stmt, 14);
  delivery->platform_ref = yq_store_column_dup (stmt, 15);
  delivery->depends_on = sqlite3_column_int64 (stmt, 16);
  delivery->created_at = sqlite3_column_int64 (stmt, 17);
  delivery->updated_at = sqlite3_column_int64 (stmt, 18);
  delivery->delivered_at = sqlite3_column_int64 (stmt, 19);
  delivery->idempotency_key = g_strdup (yq_store_column_text (stmt, 20));
  delivery->source = g_strdup (yq_store_column_text (stmt, 21));
  delivery->title = yq_store_column_dup (stmt, 22);
  delivery->todo_id = yq_store_column_dup (stmt, 23);

  return delivery;
}

static YqDelivery *
delivery_get_locked (YqStore  *store,
                     gint64    id,
                     GError  **error)
{
  YqDelivery *delivery = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT " DELIVERY_COLUMNS " FROM push_deliveries d "
                           "JOIN push_messages m ON m.id = d.message_id WHERE d.id = ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    delivery = delivery_from_row (stmt);
  sqlite3_reset (stmt);

  if (rc == SQLITE_DONE)
    {
      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                   _("There is no push delivery with ID %lld"), (long long) id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push delivery"));
      return NULL;
    }

  return delivery;
}

/* ---- Intake --------------------------------------------------------------- */

typedef struct
{
  gint64               token_id;
  const YqPushMessage *message;
  gint64               only_rule_id;
  gint64               now;

  /* Results */
  YqPushIntake        *intake;
} AcceptData;

typedef struct
{
  gint64      target_id;
  gint64      rule_id;
  gint64      connector_id;
  gint64      app_id;
  YqPushKind  kind;
} RouteTarget;

static gboolean
insert_delivery (YqStore            *store,
                 gint64              message_id,
                 const RouteTarget  *target,
                 YqPushEvent         event,
                 const char         *oa_account,
                 const char         *platform_account,
                 YqDeliveryState     state,
                 const char         *reason,
                 gint64              depends_on,
                 gint64              now,
                 GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "INSERT INTO push_deliveries (message_id, target_id, rule_id, "
                           "connector_id, app_id, kind, event, oa_account, platform_account, "
                           "state, next_attempt_at, last_error, depends_on, created_at, "
                           "updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?11, "
                           "?11)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  yq_store_bind_id_or_null (stmt, 2, target->target_id);
  yq_store_bind_id_or_null (stmt, 3, target->rule_id);
  sqlite3_bind_int64 (stmt, 4, target->connector_id);
  yq_store_bind_id_or_null (stmt, 5, target->app_id);
  sqlite3_bind_text (stmt, 6, yq_push_kind_to_string (target->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, yq_push_event_to_string (event), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, oa_account, -1, SQLITE_TRANSIENT);
  yq_store_bind_text_or_null (stmt, 9, platform_account);
  sqlite3_bind_text (stmt, 10, yq_delivery_state_to_string (state), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 11, now);
  yq_store_bind_text_or_null (stmt, 12, reason);
  yq_store_bind_id_or_null (stmt, 13, depends_on);

  return yq_store_run (store, stmt, _("Could not save the push delivery"), error);
}

/* The rule targets that take @message. */
static GArray *
route_targets (YqStore              *store,
               const YqPushMessage  *message,
               gint64                only_rule_id,
               GError              **error)
{
  g_autoptr(GArray) targets = g_array_new (FALSE, TRUE, sizeof (RouteTarget));
  sqlite3_stmt *stmt;
  int rc;

  if (only_rule_id != 0)
    {
      stmt = yq_store_prepare (store, "SELECT 1 FROM push_rules WHERE id = ?1", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, only_rule_id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        {
          g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                       _("There is no push rule with ID %lld; it may have been removed"),
                       (long long) only_rule_id);
          return NULL;
        }
      if (rc != SQLITE_ROW)
        {
          yq_store_set_error (store, error, rc, _("Could not read the push rules"));
          return NULL;
        }
    }

  /* A test message (@only_rule_id) goes to that rule whatever its source
   * and whether it is enabled. */
  stmt = yq_store_prepare (store,
                           "SELECT t.id, t.rule_id, t.connector_id, t.app_id, t.kind "
                           "FROM push_targets t JOIN push_rules r ON r.id = t.rule_id "
                           "WHERE CASE WHEN ?1 <> 0 THEN r.id = ?1 "
                           "ELSE r.enabled = 1 AND (r.source IS NULL OR r.source = ?2) END "
                           "AND t.kind = CASE WHEN ?3 = 'todo' THEN 'todo' "
                           "ELSE 'notification' END "
                           "ORDER BY r.id, t.id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, only_rule_id);
  sqlite3_bind_text (stmt, 2, message->source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, yq_push_event_to_string (message->event), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RouteTarget target = { 0 };

      target.target_id = sqlite3_column_int64 (stmt, 0);
      target.rule_id = sqlite3_column_int64 (stmt, 1);
      target.connector_id = sqlite3_column_int64 (stmt, 2);
      target.app_id = sqlite3_column_int64 (stmt, 3);
      if (!yq_push_kind_from_string (yq_store_column_text (stmt, 4), &target.kind))
        target.kind = YQ_PUSH_KIND_NOTIFICATION;
      g_array_append_val (targets, target);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push rules"));
      return NULL;
    }

  return g_steal_pointer (&targets);
}

/* Resolves @oa_account on @connector_id: the platform account of an
 * active, bound person, else NULL with *@reason. */
static gboolean
resolve_recipient (YqStore      *store,
                   gint64        connector_id,
                   const char   *oa_account,
                   char        **platform_account,
                   const char  **reason,
                   GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *platform_account = NULL;
  *reason = REASON_UNBOUND;

  stmt = yq_store_prepare (store,
                           "SELECT coalesce (account_id, platform_id), "
                           "active = 1 AND deleted_at IS NULL FROM bridge_people "
                           "WHERE connector_id = ?1 AND oa_account = ?2 COLLATE NOCASE",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, connector_id);
  sqlite3_bind_text (stmt, 2, oa_account, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (sqlite3_column_int (stmt, 1) != 0)
        {
          *platform_account = g_strdup (yq_store_column_text (stmt, 0));
          *reason = NULL;
        }
      else
        *reason = REASON_DISABLED;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the bindings"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
recipient_given (const YqPushMessage *message,
                 const char          *oa_account)
{
  if (message->recipients == NULL)
    return TRUE;

  for (guint i = 0; message->recipients[i] != NULL; i++)
    if (g_ascii_strcasecmp (message->recipients[i], oa_account) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
accept_todo_event (YqStore              *store,
                   gint64                message_id,
                   const YqPushMessage  *message,
                   gint64                now,
                   guint                *n_pending,
                   GError              **error)
{
  g_autoptr(GArray) dependencies = g_array_new (FALSE, TRUE, sizeof (RouteTarget));
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) platform_accounts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  gboolean todo_known = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT 1 FROM push_messages WHERE todo_id = ?1 AND event = 'todo' "
                           "AND id <> ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message->todo_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, message_id);
  rc = sqlite3_step (stmt);
  todo_known = rc == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the pushed messages"));
      return FALSE;
    }
  if (!todo_known)
    {
      g_autofree char *quoted = g_utf8_make_valid (message->todo_id, 128);

      g_set_error (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND,
                   _("No todo with todo_id “%s” was pushed; send the todo first"), quoted);
      return FALSE;
    }

  /* The todo's deliveries on targets that still exist. */
  stmt = yq_store_prepare (store,
                           "SELECT d.id, d.target_id, d.rule_id, d.connector_id, d.app_id, "
                           "d.oa_account, d.platform_account "
                           "FROM push_deliveries d JOIN push_messages m ON m.id = d.message_id "
                           "WHERE m.todo_id = ?1 AND m.event = 'todo' AND d.event = 'todo' "
                           "AND d.kind = 'todo' AND d.target_id IS NOT NULL "
                           "ORDER BY d.id",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message->todo_id, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RouteTarget target = { 0 };
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (!recipient_given (message, yq_store_column_text (stmt, 5)))
        continue;
      target.target_id = sqlite3_column_int64 (stmt, 1);
      target.rule_id = sqlite3_column_int64 (stmt, 2);
      target.connector_id = sqlite3_column_int64 (stmt, 3);
      target.app_id = sqlite3_column_int64 (stmt, 4);
      target.kind = YQ_PUSH_KIND_TODO;
      g_array_append_val (dependencies, target);
      g_array_append_val (ids, id);
      g_ptr_array_add (accounts, g_strdup (yq_store_column_text (stmt, 5)));
      g_ptr_array_add (platform_accounts, yq_store_column_dup (stmt, 6));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }

  for (guint i = 0; i < dependencies->len; i++)
    {
      if (!insert_delivery (store, message_id, &g_array_index (dependencies, RouteTarget, i),
                            message->event, g_ptr_array_index (accounts, i),
                            g_ptr_array_index (platform_accounts, i), YQ_DELIVERY_PENDING, NULL,
                            g_array_index (ids, gint64, i), now, error))
        return FALSE;
      (*n_pending)++;
    }

  return TRUE;
}

static char *
build_answer (gint64      message_id,
              const char *idempotency_key,
              guint       n_pending,
              GPtrArray  *unbound,
              gboolean    unmatched)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, message_id);
  json_builder_set_member_name (builder, "idempotency_key");
  json_builder_add_string_value (builder, idempotency_key);
  json_builder_set_member_name (builder, "deliveries");
  json_builder_add_int_value (builder, n_pending);
  json_builder_set_member_name (builder, "unbound");
  json_builder_begin_array (builder);
  for (guint i = 0; i < unbound->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (unbound, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "unmatched");
  json_builder_add_boolean_value (builder, unmatched);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static gboolean
accept_in_transaction (YqStore   *store,
                       gpointer   user_data,
                       GError   **error)
{
  AcceptData *data = user_data;
  const YqPushMessage *message = data->message;
  g_autofree char *json = yq_push_message_to_json (message);
  g_autofree char *fingerprint = g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
  g_autofree char *recipients = recipients_to_json (message->recipients);
  g_autoptr(GPtrArray) unbound = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *answer = NULL;
  gboolean unmatched = FALSE;
  guint n_pending = 0;
  gint64 message_id;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT id, fingerprint, answer FROM push_messages "
                           "WHERE idempotency_key = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message->idempotency_key, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      gboolean same = g_str_equal (yq_store_column_text (stmt, 1), fingerprint);

      if (same)
        {
          data->intake = g_new0 (YqPushIntake, 1);
          data->intake->message_id = sqlite3_column_int64 (stmt, 0);
          data->intake->replayed = TRUE;
          data->intake->answer = g_strdup (yq_store_column_text (stmt, 2));
        }
      sqlite3_reset (stmt);
      if (!same)
        {
          g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_CONFLICT,
                               _("The idempotency_key was already used for a different message; "
                                 "use a new key for a new message"));
          return FALSE;
        }
      return TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the pushed messages"));
      return FALSE;
    }

  stmt = yq_store_prepare (store,
                           "INSERT INTO push_messages (idempotency_key, fingerprint, token_id, "
                           "source, event, title, content, url, mobile_url, recipients, todo_id, "
                           "creator, due_time, received_at, answer) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                           "'')",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message->idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, fingerprint, -1, SQLITE_TRANSIENT);
  yq_store_bind_id_or_null (stmt, 3, data->token_id);
  sqlite3_bind_text (stmt, 4, message->source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, yq_push_event_to_string (message->event), -1, SQLITE_STATIC);
  yq_store_bind_text_or_null (stmt, 6, message->title);
  yq_store_bind_text_or_null (stmt, 7, message->content);
  yq_store_bind_text_or_null (stmt, 8, message->url);
  yq_store_bind_text_or_null (stmt, 9, message->mobile_url);
  yq_store_bind_text_or_null (stmt, 10, recipients);
  yq_store_bind_text_or_null (stmt, 11, message->todo_id);
  yq_store_bind_text_or_null (stmt, 12, message->creator);
  sqlite3_bind_int64 (stmt, 13, message->due_time);
  sqlite3_bind_int64 (stmt, 14, data->now);
  if (!yq_store_run (store, stmt, _("Could not save the pushed message"), error))
    return FALSE;
  message_id = sqlite3_last_insert_rowid (yq_store_get_db (store));

  if (is_todo_event (message->event))
    {
      if (!accept_todo_event (store, message_id, message, data->now, &n_pending, error))
        return FALSE;
      unmatched = n_pending == 0;
    }
  else
    {
      g_autoptr(GArray) targets = route_targets (store, message, data->only_rule_id, error);
      g_autoptr(GHashTable) unbound_seen = g_hash_table_new (g_str_hash, g_str_equal);

      if (targets == NULL)
        return FALSE;
      unmatched = targets->len == 0;

      for (guint i = 0; i < targets->len; i++)
        {
          const RouteTarget *target = &g_array_index (targets, RouteTarget, i);

          for (guint j = 0; message->recipients[j] != NULL; j++)
            {
              const char *account = message->recipients[j];
              g_autofree char *platform_account = NULL;
              const char *reason;

              if (!resolve_recipient (store, target->connector_id, account, &platform_account,
                                      &reason, error))
                return FALSE;

              if (!insert_delivery (store, message_id, target, message->event, account,
                                    platform_account,
                                    platform_account != NULL ? YQ_DELIVERY_PENDING
                                                             : YQ_DELIVERY_UNBOUND,
                                    reason, 0, data->now, error))
                return FALSE;

              if (platform_account != NULL)
                n_pending++;
              else
                g_hash_table_add (unbound_seen, (gpointer) account);
            }
        }

      /* In the order of the recipients. */
      for (guint j = 0; message->recipients[j] != NULL; j++)
        if (g_hash_table_contains (unbound_seen, message->recipients[j]))
          g_ptr_array_add (unbound, g_strdup (message->recipients[j]));
    }

  answer = build_answer (message_id, message->idempotency_key, n_pending, unbound, unmatched);

  stmt = yq_store_prepare (store, "UPDATE push_messages SET answer = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_text (stmt, 2, answer, -1, SQLITE_TRANSIENT);
  if (!yq_store_run (store, stmt, _("Could not save the pushed message"), error))
    return FALSE;

  data->intake = g_new0 (YqPushIntake, 1);
  data->intake->message_id = message_id;
  data->intake->replayed = FALSE;
  data->intake->answer = g_steal_pointer (&answer);

  return TRUE;
}

/**
 * yq_push_inbox_accept:
 * @store: the store
 * @token_id: the intake token, 0 for a test message
 * @message: a parsed message
 * @only_rule_id: 0, or the one rule a test message goes to
 * @now: Unix seconds
 * @error: return location for an error
 *
 * Returns: (transfer full): the intake's answer, or %NULL with @error set
 */
YqPushIntake *
yq_push_inbox_accept (YqStore              *store,
                      gint64                token_id,
                      const YqPushMessage  *message,
                      gint64                only_rule_id,
                      gint64                now,
                      GError              **error)
{
  AcceptData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (message->idempotency_key != NULL && message->source != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((message->event == YQ_PUSH_EVENT_NOTIFICATION || message->event == YQ_PUSH_EVENT_TODO) &&
      (message->recipients == NULL || message->recipients[0] == NULL))
    {
      g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                           _("Invalid “recipients”: is required"));
      return NULL;
    }
  if (is_todo_event (message->event) && message->todo_id == NULL)
    {
      g_set_error_literal (error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_INVALID,
                           _("Invalid “todo_id”: is required for todo.done and todo.cancelled"));
      return NULL;
    }

  data.token_id = token_id;
  data.message = message;
  data.only_rule_id = only_rule_id;
  data.now = now;

  if (!yq_store_transaction (store, accept_in_transaction, &data, error))
    {
      g_clear_pointer (&data.intake, yq_push_intake_free);
      return NULL;
    }

  return data.intake;
}

/* ---- Dispatching ---------------------------------------------------------- */

static gboolean
recover_in_transaction (YqStore   *store,
                        gpointer   user_data,
                        GError   **error)
{
  guint *n_resumable = user_data;
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "UPDATE push_deliveries SET resumable = 1 WHERE state = 'sending'",
                           error);
  if (stmt == NULL)
    return FALSE;
  if (!yq_store_run (store, stmt, _("Could not recover the push deliveries"), error))
    return FALSE;
  *n_resumable = (guint) sqlite3_changes (yq_store_get_db (store));

  return TRUE;
}

/**
 * yq_push_deliveries_recover:
 * @store: the store
 * @n_resumable: (out) (optional): how many deliveries became resumable
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_deliveries_recover (YqStore  *store,
                            guint    *n_resumable,
                            GError  **error)
{
  guint n = 0;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!yq_store_transaction (store, recover_in_transaction, &n, error))
    return FALSE;
  if (n_resumable != NULL)
    *n_resumable = n;

  return TRUE;
}

typedef struct
{
  gint64       now_ms;
  guint        max_deliveries;
  GHashTable  *busy_lanes;
  /* Claims from this lane only (yq_push_deliveries_claim_lane ()). */
  gboolean     one_lane;
  gint64       lane_connector;
  YqPushKind   lane_kind;
  /* Todo events whose todo will never exist are skipped once per
   * transaction. */
  gboolean     skipped_orphans;

  YqDeliveryBatch *batch;
} ClaimData;

/* Whether the lane of a delivery (its connector and kind) is excluded. */
static gboolean
is_busy (ClaimData    *data,
         sqlite3_stmt *stmt,
         int           connector_column)
{
  YqPushKind kind = YQ_PUSH_KIND_NOTIFICATION;
  gint64 lane;

  yq_push_kind_from_string (yq_store_column_text (stmt, connector_column + 1), &kind);
  if (data->one_lane)
    return sqlite3_column_int64 (stmt, connector_column) != data->lane_connector ||
           kind != data->lane_kind;
  if (data->busy_lanes == NULL)
    return FALSE;

  lane = YQ_PUSH_LANE (sqlite3_column_int64 (stmt, connector_column), kind);
  return g_hash_table_contains (data->busy_lanes, &lane);
}

/* Reads the claimed deliveries @ids into the batch with the message and
 * the todo references. */
static gboolean
fill_batch (YqStore          *store,
            YqDeliveryBatch  *batch,
            GArray           *ids,
            GError          **error)
{
  for (guint i = 0; i < ids->len; i++)
    {
      YqDelivery *delivery = delivery_get_locked (store, g_array_index (ids, gint64, i), error);

      if (delivery == NULL)
        return FALSE;
      g_ptr_array_add (batch->deliveries, delivery);

      if (is_todo_event (delivery->event))
        {
          sqlite3_stmt *stmt;
          int rc;
          char *ref = NULL;

          stmt = yq_store_prepare (store,
                                   "SELECT platform_ref FROM push_deliveries WHERE id = ?1", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, delivery->depends_on);
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            ref = yq_store_column_dup (stmt, 0);
          sqlite3_reset (stmt);
          if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            {
              yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
              return FALSE;
            }
          g_ptr_array_add (batch->todo_refs, ref != NULL ? ref : g_strdup (""));
        }
    }

  if (ids->len > 0)
    {
      const YqDelivery *first = g_ptr_array_index (batch->deliveries, 0);

      batch->message = message_get_locked (store, first->message_id, error);
      if (batch->message == NULL)
        return FALSE;
    }

  return TRUE;
}

static YqDeliveryBatch *
batch_new (void)
{
  YqDeliveryBatch *batch = g_new0 (YqDeliveryBatch, 1);

  batch->deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_delivery_free);
  batch->todo_refs = g_ptr_array_new_with_free_func (g_free);

  return batch;
}

static gboolean
claim_resumable (YqStore    *store,
                 ClaimData  *data,
                 GError    **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(YqDeliveryBatch) batch = NULL;
  gint64 message_id = 0;
  gint64 target_id = 0;
  g_autofree char *event = NULL;
  gboolean found = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT message_id, target_id, event, connector_id, kind FROM push_deliveries "
                           "WHERE state = 'sending' AND resumable = 1 ORDER BY id",
                           error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (is_busy (data, stmt, 3))
        continue;
      message_id = sqlite3_column_int64 (stmt, 0);
      target_id = sqlite3_column_int64 (stmt, 1);
      event = g_strdup (yq_store_column_text (stmt, 2));
      found = TRUE;
      break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }
  if (!found)
    return TRUE;

  stmt = yq_store_prepare (store,
                           "SELECT id FROM push_deliveries WHERE state = 'sending' "
                           "AND resumable = 1 AND message_id = ?1 AND coalesce (target_id, 0) = ?2 "
                           "AND event = ?3 ORDER BY id LIMIT ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, target_id);
  sqlite3_bind_text (stmt, 3, event, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, data->max_deliveries);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      stmt = yq_store_prepare (store,
                               "UPDATE push_deliveries SET resumable = 0 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      if (!yq_store_run (store, stmt, _("Could not claim the push deliveries"), error))
        return FALSE;
    }

  batch = batch_new ();
  batch->resumed = TRUE;
  if (!fill_batch (store, batch, ids, error))
    return FALSE;
  data->batch = g_steal_pointer (&batch);

  return TRUE;
}

/* Todo events whose todo will never exist (it went dead, unbound or
 * skipped) have nothing to do. */
static gboolean
skip_orphaned_events (YqStore  *store,
                      gint64    now,
                      GError  **error)
{
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "UPDATE push_deliveries INDEXED BY push_deliveries_waiting "
                           "SET state = 'skipped', last_error = ?1, "
                           "updated_at = ?2 "
                           "WHERE state IN ('pending', 'retry') "
                           "AND event IN ('todo.done', 'todo.cancelled') "
                           "AND (depends_on IS NULL OR (SELECT t.state FROM push_deliveries t "
                           "WHERE t.id = push_deliveries.depends_on) "
                           "IN ('dead', 'unbound', 'skipped'))",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, REASON_TODO_NOT_CREATED, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);

  return yq_store_run (store, stmt, _("Could not update the push deliveries"), error);
}

static gboolean
claim_in_transaction (YqStore   *store,
                      gpointer   user_data,
                      GError   **error)
{
  ClaimData *data = user_data;
  g_autoptr(GArray) ids = g_array_new (FALSE, TRUE, sizeof (gint64));
  g_autoptr(YqDeliveryBatch) batch = NULL;
  gint64 now = data->now_ms / 1000;
  gint64 message_id = 0;
  gint64 target_id = 0;
  g_autofree char *event = NULL;
  gboolean found = FALSE;
  sqlite3_stmt *stmt;
  int rc;

  if (!claim_resumable (store, data, error))
    return FALSE;
  if (data->batch != NULL)
    return TRUE;

  /* Todo events whose todo will never exist have nothing to do. */
  if (!data->skipped_orphans)
    {
      if (!skip_orphaned_events (store, now, error))
        return FALSE;
      data->skipped_orphans = TRUE;
    }

  /* One lane seeks its own index; otherwise all due rows are walked in
   * order, skipping the busy lanes. */
  if (data->one_lane)
    stmt = yq_store_prepare (store,
                             "SELECT d.message_id, coalesce (d.target_id, 0), d.event, "
                             "d.connector_id, d.kind FROM push_deliveries d "
                             "INDEXED BY push_deliveries_lane "
                             "LEFT JOIN push_deliveries t ON t.id = d.depends_on "
                             "WHERE d.connector_id = ?2 AND d.kind = ?3 "
                             "AND d.state IN ('pending', 'retry') AND d.next_attempt_at <= ?1 "
                             "AND (d.depends_on IS NULL OR t.state = 'delivered') "
                             "ORDER BY d.next_attempt_at, d.id",
                             error);
  else
    stmt = yq_store_prepare (store,
                             "SELECT d.message_id, coalesce (d.target_id, 0), d.event, "
                             "d.connector_id, d.kind FROM push_deliveries d "
                             "INDEXED BY push_deliveries_due "
                             "LEFT JOIN push_deliveries t ON t.id = d.depends_on "
                             "WHERE d.state IN ('pending', 'retry') AND d.next_attempt_at <= ?1 "
                             "AND (d.depends_on IS NULL OR t.state = 'delivered') "
                             "ORDER BY d.next_attempt_at, d.id",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  if (data->one_lane)
    {
      sqlite3_bind_int64 (stmt, 2, data->lane_connector);
      sqlite3_bind_text (stmt, 3, yq_push_kind_to_string (data->lane_kind), -1, SQLITE_STATIC);
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (is_busy (data, stmt, 3))
        continue;
      message_id = sqlite3_column_int64 (stmt, 0);
      target_id = sqlite3_column_int64 (stmt, 1);
      event = g_strdup (yq_store_column_text (stmt, 2));
      found = TRUE;
      break;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }
  if (!found)
    return TRUE;

  stmt = yq_store_prepare (store,
                           "SELECT d.id FROM push_deliveries d "
                           "LEFT JOIN push_deliveries t ON t.id = d.depends_on "
                           "WHERE d.state IN ('pending', 'retry') AND d.next_attempt_at <= ?1 "
                           "AND (d.depends_on IS NULL OR t.state = 'delivered') "
                           "AND d.message_id = ?2 AND coalesce (d.target_id, 0) = ?3 "
                           "AND d.event = ?4 ORDER BY d.next_attempt_at, d.id LIMIT ?5",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int64 (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, target_id);
  sqlite3_bind_text (stmt, 4, event, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, data->max_deliveries);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      stmt = yq_store_prepare (store,
                               "UPDATE push_deliveries SET state = 'sending', "
                               "attempts = attempts + 1, attempt_ms = ?2, resumable = 0, "
                               "updated_at = ?3 WHERE id = ?1",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      sqlite3_bind_int64 (stmt, 2, data->now_ms);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!yq_store_run (store, stmt, _("Could not claim the push deliveries"), error))
        return FALSE;
    }

  batch = batch_new ();
  if (!fill_batch (store, batch, ids, error))
    return FALSE;
  data->batch = g_steal_pointer (&batch);

  return TRUE;
}

/**
 * yq_push_deliveries_claim:
 * @store: the store
 * @now_ms: Unix milliseconds
 * @max_deliveries: the most deliveries in the batch (at least 1)
 * @busy_lanes: (nullable) (element-type gint64 gint64): lanes
 *   (YQ_PUSH_LANE() of a connector and a kind; keys are `gint64 *`, hashed
 *   with g_int64_hash()) not to claim from
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the batch, or %NULL (with @error
 *   set on failure, unset when nothing is due)
 */
YqDeliveryBatch *
yq_push_deliveries_claim (YqStore     *store,
                          gint64       now_ms,
                          guint        max_deliveries,
                          GHashTable  *busy_lanes,
                          GError     **error)
{
  ClaimData data = { 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (max_deliveries > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.now_ms = now_ms;
  data.max_deliveries = max_deliveries;
  data.busy_lanes = busy_lanes;

  if (!yq_store_transaction (store, claim_in_transaction, &data, error))
    {
      g_clear_pointer (&data.batch, yq_delivery_batch_free);
      return NULL;
    }

  return data.batch;
}

/* Whether the lane has a due delivery or anything is resumable; FALSE
 * with @error set on failure. */
static gboolean
lane_may_have_work (YqStore    *store,
                    ClaimData  *data,
                    GError    **error)
{
  g_autoptr(YqStoreLocker) locker = yq_store_lock (store);
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  stmt = yq_store_prepare (store,
                           "SELECT EXISTS (SELECT 1 FROM push_deliveries "
                           "INDEXED BY push_deliveries_lane "
                           "WHERE connector_id = ?1 AND kind = ?2 "
                           "AND state IN ('pending', 'retry') AND next_attempt_at <= ?3) "
                           "OR EXISTS (SELECT 1 FROM push_deliveries "
                           "WHERE state = 'sending' AND resumable = 1)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, data->lane_connector);
  sqlite3_bind_text (stmt, 2, yq_push_kind_to_string (data->lane_kind), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, data->now_ms / 1000);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }

  return found;
}

typedef struct
{
  ClaimData  claim;
  guint      max_batches;
  GPtrArray *batches;
} ClaimManyData;

static gboolean
claim_many_in_transaction (YqStore   *store,
                           gpointer   user_data,
                           GError   **error)
{
  ClaimManyData *data = user_data;

  while (data->batches->len < data->max_batches)
    {
      data->claim.batch = NULL;
      if (!claim_in_transaction (store, &data->claim, error))
        return FALSE;
      if (data->claim.batch == NULL)
        break;
      g_ptr_array_add (data->batches, g_steal_pointer (&data->claim.batch));
    }

  return TRUE;
}

/**
 * yq_push_deliveries_claim_lane:
 * @store: the store
 * @now_ms: Unix milliseconds
 * @max_deliveries: the most deliveries in a batch (at least 1)
 * @max_batches: the most batches (at least 1)
 * @connector_id: the lane's connector
 * @kind: the lane's kind of target
 * @error: return location for an error
 *
 * Like yq_push_deliveries_claim() with every other lane busy, but looked
 * up directly: the cost does not grow with the other lanes' queues. Up to
 * @max_batches batches are claimed in one transaction, in the order
 * single claims would take them.
 *
 * Returns: (transfer full) (element-type YqDeliveryBatch) (nullable): the
 *   batches, empty when nothing is due; %NULL with @error set on failure
 */
GPtrArray *
yq_push_deliveries_claim_lane (YqStore     *store,
                               gint64       now_ms,
                               guint        max_deliveries,
                               guint        max_batches,
                               gint64       connector_id,
                               YqPushKind   kind,
                               GError     **error)
{
  ClaimManyData data = { { 0 }, };
  gboolean may_have_work;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (max_deliveries > 0, NULL);
  g_return_val_if_fail (max_batches > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.claim.now_ms = now_ms;
  data.claim.max_deliveries = max_deliveries;
  data.claim.one_lane = TRUE;
  data.claim.lane_connector = connector_id;
  data.claim.lane_kind = kind;
  data.max_batches = max_batches;
  data.batches = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_delivery_batch_free);

  /* Most lanes are empty most of the time: a read says so without taking
   * the write lock. */
  may_have_work = lane_may_have_work (store, &data.claim, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      g_ptr_array_unref (data.batches);
      return NULL;
    }
  if (!may_have_work)
    return data.batches;

  if (!yq_store_transaction (store, claim_many_in_transaction, &data, error))
    {
      g_clear_pointer (&data.claim.batch, yq_delivery_batch_free);
      g_ptr_array_unref (data.batches);
      return NULL;
    }

  return data.batches;
}

static gint64
backoff_seconds (guint attempts)
{
  gint64 delay = YQ_PUSH_BACKOFF_FIRST;

  for (guint i = 1; i < attempts && delay < YQ_PUSH_BACKOFF_MAX; i++)
    delay <<= 1;

  return MIN (delay, YQ_PUSH_BACKOFF_MAX);
}

typedef struct
{
  const YqDeliveryOutcome *outcomes;
  guint                    n_outcomes;
  gint64                   now;
} FinishData;

static gboolean
finish_in_transaction (YqStore   *store,
                       gpointer   user_data,
                       GError   **error)
{
  FinishData *data = user_data;

  for (guint i = 0; i < data->n_outcomes; i++)
    {
      const YqDeliveryOutcome *outcome = &data->outcomes[i];
      g_autoptr(GError) local_error = NULL;
      g_autoptr(YqDelivery) delivery = delivery_get_locked (store, outcome->id, &local_error);
      const char *failure;
      sqlite3_stmt *stmt;

      /* One unknown ID does not hold the others' outcomes back. */
      if (g_error_matches (local_error, YQ_PUSH_ERROR, YQ_PUSH_ERROR_NOT_FOUND))
        {
          g_debug ("No push delivery %lld to record an outcome for", (long long) outcome->id);
          continue;
        }
      if (delivery == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Retried, or skipped, while the attempt was out. */
      if (delivery->state != YQ_DELIVERY_SENDING)
        continue;

      failure = outcome->error != NULL && *outcome->error != '\0' ? outcome->error
                                                                  : _("The attempt failed");

      if (outcome->delivered)
        {
          stmt = yq_store_prepare (store,
                                   "UPDATE push_deliveries SET state = 'delivered', "
                                   "platform_ref = coalesce (?2, platform_ref), last_error = NULL, "
                                   "resumable = 0, delivered_at = ?3, updated_at = ?3 "
                                   "WHERE id = ?1",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, outcome->id);
          yq_store_bind_text_or_null (stmt, 2, outcome->platform_ref);
          sqlite3_bind_int64 (stmt, 3, data->now);
        }
      else if (delivery->target_id == 0)
        {
          /* The target was removed while the attempt was out: nothing to
           * retry with. */
          stmt = yq_store_prepare (store,
                                   "UPDATE push_deliveries SET state = 'skipped', last_error = ?2, "
                                   "resumable = 0, updated_at = ?3 WHERE id = ?1",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, outcome->id);
          sqlite3_bind_text (stmt, 2, REASON_TARGET_REMOVED, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 3, data->now);
        }
      else if (outcome->final || delivery->attempts >= YQ_PUSH_MAX_ATTEMPTS)
        {
          stmt = yq_store_prepare (store,
                                   "UPDATE push_deliveries SET state = 'dead', last_error = ?2, "
                                   "resumable = 0, updated_at = ?3 WHERE id = ?1",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, outcome->id);
          sqlite3_bind_text (stmt, 2, failure, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 3, data->now);
        }
      else
        {
          stmt = yq_store_prepare (store,
                                   "UPDATE push_deliveries SET state = 'retry', last_error = ?2, "
                                   "resumable = 0, next_attempt_at = ?4, updated_at = ?3 "
                                   "WHERE id = ?1",
                                   error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, outcome->id);
          sqlite3_bind_text (stmt, 2, failure, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 3, data->now);
          sqlite3_bind_int64 (stmt, 4, data->now + backoff_seconds (MAX (delivery->attempts, 1)));
        }

      if (!yq_store_run (store, stmt, _("Could not record the push delivery"), error))
        return FALSE;
    }

  return TRUE;
}

/**
 * yq_push_deliveries_finish:
 * @store: the store
 * @outcomes: (array length=n_outcomes): the outcomes
 * @n_outcomes: how many
 * @now: Unix seconds
 * @error: return location for an error
 *
 * Deliveries that are no longer SENDING (retried or skipped meanwhile)
 * keep their state; unknown IDs are ignored.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_deliveries_finish (YqStore                  *store,
                           const YqDeliveryOutcome  *outcomes,
                           guint                     n_outcomes,
                           gint64                    now,
                           GError                  **error)
{
  FinishData data = { outcomes, n_outcomes, now };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (outcomes != NULL || n_outcomes == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return yq_store_transaction (store, finish_in_transaction, &data, error);
}

/**
 * yq_push_deliveries_next_due:
 * @store: the store
 * @error: return location for an error
 *
 * Todo events that wait for their todo's attempt do not count: they are
 * due when the todo is finished.
 *
 * Returns: Unix seconds, 0 when nothing waits (or on error)
 */
gint64
yq_push_deliveries_next_due (YqStore  *store,
                             GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;
  gint64 due = 0;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  locker = yq_store_lock (store);
  /* The first due row in the index's order that does not wait for an
   * open todo: the walk stops there instead of reading the whole queue. */
  stmt = yq_store_prepare (store,
                           "SELECT d.next_attempt_at FROM push_deliveries d "
                           "INDEXED BY push_deliveries_due "
                           "LEFT JOIN push_deliveries t ON t.id = d.depends_on "
                           "WHERE d.state IN ('pending', 'retry') "
                           "AND (t.id IS NULL OR t.state NOT IN ('pending', 'sending', 'retry')) "
                           "ORDER BY d.next_attempt_at, d.id LIMIT 1",
                           error);
  if (stmt == NULL)
    return 0;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    due = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return 0;
    }

  return due;
}

typedef struct
{
  GArray *ids;
  gint64  now;
  guint   n_changed;
} RetryNowData;

static gboolean
retry_one (YqStore  *store,
           gint64    id,
           gint64    now,
           guint    *n_changed,
           GError  **error)
{
  sqlite3_stmt *stmt;

  stmt = yq_store_prepare (store,
                           "UPDATE push_deliveries SET "
                           "attempts = CASE WHEN state = 'dead' THEN 0 ELSE attempts END, "
                           "state = 'pending', next_attempt_at = ?2, updated_at = ?2 "
                           "WHERE state IN ('retry', 'dead') AND (?1 = 0 OR id = ?1)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!yq_store_run (store, stmt, _("Could not retry the push deliveries"), error))
    return FALSE;
  *n_changed += (guint) sqlite3_changes (yq_store_get_db (store));

  return TRUE;
}

static gboolean
retry_now_in_transaction (YqStore   *store,
                          gpointer   user_data,
                          GError   **error)
{
  RetryNowData *data = user_data;
  g_autofree char *detail = NULL;

  if (data->ids == NULL)
    {
      if (!retry_one (store, 0, data->now, &data->n_changed, error))
        return FALSE;
    }
  else
    {
      for (guint i = 0; i < data->ids->len; i++)
        {
          gint64 id = g_array_index (data->ids, gint64, i);

          if (id > 0 && !retry_one (store, id, data->now, &data->n_changed, error))
            return FALSE;
        }
    }

  if (data->n_changed == 0)
    return TRUE;

  detail = g_strdup_printf ("deliveries=%s; changed=%u",
                            data->ids == NULL ? "all" : "selected", data->n_changed);

  return yq_store_audit (store, NULL, "push-deliveries.retry", "push-deliveries", detail, error);
}

/**
 * yq_push_deliveries_retry_now:
 * @store: the store
 * @ids: (nullable) (element-type gint64): deliveries, %NULL for all
 * @now: Unix seconds
 * @n_changed: (out) (optional): how many changed
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_deliveries_retry_now (YqStore  *store,
                              GArray   *ids,
                              gint64    now,
                              guint    *n_changed,
                              GError  **error)
{
  RetryNowData data = { ids, now, 0 };

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!yq_store_transaction (store, retry_now_in_transaction, &data, error))
    return FALSE;
  if (n_changed != NULL)
    *n_changed = data.n_changed;

  return TRUE;
}

/* ---- The log -------------------------------------------------------------- */

#define FILTER_WHERE \
  "WHERE (?1 = 0 OR (?1 >> (CASE d.state WHEN 'pending' THEN 0 WHEN 'sending' THEN 1 " \
  "WHEN 'delivered' THEN 2 WHEN 'retry' THEN 3 WHEN 'dead' THEN 4 WHEN 'unbound' THEN 5 " \
  "ELSE 6 END)) & 1) " \
  "AND (?2 = 0 OR d.connector_id = ?2) AND (?3 = 0 OR d.message_id = ?3) " \
  "AND (?4 IS NULL OR instr (lower (coalesce (m.title, '')), lower (?4)) > 0 " \
  "OR instr (lower (m.idempotency_key), lower (?4)) > 0 " \
  "OR instr (lower (m.source), lower (?4)) > 0 " \
  "OR instr (lower (d.oa_account), lower (?4)) > 0 " \
  "OR instr (lower (coalesce (d.last_error, '')), lower (?4)) > 0) "

static void
bind_filter (sqlite3_stmt           *stmt,
             const YqDeliveryFilter *filter)
{
  sqlite3_bind_int64 (stmt, 1, filter->states);
  sqlite3_bind_int64 (stmt, 2, filter->connector_id);
  sqlite3_bind_int64 (stmt, 3, filter->message_id);
  yq_store_bind_text_or_null (stmt, 4, filter->search != NULL && *filter->search != '\0' ? filter->search
                                                                                 : NULL);
}

/**
 * yq_push_deliveries_list:
 * @store: the store
 * @filter: which deliveries
 * @total: (out) (optional): the number of matching deliveries
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type YqDelivery): the
 *   deliveries, newest first, or %NULL with @error set
 */
GPtrArray *
yq_push_deliveries_list (YqStore                 *store,
                         const YqDeliveryFilter  *filter,
                         guint                   *total,
                         GError                 **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  g_autoptr(GPtrArray) deliveries = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = yq_store_lock (store);
  deliveries = g_ptr_array_new_with_free_func ((GDestroyNotify) yq_delivery_free);

  stmt = yq_store_prepare (store,
                           "SELECT " DELIVERY_COLUMNS " FROM push_deliveries d "
                           "JOIN push_messages m ON m.id = d.message_id " FILTER_WHERE
                           "ORDER BY d.created_at DESC, d.id DESC LIMIT ?5 OFFSET ?6",
                           error);
  if (stmt == NULL)
    return NULL;
  bind_filter (stmt, filter);
  sqlite3_bind_int64 (stmt, 5, filter->limit > 0 ? filter->limit : 1000);
  sqlite3_bind_int64 (stmt, 6, filter->offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (deliveries, delivery_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return NULL;
    }

  if (total != NULL)
    {
      stmt = yq_store_prepare (store,
                               "SELECT count (*) FROM push_deliveries d "
                               "JOIN push_messages m ON m.id = d.message_id " FILTER_WHERE,
                               error);
      if (stmt == NULL)
        return NULL;
      bind_filter (stmt, filter);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *total = (guint) sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        {
          yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
          return NULL;
        }
    }

  return g_steal_pointer (&deliveries);
}

/**
 * yq_push_deliveries_count:
 * @store: the store
 * @counts: (array fixed-size=7): filled with the deliveries per state
 * @error: return location for an error
 *
 * Returns: %TRUE on success
 */
gboolean
yq_push_deliveries_count (YqStore  *store,
                          guint    *counts,
                          GError  **error)
{
  g_autoptr(YqStoreLocker) locker = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (YQ_IS_STORE (store), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (counts, 0, sizeof (guint) * YQ_DELIVERY_N_STATES);

  locker = yq_store_lock (store);
  stmt = yq_store_prepare (store,
                           "SELECT state, count (*) FROM push_deliveries GROUP BY state", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      YqDeliveryState state;

      if (yq_delivery_state_from_string (yq_store_column_text (stmt, 0), &state))
        counts[state] = (guint) sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      yq_store_set_error (store, error, rc, _("Could not read the push deliveries"));
      return FALSE;
    }

  return TRUE;
}
