/* match.h - the in-memory matcher: every live indicator in an immutable
 * snapshot, looked up without touching the database.
 *
 * A snapshot is one or two layers: a base built from every indicator, and
 * optionally a small delta built from the indicators changed since, whose
 * entries (or tombstones) hide the base's. Layers are immutable once built
 * and reference-counted, so a new snapshot shares the base of the old one.
 *
 * Per layer, by type:
 *   ipv4, ipv6     open-addressing tables of the address (8 and 20 bytes
 *                  a slot, at most 3/4 full);
 *   cidr           one such table per prefix length present, probed from
 *                  the longest length down;
 *   everything else (domains, URLs, e-mails, phones, ...): a table of
 *                  {offset, 32 hash bits} slots over a pool of
 *                  {descriptor, length, bytes} records.
 * Each entry names a descriptor: the value's live assertions (organisation,
 * TLP, confidence, expiry, tag set), interned, so that the million values
 * of one feed share one. That is what keeps an IPv4 entry under 16 bytes and
 * a 14-character domain under 32.
 *
 * Semantics of a hit (its "how"): exact; cidr (an address or range inside a
 * stored range, longest prefix first); parent-domain (a stored domain above
 * the value, never above the value's registrable domain by the public
 * suffix list, which is consulted only when a parent is found); url-host
 * (the host of a URL is a stored domain or address).
 *
 * Readers hold a snapshot between oe_matcher_enter() and oe_matcher_leave():
 * no lock, no shared write (liburcu's bulletproof flavour: a thread-local
 * counter), and the snapshot cannot be freed meanwhile. A publisher swaps in
 * a new snapshot with one atomic exchange and frees the old one after every
 * reader that could see it has left (an RCU grace period). */
#ifndef OE_MATCH_H
#define OE_MATCH_H

#include "core/common.h"
#include "core/indicator.h"
#include "core/tlp.h"

typedef enum {
	OE_HOW_EXACT = 0,
	OE_HOW_CIDR,
	OE_HOW_PARENT,	 /* "parent-domain" */
	OE_HOW_URL_HOST, /* "url-host" */
} oe_match_how;

/* "exact", "cidr", "parent-domain", "url-host". */
const char *oe_match_how_name(oe_match_how h);

/* ---- building ---------------------------------------------------------- */

/* One organisation's assertion of a value, as the builder takes it. */
typedef struct {
	int64_t org_id;
	int tlp, confidence;
	oe_time valid_until; /* 0: none */
	bool revoked;
	int64_t group_id; /* sharing group (oe_may_see_in); 0: none */
	const char *tags; /* joined by U+001F; NULL: none */
	size_t tags_len;
} oe_match_assertion;

typedef struct oe_match_builder oe_match_builder;
typedef struct oe_match_layer oe_match_layer;
typedef struct oe_match_snap oe_match_snap;

/* A builder of a base layer (delta false: a value with no live assertion
 * at now is left out) or of a delta layer (delta true: such a value becomes
 * a tombstone that hides the base's entry). Everything added is copied. */
int oe_match_builder_new(bool delta, oe_time now, oe_match_builder **out);
/* The organisations hits name (by id); add each once, before finish. */
int oe_match_builder_org(oe_match_builder *b, int64_t id, const char *stix_id, const char *name);
/* One indicator: canonical value of type t, its assertions (the origin's
 * first, flagged by origin_first). A value of a type the matcher does not
 * index, or one that does not parse, is counted as skipped, not an error.
 * Returns 0 or OE_ENOMEM / OE_ETOOBIG (a pool over 4 GiB). */
int oe_match_builder_add(oe_match_builder *b, oe_itype t, const char *value, size_t len,
			 const oe_match_assertion *a, size_t n, bool origin_first);
/* Values added so far, and those skipped. */
size_t oe_match_builder_count(const oe_match_builder *b, size_t *skipped);
/* Build the tables. On success *out holds one reference to the layer. The
 * builder is freed in every case. */
int oe_match_builder_finish(oe_match_builder *b, oe_match_layer **out);
void oe_match_builder_free(oe_match_builder *b); /* NULL is fine */

void oe_match_layer_ref(oe_match_layer *l);
void oe_match_layer_unref(oe_match_layer *l); /* NULL is fine */

/* A snapshot of base with delta (NULL: none) on top; takes a reference on
 * each layer. */
int oe_match_snap_new(oe_match_layer *base, oe_match_layer *delta, oe_match_snap **out);
void oe_match_snap_free(oe_match_snap *s); /* NULL is fine */

typedef struct {
	size_t entries[OE_T__COUNT]; /* live entries (tombstones not counted) */
	size_t bytes[OE_T__COUNT];   /* table and pool bytes of each type */
	size_t shared_bytes;	     /* descriptors, tag sets, organisations */
	size_t descriptors;
	size_t total;
} oe_match_stats;

/* Counts and memory of a snapshot (both layers). */
void oe_match_snap_stats(const oe_match_snap *s, oe_match_stats *st);

/* ---- lookups ----------------------------------------------------------- */

/* Most hits one value yields: an address inside many nested ranges, or a
 * deep name under many stored parents, is cut here. */
#define OE_MATCH_HITS_MAX 16

/* One hit under a viewer's view. The strings point into the snapshot (or,
 * for addresses and ranges, into buf) and stay valid while the snapshot is
 * held; read the value with oe_match_hit_value(). */
typedef struct {
	oe_itype type; /* the indicator's */
	oe_match_how how;
	const char *str; /* the indicator's canonical value; NULL: it is in buf */
	size_t len;
	/* The assertion the viewer sees, chosen as oe_svc_visible does: the
	 * viewer's own organisation's, else the origin's, else the widest
	 * shared live one it may see. */
	int tlp, confidence;
	oe_time valid_until;
	int64_t org_id;
	const char *org_stix_id, *org_name; /* NULL when the organisation is unknown */
	const char *tags;		    /* joined by U+001F; NULL: none */
	size_t tags_len;
	int n_orgs; /* live assertions the viewer may see */
	char buf[64];
} oe_match_hit;

static inline const char *oe_match_hit_value(const oe_match_hit *h)
{
	return h->str ? h->str : h->buf;
}

/* Who looks, and when: a hit needs a live assertion the viewer may see
 * (oe_may_see_in, sharing groups included), live meaning not revoked and
 * not expired at now. */
typedef struct {
	const oe_match_snap *snap;
	oe_viewer viewer;
	oe_time now;
} oe_match_ctx;

/* Look up a canonical value of type t (oe_canon's form); fills up to max
 * hits, exact first, then url-host, then cidr longest prefix first, then
 * parent domains nearest first. Returns the number of hits. */
size_t oe_match_value(const oe_match_ctx *c, oe_itype t, const char *canon, size_t len,
		      oe_match_hit *hits, size_t max);

/* The same for what the scanner hands over: an address (how is
 * OE_HOW_EXACT, or OE_HOW_URL_HOST for a URL's host), a lower-case ASCII
 * domain (its parents follow), or another canonical value of type t. */
size_t oe_match_ip4(const oe_match_ctx *c, uint32_t ip, oe_match_how how, oe_match_hit *hits,
		    size_t max);
size_t oe_match_ip6(const oe_match_ctx *c, const uint8_t ip[16], oe_match_how how,
		    oe_match_hit *hits, size_t max);
size_t oe_match_domain(const oe_match_ctx *c, const char *d, size_t len, oe_match_how how,
		       oe_match_hit *hits, size_t max);
size_t oe_match_exact(const oe_match_ctx *c, oe_itype t, const char *v, size_t len,
		      oe_match_hit *hits, size_t max);

/* Whether the snapshot holds any value of type t (scanners skip the work
 * for types it does not hold), and whether a stored URL has host h. */
bool oe_match_has(const oe_match_snap *s, oe_itype t);
bool oe_match_url_host(const oe_match_snap *s, const char *h, size_t len);

/* ---- the published snapshot --------------------------------------------- */

typedef struct oe_matcher oe_matcher;

int oe_matcher_new(oe_matcher **out);
/* Frees the matcher and its snapshot; no reader may be inside. NULL is
 * fine. */
void oe_matcher_free(oe_matcher *m);
/* Make s current (ownership taken); returns after every reader that could
 * hold the previous snapshot has left, and frees it. One publisher at a
 * time (the refresher thread). */
void oe_matcher_publish(oe_matcher *m, oe_match_snap *s);
/* Enter a read section: the current snapshot (NULL before the first
 * publish), valid until oe_matcher_leave(). Costs a thread-local counter;
 * any thread may read, sections of one thread may nest. */
const oe_match_snap *oe_matcher_enter(oe_matcher *m);
void oe_matcher_leave(oe_matcher *m);
/* How many snapshots were published: readers can wait for a change. */
uint64_t oe_matcher_generation(oe_matcher *m);
/* When the current snapshot was published (0: never). */
oe_time oe_matcher_published(oe_matcher *m);

#endif
