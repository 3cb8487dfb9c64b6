/* case_stix.h - joint cases as the STIX 2.1 objects nodes exchange
 * (docs/cases.md): a case is a `grouping` of its origin organisation; each
 * note, task and task update a `note` of its author's organisation whose
 * object_refs name the grouping.
 *
 *   grouping  context "suspicious-activity"; object_refs the indicators the
 *             receiver may see (their assertion ids) and the participants'
 *             identities; x_oureyes_case {"status", "participants":
 *             [{"identity","name","country"}], "indicators": [API ids]};
 *   note      content (the text, or a task's title); x_oureyes_note
 *             {"kind": "note" | "task" | "task-update", "assignee", "due",
 *             "done", "task" (the task an update is of)};
 *   both      created_by_ref, the case's TLP 2.0 marking, and
 *             x_oureyes_sharing {"group","members"} for AMBER in a group.
 *
 * Pure: structures in, jansson values out, and back; no store. A parser
 * copies every string it keeps into the arena the caller passes. */
#ifndef OE_CASE_STIX_H
#define OE_CASE_STIX_H

#include <jansson.h>

#include "arena.h"
#include "common.h"

/* Hard limits on what one case object may carry, from us or a partner. */
#define OE_CASE_TITLE_MAX   200	  /* bytes of a title */
#define OE_CASE_TEXT_MAX    10000 /* bytes of a description or a note */
#define OE_CASE_NAME_MAX    200	  /* bytes of an organisation, author or assignee name */
#define OE_CASE_PARTIES_MAX 100	  /* participating organisations */
#define OE_CASE_LINKS_MAX   1000  /* indicators named by one grouping */
#define OE_CASE_MEMBERS_MAX 1000  /* identities of x_oureyes_sharing */

typedef struct {
	const char *identity; /* identity--<uuid> */
	const char *name;
	const char *country; /* two capitals, or NULL */
} oe_case_party;

/* A case as a grouping. */
typedef struct {
	const char *id;		/* grouping--<uuid> */
	const char *created_by; /* identity of the origin */
	const char *title, *description;
	int status; /* 0 open, 1 closed */
	int tlp;
	const char *group; /* x_oureyes_sharing: NULL when none */
	const char **members;
	size_t nmembers;
	oe_time created, modified;
	oe_case_party *parties;
	size_t nparties;
	const char **refs; /* object_refs beside the parties' identities */
	size_t nrefs;
	const char **indicators; /* API ids: indicator--uuid5("type:value") */
	size_t nindicators;
	/* A revocation tombstone (docs/cases.md): only id and modified (and
	 * created_by when given) are set. */
	bool tombstone;
} oe_case_stix;

enum { OE_CASE_STIX_NOTE = 0, OE_CASE_STIX_TASK = 1, OE_CASE_STIX_TASK_UPDATE = 2 };

/* A note, task or task update as a note. */
typedef struct {
	const char *id;		/* note--<uuid> */
	const char *created_by; /* identity of the author's organisation */
	const char *case_ref;	/* the grouping */
	const char *task_ref;	/* of a task update: the task's note */
	int kind;
	const char *author; /* may be NULL */
	const char *text;
	const char *assignee; /* may be NULL */
	oe_time due;	      /* 0: none */
	bool done;
	int tlp;
	const char *group;
	const char **members;
	size_t nmembers;
	oe_time created, modified;
	bool tombstone; /* as oe_case_stix's */
} oe_case_note_stix;

/* The objects (new references), or NULL when out of memory. */
json_t *oe_case_stix_grouping(const oe_case_stix *c);
json_t *oe_case_stix_note(const oe_case_note_stix *n);

/* The revocation tombstone of a grouping or note id (docs/cases.md): what
 * a node serves in place of a case, or a note of it, that a caller held
 * and may hold no longer. Nothing of the object but its id: type,
 * spec_version, id, created and modified at `modified`, revoked: true, and
 * what STIX requires with values that say nothing (a grouping's context
 * "unspecified", object_refs the object itself; a note's empty content).
 * No x_oureyes_case or x_oureyes_note: that is how a receiver tells it
 * from an object. New reference, or NULL (out of memory, a bad id). */
json_t *oe_case_stix_tombstone(const char *id, oe_time modified);

/* Read a grouping or a note a partner sent (a tombstone sets only id,
 * modified, created_by when given, and tombstone). OE_EINVAL with why when it is
 * not one this node takes (RED, no marking, no origin, a bad id, a field
 * over its limit); OE_ENOMEM. */
int oe_case_stix_grouping_parse(const json_t *o, oe_arena *a, oe_case_stix *out, char *why,
				size_t whycap);
int oe_case_stix_note_parse(const json_t *o, oe_arena *a, oe_case_note_stix *out, char *why,
			    size_t whycap);

/* "<prefix><uuid>" and nothing else. */
bool oe_case_stix_is_id(const char *s, const char *prefix);
/* The TAXII log's key of a STIX id "<type>--<uuid>" (the first 8 bytes of
 * the uuid, as oe_stix_uuid_key); 0 when it has no uuid. */
int64_t oe_case_stix_key(const char *id);
/* Text people write: valid UTF-8 of 1..max bytes, no control characters
 * but tab and line breaks. */
bool oe_case_text_ok(const char *s, size_t max);

#endif
