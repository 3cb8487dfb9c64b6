/* sqlite_int.h - what the files of the SQLite backend share: the
 * connection struct and small statement helpers. Not for other layers. */
#ifndef OE_SQLITE_INT_H
#define OE_SQLITE_INT_H

#include <sqlite3.h>

#include "store.h"

enum {
	ST_INS_IND,
	ST_SEL_IND_BY_UUID,
	ST_UPD_IND,
	ST_INS_TAG,
	ST_UPSERT_IORG,
	ST_SEL_IORG,
	ST_INS_EVLINK,
	ST__COUNT
};

/* Prepared statements are kept per connection, keyed by their SQL text:
 * parsing SQL costs more than running a point query. */
#define STMT_CACHE 128

typedef struct {
	uint64_t h;
	char *sql;
	sqlite3_stmt *st;
	bool busy;
} cached_stmt;

typedef struct {
	oe_store base;
	sqlite3 *db;
	sqlite3_stmt *st[ST__COUNT];
	cached_stmt cache[STMT_CACHE];
	bool writing; /* holds the process's writer lock (sqlite.c) */
} sq_store;

static inline sq_store *SQ(oe_store *s)
{
	return (sq_store *)s;
}

/* OE_ECONFLICT for a constraint violation, else OE_EIO. */
int oe_sq_err(sq_store *q);
/* A statement for sql, from the connection's cache when it is there and
 * not in use; give it back with oe_sq_done() (NULL is fine). */
sqlite3_stmt *oe_sq_prep(sq_store *q, const char *sql);
void oe_sq_done(sq_store *q, sqlite3_stmt *st);
/* Run sql (no rows) directly, or through the cache: 0 or OE_EIO. */
int oe_sq_exec(sq_store *q, const char *sql);
int oe_sq_run(sq_store *q, const char *sql);
/* Bind s, or NULL when s is NULL; bind t, or NULL when t is 0. */
void oe_sq_bind_text(sqlite3_stmt *st, int i, const char *s);
void oe_sq_bind_time(sqlite3_stmt *st, int i, oe_time t);
/* Column i as an arena string, or NULL. */
char *oe_sq_text(sqlite3_stmt *st, int i, oe_arena *a);
/* Room for one more element in an arena array: oe_arena_grow(). */
static inline int oe_sq_grow(oe_arena *a, void **arr, size_t n, size_t *cap, size_t elem)
{
	return oe_arena_grow(a, arr, n, cap, elem);
}

/* The matcher's operations (sqlite_match.c; see store.h). */
int oe_sq_indicator_marks(oe_store *s, int64_t *max_id, int64_t *max_seq);
int oe_sq_indicator_scan(oe_store *s, int64_t after_id, oe_scan_fn fn, void *arg);
int oe_sq_indicator_scan_changed(oe_store *s, int64_t after_seq, int64_t upto_id, size_t limit,
				 oe_scan_fn fn, void *arg);
int oe_sq_indicator_changes_prune(oe_store *s, int64_t upto_seq);

/* Fills one row of an arena array from the statement's current row. */
typedef void (*oe_sq_fill_fn)(sqlite3_stmt *st, oe_arena *a, void *row);
/* Every row of sql (its ?1 bound to arg when it has parameters), each
 * elem bytes in an arena array filled by fill. */
int oe_sq_rows(sq_store *q, const char *sql, int64_t arg, oe_arena *a, size_t elem,
	       oe_sq_fill_fn fill, void **out, size_t *n);
/* The same for a statement already prepared and bound; finishes it. */
int oe_sq_rows_st(sq_store *q, sqlite3_stmt *st, oe_arena *a, size_t elem, oe_sq_fill_fn fill,
		  void **out, size_t *n);

/* sql_key with ?1 bound to key (a text the statement does not keep past
 * its step) when key is set, else sql_id with ?1 bound to id: the two ways
 * to name one row. NULL when it cannot be prepared. */
sqlite3_stmt *oe_sq_prep_key(sq_store *q, const char *key, int64_t id, const char *sql_key,
			     const char *sql_id);
/* Step st to its one row and fill row from it; finishes st. 0,
 * OE_ENOTFOUND when there is no row, or OE_EIO. */
int oe_sq_one(sq_store *q, sqlite3_stmt *st, oe_arena *a, oe_sq_fill_fn fill, void *row);
/* Step st, an INSERT, UPDATE or DELETE (NULL: it could not be prepared:
 * OE_EIO), and finish it. OE_ECONFLICT for a constraint violation;
 * OE_ENOTFOUND when must_change is set and it changed no row. */
int oe_sq_change(sq_store *q, sqlite3_stmt *st, bool must_change);

/* The report operations (sqlite_report.c). */
extern const oe_report_store_ops oe_sqlite_report_ops;
/* The sharing operations (sqlite_share.c). */
extern const oe_share_store_ops oe_sqlite_share_ops;
/* The TAXII operations (sqlite_taxii.c), and the SQL function the TAXII
 * log's triggers call, registered on every connection: 0 or OE_EIO. */
extern const oe_taxii_store_ops oe_sqlite_taxii_ops;
int oe_sq_taxii_register(sqlite3 *db);
/* Users, sessions and the audit log's reads (sqlite_auth.c). */
extern const oe_auth_store_ops oe_sqlite_auth_ops;
/* The joint cases' operations (sqlite_case.c). */
extern const oe_case_store_ops oe_sqlite_case_ops;
/* Append the indicators not in the TAXII log yet to it: run by every
 * write transaction just before it commits (migrations/0007). */
int oe_sq_taxii_flush(sq_store *q);

#endif
