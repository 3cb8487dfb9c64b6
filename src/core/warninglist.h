/* warninglist.h - MISP warninglists: values known to be benign (public DNS
 * resolvers, the most visited sites, RFC 1918 ranges...) that mark an
 * indicator as a probable false positive.
 *
 * A set is loaded once (from the upstream misp-warninglists layout or from
 * single list.json documents) and then only read: oe_warninglists_match()
 * takes a const set, allocates nothing and may be called from any number of
 * threads at once. Loading is not thread-safe; load first, then share.
 *
 * Matching, per list type (MISP's "type" field):
 *   cidr      an IPv4/IPv6 address inside a listed range, or a CIDR that lies
 *             entirely inside a listed range. Entries may be bare addresses
 *             and may have host bits set; they are normalised at load.
 *   hostname  a domain equal to an entry or below it (a.b.google.com is
 *             flagged by google.com); also the host of a URL and the domain
 *             of an e-mail address. Entries are lower-cased, ".x" / "*.x"
 *             and trailing dots are stripped, U-labels become A-labels.
 *   string    the exact value. For types whose canonical form is
 *             lower-case (domains, e-mails, IPs, hashes) the entry is
 *             compared case-folded; a URL is also checked by its host. An
 *             entry written ".google.ad" (as MISP's own google list does)
 *             matches the names strictly below google.ad.
 *   substring the value contains the entry (case-folded for the lower-case
 *             types). Linear per lookup; see OE_WL_MAX_SUBSTRINGS.
 *   regex     POSIX extended regular expressions (regcomp with REG_EXTENDED |
 *             REG_NOSUB), matched against the whole canonical value. MISP
 *             writes PCRE with delimiters ("/^x\.com$/i"): delimiters and the
 *             i flag are understood; a pattern that uses PCRE-only syntax
 *             (\d, (?:, lazy quantifiers, backslashes in brackets...) or does
 *             not compile is skipped and counted, never silently reinterpreted.
 *
 * A list only applies to the indicator types named by its
 * "matching_attributes" (MISP attribute types: ip-src, domain, url, md5...).
 * A list without them, or with "ALL", applies to every type. This is what
 * keeps the ssdeep digest of an empty file ("3::", in the empty-hashes list)
 * from flagging the IPv6 address 3::, and a top-sites list from flagging
 * every gmail.com address as benign. */
#ifndef OE_WARNINGLIST_H
#define OE_WARNINGLIST_H

#include <stddef.h>

#include "common.h"
#include "indicator.h"

/* Hard limits. Lists come from the operator's disk or a feed, but a feed is
 * outside bytes: each limit is a wall with a clear error, not a crash. */

/* Largest list.json accepted. Upstream's largest lists (top-1M sites) are
 * about 25 MB; twice that leaves room. */
#define OE_WL_MAX_FILE (64u * 1024 * 1024)
/* Lists in one set. Upstream misp-warninglists has about 120. */
#define OE_WL_MAX_LISTS 256
/* Entries in one list. The top-1M lists have 1,000,000. */
#define OE_WL_MAX_ENTRIES (2u * 1000 * 1000)
/* Entries over all lists of a set: bounds memory (about 100 bytes each). */
#define OE_WL_MAX_TOTAL (8u * 1000 * 1000)
/* Longest entry, in bytes: the longest canonical value (a URL). Longer
 * entries could never match and are skipped. */
#define OE_WL_MAX_ENTRY OE_VALUE_MAX
/* Longest list name; names are shown to analysts next to every lookup. */
#define OE_WL_MAX_NAME 256
/* Substring entries over all lists: they are scanned linearly on every
 * lookup (a memmem each over at most OE_VALUE_MAX bytes), so keep the
 * worst case in the tens of microseconds. Upstream has no substring list
 * over a few hundred entries. */
#define OE_WL_MAX_SUBSTRINGS 1024
/* Regular expressions over all lists: also linear per lookup, and each
 * regexec costs more than a memmem. */
#define OE_WL_MAX_REGEXES 256
/* Longest regular expression, and the largest product of its {m,n} bounds:
 * glibc's regcomp expands intervals, so "((a{99}){99}){99}" would allocate
 * gigabytes. */
#define OE_WL_MAX_REGEX_LEN    512
#define OE_WL_MAX_REGEX_REPEAT 1000
/* Subdirectories examined by oe_warninglists_load_dir. */
#define OE_WL_MAX_DIRENTS 4096

typedef struct oe_warninglists oe_warninglists;

typedef struct {
	const char *name; /* the list's "name"; owned by the set */
	const char *type; /* "string", "hostname", "cidr", "substring", "regex" (static) */
	size_t entries;	  /* list items accepted */
	size_t skipped;	  /* list items refused: malformed, too long, regex not compilable */
} oe_warninglist_info;

/* A new empty set; NULL when out of memory. Free with oe_warninglists_free. */
oe_warninglists *oe_warninglists_new(void);

/* Frees the set and every string it handed out (names, match results).
 * NULL is fine. */
void oe_warninglists_free(oe_warninglists *w);

/* Loads one list from len bytes of JSON at buf (need not be NUL-terminated;
 * the bytes are not kept). The list is appended after those already
 * loaded, so it is reported by oe_warninglists_match only when no earlier
 * list flags the value.
 *
 * Returns 0; OE_EINVAL for malformed JSON, a missing or wrongly typed field,
 * an unknown "type" or a non-string list item; OE_EEXIST when a list of the
 * same name is loaded; OE_ETOOBIG over a limit above; OE_ENOMEM. On failure
 * err (errcap bytes, may be 0) holds one English sentence and the set is
 * unchanged. Malformed individual entries do not fail the load: they are
 * skipped and counted (oe_warninglist_info.skipped). */
int oe_warninglists_load_json(oe_warninglists *w, const char *buf, size_t len, char *err,
			      size_t errcap);

/* Loads dir/NAME/list.json for every subdirectory NAME of dir (hidden ones
 * excepted), in strcmp order of NAME, so that the order of lists, and
 * therefore which list a match names, does not depend on the file system.
 * Subdirectories without a list.json are ignored.
 *
 * Returns 0, OE_ENOTFOUND when dir does not exist, OE_EIO when it or a file
 * cannot be read, or any error of oe_warninglists_load_json. err then
 * starts with the path of the offending file. Lists loaded from files
 * before the failing one stay in the set; a caller that wants all or
 * nothing frees the set. */
int oe_warninglists_load_dir(oe_warninglists *w, const char *dir, char *err, size_t errcap);

/* Number of lists loaded. */
size_t oe_warninglists_count(const oe_warninglists *w);

/* The name of list i (0 <= i < count, in load order), valid until the set
 * is freed; NULL when i is out of range. */
const char *oe_warninglists_name(const oe_warninglists *w, size_t i);

/* Everything known about list i: 0, or OE_ENOTFOUND when i is out of
 * range. The strings in *out stay valid until the set is freed. */
int oe_warninglists_info(const oe_warninglists *w, size_t i, oe_warninglist_info *out);

/* The name of the first list (in load order) that flags value, an indicator
 * of type type in its canonical form (indicator.h), or NULL when none does
 * or the value is too long to be canonical. The name stays valid until the
 * set is freed. Allocates nothing; w may be NULL (nothing is flagged). */
const char *oe_warninglists_match(const oe_warninglists *w, oe_itype type,
				  const char *canonical_value);

#endif
