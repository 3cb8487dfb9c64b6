/* arena.h - request-scoped memory: many small allocations, one free.
 *
 * An oe_arena hands out memory from chunks it owns; oe_arena_clear() frees
 * every chunk at once. Everything allocated from an arena stays valid until
 * the arena is cleared. Not thread-safe: one arena per request or per call. */
#ifndef OE_ARENA_H
#define OE_ARENA_H

#include <stddef.h>

typedef struct oe_arena_chunk oe_arena_chunk;

typedef struct {
	oe_arena_chunk *head;
	size_t used, cap; /* in the head chunk */
} oe_arena;

#define OE_ARENA_INIT                                                                              \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* n bytes aligned for any type; NULL only when out of memory. */
void *oe_arena_alloc(oe_arena *a, size_t n);
/* A copy of s (or of its first n bytes for _strndup); NULL if s is NULL. */
char *oe_arena_strdup(oe_arena *a, const char *s);
char *oe_arena_strndup(oe_arena *a, const char *s, size_t n);
/* printf into the arena. */
char *oe_arena_printf(oe_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Room for one more element in an arena array *arr holding n of *cap
 * elements of elem bytes: when it is full, a new array of twice the
 * capacity (16 at first) with the n elements copied; the old one stays in
 * the arena until it is cleared. 0 or OE_ENOMEM. */
int oe_arena_grow(oe_arena *a, void **arr, size_t n, size_t *cap, size_t elem);
/* Frees every chunk; the arena can be used again. NULL is fine. */
void oe_arena_clear(oe_arena *a);

#endif
