/* json.h - parsing JSON from outside with hard limits, over jansson.
 *
 * jansson already refuses invalid UTF-8 and (with the flag we pass) duplicate
 * keys; this adds the depth wall before jansson sees the bytes, so a body of
 * a million '[' costs one linear scan and a clear message. */
#ifndef OE_JSON_H
#define OE_JSON_H

#include <jansson.h>

#include "common.h"

/* Deepest nesting accepted from outside. STIX bundles and MISP events need
 * about 8; 64 leaves room and keeps recursion in our walkers trivially safe. */
#define OE_JSON_MAX_DEPTH 64

/* Parse len bytes at buf. On success *out owns a new reference. On failure
 * returns OE_EINVAL (OE_ETOOBIG for depth) and writes a message such as
 * "invalid JSON at line 1, column 7: unexpected token" into err. */
int oe_json_parse(const char *buf, size_t len, json_t **out, char *err, size_t errcap);

/* The string at key, or NULL when absent or not a string. */
const char *oe_json_str(const json_t *obj, const char *key);

/* A JSON string of s, with bytes that are not valid UTF-8 replaced by '?':
 * for echoing outside input back in messages. Never NULL unless out of
 * memory. */
json_t *oe_json_string_lossy(const char *s);
/* t as an RFC 3339 string with milliseconds, or null when t is 0 (unset). */
json_t *oe_json_time(oe_time t);

/* Are the n bytes at s well-formed UTF-8: shortest forms, no surrogates,
 * nothing above U+10FFFF? */
bool oe_utf8_valid(const char *s, size_t n);

/* s cut to at most max bytes at a UTF-8 character boundary: s itself when
 * it fits, else a copy in buf (at least max + 1 bytes). */
const char *oe_utf8_cut(const char *s, char *buf, size_t max);

/* Well-formed UTF-8 (as oe_utf8_valid) without control characters: no
 * U+0000..U+001F, U+007F or U+0080..U+009F. For names and labels that people
 * give, which end up in JSON, logs and terminals. */
bool oe_utf8_printable(const char *s, size_t n);

#include "buf.h"

/* Append s as a JSON string literal (quotes included) to b: '"', '\\' and
 * control characters escaped, bytes that are not valid UTF-8 replaced by
 * U+FFFD, so the output is always valid JSON. NULL is written as null. */
void oe_json_write_str(oe_buf *b, const char *s);

#endif
