/* evidence.h - reporters' evidence files on disk, named by their SHA-256
 * under <data>/evidence/<2 hex>/<64 hex>. The same file sent twice is kept
 * once. Files are written durably (fsync of the file and its directory)
 * before the report that names them is committed. */
#ifndef OE_EVIDENCE_H
#define OE_EVIDENCE_H

#include <stddef.h>

#include "node.h"

/* Store len bytes; sha receives the hex SHA-256. 0 or OE_EIO. */
int oe_evidence_put(const oe_node *n, const void *data, size_t len, char sha[65]);
/* Read a stored file whole into malloc'd memory (the caller frees).
 * OE_ENOTFOUND, OE_EINVAL for a name that is not a SHA-256, OE_EIO. */
int oe_evidence_read(const oe_node *n, const char *sha, char **data, size_t *len);
/* Overwrite a stored file with zeros and remove it (retention). Absent is
 * fine. */
int oe_evidence_shred(const oe_node *n, const char *sha);

#endif
