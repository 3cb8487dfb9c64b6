/* form.h - HTML form bodies: application/x-www-form-urlencoded and
 * multipart/form-data (RFC 7578), as browsers send them with JavaScript
 * off.
 *
 * The whole body is in memory (the server buffers it under a hard limit);
 * the parser walks it once. Text fields are decoded into NUL-terminated
 * copies in the arena; file parts are not copied: their data points into
 * the body, which must outlive the oe_form. */
#ifndef OE_FORM_H
#define OE_FORM_H

#include "arena.h"
#include "common.h"

#define OE_FORM_FIELDS_MAX  256	 /* fields in one body */
#define OE_FORM_NAME_MAX    128	 /* bytes in a field name */
#define OE_FORM_PART_HEADER 4096 /* bytes of headers of one multipart part */

typedef struct {
	const char *name;     /* NUL-terminated, in the arena */
	const char *value;    /* text fields: NUL-terminated arena copy;
			       * files: into the body, not NUL-terminated */
	size_t len;	      /* bytes in value */
	const char *filename; /* file parts: as sent (may be ""), in the arena; else NULL */
	const char *ctype;    /* the part's Content-Type as sent, or NULL */
} oe_form_field;

typedef struct {
	oe_form_field *fields; /* in the arena, in body order */
	size_t n;
} oe_form;

/* Parse body (len bytes) sent with Content-Type ctype. Returns 0,
 * OE_EINVAL with *why (a static English sentence) for a malformed body or
 * an unsupported or boundary-less content type, OE_ETOOBIG (with *why)
 * past OE_FORM_FIELDS_MAX, OE_FORM_NAME_MAX or OE_FORM_PART_HEADER,
 * OE_ENOMEM. Never reads outside body[0..len). On failure *out is empty
 * and what was allocated stays in the arena until it is cleared. */
int oe_form_parse(const char *ctype, const char *body, size_t len, oe_arena *a, oe_form *out,
		  const char **why);

/* The first text field (not a file) called name, or NULL. */
const char *oe_form_get(const oe_form *f, const char *name);

#endif
