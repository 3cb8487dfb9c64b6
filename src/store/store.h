/* store.h - persistence behind one interface.
 *
 * The layers above see only this header: an oe_store handle and the
 * operations in oe_store_ops. SQLite (store/sqlite.c) is the embedded
 * default; a PostgreSQL backend implements the same table of operations.
 *
 * Threads: an oe_store is one connection and is used by one thread at a
 * time. The server opens one per worker thread.
 *
 * Memory: functions that return rows allocate them from the oe_arena the
 * caller passes; they stay valid until the caller clears the arena. */
#ifndef OE_STORE_H
#define OE_STORE_H

#include "core/arena.h"
#include "core/common.h"
#include "core/ioc.h"
#include "core/record.h"
#include "core/uuid.h"

/* The schema version this build writes; opening an older database migrates
 * it, a newer one is refused with OE_EVERSION. */
extern const int oe_store_schema_version;

typedef struct oe_store oe_store;

typedef struct {
	int64_t id;
	char *stix_id; /* identity--<uuid> */
	char *name;
	char *country;
} oe_org;

typedef struct {
	int64_t id;
	int64_t org_id;
	int64_t user_id; /* 0 when the key is not a user's */
	int role;	 /* oe_role */
	uint8_t hash[32];
	bool revoked;
} oe_apikey;

/* One organisation's assertion of a value: the origin's lives in the
 * indicator row itself, every other organisation's in a row of its own. */
typedef struct oe_assertion {
	int64_t org_id;
	int tlp;
	int confidence;
	const char *description;
	oe_time first_seen, last_seen, valid_until;
	bool revoked;
	oe_time created, modified;
	const char *org_stix_id, *org_name;
	const char *const *tags;
	size_t ntags;
	int64_t group_id; /* sharing group (0: none) */
	int64_t via_peer; /* the peer it came from (0: made here) */
} oe_assertion;

/* One stored indicator with what correlates with it. v holds the origin's
 * assertion as stored; the service layer rewrites it into the caller's
 * view (oe_svc_visible). */
typedef struct {
	oe_indicator_view v;
	int64_t org_id;	     /* origin organisation */
	int64_t n_orgs;	     /* organisations whose assertion the caller may see */
	int64_t n_events;    /* visible events: filled by the service */
	int64_t n_sightings; /* sum of visible counts: filled by the service */
	size_t nothers;
	oe_assertion *others;
	int64_t group_id, via_peer; /* of the origin's assertion */
	int64_t view_group;	    /* of the assertion shown (oe_svc_visible) */
} oe_indicator_row;

/* A change to one assertion; what is not set stays. */
typedef struct {
	int tlp;	      /* -1: keep */
	int confidence;	      /* -1: keep */
	bool set_description; /* description may be NULL: clear */
	const char *description;
	bool set_valid_until; /* valid_until 0: clear */
	oe_time valid_until;
	bool set_tags; /* replace the tag set (origin only) */
	char **tags;
	size_t ntags;
	int revoked;	/* -1: keep, 0 or 1 */
	bool set_group; /* group_id 0: no group */
	int64_t group_id;
} oe_indicator_patch;

typedef struct {
	int type;	   /* OE_T_NONE: any */
	const char *value; /* canonical, or NULL */
	const char *tag;   /* or NULL */
	oe_time since;	   /* modified >= since; 0: any */
	int max_tlp;	   /* -1: any */
	bool include_revoked;
	bool has_after; /* keyset cursor: rows whose uuid sorts after "after" */
	oe_uuid after;
	size_t limit;
} oe_indicator_filter;

typedef enum { OE_UPSERT_CREATED, OE_UPSERT_UPDATED, OE_UPSERT_UNCHANGED } oe_upsert_outcome;

/* One assertion as the matcher reads it (indicator_scan). */
typedef struct {
	int64_t org_id;
	int tlp, confidence;
	oe_time valid_until; /* 0: none */
	bool revoked;
	int64_t group_id; /* sharing group; 0: none */
	const char *tags; /* the organisation's tags joined by U+001F; NULL: none */
	size_t tags_len;
} oe_scan_assertion;

/* One indicator as the matcher reads it: its assertions, the origin's first. */
typedef struct {
	int64_t id;
	int type;
	const char *value;
	size_t len;
	size_t n;
	const oe_scan_assertion *a;
} oe_scan_row;

typedef int (*oe_scan_fn)(void *arg, const oe_scan_row *row);

typedef struct {
	int64_t id;
	char *uuid;
	int64_t org_id;
	char *org_name;
	char *title;
	int tlp;
	char **tags;
	size_t ntags;
	oe_time created, modified;
	int64_t *indicator_ids;
	size_t nindicators;
} oe_event_row;

typedef struct {
	int64_t id;
	int64_t indicator_id;
	int64_t org_id;
	char *org_name;
	int tlp;
	int64_t count;
	oe_time first_seen, last_seen;
	/* For TAXII (migrations/0007): the organisation's identity and
	 * country, when it was stored, the STIX id it arrived with (NULL:
	 * made here) and the peer it came from (0: none). */
	char *org_stix_id, *org_country;
	oe_time created, org_created;
	char *stix_id;
	int64_t via_peer;
} oe_sighting_row;

typedef struct {
	char *key_id;
	char *org_name;
	int role;
	char *label;
	oe_time created, revoked;
} oe_keyinfo;

/* --- reports ---------------------------------------------------------- */

/* One citizen's report as stored. Sealed data is never read into a row;
 * has_contact / has_payout say whether there is any. */
typedef struct {
	int64_t id;
	char *uuid; /* report--<uuid> */
	int category, status, tlp;
	char *lang;
	char *description; /* NULL once erased */
	oe_time occurred_at;
	char *loss_amount, *loss_currency;
	bool has_contact, has_payout;
	char *assignee;
	oe_time created, modified, due_at, triaged_at, actioned_at, closed_at, erased;
	int64_t duplicate_of; /* 0: none */
	char *duplicate_of_uuid;
	int reward_state;
	char *reward_amount, *reward_currency;
	bool overdue_logged;
	int64_t n_indicators, n_files, n_messages;
} oe_report_row;

typedef struct {
	int kind;
	char *value, *qualifier;
	int64_t indicator_id; /* 0: not understood */
} oe_report_ident_row;

typedef struct {
	int64_t id;
	int author; /* 0 reporter, 1 analyst */
	char *actor;
	char *body;
	oe_time created;
	int64_t nfiles;
} oe_report_message_row;

typedef struct {
	int64_t id, message_id;
	char sha256[65];
	char *mime, *name;
	int64_t size;
	oe_time created;
} oe_report_file_row;

typedef struct {
	oe_time at;
	char *actor, *field, *old, *new_;
} oe_report_history_row;

typedef struct {
	int64_t indicator_id;
	int source; /* 0 field, 1 text */
} oe_report_link;

typedef struct {
	int status;	/* -1: any */
	bool open_only; /* new .. actioned */
	int category;	/* -1: any */
	bool overdue;	/* open and past due at now */
	oe_time now;
	bool sort_created;	     /* newest first; else by due date, soonest first */
	int64_t after_key, after_id; /* keyset cursor: (due_at or -created, id) */
	bool has_after;
	size_t limit;
} oe_report_filter;

/* How an indicator stands in reports: for the public check and for the
 * correlations an analyst sees. Duplicates and rejected reports are left
 * out; exclude (a report id, or 0) too. */
typedef struct {
	int64_t reports;
	int64_t by_category[16];
	oe_time first, last;
	bool actioned; /* a linked report reached "actioned" */
} oe_report_stats;

/* The console's dashboard (service/dashboard.c). */
typedef struct {
	int64_t day; /* days since the epoch, UTC */
	int category;
	int64_t n;
} oe_report_day_count;

typedef struct {
	int64_t indicator_id;
	int type;
	char *value; /* canonical */
	int tlp;
	int64_t org_id; /* the origin's */
	int64_t reports;
	const char *stix_id; /* filled by the service */
} oe_report_top;

typedef struct oe_report_store_ops {
	/* A new report; sealed contact may be NULL. */
	int (*create)(oe_store *s, const oe_report_row *r, const uint8_t receipt_hash[32],
		      const uint8_t *contact, size_t contact_len, int64_t *id);
	int (*ident_add)(oe_store *s, int64_t report_id, int seq, int kind, const char *value,
			 const char *qualifier, int64_t indicator_id);
	int (*link)(oe_store *s, int64_t report_id, int64_t indicator_id, int source);
	int (*file_add)(oe_store *s, int64_t report_id, int64_t message_id, const char *sha256,
			const char *mime, int64_t size, const char *name, oe_time now);
	int (*message_add)(oe_store *s, int64_t report_id, int author, const char *actor,
			   const char *body, oe_time now, int64_t *id);
	int (*history_add)(oe_store *s, int64_t report_id, oe_time at, const char *actor,
			   const char *field, const char *old, const char *new_);
	/* The report whose receipt hashes to h; OE_ENOTFOUND. */
	int (*find_receipt)(oe_store *s, const uint8_t h[32], int64_t *id);
	/* By id, or by uuid when uuid is not NULL. */
	int (*get)(oe_store *s, int64_t id, const char *uuid, oe_arena *a, oe_report_row *out);
	int (*list)(oe_store *s, const oe_report_filter *f, oe_arena *a, oe_report_row **out,
		    size_t *n);
	/* Write status, category, tlp, assignee, times, duplicate_of and reward
	 * fields of r (by r->id). */
	int (*update)(oe_store *s, const oe_report_row *r);
	int (*idents)(oe_store *s, int64_t report_id, oe_arena *a, oe_report_ident_row **out,
		      size_t *n);
	int (*links)(oe_store *s, int64_t report_id, oe_arena *a, oe_report_link **out, size_t *n);
	int (*messages)(oe_store *s, int64_t report_id, oe_arena *a, oe_report_message_row **out,
			size_t *n);
	int (*files)(oe_store *s, int64_t report_id, oe_arena *a, oe_report_file_row **out,
		     size_t *n);
	int (*history)(oe_store *s, int64_t report_id, oe_arena *a, oe_report_history_row **out,
		       size_t *n);
	/* Sealed bytes: which is 0 for contact, 1 for payout. OE_ENOTFOUND when
	 * there are none. set with NULL clears. */
	int (*sealed_get)(oe_store *s, int64_t id, int which, oe_arena *a, uint8_t **out,
			  size_t *len);
	int (*sealed_set)(oe_store *s, int64_t id, int which, const uint8_t *data, size_t len);
	int (*stats)(oe_store *s, int64_t indicator_id, int64_t exclude, oe_report_stats *out);
	/* Open reports past due at now not logged yet: marked logged, returned. */
	int (*overdue_take)(oe_store *s, oe_time now, oe_arena *a, oe_report_row **out, size_t *n);
	/* Open and overdue reports per category (arrays of OE_RC__COUNT). */
	int (*counts)(oe_store *s, oe_time now, int64_t *open, int64_t *overdue, size_t ncat);
	/* Up to limit closed (or rejected) reports, closed before `before`, not
	 * erased yet. */
	int (*erasable)(oe_store *s, oe_time before, size_t limit, oe_arena *a, int64_t **ids,
			size_t *n);
	/* Erase a report's text, identifiers as typed, messages, sealed data and
	 * file rows; returns the sha256 of each file row removed. */
	int (*erase)(oe_store *s, int64_t id, oe_time now, oe_arena *a, char ***sha, size_t *n);
	/* How many file rows still name sha256. */
	int (*file_refs)(oe_store *s, const char *sha256, int64_t *n);

	/* The newest limit reports linked to indicator_id (duplicates and
	 * rejected ones included: the analyst sees them marked). */
	int (*by_indicator)(oe_store *s, int64_t indicator_id, size_t limit, oe_arena *a,
			    oe_report_row **out, size_t *n);
	/* Reports created since, counted per day and category. */
	int (*per_day)(oe_store *s, oe_time since, oe_arena *a, oe_report_day_count **out,
		       size_t *n);
	/* For each report created since and triaged: triaged_at - created. */
	int (*triage_times)(oe_store *s, oe_time since, oe_arena *a, int64_t **out, size_t *n);
	/* The indicators of type in most reports created since (duplicates and
	 * rejected ones left out), most first. */
	int (*top_reported)(oe_store *s, oe_time since, int type, size_t limit, oe_arena *a,
			    oe_report_top **out, size_t *n);
} oe_report_store_ops;

/* --- sharing: partner nodes and sharing groups (docs/sharing.md) --------- */

typedef struct {
	int64_t id;
	char *name;
	int64_t org_id; /* the partner's operator organisation */
	char *org_name;
	char *org_stix_id;
	char *url;	  /* NULL until we pull from it */
	bool has_key;	  /* the key to pull with is stored (sealed) */
	char *identity;	  /* learnt at the first sync */
	int64_t interval; /* seconds, 0: the default */
	oe_time created, last_attempt, last_success, next_attempt;
	char *last_error;
	int64_t errors, objects;
} oe_peer_row;

typedef struct {
	int64_t id;
	char *name;
	int64_t owner_org;
	char *owner_name;
	int64_t peer_id; /* received from this peer; 0: ours */
	oe_time created;
} oe_group_row;

typedef struct {
	int64_t org_id, peer_id; /* one of them is 0 */
	char *name;		 /* the org's or peer's name */
	char *stix_id;		 /* the org's identity (of a peer: its operator's) */
} oe_group_member;

typedef struct oe_share_store_ops {
	int (*peer_create)(oe_store *s, const char *name, int64_t org_id, oe_time now, int64_t *id);
	/* By id, or by name when name is not NULL. */
	int (*peer_get)(oe_store *s, int64_t id, const char *name, oe_arena *a, oe_peer_row *out);
	int (*peer_list)(oe_store *s, oe_arena *a, oe_peer_row **out, size_t *n);
	/* Where to pull from and with which (sealed) key. */
	int (*peer_set_remote)(oe_store *s, int64_t id, const char *url, const uint8_t *key_sealed,
			       size_t len);
	int (*peer_key)(oe_store *s, int64_t id, oe_arena *a, uint8_t **sealed, size_t *len);
	/* The outcome of a pull: error NULL on success. */
	int (*peer_status)(oe_store *s, int64_t id, oe_time attempt, const char *error,
			   oe_time next_attempt, int64_t objects);
	int (*peer_set_identity)(oe_store *s, int64_t id, const char *identity);
	int (*cursor_get)(oe_store *s, int64_t peer_id, const char *collection, oe_arena *a,
			  char **added_after);
	int (*cursor_set)(oe_store *s, int64_t peer_id, const char *collection,
			  const char *added_after);

	int (*group_create)(oe_store *s, const char *name, int64_t owner_org, int64_t peer_id,
			    oe_time now, int64_t *id);
	/* By id, or by (name, owner_org) when name is not NULL. */
	int (*group_get)(oe_store *s, int64_t id, const char *name, int64_t owner_org, oe_arena *a,
			 oe_group_row *out);
	/* Groups owned by owner_org, or every group when owner_org is 0. */
	int (*group_list)(oe_store *s, int64_t owner_org, oe_arena *a, oe_group_row **out,
			  size_t *n);
	int (*member_add)(oe_store *s, int64_t group_id, int64_t org_id, int64_t peer_id);
	int (*members)(oe_store *s, int64_t group_id, oe_arena *a, oe_group_member **out,
		       size_t *n);
	/* The groups naming org_id, and (for a peer key) those naming a peer
	 * whose operator is org_id, ascending, at most max of each. */
	int (*viewer_groups)(oe_store *s, int64_t org_id, bool peer, int64_t *groups, size_t max,
			     size_t *n, int64_t *peer_groups, size_t pmax, size_t *pn);

	/* --- what a pull from a peer writes (service/sync.c) --- */
	/* The organisation whose identity is stix_id, and what it is to us:
	 * OE_ORG_LOCAL, OE_ORG_PEER (a partner's operator) or OE_ORG_REMOTE
	 * (learnt from a peer). OE_ENOTFOUND when none. */
	int (*org_find)(oe_store *s, const char *stix_id, int64_t *org_id, int *kind);
	/* A remote organisation first learnt from peer_id. Its name is made
	 * unique when a local one has it already ("NAME (PEER)"). */
	int (*org_remote_create)(oe_store *s, const char *stix_id, const char *name,
				 const char *country, int64_t peer_id, oe_time now, int64_t *id);
	/* Give org_id (a partner's operator) its real identity stix_id, and its
	 * country when not NULL. A remote organisation that holds stix_id
	 * already (learnt through another partner) is merged into org_id;
	 * OE_ECONFLICT when a local organisation or another partner holds it. */
	int (*org_rebind)(oe_store *s, int64_t org_id, const char *stix_id, const char *country);
	/* Remove every member of a group (a received group is rewritten as its
	 * sender lists it now). */
	int (*member_clear)(oe_store *s, int64_t group_id);
	/* Remove one member (an organisation, or a peer when org_id is 0);
	 * the log then serves it a revocation of each object of the group
	 * (migrations/0007). OE_ENOTFOUND when it was none. */
	int (*member_remove)(oe_store *s, int64_t group_id, int64_t org_id, int64_t peer_id);
	/* Write org_id's assertion exactly as c says, the way its origin made
	 * it (a pull from a peer): a new assertion is created at c->modified;
	 * an existing one is replaced - tags too - only when c->modified is
	 * newer, or equal and c revokes it; otherwise UNCHANGED. The indicator
	 * row is created with c->ext_id when the value is new. */
	int (*assertion_put)(oe_store *s, const oe_ioc *c, int64_t org_id, oe_time created,
			     int64_t *id, oe_upsert_outcome *outcome);
} oe_share_store_ops;

/* What an organisation is to this node (org_find). */
enum { OE_ORG_LOCAL = 0, OE_ORG_PEER = 1, OE_ORG_REMOTE = 2 };

/* --- TAXII 2.1: the collections' log (migrations/0006_taxii.sql, 0007) --- */

/* One row of a collection's log, with the assertion as it is now. */
typedef struct {
	oe_time date_added;
	int64_t obj_key; /* first 8 bytes of the object's uuid */
	int64_t indicator_id, org_id;
	oe_time version; /* the assertion's modified time when the row was written */
	bool deleted;	 /* the assertion left the collection */
	/* Of a deleted row (0007): the marking the object had in this
	 * collection (-1: not known), and whom the row is for: 0 everyone who
	 * could see it there, > 0 that organisation only, < 0 minus the id of
	 * the only peer (a member that left the group). */
	int prior_tlp;
	int64_t audience;
	bool origin; /* the organisation is the value's origin (the indicators row) */
	/* The assertion now; false when it no longer exists (then only the
	 * fields above are set). */
	bool present;
	/* v.stix_id is left empty (the object's id is derived from org_stix_id
	 * and the value: core/stix_obj.h); v.org_* name the asserting
	 * organisation. */
	oe_indicator_view v;
	const char *org_country;
	oe_time org_created;
	int64_t group_id, via_peer; /* 0: none */
} oe_taxii_row;

/* The outcome of one POST of objects. */
typedef struct {
	char *id;
	int64_t org_id;
	oe_time created;
	int64_t total, success, failure, pending;
	char *details; /* JSON: {"successes":[...],"failures":[...],"pendings":[...]} */
} oe_taxii_status_row;

typedef struct oe_taxii_store_ops {
	/* Up to limit rows of collection scope added after `after`, in the
	 * order they were added. */
	int (*page)(oe_store *s, const char *scope, oe_time after, size_t limit, oe_arena *a,
		    oe_taxii_row **out, size_t *n);
	/* The rows of collection scope (NULL: of every collection) whose
	 * object key is one of keys[0..n) (in practice one an object, or
	 * none), oldest first; read from the index on the key (0007). */
	int (*objects)(oe_store *s, const char *scope, const int64_t *keys, size_t nkeys,
		       oe_arena *a, oe_taxii_row **out, size_t *n);
	/* Take org_id's assertion of indicator_id (object key key) out of
	 * collection scope: a row marked deleted, with the marking tlp it had
	 * there (served as a revocation to those who could see it). */
	int (*remove)(oe_store *s, const char *scope, int64_t key, int64_t indicator_id,
		      int64_t org_id, int tlp);
	/* The peers (partner nodes) whose operator organisation is org_id. */
	int (*peer_ids)(oe_store *s, int64_t org_id, int64_t *ids, size_t max, size_t *n);
	/* Store a status (and forget those created before expire). */
	int (*status_put)(oe_store *s, const oe_taxii_status_row *st, oe_time expire);
	/* OE_ENOTFOUND when there is none of that id. */
	int (*status_get)(oe_store *s, const char *id, oe_arena *a, oe_taxii_status_row *out);
} oe_taxii_store_ops;

/* --- console sign-in and the audit log (migrations/0008_sessions.sql) --- */

typedef struct {
	int64_t id, org_id;
	char *name, *org_name;
	int role;      /* oe_role */
	char *pw_hash; /* Argon2id string; NULL: no password, cannot sign in */
	bool disabled;
	uint8_t *totp_sealed; /* NULL: no second factor enrolled */
	size_t totp_len;
	bool totp_enabled; /* confirmed: sign-in needs a code */
	int64_t totp_last_step;
} oe_user_row;

typedef struct {
	int64_t id;
	oe_user_row user;
	oe_time created, last_seen;
} oe_session_row;

typedef struct {
	int64_t id;
	oe_time ts;
	char *actor, *action, *object, *detail;
	uint8_t hash[32];
	bool hash_ok; /* the stored hash has 32 bytes */
} oe_audit_row;

typedef struct {
	const char *object, *actor, *action; /* NULL: any */
	/* Only entries whose actor belongs to this organisation: "key:<id>"
	 * of one of its API keys, "user:<name>" of one of its users. 0: any. */
	int64_t org_id;
	int64_t before; /* entries with id < before; 0: from the newest */
	size_t limit;
} oe_audit_filter;

/* Called once per entry, in id order; what row points to is valid during
 * the call only. A non-zero return stops the scan and is returned. */
typedef int (*oe_audit_fn)(void *arg, const oe_audit_row *row);

typedef struct oe_auth_store_ops {
	/* By id, or by name when name is not NULL. OE_ENOTFOUND. */
	int (*user_get)(oe_store *s, int64_t id, const char *name, oe_arena *a, oe_user_row *out);
	int (*user_set_password)(oe_store *s, int64_t id, const char *pw_hash);
	int (*user_set_disabled)(oe_store *s, int64_t id, bool disabled);
	/* Store a sealed TOTP secret (NULL clears it and its last step). */
	int (*user_set_totp)(oe_store *s, int64_t id, const uint8_t *sealed, size_t len,
			     bool enabled);
	/* Record that TOTP step was used; OE_ECONFLICT when it, or a later
	 * one, was used already (a code is good once). */
	int (*totp_use)(oe_store *s, int64_t id, int64_t step);

	/* h is the keyed hash of the session's token. */
	int (*session_create)(oe_store *s, const uint8_t h[32], int64_t user_id, oe_time now,
			      const char *user_agent);
	/* The session and its user; OE_ENOTFOUND. */
	int (*session_get)(oe_store *s, const uint8_t h[32], oe_arena *a, oe_session_row *out);
	int (*session_touch)(oe_store *s, int64_t id, oe_time now);
	int (*session_delete)(oe_store *s, int64_t id);
	/* Every session of the user (password changed, disabled). */
	int (*session_delete_user)(oe_store *s, int64_t user_id);
	/* Sessions idle since before idle_before or made before created_before. */
	int (*session_prune)(oe_store *s, oe_time idle_before, oe_time created_before);

	/* Newest first, at most f->limit. */
	int (*audit_list)(oe_store *s, const oe_audit_filter *f, oe_arena *a, oe_audit_row **out,
			  size_t *n);
	/* Every entry in id order (audit verify). */
	int (*audit_scan)(oe_store *s, oe_audit_fn fn, void *arg);
} oe_auth_store_ops;
/* --- joint cases (migrations/0009_cases.sql, docs/cases.md) ------------- */

enum { OE_CASE_OPEN = 0, OE_CASE_CLOSED = 1 };
/* What a case links to (case_links.kind). */
enum { OE_CASE_LINK_REPORT = 0, OE_CASE_LINK_INDICATOR = 1, OE_CASE_LINK_EVENT = 2 };
/* What a case item is (case_items.kind). */
enum { OE_CASE_NOTE = 0, OE_CASE_TASK = 1, OE_CASE_TASK_UPDATE = 2 };

typedef struct {
	int64_t id;
	char *stix_id; /* grouping--<uuid> */
	int64_t org_id;
	char *org_name, *org_stix_id, *org_country;
	oe_time org_created;
	char *origin_node; /* the peer it came from; NULL: made here */
	char *title, *description;
	int status, tlp;
	int64_t group_id; /* 0: none */
	char *group_name;
	int64_t via_peer; /* 0: made here */
	oe_time created, modified;
} oe_case_row;

typedef struct {
	int64_t org_id;
	char *name, *country, *stix_id;
	char *node; /* the peer the organisation is at; NULL: this node */
} oe_case_participant;

typedef struct {
	int kind;
	char *ref;
} oe_case_link;

typedef struct {
	int64_t id, case_id;
	char *stix_id; /* note--<uuid> */
	int kind;
	int64_t org_id;
	char *org_name, *org_stix_id, *org_country;
	oe_time org_created;
	char *author, *text, *assignee;
	oe_time due; /* 0: none */
	bool done;
	int64_t task_id; /* of a task update */
	char *task_stix_id;
	int64_t via_peer;
	oe_time created, modified;
} oe_case_item;

typedef struct {
	oe_time ts;
	char *actor;
	char *org_name; /* NULL: none */
	char *kind, *text;
} oe_case_event;

typedef struct oe_case_store_ops {
	/* A new case (c->id set on return); its stix_id must be new. */
	int (*create)(oe_store *s, oe_case_row *c, int64_t obj_key);
	/* By id, or by stix_id when stix_id is not NULL. */
	int (*get)(oe_store *s, int64_t id, const char *stix_id, oe_arena *a, oe_case_row *out);
	/* Up to limit cases (status -1: any) in order of modified, newest
	 * first, before the key (before_mod, before_id) when has_before. */
	int (*list)(oe_store *s, int status, bool has_before, oe_time before_mod, int64_t before_id,
		    size_t limit, oe_arena *a, oe_case_row **out, size_t *n);
	/* Write title, description, status, tlp, group_id, modified and
	 * via_peer (0: made here) of c. */
	int (*update)(oe_store *s, const oe_case_row *c);
	int (*participants)(oe_store *s, int64_t case_id, oe_arena *a, oe_case_participant **out,
			    size_t *n);
	/* Make the case name exactly orgs[0..n). */
	int (*participants_set)(oe_store *s, int64_t case_id, const int64_t *orgs, size_t n);
	int (*links)(oe_store *s, int64_t case_id, oe_arena *a, oe_case_link **out, size_t *n);
	/* The cases linking to ref (a kind of OE_CASE_LINK_*), newest change
	 * first, at most limit. */
	int (*linking)(oe_store *s, int kind, const char *ref, size_t limit, oe_arena *a,
		       oe_case_row **out, size_t *n);
	/* Add (true) or remove a link; *changed says whether it did anything. */
	int (*link)(oe_store *s, int64_t case_id, int kind, const char *ref, bool add, oe_time now,
		    bool *changed);
	/* Remove every link of a kind (a received case is rewritten as sent). */
	int (*links_clear)(oe_store *s, int64_t case_id, int kind);
	/* Items of a case (kind -1: all) in id order. */
	int (*items)(oe_store *s, int64_t case_id, int kind, oe_arena *a, oe_case_item **out,
		     size_t *n);
	/* By id, or by stix_id when not NULL. */
	int (*item_get)(oe_store *s, int64_t id, const char *stix_id, oe_arena *a,
			oe_case_item *out);
	/* The update of task_id by org_id; OE_ENOTFOUND when none. */
	int (*item_update_of)(oe_store *s, int64_t task_id, int64_t org_id, oe_arena *a,
			      oe_case_item *out);
	/* A new item (it->id set on return). */
	int (*item_create)(oe_store *s, oe_case_item *it, int64_t obj_key);
	/* Write text, author, assignee, due, done and modified of it. */
	int (*item_update)(oe_store *s, const oe_case_item *it);
	int (*timeline_add)(oe_store *s, int64_t case_id, oe_time ts, const char *actor,
			    int64_t org_id, const char *kind, const char *text);
	int (*timeline)(oe_store *s, int64_t case_id, oe_arena *a, oe_case_event **out, size_t *n);
	/* Withdraw a received case (docs/cases.md, "Revocations"): it stays
	 * as a husk that holds its id, origin, peer and version (modified),
	 * marked RED and without its title or description, so that no one
	 * here sees it and no version as old is taken again; its notes,
	 * tasks, participants, links and timeline are deleted. */
	int (*withdraw)(oe_store *s, int64_t case_id);
} oe_case_store_ops;

typedef struct oe_store_ops {
	const char *name;
	void (*close)(oe_store *s);
	int (*begin)(oe_store *s);
	/* A read-only snapshot: several reads see one state and pay for the
	 * locks once. Ended with commit(). */
	int (*begin_read)(oe_store *s);
	int (*commit)(oe_store *s);
	void (*rollback)(oe_store *s);
	/* Nested atomic units inside a transaction (one event of an import). */
	int (*savepoint)(oe_store *s);
	int (*release)(oe_store *s);
	void (*rollback_to)(oe_store *s);

	int (*meta_get)(oe_store *s, const char *key, oe_arena *a, char **out);
	int (*meta_set)(oe_store *s, const char *key, const char *value);

	int (*org_create)(oe_store *s, const char *name, const char *country, const char *stix_id,
			  int64_t *id);
	int (*org_get)(oe_store *s, int64_t id, const char *name, oe_arena *a, oe_org *out);
	int (*org_list)(oe_store *s, oe_arena *a, oe_org **out, size_t *n);

	int (*user_create)(oe_store *s, int64_t org_id, const char *name, int role,
			   const char *pw_hash, int64_t *id);
	int (*key_create)(oe_store *s, const char *key_id, const uint8_t hash[32], int64_t org_id,
			  int64_t user_id, int role, const char *label);
	int (*key_get)(oe_store *s, const char *key_id, oe_apikey *out);
	int (*key_revoke)(oe_store *s, const char *key_id);
	/* Every key (never its secret or hash): id, organisation, role, label,
	 * created, revoked (0 when live). */
	int (*key_list)(oe_store *s, oe_arena *a, oe_keyinfo **out, size_t *n);

	/* Insert or merge one canonical value asserted by org_id. A new
	 * assertion takes def_tlp / def_confidence where c leaves them unset
	 * (-1). An existing assertion of the same organisation is updated with
	 * what c sets (seen times widen, tags are added, revoked only ever set).
	 * The outcome is the caller's: CREATED when its assertion is new, even
	 * if another organisation holds the value. */
	int (*indicator_upsert)(oe_store *s, const oe_ioc *c, int64_t org_id, int def_tlp,
				int def_confidence, oe_time now, int64_t *id,
				oe_upsert_outcome *outcome);
	int (*indicator_get)(oe_store *s, int64_t id, const oe_uuid *uuid, oe_arena *a,
			     oe_indicator_row *out);
	/* Rows matching f in uuid order (which says nothing of when or by whom
	 * a value was added), at most f->limit. */
	int (*indicator_list)(oe_store *s, const oe_indicator_filter *f, oe_arena *a,
			      oe_indicator_row **out, size_t *n);
	/* Change org_id's assertion of indicator id (the origin's row or the
	 * org's own). OE_ENOTFOUND when org_id has no assertion of it. */
	int (*indicator_patch)(oe_store *s, int64_t id, int64_t org_id, const oe_indicator_patch *p,
			       oe_time now);

	/* For the in-memory matcher (src/match/), which reads every indicator
	 * once and then follows changes; see migrations/0004_match.sql.
	 * The highest indicator id and change sequence number (0 when none). */
	int (*indicator_marks)(oe_store *s, int64_t *max_id, int64_t *max_seq);
	/* Every indicator with id > after_id, in id order, with every
	 * organisation's assertion and tags, one call of fn each (what fn sees
	 * is valid during the call only). Reads the tables sequentially: no
	 * allocation per row. Stops at fn's first non-zero return, returned. */
	int (*indicator_scan)(oe_store *s, int64_t after_id, oe_scan_fn fn, void *arg);
	/* The same for the indicators with id <= upto_id changed after change
	 * sequence number after_seq; OE_ETOOBIG (and no call) when more than
	 * limit indicators changed. */
	int (*indicator_scan_changed)(oe_store *s, int64_t after_seq, int64_t upto_id, size_t limit,
				      oe_scan_fn fn, void *arg);
	/* Forget changes up to sequence number upto_seq (read already). */
	int (*indicator_changes_prune)(oe_store *s, int64_t upto_seq);

	int (*event_create)(oe_store *s, const char *uuid, int64_t org_id, const char *title,
			    int tlp, char *const *tags, size_t ntags, const char *ext_id,
			    oe_time now, int64_t *id);
	/* A re-imported event: a new title (NULL keeps it) and a marking that
	 * replaces the stored one only when stricter (-1 keeps it). */
	int (*event_update)(oe_store *s, int64_t id, const char *title, int tlp, oe_time now);
	/* An event of org_id by the id its source gave it. */
	int (*event_find_ext)(oe_store *s, int64_t org_id, const char *ext_id, int64_t *id);
	int (*event_link)(oe_store *s, int64_t event_id, int64_t indicator_id);
	int (*event_get)(oe_store *s, int64_t id, const char *uuid, oe_arena *a, oe_event_row *out);
	/* Events an indicator belongs to. */
	int (*events_of)(oe_store *s, int64_t indicator_id, oe_arena *a, oe_event_row **out,
			 size_t *n);

	int (*sighting_add)(oe_store *s, int64_t indicator_id, int64_t org_id, int tlp,
			    int64_t count, oe_time first, oe_time last, oe_time now, int64_t *id);
	int (*sightings_of)(oe_store *s, int64_t indicator_id, oe_arena *a, oe_sighting_row **out,
			    size_t *n);
	/* A sighting received from peer via_peer under its STIX id: stored
	 * once (*created false when that id is here already). */
	int (*sighting_put)(oe_store *s, const char *stix_id, int64_t indicator_id, int64_t org_id,
			    int tlp, int64_t count, oe_time first, oe_time last, oe_time created,
			    int64_t via_peer, bool *stored);

	/* Append to the hash-chained audit log. */
	int (*audit)(oe_store *s, oe_time ts, const char *actor, const char *action,
		     const char *object, const char *detail);

	/* Counts for /metrics. */
	int (*stats)(oe_store *s, int64_t *indicators, int64_t *events, int64_t *sightings,
		     int64_t *orgs);

	/* Copy the write-ahead log into the database and truncate it, so that
	 * erased data leaves no copy behind. */
	int (*checkpoint)(oe_store *s);

	const oe_report_store_ops *report;
	const oe_share_store_ops *share;
	const oe_taxii_store_ops *taxii;
	const oe_auth_store_ops *auth;
	const oe_case_store_ops *cases;
} oe_store_ops;

struct oe_store {
	const oe_store_ops *ops;
};

/* End the transaction begun with begin(): committed when ret is 0, else
 * rolled back and ret returned. */
static inline int oe_store_end(oe_store *s, int ret)
{
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	return s->ops->commit(s);
}

/* Open the store of data directory dir (creating the database when create
 * is true and it does not exist). Migrates an older schema. On failure
 * returns a negative code and writes a message into err. */
int oe_store_open(const char *dir, bool create, oe_store **out, char *err, size_t errcap);
void oe_store_close(oe_store *s); /* NULL is fine */

/* How many write transactions this process has committed: whoever reads
 * the store in the background (the matcher) can tell a writer when it has
 * read as far as that writer's commit. */
uint64_t oe_store_writes(void);

/* The STIX id of an indicator: indicator--uuid5(ns, "type:value"). */
void oe_indicator_uuid(int type, const char *value, oe_uuid *u);

#endif
