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
	int revoked; /* -1: keep, 0 or 1 */
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
} oe_sighting_row;

typedef struct {
	char *key_id;
	char *org_name;
	int role;
	char *label;
	oe_time created, revoked;
} oe_keyinfo;

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

	/* Append to the hash-chained audit log. */
	int (*audit)(oe_store *s, oe_time ts, const char *actor, const char *action,
		     const char *object, const char *detail);

	/* Counts for /metrics. */
	int (*stats)(oe_store *s, int64_t *indicators, int64_t *events, int64_t *sightings,
		     int64_t *orgs);
} oe_store_ops;

struct oe_store {
	const oe_store_ops *ops;
};

/* Open the store of data directory dir (creating the database when create
 * is true and it does not exist). Migrates an older schema. On failure
 * returns a negative code and writes a message into err. */
int oe_store_open(const char *dir, bool create, oe_store **out, char *err, size_t errcap);
void oe_store_close(oe_store *s); /* NULL is fine */

/* The STIX id of an indicator: indicator--uuid5(ns, "type:value"). */
void oe_indicator_uuid(int type, const char *value, oe_uuid *u);

#endif
