/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-org.h"
#include "yq-plan.h"
#include "yq-planner.h"
#include "yq-store.h"

G_BEGIN_DECLS

/**
 * YqBindSource:
 * @YQ_BIND_SOURCE_RULE: the connector's binding rule matched
 * @YQ_BIND_SOURCE_MANUAL: a person or an administrator bound by hand
 * @YQ_BIND_SOURCE_IMPORT: an association import
 * @YQ_BIND_SOURCE_SYNC: a sync created the OA account or the platform person
 */
typedef enum
{
  YQ_BIND_SOURCE_RULE,
  YQ_BIND_SOURCE_MANUAL,
  YQ_BIND_SOURCE_IMPORT,
  YQ_BIND_SOURCE_SYNC,
} YqBindSource;

YqOrgSnapshot *yq_bridge_directory_snapshot          (YqStore              *store,
                                                      gint64                connector_id,
                                                      GError              **error);
/* Platform ID → OA ID (departments) and platform ID → OA account (people),
 * or the other way round. */
YqSyncLinks   *yq_bridge_directory_get_oa_links      (YqStore              *store,
                                                      gint64                connector_id,
                                                      gboolean              reversed,
                                                      GError              **error);
/* Applies operations [first, first + n) of a mirror plan (platform →
 * bridge) in one transaction, and marks their journal rows of @run_id done
 * (@run_id 0: no journal). Idempotent: every write is by platform ID. */
gboolean       yq_bridge_directory_apply_mirror      (YqStore              *store,
                                                      gint64                connector_id,
                                                      YqPlan               *plan,
                                                      guint                 first,
                                                      guint                 n,
                                                      gint64                run_id,
                                                      GError              **error);
/* Insert or replace one row, keeping its OA link / binding. */
gboolean       yq_bridge_directory_put_department    (YqStore              *store,
                                                      gint64                connector_id,
                                                      const YqOrgDepartment *department,
                                                      GError              **error);
gboolean       yq_bridge_directory_put_person        (YqStore              *store,
                                                      gint64                connector_id,
                                                      const YqOrgPerson    *person,
                                                      GError              **error);
gboolean       yq_bridge_directory_delete_department (YqStore              *store,
                                                      gint64                connector_id,
                                                      const char           *platform_id,
                                                      GError              **error);
gboolean       yq_bridge_directory_delete_person     (YqStore              *store,
                                                      gint64                connector_id,
                                                      const char           *platform_id,
                                                      GError              **error);
/* @oa_id NULL removes the link. A link held by another department of the
 * connector is moved here. */
gboolean       yq_bridge_directory_link_department   (YqStore              *store,
                                                      gint64                connector_id,
                                                      const char           *platform_id,
                                                      const char           *oa_id,
                                                      GError              **error);
/* @oa_account NULL unbinds. Binding an account bound to someone else of
 * the connector fails with YQ_STORE_ERROR_CONSTRAINT. */
gboolean       yq_bridge_directory_bind_person       (YqStore              *store,
                                                      gint64                connector_id,
                                                      const char           *platform_id,
                                                      const char           *oa_account,
                                                      YqBindSource          source,
                                                      GError              **error);
gboolean       yq_bridge_directory_purge_deleted     (YqStore              *store,
                                                      gint64                connector_id,
                                                      gboolean              department,
                                                      const char           *platform_id,
                                                      GError              **error);
/* Counts of the connector's bridge directory. */
gboolean       yq_bridge_directory_count             (YqStore              *store,
                                                      gint64                connector_id,
                                                      guint                *departments,
                                                      guint                *people,
                                                      guint                *bound,
                                                      GError              **error);

const char    *yq_bind_source_to_string              (YqBindSource          source);

G_END_DECLS
