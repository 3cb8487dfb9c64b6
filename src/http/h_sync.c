/* h_sync.c - pushing to a partner node over HTTP:
 *   POST /api/v1/peers/{name}/push  {"event": uuid, "collection": "community"}
 * An analyst or admin of the node operator sends one of its events to the
 * partner's collection (sync/push.h); the answer is what went and what the
 * partner took. The request waits for the partner, within sync.timeout. */
#include "http.h"
#include "service/share.h"
#include "sync/push.h"

int oe_h_peer_push(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int rc;
	const char *event = json_string_value(json_object_get(b, "event"));
	json_t *col = json_object_get(b, "collection");
	if (!event || (col && !json_is_string(col))) {
		rc = oe_http_error(r, 400, "invalid_field",
				   "a push needs \"event\" (an event id) and may name a "
				   "\"collection\" of the partner (default community)");
		goto out;
	}
	oe_peer_row p;
	int ret = r->ctx.store->ops->share->peer_get(r->ctx.store, 0, r->path_id, &r->arena, &p);
	if (ret) {
		rc = ret == OE_ENOTFOUND
			 ? oe_http_error(r, 404, "not_found", "no peer named '%s'", r->path_id)
			 : oe_http_fail(r, ret);
		goto out;
	}
	oe_sync_push_result res;
	char err[512] = "";
	ret = oe_sync_push(&r->ctx, p.id, event, json_string_value(col), &res, err, sizeof(err));
	if (ret == OE_EPERM && err[0])
		rc = oe_http_error(r, 403, "forbidden", "%s", err);
	else if (ret == OE_ENOTFOUND && err[0])
		rc = oe_http_error(r, 404, "not_found", "%s", err);
	else if (ret == OE_EIO || ret == OE_EINVAL || ret == OE_ETOOBIG)
		rc = oe_http_error(r, 502, "peer_failed", "%s", err[0] ? err : oe_strerror(ret));
	else if (ret)
		rc = oe_http_fail(r, ret);
	else
		rc = oe_http_json(
		    r, 200,
		    json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s}", "peer", res.peer, "collection",
			      res.collection, "sent", (json_int_t)res.n.sent, "withheld",
			      (json_int_t)res.n.withheld, "success", (json_int_t)res.success,
			      "failure", (json_int_t)res.failure, "pending",
			      (json_int_t)res.pending, "status", res.status_id));
out:
	json_decref(b);
	return rc;
}
