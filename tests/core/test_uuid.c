/* test_uuid.c - UUID v5 against RFC 4122 / Python's uuid vectors, v4 form,
 * parsing, and the arena. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/uuid.h"

static void v5_vectors(void **state)
{
	oe_uuid dns, u;
	char s[OE_UUID_STR];
	assert_int_equal(oe_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", &dns), 0);
	oe_uuid_v5(&dns, "python.org", 10, &u);
	oe_uuid_format(&u, s);
	assert_string_equal(s, "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	/* A name long enough to cross SHA-1's 64-byte block boundary. */
	oe_uuid_v5(&dns, "a-very-long-name-that-crosses-the-sixty-four-byte-boundary.example.org",
		   70, &u);
	oe_uuid_format(&u, s);
	assert_string_equal(s, "c1991771-ef1b-58c0-b24c-466bc2c1dd57");
}

static void v4_and_parse(void **state)
{
	oe_uuid a, b;
	char s[OE_UUID_STR];
	oe_uuid_v4(&a);
	oe_uuid_v4(&b);
	assert_memory_not_equal(a.b, b.b, 16);
	oe_uuid_format(&a, s);
	assert_int_equal(s[14], '4');
	assert_true(strchr("89ab", s[19]) != NULL);
	oe_uuid c;
	assert_int_equal(oe_uuid_parse(s, &c), 0);
	assert_memory_equal(a.b, c.b, 16);
	assert_int_equal(oe_uuid_parse("886313E1-3B8A-5372-9B90-0C9AEE199E5D", &c), 0);
	assert_int_equal(oe_uuid_parse("886313e1-3b8a-5372-9b90-0c9aee199e5", &c), -1);
	assert_int_equal(oe_uuid_parse("886313e1-3b8a-5372-9b90-0c9aee199e5dd", &c), -1);
	assert_int_equal(oe_uuid_parse("886313e1x3b8a-5372-9b90-0c9aee199e5d", &c), -1);
	assert_int_equal(oe_uuid_parse("g86313e1-3b8a-5372-9b90-0c9aee199e5d", &c), -1);
}

static void arena(void **state)
{
	oe_arena a = OE_ARENA_INIT;
	char *p = oe_arena_strdup(&a, "hello");
	assert_string_equal(p, "hello");
	void *big = oe_arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 1, 100000);
	char *q = oe_arena_printf(&a, "%d-%s", 42, "x");
	assert_string_equal(q, "42-x");
	assert_null(oe_arena_strdup(&a, NULL));
	assert_string_equal(p, "hello");
	oe_arena_clear(&a);
	oe_arena_clear(&a);
	oe_arena_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(v5_vectors),
	    cmocka_unit_test(v4_and_parse),
	    cmocka_unit_test(arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
