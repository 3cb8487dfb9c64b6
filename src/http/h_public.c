/* h_public.c - the public API of the reporting channel (/public/v1/...):
 * submit a report, follow it up by receipt, answer, claim a reward, check
 * a value. Also the helpers the pages (h_pages.c) share with it: reading a
 * report from any body a browser or a client sends, the receipt and report
 * rate limits, and errors in the reporter's language.
 *
 * Nothing here reads or keeps a client's address beyond the in-memory rate
 * limiter's keyed hash, nor logs a receipt or any field of a report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/form.h"
#include "core/json.h"
#include "http.h"
#include "i18n.h"

/* Wrong receipts and reports are counted per hour. */
#define HOUR 3600

const char *oe_http_lang(oe_req *r)
{
	return oe_i18n_lang(oe_http_arg(r, "lang"), oe_http_header(r, "Accept-Language"));
}

static const char *msg(const char *lang, const char *code)
{
	char key[96];
	snprintf(key, sizeof(key), "err.%s", code);
	return oe_i18n_has(key) ? oe_i18n(lang, key) : code;
}

static bool is_api(oe_req *r)
{
	return strncmp(r->url, "/public/", 8) == 0;
}

int oe_http_public_error(oe_req *r, int status, const char *code)
{
	const char *lang = oe_http_lang(r);
	const char *m = msg(lang, code);
	if (is_api(r)) {
		json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", m);
		return oe_http_json(r, status, j);
	}
	return oe_page_error(r, status, code);
}

static int report_error(oe_req *r, const char *lang, const oe_report_err *e)
{
	json_t *j =
	    json_pack("{s:{s:s,s:s}}", "error", "code", e->code, "message", msg(lang, e->code));
	json_t *err = json_object_get(j, "error");
	if (e->field)
		json_object_set_new(err, "field", json_string(e->field));
	if (e->index >= 0)
		json_object_set_new(err, "index", json_integer(e->index));
	int status = !strcmp(e->code, "bad_receipt") ? 404 : 400;
	return oe_http_json(r, status, j);
}

/* ---- rate limits ------------------------------------------------------------ */

int oe_public_report_allowed(oe_req *r)
{
	uint8_t key[16];
	size_t kl = oe_http_client_key(r, key);
	return kl ? oe_http_limit(r, OE_RL_REPORT, key, kl, r->srv->node->cfg.report_rate, HOUR,
				  true)
		  : 0;
}

/* Before a receipt is tried: the caller's address and the receipt's first
 * four digits must both have wrong tries left. */
int oe_public_receipt_allowed(oe_req *r, const char *receipt)
{
	const oe_config *cfg = &r->srv->node->cfg;
	uint8_t key[16];
	size_t kl = oe_http_client_key(r, key);
	int w =
	    kl ? oe_http_limit(r, OE_RL_RECEIPT_ADDR, key, kl, cfg->followup_failures, HOUR, false)
	       : 0;
	char prefix[5] = "";
	size_t k = 0;
	for (const char *p = receipt ? receipt : ""; *p && k < 4; p++)
		if (*p >= '0' && *p <= '9')
			prefix[k++] = *p;
	prefix[k] = '\0';
	if (!w)
		w = oe_http_limit(r, OE_RL_RECEIPT_PREFIX, prefix, k, cfg->prefix_failures, HOUR,
				  false);
	return w;
}

void oe_public_receipt_failed(oe_req *r, const char *receipt)
{
	const oe_config *cfg = &r->srv->node->cfg;
	uint8_t key[16];
	size_t kl = oe_http_client_key(r, key);
	if (kl)
		oe_http_limit(r, OE_RL_RECEIPT_ADDR, key, kl, cfg->followup_failures, HOUR, true);
	char prefix[5];
	size_t k = 0;
	for (const char *p = receipt ? receipt : ""; *p && k < 4; p++)
		if (*p >= '0' && *p <= '9')
			prefix[k++] = *p;
	oe_http_limit(r, OE_RL_RECEIPT_PREFIX, prefix, k, cfg->prefix_failures, HOUR, true);
	r->retry_after = 0; /* a failure is not a refusal */
}

/* ---- reading bodies ---------------------------------------------------------- */

static bool is_json(oe_req *r)
{
	const char *ct = oe_http_header(r, "Content-Type");
	return ct && !strncasecmp(ct, "application/json", 16);
}

/* A JSON string member, or NULL; a member of another type is refused. */
static int jstr(json_t *o, const char *name, const char **out, oe_report_err *e, int index)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		e->code = "bad_form";
		e->field = name;
		e->index = index;
		return OE_EINVAL;
	}
	*out = json_string_value(v);
	return 0;
}

static int bad(oe_report_err *e, const char *code, const char *field, int index)
{
	e->code = code;
	e->field = field;
	e->index = index;
	return OE_EINVAL;
}

/* "evidence": [{"name","content_base64"}], at most OE_REPORT_FILES_MAX
 * (fv has room for that many); the bytes are decoded into the arena. */
static int json_files(oe_req *r, json_t *ev, oe_report_file *fv, size_t *n, oe_report_err *e)
{
	*n = 0;
	if (!ev || json_is_null(ev))
		return 0;
	if (!json_is_array(ev))
		return bad(e, "bad_form", "evidence", -1);
	if (json_array_size(ev) > OE_REPORT_FILES_MAX)
		return bad(e, "too_many", "evidence", OE_REPORT_FILES_MAX);
	for (size_t i = 0; i < json_array_size(ev); i++) {
		json_t *o = json_array_get(ev, i);
		const char *b64 = NULL;
		int ret;
		if (!json_is_object(o))
			return bad(e, "bad_form", "evidence", (int)i);
		if ((ret = jstr(o, "name", &fv[i].name, e, (int)i)) ||
		    (ret = jstr(o, "content_base64", &b64, e, (int)i)))
			return ret;
		if (!b64)
			return bad(e, "missing", "evidence", (int)i);
		size_t bl = strlen(b64), cap = bl / 4 * 3 + 3, got = 0;
		if (cap > OE_REPORT_FILE_MAX + 4)
			return bad(e, "file_too_large", "evidence", (int)i);
		uint8_t *buf = oe_arena_alloc(&r->arena, cap);
		if (!buf)
			return OE_ENOMEM;
		if (sodium_base642bin(buf, cap, b64, bl, " \r\n", &got, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			return bad(e, "bad_form", "evidence", (int)i);
		fv[i].data = (const char *)buf;
		fv[i].len = got;
		*n = i + 1;
	}
	return 0;
}

/* The JSON form: {"category","description","occurred_at","loss":{"amount",
 * "currency"},"identifiers":[{"kind","value","bank"|"provider"|"platform"}],
 * "contact","lang","evidence":[{"name","content_base64"}]}. The strings stay
 * owned by *root, which the caller frees after use. */
static int report_from_json(oe_req *r, oe_report_in *in, oe_report_err *e, json_t **root)
{
	char err[256];
	json_t *j = NULL;
	if (oe_json_parse(r->body.data, r->body.len, &j, err, sizeof(err)) != 0 ||
	    !json_is_object(j)) {
		json_decref(j);
		return bad(e, "bad_form", NULL, -1);
	}
	*root = j;
	int ret;
	if ((ret = jstr(j, "category", &in->category, e, -1)) ||
	    (ret = jstr(j, "description", &in->description, e, -1)) ||
	    (ret = jstr(j, "occurred_at", &in->occurred_at, e, -1)) ||
	    (ret = jstr(j, "contact", &in->contact, e, -1)) ||
	    (ret = jstr(j, "lang", &in->lang, e, -1)) ||
	    (ret = jstr(j, "loss_amount", &in->loss_amount, e, -1)) ||
	    (ret = jstr(j, "loss_currency", &in->loss_currency, e, -1)))
		return ret;
	json_t *loss = json_object_get(j, "loss");
	if (loss && json_is_object(loss)) {
		json_t *a = json_object_get(loss, "amount");
		if (json_is_integer(a))
			in->loss_amount =
			    oe_arena_printf(&r->arena, "%lld", (long long)json_integer_value(a));
		else if (json_is_real(a))
			in->loss_amount = oe_arena_printf(&r->arena, "%.2f", json_real_value(a));
		else if ((ret = jstr(loss, "amount", &in->loss_amount, e, -1)))
			return ret;
		if ((ret = jstr(loss, "currency", &in->loss_currency, e, -1)))
			return ret;
	} else if (loss && !json_is_null(loss)) {
		return bad(e, "bad_form", "loss", -1);
	}
	json_t *ids = json_object_get(j, "identifiers");
	if (ids && !json_is_array(ids))
		return bad(e, "bad_form", "identifiers", -1);
	size_t nid = ids ? json_array_size(ids) : 0;
	if (nid > OE_REPORT_IDENTS_MAX)
		return bad(e, "too_many", "identifiers", OE_REPORT_IDENTS_MAX);
	oe_report_ident *idv = oe_arena_alloc(&r->arena, (nid + 1) * sizeof(*idv));
	if (!idv)
		return OE_ENOMEM;
	for (size_t i = 0; i < nid; i++) {
		json_t *o = json_array_get(ids, i);
		const char *kind, *q = NULL, *q2 = NULL, *q3 = NULL, *q4 = NULL;
		if (!json_is_object(o))
			return bad(e, "bad_form", "identifiers", (int)i);
		if ((ret = jstr(o, "kind", &kind, e, (int)i)) ||
		    (ret = jstr(o, "value", &idv[i].value, e, (int)i)) ||
		    (ret = jstr(o, "bank", &q, e, (int)i)) ||
		    (ret = jstr(o, "provider", &q2, e, (int)i)) ||
		    (ret = jstr(o, "platform", &q3, e, (int)i)) ||
		    (ret = jstr(o, "qualifier", &q4, e, (int)i)))
			return ret;
		idv[i].kind = oe_report_ident_parse(kind);
		if (!kind || idv[i].kind < 0)
			return bad(e, kind ? "unknown_kind" : "missing", "identifiers", (int)i);
		if (!idv[i].value)
			return bad(e, "missing", "identifiers", (int)i);
		idv[i].qualifier = q ? q : q2 ? q2 : q3 ? q3 : q4;
	}
	in->idents = idv;
	in->nidents = nid;
	oe_report_file *fv = oe_arena_alloc(&r->arena, OE_REPORT_FILES_MAX * sizeof(*fv));
	size_t nf = 0;
	if (!fv)
		return OE_ENOMEM;
	if ((ret = json_files(r, json_object_get(j, "evidence"), fv, &nf, e)))
		return ret;
	in->files = fv;
	in->nfiles = nf;
	return 0;
}

/* Form fields: category, description, occurred_at, loss_amount,
 * loss_currency, rows of ident_kind / ident_value / ident_qualifier paired
 * by order (rows with an empty value are blank rows of the form), contact,
 * lang, and file parts named "evidence" (an empty file input sends a part
 * with no name and no bytes: skipped). */
static int report_from_form(oe_req *r, oe_report_in *in, oe_report_err *e)
{
	oe_form f;
	const char *why;
	int ret = oe_form_parse(oe_http_header(r, "Content-Type"), r->body.data, r->body.len,
				&r->arena, &f, &why);
	if (ret == OE_ETOOBIG)
		return bad(e, "too_many", NULL, -1);
	if (ret)
		return ret == OE_ENOMEM ? ret : bad(e, "bad_form", NULL, -1);
	in->category = oe_form_get(&f, "category");
	in->description = oe_form_get(&f, "description");
	in->occurred_at = oe_form_get(&f, "occurred_at");
	in->loss_amount = oe_form_get(&f, "loss_amount");
	in->loss_currency = oe_form_get(&f, "loss_currency");
	in->contact = oe_form_get(&f, "contact");
	in->lang = oe_form_get(&f, "lang");
	oe_report_ident *idv = oe_arena_alloc(&r->arena, (f.n + 1) * sizeof(*idv));
	oe_report_file *fv = oe_arena_alloc(&r->arena, (f.n + 1) * sizeof(*fv));
	if (!idv || !fv)
		return OE_ENOMEM;
	size_t nk = 0, nv = 0, nq = 0, nf = 0, nid = 0;
	const char **kinds = oe_arena_alloc(&r->arena, (f.n + 1) * sizeof(char *) * 3);
	if (!kinds)
		return OE_ENOMEM;
	const char **vals = kinds + f.n + 1, **quals = vals + f.n + 1;
	for (size_t i = 0; i < f.n; i++) {
		const oe_form_field *x = &f.fields[i];
		if (x->filename) {
			if (!strcmp(x->name, "evidence") && x->len > 0) {
				if (nf == OE_REPORT_FILES_MAX)
					return bad(e, "too_many", "evidence", OE_REPORT_FILES_MAX);
				fv[nf].name = x->filename;
				fv[nf].data = x->value;
				fv[nf++].len = x->len;
			}
			continue;
		}
		if (!strcmp(x->name, "ident_kind"))
			kinds[nk++] = x->value;
		else if (!strcmp(x->name, "ident_value"))
			vals[nv++] = x->value;
		else if (!strcmp(x->name, "ident_qualifier"))
			quals[nq++] = x->value;
	}
	for (size_t i = 0; i < nv; i++) {
		const char *v = vals[i];
		bool empty = true;
		for (const char *p = v; *p && empty; p++)
			empty = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
		if (empty)
			continue;
		if (nid == OE_REPORT_IDENTS_MAX)
			return bad(e, "too_many", "identifiers", OE_REPORT_IDENTS_MAX);
		const char *k = i < nk ? kinds[i] : NULL;
		idv[nid].kind = oe_report_ident_parse(k);
		if (idv[nid].kind < 0)
			return bad(e, k && *k ? "unknown_kind" : "missing", "identifiers",
				   (int)nid);
		idv[nid].value = v;
		idv[nid].qualifier = i < nq && *quals[i] ? quals[i] : NULL;
		nid++;
	}
	in->idents = idv;
	in->nidents = nid;
	in->files = fv;
	in->nfiles = nf;
	return 0;
}

int oe_public_report_in(oe_req *r, oe_report_in *in, oe_report_err *e)
{
	memset(in, 0, sizeof(*in));
	memset(e, 0, sizeof(*e));
	e->index = -1;
	if (r->body.len == 0)
		return bad(e, "missing", "category", -1);
	if (is_json(r)) {
		json_t *root = NULL;
		int ret = report_from_json(r, in, e, &root);
		/* The strings must outlive the parse: copy the report into the
		 * arena by re-pointing at arena copies. */
		if (!ret) {
			const char **s[] = {&in->category,    &in->description,	  &in->occurred_at,
					    &in->loss_amount, &in->loss_currency, &in->contact,
					    &in->lang};
			for (size_t i = 0; i < OE_ARRAY_SIZE(s); i++)
				if (*s[i] && !(*s[i] = oe_arena_strdup(&r->arena, *s[i])))
					ret = OE_ENOMEM;
			oe_report_ident *idv = (oe_report_ident *)in->idents;
			for (size_t i = 0; !ret && i < in->nidents; i++) {
				idv[i].value = oe_arena_strdup(&r->arena, idv[i].value);
				if (idv[i].qualifier)
					idv[i].qualifier =
					    oe_arena_strdup(&r->arena, idv[i].qualifier);
			}
			oe_report_file *fv = (oe_report_file *)in->files;
			for (size_t i = 0; !ret && i < in->nfiles; i++)
				if (fv[i].name)
					fv[i].name = oe_arena_strdup(&r->arena, fv[i].name);
		}
		json_decref(root);
		return ret;
	}
	return report_from_form(r, in, e);
}

/* ---- handlers --------------------------------------------------------------- */

int oe_h_public_report(oe_req *r)
{
	oe_report_in in;
	oe_report_err e;
	const char *lang = oe_http_lang(r);
	if (oe_public_report_allowed(r))
		return oe_http_public_error(r, 429, "rate_limited");
	int ret = oe_public_report_in(r, &in, &e);
	if (!ret) {
		if (in.lang)
			lang = oe_i18n_lang(in.lang, NULL);
		else
			in.lang = lang;
	}
	oe_report_receipt rc;
	if (!ret)
		ret = oe_svc_report_submit(&r->ctx, &in, &rc, &e);
	if (ret == OE_EINVAL)
		return report_error(r, lang, &e);
	if (ret)
		return oe_http_public_error(r, ret == OE_ENOMEM ? 503 : 500, "internal");
	json_t *j = json_pack("{s:s,s:s,s:o,s:o,s:s}", "receipt", rc.receipt, "status", "new",
			      "created", oe_json_time(rc.created), "due_at",
			      oe_json_time(rc.due_at), "message", oe_i18n(lang, "receipt.keep"));
	sodium_memzero(rc.receipt, sizeof(rc.receipt));
	return oe_http_json(r, 201, j);
}

/* The receipt of a follow-up request, from JSON or a form; fields the
 * caller wants are filled too (message, payout, files). */
typedef struct {
	const char *receipt, *message, *payout, *lang;
	oe_report_file files[OE_REPORT_FILES_MAX];
	size_t nfiles;
	json_t *root;
} followup_in;

static int followup_read(oe_req *r, followup_in *fi, oe_report_err *e)
{
	memset(fi, 0, sizeof(*fi));
	memset(e, 0, sizeof(*e));
	e->index = -1;
	if (is_json(r)) {
		char err[256];
		if (oe_json_parse(r->body.data, r->body.len, &fi->root, err, sizeof(err)) != 0 ||
		    !json_is_object(fi->root))
			return bad(e, "bad_form", NULL, -1);
		int ret;
		if ((ret = jstr(fi->root, "receipt", &fi->receipt, e, -1)) ||
		    (ret = jstr(fi->root, "message", &fi->message, e, -1)) ||
		    (ret = jstr(fi->root, "payout", &fi->payout, e, -1)) ||
		    (ret = jstr(fi->root, "lang", &fi->lang, e, -1)))
			return ret;
		return json_files(r, json_object_get(fi->root, "evidence"), fi->files, &fi->nfiles,
				  e);
	}
	oe_form f;
	const char *why;
	int ret = oe_form_parse(oe_http_header(r, "Content-Type"), r->body.data, r->body.len,
				&r->arena, &f, &why);
	if (ret)
		return ret == OE_ENOMEM ? ret : bad(e, "bad_form", NULL, -1);
	fi->receipt = oe_form_get(&f, "receipt");
	fi->message = oe_form_get(&f, "message");
	fi->payout = oe_form_get(&f, "payout");
	fi->lang = oe_form_get(&f, "lang");
	for (size_t i = 0; i < f.n; i++) {
		const oe_form_field *x = &f.fields[i];
		if (!x->filename || strcmp(x->name, "evidence") || !x->len)
			continue;
		if (fi->nfiles == OE_REPORT_FILES_MAX)
			return bad(e, "too_many", "evidence", OE_REPORT_FILES_MAX);
		fi->files[fi->nfiles].name = x->filename;
		fi->files[fi->nfiles].data = x->value;
		fi->files[fi->nfiles++].len = x->len;
	}
	return 0;
}

json_t *oe_public_followup_json(const oe_followup *f)
{
	json_t *msgs = json_array();
	for (size_t i = 0; i < f->nmessages; i++)
		json_array_append_new(
		    msgs, json_pack("{s:s,s:s,s:o,s:I}", "from", f->messages[i].from, "body",
				    f->messages[i].body, "at", oe_json_time(f->messages[i].at),
				    "files", (json_int_t)f->messages[i].nfiles));
	json_t *reward = json_pack("{s:s}", "state", f->reward_state);
	if (f->reward_amount)
		json_object_set_new(reward, "amount", json_string(f->reward_amount));
	if (f->reward_currency)
		json_object_set_new(reward, "currency", json_string(f->reward_currency));
	return json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:I}", "status", f->status, "category",
			 f->category, "created", oe_json_time(f->created), "due_at",
			 oe_json_time(f->due_at), "updated", oe_json_time(f->updated), "messages",
			 msgs, "reward", reward, "files", (json_int_t)f->nfiles);
}

/* Read the request, check the receipt's limits, run what, answer the
 * follow-up view. what: 0 view, 1 reply, 2 claim. */
static int followup(oe_req *r, int what)
{
	followup_in fi;
	oe_report_err e;
	const char *lang = oe_http_lang(r);
	int ret = followup_read(r, &fi, &e);
	if (!ret && fi.lang)
		lang = oe_i18n_lang(fi.lang, NULL);
	if (ret) {
		json_decref(fi.root);
		return ret == OE_ENOMEM ? oe_http_public_error(r, 503, "internal")
					: report_error(r, lang, &e);
	}
	if (!fi.receipt || !*fi.receipt) {
		json_decref(fi.root);
		e = (oe_report_err){"missing", "receipt", -1};
		return report_error(r, lang, &e);
	}
	if (oe_public_receipt_allowed(r, fi.receipt)) {
		json_decref(fi.root);
		return oe_http_public_error(r, 429, "rate_limited");
	}
	if (what == 1)
		ret =
		    oe_svc_followup_reply(&r->ctx, fi.receipt, fi.message, fi.files, fi.nfiles, &e);
	else if (what == 2)
		ret = oe_svc_followup_claim(&r->ctx, fi.receipt, fi.payout, &e);
	oe_followup f;
	if (!ret)
		ret = oe_svc_followup(&r->ctx, fi.receipt, &f, &e);
	if (ret == OE_ENOTFOUND || (ret == OE_EINVAL && e.code && !strcmp(e.code, "bad_receipt")))
		oe_public_receipt_failed(r, fi.receipt);
	json_decref(fi.root);
	if (ret == OE_EINVAL || ret == OE_ENOTFOUND)
		return report_error(r, lang, &e);
	if (ret)
		return oe_http_public_error(r, 500, "internal");
	return oe_http_json(r, what == 1 ? 201 : 200, oe_public_followup_json(&f));
}

int oe_h_public_followup(oe_req *r)
{
	return followup(r, 0);
}
int oe_h_public_followup_reply(oe_req *r)
{
	return followup(r, 1);
}
int oe_h_public_followup_claim(oe_req *r)
{
	return followup(r, 2);
}

json_t *oe_public_check_json(const oe_check_result *c, const char *lang)
{
	json_t *cats = json_object();
	for (int i = 0; i < OE_RC__COUNT; i++)
		if (c->by_category[i])
			json_object_set_new(cats, oe_report_category_name(i),
					    json_integer(c->by_category[i]));
	return json_pack(
	    "{s:s,s:s,s:b,s:I,s:I,s:o,s:o,s:o,s:b,s:s}", "type", oe_itype_name(c->type), "value",
	    c->value, "reported", c->reported, "reports", (json_int_t)c->reports, "clear_sources",
	    (json_int_t)c->clear_sources, "first_reported", oe_json_time(c->first_reported),
	    "last_reported", oe_json_time(c->last_reported), "categories", cats, "verified",
	    c->verified, "advice", oe_i18n(lang, "check.advice"));
}

int oe_h_public_check(oe_req *r)
{
	const char *lang = oe_http_lang(r);
	const char *v = oe_http_arg(r, "value");
	if (!v || !*v) {
		oe_report_err e = {"missing", "value", -1};
		return report_error(r, lang, &e);
	}
	oe_check_result c;
	const char *why = NULL;
	int ret = oe_svc_check(&r->ctx, v, strlen(v), &c, &why);
	if (ret == OE_EINVAL) {
		json_t *j = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid_value",
				      "message", msg(lang, "invalid_value"), "field", "value");
		if (why)
			json_object_set_new(json_object_get(j, "error"), "detail",
					    json_string(why));
		return oe_http_json(r, 400, j);
	}
	if (ret)
		return oe_http_public_error(r, 500, "internal");
	return oe_http_json(r, 200, oe_public_check_json(&c, lang));
}
