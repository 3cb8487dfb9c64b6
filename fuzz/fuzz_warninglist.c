/* fuzz_warninglist.c - a warninglist from outside bytes (a feed, an upload):
 * load it, then ask it about a fixed value of every kind, so that the
 * normalisers, the lookup structures and regcomp/regexec all see the input. */
#include <stdint.h>
#include <stddef.h>

#include "core/warninglist.h"

static const struct {
	oe_itype t;
	const char *v;
} probes[] = {
    {OE_T_IPV4, "8.8.8.8"},
    {OE_T_IPV4, "10.1.2.3"},
    {OE_T_IPV6, "2001:4860:4860::8888"},
    {OE_T_IPV6, "fe80::1"},
    {OE_T_CIDR, "192.168.0.0/24"},
    {OE_T_CIDR, "0.0.0.0/0"},
    {OE_T_CIDR, "2001:db8::/32"},
    {OE_T_DOMAIN, "a.b.example.com"},
    {OE_T_DOMAIN, "com"},
    {OE_T_URL, "https://www.example.com/login?x=1"},
    {OE_T_URL, "http://user@[2001:db8::1]:8080/"},
    {OE_T_URL, "http://10.0.0.1/"},
    {OE_T_EMAIL, "bob@mail.example.com"},
    {OE_T_MD5, "d41d8cd98f00b204e9800998ecf8427e"},
    {OE_T_PHONE, "+6281234567890"},
    {OE_T_WALLET, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	oe_warninglists *w = oe_warninglists_new();
	if (!w)
		return 0;
	if (oe_warninglists_load_json(w, (const char *)data, size, err, sizeof(err)) == 0) {
		oe_warninglist_info info;
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			(void)oe_warninglists_match(w, probes[i].t, probes[i].v);
		(void)oe_warninglists_info(w, 0, &info);
		/* The same bytes again: a duplicate name must be refused cleanly. */
		(void)oe_warninglists_load_json(w, (const char *)data, size, err, sizeof(err));
	}
	oe_warninglists_free(w);
	return 0;
}
