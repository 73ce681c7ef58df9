/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * yq-screenshots OUTPUT.png
 * yq-screenshots --orgview OUTPUT.png
 * yq-screenshots --orgview-banner OUTPUT.png
 * yq-screenshots --apps OUTPUT.png
 * yq-screenshots --push OUTPUT.png
 * yq-screenshots --push-log OUTPUT.png
 *
 * Draws the connectors view with a connector's sync menu open next to the
 * jobs list (a running, a finished and a blocked job, and the next runs),
 * as the app shows them with a fake companion service on a private bus,
 * and saves both side by side. Needs an X server the size of the window,
 * ImageMagick, and xcompmgr for popovers with round corners:
 *
 *   xvfb-run -a -s "-screen 0 1000x800x24" BUILDDIR/tests/display/yq-screenshots jobs.png
 *   LANG=C.UTF-8 LANGUAGE=zh_CN xvfb-run -a -s "-screen 0 1000x800x24" \
 *     BUILDDIR/tests/display/yq-screenshots jobs-zh_CN.png
 *
 * With --orgview it draws the Organisation view instead, 1280×800, on a
 * comparison of the simulator's generated organisation (云之家 side)
 * against an OA copy with a few changes: a renamed and a moved department,
 * new and removed people and an updated mobile, the changes expanded and
 * the updated person's details shown. --orgview-banner draws the same with
 * a safety threshold crossed, so the banner shows. No service is needed:
 *
 *   xvfb-run -a -s "-screen 0 1280x800x24" BUILDDIR/tests/display/yq-screenshots \
 *     --orgview orgview.png
 *
 * With --apps it draws the Applications page, 1000×800: two connectors
 * with an app each (one opening an OA entry point, one a custom link), the
 * external address set, and the 浙政钉 connector's QR-code login on,
 * scrolled to the end where that connector is.
 *
 * With --push it draws the Message Push page's rules, 1000×800: three
 * rules (one disabled) over two connectors; --push-log its delivery log
 * after a few messages: delivered, pending, retrying, dead and unbound
 * deliveries.
 *
 * Chinese needs the catalogue in the build folder (meson compile yunqiao-gmo).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "yq-apps.h"
#include "yq-apps-view.h"
#include "yq-bindings.h"
#include "yq-bridge-directory.h"
#include "yq-connector-row.h"
#include "yq-comparison.h"
#include "yq-connectors-view.h"
#include "yq-display-test.h"
#include "yq-org-view.h"
#include "yq-planner.h"
#include "yq-push-inbox.h"
#include "yq-push-view.h"
#include "yq-settings-view.h"
#include "yq-sim-org.h"
#include "yq-window.h"
#include "yunqiao-core.h"

#define CHILD(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

#define WIDTH 1000
#define HEIGHT 800
#define ORG_WIDTH 1280
#define ORG_HEIGHT 800
#define ORG_PEOPLE 160
#define ORG_SEED 20240301

static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

  /* Long enough for the D-Bus replies, popover and page transitions and a
   * few frames. */
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
capture (const char *path)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "import", "-window", "root", path, NULL };

  settle ();
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("Cannot capture the screen: %s", error->message);
}

/* Without a compositing manager X draws the transparent corners and
 * shadows of popovers black. */
static GSubprocess *
start_compositor (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *compositor;

  if (g_find_program_in_path ("xcompmgr") == NULL)
    {
      g_printerr ("xcompmgr is not installed: popovers get black corners\n");
      return NULL;
    }

  compositor = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xcompmgr", NULL);
  if (compositor == NULL)
    g_printerr ("Cannot start xcompmgr: %s\n", error->message);

  return compositor;
}

static void
scroll_to_end (GtkWidget *page)
{
  for (GtkWidget *w = gtk_widget_get_first_child (page); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      if (GTK_IS_SCROLLED_WINDOW (w))
        {
          GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (w));

          gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                                gtk_adjustment_get_page_size (adjustment));
          return;
        }
    }
}

static gint64
add_connector (YqWindow          *window,
               YqConnectorPreset  preset,
               const char        *name,
               const char        *tenant,
               gboolean           readonly)
{
  g_autoptr(YqConnector) connector = yq_connector_new (preset);
  g_autoptr(GError) error = NULL;
  gboolean yzj;

  yzj = preset == YQ_CONNECTOR_PRESET_YZJ_PUBLIC || preset == YQ_CONNECTOR_PRESET_YZJ_PRIVATE;
  yq_connector_set_name (connector, name);
  yq_connector_set_tenant_id (connector, tenant);
  yq_connector_set_app_key (connector, "demo-app-key");
  yq_connector_set_directory_readonly (connector, readonly);
  if (!yq_connectors_save (yq_window_get_store (window), yq_window_get_secrets (window),
                           connector, "demo-app-secret", yzj ? "demo-directory-secret" : NULL,
                           &error))
    g_error ("%s", error->message);

  return yq_connector_get_id (connector);
}

static gint64
today_at (int hour,
          int minute)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) time = NULL;

  time = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                g_date_time_get_day_of_month (now), hour, minute, 0);
  return g_date_time_to_unix (time);
}

static void
add_jobs (YqFakeService *service,
          gint64         zwdd,
          gint64         yzj)
{
  YqDBusJob *job;

  job = yq_fake_service_add_job (service, zwdd, "浙江省政府（浙政钉）", "from-platform", FALSE);
  yq_dbus_job_set_started_at (job, today_at (9, 12));
  yq_dbus_job_set_finished_at (job, today_at (9, 14));
  yq_dbus_job_set_fraction (job, 1.0);
  yq_dbus_job_set_summary (job, "{\"counts\":{\"update-department\":2,\"create-person\":14,"
                                "\"update-person\":120},\"operations\":136,\"done\":136,"
                                "\"failed\":0,\"warnings\":[],\"more-warnings\":0}");
  yq_dbus_job_set_run_id (job, 41);
  yq_dbus_job_set_scheduled (job, TRUE);
  yq_dbus_job_set_state (job, "succeeded");

  job = yq_fake_service_add_job (service, yzj, "杭州市政府（云之家）", "to-platform", FALSE);
  yq_dbus_job_set_started_at (job, today_at (9, 20));
  yq_dbus_job_set_finished_at (job, today_at (9, 21));
  yq_dbus_job_set_error (job, "45 people would be removed from the platform, more than the "
                              "10 % a sync may remove without confirmation.");
  yq_dbus_job_set_needs_confirmation (job, TRUE);
  yq_dbus_job_set_state (job, "blocked");

  job = yq_fake_service_add_job (service, yzj, "杭州市政府（云之家）", "to-oa", FALSE);
  yq_dbus_job_set_started_at (job, today_at (9, 30));
  yq_dbus_job_set_fraction (job, 0.4);
  yq_dbus_job_set_step (job, _("Applying: 48 of 120 operations"));
  yq_dbus_job_set_state (job, "running");

  yq_fake_service_add_schedule (service, yzj, "杭州市政府（云之家）", "to-oa",
                                today_at (2, 0) + 24 * 3600, 24 * 3600);
  yq_fake_service_add_schedule (service, zwdd, "浙江省政府（浙政钉）", "from-platform",
                                today_at (12, 0), 6 * 3600);
  g_free (service->http);
  service->http = g_strdup ("listening");
}

/* The Organisation view scene ------------------------------------------- */

/* Xvfb puts the pointer in the middle of the screen, where it would show a
 * tooltip of the tree; xdotool, when there is one, moves it aside. */
static void
park_pointer (void)
{
  const char *argv[] = { "xdotool", "mousemove", "0", "0", NULL };
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  if (xdotool == NULL)
    {
      g_printerr ("xdotool is not installed: a tooltip may show\n");
      return;
    }

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
}

typedef struct
{
  YqOrgSnapshot *source;
  YqOrgSnapshot *target;
  YqSyncLinks   *links;
  GHashTable    *oa_ids;
  char          *updated_person;
} OrgScene;

static void
org_scene_clear (OrgScene *scene)
{
  g_clear_pointer (&scene->source, g_object_unref);
  g_clear_pointer (&scene->target, g_object_unref);
  g_clear_pointer (&scene->links, yq_sync_links_free);
  g_clear_pointer (&scene->oa_ids, g_hash_table_unref);
  g_clear_pointer (&scene->updated_person, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OrgScene, org_scene_clear)

static const char *
oa_id (OrgScene   *scene,
       const char *platform_id)
{
  return platform_id != NULL ? g_hash_table_lookup (scene->oa_ids, platform_id) : NULL;
}

/* A person the platform no longer has, still linked in the OA. */
static void
add_departed_person (OrgScene   *scene,
                     const char *name,
                     const char *mobile,
                     const char *department_id)
{
  g_autofree char *platform_id = g_strdup_printf ("departed-%s", mobile);
  YqOrgPerson *person = yq_org_person_new (mobile, name);

  person->account_code = g_strdup (mobile);
  person->mobile = g_strdup (mobile);
  g_strfreev (person->department_ids);
  person->department_ids = g_new0 (char *, 2);
  person->department_ids[0] = g_strdup (department_id);
  if (!yq_org_snapshot_add_person (scene->target, person))
    g_error ("Cannot add %s to the OA copy", name);
  yq_sync_links_add_person (scene->links, platform_id, mobile);
}

/* The OA as the last sync left it, linked to the platform, then changed:
 * the platform has since renamed one department, moved another, hired
 * people, lost two and given one a new mobile. */
static void
org_scene_build (OrgScene *scene)
{
  g_autoptr(YqSimOrg) org = yq_sim_org_generate (ORG_PEOPLE, ORG_SEED);
  const char *renamed = NULL;
  const char *moved = NULL;
  const char *moved_to = NULL;
  const char *root_id;
  guint n_departments;
  guint n_new = 0;

  scene->source = yq_sim_org_expected_snapshot (org, YQ_SIM_PLATFORM_YZJ);
  scene->target = yq_org_snapshot_new (NULL);
  scene->links = yq_sync_links_new ();
  scene->oa_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  root_id = yq_org_snapshot_get_root_id (scene->source);
  n_departments = yq_org_snapshot_get_n_departments (scene->source);

  for (guint i = 0; i < n_departments; i++)
    g_hash_table_insert (scene->oa_ids,
                         g_strdup (yq_org_snapshot_get_department (scene->source, i)->id),
                         g_strdup_printf ("%u", 1000 + i));

  /* A department under the top is renamed; one a level further down moves
   * to another department under the top. */
  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (scene->source, i);

      if (g_strcmp0 (dept->parent_id, root_id) == 0)
        {
          if (renamed == NULL)
            renamed = dept->id;
          else if (moved_to == NULL)
            moved_to = dept->id;
        }
      else if (dept->parent_id != NULL && moved == NULL &&
               g_strcmp0 (dept->parent_id, renamed) != 0)
        moved = dept->id;
    }
  if (renamed == NULL || moved == NULL || moved_to == NULL)
    g_error ("The generated organisation is too small for the scene");
  if (g_strcmp0 (yq_org_snapshot_lookup_department (scene->source, moved)->parent_id,
                 moved_to) == 0)
    moved_to = renamed;

  for (guint i = 0; i < n_departments; i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (scene->source, i);
      YqOrgDepartment *copy = yq_org_department_copy (dept);

      g_free (copy->id);
      copy->id = g_strdup (oa_id (scene, dept->id));
      g_free (copy->parent_id);
      copy->parent_id = g_strdup (oa_id (scene, g_str_equal (dept->id, moved) ? moved_to
                                                                             : dept->parent_id));
      if (g_str_equal (dept->id, renamed))
        {
          g_free (copy->name);
          copy->name = g_strconcat (dept->name, "（原）", NULL);
        }
      if (dept->parent_id == NULL)
        yq_org_snapshot_set_root_id (scene->target, copy->id);
      if (!yq_org_snapshot_add_department (scene->target, copy))
        g_error ("Cannot copy the department %s", dept->name);
      yq_sync_links_add_department (scene->links, dept->id, copy->id);
    }

  for (guint i = 0; i < yq_org_snapshot_get_n_people (scene->source); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (scene->source, i);
      YqOrgPerson *copy;

      /* New on the platform since the last sync. */
      if (person->active && i % 23 == 7 && n_new < 5)
        {
          n_new++;
          continue;
        }

      /* OA accounts are the mobiles, as the profile maps them. */
      copy = yq_org_person_copy (person);
      g_free (copy->id);
      copy->id = g_strdup (person->mobile);
      g_free (copy->account_code);
      copy->account_code = g_strdup (person->mobile);
      for (guint d = 0; copy->department_ids != NULL && copy->department_ids[d] != NULL; d++)
        {
          g_free (copy->department_ids[d]);
          copy->department_ids[d] = g_strdup (oa_id (scene, person->department_ids[d]));
        }
      /* The mobile changed on the platform. */
      if (scene->updated_person == NULL && i > 10 && person->active &&
          g_strcmp0 (person->department_ids[0], root_id) != 0)
        {
          g_free (copy->mobile);
          copy->mobile = g_strdup ("13705710000");
          scene->updated_person = g_strdup (person->name);
        }
      if (!yq_org_snapshot_add_person (scene->target, copy))
        g_error ("Cannot copy %s", person->name);
      yq_sync_links_add_person (scene->links, person->id, copy->id);
    }

  add_departed_person (scene, "赵志远", "13905710001", oa_id (scene, moved_to));
  add_departed_person (scene, "钱晓燕", "13905710002", oa_id (scene, renamed));
}

static YqComparison *
org_scene_compare (OrgScene *scene,
                   gboolean  threshold)
{
  g_autoptr(YqSyncProfile) profile = yq_sync_profile_new ();
  g_autoptr(YqPlan) plan = NULL;
  YqPlannerInput input = { 0 };

  profile->field_map[YQ_PERSON_FIELD_ACCOUNT_CODE] = YQ_PERSON_FIELD_MOBILE;
  /* A strict limit, crossed by the two who left. */
  if (threshold)
    profile->people_threshold = 1;

  input.source = scene->source;
  input.target = scene->target;
  input.links = scene->links;
  input.profile = profile;
  input.source_is_platform = TRUE;
  input.previous_people = -1;
  plan = yq_planner_plan (&input);

  return yq_comparison_new (&input, plan, YQ_COMPARISON_SIDE_PLATFORM, YQ_COMPARISON_SIDE_OA);
}

static void
draw_org_view (YqWindow   *window,
               gboolean    threshold,
               const char *output)
{
  YqOrgView *view = CHILD (window, YQ_TYPE_WINDOW, "org_view");
  g_auto(OrgScene) scene = { 0 };
  g_autoptr(YqComparison) comparison = NULL;
  gint64 connector;
  guint person = YQ_COMPARISON_NONE;

  connector = add_connector (window, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "杭州市政府（云之家）", "10109",
                             FALSE);
  org_scene_build (&scene);
  comparison = org_scene_compare (&scene, threshold);

  yq_window_show_view (window, "organisation");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (view)));
  yq_org_view_reload (view);
  if (!yq_org_view_select (view, connector, "to-oa"))
    g_error ("The Organisation view does not offer the connector");

  yq_org_view_set_comparison (view, comparison);
  gtk_toggle_button_set_active (CHILD (view, YQ_TYPE_ORG_VIEW, "only_changes_button"), TRUE);
  gtk_widget_activate_action (GTK_WIDGET (view), "org.expand-changes", NULL);

  for (guint i = 0; i < yq_comparison_get_n_nodes (comparison); i++)
    {
      const YqComparisonNode *node = yq_comparison_get_node (comparison, i);

      if (node->is_person && node->status == YQ_COMPARISON_UPDATED &&
          g_strcmp0 (node->name, scene.updated_person) == 0)
        person = i;
    }
  if (person == YQ_COMPARISON_NONE || !yq_org_view_select_node (view, person))
    g_error ("No updated person to select");

  park_pointer ();
  capture (output);
}

/* The Applications scene ------------------------------------------------- */

static gint64
add_app (YqWindow    *window,
         gint64       connector,
         const char  *name,
         const char  *app_key,
         const char  *client_id,
         gint64       entry_point,
         const char  *custom_url)
{
  g_autoptr(YqApp) app = yq_app_new ();
  g_autoptr(GError) error = NULL;
  gint64 id;

  app->connector_id = connector;
  app->name = g_strdup (name);
  app->app_key = g_strdup (app_key);
  app->client_id = g_strdup (client_id);
  app->target = custom_url != NULL ? YQ_APP_TARGET_CUSTOM : YQ_APP_TARGET_ENTRY_POINT;
  app->entry_point_id = entry_point;
  app->custom_url = g_strdup (custom_url);
  id = yq_apps_add (yq_window_get_store (window), yq_window_get_secrets (window), app,
                    "demo-app-secret", &error);
  if (id == 0)
    g_error ("%s", error->message);

  return id;
}

static void
draw_apps_view (YqWindow   *window,
                const char *output)
{
  YqStore *store = yq_window_get_store (window);
  YqAppsView *view = CHILD (window, YQ_TYPE_WINDOW, "apps_view");
  g_autoptr(GError) error = NULL;
  YqQrLogin qr_login = { 0, };
  gint64 zwdd;
  gint64 yzj;
  gint64 home;
  gint64 app;

  zwdd = add_connector (window, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙江省政府（浙政钉）", "196729",
                        TRUE);
  yzj = add_connector (window, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "杭州市政府（云之家）", "10109",
                       FALSE);
  if (!yq_settings_set (store, YQ_SETTING_EXTERNAL_ADDRESS, "https://bridge.example.gov.cn",
                        &error) ||
      (home = yq_entry_points_add (store, "OA 首页", "https://oa.example.gov.cn/portal",
                                   &error)) == 0 ||
      yq_entry_points_add (store, "待办中心", "https://oa.example.gov.cn/todo", &error) == 0)
    g_error ("%s", error->message);

  app = add_app (window, zwdd, "移动办公", "mobile-oa-zj", "mobile_oa_client", home, NULL);
  add_app (window, yzj, "OA 审批", "SP-20240301", NULL, 0,
           "https://oa.example.gov.cn/workflow/approvals");

  qr_login.connector_id = zwdd;
  qr_login.enabled = TRUE;
  qr_login.app_id = app;
  qr_login.ttl_seconds = YQ_QR_LOGIN_DEFAULT_TTL;
  if (!yq_qr_login_set (store, &qr_login, &error))
    g_error ("%s", error->message);

  yq_window_show_view (window, "apps");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (view)));
  yq_apps_view_reload (view);
  settle ();

  park_pointer ();
  capture (output);
}

/* The Message Push scene ------------------------------------------------- */

static void
add_push_target (YqPushRule *rule,
                 gint64      connector,
                 gboolean    yzj,
                 gint64      app,
                 YqPushKind  kind)
{
  YqPushTarget *target = yq_push_target_new ();

  target->connector_id = connector;
  target->app_id = yzj ? app : 0;
  target->kind = kind;
  if (yzj && kind == YQ_PUSH_KIND_NOTIFICATION)
    {
      target->yzj_pub_id = g_strdup ("XT-7f3a2c10-demo");
      target->yzj_pub_key = g_strdup ("demo-public-account-key");
    }
  g_ptr_array_add (rule->targets, target);
}

static void
add_push_rule (YqStore    *store,
               YqSecrets  *secrets,
               const char *name,
               const char *source,
               gboolean    enabled,
               gint64      zwdd,
               YqPushKind  zwdd_kind,
               gint64      yzj,
               gint64      app,
               YqPushKind  yzj_kind)
{
  g_autoptr(YqPushRule) rule = yq_push_rule_new ();
  g_autoptr(GError) error = NULL;

  rule->name = g_strdup (name);
  rule->source = g_strdup (source);
  rule->enabled = enabled;
  if (zwdd != 0)
    add_push_target (rule, zwdd, FALSE, 0, zwdd_kind);
  if (yzj != 0)
    add_push_target (rule, yzj, TRUE, app, yzj_kind);

  if (!yq_push_rules_save (store, secrets, rule, &error))
    g_error ("%s", error->message);
}

static void
bind_person (YqStore    *store,
             gint64      connector,
             const char *platform_id,
             const char *name,
             const char *oa_account)
{
  g_autoptr(YqOrgPerson) person = yq_org_person_new (platform_id, name);
  g_autoptr(YqBindingResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_strfreev (person->department_ids);
  person->department_ids = g_strsplit ("d1", ",", -1);
  person->account_id = g_strdup_printf ("acc-%s", platform_id);
  person->active = TRUE;
  if (!yq_bridge_directory_put_person (store, connector, person, &error) ||
      (result = yq_bindings_bind (store, connector, platform_id, oa_account, &error)) == NULL)
    g_error ("%s", error->message);
}

static void
send_message (YqStore    *store,
              const char *key,
              const char *source,
              YqPushEvent event,
              const char *title,
              const char *recipients)
{
  g_autoptr(YqPushMessage) message = yq_push_message_new ();
  g_autoptr(YqPushIntake) intake = NULL;
  g_autoptr(GError) error = NULL;

  message->idempotency_key = g_strdup (key);
  message->source = g_strdup (source);
  message->event = event;
  message->title = g_strdup (title);
  message->content = g_strdup (title);
  if (event == YQ_PUSH_EVENT_TODO)
    message->url = g_strdup ("https://oa.example.gov.cn/workflow/view?id=1024");
  message->recipients = g_strsplit (recipients, ",", -1);
  intake = yq_push_inbox_accept (store, 0, message, 0, g_get_real_time () / G_USEC_PER_SEC,
                                 &error);
  if (intake == NULL)
    g_error ("%s", error->message);
}

/* Sends what is due: one dead and one failing delivery, the rest
 * delivered. */
static void
dispatch_all (YqStore *store)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  for (;;)
    {
      g_autoptr(YqDeliveryBatch) batch = NULL;
      g_autoptr(GArray) outcomes = g_array_new (FALSE, TRUE, sizeof (YqDeliveryOutcome));

      batch = yq_push_deliveries_claim (store, g_get_real_time () / 1000, 100, NULL, &error);
      if (batch == NULL)
        break;

      for (guint i = 0; i < batch->deliveries->len; i++, n++)
        {
          YqDelivery *delivery = g_ptr_array_index (batch->deliveries, i);
          YqDeliveryOutcome outcome = { delivery->id, TRUE, NULL, NULL, FALSE };

          if (delivery->kind == YQ_PUSH_KIND_TODO)
            outcome.platform_ref = "task-20261203-0042";
          if (n == 1)
            {
              outcome.delivered = FALSE;
              outcome.error = "errcode 33012: 用户不在应用可见范围内";
              outcome.final = TRUE;
            }
          else if (n == 3)
            {
              outcome.delivered = FALSE;
              outcome.error = "HTTP 503 Service Unavailable from the platform";
            }
          g_array_append_val (outcomes, outcome);
        }

      if (!yq_push_deliveries_finish (store, (YqDeliveryOutcome *) outcomes->data, outcomes->len,
                                      g_get_real_time () / G_USEC_PER_SEC, &error))
        g_error ("%s", error->message);
    }

  if (error != NULL)
    g_error ("%s", error->message);
}

static void
draw_push_view (YqWindow   *window,
                gboolean    log,
                const char *output)
{
  YqStore *store = yq_window_get_store (window);
  YqSecrets *secrets = yq_window_get_secrets (window);
  YqPushView *view = CHILD (window, YQ_TYPE_WINDOW, "push_view");
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 token_id = 0;
  gint64 zwdd;
  gint64 yzj;
  gint64 app;

  zwdd = add_connector (window, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙江省政府（浙政钉）", "196729",
                        TRUE);
  yzj = add_connector (window, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "杭州市政府（云之家）", "10109",
                       FALSE);
  if (!yq_settings_set (store, YQ_SETTING_EXTERNAL_ADDRESS, "https://bridge.example.gov.cn",
                        &error))
    g_error ("%s", error->message);
  app = add_app (window, yzj, "OA 审批", "SP-20240301", NULL, 0,
                 "https://oa.example.gov.cn/workflow/approvals");

  add_push_rule (store, secrets, "审批待办", "审批", TRUE,
                 zwdd, YQ_PUSH_KIND_TODO, yzj, app, YQ_PUSH_KIND_TODO);
  add_push_rule (store, secrets, "日报提醒", "日报", TRUE,
                 0, 0, yzj, app, YQ_PUSH_KIND_NOTIFICATION);
  add_push_rule (store, secrets, "考勤通知（试运行）", "考勤", FALSE,
                 zwdd, YQ_PUSH_KIND_NOTIFICATION, yzj, app, YQ_PUSH_KIND_NOTIFICATION);
  add_push_rule (store, secrets, "全部模块", NULL, TRUE,
                 zwdd, YQ_PUSH_KIND_NOTIFICATION, 0, 0, 0);

  bind_person (store, zwdd, "E1001", "张伟", "zhangwei");
  bind_person (store, zwdd, "E1002", "李娜", "lina");
  bind_person (store, zwdd, "E1003", "王芳", "wangfang");
  bind_person (store, yzj, "open-1001", "张伟", "zhangwei");
  bind_person (store, yzj, "open-1002", "李娜", "lina");

  send_message (store, "oa-wf-1024", "审批", YQ_PUSH_EVENT_TODO, "请审批：2026 年度办公设备采购",
                "zhangwei,lina,wangfang");
  send_message (store, "oa-daily-0917", "日报", YQ_PUSH_EVENT_NOTIFICATION,
                "今日日报已提交：信息中心", "zhangwei,lina");
  dispatch_all (store);
  send_message (store, "oa-wf-1025", "审批", YQ_PUSH_EVENT_TODO, "请审批：差旅报销（王芳）",
                "lina,chenjie");

  token = yq_push_tokens_create (store, "泛微 OA 生产环境", &token_id, &error);
  if (token == NULL ||
      yq_push_tokens_create (store, "OA 测试环境", &token_id, &error) == NULL ||
      !yq_push_tokens_revoke (store, token_id, &error))
    g_error ("%s", error->message);

  yq_window_show_view (window, "push");
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (view)));
  yq_push_view_show_page (view, log ? "log" : "rules");
  yq_push_view_reload (view);
  settle ();

  park_pointer ();
  capture (output);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;
  g_autoptr(GSubprocess) compositor = NULL;
  g_autoptr(GError) error = NULL;
  GTestDBus *bus;
  YqConnectorsView *connectors_view;
  YqSettingsView *settings_view;
  YqFakeService *service;
  GtkMenuButton *menu_button;
  g_autofree char *data_dir = NULL;
  g_autofree char *tmp_dir = NULL;
  GtkListBoxRow *row;
  YqWindow *window;
  gint64 zwdd;
  gint64 yzj;
  int status = 0;
  gboolean org_scene = FALSE;
  gboolean org_banner = FALSE;
  gboolean apps_scene = FALSE;
  gboolean push_scene = FALSE;
  gboolean push_log = FALSE;
  const char *output;

  if (argc == 3 && g_str_equal (argv[1], "--orgview"))
    org_scene = TRUE;
  else if (argc == 3 && g_str_equal (argv[1], "--orgview-banner"))
    org_scene = org_banner = TRUE;
  else if (argc == 3 && g_str_equal (argv[1], "--apps"))
    apps_scene = TRUE;
  else if (argc == 3 && g_str_equal (argv[1], "--push"))
    push_scene = TRUE;
  else if (argc == 3 && g_str_equal (argv[1], "--push-log"))
    push_scene = push_log = TRUE;
  else if (argc != 2)
    {
      g_printerr ("Usage: %s [--orgview | --orgview-banner | --apps | --push | --push-log] "
                  "OUTPUT.png\n", argv[0]);
      return 2;
    }
  output = argv[argc - 1];

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, YQ_TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("YUNQIAO_SECRETS", "file", TRUE);
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  gtk_init ();
  adw_init ();
  compositor = start_compositor ();
  settle ();

  /* What the application loads from its resource base path. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  tmp_dir = g_dir_make_tmp ("yunqiao-screenshots-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_setenv ("YUNQIAO_DATA_DIR", data_dir, TRUE);

  window = yq_window_new (NULL, data_dir);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window),
                               org_scene ? ORG_WIDTH : WIDTH, org_scene ? ORG_HEIGHT : HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  YQ_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)));

  if (org_scene || apps_scene || push_scene)
    {
      if (push_scene)
        draw_push_view (window, push_log, output);
      else if (apps_scene)
        draw_apps_view (window, output);
      else
        draw_org_view (window, org_banner, output);

      gtk_window_destroy (GTK_WINDOW (window));
      g_object_unref (window);
      if (compositor != NULL)
        g_subprocess_force_exit (compositor);
      g_test_dbus_stop (bus);
      yq_test_remove_data_dir (g_steal_pointer (&data_dir));
      g_rmdir (tmp_dir);

      return 0;
    }

  connectors_view = CHILD (window, YQ_TYPE_WINDOW, "connectors_view");
  settings_view = CHILD (window, YQ_TYPE_WINDOW, "settings_view");
  yzj = add_connector (window, YQ_CONNECTOR_PRESET_YZJ_PUBLIC, "杭州市政府（云之家）", "10109",
                       FALSE);
  zwdd = add_connector (window, YQ_CONNECTOR_PRESET_ZWDD_ZJ, "浙江省政府（浙政钉）", "196729",
                        TRUE);
  yq_connectors_view_reload (connectors_view);

  service = yq_fake_service_start ();
  add_jobs (service, zwdd, yzj);

  /* The 云之家 row, with every direction in its menu. */
  row = gtk_list_box_get_row_at_index (CHILD (connectors_view, YQ_TYPE_CONNECTORS_VIEW,
                                              "list_box"), 0);
  g_assert_true (yq_connector_get_id (yq_connector_row_get_connector (YQ_CONNECTOR_ROW (row)))
                 == yzj);
  menu_button = CHILD (row, YQ_TYPE_CONNECTOR_ROW, "sync_button");
  gtk_menu_button_popup (menu_button);
  left = g_build_filename (tmp_dir, "connectors.png", NULL);
  capture (left);
  gtk_menu_button_popdown (menu_button);

  yq_window_show_view (window, "settings");
  yq_settings_view_refresh_service (settings_view);
  settle ();
  scroll_to_end (CHILD (settings_view, YQ_TYPE_SETTINGS_VIEW, "page"));
  right = g_build_filename (tmp_dir, "jobs.png", NULL);
  capture (right);

  {
    const char *convert[] = { "convert", left, right, "+append", output, NULL };

    if (!g_spawn_sync (NULL, (char **) convert, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                       NULL, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      g_error ("Cannot join the screenshots: %s", error->message);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  yq_fake_service_stop (service);
  if (compositor != NULL)
    g_subprocess_force_exit (compositor);
  /* Not the last unref, which waits for every user of the session bus
   * connection; libadwaita keeps one until the process exits. */
  g_test_dbus_stop (bus);

  g_unlink (left);
  g_unlink (right);
  yq_test_remove_data_dir (g_steal_pointer (&data_dir));
  g_rmdir (tmp_dir);

  return 0;
}
