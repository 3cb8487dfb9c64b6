/* extract.h - indicators pulled out of free text: what a citizen wrote in
 * "what happened" ("he called me from 0812-3456-7890 and told me to pay to
 * BCA 1234567890, see hxxps://evil[.]example/login").
 *
 * Finds phone numbers, URLs, domains, e-mail addresses, IPv4/IPv6
 * addresses, bank account numbers that have a bank's name close before
 * them, and crypto wallets (checksums verified); undoes the usual defanging
 * (hxxp, [.], (.), [at]). Every value is canonicalised by oe_canon, so it
 * correlates with the same value from any other source. Pure: no I/O. */
#ifndef OE_EXTRACT_H
#define OE_EXTRACT_H

#include "indicator.h"

#define OE_EXTRACT_TEXT_MAX (1024 * 1024) /* longer texts: only this much is read */

typedef struct {
	const oe_canon_opts *canon; /* default region for phones, may be NULL */
	const char *bank_country;   /* ISO 3166 region of bank names; NULL: the canon region */
} oe_extract_opts;

/* Called once per distinct canonical value, in order of first appearance;
 * off/len locate the text it came from. Return non-zero to stop. */
typedef int (*oe_extract_fn)(void *ud, oe_itype type, const char *value, size_t off, size_t len);

/* Scan len bytes at text (need not be NUL-terminated; invalid UTF-8 is
 * skipped, not fatal). Returns the number of values reported (>= 0); at
 * most max are reported (0: no limit). A callback's non-zero return stops
 * the scan early and is not an error. OE_ENOMEM only when the small
 * working set (values seen, bank names) cannot be allocated. value is
 * valid during the call only. */
int oe_extract(const char *text, size_t len, const oe_extract_opts *o, size_t max, oe_extract_fn fn,
	       void *ud);

#endif
