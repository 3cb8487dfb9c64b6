/* cases.h - joint cases ("joint operations", docs/cases.md): a case
 * gathers reports, indicators and events, tasks and notes, with a
 * timeline; it has a TLP and a sharing group and names the participating
 * organisations, this node's and partners'.
 *
 * Who sees a case is decided as for everything else: oe_may_see_in with
 * the case's TLP, origin organisation and group; one that the caller may
 * not see does not exist for it (OE_ENOTFOUND). Of what it links, only
 * what the caller may see is shown or counted. Readers read; analysts and
 * admins write: the origin organisation changes the case and its links,
 * every participant adds notes and tasks and changes tasks. Every change
 * is one transaction with its timeline entry and audit record.
 *
 * Partner nodes receive a case over TAXII as a STIX grouping with its
 * notes (core/case_stix.h); what they add comes back the same way
 * (oe_svc_case_sync_page), so both see one case. */
#ifndef OE_SVC_CASES_H
#define OE_SVC_CASES_H

#include <jansson.h>

#include "core/case_stix.h"
#include "core/taxii_env.h"
#include "service.h"
#include "sync.h"

/* Cases per list page: 50 unless asked, at most 200. */
#define OE_CASE_LIST_DEFAULT 50
#define OE_CASE_LIST_MAX     200
/* Cases one list request reads at most looking for those the caller may
 * see; past it the page ends early, with a cursor. */
#define OE_CASE_SCAN_MAX 10000
/* Ids in one request to link or unlink, of each kind. */
#define OE_CASE_LINK_BATCH 1000

typedef struct {
	const char *title;
	const char *description;	 /* NULL: none */
	int tlp;			 /* -1: AMBER */
	const char *group;		 /* a sharing group of the caller's organisation, or NULL */
	const char *const *participants; /* organisation names */
	size_t nparticipants;
} oe_case_in;

/* A change of a case; what is not set stays. */
typedef struct {
	const char *title;    /* NULL: keep */
	bool set_description; /* description NULL: clear */
	const char *description;
	int status;	/* -1: keep */
	int tlp;	/* -1: keep */
	bool set_group; /* group NULL: none */
	const char *group;
	bool set_participants;
	const char *const *participants;
	size_t nparticipants;
} oe_case_patch;

/* A task as it stands: the newest word of its organisation or of any
 * participant's update of it. */
typedef struct {
	oe_case_item t; /* the task itself (its organisation, id, created) */
	const char *title, *assignee;
	oe_time due, modified;
	bool done;
} oe_case_task;

typedef struct {
	oe_case_row c;
	oe_case_participant *parts;
	size_t nparts;
	oe_report_row *reports;
	size_t nreports;
	oe_indicator_row *indicators;
	size_t nindicators;
	oe_event_row *events;
	size_t nevents;
	oe_case_task *tasks;
	size_t ntasks;
	oe_case_item *notes;
	size_t nnotes;
	oe_case_event *timeline;
	size_t ntimeline;
	size_t tasks_open;
} oe_case_detail;

/* A bad field of a request: which and why (static strings). */
typedef struct {
	const char *field, *why;
} oe_case_err;

/* OE_EINVAL with *e for bad input; OE_EPERM for a role that may not write. */
int oe_svc_case_create(oe_ctx *c, const oe_case_in *in, oe_case_detail *out, oe_case_err *e);
/* Up to limit visible cases of status (-1: any), newest change first,
 * after cursor_in (NULL: from the start); next is the cursor of the next
 * page, "" when there is none (a page may hold fewer than limit and still
 * have a next one: see OE_CASE_SCAN_MAX). */
int oe_svc_case_list(oe_ctx *c, int status, const char *cursor_in, size_t limit,
		     oe_case_detail **out, size_t *n, char next[OE_CURSOR_LEN + 1]);
/* id is "grouping--<uuid>". */
int oe_svc_case_get(oe_ctx *c, const char *id, oe_case_detail *out);
/* The cases the caller may see that link to ref (an indicator's, report's
 * or event's id; kind OE_CASE_LINK_*), newest change first, at most
 * limit: for the views of what they link to. */
int oe_svc_cases_linking(oe_ctx *c, int kind, const char *ref, size_t limit, oe_case_row **out,
			 size_t *n);
/* The origin organisation's analysts and admins only (OE_EPERM). */
int oe_svc_case_patch(oe_ctx *c, const char *id, const oe_case_patch *p, oe_case_detail *out,
		      oe_case_err *e);
/* Link (and unlink) reports, indicators and events by their API ids:
 * add[kind] / del[kind] with nadd[kind] / ndel[kind] ids, kinds
 * OE_CASE_LINK_*. Something the caller may not see, or that is not there,
 * cannot be linked (OE_EINVAL, nothing changes). Origin only. */
int oe_svc_case_link(oe_ctx *c, const char *id, const char *const *add[3], const size_t nadd[3],
		     const char *const *del[3], const size_t ndel[3], oe_case_detail *out,
		     oe_case_err *e);

typedef struct {
	const char *title; /* NULL: keep (a new task needs one) */
	bool set_assignee; /* assignee NULL: nobody */
	const char *assignee;
	bool set_due; /* due 0: none */
	oe_time due;
	int done; /* -1: keep */
} oe_case_task_in;

int oe_svc_case_task_add(oe_ctx *c, const char *id, const oe_case_task_in *in, oe_case_task *out,
			 oe_case_err *e);
int oe_svc_case_task_patch(oe_ctx *c, const char *id, const char *task_id,
			   const oe_case_task_in *in, oe_case_task *out, oe_case_err *e);
int oe_svc_case_note_add(oe_ctx *c, const char *id, const char *text, oe_case_item *out,
			 oe_case_err *e);

/* --- JSON (case_render.c): what the API and the command line print -------- */

/* {id,title,status,tlp,sharing_group,origin_org,modified,counts}. */
json_t *oe_case_summary_json(const oe_case_detail *d);
/* The whole case; node names this node (where local organisations are). */
json_t *oe_case_json(const oe_case_detail *d, const char *node);
json_t *oe_case_task_json(const oe_case_task *t);
json_t *oe_case_note_json(const oe_case_item *n);

/* --- sharing over TAXII (case_share.c) ----------------------------------- */

/* A case object of the TAXII log (a row whose indicator_id is negative,
 * migrations/0009_cases.sql), with what decides who may have it. */
typedef struct {
	int tlp;
	int64_t owner_org, group_id; /* the case's */
	int64_t via_peer;	     /* the object's: never sent back there */
	const char *id;		     /* grouping--... or note--... */
	oe_time modified;
	int64_t org_id; /* the object's organisation, whose identity goes with it */
	const char *org_stix_id, *org_name, *org_country;
	oe_time org_created;
	bool is_note;
	oe_case_row c;
	oe_case_item it; /* of a note */
} oe_case_taxii_obj;

/* The object of log row log_id; OE_ENOTFOUND when it is gone. */
int oe_svc_case_taxii_load(oe_ctx *c, int64_t log_id, oe_case_taxii_obj *out);
/* The object as the caller (c->viewer) may have it: the grouping names
 * only indicators it may see. New reference, or NULL. */
json_t *oe_svc_case_taxii_json(oe_ctx *c, const oe_case_taxii_obj *o);

/* Store the groupings and notes of a page pulled from peer_id, inside the
 * page's transaction (service/sync.c). *groups_changed is set when a
 * received group's members changed. */
int oe_svc_case_sync_page(oe_ctx *c, int64_t peer_id, const oe_env_page *p, oe_sync_counts *n,
			  bool *groups_changed);

#endif
