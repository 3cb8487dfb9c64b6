/* indicators.c - import, read, change and look up indicators, events and
 * sightings under the caller's TLP view (see service.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/uuid.h"
#include "core/warninglist.h"
#include "match/match.h"
#include "service.h"

/* Rows written per transaction in a large import: bounds the WAL and the
 * time a writer holds the lock, while keeping the per-commit cost small. */
#define IMPORT_TX_ROWS 50000

static bool can_write(const oe_viewer *v)
{
	return v->role == OE_ROLE_ANALYST || v->role == OE_ROLE_ADMIN;
}

static bool live(const oe_assertion *a, oe_time now)
{
	return !a->revoked && (!a->valid_until || a->valid_until > now);
}

/* The origin's assertion, which lives in the row itself, as an assertion. */
static oe_assertion origin_assertion(const oe_indicator_row *row)
{
	const oe_indicator_view *v = &row->v;
	return (oe_assertion){.org_id = row->org_id,
			      .tlp = v->tlp,
			      .confidence = v->confidence,
			      .description = v->description,
			      .first_seen = v->first_seen,
			      .last_seen = v->last_seen,
			      .valid_until = v->valid_until,
			      .revoked = v->revoked,
			      .created = v->created,
			      .modified = v->modified,
			      .org_stix_id = v->org_stix_id,
			      .org_name = v->org_name,
			      .tags = v->tags,
			      .ntags = v->ntags,
			      .group_id = row->group_id,
			      .via_peer = row->via_peer};
}

bool oe_svc_visible(const oe_viewer *v, oe_indicator_row *row)
{
	oe_time now = oe_now();
	oe_assertion origin = origin_assertion(row);
	bool origin_vis = oe_may_see_in(v, (oe_tlp)origin.tlp, origin.org_id, origin.group_id);
	int64_t n = origin_vis;
	const oe_assertion *best_live = NULL, *best = NULL, *own = NULL;
	for (size_t i = 0; i < row->nothers; i++) {
		const oe_assertion *o = &row->others[i];
		if (!oe_may_see_in(v, (oe_tlp)o->tlp, o->org_id, o->group_id))
			continue;
		n++;
		if (o->org_id == v->org_id && live(o, now))
			own = o;
		if (!best || o->tlp < best->tlp)
			best = o;
		if (live(o, now) && (!best_live || o->tlp < best_live->tlp))
			best_live = o;
	}
	if (!n)
		return false;
	row->n_orgs = n;
	/* The caller sees one assertion: its own organisation's when live,
	 * else the origin's when it may see it and it is live, else the
	 * widest-shared live one it may see, else whatever it may see. Nothing
	 * of an assertion it may not see is shown. */
	const oe_assertion *p = own				   ? own
				: origin_vis && live(&origin, now) ? NULL
				: best_live			   ? best_live
				: origin_vis			   ? NULL
								   : best;
	row->view_group = origin.group_id;
	if (!p)
		return true; /* the origin's own, as stored */
	row->view_group = p->group_id;
	row->v.tlp = p->tlp;
	row->v.confidence = p->confidence;
	row->v.description = p->description;
	row->v.first_seen = p->first_seen;
	row->v.last_seen = p->last_seen;
	row->v.valid_until = p->valid_until;
	row->v.revoked = p->revoked;
	row->v.tags = p->tags;
	row->v.ntags = p->ntags;
	row->v.org_name = p->org_name;
	row->v.org_stix_id = p->org_stix_id;
	row->v.created = p->created;
	row->v.modified = p->modified;
	return true;
}

static const char *warn(oe_ctx *c, oe_itype t, const char *value)
{
	return c->node->wl ? oe_warninglists_match(c->node->wl, t, value) : NULL;
}

/* def_tlp marks the value when this assertion is new and says nothing
 * itself (an event's marking); an existing assertion keeps its own. */
static int store_ioc(oe_ctx *c, const oe_ioc *ioc, int def_tlp, oe_time now, int64_t *id,
		     oe_import_result *r)
{
	oe_upsert_outcome o;
	int ret = c->store->ops->indicator_upsert(c->store, ioc, c->viewer.org_id, def_tlp,
						  c->node->cfg.default_confidence, now, id, &o);
	if (ret)
		return ret;
	if (o == OE_UPSERT_CREATED)
		r->imported++;
	else if (o == OE_UPSERT_UPDATED)
		r->updated++;
	else
		r->skipped++;
	return 0;
}

/* One import is one assertion per value: when a set names the same value
 * several times (a STIX bundle whose indicators share an address), the
 * later mentions are merged into the first and only linked, so that the
 * result does not depend on their order and a re-import changes nothing.
 * Fills dup[i] with the index of the first mention, or i itself. */
static int merge_duplicates(oe_import_set *set, int def_tlp, size_t *dup)
{
	size_t n = set->niocs, cap = 16;
	while (cap < n * 2)
		cap *= 2;
	size_t *slots = malloc(cap * sizeof(*slots));
	if (!slots)
		return OE_ENOMEM;
	memset(slots, 0xff, cap * sizeof(*slots));
	for (size_t i = 0; i < n; i++) {
		oe_ioc *c = &set->iocs[i];
		oe_indicator_uuid(c->type, c->value, &c->uuid);
		c->has_uuid = true;
		uint64_t h;
		memcpy(&h, c->uuid.b, sizeof(h));
		size_t k = (size_t)h & (cap - 1);
		dup[i] = i;
		while (slots[k] != (size_t)-1) {
			oe_ioc *f = &set->iocs[slots[k]];
			if (f->type == c->type && strcmp(f->value, c->value) == 0) {
				dup[i] = slots[k];
				break;
			}
			k = (k + 1) & (cap - 1);
		}
		if (dup[i] != i) {
			oe_ioc *f = &set->iocs[dup[i]];
			/* The strictest marking of any mention (an unmarked one counts
			 * as the default): what one mention said under RED must not
			 * come out under another mention's CLEAR. */
			if (f->tlp != c->tlp) {
				int a = f->tlp >= 0 ? f->tlp : def_tlp;
				int b = c->tlp >= 0 ? c->tlp : def_tlp;
				f->tlp = a > b ? a : b;
			}
			if (c->confidence > f->confidence)
				f->confidence = c->confidence;
			if (!f->description && c->description) {
				f->description = c->description;
				c->description = NULL;
			}
			if (c->first_seen && (!f->first_seen || c->first_seen < f->first_seen))
				f->first_seen = c->first_seen;
			if (c->last_seen > f->last_seen)
				f->last_seen = c->last_seen;
			/* The later expiry; a mention without one keeps the value live. */
			if (!c->valid_until || !f->valid_until)
				f->valid_until = 0;
			else if (c->valid_until > f->valid_until)
				f->valid_until = c->valid_until;
			f->revoked = f->revoked && c->revoked;
			for (size_t t = 0; t < c->ntags && f->ntags < OE_TAGS_MAX; t++) {
				bool have = false;
				for (size_t x = 0; x < f->ntags && !have; x++)
					have = strcmp(f->tags[x], c->tags[t]) == 0;
				if (!have) {
					char **nt = realloc(f->tags, (f->ntags + 1) * sizeof(*nt));
					if (!nt) {
						free(slots);
						return OE_ENOMEM;
					}
					f->tags = nt;
					f->tags[f->ntags++] = c->tags[t];
					c->tags[t] = NULL;
				}
			}
		} else {
			slots[k] = i;
		}
	}
	free(slots);
	return 0;
}

/* Store set->iocs[i], or only point at its first mention when that one is
 * already stored. */
static int store_one(oe_ctx *c, oe_import_set *set, const size_t *dup, size_t i, int def_tlp,
		     oe_time now, oe_import_result *r)
{
	if (dup[i] != i && r->ids[dup[i]]) {
		r->ids[i] = r->ids[dup[i]];
		r->skipped++;
		return 0;
	}
	return store_ioc(c, &set->iocs[i], def_tlp, now, &r->ids[i], r);
}

static int by_uuid(const void *a, const void *b, void *set)
{
	const oe_ioc *iocs = ((const oe_import_set *)set)->iocs;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = memcmp(iocs[x].uuid.b, iocs[y].uuid.b, 16);
	return c ? c : (x > y) - (x < y);
}

/* object: the one indicator of the set (a single POST), so that it shows
 * in that indicator's audit trail; NULL for a bigger import. */
static int audit_import(oe_ctx *c, oe_time now, const oe_import_result *r, size_t refused,
			const char *object)
{
	char detail[160];
	snprintf(detail, sizeof(detail), "imported=%zu updated=%zu skipped=%zu refused=%zu",
		 r->imported, r->updated, r->skipped, refused);
	return c->store->ops->audit(c->store, now, c->actor, "indicator.import", object, detail);
}

int oe_svc_import(oe_ctx *c, oe_import_set *set, oe_import_result *r)
{
	oe_store *s = c->store;
	memset(r, 0, sizeof(*r));
	if (!can_write(&c->viewer))
		return OE_EPERM;
	size_t ni = set->niocs ? set->niocs : 1, ne = set->nevents ? set->nevents : 1;
	r->ids = oe_arena_alloc(c->arena, ni * sizeof(int64_t));
	r->event_ids = oe_arena_alloc(c->arena, ne * sizeof(int64_t));
	size_t *dup = oe_arena_alloc(c->arena, ni * sizeof(size_t));
	if (!r->ids || !r->event_ids || !dup)
		return OE_ENOMEM;
	memset(r->ids, 0, ni * sizeof(int64_t));
	memset(r->event_ids, 0, ne * sizeof(int64_t));
	int ret = merge_duplicates(set, c->node->cfg.default_tlp, dup);
	if (ret)
		return ret;
	oe_time now = oe_now();
	ret = s->ops->begin(s);
	if (ret)
		return ret;
	size_t in_tx = 0;
	oe_import_result committed = {0}; /* what earlier batches stored */
	/* Which iocs belong to an event: those are stored with it. */
	size_t ev = 0;
	for (size_t i = 0;;) {
		while (ev < set->nevents && set->events[ev].count == 0 &&
		       !set->events[ev].keep_empty && set->events[ev].first <= i) {
			/* An event with no indicator left to store: said, not dropped. */
			oe_event_in *e = &set->events[ev++];
			oe_import_error_add(
			    set, e->ext_id ? e->ext_id : e->title,
			    "event not stored: none of its indicators could be read");
		}
		if (ev < set->nevents && set->events[ev].first == i &&
		    (set->events[ev].count > 0 || set->events[ev].keep_empty)) {
			size_t ei = ev++;
			oe_event_in *e = &set->events[ei];
			oe_import_result save = *r;
			if ((ret = s->ops->savepoint(s)))
				goto fail;
			int64_t eid = 0;
			int err = 0;
			if (e->ext_id &&
			    s->ops->event_find_ext(s, c->viewer.org_id, e->ext_id, &eid) == 0) {
				/* Our own event again: its title follows the source, its
				 * marking may tighten (never widen), its links are
				 * refreshed below. */
				err = s->ops->event_update(s, eid, e->title, e->tlp, now);
			} else {
				char us[OE_UUID_STR];
				oe_uuid u;
				oe_uuid_v4(&u);
				oe_uuid_format(&u, us);
				err = s->ops->event_create(
				    s, us, c->viewer.org_id, e->title ? e->title : "(untitled)",
				    e->tlp >= 0 ? e->tlp : c->node->cfg.default_tlp, e->tags,
				    e->ntags, e->ext_id, now, &eid);
				if (!err)
					r->events++;
			}
			/* The event's marking applies to the values it brings in, not
			 * to assertions that already exist. */
			int def_tlp = e->tlp >= 0 ? e->tlp : c->node->cfg.default_tlp;
			for (size_t k = 0; !err && k < e->count; k++) {
				err = store_one(c, set, dup, e->first + k, def_tlp, now, r);
				if (!err)
					err = s->ops->event_link(s, eid, r->ids[e->first + k]);
			}
			if (err) {
				s->ops->rollback_to(s);
				*r = save;
				memset(&r->ids[e->first], 0, e->count * sizeof(int64_t));
				oe_import_error_add(set, e->ext_id ? e->ext_id : e->title,
						    "event not stored: %s", oe_strerror(err));
				if (err == OE_EIO) {
					ret = err;
					goto fail;
				}
			} else if ((ret = s->ops->release(s))) {
				goto fail;
			} else {
				r->event_ids[ei] = eid;
			}
			in_tx += e->count;
			i = e->first + e->count;
		} else if (i < set->niocs) {
			/* A run of indicators outside events, stored in the order of
			 * their ids: the index B-tree then fills page by page instead
			 * of at random (a stable order keeps a value's first mention
			 * first). */
			size_t end = ev < set->nevents ? set->events[ev].first : set->niocs;
			if (end - i > IMPORT_TX_ROWS - in_tx)
				end = i + (IMPORT_TX_ROWS - in_tx);
			if (end <= i)
				end = i + 1;
			size_t nrun = end - i;
			size_t *order = malloc(nrun * sizeof(*order));
			if (!order) {
				ret = OE_ENOMEM;
				goto fail;
			}
			for (size_t k = 0; k < nrun; k++)
				order[k] = i + k;
			qsort_r(order, nrun, sizeof(*order), by_uuid, set);
			for (size_t k = 0; k < nrun && !ret; k++) {
				size_t x = order[k];
				ret = store_one(c, set, dup, x, c->node->cfg.default_tlp, now, r);
				if (ret == OE_ECONFLICT) {
					oe_import_error_add(set,
							    set->iocs[x].ext_id
								? set->iocs[x].ext_id
								: set->iocs[x].value,
							    "conflicts with a stored indicator");
					ret = 0;
				}
			}
			free(order);
			if (ret)
				goto fail;
			in_tx += nrun;
			i = end;
		} else {
			break; /* every indicator and event is done */
		}
		if (in_tx >= IMPORT_TX_ROWS) {
			/* Each committed batch is audited with what it stored. */
			oe_import_result batch = *r;
			batch.imported -= committed.imported;
			batch.updated -= committed.updated;
			batch.skipped -= committed.skipped;
			if ((ret = audit_import(c, now, &batch, 0, NULL)) ||
			    (ret = s->ops->commit(s)) || (ret = s->ops->begin(s)))
				goto fail;
			committed = *r;
			in_tx = 0;
		}
	}
	r->skipped += set->skipped;
	r->refused = set->nerrors + set->nerrors_dropped;
	{
		oe_import_result batch = *r;
		batch.imported -= committed.imported;
		batch.updated -= committed.updated;
		batch.skipped -= committed.skipped;
		char one[64] = "";
		if (set->niocs == 1 && r->ids && r->ids[0]) {
			oe_uuid u;
			char us[OE_UUID_STR];
			oe_indicator_uuid(set->iocs[0].type, set->iocs[0].value, &u);
			oe_uuid_format(&u, us);
			snprintf(one, sizeof(one), "indicator--%s", us);
		}
		if ((ret = audit_import(c, now, &batch, r->refused, one[0] ? one : NULL)))
			goto fail;
	}
	return s->ops->commit(s);
fail:
	s->ops->rollback(s);
	return ret;
}

static int parse_indicator_id(const char *id, oe_uuid *u)
{
	if (!id || strncmp(id, "indicator--", 11) != 0 || oe_uuid_parse(id + 11, u) != 0)
		return OE_EINVAL;
	return 0;
}

/* May the caller see that an event of organisation ev_org holds this value?
 * Only when it may see that organisation's own assertion of the value, so
 * that a GREEN event cannot reveal its author holds a value under RED.
 * origin_tlp is the origin's marking as stored (before oe_svc_visible). */
static bool link_visible(const oe_viewer *v, const oe_indicator_row *row, int origin_tlp,
			 int64_t ev_org)
{
	if (row->org_id == ev_org)
		return oe_may_see_in(v, (oe_tlp)origin_tlp, ev_org, row->group_id);
	for (size_t i = 0; i < row->nothers; i++)
		if (row->others[i].org_id == ev_org)
			return oe_may_see_in(v, (oe_tlp)row->others[i].tlp, ev_org,
					     row->others[i].group_id);
	return false;
}

int oe_svc_indicator_get(oe_ctx *c, const char *id, oe_indicator_detail *out)
{
	oe_uuid u;
	memset(out, 0, sizeof(*out));
	if (parse_indicator_id(id, &u))
		return OE_ENOTFOUND;
	int ret = c->store->ops->indicator_get(c->store, 0, &u, c->arena, &out->row);
	if (ret)
		return ret;
	int origin_tlp = out->row.v.tlp;
	if (out->row.org_id == c->viewer.org_id) {
		out->has_own = true;
		out->own = origin_assertion(&out->row);
	}
	for (size_t i = 0; i < out->row.nothers; i++)
		if (out->row.others[i].org_id == c->viewer.org_id) {
			out->has_own = true;
			out->own = out->row.others[i];
		}
	if (!oe_svc_visible(&c->viewer, &out->row))
		return OE_ENOTFOUND;
	out->warninglist = warn(c, out->row.v.type, out->row.v.value);
	out->row.v.warninglist = out->warninglist;
	oe_event_row *evs;
	oe_sighting_row *sts;
	size_t nev, nst;
	if ((ret = c->store->ops->events_of(c->store, out->row.v.id, c->arena, &evs, &nev)) ||
	    (ret = c->store->ops->sightings_of(c->store, out->row.v.id, c->arena, &sts, &nst)))
		return ret;
	/* Only what the caller may see is listed or counted. */
	out->events = oe_arena_alloc(c->arena, (nev ? nev : 1) * sizeof(*evs));
	out->sightings = oe_arena_alloc(c->arena, (nst ? nst : 1) * sizeof(*sts));
	if (!out->events || !out->sightings)
		return OE_ENOMEM;
	for (size_t i = 0; i < nev; i++)
		if (oe_may_see(&c->viewer, (oe_tlp)evs[i].tlp, evs[i].org_id) &&
		    link_visible(&c->viewer, &out->row, origin_tlp, evs[i].org_id))
			out->events[out->nevents++] = evs[i];
	for (size_t i = 0; i < nst; i++)
		if (oe_may_see(&c->viewer, (oe_tlp)sts[i].tlp, sts[i].org_id)) {
			out->sightings[out->nsightings++] = sts[i];
			out->row.n_sightings += sts[i].count;
		}
	out->row.n_events = (int64_t)out->nevents;
	return 0;
}

/* The list's filters on what the caller sees (the store prefilters only on
 * what cannot leak: type, value, modification time, the origin's tags). */
static bool passes(const oe_indicator_filter *f, const oe_indicator_row *r)
{
	if (f->max_tlp >= 0 && r->v.tlp > f->max_tlp)
		return false;
	if (!f->include_revoked && r->v.revoked)
		return false;
	if (f->since && r->v.modified < f->since)
		return false; /* the store's prefilter also counts others' changes */
	if (f->tag) {
		bool has = false;
		for (size_t i = 0; i < r->v.ntags && !has; i++)
			has = strcmp(r->v.tags[i], f->tag) == 0;
		if (!has)
			return false;
	}
	return true;
}

int oe_svc_indicator_list(oe_ctx *c, oe_indicator_filter *f, oe_indicator_row **rows, size_t *n,
			  bool *more)
{
	size_t want = f->limit, got = 0;
	oe_indicator_row *out = oe_arena_alloc(c->arena, (want ? want : 1) * sizeof(*out));
	if (!out)
		return OE_ENOMEM;
	*more = false;
	/* Rows the caller may not see are filtered here, by the one policy
	 * function; keep reading pages until the answer is full. */
	for (int rounds = 0; got < want && rounds < 64; rounds++) {
		oe_indicator_row *page;
		size_t np;
		f->limit = want - got;
		int ret = c->store->ops->indicator_list(c->store, f, c->arena, &page, &np);
		if (ret)
			return ret;
		for (size_t i = 0; i < np; i++) {
			if (!oe_uuid_parse(page[i].v.stix_id + 11, &f->after))
				f->has_after = true;
			if (oe_svc_visible(&c->viewer, &page[i]) && passes(f, &page[i])) {
				page[i].v.warninglist = warn(c, page[i].v.type, page[i].v.value);
				out[got++] = page[i];
			}
		}
		if (np < f->limit) {
			f->limit = want;
			*rows = out;
			*n = got;
			return 0; /* the end */
		}
	}
	f->limit = want;
	*rows = out;
	*n = got;
	*more = true;
	return 0;
}

/* The key of list cursors, derived from the node's secret so that no new
 * file is needed and cursors stay valid across restarts. */
static void cursor_key(const oe_node *n, uint8_t key[crypto_secretbox_KEYBYTES])
{
	crypto_kdf_derive_from_key(key, crypto_secretbox_KEYBYTES, 1, "oecursor", n->hash_key);
}

void oe_svc_cursor_seal(const oe_node *n, const oe_uuid *after, char out[OE_CURSOR_LEN + 1])
{
	uint8_t key[crypto_secretbox_KEYBYTES];
	uint8_t box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 16];
	cursor_key(n, key);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, after->b, 16, box, key);
	sodium_bin2base64(out, OE_CURSOR_LEN + 1, box, sizeof(box),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(key, sizeof(key));
}

int oe_svc_cursor_open(const oe_node *n, const char *cursor, oe_uuid *after)
{
	uint8_t key[crypto_secretbox_KEYBYTES];
	uint8_t box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 16];
	size_t len;
	if (strlen(cursor) != OE_CURSOR_LEN ||
	    sodium_base642bin(box, sizeof(box), cursor, OE_CURSOR_LEN, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof(box))
		return OE_EINVAL;
	cursor_key(n, key);
	int ret = crypto_secretbox_open_easy(after->b, box + crypto_secretbox_NONCEBYTES,
					     sizeof(box) - crypto_secretbox_NONCEBYTES, box, key);
	sodium_memzero(key, sizeof(key));
	return ret ? OE_EINVAL : 0;
}

/* The caller may change its own organisation's assertion of a value it
 * can see: the origin's, or the one it added. */
static int change(oe_ctx *c, const char *id, const oe_indicator_patch *p, const char *action)
{
	oe_store *s = c->store;
	oe_uuid u;
	if (parse_indicator_id(id, &u))
		return OE_ENOTFOUND;
	if (!can_write(&c->viewer))
		return OE_EPERM;
	int ret = s->ops->begin(s);
	if (ret)
		return ret;
	oe_indicator_row row;
	oe_time now = oe_now();
	ret = s->ops->indicator_get(s, 0, &u, c->arena, &row);
	if (!ret && !oe_svc_visible(&c->viewer, &row))
		ret = OE_ENOTFOUND;
	if (!ret) {
		ret = s->ops->indicator_patch(s, row.v.id, c->viewer.org_id, p, now);
		if (ret == OE_ENOTFOUND)
			ret = OE_EPERM; /* visible, but not an assertion of ours */
	}
	if (!ret)
		ret = s->ops->audit(s, now, c->actor, action, id, NULL);
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	return s->ops->commit(s);
}

int oe_svc_indicator_patch(oe_ctx *c, const char *id, const oe_indicator_patch *p)
{
	return change(c, id, p, "indicator.update");
}

int oe_svc_indicator_revoke(oe_ctx *c, const char *id)
{
	oe_indicator_patch p = {.tlp = -1, .confidence = -1, .revoked = 1};
	return change(c, id, &p, "indicator.revoke");
}

/* The tags of a hit, split from their U+001F-joined form into the arena. */
static int split_tags(oe_arena *a, const char *t, size_t n, const char *const **out, size_t *nt)
{
	*out = NULL;
	*nt = 0;
	if (!t || !n)
		return 0;
	size_t k = 1;
	for (size_t i = 0; i < n; i++)
		k += t[i] == '\x1f';
	const char **v = oe_arena_alloc(a, k * sizeof(*v));
	if (!v)
		return OE_ENOMEM;
	for (size_t i = 0, s = 0; i <= n; i++)
		if (i == n || t[i] == '\x1f') {
			if (!(v[(*nt)++] = oe_arena_strndup(a, t + s, i - s)))
				return OE_ENOMEM;
			s = i + 1;
		}
	*out = v;
	return 0;
}

/* The STIX id of an indicator ("indicator--" and its UUIDv5, a SHA-1 of
 * type and value) into id[64]. The same values are looked up again and
 * again (a bank checks the same bad domain for every payment to it), so
 * each thread keeps the last few: a direct-mapped cache of short values. */
#define ID_CACHE      64
#define ID_CACHE_VMAX 80

static _Thread_local struct {
	uint8_t type, len; /* len 0: empty */
	char value[ID_CACHE_VMAX];
	char id[48];
} id_cache[ID_CACHE];

static void hit_id(oe_itype t, const char *value, char id[64])
{
	size_t n = strlen(value);
	uint32_t h = (uint32_t)t * 0x9e3779b9u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)value[i]) * 0x01000193u;
	__typeof__(id_cache[0]) *e = &id_cache[(h ^ h >> 16) % ID_CACHE];
	if (e->len && e->len == n && e->type == (uint8_t)t && !memcmp(e->value, value, n)) {
		memcpy(id, e->id, sizeof(e->id));
		return;
	}
	oe_uuid u;
	oe_indicator_uuid(t, value, &u);
	memcpy(id, "indicator--", 11);
	oe_uuid_format(&u, id + 11);
	if (n && n <= ID_CACHE_VMAX) {
		e->type = (uint8_t)t;
		e->len = (uint8_t)n;
		memcpy(e->value, value, n);
		memcpy(e->id, id, sizeof(e->id));
	}
}

/* The hits of the node's matcher: copied into the arena while the
 * snapshot is held, so the answer outlives it. */
static int lookup_matcher(oe_ctx *c, oe_itype t, const char *v, oe_lookup_result *out)
{
	oe_match_hit hits[OE_MATCH_HITS_MAX];
	const oe_match_snap *snap = oe_matcher_enter(c->node->match);
	oe_match_ctx mc = {.snap = snap, .viewer = c->viewer, .now = oe_now()};
	size_t n = oe_match_value(&mc, t, v, strlen(v), hits, OE_MATCH_HITS_MAX);
	int ret = 0;
	out->hits = n ? oe_arena_alloc(c->arena, n * sizeof(*out->hits)) : NULL;
	if (n && !out->hits)
		ret = OE_ENOMEM;
	for (size_t i = 0; !ret && i < n; i++) {
		const oe_match_hit *h = &hits[i];
		oe_lookup_hit *o = &out->hits[i];
		memset(o, 0, sizeof(*o));
		o->how = oe_match_how_name(h->how);
		o->type = h->type;
		o->value = oe_arena_strndup(c->arena, oe_match_hit_value(h), h->len);
		o->tlp = h->tlp;
		o->confidence = h->confidence;
		o->valid_until = h->valid_until;
		o->org_stix_id = oe_arena_strdup(c->arena, h->org_stix_id);
		o->org_name = oe_arena_strdup(c->arena, h->org_name);
		o->n_orgs = h->n_orgs;
		if (!o->value)
			ret = OE_ENOMEM;
		else
			ret = split_tags(c->arena, h->tags, h->tags_len, &o->tags, &o->ntags);
	}
	oe_matcher_leave(c->node->match);
	if (ret)
		return ret;
	out->nhits = n;
	for (size_t i = 0; i < n; i++) {
		oe_lookup_hit *o = &out->hits[i];
		hit_id(o->type, o->value, o->id);
		/* The value looked up itself: its warning list is known. */
		o->warninglist = o->type == t && !strcmp(o->value, v) ? out->warninglist
								      : warn(c, o->type, o->value);
	}
	return 0;
}

/* Without a matcher: the stored row of the exact value, under the view. */
static int lookup_store(oe_ctx *c, oe_itype t, const char *v, oe_lookup_result *out)
{
	oe_uuid u;
	oe_indicator_uuid(t, v, &u);
	oe_indicator_row *row = oe_arena_alloc(c->arena, sizeof(*row));
	if (!row)
		return OE_ENOMEM;
	int ret = c->store->ops->indicator_get(c->store, 0, &u, c->arena, row);
	if (ret == OE_ENOTFOUND)
		return 0;
	if (ret)
		return ret;
	/* A match needs a live assertion the caller may see; the view prefers
	 * one, so a dead view means there is none. */
	if (!oe_svc_visible(&c->viewer, row) || row->v.revoked ||
	    (row->v.valid_until && row->v.valid_until < oe_now()))
		return 0;
	row->v.warninglist = out->warninglist;
	oe_lookup_hit *o = oe_arena_alloc(c->arena, sizeof(*o));
	if (!o)
		return OE_ENOMEM;
	memset(o, 0, sizeof(*o));
	o->how = "exact";
	o->type = t;
	o->value = row->v.value;
	o->row = row;
	out->hits = o;
	out->nhits = 1;
	return 0;
}

int oe_svc_lookup(oe_ctx *c, const char *raw, size_t len, oe_lookup_result *out)
{
	memset(out, 0, sizeof(*out));
	out->input = oe_arena_strndup(c->arena, raw, len);
	char buf[OE_VALUE_MAX + 1];
	oe_itype t;
	const char *why = NULL;
	if (oe_detect(raw, len, &c->node->canon, &t, buf, sizeof(buf), &why) != 0) {
		out->error = why ? why : "not a value of any known type";
		return 0;
	}
	out->type = t;
	out->value = oe_arena_strdup(c->arena, buf);
	if (!out->input || !out->value)
		return OE_ENOMEM;
	out->warninglist = warn(c, t, buf);
	int ret = c->node->match ? lookup_matcher(c, t, buf, out) : lookup_store(c, t, buf, out);
	out->match = out->nhits > 0;
	return ret;
}

int oe_svc_event_get(oe_ctx *c, const char *uuid, int64_t id, oe_event_detail *out)
{
	memset(out, 0, sizeof(*out));
	int ret = c->store->ops->event_get(c->store, id, uuid, c->arena, &out->ev);
	if (ret)
		return ret;
	if (!oe_may_see(&c->viewer, (oe_tlp)out->ev.tlp, out->ev.org_id))
		return OE_ENOTFOUND;
	out->indicators = oe_arena_alloc(c->arena, (out->ev.nindicators ? out->ev.nindicators : 1) *
						       sizeof(*out->indicators));
	if (!out->indicators)
		return OE_ENOMEM;
	for (size_t i = 0; i < out->ev.nindicators; i++) {
		oe_indicator_row *r = &out->indicators[out->n];
		ret = c->store->ops->indicator_get(c->store, out->ev.indicator_ids[i], NULL,
						   c->arena, r);
		if (ret)
			return ret;
		int origin_tlp = r->v.tlp;
		if (link_visible(&c->viewer, r, origin_tlp, out->ev.org_id) &&
		    oe_svc_visible(&c->viewer, r)) {
			r->v.warninglist = warn(c, r->v.type, r->v.value);
			out->n++;
		}
	}
	return 0;
}

/* How far in the future a sighting may say it happened: clock skew. */
#define SIGHTING_FUTURE_MAX ((oe_time)86400 * 1000000)

int oe_svc_sighting_add(oe_ctx *c, oe_itype type, const char *raw, size_t len, int tlp,
			int64_t count, oe_time first, oe_time last, int64_t *id, char *indicator_id,
			const char **why)
{
	char buf[OE_VALUE_MAX + 1];
	oe_itype t = type;
	*why = NULL;
	if (!can_write(&c->viewer))
		return OE_EPERM;
	int ret = type == OE_T_NONE
		      ? oe_detect(raw, len, &c->node->canon, &t, buf, sizeof(buf), why)
		      : oe_canon(type, raw, len, &c->node->canon, buf, sizeof(buf), why);
	if (ret)
		return OE_EINVAL;
	oe_time now = oe_now();
	if (first > now + SIGHTING_FUTURE_MAX || last > now + SIGHTING_FUTURE_MAX) {
		*why = "a sighting cannot be in the future";
		return OE_EINVAL;
	}
	oe_uuid u;
	oe_indicator_uuid(t, buf, &u);
	oe_store *s = c->store;
	if ((ret = s->ops->begin(s)))
		return ret;
	oe_indicator_row row;
	ret = s->ops->indicator_get(s, 0, &u, c->arena, &row);
	if (!ret && !oe_svc_visible(&c->viewer, &row))
		ret = OE_ENOTFOUND;
	if (!ret)
		ret = s->ops->sighting_add(s, row.v.id, c->viewer.org_id,
					   tlp >= 0 ? tlp : c->node->cfg.default_tlp, count,
					   first ? first : now, last ? last : now, now, id);
	if (!ret)
		ret = s->ops->audit(s, now, c->actor, "sighting.add", row.v.stix_id, NULL);
	if (ret) {
		s->ops->rollback(s);
		return ret;
	}
	snprintf(indicator_id, 64, "%s", row.v.stix_id);
	return s->ops->commit(s);
}
