/* run.h - matching text against a snapshot: lines in, one answer line per
 * hit out (JSON lines or tab-separated text). Shared by `oureyes match` and
 * POST /api/v1/match.
 *
 * A JSON line: {"line":N,"value":"...","type":"domain","indicator":"...",
 * "indicator_type":"domain","id":"indicator--...","how":"parent-domain",
 * "tlp":"amber"} and "warninglist":"NAME" when the indicator is on one
 * (flagged, never hidden). The same hit (value, indicator, how) is written
 * once per line. */
#ifndef OE_MATCH_RUN_H
#define OE_MATCH_RUN_H

#include "core/buf.h"
#include "core/warninglist.h"
#include "match.h"
#include "scan.h"

typedef struct {
	oe_match_ctx mc;
	const oe_warninglists *wl; /* NULL: none */
	oe_scan_opts scan;
	bool text;	  /* "LINE\tHOW\tTYPE\tVALUE\tINDICATOR[\tWARNINGLIST]" */
	const char *file; /* named in each answer line when not NULL */
	oe_buf *out;
	uint64_t line; /* the number of the line being scanned (1-based) */
	uint64_t lines, hits;
	/* Hits written for the current line, to write each once. */
	uint64_t seen[32];
	unsigned nseen;
} oe_match_run;

/* Scan len bytes of whole lines: each '\n' ends one, and a last line
 * without one counts too. r->line advances by the lines scanned. */
void oe_match_run_lines(oe_match_run *r, const char *text, size_t len);
/* Scan a piece of the current line (a line too long to hold at once,
 * cut at a separator); the line number does not advance. */
void oe_match_run_piece(oe_match_run *r, const char *text, size_t len);

#endif
