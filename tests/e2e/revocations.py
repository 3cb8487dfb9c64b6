"""Deletions and narrowing reach every node that had the object (docs/sharing.md,
"Revocations"). ID, CN and MY are three `oureyes serve` processes pulling from
each other on the scheduler, as in three_nodes.py. GREEN from ID reaches CN and
MY; then ID raises one value to RED, deletes one through TAXII, revokes one
through the API and scopes one to a group {ID, CN}: after the next pulls none of
them is looked up at MY any more, only the last one still is at CN, and nothing
of the RED value is served by ID or CN again, only a tombstone that carries its
id. A group {ID, CN, MY} loses MY: MY drops the group's AMBER, CN keeps it and
stops passing it on to MY. No node is ever served its own objects back."""
import json
import time
import urllib.parse
import uuid

from oe import TAP, run
from nodes import Country, pair, synced_after, wait

NS = uuid.UUID("6b1f3c52-940e-5a7d-8e21-4d0c3a779b15")  # src/core/uuid.c
TAXII = "application/taxii+json;version=2.1"
TOMBSTONE_KEYS = {"type", "spec_version", "id", "created", "modified", "valid_from", "pattern", "pattern_type",
                  "revoked"}


def aid(identity, typ, value):
    return "indicator--" + str(uuid.uuid5(NS, f"{identity}|{typ}:{value}"))


def tombstone(o):
    """Nothing of the object but its id: no value, no marking, no origin."""
    return (o.get("revoked") is True and set(o) <= TOMBSTONE_KEYS
            and o["pattern"] == "[x-oureyes-withdrawn:value = 'none']")


def served(c, key, collection="community"):
    """Everything c's TAXII server gives the key in a collection, as text and objects."""
    objs, nxt, text = [], None, ""
    for _ in range(50):
        q = "?limit=10000" + ("&next=" + urllib.parse.quote(nxt) if nxt else "")
        r = c.node.get(f"/taxii2/api/collections/{collection}/objects/" + q, key=key, headers={"Accept": TAXII})
        assert r.status == 200, r
        text += r.body
        e = r.json()
        objs += e.get("objects", [])
        if not e.get("more"):
            break
        nxt = e["next"]
    return text, objs


def main(t):
    ID, CN, MY = Country("ID-BSSN", "ID"), Country("CN-CAC", "CN"), Country("MY-NACSA", "MY")
    nodes = (ID, CN, MY)
    try:
        for c in nodes:
            c.start()
        keys = {}
        for a in nodes:
            for b in nodes:
                if a is not b:
                    keys[(a.name, b.name)] = pair(a, b)  # b pulls from a with it
        t.ok(wait(lambda: all(len(c.peers()) == 2 and all(p["last_success"] for p in c.peers().values())
                              for c in nodes), 60), "each node pulls from the two others")
        ident = ID.node.get("/taxii2/", headers={"Accept": TAXII}).json()["x_oureyes_identity"]["id"]

        run("group", "add", "--data", ID.node.dir, "--name", "id-cn", "--member", "org:CN-CAC")
        run("group", "add", "--data", ID.node.dir, "--name", "all3", "--member", "org:CN-CAC",
            "--member", "org:MY-NACSA")
        post = lambda body: ID.node.post("/api/v1/indicators", body)
        ids = {}
        for v, extra in (("to-red.example", {}), ("taxii-del.example", {}), ("api-del.example", {}),
                         ("to-amber.example", {}), ("stays.example", {})):
            r = post({"value": v, "tlp": "green", **extra})
            assert r.status == 201, r
            ids[v] = r.json()["id"]
        r = post({"value": "grp3.example", "tlp": "amber", "sharing_group": "all3"})
        t.eq(r.status, 201, "ID stores five GREEN values and one AMBER for {ID, CN, MY}")
        every = ("to-red.example", "taxii-del.example", "api-del.example", "to-amber.example", "stays.example",
                 "grp3.example")
        t.ok(wait(lambda: all(c.lookup(v) for c in (CN, MY) for v in every), 90),
             "all of them reach CN and MY")

        # ---- ID narrows, deletes, revokes --------------------------------------------
        t0 = time.time()
        r = ID.node.request("PATCH", "/api/v1/indicators/" + ids["to-red.example"], {"tlp": "red"})
        t.eq(r.status, 200, "ID raises to-red.example from GREEN to RED")
        del_id = aid(ident, "domain", "taxii-del.example")
        r = ID.node.request("DELETE", "/taxii2/api/collections/community/objects/" + del_id + "/",
                            headers={"Accept": TAXII})
        t.eq(r.status, 200, "ID deletes taxii-del.example through TAXII")
        r = ID.node.request("DELETE", "/api/v1/indicators/" + ids["api-del.example"])
        t.ok(r.status in (200, 204), "ID deletes api-del.example through its API", r)
        r = ID.node.request("PATCH", "/api/v1/indicators/" + ids["to-amber.example"],
                            {"tlp": "amber", "sharing_group": "id-cn"})
        t.eq(r.status, 200, "ID scopes to-amber.example to AMBER for {ID, CN}")
        gone = ("to-red.example", "taxii-del.example", "api-del.example")
        t.ok(wait(lambda: not any(c.lookup(v) for c in (CN, MY) for v in gone), 90),
             "after the next pulls CN and MY no longer look up the RED, the deleted and the revoked value")
        t.ok(wait(lambda: not MY.lookup("to-amber.example"), 90), "MY no longer looks up the one scoped to {ID, CN}")
        t.ok(wait(synced_after(CN, t0 + 1), 60) and wait(synced_after(MY, t0 + 1), 60),
             "CN and MY pulled from both others after the changes")
        t.ok(CN.lookup("to-amber.example"), "CN, in the group, still looks it up")
        det = CN.node.get("/api/v1/indicators?value=to-amber.example").json()["indicators"]
        t.eq([d.get("tlp") for d in det], ["amber"], "at CN it is AMBER now")
        t.ok(all(c.lookup("stays.example") for c in (CN, MY)), "what did not change stays everywhere")
        t.ok(ID.lookup("to-red.example"), "the RED value still matches at ID itself")

        # Nothing of the RED value is served again: ID and CN give MY (and CN) only its id.
        red_id = aid(ident, "domain", "to-red.example")
        for src, dst in ((ID, MY), (ID, CN), (CN, MY)):
            text, objs = served(src, keys[(src.name, dst.name)])
            mine = [o for o in objs if o["id"] == red_id]
            t.ok("to-red.example" not in text and all(tombstone(o) for o in mine),
                 f"{src.cc} serves {dst.cc} no trace of the RED value but a tombstone", mine)
        text, objs = served(ID, keys[("ID-BSSN", "MY-NACSA")])
        t.ok([o for o in objs if o["id"] == del_id and tombstone(o)],
             "the TAXII-deleted object is served to MY as a tombstone")
        t.ok("to-amber.example" not in text, "ID's community no longer carries the value scoped to {ID, CN}")
        rows = MY.db("SELECT revoked FROM indicators WHERE value IN ('to-red.example','taxii-del.example',"
                     "'api-del.example','to-amber.example')")
        t.eq(sorted(rows), [(1,)] * 4, "MY holds each of them revoked")

        # ---- a sharing group loses a member ---------------------------------------------
        t.ok(all(c.lookup("grp3.example") for c in (CN, MY)), "the AMBER for {ID, CN, MY} is at CN and MY")
        t1 = time.time()
        rc, out, err = run("group", "set", "--data", ID.node.dir, "--name", "all3", "--member", "org:CN-CAC")
        members = [m["name"] for m in json.loads(out)["groups"][0]["members"]]
        t.eq(sorted(members), ["CN-CAC", "ID-BSSN"], "ID takes MY out of group all3")
        t.ok(wait(lambda: not MY.lookup("grp3.example"), 90), "MY no longer looks the group's AMBER up")
        t.ok(wait(synced_after(CN, t1 + 1), 60) and wait(synced_after(MY, t1 + 1), 60),
             "CN and MY pulled from both others after the change")
        t.ok(CN.lookup("grp3.example"), "CN, still in the group, keeps it")
        cn_members = CN.db("SELECT o.name FROM sharing_group_members m JOIN sharing_groups g ON g.id=m.group_id "
                           "JOIN orgs o ON o.id=m.org_id WHERE g.name='all3' ORDER BY o.name")
        t.eq(cn_members, [("CN-CAC",), ("ID-BSSN",)], "CN's copy of the group no longer names MY")
        cols = CN.node.get("/taxii2/api/collections/", key=keys[("CN-CAC", "MY-NACSA")],
                           headers={"Accept": TAXII}).json().get("collections", [])
        t.ok(not [c for c in cols if "all3" in c["title"]], "CN no longer offers MY the group's collection")
        grp_id = aid(ident, "domain", "grp3.example")
        _, objs = served(ID, keys[("ID-BSSN", "MY-NACSA")])
        t.ok([o for o in objs if o["id"] == grp_id and tombstone(o)],
             "ID serves MY a tombstone of the group's object in community")
        _, objs = served(ID, keys[("ID-BSSN", "CN-CAC")])
        t.ok(not [o for o in objs if o["id"] == grp_id], "but not CN, which is still in the group")
        t2 = time.time()
        t.ok(wait(synced_after(MY, t2 + 1), 60) and not MY.lookup("grp3.example"),
             "MY still does not look it up after further pulls from ID and CN")

        # ---- never back to the node it came from -----------------------------------------
        for src in (CN, MY):
            _, objs = served(src, keys[(src.name, "ID-BSSN")])
            back = [o for o in objs if o.get("created_by_ref") == ident or o["id"] in
                    {aid(ident, "domain", v) for v in every}]
            t.eq(back, [], f"{src.cc} serves ID none of ID's own objects, not even tombstones")
        rc, out, _ = run("sync", "--data", ID.node.dir, check=False)
        res = json.loads(out)["peers"]
        t.eq(sorted((p["peer"], p["ok"], p["own"]) for p in res), [("CN-CAC", True, 0), ("MY-NACSA", True, 0)],
             "a full pull by ID gets none of its own objects back")
    finally:
        for c in nodes:
            c.node.close()


if __name__ == "__main__":
    TAP().run(main)
