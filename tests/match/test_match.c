/* test_match.c - the matcher: exact, cidr longest prefix first, parent
 * domains bounded by the public suffix list, URL hosts, the TLP view,
 * expiry and revocation, delta layers, memory per entry, and snapshots
 * swapped under readers that keep looking. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "match/match.h"

#define A_ORG 1
#define B_ORG 2
#define NOW   ((oe_time)1800000000 * 1000000)

static const oe_viewer owner = {A_ORG, OE_ROLE_ANALYST};
static const oe_viewer other = {B_ORG, OE_ROLE_ANALYST};
static const oe_viewer pub = {0, OE_ROLE_PUBLIC};

static oe_match_assertion as(int64_t org, int tlp)
{
	return (oe_match_assertion){.org_id = org, .tlp = tlp, .confidence = 70};
}

static void add(oe_match_builder *b, oe_itype t, const char *v, oe_match_assertion a)
{
	assert_int_equal(oe_match_builder_add(b, t, v, strlen(v), &a, 1, true), 0);
}

static oe_match_snap *snap_of(oe_match_layer *base, oe_match_layer *delta)
{
	oe_match_snap *s;
	assert_int_equal(oe_match_snap_new(base, delta, &s), 0);
	oe_match_layer_unref(base);
	oe_match_layer_unref(delta);
	return s;
}

static oe_match_layer *finish(oe_match_builder *b)
{
	oe_match_layer *l;
	assert_int_equal(oe_match_builder_finish(b, &l), 0);
	return l;
}

/* Hits of value v (type t) for viewer w, written "how:value,how:value". */
static const char *look(const oe_match_snap *s, oe_viewer w, oe_itype t, const char *v)
{
	static char out[1024];
	oe_match_hit h[OE_MATCH_HITS_MAX];
	oe_match_ctx c = {.snap = s, .viewer = w, .now = NOW};
	size_t n = oe_match_value(&c, t, v, strlen(v), h, OE_MATCH_HITS_MAX);
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, sizeof(out) - k, "%s%s:%.*s", i ? "," : "",
				      oe_match_how_name(h[i].how), (int)h[i].len,
				      oe_match_hit_value(&h[i]));
	return out;
}

static oe_match_snap *sample(void)
{
	oe_match_builder *b;
	assert_int_equal(oe_match_builder_new(false, NOW, &b), 0);
	assert_int_equal(oe_match_builder_org(b, A_ORG, "identity--a", "Org A"), 0);
	add(b, OE_T_IPV4, "198.51.100.7", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_CIDR, "10.0.0.0/8", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_CIDR, "10.1.0.0/16", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_CIDR, "10.1.2.0/24", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_CIDR, "2001:db8::/32", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_IPV6, "2001:db8::1", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_DOMAIN, "evil.co.uk", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_DOMAIN, "co.uk", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_DOMAIN, "blogspot.com", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_DOMAIN, "evil.example", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_DOMAIN, "secret.example", as(A_ORG, OE_TLP_AMBER));
	add(b, OE_T_URL, "http://bad.example/login", as(A_ORG, OE_TLP_CLEAR));
	add(b, OE_T_PHONE, "+6281234567890", as(A_ORG, OE_TLP_GREEN));
	return snap_of(finish(b), NULL);
}

static void exact_and_cidr(void **state)
{
	oe_match_snap *s = sample();
	assert_string_equal(look(s, owner, OE_T_IPV4, "198.51.100.7"), "exact:198.51.100.7");
	assert_string_equal(look(s, owner, OE_T_IPV4, "198.51.100.8"), "");
	assert_string_equal(look(s, owner, OE_T_IPV4, "10.1.2.3"),
			    "cidr:10.1.2.0/24,cidr:10.1.0.0/16,cidr:10.0.0.0/8");
	assert_string_equal(look(s, owner, OE_T_IPV4, "10.9.9.9"), "cidr:10.0.0.0/8");
	assert_string_equal(look(s, owner, OE_T_CIDR, "10.1.2.0/24"),
			    "exact:10.1.2.0/24,cidr:10.1.0.0/16,cidr:10.0.0.0/8");
	assert_string_equal(look(s, owner, OE_T_CIDR, "10.1.2.128/25"),
			    "cidr:10.1.2.0/24,cidr:10.1.0.0/16,cidr:10.0.0.0/8");
	assert_string_equal(look(s, owner, OE_T_IPV6, "2001:db8::1"),
			    "exact:2001:db8::1,cidr:2001:db8::/32");
	assert_string_equal(look(s, owner, OE_T_IPV6, "2001:db8:ffff::9"), "cidr:2001:db8::/32");
	assert_string_equal(look(s, owner, OE_T_IPV6, "2001:db9::1"), "");
	assert_string_equal(look(s, owner, OE_T_PHONE, "+6281234567890"), "exact:+6281234567890");
	oe_match_snap_free(s);
}

static void parent_domains(void **state)
{
	oe_match_snap *s = sample();
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "evil.co.uk"), "exact:evil.co.uk");
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "a.b.evil.co.uk"),
			    "parent-domain:evil.co.uk");
	/* co.uk is stored, but it is a public suffix: never a parent. */
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "other.co.uk"), "");
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "co.uk"), "exact:co.uk");
	/* blogspot.com is a (private) public suffix: its users are not it. */
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "someone.blogspot.com"), "");
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "x.evil.example"),
			    "parent-domain:evil.example");
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "notevil.example"), "");
	oe_match_snap_free(s);
}

static void url_host(void **state)
{
	oe_match_snap *s = sample();
	assert_string_equal(look(s, owner, OE_T_URL, "http://bad.example/login"),
			    "exact:http://bad.example/login");
	assert_string_equal(look(s, owner, OE_T_URL, "https://evil.example/x"),
			    "url-host:evil.example");
	assert_string_equal(look(s, owner, OE_T_URL, "https://www.evil.example/x"),
			    "parent-domain:evil.example");
	assert_string_equal(look(s, owner, OE_T_URL, "http://198.51.100.7/a"),
			    "url-host:198.51.100.7");
	assert_string_equal(look(s, owner, OE_T_URL, "http://10.1.2.3:8080/a"),
			    "cidr:10.1.2.0/24,cidr:10.1.0.0/16,cidr:10.0.0.0/8");
	assert_string_equal(look(s, owner, OE_T_URL, "http://[2001:db8::1]/"),
			    "url-host:2001:db8::1,cidr:2001:db8::/32");
	oe_match_snap_free(s);
}

static void tlp_views(void **state)
{
	oe_match_snap *s = sample();
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "secret.example"), "exact:secret.example");
	assert_string_equal(look(s, other, OE_T_DOMAIN, "secret.example"), "");
	assert_string_equal(look(s, pub, OE_T_DOMAIN, "evil.example"), "");
	assert_string_equal(look(s, pub, OE_T_URL, "http://bad.example/login"),
			    "exact:http://bad.example/login");
	oe_match_snap_free(s);

	/* Two organisations' assertions: each sees its own; a third sees the
	 * widest shared; RED never reaches a peer. */
	oe_match_builder *b;
	assert_int_equal(oe_match_builder_new(false, NOW, &b), 0);
	oe_match_assertion two[] = {as(A_ORG, OE_TLP_RED), as(B_ORG, OE_TLP_GREEN)};
	two[1].confidence = 20;
	assert_int_equal(oe_match_builder_add(b, OE_T_DOMAIN, "shared.example", 14, two, 2, true),
			 0);
	s = snap_of(finish(b), NULL);
	oe_match_hit h[4];
	oe_match_ctx c = {.snap = s, .viewer = owner, .now = NOW};
	assert_int_equal(oe_match_value(&c, OE_T_DOMAIN, "shared.example", 14, h, 4), 1);
	assert_int_equal(h[0].tlp, OE_TLP_RED);
	assert_int_equal(h[0].n_orgs, 2);
	c.viewer = other;
	assert_int_equal(oe_match_value(&c, OE_T_DOMAIN, "shared.example", 14, h, 4), 1);
	assert_int_equal(h[0].tlp, OE_TLP_GREEN);
	assert_int_equal(h[0].confidence, 20);
	assert_int_equal(h[0].n_orgs, 1);
	c.viewer = (oe_viewer){3, OE_ROLE_READER};
	assert_int_equal(oe_match_value(&c, OE_T_DOMAIN, "shared.example", 14, h, 4), 1);
	assert_int_equal(h[0].org_id, B_ORG);
	c.viewer = (oe_viewer){A_ORG, OE_ROLE_PEER};
	assert_int_equal(oe_match_value(&c, OE_T_DOMAIN, "shared.example", 14, h, 4), 1);
	assert_int_equal(h[0].org_id, B_ORG); /* A's RED is not for A's peer key */
	oe_match_snap_free(s);
}

static void expiry_and_revocation(void **state)
{
	oe_match_builder *b;
	assert_int_equal(oe_match_builder_new(false, NOW, &b), 0);
	oe_match_assertion a = as(A_ORG, OE_TLP_GREEN);
	a.valid_until = NOW - 1;
	add(b, OE_T_DOMAIN, "expired.example", a);
	a.valid_until = NOW + 1000;
	add(b, OE_T_DOMAIN, "expiring.example", a);
	a = as(A_ORG, OE_TLP_GREEN);
	a.revoked = true;
	add(b, OE_T_DOMAIN, "revoked.example", a);
	/* The origin revoked, another organisation's assertion still live. */
	oe_match_assertion two[] = {as(A_ORG, OE_TLP_GREEN), as(B_ORG, OE_TLP_GREEN)};
	two[0].revoked = true;
	assert_int_equal(oe_match_builder_add(b, OE_T_DOMAIN, "half.example", 12, two, 2, true), 0);
	oe_match_snap *s = snap_of(finish(b), NULL);
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "expired.example"), "");
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "expiring.example"),
			    "exact:expiring.example");
	oe_match_hit h[2];
	oe_match_ctx c = {.snap = s, .viewer = owner, .now = NOW + 1000};
	assert_int_equal(oe_match_value(&c, OE_T_DOMAIN, "expiring.example", 16, h, 2), 0);
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "revoked.example"), "");
	c.now = NOW;
	assert_int_equal(oe_match_value(&c, OE_T_DOMAIN, "half.example", 12, h, 2), 1);
	assert_int_equal(h[0].org_id, B_ORG);
	oe_match_snap_free(s);
}

static void delta_layers(void **state)
{
	oe_match_builder *b;
	assert_int_equal(oe_match_builder_new(false, NOW, &b), 0);
	add(b, OE_T_DOMAIN, "old.example", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_IPV4, "192.0.2.1", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_CIDR, "192.0.2.0/24", as(A_ORG, OE_TLP_GREEN));
	oe_match_layer *base = finish(b);
	assert_int_equal(oe_match_builder_new(true, NOW, &b), 0);
	oe_match_assertion dead = as(A_ORG, OE_TLP_GREEN);
	dead.revoked = true;
	add(b, OE_T_DOMAIN, "old.example", dead);
	add(b, OE_T_CIDR, "192.0.2.0/24", dead);
	add(b, OE_T_DOMAIN, "new.example", as(A_ORG, OE_TLP_GREEN));
	add(b, OE_T_IPV4, "192.0.2.1", as(A_ORG, OE_TLP_AMBER)); /* PATCHed to AMBER */
	oe_match_layer_ref(base);
	oe_match_snap *s = snap_of(base, finish(b));
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "old.example"), "");
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "www.new.example"),
			    "parent-domain:new.example");
	assert_string_equal(look(s, owner, OE_T_IPV4, "192.0.2.1"), "exact:192.0.2.1");
	assert_string_equal(look(s, other, OE_T_IPV4, "192.0.2.1"), "");
	oe_match_snap_free(s);
	s = snap_of(base, NULL); /* the base alone is untouched */
	assert_string_equal(look(s, other, OE_T_IPV4, "192.0.2.1"),
			    "exact:192.0.2.1,cidr:192.0.2.0/24");
	oe_match_snap_free(s);
}

static void memory_per_entry(void **state)
{
	/* 100,000 addresses and names of one feed: one descriptor. */
	enum { N = 100000 };
	oe_match_builder *b;
	assert_int_equal(oe_match_builder_new(false, NOW, &b), 0);
	char v[64];
	for (int i = 0; i < N; i++) {
		snprintf(v, sizeof(v), "%d.%d.%d.%d", 1 + i % 200, i / 65536 % 256, i / 256 % 256,
			 i % 256);
		add(b, OE_T_IPV4, v, as(A_ORG, OE_TLP_GREEN));
		snprintf(v, sizeof(v), "d%05d.example", i); /* 14 characters */
		add(b, OE_T_DOMAIN, v, as(A_ORG, OE_TLP_GREEN));
	}
	oe_match_snap *s = snap_of(finish(b), NULL);
	oe_match_stats st;
	oe_match_snap_stats(s, &st);
	assert_int_equal(st.entries[OE_T_IPV4], N);
	assert_int_equal(st.entries[OE_T_DOMAIN], N);
	assert_int_equal(st.descriptors, 1);
	print_message("# %.1f bytes per IPv4 entry, %.1f per 14-character domain\n",
		      (double)st.bytes[OE_T_IPV4] / N, (double)st.bytes[OE_T_DOMAIN] / N);
	assert_true(st.bytes[OE_T_IPV4] <= (size_t)16 * N);
	assert_true(st.bytes[OE_T_DOMAIN] <= (size_t)32 * N);
	assert_string_equal(look(s, owner, OE_T_DOMAIN, "d99999.example"), "exact:d99999.example");
	oe_match_snap_free(s);
}

/* ---- swap under readers ------------------------------------------------- */

typedef struct {
	oe_matcher *m;
	atomic_bool stop;
	atomic_long lookups, torn;
} swap_state;

/* Every snapshot holds both values or neither: a reader must never see one
 * without the other. */
static void *reader(void *arg)
{
	swap_state *st = arg;
	oe_match_hit h[4];
	while (!atomic_load(&st->stop)) {
		const oe_match_snap *s = oe_matcher_enter(st->m);
		oe_match_ctx c = {.snap = s, .viewer = owner, .now = NOW};
		size_t a = oe_match_value(&c, OE_T_DOMAIN, "pair-a.example", 14, h, 4);
		size_t b = oe_match_value(&c, OE_T_IPV4, "203.0.113.5", 11, h, 4);
		if (a != b)
			atomic_fetch_add(&st->torn, 1);
		oe_matcher_leave(st->m);
		atomic_fetch_add(&st->lookups, 1);
	}
	return NULL;
}

static void swap_under_readers(void **state)
{
	swap_state st = {0};
	assert_int_equal(oe_matcher_new(&st.m), 0);
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, &st), 0);
	for (int round = 0; round < 200; round++) {
		oe_match_builder *b;
		assert_int_equal(oe_match_builder_new(false, NOW, &b), 0);
		if (round % 2) {
			add(b, OE_T_DOMAIN, "pair-a.example", as(A_ORG, OE_TLP_GREEN));
			add(b, OE_T_IPV4, "203.0.113.5", as(A_ORG, OE_TLP_GREEN));
		}
		char v[32];
		for (int i = 0; i < 1000; i++) {
			snprintf(v, sizeof(v), "filler%d.example", i);
			add(b, OE_T_DOMAIN, v, as(A_ORG, OE_TLP_GREEN));
		}
		oe_matcher_publish(st.m, snap_of(finish(b), NULL));
	}
	atomic_store(&st.stop, true);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	print_message("# %ld lookups during 200 swaps\n", (long)atomic_load(&st.lookups));
	assert_int_equal(atomic_load(&st.torn), 0);
	assert_true(atomic_load(&st.lookups) > 0);
	assert_int_equal(oe_matcher_generation(st.m), 200);
	oe_matcher_free(st.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exact_and_cidr),
	    cmocka_unit_test(parent_domains),
	    cmocka_unit_test(url_host),
	    cmocka_unit_test(tlp_views),
	    cmocka_unit_test(expiry_and_revocation),
	    cmocka_unit_test(delta_layers),
	    cmocka_unit_test(memory_per_entry),
	    cmocka_unit_test(swap_under_readers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
