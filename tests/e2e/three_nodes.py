"""Three countries on one machine: ID, CN and MY are three `oureyes serve`
processes on their own loopback ports with their own data directories,
paired with `oureyes peer invite` / `peer add`, pulling from each other on
the scheduler (1 s interval) and with `oureyes sync`. Shows that GREEN from
ID reaches CN and MY; AMBER for group {ID, CN} reaches CN and never MY, not
even through CN; RED never leaves ID; a revocation at ID leaves lookups at CN
and MY; a phone reported by citizens in ID and sighted by a bank in CN is one
indicator at both, and the bank's sighting reaches ID and MY; and kill -9 of CN in the middle of a pull, then a restart,
loses and duplicates nothing (docs/sharing.md)."""
import json
import signal
import time
import urllib.parse

from nodes import Country, mesh, synced_after, wait
from oe import TAP, run

PHONE = "+6281234567890"


def main(t):
    ID, CN, MY = Country("ID-BSSN", "ID"), Country("CN-CAC", "CN"), Country("MY-NACSA", "MY")
    with mesh(t, "each node pulls from the two others on its schedule", ID, CN, MY) as keys:
        # The partners' operators are bound to their real identities.
        cn_at_id = ID.peers()["CN-CAC"]
        t.eq(cn_at_id["org_id"], CN.node.org_id, "ID knows CN's operator by CN's own identity")
        t.eq(MY.peers()["ID-BSSN"]["org_id"], ID.node.org_id, "MY knows ID's operator by ID's own identity")

        run("group", "add", "--data", ID.node.dir, "--name", "id-cn", "--member", "org:CN-CAC")
        post = lambda body: ID.node.post("/api/v1/indicators", body)
        g = post({"value": "green.example", "tlp": "green", "tags": ["scam"]})
        a = post({"value": "amber-idcn.example", "tlp": "amber", "sharing_group": "id-cn"})
        r = post({"value": "red.example", "tlp": "red"})
        t.eq((g.status, a.status, r.status), (201, 201, 201), "ID stores GREEN, AMBER {ID,CN} and RED")
        t0 = time.time()

        t.ok(wait(lambda: CN.lookup("green.example") and MY.lookup("green.example")),
             "GREEN from ID reaches CN and MY")
        det = CN.node.get("/api/v1/indicators/" + g.json()["id"]).json()
        t.eq((det.get("source_org", {}).get("id"), det.get("tlp"), det.get("tags")),
             (ID.node.org_id, "green", ["scam"]), "CN keeps ID as the origin, the TLP and the tags")
        t.ok(wait(lambda: CN.lookup("amber-idcn.example")), "AMBER for {ID, CN} reaches CN")
        t_amber = time.time()
        # Give MY every chance: two more successful pulls from both ID and CN.
        t.ok(wait(synced_after(MY, t_amber + 1), 60), "MY pulled from ID and CN after CN had the AMBER")
        t.ok(wait(synced_after(CN, t0 + 1), 60), "CN pulled from ID after ID stored them")
        t.eq(MY.lookup("amber-idcn.example"), False, "AMBER for {ID, CN} never reaches MY")
        t.eq(MY.db("SELECT count(*) FROM indicators WHERE value='amber-idcn.example'"), [(0,)],
             "MY holds no trace of it, not even through CN")
        # What CN would give MY: no group collection, no AMBER in community.
        my_key_at_cn = keys[("CN-CAC", "MY-NACSA")]
        cols = CN.node.get("/taxii2/api/collections/", key=my_key_at_cn,
                           headers={"Accept": "application/taxii+json;version=2.1"}).json()
        t.eq([c.get("alias") or c["title"] for c in cols.get("collections", [])], ["community"],
             "CN offers MY only its community collection")
        objs = CN.node.get("/taxii2/api/collections/community/objects/?limit=10000", key=my_key_at_cn,
                           headers={"Accept": "application/taxii+json;version=2.1"}).json().get("objects", [])
        t.ok(not [o for o in objs if o.get("x_oureyes_value") == "amber-idcn.example"],
             "CN's community holds no AMBER for MY")
        t.ok([o for o in objs if o.get("x_oureyes_value") == "green.example"],
             "but passes ID's GREEN on to MY")
        for c in (CN, MY):
            t.eq((c.lookup("red.example"), c.db("SELECT count(*) FROM indicators WHERE value='red.example'")),
                 (False, [(0,)]), f"RED never leaves ID ({c.cc})")

        # --- a revocation at ID leaves lookups at CN and MY ---------------------
        d = ID.node.request("DELETE", "/api/v1/indicators/" + g.json()["id"])
        t.ok(d.status in (200, 204), "ID revokes its GREEN", d)
        t.ok(wait(lambda: not CN.lookup("green.example") and not MY.lookup("green.example")),
             "the revocation removes the value from lookups at CN and MY")
        t.ok(ID.lookup("amber-idcn.example") and CN.lookup("amber-idcn.example"), "other values stay")

        # --- a phone reported in ID, sighted by a bank in CN ------------------------
        rep = ID.node.post("/public/v1/reports", {
            "category": "telecom_fraud", "lang": "en",
            "description": "A caller claiming to be the bank asked for my OTP.",
            "identifiers": [{"kind": "phone", "value": "0812 3456 7890"}]}, key=None)
        t.eq(rep.status, 201, "a citizen reports the phone at ID")
        lst = ID.node.get("/api/v1/indicators?type=phone&value=" + urllib.parse.quote(PHONE)).json()["indicators"]
        t.eq(len(lst), 1, "the report made one phone indicator at ID")
        pid = lst[0]["id"]
        p = ID.node.request("PATCH", "/api/v1/indicators/" + pid, {"tlp": "green"})
        t.eq(p.status, 200, "ID's analyst shares it with the community (GREEN)")
        run("org", "add", "--data", CN.node.dir, "--name", "Bank of China", "--country", "CN")
        bank = json.loads(run("key", "create", "--data", CN.node.dir, "--org", "Bank of China",
                              "--role", "analyst")[1])["api_key"]
        t.ok(wait(lambda: CN.lookup(PHONE, key=bank)), "the bank in CN can look the phone up")
        s = CN.node.post("/api/v1/sightings", {"value": PHONE, "count": 3, "tlp": "green"}, key=bank)
        t.eq((s.status, s.json().get("indicator")), (201, pid),
             "the bank's sighting lands on ID's indicator, same id")
        b = CN.node.post("/api/v1/indicators", {"value": PHONE, "type": "phone", "tlp": "green",
                                                "tags": ["otp-fraud"]}, key=bank)
        t.eq(b.status, 201, "the bank reports the number as its own (GREEN)")

        def correlated(c, key="default"):
            r = c.node.get("/api/v1/indicators/" + pid, key=key)
            return r.json() if r.status == 200 and r.json().get("orgs") == 2 else None
        at_id = wait(lambda: correlated(ID))
        at_cn = correlated(CN)
        t.ok(at_id and at_cn, "the phone is one indicator with both organisations at ID and at CN",
             (at_id, at_cn))
        t.eq(at_cn and at_cn.get("correlation", {}).get("sightings"), 3,
             "at CN it carries the bank's sighting")
        sighted = lambda c: c.db("SELECT o.name, s.count, s.tlp FROM sightings s JOIN indicators i ON "
                                 "i.id=s.indicator_id JOIN orgs o ON o.id=s.org_id WHERE i.value=?", PHONE)
        t.ok(wait(lambda: sighted(ID) == [("Bank of China", 3, 1)] and sighted(MY) == [("Bank of China", 3, 1)]),
             "the bank's GREEN sighting travels to ID and MY as a STIX sighting, once each, as the bank's",
             (sighted(ID), sighted(MY)))
        t.eq((correlated(ID) or {}).get("correlation", {}).get("sightings"), 3, "ID counts it on its indicator")
        sg = CN.node.get("/taxii2/api/collections/community/objects/?match[type]=sighting&limit=10000",
                         key=keys[("CN-CAC", "ID-BSSN")],
                         headers={"Accept": "application/taxii+json;version=2.1"}).json().get("objects", [])
        t.ok(len(sg) == 1 and sg[0]["type"] == "sighting" and sg[0]["count"] == 3
             and sg[0]["sighting_of_ref"].startswith("indicator--") and "x_oureyes_value" not in sg[0],
             "CN serves ID the sighting alone with match[type]=sighting, by reference to ID's indicator", sg)
        ts = time.time()
        t.ok(wait(synced_after(CN, ts + 1), 60) and sighted(CN) == [("Bank of China", 3, 1)],
             "nothing comes back to CN: it still holds the one sighting", sighted(CN))
        t.ok(wait(lambda: len(MY.db("SELECT x.org_id FROM indicator_orgs x JOIN indicators i ON "
                                    "i.id=x.indicator_id WHERE i.value=?", PHONE)) == 1),
             "MY gets both organisations' assertions of it")
        t.eq(MY.db("SELECT count(*) FROM indicators WHERE value=?", PHONE), [(1,)],
             "MY holds the number once")

        # --- push: an event from ID to CN's community --------------------------------
        post({"value": "push-red.example", "tlp": "red"})
        post({"value": "push-amber.example", "tlp": "amber", "sharing_group": "id-cn"})
        ev = ID.node.post("/api/v1/events", {"title": "SMS phishing wave", "tlp": "green", "indicators": [
            {"value": "push-green.example", "tlp": "green"}, {"value": "push-red.example"},
            {"value": "push-amber.example"}]})
        t.eq(ev.status, 201, "ID's analyst makes an event of GREEN, RED and AMBER values")
        analyst = json.loads(run("key", "create", "--data", ID.node.dir, "--org", "ID-BSSN",
                                 "--role", "analyst")[1])["api_key"]
        reader = json.loads(run("key", "create", "--data", ID.node.dir, "--org", "ID-BSSN",
                                "--role", "reader")[1])["api_key"]
        t.eq(ID.node.post("/api/v1/peers/CN-CAC/push", {"event": ev.json()["id"]}, key=reader).status, 403,
             "a reader may not push")
        pr = ID.node.post("/api/v1/peers/CN-CAC/push", {"event": ev.json()["id"]}, key=analyst)
        pj = pr.json()
        t.eq((pr.status, pj.get("sent"), pj.get("withheld"), pj.get("success"), pj.get("failure")),
             (200, 1, 2, 2, 0), "the analyst pushes it to CN's community: GREEN goes, RED and AMBER are withheld")
        t.ok(wait(lambda: CN.lookup("push-green.example")), "the pushed value is looked up at CN")
        d = CN.node.get("/api/v1/indicators?value=push-green.example").json()["indicators"]
        det = CN.node.get("/api/v1/indicators/" + d[0]["id"]).json() if d else {}
        t.eq(([e["title"] for e in det.get("events", [])], det.get("source_org", {}).get("id")),
             (["SMS phishing wave"], ID.node.org_id), "CN holds the event, from ID")
        t.eq(CN.db("SELECT count(*) FROM indicators WHERE value IN ('push-red.example')"), [(0,)],
             "nothing withheld reached CN")
        nope = ID.node.post("/api/v1/peers/CN-CAC/push", {"event": ev.json()["id"], "collection": "nope"}, key=analyst)
        t.eq(nope.status, 404, "a collection the partner does not have: 404")

        # --- kill -9 CN in the middle of a pull -------------------------------------
        n = 3000
        csv = "type,value,tlp\n" + "".join(f"domain,bulk-{i}.example,green\n" for i in range(n))
        r = ID.node.request("POST", "/api/v1/import?format=csv", raw=csv.encode(),
                            headers={"Content-Type": "text/csv"})
        t.eq((r.status, r.json().get("imported")), (200, n), "ID imports many GREEN indicators")
        count = lambda c: c.db("SELECT count(*) FROM indicators WHERE value LIKE 'bulk-%'")[0][0]
        t.ok(wait(lambda: 0 < count(CN) < n, 60, 0.02), "CN is in the middle of pulling them")
        CN.node.proc.send_signal(signal.SIGKILL)
        CN.node.proc.wait()
        had = count(CN)
        t.ok(0 < had < n, f"CN was killed during the pull ({had} of {n} stored)")
        CN.node.log = []
        CN.start()
        t.ok(wait(lambda: count(CN) == n and count(MY) == n, 120), "after its restart CN has all of them, MY too")
        src = {v for (v,) in ID.db("SELECT value FROM indicators WHERE value LIKE 'bulk-%'")}
        for c in (CN, MY):
            rows = c.db("SELECT value FROM indicators WHERE value LIKE 'bulk-%'")
            t.eq((len(rows), {v for (v,) in rows} == src), (n, True), f"{c.cc}: nothing lost, nothing twice")
            dup = c.db("SELECT count(*) FROM indicator_orgs x JOIN indicators i ON i.id=x.indicator_id "
                       "WHERE i.value LIKE 'bulk-%'")
            t.eq(dup, [(0,)], f"{c.cc}: one assertion each, the origin's")
        t.ok(wait(lambda: not CN.peers()["ID-BSSN"]["last_error"], 30), "CN's pulls from ID succeed again")

        # --- oureyes sync and /metrics --------------------------------------------
        rc, out, err = run("sync", "--data", MY.node.dir, check=False)
        res = json.loads(out)["peers"]
        t.eq((rc, sorted((p["peer"], p["ok"]) for p in res)), (0, [("CN-CAC", True), ("ID-BSSN", True)]),
             "oureyes sync pulls from every peer once and says how it went")
        m = CN.node.get("/metrics").body
        t.ok('oureyes_peer_last_success_seconds{peer="ID-BSSN"}' in m
             and 'oureyes_peer_lag_seconds{peer="MY-NACSA"}' in m and 'oureyes_peer_errors{peer="ID-BSSN"} 0' in m,
             "/metrics has each peer's last success, lag and errors")


if __name__ == "__main__":
    TAP().run(main)
