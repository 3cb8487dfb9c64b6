/* taxii.h - the TAXII 2.1 server's use cases (docs/sharing.md,
 * docs/taxii.md): the collections a caller may read, pages of their
 * objects and manifests, one object and its versions, adding objects and
 * the status of that, deleting one.
 *
 * A collection is a sharing scope: "community" (CLEAR and GREEN) for every
 * authenticated key, and one per sharing group the caller's organisation
 * (or, for a peer key, its partner node) is in (the group's AMBER and
 * AMBER+STRICT). Its members are assertions, one STIX indicator each
 * (core/stix_obj.h), read from the TAXII log (store/migrations/
 * 0006_taxii.sql) in the order they were added, rendered from the
 * assertion as it is now, and shown only when oe_may_see_in lets the
 * caller see them; a peer never gets back what came from it. Each answer
 * also carries the identity of every organisation whose indicator it
 * holds, within the page's limit.
 *
 * Answers are TAXII resources as jansson values (new references), with the
 * date_added of their first and last object for the X-TAXII-Date-Added-*
 * headers. */
#ifndef OE_SVC_TAXII_H
#define OE_SVC_TAXII_H

#include <jansson.h>

#include "core/taxii_query.h"
#include "service.h"

/* The largest POST body: a client sends more in several requests. Bounds
 * the memory one request holds (the envelope is read as one tree). */
#define OE_TAXII_MAX_CONTENT (16 * 1024 * 1024)
/* Log rows one request reads at most while looking for objects the
 * caller may see; past it the answer says "more" and where to go on. */
#define OE_TAXII_SCAN_MAX 20000
/* Sightings served beside one indicator, the newest: a value sighted
 * thousands of times does not fill a page alone. */
#define OE_TAXII_SIGHTINGS_MAX 20

typedef struct {
	char id[40];	/* a uuid, stable for a node and scope */
	char scope[32]; /* "community" or "group:<id>" */
	int64_t group_id;
	const char *title, *description, *alias; /* alias may be NULL */
	bool can_read, can_write;
} oe_taxii_collection;

/* The collections the caller may read, community first, then by group. */
int oe_svc_taxii_collections(oe_ctx *c, oe_taxii_collection **out, size_t *n);
/* One of them by its id (or alias); OE_ENOTFOUND when the caller has no
 * such collection. */
int oe_svc_taxii_collection(oe_ctx *c, const char *id, oe_taxii_collection *out);

typedef struct {
	json_t *body;	     /* the resource (new reference) */
	oe_time first, last; /* date_added of the first and last entry; 0: none */
} oe_taxii_answer;

typedef enum {
	OE_TAXII_OBJECTS,  /* an envelope */
	OE_TAXII_MANIFEST, /* a manifest */
	OE_TAXII_VERSIONS  /* a versions resource (of one object) */
} oe_taxii_what;

/* GET .../objects/, .../manifest/ (object_id NULL), or .../objects/{id}/
 * and .../objects/{id}/versions/ (object_id set: OE_ENOTFOUND when the
 * caller may see no such object in the collection). OE_EINVAL with *why
 * for a `next` this node did not give for this collection. */
int oe_svc_taxii_read(oe_ctx *c, const oe_taxii_collection *col, oe_taxii_what what,
		      const char *object_id, const oe_taxii_query *q, oe_taxii_answer *out,
		      const char **why);

/* DELETE .../objects/{id}/: the object's own organisation revokes its
 * assertion (so it leaves lookups everywhere) and takes it out of the
 * collection. OE_EPERM when the caller may not write to the collection or
 * the object is another organisation's; OE_ENOTFOUND when it may not see
 * it (or the version filter matches nothing). */
int oe_svc_taxii_delete(oe_ctx *c, const oe_taxii_collection *col, const char *object_id,
			const oe_taxii_query *q);

/* POST .../objects/: the objects of envelope (the parsed body, whose
 * "objects" is an array) become the caller's organisation's assertions,
 * imported from body (len bytes, the same document) as any STIX import;
 * those AMBER or AMBER+STRICT join the collection's group, and a peer's
 * are marked as come from it. *status is the status resource, also kept
 * for GET .../status/{id}/. OE_EPERM when the caller may not write;
 * OE_EINVAL (why says it) when the objects are not STIX this node reads,
 * OE_ETOOBIG past the importer's limits. */
int oe_svc_taxii_add(oe_ctx *c, const oe_taxii_collection *col, const json_t *envelope,
		     const char *body, size_t len, json_t **status, char *why, size_t whycap);

/* GET .../status/{id}/: a status of the caller's organisation. */
int oe_svc_taxii_status(oe_ctx *c, const char *id, json_t **status);

/* The discovery and API root resources. */
json_t *oe_svc_taxii_discovery(oe_ctx *c);
json_t *oe_svc_taxii_api_root(oe_ctx *c);

#endif
