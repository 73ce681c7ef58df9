/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The admin API under /_sim/, for tests, benchmarks and the demo. It is
 * plain JSON, never counted, delayed or failed by the fault settings.
 *
 *   GET    /_sim/health                     {"ok":true,"port":…,"loginPort":…}
 *   GET    /_sim/info                       tenant identifiers (no secrets) and org size
 *   GET    /_sim/records[?kind=K]           {"records":[…]}; K exact ("yzj.todo") or a
 *                                           prefix ("yzj")
 *   DELETE /_sim/records                    forget records, todos, used bizMsgIds, replays
 *   GET    /_sim/counters                   {"total","throttled","injected_errors",
 *                                            "malformed","endpoints":{path:n}}
 *   DELETE /_sim/counters                   reset them
 *   GET    /_sim/faults                     current fault settings
 *   PUT    /_sim/faults                     change some of latency_ms, error_rate, qps_limit,
 *                                           token_ttl, malformed_rate, seed,
 *                                           zwdd_gateway_status, zwdd_strict_nonce
 *   POST   /_sim/tokens/expire              invalidate every issued token (both platforms)
 *   GET    /_sim/org                        {"seed","serial","people","departments","root":dept}
 *   GET    /_sim/org/department?id=ID       one department (ID: organizationCode, orgId or #index)
 *   GET    /_sim/org/person?id=ID           one person (ID: employeeCode, openId, accountId,
 *                                           mobile or #index)
 *   GET    /_sim/org/find?name=N            departments and people named N
 *   POST   /_sim/org/department/add         {"parent":ID,"name":…,"order"?:n}
 *   POST   /_sim/org/department/rename      {"id":ID,"name":…}
 *   POST   /_sim/org/department/move        {"id":ID,"parent":ID}
 *   POST   /_sim/org/department/order       {"id":ID,"order":n}
 *   POST   /_sim/org/department/delete      {"id":ID}
 *   POST   /_sim/org/person/add             {"name","mobile","departments":[ID…],"title"?,
 *                                            "jobNumber"?,"email"?}
 *   POST   /_sim/org/person/update          {"id":ID, any of "name","mobile","email",
 *                                            "jobNumber","title","order","status"
 *                                            ("normal"|"disabled"|"cancelled"),
 *                                            "departments":[ID…]}
 *   POST   /_sim/org/person/delete          {"id":ID}
 *   GET    /_sim/snapshot?kind=zwdd|yzj     the snapshot a faithful client should produce
 *   POST   /_sim/zwdd/auth-code             {"person":ID} → {"authCode":…}
 *   POST   /_sim/zwdd/scope                 {"departments":[ID…]} ([] = whole organisation)
 *   POST   /_sim/yzj/ticket                 {"person":ID,"appId"?} → {"ticket":…}
 *   POST   /_sim/yzj/callback               {"url":…} registers the change-event URL
 *   POST   /_sim/yzj/approve                {"person":ID,"sourceIds":[…],"appId"?} → the
 *                                           OA's reply to the signed passUrl callback
 *
 * Errors answer 400 or 404 with {"error":"…"}. Department and person
 * objects carry the identifiers of both platforms.
 */

#define G_LOG_DOMAIN "yq-sim-admin"

#include "config.h"

#include <string.h>

#include "yq-sim-admin.h"
#include "yq-sim-yzj.h"
#include "yq-sim-zwdd.h"

typedef struct
{
  YqSimServer  *server;
  YqSimRequest *req;
  YqSimOrg     *org;
  JsonNode     *body;
  JsonObject   *args;
} Admin;

static void
respond_error (Admin      *admin,
               guint       status,
               const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "error", message);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, status, builder);
}

static void
respond_ok (Admin *admin)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "ok", TRUE);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
add_department (Admin           *admin,
                JsonBuilder     *builder,
                YqSimDepartment *dept)
{
  g_autofree char *long_name = yq_sim_org_get_long_name (admin->org, dept);
  YqSimDepartment *parent = NULL;
  GArray *children = yq_sim_org_get_children (admin->org, dept);

  if (dept->parent >= 0)
    parent = yq_sim_org_get_department (admin->org, (guint) dept->parent);

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "index", dept->index);
  yq_sim_json_add_string (builder, "name", dept->name);
  yq_sim_json_add_string (builder, "longName", long_name);
  yq_sim_json_add_string (builder, "zwdd", dept->zwdd_code);
  yq_sim_json_add_string (builder, "yzj", dept->yzj_id);
  yq_sim_json_add_string (builder, "parentZwdd", parent ? parent->zwdd_code : NULL);
  yq_sim_json_add_string (builder, "parentYzj", parent ? parent->yzj_id : NULL);
  yq_sim_json_add_int (builder, "order", dept->order);
  yq_sim_json_add_int (builder, "depth", dept->depth);
  yq_sim_json_add_int (builder, "members", yq_sim_org_get_members (admin->org, dept)->len);
  json_builder_set_member_name (builder, "children");
  json_builder_begin_array (builder);
  for (guint i = 0; i < children->len; i++)
    {
      guint index = g_array_index (children, guint, i);
      YqSimDepartment *child = yq_sim_org_get_department (admin->org, index);

      json_builder_add_string_value (builder, child->yzj_id);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static const char *
status_name (YqSimStatus status)
{
  switch (status)
    {
    case YQ_SIM_STATUS_NORMAL:
      return "normal";
    case YQ_SIM_STATUS_DISABLED:
      return "disabled";
    case YQ_SIM_STATUS_CANCELLED:
    default:
      return "cancelled";
    }
}

static void
add_person (Admin       *admin,
            JsonBuilder *builder,
            YqSimPerson *person)
{
  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "index", person->index);
  yq_sim_json_add_string (builder, "name", person->name);
  yq_sim_json_add_string (builder, "mobile", person->mobile);
  yq_sim_json_add_string (builder, "email", person->email);
  yq_sim_json_add_string (builder, "jobNumber", person->job_number);
  yq_sim_json_add_string (builder, "title", person->title);
  yq_sim_json_add_string (builder, "status", status_name (person->status));
  yq_sim_json_add_int (builder, "order", person->order);
  yq_sim_json_add_string (builder, "employeeCode", person->employee_code);
  yq_sim_json_add_string (builder, "accountId", person->account_id_str);
  yq_sim_json_add_string (builder, "accountCode", person->account_code);
  yq_sim_json_add_string (builder, "openId", person->open_id);
  json_builder_set_member_name (builder, "departments");
  json_builder_begin_array (builder);
  for (guint k = 0; k < person->n_departments; k++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (admin->org, person->departments[k]);

      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "name", dept->name);
      yq_sim_json_add_string (builder, "zwdd", dept->zwdd_code);
      yq_sim_json_add_string (builder, "yzj", dept->yzj_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
respond_department (Admin           *admin,
                    YqSimDepartment *dept)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  add_department (admin, builder, dept);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
respond_person (Admin       *admin,
                YqSimPerson *person)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  add_person (admin, builder, person);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static YqSimDepartment *
arg_department (Admin      *admin,
                const char *name)
{
  const char *id = yq_sim_json_get_string (admin->args, name);
  YqSimDepartment *dept = yq_sim_org_find_department (admin->org, id);

  if (dept == NULL)
    {
      g_autofree char *message = g_strdup_printf ("no department “%s”", id ? id : "");

      respond_error (admin, 404, message);
    }

  return dept;
}

static YqSimPerson *
arg_person (Admin      *admin,
            const char *name)
{
  const char *id = yq_sim_json_get_string (admin->args, name);
  YqSimPerson *person = yq_sim_org_find_person (admin->org, id);

  if (person == NULL)
    {
      g_autofree char *message = g_strdup_printf ("no person “%s”", id ? id : "");

      respond_error (admin, 404, message);
    }

  return person;
}

/* Department IDs of a JSON array member, as table indexes. */
static GArray *
arg_departments (Admin      *admin,
                 const char *name)
{
  JsonNode *node = admin->args ? json_object_get_member (admin->args, name) : NULL;
  g_autoptr(GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *message = g_strdup_printf ("“%s” must be an array of department IDs", name);

      respond_error (admin, 400, message);
      return NULL;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *id = yq_sim_json_node_string (json_array_get_element (array, i));
      YqSimDepartment *dept = yq_sim_org_find_department (admin->org, id);

      if (dept == NULL)
        {
          g_autofree char *message = g_strdup_printf ("no department “%s”", id ? id : "");

          respond_error (admin, 404, message);
          return NULL;
        }
      g_array_append_val (indexes, dept->index);
    }

  return g_steal_pointer (&indexes);
}

static gboolean
edit_failed (Admin  *admin,
             GError *error)
{
  if (error == NULL)
    return FALSE;

  respond_error (admin, error->code == YQ_SIM_ORG_ERROR_NOT_FOUND ? 404 : 400, error->message);

  return TRUE;
}

/* Org -------------------------------------------------------------------------- */

static void
org_summary (Admin *admin)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "seed", (gint64) yq_sim_org_get_seed (admin->org));
  yq_sim_json_add_int (builder, "serial", (gint64) yq_sim_org_get_serial (admin->org));
  yq_sim_json_add_int (builder, "people", yq_sim_org_count_people (admin->org));
  yq_sim_json_add_int (builder, "departments", yq_sim_org_count_departments (admin->org));
  json_builder_set_member_name (builder, "root");
  add_department (admin, builder, yq_sim_org_get_root (admin->org));
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
org_find (Admin *admin)
{
  const char *name = yq_sim_params_get (admin->req->query, "name");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint found = 0;

  if (name == NULL || *name == '\0')
    {
      respond_error (admin, 400, "name is required");
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "departments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_sim_org_get_department_slots (admin->org) && found < 200; i++)
    {
      YqSimDepartment *dept = yq_sim_org_get_department (admin->org, i);

      if (!dept->deleted && g_str_equal (dept->name, name))
        {
          add_department (admin, builder, dept);
          found++;
        }
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  found = 0;
  for (guint i = 0; i < yq_sim_org_get_person_slots (admin->org) && found < 200; i++)
    {
      YqSimPerson *person = yq_sim_org_get_person (admin->org, i);

      if (!person->deleted && g_str_equal (person->name, name))
        {
          add_person (admin, builder, person);
          found++;
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
department_add (Admin *admin)
{
  YqSimDepartment *parent = arg_department (admin, "parent");
  gint64 order = -1;
  g_autoptr(GError) error = NULL;
  YqSimDepartment *dept;

  if (parent == NULL)
    return;

  yq_sim_json_get_int (admin->args, "order", &order);
  dept = yq_sim_org_add_department (admin->org, parent,
                                    yq_sim_json_get_string (admin->args, "name"), order, &error);
  if (!edit_failed (admin, error))
    respond_department (admin, dept);
}

static void
department_rename (Admin *admin)
{
  YqSimDepartment *dept = arg_department (admin, "id");
  g_autoptr(GError) error = NULL;

  if (dept == NULL)
    return;

  yq_sim_org_rename_department (admin->org, dept,
                                yq_sim_json_get_string (admin->args, "name"), &error);
  if (!edit_failed (admin, error))
    respond_department (admin, dept);
}

static void
department_move (Admin *admin)
{
  YqSimDepartment *dept, *parent;
  g_autoptr(GError) error = NULL;

  if ((dept = arg_department (admin, "id")) == NULL ||
      (parent = arg_department (admin, "parent")) == NULL)
    return;

  yq_sim_org_move_department (admin->org, dept, parent, &error);
  if (!edit_failed (admin, error))
    respond_department (admin, dept);
}

static void
department_order (Admin *admin)
{
  YqSimDepartment *dept = arg_department (admin, "id");
  gint64 order;

  if (dept == NULL)
    return;

  if (!yq_sim_json_get_int (admin->args, "order", &order))
    {
      respond_error (admin, 400, "order must be a number");
      return;
    }

  yq_sim_org_set_department_order (admin->org, dept, order);
  respond_department (admin, dept);
}

static void
department_delete (Admin *admin)
{
  YqSimDepartment *dept = arg_department (admin, "id");
  g_autoptr(GError) error = NULL;

  if (dept == NULL)
    return;

  yq_sim_org_delete_department (admin->org, dept, &error);
  if (!edit_failed (admin, error))
    respond_ok (admin);
}

static void
person_add (Admin *admin)
{
  g_autoptr(GArray) departments = arg_departments (admin, "departments");
  g_autoptr(GError) error = NULL;
  YqSimPerson *person;

  if (departments == NULL)
    return;

  person = yq_sim_org_add_person (admin->org, yq_sim_json_get_string (admin->args, "name"),
                                  yq_sim_json_get_string (admin->args, "mobile"),
                                  (guint *) departments->data, departments->len, &error);
  if (edit_failed (admin, error))
    return;

  yq_sim_org_set_person_text (admin->org, person, NULL,
                              yq_sim_json_get_string (admin->args, "email"),
                              yq_sim_json_get_string (admin->args, "jobNumber"),
                              yq_sim_json_get_string (admin->args, "title"));
  respond_person (admin, person);
}

static void
person_update (Admin *admin)
{
  YqSimPerson *person = arg_person (admin, "id");
  const char *mobile, *status;
  gint64 order;
  g_autoptr(GError) error = NULL;

  if (person == NULL)
    return;

  if (admin->args == NULL)
    {
      respond_error (admin, 400, "the body must be a JSON object");
      return;
    }

  status = yq_sim_json_get_string (admin->args, "status");
  if (status != NULL && !g_str_equal (status, "normal") && !g_str_equal (status, "disabled") &&
      !g_str_equal (status, "cancelled"))
    {
      respond_error (admin, 400, "status must be normal, disabled or cancelled");
      return;
    }

  mobile = yq_sim_json_get_string (admin->args, "mobile");
  if (mobile != NULL && !yq_sim_org_set_person_mobile (admin->org, person, mobile, &error))
    {
      edit_failed (admin, error);
      return;
    }

  if (json_object_has_member (admin->args, "departments"))
    {
      g_autoptr(GArray) departments = arg_departments (admin, "departments");

      if (departments == NULL)
        return;
      if (!yq_sim_org_set_person_departments (admin->org, person, (guint *) departments->data,
                                              departments->len, &error))
        {
          edit_failed (admin, error);
          return;
        }
    }

  yq_sim_org_set_person_text (admin->org, person,
                              yq_sim_json_get_string (admin->args, "name"),
                              yq_sim_json_get_string (admin->args, "email"),
                              yq_sim_json_get_string (admin->args, "jobNumber"),
                              yq_sim_json_get_string (admin->args, "title"));
  if (yq_sim_json_get_int (admin->args, "order", &order))
    yq_sim_org_set_person_order (admin->org, person, order);
  if (status != NULL)
    yq_sim_org_set_person_status (admin->org, person,
                                  g_str_equal (status, "normal") ? YQ_SIM_STATUS_NORMAL
                                  : g_str_equal (status, "disabled") ? YQ_SIM_STATUS_DISABLED
                                  : YQ_SIM_STATUS_CANCELLED);

  respond_person (admin, person);
}

static void
person_delete (Admin *admin)
{
  YqSimPerson *person = arg_person (admin, "id");

  if (person == NULL)
    return;

  yq_sim_org_delete_person (admin->org, person);
  respond_ok (admin);
}

static void
add_snapshot_strv (JsonBuilder  *builder,
                   const char   *name,
                   char        **values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
snapshot (Admin *admin)
{
  const char *kind = yq_sim_params_get (admin->req->query, "kind");
  YqSimPlatform platform;
  g_autoptr(YqOrgSnapshot) expected = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (g_strcmp0 (kind, "zwdd") != 0 && g_strcmp0 (kind, "yzj") != 0)
    {
      respond_error (admin, 400, "kind must be zwdd or yzj");
      return;
    }

  platform = g_str_equal (kind, "zwdd") ? YQ_SIM_PLATFORM_ZWDD : YQ_SIM_PLATFORM_YZJ;
  expected = yq_sim_org_expected_snapshot (admin->org, platform);

  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "root", yq_org_snapshot_get_root_id (expected));
  json_builder_set_member_name (builder, "departments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_org_snapshot_get_n_departments (expected); i++)
    {
      YqOrgDepartment *dept = yq_org_snapshot_get_department (expected, i);

      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "id", dept->id);
      yq_sim_json_add_string (builder, "parent_id", dept->parent_id);
      yq_sim_json_add_string (builder, "name", dept->name);
      yq_sim_json_add_int (builder, "order", dept->order);
      yq_sim_json_add_bool (builder, "active", dept->active);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "people");
  json_builder_begin_array (builder);
  for (guint i = 0; i < yq_org_snapshot_get_n_people (expected); i++)
    {
      YqOrgPerson *person = yq_org_snapshot_get_person (expected, i);

      json_builder_begin_object (builder);
      yq_sim_json_add_string (builder, "id", person->id);
      yq_sim_json_add_string (builder, "account_id", person->account_id);
      yq_sim_json_add_string (builder, "account_code", person->account_code);
      yq_sim_json_add_string (builder, "name", person->name);
      yq_sim_json_add_string (builder, "mobile", person->mobile);
      yq_sim_json_add_string (builder, "email", person->email);
      yq_sim_json_add_string (builder, "job_number", person->job_number);
      yq_sim_json_add_string (builder, "title", person->title);
      add_snapshot_strv (builder, "department_ids", person->department_ids);
      yq_sim_json_add_int (builder, "order", person->order);
      yq_sim_json_add_bool (builder, "active", person->active);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  yq_sim_request_respond_builder (admin->req, 200, builder);
}

/* Platforms ------------------------------------------------------------------------ */

static YqSimPerson *
arg_active_person (Admin *admin)
{
  YqSimPerson *person = arg_person (admin, "person");

  if (person != NULL && person->status != YQ_SIM_STATUS_NORMAL)
    {
      respond_error (admin, 400, "the person is disabled or cancelled");
      return NULL;
    }

  return person;
}

static void
zwdd_auth_code (Admin *admin)
{
  YqSimPerson *person = arg_active_person (admin);
  g_autofree char *code = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (person == NULL)
    return;

  code = yq_sim_zwdd_issue_auth_code (yq_sim_server_get_zwdd (admin->server), person);
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "authCode", code);
  yq_sim_json_add_string (builder, "accountId", person->account_id_str);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
zwdd_scope (Admin *admin)
{
  g_autoptr(GArray) indexes = arg_departments (admin, "departments");
  g_autoptr(GPtrArray) departments = g_ptr_array_new ();
  g_autoptr(GPtrArray) scope = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (indexes == NULL)
    return;

  for (guint i = 0; i < indexes->len; i++)
    {
      guint index = g_array_index (indexes, guint, i);

      g_ptr_array_add (departments, yq_sim_org_get_department (admin->org, index));
    }
  yq_sim_org_set_zwdd_scope (admin->org, departments);

  scope = yq_sim_org_get_zwdd_scope (admin->org);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scope");
  json_builder_begin_array (builder);
  for (guint i = 0; i < scope->len; i++)
    {
      YqSimDepartment *dept = g_ptr_array_index (scope, i);

      json_builder_add_string_value (builder, dept->zwdd_code);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
yzj_ticket (Admin *admin)
{
  YqSimPerson *person = arg_active_person (admin);
  g_autofree char *ticket = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (person == NULL)
    return;

  ticket = yq_sim_yzj_issue_ticket (yq_sim_server_get_yzj (admin->server), person,
                                    yq_sim_json_get_string (admin->args, "appId"));
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "ticket", ticket);
  yq_sim_json_add_string (builder, "openId", person->open_id);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
yzj_callback (Admin *admin)
{
  const char *url = yq_sim_json_get_string (admin->args, "url");

  if (url != NULL && *url != '\0' &&
      !g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      respond_error (admin, 400, "url must be an http(s) URL");
      return;
    }

  yq_sim_yzj_set_callback (yq_sim_server_get_yzj (admin->server), url);
  respond_ok (admin);
}

static void
yzj_approve (Admin *admin)
{
  YqSimPerson *person = arg_person (admin, "person");
  JsonNode *ids = admin->args ? json_object_get_member (admin->args, "sourceIds") : NULL;
  const char *app_id = yq_sim_json_get_string (admin->args, "appId");
  g_autoptr(GPtrArray) source_ids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  if (person == NULL)
    return;

  if (ids == NULL || !JSON_NODE_HOLDS_ARRAY (ids) ||
      json_array_get_length (json_node_get_array (ids)) == 0)
    {
      respond_error (admin, 400, "sourceIds must be a non-empty array");
      return;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (ids)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (ids), i);
      const char *id = yq_sim_json_node_string (element);

      if (id == NULL)
        {
          respond_error (admin, 400, "sourceIds must be strings");
          return;
        }
      g_ptr_array_add (source_ids, (gpointer) id);
    }

  if (!yq_sim_yzj_approve (yq_sim_server_get_yzj (admin->server), admin->req,
                           app_id ? app_id : yq_sim_server_get_config (admin->server)->yzj_app_id,
                           person->open_id, source_ids, &error))
    respond_error (admin, 400, error->message);
}

/* Records, counters, faults ---------------------------------------------------------- */

static void
records (Admin *admin)
{
  const char *kind = yq_sim_params_get (admin->req->query, "kind");
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "records");
  json_builder_add_value (builder, yq_sim_server_list_records (admin->server, kind));
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
faults_get (Admin *admin)
{
  const YqSimConfig *config = yq_sim_server_get_config (admin->server);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_faults_add_to_json (yq_sim_server_get_faults (admin->server), builder);
  yq_sim_json_add_int (builder, "zwdd_gateway_status", config->zwdd_gateway_status);
  yq_sim_json_add_bool (builder, "zwdd_strict_nonce", config->zwdd_strict_nonce);
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
faults_set (Admin *admin)
{
  YqSimConfig *config = yq_sim_server_get_mutable_config (admin->server);
  g_autoptr(GError) error = NULL;
  gint64 status = config->zwdd_gateway_status;
  JsonNode *strict;

  if (admin->args == NULL)
    {
      respond_error (admin, 400, "the body must be a JSON object");
      return;
    }

  if (json_object_has_member (admin->args, "zwdd_gateway_status") &&
      (!yq_sim_json_get_int (admin->args, "zwdd_gateway_status", &status) ||
       (status != 200 && (status < 400 || status > 499))))
    {
      respond_error (admin, 400, "zwdd_gateway_status must be 200 or 4xx");
      return;
    }

  strict = json_object_get_member (admin->args, "zwdd_strict_nonce");
  if (strict != NULL &&
      (!JSON_NODE_HOLDS_VALUE (strict) || json_node_get_value_type (strict) != G_TYPE_BOOLEAN))
    {
      respond_error (admin, 400, "zwdd_strict_nonce must be a boolean");
      return;
    }

  if (!yq_sim_faults_update_from_json (yq_sim_server_get_faults (admin->server), admin->args,
                                       &error))
    {
      respond_error (admin, 400, error->message);
      return;
    }

  config->zwdd_gateway_status = (guint) status;
  if (strict != NULL)
    config->zwdd_strict_nonce = json_node_get_boolean (strict);

  faults_get (admin);
}

static void
info (Admin *admin)
{
  const YqSimConfig *config = yq_sim_server_get_config (admin->server);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_int (builder, "port", yq_sim_server_get_port (admin->server));
  yq_sim_json_add_int (builder, "loginPort", yq_sim_server_get_login_port (admin->server));
  json_builder_set_member_name (builder, "zwdd");
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "tenantId", config->zwdd_tenant_id);
  yq_sim_json_add_string (builder, "appKey", config->zwdd_app_key);
  yq_sim_json_add_string (builder, "qrAppKey", config->zwdd_qr_app_key);
  yq_sim_json_add_string (builder, "qrClientId", config->zwdd_qr_client_id);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "yzj");
  json_builder_begin_object (builder);
  yq_sim_json_add_string (builder, "eid", config->yzj_eid);
  yq_sim_json_add_string (builder, "appId", config->yzj_app_id);
  yq_sim_json_add_string (builder, "pubId", config->yzj_pub_id);
  json_builder_end_object (builder);
  yq_sim_json_add_int (builder, "people", yq_sim_org_count_people (admin->org));
  yq_sim_json_add_int (builder, "departments", yq_sim_org_count_departments (admin->org));
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
health (Admin *admin)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  yq_sim_json_add_bool (builder, "ok", TRUE);
  yq_sim_json_add_int (builder, "port", yq_sim_server_get_port (admin->server));
  yq_sim_json_add_int (builder, "loginPort", yq_sim_server_get_login_port (admin->server));
  json_builder_end_object (builder);
  yq_sim_request_respond_builder (admin->req, 200, builder);
}

static void
tokens_expire (Admin *admin)
{
  yq_sim_zwdd_expire_tokens (yq_sim_server_get_zwdd (admin->server));
  yq_sim_yzj_expire_tokens (yq_sim_server_get_yzj (admin->server));
  respond_ok (admin);
}

static void
records_reset (Admin *admin)
{
  yq_sim_server_reset_records (admin->server);
  respond_ok (admin);
}

static void
counters_get (Admin *admin)
{
  g_autoptr(JsonNode) root = yq_sim_server_counters_to_json (admin->server);

  yq_sim_request_respond_json (admin->req, 200, root);
}

static void
counters_reset (Admin *admin)
{
  yq_sim_server_reset_counters (admin->server);
  respond_ok (admin);
}

static void
department_get (Admin *admin)
{
  YqSimDepartment *dept = yq_sim_org_find_department (admin->org,
                                                      yq_sim_params_get (admin->req->query, "id"));

  if (dept == NULL)
    respond_error (admin, 404, "no such department");
  else
    respond_department (admin, dept);
}

static void
person_get (Admin *admin)
{
  YqSimPerson *person = yq_sim_org_find_person (admin->org,
                                                yq_sim_params_get (admin->req->query, "id"));

  if (person == NULL)
    respond_error (admin, 404, "no such person");
  else
    respond_person (admin, person);
}

typedef void (*AdminHandler) (Admin *admin);

static const struct
{
  const char   *method;
  const char   *path;
  AdminHandler  handler;
} admin_routes[] = {
  { "GET", "/_sim/health", health },
  { "GET", "/_sim/info", info },
  { "GET", "/_sim/records", records },
  { "DELETE", "/_sim/records", records_reset },
  { "POST", "/_sim/records/reset", records_reset },
  { "GET", "/_sim/counters", counters_get },
  { "DELETE", "/_sim/counters", counters_reset },
  { "POST", "/_sim/counters/reset", counters_reset },
  { "GET", "/_sim/faults", faults_get },
  { "PUT", "/_sim/faults", faults_set },
  { "POST", "/_sim/faults", faults_set },
  { "POST", "/_sim/tokens/expire", tokens_expire },
  { "GET", "/_sim/org", org_summary },
  { "GET", "/_sim/org/department", department_get },
  { "GET", "/_sim/org/person", person_get },
  { "GET", "/_sim/org/find", org_find },
  { "POST", "/_sim/org/department/add", department_add },
  { "POST", "/_sim/org/department/rename", department_rename },
  { "POST", "/_sim/org/department/move", department_move },
  { "POST", "/_sim/org/department/order", department_order },
  { "POST", "/_sim/org/department/delete", department_delete },
  { "POST", "/_sim/org/person/add", person_add },
  { "POST", "/_sim/org/person/update", person_update },
  { "POST", "/_sim/org/person/delete", person_delete },
  { "GET", "/_sim/snapshot", snapshot },
  { "POST", "/_sim/zwdd/auth-code", zwdd_auth_code },
  { "POST", "/_sim/zwdd/scope", zwdd_scope },
  { "POST", "/_sim/yzj/ticket", yzj_ticket },
  { "POST", "/_sim/yzj/callback", yzj_callback },
  { "POST", "/_sim/yzj/approve", yzj_approve },
};

void
yq_sim_admin_handle (YqSimServer  *server,
                     YqSimRequest *req)
{
  Admin admin = { server, req, yq_sim_server_get_org (server), NULL, NULL };
  gboolean path_known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (admin_routes); i++)
    {
      if (!g_str_equal (admin_routes[i].path, req->path))
        continue;
      path_known = TRUE;
      if (!g_str_equal (admin_routes[i].method, req->method))
        continue;

      if (g_str_equal (req->method, "POST") || g_str_equal (req->method, "PUT"))
        {
          gsize length;
          const char *body = yq_sim_request_get_body (req, &length);

          if (length > 0)
            {
              g_autoptr(GError) error = NULL;

              admin.body = yq_sim_json_parse (body, length, &error);
              if (admin.body == NULL || !JSON_NODE_HOLDS_OBJECT (admin.body))
                {
                  respond_error (&admin, 400, "the body must be a JSON object");
                  g_clear_pointer (&admin.body, json_node_unref);
                  return;
                }
              admin.args = json_node_get_object (admin.body);
            }
        }

      admin_routes[i].handler (&admin);
      g_clear_pointer (&admin.body, json_node_unref);
      return;
    }

  respond_error (&admin, path_known ? 405 : 404,
                 path_known ? "method not allowed" : "no such admin path");
}
