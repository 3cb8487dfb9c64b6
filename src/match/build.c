/* build.c - building matcher layers and snapshots (see match.h).
 *
 * The builder appends: addresses to flat arrays, strings to the pool they
 * will live in, assertions to interned descriptors. Nothing is allocated
 * per value; the tables are sized and filled once, in finish. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "match_int.h"

/* Longest value a string record holds: its length takes at most 15 bits. */
#define REC_LEN_MAX 0x7fff
/* Pools are addressed by 32-bit offsets. */
#define POOL_MAX ((size_t)UINT32_MAX - 1)

uint64_t oe_match_hash(const void *p, size_t n)
{
	return XXH3_64bits(p, n);
}

typedef struct {
	uint32_t net, desc;
	uint8_t len;
} c4_entry;

typedef struct {
	uint32_t w[4], desc;
	uint8_t len; /* 255: an address (the exact table) */
} v6_entry;

/* An interning table: 1-based ids in open addressing, kept at most half
 * full; the content of an id is hashed again when the table grows. */
typedef struct {
	uint32_t *slots;
	size_t cap, n;
} intern;

struct oe_match_builder {
	bool delta;
	oe_time now;
	int err; /* sticky: the first failure */
	ip4_slot *v4;
	size_t n4, cap4;
	c4_entry *c4;
	size_t nc4, capc4;
	v6_entry *v6;
	size_t n6, cap6;
	str_table str[OE_T__COUNT];
	str_table hosts;
	desc_assert *da;
	size_t nda, capda;
	uint32_t *dstart; /* dstart[0] = 0, dstart[d] = end of descriptor d */
	size_t ndesc, capd;
	intern dint;
	char *tpool;
	size_t tlen, tcap;
	uint32_t *tstart;
	size_t ntags, capt;
	intern tint;
	match_org *orgs;
	size_t norgs, caporgs;
	size_t added, skipped;
	desc_assert *tmp; /* the descriptor being interned */
	size_t tmpcap;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	void *q = realloc(*p, nc * elem);
	if (!q)
		return OE_ENOMEM;
	*p = q;
	*cap = nc;
	return 0;
}

int oe_match_builder_new(bool delta, oe_time now, oe_match_builder **out)
{
	oe_match_builder *b = calloc(1, sizeof(*b));
	if (!b)
		return OE_ENOMEM;
	b->delta = delta;
	b->now = now;
	if (grow((void **)&b->dstart, &b->capd, 1, sizeof(uint32_t)) ||
	    grow((void **)&b->tstart, &b->capt, 1, sizeof(uint32_t))) {
		oe_match_builder_free(b);
		return OE_ENOMEM;
	}
	b->dstart[0] = 0;
	b->tstart[0] = 0;
	*out = b;
	return 0;
}

void oe_match_builder_free(oe_match_builder *b)
{
	if (!b)
		return;
	free(b->v4);
	free(b->c4);
	free(b->v6);
	for (int t = 0; t < OE_T__COUNT; t++)
		free(b->str[t].pool);
	free(b->hosts.pool);
	free(b->da);
	free(b->dstart);
	free(b->dint.slots);
	free(b->tpool);
	free(b->tstart);
	free(b->tint.slots);
	for (size_t i = 0; i < b->norgs; i++) {
		free(b->orgs[i].stix_id);
		free(b->orgs[i].name);
	}
	free(b->orgs);
	free(b->tmp);
	free(b);
}

int oe_match_builder_org(oe_match_builder *b, int64_t id, const char *stix_id, const char *name)
{
	if (grow((void **)&b->orgs, &b->caporgs, b->norgs + 1, sizeof(*b->orgs)))
		return OE_ENOMEM;
	match_org *o = &b->orgs[b->norgs];
	o->id = id;
	o->stix_id = stix_id ? strdup(stix_id) : NULL;
	o->name = name ? strdup(name) : NULL;
	if ((stix_id && !o->stix_id) || (name && !o->name)) {
		free(o->stix_id);
		free(o->name);
		return OE_ENOMEM;
	}
	b->norgs++;
	return 0;
}

size_t oe_match_builder_count(const oe_match_builder *b, size_t *skipped)
{
	if (skipped)
		*skipped = b->skipped;
	return b->added;
}

/* ---- interning ---------------------------------------------------------- */

typedef uint64_t (*hash_of_fn)(const oe_match_builder *b, uint32_t id);

static uint64_t desc_hash(const oe_match_builder *b, uint32_t d)
{
	return oe_match_hash(b->da + b->dstart[d - 1],
			     (b->dstart[d] - b->dstart[d - 1]) * sizeof(desc_assert));
}

static uint64_t tags_hash(const oe_match_builder *b, uint32_t t)
{
	return oe_match_hash(b->tpool + b->tstart[t - 1], b->tstart[t] - b->tstart[t - 1]);
}

/* Make room for one more id (rehashing every id when the table grows). */
static int intern_reserve(const oe_match_builder *b, intern *in, hash_of_fn hash_of)
{
	if ((in->n + 1) * 2 <= in->cap)
		return 0;
	size_t nc = in->cap ? in->cap * 2 : 64;
	uint32_t *s = calloc(nc, sizeof(*s));
	if (!s)
		return OE_ENOMEM;
	for (size_t i = 0; i < in->cap; i++) {
		uint32_t id = in->slots[i];
		if (!id)
			continue;
		size_t k = hash_of(b, id) & (nc - 1);
		while (s[k])
			k = (k + 1) & (nc - 1);
		s[k] = id;
	}
	free(in->slots);
	in->slots = s;
	in->cap = nc;
	return 0;
}

/* The id of the tag set tags[0..n), added when new; 0 for none. */
static uint32_t intern_tags(oe_match_builder *b, const char *tags, size_t n)
{
	if (!tags || !n)
		return 0;
	if (intern_reserve(b, &b->tint, tags_hash)) {
		b->err = OE_ENOMEM;
		return 0;
	}
	uint64_t h = oe_match_hash(tags, n);
	size_t k = h & (b->tint.cap - 1);
	for (uint32_t id; (id = b->tint.slots[k]); k = (k + 1) & (b->tint.cap - 1))
		if (b->tstart[id] - b->tstart[id - 1] == n &&
		    memcmp(b->tpool + b->tstart[id - 1], tags, n) == 0)
			return id;
	if (b->tlen + n > UINT32_MAX || grow((void **)&b->tpool, &b->tcap, b->tlen + n, 1) ||
	    grow((void **)&b->tstart, &b->capt, b->ntags + 2, sizeof(uint32_t))) {
		b->err = OE_ENOMEM;
		return 0;
	}
	memcpy(b->tpool + b->tlen, tags, n);
	b->tlen += n;
	b->tstart[++b->ntags] = (uint32_t)b->tlen;
	b->tint.slots[k] = (uint32_t)b->ntags;
	b->tint.n++;
	return (uint32_t)b->ntags;
}

/* The id of the descriptor b->tmp[0..n), added when new. */
static uint32_t intern_desc(oe_match_builder *b, size_t n)
{
	if (intern_reserve(b, &b->dint, desc_hash)) {
		b->err = OE_ENOMEM;
		return DESC_NONE;
	}
	size_t bytes = n * sizeof(desc_assert);
	uint64_t h = oe_match_hash(b->tmp, bytes);
	size_t k = h & (b->dint.cap - 1);
	for (uint32_t id; (id = b->dint.slots[k]); k = (k + 1) & (b->dint.cap - 1))
		if (b->dstart[id] - b->dstart[id - 1] == n &&
		    memcmp(b->da + b->dstart[id - 1], b->tmp, bytes) == 0)
			return id;
	if (b->nda + n > UINT32_MAX || b->ndesc + 2 >= DESC_TOMB ||
	    grow((void **)&b->da, &b->capda, b->nda + n, sizeof(desc_assert)) ||
	    grow((void **)&b->dstart, &b->capd, b->ndesc + 2, sizeof(uint32_t))) {
		b->err = OE_ENOMEM;
		return DESC_NONE;
	}
	memcpy(b->da + b->nda, b->tmp, bytes);
	b->nda += n;
	b->dstart[++b->ndesc] = (uint32_t)b->nda;
	b->dint.slots[k] = (uint32_t)b->ndesc;
	b->dint.n++;
	return (uint32_t)b->ndesc;
}

/* ---- values -------------------------------------------------------------- */

bool oe_match_parse_ip4(const char *s, size_t n, uint32_t *out)
{
	uint32_t ip = 0;
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 3) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (!digits || v > 255)
			return false;
		ip = ip << 8 | v;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	if (i != n)
		return false;
	*out = ip;
	return true;
}

bool oe_match_parse_ip6(const char *s, size_t n, uint32_t w[4])
{
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, w) == 1;
}

static uint32_t mask4(unsigned len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

static void mask6(uint32_t w[4], unsigned len)
{
	uint8_t *b = (uint8_t *)w;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 8;
		if (bit >= len)
			b[i] = 0;
		else if (len - bit < 8)
			b[i] &= (uint8_t)(0xff << (8 - (len - bit)));
	}
}

static int pool_add(str_table *t, uint32_t desc, const char *s, size_t n)
{
	size_t need = 4 + (n > 127 ? 2 : 1) + n;
	if (t->pool_len + need > POOL_MAX)
		return OE_ETOOBIG;
	if (grow((void **)&t->pool, &t->pool_cap, t->pool_len + need, 1))
		return OE_ENOMEM;
	uint8_t *r = t->pool + t->pool_len;
	memcpy(r, &desc, 4);
	r += 4;
	if (n > 127) {
		*r++ = (uint8_t)(0x80 | n >> 8);
		*r++ = (uint8_t)(n & 0xff);
	} else {
		*r++ = (uint8_t)n;
	}
	memcpy(r, s, n);
	t->pool_len += need;
	t->n++;
	return 0;
}

bool oe_match_url_host_of(const char *u, size_t n, const char **h, size_t *hn)
{
	const char *p = memmem(u, n, "://", 3);
	if (!p)
		return false;
	p += 3;
	const char *end = u + n, *e = p;
	while (e < end && *e != '/' && *e != '?' && *e != '#')
		e++;
	const char *at = memrchr(p, '@', (size_t)(e - p));
	if (at)
		p = at + 1;
	const char *he = p;
	if (p < e && *p == '[') {
		he = memchr(p, ']', (size_t)(e - p));
		if (!he)
			return false;
		he++;
	} else {
		while (he < e && *he != ':')
			he++;
	}
	*h = p;
	*hn = (size_t)(he - p);
	return *hn > 0;
}

int oe_match_builder_add(oe_match_builder *b, oe_itype t, const char *value, size_t len,
			 const oe_match_assertion *a, size_t n, bool origin_first)
{
	if (b->err)
		return b->err;
	if (grow((void **)&b->tmp, &b->tmpcap, n ? n : 1, sizeof(desc_assert)))
		return b->err = OE_ENOMEM;
	size_t live = 0;
	for (size_t i = 0; i < n; i++) {
		if (a[i].revoked || (a[i].valid_until && a[i].valid_until <= b->now))
			continue;
		desc_assert *d = &b->tmp[live++];
		memset(d, 0, sizeof(*d));
		d->valid_until = a[i].valid_until;
		d->org_id = a[i].org_id;
		d->group_id = a[i].group_id;
		d->tlp = (uint8_t)(a[i].tlp < 0		   ? 0
				   : a[i].tlp > OE_TLP_RED ? OE_TLP_RED
							   : a[i].tlp);
		d->confidence = (uint8_t)(a[i].confidence < 0	  ? 0
					  : a[i].confidence > 100 ? 100
								  : a[i].confidence);
		d->origin = i == 0 && origin_first;
		d->tagset = intern_tags(b, a[i].tags, a[i].tags_len);
	}
	if (b->err)
		return b->err;
	uint32_t desc;
	if (live) {
		desc = intern_desc(b, live);
		if (b->err)
			return b->err;
	} else if (b->delta) {
		desc = DESC_TOMB;
	} else {
		return 0; /* nothing live: not in a base layer */
	}
	int ret = 0;
	uint32_t ip, w[4];
	switch (t) {
	case OE_T_IPV4:
		if (!oe_match_parse_ip4(value, len, &ip))
			goto skip;
		if (grow((void **)&b->v4, &b->cap4, b->n4 + 1, sizeof(*b->v4)))
			return b->err = OE_ENOMEM;
		b->v4[b->n4++] = (ip4_slot){ip, desc};
		break;
	case OE_T_IPV6:
		if (!oe_match_parse_ip6(value, len, w))
			goto skip;
		if (grow((void **)&b->v6, &b->cap6, b->n6 + 1, sizeof(*b->v6)))
			return b->err = OE_ENOMEM;
		b->v6[b->n6++] = (v6_entry){{w[0], w[1], w[2], w[3]}, desc, 255};
		break;
	case OE_T_CIDR: {
		const char *slash = memchr(value, '/', len);
		if (!slash)
			goto skip;
		unsigned plen = 0;
		const char *p = slash + 1;
		if (p == value + len || value + len - p > 3)
			goto skip;
		for (; p < value + len; p++) {
			if (*p < '0' || *p > '9')
				goto skip;
			plen = plen * 10 + (unsigned)(*p - '0');
		}
		size_t an = (size_t)(slash - value);
		if (oe_match_parse_ip4(value, an, &ip) && plen <= 32) {
			if (grow((void **)&b->c4, &b->capc4, b->nc4 + 1, sizeof(*b->c4)))
				return b->err = OE_ENOMEM;
			b->c4[b->nc4++] = (c4_entry){ip & mask4(plen), desc, (uint8_t)plen};
		} else if (oe_match_parse_ip6(value, an, w) && plen <= 128) {
			mask6(w, plen);
			if (grow((void **)&b->v6, &b->cap6, b->n6 + 1, sizeof(*b->v6)))
				return b->err = OE_ENOMEM;
			b->v6[b->n6++] = (v6_entry){{w[0], w[1], w[2], w[3]}, desc, (uint8_t)plen};
		} else {
			goto skip;
		}
		break;
	}
	case OE_T_NONE:
	case OE_T__COUNT: goto skip;
	default:
		if (len == 0 || len > REC_LEN_MAX)
			goto skip;
		if ((ret = pool_add(&b->str[t], desc, value, len)))
			return b->err = ret;
		if (t == OE_T_URL) {
			const char *h;
			size_t hn;
			if (oe_match_url_host_of(value, len, &h, &hn) &&
			    (ret = pool_add(&b->hosts, 1, h, hn)))
				return b->err = ret;
		}
		break;
	}
	b->added++;
	return 0;
skip:
	b->skipped++;
	return 0;
}

/* ---- finishing -------------------------------------------------------- */

/* A filter of 8 bits a key (none for small tables, which stay in cache). */
static int bloom_alloc(bloom *b, size_t n)
{
	if (n < 4096)
		return 0;
	b->n = (uint32_t)(n / 8);
	b->w = calloc(b->n, sizeof(*b->w));
	return b->w ? 0 : OE_ENOMEM;
}

static void bloom_add(bloom *b, uint64_t h)
{
	if (b->n)
		b->w[(uint32_t)(((h >> 32) * (uint64_t)b->n) >> 32)] |= bloom_bits(h);
}

/* Room for n entries at most 3/4 full. */
static uint32_t table_cap(size_t n)
{
	return (uint32_t)(n + n / 3 + 1);
}

static void ip4_put(ip4_table *t, uint32_t key, uint32_t desc)
{
	uint64_t h = hash_u32(key);
	bloom_add(&t->bf, h);
	uint32_t i = slot_of(h, t->cap);
	while (t->slots[i].desc && t->slots[i].key != key)
		i = i + 1 == t->cap ? 0 : i + 1;
	if (!t->slots[i].desc)
		t->n++;
	t->slots[i] = (ip4_slot){key, desc};
}

static void ip6_put(ip6_table *t, const uint32_t w[4], uint32_t desc)
{
	uint32_t i = slot_of(hash_ip6(w), t->cap);
	while (t->slots[i].desc && memcmp(t->slots[i].w, w, 16) != 0)
		i = i + 1 == t->cap ? 0 : i + 1;
	if (!t->slots[i].desc)
		t->n++;
	t->slots[i] = (ip6_slot){{w[0], w[1], w[2], w[3]}, desc};
}

static int ip4_alloc(ip4_table *t, size_t n)
{
	t->cap = table_cap(n);
	t->slots = calloc(t->cap, sizeof(*t->slots));
	return t->slots ? bloom_alloc(&t->bf, n) : OE_ENOMEM;
}

static int ip6_alloc(ip6_table *t, size_t n)
{
	t->cap = table_cap(n);
	t->slots = calloc(t->cap, sizeof(*t->slots));
	return t->slots ? 0 : OE_ENOMEM;
}

/* Index a pool's records; a string seen twice keeps its later record. */
static int str_index(str_table *t)
{
	size_t n = t->n;
	t->n = 0;
	if (!n)
		return 0;
	uint8_t *p = realloc(t->pool, t->pool_len);
	if (p) {
		t->pool = p;
		t->pool_cap = t->pool_len;
	}
	t->cap = table_cap(n);
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots || bloom_alloc(&t->bf, n))
		return OE_ENOMEM;
	for (size_t off = 0; off < t->pool_len;) {
		uint32_t desc;
		size_t len;
		const uint8_t *s = rec_get(t->pool + off, &desc, &len);
		uint64_t h = oe_match_hash(s, len);
		bloom_add(&t->bf, h);
		uint32_t i = slot_of(h, t->cap), tag = (uint32_t)(h >> 32);
		for (;; i = i + 1 == t->cap ? 0 : i + 1) {
			str_slot *sl = &t->slots[i];
			if (!sl->off1) {
				t->n++;
				break;
			}
			if (sl->tag != tag)
				continue;
			uint32_t d2;
			size_t l2;
			const uint8_t *s2 = rec_get(t->pool + sl->off1 - 1, &d2, &l2);
			if (l2 == len && memcmp(s2, s, len) == 0)
				break;
		}
		t->slots[i] = (str_slot){(uint32_t)off + 1, tag};
		off = (size_t)(s - t->pool) + len;
	}
	return 0;
}

static int org_cmp(const void *a, const void *b)
{
	int64_t x = ((const match_org *)a)->id, y = ((const match_org *)b)->id;
	return (x > y) - (x < y);
}

static bool is_live(uint32_t d)
{
	return d != DESC_NONE && d != DESC_TOMB;
}

static size_t str_live(const str_table *t)
{
	size_t c = 0;
	for (size_t off = 0; off < t->pool_len;) {
		uint32_t d;
		size_t len;
		const uint8_t *s = rec_get(t->pool + off, &d, &len);
		c += d != DESC_TOMB;
		off = (size_t)(s - t->pool) + len;
	}
	return c;
}

int oe_match_builder_finish(oe_match_builder *b, oe_match_layer **out)
{
	*out = NULL;
	int ret = b->err;
	oe_match_layer *l = NULL;
	if (ret)
		goto out;
	l = calloc(1, sizeof(*l));
	if (!l) {
		ret = OE_ENOMEM;
		goto out;
	}
	atomic_init(&l->refs, 1);
	l->delta = b->delta;

	if (b->n4) {
		if ((ret = ip4_alloc(&l->ip4, b->n4)))
			goto out;
		for (size_t i = 0; i < b->n4; i++)
			ip4_put(&l->ip4, b->v4[i].key, b->v4[i].desc);
		for (size_t i = 0; i < b->n4; i++)
			l->entries[OE_T_IPV4] += is_live(b->v4[i].desc);
		l->bytes[OE_T_IPV4] = (size_t)l->ip4.cap * sizeof(ip4_slot) + l->ip4.bf.n * 8u;
	}
	size_t per4[33] = {0}, per6[129] = {0}, exact6 = 0;
	for (size_t i = 0; i < b->nc4; i++)
		per4[b->c4[i].len]++;
	for (size_t i = 0; i < b->n6; i++) {
		if (b->v6[i].len == 255)
			exact6++;
		else
			per6[b->v6[i].len]++;
	}
	for (unsigned L = 0; L <= 32; L++)
		if (per4[L]) {
			if ((ret = ip4_alloc(&l->c4[L], per4[L])))
				goto out;
			l->c4_mask |= 1ull << L;
			l->bytes[OE_T_CIDR] += (size_t)l->c4[L].cap * sizeof(ip4_slot);
		}
	for (size_t i = 0; i < b->nc4; i++) {
		ip4_put(&l->c4[b->c4[i].len], b->c4[i].net, b->c4[i].desc);
		l->entries[OE_T_CIDR] += is_live(b->c4[i].desc);
	}
	if (exact6 && (ret = ip6_alloc(&l->ip6, exact6)))
		goto out;
	l->bytes[OE_T_IPV6] = (size_t)l->ip6.cap * sizeof(ip6_slot);
	for (unsigned L = 0; L <= 128; L++)
		if (per6[L]) {
			if ((ret = ip6_alloc(&l->c6[L], per6[L])))
				goto out;
			l->c6_mask[L / 64] |= 1ull << (L % 64);
			l->bytes[OE_T_CIDR] += (size_t)l->c6[L].cap * sizeof(ip6_slot);
		}
	for (size_t i = 0; i < b->n6; i++) {
		v6_entry *e = &b->v6[i];
		if (e->len == 255) {
			ip6_put(&l->ip6, e->w, e->desc);
			l->entries[OE_T_IPV6] += is_live(e->desc);
		} else {
			ip6_put(&l->c6[e->len], e->w, e->desc);
			l->entries[OE_T_CIDR] += is_live(e->desc);
		}
	}

	for (int t = 0; t < OE_T__COUNT; t++) {
		l->str[t] = b->str[t];
		b->str[t].pool = NULL;
		l->entries[t] += str_live(&l->str[t]);
		if ((ret = str_index(&l->str[t])))
			goto out;
		l->bytes[t] += (size_t)l->str[t].cap * sizeof(str_slot) + l->str[t].pool_len +
			       l->str[t].bf.n * 8u;
	}
	l->url_hosts = b->hosts;
	b->hosts.pool = NULL;
	if ((ret = str_index(&l->url_hosts)))
		goto out;
	l->bytes[OE_T_URL] += (size_t)l->url_hosts.cap * sizeof(str_slot) + l->url_hosts.pool_len +
			      l->url_hosts.bf.n * 8u;

	l->ndesc = (uint32_t)b->ndesc;
	l->dstart = b->dstart;
	l->da = b->da;
	l->ntags = (uint32_t)b->ntags;
	l->tstart = b->tstart;
	l->tpool = b->tpool;
	b->dstart = NULL;
	b->da = NULL;
	b->tstart = NULL;
	b->tpool = NULL;
	if (b->norgs)
		qsort(b->orgs, b->norgs, sizeof(*b->orgs), org_cmp);
	l->orgs = b->orgs;
	l->norgs = b->norgs;
	b->orgs = NULL;
	b->norgs = 0;
	l->shared_bytes = b->nda * sizeof(desc_assert) + (b->ndesc + 1) * sizeof(uint32_t) +
			  b->tlen + (b->ntags + 1) * sizeof(uint32_t) +
			  l->norgs * sizeof(match_org);
	*out = l;
	l = NULL;
out:
	oe_match_layer_unref(l);
	oe_match_builder_free(b);
	return ret;
}

/* ---- layers and snapshots ------------------------------------------------ */

void oe_match_layer_ref(oe_match_layer *l)
{
	atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
}

void oe_match_layer_unref(oe_match_layer *l)
{
	if (!l || atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(l->ip4.slots);
	free(l->ip4.bf.w);
	free(l->ip6.slots);
	for (int i = 0; i <= 32; i++) {
		free(l->c4[i].slots);
		free(l->c4[i].bf.w);
	}
	for (int i = 0; i <= 128; i++)
		free(l->c6[i].slots);
	for (int t = 0; t < OE_T__COUNT; t++) {
		free(l->str[t].slots);
		free(l->str[t].pool);
		free(l->str[t].bf.w);
	}
	free(l->url_hosts.slots);
	free(l->url_hosts.bf.w);
	free(l->url_hosts.pool);
	free(l->dstart);
	free(l->da);
	free(l->tstart);
	free(l->tpool);
	for (size_t i = 0; i < l->norgs; i++) {
		free(l->orgs[i].stix_id);
		free(l->orgs[i].name);
	}
	free(l->orgs);
	free(l);
}

int oe_match_snap_new(oe_match_layer *base, oe_match_layer *delta, oe_match_snap **out)
{
	oe_match_snap *s = calloc(1, sizeof(*s));
	if (!s)
		return OE_ENOMEM;
	if (delta) {
		oe_match_layer_ref(delta);
		s->layer[s->n++] = delta;
	}
	if (base) {
		oe_match_layer_ref(base);
		s->layer[s->n++] = base;
	}
	*out = s;
	return 0;
}

void oe_match_snap_free(oe_match_snap *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		oe_match_layer_unref(s->layer[i]);
	free(s);
}

void oe_match_snap_stats(const oe_match_snap *s, oe_match_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; s && i < s->n; i++) {
		const oe_match_layer *l = s->layer[i];
		for (int t = 0; t < OE_T__COUNT; t++) {
			st->entries[t] += l->entries[t];
			st->bytes[t] += l->bytes[t];
			st->total += l->entries[t];
		}
		st->shared_bytes += l->shared_bytes;
		st->descriptors += l->ndesc;
	}
}
