/* export.c - every visible live indicator, in the formats tools read, and
 * the format sniffing for imports. Pages through the store so an export of
 * millions of rows holds one page of rows at a time (plus the output). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/misp.h"
#include "core/stix.h"
#include "core/uuid.h"
#include "service.h"

/* Rows read from the store per page while exporting. */
#define EXPORT_PAGE 2000

int oe_export_format_parse(const char *s)
{
	static const char *const names[] = {"stix", "misp", "csv", "txt"};
	for (int i = 0; s && i < 4; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

typedef struct {
	oe_export_format fmt;
	oe_buf *out;
	json_t *bundle;		  /* STIX */
	json_t *orgs;		  /* STIX: identity ids already added */
	oe_indicator_view *views; /* MISP: collected */
	size_t nviews, capviews;
	oe_arena keep; /* MISP: strings of collected views */
} exporter;

static int keep_view(exporter *e, const oe_indicator_view *v)
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

static int emit(exporter *e, oe_ctx *c, const oe_indicator_row *r)
{
	const oe_indicator_view *v = &r->v;
	switch (e->fmt) {
	case OE_FMT_TXT:
		oe_buf_adds(e->out, v->value);
		oe_buf_addc(e->out, '\n');
		return oe_buf_error(e->out);
	case OE_FMT_CSV: return oe_csv_write_row(e->out, v);
	case OE_FMT_MISP: return keep_view(e, v);
	case OE_FMT_STIX: {
		if (v->org_stix_id && !json_object_get(e->orgs, v->org_stix_id)) {
			json_object_set_new(e->orgs, v->org_stix_id, json_true());
			oe_stix_bundle_add(e->bundle,
					   oe_stix_identity_json(v->org_stix_id, v->org_name, 0));
		}
		json_t *o = oe_stix_indicator_json(v);
		if (!o)
			return OE_ENOMEM;
		return oe_stix_bundle_add(e->bundle, o);
	}
	}
	return OE_EINVAL;
}

int oe_svc_export(oe_ctx *c, oe_export_format fmt, const oe_indicator_filter *f0, oe_buf *out)
{
	exporter e = {.fmt = fmt, .out = out, .keep = OE_ARENA_INIT};
	int ret = 0;
	if (c->viewer.role == OE_ROLE_PUBLIC)
		return OE_EPERM;
	if (fmt == OE_FMT_STIX) {
		e.bundle = oe_stix_bundle_new();
		e.orgs = json_object();
		if (!e.bundle || !e.orgs || oe_stix_bundle_add_tlp_markings(e.bundle)) {
			ret = OE_ENOMEM;
			goto out;
		}
	} else if (fmt == OE_FMT_CSV) {
		if ((ret = oe_csv_header(out)))
			goto out;
	}
	oe_indicator_filter f = *f0;
	f.has_after = false;
	f.include_revoked = false;
	oe_time now = oe_now();
	int max_tlp = OE_TLP_CLEAR;
	for (;;) {
		/* The same listing the API pages through, so the same view and
		 * filters apply; one page of rows in memory at a time. */
		oe_arena page = OE_ARENA_INIT;
		oe_ctx pc = *c;
		pc.arena = &page;
		oe_indicator_row *rows;
		size_t n;
		bool more;
		f.limit = EXPORT_PAGE;
		ret = oe_svc_indicator_list(&pc, &f, &rows, &n, &more);
		for (size_t i = 0; !ret && i < n; i++) {
			if (rows[i].v.valid_until && rows[i].v.valid_until < now)
				continue; /* expired */
			if (rows[i].v.tlp > max_tlp)
				max_tlp = rows[i].v.tlp;
			ret = emit(&e, c, &rows[i]);
		}
		oe_arena_clear(&page);
		if (ret || !more)
			break;
	}
	if (ret)
		goto out;
	if (fmt == OE_FMT_MISP) {
		oe_uuid u;
		char us[OE_UUID_STR];
		oe_uuid_v4(&u);
		oe_uuid_format(&u, us);
		/* The event is marked as its most restricted attribute: tools that
		 * apply event tags must not share anything wider than allowed. */
		json_t *ev = oe_misp_event_json(us, "oureyes export", max_tlp, c->node->node_name,
						NULL, now, e.views, e.nviews);
		if (!ev) {
			ret = OE_ENOMEM;
			goto out;
		}
		char *s = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(ev);
		if (!s) {
			ret = OE_ENOMEM;
			goto out;
		}
		oe_buf_adds(out, s);
		oe_buf_addc(out, '\n');
		free(s);
	} else if (fmt == OE_FMT_STIX) {
		char *s = json_dumps(e.bundle, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!s) {
			ret = OE_ENOMEM;
			goto out;
		}
		oe_buf_adds(out, s);
		oe_buf_addc(out, '\n');
		free(s);
	}
	ret = oe_buf_error(out);
	if (!ret) {
		const char *names[] = {"stix", "misp", "csv", "txt"};
		ret = c->store->ops->audit(c->store, now, c->actor, "export", names[fmt], NULL);
	}
out:
	json_decref(e.bundle);
	json_decref(e.orgs);
	free(e.views);
	oe_arena_clear(&e.keep);
	return ret;
}
