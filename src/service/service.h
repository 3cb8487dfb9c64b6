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

/* One hit of a lookup: an indicator the value matches, how, and what the
 * caller sees of it. From the matcher (no database read) the hit holds the
 * fields the matcher keeps: id, type, value, tlp, confidence, tags,
 * valid_until, source organisation, orgs; row is then NULL. Without a
 * matcher (the command line) it is read from the store and row holds the
 * whole view. */
typedef struct {
	const char *how; /* "exact", "cidr", "parent-domain", "url-host" */
	char id[64];	 /* indicator--<uuid> */
	oe_itype type;
	const char *value;
	int tlp, confidence;
	oe_time valid_until;
	const char *org_stix_id, *org_name;
	const char *const *tags;
	size_t ntags;
	int64_t n_orgs;
	const char *warninglist; /* of the indicator's value */
	const oe_indicator_row *row;
} oe_lookup_hit;

typedef struct {
	const char *input;
	oe_itype type;	   /* OE_T_NONE when the value could not be understood */
	const char *value; /* canonical */
	const char *error; /* why it could not be understood */
	const char *warninglist;
	bool match;
	oe_lookup_hit *hits; /* in the arena: exact first, then url-host, cidr, parent-domain */
	size_t nhits;
} oe_lookup_result;

/* Look raw up: its type detected and canonicalised, then matched in the
 * node's matcher (exact, cidr, parent-domain, url-host) under the caller's
 * view, or in the store (exact only) when the node has no matcher. */
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

/* The formats an export writes (docs/blocklists.md for the block lists). */
typedef enum {
	OE_FMT_STIX,
	OE_FMT_MISP,
	OE_FMT_CSV,
	OE_FMT_TXT,
	OE_FMT_HOSTS,		/* "hosts" */
	OE_FMT_RPZ,		/* "rpz" */
	OE_FMT_RBLDNSD_IP4SET,	/* "rbldnsd-ip4set" */
	OE_FMT_RBLDNSD_IP6TRIE, /* "rbldnsd-ip6trie" */
	OE_FMT_RBLDNSD_DNSET,	/* "rbldnsd-dnset" */
	OE_FMT_SURICATA,	/* "suricata-dataset": needs one type */
	OE_FMT__COUNT
} oe_export_format;

/* Every format's name, comma-separated, for messages. */
extern const char oe_export_format_names[];
int oe_export_format_parse(const char *s); /* -1 when unknown */
const char *oe_export_format_name(oe_export_format f);
/* The HTTP Content-Type of a format. */
const char *oe_export_content_type(oe_export_format f);

/* Parse an import body: format is "stix", "misp", "csv", "txt", or NULL to
 * sniff it from the bytes; type applies to "txt" (OE_T_NONE: detect each
 * line). Returns the parser's code; err says why for a whole-document
 * failure. */
int oe_import_parse(const char *buf, size_t len, const char *format, oe_itype type,
		    const oe_canon_opts *o, oe_import_set *set, char *err, size_t errcap);

typedef struct {
	oe_export_format fmt;
	/* type, tag, since and max_tlp apply; revoked values are never
	 * exported, and the cursor and limit are the export's own. */
	oe_indicator_filter filter;
	int min_confidence;	/* -1: any */
	oe_time max_age;	/* changed within max_age of now; 0: any */
	const char *rpz_origin; /* NULL: OE_RPZ_ORIGIN_DEFAULT */
} oe_export_opts;

/* An export in progress: every visible live (not revoked, not expired)
 * indicator matching the options, read from the store one page at a time
 * so that an export of millions of rows holds one page (STIX, CSV, text,
 * block lists) or the collected values (MISP: one event) in memory. It
 * copies what it needs from the context, so it may outlive the request
 * that opened it; each step is given the store connection to read with
 * (no transaction is held between steps). */
typedef struct oe_export oe_export;

/* Check the options (role, format and type), audit the export and start
 * it. OE_EINVAL with *why (static English) for options that do not go
 * together, OE_EPERM for the public. */
int oe_svc_export_open(oe_ctx *c, const oe_export_opts *o, oe_export **out, const char **why);
/* Append the next piece (the header with the first page, the trailer with
 * the last) to out; *done is true once everything was appended. A piece
 * may be empty when a page held nothing to write. */
int oe_svc_export_next(oe_export *e, oe_store *s, oe_buf *out, bool *done);
/* Values written so far, and values of the format's types it could not
 * express (block lists: skipped, see core/blocklist.h). */
void oe_svc_export_counts(const oe_export *e, size_t *listed, size_t *skipped);
/* NULL is fine. */
void oe_svc_export_free(oe_export *e);

#endif
