"""TAXII 2.1 conformance of the server at /taxii2/ (docs/taxii.md), over a real
node: discovery, API root, collections derived from sharing scopes (each caller
sees exactly the collections and objects it may read), objects and manifest
with every filter, pages chained by next and by added_after, one object, its
versions, POST with its status, DELETE, the X-TAXII-Date-Added-* headers, media
types, HTTP Basic and Bearer auth, and TAXII error messages; every object
returned validates against the OASIS STIX 2.1 schemas."""
import base64
import json
import os
import re
import subprocess
import tempfile
import uuid

from oe import Node, SRC, TAP, run, shared

TAXII = "application/taxii+json;version=2.1"
NS = uuid.UUID("6b1f3c52-940e-5a7d-8e21-4d0c3a779b15")  # oe_uuid_ns_indicator
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
MARK = {"clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"}


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


TOMBSTONE_KEYS = {"type", "spec_version", "id", "created", "modified", "valid_from", "pattern", "pattern_type",
                  "revoked"}


def tombstone(o):
    """A revocation tombstone: nothing of the object but its id (docs/sharing.md)."""
    return (o.get("revoked") is True and set(o) <= TOMBSTONE_KEYS and o["type"] == "indicator"
            and o["created"] == o["modified"] and o["pattern"] == "[x-oureyes-withdrawn:value = 'none']")


def aid(org_identity, typ, value):
    """The STIX id of an organisation's assertion (docs/sharing.md)."""
    return "indicator--" + str(uuid.uuid5(NS, f"{org_identity}|{typ}:{value}"))


class Client:
    def __init__(self, node, k, basic=False):
        self.n, self.k, self.basic = node, k, basic

    def req(self, method, path, body=None, accept=TAXII, ctype=TAXII, raw=None, headers=None):
        h = dict(headers or {})
        if accept is not None:
            h["Accept"] = accept
        k = self.k
        if self.basic:
            h["Authorization"] = "Basic " + base64.b64encode(f"user:{k}".encode()).decode()
            k = None
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None and ctype is not None:
            h["Content-Type"] = ctype
        return self.n.request(method, path, key=k, headers=h, raw=raw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)


def main(t):
    n = Node(org="ID-BSSN", country="ID")
    objects_seen = []
    try:
        d = n.dir
        cn = json.loads(run("peer", "invite", "--data", d, "--name", "CN-CAC", "--country", "CN")[1])["api_key"]
        run("peer", "invite", "--data", d, "--name", "MY-NACSA", "--country", "MY")
        run("peer", "invite", "--data", d, "--name", "SG-CSA", "--country", "SG")
        run("org", "add", "--data", d, "--name", "Bank Mandiri", "--country", "ID")
        run("org", "add", "--data", d, "--name", "Telkomsel", "--country", "ID")
        run("group", "add", "--data", d, "--name", "id-cn", "--member", "org:CN-CAC", "--member", "Bank Mandiri")
        run("group", "add", "--data", d, "--name", "asean-nodes", "--member", "peer:MY-NACSA")
        analyst = key(n, "ID-BSSN", "analyst")
        bank_w = key(n, "Bank Mandiri", "analyst")
        bank = key(n, "Bank Mandiri", "reader")
        telco = key(n, "Telkomsel", "reader")
        my = key(n, "MY-NACSA", "peer")
        sg = key(n, "SG-CSA", "peer")
        n.start()
        orgs = {o["name"]: o["org_id"] for o in map(json.loads, run("org", "list", "--data", d)[1].splitlines())}
        me = orgs["ID-BSSN"]

        def post(value, k=analyst, **kw):
            body = {"value": value}
            body.update(kw)
            r = n.post("/api/v1/indicators", body, key=k)
            assert r.status == 201, r
            return r.json()

        post("amber-group.example", sharing_group="id-cn")
        post("strict-group.example", tlp="amber+strict", sharing_group="id-cn")
        post("amber-nodes.example", tlp="amber", sharing_group="asean-nodes")
        post("strict-nodes.example", tlp="amber+strict", sharing_group="asean-nodes")
        post("amber-plain.example", tlp="amber")
        post("red.example", tlp="red")
        post("green.example", tlp="green", tags=["phishing"], confidence=80)
        post("192.0.2.1", tlp="clear")
        post("green.example", k=bank_w, tlp="green", tags=["bank-seen"])  # a second organisation's assertion

        A = Client(n, analyst)
        # ---- auth, discovery, API root ---------------------------------------
        r = n.request("GET", "/taxii2/", key=None, headers={"Accept": TAXII})
        www = r.headers.get("WWW-Authenticate", "")
        t.ok(r.status == 401 and "Basic" in www and "Bearer" in www, "401 without credentials, with WWW-Authenticate Basic and Bearer", (r, www))
        t.ok(r.headers.get("Content-Type") == TAXII and r.json().get("http_status") == "401" and r.json().get("title"),
             "the 401 is a TAXII error message", (r.headers.get("Content-Type"), r))
        r = Client(n, analyst[:-2] + "xx").get("/taxii2/")
        t.eq(r.status, 401, "a wrong key: 401")
        r = Client(n, "wrong-key", basic=True).get("/taxii2/")
        t.eq(r.status, 401, "HTTP Basic with a wrong password: 401")
        r = Client(n, analyst, basic=True).get("/taxii2/")
        disc = r.json()
        t.ok(r.status == 200 and r.headers.get("Content-Type") == TAXII and disc["api_roots"] == ["/taxii2/api/"]
             and disc["default"] == "/taxii2/api/" and disc["title"], "discovery over HTTP Basic (the key as the password)", r)
        t.eq(disc.get("x_oureyes_identity", {}).get("id"), me, "discovery names the operator's identity")
        r = A.get("/taxii2/api/")
        t.ok(r.status == 200 and TAXII in r.json()["versions"] and r.json()["max_content_length"] > 0,
             "API root over Bearer: versions and max_content_length", r)

        # ---- media types -----------------------------------------------------
        t.eq(A.get("/taxii2/api/", accept="application/json").status, 406, "Accept: application/json: 406")
        t.eq(A.get("/taxii2/api/", accept="application/taxii+json;version=2.0").status, 406, "Accept of TAXII 2.0: 406")
        t.eq(A.get("/taxii2/api/", accept="application/taxii+json;version=2.1;q=0").status, 406, "q=0 refuses: 406")
        for acc in ("application/taxii+json", "application/taxii+json; version=2.1", "*/*",
                    "application/json, application/taxii+json;version=2.1;q=0.5"):
            t.eq(A.get("/taxii2/api/", accept=acc).status, 200, f"Accept: {acc}: 200")
        r = A.get("/taxii2/api/", accept="text/html")
        t.ok(r.status == 406 and r.json().get("http_status") == "406" and r.headers.get("Content-Type") == TAXII,
             "406 is a TAXII error message", r)

        # ---- collections per caller ------------------------------------------
        callers = {"analyst": analyst, "bank": bank, "telco": telco, "cn": cn, "my": my, "sg": sg}
        want_cols = {"analyst": ["community", "group-asean-nodes", "group-id-cn"],
                     "bank": ["community", "group-id-cn"], "telco": ["community"],
                     "cn": ["community", "group-id-cn"], "my": ["community", "group-asean-nodes"],
                     "sg": ["community"]}
        cols = {}
        for who, k in callers.items():
            r = Client(n, k).get("/taxii2/api/collections/")
            lst = r.json().get("collections", [])
            cols[who] = {c["title"]: c for c in lst}
            t.eq(sorted(cols[who]), want_cols[who], f"{who} lists exactly its collections")
        ca = cols["analyst"]
        t.ok(all(c["can_read"] and c["can_write"] and c["media_types"] == ["application/stix+json;version=2.1"]
                 for c in ca.values()), "an analyst may read and write its collections", ca)
        t.ok(not cols["bank"]["community"]["can_write"], "a reader may not write", cols["bank"]["community"])
        t.ok(cols["cn"]["community"]["can_write"], "a peer may write to what it reads")
        t.eq(cols["bank"]["community"]["id"], ca["community"]["id"], "collection ids are the same for every caller")
        t.ok(all(re.match(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", c["id"])
                 for c in ca.values()), "collection ids are v4 uuids")
        t.ok("ID-BSSN" in ca["group-id-cn"]["description"], "a group's collection names its owner", ca["group-id-cn"])
        com = "/taxii2/api/collections/" + ca["community"]["id"] + "/"
        gcn = "/taxii2/api/collections/" + ca["group-id-cn"]["id"] + "/"
        gas = "/taxii2/api/collections/" + ca["group-asean-nodes"]["id"] + "/"
        r = A.get(com)
        t.eq((r.status, r.json()["title"]), (200, "community"), "GET a collection")
        t.eq(A.get("/taxii2/api/collections/community/").json().get("id"), ca["community"]["id"], "the community alias")
        t.eq(Client(n, bank).get(gas).status, 404, "another group's collection is not found for a non-member")
        t.eq(Client(n, sg).get(gcn + "objects/").status, 404, "nor its objects")
        t.eq(A.get("/taxii2/api/collections/00000000-0000-4000-8000-000000000000/").status, 404, "unknown collection: 404")

        # ---- who sees what ------------------------------------------------------
        def values(k, path):
            r = Client(n, k).get(path + "objects/")
            assert r.status == 200, r
            objs = r.json().get("objects", [])
            objects_seen.extend(objs)
            return sorted((o["x_oureyes_value"]) for o in objs if o["type"] == "indicator"), objs, r

        green = ["192.0.2.1", "green.example", "green.example"]
        for who, k in callers.items():
            got, objs, r = values(k, com)
            t.eq(got, green, f"{who}: community holds every CLEAR and GREEN assertion, and nothing else")
        got, objs, r = values(analyst, com)
        ids = {o["id"] for o in objs}
        t.ok(aid(me, "domain", "green.example") in ids and aid(orgs["Bank Mandiri"], "domain", "green.example") in ids,
             "each organisation's assertion is its own object, its id derived from identity and value", ids)
        byid = {o["id"]: o for o in objs}
        mine = byid[aid(me, "domain", "green.example")]
        t.ok(mine["labels"] == ["phishing"] and mine["confidence"] == 80 and mine["created_by_ref"] == me
             and mine["object_marking_refs"] == [MARK["green"]] and mine["x_oureyes_type"] == "domain"
             and mine["pattern"] == "[domain-name:value = 'green.example']", "the assertion's own tags, confidence, marking, pattern", mine)
        t.eq(byid[aid(orgs["Bank Mandiri"], "domain", "green.example")]["labels"], ["bank-seen"], "the other organisation's own tags")
        idents = {o["id"]: o for o in objs if o["type"] == "identity"}
        t.ok(all(o["created_by_ref"] in idents for o in objs if o["type"] == "indicator"),
             "every created_by_ref's identity is in the same envelope", sorted(idents))
        t.eq(idents[me].get("x_oureyes_country"), "ID", "identities carry their country")
        order = [o["id"] for o in objs]
        t.ok(all(order.index(o["created_by_ref"]) < order.index(o["id"]) for o in objs if o["type"] == "indicator"),
             "an identity comes before the first object that names it")
        t.ok(all(STAMP.match(r.headers.get(h, "")) for h in ("X-TAXII-Date-Added-First", "X-TAXII-Date-Added-Last"))
             and r.headers["X-TAXII-Date-Added-First"] <= r.headers["X-TAXII-Date-Added-Last"],
             "X-TAXII-Date-Added-First/Last in microseconds", dict(r.headers))

        want = {"analyst": (["amber-group.example", "strict-group.example"], ["amber-nodes.example", "strict-nodes.example"]),
                "bank": (["amber-group.example", "strict-group.example"], None),
                "cn": (["amber-group.example", "strict-group.example"], None),
                "my": (None, ["amber-nodes.example"])}
        for who, (wcn, was) in want.items():
            if wcn is not None:
                t.eq(values(callers[who], gcn)[0], wcn, f"{who}: group id-cn holds its AMBER and AMBER+STRICT")
            if was is not None:
                t.eq(values(callers[who], gas)[0], was, f"{who}: group asean-nodes" +
                     (" (no AMBER+STRICT for a peer named only as a node)" if who == "my" else ""))
        _, gobjs, _ = values(analyst, gcn)
        sh = [o.get("x_oureyes_sharing") for o in gobjs if o["type"] == "indicator"]
        t.ok(all(s and s["group"] == "id-cn" and sorted(s["members"]) == sorted([me, orgs["Bank Mandiri"], orgs["CN-CAC"]])
                 for s in sh), "group objects carry x_oureyes_sharing with the members' identities", sh)
        everything = set()
        for who, k in callers.items():
            for c in cols[who].values():
                everything.update(values(k, "/taxii2/api/collections/" + c["id"] + "/")[0])
        t.ok("red.example" not in everything and "amber-plain.example" not in everything,
             "RED and AMBER without a group are in no collection", sorted(everything))

        # ---- filters --------------------------------------------------------------
        def objs_of(path, k=analyst):
            r = Client(n, k).get(path)
            assert r.status == 200, r
            objs = r.json().get("objects", [])
            if "/manifest/" not in path:
                objects_seen.extend(objs[:100])
            return objs, r

        o, _ = objs_of(com + "objects/?match[type]=identity")
        t.ok(o and all(x["type"] == "identity" for x in o), "match[type]=identity", o)
        o, _ = objs_of(com + "objects/?match[type]=indicator")
        t.ok(len(o) == 3 and all(x["type"] == "indicator" for x in o), "match[type]=indicator", o)
        o, r = objs_of(com + "objects/?match[type]=malware,campaign")
        t.ok(o == [] and "objects" not in r.json(), "match[type] of other STIX types: an empty envelope", r)
        gid = aid(me, "domain", "green.example")
        cid = aid(me, "ipv4", "192.0.2.1")
        o, _ = objs_of(com + "objects/?match[type]=indicator&match[id]=" + gid)
        t.eq([x["id"] for x in o], [gid], "match[id]")
        o, _ = objs_of(com + "objects/?match[type]=indicator&match[id]=" + gid + "," + cid.upper().replace("INDICATOR", "indicator"))
        t.eq(sorted(x["id"] for x in o), sorted([gid, cid]), "match[id] with two ids (any case)")
        ver = mine["modified"]
        for v in ("all", "first", "last", "first,last", ver, ver.replace("Z", "000Z"), "2001-01-01T00:00:00.000Z," + ver):
            o, _ = objs_of(com + f"objects/?match[type]=indicator&match[id]={gid}&match[version]={v}")
            t.eq([x["id"] for x in o], [gid], f"match[version]={v}")
        o, _ = objs_of(com + f"objects/?match[id]={gid}&match[version]=2001-01-01T00:00:00.000Z")
        t.eq(o, [], "match[version] of another version: nothing")
        t.eq(objs_of(com + "objects/?match[spec_version]=2.0")[0], [], "match[spec_version]=2.0: nothing")
        t.eq(len(objs_of(com + "objects/?match[spec_version]=2.0,2.1&match[type]=indicator")[0]), 3, "match[spec_version]=2.0,2.1")
        o, r = objs_of(com + "objects/?added_after=2099-01-01T00:00:00Z")
        t.ok(o == [] and r.json().get("more") is False, "added_after in the future: an empty envelope", r)
        o, r = objs_of(com + "objects/?match[unknown]=x&foo=bar")
        t.ok(len(o) >= 3, "unknown parameters and match fields are ignored")
        for bad in ("limit=0", "limit=-1", "limit=x", "added_after=yesterday", "added_after=2020-01-01",
                    "added_after=2020-01-01T00:00:00Z&added_after=2021-01-01T00:00:00Z",
                    "match[version]=all,last", "match[version]=last,last", "match[id]=not-an-id",
                    "match[type]=Bad_Type", "match[spec_version]=two", "match[type]=", "next=%01",
                    "next=bm90LWEtY3Vyc29y", "match[id]=" + gid + "&match[id]=" + gid):
            r = A.get(com + "objects/?" + bad)
            t.ok(r.status == 400 and r.json().get("http_status") == "400", f"malformed {bad}: 400 with a TAXII error", r)
        r = A.get(com + "manifest/?limit=x")
        t.eq(r.status, 400, "manifest: malformed parameters: 400")

        # ---- manifest, one object, versions ------------------------------------------
        r = A.get(com + "manifest/?match[type]=indicator")
        man = r.json()["objects"]
        t.ok(len(man) == 3 and all(STAMP.match(m["date_added"]) and m["media_type"] == "application/stix+json;version=2.1"
                                   for m in man), "manifest records with microsecond date_added", man)
        t.eq(r.headers.get("X-TAXII-Date-Added-First"), man[0]["date_added"], "the manifest's First header is its first date_added")
        t.eq(r.headers.get("X-TAXII-Date-Added-Last"), man[-1]["date_added"], "the manifest's Last header is its last date_added")
        t.ok([m["date_added"] for m in man] == sorted(m["date_added"] for m in man), "manifest sorted by date_added")
        mrec = [m for m in man if m["id"] == gid][0]
        r = A.get(com + "objects/" + gid + "/")
        o = r.json().get("objects", [])
        t.ok(r.status == 200 and [x["id"] for x in o] == [gid] and r.headers.get("X-TAXII-Date-Added-First") == mrec["date_added"],
             "GET one object: an envelope with it, and its date_added headers", r)
        t.eq(A.get(com + "objects/" + gid + "/?match[version]=2001-01-01T00:00:00.000Z").json().get("objects"), None,
             "one object, another version: an empty envelope")
        r = A.get(com + "objects/" + gid + "/versions/")
        t.ok(r.status == 200 and r.json().get("versions") and all(STAMP.match(v) for v in r.json()["versions"])
             and r.headers.get("X-TAXII-Date-Added-Last") == mrec["date_added"], "versions of one object", r)
        t.eq(A.get(com + "objects/" + aid(me, "domain", "red.example") + "/").status, 404, "an object not in the collection: 404")
        t.eq(A.get(com + "objects/indicator--00000000-0000-4000-8000-000000000000/versions/").status, 404, "versions of an unknown object: 404")
        t.eq(A.get(com + "objects/not-an-id/").status, 404, "a malformed object id: 404")
        t.eq(Client(n, cn).get(gcn + "objects/" + aid(me, "domain", "amber-group.example") + "/").status, 200,
             "a peer gets one object of its group")
        t.eq(Client(n, my).get(gas + "objects/" + aid(me, "domain", "strict-nodes.example") + "/").status, 404,
             "AMBER+STRICT by id: not for a peer named only as a node")
        t.eq(A.get("/taxii2/api/collections/").headers.get("X-TAXII-Date-Added-First"), None, "no date headers on collections")
        t.eq(A.get("/taxii2/api/nothing/").status, 404, "unknown path: 404")
        t.eq(A.get("/taxii2/api").status, 404, "a path without its trailing slash: 404")
        r = A.req("POST", "/taxii2/api/", body={})
        t.ok(r.status == 405 and "GET" in r.headers.get("Allow", ""), "POST on the API root: 405 with Allow", r)
        r = A.req("PUT", com + "objects/", body={})
        t.ok(r.status == 405 and r.json().get("http_status") == "405", "PUT: 405 as a TAXII error", r)

        # ---- POST objects, status ------------------------------------------------------
        env = {"objects": [
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--11111111-1111-4111-8111-111111111111",
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-02T00:00:00.000Z",
             "pattern": "[domain-name:value = 'posted.example']", "pattern_type": "stix",
             "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": [MARK["green"]]},
            {"type": "indicator", "spec_version": "2.1", "id": "indicator--22222222-2222-4222-8222-222222222222",
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
             "pattern": "[file:name = 'x.exe']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
            {"type": "malware", "spec_version": "2.1", "id": "malware--33333333-3333-4333-8333-333333333333",
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "name": "x", "is_family": False},
            {"type": "identity", "spec_version": "2.1", "id": "identity--44444444-4444-4444-8444-444444444444",
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "name": "Someone"}]}
        t.eq(A.req("POST", com + "objects/", body=env, ctype="application/json").status, 415, "POST as application/json: 415")
        t.eq(A.req("POST", com + "objects/", body=env, ctype="application/stix+json;version=2.1").status, 415,
             "POST as STIX media type: 415")
        t.eq(A.req("POST", com + "objects/", body=env, ctype="application/taxii+json;version=2.0").status, 415,
             "POST as TAXII 2.0: 415")
        r = A.req("POST", com + "objects/", raw=b'{"objects": [', ctype=TAXII)
        t.ok(r.status == 400 and r.json().get("http_status") == "400", "POST of broken JSON: 400", r)
        t.eq(A.req("POST", com + "objects/", body={"objects": {}}).status, 422, "POST of a body that is not an envelope: 422")
        t.eq(A.req("POST", com + "objects/", body=env, accept="text/plain").status, 406, "POST with a wrong Accept: 406")
        t.eq(Client(n, bank).req("POST", com + "objects/", body=env).status, 403, "a reader may not POST: 403")
        r = A.req("POST", com + "objects/", body=env)
        st = r.json()
        t.ok(r.status == 202 and r.headers.get("Content-Type") == TAXII and st["status"] == "complete"
             and st["total_count"] == 4 and st["success_count"] == 2 and st["failure_count"] == 2 and st["pending_count"] == 0,
             "POST: 202 and a complete status", r)
        t.eq(sorted(x["id"] for x in st.get("successes", [])),
             ["identity--44444444-4444-4444-8444-444444444444", "indicator--11111111-1111-4111-8111-111111111111"],
             "the status lists each success by id")
        t.ok(all(x.get("message") and x.get("version") for x in st.get("failures", [])), "each failure says why", st)
        t.ok(re.match(r"^[0-9a-f-]{36}$", st["id"]) and STAMP.match(st["request_timestamp"]), "status id and request timestamp", st)
        r = A.get("/taxii2/api/status/" + st["id"] + "/")
        t.eq((r.status, r.json()), (200, st), "GET status returns the same status")
        t.eq(Client(n, bank).get("/taxii2/api/status/" + st["id"] + "/").status, 404, "another organisation's status: 404")
        t.eq(A.get("/taxii2/api/status/00000000-0000-4000-8000-000000000000/").status, 404, "unknown status: 404")
        r = A.req("POST", com + "objects/", body=env)
        t.ok(r.status == 202 and r.json()["success_count"] == 2, "POSTing the same objects again is no error", r)
        pid = aid(me, "domain", "posted.example")
        o, _ = objs_of(com + "objects/?match[id]=" + pid)
        t.ok(len(o) == 1 and o[0]["created_by_ref"] == me and o[0]["object_marking_refs"] == [MARK["green"]],
             "the posted indicator is in the collection as the caller's assertion", o)

        # A peer posts AMBER to its group: members see it, the peer does not get it back.
        cnc = Client(n, cn)
        env2 = {"objects": [{"type": "indicator", "spec_version": "2.1", "id": "indicator--55555555-5555-4555-8555-555555555555",
                             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                             "pattern": "[domain-name:value = 'from-cn.example']", "pattern_type": "stix",
                             "valid_from": "2026-01-01T00:00:00Z", "object_marking_refs": [MARK["amber"]]}]}
        r = cnc.req("POST", gcn + "objects/", body=env2)
        t.ok(r.status == 202 and r.json()["success_count"] == 1, "a peer POSTs to its group's collection", r)
        from_cn = aid(orgs["CN-CAC"], "domain", "from-cn.example")
        t.ok(from_cn in [x["id"] for x in objs_of(gcn + "objects/", bank)[0]], "a member organisation gets the peer's object")
        t.ok(from_cn not in [x["id"] for x in objs_of(gcn + "objects/", cn)[0]], "the peer does not get its own object back")
        t.eq(cnc.get(gcn + "objects/" + from_cn + "/").status, 404, "not even by id")
        t.eq(cnc.get("/taxii2/api/status/" + r.json()["id"] + "/").status, 200, "the peer reads its status")

        # ---- DELETE ---------------------------------------------------------------------
        t.eq(Client(n, bank_w).req("DELETE", com + "objects/" + pid + "/").status, 403,
             "DELETE of another organisation's object: 403")
        t.eq(Client(n, bank).req("DELETE", com + "objects/" + pid + "/").status, 403, "a reader may not DELETE: 403")
        t.eq(A.req("DELETE", com + "objects/" + pid + "/?match[version]=2001-01-01T00:00:00.000Z").status, 404,
             "DELETE of a version that is not there: 404")
        t.eq(A.req("DELETE", com + "objects/indicator--00000000-0000-4000-8000-000000000000/").status, 404, "DELETE unknown: 404")
        t.eq(n.get("/api/v1/lookup?value=posted.example", key=analyst).json()["match"], True, "before DELETE the value matches")
        r = A.req("DELETE", com + "objects/" + pid + "/")
        t.ok(r.status == 200 and r.headers.get("Content-Type") == TAXII, "DELETE of one's own object: 200", r)
        t.eq(A.get(com + "objects/" + pid + "/").status, 404, "after DELETE, GET of the object: 404")
        gone = [x for x in objs_of(com + "objects/")[0] if x["id"] == pid]
        t.ok(len(gone) == 1 and tombstone(gone[0]),
             "in the objects it is only a revocation: id, times, revoked, nothing of the value", gone)
        t.eq(len([m for m in A.get(com + "manifest/").json().get("objects", []) if m["id"] == pid]), 1,
             "the manifest lists that revocation once")
        t.eq(n.get("/api/v1/lookup?value=posted.example", key=analyst).json()["match"], False,
             "the deleted object's assertion is revoked: no lookup matches it")

        # ---- changes show: revoked, moved out of scope ------------------------------------
        cobj = n.get("/api/v1/indicators?value=192.0.2.1", key=analyst).json()["indicators"][0]
        n.request("DELETE", "/api/v1/indicators/" + cobj["id"], key=analyst)
        o, _ = objs_of(com + "objects/?match[id]=" + cid)
        t.ok(len(o) == 1 and tombstone(o[0]), "an assertion revoked through the API is served as a revocation", o)
        gobj = n.get("/api/v1/indicators?value=green.example", key=analyst).json()["indicators"][0]
        r = n.request("PATCH", "/api/v1/indicators/" + gobj["id"], {"tlp": "amber"}, key=analyst)
        t.eq(r.status, 200, "PATCH the GREEN assertion to AMBER")
        got = [x["id"] for x in objs_of(com + "objects/")[0]]
        left = [x for x in objs_of(com + "objects/")[0] if x["id"] == gid]
        t.ok(len(left) == 1 and tombstone(left[0]) and aid(orgs["Bank Mandiri"], "domain", "green.example") in got,
             "an assertion made AMBER leaves the community collection as a revocation; the other organisation's stays",
             got)

        # ---- 2500 objects in pages of 1000 ---------------------------------------------------
        csv = "type,value,tlp\n" + "".join(f"domain,bulk-{i:05d}.example,green\n" for i in range(2500))
        r = n.request("POST", "/api/v1/import", raw=csv.encode(), headers={"Content-Type": "text/csv"}, key=analyst)
        t.ok(r.status == 200 and r.json()["imported"] == 2500, "2500 GREEN values imported", r)
        total = {x["id"] for x in objs_of(com + "manifest/?limit=10000&match[type]=indicator")[0]}
        t.ok(len(total) >= 2500, "the manifest lists them all with a large limit", len(total))

        def chain(mode):
            seen, pages, url, more = [], 0, com + "objects/?limit=1000&match[type]=indicator", True
            nxt = None
            while more and pages < 10:
                r = A.get(url if nxt is None else (com + "objects/?limit=1000&match[type]=indicator&" + nxt))
                assert r.status == 200, r
                e = r.json()
                objs = e.get("objects", [])
                objects_seen.extend(objs[:50])
                assert len(objs) <= 1000, len(objs)
                seen += [x["id"] for x in objs]
                more = e.get("more", False)
                pages += 1
                if mode == "next":
                    assert not more or e.get("next"), e.keys()
                    nxt = "next=" + e["next"] if more else None
                else:
                    nxt = "added_after=" + r.headers["X-TAXII-Date-Added-Last"]
            return seen, pages

        for mode in ("next", "added_after"):
            seen, pages = chain(mode)
            t.ok(len(seen) == len(set(seen)) and set(seen) == total, f"paging by {mode}: no object lost or repeated "
                 f"({len(seen)} objects in {pages} pages)", (len(seen), len(set(seen)), len(total)))
            t.ok(pages >= 3, f"paging by {mode}: 1000 a page", pages)
        r = A.get(com + "objects/?limit=1")
        e = r.json()
        t.ok(len(e["objects"]) == 1 and e["more"] is True and e.get("next"), "limit=1: one object, more and next", e)
        t.eq(A.get(gcn + "objects/?next=" + e["next"]).status, 400, "a next of another collection: 400")
        r = A.get(com + "objects/?limit=100000&match[type]=indicator")
        t.ok(r.status == 200 and len(r.json()["objects"]) <= 10000, "a limit over the server's is lowered to it")

        # ---- every object validates -----------------------------------------------------
        schemas = shared("fixtures", "stix", "oasis-json-schemas", "schemas")
        if not schemas:
            t.skip("objects validate against the OASIS schemas", "../shared absent")
        else:
            uniq = {}
            for o in objects_seen:
                uniq[(o["id"], o.get("modified"))] = o
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "taxii.json")
                bundle = {"type": "bundle", "id": "bundle--" + str(uuid.uuid4()), "objects": list(uniq.values())}
                open(path, "w").write(json.dumps(bundle))
                p = subprocess.run(["/usr/bin/python3", os.path.join(SRC, "tests", "stix_validate.py"), path],
                                   capture_output=True, text=True, timeout=600)
                t.ok(p.returncode == 0, f"every object served validates against the OASIS STIX 2.1 schemas ({len(uniq)} objects)",
                     p.stdout[-2000:] + p.stderr[-2000:])
    finally:
        n.close()


if __name__ == "__main__":
    TAP().run(main)
