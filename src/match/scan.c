/* scan.c - the log line scanner (see scan.h).
 *
 * One pass: a byte's class (one table lookup) says whether it can be part
 * of a word (letters, digits, '.', '-', '_', bytes >= 0x80). A maximal run
 * of word bytes is judged once, by the classes it contains and by the byte
 * that ends it: "://" makes it a URL's scheme, '@' an e-mail's local part,
 * ':' after hex digits perhaps an IPv6 address; otherwise it is a dotted
 * quad, a name, a hash or a number, or nothing. */
#include "scan.h"

#include <arpa/inet.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum {
	B_WORD = 1,
	B_ALPHA = 2,
	B_DIGIT = 4,
	B_DOT = 8,
	B_HIGH = 16,
	B_NONHEX = 32, /* a word byte that is not a hex digit */
	B_HYUN = 64,   /* '-' or '_' */
};

static const uint8_t cls[256] = {
    ['0' ... '9'] = B_WORD | B_DIGIT,
    ['a' ... 'f'] = B_WORD | B_ALPHA,
    ['A' ... 'F'] = B_WORD | B_ALPHA,
    ['g' ... 'z'] = B_WORD | B_ALPHA | B_NONHEX,
    ['G' ... 'Z'] = B_WORD | B_ALPHA | B_NONHEX,
    ['.'] = B_WORD | B_DOT | B_NONHEX,
    ['-'] = B_WORD | B_HYUN | B_NONHEX,
    ['_'] = B_WORD | B_HYUN | B_NONHEX,
    [0x80 ... 0xff] = B_WORD | B_HIGH | B_NONHEX,
};

#define DOMAIN_MAX 253
#define LABEL_MAX  63
#define LOCAL_MAX  64
#define PHONE_MIN  7
#define PHONE_MAX  15

typedef struct {
	const oe_scan_opts *o;
	const char *s;
	size_t n;
	oe_scan_cb cb;
	void *arg;
	/* The classes of the 64 bytes from wb, one bit a byte (SSE2): word
	 * runs are read from these, many words a window. */
	size_t wb; /* SIZE_MAX: none */
	uint64_t mw, ma, md, mdot, mhi, mnh, mhy;
	char canon[OE_VALUE_MAX + 1];
	char host[OE_VALUE_MAX + 1];
} scan;

static inline uint8_t C(const scan *x, size_t i)
{
	return cls[(unsigned char)x->s[i]];
}

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void emit(scan *x, oe_scan_token *t)
{
	x->cb(x->arg, t);
}

/* ---- names ------------------------------------------------------------ */

/* Check the ASCII name s[0..n) and write it lower-cased to out: its length,
 * or 0 when it is not a name (2+ labels of 1-63 bytes of letters, digits,
 * '-' not at either end and '_'; a last label with a letter and no '_'). */
static size_t name_ascii(const char *s, size_t n, char *out)
{
	if (n < 3 || n > DOMAIN_MAX)
		return 0;
	size_t labels = 0, start = 0;
	bool alpha = false, under = false, digit = false;
	for (size_t i = 0;; i++) {
		if (i == n || s[i] == '.') {
			size_t ll = i - start;
			if (ll == 0 || ll > LABEL_MAX || s[start] == '-' || s[i - 1] == '-')
				return 0;
			labels++;
			if (i == n)
				break;
			out[i] = '.';
			start = i + 1;
			alpha = under = digit = false;
			continue;
		}
		uint8_t c = cls[(unsigned char)s[i]];
		if (!(c & (B_ALPHA | B_DIGIT | B_HYUN)))
			return 0;
		alpha |= (c & B_ALPHA) != 0;
		under |= s[i] == '_';
		digit |= (c & B_DIGIT) != 0;
		out[i] = lower(s[i]);
	}
	/* Top-level domains are letters, or an A-label: "56.789z" from a
	 * timestamp is not a name. */
	bool tld =
	    alpha && !under && (!digit || (n - start > 4 && !memcmp(out + start, "xn--", 4)));
	return labels >= 2 && tld ? n : 0;
}

/* A name of [a, b): ASCII by hand, else through oe_canon (libidn2). */
static size_t name_at(scan *x, size_t a, size_t b, bool high, char *out)
{
	if (!high)
		return name_ascii(x->s + a, b - a, out);
	if (b - a > 4 * DOMAIN_MAX)
		return 0;
	const char *why;
	if (oe_canon(OE_T_DOMAIN, x->s + a, b - a, x->o->canon, out, OE_VALUE_MAX + 1, &why))
		return 0;
	return strlen(out);
}

/* ---- addresses -------------------------------------------------------- */

/* A dotted quad at s[0..n): exactly four octets of 1-3 digits <= 255. */
static bool quad(const char *s, size_t n, uint32_t *ip)
{
	uint32_t v = 0, oct = 0;
	unsigned digits = 0, dots = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			oct = oct * 10 + (uint32_t)(c - '0');
			if (++digits > 3 || oct > 255)
				return false;
		} else if (c == '.' && digits && dots < 3) {
			v = v << 8 | oct;
			oct = 0;
			digits = 0;
			dots++;
		} else {
			return false;
		}
	}
	if (dots != 3 || !digits)
		return false;
	*ip = v << 8 | oct;
	return true;
}

/* An IPv6 address starting at i: the end, or 0. */
static size_t try_ip6(scan *x, size_t i, uint8_t out[16])
{
	size_t j = i, colons = 0;
	while (j < x->n && j - i <= 45 && (is_hex(x->s[j]) || x->s[j] == ':' || x->s[j] == '.')) {
		colons += x->s[j] == ':';
		j++;
	}
	if (j < x->n && (C(x, j) & (B_ALPHA | B_DIGIT)))
		return 0; /* more word after it: not an address */
	while (j > i && x->s[j - 1] == '.')
		j--;
	if (colons < 2 || j - i > 45)
		return 0;
	char buf[48];
	memcpy(buf, x->s + i, j - i);
	buf[j - i] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1 ? j : 0;
}

/* ---- phones ------------------------------------------------------------ */

static void emit_phone(scan *x, size_t a, size_t b, const char *digits, size_t nd, const char *cc)
{
	size_t k = 0;
	x->canon[k++] = '+';
	if (cc) {
		size_t cl = strlen(cc);
		if (cl > 4)
			return;
		memcpy(x->canon + k, cc, cl);
		k += cl;
	}
	if (k + nd > PHONE_MAX + 1)
		return;
	memcpy(x->canon + k, digits, nd);
	k += nd;
	oe_scan_token t = {.type = OE_T_PHONE,
			   .text = x->s + a,
			   .text_len = b - a,
			   .canon = x->canon,
			   .canon_len = k};
	emit(x, &t);
}

/* "+" at i and 7-15 digits with single separators between groups: the
 * end, or 0. */
static size_t try_phone_intl(scan *x, size_t i)
{
	char d[PHONE_MAX + 1];
	size_t nd = 0, j = i + 1, last = 0, seps = 0;
	for (; j < x->n; j++) {
		char c = x->s[j];
		if (c >= '0' && c <= '9') {
			if (nd == PHONE_MAX)
				return 0;
			d[nd++] = c;
			last = j + 1;
			seps = 0;
		} else if ((c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') && seps < 2) {
			seps++;
		} else {
			break;
		}
	}
	if (nd < PHONE_MIN || (last < x->n && (C(x, last) & B_ALPHA)))
		return 0;
	emit_phone(x, i, last, d, nd, NULL);
	return last;
}

/* A run of digits and single '-': a national number ("0812-3456-7890")
 * or an international one written without its "+". */
static void digits_run(scan *x, size_t a, size_t b)
{
	char d[PHONE_MAX + 1];
	size_t nd = 0;
	bool sep = false;
	for (size_t i = a; i < b; i++) {
		char c = x->s[i];
		if (c == '-') {
			if (sep || i == a)
				return;
			sep = true;
			continue;
		}
		if (c < '0' || c > '9' || nd == PHONE_MAX)
			return;
		d[nd++] = c;
		sep = false;
	}
	if (d[0] == '0') {
		if (x->o->phone_cc && nd >= 9)
			emit_phone(x, a, b, d + 1, nd - 1, x->o->phone_cc);
	} else if (nd >= 10 && nd == b - a) {
		emit_phone(x, a, b, d, nd, NULL);
	}
}

/* ---- e-mail and URLs ----------------------------------------------------- */

static bool local_char(char c)
{
	return (cls[(unsigned char)c] & (B_ALPHA | B_DIGIT)) || c == '.' || c == '_' || c == '-' ||
	       c == '+';
}

/* '@' at at, from = where the scan may look back to: the end, or 0. */
static size_t try_email(scan *x, size_t from, size_t at)
{
	size_t ls = at;
	while (ls > from && at - ls < LOCAL_MAX && local_char(x->s[ls - 1]))
		ls--;
	while (ls < at && (x->s[ls] == '.' || x->s[ls] == '+'))
		ls++;
	if (ls == at || x->s[at - 1] == '.')
		return 0;
	size_t d = at + 1, e = d;
	bool high = false;
	while (e < x->n && (C(x, e) & B_WORD)) {
		high |= (C(x, e) & B_HIGH) != 0;
		e++;
	}
	while (e > d && (x->s[e - 1] == '.' || x->s[e - 1] == '-'))
		e--;
	char *dom = x->host;
	size_t dn = e > d ? name_at(x, d, e, high, dom) : 0;
	if (!dn)
		return 0;
	size_t ln = at - ls;
	bool local_high = false;
	for (size_t i = ls; i < at; i++)
		local_high |= (unsigned char)x->s[i] >= 0x80;
	if (!local_high && ln + 1 + dn <= OE_VALUE_MAX) {
		for (size_t i = 0; i < ln; i++)
			x->canon[i] = lower(x->s[ls + i]);
		x->canon[ln] = '@';
		memcpy(x->canon + ln + 1, dom, dn);
		oe_scan_token t = {.type = OE_T_EMAIL,
				   .text = x->s + ls,
				   .text_len = e - ls,
				   .canon = x->canon,
				   .canon_len = ln + 1 + dn};
		emit(x, &t);
	}
	oe_scan_token t = {.type = OE_T_DOMAIN,
			   .text = x->s + d,
			   .text_len = e - d,
			   .canon = dom,
			   .canon_len = dn};
	emit(x, &t);
	return e;
}

static bool url_end_char(unsigned char c)
{
	return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == 0x7f;
}

/* The first byte at or after e that ends a URL, or n: 16 bytes a step. */
static size_t url_end(const char *s, size_t e, size_t n)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' ');
	for (; e + 16 <= n; e += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + e));
		__m128i m = _mm_cmpeq_epi8(_mm_min_epu8(v, sp), v); /* <= ' ' */
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('<')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('`')));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return e + (size_t)__builtin_ctz(bits);
	}
#endif
	while (e < n && !url_end_char((unsigned char)s[e]))
		e++;
	return e;
}

/* A URL whose scheme is [a, colon) and "://" follows: the end. */
static size_t try_url(scan *x, size_t a, size_t colon)
{
	size_t as = colon + 3, e = url_end(x->s, as, x->n);
	/* Punctuation that ends a sentence around a link is not part of it. */
	while (e > as && strchr(".,;:!?)]}", x->s[e - 1]))
		e--;
	size_t ae = as;
	while (ae < e && x->s[ae] != '/' && x->s[ae] != '?' && x->s[ae] != '#')
		ae++;
	size_t hs = as;
	for (size_t i = as; i < ae; i++)
		if (x->s[i] == '@')
			hs = i + 1;
	oe_scan_token t = {.type = OE_T_URL, .text = x->s + a, .text_len = e - a};
	if (hs < ae && x->s[hs] == '[') {
		const char *rb = memchr(x->s + hs, ']', ae - hs);
		size_t hl = rb ? (size_t)(rb - x->s) - hs - 1 : 0;
		char buf[48];
		if (hl && hl < sizeof(buf)) {
			memcpy(buf, x->s + hs + 1, hl);
			buf[hl] = '\0';
			if (inet_pton(AF_INET6, buf, t.ip6) == 1)
				t.host_type = OE_T_IPV6;
		}
	} else if (hs < ae) {
		size_t he = hs;
		bool high = false, alpha = false;
		while (he < ae && x->s[he] != ':') {
			high |= (C(x, he) & B_HIGH) != 0;
			alpha |= (C(x, he) & B_ALPHA) != 0;
			he++;
		}
		size_t hn;
		if (!alpha && !high && quad(x->s + hs, he - hs, &t.ip4)) {
			t.host_type = OE_T_IPV4;
		} else if ((hn = name_at(x, hs, he, high, x->host))) {
			t.host_type = OE_T_DOMAIN;
			t.host = x->host;
			t.host_len = hn;
		}
	}
	emit(x, &t);
	return e;
}

/* ---- the scan ------------------------------------------------------------ */

/* Judge the word [a, b) whose classes are f. */
static void word(scan *x, size_t a, size_t b, uint8_t f)
{
	/* Dots and hyphens around a word are punctuation; underscores may
	 * start a label ("_sip._tcp.example.com"). */
	while (a < b && (x->s[a] == '.' || x->s[a] == '-'))
		a++;
	while (b > a && (x->s[b - 1] == '.' || x->s[b - 1] == '-' || x->s[b - 1] == '_'))
		b--;
	size_t n = b - a;
	if (n < 3)
		return;
	const char *s = x->s + a;
	if (!(f & B_NONHEX) && (n == 32 || n == 40 || n == 64)) {
		for (size_t i = 0; i < n; i++)
			x->canon[i] = lower(s[i]);
		oe_scan_token t = {.type = n == 32   ? OE_T_MD5
					   : n == 40 ? OE_T_SHA1
						     : OE_T_SHA256,
				   .text = s,
				   .text_len = n,
				   .canon = x->canon,
				   .canon_len = n};
		emit(x, &t);
		return;
	}
	if (!(f & (B_ALPHA | B_HIGH))) {
		uint32_t ip;
		if ((f & B_DOT) && n >= 7 && n <= 15 && quad(s, n, &ip)) {
			oe_scan_token t = {.type = OE_T_IPV4, .text = s, .text_len = n, .ip4 = ip};
			emit(x, &t);
		} else if (!(f & B_DOT) && x->o->phones && n >= 9) {
			digits_run(x, a, b);
		}
		return;
	}
	if (!(f & B_DOT))
		return;
	size_t k = name_at(x, a, b, (f & B_HIGH) != 0, x->canon);
	if (k) {
		oe_scan_token t = {.type = OE_T_DOMAIN,
				   .text = s,
				   .text_len = n,
				   .canon = x->canon,
				   .canon_len = k};
		emit(x, &t);
	}
}

#ifdef __SSE2__
/* Bytes of v in [lo, hi]. */
static inline __m128i in_range(__m128i v, char lo, char hi)
{
	__m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
	return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((char)(hi - lo))), t);
}

static inline unsigned mm(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(v);
}
#endif

#ifdef __SSE2__
/* Classify the 64 bytes from base (all inside the text). */
static void window_load(scan *x, size_t base)
{
	uint64_t w = 0, a = 0, d = 0, dt = 0, hi = 0, nh = 0, hy = 0;
	for (unsigned k = 0; k < 64; k += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(x->s + base + k));
		__m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
		unsigned md = mm(in_range(v, '0', '9')), ma = mm(in_range(low, 'a', 'z'));
		unsigned mh = mm(in_range(low, 'a', 'f'));
		unsigned mdot = mm(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
		unsigned mhy = mm(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')),
					       _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
		unsigned mhi = mm(v), mw = md | ma | mdot | mhy | mhi;
		w |= (uint64_t)mw << k;
		a |= (uint64_t)ma << k;
		d |= (uint64_t)md << k;
		dt |= (uint64_t)mdot << k;
		hi |= (uint64_t)mhi << k;
		nh |= (uint64_t)(mw & ~(md | mh)) << k;
		hy |= (uint64_t)mhy << k;
	}
	x->wb = base;
	x->mw = w;
	x->ma = a;
	x->md = d;
	x->mdot = dt;
	x->mhi = hi;
	x->mnh = nh;
	x->mhy = hy;
}
#endif

/* The end of the run of word bytes from i, with the classes of its bytes
 * or-ed into *fp: the class table's answer, read from the window's bits
 * (many words a window), byte by byte only in the last 63 bytes. */
static inline size_t word_end(scan *x, size_t i, uint8_t *fp)
{
	uint8_t f = *fp;
	uint8_t c;
	const char *s = x->s;
	size_t n = x->n;
#ifdef __SSE2__
	for (;;) {
		if (i < x->wb || i - x->wb >= 64) { /* outside the window (or none) */
			if (i + 64 > n)
				break;
			window_load(x, i);
		}
		unsigned off = (unsigned)(i - x->wb);
		uint64_t nw = ~x->mw >> off; /* the bits above the window read as word */
		unsigned len = nw ? (unsigned)__builtin_ctzll(nw) : 64 - off;
		uint64_t r = (len == 64 ? ~0ull : (1ull << len) - 1) << off;
		f |= (uint8_t)((len ? B_WORD : 0) | (x->ma & r ? B_ALPHA : 0) |
			       (x->md & r ? B_DIGIT : 0) | (x->mdot & r ? B_DOT : 0) |
			       (x->mhi & r ? B_HIGH : 0) | (x->mnh & r ? B_NONHEX : 0) |
			       (x->mhy & r ? B_HYUN : 0));
		i += len;
		if (off + len < 64) {
			*fp = f;
			return i;
		}
	}
#endif
	while (i < n && (c = cls[(unsigned char)s[i]]) & B_WORD) {
		f |= c;
		i++;
	}
	*fp = f;
	return i;
}

static void scan_all(const oe_scan_opts *o, const char *s, size_t n, oe_scan_cb cb,
		     oe_scan_line_cb nl, void *arg)
{
	/* Not "scan x = {...}": that would clear the two value buffers, a
	 * few KiB, for every line. */
	scan x;
	x.o = o;
	x.s = s;
	x.n = n;
	x.cb = cb;
	x.arg = arg;
	x.wb = SIZE_MAX;
	size_t i = 0, from = 0; /* from: where an e-mail's local part may start */
	while (i < n) {
		uint8_t c = cls[(unsigned char)s[i]];
		if (!(c & B_WORD)) {
			if (s[i] == '\n' && nl) {
				/* No candidate spans a line end: the next line
				 * starts afresh. */
				nl(arg);
				i = from = i + 1;
				continue;
			}
			if (s[i] == '+' && o->phones && i + 1 < n && s[i + 1] >= '0' &&
			    s[i + 1] <= '9' && (i == 0 || !(C(&x, i - 1) & (B_ALPHA | B_DIGIT)))) {
				size_t e = try_phone_intl(&x, i);
				if (e) {
					i = from = e;
					continue;
				}
			} else if (s[i] == ':' && i + 1 < n && s[i + 1] == ':' &&
				   (i == 0 || !is_hex(s[i - 1]))) {
				oe_scan_token t = {.type = OE_T_IPV6, .text = s + i};
				size_t e = try_ip6(&x, i, t.ip6);
				if (e) {
					t.text_len = e - i;
					emit(&x, &t);
					i = from = e;
					continue;
				}
			}
			if (s[i] != '+' && s[i] != '.')
				from = i + 1;
			i++;
			continue;
		}
		size_t a = i;
		uint8_t f = 0;
		i = word_end(&x, i, &f);
		if (i < n && s[i] == ':') {
			if (i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/' && i - a <= 16 &&
			    (C(&x, a) & B_ALPHA) && !(f & (B_DOT | B_HIGH | B_HYUN))) {
				i = from = try_url(&x, a, i);
				continue;
			}
			if (!(f & B_NONHEX) && i - a <= 4) {
				oe_scan_token t = {.type = OE_T_IPV6, .text = s + a};
				size_t e = try_ip6(&x, a, t.ip6);
				if (e) {
					t.text_len = e - a;
					emit(&x, &t);
					i = from = e;
					continue;
				}
			}
		} else if (i < n && s[i] == '@') {
			size_t e = try_email(&x, from, i);
			if (e) {
				i = from = e;
				continue;
			}
		} else if (i < n && s[i] == '+') {
			/* "first.last+tag@...": the local part of an address. */
			size_t k = i + 1;
			while (k < n && k - a < LOCAL_MAX && local_char(s[k]))
				k++;
			if (k < n && s[k] == '@')
				continue;
		}
		word(&x, a, i, f);
	}
}

void oe_scan_text(const oe_scan_opts *o, const char *s, size_t n, oe_scan_cb cb, void *arg)
{
	scan_all(o, s, n, cb, NULL, arg);
}

void oe_scan_lines(const oe_scan_opts *o, const char *s, size_t n, oe_scan_cb cb,
		   oe_scan_line_cb nl, void *arg)
{
	scan_all(o, s, n, cb, nl, arg);
}

/* The region's calling codes: the member states of the networks oureyes
 * serves first, and their most frequent correspondents. */
static const struct {
	char region[3];
	const char *cc;
} calling[] = {
    {"AU", "61"},  {"BN", "673"}, {"CN", "86"},	 {"DE", "49"}, {"FR", "33"},  {"GB", "44"},
    {"HK", "852"}, {"ID", "62"},  {"IN", "91"},	 {"JP", "81"}, {"KH", "855"}, {"KR", "82"},
    {"LA", "856"}, {"MM", "95"},  {"MY", "60"},	 {"NL", "31"}, {"PH", "63"},  {"SG", "65"},
    {"TH", "66"},  {"TL", "670"}, {"TW", "886"}, {"US", "1"},  {"VN", "84"},
};

const char *oe_scan_calling_code(const char *region)
{
	if (!region || strlen(region) != 2)
		return NULL;
	char r[3] = {(char)(region[0] & ~0x20), (char)(region[1] & ~0x20), '\0'};
	for (size_t i = 0; i < OE_ARRAY_SIZE(calling); i++)
		if (memcmp(calling[i].region, r, 3) == 0)
			return calling[i].cc;
	return NULL;
}
