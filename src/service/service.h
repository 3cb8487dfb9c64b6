/* service.h - the use cases: one function per thing a user does.
 *
 * Every function takes an oe_ctx: who is asking (viewer), on which node,
 * through which store connection, with which arena for the answer.
 * Policy checks (oe_may_see), transactions and audit happen here and only
 * here; the edges (http/, cli/) parse, call, and render. */
#ifndef OE_SERVICE_H
#define OE_SERVICE_H

#include "core/buf.h"
#include "core/ioc.h"
#include "node.h"

typedef struct {
	oe_node *node;
	oe_store *store;
	oe_viewer viewer;
	const char *actor; /* for the audit log: "key:<id>", "cli" */
	oe_arena *arena;   /* answers live here */
} oe_ctx;

/* --- import and ingest ------------------------------------------------ */

typedef struct {
	size_t imported;    /* new indicators */
	size_t updated;	    /* existing indicators changed or newly correlated */
	size_t skipped;	    /* unchanged, or objects that are not indicators */
	size_t refused;	    /* listed in the set's errors */
	size_t events;	    /* events created */
	int64_t *ids;	    /* indicator id per ioc of the set (0 when refused), in the arena */
	int64_t *event_ids; /* event id per event of the set (0 when refused), in the arena */
} oe_import_result;

/* Store everything valid in set as the caller's organisation. Each event is
 * atomic: it is stored whole or refused whole (its reason added to the
 * set's errors). Loose indicators are stored one by one. Requires role
 * analyst or admin. */
int oe_svc_import(oe_ctx *c, oe_import_set *set, oe_import_result *r);

/* --- indicators --------------------------------------------------------- */

/* Apply the caller's view to a row: false when the caller may not see it;
 * otherwise true, with what the caller may not see blanked. */
bool oe_svc_visible(const oe_viewer *v, oe_indicator_row *row);

typedef struct {
	oe_indicator_row row;
	const char *warninglist;
	/* The caller's own organisation's assertion, live or not (the view may
	 * show another one while the caller's is revoked); has_own false when
	 * the caller's organisation has none. */
	bool has_own;
	oe_assertion own;
	oe_event_row *events;
	size_t nevents;
	oe_sighting_row *sightings;
	size_t nsightings;
} oe_indicator_detail;

/* id is "indicator--<uuid>". OE_ENOTFOUND when absent or not visible. */
int oe_svc_indicator_get(oe_ctx *c, const char *id, oe_indicator_detail *out);
/* Up to f->limit visible rows after the cursor in f. On return f holds
 * the cursor of the next page and *more says whether there is one. */
int oe_svc_indicator_list(oe_ctx *c, oe_indicator_filter *f, oe_indicator_row **rows, size_t *n,
			  bool *more);

/* A list cursor as given to clients: sealed (authenticated encryption under
 * a key derived from the node's secret), so it names no row, hidden or not,
 * and cannot be forged. OE_CURSOR_LEN characters plus NUL. */
#define OE_CURSOR_LEN 75
void oe_svc_cursor_seal(const oe_node *n, const oe_uuid *after, char out[OE_CURSOR_LEN + 1]);
int oe_svc_cursor_open(const oe_node *n, const char *cursor, oe_uuid *after);
/* Change the caller's organisation's assertion of a value it can see (the
 * origin's, or the one it added): what p sets. OE_ENOTFOUND when the value
 * is not visible, OE_EPERM when the caller has no assertion of it or no
 * write role. Revoking is a change of "revoked". */
int oe_svc_indicator_patch(oe_ctx *c, const char *id, const oe_indicator_patch *p);
int oe_svc_indicator_revoke(oe_ctx *c, const char *id);

/* --- lookups ------------------------------------------------------------ */

#define OE_LOOKUP_BATCH_MAX 10000

typedef struct {
	const char *input;
	oe_itype type;	   /* OE_T_NONE when the value could not be understood */
	const char *value; /* canonical */
	const char *error; /* why it could not be understood */
	const char *warninglist;
	bool match;
	oe_indicator_row hit; /* valid when match */
} oe_lookup_result;

int oe_svc_lookup(oe_ctx *c, const char *raw, size_t len, oe_lookup_result *out);

/* --- events and sightings ------------------------------------------------ */

typedef struct {
	oe_event_row ev;
	oe_indicator_row *indicators; /* the visible ones */
	size_t n;
} oe_event_detail;

/* An event by its uuid, or by its row id when uuid is NULL. */
int oe_svc_event_get(oe_ctx *c, const char *uuid, int64_t id, oe_event_detail *out);

/* Record that the caller's organisation saw the value count times; the
 * sighting is shared under tlp (-1: the node's default). */
int oe_svc_sighting_add(oe_ctx *c, oe_itype type, const char *raw, size_t len, int tlp,
			int64_t count, oe_time first, oe_time last, int64_t *id, char *indicator_id,
			const char **why);

/* --- administration (admin.c) ------------------------------------------
 * Admins of the node's first organisation manage every organisation;
 * other admins their own. Each change is audited. */

int oe_svc_org_add(oe_ctx *c, const char *name, const char *country, char org_id[64]);
int oe_svc_org_list(oe_ctx *c, oe_org **out, size_t *n);
/* A user of organisation org (by name) with an API key for it. */
int oe_svc_user_add(oe_ctx *c, const char *org, const char *name, int role, const char *pw_hash,
		    char org_id[64], char key[OE_APIKEY_LEN + 1]);
int oe_svc_key_create(oe_ctx *c, const char *org, int role, const char *label, char org_id[64],
		      char key[OE_APIKEY_LEN + 1]);
/* OE_ENOTFOUND when no live key has that id. */
int oe_svc_key_revoke(oe_ctx *c, const char *key_id);
int oe_svc_key_list(oe_ctx *c, oe_keyinfo **out, size_t *n);

/* --- export ------------------------------------------------------------- */

typedef enum { OE_FMT_STIX, OE_FMT_MISP, OE_FMT_CSV, OE_FMT_TXT } oe_export_format;

int oe_export_format_parse(const char *s); /* -1 when unknown */

/* Parse an import body: format is "stix", "misp", "csv", "txt", or NULL to
 * sniff it from the bytes; type applies to "txt" (OE_T_NONE: detect each
 * line). Returns the parser's code; err says why for a whole-document
 * failure. */
int oe_import_parse(const char *buf, size_t len, const char *format, oe_itype type,
		    const oe_canon_opts *o, oe_import_set *set, char *err, size_t errcap);

/* Every visible live indicator matching f (limit ignored) in the format. */
int oe_svc_export(oe_ctx *c, oe_export_format fmt, const oe_indicator_filter *f, oe_buf *out);

#endif
