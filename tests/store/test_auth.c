/* test_auth.c - users' credentials, console sessions and the audit log's
 * reads in the SQLite backend (store.h auth ops). A real database in a
 * temp dir. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

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
	int64_t org1, org2, alice, bob;
	oe_arena a;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	if (!f || tmpstore_open("auth", f->dir, &f->s))
		return -1;
	oe_store *s = f->s;
	s->ops->org_create(s, "One", "ID", "identity--00000000-0000-4000-8000-000000000001",
			   &f->org1);
	s->ops->org_create(s, "Two", "MY", "identity--00000000-0000-4000-8000-000000000002",
			   &f->org2);
	s->ops->user_create(s, f->org1, "alice", OE_ROLE_ANALYST, "$argon2id$x", &f->alice);
	s->ops->user_create(s, f->org2, "bob", OE_ROLE_READER, NULL, &f->bob);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	oe_arena_clear(&f->a);
	int ret = tmpstore_close(f->dir, f->s);
	free(f);
	return ret;
}

static void users(void **state)
{
	fx *f = *state;
	const oe_auth_store_ops *o = f->s->ops->auth;
	oe_user_row u;
	assert_int_equal(o->user_get(f->s, 0, "alice", &f->a, &u), 0);
	assert_int_equal(u.id, f->alice);
	assert_string_equal(u.org_name, "One");
	assert_string_equal(u.pw_hash, "$argon2id$x");
	assert_false(u.disabled);
	assert_null(u.totp_sealed);
	assert_int_equal(o->user_get(f->s, 0, "nobody", &f->a, &u), OE_ENOTFOUND);
	assert_int_equal(o->user_get(f->s, f->bob, NULL, &f->a, &u), 0);
	assert_null(u.pw_hash);

	assert_int_equal(o->user_set_password(f->s, f->bob, "$argon2id$y"), 0);
	assert_int_equal(o->user_set_disabled(f->s, f->bob, true), 0);
	assert_int_equal(o->user_get(f->s, 0, "bob", &f->a, &u), 0);
	assert_string_equal(u.pw_hash, "$argon2id$y");
	assert_true(u.disabled);
	assert_int_equal(o->user_set_password(f->s, 999, "x"), OE_ENOTFOUND);

	/* TOTP: a step is good once, and never one older than the last. */
	const uint8_t sealed[4] = {1, 2, 3, 4};
	assert_int_equal(o->user_set_totp(f->s, f->alice, sealed, 4, false), 0);
	assert_int_equal(o->totp_use(f->s, f->alice, 100), 0);
	assert_int_equal(o->totp_use(f->s, f->alice, 100), OE_ECONFLICT);
	assert_int_equal(o->totp_use(f->s, f->alice, 99), OE_ECONFLICT);
	assert_int_equal(o->totp_use(f->s, f->alice, 101), 0);
	assert_int_equal(o->user_set_totp(f->s, f->alice, sealed, 4, true), 0);
	assert_int_equal(o->user_get(f->s, 0, "alice", &f->a, &u), 0);
	assert_true(u.totp_enabled);
	assert_int_equal(u.totp_len, 4);
	assert_memory_equal(u.totp_sealed, sealed, 4);
	assert_int_equal(u.totp_last_step, 101);
	/* A reset forgets the secret and the last step. */
	assert_int_equal(o->user_set_totp(f->s, f->alice, NULL, 0, true), 0);
	assert_int_equal(o->user_get(f->s, 0, "alice", &f->a, &u), 0);
	assert_false(u.totp_enabled);
	assert_null(u.totp_sealed);
	assert_int_equal(u.totp_last_step, 0);
}

static void sessions(void **state)
{
	fx *f = *state;
	const oe_auth_store_ops *o = f->s->ops->auth;
	uint8_t h1[32], h2[32], h3[32];
	memset(h1, 1, 32);
	memset(h2, 2, 32);
	memset(h3, 3, 32);
	assert_int_equal(o->session_create(f->s, h1, f->alice, 1000, "Firefox"), 0);
	assert_int_equal(o->session_create(f->s, h2, f->alice, 2000, NULL), 0);
	assert_int_equal(o->session_create(f->s, h3, f->bob, 3000, NULL), 0);
	assert_int_equal(o->session_create(f->s, h3, f->bob, 3000, NULL), OE_ECONFLICT);
	oe_session_row r;
	assert_int_equal(o->session_get(f->s, h1, &f->a, &r), 0);
	assert_int_equal(r.user.id, f->alice);
	assert_int_equal(r.created, 1000);
	assert_int_equal(r.last_seen, 1000);
	assert_int_equal(o->session_touch(f->s, r.id, 5000), 0);
	assert_int_equal(o->session_get(f->s, h1, &f->a, &r), 0);
	assert_int_equal(r.last_seen, 5000);

	/* Idle before 2500 (h2) or made before 500 (none) go. */
	assert_int_equal(o->session_prune(f->s, 2500, 500), 0);
	assert_int_equal(o->session_get(f->s, h2, &f->a, &r), OE_ENOTFOUND);
	assert_int_equal(o->session_get(f->s, h1, &f->a, &r), 0);
	/* Made before 1500 (h1) goes. */
	assert_int_equal(o->session_prune(f->s, 0, 1500), 0);
	assert_int_equal(o->session_get(f->s, h1, &f->a, &r), OE_ENOTFOUND);

	assert_int_equal(o->session_create(f->s, h1, f->alice, 1000, NULL), 0);
	assert_int_equal(o->session_delete_user(f->s, f->alice), 0);
	assert_int_equal(o->session_get(f->s, h1, &f->a, &r), OE_ENOTFOUND);
	assert_int_equal(o->session_get(f->s, h3, &f->a, &r), 0);
	assert_int_equal(o->session_delete(f->s, r.id), 0);
	assert_int_equal(o->session_get(f->s, h3, &f->a, &r), OE_ENOTFOUND);
}

static int count_rows(void *arg, const oe_audit_row *r)
{
	int64_t *n = arg;
	assert_true(r->hash_ok);
	assert_int_equal(r->id, *n + 1);
	(*n)++;
	return 0;
}

static void audit_reads(void **state)
{
	fx *f = *state;
	oe_store *s = f->s;
	uint8_t h[32] = {0};
	assert_int_equal(s->ops->key_create(s, "00000000000000aa", h, f->org1, 0, 1, NULL), 0);
	assert_int_equal(s->ops->key_create(s, "00000000000000bb", h, f->org2, 0, 1, NULL), 0);
	s->ops->audit(s, 1, "cli", "org.create", "identity--x", NULL);		    /* 1 */
	s->ops->audit(s, 2, "key:00000000000000aa", "indicator.patch", "i1", NULL); /* 2 */
	s->ops->audit(s, 3, "user:alice", "indicator.patch", "i1", "d");	    /* 3 */
	s->ops->audit(s, 4, "key:00000000000000bb", "indicator.patch", "i1", NULL); /* 4 */
	s->ops->audit(s, 5, "user:bob", "session.signin", "user:bob", NULL);	    /* 5 */
	s->ops->audit(s, 6, "user:alice", "report.reveal", "r1", "why");	    /* 6 */

	const oe_auth_store_ops *o = s->ops->auth;
	oe_audit_row *rows;
	size_t n;
	oe_audit_filter fl = {.limit = 100};
	assert_int_equal(o->audit_list(s, &fl, &f->a, &rows, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(rows[0].id, 6); /* newest first */
	assert_string_equal(rows[0].detail, "why");

	/* Org One sees its key's and alice's entries only. */
	fl.org_id = f->org1;
	assert_int_equal(o->audit_list(s, &fl, &f->a, &rows, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(rows[0].id, 6);
	assert_int_equal(rows[1].id, 3);
	assert_int_equal(rows[2].id, 2);
	fl.org_id = f->org2;
	fl.object = "i1";
	assert_int_equal(o->audit_list(s, &fl, &f->a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 4);

	/* Filters and the keyset cursor. */
	oe_audit_filter f2 = {.object = "i1", .limit = 2};
	assert_int_equal(o->audit_list(s, &f2, &f->a, &rows, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].id, 3);
	f2.before = 3;
	assert_int_equal(o->audit_list(s, &f2, &f->a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 2);
	oe_audit_filter f4 = {.before = 5, .limit = 100}; /* a cursor alone */
	assert_int_equal(o->audit_list(s, &f4, &f->a, &rows, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rows[0].id, 4);
	assert_int_equal(rows[3].id, 1);
	f4.before = 1;
	assert_int_equal(o->audit_list(s, &f4, &f->a, &rows, &n), 0);
	assert_int_equal(n, 0);
	oe_audit_filter f3 = {.actor = "user:alice", .action = "report.reveal", .limit = 10};
	assert_int_equal(o->audit_list(s, &f3, &f->a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].object, "r1");

	int64_t cnt = 0;
	assert_int_equal(o->audit_scan(s, count_rows, &cnt), 0);
	assert_int_equal(cnt, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(users, setup, teardown),
	    cmocka_unit_test_setup_teardown(sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(audit_reads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
