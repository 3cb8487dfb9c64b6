/* test_store.c - the SQLite backend through store.h: migrations, the
 * upsert rules that make correlation work, keyset listing, events,
 * sightings, keys and the audit chain. A real database in a temp dir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tlp.h"
#include "store/store.h"
#include "store/tmpstore.h"

typedef struct {
	char dir[64];
	oe_store *s;
	int64_t org1, org2;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f || tmpstore_open("store", f->dir, &f->s))
		return -1;
	f->s->ops->org_create(f->s, "One", "ID", "identity--00000000-0000-4000-8000-000000000001",
			      &f->org1);
	f->s->ops->org_create(f->s, "Two", "MY", "identity--00000000-0000-4000-8000-000000000002",
			      &f->org2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	int ret = tmpstore_close(f->dir, f->s);
	free(f);
	return ret;
}

static oe_ioc ioc(oe_itype t, const char *v)
{
	oe_ioc c = {0};
	c.type = t;
	c.value = (char *)v;
	c.tlp = -1;
	c.confidence = -1;
	return c;
}

static void migrations(void **state)
{
	fx *f = *state;
	sqlite3 *db;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/oureyes.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), oe_store_schema_version);
	sqlite3_finalize(st);
	/* A newer database is refused and left as it is. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
	oe_store *s2 = NULL;
	assert_int_equal(oe_store_open(f->dir, false, &s2, err, sizeof(err)), OE_EVERSION);
	assert_non_null(strstr(err, "newer"));
	assert_null(s2);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* Opening a missing database without create fails cleanly. */
	assert_int_equal(oe_store_open("/nonexistent/dir", false, &s2, err, sizeof(err)), OE_EIO);
	/* An empty database (version 0) is migrated to the current version. */
	char d2[64];
	snprintf(d2, sizeof(d2), "/tmp/oe-store-XXXXXX");
	assert_non_null(mkdtemp(d2));
	assert_int_equal(oe_store_open(d2, true, &s2, err, sizeof(err)), 0);
	int64_t id;
	assert_int_equal(s2->ops->org_create(s2, "X", "ID", "identity--x", &id), 0);
	oe_store_close(s2);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d2);
	assert_int_equal(system(cmd), 0);
}

extern const char *const oe_migrations[];

/* A database written by the first schema opens, migrates, and keeps its
 * data: rows of version 1 read back with the defaults version 2 added. */
static void migrate_from_v1(void **state)
{
	char d[64], path[128], err[256];
	snprintf(d, sizeof(d), "/tmp/oe-store-XXXXXX");
	assert_non_null(mkdtemp(d));
	snprintf(path, sizeof(path), "%s/oureyes.db", d);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oe_migrations[0], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
			 "PRAGMA user_version=1;"
			 "INSERT INTO orgs VALUES(1,'identity--a','A','ID',1);"
			 "INSERT INTO orgs VALUES(2,'identity--b','B','MY',1);"
			 "INSERT INTO indicators(id,uuid,type,value,org_id,tlp,confidence,created,"
			 "modified) VALUES(1,x'00112233445566778899aabbccddeeff',4,'old.example',1,"
			 "1,70,1,1);"
			 "INSERT INTO indicator_orgs VALUES(1,2,0,5,6);"
			 "INSERT INTO sightings VALUES(1,1,2,3,5,6,7);"
			 "INSERT INTO events VALUES(1,'e',1,'t',1,'x',1,1);",
			 NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	oe_store *s;
	assert_int_equal(oe_store_open(d, false, &s, err, sizeof(err)), 0);
	oe_arena a = OE_ARENA_INIT;
	oe_indicator_row r;
	assert_int_equal(s->ops->indicator_get(s, 1, NULL, &a, &r), 0);
	assert_string_equal(r.v.value, "old.example");
	assert_int_equal(r.v.confidence, 70);
	assert_int_equal(r.nothers, 1);
	assert_int_equal(r.others[0].tlp, 0);
	assert_int_equal(r.others[0].confidence, 50);
	assert_false(r.others[0].revoked);
	oe_sighting_row *st;
	size_t n;
	assert_int_equal(s->ops->sightings_of(s, 1, &a, &st, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].tlp, 2); /* amber: shared with nobody else by default */
	int64_t eid;
	assert_int_equal(s->ops->event_find_ext(s, 1, "x", &eid), 0);
	oe_arena_clear(&a);
	oe_store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), oe_store_schema_version);
	sqlite3_finalize(q);
	sqlite3_close(db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
	assert_int_equal(system(cmd), 0);
}

static void upsert_rules(void **state)
{
	fx *f = *state;
	oe_store *s = f->s;
	int64_t id, id2;
	oe_upsert_outcome o;
	oe_ioc c = ioc(OE_T_DOMAIN, "evil.example");
	assert_int_equal(s->ops->indicator_upsert(s, &c, f->org1, OE_TLP_AMBER, 50, 1000, &id, &o),
			 0);
	assert_int_equal(o, OE_UPSERT_CREATED);
	/* Same value, same org, nothing new: unchanged. */
	c.first_seen = 1000;
	assert_int_equal(s->ops->indicator_upsert(s, &c, f->org1, OE_TLP_AMBER, 50, 2000, &id2, &o),
			 0);
	assert_int_equal(id2, id);
	assert_int_equal(o, OE_UPSERT_UNCHANGED);
	/* The origin raises confidence: updated. */
	c.confidence = 90;
	assert_int_equal(s->ops->indicator_upsert(s, &c, f->org1, OE_TLP_AMBER, 50, 3000, &id2, &o),
			 0);
	assert_int_equal(o, OE_UPSERT_UPDATED);
	/* Another org asserts it: its own assertion (new, from its side) of the
	 * same indicator, with its own fields. */
	oe_ioc d = ioc(OE_T_DOMAIN, "evil.example");
	d.tlp = OE_TLP_GREEN;
	d.description = "org two's words";
	assert_int_equal(s->ops->indicator_upsert(s, &d, f->org2, OE_TLP_AMBER, 50, 4000, &id2, &o),
			 0);
	assert_int_equal(id2, id);
	assert_int_equal(o, OE_UPSERT_CREATED);
	assert_int_equal(s->ops->indicator_upsert(s, &d, f->org2, OE_TLP_AMBER, 50, 5000, &id2, &o),
			 0);
	assert_int_equal(o, OE_UPSERT_UNCHANGED);
	/* Same text, other type: a different indicator. */
	oe_ioc e = ioc(OE_T_URL, "evil.example");
	assert_int_equal(s->ops->indicator_upsert(s, &e, f->org1, OE_TLP_AMBER, 50, 6000, &id2, &o),
			 0);
	assert_int_not_equal(id2, id);

	oe_arena a = OE_ARENA_INIT;
	oe_indicator_row r;
	assert_int_equal(s->ops->indicator_get(s, id, NULL, &a, &r), 0);
	assert_string_equal(r.v.value, "evil.example");
	assert_int_equal(r.v.tlp, OE_TLP_AMBER);
	assert_int_equal(r.v.confidence, 90);
	assert_int_equal(r.org_id, f->org1);
	assert_int_equal(r.n_orgs, 2);
	assert_int_equal(r.nothers, 1);
	assert_int_equal(r.others[0].org_id, f->org2);
	assert_int_equal(r.others[0].tlp, OE_TLP_GREEN);
	assert_string_equal(r.others[0].description, "org two's words");
	assert_int_equal(r.others[0].confidence, 50);
	assert_false(r.others[0].revoked);
	assert_null(r.v.description); /* the origin said nothing */

	/* Each organisation changes only its own assertion. */
	oe_indicator_patch p = {.tlp = -1, .confidence = 10, .revoked = 1};
	assert_int_equal(s->ops->indicator_patch(s, id, f->org2, &p, 7000), 0);
	oe_arena_clear(&a);
	assert_int_equal(s->ops->indicator_get(s, id, NULL, &a, &r), 0);
	assert_int_equal(r.v.confidence, 90);
	assert_false(r.v.revoked);
	assert_int_equal(r.others[0].confidence, 10);
	assert_true(r.others[0].revoked);
	/* Each assertion keeps its own times: the origin's row says nothing of
	 * when another organisation changed its own. */
	assert_int_equal(r.others[0].modified, 7000);
	assert_int_equal(r.v.modified, 3000);
	/* Tags are each organisation's own. */
	char *tg[] = {"org-two-tag"};
	p.set_tags = true;
	p.tags = tg;
	p.ntags = 1;
	assert_int_equal(s->ops->indicator_patch(s, id, f->org2, &p, 7000), 0);
	oe_arena_clear(&a);
	assert_int_equal(s->ops->indicator_get(s, id, NULL, &a, &r), 0);
	assert_int_equal(r.v.ntags, 0);
	assert_int_equal(r.others[0].ntags, 1);
	assert_string_equal(r.others[0].tags[0], "org-two-tag");
	assert_string_equal(r.others[0].org_name, "Two");
	p.set_tags = false;
	assert_int_equal(s->ops->indicator_patch(s, id, 99, &p, 7000), OE_ENOTFOUND);
	/* A re-sent value does not revive a revoked assertion. */
	assert_int_equal(s->ops->indicator_upsert(s, &d, f->org2, OE_TLP_AMBER, 50, 8000, &id2, &o),
			 0);
	oe_arena_clear(&a);
	assert_int_equal(s->ops->indicator_get(s, id, NULL, &a, &r), 0);
	assert_true(r.others[0].revoked);
	/* Clearing with a flag. */
	oe_indicator_patch clr = {
	    .tlp = -1, .confidence = -1, .revoked = -1, .set_description = true};
	assert_int_equal(s->ops->indicator_patch(s, id, f->org2, &clr, 9000), 0);
	oe_arena_clear(&a);
	assert_int_equal(s->ops->indicator_get(s, id, NULL, &a, &r), 0);
	assert_null(r.others[0].description);
	/* The id is derived from type and value. */
	oe_uuid u;
	char us[OE_UUID_STR], want[64];
	oe_indicator_uuid(OE_T_DOMAIN, "evil.example", &u);
	oe_uuid_format(&u, us);
	snprintf(want, sizeof(want), "indicator--%s", us);
	assert_string_equal(r.v.stix_id, want);
	oe_arena_clear(&a);
}

static void list_keyset(void **state)
{
	fx *f = *state;
	oe_store *s = f->s;
	char v[32];
	int64_t id;
	oe_upsert_outcome o;
	assert_int_equal(s->ops->begin(s), 0);
	for (int i = 0; i < 25; i++) {
		snprintf(v, sizeof(v), "192.0.2.%d", i);
		oe_ioc c = ioc(OE_T_IPV4, v);
		char *tags[] = {"odd"};
		if (i % 2) {
			c.tags = tags;
			c.ntags = 1;
		}
		assert_int_equal(
		    s->ops->indicator_upsert(s, &c, f->org1, OE_TLP_GREEN, 50, 1000 + i, &id, &o),
		    0);
	}
	assert_int_equal(s->ops->commit(s), 0);
	oe_indicator_filter flt = {0};
	flt.type = OE_T_IPV4;
	flt.max_tlp = -1;
	flt.limit = 10;
	size_t total = 0, n;
	int pages = 0;
	do {
		oe_arena a = OE_ARENA_INIT;
		oe_indicator_row *rows;
		assert_int_equal(s->ops->indicator_list(s, &flt, &a, &rows, &n), 0);
		for (size_t i = 0; i < n; i++) {
			oe_uuid u;
			assert_int_equal(oe_uuid_parse(rows[i].v.stix_id + 11, &u), 0);
			if (flt.has_after)
				assert_true(memcmp(u.b, flt.after.b, 16) > 0);
			flt.after = u;
			flt.has_after = true;
		}
		total += n;
		pages++;
		oe_arena_clear(&a);
	} while (n == flt.limit);
	assert_int_equal(total, 25);
	assert_int_equal(pages, 3);
	flt.has_after = false;
	flt.tag = "odd";
	flt.limit = 100;
	oe_arena a = OE_ARENA_INIT;
	oe_indicator_row *rows;
	assert_int_equal(s->ops->indicator_list(s, &flt, &a, &rows, &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(rows[0].v.ntags, 1);
	assert_string_equal(rows[0].v.tags[0], "odd");
	oe_arena_clear(&a);
}

static void events_sightings_keys_audit(void **state)
{
	fx *f = *state;
	oe_store *s = f->s;
	int64_t ind, ev, sid;
	oe_upsert_outcome o;
	oe_ioc c = ioc(OE_T_PHONE, "+6281234567890");
	assert_int_equal(s->ops->indicator_upsert(s, &c, f->org1, OE_TLP_GREEN, 50, 1, &ind, &o),
			 0);
	char *tags[] = {"scam"};
	assert_int_equal(s->ops->event_create(s, "e-1", f->org1, "Scam", OE_TLP_GREEN, tags, 1,
					      "ext-1", 10, &ev),
			 0);
	assert_int_equal(s->ops->event_link(s, ev, ind), 0);
	assert_int_equal(s->ops->event_link(s, ev, ind), 0); /* idempotent */
	int64_t found;
	assert_int_equal(s->ops->event_find_ext(s, f->org1, "ext-1", &found), 0);
	assert_int_equal(found, ev);
	assert_int_equal(s->ops->event_find_ext(s, f->org1, "ext-2", &found), OE_ENOTFOUND);
	/* Another organisation's event ids are its own. */
	assert_int_equal(s->ops->event_find_ext(s, f->org2, "ext-1", &found), OE_ENOTFOUND);
	assert_int_equal(s->ops->sighting_add(s, ind, f->org2, OE_TLP_GREEN, 40, 5, 9, 10, &sid),
			 0);
	oe_arena a = OE_ARENA_INIT;
	oe_indicator_row r;
	assert_int_equal(s->ops->indicator_get(s, ind, NULL, &a, &r), 0);
	oe_event_row *evs;
	size_t nev;
	assert_int_equal(s->ops->events_of(s, ind, &a, &evs, &nev), 0);
	assert_int_equal(nev, 1);
	assert_int_equal(evs[0].id, ev);
	oe_sighting_row *sts;
	size_t nst;
	assert_int_equal(s->ops->sightings_of(s, ind, &a, &sts, &nst), 0);
	assert_int_equal(nst, 1);
	assert_int_equal(sts[0].count, 40);
	assert_int_equal(sts[0].tlp, OE_TLP_GREEN);
	oe_event_row e;
	assert_int_equal(s->ops->event_get(s, 0, "e-1", &a, &e), 0);
	assert_int_equal(e.nindicators, 1);
	assert_int_equal(e.ntags, 1);
	assert_string_equal(e.org_name, "One");

	uint8_t h[32] = {1, 2, 3};
	assert_int_equal(
	    s->ops->key_create(s, "0123456789abcdef", h, f->org1, 0, OE_ROLE_READER, NULL), 0);
	assert_int_equal(
	    s->ops->key_create(s, "0123456789abcdef", h, f->org1, 0, OE_ROLE_READER, NULL),
	    OE_EEXIST);
	oe_apikey k;
	assert_int_equal(s->ops->key_get(s, "0123456789abcdef", &k), 0);
	assert_memory_equal(k.hash, h, 32);
	assert_false(k.revoked);
	assert_int_equal(s->ops->key_revoke(s, "0123456789abcdef"), 0);
	assert_int_equal(s->ops->key_revoke(s, "0123456789abcdef"), OE_ENOTFOUND);
	assert_int_equal(s->ops->key_get(s, "0123456789abcdef", &k), 0);
	assert_true(k.revoked);

	/* Audit entries chain: each hash differs and covers the previous one. */
	assert_int_equal(s->ops->audit(s, 1, "a", "x", NULL, NULL), 0);
	assert_int_equal(s->ops->audit(s, 1, "a", "x", NULL, NULL), 0);
	sqlite3 *db;
	char path[128];
	snprintf(path, sizeof(path), "%s/oureyes.db", f->dir);
	sqlite3_open(path, &db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT count(DISTINCT hash), count(*) FROM audit", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), sqlite3_column_int(st, 1));
	assert_true(sqlite3_column_int(st, 1) >= 2);
	sqlite3_finalize(st);
	sqlite3_close(db);
	oe_arena_clear(&a);
}

static void savepoints(void **state)
{
	fx *f = *state;
	oe_store *s = f->s;
	int64_t id;
	oe_upsert_outcome o;
	assert_int_equal(s->ops->begin(s), 0);
	assert_int_equal(s->ops->savepoint(s), 0);
	oe_ioc c = ioc(OE_T_DOMAIN, "rolled-back.example");
	assert_int_equal(s->ops->indicator_upsert(s, &c, f->org1, 1, 50, 1, &id, &o), 0);
	s->ops->rollback_to(s);
	oe_ioc d = ioc(OE_T_DOMAIN, "kept.example");
	assert_int_equal(s->ops->indicator_upsert(s, &d, f->org1, 1, 50, 1, &id, &o), 0);
	assert_int_equal(s->ops->commit(s), 0);
	oe_arena a = OE_ARENA_INIT;
	oe_indicator_row r;
	oe_uuid u;
	oe_indicator_uuid(OE_T_DOMAIN, "rolled-back.example", &u);
	assert_int_equal(s->ops->indicator_get(s, 0, &u, &a, &r), OE_ENOTFOUND);
	oe_indicator_uuid(OE_T_DOMAIN, "kept.example", &u);
	assert_int_equal(s->ops->indicator_get(s, 0, &u, &a, &r), 0);
	oe_arena_clear(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(migrations, setup, teardown),
	    cmocka_unit_test(migrate_from_v1),
	    cmocka_unit_test_setup_teardown(upsert_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(list_keyset, setup, teardown),
	    cmocka_unit_test_setup_teardown(events_sightings_keys_audit, setup, teardown),
	    cmocka_unit_test_setup_teardown(savepoints, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
