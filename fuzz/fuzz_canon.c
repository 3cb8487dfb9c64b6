/* fuzz_canon.c - the indicator canonicalisers and oe_detect on outside
 * bytes. The first byte picks the type (byte % OE_T__COUNT; 0 means detect
 * only) and, from its high bits, the default phone region; the rest is the
 * value, handed over unterminated so that ASan sees any read past it.
 *
 * Beyond "does not crash", it checks the contract every caller relies on:
 * an accepted value comes back NUL-terminated, printable ASCII (UTF-8 only
 * in an email's local part), within OE_VALUE_MAX, with a reason on every
 * refusal, and canonicalising a canonical value gives it back unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/indicator.h"

static const char *const regions[] = {"ID", "CN", "MY", "SG", "TH", "VN", "PH", NULL};

static void fail(const char *what, oe_itype t, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_canon: %s (type %s): [%s] -> [%s]\n", what, oe_itype_name(t), a,
		b ? b : "");
	abort();
}

static void check_output(oe_itype t, const char *out, const oe_canon_opts *o)
{
	size_t n = strnlen(out, OE_VALUE_MAX + 1);
	if (n == 0 || n > OE_VALUE_MAX)
		fail("empty or overlong canonical value", t, out, NULL);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if (c <= 0x20 || c == 0x7f || (c >= 0x80 && t != OE_T_EMAIL))
			fail("canonical value has a space, control or non-ASCII byte", t, out,
			     NULL);
	}
	char again[OE_VALUE_MAX + 1];
	const char *why = NULL;
	if (oe_canon(t, out, n, o, again, sizeof(again), &why) != 0)
		fail(why ? why : "canonical value refused", t, out, NULL);
	if (strcmp(again, out) != 0)
		fail("canonical form is not a fixed point", t, out, again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	oe_itype t = (oe_itype)(data[0] % OE_T__COUNT);
	oe_canon_opts o = {regions[(data[0] / OE_T__COUNT) % OE_ARRAY_SIZE(regions)]};
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	char out[OE_VALUE_MAX + 1];
	const char *why = NULL;

	if (t != OE_T_NONE) {
		int rc = oe_canon(t, in, n, &o, out, sizeof(out), &why);
		if (rc == 0)
			check_output(t, out, &o);
		else if (!why || !why[0])
			fail("refusal without a reason", t, "", NULL);
	}

	oe_itype dt = OE_T_NONE;
	why = NULL;
	int rc = oe_detect(in, n, &o, &dt, out, sizeof(out), &why);
	if (rc == 0) {
		if (dt == OE_T_NONE)
			fail("detected, but no type", dt, out, NULL);
		check_output(dt, out, &o);
	} else if (!why || !why[0]) {
		fail("detect refusal without a reason", dt, "", NULL);
	}

	/* A small output buffer must be refused, not overrun. */
	char small[8];
	oe_canon(t ? t : OE_T_DOMAIN, in, n, &o, small, sizeof(small), &why);
	return 0;
}
