/* wallet.c - crypto-currency address validation (see wallet.h for the
 * canonical forms).
 *
 * Everything works on fixed stack buffers: the longest address is
 * OE_WALLET_MAX bytes, and no decoder writes more than WALLET_BYTES_MAX
 * bytes. SHA-256 comes from libsodium; Keccak is here because no library in
 * our dependencies has the pre-FIPS padding Ethereum and Monero use. */
#include "wallet.h"

#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "common.h"

/* Bytes any decoder below may produce: Monero integrated addresses are 77. */
#define WALLET_BYTES_MAX 96

static const char *const chain_names[OE_CHAIN__COUNT] = {
    [OE_CHAIN_NONE] = "none",
    [OE_CHAIN_BITCOIN] = "bitcoin",
    [OE_CHAIN_BITCOIN_TESTNET] = "bitcoin-testnet",
    [OE_CHAIN_BITCOIN_CASH] = "bitcoin-cash",
    [OE_CHAIN_LITECOIN] = "litecoin",
    [OE_CHAIN_DOGECOIN] = "dogecoin",
    [OE_CHAIN_DASH] = "dash",
    [OE_CHAIN_ZCASH] = "zcash",
    [OE_CHAIN_ETHEREUM] = "ethereum",
    [OE_CHAIN_TRON] = "tron",
    [OE_CHAIN_XRP] = "xrp",
    [OE_CHAIN_MONERO] = "monero",
};

const char *oe_chain_name(oe_chain c)
{
	return (unsigned)c < OE_CHAIN__COUNT ? chain_names[c] : "none";
}

/* ---- Keccak-f[1600] and the two sponges built on it ------------------ */

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
/* rho rotation amounts and pi lane order, walking the lanes from (1,0). */
static const uint8_t keccak_rot[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
				       27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
static const uint8_t keccak_pi[24] = {10, 7,  11, 17, 18, 3, 5,	 16, 8,	 21, 24, 4,
				      15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,	 1};

static uint64_t rotl64(uint64_t x, unsigned n)
{
	return (x << n) | (x >> (64 - n));
}

static void keccak_f1600(uint64_t st[25])
{
	uint64_t bc[5], t;
	for (int r = 0; r < 24; r++) {
		for (int i = 0; i < 5; i++) /* theta */
			bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
		for (int i = 0; i < 5; i++) {
			t = bc[(i + 4) % 5] ^ rotl64(bc[(i + 1) % 5], 1);
			for (int j = 0; j < 25; j += 5)
				st[j + i] ^= t;
		}
		t = st[1]; /* rho and pi */
		for (int i = 0; i < 24; i++) {
			int j = keccak_pi[i];
			bc[0] = st[j];
			st[j] = rotl64(t, keccak_rot[i]);
			t = bc[0];
		}
		for (int j = 0; j < 25; j += 5) { /* chi */
			for (int i = 0; i < 5; i++)
				bc[i] = st[j + i];
			for (int i = 0; i < 5; i++)
				st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
		}
		st[0] ^= keccak_rc[r]; /* iota */
	}
}

/* A 256-bit sponge (rate 136 bytes) with domain padding byte pad: 0x01 for
 * Keccak, 0x06 for SHA3. Lanes are little-endian, whatever the host. */
static void sponge256(const uint8_t *in, size_t len, uint8_t pad, uint8_t out[32])
{
	enum { RATE = 136 };
	uint64_t st[25] = {0};
	size_t pos = 0;
	for (size_t i = 0; i < len; i++) {
		st[pos / 8] ^= (uint64_t)in[i] << (8 * (pos % 8));
		if (++pos == RATE) {
			keccak_f1600(st);
			pos = 0;
		}
	}
	st[pos / 8] ^= (uint64_t)pad << (8 * (pos % 8));
	st[(RATE - 1) / 8] ^= (uint64_t)0x80 << (8 * ((RATE - 1) % 8));
	keccak_f1600(st);
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}

void oe_keccak256(const void *in, size_t len, uint8_t out[32])
{
	sponge256(in, len, 0x01, out);
}

void oe_sha3_256(const void *in, size_t len, uint8_t out[32])
{
	sponge256(in, len, 0x06, out);
}

/* ---- base58 ------------------------------------------------------------ */

static const char b58_bitcoin[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
static const char b58_ripple[] = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";

static int b58_value(const char *alphabet, char c)
{
	if (c == '\0')
		return -1;
	const char *p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

/* Decode n base58 characters into out (big-endian, leading zero bytes for
 * leading alphabet[0] characters). Returns the byte count, -1 on a
 * character outside the alphabet, -2 when longer than cap. */
static int b58_decode(const char *s, size_t n, const char *alphabet, uint8_t *out, size_t cap)
{
	uint8_t num[WALLET_BYTES_MAX]; /* little-endian big number */
	size_t used = 0, zeros = 0;
	while (zeros < n && s[zeros] == alphabet[0])
		zeros++;
	for (size_t i = zeros; i < n; i++) {
		int v = b58_value(alphabet, s[i]);
		if (v < 0)
			return -1;
		uint32_t carry = (uint32_t)v;
		for (size_t j = 0; j < used; j++) {
			carry += (uint32_t)num[j] * 58;
			num[j] = (uint8_t)carry;
			carry >>= 8;
		}
		while (carry) {
			if (used == sizeof(num))
				return -2;
			num[used++] = (uint8_t)carry;
			carry >>= 8;
		}
	}
	if (zeros + used > cap)
		return -2;
	memset(out, 0, zeros);
	for (size_t j = 0; j < used; j++)
		out[zeros + j] = num[used - 1 - j];
	return (int)(zeros + used);
}

static bool sha256d_check(const uint8_t *b, size_t n)
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, b, n - 4);
	crypto_hash_sha256(h, h, sizeof(h));
	return memcmp(h, b + n - 4, 4) == 0;
}

static int copy_out(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	if (n + 1 > cap) {
		*why = "output buffer is too small";
		return OE_ETOOBIG;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Bitcoin-alphabet base58check: P2PKH and P2SH of the Bitcoin family,
 * Tron, Zcash transparent addresses. */
static int base58check(const char *s, size_t n, char *out, size_t cap, oe_chain *chain,
		       const char **why)
{
	static const struct {
		uint8_t version;
		oe_chain chain;
	} versions[] = {
	    {0x00, OE_CHAIN_BITCOIN},
	    {0x05, OE_CHAIN_BITCOIN}, /* legacy Litecoin 3.. too */
	    {0x6f, OE_CHAIN_BITCOIN_TESTNET},
	    {0xc4, OE_CHAIN_BITCOIN_TESTNET},
	    {0x30, OE_CHAIN_LITECOIN},
	    {0x32, OE_CHAIN_LITECOIN},
	    {0x1e, OE_CHAIN_DOGECOIN},
	    {0x16, OE_CHAIN_DOGECOIN},
	    {0x4c, OE_CHAIN_DASH},
	    {0x10, OE_CHAIN_DASH},
	    {0x41, OE_CHAIN_TRON},
	};
	uint8_t b[WALLET_BYTES_MAX];
	int m = b58_decode(s, n, b58_bitcoin, b, 40);
	if (m == -1) {
		*why = "wallet address has a character outside the base58 alphabet";
		return OE_EINVAL;
	}
	if (m != 25 && m != 26) {
		*why = "base58 wallet address has the wrong length";
		return OE_EINVAL;
	}
	if (!sha256d_check(b, (size_t)m)) {
		*why = "wallet address checksum does not match (base58check)";
		return OE_EINVAL;
	}
	oe_chain c = OE_CHAIN_NONE;
	if (m == 25) {
		for (size_t i = 0; i < OE_ARRAY_SIZE(versions); i++)
			if (versions[i].version == b[0])
				c = versions[i].chain;
	} else if (b[0] == 0x1c && (b[1] == 0xb8 || b[1] == 0xbd)) {
		c = OE_CHAIN_ZCASH;
	}
	if (c == OE_CHAIN_NONE) {
		*why = "base58 wallet address has an unknown version byte";
		return OE_EINVAL;
	}
	*chain = c;
	return copy_out(s, n, out, cap, why);
}

static int xrp(const char *s, size_t n, char *out, size_t cap, oe_chain *chain, const char **why)
{
	uint8_t b[WALLET_BYTES_MAX];
	int m = b58_decode(s, n, b58_ripple, b, 40);
	if (m != 25 || b[0] != 0x00) {
		*why = "not a valid XRP address";
		return OE_EINVAL;
	}
	if (!sha256d_check(b, 25)) {
		*why = "wallet address checksum does not match (XRP)";
		return OE_EINVAL;
	}
	*chain = OE_CHAIN_XRP;
	return copy_out(s, n, out, cap, why);
}

/* Monero: base58 in 8-byte blocks of 11 characters, the last block
 * shorter; a Keccak-256 checksum. */
static int monero(const char *s, size_t n, char *out, size_t cap, oe_chain *chain, const char **why)
{
	/* Characters needed for a block of i bytes. */
	static const uint8_t block_chars[9] = {0, 2, 3, 5, 6, 7, 9, 10, 11};
	uint8_t b[WALLET_BYTES_MAX];
	size_t m = 0;
	for (size_t pos = 0; pos < n;) {
		size_t k = n - pos < 11 ? n - pos : 11;
		int bytes = -1;
		for (int i = 1; i <= 8; i++)
			if (block_chars[i] == k)
				bytes = i;
		if (bytes < 0 || m + (size_t)bytes > sizeof(b))
			goto bad;
		uint64_t num = 0;
		for (size_t i = 0; i < k; i++) {
			int v = b58_value(b58_bitcoin, s[pos + i]);
			if (v < 0 || __builtin_mul_overflow(num, 58, &num) ||
			    __builtin_add_overflow(num, (uint64_t)v, &num))
				goto bad;
		}
		if (bytes < 8 && num >> (8 * bytes))
			goto bad;
		for (int i = bytes - 1; i >= 0; i--) {
			b[m + (size_t)i] = (uint8_t)num;
			num >>= 8;
		}
		m += (size_t)bytes;
		pos += k;
	}
	/* network byte 18: standard, 19: integrated (+8 byte payment id),
	 * 42: subaddress; then two 32-byte keys and a 4-byte checksum. */
	if (!((m == 69 && (b[0] == 18 || b[0] == 42)) || (m == 77 && b[0] == 19)))
		goto bad;
	uint8_t h[32];
	oe_keccak256(b, m - 4, h);
	if (memcmp(h, b + m - 4, 4) != 0) {
		*why = "wallet address checksum does not match (Monero)";
		return OE_EINVAL;
	}
	*chain = OE_CHAIN_MONERO;
	return copy_out(s, n, out, cap, why);
bad:
	*why = "not a valid Monero address";
	return OE_EINVAL;
}

/* ---- bech32 / bech32m / CashAddr ---------------------------------------- */

static const char b32_chars[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int b32_value(char c)
{
	const char *p = c ? strchr(b32_chars, lower(c)) : NULL;
	return p ? (int)(p - b32_chars) : -1;
}

static uint32_t bech32_step(uint32_t pre)
{
	uint8_t b = (uint8_t)(pre >> 25);
	return ((pre & 0x1FFFFFF) << 5) ^ (-((b >> 0) & 1) & 0x3b6a57b2UL) ^
	       (-((b >> 1) & 1) & 0x26508e6dUL) ^ (-((b >> 2) & 1) & 0x1ea119faUL) ^
	       (-((b >> 3) & 1) & 0x3d4233ddUL) ^ (-((b >> 4) & 1) & 0x2a1462b3UL);
}

#define BECH32_CONST  1u
#define BECH32M_CONST 0x2bc830a3u

/* Regroup n values of from bits into to bits (BIP-173 convertbits, no
 * padding on decode). Returns the count, or -1. */
static int regroup(const uint8_t *in, size_t n, int from, int to, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << from) | in[i];
		bits += from;
		while (bits >= to) {
			bits -= to;
			if (m == cap)
				return -1;
			out[m++] = (uint8_t)((acc >> bits) & ((1u << to) - 1));
		}
	}
	if (bits >= from || ((acc << (to - bits)) & ((1u << to) - 1)))
		return -1;
	return (int)m;
}

/* Does s hold both cases? Checked over ASCII letters only. */
static bool mixed_case(const char *s, size_t n)
{
	bool up = false, lo = false;
	for (size_t i = 0; i < n; i++) {
		up |= s[i] >= 'A' && s[i] <= 'Z';
		lo |= s[i] >= 'a' && s[i] <= 'z';
	}
	return up && lo;
}

static int segwit(const char *s, size_t n, size_t hrplen, oe_chain c, char *out, size_t cap,
		  oe_chain *chain, const char **why)
{
	if (n > 90) {
		*why = "bech32 address is longer than 90 characters";
		return OE_EINVAL;
	}
	if (mixed_case(s, n)) {
		*why = "bech32 address mixes upper and lower case";
		return OE_EINVAL;
	}
	uint8_t v[90];
	size_t nv = 0;
	uint32_t chk = 1;
	for (size_t i = 0; i < hrplen; i++)
		chk = bech32_step(chk) ^ ((unsigned char)lower(s[i]) >> 5);
	chk = bech32_step(chk);
	for (size_t i = 0; i < hrplen; i++)
		chk = bech32_step(chk) ^ ((unsigned char)lower(s[i]) & 0x1f);
	for (size_t i = hrplen + 1; i < n; i++) {
		int x = b32_value(s[i]);
		if (x < 0) {
			*why = "bech32 address has a character outside the bech32 alphabet";
			return OE_EINVAL;
		}
		v[nv++] = (uint8_t)x;
		chk = bech32_step(chk) ^ (uint32_t)x;
	}
	if (nv < 7) {
		*why = "bech32 address is too short";
		return OE_EINVAL;
	}
	if (chk != BECH32_CONST && chk != BECH32M_CONST) {
		*why = "wallet address checksum does not match (bech32)";
		return OE_EINVAL;
	}
	uint8_t prog[64];
	int np = regroup(v + 1, nv - 7, 5, 8, prog, sizeof(prog));
	unsigned wver = v[0];
	if (np < 2 || np > 40 || wver > 16 || (wver == 0 && np != 20 && np != 32)) {
		*why = "segwit address has an invalid witness program";
		return OE_EINVAL;
	}
	if ((wver == 0) != (chk == BECH32_CONST)) {
		*why = "segwit address uses the wrong checksum variant (BIP-350)";
		return OE_EINVAL;
	}
	if (n + 1 > cap) {
		*why = "output buffer is too small";
		return OE_ETOOBIG;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = lower(s[i]);
	out[n] = '\0';
	*chain = c;
	return 0;
}

static uint64_t cashaddr_step(uint64_t c, uint8_t d)
{
	uint8_t c0 = (uint8_t)(c >> 35);
	c = ((c & 0x07ffffffffULL) << 5) ^ d;
	if (c0 & 0x01)
		c ^= 0x98f2bc8e61ULL;
	if (c0 & 0x02)
		c ^= 0x79b76d99e2ULL;
	if (c0 & 0x04)
		c ^= 0xf33e5fb3c4ULL;
	if (c0 & 0x08)
		c ^= 0xae2eabe2a8ULL;
	if (c0 & 0x10)
		c ^= 0x1e4f43e470ULL;
	return c;
}

static const char cashaddr_prefix[] = "bitcoincash";

/* s is the payload after "bitcoincash:" (or without it). */
static int cashaddr(const char *s, size_t n, char *out, size_t cap, oe_chain *chain,
		    const char **why)
{
	if (mixed_case(s, n)) {
		*why = "CashAddr address mixes upper and lower case";
		return OE_EINVAL;
	}
	if (n != 42 && n != 61) {
		*why = "CashAddr address has the wrong length";
		return OE_EINVAL;
	}
	uint8_t v[61];
	uint64_t c = 1;
	for (const char *p = cashaddr_prefix; *p; p++)
		c = cashaddr_step(c, (uint8_t)(*p & 0x1f));
	c = cashaddr_step(c, 0);
	for (size_t i = 0; i < n; i++) {
		int x = b32_value(s[i]);
		if (x < 0) {
			*why = "CashAddr address has a character outside the bech32 alphabet";
			return OE_EINVAL;
		}
		v[i] = (uint8_t)x;
		c = cashaddr_step(c, v[i]);
	}
	if ((c ^ 1) != 0) {
		*why = "wallet address checksum does not match (CashAddr)";
		return OE_EINVAL;
	}
	uint8_t b[40];
	int nb = regroup(v, n - 8, 5, 8, b, sizeof(b));
	/* version byte: type in bits 3-6 (0 P2PKH, 1 P2SH), size in bits 0-2
	 * (0: 160-bit hash, 3: 256-bit hash). */
	int type = nb > 0 ? b[0] >> 3 : -1, size = nb > 0 ? b[0] & 7 : -1;
	if ((type != 0 && type != 1) || !((size == 0 && nb == 21) || (size == 3 && nb == 33))) {
		*why = "CashAddr address has an unknown version byte";
		return OE_EINVAL;
	}
	size_t plen = sizeof(cashaddr_prefix) - 1;
	if (plen + 1 + n + 1 > cap) {
		*why = "output buffer is too small";
		return OE_ETOOBIG;
	}
	memcpy(out, cashaddr_prefix, plen);
	out[plen] = ':';
	for (size_t i = 0; i < n; i++)
		out[plen + 1 + i] = lower(s[i]);
	out[plen + 1 + n] = '\0';
	*chain = OE_CHAIN_BITCOIN_CASH;
	return 0;
}

/* ---- Ethereum ------------------------------------------------------------ */

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

static int ethereum(const char *s, size_t n, char *out, size_t cap, oe_chain *chain,
		    const char **why)
{
	if (n != 42) {
		*why = "Ethereum address must be 0x followed by 40 hex digits";
		return OE_EINVAL;
	}
	char lo[40];
	for (size_t i = 0; i < 40; i++) {
		if (hexval(s[2 + i]) < 0) {
			*why = "Ethereum address must be 0x followed by 40 hex digits";
			return OE_EINVAL;
		}
		lo[i] = lower(s[2 + i]);
	}
	if (mixed_case(s + 2, 40)) { /* EIP-55 */
		uint8_t h[32];
		oe_keccak256(lo, sizeof(lo), h);
		for (size_t i = 0; i < 40; i++) {
			char c = s[2 + i];
			if (c <= '9')
				continue;
			int nib = (h[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;
			if ((nib >= 8) != (c >= 'A' && c <= 'F')) {
				*why = "wallet address checksum does not match (EIP-55 mixed case)";
				return OE_EINVAL;
			}
		}
	}
	if (cap < 43) {
		*why = "output buffer is too small";
		return OE_ETOOBIG;
	}
	out[0] = '0';
	out[1] = 'x';
	memcpy(out + 2, lo, 40);
	out[42] = '\0';
	*chain = OE_CHAIN_ETHEREUM;
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

static bool has_prefix_ci(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(s[i]) != p[i])
			return false;
	return true;
}

int oe_wallet_canon(const char *in, size_t len, char *out, size_t cap, oe_chain *chain,
		    const char **why)
{
	oe_chain dummy;
	if (!chain)
		chain = &dummy;
	*chain = OE_CHAIN_NONE;
	if (len < 14 || len > OE_WALLET_MAX + sizeof(cashaddr_prefix)) {
		*why = "wallet address has the wrong length";
		return OE_EINVAL;
	}
	if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X'))
		return ethereum(in, len, out, cap, chain, why);
	if (has_prefix_ci(in, len, "bitcoincash:"))
		return cashaddr(in + 12, len - 12, out, cap, chain, why);
	if (len > OE_WALLET_MAX) {
		*why = "wallet address has the wrong length";
		return OE_EINVAL;
	}
	if (has_prefix_ci(in, len, "bc1"))
		return segwit(in, len, 2, OE_CHAIN_BITCOIN, out, cap, chain, why);
	if (has_prefix_ci(in, len, "tb1"))
		return segwit(in, len, 2, OE_CHAIN_BITCOIN_TESTNET, out, cap, chain, why);
	if (has_prefix_ci(in, len, "ltc1"))
		return segwit(in, len, 3, OE_CHAIN_LITECOIN, out, cap, chain, why);
	if (len == 42 && (lower(in[0]) == 'q' || lower(in[0]) == 'p'))
		return cashaddr(in, len, out, cap, chain, why);
	if ((len == 95 || len == 106) && (in[0] == '4' || in[0] == '8'))
		return monero(in, len, out, cap, chain, why);
	if (len < 25 || len > 35) {
		*why = "wallet address has the wrong length";
		return OE_EINVAL;
	}
	int rc = base58check(in, len, out, cap, chain, why);
	if (rc != 0 && in[0] == 'r') {
		const char *why58 = *why;
		rc = xrp(in, len, out, cap, chain, why);
		if (rc != 0 && strstr(*why, "not a valid"))
			*why = why58;
	}
	return rc;
}
