/* phone.h - telephone numbers to E.164, through libphonenumber.
 *
 * A thin C face over Google's C++ library, so that the rest of core/ stays
 * C. The library keeps one process-wide, thread-safe instance with its
 * metadata tables; nothing here allocates anything the caller must free. */
#ifndef OE_PHONE_H
#define OE_PHONE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest input handed to libphonenumber, in bytes. Real numbers written
 * with spaces, brackets and a "tel:" prefix fit in far less; the library's
 * own limit is 250. */
#define OE_PHONE_IN_MAX 64

/* Parse the NUL-terminated number (national or international form, "tel:"
 * URIs included) with region (ISO 3166 alpha-2, either case; used when the
 * number has no country code) and write its E.164 form ("+6281234567890")
 * into out (cap bytes; 17 bytes always suffice). Returns 0, or OE_EINVAL
 * with *why set to a static sentence when the number cannot be parsed or is
 * not a valid number for its region, or OE_ENOMEM. */
int oe_phone_e164(const char *num, const char *region, char *out, size_t cap, const char **why);

#ifdef __cplusplus
}
#endif

#endif
