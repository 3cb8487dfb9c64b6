/* form.c - application/x-www-form-urlencoded and multipart/form-data
 * bodies (see form.h).
 *
 * Both parsers walk the body once with a cursor. Multipart boundaries are
 * found with memmem, which skips ahead over file data instead of looking at
 * every byte twice; a 50 MB upload costs one search. Only the part headers
 * are looked at line by line, and they are bounded by OE_FORM_PART_HEADER.
 *
 * Tolerated beyond the letter of RFC 2046 / RFC 7578, because real clients
 * send them: bare LF line ends, a boundary line right after the part
 * headers (an empty part without its own CRLF), transport padding after a
 * boundary, a preamble and an epilogue. Refused: a body without its closing
 * "--boundary--" (a truncated upload must not look complete), folded or
 * colon-less part headers, a part without a form-data name, and NUL bytes
 * in names and headers (they would cut the NUL-terminated copies short). */
#include "form.h"

#include <string.h>
#include <strings.h>

#define BOUNDARY_MAX 70 /* RFC 2046 section 5.1.1 */

/* Longest parameter value read from a Content-Type request header. Ours
 * are a boundary (70) and a charset; more is not a form. */
#define CTYPE_PARAM_MAX 256

typedef struct {
	oe_arena *a;
	oe_form_field *v;
	size_t n, cap;
} field_list;

/* A new zeroed field at the end of l. */
static int add_field(field_list *l, oe_form_field **out, const char **why)
{
	if (l->n == OE_FORM_FIELDS_MAX) {
		*why = "form has more than 256 fields";
		return OE_ETOOBIG;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		if (cap > OE_FORM_FIELDS_MAX)
			cap = OE_FORM_FIELDS_MAX;
		oe_form_field *v = oe_arena_alloc(l->a, cap * sizeof(*v));
		if (!v) {
			*why = "out of memory";
			return OE_ENOMEM;
		}
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	*out = &l->v[l->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
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

/* Percent-decode n bytes at s into out (at least n bytes), '+' as a space
 * when plus. Returns the decoded length, or -1 at a '%' that does not start
 * a %XX escape. */
static long pct_decode(const char *s, size_t n, bool plus, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi = n - i >= 3 ? hexval(s[i + 1]) : -1;
			int lo = n - i >= 3 ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			out[k++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[k++] = plus && s[i] == '+' ? ' ' : s[i];
		}
	}
	return (long)k;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

/* [*s, *e) without surrounding spaces and tabs. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && ows(**s))
		(*s)++;
	while (*e > *s && ows((*e)[-1]))
		(*e)--;
}

static bool span_is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(e - s) == n && strncasecmp(s, word, n) == 0;
}

/* ---- header parameters ----------------------------------------------------
 * "type; name=token; name="quoted \"string\""", as Content-Type and
 * Content-Disposition carry them. A cursor over the bytes after the type. */

typedef struct {
	const char *p, *end;
} cursor;

/* The next parameter: its name in [*ns, *ne), its value (quoted-pairs
 * undone) copied into val (cap bytes) with its length in *vn. Returns 1, 0
 * when there are no more, or OE_EINVAL for an unterminated quoted string
 * or a value longer than cap. A parameter without '=' is skipped. */
static int next_param(cursor *c, const char **ns, const char **ne, char *val, size_t cap,
		      size_t *vn)
{
	for (;;) {
		while (c->p < c->end && (ows(*c->p) || *c->p == ';'))
			c->p++;
		if (c->p >= c->end)
			return 0;
		const char *s = c->p;
		while (c->p < c->end && *c->p != '=' && *c->p != ';')
			c->p++;
		const char *e = c->p;
		trim(&s, &e);
		if (c->p >= c->end || *c->p == ';')
			continue; /* no '=': not a parameter we know */
		/* An empty name ("; =x") is read like any other and matches
		 * none: the cursor must still move past its value. */
		c->p++; /* '=' */
		while (c->p < c->end && ows(*c->p))
			c->p++;
		size_t k = 0;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return OE_EINVAL;
				char ch = *c->p++;
				if (ch == '"')
					break;
				if (ch == '\\') {
					if (c->p >= c->end)
						return OE_EINVAL;
					ch = *c->p++;
				}
				if (k == cap)
					return OE_EINVAL;
				val[k++] = ch;
			}
			while (c->p < c->end && *c->p != ';') /* junk after the quote */
				c->p++;
		} else {
			const char *vs = c->p;
			while (c->p < c->end && *c->p != ';')
				c->p++;
			const char *ve = c->p;
			trim(&vs, &ve);
			k = (size_t)(ve - vs);
			if (k > cap)
				return OE_EINVAL;
			memcpy(val, vs, k);
		}
		*ns = s;
		*ne = e;
		*vn = k;
		return 1;
	}
}

/* ---- application/x-www-form-urlencoded ----------------------------------- */

static int parse_urlencoded(const char *body, size_t len, field_list *l, const char **why)
{
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		if (e > p) { /* "a=1&&b=2": empty pairs are skipped */
			const char *eq = memchr(p, '=', (size_t)(e - p));
			const char *nend = eq ? eq : e;
			const char *vs = eq ? eq + 1 : e;
			size_t nn = (size_t)(nend - p), vn = (size_t)(e - vs);
			if (nn > 3 * OE_FORM_NAME_MAX) { /* too long however it decodes */
				*why = "form field name is longer than 128 bytes";
				return OE_ETOOBIG;
			}
			oe_form_field *f;
			int rc = add_field(l, &f, why);
			if (rc)
				return rc;
			char *name = oe_arena_alloc(l->a, nn + 1);
			char *val = oe_arena_alloc(l->a, vn + 1);
			if (!name || !val) {
				*why = "out of memory";
				return OE_ENOMEM;
			}
			long dn = pct_decode(p, nn, true, name);
			long dv = pct_decode(vs, vn, true, val);
			if (dn < 0 || dv < 0) {
				*why = "form field has an invalid %-escape";
				return OE_EINVAL;
			}
			if ((size_t)dn > OE_FORM_NAME_MAX) {
				*why = "form field name is longer than 128 bytes";
				return OE_ETOOBIG;
			}
			if (memchr(name, '\0', (size_t)dn)) {
				*why = "form field name contains a NUL byte";
				return OE_EINVAL;
			}
			name[dn] = '\0';
			val[dv] = '\0';
			f->name = name;
			f->value = val;
			f->len = (size_t)dv;
		}
		p = amp ? amp + 1 : end;
	}
	return 0;
}

/* ---- multipart/form-data ------------------------------------------------- */

typedef struct {
	char line[3 + BOUNDARY_MAX]; /* "\n--" boundary */
	size_t n;
} delimiter;

/* Is there a boundary line whose "--boundary" ends at q? Checks what
 * follows: "--" (the close delimiter) or optional padding and a line end.
 * Sets *next to the byte after it. */
static bool delim_end(const char *q, const char *end, bool *close, const char **next)
{
	if (end - q >= 2 && q[0] == '-' && q[1] == '-') {
		*close = true;
		*next = q + 2;
		return true;
	}
	while (q < end && ows(*q))
		q++;
	if (q < end && *q == '\n') {
		*close = false;
		*next = q + 1;
		return true;
	}
	if (end - q >= 2 && q[0] == '\r' && q[1] == '\n') {
		*close = false;
		*next = q + 2;
		return true;
	}
	return false;
}

/* The first boundary line at or after from that starts after a '\n' (the
 * '\n' is from[0] at the earliest). Returns the '\n', or NULL. */
static const char *find_delim(const char *from, const char *end, const delimiter *d, bool *close,
			      const char **next)
{
	while (from < end) {
		const char *h = memmem(from, (size_t)(end - from), d->line, d->n);
		if (!h)
			return NULL;
		if (delim_end(h + d->n, end, close, next))
			return h;
		from = h + 1; /* "--boundaryX": content that merely starts alike */
	}
	return NULL;
}

typedef struct {
	bool has_cd, has_ct, has_filename, has_filename_star;
	char name[OE_FORM_NAME_MAX + 1];
	size_t name_len;
	bool has_name;
	char filename[OE_FORM_PART_HEADER];
	size_t filename_len;
	char filename_star[OE_FORM_PART_HEADER];
	size_t filename_star_len;
	const char *ct, *ct_end;
} part_headers;

/* filename*=UTF-8''%e2%82%ac.txt (RFC 8187) into h->filename_star; other
 * charsets and bad escapes are ignored, leaving the plain filename. */
static void ext_filename(part_headers *h, const char *v, size_t n)
{
	const char *q1 = memchr(v, '\'', n);
	const char *q2 = q1 ? memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - v)) : NULL;
	if (!q2 || !span_is(v, q1, "utf-8"))
		return;
	const char *s = q2 + 1;
	long k = pct_decode(s, n - (size_t)(s - v), false, h->filename_star);
	if (k < 0)
		return;
	h->filename_star_len = (size_t)k;
	h->has_filename_star = true;
}

static int content_disposition(part_headers *h, const char *s, const char *e, const char **why)
{
	char val[OE_FORM_PART_HEADER];
	const char *te = memchr(s, ';', (size_t)(e - s));
	cursor c = {te ? te : e, e};
	if (!te)
		te = e;
	trim(&s, &te);
	if (!span_is(s, te, "form-data")) {
		*why = "part's Content-Disposition is not form-data";
		return OE_EINVAL;
	}
	const char *ns, *ne;
	size_t vn;
	int rc;
	while ((rc = next_param(&c, &ns, &ne, val, sizeof(val), &vn)) == 1) {
		if (span_is(ns, ne, "name") && !h->has_name) {
			if (vn > OE_FORM_NAME_MAX) {
				*why = "form field name is longer than 128 bytes";
				return OE_ETOOBIG;
			}
			memcpy(h->name, val, vn);
			h->name_len = vn;
			h->has_name = true;
		} else if (span_is(ns, ne, "filename") && !h->has_filename) {
			memcpy(h->filename, val, vn);
			h->filename_len = vn;
			h->has_filename = true;
		} else if (span_is(ns, ne, "filename*") && !h->has_filename_star) {
			ext_filename(h, val, vn);
		}
	}
	if (rc < 0) {
		*why = "part's Content-Disposition has an unterminated quoted string";
		return OE_EINVAL;
	}
	return 0;
}

/* Read the part headers starting at *pp, up to and including the empty
 * line; *pp is left at the part's content. */
static int part_headers_read(const char **pp, const char *end, part_headers *h, const char **why)
{
	const char *start = *pp, *p = *pp;
	if (p == end) { /* "--boundary\r\n" and nothing more */
		*why = "multipart body has no final boundary";
		return OE_EINVAL;
	}
	const char *limit =
	    (size_t)(end - start) > OE_FORM_PART_HEADER ? start + OE_FORM_PART_HEADER : end;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(limit - p));
		if (!nl) {
			if (limit < end) {
				*why = "part headers are longer than 4096 bytes";
				return OE_ETOOBIG;
			}
			*why = "multipart body ends inside part headers";
			return OE_EINVAL;
		}
		const char *s = p, *e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		p = nl + 1;
		if (s == e)
			break;
		if (memchr(s, '\0', (size_t)(e - s))) {
			*why = "part header contains a NUL byte";
			return OE_EINVAL;
		}
		if (ows(*s)) {
			*why = "part header is folded (not allowed by RFC 7578)";
			return OE_EINVAL;
		}
		const char *colon = memchr(s, ':', (size_t)(e - s));
		if (!colon) {
			*why = "part header line has no ':'";
			return OE_EINVAL;
		}
		const char *ns = s, *ne = colon, *vs = colon + 1, *ve = e;
		trim(&ns, &ne);
		trim(&vs, &ve);
		if (span_is(ns, ne, "content-disposition")) {
			if (h->has_cd) {
				*why = "part has two Content-Disposition headers";
				return OE_EINVAL;
			}
			h->has_cd = true;
			int rc = content_disposition(h, vs, ve, why);
			if (rc)
				return rc;
		} else if (span_is(ns, ne, "content-type")) {
			if (h->has_ct) {
				*why = "part has two Content-Type headers";
				return OE_EINVAL;
			}
			h->has_ct = true;
			h->ct = vs;
			h->ct_end = ve;
		} /* others (Content-Transfer-Encoding...) are ignored: RFC 7578 4.7 */
	}
	if (!h->has_name) {
		*why = "part has no Content-Disposition form-data name";
		return OE_EINVAL;
	}
	if (memchr(h->name, '\0', h->name_len)) {
		*why = "form field name contains a NUL byte";
		return OE_EINVAL;
	}
	*pp = p;
	return 0;
}

static int add_part(field_list *l, const part_headers *h, const char *data, size_t n,
		    const char **why)
{
	oe_form_field *f;
	int rc = add_field(l, &f, why);
	if (rc)
		return rc;
	f->name = oe_arena_strndup(l->a, h->name, h->name_len);
	if (!f->name)
		goto nomem;
	if (h->has_ct && !(f->ctype = oe_arena_strndup(l->a, h->ct, (size_t)(h->ct_end - h->ct))))
		goto nomem;
	if (h->has_filename || h->has_filename_star) {
		bool star =
		    h->has_filename_star && !memchr(h->filename_star, '\0', h->filename_star_len);
		f->filename = star ? oe_arena_strndup(l->a, h->filename_star, h->filename_star_len)
				   : oe_arena_strndup(l->a, h->filename, h->filename_len);
		if (!f->filename)
			goto nomem;
		f->value = data;
	} else {
		if (!(f->value = oe_arena_strndup(l->a, data, n)))
			goto nomem;
	}
	f->len = n;
	return 0;
nomem:
	*why = "out of memory";
	return OE_ENOMEM;
}

static int parse_multipart(const char *body, size_t len, const delimiter *d, field_list *l,
			   const char **why)
{
	const char *end = body + len, *p;
	bool close = false;
	/* The first boundary line may open the body, without a line end
	 * before it; anything before a later one is preamble. */
	if (len >= d->n - 1 && memcmp(body, d->line + 1, d->n - 1) == 0 &&
	    delim_end(body + d->n - 1, end, &close, &p)) {
		/* p set */
	} else if (!find_delim(body, end, d, &close, &p)) {
		*why = "multipart body has no boundary line";
		return OE_EINVAL;
	}
	while (!close) {
		part_headers h;
		memset(&h, 0, sizeof(h));
		int rc = part_headers_read(&p, end, &h, why);
		if (rc)
			return rc;
		/* From the header block's own last '\n': a boundary line right
		 * after the headers is an empty part. */
		const char *next;
		const char *nl = find_delim(p - 1, end, d, &close, &next);
		if (!nl) {
			*why = "multipart body has no final boundary";
			return OE_EINVAL;
		}
		const char *ce = nl;
		if (ce < p)
			ce = p;
		else if (ce > p && ce[-1] == '\r')
			ce--;
		rc = add_part(l, &h, p, (size_t)(ce - p), why);
		if (rc)
			return rc;
		p = next;
	}
	return 0; /* what follows the close delimiter is epilogue */
}

/* The boundary parameter of a multipart Content-Type, into d. */
static int boundary_param(cursor *c, delimiter *d, const char **why)
{
	char val[CTYPE_PARAM_MAX];
	const char *ns, *ne;
	size_t vn;
	int rc;
	while ((rc = next_param(c, &ns, &ne, val, sizeof(val), &vn)) == 1) {
		if (!span_is(ns, ne, "boundary"))
			continue;
		if (vn == 0 || vn > BOUNDARY_MAX) {
			*why = "multipart boundary must be 1 to 70 bytes";
			return OE_EINVAL;
		}
		if (memchr(val, '\r', vn) || memchr(val, '\n', vn)) {
			*why = "multipart boundary contains a line break";
			return OE_EINVAL;
		}
		memcpy(d->line, "\n--", 3);
		memcpy(d->line + 3, val, vn);
		d->n = 3 + vn;
		return 0;
	}
	*why = rc < 0 ? "Content-Type has a malformed parameter"
		      : "multipart Content-Type has no boundary";
	return OE_EINVAL;
}

int oe_form_parse(const char *ctype, const char *body, size_t len, oe_arena *a, oe_form *out,
		  const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	out->fields = NULL;
	out->n = 0;
	if (!body || len == 0) {
		body = "";
		len = 0;
	}
	field_list l = {a, NULL, 0, 0};
	if (!ctype) {
		*why = "unsupported content type";
		return OE_EINVAL;
	}
	const char *ts = ctype, *te = ctype + strcspn(ctype, ";");
	trim(&ts, &te);
	int rc;
	if (span_is(ts, te, "application/x-www-form-urlencoded")) {
		rc = parse_urlencoded(body, len, &l, why);
	} else if (span_is(ts, te, "multipart/form-data")) {
		cursor c = {te, ctype + strlen(ctype)};
		delimiter d;
		rc = boundary_param(&c, &d, why);
		if (rc == 0)
			rc = parse_multipart(body, len, &d, &l, why);
	} else {
		*why = "unsupported content type";
		return OE_EINVAL;
	}
	if (rc)
		return rc;
	out->fields = l.v;
	out->n = l.n;
	return 0;
}

const char *oe_form_get(const oe_form *f, const char *name)
{
	if (!f || !name)
		return NULL;
	for (size_t i = 0; i < f->n; i++)
		if (!f->fields[i].filename && strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return NULL;
}
