/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-history-run"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "yq-history-run.h"
#include "yq-sync-ui.h"

struct _YqHistoryRun
{
  GObject          parent_instance;

  gint64           id;
  gint64           connector_id;
  char            *connector_name;
  YqSyncDirection  direction;
  YqSyncRunState   state;
  gboolean         dry_run;
  gint64           started_at;
  gint64           finished_at;
  guint            n_ops;
  guint            n_failed;
  guint            n_warnings;
  guint            n_errors;
  char            *short_counts;
  char            *counts_text;
  /* Everything the search looks at, casefolded, one item a line. */
  char            *haystack;
};

G_DEFINE_FINAL_TYPE (YqHistoryRun, yq_history_run, G_TYPE_OBJECT)

static void
yq_history_run_finalize (GObject *object)
{
  YqHistoryRun *self = YQ_HISTORY_RUN (object);

  g_free (self->connector_name);
  g_free (self->short_counts);
  g_free (self->counts_text);
  g_free (self->haystack);

  G_OBJECT_CLASS (yq_history_run_parent_class)->finalize (object);
}

static void
yq_history_run_class_init (YqHistoryRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_history_run_finalize;
}

static void
yq_history_run_init (YqHistoryRun *self)
{
}

static guint
get_count (JsonObject *counts,
           const char *member)
{
  JsonNode *node = counts != NULL ? json_object_get_member (counts, member) : NULL;
  gint64 value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  value = json_node_get_int (node);
  return value > 0 && value <= G_MAXUINT ? (guint) value : 0;
}

static char *
format_short_counts (const char *counts_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *counts = NULL;
  JsonNode *root;
  guint added, updated, removed;

  if (counts_json != NULL && *counts_json != '\0' &&
      json_parser_load_from_data (parser, counts_json, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    counts = json_node_get_object (root);

  added = get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_LINK_DEPARTMENT)) +
          get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_CREATE_DEPARTMENT)) +
          get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_LINK_PERSON)) +
          get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_CREATE_PERSON));
  updated = get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_UPDATE_DEPARTMENT)) +
            get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_UPDATE_PERSON));
  removed = get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_DELETE_DEPARTMENT)) +
            get_count (counts, yq_plan_op_kind_to_string (YQ_PLAN_OP_REMOVE_PERSON));

  if (added > 0)
    g_string_append_printf (text, "+%u", added);
  if (updated > 0)
    g_string_append_printf (text, "%s~%u", text->len > 0 ? " " : "", updated);
  if (removed > 0)
    /* U+2212 MINUS SIGN */
    g_string_append_printf (text, "%s\u2212%u", text->len > 0 ? " " : "", removed);
  if (text->len == 0)
    /* U+2014 EM DASH: no changes */
    g_string_append (text, "\u2014");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
add_to_haystack (GString    *haystack,
                 const char *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL || *text == '\0')
    return;

  folded = g_utf8_casefold (text, -1);
  g_string_append (haystack, folded);
  g_string_append_c (haystack, '\n');
}

static guint
add_messages (GString    *haystack,
              const char *json_array)
{
  g_auto(GStrv) messages = yq_sync_ui_parse_messages (json_array);
  guint n = messages != NULL ? g_strv_length (messages) : 0;

  for (guint i = 0; i < n; i++)
    add_to_haystack (haystack, messages[i]);

  return n;
}

/**
 * yq_history_run_new:
 * @record: a stored run
 * @connector_name: its connector's name
 *
 * Returns: (transfer full): a new row of the history
 */
YqHistoryRun *
yq_history_run_new (const YqSyncRunRecord *record,
                    const char            *connector_name)
{
  YqHistoryRun *self;
  g_autoptr(GString) haystack = g_string_new (NULL);
  const char *direction;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (YQ_TYPE_HISTORY_RUN, NULL);
  self->id = record->id;
  self->connector_id = record->connector_id;
  self->connector_name = g_strdup (connector_name != NULL ? connector_name : "");
  self->direction = record->direction;
  self->state = record->state;
  self->dry_run = record->dry_run;
  self->started_at = record->started_at;
  self->finished_at = record->finished_at;
  self->n_ops = record->n_ops;
  self->n_failed = record->n_failed;
  self->short_counts = format_short_counts (record->counts);
  /* A preview's counts are what it would have changed. */
  self->counts_text = yq_sync_ui_format_counts (record->counts, record->dry_run);
  if (self->counts_text == NULL)
    self->counts_text = g_strdup (_("No changes"));

  direction = yq_sync_direction_to_string (record->direction);
  add_to_haystack (haystack, self->connector_name);
  add_to_haystack (haystack, yq_sync_ui_direction_label (direction));
  add_to_haystack (haystack, yq_sync_ui_direction_title (direction));
  add_to_haystack (haystack, yq_history_run_get_kind_label (self));
  add_to_haystack (haystack, yq_sync_ui_run_state_label (record->state));
  /* The untranslated names too, as the CLI prints them. */
  add_to_haystack (haystack, direction);
  add_to_haystack (haystack, yq_sync_run_state_to_string (record->state));
  if (record->dry_run)
    add_to_haystack (haystack, "dry-run");
  self->n_errors = add_messages (haystack, record->errors);
  self->n_warnings = add_messages (haystack, record->warnings);
  self->haystack = g_string_free (g_steal_pointer (&haystack), FALSE);

  return self;
}

gint64
yq_history_run_get_id (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->id;
}

gint64
yq_history_run_get_connector_id (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->connector_id;
}

const char *
yq_history_run_get_connector_name (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), NULL);

  return self->connector_name;
}

YqSyncDirection
yq_history_run_get_direction (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->direction;
}

YqSyncRunState
yq_history_run_get_state (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->state;
}

gboolean
yq_history_run_get_dry_run (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), FALSE);

  return self->dry_run;
}

gint64
yq_history_run_get_started_at (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->started_at;
}

gint64
yq_history_run_get_finished_at (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->finished_at;
}

guint
yq_history_run_get_n_ops (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->n_ops;
}

guint
yq_history_run_get_n_failed (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->n_failed;
}

guint
yq_history_run_get_n_warnings (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->n_warnings;
}

guint
yq_history_run_get_n_errors (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), 0);

  return self->n_errors;
}

const char *
yq_history_run_get_kind_label (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), NULL);

  if (self->dry_run)
    /* Translators: the kind of a sync run that only planned and compared,
     * changing nothing. */
    return C_("sync run kind", "Preview");

  if (self->direction == YQ_SYNC_DIRECTION_FROM_PLATFORM)
    /* Translators: the kind of a sync run that re-reads the platform's
     * directory into the bridge. */
    return C_("sync run kind", "Refresh");

  /* Translators: the kind of a sync run that applied changes. */
  return C_("sync run kind", "Apply");
}

const char *
yq_history_run_get_short_counts (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), NULL);

  return self->short_counts;
}

const char *
yq_history_run_get_counts_text (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), NULL);

  return self->counts_text;
}

char *
yq_history_run_format_duration (YqHistoryRun *self)
{
  gint64 seconds;

  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), NULL);

  if (self->finished_at <= 0 || self->finished_at < self->started_at)
    return g_strdup ("");

  seconds = self->finished_at - self->started_at;
  if (seconds < 60)
    /* Translators: a duration in seconds. */
    return g_strdup_printf (_("%u s"), (guint) seconds);
  if (seconds < 3600)
    /* Translators: a duration in minutes and seconds. */
    return g_strdup_printf (_("%u min %u s"), (guint) (seconds / 60), (guint) (seconds % 60));

  /* Translators: a duration in hours and minutes. */
  return g_strdup_printf (_("%u h %u min"), (guint) MIN (seconds / 3600, G_MAXUINT),
                          (guint) (seconds % 3600 / 60));
}

const char *
yq_history_run_get_result_class (YqHistoryRun *self)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), NULL);

  switch (self->state)
    {
    case YQ_SYNC_RUN_APPLIED:
      if (self->n_failed > 0 || self->n_errors > 0 || self->n_warnings > 0)
        return "warning";
      return "success";
    case YQ_SYNC_RUN_FAILED:
      return "error";
    case YQ_SYNC_RUN_BLOCKED:
    case YQ_SYNC_RUN_INTERRUPTED:
      return "warning";
    case YQ_SYNC_RUN_PREVIEWED:
      return self->n_warnings > 0 ? "warning" : NULL;
    case YQ_SYNC_RUN_APPLYING:
    default:
      return NULL;
    }
}

gboolean
yq_history_run_matches (YqHistoryRun *self,
                        const char   *casefolded)
{
  g_return_val_if_fail (YQ_IS_HISTORY_RUN (self), FALSE);

  if (casefolded == NULL || *casefolded == '\0')
    return TRUE;

  return strstr (self->haystack, casefolded) != NULL;
}
