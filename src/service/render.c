/* render.c - the JSON form of each object (see render.h). */
#include "render.h"

#include "core/json.h"
#include "core/tlp.h"

static void wkey(oe_buf *b, const char *key)
{
	oe_buf_adds(b, ",\"");
	oe_buf_adds(b, key);
	oe_buf_adds(b, "\":");
}

static void wtime(oe_buf *b, const char *key, oe_time t)
{
	wkey(b, key);
	if (!t) {
		oe_buf_adds(b, "null");
		return;
	}
	char s[OE_TIME_BUF];
	oe_time_format(t, s);
	oe_buf_addc(b, '"');
	oe_buf_adds(b, s);
	oe_buf_addc(b, '"');
}

/* A decimal integer, without printf. */
static void wint(oe_buf *b, long long v)
{
	char d[24];
	size_t k = sizeof(d);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		d[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--k] = '-';
	oe_buf_add(b, d + k, sizeof(d) - k);
}

static void wstr(oe_buf *b, const char *key, const char *v)
{
	wkey(b, key);
	oe_json_write_str(b, v);
}

/* The indicator, written straight into a buffer: lookups render one per
 * request, and building a jansson tree for it cost more than the query. */
void oe_render_indicator_buf(oe_buf *b, const oe_indicator_row *row)
{
	const oe_indicator_view *v = &row->v;
	oe_buf_adds(b, "{\"id\":");
	oe_json_write_str(b, v->stix_id);
	oe_buf_printf(b, ",\"type\":\"%s\"", oe_itype_name(v->type));
	wstr(b, "value", v->value);
	oe_buf_printf(b, ",\"tlp\":\"%s\",\"confidence\":%d", oe_tlp_name((oe_tlp)v->tlp),
		      v->confidence);
	wstr(b, "description", v->description);
	oe_buf_adds(b, ",\"tags\":[");
	for (size_t i = 0; i < v->ntags; i++) {
		if (i)
			oe_buf_addc(b, ',');
		oe_json_write_str(b, v->tags[i]);
	}
	oe_buf_addc(b, ']');
	wtime(b, "first_seen", v->first_seen);
	wtime(b, "last_seen", v->last_seen);
	wtime(b, "valid_until", v->valid_until);
	wtime(b, "created", v->created);
	wtime(b, "modified", v->modified);
	if (v->org_stix_id) {
		oe_buf_adds(b, ",\"source_org\":{\"id\":");
		oe_json_write_str(b, v->org_stix_id);
		wstr(b, "name", v->org_name);
		oe_buf_addc(b, '}');
	} else {
		oe_buf_adds(b, ",\"source_org\":null");
	}
	oe_buf_printf(b, ",\"revoked\":%s", v->revoked ? "true" : "false");
	wstr(b, "warninglist", v->warninglist);
	oe_buf_printf(b, ",\"orgs\":%lld}", (long long)row->n_orgs);
}

/* The jansson form of what a buffer renderer wrote (consumes b). */
static json_t *to_json(oe_buf *b)
{
	json_t *j = oe_buf_error(b) ? NULL : json_loadb(b->data, b->len, 0, NULL);
	oe_buf_free(b);
	return j ? j : json_object();
}

json_t *oe_render_indicator(const oe_indicator_row *row)
{
	oe_buf b = OE_BUF_INIT;
	oe_render_indicator_buf(&b, row);
	return to_json(&b);
}

json_t *oe_render_import(const oe_import_set *set, const oe_import_result *res)
{
	json_t *refused = json_array();
	for (size_t i = 0; i < set->nerrors; i++)
		json_array_append_new(
		    refused, json_pack("{s:o,s:o}", "ref", oe_json_string_lossy(set->errors[i].ref),
				       "reason", oe_json_string_lossy(set->errors[i].reason)));
	json_t *o =
	    json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "imported", (json_int_t)res->imported, "updated",
		      (json_int_t)res->updated, "skipped", (json_int_t)res->skipped,
		      "refused_count", (json_int_t)(set->nerrors + set->nerrors_dropped), "events",
		      (json_int_t)res->events, "refused", refused);
	if (set->nerrors_dropped)
		json_object_set_new(o, "refused_not_listed",
				    json_integer((json_int_t)set->nerrors_dropped));
	return o;
}

/* A hit from the matcher: the fields it keeps, in the indicator's shape
 * (the whole record is GET /api/v1/indicators/{id}). */
static void render_hit_buf(oe_buf *b, const oe_lookup_hit *h)
{
	/* By hand, without printf: a lookup answers one of these per hit,
	 * and formatting cost more than the match. */
	oe_buf_adds(b, "{\"id\":");
	oe_json_write_str(b, h->id);
	oe_buf_adds(b, ",\"type\":\"");
	oe_buf_adds(b, oe_itype_name(h->type));
	oe_buf_addc(b, '"');
	wstr(b, "value", h->value);
	oe_buf_adds(b, ",\"tlp\":\"");
	oe_buf_adds(b, oe_tlp_name((oe_tlp)h->tlp));
	oe_buf_adds(b, "\",\"confidence\":");
	wint(b, h->confidence);
	oe_buf_adds(b, ",\"tags\":[");
	for (size_t i = 0; i < h->ntags; i++) {
		if (i)
			oe_buf_addc(b, ',');
		oe_json_write_str(b, h->tags[i]);
	}
	oe_buf_addc(b, ']');
	wtime(b, "valid_until", h->valid_until);
	if (h->org_stix_id) {
		oe_buf_adds(b, ",\"source_org\":{\"id\":");
		oe_json_write_str(b, h->org_stix_id);
		wstr(b, "name", h->org_name);
		oe_buf_addc(b, '}');
	} else {
		oe_buf_adds(b, ",\"source_org\":null");
	}
	oe_buf_adds(b, ",\"revoked\":false");
	wstr(b, "warninglist", h->warninglist);
	oe_buf_adds(b, ",\"orgs\":");
	wint(b, h->n_orgs);
	oe_buf_addc(b, '}');
}

void oe_render_lookup_buf(oe_buf *b, const oe_lookup_result *l)
{
	oe_buf_adds(b, "{\"value\":");
	oe_json_write_str(b, l->value ? l->value : l->input);
	if (l->type) {
		oe_buf_adds(b, ",\"type\":\"");
		oe_buf_adds(b, oe_itype_name(l->type));
		oe_buf_addc(b, '"');
	} else {
		oe_buf_adds(b, ",\"type\":null");
	}
	oe_buf_adds(b, l->match ? ",\"match\":true,\"hits\":[" : ",\"match\":false,\"hits\":[");
	for (size_t i = 0; i < l->nhits; i++) {
		const oe_lookup_hit *h = &l->hits[i];
		oe_buf_adds(b, i ? ",{\"indicator\":" : "{\"indicator\":");
		if (h->row)
			oe_render_indicator_buf(b, h->row);
		else
			render_hit_buf(b, h);
		oe_buf_adds(b, ",\"how\":");
		oe_json_write_str(b, h->how);
		oe_buf_addc(b, '}');
	}
	oe_buf_addc(b, ']');
	wstr(b, "warninglist", l->warninglist);
	if (l->error)
		wstr(b, "error", l->error);
	oe_buf_addc(b, '}');
}

json_t *oe_render_lookup(const oe_lookup_result *l)
{
	oe_buf b = OE_BUF_INIT;
	oe_render_lookup_buf(&b, l);
	return to_json(&b);
}
