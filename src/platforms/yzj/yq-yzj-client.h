/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-platform.h"

G_BEGIN_DECLS

/**
 * YqYzjPersonPath:
 * @YQ_YZJ_PERSON_PATH_ADD: add people
 * @YQ_YZJ_PERSON_PATH_UPDATE_INFO: update people's fields
 * @YQ_YZJ_PERSON_PATH_UPDATE_DEPT: change people's department
 * @YQ_YZJ_PERSON_PATH_UPDATE_STATUS: disable or enable people
 * @YQ_YZJ_PERSON_PATH_DELETE: delete people
 * @YQ_YZJ_PERSON_PATH_GET: read people by openId or phone
 *
 * The person write paths are inferred from the legacy API, not confirmed
 * (§4.3), so they are configurable.
 */
typedef enum
{
  YQ_YZJ_PERSON_PATH_ADD,
  YQ_YZJ_PERSON_PATH_UPDATE_INFO,
  YQ_YZJ_PERSON_PATH_UPDATE_DEPT,
  YQ_YZJ_PERSON_PATH_UPDATE_STATUS,
  YQ_YZJ_PERSON_PATH_DELETE,
  YQ_YZJ_PERSON_PATH_GET,
  YQ_YZJ_N_PERSON_PATHS
} YqYzjPersonPath;

#define YQ_TYPE_YZJ_CLIENT (yq_yzj_client_get_type ())

G_DECLARE_FINAL_TYPE (YqYzjClient, yq_yzj_client, YQ, YZJ_CLIENT, GObject)

YqYzjClient *yq_yzj_client_new                (const char      *api_base,
                                               const char      *eid,
                                               const char      *app_id,
                                               const char      *app_secret,
                                               const char      *directory_secret,
                                               GError         **error);
void         yq_yzj_client_set_public_account (YqYzjClient     *self,
                                               const char      *pub_id,
                                               const char      *pub_key);
void         yq_yzj_client_set_person_path    (YqYzjClient     *self,
                                               YqYzjPersonPath  which,
                                               const char      *path);
const char  *yq_yzj_client_get_person_path    (YqYzjClient     *self,
                                               YqYzjPersonPath  which);
YqHttp      *yq_yzj_client_get_http           (YqYzjClient     *self);

G_END_DECLS
