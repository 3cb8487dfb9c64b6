"""Pulling from a partner that misbehaves. The partner is a small TAXII 2.1
server in this script (a broken remote, not a stand-in for our code): it is
down, slow past the timeout, answers garbage, an oversized page or a
malformed envelope, or fails half-way through a collection. Each time the
pull records the error on the peer (GET /api/v1/peers, /metrics), keeps its
cursor and stores nothing of the page that failed; a later good pull
resumes with nothing lost and nothing twice. Also: what the node refuses in
an otherwise good page (RED, no marking, an id not derived from its origin,
a value not canonical), its own objects echoed back, newer and older
versions, and a revocation (docs/sharing.md)."""
import json
import os
import socket
import sqlite3
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from oe import Node, TAP, run

NS = uuid.UUID("6b1f3c52-940e-5a7d-8e21-4d0c3a779b15")  # src/core/uuid.c
PEER_ORG = "identity--0d3c2c0e-7a51-4b8e-9a6f-3c1d2e4f5a6b"
OTHER_ORG = "identity--5f0e7f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
MEDIA = "application/taxii+json;version=2.1"


def secs(stamp):
    """Seconds since the epoch of an RFC 3339 UTC time with milliseconds."""
    return time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone + float("0" + stamp[19:-1])


def ts(us):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us // 1000000)) + ".%06dZ" % (us % 1000000)


def indicator(value, org=PEER_ORG, typ="domain", modified=1_700_000_000_000, marking=GREEN, **kw):
    o = {"type": "indicator", "spec_version": "2.1",
         "id": "indicator--" + str(uuid.uuid5(NS, f"{org}|{typ}:{value}")),
         "created": ts(1_700_000_000_000_000), "modified": ts(modified * 1000),
         "created_by_ref": org, "pattern": f"[domain-name:value = '{value}']", "pattern_type": "stix",
         "valid_from": ts(1_700_000_000_000_000), "object_marking_refs": [marking],
         "x_oureyes_type": typ, "x_oureyes_value": value}
    o.update(kw)
    return o


def identity(org, name, cc):
    return {"type": "identity", "spec_version": "2.1", "id": org, "name": name,
            "identity_class": "organization", "x_oureyes_country": cc,
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z"}


class Partner:
    """A TAXII server whose behaviour the test sets: mode is one of good,
    slow, garbage, oversized, malformed, page2 (good first page, then a
    truncated one), stall (no answer until release is set)."""

    def __init__(self, ident=PEER_ORG):
        self.ident = ident
        self.served = 0  # object pages served in mode page2
        self.mode = "good"
        self.objects = []  # (date_added in microseconds, object)
        self.requests = []
        self.port = None
        self.srv = None
        self.stalled, self.release = threading.Event(), threading.Event()

    def add(self, *objs):
        base = self.objects[-1][0] if self.objects else 1_800_000_000_000_000
        for i, o in enumerate(objs):
            self.objects.append((base + 1000 * (i + 1), o))

    def start(self):
        partner = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, code, body, headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", MEDIA)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass

            def do_GET(self):
                u = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(u.query)
                partner.requests.append((self.headers.get("Authorization"), self.path))
                if u.path == "/taxii2/":
                    return self.send(200, {"title": "partner", "default": "/taxii2/api/",
                                           "api_roots": ["/taxii2/api/"],
                                           "x_oureyes_identity": identity(partner.ident, "SG-CSA", "SG")})
                if u.path == "/taxii2/api/collections/":
                    return self.send(200, {"collections": [
                        {"id": "c1", "title": "community", "can_read": True, "can_write": False},
                        {"id": "c2", "title": "not readable", "can_read": False, "can_write": True}]})
                if u.path != "/taxii2/api/collections/c1/objects/":
                    return self.send(404, {"title": "not found"})
                mode = partner.mode
                if mode == "stall":  # hold the pull until the test lets it go (sched.py)
                    partner.stalled.set()
                    partner.release.wait(60)
                    return self.send(200, {"objects": []})
                if mode == "slow":
                    time.sleep(4)
                    return self.send(200, {"objects": []})
                if mode == "garbage":
                    return self.send(200, b"\x00\xffthis is not JSON<html>")
                if mode == "oversized":
                    return self.send(200, {"objects": [], "padding": "x" * 200_000})
                if mode == "malformed":
                    return self.send(200, {"objects": {"not": "a list"}, "more": "maybe"})
                after = 0
                if "added_after" in q:
                    s = q["added_after"][0]
                    after = int(time.mktime(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone) * 1000000 \
                        + int(s[20:26])
                limit = int(q.get("limit", ["100"])[0])
                rows = [(d, o) for d, o in partner.objects if d > after]
                page, more = rows[:limit], len(rows) > limit
                partner.served += 1
                if mode == "page2" and partner.served > 1:
                    return self.send(200, b'{"objects":[{"type":"indicator","id":', [
                        ("X-TAXII-Date-Added-Last", ts(page[-1][0]) if page else ts(after))])
                hdr = [("X-TAXII-Date-Added-First", ts(page[0][0])),
                       ("X-TAXII-Date-Added-Last", ts(page[-1][0]))] if page else []
                return self.send(200, {"more": more, "objects": [o for _, o in page]}, hdr)

        srv = ThreadingHTTPServer(("127.0.0.1", self.port or 0), H)
        srv.daemon_threads = True
        self.port = srv.server_address[1]
        self.srv = srv
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.release.set()
        if self.srv:
            self.srv.shutdown()
            self.srv.server_close()
            self.srv = None


def main(t):
    p = Partner().start()
    n = Node(org="ID-BSSN", country="ID")
    try:
        # The scheduler would pull on its own: with a day between its passes
        # it stays out of the way, and the CLI drives the pulls step by step.
        conf = ["--set", "sync.interval=1d", "--set", "reports.sweep_interval=1d", "--set", "sync.backoff_max=1s",
                "--set", "sync.timeout=2s", "--set", "sync.max_page=65536", "--set", "sync.page_limit=3"]
        n.start(*conf)
        run("peer", "invite", "--data", n.dir, "--name", "SG-CSA", "--country", "SG")
        run("peer", "add", "--data", n.dir, "--name", "SG-CSA", "--url", f"http://127.0.0.1:{p.port}/",
            "--key", "oe_partnerkey_0123456789")
        db = lambda sql, *a: sqlite3.connect(os.path.join(n.dir, "oureyes.db"), timeout=30).execute(sql, a).fetchall()
        cursor = lambda: db("SELECT added_after FROM peer_cursors WHERE collection='c1'")
        values = lambda: sorted(v for (v,) in db("SELECT value FROM indicators WHERE value LIKE '%.sg.example'"))

        def sync():
            rc, out, err = run("sync", "--data", n.dir, "--peer", "SG-CSA", *conf, check=False)
            return rc, (json.loads(out)["peers"][0] if out.strip() else {"error": err})

        def match(value, key="default", want=True):
            """The lookup of value, once it says want or after 10 s: the
            server's matcher follows another process's writes in ~200 ms."""
            end = time.time() + 10
            while True:
                got = n.get("/api/v1/lookup?value=" + value, key=key).json()["match"]
                if got == want or time.time() > end:
                    return got
                time.sleep(0.05)

        def peer():
            return n.get("/api/v1/peers").json()["peers"][0]

        # --- a good first pull --------------------------------------------------
        p.add(identity(PEER_ORG, "SG-CSA", "SG"), *[indicator(f"v{i}.sg.example") for i in range(5)])
        rc, r = sync()
        t.eq((rc, r["ok"], r["created"], r["pages"]), (0, True, 5, 2), "a good pull stores every object, page by page")
        t.ok(all(a == "Bearer oe_partnerkey_0123456789" for a, _ in p.requests), "the stored key is sent as Bearer")
        t.ok(not [x for _, x in p.requests if "/c2/" in x], "a collection it may not read is not asked for")
        t.eq(db("SELECT stix_id FROM orgs WHERE name='SG-CSA'"), [(PEER_ORG,)],
             "the partner's organisation takes the identity its discovery names")
        det = n.get("/api/v1/indicators?value=v0.sg.example").json()["indicators"][0]
        t.eq((det["source_org"]["name"], det["tlp"]), ("SG-CSA", "green"), "origin and TLP are kept")
        good_cursor = cursor()
        t.ok(good_cursor, "the cursor is stored", good_cursor)

        # --- failures: each recorded, the cursor kept, nothing stored -------------
        p.add(*[indicator(f"w{i}.sg.example") for i in range(4)])
        before = values()
        for mode, what in (("garbage", "invalid JSON"), ("oversized", "larger than"),
                           ("malformed", "not a TAXII envelope"), ("slow", "imeout")):
            p.mode = mode
            rc, r = sync()
            pr = peer()
            t.ok(rc == 1 and not r["ok"] and what in (r["error"] or "") and what in (pr["last_error"] or "")
                 and pr["errors"] >= 1,
                 f"a partner answering {mode}: the error is recorded", (rc, r, pr))
            t.eq((cursor(), values()), (good_cursor, before), f"{mode}: the cursor is kept, nothing stored")
        p.stop()
        rc, r = sync()
        t.ok(rc == 1 and "onnect" in (r["error"] or ""), "a partner that is down: the error is recorded", r)
        pr = peer()
        t.ok(pr["errors"] >= 5 and pr["next_attempt"], "failures in a row are counted, a retry is planned", pr)
        wait_s = secs(pr["next_attempt"]) - secs(pr["last_attempt"])
        t.ok(0.45 <= wait_s <= 1.55, "the retry waits the back-off (capped at 1 s here) with jitter", wait_s)
        m = n.get("/metrics").body
        t.ok('oureyes_peer_errors{peer="SG-CSA"}' in m and 'oureyes_peer_lag_seconds{peer="SG-CSA"}' in m,
             "/metrics shows the peer's errors and lag")

        # --- failing half-way: the first page stays, the second is not half-stored --
        p.start()
        p.mode, p.served = "page2", 0
        rc, r = sync()
        t.ok(rc == 1 and r["pages"] == 1 and "page 2" in (r["error"] or ""), "a pull that fails on its second page", r)
        mid = values()
        t.eq(len(mid) - len(before), 3, "the first page is stored whole, nothing of the second")
        t.ok(cursor() != good_cursor, "the cursor moved past the first page only")

        # --- good again: resumes, nothing lost, nothing twice ------------------------
        p.mode = "good"
        rc, r = sync()
        t.eq((rc, r["ok"], r["created"]), (0, True, 1), "the next good pull resumes where the last one stopped")
        t.eq(values(), sorted([f"v{i}.sg.example" for i in range(5)] + [f"w{i}.sg.example" for i in range(4)]),
             "every value once: nothing lost, nothing twice")
        t.eq(db("SELECT count(*),count(DISTINCT value) FROM indicators WHERE value LIKE '%.sg.example'"), [(9, 9)],
             "no duplicate rows")
        pr = peer()
        t.eq((pr["errors"], pr["last_error"]), (0, None), "a success clears the error")
        t.ok(abs(secs(pr["next_attempt"]) - secs(pr["last_attempt"]) - 86400) < 1,
             "after a success the next pull is one interval away", pr)
        t.eq(sync()[1]["created"], 0, "pulling again stores nothing new")

        # --- what a good page may still hold ------------------------------------------
        bad_id = indicator("forged.sg.example")
        bad_id["id"] = "indicator--" + str(uuid.uuid4())
        own = identity(n.org_id, "ID-BSSN", "ID")
        p.add(indicator("red.sg.example", marking=RED),
              indicator("nomark.sg.example", object_marking_refs=[]),
              bad_id,
              indicator("UPPER.sg.example", x_oureyes_value="UPPER.sg.example"),
              indicator("amber-nogroup.sg.example", marking=AMBER),
              own, indicator("ours.sg.example", org=n.org_id),
              identity(OTHER_ORG, "Bank of Singapore", "SG"),
              indicator("bank.sg.example", org=OTHER_ORG),
              indicator("grp.sg.example", marking=AMBER,
                        x_oureyes_sharing={"group": "sg-id", "members": [PEER_ORG, n.org_id]}))
        rc, r = sync()
        t.eq((rc, r["created"], r["refused"], r["own"]), (0, 2, 5, 1),
             "RED, no marking, a forged id, a value not canonical, AMBER without a group: refused; ours: skipped")
        got = values()
        t.ok("red.sg.example" not in got and "forged.sg.example" not in got and "ours.sg.example" not in got,
             "none of them is stored", got)
        b = n.get("/api/v1/indicators?value=bank.sg.example").json()["indicators"][0]
        t.eq((b["source_org"]["name"], db("SELECT country FROM orgs WHERE name='Bank of Singapore'")),
             ("Bank of Singapore", [("SG",)]), "a third organisation becomes a remote org with its country")
        t.ok(match("grp.sg.example"), "AMBER sent to us in a group: we see it",
             (n.get("/api/v1/lookup?value=grp.sg.example").body, n.get("/api/v1/indicators?value=grp.sg.example").body,
              db("SELECT id,org_id,tlp,group_id,via_peer,revoked FROM indicators WHERE value='grp.sg.example'"),
              db("SELECT * FROM sharing_group_members")))
        grp = db("SELECT g.name,g.peer_id IS NOT NULL,(SELECT count(*) FROM sharing_group_members m "
                 "WHERE m.group_id=g.id) FROM sharing_groups g")
        t.eq(grp, [("sg-id", 1, 2)], "its group is kept as received: the origin's, naming us and the partner")
        run("org", "add", "--data", n.dir, "--name", "Telco", "--country", "ID")
        telco = json.loads(run("key", "create", "--data", n.dir, "--org", "Telco", "--role", "reader")[1])["api_key"]
        t.eq(n.get("/api/v1/lookup?value=grp.sg.example", key=telco).json()["match"], False,
             "another local organisation does not see it")

        # --- versions: newer replaces, older is ignored, revocation propagates ------
        p.add(indicator("v1.sg.example", modified=1_700_000_100_000, confidence=90))
        sync()
        det = n.get("/api/v1/indicators?value=v1.sg.example").json()["indicators"][0]
        t.eq(det["confidence"], 90, "a newer version replaces the older")
        p.add(indicator("v1.sg.example", modified=1_700_000_050_000, confidence=10))
        sync()
        det = n.get("/api/v1/indicators?value=v1.sg.example").json()["indicators"][0]
        t.eq(det["confidence"], 90, "an older version changes nothing")
        p.add(indicator("v2.sg.example", modified=1_700_000_200_000, revoked=True))
        t.ok(match("v2.sg.example"), "before the revocation it matches")
        sync()
        t.eq(match("v2.sg.example", want=False), False, "a revoked version takes the value out of lookups")
        p.add(indicator("v2.sg.example", modified=1_700_000_150_000))
        sync()
        time.sleep(0.5)  # two refreshes of the matcher
        t.eq(match("v2.sg.example", want=False), False, "an older one does not revive it")

        # --- the partner claiming to be someone else --------------------------------
        p.stop()
        q = Partner(ident=OTHER_ORG)
        q.port = p.port
        q.start()
        rc, r = sync()
        q.stop()
    finally:
        p.stop()
        n.close()


if __name__ == "__main__":
    TAP().run(main)
