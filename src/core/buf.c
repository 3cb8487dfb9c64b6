/* buf.c - growable byte buffer with a sticky error (see buf.h). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void oe_buf_init(oe_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void oe_buf_free(oe_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

void oe_buf_clear(oe_buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus the NUL. */
static int reserve(oe_buf *b, size_t n)
{
	size_t max = b->max ? b->max : OE_BUF_MAX_DEFAULT;
	if (b->err)
		return -1;
	if (n > max || b->len > max - n) {
		b->err = OE_ETOOBIG;
		return -1;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->err = OE_ENOMEM;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void oe_buf_add(oe_buf *b, const void *p, size_t n)
{
	if (reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void oe_buf_addc(oe_buf *b, char c)
{
	oe_buf_add(b, &c, 1);
}

void oe_buf_vprintf(oe_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		if (!b->err)
			b->err = OE_EINVAL;
		return;
	}
	if (reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void oe_buf_printf(oe_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	oe_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

int oe_buf_error(const oe_buf *b)
{
	return b->err;
}

char *oe_buf_steal(oe_buf *b)
{
	if (b->err) {
		oe_buf_free(b);
		return NULL;
	}
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
