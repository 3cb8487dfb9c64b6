/* bank.h - national bank codes, names and account-number lengths.
 *
 * Mule bank accounts are reported as "BCA 1234567890", "Bank Central Asia
 * 123-456-7890" or "ID:014:1234567890"; they only correlate once the bank is
 * reduced to one code per country. This module is that table, compiled in:
 * it is small, changes a few times a year, and a node must not depend on a
 * download to canonicalise its intake.
 *
 * The code is the one a payer types in his own country: the 3-digit
 * interbank code in Indonesia (Bank Indonesia "sandi bank"), Thailand and
 * China (CNAPS bank class), the 4-digit bank code in Singapore, the 6-digit
 * NAPAS BIN in Vietnam (what VietQR carries), and the 8-character SWIFT BIC
 * in Malaysia and the Philippines, which have no code in common use besides
 * it. SWIFT BICs are listed as aliases everywhere.
 *
 * All entries are static and live for the whole process. */
#ifndef OE_BANK_H
#define OE_BANK_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Aliases per bank, short names first ("BCA", "Bank Central Asia", BIC). */
#define OE_BANK_ALIASES_MAX 7

typedef struct {
	char country[3];  /* ISO 3166 alpha-2, upper case */
	const char *code; /* canonical code, upper case: "014", "7171", "MBBEMYKL" */
	const char *name; /* display name */
	/* Other names the bank is known by, NULL-terminated when shorter than
	 * the array. Matched ignoring case, spaces and ASCII punctuation. */
	const char *aliases[OE_BANK_ALIASES_MAX];
	/* Digits in a regular account number; 0 when not known or when the
	 * bank issues several lengths. */
	uint8_t min_digits, max_digits;
} oe_bank;

/* Bounds applied when a bank's own are not known. */
#define OE_BANK_DIGITS_MIN 5
#define OE_BANK_DIGITS_MAX 34 /* the longest account part of an IBAN is 30 */

/* True when the table has banks of country cc (two letters, any case). */
bool oe_bank_country_known(const char *cc);

/* The bank of country cc whose code is the len bytes at code (any case;
 * need not be NUL-terminated), or NULL. */
const oe_bank *oe_bank_by_code(const char *cc, const char *code, size_t len);

/* The bank of country cc whose name, code or an alias is the len bytes at
 * name, compared case-insensitively and ignoring ASCII spaces and
 * punctuation ("bank central asia", "B.C.A."), or NULL. UTF-8 names
 * ("工商银行") compare byte for byte. */
const oe_bank *oe_bank_by_name(const char *cc, const char *name, size_t len);

/* The whole table, to scan free text for bank names: entry i for
 * i < oe_bank_count(), NULL past the end. */
size_t oe_bank_count(void);
const oe_bank *oe_bank_at(size_t i);

#endif
