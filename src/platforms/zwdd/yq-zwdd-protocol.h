/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "yq-http.h"
#include "yq-org.h"
#include "yq-platform-error.h"

G_BEGIN_DECLS

/* The pure parts of the 政务钉钉 protocol: answers, errors, paging and field
 * mapping. They take no HTTP objects so that tests can drive them with
 * canned bodies. */

/**
 * YqZwddEnvelope:
 * @YQ_ZWDD_ENVELOPE_A: "SpResult": top-level `success` and
 *   `content.success` must both be true; the payload is `content.data`
 * @YQ_ZWDD_ENVELOPE_CONTENT: the `/auth/scopesV2` style: only the top-level
 *   `success`; the payload is `content`
 * @YQ_ZWDD_ENVELOPE_MESSAGE: `/message/workNotification`: the top-level
 *   `success`; `content` is an object with `msgId` or a bare string
 */
typedef enum
{
  YQ_ZWDD_ENVELOPE_A,
  YQ_ZWDD_ENVELOPE_CONTENT,
  YQ_ZWDD_ENVELOPE_MESSAGE,
} YqZwddEnvelope;

/* Result member set by yq_zwdd_parse_response() when a work notification
 * was refused as a duplicate bizMsgId: the message was delivered before. */
#define YQ_ZWDD_DUPLICATE_MEMBER "yqDuplicate"

#define YQ_ZWDD_PAGE_SIZE  100
#define YQ_ZWDD_BATCH_SIZE 100

YqHttpVerdict    yq_zwdd_parse_response      (const char     *call,
                                              YqZwddEnvelope  envelope,
                                              gboolean        token_call,
                                              guint           status,
                                              gint64          clock_skew_s,
                                              GBytes         *body,
                                              JsonNode      **result,
                                              GError        **error);
YqPlatformError  yq_zwdd_classify_failure    (guint           status,
                                              gboolean        gateway_level,
                                              const char     *code,
                                              const char     *biz_code,
                                              const char     *message,
                                              gboolean        token_call,
                                              gint64          clock_skew_s,
                                              YqHttpVerdict  *verdict);
gboolean         yq_zwdd_is_recipient_limit_error (const GError *error);

JsonNode        *yq_zwdd_content_get_data    (JsonNode       *content);
gboolean         yq_zwdd_data_is_empty       (JsonNode       *data);
gboolean         yq_zwdd_content_get_total   (JsonNode       *content,
                                              gint64         *total);
gboolean         yq_zwdd_page_is_last        (gint64          page_no,
                                              gint64          page_size,
                                              guint           n_items,
                                              gboolean        has_total,
                                              gint64          total);
gint64           yq_zwdd_page_count          (gint64          page_size,
                                              gint64          total);

YqOrgDepartment *yq_zwdd_department_from_json (JsonObject    *org,
                                               const char    *parent_id);
YqOrgPerson     *yq_zwdd_person_from_employee (JsonObject    *employee);
void             yq_zwdd_person_merge_positions (YqOrgPerson *person,
                                                 gboolean    *main_known,
                                                 JsonObject  *employee,
                                                 const char  *listing_org);
void             yq_zwdd_person_apply_account (YqOrgPerson   *person,
                                               JsonObject    *account);
YqOrgPerson     *yq_zwdd_person_from_login    (JsonObject    *user);

char            *yq_zwdd_derive_id            (const char    *key,
                                               const char    *suffix);
char            *yq_zwdd_format_due_time      (gint64         unix_s);

G_END_DECLS
