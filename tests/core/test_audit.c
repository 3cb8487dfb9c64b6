/* test_audit.c - the audit log's hash chain: stable, sensitive to every
 * field and to the previous hash, with field boundaries kept. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "core/audit.h"

static void hex(const uint8_t h[32], char out[65])
{
	sodium_bin2hex(out, 65, h, 32);
}

static void every_field_counts(void **state)
{
	uint8_t z[32] = {0}, a[32], b[32];
	oe_audit_hash(z, 1000, "user:a", "session.signin", "user:a", NULL, a);
	oe_audit_hash(z, 1000, "user:a", "session.signin", "user:a", NULL, b);
	assert_memory_equal(a, b, 32);
	oe_audit_hash(z, 1001, "user:a", "session.signin", "user:a", NULL, b);
	assert_memory_not_equal(a, b, 32);
	oe_audit_hash(z, 1000, "user:b", "session.signin", "user:a", NULL, b);
	assert_memory_not_equal(a, b, 32);
	oe_audit_hash(z, 1000, "user:a", "session.signout", "user:a", NULL, b);
	assert_memory_not_equal(a, b, 32);
	oe_audit_hash(z, 1000, "user:a", "session.signin", "user:b", NULL, b);
	assert_memory_not_equal(a, b, 32);
	oe_audit_hash(z, 1000, "user:a", "session.signin", "user:a", "x", b);
	assert_memory_not_equal(a, b, 32);
	/* NULL and empty texts are one and the same. */
	oe_audit_hash(z, 1000, "user:a", "session.signin", "user:a", "", b);
	assert_memory_equal(a, b, 32);
}

static void chained(void **state)
{
	uint8_t z[32] = {0}, one[32], p[32], a[32], b[32];
	memset(one, 1, sizeof(one));
	oe_audit_hash(z, 5, "cli", "x", NULL, NULL, a);
	oe_audit_hash(one, 5, "cli", "x", NULL, NULL, b);
	assert_memory_not_equal(a, b, 32);
	/* Moving bytes across a field boundary changes the hash. */
	oe_audit_hash(z, 5, "ab", "c", NULL, NULL, p);
	oe_audit_hash(z, 5, "a", "bc", NULL, NULL, b);
	assert_memory_not_equal(p, b, 32);
}

static void stable(void **state)
{
	/* Stored logs must keep verifying: this value may never change. It
	 * is BLAKE2b-256 of 32 zero bytes, the time big-endian, and the four
	 * texts each with its NUL. */
	uint8_t z[32] = {0}, h[32], want[32];
	char got[65];
	crypto_generichash_state g;
	const uint8_t ts[8] = {0, 0, 0, 0, 0, 0, 0x03, 0xe8};
	crypto_generichash_init(&g, NULL, 0, 32);
	crypto_generichash_update(&g, z, 32);
	crypto_generichash_update(&g, ts, 8);
	crypto_generichash_update(&g, (const uint8_t *)"init\0node.init\0o\0d", 19);
	crypto_generichash_final(&g, want, 32);
	oe_audit_hash(z, 1000, "init", "node.init", "o", "d", h);
	hex(h, got);
	char w[65];
	hex(want, w);
	assert_string_equal(got, w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_field_counts),
	    cmocka_unit_test(chained),
	    cmocka_unit_test(stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
