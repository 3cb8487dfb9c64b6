/* fuzz_taxii_query.c - the TAXII 2.1 query-string parser and the media-type
 * checks alone (core/taxii_query.h): whatever the bytes, a query is either
 * refused with a reason or accepted within every limit the header states. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/taxii_query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static oe_taxii_query q; /* 14 KB: not on the stack */
	const char *why = NULL;
	oe_taxii_query_init(&q);
	int ret = oe_taxii_query_parse((const char *)data, size, &q, &why);
	if (ret) {
		if (ret != OE_EINVAL || !why)
			abort(); /* a refusal says why */
	} else {
		if (q.limit < 1 || q.limit > OE_TAXII_LIMIT_MAX || q.nids > OE_TAXII_MATCH_MAX ||
		    q.nversions > OE_TAXII_MATCH_MAX)
			abort();
		if ((q.version_kw & OE_TAXII_V_ALL) &&
		    (q.nversions || q.version_kw != OE_TAXII_V_ALL))
			abort(); /* "all" stands alone */
		if (q.has_next && (!q.next[0] || strlen(q.next) > OE_TAXII_NEXT_MAX))
			abort();
		for (size_t i = 0; i < q.nids; i++) {
			const char *dd = strstr(q.ids[i], "--");
			if (!dd || strlen(dd + 2) != 36 || !oe_taxii_query_id_ok(&q, q.ids[i]))
				abort();
		}
		for (size_t i = 0; i < q.nversions; i++)
			if (!oe_taxii_query_version_ok(&q, q.versions[i]))
				abort();
	}
	/* The same bytes as header values. */
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)oe_taxii_content_type_ok(s);
	(void)oe_taxii_accept_ok(s);
	free(s);
	return 0;
}
