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
#include "ratelimit.h"
#include "service/report.h"
#include "service/service.h"
#include "service/session.h"

typedef struct oe_server oe_server;

/* Longest {id} path segment: ids are "indicator--<uuid>" (47 bytes). */
#define OE_PATH_ID_MAX 128

typedef struct oe_req {
	oe_server *srv;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	const struct oe_route *route;
	const char *path_id; /* the {id} segment of the path, if the route has one */
	char path_id_buf[OE_PATH_ID_MAX + 1];
	oe_arena arena;
	oe_buf body;
	bool body_too_big;
	char allow[48]; /* methods the path accepts, for the Allow header of a 405 */
	oe_ctx ctx;	/* viewer, store, node, arena for the service layer */
	char actor[OE_USER_NAME_MAX + 8];
	int status; /* the status answered, for metrics */
	oe_time arrived;
	bool auth_late;	 /* authenticated in the final callback (bodiless reads) */
	int retry_after; /* seconds, for the Retry-After of a 429 */

	/* The console session that authenticated the request, and a
	 * Set-Cookie for the answer: both in the arena, or NULL. */
	oe_session *session;
	const char *set_cookie;
} oe_req;

/* The console's session cookie (docs/console-auth.md). */
#define OE_SESSION_COOKIE "oe_session"

typedef int (*oe_handler)(oe_req *r);

typedef struct oe_route {
	const char *method;
	const char *path; /* exact, or ending in "/{id}" */
	oe_handler fn;
	bool auth;	  /* needs Authorization: Bearer */
	bool big_body;	  /* takes bodies up to server.max_import instead of max_body */
	bool snapshot;	  /* read-only: the handler runs in one read transaction */
	bool write;	  /* changes data: role analyst or admin only */
	bool pub;	  /* public channel: rate-limited, security headers */
	bool report_body; /* takes bodies up to public.max_report_body (evidence) */
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
int oe_h_match(oe_req *r);
int oe_h_import(oe_req *r);
int oe_h_export(oe_req *r);
int oe_h_reports_list(oe_req *r);
int oe_h_stats(oe_req *r);
int oe_h_console(oe_req *r);
int oe_h_report_get(oe_req *r);
int oe_h_report_patch(oe_req *r);
int oe_h_report_message(oe_req *r);
int oe_h_report_merge(oe_req *r);
int oe_h_report_reveal(oe_req *r);
int oe_h_evidence_get(oe_req *r);
int oe_h_peers_list(oe_req *r);
int oe_h_groups_list(oe_req *r);
int oe_h_groups_post(oe_req *r);
int oe_h_group_patch(oe_req *r);
/* POST /api/v1/peers/{name}/push (h_sync.c). */
int oe_h_peer_push(oe_req *r);
/* The console's sign-in and the audit log (h_session.c). */
int oe_h_session_post(oe_req *r);
int oe_h_session_get(oe_req *r);
int oe_h_session_delete(oe_req *r);
int oe_h_totp_post(oe_req *r);
int oe_h_totp_confirm(oe_req *r);
int oe_h_audit_list(oe_req *r);
/* False when the request has an Origin header that is not this server's
 * own (scheme and Host); true without one. */
bool oe_http_same_origin(oe_req *r);
/* Joint cases (h_cases.c): the list, a new case, and everything under
 * /api/v1/cases/ (one prefix route). */
int oe_h_cases_list(oe_req *r);
int oe_h_cases_post(oe_req *r);
int oe_h_cases_sub(oe_req *r);
/* TAXII 2.1 under /taxii2/ (h_taxii.c). */
int oe_h_taxii(oe_req *r);
/* Answer a TAXII error message ({"title","description","error_code",
 * "http_status"}, media type application/taxii+json;version=2.1):
 * oe_http_error does for every path under /taxii2. */
int oe_http_taxii_error(oe_req *r, int status, const char *code, const char *msg);

/* Answer an HTML page (malloc'd, ownership taken) with the public
 * channel's headers. */
int oe_http_html(oe_req *r, int status, char *html, size_t len);
/* A header of the request, or NULL. */
const char *oe_http_header(oe_req *r, const char *name);
/* The client's address as a rate-limit key (IPv6 by its /64): its length,
 * 0 when unknown. Never stored or logged. */
size_t oe_http_client_key(oe_req *r, uint8_t key[16]);
/* Take a token from the bucket (kind, key) of the server's rate limiter
 * (ratelimit.h); returns 0 or the seconds to wait, which also become the
 * request's Retry-After. */
int oe_http_limit(oe_req *r, int kind, const void *key, size_t klen, int limit, int window_s,
		  bool take);
/* Answer an error of the public channel in the caller's language: JSON
 * {"error":{"code","message"}} on /public/v1/, a short page elsewhere.
 * code is an i18n "err.<code>" key. */
int oe_http_public_error(oe_req *r, int status, const char *code);
/* A full error page of the public pages, translated (h_pages.c). */
int oe_page_error(oe_req *r, int status, const char *code);
/* Count an answer queued without oe_http_bytes (for /metrics). */
void oe_http_count(oe_req *r, int status);
/* The language of a public request: ?lang=, else Accept-Language. */
const char *oe_http_lang(oe_req *r);

/* The public channel: pages (h_pages.c), static files (h_static.c) and
 * the public API (h_public.c). */
int oe_h_page_home(oe_req *r);
int oe_h_page_report(oe_req *r);
int oe_h_page_check(oe_req *r);
int oe_h_page_followup(oe_req *r);
int oe_h_static(oe_req *r);
int oe_h_public_report(oe_req *r);
int oe_h_public_check(oe_req *r);
int oe_h_public_followup(oe_req *r);
int oe_h_public_followup_reply(oe_req *r);
int oe_h_public_followup_claim(oe_req *r);

/* Read a report from the request body, JSON, urlencoded or multipart
 * (field names in docs/api.md); the strings live in the request arena.
 * On bad input returns OE_EINVAL with *e set. */
int oe_public_report_in(oe_req *r, oe_report_in *in, oe_report_err *e);
/* Rate limits of the public channel (public.* in the configuration):
 * each returns 0 to go on, else the seconds to wait (and the request's
 * Retry-After is set; answer 429 with oe_http_public_error). A report
 * takes a token at once; a receipt is only counted when it was wrong
 * (oe_public_receipt_failed), per address and per its first four digits. */
int oe_public_report_allowed(oe_req *r);
int oe_public_receipt_allowed(oe_req *r, const char *receipt);
void oe_public_receipt_failed(oe_req *r, const char *receipt);
/* The JSON answers of the public API, for pages that answer JSON too. */
json_t *oe_public_followup_json(const oe_followup *f);
json_t *oe_public_check_json(const oe_check_result *c, const char *lang);

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
	struct oe_ratelimit *rl;
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
