/* test_config.c - durations in the configuration table: a bare number is
 * seconds, units s m h d w, bounds per key, and clear refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "service/config.h"

static void durations(void **state)
{
	struct {
		const char *key, *v;
		int ok;
		int64_t secs;
	} cases[] = {
	    {"reports.retention", "90", 1, 90},
	    {"reports.retention", "90s", 1, 90},
	    {"reports.retention", "2h", 1, 7200},
	    {"reports.retention", "3d", 1, 3 * 86400},
	    {"reports.retention", "1w", 1, 7 * 86400},
	    {"reports.retention", "0", 1, 0}, /* forever */
	    {"reports.retention", "abc", 0, 0},
	    {"reports.retention", "5x", 0, 0},
	    {"reports.retention", "", 0, 0},
	    {"reports.retention", "-1d", 0, 0},
	    {"reports.sweep_interval", "0s", 0, 0}, /* below its minimum of 1 s */
	    {"reports.sweep_interval", "2d", 0, 0}, /* above its maximum of 1 d */
	    {"deadlines.infrastructure_attack", "4h", 1, 4 * 3600},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		oe_config c;
		char err[256] = "";
		oe_config_defaults(&c);
		int rc = oe_config_set(&c, cases[i].key, cases[i].v, err, sizeof(err));
		if (cases[i].ok != (rc == 0))
			fail_msg("%s=%s: rc %d (%s)", cases[i].key, cases[i].v, rc, err);
		if (!cases[i].ok) {
			assert_non_null(strstr(err, "is not a duration"));
			continue;
		}
		int64_t got = !strcmp(cases[i].key, "reports.retention")	? c.retention
			      : !strcmp(cases[i].key, "reports.sweep_interval") ? c.sweep_interval
										: c.deadline[7];
		assert_int_equal(got, cases[i].secs);
	}
}

static void defaults(void **state)
{
	oe_config c;
	oe_config_defaults(&c);
	assert_int_equal(c.retention, 365 * 86400);
	assert_int_equal(c.sweep_interval, 60);
	assert_int_equal(c.deadline[7], 4 * 3600);  /* infrastructure attack */
	assert_int_equal(c.deadline[1], 24 * 3600); /* online scam */
	assert_int_equal(c.deadline[0], 72 * 3600); /* phishing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(durations),
	    cmocka_unit_test(defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
