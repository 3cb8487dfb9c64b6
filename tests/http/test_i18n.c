/* test_i18n.c - which language an answer is in, and that every string the
 * code asks for exists in every language (a missing one would show the
 * reporter a key such as "err.too_long"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/indicator.h"
#include "http/i18n.h"
#include "http/tmpl.h"
#include "service/report.h"

static const char *const langs[] = {OE_LANGS};

static void negotiate(void **state)
{
	static const struct {
		const char *explicit_lang, *accept, *want;
	} cases[] = {
	    {NULL, NULL, "id"},
	    {"en", NULL, "en"},
	    {"zh", "en", "zh"},
	    {"id", "zh-CN", "id"},
	    {"fr", "en", "en"}, /* not ours: Accept-Language decides */
	    {"EN", NULL, "id"}, /* ?lang= is exact */
	    {"", "zh", "zh"},
	    {NULL, "en-US,en;q=0.9", "en"},
	    {NULL, "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
	    {NULL, "zh-Hans", "zh"},
	    {NULL, "zh-TW", "zh"},
	    {NULL, "id-ID,id;q=0.9,en-US;q=0.8", "id"},
	    {NULL, "in", "id"},
	    {NULL, "EN-gb", "en"},
	    {NULL, "fr-FR, en;q=0.5", "en"},
	    {NULL, "fr", "id"},
	    {NULL, "en;q=0.5, id;q=0.8", "id"},
	    {NULL, "en;q=0, zh;q=0.1", "zh"},
	    {NULL, "en;q=0.000", "id"},
	    {NULL, "en;q=0.7,zh;q=0.7", "en"}, /* equal: the user's order */
	    {NULL, "en; q=0.2 , zh ; q=0.3", "zh"},
	    {NULL, "*", "id"},
	    {NULL, "fr, *;q=0.1", "id"},
	    {NULL, "en;q=bogus, zh", "zh"},
	    {NULL, ",,, ;;; ,", "id"},
	    {NULL, "", "id"},
	    {NULL, "e", "id"},
	    {NULL, "english", "id"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(cases); i++) {
		const char *got = oe_i18n_lang(cases[i].explicit_lang, cases[i].accept);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("lang=%s Accept-Language=%s: got %s, want %s",
				 cases[i].explicit_lang ? cases[i].explicit_lang : "NULL",
				 cases[i].accept ? cases[i].accept : "NULL", got, cases[i].want);
	}
	/* A header far longer than any browser's is read only so far. */
	char big[8192];
	size_t n = 0;
	while (n + 8 < sizeof(big))
		n += (size_t)snprintf(big + n, sizeof(big) - n, "fr;q=1,");
	snprintf(big + n, sizeof(big) - n, "en");
	assert_string_equal(oe_i18n_lang(NULL, big), "id");
}

static void lookup(void **state)
{
	assert_string_equal(oe_i18n("en", "common.yes"), "Yes");
	assert_string_equal(oe_i18n("id", "common.yes"), "Ya");
	assert_string_equal(oe_i18n("zh", "common.yes"), "是");
	/* An unknown language is the default one. */
	assert_string_equal(oe_i18n("xx", "common.yes"), "Ya");
	assert_string_equal(oe_i18n(NULL, "common.yes"), "Ya");
	/* An unknown key is itself, never NULL. */
	assert_string_equal(oe_i18n("en", "no.such.key"), "no.such.key");
	assert_string_equal(oe_i18n("en", NULL), "");
	assert_false(oe_i18n_has("no.such.key"));
	assert_false(oe_i18n_has(NULL));
	assert_true(oe_i18n_has("site.name"));
	/* Keys are sorted: the look-up is a binary search. */
	for (size_t i = 1; i < oe_web_i18n_nkeys; i++)
		assert_true(strcmp(oe_web_i18n_keys[i - 1], oe_web_i18n_keys[i]) < 0);
	assert_int_equal(oe_web_i18n_nlangs, OE_ARRAY_SIZE(langs));
}

static void need(const char *key)
{
	if (!oe_i18n_has(key))
		fail_msg("no translation of '%s'", key);
	for (size_t l = 0; l < OE_ARRAY_SIZE(langs); l++) {
		const char *s = oe_i18n(langs[l], key);
		if (!s[0] || !strcmp(s, key))
			fail_msg("'%s' in %s is '%s'", key, langs[l], s);
	}
}

static void needf(const char *fmt, const char *arg)
{
	char key[128];
	snprintf(key, sizeof(key), fmt, arg);
	need(key);
}

/* Every key that the pages build from a name at run time. */
static void coverage(void **state)
{
	static const char *const errs[] = {
	    "missing",	      "unknown_category", "too_long",	   "invalid_utf8", "invalid_date",
	    "invalid_amount", "invalid_currency", "invalid_ident", "unknown_kind", "too_many",
	    "file_too_large", "file_type",	  "empty_file",	   "bad_receipt",  "not_claimable",
	    "rate_limited",   "too_large",	  "bad_form",	   "internal",	   "unavailable",
	    "invalid",	      "invalid_value",
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(errs); i++)
		needf("err.%s", errs[i]);
	for (int i = 0; i < OE_RS__COUNT; i++) {
		needf("status.%s", oe_report_status_name(i));
		needf("status.%s.help", oe_report_status_name(i));
	}
	for (int i = 0; i < OE_RW__COUNT; i++) {
		needf("reward.%s", oe_reward_state_name(i));
		needf("reward.%s.help", oe_reward_state_name(i));
	}
	for (int i = 0; i < OE_RC__COUNT; i++)
		needf("category.%s", oe_report_category_name(i));
	for (int i = 0; i < OE_RI__COUNT; i++)
		needf("ident.%s", oe_report_ident_name(i));
	for (int i = 1; i < OE_T__COUNT; i++)
		needf("type.%s", oe_itype_name((oe_itype)i));
	static const char *const cur[] = {"IDR", "CNY", "MYR", "SGD", "THB", "VND", "PHP", "USD"};
	for (size_t i = 0; i < OE_ARRAY_SIZE(cur); i++)
		needf("currency.%s", cur[i]);
	for (int m = 1; m <= 12; m++) {
		char key[16];
		snprintf(key, sizeof(key), "month.%d", m);
		need(key);
	}
	need("fmt.date");
	need("fmt.datetime");
	need("lang.self");
	need("receipt.keep");
	need("nav.home");
	need("followup.from.analyst");
	need("followup.from.reporter");
	/* Each language names itself in its own words. */
	assert_string_equal(oe_i18n("id", "lang.self"), "Bahasa Indonesia");
	assert_string_equal(oe_i18n("en", "lang.self"), "English");
	assert_string_equal(oe_i18n("zh", "lang.self"), "简体中文");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(negotiate),
	    cmocka_unit_test(lookup),
	    cmocka_unit_test(coverage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
