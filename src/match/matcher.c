/* matcher.c - the published snapshot and its swap (see match.h).
 *
 * Why liburcu, and its "bulletproof" flavour: readers are the HTTP
 * server's pool threads, which libmicrohttpd creates and we never see
 * start or end. urcu-bp registers a thread on its first read section and
 * forgets it when it exits, and a read section costs a thread-local counter
 * and a compiler barrier - no atomic read-modify-write on a shared line, so
 * two cores looking values up never bounce a cache line between them. A
 * reference count on the snapshot would (every lookup writes it), and an
 * epoch scheme of our own would need the same per-thread registry that
 * liburcu already gets right. The publisher is one thread (the refresher)
 * and may block: it swaps the pointer, waits out a grace period with
 * urcu_bp_synchronize_rcu(), and frees the old snapshot. */
#include <stdatomic.h>
#include <stdlib.h>

#include <urcu-bp.h>

#include "match_int.h"

struct oe_matcher {
	_Atomic(oe_match_snap *) cur;
	atomic_uint_fast64_t generation;
	_Atomic oe_time published; /* when cur was published */
};

int oe_matcher_new(oe_matcher **out)
{
	oe_matcher *m = calloc(1, sizeof(*m));
	if (!m)
		return OE_ENOMEM;
	atomic_init(&m->cur, NULL);
	atomic_init(&m->generation, 0);
	atomic_init(&m->published, 0);
	*out = m;
	return 0;
}

void oe_matcher_free(oe_matcher *m)
{
	if (!m)
		return;
	oe_match_snap_free(atomic_load(&m->cur));
	free(m);
}

void oe_matcher_publish(oe_matcher *m, oe_match_snap *s)
{
	/* The release half of the exchange publishes the snapshot's contents
	 * with its pointer; readers load it with acquire. */
	oe_match_snap *old = atomic_exchange_explicit(&m->cur, s, memory_order_acq_rel);
	atomic_store_explicit(&m->published, oe_now(), memory_order_relaxed);
	atomic_fetch_add_explicit(&m->generation, 1, memory_order_release);
	if (old) {
		urcu_bp_synchronize_rcu();
		oe_match_snap_free(old);
	}
}

const oe_match_snap *oe_matcher_enter(oe_matcher *m)
{
	urcu_bp_read_lock();
	return atomic_load_explicit(&m->cur, memory_order_acquire);
}

void oe_matcher_leave(oe_matcher *m)
{
	(void)m;
	urcu_bp_read_unlock();
}

uint64_t oe_matcher_generation(oe_matcher *m)
{
	return atomic_load_explicit(&m->generation, memory_order_acquire);
}

oe_time oe_matcher_published(oe_matcher *m)
{
	return atomic_load_explicit(&m->published, memory_order_relaxed);
}
