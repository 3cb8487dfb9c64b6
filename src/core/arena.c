/* arena.c - chunked bump allocator (see arena.h). */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

struct oe_arena_chunk {
	oe_arena_chunk *next;
	max_align_t data[];
};

#define CHUNK_MIN 8192

void *oe_arena_alloc(oe_arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (!a->head || a->cap - a->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
		oe_arena_chunk *c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
		a->used = 0;
		a->cap = cap;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return p;
}

char *oe_arena_strndup(oe_arena *a, const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = oe_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *oe_arena_strdup(oe_arena *a, const char *s)
{
	return s ? oe_arena_strndup(a, s, strlen(s)) : NULL;
}

char *oe_arena_printf(oe_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = oe_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int oe_arena_grow(oe_arena *a, void **arr, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	if (nc > SIZE_MAX / (elem ? elem : 1))
		return OE_ENOMEM;
	void *p = oe_arena_alloc(a, nc * elem);
	if (!p)
		return OE_ENOMEM;
	if (n)
		memcpy(p, *arr, n * elem);
	*arr = p;
	*cap = nc;
	return 0;
}

void oe_arena_clear(oe_arena *a)
{
	if (!a)
		return;
	oe_arena_chunk *c = a->head;
	while (c) {
		oe_arena_chunk *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->used = a->cap = 0;
}
