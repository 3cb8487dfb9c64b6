/* http.h - the HTTP edge: libmicrohttpd glue, one route table, auth, and
 * helpers that handlers (one file per resource) use to answer.
 *
 * A request is routed, authenticated and authorised as soon as its headers
 * are in, before any of its body is read: a caller without a valid key, or
 * whose role may not use the route, is answered (and the connection closed)
 * without the server buffering a byte of the body. The handler runs once the
 * whole body is in.
 *
 * A request owns an arena (oe_req.arena) for everything it allocates;
 * the server clears it when the request completes. */
#ifndef OE_HTTP_H
#define OE_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>

#include "service/render.h"
#include "service/service.h"

typedef struct oe_server oe_server;

typedef struct oe_req {
	oe_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	const struct oe_route *route;
	const char *path_id; /* the {id} segment of the path, if the route has one */
	oe_arena arena;
	oe_buf body;
	bool body_too_big;
	char allow[48]; /* methods the path accepts, for the Allow header of a 405 */
	oe_ctx ctx;	/* viewer, store, node, arena for the service layer */
	char actor[40];
	int status; /* the status answered, for metrics */
	oe_time arrived;
	bool auth_late; /* authenticated in the final callback (bodiless reads) */
} oe_req;

typedef int (*oe_handler)(oe_req *r);

typedef struct oe_route {
	const char *method;
	const char *path; /* exact, or ending in "/{id}" */
	oe_handler fn;
	bool auth;     /* needs Authorization: Bearer */
	bool big_body; /* takes bodies up to server.max_import instead of max_body */
	bool snapshot; /* read-only: the handler runs in one read transaction */
	bool write;    /* changes data: role analyst or admin only */
} oe_route;

/* Answer with a JSON value (reference stolen). Returns MHD_YES/MHD_NO. */
int oe_http_json(oe_req *r, int status, json_t *body);
/* Answer {"error":{"code":code,"message":...}}. */
int oe_http_error(oe_req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Answer an error for a negative service code (404 for OE_ENOTFOUND...). */
int oe_http_fail(oe_req *r, int err);
/* Answer raw bytes (malloc'd, ownership taken). */
int oe_http_bytes(oe_req *r, int status, const char *ctype, char *data, size_t len);
/* A query argument, or NULL. */
const char *oe_http_arg(oe_req *r, const char *name);
/* Parse the request body as a JSON object or array; on failure answers
 * 400 itself and returns NULL. */
json_t *oe_http_body_json(oe_req *r);

/* Handlers (one file per resource). */
int oe_h_healthz(oe_req *r);
int oe_h_metrics(oe_req *r);
int oe_h_indicators_post(oe_req *r);
int oe_h_indicators_list(oe_req *r);
int oe_h_indicator_get(oe_req *r);
int oe_h_indicator_patch(oe_req *r);
int oe_h_indicator_delete(oe_req *r);
int oe_h_events_post(oe_req *r);
int oe_h_event_get(oe_req *r);
int oe_h_sightings_post(oe_req *r);
int oe_h_lookup_get(oe_req *r);
int oe_h_lookup_post(oe_req *r);
int oe_h_import(oe_req *r);
int oe_h_export(oe_req *r);

/* Counters for /metrics. */
typedef struct {
	atomic_uint_fast64_t requests[6]; /* by status class: 1xx..5xx, [0] other */
	atomic_uint_fast64_t lookups;
	atomic_uint_fast64_t lookup_hits;
	atomic_uint_fast64_t auth_failures;
	atomic_uint_fast64_t imported;
} oe_metrics;

struct oe_server {
	oe_node *node;
	struct MHD_Daemon *mhd;
	oe_metrics m;
	atomic_int inflight; /* requests between arrival and completion */
	oe_time started;
	char url[160];
};

/* Start serving node on its configured listen address. */
int oe_server_start(oe_node *node, oe_server **out, char *err, size_t errcap);
/* Stop accepting, let running requests finish (up to drain_seconds), stop. */
void oe_server_stop(oe_server *s);

#endif
