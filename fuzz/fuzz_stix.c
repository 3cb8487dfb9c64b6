/* fuzz_stix.c - a STIX bundle from a peer or an upload: parse it, then
 * export every indicator it yielded and parse that back, which must give
 * the same type and value (the exporter and the parser agree on paths and
 * escaping for anything the parser can produce). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	if (oe_stix_parse((const char *)data, size, &opts, &s, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < s.niocs && i < 8; i++)
			check_roundtrip(&s.iocs[i]);
		for (size_t i = 0; i < s.nevents; i++)
			if (s.events[i].first + s.events[i].count > s.niocs)
				abort();
	}
	check_errors(&s);
	oe_import_set_free(&s);
	return 0;
}
