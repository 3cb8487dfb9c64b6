/* report.h - the public reporting channel: citizens' reports, receipts,
 * follow-up, the analysts' queue with deadlines, rewards, and the public
 * check.
 *
 * Reporter protection lives here:
 *   - a receipt is 16 digits drawn by the node, shown once and stored only
 *     as an Argon2id hash (keyed by the node's secret, salted per node so
 *     that it can be found again);
 *   - contact and payout details are sealed (crypto_box_seal) to the node's
 *     intake public key; only an admin holding intake.key can open them,
 *     with a reason, and every reveal is audited;
 *   - nothing here takes an address, a user agent or a header of the
 *     public client, so none can be stored.
 *
 * Errors a reporter can cause are returned as an oe_report_err: a stable
 * code ("file_too_large") and the field it concerns. The edges translate
 * the code into the reporter's language (http/i18n). */
#ifndef OE_REPORT_H
#define OE_REPORT_H

#include "service.h"

/* Limits on what one report may carry, each with its reason. */
#define OE_REPORT_TEXT_MAX    (64 * 1024)	 /* a story, not a document: attach those */
#define OE_REPORT_FILES_MAX   5			 /* evidence files per report or reply */
#define OE_REPORT_FILE_MAX    (10 * 1024 * 1024) /* one evidence file */
#define OE_REPORT_IDENTS_MAX  50		 /* suspect identifiers typed in */
#define OE_REPORT_FIELD_MAX   512		 /* one identifier, name, amount */
#define OE_REPORT_CONTACT_MAX 2048		 /* contact details, before sealing */
#define OE_REPORT_MESSAGE_MAX (16 * 1024)	 /* one follow-up message */
#define OE_REPORT_EXTRACT_MAX 64		 /* indicators taken from one text */
#define OE_RECEIPT_DIGITS     16

typedef enum {
	OE_RC_PHISHING,
	OE_RC_ONLINE_SCAM,
	OE_RC_TELECOM_FRAUD,
	OE_RC_INVESTMENT_FRAUD,
	OE_RC_GAMBLING,
	OE_RC_MALWARE,
	OE_RC_ACCOUNT_TAKEOVER,
	OE_RC_INFRASTRUCTURE,
	OE_RC_DATA_LEAK,
	OE_RC_OTHER,
	OE_RC__COUNT
} oe_report_category;

/* "phishing", "online_scam", "telecom_fraud", "investment_fraud",
 * "illegal_gambling", "malware", "account_takeover", "infrastructure_attack",
 * "data_leak", "other". */
const char *oe_report_category_name(int c);
int oe_report_category_parse(const char *s); /* -1 when unknown */

typedef enum {
	OE_RS_NEW,
	OE_RS_TRIAGED,
	OE_RS_INVESTIGATING,
	OE_RS_ACTIONED,
	OE_RS_CLOSED,
	OE_RS_REJECTED,
	OE_RS__COUNT
} oe_report_status;

const char *oe_report_status_name(int s);
int oe_report_status_parse(const char *s); /* -1 when unknown */

typedef enum {
	OE_RW_NONE,
	OE_RW_ELIGIBLE,
	OE_RW_CLAIMED,
	OE_RW_PAID,
	OE_RW__COUNT
} oe_reward_state;

const char *oe_reward_state_name(int s);
int oe_reward_state_parse(const char *s); /* -1 when unknown */

/* Kinds of suspect identifiers a reporter can type in. */
typedef enum {
	OE_RI_PHONE,
	OE_RI_BANK_ACCOUNT, /* with the bank's name or code */
	OE_RI_EWALLET,	    /* with the provider: DANA, OVO, GoPay, Alipay... */
	OE_RI_URL,
	OE_RI_SOCIAL, /* with the platform: facebook, instagram, tiktok, wechat... */
	OE_RI_EMAIL,
	OE_RI_CRYPTO_WALLET,
	OE_RI__COUNT
} oe_report_ident_kind;

/* "phone", "bank_account", "ewallet", "url", "social", "email",
 * "crypto_wallet". */
const char *oe_report_ident_name(int k);
int oe_report_ident_parse(const char *s); /* -1 when unknown */

typedef struct {
	int kind;	       /* oe_report_ident_kind */
	const char *value;     /* as typed */
	const char *qualifier; /* bank, e-wallet provider or platform; may be NULL */
} oe_report_ident;

typedef struct {
	const char *name; /* as the reporter's browser named it; may be NULL */
	const char *data;
	size_t len;
} oe_report_file;

/* A report as submitted. Strings need not outlive the call; none may be
 * NULL except where said. */
typedef struct {
	const char *category;	   /* a category name */
	const char *description;   /* what happened */
	const char *occurred_at;   /* "YYYY-MM-DD" or RFC 3339; may be NULL */
	const char *loss_amount;   /* decimal, e.g. "1500000" or "25.50"; may be NULL */
	const char *loss_currency; /* ISO 4217, e.g. "IDR"; may be NULL */
	const oe_report_ident *idents;
	size_t nidents;
	const oe_report_file *files;
	size_t nfiles;
	const char *contact; /* free text; sealed at once; may be NULL */
	const char *lang;    /* "id", "en", "zh": the language to answer in */
} oe_report_in;

/* Why a reporter's input was refused: code is one of the stable codes
 * below, field the form field concerned (NULL for the whole request),
 * index the position in a list field (identifiers, files) or -1. */
typedef struct {
	const char *code;
	const char *field;
	int index;
} oe_report_err;

/* Error codes (translated by the edges; http/i18n has a message for each):
 *   missing          a required field is absent or empty
 *   unknown_category not one of the categories
 *   too_long         a text is over its limit
 *   invalid_utf8     text that is not UTF-8
 *   invalid_date     occurred_at is not a date, or is in the future
 *   invalid_amount   loss_amount is not a positive decimal
 *   invalid_currency loss_currency is not three letters
 *   invalid_ident    an identifier could not be understood
 *   unknown_kind     an identifier of no known kind
 *   too_many         too many identifiers or files
 *   file_too_large   an evidence file over OE_REPORT_FILE_MAX
 *   file_type        an evidence file that is not an image, PDF or text
 *   empty_file       an evidence file with no bytes
 *   bad_receipt      no report has this receipt (follow-up)
 *   not_claimable    payout details sent when no reward is eligible */

typedef struct {
	char receipt[OE_RECEIPT_DIGITS + 1];
	char id[64]; /* report--<uuid>, for analysts; never shown to the reporter */
	oe_time created, due_at;
} oe_report_receipt;

/* File a report: validate, store it with its evidence (durable when this
 * returns 0), extract and link its indicators, draw its receipt. Anyone
 * may call it (role public). On bad input returns OE_EINVAL with *e set;
 * nothing is stored. */
int oe_svc_report_submit(oe_ctx *c, const oe_report_in *in, oe_report_receipt *out,
			 oe_report_err *e);

/* One message of a report's conversation. */
typedef struct {
	const char *from; /* "reporter" or "analyst" */
	const char *body;
	oe_time at;
	size_t nfiles; /* evidence files added with it */
} oe_report_message;

/* What a reporter sees on follow-up: no analyst names, no internal notes. */
typedef struct {
	const char *category;
	const char *status;
	oe_time created, due_at, updated;
	oe_report_message *messages;
	size_t nmessages;
	const char *reward_state;    /* "none", "eligible", "claimed", "paid" */
	const char *reward_amount;   /* may be NULL */
	const char *reward_currency; /* may be NULL */
	size_t nfiles;
} oe_followup;

/* The report of a receipt, as its reporter may see it. OE_ENOTFOUND (with
 * e->code "bad_receipt") for a wrong receipt: no hint of which part. */
int oe_svc_followup(oe_ctx *c, const char *receipt, oe_followup *out, oe_report_err *e);
/* The reporter answers: a message and up to OE_REPORT_FILES_MAX files. */
int oe_svc_followup_reply(oe_ctx *c, const char *receipt, const char *body,
			  const oe_report_file *files, size_t nfiles, oe_report_err *e);
/* The reporter sends payout details for an eligible reward; they are sealed
 * at once and the reward becomes "claimed". */
int oe_svc_followup_claim(oe_ctx *c, const char *receipt, const char *payout, oe_report_err *e);

/* --- the public check ----------------------------------------------------
 * Counts only, never report content. */
typedef struct {
	oe_itype type;
	const char *value;     /* canonical */
	bool reported;	       /* in a citizen's report or in TLP:CLEAR intelligence */
	int64_t reports;       /* distinct reports, duplicates and rejected ones left out */
	int64_t clear_sources; /* organisations (ours or partners') flagging it TLP:CLEAR */
	oe_time first_reported, last_reported;
	int64_t by_category[OE_RC__COUNT];
	bool verified; /* an analyst acted on a report of it, or an organisation asserts it */
} oe_check_result;

/* raw is what was typed; on a value that cannot be understood returns
 * OE_EINVAL with *why set. */
int oe_svc_check(oe_ctx *c, const char *raw, size_t len, oe_check_result *out, const char **why);

/* --- analysts (triage.c) ----------------------------------------------
 * Reports are the node operator's own: only its members (readers,
 * analysts, admins; never a peer) may read them, only its analysts and
 * admins change them, only its admins reveal sealed data. Every read of a
 * report or its evidence, and every change, is audited. */

/* Up to f->limit reports in the filter's order after its cursor; on return
 * *cursor is the next page's (sealed) or empty, *more whether there is
 * one. cursor_in may be NULL or "". */
int oe_svc_report_list(oe_ctx *c, oe_report_filter *f, const char *cursor_in, oe_report_row **rows,
		       size_t *n, char cursor[OE_CURSOR_LEN + 1]);

/* One indicator of a report with what correlates with it. */
typedef struct {
	oe_indicator_row row;	/* the caller's view */
	int source;		/* 0: a field, 1: the text */
	oe_report_stats others; /* other reports of it (duplicates, rejected left out) */
	int64_t events, partner_events, sightings;
	const char *warninglist;
} oe_report_indicator;

typedef struct {
	oe_report_row r;
	oe_report_ident_row *idents;
	size_t nidents;
	oe_report_message_row *messages;
	size_t nmessages;
	oe_report_file_row *files;
	size_t nfiles;
	oe_report_history_row *history;
	size_t nhistory;
	oe_report_indicator *indicators;
	size_t nindicators;
} oe_report_detail;

/* id is "report--<uuid>". OE_ENOTFOUND, OE_EPERM. */
int oe_svc_report_get(oe_ctx *c, const char *id, oe_report_detail *out);

/* A change; what is not set stays. */
typedef struct {
	int status;   /* -1: keep */
	int category; /* -1: keep (a new category moves the deadline) */
	int tlp;      /* -1: keep */
	bool set_assignee;
	const char *assignee; /* NULL or "": nobody */
	int reward;	      /* -1: keep; OE_RW_NONE withdraws, ELIGIBLE, PAID */
	const char *reward_amount, *reward_currency;
} oe_report_patch;

/* OE_EINVAL with *why (English, for analysts) for a transition the
 * workflow does not allow. */
int oe_svc_report_patch(oe_ctx *c, const char *id, const oe_report_patch *p, const char **why);
/* A message the reporter sees on follow-up. */
int oe_svc_report_message(oe_ctx *c, const char *id, const char *body, const char **why);
/* Mark report id a duplicate of report into: it is closed, its indicators
 * are linked to into, and it no longer counts in correlations. */
int oe_svc_report_merge(oe_ctx *c, const char *id, const char *into, const char **why);
/* Open the sealed contact and payout details (either may come back NULL):
 * admins only, with a reason that goes into the audit log. OE_ENOTFOUND
 * with *why when the intake key is not on this server. */
int oe_svc_report_reveal(oe_ctx *c, const char *id, const char *reason, char **contact,
			 char **payout, const char **why);
/* An evidence file by its SHA-256 (malloc'd, the caller frees); *mime and
 * *name (may be NULL) in the arena. */
int oe_svc_evidence_get(oe_ctx *c, const char *sha, char **data, size_t *len, const char **mime,
			const char **name);

/* The scheduler's pass: log each newly overdue report once, erase reports
 * past retention. Counts what it did. */
int oe_svc_report_sweep(oe_ctx *c, oe_time now, size_t *overdue, size_t *erased);
/* The console's dashboard over the last `days` days (1..366). */
#define OE_DASH_TOP_TYPES 4 /* phone, bank account, domain, url */
typedef struct {
	int type;
	oe_report_top *rows; /* visible to the caller only */
	size_t n;
} oe_dash_top;

typedef struct {
	oe_time since, now;
	oe_report_day_count *per_day; /* days since the epoch, category, count */
	size_t nper_day;
	int64_t open[OE_RC__COUNT], overdue[OE_RC__COUNT];
	size_t triaged;			/* reports created since and triaged */
	oe_time triage_p50, triage_p90; /* microseconds from receipt to triage */
	oe_dash_top top[OE_DASH_TOP_TYPES];
} oe_dashboard;

int oe_svc_dashboard(oe_ctx *c, int days, size_t top, oe_dashboard *out);
/* How an indicator (internal id) stands in reports, with the newest limit
 * reports naming it, for the indicator's view. OE_EPERM when the caller
 * may not read reports. */
int oe_svc_reports_of(oe_ctx *c, int64_t indicator_id, size_t limit, oe_report_stats *stats,
		      oe_report_row **rows, size_t *n);
/* Open and overdue reports per category, for /metrics. */
int oe_svc_report_counts(oe_ctx *c, int64_t open[OE_RC__COUNT], int64_t overdue[OE_RC__COUNT]);

#endif
