/* csv.c - CSV and plain-text block lists in, CSV out (see csv.h).
 *
 * The CSV reader is a cursor over the bytes that unescapes one record at a
 * time into a scratch buffer; a record that breaks a limit is scanned to its
 * end without being copied, so one bad row costs one refusal, never the
 * rest of the file. */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tlp.h"

/* Longest id column kept as ext_id: STIX ids are 45 to 70 bytes, MISP
 * uuids 36; more is not an id. */
#define EXT_ID_MAX 256

#define STR_(x) #x
#define STR(x)	STR_(x)

/* The columns in their positional (headerless) order, then the rest. */
enum col {
	C_TYPE,
	C_VALUE,
	C_TLP,
	C_TAGS,
	C_CONFIDENCE,
	C_DESCRIPTION,
	C_VALID_UNTIL,
	C_FIRST_SEEN,
	C_LAST_SEEN,
	C_ID,
	C_REVOKED,
	C_ORG,
	C_WARNINGLIST,
	C__COUNT
};

static const char *const col_names[C__COUNT] = {
    "type",	  "value",     "tlp", "tags",	 "confidence", "description", "valid_until",
    "first_seen", "last_seen", "id",  "revoked", "org",	       "warninglist",
};

/* Columns a headerless file has, in order. */
#define POSITIONAL_COLS (C_VALID_UNTIL + 1)

typedef struct {
	const char *p, *end;
	size_t line; /* physical line of p, from 1 */
} cursor;

typedef struct {
	size_t off, len; /* in the scratch buffer; NUL-terminated there */
} field;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Advance past the end of the current physical line. */
static void skip_line(cursor *c)
{
	while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
		c->p++;
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	if (c->p < c->end && *c->p == '\n')
		c->p++;
	c->line++;
}

/* At a line end (or the end of input)? Consumes it when so. */
static bool eat_eol(cursor *c)
{
	if (c->p >= c->end)
		return true;
	if (*c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->line++;
		return true;
	}
	if (*c->p == '\n') {
		c->p++;
		c->line++;
		return true;
	}
	return false;
}

/* Is the line at c empty, blank or a '#' comment? */
static bool skippable_line(const cursor *c)
{
	const char *q = c->p;
	while (q < c->end && is_blank(*q))
		q++;
	return q >= c->end || *q == '\n' || *q == '\r' || *q == '#';
}

/* Read one record into scratch (OE_CSV_LINE_MAX + OE_CSV_FIELDS_MAX bytes).
 * Returns 1 with fields set, 0 at the end of input, -1 when the record was
 * refused (*why says why; the cursor is past the record). *line is where
 * the record starts. */
static int read_record(cursor *c, char *scratch, field *f, size_t *nf, size_t *line,
		       const char **why)
{
	while (c->p < c->end && skippable_line(c))
		skip_line(c);
	if (c->p >= c->end)
		return 0;
	*line = c->line;
	*nf = 0;
	*why = NULL;
	size_t used = 0;
	for (;;) {
		/* One field. */
		size_t start = used;
		bool store = *nf < OE_CSV_FIELDS_MAX;
		if (!store && !*why)
			*why = "more fields than the limit of " STR(OE_CSV_FIELDS_MAX);
		while (c->p < c->end && is_blank(*c->p))
			c->p++;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end) {
					*why = "unterminated quoted field";
					return -1;
				}
				char ch = *c->p++;
				if (ch == '"') {
					if (c->p < c->end && *c->p == '"')
						c->p++;
					else
						break;
				} else if (ch == '\n') {
					c->line++;
				} else if (ch == '\r' && !(c->p < c->end && *c->p == '\n')) {
					c->line++;
				}
				if (ch == '\0' && !*why)
					*why = "a field contains a NUL byte";
				if (used < OE_CSV_LINE_MAX)
					scratch[used++] = ch;
				else if (!*why)
					*why = "record longer than the limit of " STR(
					    OE_CSV_LINE_MAX) " bytes";
			}
			while (c->p < c->end && is_blank(*c->p))
				c->p++;
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
				if (!*why)
					*why = "text after a closing quote";
				/* Resynchronise at the end of this physical line. */
				while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
					c->p++;
			}
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
				char ch = *c->p++;
				if (ch == '\0' && !*why)
					*why = "a field contains a NUL byte";
				if (used < OE_CSV_LINE_MAX)
					scratch[used++] = ch;
				else if (!*why)
					*why = "record longer than the limit of " STR(
					    OE_CSV_LINE_MAX) " bytes";
			}
			while (used > start && is_blank(scratch[used - 1]))
				used--;
		}
		if (store) {
			f[*nf].off = start;
			f[*nf].len = used - start;
			scratch[used++] = '\0';
			(*nf)++;
		} else {
			used = start;
		}
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		eat_eol(c);
		break;
	}
	return *why ? -1 : 1;
}

/* Is s (n bytes) valid UTF-8 without overlongs or surrogates? Text we
 * store must be, or JSON exports of it would fail. */
static bool utf8_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t k;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + j] & 0x3F);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += k + 1;
	}
	return true;
}

/* A spreadsheet evaluates a cell starting with one of these; the writer
 * guards free text with a leading apostrophe and the reader removes it. */
static bool formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@';
}

static const char *unguard(const char *s)
{
	return (s[0] == '\'' && formula_start(s[1])) ? s + 1 : s;
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

/* "true"/"false" and friends; -1 when neither. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = {"true", "1", "yes"};
	static const char *const no[] = {"false", "0", "no", ""};
	for (size_t i = 0; i < OE_ARRAY_SIZE(yes); i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < OE_ARRAY_SIZE(no); i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* 0..100 in decimal digits; -1 otherwise. */
static int parse_confidence(const char *s)
{
	int v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 100)
			return -1;
	}
	return v;
}

typedef struct {
	char *store[OE_TAGS_MAX];
	size_t n;
} tagset;

/* Split s on ';' and '|' into t (pointers into s, which is modified).
 * Returns NULL or a reason. */
static const char *split_tags(char *s, tagset *t)
{
	t->n = 0;
	char *p = s;
	while (*p) {
		char *q = p;
		while (*q && *q != ';' && *q != '|')
			q++;
		char *e = q;
		bool last = *q == '\0';
		while (p < e && is_blank(*p))
			p++;
		while (e > p && is_blank(e[-1]))
			e--;
		*e = '\0';
		if (e > p) {
			const char *tag = unguard(p);
			if (strlen(tag) > OE_TAG_LEN_MAX)
				return "a tag is longer than the limit of " STR(
				    OE_TAG_LEN_MAX) " bytes";
			if (!utf8_ok(tag, strlen(tag)))
				return "a tag is not valid UTF-8";
			bool dup = false;
			for (size_t i = 0; i < t->n; i++)
				dup = dup || strcmp(t->store[i], tag) == 0;
			if (!dup) {
				if (t->n >= OE_TAGS_MAX)
					return "more tags than the limit of " STR(OE_TAGS_MAX);
				t->store[t->n++] = (char *)tag;
			}
		}
		if (last)
			break;
		p = q + 1;
	}
	return NULL;
}

static const char *parse_time_field(const char *s, oe_time *out, const char *bad)
{
	*out = 0;
	if (!*s)
		return NULL;
	return oe_time_parse(s, out) == 0 ? NULL : bad;
}

/* Turn one data record into an ioc and add it, or refuse it. Returns 0 or a
 * fatal OE_E* (set full, no memory). */
static int add_record(const int map[C__COUNT], char *scratch, const field *f, size_t nf,
		      size_t line, const oe_canon_opts *o, oe_import_set *out)
{
	const char *col[C__COUNT];
	size_t collen[C__COUNT];
	for (int i = 0; i < C__COUNT; i++) {
		int k = map[i];
		if (k >= 0 && (size_t)k < nf) {
			col[i] = scratch + f[k].off;
			collen[i] = f[k].len;
		} else {
			col[i] = "";
			collen[i] = 0;
		}
	}
	char ref[32];
	snprintf(ref, sizeof(ref), "line %zu", line);
	const char *why = NULL;
	char value[OE_VALUE_MAX + 1];
	oe_ioc c = {.tlp = -1, .confidence = -1};
	tagset tags;

	/* Spreadsheets pad rows with empty cells; a record whose every cell
	 * is empty is a blank line. */
	bool empty = true;
	for (size_t i = 0; i < nf; i++)
		empty = empty && f[i].len == 0;
	if (empty)
		return 0;

	oe_itype t = OE_T_NONE;
	if (collen[C_TYPE] && strcasecmp(col[C_TYPE], "auto") != 0) {
		char lower[32];
		if (collen[C_TYPE] >= sizeof(lower)) {
			oe_import_error_add(out, ref, "unknown type");
			return 0;
		}
		for (size_t i = 0; i <= collen[C_TYPE]; i++) {
			char ch = col[C_TYPE][i];
			lower[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
		}
		t = oe_itype_parse(lower);
		if (t == OE_T_NONE) {
			char q[40];
			oe_import_error_add(out, ref, "unknown type '%s'",
					    printable(lower, 32, q, sizeof(q)));
			return 0;
		}
	}
	if (!collen[C_VALUE]) {
		oe_import_error_add(out, ref, "empty value");
		return 0;
	}
	int rc = t == OE_T_NONE
		     ? oe_detect(col[C_VALUE], collen[C_VALUE], o, &t, value, sizeof(value), &why)
		     : oe_canon(t, col[C_VALUE], collen[C_VALUE], o, value, sizeof(value), &why);
	if (rc) {
		oe_import_error_add(out, ref, "%s", why ? why : "invalid value");
		return 0;
	}
	c.type = t;
	c.value = value;
	if (collen[C_TLP] && (c.tlp = oe_tlp_parse(col[C_TLP])) < 0) {
		char q[48];
		oe_import_error_add(out, ref, "unknown TLP '%s'",
				    printable(col[C_TLP], 40, q, sizeof(q)));
		return 0;
	}
	if (collen[C_CONFIDENCE] && (c.confidence = parse_confidence(col[C_CONFIDENCE])) < 0) {
		char q[32];
		oe_import_error_add(out, ref, "confidence '%s' is not a whole number from 0 to 100",
				    printable(col[C_CONFIDENCE], 20, q, sizeof(q)));
		return 0;
	}
	if (collen[C_DESCRIPTION]) {
		const char *d = unguard(col[C_DESCRIPTION]);
		if (strlen(d) > OE_TEXT_MAX)
			why = "description longer than the limit of " STR(OE_TEXT_MAX) " bytes";
		else if (!utf8_ok(d, strlen(d)))
			why = "description is not valid UTF-8";
		if (why) {
			oe_import_error_add(out, ref, "%s", why);
			return 0;
		}
		c.description = (char *)d;
	}
	if ((why = split_tags((char *)col[C_TAGS], &tags))) {
		oe_import_error_add(out, ref, "%s", why);
		return 0;
	}
	c.tags = tags.store;
	c.ntags = tags.n;
	if ((why = parse_time_field(col[C_VALID_UNTIL], &c.valid_until,
				    "valid_until is not an RFC 3339 timestamp")) ||
	    (why = parse_time_field(col[C_FIRST_SEEN], &c.first_seen,
				    "first_seen is not an RFC 3339 timestamp")) ||
	    (why = parse_time_field(col[C_LAST_SEEN], &c.last_seen,
				    "last_seen is not an RFC 3339 timestamp"))) {
		oe_import_error_add(out, ref, "%s", why);
		return 0;
	}
	if (collen[C_ID]) {
		if (collen[C_ID] > EXT_ID_MAX || !utf8_ok(col[C_ID], collen[C_ID])) {
			oe_import_error_add(
			    out, ref, "id is longer than " STR(EXT_ID_MAX) " bytes or not UTF-8");
			return 0;
		}
		c.ext_id = (char *)col[C_ID];
	}
	int rv = parse_bool(col[C_REVOKED]);
	if (rv < 0) {
		oe_import_error_add(out, ref, "revoked must be true or false");
		return 0;
	}
	c.revoked = rv == 1;
	return oe_import_add_ioc(out, &c);
}

/* If the record is a header, fill map (column -> field index) and return 1;
 * 0 when it is data; OE_EINVAL with err for a header we cannot accept. */
static int read_header(const char *scratch, const field *f, size_t nf, int map[C__COUNT], char *err,
		       size_t errcap)
{
	bool has_value = false;
	for (size_t i = 0; i < nf; i++)
		has_value = has_value || strcasecmp(scratch + f[i].off, "value") == 0;
	if (!has_value)
		return 0;
	for (int k = 0; k < C__COUNT; k++)
		map[k] = -1;
	for (size_t i = 0; i < nf; i++) {
		const char *name = scratch + f[i].off;
		int k = 0;
		while (k < C__COUNT && strcasecmp(name, col_names[k]) != 0)
			k++;
		if (k == C__COUNT) {
			char q[72];
			snprintf(err, errcap, "header: unknown column '%s'",
				 printable(name, 64, q, sizeof(q)));
			return OE_EINVAL;
		}
		if (map[k] >= 0) {
			snprintf(err, errcap, "header: column '%s' appears twice", col_names[k]);
			return OE_EINVAL;
		}
		map[k] = (int)i;
	}
	return 1;
}

static size_t skip_bom(const char *buf, size_t len)
{
	return (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
}

int oe_csv_parse(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out, char *err,
		 size_t errcap)
{
	int rc = 0;
	size_t bom = skip_bom(buf, len);
	cursor c = {buf + bom, buf + len, 1};
	field f[OE_CSV_FIELDS_MAX];
	size_t nf, line;
	const char *why;
	int map[C__COUNT];
	bool first = true;
	char *scratch = malloc(OE_CSV_LINE_MAX + OE_CSV_FIELDS_MAX + 1);
	if (!scratch)
		return OE_ENOMEM;
	for (int k = 0; k < C__COUNT; k++)
		map[k] = k < POSITIONAL_COLS ? k : -1;
	for (;;) {
		int r = read_record(&c, scratch, f, &nf, &line, &why);
		if (r == 0)
			break;
		if (r < 0) {
			char ref[32];
			snprintf(ref, sizeof(ref), "line %zu", line);
			oe_import_error_add(out, ref, "%s", why);
			first = false;
			continue;
		}
		if (first) {
			first = false;
			int h = read_header(scratch, f, nf, map, err, errcap);
			if (h < 0) {
				rc = h;
				goto out;
			}
			if (h == 1)
				continue;
		}
		if ((rc = add_record(map, scratch, f, nf, line, o, out))) {
			if (rc == OE_ETOOBIG)
				snprintf(err, errcap, "more than %d indicators in one import",
					 OE_IMPORT_MAX_OBJECTS);
			goto out;
		}
	}
out:
	free(scratch);
	return rc;
}

int oe_text_parse(const char *buf, size_t len, oe_itype type, const oe_canon_opts *o,
		  oe_import_set *out)
{
	const char *p = buf + skip_bom(buf, len), *end = buf + len;
	size_t line = 0;
	char value[OE_VALUE_MAX + 1];
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		line++;
		char ref[32];
		const char *s = p, *why = NULL;
		p = next;
		if ((size_t)(eol - s) > OE_TEXT_LINE_MAX) {
			snprintf(ref, sizeof(ref), "line %zu", line);
			oe_import_error_add(out, ref, "line longer than the limit of %d bytes",
					    OE_TEXT_LINE_MAX);
			continue;
		}
		while (s < eol && (is_blank(*s) || *s == '\r'))
			s++;
		if (s == eol || *s == '#')
			continue;
		const char *e = s;
		while (e < eol && !is_blank(*e) && *e != '\r')
			e++;
		oe_itype t = type;
		int rc = type == OE_T_NONE
			     ? oe_detect(s, (size_t)(e - s), o, &t, value, sizeof(value), &why)
			     : oe_canon(type, s, (size_t)(e - s), o, value, sizeof(value), &why);
		if (rc) {
			snprintf(ref, sizeof(ref), "line %zu", line);
			oe_import_error_add(out, ref, "%s", why ? why : "invalid value");
			continue;
		}
		oe_ioc c = {.type = t, .value = value, .tlp = -1, .confidence = -1};
		if ((rc = oe_import_add_ioc(out, &c)))
			return rc;
	}
	return 0;
}

/* ---- writer ---- */

/* Append one field, quoted when it holds a separator, quote or line end,
 * or starts/ends with blanks the reader would trim. */
static void put_field(oe_buf *b, const char *s, bool guard)
{
	bool quote = *s && (is_blank(s[0]) || is_blank(s[strlen(s) - 1]));
	for (const char *q = s; *q && !quote; q++)
		quote = *q == ',' || *q == '"' || *q == '\n' || *q == '\r';
	if (guard && formula_start(s[0]))
		quote = true;
	if (!quote) {
		oe_buf_adds(b, s);
		return;
	}
	oe_buf_addc(b, '"');
	if (guard && formula_start(s[0]))
		oe_buf_addc(b, '\'');
	for (const char *q = s; *q; q++) {
		if (*q == '"')
			oe_buf_addc(b, '"');
		oe_buf_addc(b, *q);
	}
	oe_buf_addc(b, '"');
}

static void put_time(oe_buf *b, oe_time t)
{
	if (!t)
		return;
	char ts[OE_TIME_BUF];
	oe_time_format_us(t, ts);
	oe_buf_adds(b, ts);
}

int oe_csv_header(oe_buf *b)
{
	for (int k = 0; k < C__COUNT; k++) {
		if (k)
			oe_buf_addc(b, ',');
		oe_buf_adds(b, col_names[k]);
	}
	oe_buf_add(b, "\r\n", 2);
	return oe_buf_error(b);
}

int oe_csv_write_row(oe_buf *b, const oe_indicator_view *v)
{
	if (v->type <= OE_T_NONE || v->type >= OE_T__COUNT || v->tlp < OE_TLP_CLEAR ||
	    v->tlp > OE_TLP_RED || !v->value) {
		if (!b->err)
			b->err = OE_EINVAL;
		return b->err;
	}
	oe_buf_adds(b, oe_itype_name(v->type));
	oe_buf_addc(b, ',');
	put_field(b, v->value, false);
	oe_buf_addc(b, ',');
	oe_buf_adds(b, oe_tlp_name((oe_tlp)v->tlp));
	oe_buf_addc(b, ',');
	{
		/* Tags joined by ';' as one field, guarded as a whole. */
		oe_buf tags = OE_BUF_INIT;
		for (size_t i = 0; i < v->ntags; i++) {
			if (i)
				oe_buf_addc(&tags, ';');
			oe_buf_adds(&tags, v->tags[i]);
		}
		if (tags.err)
			b->err = b->err ? b->err : tags.err;
		else if (tags.len)
			put_field(b, tags.data, true);
		oe_buf_free(&tags);
	}
	oe_buf_addc(b, ',');
	if (v->confidence >= 0 && v->confidence <= 100)
		oe_buf_printf(b, "%d", v->confidence);
	oe_buf_addc(b, ',');
	if (v->description)
		put_field(b, v->description, true);
	oe_buf_addc(b, ',');
	put_time(b, v->valid_until);
	oe_buf_addc(b, ',');
	put_time(b, v->first_seen);
	oe_buf_addc(b, ',');
	put_time(b, v->last_seen);
	oe_buf_addc(b, ',');
	put_field(b, v->stix_id, false);
	oe_buf_addc(b, ',');
	oe_buf_adds(b, v->revoked ? "true" : "false");
	oe_buf_addc(b, ',');
	if (v->org_name)
		put_field(b, v->org_name, true);
	oe_buf_addc(b, ',');
	if (v->warninglist)
		put_field(b, v->warninglist, true);
	oe_buf_add(b, "\r\n", 2);
	return oe_buf_error(b);
}
