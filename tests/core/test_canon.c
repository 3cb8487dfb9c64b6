/* test_canon.c - the canonical form of every indicator type, as tables:
 * input -> expected canonical value, or input -> expected refusal reason.
 * Each input is handed over in a heap buffer of exactly its length, with no
 * NUL after it, so ASan catches any read past the end. Also: oe_detect, the
 * bank table's invariants, Keccak/SHA3 vectors and the output-buffer and
 * length limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bank.h"
#include "core/indicator.h"
#include "core/wallet.h"

typedef struct {
	oe_itype t;
	const char *in;
	const char *want; /* canonical value; NULL: refused */
	const char *why;  /* refused: a substring of the reason */
	const char *region;
} canon_case;

#define OK(t, in, want)                                                                            \
	{                                                                                          \
		t, in, want, NULL, NULL                                                            \
	}
#define NO(t, in, why)                                                                             \
	{                                                                                          \
		t, in, NULL, why, NULL                                                             \
	}
#define OKR(region, in, want)                                                                      \
	{                                                                                          \
		OE_T_PHONE, in, want, NULL, region                                                 \
	}
#define NOR(region, in, why)                                                                       \
	{                                                                                          \
		OE_T_PHONE, in, NULL, why, region                                                  \
	}

/* clang-format off */
static const canon_case cases[] = {
	/* IPv4: strict dotted quad; leading zeros are refused (octal?). */
	OK(OE_T_IPV4, "1.2.3.4", "1.2.3.4"),
	OK(OE_T_IPV4, "0.0.0.0", "0.0.0.0"),
	OK(OE_T_IPV4, "255.255.255.255", "255.255.255.255"),
	OK(OE_T_IPV4, " 192.168.1.1\n", "192.168.1.1"),
	OK(OE_T_IPV4, "10[.]0[.]0[.]1", "10.0.0.1"),
	NO(OE_T_IPV4, "999.1.1.1", "out of range"),
	NO(OE_T_IPV4, "256.0.0.1", "out of range"),
	NO(OE_T_IPV4, "1.2.3.1000", "out of range"),
	NO(OE_T_IPV4, "010.1.1.1", "leading zero"),
	NO(OE_T_IPV4, "1.2.3.04", "leading zero"),
	NO(OE_T_IPV4, "00.1.1.1", "leading zero"),
	NO(OE_T_IPV4, "1.2.3", "four octets"),
	NO(OE_T_IPV4, "1.2.3.4.5", "more than four"),
	NO(OE_T_IPV4, "1..2.3", "empty octet"),
	NO(OE_T_IPV4, "1.2.3.a", "other than digits"),
	NO(OE_T_IPV4, "1.2.3.4/32", "other than digits"),
	NO(OE_T_IPV4, "0x7f.0.0.1", "other than digits"),
	NO(OE_T_IPV4, "", "empty"),
	NO(OE_T_IPV4, " \t ", "empty"),
	NO(OE_T_IPV4, "1.2.3.4\x01", "control character"),

	/* IPv6: RFC 5952. */
	OK(OE_T_IPV6, "2001:DB8::1", "2001:db8::1"),
	OK(OE_T_IPV6, "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
	OK(OE_T_IPV6, "2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),        /* longest run */
	OK(OE_T_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),      /* first of equal runs */
	OK(OE_T_IPV6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),   /* one zero group stays */
	OK(OE_T_IPV6, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
	OK(OE_T_IPV6, "0:0:0:0:0:0:0:0", "::"),
	OK(OE_T_IPV6, "::1", "::1"),
	OK(OE_T_IPV6, "1::", "1::"),
	OK(OE_T_IPV6, "FE80:0:0:0:0200:5EFF:FE00:5301", "fe80::200:5eff:fe00:5301"),
	OK(OE_T_IPV6, "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
	OK(OE_T_IPV6, "::ffff:1.2.3.4", "::ffff:1.2.3.4"),               /* IPv4-mapped */
	OK(OE_T_IPV6, "::FFFF:0102:0304", "::ffff:1.2.3.4"),
	OK(OE_T_IPV6, "0:0:0:0:0:ffff:c000:0280", "::ffff:192.0.2.128"),
	OK(OE_T_IPV6, "::ffff:0:1.2.3.4", "::ffff:0:1.2.3.4"),           /* IPv4-translated */
	OK(OE_T_IPV6, "::1.2.3.4", "::102:304"),                         /* compatible: deprecated */
	OK(OE_T_IPV6, "64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
	OK(OE_T_IPV6, "[2001:db8::1]", "2001:db8::1"),
	NO(OE_T_IPV6, "fe80::1%eth0", "zone"),
	NO(OE_T_IPV6, "2001:db8::1::1", "not a valid IPv6"),
	NO(OE_T_IPV6, "1:2:3:4:5:6:7:8:9", "not a valid IPv6"),
	NO(OE_T_IPV6, "12345::1", "not a valid IPv6"),
	NO(OE_T_IPV6, "::ffff:1.2.3.256", "not a valid IPv6"),
	NO(OE_T_IPV6, "2001:db8::g", "character other than hex"),
	NO(OE_T_IPV6, "1.2.3.4", "not a valid IPv6"),

	/* CIDR: host bits cleared. */
	OK(OE_T_CIDR, "10.1.2.3/8", "10.0.0.0/8"),
	OK(OE_T_CIDR, "10.0.0.0/8", "10.0.0.0/8"),
	OK(OE_T_CIDR, "192.168.1.255/23", "192.168.0.0/23"),
	OK(OE_T_CIDR, "1.2.3.4/32", "1.2.3.4/32"),
	OK(OE_T_CIDR, "1.2.3.4/0", "0.0.0.0/0"),
	OK(OE_T_CIDR, "172.31.255.255/12", "172.16.0.0/12"),
	OK(OE_T_CIDR, "2001:db8::1/32", "2001:db8::/32"),
	OK(OE_T_CIDR, "2001:DB8:ABCD:12FF::/56", "2001:db8:abcd:1200::/56"),
	OK(OE_T_CIDR, "2001:db8::1/128", "2001:db8::1/128"),
	OK(OE_T_CIDR, "::ffff:1.2.3.4/120", "::ffff:1.2.3.0/120"),
	NO(OE_T_CIDR, "1.2.3.4/33", "over 32"),
	NO(OE_T_CIDR, "2001:db8::/129", "over 128"),
	NO(OE_T_CIDR, "1.2.3.4/08", "leading zero"),
	NO(OE_T_CIDR, "1.2.3.4", "needs a /prefix"),
	NO(OE_T_CIDR, "1.2.3.4/", "1 to 3 digits"),
	NO(OE_T_CIDR, "1.2.3.4/a", "1 to 3 digits"),
	NO(OE_T_CIDR, "999.2.3.4/8", "out of range"),

	/* Domains. */
	OK(OE_T_DOMAIN, "example.com", "example.com"),
	OK(OE_T_DOMAIN, "EXAMPLE.COM", "example.com"),
	OK(OE_T_DOMAIN, "Example.Com.", "example.com"),
	OK(OE_T_DOMAIN, "a_b.example.com", "a_b.example.com"),
	OK(OE_T_DOMAIN, "r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"),
	OK(OE_T_DOMAIN, "a.b1", "a.b1"),
	OK(OE_T_DOMAIN, "evil[.]example", "evil.example"),
	OK(OE_T_DOMAIN, "B\xc3\xbc" "cher.example", "xn--bcher-kva.example"),
	OK(OE_T_DOMAIN, "B\xc3\x9c" "CHER.EXAMPLE", "xn--bcher-kva.example"),
	OK(OE_T_DOMAIN, "xn--bcher-kva.example", "xn--bcher-kva.example"),
	OK(OE_T_DOMAIN, "XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"),
	OK(OE_T_DOMAIN, "\xe4\xbe\x8b\xe5\xad\x90.\xe4\xb8\xad\xe5\x9b\xbd", "xn--fsqu00a.xn--fiqs8s"), /* 例子.中国 */
	OK(OE_T_DOMAIN, "\xe4\xb8\xad\xe5\x9b\xbd\xe3\x80\x82" "cn", "xn--fiqs8s.cn"), /* 中国。cn */
	OK(OE_T_DOMAIN, "\xe0\xb8\x95\xe0\xb8\xb1\xe0\xb8\xa7\xe0\xb8\xad\xe0\xb8\xa2\xe0\xb9\x88\xe0\xb8\xb2\xe0\xb8\x87.\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2",
	   "xn--72c1a1bt4awk9o.xn--o3cw4h"), /* ตัวอย่าง.ไทย */
	OK(OE_T_DOMAIN, "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84", "xn--e1afmkfd.xn--p1ai"), /* пример.рф */
	OK(OE_T_DOMAIN, "fa\xc3\x9f.de", "xn--fa-hia.de"),          /* non-transitional: ß kept */
	OK(OE_T_DOMAIN, "\xef\xbc\xa1\xef\xbd\x82\xef\xbd\x83.com", "abc.com"), /* full-width Ａｂｃ */
	OK(OE_T_DOMAIN, "\xf0\x9f\x92\xa9.la", "xn--ls8h.la"),      /* transitional fallback */
	OK(OE_T_DOMAIN, "caf\xc3\xa9.example", "xn--caf-dma.example"),
	NO(OE_T_DOMAIN, "xn--abc.example", "TR46"),
	NO(OE_T_DOMAIN, "xn--.example", "punycode"),
	NO(OE_T_DOMAIN, "xn--cafe-yvc.example", "NFC"),
	NO(OE_T_DOMAIN, "localhost", "at least two labels"),
	NO(OE_T_DOMAIN, "1.2.3.4", "all digits"),
	NO(OE_T_DOMAIN, "a.b_c", "underscore"),
	NO(OE_T_DOMAIN, "example.com..", "empty label"),
	NO(OE_T_DOMAIN, ".example.com", "empty label"),
	NO(OE_T_DOMAIN, "a..b.com", "empty label"),
	NO(OE_T_DOMAIN, "-a.com", "hyphen"),
	NO(OE_T_DOMAIN, "a-.com", "hyphen"),
	NO(OE_T_DOMAIN, "exa mple.com", "space"),
	NO(OE_T_DOMAIN, "exa*mple.com", "other than letters"),
	NO(OE_T_DOMAIN, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", "63"),
	NO(OE_T_DOMAIN, "\xff\xfe.com", "UTF-8"),
	NO(OE_T_DOMAIN, ".", "empty"),

	/* URLs: curl parses, we normalise. */
	OK(OE_T_URL, "http://example.com", "http://example.com/"),
	OK(OE_T_URL, "HTTP://ExAmple.COM/Path", "http://example.com/Path"),
	OK(OE_T_URL, "http://example.com:80/", "http://example.com/"),
	OK(OE_T_URL, "https://example.com:443/a", "https://example.com/a"),
	OK(OE_T_URL, "https://example.com:8443/a", "https://example.com:8443/a"),
	OK(OE_T_URL, "ftp://ftp.example.org:21/pub/", "ftp://ftp.example.org/pub/"),
	OK(OE_T_URL, "http://example.com/a/./b/../c", "http://example.com/a/c"),
	OK(OE_T_URL, "http://example.com/a/%2e%2E/b", "http://example.com/b"),
	OK(OE_T_URL, "http://example.com/../../x", "http://example.com/x"),
	OK(OE_T_URL, "http://example.com/a//b/", "http://example.com/a//b/"),
	OK(OE_T_URL, "http://a.com/a/b/c/%2e/%2e%2e/%2E%2E/g", "http://a.com/a/g"),
	OK(OE_T_URL, "http://a.com/a/b/..%2e", "http://a.com/a/b/..."),
	OK(OE_T_URL, "http://a.com/a/..%2F", "http://a.com/a/..%2F"),
	OK(OE_T_URL, "http://a.com/a?b=../c", "http://a.com/a?b=../c"),
	OK(OE_T_URL, "http://a.com/%7e%2D%5f%2e", "http://a.com/~-_."),
	OK(OE_T_URL, "HTTPS://EXAMPLE.COM:443/%c3%A4", "https://example.com/%C3%A4"),
	OK(OE_T_URL, "http://[::ffff:7f00:1]:80/", "http://[::ffff:127.0.0.1]/"),
	OK(OE_T_URL, "http://example.com/?x=%7e&y=%7E", "http://example.com/?x=~&y=~"),
	OK(OE_T_URL, "http://example.com/%41%2f%3a", "http://example.com/A%2F%3A"),
	OK(OE_T_URL, "http://example.com/%zz", "http://example.com/%25zz"),
	OK(OE_T_URL, "http://example.com/<x>|{}", "http://example.com/%3Cx%3E%7C%7B%7D"),
	OK(OE_T_URL, "http://example.com/p?q=%20&x=\xc3\xa9", "http://example.com/p?q=%20&x=%C3%A9"),
	OK(OE_T_URL, "http://example.com/a#frag", "http://example.com/a"),
	OK(OE_T_URL, "http://example.com/?", "http://example.com/"),
	OK(OE_T_URL, "http://example.com/?#", "http://example.com/"),
	OK(OE_T_URL, "http://User:Pa%73s@example.com/", "http://User:Pass@example.com/"),
	OK(OE_T_URL, "http://paypal.com@evil.example/", "http://paypal.com@evil.example/"),
	OK(OE_T_URL, "http://B\xc3\xbc" "cher.example/\xc3\xa4?\xc3\xbc", "http://xn--bcher-kva.example/%C3%A4?%C3%BC"),
	OK(OE_T_URL, "http://example.com.:8080/", "http://example.com:8080/"),
	OK(OE_T_URL, "http://[2001:DB8:0:0::1]:8080/", "http://[2001:db8::1]:8080/"),
	OK(OE_T_URL, "http://[::ffff:1.2.3.4]/", "http://[::ffff:1.2.3.4]/"),
	OK(OE_T_URL, "http://1.2.3.4/admin", "http://1.2.3.4/admin"),
	OK(OE_T_URL, "http://0x7f.1/", "http://127.0.0.1/"),
	OK(OE_T_URL, "hxxp://evil[.]example/a[.]b", "http://evil.example/a%5B.%5Db"),
	OK(OE_T_URL, "hXXps://evil(.)example/", "https://evil.example/"),
	OK(OE_T_URL, "ws://chat.example/", "ws://chat.example/"),
	OK(OE_T_URL, "custom://host.example:99/x", "custom://host.example:99/x"),
	NO(OE_T_URL, "http://", "no host"),
	NO(OE_T_URL, "file:///etc/passwd", "no host"),
	NO(OE_T_URL, "http://exa mple.com/", "space"),
	NO(OE_T_URL, "example.com/path", "no scheme"),
	NO(OE_T_URL, "exa mple.com", "no scheme"),
	NO(OE_T_URL, "mailto:a@example.com", "no scheme"),
	NO(OE_T_URL, "http://example.com:99999/", "port"),
	NO(OE_T_URL, "http://[fe80::1%25eth0]/", "zone"),
	NO(OE_T_URL, "http://localhost/", "two labels"),
	NO(OE_T_URL, "http://256.1.1.1/", "out of range"),
	NO(OE_T_URL, "http://xn--abc.example/", "TR46"),
	NO(OE_T_URL, "http://a_b/", "two labels"),

	/* Email: all lower case (see indicator.c). */
	OK(OE_T_EMAIL, "Victim@Example.COM", "victim@example.com"),
	OK(OE_T_EMAIL, "user+tag@gmail.com", "user+tag@gmail.com"),
	OK(OE_T_EMAIL, "first.last@sub.example.co.id", "first.last@sub.example.co.id"),
	OK(OE_T_EMAIL, "mailto:Scam@Example.com", "scam@example.com"),
	OK(OE_T_EMAIL, "a@B\xc3\xbc" "cher.example", "a@xn--bcher-kva.example"),
	OK(OE_T_EMAIL, "info@\xe4\xbe\x8b\xe5\xad\x90.\xe4\xb8\xad\xe5\x9b\xbd", "info@xn--fsqu00a.xn--fiqs8s"),
	OK(OE_T_EMAIL, "\xc3\xbc@example.com", "\xc3\xbc@example.com"),
	OK(OE_T_EMAIL, "a@evil[.]example", "a@evil.example"),
	OK(OE_T_EMAIL, "a@example.com.", "a@example.com"),
	NO(OE_T_EMAIL, "a@@example.com", "exactly one"),
	NO(OE_T_EMAIL, "example.com", "exactly one"),
	NO(OE_T_EMAIL, "@example.com", "empty local part"),
	NO(OE_T_EMAIL, "a@localhost", "two labels"),
	NO(OE_T_EMAIL, "a.@example.com", "dot"),
	NO(OE_T_EMAIL, "a..b@example.com", "dot"),
	NO(OE_T_EMAIL, "a b@example.com", "not allowed"),
	NO(OE_T_EMAIL, "\"a\"@example.com", "not allowed"),
	NO(OE_T_EMAIL, "a@[1.2.3.4]", "domain label"),
	NO(OE_T_EMAIL, "\xff@example.com", "UTF-8"),
	NO(OE_T_EMAIL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com", "64"),

	/* Phone numbers: E.164, default region ID. */
	OK(OE_T_PHONE, "+62 812-3456-7890", "+6281234567890"),
	OK(OE_T_PHONE, "0812 3456 7890", "+6281234567890"),
	OK(OE_T_PHONE, "0812-3456-7890", "+6281234567890"),
	OK(OE_T_PHONE, "0812.3456.7890", "+6281234567890"),
	OK(OE_T_PHONE, "tel:+6281234567890", "+6281234567890"),
	OK(OE_T_PHONE, "+62 (0) 812 3456 7890", "+6281234567890"),
	OK(OE_T_PHONE, "(021) 555-1234", "+62215551234"),
	OK(OE_T_PHONE, "021 2555 1234", "+622125551234"),
	OK(OE_T_PHONE, "+86 138 0013 8000", "+8613800138000"),
	OK(OE_T_PHONE, "+1 650 253 0000", "+16502530000"),
	OKR("ID", "081234567890", "+6281234567890"),
	OKR("CN", "138 0013 8000", "+8613800138000"),
	OKR("CN", "010 1234 5678", "+861012345678"),
	OKR("cn", "+86 10 12345678", "+861012345678"),
	OKR("MY", "012-345 6789", "+60123456789"),
	OKR("MY", "03-2123 4567", "+60321234567"),
	OKR("MY", "+60 12-345 6789", "+60123456789"),
	OKR("SG", "9123 4567", "+6591234567"),
	OKR("SG", "6123 4567", "+6561234567"),
	OKR("SG", "+65 6123 4567", "+6561234567"),
	OKR("TH", "081 234 5678", "+66812345678"),
	OKR("TH", "02 123 4567", "+6621234567"),
	OKR("TH", "+66 81 234 5678", "+66812345678"),
	OKR("VN", "091 234 56 78", "+84912345678"),
	OKR("VN", "028 3823 4567", "+842838234567"),
	OKR("VN", "+84 91 234 5678", "+84912345678"),
	OKR("PH", "0917 123 4567", "+639171234567"),
	OKR("PH", "(02) 8123 4567", "+63281234567"),
	OKR("PH", "+63 917 123 4567", "+639171234567"),
	NO(OE_T_PHONE, "12345", "not a valid phone number"),
	NO(OE_T_PHONE, "+62812", "not a valid phone number"),
	NO(OE_T_PHONE, "abc", "character other than digits"),
	NO(OE_T_PHONE, "0812-3456-7890 ext 5", "character other than digits"),
	NO(OE_T_PHONE, "+", "no digits"),
	NO(OE_T_PHONE, "081234567890123456789", "too long"),
	NOR("XX", "0812", "country code"),
	NOR("IDN", "0812 3456 7890", "two-letter"),

	/* Bank accounts: COUNTRY:CODE:DIGITS. */
	OK(OE_T_BANK, "ID:014:123-456-7890", "ID:014:1234567890"),
	OK(OE_T_BANK, "ID:BCA:1234567890", "ID:014:1234567890"),
	OK(OE_T_BANK, "id:bca:1234 567 890", "ID:014:1234567890"),
	OK(OE_T_BANK, "ID:Bank Central Asia:1234567890", "ID:014:1234567890"),
	OK(OE_T_BANK, "ID : B.C.A. : 123.456.7890", "ID:014:1234567890"),
	OK(OE_T_BANK, "ID:CENAIDJA:1234567890", "ID:014:1234567890"),
	OK(OE_T_BANK, "ID:Mandiri:123-00-1234567-8", "ID:008:1230012345678"),
	OK(OE_T_BANK, "ID:BRI:0123-01-012345-50-1", "ID:002:012301012345501"),
	OK(OE_T_BANK, "ID:BNI:0123456789", "ID:009:0123456789"),
	OK(OE_T_BANK, "ID:BSI:7123456789", "ID:451:7123456789"),
	OK(OE_T_BANK, "ID:Jago:100012345678", "ID:542:100012345678"),
	OK(OE_T_BANK, "ID:seabank:901234567890", "ID:535:901234567890"),
	OK(OE_T_BANK, "ID:blu:001234567890", "ID:501:001234567890"),
	OK(OE_T_BANK, "ID:CIMB Niaga:706123456700", "ID:022:706123456700"),
	OK(OE_T_BANK, "MY:Maybank:1234 5678 9012", "MY:MBBEMYKL:123456789012"),
	OK(OE_T_BANK, "MY:MBBEMYKLXXX:123456789012", "MY:MBBEMYKL:123456789012"),
	OK(OE_T_BANK, "MY:public bank:3123456789", "MY:PBBEMYKL:3123456789"),
	OK(OE_T_BANK, "SG:DBS:123-45678-9", "SG:7171:123456789"),
	OK(OE_T_BANK, "SG:POSB:123456789", "SG:7171:123456789"),
	OK(OE_T_BANK, "SG:7339:5012345678", "SG:7339:5012345678"),
	OK(OE_T_BANK, "TH:SCB:123-4-56789-0", "TH:014:1234567890"),
	OK(OE_T_BANK, "TH:KBank:123-4-56789-0", "TH:004:1234567890"),
	OK(OE_T_BANK, "TH:\xe0\xb8\x81\xe0\xb8\xaa\xe0\xb8\xb4\xe0\xb8\x81\xe0\xb8\xa3\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2:1234567890",
	   "TH:004:1234567890"), /* กสิกรไทย */
	OK(OE_T_BANK, "TH:GSB:020012345678", "TH:030:020012345678"),
	OK(OE_T_BANK, "PH:BPI:1234567890", "PH:BOPIPHMM:1234567890"),
	OK(OE_T_BANK, "PH:BDO:001234567890", "PH:BNORPHMM:001234567890"),
	OK(OE_T_BANK, "VN:Vietcombank:0071001234567", "VN:970436:0071001234567"),
	OK(OE_T_BANK, "VN:MB Bank:0901234567", "VN:970422:0901234567"),
	OK(OE_T_BANK, "CN:ICBC:6222 0212 3456 7890 123", "CN:102:6222021234567890123"),
	OK(OE_T_BANK, "CN:\xe5\xb7\xa5\xe5\x95\x86\xe9\x93\xb6\xe8\xa1\x8c:6222021234567890123", "CN:102:6222021234567890123"), /* 工商银行 */
	OK(OE_T_BANK, "CN:308:6225880123456789", "CN:308:6225880123456789"),
	OK(OE_T_BANK, "US:chase:123456789", "US:CHASE:123456789"),       /* no table: code kept */
	NO(OE_T_BANK, "ID:999:1234567890", "unknown bank"),
	NO(OE_T_BANK, "ID:XYZ Bank:1234567890", "unknown bank"),
	NO(OE_T_BANK, "MY:BCA:1234567890", "unknown bank"),
	NO(OE_T_BANK, "ID:014:123456789", "wrong number of digits"),
	NO(OE_T_BANK, "ID:014:12345678901", "wrong number of digits"),
	NO(OE_T_BANK, "ID:BRI:1234567890", "wrong number of digits"),
	NO(OE_T_BANK, "ID:014:12a4567890", "character other than digits"),
	NO(OE_T_BANK, "ID::1234567890", "no bank code"),
	NO(OE_T_BANK, "ID:014", "COUNTRY:BANK:NUMBER"),
	NO(OE_T_BANK, "1234567890", "COUNTRY:BANK:NUMBER"),
	NO(OE_T_BANK, "IDN:014:1234567890", "two-letter"),
	NO(OE_T_BANK, "US:CH-ASE:123456789", "letters or digits"),
	NO(OE_T_BANK, "US:CHASE:1234", "5 to 34 digits"),
	NO(OE_T_BANK, "ID:011:1234", "5 to 34 digits"),

	/* Crypto wallets. */
	OK(OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
	OK(OE_T_WALLET, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
	OK(OE_T_WALLET, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r"),
	OK(OE_T_WALLET, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
	OK(OE_T_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
	OK(OE_T_WALLET, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
	   "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"),
	OK(OE_T_WALLET, "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
	   "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7"),
	OK(OE_T_WALLET, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
	   "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"),
	OK(OE_T_WALLET, "BC1SW50QGDZ25J", "bc1sw50qgdz25j"),
	OK(OE_T_WALLET, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"),
	OK(OE_T_WALLET, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
	   "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
	OK(OE_T_WALLET, "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", "LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9"),
	OK(OE_T_WALLET, "MJaRnao1s62a2zAKSkmG582KbLKianqb7v", "MJaRnao1s62a2zAKSkmG582KbLKianqb7v"),
	OK(OE_T_WALLET, "ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9", "ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9"),
	OK(OE_T_WALLET, "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L"),
	OK(OE_T_WALLET, "A37YDYSwz3438rFtm1SLVcQHyD7JeueC9H", "A37YDYSwz3438rFtm1SLVcQHyD7JeueC9H"),
	OK(OE_T_WALLET, "XpESxaUmonkq8RaLLp46Brx2K39ggQe226", "XpESxaUmonkq8RaLLp46Brx2K39ggQe226"),
	OK(OE_T_WALLET, "t1UYsZVJkLPeMjxEtACvSxfWuNmddpWfxzs", "t1UYsZVJkLPeMjxEtACvSxfWuNmddpWfxzs"),
	OK(OE_T_WALLET, "t3VEtV2oBtHxjq7wKHJb3PHsqXHvMRgUmVw", "t3VEtV2oBtHxjq7wKHJb3PHsqXHvMRgUmVw"),
	OK(OE_T_WALLET, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
	OK(OE_T_WALLET, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"),
	OK(OE_T_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
	OK(OE_T_WALLET, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
	OK(OE_T_WALLET, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"),
	OK(OE_T_WALLET, "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb"),
	OK(OE_T_WALLET, "0x52908400098527886E0F7030069857D2E4169EE7", "0x52908400098527886e0f7030069857d2e4169ee7"),
	OK(OE_T_WALLET, "0xde709f2102306220921060314715629080e2fb77", "0xde709f2102306220921060314715629080e2fb77"),
	OK(OE_T_WALLET, "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
	OK(OE_T_WALLET, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
	   "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
	OK(OE_T_WALLET, "BITCOINCASH:QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A",
	   "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
	OK(OE_T_WALLET, "qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy", "bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy"),
	OK(OE_T_WALLET, "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
	   "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"),
	NO(OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum"),
	NO(OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "base58 alphabet"),
	NO(OE_T_WALLET, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNL", "wrong length"),
	NO(OE_T_WALLET, "413VSuydLL6tsMAbPiSZDjKVXeFA1YR19z", "version byte"),
	NO(OE_T_WALLET, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6T", "checksum"),
	NO(OE_T_WALLET, "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTH", "checksum"),
	NO(OE_T_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "checksum"),
	NO(OE_T_WALLET, "Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "mixes upper and lower"),
	NO(OE_T_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "BIP-350"),
	NO(OE_T_WALLET, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "BIP-350"),
	NO(OE_T_WALLET, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx", "BIP-350"),
	NO(OE_T_WALLET, "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "witness program"),
	NO(OE_T_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", "bech32 alphabet"),
	NO(OE_T_WALLET, "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "EIP-55"),
	NO(OE_T_WALLET, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d358", "EIP-55"),
	NO(OE_T_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "40 hex"),
	NO(OE_T_WALLET, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "40 hex"),
	NO(OE_T_WALLET, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6c", "checksum"),
	NO(OE_T_WALLET, "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3B", "checksum"),
	NO(OE_T_WALLET, "hello", "length"),

	/* Hashes. */
	OK(OE_T_MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
	OK(OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e"),
	OK(OE_T_SHA1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
	OK(OE_T_SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	OK(OE_T_SHA256, " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ",
	   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	NO(OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427", "32 hex"),
	NO(OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e0", "32 hex"),
	NO(OE_T_MD5, "g41d8cd98f00b204e9800998ecf8427e", "not a hex digit"),
	NO(OE_T_SHA1, "d41d8cd98f00b204e9800998ecf8427e", "40 hex"),
	NO(OE_T_SHA256, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "64 hex"),
	NO(OE_T_SHA256, "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8", "not a hex digit"),

	NO(OE_T_NONE, "example.com", "unknown indicator type"),
	NO(OE_T__COUNT, "example.com", "unknown indicator type"),
};

typedef struct {
	const char *in;
	oe_itype t;
	const char *want; /* NULL: refused */
} detect_case;

static const detect_case detects[] = {
	{"http://Example.com/a", OE_T_URL, "http://example.com/a"},
	{"hxxps://evil[.]example/x", OE_T_URL, "https://evil.example/x"},
	{"example.com/login.php", OE_T_URL, "http://example.com/login.php"},
	{"example.com:8080/x", OE_T_URL, "http://example.com:8080/x"},
	{"1.2.3.4/admin", OE_T_URL, "http://1.2.3.4/admin"},
	{"a@Example.com", OE_T_EMAIL, "a@example.com"},
	{"mailto:a@example.com", OE_T_EMAIL, "a@example.com"},
	{"a@b", OE_T_EMAIL, NULL},
	{"10.1.2.3/8", OE_T_CIDR, "10.0.0.0/8"},
	{"2001:db8::1/48", OE_T_CIDR, "2001:db8::/48"},
	{"1.2.3.4/40", OE_T_CIDR, NULL},
	{"1.2.3.4", OE_T_IPV4, "1.2.3.4"},
	{"1[.]2[.]3[.]4", OE_T_IPV4, "1.2.3.4"},
	{"999.1.1.1", OE_T_IPV4, NULL},
	{"010.1.1.1", OE_T_IPV4, NULL},
	{"1.2.3", OE_T_IPV4, NULL},
	{"2001:DB8::1", OE_T_IPV6, "2001:db8::1"},
	{"::ffff:1.2.3.4", OE_T_IPV6, "::ffff:1.2.3.4"},
	{"[2001:db8::1]", OE_T_IPV6, "2001:db8::1"},
	{"fe80::1%eth0", OE_T_IPV6, NULL},
	{"1:2:3:4:5:6:7:8:9", OE_T_IPV6, NULL},
	{"D41D8CD98F00B204E9800998ECF8427E", OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e"},
	{"da39a3ee5e6b4b0d3255bfef95601890afd80709", OE_T_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
	{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", OE_T_SHA256,
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"d41d8cd98f00b204e9800998ecf842", OE_T_MD5, NULL},
	{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
	{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", OE_T_WALLET, NULL},
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", OE_T_WALLET, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
	{"0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", OE_T_WALLET, NULL},
	{"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", OE_T_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"},
	{"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", OE_T_WALLET, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
	{"bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a", OE_T_WALLET,
	 "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"},
	{"ID:BCA:123-456-7890", OE_T_BANK, "ID:014:1234567890"},
	{"ID:999:1234567890", OE_T_BANK, NULL},
	{"+62 812-3456-7890", OE_T_PHONE, "+6281234567890"},
	{"0812 3456 7890", OE_T_PHONE, "+6281234567890"},
	{"081234567890", OE_T_PHONE, "+6281234567890"},
	{"tel:+6281234567890", OE_T_PHONE, "+6281234567890"},
	{"(021) 555-1234", OE_T_PHONE, "+62215551234"},
	{"12345", OE_T_PHONE, NULL},
	{"example.com", OE_T_DOMAIN, "example.com"},
	{"WWW.Example.COM.", OE_T_DOMAIN, "www.example.com"},
	{"B\xc3\xbc" "cher.example", OE_T_DOMAIN, "xn--bcher-kva.example"},
	{"evil[.]example", OE_T_DOMAIN, "evil.example"},
	{"localhost", OE_T_DOMAIN, NULL},
	{"exa mple.com", OE_T_DOMAIN, NULL},
	{"", OE_T_NONE, NULL},
	{"  ", OE_T_NONE, NULL},
};
/* clang-format on */

/* Hand s (without its NUL) to the function in a buffer of exactly its size. */
static char *exact_copy(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

/* One TAP case per table row. */
static void canon_one(void **state)
{
	const canon_case *c = *state;
	oe_canon_opts o = {c->region};
	size_t n = strlen(c->in);
	char *in = exact_copy(c->in, n);
	char out[OE_VALUE_MAX + 1];
	const char *why = NULL;
	int rc = oe_canon(c->t, in, n, &o, out, sizeof(out), &why);
	free(in);
	if (!c->want) {
		if (rc != OE_EINVAL || !why || !strstr(why, c->why))
			fail_msg("[%s]: got %d [%s] (%s), want a refusal with \"%s\"", c->in, rc,
				 rc ? "" : out, why ? why : "no reason", c->why);
		return;
	}
	if (rc != 0 || strcmp(out, c->want) != 0)
		fail_msg("[%s]: got %d [%s] (%s), want [%s]", c->in, rc, rc ? "" : out,
			 rc ? why : "", c->want);
	/* A canonical value is its own canonical form. */
	char again[OE_VALUE_MAX + 1];
	rc = oe_canon(c->t, out, strlen(out), &o, again, sizeof(again), &why);
	if (rc != 0 || strcmp(again, out) != 0)
		fail_msg("[%s]: not a fixed point: [%s]", out, rc ? why : again);
}

static void detect_one(void **state)
{
	const detect_case *c = *state;
	size_t n = strlen(c->in);
	char *in = exact_copy(c->in, n);
	char out[OE_VALUE_MAX + 1];
	const char *why = NULL;
	oe_itype t = (oe_itype)-1;
	int rc = oe_detect(in, n, NULL, &t, out, sizeof(out), &why);
	free(in);
	bool ok = t == c->t && (c->want ? rc == 0 && strcmp(out, c->want) == 0
					: rc == OE_EINVAL && why && why[0]);
	if (!ok)
		fail_msg("[%s]: got %s %d [%s] (%s), want %s [%s]", c->in, oe_itype_name(t), rc,
			 rc ? "" : out, rc && why ? why : "", oe_itype_name(c->t),
			 c->want ? c->want : "refused");
}

static void type_names(void **state)
{
	for (int t = 0; t < OE_T__COUNT; t++)
		assert_int_equal(oe_itype_parse(oe_itype_name((oe_itype)t)), t);
	assert_string_equal(oe_itype_name(OE_T_BANK), "bank-account");
	assert_string_equal(oe_itype_name(OE_T_WALLET), "crypto-wallet");
	assert_string_equal(oe_itype_name((oe_itype)99), "none");
	assert_int_equal(oe_itype_parse("IPv4"), OE_T_IPV4);
	assert_int_equal(oe_itype_parse("ip"), OE_T_NONE);
	assert_int_equal(oe_itype_parse(NULL), OE_T_NONE);
}

/* Bytes the caller did not give must never matter. */
static void bounds(void **state)
{
	char out[OE_VALUE_MAX + 1];
	const char *why = NULL;

	/* Embedded NUL: refused, not truncated. */
	assert_int_equal(
	    oe_canon(OE_T_DOMAIN, "example.com\0.evil", 17, NULL, out, sizeof(out), &why),
	    OE_EINVAL);
	assert_non_null(strstr(why, "NUL"));
	/* Only len bytes are read: "1.2.3.4" out of "1.2.3.45". */
	assert_int_equal(oe_canon(OE_T_IPV4, "1.2.3.45", 7, NULL, out, sizeof(out), &why), 0);
	assert_string_equal(out, "1.2.3.4");
	assert_int_equal(oe_canon(OE_T_IPV4, NULL, 0, NULL, out, sizeof(out), &why), OE_EINVAL);

	/* Output buffer too small: refused, nothing written past it. */
	char small[8];
	memset(small, 'x', sizeof(small));
	assert_int_equal(oe_canon(OE_T_DOMAIN, "example.com", 11, NULL, small, sizeof(small), &why),
			 OE_ETOOBIG);
	assert_int_equal(oe_canon(OE_T_IPV4, "1.2.3.4", 7, NULL, small, sizeof(small), &why), 0);
	assert_string_equal(small, "1.2.3.4");
	assert_int_equal(oe_canon(OE_T_IPV4, "100.2.3.4", 9, NULL, small, sizeof(small), &why),
			 OE_ETOOBIG);

	/* Length limits. */
	char big[OE_VALUE_MAX + 64];
	memcpy(big, "http://example.com/", 19);
	memset(big + 19, 'a', sizeof(big) - 19);
	assert_int_equal(oe_canon(OE_T_URL, big, OE_VALUE_MAX, NULL, out, sizeof(out), &why), 0);
	assert_int_equal(strlen(out), OE_VALUE_MAX);
	assert_int_equal(oe_canon(OE_T_URL, big, OE_VALUE_MAX + 1, NULL, out, sizeof(out), &why),
			 OE_EINVAL);
	assert_non_null(strstr(why, "longer than 2048"));
	/* Percent-encoding that grows past the limit. */
	memset(big + 19, '|', OE_VALUE_MAX - 19);
	assert_int_equal(oe_canon(OE_T_URL, big, OE_VALUE_MAX, NULL, out, sizeof(out), &why),
			 OE_EINVAL);
	assert_non_null(strstr(why, "longer than 2048"));

	/* A domain of 253 bytes passes, 254 does not. */
	char dom[300];
	size_t k = 0;
	for (int i = 0; i < 4; i++) {
		memset(dom + k, 'a', 62);
		k += 62;
		dom[k++] = '.';
	}
	memcpy(dom + k, "com", 3); /* 4 * 63 + 3 = 255 */
	k += 3;
	assert_int_equal(oe_canon(OE_T_DOMAIN, dom, k, NULL, out, sizeof(out), &why), OE_EINVAL);
	assert_non_null(strstr(why, "253"));
	assert_int_equal(oe_canon(OE_T_DOMAIN, dom + 2, k - 2, NULL, out, sizeof(out), &why), 0);
	assert_int_equal(strlen(out), 253);
}

static void bank_table(void **state)
{
	static const char *const countries[] = {"ID", "MY", "SG", "TH", "PH", "VN", "CN"};
	for (size_t c = 0; c < OE_ARRAY_SIZE(countries); c++)
		assert_true(oe_bank_country_known(countries[c]));
	assert_true(oe_bank_country_known("id"));
	assert_false(oe_bank_country_known("US"));
	assert_false(oe_bank_country_known("IDN"));
	assert_false(oe_bank_country_known(NULL));

	size_t n = oe_bank_count();
	assert_true(n > 150);
	assert_null(oe_bank_at(n));
	for (size_t i = 0; i < n; i++) {
		const oe_bank *b = oe_bank_at(i);
		assert_true(oe_bank_country_known(b->country));
		assert_true(b->min_digits <= b->max_digits);
		assert_true(!b->min_digits || b->min_digits >= OE_BANK_DIGITS_MIN);
		assert_true(b->max_digits <= OE_BANK_DIGITS_MAX);
		/* Every code, name and alias leads back to this entry, and to no
		 * other of its country. */
		if (oe_bank_by_code(b->country, b->code, strlen(b->code)) != b)
			fail_msg("%s %s: code does not find itself", b->country, b->code);
		if (oe_bank_by_name(b->country, b->name, strlen(b->name)) != b)
			fail_msg("%s %s: name \"%s\" finds another bank", b->country, b->code,
				 b->name);
		for (size_t a = 0; a < OE_BANK_ALIASES_MAX && b->aliases[a]; a++)
			if (oe_bank_by_name(b->country, b->aliases[a], strlen(b->aliases[a])) != b)
				fail_msg("%s %s: alias \"%s\" finds another bank", b->country,
					 b->code, b->aliases[a]);
		for (size_t j = 0; j < n; j++) {
			const oe_bank *o = oe_bank_at(j);
			if (j != i && strcmp(o->country, b->country) == 0 &&
			    strcmp(o->code, b->code) == 0)
				fail_msg("%s %s: code twice", b->country, b->code);
		}
	}
	const oe_bank *b = oe_bank_by_name("ID", "bank  central-asia", 18);
	assert_non_null(b);
	assert_string_equal(b->code, "014");
	assert_null(oe_bank_by_name("ID", "BC", 2));
	assert_null(oe_bank_by_name("ID", "", 0));
	assert_null(oe_bank_by_name("ID", "...", 3));
	/* Name lookups take a length: "BCA 1234567890" in free text. */
	b = oe_bank_by_name("ID", "BCA 1234567890", 3);
	assert_non_null(b);
	assert_string_equal(b->code, "014");
	assert_null(oe_bank_by_code("ID", "0140", 3 + 1));
	b = oe_bank_by_code("my", "mbbemykl", 8);
	assert_non_null(b);
	assert_string_equal(b->country, "MY");
}

static void hex(const uint8_t *h, char *s)
{
	for (int i = 0; i < 32; i++)
		snprintf(s + 2 * i, 3, "%02x", h[i]);
}

static void keccak_vectors(void **state)
{
	uint8_t h[32];
	char s[65];
	oe_keccak256("", 0, h);
	hex(h, s);
	assert_string_equal(s, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	oe_keccak256("abc", 3, h);
	hex(h, s);
	assert_string_equal(s, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
	oe_sha3_256("", 0, h);
	hex(h, s);
	assert_string_equal(s, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
	oe_sha3_256("abc", 3, h);
	hex(h, s);
	assert_string_equal(s, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
	/* FIPS 202 example: 200 bytes of 0xa3, more than one 136-byte block. */
	uint8_t a3[200];
	memset(a3, 0xa3, sizeof(a3));
	oe_sha3_256(a3, sizeof(a3), h);
	hex(h, s);
	assert_string_equal(s, "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");
	/* Around the 136-byte block boundary, checked against Python's
	 * hashlib.sha3_256 (byte i = i * 7 + 3). */
	static const struct {
		size_t n;
		const char *want;
	} edges[] = {
	    {135, "d9dcf1f98e49a79b0643a9e68fef48079ff8777c5e7e7f93469ded65f192ac71"},
	    {136, "743bd32e775ac7387a57d4d574c89ddef5ebcb08bb5cc6b88c55a27b5035cc45"},
	    {137, "01d47e8d6dce6e3dcbf1baa6f845b6ace4ef74bd17da8176ecc49bc35dbe5d21"},
	    {272, "ddeb5151c079739970e780e6257d0c4d52d83bf82c6aa8d47d5195530b5d5f4b"},
	    {999, "7777ca6240fa76407207813fd0f10cdf9378ef7dc4c394df203d860599fbf39e"},
	};
	uint8_t buf[1000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < OE_ARRAY_SIZE(edges); i++) {
		oe_sha3_256(buf, edges[i].n, h);
		hex(h, s);
		assert_string_equal(s, edges[i].want);
	}
}

static void wallet_chains(void **state)
{
	static const struct {
		const char *in;
		const char *chain;
	} rows[] = {
	    {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bitcoin"},
	    {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bitcoin"},
	    {"mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", "bitcoin-testnet"},
	    {"qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy", "bitcoin-cash"},
	    {"LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9", "litecoin"},
	    {"ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9", "litecoin"},
	    {"DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", "dogecoin"},
	    {"XpESxaUmonkq8RaLLp46Brx2K39ggQe226", "dash"},
	    {"t1UYsZVJkLPeMjxEtACvSxfWuNmddpWfxzs", "zcash"},
	    {"0xde709f2102306220921060314715629080e2fb77", "ethereum"},
	    {"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "tron"},
	    {"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "xrp"},
	    {"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn"
	     "3RVGQBEP3A",
	     "monero"},
	};
	for (size_t i = 0; i < OE_ARRAY_SIZE(rows); i++) {
		char out[OE_WALLET_MAX + 16];
		const char *why = NULL;
		oe_chain c = OE_CHAIN_NONE;
		int rc =
		    oe_wallet_canon(rows[i].in, strlen(rows[i].in), out, sizeof(out), &c, &why);
		if (rc != 0)
			fail_msg("%s: %s", rows[i].in, why);
		assert_string_equal(oe_chain_name(c), rows[i].chain);
	}
	assert_string_equal(oe_chain_name((oe_chain)99), "none");
}

/* A TAP-safe test name: printable ASCII, no '#', at most 72 bytes. */
static char *case_name(const char *kind, size_t i, const char *type, const char *in)
{
	char buf[128];
	int k = snprintf(buf, sizeof(buf), "%s %zu %s ", kind, i, type);
	for (const unsigned char *p = (const unsigned char *)in; *p && k < 72; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '#' || *p == '\\')
			k += snprintf(buf + k, sizeof(buf) - (size_t)k, "\\x%02x", *p);
		else
			buf[k++] = (char)*p;
	}
	buf[k < (int)sizeof(buf) ? k : (int)sizeof(buf) - 1] = '\0';
	char *name = strdup(buf);
	assert_non_null(name);
	return name;
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(type_names),    cmocka_unit_test(bounds),
	    cmocka_unit_test(bank_table),    cmocka_unit_test(keccak_vectors),
	    cmocka_unit_test(wallet_chains),
	};
	size_t nc = OE_ARRAY_SIZE(cases), nd = OE_ARRAY_SIZE(detects), nf = OE_ARRAY_SIZE(fixed);
	struct CMUnitTest *tests = calloc(nc + nd + nf, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < nc; i++) {
		tests[i].name = case_name("canon", i, oe_itype_name(cases[i].t), cases[i].in);
		tests[i].test_func = canon_one;
		tests[i].initial_state = (void *)&cases[i];
	}
	for (size_t i = 0; i < nd; i++) {
		tests[nc + i].name =
		    case_name("detect", i, oe_itype_name(detects[i].t), detects[i].in);
		tests[nc + i].test_func = detect_one;
		tests[nc + i].initial_state = (void *)&detects[i];
	}
	memcpy(tests + nc + nd, fixed, sizeof(fixed));
	int rc = _cmocka_run_group_tests("canon", tests, nc + nd + nf, NULL, NULL);
	for (size_t i = 0; i < nc + nd; i++)
		free((char *)tests[i].name);
	free(tests);
	return rc;
}
