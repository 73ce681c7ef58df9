/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "yq-plan.h"
#include "yq-planner.h"
#include "yq-sync-profile.h"

/*
 * Organisations are written as small literals, items separated by ';':
 *
 *   department   ID[<PARENT]:NAME[#ORDER][!]
 *   person       ID@DEPT[,DEPT…]:NAME[:MOBILE][:KEY=VALUE…][!]
 *
 * "!" marks a disabled item; a person with DEPT "-" is in no department;
 * KEY is email, job, title, acct (account code), aid (account ID) or order.
 * The first department without a parent is the root.
 *
 * Links are "SOURCE=TARGET" pairs separated by spaces; source departments
 * start with "d", source people with "p".
 *
 * Options are space-separated: top=ID incd=ID,… excd=… incp=… excp=…
 * addnew=0 autobind=0 pthr=N dthr=N prev=N confirmed readonly mirror
 * platform (the source is the platform; the target is then the OA)
 * bindp=FIELD bindo=FIELD map.FIELD=FIELD|none bind (yq_planner_bind()).
 *
 * A plan is compared as one line per operation, "KIND SRC>TGT [changes]"
 * then " ^PARENT" for departments (the target parent, or +SOURCE_PARENT
 * when an earlier operation creates it) and " @DEPTS" for people, joined
 * with " | ".
 */

static YqOrgSnapshot *
snapshot_from_spec (const char *spec)
{
  g_auto(GStrv) items = g_strsplit (spec, ";", -1);
  YqOrgSnapshot *snapshot = yq_org_snapshot_new (NULL);

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      gsize len = strlen (item);
      gboolean active = TRUE;

      if (len == 0)
        continue;

      if (item[len - 1] == '!')
        {
          item[len - 1] = '\0';
          active = FALSE;
        }

      if (strchr (item, '@') != NULL)
        {
          g_auto(GStrv) parts = g_strsplit (item, ":", -1);
          g_auto(GStrv) head = g_strsplit (parts[0], "@", 2);
          YqOrgPerson *person;

          g_assert_nonnull (parts[1]);
          person = yq_org_person_new (head[0], parts[1]);
          person->active = active;
          if (!g_str_equal (head[1], "-"))
            {
              g_strfreev (person->department_ids);
              person->department_ids = g_strsplit (head[1], ",", -1);
            }

          for (guint j = 2; parts[j] != NULL; j++)
            {
              const char *eq = strchr (parts[j], '=');
              g_autofree char *key = NULL;

              if (eq == NULL)
                {
                  g_assert_cmpuint (j, ==, 2);
                  person->mobile = g_strdup (parts[j]);
                  continue;
                }

              key = g_strndup (parts[j], eq - parts[j]);
              if (g_str_equal (key, "email"))
                person->email = g_strdup (eq + 1);
              else if (g_str_equal (key, "job"))
                person->job_number = g_strdup (eq + 1);
              else if (g_str_equal (key, "title"))
                person->title = g_strdup (eq + 1);
              else if (g_str_equal (key, "acct"))
                person->account_code = g_strdup (eq + 1);
              else if (g_str_equal (key, "aid"))
                person->account_id = g_strdup (eq + 1);
              else if (g_str_equal (key, "order"))
                person->order = g_ascii_strtoll (eq + 1, NULL, 10);
              else
                g_error ("unknown person key %s", key);
            }

          g_assert_true (yq_org_snapshot_add_person (snapshot, person));
        }
      else
        {
          g_auto(GStrv) parts = g_strsplit (item, ":", 2);
          g_auto(GStrv) head = g_strsplit (parts[0], "<", 2);
          g_auto(GStrv) name = NULL;
          YqOrgDepartment *dept;

          g_assert_nonnull (parts[1]);
          name = g_strsplit (parts[1], "#", 2);
          dept = yq_org_department_new (head[0], head[1], name[0]);
          dept->active = active;
          if (name[1] != NULL)
            dept->order = g_ascii_strtoll (name[1], NULL, 10);
          if (head[1] == NULL && yq_org_snapshot_get_root_id (snapshot) == NULL)
            yq_org_snapshot_set_root_id (snapshot, head[0]);

          g_assert_true (yq_org_snapshot_add_department (snapshot, dept));
        }
    }

  return snapshot;
}

static YqSyncLinks *
links_from_spec (const char *spec)
{
  g_auto(GStrv) pairs = g_strsplit (spec ? spec : "", " ", -1);
  YqSyncLinks *links = yq_sync_links_new ();

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) pair = NULL;

      if (*pairs[i] == '\0')
        continue;

      pair = g_strsplit (pairs[i], "=", 2);
      g_assert_nonnull (pair[1]);
      if (pair[0][0] == 'd')
        yq_sync_links_add_department (links, pair[0], pair[1]);
      else if (pair[0][0] == 'p')
        yq_sync_links_add_person (links, pair[0], pair[1]);
      else
        g_error ("link %s: source IDs start with d or p", pairs[i]);
    }

  return links;
}

static YqPersonField
field_from_text (const char *text)
{
  YqPersonField field;

  if (!yq_person_field_from_string (text, &field))
    g_error ("unknown field %s", text);

  return field;
}

typedef struct
{
  YqOrgSnapshot  *source;
  YqOrgSnapshot  *target;
  YqSyncLinks    *links;
  YqSyncProfile  *profile;
  YqPlannerInput  input;
  gboolean        bind;
} Setup;

static void
setup_clear (Setup *s)
{
  g_clear_object (&s->source);
  g_clear_object (&s->target);
  g_clear_pointer (&s->links, yq_sync_links_free);
  g_clear_pointer (&s->profile, yq_sync_profile_free);
}

static void
setup_from_spec (Setup      *s,
                 const char *source,
                 const char *target,
                 const char *links,
                 const char *options)
{
  g_auto(GStrv) tokens = g_strsplit (options ? options : "", " ", -1);

  memset (s, 0, sizeof *s);
  s->source = snapshot_from_spec (source);
  s->target = snapshot_from_spec (target);
  s->links = links_from_spec (links);
  s->profile = yq_sync_profile_new ();
  s->input.source = s->source;
  s->input.target = s->target;
  s->input.links = s->links;
  s->input.profile = s->profile;
  s->input.previous_people = -1;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      const char *value = strchr (token, '=');

      if (*token == '\0')
        continue;
      if (value != NULL)
        value++;

#define IS(key) (g_str_has_prefix (token, key "=") || g_str_equal (token, key))
      if (IS ("top"))
        s->profile->top_department = g_strdup (value);
      else if (IS ("incd"))
        s->profile->include_departments = g_strsplit (value, ",", -1);
      else if (IS ("excd"))
        s->profile->exclude_departments = g_strsplit (value, ",", -1);
      else if (IS ("incp"))
        s->profile->include_people = g_strsplit (value, ",", -1);
      else if (IS ("excp"))
        s->profile->exclude_people = g_strsplit (value, ",", -1);
      else if (IS ("addnew"))
        s->profile->add_new_members = atoi (value) != 0;
      else if (IS ("autobind"))
        s->profile->auto_bind = atoi (value) != 0;
      else if (IS ("pthr"))
        s->profile->people_threshold = atoi (value);
      else if (IS ("dthr"))
        s->profile->department_threshold = atoi (value);
      else if (IS ("prev"))
        s->input.previous_people = atoi (value);
      else if (IS ("bindp"))
        s->profile->binding_platform_field = field_from_text (value);
      else if (IS ("bindo"))
        s->profile->binding_oa_field = field_from_text (value);
      else if (IS ("confirmed"))
        s->input.confirmed = TRUE;
      else if (IS ("readonly"))
        s->input.target_readonly = TRUE;
      else if (IS ("mirror"))
        s->input.mirror = TRUE;
      else if (IS ("platform"))
        s->input.source_is_platform = TRUE;
      else if (IS ("bind"))
        s->bind = TRUE;
      else if (g_str_has_prefix (token, "map."))
        {
          g_autofree char *key = g_strndup (token + 4, value - 1 - (token + 4));

          s->profile->field_map[field_from_text (key)] = field_from_text (value);
        }
      else
        g_error ("unknown option %s", token);
#undef IS
    }
}

static YqPlan *
setup_plan (Setup *s)
{
  return s->bind ? yq_planner_bind (&s->input) : yq_planner_plan (&s->input);
}

static gboolean
is_department_op (YqPlanOpKind kind)
{
  return kind <= YQ_PLAN_OP_DELETE_DEPARTMENT;
}

static char *
op_summary (const YqPlanOp *op)
{
  static const char * const change_names[] = {
    "name", "parent", "order", "active", "fields", "departments",
  };
  GString *text = g_string_new (yq_plan_op_kind_to_string (op->kind));

  g_string_append_printf (text, " %s>%s", op->source_id ? op->source_id : "-",
                          op->target_id ? op->target_id : "-");

  if (op->changes != 0)
    {
      const char *sep = " [";

      for (guint i = 0; i < G_N_ELEMENTS (change_names); i++)
        if (op->changes & (1u << i))
          {
            g_string_append_printf (text, "%s%s", sep, change_names[i]);
            sep = ",";
          }
      g_string_append_c (text, ']');
    }

  if (is_department_op (op->kind) && op->kind != YQ_PLAN_OP_DELETE_DEPARTMENT)
    {
      if (op->target_parent_id != NULL)
        g_string_append_printf (text, " ^%s", op->target_parent_id);
      else if (op->source_parent_id != NULL)
        g_string_append_printf (text, " ^+%s", op->source_parent_id);
      else
        g_string_append (text, " ^-");
    }

  if (!is_department_op (op->kind) && op->person != NULL)
    {
      g_autofree char *ids = g_strjoinv (",", op->person->department_ids);

      g_string_append_printf (text, " @%s", ids);
    }

  return g_string_free (text, FALSE);
}

static char *
plan_ops_summary (YqPlan *plan)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
    {
      g_autofree char *line = op_summary (yq_plan_get_op (plan, i));

      if (i > 0)
        g_string_append (text, " | ");
      g_string_append (text, line);
    }

  return g_string_free (text, FALSE);
}

static char *
plan_warnings_summary (YqPlan *plan)
{
  GPtrArray *warnings = yq_plan_get_warnings (plan);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < warnings->len; i++)
    {
      const YqPlanWarning *warning = g_ptr_array_index (warnings, i);

      if (i > 0)
        g_string_append (text, " | ");
      g_string_append_printf (text, "%s:%s", yq_plan_warning_kind_to_string (warning->kind),
                              warning->source_id ? warning->source_id : "-");
    }

  return g_string_free (text, FALSE);
}

static char *
plan_blocks_summary (YqPlan *plan)
{
  GPtrArray *blocks = yq_plan_get_blocks (plan);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      const YqPlanBlock *block = g_ptr_array_index (blocks, i);

      if (i > 0)
        g_string_append (text, " | ");
      g_string_append (text, yq_plan_block_kind_to_string (block->kind));
    }

  return g_string_free (text, FALSE);
}

static const char *
first_block_message (YqPlan *plan)
{
  GPtrArray *blocks = yq_plan_get_blocks (plan);

  g_assert_cmpuint (blocks->len, >, 0);
  return ((const YqPlanBlock *) g_ptr_array_index (blocks, 0))->message;
}

static const YqPlanOp *
find_op (YqPlan     *plan,
         const char *source_id)
{
  for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
    {
      const YqPlanOp *op = yq_plan_get_op (plan, i);

      if (g_strcmp0 (op->source_id, source_id) == 0)
        return op;
    }

  g_error ("no operation for %s", source_id);
  return NULL;
}

/* The table */

#define ORG   "d1:集团; d2<d1:财务处; d3<d1:人事处; " \
              "p1@d2:张三:13800000001; p2@d3:李四:13800000002"
#define TORG  "t1:集团; t2<t1:财务处; t3<t1:人事处; " \
              "u1@t2:张三:13800000001; u2@t3:李四:13800000002"
#define LINKS "d1=t1 d2=t2 d3=t3 p1=u1 p2=u2"

/* Four people in 财务处, for the thresholds. */
#define ORG4  "d1:集团; d2<d1:财务处; p1@d2:甲:1; p2@d2:乙:2; p3@d2:丙:3; p4@d2:丁:4"
#define TORG4 "t1:集团; t2<t1:财务处; u1@t2:甲:1; u2@t2:乙:2; u3@t2:丙:3; u4@t2:丁:4"
#define LINKS4 "d1=t1 d2=t2 p1=u1 p2=u2 p3=u3 p4=u4"

typedef struct
{
  const char *name;
  const char *source;
  const char *target;
  const char *links;
  const char *options;
  const char *ops;
  const char *warnings;
  const char *blocks;
  void      (*check) (YqPlan *plan);
} PlanCase;

static void
check_in_sync (YqPlan *plan)
{
  const YqPlanCounts *counts = yq_plan_get_counts (plan);

  g_assert_cmpuint (counts->unchanged_departments, ==, 3);
  g_assert_cmpuint (counts->unchanged_people, ==, 2);
  g_assert_cmpuint (counts->source_people, ==, 2);
  g_assert_cmpuint (counts->target_people, ==, 2);
  g_assert_false (yq_plan_is_blocked (plan));
}

static void
check_rename (YqPlan *plan)
{
  g_autofree char *text = yq_plan_op_describe (yq_plan_get_op (plan, 0));

  g_assert_cmpstr (text, ==, "Rename department “财务处” to “财务局”");
  g_assert_cmpstr (yq_plan_get_op (plan, 0)->department->name, ==, "财务局");
  g_assert_cmpstr (yq_plan_get_op (plan, 0)->department->id, ==, "t2");
}

static void
check_move (YqPlan *plan)
{
  g_autofree char *text = yq_plan_op_describe (yq_plan_get_op (plan, 0));

  g_assert_cmpstr (text, ==, "Move department “人事处” under “财务处”");
  g_assert_cmpstr (yq_plan_get_op (plan, 0)->department->parent_id, ==, "t2");
}

static void
check_created_parent (YqPlan *plan)
{
  const YqPlanOp *op = find_op (plan, "d5");

  g_assert_null (op->target_parent_id);
  g_assert_null (op->department->id);
  g_assert_cmpstr (op->department->name, ==, "网络科");
  g_assert_cmpstr (op->parent_name, ==, "信息中心");
  g_assert_cmpuint (yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_CREATE_DEPARTMENT], ==, 2);
}

static void
check_duplicate (YqPlan *plan)
{
  g_assert_cmpuint (yq_plan_get_counts (plan)->skipped_departments, ==, 2);
  g_assert_cmpuint (yq_plan_get_counts (plan)->skipped_people, ==, 1);
}

static void
check_top_mismatch_name (YqPlan *plan)
{
  const char *message = first_block_message (plan);

  g_assert_cmpuint (yq_plan_get_n_ops (plan), ==, 0);
  g_assert_true (yq_plan_is_blocked (plan));
  g_assert_false (yq_plan_needs_confirmation (plan));
  g_assert_nonnull (strstr (message, "“集团” (d1)"));
  g_assert_nonnull (strstr (message, "“另一个集团” (t1)"));
}

static void
check_top_mismatch_link (YqPlan *plan)
{
  const char *message = first_block_message (plan);

  g_assert_cmpuint (yq_plan_get_n_ops (plan), ==, 0);
  g_assert_nonnull (strstr (message, "“集团” (d1)"));
  g_assert_nonnull (strstr (message, "“集团” (t1)"));
  g_assert_nonnull (strstr (message, "“其他” (t9)"));
}

static void
check_empty_target (YqPlan *plan)
{
  const YqPlanOp *op = find_op (plan, "p1");

  g_assert_null (op->person->id);
  g_assert_cmpstr (op->person->name, ==, "张三");
  g_assert_cmpstr (op->person->mobile, ==, "13800000001");
  g_assert_null (find_op (plan, "d1")->department->parent_id);
}

static void
check_field_map (YqPlan *plan)
{
  const YqPlanOp *op = yq_plan_get_op (plan, 0);

  /* mobile is not mapped: the target keeps its own; title comes from the
   * job number; the new e-mail is written. */
  g_assert_cmpstr (op->person->mobile, ==, "13800000001");
  g_assert_cmpstr (op->person->title, ==, "J1");
  g_assert_cmpstr (op->person->email, ==, "new@example.com");
  g_assert_cmpstr (op->person->id, ==, "u1");
}

static void
check_threshold_block (YqPlan *plan)
{
  g_assert_true (yq_plan_is_blocked (plan));
  g_assert_true (yq_plan_needs_confirmation (plan));
  g_assert_nonnull (strstr (first_block_message (plan), "3"));
}

static void
check_previous_block (YqPlan *plan)
{
  g_assert_nonnull (strstr (first_block_message (plan), "from 5 to 2"));
  g_assert_cmpuint (yq_plan_get_counts (plan)->source_people, ==, 2);
}

static void
check_not_blocked (YqPlan *plan)
{
  g_assert_false (yq_plan_is_blocked (plan));
  g_assert_false (yq_plan_needs_confirmation (plan));
}

static void
check_read_only (YqPlan *plan)
{
  g_assert_true (yq_plan_is_blocked (plan));
  g_assert_false (yq_plan_needs_confirmation (plan));
}

static void
check_mirror (YqPlan *plan)
{
  const YqPlanOp *op = find_op (plan, "e");
  const YqPlanOp *create = find_op (plan, "w");

  g_assert_null (op->target_parent_id);
  g_assert_cmpstr (op->source_parent_id, ==, "c");
  g_assert_cmpstr (op->parent_name, ==, "C");
  g_assert_null (create->person->id);
  g_assert_false (create->person->active);
  g_assert_cmpstr (create->person->account_id, ==, "A-w");
}

static void
check_explicit_top (YqPlan *plan)
{
  const YqPlanOp *op = yq_plan_get_op (plan, 0);

  /* The chosen top department keeps its own name. */
  g_assert_cmpstr (op->department->name, ==, "分公司");
  g_assert_cmpuint (op->changes, ==, 0);
}

static const PlanCase plan_cases[] = {
  { "in-sync", ORG, TORG, LINKS, "", "", "", "", check_in_sync },

  /* Links by ID: renames, moves, reorders, re-enables are updates. */
  { "rename",
    "d1:集团; d2<d1:财务局; d3<d1:人事处", "t1:集团; t2<t1:财务处; t3<t1:人事处",
    "d1=t1 d2=t2 d3=t3", "",
    "update-department d2>t2 [name] ^t1", "", "", check_rename },
  { "move",
    "d1:集团; d2<d1:财务处; d3<d2:人事处", "t1:集团; t2<t1:财务处; t3<t1:人事处",
    "d1=t1 d2=t2 d3=t3", "",
    "update-department d3>t3 [parent] ^t2", "", "", check_move },
  { "rename-and-move",
    "d1:集团; d2<d1:财务处; d3<d2:人力资源处", "t1:集团; t2<t1:财务处; t3<t1:人事处",
    "d1=t1 d2=t2 d3=t3", "",
    "update-department d3>t3 [name,parent] ^t2", "", "", NULL },
  { "move-swaps-parent-and-child",
    "d1:集团; d3<d1:人事处; d2<d3:财务处", "t1:集团; t2<t1:财务处; t3<t2:人事处",
    "d1=t1 d2=t2 d3=t3", "",
    "update-department d3>t3 [parent] ^t1 | update-department d2>t2 [parent] ^t3", "", "", NULL },
  { "reorder",
    "d1:集团; d2<d1:财务处#5; d3<d1:人事处", "t1:集团; t2<t1:财务处; t3<t1:人事处",
    "d1=t1 d2=t2 d3=t3", "",
    "update-department d2>t2 [order] ^t1", "", "", NULL },
  { "re-enabled-department",
    "d1:集团; d2<d1:财务处", "t1:集团; t2<t1:财务处!",
    "d1=t1 d2=t2", "",
    "update-department d2>t2 [active] ^t1", "", "", NULL },
  { "disabled-department",
    "d1:集团; d2<d1:财务处!; d3<d1:信息科!", "t1:集团; t2<t1:财务处",
    "d1=t1 d2=t2", "",
    /* the unlinked disabled department is not created */
    "update-department d2>t2 [active] ^t1", "", "", NULL },

  /* First binding. */
  { "created-under-created-parent",
    ORG "; d4<d1:信息中心; d5<d4:网络科; p3@d5:王五:13800000003", TORG, LINKS, "",
    "create-department d4>- ^t1 | create-department d5>- ^+d4 | create-person p3>- @d5",
    "", "", check_created_parent },
  { "same-name-same-level-links",
    "d1:集团; d4<d1:信息中心#2; d5<d4:网络科", "t1:集团; t4<t1:信息中心; t5<t4:网络科",
    "d1=t1", "",
    "link-department d4>t4 [order] ^t1 | link-department d5>t5 ^t4", "", "", NULL },
  { "same-name-other-level-creates",
    "d1:集团; d4<d1:信息中心; d5<d4:网络科", "t1:集团; t2<t1:财务处; t5<t2:网络科",
    "d1=t1", "",
    "create-department d4>- ^t1 | create-department d5>- ^+d4", "", "", NULL },
  { "duplicate-names-target-side",
    "d1:集团; d4<d1:信息中心; d5<d4:网络科; p3@d5:王五:1",
    "t1:集团; t4<t1:信息中心; t6<t1:信息中心", "d1=t1", "",
    "", "duplicate-department:d4", "", check_duplicate },
  { "duplicate-names-source-side",
    "d1:集团; d4<d1:信息中心; d5<d1:信息中心", "t1:集团; t4<t1:信息中心", "d1=t1", "",
    "", "duplicate-department:d4 | duplicate-department:d5", "", NULL },
  { "duplicate-names-source-side-nothing-to-match",
    "d1:集团; d4<d1:信息中心; d5<d1:信息中心", "t1:集团", "d1=t1", "",
    "create-department d4>- ^t1 | create-department d5>- ^t1", "", "", NULL },
  { "duplicate-skip-leaves-linked-child-alone",
    "d1:集团; d4<d1:信息中心; d6<d4:网络科", "t1:集团; t4<t1:信息中心; t5<t1:信息中心; t6<t4:网络科",
    "d1=t1 d6=t6", "",
    "", "duplicate-department:d4", "", NULL },
  { "stale-link-matches-again",
    "d1:集团; d2<d1:财务处", "t1:集团; t2<t1:财务处", "d1=t1 d2=t99", "",
    "link-department d2>t2 ^t1", "", "", NULL },
  { "empty-target-side",
    ORG, "", "", "",
    "create-department d1>- ^- | create-department d2>- ^+d1 | create-department d3>- ^+d1 | "
    "create-person p1>- @d2 | create-person p2>- @d3", "", "", check_empty_target },
  { "empty-source-side",
    "", TORG "; t9<t1:外部; u9@t9:王五:13800000009", LINKS, "",
    "remove-person p1>u1 | remove-person p2>u2 | delete-department d2>t2 | "
    "delete-department d3>t3", "", "", NULL },

  /* Top departments. */
  { "top-mismatch-by-name",
    ORG, "t1:另一个集团; t2<t1:财务处", "", "", "", "", "top-mismatch", check_top_mismatch_name },
  { "top-mismatch-by-source-link",
    ORG, TORG "; t9<t1:其他", "d1=t9", "", "", "", "top-mismatch", check_top_mismatch_link },
  { "top-mismatch-by-target-link",
    ORG, TORG, "d2=t1", "", "", "", "top-mismatch", NULL },
  { "explicit-top-pairs-different-names",
    "d1:集团; d2<d1:财务处", "t0:根; t1<t0:分公司; t5<t1:财务处", "", "top=t1",
    "link-department d1>t1 ^t0 | link-department d2>t5 ^t1", "", "", check_explicit_top },
  { "explicit-top-missing",
    "d1:集团", "t0:根", "", "top=t7", "", "", "top-mismatch", NULL },

  /* Scope. */
  { "scope-include-subtree",
    ORG "; d4<d2:核算科; p4@d4:赵六:4", "t1:集团", "d1=t1", "incd=d2",
    "create-department d2>- ^t1 | create-department d4>- ^+d2 | create-person p1>- @d2 | "
    "create-person p4>- @d4", "", "", NULL },
  { "scope-exclude-inside-include",
    ORG "; d4<d2:核算科; p4@d4:赵六:4", "t1:集团", "d1=t1", "incd=d2 excd=d4",
    "create-department d2>- ^t1 | create-person p1>- @d2", "", "", NULL },
  { "scope-include-inside-exclude",
    ORG "; d4<d2:核算科; p4@d4:赵六:4", "t1:集团", "d1=t1", "incd=d4 excd=d2",
    "", "", "", NULL },
  { "scope-included-below-out-of-scope-parent",
    ORG "; d4<d2:核算科; p4@d4:赵六:4", "t1:集团", "d1=t1", "incd=d4",
    "create-department d4>- ^t1 | create-person p4>- @d4", "", "", NULL },
  { "scope-exclude-person",
    ORG, "t1:集团", "d1=t1", "incd=d2 excp=p1",
    "create-department d2>- ^t1", "", "", NULL },
  { "scope-include-person-outside",
    ORG, "t1:集团", "d1=t1", "incd=d2 incp=p2",
    "create-department d2>- ^t1 | create-person p1>- @d2 | create-person p2>- @d1", "", "", NULL },
  { "scope-out-linked-removed-unlinked-untouched",
    ORG, TORG "; t8<t1:外部; u8@t8:外人:13800000008; u9@t3:访客:13800000009", LINKS, "excd=d3",
    "remove-person p2>u2", "department-not-empty:d3", "", NULL },
  { "scope-out-linked-department-deleted",
    ORG, TORG "; t8<t1:外部; u8@t8:外人:13800000008", LINKS, "excd=d3",
    "remove-person p2>u2 | delete-department d3>t3", "", "", NULL },

  /* People. */
  { "person-moves-and-changes",
    "d1:集团; d2<d1:财务处; d3<d1:人事处; p1@d3,d2:张三:13800000001:email=z@example.com",
    TORG, LINKS, "",
    "update-person p1>u1 [fields,departments] @d3,d2 | remove-person p2>u2", "", "", NULL },
  { "person-departments-only-in-scope",
    "d1:集团; d2<d1:财务处; d3<d1:人事处; p1@d3,d2:张三:13800000001",
    "t1:集团; t2<t1:财务处; t3<t1:人事处; u1@t2,t3:张三:13800000001", "d1=t1 d2=t2 d3=t3 p1=u1",
    "excd=d3",
    "update-person p1>u1 [departments] @d2 | delete-department d3>t3", "", "", NULL },
  { "new-members-added",
    ORG "; p3@d2:王五:13800000003", TORG, LINKS, "",
    "create-person p3>- @d2", "", "", NULL },
  { "new-members-not-added",
    ORG "; p3@d2:王五:13800000003", TORG, LINKS, "addnew=0",
    "", "", "", NULL },
  { "inactive-unlinked-not-created",
    ORG "; p3@d2:王五:13800000003!", TORG, LINKS, "",
    "", "", "", NULL },
  { "disabled-linked-person",
    "d1:集团; d2<d1:财务处; d3<d1:人事处; p1@d2:张三:13800000001!; p2@d3:李四:13800000002",
    TORG, LINKS, "",
    "update-person p1>u1 [active] @d2", "", "", NULL },
  { "auto-bind-unique",
    ORG "; p3@d2:王五:13800000003", TORG "; u3@t3:王五:13800000003", LINKS, "",
    "link-person p3>u3 [departments] @d2", "", "", NULL },
  { "auto-bind-ambiguous",
    ORG "; p3@d2:王五:13800000003", TORG "; u3@t2:王五:13800000003; u4@t2:王五:13800000003",
    LINKS, "",
    "", "ambiguous-person:p3", "", NULL },
  { "auto-bind-ambiguous-source-side",
    ORG "; p3@d2:王五:13800000003; p4@d2:王五:13800000003", TORG "; u3@t2:王五:13800000003",
    LINKS, "",
    "", "ambiguous-person:p3 | ambiguous-person:p4", "", NULL },
  { "auto-bind-conflicting",
    ORG "; p3@d2:王五:13800000001", TORG, LINKS, "",
    "", "conflicting-person:p3", "", NULL },
  { "auto-bind-off-creates",
    ORG "; p3@d2:王五:13800000003", TORG "; u3@t2:王五:13800000003", LINKS, "autobind=0",
    "create-person p3>- @d2", "", "", NULL },
  { "auto-bind-by-email",
    ORG "; p3@d2:王五::email=w@example.com", TORG "; u3@t2:王五::email=w@example.com", LINKS,
    "bindp=email bindo=email",
    "link-person p3>u3 @d2", "", "", NULL },
  { "bound-person-keeps-binding",
    "d1:集团; d2<d1:财务处; d3<d1:人事处; p1@d2:张三:13900000009; p2@d3:李四:13800000002",
    TORG "; u9@t2:张三:13900000009", LINKS, "",
    "update-person p1>u1 [fields] @d2", "", "", NULL },
  { "field-map",
    "d1:集团; d2<d1:财务处; p1@d2:张三:13900000000:email=new@example.com:job=J1",
    "t1:集团; t2<t1:财务处; u1@t2:张三:13800000001:email=old@example.com:title=T",
    "d1=t1 d2=t2 p1=u1", "map.mobile=none map.title=job_number",
    "update-person p1>u1 [fields] @d2", "", "", check_field_map },
  { "field-map-none-keeps-target",
    "d1:集团; d2<d1:财务处; p1@d2:张三:13900000000",
    "t1:集团; t2<t1:财务处; u1@t2:张三:13800000001",
    "d1=t1 d2=t2 p1=u1", "map.mobile=none bindo=email bindp=email",
    "", "", "", NULL },
  { "account-not-rewritten",
    "d1:集团; d2<d1:财务处; p1@d2:张三:13800000001:acct=13800000001",
    "t1:集团; t2<t1:财务处; u1@t2:张三:13800000001:acct=zhangsan",
    "d1=t1 d2=t2 p1=u1", "platform",
    "", "", "", NULL },
  { "missing-account-for-oa",
    ORG "; p3@d2:王五:13800000003; p4@d2:赵六:13800000004:acct=zhaoliu", TORG, LINKS, "platform",
    "create-person p4>- @d2", "missing-field:p3", "", NULL },

  /* Thresholds. */
  { "people-threshold-at-n-passes",
    "d1:集团; d2<d1:财务处; p1@d2:甲:1; p4@d2:丁:4", TORG4, LINKS4, "pthr=2",
    "remove-person p2>u2 | remove-person p3>u3", "", "", check_not_blocked },
  { "people-threshold-at-n-plus-1-blocks",
    "d1:集团; d2<d1:财务处; p1@d2:甲:1", TORG4, LINKS4, "pthr=2",
    "remove-person p2>u2 | remove-person p3>u3 | remove-person p4>u4", "",
    "people-threshold", check_threshold_block },
  { "people-threshold-counts-disabled",
    "d1:集团; d2<d1:财务处; p1@d2:甲:1; p2@d2:乙:2!; p3@d2:丙:3!; p4@d2:丁:4!", TORG4, LINKS4,
    "pthr=2",
    "update-person p2>u2 [active] @d2 | update-person p3>u3 [active] @d2 | "
    "update-person p4>u4 [active] @d2", "", "people-threshold", NULL },
  { "people-threshold-previous-at-n",
    ORG, TORG, LINKS, "pthr=2 prev=4", "", "", "", check_not_blocked },
  { "people-threshold-previous-at-n-plus-1",
    ORG, TORG, LINKS, "pthr=2 prev=5", "", "", "people-threshold", check_previous_block },
  { "people-threshold-off",
    "d1:集团; d2<d1:财务处", TORG4, LINKS4, "pthr=-1 prev=100",
    "remove-person p1>u1 | remove-person p2>u2 | remove-person p3>u3 | remove-person p4>u4",
    "", "", NULL },
  { "department-threshold-at-n-passes",
    "d1:集团; d2<d1:财务处", "t1:集团; t2<t1:财务处; t3<t1:人事处", "d1=t1 d2=t2 d3=t3",
    "dthr=1", "delete-department d3>t3", "", "", check_not_blocked },
  { "department-threshold-at-n-plus-1-blocks",
    "d1:集团", "t1:集团; t2<t1:财务处; t3<t1:人事处", "d1=t1 d2=t2 d3=t3", "dthr=1",
    "delete-department d2>t2 | delete-department d3>t3", "", "department-threshold", NULL },
  { "threshold-confirmed",
    "d1:集团", "t1:集团; t2<t1:财务处; t3<t1:人事处", "d1=t1 d2=t2 d3=t3", "dthr=1 confirmed",
    "delete-department d2>t2 | delete-department d3>t3", "threshold-confirmed:-", "",
    check_not_blocked },
  { "read-only-target",
    ORG "; p3@d2:王五:13800000003", TORG, LINKS, "readonly",
    "create-person p3>- @d2", "", "read-only", check_read_only },
  { "read-only-and-threshold",
    "d1:集团", "t1:集团; t2<t1:财务处; t3<t1:人事处", "d1=t1 d2=t2 d3=t3", "dthr=1 readonly",
    "delete-department d2>t2 | delete-department d3>t3", "", "department-threshold | read-only",
    check_read_only },

  /* Mirror mode (the bridge copy). */
  { "mirror-by-id",
    "a:Root; b<a:B; c<b:C; e<c:E; x@b:X:1; w@c:W:2:aid=A-w!",
    "a:Root; b<a:Bee; z<a:Z; x@z:X:1; y@z:Y:3", "d9=zz", "mirror",
    "update-department b>b [name] ^a | create-department c>- ^b | create-department e>- ^+c | "
    "create-person w>- @c | update-person x>x [departments] @b | remove-person y>y | "
    "delete-department z>z", "", "", check_mirror },
  { "mirror-thresholds-apply",
    "a:Root; x@a:X:1", "a:Root; x@a:X:1; y@a:Y:2; z@a:Z:3", "", "mirror pthr=1",
    "remove-person y>y | remove-person z>z", "", "people-threshold", NULL },
  { "mirror-no-name-matching",
    "d1:集团; d2<d1:财务处", "d1:集团; t2<d1:财务处", "", "mirror top=t2 excd=d2",
    "create-department d2>- ^d1 | delete-department t2>t2", "", "", NULL },

  /* yq_planner_bind(). */
  { "bind-unique",
    "d1:集团; p1@d1:张三:1; p2@d1:李四:2", "t1:集团; u1@t1:张三:1; u2@t1:李四:2", "", "bind",
    "link-person p1>u1 | link-person p2>u2", "", "", NULL },
  { "bind-keeps-bound-and-skips-disabled",
    "d1:集团; p1@d1:张三:1; p2@d1:李四:2!; p3@d1:王五:3",
    "t1:集团; u1@t1:张三:9; u7@t1:张三:1; u2@t1:李四:2; u3@t1:王五:3", "p1=u1", "bind excp=p3",
    "link-person p3>u3", "", "", NULL },
  { "bind-ambiguous-and-conflicting",
    "d1:集团; p1@d1:张三:1; p2@d1:李四:2; p3@d1:王五:3",
    "t1:集团; u1@t1:张三:1; u2@t1:李四:2; u4@t1:李四:2", "p3=u1", "bind",
    "", "conflicting-person:p1 | ambiguous-person:p2", "", NULL },
};

static void
test_plan_case (gconstpointer data)
{
  const PlanCase *c = data;
  g_autoptr(YqPlan) plan = NULL;
  g_autofree char *ops = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *blocks = NULL;
  Setup s;

  setup_from_spec (&s, c->source, c->target, c->links, c->options);
  plan = setup_plan (&s);

  ops = plan_ops_summary (plan);
  warnings = plan_warnings_summary (plan);
  blocks = plan_blocks_summary (plan);
  g_assert_cmpstr (ops, ==, c->ops);
  g_assert_cmpstr (warnings, ==, c->warnings);
  g_assert_cmpstr (blocks, ==, c->blocks);
  g_assert_cmpint (yq_plan_is_blocked (plan), ==, *c->blocks != '\0');

  /* Every operation's count is right and every description is a line. */
  {
    guint per_kind[YQ_N_PLAN_OP_KINDS] = { 0 };

    for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
      {
        const YqPlanOp *op = yq_plan_get_op (plan, i);
        g_autofree char *text = yq_plan_op_describe (op);

        per_kind[op->kind]++;
        g_assert_nonnull (text);
        g_assert_null (strchr (text, '\n'));
        g_assert_nonnull (strstr (text, "“"));
      }
    for (guint k = 0; k < YQ_N_PLAN_OP_KINDS; k++)
      g_assert_cmpuint (yq_plan_get_counts (plan)->ops[k], ==, per_kind[k]);
  }

  if (c->check != NULL)
    c->check (plan);

  setup_clear (&s);
}

/* Other tests */

static char *
plan_json (YqPlan *plan)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
    {
      g_autofree char *json = yq_plan_op_to_json (yq_plan_get_op (plan, i));

      g_string_append (text, json);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

static void
test_deterministic (void)
{
  const char *source = ORG "; d4<d1:信息中心; d5<d4:网络科; d6<d1:后勤; p3@d5:王五:3; "
                       "p5@d6:孙七:5; p6@d6:周八:6; p7@d4,d5:吴九:7";
  const char *target = TORG "; t6<t1:后勤; u6@t6:周八:6; u9@t2:郑十:10";
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  Setup s;

  setup_from_spec (&s, source, target, LINKS " p9=u9", "");
  {
    g_autoptr(YqPlan) plan = yq_planner_plan (&s.input);

    first = plan_json (plan);
    g_assert_cmpuint (yq_plan_get_n_ops (plan), >, 5);
  }
  {
    g_autoptr(YqPlan) plan = yq_planner_plan (&s.input);

    second = plan_json (plan);
  }
  setup_clear (&s);

  /* The same organisation listed in another order plans the same. */
  {
    g_auto(GStrv) items = g_strsplit (source, ";", -1);
    g_autoptr(GString) reversed = g_string_new (NULL);
    guint n = g_strv_length (items);

    /* Keep the root first so that it stays the root. */
    g_string_append (reversed, items[0]);
    for (guint i = n; i-- > 1;)
      g_string_append_printf (reversed, ";%s", items[i]);

    setup_from_spec (&s, reversed->str, target, LINKS " p9=u9", "");
    {
      g_autoptr(YqPlan) plan = yq_planner_plan (&s.input);

      third = plan_json (plan);
    }
    setup_clear (&s);
  }

  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, ==, third);
}

static void
test_op_json_round_trip (void)
{
  Setup s;
  g_autoptr(YqPlan) plan = NULL;
  guint kinds = 0;

  setup_from_spec (&s,
                   "d1:集团; d2<d1:财务局#3; d4<d1:信息中心; d5<d1:新部门; "
                   "p1@d2:张三:13900000000:email=z@example.com:job=J1:title=处长:acct=zs:aid=A1; "
                   "p3@d4:王五:3; p4@d5:赵六:4",
                   "t1:集团; t2<t1:财务处; t3<t1:人事处; t4<t1:信息中心; "
                   "u1@t2:张三:1; u2@t3:李四:2; u3@t1:王五:3",
                   LINKS, "");
  plan = yq_planner_plan (&s.input);

  for (guint i = 0; i < yq_plan_get_n_ops (plan); i++)
    {
      const YqPlanOp *op = yq_plan_get_op (plan, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *json = yq_plan_op_to_json (op);
      g_autoptr(YqPlanOp) back = yq_plan_op_new_from_json (json, &error);
      g_autoptr(YqPlanOp) copy = yq_plan_op_copy (op);
      g_autofree char *again = NULL;
      g_autofree char *copied = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (back);
      again = yq_plan_op_to_json (back);
      copied = yq_plan_op_to_json (copy);
      g_assert_cmpstr (json, ==, again);
      g_assert_cmpstr (json, ==, copied);

      g_assert_cmpint (back->kind, ==, op->kind);
      g_assert_cmpuint (back->changes, ==, op->changes);
      g_assert_cmpstr (back->source_id, ==, op->source_id);
      g_assert_cmpstr (back->target_id, ==, op->target_id);
      g_assert_cmpstr (back->source_parent_id, ==, op->source_parent_id);
      g_assert_cmpstr (back->target_parent_id, ==, op->target_parent_id);
      g_assert_cmpstr (back->name, ==, op->name);
      g_assert_cmpstr (back->parent_name, ==, op->parent_name);
      g_assert_cmpint (back->department != NULL, ==, op->department != NULL);
      if (op->department != NULL)
        g_assert_true (yq_org_department_equal (back->department, op->department));
      g_assert_cmpint (back->person != NULL, ==, op->person != NULL);
      if (op->person != NULL)
        g_assert_true (yq_org_person_equal (back->person, op->person));

      kinds |= 1u << op->kind;
    }

  /* The plan held every kind; one more by hand with odd values. */
  g_assert_cmpuint (kinds, ==, (1u << YQ_N_PLAN_OP_KINDS) - 1);
  {
    g_autoptr(YqPlanOp) op = yq_plan_op_new (YQ_PLAN_OP_LINK_PERSON);
    g_autoptr(YqPlanOp) back = NULL;
    g_autofree char *json = NULL;
    g_autoptr(GError) error = NULL;

    op->changes = YQ_PLAN_CHANGE_NAME | YQ_PLAN_CHANGE_ACTIVE | YQ_PLAN_CHANGE_DEPARTMENTS;
    op->source_id = g_strdup ("p\"1\\");
    op->target_id = g_strdup ("u1");
    op->person = yq_org_person_new ("u1", "张\n三");
    op->person->order = G_GINT64_CONSTANT (9007199254740993);
    op->person->active = FALSE;
    g_strfreev (op->person->department_ids);
    op->person->department_ids = g_strsplit ("d1,d2", ",", -1);
    json = yq_plan_op_to_json (op);
    back = yq_plan_op_new_from_json (json, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->changes, ==, op->changes);
    g_assert_cmpstr (back->source_id, ==, "p\"1\\");
    g_assert_true (yq_org_person_equal (back->person, op->person));
    g_assert_null (back->department);
  }

  setup_clear (&s);
}

static void
test_op_json_errors (void)
{
  static const struct { const char *json; const char *needle; } cases[] = {
    { "[]", "object" },
    { "{", "JSON" },
    { "{\"changes\": []}", "kind" },
    { "{\"kind\": \"explode\"}", "kind" },
    { "{\"kind\": \"create-person\", \"colour\": 1}", "colour" },
    { "{\"kind\": \"create-person\", \"changes\": [\"size\"]}", "size" },
    { "{\"kind\": \"create-person\", \"source_id\": 5}", "source_id" },
    { "{\"kind\": \"create-person\", \"person\": {\"order\": \"1\"}}", "person.order" },
    { "{\"kind\": \"create-person\", \"person\": {\"nick\": \"x\"}}", "person.nick" },
    { "{\"kind\": \"create-department\", \"department\": {\"active\": 1}}", "department.active" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(YqPlanOp) op = yq_plan_op_new_from_json (cases[i].json, &error);

      g_assert_null (op);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("%s: “%s” does not name %s", cases[i].json, error->message, cases[i].needle);
    }
}

static void
test_kind_strings (void)
{
  for (guint k = 0; k < YQ_N_PLAN_OP_KINDS; k++)
    {
      YqPlanOpKind back;

      g_assert_true (yq_plan_op_kind_from_string (yq_plan_op_kind_to_string (k), &back));
      g_assert_cmpint (back, ==, k);
    }
  {
    YqPlanOpKind back = YQ_PLAN_OP_LINK_PERSON;

    g_assert_false (yq_plan_op_kind_from_string ("delete-person", &back));
    g_assert_false (yq_plan_op_kind_from_string (NULL, &back));
    g_assert_cmpint (back, ==, YQ_PLAN_OP_LINK_PERSON);
  }
  g_assert_cmpstr (yq_plan_op_kind_to_string (YQ_PLAN_OP_CREATE_DEPARTMENT), ==,
                   "create-department");
  g_assert_cmpstr (yq_plan_block_kind_to_string (YQ_PLAN_BLOCK_TOP_MISMATCH), ==, "top-mismatch");
  g_assert_cmpstr (yq_plan_warning_kind_to_string (YQ_PLAN_WARNING_DEPARTMENT_NOT_EMPTY), ==,
                   "department-not-empty");
}

static void
test_describe (void)
{
  static const struct
  {
    YqPlanOpKind kind;
    guint        changes;
    const char  *name;
    const char  *new_name;
    const char  *parent_name;
    gboolean     active;
    const char  *expected;
  } cases[] = {
    { YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_CHANGE_NAME, "财务处", "财务局", "集团", TRUE,
      "Rename department “财务处” to “财务局”" },
    { YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_CHANGE_PARENT, "X", "X", "Y", TRUE,
      "Move department “X” under “Y”" },
    { YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_CHANGE_NAME | YQ_PLAN_CHANGE_PARENT, "X", "Z", "Y",
      TRUE, "Rename department “X” to “Z” and move it under “Y”" },
    { YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_CHANGE_ACTIVE, "X", "X", "Y", FALSE,
      "Disable department “X”" },
    { YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_CHANGE_ACTIVE, "X", "X", "Y", TRUE,
      "Enable department “X”" },
    { YQ_PLAN_OP_UPDATE_DEPARTMENT, YQ_PLAN_CHANGE_ORDER | YQ_PLAN_CHANGE_ACTIVE, "X", "X", "Y",
      TRUE, "Update department “X”: change the sort order, enable" },
    { YQ_PLAN_OP_CREATE_DEPARTMENT, 0, "网络科", "网络科", "信息中心", TRUE,
      "Create department “网络科” under “信息中心”" },
    { YQ_PLAN_OP_DELETE_DEPARTMENT, 0, "后勤", NULL, NULL, TRUE, "Delete department “后勤”" },
    { YQ_PLAN_OP_LINK_DEPARTMENT, 0, "信息中心", "信息中心", "集团", TRUE,
      "Link department “信息中心”" },
    { YQ_PLAN_OP_CREATE_PERSON, 0, "张三", "张三", NULL, TRUE, "Create person “张三”" },
    { YQ_PLAN_OP_REMOVE_PERSON, 0, "张三", NULL, NULL, TRUE, "Remove person “张三”" },
    { YQ_PLAN_OP_LINK_PERSON, 0, "张三", "张三", NULL, TRUE, "Link person “张三”" },
    { YQ_PLAN_OP_UPDATE_PERSON, YQ_PLAN_CHANGE_NAME, "张三", "张叁", NULL, TRUE,
      "Rename person “张三” to “张叁”" },
    { YQ_PLAN_OP_UPDATE_PERSON, YQ_PLAN_CHANGE_ACTIVE, "张三", "张三", NULL, FALSE,
      "Disable person “张三”" },
    { YQ_PLAN_OP_UPDATE_PERSON, YQ_PLAN_CHANGE_FIELDS | YQ_PLAN_CHANGE_DEPARTMENTS, "张三",
      "张三", NULL, TRUE, "Update person “张三”: update fields, change departments" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(YqPlanOp) op = yq_plan_op_new (cases[i].kind);
      g_autofree char *text = NULL;

      op->changes = cases[i].changes;
      g_free (op->name);
      op->name = g_strdup (cases[i].name);
      op->parent_name = g_strdup (cases[i].parent_name);
      if (cases[i].new_name != NULL && cases[i].kind <= YQ_PLAN_OP_DELETE_DEPARTMENT)
        {
          op->department = yq_org_department_new ("t", NULL, cases[i].new_name);
          op->department->active = cases[i].active;
        }
      else if (cases[i].new_name != NULL)
        {
          op->person = yq_org_person_new ("u", cases[i].new_name);
          op->person->active = cases[i].active;
        }

      text = yq_plan_op_describe (op);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_plan_builders (void)
{
  g_autoptr(YqPlan) plan = yq_plan_new ();

  g_assert_false (yq_plan_is_blocked (plan));
  g_assert_false (yq_plan_needs_confirmation (plan));

  /* Adding operations leaves the counts to the builder. */
  yq_plan_add_op (plan, yq_plan_op_new (YQ_PLAN_OP_REMOVE_PERSON));
  yq_plan_add_op (plan, yq_plan_op_new (YQ_PLAN_OP_CREATE_DEPARTMENT));
  g_assert_cmpuint (yq_plan_get_n_ops (plan), ==, 2);
  g_assert_cmpint (yq_plan_get_op (plan, 1)->kind, ==, YQ_PLAN_OP_CREATE_DEPARTMENT);
  g_assert_cmpuint (yq_plan_get_counts (plan)->ops[YQ_PLAN_OP_REMOVE_PERSON], ==, 0);

  yq_plan_add_block (plan, YQ_PLAN_BLOCK_PEOPLE_THRESHOLD, "too many");
  g_assert_true (yq_plan_is_blocked (plan));
  g_assert_true (yq_plan_needs_confirmation (plan));

  yq_plan_add_block (plan, YQ_PLAN_BLOCK_READ_ONLY, "read-only");
  g_assert_true (yq_plan_is_blocked (plan));
  g_assert_false (yq_plan_needs_confirmation (plan));

  yq_plan_add_warning (plan, YQ_PLAN_WARNING_MISSING_FIELD, "p1", "no account");
  g_assert_cmpuint (yq_plan_get_warnings (plan)->len, ==, 1);
  yq_plan_get_counts_mut (plan)->skipped_people = 4;
  g_assert_cmpuint (yq_plan_get_counts (plan)->skipped_people, ==, 4);
}

/* Changing one thing at a time in a larger organisation gives exactly one
 * operation each. */
static void
test_one_change_one_op (void)
{
  g_autoptr(GString) source = g_string_new ("d0:集团");
  g_autoptr(GString) target = g_string_new ("t0:集团");
  g_autoptr(GString) links = g_string_new ("d0=t0");

  for (guint i = 1; i <= 40; i++)
    {
      guint parent = i / 4;

      g_string_append_printf (source, "; d%u<d%u:部门%u", i, parent, i);
      g_string_append_printf (target, "; t%u<t%u:部门%u", i, parent, i);
      g_string_append_printf (links, " d%u=t%u", i, i);
    }
  for (guint i = 1; i <= 100; i++)
    {
      g_string_append_printf (source, "; p%u@d%u:人%u:%u", i, i % 40 + 1, i, 1000 + i);
      g_string_append_printf (target, "; u%u@t%u:人%u:%u", i, i % 40 + 1, i, 1000 + i);
      g_string_append_printf (links, " p%u=u%u", i, i);
    }

  {
    Setup s;
    g_autoptr(YqPlan) plan = NULL;
    const YqPlanCounts *counts;

    setup_from_spec (&s, source->str, target->str, links->str, "");
    plan = yq_planner_plan (&s.input);
    counts = yq_plan_get_counts (plan);
    g_assert_cmpuint (yq_plan_get_n_ops (plan), ==, 0);
    g_assert_cmpuint (counts->unchanged_departments, ==, 41);
    g_assert_cmpuint (counts->unchanged_people, ==, 100);
    setup_clear (&s);
  }

  {
    /* Rename d7, move d9 under d30, new person under d3, remove p50. */
    g_autofree char *changed = NULL;
    Setup s;
    g_autoptr(YqPlan) plan = NULL;
    g_autofree char *ops = NULL;

    changed = g_strdup (source->str);
    {
      g_autoptr(GString) edit = g_string_new (changed);

      g_string_replace (edit, "d7<d1:部门7;", "d7<d1:部门七;", 1);
      g_string_replace (edit, "d9<d2:部门9;", "d9<d30:部门9;", 1);
      g_string_replace (edit, "p50@d11:人50:1050;", "", 1);
      g_string_append (edit, "; p101@d3:新人:2101");
      g_free (changed);
      changed = g_string_free (g_steal_pointer (&edit), FALSE);
    }

    setup_from_spec (&s, changed, target->str, links->str, "");
    plan = yq_planner_plan (&s.input);
    ops = plan_ops_summary (plan);
    g_assert_cmpstr (ops, ==,
                     "update-department d7>t7 [name] ^t1 | update-department d9>t9 [parent] ^t30 | "
                     "create-person p101>- @d3 | remove-person p50>u50");
    setup_clear (&s);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (plan_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/planner/case/%s", plan_cases[i].name);

      g_test_add_data_func (path, &plan_cases[i], test_plan_case);
    }

  g_test_add_func ("/planner/deterministic", test_deterministic);
  g_test_add_func ("/planner/one-change-one-op", test_one_change_one_op);
  g_test_add_func ("/plan/op-json-round-trip", test_op_json_round_trip);
  g_test_add_func ("/plan/op-json-errors", test_op_json_errors);
  g_test_add_func ("/plan/kind-strings", test_kind_strings);
  g_test_add_func ("/plan/describe", test_describe);
  g_test_add_func ("/plan/builders", test_plan_builders);

  return g_test_run ();
}
