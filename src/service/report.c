/* report.c - intake of citizens' reports, follow-up by receipt, and the
 * public check (see report.h). The analysts' side is in triage.c. */
#include "report.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bank.h"
#include "core/extract.h"
#include "core/filetype.h"
#include "core/json.h"
#include "core/tlp.h"
#include "evidence.h"
#include "report_int.h"

static const char *const categories[OE_RC__COUNT] = {
    "phishing", "online_scam",	    "telecom_fraud",	     "investment_fraud", "illegal_gambling",
    "malware",	"account_takeover", "infrastructure_attack", "data_leak",	 "other",
};
static const char *const statuses[OE_RS__COUNT] = {"new",      "triaged", "investigating",
						   "actioned", "closed",  "rejected"};
static const char *const rewards[OE_RW__COUNT] = {"none", "eligible", "claimed", "paid"};
static const char *const ident_kinds[OE_RI__COUNT] = {
    "phone", "bank_account", "ewallet", "url", "social", "email", "crypto_wallet"};

static int parse_name(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *oe_report_category_name(int c)
{
	return c >= 0 && c < OE_RC__COUNT ? categories[c] : "other";
}
int oe_report_category_parse(const char *s)
{
	return parse_name(categories, OE_RC__COUNT, s);
}
const char *oe_report_status_name(int s)
{
	return s >= 0 && s < OE_RS__COUNT ? statuses[s] : "new";
}
int oe_report_status_parse(const char *s)
{
	return parse_name(statuses, OE_RS__COUNT, s);
}
const char *oe_reward_state_name(int s)
{
	return s >= 0 && s < OE_RW__COUNT ? rewards[s] : "none";
}
int oe_reward_state_parse(const char *s)
{
	return parse_name(rewards, OE_RW__COUNT, s);
}
const char *oe_report_ident_name(int k)
{
	return k >= 0 && k < OE_RI__COUNT ? ident_kinds[k] : "social";
}
int oe_report_ident_parse(const char *s)
{
	return parse_name(ident_kinds, OE_RI__COUNT, s);
}

/* ---- receipts ----------------------------------------------------------
 * A receipt is 16 decimal digits (53 bits) drawn by the node. It is kept as
 * Argon2id(pepper(receipt), node salt): the pepper is a keyed hash under
 * the node's secret.key, so a stolen database alone cannot be searched at
 * all; with the key too, each guess costs one Argon2id. The salt is fixed
 * per node (derived from the same key) so that a receipt can be found by
 * its hash. t=2, m=1 MiB costs about 0.4 ms here: 10^16 receipts take
 * over 100,000 core-years to try, while intake stays over 1,000 reports/s. */
#define RECEIPT_OPS 2
#define RECEIPT_MEM (1024 * 1024)

int oe_receipt_hash(const oe_node *n, const char *receipt, uint8_t out[32])
{
	uint8_t pepper[32], salt[32];
	static const char salt_label[] = "oureyes receipt salt v1";
	crypto_generichash(salt, sizeof(salt), (const uint8_t *)salt_label, sizeof(salt_label),
			   n->hash_key, sizeof(n->hash_key));
	crypto_generichash_state g;
	crypto_generichash_init(&g, n->hash_key, sizeof(n->hash_key), sizeof(pepper));
	static const char label[] = "oureyes receipt v1";
	crypto_generichash_update(&g, (const uint8_t *)label, sizeof(label));
	crypto_generichash_update(&g, (const uint8_t *)receipt, strlen(receipt));
	crypto_generichash_final(&g, pepper, sizeof(pepper));
	int rc = crypto_pwhash(out, 32, (const char *)pepper, sizeof(pepper), salt, RECEIPT_OPS,
			       RECEIPT_MEM, crypto_pwhash_ALG_ARGON2ID13);
	sodium_memzero(pepper, sizeof(pepper));
	return rc == 0 ? 0 : OE_ENOMEM;
}

/* A receipt as typed: digits, with spaces or dashes between groups. */
int oe_receipt_normalise(const char *in, char out[OE_RECEIPT_DIGITS + 1])
{
	size_t k = 0;
	if (!in)
		return OE_EINVAL;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (k == OE_RECEIPT_DIGITS)
				return OE_EINVAL;
			out[k++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '\t') {
			return OE_EINVAL;
		}
	}
	out[k] = '\0';
	return k == OE_RECEIPT_DIGITS ? 0 : OE_EINVAL;
}

static void receipt_draw(char out[OE_RECEIPT_DIGITS + 1])
{
	for (int i = 0; i < OE_RECEIPT_DIGITS; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[OE_RECEIPT_DIGITS] = '\0';
}

/* ---- validation ------------------------------------------------------- */

static int fail(oe_report_err *e, const char *code, const char *field, int index)
{
	e->code = code;
	e->field = field;
	e->index = index;
	return OE_EINVAL;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Text of at most max bytes, valid UTF-8 (NULL passes: optional). */
static int check_text(const char *s, size_t max, const char *field, int index, oe_report_err *e)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (n > max)
		return fail(e, "too_long", field, index);
	if (!oe_utf8_valid(s, n))
		return fail(e, "invalid_utf8", field, index);
	return 0;
}

/* "YYYY-MM-DD" or RFC 3339, not before 1990 nor in the future. */
static int parse_when(const char *s, oe_time now, oe_time *out)
{
	char buf[64];
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		s = buf;
	}
	oe_time t;
	if (oe_time_parse(s, &t) != 0)
		return OE_EINVAL;
	if (t < (oe_time)631152000 * 1000000 || t > now + (oe_time)86400 * 1000000)
		return OE_EINVAL;
	*out = t;
	return 0;
}

/* An amount as people write it: "1500000", "1.500.000", "1,500,000",
 * "25.50", "25,50", "Rp 1.500.000" is not (the currency is its own field).
 * Written back as digits with an optional "." and two decimals at most. */
int oe_amount_normalise(const char *in, char *out, size_t cap)
{
	char d[64];
	size_t k = 0, seps = 0, last_sep = 0, ndig = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ' ')
			continue;
		if (k + 1 >= sizeof(d))
			return OE_EINVAL;
		if (*p >= '0' && *p <= '9') {
			d[k++] = *p;
			ndig++;
		} else if (*p == '.' || *p == ',') {
			d[k++] = *p;
			seps++;
			last_sep = k;
		} else {
			return OE_EINVAL;
		}
	}
	d[k] = '\0';
	if (!ndig || d[0] == '.' || d[0] == ',')
		return OE_EINVAL;
	/* Thousands groups: every separator followed by exactly 3 digits. */
	bool groups = seps > 0;
	for (size_t i = 0; i < k && groups; i++)
		if (d[i] == '.' || d[i] == ',') {
			size_t j = i + 1, n = 0;
			while (j < k && d[j] >= '0' && d[j] <= '9')
				j++, n++;
			if (n != 3)
				groups = false;
		}
	size_t o = 0;
	if (groups && !(seps == 1 && k - last_sep == 3 && d[0] == '0')) {
		for (size_t i = 0; i < k; i++)
			if (d[i] >= '0' && d[i] <= '9' && o + 1 < cap)
				out[o++] = d[i];
	} else if (seps == 1 && k - last_sep >= 1 && k - last_sep <= 2) {
		for (size_t i = 0; i < k && o + 2 < cap; i++)
			out[o++] = (d[i] == ',') ? '.' : d[i];
	} else if (seps == 0) {
		for (size_t i = 0; i < k && o + 1 < cap; i++)
			out[o++] = d[i];
	} else {
		return OE_EINVAL;
	}
	out[o] = '\0';
	/* Leading zeros go; zero itself is no loss. */
	size_t z = 0;
	while (out[z] == '0' && out[z + 1] && out[z + 1] != '.')
		z++;
	memmove(out, out + z, strlen(out + z) + 1);
	size_t intlen = strcspn(out, ".");
	if (intlen > 15)
		return OE_EINVAL;
	bool nonzero = false;
	for (const char *p = out; *p; p++)
		if (*p >= '1' && *p <= '9')
			nonzero = true;
	return nonzero ? 0 : OE_EINVAL;
}

/* A reporter's identifier, canonicalised when it is an indicator type:
 * 0 with *t and out set; 1 when it is kept only as typed (a social media
 * handle, an account at a bank we do not know); OE_EINVAL when it is of a
 * kind that must be valid (phone, email, URL, wallet) and is not. */
static int ident_canon(const oe_node *n, const oe_report_ident *id, oe_itype *t, char *out,
		       size_t cap)
{
	const char *why;
	const char *v = id->value;
	size_t len = strlen(v);
	switch (id->kind) {
	case OE_RI_PHONE:
		*t = OE_T_PHONE;
		return oe_canon(OE_T_PHONE, v, len, &n->canon, out, cap, &why) ? OE_EINVAL : 0;
	case OE_RI_EWALLET:
		/* E-wallets in the region are keyed by the owner's phone number. */
		*t = OE_T_PHONE;
		return oe_canon(OE_T_PHONE, v, len, &n->canon, out, cap, &why) ? 1 : 0;
	case OE_RI_EMAIL:
		*t = OE_T_EMAIL;
		return oe_canon(OE_T_EMAIL, v, len, &n->canon, out, cap, &why) ? OE_EINVAL : 0;
	case OE_RI_CRYPTO_WALLET:
		*t = OE_T_WALLET;
		return oe_canon(OE_T_WALLET, v, len, &n->canon, out, cap, &why) ? OE_EINVAL : 0;
	case OE_RI_URL: {
		*t = OE_T_URL;
		if (oe_canon(OE_T_URL, v, len, &n->canon, out, cap, &why) == 0)
			return 0;
		if (!strstr(v, "://") && len < OE_VALUE_MAX - 8) {
			char u[OE_VALUE_MAX + 1];
			snprintf(u, sizeof(u), "http://%s", v);
			if (oe_canon(OE_T_URL, u, strlen(u), &n->canon, out, cap, &why) == 0)
				return 0;
		}
		*t = OE_T_DOMAIN;
		return oe_canon(OE_T_DOMAIN, v, len, &n->canon, out, cap, &why) ? OE_EINVAL : 0;
	}
	case OE_RI_BANK_ACCOUNT: {
		*t = OE_T_BANK;
		if (oe_canon(OE_T_BANK, v, len, &n->canon, out, cap, &why) == 0)
			return 0; /* already COUNTRY:CODE:DIGITS */
		const char *cc = n->canon.default_region ? n->canon.default_region : "ID";
		const oe_bank *b = NULL;
		if (id->qualifier && *id->qualifier) {
			b = oe_bank_by_name(cc, id->qualifier, strlen(id->qualifier));
			if (!b)
				b = oe_bank_by_code(cc, id->qualifier, strlen(id->qualifier));
		}
		if (!b)
			return 1;
		char digits[OE_REPORT_FIELD_MAX + 1];
		size_t k = 0;
		for (const char *p = v; *p && k < sizeof(digits) - 1; p++) {
			if (*p >= '0' && *p <= '9')
				digits[k++] = *p;
			else if (*p != ' ' && *p != '-' && *p != '.')
				return OE_EINVAL;
		}
		digits[k] = '\0';
		char full[OE_REPORT_FIELD_MAX + 64];
		snprintf(full, sizeof(full), "%s:%s:%s", b->country, b->code, digits);
		return oe_canon(OE_T_BANK, full, strlen(full), &n->canon, out, cap, &why)
			   ? OE_EINVAL
			   : 0;
	}
	default: return 1; /* social media accounts: kept as typed */
	}
}

/* Checks every evidence file: count, size, type by content. */
static int check_files(const oe_report_file *f, size_t n, const char *field, oe_report_err *e,
		       const oe_filetype **types)
{
	if (n > OE_REPORT_FILES_MAX)
		return fail(e, "too_many", field, OE_REPORT_FILES_MAX);
	for (size_t i = 0; i < n; i++) {
		if (f[i].len == 0)
			return fail(e, "empty_file", field, (int)i);
		if (f[i].len > OE_REPORT_FILE_MAX)
			return fail(e, "file_too_large", field, (int)i);
		types[i] = oe_filetype_sniff(f[i].data, f[i].len);
		if (!types[i])
			return fail(e, "file_type", field, (int)i);
	}
	return 0;
}

/* A file name as the reporter's browser sent it, kept only when it is
 * printable UTF-8 without path parts; cut to 200 bytes. */
static const char *file_name(oe_arena *a, const char *name)
{
	if (!name || !*name || !oe_utf8_printable(name, strlen(name)))
		return NULL;
	const char *slash = strrchr(name, '/'), *bs = strrchr(name, '\\');
	if (slash || bs)
		name = 1 + (slash > bs ? slash : bs);
	char cut[256];
	return *name ? oe_arena_strdup(a, oe_utf8_cut(name, cut, 200)) : NULL;
}

static const char *lang_of(const char *l)
{
	if (l && (!strcmp(l, "en") || !strcmp(l, "zh")))
		return l;
	return "id";
}

/* ---- submission --------------------------------------------------------- */

typedef struct {
	oe_ctx *c;
	int64_t report_id;
	int ret;
	size_t n;
} extract_ctx;

int oe_report_ingest(oe_ctx *c, int64_t report_id, oe_itype t, const char *value, int source,
		     oe_time now, int64_t *indicator_id)
{
	oe_store *s = c->store;
	char *tags[] = {"reported"};
	oe_ioc ioc = {.type = t,
		      .value = (char *)value,
		      .tlp = -1,
		      .confidence = -1,
		      .tags = tags,
		      .ntags = 1,
		      .first_seen = now,
		      .last_seen = now};
	int64_t id = 0;
	oe_upsert_outcome out;
	int ret = s->ops->indicator_upsert(s, &ioc, OE_NODE_OPERATOR_ORG, c->node->cfg.report_tlp,
					   c->node->cfg.report_confidence, now, &id, &out);
	if (!ret)
		ret = s->ops->report->link(s, report_id, id, source);
	if (!ret && indicator_id)
		*indicator_id = id;
	return ret;
}

static int on_extracted(void *ud, oe_itype t, const char *value, size_t off, size_t len)
{
	extract_ctx *x = ud;
	x->ret = oe_report_ingest(x->c, x->report_id, t, value, 1, oe_now(), NULL);
	x->n++;
	return x->ret;
}

/* Store each file durably; fill sha (65 bytes each). */
static int put_files(oe_ctx *c, const oe_report_file *f, size_t n, char (*sha)[65])
{
	for (size_t i = 0; i < n; i++) {
		int ret = oe_evidence_put(c->node, f[i].data, f[i].len, sha[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int oe_svc_report_submit(oe_ctx *c, const oe_report_in *in, oe_report_receipt *out,
			 oe_report_err *e)
{
	oe_store *s = c->store;
	const oe_node *n = c->node;
	oe_time now = oe_now();
	int ret;
	memset(e, 0, sizeof(*e));
	e->index = -1;

	/* Everything is checked before anything is written. */
	int cat = oe_report_category_parse(in->category);
	if (blank(in->category))
		return fail(e, "missing", "category", -1);
	if (cat < 0)
		return fail(e, "unknown_category", "category", -1);
	if (blank(in->description))
		return fail(e, "missing", "description", -1);
	if ((ret = check_text(in->description, OE_REPORT_TEXT_MAX, "description", -1, e)))
		return ret;
	oe_time occurred = 0;
	if (!blank(in->occurred_at) && parse_when(in->occurred_at, now, &occurred))
		return fail(e, "invalid_date", "occurred_at", -1);
	char amount[64] = "", currency[4] = "";
	if (!blank(in->loss_amount)) {
		if (strlen(in->loss_amount) > 40 ||
		    oe_amount_normalise(in->loss_amount, amount, sizeof(amount)))
			return fail(e, "invalid_amount", "loss_amount", -1);
		const char *cur = in->loss_currency;
		if (blank(cur))
			return fail(e, "missing", "loss_currency", -1);
		if (strlen(cur) != 3 || !isalpha((unsigned char)cur[0]) ||
		    !isalpha((unsigned char)cur[1]) || !isalpha((unsigned char)cur[2]))
			return fail(e, "invalid_currency", "loss_currency", -1);
		for (int i = 0; i < 3; i++)
			currency[i] = (char)toupper((unsigned char)cur[i]);
	}
	if (in->nidents > OE_REPORT_IDENTS_MAX)
		return fail(e, "too_many", "identifiers", OE_REPORT_IDENTS_MAX);
	oe_itype *itype = oe_arena_alloc(c->arena, (in->nidents + 1) * sizeof(*itype));
	char **ival = oe_arena_alloc(c->arena, (in->nidents + 1) * sizeof(*ival));
	if (!itype || !ival)
		return OE_ENOMEM;
	for (size_t i = 0; i < in->nidents; i++) {
		const oe_report_ident *id = &in->idents[i];
		if (id->kind < 0 || id->kind >= OE_RI__COUNT)
			return fail(e, "unknown_kind", "identifiers", (int)i);
		if (blank(id->value))
			return fail(e, "missing", "identifiers", (int)i);
		if ((ret = check_text(id->value, OE_REPORT_FIELD_MAX, "identifiers", (int)i, e)) ||
		    (ret =
			 check_text(id->qualifier, OE_REPORT_FIELD_MAX, "identifiers", (int)i, e)))
			return ret;
		char v[OE_VALUE_MAX + 1];
		int rc = ident_canon(n, id, &itype[i], v, sizeof(v));
		if (rc < 0)
			return fail(e, "invalid_ident", "identifiers", (int)i);
		ival[i] = rc == 0 ? oe_arena_strdup(c->arena, v) : NULL;
	}
	const oe_filetype *types[OE_REPORT_FILES_MAX];
	if ((ret = check_files(in->files, in->nfiles, "evidence", e, types)))
		return ret;
	if ((ret = check_text(in->contact, OE_REPORT_CONTACT_MAX, "contact", -1, e)))
		return ret;

	/* Seal the contact details at once: from here on only the holder of
	 * intake.key can read them. */
	uint8_t *sealed = NULL;
	size_t sealed_len = 0;
	if (!blank(in->contact)) {
		size_t cl = strlen(in->contact);
		sealed_len = cl + crypto_box_SEALBYTES;
		sealed = oe_arena_alloc(c->arena, sealed_len);
		if (!sealed)
			return OE_ENOMEM;
		crypto_box_seal(sealed, (const uint8_t *)in->contact, cl, n->intake_pk);
	}
	/* Evidence is on disk (fsync'd) before the report that names it. */
	char sha[OE_REPORT_FILES_MAX][65];
	if ((ret = put_files(c, in->files, in->nfiles, sha)))
		return ret;

	oe_report_row r = {0};
	oe_uuid u;
	char us[OE_UUID_STR];
	oe_uuid_v4(&u);
	oe_uuid_format(&u, us);
	r.uuid = oe_arena_printf(c->arena, "report--%s", us);
	r.category = cat;
	r.status = OE_RS_NEW;
	r.tlp = n->cfg.report_tlp;
	r.lang = (char *)lang_of(in->lang);
	r.description = (char *)in->description;
	r.occurred_at = occurred;
	r.loss_amount = amount[0] ? amount : NULL;
	r.loss_currency = currency[0] ? currency : NULL;
	r.created = now;
	r.due_at = now + n->cfg.deadline[cat] * 1000000;

	for (int attempt = 0; attempt < 3; attempt++) {
		uint8_t h[32];
		receipt_draw(out->receipt);
		if ((ret = oe_receipt_hash(n, out->receipt, h)))
			return ret;
		if ((ret = s->ops->begin(s)))
			return ret;
		int64_t id = 0;
		ret = s->ops->report->create(s, &r, h, sealed, sealed_len, &id);
		if (ret == OE_ECONFLICT) { /* the same receipt drawn twice: draw again */
			s->ops->rollback(s);
			continue;
		}
		for (size_t i = 0; !ret && i < in->nidents; i++) {
			int64_t ind = 0;
			if (ival[i])
				ret = oe_report_ingest(c, id, itype[i], ival[i], 0, now, &ind);
			if (!ret)
				ret = s->ops->report->ident_add(
				    s, id, (int)i, in->idents[i].kind, in->idents[i].value,
				    blank(in->idents[i].qualifier) ? NULL : in->idents[i].qualifier,
				    ind);
		}
		if (!ret) {
			extract_ctx x = {.c = c, .report_id = id};
			oe_extract_opts eo = {.canon = &n->canon};
			oe_extract(in->description, strlen(in->description), &eo,
				   OE_REPORT_EXTRACT_MAX, on_extracted, &x);
			ret = x.ret;
		}
		for (size_t i = 0; !ret && i < in->nfiles; i++)
			ret = s->ops->report->file_add(s, id, 0, sha[i], types[i]->mime,
						       (int64_t)in->files[i].len,
						       file_name(c->arena, in->files[i].name), now);
		if (!ret)
			ret = s->ops->report->history_add(s, id, now, "reporter", "status", NULL,
							  "new");
		if (!ret)
			ret = s->ops->audit(s, now, "public", "report.submit", r.uuid,
					    oe_report_category_name(cat));
		if (!ret)
			ret = s->ops->commit(s);
		if (ret) {
			s->ops->rollback(s);
			sodium_memzero(out->receipt, sizeof(out->receipt));
			return ret;
		}
		snprintf(out->id, sizeof(out->id), "%s", r.uuid);
		out->created = now;
		out->due_at = r.due_at;
		return 0;
	}
	return OE_EIO;
}

/* ---- follow-up ----------------------------------------------------------- */

/* The report of a receipt. A receipt that is not 16 digits costs the same
 * answer as a wrong one. */
static int by_receipt(oe_ctx *c, const char *receipt, oe_report_row *r, oe_report_err *e)
{
	char digits[OE_RECEIPT_DIGITS + 1];
	uint8_t h[32];
	int64_t id;
	memset(e, 0, sizeof(*e));
	e->index = -1;
	if (oe_receipt_normalise(receipt, digits))
		return fail(e, "bad_receipt", "receipt", -1) ? OE_ENOTFOUND : 0;
	int ret = oe_receipt_hash(c->node, digits, h);
	sodium_memzero(digits, sizeof(digits));
	if (ret)
		return ret;
	ret = c->store->ops->report->find_receipt(c->store, h, &id);
	if (ret == OE_ENOTFOUND) {
		fail(e, "bad_receipt", "receipt", -1);
		return OE_ENOTFOUND;
	}
	if (!ret)
		ret = c->store->ops->report->get(c->store, id, NULL, c->arena, r);
	return ret;
}

int oe_svc_followup(oe_ctx *c, const char *receipt, oe_followup *out, oe_report_err *e)
{
	oe_report_row r;
	memset(out, 0, sizeof(*out));
	int ret = by_receipt(c, receipt, &r, e);
	if (ret)
		return ret;
	oe_report_message_row *m;
	size_t nm;
	ret = c->store->ops->report->messages(c->store, r.id, c->arena, &m, &nm);
	if (ret)
		return ret;
	out->messages = oe_arena_alloc(c->arena, (nm + 1) * sizeof(*out->messages));
	if (!out->messages)
		return OE_ENOMEM;
	for (size_t i = 0; i < nm; i++) {
		/* Analysts are not named to the reporter. */
		out->messages[i].from = m[i].author ? "analyst" : "reporter";
		out->messages[i].body = m[i].body ? m[i].body : "";
		out->messages[i].at = m[i].created;
		out->messages[i].nfiles = (size_t)m[i].nfiles;
	}
	out->nmessages = nm;
	out->category = oe_report_category_name(r.category);
	out->status = oe_report_status_name(r.status);
	out->created = r.created;
	out->due_at = r.due_at;
	out->updated = r.modified;
	out->reward_state = oe_reward_state_name(r.reward_state);
	out->reward_amount = r.reward_amount;
	out->reward_currency = r.reward_currency;
	out->nfiles = (size_t)r.n_files;
	return 0;
}

int oe_svc_followup_reply(oe_ctx *c, const char *receipt, const char *body,
			  const oe_report_file *files, size_t nfiles, oe_report_err *e)
{
	oe_store *s = c->store;
	oe_report_row r;
	int ret = by_receipt(c, receipt, &r, e);
	if (ret)
		return ret;
	if (blank(body) && nfiles == 0)
		return fail(e, "missing", "message", -1);
	if ((ret = check_text(body, OE_REPORT_MESSAGE_MAX, "message", -1, e)))
		return ret;
	const oe_filetype *types[OE_REPORT_FILES_MAX];
	if ((ret = check_files(files, nfiles, "evidence", e, types)))
		return ret;
	if (r.erased)
		return fail(e, "bad_receipt", "receipt", -1) ? OE_ENOTFOUND : 0;
	char sha[OE_REPORT_FILES_MAX][65];
	if ((ret = put_files(c, files, nfiles, sha)))
		return ret;
	oe_time now = oe_now();
	if ((ret = s->ops->begin(s)))
		return ret;
	int64_t mid = 0;
	ret = s->ops->report->message_add(s, r.id, 0, NULL, blank(body) ? "" : body, now, &mid);
	for (size_t i = 0; !ret && i < nfiles; i++)
		ret = s->ops->report->file_add(s, r.id, mid, sha[i], types[i]->mime,
					       (int64_t)files[i].len,
					       file_name(c->arena, files[i].name), now);
	/* New words from the reporter: the text may name more indicators. */
	if (!ret && !blank(body)) {
		extract_ctx x = {.c = c, .report_id = r.id};
		oe_extract_opts eo = {.canon = &c->node->canon};
		oe_extract(body, strlen(body), &eo, OE_REPORT_EXTRACT_MAX, on_extracted, &x);
		ret = x.ret;
	}
	if (!ret) {
		r.modified = now;
		ret = s->ops->report->update(s, &r);
	}
	if (!ret)
		ret = s->ops->report->history_add(s, r.id, now, "reporter", "message", NULL, NULL);
	if (!ret)
		ret = s->ops->audit(s, now, "public", "report.followup.message", r.uuid, NULL);
	if (!ret)
		ret = s->ops->commit(s);
	if (ret)
		s->ops->rollback(s);
	return ret;
}

int oe_svc_followup_claim(oe_ctx *c, const char *receipt, const char *payout, oe_report_err *e)
{
	oe_store *s = c->store;
	oe_report_row r;
	int ret = by_receipt(c, receipt, &r, e);
	if (ret)
		return ret;
	if (blank(payout))
		return fail(e, "missing", "payout", -1);
	if ((ret = check_text(payout, OE_REPORT_CONTACT_MAX, "payout", -1, e)))
		return ret;
	if (r.reward_state != OE_RW_ELIGIBLE)
		return fail(e, "not_claimable", "payout", -1);
	size_t pl = strlen(payout), sl = pl + crypto_box_SEALBYTES;
	uint8_t *sealed = oe_arena_alloc(c->arena, sl);
	if (!sealed)
		return OE_ENOMEM;
	crypto_box_seal(sealed, (const uint8_t *)payout, pl, c->node->intake_pk);
	oe_time now = oe_now();
	if ((ret = s->ops->begin(s)))
		return ret;
	r.reward_state = OE_RW_CLAIMED;
	r.modified = now;
	ret = s->ops->report->sealed_set(s, r.id, 1, sealed, sl);
	if (!ret)
		ret = s->ops->report->update(s, &r);
	if (!ret)
		ret = s->ops->report->history_add(s, r.id, now, "reporter", "reward", "eligible",
						  "claimed");
	if (!ret)
		ret = s->ops->audit(s, now, "public", "report.reward.claim", r.uuid, NULL);
	if (!ret)
		ret = s->ops->commit(s);
	if (ret)
		s->ops->rollback(s);
	return ret;
}

/* ---- the public check ------------------------------------------------------ */

static bool live(const oe_assertion *a, oe_time now)
{
	return !a->revoked && (!a->valid_until || a->valid_until > now);
}

int oe_svc_check(oe_ctx *c, const char *raw, size_t len, oe_check_result *out, const char **why)
{
	char v[OE_VALUE_MAX + 1];
	memset(out, 0, sizeof(*out));
	int ret = oe_detect(raw, len, &c->node->canon, &out->type, v, sizeof(v), why);
	if (ret)
		return OE_EINVAL;
	out->value = oe_arena_strdup(c->arena, v);
	oe_uuid u;
	oe_indicator_uuid(out->type, v, &u);
	oe_indicator_row row;
	ret = c->store->ops->indicator_get(c->store, 0, &u, c->arena, &row);
	if (ret == OE_ENOTFOUND)
		return 0;
	if (ret)
		return ret;
	oe_report_stats st;
	if ((ret = c->store->ops->report->stats(c->store, row.v.id, 0, &st)))
		return ret;
	oe_time now = oe_now();
	/* TLP:CLEAR assertions, ours or partners', count as published; no
	 * other marking is looked at. */
	oe_assertion origin = {
	    .tlp = row.v.tlp, .revoked = row.v.revoked, .valid_until = row.v.valid_until};
	if (origin.tlp == OE_TLP_CLEAR && live(&origin, now))
		out->clear_sources++;
	for (size_t i = 0; i < row.nothers; i++)
		if (row.others[i].tlp == OE_TLP_CLEAR && live(&row.others[i], now))
			out->clear_sources++;
	out->reports = st.reports;
	out->first_reported = st.first;
	out->last_reported = st.last;
	for (int i = 0; i < OE_RC__COUNT; i++)
		out->by_category[i] = st.by_category[i];
	out->reported = st.reports > 0 || out->clear_sources > 0;
	out->verified = st.actioned || out->clear_sources > 0;
	return 0;
}
