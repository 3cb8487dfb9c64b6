/* fuzz_csv.c - block lists from outside: the first byte picks the reader
 * (CSV, or plain text with a fixed or detected type), the rest is the
 * list. What the CSV reader accepts, the CSV writer writes and the reader
 * reads back identically. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/csv.h"

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

static void roundtrip(const oe_import_set *s)
{
	oe_buf b = OE_BUF_INIT;
	oe_csv_header(&b);
	for (size_t i = 0; i < s->niocs; i++) {
		const oe_ioc *c = &s->iocs[i];
		oe_indicator_view v = {
		    .type = c->type,
		    .value = c->value,
		    .tlp = c->tlp < 0 ? 0 : c->tlp,
		    .confidence = c->confidence,
		    .description = c->description,
		    .tags = (const char *const *)c->tags,
		    .ntags = c->ntags,
		    .first_seen = c->first_seen,
		    .last_seen = c->last_seen,
		    .valid_until = c->valid_until,
		    .revoked = c->revoked,
		};
		oe_csv_write_row(&b, &v);
	}
	if (oe_buf_error(&b))
		abort();
	oe_import_set r;
	char err[256];
	oe_import_set_init(&r);
	if (oe_csv_parse(b.data, b.len, &opts, &r, err, sizeof(err)) != 0 || r.niocs != s->niocs)
		abort();
	for (size_t i = 0; i < r.niocs; i++) {
		const oe_ioc *x = &s->iocs[i], *y = &r.iocs[i];
		if (x->type != y->type || strcmp(x->value, y->value) != 0 ||
		    x->confidence != y->confidence || x->valid_until != y->valid_until ||
		    (x->description == NULL) != (y->description == NULL) ||
		    (x->description && strcmp(x->description, y->description) != 0))
			abort();
	}
	oe_import_set_free(&r);
	oe_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	const char *p = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] < 128) {
		if (oe_csv_parse(p, n, &opts, &s, err, sizeof(err)) == 0 && s.niocs <= 64)
			roundtrip(&s);
	} else {
		oe_text_parse(p, n, (oe_itype)(data[0] % OE_T__COUNT), &opts, &s);
	}
	check_errors(&s);
	oe_import_set_free(&s);
	return 0;
}
