/* The load module's entry points: statement handlers for INSERT [OVERWRITE], DELETE and UPDATE, and the
 * HTTP routes of Stream Load (PUT /api/{db}/{table}/_stream_load) and its error logs
 * (GET /api/_load_error_log?file=...). Everything else in src/load/ is internal to the module, except
 * load_sink.h, which other modules may use to write rows into a table atomically. */
#ifndef CAIRN_LOAD_LOAD_H
#define CAIRN_LOAD_LOAD_H

/* Registers the STMT_INSERT, STMT_DELETE and STMT_UPDATE handlers. Call once at start-up. */
void load_register_statements(void);
/* Registers the Stream Load and error-log HTTP routes. Call before http_server_start. */
void load_register_http(void);

#endif
