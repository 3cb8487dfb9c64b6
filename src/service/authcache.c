/* authcache.c - recently checked API keys (see authcache.h). */
#include "authcache.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1024 keys in 256 sets of 4; a set is guarded by one of 32 locks. */
#define SETS  256
#define WAYS  4
#define LOCKS 32

typedef struct {
	char id[17]; /* "" when free */
	uint8_t hash[32];
	uint64_t gen;
	oe_time until;
	oe_viewer v;
} entry;

struct oe_authcache {
	uint64_t serial;	/* unique in the process: names it in threads' last key */
	_Atomic uint64_t local; /* the generation when auth.gen is not mapped */
	_Atomic uint64_t *gen;	/* auth.gen, shared with other processes, or &local */
	oe_time ttl;
	pthread_mutex_t lock[LOCKS];
	entry e[SETS][WAYS];
};

/* Each thread's last good key, checked before the shared sets: a client
 * sends the same key on every request of its connections, and the set's
 * lock is then one cache line that every thread writes. Same rules as a
 * set's entry (generation, expiry, hash compared in constant time). */
static _Thread_local struct {
	uint64_t serial; /* the cache's; 0: none */
	entry e;
} last;

static atomic_uint_fast64_t serials;

/* The generation counter in dir/auth.gen, mapped shared; NULL when the
 * file cannot be made or mapped. */
static _Atomic uint64_t *map_gen(const char *dir)
{
	char path[2048];
	snprintf(path, sizeof(path), "%s/auth.gen", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && (st.st_size >= 8 || ftruncate(fd, 8) == 0))
		p = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : (_Atomic uint64_t *)p;
}

oe_authcache *oe_authcache_new(const char *dir)
{
	oe_authcache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->serial = atomic_fetch_add(&serials, 1) + 1;
	atomic_init(&c->local, 1);
	c->gen = dir ? map_gen(dir) : NULL;
	c->ttl = (oe_time)(c->gen ? OE_AUTHCACHE_SECONDS : 2) * 1000000;
	if (!c->gen)
		c->gen = &c->local;
	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_init(&c->lock[i], NULL);
	return c;
}

void oe_authcache_free(oe_authcache *c)
{
	if (!c)
		return;
	if (last.serial == c->serial)
		sodium_memzero(&last, sizeof(last));
	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_destroy(&c->lock[i]);
	if (c->gen != &c->local)
		munmap((void *)c->gen, 8);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

static size_t set_of(const char *id)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (size_t)(h % SETS);
}

int oe_authcache_get(oe_authcache *c, const char *key_id, const uint8_t h[32], oe_time now,
		     oe_viewer *v)
{
	if (!c)
		return 0;
	uint64_t gen = atomic_load(c->gen);
	if (last.serial == c->serial && last.e.gen == gen && last.e.until > now &&
	    !strcmp(last.e.id, key_id) && sodium_memcmp(last.e.hash, h, 32) == 0) {
		*v = last.e.v;
		return 1;
	}
	size_t s = set_of(key_id);
	int found = 0;
	pthread_mutex_lock(&c->lock[s % LOCKS]);
	for (int w = 0; w < WAYS; w++) {
		entry *e = &c->e[s][w];
		if (strcmp(e->id, key_id) != 0 || e->gen != gen || e->until <= now)
			continue;
		if (sodium_memcmp(e->hash, h, 32) == 0) {
			*v = e->v;
			found = 1;
			last.serial = c->serial;
			last.e = *e;
		} else {
			found = -1;
		}
		break;
	}
	pthread_mutex_unlock(&c->lock[s % LOCKS]);
	return found;
}

void oe_authcache_put(oe_authcache *c, const char *key_id, const uint8_t h[32], const oe_viewer *v,
		      oe_time now)
{
	if (!c || strlen(key_id) >= sizeof(((entry *)0)->id))
		return;
	size_t s = set_of(key_id);
	uint64_t gen = atomic_load(c->gen);
	pthread_mutex_lock(&c->lock[s % LOCKS]);
	/* The same key's slot, else a stale or free one, else the oldest. */
	entry *slot = &c->e[s][0];
	for (int w = 0; w < WAYS; w++) {
		entry *e = &c->e[s][w];
		if (!strcmp(e->id, key_id)) {
			slot = e;
			break;
		}
		if (e->gen != gen || e->until <= now || e->until < slot->until)
			slot = e;
	}
	memcpy(slot->id, key_id, strlen(key_id) + 1);
	memcpy(slot->hash, h, 32);
	slot->gen = gen;
	slot->until = now + c->ttl;
	slot->v = *v;
	pthread_mutex_unlock(&c->lock[s % LOCKS]);
}

void oe_authcache_changed(oe_authcache *c)
{
	if (c)
		atomic_fetch_add(c->gen, 1);
}
