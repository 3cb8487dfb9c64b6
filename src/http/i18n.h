/* i18n.h - the strings of the public pages and of the errors a reporter
 * sees, in Bahasa Indonesia, English and Simplified Chinese.
 *
 * The tables are generated at build time from web/i18n/{id,en,zh}.json
 * (scripts/embed-web.py); a missing translation fails the build, so every
 * string exists in every language. */
#ifndef OE_I18N_H
#define OE_I18N_H

#include <stdbool.h>

/* Languages served, the first is the default. */
#define OE_LANGS "id", "en", "zh"

/* The language to answer in: explicit ("id", "en", "zh", from ?lang= or a
 * form field) when it is one of ours, else the best of Accept-Language
 * (q-values honoured, "zh-CN"/"zh-Hans" -> zh, "in" -> id), else "id".
 * Both arguments may be NULL. Returns a static string. */
const char *oe_i18n_lang(const char *explicit_lang, const char *accept_language);

/* The string key in lang; never NULL (an unknown key returns the key
 * itself, which the unit tests forbid for every key the code uses).
 * Error messages are keyed "err.<code>" (codes in service/report.h). */
const char *oe_i18n(const char *lang, const char *key);

/* True when key exists. */
bool oe_i18n_has(const char *key);

#endif
