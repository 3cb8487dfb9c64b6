/* report_int.h - what report.c (intake) and triage.c (analysts) share.
 * Not for the edges. */
#ifndef OE_REPORT_INT_H
#define OE_REPORT_INT_H

#include "report.h"

/* The receipt's stored form (report.c explains the construction). */
int oe_receipt_hash(const oe_node *n, const char *receipt, uint8_t out[32]);
/* 16 digits out of what a reporter typed ("1234 5678-9012 3456"). */
int oe_receipt_normalise(const char *in, char out[OE_RECEIPT_DIGITS + 1]);
/* "1.500.000" -> "1500000", "25,50" -> "25.50"; OE_EINVAL for anything
 * that is not a positive amount. */
int oe_amount_normalise(const char *in, char *out, size_t cap);
/* Assert value as reported (by the node's operator organisation) and link
 * it to the report; source 0: a field, 1: the text. Inside the caller's
 * transaction. */
int oe_report_ingest(oe_ctx *c, int64_t report_id, oe_itype t, const char *value, int source,
		     oe_time now, int64_t *indicator_id);

#endif
