/* cairn's own HTTP endpoints: GET /api/health (liveness, version, uptime) and GET /metrics (Prometheus). */
#ifndef CAIRN_HTTP_API_BASIC_H
#define CAIRN_HTTP_API_BASIC_H

/* Registers the routes (call before http_server_start). */
void http_api_basic_register(void);

#endif
