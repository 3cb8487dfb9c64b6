/* test_tlp.c - the visibility rule as a complete matrix: every TLP level
 * against every kind of viewer, plus names and marking ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/tlp.h"

#define OWNER 7

static void matrix(void **state)
{
	struct {
		const char *who;
		oe_viewer v;
		bool see[5]; /* clear green amber amber+strict red */
	} rows[] = {
	    {"public", {0, OE_ROLE_PUBLIC}, {1, 0, 0, 0, 0}},
	    {"owner reader", {OWNER, OE_ROLE_READER}, {1, 1, 1, 1, 1}},
	    {"owner analyst", {OWNER, OE_ROLE_ANALYST}, {1, 1, 1, 1, 1}},
	    {"owner admin", {OWNER, OE_ROLE_ADMIN}, {1, 1, 1, 1, 1}},
	    {"other org reader", {8, OE_ROLE_READER}, {1, 1, 0, 0, 0}},
	    {"other org analyst", {8, OE_ROLE_ANALYST}, {1, 1, 0, 0, 0}},
	    {"other org admin", {8, OE_ROLE_ADMIN}, {1, 1, 0, 0, 0}},
	    {"peer", {9, OE_ROLE_PEER}, {1, 1, 0, 0, 0}},
	    {"peer that is the owner", {OWNER, OE_ROLE_PEER}, {1, 1, 1, 1, 0}},
	    {"org 0 claims a role", {0, OE_ROLE_ADMIN}, {1, 0, 0, 0, 0}},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (int t = OE_TLP_CLEAR; t <= OE_TLP_RED; t++) {
			bool got = oe_may_see(&rows[r].v, (oe_tlp)t, OWNER);
			if (got != rows[r].see[t])
				fail_msg("%s / tlp %s: got %d, want %d", rows[r].who,
					 oe_tlp_name(t), got, rows[r].see[t]);
		}
	oe_viewer v = {OWNER, OE_ROLE_ADMIN};
	assert_false(oe_may_see(&v, (oe_tlp)9, OWNER));
}

/* The same matrix for an object scoped to sharing group G: every TLP
 * against owners, members by organisation, peers named as nodes, peers
 * whose organisation is named, and outsiders. */
#define G 5

static oe_viewer viewer(int64_t org, oe_role role, int64_t org_group, int64_t peer_group)
{
	oe_viewer v = {.org_id = org, .role = role};
	if (org_group) {
		v.groups[0] = 3; /* another group first: membership is a set */
		v.groups[1] = org_group;
		v.ngroups = 2;
	}
	if (peer_group) {
		v.peer_groups[0] = peer_group;
		v.npeer_groups = 1;
	}
	return v;
}

static void group_matrix(void **state)
{
	struct {
		const char *who;
		oe_viewer v;
		bool see[5]; /* clear green amber amber+strict red */
	} rows[] = {
	    {"public", viewer(0, OE_ROLE_PUBLIC, 0, 0), {1, 0, 0, 0, 0}},
	    {"owner analyst", viewer(OWNER, OE_ROLE_ANALYST, 0, 0), {1, 1, 1, 1, 1}},
	    {"member org reader", viewer(8, OE_ROLE_READER, G, 0), {1, 1, 1, 1, 0}},
	    {"member org analyst", viewer(8, OE_ROLE_ANALYST, G, 0), {1, 1, 1, 1, 0}},
	    {"outsider org admin", viewer(9, OE_ROLE_ADMIN, 0, 0), {1, 1, 0, 0, 0}},
	    {"org in another group", viewer(9, OE_ROLE_ADMIN, G + 1, 0), {1, 1, 0, 0, 0}},
	    {"peer named as a node", viewer(10, OE_ROLE_PEER, 0, G), {1, 1, 1, 0, 0}},
	    {"peer whose org is named", viewer(10, OE_ROLE_PEER, G, 0), {1, 1, 1, 1, 0}},
	    {"peer not named", viewer(11, OE_ROLE_PEER, 0, G + 1), {1, 1, 0, 0, 0}},
	    {"peer of the owner org", viewer(OWNER, OE_ROLE_PEER, 0, 0), {1, 1, 1, 1, 0}},
	    {"local key whose peer slot names G",
	     viewer(12, OE_ROLE_ANALYST, 0, G),
	     {1, 1, 0, 0, 0}},
	    {"org 0 claims membership", viewer(0, OE_ROLE_ADMIN, G, G), {1, 0, 0, 0, 0}},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		for (int t = OE_TLP_CLEAR; t <= OE_TLP_RED; t++) {
			bool got = oe_may_see_in(&rows[r].v, (oe_tlp)t, OWNER, G);
			if (got != rows[r].see[t])
				fail_msg("%s / tlp %s in group: got %d, want %d", rows[r].who,
					 oe_tlp_name(t), got, rows[r].see[t]);
			/* Without a group, membership counts for nothing. */
			bool plain = oe_may_see(&rows[r].v, (oe_tlp)t, OWNER);
			bool want = t <= OE_TLP_GREEN
					? rows[r].see[t]
					: rows[r].v.org_id == OWNER &&
					      (t != OE_TLP_RED || rows[r].v.role != OE_ROLE_PEER);
			if (plain != want)
				fail_msg("%s / tlp %s, no group: got %d, want %d", rows[r].who,
					 oe_tlp_name(t), plain, want);
		}
	/* A count past the array is clamped, never read beyond it. */
	oe_viewer v = viewer(8, OE_ROLE_ANALYST, 0, 0);
	v.ngroups = 255;
	v.groups[OE_VIEWER_GROUPS_MAX - 1] = G;
	for (int i = 0; i < OE_VIEWER_GROUPS_MAX - 1; i++)
		v.groups[i] = i - 100;
	assert_true(oe_may_see_in(&v, OE_TLP_AMBER, OWNER, G));
}

static void names(void **state)
{
	assert_int_equal(oe_tlp_parse("amber+strict"), OE_TLP_AMBER_STRICT);
	assert_int_equal(oe_tlp_parse("TLP:RED"), OE_TLP_RED);
	assert_int_equal(oe_tlp_parse("white"), OE_TLP_CLEAR);
	assert_int_equal(oe_tlp_parse("amber-strict"), -1);
	assert_int_equal(oe_tlp_parse(""), -1);
	for (int t = 0; t <= OE_TLP_RED; t++) {
		assert_int_equal(oe_tlp_parse(oe_tlp_name(t)), t);
		assert_int_equal(oe_tlp_from_marking_id(oe_tlp_marking_id(t)), t);
	}
	assert_int_equal(
	    oe_tlp_from_marking_id("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
	    OE_TLP_CLEAR);
	assert_int_equal(
	    oe_tlp_from_marking_id("marking-definition--00000000-0000-4000-8000-000000000000"), -1);
	assert_int_equal(oe_role_parse("peer"), OE_ROLE_PEER);
	assert_int_equal(oe_role_parse("public"), -1);
	assert_int_equal(oe_role_parse("root"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(matrix),
	    cmocka_unit_test(group_matrix),
	    cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
