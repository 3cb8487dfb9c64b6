"""One joint case across countries (docs/cases.md): ID, CN and MY are three
`oureyes serve` processes paired with each other and pulling on the
scheduler. A case with sharing group {ID, CN} made at ID appears at CN with
its task and note and the indicators CN may see (never the RED one); CN's
analysts add a note and complete the task; after the next pulls ID shows
CN's note and the task done, and CN shows ID's word on the task too, so
both countries see one case. CN may not change the case itself (only its
origin versions it). MY, outside the group, never receives any of it, not
even through CN. What each node serves validates against the OASIS
schemas."""
import json
import os
import subprocess
import tempfile
import time
import uuid

from oe import SRC, TAP, run, shared
from nodes import Country, mesh, synced_after, wait

TAXII = {"Accept": "application/taxii+json;version=2.1"}


def validate(t, objs, what):
    schemas = shared("fixtures", "stix", "oasis-json-schemas", "schemas")
    if not schemas:
        t.skip(what, "../shared absent")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "b.json")
        open(path, "w").write(json.dumps({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()), "objects": objs}))
        p = subprocess.run(["/usr/bin/python3", os.path.join(SRC, "tests", "stix_validate.py"), path],
                           capture_output=True, text=True, timeout=600)
        t.ok(p.returncode == 0, f"{what} ({len(objs)} objects)", p.stdout[-2000:] + p.stderr[-2000:])


def taxii_objects(node, key, title):
    cols = node.get("/taxii2/api/collections/", key=key, headers=TAXII).json().get("collections", [])
    out = []
    for c in cols:
        if c.get("title") == title or c.get("alias") == title:
            out += node.get(f"/taxii2/api/collections/{c['id']}/objects/?limit=10000", key=key,
                            headers=TAXII).json().get("objects", [])
    return out


def main(t):
    ID, CN, MY = Country("ID-BSSN", "ID"), Country("CN-CAC", "CN"), Country("MY-NACSA", "MY")
    with mesh(t, "each node pulls from the two others", ID, CN, MY) as keys:
        run("group", "add", "--data", ID.node.dir, "--name", "id-cn", "--member", "org:CN-CAC")
        post = lambda body: ID.node.post("/api/v1/indicators", body).json()["id"]
        green = post({"value": "case-green.example", "tlp": "green"})
        amber = post({"value": "case-amber.example", "tlp": "amber", "sharing_group": "id-cn"})
        red = post({"value": "case-red.example", "tlp": "red"})
        r = ID.node.post("/api/v1/cases", {"title": "Cross-border SMS scam", "description": "Joint operation",
                                           "tlp": "amber", "sharing_group": "id-cn", "participants": ["CN-CAC"]})
        t.eq(r.status, 201, "ID opens a case for the group {ID, CN} with CN as a participant")
        cid = r.json()["id"]
        t.eq(ID.node.post(f"/api/v1/cases/{cid}/links", {"indicators": [green, amber, red]}).status, 200,
             "ID links a GREEN, an AMBER {ID, CN} and a RED indicator")
        task = ID.node.post(f"/api/v1/cases/{cid}/tasks", {"title": "Trace the sender SIMs", "assignee": "cn-desk"}).json()
        t.eq(task.get("done"), False, "ID adds a task")
        t.eq(ID.node.post(f"/api/v1/cases/{cid}/notes", {"text": "Victims in Jakarta and Medan."}).status, 201,
             "ID adds a note")
        t_made = time.time()

        # ---- CN receives it -------------------------------------------------------
        def at(c, key="default"):
            r = c.node.get("/api/v1/cases/" + cid, key=key)
            return r.json() if r.status == 200 else None

        got = wait(lambda: (lambda j: j if j and len(j["indicators"]) == 2 and j["tasks"] and j["notes"] else None)(at(CN)), 60)
        t.ok(got, "the case reaches CN with its task, its note and the indicators CN may see", at(CN))
        got = got or {}
        t.eq((got.get("title"), got.get("tlp"), got.get("origin_org"), got.get("origin_node"), got.get("status")),
             ("Cross-border SMS scam", "amber", "ID-BSSN", "ID-BSSN", "open"),
             "CN shows it as ID's case from ID's node, AMBER, open")
        t.eq(sorted((p["org"], p["country"], p["node"]) for p in got.get("participants", [])),
             [("CN-CAC", "CN", "CN-CAC"), ("ID-BSSN", "ID", "ID-BSSN")],
             "its participants are ID's and CN's organisations, each at its own node")
        t.eq(sorted(i["id"] for i in got.get("indicators", [])), sorted([green, amber]),
             "CN sees the GREEN and AMBER indicators, never the RED")
        t.eq(CN.db("SELECT count(*) FROM indicators WHERE value='case-red.example'"), [(0,)],
             "the RED value never left ID")
        t.eq([x["org"] for x in got.get("notes", [])], ["ID-BSSN"], "ID's note, as ID's")
        t.eq(CN.node.request("PATCH", "/api/v1/cases/" + cid, {"title": "CN's now"}).status, 403,
             "CN may not change ID's case")
        t.eq(CN.node.post(f"/api/v1/cases/{cid}/links", {"indicators": [green]}).status, 403,
             "nor its links")

        # ---- CN adds a note and completes the task ------------------------------------
        r = CN.node.post(f"/api/v1/cases/{cid}/notes", {"text": "The SIMs were bought in Shenzhen."})
        t.eq((r.status, r.json().get("org")), (201, "CN-CAC"), "CN adds a note of its own")
        cn_note = r.json()["id"]
        r = CN.node.request("PATCH", f"/api/v1/cases/{cid}/tasks/{task['id']}", {"done": True})
        t.eq((r.status, r.json().get("done")), (200, True), "CN completes ID's task")
        t.eq(at(CN)["counts"]["tasks_open"], 0, "CN shows it done at once")

        def id_sees():
            j = at(ID)
            return j if j and cn_note in [x["id"] for x in j["notes"]] and j["tasks"][0]["done"] else None
        j = wait(id_sees, 60)
        t.ok(j, "after the next pull ID shows CN's note and the task done", at(ID))
        j = j or at(ID)
        t.eq(sorted((x["org"], x["text"]) for x in j["notes"]),
             [("CN-CAC", "The SIMs were bought in Shenzhen."), ("ID-BSSN", "Victims in Jakarta and Medan.")],
             "ID's case holds both countries' notes, each of its own organisation")
        t.eq([(x["id"], x["org"], x["done"]) for x in j["tasks"]], [(task["id"], "ID-BSSN", True)],
             "one task, ID's, done")
        t.ok([e for e in j["timeline"] if e["kind"] == "note" and e["org"] == "CN-CAC"],
             "ID's timeline records CN's note")
        t.ok([e for e in j["timeline"] if e["kind"] == "task.update" and e["org"] == "CN-CAC"],
             "and CN's word on the task")
        # ID folded CN's word into its own task: CN gets ID's new version.
        t.ok(wait(lambda: (lambda c: c and c["tasks"][0]["done"] and c["tasks"][0]["modified"] >= j["tasks"][0]["modified"])(at(CN)), 60),
             "CN receives ID's new version of the task, done")
        both = [at(ID), at(CN)]
        t.eq([sorted(x["id"] for x in b["notes"]) for b in both][0], [sorted(x["id"] for x in b["notes"]) for b in both][1],
             "both nodes show the same notes")
        t.eq([(b["tasks"][0]["done"], b["title"]) for b in both][0], [(b["tasks"][0]["done"], b["title"]) for b in both][1],
             "and the same task and title: one case")

        # ---- a change by the origin reaches CN ------------------------------------
        r = ID.node.request("PATCH", "/api/v1/cases/" + cid, {"status": "closed"})
        t.eq(r.status, 200, "ID closes the case")
        t.ok(wait(lambda: (at(CN) or {}).get("status") == "closed", 60), "CN shows it closed")

        # ---- MY is not in the group --------------------------------------------------
        t_done = time.time()
        t.ok(wait(synced_after(MY, t_done + 1), 60), "MY pulled from ID and CN after all that")
        t.eq(MY.node.get("/api/v1/cases/" + cid).status, 404, "MY does not have the case")
        t.eq(MY.db("SELECT count(*) FROM cases"), [(0,)], "MY holds no case")
        t.eq(MY.db("SELECT count(*) FROM case_items"), [(0,)], "nor any note or task")
        t.eq(MY.node.get("/api/v1/cases").json()["cases"], [], "MY's list is empty")
        my_at_cn = keys[("CN-CAC", "MY-NACSA")]
        my_at_id = keys[("ID-BSSN", "MY-NACSA")]
        leak = [o for o in taxii_objects(CN.node, my_at_cn, "community") + taxii_objects(ID.node, my_at_id, "community")
                if o["type"] in ("grouping", "note")]
        t.eq(leak, [], "neither ID nor CN offers MY a grouping or note")

        # ---- what the nodes serve validates --------------------------------------------
        cn_at_id, id_at_cn = keys[("ID-BSSN", "CN-CAC")], keys[("CN-CAC", "ID-BSSN")]
        from_id = taxii_objects(ID.node, cn_at_id, "group-id-cn")
        from_cn = taxii_objects(CN.node, id_at_cn, "group-id-cn")
        g = [o for o in from_id if o["type"] == "grouping"]
        t.ok(g and g[0]["id"] == cid and g[0]["x_oureyes_case"]["status"] == "closed" and
             g[0]["x_oureyes_sharing"]["group"] == "id-cn", "ID serves CN the case as a grouping of group id-cn")
        t.ok(g and not [r for r in g[0]["object_refs"] if r.startswith("indicator--") and
                        r not in [o["id"] for o in from_id + taxii_objects(ID.node, cn_at_id, "community")]],
             "every indicator it names is one CN receives")
        cn_notes = [o for o in from_cn if o["type"] == "note"]
        t.ok(cn_notes and all(o["created_by_ref"] == CN.node.org_id for o in cn_notes),
             "CN serves ID only what CN wrote, as CN's", [o["created_by_ref"] for o in cn_notes])
        t.ok(not [o for o in from_cn if o["type"] == "grouping"], "and never ID's grouping back")
        validate(t, [o for o in from_id + from_cn if o["type"] in ("grouping", "note", "identity")],
                 "the groupings and notes both nodes serve validate against the OASIS schemas")


if __name__ == "__main__":
    TAP().run(main)
