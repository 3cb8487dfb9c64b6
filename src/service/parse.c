/* parse.c - choose the parser for an import by its declared or sniffed
 * format (see service.h). */
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "core/json.h"
#include "core/misp.h"
#include "core/stix.h"
#include "service.h"

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	/* A UTF-8 byte order mark. */
	if (end - p >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		p += 3;
	return p;
}

int oe_import_parse(const char *buf, size_t len, const char *format, oe_itype type,
		    const oe_canon_opts *o, oe_import_set *set, char *err, size_t errcap)
{
	const char *p = skip_ws(buf, buf + len);
	if (!format || !*format) {
		if (p < buf + len && (*p == '{' || *p == '[')) {
			/* JSON: STIX has "type"/"objects", MISP has "Event". A look at
			 * the head is enough to route; the parser checks the rest. */
			size_t head =
			    len - (size_t)(p - buf) < 4096 ? len - (size_t)(p - buf) : 4096;
			format = memmem(p, head, "\"Event\"", 7) ? "misp" : "stix";
		} else {
			/* A comma on the first line means CSV; else a plain list. */
			const char *nl = memchr(p, '\n', len - (size_t)(p - buf));
			size_t first = nl ? (size_t)(nl - p) : len - (size_t)(p - buf);
			format = memchr(p, ',', first) ? "csv" : "txt";
		}
	}
	if (!strcasecmp(format, "stix"))
		return oe_stix_parse(buf, len, o, set, err, errcap);
	if (!strcasecmp(format, "misp"))
		return oe_misp_parse_event(buf, len, o, set, err, errcap);
	if (!strcasecmp(format, "csv"))
		return oe_csv_parse(buf, len, o, set, err, errcap);
	if (!strcasecmp(format, "txt"))
		return oe_text_parse(buf, len, type, o, set);
	snprintf(err, errcap, "format: one of stix, misp, csv, txt");
	return OE_EINVAL;
}
