/* taxii_env.c - TAXII 2.1 documents from a partner into plain structures
 * (see taxii_env.h). The document is read with jansson behind the depth
 * wall of core/json.c; every string kept is copied into the caller's
 * arena, so the tree is dropped before returning. */
#include "taxii_env.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ioc.h"
#include "json.h"
#include "stix.h"
#include "stix_obj.h"
#include "tlp.h"

#define PREFIX_INDICATOR "indicator--"
#define PREFIX_IDENTITY	 "identity--"

/* "<prefix><uuid>", nothing else. */
static bool is_id(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	oe_uuid u;
	return s && strncmp(s, prefix, n) == 0 && strlen(s) == n + OE_UUID_STR - 1 &&
	       oe_uuid_parse(s + n, &u) == 0;
}

static bool printable(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= max && oe_utf8_printable(s, n);
}

/* A refusal of one object; past OE_ENV_MAX_REFUSALS only counted. */
static int refuse(oe_arena *a, oe_env_page *p, const char *ref, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int refuse(oe_arena *a, oe_env_page *p, const char *ref, const char *fmt, ...)
{
	if (p->nrefused++ >= OE_ENV_MAX_REFUSALS)
		return 0;
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	oe_env_refusal *r = &p->refused[p->nrefused - 1];
	char cut[OE_ENV_NAME_MAX + 1];
	r->ref = oe_arena_strdup(a, ref && oe_utf8_valid(ref, strlen(ref))
					? oe_utf8_cut(ref, cut, OE_ENV_NAME_MAX)
					: "(object without a readable id)");
	r->reason = oe_arena_strdup(a, why);
	return r->ref && r->reason ? 0 : OE_ENOMEM;
}

/* An RFC 3339 timestamp at key; 0 when absent. -1 when present but bad. */
static int get_time(const json_t *o, const char *key, oe_time *t)
{
	json_t *v = json_object_get(o, key);
	*t = 0;
	if (!v)
		return 0;
	if (!json_is_string(v) || oe_time_parse(json_string_value(v), t) != 0)
		return -1;
	return 0;
}

/* The strictest TLP marking in object_marking_refs; -1 when none. */
static int marking(const json_t *o)
{
	json_t *refs = json_object_get(o, "object_marking_refs");
	int tlp = -1;
	size_t i;
	json_t *r;
	if (!json_is_array(refs))
		return -1;
	json_array_foreach (refs, i, r) {
		int t = json_is_string(r) ? oe_tlp_from_marking_id(json_string_value(r)) : -1;
		if (t > tlp)
			tlp = t;
	}
	return tlp;
}

static const char *dup_cut(oe_arena *a, const char *s, size_t max)
{
	char *buf = oe_arena_alloc(a, max + 1);
	return buf ? oe_arena_strdup(a, oe_utf8_cut(s, buf, max)) : NULL;
}

/* The type and canonical value of an indicator: x_oureyes_type and
 * x_oureyes_value when given (the value must already be canonical, since
 * its id was derived from it), else a pattern of exactly one comparison. */
static int value_of(const json_t *o, const oe_canon_opts *co, oe_arena *a, oe_env_indicator *ind,
		    char *why, size_t whycap)
{
	const char *ts = oe_json_str(o, "x_oureyes_type"), *vs = oe_json_str(o, "x_oureyes_value");
	char canon[OE_VALUE_MAX + 1];
	if (ts || vs) {
		const char *w = NULL;
		oe_itype t = ts ? oe_itype_parse(ts) : OE_T_NONE;
		if (t == OE_T_NONE || !vs) {
			snprintf(why, whycap,
				 "x_oureyes_type and x_oureyes_value: a known type "
				 "and a value");
			return OE_EINVAL;
		}
		if (oe_canon(t, vs, strlen(vs), co, canon, sizeof(canon), &w) != 0) {
			snprintf(why, whycap, "x_oureyes_value: not a valid %s: %s",
				 oe_itype_name(t), w ? w : "refused");
			return OE_EINVAL;
		}
		if (strcmp(canon, vs) != 0) {
			snprintf(why, whycap, "x_oureyes_value: not in canonical form");
			return OE_EINVAL;
		}
		ind->type = t;
		ind->value = oe_arena_strdup(a, canon);
		return ind->value ? 0 : OE_ENOMEM;
	}
	const char *pat = oe_json_str(o, "pattern");
	if (!pat) {
		snprintf(why, whycap, "neither x_oureyes_value nor a pattern");
		return OE_EINVAL;
	}
	oe_stix_terms terms = {0};
	int ret = oe_stix_pattern_parse(pat, strlen(pat), co, &terms, why, whycap);
	if (ret == OE_ENOMEM)
		return ret;
	if (ret) {
		return OE_EINVAL; /* why is set */
	}
	if (terms.n != 1) {
		snprintf(why, whycap, "a pattern of %zu values: one indicator holds one", terms.n);
		oe_stix_terms_free(&terms);
		return OE_EINVAL;
	}
	ind->type = terms.v[0].type;
	ind->value = oe_arena_strdup(a, terms.v[0].value);
	oe_stix_terms_free(&terms);
	return ind->value ? 0 : OE_ENOMEM;
}

/* x_oureyes_sharing {"group": name, "members": [identity ids]}. */
static int sharing_of(const json_t *o, oe_arena *a, oe_env_indicator *ind, char *why, size_t whycap)
{
	json_t *sh = json_object_get(o, "x_oureyes_sharing");
	if (!sh || json_is_null(sh))
		return 0;
	const char *g = oe_json_str(sh, "group");
	json_t *m = json_object_get(sh, "members");
	if (!json_is_object(sh) || !printable(g, OE_ENV_NAME_MAX) || !json_is_array(m)) {
		snprintf(why, whycap,
			 "x_oureyes_sharing: {\"group\": a name, \"members\": "
			 "[identity ids]}");
		return OE_EINVAL;
	}
	size_t n = json_array_size(m);
	if (n > OE_ENV_MAX_MEMBERS) {
		snprintf(why, whycap, "x_oureyes_sharing: more than %d members",
			 OE_ENV_MAX_MEMBERS);
		return OE_EINVAL;
	}
	ind->members = oe_arena_alloc(a, (n ? n : 1) * sizeof(*ind->members));
	if (!ind->members || !(ind->group = oe_arena_strdup(a, g)))
		return OE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *id = json_string_value(json_array_get(m, i));
		if (!is_id(id, PREFIX_IDENTITY)) {
			snprintf(why, whycap, "x_oureyes_sharing.members[%zu]: not an identity id",
				 i);
			return OE_EINVAL;
		}
		if (!(ind->members[ind->nmembers++] = oe_arena_strdup(a, id)))
			return OE_ENOMEM;
	}
	return 0;
}

static int labels_of(const json_t *o, oe_arena *a, oe_env_indicator *ind)
{
	json_t *l = json_object_get(o, "labels");
	size_t n = json_is_array(l) ? json_array_size(l) : 0;
	if (!n)
		return 0;
	if (n > OE_TAGS_MAX)
		n = OE_TAGS_MAX; /* as every importer: the rest is dropped */
	ind->labels = oe_arena_alloc(a, n * sizeof(*ind->labels));
	if (!ind->labels)
		return OE_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(l, i));
		if (!printable(s, OE_TAG_LEN_MAX))
			continue;
		if (!(ind->labels[ind->nlabels++] = oe_arena_strdup(a, s)))
			return OE_ENOMEM;
	}
	return 0;
}

/* One indicator object; OE_EINVAL with why when it is refused. */
static int indicator(const json_t *o, const oe_canon_opts *co, oe_arena *a, oe_env_indicator *ind,
		     char *why, size_t whycap)
{
	memset(ind, 0, sizeof(*ind));
	const char *id = oe_json_str(o, "id"), *by = oe_json_str(o, "created_by_ref");
	if (!is_id(id, PREFIX_INDICATOR)) {
		snprintf(why, whycap, "id: not an indicator id");
		return OE_EINVAL;
	}
	if (get_time(o, "modified", &ind->modified) || !ind->modified) {
		snprintf(why, whycap, "modified: a timestamp is required");
		return OE_EINVAL;
	}
	if (json_is_true(json_object_get(o, "revoked")) && !json_object_get(o, "x_oureyes_value")) {
		/* A tombstone: nothing of the object but its id. */
		if (by && !is_id(by, PREFIX_IDENTITY)) {
			snprintf(why, whycap, "created_by_ref: not an identity id");
			return OE_EINVAL;
		}
		ind->tombstone = ind->revoked = true;
		ind->tlp = -1;
		ind->confidence = -1;
		if (!(ind->id = oe_arena_strdup(a, id)) ||
		    (by && !(ind->created_by = oe_arena_strdup(a, by))))
			return OE_ENOMEM;
		return 0;
	}
	if (!is_id(by, PREFIX_IDENTITY)) {
		snprintf(why, whycap, "created_by_ref: an identity id is required (the origin)");
		return OE_EINVAL;
	}
	if (get_time(o, "created", &ind->created) || get_time(o, "valid_from", &ind->valid_from) ||
	    get_time(o, "valid_until", &ind->valid_until)) {
		snprintf(why, whycap, "created, valid_from, valid_until: timestamps");
		return OE_EINVAL;
	}
	ind->tlp = marking(o);
	if (ind->tlp < 0) {
		snprintf(why, whycap, "object_marking_refs: no TLP marking");
		return OE_EINVAL;
	}
	if (ind->tlp == OE_TLP_RED) {
		snprintf(why, whycap, "TLP:RED never leaves its node");
		return OE_EINVAL;
	}
	json_t *rv = json_object_get(o, "revoked"), *cf = json_object_get(o, "confidence");
	if ((rv && !json_is_boolean(rv)) ||
	    (cf && (!json_is_integer(cf) || json_integer_value(cf) < 0 ||
		    json_integer_value(cf) > 100))) {
		snprintf(why, whycap, "revoked: true or false; confidence: 0 to 100");
		return OE_EINVAL;
	}
	ind->revoked = json_is_true(rv);
	ind->confidence = cf ? (int)json_integer_value(cf) : -1;
	int ret = value_of(o, co, a, ind, why, whycap);
	if (ret)
		return ret;
	oe_uuid want, got;
	oe_stix_assertion_uuid(by, ind->type, ind->value, &want);
	oe_uuid_parse(id + strlen(PREFIX_INDICATOR), &got);
	if (memcmp(want.b, got.b, sizeof(want.b)) != 0) {
		snprintf(why, whycap, "id: not derived from created_by_ref and the value");
		return OE_EINVAL;
	}
	if (ind->tlp >= OE_TLP_AMBER && (ret = sharing_of(o, a, ind, why, whycap)))
		return ret;
	const char *d = oe_json_str(o, "description");
	if (d && !(ind->description = dup_cut(a, d, OE_TEXT_MAX)))
		return OE_ENOMEM;
	if ((ret = labels_of(o, a, ind)))
		return ret;
	if (!(ind->id = oe_arena_strdup(a, id)) || !(ind->created_by = oe_arena_strdup(a, by)))
		return OE_ENOMEM;
	return 0;
}

/* One sighting; OE_EINVAL with why when it is refused. */
static int sighting(const json_t *o, oe_arena *a, oe_env_sighting *sg, char *why, size_t whycap)
{
	memset(sg, 0, sizeof(*sg));
	const char *id = oe_json_str(o, "id"), *of = oe_json_str(o, "sighting_of_ref");
	const char *by = oe_json_str(o, "created_by_ref");
	if (!is_id(id, "sighting--") || !is_id(of, PREFIX_INDICATOR) ||
	    !is_id(by, PREFIX_IDENTITY)) {
		snprintf(why, whycap,
			 "a sighting needs an id, sighting_of_ref (an indicator) and "
			 "created_by_ref");
		return OE_EINVAL;
	}
	json_t *cnt = json_object_get(o, "count");
	if (get_time(o, "modified", &sg->created) || !sg->created ||
	    get_time(o, "first_seen", &sg->first_seen) ||
	    get_time(o, "last_seen", &sg->last_seen) ||
	    (cnt && (!json_is_integer(cnt) || json_integer_value(cnt) < 1 ||
		     json_integer_value(cnt) > OE_ENV_MAX_COUNT))) {
		snprintf(why, whycap, "modified, first_seen, last_seen: timestamps; count: 1 to %d",
			 OE_ENV_MAX_COUNT);
		return OE_EINVAL;
	}
	sg->tlp = marking(o);
	if (sg->tlp < 0 || sg->tlp > OE_TLP_GREEN) {
		snprintf(why, whycap, "only CLEAR and GREEN sightings are taken");
		return OE_EINVAL;
	}
	sg->count = cnt ? json_integer_value(cnt) : 1;
	if (!sg->first_seen)
		sg->first_seen = sg->last_seen ? sg->last_seen : sg->created;
	if (!sg->last_seen || sg->last_seen < sg->first_seen)
		sg->last_seen = sg->first_seen;
	if (!(sg->id = oe_arena_strdup(a, id)) || !(sg->of = oe_arena_strdup(a, of)) ||
	    !(sg->created_by = oe_arena_strdup(a, by)))
		return OE_ENOMEM;
	return 0;
}

static int identity(const json_t *o, oe_arena *a, oe_env_identity *id, char *why, size_t whycap)
{
	memset(id, 0, sizeof(*id));
	const char *i = oe_json_str(o, "id"), *name = oe_json_str(o, "name");
	const char *cc = oe_json_str(o, "x_oureyes_country");
	if (!is_id(i, PREFIX_IDENTITY) || !name || !*name ||
	    !oe_utf8_printable(name, strlen(name))) {
		snprintf(why, whycap, "an identity needs an id and a printable name");
		return OE_EINVAL;
	}
	if (cc && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z')
		memcpy(id->country, cc, 3);
	id->id = oe_arena_strdup(a, i);
	id->name = dup_cut(a, name, OE_ENV_NAME_MAX);
	return id->id && id->name ? 0 : OE_ENOMEM;
}

/* A grouping or note of a joint case, appended to its array (which
 * doubles in the arena as it fills). */
static int take_case(const json_t *o, const char *type, oe_arena *a, oe_env_page *p, char *why,
		     size_t whycap)
{
	bool g = type[0] == 'g';
	void **arr = g ? (void **)&p->groupings : (void **)&p->notes;
	size_t *n = g ? &p->ngroupings : &p->nnotes;
	size_t elem = g ? sizeof(*p->groupings) : sizeof(*p->notes);
	/* Capacity 4, 8, 16...: full when n is one of them. */
	if (!*n || (*n >= 4 && !(*n & (*n - 1)))) {
		void *v = oe_arena_alloc(a, (*n ? *n * 2 : 4) * elem);
		if (!v)
			return OE_ENOMEM;
		if (*n)
			memcpy(v, *arr, *n * elem);
		*arr = v;
	}
	int ret = g ? oe_case_stix_grouping_parse(o, a, &p->groupings[*n], why, whycap)
		    : oe_case_stix_note_parse(o, a, &p->notes[*n], why, whycap);
	if (!ret)
		(*n)++;
	return ret;
}

/* The document as an object, or an error naming what it should be. */
static int load(const char *buf, size_t len, const char *what, json_t **out, char *err,
		size_t errcap)
{
	int ret = oe_json_parse(buf, len, out, err, errcap);
	if (ret)
		return ret;
	if (!json_is_object(*out)) {
		snprintf(err, errcap, "not a TAXII %s (a JSON object)", what);
		json_decref(*out);
		*out = NULL;
		return OE_EINVAL;
	}
	return 0;
}

int oe_env_parse(const char *buf, size_t len, const oe_canon_opts *co, oe_arena *a,
		 oe_env_page *out, char *err, size_t errcap)
{
	memset(out, 0, sizeof(*out));
	json_t *doc;
	int ret = load(buf, len, "envelope", &doc, err, errcap);
	if (ret)
		return ret;
	json_t *objs = json_object_get(doc, "objects"), *more = json_object_get(doc, "more");
	json_t *next = json_object_get(doc, "next");
	size_t n = json_is_array(objs) ? json_array_size(objs) : 0;
	if ((objs && !json_is_array(objs)) || (more && !json_is_boolean(more)) ||
	    (next && !json_is_null(next) && !json_is_string(next))) {
		snprintf(err, errcap,
			 "not a TAXII envelope: \"objects\" must be an array, "
			 "\"more\" true or false, \"next\" a string");
		ret = OE_EINVAL;
		goto out;
	}
	if (n > OE_ENV_MAX_OBJECTS) {
		snprintf(err, errcap, "a page of %zu objects (at most %d are taken)", n,
			 OE_ENV_MAX_OBJECTS);
		ret = OE_ETOOBIG;
		goto out;
	}
	const char *nx = json_string_value(next);
	if (nx && *nx) {
		if (!printable(nx, OE_ENV_NEXT_MAX)) {
			snprintf(err, errcap, "\"next\": at most %d printable bytes",
				 OE_ENV_NEXT_MAX);
			ret = OE_EINVAL;
			goto out;
		}
		if (!(out->next = oe_arena_strdup(a, nx))) {
			ret = OE_ENOMEM;
			goto out;
		}
	}
	out->more = json_is_true(more);
	out->nobjects = n;
	out->indicators = oe_arena_alloc(a, (n ? n : 1) * sizeof(*out->indicators));
	out->identities = oe_arena_alloc(a, (n ? n : 1) * sizeof(*out->identities));
	out->sightings = oe_arena_alloc(a, (n ? n : 1) * sizeof(*out->sightings));
	out->refused = oe_arena_alloc(a, OE_ENV_MAX_REFUSALS * sizeof(*out->refused));
	if (!out->indicators || !out->identities || !out->sightings || !out->refused) {
		ret = OE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		json_t *o = json_array_get(objs, i);
		const char *type = oe_json_str(o, "type"), *id = oe_json_str(o, "id");
		char why[256] = "";
		char ref[32];
		snprintf(ref, sizeof(ref), "objects[%zu]", i);
		int r;
		if (!json_is_object(o) || !type) {
			ret = refuse(a, out, ref, "not a STIX object");
		} else if (!strcmp(type, "indicator")) {
			r = indicator(o, co, a, &out->indicators[out->nindicators], why,
				      sizeof(why));
			if (r == OE_ENOMEM)
				ret = r;
			else if (r)
				ret = refuse(a, out, id ? id : ref, "%s", why);
			else
				out->nindicators++;
		} else if (!strcmp(type, "sighting")) {
			r = sighting(o, a, &out->sightings[out->nsightings], why, sizeof(why));
			if (r == OE_ENOMEM)
				ret = r;
			else if (r)
				ret = refuse(a, out, id ? id : ref, "%s", why);
			else
				out->nsightings++;
		} else if (!strcmp(type, "grouping") || !strcmp(type, "note")) {
			r = take_case(o, type, a, out, why, sizeof(why));
			if (r == OE_ENOMEM)
				ret = r;
			else if (r)
				ret = refuse(a, out, id ? id : ref, "%s", why);
		} else if (!strcmp(type, "identity")) {
			r = identity(o, a, &out->identities[out->nidentities], why, sizeof(why));
			if (r == OE_ENOMEM)
				ret = r;
			else if (r)
				ret = refuse(a, out, id ? id : ref, "%s", why);
			else
				out->nidentities++;
		} else {
			out->skipped++;
		}
	}
	if (ret == OE_ENOMEM)
		snprintf(err, errcap, "out of memory");
out:
	json_decref(doc);
	return ret;
}

int oe_env_discovery_parse(const char *buf, size_t len, oe_arena *a, oe_env_discovery *out,
			   char *err, size_t errcap)
{
	memset(out, 0, sizeof(*out));
	json_t *doc;
	int ret = load(buf, len, "discovery document", &doc, err, errcap);
	if (ret)
		return ret;
	json_t *roots = json_object_get(doc, "api_roots");
	const char *def = oe_json_str(doc, "default");
	if (roots && !json_is_array(roots)) {
		snprintf(err, errcap, "discovery: \"api_roots\" must be an array");
		ret = OE_EINVAL;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(roots) && out->nroots < OE_ENV_MAX_ROOTS; i++) {
		const char *r = json_string_value(json_array_get(roots, i));
		if (printable(r, OE_ENV_URL_MAX) &&
		    !(out->roots[out->nroots++] = oe_arena_strdup(a, r))) {
			ret = OE_ENOMEM;
			goto out;
		}
	}
	if (printable(def, OE_ENV_URL_MAX) && !(out->def = oe_arena_strdup(a, def))) {
		ret = OE_ENOMEM;
		goto out;
	}
	json_t *node = json_object_get(doc, "x_oureyes_identity");
	if (node) {
		char why[128];
		if ((ret = identity(node, a, &out->node, why, sizeof(why)))) {
			if (ret != OE_ENOMEM)
				snprintf(err, errcap, "discovery: x_oureyes_identity: %s", why);
			goto out;
		}
		out->has_node = true;
	}
out:
	json_decref(doc);
	return ret;
}

int oe_env_collections_parse(const char *buf, size_t len, oe_arena *a, oe_env_collection **out,
			     size_t *n, char *err, size_t errcap)
{
	*out = NULL;
	*n = 0;
	json_t *doc;
	int ret = load(buf, len, "collections document", &doc, err, errcap);
	if (ret)
		return ret;
	json_t *list = json_object_get(doc, "collections");
	size_t k = json_is_array(list) ? json_array_size(list) : 0;
	if (list && !json_is_array(list)) {
		snprintf(err, errcap, "collections: \"collections\" must be an array");
		ret = OE_EINVAL;
		goto out;
	}
	if (k > OE_ENV_MAX_COLLECTIONS) {
		snprintf(err, errcap, "more than %d collections", OE_ENV_MAX_COLLECTIONS);
		ret = OE_ETOOBIG;
		goto out;
	}
	oe_env_collection *v = oe_arena_alloc(a, (k ? k : 1) * sizeof(*v));
	if (!v) {
		ret = OE_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		json_t *c = json_array_get(list, i);
		const char *id = oe_json_str(c, "id");
		/* A collection id goes into our URLs (escaped) and our cursor
		 * table: a printable name of bounded length. */
		if (!printable(id, OE_ENV_NAME_MAX)) {
			snprintf(err, errcap, "collections[%zu]: id is not a printable name", i);
			ret = OE_EINVAL;
			goto out;
		}
		const char *t = oe_json_str(c, "title");
		v[*n].id = oe_arena_strdup(a, id);
		v[*n].title = printable(t, OE_ENV_NAME_MAX) ? oe_arena_strdup(a, t) : v[*n].id;
		v[*n].can_read = json_is_true(json_object_get(c, "can_read"));
		v[*n].can_write = json_is_true(json_object_get(c, "can_write"));
		if (!v[*n].id) {
			ret = OE_ENOMEM;
			goto out;
		}
		(*n)++;
	}
	*out = v;
out:
	json_decref(doc);
	return ret;
}
