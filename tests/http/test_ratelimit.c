/* test_ratelimit.c - the public channel's in-memory token buckets: a burst
 * of `limit`, refill over the window, Retry-After, separate kinds and
 * keys, looking without taking, and a full table that forgets rather than
 * locks out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include "http/ratelimit.h"

#define S 1000000LL /* µs per second */

static void burst_then_refill(void **state)
{
	oe_ratelimit *rl = oe_ratelimit_new();
	assert_non_null(rl);
	oe_time t = 1000 * S;
	for (int i = 0; i < 5; i++)
		assert_int_equal(oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t, true), 0);
	/* Empty: one token comes back every 12 s. */
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t, true), 12);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t + 6 * S, true), 6);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t + 12 * S, true), 0);
	assert_true(oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t + 12 * S, true) > 0);
	/* A long pause refills up to the limit, not beyond. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(
		    oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t + 3600 * S, true), 0);
	assert_true(oe_ratelimit_take(rl, OE_RL_REQUEST, "a", 1, 5, 60, t + 3600 * S, true) > 0);
	oe_ratelimit_free(rl);
}

static void kinds_and_keys_apart(void **state)
{
	oe_ratelimit *rl = oe_ratelimit_new();
	oe_time t = 50 * S;
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_REPORT, "10.0.0.1", 8, 1, 3600, t, true), 0);
	assert_true(oe_ratelimit_take(rl, OE_RL_REPORT, "10.0.0.1", 8, 1, 3600, t, true) > 0);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_REPORT, "10.0.0.2", 8, 1, 3600, t, true), 0);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_REQUEST, "10.0.0.1", 8, 1, 3600, t, true), 0);
	oe_ratelimit_free(rl);
}

static void look_without_taking(void **state)
{
	oe_ratelimit *rl = oe_ratelimit_new();
	oe_time t = 7 * S;
	for (int i = 0; i < 10; i++)
		assert_int_equal(
		    oe_ratelimit_take(rl, OE_RL_RECEIPT_ADDR, "k", 1, 2, 3600, t, false), 0);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_RECEIPT_ADDR, "k", 1, 2, 3600, t, true), 0);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_RECEIPT_ADDR, "k", 1, 2, 3600, t, true), 0);
	assert_int_equal(oe_ratelimit_take(rl, OE_RL_RECEIPT_ADDR, "k", 1, 2, 3600, t, false),
			 1800);
	oe_ratelimit_free(rl);
}

static void no_limit(void **state)
{
	oe_ratelimit *rl = oe_ratelimit_new();
	for (int i = 0; i < 1000; i++)
		assert_int_equal(oe_ratelimit_take(rl, OE_RL_REQUEST, "x", 1, 0, 60, i, true), 0);
	assert_int_equal(oe_ratelimit_take(NULL, OE_RL_REQUEST, "x", 1, 1, 60, 0, true), 0);
	oe_ratelimit_free(rl);
	oe_ratelimit_free(NULL);
}

/* Far more keys than slots: the table forgets the oldest buckets, so a
 * key may get a fresh bucket, but no key is ever refused while it has
 * tokens. */
static void full_table_forgets(void **state)
{
	oe_ratelimit *rl = oe_ratelimit_new();
	oe_time t = 100 * S;
	char k[32];
	for (int i = 0; i < 200000; i++) {
		int n = snprintf(k, sizeof(k), "addr-%d", i);
		assert_int_equal(
		    oe_ratelimit_take(rl, OE_RL_REQUEST, k, (size_t)n, 3, 60, t + i, true), 0);
	}
	oe_ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(burst_then_refill),   cmocka_unit_test(kinds_and_keys_apart),
	    cmocka_unit_test(look_without_taking), cmocka_unit_test(no_limit),
	    cmocka_unit_test(full_table_forgets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
