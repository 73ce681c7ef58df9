/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The simulated organisation: one set of departments and people that both
 * simulated platforms present, each with its own identifiers, plus the
 * deterministic generator and the edits the admin API and the 云之家
 * directory-write API make.
 *
 * What a faithful client should make of it (yq_sim_org_expected_snapshot):
 *
 * | YqOrg field     | 政务钉钉 (zwdd)                     | 云之家 (yzj)                        |
 * |-----------------|-------------------------------------|-------------------------------------|
 * | snapshot root   | first deptVisibleScopes code        | the team root's id (24 hex digits)  |
 * |                 | (default: the top organisation)     |                                     |
 * | dept id         | organizationCode                    | id (orgId)                          |
 * | dept parent_id  | parentCode; NULL for the top        | parentId; NULL for the team root,   |
 * |                 | organisation, which carries none,   | whose parentId is ""                |
 * |                 | and for the top of each scope       |                                     |
 * | dept name       | organizationName                    | name (short name)                   |
 * | dept order      | displayOrder                        | weights                             |
 * | dept active     | status == "A" (all of them are A)   | TRUE (the API has no department     |
 * |                 |                                     | status)                             |
 * | depts included  | every organisation in the scope     | every department of dept/getall,    |
 * |                 | subtrees, the top one included      | the team root included              |
 * | person id       | employeeCode                        | openId                              |
 * | account_id      | accountId as a decimal string       | openId                              |
 * | account_code    | accountCode                         | NULL (no such field in person       |
 * |                 | (listEmployeeAccountIds)            | objects)                            |
 * | name            | employeeName                        | name                                |
 * | mobile          | NULL (no read API returns it)       | phone                               |
 * | email           | NULL (no documented read API)       | email; NULL when ""                 |
 * | job_number      | NULL (no such field)                | jobNo; NULL when ""                 |
 * | title           | govEmpPosJob of the mainJob         | jobTitle; NULL when ""              |
 * |                 | position; NULL when absent          |                                     |
 * | department_ids  | organizationCode of every position  | orgId only (part-time jobs have no  |
 * |                 | in the scope, the mainJob one first,| documented response shape)          |
 * |                 | the others in govEmployeePositions  |                                     |
 * |                 | order (an invalid employee's        |                                     |
 * |                 | positions are invalid with it, and  |                                     |
 * |                 | still count)                        |                                     |
 * | order           | orderInOrganization of the mainJob  | weights                             |
 * |                 | position                            |                                     |
 * | active          | employee status == "A"              | status == 1 (0 cancelled and 2      |
 * |                 |                                     | disabled are listed by              |
 * |                 |                                     | person/getall, inactive)            |
 * | people included | everyone with a position in a scope | everyone person/getall returns, all |
 * |                 | organisation, status A and F        | statuses                            |
 *
 * Deleted records vanish from both platforms. Deleting a 云之家 department
 * moves its normal members to a top-level 未分配 department and the others to
 * 待分配 (created when first needed); both platforms show those departments.
 *
 * Signals: ::department-changed and ::person-changed (index, YqSimChange) after
 * every edit, so the server can send 云之家 change events.
 */

#define G_LOG_DOMAIN "yq-sim-org"

#include "config.h"

#include <math.h>
#include <string.h>

#include "yq-sim-org.h"
#include "yq-sim-util.h"

#define ROOT_NAME          "云桥示范单位"
#define EMAIL_DOMAIN       "demo.yunqiao.example"
#define UNASSIGNED_NAME    "未分配"
#define PENDING_NAME       "待分配"
#define ACCOUNT_ID_BASE    G_GUINT64_CONSTANT (100000000)
#define UID_BASE           G_GUINT64_CONSTANT (6000000000)
#define GMT_BASE           G_GINT64_CONSTANT (1546272000) /* 2019-01-01 00:00 +08:00 */

struct _YqSimOrg
{
  GObject     parent_instance;

  guint64     seed;
  guint64     rng;
  guint64     serial;
  guint       next_slot;

  GPtrArray  *departments;
  GPtrArray  *people;
  guint       n_live_departments;
  guint       n_live_people;

  GHashTable *dept_by_zwdd;
  GHashTable *dept_by_yzj;
  GHashTable *person_by_code;
  GHashTable *person_by_open_id;
  GHashTable *person_by_account;
  GHashTable *person_by_mobile;

  GArray     *zwdd_scope;
};

G_DEFINE_FINAL_TYPE (YqSimOrg, yq_sim_org, G_TYPE_OBJECT)

enum {
  DEPARTMENT_CHANGED,
  PERSON_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (yq-sim-org-error-quark, yq_sim_org_error)

/* Name tables ------------------------------------------------------------ */

typedef struct
{
  const char *hanzi;
  const char *pinyin;
  guint       weight;
} Syllable;

/* Common surnames with rough relative frequencies (per ten thousand). */
static const Syllable surnames[] = {
  { "王", "wang", 710 }, { "李", "li", 700 }, { "张", "zhang", 680 }, { "刘", "liu", 540 },
  { "陈", "chen", 450 }, { "杨", "yang", 310 }, { "黄", "huang", 220 }, { "赵", "zhao", 200 },
  { "吴", "wu", 190 }, { "周", "zhou", 190 }, { "徐", "xu", 130 }, { "孙", "sun", 130 },
  { "马", "ma", 120 }, { "朱", "zhu", 120 }, { "胡", "hu", 110 }, { "郭", "guo", 110 },
  { "何", "he", 100 }, { "高", "gao", 100 }, { "林", "lin", 100 }, { "罗", "luo", 90 },
  { "郑", "zheng", 90 }, { "梁", "liang", 80 }, { "谢", "xie", 70 }, { "宋", "song", 70 },
  { "唐", "tang", 70 }, { "许", "xu", 60 }, { "韩", "han", 60 }, { "冯", "feng", 60 },
  { "邓", "deng", 60 }, { "曹", "cao", 60 }, { "彭", "peng", 50 }, { "曾", "zeng", 50 },
  { "肖", "xiao", 50 }, { "田", "tian", 50 }, { "董", "dong", 50 }, { "袁", "yuan", 40 },
  { "潘", "pan", 40 }, { "于", "yu", 40 }, { "蒋", "jiang", 40 }, { "蔡", "cai", 40 },
  { "余", "yu", 40 }, { "杜", "du", 40 }, { "叶", "ye", 40 }, { "程", "cheng", 40 },
  { "苏", "su", 30 }, { "魏", "wei", 30 }, { "吕", "lv", 30 }, { "丁", "ding", 30 },
  { "任", "ren", 30 }, { "沈", "shen", 30 }, { "姚", "yao", 30 }, { "卢", "lu", 30 },
  { "姜", "jiang", 30 }, { "崔", "cui", 30 }, { "钟", "zhong", 30 }, { "谭", "tan", 30 },
  { "陆", "lu", 30 }, { "汪", "wang", 30 }, { "范", "fan", 30 }, { "金", "jin", 30 },
  { "石", "shi", 30 }, { "廖", "liao", 30 }, { "贾", "jia", 30 }, { "夏", "xia", 20 },
  { "韦", "wei", 20 }, { "付", "fu", 20 }, { "方", "fang", 20 }, { "白", "bai", 20 },
  { "邹", "zou", 20 }, { "孟", "meng", 20 }, { "熊", "xiong", 20 }, { "秦", "qin", 20 },
  { "邱", "qiu", 20 }, { "江", "jiang", 20 }, { "尹", "yin", 20 }, { "薛", "xue", 20 },
  { "闫", "yan", 20 }, { "段", "duan", 20 }, { "雷", "lei", 20 }, { "侯", "hou", 20 },
  { "龙", "long", 20 }, { "史", "shi", 20 }, { "陶", "tao", 20 }, { "黎", "li", 20 },
  { "贺", "he", 20 }, { "顾", "gu", 20 }, { "毛", "mao", 20 }, { "郝", "hao", 20 },
  { "龚", "gong", 20 }, { "邵", "shao", 20 }, { "万", "wan", 10 }, { "钱", "qian", 10 },
  { "严", "yan", 10 }, { "覃", "qin", 10 }, { "武", "wu", 10 }, { "戴", "dai", 10 },
  { "莫", "mo", 10 }, { "孔", "kong", 10 }, { "向", "xiang", 10 }, { "汤", "tang", 10 },
  { "欧阳", "ouyang", 5 }, { "司马", "sima", 2 }, { "诸葛", "zhuge", 1 },
};

static const Syllable male_given[] = {
  { "伟", "wei" }, { "强", "qiang" }, { "磊", "lei" }, { "军", "jun" }, { "勇", "yong" },
  { "杰", "jie" }, { "涛", "tao" }, { "斌", "bin" }, { "超", "chao" }, { "明", "ming" },
  { "刚", "gang" }, { "平", "ping" }, { "辉", "hui" }, { "鹏", "peng" }, { "华", "hua" },
  { "飞", "fei" }, { "鑫", "xin" }, { "波", "bo" }, { "宇", "yu" }, { "浩", "hao" },
  { "凯", "kai" }, { "健", "jian" }, { "俊", "jun" }, { "帆", "fan" }, { "帅", "shuai" },
  { "旭", "xu" }, { "宁", "ning" }, { "龙", "long" }, { "林", "lin" }, { "峰", "feng" },
  { "建", "jian" }, { "国", "guo" }, { "文", "wen" }, { "志", "zhi" }, { "海", "hai" },
  { "东", "dong" }, { "晨", "chen" }, { "博", "bo" }, { "亮", "liang" }, { "成", "cheng" },
  { "永", "yong" }, { "庆", "qing" }, { "春", "chun" }, { "良", "liang" }, { "荣", "rong" },
  { "新", "xin" }, { "立", "li" }, { "德", "de" }, { "振", "zhen" }, { "家", "jia" },
  { "子", "zi" }, { "轩", "xuan" }, { "泽", "ze" }, { "睿", "rui" }, { "嘉", "jia" },
  { "铭", "ming" }, { "天", "tian" }, { "昊", "hao" }, { "然", "ran" }, { "毅", "yi" },
};

static const Syllable female_given[] = {
  { "芳", "fang" }, { "娜", "na" }, { "敏", "min" }, { "静", "jing" }, { "丽", "li" },
  { "艳", "yan" }, { "娟", "juan" }, { "霞", "xia" }, { "秀", "xiu" }, { "英", "ying" },
  { "玲", "ling" }, { "婷", "ting" }, { "雪", "xue" }, { "慧", "hui" }, { "红", "hong" },
  { "洁", "jie" }, { "琳", "lin" }, { "晶", "jing" }, { "燕", "yan" }, { "萍", "ping" },
  { "倩", "qian" }, { "颖", "ying" }, { "梅", "mei" }, { "莉", "li" }, { "欣", "xin" },
  { "悦", "yue" }, { "佳", "jia" }, { "怡", "yi" }, { "琪", "qi" }, { "雯", "wen" },
  { "蕾", "lei" }, { "璐", "lu" }, { "薇", "wei" }, { "琴", "qin" }, { "云", "yun" },
  { "兰", "lan" }, { "月", "yue" }, { "淑", "shu" }, { "珊", "shan" }, { "梦", "meng" },
  { "思", "si" }, { "雨", "yu" }, { "诗", "shi" }, { "涵", "han" }, { "馨", "xin" },
  { "彤", "tong" }, { "妍", "yan" }, { "桂", "gui" }, { "凤", "feng" }, { "晓", "xiao" },
};

static const char * const level1_names[] = {
  "办公室", "党委办公室", "组织人事处", "财务处", "审计处", "法规处", "规划发展处",
  "综合管理处", "信息中心", "数据资源中心", "后勤服务中心", "安全生产监督处", "科技创新处",
  "政策研究室", "纪检监察室", "宣传处", "机关党委", "离退休干部处", "行政审批处", "督查室",
};

static const char * const places[] = {
  "东城", "西城", "南湖", "北岸", "江北", "城南", "高新区", "经开区", "滨海", "临港",
  "河西", "江东", "山南", "湖滨", "新城", "老城", "港区", "开发区", "城西", "城北",
};

static const char * const level2_names[] = {
  "办公室", "综合科", "财务科", "人事科", "业务一科", "业务二科", "业务三科", "技术部",
  "市场部", "客户服务部", "质量管理部", "信息中心", "项目管理部", "安全环保部", "采购部",
  "法务部", "运营部", "研发部", "档案室", "后勤保障科", "政策法规科", "计划财务科",
  "监督检查科", "宣传教育科",
};

static const char * const level3_names[] = {
  "综合组", "一组", "二组", "三组", "四组", "项目一组", "项目二组", "开发组", "测试组",
  "运维组", "督查组", "宣传组", "后勤组", "外联组", "数据组", "网格一站", "网格二站",
  "值班室", "资料室", "调研组", "服务窗口", "审核组", "稽查组", "接待组",
};

static const char * const titles[] = {
  "科员", "科员", "科员", "主任科员", "副科长", "科长", "副处长", "处长", "工程师",
  "工程师", "高级工程师", "助理", "经理", "副经理", "主管", "专员", "专员", "会计", "出纳",
  "文员", "技术员", "技术员", "办事员", "调研员",
};

static const char * const mobile_prefixes[] = {
  "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
  "150", "151", "152", "153", "155", "156", "157", "158", "159",
  "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
};

static char *
chinese_number (guint n)
{
  static const char * const digits[] = {
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九",
  };

  if (n == 0 || n >= 100)
    return g_strdup_printf ("%u", n);
  if (n < 10)
    return g_strdup (digits[n]);
  if (n < 20)
    return g_strconcat ("十", n % 10 ? digits[n % 10] : "", NULL);

  return g_strconcat (digits[n / 10], "十", n % 10 ? digits[n % 10] : "", NULL);
}

/* Helpers ----------------------------------------------------------------- */

static void
department_free (YqSimDepartment *dept)
{
  g_free (dept->name);
  g_clear_pointer (&dept->children, g_array_unref);
  g_clear_pointer (&dept->members, g_array_unref);
  g_free (dept);
}

static void
person_free (YqSimPerson *person)
{
  g_free (person->name);
  g_free (person->email);
  g_free (person->job_number);
  g_free (person->title);
  g_free (person->account_code);
  g_free (person->departments);
  g_free (person);
}

static void
format_uuid (char    *out,
             guint64 *rng)
{
  char hex[33];

  yq_sim_hex_write (hex, rng, 32);
  hex[12] = '4';
  hex[16] = "89ab"[hex[16] % 4];
  g_snprintf (out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static void
garray_remove_value (GArray *array,
                     guint   value)
{
  for (guint i = 0; i < array->len; i++)
    {
      if (g_array_index (array, guint, i) == value)
        {
          g_array_remove_index (array, i);
          return;
        }
    }
}

static inline YqSimDepartment *
dept_at (YqSimOrg *self,
         guint     index)
{
  return g_ptr_array_index (self->departments, index);
}

static inline YqSimPerson *
person_at (YqSimOrg *self,
           guint     index)
{
  return g_ptr_array_index (self->people, index);
}

static void
touch_department (YqSimOrg        *self,
                  YqSimDepartment *dept,
                  YqSimChange      change)
{
  dept->change = change;
  dept->changed_usec = g_get_real_time ();
  self->serial++;
  g_signal_emit (self, signals[DEPARTMENT_CHANGED], 0, dept->index, (guint) change);
}

static void
touch_person (YqSimOrg    *self,
              YqSimPerson *person,
              YqSimChange  change)
{
  person->change = change;
  person->changed_usec = g_get_real_time ();
  self->serial++;
  g_signal_emit (self, signals[PERSON_CHANGED], 0, person->index, (guint) change);
}

static gboolean
valid_name (const char  *name,
            GError     **error)
{
  if (name == NULL || *name == '\0' || strchr (name, '\\') != NULL ||
      !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID,
                   "invalid department name “%s”", name ? name : "");
      return FALSE;
    }

  return TRUE;
}

static YqSimDepartment *
department_create (YqSimOrg   *self,
                   int         parent,
                   const char *name,
                   gint64      order,
                   guint64    *rng,
                   gint64      gmt_create)
{
  YqSimDepartment *dept = g_new0 (YqSimDepartment, 1);

  dept->index = self->departments->len;
  dept->parent = parent;
  dept->name = g_strdup (name);
  dept->order = order;
  dept->gmt_create = gmt_create;
  dept->changed_usec = g_get_real_time ();
  dept->change = YQ_SIM_CHANGE_ADDED;
  dept->children = g_array_new (FALSE, FALSE, sizeof (guint));
  dept->members = g_array_new (FALSE, FALSE, sizeof (guint));
  dept->children_sorted = TRUE;
  dept->members_sorted = TRUE;

  memcpy (dept->zwdd_code, "GO_", 3);
  yq_sim_hex_write (dept->zwdd_code + 3, rng, 32);

  if (parent < 0)
    yq_sim_hex_write (dept->yzj_id, rng, 24);
  else
    format_uuid (dept->yzj_id, rng);

  if (parent >= 0)
    {
      YqSimDepartment *p = dept_at (self, parent);

      dept->depth = p->depth + 1;
      g_array_append_val (p->children, dept->index);
      p->children_sorted = FALSE;
      if (order > (gint64) p->next_order)
        p->next_order = (guint) MIN (order, G_MAXUINT);
    }

  g_ptr_array_add (self->departments, dept);
  g_hash_table_insert (self->dept_by_zwdd, dept->zwdd_code, dept);
  g_hash_table_insert (self->dept_by_yzj, dept->yzj_id, dept);
  self->n_live_departments++;

  return dept;
}

static void
person_index_add (YqSimOrg    *self,
                  YqSimPerson *person)
{
  g_hash_table_insert (self->person_by_code, person->employee_code, person);
  g_hash_table_insert (self->person_by_open_id, person->open_id, person);
  g_hash_table_insert (self->person_by_account, &person->account_id, person);
  g_hash_table_insert (self->person_by_mobile, person->mobile, person);
}

static void
person_index_remove (YqSimOrg    *self,
                     YqSimPerson *person)
{
  g_hash_table_remove (self->person_by_code, person->employee_code);
  g_hash_table_remove (self->person_by_open_id, person->open_id);
  g_hash_table_remove (self->person_by_account, &person->account_id);
  g_hash_table_remove (self->person_by_mobile, person->mobile);
}

static void
person_assign_ids (YqSimOrg    *self,
                   YqSimPerson *person,
                   guint64     *rng)
{
  guint slot = self->next_slot++;

  memcpy (person->employee_code, "GE_", 3);
  yq_sim_hex_write (person->employee_code + 3, rng, 32);
  yq_sim_hex_write (person->open_id, rng, 24);
  /* Spaced slots keep account IDs unique without a collision check. */
  person->account_id = ACCOUNT_ID_BASE + (guint64) slot * 10 + yq_sim_rand_below (rng, 10);
  g_snprintf (person->account_id_str, sizeof person->account_id_str,
              "%" G_GUINT64_FORMAT, person->account_id);
  person->uid = UID_BASE + (guint64) slot * 7 + yq_sim_rand_below (rng, 7);
}

static void
person_attach (YqSimOrg    *self,
               YqSimPerson *person)
{
  for (guint i = 0; i < person->n_departments; i++)
    {
      YqSimDepartment *dept = dept_at (self, person->departments[i]);

      g_array_append_val (dept->members, person->index);
      dept->members_sorted = FALSE;
    }
}

static void
person_detach (YqSimOrg    *self,
               YqSimPerson *person)
{
  for (guint i = 0; i < person->n_departments; i++)
    {
      YqSimDepartment *dept = dept_at (self, person->departments[i]);

      garray_remove_value (dept->members, person->index);
    }
}

/* Generator ---------------------------------------------------------------- */

typedef struct
{
  const Syllable *table;
  guint           n;
  guint           total;
  guint          *cumulative;
} WeightedTable;

static const Syllable *
pick_surname (const WeightedTable *table,
              guint64             *rng)
{
  guint r = yq_sim_rand_below (rng, table->total);
  guint lo = 0, hi = table->n - 1;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (table->cumulative[mid] > r)
        hi = mid;
      else
        lo = mid + 1;
    }

  return &table->table[lo];
}

#define PICK(rng, table) ((table)[yq_sim_rand_below ((rng), G_N_ELEMENTS (table))])

static char *
pick_department_name (YqSimOrg        *self,
                      YqSimDepartment *parent,
                      guint            level,
                      guint64         *rng,
                      guint           *numbered)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *candidate = NULL;
      double r = yq_sim_rand_double (rng);

      if (level == 1)
        {
          if (r < 0.45)
            candidate = g_strdup (PICK (rng, level1_names));
          else if (r < 0.85)
            {
              g_autofree char *n = chinese_number (++(*numbered));

              candidate = g_strdup_printf ("第%s分公司", n);
            }
          else
            candidate = g_strdup_printf ("%s分局", PICK (rng, places));
        }
      else if (level == 2)
        {
          /* Every unit has an 办公室: same-named departments under different parents. */
          if (parent->children->len == 0)
            candidate = g_strdup ("办公室");
          else if (r < 0.8)
            candidate = g_strdup (PICK (rng, level2_names));
          else
            {
              g_autofree char *n = chinese_number (parent->children->len + 1);

              candidate = g_strdup_printf ("业务%s科", n);
            }
        }
      else
        {
          if (r < 0.85)
            candidate = g_strdup (PICK (rng, level3_names));
          else
            {
              g_autofree char *n = chinese_number (parent->children->len + 1);

              candidate = g_strdup_printf ("第%s工作组", n);
            }
        }

      if (yq_sim_org_find_child (self, parent, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }

  for (guint n = parent->children->len + 1;; n++)
    {
      g_autofree char *number = chinese_number (n);
      g_autofree char *candidate = g_strdup_printf ("第%s工作组", number);

      if (yq_sim_org_find_child (self, parent, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
}

static void
generate_departments (YqSimOrg *self,
                      guint     n_departments,
                      guint64  *rng)
{
  /* Shares of levels 2..7; level 1 is sized separately. */
  static const guint weights[] = { 6, 20, 30, 24, 14, 6 };
  guint counts[8] = { 0 };
  GArray *levels[8];
  guint numbered_units = 0;
  guint rest, assigned = 0;
  YqSimDepartment *root;

  root = department_create (self, -1, ROOT_NAME, 0, rng,
                            GMT_BASE - yq_sim_rand_below (rng, 3 * 365 * 86400));

  counts[1] = CLAMP ((guint) lround (sqrt ((double) n_departments) / 1.5), 2, 60);
  rest = n_departments - 1 - counts[1];
  for (guint k = 2; k <= 7; k++)
    {
      counts[k] = MAX (1, rest * weights[k - 2] / 100);
      assigned += counts[k];
    }
  if (assigned < rest)
    counts[4] += rest - assigned;
  else
    {
      /* Tiny organisations: trim the fullest levels but keep every level. */
      while (assigned > rest)
        {
          guint fullest = 2;

          for (guint k = 3; k <= 7; k++)
            if (counts[k] > counts[fullest])
              fullest = k;
          if (counts[fullest] <= 1)
            break;
          counts[fullest]--;
          assigned--;
        }
    }

  for (guint k = 0; k < G_N_ELEMENTS (levels); k++)
    levels[k] = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (levels[0], root->index);

  for (guint k = 1; k <= 7; k++)
    {
      for (guint j = 0; j < counts[k]; j++)
        {
          GArray *above = levels[k - 1];
          guint parent_index = g_array_index (above, guint, yq_sim_rand_below (rng, above->len));
          YqSimDepartment *parent = dept_at (self, parent_index);
          g_autofree char *name = pick_department_name (self, parent, k, rng, &numbered_units);
          YqSimDepartment *dept;

          dept = department_create (self, (int) parent_index, name, parent->next_order + 1, rng,
                                    GMT_BASE + yq_sim_rand_below (rng, 4 * 365 * 86400));
          g_array_append_val (levels[k], dept->index);
        }
    }

  for (guint k = 0; k < G_N_ELEMENTS (levels); k++)
    g_array_unref (levels[k]);
}

static void
generate_people (YqSimOrg *self,
                 guint     n_people,
                 guint64  *rng)
{
  WeightedTable table = { surnames, G_N_ELEMENTS (surnames), 0, NULL };
  guint cumulative[G_N_ELEMENTS (surnames)];
  guint n_departments = self->departments->len;
  guint64 mobile_mul, mobile_add;

  for (guint i = 0; i < table.n; i++)
    {
      table.total += surnames[i].weight;
      cumulative[i] = table.total;
    }
  table.cumulative = cumulative;

  /* An affine map modulo 10^8 with a multiplier coprime to 10 is a
   * permutation, so mobile suffixes never repeat. */
  mobile_mul = (yq_sim_rand_next (rng) % 49999999) * 2 + 1;
  while (mobile_mul % 5 == 0)
    mobile_mul += 2;
  mobile_add = yq_sim_rand_next (rng) % 100000000;

  g_ptr_array_set_size (self->people, 0);

  for (guint i = 0; i < n_people; i++)
    {
      YqSimPerson *person = g_new0 (YqSimPerson, 1);
      const Syllable *surname = pick_surname (&table, rng);
      const Syllable *pool;
      guint pool_len;
      GString *name = g_string_new (surname->hanzi);
      GString *pinyin = g_string_new (surname->pinyin);
      guint n_given = yq_sim_rand_double (rng) < 0.3 ? 1 : 2;
      double r;
      guint main_dept, n_extra;

      person->index = i;
      person->gender = yq_sim_rand_below (rng, 2) ? 1 : 2;
      pool = person->gender == 1 ? male_given : female_given;
      pool_len = person->gender == 1 ? G_N_ELEMENTS (male_given) : G_N_ELEMENTS (female_given);
      for (guint g = 0; g < n_given; g++)
        {
          const Syllable *s = &pool[yq_sim_rand_below (rng, pool_len)];

          g_string_append (name, s->hanzi);
          g_string_append (pinyin, s->pinyin);
        }

      person_assign_ids (self, person, rng);
      person->name = g_string_free (name, FALSE);
      g_string_append_printf (pinyin, "%u", i + 1);
      person->account_code = g_string_free (pinyin, FALSE);
      if (yq_sim_rand_double (rng) < 0.7)
        person->email = g_strconcat (person->account_code, "@" EMAIL_DOMAIN, NULL);
      person->job_number = g_strdup_printf ("YQ%06u", i + 1);
      if (yq_sim_rand_double (rng) >= 0.05)
        person->title = g_strdup (titles[yq_sim_rand_below (rng, G_N_ELEMENTS (titles))]);
      g_snprintf (person->mobile, sizeof person->mobile, "%s%08" G_GUINT64_FORMAT,
                  mobile_prefixes[yq_sim_rand_below (rng, G_N_ELEMENTS (mobile_prefixes))],
                  (mobile_mul * i + mobile_add) % 100000000);

      r = yq_sim_rand_double (rng);
      person->status = r < 0.02 ? YQ_SIM_STATUS_DISABLED
                     : r < 0.025 ? YQ_SIM_STATUS_CANCELLED
                     : YQ_SIM_STATUS_NORMAL;

      /* A few leaders at the top, one large department whose listings need
       * several pages, and everyone else spread evenly. */
      r = yq_sim_rand_double (rng);
      if (r < 0.003)
        main_dept = 0;
      else if (r < 0.063)
        main_dept = 1;
      else
        main_dept = 1 + yq_sim_rand_below (rng, n_departments - 1);

      r = yq_sim_rand_double (rng);
      n_extra = r < 0.005 ? 2 : r < 0.03 ? 1 : 0;
      person->departments = g_new (guint, 1 + n_extra);
      person->departments[0] = main_dept;
      person->n_departments = 1;
      for (guint e = 0; e < n_extra; e++)
        {
          guint extra = 1 + yq_sim_rand_below (rng, n_departments - 1);
          gboolean dup = FALSE;

          for (guint k = 0; k < person->n_departments; k++)
            dup |= person->departments[k] == extra;
          if (!dup)
            person->departments[person->n_departments++] = extra;
        }

      person->order = dept_at (self, main_dept)->members->len + 1;
      person->gmt_create = GMT_BASE + yq_sim_rand_below (rng, 5 * 365 * 86400);
      person->changed_usec = g_get_real_time ();
      person->change = YQ_SIM_CHANGE_ADDED;

      g_ptr_array_add (self->people, person);
      person_index_add (self, person);
      person_attach (self, person);
    }

  self->n_live_people = n_people;
}

/**
 * yq_sim_org_generate:
 * @n_people: number of people
 * @seed: generator seed
 *
 * Generates an organisation: about one department per 20 people, nested seven
 * levels deep below the top department, with Chinese names, unique mobile
 * numbers, job numbers, about 2 % disabled and 0.5 % cancelled people, a few
 * percent of people in more than one department, and one top-level
 * department holding about 6 % of everyone. The same @n_people and @seed
 * always give the same organisation.
 *
 * Returns: (transfer full): the organisation
 */
YqSimOrg *
yq_sim_org_generate (guint   n_people,
                     guint64 seed)
{
  YqSimOrg *self = g_object_new (YQ_TYPE_SIM_ORG, NULL);
  guint64 rng = seed ^ G_GUINT64_CONSTANT (0x5851f42d4c957f2d);
  guint n_departments = MAX (12, (n_people + 10) / 20);

  self->seed = seed;
  self->rng = seed ^ G_GUINT64_CONSTANT (0x14057b7ef767814f);

  g_ptr_array_set_size (self->departments, 0);
  generate_departments (self, n_departments, &rng);
  generate_people (self, n_people, &rng);

  return self;
}

/* GObject ----------------------------------------------------------------- */

static void
yq_sim_org_finalize (GObject *object)
{
  YqSimOrg *self = (YqSimOrg *)object;

  g_clear_pointer (&self->dept_by_zwdd, g_hash_table_unref);
  g_clear_pointer (&self->dept_by_yzj, g_hash_table_unref);
  g_clear_pointer (&self->person_by_code, g_hash_table_unref);
  g_clear_pointer (&self->person_by_open_id, g_hash_table_unref);
  g_clear_pointer (&self->person_by_account, g_hash_table_unref);
  g_clear_pointer (&self->person_by_mobile, g_hash_table_unref);
  g_clear_pointer (&self->departments, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_pointer (&self->zwdd_scope, g_array_unref);

  G_OBJECT_CLASS (yq_sim_org_parent_class)->finalize (object);
}

static void
yq_sim_org_class_init (YqSimOrgClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = yq_sim_org_finalize;

  /**
   * YqSimOrg::department-changed:
   * @index: the department's index
   * @change: a #YqSimChange
   */
  signals[DEPARTMENT_CHANGED] =
    g_signal_new ("department-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * YqSimOrg::person-changed:
   * @index: the person's index
   * @change: a #YqSimChange
   */
  signals[PERSON_CHANGED] =
    g_signal_new ("person-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
yq_sim_org_init (YqSimOrg *self)
{
  self->departments = g_ptr_array_new_with_free_func ((GDestroyNotify) department_free);
  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  /* Keys point into the records, which the arrays own. */
  self->dept_by_zwdd = g_hash_table_new (g_str_hash, g_str_equal);
  self->dept_by_yzj = g_hash_table_new (g_str_hash, g_str_equal);
  self->person_by_code = g_hash_table_new (g_str_hash, g_str_equal);
  self->person_by_open_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->person_by_account = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->person_by_mobile = g_hash_table_new (g_str_hash, g_str_equal);
  self->zwdd_scope = g_array_new (FALSE, FALSE, sizeof (guint));
}

/* Queries ----------------------------------------------------------------- */

guint64
yq_sim_org_get_seed (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), 0);

  return self->seed;
}

/**
 * yq_sim_org_get_serial:
 * @self: an organisation
 *
 * Returns: a number that grows with every edit
 */
guint64
yq_sim_org_get_serial (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), 0);

  return self->serial;
}

YqSimDepartment *
yq_sim_org_get_root (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return dept_at (self, 0);
}

/**
 * yq_sim_org_get_department_slots:
 * @self: an organisation
 *
 * Returns: the size of the department table, deleted departments included
 */
guint
yq_sim_org_get_department_slots (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), 0);

  return self->departments->len;
}

YqSimDepartment *
yq_sim_org_get_department (YqSimOrg *self,
                           guint     index)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);
  g_return_val_if_fail (index < self->departments->len, NULL);

  return dept_at (self, index);
}

/**
 * yq_sim_org_count_departments:
 * @self: an organisation
 *
 * Returns: the number of departments that are not deleted, the top one included
 */
guint
yq_sim_org_count_departments (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), 0);

  return self->n_live_departments;
}

guint
yq_sim_org_get_person_slots (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), 0);

  return self->people->len;
}

YqSimPerson *
yq_sim_org_get_person (YqSimOrg *self,
                       guint     index)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);
  g_return_val_if_fail (index < self->people->len, NULL);

  return person_at (self, index);
}

guint
yq_sim_org_count_people (YqSimOrg *self)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), 0);

  return self->n_live_people;
}

YqSimDepartment *
yq_sim_org_find_zwdd_department (YqSimOrg   *self,
                                 const char *organization_code)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return organization_code ? g_hash_table_lookup (self->dept_by_zwdd, organization_code) : NULL;
}

YqSimDepartment *
yq_sim_org_find_yzj_department (YqSimOrg   *self,
                                const char *org_id)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return org_id ? g_hash_table_lookup (self->dept_by_yzj, org_id) : NULL;
}

/**
 * yq_sim_org_find_department:
 * @self: an organisation
 * @id: a 政务钉钉 organizationCode, a 云之家 orgId or a decimal table index
 *   prefixed with `#`
 *
 * Returns: (nullable): the live department
 */
YqSimDepartment *
yq_sim_org_find_department (YqSimOrg   *self,
                            const char *id)
{
  YqSimDepartment *dept;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (id == NULL)
    return NULL;

  if (id[0] == '#')
    {
      guint64 index;

      if (!g_ascii_string_to_unsigned (id + 1, 10, 0, self->departments->len - 1, &index, NULL))
        return NULL;
      dept = dept_at (self, (guint) index);
      return dept->deleted ? NULL : dept;
    }

  dept = g_hash_table_lookup (self->dept_by_zwdd, id);
  if (dept == NULL)
    dept = g_hash_table_lookup (self->dept_by_yzj, id);

  return dept;
}

YqSimDepartment *
yq_sim_org_find_child (YqSimOrg        *self,
                       YqSimDepartment *parent,
                       const char      *name)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);
  g_return_val_if_fail (parent != NULL, NULL);

  for (guint i = 0; i < parent->children->len; i++)
    {
      YqSimDepartment *child = dept_at (self, g_array_index (parent->children, guint, i));

      if (g_strcmp0 (child->name, name) == 0)
        return child;
    }

  return NULL;
}

/**
 * yq_sim_org_find_by_long_name:
 * @self: an organisation
 * @long_name: a 云之家 long name: short names from below the team root down,
 *   joined with a backslash; a lone backslash or an empty string is the root
 *
 * Returns: (nullable): the department
 */
YqSimDepartment *
yq_sim_org_find_by_long_name (YqSimOrg   *self,
                              const char *long_name)
{
  g_auto(GStrv) parts = NULL;
  YqSimDepartment *dept;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (long_name == NULL)
    return NULL;

  dept = dept_at (self, 0);
  if (*long_name == '\0' || g_str_equal (long_name, "\\"))
    return dept;

  parts = g_strsplit (long_name, "\\", -1);
  for (guint i = 0; parts[i] != NULL && dept != NULL; i++)
    {
      if (parts[i][0] == '\0')
        return NULL;
      dept = yq_sim_org_find_child (self, dept, parts[i]);
    }

  return dept;
}

YqSimPerson *
yq_sim_org_find_by_employee_code (YqSimOrg   *self,
                                  const char *employee_code)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return employee_code ? g_hash_table_lookup (self->person_by_code, employee_code) : NULL;
}

YqSimPerson *
yq_sim_org_find_by_account_id (YqSimOrg *self,
                               guint64   account_id)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return g_hash_table_lookup (self->person_by_account, &account_id);
}

YqSimPerson *
yq_sim_org_find_by_open_id (YqSimOrg   *self,
                            const char *open_id)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return open_id ? g_hash_table_lookup (self->person_by_open_id, open_id) : NULL;
}

YqSimPerson *
yq_sim_org_find_by_mobile (YqSimOrg   *self,
                           const char *mobile)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  return mobile ? g_hash_table_lookup (self->person_by_mobile, mobile) : NULL;
}

/**
 * yq_sim_org_find_person:
 * @self: an organisation
 * @id: an employeeCode, openId, accountId, mobile number, or a table index
 *   prefixed with `#`
 *
 * Returns: (nullable): the live person
 */
YqSimPerson *
yq_sim_org_find_person (YqSimOrg   *self,
                        const char *id)
{
  YqSimPerson *person;
  guint64 number;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (id == NULL || *id == '\0')
    return NULL;

  if (id[0] == '#')
    {
      if (self->people->len == 0 ||
          !g_ascii_string_to_unsigned (id + 1, 10, 0, self->people->len - 1, &number, NULL))
        return NULL;
      person = person_at (self, (guint) number);
      return person->deleted ? NULL : person;
    }

  if ((person = g_hash_table_lookup (self->person_by_code, id)) != NULL ||
      (person = g_hash_table_lookup (self->person_by_open_id, id)) != NULL ||
      (person = g_hash_table_lookup (self->person_by_mobile, id)) != NULL)
    return person;

  if (g_ascii_string_to_unsigned (id, 10, 0, G_MAXUINT64, &number, NULL))
    return g_hash_table_lookup (self->person_by_account, &number);

  return NULL;
}

static int
compare_departments (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  YqSimOrg *self = user_data;
  const YqSimDepartment *da = dept_at (self, *(const guint *) a);
  const YqSimDepartment *db = dept_at (self, *(const guint *) b);

  if (da->order != db->order)
    return da->order < db->order ? -1 : 1;

  return da->index < db->index ? -1 : da->index > db->index;
}

static int
compare_people (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  YqSimOrg *self = user_data;
  const YqSimPerson *pa = person_at (self, *(const guint *) a);
  const YqSimPerson *pb = person_at (self, *(const guint *) b);

  if (pa->order != pb->order)
    return pa->order < pb->order ? -1 : 1;

  return pa->index < pb->index ? -1 : pa->index > pb->index;
}

/**
 * yq_sim_org_get_children:
 * @self: an organisation
 * @dept: a department
 *
 * Returns: (transfer none) (element-type guint): indexes of the live children,
 *   by order and then by creation
 */
GArray *
yq_sim_org_get_children (YqSimOrg        *self,
                         YqSimDepartment *dept)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (!dept->children_sorted)
    {
      g_array_sort_with_data (dept->children, compare_departments, self);
      dept->children_sorted = TRUE;
    }

  return dept->children;
}

/**
 * yq_sim_org_get_members:
 * @self: an organisation
 * @dept: a department
 *
 * Returns: (transfer none) (element-type guint): indexes of the people in
 *   @dept (as main or other department), by order and then by creation
 */
GArray *
yq_sim_org_get_members (YqSimOrg        *self,
                        YqSimDepartment *dept)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (!dept->members_sorted)
    {
      g_array_sort_with_data (dept->members, compare_people, self);
      dept->members_sorted = TRUE;
    }

  return dept->members;
}

/**
 * yq_sim_org_get_long_name:
 * @self: an organisation
 * @dept: a department
 *
 * Returns: (transfer full): the 云之家 long name: the path below the team root,
 *   joined with backslashes; "" for the root itself
 */
char *
yq_sim_org_get_long_name (YqSimOrg        *self,
                          YqSimDepartment *dept)
{
  const char *parts[64];
  guint n = 0;
  GString *out;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  for (YqSimDepartment *d = dept; d->parent >= 0 && n < G_N_ELEMENTS (parts);
       d = dept_at (self, d->parent))
    parts[n++] = d->name;

  out = g_string_sized_new (16 * n);
  while (n > 0)
    {
      g_string_append (out, parts[--n]);
      if (n > 0)
        g_string_append_c (out, '\\');
    }

  return g_string_free (out, FALSE);
}

/**
 * yq_sim_org_is_ancestor:
 * @self: an organisation
 * @ancestor: a department
 * @dept: another department
 *
 * Returns: %TRUE if @dept is @ancestor or lies below it
 */
gboolean
yq_sim_org_is_ancestor (YqSimOrg        *self,
                        YqSimDepartment *ancestor,
                        YqSimDepartment *dept)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);

  for (YqSimDepartment *d = dept; d != NULL; d = d->parent >= 0 ? dept_at (self, d->parent) : NULL)
    if (d == ancestor)
      return TRUE;

  return FALSE;
}

/**
 * yq_sim_org_get_unit_code:
 * @self: an organisation
 * @dept: a department
 *
 * Returns: the 政务钉钉 code of the unit (单位) @dept belongs to: its top-level
 *   ancestor, or the top organisation for the top organisation itself
 */
const char *
yq_sim_org_get_unit_code (YqSimOrg        *self,
                          YqSimDepartment *dept)
{
  YqSimDepartment *d = dept;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  while (d->depth > 1)
    d = dept_at (self, d->parent);

  return d->zwdd_code;
}

/**
 * yq_sim_org_set_zwdd_scope:
 * @self: an organisation
 * @departments: (nullable) (element-type YqSimDepartment): the departments the
 *   政务钉钉 app may see, with their subtrees; %NULL or empty for the whole
 *   organisation
 */
void
yq_sim_org_set_zwdd_scope (YqSimOrg  *self,
                           GPtrArray *departments)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));

  g_array_set_size (self->zwdd_scope, 0);
  for (guint i = 0; departments != NULL && i < departments->len; i++)
    {
      YqSimDepartment *dept = g_ptr_array_index (departments, i);

      g_array_append_val (self->zwdd_scope, dept->index);
    }
  self->serial++;
}

/**
 * yq_sim_org_get_zwdd_scope:
 * @self: an organisation
 *
 * Returns: (transfer container) (element-type YqSimDepartment): the live
 *   departments at the top of the 政务钉钉 app's scope
 */
GPtrArray *
yq_sim_org_get_zwdd_scope (YqSimOrg *self)
{
  GPtrArray *scope = g_ptr_array_new ();

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), scope);

  for (guint i = 0; i < self->zwdd_scope->len; i++)
    {
      YqSimDepartment *dept = dept_at (self, g_array_index (self->zwdd_scope, guint, i));

      if (!dept->deleted)
        g_ptr_array_add (scope, dept);
    }

  if (scope->len == 0)
    g_ptr_array_add (scope, dept_at (self, 0));

  return scope;
}

gboolean
yq_sim_org_in_zwdd_scope (YqSimOrg        *self,
                          YqSimDepartment *dept)
{
  gboolean any = FALSE;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);

  if (dept == NULL || dept->deleted)
    return FALSE;

  for (guint i = 0; i < self->zwdd_scope->len; i++)
    {
      YqSimDepartment *top = dept_at (self, g_array_index (self->zwdd_scope, guint, i));

      if (top->deleted)
        continue;
      any = TRUE;
      if (yq_sim_org_is_ancestor (self, top, dept))
        return TRUE;
    }

  return !any;
}

/* Edits ------------------------------------------------------------------- */

/**
 * yq_sim_org_add_department:
 * @self: an organisation
 * @parent: the parent department
 * @name: short name, unique among the parent's children
 * @order: sort order, or a negative number to place it last
 * @error: return location for an error
 *
 * Returns: (transfer none) (nullable): the new department
 */
YqSimDepartment *
yq_sim_org_add_department (YqSimOrg         *self,
                           YqSimDepartment  *parent,
                           const char       *name,
                           gint64            order,
                           GError          **error)
{
  YqSimDepartment *dept;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);
  g_return_val_if_fail (parent != NULL, NULL);

  if (!valid_name (name, error))
    return NULL;

  if (parent->deleted)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_NOT_FOUND,
                   "parent department %s does not exist", parent->yzj_id);
      return NULL;
    }

  if (yq_sim_org_find_child (self, parent, name) != NULL)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS,
                   "“%s” already has a department named “%s”", parent->name, name);
      return NULL;
    }

  dept = department_create (self, (int) parent->index, name,
                            order < 0 ? (gint64) parent->next_order + 1 : order,
                            &self->rng, g_get_real_time () / G_USEC_PER_SEC);
  touch_department (self, dept, YQ_SIM_CHANGE_ADDED);

  return dept;
}

/**
 * yq_sim_org_ensure_path:
 * @self: an organisation
 * @long_name: a 云之家 long name
 * @order: sort order of the last level if it is created, or negative for last
 * @created: (out) (optional): whether the last level was created
 * @error: return location for an error
 *
 * Finds the department @long_name names, creating missing levels.
 *
 * Returns: (transfer none) (nullable): the department
 */
YqSimDepartment *
yq_sim_org_ensure_path (YqSimOrg    *self,
                        const char  *long_name,
                        gint64       order,
                        gboolean    *created,
                        GError     **error)
{
  g_auto(GStrv) parts = NULL;
  YqSimDepartment *dept;
  guint n;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (created)
    *created = FALSE;

  if (long_name == NULL || *long_name == '\0' || g_str_equal (long_name, "\\"))
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID, "empty long name");
      return NULL;
    }

  parts = g_strsplit (long_name, "\\", -1);
  n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    if (!valid_name (parts[i], error))
      return NULL;

  dept = dept_at (self, 0);
  for (guint i = 0; i < n; i++)
    {
      YqSimDepartment *child = yq_sim_org_find_child (self, dept, parts[i]);

      if (child == NULL)
        {
          child = yq_sim_org_add_department (self, dept, parts[i], i + 1 == n ? order : -1, error);
          if (child == NULL)
            return NULL;
          if (created && i + 1 == n)
            *created = TRUE;
        }
      dept = child;
    }

  return dept;
}

gboolean
yq_sim_org_rename_department (YqSimOrg         *self,
                              YqSimDepartment  *dept,
                              const char       *name,
                              GError          **error)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);
  g_return_val_if_fail (dept != NULL, FALSE);

  if (!valid_name (name, error))
    return FALSE;

  if (g_strcmp0 (dept->name, name) == 0)
    return TRUE;

  if (dept->parent >= 0 && yq_sim_org_find_child (self, dept_at (self, dept->parent), name) != NULL)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS,
                   "a sibling department is already named “%s”", name);
      return FALSE;
    }

  g_free (dept->name);
  dept->name = g_strdup (name);
  touch_department (self, dept, YQ_SIM_CHANGE_UPDATED);

  return TRUE;
}

static void
update_depths (YqSimOrg        *self,
               YqSimDepartment *dept)
{
  for (guint i = 0; i < dept->children->len; i++)
    {
      YqSimDepartment *child = dept_at (self, g_array_index (dept->children, guint, i));

      child->depth = dept->depth + 1;
      update_depths (self, child);
    }
}

gboolean
yq_sim_org_move_department (YqSimOrg         *self,
                            YqSimDepartment  *dept,
                            YqSimDepartment  *new_parent,
                            GError          **error)
{
  YqSimDepartment *old_parent;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);
  g_return_val_if_fail (dept != NULL && new_parent != NULL, FALSE);

  if (dept->parent < 0 || new_parent->deleted || yq_sim_org_is_ancestor (self, dept, new_parent))
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID,
                   "cannot move “%s” below “%s”", dept->name, new_parent->name);
      return FALSE;
    }

  old_parent = dept_at (self, dept->parent);
  if (old_parent == new_parent)
    return TRUE;

  if (yq_sim_org_find_child (self, new_parent, dept->name) != NULL)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS,
                   "“%s” already has a department named “%s”", new_parent->name, dept->name);
      return FALSE;
    }

  garray_remove_value (old_parent->children, dept->index);
  dept->parent = (int) new_parent->index;
  dept->order = (gint64) ++new_parent->next_order;
  g_array_append_val (new_parent->children, dept->index);
  new_parent->children_sorted = FALSE;
  dept->depth = new_parent->depth + 1;
  update_depths (self, dept);
  touch_department (self, dept, YQ_SIM_CHANGE_UPDATED);

  return TRUE;
}

void
yq_sim_org_set_department_order (YqSimOrg        *self,
                                 YqSimDepartment *dept,
                                 gint64           order)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));
  g_return_if_fail (dept != NULL);

  if (dept->order == order)
    return;

  dept->order = order;
  if (dept->parent >= 0)
    {
      YqSimDepartment *parent = dept_at (self, dept->parent);

      parent->children_sorted = FALSE;
      if (order > (gint64) parent->next_order)
        parent->next_order = (guint) MIN (order, G_MAXUINT);
    }
  touch_department (self, dept, YQ_SIM_CHANGE_UPDATED);
}

static YqSimDepartment *
ensure_top_level (YqSimOrg   *self,
                  const char *name)
{
  YqSimDepartment *root = dept_at (self, 0);
  YqSimDepartment *dept = yq_sim_org_find_child (self, root, name);

  if (dept == NULL)
    dept = yq_sim_org_add_department (self, root, name, -1, NULL);

  return dept;
}

static void
person_replace_department (YqSimOrg    *self,
                           YqSimPerson *person,
                           guint        old_index,
                           int          new_index)
{
  guint k = 0;

  for (guint i = 0; i < person->n_departments; i++)
    {
      guint d = person->departments[i];

      if (d == old_index)
        {
          if (new_index < 0)
            continue;
          d = (guint) new_index;
        }
      person->departments[k++] = d;
    }
  person->n_departments = k;

  if (new_index >= 0)
    {
      YqSimDepartment *target = dept_at (self, (guint) new_index);

      g_array_append_val (target->members, person->index);
      target->members_sorted = FALSE;
    }
}

/**
 * yq_sim_org_delete_department:
 * @self: an organisation
 * @dept: a department without live children
 * @error: return location for an error
 *
 * Deletes @dept the way 云之家 does: people whose main department it was move
 * to 未分配 when their status is normal, otherwise to 待分配; other people just
 * lose it as an extra department.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_sim_org_delete_department (YqSimOrg         *self,
                              YqSimDepartment  *dept,
                              GError          **error)
{
  g_autoptr(GArray) members = NULL;
  YqSimDepartment *parent;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);
  g_return_val_if_fail (dept != NULL, FALSE);

  if (dept->parent < 0 || dept->deleted)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID,
                   "cannot delete “%s”", dept->name);
      return FALSE;
    }

  if (dept->children->len > 0)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_NOT_EMPTY,
                   "“%s” still has sub-departments", dept->name);
      return FALSE;
    }

  members = g_array_copy (dept->members);
  g_array_set_size (dept->members, 0);

  for (guint i = 0; i < members->len; i++)
    {
      YqSimPerson *person = person_at (self, g_array_index (members, guint, i));
      int target = -1;

      if (person->departments[0] == dept->index)
        {
          YqSimDepartment *home;

          home = ensure_top_level (self, person->status == YQ_SIM_STATUS_NORMAL
                                         ? UNASSIGNED_NAME : PENDING_NAME);
          /* Someone already listed there keeps a single membership. */
          for (guint k = 1; k < person->n_departments; k++)
            if (person->departments[k] == home->index)
              {
                person_replace_department (self, person, home->index, -1);
                garray_remove_value (home->members, person->index);
                break;
              }
          target = (int) home->index;
        }

      person_replace_department (self, person, dept->index, target);
      touch_person (self, person, YQ_SIM_CHANGE_UPDATED);
    }

  parent = dept_at (self, dept->parent);
  garray_remove_value (parent->children, dept->index);
  g_hash_table_remove (self->dept_by_zwdd, dept->zwdd_code);
  g_hash_table_remove (self->dept_by_yzj, dept->yzj_id);
  dept->deleted = TRUE;
  self->n_live_departments--;
  touch_department (self, dept, YQ_SIM_CHANGE_DELETED);

  return TRUE;
}

static gboolean
check_departments (YqSimOrg     *self,
                   const guint  *departments,
                   guint         n_departments,
                   GError      **error)
{
  if (n_departments == 0)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID, "no department given");
      return FALSE;
    }

  for (guint i = 0; i < n_departments; i++)
    {
      if (departments[i] >= self->departments->len || dept_at (self, departments[i])->deleted)
        {
          g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_NOT_FOUND,
                       "department #%u does not exist", departments[i]);
          return FALSE;
        }
      for (guint k = 0; k < i; k++)
        if (departments[k] == departments[i])
          {
            g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID,
                         "department #%u given twice", departments[i]);
            return FALSE;
          }
    }

  return TRUE;
}

static gboolean
valid_mobile (const char  *mobile,
              GError     **error)
{
  gsize len = mobile ? strlen (mobile) : 0;

  if (len < 5 || len > 11 || strspn (mobile, "0123456789") != len)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID,
                   "invalid mobile number “%s”", mobile ? mobile : "");
      return FALSE;
    }

  return TRUE;
}

/**
 * yq_sim_org_add_person:
 * @self: an organisation
 * @name: full name
 * @mobile: mobile number, unique in the organisation
 * @departments: (array length=n_departments): department indexes, main first
 * @n_departments: length of @departments
 * @error: return location for an error
 *
 * Returns: (transfer none) (nullable): the new person, with normal status
 */
YqSimPerson *
yq_sim_org_add_person (YqSimOrg     *self,
                       const char   *name,
                       const char   *mobile,
                       const guint  *departments,
                       guint         n_departments,
                       GError      **error)
{
  YqSimPerson *person;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_INVALID, "name is empty");
      return NULL;
    }

  if (!valid_mobile (mobile, error) || !check_departments (self, departments, n_departments, error))
    return NULL;

  if (g_hash_table_contains (self->person_by_mobile, mobile))
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS,
                   "mobile number %s is already used", mobile);
      return NULL;
    }

  person = g_new0 (YqSimPerson, 1);
  person->index = self->people->len;
  person->name = g_strdup (name);
  g_strlcpy (person->mobile, mobile, sizeof person->mobile);
  person_assign_ids (self, person, &self->rng);
  person->account_code = g_strdup_printf ("user%s", person->account_id_str);
  person->departments = g_memdup2 (departments, n_departments * sizeof (guint));
  person->n_departments = n_departments;
  person->order = dept_at (self, departments[0])->members->len + 1;
  person->status = YQ_SIM_STATUS_NORMAL;
  person->gender = 0;
  person->gmt_create = g_get_real_time () / G_USEC_PER_SEC;

  g_ptr_array_add (self->people, person);
  person_index_add (self, person);
  person_attach (self, person);
  self->n_live_people++;
  touch_person (self, person, YQ_SIM_CHANGE_ADDED);

  return person;
}

gboolean
yq_sim_org_set_person_mobile (YqSimOrg     *self,
                              YqSimPerson  *person,
                              const char   *mobile,
                              GError      **error)
{
  YqSimPerson *other;

  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  if (!valid_mobile (mobile, error))
    return FALSE;

  other = g_hash_table_lookup (self->person_by_mobile, mobile);
  if (other == person)
    return TRUE;
  if (other != NULL)
    {
      g_set_error (error, YQ_SIM_ORG_ERROR, YQ_SIM_ORG_ERROR_EXISTS,
                   "mobile number %s is already used", mobile);
      return FALSE;
    }

  g_hash_table_remove (self->person_by_mobile, person->mobile);
  g_strlcpy (person->mobile, mobile, sizeof person->mobile);
  g_hash_table_insert (self->person_by_mobile, person->mobile, person);
  touch_person (self, person, YQ_SIM_CHANGE_UPDATED);

  return TRUE;
}

static void
replace_text (char       **field,
              const char  *value)
{
  if (value == NULL)
    return;

  g_free (*field);
  *field = *value ? g_strdup (value) : NULL;
}

/**
 * yq_sim_org_set_person_text:
 * @self: an organisation
 * @person: a person
 * @name: (nullable): new name, or %NULL to keep it
 * @email: (nullable): new e-mail, "" to clear, %NULL to keep
 * @job_number: (nullable): new job number, "" to clear, %NULL to keep
 * @title: (nullable): new title, "" to clear, %NULL to keep
 */
void
yq_sim_org_set_person_text (YqSimOrg    *self,
                            YqSimPerson *person,
                            const char  *name,
                            const char  *email,
                            const char  *job_number,
                            const char  *title)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));
  g_return_if_fail (person != NULL);

  if (name != NULL && *name != '\0')
    replace_text (&person->name, name);
  replace_text (&person->email, email);
  replace_text (&person->job_number, job_number);
  replace_text (&person->title, title);
  touch_person (self, person, YQ_SIM_CHANGE_UPDATED);
}

gboolean
yq_sim_org_set_person_departments (YqSimOrg     *self,
                                   YqSimPerson  *person,
                                   const guint  *departments,
                                   guint         n_departments,
                                   GError      **error)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), FALSE);
  g_return_val_if_fail (person != NULL, FALSE);

  if (!check_departments (self, departments, n_departments, error))
    return FALSE;

  person_detach (self, person);
  g_free (person->departments);
  person->departments = g_memdup2 (departments, n_departments * sizeof (guint));
  person->n_departments = n_departments;
  person_attach (self, person);
  touch_person (self, person, YQ_SIM_CHANGE_UPDATED);

  return TRUE;
}

void
yq_sim_org_set_person_order (YqSimOrg    *self,
                             YqSimPerson *person,
                             gint64       order)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));
  g_return_if_fail (person != NULL);

  person->order = order;
  for (guint i = 0; i < person->n_departments; i++)
    dept_at (self, person->departments[i])->members_sorted = FALSE;
  touch_person (self, person, YQ_SIM_CHANGE_UPDATED);
}

void
yq_sim_org_set_person_status (YqSimOrg    *self,
                              YqSimPerson *person,
                              YqSimStatus  status)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));
  g_return_if_fail (person != NULL);

  if (person->status == status)
    return;

  person->status = status;
  touch_person (self, person, YQ_SIM_CHANGE_UPDATED);
}

void
yq_sim_org_set_person_gender (YqSimOrg    *self,
                              YqSimPerson *person,
                              guint8       gender)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));
  g_return_if_fail (person != NULL);

  if (person->gender == gender)
    return;

  person->gender = gender;
  touch_person (self, person, YQ_SIM_CHANGE_UPDATED);
}

void
yq_sim_org_delete_person (YqSimOrg    *self,
                          YqSimPerson *person)
{
  g_return_if_fail (YQ_IS_SIM_ORG (self));
  g_return_if_fail (person != NULL);

  if (person->deleted)
    return;

  person_detach (self, person);
  person_index_remove (self, person);
  person->deleted = TRUE;
  self->n_live_people--;
  touch_person (self, person, YQ_SIM_CHANGE_DELETED);
}

/* Expected snapshots ------------------------------------------------------- */

static YqOrgSnapshot *
expected_zwdd (YqSimOrg *self)
{
  g_autoptr(GPtrArray) scope = yq_sim_org_get_zwdd_scope (self);
  YqSimDepartment *first = g_ptr_array_index (scope, 0);
  YqOrgSnapshot *snapshot = yq_org_snapshot_new (first->zwdd_code);

  for (guint i = 0; i < self->departments->len; i++)
    {
      YqSimDepartment *dept = dept_at (self, i);
      YqSimDepartment *parent;
      YqOrgDepartment *out;

      if (dept->deleted || !yq_sim_org_in_zwdd_scope (self, dept))
        continue;

      /* A scope's top organization is a root of the snapshot, even when
       * its parentCode names an organization outside the scope. */
      parent = dept->parent >= 0 ? dept_at (self, dept->parent) : NULL;
      out = yq_org_department_new (dept->zwdd_code,
                                   parent != NULL && yq_sim_org_in_zwdd_scope (self, parent)
                                     ? parent->zwdd_code : NULL,
                                   dept->name);
      out->order = dept->order;
      out->active = TRUE;
      yq_org_snapshot_add_department (snapshot, out);
    }

  for (guint i = 0; i < self->people->len; i++)
    {
      YqSimPerson *person = person_at (self, i);
      YqOrgPerson *out;
      guint n = 0;

      if (person->deleted)
        continue;

      out = yq_org_person_new (person->employee_code, person->name);
      g_free (out->department_ids);
      out->department_ids = g_new0 (char *, person->n_departments + 1);
      for (guint k = 0; k < person->n_departments; k++)
        {
          YqSimDepartment *dept = dept_at (self, person->departments[k]);

          if (yq_sim_org_in_zwdd_scope (self, dept))
            out->department_ids[n++] = g_strdup (dept->zwdd_code);
        }
      if (n == 0)
        {
          yq_org_person_free (out);
          continue;
        }

      out->account_id = g_strdup (person->account_id_str);
      out->account_code = g_strdup (person->account_code);
      out->title = g_strdup (person->title);
      out->order = person->order;
      out->active = person->status == YQ_SIM_STATUS_NORMAL;
      yq_org_snapshot_add_person (snapshot, out);
    }

  return snapshot;
}

static YqOrgSnapshot *
expected_yzj (YqSimOrg *self)
{
  YqOrgSnapshot *snapshot = yq_org_snapshot_new (dept_at (self, 0)->yzj_id);

  for (guint i = 0; i < self->departments->len; i++)
    {
      YqSimDepartment *dept = dept_at (self, i);
      YqOrgDepartment *out;

      if (dept->deleted)
        continue;

      out = yq_org_department_new (dept->yzj_id,
                                   dept->parent >= 0 ? dept_at (self, dept->parent)->yzj_id : NULL,
                                   dept->name);
      out->order = dept->order;
      out->active = TRUE;
      yq_org_snapshot_add_department (snapshot, out);
    }

  for (guint i = 0; i < self->people->len; i++)
    {
      YqSimPerson *person = person_at (self, i);
      YqOrgPerson *out;

      if (person->deleted)
        continue;

      out = yq_org_person_new (person->open_id, person->name);
      out->account_id = g_strdup (person->open_id);
      out->mobile = g_strdup (person->mobile);
      out->email = g_strdup (person->email);
      out->job_number = g_strdup (person->job_number);
      out->title = g_strdup (person->title);
      g_free (out->department_ids);
      out->department_ids = g_new0 (char *, 2);
      out->department_ids[0] = g_strdup (dept_at (self, person->departments[0])->yzj_id);
      out->order = person->order;
      out->active = person->status == YQ_SIM_STATUS_NORMAL;
      yq_org_snapshot_add_person (snapshot, out);
    }

  return snapshot;
}

/**
 * yq_sim_org_expected_snapshot:
 * @self: an organisation
 * @platform: whose view to build
 *
 * Builds the snapshot a faithful client of @platform should produce from a
 * full directory crawl, with the field mapping described at the top of this
 * file.
 *
 * Returns: (transfer full): the snapshot
 */
YqOrgSnapshot *
yq_sim_org_expected_snapshot (YqSimOrg      *self,
                              YqSimPlatform  platform)
{
  g_return_val_if_fail (YQ_IS_SIM_ORG (self), NULL);

  if (platform == YQ_SIM_PLATFORM_ZWDD)
    return expected_zwdd (self);

  return expected_yzj (self);
}
