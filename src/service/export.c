/* export.c - every visible live indicator, in the formats tools read: STIX,
 * MISP, CSV, plain text and the block lists of core/blocklist.h.
 *
 * An export is a stream (oe_export): it pages through the store with the
 * same listing the API uses, so the same view and filters apply, and hands
 * out its output a page at a time. Only MISP, one event holding every
 * value, collects the values until the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/blocklist.h"
#include "core/csv.h"
#include "core/misp.h"
#include "core/stix.h"
#include "core/tlp.h"
#include "core/uuid.h"
#include "service.h"

/* Rows read from the store per page while exporting. */
#define EXPORT_PAGE 2000

static const struct {
	const char *name, *ctype;
	int bl; /* oe_bl_format, or -1 */
} formats[OE_FMT__COUNT] = {
    [OE_FMT_STIX] = {"stix", "application/stix+json;version=2.1", -1},
    [OE_FMT_MISP] = {"misp", "application/json", -1},
    [OE_FMT_CSV] = {"csv", "text/csv; charset=utf-8", -1},
    [OE_FMT_TXT] = {"txt", "text/plain; charset=utf-8", -1},
    [OE_FMT_HOSTS] = {"hosts", "text/plain; charset=utf-8", OE_BL_HOSTS},
    [OE_FMT_RPZ] = {"rpz", "text/dns", OE_BL_RPZ},
    [OE_FMT_RBLDNSD_IP4SET] = {"rbldnsd-ip4set", "text/plain; charset=utf-8", OE_BL_IP4SET},
    [OE_FMT_RBLDNSD_IP6TRIE] = {"rbldnsd-ip6trie", "text/plain; charset=utf-8", OE_BL_IP6TRIE},
    [OE_FMT_RBLDNSD_DNSET] = {"rbldnsd-dnset", "text/plain; charset=utf-8", OE_BL_DNSET},
    [OE_FMT_SURICATA] = {"suricata-dataset", "text/plain; charset=us-ascii", OE_BL_SURICATA},
};

const char oe_export_format_names[] = "stix, misp, csv, txt, hosts, rpz, rbldnsd-ip4set, "
				      "rbldnsd-ip6trie, rbldnsd-dnset, suricata-dataset";

int oe_export_format_parse(const char *s)
{
	for (int i = 0; s && i < OE_FMT__COUNT; i++)
		if (strcasecmp(s, formats[i].name) == 0)
			return i;
	return -1;
}

const char *oe_export_format_name(oe_export_format f)
{
	return f < OE_FMT__COUNT ? formats[f].name : "none";
}

const char *oe_export_content_type(oe_export_format f)
{
	return f < OE_FMT__COUNT ? formats[f].ctype : "application/octet-stream";
}

/* Ownership: everything here belongs to the export; oe_svc_export_free
 * releases it. Nothing points into the context that opened it. */
struct oe_export {
	oe_node *node;
	oe_viewer viewer;
	oe_export_format fmt;
	oe_indicator_filter f; /* its cursor advances page by page */
	int min_confidence;
	oe_time now;
	int max_tlp; /* most restricted marking written, -1: none yet */
	size_t listed, skipped;
	bool started, done;
	size_t nobjs; /* STIX: objects written, for the commas */
	oe_bl_opts bl;
	char origin[OE_RPZ_ORIGIN_MAX + 1];
	char about[OE_BL_ABOUT_MAX];
	json_t *orgs;		  /* STIX: identity ids already written */
	oe_indicator_view *views; /* MISP: collected */
	size_t nviews, capviews;
	oe_arena keep; /* MISP: strings of collected views */
};

static int keep_view(oe_export *e, const oe_indicator_view *v)
{
	if (e->nviews == e->capviews) {
		size_t n = e->capviews ? e->capviews * 2 : 1024;
		oe_indicator_view *nv = realloc(e->views, n * sizeof(*nv));
		if (!nv)
			return OE_ENOMEM;
		e->views = nv;
		e->capviews = n;
	}
	oe_indicator_view c = *v;
	c.value = oe_arena_strdup(&e->keep, v->value);
	c.description = oe_arena_strdup(&e->keep, v->description);
	c.org_name = oe_arena_strdup(&e->keep, v->org_name);
	c.org_stix_id = oe_arena_strdup(&e->keep, v->org_stix_id);
	c.warninglist = NULL;
	const char **tags = v->ntags ? oe_arena_alloc(&e->keep, v->ntags * sizeof(*tags)) : NULL;
	for (size_t i = 0; i < v->ntags && tags; i++)
		tags[i] = oe_arena_strdup(&e->keep, v->tags[i]);
	c.tags = tags;
	e->views[e->nviews++] = c;
	return 0;
}

/* Append one STIX object to the bundle being written (reference taken). */
static int stix_object(oe_export *e, oe_buf *out, json_t *o)
{
	if (!o)
		return OE_ENOMEM;
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return OE_ENOMEM;
	if (e->nobjs++)
		oe_buf_addc(out, ',');
	oe_buf_adds(out, s);
	free(s);
	return oe_buf_error(out);
}

/* The opening of a STIX bundle, written as jansson would write it whole:
 * {"type":"bundle","id":...,"objects":[ and the five TLP markings. */
static int stix_begin(oe_export *e, oe_buf *out)
{
	oe_uuid u;
	char us[OE_UUID_STR];
	oe_uuid_v4(&u);
	oe_uuid_format(&u, us);
	oe_buf_printf(out, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[", us);
	for (int t = OE_TLP_CLEAR; t <= OE_TLP_RED; t++) {
		int ret = stix_object(e, out, oe_stix_tlp_marking_json((oe_tlp)t));
		if (ret)
			return ret;
	}
	return 0;
}

static int emit(oe_export *e, oe_buf *out, const oe_indicator_view *v)
{
	if (formats[e->fmt].bl >= 0) {
		int r = oe_bl_write(out, &e->bl, v->type, v->value);
		if (r == OE_BL_SKIPPED)
			e->skipped++;
		if (r != OE_BL_WRITTEN)
			return oe_buf_error(out);
	} else {
		int ret = 0;
		switch (e->fmt) {
		case OE_FMT_TXT:
			oe_buf_adds(out, v->value);
			oe_buf_addc(out, '\n');
			break;
		case OE_FMT_CSV: ret = oe_csv_write_row(out, v); break;
		case OE_FMT_MISP: ret = keep_view(e, v); break;
		case OE_FMT_STIX:
			if (v->org_stix_id && !json_object_get(e->orgs, v->org_stix_id)) {
				json_object_set_new(e->orgs, v->org_stix_id, json_true());
				ret = stix_object(
				    e, out, oe_stix_identity_json(v->org_stix_id, v->org_name, 0));
			}
			if (!ret)
				ret = stix_object(e, out, oe_stix_indicator_json(v));
			break;
		default: ret = OE_EINVAL;
		}
		if (ret || (ret = oe_buf_error(out)))
			return ret;
	}
	e->listed++;
	if (v->tlp > e->max_tlp)
		e->max_tlp = v->tlp;
	return 0;
}

static int begin(oe_export *e, oe_buf *out)
{
	switch (e->fmt) {
	case OE_FMT_STIX: return stix_begin(e, out);
	case OE_FMT_CSV: return oe_csv_header(out);
	case OE_FMT_MISP:
	case OE_FMT_TXT: return 0;
	default: oe_bl_header(out, &e->bl); return oe_buf_error(out);
	}
}

static int end(oe_export *e, oe_buf *out)
{
	if (e->fmt == OE_FMT_STIX) {
		oe_buf_adds(out, "]}\n");
	} else if (e->fmt == OE_FMT_MISP) {
		oe_uuid u;
		char us[OE_UUID_STR];
		oe_uuid_v4(&u);
		oe_uuid_format(&u, us);
		/* The event is marked as its most restricted attribute: tools that
		 * apply event tags must not share anything wider than allowed. */
		json_t *ev = oe_misp_event_json(
		    us, "oureyes export", e->max_tlp < 0 ? OE_TLP_CLEAR : e->max_tlp,
		    e->node->node_name, NULL, e->now, e->views, e->nviews);
		char *s = ev ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(ev);
		if (!s)
			return OE_ENOMEM;
		oe_buf_adds(out, s);
		oe_buf_addc(out, '\n');
		free(s);
	} else if (formats[e->fmt].bl >= 0) {
		oe_bl_footer(out, &e->bl, e->listed, e->skipped, e->max_tlp);
	}
	return oe_buf_error(out);
}

int oe_svc_export_next(oe_export *e, oe_store *s, oe_buf *out, bool *done)
{
	*done = e->done;
	if (e->done)
		return 0;
	int ret = 0;
	if (!e->started) {
		e->started = true;
		if ((ret = begin(e, out)))
			return ret;
	}
	/* One page of rows in memory at a time. */
	oe_arena page = OE_ARENA_INIT;
	oe_ctx pc = {.node = e->node, .store = s, .viewer = e->viewer, .arena = &page};
	oe_indicator_row *rows;
	size_t n;
	bool more;
	e->f.limit = EXPORT_PAGE;
	ret = oe_svc_indicator_list(&pc, &e->f, &rows, &n, &more);
	for (size_t i = 0; !ret && i < n; i++) {
		const oe_indicator_view *v = &rows[i].v;
		if (v->valid_until && v->valid_until < e->now)
			continue; /* expired */
		if (e->min_confidence >= 0 && v->confidence < e->min_confidence)
			continue;
		ret = emit(e, out, v);
	}
	oe_arena_clear(&page);
	if (!ret && !more && !(ret = end(e, out)))
		e->done = true;
	*done = e->done;
	return ret;
}

/* One line that says what the export holds, for the block lists' header
 * and the audit log. */
static void describe(oe_export *e)
{
	oe_buf b = OE_BUF_INIT;
	const oe_indicator_filter *f = &e->f;
	oe_buf_printf(&b, "type=%s", f->type ? oe_itype_name((oe_itype)f->type) : "any");
	if (f->max_tlp >= 0)
		oe_buf_printf(&b, "; tlp<=%s", oe_tlp_name((oe_tlp)f->max_tlp));
	if (f->tag)
		oe_buf_printf(&b, "; tag=%s", f->tag);
	if (e->min_confidence >= 0)
		oe_buf_printf(&b, "; confidence>=%d", e->min_confidence);
	if (f->since) {
		char t[OE_TIME_BUF];
		oe_time_format(f->since, t);
		oe_buf_printf(&b, "; changed since %s", t);
	}
	oe_buf_adds(&b, "; live values only (not revoked, not expired)");
	snprintf(e->about, sizeof(e->about), "%s", b.data && !b.err ? b.data : "");
	oe_buf_free(&b);
}

int oe_svc_export_open(oe_ctx *c, const oe_export_opts *o, oe_export **out, const char **why)
{
	*out = NULL;
	*why = NULL;
	if (c->viewer.role == OE_ROLE_PUBLIC)
		return OE_EPERM;
	if (o->fmt >= OE_FMT__COUNT) {
		*why = "unknown format";
		return OE_EINVAL;
	}
	int bl = formats[o->fmt].bl, type = o->filter.type;
	if (bl == OE_BL_SURICATA && !oe_suricata_type((oe_itype)type)) {
		*why = type ? "Suricata has no dataset type for this type (cidr and sha1 have "
			      "none)"
			    : "a Suricata dataset holds one type of value: give a type (domain, "
			      "url, ipv4, ipv6, md5, sha256, email, phone, bank-account, "
			      "crypto-wallet)";
		return OE_EINVAL;
	}
	if (bl >= 0 && type && !oe_bl_carries((oe_bl_format)bl, (oe_itype)type)) {
		*why = "the format carries no values of this type (hosts and rbldnsd-dnset: "
		       "domain; rpz: domain, ipv4, ipv6, cidr; rbldnsd-ip4set: ipv4, cidr and "
		       "IPv4-mapped ipv6; rbldnsd-ip6trie: ipv6, cidr)";
		return OE_EINVAL;
	}
	if (o->min_confidence > 100) {
		*why = "confidence is 0 to 100";
		return OE_EINVAL;
	}
	oe_export *e = calloc(1, sizeof(*e)); /* its arena: OE_ARENA_INIT */
	if (!e)
		return OE_ENOMEM;
	e->node = c->node;
	e->viewer = c->viewer;
	e->fmt = o->fmt;
	e->now = oe_now();
	e->max_tlp = -1;
	e->min_confidence = o->min_confidence;
	e->f = o->filter;
	e->f.has_after = false;
	e->f.include_revoked = false;
	e->f.value = NULL;
	/* A format of one type reads only that type from the store. */
	if (!type && (bl == OE_BL_HOSTS || bl == OE_BL_DNSET))
		e->f.type = OE_T_DOMAIN;
	if (o->max_age > 0 && (e->f.since == 0 || e->f.since < e->now - o->max_age))
		e->f.since = e->now - o->max_age;
	int ret = 0;
	if (bl >= 0) {
		e->bl.fmt = (oe_bl_format)bl;
		e->bl.now = e->now;
		e->bl.title = e->node->node_name;
		e->bl.about = e->about;
		if (bl == OE_BL_RPZ) {
			ret = oe_rpz_origin(o->rpz_origin ? o->rpz_origin : OE_RPZ_ORIGIN_DEFAULT,
					    e->origin, why);
			e->bl.origin = e->origin;
			if (ret)
				goto fail;
		}
	}
	if (e->f.tag) { /* the export outlives the caller's strings */
		e->f.tag = oe_arena_strdup(&e->keep, e->f.tag);
		if (!e->f.tag) {
			ret = OE_ENOMEM;
			goto fail;
		}
	}
	if (e->fmt == OE_FMT_STIX && !(e->orgs = json_object())) {
		ret = OE_ENOMEM;
		goto fail;
	}
	describe(e);
	/* Audited when it starts: what left the node is recorded even when the
	 * client goes away halfway. */
	ret = c->store->ops->audit(c->store, e->now, c->actor, "export", formats[e->fmt].name,
				   e->about);
	if (ret)
		goto fail;
	*out = e;
	return 0;
fail:
	oe_svc_export_free(e);
	return ret;
}

void oe_svc_export_counts(const oe_export *e, size_t *listed, size_t *skipped)
{
	*listed = e->listed;
	*skipped = e->skipped;
}

void oe_svc_export_free(oe_export *e)
{
	if (!e)
		return;
	json_decref(e->orgs);
	free(e->views);
	oe_arena_clear(&e->keep);
	free(e);
}
