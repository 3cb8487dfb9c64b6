/* stix.c - STIX 2.1 bundles to an import set and indicators back to STIX
 * (see stix.h for what is taken and what is refused).
 *
 * The pattern parser is a recursive descent over a cursor that accepts only
 * the OR-of-equalities subset a node can store; everything else in the STIX
 * patterning grammar is recognised far enough to name it in the refusal.
 * The bundle walker never holds the whole document as a tree: a scanner
 * notes where each object lies (and its type, id and modified), the ids
 * are indexed, then each object is read alone when it is needed and its
 * tree dropped at once. Reports become events first, then the loose
 * indicators and observations are taken in document order. */
#include "stix.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "arena.h"
#include "json.h"
#include "uuid.h"

#define STR_(x) #x
#define STR(x)	STR_(x)

/* Longest normalised object path we compare ("file:hashes.SHA-256" is 19;
 * anything near this is not one of ours). */
#define PATH_MAX_LEN 128

#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define TLP2_CREATED   "2022-10-01T00:00:00.000Z"

/* ---- object paths shared by patterns and SCOs ---- */

typedef struct {
	const char *obj, *prop;
	oe_itype type;
} path_map;

/* Object type and property -> indicator type. Hashes are matched apart
 * (file:hashes.<algorithm>). "x-opencti-" types are what OpenCTI wrote
 * before its observables became plain custom SCOs. */
static const path_map paths[] = {
    {"ipv4-addr", "value", OE_T_IPV4},
    {"ipv6-addr", "value", OE_T_IPV6},
    {"domain-name", "value", OE_T_DOMAIN},
    {"hostname", "value", OE_T_DOMAIN},
    {"x-opencti-hostname", "value", OE_T_DOMAIN},
    {"url", "value", OE_T_URL},
    {"email-addr", "value", OE_T_EMAIL},
    {"email-message", "from_ref.value", OE_T_EMAIL},
    {"email-message", "sender_ref.value", OE_T_EMAIL},
    {"phone-number", "value", OE_T_PHONE},
    {"x-opencti-phone-number", "value", OE_T_PHONE},
    {"bank-account", "iban", OE_T_BANK},
    {"bank-account", "account_number", OE_T_BANK},
    {"x-opencti-bank-account", "iban", OE_T_BANK},
    {"x-opencti-bank-account", "account_number", OE_T_BANK},
    {"cryptocurrency-wallet", "value", OE_T_WALLET},
    {"x-opencti-cryptocurrency-wallet", "value", OE_T_WALLET},
};

/* A hash algorithm name as STIX writes it ("MD5", "SHA-1", "SHA-256"),
 * also lower-case or without the hyphen as some producers do. */
static oe_itype hash_type(const char *name)
{
	char n[16];
	size_t k = 0;
	for (const char *p = name; *p && k + 1 < sizeof(n); p++)
		if (*p != '-')
			n[k++] = *p;
	n[k] = '\0';
	if (strlen(name) >= sizeof(n))
		return OE_T_NONE;
	if (strcasecmp(n, "md5") == 0)
		return OE_T_MD5;
	if (strcasecmp(n, "sha1") == 0)
		return OE_T_SHA1;
	if (strcasecmp(n, "sha256") == 0)
		return OE_T_SHA256;
	return OE_T_NONE;
}

static oe_itype lookup_path(const char *obj, const char *prop)
{
	if (strcmp(obj, "file") == 0 && strncmp(prop, "hashes.", 7) == 0)
		return hash_type(prop + 7);
	for (size_t i = 0; i < OE_ARRAY_SIZE(paths); i++)
		if (strcmp(obj, paths[i].obj) == 0 && strcmp(prop, paths[i].prop) == 0)
			return paths[i].type;
	return OE_T_NONE;
}

/* Canonicalise a value found under an object path of type t. Addresses
 * may be networks (ipv4-addr:value = '10.0.0.0/8'); the family of the path
 * must match the value's. Returns 0 or OE_EINVAL with *why. */
static int canon_value(oe_itype t, const char *in, size_t len, const oe_canon_opts *o,
		       oe_itype *got, char *out, size_t cap, const char **why)
{
	if ((t == OE_T_IPV4 || t == OE_T_IPV6) && memchr(in, '/', len)) {
		int rc = oe_canon(OE_T_CIDR, in, len, o, out, cap, why);
		if (rc)
			return rc;
		bool v6 = strchr(out, ':') != NULL;
		if (v6 != (t == OE_T_IPV6)) {
			*why = v6 ? "an ipv4-addr holds an IPv6 network"
				  : "an ipv6-addr holds an IPv4 network";
			return OE_EINVAL;
		}
		*got = OE_T_CIDR;
		return 0;
	}
	*got = t;
	return oe_canon(t, in, len, o, out, cap, why);
}

/* Outside text quoted in a refusal: printable ASCII only (anything else
 * becomes '?') and at most max bytes, so that every reason is valid UTF-8
 * wherever it is rendered. Returns out. */
static const char *printable(const char *s, size_t max, char *out, size_t cap)
{
	size_t k = 0;
	for (; *s && k < max && k + 1 < cap; s++)
		out[k++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[k] = '\0';
	return out;
}

/* ---- scratch memory ----
 *
 * Everything the walker needs while it looks at one object (the object's
 * tree, the terms of its pattern) comes from here and is dropped when the
 * object is done, so that reading a million objects does not mean a
 * million rounds of malloc and free. */

typedef struct jmember jmember;

/* Bytes of one scratch chunk; an element bigger than that gets its own. */
#define SCRATCH_CHUNK 65536

typedef struct chunk {
	struct chunk *next;
	size_t cap;
	max_align_t data[];
} chunk;

/* A stack allocator: chunks are kept for reuse until scratch_free, and
 * scratch_back returns to a mark taken earlier (reads nest: a report reads
 * its members while its own tree is in use). stk holds the members of the
 * containers being read (see the reader) before they are copied to their
 * final place. */
typedef struct {
	chunk *first, *cur;
	size_t used; /* in cur */
	jmember *stk;
	size_t nstk, capstk;
} scratch;

typedef struct {
	chunk *cur;
	size_t used;
} scratch_mark;

static scratch_mark scratch_at(const scratch *s)
{
	return (scratch_mark){s->cur, s->used};
}

static void scratch_back(scratch *s, scratch_mark m)
{
	s->cur = m.cur;
	s->used = m.used;
}

static void scratch_free(scratch *s)
{
	for (chunk *c = s->first, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(s->stk);
	memset(s, 0, sizeof(*s));
}

static void *scratch_alloc(scratch *s, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	if (!s->cur || s->cur->cap - s->used < n) {
		/* The next kept chunk when it is big enough, else a new one. */
		chunk *next = s->cur ? s->cur->next : s->first;
		if (!next || next->cap < n) {
			size_t cap = n > SCRATCH_CHUNK ? n : SCRATCH_CHUNK;
			chunk *c = malloc(sizeof(*c) + cap);
			if (!c)
				return NULL;
			c->cap = cap;
			c->next = next;
			if (s->cur)
				s->cur->next = c;
			else
				s->first = c;
			next = c;
		}
		s->cur = next;
		s->used = 0;
	}
	void *p = (char *)s->cur->data + s->used;
	s->used += n;
	return p;
}

/* ---- pattern parser ---- */

void oe_stix_terms_free(oe_stix_terms *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].value);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

typedef struct {
	const char *start, *p, *end;
	const oe_canon_opts *o;
	oe_stix_terms *out;
	scratch *scr; /* where out's memory comes from; NULL: malloc */
	char *why;
	size_t whycap;
	int depth;
} pparser;

static int perr(pparser *ps, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int perr(pparser *ps, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->why, ps->whycap, fmt, ap);
	va_end(ap);
	return rc;
}

static void pskip(pparser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static size_t poff(const pparser *ps)
{
	return (size_t)(ps->p - ps->start);
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Length of the word (letters, digits, '_', '-') at the cursor. */
static size_t pword(const pparser *ps)
{
	const char *q = ps->p;
	while (q < ps->end && is_word(*q))
		q++;
	return (size_t)(q - ps->p);
}

/* Is the word at the cursor the keyword kw (any case)? */
static bool pkeyword(const pparser *ps, const char *kw)
{
	size_t n = pword(ps);
	return n == strlen(kw) && strncasecmp(ps->p, kw, n) == 0;
}

/* After an observation or comparison: refuse the connectors and qualifiers
 * we do not take, by name. */
static int refuse_keyword(pparser *ps)
{
	static const char *const words[] = {"AND",     "FOLLOWEDBY", "WITHIN",	 "REPEATS",
					    "START",   "STOP",	     "NOT",	 "LIKE",
					    "MATCHES", "IN",	     "ISSUBSET", "ISSUPERSET"};
	for (size_t i = 0; i < OE_ARRAY_SIZE(words); i++)
		if (pkeyword(ps, words[i]))
			return perr(ps, OE_EINVAL,
				    "%s is not supported (only OR of '=' comparisons)", words[i]);
	if (ps->p < ps->end && *ps->p >= 0x20 && *ps->p < 0x7f)
		return perr(ps, OE_EINVAL, "unexpected '%c' at offset %zu", *ps->p, poff(ps));
	if (ps->p < ps->end)
		return perr(ps, OE_EINVAL, "unexpected byte 0x%02x at offset %zu",
			    (unsigned char)*ps->p, poff(ps));
	return perr(ps, OE_EINVAL, "unexpected end of pattern");
}

/* A single-quoted string with \' and \\ escapes, unescaped into out. */
static int pstring(pparser *ps, char *out, size_t cap, size_t *len)
{
	size_t n = 0;
	ps->p++; /* the opening quote */
	for (;;) {
		if (ps->p >= ps->end)
			return perr(ps, OE_EINVAL, "unterminated string");
		char c = *ps->p++;
		if (c == '\'')
			break;
		if (c == '\\') {
			if (ps->p >= ps->end || (*ps->p != '\'' && *ps->p != '\\'))
				return perr(
				    ps, OE_EINVAL,
				    "invalid escape in string at offset %zu (only \\' and \\\\)",
				    poff(ps) - 1);
			c = *ps->p++;
		}
		if (n + 1 >= cap)
			return perr(ps, OE_EINVAL, "value longer than %d bytes", OE_VALUE_MAX);
		out[n++] = c;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

/* object-type ':' property ( '.' property | '[' index ']' )*, normalised
 * into obj and prop (quotes removed, list steps kept as "[*]"). */
static int ppath(pparser *ps, char *obj, char *prop)
{
	size_t n = pword(ps);
	if (n == 0)
		return perr(ps, OE_EINVAL, "expected an object path at offset %zu", poff(ps));
	if (n >= PATH_MAX_LEN)
		return perr(ps, OE_EINVAL, "object type too long at offset %zu", poff(ps));
	memcpy(obj, ps->p, n);
	obj[n] = '\0';
	ps->p += n;
	if (ps->p >= ps->end || *ps->p != ':')
		return perr(ps, OE_EINVAL, "expected ':' after '%s'", obj);
	ps->p++;
	size_t k = 0;
	bool first = true;
	for (;;) {
		const char *s;
		size_t len;
		if (ps->p < ps->end && *ps->p == '\'') {
			/* A quoted step: hashes.'SHA-256'. */
			const char *q = memchr(ps->p + 1, '\'', (size_t)(ps->end - ps->p - 1));
			if (!q)
				return perr(ps, OE_EINVAL, "unterminated quoted property name");
			s = ps->p + 1;
			len = (size_t)(q - s);
			ps->p = q + 1;
		} else if (ps->p < ps->end && *ps->p == '[' && !first) {
			const char *q = memchr(ps->p, ']', (size_t)(ps->end - ps->p));
			if (!q)
				return perr(ps, OE_EINVAL,
					    "unterminated list index in object path");
			s = ps->p;
			len = (size_t)(q + 1 - s);
			ps->p = q + 1;
		} else {
			s = ps->p;
			len = pword(ps);
			ps->p += len;
		}
		if (len == 0)
			return perr(ps, OE_EINVAL,
				    "empty property name in object path at offset %zu", poff(ps));
		if (k + len + 2 >= PATH_MAX_LEN)
			return perr(ps, OE_EINVAL, "object path too long");
		if (!first && s[0] != '[')
			prop[k++] = '.';
		memcpy(prop + k, s, len);
		k += len;
		prop[k] = '\0';
		first = false;
		if (ps->p < ps->end && (*ps->p == '.' || *ps->p == '[')) {
			if (*ps->p == '.')
				ps->p++;
			continue;
		}
		break;
	}
	return 0;
}

static int push_term(pparser *ps, oe_itype t, const char *v)
{
	oe_stix_terms *o = ps->out;
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].type == t && strcmp(o->v[i].value, v) == 0)
			return 0; /* the same value twice says nothing more */
	if (o->n >= OE_STIX_OR_MAX)
		return perr(ps, OE_ETOOBIG, "more than %d comparisons", OE_STIX_OR_MAX);
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4;
		oe_stix_term *nv;
		if (ps->scr) {
			nv = scratch_alloc(ps->scr, cap * sizeof(*nv));
			if (nv && o->n)
				memcpy(nv, o->v, o->n * sizeof(*nv));
		} else {
			nv = realloc(o->v, cap * sizeof(*nv));
		}
		if (!nv)
			return perr(ps, OE_ENOMEM, "out of memory");
		o->v = nv;
		o->cap = cap;
	}
	size_t n = strlen(v);
	char *d = ps->scr ? scratch_alloc(ps->scr, n + 1) : malloc(n + 1);
	if (!d)
		return perr(ps, OE_ENOMEM, "out of memory");
	memcpy(d, v, n + 1);
	o->v[o->n].type = t;
	o->v[o->n].value = d;
	o->n++;
	return 0;
}

/* path '=' 'string' */
static int pcomparison(pparser *ps)
{
	char obj[PATH_MAX_LEN], prop[PATH_MAX_LEN];
	int rc = ppath(ps, obj, prop);
	if (rc)
		return rc;
	oe_itype t = lookup_path(obj, prop);
	if (t == OE_T_NONE) {
		char q[PATH_MAX_LEN];
		return perr(ps, OE_EINVAL, "object path '%s:%s' is not supported", obj,
			    printable(prop, sizeof(q) - 1, q, sizeof(q)));
	}
	pskip(ps);
	if (ps->p >= ps->end)
		return perr(ps, OE_EINVAL, "expected '=' after '%s:%s'", obj, prop);
	if (*ps->p == '!' || *ps->p == '<' || *ps->p == '>') {
		char op[3] = {ps->p[0], 0, 0};
		if (ps->p + 1 < ps->end && ps->p[1] == '=')
			op[1] = '=';
		return perr(ps, OE_EINVAL, "operator %s is not supported (only =)", op);
	}
	if (*ps->p != '=') {
		static const char *const ops[] = {"NOT", "LIKE",     "MATCHES",
						  "IN",	 "ISSUBSET", "ISSUPERSET"};
		for (size_t i = 0; i < OE_ARRAY_SIZE(ops); i++)
			if (pkeyword(ps, ops[i]))
				return perr(ps, OE_EINVAL, "operator %s is not supported (only =)",
					    ops[i]);
		return perr(ps, OE_EINVAL, "expected '=' at offset %zu", poff(ps));
	}
	ps->p++;
	pskip(ps);
	if (ps->p >= ps->end || *ps->p != '\'')
		return perr(ps, OE_EINVAL, "the value at offset %zu is not a quoted string",
			    poff(ps));
	char raw[OE_VALUE_MAX + 1], canon[OE_VALUE_MAX + 1];
	size_t rawlen = 0;
	size_t at = poff(ps);
	if ((rc = pstring(ps, raw, sizeof(raw), &rawlen)))
		return rc;
	const char *why = NULL;
	oe_itype got;
	if (canon_value(t, raw, rawlen, ps->o, &got, canon, sizeof(canon), &why))
		return perr(ps, OE_EINVAL, "%s:%s value at offset %zu: %s", obj, prop, at,
			    why ? why : "invalid");
	return push_term(ps, got, canon);
}

static int pcmp_expr(pparser *ps);
static int pobs_expr(pparser *ps);

/* '(' expr ')' with the nesting bound, or the inner term. */
static int pparen(pparser *ps, int (*expr)(pparser *))
{
	if (++ps->depth > OE_STIX_PAREN_MAX)
		return perr(ps, OE_ETOOBIG, "parentheses nested deeper than %d", OE_STIX_PAREN_MAX);
	ps->p++;
	int rc = expr(ps);
	if (rc)
		return rc;
	pskip(ps);
	if (ps->p >= ps->end || *ps->p != ')')
		return ps->p >= ps->end ? perr(ps, OE_EINVAL, "missing ')'") : refuse_keyword(ps);
	ps->p++;
	ps->depth--;
	return 0;
}

static int pcmp_term(pparser *ps)
{
	pskip(ps);
	if (ps->p < ps->end && *ps->p == '(')
		return pparen(ps, pcmp_expr);
	return pcomparison(ps);
}

static int pcmp_expr(pparser *ps)
{
	for (;;) {
		int rc = pcmp_term(ps);
		if (rc)
			return rc;
		pskip(ps);
		if (pkeyword(ps, "OR")) {
			ps->p += 2;
			continue;
		}
		return 0;
	}
}

static int pobs_term(pparser *ps)
{
	pskip(ps);
	if (ps->p < ps->end && *ps->p == '(')
		return pparen(ps, pobs_expr);
	if (ps->p >= ps->end || *ps->p != '[')
		return ps->p >= ps->end
			   ? perr(ps, OE_EINVAL, "expected '[' at the end of the pattern")
			   : perr(ps, OE_EINVAL, "expected '[' at offset %zu", poff(ps));
	ps->p++;
	int rc = pcmp_expr(ps);
	if (rc)
		return rc;
	pskip(ps);
	if (ps->p >= ps->end || *ps->p != ']')
		return ps->p >= ps->end ? perr(ps, OE_EINVAL, "missing ']'") : refuse_keyword(ps);
	ps->p++;
	return 0;
}

static int pobs_expr(pparser *ps)
{
	for (;;) {
		int rc = pobs_term(ps);
		if (rc)
			return rc;
		pskip(ps);
		if (pkeyword(ps, "OR")) {
			ps->p += 2;
			continue;
		}
		return 0;
	}
}

/* oe_stix_pattern_parse with the terms in scr (when not NULL): they are
 * dropped with it, never freed. */
static int pattern_parse(const char *pat, size_t len, const oe_canon_opts *o, scratch *scr,
			 oe_stix_terms *out, char *why, size_t whycap)
{
	pparser ps = {pat, pat, pat + len, o, out, scr, why, whycap, 0};
	int rc;
	if (whycap)
		why[0] = '\0';
	if (len > OE_STIX_PATTERN_MAX) {
		rc = perr(&ps, OE_ETOOBIG, "pattern longer than %d bytes", OE_STIX_PATTERN_MAX);
		goto out;
	}
	if (memchr(pat, '\0', len)) {
		rc = perr(&ps, OE_EINVAL, "pattern contains a NUL byte");
		goto out;
	}
	if ((rc = pobs_expr(&ps)))
		goto out;
	pskip(&ps);
	if (ps.p < ps.end)
		rc = refuse_keyword(&ps);
out:
	if (rc && !scr)
		oe_stix_terms_free(out);
	else if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int oe_stix_pattern_parse(const char *pat, size_t len, const oe_canon_opts *o, oe_stix_terms *out,
			  char *why, size_t whycap)
{
	return pattern_parse(pat, len, o, NULL, out, why, whycap);
}

int oe_stix_pattern_format(oe_itype t, const char *value, char *out, size_t cap)
{
	const char *path;
	switch (t) {
	case OE_T_IPV4: path = "ipv4-addr:value"; break;
	case OE_T_IPV6: path = "ipv6-addr:value"; break;
	case OE_T_CIDR: path = strchr(value, ':') ? "ipv6-addr:value" : "ipv4-addr:value"; break;
	case OE_T_DOMAIN: path = "domain-name:value"; break;
	case OE_T_URL: path = "url:value"; break;
	case OE_T_EMAIL: path = "email-addr:value"; break;
	case OE_T_PHONE: path = "phone-number:value"; break;
	case OE_T_BANK: path = "bank-account:account_number"; break;
	case OE_T_WALLET: path = "cryptocurrency-wallet:value"; break;
	case OE_T_MD5: path = "file:hashes.MD5"; break;
	case OE_T_SHA1: path = "file:hashes.'SHA-1'"; break;
	case OE_T_SHA256: path = "file:hashes.'SHA-256'"; break;
	default: return OE_EINVAL;
	}
	size_t k = 0;
	int n = snprintf(out, cap, "[%s = '", path);
	if (n < 0 || (size_t)n >= cap)
		return OE_ETOOBIG;
	k = (size_t)n;
	for (const char *p = value; *p; p++) {
		if (k + 2 >= cap)
			return OE_ETOOBIG;
		if (*p == '\'' || *p == '\\')
			out[k++] = '\\';
		out[k++] = *p;
	}
	if (k + 3 > cap)
		return OE_ETOOBIG;
	out[k++] = '\'';
	out[k++] = ']';
	out[k] = '\0';
	return 0;
}

/* ---- the document scanner ----
 *
 * A bundle may hold a million objects. One jansson tree of all of it costs
 * several times the document in memory and most of the time in malloc, so
 * the document is never parsed whole: a cursor walks the top-level object
 * (its structure, its keys and the nesting depth) and, for each element of
 * "objects", notes only its byte range and the three members needed before
 * any object is read: type, id and modified. Every other byte is checked
 * when its element (or top-level member) is read on its own (see the
 * reader below), so a document is accepted exactly when jansson would
 * accept it whole, nested no deeper than OE_JSON_MAX_DEPTH. */

typedef struct {
	const char *buf, *p, *end;
	oe_arena *arena; /* texts that had to be decoded */
	char *err;
	size_t errcap;
} scanner;

/* Flags for every element json_loadb reads: the document's rules. */
#define LOAD_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)

/* Nesting of the top-level object, of "objects" and of one element: the
 * scanner's own levels, counted against OE_JSON_MAX_DEPTH like any other. */
#define DEPTH_TOP     1
#define DEPTH_OBJECTS 2
#define DEPTH_ELEMENT 3
_Static_assert(OE_JSON_MAX_DEPTH >= DEPTH_ELEMENT, "the scanner's own levels must fit");

/* Line and column of byte off as jansson counts them: lines from 1,
 * columns in characters from 1. Only called for an error message. */
static void line_col(const char *buf, size_t off, size_t *line, size_t *col)
{
	size_t l = 1, c = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int serr(scanner *sc, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "invalid JSON at line L, column C: <why>" for the byte at. */
static int serr(scanner *sc, const char *at, const char *fmt, ...)
{
	char msg[160];
	size_t line, col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line_col(sc->buf, (size_t)(at - sc->buf), &line, &col);
	snprintf(sc->err, sc->errcap, "invalid JSON at line %zu, column %zu: %s", line, col, msg);
	return OE_EINVAL;
}

static int too_deep(scanner *sc, const char *at)
{
	size_t line, col;
	line_col(sc->buf, (size_t)(at - sc->buf), &line, &col);
	snprintf(sc->err, sc->errcap, "JSON nested deeper than %d levels (at line %zu, column %zu)",
		 OE_JSON_MAX_DEPTH, line, col);
	return OE_ETOOBIG;
}

/* jansson's error for the bytes it was given from at on, placed in the
 * whole document. */
static int jerr(scanner *sc, const char *at, const json_error_t *je)
{
	if (json_error_code(je) == json_error_out_of_memory) {
		snprintf(sc->err, sc->errcap, "out of memory");
		return OE_ENOMEM;
	}
	size_t line, col;
	line_col(sc->buf, (size_t)(at - sc->buf), &line, &col);
	if (je->line > 1) {
		line += (size_t)je->line - 1;
		col = je->column > 0 ? (size_t)je->column : 1;
	} else if (je->column > 0) {
		col += (size_t)je->column - 1;
	}
	/* jansson says "unable to decode byte 0xff" for bad UTF-8. */
	snprintf(sc->err, sc->errcap, "invalid JSON at line %zu, column %zu: %s%s", line, col,
		 strstr(je->text, "decode byte") ? "not valid UTF-8: " : "", je->text);
	return OE_EINVAL;
}

/* The byte at the cursor (or the end) is not what the grammar wants. */
static int unexpected(scanner *sc, const char *wanted)
{
	if (sc->p >= sc->end)
		return serr(sc, sc->p, "unexpected end of input, expected %s", wanted);
	unsigned char c = (unsigned char)*sc->p;
	if (c >= 0x20 && c < 0x7f)
		return serr(sc, sc->p, "unexpected '%c', expected %s", c, wanted);
	return serr(sc, sc->p, "unexpected byte 0x%02x, expected %s", c, wanted);
}

static void skip_ws(scanner *sc)
{
	while (sc->p < sc->end &&
	       (*sc->p == ' ' || *sc->p == '\n' || *sc->p == '\r' || *sc->p == '\t'))
		sc->p++;
}

/* Is the cursor on c (after white space)? Consumes it when it is. */
static bool take(scanner *sc, char c)
{
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == c) {
		sc->p++;
		return true;
	}
	return false;
}

/* Past the string whose opening quote is at the cursor. Its content is
 * checked by whoever reads it: the reader, or string_text. */
static int skip_string(scanner *sc)
{
	const char *open = sc->p, *q = sc->p + 1;
	for (;;) {
		const char *e = memchr(q, '"', (size_t)(sc->end - q));
		if (!e)
			return serr(sc, sc->end, "unexpected end of input in a string");
		/* Escaped when an odd number of backslashes stand before it. */
		const char *b = e;
		while (b > open + 1 && b[-1] == '\\')
			b--;
		if (((e - b) & 1) == 0) {
			sc->p = e + 1;
			return 0;
		}
		q = e + 1;
	}
}

/* Bytes that end a number or literal. */
static bool ends_scalar(char c)
{
	return c == ',' || c == ']' || c == '}' || c == ':' || c == '"' || c == '[' || c == '{' ||
	       c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Bytes that matter inside a skipped container. */
static const bool structural[256] = {
    ['"'] = true, ['['] = true, [']'] = true, ['{'] = true, ['}'] = true};

/* Past the value at the cursor, which sits inside depth containers. Only
 * its extent and its nesting are checked here: the reader checks the
 * rest when the value is read. */
static int skip_value(scanner *sc, int depth)
{
	const char *start = sc->p;
	if (sc->p >= sc->end)
		return unexpected(sc, "a value");
	if (*sc->p == '"')
		return skip_string(sc);
	if (*sc->p != '{' && *sc->p != '[') {
		while (sc->p < sc->end && !ends_scalar(*sc->p))
			sc->p++;
		return sc->p == start ? unexpected(sc, "a value") : 0;
	}
	int d = depth;
	while (sc->p < sc->end) {
		char c = *sc->p;
		if (!structural[(unsigned char)c]) {
			sc->p++;
			continue;
		}
		if (c == '"') {
			int rc = skip_string(sc);
			if (rc)
				return rc;
			continue;
		}
		if (c == '{' || c == '[') {
			if (++d > OE_JSON_MAX_DEPTH)
				return too_deep(sc, sc->p);
		} else if (--d == depth) {
			sc->p++;
			return 0;
		}
		sc->p++;
	}
	return serr(sc, sc->end, "unexpected end of input: the %s opened at byte %zu is not closed",
		    *start == '{' ? "object" : "array", (size_t)(start - sc->buf));
}

/* The text of the string token [tok, tok + n) (quotes included). Printable
 * ASCII without escapes is used where it lies; anything else goes through
 * jansson, which decodes and checks it exactly as it checks the elements,
 * and the text is copied into the arena (NUL-terminated). */
static int string_text(scanner *sc, const char *tok, size_t n, const char **out, size_t *len)
{
	const char *s = tok + 1;
	size_t k = n - 2, i = 0;
	while (i < k && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f && s[i] != '\\')
		i++;
	if (i == k) {
		*out = s;
		*len = k;
		return 0;
	}
	json_error_t je;
	json_t *j = json_loadb(tok, n, JSON_DECODE_ANY, &je);
	if (!j)
		return jerr(sc, tok, &je);
	*len = json_string_length(j);
	*out = oe_arena_strndup(sc->arena, json_string_value(j), *len);
	json_decref(j);
	if (!*out) {
		snprintf(sc->err, sc->errcap, "out of memory");
		return OE_ENOMEM;
	}
	return 0;
}

/* ---- the reader: one element at a time ----
 *
 * An element is read into a small tree of jv in a scratch area that is
 * reused from one element to the next, so reading allocates nothing once
 * the scratch has grown to the largest element. The reader takes the plain
 * JSON that feeds are made of; whenever it is not certain that jansson
 * would read the bytes the same way (a \u0000 or a lone surrogate, invalid
 * UTF-8, a control character, an integer that might overflow, a number
 * with an exponent, an object too big to check for duplicate keys cheaply,
 * or anything else malformed), it gives up and the bytes go to jansson
 * (JSON_REJECT_DUPLICATES), which has the last word on validity and on the
 * error message, and whose tree is then copied into the scratch. */

enum { JV_NULL, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STR, JV_ARR, JV_OBJ };

typedef struct jv jv;

/* A JSON value. Strings are decoded and NUL-terminated (JSON that jansson
 * takes has no NUL in a string). The value of a real is not kept: no
 * property we read is one. */
struct jv {
	uint8_t t;
	size_t n; /* bytes of a string, items of an array, members of an object */
	union {
		const char *s;
		int64_t i;
		const jv *a;
		const jmember *o;
	} u;
};

/* Object members keep document order (as jansson's iteration does). */
struct jmember {
	const char *key;
	size_t klen;
	jv v;
};

/* Members of one object the reader checks for duplicate keys itself; a
 * bigger object is left to jansson. Real STIX objects have a few dozen. */
#define READ_MEMBERS_MAX 64
/* Digits of an integer that cannot overflow int64_t. */
#define READ_INT_DIGITS 18
/* Digits of a real without an exponent that cannot overflow a double. */
#define READ_REAL_DIGITS 300
typedef struct {
	const char *p, *end;
	scratch *s;
	int depth;
} reader;

/* The reader gave up: the bytes go to jansson. */
#define R_UNSURE 1

static void rskip(reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex4(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = is_digit(c)		 ? c - '0'
			: (c >= 'a' && c <= 'f') ? c - 'a' + 10
			: (c >= 'A' && c <= 'F') ? c - 'A' + 10
						 : -1;
		if (d < 0)
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

/* Length of the well-formed UTF-8 sequence at p (a lead byte >= 0x80), or
 * 0: what jansson refuses (overlong forms, surrogates, past U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	size_t n;
	uint32_t v;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (n == 3 && v < 0x800) ||
	    (n == 4 && v < 0x10000))
		return 0;
	return n;
}

static size_t utf8_put(uint32_t v, char *d)
{
	if (v < 0x80) {
		d[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		d[0] = (char)(0xc0 | v >> 6);
		d[1] = (char)(0x80 | (v & 0x3f));
		return 2;
	}
	if (v < 0x10000) {
		d[0] = (char)(0xe0 | v >> 12);
		d[1] = (char)(0x80 | (v >> 6 & 0x3f));
		d[2] = (char)(0x80 | (v & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | v >> 18);
	d[1] = (char)(0x80 | (v >> 12 & 0x3f));
	d[2] = (char)(0x80 | (v >> 6 & 0x3f));
	d[3] = (char)(0x80 | (v & 0x3f));
	return 4;
}

/* Escapes and bytes past ASCII, between s and the closing quote at e, into
 * d (at most e - s bytes: no escape grows). */
static int rd_escaped(const char *s, const char *e, char *d, size_t *len)
{
	size_t k = 0;
	while (s < e) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x80) {
			size_t m = utf8_seq((const unsigned char *)s, (const unsigned char *)e);
			if (!m)
				return R_UNSURE;
			memcpy(d + k, s, m);
			k += m;
			s += m;
			continue;
		}
		if (c < 0x20)
			return R_UNSURE;
		if (c != '\\') {
			d[k++] = (char)c;
			s++;
			continue;
		}
		/* e is an unescaped quote, so an escape never runs past it. */
		uint32_t v, lo;
		switch (s[1]) {
		case '"':
		case '\\':
		case '/': d[k++] = s[1]; break;
		case 'b': d[k++] = '\b'; break;
		case 'f': d[k++] = '\f'; break;
		case 'n': d[k++] = '\n'; break;
		case 'r': d[k++] = '\r'; break;
		case 't': d[k++] = '\t'; break;
		case 'u':
			if (e - s < 6 || hex4(s + 2, &v) || v == 0 || (v >= 0xdc00 && v <= 0xdfff))
				return R_UNSURE;
			if (v >= 0xd800 && v <= 0xdbff) {
				if (e - s < 12 || s[6] != '\\' || s[7] != 'u' || hex4(s + 8, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return R_UNSURE;
				v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
				s += 6;
			}
			k += utf8_put(v, d + k);
			s += 6;
			continue;
		default: return R_UNSURE;
		}
		s += 2;
	}
	*len = k;
	return 0;
}

/* Printable ASCII but '"' and '\\': a string's bytes taken as they are.
 * Bitwise, not logical, ands: one branch per byte, not four. */
static bool plain_byte(unsigned char c)
{
	return ((unsigned)(c - 0x20) < 0x5f) & (c != '"') & (c != '\\');
}

/* The string whose opening quote is at the cursor. */
static int rd_string(reader *r, const char **out, size_t *len)
{
	const char *s = r->p + 1, *q = s;
	while (q < r->end && plain_byte((unsigned char)*q))
		q++;
	if (q < r->end && *q == '"') {
		/* Printable ASCII: the common case, copied as it is. */
		size_t n = (size_t)(q - s);
		char *d = scratch_alloc(r->s, n + 1);
		if (!d)
			return OE_ENOMEM;
		memcpy(d, s, n);
		d[n] = '\0';
		*out = d;
		*len = n;
		r->p = q + 1;
		return 0;
	}
	/* Find the closing quote: one not escaped by an odd run of '\'. */
	const char *e = q;
	for (;;) {
		e = memchr(e, '"', (size_t)(r->end - e));
		if (!e)
			return R_UNSURE;
		const char *b = e;
		while (b > s && b[-1] == '\\')
			b--;
		if (((e - b) & 1) == 0)
			break;
		e++;
	}
	char *d = scratch_alloc(r->s, (size_t)(e - s) + 1);
	if (!d)
		return OE_ENOMEM;
	int rc = rd_escaped(s, e, d, len);
	if (rc)
		return rc;
	d[*len] = '\0';
	*out = d;
	r->p = e + 1;
	return 0;
}

static int rd_number(reader *r, jv *out)
{
	const char *q = r->p, *e = r->end;
	bool neg = q < e && *q == '-';
	if (neg)
		q++;
	const char *ds = q;
	if (q >= e || !is_digit(*q))
		return R_UNSURE;
	if (*q == '0') {
		if (++q < e && is_digit(*q))
			return R_UNSURE; /* a leading zero */
	} else {
		while (q < e && is_digit(*q))
			q++;
	}
	size_t nd = (size_t)(q - ds);
	if (q < e && (*q == 'e' || *q == 'E'))
		return R_UNSURE;
	if (q < e && *q == '.') {
		const char *f = ++q;
		while (q < e && is_digit(*q))
			q++;
		if (q == f || (q < e && (*q == 'e' || *q == 'E')) ||
		    nd + (size_t)(q - f) > READ_REAL_DIGITS)
			return R_UNSURE;
		out->t = JV_REAL;
	} else {
		if (nd > READ_INT_DIGITS)
			return R_UNSURE;
		int64_t v = 0;
		for (const char *d = ds; d < q; d++)
			v = v * 10 + (*d - '0');
		out->t = JV_INT;
		out->u.i = neg ? -v : v;
	}
	r->p = q;
	return 0;
}

static int rd_value(reader *r, jv *out);

/* A cheap filter before comparing keys: a bit per (length, first byte). */
static uint64_t key_bit(const char *k, size_t n)
{
	return (uint64_t)1 << ((n * 7 + (n ? (unsigned char)k[0] : 0)) & 63);
}

static int rd_container(reader *r, jv *out)
{
	bool obj = *r->p == '{';
	char close = obj ? '}' : ']';
	scratch *s = r->s;
	size_t base = s->nstk;
	uint64_t seen = 0;
	int rc;
	if (++r->depth > OE_JSON_MAX_DEPTH)
		return R_UNSURE;
	r->p++;
	rskip(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		goto done;
	}
	for (;;) {
		jmember m = {0};
		rskip(r);
		if (obj) {
			if (r->p >= r->end || *r->p != '"' || s->nstk - base >= READ_MEMBERS_MAX)
				return R_UNSURE;
			if ((rc = rd_string(r, &m.key, &m.klen)))
				return rc;
			uint64_t bit = key_bit(m.key, m.klen);
			if (seen & bit) {
				for (size_t i = base; i < s->nstk; i++)
					if (s->stk[i].klen == m.klen &&
					    memcmp(s->stk[i].key, m.key, m.klen) == 0)
						return R_UNSURE; /* a duplicate key */
			}
			seen |= bit;
			rskip(r);
			if (r->p >= r->end || *r->p != ':')
				return R_UNSURE;
			r->p++;
			rskip(r);
		}
		if ((rc = rd_value(r, &m.v)))
			return rc;
		if (s->nstk == s->capstk) {
			size_t cap = s->capstk ? s->capstk * 2 : 64;
			jmember *n = realloc(s->stk, cap * sizeof(*n));
			if (!n)
				return OE_ENOMEM;
			s->stk = n;
			s->capstk = cap;
		}
		s->stk[s->nstk++] = m;
		rskip(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			break;
		}
		return R_UNSURE;
	}
done:
	out->t = obj ? JV_OBJ : JV_ARR;
	out->n = s->nstk - base;
	if (obj) {
		jmember *o = scratch_alloc(s, out->n * sizeof(*o) + 1);
		if (!o)
			return OE_ENOMEM;
		if (out->n)
			memcpy(o, s->stk + base, out->n * sizeof(*o));
		out->u.o = o;
	} else {
		jv *a = scratch_alloc(s, out->n * sizeof(*a) + 1);
		if (!a)
			return OE_ENOMEM;
		for (size_t i = 0; i < out->n; i++)
			a[i] = s->stk[base + i].v;
		out->u.a = a;
	}
	s->nstk = base;
	r->depth--;
	return 0;
}

static int rd_value(reader *r, jv *out)
{
	if (r->p >= r->end)
		return R_UNSURE;
	size_t left = (size_t)(r->end - r->p);
	switch (*r->p) {
	case '{':
	case '[': return rd_container(r, out);
	case '"': out->t = JV_STR; return rd_string(r, &out->u.s, &out->n);
	case 't':
		if (left < 4 || memcmp(r->p, "true", 4) != 0)
			return R_UNSURE;
		out->t = JV_TRUE;
		r->p += 4;
		return 0;
	case 'f':
		if (left < 5 || memcmp(r->p, "false", 5) != 0)
			return R_UNSURE;
		out->t = JV_FALSE;
		r->p += 5;
		return 0;
	case 'n':
		if (left < 4 || memcmp(r->p, "null", 4) != 0)
			return R_UNSURE;
		out->t = JV_NULL;
		r->p += 4;
		return 0;
	default: return rd_number(r, out);
	}
}

/* A jansson tree copied into the scratch. */
static int jv_from_json(scratch *s, const json_t *j, jv *out)
{
	memset(out, 0, sizeof(*out));
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		size_t i = 0;
		jmember *o = scratch_alloc(s, json_object_size(j) * sizeof(*o) + 1);
		if (!o)
			return OE_ENOMEM;
		json_object_foreach ((json_t *)j, k, v) {
			size_t n = strlen(k);
			char *kc = scratch_alloc(s, n + 1);
			if (!kc || jv_from_json(s, v, &o[i].v))
				return OE_ENOMEM;
			memcpy(kc, k, n + 1);
			o[i].key = kc;
			o[i].klen = n;
			i++;
		}
		out->t = JV_OBJ;
		out->n = i;
		out->u.o = o;
		return 0;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *v;
		jv *a = scratch_alloc(s, json_array_size(j) * sizeof(*a) + 1);
		if (!a)
			return OE_ENOMEM;
		json_array_foreach (j, i, v)
			if (jv_from_json(s, v, &a[i]))
				return OE_ENOMEM;
		out->t = JV_ARR;
		out->n = json_array_size(j);
		out->u.a = a;
		return 0;
	}
	case JSON_STRING: {
		size_t n = json_string_length(j);
		char *c = scratch_alloc(s, n + 1);
		if (!c)
			return OE_ENOMEM;
		memcpy(c, json_string_value(j), n + 1);
		out->t = JV_STR;
		out->n = n;
		out->u.s = c;
		return 0;
	}
	case JSON_INTEGER:
		out->t = JV_INT;
		out->u.i = json_integer_value(j);
		return 0;
	case JSON_REAL: out->t = JV_REAL; return 0;
	case JSON_TRUE: out->t = JV_TRUE; return 0;
	case JSON_FALSE: out->t = JV_FALSE; return 0;
	default: out->t = JV_NULL; return 0;
	}
}

/* The JSON value that is exactly the n bytes at p (white space around it
 * allowed), read into out in the scratch. Errors are placed in the whole
 * document by sc. */
static int read_value(scanner *sc, scratch *s, const char *p, size_t n, jv *out)
{
	reader r = {p, p + n, s, 0};
	scratch_mark m = scratch_at(s);
	rskip(&r);
	int rc = rd_value(&r, out);
	if (rc == 0) {
		rskip(&r);
		if (r.p == r.end)
			return 0;
		rc = R_UNSURE;
	}
	s->nstk = 0;
	scratch_back(s, m);
	if (rc < 0) {
		snprintf(sc->err, sc->errcap, "out of memory");
		return rc;
	}
	json_error_t je;
	json_t *j = json_loadb(p, n, LOAD_FLAGS, &je);
	if (!j)
		return jerr(sc, p, &je);
	rc = jv_from_json(s, j, out);
	json_decref(j);
	if (rc)
		snprintf(sc->err, sc->errcap, "out of memory");
	return rc;
}

static const jv *jv_get(const jv *o, const char *key)
{
	if (!o || o->t != JV_OBJ)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < o->n; i++) {
		const jmember *m = &o->u.o[i];
		if (m->klen == n && m->key[0] == key[0] && memcmp(m->key, key, n) == 0)
			return &m->v;
	}
	return NULL;
}

static const char *jv_text(const jv *v)
{
	return v && v->t == JV_STR ? v->u.s : NULL;
}

/* The string at key, or NULL when absent or not a string. */
static const char *jv_str(const jv *o, const char *key)
{
	return jv_text(jv_get(o, key));
}

/* Items of an array; 0 for anything else. */
static size_t jv_items(const jv *v)
{
	return v && v->t == JV_ARR ? v->n : 0;
}

/* Members of an object; 0 for anything else. */
static size_t jv_members(const jv *v)
{
	return v && v->t == JV_OBJ ? v->n : 0;
}

/* ---- bundle walker ---- */

/* What became of an indicator or observed-data already looked at. */
enum { ST_IMPORTED = 1, ST_REFUSED = 2, ST_SKIPPED = 3 };

/* An element's STIX type, as far as the walker cares. K_NONE: not an
 * object, or no string "type". */
enum { K_NONE, K_INDICATOR, K_OBSERVED, K_REPORT, K_MARKING, K_OTHER };

enum {
	F_CHECKED = 1,	   /* read whole once: it is valid JSON */
	F_NEWEST = 2,	   /* the version of its id that counts */
	F_IN_REPORT = 4,   /* a member of some report */
	F_SCO_USED = 8,	   /* named by some observed-data */
	F_SCO_SHARED = 16, /* named more than once: kept when first read */
};

/* Values one SCO can give: its hashes or value properties. */
#define SCO_VALUES_MAX 8

typedef struct {
	oe_itype t;
	const char *v;
	size_t len;
} sco_val;

/* What the walker takes from an object that others point to (an SCO named
 * by observed-data, an identity named by a report). When it may be needed
 * again it is kept in the arena from its first use: an object named many
 * times is read once. */
typedef struct {
	const char *id, *type, *name; /* id, name may be NULL */
	int tlp;		      /* its own markings, or -1 */
	size_t n;
	sco_val v[SCO_VALUES_MAX];
} ref_info;

/* Kept (in the arena) for the few elements that reports or observed-data
 * point to. */
typedef struct {
	ref_info *ref;	     /* read when first pointed to */
	uint32_t report;     /* the last report that named it, so a member counts once */
	uint8_t state;	     /* ST_* once processed as a report member */
	size_t first, count; /* the indicators it gave then, copied for later reports */
} memo;

/* One element of "objects" as the scanner saw it. id points into the
 * document or into the walker's arena; it is NULL when the element has no
 * string "id". */
typedef struct {
	size_t off, len; /* its bytes in the document */
	const char *id;
	oe_time modified; /* 0 when absent or not a timestamp */
	memo *memo;	  /* NULL until something points to it */
	uint32_t idlen;
	uint8_t kind, flags;
} elem;

typedef struct {
	const oe_canon_opts *o;
	oe_import_set *out;
	scanner sc;
	elem *el; /* the elements, in document order */
	size_t nel, capel;
	bool too_many; /* more than OE_STIX_MAX_OBJECTS elements were seen */
	elem spare;    /* where the elements past the limit are scanned */
	/* id -> its newest version, open addressing over a keyed hash (ids
	 * come from outside): the high half of a slot is the high half of the
	 * hash, the low half 1 + the index in el. */
	uint64_t *slots;
	size_t mask;
	unsigned char key[crypto_shorthash_KEYBYTES];
	json_t *tlps; /* marking-definition id in this bundle -> level */
	uint32_t nreports;
	scratch scr;	/* the trees of the elements being read */
	oe_arena arena; /* decoded ids, memos, ref_infos */
	char *err;
	size_t errcap;
} walker;

/* Fields every indicator made from one object shares. */
typedef struct {
	const char *id;
	int tlp, confidence;
	const char *description;
	char *tags[OE_TAGS_MAX];
	size_t ntags;
	oe_time first_seen, last_seen, valid_until, modified;
	bool revoked;
	char cut[OE_TEXT_MAX + 1]; /* a description cut to the limit */
} meta;

static int oom(walker *w)
{
	snprintf(w->err, w->errcap, "out of memory");
	return OE_ENOMEM;
}

/* Is s a UUID in text ("8-4-4-4-12" hex digits, any case), as
 * oe_uuid_parse takes it? A table instead of its branches: the digits of
 * random UUIDs defeat branch prediction, once per indicator. */
static bool uuid_text_ok(const char *s)
{
	static const bool hex[256] = {
	    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1};
	bool ok = s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' && s[36] == '\0';
	for (int i = 0; i < 36 && ok; i++)
		ok = i == 8 || i == 13 || i == 18 || i == 23 || hex[(unsigned char)s[i]];
	return ok;
}

/* Is id "<type>--<uuid>"? */
static bool stix_id_ok(const char *id, const char *type)
{
	size_t n = strlen(type);
	return id && strncmp(id, type, n) == 0 && strncmp(id + n, "--", 2) == 0 &&
	       strlen(id + n + 2) == 36 && uuid_text_ok(id + n + 2);
}

/* The strictest TLP among the object's marking refs, or -1. */
static int tlp_of(const walker *w, const jv *obj)
{
	int tlp = -1;
	const jv *refs = jv_get(obj, "object_marking_refs");
	for (size_t i = 0; i < jv_items(refs); i++) {
		const char *r = jv_text(&refs->u.a[i]);
		if (!r)
			continue;
		int t = oe_tlp_from_marking_id(r);
		if (t < 0) {
			json_t *m = json_object_get(w->tlps, r);
			t = m ? (int)json_integer_value(m) : -1;
		}
		if (t > tlp)
			tlp = t;
	}
	return tlp;
}

/* Read a timestamp property; absent is 0. Returns the reason on a bad one. */
static const char *get_time(const jv *obj, const char *key, oe_time *out)
{
	*out = 0;
	const jv *v = jv_get(obj, key);
	if (!v)
		return NULL;
	if (v->t == JV_STR && oe_time_parse(v->u.s, out) == 0)
		return NULL;
	return "a timestamp is not RFC 3339";
}

/* Fill m from the common properties of obj (of STIX type type). Returns
 * NULL or why the object is refused. */
static const char *read_meta(const walker *w, const jv *obj, const char *type, meta *m)
{
	memset(m, 0, offsetof(meta, cut));
	m->tlp = tlp_of(w, obj);
	m->confidence = -1;
	m->id = jv_str(obj, "id");
	if (!stix_id_ok(m->id, type))
		return "id is missing or not a STIX identifier";
	const jv *c = jv_get(obj, "confidence");
	if (c) {
		if (c->t != JV_INT || c->u.i < 0 || c->u.i > 100)
			return "confidence must be an integer from 0 to 100";
		m->confidence = (int)c->u.i;
	}
	const char *d = jv_str(obj, "description");
	if (d && *d)
		m->description = oe_utf8_cut(d, m->cut, OE_TEXT_MAX);
	const jv *labels = jv_get(obj, "labels");
	for (size_t i = 0; i < jv_items(labels); i++) {
		const jv *l = &labels->u.a[i];
		const char *s = jv_text(l);
		if (!s || !*s || l->n > OE_TAG_LEN_MAX || m->ntags >= OE_TAGS_MAX)
			continue;
		bool dup = false;
		for (size_t k = 0; k < m->ntags; k++)
			dup = dup || strcmp(m->tags[k], s) == 0;
		if (!dup)
			m->tags[m->ntags++] = (char *)s;
	}
	const jv *rv = jv_get(obj, "revoked");
	m->revoked = rv && rv->t == JV_TRUE;
	const char *why;
	if ((why = get_time(obj, "modified", &m->modified)))
		return "modified is not an RFC 3339 timestamp";
	if (strcmp(type, "indicator") == 0) {
		if ((why = get_time(obj, "valid_from", &m->first_seen)))
			return "valid_from is not an RFC 3339 timestamp";
		if ((why = get_time(obj, "valid_until", &m->valid_until)))
			return "valid_until is not an RFC 3339 timestamp";
		if (m->valid_until && m->first_seen && m->valid_until <= m->first_seen)
			return "valid_until is not after valid_from";
	} else if (strcmp(type, "observed-data") == 0) {
		if ((why = get_time(obj, "first_observed", &m->first_seen)))
			return "first_observed is not an RFC 3339 timestamp";
		if ((why = get_time(obj, "last_observed", &m->last_seen)))
			return "last_observed is not an RFC 3339 timestamp";
	}
	return NULL;
}

static int add_ioc(walker *w, const oe_ioc *c)
{
	int rc = oe_import_add_ioc(w->out, c);
	if (rc == OE_ETOOBIG)
		snprintf(w->err, w->errcap, "more than %d indicators in one import",
			 OE_IMPORT_MAX_OBJECTS);
	else if (rc)
		snprintf(w->err, w->errcap, "out of memory");
	return rc;
}

static int add_one(walker *w, const meta *m, oe_itype t, const char *value, int tlp)
{
	oe_ioc c = {
	    .type = t,
	    .value = (char *)value,
	    .tlp = tlp,
	    .confidence = m->confidence,
	    .description = (char *)m->description,
	    .tags = (char **)m->tags,
	    .ntags = m->ntags,
	    .first_seen = m->first_seen,
	    .last_seen = m->last_seen,
	    .valid_until = m->valid_until,
	    .ext_id = (char *)m->id,
	    .modified = m->modified,
	    .revoked = m->revoked,
	};
	return add_ioc(w, &c);
}

/* An indicator object. Returns ST_* (>0) or a fatal OE_E*. */
static int do_indicator(walker *w, const jv *obj, const char *ref)
{
	const char *pt = jv_str(obj, "pattern_type");
	if (pt && strcmp(pt, "stix") != 0) {
		w->out->skipped++;
		return ST_SKIPPED;
	}
	const jv *pv = jv_get(obj, "pattern");
	if (!jv_text(pv)) {
		oe_import_error_add(w->out, ref, "indicator has no pattern");
		return ST_REFUSED;
	}
	meta m;
	const char *why = read_meta(w, obj, "indicator", &m);
	if (why) {
		oe_import_error_add(w->out, ref, "%s", why);
		return ST_REFUSED;
	}
	oe_stix_terms terms = {0}; /* in the scratch, dropped with obj */
	char pwhy[256];
	int rc = pattern_parse(pv->u.s, pv->n, w->o, &w->scr, &terms, pwhy, sizeof(pwhy));
	if (rc == OE_ENOMEM)
		return oom(w);
	if (rc) {
		oe_import_error_add(w->out, ref, "pattern: %s", pwhy);
		return ST_REFUSED;
	}
	for (size_t i = 0; i < terms.n && !rc; i++)
		rc = add_one(w, &m, terms.v[i].type, terms.v[i].value, m.tlp);
	return rc ? rc : ST_IMPORTED;
}

/* What one SCO gives (strings into sco). False when it is not one. */
static bool sco_read(const walker *w, const jv *sco, ref_info *s)
{
	memset(s, 0, sizeof(*s));
	s->type = jv_str(sco, "type");
	if (!s->type)
		return false;
	s->id = jv_str(sco, "id");
	s->name = jv_str(sco, "name");
	s->tlp = tlp_of(w, sco);
	if (strcmp(s->type, "file") == 0) {
		const jv *hashes = jv_get(sco, "hashes");
		for (size_t i = 0; i < jv_members(hashes); i++) {
			const jmember *h = &hashes->u.o[i];
			oe_itype t = hash_type(h->key);
			if (t != OE_T_NONE && h->v.t == JV_STR && s->n < SCO_VALUES_MAX)
				s->v[s->n++] = (sco_val){t, h->v.u.s, h->v.n};
		}
		return true;
	}
	for (size_t i = 0; i < OE_ARRAY_SIZE(paths); i++) {
		if (strcmp(s->type, paths[i].obj) != 0 || strchr(paths[i].prop, '.'))
			continue;
		const jv *v = jv_get(sco, paths[i].prop);
		if (jv_text(v) && s->n < SCO_VALUES_MAX)
			s->v[s->n++] = (sco_val){paths[i].type, v->u.s, v->n};
	}
	return true;
}

/* The values of one SCO that we store, added with m's metadata. Returns 0
 * or a fatal OE_E*. */
static int sco_add(walker *w, const ref_info *s, const char *ref, const meta *m, int tlp)
{
	if (s->tlp > tlp)
		tlp = s->tlp;
	if (s->n == 0) {
		w->out->skipped++;
		return 0;
	}
	const char *sref = s->id ? s->id : ref;
	for (size_t i = 0; i < s->n; i++) {
		char canon[OE_VALUE_MAX + 1];
		const char *why = NULL;
		oe_itype got;
		if (canon_value(s->v[i].t, s->v[i].v, s->v[i].len, w->o, &got, canon, sizeof(canon),
				&why)) {
			oe_import_error_add(w->out, sref, "%s: %s", s->type,
					    why ? why : "invalid value");
			continue;
		}
		int rc = add_one(w, m, got, canon, tlp);
		if (rc)
			return rc;
	}
	return 0;
}

/* An SCO embedded in observed-data (STIX 2.0 "objects"). */
static int do_sco(walker *w, const jv *sco, const char *ref, const meta *m, int tlp)
{
	ref_info s;
	if (!sco_read(w, sco, &s)) {
		oe_import_error_add(w->out, ref, "not a STIX cyber-observable (no type)");
		return 0;
	}
	return sco_add(w, &s, ref, m, tlp);
}

/* Read element e alone into *out, in the scratch: the caller takes a mark
 * before and goes back to it when done with the tree. */
static int load_elem(walker *w, elem *e, jv *out)
{
	int rc = read_value(&w->sc, &w->scr, w->sc.buf + e->off, e->len, out);
	if (rc == 0)
		e->flags |= F_CHECKED;
	return rc;
}

/* An element nothing is taken from must still be valid JSON. */
static int check_elem(walker *w, elem *e)
{
	if (e->flags & F_CHECKED)
		return 0;
	scratch_mark mk = scratch_at(&w->scr);
	jv obj;
	int rc = load_elem(w, e, &obj);
	scratch_back(&w->scr, mk);
	return rc;
}

static uint64_t id_hash(const walker *w, const char *id, size_t n)
{
	uint64_t h;
	crypto_shorthash((unsigned char *)&h, (const unsigned char *)id, n, w->key);
	return h;
}

_Static_assert(OE_STIX_MAX_OBJECTS < UINT32_MAX, "an element's index fits half a slot");

static uint64_t slot_tag(uint64_t h)
{
	return h & 0xffffffff00000000u;
}

static size_t slot_index(uint64_t v)
{
	return (size_t)(v & 0xffffffffu) - 1;
}

/* The slot of id (hash h): the one holding it, or the empty one where it
 * goes. An element is looked at only when the tags agree. */
static size_t slot_of(const walker *w, uint64_t h, const char *id, size_t n)
{
	size_t s = (size_t)h & w->mask;
	for (; w->slots[s]; s = (s + 1) & w->mask) {
		if (slot_tag(w->slots[s]) != slot_tag(h))
			continue;
		const elem *e = &w->el[slot_index(w->slots[s])];
		if (e->idlen == n && memcmp(e->id, id, n) == 0)
			return s;
	}
	return s;
}

/* The newest version of the object with this id in the document, or NULL. */
static elem *find(walker *w, const char *id, size_t n)
{
	if (!id || !w->slots)
		return NULL;
	size_t s = slot_of(w, id_hash(w, id, n), id, n);
	return w->slots[s] ? &w->el[slot_index(w->slots[s])] : NULL;
}

static memo *memo_of(walker *w, elem *e)
{
	if (!e->memo) {
		e->memo = oe_arena_alloc(&w->arena, sizeof(memo));
		if (e->memo)
			memset(e->memo, 0, sizeof(memo));
	}
	return e->memo;
}

static const char *keep_str(walker *w, const char *s, size_t n, bool *bad)
{
	if (!s)
		return NULL;
	char *c = oe_arena_strndup(&w->arena, s, n);
	if (!c)
		*bad = true;
	return c;
}

/* The ref_info of e, parsed on first use. */
static int ref_info_of(walker *w, elem *e, const ref_info **out)
{
	memo *mm = memo_of(w, e);
	if (!mm)
		return oom(w);
	if (!mm->ref) {
		scratch_mark mk = scratch_at(&w->scr);
		jv obj;
		int rc = load_elem(w, e, &obj);
		if (rc)
			return rc;
		ref_info s;
		bool bad = false;
		if (!sco_read(w, &obj, &s))
			s.type = "?"; /* cannot happen: indexed elements have a type */
		ref_info *k = oe_arena_alloc(&w->arena, sizeof(*k));
		if (k) {
			*k = s;
			k->id = keep_str(w, s.id, s.id ? strlen(s.id) : 0, &bad);
			k->type = keep_str(w, s.type, s.type ? strlen(s.type) : 0, &bad);
			k->name = keep_str(w, s.name, s.name ? strlen(s.name) : 0, &bad);
			for (size_t i = 0; i < s.n; i++)
				k->v[i].v = keep_str(w, s.v[i].v, s.v[i].len, &bad);
		}
		scratch_back(&w->scr, mk);
		if (!k || bad)
			return oom(w);
		mm->ref = k;
	}
	*out = mm->ref;
	return 0;
}

/* The SCO e named by observed-data (m its metadata, ref the name used):
 * kept from its first use when others name it too, else read and
 * dropped. */
static int sco_named(walker *w, elem *e, const char *ref, const meta *m)
{
	const ref_info *s;
	int rc;
	if ((e->flags & F_SCO_SHARED) || (e->memo && e->memo->ref)) {
		if ((rc = ref_info_of(w, e, &s)))
			return rc;
		return sco_add(w, s, ref, m, m->tlp);
	}
	scratch_mark mk = scratch_at(&w->scr);
	jv obj;
	ref_info once;
	if ((rc = load_elem(w, e, &obj)))
		return rc;
	if (!sco_read(w, &obj, &once))
		once.type = "?"; /* cannot happen: indexed elements have a type */
	rc = sco_add(w, &once, ref, m, m->tlp);
	scratch_back(&w->scr, mk);
	return rc;
}

static int do_observed(walker *w, const jv *obj, const char *ref)
{
	meta m;
	const char *why = read_meta(w, obj, "observed-data", &m);
	if (why) {
		oe_import_error_add(w->out, ref, "%s", why);
		return ST_REFUSED;
	}
	const jv *refs = jv_get(obj, "object_refs");
	const jv *embedded = jv_get(obj, "objects");
	int rc = 0;
	if (refs && refs->t == JV_ARR) {
		if (refs->n > OE_STIX_MAX_REFS) {
			oe_import_error_add(w->out, ref, "more than %d object_refs",
					    OE_STIX_MAX_REFS);
			return ST_REFUSED;
		}
		for (size_t i = 0; i < refs->n; i++) {
			const jv *r = &refs->u.a[i];
			const char *id = jv_text(r);
			elem *e = id ? find(w, id, r->n) : NULL;
			if (!e) {
				oe_import_error_add(w->out, id ? id : ref,
						    "named by %s but not in the bundle", m.id);
				continue;
			}
			if ((rc = sco_named(w, e, id, &m)))
				return rc;
		}
	} else if (embedded && embedded->t == JV_OBJ) {
		if (embedded->n > OE_STIX_MAX_REFS) {
			oe_import_error_add(w->out, ref, "more than %d embedded objects",
					    OE_STIX_MAX_REFS);
			return ST_REFUSED;
		}
		for (size_t i = 0; i < embedded->n; i++) {
			const jmember *k = &embedded->u.o[i];
			char sref[128];
			char q[40];
			snprintf(sref, sizeof(sref), "%s objects.%s", m.id,
				 printable(k->key, 32, q, sizeof(q)));
			if ((rc = do_sco(w, &k->v, sref, &m, m.tlp)))
				return rc;
		}
	} else {
		oe_import_error_add(w->out, ref,
				    "observed-data has neither object_refs nor objects");
		return ST_REFUSED;
	}
	return ST_IMPORTED;
}

/* An indicator or observed-data element. Returns ST_* or a fatal OE_E*. */
static int do_member(walker *w, elem *e)
{
	scratch_mark mk = scratch_at(&w->scr);
	jv obj;
	int rc = load_elem(w, e, &obj);
	if (rc)
		return rc;
	const char *id = jv_str(&obj, "id");
	rc = e->kind == K_INDICATOR ? do_indicator(w, &obj, id) : do_observed(w, &obj, id);
	scratch_back(&w->scr, mk);
	return rc;
}

/* A member of the current report: processed the first time some report
 * names it; each later report gets a copy of the indicators it gave then.
 * Its refusals and skips are reported once. */
static int report_member(walker *w, elem *e, memo *mm)
{
	if (!mm->state) {
		size_t first = w->out->niocs;
		int rc = do_member(w, e);
		if (rc < 0)
			return rc;
		mm->state = (uint8_t)rc;
		mm->first = first;
		mm->count = w->out->niocs - first;
		return 0;
	}
	if (mm->state != ST_IMPORTED)
		return 0;
	for (size_t i = 0; i < mm->count; i++) {
		oe_ioc c = w->out->iocs[mm->first + i]; /* the array may move */
		int rc = add_ioc(w, &c);
		if (rc)
			return rc;
	}
	return 0;
}

static int do_report(walker *w, const jv *rep, size_t idx)
{
	const char *id = jv_str(rep, "id");
	if (!stix_id_ok(id, "report")) {
		char ref[32];
		snprintf(ref, sizeof(ref), "objects[%zu]", idx);
		oe_import_error_add(w->out, ref, "id is missing or not a STIX identifier");
		return 0;
	}
	const jv *refs = jv_get(rep, "object_refs");
	if (jv_items(refs) > OE_STIX_MAX_REFS) {
		oe_import_error_add(w->out, id, "more than %d object_refs", OE_STIX_MAX_REFS);
		return 0;
	}
	char cut[OE_TEXT_MAX + 1];
	oe_event_in ev = {.tlp = tlp_of(w, rep)};
	const char *name = jv_str(rep, "name");
	ev.title = name ? (char *)oe_utf8_cut(name, cut, OE_TEXT_MAX) : NULL;
	ev.ext_id = (char *)id;
	char *tags[OE_TAGS_MAX];
	const jv *labels = jv_get(rep, "labels");
	for (size_t i = 0; i < jv_items(labels); i++) {
		const jv *l = &labels->u.a[i];
		if (jv_text(l) && l->n && l->n <= OE_TAG_LEN_MAX && ev.ntags < OE_TAGS_MAX)
			tags[ev.ntags++] = (char *)l->u.s;
	}
	ev.tags = tags;
	const jv *by = jv_get(rep, "created_by_ref");
	elem *ident = jv_text(by) ? find(w, by->u.s, by->n) : NULL;
	const ref_info *who = NULL;
	int rc;
	if (ident && (rc = ref_info_of(w, ident, &who)))
		return rc;
	ev.org = who ? (char *)who->name : NULL;
	if (get_time(rep, "published", &ev.created) || !ev.created)
		get_time(rep, "created", &ev.created);
	if (oe_import_begin_event(w->out, &ev))
		return oom(w);
	uint32_t rno = ++w->nreports;
	rc = 0;
	for (size_t i = 0; i < jv_items(refs); i++) {
		const jv *r = &refs->u.a[i];
		elem *e = jv_text(r) ? find(w, r->u.s, r->n) : NULL;
		if (!e || (e->kind != K_INDICATOR && e->kind != K_OBSERVED))
			continue;
		memo *mm = memo_of(w, e);
		if (!mm) {
			rc = oom(w);
			break;
		}
		if (mm->report == rno) /* a member named twice counts once */
			continue;
		mm->report = rno;
		e->flags |= F_IN_REPORT;
		if ((rc = report_member(w, e, mm)))
			break;
	}
	oe_import_end_event(w->out);
	return rc;
}

/* A TLP marking-definition carried in the bundle under its own id. */
static int marking_level(const jv *md)
{
	const jv *ext = jv_get(jv_get(md, "extensions"), TLP2_EXTENSION);
	const char *v = jv_str(ext, "tlp_2_0");
	if (v)
		return oe_tlp_parse(v);
	const char *dt = jv_str(md, "definition_type");
	if (dt && strcasecmp(dt, "tlp") == 0)
		return oe_tlp_parse(jv_str(jv_get(md, "definition"), "tlp"));
	return -1;
}

/* ---- the scanner's view of the document ---- */

static int kind_of(const char *t, size_t n)
{
	static const struct {
		const char *name;
		int kind;
	} kinds[] = {{"indicator", K_INDICATOR},
		     {"observed-data", K_OBSERVED},
		     {"report", K_REPORT},
		     {"marking-definition", K_MARKING}};
	for (size_t i = 0; i < OE_ARRAY_SIZE(kinds); i++)
		if (n == strlen(kinds[i].name) && memcmp(t, kinds[i].name, n) == 0)
			return kinds[i].kind;
	return K_OTHER;
}

/* Longest "modified" worth parsing: RFC 3339 with nine fraction digits and
 * an offset is 35 bytes. */
#define TIME_TEXT_MAX 48

static oe_time time_of(const char *s, size_t n)
{
	char t[TIME_TEXT_MAX];
	oe_time v = 0;
	if (n >= sizeof(t))
		return 0;
	memcpy(t, s, n);
	t[n] = '\0';
	return oe_time_parse(t, &v) == 0 ? v : 0;
}

/* The members the walker reads before parsing an element. */
enum { M_OTHER, M_TYPE, M_ID, M_MODIFIED };

static int member_name(scanner *sc, const char *tok, size_t n, int *which)
{
	const char *s = tok + 1;
	size_t k = n - 2;
	*which = M_OTHER;
	if (memchr(s, '\\', k)) {
		int rc = string_text(sc, tok, n, &s, &k);
		if (rc)
			return rc;
	}
	if (k == 4 && memcmp(s, "type", 4) == 0)
		*which = M_TYPE;
	else if (k == 2 && memcmp(s, "id", 2) == 0)
		*which = M_ID;
	else if (k == 8 && memcmp(s, "modified", 8) == 0)
		*which = M_MODIFIED;
	return 0;
}

/* One element of "objects" at the cursor: its extent, and its type, id and
 * modified when it is an object that has them as strings. The rest of its
 * bytes are checked when it is read. */
static int scan_element(scanner *sc, elem *e)
{
	int rc;
	e->off = (size_t)(sc->p - sc->buf);
	if (sc->p >= sc->end || *sc->p != '{') {
		rc = skip_value(sc, DEPTH_OBJECTS);
		goto out;
	}
	sc->p++;
	if (take(sc, '}')) {
		rc = 0;
		goto out;
	}
	for (;;) {
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != '"')
			return unexpected(sc, "a member name");
		const char *k = sc->p;
		int which;
		if ((rc = skip_string(sc)) ||
		    (rc = member_name(sc, k, (size_t)(sc->p - k), &which)))
			return rc;
		if (!take(sc, ':'))
			return unexpected(sc, "':'");
		skip_ws(sc);
		const char *v = sc->p;
		if ((rc = skip_value(sc, DEPTH_ELEMENT)))
			return rc;
		if (which != M_OTHER) {
			const char *s = NULL;
			size_t n = 0;
			if (*v == '"' && (rc = string_text(sc, v, (size_t)(sc->p - v), &s, &n)))
				return rc;
			if (which == M_TYPE)
				e->kind = s ? (uint8_t)kind_of(s, n) : K_NONE;
			else if (which == M_MODIFIED)
				e->modified = s ? time_of(s, n) : 0;
			else if (s && n <= UINT32_MAX) {
				e->id = s;
				e->idlen = (uint32_t)n;
			} else {
				e->id = NULL;
			}
		}
		if (take(sc, ','))
			continue;
		if (take(sc, '}'))
			break;
		return unexpected(sc, "',' or '}'");
	}
	rc = 0;
out:
	e->len = (size_t)(sc->p - sc->buf) - e->off;
	return rc;
}

/* Elements past OE_STIX_MAX_OBJECTS are still scanned and checked (invalid
 * JSON is said before too many objects) but not kept. */
static elem *new_elem(walker *w)
{
	if (w->nel >= OE_STIX_MAX_OBJECTS) {
		w->too_many = true;
		memset(&w->spare, 0, sizeof(w->spare));
		return &w->spare;
	}
	if (w->nel == w->capel) {
		size_t cap = w->capel ? w->capel * 2 : 64;
		elem *n = realloc(w->el, cap * sizeof(*n));
		if (!n)
			return NULL;
		w->el = n;
		w->capel = cap;
	}
	elem *e = &w->el[w->nel++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* The elements of the "objects" array at the cursor. */
static int scan_objects(walker *w)
{
	scanner *sc = &w->sc;
	sc->p++;
	if (take(sc, ']'))
		return 0;
	for (;;) {
		skip_ws(sc);
		elem *e = new_elem(w);
		if (!e)
			return oom(w);
		int rc = scan_element(sc, e);
		if (rc == 0 && e == &w->spare) {
			/* Not kept, so checked now. */
			scratch_mark mk = scratch_at(&w->scr);
			jv j;
			rc = read_value(sc, &w->scr, sc->buf + e->off, e->len, &j);
			scratch_back(&w->scr, mk);
		}
		if (rc)
			return rc;
		if (take(sc, ','))
			continue;
		if (take(sc, ']'))
			return 0;
		return unexpected(sc, "',' or ']'");
	}
}

/* What the top-level object says it is. */
typedef struct {
	size_t off, len; /* its bytes */
	bool has_type, type_str, bundle;
	bool has_objects, objects_array;
	int kind;
	const char *id; /* in the arena */
	size_t idlen;
	oe_time modified;
} top;

/* A member of the top level other than the "objects" array, read alone. */
static int top_member(walker *w, top *t, const char *name, size_t n)
{
	scanner *sc = &w->sc;
	const char *v = sc->p;
	int rc = skip_value(sc, DEPTH_TOP);
	if (rc)
		return rc;
	scratch_mark mk = scratch_at(&w->scr);
	jv j;
	if ((rc = read_value(sc, &w->scr, v, (size_t)(sc->p - v), &j)))
		return rc;
	const char *s = jv_text(&j);
	size_t len = s ? j.n : 0;
	if (n == 4 && memcmp(name, "type", 4) == 0) {
		t->has_type = true;
		t->type_str = s != NULL;
		t->bundle = s && strcmp(s, "bundle") == 0;
		t->kind = s ? kind_of(s, len) : K_NONE;
	} else if (n == 2 && memcmp(name, "id", 2) == 0) {
		t->id = s ? oe_arena_strndup(&w->arena, s, len) : NULL;
		t->idlen = len;
		if (s && !t->id)
			rc = oom(w);
	} else if (n == 8 && memcmp(name, "modified", 8) == 0) {
		t->modified = s ? time_of(s, len) : 0;
	} else if (n == 7 && memcmp(name, "objects", 7) == 0) {
		t->has_objects = true;
	}
	scratch_back(&w->scr, mk);
	return rc;
}

/* The whole document: the top-level object, its keys (no two alike), the
 * elements of "objects", and nothing after it. */
static int scan_document(walker *w, top *t)
{
	scanner *sc = &w->sc;
	json_t *keys = NULL;
	int rc;
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == '[') {
		/* Read whole only to tell invalid JSON from the wrong JSON. */
		const char *v = sc->p;
		jv j;
		if ((rc = skip_value(sc, 0)))
			return rc;
		skip_ws(sc);
		if (sc->p < sc->end)
			return unexpected(sc, "the end of the document");
		if ((rc = read_value(sc, &w->scr, v, (size_t)(sc->p - v), &j)))
			return rc;
		snprintf(w->err, w->errcap,
			 "not a STIX document: the top level is not a JSON object");
		return OE_EINVAL;
	}
	if (sc->p >= sc->end || *sc->p != '{')
		return unexpected(sc, "'{' (a STIX bundle, TAXII envelope or object)");
	t->off = (size_t)(sc->p - sc->buf);
	sc->p++;
	if (!(keys = json_object()))
		return oom(w);
	if (take(sc, '}'))
		goto end;
	for (;;) {
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != '"') {
			rc = unexpected(sc, "a member name");
			goto out;
		}
		const char *k = sc->p, *name;
		size_t n;
		if ((rc = skip_string(sc)) ||
		    (rc = string_text(sc, k, (size_t)(sc->p - k), &name, &n)))
			goto out;
		/* jansson refuses a NUL in a key, so the text is a C string. */
		char *key = oe_arena_strndup(&w->arena, name, n);
		if (!key) {
			rc = oom(w);
			goto out;
		}
		if (json_object_get(keys, key)) {
			char q[40];
			rc = serr(sc, k, "duplicate object key '%s'",
				  printable(key, 32, q, sizeof(q)));
			goto out;
		}
		if (json_object_set_new_nocheck(keys, key, json_null())) {
			rc = oom(w);
			goto out;
		}
		if (!take(sc, ':')) {
			rc = unexpected(sc, "':'");
			goto out;
		}
		skip_ws(sc);
		if (n == 7 && memcmp(key, "objects", 7) == 0 && sc->p < sc->end && *sc->p == '[') {
			t->has_objects = t->objects_array = true;
			rc = scan_objects(w);
		} else {
			rc = top_member(w, t, key, n);
		}
		if (rc)
			goto out;
		if (take(sc, ','))
			continue;
		if (take(sc, '}'))
			break;
		rc = unexpected(sc, "',' or '}'");
		goto out;
	}
end:
	t->len = (size_t)(sc->p - sc->buf) - t->off;
	skip_ws(sc);
	rc = sc->p < sc->end ? unexpected(sc, "the end of the document") : 0;
out:
	json_decref(keys);
	return rc;
}

/* Elements hashed ahead of the one being indexed, their slots fetched
 * meanwhile: a table of a million ids does not fit in any cache. */
#define INDEX_AHEAD 8

static bool indexed(const elem *e)
{
	return e->id && e->kind != K_NONE;
}

/* Index the elements by id, each id pointing at its newest version (the
 * first one on a tie). */
static int build_index(walker *w)
{
	uint64_t ahead[INDEX_AHEAD];
	size_t cap = 16;
	while (cap < w->nel * 2)
		cap *= 2;
	w->slots = calloc(cap, sizeof(*w->slots));
	if (!w->slots)
		return oom(w);
	w->mask = cap - 1;
	randombytes_buf(w->key, sizeof(w->key));
	for (size_t i = 0; i < w->nel + INDEX_AHEAD; i++) {
		/* Element k = i - INDEX_AHEAD is indexed, then i takes its place
		 * in ahead. */
		size_t k = i - INDEX_AHEAD;
		if (i >= INDEX_AHEAD && indexed(&w->el[k])) {
			elem *e = &w->el[k];
			uint64_t h = ahead[k % INDEX_AHEAD];
			size_t s = slot_of(w, h, e->id, e->idlen);
			elem *old = w->slots[s] ? &w->el[slot_index(w->slots[s])] : NULL;
			if (!old || e->modified > old->modified) {
				if (old)
					old->flags &= (uint8_t)~F_NEWEST;
				e->flags |= F_NEWEST;
				w->slots[s] = slot_tag(h) | ((uint64_t)k + 1);
			}
		}
		if (i < w->nel && indexed(&w->el[i])) {
			uint64_t h = id_hash(w, w->el[i].id, w->el[i].idlen);
			ahead[i % INDEX_AHEAD] = h;
			__builtin_prefetch(&w->slots[(size_t)h & w->mask]);
		}
	}
	return 0;
}

/* Before any object is taken: the TLP levels of the marking definitions
 * in the document and the ids observed-data names (from every version). */
static int read_refs(walker *w)
{
	for (size_t i = 0; i < w->nel; i++) {
		elem *e = &w->el[i];
		if (!e->id || (e->kind != K_MARKING && e->kind != K_OBSERVED))
			continue;
		scratch_mark mk = scratch_at(&w->scr);
		jv obj;
		int rc = load_elem(w, e, &obj);
		if (rc)
			return rc;
		if (e->kind == K_MARKING) {
			int lvl = marking_level(&obj);
			const char *id = jv_str(&obj, "id");
			if (lvl >= 0 && id && json_object_set_new(w->tlps, id, json_integer(lvl)))
				rc = oom(w);
		} else {
			const jv *refs = jv_get(&obj, "object_refs");
			size_t n = jv_items(refs);
			for (size_t k = 0; n <= OE_STIX_MAX_REFS && k < n; k++) {
				const jv *r = &refs->u.a[k];
				elem *s = jv_text(r) ? find(w, r->u.s, r->n) : NULL;
				if (s)
					s->flags |=
					    s->flags & F_SCO_USED ? F_SCO_SHARED : F_SCO_USED;
			}
		}
		scratch_back(&w->scr, mk);
		if (rc)
			return rc;
	}
	return 0;
}

/* Everything but reports, in document order. */
static int take_loose(walker *w)
{
	int rc;
	for (size_t i = 0; i < w->nel; i++) {
		elem *e = &w->el[i];
		char ref[32];
		if (e->kind == K_REPORT)
			continue; /* read before */
		if (e->kind == K_NONE) {
			if ((rc = check_elem(w, e)))
				return rc;
			snprintf(ref, sizeof(ref), "objects[%zu]", i);
			oe_import_error_add(w->out, ref, "not a STIX object (no type)");
			continue;
		}
		if (e->id && !(e->flags & F_NEWEST)) {
			if ((rc = check_elem(w, e)))
				return rc;
			w->out->skipped++; /* an older version of an object given twice */
			continue;
		}
		if (e->kind == K_INDICATOR || e->kind == K_OBSERVED) {
			if (!e->id) {
				if ((rc = check_elem(w, e)))
					return rc;
				snprintf(ref, sizeof(ref), "objects[%zu]", i);
				oe_import_error_add(w->out, ref, "%s has no id",
						    e->kind == K_INDICATOR ? "indicator"
									   : "observed-data");
				continue;
			}
			if (e->flags & F_IN_REPORT)
				continue; /* read with its report */
			if ((rc = do_member(w, e)) < 0)
				return rc;
			continue;
		}
		if ((rc = check_elem(w, e)))
			return rc;
		if (!(e->id && (e->flags & F_SCO_USED)))
			w->out->skipped++;
	}
	return 0;
}

int oe_stix_parse(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out,
		  char *err, size_t errcap)
{
	walker w = {.o = o, .out = out, .err = err, .errcap = errcap};
	w.sc = (scanner){buf, buf, buf + len, &w.arena, err, errcap};
	top t = {0};
	int rc;
	if (errcap)
		err[0] = '\0';
	if ((rc = scan_document(&w, &t)))
		goto out;
	const char *wrong = NULL;
	if (t.bundle) {
		if (t.has_objects && !t.objects_array)
			wrong = "bundle: objects is not an array";
	} else if (!t.has_type && t.objects_array) {
		/* a TAXII envelope */
	} else if (t.type_str) {
		/* A single object: the whole document is the one element. */
		w.nel = 0;
		w.too_many = false;
		elem *e = new_elem(&w);
		if (!e) {
			rc = oom(&w);
			goto out;
		}
		*e = (elem){.off = t.off,
			    .len = t.len,
			    .id = t.id,
			    .modified = t.modified,
			    .idlen = (uint32_t)t.idlen,
			    .kind = (uint8_t)t.kind};
		if (t.idlen > UINT32_MAX)
			e->id = NULL;
	} else {
		wrong = "not a STIX bundle, TAXII envelope or object";
	}
	if (wrong || w.too_many) {
		/* Invalid JSON anywhere is said first, as when the document was
		 * read whole. */
		for (size_t i = 0; i < w.nel; i++)
			if ((rc = check_elem(&w, &w.el[i])))
				goto out;
		rc = wrong ? OE_EINVAL : OE_ETOOBIG;
		if (wrong)
			snprintf(err, errcap, "%s", wrong);
		else
			snprintf(err, errcap, "more than %d objects in one document",
				 OE_STIX_MAX_OBJECTS);
		goto out;
	}
	if (!(w.tlps = json_object())) {
		rc = oom(&w);
		goto out;
	}
	if ((rc = build_index(&w)) || (rc = read_refs(&w)))
		goto out;
	/* Reports first: each becomes an event holding its members. */
	for (size_t i = 0; i < w.nel; i++) {
		elem *e = &w.el[i];
		scratch_mark mk = scratch_at(&w.scr);
		jv rep;
		if (e->kind != K_REPORT)
			continue;
		if ((rc = load_elem(&w, e, &rep)))
			goto out;
		rc = do_report(&w, &rep, i);
		scratch_back(&w.scr, mk);
		if (rc)
			goto out;
	}
	/* Then everything else in document order. */
	rc = take_loose(&w);
out:
	if (rc == OE_ENOMEM && errcap && !err[0])
		snprintf(err, errcap, "out of memory");
	json_decref(w.tlps);
	free(w.slots);
	free(w.el);
	scratch_free(&w.scr);
	oe_arena_clear(&w.arena);
	return rc;
}

/* ---- export ---- */

static json_t *time_json(oe_time t)
{
	char ts[OE_TIME_BUF];
	oe_time_format(t, ts);
	return json_string(ts);
}

/* Set key to a new value; remembers a failure in *bad (jansson refuses
 * NULL values, and json_string refuses invalid UTF-8). */
static void put(json_t *o, const char *key, json_t *v, bool *bad)
{
	if (json_object_set_new(o, key, v))
		*bad = true;
}

json_t *oe_stix_indicator_json(const oe_indicator_view *v)
{
	if (!v || !v->value || v->type <= OE_T_NONE || v->type >= OE_T__COUNT ||
	    !stix_id_ok(v->stix_id, "indicator") || !oe_tlp_marking_id((oe_tlp)v->tlp))
		return NULL;
	char pattern[2 * OE_VALUE_MAX + 64];
	if (oe_stix_pattern_format(v->type, v->value, pattern, sizeof(pattern)))
		return NULL;
	/* STIX timestamps here carry milliseconds; order them at that grain. */
	oe_time created = v->created ? v->created : v->modified ? v->modified : oe_now();
	created -= created % 1000;
	oe_time modified = v->modified - v->modified % 1000;
	if (modified < created)
		modified = created;
	oe_time from = v->first_seen ? v->first_seen : created;
	from -= from % 1000;
	oe_time until = v->valid_until - v->valid_until % 1000;
	if (v->valid_until && until <= from)
		from = until - 1000;

	bool bad = false;
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "type", json_string("indicator"), &bad);
	put(o, "spec_version", json_string("2.1"), &bad);
	put(o, "id", json_string(v->stix_id), &bad);
	put(o, "created", time_json(created), &bad);
	put(o, "modified", time_json(modified), &bad);
	put(o, "name", json_string(v->value), &bad);
	if (v->description && *v->description)
		put(o, "description", json_string(v->description), &bad);
	put(o, "pattern", json_string(pattern), &bad);
	put(o, "pattern_type", json_string("stix"), &bad);
	put(o, "pattern_version", json_string("2.1"), &bad);
	put(o, "valid_from", time_json(from), &bad);
	if (v->valid_until)
		put(o, "valid_until", time_json(until), &bad);
	if (v->confidence >= 0 && v->confidence <= 100)
		put(o, "confidence", json_integer(v->confidence), &bad);
	if (v->ntags) {
		json_t *labels = json_array();
		for (size_t i = 0; labels && i < v->ntags; i++)
			if (json_array_append_new(labels, json_string(v->tags[i])))
				bad = true;
		put(o, "labels", labels, &bad);
	}
	if (v->org_stix_id && *v->org_stix_id)
		put(o, "created_by_ref", json_string(v->org_stix_id), &bad);
	json_t *marks = json_array();
	if (!marks || json_array_append_new(marks, json_string(oe_tlp_marking_id((oe_tlp)v->tlp))))
		bad = true;
	put(o, "object_marking_refs", marks, &bad);
	if (v->revoked)
		put(o, "revoked", json_true(), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *oe_stix_bundle_new(void)
{
	oe_uuid u;
	char id[8 + OE_UUID_STR] = "bundle--";
	oe_uuid_v4(&u);
	oe_uuid_format(&u, id + 8);
	bool bad = false;
	json_t *b = json_object();
	if (!b)
		return NULL;
	put(b, "type", json_string("bundle"), &bad);
	put(b, "id", json_string(id), &bad);
	put(b, "objects", json_array(), &bad);
	if (bad) {
		json_decref(b);
		return NULL;
	}
	return b;
}

int oe_stix_bundle_add(json_t *bundle, json_t *obj)
{
	json_t *objs = json_object_get(bundle, "objects");
	if (!obj || !json_is_array(objs)) {
		json_decref(obj);
		return OE_EINVAL;
	}
	return json_array_append_new(objs, obj) ? OE_ENOMEM : 0;
}

json_t *oe_stix_tlp_marking_json(oe_tlp t)
{
	static const char *const names[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
					    "TLP:AMBER+STRICT", "TLP:RED"};
	const char *id = oe_tlp_marking_id(t);
	if (!id)
		return NULL;
	bool bad = false;
	json_t *o = json_object(), *ext = json_object(), *def = json_object();
	if (!o || !ext || !def) {
		json_decref(o);
		json_decref(ext);
		json_decref(def);
		return NULL;
	}
	put(def, "extension_type", json_string("property-extension"), &bad);
	put(def, "tlp_2_0", json_string(oe_tlp_name(t)), &bad);
	put(ext, TLP2_EXTENSION, def, &bad);
	put(o, "type", json_string("marking-definition"), &bad);
	put(o, "spec_version", json_string("2.1"), &bad);
	put(o, "id", json_string(id), &bad);
	put(o, "created", json_string(TLP2_CREATED), &bad);
	put(o, "name", json_string(names[t]), &bad);
	put(o, "extensions", ext, &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int oe_stix_bundle_add_tlp_markings(json_t *bundle)
{
	for (int t = OE_TLP_CLEAR; t <= OE_TLP_RED; t++) {
		int rc = oe_stix_bundle_add(bundle, oe_stix_tlp_marking_json((oe_tlp)t));
		if (rc)
			return rc == OE_EINVAL ? OE_ENOMEM : rc;
	}
	return 0;
}

json_t *oe_stix_identity_json(const char *id, const char *name, oe_time created)
{
	if (!stix_id_ok(id, "identity") || !name)
		return NULL;
	if (!created)
		created = oe_now();
	bool bad = false;
	json_t *o = json_object();
	if (!o)
		return NULL;
	put(o, "type", json_string("identity"), &bad);
	put(o, "spec_version", json_string("2.1"), &bad);
	put(o, "id", json_string(id), &bad);
	put(o, "created", time_json(created), &bad);
	put(o, "modified", time_json(created), &bad);
	put(o, "name", json_string(name), &bad);
	put(o, "identity_class", json_string("organization"), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
