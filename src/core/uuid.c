/* uuid.c - UUID v4/v5 (see uuid.h). SHA-1 for v5 is a small local
 * implementation: libsodium has no SHA-1, and RFC 4122 requires it. */
#include "uuid.h"

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

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

/* SHA-1 of two concatenated pieces. */
static void sha1_2(const void *a, size_t na, const void *b, size_t nb, uint8_t out[20])
{
	uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
	uint8_t blk[64];
	size_t fill = 0;
	uint64_t total = (uint64_t)(na + nb) * 8;
	const uint8_t *parts[2] = {a, b};
	size_t lens[2] = {na, nb};
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lens[k]; i++) {
			blk[fill++] = parts[k][i];
			if (fill == 64) {
				sha1_block(h, blk);
				fill = 0;
			}
		}
	blk[fill++] = 0x80;
	if (fill > 56) {
		memset(blk + fill, 0, 64 - fill);
		sha1_block(h, blk);
		fill = 0;
	}
	memset(blk + fill, 0, 56 - fill);
	for (int i = 0; i < 8; i++)
		blk[56 + i] = (uint8_t)(total >> (56 - 8 * i));
	sha1_block(h, blk);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

void oe_uuid_v5(const oe_uuid *ns, const void *name, size_t len, oe_uuid *u)
{
	uint8_t d[20];
	sha1_2(ns->b, 16, name, len, d);
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
