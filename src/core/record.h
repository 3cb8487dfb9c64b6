/* record.h - an indicator as the store hands it out, for rendering (API JSON,
 * STIX, MISP, CSV). Borrowed view: every pointer belongs to whoever filled
 * it (usually a store row set) and stays valid until that is freed. */
#ifndef OE_RECORD_H
#define OE_RECORD_H

#include "common.h"
#include "indicator.h"

typedef struct {
	int64_t id;	  /* local row id */
	char stix_id[64]; /* "indicator--<uuid>" */
	oe_itype type;
	const char *value;	 /* canonical */
	int tlp;		 /* oe_tlp */
	int confidence;		 /* 0..100 */
	const char *description; /* may be NULL */
	const char *const *tags;
	size_t ntags;
	oe_time created, modified, first_seen, last_seen, valid_until; /* 0: unset */
	const char *org_stix_id; /* "identity--<uuid>" of the source organisation */
	const char *org_name;
	bool revoked;
	const char *warninglist; /* name of a warninglist that flags it, or NULL */
} oe_indicator_view;

#endif
