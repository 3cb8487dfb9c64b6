/* sched.c - the scheduler's threads (see sched.h). */
#include "sched.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "log.h"
#include "report.h"

/* Two threads, each with its own store connection: the report sweep
 * (deadlines, retention) on its own interval, and the pulls from partner
 * nodes, which may take as long as a partner makes them; a slow partner
 * must not hold back an overdue report's alarm or an erasure the
 * retention policy owes. */
struct oe_sched {
	oe_node *node;
	pthread_t sweeper, puller;
	bool has_sweeper, has_puller;
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

/* Sleep until `seconds` from now or until the scheduler stops; false
 * when it stops. */
static bool sleep_for(oe_sched *s, int64_t seconds)
{
	pthread_mutex_lock(&s->lock);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(seconds > 0 ? seconds : 1);
	while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) != ETIMEDOUT)
		;
	bool go_on = !s->stop;
	pthread_mutex_unlock(&s->lock);
	return go_on;
}

static bool stopping(oe_sched *s)
{
	pthread_mutex_lock(&s->lock);
	bool stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static oe_store *thread_store(oe_sched *s, const char *who)
{
	oe_store *st = NULL;
	char err[512];
	if (oe_node_store(s->node, &st, err, sizeof(err)) != 0) {
		oe_log(OE_LOG_ERROR, "scheduler has no database", "{s:s,s:s}", "thread", who,
		       "error", err);
		return NULL;
	}
	return st;
}

static void *run_sweep(void *arg)
{
	oe_sched *s = arg;
	oe_store *st = thread_store(s, "sweep");
	if (!st)
		return NULL;
	do {
		pass(s, st);
	} while (sleep_for(s, s->node->cfg.sweep_interval));
	oe_store_close(st);
	return NULL;
}

static void *run_pull(void *arg)
{
	oe_sched *s = arg;
	oe_store *st = thread_store(s, "pull");
	if (!st)
		return NULL;
	while (!stopping(s)) {
		/* The pull says when it wants the next pass; with no peer, a
		 * sweep interval (a peer added meanwhile is pulled within it). */
		int64_t wait = pull_fn(s->node, st, &s->cancel);
		int64_t idle = s->node->cfg.sweep_interval;
		if (!sleep_for(s, wait >= 0 && wait < idle ? wait : idle))
			break;
	}
	oe_store_close(st);
	return NULL;
}

static void sched_free(oe_sched *s)
{
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}

int oe_sched_start(oe_node *node, oe_sched **out)
{
	oe_sched *s = calloc(1, sizeof(*s));
	if (!s)
		return OE_ENOMEM;
	s->node = node;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->has_sweeper = pthread_create(&s->sweeper, NULL, run_sweep, s) == 0;
	if (s->has_sweeper && pull_fn)
		s->has_puller = pthread_create(&s->puller, NULL, run_pull, s) == 0;
	if (!s->has_sweeper || (pull_fn && !s->has_puller)) {
		oe_sched_stop(s);
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
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (s->has_sweeper)
		pthread_join(s->sweeper, NULL);
	if (s->has_puller)
		pthread_join(s->puller, NULL);
	sched_free(s);
}
