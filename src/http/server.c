/* server.c - libmicrohttpd glue: the route table, request bodies with hard
 * limits, bearer auth, per-thread store connections, answers, and a
 * draining stop (see http.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/json.h"
#include "http.h"
#include "i18n.h"
#include "service/log.h"
#include "service/matcher.h"

static const oe_route routes[] = {
    {"GET", "/healthz", oe_h_healthz},
    {"GET", "/metrics", oe_h_metrics, .auth = true, .snapshot = true},
    {"POST", "/api/v1/indicators", oe_h_indicators_post, .auth = true, .write = true},
    {"GET", "/api/v1/indicators", oe_h_indicators_list, .auth = true, .snapshot = true},
    {"GET", "/api/v1/indicators/{id}", oe_h_indicator_get, .auth = true, .snapshot = true},
    {"PATCH", "/api/v1/indicators/{id}", oe_h_indicator_patch, .auth = true, .write = true},
    {"DELETE", "/api/v1/indicators/{id}", oe_h_indicator_delete, .auth = true, .write = true},
    {"POST", "/api/v1/events", oe_h_events_post, .auth = true, .write = true},
    {"GET", "/api/v1/events/{id}", oe_h_event_get, .auth = true, .snapshot = true},
    {"POST", "/api/v1/sightings", oe_h_sightings_post, .auth = true, .write = true},
    /* Answered from the in-memory matcher and the key cache: no database. */
    {"GET", "/api/v1/lookup", oe_h_lookup_get, .auth = true},
    {"POST", "/api/v1/lookup", oe_h_lookup_post, .auth = true},
    {"POST", "/api/v1/match", oe_h_match, .auth = true, .big_body = true},
    {"POST", "/api/v1/import", oe_h_import, .auth = true, .big_body = true, .write = true},
    {"GET", "/api/v1/export", oe_h_export, .auth = true},
    {"GET", "/api/v1/stats", oe_h_stats, .auth = true, .snapshot = true},
    {"GET", "/api/v1/reports", oe_h_reports_list, .auth = true, .snapshot = true},
    {"GET", "/api/v1/reports/{id}", oe_h_report_get, .auth = true},
    {"PATCH", "/api/v1/reports/{id}", oe_h_report_patch, .auth = true, .write = true},
    {"POST", "/api/v1/reports/{id}/messages", oe_h_report_message, .auth = true, .write = true},
    {"POST", "/api/v1/reports/{id}/merge", oe_h_report_merge, .auth = true, .write = true},
    {"POST", "/api/v1/reports/{id}/reveal", oe_h_report_reveal, .auth = true, .write = true},
    {"GET", "/api/v1/evidence/{id}", oe_h_evidence_get, .auth = true},
    {"GET", "/api/v1/peers", oe_h_peers_list, .auth = true, .snapshot = true},
    {"POST", "/api/v1/peers/{id}/push", oe_h_peer_push, .auth = true, .write = true},
    {"GET", "/api/v1/sharing-groups", oe_h_groups_list, .auth = true, .snapshot = true},
    {"POST", "/api/v1/sharing-groups", oe_h_groups_post, .auth = true, .write = true},
    /* The console: sign-in needs no key; the rest need the session (any
     * role), and changes its CSRF token (authenticate). */
    {"POST", "/api/v1/session", oe_h_session_post},
    {"GET", "/api/v1/session", oe_h_session_get, .auth = true},
    {"DELETE", "/api/v1/session", oe_h_session_delete, .auth = true},
    {"POST", "/api/v1/session/totp", oe_h_totp_post, .auth = true},
    {"POST", "/api/v1/session/totp/confirm", oe_h_totp_confirm, .auth = true},
    {"GET", "/api/v1/audit", oe_h_audit_list, .auth = true, .snapshot = true},
    /* Joint cases: h_cases.c reads the rest of the path. */
    {"GET", "/api/v1/cases", oe_h_cases_list, .auth = true, .snapshot = true},
    {"POST", "/api/v1/cases", oe_h_cases_post, .auth = true, .write = true},
    {"GET", "/api/v1/cases/*", oe_h_cases_sub, .auth = true, .snapshot = true},
    {"PATCH", "/api/v1/cases/*", oe_h_cases_sub, .auth = true, .write = true},
    {"POST", "/api/v1/cases/*", oe_h_cases_sub, .auth = true, .write = true},
    {"PATCH", "/api/v1/sharing-groups/{id}", oe_h_group_patch, .auth = true, .write = true},
    /* TAXII 2.1: h_taxii.c reads the rest of the path and answers in
     * TAXII's own media type and error messages. */
    {"GET", "/taxii2/*", oe_h_taxii, .auth = true, .snapshot = true},
    {"POST", "/taxii2/*", oe_h_taxii, .auth = true, .big_body = true},
    {"DELETE", "/taxii2/*", oe_h_taxii, .auth = true},

    /* The public channel: no key, rate-limited per address, strict
     * security headers on every answer (see public_headers). */
    {"GET", "/", oe_h_page_home, .pub = true},
    {"GET", "/report", oe_h_page_report, .pub = true},
    {"POST", "/report", oe_h_page_report, .pub = true, .report_body = true},
    {"GET", "/check", oe_h_page_check, .pub = true},
    {"POST", "/check", oe_h_page_check, .pub = true},
    {"GET", "/follow-up", oe_h_page_followup, .pub = true},
    {"POST", "/follow-up", oe_h_page_followup, .pub = true, .report_body = true},
    {"GET", "/static/{id}", oe_h_static, .pub = true},
    {"GET", "/console", oe_h_console},
    {"GET", "/console/", oe_h_console},
    {"GET", "/console/{id}", oe_h_console},
    {"POST", "/public/v1/reports", oe_h_public_report, .pub = true, .report_body = true},
    {"GET", "/public/v1/check", oe_h_public_check, .pub = true, .snapshot = true},
    {"POST", "/public/v1/follow-up", oe_h_public_followup, .pub = true},
    {"POST", "/public/v1/follow-up/messages", oe_h_public_followup_reply, .pub = true,
     .report_body = true},
    {"POST", "/public/v1/follow-up/claim", oe_h_public_followup_claim, .pub = true},
};

/* libmicrohttpd's per-connection pool (headers, buffers); it is cleared for
 * every request, so smaller is faster. 16 KiB holds 8 KiB of headers. */
#define CONN_MEMORY (16 * 1024)

/* ---- per-thread store connections ------------------------------------ */

static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void store_destroy(void *p)
{
	oe_store_close(p);
}
static void store_key_init(void)
{
	pthread_key_create(&store_key, store_destroy);
}

static oe_store *thread_store(oe_node *n)
{
	pthread_once(&store_once, store_key_init);
	oe_store *s = pthread_getspecific(store_key);
	if (s)
		return s;
	char err[512];
	if (oe_node_store(n, &s, err, sizeof(err)) != 0) {
		oe_log(OE_LOG_ERROR, "store unavailable", "{s:s}", "error", err);
		return NULL;
	}
	pthread_setspecific(store_key, s);
	return s;
}

/* ---- answers --------------------------------------------------------- */

/* The public channel's pages and API: nothing but our own origin may run,
 * load, frame or be sent anything; no Referer leaves the page (a
 * follow-up page must not leak to a link it shows). */
static void public_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"img-src 'self'; connect-src 'self'; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
				"camera=(), microphone=(), geolocation=(), interest-cohort=()");
}

void oe_http_count(oe_req *r, int status)
{
	r->status = status;
	int cls = status / 100;
	atomic_fetch_add_explicit(&r->srv->m.requests[cls >= 1 && cls <= 5 ? cls : 0], 1,
				  memory_order_relaxed);
}

int oe_http_bytes(oe_req *r, int status, const char *ctype, char *data, size_t len)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->route && r->route->pub)
		public_headers(resp);
	if (status == 429 && r->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"oureyes\"");
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (status == 405 && r->allow[0])
		MHD_add_response_header(resp, "Allow", r->allow);
	oe_http_count(r, status);
	int ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

int oe_http_json(oe_req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(body);
	if (!s)
		return oe_http_error(r, 500, "internal", "cannot render the answer");
	size_t n = strlen(s);
	/* A trailing newline makes curl output and JSON lines tools happy. */
	char *t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return MHD_NO;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	return oe_http_bytes(r, status, "application/json", t, n + 1);
}

int oe_http_error(oe_req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strncmp(r->url, "/taxii2", 7) == 0) /* TAXII's own error message */
		return oe_http_taxii_error(r, status, code, msg);
	json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
	/* The message was not valid UTF-8: it echoed outside bytes, or the
	 * truncation above cut a multi-byte character. Keep what is readable. */
	if (!j)
		j = json_pack("{s:{s:s,s:o}}", "error", "code", code, "message",
			      oe_json_string_lossy(msg));
	if (status >= 500)
		oe_log(OE_LOG_ERROR, "request failed", "{s:s,s:s,s:i,s:s}", "method", r->method,
		       "path", r->route ? r->route->path : "?", "status", status, "error", msg);
	return oe_http_json(r, status, j);
}

int oe_http_fail(oe_req *r, int err)
{
	switch (err) {
	case OE_ENOTFOUND: return oe_http_error(r, 404, "not_found", "no such object");
	case OE_EPERM:
		return oe_http_error(r, 403, "forbidden",
				     "your role or organisation may not do this");
	case OE_EAUTH: return oe_http_error(r, 401, "unauthorized", "a valid API key is required");
	case OE_EINVAL: return oe_http_error(r, 400, "invalid", "invalid input");
	case OE_ETOOBIG: return oe_http_error(r, 413, "too_large", "over a limit");
	case OE_ECONFLICT:
	case OE_EEXIST: return oe_http_error(r, 409, "conflict", "conflicts with stored data");
	default: return oe_http_error(r, 500, "internal", "%s", oe_strerror(err));
	}
}

int oe_http_html(oe_req *r, int status, char *html, size_t len)
{
	return oe_http_bytes(r, status, "text/html; charset=utf-8", html, len);
}

const char *oe_http_header(oe_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* The client's address as a rate-limit key: IPv4 whole, IPv6 by its /64
 * (one household or phone gets a whole /64). Never stored or logged. */
size_t oe_http_client_key(oe_req *r, uint8_t key[16])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return 0;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		memcpy(key, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *)sa)->sin6_addr)) {
			memcpy(key, a + 12, 4);
			return 4;
		}
		memcpy(key, a, 8);
		return 8;
	}
	return 0;
}

int oe_http_limit(oe_req *r, int kind, const void *key, size_t klen, int limit, int window_s,
		  bool take)
{
	int wait = oe_ratelimit_take(r->srv->rl, kind, key, klen, limit, window_s, oe_now(), take);
	if (wait > 0)
		r->retry_after = wait;
	return wait;
}

const char *oe_http_arg(oe_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

json_t *oe_http_body_json(oe_req *r)
{
	json_t *j = NULL;
	char err[256];
	if (r->body.len == 0) {
		oe_http_error(r, 400, "invalid_json", "a JSON body is required");
		return NULL;
	}
	int ret = oe_json_parse(r->body.data, r->body.len, &j, err, sizeof(err));
	if (ret) {
		oe_http_error(r, 400, "invalid_json", "%s", err);
		return NULL;
	}
	return j;
}

/* ---- routing and auth ------------------------------------------------ */

/* Each route's path, cut once: its length, and for "prefix{id}suffix"
 * the prefix and suffix lengths, so that routing a request compares
 * lengths and bytes and never searches a pattern. */
typedef struct {
	uint16_t pl, pre, suf;
	uint8_t kind; /* 0 exact, 1 prefix ("...*"), 2 with {id} */
} route_shape;

static route_shape shapes[OE_ARRAY_SIZE(routes)];
static pthread_once_t shapes_once = PTHREAD_ONCE_INIT;

static void shapes_init(void)
{
	for (size_t i = 0; i < OE_ARRAY_SIZE(routes); i++) {
		const char *p = routes[i].path, *brace = strstr(p, "{id}");
		size_t pl = strlen(p);
		route_shape *sh = &shapes[i];
		sh->pl = (uint16_t)pl;
		if (pl && p[pl - 1] == '*') {
			sh->kind = 1;
		} else if (brace) {
			sh->kind = 2;
			sh->pre = (uint16_t)(brace - p);
			sh->suf = (uint16_t)(pl - sh->pre - 4);
		}
	}
}

/* The route for method and url, or NULL. The methods the path accepts are
 * listed in allow ("GET, POST"), empty when no route has the path. */
static const oe_route *route_find(const char *method, const char *url, char idbuf[],
				  const char **id, char *allow, size_t allowcap)
{
	pthread_once(&shapes_once, shapes_init);
	const oe_route *found = NULL;
	size_t al = 0, ul = strlen(url);
	*id = NULL;
	allow[0] = '\0';
	for (size_t i = 0; i < OE_ARRAY_SIZE(routes); i++) {
		const char *p = routes[i].path;
		const route_shape *sh = &shapes[i];
		size_t idl = 0;
		if (sh->kind == 1) {
			/* a prefix: the handler reads the rest of the path */
			if (ul < sh->pl - 1u || memcmp(url, p, sh->pl - 1u) != 0)
				continue;
		} else if (sh->kind == 2) {
			/* prefix{id}suffix, the id one non-empty path segment */
			size_t pre = sh->pre, suf = sh->suf;
			if (ul <= pre + suf || memcmp(url, p, pre) != 0 ||
			    memcmp(url + ul - suf, p + pre + 4, suf) != 0)
				continue;
			idl = ul - pre - suf;
			if (idl > OE_PATH_ID_MAX || memchr(url + pre, '/', idl))
				continue;
			if (!found && strcmp(method, routes[i].method) == 0) {
				memcpy(idbuf, url + pre, idl);
				idbuf[idl] = '\0';
			}
		} else if (ul != sh->pl || memcmp(url, p, ul) != 0) {
			continue;
		}
		size_t ml = strlen(routes[i].method);
		if (al + 2 + ml < allowcap) {
			if (al) {
				memcpy(allow + al, ", ", 2);
				al += 2;
			}
			memcpy(allow + al, routes[i].method, ml + 1);
			al += ml;
		}
		if (!found && strcmp(method, routes[i].method) == 0) {
			*id = sh->kind == 2 ? idbuf : NULL;
			found = &routes[i];
		}
	}
	return found;
}

/* The password of HTTP Basic credentials (base64 of "user:password"),
 * decoded into buf, or NULL. */
static const char *basic_password(const char *b64, char *buf, size_t cap)
{
	size_t len;
	while (*b64 == ' ')
		b64++;
	if (sodium_base642bin((unsigned char *)buf, cap - 1, b64, strlen(b64), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return NULL;
	buf[len] = '\0';
	const char *colon = memchr(buf, ':', len);
	return colon ? colon + 1 : NULL;
}

bool oe_http_same_origin(oe_req *r)
{
	const char *origin = oe_http_header(r, "Origin");
	if (!origin)
		return true;
	const char *host = oe_http_header(r, "Host"), *sep = strstr(origin, "://");
	if (!host || !sep)
		return false;
	/* Behind a TLS proxy (insecure_http) the browser's scheme is https
	 * while ours is http; with our own TLS it must be https. */
	size_t sl = (size_t)(sep - origin);
	bool https = sl == 5 && strncasecmp(origin, "https", 5) == 0;
	bool http = sl == 4 && strncasecmp(origin, "http", 4) == 0;
	if (!(https || (http && strncmp(r->srv->url, "http:", 5) == 0)))
		return false;
	return strcasecmp(sep + 3, host) == 0;
}

/* The console's session cookie: the user's role and organisation, as an
 * API key of theirs would give. A change (any method but GET and HEAD)
 * also needs the session's CSRF token in X-CSRF-Token and no Origin but
 * ours; API keys need neither, as no browser sends them on its own. */
static int authenticate_cookie(oe_req *r, const char *token)
{
	oe_session *sess = oe_arena_alloc(&r->arena, sizeof(*sess));
	if (!sess)
		return oe_http_fail(r, OE_ENOMEM);
	int ret = oe_svc_session_check(r->srv->node, r->ctx.store, token, &r->arena, sess);
	if (ret == OE_EAUTH) {
		atomic_fetch_add_explicit(&r->srv->m.auth_failures, 1, memory_order_relaxed);
		return oe_http_error(r, 401, "unauthorized",
				     "the session has ended or is not valid: sign in again");
	}
	if (ret)
		return oe_http_fail(r, ret);
	r->session = sess;
	r->ctx.viewer = sess->viewer;
	snprintf(r->actor, sizeof(r->actor), "user:%s", sess->user.name);
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
		return MHD_YES;
	if (!oe_http_same_origin(r))
		return oe_http_error(r, 403, "csrf", "a change from another origin is refused");
	const char *t = oe_http_header(r, "X-CSRF-Token");
	if (!t || strlen(t) != OE_CSRF_LEN || sodium_memcmp(t, sess->csrf, OE_CSRF_LEN) != 0)
		return oe_http_error(r, 403, "csrf",
				     "a change needs the session's CSRF token in X-CSRF-Token");
	return MHD_YES;
}

/* Authorization: Bearer <key>, or HTTP Basic with the key as the password
 * (TAXII clients speak Basic; the user name is not used); without an
 * Authorization header, the console's session cookie. */
static int authenticate(oe_req *r)
{
	const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
	char basic[OE_APIKEY_LEN + 256];
	const char *key = NULL;
	if (h && strncasecmp(h, "Bearer ", 7) == 0) {
		key = h + 7;
		while (*key == ' ')
			key++;
	} else if (h && strncasecmp(h, "Basic ", 6) == 0) {
		key = basic_password(h + 6, basic, sizeof(basic));
	}
	const char *cookie =
	    h ? NULL : MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, OE_SESSION_COOKIE);
	if (cookie)
		return authenticate_cookie(r, cookie);
	if (!key) {
		atomic_fetch_add_explicit(&r->srv->m.auth_failures, 1, memory_order_relaxed);
		return oe_http_error(r, 401, "unauthorized",
				     "send 'Authorization: Bearer <API key>'");
	}
	int ret = oe_node_authenticate(r->srv->node, r->ctx.store, key, &r->ctx.viewer);
	if (ret == OE_EAUTH) {
		atomic_fetch_add_explicit(&r->srv->m.auth_failures, 1, memory_order_relaxed);
		ret = oe_http_error(r, 401, "unauthorized", "the API key is not valid");
	} else if (ret) {
		ret = oe_http_fail(r, ret);
	} else {
		/* "key:" and the key's public id (16 characters) */
		memcpy(r->actor, "key:", 4);
		memcpy(r->actor + 4, key + 3, 16);
		r->actor[20] = '\0';
		ret = MHD_YES;
	}
	sodium_memzero(basic, sizeof(basic));
	return ret;
}

/* ---- the MHD callbacks ----------------------------------------------- */

static void req_free(oe_req *r)
{
	if (!r)
		return;
	atomic_fetch_sub(&r->srv->inflight, 1);
	oe_buf_free(&r->body);
	oe_arena_clear(&r->arena);
	free(r);
}

/* The thread's store connection with no transaction open: a request that
 * failed halfway may have left one, and the next BEGIN would fail on it.
 * rollback is a no-op outside a transaction. */
static oe_store *req_store(oe_req *r)
{
	oe_store *s = thread_store(r->srv->node);
	if (s)
		s->ops->rollback(s);
	return s;
}

static oe_req *req_new(oe_server *srv, struct MHD_Connection *conn, const char *url,
		       const char *method)
{
	oe_req *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->srv = srv;
	r->arrived = oe_now();
	atomic_fetch_add(&srv->inflight, 1);
	r->conn = conn;
	r->method = method;
	r->url = url;
	oe_buf_init(&r->body);
	r->ctx.node = srv->node;
	r->ctx.arena = &r->arena;
	r->ctx.actor = r->actor;
	r->ctx.viewer.role = OE_ROLE_PUBLIC;
	memcpy(r->actor, "public", sizeof("public"));
	return r;
}

/* The first callback: the headers are in, none of the body is read. Route,
 * authenticate, authorise and check the announced length here. A refusal
 * is queued at once; libmicrohttpd then reads no more of the body and
 * closes the connection after the answer, so a caller without a valid key
 * (or with the wrong role) cannot make the server buffer a body. */
static int req_admit(oe_req *r)
{
	const oe_config *cfg = &r->srv->node->cfg;
	r->route =
	    route_find(r->method, r->url, r->path_id_buf, &r->path_id, r->allow, sizeof(r->allow));
	if (!r->route) {
		if (r->allow[0])
			return oe_http_error(r, 405, "method_not_allowed",
					     "%s is not allowed on %s (allowed: %s)", r->method,
					     r->url, r->allow);
		return oe_http_error(r, 404, "not_found", "no such resource: %s", r->url);
	}
	r->body.max = (size_t)(r->route->big_body      ? cfg->max_import
			       : r->route->report_body ? cfg->max_report_body
						       : cfg->max_body);
	if (r->route->pub && cfg->rate > 0) {
		uint8_t key[16];
		size_t kl = oe_http_client_key(r, key);
		if (kl && oe_http_limit(r, OE_RL_REQUEST, key, kl, cfg->rate, 60, true))
			return oe_http_public_error(r, 429, "rate_limited");
	}
	r->ctx.store = req_store(r);
	if (!r->ctx.store && r->route->fn != oe_h_healthz)
		return oe_http_error(r, 503, "unavailable", "the database is not available");
	/* A bodiless read is authenticated with its answer, in one read
	 * transaction (one set of locks instead of two); anything that may
	 * carry a body is authenticated before a byte of it is read. */
	r->auth_late = r->route->snapshot && !strcmp(r->method, "GET") &&
		       /* a session may be marked used: a write, not in a snapshot */
		       MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization") &&
		       !MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length") &&
		       !MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Transfer-Encoding");
	if (r->route->auth && !r->auth_late) {
		int rc = authenticate(r);
		if (r->status) /* answered 401 (or 5xx) */
			return rc;
	}
	if (r->route->write && r->ctx.viewer.role != OE_ROLE_ANALYST &&
	    r->ctx.viewer.role != OE_ROLE_ADMIN)
		return oe_http_error(r, 403, "forbidden",
				     "a %s key may not change data: %s %s needs role analyst or "
				     "admin",
				     oe_role_name(r->ctx.viewer.role), r->method, r->route->path);
	/* A body over the limit is read and dropped, and 413 answered at the
	 * end, so that a client that sends its body before reading (most do)
	 * still reads the answer. One that announced the length and waits for
	 * "100 Continue" is answered now, before it sends anything. */
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
	if (cl) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		if (end == cl || *end || errno || n > r->body.max)
			r->body_too_big = true;
	}
	const char *expect = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Expect");
	if (r->body_too_big && expect && strcasecmp(expect, "100-continue") == 0)
		return oe_http_error(r, 413, "too_large",
				     "the request body is over the limit of %zu bytes",
				     r->body.max);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	oe_req *r = *con_cls;
	if (!r) {
		r = req_new(cls, conn, url, method);
		if (!r)
			return MHD_NO;
		*con_cls = r;
		return req_admit(r);
	}
	if (r->status) { /* refused by req_admit: whatever else comes is dropped */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_big) {
			oe_buf_add(&r->body, upload, *upload_size);
			if (oe_buf_error(&r->body)) {
				r->body_too_big = true;
				oe_buf_free(&r->body);
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}

	/* The whole request is here (and the caller admitted). */
	if (r->body_too_big)
		return r->route->pub
			   ? oe_http_public_error(r, 413, "too_large")
			   : oe_http_error(r, 413, "too_large",
					   "the request body is over the limit of %zu bytes",
					   r->body.max);
	r->ctx.store = req_store(r);
	if (!r->ctx.store && r->route->fn != oe_h_healthz)
		return r->route->pub
			   ? oe_http_public_error(r, 503, "unavailable")
			   : oe_http_error(r, 503, "unavailable", "the database is not available");
	bool snap =
	    r->route->snapshot && r->ctx.store && r->ctx.store->ops->begin_read(r->ctx.store) == 0;
	int rc = MHD_YES;
	if (r->route->auth && r->auth_late)
		rc = authenticate(r);
	if (!r->status) /* not refused by authenticate */
		rc = r->route->fn(r);
	if (snap && r->ctx.store->ops->commit(r->ctx.store) != 0) {
		oe_log(OE_LOG_ERROR, "cannot end the read transaction", "{s:s,s:s}", "method",
		       r->method, "route", r->route->path);
		r->ctx.store->ops->rollback(r->ctx.store);
	}
	/* An acknowledged change is what the next lookup sees (the answer
	 * leaves after this returns). Citizens' reports do not wait: their
	 * reporters do not look values up. */
	if (r->route->write && r->status >= 200 && r->status < 300)
		oe_svc_match_sync(r->srv->node);
	return rc;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	oe_req *r = *con_cls;
	/* The access log names the route, never the URL (a looked-up value may
	 * be a citizen's own number) nor the client's address. */
	if (r && r->status)
		oe_log(OE_LOG_DEBUG, "request", "{s:s,s:s,s:i,s:I,s:s}", "method", r->method,
		       "route", r->route ? r->route->path : "(none)", "status", r->status, "us",
		       (json_int_t)(oe_now() - r->arrived), "actor", r->actor);
	req_free(*con_cls);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	oe_log(OE_LOG_WARN, "http", "{s:s}", "detail", msg);
}

/* ---- start and stop -------------------------------------------------- */

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, bool *loopback,
			char *err, size_t errcap)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s) {
		snprintf(err, errcap, "listen address '%s' must be HOST:PORT", s);
		return OE_EINVAL;
	}
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof(host)) {
		snprintf(err, errcap, "listen address '%s' is too long", s);
		return OE_EINVAL;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || *end || port < 0 || port > 65535 || end == colon + 1) {
		snprintf(err, errcap, "listen address '%s': port must be 0..65535", s);
		return OE_EINVAL;
	}
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			goto bad;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		goto bad;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	return 0;
bad:
	snprintf(err, errcap, "listen address '%s': '%s' is not an IPv4 or [IPv6] address", s,
		 host);
	return OE_EINVAL;
}

static char *slurp(const char *path, char *err, size_t errcap)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errcap, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	oe_buf b = OE_BUF_INIT;
	b.max = 1 << 20;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		oe_buf_add(&b, chunk, n);
	fclose(f);
	char *s = oe_buf_steal(&b);
	if (!s)
		snprintf(err, errcap, "cannot read %s", path);
	return s;
}

int oe_server_start(oe_node *node, oe_server **out, char *err, size_t errcap)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	bool loopback;
	const oe_config *cfg = &node->cfg;
	int ret = parse_listen(cfg->listen, &ss, &slen, &loopback, err, errcap);
	if (ret)
		return ret;
	bool tls = cfg->tls_cert[0] || cfg->tls_key[0];
	if (tls && !(cfg->tls_cert[0] && cfg->tls_key[0])) {
		snprintf(err, errcap, "TLS needs both server.tls_cert and server.tls_key");
		return OE_EINVAL;
	}
	if (!loopback && !tls && !cfg->insecure_http) {
		snprintf(err, errcap,
			 "refusing to serve plain HTTP on non-loopback address %s: give --tls-cert "
			 "and --tls-key, or --insecure-http behind a TLS proxy",
			 cfg->listen);
		return OE_EINVAL;
	}
	oe_server *s = calloc(1, sizeof(*s));
	if (!s)
		return OE_ENOMEM;
	s->node = node;
	s->started = oe_now();
	s->rl = oe_ratelimit_new();
	if (!s->rl) {
		free(s);
		return OE_ENOMEM;
	}
	char *cert = NULL, *key = NULL;
	if (tls) {
		cert = slurp(cfg->tls_cert, err, errcap);
		key = cert ? slurp(cfg->tls_key, err, errcap) : NULL;
		if (!key) {
			free(cert);
			oe_ratelimit_free(s->rl);
			free(s);
			return OE_EINVAL;
		}
	}
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | (tls ? MHD_USE_TLS : 0) |
			 (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct MHD_OptionItem tls_opts[] = {
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
	    {MHD_OPTION_END, 0, NULL},
	};
	s->mhd = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)cfg->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_ARRAY,
	    tls ? tls_opts : &tls_opts[2], MHD_OPTION_END);
	if (cert) {
		sodium_memzero(key, strlen(key));
		free(cert);
		free(key);
	}
	if (!s->mhd) {
		snprintf(err, errcap,
			 "cannot listen on %s (in use, or not an address of this host?)",
			 cfg->listen);
		oe_ratelimit_free(s->rl);
		free(s);
		return OE_EIO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = di ? di->port : 0;
	char host[64];
	if (ss.ss_family == AF_INET6) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
		snprintf(host, sizeof(host), "[%s]", a);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
	}
	snprintf(s->url, sizeof(s->url), "%s://%s:%u/", tls ? "https" : "http", host, port);
	*out = s;
	return 0;
}

void oe_server_stop(oe_server *s)
{
	if (!s)
		return;
	MHD_socket fd = MHD_quiesce_daemon(s->mhd);
	oe_time deadline = oe_now() + (oe_time)s->node->cfg.drain_seconds * 1000000;
	for (;;) {
		/* Idle keep-alive connections do not hold the stop up. */
		if (atomic_load(&s->inflight) == 0 || oe_now() >= deadline)
			break;
		usleep(20000);
	}
	MHD_stop_daemon(s->mhd);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	oe_ratelimit_free(s->rl);
	free(s);
}
