/* scan.h - pulling candidate values out of log lines with a hand-written
 * byte scanner: no regular expression, one pass over the bytes, one table
 * lookup a byte, and work beyond that only where a value may start.
 *
 * What it finds, in any text (proxy, DNS, mail, web server logs):
 *   url     scheme "://" authority [path...] up to white space or a quote;
 *           handed over raw, with its host as a domain or address;
 *   email   local "@" domain; its domain is handed over as a domain too;
 *   ipv4    a dotted quad (octets of up to three digits, <= 255);
 *   ipv6    hex groups with colons that inet_pton accepts;
 *   domain  dot-separated labels of letters, digits, '-' and '_', the last
 *           with a letter; lower-cased. Names with non-ASCII bytes go
 *           through oe_canon (libidn2), the only slow path;
 *   phone   "+" and 7 to 15 digits (single spaces, dots, dashes, brackets
 *           between groups), bare runs of 10 to 15 digits, and, given a
 *           country code, national numbers "0..." - all as "+digits";
 *   md5, sha1, sha256  runs of exactly 32, 40, 64 hex digits, lower-cased.
 * Bytes that fit none of these (binary, invalid UTF-8, NUL) separate
 * candidates and are otherwise ignored: the scanner never reads outside
 * [s, s + n) and keeps nothing between calls. */
#ifndef OE_MATCH_SCAN_H
#define OE_MATCH_SCAN_H

#include "core/common.h"
#include "core/indicator.h"

/* Longest URL handed over whole; longer ones yield their host only. */
#define OE_SCAN_URL_MAX OE_VALUE_MAX

typedef struct {
	oe_itype type;
	const char *text; /* as written in the line */
	size_t text_len;
	const char *canon; /* lower-cased / normalised form (domain, email, phone, hashes) */
	size_t canon_len;
	uint32_t ip4;	 /* ipv4, host byte order */
	uint8_t ip6[16]; /* ipv6 */
	/* A URL's host: OE_T_DOMAIN (host, lower case), OE_T_IPV4 or OE_T_IPV6
	 * (ip4 / ip6 above), or OE_T_NONE when it is none of them. */
	oe_itype host_type;
	const char *host;
	size_t host_len;
} oe_scan_token;

typedef struct {
	bool phones; /* look for phone numbers */
	/* Country calling code ("62") that national numbers ("0812...") are
	 * read in; NULL: only international ones. */
	const char *phone_cc;
	const oe_canon_opts *canon; /* for the slow path (IDN names) */
} oe_scan_opts;

/* Called once per candidate; the token and its strings are valid during
 * the call only. */
typedef void (*oe_scan_cb)(void *arg, const oe_scan_token *t);

/* The country calling code of an ISO 3166 region ("ID" -> "62"), for
 * oe_scan_opts.phone_cc; NULL when the table does not know it. */
const char *oe_scan_calling_code(const char *region);

/* Called at each line end ('\n') by oe_scan_lines. */
typedef void (*oe_scan_line_cb)(void *arg);

/* Scan the n bytes at s (one line, or any text). */
void oe_scan_text(const oe_scan_opts *o, const char *s, size_t n, oe_scan_cb cb, void *arg);
/* Scan n bytes of lines in one pass: the same candidates as oe_scan_text
 * on each line, with nl called at each '\n' (after the candidates of the
 * line it ends). A candidate never spans a line end. */
void oe_scan_lines(const oe_scan_opts *o, const char *s, size_t n, oe_scan_cb cb,
		   oe_scan_line_cb nl, void *arg);

#endif
