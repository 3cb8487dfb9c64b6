"""What one organisation may learn of another's indicators, events and
sightings on the same node, tried the way an attacker with a valid key
would: reading, writing, filtering, importing, and counting."""
import hashlib
import json
import os
import sqlite3
import struct
import threading

from oe import Node, TAP, run


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


def main(t):
    n = Node(org="OrgA", country="ID")
    try:
        run("org", "add", "--data", n.dir, "--name", "OrgB", "--country", "MY")
        A = key(n, "OrgA", "analyst")
        B = key(n, "OrgB", "analyst")
        BR = key(n, "OrgB", "reader")
        BP = key(n, "OrgB", "peer")
        n.start()
        secret = n.post("/api/v1/indicators", {"value": "secret-op.example", "tlp": "red", "confidence": 90,
                                               "description": "informant X", "tags": ["op:falcon"]}, key=A).json()
        sid = secret["id"]
        n.post("/api/v1/sightings", {"value": "secret-op.example", "count": 7, "tlp": "amber"}, key=A)

        # Writing the same value tells B nothing about A's assertion.
        r = n.post("/api/v1/indicators", {"value": "secret-op.example", "tlp": "green", "confidence": 20}, key=B)
        j = r.json()
        t.eq(r.status, 201, "B may assert a value A holds as RED")
        t.eq((j["new"], j["tlp"], j["confidence"], j["description"], j["tags"], j["source_org"]["name"], j["orgs"]),
             (True, "green", 20, None, [], "OrgB", 1), "B's answer shows only B's own assertion")
        # B's answers are the same whether or not someone else holds the value.
        r2 = n.post("/api/v1/indicators", {"value": "nobody-else.example", "tlp": "green", "tags": ["probe"]}, key=B).json()
        r3 = n.post("/api/v1/indicators", {"value": "secret-op.example", "tags": ["probe"]}, key=B).json()
        t.eq((r3["tags"], r3["source_org"]["name"], r3["created"] == r3["first_seen"]),
             (r2["tags"], r2["source_org"]["name"], r2["created"] == r2["first_seen"]),
             "tags, source and created of B's own assertion do not depend on A's")
        r = n.post("/api/v1/indicators", {"indicators": [{"value": "secret-op.example"}, {"value": "fresh.example"}]}, key=B)
        t.eq((r.json()["imported"], r.json()["updated"]), (1, 0), "batch counts are B's own: no hint of A")
        g = n.get("/api/v1/indicators/" + sid, key=B).json()
        t.eq((g["confidence"], g["correlation"], g["sightings"], g["first_seen"] is not None),
             (20, {"orgs": 1, "events": 0, "partner_events": 0, "sightings": 0, "reports": 0}, [], True),
             "B's view: B's confidence, no hidden org, no hidden sighting")
        a = n.get("/api/v1/indicators/" + sid, key=A).json()
        t.eq((a["tlp"], a["confidence"], a["correlation"]["orgs"], a["correlation"]["sightings"]),
             ("red", 90, 2, 7), "A sees its own assertion, B's GREEN one counted, its sightings")

        # Filters judge B's view, not A's hidden fields.
        q = "/api/v1/indicators?value=secret-op.example"
        t.eq(n.get(q + "&tag=op:falcon", key=B).json()["indicators"], [], "tag filter does not match A's hidden tag")
        t.eq(len(n.get(q + "&tlp=green", key=B).json()["indicators"]), 1, "tlp filter uses B's marking (green)")
        t.eq(n.get(q + "&tlp=clear", key=B).json()["indicators"], [], "tlp filter excludes what B sees as green")
        t.eq(len(n.get(q + "&tlp=red", key=A).json()["indicators"]), 1, "A's own filter sees its RED")

        # Revocation is per assertion.
        t.eq(n.request("DELETE", "/api/v1/indicators/" + sid, key=A).status, 200, "A revokes its assertion")
        t.eq(n.get("/api/v1/lookup?value=secret-op.example", key=B).json()["match"], True,
             "B's own live assertion still matches for B")
        t.eq(n.get("/api/v1/lookup?value=secret-op.example", key=A).json()["match"], True,
             "A still sees B's GREEN assertion live")
        t.eq(n.request("DELETE", "/api/v1/indicators/" + sid, key=B).status, 200, "B revokes its own assertion")
        t.eq(n.get("/api/v1/lookup?value=secret-op.example", key=B).json()["match"], False, "now nothing is live")
        g = n.get("/api/v1/indicators/" + sid, key=B).json()
        t.eq((g["own"]["revoked"], g["own"]["tlp"], g["own"]["confidence"]), (True, "green", 20),
             "GET shows the caller's own assertion, revoked")
        n.post("/api/v1/indicators", {"value": "secret-op.example"}, key=B)
        t.eq(n.get("/api/v1/lookup?value=secret-op.example", key=B).json()["match"], False,
             "re-sending a revoked value does not revive it")
        r = n.request("PATCH", "/api/v1/indicators/" + sid, {"revoked": False, "description": "B again"}, key=B)
        t.ok(r.status == 200 and r.json()["revoked"] is False and r.json()["description"] == "B again",
             "PATCH revoked:false revives B's assertion only", r)
        r = n.request("PATCH", "/api/v1/indicators/" + sid, {"tags": ["x"]}, key=B)
        t.eq((r.status, r.json()["tags"]), (200, ["x"]), "B sets tags on its own assertion")
        tags = sqlite3.connect(os.path.join(n.dir, "oureyes.db")).execute(
            "SELECT o.name, t.tag FROM indicator_tags t JOIN orgs o ON o.id=t.org_id JOIN indicators i "
            "ON i.id=t.indicator_id WHERE i.value='secret-op.example' ORDER BY 1, 2").fetchall()
        t.eq(tags, [("OrgA", "op:falcon"), ("OrgB", "x")], "each organisation's tags stay its own")

        # PATCH semantics: null clears, [] clears, unknown fields refused, {} refused.
        v = n.post("/api/v1/indicators", {"value": "patchme.example", "description": "d", "tags": ["a"],
                                          "valid_until": "2031-01-01T00:00:00Z"}, key=A).json()["id"]
        r = n.request("PATCH", "/api/v1/indicators/" + v, {"description": None, "tags": [], "valid_until": None}, key=A)
        t.eq((r.status, r.json()["description"], r.json()["tags"], r.json()["valid_until"]), (200, None, [], None),
             "PATCH clears with null and []")
        for body in ({}, {"first_seen": "2020-01-01T00:00:00Z"}, {"revoked": "yes"}):
            t.eq(n.request("PATCH", "/api/v1/indicators/" + v, body, key=A).status, 400, f"PATCH {body} refused")

        # Events: the marking applies to values the event brings, not to existing ones.
        inf = n.post("/api/v1/indicators", {"value": "informant.example", "tlp": "red", "description": "source"}, key=A).json()["id"]
        n.post("/api/v1/events", {"title": "public advisory", "tlp": "clear",
                                  "indicators": [{"value": "informant.example"}, {"value": "new-in-advisory.example"}]}, key=A)
        t.eq(n.get("/api/v1/indicators/" + inf, key=BR).status, 404, "a CLEAR event does not downgrade a RED value")
        t.eq(n.get("/api/v1/lookup?value=new-in-advisory.example", key=BR).json()["hits"][0]["indicator"]["tlp"], "clear",
             "a value new with the event takes the event's marking")
        e = n.post("/api/v1/events", {"title": "B event", "tlp": "amber", "indicators": [{"value": "informant.example"}]}, key=B).json()
        t.eq((e["title"], e["org"]), ("B event", "OrgB"), "POST /events answers the event it created")

        # A GREEN event shows a value only to whoever may see its author's
        # assertion of it: it cannot reveal that A holds the value under RED.
        n.post("/api/v1/indicators", {"value": "203.0.113.77", "tlp": "red"}, key=A)
        sun = n.post("/api/v1/events", {"title": "Op Sunrise", "tlp": "green",
                                        "indicators": [{"value": "203.0.113.77"}, {"value": "pub.example", "tlp": "green"}]},
                     key=A).json()["id"]
        n.post("/api/v1/indicators", {"value": "203.0.113.77", "tlp": "amber"}, key=B)
        seen = sorted(i["value"] for i in n.get("/api/v1/events/" + sun, key=B).json()["indicators"])
        t.eq(seen, ["pub.example"], "B's own copy of the value does not reveal A's RED link")
        bid = n.get("/api/v1/lookup?value=203.0.113.77", key=B).json()["hits"][0]["indicator"]["id"]
        t.eq(n.get("/api/v1/indicators/" + bid, key=B).json()["events"], [], "nor does B's view of the value")
        t.eq(len(n.get("/api/v1/events/" + sun, key=A).json()["indicators"]), 2, "A sees its whole event")

        # MISP event ids are per organisation: B cannot write into A's event.
        ev = {"Event": {"uuid": "5f1b2c3d-1111-4222-8333-944455556666", "info": "A secret case",
                        "Tag": [{"name": "tlp:red"}], "Attribute": [{"type": "domain", "value": "a-case.example",
                                                                    "uuid": "5f1b2c3d-1111-4222-8333-000000000001"}]}}
        t.eq(n.post("/api/v1/import", ev, key=A).json()["events"], 1, "A imports a RED MISP event")
        ev["Event"]["info"] = "B's own"
        ev["Event"]["Attribute"][0]["value"] = "b-injected.example"
        t.eq(n.post("/api/v1/import", ev, key=B).json()["events"], 1, "B's event with the same uuid is B's own")
        db = sqlite3.connect(os.path.join(n.dir, "oureyes.db"))
        rows = db.execute("SELECT e.title, i.value FROM events e JOIN event_indicators x ON x.event_id=e.id "
                          "JOIN indicators i ON i.id=x.indicator_id WHERE e.title IN ('A secret case','B''s own') "
                          "ORDER BY 1").fetchall()
        t.eq(rows, [("A secret case", "a-case.example"), ("B's own", "b-injected.example")], "events keep apart")

        # Re-importing one's own event follows its title and tightens, never
        # widens, its marking; an event with nothing readable is reported.
        ev2 = {"Event": {"uuid": "6a000000-1111-4222-8333-944455556666", "info": "Operation X",
                         "Tag": [{"name": "tlp:green"}],
                         "Attribute": [{"type": "domain", "value": "opx.example", "uuid": "6a000000-1111-4222-8333-000000000001"}]}}
        n.post("/api/v1/import", ev2, key=A)
        ev2["Event"]["info"] = "Operation X (restricted)"
        ev2["Event"]["Tag"] = [{"name": "tlp:red"}]
        n.post("/api/v1/import", ev2, key=A)
        ev2["Event"]["Tag"] = [{"name": "tlp:clear"}]
        n.post("/api/v1/import", ev2, key=A)
        row = db.execute("SELECT title, tlp FROM events WHERE ext_id='6a000000-1111-4222-8333-944455556666'").fetchall()
        t.eq(row, [("Operation X (restricted)", 4)], "a re-imported event tightens to RED and stays RED")
        bad = {"Event": {"uuid": "6b000000-1111-4222-8333-944455556666", "info": "nothing usable",
                         "Attribute": [{"type": "domain", "value": "not a domain", "uuid": "6b000000-1111-4222-8333-000000000001"}]}}
        r = n.post("/api/v1/import", bad, key=A).json()
        refs = {x["ref"]: x["reason"] for x in r["refused"]}
        t.ok("6b000000-1111-4222-8333-944455556666" in refs and "event not stored" in refs["6b000000-1111-4222-8333-944455556666"],
             "an event with no readable indicator is reported, not dropped", r)

        # Roles: readers and peers do not write sightings.
        for k, who in ((BR, "reader"), (BP, "peer")):
            t.eq(n.post("/api/v1/sightings", {"value": "fresh.example", "count": 1000000000}, key=k).status, 403,
                 f"a {who} may not add sightings")
        r = n.post("/api/v1/sightings", {"value": "fresh.example", "last_seen": "2999-01-01T00:00:00Z"}, key=B)
        t.eq(r.status, 400, "a sighting in the future is refused")

        # Node-wide counts are for the node's operators.
        t.eq(n.get("/metrics", key=B).status, 403, "an analyst may not read /metrics")
        t.eq(n.get("/metrics", key=BP).status, 403, "a peer may not read /metrics")
        # RED never reaches a peer key, not even the owner organisation's own.
        AP = key(n, "OrgA", "peer")
        n.post("/api/v1/indicators", {"value": "redonly.example", "tlp": "red"}, key=A)
        n.post("/api/v1/indicators", {"value": "strict.example", "tlp": "amber+strict"}, key=A)
        exp = n.get("/api/v1/export?format=txt", key=AP).body.split()
        t.ok("redonly.example" not in exp and "strict.example" in exp, "a peer key gets no RED", exp[-5:])
        t.eq(n.get("/api/v1/lookup?value=redonly.example", key=AP).json()["match"], False, "nor by lookup")

        # One import naming a value twice keeps the stricter marking and the
        # later expiry (a mention without one keeps it live).
        r = n.post("/api/v1/indicators", {"indicators": [{"value": "dup1.example", "tlp": "clear"},
                                                        {"value": "dup1.example", "tlp": "red", "description": "red only"}]}, key=A)
        t.eq(n.get("/api/v1/lookup?value=dup1.example", key=BR).json()["match"], False,
             "a RED mention is not published by a CLEAR one")
        n.post("/api/v1/indicators", {"indicators": [{"value": "vu.example"},
                                                    {"value": "vu.example", "valid_until": "2026-01-01T00:00:00Z"}]}, key=A)
        t.eq(n.get("/api/v1/lookup?value=vu.example", key=A).json()["match"], True, "no expiry wins over an old one")
        # A re-sent value never widens a marking an analyst tightened.
        f = n.post("/api/v1/indicators", {"value": "feed1.example", "tlp": "green"}, key=B).json()["id"]
        n.request("PATCH", "/api/v1/indicators/" + f, {"tlp": "red", "description": "keep RED"}, key=B)
        n.request("POST", "/api/v1/import", raw=b"type,value,tlp\ndomain,feed1.example,green\n", key=B,
                  headers={"Content-Type": "text/csv"})
        t.eq(n.get("/api/v1/indicators/" + f, key=B).json()["tlp"], "red", "tonight's GREEN feed does not widen RED")

        # Exports: MISP event marked as its most restricted attribute.
        m = json.loads(n.get("/api/v1/export?format=misp", key=A).body)["Event"]
        tags = [x["name"] for x in m.get("Tag", [])]
        t.ok("tlp:red" in tags and "tlp:green" not in tags, "MISP export event carries the strictest TLP", tags)

        # The audit chain holds under concurrent writers.
        ths = [threading.Thread(target=lambda: [n.get("/api/v1/export?format=txt", key=A) for _ in range(10)])
               for _ in range(6)]
        [x.start() for x in ths]
        [x.join() for x in ths]
        prev = bytes(32)
        broken = 0
        rows = db.execute("SELECT ts, actor, action, ifnull(object,''), ifnull(detail,''), hash FROM audit ORDER BY id").fetchall()
        for ts, actor, action, obj, detail, h in rows:
            b = hashlib.blake2b(digest_size=32)
            b.update(prev)
            b.update(struct.pack(">Q", ts))
            for part in (actor, action, obj, detail):
                b.update(part.encode() + b"\0")
            if b.digest() != h:
                broken += 1
            prev = h
        t.ok(len(rows) > 60 and broken == 0, f"audit chain of {len(rows)} entries has no broken link", broken)
        db.close()
    finally:
        n.close()


TAP().run(main)
