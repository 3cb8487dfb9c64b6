/* csv.h - block lists in and out: RFC 4180 CSV and plain one-value-a-line
 * text.
 *
 * CSV columns are type,value,tlp,tags,confidence,description,valid_until
 * (only the first two are needed). When the first record consists only of
 * known column names (see below) and includes "value", it is a header and
 * the names pick the columns in any order; otherwise the columns are
 * positional in the order above. An empty type (or a header without a type
 * column) means "detect the type of each value". Tags inside their field are
 * separated by ';' or '|'. Lines starting with '#' and blank lines are
 * skipped; CRLF and LF both end a record; quoted fields use "" for a quote
 * and may span lines.
 *
 * Known column names: type, value, tlp, tags, confidence, description,
 * valid_until, first_seen, last_seen, id (the source's id, kept as ext_id),
 * revoked, and org and warninglist, which are accepted and ignored (the
 * writer emits them for people, an import takes provenance from the
 * session, not from a column). An unknown name in a header is a
 * whole-document error, so that a misspelt "valid_untill" is not silently
 * dropped.
 *
 * Parsers only fill an oe_import_set (see ioc.h); a bad record is refused
 * with "line N: reason" and the rest is imported. */
#ifndef OE_CSV_H
#define OE_CSV_H

#include "buf.h"
#include "ioc.h"
#include "record.h"

/* Longest CSV record in bytes: a URL of OE_VALUE_MAX, a description of
 * OE_TEXT_MAX and full tags fit with room; anything longer is not a block
 * list row. */
#define OE_CSV_LINE_MAX 32768
/* Most fields in one record: the known columns and some slack for
 * spreadsheets that add empty trailing ones. */
#define OE_CSV_FIELDS_MAX 32
/* Longest line of a plain text list: a maximal URL plus a comment. */
#define OE_TEXT_LINE_MAX 8192

/* Parse len bytes of CSV at buf into out. Returns 0 (refused records are
 * listed in out->errors), OE_EINVAL with err filled for a bad header,
 * OE_ETOOBIG when out is full (OE_IMPORT_MAX_OBJECTS), OE_ENOMEM. */
int oe_csv_parse(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out, char *err,
		 size_t errcap);

/* Parse a plain list: one value per line, '#' starts a comment line,
 * anything after the first space or tab (a count, a comment) is ignored.
 * type is the type of every value, or OE_T_NONE to detect each one. A value
 * that does not canonicalise is refused as "line N". Returns 0, OE_ETOOBIG
 * when out is full, OE_ENOMEM. */
int oe_text_parse(const char *buf, size_t len, oe_itype type, const oe_canon_opts *o,
		  oe_import_set *out);

/* Append the header record (with CRLF, as RFC 4180 writes) to b. Returns
 * oe_buf_error(b). */
int oe_csv_header(oe_buf *b);
/* Append one indicator as a record, quoting fields that need it, so that
 * oe_csv_parse reads back the same type, value, tlp, tags, confidence,
 * description, valid_until, first_seen, last_seen, id and revoked. Returns
 * oe_buf_error(b) (OE_EINVAL when v->type or v->tlp is not valid). */
int oe_csv_write_row(oe_buf *b, const oe_indicator_view *v);

#endif
