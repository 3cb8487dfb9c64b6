/* stix.c - STIX 2.1 bundles to an import set and indicators back to STIX
 * (see stix.h for what is taken and what is refused).
 *
 * The pattern parser is a recursive descent over a cursor that accepts only
 * the OR-of-equalities subset a node can store; everything else in the STIX
 * patterning grammar is recognised far enough to name it in the refusal.
 * The bundle walker indexes objects by id once, turns reports into events,
 * then takes the loose indicators and observations in document order. */
#include "stix.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
		oe_stix_term *nv = realloc(o->v, cap * sizeof(*nv));
		if (!nv)
			return perr(ps, OE_ENOMEM, "out of memory");
		o->v = nv;
		o->cap = cap;
	}
	char *d = strdup(v);
	if (!d)
		return perr(ps, OE_ENOMEM, "out of memory");
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
	size_t rawlen;
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

int oe_stix_pattern_parse(const char *pat, size_t len, const oe_canon_opts *o, oe_stix_terms *out,
			  char *why, size_t whycap)
{
	pparser ps = {pat, pat, pat + len, o, out, why, whycap, 0};
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
	if (rc)
		oe_stix_terms_free(out);
	return rc;
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

/* ---- bundle walker ---- */

/* What became of an indicator or observed-data already looked at. */
enum { ST_IMPORTED = 1, ST_REFUSED = 2, ST_SKIPPED = 3 };

typedef struct {
	const oe_canon_opts *o;
	oe_import_set *out;
	json_t *index;	 /* id -> the object (its newest version) */
	json_t *tlps;	 /* marking-definition id in this bundle -> level */
	json_t *state;	 /* id -> ST_* */
	json_t *in_rep;	 /* ids named by some report */
	json_t *sco_use; /* ids named by some observed-data */
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

/* Is id "<type>--<uuid>"? */
static bool stix_id_ok(const char *id, const char *type)
{
	size_t n = strlen(type);
	oe_uuid u;
	return id && strncmp(id, type, n) == 0 && strncmp(id + n, "--", 2) == 0 &&
	       strlen(id + n + 2) == 36 && oe_uuid_parse(id + n + 2, &u) == 0;
}

/* s cut to at most max bytes at a UTF-8 character boundary, in buf when it
 * had to be cut. */
static const char *cut_text(const char *s, char *buf, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* The strictest TLP among the object's marking refs, or -1. */
static int tlp_of(const walker *w, const json_t *obj)
{
	int tlp = -1;
	json_t *refs = json_object_get(obj, "object_marking_refs");
	size_t i;
	json_t *r;
	json_array_foreach (refs, i, r) {
		if (!json_is_string(r))
			continue;
		int t = oe_tlp_from_marking_id(json_string_value(r));
		if (t < 0) {
			json_t *m = json_object_get(w->tlps, json_string_value(r));
			t = m ? (int)json_integer_value(m) : -1;
		}
		if (t > tlp)
			tlp = t;
	}
	return tlp;
}

/* Read a timestamp property; absent is 0. Returns the reason on a bad one. */
static const char *get_time(const json_t *obj, const char *key, oe_time *out)
{
	*out = 0;
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	if (json_is_string(v) && oe_time_parse(json_string_value(v), out) == 0)
		return NULL;
	return "a timestamp is not RFC 3339";
}

/* Fill m from the common properties of obj (of STIX type type). Returns
 * NULL or why the object is refused. */
static const char *read_meta(const walker *w, const json_t *obj, const char *type, meta *m)
{
	memset(m, 0, offsetof(meta, cut));
	m->tlp = tlp_of(w, obj);
	m->confidence = -1;
	m->id = oe_json_str(obj, "id");
	if (!stix_id_ok(m->id, type))
		return "id is missing or not a STIX identifier";
	json_t *c = json_object_get(obj, "confidence");
	if (c) {
		if (!json_is_integer(c) || json_integer_value(c) < 0 || json_integer_value(c) > 100)
			return "confidence must be an integer from 0 to 100";
		m->confidence = (int)json_integer_value(c);
	}
	const char *d = oe_json_str(obj, "description");
	if (d && *d)
		m->description = cut_text(d, m->cut, OE_TEXT_MAX);
	size_t i;
	json_t *l;
	json_array_foreach (json_object_get(obj, "labels"), i, l) {
		const char *s = json_string_value(l);
		if (!s || !*s || strlen(s) > OE_TAG_LEN_MAX || m->ntags >= OE_TAGS_MAX)
			continue;
		bool dup = false;
		for (size_t k = 0; k < m->ntags; k++)
			dup = dup || strcmp(m->tags[k], s) == 0;
		if (!dup)
			m->tags[m->ntags++] = (char *)s;
	}
	m->revoked = json_is_true(json_object_get(obj, "revoked"));
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
	int rc = oe_import_add_ioc(w->out, &c);
	if (rc == OE_ETOOBIG)
		snprintf(w->err, w->errcap, "more than %d indicators in one import",
			 OE_IMPORT_MAX_OBJECTS);
	else if (rc)
		snprintf(w->err, w->errcap, "out of memory");
	return rc;
}

/* An indicator object. Returns ST_* (>0) or a fatal OE_E*. */
static int do_indicator(walker *w, const json_t *obj, const char *ref)
{
	const char *pt = oe_json_str(obj, "pattern_type");
	if (pt && strcmp(pt, "stix") != 0) {
		w->out->skipped++;
		return ST_SKIPPED;
	}
	const char *pat = oe_json_str(obj, "pattern");
	if (!pat) {
		oe_import_error_add(w->out, ref, "indicator has no pattern");
		return ST_REFUSED;
	}
	meta m;
	const char *why = read_meta(w, obj, "indicator", &m);
	if (why) {
		oe_import_error_add(w->out, ref, "%s", why);
		return ST_REFUSED;
	}
	oe_stix_terms terms = {0};
	char pwhy[256];
	int rc = oe_stix_pattern_parse(pat, json_string_length(json_object_get(obj, "pattern")),
				       w->o, &terms, pwhy, sizeof(pwhy));
	if (rc == OE_ENOMEM) {
		snprintf(w->err, w->errcap, "out of memory");
		return rc;
	}
	if (rc) {
		oe_import_error_add(w->out, ref, "pattern: %s", pwhy);
		return ST_REFUSED;
	}
	for (size_t i = 0; i < terms.n && !rc; i++)
		rc = add_one(w, &m, terms.v[i].type, terms.v[i].value, m.tlp);
	oe_stix_terms_free(&terms);
	return rc ? rc : ST_IMPORTED;
}

/* The values of one SCO that we store, added with m's metadata. Returns 0
 * or a fatal OE_E*. */
static int do_sco(walker *w, const json_t *sco, const char *ref, const meta *m, int tlp)
{
	const char *type = oe_json_str(sco, "type");
	if (!type || !json_is_object(sco)) {
		oe_import_error_add(w->out, ref, "not a STIX cyber-observable (no type)");
		return 0;
	}
	int t2 = tlp_of(w, sco);
	if (t2 > tlp)
		tlp = t2;
	struct {
		oe_itype t;
		const char *v;
		size_t len;
	} vals[8];
	size_t n = 0;
	if (strcmp(type, "file") == 0) {
		const char *k;
		json_t *h;
		json_object_foreach (json_object_get(sco, "hashes"), k, h) {
			oe_itype t = hash_type(k);
			if (t != OE_T_NONE && json_is_string(h) && n < OE_ARRAY_SIZE(vals)) {
				vals[n].t = t;
				vals[n].v = json_string_value(h);
				vals[n].len = json_string_length(h);
				n++;
			}
		}
	} else {
		for (size_t i = 0; i < OE_ARRAY_SIZE(paths); i++) {
			if (strcmp(type, paths[i].obj) != 0 || strchr(paths[i].prop, '.'))
				continue;
			json_t *v = json_object_get(sco, paths[i].prop);
			if (json_is_string(v) && n < OE_ARRAY_SIZE(vals)) {
				vals[n].t = paths[i].type;
				vals[n].v = json_string_value(v);
				vals[n].len = json_string_length(v);
				n++;
			}
		}
	}
	if (n == 0) {
		w->out->skipped++;
		return 0;
	}
	const char *sref = oe_json_str(sco, "id");
	if (!sref)
		sref = ref;
	for (size_t i = 0; i < n; i++) {
		char canon[OE_VALUE_MAX + 1];
		const char *why = NULL;
		oe_itype got;
		if (canon_value(vals[i].t, vals[i].v, vals[i].len, w->o, &got, canon, sizeof(canon),
				&why)) {
			oe_import_error_add(w->out, sref, "%s: %s", type,
					    why ? why : "invalid value");
			continue;
		}
		int rc = add_one(w, m, got, canon, tlp);
		if (rc)
			return rc;
	}
	return 0;
}

static int do_observed(walker *w, const json_t *obj, const char *ref)
{
	meta m;
	const char *why = read_meta(w, obj, "observed-data", &m);
	if (why) {
		oe_import_error_add(w->out, ref, "%s", why);
		return ST_REFUSED;
	}
	json_t *refs = json_object_get(obj, "object_refs");
	json_t *embedded = json_object_get(obj, "objects");
	size_t i;
	json_t *r;
	int rc = 0;
	if (json_is_array(refs)) {
		if (json_array_size(refs) > OE_STIX_MAX_REFS) {
			oe_import_error_add(w->out, ref, "more than %d object_refs",
					    OE_STIX_MAX_REFS);
			return ST_REFUSED;
		}
		json_array_foreach (refs, i, r) {
			const char *id = json_string_value(r);
			json_t *sco = id ? json_object_get(w->index, id) : NULL;
			if (!sco) {
				oe_import_error_add(w->out, id ? id : ref,
						    "named by %s but not in the bundle", m.id);
				continue;
			}
			if ((rc = do_sco(w, sco, id, &m, m.tlp)))
				return rc;
		}
	} else if (json_is_object(embedded)) {
		if (json_object_size(embedded) > OE_STIX_MAX_REFS) {
			oe_import_error_add(w->out, ref, "more than %d embedded objects",
					    OE_STIX_MAX_REFS);
			return ST_REFUSED;
		}
		const char *k;
		json_object_foreach (embedded, k, r) {
			char sref[128];
			char q[40];
			snprintf(sref, sizeof(sref), "%s objects.%s", m.id,
				 printable(k, 32, q, sizeof(q)));
			if ((rc = do_sco(w, r, sref, &m, m.tlp)))
				return rc;
		}
	} else {
		oe_import_error_add(w->out, ref,
				    "observed-data has neither object_refs nor objects");
		return ST_REFUSED;
	}
	return ST_IMPORTED;
}

/* Process an indicator or observed-data once per event it belongs to;
 * refusals and skips are reported only the first time. */
static int do_member(walker *w, const json_t *obj, const char *id)
{
	json_t *st = json_object_get(w->state, id);
	if (st && json_integer_value(st) != ST_IMPORTED)
		return 0;
	const char *type = oe_json_str(obj, "type");
	int rc =
	    strcmp(type, "indicator") == 0 ? do_indicator(w, obj, id) : do_observed(w, obj, id);
	if (rc < 0)
		return rc;
	if (json_object_set_new(w->state, id, json_integer(rc))) {
		snprintf(w->err, w->errcap, "out of memory");
		return OE_ENOMEM;
	}
	return 0;
}

static bool is_member_type(const char *type)
{
	return type && (strcmp(type, "indicator") == 0 || strcmp(type, "observed-data") == 0);
}

static int do_report(walker *w, const json_t *rep, const char *ref)
{
	const char *id = oe_json_str(rep, "id");
	if (!stix_id_ok(id, "report")) {
		oe_import_error_add(w->out, ref, "id is missing or not a STIX identifier");
		return 0;
	}
	json_t *refs = json_object_get(rep, "object_refs");
	if (json_array_size(refs) > OE_STIX_MAX_REFS) {
		oe_import_error_add(w->out, id, "more than %d object_refs", OE_STIX_MAX_REFS);
		return 0;
	}
	char cut[OE_TEXT_MAX + 1];
	oe_event_in ev = {.tlp = tlp_of(w, rep)};
	const char *name = oe_json_str(rep, "name");
	ev.title = name ? (char *)cut_text(name, cut, OE_TEXT_MAX) : NULL;
	ev.ext_id = (char *)id;
	char *tags[OE_TAGS_MAX];
	size_t i;
	json_t *l;
	json_array_foreach (json_object_get(rep, "labels"), i, l) {
		const char *s = json_string_value(l);
		if (s && *s && strlen(s) <= OE_TAG_LEN_MAX && ev.ntags < OE_TAGS_MAX)
			tags[ev.ntags++] = (char *)s;
	}
	ev.tags = tags;
	const char *by = oe_json_str(rep, "created_by_ref");
	json_t *ident = by ? json_object_get(w->index, by) : NULL;
	ev.org = (char *)oe_json_str(ident, "name");
	if (get_time(rep, "published", &ev.created) || !ev.created)
		get_time(rep, "created", &ev.created);
	if (oe_import_begin_event(w->out, &ev)) {
		snprintf(w->err, w->errcap, "out of memory");
		return OE_ENOMEM;
	}
	int rc = 0;
	json_t *r, *seen = json_object(); /* a member named twice counts once */
	json_array_foreach (refs, i, r) {
		const char *mid = json_string_value(r);
		json_t *obj = mid ? json_object_get(w->index, mid) : NULL;
		if (!obj || !is_member_type(oe_json_str(obj, "type")) || json_object_get(seen, mid))
			continue;
		if (!seen || json_object_set(seen, mid, json_true()) ||
		    json_object_set(w->in_rep, mid, json_true())) {
			rc = OE_ENOMEM;
			break;
		}
		if ((rc = do_member(w, obj, mid)))
			break;
	}
	json_decref(seen);
	oe_import_end_event(w->out);
	return rc;
}

/* Newer of two versions of one object, by modified. */
static bool newer(const json_t *a, const json_t *b)
{
	oe_time ta = 0, tb = 0;
	get_time(a, "modified", &ta);
	get_time(b, "modified", &tb);
	return ta > tb;
}

/* A TLP marking-definition carried in the bundle under its own id. */
static int marking_level(const json_t *md)
{
	json_t *ext = json_object_get(json_object_get(md, "extensions"), TLP2_EXTENSION);
	const char *v = oe_json_str(ext, "tlp_2_0");
	if (v)
		return oe_tlp_parse(v);
	const char *dt = oe_json_str(md, "definition_type");
	if (dt && strcasecmp(dt, "tlp") == 0)
		return oe_tlp_parse(oe_json_str(json_object_get(md, "definition"), "tlp"));
	return -1;
}

/* Index the objects, their TLP markings and the SCOs observed-data uses. */
static int build_index(walker *w, json_t *objs)
{
	size_t i;
	json_t *obj;
	json_array_foreach (objs, i, obj) {
		const char *id = oe_json_str(obj, "id");
		const char *type = oe_json_str(obj, "type");
		if (!id || !type)
			continue;
		json_t *old = json_object_get(w->index, id);
		if ((!old || newer(obj, old)) && json_object_set(w->index, id, obj))
			return OE_ENOMEM;
		if (strcmp(type, "marking-definition") == 0) {
			int lvl = marking_level(obj);
			if (lvl >= 0 && json_object_set_new(w->tlps, id, json_integer(lvl)))
				return OE_ENOMEM;
		} else if (strcmp(type, "observed-data") == 0) {
			size_t k;
			json_t *r;
			json_t *refs = json_object_get(obj, "object_refs");
			if (json_array_size(refs) > OE_STIX_MAX_REFS)
				continue;
			json_array_foreach (refs, k, r) {
				if (json_is_string(r) &&
				    json_object_set(w->sco_use, json_string_value(r), json_true()))
					return OE_ENOMEM;
			}
		}
	}
	return 0;
}

int oe_stix_parse(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out,
		  char *err, size_t errcap)
{
	json_t *root = NULL, *objs = NULL;
	walker w = {.o = o, .out = out, .err = err, .errcap = errcap};
	if (errcap)
		err[0] = '\0';
	int rc = oe_json_parse(buf, len, &root, err, errcap);
	if (rc)
		return rc;
	rc = OE_EINVAL;
	if (!json_is_object(root)) {
		snprintf(err, errcap, "not a STIX document: the top level is not a JSON object");
		goto out;
	}
	const char *type = oe_json_str(root, "type");
	json_t *list = json_object_get(root, "objects");
	if (type && strcmp(type, "bundle") == 0) {
		if (list && !json_is_array(list)) {
			snprintf(err, errcap, "bundle: objects is not an array");
			goto out;
		}
		objs = list ? json_incref(list) : json_array();
	} else if (!json_object_get(root, "type") && json_is_array(list)) {
		objs = json_incref(list); /* a TAXII envelope */
	} else if (type) {
		objs = json_array();
		if (objs && json_array_append(objs, root)) {
			rc = OE_ENOMEM;
			goto out;
		}
	} else {
		snprintf(err, errcap, "not a STIX bundle, TAXII envelope or object");
		goto out;
	}
	if (!objs) {
		rc = OE_ENOMEM;
		goto out;
	}
	if (json_array_size(objs) > OE_STIX_MAX_OBJECTS) {
		snprintf(err, errcap, "more than %d objects in one document", OE_STIX_MAX_OBJECTS);
		rc = OE_ETOOBIG;
		goto out;
	}
	w.index = json_object();
	w.tlps = json_object();
	w.state = json_object();
	w.in_rep = json_object();
	w.sco_use = json_object();
	rc = OE_ENOMEM;
	if (!w.index || !w.tlps || !w.state || !w.in_rep || !w.sco_use || build_index(&w, objs))
		goto out;

	size_t i;
	json_t *obj;
	/* Reports first: each becomes an event holding its members. */
	json_array_foreach (objs, i, obj) {
		const char *t = oe_json_str(obj, "type");
		if (t && strcmp(t, "report") == 0) {
			char ref[32];
			snprintf(ref, sizeof(ref), "objects[%zu]", i);
			if ((rc = do_report(&w, obj, ref)))
				goto out;
		}
	}
	/* Then everything else in document order. */
	json_array_foreach (objs, i, obj) {
		char ref[32];
		snprintf(ref, sizeof(ref), "objects[%zu]", i);
		const char *t = oe_json_str(obj, "type");
		const char *id = oe_json_str(obj, "id");
		if (!t) {
			oe_import_error_add(out, ref, "not a STIX object (no type)");
			continue;
		}
		if (strcmp(t, "report") == 0)
			continue;
		if (id && json_object_get(w.index, id) != obj) {
			out->skipped++; /* an older version of an object given twice */
			continue;
		}
		if (is_member_type(t)) {
			if (!id) {
				oe_import_error_add(out, ref, "%s has no id", t);
				continue;
			}
			if (json_object_get(w.in_rep, id))
				continue;
			if ((rc = do_member(&w, obj, id)))
				goto out;
			continue;
		}
		if (id && json_object_get(w.sco_use, id))
			continue;
		out->skipped++;
	}
	rc = 0;
out:
	if (rc == OE_ENOMEM && err && errcap && !err[0])
		snprintf(err, errcap, "out of memory");
	json_decref(w.index);
	json_decref(w.tlps);
	json_decref(w.state);
	json_decref(w.in_rep);
	json_decref(w.sco_use);
	json_decref(objs);
	json_decref(root);
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
