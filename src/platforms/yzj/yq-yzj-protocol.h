/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "yq-http.h"
#include "yq-org.h"
#include "yq-platform-error.h"

G_BEGIN_DECLS

/* The pure parts of the 云之家 protocol: answers by API family, errors,
 * paging, failure lists and field mapping. */

/**
 * YqYzjFamily:
 * @YQ_YZJ_FAMILY_TOKEN: getAccessToken: `errorCode` 0
 * @YQ_YZJ_FAMILY_TICKET: acquirecontext: `errorCode` 0 and a non-empty `openid`
 * @YQ_YZJ_FAMILY_OPENIMPORT: directory sync: `errorCode` 100
 * @YQ_YZJ_FAMILY_ORGLANG: orgLang: `errorCode` 200
 * @YQ_YZJ_FAMILY_TODO: todo create/action: 200 (sync) or 0 with success
 *   (async); 501/502/505 are partial failures handed back as results
 * @YQ_YZJ_FAMILY_TODO_CHECK: checkcreatetodo: `errorCode` 0
 * @YQ_YZJ_FAMILY_PUBACC: pubsendV2: `code` 0 (or the legacy shape)
 *
 * The success rule differs per API family (§3.2); `success` is always
 * required too, as a boolean or as "true".
 */
typedef enum
{
  YQ_YZJ_FAMILY_TOKEN,
  YQ_YZJ_FAMILY_TICKET,
  YQ_YZJ_FAMILY_OPENIMPORT,
  YQ_YZJ_FAMILY_ORGLANG,
  YQ_YZJ_FAMILY_TODO,
  YQ_YZJ_FAMILY_TODO_CHECK,
  YQ_YZJ_FAMILY_PUBACC,
} YqYzjFamily;

#define YQ_YZJ_PAGE_COUNT  1000
#define YQ_YZJ_BATCH_SIZE  1000
#define YQ_YZJ_TODO_BATCH  100

/**
 * YqYzjItemError:
 * @key: what failed: `msgId` (a long name or ID), `commitId`, an openId
 * @code: (nullable): the item's code
 * @message: (nullable): the item's message
 *
 * One entry of a batch failure list (§3.3).
 */
typedef struct
{
  char *key;
  char *code;
  char *message;
} YqYzjItemError;

void             yq_yzj_item_error_free        (YqYzjItemError *item);

YqHttpVerdict    yq_yzj_parse_response         (const char     *call,
                                                YqYzjFamily     family,
                                                guint           status,
                                                gint64          clock_skew_s,
                                                GBytes         *body,
                                                JsonNode      **result,
                                                GError        **error);
YqPlatformError  yq_yzj_classify_failure       (YqYzjFamily     family,
                                                guint           status,
                                                gint64          code,
                                                const char     *text,
                                                gint64          clock_skew_s,
                                                YqHttpVerdict  *verdict);
JsonNode        *yq_yzj_result_get_data        (JsonNode       *result);
gint64           yq_yzj_result_get_code        (JsonNode       *result);
GPtrArray       *yq_yzj_parse_item_errors      (JsonNode       *data);
GPtrArray       *yq_yzj_parse_id_list          (JsonNode       *data);
gboolean         yq_yzj_page_is_last           (guint           n_items,
                                                guint           count);

char            *yq_yzj_normalize_mobile       (const char     *phone);
char            *yq_yzj_long_name_join         (const char     *parent_long_name,
                                                const char     *name);
YqOrgDepartment *yq_yzj_department_from_json   (JsonObject     *dept);
char            *yq_yzj_department_long_name   (JsonObject     *dept);
YqOrgPerson     *yq_yzj_person_from_json       (JsonObject     *person);
YqOrgPerson     *yq_yzj_person_from_context    (JsonObject     *context);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YqYzjItemError, yq_yzj_item_error_free)

G_END_DECLS
