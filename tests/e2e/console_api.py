#!/usr/bin/env python3
"""The API the analyst console draws from, against a real node:

- GET /api/v1/stats: reports per day and category (every day of the range,
  zeros included), open and overdue counts, time to triage (p50/p90 over
  the triaged reports), the most reported phones / accounts / domains /
  URLs (each visible to the caller, duplicates and rejected reports left
  out), lookup counters; who may read it; bad parameters.
- GET /api/v1/indicators/{id}: the reports naming it (count, categories,
  newest first) for the node's own staff, null for anyone else; events
  marked partner or not.
- /console/: the page, its script, style, chart library and the strings
  of each language, with a policy that lets nothing else run.
"""
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from oe import Node, TAP, run  # noqa: E402

PHONE = "+6281298765432"
ACCOUNT = "ID:014:5550001111"


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


def submit(n, body):
    r = n.post("/public/v1/reports", body, key=None)
    assert r.status == 201, r
    return r.json()


def report_id(n, analyst, receipt_created):
    for r in n.get("/api/v1/reports?sort=created&limit=100", key=analyst).json()["reports"]:
        if r["created"] == receipt_created:
            return r["id"]
    raise AssertionError("report not found")


def main(t):
    n = Node(org="Direktorat Siber", country="ID")
    try:
        run("org", "add", "--data", n.dir, "--name", "Bank Mitra", "--country", "ID")
        analyst = key(n, "Direktorat Siber", "analyst")
        reader = key(n, "Direktorat Siber", "reader")
        bank = key(n, "Bank Mitra", "analyst")
        peer = key(n, "Bank Mitra", "peer")
        n.start("--set", "deadlines.phishing=1s")
        stats(t, n, analyst, reader, bank, peer)
        indicator_reports(t, n, analyst, bank)
        console_files(t, n)
    finally:
        n.close()


def stats(t, n, analyst, reader, bank, peer):
    # The bank's RED value, reported by citizens too: the reports make the
    # node's own assertion of it, which its analysts see.
    red = "+6281111222333"
    r = n.post("/api/v1/indicators", {"value": red, "tlp": "red"}, key=bank)
    t.eq(r.status, 201, "the bank stores a RED phone")

    subs = []
    for i in range(3):
        subs.append(submit(n, {"category": "telecom_fraud", "description": f"Fake bank call number {i}",
                               "identifiers": [{"kind": "phone", "value": PHONE},
                                               {"kind": "bank_account", "value": "5550001111", "bank": "BCA"}]}))
    subs.append(submit(n, {"category": "phishing", "description": "A phishing link came by SMS",
                           "identifiers": [{"kind": "url", "value": "https://login-bca.example/x"}]}))
    for i in range(4):
        subs.append(submit(n, {"category": "online_scam", "description": f"Seller vanished, case {i}",
                               "identifiers": [{"kind": "phone", "value": red}]}))
    time.sleep(1.2)  # the phishing report's deadline (1 s) passes

    r = n.get("/api/v1/stats?days=7", key=analyst)
    t.eq(r.status, 200, "an analyst reads the dashboard's figures")
    s = r.json()
    d = s["reports_per_day"]
    t.eq(len(d["dates"]), 7, "seven days asked, seven dates")
    t.eq(d["dates"][-1], time.strftime("%Y-%m-%d", time.gmtime()), "the last date is today (UTC)")
    t.ok(all(len(v) == 7 for v in d["by_category"].values()) and len(d["by_category"]) == 10,
         "every category has a count for every day, zeros included")
    t.eq((d["by_category"]["telecom_fraud"][-1], d["by_category"]["phishing"][-1],
          d["by_category"]["online_scam"][-1], sum(d["by_category"]["telecom_fraud"][:-1])),
         (3, 1, 4, 0), "today's reports are counted under their categories, earlier days are zero")
    t.eq(d["total"], 8, "the total is every report of the range")
    t.eq((s["open"]["total"], s["open"]["overdue"], s["open"]["overdue_by_category"]["phishing"]),
         (8, 1, 1), "open and overdue counts: the phishing report is past its deadline")
    t.eq(s["time_to_triage"], {"count": 0, "p50_seconds": None, "p90_seconds": None},
         "nothing triaged yet: no time to triage")

    tops = s["top_reported"]
    t.eq(sorted(tops), ["bank-account", "domain", "phone", "url"], "top lists for phones, accounts, domains, URLs")
    t.eq([(x["value"], x["reports"]) for x in tops["phone"]], [(red, 4), (PHONE, 3)],
         "the most reported phones, most first, with their counts")
    t.ok(tops["phone"][0]["id"].startswith("indicator--"), "each top value links to its indicator")
    t.eq([(x["value"], x["reports"]) for x in tops["bank-account"]], [(ACCOUNT, 3)],
         "the most reported bank account")
    t.eq([x["value"] for x in tops["url"]], ["https://login-bca.example/x"], "the reported URL")

    # Triage two reports; a duplicate no longer counts in the top list.
    ids = [x["id"] for x in n.get("/api/v1/reports?sort=created&limit=100", key=analyst).json()["reports"]]
    tf = [x for x in ids if n.get("/api/v1/reports/" + x, key=analyst).json()["category"] == "telecom_fraud"]
    time.sleep(0.2)
    for x in tf[:2]:
        r = n.request("PATCH", "/api/v1/reports/" + x, {"status": "triaged"}, key=analyst)
        t.eq(r.status, 200, "an analyst triages a report")
    r = n.post(f"/api/v1/reports/{tf[2]}/merge", {"into": tf[0]}, key=analyst)
    t.eq(r.status, 200, "the third is merged as a duplicate")
    s = n.get("/api/v1/stats?days=1&top=5", key=reader).json()
    tt = s["time_to_triage"]
    t.ok(tt["count"] == 3 and 0.2 <= tt["p50_seconds"] <= tt["p90_seconds"] < 600,
         "time to triage: two triaged and one merged, p50 <= p90, in seconds", tt)
    t.eq([(x["value"], x["reports"]) for x in s["top_reported"]["phone"]], [(red, 4), (PHONE, 2)],
         "a reader reads the figures too; the duplicate is not counted")
    t.eq(len(s["reports_per_day"]["dates"]), 1, "days=1: today only")

    n.get("/api/v1/lookup?value=" + urllib.parse.quote(PHONE), key=analyst)
    n.post("/api/v1/lookup", {"values": [PHONE, "nothing.example"]}, key=analyst)
    s2 = n.get("/api/v1/stats?days=1", key=analyst).json()
    t.eq(s2["lookups_total"] - s["lookups_total"], 3, "lookups are counted (the console charts their rate)")

    # Who may not, and bad parameters.
    r = n.get("/api/v1/stats", key=bank)
    t.eq((r.status, r.json()["error"]["code"]), (403, "forbidden"),
         "another organisation's analyst may not read the node's report figures")
    t.eq(n.get("/api/v1/stats", key=peer).status, 403, "a partner node's key may not either")
    t.eq(n.get("/api/v1/stats", key=None).status, 401, "nor anyone without a key")
    for q in ("days=0", "days=367", "days=x", "top=0", "top=101", "days=7x"):
        r = n.get("/api/v1/stats?" + q, key=analyst)
        t.eq((r.status, r.json()["error"]["code"]), (400, "invalid_parameter"), f"stats?{q} is refused")


def indicator_reports(t, n, analyst, bank):
    hit = n.get("/api/v1/lookup?value=" + urllib.parse.quote(PHONE), key=analyst).json()["hits"][0]["indicator"]
    r = n.get("/api/v1/indicators/" + hit["id"], key=analyst)
    t.eq(r.status, 200, "the reported phone's indicator")
    j = r.json()
    rep = j["reports"]
    t.eq((rep["count"], rep["by_category"]), (2, {"telecom_fraud": 2}),
         "its reports: duplicates left out of the count")
    t.eq(len(rep["recent"]), 3, "the list shows every report naming it, the duplicate too")
    t.ok(any(x["duplicate_of"] for x in rep["recent"]), "the duplicate is marked")
    created = [x["created"] for x in rep["recent"]]
    t.eq(created, sorted(created, reverse=True), "newest first")
    t.eq(j["correlation"]["reports"], 2, "the correlation summary counts the reports")
    t.eq(j["via_peer"], None, "made at this node: no partner node in its provenance")

    # The bank shares the value at GREEN with an event: the bank sees the
    # indicator but not the node's reports.
    r = n.post("/api/v1/indicators", {"value": PHONE, "tlp": "green"}, key=bank)
    t.ok(r.status in (200, 201), "the bank asserts the same phone", r)
    r = n.post("/api/v1/events", {"title": "Bank fraud ring", "tlp": "green", "indicators": [{"value": PHONE}]},
               key=bank)
    t.eq(r.status, 201, "the bank records an event with it")
    j = n.get("/api/v1/indicators/" + hit["id"], key=bank).json()
    t.eq(j["reports"], None, "another organisation sees no citizens' reports (null)")
    t.eq(j["correlation"]["reports"], 0, "nor their count")
    j = n.get("/api/v1/indicators/" + hit["id"], key=analyst).json()
    ev = [e for e in j["events"] if e["title"] == "Bank fraud ring"]
    t.ok(len(ev) == 1 and ev[0]["partner"] is True, "the bank's event is marked as another organisation's", j["events"])
    t.eq(j["correlation"]["partner_events"], 1, "and counted as such")

    # Joint cases that link it: listed for whoever may see the case.
    t.eq(j["cases"], [], "no case links it yet")
    c = n.post("/api/v1/cases", {"title": "Fake bank officer calls", "tlp": "amber"}, key=analyst)
    t.eq(c.status, 201, "an analyst opens a case (AMBER, no group)")
    cid = c.json()["id"]
    r = n.post(f"/api/v1/cases/{cid}/links", {"indicators": [hit["id"]]}, key=analyst)
    t.eq(r.status, 200, "and links the phone to it")
    j = n.get("/api/v1/indicators/" + hit["id"], key=analyst).json()
    t.eq([(x["id"], x["title"], x["status"], x["tlp"]) for x in j["cases"]],
         [(cid, "Fake bank officer calls", "open", "amber")], "the indicator lists the case")
    j = n.get("/api/v1/indicators/" + hit["id"], key=bank).json()
    t.eq(j["cases"], [], "another organisation does not learn of the AMBER case through the indicator")


def console_files(t, n):
    r = n.get("/console/", key=None)
    t.eq(r.status, 200, "the console's page is served without a key (it holds no data)")
    t.ok(r.headers["Content-Type"].startswith("text/html"), "as HTML")
    csp = r.headers.get("Content-Security-Policy", "")
    t.ok("script-src 'self'" in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
         and "unsafe" not in csp, "its policy runs only our own scripts and lets no one frame it", csp)
    t.eq(r.headers.get("X-Frame-Options"), "DENY", "and says so to older browsers")
    for f in ("console.js", "console.css", "chart.umd.min.js"):
        r = n.get("/console/" + f, key=None)
        t.ok(r.status == 200 and len(r.body) > 1000, f"/console/{f} is served")
    keys = None
    for lang in ("id", "en", "zh"):
        r = n.get(f"/console/i18n-{lang}.json", key=None)
        t.eq(r.status, 200, f"the console's {lang} strings")
        k = set(r.json())
        t.ok(all(x.startswith("console.") for x in k) and len(k) > 150, f"{lang}: only the console's strings")
        if keys is not None:
            t.eq(k, keys, f"{lang} has exactly the keys the others have")
        keys = k
    t.eq(n.get("/console/nope.js", key=None).status, 404, "anything else is 404")
    t.eq(n.get("/console/../api/v1/stats", key=None).status in (401, 404), True, "no path tricks")


if __name__ == "__main__":
    t = TAP()
    t.run(main)
