/* taxii_query.c - TAXII 2.1 query parameters and media types (see
 * taxii_query.h). Every function here reads strings and writes into the
 * structure it is given; nothing allocates but the raw-query parser's one
 * scratch buffer. */
#include "taxii_query.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uuid.h"

/* Bits of oe_taxii_query.seen: a parameter given twice is malformed. */
enum {
	SEEN_ADDED_AFTER = 1 << 0,
	SEEN_LIMIT = 1 << 1,
	SEEN_NEXT = 1 << 2,
	SEEN_ID = 1 << 3,
	SEEN_TYPE = 1 << 4,
	SEEN_VERSION = 1 << 5,
	SEEN_SPEC_VERSION = 1 << 6
};

/* Longest timestamp we read: "YYYY-MM-DDTHH:MM:SS." with 9 digits of
 * fraction and a "+hh:mm" offset is 35 bytes. */
#define TIME_TEXT_MAX 40
/* Longest STIX type name (the STIX 2.1 specification: 250). */
#define TYPE_NAME_MAX 250

void oe_taxii_query_init(oe_taxii_query *q)
{
	memset(q, 0, sizeof(*q));
	q->limit = OE_TAXII_LIMIT_DEFAULT;
	q->types = OE_TAXII_T_ALL;
	q->spec_21 = true;
}

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return OE_EINVAL;
}

/* A timestamp as TAXII and STIX write them: RFC 3339 with a time of day. */
static int parse_time(const char *s, size_t n, oe_time *out)
{
	char buf[TIME_TEXT_MAX + 1];
	if (n < 11 || n > TIME_TEXT_MAX)
		return OE_EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[10] != 'T' && buf[10] != 't')
		return OE_EINVAL;
	return oe_time_parse(buf, out);
}

static bool type_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > TYPE_NAME_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/* "type--uuid": the type as type_name_ok, the uuid any case (stored in
 * lower case, as STIX writes it). */
static int add_id(oe_taxii_query *q, const char *s, size_t n, const char **why)
{
	const char *dd = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '-' && s[i + 1] == '-') {
			dd = s + i;
			break;
		}
	if (!dd || n > OE_TAXII_ID_MAX)
		return fail(why, "match[id] needs STIX ids (type--uuid)");
	size_t tl = (size_t)(dd - s);
	char us[OE_UUID_STR];
	oe_uuid u;
	if (!type_name_ok(s, tl) || n - tl - 2 != OE_UUID_STR - 1)
		return fail(why, "match[id] needs STIX ids (type--uuid)");
	memcpy(us, dd + 2, OE_UUID_STR - 1);
	us[OE_UUID_STR - 1] = '\0';
	if (oe_uuid_parse(us, &u) != 0)
		return fail(why, "match[id] needs STIX ids (type--uuid)");
	if (q->nids == OE_TAXII_MATCH_MAX)
		return fail(why, "too many values in match[id]");
	char *d = q->ids[q->nids++];
	memcpy(d, s, tl + 2);
	oe_uuid_format(&u, d + tl + 2);
	return 0;
}

static int add_type(oe_taxii_query *q, const char *s, size_t n, const char **why)
{
	if (!type_name_ok(s, n))
		return fail(why, "match[type] needs STIX type names");
	if (n == 9 && memcmp(s, "indicator", 9) == 0)
		q->types |= OE_TAXII_T_INDICATOR;
	else if (n == 8 && memcmp(s, "identity", 8) == 0)
		q->types |= OE_TAXII_T_IDENTITY;
	else if (n == 8 && memcmp(s, "grouping", 8) == 0)
		q->types |= OE_TAXII_T_GROUPING;
	else if (n == 4 && memcmp(s, "note", 4) == 0)
		q->types |= OE_TAXII_T_NOTE;
	else if (n == 8 && memcmp(s, "sighting", 8) == 0)
		q->types |= OE_TAXII_T_SIGHTING;
	else
		q->types |= OE_TAXII_T_OTHER;
	return 0;
}

static int add_version(oe_taxii_query *q, const char *s, size_t n, const char **why)
{
	static const struct {
		const char *kw;
		unsigned bit;
	} kws[] = {{"last", OE_TAXII_V_LAST}, {"first", OE_TAXII_V_FIRST}, {"all", OE_TAXII_V_ALL}};
	for (size_t i = 0; i < OE_ARRAY_SIZE(kws); i++)
		if (n == strlen(kws[i].kw) && memcmp(s, kws[i].kw, n) == 0) {
			if (q->version_kw & kws[i].bit)
				return fail(why, "a match[version] value occurs twice");
			q->version_kw |= kws[i].bit;
			return 0;
		}
	oe_time t;
	if (parse_time(s, n, &t) != 0)
		return fail(why, "match[version] takes last, first, all or timestamps");
	for (size_t i = 0; i < q->nversions; i++)
		if (q->versions[i] == t)
			return fail(why, "a match[version] value occurs twice");
	if (q->nversions == OE_TAXII_MATCH_MAX)
		return fail(why, "too many values in match[version]");
	q->versions[q->nversions++] = t;
	return 0;
}

/* "n.m", both unsigned integers. */
static int add_spec_version(oe_taxii_query *q, const char *s, size_t n, const char **why)
{
	size_t i = 0, a = 0, b = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && a < 4)
		i++, a++;
	if (i < n && s[i] == '.')
		i++;
	else
		a = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && b < 4)
		i++, b++;
	if (!a || !b || i != n)
		return fail(why, "match[spec_version] takes versions such as 2.1");
	if (n == 3 && memcmp(s, "2.1", 3) == 0)
		q->spec_21 = true;
	return 0;
}

typedef int (*value_fn)(oe_taxii_query *q, const char *s, size_t n, const char **why);

/* Each comma-separated value of v through fn; no value may be empty. */
static int each_value(oe_taxii_query *q, const char *v, value_fn fn, const char *empty,
		      const char **why)
{
	if (!v || !*v)
		return fail(why, empty);
	for (const char *p = v;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n == 0)
			return fail(why, empty);
		int ret = fn(q, p, n, why);
		if (ret)
			return ret;
		if (!c)
			return 0;
		p = c + 1;
	}
}

static int once(oe_taxii_query *q, unsigned bit, const char **why, const char *reason)
{
	if (q->seen & bit)
		return fail(why, reason);
	q->seen |= bit;
	return 0;
}

int oe_taxii_query_add(oe_taxii_query *q, const char *name, const char *value, const char **why)
{
	*why = NULL;
	if (value && strlen(value) > OE_TAXII_VALUE_MAX)
		return fail(why, "a query parameter is too long");
	if (strcmp(name, "added_after") == 0) {
		if (once(q, SEEN_ADDED_AFTER, why, "added_after occurs twice"))
			return OE_EINVAL;
		if (!value || parse_time(value, strlen(value), &q->added_after) != 0)
			return fail(why, "added_after must be a timestamp");
		q->has_added_after = true;
		return 0;
	}
	if (strcmp(name, "limit") == 0) {
		if (once(q, SEEN_LIMIT, why, "limit occurs twice"))
			return OE_EINVAL;
		size_t n = value ? strlen(value) : 0, v = 0;
		if (n == 0 || strspn(value, "0123456789") != n)
			return fail(why, "limit must be a positive integer");
		for (size_t i = 0; i < n && v <= OE_TAXII_LIMIT_MAX; i++)
			v = v * 10 + (size_t)(value[i] - '0');
		if (v == 0)
			return fail(why, "limit must be a positive integer");
		q->limit = v > OE_TAXII_LIMIT_MAX ? OE_TAXII_LIMIT_MAX : v;
		q->has_limit = true;
		return 0;
	}
	if (strcmp(name, "next") == 0) {
		if (once(q, SEEN_NEXT, why, "next occurs twice"))
			return OE_EINVAL;
		size_t n = value ? strlen(value) : 0;
		if (n == 0 || n > OE_TAXII_NEXT_MAX)
			return fail(why, "next is not a value this server gave");
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)value[i] <= ' ' || (unsigned char)value[i] >= 0x7f)
				return fail(why, "next is not a value this server gave");
		memcpy(q->next, value, n + 1);
		q->has_next = true;
		return 0;
	}
	if (strcmp(name, "match[id]") == 0) {
		if (once(q, SEEN_ID, why, "match[id] occurs twice"))
			return OE_EINVAL;
		return each_value(q, value, add_id, "match[id] has an empty value", why);
	}
	if (strcmp(name, "match[type]") == 0) {
		if (once(q, SEEN_TYPE, why, "match[type] occurs twice"))
			return OE_EINVAL;
		q->has_types = true;
		q->types = 0;
		return each_value(q, value, add_type, "match[type] has an empty value", why);
	}
	if (strcmp(name, "match[version]") == 0) {
		if (once(q, SEEN_VERSION, why, "match[version] occurs twice"))
			return OE_EINVAL;
		q->has_versions = true;
		int ret =
		    each_value(q, value, add_version, "match[version] has an empty value", why);
		if (!ret && (q->version_kw & OE_TAXII_V_ALL) &&
		    (q->nversions || q->version_kw != OE_TAXII_V_ALL))
			return fail(why, "match[version]=all stands alone");
		return ret;
	}
	if (strcmp(name, "match[spec_version]") == 0) {
		if (once(q, SEEN_SPEC_VERSION, why, "match[spec_version] occurs twice"))
			return OE_EINVAL;
		q->has_spec_versions = true;
		q->spec_21 = false;
		return each_value(q, value, add_spec_version,
				  "match[spec_version] has an empty value", why);
	}
	return 0; /* a parameter or match field the specification does not define */
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

/* Percent-decode s[0..n) into d (room for n + 1); refuses a bad escape and
 * a NUL byte. Returns the decoded length, or -1. */
static long decode(const char *s, size_t n, char *d)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		d[k++] = c;
	}
	d[k] = '\0';
	return (long)k;
}

int oe_taxii_query_parse(const char *qs, size_t len, oe_taxii_query *q, const char **why)
{
	*why = NULL;
	char *buf = malloc(2 * len + 2);
	if (!buf)
		return OE_ENOMEM;
	char *name = buf, *value = buf + len + 1;
	int ret = 0;
	for (size_t i = 0; i < len && !ret;) {
		size_t end = i;
		while (end < len && qs[end] != '&')
			end++;
		if (end > i) {
			size_t eq = i;
			while (eq < end && qs[eq] != '=')
				eq++;
			if (decode(qs + i, eq - i, name) < 0 ||
			    (eq < end && decode(qs + eq + 1, end - eq - 1, value) < 0))
				ret =
				    fail(why, "a query parameter is not correctly percent-encoded");
			else
				ret = oe_taxii_query_add(q, name, eq < end ? value : NULL, why);
		}
		i = end + 1;
	}
	free(buf);
	return ret;
}

bool oe_taxii_query_version_ok(const oe_taxii_query *q, oe_time modified)
{
	if (!q->has_versions || q->version_kw)
		return true; /* one version is held: it is the first, the last and all */
	for (size_t i = 0; i < q->nversions; i++)
		if (q->versions[i] == modified)
			return true;
	return false;
}

bool oe_taxii_query_id_ok(const oe_taxii_query *q, const char *id)
{
	if (!q->nids)
		return true;
	for (size_t i = 0; i < q->nids; i++)
		if (strcmp(q->ids[i], id) == 0)
			return true;
	return false;
}

/* ---- media types ------------------------------------------------------ */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *trim_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

static bool span_is(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - p) == n && strncasecmp(p, s, n) == 0;
}

/* One media type with its parameters, p..end: the type in *type, and the
 * version and q parameters (quotes removed). Returns false when a
 * parameter is not name=value. */
typedef struct {
	const char *type, *type_end;
	const char *version, *version_end; /* NULL: absent */
	bool q_zero;
} media;

static bool media_parse(const char *p, const char *end, media *m)
{
	memset(m, 0, sizeof(*m));
	const char *semi = memchr(p, ';', (size_t)(end - p));
	const char *tend = semi ? semi : end;
	m->type = skip_ws(p, tend);
	m->type_end = trim_end(m->type, tend);
	while (semi) {
		p = semi + 1;
		semi = memchr(p, ';', (size_t)(end - p));
		const char *pend = semi ? semi : end;
		const char *eq = memchr(p, '=', (size_t)(pend - p));
		if (!eq)
			return false;
		const char *n = skip_ws(p, eq), *ne = trim_end(n, eq);
		const char *v = skip_ws(eq + 1, pend), *ve = trim_end(v, pend);
		if (ve - v >= 2 && *v == '"' && ve[-1] == '"')
			v++, ve--;
		if (span_is(n, ne, "version")) {
			m->version = v;
			m->version_end = ve;
		} else if (span_is(n, ne, "q")) {
			/* "0", "0.", "0.0" ... "0.000": refused */
			bool zero = v < ve && *v == '0';
			for (const char *x = v + 1; zero && x < ve; x++)
				zero = *x == '.' || *x == '0';
			m->q_zero = zero;
		}
	}
	return true;
}

static bool taxii_21(const media *m)
{
	return span_is(m->type, m->type_end, "application/taxii+json") &&
	       (!m->version || span_is(m->version, m->version_end, "2.1"));
}

bool oe_taxii_accept_ok(const char *accept)
{
	if (!accept)
		return true;
	const char *p = accept, *end = accept + strlen(accept);
	if (skip_ws(p, end) == end)
		return true; /* an empty header says nothing */
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *rend = comma ? comma : end;
		media m;
		if (media_parse(p, rend, &m) && !m.q_zero &&
		    (taxii_21(&m) || span_is(m.type, m.type_end, "*/*") ||
		     span_is(m.type, m.type_end, "application/*")))
			return true;
		p = comma ? comma + 1 : end;
	}
	return false;
}

bool oe_taxii_content_type_ok(const char *ctype)
{
	if (!ctype)
		return false;
	media m;
	return media_parse(ctype, ctype + strlen(ctype), &m) && taxii_21(&m);
}
