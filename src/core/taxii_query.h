/* taxii_query.h - what a TAXII 2.1 request says outside its path: the URL
 * query parameters (added_after, limit, next, match[id|type|version|
 * spec_version]) and the media types of its Accept and Content-Type
 * headers. Pure functions over strings, so they can be fuzzed alone.
 *
 * The rules are section 3.4 of the TAXII 2.1 specification: a malformed
 * parameter is an error (the server answers 400), each parameter and each
 * match field occurs at most once, several values of a match field are
 * comma-separated and ORed, "all" stands alone among versions and no
 * version keyword or timestamp repeats. Parameters and match fields the
 * specification does not define are ignored. */
#ifndef OE_TAXII_QUERY_H
#define OE_TAXII_QUERY_H

#include "common.h"

/* The answer size a client may ask for, and what it gets when it does not
 * ask: a page of 1000 indicators is about 1 MB of JSON. */
#define OE_TAXII_LIMIT_DEFAULT 1000
#define OE_TAXII_LIMIT_MAX     10000
/* Values in one match field: a client that wants more objects by id asks
 * again. Bounds the work of one request. */
#define OE_TAXII_MATCH_MAX 100
/* Bytes of one STIX id ("indicator--" and a uuid is 47) or type name. */
#define OE_TAXII_ID_MAX 128
/* Bytes of a `next` token (ours are 75). */
#define OE_TAXII_NEXT_MAX 128
/* Bytes of one parameter value as the client sent it. */
#define OE_TAXII_VALUE_MAX 16384

/* Object types a request may ask for that this server knows how to serve. */
enum {
	OE_TAXII_T_INDICATOR = 1 << 0,
	OE_TAXII_T_IDENTITY = 1 << 1,
	OE_TAXII_T_OTHER = 1 << 2,    /* any other (valid) type: matches nothing here */
	OE_TAXII_T_GROUPING = 1 << 3, /* joint cases (docs/cases.md) */
	OE_TAXII_T_NOTE = 1 << 4,
	OE_TAXII_T_SIGHTING = 1 << 5,
	OE_TAXII_T_ALL = 63
};

/* match[version] keywords. */
enum { OE_TAXII_V_LAST = 1 << 0, OE_TAXII_V_FIRST = 1 << 1, OE_TAXII_V_ALL = 1 << 2 };

typedef struct {
	bool has_added_after;
	oe_time added_after;
	bool has_limit;
	size_t limit; /* 1..OE_TAXII_LIMIT_MAX: a larger request is lowered to it */
	bool has_next;
	char next[OE_TAXII_NEXT_MAX + 1];
	/* match[id]: STIX ids ("type--uuid", the uuid in lower case). */
	size_t nids;
	char ids[OE_TAXII_MATCH_MAX][OE_TAXII_ID_MAX + 1];
	/* match[type]: OE_TAXII_T_* bits; OE_TAXII_T_ALL when absent. */
	bool has_types;
	unsigned types;
	/* match[version]: keywords and timestamps (microseconds); with none,
	 * "last" applies. */
	bool has_versions;
	unsigned version_kw;
	size_t nversions;
	oe_time versions[OE_TAXII_MATCH_MAX];
	/* match[spec_version]: whether "2.1" is among the values; true when
	 * absent (the latest is served). */
	bool has_spec_versions;
	bool spec_21;
	/* Which fields were seen, to refuse a second occurrence. */
	unsigned seen;
} oe_taxii_query;

/* An empty query: no filter, default limit. */
void oe_taxii_query_init(oe_taxii_query *q);

/* Add one parameter, name and value already URL-decoded (value may be
 * NULL for "?name" without '='). Returns 0, or OE_EINVAL with a short
 * English reason in *why (static). */
int oe_taxii_query_add(oe_taxii_query *q, const char *name, const char *value, const char **why);

/* Parse a raw query string (the part after '?', len bytes, not necessarily
 * NUL-terminated): split at '&' and the first '=', percent-decode ('+' is a
 * space), and add each parameter as above. Stops at the first error. */
int oe_taxii_query_parse(const char *qs, size_t len, oe_taxii_query *q, const char **why);

/* Does the query's match[version] / match[spec_version] / match[type] /
 * match[id] admit an object of these properties? modified is the object's
 * STIX version in microseconds; id its STIX id. */
bool oe_taxii_query_version_ok(const oe_taxii_query *q, oe_time modified);
bool oe_taxii_query_id_ok(const oe_taxii_query *q, const char *id);

/* The TAXII media type, as this server writes it. */
#define OE_TAXII_MEDIA "application/taxii+json;version=2.1"
/* The STIX media type of the objects in a collection. */
#define OE_STIX_MEDIA "application/stix+json;version=2.1"

/* May a response of TAXII 2.1 be sent to a request with this Accept header
 * (NULL: none was sent)? True when one of its media ranges is
 * application/taxii+json with no version or version 2.1, application/ or
 * star/star, with a q-value above 0. */
bool oe_taxii_accept_ok(const char *accept);
/* Is this Content-Type of a request body the TAXII 2.1 media type
 * (application/taxii+json, no version or version 2.1, any charset
 * parameter)? */
bool oe_taxii_content_type_ok(const char *ctype);

#endif
