/* h_pages.c - the public channel's pages: home, report, check, follow-up.
 *
 * Server-side rendered, so that every form works with JavaScript off
 * (web/static/app.js only improves them). Each handler reads the form,
 * calls the service, and renders a template of web/templates into the
 * layout, in the reporter's language (i18n.h). Everything a handler
 * allocates lives in the request's arena, except the jansson variables
 * (freed before answering) and the page (handed to oe_http_html).
 *
 * The receipt is the reporter's only key to a report: it travels in POST
 * bodies only (hidden fields), never in a URL, and pages are not cached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/form.h"
#include "core/json.h"
#include "http/http.h"
#include "http/i18n.h"
#include "http/tmpl.h"
#include "service/log.h"

/* An HTML error page in the client's language, for answers that refuse a
 * page route before or instead of its handler (413 too_large, 429
 * rate_limited, 503 unavailable). code is an err.* code. */

/* Identifier rows the report form shows with JavaScript off; "add another"
 * (app.js) adds more, up to OE_REPORT_IDENTS_MAX. */
#define IDENT_ROWS 5
/* Longest receipt as typed (digits, spaces, dashes, full-width digits). */
#define RECEIPT_INPUT_MAX 96

static const char *const currencies[] = {"IDR", "CNY", "MYR", "SGD", "THB", "VND", "PHP", "USD"};

/* ---- small helpers --------------------------------------------------- */

/* A JSON string of outside text: never NULL, invalid UTF-8 made readable. */
static json_t *jtext(const char *s)
{
	json_t *j = oe_json_string_lossy(s ? s : "");
	return j ? j : json_string("");
}

static void set(json_t *o, const char *k, json_t *v)
{
	json_object_set_new(o, k, v ? v : json_null());
}

static void set_s(json_t *o, const char *k, const char *s)
{
	set(o, k, jtext(s));
}

static const char *T(const char *lang, const char *key)
{
	return oe_i18n(lang, key);
}

/* oe_i18n of "<prefix>.<name>", or fallback when there is no such key. */
static const char *Tn(oe_req *r, const char *lang, const char *prefix, const char *name,
		      const char *fallback)
{
	if (!name)
		return fallback;
	char *key = oe_arena_printf(&r->arena, "%s.%s", prefix, name);
	return key && oe_i18n_has(key) ? oe_i18n(lang, key) : fallback;
}

/* The translated message of an error code (err.<code>). */
static const char *err_text(oe_req *r, const char *lang, const char *code)
{
	return Tn(r, lang, "err", code, oe_i18n(lang, "err.invalid"));
}

static const char *req_lang(oe_req *r, const oe_form *f)
{
	const char *l = oe_http_arg(r, "lang");
	if (!l && f)
		l = oe_form_get(f, "lang");
	return oe_i18n_lang(l, oe_http_header(r, "Accept-Language"));
}

static bool is_post(oe_req *r)
{
	return strcmp(r->method, "POST") == 0;
}

/* Substitute {d} {m} {y} {month} {time} in lang's pattern (fmt.date,
 * fmt.datetime). Times are shown in UTC and say so. */
static const char *fmt_time(oe_req *r, const char *lang, oe_time t, bool with_time)
{
	if (t <= 0)
		return T(lang, "common.never");
	time_t s = (time_t)(t / 1000000);
	struct tm tm;
	if (!gmtime_r(&s, &tm))
		return T(lang, "common.never");
	char mkey[24];
	snprintf(mkey, sizeof(mkey), "month.%d", tm.tm_mon + 1);
	const char *pat = T(lang, with_time ? "fmt.datetime" : "fmt.date");
	oe_buf b = OE_BUF_INIT;
	for (const char *p = pat; *p; p++) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (e) {
				size_t n = (size_t)(e - p - 1);
				if (n == 1 && p[1] == 'd')
					oe_buf_printf(&b, "%d", tm.tm_mday);
				else if (n == 1 && p[1] == 'm')
					oe_buf_printf(&b, "%d", tm.tm_mon + 1);
				else if (n == 1 && p[1] == 'y')
					oe_buf_printf(&b, "%d", tm.tm_year + 1900);
				else if (n == 5 && !strncmp(p + 1, "month", 5))
					oe_buf_adds(&b, T(lang, mkey));
				else if (n == 4 && !strncmp(p + 1, "time", 4))
					oe_buf_printf(&b, "%02d:%02d", tm.tm_hour, tm.tm_min);
				else
					oe_buf_add(&b, p, n + 2);
				p = e;
				continue;
			}
		}
		oe_buf_addc(&b, *p);
	}
	const char *out = oe_buf_error(&b) ? "" : oe_arena_strdup(&r->arena, b.data ? b.data : "");
	oe_buf_free(&b);
	return out ? out : "";
}

/* "YYYY-MM-DD" of t in UTC. */
static void iso_date(oe_time t, char out[16])
{
	time_t s = (time_t)(t / 1000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The strings app.js needs, as one JSON text for a data-strings
 * attribute: every key that starts with one of prefixes. */
static void set_strings(json_t *vars, const char *lang, const char *const *prefixes)
{
	json_t *o = json_object();
	for (size_t i = 0; i < oe_web_i18n_nkeys; i++)
		for (const char *const *p = prefixes; *p; p++)
			if (!strncmp(oe_web_i18n_keys[i], *p, strlen(*p))) {
				set_s(o, oe_web_i18n_keys[i], oe_i18n(lang, oe_web_i18n_keys[i]));
				break;
			}
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	set_s(vars, "strings", s ? s : "{}");
	free(s);
}

/* ---- rendering ------------------------------------------------------- */

static int render(const char *name, json_t *vars, const char *lang, char **out, size_t *len)
{
	const oe_web_file *t = oe_web_template(name);
	if (!t)
		return OE_ENOTFOUND;
	const char *why = NULL;
	return oe_tmpl_render(t->data, t->len, vars, lang, out, len, &why);
}

/* Render template name with vars (reference stolen) into the layout and
 * answer it. path is the page's GET path, for the language links and the
 * menu; title_key names the page's title. */
static int send_page(oe_req *r, int status, const char *lang, const char *name, const char *path,
		     const char *title_key, json_t *vars)
{
	char *body = NULL, *html = NULL;
	size_t blen = 0, hlen = 0;
	set_s(vars, "lang", lang);
	set_s(vars, "v", oe_web_static_version);
	int ret = render(name, vars, lang, &body, &blen);
	json_decref(vars);
	if (ret)
		return oe_http_error(r, 500, "internal", "cannot render the page %s: %s", name,
				     oe_strerror(ret));
	json_t *lv = json_object();
	set_s(lv, "lang", lang);
	set_s(lv, "v", oe_web_static_version);
	set_s(lv, "title", T(lang, title_key));
	json_t *langs = json_array();
	static const char *const all[] = {OE_LANGS};
	for (size_t i = 0; i < OE_ARRAY_SIZE(all); i++) {
		json_t *l = json_object();
		set_s(l, "code", all[i]);
		set_s(l, "name", oe_i18n(all[i], "lang.self"));
		set(l, "href", json_sprintf("%s?lang=%s", path, all[i]));
		set(l, "current", json_boolean(strcmp(all[i], lang) == 0));
		json_array_append_new(langs, l);
	}
	set(lv, "langs", langs);
	set(lv, "nav_report", json_boolean(!strcmp(path, "/report")));
	set(lv, "nav_check", json_boolean(!strcmp(path, "/check")));
	set(lv, "nav_followup", json_boolean(!strcmp(path, "/follow-up")));
	set(lv, "body", json_stringn_nocheck(body, blen));
	free(body);
	ret = render("layout", lv, lang, &html, &hlen);
	json_decref(lv);
	if (ret)
		return oe_http_error(r, 500, "internal", "cannot render the layout: %s",
				     oe_strerror(ret));
	return oe_http_html(r, status, html, hlen);
}

static int error_page(oe_req *r, const char *lang, int status, const char *code)
{
	json_t *v = json_object();
	set_s(v, "heading", T(lang, status >= 500 ? "error.title.server" : "error.title"));
	set_s(v, "message", err_text(r, lang, code));
	set(v, "back_href", json_sprintf("/?lang=%s", lang));
	set_s(v, "back_text", T(lang, "error.back"));
	return send_page(r, status, lang, "error", "/", "error.title", v);
}

int oe_page_error(oe_req *r, int status, const char *code)
{
	return error_page(r, req_lang(r, NULL), status, code);
}

/* The page for a service failure that is not the reporter's doing. */
static int fail_page(oe_req *r, const char *lang, int err)
{
	switch (err) {
	case OE_ETOOBIG: return error_page(r, lang, 413, "too_large");
	case OE_EIO: return error_page(r, lang, 503, "unavailable");
	default:
		oe_log(OE_LOG_ERROR, "page failed", "{s:s,s:s,s:s}", "method", r->method, "route",
		       r->route ? r->route->path : "?", "error", oe_strerror(err));
		return error_page(r, lang, 500, "internal");
	}
}

/* ---- home ------------------------------------------------------------ */

int oe_h_page_home(oe_req *r)
{
	const char *lang = req_lang(r, NULL);
	return send_page(r, 200, lang, "home", "/", "home.title", json_object());
}

/* ---- report ---------------------------------------------------------- */

/* Where an error of a report's field is shown: the template variable
 * beside the field and the id the error summary links to. */
static const struct {
	const char *field, *var, *anchor;
} report_fields[] = {
    {"category", "err_category", "category"},
    {"description", "err_description", "description"},
    {"occurred_at", "err_occurred_at", "occurred_at"},
    {"loss_amount", "err_loss_amount", "loss_amount"},
    {"loss_currency", "err_loss_currency", "loss_currency"},
    {"contact", "err_contact", "contact"},
    {"evidence", "err_evidence", "evidence"},
    {"files", "err_evidence", "evidence"},
    {"file", "err_evidence", "evidence"},
};

/* The n-th (0-based) field called name, or NULL. */
static const oe_form_field *nth_field(const oe_form *f, const char *name, size_t n, bool files)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		const oe_form_field *x = &f->fields[i];
		if (strcmp(x->name, name) != 0 || (x->filename != NULL) != files)
			continue;
		/* A file input left empty is sent as a part with no name and no
		 * bytes: not a file. */
		if (files && !x->len && !x->filename[0])
			continue;
		if (n-- == 0)
			return x;
	}
	return NULL;
}

static const char *nth_text(const oe_form *f, const char *name, size_t n)
{
	const oe_form_field *x = nth_field(f, name, n, false);
	return x ? x->value : NULL;
}

static size_t count_fields(const oe_form *f, const char *name, bool files)
{
	size_t n = 0;
	while (nth_field(f, name, n, files))
		n++;
	return n;
}

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* s, or its first max bytes (cut before a UTF-8 character) when longer:
 * a form shown again does not echo a 5 MB text back. */
static const char *clip(oe_req *r, const char *s, size_t max)
{
	if (!s || strnlen(s, max + 1) <= max)
		return s;
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	const char *c = oe_arena_strndup(&r->arena, s, n);
	return c ? c : "";
}

/* The report form's variables, with the values of f (NULL: empty form)
 * and the error e (NULL: none). */
static json_t *report_vars(oe_req *r, const char *lang, const oe_form *f, const oe_report_err *e)
{
	json_t *v = json_object();
	const char *cat = f ? oe_form_get(f, "category") : NULL;
	json_t *cats = json_array();
	for (int c = 0; c < OE_RC__COUNT; c++) {
		const char *name = oe_report_category_name(c);
		json_t *o = json_object();
		set_s(o, "name", name);
		set_s(o, "label", Tn(r, lang, "category", name, name));
		set(o, "selected", json_boolean(cat && !strcmp(cat, name)));
		json_array_append_new(cats, o);
	}
	set(v, "categories", cats);
	static const char *const texts[] = {"description", "occurred_at", "loss_amount", "contact"};
	for (size_t i = 0; i < OE_ARRAY_SIZE(texts); i++)
		set_s(v, texts[i],
		      f ? clip(r, oe_form_get(f, texts[i]), OE_REPORT_TEXT_MAX) : NULL);

	const char *cur = f ? oe_form_get(f, "loss_currency") : NULL;
	if (!cur)
		cur = !strcmp(lang, "zh") ? "CNY" : "IDR";
	json_t *curs = json_array();
	for (size_t i = 0; i < OE_ARRAY_SIZE(currencies); i++) {
		json_t *o = json_object();
		char key[32];
		snprintf(key, sizeof(key), "currency.%s", currencies[i]);
		set_s(o, "code", currencies[i]);
		set_s(o, "label", T(lang, key));
		set(o, "selected", json_boolean(!strcmp(cur, currencies[i])));
		json_array_append_new(curs, o);
	}
	set(v, "currencies", curs);

	/* Identifier rows: the typed ones, then blank ones up to IDENT_ROWS.
	 * An error's index counts the rows with a value, as the service does. */
	size_t typed = count_fields(f, "ident_value", false);
	size_t rows = typed > IDENT_ROWS ? typed : IDENT_ROWS;
	if (rows > OE_REPORT_IDENTS_MAX)
		rows = OE_REPORT_IDENTS_MAX;
	bool ident_err = e && e->field && !strncmp(e->field, "ident", 5);
	const char *ident_msg = ident_err ? err_text(r, lang, e->code) : NULL;
	int err_row = -1;
	json_t *idents = json_array();
	for (size_t i = 0, filled = 0; i < rows; i++) {
		const char *kind = nth_text(f, "ident_kind", i);
		const char *val = nth_text(f, "ident_value", i);
		json_t *o = json_object();
		set(o, "n", json_integer((json_int_t)i + 1));
		json_t *kinds = json_array();
		for (int k = 0; k < OE_RI__COUNT; k++) {
			const char *name = oe_report_ident_name(k);
			json_t *ko = json_object();
			set_s(ko, "name", name);
			set_s(ko, "label", Tn(r, lang, "ident", name, name));
			set(ko, "selected", json_boolean(kind && !strcmp(kind, name)));
			json_array_append_new(kinds, ko);
		}
		set(o, "kinds", kinds);
		set_s(o, "value", clip(r, val, OE_REPORT_FIELD_MAX));
		set_s(o, "qualifier",
		      clip(r, nth_text(f, "ident_qualifier", i), OE_REPORT_FIELD_MAX));
		bool is_blank = blank(val);
		bool bad = false;
		if (ident_err && !is_blank &&
		    (e->index < 0 ? err_row < 0 : (int)filled == e->index))
			bad = true;
		if (!is_blank)
			filled++;
		if (bad)
			err_row = (int)i;
		set(o, "error", bad ? jtext(ident_msg) : json_false());
		set(o, "blank", json_boolean(is_blank && i > 0));
		json_array_append_new(idents, o);
	}
	set(v, "idents", idents);

	set(v, "files_again", json_boolean(f && count_fields(f, "evidence", true) > 0));
	set(v, "max_files", json_integer(OE_REPORT_FILES_MAX));
	set(v, "max_bytes", json_integer(OE_REPORT_FILE_MAX));
	set(v, "max_idents", json_integer(OE_REPORT_IDENTS_MAX));
	/* The latest date anywhere on Earth (UTC+14): a date picker must not
	 * refuse a reporter's "today". */
	char today[16];
	iso_date(oe_now() + (oe_time)14 * 3600 * 1000000, today);
	set_s(v, "today", today);
	static const char *const js[] = {"js.", "err.", "report.ident.", "ident.", NULL};
	set_strings(v, lang, js);

	/* The receipt panel, for app.js to fill in when it sends the form. */
	json_t *rv = json_object();
	set_s(rv, "lang", lang);
	set(rv, "groups", json_array());
	set_s(rv, "receipt", "");
	set_s(rv, "due", "");
	static const char *const rjs[] = {"js.", NULL};
	set_strings(rv, lang, rjs);
	char *rt = NULL;
	size_t rtl = 0;
	if (render("receipt", rv, lang, &rt, &rtl) == 0)
		set(v, "receipt_template", json_stringn_nocheck(rt, rtl));
	free(rt);
	json_decref(rv);

	/* The error, beside its field and in the summary at the top. */
	json_t *errors = json_array();
	if (e && e->code) {
		const char *msg = err_text(r, lang, e->code);
		const char *anchor = "category";
		if (ident_err) {
			anchor = oe_arena_printf(&r->arena, "ident-value-%d",
						 err_row >= 0 ? err_row + 1 : 1);
			msg = oe_arena_printf(&r->arena, "%s %d: %s", T(lang, "report.ident.row"),
					      err_row >= 0 ? err_row + 1 : 1, msg);
		} else if (e->field) {
			for (size_t i = 0; i < OE_ARRAY_SIZE(report_fields); i++) {
				if (strcmp(e->field, report_fields[i].field) != 0)
					continue;
				anchor = report_fields[i].anchor;
				const oe_form_field *file =
				    e->index >= 0 && !strcmp(anchor, "evidence")
					? nth_field(f, "evidence", (size_t)e->index, true)
					: NULL;
				if (file && file->filename && file->filename[0])
					msg = oe_arena_printf(&r->arena, "%s: %s", file->filename,
							      msg);
				set_s(v, report_fields[i].var, msg);
				break;
			}
		}
		json_t *o = json_object();
		set_s(o, "anchor", anchor);
		set_s(o, "message", msg);
		json_array_append_new(errors, o);
	}
	set(v, "has_errors", json_boolean(json_array_size(errors) > 0));
	set(v, "errors", errors);
	return v;
}

static int report_form(oe_req *r, int status, const char *lang, const oe_form *f,
		       const oe_report_err *e)
{
	return send_page(r, status, lang, "report", "/report", "report.title",
			 report_vars(r, lang, f, e));
}

static int receipt_page(oe_req *r, const char *lang, const oe_report_receipt *rc)
{
	json_t *v = json_object();
	set_s(v, "receipt", rc->receipt);
	json_t *groups = json_array();
	size_t n = strlen(rc->receipt);
	for (size_t i = 0; i < n; i += 4)
		json_array_append_new(groups, json_stringn(rc->receipt + i, n - i < 4 ? n - i : 4));
	set(v, "groups", groups);
	set_s(v, "due", fmt_time(r, lang, rc->due_at, false));
	static const char *const js[] = {"js.", NULL};
	set_strings(v, lang, js);
	return send_page(r, 201, lang, "receipt", "/report", "receipt.title", v);
}

static int report_post(oe_req *r)
{
	oe_form f = {0};
	const char *why = NULL;
	int ret = oe_form_parse(oe_http_header(r, "Content-Type"), r->body.data ? r->body.data : "",
				r->body.len, &r->arena, &f, &why);
	const char *lang = req_lang(r, ret ? NULL : &f);
	if (ret == OE_ETOOBIG) {
		oe_report_err e = {"too_many", NULL, -1};
		return report_form(r, 400, lang, NULL, &e);
	}
	if (ret) {
		oe_report_err e = {"bad_form", NULL, -1};
		return report_form(r, 400, lang, NULL, &e);
	}
	oe_report_in in = {0};
	oe_report_err e = {0};
	e.index = -1;
	ret = oe_public_report_in(r, &in, &e);
	if (ret == OE_EINVAL)
		return report_form(r, 400, lang, &f, &e);
	if (ret)
		return fail_page(r, lang, ret);
	if (!in.lang)
		in.lang = lang;
	if (oe_public_report_allowed(r))
		return oe_page_error(r, 429, "rate_limited");
	oe_report_receipt rc;
	memset(&rc, 0, sizeof(rc));
	ret = oe_svc_report_submit(&r->ctx, &in, &rc, &e);
	if (ret == OE_EINVAL)
		return report_form(r, 400, lang, &f, &e);
	if (ret)
		return fail_page(r, lang, ret);
	int rr = receipt_page(r, lang, &rc);
	sodium_memzero(rc.receipt, sizeof(rc.receipt));
	return rr;
}

int oe_h_page_report(oe_req *r)
{
	if (is_post(r))
		return report_post(r);
	return report_form(r, 200, req_lang(r, NULL), NULL, NULL);
}

/* ---- check ----------------------------------------------------------- */

static json_t *check_vars(oe_req *r, const char *lang, const char *typed)
{
	json_t *v = json_object();
	set_s(v, "typed", typed);
	set(v, "has_error", json_false());
	set(v, "result", json_false());
	static const char *const js[] = {"js.",	      "err.",	 "check.", "type.",
					 "category.", "common.", NULL};
	set_strings(v, lang, js);
	return v;
}

static json_t *check_result_vars(oe_req *r, const char *lang, const oe_check_result *c)
{
	json_t *o = json_object();
	const char *type = oe_itype_name(c->type);
	set_s(o, "type", type);
	set_s(o, "type_label", Tn(r, lang, "type", type, type));
	set_s(o, "value", c->value);
	set_s(o, "verdict", T(lang, c->reported ? "check.verdict.reported" : "check.verdict.none"));
	set_s(o, "verdict_class", c->reported ? "reported" : "not-reported");
	set_s(o, "reported_label", T(lang, c->reported ? "common.yes" : "common.no"));
	set(o, "reports", json_integer(c->reports));
	set(o, "clear_sources", json_integer(c->clear_sources));
	set_s(o, "first_reported", fmt_time(r, lang, c->first_reported, false));
	set_s(o, "last_reported", fmt_time(r, lang, c->last_reported, false));
	json_t *cats = json_array();
	for (int i = 0; i < OE_RC__COUNT; i++) {
		if (c->by_category[i] <= 0)
			continue;
		const char *name = oe_report_category_name(i);
		json_t *x = json_object();
		set_s(x, "name", name);
		set_s(x, "label", Tn(r, lang, "category", name, name));
		set(x, "count", json_integer(c->by_category[i]));
		json_array_append_new(cats, x);
	}
	set(o, "has_categories", json_boolean(json_array_size(cats) > 0));
	set(o, "categories", cats);
	set_s(o, "verified_label", T(lang, c->verified ? "common.yes" : "common.no"));
	return o;
}

int oe_h_page_check(oe_req *r)
{
	oe_form f = {0};
	const char *value = NULL;
	const char *lang;
	if (is_post(r)) {
		const char *why = NULL;
		int ret = oe_form_parse(oe_http_header(r, "Content-Type"),
					r->body.data ? r->body.data : "", r->body.len, &r->arena,
					&f, &why);
		lang = req_lang(r, ret ? NULL : &f);
		if (ret) {
			json_t *v = check_vars(r, lang, NULL);
			set(v, "has_error", json_true());
			set_s(v, "error_message", err_text(r, lang, "bad_form"));
			return send_page(r, 400, lang, "check", "/check", "check.title", v);
		}
		value = oe_form_get(&f, "value");
	} else {
		lang = req_lang(r, NULL);
		value = oe_http_arg(r, "value");
	}
	json_t *v = check_vars(r, lang, clip(r, value, OE_VALUE_MAX));
	if (blank(value)) {
		if (!is_post(r))
			return send_page(r, 200, lang, "check", "/check", "check.title", v);
		set(v, "has_error", json_true());
		set_s(v, "error_message", err_text(r, lang, "missing"));
		return send_page(r, 400, lang, "check", "/check", "check.title", v);
	}
	oe_check_result res;
	memset(&res, 0, sizeof(res));
	const char *why = NULL;
	int ret = oe_svc_check(&r->ctx, value, strlen(value), &res, &why);
	if (ret == OE_EINVAL) {
		set(v, "has_error", json_true());
		/* why is a code when the service has one for it; else the
		 * value just could not be understood. */
		set_s(v, "error_message", Tn(r, lang, "err", why, T(lang, "err.invalid_value")));
		return send_page(r, 400, lang, "check", "/check", "check.title", v);
	}
	if (ret) {
		json_decref(v);
		return fail_page(r, lang, ret);
	}
	set(v, "result", check_result_vars(r, lang, &res));
	return send_page(r, 200, lang, "check", "/check", "check.title", v);
}

/* ---- follow-up ------------------------------------------------------- */

/* The receipt as typed, with what people put between digits taken out:
 * spaces, dashes, dots, and full-width digits (Chinese input methods)
 * made ASCII. Anything else is kept, and the service refuses it. */
static const char *receipt_clean(oe_req *r, const char *in)
{
	if (!in)
		return "";
	size_t n = strnlen(in, RECEIPT_INPUT_MAX + 1);
	if (n > RECEIPT_INPUT_MAX)
		return in;
	char *out = oe_arena_alloc(&r->arena, n + 1);
	if (!out)
		return in;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == ' ' || c == '-' || c == '.' || c == '\t' || c == '\r' || c == '\n')
			continue;
		/* U+FF10..U+FF19 FULLWIDTH DIGIT ZERO..NINE: EF BC 90..99 */
		if (c == 0xEF && i + 2 < n && (unsigned char)in[i + 1] == 0xBC &&
		    (unsigned char)in[i + 2] >= 0x90 && (unsigned char)in[i + 2] <= 0x99) {
			out[o++] = (char)('0' + ((unsigned char)in[i + 2] - 0x90));
			i += 2;
			continue;
		}
		/* U+3000 IDEOGRAPHIC SPACE: E3 80 80 */
		if (c == 0xE3 && i + 2 < n && (unsigned char)in[i + 1] == 0x80 &&
		    (unsigned char)in[i + 2] == 0x80) {
			i += 2;
			continue;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

static int followup_form(oe_req *r, int status, const char *lang, const char *code)
{
	json_t *v = json_object();
	set(v, "report", json_false());
	set(v, "has_error", json_boolean(code != NULL));
	if (code)
		set_s(v, "error_message", err_text(r, lang, code));
	return send_page(r, status, lang, "followup", "/follow-up", "followup.title", v);
}

/* The evidence files of a form, in order (in the arena). */
static oe_report_file *form_files(oe_req *r, const oe_form *f, const char *name, size_t *n)
{
	*n = count_fields(f, name, true);
	oe_report_file *files = oe_arena_alloc(&r->arena, (*n ? *n : 1) * sizeof(*files));
	if (!files) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++) {
		const oe_form_field *x = nth_field(f, name, i, true);
		files[i].name = x->filename;
		files[i].data = x->value;
		files[i].len = x->len;
	}
	return files;
}

static json_t *followup_vars(oe_req *r, const char *lang, const oe_followup *fu)
{
	json_t *o = json_object();
	set_s(o, "status", fu->status);
	set_s(o, "status_label", Tn(r, lang, "status", fu->status, fu->status));
	const char *help =
	    fu->status ? oe_arena_printf(&r->arena, "status.%s.help", fu->status) : NULL;
	set_s(o, "status_help", help && oe_i18n_has(help) ? oe_i18n(lang, help) : "");
	set_s(o, "category_label", Tn(r, lang, "category", fu->category, fu->category));
	set_s(o, "created", fmt_time(r, lang, fu->created, false));
	set_s(o, "due", fmt_time(r, lang, fu->due_at, false));
	set_s(o, "updated", fmt_time(r, lang, fu->updated, true));
	set(o, "nfiles", json_integer((json_int_t)fu->nfiles));
	json_t *msgs = json_array();
	for (size_t i = 0; i < fu->nmessages; i++) {
		const oe_report_message *m = &fu->messages[i];
		json_t *x = json_object();
		const char *from = m->from && !strcmp(m->from, "analyst") ? "analyst" : "reporter";
		char at[OE_TIME_BUF];
		oe_time_format(m->at, at);
		set_s(x, "from", from);
		set_s(x, "from_label", Tn(r, lang, "followup.from", from, from));
		set_s(x, "body", m->body);
		set_s(x, "at", fmt_time(r, lang, m->at, true));
		set_s(x, "at_iso", at);
		set(x, "files", m->nfiles ? json_integer((json_int_t)m->nfiles) : json_false());
		json_array_append_new(msgs, x);
	}
	set(o, "has_messages", json_boolean(json_array_size(msgs) > 0));
	set(o, "messages", msgs);
	const char *rs = fu->reward_state ? fu->reward_state : "none";
	set_s(o, "reward_label", Tn(r, lang, "reward", rs, rs));
	const char *rhelp = oe_arena_printf(&r->arena, "reward.%s.help", rs);
	set_s(o, "reward_help", rhelp && oe_i18n_has(rhelp) ? oe_i18n(lang, rhelp) : "");
	set(o, "reward_amount", fu->reward_amount ? jtext(fu->reward_amount) : json_false());
	set_s(o, "reward_currency", fu->reward_currency);
	set(o, "claimable", json_boolean(!strcmp(rs, "eligible")));
	return o;
}

int oe_h_page_followup(oe_req *r)
{
	if (!is_post(r))
		return followup_form(r, 200, req_lang(r, NULL), NULL);
	oe_form f = {0};
	const char *why = NULL;
	int ret = oe_form_parse(oe_http_header(r, "Content-Type"), r->body.data ? r->body.data : "",
				r->body.len, &r->arena, &f, &why);
	const char *lang = req_lang(r, ret ? NULL : &f);
	if (ret)
		return followup_form(r, 400, lang, "bad_form");
	const char *receipt = receipt_clean(r, oe_form_get(&f, "receipt"));
	if (!receipt[0])
		return followup_form(r, 400, lang, "missing");
	const char *action = oe_form_get(&f, "action");
	if (!action)
		action = "";
	/* The same limits on wrong receipts as the API's (h_public.c). */
	if (oe_public_receipt_allowed(r, receipt))
		return oe_page_error(r, 429, "rate_limited");

	/* First what the reporter asked for (a reply, a claim), then the
	 * report as it now is. */
	oe_report_err e = {0};
	e.index = -1;
	const char *notice = NULL;
	const char *keep_message = NULL;
	bool acted_bad = false;
	if (!strcmp(action, "reply") || !strcmp(action, "claim")) {
		bool reply = action[0] == 'r';
		if (reply) {
			size_t nfiles;
			oe_report_file *files = form_files(r, &f, "evidence", &nfiles);
			const char *msg = oe_form_get(&f, "message");
			ret = oe_svc_followup_reply(&r->ctx, receipt, msg ? msg : "", files, nfiles,
						    &e);
			keep_message = msg;
		} else {
			const char *payout = oe_form_get(&f, "payout");
			ret = oe_svc_followup_claim(&r->ctx, receipt, payout ? payout : "", &e);
		}
		if (ret == OE_ENOTFOUND || (e.code && !strcmp(e.code, "bad_receipt"))) {
			oe_public_receipt_failed(r, receipt);
			return followup_form(r, 404, lang, "bad_receipt");
		}
		if (ret && e.code)
			acted_bad = true;
		else if (ret)
			return fail_page(r, lang, ret);
		else
			notice = T(lang, reply ? "followup.reply.sent" : "followup.claim.sent");
	}
	oe_followup fu;
	memset(&fu, 0, sizeof(fu));
	oe_report_err e2 = {0};
	e2.index = -1;
	ret = oe_svc_followup(&r->ctx, receipt, &fu, &e2);
	if (ret == OE_ENOTFOUND || (ret && e2.code && !strcmp(e2.code, "bad_receipt"))) {
		oe_public_receipt_failed(r, receipt);
		return followup_form(r, 404, lang, "bad_receipt");
	}
	if (ret)
		return fail_page(r, lang, ret);

	json_t *v = json_object();
	set(v, "report", followup_vars(r, lang, &fu));
	set_s(v, "receipt", receipt);
	set(v, "notice", notice ? jtext(notice) : json_false());
	set_s(v, "message", acted_bad ? clip(r, keep_message, OE_REPORT_MESSAGE_MAX) : NULL);
	set(v, "max_files", json_integer(OE_REPORT_FILES_MAX));
	set(v, "max_bytes", json_integer(OE_REPORT_FILE_MAX));
	static const char *const js[] = {"js.", "err.file", "err.empty_file", "err.too_many", NULL};
	set_strings(v, lang, js);
	set(v, "has_error", json_boolean(acted_bad));
	if (acted_bad) {
		const char *msg = err_text(r, lang, e.code);
		const char *var = NULL, *anchor = action[0] == 'r' ? "message" : "payout";
		if (e.field && (!strcmp(e.field, "files") || !strcmp(e.field, "evidence") ||
				!strcmp(e.field, "file"))) {
			var = "err_evidence";
			anchor = "evidence";
			const oe_form_field *file =
			    e.index >= 0 ? nth_field(&f, "evidence", (size_t)e.index, true) : NULL;
			if (file && file->filename && file->filename[0])
				msg = oe_arena_printf(&r->arena, "%s: %s", file->filename, msg);
		} else if (action[0] == 'r') {
			var = "err_message";
		} else if (!strcmp(e.code, "not_claimable")) {
			anchor = "reward-h";
		} else {
			var = "err_payout";
		}
		if (var)
			set_s(v, var, msg);
		set_s(v, "error_message", msg);
		set_s(v, "error_anchor", anchor);
	}
	int status = acted_bad ? (!strcmp(e.code, "not_claimable") ? 409 : 400) : 200;
	return send_page(r, status, lang, "followup", "/follow-up", "followup.title", v);
}
