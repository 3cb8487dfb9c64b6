/* client.h - requests to a partner's TAXII 2.1 server over libcurl, with
 * the walls a misbehaving partner meets: a connect timeout, a timeout for
 * the whole request, a ceiling on the bytes of an answer (checked while
 * they arrive, not after), http and https only, no redirects, and a stop
 * flag the server's shutdown sets. Certificates are verified.
 *
 * One oe_sync_http is one curl handle (connections are reused across the
 * pages of a pull) used by one thread at a time. */
#ifndef OE_SYNC_CLIENT_H
#define OE_SYNC_CLIENT_H

#include <stdatomic.h>

#include "core/buf.h"

typedef struct oe_sync_http oe_sync_http;

typedef struct {
	const char *key;	       /* sent as "Authorization: Bearer KEY" */
	long connect_timeout, timeout; /* seconds */
	size_t max_bytes;	       /* of one answer's body */
	const atomic_bool *stop;       /* a request in flight ends when set; may be NULL */
} oe_sync_http_opts;

/* What came back. The body is NUL-terminated (not counted in len). */
typedef struct {
	long status;
	oe_buf body;
	char date_first[64], date_last[64]; /* X-TAXII-Date-Added-First/-Last; "" when absent */
	char ctype[128];		    /* Content-Type; "" when absent */
} oe_sync_resp;

/* A handle for the options o (copied; key must stay valid while the
 * handle is used). 0 or OE_ENOMEM. */
int oe_sync_http_open(const oe_sync_http_opts *o, oe_sync_http **out);
/* NULL is fine. */
void oe_sync_http_close(oe_sync_http *h);

/* GET url, or POST body (len bytes, TAXII media type) when body is not
 * NULL. Returns 0 once an answer arrived whole within the limits, whatever
 * its status (r->status says); else OE_EIO (no answer: refused, timed out,
 * stopped, TLS failed) or OE_ETOOBIG (over max_bytes), with a message in
 * err. r is emptied first; free r->body with oe_buf_free. */
int oe_sync_http_request(oe_sync_http *h, const char *url, const char *body, size_t len,
			 oe_sync_resp *r, char *err, size_t errcap);

/* url resolved against base (an absolute url stays as it is), into out
 * (cap bytes). 0, or OE_EINVAL when either is not an http(s) URL or the
 * result does not fit. */
int oe_sync_url_join(const char *base, const char *url, char *out, size_t cap);

/* s percent-encoded for a URL path segment or query value, appended to b. */
void oe_sync_url_escape(oe_buf *b, const char *s);

#endif
