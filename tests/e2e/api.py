"""The indicator API over loopback: submit, read, correlate, look up, and
refuse bad input precisely without changing what is stored."""
import json
import signal

from oe import Node, TAP, run


def count(n):
    return len(n.get("/api/v1/indicators?limit=1000").json()["indicators"])


def main(t):
    n = Node(org="BSSN", country="ID")
    try:
        run("org", "add", "--data", n.dir, "--name", "Bank Satu", "--country", "ID")
        run("org", "add", "--data", n.dir, "--name", "Telco Dua", "--country", "ID")
        bank = json.loads(run("key", "create", "--data", n.dir, "--org", "Bank Satu", "--role", "analyst")[1])["api_key"]
        telco = json.loads(run("key", "create", "--data", n.dir, "--org", "Telco Dua", "--role", "analyst")[1])["api_key"]
        n.start()

        # One object: canonicalised, 201, with a derived STIX id.
        r = n.post("/api/v1/indicators", {"type": "domain", "value": "WWW.Evil-Example.COM.",
                                          "tlp": "green", "confidence": 80, "tags": ["phishing"],
                                          "description": "fake bank login"})
        t.eq(r.status, 201, "POST one indicator: 201")
        ind = r.json()
        t.eq((ind["type"], ind["value"], ind["tlp"], ind["confidence"], ind["tags"]),
             ("domain", "www.evil-example.com", "green", 80, ["phishing"]), "stored canonical form")
        t.ok(ind["id"].startswith("indicator--") and ind["new"] is True, "new indicator id", ind)
        did = ind["id"]
        r = n.post("/api/v1/indicators", {"type": "domain", "value": "www.evil-example.com"})
        t.eq((r.status, r.json()["id"], r.json()["new"]), (201, did, False),
             "same value again: same indicator, not a new one")
        # Type detection and every type through the API.
        vals = {"ipv4": "198.51.100.7", "ipv6": "2001:DB8:0:0:0:0:0:1", "cidr": "198.51.100.77/24",
                "url": "HTTP://Login.Evil-Example.com:80/a/../b", "email": "Scam@Evil-Example.com",
                "phone": "0812-3456-7890", "md5": "D41D8CD98F00B204E9800998ECF8427E",
                "sha256": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}
        want = {"ipv6": "2001:db8::1", "cidr": "198.51.100.0/24", "url": "http://login.evil-example.com/b",
                "email": "scam@evil-example.com", "phone": "+6281234567890",
                "md5": "d41d8cd98f00b204e9800998ecf8427e",
                "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
        r = n.post("/api/v1/indicators", {"indicators": [{"value": v} for v in vals.values()]})
        t.eq(r.status, 201, "batch: 201")
        got = {i["type"]: i["value"] for i in r.json()["indicators"]}
        t.eq(got, {k: want.get(k, v) for k, v in vals.items()}, "batch: types detected and canonicalised")
        t.eq((r.json()["imported"], r.json()["refused"]), (8, []), "batch counts")

        # Bad input: precise errors, nothing stored.
        before = count(n)
        cases = [
            ({"type": "ipv4", "value": "999.1.1.1"}, "invalid_indicator", "value"),
            ({"type": "domain", "value": "exa mple.com"}, "invalid_indicator", "value"),
            ({"type": "url", "value": "http://"}, "invalid_indicator", "value"),
            ({"type": "ipv4", "value": "1.2.3.4", "colour": "red"}, "invalid_indicator", "colour"),
            ({"type": "ipv4", "value": 1234}, "invalid_indicator", "value"),
            ({"type": "ipv5", "value": "1.2.3.4"}, "invalid_indicator", "type"),
            ({"type": "ipv4", "value": "1.2.3.4", "tlp": "purple"}, "invalid_indicator", "tlp"),
            ({"type": "ipv4", "value": "1.2.3.4", "confidence": 101}, "invalid_indicator", "confidence"),
            ({"type": "ipv4", "value": "1.2.3.4", "tags": "x"}, "invalid_indicator", "tags"),
            ({"type": "ipv4", "value": "1.2.3.4", "valid_until": "tomorrow"}, "invalid_indicator", "valid_until"),
            ([1, 2], "invalid_indicator", "object"),
        ]
        for body, code, word in cases:
            r = n.post("/api/v1/indicators", body)
            e = r.json().get("error", {})
            t.ok(r.status == 400 and e.get("code") == code and word in e.get("message", ""),
                 f"refused {json.dumps(body)[:60]}", r)
        raw_cases = [
            (b'{"type":"ipv4","value":"1.2.3.4"', "invalid_json", "end of file"),
            (b'{"type":"ipv4","value":"\xff\xfe"}', "invalid_json", "UTF-8"),
            (b"[" * 100 + b"]" * 100, "invalid_json", "deeper"),
            (b'{"type":"ipv4","type":"ipv4","value":"1.2.3.4"}', "invalid_json", "duplicate"),
            (b"", "invalid_json", "required"),
        ]
        for raw, code, word in raw_cases:
            r = n.request("POST", "/api/v1/indicators", raw=raw, headers={"Content-Type": "application/json"})
            e = r.json().get("error", {})
            t.ok(r.status == 400 and e.get("code") == code and word.lower() in e.get("message", "").lower(),
                 f"refused raw body {raw[:30]!r}", r)
        r = n.request("POST", "/api/v1/indicators", raw=b'{"value":"' + b"a" * (2 << 20) + b'"}',
                      headers={"Content-Type": "application/json"})
        t.eq((r.status, r.json()["error"]["code"]), (413, "too_large"), "body over the limit: 413")
        # A batch with one broken object among good ones keeps the good ones.
        r = n.post("/api/v1/indicators", {"indicators": [{"value": "192.0.2.10"}, {"type": "ipv4", "value": "300.0.0.1"},
                                                         {"value": "badguy.example"}]})
        j = r.json()
        t.ok(r.status == 201 and j["imported"] == 2 and len(j["refused"]) == 1
             and j["refused"][0]["ref"] == "indicators[1]" and "range" in j["refused"][0]["reason"],
             "batch: the broken object is refused with its index and reason", j)
        t.eq(count(n), before + 2, "only the valid part was stored")
        t.eq(n.get("/healthz", key=None).status, 200, "server stays up after bad input")

        # Read, list with keyset pagination, filter.
        r = n.get("/api/v1/indicators/" + did)
        t.ok(r.status == 200 and r.json()["value"] == "www.evil-example.com"
             and r.json()["correlation"]["orgs"] == 1, "GET indicator", r)
        t.eq(n.get("/api/v1/indicators/indicator--00000000-0000-4000-8000-000000000000").status, 404,
             "unknown id: 404")
        t.eq(n.get("/api/v1/indicators/nonsense").status, 404, "malformed id: 404")
        seen, cursor, pages = [], None, 0
        while True:
            q = "/api/v1/indicators?limit=3" + (f"&cursor={cursor}" if cursor else "")
            j = n.get(q).json()
            seen += [i["id"] for i in j["indicators"]]
            pages += 1
            cursor = j["next"]
            if not cursor:
                break
        t.ok(len(seen) == len(set(seen)) == count(n) and pages >= 4, "keyset pages cover all, once", (len(seen), pages))
        j = n.get("/api/v1/indicators?type=phone").json()
        t.eq([i["value"] for i in j["indicators"]], ["+6281234567890"], "filter by type")
        j = n.get("/api/v1/indicators?value=0812%203456%207890&type=phone").json()
        t.eq(len(j["indicators"]), 1, "filter by value (canonicalised)")
        j = n.get("/api/v1/indicators?tag=phishing").json()
        t.eq([i["id"] for i in j["indicators"]], [did], "filter by tag")
        t.eq(n.get("/api/v1/indicators?limit=0").status, 400, "limit out of range: 400")
        t.eq(n.get("/api/v1/indicators?cursor=12").status, 400, "a made-up cursor: 400")
        c1 = n.get("/api/v1/indicators?limit=1").json()["next"]
        t.ok(c1 != n.get("/api/v1/indicators?limit=1").json()["next"] and len(c1) == 75,
             "cursors are sealed: the same page gives different opaque cursors", c1)
        t.eq(n.get("/api/v1/indicators?cursor=" + c1[:-2] + ("AA" if c1[-2:] != "AA" else "BA")).status, 400,
             "a tampered cursor: 400")
        t.eq(n.get("/api/v1/indicators?since=yesterday").status, 400, "bad since: 400")

        # Correlation across organisations: one indicator, links.
        r = n.post("/api/v1/indicators", {"value": "www.evil-example.com", "tlp": "green"}, key=bank)
        t.eq((r.status, r.json()["id"], r.json()["new"]), (201, did, True),
             "another org: same indicator, its own new assertion")
        r = n.post("/api/v1/sightings", {"value": "www.evil-example.com", "count": 40, "tlp": "green"}, key=telco)
        t.eq(r.status, 201, "sighting: 201")
        ev = n.post("/api/v1/events", {"title": "Phishing wave", "tlp": "green", "tags": ["bank"],
                                       "indicators": [{"value": "www.evil-example.com"}, {"value": "+62 811 1111 2222"}]})
        t.eq(ev.status, 201, "event: 201")
        j = n.get("/api/v1/indicators/" + did).json()
        t.eq((j["correlation"]["orgs"], j["correlation"]["events"], j["correlation"]["sightings"]), (2, 1, 40),
             "correlation: orgs, events, sightings")
        t.eq([e["title"] for e in j["events"]], ["Phishing wave"], "indicator lists its events")
        e = n.get("/api/v1/events/" + ev.json()["id"]).json()
        t.eq(sorted(i["value"] for i in e["indicators"]), ["+6281111112222", "www.evil-example.com"], "GET event")
        r = n.post("/api/v1/events", {"title": "to be filled", "tlp": "amber"})
        t.ok(r.status == 201 and r.json()["indicators"] == [] and r.json()["title"] == "to be filled",
             "an event may start empty", r)
        t.eq(n.get("/api/v1/events/" + r.json()["id"]).json()["tlp"], "amber", "the empty event is stored")
        r = n.post("/api/v1/events", {"title": "half", "indicators": [{"value": "192.0.2.99"}, {"value": "no such thing"}]})
        t.eq(r.status, 400, "event with a bad indicator refused whole")
        t.eq(n.get("/api/v1/indicators?value=192.0.2.99").json()["indicators"], [], "nothing of it stored")
        t.eq(n.post("/api/v1/sightings", {"value": "10.9.9.9"}).status, 404, "sighting of unknown value: 404")

        # TLP: AMBER of BSSN is invisible to the bank; GREEN is visible.
        amber = n.post("/api/v1/indicators", {"value": "secret-c2.example", "tlp": "amber"}).json()["id"]
        red = n.post("/api/v1/indicators", {"value": "203.0.113.66", "tlp": "red"}).json()["id"]
        t.eq(n.get("/api/v1/indicators/" + amber, key=bank).status, 404, "AMBER hidden from another org")
        t.eq(n.get("/api/v1/indicators/" + red, key=bank).status, 404, "RED hidden from another org")
        t.eq(n.get("/api/v1/indicators/" + amber).status, 200, "AMBER visible to its org")
        l = n.get("/api/v1/lookup?value=secret-c2.example", key=bank).json()
        t.eq((l["match"], l["hits"]), (False, []), "lookup does not reveal AMBER to another org")
        l = n.get("/api/v1/lookup?value=secret-c2.example").json()
        t.eq((l["match"], l["hits"][0]["how"], l["type"]), (True, "exact", "domain"), "lookup hit for the owner")
        listed = [i["id"] for i in n.get("/api/v1/indicators?limit=1000", key=bank).json()["indicators"]]
        t.ok(amber not in listed and red not in listed and did in listed, "list filtered by TLP")
        exp = n.get("/api/v1/export?format=txt", key=bank).body.split()
        t.ok("secret-c2.example" not in exp and "www.evil-example.com" in exp, "export filtered by TLP")
        # The bank asserts a value BSSN holds as RED: the bank sees its own assertion only.
        n.post("/api/v1/indicators", {"value": "203.0.113.66", "tlp": "amber", "description": "bank's"}, key=bank)
        j = n.get("/api/v1/indicators/" + red, key=bank).json()
        t.ok(j["tlp"] == "amber" and j["description"] == "bank's" and j["source_org"]["name"] == "Bank Satu"
             and j["correlation"]["orgs"] == 1,
             "another org's assertion shows nothing of the RED origin", j)
        t.eq(n.get("/api/v1/indicators/" + red, key=telco).status, 404, "third org sees neither")

        # Lookup forms.
        l = n.get("/api/v1/lookup?value=HTTP://LOGIN.evil-example.com:80/x/../b").json()
        t.eq((l["value"], l["match"]), ("http://login.evil-example.com/b", True), "lookup canonicalises a URL")
        t.eq(n.get("/api/v1/lookup?value=999.1.1.1").status, 400, "lookup of an invalid value: 400")
        t.eq(n.get("/api/v1/lookup").status, 400, "lookup without value: 400")
        r = n.post("/api/v1/lookup", {"values": ["www.evil-example.com", "8.8.8.8", "not a value", "+6281234567890"]})
        res = r.json()["results"]
        t.eq([x["match"] for x in res], [True, False, False, True], "batch lookup")
        t.ok("error" in res[2], "batch lookup explains a bad value")
        t.eq(n.post("/api/v1/lookup", {"values": ["1.1.1.1"] * 10001}).status, 400, "batch over 10000: 400")

        # PATCH and DELETE change the caller's own assertion only.
        r = n.request("PATCH", "/api/v1/indicators/" + did, {"confidence": 95, "tags": ["phishing", "bank"]})
        t.ok(r.status == 200 and r.json()["confidence"] == 95 and r.json()["tags"] == ["bank", "phishing"], "PATCH", r)
        t.eq(n.request("PATCH", "/api/v1/indicators/" + did, {"value": "x.example"}).status, 400, "PATCH value: 400")
        r = n.request("PATCH", "/api/v1/indicators/" + did, {"confidence": 1}, key=bank)
        t.eq((r.status, r.json()["confidence"]), (200, 1), "PATCH by another org changes its own assertion")
        t.eq(n.get("/api/v1/indicators/" + did).json()["confidence"], 95, "the origin's assertion is untouched")
        t.eq(n.request("PATCH", "/api/v1/indicators/" + did, {"confidence": 1}, key=telco).status, 403,
             "PATCH by an org with no assertion: 403")
        t.eq(n.request("DELETE", "/api/v1/indicators/" + did, key=telco).status, 403,
             "DELETE by an org with no assertion: 403")
        t.eq(n.request("DELETE", "/api/v1/indicators/" + did).status, 200, "DELETE revokes")
        l = n.get("/api/v1/lookup?value=www.evil-example.com").json()
        t.eq((l["match"], l["hits"][0]["indicator"]["confidence"]), (True, 1),
             "after the origin revokes, the bank's GREEN assertion still matches")
        t.eq(n.request("DELETE", "/api/v1/indicators/" + did, key=bank).status, 200, "the bank revokes its own")
        l = n.get("/api/v1/lookup?value=www.evil-example.com").json()
        t.eq(l["match"], False, "revoked value no longer matches")
        t.eq(n.get("/api/v1/indicators/" + did).json()["revoked"], True, "revoked indicator still readable")

        # Acknowledged means durable: 201, kill -9, restart, still there.
        r = n.post("/api/v1/indicators", {"value": "durable.example", "tlp": "green"})
        t.eq(r.status, 201, "write before crash")
        n.stop(signal.SIGKILL)
        n.start()
        t.eq(n.get("/api/v1/lookup?value=durable.example").json()["match"], True, "survives kill -9")
        m = n.get("/metrics").body
        t.ok("oureyes_lookups_total 1" in m and "oureyes_indicators " in m, "metrics count lookups", m[-400:])
    finally:
        n.close()


TAP().run(main)
