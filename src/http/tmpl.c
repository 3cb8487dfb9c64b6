/* tmpl.c - the template renderer (syntax in tmpl.h) and the look-ups of
 * the embedded web/ files.
 *
 * The renderer walks the template once, left to right, emitting literal
 * text and tags into an oe_buf; a section finds its closing tag, and its
 * inside is rendered recursively, once per item. Templates are checked at
 * build time (scripts/embed-web.py), but the renderer does not rely on it:
 * a malformed template is an error, never a read out of bounds. */
#include <string.h>

#include "core/buf.h"
#include "http/i18n.h"
#include "http/tmpl.h"

/* Longest variable name or translation key in a tag. */
#define NAME_MAX_LEN 128

typedef enum { TAG_T, TAG_VAR, TAG_RAW, TAG_OPEN, TAG_INVERT, TAG_CLOSE } tag_kind;

typedef struct {
	const char *start, *end; /* the whole tag, "{{" to "}}" */
	tag_kind kind;
	const char *name; /* trimmed, not NUL-terminated */
	size_t nlen;
} tag;

typedef struct {
	oe_buf *out;
	const char *lang;
	json_t *ctx[OE_TMPL_DEPTH_MAX + 1]; /* innermost last */
	int depth;
	const char *why;
} state;

static const char *find2(const char *p, const char *end, const char *two)
{
	for (; p + 1 < end; p++)
		if (p[0] == two[0] && p[1] == two[1])
			return p;
	return NULL;
}

/* The next tag at or after p, or 0 with t->start NULL when there is none;
 * OE_EINVAL for a tag that does not end or has no name. */
static int next_tag(const char *p, const char *end, tag *t, const char **why)
{
	t->start = find2(p, end, "{{");
	if (!t->start)
		return 0;
	const char *q = t->start + 2;
	const char *close;
	if (q < end && *q == '{') {
		q++;
		t->kind = TAG_RAW;
		close = find2(q, end, "}}");
		if (!close || close + 2 >= end || close[2] != '}') {
			*why = "a {{{ tag does not end with }}}";
			return OE_EINVAL;
		}
		t->end = close + 3;
	} else {
		close = find2(q, end, "}}");
		if (!close) {
			*why = "a {{ tag does not end";
			return OE_EINVAL;
		}
		t->end = close + 2;
		t->kind = TAG_VAR;
		if (q < close) {
			switch (*q) {
			case '#': t->kind = TAG_OPEN, q++; break;
			case '^': t->kind = TAG_INVERT, q++; break;
			case '/': t->kind = TAG_CLOSE, q++; break;
			case 't':
				if (q + 1 < close && q[1] == ':') {
					t->kind = TAG_T;
					q += 2;
				}
				break;
			default: break;
			}
		}
	}
	while (q < close && (*q == ' ' || *q == '\t' || *q == '\n'))
		q++;
	const char *e = close;
	while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		e--;
	t->name = q;
	t->nlen = (size_t)(e - q);
	if (t->nlen == 0 || t->nlen > NAME_MAX_LEN) {
		*why = "a tag has no name, or one that is too long";
		return OE_EINVAL;
	}
	return 0;
}

/* The closing tag of the section whose inside starts at p: *inner_end is
 * where its inside ends, *after where the template goes on. */
static int find_close(const char *p, const char *end, const tag *open, const char **inner_end,
		      const char **after, const char **why)
{
	int level = 0;
	for (;;) {
		tag t;
		int ret = next_tag(p, end, &t, why);
		if (ret)
			return ret;
		if (!t.start) {
			*why = "a section is never closed";
			return OE_EINVAL;
		}
		p = t.end;
		if (t.kind == TAG_OPEN || t.kind == TAG_INVERT) {
			if (++level > OE_TMPL_DEPTH_MAX) {
				*why = "sections nest too deep";
				return OE_EINVAL;
			}
		} else if (t.kind == TAG_CLOSE) {
			if (level-- > 0)
				continue;
			if (t.nlen != open->nlen || memcmp(t.name, open->name, t.nlen) != 0) {
				*why = "a section is closed by another section's name";
				return OE_EINVAL;
			}
			*inner_end = t.start;
			*after = t.end;
			return 0;
		}
	}
}

/* name (dotted) in the innermost context that has its first part. */
static json_t *lookup(const state *st, const char *name, size_t nlen)
{
	if (nlen == 1 && name[0] == '.')
		return st->depth ? st->ctx[st->depth - 1] : NULL;
	char buf[NAME_MAX_LEN + 1];
	memcpy(buf, name, nlen);
	buf[nlen] = '\0';
	char *rest = strchr(buf, '.');
	if (rest)
		*rest++ = '\0';
	json_t *v = NULL;
	for (int i = st->depth - 1; i >= 0 && !v; i--)
		if (json_is_object(st->ctx[i]))
			v = json_object_get(st->ctx[i], buf);
	while (v && rest) {
		char *part = rest;
		rest = strchr(part, '.');
		if (rest)
			*rest++ = '\0';
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
	}
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return false;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return true;
}

static void put_escaped(oe_buf *b, const char *s, size_t n)
{
	const char *run = s;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		oe_buf_add(b, run, (size_t)(s + i - run));
		oe_buf_adds(b, rep);
		run = s + i + 1;
	}
	oe_buf_add(b, run, (size_t)(s + n - run));
}

static void put_value(oe_buf *b, const json_t *v, bool raw)
{
	char num[64];
	const char *s = NULL;
	size_t n = 0;
	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				     json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		n = (size_t)snprintf(num, sizeof(num), "%g", json_real_value(v));
		s = num;
	} else if (json_is_true(v)) {
		s = "true";
		n = 4;
	}
	if (!s)
		return;
	if (raw)
		oe_buf_add(b, s, n);
	else
		put_escaped(b, s, n);
}

static int render(state *st, const char *p, const char *end);

static int render_with(state *st, json_t *ctx, const char *p, const char *end)
{
	if (st->depth >= OE_TMPL_DEPTH_MAX) {
		st->why = "sections nest too deep";
		return OE_EINVAL;
	}
	st->ctx[st->depth++] = ctx;
	int ret = render(st, p, end);
	st->depth--;
	return ret;
}

static int render(state *st, const char *p, const char *end)
{
	while (p < end) {
		tag t;
		int ret = next_tag(p, end, &t, &st->why);
		if (ret)
			return ret;
		if (!t.start) {
			oe_buf_add(st->out, p, (size_t)(end - p));
			return 0;
		}
		oe_buf_add(st->out, p, (size_t)(t.start - p));
		p = t.end;
		switch (t.kind) {
		case TAG_T: {
			char key[NAME_MAX_LEN + 1];
			memcpy(key, t.name, t.nlen);
			key[t.nlen] = '\0';
			const char *s = oe_i18n(st->lang, key);
			put_escaped(st->out, s, strlen(s));
			break;
		}
		case TAG_VAR:
		case TAG_RAW:
			put_value(st->out, lookup(st, t.name, t.nlen), t.kind == TAG_RAW);
			break;
		case TAG_CLOSE:
			st->why = "a section is closed that was never opened";
			return OE_EINVAL;
		case TAG_OPEN:
		case TAG_INVERT: {
			const char *inner_end, *after;
			ret = find_close(p, end, &t, &inner_end, &after, &st->why);
			if (ret)
				return ret;
			json_t *v = lookup(st, t.name, t.nlen);
			if (t.kind == TAG_INVERT) {
				if (!truthy(v))
					ret = render(st, p, inner_end);
			} else if (json_is_array(v)) {
				size_t i;
				json_t *item;
				json_array_foreach (v, i, item) {
					ret = render_with(st, item, p, inner_end);
					if (ret)
						break;
				}
			} else if (truthy(v)) {
				ret = render_with(st, v, p, inner_end);
			}
			if (ret)
				return ret;
			p = after;
			break;
		}
		}
		if (oe_buf_error(st->out))
			return oe_buf_error(st->out);
	}
	return 0;
}

int oe_tmpl_render(const char *tmpl, size_t len, json_t *vars, const char *lang, char **out,
		   size_t *outlen, const char **why)
{
	oe_buf b = OE_BUF_INIT;
	b.max = OE_TMPL_OUT_MAX;
	state st = {.out = &b, .lang = lang};
	*out = NULL;
	*outlen = 0;
	st.ctx[st.depth++] = vars;
	int ret = render(&st, tmpl, tmpl + len);
	if (!ret)
		ret = oe_buf_error(&b);
	if (ret) {
		if (why)
			*why = ret == OE_EINVAL ? st.why : oe_strerror(ret);
		oe_buf_free(&b);
		return ret;
	}
	*outlen = b.len;
	*out = oe_buf_steal(&b);
	return *out ? 0 : OE_ENOMEM;
}

static const oe_web_file *find_file(const oe_web_file *files, size_t n, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i].name, name) == 0)
			return &files[i];
	return NULL;
}

const oe_web_file *oe_web_template(const char *name)
{
	return find_file(oe_web_templates, oe_web_templates_count, name);
}

const oe_web_file *oe_web_static_file(const char *name)
{
	return find_file(oe_web_static, oe_web_static_count, name);
}

const oe_web_file *oe_web_console_file(const char *name)
{
	return find_file(oe_web_console, oe_web_console_count, name);
}
