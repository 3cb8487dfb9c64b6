"""Joint cases over the API on one node (docs/cases.md): create, list, get,
patch, links, tasks and notes; roles (a reader reads, writes are 403); the
sharing policy (a RED indicator linked to a GREEN case is omitted for other
organisations; an AMBER case is 404 to an organisation outside its group);
only the origin changes the case, participants add notes and tasks; bad
input is 4xx and stores nothing; every change is in the timeline and the
audit log; the case and its notes are served over TAXII as STIX groupings
and notes that validate against the OASIS schemas; `oureyes case list|show`."""
import json
import os
import sqlite3
import subprocess
import tempfile
import uuid

from oe import SRC, Node, TAP, run, shared

TAXII = {"Accept": "application/taxii+json;version=2.1"}


def main(t):
    n = Node(org="ID-BSSN", country="ID")
    d = n.dir
    for org in ("Bank A", "Telco C"):
        run("org", "add", "--data", d, "--name", org, "--country", "ID")
    key = lambda org, role: json.loads(run("key", "create", "--data", d, "--org", org, "--role", role)[1])["api_key"]
    reader = key("ID-BSSN", "reader")
    bank, telco = key("Bank A", "analyst"), key("Telco C", "analyst")
    run("group", "add", "--data", d, "--name", "id-bank", "--member", "org:Bank A")
    n.start()

    def db(sql, *args):
        c = sqlite3.connect(os.path.join(d, "oureyes.db"), timeout=30)
        try:
            return c.execute(sql, args).fetchall()
        finally:
            c.close()

    try:
        # ---- create ---------------------------------------------------------
        r = n.post("/api/v1/cases", {"title": "SMS phishing ring", "description": "Fake bank SMS",
                                     "tlp": "green", "participants": ["Bank A"]})
        t.eq(r.status, 201, "an analyst creates a GREEN case with a participant")
        c = r.json()
        cid = c["id"]
        t.ok(cid.startswith("grouping--") and len(cid) == 46, "its id is a STIX grouping id", cid)
        t.eq((c["title"], c["status"], c["tlp"], c["origin_org"], c["sharing_group"]),
             ("SMS phishing ring", "open", "green", "ID-BSSN", None), "it has what was asked, open")
        t.eq(sorted(p["org"] for p in c["participants"]), ["Bank A", "ID-BSSN"],
             "its participants are the origin and the named organisation")
        t.ok(c["created"].endswith("Z") and "." in c["created"], "times are RFC 3339 UTC with a fraction")
        t.eq(r.headers.get("Content-Type", "").split(";")[0], "application/json", "the answer is JSON")

        # ---- bad input: 4xx, nothing stored ------------------------------------
        before = db("SELECT count(*) FROM cases")[0][0]
        bads = [
            ({}, "no title"),
            ({"title": ""}, "an empty title"),
            ({"title": "x" * 201}, "a title over 200 bytes"),
            ({"title": "a\nb"}, "a title of two lines"),
            ({"title": 5}, "a title that is not a string"),
            ({"title": "t", "tlp": "purple"}, "an unknown TLP"),
            ({"title": "t", "participants": ["No Such Org"]}, "an unknown participant"),
            ({"title": "t", "participants": "Bank A"}, "participants that are not a list"),
            ({"title": "t", "sharing_group": "nope"}, "an unknown sharing group"),
            ({"title": "t", "color": "red"}, "an unknown field"),
            ({"title": "t", "status": "closed"}, "a status on creation"),
            ({"title": "t", "description": "\x01"}, "a description with control characters"),
            (["title"], "a body that is not an object"),
        ]
        for body, what in bads:
            r = n.post("/api/v1/cases", body)
            t.ok(r.status == 400 and "error" in r.json() and r.json()["error"].get("code"),
                 f"{what}: 400 with an error body", r)
        r = n.request("POST", "/api/v1/cases", raw=b"{not json", headers={"Content-Type": "application/json"})
        t.eq(r.status, 400, "a body that is not JSON: 400")
        t.eq(db("SELECT count(*) FROM cases")[0][0], before, "no bad request stored a case")

        # ---- roles -------------------------------------------------------------
        t.eq(n.post("/api/v1/cases", {"title": "by a reader"}, key=reader).status, 403, "a reader may not create")
        t.eq(n.get("/api/v1/cases/" + cid, key=reader).status, 200, "a reader reads a case")
        t.eq(n.request("PATCH", "/api/v1/cases/" + cid, {"title": "x"}, key=reader).status, 403,
             "a reader may not change it")
        t.eq(n.post(f"/api/v1/cases/{cid}/notes", {"text": "hi"}, key=reader).status, 403,
             "a reader may not add a note")
        t.eq(n.get("/api/v1/cases/" + cid, key=None).status, 401, "without a key: 401")

        # ---- links, and the policy on what a case shows --------------------------------
        red = n.post("/api/v1/indicators", {"value": "red-case.example", "tlp": "red"}).json()["id"]
        green = n.post("/api/v1/indicators", {"value": "green-case.example", "tlp": "green"}).json()["id"]
        ev = n.post("/api/v1/events", {"title": "Wave 1", "tlp": "green",
                                       "indicators": [{"value": "wave1.example", "tlp": "green"}]}).json()["id"]
        rep = n.post("/public/v1/reports", {"category": "phishing", "lang": "en",
                                            "description": "A fake bank SMS with a link.",
                                            "identifiers": [{"kind": "url", "value": "http://wave1.example/x"}]},
                     key=None)
        t.eq(rep.status, 201, "a citizen reports")
        rid = n.get("/api/v1/reports").json()["reports"][0]["id"]
        r = n.post(f"/api/v1/cases/{cid}/links", {"indicators": [red, green], "events": [ev], "reports": [rid]})
        t.eq(r.status, 200, "the origin links a RED and a GREEN indicator, an event and a report")
        t.eq(r.json()["counts"], {"reports": 1, "indicators": 2, "events": 1, "tasks_open": 0, "notes": 0},
             "the origin sees all four")
        t.eq(r.json()["reports"][0]["id"], rid, "a linked report shows its id")
        t.ok(set(r.json()["reports"][0]) == {"id", "category", "status", "deadline"},
             "a linked report shows category, status and deadline, not its text")
        at_bank = n.get("/api/v1/cases/" + cid, key=bank)
        t.eq(at_bank.status, 200, "the bank sees the GREEN case")
        t.eq([i["id"] for i in at_bank.json()["indicators"]], [green],
             "the RED indicator is omitted for the bank")
        t.ok("red-case.example" not in at_bank.body, "nothing of the RED value reaches the bank")
        t.eq(at_bank.json()["reports"], [], "reports are the node operator's: omitted for the bank")
        t.eq(at_bank.json()["counts"]["indicators"], 1, "and not counted")
        lst = n.get("/api/v1/cases", key=bank).json()["cases"]
        t.eq([x["counts"]["indicators"] for x in lst if x["id"] == cid], [1], "the bank's list counts what it may see")
        missing = "indicator--" + str(uuid.uuid4())
        mod = n.get("/api/v1/cases/" + cid).json()["modified"]
        r = n.post(f"/api/v1/cases/{cid}/links", {"indicators": [green, missing]})
        t.eq(r.status, 400, "linking an id that is not here: 400")
        t.eq(n.get("/api/v1/cases/" + cid).json()["modified"], mod, "and the case is unchanged")
        t.eq(n.post(f"/api/v1/cases/{cid}/links", {"indicators": [green]}, key=bank).status, 403,
             "a participant may not change the links (only the origin versions a case)")
        t.eq(n.post(f"/api/v1/cases/{cid}/links", {"unlink": {"colors": []}}).status, 400,
             "an unknown kind in unlink: 400")

        # ---- AMBER: the group decides -------------------------------------------------
        a1 = n.post("/api/v1/cases", {"title": "AMBER, no group", "tlp": "amber"}).json()["id"]
        a2 = n.post("/api/v1/cases", {"title": "AMBER for the bank", "tlp": "amber",
                                      "sharing_group": "id-bank"}).json()["id"]
        t.eq(n.get("/api/v1/cases/" + a1, key=bank).status, 404, "an AMBER case without a group: 404 to another org")
        t.eq(n.get("/api/v1/cases/" + a2, key=bank).status, 200, "an AMBER case of a group the bank is in: 200")
        t.eq(n.get("/api/v1/cases/" + a2, key=telco).status, 404, "the same case: 404 to an org outside the group")
        ids = lambda key: [x["id"] for x in n.get("/api/v1/cases?limit=200", key=key).json()["cases"]]
        t.ok(a1 not in ids(bank) and a2 in ids(bank), "the bank's list holds what it may see")
        t.ok(a1 not in ids(telco) and a2 not in ids(telco) and cid in ids(telco), "so does the telco's")
        t.eq(n.post(f"/api/v1/cases/{a1}/notes", {"text": "x"}, key=bank).status, 404,
             "a note on a case the bank may not see: 404")
        t.eq(n.request("PATCH", "/api/v1/cases/" + a1, {"title": "x"}, key=bank).status, 404,
             "a change of it: 404 as well")

        # ---- changes: the origin only ------------------------------------------------
        t.eq(n.request("PATCH", "/api/v1/cases/" + cid, {"title": "Mine now"}, key=bank).status, 403,
             "a participant may not change the case")
        r = n.request("PATCH", "/api/v1/cases/" + cid, {"title": "SMS phishing ring (wave 2)",
                                                         "participants": ["Bank A", "Telco C"]})
        t.eq((r.status, r.json().get("title")), (200, "SMS phishing ring (wave 2)"), "the origin renames it")
        t.eq(sorted(p["org"] for p in r.json()["participants"]), ["Bank A", "ID-BSSN", "Telco C"],
             "and adds a participant")
        for body, what in [({"status": "done"}, "an unknown status"), ({"tlp": 3}, "a TLP that is not a name"),
                           ({"title": ""}, "an empty title"), ({"sharing_group": "nope"}, "an unknown group"),
                           ({"participants": ["Nobody"]}, "an unknown participant"), ({"x": 1}, "an unknown field")]:
            before = n.get("/api/v1/cases/" + cid).json()
            r = n.request("PATCH", "/api/v1/cases/" + cid, body)
            t.ok(r.status == 400 and n.get("/api/v1/cases/" + cid).json() == before,
                 f"a change with {what}: 400, nothing changed", r)
        t.eq(n.request("PATCH", "/api/v1/cases/grouping--" + str(uuid.uuid4()), {"title": "x"}).status, 404,
             "a change of a case that is not here: 404")
        t.eq(n.get("/api/v1/cases/not-an-id").status, 404, "a malformed id: 404")
        t.eq(n.request("DELETE", "/api/v1/cases/" + cid).status, 405, "DELETE of a case: 405")

        # ---- tasks and notes -------------------------------------------------------
        r = n.post(f"/api/v1/cases/{cid}/tasks", {"title": "Ask the telco for the sender", "assignee": "ana",
                                                 "due": "2026-12-01T00:00:00Z"})
        t.eq(r.status, 201, "the origin adds a task")
        task = r.json()
        t.eq((task["title"], task["assignee"], task["due"], task["done"], task["org"]),
             ("Ask the telco for the sender", "ana", "2026-12-01T00:00:00.000Z", False, "ID-BSSN"),
             "the task has its title, assignee, due date, not done, and its organisation")
        r = n.request("PATCH", f"/api/v1/cases/{cid}/tasks/{task['id']}", {"done": True}, key=telco)
        t.eq((r.status, r.json().get("done")), (200, True), "a participant (the telco) completes it")
        g = n.get("/api/v1/cases/" + cid).json()
        t.eq([(x["id"], x["done"]) for x in g["tasks"]], [(task["id"], True)], "the origin sees it done")
        t.eq(g["counts"]["tasks_open"], 0, "no task is open")
        r = n.request("PATCH", f"/api/v1/cases/{cid}/tasks/{task['id']}", {"done": False, "assignee": None})
        t.eq((r.status, r.json()["done"], r.json()["assignee"]), (200, False, None), "the origin reopens it")
        t.eq(n.request("PATCH", f"/api/v1/cases/{cid}/tasks/{task['id']}", {"done": "yes"}).status, 400,
             "done that is not a boolean: 400")
        t.eq(n.request("PATCH", f"/api/v1/cases/{cid}/tasks/{task['id']}", {"due": "tomorrow"}).status, 400,
             "a due date that is not a timestamp: 400")
        t.eq(n.request("PATCH", f"/api/v1/cases/{cid}/tasks/note--{uuid.uuid4()}", {"done": True}).status, 404,
             "a task that is not here: 404")
        t.eq(n.post(f"/api/v1/cases/{cid}/tasks", {"assignee": "x"}).status, 400, "a task without a title: 400")
        r = n.post(f"/api/v1/cases/{cid}/notes", {"text": "The sender number is +62 812 0000 1111.\nCalled twice."},
                   key=bank)
        t.eq(r.status, 201, "a participant (the bank) adds a note")
        t.eq((r.json()["org"], r.json()["text"]), ("Bank A", "The sender number is +62 812 0000 1111.\nCalled twice."),
             "the note is the bank's, text kept")
        t.eq(n.post(f"/api/v1/cases/{a2}/notes", {"text": "x"}, key=bank).status, 403,
             "an organisation that sees a case but does not take part may not add to it")
        t.eq(n.post(f"/api/v1/cases/{cid}/notes", {"text": ""}).status, 400, "an empty note: 400")
        t.eq(n.post(f"/api/v1/cases/{cid}/notes", {"text": "x" * 10001}).status, 400, "a note over 10000 bytes: 400")
        t.eq(n.post(f"/api/v1/cases/{cid}/notes", {"text": "x", "y": 1}).status, 400, "a note with an unknown field: 400")
        g = n.get("/api/v1/cases/" + cid).json()
        t.eq([x["org"] for x in g["notes"]], ["Bank A"], "the case holds the bank's note, once")
        kinds = [e["kind"] for e in g["timeline"]]
        t.eq(kinds, ["create", "link", "update", "task", "task.update", "task.update", "note"],
             "every change is in the timeline, in order")
        t.eq(g["timeline"][-1]["org"], "Bank A", "a timeline entry names the organisation")
        audit = db("SELECT action FROM audit WHERE object=? ORDER BY id", cid)
        t.eq([a[0] for a in audit], ["case." + k for k in kinds], "and in the audit log")

        # ---- status and the list -------------------------------------------------------
        r = n.request("PATCH", "/api/v1/cases/" + a1, {"status": "closed"})
        t.eq((r.status, r.json()["status"]), (200, "closed"), "the origin closes a case")
        t.eq([x["id"] for x in n.get("/api/v1/cases?status=closed").json()["cases"]], [a1],
             "status=closed lists it alone")
        t.ok(a1 not in [x["id"] for x in n.get("/api/v1/cases?status=open").json()["cases"]],
             "status=open leaves it out")
        t.eq(n.get("/api/v1/cases?status=pending").status, 400, "an unknown status filter: 400")
        t.eq(n.get("/api/v1/cases?limit=0").status, 400, "limit 0: 400")
        t.eq(n.get("/api/v1/cases?cursor=forged").status, 400, "a forged cursor: 400")
        for i in range(3):
            n.post("/api/v1/cases", {"title": f"more {i}", "tlp": "green"})
        full = n.get("/api/v1/cases?limit=200").json()
        mods = [x["modified"] for x in full["cases"]]
        t.eq(mods, sorted(mods, reverse=True), "newest change first")
        t.eq(full["next"], None, "one page: no next")
        seen, cur = [], None
        while True:
            p = n.get("/api/v1/cases?limit=2" + (f"&cursor={cur}" if cur else "")).json()
            seen += [x["id"] for x in p["cases"]]
            cur = p["next"]
            if not cur:
                break
        t.eq(seen, [x["id"] for x in full["cases"]], "pages of two give the same cases, none twice")
        summary = full["cases"][0]
        t.eq(sorted(summary), sorted(["id", "title", "status", "tlp", "sharing_group", "origin_org", "modified", "counts"]),
             "a summary has the documented fields")

        # ---- unlink ----------------------------------------------------------------
        r = n.post(f"/api/v1/cases/{cid}/links", {"unlink": {"indicators": [red], "events": [ev]}})
        t.eq((r.status, [i["id"] for i in r.json()["indicators"]], r.json()["events"]), (200, [green], []),
             "unlink takes the RED indicator and the event out")

        # ---- TAXII: the case and its notes as STIX ---------------------------------
        objs = n.get("/taxii2/api/collections/community/objects/", headers=TAXII).json().get("objects", [])
        grp = [o for o in objs if o["type"] == "grouping" and o["id"] == cid]
        notes = [o for o in objs if o["type"] == "note" and cid in o.get("object_refs", [])]
        t.eq(len(grp), 1, "the GREEN case is in the community collection as a grouping")
        t.ok(grp and grp[0]["context"] == "suspicious-activity" and grp[0]["name"] == "SMS phishing ring (wave 2)",
             "with its context and name")
        green_assertion = [o["id"] for o in objs if o.get("x_oureyes_value") == "green-case.example"]
        t.ok(grp and green_assertion and green_assertion[0] in grp[0]["object_refs"],
             "its object_refs name the GREEN indicator's STIX object")
        t.ok(grp and "red-case.example" not in json.dumps(grp), "and nothing of the RED one")
        t.eq(sorted(o.get("abstract", "note") for o in notes), ["Task", "Task update", "note"],
             "the task, the telco's update of it and the note go as STIX notes naming the grouping")
        upd = [o for o in notes if o.get("abstract") == "Task update"]
        t.ok(upd and upd[0]["x_oureyes_note"].get("task") == task["id"] and task["id"] in upd[0]["object_refs"],
             "a task update names its task")
        t.ok(all(o["created_by_ref"] in (n.org_id,) or o["created_by_ref"].startswith("identity--") for o in notes),
             "each note has its author organisation as created_by_ref")
        t.ok(not [o for o in objs if o["id"] in (a1, a2)], "AMBER cases are not in the community collection")
        t.eq(len(n.get("/taxii2/api/collections/community/objects/?match[type]=grouping", headers=TAXII)
                 .json().get("objects", [])), 4, "match[type]=grouping gives the groupings alone")

        # ---- TAXII: finding a grouping or note by id -------------------------------
        base = "/taxii2/api/collections/community/objects/"
        r = n.get(base + cid + "/", headers=TAXII)
        one = r.json().get("objects", []) if r.status == 200 else []
        t.eq((r.status, [o["id"] for o in one]), (200, [cid]), "GET objects/{id}/ gives a visible case's grouping alone")
        t.eq(one and one[0], grp and grp[0], "the same object the page holds")
        r = n.get(base + cid + "/versions/", headers=TAXII)
        t.eq((r.status, r.json().get("versions") if r.status == 200 else None),
             (200, [grp[0]["modified"]] if grp else None), "versions/ lists its one version")
        nid = notes[0]["id"] if notes else "note--00000000-0000-4000-8000-000000000000"
        r = n.get(base + nid + "/", headers=TAXII)
        t.eq((r.status, [o["id"] for o in r.json().get("objects", [])] if r.status == 200 else None),
             (200, [nid]), "a note is found by its id too")
        r = n.get(base + f"?match[id]={cid},{nid}", headers=TAXII)
        t.eq(sorted(o["id"] for o in r.json().get("objects", [])), sorted([cid, nid]),
             "match[id] finds the grouping and the note")
        t.eq(n.get(base + a2 + "/", headers=TAXII).status, 404,
             "an AMBER case is not found in the community collection")
        t.eq(n.get(base + a2 + "/versions/", headers=TAXII).status, 404, "nor its versions")
        t.eq(n.get(base + f"?match[id]={a2}", headers=TAXII).json().get("objects", []), [],
             "nor by match[id]")
        t.eq(n.get(base + "grouping--00000000-0000-4000-8000-000000000000/", headers=TAXII).status, 404,
             "an unknown grouping id is 404")
        bcols = n.get("/taxii2/api/collections/", key=bank, headers=TAXII).json()["collections"]
        bcol = [c["id"] for c in bcols if c["title"] == "group-id-bank"]
        r = n.get(f"/taxii2/api/collections/{bcol[0] if bcol else 'x'}/objects/{a2}/", key=bank, headers=TAXII)
        t.eq((r.status, [o["id"] for o in r.json().get("objects", [])] if r.status == 200 else None),
             (200, [a2]), "the bank, in its group, finds the AMBER case by id in the group's collection")
        tcols = [c["id"] for c in n.get("/taxii2/api/collections/", key=telco, headers=TAXII).json()["collections"]]
        t.ok(bcol and bcol[0] not in tcols and
             n.get(f"/taxii2/api/collections/{bcol[0]}/objects/{a2}/", key=telco, headers=TAXII).status == 404,
             "the telco, outside the group, gets 404 for it")
        t.eq(n.get(base + a2 + "/", key=telco, headers=TAXII).status, 404, "and in community")

        schemas = shared("fixtures", "stix", "oasis-json-schemas", "schemas")
        if not schemas:
            t.skip("the grouping and notes validate against the OASIS schemas", "../shared absent")
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "case.json")
                sel = grp + notes + [o for o in objs if o["type"] == "identity"]
                open(path, "w").write(json.dumps({"type": "bundle", "id": "bundle--" + str(uuid.uuid4()),
                                                  "objects": sel}))
                p = subprocess.run(["/usr/bin/python3", os.path.join(SRC, "tests", "stix_validate.py"), path],
                                   capture_output=True, text=True, timeout=600)
                t.ok(p.returncode == 0, f"the grouping and notes validate against the OASIS schemas ({len(sel)} objects)",
                     p.stdout[-2000:] + p.stderr[-2000:])

        # ---- the command line ------------------------------------------------------
        out = json.loads(run("case", "list", "--data", d)[1])
        t.eq(sorted(x["id"] for x in out["cases"]), sorted(x["id"] for x in full["cases"]),
             "oureyes case list prints the node's cases")
        out = json.loads(run("case", "list", "--data", d, "--org", "Telco C")[1])
        t.ok(a2 not in [x["id"] for x in out["cases"]], "as another organisation it lists what that one may see")
        out = json.loads(run("case", "show", "--data", d, "--id", cid)[1])
        t.eq((out["id"], len(out["notes"]), len(out["tasks"])), (cid, 1, 1), "oureyes case show prints one case")
        rc, _, err = run("case", "show", "--data", d, "--id", a2, "--org", "Telco C", check=False)
        t.ok(rc == 1 and "no such case" in err, "show of a case the organisation may not see fails", err)
        rc, _, _ = run("case", "frobnicate", "--data", d, check=False)
        t.eq(rc, 2, "an unknown subcommand: usage, exit 2")

        # ---- a case that narrows its marking moves, with its notes -------------------
        r = n.request("PATCH", "/api/v1/cases/" + cid, {"tlp": "amber", "sharing_group": "id-bank"})
        t.eq((r.status, r.json()["tlp"], r.json()["sharing_group"]), (200, "amber", "id-bank"),
             "the origin narrows the GREEN case to AMBER for its group with the bank")
        com = n.get("/taxii2/api/collections/community/objects/", headers=TAXII).json().get("objects", [])
        t.ok(not [o for o in com if o["id"] == cid or cid in o.get("object_refs", [])],
             "the case and its notes leave the community collection")
        cols = n.get("/taxii2/api/collections/", key=bank, headers=TAXII).json()["collections"]
        gcol = [c["id"] for c in cols if c["title"] == "group-id-bank"]
        objs = n.get(f"/taxii2/api/collections/{gcol[0]}/objects/", key=bank, headers=TAXII).json().get("objects", []) \
            if gcol else []
        t.eq(sorted(o["type"] for o in objs if o["id"] == cid or cid in o.get("object_refs", [])),
             ["grouping", "note", "note", "note"], "and are in the group's collection for the bank")
        g = [o for o in objs if o["id"] == cid]
        t.ok(g and g[0]["x_oureyes_sharing"]["group"] == "id-bank", "marked with the group")
        t.eq(n.get("/api/v1/cases/" + cid, key=telco).status, 404,
             "the telco, a participant outside the group, no longer sees it")
        tcom = n.get("/taxii2/api/collections/community/objects/", key=telco, headers=TAXII).json().get("objects", [])
        gone = [o for o in tcom if o["id"] == cid or o["id"] in [x["id"] for x in notes]]
        t.eq(sorted(o["type"] for o in gone), ["grouping", "note", "note", "note"],
             "the telco's community pages hold the case and its notes as tombstones")
        t.ok(gone and all(o.get("revoked") is True and "name" not in o and "x_oureyes_case" not in o and
                          o.get("content", "") == "" for o in gone), "revoked, with nothing of them", gone)
        t.eq(n.get(f"/taxii2/api/collections/community/objects/{cid}/", key=telco, headers=TAXII).status, 404,
             "by id it is 404 there now")
    finally:
        n.close()


if __name__ == "__main__":
    TAP().run(main)
