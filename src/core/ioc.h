/* ioc.h - what an importer hands to the service layer: indicators and events
 * as they arrived from outside, already canonicalised, not yet stored.
 *
 * Ownership: an oe_import_set owns every string and array reachable from it;
 * oe_import_set_free() releases all of it. Parsers (STIX, MISP, CSV, text)
 * fill a set and never touch storage, so they can be fuzzed alone. */
#ifndef OE_IOC_H
#define OE_IOC_H

#include "common.h"
#include "indicator.h"
#include "uuid.h"

/* Hard limits on what one import may contain. */
#define OE_IMPORT_MAX_OBJECTS 2000000 /* indicators in one set */
#define OE_IMPORT_MAX_ERRORS  10000   /* refused objects listed; more are counted */
#define OE_TAGS_MAX	      64      /* tags on one indicator or event */
#define OE_TAG_LEN_MAX	      128     /* bytes in one tag */
#define OE_TEXT_MAX	      8192    /* description or title, bytes */

typedef struct {
	oe_itype type;
	char *value;	   /* canonical */
	int tlp;	   /* oe_tlp, or -1: not given (the importer's default applies) */
	int confidence;	   /* 0..100, or -1: not given */
	char *description; /* may be NULL */
	char **tags;
	size_t ntags;
	oe_time first_seen, last_seen, valid_until; /* 0: not given */
	char *ext_id;	  /* the id the source gave it (STIX id, MISP uuid), may be NULL */
	oe_time modified; /* the source's version time, 0 when unknown */
	bool revoked;
	/* The stored id's uuid, filled by the importer once it has computed it
	 * (uuid5 of type and value) so the store need not hash again. */
	bool has_uuid;
	oe_uuid uuid;
	/* Set by the service, never by a parser: the sharing group the
	 * assertion is scoped to and the peer it arrived from (0: none). */
	int64_t group_id, via_peer;
} oe_ioc;

typedef struct {
	char *title;
	int tlp; /* -1: not given */
	char **tags;
	size_t ntags;
	char *ext_id; /* STIX report id or MISP event uuid */
	char *org;    /* the originating organisation's name as the source named it, may be NULL */
	oe_time created;
	size_t first, count; /* its indicators are iocs[first .. first+count) of the set */
	bool keep_empty;     /* store it even with no valid indicator (an API call) */
} oe_event_in;

typedef struct {
	char *ref;    /* which object: an id, "line 12", "objects[3]" */
	char *reason; /* why it was refused */
} oe_import_error;

typedef struct {
	oe_ioc *iocs;
	size_t niocs, capiocs;
	oe_event_in *events;
	size_t nevents, capevents;
	oe_import_error *errors;
	size_t nerrors, caperrors;
	size_t nerrors_dropped; /* refused beyond OE_IMPORT_MAX_ERRORS */
	size_t skipped;		/* objects recognised but not indicators (e.g. a malware SDO) */
} oe_import_set;

void oe_import_set_init(oe_import_set *s);
/* Frees everything owned by s and leaves it empty; NULL is fine. */
void oe_import_set_free(oe_import_set *s);

/* Append a copy of *ioc (deep: strings and tags are copied). Returns 0,
 * OE_ENOMEM or OE_ETOOBIG past OE_IMPORT_MAX_OBJECTS. */
int oe_import_add_ioc(oe_import_set *s, const oe_ioc *ioc);
/* Append an event; its indicators are the iocs added after this call until
 * oe_import_end_event(). Returns 0 or OE_ENOMEM. */
int oe_import_begin_event(oe_import_set *s, const oe_event_in *ev);
void oe_import_end_event(oe_import_set *s);
/* Record a refused object (printf-style reason). Never fails: past the limit
 * it only counts. */
void oe_import_error_add(oe_import_set *s, const char *ref, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
