/* h_reports.c - the analysts' API for citizens' reports:
 *   GET   /api/v1/reports?status=&category=&overdue=true&sort=due|created
 *   GET   /api/v1/reports/{id}
 *   PATCH /api/v1/reports/{id}
 *   POST  /api/v1/reports/{id}/messages   (shown to the reporter)
 *   POST  /api/v1/reports/{id}/merge      ({"into": "report--..."})
 *   POST  /api/v1/reports/{id}/reveal     ({"reason": "..."}, admins)
 *   GET   /api/v1/evidence/{sha256}       (an evidence file, as an attachment) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/tlp.h"
#include "http.h"

static json_t *jstr_or_null(const char *s)
{
	return s ? oe_json_string_lossy(s) : json_null();
}

static json_t *report_json(const oe_report_row *r, oe_time now)
{
	json_t *j =
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:b,s:o,s:I,s:I,s:I,s:b}", "id",
		      r->uuid, "category", oe_report_category_name(r->category), "status",
		      oe_report_status_name(r->status), "tlp", oe_tlp_name(r->tlp), "lang", r->lang,
		      "created", oe_json_time(r->created), "modified", oe_json_time(r->modified),
		      "due_at", oe_json_time(r->due_at), "assignee", jstr_or_null(r->assignee),
		      "overdue", r->status < OE_RS_CLOSED && r->due_at < now, "duplicate_of",
		      jstr_or_null(r->duplicate_of_uuid), "indicators", (json_int_t)r->n_indicators,
		      "files", (json_int_t)r->n_files, "messages", (json_int_t)r->n_messages,
		      "has_contact", r->has_contact);
	json_t *reward = json_pack("{s:s}", "state", oe_reward_state_name(r->reward_state));
	if (r->reward_amount)
		json_object_set_new(reward, "amount", json_string(r->reward_amount));
	if (r->reward_currency)
		json_object_set_new(reward, "currency", json_string(r->reward_currency));
	json_object_set_new(j, "reward", reward);
	json_object_set_new(j, "triaged_at", oe_json_time(r->triaged_at));
	json_object_set_new(j, "closed_at", oe_json_time(r->closed_at));
	if (r->erased)
		json_object_set_new(j, "erased", oe_json_time(r->erased));
	return j;
}

int oe_h_reports_list(oe_req *r)
{
	oe_report_filter f = {.status = -1, .category = -1, .limit = 100};
	const char *status = oe_http_arg(r, "status"), *cat = oe_http_arg(r, "category"),
		   *overdue = oe_http_arg(r, "overdue"), *sort = oe_http_arg(r, "sort"),
		   *limit = oe_http_arg(r, "limit"), *cursor = oe_http_arg(r, "cursor");
	if (status && !strcmp(status, "open")) {
		f.open_only = true;
	} else if (status && (f.status = oe_report_status_parse(status)) < 0) {
		return oe_http_error(r, 400, "invalid_parameter",
				     "status: one of open, new, triaged, investigating, actioned, "
				     "closed, rejected");
	}
	if (cat && (f.category = oe_report_category_parse(cat)) < 0)
		return oe_http_error(r, 400, "invalid_parameter", "category: unknown category");
	if (overdue) {
		if (strcmp(overdue, "true") && strcmp(overdue, "false"))
			return oe_http_error(r, 400, "invalid_parameter", "overdue: true or false");
		f.overdue = !strcmp(overdue, "true");
	}
	if (sort) {
		if (strcmp(sort, "due") && strcmp(sort, "created"))
			return oe_http_error(r, 400, "invalid_parameter", "sort: due or created");
		f.sort_created = !strcmp(sort, "created");
	}
	if (limit) {
		char *end;
		errno = 0;
		long v = strtol(limit, &end, 10);
		if (errno || *end || v < 1 || v > 1000)
			return oe_http_error(r, 400, "invalid_parameter", "limit: from 1 to 1000");
		f.limit = (size_t)v;
	}
	oe_report_row *rows;
	size_t n;
	char next[OE_CURSOR_LEN + 1];
	f.now = oe_now();
	int ret = oe_svc_report_list(&r->ctx, &f, cursor, &rows, &n, next);
	if (ret == OE_EINVAL)
		return oe_http_error(r, 400, "invalid_parameter",
				     "cursor: not a cursor this node gave out");
	if (ret)
		return oe_http_fail(r, ret);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, report_json(&rows[i], f.now));
	json_t *j = json_pack("{s:o}", "reports", arr);
	json_object_set_new(j, "next", next[0] ? json_string(next) : json_null());
	return oe_http_json(r, 200, j);
}

static json_t *stats_json(const oe_report_stats *s)
{
	json_t *cats = json_object();
	for (int i = 0; i < OE_RC__COUNT; i++)
		if (s->by_category[i])
			json_object_set_new(cats, oe_report_category_name(i),
					    json_integer(s->by_category[i]));
	return json_pack("{s:I,s:o,s:o,s:o}", "reports", (json_int_t)s->reports, "first",
			 oe_json_time(s->first), "last", oe_json_time(s->last), "categories", cats);
}

int oe_h_report_get(oe_req *r)
{
	oe_report_detail d;
	int ret = oe_svc_report_get(&r->ctx, r->path_id, &d);
	if (ret)
		return oe_http_fail(r, ret);
	oe_time now = oe_now();
	json_t *j = report_json(&d.r, now);
	json_object_set_new(j, "description", jstr_or_null(d.r.description));
	json_object_set_new(j, "occurred_at", oe_json_time(d.r.occurred_at));
	json_t *loss = json_null();
	if (d.r.loss_amount)
		loss = json_pack("{s:s,s:s}", "amount", d.r.loss_amount, "currency",
				 d.r.loss_currency ? d.r.loss_currency : "");
	json_object_set_new(j, "loss", loss);

	json_t *ids = json_array();
	for (size_t i = 0; i < d.nidents; i++) {
		json_t *o = json_pack("{s:s,s:o}", "kind", oe_report_ident_name(d.idents[i].kind),
				      "value", oe_json_string_lossy(d.idents[i].value));
		if (d.idents[i].qualifier)
			json_object_set_new(o, "qualifier",
					    oe_json_string_lossy(d.idents[i].qualifier));
		json_array_append_new(ids, o);
	}
	json_object_set_new(j, "identifiers", ids);

	json_t *inds = json_array();
	for (size_t i = 0; i < d.nindicators; i++) {
		const oe_report_indicator *x = &d.indicators[i];
		json_t *o =
		    json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:o,s:I,s:I,s:I,s:I}}", "id",
			      x->row.v.stix_id, "type", oe_itype_name(x->row.v.type), "value",
			      x->row.v.value, "source", x->source ? "text" : "field", "warninglist",
			      jstr_or_null(x->warninglist), "correlations", "other_reports",
			      stats_json(&x->others), "events", (json_int_t)x->events,
			      "partner_events", (json_int_t)x->partner_events, "sightings",
			      (json_int_t)x->sightings, "organisations", (json_int_t)x->row.n_orgs);
		json_array_append_new(inds, o);
	}
	json_object_set_new(j, "extracted", inds);

	json_t *msgs = json_array();
	for (size_t i = 0; i < d.nmessages; i++) {
		const oe_report_message_row *m = &d.messages[i];
		json_array_append_new(
		    msgs,
		    json_pack("{s:s,s:o,s:o,s:o,s:I}", "from", m->author ? "analyst" : "reporter",
			      "actor", jstr_or_null(m->actor), "body", jstr_or_null(m->body), "at",
			      oe_json_time(m->created), "files", (json_int_t)m->nfiles));
	}
	json_object_set_new(j, "conversation", msgs);

	json_t *files = json_array();
	for (size_t i = 0; i < d.nfiles; i++) {
		const oe_report_file_row *f = &d.files[i];
		json_array_append_new(
		    files, json_pack("{s:s,s:s,s:I,s:o,s:o,s:s}", "sha256", f->sha256, "type",
				     f->mime, "size", (json_int_t)f->size, "name",
				     jstr_or_null(f->name), "added", oe_json_time(f->created),
				     "from", f->message_id ? "follow-up" : "report"));
	}
	json_object_set_new(j, "evidence", files);

	json_t *hist = json_array();
	for (size_t i = 0; i < d.nhistory; i++) {
		const oe_report_history_row *h = &d.history[i];
		json_array_append_new(
		    hist, json_pack("{s:o,s:s,s:s,s:o,s:o}", "at", oe_json_time(h->at), "actor",
				    h->actor, "field", h->field, "old", jstr_or_null(h->old), "new",
				    jstr_or_null(h->new_)));
	}
	json_object_set_new(j, "history", hist);
	return oe_http_json(r, 200, j);
}

/* A member that must be a string (or absent/null when optional). */
static int member_str(oe_req *r, json_t *o, const char *name, const char **out)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return oe_http_error(r, 400, "invalid_field", "%s: must be a string", name), -1;
	*out = json_string_value(v);
	return 0;
}

static int answer_change(oe_req *r, int ret, const char *why)
{
	if (ret == OE_EINVAL)
		return oe_http_error(r, 400, "invalid_change", "%s", why ? why : "invalid change");
	if (ret)
		return oe_http_fail(r, ret);
	/* The report as it now is (the read is audited like any other). */
	return oe_h_report_get(r);
}

int oe_h_report_patch(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	int ret = MHD_YES;
	oe_report_patch p = {.status = -1, .category = -1, .tlp = -1, .reward = -1};
	const char *s;
	static const char *const known[] = {"status", "category", "tlp", "assignee", "reward"};
	const char *k;
	json_t *v;
	json_object_foreach (b, k, v) {
		bool ok = false;
		for (size_t i = 0; i < OE_ARRAY_SIZE(known); i++)
			ok |= !strcmp(k, known[i]);
		if (!ok) {
			ret = oe_http_error(r, 400, "invalid_field",
					    "%s: unknown field (status, category, tlp, assignee, "
					    "reward)",
					    k);
			goto out;
		}
	}
	if (member_str(r, b, "status", &s))
		goto out;
	if (s && (p.status = oe_report_status_parse(s)) < 0) {
		ret = oe_http_error(r, 400, "invalid_field", "status: unknown status '%s'", s);
		goto out;
	}
	if (member_str(r, b, "category", &s))
		goto out;
	if (s && (p.category = oe_report_category_parse(s)) < 0) {
		ret = oe_http_error(r, 400, "invalid_field", "category: unknown category");
		goto out;
	}
	if (member_str(r, b, "tlp", &s))
		goto out;
	if (s && (p.tlp = oe_tlp_parse(s)) < 0) {
		ret = oe_http_error(r, 400, "invalid_field", "tlp: unknown TLP");
		goto out;
	}
	if (json_object_get(b, "assignee")) {
		if (member_str(r, b, "assignee", &p.assignee))
			goto out;
		p.set_assignee = true;
	}
	json_t *rw = json_object_get(b, "reward");
	if (rw) {
		if (!json_is_object(rw)) {
			ret = oe_http_error(r, 400, "invalid_field",
					    "reward: {\"state\":\"eligible\",\"amount\":...,"
					    "\"currency\":...} or {\"state\":\"paid\"}");
			goto out;
		}
		if (member_str(r, rw, "state", &s) ||
		    member_str(r, rw, "currency", &p.reward_currency))
			goto out;
		json_t *a = json_object_get(rw, "amount");
		if (json_is_integer(a))
			p.reward_amount =
			    oe_arena_printf(&r->arena, "%lld", (long long)json_integer_value(a));
		else if (member_str(r, rw, "amount", &p.reward_amount))
			goto out;
		int st = oe_reward_state_parse(s);
		if (st < 0) {
			ret = oe_http_error(r, 400, "invalid_field",
					    "reward.state: none, eligible or paid");
			goto out;
		}
		p.reward = st;
	}
	const char *why = NULL;
	int rc = oe_svc_report_patch(&r->ctx, r->path_id, &p, &why);
	ret = answer_change(r, rc, why);
out:
	json_decref(b);
	return ret;
}

int oe_h_report_message(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	const char *body = NULL, *why = NULL;
	int ret = MHD_YES;
	if (!member_str(r, b, "body", &body)) {
		int rc = oe_svc_report_message(&r->ctx, r->path_id, body, &why);
		if (rc == OE_EINVAL)
			ret = oe_http_error(r, 400, "invalid_field", "%s", why);
		else if (rc)
			ret = oe_http_fail(r, rc);
		else
			ret = oe_http_json(r, 201, json_pack("{s:s}", "status", "sent"));
	}
	json_decref(b);
	return ret;
}

int oe_h_report_merge(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	const char *into = NULL, *why = NULL;
	int ret = MHD_YES;
	if (!member_str(r, b, "into", &into)) {
		if (!into) {
			ret = oe_http_error(r, 400, "invalid_field",
					    "into: the id of the report this one duplicates");
		} else {
			int rc = oe_svc_report_merge(&r->ctx, r->path_id, into, &why);
			ret = answer_change(r, rc, why);
		}
	}
	json_decref(b);
	return ret;
}

int oe_h_report_reveal(oe_req *r)
{
	json_t *b = oe_http_body_json(r);
	if (!b)
		return MHD_YES;
	const char *reason = NULL, *why = NULL;
	int ret = MHD_YES;
	if (!member_str(r, b, "reason", &reason)) {
		char *contact, *payout;
		int rc = oe_svc_report_reveal(&r->ctx, r->path_id, reason, &contact, &payout, &why);
		if (rc == OE_EINVAL)
			ret = oe_http_error(r, 400, "invalid_field", "%s", why);
		else if (rc == OE_ENOTFOUND && why)
			ret = oe_http_error(r, 409, "no_intake_key", "%s", why);
		else if (rc)
			ret = oe_http_fail(r, rc);
		else
			ret = oe_http_json(r, 200,
					   json_pack("{s:o,s:o}", "contact", jstr_or_null(contact),
						     "payout", jstr_or_null(payout)));
	}
	json_decref(b);
	return ret;
}

int oe_h_evidence_get(oe_req *r)
{
	char *data = NULL;
	size_t len = 0;
	const char *mime, *name;
	int ret = oe_svc_evidence_get(&r->ctx, r->path_id, &data, &len, &mime, &name);
	if (ret)
		return oe_http_fail(r, ret);
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	char cd[128];
	snprintf(cd, sizeof(cd), "attachment; filename=\"%.64s\"", r->path_id);
	MHD_add_response_header(resp, "Content-Type", mime);
	MHD_add_response_header(resp, "Content-Disposition", cd);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; sandbox");
	r->status = 200;
	atomic_fetch_add_explicit(&r->srv->m.requests[2], 1, memory_order_relaxed);
	int rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* GET /api/v1/stats?days=30&top=10: what the console's dashboard draws.
 * Counters (lookups) are totals since start: the console charts their
 * rate between two reads. */
int oe_h_stats(oe_req *r)
{
	long days = 30, top = 10;
	const char *d = oe_http_arg(r, "days"), *t = oe_http_arg(r, "top");
	char *end;
	if (d) {
		errno = 0;
		days = strtol(d, &end, 10);
		if (errno || *end || days < 1 || days > 366)
			return oe_http_error(r, 400, "invalid_parameter", "days: from 1 to 366");
	}
	if (t) {
		errno = 0;
		top = strtol(t, &end, 10);
		if (errno || *end || top < 1 || top > 100)
			return oe_http_error(r, 400, "invalid_parameter", "top: from 1 to 100");
	}
	oe_dashboard db;
	int ret = oe_svc_dashboard(&r->ctx, (int)days, (size_t)top, &db);
	if (ret)
		return oe_http_fail(r, ret);
	/* Every day of the range, every category, zeros included: a chart
	 * needs no gaps filled in. */
	const int64_t day_us = INT64_C(86400000000);
	int64_t first = db.since / day_us;
	json_t *dates = json_array(), *series = json_object();
	for (int c = 0; c < OE_RC__COUNT; c++) {
		json_t *a = json_array();
		for (long i = 0; i < days; i++)
			json_array_append_new(a, json_integer(0));
		json_object_set_new(series, oe_report_category_name(c), a);
	}
	for (long i = 0; i < days; i++) {
		char buf[OE_TIME_BUF];
		oe_time_format((first + i) * day_us, buf);
		buf[10] = 0; /* YYYY-MM-DD */
		json_array_append_new(dates, json_string(buf));
	}
	int64_t total = 0;
	for (size_t i = 0; i < db.nper_day; i++) {
		const oe_report_day_count *p = &db.per_day[i];
		int64_t k = p->day - first;
		if (k < 0 || k >= days || p->category < 0 || p->category >= OE_RC__COUNT)
			continue;
		json_array_set_new(json_object_get(series, oe_report_category_name(p->category)),
				   (size_t)k, json_integer(p->n));
		total += p->n;
	}
	json_t *open = json_object(), *overdue = json_object();
	int64_t nopen = 0, noverdue = 0;
	for (int c = 0; c < OE_RC__COUNT; c++) {
		json_object_set_new(open, oe_report_category_name(c), json_integer(db.open[c]));
		json_object_set_new(overdue, oe_report_category_name(c),
				    json_integer(db.overdue[c]));
		nopen += db.open[c];
		noverdue += db.overdue[c];
	}
	json_t *tops = json_object();
	for (size_t k = 0; k < OE_DASH_TOP_TYPES; k++) {
		json_t *a = json_array();
		for (size_t i = 0; i < db.top[k].n; i++) {
			const oe_report_top *x = &db.top[k].rows[i];
			json_array_append_new(a, json_pack("{s:s,s:o,s:I}", "id", x->stix_id,
							   "value", oe_json_string_lossy(x->value),
							   "reports", (json_int_t)x->reports));
		}
		json_object_set_new(tops, oe_itype_name(db.top[k].type), a);
	}
	json_t *j = json_pack(
	    "{s:o,s:I,s:{s:o,s:o,s:I},s:{s:o,s:o,s:I,s:I},s:{s:I,s:o,s:o},s:o,s:I,s:I}", "now",
	    oe_json_time(db.now), "days", (json_int_t)days, "reports_per_day", "dates", dates,
	    "by_category", series, "total", (json_int_t)total, "open", "by_category", open,
	    "overdue_by_category", overdue, "total", (json_int_t)nopen, "overdue",
	    (json_int_t)noverdue, "time_to_triage", "count", (json_int_t)db.triaged, "p50_seconds",
	    db.triaged ? json_real((double)db.triage_p50 / 1e6) : json_null(), "p90_seconds",
	    db.triaged ? json_real((double)db.triage_p90 / 1e6) : json_null(), "top_reported", tops,
	    "lookups_total", (json_int_t)atomic_load(&r->srv->m.lookups), "lookup_hits_total",
	    (json_int_t)atomic_load(&r->srv->m.lookup_hits));
	return oe_http_json(r, 200, j);
}
