/* audit.c - the audit log read back and verified (session.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/audit.h"
#include "session.h"

int oe_svc_audit_list(oe_ctx *c, oe_audit_filter *f, oe_audit_row **rows, size_t *n, bool *more)
{
	const oe_viewer *v = &c->viewer;
	if (v->role != OE_ROLE_READER && v->role != OE_ROLE_ANALYST && v->role != OE_ROLE_ADMIN)
		return OE_EPERM;
	f->org_id = v->role == OE_ROLE_ADMIN && v->org_id == OE_NODE_OPERATOR_ORG ? 0 : v->org_id;
	if (f->limit == 0)
		f->limit = OE_AUDIT_LIMIT_DEFAULT;
	if (f->limit > OE_AUDIT_LIMIT_MAX)
		f->limit = OE_AUDIT_LIMIT_MAX;
	size_t want = f->limit;
	f->limit = want + 1; /* one more tells whether there is a next page */
	int ret = c->store->ops->auth->audit_list(c->store, f, c->arena, rows, n);
	f->limit = want;
	*more = !ret && *n > want;
	if (*more)
		*n = want;
	return ret;
}

/* ---- verification --------------------------------------------------------- */

#define HEAD_FILE "audit.head"

typedef struct {
	oe_audit_verdict *v;
	uint8_t prev[OE_AUDIT_HASH_LEN];
	int64_t next_id;
	int64_t ck_id; /* checkpoint: entry id and its hash */
	uint8_t ck_hash[OE_AUDIT_HASH_LEN];
	bool ck_seen;
	int64_t last_id;
} verify_state;

enum { STOP = 1 };

static int verify_one(void *arg, const oe_audit_row *r)
{
	verify_state *x = arg;
	oe_audit_verdict *v = x->v;
	if (r->id != x->next_id) {
		v->bad_id = x->next_id;
		if (r->id > x->next_id)
			snprintf(v->why, sizeof(v->why),
				 "entry %" PRId64 " is missing: the log jumps from entry %" PRId64
				 " to %" PRId64 " (removed)",
				 x->next_id, x->next_id - 1, r->id);
		else
			snprintf(v->why, sizeof(v->why), "entry %" PRId64 " is out of order",
				 r->id);
		return STOP;
	}
	uint8_t h[OE_AUDIT_HASH_LEN];
	oe_audit_hash(x->prev, r->ts, r->actor, r->action, r->object, r->detail, h);
	if (!r->hash_ok || sodium_memcmp(h, r->hash, sizeof(h)) != 0) {
		v->bad_id = r->id;
		snprintf(v->why, sizeof(v->why),
			 "entry %" PRId64 " does not match its hash: it was edited, or moved, "
			 "or an entry before it was",
			 r->id);
		return STOP;
	}
	if (r->id == x->ck_id) {
		x->ck_seen = true;
		if (sodium_memcmp(h, x->ck_hash, sizeof(h)) != 0) {
			v->bad_id = r->id;
			snprintf(v->why, sizeof(v->why),
				 "entry %" PRId64 " differs from the checkpoint in " HEAD_FILE
				 ": the log up to it was rewritten",
				 r->id);
			return STOP;
		}
	}
	memcpy(x->prev, h, sizeof(h));
	x->last_id = r->id;
	x->next_id = r->id + 1;
	v->entries++;
	return 0;
}

/* audit.head: "<id> <64 hex>\n". Absent: 0. */
static int head_read(const oe_node *n, int64_t *id, uint8_t h[OE_AUDIT_HASH_LEN])
{
	char path[1100], buf[128];
	snprintf(path, sizeof(path), "%s/" HEAD_FILE, n->dir);
	FILE *f = fopen(path, "r");
	*id = 0;
	if (!f)
		return errno == ENOENT ? 0 : OE_EIO;
	char hex[65];
	long long v = 0;
	int ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%lld %64s", &v, hex) == 2 && v > 0 &&
		 sodium_hex2bin(h, OE_AUDIT_HASH_LEN, hex, strlen(hex), NULL, NULL, NULL) == 0;
	fclose(f);
	if (!ok)
		return OE_EINVAL;
	*id = v;
	return 0;
}

static int head_write(const oe_node *n, int64_t id, const uint8_t h[OE_AUDIT_HASH_LEN])
{
	char path[1100], tmp[1110], hex[65], line[128];
	snprintf(path, sizeof(path), "%s/" HEAD_FILE, n->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	sodium_bin2hex(hex, sizeof(hex), h, OE_AUDIT_HASH_LEN);
	int len = snprintf(line, sizeof(line), "%" PRId64 " %s\n", id, hex);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return OE_EIO;
	bool ok = write(fd, line, (size_t)len) == len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return OE_EIO;
	}
	return 0;
}

int oe_svc_audit_verify(oe_node *n, oe_store *s, bool update_checkpoint, oe_audit_verdict *out)
{
	memset(out, 0, sizeof(*out));
	verify_state x = {.v = out, .next_id = 1};
	int ret = head_read(n, &x.ck_id, x.ck_hash);
	if (ret == OE_EINVAL) {
		snprintf(out->why, sizeof(out->why), "%s/" HEAD_FILE " is not a checkpoint",
			 n->dir);
		return ret;
	}
	if (ret)
		return ret;
	out->checkpoint = x.ck_id;
	/* One snapshot: entries appended meanwhile are not half-seen. */
	if ((ret = s->ops->begin_read(s)))
		return ret;
	ret = s->ops->auth->audit_scan(s, verify_one, &x);
	s->ops->commit(s);
	if (ret == STOP)
		return 0;
	if (ret)
		return ret;
	if (x.ck_id && !x.ck_seen) {
		out->bad_id = x.last_id + 1;
		snprintf(out->why, sizeof(out->why),
			 "entries %" PRId64 " to %" PRId64 " are missing: " HEAD_FILE
			 " names entry %" PRId64 " (removed from the end)",
			 x.last_id + 1, x.ck_id, x.ck_id);
		return 0;
	}
	if (update_checkpoint && x.last_id > 0 && (ret = head_write(n, x.last_id, x.prev)) == 0)
		out->checkpoint_set = true;
	return ret;
}
