/* client.c - TAXII requests over libcurl (see client.h). */
#include "client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/taxii_query.h"

struct oe_sync_http {
	CURL *curl;
	oe_sync_http_opts o;
	char auth[600];
};

/* What the callbacks of one request share. */
typedef struct {
	oe_sync_resp *r;
	size_t max;
	bool too_big;
	const atomic_bool *stop;
} xfer;

static void global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int oe_sync_http_open(const oe_sync_http_opts *o, oe_sync_http **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, global_init);
	*out = NULL;
	oe_sync_http *h = calloc(1, sizeof(*h));
	if (!h)
		return OE_ENOMEM;
	h->o = *o;
	if (!(h->curl = curl_easy_init())) {
		free(h);
		return OE_ENOMEM;
	}
	snprintf(h->auth, sizeof(h->auth), "Authorization: Bearer %s", o->key ? o->key : "");
	*out = h;
	return 0;
}

void oe_sync_http_close(oe_sync_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	explicit_bzero(h->auth, sizeof(h->auth));
	free(h);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	xfer *x = arg;
	size_t len = size * n;
	if (x->r->body.len + len > x->max) {
		x->too_big = true;
		return 0; /* curl ends the transfer with a write error */
	}
	oe_buf_add(&x->r->body, p, len);
	return oe_buf_error(&x->r->body) ? 0 : len;
}

/* "Name: value\r\n" into out when the name is name. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	const char *v = line + nl + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	size_t k = (size_t)(end - v);
	if (k >= cap)
		return; /* longer than any valid value: as if absent */
	memcpy(out, v, k);
	out[k] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	xfer *x = arg;
	size_t len = size * n;
	header_value(p, len, "X-TAXII-Date-Added-First", x->r->date_first,
		     sizeof(x->r->date_first));
	header_value(p, len, "X-TAXII-Date-Added-Last", x->r->date_last, sizeof(x->r->date_last));
	header_value(p, len, "Content-Type", x->r->ctype, sizeof(x->r->ctype));
	return len;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	xfer *x = arg;
	return x->stop && atomic_load(x->stop) ? 1 : 0;
}

int oe_sync_http_request(oe_sync_http *h, const char *url, const char *body, size_t len,
			 oe_sync_resp *r, char *err, size_t errcap)
{
	memset(r, 0, sizeof(*r));
	r->body.max = h->o.max_bytes;
	xfer x = {.r = r, .max = h->o.max_bytes, .stop = h->o.stop};
	CURL *c = h->curl;
	curl_easy_reset(c);
	struct curl_slist *hdr = NULL, *t;
	hdr = curl_slist_append(hdr, h->auth);
	if (hdr && (t = curl_slist_append(hdr, "Accept: " OE_TAXII_MEDIA)))
		hdr = t;
	if (hdr && body && (t = curl_slist_append(hdr, "Content-Type: " OE_TAXII_MEDIA)))
		hdr = t;
	if (!hdr) {
		snprintf(err, errcap, "out of memory");
		return OE_ENOMEM;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->o.connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, h->o.timeout);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->o.max_bytes);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* what libcurl can decode */
	curl_easy_setopt(c, CURLOPT_USERAGENT, "oureyes-sync");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	int ret = 0;
	if (x.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errcap, "answer larger than %zu bytes (sync.max_page)", x.max);
		ret = OE_ETOOBIG;
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, errcap, "stopped");
		ret = OE_EIO;
	} else if (rc != CURLE_OK) {
		snprintf(err, errcap, "%s", curl_easy_strerror(rc));
		ret = OE_EIO;
	} else if (oe_buf_error(&r->body)) {
		snprintf(err, errcap, "out of memory");
		ret = OE_ENOMEM;
	}
	if (!ret) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		oe_buf_add(&r->body, "", 0); /* data and its NUL even when empty */
		if (oe_buf_error(&r->body)) {
			snprintf(err, errcap, "out of memory");
			ret = OE_ENOMEM;
			oe_buf_free(&r->body);
		}
	} else {
		oe_buf_free(&r->body);
	}
	return ret;
}

int oe_sync_url_join(const char *base, const char *url, char *out, size_t cap)
{
	CURLU *u = curl_url();
	char *s = NULL, *scheme = NULL;
	int ret = OE_EINVAL;
	if (!u)
		return OE_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (!strcmp(scheme, "http") || !strcmp(scheme, "https")) &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK && strlen(s) < cap) {
		memcpy(out, s, strlen(s) + 1);
		ret = 0;
	}
	curl_free(s);
	curl_free(scheme);
	curl_url_cleanup(u);
	return ret;
}

void oe_sync_url_escape(oe_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			oe_buf_addc(b, (char)*p);
		} else {
			oe_buf_addc(b, '%');
			oe_buf_addc(b, hex[*p >> 4]);
			oe_buf_addc(b, hex[*p & 15]);
		}
	}
}
