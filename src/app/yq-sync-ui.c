/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "yq-sync-ui"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "yq-sync-ui.h"

/*
 * Words for what the service and the history report in identifiers:
 * directions, job kinds and states, and the counts of a plan.
 */

/**
 * yq_sync_ui_direction_label:
 * @direction: "from-platform", "to-oa" or "to-platform"
 *
 * Returns: the direction as a phrase for subtitles and sentences
 */
const char *
yq_sync_ui_direction_label (const char *direction)
{
  if (g_strcmp0 (direction, "from-platform") == 0)
    return _("Refresh from the platform");
  if (g_strcmp0 (direction, "to-oa") == 0)
    return _("Sync to the OA system");
  if (g_strcmp0 (direction, "to-platform") == 0)
    return _("Sync to the platform");

  return direction != NULL ? direction : "";
}

/**
 * yq_sync_ui_direction_title:
 * @direction: "from-platform", "to-oa" or "to-platform"
 *
 * Returns: the direction as a title, as in the connector menu
 */
const char *
yq_sync_ui_direction_title (const char *direction)
{
  if (g_strcmp0 (direction, "from-platform") == 0)
    return _("Refresh from Platform");
  if (g_strcmp0 (direction, "to-oa") == 0)
    return _("Sync to OA");
  if (g_strcmp0 (direction, "to-platform") == 0)
    return _("Sync to Platform");

  return direction != NULL ? direction : "";
}

const char *
yq_sync_ui_job_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "sync-preview") == 0)
    /* Translators: a job that computes the changes without making them. */
    return _("Preview");
  if (g_strcmp0 (kind, "sync-apply") == 0)
    /* Translators: a job that makes the changes. */
    return _("Apply");

  return kind != NULL ? kind : "";
}

/**
 * yq_sync_ui_job_state_label:
 * @state: a job's State
 * @needs_confirmation: the job's NeedsConfirmation
 *
 * Returns: the state in words
 */
const char *
yq_sync_ui_job_state_label (const char *state,
                            gboolean    needs_confirmation)
{
  if (g_strcmp0 (state, "queued") == 0)
    return _("Queued");
  if (g_strcmp0 (state, "running") == 0)
    return _("Running");
  if (g_strcmp0 (state, "succeeded") == 0)
    return _("Done");
  if (g_strcmp0 (state, "failed") == 0)
    return _("Failed");
  if (g_strcmp0 (state, "blocked") == 0)
    return needs_confirmation ? _("Needs confirmation") : _("Blocked");
  if (g_strcmp0 (state, "cancelled") == 0)
    return _("Cancelled");

  return state != NULL ? state : "";
}

gboolean
yq_sync_ui_job_state_is_active (const char *state)
{
  return g_strcmp0 (state, "queued") == 0 || g_strcmp0 (state, "running") == 0;
}

/**
 * yq_sync_ui_op_kind_label:
 * @kind: an operation kind
 *
 * Returns: a title for the count of operations of @kind, such as
 *   "Departments created"
 */
const char *
yq_sync_ui_op_kind_label (YqPlanOpKind kind)
{
  switch (kind)
    {
    case YQ_PLAN_OP_LINK_DEPARTMENT:   return _("Departments linked");
    case YQ_PLAN_OP_CREATE_DEPARTMENT: return _("Departments created");
    case YQ_PLAN_OP_UPDATE_DEPARTMENT: return _("Departments updated");
    case YQ_PLAN_OP_DELETE_DEPARTMENT: return _("Departments deleted");
    case YQ_PLAN_OP_LINK_PERSON:       return _("People bound");
    case YQ_PLAN_OP_CREATE_PERSON:     return _("People created");
    case YQ_PLAN_OP_UPDATE_PERSON:     return _("People updated");
    case YQ_PLAN_OP_REMOVE_PERSON:     return _("People removed");
    default:                           g_return_val_if_reached ("");
    }
}

const char *
yq_sync_ui_run_state_label (YqSyncRunState state)
{
  switch (state)
    {
    case YQ_SYNC_RUN_APPLYING:
      /* Translators: a sync run still applying, or cut off while applying. */
      return _("Applying or cut off");
    case YQ_SYNC_RUN_APPLIED:
      return _("Applied");
    case YQ_SYNC_RUN_FAILED:
      return _("Failed");
    case YQ_SYNC_RUN_BLOCKED:
      return _("Blocked, nothing was changed");
    case YQ_SYNC_RUN_INTERRUPTED:
      return _("Interrupted, taken over by a later run");
    case YQ_SYNC_RUN_PREVIEWED:
      /* Translators: a sync run that was only a preview: it changed nothing. */
      return _("Previewed");
    default:
      return yq_sync_run_state_to_string (state);
    }
}

/**
 * yq_sync_ui_format_time:
 * @unix_time: Unix seconds
 *
 * Returns: (transfer full): the local time, with the date unless it is today
 */
char *
yq_sync_ui_format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (time == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (now) == g_date_time_get_year (time) &&
      g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (time))
    return g_date_time_format (time, "%H:%M");

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/**
 * yq_sync_ui_format_date_time:
 * @unix_time: Unix seconds
 *
 * Returns: (transfer full): the local date and time
 */
char *
yq_sync_ui_format_date_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);

  if (time == NULL)
    return g_strdup ("");

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

static char *
format_count (YqPlanOpKind kind,
              gboolean     preview,
              guint        n)
{
  switch (kind)
    {
    case YQ_PLAN_OP_LINK_DEPARTMENT:
      if (preview)
        return g_strdup_printf (ngettext ("%u department to link", "%u departments to link", n), n);
      return g_strdup_printf (ngettext ("%u department linked", "%u departments linked", n), n);
    case YQ_PLAN_OP_CREATE_DEPARTMENT:
      if (preview)
        return g_strdup_printf (ngettext ("%u department to create", "%u departments to create",
                                          n), n);
      return g_strdup_printf (ngettext ("%u department created", "%u departments created", n), n);
    case YQ_PLAN_OP_UPDATE_DEPARTMENT:
      if (preview)
        return g_strdup_printf (ngettext ("%u department to update", "%u departments to update",
                                          n), n);
      return g_strdup_printf (ngettext ("%u department updated", "%u departments updated", n), n);
    case YQ_PLAN_OP_DELETE_DEPARTMENT:
      if (preview)
        return g_strdup_printf (ngettext ("%u department to delete", "%u departments to delete",
                                          n), n);
      return g_strdup_printf (ngettext ("%u department deleted", "%u departments deleted", n), n);
    case YQ_PLAN_OP_LINK_PERSON:
      if (preview)
        return g_strdup_printf (ngettext ("%u person to bind", "%u people to bind", n), n);
      return g_strdup_printf (ngettext ("%u person bound", "%u people bound", n), n);
    case YQ_PLAN_OP_CREATE_PERSON:
      if (preview)
        return g_strdup_printf (ngettext ("%u person to create", "%u people to create", n), n);
      return g_strdup_printf (ngettext ("%u person created", "%u people created", n), n);
    case YQ_PLAN_OP_UPDATE_PERSON:
      if (preview)
        return g_strdup_printf (ngettext ("%u person to update", "%u people to update", n), n);
      return g_strdup_printf (ngettext ("%u person updated", "%u people updated", n), n);
    case YQ_PLAN_OP_REMOVE_PERSON:
      if (preview)
        return g_strdup_printf (ngettext ("%u person to remove", "%u people to remove", n), n);
      return g_strdup_printf (ngettext ("%u person removed", "%u people removed", n), n);
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
format_counts_object (JsonObject *counts,
                      gboolean    preview)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint kind = 0; kind < YQ_N_PLAN_OP_KINDS; kind++)
    {
      const char *member = yq_plan_op_kind_to_string (kind);
      g_autofree char *count = NULL;
      gint64 n;

      if (!json_object_has_member (counts, member))
        continue;

      n = json_object_get_int_member (counts, member);
      if (n <= 0 || n > G_MAXUINT)
        continue;

      if (text->len > 0)
        /* Translators: separates the counts of a sync, as in
         * "3 departments created, 120 people updated". */
        g_string_append (text, _(", "));
      count = format_count ((YqPlanOpKind) kind, preview, (guint) n);
      g_string_append (text, count);
    }

  if (text->len == 0)
    return g_strdup (_("No changes"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (json == NULL || *json == '\0' || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/**
 * yq_sync_ui_format_counts:
 * @counts_json: a plan's counts as a JSON object
 * @preview: whether nothing was applied yet
 *
 * Returns: (transfer full) (nullable): the counts in words, such as
 *   "3 departments created, 120 people updated"; %NULL when @counts_json
 *   is not a JSON object
 */
char *
yq_sync_ui_format_counts (const char *counts_json,
                          gboolean    preview)
{
  g_autoptr(JsonObject) counts = parse_object (counts_json);

  if (counts == NULL)
    return NULL;

  return format_counts_object (counts, preview);
}

static gint64
get_int (JsonObject *object,
         const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;

  return json_node_get_int (node);
}

/**
 * yq_sync_ui_format_job_summary:
 * @summary_json: a job's Summary
 * @preview: whether the job is a preview
 * @max_warnings: how many warnings to list at most; the others are counted
 * @warnings: (out) (optional) (transfer full): the warnings, one a line,
 *   or %NULL when there are none
 *
 * Returns: (transfer full) (nullable): the counts in words and how many
 *   operations failed; %NULL when the job has no plan (yet)
 */
char *
yq_sync_ui_format_job_summary (const char  *summary_json,
                               gboolean     preview,
                               guint        max_warnings,
                               char       **warnings)
{
  g_autoptr(JsonObject) summary = parse_object (summary_json);
  g_autofree char *counts = NULL;
  JsonNode *node;
  gint64 failed;

  if (warnings != NULL)
    *warnings = NULL;

  if (summary == NULL)
    return NULL;

  node = json_object_get_member (summary, "warnings");
  if (warnings != NULL && node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) text = g_string_new (NULL);
      gint64 more = get_int (summary, "more-warnings");
      guint listed = 0;

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) ||
              json_node_get_value_type (element) != G_TYPE_STRING)
            continue;
          if (listed == max_warnings)
            {
              more++;
              continue;
            }
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, json_node_get_string (element));
          listed++;
        }

      if (more > 0 && more <= G_MAXUINT)
        {
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append_printf (text,
                                  ngettext ("…and %u more warning", "…and %u more warnings",
                                            (guint) more),
                                  (guint) more);
        }

      if (text->len > 0)
        *warnings = g_string_free (g_steal_pointer (&text), FALSE);
    }

  node = json_object_get_member (summary, "counts");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  counts = format_counts_object (json_node_get_object (node), preview);

  failed = get_int (summary, "failed");
  if (!preview && failed > 0 && failed <= G_MAXUINT)
    {
      g_autofree char *failures = NULL;

      failures = g_strdup_printf (ngettext ("%u operation failed", "%u operations failed",
                                            (guint) failed),
                                  (guint) failed);
      return g_strconcat (counts, "\n", failures, NULL);
    }

  return g_steal_pointer (&counts);
}

/**
 * yq_sync_ui_parse_messages:
 * @json_array: a JSON array of strings, as in the history's warnings and
 *   errors
 *
 * Returns: (transfer full): the messages; empty when @json_array is empty
 *   or not an array of strings
 */
char **
yq_sync_ui_parse_messages (const char *json_array)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *root;

  if (json_array != NULL && *json_array != '\0' &&
      json_parser_load_from_data (parser, json_array, -1, NULL) &&
      (root = json_parser_get_root (parser)) != NULL &&
      JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  return g_strv_builder_end (builder);
}

/**
 * yq_sync_ui_started_toast_new:
 * @job_path: the object path of the job that was started
 * @dry_run: whether a preview was started
 *
 * Returns: (transfer full): a toast saying so, whose button shows the
 *   job through the "win.show-job" action
 */
AdwToast *
yq_sync_ui_started_toast_new (const char *job_path,
                              gboolean    dry_run)
{
  AdwToast *toast;

  g_return_val_if_fail (g_variant_is_object_path (job_path), NULL);

  toast = adw_toast_new (dry_run ? _("Preview started") : _("Sync started"));
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_detailed_action_name (toast, "win.show-job");
  adw_toast_set_action_target_value (toast, g_variant_new_object_path (job_path));

  return toast;
}

/**
 * yq_sync_ui_message_toast_new:
 * @message: plain text, such as an error message from the service
 *
 * Returns: (transfer full): a toast showing @message as it is
 */
AdwToast *
yq_sync_ui_message_toast_new (const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast;

  /* Toast titles are markup. */
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 10);

  return toast;
}

gboolean
yq_sync_ui_fold_search (char            **folded,
                        const char       *text,
                        GtkFilterChange  *change)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *old = g_steal_pointer (folded);

  *folded = *stripped != '\0' ? g_utf8_casefold (stripped, -1) : NULL;
  if (g_strcmp0 (old, *folded) == 0)
    return FALSE;

  /* Typing on narrows the matches, deleting widens them. */
  if (old == NULL || (*folded != NULL && strstr (*folded, old) != NULL))
    *change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (*folded == NULL || strstr (old, *folded) != NULL)
    *change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    *change = GTK_FILTER_CHANGE_DIFFERENT;

  return TRUE;
}

guint
yq_sync_ui_reload_connectors (YqStore     *store,
                              GListStore  *model,
                              GtkDropDown *dropdown,
                              gint64       keep_id,
                              gpointer     handler_data)
{
  g_autoptr(GPtrArray) connectors = NULL;
  g_autoptr(GError) error = NULL;
  guint selected = 0;

  if (store != NULL)
    {
      connectors = yq_connectors_list (store, &error);
      if (connectors == NULL)
        g_warning ("Cannot list the connectors: %s", error->message);
    }

  for (guint i = 0; connectors != NULL && i < connectors->len; i++)
    if (yq_connector_get_id (g_ptr_array_index (connectors, i)) == keep_id)
      selected = i;

  /* Replacing the model moves the selection; the caller's handlers run
   * once, after this. */
  g_signal_handlers_block_matched (dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, handler_data);
  g_list_store_splice (model, 0, g_list_model_get_n_items (G_LIST_MODEL (model)),
                       connectors ? connectors->pdata : NULL,
                       connectors ? connectors->len : 0);
  if (connectors != NULL && connectors->len > 0)
    gtk_drop_down_set_selected (dropdown, selected);
  g_signal_handlers_unblock_matched (dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     handler_data);

  return connectors != NULL ? connectors->len : 0;
}

GtkColumnViewColumn *
yq_sync_ui_append_column (GtkColumnView *view,
                          const char    *title,
                          GCallback      setup,
                          GCallback      bind,
                          gpointer       data,
                          int            width,
                          gboolean       expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, data);
  g_signal_connect (factory, "bind", bind, data);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (column, width);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);

  return column;
}
