/* filetype.h - the type of an evidence file, decided by its bytes, never by
 * its name or the Content-Type a browser claims. */
#ifndef OE_FILETYPE_H
#define OE_FILETYPE_H

#include <stddef.h>

typedef struct {
	const char *mime; /* "image/png", "image/jpeg", "image/gif", "image/webp",
			   * "application/pdf", "text/plain" */
	const char *ext;  /* "png", "jpg", "gif", "webp", "pdf", "txt" */
} oe_filetype;

/* The type of len bytes at data, or NULL when it is none of the accepted
 * ones or empty. Text must be valid UTF-8 with no NUL, control bytes
 * other than \t \n \f \r under 1%, and must not start (after a BOM and
 * white space) with '<': HTML, SVG and XML are refused (see filetype.c). */
const oe_filetype *oe_filetype_sniff(const void *data, size_t len);

#endif
