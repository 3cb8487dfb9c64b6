/* fuzz_stix.c - a STIX bundle from a peer or an upload: parse it, then
 * export every indicator it yielded and parse that back, which must give
 * the same type and value (the exporter and the parser agree on paths and
 * escaping for anything the parser can produce).
 *
 * The parser streams the document and reads most objects with its own
 * reader, so two more checks hold it to jansson reading the document
 * whole: it calls the bytes invalid JSON exactly when jansson does, and
 * jansson's own rewriting of a valid document (ASCII only, every other
 * character escaped) gives the same import. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/stix.h"

static const oe_canon_opts opts = {"ID"};

/* Every refusal must render as JSON (valid UTF-8), as the API sends it. */
static void check_errors(const oe_import_set *s)
{
	for (size_t i = 0; i < s->nerrors; i++) {
		json_t *a = json_string(s->errors[i].ref), *b = json_string(s->errors[i].reason);
		if (!a || !b)
			abort();
		json_decref(a);
		json_decref(b);
	}
}

static void check_roundtrip(const oe_ioc *c)
{
	oe_indicator_view v = {
	    .type = c->type,
	    .value = c->value,
	    .tlp = c->tlp < 0 ? OE_TLP_GREEN : c->tlp,
	    .confidence = c->confidence,
	    .description = c->description,
	    .tags = (const char *const *)c->tags,
	    .ntags = c->ntags,
	    .first_seen = c->first_seen,
	    .valid_until = c->valid_until,
	    .modified = c->modified,
	};
	memcpy(v.stix_id, "indicator--6b1f3c52-940e-4a7d-8e21-4d0c3a779b15", 48);
	json_t *o = oe_stix_indicator_json(&v);
	if (!o)
		abort(); /* everything the parser yields must be exportable */
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	if (!text || oe_stix_parse(text, strlen(text), &opts, &s, err, sizeof(err)) != 0 ||
	    s.niocs != 1 || s.iocs[0].type != c->type || strcmp(s.iocs[0].value, c->value) != 0)
		abort();
	oe_import_set_free(&s);
	free(text);
}

/* Nesting counted as json.c counts it: past the limit the parser refuses
 * the depth, which jansson (deeper limit) would not. */
static int nesting(const uint8_t *p, size_t n)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_str = false;
		} else if (p[i] == '"') {
			in_str = true;
		} else if (p[i] == '[' || p[i] == '{') {
			max = ++depth > max ? depth : max;
		} else if (p[i] == ']' || p[i] == '}') {
			depth--;
		}
	}
	return max;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_tags(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!same_str(a[i], b[i]))
			return false;
	return true;
}

static bool same_set(const oe_import_set *a, const oe_import_set *b)
{
	if (a->niocs != b->niocs || a->nevents != b->nevents || a->nerrors != b->nerrors ||
	    a->nerrors_dropped != b->nerrors_dropped || a->skipped != b->skipped)
		return false;
	for (size_t i = 0; i < a->niocs; i++) {
		const oe_ioc *x = &a->iocs[i], *y = &b->iocs[i];
		if (x->type != y->type || !same_str(x->value, y->value) || x->tlp != y->tlp ||
		    x->confidence != y->confidence || !same_str(x->description, y->description) ||
		    !same_tags(x->tags, x->ntags, y->tags, y->ntags) ||
		    x->first_seen != y->first_seen || x->last_seen != y->last_seen ||
		    x->valid_until != y->valid_until || !same_str(x->ext_id, y->ext_id) ||
		    x->modified != y->modified || x->revoked != y->revoked)
			return false;
	}
	for (size_t i = 0; i < a->nevents; i++) {
		const oe_event_in *x = &a->events[i], *y = &b->events[i];
		if (!same_str(x->title, y->title) || x->tlp != y->tlp ||
		    !same_tags(x->tags, x->ntags, y->tags, y->ntags) ||
		    !same_str(x->ext_id, y->ext_id) || !same_str(x->org, y->org) ||
		    x->created != y->created || x->first != y->first || x->count != y->count)
			return false;
	}
	for (size_t i = 0; i < a->nerrors; i++)
		if (!same_str(a->errors[i].ref, b->errors[i].ref) ||
		    !same_str(a->errors[i].reason, b->errors[i].reason))
			return false;
	return true;
}

/* The verdict on the JSON, and the import against jansson's rewriting. */
static void check_against_jansson(const uint8_t *data, size_t size, int rc, const char *err,
				  const oe_import_set *got)
{
	if (nesting(data, size) > OE_JSON_MAX_DEPTH)
		return;
	json_error_t je;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	bool invalid = rc == OE_EINVAL && strncmp(err, "invalid JSON", 12) == 0;
	if (!j != invalid)
		abort();
	if (!j)
		return;
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
	oe_import_set s;
	char err2[256];
	oe_import_set_init(&s);
	if (!text)
		abort();
	int rc2 = oe_stix_parse(text, strlen(text), &opts, &s, err2, sizeof(err2));
	if (rc2 != rc || (rc && strcmp(err, err2) != 0) || (!rc && !same_set(got, &s)))
		abort();
	oe_import_set_free(&s);
	free(text);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	int rc = oe_stix_parse((const char *)data, size, &opts, &s, err, sizeof(err));
	if (rc == 0) {
		for (size_t i = 0; i < s.niocs && i < 8; i++)
			check_roundtrip(&s.iocs[i]);
		for (size_t i = 0; i < s.nevents; i++)
			if (s.events[i].first + s.events[i].count > s.niocs)
				abort();
	}
	check_errors(&s);
	check_against_jansson(data, size, rc, err, &s);
	oe_import_set_free(&s);
	return 0;
}
