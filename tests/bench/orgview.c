/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Organisation view benchmark (needs a display: meson runs it under
 * xvfb-run).
 *
 * Plans the benchmark organisation (yq-bench-org.h: 100,000 people in
 * 10,000 departments, 1 % changed), then times what an administrator waits
 * for once the plan is ready: the comparison built and saved as the
 * service does it, loaded by the organisation view in its worker thread
 * and drawn. Each figure ends when the window has painted the result.
 *
 *   BENCH orgview_first_frame <s> s     plan ready → first frame of the tree
 *                                       (target 1.5 s)
 *   BENCH orgview_expand_changes <s> s  "Expand changes" → frame
 *   BENCH orgview_filter_new <s> s      the "new" count clicked → frame
 *   BENCH orgview_search <s> s          a search by job number → frame
 *   BENCH orgview_scroll_frame_max <ms> ms  the slowest of 60 page-down
 *                                       scrolls through the expanded tree
 *   BENCH orgview_rows <n> rows         rows of the expanded tree
 *   BENCH orgview_rss <MB> MB           peak RSS of the process
 *
 * Environment: YQ_BENCH_PEOPLE (100000), YQ_BENCH_DEPARTMENTS (10000);
 * YQ_BENCH_STRICT=1 makes a missed target fatal.
 */

#include "config.h"

#include <stdio.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "yq-bench-org.h"
#include "yq-comparison.h"
#include "yq-org-view.h"

#define FIRST_FRAME_TARGET_S 1.5

static gboolean painted;
static gboolean loaded;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  painted = TRUE;
}

static void
iterate_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

/* Waits until the window has painted a frame that started after now. */
static void
wait_for_frame (GtkWidget *window)
{
  painted = FALSE;
  gtk_widget_queue_draw (window);
  iterate_until (&painted);
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!yq_org_view_load_comparison_finish (YQ_ORG_VIEW (source), result, &error))
    g_error ("The comparison did not load: %s", error->message);
  loaded = TRUE;
}

static GtkScrolledWindow *
find_scrolled_window (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found;

      if (GTK_IS_SCROLLED_WINDOW (child) &&
          GTK_IS_COLUMN_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (child))))
        return GTK_SCROLLED_WINDOW (child);
      found = find_scrolled_window (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  guint n_people = yq_bench_env_uint ("YQ_BENCH_PEOPLE", 100, 100000);
  guint n_departments = yq_bench_env_uint ("YQ_BENCH_DEPARTMENTS", 100, 10000);
  gboolean strict = g_strcmp0 (g_getenv ("YQ_BENCH_STRICT"), "1") == 0;
  g_autoptr(YqSyncLinks) links = yq_sync_links_new ();
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqOrgSnapshot) target = NULL;
  g_autoptr(YqOrgSnapshot) source = NULL;
  g_autoptr(YqPlan) plan = NULL;
  g_autoptr(YqComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  YqPlannerInput input = { 0 };
  YqBenchOrg org;
  GtkWidget *window;
  YqOrgView *view;
  YqOrgModel *model;
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;
  GtkToggleButton *new_button;
  GdkFrameClock *clock;
  double first_frame_s, expand_s, filter_s, search_s, scroll_max_ms = 0;
  guint n_rows;
  gint64 start;

  gtk_init ();
  adw_init ();

  yq_bench_org_init (&org, n_people, n_departments);
  target = yq_bench_org_build_target (&org, links);
  source = yq_bench_org_build_source (&org);
  profile->people_threshold = (gint) org.n_people_changes;
  input.source = source;
  input.target = target;
  input.links = links;
  input.profile = profile;
  input.source_is_platform = FALSE;
  input.previous_people = -1;
  plan = yq_planner_plan (&input);

  dir = g_dir_make_tmp ("yq-bench-orgview-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "comparison.gvariant", NULL);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  view = g_object_new (YQ_TYPE_ORG_VIEW, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  wait_for_frame (window);

  /* The plan is ready: what the service and the view do from here on. */
  start = g_get_monotonic_time ();
  comparison = yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_OA,
                                  YQ_COMPARISON_SIDE_PLATFORM);
  if (!yq_comparison_save (comparison, path, &error))
    g_error ("The comparison was not saved: %s", error->message);
  yq_org_view_load_comparison_async (view, path, NULL, loaded_cb, NULL);
  iterate_until (&loaded);
  wait_for_frame (window);
  first_frame_s = seconds_since (start);

  model = yq_org_view_get_model (view);
  printf ("comparison: %u nodes\n", yq_comparison_get_n_nodes (comparison));

  start = g_get_monotonic_time ();
  yq_org_model_expand_changes (model);
  wait_for_frame (window);
  expand_s = seconds_since (start);
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (yq_org_model_get_tree (model)));

  /* Scrolling through the expanded tree, a page at a time. */
  scrolled = find_scrolled_window (GTK_WIDGET (view));
  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  for (guint i = 0; i < 60; i++)
    {
      double frame_ms;

      start = g_get_monotonic_time ();
      gtk_adjustment_set_value (adjustment,
                                gtk_adjustment_get_value (adjustment) +
                                gtk_adjustment_get_page_size (adjustment));
      wait_for_frame (window);
      frame_ms = seconds_since (start) * 1000.0;
      scroll_max_ms = MAX (scroll_max_ms, frame_ms);
    }

  new_button = yq_org_view_get_status_button (view, YQ_COMPARISON_NEW);
  g_assert_nonnull (new_button);
  start = g_get_monotonic_time ();
  gtk_toggle_button_set_active (new_button, TRUE);
  wait_for_frame (window);
  filter_s = seconds_since (start);
  gtk_toggle_button_set_active (new_button, FALSE);
  wait_for_frame (window);

  start = g_get_monotonic_time ();
  yq_org_model_set_search (model, "J000777");
  wait_for_frame (window);
  search_s = seconds_since (start);
  if (yq_org_model_get_n_matches (model) == 0)
    g_error ("The search by job number found nothing");

  printf ("BENCH orgview_first_frame %.3f s\n", first_frame_s);
  printf ("BENCH orgview_expand_changes %.3f s\n", expand_s);
  printf ("BENCH orgview_filter_new %.3f s\n", filter_s);
  printf ("BENCH orgview_search %.3f s\n", search_s);
  printf ("BENCH orgview_scroll_frame_max %.1f ms\n", scroll_max_ms);
  printf ("BENCH orgview_rows %u rows\n", n_rows);
  printf ("BENCH orgview_rss %.1f MB\n", yq_bench_peak_rss_mb ());

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
  yq_bench_org_clear (&org);

  if (first_frame_s > FIRST_FRAME_TARGET_S)
    {
      printf ("orgview target MISSED (orgview_first_frame ≤ %.1f s)\n", FIRST_FRAME_TARGET_S);
      return strict ? 1 : 0;
    }

  printf ("orgview target met (orgview_first_frame ≤ %.1f s)\n", FIRST_FRAME_TARGET_S);
  return 0;
}
