/* blocklist.h - block lists in the formats of the tools that enforce them:
 * hosts files, DNS Response Policy Zones (BIND, Unbound, Knot, PowerDNS),
 * rbldnsd datasets and Suricata datasets.
 *
 * Pure writers: each turns one canonical value (indicator.h) into the lines
 * of one format, appended to an oe_buf, or says why it cannot. What each
 * format carries, and the choices behind it (docs/blocklists.md):
 *
 *   hosts     domains: "0.0.0.0 <name>". A hosts file has no wildcards, so
 *             subdomains are not covered.
 *   rpz       domains as "<name> CNAME ." and "*.<name> CNAME ." (NXDOMAIN
 *             for the name and its subdomains), IPv4, IPv6 and CIDR as
 *             rpz-ip triggers in BIND's canonical form ("32.1.2.0.192",
 *             "128.7.zz.db8.2001"), under an explicit $ORIGIN.
 *   rbldnsd   ip4set: IPv4 and IPv4 CIDR (and IPv4-mapped IPv6, as IPv4);
 *             ip6trie: IPv6 and IPv6 CIDR, always with the prefix length;
 *             dnset: domains as ".<name>" (the name and its subdomains).
 *   suricata  one Suricata dataset type per file: "string" (base64 of the
 *             value: domains, URLs, e-mail, phone, bank, wallet), "ipv4",
 *             "ip" (IPv6), "md5", "sha256" (hex). No comments: Suricata
 *             reads every line as data.
 *
 * A domain that is itself a public suffix (co.uk, github.io) is listed
 * without its subdomains, as lookups treat it. A value whose type the format
 * does not carry is OE_BL_OTHER; one of a carried type that the format
 * cannot express (a name too long for the zone's origin, a /0 block, a value
 * too long for Suricata's line buffer) is OE_BL_SKIPPED, and exporters count
 * those. */
#ifndef OE_BLOCKLIST_H
#define OE_BLOCKLIST_H

#include "buf.h"
#include "indicator.h"

typedef enum {
	OE_BL_HOSTS,
	OE_BL_RPZ,
	OE_BL_IP4SET,  /* rbldnsd ip4set */
	OE_BL_IP6TRIE, /* rbldnsd ip6trie */
	OE_BL_DNSET,   /* rbldnsd dnset */
	OE_BL_SURICATA
} oe_bl_format;

/* The RPZ origin when none is configured. */
#define OE_RPZ_ORIGIN_DEFAULT "rpz.oureyes.local."
/* Longest origin, in bytes of text with its trailing dot: a DNS name is 255
 * octets and the listed names need the rest of them. */
#define OE_RPZ_ORIGIN_MAX 128
/* Suricata reads a dataset file with fgets() into 1024 bytes: a value whose
 * base64 line (4 bytes per 3, and the newline) is longer would be split
 * into two garbage entries. 765 bytes make 1020 characters. */
#define OE_SURICATA_STRING_MAX 765
/* Longest header comment line that oe_bl_header writes from o->about. */
#define OE_BL_ABOUT_MAX 1024

typedef struct {
	oe_bl_format fmt;
	const char *origin; /* RPZ: from oe_rpz_origin; NULL: OE_RPZ_ORIGIN_DEFAULT */
	oe_time now;	    /* the export's time: RPZ serial and header */
	const char *title;  /* header line: who made the list (node name), or NULL */
	const char *about;  /* header line: the filter, or NULL */
} oe_bl_opts;

enum { OE_BL_WRITTEN = 0, OE_BL_SKIPPED = 1, OE_BL_OTHER = 2 };

/* Whether values of type t can appear in f (a CIDR of either family for
 * the rbldnsd IP datasets: the writer sorts them out). */
bool oe_bl_carries(oe_bl_format f, oe_itype t);
/* The Suricata dataset type for values of type t ("string", "ipv4", "ip",
 * "md5", "sha256"), or NULL when Suricata has none (cidr, sha1). */
const char *oe_suricata_type(oe_itype t);

/* Check and canonicalise an RPZ origin into out: lower case, with a
 * trailing dot, labels of 1-63 letters, digits, '-' or '_'. Returns 0 or
 * OE_EINVAL with *why set. */
int oe_rpz_origin(const char *in, char out[OE_RPZ_ORIGIN_MAX + 1], const char **why);

/* The lines that start a list: comments naming the format, o->title and
 * o->about (control characters replaced, so nothing from outside can end
 * the comment), and for RPZ the $TTL, $ORIGIN, SOA (serial: o->now in
 * seconds) and NS records. Nothing for Suricata. */
void oe_bl_header(oe_buf *b, const oe_bl_opts *o);
/* Append the lines for one canonical value of type t. Returns
 * OE_BL_WRITTEN, OE_BL_SKIPPED or OE_BL_OTHER; errors of b stay in b. */
int oe_bl_write(oe_buf *b, const oe_bl_opts *o, oe_itype t, const char *value);
/* A closing comment with the counts and the most restricted TLP written
 * (max_tlp < 0: none). Nothing for Suricata. */
void oe_bl_footer(oe_buf *b, const oe_bl_opts *o, size_t written, size_t skipped, int max_tlp);

#endif
