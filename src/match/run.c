/* run.c - from scanned candidates to answer lines (see run.h). */
#include "run.h"

#include <stdio.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "core/json.h"
#include "core/uuid.h"

/* Write n bytes at s as a JSON string (invalid UTF-8 replaced, control
 * characters escaped); at most OE_VALUE_MAX bytes of it. */
static void jstr(oe_buf *b, const char *s, size_t n)
{
	char tmp[OE_VALUE_MAX + 1];
	if (n > OE_VALUE_MAX)
		n = OE_VALUE_MAX;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/* A NUL inside would end the string early: show it as U+FFFD instead. */
	for (size_t i = 0; i < n; i++)
		if (!tmp[i])
			tmp[i] = (char)0x80;
	oe_json_write_str(b, tmp);
}

/* Text output: the bytes, with tabs, line ends and control bytes as '?'. */
static void tstr(oe_buf *b, const char *s, size_t n)
{
	if (n > OE_VALUE_MAX)
		n = OE_VALUE_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		oe_buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

static void indicator_id(oe_itype t, const char *v, size_t n, char out[64])
{
	char buf[OE_VALUE_MAX + 32];
	int k = snprintf(buf, sizeof(buf), "%s:%.*s", oe_itype_name(t), (int)n, v);
	if (k < 0 || (size_t)k >= sizeof(buf))
		k = (int)sizeof(buf) - 1;
	oe_uuid u;
	char us[OE_UUID_STR];
	oe_uuid_v5(&oe_uuid_ns_indicator, buf, (size_t)k, &u);
	oe_uuid_format(&u, us);
	snprintf(out, 64, "indicator--%s", us);
}

static void write_hit(oe_match_run *r, const oe_scan_token *tok, const char *val, size_t vn,
		      const oe_match_hit *h)
{
	const char *iv = oe_match_hit_value(h);
	/* Each hit once per line. */
	uint64_t key = XXH3_64bits(iv, h->len) ^ XXH3_64bits(val, vn) * 31 ^ (uint64_t)h->how;
	for (unsigned i = 0; i < r->nseen; i++)
		if (r->seen[i] == key)
			return;
	if (r->nseen < OE_ARRAY_SIZE(r->seen))
		r->seen[r->nseen++] = key;
	r->hits++;
	const char *wl = NULL;
	char ivz[OE_VALUE_MAX + 1];
	size_t il = h->len > OE_VALUE_MAX ? OE_VALUE_MAX : h->len;
	memcpy(ivz, iv, il);
	ivz[il] = '\0';
	if (r->wl)
		wl = oe_warninglists_match(r->wl, h->type, ivz);
	oe_buf *b = r->out;
	if (r->text) {
		if (r->file) {
			tstr(b, r->file, strlen(r->file));
			oe_buf_addc(b, ':');
		}
		oe_buf_printf(b, "%llu\t%s\t%s\t", (unsigned long long)r->line,
			      oe_match_how_name(h->how), oe_itype_name(tok->type));
		tstr(b, val, vn);
		oe_buf_addc(b, '\t');
		tstr(b, ivz, il);
		if (wl) {
			oe_buf_adds(b, "\twarninglist:");
			tstr(b, wl, strlen(wl));
		}
		oe_buf_addc(b, '\n');
		return;
	}
	char id[64];
	indicator_id(h->type, ivz, il, id);
	oe_buf_adds(b, "{");
	if (r->file) {
		oe_buf_adds(b, "\"file\":");
		jstr(b, r->file, strlen(r->file));
		oe_buf_addc(b, ',');
	}
	oe_buf_printf(b, "\"line\":%llu,\"value\":", (unsigned long long)r->line);
	jstr(b, val, vn);
	oe_buf_printf(b, ",\"type\":\"%s\",\"indicator\":", oe_itype_name(tok->type));
	jstr(b, ivz, il);
	oe_buf_printf(b, ",\"indicator_type\":\"%s\",\"id\":\"%s\",\"how\":\"%s\",\"tlp\":\"%s\"",
		      oe_itype_name(h->type), id, oe_match_how_name(h->how),
		      oe_tlp_name((oe_tlp)h->tlp));
	if (wl) {
		oe_buf_adds(b, ",\"warninglist\":");
		jstr(b, wl, strlen(wl));
	}
	oe_buf_adds(b, "}\n");
}

/* A URL's exact form, only when a stored URL has its host: canonicalising
 * every URL of a proxy log would cost more than all the rest. */
static size_t url_exact(oe_match_run *r, const oe_scan_token *t, oe_match_hit *hits, size_t max)
{
	const oe_match_snap *s = r->mc.snap;
	if (t->text_len > OE_SCAN_URL_MAX || !oe_match_has(s, OE_T_URL))
		return 0;
	char host[64];
	const char *h = t->host;
	size_t hn = t->host_len;
	if (t->host_type == OE_T_IPV4) {
		int k = snprintf(host, sizeof(host), "%u.%u.%u.%u", t->ip4 >> 24,
				 t->ip4 >> 16 & 255, t->ip4 >> 8 & 255, t->ip4 & 255);
		h = host;
		hn = (size_t)k;
	}
	if (t->host_type != OE_T_IPV6 && (!h || !oe_match_url_host(s, h, hn)))
		return 0;
	char canon[OE_VALUE_MAX + 1];
	const char *why;
	if (oe_canon(OE_T_URL, t->text, t->text_len, r->scan.canon, canon, sizeof(canon), &why))
		return 0;
	return oe_match_exact(&r->mc, OE_T_URL, canon, strlen(canon), hits, max);
}

static void on_token(void *arg, const oe_scan_token *t)
{
	oe_match_run *r = arg;
	oe_match_hit hits[OE_MATCH_HITS_MAX];
	size_t n = 0;
	const char *val = t->canon ? t->canon : t->text;
	size_t vn = t->canon ? t->canon_len : t->text_len;
	switch (t->type) {
	case OE_T_IPV4:
		n = oe_match_ip4(&r->mc, t->ip4, OE_HOW_EXACT, hits, OE_MATCH_HITS_MAX);
		break;
	case OE_T_IPV6:
		n = oe_match_ip6(&r->mc, t->ip6, OE_HOW_EXACT, hits, OE_MATCH_HITS_MAX);
		break;
	case OE_T_DOMAIN:
		n = oe_match_domain(&r->mc, t->canon, t->canon_len, OE_HOW_EXACT, hits,
				    OE_MATCH_HITS_MAX);
		break;
	case OE_T_URL:
		n = url_exact(r, t, hits, OE_MATCH_HITS_MAX);
		if (t->host_type == OE_T_IPV4)
			n += oe_match_ip4(&r->mc, t->ip4, OE_HOW_URL_HOST, hits + n,
					  OE_MATCH_HITS_MAX - n);
		else if (t->host_type == OE_T_IPV6)
			n += oe_match_ip6(&r->mc, t->ip6, OE_HOW_URL_HOST, hits + n,
					  OE_MATCH_HITS_MAX - n);
		else if (t->host_type == OE_T_DOMAIN)
			n += oe_match_domain(&r->mc, t->host, t->host_len, OE_HOW_URL_HOST,
					     hits + n, OE_MATCH_HITS_MAX - n);
		break;
	default: n = oe_match_exact(&r->mc, t->type, val, vn, hits, OE_MATCH_HITS_MAX); break;
	}
	for (size_t i = 0; i < n; i++)
		write_hit(r, t, val, vn, &hits[i]);
}

void oe_match_run_piece(oe_match_run *r, const char *text, size_t len)
{
	oe_scan_text(&r->scan, text, len, on_token, r);
}

static void on_line(void *arg)
{
	oe_match_run *r = arg;
	r->nseen = 0;
	r->line++;
	r->lines++;
}

void oe_match_run_lines(oe_match_run *r, const char *text, size_t len)
{
	r->nseen = 0;
	if (r->mc.snap) {
		/* One pass over all the lines: no per-line search for its end
		 * and no per-line start-up. */
		oe_scan_lines(&r->scan, text, len, on_token, on_line, r);
	} else {
		for (const char *p = text, *end = text + len;
		     p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
			on_line(r);
	}
	if (len && text[len - 1] != '\n')
		on_line(r); /* the last line, without its end */
}
