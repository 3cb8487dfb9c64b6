/* stix.h - STIX 2.1 in and out: bundles and TAXII envelopes to an import
 * set, indicators and their TLP 2.0 markings back to STIX objects.
 *
 * What an import takes from a document:
 *   indicator     with pattern_type "stix" (or none, as STIX 2.0 writes):
 *                 its pattern must be one comparison or an OR of
 *                 comparisons with '=' on a supported object path (see
 *                 oe_stix_pattern_parse). Each comparison becomes one
 *                 indicator sharing the object's metadata. Anything else
 *                 refuses the whole object with the reason. Indicators of
 *                 other pattern types (yara, sigma, snort...) are counted
 *                 as skipped: they are not values a node can match.
 *   observed-data the supported SCOs it points to (object_refs into the
 *                 bundle, or the deprecated embedded "objects" dict), each
 *                 one an indicator with the observed-data's markings
 *                 (or the SCO's, whichever is stricter), confidence,
 *                 first_observed and last_observed. A bad SCO is refused
 *                 alone (ref: the SCO id).
 *   report        an event holding the indicators and observed-data it
 *                 names in object_refs; indicators in no report are loose.
 *   SCOs          (ipv4-addr, domain-name, ...) standing alone or reached
 *                 only from relationships or reports are NOT imported:
 *                 an SCO is a fact ("this address exists"), not a claim
 *                 that it is bad; STIX makes that claim with an indicator,
 *                 and "we saw it" with observed-data. They count as
 *                 skipped, as do every other SDO, SRO and marking.
 * Markings: object_marking_refs naming a TLP 1.0 or 2.0 marking (standard
 * ids, or a TLP marking-definition carried in the same bundle) set the TLP;
 * with several, the strictest wins; an object without any keeps tlp -1 and
 * the importer's default applies (a report's marking does not flow to the
 * objects it names: STIX markings are per object).
 * Field mapping of an indicator: id -> ext_id, description, labels -> tags,
 * confidence, valid_from -> first_seen, valid_until, modified, revoked.
 * Labels beyond OE_TAGS_MAX or longer than OE_TAG_LEN_MAX are dropped, a
 * description longer than OE_TEXT_MAX is cut at a character boundary. */
#ifndef OE_STIX_H
#define OE_STIX_H

#include <jansson.h>

#include "ioc.h"
#include "record.h"
#include "tlp.h"

/* Objects in one document. A TAXII page is at most a few thousand; a file
 * export of a whole node is split by the exporter long before this. The
 * limit bounds the index built over the bundle (about 50 bytes an
 * object). */
#define OE_STIX_MAX_OBJECTS 1000000
/* Bytes in one pattern. The longest real patterns (an OR over a few hundred
 * addresses) are a few tens of KB. */
#define OE_STIX_PATTERN_MAX 65536
/* Comparisons ORed in one pattern; each becomes one indicator. */
#define OE_STIX_OR_MAX 1024
/* Nesting of parentheses in a pattern: with only OR allowed they change
 * nothing, so a few levels are plenty; the bound keeps recursion flat. */
#define OE_STIX_PAREN_MAX 8
/* object_refs followed from one report or observed-data. */
#define OE_STIX_MAX_REFS 100000

/* One comparison of a pattern, canonicalised. value is owned by the
 * enclosing oe_stix_terms. */
typedef struct {
	oe_itype type;
	char *value;
} oe_stix_term;

typedef struct {
	oe_stix_term *v;
	size_t n, cap;
} oe_stix_terms;

/* Frees the values and the array; leaves t empty. NULL is fine. */
void oe_stix_terms_free(oe_stix_terms *t);

/* Parse a STIX pattern (len bytes at pat, not necessarily NUL-terminated)
 * into out, which must be empty (zeroed) on entry. Accepted: '[' path '='
 * 'string' ']' comparisons joined by OR, inside one bracket or between
 * brackets, with optional parentheses. Paths: ipv4-addr:value and
 * ipv6-addr:value (address or CIDR), domain-name:value, hostname:value,
 * url:value, email-addr:value, email-message:from_ref.value and
 * sender_ref.value, file:hashes.MD5 / SHA-1 / SHA-256 (quoted or not, any
 * case), phone-number:value, bank-account:iban and :account_number,
 * cryptocurrency-wallet:value (OpenCTI's custom observables, also with its
 * older "x-opencti-" prefix). Each value goes through oe_canon. On failure
 * returns OE_EINVAL (OE_ETOOBIG past a limit, OE_ENOMEM) with a precise
 * English reason in why, and out is left empty. */
int oe_stix_pattern_parse(const char *pat, size_t len, const oe_canon_opts *o, oe_stix_terms *out,
			  char *why, size_t whycap);

/* Parse a STIX 2.x bundle, a TAXII 2.1 envelope ({"objects":[...]}) or a
 * single object (len bytes at buf) into out (see the top of this file).
 * The members of the bundle may come in any order, and a report or
 * observed-data before or after the objects it names. The document is
 * never held as one tree: besides out, memory is about 50 bytes per object,
 * what is kept of the objects reports and observed-data name, and the
 * largest single object. buf must stay valid and unchanged during the call.
 * Returns 0 when the document was read, even if objects were refused (they
 * are in out->errors); OE_EINVAL for a document that is not JSON (err:
 * "invalid JSON at line L, column C: ...", as jansson would have said of
 * the whole) or not STIX, OE_ETOOBIG past OE_JSON_MAX_DEPTH, past
 * OE_STIX_MAX_OBJECTS or when out is full, OE_ENOMEM; err says why. On an
 * error out may hold part of the document: the caller frees it. */
int oe_stix_parse(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out,
		  char *err, size_t errcap);

/* The STIX pattern of one indicator ("[ipv4-addr:value = '192.0.2.1']"),
 * with the object paths oe_stix_pattern_parse reads back. Returns 0, or
 * OE_EINVAL for OE_T_NONE, OE_ETOOBIG when cap is too small. cap of
 * 2 * OE_VALUE_MAX + 64 is always enough. */
int oe_stix_pattern_format(oe_itype t, const char *value, char *out, size_t cap);

/* A STIX 2.1 indicator SDO for v (new reference; the caller decrefs), or
 * NULL when out of memory or when v cannot be exported (no stix_id, type
 * or TLP out of range). valid_from is first_seen, else created; when
 * valid_until is not after it (at millisecond precision), valid_from is
 * moved to one millisecond before valid_until, since STIX requires the
 * order and an expiry must never be lost. */
json_t *oe_stix_indicator_json(const oe_indicator_view *v);

/* {"type":"bundle","id":"bundle--<uuid4>","objects":[]}, or NULL. */
json_t *oe_stix_bundle_new(void);
/* Append obj to the bundle's objects, taking the reference (also on
 * failure). Returns 0, OE_EINVAL (not a bundle, obj NULL) or OE_ENOMEM. */
int oe_stix_bundle_add(json_t *bundle, json_t *obj);
/* The TLP 2.0 marking-definition of t, as published in
 * oasis-open/cti-stix-common-objects (new reference), or NULL. */
json_t *oe_stix_tlp_marking_json(oe_tlp t);
/* Append the five TLP 2.0 marking definitions. Returns 0 or OE_ENOMEM. */
int oe_stix_bundle_add_tlp_markings(json_t *bundle);
/* An identity SDO for an organisation: id "identity--<uuid>", its name,
 * identity_class "organization", created = modified = created (now when 0).
 * NULL when id or name is missing or out of memory. */
json_t *oe_stix_identity_json(const char *id, const char *name, oe_time created);

#endif
