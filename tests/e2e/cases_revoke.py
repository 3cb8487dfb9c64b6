"""A joint case whose marking narrows leaves the partners that may no longer
see it (docs/cases.md, "Revocations"): ID, CN and MY pull from each other.
A GREEN case of ID with a task and a note reaches CN and MY. ID narrows it
to AMBER in the group {ID, CN}: MY is served the case and its notes as
revocation tombstones (nothing but their ids), drops its copy (404, not
listed, no title or note text left in its SQLite files) while CN keeps the
case; CN is not served a tombstone. ID then raises it to RED: CN loses it
too. A partner taken out of the group loses an AMBER case of it, and
the partner still in the group stops offering it. The tombstones validate
against the OASIS schemas."""
import glob
import os
import time

from oe import TAP, run
from nodes import Country, mesh, synced_after, wait
from cases_nodes import taxii_objects, validate

TITLE = "Narrowing case 7f3c"
NOTE = "Secret note text 9d41"
TASK = "Hidden task title 2b88"
DESC = "Description words e5a0"


def raw_db(c):
    """Every byte of c's data directory's SQLite files, c stopped."""
    c.node.stop()
    raw = b""
    for f in glob.glob(os.path.join(c.node.dir, "oureyes.db*")):
        raw += open(f, "rb").read()
    c.start()
    return raw


def main(t):
    ID, CN, MY = Country("ID-BSSN", "ID"), Country("CN-CAC", "CN"), Country("MY-NACSA", "MY")
    with mesh(t, "each node pulls from the two others", ID, CN, MY) as keys:
        run("group", "add", "--data", ID.node.dir, "--name", "id-cn", "--member", "org:CN-CAC")
        r = ID.node.post("/api/v1/cases", {"title": TITLE, "description": DESC, "tlp": "green",
                                           "participants": ["CN-CAC"]})
        t.eq(r.status, 201, "ID opens a GREEN case")
        cid = r.json()["id"]
        task = ID.node.post(f"/api/v1/cases/{cid}/tasks", {"title": TASK}).json()["id"]
        note = ID.node.post(f"/api/v1/cases/{cid}/notes", {"text": NOTE}).json()["id"]

        def at(c):
            r = c.node.get("/api/v1/cases/" + cid)
            return r.json() if r.status == 200 else None

        def full(c):
            return lambda: (lambda j: j if j and j["notes"] and j["tasks"] else None)(at(c))
        t.ok(wait(full(CN), 60), "the case reaches CN with its task and note")
        t.ok(wait(full(MY), 60), "and MY")

        # ---- GREEN -> AMBER {ID, CN} -------------------------------------------------
        r = ID.node.request("PATCH", "/api/v1/cases/" + cid, {"tlp": "amber", "sharing_group": "id-cn"})
        t.eq((r.status, r.json().get("tlp")), (200, "amber"), "ID narrows it to AMBER in the group {ID, CN}")
        my_at_id, cn_at_id = keys[("ID-BSSN", "MY-NACSA")], keys[("ID-BSSN", "CN-CAC")]
        served = [o for o in taxii_objects(ID.node, my_at_id, "community") if o["type"] in ("grouping", "note")]
        t.eq(sorted(o["id"] for o in served), sorted([cid, task, note]),
             "ID serves MY the case, its task and its note in community")
        t.ok(served and all(o.get("revoked") is True for o in served), "each as a revocation", served)
        allowed = {"type", "spec_version", "id", "created", "modified", "revoked", "object_refs", "context", "content"}
        t.eq(sorted({k for o in served for k in o} - allowed), [], "carrying nothing but what names the object")
        t.ok(all(o.get("content", "") == "" and o["object_refs"] == [o["id"]] for o in served),
             "no title, text, origin or participant in them")
        cn_sees = [o for o in taxii_objects(ID.node, cn_at_id, "community") if o["type"] in ("grouping", "note")]
        t.eq(cn_sees, [], "CN, who still sees the case, gets no tombstone")
        validate(t, served, "the tombstones validate against the OASIS schemas")

        t.ok(wait(lambda: MY.node.get("/api/v1/cases/" + cid).status == 404, 60),
             "after its next pull MY no longer has the case (404)")
        t.eq(MY.node.get("/api/v1/cases").json()["cases"], [], "nor lists it")
        t.eq(MY.db("SELECT count(*) FROM case_items"), [(0,)], "its notes and tasks are gone")
        t.eq(MY.db("SELECT title, description FROM cases WHERE stix_id=?", cid), [("", None)],
             "what stays is a husk holding the id and version, without title or description")
        j = wait(lambda: (lambda j: j if j and j["tlp"] == "amber" else None)(at(CN)), 60)
        t.ok(j and j["title"] == TITLE and [n["text"] for n in j["notes"]] == [NOTE] and j["tasks"],
             "CN still has the case, AMBER, with its note and task", j)
        t_done = time.time()
        t.ok(wait(synced_after(MY, t_done + 1), 60), "MY pulled from ID and CN again")
        t.eq(MY.node.get("/api/v1/cases/" + cid).status, 404, "and did not get the case back from CN")
        via = MY.db("SELECT p.name FROM cases c JOIN peers p ON p.id=c.via_peer WHERE c.stix_id=?", cid)
        via = via[0][0] if via else None
        other = {"ID-BSSN": "CN-CAC", "CN-CAC": "ID-BSSN"}.get(via)
        t.ok(other, "MY's husk names the peer it got the case from", via)
        if other:
            back = [o for o in taxii_objects(MY.node, keys[("MY-NACSA", via)], "community") if o["id"] == cid]
            t.eq(back, [], f"MY serves no tombstone to {via}, the peer it got the case from")
            on = [o for o in taxii_objects(MY.node, keys[("MY-NACSA", other)], "community") if o["id"] == cid]
            if other == "ID-BSSN":
                t.eq(on, [], "nor to ID, whose case it is")
            else:
                t.ok(on and on[0].get("revoked") is True and "name" not in on[0],
                     "MY passes the tombstone on to CN, which could see the GREEN case at MY", on)
        t_cn = time.time()
        t.ok(wait(synced_after(CN, t_cn + 1), 60), "CN pulled from MY and ID after MY withdrew the case")
        t.eq((at(CN) or {}).get("title"), TITLE,
             "a tombstone from MY, neither the peer CN got the case from nor the origin, takes nothing from CN")
        raw = raw_db(MY)
        t.ok(cid.encode() in raw, "MY's SQLite files were read (the husk's id is in them)")
        t.eq([s for s in (TITLE, NOTE, TASK, DESC) if s.encode() in raw], [],
             "no title, description, note or task text is left in MY's SQLite files")
        t.ok(wait(synced_after(MY, time.time() + 1), 60), "MY runs and pulls again")

        # ---- AMBER -> RED ---------------------------------------------------------------
        r = ID.node.request("PATCH", "/api/v1/cases/" + cid, {"tlp": "red"})
        t.eq((r.status, r.json().get("tlp")), (200, "red"), "ID raises it to RED")
        t.ok(wait(lambda: CN.node.get("/api/v1/cases/" + cid).status == 404, 60), "CN loses it too")
        t.eq(CN.db("SELECT count(*) FROM case_items"), [(0,)], "with its notes and tasks")
        t.eq(at(ID)["title"], TITLE, "ID, its origin, keeps it")
        raw = raw_db(CN)
        t.ok(cid.encode() in raw, "CN's SQLite files were read")
        t.eq([s for s in (TITLE, NOTE, TASK, DESC) if s.encode() in raw], [],
             "no title, description, note or task text is left in CN's SQLite files")

        # ---- a partner taken out of the group -------------------------------------------
        t.ok(wait(synced_after(CN, time.time() + 1), 60), "CN runs and pulls again")
        r = ID.node.post("/api/v1/sharing-groups", {"name": "id-cn-my", "members": ["org:CN-CAC", "org:MY-NACSA"]})
        t.eq(r.status, 201, "ID makes a group {ID, CN, MY}")
        r = ID.node.post("/api/v1/cases", {"title": "Group case 51ad", "tlp": "amber", "sharing_group": "id-cn-my"})
        gid = r.json()["id"]
        ID.node.post(f"/api/v1/cases/{gid}/notes", {"text": "Group note c0de"})

        def has(c, cid):
            r = c.node.get("/api/v1/cases/" + cid)
            return r.status == 200 and r.json()["notes"]
        t.ok(wait(lambda: has(CN, gid) and has(MY, gid), 60), "an AMBER case of that group reaches CN and MY")
        r = ID.node.request("PATCH", "/api/v1/sharing-groups/id-cn-my", {"members": ["org:CN-CAC"]})
        t.eq(r.status, 200, "ID takes MY out of the group")
        t.ok(wait(lambda: MY.node.get("/api/v1/cases/" + gid).status == 404, 60), "MY loses the case")
        t.eq(MY.db("SELECT count(*) FROM case_items i JOIN cases c ON c.id=i.case_id WHERE c.stix_id=?", gid),
             [(0,)], "with its note")
        t_out = time.time()
        t.ok(wait(synced_after(CN, t_out + 1), 60) and wait(synced_after(MY, t_out + 1), 60),
             "CN and MY pulled again")
        t.ok(has(CN, gid), "CN, still in the group, keeps it")
        my_at_cn = keys[("CN-CAC", "MY-NACSA")]
        cn_cols = CN.node.get("/taxii2/api/collections/", key=my_at_cn,
                              headers={"Accept": "application/taxii+json;version=2.1"}).json().get("collections", [])
        offered = [o for c in cn_cols for o in taxii_objects(CN.node, my_at_cn, c["title"])
                   if o["id"] == gid and not o.get("revoked")]
        t.eq(offered, [], "CN, told the group's new members, no longer offers it to MY")
        t.eq(MY.node.get("/api/v1/cases/" + gid).status, 404, "and MY does not have it back")


if __name__ == "__main__":
    TAP().run(main)
