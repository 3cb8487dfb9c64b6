/* matcher.c - building the node's matcher from the store and keeping it
 * current (see matcher.h). */
#include "matcher.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* A delta larger than this share of the base (and than DELTA_MIN) is
 * folded into a new base: the delta is rebuilt on every change, so it must
 * stay small, and a full read costs about a second per million. */
#define DELTA_MIN   65536
#define DELTA_SHARE 8 /* 1/8 of the base */

/* One changed indicator, kept until the next full read: its value and
 * assertions in one allocation. */
typedef struct {
	int64_t id;
	oe_itype type;
	size_t len, n;
	oe_match_assertion *a;
	char *value;
} item;

struct oe_svc_matcher {
	oe_node *node;
	oe_store *store;
	oe_matcher *m;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	bool stop, poked;
	uint64_t synced; /* oe_store_writes() that the published snapshot has read */
	oe_match_layer *base;
	size_t base_n;
	int64_t max_id, max_seq; /* what the published snapshot has read */
	item **items;		 /* by id, open addressing */
	size_t nitems, cap;
	oe_svc_match_info info;
};

/* ---- feeding a builder ------------------------------------------------- */

typedef struct {
	oe_match_builder *b;
	oe_match_assertion *a;
	size_t acap;
} feed;

static int feed_row(void *arg, const oe_scan_row *row)
{
	feed *f = arg;
	if (row->n > f->acap) {
		size_t nc = row->n * 2;
		oe_match_assertion *a = realloc(f->a, nc * sizeof(*a));
		if (!a)
			return OE_ENOMEM;
		f->a = a;
		f->acap = nc;
	}
	for (size_t i = 0; i < row->n; i++) {
		const oe_scan_assertion *s = &row->a[i];
		f->a[i] = (oe_match_assertion){.org_id = s->org_id,
					       .tlp = s->tlp,
					       .confidence = s->confidence,
					       .valid_until = s->valid_until,
					       .revoked = s->revoked,
					       .group_id = s->group_id,
					       .tags = s->tags,
					       .tags_len = s->tags_len};
	}
	return oe_match_builder_add(f->b, (oe_itype)row->type, row->value, row->len, f->a, row->n,
				    true);
}

static int add_orgs(oe_store *s, oe_match_builder *b)
{
	oe_arena a = OE_ARENA_INIT;
	oe_org *orgs;
	size_t n;
	int ret = s->ops->org_list(s, &a, &orgs, &n);
	for (size_t i = 0; !ret && i < n; i++)
		ret = oe_match_builder_org(b, orgs[i].id, orgs[i].stix_id, orgs[i].name);
	oe_arena_clear(&a);
	return ret;
}

/* ---- a pipelined read ---------------------------------------------------
 * Reading the store and adding to the builder take about the same time, so
 * a full read runs them on two threads: this one steps through the rows and
 * copies each into a batch, another adds the batches' rows to the builder.
 * A batch is a run of records: a row header, its assertions (tags as
 * offsets), its value, then the tags' bytes. */

#define BATCH_BYTES ((size_t)1 << 20)
#define BATCHES	    4 /* in flight: memory stays at a few MiB */

typedef struct {
	int64_t type;
	size_t len, n, tags;
} rec_head;

typedef struct {
	char *data;
	size_t len, cap;
} batch;

typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	batch q[BATCHES]; /* full batches, oldest at head */
	size_t head, count;
	bool done; /* no more batches */
	int err;   /* the builder's first error: the reader stops */
	char *spare[BATCHES + 1];
	size_t nspare;
	batch cur; /* the one being filled (reader) */
	feed f;	   /* the builder's side */
} pipe_state;

static char *take_spare(pipe_state *p)
{
	pthread_mutex_lock(&p->lock);
	char *b = p->nspare ? p->spare[--p->nspare] : NULL;
	pthread_mutex_unlock(&p->lock);
	return b ? b : malloc(BATCH_BYTES);
}

/* Hand the current batch over (waiting while BATCHES are queued). */
static int push(pipe_state *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->count == BATCHES && !p->err)
		pthread_cond_wait(&p->cond, &p->lock);
	int err = p->err;
	if (!err) {
		p->q[(p->head + p->count) % BATCHES] = p->cur;
		p->count++;
		pthread_cond_broadcast(&p->cond);
	} else {
		free(p->cur.data);
	}
	pthread_mutex_unlock(&p->lock);
	p->cur.data = NULL;
	p->cur.len = p->cur.cap = 0;
	return err;
}

static int copy_row(void *arg, const oe_scan_row *row)
{
	pipe_state *p = arg;
	size_t tags = 0;
	for (size_t i = 0; i < row->n; i++)
		tags += row->a[i].tags_len;
	size_t need = sizeof(rec_head) + row->n * sizeof(oe_match_assertion) + row->len + tags;
	need = (need + 7) & ~(size_t)7;
	if (p->cur.data && p->cur.len + need > p->cur.cap) {
		int ret = push(p);
		if (ret)
			return ret;
	}
	if (!p->cur.data) {
		/* A row larger than a batch (thousands of assertions) gets a
		 * batch of its own. */
		p->cur.cap = need > BATCH_BYTES ? need : BATCH_BYTES;
		p->cur.data = need > BATCH_BYTES ? malloc(need) : take_spare(p);
		if (!p->cur.data)
			return OE_ENOMEM;
	}
	char *o = p->cur.data + p->cur.len;
	rec_head h = {.type = row->type, .len = row->len, .n = row->n, .tags = tags};
	memcpy(o, &h, sizeof(h));
	oe_match_assertion *a = (oe_match_assertion *)(o + sizeof(h));
	char *v = (char *)(a + row->n), *t = v + row->len;
	size_t toff = 0;
	for (size_t i = 0; i < row->n; i++) {
		const oe_scan_assertion *x = &row->a[i];
		a[i] = (oe_match_assertion){
		    .org_id = x->org_id,
		    .tlp = x->tlp,
		    .confidence = x->confidence,
		    .valid_until = x->valid_until,
		    .revoked = x->revoked,
		    .group_id = x->group_id,
		    .tags = x->tags_len ? (const char *)(uintptr_t)(toff + 1) : NULL,
		    .tags_len = x->tags_len};
		if (x->tags_len)
			memcpy(t + toff, x->tags, x->tags_len);
		toff += x->tags_len;
	}
	memcpy(v, row->value, row->len);
	p->cur.len += need;
	return 0;
}

/* The builder's thread: every record of every batch, in order. */
static void *build_run(void *arg)
{
	pipe_state *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->count && !p->done)
			pthread_cond_wait(&p->cond, &p->lock);
		if (!p->count) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		batch b = p->q[p->head];
		p->head = (p->head + 1) % BATCHES;
		p->count--;
		pthread_cond_broadcast(&p->cond);
		int err = p->err;
		pthread_mutex_unlock(&p->lock);
		for (size_t off = 0; !err && off < b.len;) {
			rec_head h;
			memcpy(&h, b.data + off, sizeof(h));
			oe_match_assertion *a = (oe_match_assertion *)(b.data + off + sizeof(h));
			const char *v = (const char *)(a + h.n), *t = v + h.len;
			for (size_t i = 0; i < h.n; i++)
				if (a[i].tags)
					a[i].tags = t + ((uintptr_t)a[i].tags - 1);
			err =
			    oe_match_builder_add(p->f.b, (oe_itype)h.type, v, h.len, a, h.n, true);
			off += (sizeof(h) + h.n * sizeof(*a) + h.len + h.tags + 7) & ~(size_t)7;
		}
		pthread_mutex_lock(&p->lock);
		if (err && !p->err)
			p->err = err;
		if (b.cap == BATCH_BYTES && p->nspare < OE_ARRAY_SIZE(p->spare))
			p->spare[p->nspare++] = b.data;
		else
			free(b.data);
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

/* Every indicator of the store into f->b, the builder on a second thread. */
static int scan_pipelined(oe_store *s, feed *f)
{
	pipe_state p = {.f = *f};
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	pthread_t th;
	if (pthread_create(&th, NULL, build_run, &p) != 0) {
		pthread_mutex_destroy(&p.lock);
		pthread_cond_destroy(&p.cond);
		return s->ops->indicator_scan(s, 0, feed_row, f);
	}
	int ret = s->ops->indicator_scan(s, 0, copy_row, &p);
	if (!ret && p.cur.data && p.cur.len)
		ret = push(&p);
	pthread_mutex_lock(&p.lock);
	p.done = true;
	pthread_cond_broadcast(&p.cond);
	pthread_mutex_unlock(&p.lock);
	pthread_join(th, NULL);
	if (!ret)
		ret = p.err;
	free(p.cur.data);
	for (size_t i = 0; i < p.count; i++)
		free(p.q[(p.head + i) % BATCHES].data);
	for (size_t i = 0; i < p.nspare; i++)
		free(p.spare[i]);
	f->a = p.f.a;
	f->acap = p.f.acap;
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.cond);
	return ret;
}

/* Everything in the store, read inside the caller's read transaction. */
static int read_base(oe_store *s, oe_match_layer **out, size_t *n)
{
	feed f = {0};
	int ret = oe_match_builder_new(false, oe_now(), &f.b);
	if (ret)
		return ret;
	if (!(ret = add_orgs(s, f.b)) && !(ret = scan_pipelined(s, &f)))
		*n = oe_match_builder_count(f.b, NULL);
	free(f.a);
	if (ret) {
		oe_match_builder_free(f.b);
		return ret;
	}
	return oe_match_builder_finish(f.b, out);
}

int oe_svc_match_load(oe_store *s, oe_match_snap **out)
{
	oe_match_layer *l = NULL;
	size_t n;
	int ret = s->ops->begin_read(s);
	if (ret)
		return ret;
	ret = read_base(s, &l, &n);
	s->ops->commit(s);
	if (!ret)
		ret = oe_match_snap_new(l, NULL, out);
	oe_match_layer_unref(l);
	return ret;
}

/* ---- the delta ---------------------------------------------------------- */

static void items_clear(oe_svc_matcher *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->items[i]);
	free(m->items);
	m->items = NULL;
	m->nitems = m->cap = 0;
}

static int items_put(oe_svc_matcher *m, item *it)
{
	if ((m->nitems + 1) * 2 > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 1024;
		item **t = calloc(nc, sizeof(*t));
		if (!t)
			return OE_ENOMEM;
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->items[i])
				continue;
			size_t k = (size_t)m->items[i]->id * 0x9e3779b97f4a7c15ull & (nc - 1);
			while (t[k])
				k = (k + 1) & (nc - 1);
			t[k] = m->items[i];
		}
		free(m->items);
		m->items = t;
		m->cap = nc;
	}
	size_t k = (size_t)it->id * 0x9e3779b97f4a7c15ull & (m->cap - 1);
	while (m->items[k] && m->items[k]->id != it->id)
		k = (k + 1) & (m->cap - 1);
	if (m->items[k])
		free(m->items[k]);
	else
		m->nitems++;
	m->items[k] = it;
	return 0;
}

/* A changed row, copied into one allocation and kept by id. */
static int keep_row(void *arg, const oe_scan_row *row)
{
	oe_svc_matcher *m = arg;
	size_t bytes = sizeof(item) + row->n * sizeof(oe_match_assertion) + row->len + 1;
	for (size_t i = 0; i < row->n; i++)
		bytes += row->a[i].tags_len;
	item *it = malloc(bytes);
	if (!it)
		return OE_ENOMEM;
	it->id = row->id;
	it->type = (oe_itype)row->type;
	it->len = row->len;
	it->n = row->n;
	it->a = (oe_match_assertion *)(it + 1);
	char *p = (char *)(it->a + row->n);
	for (size_t i = 0; i < row->n; i++) {
		const oe_scan_assertion *s = &row->a[i];
		it->a[i] = (oe_match_assertion){.org_id = s->org_id,
						.tlp = s->tlp,
						.confidence = s->confidence,
						.valid_until = s->valid_until,
						.revoked = s->revoked,
						.group_id = s->group_id,
						.tags = s->tags_len ? p : NULL,
						.tags_len = s->tags_len};
		if (s->tags_len)
			memcpy(p, s->tags, s->tags_len);
		p += s->tags_len;
	}
	it->value = p;
	memcpy(p, row->value, row->len);
	p[row->len] = '\0';
	int ret = items_put(m, it);
	if (ret)
		free(it);
	return ret;
}

static int build_delta(oe_svc_matcher *m, oe_match_layer **out)
{
	oe_match_builder *b;
	int ret = oe_match_builder_new(true, oe_now(), &b);
	if (ret)
		return ret;
	if ((ret = add_orgs(m->store, b))) {
		oe_match_builder_free(b);
		return ret;
	}
	for (size_t i = 0; !ret && i < m->cap; i++) {
		item *it = m->items[i];
		if (it)
			ret = oe_match_builder_add(b, it->type, it->value, it->len, it->a, it->n,
						   true);
	}
	if (ret) {
		oe_match_builder_free(b);
		return ret;
	}
	return oe_match_builder_finish(b, out);
}

static int publish(oe_svc_matcher *m, oe_match_layer *delta)
{
	oe_match_snap *s;
	int ret = oe_match_snap_new(m->base, delta, &s);
	if (ret)
		return ret;
	oe_matcher_publish(m->m, s);
	return 0;
}

/* One pass: nothing when nothing changed, else a new delta or a new base. */
static int refresh(oe_svc_matcher *m, bool force_full)
{
	oe_store *s = m->store;
	oe_time t0 = oe_now();
	int64_t max_id, max_seq;
	int ret = s->ops->begin_read(s);
	if (ret)
		return ret;
	if ((ret = s->ops->indicator_marks(s, &max_id, &max_seq)))
		goto out;
	if (!force_full && max_id == m->max_id && max_seq == m->max_seq)
		goto out;
	size_t limit = m->base_n / DELTA_SHARE > DELTA_MIN ? m->base_n / DELTA_SHARE : DELTA_MIN;
	bool full = force_full || !m->base || (size_t)(max_id - m->max_id) > limit;
	if (!full) {
		ret = s->ops->indicator_scan(s, m->max_id, keep_row, m);
		if (!ret && max_seq > m->max_seq)
			ret = s->ops->indicator_scan_changed(s, m->max_seq, m->max_id, limit,
							     keep_row, m);
		if (ret == OE_ETOOBIG || (!ret && m->nitems > limit))
			full = true;
		else if (ret)
			goto out;
	}
	oe_match_layer *layer = NULL;
	if (full) {
		size_t n = 0;
		if ((ret = read_base(s, &layer, &n)))
			goto out;
		items_clear(m);
		oe_match_layer_unref(m->base);
		m->base = layer;
		m->base_n = n;
		layer = NULL;
		m->info.rebuilds++;
	} else if ((ret = build_delta(m, &layer))) {
		goto out;
	} else {
		m->info.refreshes++;
	}
	s->ops->commit(s);
	ret = publish(m, layer);
	oe_match_layer_unref(layer);
	if (ret)
		return ret;
	m->max_id = max_id;
	m->max_seq = max_seq;
	m->info.last_us = oe_now() - t0;
	m->info.delta = m->nitems;
	/* What a full read has seen is never needed again. */
	if (full && max_seq > 0 && s->ops->indicator_changes_prune(s, max_seq) != 0)
		oe_log(OE_LOG_WARN, "matcher: cannot prune the change log", NULL);
	return 0;
out:
	s->ops->commit(s);
	return ret;
}

static struct timespec deadline(long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* The one writer of snapshots, so there is no concurrent publisher. */
static _Atomic(oe_svc_matcher *) running;

static void *run(void *arg)
{
	oe_svc_matcher *m = arg;
	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		if (!m->poked) {
			struct timespec ts = deadline(OE_MATCH_REFRESH_MS);
			pthread_cond_timedwait(&m->wake, &m->lock, &ts);
		}
		m->poked = false;
		if (m->stop)
			break;
		pthread_mutex_unlock(&m->lock);
		/* Read after taking the count: every write counted is in what
		 * the refresh reads. */
		uint64_t w = oe_store_writes();
		int ret = refresh(m, false);
		if (ret)
			oe_log(OE_LOG_ERROR, "matcher: refresh failed", "{s:s}", "error",
			       oe_strerror(ret));
		pthread_mutex_lock(&m->lock);
		if (!ret && w > m->synced) {
			m->synced = w;
			pthread_cond_broadcast(&m->done);
		}
	}
	pthread_cond_broadcast(&m->done);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

void oe_svc_match_sync(oe_node *node)
{
	oe_svc_matcher *m = atomic_load(&running);
	if (!m || !node || m->m != node->match)
		return;
	uint64_t w = oe_store_writes();
	struct timespec ts = deadline(OE_MATCH_SYNC_MS);
	pthread_mutex_lock(&m->lock);
	while (m->synced < w && !m->stop) {
		m->poked = true;
		pthread_cond_signal(&m->wake);
		if (pthread_cond_timedwait(&m->done, &m->lock, &ts) != 0)
			break;
	}
	pthread_mutex_unlock(&m->lock);
}

static void matcher_free(oe_svc_matcher *m)
{
	if (m->node && m->node->match == m->m)
		m->node->match = NULL;
	oe_matcher_free(m->m);
	oe_match_layer_unref(m->base);
	items_clear(m);
	oe_store_close(m->store);
	free(m);
}

int oe_svc_match_start(oe_node *node, oe_svc_matcher **out, char *err, size_t errcap)
{
	*out = NULL;
	oe_svc_matcher *m = calloc(1, sizeof(*m));
	if (!m)
		return OE_ENOMEM;
	int ret = oe_node_store(node, &m->store, err, errcap);
	if (ret) {
		free(m);
		return ret;
	}
	if ((ret = oe_matcher_new(&m->m))) {
		snprintf(err, errcap, "%s", oe_strerror(ret));
		matcher_free(m);
		return ret;
	}
	m->synced = oe_store_writes();
	if ((ret = refresh(m, true))) {
		snprintf(err, errcap, "cannot read the indicators: %s", oe_strerror(ret));
		matcher_free(m);
		return ret;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	pthread_cond_init(&m->done, NULL);
	m->node = node;
	node->match = m->m;
	if (pthread_create(&m->thread, NULL, run, m) != 0) {
		snprintf(err, errcap, "cannot start the refresher thread");
		pthread_mutex_destroy(&m->lock);
		pthread_cond_destroy(&m->wake);
		pthread_cond_destroy(&m->done);
		matcher_free(m);
		return OE_ENOMEM;
	}
	atomic_store(&running, m);
	*out = m;
	return 0;
}

void oe_svc_match_stop(oe_svc_matcher *m)
{
	if (!m)
		return;
	oe_svc_matcher *self = m;
	atomic_compare_exchange_strong(&running, &self, NULL);
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->wake);
	pthread_cond_destroy(&m->done);
	matcher_free(m);
}

void oe_svc_match_info_get(oe_svc_matcher *m, oe_svc_match_info *out)
{
	/* Read by the same thread that started it, or for display only. */
	*out = m ? m->info : (oe_svc_match_info){0};
}
