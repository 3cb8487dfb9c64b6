/* taxii_env.h - what a partner node answers to the TAXII 2.1 client, read
 * into plain structures: the discovery document, the collection list, and
 * one page of objects (an envelope) with each indicator's provenance
 * (created_by_ref, TLP 2.0 marking, x_oureyes_sharing, revoked, modified)
 * and the identities it names (docs/sharing.md, "STIX mapping").
 *
 * Pure: bytes in, structures out, no I/O and no store, so the parsers can
 * be fuzzed alone (fuzz/fuzz_taxii_bundle.c). Everything a parser returns
 * is allocated from the arena the caller passes and stays valid until the
 * caller clears it; on an error the arena may hold a part, which the
 * clear frees as well.
 *
 * A document that is not what TAXII says (not JSON, not an object,
 * "objects" not an array, over a limit) fails as a whole: the sync then
 * imports nothing of the page. A single object that cannot be taken (no
 * origin, no TLP marking, RED, a value that is not canonical, an id not
 * derived from its origin and value) is refused alone, with its reason,
 * and the rest of the page stands. A revoked indicator without
 * x_oureyes_value is a tombstone: it needs only an id and modified. */
#ifndef OE_TAXII_ENV_H
#define OE_TAXII_ENV_H

#include "arena.h"
#include "case_stix.h"
#include "indicator.h"
#include "uuid.h"

/* Objects in one page. We ask for far fewer (sync.page_limit); a partner
 * that sends more than this is broken or hostile, and the page is refused
 * rather than read. */
#define OE_ENV_MAX_OBJECTS 20000
/* Identities named by one x_oureyes_sharing: a group has at most this many
 * members (service/share.h, OE_GROUP_MEMBERS_MAX). */
#define OE_ENV_MAX_MEMBERS 1000
/* Refusals listed per page with their reason; more are only counted. */
#define OE_ENV_MAX_REFUSALS 100
/* Bytes of a pagination token, a name, a URL we take from a partner. */
#define OE_ENV_NEXT_MAX 1024
#define OE_ENV_NAME_MAX 200
#define OE_ENV_URL_MAX	2048
/* API roots and collections named by one partner. */
#define OE_ENV_MAX_ROOTS       16
#define OE_ENV_MAX_COLLECTIONS 1000

typedef struct {
	const char *id;	  /* identity--<uuid> */
	const char *name; /* printable, at most OE_ENV_NAME_MAX bytes */
	char country[3];  /* x_oureyes_country, "" when absent */
} oe_env_identity;

typedef struct {
	const char *id;		/* indicator--<uuid>, derived from origin and value */
	const char *created_by; /* identity--<uuid> of the origin */
	oe_itype type;
	const char *value; /* canonical */
	int tlp;	   /* CLEAR .. AMBER+STRICT; RED is refused */
	int confidence;	   /* 0..100, -1: not given */
	const char *description;
	const char **labels;
	size_t nlabels;
	oe_time created, modified, valid_from, valid_until; /* 0: not given */
	bool revoked;
	/* A revocation tombstone (core/stix_obj.h): revoked, without
	 * x_oureyes_value. Only id and modified are set (created_by when
	 * given); the receiver revokes what it holds of that id. */
	bool tombstone;
	/* x_oureyes_sharing, for AMBER and AMBER+STRICT only: the group's name
	 * (NULL: none) and its members' identity ids. */
	const char *group;
	const char **members;
	size_t nmembers;
} oe_env_indicator;

/* A STIX sighting of an indicator (docs/sharing.md): only CLEAR and GREEN
 * ones are taken. */
typedef struct {
	const char *id;		/* sighting--<uuid> */
	const char *of;		/* sighting_of_ref: indicator--<uuid> */
	const char *created_by; /* identity--<uuid> of the organisation that saw it */
	int tlp;
	int64_t count; /* 1 .. OE_ENV_MAX_COUNT */
	oe_time created, first_seen, last_seen;
} oe_env_sighting;

/* A sighting's count: STIX allows up to 999,999,999. */
#define OE_ENV_MAX_COUNT 999999999

typedef struct {
	const char *ref, *reason;
} oe_env_refusal;

typedef struct {
	oe_env_identity *identities;
	size_t nidentities;
	oe_env_indicator *indicators;
	size_t nindicators;
	/* Joint cases and their notes (core/case_stix.h). */
	oe_case_stix *groupings;
	size_t ngroupings;
	oe_case_note_stix *notes;
	size_t nnotes;
	oe_env_sighting *sightings;
	size_t nsightings;
	oe_env_refusal *refused; /* the first OE_ENV_MAX_REFUSALS */
	size_t nrefused;	 /* all of them */
	size_t skipped;		 /* objects of other types (markings, SDOs we do not keep) */
	size_t nobjects;	 /* objects in the page */
	bool more;
	const char *next; /* NULL when the partner gave none */
} oe_env_page;

/* Read one envelope (len bytes at buf). Returns 0 (objects may have been
 * refused: see out->refused); OE_EINVAL for a document that is not an
 * envelope, OE_ETOOBIG past OE_ENV_MAX_OBJECTS or the JSON depth limit,
 * OE_ENOMEM; err says why. */
int oe_env_parse(const char *buf, size_t len, const oe_canon_opts *o, oe_arena *a, oe_env_page *out,
		 char *err, size_t errcap);

typedef struct {
	const char *roots[OE_ENV_MAX_ROOTS]; /* as written: absolute or relative URLs */
	size_t nroots;
	const char *def; /* "default", or NULL */
	/* The partner's operator, when its discovery document names it: an
	 * identity object (with x_oureyes_country) at x_oureyes_identity. */
	oe_env_identity node;
	bool has_node;
} oe_env_discovery;

int oe_env_discovery_parse(const char *buf, size_t len, oe_arena *a, oe_env_discovery *out,
			   char *err, size_t errcap);

typedef struct {
	const char *id, *title;
	bool can_read, can_write;
} oe_env_collection;

/* A "collections" document; a missing list is an empty one. */
int oe_env_collections_parse(const char *buf, size_t len, oe_arena *a, oe_env_collection **out,
			     size_t *n, char *err, size_t errcap);

#endif
