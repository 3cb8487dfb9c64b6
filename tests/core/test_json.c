/* test_json.c - bounded parsing (depth wall, UTF-8, duplicates) and the
 * string writer that must always produce valid JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/json.h"

static void parse_limits(void **state)
{
	json_t *j;
	char err[256];
	char deep[OE_JSON_MAX_DEPTH + 2];
	memset(deep, '[', sizeof(deep));
	assert_int_equal(oe_json_parse(deep, sizeof(deep), &j, err, sizeof(err)), OE_ETOOBIG);
	assert_non_null(strstr(err, "deeper than 64"));
	/* Brackets inside strings do not count. */
	const char *ok =
	    "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
	assert_int_equal(oe_json_parse(ok, strlen(ok), &j, err, sizeof(err)), 0);
	json_decref(j);
	assert_int_equal(oe_json_parse("{\"a\":1,\"a\":2}", 13, &j, err, sizeof(err)), OE_EINVAL);
	assert_non_null(strstr(err, "duplicate"));
	assert_int_equal(oe_json_parse("\"\xff\"", 3, &j, err, sizeof(err)), OE_EINVAL);
	assert_non_null(strstr(err, "UTF-8"));
	assert_int_equal(oe_json_parse("\"a\\u0000b\"", 10, &j, err, sizeof(err)), OE_EINVAL);
	assert_int_equal(oe_json_parse("", 0, &j, err, sizeof(err)), OE_EINVAL);
}

static void write_str(void **state)
{
	struct {
		const char *in, *out;
	} cases[] = {
	    {"plain", "\"plain\""},
	    {"q\"b\\s", "\"q\\\"b\\\\s\""},
	    {"nl\n\t\r\x01\x1f", "\"nl\\n\\t\\r\\u0001\\u001f\""},
	    {"B\xc3\xbc"
	     "cher \xe4\xb8\xad",
	     "\"B\xc3\xbc"
	     "cher \xe4\xb8\xad\""},
	    {"bad\xff"
	     "x",
	     "\"bad\xef\xbf\xbd"
	     "x\""},
	    {"trunc\xe4\xb8", "\"trunc\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"overlong\xc0\xaf", "\"overlong\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"surrogate\xed\xa0\x80", "\"surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
	    {"", "\"\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		oe_buf b = OE_BUF_INIT;
		oe_json_write_str(&b, cases[i].in);
		assert_int_equal(oe_buf_error(&b), 0);
		assert_string_equal(b.data, cases[i].out);
		/* Whatever went in, jansson accepts what came out. */
		json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		json_decref(j);
		oe_buf_free(&b);
	}
	oe_buf b = OE_BUF_INIT;
	oe_json_write_str(&b, NULL);
	assert_string_equal(b.data, "null");
	oe_buf_free(&b);
}

static void utf8_checks(void **state)
{
	struct {
		const char *s;
		size_t n;
		bool valid, printable;
	} cases[] = {
	    {"plain", 5, true, true},
	    {"Bank Central Asia \xe4\xb8\xad", 21, true, true},
	    {"tab\there", 8, true, false},
	    {"del\x7f", 4, true, false},
	    {"c1\xc2\x85", 4, true, false},
	    {"overlong\xc0\xaf", 10, false, false},
	    {"surrogate\xed\xa0\x80", 12, false, false},
	    {"truncated\xe4\xb8", 11, false, false},
	    {"bad\xff", 4, false, false},
	    {"above\xf4\x90\x80\x80", 9, false, false},
	    {"", 0, true, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (oe_utf8_valid(cases[i].s, cases[i].n) != cases[i].valid)
			fail_msg("case %zu: valid should be %d", i, cases[i].valid);
		if (oe_utf8_printable(cases[i].s, cases[i].n) != cases[i].printable)
			fail_msg("case %zu: printable should be %d", i, cases[i].printable);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_limits),
	    cmocka_unit_test(write_str),
	    cmocka_unit_test(utf8_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
