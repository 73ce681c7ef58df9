/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "yq-sim-org.h"

G_BEGIN_DECLS

/**
 * YqSimFaultSettings:
 * @latency_ms: delay added to every platform response
 * @error_rate: share of platform requests answered with a 5xx status (0..1)
 * @qps_limit: requests per second per platform above which the platform's
 *   rate-limit error is returned; 0 for no limit
 * @token_ttl: lifetime in seconds of newly issued tokens; 0 for the
 *   platforms' own (7200 s 政务钉钉, 6400 s 云之家)
 * @malformed_rate: share of platform responses whose body is cut short (0..1)
 * @seed: seed of the draws, so a run is repeatable
 *
 * Faults injected into the simulated platforms.
 */
typedef struct
{
  guint   latency_ms;
  double  error_rate;
  double  qps_limit;
  guint   token_ttl;
  double  malformed_rate;
  guint64 seed;
} YqSimFaultSettings;

#define YQ_TYPE_SIM_FAULTS (yq_sim_faults_get_type ())

G_DECLARE_FINAL_TYPE (YqSimFaults, yq_sim_faults, YQ, SIM_FAULTS, GObject)

YqSimFaults *yq_sim_faults_new              (const YqSimFaultSettings  *settings);
void         yq_sim_faults_get_settings     (YqSimFaults               *self,
                                             YqSimFaultSettings        *settings);
void         yq_sim_faults_set_settings     (YqSimFaults               *self,
                                             const YqSimFaultSettings  *settings);
gboolean     yq_sim_faults_update_from_json (YqSimFaults               *self,
                                             JsonObject                *object,
                                             GError                   **error);
void         yq_sim_faults_add_to_json      (YqSimFaults               *self,
                                             JsonBuilder               *builder);
gboolean     yq_sim_faults_admit            (YqSimFaults               *self,
                                             YqSimPlatform              platform,
                                             gint64                     now_usec);
gboolean     yq_sim_faults_draw_error       (YqSimFaults               *self);
gboolean     yq_sim_faults_draw_malformed   (YqSimFaults               *self);
guint        yq_sim_faults_get_latency_ms   (YqSimFaults               *self);
guint        yq_sim_faults_get_token_ttl    (YqSimFaults               *self,
                                             guint                      platform_default);

G_END_DECLS
