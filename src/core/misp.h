/* misp.h - MISP events and feeds in, MISP events out.
 *
 * One MISP event ({"Event":{...}}) becomes one oe_event_in: info is its
 * title, uuid its ext_id, Orgc.name (else Org.name) its org, date its
 * creation time, its tags (other than TLP) its tags. Its attributes, from
 * Event.Attribute and Event.Object[].Attribute, become the event's
 * indicators:
 *
 *   ip-src, ip-dst, ip-src|port, ip-dst|port  ipv4 / ipv6 / cidr (by form)
 *   domain, hostname, hostname|port            domain
 *   domain|ip                                  domain and the address
 *   url                                        url
 *   email, email-src, email-dst, email-reply-to,
 *   whois-registrant-email                     email
 *   md5, sha1, sha256 and filename|md5 / |sha1 / |sha256   the hash
 *   phone-number, whois-registrant-phone, prtn phone
 *   btc, xmr, dash                             crypto-wallet (refused when
 *                                              the canonicaliser does not
 *                                              know the address form)
 *   iban, bank-account-nr                      bank-account (through the
 *                                              canonicaliser, which needs a
 *                                              form that names the bank)
 *
 * Every other type (link and uri included: a link points at a write-up, a
 * uri is usually a path without a host) is skipped and counted. A value of
 * a mapped type that does not canonicalise is refused, its uuid as the ref.
 * Deleted attributes are skipped.
 *
 * Per attribute: uuid -> ext_id, comment -> description, first_seen,
 * last_seen, timestamp -> modified. TLP comes from "tlp:*" tags: the
 * attribute's own win over the event's; with several, the strictest. Tags:
 * the event's non-TLP tags plus the attribute's. to_ids false keeps the
 * attribute but tags it OE_MISP_TAG_NOT_IDS, so block lists can leave it
 * out (MISP's own defaults mark phone numbers that way, and a fraud node
 * needs them). distribution is ignored: TLP decides sharing here. MISP has
 * no confidence or expiry per attribute; those stay unset. */
#ifndef OE_MISP_H
#define OE_MISP_H

#include <jansson.h>

#include "ioc.h"
#include "record.h"

/* Attributes (direct and in objects together) in one event. The largest
 * public feed events (CIRCL OSINT) hold some tens of thousands. */
#define OE_MISP_MAX_ATTRIBUTES 500000
/* Objects in one event. */
#define OE_MISP_MAX_OBJECTS 100000
/* Bytes of one event file in a feed: the largest events in public feeds
 * are around 30 MB of JSON; twice that leaves room, and a file bigger is
 * more likely a mistake than an event. */
#define OE_MISP_FILE_MAX ((size_t)64 << 20)
/* Bytes of manifest.json: about 600 bytes per event. */
#define OE_MISP_MANIFEST_MAX ((size_t)64 << 20)
/* Events listed in one manifest. */
#define OE_MISP_FEED_MAX_EVENTS 100000

/* The tag an attribute with to_ids false carries here. */
#define OE_MISP_TAG_NOT_IDS "misp:to_ids=\"false\""

/* Parse one MISP event (len bytes at buf) into out as one event. Returns 0
 * when the event was read (refused attributes are in out->errors), or
 * OE_EINVAL when it is not JSON or has no "Event" object, OE_ETOOBIG past a
 * limit or when out is full, OE_ENOMEM; err says why. */
int oe_misp_parse_event(const char *buf, size_t len, const oe_canon_opts *o, oe_import_set *out,
			char *err, size_t errcap);

/* Read a MISP feed directory: dir/manifest.json names the events by uuid,
 * each is read from dir/<uuid>.json (hashes.csv is not needed). A listed
 * event whose file is missing, too large or broken is recorded in
 * out->errors with its uuid as ref, and the others are imported. A
 * manifest key that is not a uuid is refused (it would name a path).
 * Returns 0, or OE_EINVAL/OE_EIO/OE_ETOOBIG when the manifest itself cannot
 * be read, OE_ETOOBIG/OE_ENOMEM when out is full; err says why. */
int oe_misp_parse_feed_dir(const char *dir, const oe_canon_opts *o, oe_import_set *out, char *err,
			   size_t errcap);

/* A MISP event ({"Event":{...}}) holding the n indicators of v as
 * attributes, tagged with their TLP, that oe_misp_parse_event reads back
 * with the same type, value, TLP, tags, description, first_seen,
 * last_seen and modified. The attribute uuid is the uuid of the
 * indicator's stix_id. uuid and info are required; org_name / org_uuid
 * may be NULL; date 0 means now. New reference, or NULL when out of memory
 * or an argument is invalid. */
json_t *oe_misp_event_json(const char *uuid, const char *info, int tlp, const char *org_name,
			   const char *org_uuid, oe_time date, const oe_indicator_view *v,
			   size_t n);

#endif
