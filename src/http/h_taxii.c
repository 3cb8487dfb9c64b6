/* h_taxii.c - TAXII 2.1 at /taxii2/ (docs/taxii.md): the path's resource
 * and its ids, content negotiation, query parameters, and answers in the
 * TAXII media type with the X-TAXII-Date-Added-* headers. The use cases
 * are service/taxii.c's.
 *
 *   /taxii2/                                              GET     discovery
 *   /taxii2/api/                                          GET     API root
 *   /taxii2/api/status/{status-id}/                       GET     status
 *   /taxii2/api/collections/                              GET     collections
 *   /taxii2/api/collections/{id}/                         GET     collection
 *   /taxii2/api/collections/{id}/manifest/                GET     manifest
 *   /taxii2/api/collections/{id}/objects/                 GET     envelope
 *                                                         POST    status
 *   /taxii2/api/collections/{id}/objects/{object-id}/     GET     envelope
 *                                                         DELETE  -
 *   /taxii2/api/collections/{id}/objects/{object-id}/versions/  GET  versions */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "http.h"
#include "service/log.h"
#include "service/matcher.h"
#include "service/taxii.h"

/* Path segments after /taxii2/ (the longest path has 6) and the bytes of
 * one (ids are 36 to 47). */
#define SEGS_MAX 7
#define SEG_MAX	 128

/* ---- answers ------------------------------------------------------------ */

static int send_json(oe_req *r, int status, json_t *body, oe_time first, oe_time last)
{
	char *s = NULL;
	size_t len = 0;
	if (body) {
		s = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (!s)
			return oe_http_error(r, 500, "internal", "cannot render the answer");
		len = strlen(s);
	} else if (!(s = malloc(1))) {
		return MHD_NO;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", OE_TAXII_MEDIA);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (first || last) {
		char b[OE_TIME_BUF];
		oe_time_format_us(first, b);
		MHD_add_response_header(resp, "X-TAXII-Date-Added-First", b);
		oe_time_format_us(last, b);
		MHD_add_response_header(resp, "X-TAXII-Date-Added-Last", b);
	}
	if (status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate",
					"Basic realm=\"oureyes\", Bearer realm=\"oureyes\"");
	if (status == 405 && r->allow[0])
		MHD_add_response_header(resp, "Allow", r->allow);
	if ((status == 429 || status == 503) && r->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	oe_http_count(r, status);
	int ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static const char *title_of(int status)
{
	switch (status) {
	case 400: return "Bad request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not found";
	case 405: return "Method not allowed";
	case 406: return "Not acceptable";
	case 413: return "Request entity too large";
	case 415: return "Unsupported media type";
	case 422: return "Unprocessable entity";
	case 429: return "Too many requests";
	case 503: return "Service unavailable";
	default: return status >= 500 ? "Internal error" : "Error";
	}
}

int oe_http_taxii_error(oe_req *r, int status, const char *code, const char *msg)
{
	char hs[8];
	snprintf(hs, sizeof(hs), "%d", status);
	json_t *j = json_pack("{s:s,s:o,s:s,s:s}", "title", title_of(status), "description",
			      oe_json_string_lossy(msg), "error_code", code, "http_status", hs);
	if (status >= 500)
		oe_log(OE_LOG_ERROR, "request failed", "{s:s,s:s,s:i,s:s}", "method", r->method,
		       "path", "/taxii2/", "status", status, "error", msg);
	if (!j)
		return MHD_NO;
	return send_json(r, status, j, 0, 0);
}

static int fail(oe_req *r, int err)
{
	if (err == OE_ENOTFOUND)
		return oe_http_error(r, 404, "not_found",
				     "no such resource, or not one this caller may read");
	if (err == OE_EPERM)
		return oe_http_error(r, 403, "forbidden", "this caller may not do that here");
	return oe_http_fail(r, err);
}

static int not_allowed(oe_req *r, const char *allow)
{
	snprintf(r->allow, sizeof(r->allow), "%s", allow);
	return oe_http_error(r, 405, "method_not_allowed", "%s is not allowed here (allowed: %s)",
			     r->method, allow);
}

/* ---- the request ------------------------------------------------------ */

typedef struct {
	oe_taxii_query *q;
	const char *why;
	int err;
} args;

static enum MHD_Result one_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	args *a = cls;
	if (!a->err && key)
		a->err = oe_taxii_query_add(a->q, key, value, &a->why);
	return MHD_YES;
}

/* The query parameters, or NULL (and 400 answered). */
static oe_taxii_query *query(oe_req *r, int *rc)
{
	oe_taxii_query *q = oe_arena_alloc(&r->arena, sizeof(*q));
	if (!q) {
		*rc = oe_http_fail(r, OE_ENOMEM);
		return NULL;
	}
	oe_taxii_query_init(q);
	args a = {.q = q};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, one_arg, &a);
	if (a.err) {
		*rc = oe_http_error(r, 400, "invalid_parameter", "%s",
				    a.why ? a.why : "malformed query parameter");
		return NULL;
	}
	return q;
}

static bool is(const char *method, const char *m)
{
	return strcmp(method, m) == 0;
}

static json_t *collection_json(const oe_taxii_collection *c)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:b,s:[s]}", "id", c->id, "title", c->title,
			      "description", c->description, "can_read", c->can_read, "can_write",
			      c->can_write, "media_types", OE_STIX_MEDIA);
	if (o && c->alias)
		json_object_set_new(o, "alias", json_string(c->alias));
	return o;
}

static int collections(oe_req *r)
{
	oe_taxii_collection *cols;
	size_t n;
	int ret = oe_svc_taxii_collections(&r->ctx, &cols, &n);
	if (ret)
		return fail(r, ret);
	json_t *list = json_array(), *b = json_object();
	for (size_t i = 0; list && i < n; i++)
		if (json_array_append_new(list, collection_json(&cols[i]))) {
			json_decref(list);
			list = NULL;
		}
	/* No collection: an empty object (the list would be empty). */
	if (!list || !b || (n && json_object_set(b, "collections", list))) {
		json_decref(list);
		json_decref(b);
		return oe_http_fail(r, OE_ENOMEM);
	}
	json_decref(list);
	return send_json(r, 200, b, 0, 0);
}

static int read_answer(oe_req *r, const oe_taxii_collection *col, oe_taxii_what what,
		       const char *object_id)
{
	int rc = MHD_YES;
	oe_taxii_query *q = query(r, &rc);
	if (!q)
		return rc;
	oe_taxii_answer a;
	const char *why;
	int ret = oe_svc_taxii_read(&r->ctx, col, what, object_id, q, &a, &why);
	if (ret == OE_EINVAL)
		return oe_http_error(r, 400, "invalid_parameter", "%s", why ? why : "bad request");
	if (ret)
		return fail(r, ret);
	return send_json(r, 200, a.body, a.first, a.last);
}

static int add_objects(oe_req *r, const oe_taxii_collection *col)
{
	if (!col->can_write)
		return fail(r, OE_EPERM);
	if (!oe_taxii_content_type_ok(oe_http_header(r, "Content-Type")))
		return oe_http_error(r, 415, "unsupported_media_type", "send the objects as %s",
				     OE_TAXII_MEDIA);
	if (r->body.len > OE_TAXII_MAX_CONTENT)
		return oe_http_error(r, 413, "too_large",
				     "the body is over max_content_length (%d bytes)",
				     OE_TAXII_MAX_CONTENT);
	json_t *env = NULL;
	char err[256];
	int ret = r->body.len ? oe_json_parse(r->body.data, r->body.len, &env, err, sizeof(err))
			      : OE_EINVAL;
	if (ret)
		return oe_http_error(r, 400, "invalid_json", "%s",
				     r->body.len ? err : "an envelope is required");
	const json_t *objs = json_object_get(env, "objects");
	if (!json_is_object(env) || (objs && !json_is_array(objs))) {
		json_decref(env);
		return oe_http_error(r, 422, "not_an_envelope",
				     "the body must be a TAXII envelope: {\"objects\": [...]}");
	}
	json_t *status = NULL;
	char why[256];
	ret = oe_svc_taxii_add(&r->ctx, col, env, r->body.data, r->body.len, &status, why,
			       sizeof(why));
	json_decref(env);
	if (ret == OE_EINVAL)
		return oe_http_error(r, 422, "unprocessable", "%s", why[0] ? why : "not STIX 2.1");
	if (ret == OE_ETOOBIG)
		return oe_http_error(r, 413, "too_large", "%s", why[0] ? why : "over a limit");
	if (ret)
		return fail(r, ret);
	/* The next lookup sees what was added (the route is not a "write"
	 * one: peers add objects too). */
	oe_svc_match_sync(r->srv->node);
	return send_json(r, 202, status, 0, 0);
}

static int delete_object(oe_req *r, const oe_taxii_collection *col, const char *object_id)
{
	int rc = MHD_YES;
	oe_taxii_query *q = query(r, &rc);
	if (!q)
		return rc;
	int ret = oe_svc_taxii_delete(&r->ctx, col, object_id, q);
	if (ret)
		return fail(r, ret);
	oe_svc_match_sync(r->srv->node); /* no lookup matches it from now on */
	return send_json(r, 200, NULL, 0, 0);
}

/* /taxii2/api/collections/{id}/... : segs[2] is the id, segs[3..] the rest. */
static int in_collection(oe_req *r, char segs[][SEG_MAX + 1], size_t n)
{
	const char *m = r->method;
	oe_taxii_collection col;
	int ret = oe_svc_taxii_collection(&r->ctx, segs[2], &col);
	if (n == 3) {
		if (!is(m, "GET"))
			return not_allowed(r, "GET");
		return ret ? fail(r, ret) : send_json(r, 200, collection_json(&col), 0, 0);
	}
	const char *what = segs[3];
	if (n == 4 && strcmp(what, "manifest") == 0) {
		if (!is(m, "GET"))
			return not_allowed(r, "GET");
		return ret ? fail(r, ret) : read_answer(r, &col, OE_TAXII_MANIFEST, NULL);
	}
	if (strcmp(what, "objects") != 0 || n > 6 || (n == 6 && strcmp(segs[5], "versions") != 0))
		return fail(r, OE_ENOTFOUND);
	if (n == 4) {
		if (!is(m, "GET") && !is(m, "POST"))
			return not_allowed(r, "GET, POST");
		if (ret)
			return fail(r, ret);
		return is(m, "GET") ? read_answer(r, &col, OE_TAXII_OBJECTS, NULL)
				    : add_objects(r, &col);
	}
	if (n == 5) {
		if (!is(m, "GET") && !is(m, "DELETE"))
			return not_allowed(r, "GET, DELETE");
		if (ret)
			return fail(r, ret);
		return is(m, "GET") ? read_answer(r, &col, OE_TAXII_OBJECTS, segs[4])
				    : delete_object(r, &col, segs[4]);
	}
	if (!is(m, "GET"))
		return not_allowed(r, "GET");
	return ret ? fail(r, ret) : read_answer(r, &col, OE_TAXII_VERSIONS, segs[4]);
}

int oe_h_taxii(oe_req *r)
{
	if (!oe_taxii_accept_ok(oe_http_header(r, "Accept")))
		return oe_http_error(r, 406, "not_acceptable", "this server answers %s",
				     OE_TAXII_MEDIA);
	/* Every TAXII path ends in '/': split what follows /taxii2/ there. */
	const char *p = r->url + strlen("/taxii2/");
	size_t len = strlen(p);
	char segs[SEGS_MAX][SEG_MAX + 1];
	size_t n = 0;
	if (len && p[len - 1] != '/')
		return fail(r, OE_ENOTFOUND);
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t sl = (size_t)(slash - p);
		if (!sl || sl > SEG_MAX || n == SEGS_MAX)
			return fail(r, OE_ENOTFOUND);
		memcpy(segs[n], p, sl);
		segs[n++][sl] = '\0';
		p = slash + 1;
	}
	const char *m = r->method;
	if (n == 0) {
		if (!is(m, "GET"))
			return not_allowed(r, "GET");
		json_t *d = oe_svc_taxii_discovery(&r->ctx);
		return d ? send_json(r, 200, d, 0, 0) : oe_http_fail(r, OE_ENOMEM);
	}
	if (strcmp(segs[0], "api") != 0)
		return fail(r, OE_ENOTFOUND);
	if (n == 1) {
		if (!is(m, "GET"))
			return not_allowed(r, "GET");
		json_t *a = oe_svc_taxii_api_root(&r->ctx);
		return a ? send_json(r, 200, a, 0, 0) : oe_http_fail(r, OE_ENOMEM);
	}
	if (strcmp(segs[1], "status") == 0 && n == 3) {
		if (!is(m, "GET"))
			return not_allowed(r, "GET");
		json_t *st;
		int ret = oe_svc_taxii_status(&r->ctx, segs[2], &st);
		return ret ? fail(r, ret) : send_json(r, 200, st, 0, 0);
	}
	if (strcmp(segs[1], "collections") != 0)
		return fail(r, OE_ENOTFOUND);
	if (n == 2) {
		if (!is(m, "GET"))
			return not_allowed(r, "GET");
		return collections(r);
	}
	return in_collection(r, segs, n);
}
