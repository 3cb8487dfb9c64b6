/* match_int.h - the layout of a matcher layer, shared by the builder
 * (build.c) and the lookups (lookup.c). Not for other modules. */
#ifndef OE_MATCH_INT_H
#define OE_MATCH_INT_H

#include <stdatomic.h>
#include <string.h>

#include "match.h"

/* Descriptor indices start at 1: 0 marks an empty slot, and the largest
 * value a tombstone (a delta's "no longer live"). */
#define DESC_NONE 0u
#define DESC_TOMB 0xffffffffu

typedef struct {
	uint32_t key, desc;
} ip4_slot;

typedef struct {
	uint32_t w[4]; /* the address, network byte order, as four words */
	uint32_t desc;
} ip6_slot;

/* A one-word-per-key Bloom filter in front of a table: lookups that miss
 * (most of a log's) are answered from a few hundred KiB that stay in cache
 * instead of a DRAM read of the table. 8 bits a key, two bits set in one
 * 64-bit word: about 5% false positives. */
typedef struct {
	uint64_t *w;
	uint32_t n; /* words; 0: no filter */
} bloom;

static inline uint64_t bloom_bits(uint64_t h)
{
	/* Bits from the low half, the word from the high half: independent. */
	return 1ull << (h & 63) | 1ull << (h >> 6 & 63);
}

static inline bool bloom_may(const bloom *b, uint64_t h)
{
	if (!b->n)
		return true;
	uint64_t m = bloom_bits(h);
	return (b->w[(uint32_t)(((h >> 32) * (uint64_t)b->n) >> 32)] & m) == m;
}

typedef struct {
	ip4_slot *slots;
	uint32_t cap, n;
	bloom bf;
} ip4_table;

typedef struct {
	ip6_slot *slots;
	uint32_t cap, n;
} ip6_table;

/* A string table: slots over a pool of records
 * [u32 descriptor][length: 1 byte, or 2 with the high bit of the first][bytes]. */
typedef struct {
	uint32_t off1; /* offset of the record + 1; 0: empty */
	uint32_t tag;  /* the high 32 bits of the hash */
} str_slot;

typedef struct {
	str_slot *slots;
	uint32_t cap, n;
	uint8_t *pool;
	size_t pool_len, pool_cap;
	bloom bf;
} str_table;

/* One live assertion of a descriptor. */
typedef struct {
	oe_time valid_until;
	int64_t org_id;
	int64_t group_id; /* sharing group; 0: none */
	uint32_t tagset;  /* 1-based into the tag sets; 0: none */
	uint8_t tlp, confidence;
	uint8_t origin; /* the origin's assertion (the first, when it is live) */
	uint8_t pad;
} desc_assert;

typedef struct {
	int64_t id;
	char *stix_id, *name;
} match_org;

struct oe_match_layer {
	atomic_int refs;
	bool delta;
	ip4_table ip4;
	ip6_table ip6;
	ip4_table c4[33]; /* keyed by the network, host bits clear */
	uint64_t c4_mask; /* bit L: c4[L] is not empty */
	ip6_table c6[129];
	uint64_t c6_mask[3];
	str_table str[OE_T__COUNT]; /* every type but ipv4, ipv6 and cidr */
	str_table url_hosts;	    /* hosts of stored URLs (descriptor 1) */
	/* Descriptors: d's assertions are da[dstart[d-1] .. dstart[d]). */
	uint32_t ndesc;
	uint32_t *dstart;
	desc_assert *da;
	/* Tag sets: t's joined tags are tpool[tstart[t-1] .. tstart[t]). */
	uint32_t ntags;
	uint32_t *tstart;
	char *tpool;
	match_org *orgs; /* by id */
	size_t norgs;
	size_t entries[OE_T__COUNT];
	size_t bytes[OE_T__COUNT];
	size_t shared_bytes;
};

struct oe_match_snap {
	oe_match_layer *layer[2]; /* [0] on top: the delta, when there is one */
	int n;
};

/* Table positions: the multiply-shift range reduction of a 32-bit hash. */
static inline uint32_t slot_of(uint64_t h, uint32_t cap)
{
	return (uint32_t)(((h & 0xffffffffu) * (uint64_t)cap) >> 32);
}

/* MurmurHash3's finaliser: every key bit reaches every hash bit, so keys
 * in arithmetic runs (address blocks) do not cluster. */
static inline uint64_t hash_u32(uint32_t k)
{
	uint64_t h = k;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

uint64_t oe_match_hash(const void *p, size_t n);

static inline uint64_t hash_ip6(const uint32_t w[4])
{
	return oe_match_hash(w, 16);
}

/* A record of a string pool: its descriptor, bytes and length. */
static inline const uint8_t *rec_get(const uint8_t *r, uint32_t *desc, size_t *len)
{
	memcpy(desc, r, 4);
	r += 4;
	if (r[0] & 0x80) {
		*len = (size_t)(r[0] & 0x7f) << 8 | r[1];
		return r + 2;
	}
	*len = r[0];
	return r + 1;
}

uint32_t oe_match_ip4_find(const ip4_table *t, uint32_t key);
uint32_t oe_match_ip6_find(const ip6_table *t, const uint32_t w[4]);
/* The descriptor of s in t (h its hash); *rec, when not NULL, gets the
 * record's bytes. */
uint32_t oe_match_str_find(const str_table *t, const char *s, size_t len, uint64_t h,
			   const char **rec);

/* A dotted quad in oe_canon's form (the scanner's too: up to three
 * digits an octet). */
bool oe_match_parse_ip4(const char *s, size_t n, uint32_t *out);
/* An IPv6 address (inet_pton), into four words in network byte order. */
bool oe_match_parse_ip6(const char *s, size_t n, uint32_t w[4]);
/* The host of a URL: after "://" and any userinfo, up to the port, path,
 * query or fragment ("[...]" for IPv6, brackets included). */
bool oe_match_url_host_of(const char *u, size_t n, const char **h, size_t *hn);

#endif
