"""The public reporting channel end to end: a citizen reports (JSON and
multipart with evidence), follows up with the receipt, talks with an
analyst, claims a reward; analysts triage, merge, reveal; the public check
counts; bad input and wrong receipts are refused; and nothing that
identifies the reporter is left in plain text anywhere on disk."""
import glob
import hashlib
import json
import os
import re
import sqlite3
import struct
import time
import uuid
import zlib

from oe import Node, TAP, run

SAMPLE_PHONE = "0812-3456-7890"          # the suspect's number, as citizens write it
SAMPLE_PHONE_E164 = "+6281234567890"
REPORTER_EMAIL = "siti.reporter.7731@example.org"
REPORTER_PHONE = "+62 857 1111 2299"
PAYOUT = "BRI 0099887766554433 a/n Siti Reporter"


def png(w=2, h=2):
    """A real PNG image, built here."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files=()):
    """fields: [(name, value)], files: [(name, filename, bytes, ctype)]."""
    b = "----oe" + uuid.uuid4().hex
    out = []
    for k, v in fields:
        out.append(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n".encode() +
                   (v if isinstance(v, bytes) else v.encode()) + b"\r\n")
    for k, fn, data, ct in files:
        out.append(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{fn}\"\r\n"
                   f"Content-Type: {ct}\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{b}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={b}"


def submit(n, body, lang=None, headers=None):
    h = dict(headers or {})
    path = "/public/v1/reports" + (f"?lang={lang}" if lang else "")
    if isinstance(body, tuple):
        data, ct = body
        h["Content-Type"] = ct
        return n.request("POST", path, raw=data, key=None, headers=h)
    return n.post(path, body, key=None, headers=h)


def follow(n, receipt, path="", body=None, lang="en"):
    b = {"receipt": receipt, "lang": lang}
    b.update(body or {})
    return n.post("/public/v1/follow-up" + path, b, key=None)


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


def main(t):
    n = Node(org="Direktorat Siber", country="ID")
    try:
        run("org", "add", "--data", n.dir, "--name", "Bank Mitra", "--country", "ID")
        analyst = key(n, "Direktorat Siber", "analyst")
        reader = key(n, "Direktorat Siber", "reader")
        bank = key(n, "Bank Mitra", "analyst")
        peer = key(n, "Bank Mitra", "peer")
        n.start("--set", "reports.sweep_interval=1s", "--set", "deadlines.telecom_fraud=2s",
                "--set", "public.followup_failures=1000", "--set", "public.prefix_failures=1000")
        flow(t, n, analyst, reader, bank, peer)
        bad_input(t, n)
        privacy(t, n)
    finally:
        n.close()
    limits(t)
    retention(t)


def flow(t, n, analyst, reader, bank, peer):
    # --- a report as JSON ---------------------------------------------------
    r = submit(n, {"category": "online_scam",
                   "description": f"Penjual di marketplace menelepon dari {SAMPLE_PHONE} dan minta transfer "
                                  "ke BCA 1234567890. Tautan: hxxps://toko-murah-sekali[.]com/bayar",
                   "occurred_at": "2026-11-20",
                   "loss": {"amount": "1.500.000", "currency": "idr"},
                   "identifiers": [{"kind": "phone", "value": "0812 3456 7890"},
                                   {"kind": "bank_account", "value": "1234567890", "bank": "BCA"},
                                   {"kind": "social", "value": "@tokomurah", "platform": "instagram"}],
                   "contact": f"{REPORTER_EMAIL} / {REPORTER_PHONE}", "lang": "en"})
    j = r.json()
    t.eq(r.status, 201, "a JSON report is accepted")
    t.ok(re.fullmatch(r"\d{16}", j.get("receipt", "")), "the answer carries a 16-digit receipt", j)
    t.eq((j.get("status"), sorted(j)), ("new", ["created", "due_at", "message", "receipt", "status"]),
         "the answer says new and names no report id")
    created = time.mktime(time.strptime(j["created"][:19], "%Y-%m-%dT%H:%M:%S"))
    due = time.mktime(time.strptime(j["due_at"][:19], "%Y-%m-%dT%H:%M:%S"))
    t.eq(due - created, 24 * 3600, "an online scam is due in 24 hours")
    r1 = j["receipt"]
    t.ok(r.headers.get("Content-Security-Policy", "").startswith("default-src 'none'")
         and "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
         and r.headers.get("Cache-Control") == "no-store"
         and r.headers.get("Referrer-Policy") == "no-referrer"
         and r.headers.get("X-Content-Type-Options") == "nosniff",
         "the public API sends CSP, no-store, no-referrer and nosniff", dict(r.headers))

    # --- a report as multipart with evidence -----------------------------------
    img = png()
    body = multipart([("category", "telecom_fraud"), ("lang", "id"),
                      ("description", "Ditelepon oleh 0812 3456 7890 mengaku petugas bank, minta kode OTP."),
                      ("ident_kind", "phone"), ("ident_value", "+62 812-3456-7890"), ("ident_qualifier", ""),
                      ("ident_kind", "email"), ("ident_value", ""), ("ident_qualifier", ""),
                      ("contact", "")],
                     [("evidence", "tangkapan layar.png", img, "image/png"),
                      ("evidence", "", b"", "application/octet-stream")])
    r = submit(n, body)
    j2 = r.json()
    t.eq(r.status, 201, "a multipart report with an image is accepted")
    r2 = j2.get("receipt")
    sha = hashlib.sha256(img).hexdigest()
    t.ok(os.path.exists(os.path.join(n.dir, "evidence", sha[:2], sha)),
         "the image is stored under its SHA-256")

    # A third report of the same number, written yet another way.
    r3 = submit(n, {"category": "telecom_fraud", "description": "Nomor 6281234567890 menipu ibu saya.",
                    "lang": "zh"}).json()["receipt"]

    # --- the analysts' queue ----------------------------------------------------
    q = n.get("/api/v1/reports?sort=due", key=analyst).json()["reports"]
    t.eq([x["category"] for x in q], ["telecom_fraud", "telecom_fraud", "online_scam"],
         "the queue is ordered by deadline")
    ids = {x["category"]: x["id"] for x in q}
    scam = [x for x in q if x["category"] == "online_scam"][0]["id"]
    tel1, tel2 = [x["id"] for x in q if x["category"] == "telecom_fraud"]
    t.eq(n.get("/api/v1/reports?category=online_scam", key=analyst).json()["reports"][0]["id"], scam,
         "the queue filters by category")
    page = n.get("/api/v1/reports?sort=due&limit=2", key=analyst).json()
    page2 = n.get("/api/v1/reports?sort=due&limit=2&cursor=" + page["next"], key=analyst).json()
    t.eq([x["id"] for x in page["reports"] + page2["reports"]], [x["id"] for x in q],
         "the queue pages with a cursor, no report lost or repeated")
    t.eq(n.get("/api/v1/reports", key=reader).status, 200, "a reader of the operator may read the queue")
    for who, k in (("another organisation's analyst", bank), ("a peer", peer)):
        t.eq(n.get("/api/v1/reports", key=k).status, 403, f"{who} may not read reports")
        t.eq(n.get(f"/api/v1/reports/{scam}", key=k).status, 403, f"{who} may not read a report")

    d = n.get(f"/api/v1/reports/{scam}", key=analyst).json()
    vals = {(x["type"], x["value"]): x for x in d["extracted"]}
    t.ok(("phone", SAMPLE_PHONE_E164) in vals and ("bank-account", "ID:014:1234567890") in vals,
         "the phone and the BCA account are extracted and canonicalised", d["extracted"])
    t.eq(vals.get(("phone", SAMPLE_PHONE_E164), {}).get("source"), "field",
         "a value typed in a field is marked as from a field")
    t.eq(vals.get(("phone", SAMPLE_PHONE_E164), {}).get("correlations", {}).get("other_reports", {}).get("reports"),
         2, "the number is in 2 other reports")
    t.eq(d["loss"], {"amount": "1500000", "currency": "IDR"}, "the loss is normalised")
    t.eq([(x["kind"], x["value"], x.get("qualifier")) for x in d["identifiers"]],
         [("phone", "0812 3456 7890", None), ("bank_account", "1234567890", "BCA"),
          ("social", "@tokomurah", "instagram")], "identifiers are kept as typed")
    t.ok(d["has_contact"] and REPORTER_EMAIL not in json.dumps(d), "the contact is sealed, not shown")
    look = n.get("/api/v1/lookup?value=081234567890", key=bank).json()
    t.ok(not look.get("match"), "reported indicators are AMBER: another organisation does not see them", look)
    deadline = time.time() + 5  # lookups follow the store within a refresh of the matcher
    while time.time() < deadline:
        look = n.get("/api/v1/lookup?value=081234567890", key=analyst).json()
        if look.get("match"):
            break
        time.sleep(0.05)
    t.ok(look.get("match") and "reported" in look["hits"][0]["indicator"]["tags"],
         "the operator's analysts see one indicator tagged reported", look)

    d2 = n.get(f"/api/v1/reports/{tel1}", key=analyst).json()
    ev = [e for x in (d2, n.get(f"/api/v1/reports/{tel2}", key=analyst).json()) for e in x["evidence"]]
    t.eq([(e["sha256"], e["type"], e["name"]) for e in ev], [(sha, "image/png", "tangkapan layar.png")],
         "the report lists its evidence, typed by content; the empty file input is ignored")
    f = n.get(f"/api/v1/evidence/{sha}", key=analyst)
    t.ok(f.status == 200 and f.headers.get("Content-Disposition", "").startswith("attachment")
         and f.headers.get("Content-Type") == "image/png", "evidence downloads as an attachment", dict(f.headers))
    t.eq(n.get(f"/api/v1/evidence/{sha}", key=bank).status, 403, "another organisation may not download evidence")
    t.eq(n.get("/api/v1/evidence/" + "0" * 64, key=analyst).status, 404, "an unknown file is 404")

    # --- the public check ---------------------------------------------------------
    c = n.get("/public/v1/check?value=0812-3456-7890&lang=en", key=None).json()
    t.eq((c["type"], c["value"], c["reported"], c["reports"], c["categories"], c["verified"]),
         ("phone", SAMPLE_PHONE_E164, True, 3, {"online_scam": 1, "telecom_fraud": 2}, False),
         "the check counts 3 reports of the number by category")
    t.ok(c.get("advice") and "description" not in c and "reports" in c, "the check gives advice, no content")
    c = n.get("/public/v1/check?value=never-reported.example", key=None).json()
    t.eq((c["reported"], c["reports"], c["first_reported"]), (False, 0, None), "an unknown value is not reported")
    r = n.get("/public/v1/check?value=999.1.1.1&lang=en", key=None)
    t.eq((r.status, r.json()["error"]["code"]), (400, "invalid_value"), "a value that is nothing is 400")
    n.post("/api/v1/indicators", {"value": "published-scam.example", "tlp": "clear"}, key=bank)
    c = n.get("/public/v1/check?value=published-scam.example", key=None).json()
    t.eq((c["reported"], c["clear_sources"], c["verified"]), (True, 1, True),
         "a partner's TLP:CLEAR indicator counts in the check")
    n.post("/api/v1/indicators", {"value": "amber-only.example", "tlp": "amber"}, key=bank)
    c = n.get("/public/v1/check?value=amber-only.example", key=None).json()
    t.eq((c["reported"], c["clear_sources"]), (False, 0), "an AMBER indicator says nothing to the public")

    # --- follow-up, messages, reward ---------------------------------------------------
    fu = follow(n, r1)
    t.eq((fu.status, fu.json()["status"], fu.json()["messages"], fu.json()["reward"]["state"]),
         (200, "new", [], "none"), "the reporter follows up with the receipt")
    t.eq(follow(n, " ".join(r1[i:i + 4] for i in range(0, 16, 4))).status, 200,
         "a receipt typed in groups of four works too")
    m = n.post(f"/api/v1/reports/{scam}/messages", {"body": "Terima kasih. Apakah Anda punya bukti transfer?"},
               key=analyst)
    t.eq(m.status, 201, "an analyst writes to the reporter")
    t.eq(n.post(f"/api/v1/reports/{scam}/messages", {"body": "x"}, key=reader).status, 403,
         "a reader may not write to the reporter")
    msgs = follow(n, r1).json()["messages"]
    t.eq([(x["from"], x["body"]) for x in msgs], [("analyst", "Terima kasih. Apakah Anda punya bukti transfer?")],
         "the reporter sees the analyst's message, unnamed")
    body = multipart([("receipt", r1), ("message", "Ya, ini bukti transfernya. Pelaku juga pakai 0813-9999-0000.")],
                     [("evidence", "bukti.txt", "Transfer Rp1.500.000 ke BCA 1234567890\n".encode(), "text/plain")])
    rep = n.request("POST", "/public/v1/follow-up/messages", raw=body[0], key=None,
                    headers={"Content-Type": body[1]})
    t.eq(rep.status, 201, "the reporter replies with a file")
    d = n.get(f"/api/v1/reports/{scam}", key=analyst).json()
    t.eq([(x["from"], x["files"]) for x in d["conversation"]], [("analyst", 0), ("reporter", 1)],
         "the analyst sees the reply and its file")
    t.ok(any(x["value"] == "+6281399990000" and x["source"] == "text" for x in d["extracted"]),
         "a number in the reply is extracted too", d["extracted"])

    t.eq(follow(n, r1, "/claim", {"payout": PAYOUT}).json()["error"]["code"], "not_claimable",
         "no payout before a reward is eligible")
    p = n.request("PATCH", f"/api/v1/reports/{scam}",
                  {"status": "actioned", "reward": {"state": "eligible", "amount": "250000", "currency": "IDR"}},
                  key=analyst)
    t.eq((p.status, p.json().get("status"), p.json().get("reward")),
         (200, "actioned", {"state": "eligible", "amount": "250000", "currency": "IDR"}),
         "an analyst marks the report actioned and reward-eligible")
    t.eq(follow(n, r1).json()["reward"], {"state": "eligible", "amount": "250000", "currency": "IDR"},
         "the reporter sees the reward")
    cl = follow(n, r1, "/claim", {"payout": PAYOUT})
    t.eq((cl.status, cl.json()["reward"]["state"]), (200, "claimed"), "the reporter claims it with payout details")
    t.eq(n.request("PATCH", f"/api/v1/reports/{scam}", {"reward": {"state": "paid"}}, key=analyst).json()
         .get("reward", {}).get("state"), "paid", "the analyst marks it paid")
    t.eq(follow(n, r1).json()["reward"]["state"], "paid", "the reporter sees it paid")
    c = n.get("/public/v1/check?value=081234567890", key=None).json()
    t.eq(c["verified"], True, "an actioned report makes the number verified")

    rv = n.post(f"/api/v1/reports/{scam}/reveal", {"reason": ""}, key=n.key)
    t.eq(rv.status, 400, "a reveal needs a reason")
    t.eq(n.post(f"/api/v1/reports/{scam}/reveal", {"reason": "call back"}, key=analyst).status, 403,
         "an analyst may not reveal")
    rv = n.post(f"/api/v1/reports/{scam}/reveal", {"reason": "victim interview for case 17/XI"}, key=n.key)
    t.eq((rv.status, rv.json().get("contact"), rv.json().get("payout")),
         (200, f"{REPORTER_EMAIL} / {REPORTER_PHONE}", PAYOUT), "an admin reveals contact and payout")
    db = sqlite3.connect(os.path.join(n.dir, "oureyes.db"))
    audit = db.execute("SELECT actor, object, detail FROM audit WHERE action='report.reveal'").fetchall()
    t.eq([(o, dt) for _, o, dt in audit], [(scam, "victim interview for case 17/XI")],
         "the reveal and its reason are in the audit log")
    t.ok(db.execute("SELECT count(*) FROM audit WHERE action='report.read' AND object=?", (scam,)).fetchone()[0] > 0,
         "reading a report is audited")
    db.close()

    # --- the workflow -----------------------------------------------------------------
    w = n.request("PATCH", f"/api/v1/reports/{scam}", {"status": "triaged"}, key=analyst)
    t.eq((w.status, w.json()["error"]["code"]), (400, "invalid_change"), "status does not move backwards")
    t.eq(n.request("PATCH", f"/api/v1/reports/{scam}", {"status": "closed"}, key=reader).status, 403,
         "a reader may not change a report")
    t.eq(n.request("PATCH", f"/api/v1/reports/{scam}", {"colour": "red"}, key=analyst).status, 400,
         "an unknown field is refused")
    t.eq(n.request("PATCH", f"/api/v1/reports/{scam}", {"status": "closed"}, key=analyst).json()["status"], "closed",
         "actioned moves to closed")
    t.eq(n.request("PATCH", f"/api/v1/reports/{scam}", {"status": "rejected"}, key=analyst).status, 400,
         "a closed report cannot be rejected")
    t.eq(n.request("PATCH", f"/api/v1/reports/{scam}", {"status": "investigating"}, key=analyst).json()["status"],
         "investigating", "a closed report can be reopened")
    h = n.get(f"/api/v1/reports/{scam}", key=analyst).json()["history"]
    t.eq([(x["field"], x["old"], x["new"]) for x in h if x["field"] == "status"],
         [("status", None, "new"), ("status", "new", "actioned"), ("status", "actioned", "closed"),
          ("status", "closed", "investigating")], "every status change is in the history")

    # --- duplicates -----------------------------------------------------------------------
    mg = n.post(f"/api/v1/reports/{tel2}/merge", {"into": tel1}, key=analyst)
    t.eq((mg.status, mg.json().get("duplicate_of"), mg.json().get("status")), (200, tel1, "closed"),
         "a duplicate is merged and closed")
    t.eq(n.get("/public/v1/check?value=081234567890", key=None).json()["reports"], 2,
         "a merged duplicate no longer counts")
    t.eq(n.post(f"/api/v1/reports/{tel1}/merge", {"into": tel2}, key=analyst).status, 400,
         "a report cannot be merged into its own duplicate")

    # --- deadlines ----------------------------------------------------------------------
    time.sleep(3.5)  # telecom fraud is due in 2 s here; the sweep runs every second
    od = n.get("/api/v1/reports?overdue=true", key=analyst).json()["reports"]
    t.eq([x["id"] for x in od], [tel1], "the open telecom report is overdue; its closed duplicate is not")
    met = n.get("/metrics").body
    t.ok('oureyes_reports_overdue{category="telecom_fraud"} 1' in met and
         'oureyes_reports_open{category="online_scam"} 1' in met, "/metrics shows open and overdue per category",
         "\n".join(l for l in met.splitlines() if "reports" in l))
    logged = [l for l in n.log if "report overdue" in l]
    t.eq(len([l for l in logged if tel1 in l]), 1, "an overdue report is logged once")

    # --- what peers get -------------------------------------------------------------------
    ex = n.get("/api/v1/export?format=stix").body
    t.ok("Penjual di marketplace" not in ex and "report--" not in ex and "tokomurah" not in ex,
         "an export carries indicators, never report text")
    t.eq(n.get("/public/v1/follow-up?receipt=" + r1, key=None).status, 405,
         "follow-up takes the receipt only in a POST body")
    import base64
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    r = submit(n, {"category": "phishing", "description": "link in SMS",
                   "evidence": [{"name": "sms.gif", "content_base64": base64.b64encode(gif).decode()}]})
    t.eq(r.status, 201, "a JSON report may carry evidence as base64")
    gsha = hashlib.sha256(gif).hexdigest()
    t.ok(os.path.exists(os.path.join(n.dir, "evidence", gsha[:2], gsha)), "the JSON evidence is stored by SHA-256")
    rj = follow(n, r.json()["receipt"], "/messages",
                {"message": "one more", "evidence": [{"name": "t.txt", "content_base64": base64.b64encode(b"more text").decode()}]})
    t.eq((rj.status, rj.json()["messages"][-1]["files"]), (201, 1), "a JSON reply may carry evidence too")
    bad = submit(n, {"category": "phishing", "description": "x", "evidence": [{"content_base64": "!!!"}]})
    t.eq((bad.status, bad.json()["error"]["code"]), (400, "bad_form"), "evidence that is not base64 is refused")
    n.r1, n.r2, n.r3 = r1, r2, r3


def bad_input(t, n):
    before = len(n.get("/api/v1/reports?limit=1000").json()["reports"])
    files_before = sorted(glob.glob(os.path.join(n.dir, "evidence", "*", "*")))
    r = submit(n, {"description": "x"}, lang="en")
    t.eq((r.status, r.json()["error"]["code"], r.json()["error"]["field"]), (400, "missing", "category"),
         "a missing category is named")
    msgs = {l: submit(n, {"description": "x"}, lang=l).json()["error"]["message"] for l in ("id", "en", "zh")}
    t.ok(len(set(msgs.values())) == 3 and all(m != "err.missing" for m in msgs.values()),
         "the error is in the reporter's language", msgs)
    zh = submit(n, {"description": "x"}, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    t.eq(zh.json()["error"]["message"], msgs["zh"], "Accept-Language picks the language")
    t.eq(submit(n, {"category": "lottery", "description": "x"}).json()["error"]["code"], "unknown_category",
         "an unknown category is refused")
    t.eq(submit(n, {"category": "other"}).json()["error"]["field"], "description", "a missing description is named")
    r = submit(n, {"category": "other", "description": "a" * (5 * 1024 * 1024)})
    t.eq((r.status, r.json()["error"]["code"]), (400, "too_long"), "a 5 MB description is too long")
    body = multipart([("category", "other"), ("description", b"caf\xe9 \xff\xfe")])
    r = submit(n, body)
    t.eq((r.status, r.json()["error"]["code"]), (400, "invalid_utf8"), "invalid UTF-8 is refused")
    exe = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    r = submit(n, multipart([("category", "malware"), ("description", "attached the dropper")],
                            [("evidence", "a.png", png(), "image/png"), ("evidence", "x.png", exe, "image/png")]))
    t.eq((r.status, r.json()["error"]["code"], r.json()["error"]["index"]), (400, "file_type", 1),
         "a file that is not what it claims is refused, by position")
    r = submit(n, multipart([("category", "phishing"), ("description", "page")],
                            [("evidence", "p.html", b"<html><script>alert(1)</script></html>", "text/plain")]))
    t.eq(r.json()["error"]["code"], "file_type", "HTML sent as text is refused")
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    r = submit(n, multipart([("category", "other"), ("description", "big")], [("evidence", "b.pdf", big, "application/pdf")]))
    t.eq(r.json()["error"]["code"], "file_too_large", "a file over 10 MB is refused")
    six = [("evidence", f"{i}.png", png(i + 1, 1), "image/png") for i in range(6)]
    r = submit(n, multipart([("category", "other"), ("description", "many")], six))
    t.eq(r.json()["error"]["code"], "too_many", "a sixth file is refused")
    r = submit(n, {"category": "other", "description": "x", "identifiers": [{"kind": "phone", "value": "12"}]})
    t.eq((r.json()["error"]["code"], r.json()["error"]["index"]), ("invalid_ident", 0), "a phone that is not one is refused")
    r = submit(n, {"category": "other", "description": "x", "loss": {"amount": "lots", "currency": "IDR"}})
    t.eq(r.json()["error"]["code"], "invalid_amount", "an amount that is not a number is refused")
    r = submit(n, {"category": "other", "description": "x", "occurred_at": "2099-01-01"})
    t.eq(r.json()["error"]["code"], "invalid_date", "a date in the future is refused")
    r = n.request("POST", "/public/v1/reports", raw=b"{not json", key=None, headers={"Content-Type": "application/json"})
    t.eq((r.status, r.json()["error"]["code"]), (400, "bad_form"), "a broken body is refused")
    r = n.request("POST", "/public/v1/reports", raw=b"category=other", key=None,
                  headers={"Content-Type": "text/xml"})
    t.eq(r.status, 400, "an unsupported content type is refused")
    r = n.request("POST", "/public/v1/reports", raw=b"x" * (57 * 1024 * 1024), key=None,
                  headers={"Content-Type": "application/octet-stream"})
    t.eq(r.status, 413, "a body over public.max_report_body is 413")
    t.eq(len(n.get("/api/v1/reports?limit=1000").json()["reports"]), before, "no refused report was stored")
    t.eq(sorted(glob.glob(os.path.join(n.dir, "evidence", "*", "*"))), files_before,
         "no file of a refused report was kept")
    r = follow(n, "0000000000000000")
    t.eq((r.status, r.json()["error"]["code"]), (404, "bad_receipt"), "a wrong receipt is 404")
    t.eq(follow(n, "12345").json()["error"]["code"], "bad_receipt", "a malformed receipt is the same 404")


def privacy(t, n):
    """After everything above: no reporter's email, phone, payout or receipt in
    plain text in the data directory or the log."""
    n.stop()
    blobs = []
    for f in glob.glob(os.path.join(n.dir, "**"), recursive=True):
        if os.path.isfile(f):
            with open(f, "rb") as fh:
                blobs.append((f, fh.read()))
    blobs.append(("log", "".join(n.log).encode()))
    secrets = [REPORTER_EMAIL, REPORTER_PHONE, PAYOUT, "0099887766554433", n.r1, n.r2, n.r3]
    found = [(os.path.basename(f), s) for f, b in blobs for s in secrets if s.encode() in b]
    t.eq(found, [], "no reporter data or receipt is stored or logged in plain text")
    n.start()


def limits(t):
    n = Node(org="Limits", country="ID")
    try:
        n.start("--set", "public.followup_failures=3", "--set", "public.report_rate=2", "--set", "public.rate=1000")
        rc = submit(n, {"category": "other", "description": "first"}).json()["receipt"]
        codes = [follow(n, "1111222233334444").status for _ in range(3)]
        r = follow(n, "1111222233334445")
        t.eq((codes, r.status), ([404, 404, 404], 429), "wrong receipts are limited per address")
        t.ok(int(r.headers.get("Retry-After", "0")) > 0, "429 says when to retry", dict(r.headers))
        t.eq(follow(n, rc).status, 429, "the address stays refused for a while, even with a right receipt")
        t.eq(submit(n, {"category": "other", "description": "second"}).status, 201, "a second report is fine")
        r = submit(n, {"category": "other", "description": "third"})
        t.eq((r.status, r.json()["error"]["code"]), (429, "rate_limited"), "reports per address are limited")
    finally:
        n.close()
    n = Node(org="Limits3", country="ID")
    try:
        n.start("--set", "public.followup_failures=2", "--set", "public.rate=1000")
        form = b"receipt=9999888877776666&lang=en"
        st = [n.request("POST", "/follow-up", raw=form, key=None,
                        headers={"Content-Type": "application/x-www-form-urlencoded"}).status for _ in range(3)]
        t.eq(st, [404, 404, 429], "the follow-up page counts wrong receipts too")
        t.eq(follow(n, "1234123412341234").status, 429, "the page and the API share one count")
    finally:
        n.close()
    n = Node(org="Limits2", country="ID")
    try:
        n.start("--set", "public.rate=5")
        st = [n.get("/public/v1/check?value=example.com", key=None).status for _ in range(8)]
        t.ok(st[:5] == [200] * 5 and 429 in st[5:], "public requests are limited per address", st)
        t.eq(n.get("/healthz", key=None).status, 200, "the limit is only on the public channel")
    finally:
        n.close()


def retention(t):
    n = Node(org="Retention", country="ID")
    try:
        analyst = key(n, "Retention", "analyst")
        n.start("--set", "reports.retention=2s", "--set", "reports.sweep_interval=1s")
        img = png(3, 3)
        sha = hashlib.sha256(img).hexdigest()
        rc = submit(n, multipart([("category", "phishing"), ("description", "phish from 0812-7777-1111"),
                                  ("contact", REPORTER_EMAIL)], [("evidence", "s.png", img, "image/png")])).json()["receipt"]
        rid = n.get("/api/v1/reports", key=analyst).json()["reports"][0]["id"]
        n.request("PATCH", f"/api/v1/reports/{rid}", {"status": "closed"}, key=analyst)
        path = os.path.join(n.dir, "evidence", sha[:2], sha)
        t.ok(os.path.exists(path), "the evidence is on disk while the report is kept")
        deadline = time.time() + 15
        d = {}
        while time.time() < deadline:
            d = n.get(f"/api/v1/reports/{rid}", key=analyst).json()
            if d.get("erased"):
                break
            time.sleep(0.5)
        t.ok(d.get("erased") and d["description"] is None and d["evidence"] == [] and not d["has_contact"],
             "past retention the text, evidence and contact are erased", d)
        t.ok(not os.path.exists(path), "the evidence file is gone from disk")
        t.eq([x["value"] for x in d["extracted"]], ["+6281277771111"], "the indicators stay linked")
        c = n.get("/public/v1/check?value=081277771111", key=None).json()
        t.eq(c["reports"], 1, "the report still counts in the check")
        t.eq(follow(n, rc).json().get("status"), "closed", "the reporter can still see the outcome")
        n.stop()
        raw = b""
        for f in ("oureyes.db", "oureyes.db-wal"):
            p = os.path.join(n.dir, f)
            if os.path.exists(p):
                raw += open(p, "rb").read()
        t.ok(b"phish from" not in raw, "the erased text is not left in the database file")
        n.start()
    finally:
        n.close()


if __name__ == "__main__":
    TAP().run(main)
