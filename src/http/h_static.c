/* h_static.c - GET /static/{name}: the pages' script, style sheet and
 * logo, embedded into the binary at build time (scripts/embed-web.py), so
 * a node serves exactly the files it was built and tested with.
 *
 * Each file has a strong ETag (a hash of its bytes). Pages link to
 * /static/NAME?v=VERSION (a hash of every static file): such a link can be
 * cached for a year, since a new build links to a new VERSION; any other
 * request is revalidated with If-None-Match and answered 304 when
 * unchanged. */
#include <string.h>

#include "http/http.h"
#include "http/tmpl.h"

#define YEAR_SECONDS "31536000"

/* Does an If-None-Match header name etag (or "*")? A weak validator
 * (W/"x") matches too: If-None-Match uses the weak comparison. */
static bool etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	size_t el = strlen(etag);
	const char *p = inm;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - p) == el && memcmp(p, etag, el) == 0)
			return true;
		p = e;
	}
	return false;
}

/* Answer f (or 304 when the client's copy is current) with its type, ETag,
 * cache policy and content security policy. */
static int answer_file(oe_req *r, const oe_web_file *f, const char *cache, const char *csp,
		       bool page)
{
	bool fresh = etag_matches(oe_http_header(r, "If-None-Match"), f->etag);
	int status = fresh ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
	/* The bytes are static: libmicrohttpd sends them without a copy. */
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    fresh ? 0 : f->len, fresh ? NULL : (void *)f->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", f->ctype);
	MHD_add_response_header(resp, "ETag", f->etag);
	MHD_add_response_header(resp, "Cache-Control", cache);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (page) {
		MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	}
	oe_http_count(r, status);
	int ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

int oe_h_static(oe_req *r)
{
	const oe_web_file *f = oe_web_static_file(r->path_id);
	if (!f)
		return oe_http_error(r, 404, "not_found", "no such static file");
	const char *v = oe_http_arg(r, "v");
	bool versioned = v && strcmp(v, oe_web_static_version) == 0;
	return answer_file(r, f,
			   versioned ? "public, max-age=" YEAR_SECONDS ", immutable" : "no-cache",
			   "default-src 'none'; frame-ancestors 'none'; base-uri 'none'", false);
}

/* GET /console/ and /console/{name}: the analyst console, a page and a
 * script that speak to /api/v1 with the session cookie (or nothing: the
 * page itself holds no data and is public). Its policy lets it run its
 * own script, draw charts on canvas, show evidence images fetched as
 * blobs, and frame nothing but sandboxed blobs (PDF evidence). */
int oe_h_console(oe_req *r)
{
	const char *name = r->path_id && *r->path_id ? r->path_id : "index.html";
	const oe_web_file *f = oe_web_console_file(name);
	if (!f)
		return oe_http_error(r, 404, "not_found", "no such console file");
	return answer_file(r, f, "no-cache",
			   "default-src 'none'; script-src 'self'; style-src 'self'; "
			   "img-src 'self' blob:; connect-src 'self'; frame-src blob:; "
			   "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
			   true);
}
