/* indicator.h - indicator types and their canonical forms.
 *
 * Every value that enters the node is validated and rewritten into exactly
 * one canonical form, so that the same thing reported twice is stored once
 * and correlates. Pure functions: no I/O, no global state beyond the
 * libraries' own tables. */
#ifndef OE_INDICATOR_H
#define OE_INDICATOR_H

#include "common.h"

typedef enum {
	OE_T_NONE = 0,
	OE_T_IPV4,
	OE_T_IPV6,
	OE_T_CIDR, /* v4 or v6, host bits cleared */
	OE_T_DOMAIN,
	OE_T_URL,
	OE_T_EMAIL,
	OE_T_PHONE,  /* E.164 */
	OE_T_BANK,   /* "bank-account": COUNTRY:BANKCODE:DIGITS */
	OE_T_WALLET, /* "crypto-wallet" */
	OE_T_MD5,
	OE_T_SHA1,
	OE_T_SHA256,
	OE_T__COUNT
} oe_itype;

/* Longest canonical value, in bytes without the NUL. URLs longer than this
 * are refused: block lists and lookups do not need them, and the bound keeps
 * every buffer on the stack. */
#define OE_VALUE_MAX 2048

/* The API name of a type ("ipv4", "bank-account", "crypto-wallet", ...);
 * "none" for OE_T_NONE. */
const char *oe_itype_name(oe_itype t);
/* The type named s, or OE_T_NONE. */
oe_itype oe_itype_parse(const char *s);

typedef struct {
	/* ISO 3166 region for phone numbers written without a country code. */
	const char *default_region; /* NULL means "ID" */
} oe_canon_opts;

/* Canonicalise len bytes at in, of type t, into out (cap bytes, NUL
 * terminated; cap >= OE_VALUE_MAX + 1 is always enough). On failure returns
 * OE_EINVAL and sets *why to a static English sentence naming the reason
 * ("octet 999 is out of range"). Never reads past in[len-1]; in need not be
 * NUL-terminated. */
int oe_canon(oe_itype t, const char *in, size_t len, const oe_canon_opts *o, char *out, size_t cap,
	     const char **why);

/* Detect the type of a bare value (as typed in a lookup box) and canonicalise
 * it. Order of preference when several fit: url, email, cidr, ipv4, ipv6,
 * hashes by length, crypto-wallet, bank-account (only in the COUNTRY:CODE:DIGITS
 * form), phone, domain. On failure *t names the type whose rules refused the
 * value (OE_T_NONE when it was refused before any type was tried, e.g.
 * empty), so a caller can answer "not a valid ipv4: octet out of range". */
int oe_detect(const char *in, size_t len, const oe_canon_opts *o, oe_itype *t, char *out,
	      size_t cap, const char **why);

#endif
