/* ratelimit.c - in-memory token buckets (see ratelimit.h). */
#include "ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* 2^16 buckets of 24 bytes: 1.5 MiB, room for the addresses of a busy
 * hour; each key may sit in one of WAYS neighbouring slots. */
#define SLOTS	65536
#define WAYS	8
#define STRIPES 64

typedef struct {
	uint64_t key; /* 0: free */
	double tokens;
	oe_time last;
} bucket;

struct oe_ratelimit {
	uint8_t hkey[crypto_shorthash_KEYBYTES];
	pthread_mutex_t lock[STRIPES];
	bucket b[SLOTS];
};

oe_ratelimit *oe_ratelimit_new(void)
{
	oe_ratelimit *rl = calloc(1, sizeof(*rl));
	if (!rl)
		return NULL;
	crypto_shorthash_keygen(rl->hkey);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&rl->lock[i], NULL);
	return rl;
}

void oe_ratelimit_free(oe_ratelimit *rl)
{
	if (!rl)
		return;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&rl->lock[i]);
	sodium_memzero(rl, sizeof(*rl));
	free(rl);
}

int oe_ratelimit_take(oe_ratelimit *rl, int kind, const void *key, size_t klen, int limit,
		      int window_s, oe_time now, bool take)
{
	if (!rl || limit <= 0 || window_s <= 0)
		return 0;
	uint8_t in[256], h[crypto_shorthash_BYTES];
	if (klen > sizeof(in) - 1)
		klen = sizeof(in) - 1;
	in[0] = (uint8_t)kind;
	memcpy(in + 1, key, klen);
	crypto_shorthash(h, in, klen + 1, rl->hkey);
	uint64_t k;
	memcpy(&k, h, sizeof(k));
	k |= 1; /* never 0, which marks a free slot */
	/* A group of WAYS slots shares one stripe lock. */
	size_t base = (size_t)(k >> 16) % SLOTS & ~(size_t)(WAYS - 1);
	pthread_mutex_t *m = &rl->lock[(base / WAYS) % STRIPES];
	double rate = (double)limit / ((double)window_s * 1e6); /* tokens per µs */
	int wait = 0;
	pthread_mutex_lock(m);
	bucket *b = NULL, *oldest = &rl->b[base];
	for (size_t i = 0; i < WAYS; i++) {
		bucket *c = &rl->b[base + i];
		if (c->key == k) {
			b = c;
			break;
		}
		/* A free slot is taken first, else the least recently used. */
		if (!c->key) {
			if (oldest->key)
				oldest = c;
		} else if (oldest->key && c->last < oldest->last) {
			oldest = c;
		}
	}
	if (!b) {
		b = oldest;
		b->key = k;
		b->tokens = limit;
		b->last = now;
	}
	double t = b->tokens + (double)(now - b->last) * rate;
	if (t > limit)
		t = limit;
	b->tokens = t;
	b->last = now;
	if (t >= 1.0) {
		if (take)
			b->tokens = t - 1.0;
	} else {
		/* Whole seconds until one token is back, rounded up. */
		wait = (int)ceil((1.0 - t) / rate / 1e6 - 1e-6);
		if (wait < 1)
			wait = 1;
	}
	pthread_mutex_unlock(m);
	return wait;
}
