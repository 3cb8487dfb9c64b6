/* render.c - the JSON form of each object (see render.h). */
#include "render.h"

#include "core/json.h"
#include "core/tlp.h"

static json_t *jtime(oe_time t)
{
	if (!t)
		return json_null();
	char b[OE_TIME_BUF];
	oe_time_format(t, b);
	return json_string(b);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *oe_render_indicator(const oe_indicator_row *row)
{
	const oe_indicator_view *v = &row->v;
	json_t *tags = json_array();
	for (size_t i = 0; i < v->ntags; i++)
		json_array_append_new(tags, json_string(v->tags[i]));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(v->stix_id));
	json_object_set_new(o, "type", json_string(oe_itype_name(v->type)));
	json_object_set_new(o, "value", json_string(v->value));
	json_object_set_new(o, "tlp", json_string(oe_tlp_name((oe_tlp)v->tlp)));
	json_object_set_new(o, "confidence", json_integer(v->confidence));
	json_object_set_new(o, "description", jstr(v->description));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "first_seen", jtime(v->first_seen));
	json_object_set_new(o, "last_seen", jtime(v->last_seen));
	json_object_set_new(o, "valid_until", jtime(v->valid_until));
	json_object_set_new(o, "created", jtime(v->created));
	json_object_set_new(o, "modified", jtime(v->modified));
	json_object_set_new(o, "source_org",
			    v->org_stix_id
				? json_pack("{s:s,s:s?}", "id", v->org_stix_id, "name", v->org_name)
				: json_null());
	json_object_set_new(o, "revoked", json_boolean(v->revoked));
	json_object_set_new(o, "warninglist", jstr(v->warninglist));
	json_object_set_new(o, "orgs", json_integer(row->n_orgs));
	return o;
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

json_t *oe_render_lookup(const oe_lookup_result *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "value",
			    l->value ? json_string(l->value) : oe_json_string_lossy(l->input));
	json_object_set_new(o, "type", l->type ? json_string(oe_itype_name(l->type)) : json_null());
	json_object_set_new(o, "match", json_boolean(l->match));
	json_t *hits = json_array();
	if (l->match)
		json_array_append_new(hits,
				      json_pack("{s:o,s:s}", "indicator",
						oe_render_indicator(&l->hit), "how", "exact"));
	json_object_set_new(o, "hits", hits);
	json_object_set_new(o, "warninglist",
			    l->warninglist ? json_string(l->warninglist) : json_null());
	if (l->error)
		json_object_set_new(o, "error", json_string(l->error));
	return o;
}
