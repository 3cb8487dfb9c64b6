/* lookup.c - probing a snapshot's layers and applying the viewer's view
 * (see match.h). Nothing here allocates or locks; the public suffix list is
 * consulted only when a parent domain is found. */
#include <arpa/inet.h>
#include <libpsl.h>
#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "match_int.h"

static const char *const how_names[] = {"exact", "cidr", "parent-domain", "url-host"};

const char *oe_match_how_name(oe_match_how h)
{
	return (unsigned)h < OE_ARRAY_SIZE(how_names) ? how_names[h] : "exact";
}

uint32_t oe_match_ip4_find(const ip4_table *t, uint32_t key)
{
	if (!t->n)
		return DESC_NONE;
	uint64_t h = hash_u32(key);
	if (!bloom_may(&t->bf, h))
		return DESC_NONE;
	uint32_t i = slot_of(h, t->cap);
	for (;;) {
		ip4_slot s = t->slots[i];
		if (s.desc == DESC_NONE || s.key == key)
			return s.desc;
		i = i + 1 == t->cap ? 0 : i + 1;
	}
}

uint32_t oe_match_ip6_find(const ip6_table *t, const uint32_t w[4])
{
	if (!t->n)
		return DESC_NONE;
	uint32_t i = slot_of(XXH3_64bits(w, 16), t->cap);
	for (;;) {
		const ip6_slot *s = &t->slots[i];
		if (s->desc == DESC_NONE || memcmp(s->w, w, 16) == 0)
			return s->desc;
		i = i + 1 == t->cap ? 0 : i + 1;
	}
}

uint32_t oe_match_str_find(const str_table *t, const char *s, size_t len, uint64_t h,
			   const char **rec)
{
	if (!t->n || !bloom_may(&t->bf, h))
		return DESC_NONE;
	uint32_t i = slot_of(h, t->cap), tag = (uint32_t)(h >> 32);
	for (;;) {
		str_slot sl = t->slots[i];
		if (!sl.off1)
			return DESC_NONE;
		if (sl.tag == tag) {
			uint32_t d;
			size_t l;
			const uint8_t *r = rec_get(t->pool + sl.off1 - 1, &d, &l);
			if (l == len && memcmp(r, s, len) == 0) {
				if (rec)
					*rec = (const char *)r;
				return d;
			}
		}
		i = i + 1 == t->cap ? 0 : i + 1;
	}
}

/* ---- the view --------------------------------------------------------- */

static const match_org *org_of(const oe_match_layer *l, int64_t id)
{
	size_t lo = 0, hi = l->norgs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (l->orgs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->norgs && l->orgs[lo].id == id ? &l->orgs[lo] : NULL;
}

/* Fill h with what the viewer sees of descriptor d, as oe_svc_visible
 * chooses; false when no live assertion of d is visible to it. */
static bool view(const oe_match_ctx *c, const oe_match_layer *l, uint32_t d, oe_match_hit *h)
{
	if (d == DESC_NONE || d == DESC_TOMB || d > l->ndesc)
		return false;
	const desc_assert *a = l->da + l->dstart[d - 1], *end = l->da + l->dstart[d];
	const desc_assert *own = NULL, *origin = NULL, *best = NULL;
	int n = 0;
	for (; a < end; a++) {
		if (a->valid_until && a->valid_until <= c->now)
			continue;
		if (!oe_may_see_in(&c->viewer, (oe_tlp)a->tlp, a->org_id, a->group_id))
			continue;
		n++;
		if (a->origin) {
			origin = a;
			continue;
		}
		if (a->org_id == c->viewer.org_id)
			own = a;
		if (!best || a->tlp < best->tlp)
			best = a;
	}
	if (!n)
		return false;
	const desc_assert *p = own ? own : origin ? origin : best;
	h->tlp = p->tlp;
	h->confidence = p->confidence;
	h->valid_until = p->valid_until;
	h->org_id = p->org_id;
	const match_org *o = org_of(l, p->org_id);
	h->org_stix_id = o ? o->stix_id : NULL;
	h->org_name = o ? o->name : NULL;
	if (p->tagset && p->tagset <= l->ntags) {
		h->tags = l->tpool + l->tstart[p->tagset - 1];
		h->tags_len = l->tstart[p->tagset] - l->tstart[p->tagset - 1];
	} else {
		h->tags = NULL;
		h->tags_len = 0;
	}
	h->n_orgs = n;
	return true;
}

/* The next hit slot when descriptor d of layer l is visible, else NULL. */
static oe_match_hit *hit(const oe_match_ctx *c, const oe_match_layer *l, uint32_t d, oe_itype t,
			 oe_match_how how, oe_match_hit *hits, size_t *n, size_t max)
{
	if (*n >= max || !view(c, l, d, &hits[*n]))
		return NULL;
	oe_match_hit *h = &hits[(*n)++];
	h->type = t;
	h->how = how;
	h->str = NULL;
	h->len = 0;
	h->buf[0] = '\0';
	return h;
}

/* Decimal digits of v (< 1000) at p: the end. */
static char *dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* "a.b.c.d" or "a.b.c.d/len" into h->buf, by hand: a lookup answers one
 * per address hit, and printf cost more than the match. */
static void fmt4(oe_match_hit *h, uint32_t ip, int len)
{
	char *p = h->buf;
	for (int i = 3; i >= 0; i--) {
		p = dec(p, ip >> (8 * i) & 255);
		if (i)
			*p++ = '.';
	}
	if (len >= 0) {
		*p++ = '/';
		p = dec(p, (unsigned)len);
	}
	*p = '\0';
	h->len = (size_t)(p - h->buf);
}

static void fmt6(oe_match_hit *h, const uint32_t w[4], int len)
{
	char a[INET6_ADDRSTRLEN];
	if (!inet_ntop(AF_INET6, w, a, sizeof(a)))
		a[0] = '\0';
	int k = len < 0 ? snprintf(h->buf, sizeof(h->buf), "%s", a)
			: snprintf(h->buf, sizeof(h->buf), "%s/%d", a, len);
	h->len = k > 0 ? (size_t)k : 0;
}

/* ---- addresses -------------------------------------------------------- */

static uint32_t mask4(unsigned len)
{
	return len ? 0xffffffffu << (32 - len) : 0;
}

/* Ranges of length < below (33: all) holding ip, longest first. */
static size_t cidr4(const oe_match_ctx *c, uint32_t ip, unsigned below, oe_match_hit *hits,
		    size_t n, size_t max)
{
	const oe_match_snap *s = c->snap;
	uint64_t mask = 0;
	for (int i = 0; i < s->n; i++)
		mask |= s->layer[i]->c4_mask;
	if (below < 33)
		mask &= (1ull << below) - 1;
	while (mask && n < max) {
		unsigned L = 63u - (unsigned)__builtin_clzll(mask);
		mask &= ~(1ull << L);
		uint32_t key = ip & mask4(L);
		for (int i = 0; i < s->n; i++) {
			const oe_match_layer *l = s->layer[i];
			uint32_t d = oe_match_ip4_find(&l->c4[L], key);
			if (d == DESC_NONE)
				continue;
			oe_match_hit *h = hit(c, l, d, OE_T_CIDR, OE_HOW_CIDR, hits, &n, max);
			if (h)
				fmt4(h, key, (int)L);
			break;
		}
	}
	return n;
}

size_t oe_match_ip4(const oe_match_ctx *c, uint32_t ip, oe_match_how how, oe_match_hit *hits,
		    size_t max)
{
	const oe_match_snap *s = c->snap;
	size_t n = 0;
	for (int i = 0; s && i < s->n; i++) {
		const oe_match_layer *l = s->layer[i];
		uint32_t d = oe_match_ip4_find(&l->ip4, ip);
		if (d == DESC_NONE)
			continue;
		oe_match_hit *h = hit(c, l, d, OE_T_IPV4, how, hits, &n, max);
		if (h)
			fmt4(h, ip, -1);
		break;
	}
	return s ? cidr4(c, ip, 33, hits, n, max) : n;
}

static void mask6(uint32_t out[4], const uint32_t w[4], unsigned len)
{
	const uint8_t *in = (const uint8_t *)w;
	uint8_t *b = (uint8_t *)out;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bit = i * 8;
		b[i] = bit >= len      ? 0
		       : len - bit < 8 ? (uint8_t)(in[i] & (0xff << (8 - (len - bit))))
				       : in[i];
	}
}

static size_t cidr6(const oe_match_ctx *c, const uint32_t w[4], int below, oe_match_hit *hits,
		    size_t n, size_t max)
{
	const oe_match_snap *s = c->snap;
	uint64_t m[3] = {0, 0, 0};
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < 3; k++)
			m[k] |= s->layer[i]->c6_mask[k];
	for (int L = below - 1; L >= 0 && n < max; L--) {
		if (!(m[L / 64] >> (L % 64) & 1))
			continue;
		uint32_t key[4];
		mask6(key, w, (unsigned)L);
		for (int i = 0; i < s->n; i++) {
			const oe_match_layer *l = s->layer[i];
			uint32_t d = oe_match_ip6_find(&l->c6[L], key);
			if (d == DESC_NONE)
				continue;
			oe_match_hit *h = hit(c, l, d, OE_T_CIDR, OE_HOW_CIDR, hits, &n, max);
			if (h)
				fmt6(h, key, L);
			break;
		}
	}
	return n;
}

size_t oe_match_ip6(const oe_match_ctx *c, const uint8_t ip[16], oe_match_how how,
		    oe_match_hit *hits, size_t max)
{
	const oe_match_snap *s = c->snap;
	uint32_t w[4];
	memcpy(w, ip, 16);
	size_t n = 0;
	for (int i = 0; s && i < s->n; i++) {
		const oe_match_layer *l = s->layer[i];
		uint32_t d = oe_match_ip6_find(&l->ip6, w);
		if (d == DESC_NONE)
			continue;
		oe_match_hit *h = hit(c, l, d, OE_T_IPV6, how, hits, &n, max);
		if (h)
			fmt6(h, w, -1);
		break;
	}
	return s ? cidr6(c, w, 129, hits, n, max) : n;
}

/* ---- strings ---------------------------------------------------------- */

/* Probe the layers for string v of type t; on a visible hit, add it. */
static bool probe_str(const oe_match_ctx *c, oe_itype t, const char *v, size_t len,
		      oe_match_how how, oe_match_hit *hits, size_t *n, size_t max)
{
	const oe_match_snap *s = c->snap;
	uint64_t h = 0;
	bool hashed = false;
	for (int i = 0; i < s->n; i++) {
		const oe_match_layer *l = s->layer[i];
		if (!l->str[t].n)
			continue;
		if (!hashed) {
			h = XXH3_64bits(v, len);
			hashed = true;
		}
		const char *rec = NULL;
		uint32_t d = oe_match_str_find(&l->str[t], v, len, h, &rec);
		if (d == DESC_NONE)
			continue;
		oe_match_hit *x = hit(c, l, d, t, how, hits, n, max);
		if (!x)
			return false;
		x->str = rec;
		x->len = len;
		return true;
	}
	return false;
}

size_t oe_match_exact(const oe_match_ctx *c, oe_itype t, const char *v, size_t len,
		      oe_match_hit *hits, size_t max)
{
	size_t n = 0;
	if (c->snap && t > OE_T_NONE && t < OE_T__COUNT)
		probe_str(c, t, v, len, OE_HOW_EXACT, hits, &n, max);
	return n;
}

/* The length of d's registrable domain by the public suffix list (d is
 * lower-case ASCII), 0 when it has none (d is a public suffix). */
static size_t registrable_len(const char *d, size_t len)
{
	char buf[256];
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, d, len);
	buf[len] = '\0';
	const psl_ctx_t *psl = psl_builtin();
	if (!psl)
		return 0;
	const char *r = psl_registrable_domain(psl, buf);
	return r ? len - (size_t)(r - buf) : 0;
}

size_t oe_match_domain(const oe_match_ctx *c, const char *d, size_t len, oe_match_how how,
		       oe_match_hit *hits, size_t max)
{
	const oe_match_snap *s = c->snap;
	size_t n = 0;
	if (!s || !oe_match_has(s, OE_T_DOMAIN))
		return 0;
	probe_str(c, OE_T_DOMAIN, d, len, how, hits, &n, max);
	/* Parents with two labels or more, nearest first. The registrable
	 * domain bounds them; it is looked up only once one is found. */
	size_t reg = (size_t)-1;
	for (size_t i = 0; i < len && n < max; i++) {
		if (d[i] != '.')
			continue;
		const char *p = d + i + 1;
		size_t pl = len - i - 1;
		if (!memchr(p, '.', pl))
			break;
		size_t before = n;
		if (!probe_str(c, OE_T_DOMAIN, p, pl, OE_HOW_PARENT, hits, &n, max))
			continue;
		if (reg == (size_t)-1)
			reg = registrable_len(d, len);
		if (!reg || pl < reg) {
			n = before; /* above the registrable domain: a public suffix */
			break;
		}
	}
	return n;
}

bool oe_match_has(const oe_match_snap *s, oe_itype t)
{
	for (int i = 0; s && i < s->n; i++) {
		const oe_match_layer *l = s->layer[i];
		switch (t) {
		case OE_T_IPV4:
			if (l->ip4.n)
				return true;
			break;
		case OE_T_IPV6:
			if (l->ip6.n)
				return true;
			break;
		case OE_T_CIDR:
			if (l->c4_mask || l->c6_mask[0] || l->c6_mask[1] || l->c6_mask[2])
				return true;
			break;
		default:
			if (t > OE_T_NONE && t < OE_T__COUNT && l->str[t].n)
				return true;
		}
	}
	return false;
}

bool oe_match_url_host(const oe_match_snap *s, const char *h, size_t len)
{
	uint64_t hh = XXH3_64bits(h, len);
	for (int i = 0; s && i < s->n; i++)
		if (oe_match_str_find(&s->layer[i]->url_hosts, h, len, hh, NULL) != DESC_NONE)
			return true;
	return false;
}

/* ---- canonical values ------------------------------------------------- */

size_t oe_match_value(const oe_match_ctx *c, oe_itype t, const char *v, size_t len,
		      oe_match_hit *hits, size_t max)
{
	uint32_t ip, w[4];
	if (!c->snap)
		return 0;
	switch (t) {
	case OE_T_IPV4:
		return oe_match_parse_ip4(v, len, &ip)
			   ? oe_match_ip4(c, ip, OE_HOW_EXACT, hits, max)
			   : 0;
	case OE_T_IPV6:
		return oe_match_parse_ip6(v, len, w)
			   ? oe_match_ip6(c, (const uint8_t *)w, OE_HOW_EXACT, hits, max)
			   : 0;
	case OE_T_CIDR: {
		const char *slash = memchr(v, '/', len);
		if (!slash || slash + 1 == v + len || v + len - slash > 4)
			return 0;
		unsigned plen = 0;
		for (const char *p = slash + 1; p < v + len; p++) {
			if (*p < '0' || *p > '9')
				return 0;
			plen = plen * 10 + (unsigned)(*p - '0');
		}
		size_t an = (size_t)(slash - v), n = 0;
		if (oe_match_parse_ip4(v, an, &ip) && plen <= 32) {
			ip &= mask4(plen);
			for (int i = 0; i < c->snap->n; i++) {
				const oe_match_layer *l = c->snap->layer[i];
				uint32_t d = oe_match_ip4_find(&l->c4[plen], ip);
				if (d == DESC_NONE)
					continue;
				oe_match_hit *h =
				    hit(c, l, d, OE_T_CIDR, OE_HOW_EXACT, hits, &n, max);
				if (h)
					fmt4(h, ip, (int)plen);
				break;
			}
			return cidr4(c, ip, plen, hits, n, max);
		}
		if (oe_match_parse_ip6(v, an, w) && plen <= 128) {
			uint32_t key[4];
			mask6(key, w, plen);
			for (int i = 0; i < c->snap->n; i++) {
				const oe_match_layer *l = c->snap->layer[i];
				uint32_t d = oe_match_ip6_find(&l->c6[plen], key);
				if (d == DESC_NONE)
					continue;
				oe_match_hit *h =
				    hit(c, l, d, OE_T_CIDR, OE_HOW_EXACT, hits, &n, max);
				if (h)
					fmt6(h, key, (int)plen);
				break;
			}
			return cidr6(c, key, (int)plen, hits, n, max);
		}
		return 0;
	}
	case OE_T_DOMAIN: return oe_match_domain(c, v, len, OE_HOW_EXACT, hits, max);
	case OE_T_URL: {
		size_t n = oe_match_exact(c, OE_T_URL, v, len, hits, max);
		const char *h;
		size_t hn;
		if (n >= max || !oe_match_url_host_of(v, len, &h, &hn))
			return n;
		if (h[0] == '[' && hn > 2 && oe_match_parse_ip6(h + 1, hn - 2, w))
			return n + oe_match_ip6(c, (const uint8_t *)w, OE_HOW_URL_HOST, hits + n,
						max - n);
		if (oe_match_parse_ip4(h, hn, &ip))
			return n + oe_match_ip4(c, ip, OE_HOW_URL_HOST, hits + n, max - n);
		return n + oe_match_domain(c, h, hn, OE_HOW_URL_HOST, hits + n, max - n);
	}
	default: return oe_match_exact(c, t, v, len, hits, max);
	}
}
