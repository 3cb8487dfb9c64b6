/* h_health.c - GET /healthz and GET /metrics (Prometheus text format). */
#include <stdio.h>
#include <stdlib.h>

#include "http.h"
#include "oe_config.h"

int oe_h_healthz(oe_req *r)
{
	if (!r->ctx.store)
		return oe_http_json(r, 503, json_pack("{s:s}", "status", "unavailable"));
	return oe_http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

int oe_h_metrics(oe_req *r)
{
	/* Node-wide counts include every organisation's restricted data: they
	 * are for the node's operators only. */
	if (r->ctx.viewer.role != OE_ROLE_ADMIN)
		return oe_http_error(r, 403, "forbidden", "/metrics needs an admin key");
	oe_metrics *m = &r->srv->m;
	oe_buf b = OE_BUF_INIT;
	int64_t ind = 0, ev = 0, st = 0, orgs = 0;
	int ret = r->ctx.store->ops->stats(r->ctx.store, &ind, &ev, &st, &orgs);
	if (ret)
		return oe_http_fail(r, ret);
	oe_buf_printf(&b,
		      "# HELP oureyes_build_info Version of this node.\n"
		      "# TYPE oureyes_build_info gauge\n"
		      "oureyes_build_info{version=\"%s\"} 1\n",
		      OE_VERSION);
	oe_buf_printf(&b,
		      "# HELP oureyes_start_time_seconds When the server started.\n"
		      "# TYPE oureyes_start_time_seconds gauge\n"
		      "oureyes_start_time_seconds %lld\n",
		      (long long)(r->srv->started / 1000000));
	oe_buf_printf(&b, "# HELP oureyes_http_requests_total Answered requests by status class.\n"
			  "# TYPE oureyes_http_requests_total counter\n");
	static const char *const cls[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
	for (int i = 0; i < 6; i++)
		oe_buf_printf(&b, "oureyes_http_requests_total{code=\"%s\"} %llu\n", cls[i],
			      (unsigned long long)atomic_load(&m->requests[i]));
	oe_buf_printf(
	    &b,
	    "# HELP oureyes_lookups_total Values looked up.\n"
	    "# TYPE oureyes_lookups_total counter\n"
	    "oureyes_lookups_total %llu\n"
	    "# HELP oureyes_lookup_hits_total Lookups that matched an indicator.\n"
	    "# TYPE oureyes_lookup_hits_total counter\n"
	    "oureyes_lookup_hits_total %llu\n"
	    "# HELP oureyes_auth_failures_total Requests refused for a missing or bad key.\n"
	    "# TYPE oureyes_auth_failures_total counter\n"
	    "oureyes_auth_failures_total %llu\n"
	    "# HELP oureyes_indicators_imported_total New indicators stored.\n"
	    "# TYPE oureyes_indicators_imported_total counter\n"
	    "oureyes_indicators_imported_total %llu\n",
	    (unsigned long long)atomic_load(&m->lookups),
	    (unsigned long long)atomic_load(&m->lookup_hits),
	    (unsigned long long)atomic_load(&m->auth_failures),
	    (unsigned long long)atomic_load(&m->imported));
	oe_buf_printf(&b,
		      "# HELP oureyes_indicators Live (not revoked) indicators stored.\n"
		      "# TYPE oureyes_indicators gauge\n"
		      "oureyes_indicators %lld\n"
		      "# HELP oureyes_events Events stored.\n"
		      "# TYPE oureyes_events gauge\n"
		      "oureyes_events %lld\n"
		      "# HELP oureyes_sightings Sightings stored.\n"
		      "# TYPE oureyes_sightings gauge\n"
		      "oureyes_sightings %lld\n"
		      "# HELP oureyes_orgs Organisations known to this node.\n"
		      "# TYPE oureyes_orgs gauge\n"
		      "oureyes_orgs %lld\n",
		      (long long)ind, (long long)ev, (long long)st, (long long)orgs);
	size_t len = b.len;
	char *data = oe_buf_steal(&b);
	if (!data)
		return oe_http_fail(r, OE_ENOMEM);
	return oe_http_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", data, len);
}
