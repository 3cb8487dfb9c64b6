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
	    cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
