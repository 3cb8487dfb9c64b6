/* bench_match.c - what one lookup costs on its own, and what an entry
 * costs in memory, with N addresses and N names of ~14 characters in the
 * snapshot. Run by bench/run.sh; prints one JSON line.
 *   bench_match [N]    (default 1000000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/indicator.h"
#include "match/match.h"

#define QUERIES 2000000

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	if (n < 1 || n > 50000000)
		return 2;
	oe_time now = oe_now();
	oe_match_builder *b;
	if (oe_match_builder_new(false, now, &b))
		return 1;
	oe_match_builder_org(b, 1, "identity--bench", "Bench");
	oe_match_assertion a = {.org_id = 1, .tlp = OE_TLP_GREEN, .confidence = 80};
	char v[64];
	oe_time t0 = oe_now();
	for (long i = 0; i < n; i++) {
		uint32_t ip = (uint32_t)(i * 2654435761u) | 0x01000000u;
		int k = snprintf(v, sizeof(v), "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255,
				 ip >> 8 & 255, ip & 255);
		oe_match_builder_add(b, OE_T_IPV4, v, (size_t)k, &a, 1, true);
		k = snprintf(v, sizeof(v), "d%07ld.example", i % 10000000);
		oe_match_builder_add(b, OE_T_DOMAIN, v, (size_t)k, &a, 1, true);
	}
	oe_match_layer *l;
	if (oe_match_builder_finish(b, &l))
		return 1;
	oe_time built = oe_now();
	oe_match_snap *s;
	oe_match_snap_new(l, NULL, &s);
	oe_match_layer_unref(l);
	oe_match_stats st;
	oe_match_snap_stats(s, &st);

	/* Lookups as the API does them: detect and canonicalise the typed
	 * value, then match it under a viewer. Half hit, half miss; addresses
	 * and names alternate. */
	char(*q)[64] = malloc((size_t)QUERIES * sizeof(*q));
	if (!q)
		return 1;
	for (long i = 0; i < QUERIES; i++) {
		long j = (i * 7919) % n;
		uint32_t ip = (uint32_t)(j * 2654435761u) | 0x01000000u;
		if (i % 2)
			snprintf(q[i], 64, "%s%07ld.example", i % 4 == 1 ? "d" : "x", j % 10000000);
		else
			snprintf(q[i], 64, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255,
				 (ip & 255) ^ (i % 4 == 2 ? 0 : 0));
	}
	oe_match_ctx c = {.snap = s, .viewer = {1, OE_ROLE_READER}, .now = now};
	oe_match_hit hits[OE_MATCH_HITS_MAX];
	size_t found = 0;
	char canon[OE_VALUE_MAX + 1];
	oe_time l0 = oe_now();
	for (long i = 0; i < QUERIES; i++) {
		oe_itype t;
		const char *why;
		if (oe_detect(q[i], strlen(q[i]), NULL, &t, canon, sizeof(canon), &why))
			continue;
		found += oe_match_value(&c, t, canon, strlen(canon), hits, OE_MATCH_HITS_MAX) > 0;
	}
	oe_time l1 = oe_now();
	/* The matcher alone, on values already canonical. */
	oe_time m0 = oe_now();
	size_t found2 = 0;
	for (long i = 0; i < QUERIES; i++)
		found2 += oe_match_value(&c, i % 2 ? OE_T_DOMAIN : OE_T_IPV4, q[i], strlen(q[i]),
					 hits, OE_MATCH_HITS_MAX) > 0;
	oe_time m1 = oe_now();
	printf(
	    "{\"entries\":%zu,\"build_s\":%.3f,\"bytes_per_ipv4\":%.1f,\"bytes_per_domain\":%.1f,"
	    "\"lookup_ns\":%.0f,\"match_only_ns\":%.0f,\"hit_share\":%.2f,\"hits_match_only\":%zu}"
	    "\n",
	    st.total, (double)(built - t0) / 1e6,
	    (double)st.bytes[OE_T_IPV4] / (double)st.entries[OE_T_IPV4],
	    (double)st.bytes[OE_T_DOMAIN] / (double)st.entries[OE_T_DOMAIN],
	    (double)(l1 - l0) * 1000.0 / QUERIES, (double)(m1 - m0) * 1000.0 / QUERIES,
	    (double)found / QUERIES, found2);
	free(q);
	oe_match_snap_free(s);
	return 0;
}
