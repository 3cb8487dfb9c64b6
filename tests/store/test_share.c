/* test_share.c - what a pull from a peer writes through the store
 * (store.h, "what a pull from a peer writes"): the origin's versions
 * replacing older ones and never newer ones, organisations learnt from
 * peers, and a partner's operator bound to its real identity, absorbing a
 * remote organisation learnt under it earlier. A real database in a temp
 * dir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tlp.h"
#include "store/store.h"
#include "store/tmpstore.h"

#define ME    "identity--00000000-0000-4000-8000-000000000001"
#define PEER  "identity--00000000-0000-4000-8000-0000000000aa"
#define REAL  "identity--00000000-0000-4000-8000-0000000000bb"
#define OTHER "identity--00000000-0000-4000-8000-0000000000cc"

typedef struct {
	char dir[64];
	oe_store *s;
	oe_arena a;
	int64_t me, peer_org, peer;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f || tmpstore_open("share", f->dir, &f->s))
		return -1;
	const oe_store_ops *o = f->s->ops;
	if (o->org_create(f->s, "Me", "ID", ME, &f->me) ||
	    o->org_create(f->s, "CN-CAC", "ZZ", PEER, &f->peer_org) ||
	    o->share->peer_create(f->s, "CN-CAC", f->peer_org, 1, &f->peer))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	oe_arena_clear(&f->a);
	int ret = tmpstore_close(f->dir, f->s);
	free(f);
	return ret;
}

static oe_ioc version(const char *value, oe_time modified, int tlp, int confidence, bool revoked,
		      char **tags, size_t ntags)
{
	oe_ioc c = {0};
	c.type = OE_T_DOMAIN;
	c.value = (char *)value;
	c.tlp = tlp;
	c.confidence = confidence;
	c.modified = modified;
	c.revoked = revoked;
	c.tags = tags;
	c.ntags = ntags;
	c.via_peer = 1;
	return c;
}

static oe_upsert_outcome put(fx *f, const oe_ioc *c, int64_t org, int64_t *id)
{
	oe_upsert_outcome o;
	assert_int_equal(f->s->ops->share->assertion_put(f->s, c, org, 1000, id, &o), 0);
	return o;
}

static void versions(void **state)
{
	fx *f = *state;
	int64_t id, id2;
	char *t1[] = {"a", "b"}, *t2[] = {"c"};
	oe_ioc v1 = version("x.example", 5000, OE_TLP_GREEN, 50, false, t1, 2);
	assert_int_equal(put(f, &v1, f->peer_org, &id), OE_UPSERT_CREATED);
	assert_int_equal(put(f, &v1, f->peer_org, &id2), OE_UPSERT_UNCHANGED);
	assert_int_equal(id, id2);
	/* An older version changes nothing, not even its TLP. */
	oe_ioc old = version("x.example", 4000, OE_TLP_CLEAR, 10, false, NULL, 0);
	assert_int_equal(put(f, &old, f->peer_org, &id2), OE_UPSERT_UNCHANGED);
	/* A newer one replaces everything, the marking widened included (the
	 * origin decides), and its tags. */
	oe_ioc v2 = version("x.example", 6000, OE_TLP_CLEAR, 90, false, t2, 1);
	assert_int_equal(put(f, &v2, f->peer_org, &id2), OE_UPSERT_UPDATED);
	oe_indicator_row r;
	assert_int_equal(f->s->ops->indicator_get(f->s, id, NULL, &f->a, &r), 0);
	assert_int_equal(r.org_id, f->peer_org);
	assert_int_equal(r.v.tlp, OE_TLP_CLEAR);
	assert_int_equal(r.v.confidence, 90);
	assert_int_equal(r.v.modified, 6000);
	assert_int_equal(r.v.created, 1000);
	assert_int_equal(r.via_peer, 1);
	assert_int_equal(r.v.ntags, 1);
	assert_string_equal(r.v.tags[0], "c");
	/* At the same time, a revocation wins; the same again is unchanged. */
	oe_ioc rv = version("x.example", 6000, OE_TLP_CLEAR, 90, true, t2, 1);
	assert_int_equal(put(f, &rv, f->peer_org, &id2), OE_UPSERT_UPDATED);
	assert_int_equal(put(f, &rv, f->peer_org, &id2), OE_UPSERT_UNCHANGED);
	assert_int_equal(put(f, &v2, f->peer_org, &id2), OE_UPSERT_UNCHANGED);
	assert_int_equal(f->s->ops->indicator_get(f->s, id, NULL, &f->a, &r), 0);
	assert_true(r.v.revoked);

	/* A second organisation's assertion of the same value: its own row,
	 * the same rules. */
	int64_t other;
	assert_int_equal(
	    f->s->ops->share->org_remote_create(f->s, OTHER, "Bank", "CN", f->peer, 1, &other), 0);
	oe_ioc b1 = version("x.example", 7000, OE_TLP_GREEN, 40, false, t1, 1);
	assert_int_equal(put(f, &b1, other, &id2), OE_UPSERT_CREATED);
	assert_int_equal(id2, id);
	oe_ioc b0 = version("x.example", 6500, OE_TLP_RED, 1, false, NULL, 0);
	assert_int_equal(put(f, &b0, other, &id2), OE_UPSERT_UNCHANGED);
	oe_ioc b2 = version("x.example", 7500, OE_TLP_AMBER, 45, false, NULL, 0);
	b2.group_id = 7;
	assert_int_equal(put(f, &b2, other, &id2), OE_UPSERT_UPDATED);
	assert_int_equal(f->s->ops->indicator_get(f->s, id, NULL, &f->a, &r), 0);
	assert_int_equal(r.nothers, 1);
	assert_int_equal(r.others[0].org_id, other);
	assert_int_equal(r.others[0].tlp, OE_TLP_AMBER);
	assert_int_equal(r.others[0].modified, 7500);
	assert_int_equal(r.others[0].group_id, 7);
	assert_int_equal(r.others[0].ntags, 0);
	assert_true(r.v.revoked); /* the origin's stays as it was */
}

static void orgs(void **state)
{
	fx *f = *state;
	const oe_share_store_ops *sh = f->s->ops->share;
	int64_t id, r1, r2, r3;
	int kind;
	assert_int_equal(sh->org_find(f->s, ME, &id, &kind), 0);
	assert_int_equal(kind, OE_ORG_LOCAL);
	assert_int_equal(sh->org_find(f->s, PEER, &id, &kind), 0);
	assert_int_equal(kind, OE_ORG_PEER);
	assert_int_equal(sh->org_find(f->s, OTHER, &id, &kind), OE_ENOTFOUND);
	/* A remote organisation named like one of ours is told apart. */
	assert_int_equal(sh->org_remote_create(f->s, OTHER, "Me", "CN", f->peer, 1, &r1), 0);
	assert_int_equal(sh->org_find(f->s, OTHER, &id, &kind), 0);
	assert_int_equal(kind, OE_ORG_REMOTE);
	assert_int_equal(id, r1);
	oe_org o;
	assert_int_equal(f->s->ops->org_get(f->s, r1, NULL, &f->a, &o), 0);
	assert_string_equal(o.name, "Me (CN-CAC)");
	assert_int_equal(sh->org_remote_create(f->s,
					       "identity--00000000-0000-4000-8000-0000000000dd",
					       "Me", "CN", f->peer, 1, &r2),
			 0);
	assert_int_equal(f->s->ops->org_get(f->s, r2, NULL, &f->a, &o), 0);
	assert_string_equal(o.name, "Me (identity--00000000-0000-4000-8000-0000000000dd)");
	/* The same identity twice is a conflict, not a second row. */
	assert_int_equal(sh->org_remote_create(f->s, OTHER, "Again", "CN", f->peer, 1, &r3),
			 OE_ECONFLICT);
}

static void rebind(void **state)
{
	fx *f = *state;
	const oe_share_store_ops *sh = f->s->ops->share;
	int64_t remote, id, gid;
	int kind;
	/* The partner's real identity was learnt through another partner
	 * first: a remote organisation with an assertion, tags and a group. */
	assert_int_equal(
	    sh->org_remote_create(f->s, REAL, "CN (via MY)", "CN", f->peer, 1, &remote), 0);
	char *tags[] = {"t"};
	oe_ioc v = version("y.example", 5000, OE_TLP_GREEN, 50, false, tags, 1);
	assert_int_equal(put(f, &v, remote, &id), OE_UPSERT_CREATED);
	assert_int_equal(sh->group_create(f->s, "g", remote, f->peer, 1, &gid), 0);
	assert_int_equal(sh->member_add(f->s, gid, remote, 0), 0);
	assert_int_equal(sh->member_add(f->s, gid, f->me, 0), 0);

	/* Neither our own identity nor another partner's may be taken. */
	assert_int_equal(sh->org_rebind(f->s, f->peer_org, ME, NULL), OE_ECONFLICT);
	assert_int_equal(sh->org_rebind(f->s, f->peer_org, REAL, "CN"), 0);
	assert_int_equal(sh->org_find(f->s, REAL, &id, &kind), 0);
	assert_int_equal(id, f->peer_org);
	assert_int_equal(kind, OE_ORG_PEER);
	oe_org o;
	assert_int_equal(f->s->ops->org_get(f->s, remote, NULL, &f->a, &o), OE_ENOTFOUND);
	assert_int_equal(f->s->ops->org_get(f->s, f->peer_org, NULL, &f->a, &o), 0);
	assert_string_equal(o.country, "CN");
	assert_string_equal(o.name, "CN-CAC");
	oe_uuid u;
	oe_indicator_uuid(OE_T_DOMAIN, "y.example", &u);
	oe_indicator_row r;
	assert_int_equal(f->s->ops->indicator_get(f->s, 0, &u, &f->a, &r), 0);
	assert_int_equal(r.org_id, f->peer_org);
	assert_int_equal(r.v.ntags, 1);
	oe_group_row g;
	assert_int_equal(sh->group_get(f->s, gid, NULL, 0, &f->a, &g), 0);
	assert_int_equal(g.owner_org, f->peer_org);
	oe_group_member *m;
	size_t n;
	assert_int_equal(sh->members(f->s, gid, &f->a, &m, &n), 0);
	assert_int_equal(n, 2);
	/* A rewritten group: cleared, then named again. */
	assert_int_equal(sh->member_clear(f->s, gid), 0);
	assert_int_equal(sh->members(f->s, gid, &f->a, &m, &n), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(orgs, setup, teardown),
	    cmocka_unit_test_setup_teardown(rebind, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
