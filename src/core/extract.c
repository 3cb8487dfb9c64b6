/* extract.c - indicators in free text (see extract.h).
 *
 * One pass with a cursor. The cursor stops only at the first byte of an
 * ASCII letter-or-digit token (and at "::", where an IPv6 address may
 * start), so nothing is ever matched inside a longer token; at a token it
 * tries, in order:
 *   url      "http", "https", "hxxp", "hxxps" + "://" (or "[:]//",
 *            "[://]", "(:)//"), or "www."; up to white space or a byte
 *            that URLs do not carry raw, then trailing punctuation and
 *            unbalanced closing brackets are dropped.
 *   wallet   a word of 25 to OE_WALLET_MAX letters and digits (bech32 from
 *            14), which oe_wallet_canon must accept: checksums make chance
 *            hits on ordinary words practically impossible.
 *   ipv6     hex digits, ':' and '.', with at least two ':'.
 *   token    letters, digits, "-_+%", '.' and '@', and the defanged
 *            spellings "[.]" "(.)" "{.}" "[dot]" "(dot)" "[at]" "(at)"
 *            "[@]" (optionally with a space either side): an e-mail when
 *            it has one '@', an IPv4 address when it is a dotted quad, a
 *            domain when it has letters and a dot and its last label is a
 *            top-level domain of the Public Suffix List ("file.txt",
 *            "Mr.Smith" and "a.b" are not domains).
 *   digits   groups of digits joined by one to three of " -.()" (and a
 *            '+' or '(' before): a bank account when a bank's name, alias
 *            or letter code of the chosen country ends at most
 *            BANK_GAP_MAX bytes before it, with no other number or value
 *            and no telephone word ("telp", "WA", "电话") in between; else
 *            a phone number when it has 8 to 15 digits and libphonenumber
 *            calls it valid. Money ("Rp 1.500.000", "15000000 rupiah") and
 *            dates are neither. A run of groups may hold several numbers
 *            ("0812 3456 7890 0813 1111 2222"); the longest that passes
 *            wins, and a phone number cut out of a longer run must start
 *            with '0', '+' or '('.
 * A domain that is the host of a URL or the domain of an e-mail address
 * already reported is not reported again on its own.
 *
 * Cost: linear in the text. Each distinct candidate is canonicalised once
 * (a memo of input -> result), and libphonenumber, the one costly check,
 * runs at most PHONE_CHECKS_MAX times per text.
 *
 * Known gaps: non-ASCII URLs and domains (IDN) and full-width digits are
 * not recognised; a bank name only covers the next number after it, so in
 * "BCA 1234567890 atau 0987654321" the second number is tried as a phone;
 * numeric bank codes ("014 1234567890") are not read as bank names. */
#include "extract.h"

#include <libpsl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "bank.h"
#include "wallet.h"

/* Bytes allowed between the end of a bank's name and the account number:
 * room for "no. rek.", "a/n Budi Santoso" and the like, not for a second
 * sentence. */
#define BANK_GAP_MAX 48

/* Refanged bytes of one address-like token: an e-mail is at most 254, a
 * domain 253; longer is not one. */
#define TOKEN_MAX 320

/* Digit groups in one phone number or account ("+62 (0) 812 3456 7890" has
 * five), and digit groups looked at in one run before it is cut. */
#define NUMBER_GROUPS_MAX 8
#define RUN_GROUPS_MAX	  64

/* Phone and bank canonicalisations tried per run of digits: a text of
 * "1 2 3 4 5 ..." must stay linear. Real runs need one or two. */
#define RUN_TRIES_MAX 8

/* libphonenumber calls per text (about 25 us each): a story has a few
 * numbers, a megabyte of distinct ones would otherwise cost seconds. Past
 * this, numbers are no longer read as phones. Repeats cost nothing (see
 * memo below). */
#define PHONE_CHECKS_MAX 4096

/* Where a text longer than OE_EXTRACT_TEXT_MAX is cut: at the last white
 * space within this many bytes of the limit, so that no number or name is
 * read cut in half (as a shorter, different one). */
#define CUT_BACK_MAX 4096

#define PHONE_DIGITS_MIN 8
#define PHONE_DIGITS_MAX 15 /* E.164 */

/* ---- character classes -------------------------------------------------- */

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}
static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}
static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ---- tables of strings --------------------------------------------------
 * One open-addressing table, used twice: as the memo of canonicalisations
 * (key: type and input; result: canonical value, or "" when refused) and
 * as the set of values reported (key: type and value; no result). Entries
 * live in the table's arena. */

typedef struct {
	uint32_t n; /* bytes of key */
	unsigned char t;
	char data[]; /* key, NUL, result, NUL */
} entry;

typedef struct {
	oe_arena a;
	entry **slot;
	size_t cap, used;
} table;

/* FNV-1a of the type and n bytes at v. */
static uint64_t hash_key(oe_itype t, const char *v, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)t;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)v[i]) * 1099511628211ull;
	return h;
}

/* The slot of (t, key[0..n)): its entry, or the empty slot to fill. NULL
 * when out of memory. */
static entry **table_slot(table *tb, oe_itype t, const char *key, size_t n)
{
	if ((tb->used + 1) * 2 > tb->cap) {
		size_t cap = tb->cap ? tb->cap * 2 : 64;
		entry **slot = calloc(cap, sizeof(*slot));
		if (!slot)
			return NULL;
		for (size_t i = 0; i < tb->cap; i++) {
			entry *e = tb->slot[i];
			if (!e)
				continue;
			size_t j = hash_key((oe_itype)e->t, e->data, e->n) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = e;
		}
		free(tb->slot);
		tb->slot = slot;
		tb->cap = cap;
	}
	size_t j = hash_key(t, key, n) & (tb->cap - 1);
	for (; tb->slot[j]; j = (j + 1) & (tb->cap - 1)) {
		const entry *e = tb->slot[j];
		if (e->t == (unsigned char)t && e->n == n && memcmp(e->data, key, n) == 0)
			break;
	}
	return &tb->slot[j];
}

/* Fill the empty slot with (t, key, result). */
static bool table_put(table *tb, entry **slot, oe_itype t, const char *key, size_t n,
		      const char *result)
{
	size_t rn = strlen(result);
	entry *e = oe_arena_alloc(&tb->a, sizeof(*e) + n + rn + 2);
	if (!e)
		return false;
	e->n = (uint32_t)n;
	e->t = (unsigned char)t;
	memcpy(e->data, key, n);
	e->data[n] = '\0';
	memcpy(e->data + n + 1, result, rn + 1);
	*slot = e;
	tb->used++;
	return true;
}

static const char *entry_result(const entry *e)
{
	return e->data + e->n + 1;
}

static void table_free(table *tb)
{
	free(tb->slot);
	oe_arena_clear(&tb->a);
}

/* ---- bank names --------------------------------------------------------- */

typedef struct {
	const char *s; /* a name, alias or letter code */
	size_t n;
	const oe_bank *bank;
} bank_name;

typedef struct {
	bank_name *v;
	size_t n, longest;
	/* Names by their first byte (lower case): [first[c], first[c + 1]). */
	size_t first[257];
} bank_names;

static unsigned char key_byte(const char *s)
{
	return lower((unsigned char)s[0]);
}

static int cmp_name(const void *a, const void *b)
{
	const bank_name *x = a, *y = b;
	return (int)key_byte(x->s) - (int)key_byte(y->s);
}

static bool has_letter(const char *s)
{
	for (; *s; s++)
		if (is_alpha((unsigned char)*s))
			return true;
	return false;
}

static int bank_names_load(bank_names *bn, const char *cc)
{
	memset(bn, 0, sizeof(*bn));
	size_t cap = oe_bank_count() * (OE_BANK_ALIASES_MAX + 2);
	bn->v = malloc((cap ? cap : 1) * sizeof(*bn->v));
	if (!bn->v)
		return OE_ENOMEM;
	for (size_t i = 0; i < oe_bank_count(); i++) {
		const oe_bank *b = oe_bank_at(i);
		if (strncasecmp(b->country, cc, 2) != 0)
			continue;
		const char *names[OE_BANK_ALIASES_MAX + 2];
		size_t k = 0;
		names[k++] = b->name;
		if (has_letter(b->code)) /* "014" in text is anything; a BIC is not */
			names[k++] = b->code;
		for (size_t j = 0; j < OE_BANK_ALIASES_MAX && b->aliases[j]; j++)
			names[k++] = b->aliases[j];
		for (size_t j = 0; j < k; j++) {
			size_t n = strlen(names[j]);
			if (n == 0)
				continue;
			bn->v[bn->n++] = (bank_name){names[j], n, b};
			if (n > bn->longest)
				bn->longest = n;
		}
	}
	qsort(bn->v, bn->n, sizeof(*bn->v), cmp_name);
	size_t j = 0;
	for (unsigned c = 0; c <= 256; c++) {
		while (j < bn->n && key_byte(bn->v[j].s) < c)
			j++;
		bn->first[c] = j;
	}
	return 0;
}

/* Does name match the text at p (not past end)? Letters compare ignoring
 * case; a space or punctuation in the name matches any run of ASCII
 * punctuation and white space in the text; a dot in the text may stand
 * between two letters ("B.C.A."). Returns the end of the match, or 0. */
static size_t name_at(const unsigned char *t, size_t p, size_t end, const bank_name *bn)
{
	const unsigned char *a = (const unsigned char *)bn->s, *ae = a + bn->n;
	size_t k = p;
	while (a < ae) {
		if (*a < 0x80 && !is_alnum(*a)) {
			while (a < ae && *a < 0x80 && !is_alnum(*a))
				a++;
			while (k < end && t[k] < 0x80 && !is_alnum(t[k]))
				k++;
			continue;
		}
		if (k + 1 < end && t[k] == '.' && k > p && is_alnum(t[k - 1]) && is_alnum(t[k + 1]))
			k++;
		if (k >= end || lower(t[k]) != lower(*a))
			return 0;
		k++;
		a++;
	}
	return k;
}

/* Words that say a number is a telephone number, whatever came before. */
static const char *const phone_words[] = {
    "hp",
    "wa",
    "whatsapp",
    "telp",
    "telpon",
    "telepon",
    "tel",
    "phone",
    "call",
    "sms",
    "line",
    "telegram",
    "ponsel",
    "handphone",
    "mobile",
    "\xe7\x94\xb5\xe8\xaf\x9d" /* 电话 */,
    "\xe6\x89\x8b\xe6\x9c\xba" /* 手机 */,
};

/* Is word (ASCII words: as a whole word) in t[lo, hi)? */
static bool word_in(const unsigned char *t, size_t lo, size_t hi, const char *w)
{
	size_t n = strlen(w);
	bool ascii = is_alpha((unsigned char)w[0]);
	for (size_t p = lo; p + n <= hi; p++) {
		if (ascii && p > lo && is_alnum(t[p - 1]))
			continue;
		size_t i = 0;
		while (i < n && lower(t[p + i]) == (unsigned char)w[i])
			i++;
		if (i == n && (!ascii || p + n == hi || !is_alnum(t[p + n])))
			return true;
	}
	return false;
}

/* The bank named closest before at, ending at most BANK_GAP_MAX bytes
 * before it and not before lo, with no telephone word in between. */
static const oe_bank *bank_before(const bank_names *bn, const unsigned char *t, size_t lo,
				  size_t at)
{
	if (bn->n == 0 || lo >= at)
		return NULL;
	size_t back = BANK_GAP_MAX + 2 * bn->longest;
	size_t p = at - lo > back ? at - back : lo;
	const bank_name *best = NULL;
	size_t best_end = 0, best_len = 0;
	for (; p < at; p++) {
		unsigned char c = lower(t[p]);
		if (c < 0x80 && (!is_alnum(c) || (p > 0 && is_alnum(t[p - 1]))))
			continue; /* names start at a word */
		for (size_t i = bn->first[c]; i < bn->first[c + 1]; i++) {
			const bank_name *nm = &bn->v[i];
			size_t e = name_at(t, p, at, nm);
			if (!e || at - e > BANK_GAP_MAX)
				continue;
			unsigned char last = (unsigned char)nm->s[nm->n - 1];
			if (last < 0x80 && is_alnum(last) && e < at && is_alnum(t[e]))
				continue; /* "BCAX" */
			if (e > best_end || (e == best_end && nm->n > best_len)) {
				best = nm;
				best_end = e;
				best_len = nm->n;
			}
		}
	}
	if (!best)
		return NULL;
	for (size_t i = 0; i < OE_ARRAY_SIZE(phone_words); i++)
		if (word_in(t, best_end, at, phone_words[i]))
			return NULL;
	return best->bank;
}

/* ---- the scanner -------------------------------------------------------- */

typedef struct {
	const unsigned char *t;
	size_t n;
	const oe_canon_opts *canon;
	char cc[3]; /* bank country */
	bank_names banks;
	table seen; /* values reported (and domains covered) */
	size_t max, count;
	oe_extract_fn fn;
	void *ud;
	bool stop;
	int err;
	/* Bank names before this offset belong to an earlier number. */
	size_t barrier;
	size_t tries;	     /* canonicalisations left for the current run of digits */
	size_t phone_checks; /* libphonenumber calls left for the text */
	table memo;	     /* oe_canon answers, see canon() */
} scan;

/* Add (t, v) to the values seen; true when it was not there. */
static bool mark_seen(scan *s, oe_itype t, const char *v)
{
	size_t n = strlen(v);
	entry **slot = table_slot(&s->seen, t, v, n);
	if (slot && *slot)
		return false;
	if (!slot || !table_put(&s->seen, slot, t, v, n, "")) {
		s->err = OE_ENOMEM;
		s->stop = true;
		return false;
	}
	return true;
}

static void report(scan *s, oe_itype t, const char *v, size_t off, size_t len)
{
	s->barrier = off + len; /* a value, new or not, ends any bank's reach */
	if (!mark_seen(s, t, v))
		return;
	s->count++;
	if (s->fn && s->fn(s->ud, t, v, off, len))
		s->stop = true;
	if (s->max && s->count >= s->max)
		s->stop = true;
}

/* oe_canon of n bytes at in, answered from the memo when it was asked
 * before. Returns true with the canonical value in out (OE_VALUE_MAX + 1
 * bytes). */
static bool canon(scan *s, oe_itype t, const char *in, size_t n, char *out)
{
	if (n > OE_VALUE_MAX)
		return false;
	entry **slot = table_slot(&s->memo, t, in, n);
	if (!slot)
		goto nomem;
	if (*slot) {
		const char *v = entry_result(*slot);
		size_t vn = strlen(v);
		memcpy(out, v, vn + 1);
		return vn > 0;
	}
	if (t == OE_T_PHONE) {
		if (s->phone_checks == 0)
			return false; /* not remembered: the budget may be why */
		s->phone_checks--;
	}
	const char *why;
	if (oe_canon(t, in, n, s->canon, out, OE_VALUE_MAX + 1, &why) != 0)
		out[0] = '\0';
	if (!table_put(&s->memo, slot, t, in, n, out))
		goto nomem;
	return out[0] != '\0';
nomem:
	s->err = OE_ENOMEM;
	s->stop = true;
	return false;
}

/* Mark domain d as reported, without reporting it: it was part of a URL
 * or an e-mail address. */
static void cover_domain(scan *s, const char *d, size_t n)
{
	char buf[OE_VALUE_MAX + 1];
	if (n == 0 || n > OE_VALUE_MAX || d[0] == '[')
		return;
	memcpy(buf, d, n);
	buf[n] = '\0';
	mark_seen(s, OE_T_DOMAIN, buf);
}

static bool starts_ci(const unsigned char *t, size_t p, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n - p < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lower(t[p + i]) != (unsigned char)w[i])
			return false;
	return true;
}

/* Length of a defanged dot or at-sign at p ("[.]", " [at] "...), with *c
 * set to '.' or '@'; 0 when there is none. */
static size_t defang_at(const unsigned char *t, size_t p, size_t n, char *c)
{
	static const struct {
		const char *s;
		char c;
	} forms[] = {
	    {"[.]", '.'},   {"(.)", '.'},   {"{.}", '.'},  {"[dot]", '.'},
	    {"(dot)", '.'}, {"{dot}", '.'}, {"[at]", '@'}, {"(at)", '@'},
	    {"{at}", '@'},  {"[@]", '@'},   {"(@)", '@'},
	};
	size_t q = p;
	if (q < n && t[q] == ' ')
		q++;
	for (size_t i = 0; i < OE_ARRAY_SIZE(forms); i++) {
		if (!starts_ci(t, q, n, forms[i].s))
			continue;
		size_t e = q + strlen(forms[i].s);
		if (e < n && t[e] == ' ' && q > p) /* " [at] ": both spaces or none */
			e++;
		else if (q > p)
			return 0;
		*c = forms[i].c;
		return e - p;
	}
	return 0;
}

/* Top-level label listed in the Public Suffix List (not by its "*" rule,
 * which makes every label a suffix). */
static bool known_tld(const char *label)
{
	const psl_ctx_t *psl = psl_builtin();
	if (!psl) { /* libpsl built without its list: letters only, 2+ */
		size_t n = strlen(label);
		for (size_t i = 0; i < n; i++)
			if (!is_alpha((unsigned char)label[i]))
				return false;
		return n >= 2;
	}
	return psl_is_public_suffix2(psl, label, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

/* Does the domain in d (n bytes, refanged) end in a known TLD? */
static bool tld_ok(const char *d, size_t n)
{
	while (n > 0 && d[n - 1] == '.')
		n--;
	const char *dot = memrchr(d, '.', n);
	if (!dot)
		return false;
	char label[64];
	size_t k = n - (size_t)(dot + 1 - d);
	if (k == 0 || k >= sizeof(label))
		return false;
	for (size_t i = 0; i < k; i++)
		label[i] = (char)lower((unsigned char)dot[1 + i]);
	label[k] = '\0';
	return known_tld(label);
}

/* ---- URLs --------------------------------------------------------------- */

static bool url_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("<>\"{}|\\^`", c);
}

/* The host of a canonical URL "scheme://[user@]host[:port]/...". */
static void url_host(const char *u, const char **h, size_t *hn)
{
	const char *p = strstr(u, "://");
	p = p ? p + 3 : u;
	size_t auth = strcspn(p, "/?#");
	const char *at = memrchr(p, '@', auth);
	if (at) {
		auth -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	size_t k = 0;
	while (k < auth && p[k] != ':')
		k++;
	*h = p;
	*hn = k;
}

static size_t try_url(scan *s, size_t i)
{
	const unsigned char *t = s->t;
	size_t n = s->n, hs = 0;
	bool tls = false, www = false;
	static const char *const schemes[] = {"https", "hxxps", "http", "hxxp"};
	static const char *const seps[] = {"://", "[:]//", "[://]", "(:)//"};
	for (size_t k = 0; k < OE_ARRAY_SIZE(schemes) && !hs; k++) {
		if (!starts_ci(t, i, n, schemes[k]))
			continue;
		size_t p = i + strlen(schemes[k]);
		for (size_t j = 0; j < OE_ARRAY_SIZE(seps); j++) {
			if (starts_ci(t, p, n, seps[j])) {
				hs = p + strlen(seps[j]);
				tls = k < 2;
				break;
			}
		}
		if (!hs)
			return 0;
	}
	if (!hs) {
		if (!starts_ci(t, i, n, "www"))
			return 0;
		char c;
		if (!(i + 3 < n && t[i + 3] == '.') && !(defang_at(t, i + 3, n, &c) && c == '.'))
			return 0;
		hs = i;
		www = true;
	}
	if (hs >= n || !(is_alnum(t[hs]) || t[hs] == '['))
		return www ? 0 : hs;
	size_t e = hs;
	while (e < n && url_byte(t[e]))
		e++;
	/* Trailing punctuation belongs to the sentence; a closing bracket
	 * only to the URL when the URL opened it. */
	while (e > hs) {
		unsigned char c = t[e - 1];
		if (strchr(".,;:!?'*", c)) {
			e--;
			continue;
		}
		if (c == ')' || c == ']') {
			unsigned char o = c == ')' ? '(' : '[';
			long depth = 0;
			for (size_t k = hs; k < e; k++)
				depth += t[k] == o ? 1 : t[k] == c ? -1 : 0;
			if (depth < 0) {
				e--;
				continue;
			}
		}
		break;
	}
	/* "http://" + the rest, the host refanged (oe_canon only undoes
	 * "[.]" and "(.)"). */
	char buf[OE_VALUE_MAX + 1];
	size_t k = 0;
	const char *scheme = tls ? "https://" : "http://";
	memcpy(buf, scheme, strlen(scheme));
	k = strlen(scheme);
	size_t p = hs;
	bool host = true;
	while (p < e && k < OE_VALUE_MAX) {
		char c;
		size_t d;
		if (host && (t[p] == '/' || t[p] == '?' || t[p] == '#'))
			host = false;
		if (host && (d = defang_at(t, p, e, &c)) && c == '.' && t[p] != ' ') {
			buf[k++] = '.';
			p += d;
			continue;
		}
		buf[k++] = (char)t[p++];
	}
	if (p < e) /* longer than OE_VALUE_MAX: not a URL we keep */
		return www ? 0 : e;
	char out[OE_VALUE_MAX + 1];
	if (!canon(s, OE_T_URL, buf, k, out))
		return www ? 0 : hs; /* the host may still be a domain */
	report(s, OE_T_URL, out, i, e - i);
	const char *h;
	size_t hn;
	url_host(out, &h, &hn);
	cover_domain(s, h, hn);
	return e;
}

/* ---- wallets, IPv6 ------------------------------------------------------ */

static size_t try_wallet(scan *s, size_t i, size_t j)
{
	const unsigned char *t = s->t;
	if (j - i == 11 && starts_ci(t, i, s->n, "bitcoincash") && j + 1 < s->n && t[j] == ':' &&
	    is_alnum(t[j + 1])) {
		j++;
		while (j < s->n && is_alnum(t[j]))
			j++;
	}
	size_t len = j - i;
	bool bech = starts_ci(t, i, s->n, "bc1") || starts_ci(t, i, s->n, "tb1") ||
		    starts_ci(t, i, s->n, "ltc1");
	if (len > OE_WALLET_MAX + 12 || (len < 25 && !(bech && len >= 14)))
		return 0;
	char out[OE_VALUE_MAX + 1];
	if (!canon(s, OE_T_WALLET, (const char *)t + i, len, out))
		return 0;
	report(s, OE_T_WALLET, out, i, len);
	return j;
}

static size_t try_ipv6(scan *s, size_t i)
{
	const unsigned char *t = s->t;
	size_t e = i, colons = 0;
	while (e < s->n && e - i <= 45 && (is_hex(t[e]) || t[e] == ':' || t[e] == '.'))
		colons += t[e++] == ':';
	if (colons < 2 || e - i > 45 || (e < s->n && is_alnum(t[e])))
		return 0;
	while (e > i && t[e - 1] == '.')
		e--;
	if (e - i >= 2 && t[e - 1] == ':' && t[e - 2] != ':')
		e--;
	char out[OE_VALUE_MAX + 1];
	if (!canon(s, OE_T_IPV6, (const char *)t + i, e - i, out))
		return 0;
	report(s, OE_T_IPV6, out, i, e - i);
	return e;
}

/* ---- e-mail addresses, domains, IPv4 ------------------------------------ */

static bool token_byte(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '+' || c == '%';
}

/* A dotted or '@' token at i. Returns where the cursor goes next, or 0
 * when the token is not one (no '.' or '@'; or only digits and dots that
 * are not an IPv4 address: a number for try_number). */
static size_t try_token(scan *s, size_t i)
{
	const unsigned char *t = s->t;
	size_t n = s->n, p = i, k = 0, ats = 0, dots = 0;
	bool alpha = false;
	char buf[TOKEN_MAX + 1];
	while (p < n) {
		unsigned char c = t[p];
		char d;
		size_t dl = 0;
		if (token_byte(c) || c == '.' || c == '@') {
			dl = 1;
			d = (char)c;
		} else if (c == '[' || c == '(' || c == '{' || c == ' ') {
			dl = defang_at(t, p, n, &d);
			if (!dl || p + dl >= n || !is_alnum(t[p + dl]) || p == i)
				break;
		} else {
			break;
		}
		if (k == TOKEN_MAX) { /* far too long for an address: skip it */
			while (p < n && (token_byte(t[p]) || t[p] == '.' || t[p] == '@'))
				p++;
			return p;
		}
		buf[k++] = d;
		ats += d == '@';
		dots += d == '.';
		alpha |= is_alpha((unsigned char)d);
		p += dl;
	}
	/* Sentence punctuation after the token is not part of it. Every
	 * defanged form stands between two letters, so each byte dropped
	 * here is one byte of text. */
	while (k > 0 && !is_alnum((unsigned char)buf[k - 1])) {
		ats -= buf[k - 1] == '@';
		dots -= buf[k - 1] == '.';
		k--;
		p--;
	}
	buf[k] = '\0';
	if (ats == 0 && dots == 0)
		return 0;
	char out[OE_VALUE_MAX + 1];
	if (ats) {
		const char *at = memchr(buf, '@', k);
		if (ats == 1 && at > buf && tld_ok(at + 1, k - (size_t)(at + 1 - buf)) &&
		    canon(s, OE_T_EMAIL, buf, k, out)) {
			report(s, OE_T_EMAIL, out, i, p - i);
			const char *dom = strchr(out, '@') + 1;
			cover_domain(s, dom, strlen(dom));
		}
		return p;
	}
	if (!alpha) {
		if (dots != 3 || !canon(s, OE_T_IPV4, buf, k, out))
			return 0; /* "0812.3456.7890", "1.500.000": numbers */
		report(s, OE_T_IPV4, out, i, p - i);
		return p;
	}
	if (tld_ok(buf, k) && canon(s, OE_T_DOMAIN, buf, k, out))
		report(s, OE_T_DOMAIN, out, i, p - i);
	return p;
}

/* ---- phone numbers and bank accounts ------------------------------------ */

typedef struct {
	size_t s, e; /* digits */
} group;

/* Words and signs of money before or after a number. */
static const char *const money_before[] = {
    "rp",
    "idr",
    "usd",
    "us$",
    "$",
    "rm",
    "myr",
    "sgd",
    "s$",
    "thb",
    "php",
    "vnd",
    "cny",
    "rmb",
    "eur",
    "\xe2\x82\xac" /* € */,
    "\xc2\xa5" /* ¥ */,
    "\xef\xbf\xa5" /* ￥ */,
    "\xe0\xb8\xbf" /* ฿ */,
    "\xe2\x82\xb1" /* ₱ */,
    "\xe2\x82\xab" /* ₫ */,
};
static const char *const money_after[] = {
    "rupiah",
    "ribu",
    "rb",
    "juta",
    "jt",
    "idr",
    "usd",
    "dollar",
    "dolar",
    "ringgit",
    "baht",
    "yuan",
    "\xe5\x85\x83" /* 元 */,
    "\xe5\x9d\x97" /* 块 */,
    "\xe4\xb8\x87" /* 万 */,
};

/* Is a word or sign of money just before start? */
static bool money_before_at(const unsigned char *t, size_t n, size_t start)
{
	size_t b = start;
	while (b > 0 && start - b < 3 && (t[b - 1] == ' ' || t[b - 1] == '.' || t[b - 1] == ':'))
		b--;
	for (size_t i = 0; i < OE_ARRAY_SIZE(money_before); i++) {
		const char *w = money_before[i];
		size_t k = strlen(w);
		if (b < k || !starts_ci(t, b - k, n, w))
			continue;
		if (!is_alpha((unsigned char)w[0]) || b == k || !is_alnum(t[b - k - 1]))
			return true;
	}
	return false;
}

/* Is a word of money just after end? */
static bool money_after_at(const unsigned char *t, size_t n, size_t end)
{
	size_t a = end;
	while (a < n && a - end < 2 && t[a] == ' ')
		a++;
	for (size_t i = 0; i < OE_ARRAY_SIZE(money_after); i++) {
		const char *w = money_after[i];
		size_t k = strlen(w);
		if (!starts_ci(t, a, n, w))
			continue;
		if (!is_alpha((unsigned char)w[0]) || a + k == n || !is_alnum(t[a + k]))
			return true;
	}
	return false;
}

/* "1.500.000", "12.000": thousands groups; "12-05-2024", "2024.05.12":
 * dates. Neither is a phone number or an account. */
static bool amount_or_date(const unsigned char *t, const group *g, size_t k)
{
	if (k < 2)
		return false;
	bool dots = true, thousands = g[0].e - g[0].s <= 3 && t[g[0].s] != '0';
	for (size_t i = 1; i < k; i++) {
		dots &= g[i].s - g[i - 1].e == 1 && t[g[i - 1].e] == '.';
		thousands &= g[i].e - g[i].s == 3;
	}
	if (dots && thousands)
		return true;
	if (k != 3)
		return false;
	size_t a = g[0].e - g[0].s, b = g[1].e - g[1].s, c = g[2].e - g[2].s;
	return (a <= 2 && b <= 2 && c == 4) || (a == 4 && b <= 2 && c <= 2);
}

/* Digits of groups g[0..k) into out; their count. */
static size_t digits_of(const unsigned char *t, const group *g, size_t k, char *out)
{
	size_t d = 0;
	for (size_t i = 0; i < k; i++)
		for (size_t j = g[i].s; j < g[i].e; j++)
			out[d++] = (char)t[j];
	out[d] = '\0';
	return d;
}

/* Separators between g[0..k) are only ' ', '-' and '.'? */
static bool account_separators(const unsigned char *t, const group *g, size_t k)
{
	for (size_t i = 1; i < k; i++)
		for (size_t j = g[i - 1].e; j < g[i].s; j++)
			if (t[j] != ' ' && t[j] != '-' && t[j] != '.')
				return false;
	return true;
}

/* Try the number made of groups g[0..k), written from text offset from
 * (a '+' or '(' before the first digit, or the first digit). part: the
 * groups are only a part of their run; then a phone number must start the
 * way one is written on its own, with '0', '+' or '(' (else any 8 digits
 * of "4111 1111 1111 1111" would pass for a land line). */
static bool try_digits(scan *s, size_t from, const group *g, size_t k, const oe_bank *bank,
		       bool part)
{
	const unsigned char *t = s->t;
	size_t to = g[k - 1].e;
	char digits[OE_BANK_DIGITS_MAX * 2 + 1];
	size_t nd = 0;
	for (size_t i = 0; i < k; i++)
		nd += g[i].e - g[i].s;
	if (nd > OE_BANK_DIGITS_MAX)
		return false;
	digits_of(t, g, k, digits);
	char out[OE_VALUE_MAX + 1];
	if (bank && nd >= OE_BANK_DIGITS_MIN && t[from] != '+' && t[from] != '(' &&
	    account_separators(t, g, k) && s->tries > 0) {
		char in[64];
		s->tries--;
		int m = snprintf(in, sizeof(in), "%s:%s:%s", s->cc, bank->code, digits);
		if (m > 0 && (size_t)m < sizeof(in) && canon(s, OE_T_BANK, in, (size_t)m, out)) {
			report(s, OE_T_BANK, out, from, to - from);
			return true;
		}
	}
	if (part && t[from] != '0' && t[from] != '+' && t[from] != '(')
		return false;
	if (nd >= PHONE_DIGITS_MIN && nd <= PHONE_DIGITS_MAX && s->tries > 0) {
		s->tries--;
		if (canon(s, OE_T_PHONE, (const char *)t + from, to - from, out)) {
			report(s, OE_T_PHONE, out, from, to - from);
			return true;
		}
	}
	return false;
}

static bool digit_sep(unsigned char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

/* A run of digit groups at i (a digit at a word start). Returns where the
 * cursor goes next. */
static size_t try_number(scan *s, size_t i)
{
	const unsigned char *t = s->t;
	size_t n = s->n;
	group g[RUN_GROUPS_MAX];
	size_t k = 0, p = i;
	while (k < RUN_GROUPS_MAX) {
		size_t a = p;
		while (p < n && is_digit(t[p]))
			p++;
		if (p < n && is_alpha(t[p])) { /* "3456abc": part of a word */
			if (k == 0) {
				while (p < n && is_alnum(t[p]))
					p++;
				return p;
			}
			p = a; /* the run ends before this group */
			break;
		}
		g[k++] = (group){a, p};
		size_t q = p;
		while (q < n && q - p < 3 && digit_sep(t[q]))
			q++;
		if (q == p || q >= n || !is_digit(t[q]))
			break;
		p = q;
	}
	size_t end = g[k - 1].e;
	s->tries = RUN_TRIES_MAX;
	size_t barrier = s->barrier;
	for (size_t a = 0; a < k && !s->stop;) {
		/* A number starts at the run's start or after a space. */
		if (a > 0) {
			bool space = false;
			for (size_t j = g[a - 1].e; j < g[a].s; j++)
				space |= t[j] == ' ' || t[j] == '(';
			if (!space) {
				a++;
				continue;
			}
		}
		size_t from = g[a].s;
		if (from > 0 && t[from - 1] == '(')
			from--;
		if (from > 0 && t[from - 1] == '+' && (from == 1 || !is_alnum(t[from - 2])))
			from--;
		size_t lo = a > 0 ? g[a - 1].e : barrier;
		if (lo < barrier)
			lo = barrier;
		bool found = false, money = money_before_at(t, n, from);
		const oe_bank *bank = money ? NULL : bank_before(&s->banks, t, lo, from);
		size_t top = k - a < NUMBER_GROUPS_MAX ? k : a + NUMBER_GROUPS_MAX;
		size_t digits = 0; /* in g[a..b) below */
		for (size_t j = a; j < top; j++)
			digits += g[j].e - g[j].s;
		for (size_t b = top; b > a && !found && !money; b--) {
			size_t d = digits;
			digits -= g[b - 1].e - g[b - 1].s;
			if (d < OE_BANK_DIGITS_MIN || d > OE_BANK_DIGITS_MAX ||
			    amount_or_date(t, g + a, b - a) || money_after_at(t, n, g[b - 1].e))
				continue;
			found = try_digits(s, from, g + a, b - a, bank, a > 0 || b < k);
			if (found)
				a = b;
		}
		if (!found)
			a++;
		if (s->tries == 0)
			break;
	}
	size_t nd = 0;
	for (size_t j = 0; j < k; j++)
		nd += g[j].e - g[j].s;
	if (nd >= OE_BANK_DIGITS_MIN && s->barrier < end)
		s->barrier = end;
	return end;
}

/* ---- entry point -------------------------------------------------------- */

static size_t token(scan *s, size_t i)
{
	const unsigned char *t = s->t;
	size_t r, j = i;
	while (j < s->n && is_alnum(t[j]))
		j++;
	if ((r = try_url(s, i)))
		return r;
	if ((r = try_wallet(s, i, j)))
		return r;
	if (is_hex(t[i]) && (r = try_ipv6(s, i)))
		return r;
	if ((r = try_token(s, i)))
		return r;
	if (is_digit(t[i]))
		return try_number(s, i);
	return j;
}

static void bank_country(const oe_extract_opts *o, char cc[3])
{
	const char *c = o && o->bank_country			    ? o->bank_country
			: o && o->canon && o->canon->default_region ? o->canon->default_region
								    : "ID";
	if (strlen(c) != 2 || !is_alpha((unsigned char)c[0]) || !is_alpha((unsigned char)c[1]))
		c = "ID";
	cc[0] = (char)(c[0] & ~0x20);
	cc[1] = (char)(c[1] & ~0x20);
	cc[2] = '\0';
}

int oe_extract(const char *text, size_t len, const oe_extract_opts *o, size_t max, oe_extract_fn fn,
	       void *ud)
{
	if (!text || len == 0)
		return 0;
	scan s;
	memset(&s, 0, sizeof(s));
	s.t = (const unsigned char *)text;
	s.n = len;
	if (len > OE_EXTRACT_TEXT_MAX) {
		size_t k = OE_EXTRACT_TEXT_MAX;
		while (k > OE_EXTRACT_TEXT_MAX - CUT_BACK_MAX && !is_space(s.t[k - 1]))
			k--;
		s.n = k > OE_EXTRACT_TEXT_MAX - CUT_BACK_MAX ? k : OE_EXTRACT_TEXT_MAX;
	}
	s.phone_checks = PHONE_CHECKS_MAX;
	s.canon = o ? o->canon : NULL;
	s.max = max;
	s.fn = fn;
	s.ud = ud;
	bank_country(o, s.cc);
	if (bank_names_load(&s.banks, s.cc) < 0)
		return OE_ENOMEM;
	const unsigned char *t = s.t;
	size_t i = 0;
	while (i < s.n && !s.stop) {
		unsigned char c = t[i];
		if (is_alnum(c)) {
			size_t r = token(&s, i);
			i = r > i ? r : i + 1;
			continue;
		}
		if (c == ':' && i + 2 < s.n && t[i + 1] == ':' && is_hex(t[i + 2]) &&
		    (i == 0 || (!is_alnum(t[i - 1]) && t[i - 1] != ':'))) {
			size_t r = try_ipv6(&s, i);
			if (r) {
				i = r;
				continue;
			}
		}
		i++;
	}
	free(s.banks.v);
	table_free(&s.seen);
	table_free(&s.memo);
	return s.err ? s.err : (int)s.count;
}
