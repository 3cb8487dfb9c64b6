/* test_totp.c - RFC 6238 appendix B vectors (SHA-1, last 6 of the 8
 * digits), the window of one step either side, and base32. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/totp.h"

static const uint8_t secret[] = "12345678901234567890";

static void rfc6238_vectors(void **state)
{
	static const struct {
		int64_t t;
		const char *code;
	} v[] = {{59, "287082"},	 {1111111109, "081804"}, {1111111111, "050471"},
		 {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[OE_TOTP_DIGITS + 1];
		assert_int_equal(oe_totp_code(secret, 20, v[i].t, out), 0);
		assert_string_equal(out, v[i].code);
		int64_t step = -1;
		assert_int_equal(oe_totp_check(secret, 20, v[i].t, v[i].code, &step), 0);
		assert_int_equal(step, v[i].t / 30);
	}
}

static void window(void **state)
{
	int64_t step;
	/* 287082 is step 1 (t 30..59): good at steps 0, 1 and 2. */
	assert_int_equal(oe_totp_check(secret, 20, 10, "287082", &step), 0);
	assert_int_equal(step, 1);
	assert_int_equal(oe_totp_check(secret, 20, 89, "287082", &step), 0);
	assert_int_equal(step, 1);
	assert_int_equal(oe_totp_check(secret, 20, 90, "287082", &step), OE_EINVAL);
	assert_int_equal(oe_totp_check(secret, 20, 1000, "287082", &step), OE_EINVAL);
}

static void malformed(void **state)
{
	int64_t step;
	assert_int_equal(oe_totp_check(secret, 20, 59, "28708", &step), OE_EINVAL);
	assert_int_equal(oe_totp_check(secret, 20, 59, "2870821", &step), OE_EINVAL);
	assert_int_equal(oe_totp_check(secret, 20, 59, "28708a", &step), OE_EINVAL);
	assert_int_equal(oe_totp_check(secret, 20, 59, "", &step), OE_EINVAL);
	assert_int_equal(oe_totp_check(secret, 20, 59, NULL, &step), OE_EINVAL);
}

static void base32(void **state)
{
	char b[OE_TOTP_B32_LEN];
	assert_int_equal(oe_totp_base32(secret, 20, b, sizeof(b)), 0);
	assert_string_equal(b, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(oe_totp_base32((const uint8_t *)"f", 1, b, sizeof(b)), 0);
	assert_string_equal(b, "MY"); /* no padding */
	assert_int_equal(oe_totp_base32(secret, 20, b, 10), OE_ETOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rfc6238_vectors),
	    cmocka_unit_test(window),
	    cmocka_unit_test(malformed),
	    cmocka_unit_test(base32),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
