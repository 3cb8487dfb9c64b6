/* h_import.c - POST /api/v1/import and GET /api/v1/export. */
#include <string.h>
#include <strings.h>

#include "http.h"

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

int oe_h_export(oe_req *r)
{
	const char *format = oe_http_arg(r, "format");
	int fmt = oe_export_format_parse(format ? format : "stix");
	if (fmt < 0)
		return oe_http_error(r, 400, "invalid_parameter",
				     "format: one of stix, misp, csv, txt");
	oe_indicator_filter f = {0};
	f.max_tlp = -1;
	const char *type = oe_http_arg(r, "type"), *tlp = oe_http_arg(r, "tlp"),
		   *tag = oe_http_arg(r, "tag"), *since = oe_http_arg(r, "since");
	if (type && (f.type = oe_itype_parse(type)) == OE_T_NONE)
		return oe_http_error(r, 400, "invalid_parameter", "type: unknown type '%s'", type);
	if (tlp && (f.max_tlp = oe_tlp_parse(tlp)) < 0)
		return oe_http_error(r, 400, "invalid_parameter", "tlp: unknown TLP '%s'", tlp);
	if (since && oe_time_parse(since, &f.since))
		return oe_http_error(r, 400, "invalid_parameter", "since: expected RFC 3339");
	f.tag = tag;
	oe_buf out = OE_BUF_INIT;
	int ret = oe_svc_export(&r->ctx, (oe_export_format)fmt, &f, &out);
	if (ret) {
		oe_buf_free(&out);
		return oe_http_fail(r, ret);
	}
	size_t len = out.len;
	char *data = oe_buf_steal(&out);
	if (!data)
		return oe_http_fail(r, OE_ENOMEM);
	static const char *const ctypes[] = {"application/stix+json;version=2.1",
					     "application/json", "text/csv; charset=utf-8",
					     "text/plain; charset=utf-8"};
	return oe_http_bytes(r, 200, ctypes[fmt], data, len);
}
