/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "yq-platform.h"

G_BEGIN_DECLS

gboolean yq_platform_parse_api_base (const char  *api_base,
                                     char       **base_url,
                                     char       **base_path,
                                     GError     **error);

/* ---- Helpers the platform clients share (yq-platform-util.c) ------------ */

const char *yq_platform_error_code_of        (const GError        *error);
GPtrArray  *yq_platform_unique_recipients    (const char * const  *recipients);

/**
 * YqCallTally:
 * @pending: calls (or holds) still outstanding
 * @n_ok: items that succeeded
 * @first_error: (nullable): the first failure
 *
 * The outcome of an operation made of several platform calls, such as a
 * notification sent in batches: it fails as a whole only when nothing
 * succeeded, and then with the first error; otherwise the failures are
 * reported per item.
 */
typedef struct
{
  guint   pending;
  guint   n_ok;
  GError *first_error;
} YqCallTally;

void        yq_call_tally_note_error         (YqCallTally         *tally,
                                              const GError        *error);
void        yq_call_tally_return             (YqCallTally         *tally,
                                              GTask               *task,
                                              gpointer             result,
                                              GDestroyNotify       result_destroy);
void        yq_call_tally_clear              (YqCallTally         *tally);

/**
 * YqFetchRun:
 * @cancellable: cancelled when the caller cancels, or by
 *   yq_fetch_run_abort(): pass it to every call of the fetch
 * @stats: the counts so far; the client keeps @stats.pages and
 *   @stats.api_calls up to date
 *
 * What every directory fetch carries: the link to the caller's
 * cancellable, the statistics and the progress callback.
 */
typedef struct
{
  GCancellable        *cancellable;
  YqFetchStats         stats;

  /*< private >*/
  GCancellable        *user_cancellable;
  gulong               user_cancel_id;
  gint64               start_us;
  YqFetchProgressFunc  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;
} YqFetchRun;

void        yq_fetch_run_init                (YqFetchRun          *run,
                                              GCancellable        *cancellable,
                                              YqFetchProgressFunc  progress,
                                              gpointer             progress_data,
                                              GDestroyNotify       progress_destroy);
void        yq_fetch_run_clear               (YqFetchRun          *run);
void        yq_fetch_run_abort               (YqFetchRun          *run);
void        yq_fetch_run_update              (YqFetchRun          *run,
                                              YqOrgSnapshot       *snapshot);
void        yq_fetch_run_report              (YqFetchRun          *run,
                                              YqOrgSnapshot       *snapshot);

void        yq_platform_mark_read_only       (SoupMessage         *msg);

G_END_DECLS
