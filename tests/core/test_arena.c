/* test_arena.c - the arena's array grower: room for one more element,
 * contents kept across growth, and a refusal when the size overflows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/common.h"

static void grow_keeps_contents(void **state)
{
	(void)state;
	oe_arena a = OE_ARENA_INIT;
	int *v = NULL;
	size_t n = 0, cap = 0;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(oe_arena_grow(&a, (void **)&v, n, &cap, sizeof(*v)), 0);
		assert_true(n < cap);
		v[n++] = i;
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	assert_int_equal(cap, 1024);
	oe_arena_clear(&a);
}

static void grow_only_when_full(void **state)
{
	(void)state;
	oe_arena a = OE_ARENA_INIT;
	int *v = NULL;
	size_t cap = 0;
	assert_int_equal(oe_arena_grow(&a, (void **)&v, 0, &cap, sizeof(*v)), 0);
	assert_int_equal(cap, 16);
	int *first = v;
	assert_int_equal(oe_arena_grow(&a, (void **)&v, 15, &cap, sizeof(*v)), 0);
	assert_ptr_equal(v, first);
	assert_int_equal(cap, 16);
	oe_arena_clear(&a);
}

static void grow_refuses_overflow(void **state)
{
	(void)state;
	oe_arena a = OE_ARENA_INIT;
	void *v = NULL;
	size_t cap = SIZE_MAX / 4;
	assert_int_equal(oe_arena_grow(&a, &v, cap, &cap, 4), OE_ENOMEM);
	assert_null(v);
	oe_arena_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(grow_keeps_contents),
	    cmocka_unit_test(grow_only_when_full),
	    cmocka_unit_test(grow_refuses_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
