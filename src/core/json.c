/* json.c - bounded JSON parsing (see json.h). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One pass over the bytes counting nesting outside strings. */
static int depth_ok(const char *buf, size_t len)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{') {
			if (++depth > OE_JSON_MAX_DEPTH)
				return 0;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return 1;
}

int oe_json_parse(const char *buf, size_t len, json_t **out, char *err, size_t errcap)
{
	*out = NULL;
	if (!depth_ok(buf, len)) {
		snprintf(err, errcap, "JSON nested deeper than %d levels", OE_JSON_MAX_DEPTH);
		return OE_ETOOBIG;
	}
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		/* jansson says "unable to decode byte 0xff" for bad UTF-8. */
		snprintf(err, errcap, "invalid JSON at line %d, column %d: %s%s", je.line,
			 je.column, strstr(je.text, "decode byte") ? "not valid UTF-8: " : "",
			 je.text);
		return OE_EINVAL;
	}
	*out = j;
	return 0;
}

const char *oe_json_str(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *oe_json_string_lossy(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (j)
		return j;
	size_t n = strlen(s);
	char *c = malloc(n + 1);
	if (!c)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* Accept well-formed UTF-8 sequences, replace anything else. */
		unsigned char b = p[i];
		size_t len = b < 0x80	      ? 1
			     : (b >> 5) == 6  ? 2
			     : (b >> 4) == 14 ? 3
			     : (b >> 3) == 30 ? 4
					      : 0;
		bool ok = len > 0 && i + len <= n;
		for (size_t k = 1; ok && k < len; k++)
			ok = (p[i + k] & 0xc0) == 0x80;
		if (ok && len > 1) {
			json_t *t = json_stringn((const char *)p + i, len);
			ok = t != NULL;
			json_decref(t);
		}
		if (ok) {
			memcpy(c + i, p + i, len);
			i += len;
		} else {
			c[i++] = '?';
		}
	}
	c[n] = '\0';
	j = json_string(c);
	free(c);
	return j;
}

/* Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char b = p[0];
	size_t len;
	uint32_t min, cp;
	if (b < 0x80)
		return 1;
	if ((b & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		cp = b & 0x1f;
	} else if ((b & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		cp = b & 0x0f;
	} else if ((b & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		cp = b & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool oe_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(p + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

bool oe_utf8_printable(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(p + i, n - i);
		if (!l || p[i] < 0x20 || p[i] == 0x7f)
			return false;
		if (l == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) /* C1: U+0080..U+009F */
			return false;
		i += l;
	}
	return true;
}

void oe_json_write_str(oe_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (!s) {
		oe_buf_adds(b, "null");
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	oe_buf_addc(b, '"');
	size_t run = 0; /* bytes copied as they are, flushed in one add */
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run++;
			i++;
			continue;
		}
		size_t l = c >= 0x80 ? utf8_len(p + i, n - i) : 0;
		if (l) {
			run += l;
			i += l;
			continue;
		}
		oe_buf_add(b, p + i - run, run);
		run = 0;
		switch (c) {
		case '"': oe_buf_add(b, "\\\"", 2); break;
		case '\\': oe_buf_add(b, "\\\\", 2); break;
		case '\n': oe_buf_add(b, "\\n", 2); break;
		case '\r': oe_buf_add(b, "\\r", 2); break;
		case '\t': oe_buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20) {
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				oe_buf_add(b, e, 6);
			} else {
				oe_buf_add(b, "\xef\xbf\xbd", 3); /* not UTF-8: U+FFFD */
			}
		}
		i++;
	}
	oe_buf_add(b, p + n - run, run);
	oe_buf_addc(b, '"');
}

const char *oe_utf8_cut(const char *s, char *buf, size_t max)
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

json_t *oe_json_time(oe_time t)
{
	if (!t)
		return json_null();
	char b[OE_TIME_BUF];
	oe_time_format(t, b);
	return json_string(b);
}
