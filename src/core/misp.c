/* misp.c - MISP events and feeds to an import set, indicators back to a
 * MISP event (see misp.h for the mapping). */
#include "misp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "tlp.h"
#include "uuid.h"
#include "wallet.h"

/* How an attribute type's value is taken apart. */
typedef enum {
	K_IP,	     /* an address or network */
	K_IP_PORT,   /* "address|port" */
	K_HOST,	     /* a domain */
	K_HOST_PORT, /* "domain|port" */
	K_DOMAIN_IP, /* "domain|address": both */
	K_PLAIN,     /* the value as it is, of the table's type */
	K_FILE_HASH  /* "filename|hash": the hash */
} kind;

static const struct {
	const char *misp;
	kind k;
	oe_itype t; /* for K_PLAIN and K_FILE_HASH */
} types[] = {
    {"ip-src", K_IP, OE_T_NONE},
    {"ip-dst", K_IP, OE_T_NONE},
    {"ip-src|port", K_IP_PORT, OE_T_NONE},
    {"ip-dst|port", K_IP_PORT, OE_T_NONE},
    {"domain", K_HOST, OE_T_DOMAIN},
    {"hostname", K_HOST, OE_T_DOMAIN},
    {"hostname|port", K_HOST_PORT, OE_T_DOMAIN},
    {"domain|ip", K_DOMAIN_IP, OE_T_NONE},
    {"url", K_PLAIN, OE_T_URL},
    {"email", K_PLAIN, OE_T_EMAIL},
    {"email-src", K_PLAIN, OE_T_EMAIL},
    {"email-dst", K_PLAIN, OE_T_EMAIL},
    {"email-reply-to", K_PLAIN, OE_T_EMAIL},
    {"whois-registrant-email", K_PLAIN, OE_T_EMAIL},
    {"md5", K_PLAIN, OE_T_MD5},
    {"sha1", K_PLAIN, OE_T_SHA1},
    {"sha256", K_PLAIN, OE_T_SHA256},
    {"filename|md5", K_FILE_HASH, OE_T_MD5},
    {"filename|sha1", K_FILE_HASH, OE_T_SHA1},
    {"filename|sha256", K_FILE_HASH, OE_T_SHA256},
    {"phone-number", K_PLAIN, OE_T_PHONE},
    {"whois-registrant-phone", K_PLAIN, OE_T_PHONE},
    {"prtn", K_PLAIN, OE_T_PHONE},
    {"btc", K_PLAIN, OE_T_WALLET},
    {"xmr", K_PLAIN, OE_T_WALLET},
    {"dash", K_PLAIN, OE_T_WALLET},
    {"iban", K_PLAIN, OE_T_BANK},
    {"bank-account-nr", K_PLAIN, OE_T_BANK},
};

typedef struct {
	const oe_canon_opts *o;
	oe_import_set *out;
	int tlp;		       /* the event's, -1 when none */
	const char *tags[OE_TAGS_MAX]; /* the event's non-TLP tags */
	size_t ntags;
	char *err;
	size_t errcap;
} ev_ctx;

static bool uuid_ok(const char *s)
{
	oe_uuid u;
	return s && strlen(s) == 36 && oe_uuid_parse(s, &u) == 0;
}

/* Add s to tags unless present, too long or the set is full. */
static void tag_add(const char **tags, size_t *n, const char *s)
{
	if (!s || !*s || strlen(s) > OE_TAG_LEN_MAX || *n >= OE_TAGS_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(tags[i], s) == 0)
			return;
	tags[(*n)++] = s;
}

/* Split a MISP "Tag" array into the strictest TLP (*tlp stays as it was
 * when none) and the other tag names. */
static void read_tags(const json_t *list, int *tlp, const char **tags, size_t *n)
{
	size_t i;
	json_t *t;
	int best = -1;
	json_array_foreach (list, i, t) {
		const char *name = oe_json_str(t, "name");
		if (!name)
			continue;
		int lvl = strncasecmp(name, "tlp:", 4) == 0 ? oe_tlp_parse(name) : -1;
		if (lvl >= 0) {
			if (lvl > best)
				best = lvl;
		} else {
			tag_add(tags, n, name);
		}
	}
	if (best >= 0)
		*tlp = best;
}

/* MISP writes epoch seconds as a string or a number. */
static int epoch_of(const json_t *v, oe_time *out)
{
	long long secs = 0;
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		secs = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (!*s || strlen(s) > 12)
			return OE_EINVAL;
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return OE_EINVAL;
			secs = secs * 10 + (*s - '0');
		}
	} else {
		return OE_EINVAL;
	}
	if (secs < 0 || secs > 253402300799LL) /* 9999-12-31 */
		return OE_EINVAL;
	*out = (oe_time)secs * 1000000;
	return 0;
}

/* An RFC 3339 string, null or absent (0). */
static int time_of(const json_t *v, oe_time *out)
{
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return OE_EINVAL;
	if (!*json_string_value(v))
		return 0;
	return oe_time_parse(json_string_value(v), out) ? OE_EINVAL : 0;
}

/* The type of a bare address or network as MISP's ip-* types hold them. */
static oe_itype ip_type(const char *s, size_t n)
{
	if (memchr(s, '/', n))
		return OE_T_CIDR;
	return memchr(s, ':', n) ? OE_T_IPV6 : OE_T_IPV4;
}

/* One attribute. Returns 0 or a fatal OE_E*. */
static int do_attr(ev_ctx *c, const json_t *a, const char *pos)
{
	const char *uuid = oe_json_str(a, "uuid");
	const char *ref = uuid ? uuid : pos;
	if (!json_is_object(a)) {
		oe_import_error_add(c->out, pos, "attribute is not an object");
		return 0;
	}
	if (json_is_true(json_object_get(a, "deleted"))) {
		c->out->skipped++;
		return 0;
	}
	const char *type = oe_json_str(a, "type");
	json_t *jv = json_object_get(a, "value");
	if (!type || !json_is_string(jv)) {
		oe_import_error_add(c->out, ref, "attribute has no type or no value");
		return 0;
	}
	size_t k = 0;
	while (k < OE_ARRAY_SIZE(types) && strcmp(types[k].misp, type) != 0)
		k++;
	if (k == OE_ARRAY_SIZE(types)) {
		c->out->skipped++;
		return 0;
	}
	const char *v = json_string_value(jv);
	size_t vlen = json_string_length(jv);

	/* Take the value apart: up to two (type, bytes) parts. */
	struct {
		oe_itype t;
		const char *s;
		size_t n;
	} part[2];
	size_t nparts = 1;
	const char *bar = NULL;
	if (types[k].k != K_IP && types[k].k != K_HOST && types[k].k != K_PLAIN) {
		/* Ports and hashes never hold '|', a domain never does: the
		 * last bar separates, except for domain|ip (first). */
		bar = types[k].k == K_DOMAIN_IP ? memchr(v, '|', vlen) : memrchr(v, '|', vlen);
		if (!bar) {
			oe_import_error_add(c->out, ref, "a %s value has no '|'", type);
			return 0;
		}
	}
	switch (types[k].k) {
	case K_IP:
		part[0].s = v;
		part[0].n = vlen;
		part[0].t = ip_type(v, vlen);
		break;
	case K_IP_PORT:
		part[0].s = v;
		part[0].n = (size_t)(bar - v);
		part[0].t = ip_type(v, part[0].n);
		break;
	case K_HOST:
	case K_PLAIN:
		part[0].s = v;
		part[0].n = vlen;
		part[0].t = types[k].t;
		break;
	case K_HOST_PORT:
		part[0].s = v;
		part[0].n = (size_t)(bar - v);
		part[0].t = OE_T_DOMAIN;
		break;
	case K_DOMAIN_IP:
		part[0].s = v;
		part[0].n = (size_t)(bar - v);
		part[0].t = OE_T_DOMAIN;
		part[1].s = bar + 1;
		part[1].n = vlen - part[0].n - 1;
		part[1].t = ip_type(part[1].s, part[1].n);
		nparts = 2;
		break;
	case K_FILE_HASH:
		part[0].s = bar + 1;
		part[0].n = vlen - (size_t)(bar + 1 - v);
		part[0].t = types[k].t;
		break;
	}

	/* Metadata shared by the parts. */
	char cut[OE_TEXT_MAX + 1];
	const char *tags[OE_TAGS_MAX];
	size_t ntags = 0;
	for (size_t i = 0; i < c->ntags; i++)
		tag_add(tags, &ntags, c->tags[i]);
	int tlp = -1;
	read_tags(json_object_get(a, "Tag"), &tlp, tags, &ntags);
	if (tlp < 0)
		tlp = c->tlp;
	json_t *ti = json_object_get(a, "to_ids");
	if (json_is_false(ti) || (json_is_string(ti) && strcmp(json_string_value(ti), "0") == 0) ||
	    (json_is_integer(ti) && json_integer_value(ti) == 0))
		tag_add(tags, &ntags, OE_MISP_TAG_NOT_IDS);
	oe_ioc ioc = {.tlp = tlp, .confidence = -1, .tags = (char **)tags, .ntags = ntags};
	const char *comment = oe_json_str(a, "comment");
	if (comment && *comment)
		ioc.description = (char *)oe_utf8_cut(comment, cut, OE_TEXT_MAX);
	if (time_of(json_object_get(a, "first_seen"), &ioc.first_seen) ||
	    time_of(json_object_get(a, "last_seen"), &ioc.last_seen)) {
		oe_import_error_add(c->out, ref,
				    "first_seen or last_seen is not an RFC 3339 timestamp");
		return 0;
	}
	if (epoch_of(json_object_get(a, "timestamp"), &ioc.modified)) {
		oe_import_error_add(c->out, ref, "timestamp is not epoch seconds");
		return 0;
	}
	if (uuid_ok(uuid))
		ioc.ext_id = (char *)uuid;

	/* All parts must canonicalise, or the attribute is refused whole. */
	char canon[2][OE_VALUE_MAX + 1];
	for (size_t i = 0; i < nparts; i++) {
		const char *why = NULL;
		if (oe_canon(part[i].t, part[i].s, part[i].n, c->o, canon[i], sizeof(canon[i]),
			     &why)) {
			oe_import_error_add(c->out, ref, "%s: %s", type,
					    why ? why : "invalid value");
			return 0;
		}
	}
	for (size_t i = 0; i < nparts; i++) {
		ioc.type = part[i].t;
		ioc.value = canon[i];
		int rc = oe_import_add_ioc(c->out, &ioc);
		if (rc) {
			if (rc == OE_ETOOBIG)
				snprintf(c->err, c->errcap, "more than %d indicators in one import",
					 OE_IMPORT_MAX_OBJECTS);
			else
				snprintf(c->err, c->errcap, "out of memory");
			return rc;
		}
	}
	return 0;
}

/* One event object (the value of "Event"). */
static int parse_event(const json_t *ev, const oe_canon_opts *o, oe_import_set *out, char *err,
		       size_t errcap)
{
	json_t *attrs = json_object_get(ev, "Attribute");
	json_t *objs = json_object_get(ev, "Object");
	if ((attrs && !json_is_array(attrs)) || (objs && !json_is_array(objs))) {
		snprintf(err, errcap, "Event.Attribute and Event.Object must be arrays");
		return OE_EINVAL;
	}
	if (json_array_size(objs) > OE_MISP_MAX_OBJECTS) {
		snprintf(err, errcap, "more than %d objects in one event", OE_MISP_MAX_OBJECTS);
		return OE_ETOOBIG;
	}
	size_t total = json_array_size(attrs), i, j;
	json_t *ob, *a;
	json_array_foreach (objs, i, ob) {
		total += json_array_size(json_object_get(ob, "Attribute"));
		if (total > OE_MISP_MAX_ATTRIBUTES)
			break;
	}
	if (total > OE_MISP_MAX_ATTRIBUTES) {
		snprintf(err, errcap, "more than %d attributes in one event",
			 OE_MISP_MAX_ATTRIBUTES);
		return OE_ETOOBIG;
	}
	const char *uuid = oe_json_str(ev, "uuid");
	if (json_object_get(ev, "uuid") && !uuid_ok(uuid)) {
		snprintf(err, errcap, "Event.uuid is not a UUID");
		return OE_EINVAL;
	}

	ev_ctx c = {.o = o, .out = out, .tlp = -1, .err = err, .errcap = errcap};
	read_tags(json_object_get(ev, "Tag"), &c.tlp, c.tags, &c.ntags);
	char cut[OE_TEXT_MAX + 1];
	const char *info = oe_json_str(ev, "info");
	const char *org = oe_json_str(json_object_get(ev, "Orgc"), "name");
	if (!org)
		org = oe_json_str(json_object_get(ev, "Org"), "name");
	oe_event_in e = {
	    .title = info ? (char *)oe_utf8_cut(info, cut, OE_TEXT_MAX) : NULL,
	    .tlp = c.tlp,
	    .tags = (char **)c.tags,
	    .ntags = c.ntags,
	    .ext_id = (char *)uuid,
	    .org = (char *)org,
	};
	if (time_of(json_object_get(ev, "date"), &e.created))
		e.created = 0; /* a bad date loses only the date */
	if (oe_import_begin_event(out, &e)) {
		snprintf(err, errcap, "out of memory");
		return OE_ENOMEM;
	}
	int rc = 0;
	/* Positions name their event: a feed's refusals must say where. */
	const char *evref = uuid ? uuid : "Event";
	json_array_foreach (attrs, i, a) {
		char pos[96];
		snprintf(pos, sizeof(pos), "%.40s/Attribute[%zu]", evref, i);
		if ((rc = do_attr(&c, a, pos)))
			goto out;
	}
	json_array_foreach (objs, i, ob) {
		json_array_foreach (json_object_get(ob, "Attribute"), j, a) {
			char pos[112];
			snprintf(pos, sizeof(pos), "%.40s/Object[%zu].Attribute[%zu]", evref, i, j);
			if ((rc = do_attr(&c, a, pos)))
				goto out;
		}
	}
out:
	oe_import_end_event(out);
	return rc;
}

int oe_misp_parse_event(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out,
			char *err, size_t errcap)
{
	json_t *root = NULL;
	if (errcap)
		err[0] = '\0';
	int rc = oe_json_parse(buf, len, &root, err, errcap);
	if (rc)
		return rc;
	json_t *ev = json_object_get(root, "Event");
	if (!json_is_object(ev)) {
		snprintf(err, errcap, "not a MISP event: no \"Event\" object");
		rc = OE_EINVAL;
		goto out;
	}
	rc = parse_event(ev, o, out, err, errcap);
out:
	json_decref(root);
	return rc;
}

/* Read a whole regular file of at most max bytes. OE_ENOTFOUND when it does
 * not exist, OE_ETOOBIG when larger, OE_EIO otherwise. *buf is the
 * caller's to free. */
static int read_file(const char *path, size_t max, char **buf, size_t *len)
{
	int rc = OE_EIO;
	char *p = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? OE_ENOTFOUND : OE_EIO;
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		goto out;
	if ((uint64_t)st.st_size > max) {
		rc = OE_ETOOBIG;
		goto out;
	}
	size_t n = (size_t)st.st_size, got = 0;
	p = malloc(n ? n : 1);
	if (!p) {
		rc = OE_ENOMEM;
		goto out;
	}
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out; /* shrank while we read, or an error */
		got += (size_t)r;
	}
	*buf = p;
	*len = n;
	p = NULL;
	rc = 0;
out:
	free(p);
	close(fd);
	return rc;
}

int oe_misp_parse_feed_dir(const char *dir, const oe_canon_opts *o, oe_import_set *out, char *err,
			   size_t errcap)
{
	char path[4096];
	char *buf = NULL;
	size_t len;
	json_t *man = NULL;
	if (errcap)
		err[0] = '\0';
	/* Room for "/<uuid>.json" after dir, checked once here. */
	if (strlen(dir) + 64 >= sizeof(path)) {
		snprintf(err, errcap, "feed directory path too long");
		return OE_EINVAL;
	}
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	int rc = read_file(path, OE_MISP_MANIFEST_MAX, &buf, &len);
	if (rc) {
		snprintf(err, errcap, "%s: %s", path,
			 rc == OE_ENOTFOUND ? "missing"
			 : rc == OE_ETOOBIG ? "too large"
					    : oe_strerror(rc));
		return rc == OE_ENOTFOUND ? OE_EIO : rc;
	}
	char jerr[200];
	rc = oe_json_parse(buf, len, &man, jerr, sizeof(jerr));
	free(buf);
	buf = NULL;
	if (rc) {
		snprintf(err, errcap, "manifest.json: %s", jerr);
		return rc;
	}
	rc = OE_EINVAL;
	if (!json_is_object(man)) {
		snprintf(err, errcap, "manifest.json is not a JSON object");
		goto out;
	}
	if (json_object_size(man) > OE_MISP_FEED_MAX_EVENTS) {
		snprintf(err, errcap, "manifest.json lists more than %d events",
			 OE_MISP_FEED_MAX_EVENTS);
		rc = OE_ETOOBIG;
		goto out;
	}
	const char *key;
	json_t *val;
	json_object_foreach (man, key, val) {
		if (!uuid_ok(key)) {
			oe_import_error_add(out, key, "manifest key is not an event uuid");
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s.json", dir, key);
		int r = read_file(path, OE_MISP_FILE_MAX, &buf, &len);
		if (r == OE_ENOMEM) {
			rc = r;
			snprintf(err, errcap, "out of memory");
			goto out;
		}
		if (r) {
			oe_import_error_add(out, key, "event file %s.json: %s", key,
					    r == OE_ENOTFOUND ? "missing"
					    : r == OE_ETOOBIG ? "larger than the limit"
							      : "unreadable");
			continue;
		}
		char eerr[256];
		r = oe_misp_parse_event(buf, len, o, out, eerr, sizeof(eerr));
		free(buf);
		buf = NULL;
		if (r == OE_ENOMEM || (r == OE_ETOOBIG && out->niocs >= OE_IMPORT_MAX_OBJECTS)) {
			rc = r;
			snprintf(err, errcap, "%s", eerr);
			goto out;
		}
		if (r)
			oe_import_error_add(out, key, "event file %s.json: %s", key, eerr);
	}
	rc = 0;
out:
	json_decref(man);
	return rc;
}

/* ---- export ---- */

static void put(json_t *o, const char *key, json_t *v, bool *bad)
{
	if (json_object_set_new(o, key, v))
		*bad = true;
}

static json_t *tag_json(const char *name)
{
	json_t *t = json_object();
	if (t && json_object_set_new(t, "name", json_string(name))) {
		json_decref(t);
		return NULL;
	}
	return t;
}

static json_t *epoch_json(oe_time t)
{
	char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)(t / 1000000));
	return json_string(s);
}

/* MISP names three coins; its coin-address object files every other
 * address under "btc" as well, so that is the fallback. */
static const char *wallet_type(const char *v)
{
	char out[OE_WALLET_MAX + 16];
	const char *why;
	oe_chain chain = OE_CHAIN_NONE;
	if (oe_wallet_canon(v, strlen(v), out, sizeof(out), &chain, &why))
		return "btc";
	return chain == OE_CHAIN_MONERO ? "xmr" : chain == OE_CHAIN_DASH ? "dash" : "btc";
}

static void misp_type(oe_itype t, const char *v, const char **type, const char **cat)
{
	switch (t) {
	case OE_T_IPV4:
	case OE_T_IPV6:
	case OE_T_CIDR:
		*type = "ip-dst";
		*cat = "Network activity";
		break;
	case OE_T_DOMAIN:
		*type = "domain";
		*cat = "Network activity";
		break;
	case OE_T_URL:
		*type = "url";
		*cat = "Network activity";
		break;
	case OE_T_EMAIL:
		*type = "email";
		*cat = "Social network";
		break;
	case OE_T_PHONE:
		*type = "phone-number";
		*cat = "Person";
		break;
	case OE_T_BANK:
		*type = "bank-account-nr";
		*cat = "Financial fraud";
		break;
	case OE_T_WALLET:
		*type = wallet_type(v);
		*cat = "Financial fraud";
		break;
	case OE_T_MD5:
		*type = "md5";
		*cat = "Payload delivery";
		break;
	case OE_T_SHA1:
		*type = "sha1";
		*cat = "Payload delivery";
		break;
	case OE_T_SHA256:
		*type = "sha256";
		*cat = "Payload delivery";
		break;
	default:
		*type = NULL;
		*cat = NULL;
		break;
	}
}

static json_t *attr_json(const oe_indicator_view *v)
{
	const char *type, *cat;
	misp_type(v->type, v->value ? v->value : "", &type, &cat);
	if (!type || !v->value || !oe_tlp_marking_id((oe_tlp)v->tlp))
		return NULL;
	char uuid[OE_UUID_STR];
	if (strncmp(v->stix_id, "indicator--", 11) == 0 && uuid_ok(v->stix_id + 11)) {
		memcpy(uuid, v->stix_id + 11, OE_UUID_STR);
	} else {
		oe_uuid u;
		oe_uuid_v4(&u);
		oe_uuid_format(&u, uuid);
	}
	bool bad = false, to_ids = true;
	json_t *a = json_object(), *tags = json_array();
	if (!a || !tags) {
		json_decref(a);
		json_decref(tags);
		return NULL;
	}
	char tlp[32];
	snprintf(tlp, sizeof(tlp), "tlp:%s", oe_tlp_name((oe_tlp)v->tlp));
	if (json_array_append_new(tags, tag_json(tlp)))
		bad = true;
	for (size_t i = 0; i < v->ntags; i++) {
		if (strcmp(v->tags[i], OE_MISP_TAG_NOT_IDS) == 0) {
			to_ids = false;
			continue;
		}
		if (json_array_append_new(tags, tag_json(v->tags[i])))
			bad = true;
	}
	oe_time ts = v->modified ? v->modified : v->created;
	put(a, "uuid", json_string(uuid), &bad);
	put(a, "type", json_string(type), &bad);
	put(a, "category", json_string(cat), &bad);
	put(a, "value", json_string(v->value), &bad);
	put(a, "to_ids", json_boolean(to_ids), &bad);
	put(a, "comment", json_string(v->description ? v->description : ""), &bad);
	put(a, "timestamp", epoch_json(ts ? ts : oe_now()), &bad);
	char t[OE_TIME_BUF];
	if (v->first_seen) {
		oe_time_format_us(v->first_seen, t);
		put(a, "first_seen", json_string(t), &bad);
	}
	if (v->last_seen) {
		oe_time_format_us(v->last_seen, t);
		put(a, "last_seen", json_string(t), &bad);
	}
	put(a, "disable_correlation", json_false(), &bad);
	put(a, "Tag", tags, &bad);
	if (bad) {
		json_decref(a);
		return NULL;
	}
	return a;
}

json_t *oe_misp_event_json(const char *uuid, const char *info, int tlp, const char *org_name,
			   const char *org_uuid, oe_time date, const oe_indicator_view *v, size_t n)
{
	if (!uuid_ok(uuid) || !info || !oe_tlp_marking_id((oe_tlp)tlp) ||
	    (org_uuid && !uuid_ok(org_uuid)) || (n && !v))
		return NULL;
	if (!date)
		date = oe_now();
	bool bad = false;
	json_t *root = json_object(), *ev = json_object(), *attrs = json_array(),
	       *tags = json_array();
	if (!root || !ev || !attrs || !tags) {
		json_decref(root);
		json_decref(ev);
		json_decref(attrs);
		json_decref(tags);
		return NULL;
	}
	put(root, "Event", ev, &bad);
	oe_time latest = date;
	for (size_t i = 0; i < n; i++) {
		json_t *a = attr_json(&v[i]);
		if (!a || json_array_append_new(attrs, a))
			bad = true;
		if (v[i].modified > latest)
			latest = v[i].modified;
	}
	char day[OE_TIME_BUF], tlpname[32];
	oe_time_format(date, day);
	day[10] = '\0';
	snprintf(tlpname, sizeof(tlpname), "tlp:%s", oe_tlp_name((oe_tlp)tlp));
	if (json_array_append_new(tags, tag_json(tlpname)))
		bad = true;
	put(ev, "uuid", json_string(uuid), &bad);
	put(ev, "info", json_string(info), &bad);
	put(ev, "date", json_string(day), &bad);
	put(ev, "timestamp", epoch_json(latest), &bad);
	put(ev, "published", json_false(), &bad);
	put(ev, "analysis", json_string("2"), &bad);
	put(ev, "threat_level_id", json_string("4"), &bad);
	if (org_name) {
		json_t *orgc = json_object();
		put(ev, "Orgc", orgc, &bad);
		if (orgc) {
			put(orgc, "name", json_string(org_name), &bad);
			if (org_uuid)
				put(orgc, "uuid", json_string(org_uuid), &bad);
		}
	}
	put(ev, "Tag", tags, &bad);
	put(ev, "Attribute", attrs, &bad);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}
