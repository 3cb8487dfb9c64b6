/* fuzz_taxii_bundle.c - what a partner node answers the sync client: a
 * TAXII envelope of one page (and, from the same bytes, a discovery
 * document and a collection list). Beyond not crashing, whatever the parser
 * takes must hold what the importer relies on - an id derived from its
 * origin and value, a canonical value, a TLP a peer may send, bounded group
 * lists, text that renders as JSON - and must come back the same when this
 * node's TAXII server writes it out and the parser reads that again. The
 * same holds for joint cases' groupings and notes (core/case_stix.h). A
 * tombstone holds an id and a time; a sighting a CLEAR or GREEN marking,
 * a count in range and ids of the right types. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/case_stix.h"
#include "core/ioc.h"
#include "core/json.h"
#include "core/stix_obj.h"
#include "core/taxii_env.h"
#include "core/tlp.h"

static const oe_canon_opts opts = {"ID"};

static void must_json(const char *s)
{
	json_t *j = json_string(s);
	if (!j)
		abort(); /* not valid UTF-8: it could not be stored or shown */
	json_decref(j);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Object o (a new reference) as this node's TAXII server writes it, in
 * an envelope, read again by the parser into p (all of it in a). Aborts
 * when it cannot be written or read: everything the client takes, the
 * server can write, and the client read back. */
static void reread(json_t *o, oe_arena *a, oe_env_page *p)
{
	json_t *env = o ? json_pack("{s:[o]}", "objects", o) : NULL;
	char *text = env ? json_dumps(env, JSON_COMPACT) : NULL;
	json_decref(env);
	char err[256];
	if (!text || oe_env_parse(text, strlen(text), &opts, a, p, err, sizeof(err)))
		abort();
	free(text);
}

/* A tombstone: an id and a time, and written out again the same. */
static void check_tombstone(const oe_env_indicator *d)
{
	oe_uuid u;
	if (!d->revoked || d->tlp != -1 || d->value || d->group ||
	    strncmp(d->id, "indicator--", 11) || oe_uuid_parse(d->id + 11, &u) || !d->modified)
		abort();
	oe_arena a = OE_ARENA_INIT;
	oe_env_page p;
	reread(oe_stix_tombstone_json(d->id, d->modified), &a, &p);
	if (p.nindicators != 1 || !p.indicators[0].tombstone || !same(p.indicators[0].id, d->id))
		abort();
	oe_arena_clear(&a);
}

static void check_sighting(const oe_env_sighting *g)
{
	if (g->tlp < OE_TLP_CLEAR || g->tlp > OE_TLP_GREEN || g->count < 1 ||
	    g->count > OE_ENV_MAX_COUNT || g->first_seen > g->last_seen ||
	    strncmp(g->id, "sighting--", 10) || strncmp(g->of, "indicator--", 11) ||
	    strncmp(g->created_by, "identity--", 10))
		abort();
}

static void check_indicator(const oe_env_indicator *d)
{
	oe_uuid want, got;
	char canon[OE_VALUE_MAX + 1];
	const char *why;
	oe_stix_assertion_uuid(d->created_by, d->type, d->value, &want);
	if (oe_uuid_parse(d->id + 11, &got) || memcmp(want.b, got.b, 16) || d->tlp < OE_TLP_CLEAR ||
	    d->tlp > OE_TLP_AMBER_STRICT ||
	    oe_canon(d->type, d->value, strlen(d->value), &opts, canon, sizeof(canon), &why) ||
	    strcmp(canon, d->value) || d->nmembers > OE_ENV_MAX_MEMBERS ||
	    (d->group && d->tlp < OE_TLP_AMBER) || d->confidence > 100 ||
	    d->nlabels > OE_TAGS_MAX || (d->description && strlen(d->description) > OE_TEXT_MAX))
		abort();
	for (size_t i = 0; i < d->nlabels; i++)
		must_json(d->labels[i]);
	if (d->description)
		must_json(d->description);
}

/* Written by the server's renderer and read back: the same assertion. */
static void check_roundtrip(const oe_env_indicator *d)
{
	oe_indicator_view v = {.type = d->type,
			       .value = d->value,
			       .tlp = d->tlp,
			       .confidence = d->confidence,
			       .description = d->description,
			       .tags = d->labels,
			       .ntags = d->nlabels,
			       .created = d->created,
			       .modified = d->modified,
			       .first_seen = d->valid_from,
			       .valid_until = d->valid_until,
			       .org_stix_id = d->created_by,
			       .revoked = d->revoked};
	memcpy(v.stix_id, d->id, strlen(d->id) + 1);
	oe_arena a = OE_ARENA_INIT;
	oe_env_page p;
	reread(oe_stix_assertion_json(&v, d->group, d->members, d->nmembers), &a, &p);
	if (p.nindicators != 1)
		abort();
	const oe_env_indicator *e = &p.indicators[0];
	if (e->type != d->type || !same(e->value, d->value) || e->tlp != d->tlp ||
	    e->revoked != d->revoked || !same(e->id, d->id) ||
	    !same(e->created_by, d->created_by) || !same(e->group, d->group) ||
	    e->nmembers != d->nmembers || e->nlabels != d->nlabels)
		abort();
	oe_arena_clear(&a);
}

/* What the case importer relies on: bounded lists, a TLP a peer may send,
 * a group for AMBER, text that renders as JSON. */
/* A grouping's or note's tombstone: an id of its type and a version, and
 * written as this node serves one and read back, the same. */
static void check_case_tombstone(const char *id, const char *prefix, const char *by,
				 oe_time modified)
{
	if (!oe_case_stix_is_id(id, prefix) || !modified ||
	    (by && !oe_case_stix_is_id(by, "identity--")))
		abort();
	oe_arena a = OE_ARENA_INIT;
	oe_env_page p;
	reread(oe_case_stix_tombstone(id, modified), &a, &p);
	bool g = prefix[0] == 'g';
	if ((g ? p.ngroupings : p.nnotes) != 1 ||
	    !(g ? p.groupings[0].tombstone : p.notes[0].tombstone) ||
	    !same(g ? p.groupings[0].id : p.notes[0].id, id))
		abort();
	oe_arena_clear(&a);
}

static void check_case(const oe_case_stix *g)
{
	if (g->tombstone) {
		check_case_tombstone(g->id, "grouping--", g->created_by, g->modified);
		return;
	}
	if (!oe_case_stix_is_id(g->id, "grouping--") ||
	    !oe_case_stix_is_id(g->created_by, "identity--") || g->tlp < OE_TLP_CLEAR ||
	    g->tlp > OE_TLP_AMBER_STRICT || (g->tlp >= OE_TLP_AMBER && !g->group) ||
	    g->nparties > OE_CASE_PARTIES_MAX || g->nindicators > OE_CASE_LINKS_MAX ||
	    g->nmembers > OE_CASE_MEMBERS_MAX || strlen(g->title) > OE_CASE_TITLE_MAX ||
	    (g->description && strlen(g->description) > OE_CASE_TEXT_MAX) || !g->modified)
		abort();
	must_json(g->title);
	for (size_t i = 0; i < g->nparties; i++)
		must_json(g->parties[i].name);
	/* Written as this node serves it and read back: the same case. */
	oe_arena a = OE_ARENA_INIT;
	oe_env_page p;
	reread(oe_case_stix_grouping(g), &a, &p);
	if (p.ngroupings != 1)
		abort();
	const oe_case_stix *e = &p.groupings[0];
	if (!same(e->id, g->id) || !same(e->title, g->title) || e->tlp != g->tlp ||
	    e->status != g->status || e->nparties != g->nparties ||
	    e->nindicators != g->nindicators || !same(e->group, g->group) ||
	    e->modified != g->modified)
		abort();
	oe_arena_clear(&a);
}

static void check_note(const oe_case_note_stix *n)
{
	if (n->tombstone) {
		check_case_tombstone(n->id, "note--", n->created_by, n->modified);
		return;
	}
	if (!oe_case_stix_is_id(n->id, "note--") ||
	    !oe_case_stix_is_id(n->case_ref, "grouping--") || n->kind < 0 || n->kind > 2 ||
	    n->tlp > OE_TLP_AMBER_STRICT ||
	    (n->kind == OE_CASE_STIX_TASK_UPDATE && !oe_case_stix_is_id(n->task_ref, "note--")) ||
	    strlen(n->text) > OE_CASE_TEXT_MAX)
		abort();
	must_json(n->text);
	oe_arena a = OE_ARENA_INIT;
	oe_env_page p;
	reread(oe_case_stix_note(n), &a, &p);
	if (p.nnotes != 1)
		abort();
	const oe_case_note_stix *e = &p.notes[0];
	if (!same(e->id, n->id) || !same(e->text, n->text) || e->kind != n->kind ||
	    e->done != n->done || !same(e->assignee, n->assignee) || e->due != n->due ||
	    !same(e->task_ref, n->task_ref) || !same(e->case_ref, n->case_ref))
		abort();
	oe_arena_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	oe_arena a = OE_ARENA_INIT;
	oe_env_page p;
	char err[256];
	if (oe_env_parse((const char *)data, size, &opts, &a, &p, err, sizeof(err)) == 0) {
		if (p.nindicators + p.nidentities + p.nsightings + p.ngroupings + p.nnotes +
			    p.nrefused + p.skipped !=
			p.nobjects ||
		    p.nobjects > OE_ENV_MAX_OBJECTS)
			abort();
		for (size_t i = 0; i < p.nindicators; i++) {
			if (p.indicators[i].tombstone) {
				if (i < 8)
					check_tombstone(&p.indicators[i]);
				continue;
			}
			check_indicator(&p.indicators[i]);
			if (i < 8)
				check_roundtrip(&p.indicators[i]);
		}
		for (size_t i = 0; i < p.nsightings; i++)
			check_sighting(&p.sightings[i]);
		for (size_t i = 0; i < p.nidentities; i++)
			must_json(p.identities[i].name);
		for (size_t i = 0; i < p.ngroupings && i < 8; i++)
			check_case(&p.groupings[i]);
		for (size_t i = 0; i < p.nnotes && i < 8; i++)
			check_note(&p.notes[i]);
		for (size_t i = 0; i < p.nrefused && i < OE_ENV_MAX_REFUSALS; i++) {
			must_json(p.refused[i].ref);
			must_json(p.refused[i].reason);
		}
		if (p.next)
			must_json(p.next);
	}
	oe_arena_clear(&a);

	oe_env_discovery d;
	if (oe_env_discovery_parse((const char *)data, size, &a, &d, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < d.nroots; i++)
			must_json(d.roots[i]);
		if (d.has_node)
			must_json(d.node.name);
	}
	oe_arena_clear(&a);

	oe_env_collection *c;
	size_t n;
	if (oe_env_collections_parse((const char *)data, size, &a, &c, &n, err, sizeof(err)) == 0)
		for (size_t i = 0; i < n; i++) {
			must_json(c[i].id);
			must_json(c[i].title);
		}
	oe_arena_clear(&a);
	return 0;
}
