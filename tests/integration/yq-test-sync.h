/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yq-oa-directory.h"
#include "yq-sim-server.h"
#include "yunqiao-core.h"

G_BEGIN_DECLS

#define YQ_SYNC_FIXTURE_PEOPLE 160
#define YQ_SYNC_FIXTURE_SEED   77

typedef struct
{
  YqSimConfig   *config;
  YqSimOrg      *org;
  YqSimServer   *server;
  char          *base;
  char          *data_dir;
  YqStore       *store;
  YqSecrets     *secrets;
  YqOaDirectory *oa;
  gint64         connector_id;
} YqSyncFixture;

void           yq_sync_fixture_setup        (YqSyncFixture *f,
                                             gconstpointer  data);
void           yq_sync_fixture_teardown     (YqSyncFixture *f,
                                             gconstpointer  data);
YqOrgSnapshot *yq_sync_fixture_platform     (YqSyncFixture *f);
YqOrgSnapshot *yq_sync_fixture_oa           (YqSyncFixture *f);
/* Every platform department and active person has its linked OA
 * counterpart with the same name, parent and mobile, and nothing else is
 * active in the OA. */
void           yq_sync_fixture_assert_equal (YqSyncFixture *f);
/* How many 云之家 directory writes the simulator recorded whose path
 * contains @path_part. */
guint          yq_sync_fixture_count_writes (YqSyncFixture *f,
                                             const char    *path_part);

G_END_DECLS
