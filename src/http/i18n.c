/* i18n.c - the language of an answer, and its strings (i18n.h).
 *
 * The strings are tables generated from web/i18n/LANG.json (tmpl.h declares
 * them): one sorted array of keys and, per language, the strings index for
 * index, so a look-up is a binary search and never allocates. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "http/i18n.h"
#include "http/tmpl.h"

static const char *const langs[] = {OE_LANGS};

/* Accept-Language is read up to this many bytes and entries: browsers send
 * a handful; anything longer is not a browser's and need not be honoured. */
#define ACCEPT_MAX	   1024
#define ACCEPT_ENTRIES_MAX 32

static int lang_index(const char *lang)
{
	if (lang)
		for (size_t i = 0; i < OE_ARRAY_SIZE(langs); i++)
			if (strcmp(lang, langs[i]) == 0)
				return (int)i;
	return 0;
}

/* Ours for a language range of n bytes ("zh-Hans-CN", "en-GB", "in"), or
 * NULL. Any Chinese goes to Simplified Chinese: it is what we have, and
 * closer to a Traditional reader than the alternatives. */
static const char *match_range(const char *s, size_t n)
{
	size_t pl = 0;
	while (pl < n && s[pl] != '-' && s[pl] != '_')
		pl++;
	if (pl == 2 && (strncasecmp(s, "id", 2) == 0 || strncasecmp(s, "in", 2) == 0))
		return "id";
	if (pl == 3 && strncasecmp(s, "ind", 3) == 0)
		return "id";
	if (pl == 2 && strncasecmp(s, "en", 2) == 0)
		return "en";
	if (pl == 2 && strncasecmp(s, "zh", 2) == 0)
		return "zh";
	if (pl == 3 && (strncasecmp(s, "cmn", 3) == 0 || strncasecmp(s, "zho", 3) == 0))
		return "zh";
	if (n == 1 && s[0] == '*')
		return langs[0];
	return NULL;
}

/* The q-value of a ";q=0.8" parameter list (n bytes), in thousandths. */
static int parse_q(const char *s, size_t n)
{
	int q = 1000;
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ';' || s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i + 2 <= n && (s[i] == 'q' || s[i] == 'Q') && s[i + 1] == '=') {
			i += 2;
			if (i < n && s[i] == '1') {
				q = 1000;
			} else if (i < n && s[i] == '0') {
				q = 0;
				i++;
				if (i < n && s[i] == '.') {
					int scale = 100;
					for (i++; i < n && s[i] >= '0' && s[i] <= '9' && scale;
					     i++) {
						q += (s[i] - '0') * scale;
						scale /= 10;
					}
				}
			} else {
				q = 0; /* not a q-value: not acceptable */
			}
		}
		while (i < n && s[i] != ';')
			i++;
	}
	return q;
}

const char *oe_i18n_lang(const char *explicit_lang, const char *accept_language)
{
	if (explicit_lang)
		for (size_t i = 0; i < OE_ARRAY_SIZE(langs); i++)
			if (strcmp(explicit_lang, langs[i]) == 0)
				return langs[i];
	if (!accept_language)
		return langs[0];
	const char *best = NULL;
	int best_q = 0;
	const char *p = accept_language;
	size_t left = strnlen(p, ACCEPT_MAX);
	for (int entries = 0; left && entries < ACCEPT_ENTRIES_MAX; entries++) {
		const char *comma = memchr(p, ',', left);
		size_t n = comma ? (size_t)(comma - p) : left;
		const char *e = p;
		size_t en = n;
		while (en && (*e == ' ' || *e == '\t'))
			e++, en--;
		size_t rl = 0;
		while (rl < en && e[rl] != ';' && e[rl] != ' ' && e[rl] != '\t')
			rl++;
		const char *lang = match_range(e, rl);
		int q = parse_q(e + rl, en - rl);
		/* The first of equal q-values wins: it is the user's order. */
		if (lang && q > best_q) {
			best = lang;
			best_q = q;
		}
		if (!comma)
			break;
		left -= n + 1;
		p = comma + 1;
	}
	return best ? best : langs[0];
}

static int key_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static const char *const *find_key(const char *key)
{
	if (!key)
		return NULL;
	return bsearch(key, oe_web_i18n_keys, oe_web_i18n_nkeys, sizeof(oe_web_i18n_keys[0]),
		       key_cmp);
}

const char *oe_i18n(const char *lang, const char *key)
{
	const char *const *k = find_key(key);
	if (!k)
		return key ? key : "";
	size_t i = (size_t)(k - oe_web_i18n_keys);
	return oe_web_i18n_strings[lang_index(lang)][i];
}

bool oe_i18n_has(const char *key)
{
	return find_key(key) != NULL;
}
