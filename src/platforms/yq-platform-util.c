/* SPDX-License-Identifier: GPL-3.0-or-later */

/* What the 政务钉钉 and 云之家 clients do alike, whatever the wire format:
 * the bookkeeping of multi-call operations and of directory fetches. */

#define G_LOG_DOMAIN "yq-platform"

#include "config.h"

#include "yq-platform-private.h"

/**
 * yq_platform_error_code_of:
 * @error: an error
 *
 * Returns: the code to store with a failed item: the nick of a
 *   %YQ_PLATFORM_ERROR, `failed` for other errors
 */
const char *
yq_platform_error_code_of (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  return error->domain == YQ_PLATFORM_ERROR ? yq_platform_error_get_nick (error->code) : "failed";
}

/**
 * yq_platform_unique_recipients:
 * @recipients: (nullable) (array zero-terminated=1): account IDs
 *
 * Returns: (transfer container) (element-type utf8): @recipients without
 *   empty and repeated IDs, in their first order; the strings are
 *   @recipients' own
 */
GPtrArray *
yq_platform_unique_recipients (const char * const *recipients)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *unique = g_ptr_array_new ();

  for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++)
    if (*recipients[i] != '\0' && g_hash_table_add (seen, (gpointer) recipients[i]))
      g_ptr_array_add (unique, (gpointer) recipients[i]);

  return unique;
}

/**
 * yq_call_tally_note_error:
 * @tally: a tally
 * @error: a failure of one call
 *
 * Keeps @error if it is the first.
 */
void
yq_call_tally_note_error (YqCallTally  *tally,
                          const GError *error)
{
  g_return_if_fail (tally != NULL);
  g_return_if_fail (error != NULL);

  if (tally->first_error == NULL)
    tally->first_error = g_error_copy (error);
}

/**
 * yq_call_tally_return:
 * @tally: a tally whose calls are all done
 * @task: the operation's task
 * @result: (transfer full): the per-item result
 * @result_destroy: frees @result
 *
 * Returns the first error from @task when no item succeeded, @result
 * otherwise.
 */
void
yq_call_tally_return (YqCallTally    *tally,
                      GTask          *task,
                      gpointer        result,
                      GDestroyNotify  result_destroy)
{
  g_return_if_fail (tally != NULL);
  g_return_if_fail (G_IS_TASK (task));

  if (tally->n_ok == 0 && tally->first_error != NULL)
    {
      result_destroy (result);
      g_task_return_error (task, g_steal_pointer (&tally->first_error));
      return;
    }

  g_task_return_pointer (task, result, result_destroy);
}

void
yq_call_tally_clear (YqCallTally *tally)
{
  g_return_if_fail (tally != NULL);

  g_clear_error (&tally->first_error);
}

static void
forward_cancel_cb (GCancellable *user,
                   GCancellable *internal)
{
  g_cancellable_cancel (internal);
}

/**
 * yq_fetch_run_init:
 * @run: the run to set up
 * @cancellable: (nullable): the caller's cancellable
 * @progress: (nullable): called after every directory answer
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data with the run
 */
void
yq_fetch_run_init (YqFetchRun          *run,
                   GCancellable        *cancellable,
                   YqFetchProgressFunc  progress,
                   gpointer             progress_data,
                   GDestroyNotify       progress_destroy)
{
  g_return_if_fail (run != NULL);

  *run = (YqFetchRun) { 0 };
  run->cancellable = g_cancellable_new ();
  run->start_us = g_get_monotonic_time ();
  run->progress = progress;
  run->progress_data = progress_data;
  run->progress_destroy = progress_destroy;

  if (cancellable != NULL)
    {
      run->user_cancellable = g_object_ref (cancellable);
      run->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                   g_object_ref (run->cancellable),
                                                   g_object_unref);
    }
}

void
yq_fetch_run_clear (YqFetchRun *run)
{
  g_return_if_fail (run != NULL);

  if (run->user_cancel_id != 0)
    g_cancellable_disconnect (run->user_cancellable, run->user_cancel_id);
  run->user_cancel_id = 0;
  g_clear_object (&run->user_cancellable);
  g_clear_object (&run->cancellable);
  if (run->progress_destroy != NULL)
    run->progress_destroy (run->progress_data);
  run->progress_destroy = NULL;
  run->progress = NULL;
}

/**
 * yq_fetch_run_abort:
 * @run: a run
 *
 * Stops the calls still in flight, after the fetch failed.
 */
void
yq_fetch_run_abort (YqFetchRun *run)
{
  g_return_if_fail (run != NULL);

  g_cancellable_cancel (run->cancellable);
}

/**
 * yq_fetch_run_update:
 * @run: a run
 * @snapshot: the snapshot being filled
 *
 * Brings the counts of departments and people and the wall time up to date.
 */
void
yq_fetch_run_update (YqFetchRun    *run,
                     YqOrgSnapshot *snapshot)
{
  g_return_if_fail (run != NULL);
  g_return_if_fail (YQ_IS_ORG_SNAPSHOT (snapshot));

  run->stats.departments = yq_org_snapshot_get_n_departments (snapshot);
  run->stats.people = yq_org_snapshot_get_n_people (snapshot);
  run->stats.wall_time_us = g_get_monotonic_time () - run->start_us;
}

/**
 * yq_fetch_run_report:
 * @run: a run
 * @snapshot: the snapshot being filled
 *
 * Updates the counts and calls the progress callback.
 */
void
yq_fetch_run_report (YqFetchRun    *run,
                     YqOrgSnapshot *snapshot)
{
  yq_fetch_run_update (run, snapshot);
  if (run->progress != NULL)
    run->progress (&run->stats, run->progress_data);
}

/**
 * yq_platform_mark_read_only:
 * @msg: a request that changes nothing on the platform
 *
 * libsoup opens a new connection for every POST it may not resend; a read
 * can be resent, so marking it lets it reuse a kept-alive connection.
 */
void
yq_platform_mark_read_only (SoupMessage *msg)
{
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
}
