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
