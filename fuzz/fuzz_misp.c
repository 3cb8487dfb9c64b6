/* fuzz_misp.c - a MISP event from a feed or an upload: parse it, and check
 * that the event it yields spans only indicators that exist. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/misp.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oe_import_set s;
	char err[256];
	oe_import_set_init(&s);
	int rc = oe_misp_parse_event((const char *)data, size, &opts, &s, err, sizeof(err));
	if (rc == 0 && (s.nevents != 1 || s.events[0].first + s.events[0].count != s.niocs))
		abort();
	for (size_t i = 0; i < s.niocs; i++)
		if (!s.iocs[i].value || s.iocs[i].type <= OE_T_NONE ||
		    s.iocs[i].type >= OE_T__COUNT)
			abort();
	check_errors(&s);
	oe_import_set_free(&s);
	return 0;
}
