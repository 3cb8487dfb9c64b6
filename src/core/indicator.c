/* indicator.c - validation and canonical forms of indicators (see
 * indicator.h).
 *
 * Canonical forms, and the choices behind them:
 *   ipv4    dotted quad, no leading zeros. "010.1.1.1" is refused, not
 *           guessed: inet_aton reads it as octal 8, a human means 10.
 *   ipv6    RFC 5952: lower case, no leading zeros, the longest run of two
 *           or more zero groups as "::" (the first of equal runs), and the
 *           dotted quad for the last 32 bits of the two prefixes RFC 5952
 *           section 5 names (IPv4-mapped ::ffff:0:0/96, IPv4-translated
 *           ::ffff:0:0:0/96). "[2001:db8::1]" is accepted, zone ids are not.
 *   cidr    address "/" prefix length, host bits cleared ("10.1.2.3/8" is
 *           "10.0.0.0/8"): the block is what the reporter meant.
 *   domain  lower-case A-labels, no trailing dot, 2+ labels of 1-63
 *           bytes, 253 bytes at most, a top-level label that is not all
 *           digits. Plain ASCII labels are checked here (letters, digits,
 *           hyphens not at either end, and '_' outside the top-level label:
 *           block lists do carry such names); labels with non-ASCII bytes
 *           or an "xn--" prefix go through libidn2 (IDNA 2008 with UTS #46
 *           non-transitional mapping, transitional as a fallback so that
 *           names registered under IDNA 2003 still pass), which also
 *           refuses invalid A-labels. The ideographic and full-width full
 *           stops separate labels like '.'.
 *   url     scheme "://" [userinfo "@"] host [":" port] path ["?" query],
 *           parsed by curl's URL API: scheme lower case ("hxxp" and
 *           "hxxps", the defanged spellings, become "http" and "https"),
 *           host canonical as a domain, IPv4 or IPv6 literal, the scheme's
 *           default port dropped, dot segments removed, an empty path as
 *           "/", an empty query and the fragment dropped. Percent-encoding:
 *           escapes of unreserved characters decoded, other escapes in upper
 *           case, bytes that may not appear raw (non-ASCII, space, "<>"...)
 *           escaped, a '%' that starts no escape written as "%25". Any
 *           scheme is accepted if the URL has a host; a URL must have one.
 *   email   the whole address in lower case, although RFC 5321 lets the
 *           local part be case-sensitive: no provider we know treats it so,
 *           and a report of Victim@x and one of victim@x must correlate.
 *           The local part is a dot-atom (UTF-8 allowed), the domain is
 *           canonical as a domain. A "mailto:" prefix is dropped.
 *   phone   E.164 ("+6281234567890") from libphonenumber, which must judge
 *           the number valid; numbers without a country code are read in
 *           opts->default_region ("ID" by default).
 *   bank-account  "CC:CODE:DIGITS": country upper case, the bank's code
 *           from bank.c (a name or SWIFT BIC is replaced by the code),
 *           digits only. Countries without a table keep their code as
 *           given, upper case.
 *   crypto-wallet  see wallet.h.
 *   md5, sha1, sha256  lower-case hex of exactly 32, 40, 64 digits.
 *
 * Every input is first trimmed of surrounding white space, bounded by
 * OE_VALUE_MAX and copied to a stack buffer, so the parsers below see a
 * NUL-terminated string and never touch the caller's bytes past len. */
#include "indicator.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <idn2.h>

#include "bank.h"
#include "phone.h"
#include "wallet.h"

#define DOMAIN_MAX	 253 /* RFC 1035, without the trailing dot */
#define LABEL_MAX	 63  /* RFC 1035 */
#define IDN_LABEL_IN_MAX 252 /* UTF-8 bytes of one label handed to libidn2 */
#define EMAIL_MAX	 254 /* RFC 5321 forward-path limit */
#define EMAIL_LOCAL_MAX	 64
#define IPV6_TEXT_MAX	 45 /* INET6_ADDRSTRLEN - 1 */

static const char *const type_names[OE_T__COUNT] = {
    [OE_T_NONE] = "none",	  [OE_T_IPV4] = "ipv4",
    [OE_T_IPV6] = "ipv6",	  [OE_T_CIDR] = "cidr",
    [OE_T_DOMAIN] = "domain",	  [OE_T_URL] = "url",
    [OE_T_EMAIL] = "email",	  [OE_T_PHONE] = "phone",
    [OE_T_BANK] = "bank-account", [OE_T_WALLET] = "crypto-wallet",
    [OE_T_MD5] = "md5",		  [OE_T_SHA1] = "sha1",
    [OE_T_SHA256] = "sha256",
};

const char *oe_itype_name(oe_itype t)
{
	return (unsigned)t < OE_T__COUNT ? type_names[t] : "none";
}

oe_itype oe_itype_parse(const char *s)
{
	if (!s)
		return OE_T_NONE;
	for (int t = 1; t < OE_T__COUNT; t++)
		if (strcasecmp(s, type_names[t]) == 0)
			return (oe_itype)t;
	return OE_T_NONE;
}

/* ---- small helpers ------------------------------------------------------- */

typedef struct {
	char s[OE_VALUE_MAX + 1];
	size_t n;
} vbuf;

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}
static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_alnum(char c)
{
	return is_digit(c) || is_alpha(c);
}
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
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

static int too_small(const char **why)
{
	*why = "output buffer is too small";
	return OE_ETOOBIG;
}

/* Copy n bytes and a NUL into out. */
static int emit(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	if (n + 1 > cap)
		return too_small(why);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* Trim, bound, refuse NUL and control bytes, copy into b. */
static int prepare(const char *in, size_t len, vbuf *b, const char **why)
{
	if (!in)
		len = 0;
	while (len > 0 && is_space(in[0])) {
		in++;
		len--;
	}
	while (len > 0 && is_space(in[len - 1]))
		len--;
	if (len == 0) {
		*why = "value is empty";
		return OE_EINVAL;
	}
	if (len > OE_VALUE_MAX) {
		*why = "value is longer than 2048 bytes";
		return OE_EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == 0) {
			*why = "value contains a NUL byte";
			return OE_EINVAL;
		}
		if (c < 0x20 || c == 0x7f) {
			*why = "value contains a control character";
			return OE_EINVAL;
		}
	}
	memcpy(b->s, in, len);
	b->s[len] = '\0';
	b->n = len;
	return 0;
}

/* Undo the common defanging "[.]" and "(.)" between s[from] and s[to] in
 * place ("evil[.]com" -> "evil.com"); returns the new end (to). Advisories
 * and reporters write indicators that way so they cannot be clicked. */
static size_t refang(char *s, size_t *n, size_t from, size_t to)
{
	size_t r = from, w = from;
	while (r < to) {
		if (r + 3 <= to && s[r + 1] == '.' &&
		    ((s[r] == '[' && s[r + 2] == ']') || (s[r] == '(' && s[r + 2] == ')'))) {
			s[w++] = '.';
			r += 3;
		} else {
			s[w++] = s[r++];
		}
	}
	memmove(s + w, s + to, *n - to + 1); /* with the NUL */
	*n -= to - w;
	return w;
}

/* ---- IPv4 / IPv6 / CIDR --------------------------------------------------- */

static int parse_ipv4(const char *s, size_t n, uint8_t a[4], const char **why)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || s[i] != '.') {
				*why =
				    i >= n
					? "IPv4 address needs four octets"
					: "IPv4 address has a character other than digits and dots";
				return OE_EINVAL;
			}
			i++;
		}
		size_t start = i;
		unsigned v = 0;
		while (i < n && is_digit(s[i]) && i - start < 4)
			v = v * 10 + (unsigned)(s[i++] - '0');
		size_t digits = i - start;
		if (digits == 0) {
			*why = i < n && s[i] != '.'
				   ? "IPv4 address has a character other than digits and dots"
				   : "IPv4 address has an empty octet";
			return OE_EINVAL;
		}
		if (digits > 1 && s[start] == '0') {
			*why = "IPv4 octet has a leading zero (octal or decimal? refused as "
			       "ambiguous)";
			return OE_EINVAL;
		}
		if (v > 255 || (i < n && is_digit(s[i]))) {
			*why = "IPv4 octet is out of range (0-255)";
			return OE_EINVAL;
		}
		a[part] = (uint8_t)v;
	}
	if (i != n) {
		*why = s[i] == '.' ? "IPv4 address has more than four octets"
				   : "IPv4 address has a character other than digits and dots";
		return OE_EINVAL;
	}
	return 0;
}

/* By hand: snprintf costs more than the rest of the IPv4 path. */
static int fmt_ipv4(const uint8_t a[4], char *out, size_t cap, const char **why)
{
	char buf[16];
	size_t k = 0;
	for (int i = 0; i < 4; i++) {
		if (i)
			buf[k++] = '.';
		if (a[i] >= 100)
			buf[k++] = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			buf[k++] = (char)('0' + a[i] / 10 % 10);
		buf[k++] = (char)('0' + a[i] % 10);
	}
	return emit(buf, k, out, cap, why);
}

static int parse_ipv6(const char *s, size_t n, uint8_t a[16], const char **why)
{
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (memchr(s, '%', n)) {
		*why = "IPv6 zone identifiers are not accepted";
		return OE_EINVAL;
	}
	if (n > IPV6_TEXT_MAX) {
		*why = "IPv6 address is too long";
		return OE_EINVAL;
	}
	char tmp[IPV6_TEXT_MAX + 1];
	for (size_t i = 0; i < n; i++) {
		if (hexval(s[i]) < 0 && s[i] != ':' && s[i] != '.') {
			*why = "IPv6 address has a character other than hex digits, ':' and '.'";
			return OE_EINVAL;
		}
		tmp[i] = s[i];
	}
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1) {
		*why = "not a valid IPv6 address";
		return OE_EINVAL;
	}
	return 0;
}

/* RFC 5952 text of a, into out (at least IPV6_TEXT_MAX + 1 bytes). */
static int fmt_ipv6(const uint8_t a[16], char *out, size_t cap, const char **why)
{
	unsigned w[8];
	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	char buf[IPV6_TEXT_MAX + 1];
	size_t k = 0;
	bool mapped = !w[0] && !w[1] && !w[2] && !w[3] && !w[4] && w[5] == 0xffff;
	bool translated = !w[0] && !w[1] && !w[2] && !w[3] && w[4] == 0xffff && !w[5];
	if (mapped || translated) {
		k = (size_t)snprintf(buf, sizeof(buf), "::ffff:%s%u.%u.%u.%u",
				     translated ? "0:" : "", a[12], a[13], a[14], a[15]);
		return emit(buf, k, out, cap, why);
	}
	int best = -1, bestlen = 1; /* a single zero group is not compressed */
	for (int i = 0; i < 8;) {
		if (w[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !w[j])
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			buf[k++] = ':';
			buf[k++] = ':';
			i += bestlen - 1;
			continue;
		}
		if (k > 0 && buf[k - 1] != ':')
			buf[k++] = ':';
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%x", w[i]);
	}
	return emit(buf, k, out, cap, why);
}

static int canon_ipv4(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	uint8_t a[4];
	int rc = parse_ipv4(s, n, a, why);
	return rc ? rc : fmt_ipv4(a, out, cap, why);
}

static int canon_ipv6(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	uint8_t a[16];
	int rc = parse_ipv6(s, n, a, why);
	return rc ? rc : fmt_ipv6(a, out, cap, why);
}

static int canon_cidr(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	const char *slash = memrchr(s, '/', n);
	if (!slash) {
		*why = "CIDR block needs a /prefix length";
		return OE_EINVAL;
	}
	size_t an = (size_t)(slash - s), pn = n - an - 1;
	const char *p = slash + 1;
	if (pn == 0 || pn > 3) {
		*why = "CIDR prefix length must be 1 to 3 digits";
		return OE_EINVAL;
	}
	unsigned plen = 0;
	for (size_t i = 0; i < pn; i++) {
		if (!is_digit(p[i])) {
			*why = "CIDR prefix length must be 1 to 3 digits";
			return OE_EINVAL;
		}
		plen = plen * 10 + (unsigned)(p[i] - '0');
	}
	if (pn > 1 && p[0] == '0') {
		*why = "CIDR prefix length has a leading zero";
		return OE_EINVAL;
	}
	bool v6 = memchr(s, ':', an) != NULL;
	uint8_t a[16];
	size_t bytes = v6 ? 16 : 4;
	int rc = v6 ? parse_ipv6(s, an, a, why) : parse_ipv4(s, an, a, why);
	if (rc)
		return rc;
	if (plen > bytes * 8) {
		*why = v6 ? "IPv6 prefix length is over 128" : "IPv4 prefix length is over 32";
		return OE_EINVAL;
	}
	for (size_t i = 0; i < bytes; i++) {
		size_t bit = i * 8;
		if (bit >= plen)
			a[i] = 0;
		else if (plen - bit < 8)
			a[i] &= (uint8_t)(0xff << (8 - (plen - bit)));
	}
	char addr[IPV6_TEXT_MAX + 1];
	rc = v6 ? fmt_ipv6(a, addr, sizeof(addr), why) : fmt_ipv4(a, addr, sizeof(addr), why);
	if (rc)
		return rc;
	int k = snprintf(out, cap, "%s/%u", addr, plen);
	return k < 0 || (size_t)k >= cap ? too_small(why) : 0;
}

/* ---- domains -------------------------------------------------------------- */

/* Length of the label separator at s (n bytes left): '.', U+3002, U+FF0E,
 * U+FF61; 0 when none. */
static size_t sep_len(const unsigned char *s, size_t n)
{
	if (s[0] == '.')
		return 1;
	if (n >= 3 && ((s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x82) ||
		       (s[0] == 0xef && s[1] == 0xbc && s[2] == 0x8e) ||
		       (s[0] == 0xef && s[1] == 0xbd && s[2] == 0xa1)))
		return 3;
	return 0;
}

/* Check an ASCII label and append it, lower-cased, to d. */
static int ascii_label(const char *s, size_t n, char *d, size_t *k, const char **why)
{
	if (n > LABEL_MAX) {
		*why = "domain label is longer than 63 bytes";
		return OE_EINVAL;
	}
	if (s[0] == '-' || s[n - 1] == '-') {
		*why = "domain label starts or ends with a hyphen";
		return OE_EINVAL;
	}
	if (*k + n > DOMAIN_MAX) {
		*why = "domain is longer than 253 bytes";
		return OE_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!is_alnum(c) && c != '-' && c != '_') {
			*why = c == ' ' ? "domain contains a space"
					: "domain label has a character other than letters, "
					  "digits, '-' and '_'";
			return OE_EINVAL;
		}
		d[(*k)++] = lower(c);
	}
	return 0;
}

/* An internationalised label (non-ASCII, or an "xn--" A-label) through
 * libidn2; the A-label it yields is then held to the ASCII rules. */
static int idn_label(const char *s, size_t n, char *d, size_t *k, const char **why)
{
	if (n > IDN_LABEL_IN_MAX) {
		*why = "domain label is longer than 63 bytes";
		return OE_EINVAL;
	}
	char in[IDN_LABEL_IN_MAX + 1];
	memcpy(in, s, n);
	in[n] = '\0';
	char *a = NULL;
	int rc = idn2_to_ascii_8z(in, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		idn2_free(a);
		a = NULL;
		int rc2 = idn2_to_ascii_8z(in, &a, IDN2_NFC_INPUT | IDN2_TRANSITIONAL);
		if (rc2 != IDN2_OK) {
			idn2_free(a);
			/* idn2_strerror() returns static English text. */
			*why = rc == IDN2_ENCODING_ERROR ? "domain is not valid UTF-8"
							 : idn2_strerror(rc);
			return OE_EINVAL;
		}
	}
	size_t an = strlen(a);
	int ret;
	if (an == 0 || memchr(a, '.', an)) {
		*why = "internationalised label maps to more than one label";
		ret = OE_EINVAL;
	} else {
		ret = ascii_label(a, an, d, k, why);
	}
	idn2_free(a);
	return ret;
}

/* Canonicalise the domain in n bytes at s into d (DOMAIN_MAX + 1 bytes). */
static int domain_into(const char *s, size_t n, char d[DOMAIN_MAX + 1], const char **why)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = 0, labels = 0, tld = 0, i = 0;
	if (n == 0) {
		*why = "domain is empty";
		return OE_EINVAL;
	}
	while (i < n) {
		size_t start = i;
		bool ascii = true;
		size_t sl = 0;
		while (i < n && !(sl = sep_len(u + i, n - i))) {
			ascii &= u[i] < 0x80;
			i++;
		}
		size_t ln = i - start;
		bool last = i + sl == n;
		if (ln == 0) {
			*why =
			    labels == 0 && i == n ? "domain is empty" : "domain has an empty label";
			return OE_EINVAL;
		}
		if (labels > 0) {
			if (k + 1 > DOMAIN_MAX) {
				*why = "domain is longer than 253 bytes";
				return OE_EINVAL;
			}
			d[k++] = '.';
		}
		tld = k;
		int rc = ascii && !has_prefix_ci(s + start, ln, "xn--")
			     ? ascii_label(s + start, ln, d, &k, why)
			     : idn_label(s + start, ln, d, &k, why);
		if (rc)
			return rc;
		labels++;
		i += sl;
		if (last) /* one trailing dot: the root, dropped */
			break;
	}
	if (labels < 2) {
		*why = "domain needs at least two labels";
		return OE_EINVAL;
	}
	bool digits = true;
	for (size_t j = tld; j < k; j++) {
		if (d[j] == '_') {
			*why = "top-level domain contains an underscore";
			return OE_EINVAL;
		}
		digits &= is_digit(d[j]);
	}
	if (digits) {
		*why = "top-level domain is all digits";
		return OE_EINVAL;
	}
	d[k] = '\0';
	return (int)k;
}

static int canon_domain(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	char d[DOMAIN_MAX + 1];
	int k = domain_into(s, n, d, why);
	return k < 0 ? k : emit(d, (size_t)k, out, cap, why);
}

/* ---- URLs ----------------------------------------------------------------- */

/* Characters a URL component may hold raw, besides unreserved ones. */
enum {
	RAW_USER = 1,	  /* sub-delims */
	RAW_PASSWORD = 2, /* sub-delims ':' */
	RAW_PATH = 4,	  /* sub-delims ':' '@' '/' */
	RAW_QUERY = 8,	  /* sub-delims ':' '@' '/' '?' */
};

static bool unreserved(unsigned char c)
{
	return is_alnum((char)c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool raw_ok(unsigned char c, int set)
{
	if (unreserved(c))
		return true;
	if (c && strchr("!$&'()*+,;=", c))
		return true;
	if (c == ':')
		return set != RAW_USER;
	if (c == '@' || c == '/')
		return set == RAW_PATH || set == RAW_QUERY;
	if (c == '?')
		return set == RAW_QUERY;
	return false;
}

typedef struct {
	char *s;
	size_t n, cap;
	bool over;
} sbuf; /* bounded builder with a sticky overflow flag */

static void sb_putc(sbuf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		b->over = true;
		return;
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

/* Append src with percent-encoding normalised for component set. */
static void sb_pct(sbuf *b, const char *src, int set)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval((char)p[1])) >= 0 && (lo = hexval((char)p[2])) >= 0) {
			unsigned char v = (unsigned char)(hi << 4 | lo);
			if (unreserved(v)) {
				sb_putc(b, (char)v);
			} else {
				sb_putc(b, '%');
				sb_putc(b, hex[hi]);
				sb_putc(b, hex[lo]);
			}
			p += 2;
		} else if (*p != '%' && raw_ok(*p, set)) {
			sb_putc(b, (char)*p);
		} else {
			sb_putc(b, '%');
			sb_putc(b, hex[*p >> 4]);
			sb_putc(b, hex[*p & 15]);
		}
	}
}

/* RFC 3986 section 5.2.4, in place on a NUL-terminated path. Needed again
 * after curl's pass because decoding "%2E" can make new dot segments. */
static void remove_dot_segments(char *path)
{
	char *in = path, *out = path; /* out never overtakes in */
	while (*in) {
		if (strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (strcmp(in, "/.") == 0) {
			in[1] = '\0'; /* "/" */
		} else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			if (in[3] == '/') {
				in += 3;
			} else {
				in += 2;
				in[0] = '/';
			}
			while (out > path && *--out != '/')
				;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0) {
			in += strlen(in);
		} else {
			do
				*out++ = *in++;
			while (*in && *in != '/');
		}
	}
	*out = '\0';
}

static const char *curl_why(CURLUcode rc)
{
	switch (rc) {
	case CURLUE_NO_HOST: return "URL has no host";
	case CURLUE_BAD_PORT_NUMBER: return "URL port is not a number from 0 to 65535";
	case CURLUE_BAD_HOSTNAME:
	case CURLUE_BAD_IPV6: return "URL host is not a valid name or address";
	case CURLUE_BAD_SCHEME: return "URL scheme is not valid";
	case CURLUE_BAD_SLASHES: return "URL needs \"//\" after the scheme";
	case CURLUE_OUT_OF_MEMORY: return "out of memory";
	default: return "URL cannot be parsed";
	}
}

/* The length of a scheme ending in "://" at the start of s, or 0. */
static size_t scheme_len(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !is_alpha(s[0]))
		return 0;
	while (i < n && (is_alnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	return n - i >= 3 && memcmp(s + i, "://", 3) == 0 ? i : 0;
}

static int canon_url_host(const char *host, char *out, size_t cap, const char **why)
{
	size_t n = strlen(host);
	if (host[0] == '[') {
		uint8_t a[16];
		char t[IPV6_TEXT_MAX + 1];
		int rc = parse_ipv6(host, n, a, why);
		if (rc == 0)
			rc = fmt_ipv6(a, t, sizeof(t), why);
		if (rc == 0 && (size_t)snprintf(out, cap, "[%s]", t) >= cap)
			rc = too_small(why);
		return rc;
	}
	bool dotted = n > 0;
	for (size_t i = 0; i < n; i++)
		dotted &= is_digit(host[i]) || host[i] == '.';
	return dotted ? canon_ipv4(host, n, out, cap, why) : canon_domain(host, n, out, cap, why);
}

static int canon_url(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	size_t sl = scheme_len(s, n);
	if (sl == 0) {
		*why = "URL has no scheme (such as http://)";
		return OE_EINVAL;
	}
	if (memchr(s, ' ', n)) {
		*why = "URL contains a space";
		return OE_EINVAL;
	}
	char url[OE_VALUE_MAX + 8];
	memcpy(url, s, n);
	url[n] = '\0';
	if ((sl == 4 || (sl == 5 && lower(url[4]) == 's')) && has_prefix_ci(url, sl, "hxxp"))
		url[1] = url[2] = 't'; /* the defanged spellings of http and https */
	size_t auth = sl + 3;
	refang(url, &n, auth, auth + strcspn(url + auth, "/?#"));

	int ret = OE_EINVAL;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *pass = NULL, *opts = NULL,
	     *path = NULL, *query = NULL, *zone = NULL;
	CURLU *h = curl_url();
	if (!h) {
		*why = "out of memory";
		return OE_ENOMEM;
	}
	CURLUcode rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
	if (rc != CURLUE_OK) {
		*why = curl_why(rc);
		ret = rc == CURLUE_OUT_OF_MEMORY ? OE_ENOMEM : OE_EINVAL;
		goto out;
	}
	if (curl_url_get(h, CURLUPART_ZONEID, &zone, 0) == CURLUE_OK) {
		*why = "IPv6 zone identifiers are not accepted";
		goto out;
	}
	if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
		*why = "URL has no host";
		goto out;
	}
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		*why = "URL has no scheme (such as http://)";
		goto out;
	}
	curl_url_get(h, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
	curl_url_get(h, CURLUPART_USER, &user, 0);
	curl_url_get(h, CURLUPART_PASSWORD, &pass, 0);
	curl_url_get(h, CURLUPART_OPTIONS, &opts, 0);
	curl_url_get(h, CURLUPART_PATH, &path, 0);
	curl_url_get(h, CURLUPART_QUERY, &query, 0);

	char hbuf[DOMAIN_MAX + 3];
	ret = canon_url_host(host, hbuf, sizeof(hbuf), why);
	if (ret)
		goto out;

	char res[OE_VALUE_MAX + 2];
	sbuf b = {res, 0, sizeof(res), false};
	res[0] = '\0';
	for (const char *p = scheme; *p; p++)
		sb_putc(&b, lower(*p));
	sb_puts(&b, "://");
	if (user || pass || opts) {
		if (user)
			sb_pct(&b, user, RAW_USER);
		if (opts) {
			sb_putc(&b, ';');
			sb_pct(&b, opts, RAW_USER);
		}
		if (pass) {
			sb_putc(&b, ':');
			sb_pct(&b, pass, RAW_PASSWORD);
		}
		sb_putc(&b, '@');
	}
	sb_puts(&b, hbuf);
	if (port) {
		char pb[8];
		snprintf(pb, sizeof(pb), ":%ld", strtol(port, NULL, 10));
		sb_puts(&b, pb);
	}
	size_t path_at = b.n;
	sb_pct(&b, path && path[0] ? path : "/", RAW_PATH);
	if (!b.over) {
		remove_dot_segments(res + path_at);
		b.n = strlen(res);
		if (res[path_at] != '/') { /* "a/.." leaves "", "/a/.." leaves "/" */
			res[path_at] = '/';
			res[path_at + 1] = '\0';
			b.n = path_at + 1;
		}
	}
	if (query && query[0]) {
		sb_putc(&b, '?');
		sb_pct(&b, query, RAW_QUERY);
	}
	if (b.over || b.n > OE_VALUE_MAX) {
		*why = "URL is longer than 2048 bytes";
		ret = OE_EINVAL;
		goto out;
	}
	ret = emit(res, b.n, out, cap, why);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(pass);
	curl_free(opts);
	curl_free(path);
	curl_free(query);
	curl_free(zone);
	curl_url_cleanup(h);
	return ret;
}

/* ---- email ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t k;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return k;
}

static int canon_email(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	if (has_prefix_ci(s, n, "mailto:")) {
		s += 7;
		n -= 7;
	}
	const char *at = memchr(s, '@', n);
	if (!at || memchr(at + 1, '@', n - (size_t)(at - s) - 1)) {
		*why = "email address needs exactly one '@'";
		return OE_EINVAL;
	}
	size_t ln = (size_t)(at - s);
	if (ln == 0) {
		*why = "email address has an empty local part";
		return OE_EINVAL;
	}
	if (ln > EMAIL_LOCAL_MAX) {
		*why = "email local part is longer than 64 bytes";
		return OE_EINVAL;
	}
	char res[EMAIL_MAX + DOMAIN_MAX + 2];
	size_t k = 0;
	for (size_t i = 0; i < ln;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' && (i == 0 || i == ln - 1 || s[i + 1] == '.')) {
			*why = "email local part has a leading, trailing or double dot";
			return OE_EINVAL;
		}
		if (c >= 0x80) {
			size_t u = utf8_len((const unsigned char *)s + i, ln - i);
			if (!u) {
				*why = "email local part is not valid UTF-8";
				return OE_EINVAL;
			}
			memcpy(res + k, s + i, u);
			k += u;
			i += u;
			continue;
		}
		if (!is_alnum((char)c) && c != '.' && !strchr("!#$%&'*+-/=?^_`{|}~", c)) {
			*why = "email local part has a character not allowed unquoted";
			return OE_EINVAL;
		}
		res[k++] = lower((char)c);
		i++;
	}
	res[k++] = '@';
	char d[DOMAIN_MAX + 1];
	int dn = domain_into(at + 1, n - ln - 1, d, why);
	if (dn < 0)
		return dn;
	if (k + (size_t)dn > EMAIL_MAX) {
		*why = "email address is longer than 254 bytes";
		return OE_EINVAL;
	}
	memcpy(res + k, d, (size_t)dn);
	k += (size_t)dn;
	return emit(res, k, out, cap, why);
}

/* ---- phone, bank account, hashes ----------------------------------------- */

static bool phone_char(char c)
{
	return is_digit(c) || c == ' ' || c == '+' || c == '-' || c == '.' || c == '(' ||
	       c == ')' || c == '/';
}

static int canon_phone(const char *s, size_t n, const oe_canon_opts *o, char *out, size_t cap,
		       const char **why)
{
	size_t skip = has_prefix_ci(s, n, "tel:") ? 4 : 0;
	bool digit = false;
	for (size_t i = skip; i < n; i++) {
		if (!phone_char(s[i])) {
			*why = "phone number has a character other than digits, spaces and +-.()/";
			return OE_EINVAL;
		}
		digit |= is_digit(s[i]);
	}
	if (!digit) {
		*why = "phone number has no digits";
		return OE_EINVAL;
	}
	if (n > OE_PHONE_IN_MAX) {
		*why = "phone number is too long";
		return OE_EINVAL;
	}
	return oe_phone_e164(s, o && o->default_region ? o->default_region : "ID", out, cap, why);
}

/* [s, e) without surrounding spaces. */
static void trim_span(const char **s, const char **e)
{
	while (*s < *e && is_space(**s))
		(*s)++;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

static int canon_bank(const char *s, size_t n, char *out, size_t cap, const char **why)
{
	const char *end = s + n;
	const char *c1 = memchr(s, ':', n);
	const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
	if (!c2) {
		*why = "bank account must be COUNTRY:BANK:NUMBER";
		return OE_EINVAL;
	}
	const char *cs = s, *ce = c1, *bs = c1 + 1, *be = c2, *ds = c2 + 1, *de = end;
	trim_span(&cs, &ce);
	trim_span(&bs, &be);
	if (ce - cs != 2 || !is_alpha(cs[0]) || !is_alpha(cs[1])) {
		*why = "bank account country must be a two-letter code";
		return OE_EINVAL;
	}
	char cc[3] = {upper(cs[0]), upper(cs[1]), '\0'};
	size_t bn = (size_t)(be - bs);
	if (bn == 0) {
		*why = "bank account has no bank code or name";
		return OE_EINVAL;
	}
	char code[16];
	unsigned lo = OE_BANK_DIGITS_MIN, hi = OE_BANK_DIGITS_MAX;
	if (oe_bank_country_known(cc)) {
		const oe_bank *bank = oe_bank_by_name(cc, bs, bn);
		if (!bank) {
			*why = "unknown bank code or name for this country";
			return OE_EINVAL;
		}
		snprintf(code, sizeof(code), "%s", bank->code);
		if (bank->min_digits) {
			lo = bank->min_digits;
			hi = bank->max_digits;
		}
	} else {
		if (bn > 11) {
			*why = "bank code must be 1 to 11 letters or digits";
			return OE_EINVAL;
		}
		for (size_t i = 0; i < bn; i++) {
			if (!is_alnum(bs[i])) {
				*why = "bank code must be 1 to 11 letters or digits";
				return OE_EINVAL;
			}
			code[i] = upper(bs[i]);
		}
		code[bn] = '\0';
	}
	char digits[OE_BANK_DIGITS_MAX + 1];
	size_t dn = 0;
	for (const char *p = ds; p < de; p++) {
		if (*p == ' ' || *p == '-' || *p == '.')
			continue;
		if (!is_digit(*p)) {
			*why = "bank account number has a character other than digits, spaces, '-' "
			       "and '.'";
			return OE_EINVAL;
		}
		if (dn == OE_BANK_DIGITS_MAX) {
			*why = "bank account number has too many digits";
			return OE_EINVAL;
		}
		digits[dn++] = *p;
	}
	if (dn < lo || dn > hi) {
		*why = lo == OE_BANK_DIGITS_MIN && hi == OE_BANK_DIGITS_MAX
			   ? "bank account number must have 5 to 34 digits"
			   : "bank account number has the wrong number of digits for this bank";
		return OE_EINVAL;
	}
	digits[dn] = '\0';
	int k = snprintf(out, cap, "%s:%s:%s", cc, code, digits);
	return k < 0 || (size_t)k >= cap ? too_small(why) : 0;
}

static int canon_hash(oe_itype t, const char *s, size_t n, char *out, size_t cap, const char **why)
{
	size_t want = t == OE_T_MD5 ? 32 : t == OE_T_SHA1 ? 40 : 64;
	for (size_t i = 0; i < n; i++) {
		if (hexval(s[i]) < 0) {
			*why = "hash has a character that is not a hex digit";
			return OE_EINVAL;
		}
	}
	if (n != want) {
		*why = t == OE_T_MD5	? "MD5 hash must be 32 hex digits"
		       : t == OE_T_SHA1 ? "SHA-1 hash must be 40 hex digits"
					: "SHA-256 hash must be 64 hex digits";
		return OE_EINVAL;
	}
	if (n + 1 > cap)
		return too_small(why);
	for (size_t i = 0; i < n; i++)
		out[i] = lower(s[i]);
	out[n] = '\0';
	return 0;
}

/* ---- entry points --------------------------------------------------------- */

static int canon_prepared(oe_itype t, vbuf *b, const oe_canon_opts *o, char *out, size_t cap,
			  const char **why)
{
	if (t == OE_T_DOMAIN || t == OE_T_EMAIL || t == OE_T_IPV4 || t == OE_T_CIDR)
		refang(b->s, &b->n, 0, b->n);
	const char *s = b->s;
	size_t n = b->n;
	switch (t) {
	case OE_T_IPV4: return canon_ipv4(s, n, out, cap, why);
	case OE_T_IPV6: return canon_ipv6(s, n, out, cap, why);
	case OE_T_CIDR: return canon_cidr(s, n, out, cap, why);
	case OE_T_DOMAIN: return canon_domain(s, n, out, cap, why);
	case OE_T_URL: return canon_url(s, n, out, cap, why);
	case OE_T_EMAIL: return canon_email(s, n, out, cap, why);
	case OE_T_PHONE: return canon_phone(s, n, o, out, cap, why);
	case OE_T_BANK: return canon_bank(s, n, out, cap, why);
	case OE_T_WALLET: return oe_wallet_canon(s, n, out, cap, NULL, why);
	case OE_T_MD5:
	case OE_T_SHA1:
	case OE_T_SHA256: return canon_hash(t, s, n, out, cap, why);
	default: *why = "unknown indicator type"; return OE_EINVAL;
	}
}

int oe_canon(oe_itype t, const char *in, size_t len, const oe_canon_opts *o, char *out, size_t cap,
	     const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	if (!out || cap == 0)
		return too_small(why);
	out[0] = '\0';
	vbuf b;
	int rc = prepare(in, len, &b, why);
	return rc ? rc : canon_prepared(t, &b, o, out, cap, why);
}

/* Count of c in s. */
static size_t count_char(const char *s, size_t n, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == c;
	return k;
}

static bool all_of(const char *s, size_t n, bool (*pred)(char))
{
	for (size_t i = 0; i < n; i++)
		if (!pred(s[i]))
			return false;
	return true;
}

static bool digit_or_dot(char c)
{
	return is_digit(c) || c == '.';
}
static bool hex_digit(char c)
{
	return hexval(c) >= 0;
}
static bool ipv6_char(char c)
{
	return hexval(c) >= 0 || c == ':' || c == '.' || c == '[' || c == ']';
}

/* Does s look like a dotted quad attempt: digits and dots, 1-3 digit runs,
 * at least one dot? */
static bool ipv4_shaped(const char *s, size_t n)
{
	if (!all_of(s, n, digit_or_dot) || !memchr(s, '.', n))
		return false;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		run = s[i] == '.' ? 0 : run + 1;
		if (run > 3)
			return false;
	}
	return true;
}

/* Detection, in the order indicator.h gives, with these rules of shape:
 *   url      a scheme and "://"; or, without a scheme, a valid domain or
 *            IPv4 host (with an optional port) followed by '/': such a
 *            value is read as "http://" + value, which is what anyone
 *            pasting "evil.example/login" means. A CIDR block wins over
 *            this guess.
 *   email    "mailto:", or one '@' and no '/' or ':'.
 *   cidr     an IPv4 or IPv6 address, '/', digits.
 *   ipv4     digits and dots only, groups of 1-3 digits.
 *   ipv6     hex digits, ':' and '.' (brackets, '%'), with "::" or 3+ ':'.
 *   hashes   hex only, 32, 40 or 64 digits.
 *   hashes   also hex of 25+ digits with a letter, of another length: a
 *            hash with digits lost, refused as the nearest hash type.
 *   crypto-wallet  whatever oe_wallet_canon accepts; also any failing
 *            "0x" or bech32-prefixed value, and any long (25+) single word
 *            of letters and digits, so that a mistyped address gets the
 *            checksum error rather than a domain error.
 *   bank-account  COUNTRY:BANK:NUMBER with a two-letter country.
 *   phone    "tel:", or only digits and " +-.()/".
 *   domain   everything else.
 * When a shape matched but its canonicaliser refused, the refusal is
 * returned and *t still names the type tried (OE_T_NONE if the value was
 * refused before any type was tried). */
int oe_detect(const char *in, size_t len, const oe_canon_opts *o, oe_itype *t, char *out,
	      size_t cap, const char **why)
{
	const char *dummy;
	oe_itype tdummy;
	if (!why)
		why = &dummy;
	if (!t)
		t = &tdummy;
	*t = OE_T_NONE;
	if (!out || cap == 0)
		return too_small(why);
	out[0] = '\0';
	vbuf b;
	int rc = prepare(in, len, &b, why);
	if (rc)
		return rc;
	const char *s = b.s;
	size_t n = b.n;
	if (!scheme_len(s, n)) /* a URL refangs its own host only */
		refang(b.s, &n, 0, strcspn(b.s, "/"));

	if (scheme_len(s, n) || has_prefix_ci(s, n, "hxxp")) {
		*t = OE_T_URL;
		return canon_url(s, n, out, cap, why);
	}
	if (has_prefix_ci(s, n, "mailto:")) {
		*t = OE_T_EMAIL;
		return canon_email(s, n, out, cap, why);
	}
	if (has_prefix_ci(s, n, "tel:")) {
		*t = OE_T_PHONE;
		return canon_phone(s, n, o, out, cap, why);
	}
	if (has_prefix_ci(s, n, "bitcoincash:")) {
		*t = OE_T_WALLET;
		return oe_wallet_canon(s, n, out, cap, NULL, why);
	}
	if (count_char(s, n, '@') == 1 && !memchr(s, '/', n) && !memchr(s, ':', n)) {
		*t = OE_T_EMAIL;
		return canon_email(s, n, out, cap, why);
	}
	const char *slash = memchr(s, '/', n);
	if (slash) {
		const char *last = memrchr(s, '/', n);
		size_t an = (size_t)(last - s);
		uint8_t a[16];
		const char *w;
		if (last + 1 < s + n && all_of(last + 1, n - an - 1, is_digit) &&
		    (parse_ipv4(s, an, a, &w) == 0 || parse_ipv6(s, an, a, &w) == 0)) {
			*t = OE_T_CIDR;
			return canon_cidr(s, n, out, cap, why);
		}
		/* Scheme-less URL: the host (and port) before the first '/'. */
		size_t hn = (size_t)(slash - s);
		const char *colon = memchr(s, ':', hn);
		size_t hostn = colon ? (size_t)(colon - s) : hn;
		char d[DOMAIN_MAX + 1];
		bool port_ok = !colon || (hn - hostn > 1 && hn - hostn <= 6 &&
					  all_of(colon + 1, hn - hostn - 1, is_digit));
		if (hostn > 0 && port_ok &&
		    (parse_ipv4(s, hostn, a, &w) == 0 || domain_into(s, hostn, d, &w) >= 0)) {
			char url[OE_VALUE_MAX + 8];
			int k = snprintf(url, sizeof(url), "http://%s", s);
			*t = OE_T_URL;
			return canon_url(url, (size_t)k, out, cap, why);
		}
	}
	if (ipv4_shaped(s, n)) {
		*t = OE_T_IPV4;
		return canon_ipv4(s, n, out, cap, why);
	}
	size_t colons = count_char(s, n, ':');
	const char *zone = memchr(s, '%', n);
	size_t an = zone ? (size_t)(zone - s) : n; /* "fe80::1%eth0": judge the address */
	if (all_of(s, an, ipv6_char) && (colons >= 3 || strstr(s, "::"))) {
		*t = OE_T_IPV6;
		return canon_ipv6(s, n, out, cap, why);
	}
	if (all_of(s, n, hex_digit) && (n == 32 || n == 40 || n == 64)) {
		*t = n == 32 ? OE_T_MD5 : n == 40 ? OE_T_SHA1 : OE_T_SHA256;
		return canon_hash(*t, s, n, out, cap, why);
	}
	bool letters = !all_of(s, n, is_digit);
	if (letters && n >= 25 && all_of(s, n, hex_digit)) { /* a hash, digits missing or extra */
		*t = n < 36 ? OE_T_MD5 : n < 52 ? OE_T_SHA1 : OE_T_SHA256;
		return canon_hash(*t, s, n, out, cap, why);
	}
	const char *wwhy;
	rc = oe_wallet_canon(s, n, out, cap, NULL, &wwhy);
	if (rc == 0 || (rc == OE_ETOOBIG) ||
	    (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && all_of(s + 2, n - 2, hex_digit)) ||
	    has_prefix_ci(s, n, "bc1") || has_prefix_ci(s, n, "ltc1") ||
	    has_prefix_ci(s, n, "tb1") || (letters && n >= 25 && all_of(s, n, is_alnum))) {
		*t = OE_T_WALLET;
		*why = wwhy;
		return rc;
	}
	out[0] = '\0';
	if (colons == 2 && n > 3 && is_alpha(s[0]) && is_alpha(s[1]) && s[2] == ':') {
		*t = OE_T_BANK;
		return canon_bank(s, n, out, cap, why);
	}
	if (all_of(s, n, phone_char) && strpbrk(s, "0123456789")) {
		*t = OE_T_PHONE;
		return canon_phone(s, n, o, out, cap, why);
	}
	*t = OE_T_DOMAIN;
	return canon_domain(s, n, out, cap, why);
}
