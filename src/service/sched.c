/* sched.c - the scheduler thread (see sched.h). */
#include "sched.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "log.h"
#include "report.h"

struct oe_sched {
	oe_node *node;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	atomic_bool cancel; /* set with stop: ends a pull in flight */
};

static oe_sched_pull pull_fn;

void oe_sched_set_pull(oe_sched_pull fn)
{
	pull_fn = fn;
}

static void pass(oe_sched *s, oe_store *st)
{
	oe_arena a = OE_ARENA_INIT;
	oe_ctx c = {.node = s->node,
		    .store = st,
		    .viewer = {.org_id = OE_NODE_OPERATOR_ORG, .role = OE_ROLE_ADMIN},
		    .actor = "scheduler",
		    .arena = &a};
	size_t overdue = 0, erased = 0;
	int ret = oe_svc_report_sweep(&c, oe_now(), &overdue, &erased);
	if (ret)
		oe_log(OE_LOG_ERROR, "report sweep failed", "{s:s}", "error", oe_strerror(ret));
	else if (erased)
		oe_log(OE_LOG_INFO, "reports erased by retention", "{s:I}", "reports",
		       (json_int_t)erased);
	oe_arena_clear(&a);
}

static void *run(void *arg)
{
	oe_sched *s = arg;
	oe_store *st = NULL;
	char err[512];
	if (oe_node_store(s->node, &st, err, sizeof(err)) != 0) {
		oe_log(OE_LOG_ERROR, "scheduler has no database", "{s:s}", "error", err);
		return NULL;
	}
	oe_time next_sweep = 0;
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		pthread_mutex_unlock(&s->lock);
		/* The sweep keeps its own interval; the peer pull says when it
		 * wants the next pass. */
		if (oe_now() >= next_sweep) {
			pass(s, st);
			next_sweep = oe_now() + s->node->cfg.sweep_interval * 1000000;
		}
		int64_t wait = (next_sweep - oe_now() + 999999) / 1000000;
		int64_t pw = pull_fn ? pull_fn(s->node, st, &s->cancel) : -1;
		if (pw >= 0 && pw < wait)
			wait = pw;
		pthread_mutex_lock(&s->lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(wait > 0 ? wait : 1);
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->lock);
	oe_store_close(st);
	return NULL;
}

int oe_sched_start(oe_node *node, oe_sched **out)
{
	oe_sched *s = calloc(1, sizeof(*s));
	if (!s)
		return OE_ENOMEM;
	s->node = node;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->wake);
		free(s);
		return OE_ENOMEM;
	}
	*out = s;
	return 0;
}

void oe_sched_stop(oe_sched *s)
{
	if (!s)
		return;
	atomic_store(&s->cancel, true);
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}
