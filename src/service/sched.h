/* sched.h - the server's scheduler: work that runs on a clock rather than
 * on a request (overdue reports, retention, pulls from partner nodes). Two
 * threads, each with its own store connection: the report sweep runs every
 * sweep interval however long a pull from a partner takes. */
#ifndef OE_SCHED_H
#define OE_SCHED_H

#include <stdatomic.h>

#include "node.h"

typedef struct oe_sched oe_sched;

/* The pull from partner nodes (sync/oe_sync_due, which the service layer
 * may not call itself): run on every pass with the scheduler's store and
 * a flag set when the scheduler stops; returns the seconds until it wants
 * the next pass, or -1 when it has nothing to do. Set before starting. */
typedef int64_t (*oe_sched_pull)(oe_node *node, oe_store *st, const atomic_bool *stop);
void oe_sched_set_pull(oe_sched_pull fn);

/* Start the scheduler of node; its first sweep and pull run at once. */
int oe_sched_start(oe_node *node, oe_sched **out);
/* Stop it, waiting for a running pass to end. NULL is fine. */
void oe_sched_stop(oe_sched *s);

#endif
