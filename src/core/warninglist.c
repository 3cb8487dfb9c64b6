/* warninglist.c - MISP warninglists loaded into lookup structures (see
 * warninglist.h for what matches what).
 *
 * Layout, chosen so that a lookup costs a handful of hash probes and binary
 * searches whatever the number of lists:
 *   - one open-addressing hash table of strings for every string and
 *     hostname entry of every list. A key carries a chain of postings
 *     (list index, how it matches), so "google.com" present in three lists
 *     is one key. A domain lookup probes the name and each parent.
 *   - per address family, one array of (network, prefix length, list)
 *     sorted by length then network: a lookup binary-searches the group of
 *     each prefix length present (at most 33 / 129 groups, a few in practice).
 *   - substring and regex entries per list, scanned linearly (capped).
 * The answer is the lowest list index among all hits whose list applies to
 * the indicator's type.
 *
 * Loading stages everything fallible first (strings appended to the arena,
 * networks appended to the arrays, capacities reserved) and truncates back
 * on failure; only infallible steps (hash inserts, sorting) follow, so a
 * failed load leaves the set as it was. */
#include "warninglist.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <idn2.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

typedef unsigned __int128 u128;

enum wl_kind { WL_STRING, WL_HOSTNAME, WL_CIDR, WL_SUBSTRING, WL_REGEX };
static const char *const kind_names[] = {"string", "hostname", "cidr", "substring", "regex"};

/* How a posting matches the key it hangs from. */
enum {
	F_EXACT = 1, /* the value is the key, byte for byte (string lists) */
	F_FOLD = 2,  /* the case-folded value is the key (string lists, lower-case types) */
	F_HOST = 4,  /* the value is the key or a name below it (hostname lists) */
	F_SUB = 8,   /* the value is a name strictly below the key (".x" in string lists) */
};

/* Key bytes of all lists together. Keys are addressed by uint32_t offsets;
 * the full upstream set needs about 60 MB. */
#define WL_ARENA_MAX (1u << 30)

#define ALL_TYPES ((1u << OE_T__COUNT) - 1)
#define T(x)	  (1u << (x))
/* Types whose canonical form is all lower-case: string entries compare
 * case-folded for them. */
#define CI_TYPES                                                                                   \
	(T(OE_T_IPV4) | T(OE_T_IPV6) | T(OE_T_CIDR) | T(OE_T_DOMAIN) | T(OE_T_EMAIL) |             \
	 T(OE_T_MD5) | T(OE_T_SHA1) | T(OE_T_SHA256))

struct wl_slot {
	uint64_t hash;
	uint32_t off, len; /* key bytes in w->str; len 0: empty slot */
	int32_t head;	   /* first posting */
};

struct wl_post {
	int32_t next;
	uint16_t list;
	uint8_t flags;
};

struct wl_net {
	u128 net; /* v4 in the low 32 bits */
	uint16_t list;
	uint8_t len;
};

struct wl_netset {
	struct wl_net *a; /* sorted by (len, net, list) */
	size_t n, cap;
	unsigned bits;	    /* 32 or 128 */
	uint32_t from[130]; /* group of length L: a[from[L] .. from[L + 1]) */
	uint8_t lens[129];  /* the lengths present, ascending */
	unsigned nlens;
};

struct wl_sub {
	char *s, *fold; /* one allocation: s then fold */
	size_t len;
};

struct wl_list {
	char *name;
	enum wl_kind kind;
	uint32_t types; /* bit per oe_itype the list applies to */
	size_t entries, skipped;
	struct wl_sub *subs;
	size_t nsubs, subcap;
	regex_t *res;
	size_t nres, recap;
};

struct oe_warninglists {
	struct wl_list *lists;
	size_t nlists, listcap;
	size_t total; /* entries over all lists */
	size_t nsubs, nres;

	char *str; /* key bytes, not NUL-terminated */
	size_t strused, strcap;

	struct wl_slot *tab; /* power-of-two capacity, at most half full */
	size_t tabcap, tabused;

	struct wl_post *post;
	size_t npost, postcap;

	struct wl_netset v4, v6;
};

/* A key staged during a load: bytes already appended to w->str. */
struct wl_stage {
	uint32_t off, len;
	uint8_t flags;
};

static void seterr(char *err, size_t errcap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errcap, const char *fmt, ...)
{
	if (!err || errcap == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
}

/* Grows *p (an array of *cap elements of size sz) to hold need elements. */
static int reserve(void **p, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = reallocarray(*p, n, sz);
	if (!q)
		return OE_ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 29);
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s))
		(*s)++, (*n)--;
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* ---- hash table of strings ---- */

static int32_t tab_find(const oe_warninglists *w, const char *s, size_t n)
{
	if (!w->tabcap || n == 0)
		return -1;
	uint64_t h = hash_bytes(s, n);
	size_t mask = w->tabcap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct wl_slot *e = &w->tab[i];
		if (!e->len)
			return -1;
		if (e->hash == h && e->len == n && memcmp(w->str + e->off, s, n) == 0)
			return e->head;
	}
}

/* Makes room for need keys in all; the table is untouched on failure. */
static int tab_reserve(oe_warninglists *w, size_t need)
{
	size_t cap = w->tabcap ? w->tabcap : 64;
	while (cap < need * 2)
		cap *= 2;
	if (cap == w->tabcap)
		return 0;
	struct wl_slot *t = calloc(cap, sizeof(*t));
	if (!t)
		return OE_ENOMEM;
	for (size_t i = 0; i < w->tabcap; i++) {
		struct wl_slot *e = &w->tab[i];
		if (!e->len)
			continue;
		size_t j = e->hash & (cap - 1);
		while (t[j].len)
			j = (j + 1) & (cap - 1);
		t[j] = *e;
	}
	free(w->tab);
	w->tab = t;
	w->tabcap = cap;
	return 0;
}

/* Adds a posting; capacity for the key and the posting is already reserved. */
static void tab_add(oe_warninglists *w, const struct wl_stage *k, uint16_t list)
{
	const char *s = w->str + k->off;
	uint64_t h = hash_bytes(s, k->len);
	size_t mask = w->tabcap - 1, i = h & mask;
	for (;; i = (i + 1) & mask) {
		struct wl_slot *e = &w->tab[i];
		if (!e->len) {
			*e = (struct wl_slot){h, k->off, k->len, -1};
			w->tabused++;
			break;
		}
		if (e->hash == h && e->len == k->len && memcmp(w->str + e->off, s, k->len) == 0)
			break;
	}
	struct wl_slot *e = &w->tab[i];
	if (e->head >= 0 && w->post[e->head].list == list) {
		w->post[e->head].flags |= k->flags; /* same key twice in one list */
		return;
	}
	w->post[w->npost] = (struct wl_post){e->head, list, k->flags};
	e->head = (int32_t)w->npost++;
}

/* ---- networks ---- */

static u128 net_mask(unsigned len, unsigned bits)
{
	if (len == 0)
		return 0;
	if (bits == 32)
		return (uint32_t)(0xffffffffu << (32 - len));
	return ~(u128)0 << (128 - len);
}

static int net_cmp(const void *a, const void *b)
{
	const struct wl_net *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	return (x->list > y->list) - (x->list < y->list);
}

static void netset_index(struct wl_netset *s)
{
	if (s->n)
		qsort(s->a, s->n, sizeof(*s->a), net_cmp);
	size_t i = 0;
	s->nlens = 0;
	for (unsigned l = 0; l <= s->bits + 1; l++) {
		s->from[l] = (uint32_t)i;
		if (l > s->bits)
			break;
		size_t start = i;
		while (i < s->n && s->a[i].len == l)
			i++;
		if (i > start)
			s->lens[s->nlens++] = (uint8_t)l;
	}
}

/* Lowest list (below *best, applying to type t) with a network of s that
 * contains addr/len. */
static void netset_match(const oe_warninglists *w, const struct wl_netset *s, u128 addr,
			 unsigned len, oe_itype t, size_t *best)
{
	for (unsigned k = 0; k < s->nlens && s->lens[k] <= len; k++) {
		unsigned l = s->lens[k];
		u128 key = addr & net_mask(l, s->bits);
		size_t lo = s->from[l], hi = s->from[l + 1];
		while (lo < hi) { /* first entry with net >= key */
			size_t mid = lo + (hi - lo) / 2;
			if (s->a[mid].net < key)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < s->from[l + 1] && s->a[lo].net == key; lo++) {
			size_t li = s->a[lo].list;
			if (li >= *best)
				break;
			if (w->lists[li].types & T(t)) {
				*best = li;
				break;
			}
		}
	}
}

/* Parses an address (v4 dotted or v6) of n bytes into *a; *bits is 32 or
 * 128. Returns 0 or -1. */
static int parse_addr(const char *s, size_t n, u128 *a, unsigned *bits)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char b[16];
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (memchr(buf, ':', n)) {
		if (inet_pton(AF_INET6, buf, b) != 1)
			return -1;
		*bits = 128;
	} else {
		if (inet_pton(AF_INET, buf, b) != 1)
			return -1;
		*bits = 32;
	}
	u128 v = 0;
	for (unsigned i = 0; i < *bits / 8; i++)
		v = (v << 8) | b[i];
	*a = v;
	return 0;
}

/* Parses "addr" or "addr/len" (len in decimal, at most 3 digits). */
static int parse_cidr(const char *s, size_t n, u128 *a, unsigned *bits, unsigned *len)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	if (parse_addr(s, an, a, bits) < 0)
		return -1;
	*len = *bits;
	if (!slash)
		return 0;
	size_t dn = n - an - 1;
	if (dn == 0 || dn > 3)
		return -1;
	unsigned v = 0;
	for (size_t i = 0; i < dn; i++) {
		char c = slash[1 + i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
	}
	if (v > *bits)
		return -1;
	*len = v;
	return 0;
}

/* Canonical text of an address of n bytes into out (INET6_ADDRSTRLEN);
 * -1 when it is not one. */
static int canon_addr(const char *s, size_t n, char *out)
{
	u128 a;
	unsigned bits;
	unsigned char b[16];
	if (parse_addr(s, n, &a, &bits) < 0)
		return -1;
	for (int i = (int)bits / 8 - 1; i >= 0; i--, a >>= 8)
		b[i] = (unsigned char)a;
	return inet_ntop(bits == 32 ? AF_INET : AF_INET6, b, out, INET6_ADDRSTRLEN) ? 0 : -1;
}

/* ---- staging entries ---- */

/* Appends n bytes to the string arena; *off receives their offset. */
static int str_append(oe_warninglists *w, const char *s, size_t n, uint32_t *off)
{
	if (w->strused + n > WL_ARENA_MAX)
		return OE_ETOOBIG;
	int rc = reserve((void **)&w->str, &w->strcap, w->strused + n, 1);
	if (rc < 0)
		return rc;
	memcpy(w->str + w->strused, s, n);
	*off = (uint32_t)w->strused;
	w->strused += n;
	return 0;
}

struct stage_vec {
	struct wl_stage *a;
	size_t n, cap;
};

static int stage(oe_warninglists *w, struct stage_vec *v, const char *s, size_t n, uint8_t flags)
{
	/* The same bytes as the previous key of this entry: one posting. */
	if (v->n && v->a[v->n - 1].len == n && memcmp(w->str + v->a[v->n - 1].off, s, n) == 0) {
		v->a[v->n - 1].flags |= flags;
		return 0;
	}
	int rc = reserve((void **)&v->a, &v->cap, v->n + 1, sizeof(*v->a));
	if (rc < 0)
		return rc;
	struct wl_stage *k = &v->a[v->n];
	rc = str_append(w, s, n, &k->off);
	if (rc < 0)
		return rc;
	k->len = (uint32_t)n;
	k->flags = flags;
	v->n++;
	return 0;
}

/* A host name as lists write them: lower-cased in place, then checked.
 * Returns false for anything that cannot be a DNS name. */
static bool host_ok(char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] = lower(s[i]);
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static bool host_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = lower(s[i]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

static bool ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* Normalises a hostname-list entry (or the part after "." in a string list)
 * into buf (OE_WL_MAX_ENTRY + 1 bytes): strips "*." / "." and one trailing
 * dot, maps U-labels to A-labels, lower-cases; IPv6 literals become
 * canonical. Returns the length, or 0 when the entry is not a host name. */
static size_t norm_host(const char *s, size_t n, char *buf)
{
	if (n >= 2 && s[0] == '*' && s[1] == '.')
		s += 2, n -= 2;
	else if (n >= 1 && s[0] == '.')
		s++, n--;
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > OE_WL_MAX_ENTRY)
		return 0;
	if (memchr(s, ':', n)) {
		if (canon_addr(s, n, buf) < 0)
			return 0;
		return strlen(buf);
	}
	if (!ascii(s, n)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		char *a = NULL;
		if (strlen(buf) != n ||
		    idn2_to_ascii_8z(buf, &a, IDN2_NONTRANSITIONAL) != IDN2_OK) {
			idn2_free(a);
			return 0;
		}
		size_t an = strlen(a);
		if (an > OE_WL_MAX_ENTRY) {
			idn2_free(a);
			return 0;
		}
		memcpy(buf, a, an);
		idn2_free(a);
		n = an;
	} else {
		memcpy(buf, s, n);
	}
	buf[n] = '\0';
	return host_ok(buf, n) ? n : 0;
}

/* Stages the keys of one entry of a string or hostname list. Returns 0,
 * 1 when the entry is skipped, or a negative error. */
static int stage_entry(oe_warninglists *w, enum wl_kind kind, const char *s, size_t n,
		       struct stage_vec *v)
{
	char buf[OE_WL_MAX_ENTRY + 1];
	trim(&s, &n);
	if (n == 0 || n > OE_WL_MAX_ENTRY)
		return 1;
	if (kind == WL_HOSTNAME) {
		size_t hn = norm_host(s, n, buf);
		return hn ? stage(w, v, buf, hn, F_HOST) : 1;
	}
	/* string list: ".google.ad" means the names below google.ad */
	size_t pre = s[0] == '.' ? 1 : (n >= 2 && s[0] == '*' && s[1] == '.') ? 2 : 0;
	if (pre && host_chars(s + pre, n - pre)) {
		size_t hn = norm_host(s, n, buf);
		return hn ? stage(w, v, buf, hn, F_SUB) : 1;
	}
	int rc = stage(w, v, s, n, F_EXACT);
	if (rc < 0)
		return rc;
	/* The form a lower-case type would have. */
	size_t fn;
	if ((memchr(s, ':', n) || memchr(s, '.', n)) && canon_addr(s, n, buf) == 0) {
		fn = strlen(buf);
	} else {
		for (fn = 0; fn < n; fn++)
			buf[fn] = lower(s[fn]);
		if (fn > 1 && buf[fn - 1] == '.' && host_chars(buf, fn))
			fn--;
	}
	return stage(w, v, buf, fn, F_FOLD);
}

/* PCRE syntax that POSIX ERE would read differently (or expand into a huge
 * automaton). Returns NULL when the pattern is safe to give to regcomp,
 * else why not. */
static const char *regex_refuse(const char *p, size_t n)
{
	unsigned long cost = 1;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\\') {
			if (i + 1 == n)
				return "trailing backslash";
			char d = p[++i];
			/* glibc's own extensions \w \W \s \S \b \B \< \> \` \' mean what PCRE
			 * means (or are unused there); letters and digits otherwise do not. */
			if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
			    (d >= '0' && d <= '9'))
				if (!strchr("wWsSbB", d))
					return "PCRE-only escape";
			continue;
		}
		if (c == '(' && i + 1 < n && p[i + 1] == '?')
			return "PCRE group syntax (?";
		if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < n &&
		    (p[i + 1] == '?' || p[i + 1] == '+'))
			return "lazy or possessive quantifier";
		if (c == '[') {
			/* bracket expression: POSIX reads a backslash literally */
			size_t j = i + 1;
			if (j < n && p[j] == '^')
				j++;
			if (j < n && p[j] == ']')
				j++;
			for (; j < n && p[j] != ']'; j++) {
				if (p[j] == '\\')
					return "backslash inside brackets";
				if (p[j] == '[' && j + 1 < n && strchr(":.=", p[j + 1])) {
					char close = p[j + 1];
					j += 2;
					while (j + 1 < n && !(p[j] == close && p[j + 1] == ']'))
						j++;
					j++;
				}
			}
			i = j;
			continue;
		}
		if (c == '{') {
			unsigned long m = 0, k = 0;
			size_t j = i + 1, digits = 0;
			for (; j < n && p[j] >= '0' && p[j] <= '9' && digits < 6; j++, digits++)
				m = m * 10 + (unsigned long)(p[j] - '0');
			k = m;
			if (j < n && p[j] == ',') {
				k = m + 1; /* "{m,}": m copies and a star */
				size_t d2 = 0;
				unsigned long v = 0;
				for (j++; j < n && p[j] >= '0' && p[j] <= '9' && d2 < 6; j++, d2++)
					v = v * 10 + (unsigned long)(p[j] - '0');
				if (d2)
					k = v;
			}
			if (k > OE_WL_MAX_REGEX_REPEAT)
				return "repetition bound too large";
			cost *= k + 1;
			if (cost > OE_WL_MAX_REGEX_REPEAT)
				return "repetition bounds multiply too far";
		}
	}
	return NULL;
}

/* Compiles one regex entry into *re. Returns 0, 1 when skipped. */
static int compile_regex(const char *s, size_t n, regex_t *re)
{
	char buf[OE_WL_MAX_REGEX_LEN + 1];
	int cflags = REG_EXTENDED | REG_NOSUB;
	trim(&s, &n);
	if (n >= 2 && s[0] == '/') {
		const char *end = s + n - 1;
		while (end > s && *end != '/')
			end--;
		if (end == s)
			return 1;
		for (const char *f = end + 1; f < s + n; f++) {
			if (*f == 'i')
				cflags |= REG_ICASE;
			else if (!strchr("msuD", *f)) /* no-ops on one-line values */
				return 1;
		}
		n = (size_t)(end - s) - 1;
		s++;
	}
	if (n == 0 || n > OE_WL_MAX_REGEX_LEN || memchr(s, '\0', n) || regex_refuse(s, n))
		return 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return regcomp(re, buf, cflags) == 0 ? 0 : 1;
}

/* ---- matching_attributes ---- */

static const struct {
	const char *attr;
	uint32_t types;
} attr_types[] = {
    {"ip-src", T(OE_T_IPV4) | T(OE_T_IPV6) | T(OE_T_CIDR)},
    {"ip-dst", T(OE_T_IPV4) | T(OE_T_IPV6) | T(OE_T_CIDR)},
    {"ip-src|port", T(OE_T_IPV4) | T(OE_T_IPV6)},
    {"ip-dst|port", T(OE_T_IPV4) | T(OE_T_IPV6)},
    {"domain|ip", T(OE_T_DOMAIN) | T(OE_T_IPV4) | T(OE_T_IPV6)},
    {"domain", T(OE_T_DOMAIN)},
    {"hostname", T(OE_T_DOMAIN)},
    {"hostname|port", T(OE_T_DOMAIN)},
    {"url", T(OE_T_URL)},
    {"uri", T(OE_T_URL)},
    {"link", T(OE_T_URL)},
    {"email", T(OE_T_EMAIL)},
    {"email-src", T(OE_T_EMAIL)},
    {"email-dst", T(OE_T_EMAIL)},
    {"email-reply-to", T(OE_T_EMAIL)},
    {"target-email", T(OE_T_EMAIL)},
    {"whois-registrant-email", T(OE_T_EMAIL)},
    {"md5", T(OE_T_MD5)},
    {"filename|md5", T(OE_T_MD5)},
    {"sha1", T(OE_T_SHA1)},
    {"filename|sha1", T(OE_T_SHA1)},
    {"sha256", T(OE_T_SHA256)},
    {"filename|sha256", T(OE_T_SHA256)},
    {"phone-number", T(OE_T_PHONE)},
    {"whois-registrant-phone", T(OE_T_PHONE)},
    {"iban", T(OE_T_BANK)},
    {"bank-account-nr", T(OE_T_BANK)},
    {"btc", T(OE_T_WALLET)},
    {"xmr", T(OE_T_WALLET)},
    {"dash", T(OE_T_WALLET)},
    {"ALL", ALL_TYPES},
};

static int parse_attrs(const json_t *a, uint32_t *types, char *err, size_t errcap)
{
	*types = ALL_TYPES;
	if (!a)
		return 0;
	if (!json_is_array(a)) {
		seterr(err, errcap, "\"matching_attributes\" is not an array");
		return OE_EINVAL;
	}
	if (json_array_size(a) == 0)
		return 0;
	uint32_t m = 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *v = json_array_get(a, i);
		if (!json_is_string(v)) {
			seterr(err, errcap, "\"matching_attributes\" item %zu is not a string", i);
			return OE_EINVAL;
		}
		for (size_t k = 0; k < OE_ARRAY_SIZE(attr_types); k++)
			if (strcmp(json_string_value(v), attr_types[k].attr) == 0)
				m |= attr_types[k].types;
	}
	*types = m; /* only attribute types oureyes does not have: applies to nothing */
	return 0;
}

/* ---- the set ---- */

oe_warninglists *oe_warninglists_new(void)
{
	oe_warninglists *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->v4.bits = 32;
	w->v6.bits = 128;
	netset_index(&w->v4);
	netset_index(&w->v6);
	return w;
}

static void list_free(struct wl_list *l)
{
	free(l->name);
	for (size_t i = 0; i < l->nsubs; i++)
		free(l->subs[i].s);
	free(l->subs);
	for (size_t i = 0; i < l->nres; i++)
		regfree(&l->res[i]);
	free(l->res);
}

void oe_warninglists_free(oe_warninglists *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nlists; i++)
		list_free(&w->lists[i]);
	free(w->lists);
	free(w->str);
	free(w->tab);
	free(w->post);
	free(w->v4.a);
	free(w->v6.a);
	free(w);
}

size_t oe_warninglists_count(const oe_warninglists *w)
{
	return w ? w->nlists : 0;
}

const char *oe_warninglists_name(const oe_warninglists *w, size_t i)
{
	return w && i < w->nlists ? w->lists[i].name : NULL;
}

int oe_warninglists_info(const oe_warninglists *w, size_t i, oe_warninglist_info *out)
{
	if (!w || i >= w->nlists)
		return OE_ENOTFOUND;
	const struct wl_list *l = &w->lists[i];
	*out = (oe_warninglist_info){l->name, kind_names[l->kind], l->entries, l->skipped};
	return 0;
}

/* Loads the entries of items into l (index li of w). Everything appended to
 * w is truncated back by the caller on failure. */
static int load_entries(oe_warninglists *w, struct wl_list *l, uint16_t li, const json_t *items,
			struct stage_vec *v, char *err, size_t errcap)
{
	size_t n = json_array_size(items);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(items, i);
		if (!json_is_string(it)) {
			seterr(err, errcap, "\"list\" item %zu is not a string", i);
			rc = OE_EINVAL;
			goto out;
		}
		const char *s = json_string_value(it);
		size_t sn = json_string_length(it);
		int skip = 1;
		switch (l->kind) {
		case WL_STRING:
		case WL_HOSTNAME: skip = stage_entry(w, l->kind, s, sn, v); break;
		case WL_CIDR: {
			u128 a;
			unsigned bits, len;
			trim(&s, &sn);
			if (parse_cidr(s, sn, &a, &bits, &len) < 0)
				break;
			struct wl_netset *ns = bits == 32 ? &w->v4 : &w->v6;
			skip = reserve((void **)&ns->a, &ns->cap, ns->n + 1, sizeof(*ns->a));
			if (skip == 0)
				ns->a[ns->n++] =
				    (struct wl_net){a & net_mask(len, bits), li, (uint8_t)len};
			break;
		}
		case WL_SUBSTRING: {
			trim(&s, &sn);
			if (sn == 0 || sn > OE_WL_MAX_ENTRY)
				break;
			if (w->nsubs + l->nsubs >= OE_WL_MAX_SUBSTRINGS) {
				seterr(err, errcap, "more than %d substring entries in all lists",
				       OE_WL_MAX_SUBSTRINGS);
				rc = OE_ETOOBIG;
				goto out;
			}
			char *b = NULL;
			if (reserve((void **)&l->subs, &l->subcap, l->nsubs + 1, sizeof(*l->subs)) <
				0 ||
			    !(b = malloc(2 * sn + 2))) {
				skip = OE_ENOMEM;
				break;
			}
			memcpy(b, s, sn);
			b[sn] = '\0';
			for (size_t k = 0; k <= sn; k++)
				b[sn + 1 + k] = lower(b[k]);
			l->subs[l->nsubs++] = (struct wl_sub){b, b + sn + 1, sn};
			skip = 0;
			break;
		}
		case WL_REGEX:
			if (w->nres + l->nres >= OE_WL_MAX_REGEXES) {
				seterr(err, errcap, "more than %d regular expressions in all lists",
				       OE_WL_MAX_REGEXES);
				rc = OE_ETOOBIG;
				goto out;
			}
			skip = reserve((void **)&l->res, &l->recap, l->nres + 1, sizeof(*l->res));
			if (skip == 0 && (skip = compile_regex(s, sn, &l->res[l->nres])) == 0)
				l->nres++;
			break;
		}
		if (skip < 0) {
			rc = skip;
			seterr(err, errcap, "%s",
			       rc == OE_ETOOBIG ? "warninglists exceed their total size limit"
						: "out of memory loading a warninglist");
			goto out;
		}
		if (skip)
			l->skipped++;
		else
			l->entries++;
	}
out:
	return rc;
}

int oe_warninglists_load_json(oe_warninglists *w, const char *buf, size_t len, char *err,
			      size_t errcap)
{
	json_t *j = NULL;
	struct wl_list l = {0};
	struct stage_vec v = {0};
	size_t str0 = w->strused, v4n = w->v4.n, v6n = w->v6.n;
	int rc;

	if (len > OE_WL_MAX_FILE) {
		seterr(err, errcap, "warninglist is %zu bytes, over the limit of %u", len,
		       OE_WL_MAX_FILE);
		rc = OE_ETOOBIG;
		goto out;
	}
	if (w->nlists >= OE_WL_MAX_LISTS) {
		seterr(err, errcap, "more than %d warninglists", OE_WL_MAX_LISTS);
		rc = OE_ETOOBIG;
		goto out;
	}
	if ((rc = oe_json_parse(buf, len, &j, err, errcap)) < 0)
		goto out;
	rc = OE_EINVAL;
	if (!json_is_object(j)) {
		seterr(err, errcap, "warninglist is not a JSON object");
		goto out;
	}
	const json_t *jname = json_object_get(j, "name");
	const json_t *jtype = json_object_get(j, "type");
	const json_t *items = json_object_get(j, "list");
	if (!json_is_string(jname) || json_string_length(jname) == 0) {
		seterr(err, errcap, "warninglist has no \"name\" string");
		goto out;
	}
	const char *name = json_string_value(jname);
	if (json_string_length(jname) > OE_WL_MAX_NAME) {
		seterr(err, errcap, "warninglist name is longer than %d bytes", OE_WL_MAX_NAME);
		rc = OE_ETOOBIG;
		goto out;
	}
	if (!json_is_string(jtype)) {
		seterr(err, errcap, "warninglist \"%s\" has no \"type\" string", name);
		goto out;
	}
	size_t k;
	for (k = 0; k < OE_ARRAY_SIZE(kind_names); k++)
		if (strcmp(json_string_value(jtype), kind_names[k]) == 0)
			break;
	if (k == OE_ARRAY_SIZE(kind_names)) {
		seterr(err, errcap,
		       "warninglist \"%s\" has type \"%.32s\"; expected string, hostname, cidr, "
		       "substring or regex",
		       name, json_string_value(jtype));
		goto out;
	}
	l.kind = (enum wl_kind)k;
	if (!json_is_array(items)) {
		seterr(err, errcap, "warninglist \"%s\" has no \"list\" array", name);
		goto out;
	}
	if (json_array_size(items) > OE_WL_MAX_ENTRIES ||
	    w->total + json_array_size(items) > OE_WL_MAX_TOTAL) {
		seterr(err, errcap, "warninglist \"%s\" has %zu entries, over the limit", name,
		       json_array_size(items));
		rc = OE_ETOOBIG;
		goto out;
	}
	if ((rc = parse_attrs(json_object_get(j, "matching_attributes"), &l.types, err, errcap)) <
	    0)
		goto out;
	for (size_t i = 0; i < w->nlists; i++)
		if (strcmp(w->lists[i].name, name) == 0) {
			seterr(err, errcap, "warninglist \"%s\" is already loaded", name);
			rc = OE_EEXIST;
			goto out;
		}
	rc = OE_ENOMEM;
	if (!(l.name = strdup(name)) ||
	    reserve((void **)&w->lists, &w->listcap, w->nlists + 1, sizeof(*w->lists)) < 0) {
		seterr(err, errcap, "out of memory loading a warninglist");
		goto out;
	}

	uint16_t li = (uint16_t)w->nlists;
	if ((rc = load_entries(w, &l, li, items, &v, err, errcap)) < 0)
		goto out;
	if (reserve((void **)&w->post, &w->postcap, w->npost + v.n, sizeof(*w->post)) < 0 ||
	    tab_reserve(w, w->tabused + v.n) < 0) {
		seterr(err, errcap, "out of memory loading a warninglist");
		rc = OE_ENOMEM;
		goto out;
	}

	/* Nothing below can fail. */
	for (size_t i = 0; i < v.n; i++)
		tab_add(w, &v.a[i], li);
	if (w->v4.n != v4n)
		netset_index(&w->v4);
	if (w->v6.n != v6n)
		netset_index(&w->v6);
	w->nsubs += l.nsubs;
	w->nres += l.nres;
	w->total += l.entries;
	w->lists[w->nlists++] = l;
	l = (struct wl_list){0};
	rc = 0;
out:
	if (rc < 0) {
		w->strused = str0;
		w->v4.n = v4n;
		w->v6.n = v6n;
	}
	list_free(&l);
	free(v.a);
	json_decref(j);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads path whole into *buf (malloc'ed, caller frees). */
static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errcap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *b = NULL;
	int rc = OE_EIO;
	struct stat st;
	*buf = NULL;
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return OE_ENOTFOUND; /* no list here: not an error for the caller */
		seterr(err, errcap, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		seterr(err, errcap, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > OE_WL_MAX_FILE) {
		seterr(err, errcap, "%s: %lld bytes, over the limit of %u", path,
		       (long long)st.st_size, OE_WL_MAX_FILE);
		rc = OE_ETOOBIG;
		goto out;
	}
	size_t n = (size_t)st.st_size, got = 0;
	if (!(b = malloc(n ? n : 1))) {
		rc = OE_ENOMEM;
		seterr(err, errcap, "%s: out of memory", path);
		goto out;
	}
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			seterr(err, errcap, "%s: %s", path,
			       r < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		got += (size_t)r;
	}
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	if (fd >= 0)
		close(fd);
	return rc;
}

int oe_warninglists_load_dir(oe_warninglists *w, const char *dir, char *err, size_t errcap)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	char *buf = NULL;
	int rc = 0;
	if (!d) {
		rc = errno == ENOENT ? OE_ENOTFOUND : OE_EIO;
		seterr(err, errcap, "%s: %s", dir, strerror(errno));
		goto out;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == OE_WL_MAX_DIRENTS) {
			seterr(err, errcap, "%s: more than %d entries", dir, OE_WL_MAX_DIRENTS);
			rc = OE_ETOOBIG;
			goto out;
		}
		if (reserve((void **)&names, &cap, n + 1, sizeof(*names)) < 0 ||
		    !(names[n] = strdup(e->d_name))) {
			seterr(err, errcap, "%s: out of memory", dir);
			rc = OE_ENOMEM;
			goto out;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[4096], sub[512];
		size_t len;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s/list.json", dir, names[i]) >=
		    sizeof(path)) {
			seterr(err, errcap, "%s/%s: path too long", dir, names[i]);
			rc = OE_EINVAL;
			goto out;
		}
		rc = read_file(path, &buf, &len, err, errcap);
		if (rc == OE_ENOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			goto out;
		rc = oe_warninglists_load_json(w, buf, len, sub, sizeof(sub));
		free(buf);
		buf = NULL;
		if (rc < 0) {
			seterr(err, errcap, "%s: %s", path, sub);
			goto out;
		}
	}
out:
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(buf);
	return rc;
}

/* ---- matching ---- */

static void post_match(const oe_warninglists *w, int32_t p, unsigned accept, oe_itype t,
		       size_t *best)
{
	for (; p >= 0; p = w->post[p].next) {
		const struct wl_post *q = &w->post[p];
		if ((q->flags & accept) && q->list < *best && (w->lists[q->list].types & T(t)))
			*best = q->list;
	}
}

/* A host name: the name itself with first, each parent with parent. */
static void host_match(const oe_warninglists *w, const char *h, size_t n, unsigned first,
		       unsigned parent, oe_itype t, size_t *best)
{
	if (n && h[n - 1] == '.')
		n--;
	post_match(w, tab_find(w, h, n), first, t, best);
	for (size_t i = 0; i + 1 < n && *best; i++)
		if (h[i] == '.')
			post_match(w, tab_find(w, h + i + 1, n - i - 1), parent, t, best);
}

/* An address (or network of length len) of n bytes at s. */
static void addr_match(const oe_warninglists *w, const char *s, size_t n, oe_itype t, bool net,
		       size_t *best)
{
	u128 a;
	unsigned bits, len;
	int r = net ? parse_cidr(s, n, &a, &bits, &len) : parse_addr(s, n, &a, &bits);
	if (r < 0)
		return;
	if (!net)
		len = bits;
	netset_match(w, bits == 32 ? &w->v4 : &w->v6, a, len, t, best);
}

/* The host of a canonical URL: scheme://[user@]host[:port][/...]. */
static void url_host(const char *u, const char **h, size_t *n)
{
	const char *p = strstr(u, "://");
	p = p ? p + 3 : u;
	size_t an = strcspn(p, "/?#");
	const char *at = NULL;
	for (size_t i = 0; i < an; i++)
		if (p[i] == '@')
			at = p + i;
	if (at) {
		an -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (an && p[0] == '[') {
		const char *close = memchr(p, ']', an);
		*h = p + 1;
		*n = close ? (size_t)(close - p - 1) : 0;
		return;
	}
	const char *colon = memchr(p, ':', an);
	*h = p;
	*n = colon ? (size_t)(colon - p) : an;
}

const char *oe_warninglists_match(const oe_warninglists *w, oe_itype type,
				  const char *canonical_value)
{
	if (!w || !canonical_value || type <= OE_T_NONE || type >= OE_T__COUNT)
		return NULL;
	const char *v = canonical_value;
	size_t n = strnlen(v, OE_VALUE_MAX + 1);
	if (n == 0 || n > OE_VALUE_MAX)
		return NULL;
	size_t best = w->nlists;
	unsigned whole = F_EXACT | ((CI_TYPES & T(type)) ? F_FOLD : 0);

	switch (type) {
	case OE_T_DOMAIN: host_match(w, v, n, whole | F_HOST, F_HOST | F_SUB, type, &best); break;
	case OE_T_IPV4:
	case OE_T_IPV6:
		addr_match(w, v, n, type, false, &best);
		post_match(w, tab_find(w, v, n), whole | F_HOST, type, &best);
		break;
	case OE_T_CIDR:
		addr_match(w, v, n, type, true, &best);
		post_match(w, tab_find(w, v, n), whole, type, &best);
		break;
	case OE_T_URL: {
		const char *h;
		size_t hn;
		post_match(w, tab_find(w, v, n), whole, type, &best);
		url_host(v, &h, &hn);
		if (hn == 0)
			break;
		u128 a;
		unsigned bits;
		if (parse_addr(h, hn, &a, &bits) == 0) {
			netset_match(w, bits == 32 ? &w->v4 : &w->v6, a, bits, type, &best);
			post_match(w, tab_find(w, h, hn), F_EXACT | F_FOLD | F_HOST, type, &best);
		} else {
			host_match(w, h, hn, F_EXACT | F_FOLD | F_HOST, F_HOST | F_SUB, type,
				   &best);
		}
		break;
	}
	case OE_T_EMAIL: {
		post_match(w, tab_find(w, v, n), whole, type, &best);
		const char *at = memrchr(v, '@', n);
		if (at && at + 1 < v + n)
			host_match(w, at + 1, (size_t)(v + n - at - 1), F_HOST, F_HOST, type,
				   &best);
		break;
	}
	default: post_match(w, tab_find(w, v, n), whole, type, &best); break;
	}

	/* Substrings and regexes: linear, in list order, only lists that could
	 * still win. */
	if (w->nsubs || w->nres)
		for (size_t i = 0; i < best; i++) {
			const struct wl_list *l = &w->lists[i];
			if (!(l->types & T(type)))
				continue;
			for (size_t k = 0; k < l->nsubs && best != i; k++) {
				const char *needle =
				    (CI_TYPES & T(type)) ? l->subs[k].fold : l->subs[k].s;
				if (memmem(v, n, needle, l->subs[k].len))
					best = i;
			}
			for (size_t k = 0; k < l->nres && best != i; k++)
				if (regexec(&l->res[k], v, 0, NULL, 0) == 0)
					best = i;
		}
	return best < w->nlists ? w->lists[best].name : NULL;
}
