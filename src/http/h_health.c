/* h_health.c - GET /healthz and GET /metrics (Prometheus text format). */
#include <stdio.h>
#include <stdlib.h>

#include "http.h"
#include "match/match.h"
#include "oe_config.h"
#include "service/share.h"

int oe_h_healthz(oe_req *r)
{
	if (!r->ctx.store)
		return oe_http_json(r, 503, json_pack("{s:s}", "status", "unavailable"));
	return oe_http_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void label(oe_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			oe_buf_addc(b, '\\');
		if (*s == '\n')
			oe_buf_adds(b, "\\n");
		else
			oe_buf_addc(b, *s);
	}
}

/* Per partner node we pull from: the last successful pull, how far behind
 * it is (since the last success, or since the peer was added when there
 * was none), consecutive failures and objects taken. Only the node
 * operator's admins see peers; others get none of these. */
static int peer_metrics(oe_req *r, oe_buf *b)
{
	oe_peer_row *p;
	size_t n;
	int ret = oe_svc_peer_list(&r->ctx, &p, &n);
	if (ret == OE_EPERM)
		return 0;
	if (ret)
		return ret;
	static const char *const help[] = {"oureyes_peer_last_success_seconds",
					   "When the last pull from the peer succeeded.",
					   "oureyes_peer_lag_seconds",
					   "Seconds since the last successful pull from the peer.",
					   "oureyes_peer_errors",
					   "Pulls from the peer that failed in a row.",
					   "oureyes_peer_objects_total",
					   "Objects stored from the peer."};
	oe_time now = oe_now();
	for (size_t m = 0; m < 4; m++) {
		oe_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", help[2 * m], help[2 * m + 1],
			      help[2 * m], m == 3 ? "counter" : "gauge");
		for (size_t i = 0; i < n; i++) {
			if (!p[i].url || !p[i].has_key)
				continue;
			oe_time since = p[i].last_success ? p[i].last_success : p[i].created;
			long long v = m == 0   ? (long long)(p[i].last_success / 1000000)
				      : m == 1 ? (long long)((now - since) / 1000000)
				      : m == 2 ? (long long)p[i].errors
					       : (long long)p[i].objects;
			oe_buf_printf(b, "%s{peer=\"", help[2 * m]);
			label(b, p[i].name);
			oe_buf_printf(b, "\"} %lld\n", v);
		}
	}
	return 0;
}

/* The matcher that lookups read: whether there is one, what its snapshot
 * holds, how many were published and how old the current one is. */
static void matcher_metrics(oe_buf *b, oe_matcher *mt)
{
	oe_buf_printf(b,
		      "# HELP oureyes_matcher_up Whether lookups are answered from the in-memory "
		      "matcher (0: from the store).\n"
		      "# TYPE oureyes_matcher_up gauge\n"
		      "oureyes_matcher_up %d\n",
		      mt ? 1 : 0);
	if (!mt)
		return;
	oe_match_stats st;
	const oe_match_snap *snap = oe_matcher_enter(mt);
	oe_match_snap_stats(snap, &st);
	oe_matcher_leave(mt);
	uint64_t gen = oe_matcher_generation(mt);
	oe_time pub = oe_matcher_published(mt), now = oe_now();
	oe_buf_printf(b,
		      "# HELP oureyes_matcher_indicators Entries in the matcher's snapshot (base "
		      "and delta layers).\n"
		      "# TYPE oureyes_matcher_indicators gauge\n"
		      "oureyes_matcher_indicators %zu\n"
		      "# HELP oureyes_matcher_generation Snapshots published since the start.\n"
		      "# TYPE oureyes_matcher_generation counter\n"
		      "oureyes_matcher_generation %llu\n"
		      "# HELP oureyes_matcher_snapshot_age_seconds Since the snapshot in use was "
		      "published (a new one is published when indicators change).\n"
		      "# TYPE oureyes_matcher_snapshot_age_seconds gauge\n"
		      "oureyes_matcher_snapshot_age_seconds %.3f\n",
		      st.total, (unsigned long long)gen,
		      pub && now > pub ? (double)(now - pub) / 1e6 : 0.0);
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
	matcher_metrics(&b, r->srv->node->match);
	int64_t open[OE_RC__COUNT], overdue[OE_RC__COUNT];
	if ((ret = r->ctx.store->ops->report->counts(r->ctx.store, oe_now(), open, overdue,
						     OE_RC__COUNT))) {
		oe_buf_free(&b);
		return oe_http_fail(r, ret);
	}
	oe_buf_printf(&b, "# HELP oureyes_reports_open Reports not closed or rejected, by "
			  "category.\n# TYPE oureyes_reports_open gauge\n");
	for (int i = 0; i < OE_RC__COUNT; i++)
		oe_buf_printf(&b, "oureyes_reports_open{category=\"%s\"} %lld\n",
			      oe_report_category_name(i), (long long)open[i]);
	oe_buf_printf(&b, "# HELP oureyes_reports_overdue Open reports past their deadline, by "
			  "category.\n# TYPE oureyes_reports_overdue gauge\n");
	for (int i = 0; i < OE_RC__COUNT; i++)
		oe_buf_printf(&b, "oureyes_reports_overdue{category=\"%s\"} %lld\n",
			      oe_report_category_name(i), (long long)overdue[i]);
	if ((ret = peer_metrics(r, &b))) {
		oe_buf_free(&b);
		return oe_http_fail(r, ret);
	}
	size_t len = b.len;
	char *data = oe_buf_steal(&b);
	if (!data)
		return oe_http_fail(r, OE_ENOMEM);
	return oe_http_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", data, len);
}
