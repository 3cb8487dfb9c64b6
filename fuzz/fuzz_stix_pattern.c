/* fuzz_stix_pattern.c - the STIX pattern parser alone: any term it accepts,
 * formatted back into a pattern, parses to that same single term. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/stix.h"

static const oe_canon_opts opts = {"ID"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oe_stix_terms t = {0};
	char why[256];
	if (oe_stix_pattern_parse((const char *)data, size, &opts, &t, why, sizeof(why)) != 0) {
		if (t.n != 0 || !why[0])
			abort(); /* a refusal leaves nothing behind and says why */
		return 0;
	}
	if (t.n == 0 || t.n > OE_STIX_OR_MAX)
		abort();
	for (size_t i = 0; i < t.n; i++) {
		char pat[2 * OE_VALUE_MAX + 64];
		if (oe_stix_pattern_format(t.v[i].type, t.v[i].value, pat, sizeof(pat)))
			abort();
		oe_stix_terms u = {0};
		if (oe_stix_pattern_parse(pat, strlen(pat), &opts, &u, why, sizeof(why)) != 0 ||
		    u.n != 1 || u.v[0].type != t.v[i].type ||
		    strcmp(u.v[0].value, t.v[i].value) != 0)
			abort();
		oe_stix_terms_free(&u);
	}
	oe_stix_terms_free(&t);
	return 0;
}
