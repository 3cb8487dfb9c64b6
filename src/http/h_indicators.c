/* h_indicators.c - /api/v1/indicators, /events, /sightings, /lookup:
 * parse the JSON, call the service, render. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/tlp.h"
#include "http.h"
#include "service/cases.h"
#include "service/share.h"

/* Indicators in one POST /api/v1/indicators body; larger sets go through
 * /api/v1/import. */
#define POST_INDICATORS_MAX 10000

static const char *const ioc_fields[] = {"type",	"value", "tlp",		  "confidence",
					 "description", "tags",	 "first_seen",	  "last_seen",
					 "valid_until", "id",	 "sharing_group", NULL};

static int known_field(const char *k, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(k, *list) == 0)
			return 1;
	return 0;
}

/* "sharing_group": the name of a group of the caller's organisation, which
 * scopes an AMBER or AMBER+STRICT assertion (docs/sharing.md); null takes
 * it out of its group. A group with no TLP given makes it AMBER. */
static int sharing_group(oe_req *r, json_t *o, oe_ioc *c, char *why, size_t cap)
{
	json_t *g = json_object_get(o, "sharing_group");
	if (!g || json_is_null(g))
		return 0;
	if (!json_is_string(g)) {
		snprintf(why, cap, "sharing_group: the name of a sharing group");
		return OE_EINVAL;
	}
	if (c->tlp < 0)
		c->tlp = OE_TLP_AMBER;
	if (c->tlp != OE_TLP_AMBER && c->tlp != OE_TLP_AMBER_STRICT) {
		snprintf(why, cap,
			 "sharing_group: only amber and amber+strict are shared by group");
		return OE_EINVAL;
	}
	int ret = oe_svc_group_find(&r->ctx, json_string_value(g), &c->group_id);
	if (ret == OE_ENOTFOUND) {
		snprintf(why, cap, "sharing_group: your organisation has no group '%.64s'",
			 json_string_value(g));
		return OE_EINVAL;
	}
	return ret;
}

static int get_time(json_t *o, const char *key, oe_time *out, char *why, size_t cap)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || oe_time_parse(json_string_value(v), out) != 0) {
		snprintf(why, cap,
			 "%s: expected an RFC 3339 timestamp such as 2026-11-22T08:00:00Z", key);
		return OE_EINVAL;
	}
	return 0;
}

/* Tags from a JSON array into arena memory. */
static int get_tags(json_t *o, const char *key, oe_arena *a, char ***tags, size_t *n, char *why,
		    size_t cap)
{
	json_t *arr = json_object_get(o, key);
	*tags = NULL;
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		snprintf(why, cap, "%s: expected an array of strings", key);
		return OE_EINVAL;
	}
	size_t cnt = json_array_size(arr);
	if (cnt > OE_TAGS_MAX) {
		snprintf(why, cap, "%s: at most %d tags", key, OE_TAGS_MAX);
		return OE_EINVAL;
	}
	char **t = oe_arena_alloc(a, (cnt ? cnt : 1) * sizeof(*t));
	if (!t) {
		snprintf(why, cap, "out of memory");
		return OE_ENOMEM;
	}
	for (size_t i = 0; i < cnt; i++) {
		json_t *s = json_array_get(arr, i);
		size_t len = json_is_string(s) ? json_string_length(s) : 0;
		if (!json_is_string(s) || len == 0 || len > OE_TAG_LEN_MAX ||
		    memchr(json_string_value(s), '\0', len)) {
			snprintf(why, cap, "%s[%zu]: expected a string of 1 to %d bytes", key, i,
				 OE_TAG_LEN_MAX);
			return OE_EINVAL;
		}
		t[i] = oe_arena_strdup(a, json_string_value(s));
		if (!t[i]) {
			snprintf(why, cap, "out of memory");
			return OE_ENOMEM;
		}
	}
	*tags = t;
	*n = cnt;
	return 0;
}

/* One indicator object from the API into *c (memory in the arena). With
 * patch set, type and value are not required and may not be given. */
static int ioc_from_json(oe_req *r, json_t *o, bool patch, oe_ioc *c, char *why, size_t cap)
{
	memset(c, 0, sizeof(*c));
	c->tlp = -1;
	c->confidence = -1;
	if (!json_is_object(o)) {
		snprintf(why, cap, "expected a JSON object");
		return OE_EINVAL;
	}
	const char *k;
	json_t *v;
	json_object_foreach (o, k, v) {
		if (!known_field(k, ioc_fields) ||
		    (patch && (!strcmp(k, "type") || !strcmp(k, "value") || !strcmp(k, "id") ||
			       !strcmp(k, "first_seen") || !strcmp(k, "last_seen")))) {
			snprintf(why, cap, "unknown or unchangeable field '%.64s'", k);
			return OE_EINVAL;
		}
	}
	if (!patch) {
		json_t *val = json_object_get(o, "value");
		json_t *typ = json_object_get(o, "type");
		if (!json_is_string(val)) {
			snprintf(why, cap, "value: a string is required");
			return OE_EINVAL;
		}
		oe_itype t = OE_T_NONE;
		if (typ && !json_is_null(typ)) {
			t = json_is_string(typ) ? oe_itype_parse(json_string_value(typ))
						: OE_T_NONE;
			if (t == OE_T_NONE) {
				snprintf(
				    why, cap,
				    "type: one of ipv4, ipv6, cidr, domain, url, email, phone, "
				    "bank-account, crypto-wallet, md5, sha1, sha256");
				return OE_EINVAL;
			}
		}
		char buf[OE_VALUE_MAX + 1];
		const char *reason = NULL;
		const char *raw = json_string_value(val);
		size_t len = json_string_length(val);
		int ret =
		    t == OE_T_NONE
			? oe_detect(raw, len, &r->srv->node->canon, &t, buf, sizeof(buf), &reason)
			: oe_canon(t, raw, len, &r->srv->node->canon, buf, sizeof(buf), &reason);
		if (ret) {
			snprintf(why, cap, "value: %s", reason ? reason : "not valid");
			return OE_EINVAL;
		}
		c->type = t;
		c->value = oe_arena_strdup(&r->arena, buf);
		if (!c->value) {
			snprintf(why, cap, "out of memory");
			return OE_ENOMEM;
		}
	}
	json_t *tlp = json_object_get(o, "tlp");
	if (tlp && !json_is_null(tlp)) {
		c->tlp = json_is_string(tlp) ? oe_tlp_parse(json_string_value(tlp)) : -1;
		if (c->tlp < 0) {
			snprintf(why, cap, "tlp: one of clear, green, amber, amber+strict, red");
			return OE_EINVAL;
		}
	}
	json_t *conf = json_object_get(o, "confidence");
	if (conf && !json_is_null(conf)) {
		if (!json_is_integer(conf) || json_integer_value(conf) < 0 ||
		    json_integer_value(conf) > 100) {
			snprintf(why, cap, "confidence: a whole number from 0 to 100");
			return OE_EINVAL;
		}
		c->confidence = (int)json_integer_value(conf);
	}
	json_t *d = json_object_get(o, "description");
	if (d && !json_is_null(d)) {
		if (!json_is_string(d) || json_string_length(d) > OE_TEXT_MAX ||
		    memchr(json_string_value(d), '\0', json_string_length(d))) {
			snprintf(why, cap, "description: a string of at most %d bytes",
				 OE_TEXT_MAX);
			return OE_EINVAL;
		}
		c->description = oe_arena_strdup(&r->arena, json_string_value(d));
		if (!c->description) {
			snprintf(why, cap, "out of memory");
			return OE_ENOMEM;
		}
	}
	int ret;
	if ((ret = get_tags(o, "tags", &r->arena, &c->tags, &c->ntags, why, cap)) ||
	    (ret = get_time(o, "first_seen", &c->first_seen, why, cap)) ||
	    (ret = get_time(o, "last_seen", &c->last_seen, why, cap)) ||
	    (ret = get_time(o, "valid_until", &c->valid_until, why, cap)))
		return ret;
	if (c->first_seen && c->last_seen && c->last_seen < c->first_seen) {
		snprintf(why, cap, "last_seen is before first_seen");
		return OE_EINVAL;
	}
	return sharing_group(r, o, c, why, cap);
}

/* The name of the sharing group an assertion is scoped to, or null. */
static json_t *group_name(oe_req *r, int64_t group_id)
{
	oe_group_row g;
	if (!group_id ||
	    r->ctx.store->ops->share->group_get(r->ctx.store, group_id, NULL, 0, &r->arena, &g))
		return json_null();
	return json_pack("{s:s,s:s}", "name", g.name, "owner", g.owner_name);
}

/* The partner node a row came through, or null when made here. */
static json_t *peer_name(oe_req *r, int64_t peer_id)
{
	oe_peer_row p;
	if (!peer_id ||
	    r->ctx.store->ops->share->peer_get(r->ctx.store, peer_id, NULL, &r->arena, &p))
		return json_null();
	return oe_json_string_lossy(p.name);
}

/* The caller's own assertion, which the view may not be showing. */
static json_t *render_own(const oe_assertion *a)
{
	json_t *tags = json_array();
	for (size_t i = 0; i < a->ntags; i++)
		json_array_append_new(tags, oe_json_string_lossy(a->tags[i]));
	char vu[OE_TIME_BUF], mod[OE_TIME_BUF];
	oe_time_format(a->valid_until, vu);
	oe_time_format(a->modified, mod);
	return json_pack("{s:s,s:i,s:o,s:o,s:s?,s:b,s:s?}", "tlp", oe_tlp_name((oe_tlp)a->tlp),
			 "confidence", a->confidence, "description",
			 a->description ? oe_json_string_lossy(a->description) : json_null(),
			 "tags", tags, "valid_until", a->valid_until ? vu : NULL, "revoked",
			 a->revoked, "modified", a->modified ? mod : NULL);
}

int oe_h_indicators_post(oe_req *r)
{
	json_t *body = oe_http_body_json(r);
	if (!body)
		return MHD_YES;
	bool batch = json_is_object(body) && json_object_get(body, "indicators");
	json_t *list = batch ? json_object_get(body, "indicators") : NULL;
	int ret;
	if (batch) {
		if (json_object_size(body) != 1) {
			json_decref(body);
			return oe_http_error(r, 400, "invalid",
					     "a batch is {\"indicators\":[...]} and nothing else");
		}
		if (!json_is_array(list) || json_array_size(list) == 0 ||
		    json_array_size(list) > POST_INDICATORS_MAX) {
			json_decref(body);
			return oe_http_error(r, 400, "invalid",
					     "indicators: an array of 1 to %d objects",
					     POST_INDICATORS_MAX);
		}
	}
	oe_import_set set;
	oe_import_set_init(&set);
	size_t n = batch ? json_array_size(list) : 1;
	size_t *index = oe_arena_alloc(&r->arena, n * sizeof(size_t)); /* set ioc -> body index */
	if (!index) {
		json_decref(body);
		return oe_http_fail(r, OE_ENOMEM);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *o = batch ? json_array_get(list, i) : body;
		oe_ioc c;
		char why[512];
		if (ioc_from_json(r, o, false, &c, why, sizeof(why)) != 0) {
			if (!batch) {
				json_decref(body);
				oe_import_set_free(&set);
				return oe_http_error(r, 400, "invalid_indicator", "%s", why);
			}
			char ref[32];
			snprintf(ref, sizeof(ref), "indicators[%zu]", i);
			oe_import_error_add(&set, ref, "%s", why);
			continue;
		}
		index[set.niocs] = i;
		if (oe_import_add_ioc(&set, &c) != 0) {
			json_decref(body);
			oe_import_set_free(&set);
			return oe_http_fail(r, OE_ENOMEM);
		}
	}
	json_decref(body);
	if (set.niocs == 0) {
		json_t *j = oe_render_import(&set, &(oe_import_result){0});
		oe_import_set_free(&set);
		json_object_set_new(j, "error",
				    json_pack("{s:s,s:s}", "code", "invalid_indicator", "message",
					      "no indicator in the batch is valid"));
		return oe_http_json(r, 400, j);
	}
	oe_import_result res;
	ret = oe_svc_import(&r->ctx, &set, &res);
	if (ret) {
		oe_import_set_free(&set);
		return oe_http_fail(r, ret);
	}
	atomic_fetch_add_explicit(&r->srv->m.imported, res.imported, memory_order_relaxed);
	if (!batch) {
		/* The answer is the caller's view, like any read: another
		 * organisation may hold the same value under a stricter TLP. */
		char us[OE_UUID_STR], id[64];
		oe_uuid_format(&set.iocs[0].uuid, us); /* computed by the import */
		snprintf(id, sizeof(id), "indicator--%s", us);
		bool created = res.imported == 1;
		oe_import_set_free(&set);
		oe_indicator_detail d;
		ret = oe_svc_indicator_get(&r->ctx, id, &d);
		if (ret)
			return oe_http_fail(r, ret);
		json_t *j = oe_render_indicator(&d.row);
		json_object_set_new(j, "new", json_boolean(created));
		json_object_set_new(j, "own", d.has_own ? render_own(&d.own) : json_null());
		return oe_http_json(r, 201, j);
	}
	json_t *j = oe_render_import(&set, &res);
	json_t *arr = json_array();
	for (size_t i = 0; i < set.niocs; i++) {
		oe_uuid u;
		char us[OE_UUID_STR], id[64];
		oe_indicator_uuid(set.iocs[i].type, set.iocs[i].value, &u);
		oe_uuid_format(&u, us);
		snprintf(id, sizeof(id), "indicator--%s", us);
		json_array_append_new(arr,
				      json_pack("{s:I,s:s,s:s,s:s}", "index", (json_int_t)index[i],
						"id", id, "type", oe_itype_name(set.iocs[i].type),
						"value", set.iocs[i].value));
	}
	json_object_set_new(j, "indicators", arr);
	oe_import_set_free(&set);
	return oe_http_json(r, 201, j);
}

static int parse_limit(oe_req *r, size_t def, size_t max, size_t *out)
{
	const char *s = oe_http_arg(r, "limit");
	*out = def;
	if (!s)
		return 0;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || (size_t)v > max)
		return oe_http_error(r, 400, "invalid_parameter", "limit: from 1 to %zu", max), -1;
	*out = (size_t)v;
	return 0;
}

int oe_h_indicators_list(oe_req *r)
{
	oe_indicator_filter f = {0};
	f.max_tlp = -1;
	const char *type = oe_http_arg(r, "type"), *value = oe_http_arg(r, "value"),
		   *tag = oe_http_arg(r, "tag"), *since = oe_http_arg(r, "since"),
		   *cursor = oe_http_arg(r, "cursor"), *tlp = oe_http_arg(r, "tlp");
	if (parse_limit(r, 100, 1000, &f.limit))
		return MHD_YES;
	if (type) {
		f.type = oe_itype_parse(type);
		if (f.type == OE_T_NONE)
			return oe_http_error(r, 400, "invalid_parameter", "type: unknown type '%s'",
					     type);
	}
	char buf[OE_VALUE_MAX + 1];
	if (value) {
		const char *why = NULL;
		oe_itype t = (oe_itype)f.type;
		int ret = t == OE_T_NONE ? oe_detect(value, strlen(value), &r->srv->node->canon, &t,
						     buf, sizeof(buf), &why)
					 : oe_canon(t, value, strlen(value), &r->srv->node->canon,
						    buf, sizeof(buf), &why);
		if (ret)
			return oe_http_error(r, 400, "invalid_parameter", "value: %s",
					     why ? why : "not valid");
		f.type = t;
		f.value = buf;
	}
	if (tag)
		f.tag = tag;
	if (since && oe_time_parse(since, &f.since) != 0)
		return oe_http_error(r, 400, "invalid_parameter",
				     "since: expected an RFC 3339 timestamp");
	if (tlp) {
		f.max_tlp = oe_tlp_parse(tlp);
		if (f.max_tlp < 0)
			return oe_http_error(r, 400, "invalid_parameter", "tlp: unknown TLP '%s'",
					     tlp);
	}
	if (cursor) {
		if (oe_svc_cursor_open(r->srv->node, cursor, &f.after))
			return oe_http_error(r, 400, "invalid_parameter",
					     "cursor: not a cursor this node gave out");
		f.has_after = true;
	}
	oe_indicator_row *rows;
	size_t n;
	bool more;
	int ret = oe_svc_indicator_list(&r->ctx, &f, &rows, &n, &more);
	if (ret)
		return oe_http_fail(r, ret);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, oe_render_indicator(&rows[i]));
	json_t *j = json_pack("{s:o}", "indicators", arr);
	if (more) {
		char nb[OE_CURSOR_LEN + 1];
		oe_svc_cursor_seal(r->srv->node, &f.after, nb);
		json_object_set_new(j, "next", json_string(nb));
	} else {
		json_object_set_new(j, "next", json_null());
	}
	return oe_http_json(r, 200, j);
}

static json_t *render_event_brief(const oe_event_row *e)
{
	char c[OE_TIME_BUF];
	oe_time_format(e->created, c);
	/* Stored names came from outside (a CLI argument, a MISP feed): lossy. */
	return json_pack("{s:s,s:o,s:s,s:o,s:s}", "id", e->uuid, "title",
			 oe_json_string_lossy(e->title), "tlp", oe_tlp_name((oe_tlp)e->tlp), "org",
			 e->org_name ? oe_json_string_lossy(e->org_name) : json_null(), "created",
			 c);
}

int oe_h_indicator_get(oe_req *r)
{
	oe_indicator_detail d;
	int ret = oe_svc_indicator_get(&r->ctx, r->path_id, &d);
	if (ret)
		return oe_http_fail(r, ret);
	json_t *j = oe_render_indicator(&d.row);
	json_object_set_new(j, "sharing_group", group_name(r, d.row.view_group));
	json_object_set_new(j, "own", d.has_own ? render_own(&d.own) : json_null());
	json_object_set_new(j, "via_peer", peer_name(r, d.row.via_peer));
	json_t *evs = json_array(), *sts = json_array();
	int64_t partner_events = 0;
	for (size_t i = 0; i < d.nevents; i++) {
		/* A partner's event: made by an organisation other than ours. */
		bool partner = d.events[i].org_id != OE_NODE_OPERATOR_ORG;
		json_t *e = render_event_brief(&d.events[i]);
		json_object_set_new(e, "partner", json_boolean(partner));
		partner_events += partner;
		json_array_append_new(evs, e);
	}
	int64_t total = 0;
	for (size_t i = 0; i < d.nsightings; i++) {
		char f[OE_TIME_BUF], l[OE_TIME_BUF];
		oe_time_format(d.sightings[i].first_seen, f);
		oe_time_format(d.sightings[i].last_seen, l);
		total += d.sightings[i].count;
		json_array_append_new(
		    sts, json_pack(
			     "{s:o,s:s,s:I,s:s,s:s}", "org",
			     d.sightings[i].org_name ? oe_json_string_lossy(d.sightings[i].org_name)
						     : json_null(),
			     "tlp", oe_tlp_name((oe_tlp)d.sightings[i].tlp), "count",
			     (json_int_t)d.sightings[i].count, "first_seen", f, "last_seen", l));
	}
	json_object_set_new(j, "events", evs);
	json_object_set_new(j, "sightings", sts);
	/* Citizens' reports naming it: for the node operator's members only. */
	oe_report_stats rs;
	oe_report_row *rr;
	size_t nr;
	ret = oe_svc_reports_of(&r->ctx, d.row.v.id, 20, &rs, &rr, &nr);
	if (ret && ret != OE_EPERM)
		return oe_http_fail(r, ret);
	if (ret) {
		json_object_set_new(j, "reports", json_null());
	} else {
		json_t *cats = json_object(), *recent = json_array();
		for (int c = 0; c < OE_RC__COUNT; c++)
			if (rs.by_category[c])
				json_object_set_new(cats, oe_report_category_name(c),
						    json_integer(rs.by_category[c]));
		for (size_t i = 0; i < nr; i++)
			json_array_append_new(
			    recent,
			    json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", rr[i].uuid, "category",
				      oe_report_category_name(rr[i].category), "status",
				      oe_report_status_name(rr[i].status), "created",
				      oe_json_time(rr[i].created), "duplicate_of",
				      rr[i].duplicate_of_uuid ? json_string(rr[i].duplicate_of_uuid)
							      : json_null()));
		json_object_set_new(j, "reports",
				    json_pack("{s:I,s:o,s:o,s:o,s:o}", "count",
					      (json_int_t)rs.reports, "by_category", cats, "first",
					      oe_json_time(rs.first), "last", oe_json_time(rs.last),
					      "recent", recent));
	}
	/* The joint cases it is part of, as far as the caller may see them. */
	oe_case_row *cr;
	size_t ncr;
	json_t *cases = json_array();
	int cret =
	    oe_svc_cases_linking(&r->ctx, OE_CASE_LINK_INDICATOR, d.row.v.stix_id, 20, &cr, &ncr);
	if (cret && cret != OE_EPERM)
		return oe_http_fail(r, cret);
	for (size_t i = 0; !cret && i < ncr; i++)
		json_array_append_new(cases, json_pack("{s:s,s:o,s:s,s:s}", "id", cr[i].stix_id,
						       "title", oe_json_string_lossy(cr[i].title),
						       "status", cr[i].status ? "closed" : "open",
						       "tlp", oe_tlp_name((oe_tlp)cr[i].tlp)));
	json_object_set_new(j, "cases", cases);
	json_object_set_new(j, "correlation",
			    json_pack("{s:I,s:I,s:I,s:I,s:I}", "orgs", (json_int_t)d.row.n_orgs,
				      "events", (json_int_t)d.nevents, "partner_events",
				      (json_int_t)partner_events, "sightings", (json_int_t)total,
				      "reports", (json_int_t)(ret ? 0 : rs.reports)));
	return oe_http_json(r, 200, j);
}

static const char *const patch_fields[] = {"tlp",  "confidence", "description",	  "valid_until",
					   "tags", "revoked",	 "sharing_group", NULL};

/* A PATCH body: a field absent keeps its value, null clears description and
 * valid_until, [] clears the tags. */
static int patch_from_json(oe_req *r, json_t *o, oe_indicator_patch *p, char *why, size_t cap)
{
	memset(p, 0, sizeof(*p));
	p->tlp = p->confidence = p->revoked = -1;
	if (!json_is_object(o) || json_object_size(o) == 0) {
		snprintf(why, cap,
			 "expected a JSON object with at least one of tlp, confidence, "
			 "description, valid_until, tags, revoked");
		return OE_EINVAL;
	}
	const char *k;
	json_t *v;
	json_object_foreach (o, k, v) {
		if (!known_field(k, patch_fields)) {
			snprintf(why, cap,
				 "'%.64s' cannot be changed (only tlp, confidence, "
				 "description, valid_until, tags, revoked)",
				 k);
			return OE_EINVAL;
		}
	}
	oe_ioc c;
	json_t *copy = json_copy(o);
	json_object_del(copy, "revoked");
	int ret = ioc_from_json(r, copy, true, &c, why, cap);
	json_decref(copy);
	if (ret)
		return ret;
	p->tlp = c.tlp;
	p->confidence = c.confidence;
	if (json_object_get(o, "description")) {
		p->set_description = true;
		p->description = c.description;
	}
	if (json_object_get(o, "valid_until")) {
		p->set_valid_until = true;
		p->valid_until = c.valid_until;
	}
	if (json_object_get(o, "tags")) {
		p->set_tags = true;
		p->tags = c.tags;
		p->ntags = c.ntags;
	}
	if (json_object_get(o, "sharing_group")) {
		p->set_group = true;
		p->group_id = c.group_id;
	}
	json_t *rv = json_object_get(o, "revoked");
	if (rv) {
		if (!json_is_boolean(rv)) {
			snprintf(why, cap, "revoked: true or false");
			return OE_EINVAL;
		}
		p->revoked = json_is_true(rv);
	}
	return 0;
}

int oe_h_indicator_patch(oe_req *r)
{
	json_t *body = oe_http_body_json(r);
	if (!body)
		return MHD_YES;
	oe_indicator_patch p;
	char why[512];
	int ret = patch_from_json(r, body, &p, why, sizeof(why));
	json_decref(body);
	if (ret)
		return oe_http_error(r, 400, "invalid", "%s", why);
	ret = oe_svc_indicator_patch(&r->ctx, r->path_id, &p);
	if (ret)
		return oe_http_fail(r, ret);
	return oe_h_indicator_get(r);
}

int oe_h_indicator_delete(oe_req *r)
{
	int ret = oe_svc_indicator_revoke(&r->ctx, r->path_id);
	if (ret)
		return oe_http_fail(r, ret);
	return oe_http_json(r, 200, json_pack("{s:s,s:b}", "id", r->path_id, "revoked", 1));
}

static const char *const event_fields[] = {"title", "tlp", "tags", "indicators", NULL};

int oe_h_events_post(oe_req *r)
{
	json_t *body = oe_http_body_json(r);
	if (!body)
		return MHD_YES;
	char why[512];
	const char *k;
	json_t *v;
	oe_import_set set;
	oe_import_set_init(&set);
	int status = 400;
	const char *code = "invalid_event";
	if (!json_is_object(body)) {
		snprintf(why, sizeof(why), "expected a JSON object");
		goto bad;
	}
	json_object_foreach (body, k, v) {
		if (!known_field(k, event_fields)) {
			snprintf(why, sizeof(why), "unknown field '%.64s'", k);
			goto bad;
		}
	}
	json_t *title = json_object_get(body, "title");
	if (!json_is_string(title) || json_string_length(title) == 0 ||
	    json_string_length(title) > OE_TEXT_MAX) {
		snprintf(why, sizeof(why), "title: a string of 1 to %d bytes is required",
			 OE_TEXT_MAX);
		goto bad;
	}
	oe_event_in ev = {0};
	ev.title = (char *)json_string_value(title);
	ev.tlp = -1;
	json_t *tlp = json_object_get(body, "tlp");
	if (tlp && !json_is_null(tlp) &&
	    (!json_is_string(tlp) || (ev.tlp = oe_tlp_parse(json_string_value(tlp))) < 0)) {
		snprintf(why, sizeof(why), "tlp: one of clear, green, amber, amber+strict, red");
		goto bad;
	}
	if (get_tags(body, "tags", &r->arena, &ev.tags, &ev.ntags, why, sizeof(why)))
		goto bad;
	json_t *list = json_object_get(body, "indicators");
	if (list && (!json_is_array(list) || json_array_size(list) > POST_INDICATORS_MAX)) {
		snprintf(why, sizeof(why), "indicators: an array of at most %d objects",
			 POST_INDICATORS_MAX);
		goto bad;
	}
	if (oe_import_begin_event(&set, &ev)) {
		status = 500;
		code = "internal";
		snprintf(why, sizeof(why), "out of memory");
		goto bad;
	}
	/* An event is stored whole or not at all: one bad indicator refuses it. */
	for (size_t i = 0; i < json_array_size(list); i++) {
		oe_ioc c;
		char w[400];
		if (ioc_from_json(r, json_array_get(list, i), false, &c, w, sizeof(w))) {
			snprintf(why, sizeof(why), "indicators[%zu]: %s", i, w);
			goto bad;
		}
		if (oe_import_add_ioc(&set, &c)) {
			status = 500;
			code = "internal";
			snprintf(why, sizeof(why), "out of memory");
			goto bad;
		}
	}
	oe_import_end_event(&set);
	json_decref(body);
	body = NULL;
	oe_import_result res;
	set.events[0].keep_empty = true; /* an event may start with no indicator */
	int ret = oe_svc_import(&r->ctx, &set, &res);
	if (!ret && set.nerrors) /* the event itself was refused */
		ret = OE_EIO;
	int64_t eid = ret ? 0 : res.event_ids[0];
	oe_import_set_free(&set);
	if (ret)
		return oe_http_fail(r, ret);
	oe_event_detail d;
	ret = oe_svc_event_get(&r->ctx, NULL, eid, &d);
	if (ret)
		return oe_http_fail(r, ret);
	json_t *j = render_event_brief(&d.ev);
	json_t *arr = json_array();
	for (size_t i = 0; i < d.n; i++)
		json_array_append_new(arr, oe_render_indicator(&d.indicators[i]));
	json_object_set_new(j, "indicators", arr);
	return oe_http_json(r, 201, j);
bad:
	json_decref(body);
	oe_import_set_free(&set);
	return oe_http_error(r, status, code, "%s", why);
}

int oe_h_event_get(oe_req *r)
{
	oe_event_detail d;
	int ret = oe_svc_event_get(&r->ctx, r->path_id, 0, &d);
	if (ret)
		return oe_http_fail(r, ret);
	json_t *j = render_event_brief(&d.ev);
	json_t *tags = json_array();
	for (size_t i = 0; i < d.ev.ntags; i++)
		json_array_append_new(tags, json_string(d.ev.tags[i]));
	json_object_set_new(j, "tags", tags);
	json_t *arr = json_array();
	for (size_t i = 0; i < d.n; i++)
		json_array_append_new(arr, oe_render_indicator(&d.indicators[i]));
	json_object_set_new(j, "indicators", arr);
	return oe_http_json(r, 200, j);
}

static const char *const sighting_fields[] = {"value",	    "type",	 "count", "tlp",
					      "first_seen", "last_seen", NULL};

int oe_h_sightings_post(oe_req *r)
{
	json_t *body = oe_http_body_json(r);
	if (!body)
		return MHD_YES;
	char why[512];
	const char *k;
	json_t *v;
	if (!json_is_object(body)) {
		snprintf(why, sizeof(why), "expected a JSON object");
		goto bad;
	}
	json_object_foreach (body, k, v) {
		if (!known_field(k, sighting_fields)) {
			snprintf(why, sizeof(why), "unknown field '%.64s'", k);
			goto bad;
		}
	}
	json_t *val = json_object_get(body, "value"), *typ = json_object_get(body, "type"),
	       *cnt = json_object_get(body, "count");
	if (!json_is_string(val)) {
		snprintf(why, sizeof(why), "value: a string is required");
		goto bad;
	}
	oe_itype t = OE_T_NONE;
	if (typ &&
	    (!json_is_string(typ) || (t = oe_itype_parse(json_string_value(typ))) == OE_T_NONE)) {
		snprintf(why, sizeof(why), "type: not an indicator type");
		goto bad;
	}
	int64_t count = 1;
	if (cnt) {
		if (!json_is_integer(cnt) || json_integer_value(cnt) < 1 ||
		    json_integer_value(cnt) > 1000000000) {
			snprintf(why, sizeof(why), "count: a whole number from 1 to 1000000000");
			goto bad;
		}
		count = json_integer_value(cnt);
	}
	int stlp = -1;
	json_t *tj = json_object_get(body, "tlp");
	if (tj && !json_is_null(tj) &&
	    (!json_is_string(tj) || (stlp = oe_tlp_parse(json_string_value(tj))) < 0)) {
		snprintf(why, sizeof(why), "tlp: one of clear, green, amber, amber+strict, red");
		goto bad;
	}
	oe_time first, last;
	if (get_time(body, "first_seen", &first, why, sizeof(why)) ||
	    get_time(body, "last_seen", &last, why, sizeof(why)))
		goto bad;
	if (first && last && last < first) {
		snprintf(why, sizeof(why), "last_seen is before first_seen");
		goto bad;
	}
	int64_t id;
	char ind[64];
	const char *reason;
	int ret = oe_svc_sighting_add(&r->ctx, t, json_string_value(val), json_string_length(val),
				      stlp, count, first, last, &id, ind, &reason);
	json_decref(body);
	if (ret == OE_EINVAL)
		return oe_http_error(r, 400, "invalid_value", "%s", reason ? reason : "not valid");
	if (ret == OE_ENOTFOUND)
		return oe_http_error(r, 404, "not_found",
				     "no indicator with that value; add it first");
	if (ret)
		return oe_http_fail(r, ret);
	return oe_http_json(r, 201,
			    json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id, "indicator", ind,
				      "count", (json_int_t)count));
bad:
	json_decref(body);
	return oe_http_error(r, 400, "invalid_sighting", "%s", why);
}

int oe_h_lookup_get(oe_req *r)
{
	const char *value = oe_http_arg(r, "value");
	if (!value || !*value)
		return oe_http_error(r, 400, "invalid_parameter", "value: required");
	oe_lookup_result l;
	int ret = oe_svc_lookup(&r->ctx, value, strlen(value), &l);
	if (ret)
		return oe_http_fail(r, ret);
	atomic_fetch_add_explicit(&r->srv->m.lookups, 1, memory_order_relaxed);
	if (l.error)
		return oe_http_error(r, 400, "invalid_value", "value: %s", l.error);
	if (l.match)
		atomic_fetch_add_explicit(&r->srv->m.lookup_hits, 1, memory_order_relaxed);
	oe_buf b = OE_BUF_INIT;
	oe_render_lookup_buf(&b, &l);
	oe_buf_addc(&b, '\n');
	size_t len = b.len;
	char *data = oe_buf_steal(&b);
	if (!data)
		return oe_http_fail(r, OE_ENOMEM);
	return oe_http_bytes(r, 200, "application/json", data, len);
}

int oe_h_lookup_post(oe_req *r)
{
	json_t *body = oe_http_body_json(r);
	if (!body)
		return MHD_YES;
	json_t *values = json_object_get(body, "values");
	if (!json_is_object(body) || json_object_size(body) != 1 || !json_is_array(values) ||
	    json_array_size(values) == 0 || json_array_size(values) > OE_LOOKUP_BATCH_MAX) {
		json_decref(body);
		return oe_http_error(r, 400, "invalid",
				     "expected {\"values\":[...]} with 1 to %d strings",
				     OE_LOOKUP_BATCH_MAX);
	}
	/* Every value is a string, or the whole batch is refused. */
	for (size_t i = 0; i < json_array_size(values); i++)
		if (!json_is_string(json_array_get(values, i))) {
			json_decref(body);
			return oe_http_error(r, 400, "invalid", "values[%zu]: expected a string",
					     i);
		}
	/* The answer is written straight into one buffer: a jansson tree per
	 * result cost more than the lookups. */
	oe_buf out = OE_BUF_INIT;
	oe_buf_adds(&out, "{\"results\":[");
	size_t hits = 0;
	for (size_t i = 0; i < json_array_size(values); i++) {
		json_t *v = json_array_get(values, i);
		oe_lookup_result l;
		int ret = oe_svc_lookup(&r->ctx, json_string_value(v), json_string_length(v), &l);
		if (ret) {
			oe_buf_free(&out);
			json_decref(body);
			return oe_http_fail(r, ret);
		}
		hits += l.match;
		if (i)
			oe_buf_addc(&out, ',');
		oe_render_lookup_buf(&out, &l);
	}
	oe_buf_adds(&out, "]}\n");
	atomic_fetch_add_explicit(&r->srv->m.lookups, json_array_size(values),
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&r->srv->m.lookup_hits, hits, memory_order_relaxed);
	json_decref(body);
	if (oe_buf_error(&out)) {
		oe_buf_free(&out);
		return oe_http_fail(r, OE_ENOMEM);
	}
	size_t len = out.len;
	char *data = oe_buf_steal(&out);
	if (!data)
		return oe_http_fail(r, OE_ENOMEM);
	return oe_http_bytes(r, 200, "application/json", data, len);
}
