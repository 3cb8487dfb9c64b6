/* uuid.c - UUID v4/v5 (see uuid.h). SHA-1 for v5 is nettle's (libsodium
 * has none, and RFC 4122 requires it): on CPUs with SHA instructions it is
 * some six times faster than a portable one, and an import hashes every
 * value at least once (its uuid) and every shared one twice (its STIX id). */
#include "uuid.h"

#include <nettle/sha1.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* uuid5(NAMESPACE_URL, "https://oureyes.invalid/ns/indicator") written out,
 * fixed forever: changing it would change every indicator id. */
const oe_uuid oe_uuid_ns_indicator = {{0x6b, 0x1f, 0x3c, 0x52, 0x94, 0x0e, 0x5a, 0x7d, 0x8e, 0x21,
				       0x4d, 0x0c, 0x3a, 0x77, 0x9b, 0x15}};

void oe_uuid_v4(oe_uuid *u)
{
	randombytes_buf(u->b, 16);
	u->b[6] = (u->b[6] & 0x0f) | 0x40;
	u->b[8] = (u->b[8] & 0x3f) | 0x80;
}

void oe_uuid_v5(const oe_uuid *ns, const void *name, size_t len, oe_uuid *u)
{
	uint8_t d[SHA1_DIGEST_SIZE];
	struct sha1_ctx c;
	sha1_init(&c);
	sha1_update(&c, sizeof(ns->b), ns->b);
	sha1_update(&c, len, name);
	sha1_digest(&c, sizeof(d), d);
	memcpy(u->b, d, 16);
	u->b[6] = (u->b[6] & 0x0f) | 0x50;
	u->b[8] = (u->b[8] & 0x3f) | 0x80;
}

void oe_uuid_format(const oe_uuid *u, char out[OE_UUID_STR])
{
	static const char hex[] = "0123456789abcdef";
	int j = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[u->b[i] >> 4];
		out[j++] = hex[u->b[i] & 15];
	}
	out[j] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int oe_uuid_parse(const char *s, oe_uuid *u)
{
	int j = 0;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			continue;
		}
		int hi = hexval(s[i]);
		if (hi < 0)
			return -1;
		int lo = hexval(s[++i]);
		if (lo < 0)
			return -1;
		u->b[j++] = (uint8_t)(hi << 4 | lo);
	}
	return s[36] == '\0' ? 0 : -1;
}
