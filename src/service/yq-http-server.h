/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "yunqiao-core.h"

G_BEGIN_DECLS

/*
 * The service's HTTP endpoints (SoupServer): login-free entry, the manual
 * binding page, ticket validation and QR-code login. Meant to sit behind a
 * TLS reverse proxy that forwards the external address to it.
 */

#define YQ_TYPE_HTTP_SERVER (yq_http_server_get_type ())

G_DECLARE_FINAL_TYPE (YqHttpServer, yq_http_server, YQ, HTTP_SERVER, GObject)

YqHttpServer *yq_http_server_new         (const char    *localedir);
/* Uses @store and @secrets from now on (after a reload) and forgets the
 * platform clients built with the old configuration. */
void          yq_http_server_configure   (YqHttpServer  *self,
                                          YqStore       *store,
                                          YqSecrets     *secrets);
/* Listens on @address ("HOST:PORT", "[IPv6]:PORT"; port 0 picks one), or
 * keeps listening when it already does on that address. */
gboolean      yq_http_server_listen      (YqHttpServer  *self,
                                          const char    *address,
                                          GError       **error);
void          yq_http_server_stop        (YqHttpServer  *self);
gboolean      yq_http_server_is_listening (YqHttpServer *self);
/* The address actually listened on ("127.0.0.1:8780"), or %NULL. */
const char   *yq_http_server_get_address (YqHttpServer  *self);
/* Drops expired tickets, QR-code requests and binding forms. */
void          yq_http_server_purge       (YqHttpServer  *self);

G_END_DECLS
