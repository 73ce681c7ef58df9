/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "yq-sim"

#include "config.h"

#include <math.h>

#include "yq-sim-faults.h"
#include "yq-sim-util.h"

/*
 * Each platform keeps the times of its last `cap` admitted requests in a
 * ring: a request is admitted when the oldest of them is at least one second
 * old, which is an exact sliding one-second window.
 */
typedef struct
{
  gint64 *times;
  guint   capacity;
  guint   next;
} Window;

struct _YqSimFaults
{
  GObject            parent_instance;

  YqSimFaultSettings settings;
  guint64            error_rng;
  guint64            malformed_rng;
  Window             windows[2];
};

G_DEFINE_FINAL_TYPE (YqSimFaults, yq_sim_faults, G_TYPE_OBJECT)

static void
window_reset (Window *window,
              double  qps_limit)
{
  g_clear_pointer (&window->times, g_free);
  window->capacity = qps_limit > 0 ? (guint) MAX (1.0, floor (qps_limit)) : 0;
  window->next = 0;
  if (window->capacity > 0)
    window->times = g_new0 (gint64, window->capacity);
}

static void
yq_sim_faults_finalize (GObject *object)
{
  YqSimFaults *self = (YqSimFaults *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->windows); i++)
    g_clear_pointer (&self->windows[i].times, g_free);

  G_OBJECT_CLASS (yq_sim_faults_parent_class)->finalize (object);
}

static void
yq_sim_faults_class_init (YqSimFaultsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = yq_sim_faults_finalize;
}

static void
yq_sim_faults_init (YqSimFaults *self)
{
}

YqSimFaults *
yq_sim_faults_new (const YqSimFaultSettings *settings)
{
  YqSimFaults *self = g_object_new (YQ_TYPE_SIM_FAULTS, NULL);
  YqSimFaultSettings none = { 0 };

  yq_sim_faults_set_settings (self, settings ? settings : &none);

  return self;
}

void
yq_sim_faults_get_settings (YqSimFaults        *self,
                            YqSimFaultSettings *settings)
{
  g_return_if_fail (YQ_IS_SIM_FAULTS (self));

  *settings = self->settings;
}

/**
 * yq_sim_faults_set_settings:
 * @self: the faults
 * @settings: new settings
 *
 * Replaces the settings and restarts the draws from the seed, so the same
 * settings followed by the same requests fail the same way.
 */
void
yq_sim_faults_set_settings (YqSimFaults              *self,
                            const YqSimFaultSettings *settings)
{
  g_return_if_fail (YQ_IS_SIM_FAULTS (self));

  self->settings = *settings;
  self->settings.error_rate = CLAMP (settings->error_rate, 0.0, 1.0);
  self->settings.malformed_rate = CLAMP (settings->malformed_rate, 0.0, 1.0);
  self->settings.qps_limit = MAX (settings->qps_limit, 0.0);
  self->error_rng = settings->seed ^ G_GUINT64_CONSTANT (0x2545f4914f6cdd1d);
  self->malformed_rng = settings->seed ^ G_GUINT64_CONSTANT (0x9fb21c651e98df25);

  for (guint i = 0; i < G_N_ELEMENTS (self->windows); i++)
    window_reset (&self->windows[i], self->settings.qps_limit);
}

static gboolean
read_number (JsonObject  *object,
             const char  *name,
             double       min,
             double       max,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  double value;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s must be a number", name);
      return FALSE;
    }

  value = json_node_get_double (node);
  if (!(value >= min && value <= max))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s must be between %g and %g", name, min, max);
      return FALSE;
    }

  *out = value;

  return TRUE;
}

/**
 * yq_sim_faults_update_from_json:
 * @self: the faults
 * @object: some of the members latency_ms, error_rate, qps_limit, token_ttl,
 *   malformed_rate and seed
 * @error: return location for an error
 *
 * Changes the settings named in @object and keeps the others. Nothing
 * changes when a value is invalid.
 *
 * Returns: %TRUE on success
 */
gboolean
yq_sim_faults_update_from_json (YqSimFaults  *self,
                                JsonObject   *object,
                                GError      **error)
{
  YqSimFaultSettings settings = self->settings;
  double latency = settings.latency_ms;
  double ttl = settings.token_ttl;
  double seed = (double) settings.seed;

  g_return_val_if_fail (YQ_IS_SIM_FAULTS (self), FALSE);

  if (!read_number (object, "latency_ms", 0, 600000, &latency, error) ||
      !read_number (object, "error_rate", 0, 1, &settings.error_rate, error) ||
      !read_number (object, "qps_limit", 0, 1000000, &settings.qps_limit, error) ||
      !read_number (object, "token_ttl", 0, 86400 * 30, &ttl, error) ||
      !read_number (object, "malformed_rate", 0, 1, &settings.malformed_rate, error) ||
      !read_number (object, "seed", 0, 9007199254740992.0, &seed, error))
    return FALSE;

  settings.latency_ms = (guint) latency;
  settings.token_ttl = (guint) ttl;
  settings.seed = (guint64) seed;
  yq_sim_faults_set_settings (self, &settings);

  return TRUE;
}

/**
 * yq_sim_faults_add_to_json:
 * @self: the faults
 * @builder: a builder inside an object
 *
 * Adds the settings as members of the object being built.
 */
void
yq_sim_faults_add_to_json (YqSimFaults *self,
                           JsonBuilder *builder)
{
  g_return_if_fail (YQ_IS_SIM_FAULTS (self));

  json_builder_set_member_name (builder, "latency_ms");
  json_builder_add_int_value (builder, self->settings.latency_ms);
  json_builder_set_member_name (builder, "error_rate");
  json_builder_add_double_value (builder, self->settings.error_rate);
  json_builder_set_member_name (builder, "qps_limit");
  json_builder_add_double_value (builder, self->settings.qps_limit);
  json_builder_set_member_name (builder, "token_ttl");
  json_builder_add_int_value (builder, self->settings.token_ttl);
  json_builder_set_member_name (builder, "malformed_rate");
  json_builder_add_double_value (builder, self->settings.malformed_rate);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) self->settings.seed);
}

/**
 * yq_sim_faults_admit:
 * @self: the faults
 * @platform: the platform being called
 * @now_usec: the monotonic time of the request
 *
 * Returns: %FALSE if the request goes over the platform's QPS cap
 */
gboolean
yq_sim_faults_admit (YqSimFaults   *self,
                     YqSimPlatform  platform,
                     gint64         now_usec)
{
  Window *window;

  g_return_val_if_fail (YQ_IS_SIM_FAULTS (self), TRUE);

  window = &self->windows[platform == YQ_SIM_PLATFORM_YZJ ? 1 : 0];
  if (window->capacity == 0)
    return TRUE;

  if (window->times[window->next] != 0 && now_usec - window->times[window->next] < G_USEC_PER_SEC)
    return FALSE;

  window->times[window->next] = now_usec;
  window->next = (window->next + 1) % window->capacity;

  return TRUE;
}

gboolean
yq_sim_faults_draw_error (YqSimFaults *self)
{
  g_return_val_if_fail (YQ_IS_SIM_FAULTS (self), FALSE);

  return self->settings.error_rate > 0 &&
         yq_sim_rand_double (&self->error_rng) < self->settings.error_rate;
}

gboolean
yq_sim_faults_draw_malformed (YqSimFaults *self)
{
  g_return_val_if_fail (YQ_IS_SIM_FAULTS (self), FALSE);

  return self->settings.malformed_rate > 0 &&
         yq_sim_rand_double (&self->malformed_rng) < self->settings.malformed_rate;
}

guint
yq_sim_faults_get_latency_ms (YqSimFaults *self)
{
  g_return_val_if_fail (YQ_IS_SIM_FAULTS (self), 0);

  return self->settings.latency_ms;
}

guint
yq_sim_faults_get_token_ttl (YqSimFaults *self,
                             guint        platform_default)
{
  g_return_val_if_fail (YQ_IS_SIM_FAULTS (self), platform_default);

  return self->settings.token_ttl > 0 ? self->settings.token_ttl : platform_default;
}
