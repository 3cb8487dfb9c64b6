/* test_common.c - timestamps: parsing what STIX and MISP send, formatting
 * what we send back, and refusing what is almost a date. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/common.h"

static void parse_format(void **state)
{
	struct {
		const char *in, *out;
	} ok[] = {
	    {"2026-11-22T00:24:29Z", "2026-11-22T00:24:29.000Z"},
	    {"2026-11-22T00:24:29.123Z", "2026-11-22T00:24:29.123Z"},
	    {"2026-11-22T00:24:29.123456789Z", "2026-11-22T00:24:29.123Z"},
	    {"2026-11-22T07:24:29+07:00", "2026-11-22T00:24:29.000Z"},
	    {"2024-02-29", "2024-02-29T00:00:00.000Z"},
	    {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"},
	    {"2014-05-08 09:00:00+00:00", "2014-05-08T09:00:00.000Z"},
	    {"1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.500Z"},
	    {"1900-03-01T00:00:00Z", "1900-03-01T00:00:00.000Z"},
	    {"2000-02-29T12:34:56Z", "2000-02-29T12:34:56.000Z"},
	    {"2100-12-31T23:59:59Z", "2100-12-31T23:59:59.000Z"},
	    {"2026-03-01T00:00:00+14:00", "2026-02-28T10:00:00.000Z"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		oe_time t;
		char buf[OE_TIME_BUF];
		if (oe_time_parse(ok[i].in, &t) != 0)
			fail_msg("refused %s", ok[i].in);
		oe_time_format(t, buf);
		assert_string_equal(buf, ok[i].out);
	}
	oe_time t;
	char buf[OE_TIME_BUF];
	assert_int_equal(oe_time_parse("2026-11-22T00:24:29.000001Z", &t), 0);
	oe_time_format_us(t, buf);
	assert_string_equal(buf, "2026-11-22T00:24:29.000001Z");
}

static void refuse(void **state)
{
	const char *bad[] = {"",
			     "2026",
			     "2026-13-01",
			     "2023-02-29",
			     "2026-11-22T25:00:00Z",
			     "2026-11-22T00:00:00",
			     "2026-11-22T00:00:00.Z",
			     "2026-11-22x",
			     "2026-11-22T00:00:00Zjunk",
			     "20261122"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		oe_time t;
		if (oe_time_parse(bad[i], &t) != OE_EINVAL)
			fail_msg("accepted %s", bad[i]);
	}
}

static void durations(void **state)
{
	struct {
		const char *in;
		oe_time us; /* -1: refused */
	} t[] = {
	    {"30d", (oe_time)30 * 86400 * 1000000},
	    {"12h", (oe_time)12 * 3600 * 1000000},
	    {"90m", (oe_time)90 * 60 * 1000000},
	    {"5s", 5000000},
	    {"2w", (oe_time)14 * 86400 * 1000000},
	    {"0d", 0},
	    {"36600d", (oe_time)36600 * 86400 * 1000000},
	    {"36601d", -1},
	    {"99999999999999999999s", -1},
	    {"30", -1},
	    {"d", -1},
	    {"", -1},
	    {"30dd", -1},
	    {"-1d", -1},
	    {"1.5d", -1},
	    {"30D", -1},
	    {" 30d", -1},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		oe_time got = -1;
		int rc = oe_duration_parse(t[i].in, &got);
		if (t[i].us < 0 ? rc == 0 : rc != 0 || got != t[i].us)
			fail_msg("%s: rc %d, %lld us; want %lld", t[i].in, rc, (long long)got,
				 (long long)t[i].us);
	}
	assert_int_equal(oe_duration_parse(NULL, &(oe_time){0}), OE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse_format),
	    cmocka_unit_test(refuse),
	    cmocka_unit_test(durations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
