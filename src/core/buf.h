/* buf.h - a growable byte buffer for builders (CSV rows, block lists).
 *
 * Appends never return an error: the first failure (allocation, or growing
 * past the buffer's limit) sets a sticky error, later appends do nothing,
 * and the caller checks oe_buf_error() once at the end, as SQLite's
 * JsonString does with bErr.
 *
 * Ownership: the buffer owns data; oe_buf_free() releases it, oe_buf_clear()
 * empties it for reuse. data is always NUL-terminated once anything was
 * appended (the NUL is not counted in len). */
#ifndef OE_BUF_H
#define OE_BUF_H

#include <stdarg.h>
#include <string.h>

#include "common.h"

/* Default ceiling on one buffer: an export larger than this is split by the
 * caller (pages, files); a runaway loop meets the wall instead of the OOM
 * killer. */
#define OE_BUF_MAX_DEFAULT ((size_t)1 << 30)

typedef struct {
	char *data;
	size_t len, cap;
	size_t max; /* hard limit in bytes; 0 means OE_BUF_MAX_DEFAULT */
	int err;    /* 0, OE_ENOMEM or OE_ETOOBIG; sticky */
} oe_buf;

#define OE_BUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0, 0, 0                                                                   \
	}

void oe_buf_init(oe_buf *b);
/* Releases the memory; NULL is fine. The buffer may be reused after init. */
void oe_buf_free(oe_buf *b);
/* Empties the buffer and its error, keeping the allocation. */
void oe_buf_clear(oe_buf *b);

void oe_buf_add(oe_buf *b, const void *p, size_t n);
/* Inline, so that the length of a literal is known when compiling: JSON
 * answers are written from dozens of them. */
static inline void oe_buf_adds(oe_buf *b, const char *s)
{
	oe_buf_add(b, s, strlen(s));
}
void oe_buf_addc(oe_buf *b, char c);
void oe_buf_printf(oe_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oe_buf_vprintf(oe_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The sticky error: 0 when every append so far succeeded. */
int oe_buf_error(const oe_buf *b);

/* Hands the bytes to the caller (free() them) and empties the buffer.
 * Returns NULL when the buffer is in error (and then frees it). An empty
 * buffer yields "". */
char *oe_buf_steal(oe_buf *b);

#endif
