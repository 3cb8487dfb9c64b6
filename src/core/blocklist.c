/* blocklist.c - block list writers (see blocklist.h). */
#include "blocklist.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <libpsl.h>
#include <sodium.h>

/* The most bytes of a DNS name in wire form (RFC 1035 section 2.3.4). */
#define DNS_WIRE_MAX  255
#define DNS_LABEL_MAX 63
/* RPZ timers: answers cached 5 minutes; secondaries check hourly, retry
 * every 10 minutes and keep serving a zone they cannot refresh for a week
 * (a stale block list blocks more than an expired one: none). */
#define RPZ_TTL	    300
#define RPZ_REFRESH 3600
#define RPZ_RETRY   600
#define RPZ_EXPIRE  604800
#define RPZ_MINIMUM 300

bool oe_bl_carries(oe_bl_format f, oe_itype t)
{
	switch (f) {
	case OE_BL_HOSTS:
	case OE_BL_DNSET: return t == OE_T_DOMAIN;
	case OE_BL_RPZ:
		return t == OE_T_DOMAIN || t == OE_T_IPV4 || t == OE_T_IPV6 || t == OE_T_CIDR;
	case OE_BL_IP4SET: /* and IPv4-mapped IPv6 addresses, as IPv4 */
		return t == OE_T_IPV4 || t == OE_T_IPV6 || t == OE_T_CIDR;
	case OE_BL_IP6TRIE: return t == OE_T_IPV6 || t == OE_T_CIDR;
	case OE_BL_SURICATA: return oe_suricata_type(t) != NULL;
	}
	return false;
}

const char *oe_suricata_type(oe_itype t)
{
	switch (t) {
	case OE_T_DOMAIN:
	case OE_T_URL:
	case OE_T_EMAIL:
	case OE_T_PHONE:
	case OE_T_BANK:
	case OE_T_WALLET: return "string";
	case OE_T_IPV4: return "ipv4";
	case OE_T_IPV6: return "ip";
	case OE_T_MD5: return "md5";
	case OE_T_SHA256: return "sha256";
	default: return NULL;
	}
}

static bool label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* A name of dot-separated labels of 1-63 label_char bytes, no dot at
 * either end: what a canonical domain always is, checked again because a
 * zone file is code to the server that loads it. */
static bool dns_name_ok(const char *s, size_t n)
{
	size_t label = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (!label_char(s[i]) || ++label > DNS_LABEL_MAX) {
			return false;
		}
	}
	return label > 0;
}

int oe_rpz_origin(const char *in, char out[OE_RPZ_ORIGIN_MAX + 1], const char **why)
{
	size_t n = in ? strlen(in) : 0;
	if (n && in[n - 1] == '.')
		n--;
	if (n == 0) {
		*why = "the RPZ origin needs at least one label";
		return OE_EINVAL;
	}
	if (n + 1 > OE_RPZ_ORIGIN_MAX) {
		*why = "the RPZ origin is longer than 128 bytes";
		return OE_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
	if (!dns_name_ok(out, n)) {
		*why = "the RPZ origin must be labels of 1 to 63 letters, digits, '-' or '_'";
		return OE_EINVAL;
	}
	out[n] = '.';
	out[n + 1] = '\0';
	return 0;
}

static const char *origin_of(const oe_bl_opts *o)
{
	return o->origin ? o->origin : OE_RPZ_ORIGIN_DEFAULT;
}

static char comment_char(oe_bl_format f)
{
	return f == OE_BL_RPZ ? ';' : '#';
}

/* One comment line: the text with control characters replaced. */
static void comment(oe_buf *b, char cc, const char *label, const char *text)
{
	oe_buf_addc(b, cc);
	oe_buf_addc(b, ' ');
	oe_buf_adds(b, label);
	size_t n = strnlen(text, OE_BL_ABOUT_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		oe_buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	oe_buf_addc(b, '\n');
}

void oe_bl_header(oe_buf *b, const oe_bl_opts *o)
{
	static const char *const what[] = {
	    [OE_BL_HOSTS] = "oureyes block list, hosts file: 0.0.0.0 for each listed domain "
			    "(a hosts file has no wildcards: subdomains are not covered)",
	    [OE_BL_RPZ] = "oureyes DNS response policy zone: NXDOMAIN for each listed domain "
			  "and its subdomains, and for answers holding a listed address",
	    [OE_BL_IP4SET] = "oureyes block list, rbldnsd ip4set dataset: IPv4 addresses and "
			     "blocks",
	    [OE_BL_IP6TRIE] = "oureyes block list, rbldnsd ip6trie dataset: IPv6 addresses and "
			      "blocks",
	    [OE_BL_DNSET] = "oureyes block list, rbldnsd dnset dataset: each listed domain and "
			    "its subdomains",
	};
	if (o->fmt == OE_BL_SURICATA)
		return; /* every line of a dataset file is data */
	char cc = comment_char(o->fmt), when[OE_TIME_BUF];
	oe_time_format(o->now, when);
	comment(b, cc, "", what[o->fmt]);
	if (o->title)
		comment(b, cc, "from: ", o->title);
	comment(b, cc, "generated: ", when);
	if (o->about)
		comment(b, cc, "filter: ", o->about);
	switch (o->fmt) {
	case OE_BL_RPZ:
		oe_buf_printf(
		    b,
		    "$TTL %d\n$ORIGIN %s\n@ SOA localhost. hostmaster.localhost. %u %d %d "
		    "%d %d\n@ NS localhost.\n",
		    RPZ_TTL, origin_of(o), (unsigned)(uint32_t)(o->now / 1000000), RPZ_REFRESH,
		    RPZ_RETRY, RPZ_EXPIRE, RPZ_MINIMUM);
		break;
	case OE_BL_IP4SET:
	case OE_BL_IP6TRIE:
	case OE_BL_DNSET:
		/* The answer to a listed name: 127.0.0.2 and a TXT naming it
		 * ("$" is the queried address or name). */
		oe_buf_adds(b, ":127.0.0.2:Listed by oureyes: $\n");
		break;
	default: break;
	}
}

void oe_bl_footer(oe_buf *b, const oe_bl_opts *o, size_t written, size_t skipped, int max_tlp)
{
	if (o->fmt == OE_BL_SURICATA)
		return;
	oe_buf_printf(b, "%c end: %zu values listed, %zu skipped (not expressible in this format)",
		      comment_char(o->fmt), written, skipped);
	static const char *const tlp[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"};
	if (max_tlp >= 0 && max_tlp < (int)OE_ARRAY_SIZE(tlp))
		oe_buf_printf(b, "; most restricted marking TLP:%s", tlp[max_tlp]);
	oe_buf_addc(b, '\n');
}

/* Whether a domain is itself a public suffix ("co.uk", "github.io"): it is
 * listed alone, not with everything registered under it. */
static bool public_suffix(const char *name)
{
	const psl_ctx_t *psl = psl_builtin();
	return psl && psl_is_public_suffix2(psl, name, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
}

/* An address and prefix length from an ipv4, ipv6 or cidr value; v6 is
 * set for IPv6, and an IPv4-mapped IPv6 address (::ffff:0:0/96) is turned
 * into the IPv4 one, as resolvers see it. Returns false for what does not
 * parse or has host bits set. */
static bool parse_addr(oe_itype t, const char *value, uint8_t a[16], unsigned *plen, bool *v6)
{
	char tmp[64];
	const char *slash = t == OE_T_CIDR ? strchr(value, '/') : NULL;
	size_t an = slash ? (size_t)(slash - value) : strlen(value);
	if (an >= sizeof(tmp) || (t == OE_T_CIDR && !slash))
		return false;
	memcpy(tmp, value, an);
	tmp[an] = '\0';
	*v6 = strchr(tmp, ':') != NULL;
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, tmp, a) != 1)
		return false;
	unsigned bits = *v6 ? 128 : 32, p = bits;
	if (slash) {
		p = 0;
		const char *s = slash + 1;
		if (!*s || strlen(s) > 3)
			return false;
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return false;
			p = p * 10 + (unsigned)(*s - '0');
		}
		if (p > bits)
			return false;
	}
	for (unsigned i = p; i < bits; i++) /* host bits must be clear */
		if (a[i / 8] & (0x80 >> (i % 8)))
			return false;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (*v6 && p >= 96 && memcmp(a, mapped, 12) == 0) {
		memmove(a, a + 12, 4);
		p -= 96;
		*v6 = false;
	}
	*plen = p;
	return true;
}

/* IPv6 as eight hex words with the longest run of two or more zero words
 * (the first of equal runs) as "::" (RFC 5952), never with a dotted quad. */
static void fmt_v6(const uint8_t a[16], char out[48])
{
	int w[8], best = -1, bestlen = 0;
	for (int i = 0; i < 8; i++)
		w[i] = a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	size_t k = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			k += (size_t)snprintf(out + k, 48 - k, "::");
			i += bestlen - 1;
			continue;
		}
		if (k && out[k - 1] != ':')
			out[k++] = ':';
		k += (size_t)snprintf(out + k, 48 - k, "%x", w[i]);
	}
	out[k] = '\0';
}

/* The rpz-ip trigger name of an address block, relative to the origin, in
 * the canonical form BIND's ip2name() writes: IPv4 "prefix.d.c.b.a";
 * IPv6 "prefix" and the words in reverse order, the longest run of two or
 * more zero words (the last of equal runs in this reversed order, which is
 * the first in the address) as "zz". */
static void rpz_ip_name(const uint8_t a[16], unsigned plen, bool v6, char out[96])
{
	if (!v6) {
		snprintf(out, 96, "%u.%u.%u.%u.%u.rpz-ip", plen, a[3], a[2], a[1], a[0]);
		return;
	}
	int r[8], best = -1, bestlen = 0;
	for (int n = 0; n < 8; n++)
		r[n] = a[2 * (7 - n)] << 8 | a[2 * (7 - n) + 1];
	for (int n = 0, first = -1, len = 0; n < 8; n++) {
		if (r[n]) {
			first = -1;
			len = 0;
			continue;
		}
		len++;
		if (first < 0)
			first = n;
		else if (len >= bestlen) {
			best = first;
			bestlen = len;
		}
	}
	size_t k = (size_t)snprintf(out, 96, "%u", plen);
	for (int n = 0; n < 8; n++) {
		if (n == best) {
			k += (size_t)snprintf(out + k, 96 - k, ".zz");
			n += bestlen - 1;
		} else {
			k += (size_t)snprintf(out + k, 96 - k, ".%x", r[n]);
		}
	}
	snprintf(out + k, 96 - k, ".rpz-ip");
}

/* Does name (relative) fit under the origin as a DNS name? */
static bool fits(size_t name_len, const char *origin)
{
	/* "name." + origin ("x.y.") in wire form is its text length + 1. */
	return name_len + 1 + strlen(origin) + 1 <= DNS_WIRE_MAX;
}

static int write_rpz(oe_buf *b, const oe_bl_opts *o, oe_itype t, const char *value)
{
	const char *origin = origin_of(o);
	if (t == OE_T_DOMAIN) {
		size_t n = strlen(value);
		const char *last = strrchr(value, '.');
		/* rpz-ip, rpz-nsdname, rpz-client-ip...: names the policy
		 * server reads as something else than a QNAME trigger. */
		if (!dns_name_ok(value, n) || !fits(n, origin) ||
		    strncmp(last ? last + 1 : value, "rpz-", 4) == 0)
			return OE_BL_SKIPPED;
		oe_buf_printf(b, "%s CNAME .\n", value);
		/* A subdomain that does not fit under the origin cannot be
		 * queried through the zone either. */
		if (!public_suffix(value) && fits(n + 2, origin))
			oe_buf_printf(b, "*.%s CNAME .\n", value);
		return OE_BL_WRITTEN;
	}
	uint8_t a[16];
	unsigned plen;
	bool v6;
	if (!parse_addr(t, value, a, &plen, &v6) || plen == 0)
		return OE_BL_SKIPPED;
	char name[96];
	rpz_ip_name(a, plen, v6, name);
	if (!fits(strlen(name), origin))
		return OE_BL_SKIPPED;
	oe_buf_printf(b, "%s CNAME .\n", name);
	return OE_BL_WRITTEN;
}

static int write_rbldnsd(oe_buf *b, const oe_bl_opts *o, oe_itype t, const char *value)
{
	if (o->fmt == OE_BL_DNSET) {
		if (!dns_name_ok(value, strlen(value)))
			return OE_BL_SKIPPED;
		/* ".name": the name and its subdomains. */
		oe_buf_printf(b, "%s%s\n", public_suffix(value) ? "" : ".", value);
		return OE_BL_WRITTEN;
	}
	uint8_t a[16];
	unsigned plen;
	bool v6;
	if (!parse_addr(t, value, a, &plen, &v6))
		return OE_BL_SKIPPED;
	if (v6 != (o->fmt == OE_BL_IP6TRIE))
		return OE_BL_OTHER; /* the other family's dataset */
	if (plen == 0)
		return OE_BL_SKIPPED; /* every address: never a block list entry */
	if (!v6) {
		oe_buf_printf(b, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		if (plen < 32)
			oe_buf_printf(b, "/%u", plen);
	} else {
		/* Always with the prefix: rbldnsd reads a short address
		 * ("2001:db8:1:2") as the block of its words. */
		char s[48];
		fmt_v6(a, s);
		oe_buf_printf(b, "%s/%u", s, plen);
	}
	oe_buf_addc(b, '\n');
	return OE_BL_WRITTEN;
}

static int write_suricata(oe_buf *b, oe_itype t, const char *value)
{
	const char *type = oe_suricata_type(t);
	size_t n = strlen(value);
	if (strcmp(type, "string") == 0) {
		if (n == 0 || n > OE_SURICATA_STRING_MAX)
			return OE_BL_SKIPPED;
		char enc[sodium_base64_ENCODED_LEN(OE_SURICATA_STRING_MAX,
						   sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)value, n,
				  sodium_base64_VARIANT_ORIGINAL);
		oe_buf_adds(b, enc);
	} else if (t == OE_T_MD5 || t == OE_T_SHA256) {
		if (n != (t == OE_T_MD5 ? 32u : 64u) || strspn(value, "0123456789abcdef") != n)
			return OE_BL_SKIPPED;
		oe_buf_adds(b, value);
	} else {
		uint8_t a[16];
		if (inet_pton(t == OE_T_IPV4 ? AF_INET : AF_INET6, value, a) != 1)
			return OE_BL_SKIPPED;
		oe_buf_adds(b, value);
	}
	oe_buf_addc(b, '\n');
	return OE_BL_WRITTEN;
}

int oe_bl_write(oe_buf *b, const oe_bl_opts *o, oe_itype t, const char *value)
{
	if (!value || !oe_bl_carries(o->fmt, t))
		return OE_BL_OTHER;
	switch (o->fmt) {
	case OE_BL_HOSTS:
		if (!dns_name_ok(value, strlen(value)))
			return OE_BL_SKIPPED;
		oe_buf_printf(b, "0.0.0.0 %s\n", value);
		return OE_BL_WRITTEN;
	case OE_BL_RPZ: return write_rpz(b, o, t, value);
	case OE_BL_IP4SET:
	case OE_BL_IP6TRIE:
	case OE_BL_DNSET: return write_rbldnsd(b, o, t, value);
	case OE_BL_SURICATA: return write_suricata(b, t, value);
	}
	return OE_BL_OTHER;
}
