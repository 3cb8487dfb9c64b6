/* h_match.c - POST /api/v1/match: log lines in the body, the hits out as
 * JSON lines (or tab-separated text with ?format=text), from the node's
 * matcher under the caller's view (match/run.h). */
#include <string.h>

#include "http.h"
#include "match/run.h"

int oe_h_match(oe_req *r)
{
	oe_node *node = r->srv->node;
	if (!node->match)
		return oe_http_error(r, 503, "unavailable", "the matcher is not running");
	const char *fmt = oe_http_arg(r, "format");
	if (fmt && strcmp(fmt, "jsonl") != 0 && strcmp(fmt, "text") != 0)
		return oe_http_error(r, 400, "invalid_parameter", "format: jsonl or text");
	bool text = fmt && !strcmp(fmt, "text");
	oe_buf out = OE_BUF_INIT;
	const oe_match_snap *snap = oe_matcher_enter(node->match);
	oe_match_run run = {.mc = {.snap = snap, .viewer = r->ctx.viewer, .now = oe_now()},
			    .wl = node->wl,
			    .scan = {.phones = oe_match_has(snap, OE_T_PHONE),
				     .phone_cc = oe_scan_calling_code(node->cfg.default_region),
				     .canon = &node->canon},
			    .text = text,
			    .out = &out,
			    .line = 1};
	oe_match_run_lines(&run, r->body.data ? r->body.data : "", r->body.len);
	oe_matcher_leave(node->match);
	atomic_fetch_add_explicit(&r->srv->m.lookup_hits, run.hits, memory_order_relaxed);
	if (oe_buf_error(&out)) {
		oe_buf_free(&out);
		return oe_http_fail(r, OE_ENOMEM);
	}
	size_t len = out.len;
	char *data = oe_buf_steal(&out);
	if (!data)
		return oe_http_fail(r, OE_ENOMEM);
	return oe_http_bytes(r, 200, text ? "text/plain; charset=utf-8" : "application/x-ndjson",
			     data, len);
}
