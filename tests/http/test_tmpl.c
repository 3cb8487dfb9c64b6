/* test_tmpl.c - the template renderer: variables and their escaping,
 * translations, sections over lists, objects and booleans, look-ups
 * outwards, malformed templates refused, the output bound; and every
 * embedded template renders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "http/i18n.h"
#include "http/tmpl.h"

/* Render t with vars given as JSON text; the output, or NULL with *err
 * set. The caller frees the output. */
static char *run(const char *t, const char *vars_json, const char *lang, int *err)
{
	json_t *vars = vars_json ? json_loads(vars_json, 0, NULL) : NULL;
	if (vars_json && !vars)
		fail_msg("bad test JSON: %s", vars_json);
	char *out = NULL;
	size_t len = 0;
	const char *why = NULL;
	*err = oe_tmpl_render(t, strlen(t), vars, lang, &out, &len, &why);
	json_decref(vars);
	if (*err == 0) {
		assert_non_null(out);
		assert_int_equal(len, strlen(out));
	} else {
		assert_null(out);
		assert_non_null(why);
	}
	return out;
}

static void expect(const char *t, const char *vars, const char *lang, const char *want)
{
	int err;
	char *got = run(t, vars, lang, &err);
	if (err)
		fail_msg("'%s' with %s: error %d", t, vars ? vars : "NULL", err);
	if (strcmp(got, want) != 0)
		fail_msg("'%s' with %s\n  got:  '%s'\n  want: '%s'", t, vars ? vars : "NULL", got,
			 want);
	free(got);
}

static void expect_err(const char *t, int want)
{
	int err;
	char *got = run(t, "{}", "en", &err);
	if (err != want)
		fail_msg("'%s': got %d ('%s'), want error %d", t, err, got ? got : "", want);
	free(got);
}

static void variables(void **state)
{
	expect("plain text", NULL, "en", "plain text");
	expect("", "{}", "en", "");
	expect("a {{x}} b", "{\"x\":\"y\"}", "en", "a y b");
	expect("{{ x }}", "{\"x\":\"y\"}", "en", "y");
	expect("<{{x}}>", "{\"x\":\"&<>\\\"'\"}", "en", "<&amp;&lt;&gt;&quot;&#39;>");
	expect("{{{x}}}", "{\"x\":\"<b>&</b>\"}", "en", "<b>&</b>");
	expect("{{n}} {{r}} {{b}} {{f}} {{z}}",
	       "{\"n\":-42,\"r\":1.5,\"b\":true,\"f\":false,\"z\":null}", "en", "-42 1.5 true  ");
	expect("[{{missing}}]", "{}", "en", "[]");
	expect("{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}", "en", "deep");
	expect("[{{a.x}}]", "{\"a\":{\"b\":1}}", "en", "[]");
	expect("[{{l}}]", "{\"l\":[1,2]}", "en", "[]");
	/* Multi-byte text passes through untouched. */
	expect("{{x}}", "{\"x\":\"举报 Laporkan\"}", "zh", "举报 Laporkan");
	/* A lone brace is text. */
	expect("a { b } c}", "{}", "en", "a { b } c}");
}

static void translations(void **state)
{
	int err;
	char *id = run("{{t:site.name}}", NULL, "id", &err);
	char *en = run("{{t:site.name}}", NULL, "en", &err);
	char *zh = run("{{t:site.name}}", NULL, "zh", &err);
	assert_string_equal(id, oe_i18n("id", "site.name"));
	assert_string_equal(en, oe_i18n("en", "site.name"));
	assert_string_equal(zh, oe_i18n("zh", "site.name"));
	assert_string_not_equal(id, en);
	assert_string_not_equal(en, zh);
	free(id);
	free(en);
	free(zh);
	/* Translations are escaped like variables: a quote in a string
	 * cannot end an attribute. */
	char *q = run("{{t:report.category.hint}}", NULL, "en", &err);
	assert_null(strchr(q, '"'));
	assert_non_null(strstr(q, "&quot;"));
	free(q);
}

static void sections(void **state)
{
	expect("{{#b}}yes{{/b}}{{^b}}no{{/b}}", "{\"b\":true}", "en", "yes");
	expect("{{#b}}yes{{/b}}{{^b}}no{{/b}}", "{\"b\":false}", "en", "no");
	expect("{{#b}}yes{{/b}}{{^b}}no{{/b}}", "{}", "en", "no");
	expect("{{#s}}[{{s}}]{{/s}}{{^s}}empty{{/s}}", "{\"s\":\"\"}", "en", "empty");
	expect("{{#s}}[{{s}}]{{/s}}", "{\"s\":\"x\"}", "en", "[x]");
	expect("{{#s}}[{{.}}]{{/s}}", "{\"s\":\"x\"}", "en", "[x]");
	expect("{{#l}}<{{.}}>{{/l}}", "{\"l\":[1,\"a\",\"<\"]}", "en", "<1><a><&lt;>");
	expect("{{#l}}x{{/l}}{{^l}}none{{/l}}", "{\"l\":[]}", "en", "none");
	expect("{{#o}}{{a}}-{{b}}{{/o}}", "{\"o\":{\"a\":1,\"b\":2}}", "en", "1-2");
	/* Inside an item, names not in the item come from outside. */
	expect("{{#rows}}{{n}}{{lang}};{{/rows}}",
	       "{\"lang\":\"en\",\"rows\":[{\"n\":1},{\"n\":2}]}", "en", "1en;2en;");
	/* The innermost value wins. */
	expect("{{#rows}}{{v}}{{/rows}}{{v}}", "{\"v\":\"out\",\"rows\":[{\"v\":\"in\"}]}", "en",
	       "inout");
	/* Nested lists, and the same name nested. */
	expect("{{#a}}({{#b}}{{.}}{{/b}}){{/a}}", "{\"a\":[{\"b\":[1,2]},{\"b\":[3]}]}", "en",
	       "(12)(3)");
	expect("{{#x}}{{#x}}in{{/x}}{{/x}}", "{\"x\":true}", "en", "in");
	expect("{{#a}}{{^b}}-{{/b}}{{/a}}", "{\"a\":[{\"b\":true},{\"b\":false}]}", "en", "-");
	/* Translations inside sections. */
	expect("{{#l}}{{t:common.yes}}{{/l}}", "{\"l\":[1,2]}", "en", "YesYes");
}

static void malformed(void **state)
{
	expect_err("{{x", OE_EINVAL);
	expect_err("{{{x}}", OE_EINVAL);
	expect_err("{{}}", OE_EINVAL);
	expect_err("{{ }}", OE_EINVAL);
	expect_err("{{#a}}no end", OE_EINVAL);
	expect_err("{{/a}}", OE_EINVAL);
	expect_err("{{#a}}{{/b}}", OE_EINVAL);
	expect_err("{{#a}}{{#b}}{{/a}}{{/b}}", OE_EINVAL);
	expect_err("{{#a}}x{{/a", OE_EINVAL);
	char name[300];
	memset(name, 'n', sizeof(name));
	name[0] = name[1] = '{';
	name[296] = name[297] = '}';
	name[298] = '\0';
	expect_err(name, OE_EINVAL);
	/* Nesting past the bound is refused, not recursed into. */
	char deep[64 * 16];
	size_t n = 0;
	for (int i = 0; i < OE_TMPL_DEPTH_MAX + 2; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{{#a}}");
	for (int i = 0; i < OE_TMPL_DEPTH_MAX + 2; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{{/a}}");
	expect_err(deep, OE_EINVAL);
}

static void output_bound(void **state)
{
	/* 1 MiB repeated 5 times is over OE_TMPL_OUT_MAX (4 MiB). */
	size_t big = 1 << 20;
	char *s = malloc(big + 1);
	assert_non_null(s);
	memset(s, 'x', big);
	s[big] = '\0';
	json_t *vars = json_pack("{s:s,s:[i,i,i,i,i]}", "s", s, "l", 1, 2, 3, 4, 5);
	free(s);
	char *out = NULL;
	size_t len = 0;
	const char *why = NULL;
	const char *t = "{{#l}}{{s}}{{/l}}";
	assert_int_equal(oe_tmpl_render(t, strlen(t), vars, "en", &out, &len, &why), OE_ETOOBIG);
	assert_null(out);
	/* 3 times is fine. */
	json_object_set_new(vars, "l", json_pack("[i,i,i]", 1, 2, 3));
	assert_int_equal(oe_tmpl_render(t, strlen(t), vars, "en", &out, &len, &why), 0);
	assert_int_equal(len, 3 * big);
	free(out);
	json_decref(vars);
}

/* Every embedded template renders, with no variables, in every language,
 * and names no string that is not translated (an unknown key would render
 * as the key itself). */
static void embedded(void **state)
{
	assert_true(oe_web_templates_count >= 6);
	static const char *const langs[] = {OE_LANGS};
	for (size_t i = 0; i < oe_web_templates_count; i++) {
		const oe_web_file *f = &oe_web_templates[i];
		assert_ptr_equal(oe_web_template(f->name), f);
		for (size_t l = 0; l < OE_ARRAY_SIZE(langs); l++) {
			char *out = NULL;
			size_t len = 0;
			const char *why = NULL;
			json_t *vars = json_object();
			int ret = oe_tmpl_render(f->data, f->len, vars, langs[l], &out, &len, &why);
			json_decref(vars);
			if (ret)
				fail_msg("template %s (%s): %s", f->name, langs[l], why);
			assert_null(strstr(out, "{{"));
			free(out);
		}
	}
	assert_null(oe_web_template("no-such"));
	assert_null(oe_web_template(NULL));
}

static void static_files(void **state)
{
	static const struct {
		const char *name, *ctype;
	} want[] = {
	    {"app.js", "text/javascript; charset=utf-8"},
	    {"style.css", "text/css; charset=utf-8"},
	    {"logo.svg", "image/svg+xml"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(want); i++) {
		const oe_web_file *f = oe_web_static_file(want[i].name);
		if (!f)
			fail_msg("no static file %s", want[i].name);
		assert_string_equal(f->ctype, want[i].ctype);
		assert_true(f->len > 100);
		assert_int_equal(strlen(f->data), f->len);
		/* A strong ETag: quoted, not W/. */
		assert_true(f->etag[0] == '"' && f->etag[strlen(f->etag) - 1] == '"');
	}
	assert_null(oe_web_static_file("../web.c"));
	assert_null(oe_web_static_file(""));
	assert_int_equal(strlen(oe_web_static_version), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(variables),    cmocka_unit_test(translations),
	    cmocka_unit_test(sections),	    cmocka_unit_test(malformed),
	    cmocka_unit_test(output_bound), cmocka_unit_test(embedded),
	    cmocka_unit_test(static_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
