/* h_import.c - POST /api/v1/import and GET /api/v1/export. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "service/log.h"

int oe_h_import(oe_req *r)
{
	const char *format = oe_http_arg(r, "format"), *type = oe_http_arg(r, "type");
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
	if (!format && ct) {
		if (!strncasecmp(ct, "text/csv", 8))
			format = "csv";
		else if (!strncasecmp(ct, "text/plain", 10))
			format = "txt";
	}
	oe_itype t = OE_T_NONE;
	if (type && (t = oe_itype_parse(type)) == OE_T_NONE)
		return oe_http_error(r, 400, "invalid_parameter", "type: unknown type '%s'", type);
	if (r->body.len == 0)
		return oe_http_error(r, 400, "empty", "the body is empty");
	oe_import_set set;
	oe_import_set_init(&set);
	char err[512] = "";
	int ret = oe_import_parse(r->body.data, r->body.len, format, t, &r->srv->node->canon, &set,
				  err, sizeof(err));
	if (ret) {
		oe_import_set_free(&set);
		if (ret == OE_ENOMEM)
			return oe_http_fail(r, ret);
		return oe_http_error(r, ret == OE_ETOOBIG ? 413 : 400, "invalid_document", "%s",
				     *err ? err : "the document cannot be read");
	}
	oe_import_result res;
	ret = oe_svc_import(&r->ctx, &set, &res);
	if (ret) {
		oe_import_set_free(&set);
		return oe_http_fail(r, ret);
	}
	atomic_fetch_add_explicit(&r->srv->m.imported, res.imported, memory_order_relaxed);
	json_t *j = oe_render_import(&set, &res);
	/* Read, but every object refused: a failure, as for a batch of
	 * POST /api/v1/indicators where no object is valid. */
	size_t refused = set.nerrors + set.nerrors_dropped;
	bool nothing = res.imported == 0 && res.updated == 0 && res.skipped == 0 &&
		       res.events == 0 && refused > 0;
	oe_import_set_free(&set);
	if (nothing) {
		json_object_set_new(j, "error",
				    json_pack("{s:s,s:s}", "code", "nothing_imported", "message",
					      "nothing in the document could be imported: every "
					      "object was refused (see \"refused\")"));
		return oe_http_json(r, 400, j);
	}
	return oe_http_json(r, 200, j);
}

/* An export streams: libmicrohttpd asks for the next bytes as the socket
 * drains, and each time the buffer runs dry the next page is read from the
 * store (chunked transfer encoding, the length being unknown). A failure
 * halfway ends the connection without the last chunk, so a client cannot
 * mistake a cut list for a whole one.
 *
 * Ownership: the stream owns the export and its buffer; libmicrohttpd frees
 * it (stream_free) when the response is destroyed, which may be after the
 * request. store is the worker thread's connection, which outlives every
 * response of that thread; libmicrohttpd calls stream_read on the thread
 * that owns the connection, between other requests, never during one. */
typedef struct {
	oe_export *e;
	oe_store *store;
	oe_buf buf;
	size_t off;
	bool done;
} export_stream;

/* Bytes handed to libmicrohttpd per call at most. */
#define EXPORT_BLOCK (64 * 1024)

static ssize_t stream_read(void *cls, uint64_t pos, char *dst, size_t max)
{
	export_stream *st = cls;
	(void)pos;
	while (st->off == st->buf.len) {
		if (st->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		oe_buf_clear(&st->buf);
		st->off = 0;
		/* As for a request: no transaction left open by another one. */
		st->store->ops->rollback(st->store);
		int ret = oe_svc_export_next(st->e, st->store, &st->buf, &st->done);
		if (ret) {
			oe_log(OE_LOG_ERROR, "export cut short", "{s:s}", "error",
			       oe_strerror(ret));
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	size_t n = st->buf.len - st->off < max ? st->buf.len - st->off : max;
	memcpy(dst, st->buf.data + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	export_stream *st = cls;
	oe_svc_export_free(st->e);
	oe_buf_free(&st->buf);
	free(st);
}

/* 0..100, digits only. */
static int parse_confidence(const char *s)
{
	int v = 0;
	if (!s || !*s || strlen(s) > 3)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= 100 ? v : -1;
}

int oe_h_export(oe_req *r)
{
	const char *format = oe_http_arg(r, "format");
	int fmt = oe_export_format_parse(format ? format : "stix");
	if (fmt < 0)
		return oe_http_error(r, 400, "invalid_parameter", "format: one of %s",
				     oe_export_format_names);
	oe_export_opts o = {.fmt = (oe_export_format)fmt, .min_confidence = -1};
	o.filter.max_tlp = -1;
	const char *type = oe_http_arg(r, "type"), *tlp = oe_http_arg(r, "tlp"),
		   *since = oe_http_arg(r, "since"), *conf = oe_http_arg(r, "confidence"),
		   *age = oe_http_arg(r, "max_age");
	if (type && (o.filter.type = oe_itype_parse(type)) == OE_T_NONE)
		return oe_http_error(r, 400, "invalid_parameter", "type: unknown type '%s'", type);
	if (tlp && (o.filter.max_tlp = oe_tlp_parse(tlp)) < 0)
		return oe_http_error(r, 400, "invalid_parameter", "tlp: unknown TLP '%s'", tlp);
	if (since && oe_time_parse(since, &o.filter.since))
		return oe_http_error(r, 400, "invalid_parameter", "since: expected RFC 3339");
	if (conf && (o.min_confidence = parse_confidence(conf)) < 0)
		return oe_http_error(r, 400, "invalid_parameter",
				     "confidence: the lowest confidence, 0 to 100");
	if (age && (oe_duration_parse(age, &o.max_age) || o.max_age == 0))
		return oe_http_error(r, 400, "invalid_parameter",
				     "max_age: a positive number and a unit, s, m, h, d or w "
				     "(\"30d\")");
	o.filter.tag = oe_http_arg(r, "tag");
	o.rpz_origin = oe_http_arg(r, "origin");
	const char *why = NULL;
	oe_export *e;
	int ret = oe_svc_export_open(&r->ctx, &o, &e, &why);
	if (ret == OE_EINVAL)
		return oe_http_error(r, 400, "invalid_parameter", "%s: %s",
				     oe_export_format_name(o.fmt), why ? why : "invalid");
	if (ret)
		return oe_http_fail(r, ret);
	export_stream *st = calloc(1, sizeof(*st));
	if (!st) {
		oe_svc_export_free(e);
		return oe_http_fail(r, OE_ENOMEM);
	}
	st->e = e;
	st->store = r->ctx.store;
	oe_buf_init(&st->buf);
	/* The first page now, so that a failure to read is still a 5xx. */
	ret = oe_svc_export_next(e, st->store, &st->buf, &st->done);
	if (ret) {
		stream_free(st);
		return oe_http_fail(r, ret);
	}
	struct MHD_Response *resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, EXPORT_BLOCK, stream_read, st, stream_free);
	if (!resp) {
		stream_free(st);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", oe_export_content_type(o.fmt));
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* What oe_http_bytes counts for every other answer. */
	r->status = 200;
	atomic_fetch_add_explicit(&r->srv->m.requests[2], 1, memory_order_relaxed);
	int rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}
