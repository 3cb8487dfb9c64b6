/* test_extract.c - indicators pulled out of free text, as tables: a text
 * and the exact list of (type, canonical value, source span) expected, in
 * order. Each text is handed over in a heap buffer of exactly its length,
 * with no NUL after it, so ASan catches any read past the end. Also: the
 * max and early-stop contracts, the OE_EXTRACT_TEXT_MAX cut, and a
 * megabyte of text to keep the scan honest about being linear. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/extract.h"

#define WANT_MAX 12

typedef struct {
	oe_itype t;
	const char *value;
	const char *span; /* the source text reported */
} want;

typedef struct {
	const char *name;
	const char *text;
	const char *region; /* canon default region; NULL: "ID" */
	const char *bank_cc;
	want w[WANT_MAX]; /* in order; ends at t == OE_T_NONE */
} extract_case;

/* The story the form's "what happened" box gets most often: calls from
 * two numbers, a fee to a mule account, a phishing link, an e-mail and a
 * wallet. Amounts, dates, file names and a lookalike of a domain must not
 * come out. */
static const char story[] =
    "Selamat siang. Pada 12-05-2024 jam 10.30 saya ditelepon oleh orang yang mengaku petugas "
    "bank dari nomor 0812-3456-7890, lalu dihubungi lagi lewat WA +62 813 1111 2222. Dia bilang "
    "rekening saya diblokir dan saya harus bayar biaya Rp 1.500.000 ke rekening BCA 1234567890 "
    "a/n Budi Santoso. Dia juga kirim link hxxps://bca-promo[.]xyz/klaim dan minta bukti dikirim "
    "ke cs.bca[at]gmail[.]com. Katanya bisa juga bayar pakai bitcoin ke "
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa. Lampiran: bukti.txt, layar.jpg, a.b. Kasus serupa "
    "dilaporkan di michigan.org (lihat juga 0812-3456-7890 yang sama).";

/* clang-format off */
static const extract_case cases[] = {
	{"story", story, NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812-3456-7890"},
		{OE_T_PHONE, "+6281311112222", "+62 813 1111 2222"},
		{OE_T_BANK, "ID:014:1234567890", "1234567890"},
		{OE_T_URL, "https://bca-promo.xyz/klaim", "hxxps://bca-promo[.]xyz/klaim"},
		{OE_T_EMAIL, "cs.bca@gmail.com", "cs.bca[at]gmail[.]com"},
		{OE_T_WALLET, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"},
		{OE_T_DOMAIN, "michigan.org", "michigan.org"},
	}},
	{"story-en",
	 "He called from +1 650 253 0000 and (021) 555-1234, sent me to http://paypal.com.verify-account.info/login?id=7 "
	 "and said to mail support@verify-account.info. Pay 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, "
	 "server 203.0.113.7, v6 2001:DB8::1.", NULL, NULL, {
		{OE_T_PHONE, "+16502530000", "+1 650 253 0000"},
		{OE_T_PHONE, "+62215551234", "(021) 555-1234"},
		{OE_T_URL, "http://paypal.com.verify-account.info/login?id=7", "http://paypal.com.verify-account.info/login?id=7"},
		{OE_T_EMAIL, "support@verify-account.info", "support@verify-account.info"},
		{OE_T_WALLET, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"},
		{OE_T_IPV4, "203.0.113.7", "203.0.113.7"},
		{OE_T_IPV6, "2001:db8::1", "2001:DB8::1"},
	}},
	{"story-zh",
	 "\xe9\xaa\x97\xe5\xad\x90\xe7\x94\xb5\xe8\xaf\x9d" "13800138000\xef\xbc\x8c" /* 骗子电话13800138000， */
	 "\xe8\xae\xa9\xe6\x88\x91\xe8\xbd\xac\xe8\xb4\xa6\xe5\x88\xb0" /* 让我转账到 */
	 "\xe5\xb7\xa5\xe5\x95\x86\xe9\x93\xb6\xe8\xa1\x8c 6222 0212 3456 7890 123\xef\xbc\x8c" /* 工商银行 …， */
	 "\xe9\x87\x91\xe9\xa2\x9d" "5000\xe5\x85\x83\xe3\x80\x82\xe7\xbd\x91\xe7\xab\x99 " /* 金额5000元。网站 */
	 "fake-icbc.cn\xe3\x80\x82", /* fake-icbc.cn。 */
	 "CN", NULL, {
		{OE_T_PHONE, "+8613800138000", "13800138000"},
		{OE_T_BANK, "CN:102:6222021234567890123", "6222 0212 3456 7890 123"},
		{OE_T_DOMAIN, "fake-icbc.cn", "fake-icbc.cn"},
	}},

	/* Bank accounts: a bank's name, alias or BIC close before the digits. */
	{"bank-mandiri", "rekening Mandiri no. 123-00-1234567-8", NULL, NULL, {
		{OE_T_BANK, "ID:008:1230012345678", "123-00-1234567-8"},
	}},
	{"bank-full-name", "Bank Central Asia a/n Budi 1234567890", NULL, NULL, {
		{OE_T_BANK, "ID:014:1234567890", "1234567890"},
	}},
	{"bank-dotted", "ke B.C.A. 1234 5678 90 ya", NULL, NULL, {
		{OE_T_BANK, "ID:014:1234567890", "1234 5678 90"},
	}},
	{"bank-bic", "CENAIDJA 1234567890", NULL, NULL, {
		{OE_T_BANK, "ID:014:1234567890", "1234567890"},
	}},
	{"bank-longest-name", "BCA Syariah: 7123456789", NULL, NULL, {
		{OE_T_BANK, "ID:536:7123456789", "7123456789"},
	}},
	{"bank-cn", "\xe5\xb7\xa5\xe5\x95\x86\xe9\x93\xb6\xe8\xa1\x8c 6222021234567890123", NULL, "CN", {
		{OE_T_BANK, "CN:102:6222021234567890123", "6222021234567890123"},
	}},
	{"bank-cn-glued", "\xe4\xb8\xad\xe5\x9b\xbd\xe5\xb7\xa5\xe5\x95\x86\xe9\x93\xb6\xe8\xa1\x8c\xe5\x8d\xa1\xe5\x8f\xb7" "6222021234567890123", NULL, "CN", {
		{OE_T_BANK, "CN:102:6222021234567890123", "6222021234567890123"},
	}},
	{"bank-my", "Maybank acc 1234 5678 9012 please", "MY", NULL, {
		{OE_T_BANK, "MY:MBBEMYKL:123456789012", "1234 5678 9012"},
	}},
	{"bank-two", "transfer BCA 1234567890 dan BCA 0987654321", NULL, NULL, {
		{OE_T_BANK, "ID:014:1234567890", "1234567890"},
		{OE_T_BANK, "ID:014:0987654321", "0987654321"},
	}},
	/* Too far: 49 bytes between "BCA" and the number; 48 is near. */
	{"bank-too-far", "BCA xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1234567890", NULL, NULL, {{0}}},
	{"bank-just-near", "BCA xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1234567890", NULL, NULL, {
		{OE_T_BANK, "ID:014:1234567890", "1234567890"},
	}},
	/* A bank of another country is not a name here. */
	{"bank-wrong-country", "Maybank 123456789012", NULL, "TH", {{0}}},
	/* Wrong length for BCA: then it is a phone number. */
	{"bank-length-phone", "BCA 081234567890", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "081234567890"},
	}},
	/* A bank name covers the next number only, and a phone word in
	 * between makes it a phone. */
	{"bank-then-phone", "Jago 100012345678 a/n Budi, 081234567890", NULL, NULL, {
		{OE_T_BANK, "ID:542:100012345678", "100012345678"},
		{OE_T_PHONE, "+6281234567890", "081234567890"},
	}},
	{"bank-phone-word", "rekening Jago, kalau telp 081234567890", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "081234567890"},
	}},
	{"bank-plus-is-phone", "BNI +62 812 3456 7890", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "+62 812 3456 7890"},
	}},
	{"bank-no-name", "1234567890", NULL, NULL, {{0}}},
	{"bank-inside-word", "OBCA 1234567890", NULL, NULL, {{0}}},

	/* Phones. */
	{"phone-formats", "0812 3456 7890 / 0812.3456.7890 / +62 (0) 812 3456 7890 / 6281311112222", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812 3456 7890"},
		{OE_T_PHONE, "+6281311112222", "6281311112222"},
	}},
	{"phone-two-in-a-row", "0812 3456 7890 0813 1111 2222", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812 3456 7890"},
		{OE_T_PHONE, "+6281311112222", "0813 1111 2222"},
	}},
	{"phone-after-short", "kode 123 0812 3456 7890", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812 3456 7890"},
	}},
	{"phone-region", "call 9123 4567 or 6123 4567", "SG", NULL, {
		{OE_T_PHONE, "+6591234567", "9123 4567"},
		{OE_T_PHONE, "+6561234567", "6123 4567"},
	}},
	{"phone-invalid", "12345678 99999999999 0000000000", NULL, NULL, {{0}}},
	{"phone-too-long", "NIK 3171234567890001 kartu 4111 1111 1111 1111", NULL, NULL, {{0}}},
	{"phone-glued", "abc081234567890 081234567890abc x081234567890", NULL, NULL, {{0}}},

	/* Money and dates are not numbers to report. */
	{"money", "Rp 1.500.000, Rp15.000.000, Rp 15000000, 15000000 rupiah, 2 juta, IDR 081234567, "
	 "USD 12345678, $ 98765432, 15.000.000,-, 5000\xe5\x85\x83, \xc2\xa5" "12345678", NULL, NULL, {{0}}},
	{"money-then-phone", "Rp 500.000 0812 3456 7890", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812 3456 7890"},
	}},
	{"dates", "12-05-2024 2024-05-12 12.05.2024 1-5-2024 2024.5.12", NULL, NULL, {{0}}},

	/* URLs and defanging. */
	{"url-defanged", "budi [at] gmail [dot] com, HXXP[:]//Evil[.]Example/Path, hxxps[://]bad(.)site/ "
	 "evil[dot]example", NULL, NULL, {
		{OE_T_EMAIL, "budi@gmail.com", "budi [at] gmail [dot] com"},
		{OE_T_URL, "http://evil.example/Path", "HXXP[:]//Evil[.]Example/Path"},
		{OE_T_URL, "https://bad.site/", "hxxps[://]bad(.)site/"},
	}},
	{"url-www", "buka www.evil.com/login?x=1). atau WWW[.]bad[.]id", NULL, NULL, {
		{OE_T_URL, "http://www.evil.com/login?x=1", "www.evil.com/login?x=1"},
		{OE_T_URL, "http://www.bad.id/", "WWW[.]bad[.]id"},
	}},
	{"url-brackets", "(see http://a.example/x) and [http://b.example/wiki_(x)]", NULL, NULL, {
		{OE_T_URL, "http://a.example/x", "http://a.example/x"},
		{OE_T_URL, "http://b.example/wiki_(x)", "http://b.example/wiki_(x)"},
	}},
	{"url-punct", "Buka https://evil.xyz/a?b=1&c=2. Lalu https://evil.xyz/a?b=1&c=2!", NULL, NULL, {
		{OE_T_URL, "https://evil.xyz/a?b=1&c=2", "https://evil.xyz/a?b=1&c=2"},
	}},
	{"url-covers-domain", "evil.com, lalu http://evil.com/a dan evil.com dan http://user@other.net:8080/ "
	 "dan other.net", NULL, NULL, {
		{OE_T_DOMAIN, "evil.com", "evil.com"},
		{OE_T_URL, "http://evil.com/a", "http://evil.com/a"},
		{OE_T_URL, "http://user@other.net:8080/", "http://user@other.net:8080/"},
	}},
	/* A refused URL leaves its host to be read as a domain; "xhttp" is
	 * no scheme of ours, but what follows "://" is a domain all the same. */
	{"url-bad-host", "http://localhost/x dan http://bad_host/ dan http://evil.com:99999/ xhttp://evil.org/", NULL, NULL, {
		{OE_T_DOMAIN, "evil.com", "evil.com"},
		{OE_T_DOMAIN, "evil.org", "evil.org"},
	}},
	{"url-ip-host", "http://1.2.3.4/admin", NULL, NULL, {
		{OE_T_URL, "http://1.2.3.4/admin", "http://1.2.3.4/admin"},
	}},

	/* E-mail. */
	{"email", "Mail Budi.Santoso+promo@Gmail.com; foto@2x.png; @handle; a@b; x@y.zzzzqq", NULL, NULL, {
		{OE_T_EMAIL, "budi.santoso+promo@gmail.com", "Budi.Santoso+promo@Gmail.com"},
	}},
	{"email-covers-domain", "a@evil-mail.com dan evil-mail.com dan mail.evil-mail.com", NULL, NULL, {
		{OE_T_EMAIL, "a@evil-mail.com", "a@evil-mail.com"},
		{OE_T_DOMAIN, "mail.evil-mail.com", "mail.evil-mail.com"},
	}},

	/* Domains need a real top-level domain. */
	{"domains", "file.txt a.b Mr.Smith e.g. v1.2.3 layar.jpg kantor.go.id Example.CO.ID. "
	 "dll.Kemudian bca-promo.xyz", NULL, NULL, {
		{OE_T_DOMAIN, "kantor.go.id", "kantor.go.id"},
		{OE_T_DOMAIN, "example.co.id", "Example.CO.ID"},
		{OE_T_DOMAIN, "bca-promo.xyz", "bca-promo.xyz"},
	}},

	/* Addresses. */
	{"ip", "IP 192.168.1.1, 999.1.1.1, 1.2.3.4.5, 010.1.1.1, 10[.]0[.]0[.]1, 1.2.3.4:8080, "
	 "::1, fe80::1., [2001:db8::2], 12:30:45, 00:1a:2b:3c:4d:5e, 192.168.1.1x", NULL, NULL, {
		{OE_T_IPV4, "192.168.1.1", "192.168.1.1"},
		{OE_T_IPV4, "10.0.0.1", "10[.]0[.]0[.]1"},
		{OE_T_IPV4, "1.2.3.4", "1.2.3.4"},
		{OE_T_IPV6, "::1", "::1"},
		{OE_T_IPV6, "fe80::1", "fe80::1"},
		{OE_T_IPV6, "2001:db8::2", "2001:db8::2"},
	}},

	/* Wallets: only with a valid checksum, only as whole words. */
	{"wallets", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 BC1SW50QGDZ25J "
	 "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t "
	 "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa "
	 "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", NULL, NULL, {
		{OE_T_WALLET, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"},
		{OE_T_WALLET, "bc1sw50qgdz25j", "BC1SW50QGDZ25J"},
		{OE_T_WALLET, "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
		 "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"},
		{OE_T_WALLET, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"},
	}},

	/* Each value once, at its first appearance. */
	{"dedup", "0812-3456-7890, +6281234567890, 0812 3456 7890, EVIL.com evil.com", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812-3456-7890"},
		{OE_T_DOMAIN, "evil.com", "EVIL.com"},
	}},

	/* Bytes that are not text do not stop the scan. */
	{"binary", "\xff\xfe\x80 0812-3456-7890 \xc3\x28 evil.com \x01\x02", NULL, NULL, {
		{OE_T_PHONE, "+6281234567890", "0812-3456-7890"},
		{OE_T_DOMAIN, "evil.com", "evil.com"},
	}},
	{"empty", "", NULL, NULL, {{0}}},
	{"spaces", " \t\n ", NULL, NULL, {{0}}},
};
/* clang-format on */

/* What the callback saw, checked after oe_extract returns (an assertion
 * inside the callback would jump over its cleanup). */
typedef struct {
	oe_itype t;
	char value[OE_VALUE_MAX + 1];
	char span[512];
} got;

typedef struct {
	const char *text;
	got g[WANT_MAX + 1];
	size_t n;
} collect;

static int collect_cb(void *ud, oe_itype t, const char *value, size_t off, size_t len)
{
	collect *c = ud;
	if (c->n > WANT_MAX)
		return 1;
	got *g = &c->g[c->n++];
	g->t = t;
	snprintf(g->value, sizeof(g->value), "%s", value);
	snprintf(g->span, sizeof(g->span), "%.*s", (int)len, c->text + off);
	return 0;
}

static char *exact_copy(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

static void extract_one(void **state)
{
	const extract_case *c = *state;
	oe_canon_opts co = {c->region};
	oe_extract_opts o = {&co, c->bank_cc};
	size_t n = strlen(c->text);
	char *text = exact_copy(c->text, n);
	collect *col = calloc(1, sizeof(*col));
	assert_non_null(col);
	col->text = text;
	int rc = oe_extract(text, n, &o, 0, collect_cb, col);
	size_t want_n = 0;
	while (want_n < WANT_MAX && c->w[want_n].t != OE_T_NONE)
		want_n++;
	collect res = *col;
	free(col);
	free(text);
	for (size_t i = 0; i < res.n || i < want_n; i++) {
		if (i >= want_n) {
			print_error("unexpected value #%zu: %s %s from [%s]\n", i + 1,
				    oe_itype_name(res.g[i].t), res.g[i].value, res.g[i].span);
			fail();
		}
		if (i >= res.n) {
			print_error("missing value #%zu: %s %s from [%s]\n", i + 1,
				    oe_itype_name(c->w[i].t), c->w[i].value, c->w[i].span);
			fail();
		}
		assert_string_equal(oe_itype_name(res.g[i].t), oe_itype_name(c->w[i].t));
		assert_string_equal(res.g[i].value, c->w[i].value);
		assert_string_equal(res.g[i].span, c->w[i].span);
	}
	assert_int_equal(rc, (int)want_n);
}

/* ---- contracts ---------------------------------------------------------- */

typedef struct {
	size_t calls, stop_after;
} counter;

static int count_cb(void *ud, oe_itype t, const char *value, size_t off, size_t len)
{
	counter *c = ud;
	c->calls++;
	return c->stop_after && c->calls >= c->stop_after;
}

static void max_and_stop(void **state)
{
	size_t n = strlen(story);
	char *text = exact_copy(story, n);
	counter c = {0, 0};
	assert_int_equal(oe_extract(text, n, NULL, 0, count_cb, &c), 7);
	assert_int_equal(c.calls, 7);
	c = (counter){0, 0};
	assert_int_equal(oe_extract(text, n, NULL, 3, count_cb, &c), 3);
	assert_int_equal(c.calls, 3);
	c = (counter){0, 2}; /* the callback says stop: not an error */
	assert_int_equal(oe_extract(text, n, NULL, 0, count_cb, &c), 2);
	assert_int_equal(c.calls, 2);
	assert_int_equal(oe_extract(text, n, NULL, 0, NULL, NULL), 7);
	assert_int_equal(oe_extract(NULL, 10, NULL, 0, count_cb, &c), 0);
	free(text);
}

/* Only the first OE_EXTRACT_TEXT_MAX bytes are read: a number across the
 * line is cut, one after it is not seen. */
static void text_limit(void **state)
{
	size_t n = OE_EXTRACT_TEXT_MAX + 64;
	char *text = malloc(n);
	assert_non_null(text);
	memset(text, ' ', n);
	memcpy(text + 10, "0812-3456-7890", 14);
	memcpy(text + OE_EXTRACT_TEXT_MAX - 7, "0813 1111 2222", 14); /* cut after "0813 11" */
	memcpy(text + OE_EXTRACT_TEXT_MAX + 20, "evil.com", 8);
	counter c = {0, 0};
	assert_int_equal(oe_extract(text, n, NULL, 0, count_cb, &c), 1);
	free(text);
}

/* A megabyte of text dense with numbers, words with dots and bank names:
 * a quadratic scan would not finish within the test's timeout. */
static void big_text(void **state)
{
	static const char unit[] = "BCA 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 a.b.c.d.e "
				   "1.2.3.4.5.6.7.8 Rp 1.500.000 12:34:56 hxxp[:]//x[.]y ";
	size_t n = OE_EXTRACT_TEXT_MAX, k = strlen(unit);
	char *text = malloc(n);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		text[i] = unit[i % k];
	counter c = {0, 0};
	int rc = oe_extract(text, n, NULL, 0, count_cb, &c);
	assert_int_equal(rc, 1); /* http://x.y/, once */
	assert_int_equal(c.calls, 1);
	/* And the story repeated: still seven values. */
	memset(text, ' ', n);
	size_t sn = strlen(story);
	for (size_t i = 0; i + sn + 1 <= n; i += sn + 1) {
		memcpy(text + i, story, sn);
		text[i + sn] = '\n';
	}
	c = (counter){0, 0};
	assert_int_equal(oe_extract(text, n, NULL, 0, count_cb, &c), 7);
	free(text);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(max_and_stop),
	    cmocka_unit_test(text_limit),
	    cmocka_unit_test(big_text),
	};
	size_t nc = OE_ARRAY_SIZE(cases), nf = OE_ARRAY_SIZE(fixed);
	struct CMUnitTest *tests = calloc(nc + nf, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < nc; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = extract_one;
		tests[i].initial_state = (void *)&cases[i];
	}
	memcpy(tests + nc, fixed, sizeof(fixed));
	int rc = _cmocka_run_group_tests("extract", tests, nc + nf, NULL, NULL);
	free(tests);
	return rc;
}
