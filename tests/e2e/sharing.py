"""Sharing groups and partner nodes on one node: pairing by CLI, groups by
CLI and API, and who may see an indicator scoped to a group, tried with the
keys of member and non-member organisations and of peers named as a node
or by their organisation (docs/sharing.md)."""
import json
import sqlite3
import os

from oe import Node, TAP, run


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


def main(t):
    n = Node(org="ID-BSSN", country="ID")
    try:
        d = n.dir
        inv = json.loads(run("peer", "invite", "--data", d, "--name", "CN-CAC", "--country", "CN")[1])
        t.ok(inv["api_key"].startswith("oe_") and inv["org_id"].startswith("identity--"),
             "peer invite prints the partner's org id and a key", inv)
        run("peer", "invite", "--data", d, "--name", "MY-NACSA", "--country", "MY")
        run("peer", "invite", "--data", d, "--name", "SG-CSA", "--country", "SG")
        out = json.loads(run("peer", "add", "--data", d, "--name", "CN-CAC", "--url",
                             "http://127.0.0.1:9/taxii2/api/", "--key", "oe_0123456789abcdef_secret")[1])
        t.eq(out, {"peer": "CN-CAC", "url": "http://127.0.0.1:9/taxii2/api/"}, "peer add records where to pull")
        db = sqlite3.connect(os.path.join(d, "oureyes.db"))
        raw = b"".join(r[0] or b"" for r in db.execute("SELECT key_sealed FROM peers"))
        db.close()
        t.ok(raw and b"oe_0123456789abcdef_secret" not in raw, "the partner's key is stored sealed")
        peers = json.loads(run("peer", "list", "--data", d)[1])["peers"]
        t.eq([(p["name"], p["pulls"]) for p in peers], [("CN-CAC", True), ("MY-NACSA", False), ("SG-CSA", False)],
             "peer list shows every partner and whether we pull from it")
        rc, _, err = run("peer", "invite", "--data", d, "--name", "Bad", "--country", "cn", check=False)
        t.ok(rc == 2 and "--country" in err, "a bad country is refused with a message", err)
        rc, _, err = run("peer", "invite", "--data", d, "--name", "ID-BSSN", "--country", "ID", check=False)
        t.ok(rc != 0, "a node does not pair with itself", err)

        run("org", "add", "--data", d, "--name", "Bank Mandiri", "--country", "ID")
        run("org", "add", "--data", d, "--name", "Telkomsel", "--country", "ID")
        g = json.loads(run("group", "add", "--data", d, "--name", "id-cn", "--member", "org:CN-CAC",
                           "--member", "Bank Mandiri")[1])["groups"][0]
        t.eq(sorted((m["name"], m["kind"]) for m in g["members"]),
             [("Bank Mandiri", "org"), ("CN-CAC", "org"), ("ID-BSSN", "org")],
             "group add names organisations; the owner is always a member")
        run("group", "add", "--data", d, "--name", "asean-nodes", "--member", "peer:MY-NACSA")
        rc, _, err = run("group", "add", "--data", d, "--name", "x", "--member", "Nobody", check=False)
        t.ok(rc == 2 and "Nobody" in err, "an unknown member is named in the error", err)

        analyst = key(n, "ID-BSSN", "analyst")
        bank = key(n, "Bank Mandiri", "reader")
        telco = key(n, "Telkomsel", "reader")
        cn = inv["api_key"]
        my = key(n, "MY-NACSA", "peer")
        sg = key(n, "SG-CSA", "peer")
        n.start()

        r = n.post("/api/v1/sharing-groups", {"name": "api-group", "members": ["Telkomsel", "peer:SG-CSA"]}, key=analyst)
        t.eq((r.status, sorted(m["name"] for m in r.json()["members"])), (201, ["ID-BSSN", "SG-CSA", "Telkomsel"]),
             "POST /api/v1/sharing-groups makes a group")
        t.eq(n.post("/api/v1/sharing-groups", {"name": "api-group", "members": ["Telkomsel"]}, key=analyst).status,
             409, "a second group of the same name is a conflict")
        t.eq(n.post("/api/v1/sharing-groups", {"name": "g", "members": ["x"]}, key=bank).status, 403,
             "a reader may not make groups")
        t.eq(n.post("/api/v1/sharing-groups", {"name": "g", "members": []}, key=analyst).status, 400,
             "a group needs members")
        r = n.request("PATCH", "/api/v1/sharing-groups/api-group", {"members": ["peer:SG-CSA"]}, key=analyst)
        t.eq((r.status, sorted(m["name"] for m in r.json()["members"])), (200, ["ID-BSSN", "SG-CSA"]),
             "PATCH /api/v1/sharing-groups/{name} replaces the members; the owner stays")
        t.eq(n.request("PATCH", "/api/v1/sharing-groups/nope", {"members": ["Telkomsel"]}, key=analyst).status, 404,
             "PATCH of a group the organisation does not have: 404")
        r = n.request("PATCH", "/api/v1/sharing-groups/api-group", {"members": ["no-such-org"]}, key=analyst)
        t.eq((r.status, r.json()["error"]["code"]), (400, "invalid_field"), "PATCH naming nobody: 400")
        t.eq(n.request("PATCH", "/api/v1/sharing-groups/api-group", {"members": ["Telkomsel"]}, key=bank).status, 403,
             "a reader may not change groups")
        gl = n.get("/api/v1/sharing-groups", key=n.key).json()["groups"]
        t.eq(sorted(x["name"] for x in gl), ["api-group", "asean-nodes", "id-cn"], "the operator's admin lists every group")
        t.eq(n.get("/api/v1/sharing-groups", key=cn).status, 403, "a peer may not list groups")
        pl = n.get("/api/v1/peers").json()["peers"]
        t.eq([p["name"] for p in pl], ["CN-CAC", "MY-NACSA", "SG-CSA"], "GET /api/v1/peers lists the partners")
        t.eq(n.get("/api/v1/peers", key=bank).status, 403, "another organisation may not list peers")

        def post(value, **kw):
            body = {"value": value}
            body.update(kw)
            return n.post("/api/v1/indicators", body, key=analyst)

        r = post("amber-group.example", sharing_group="id-cn")
        t.eq((r.status, r.json().get("tlp")), (201, "amber"), "a group without a TLP makes it AMBER")
        post("strict-group.example", tlp="amber+strict", sharing_group="id-cn")
        post("amber-nodes.example", tlp="amber", sharing_group="asean-nodes")
        post("strict-nodes.example", tlp="amber+strict", sharing_group="asean-nodes")
        post("amber-plain.example", tlp="amber")
        post("red.example", tlp="red")
        post("green.example", tlp="green")
        t.eq(post("x.example", tlp="green", sharing_group="id-cn").status, 400, "a group on GREEN is refused")
        t.eq(post("y.example", sharing_group="no-such").status, 400, "an unknown group is refused")
        t.eq(n.post("/api/v1/indicators", {"value": "z.example", "sharing_group": "id-cn"}, key=telco).status, 403,
             "a reader may not write")

        one = n.get("/api/v1/lookup?value=amber-group.example", key=analyst).json()
        t.ok(one["match"], "the owner sees its grouped value")

        values = ["amber-group.example", "strict-group.example", "amber-nodes.example", "strict-nodes.example",
                  "amber-plain.example", "red.example", "green.example"]
        want = {
            "owner analyst": (analyst, [1, 1, 1, 1, 1, 1, 1]),
            "member org (bank)": (bank, [1, 1, 0, 0, 0, 0, 1]),
            "non-member org (telco)": (telco, [0, 0, 0, 0, 0, 0, 1]),
            "peer whose org is named (CN)": (cn, [1, 1, 0, 0, 0, 0, 1]),
            "peer named as a node (MY)": (my, [0, 0, 1, 0, 0, 0, 1]),
            "peer not named (SG)": (sg, [0, 0, 0, 0, 0, 0, 1]),
        }
        for who, (k, exp) in want.items():
            got = [int(n.get("/api/v1/lookup?value=" + v, key=k).json()["match"]) for v in values]
            t.eq(got, exp, f"{who} sees exactly what the groups allow")
            lst = {x["value"] for x in n.get("/api/v1/indicators?limit=1000", key=k).json()["indicators"]}
            t.eq(sorted(v for v, e in zip(values, exp) if e), sorted(v for v in values if v in lst),
                 f"{who}: the list agrees with the lookups")

        ind = n.get("/api/v1/indicators?value=amber-group.example", key=analyst).json()["indicators"][0]
        det = n.get("/api/v1/indicators/" + ind["id"], key=analyst).json()
        t.eq(det.get("sharing_group"), {"name": "id-cn", "owner": "ID-BSSN"}, "the indicator names its group")
        p = n.request("PATCH", "/api/v1/indicators/" + ind["id"], {"sharing_group": None}, key=analyst)
        t.eq((p.status, p.json().get("sharing_group")), (200, None), "PATCH takes an assertion out of its group")
        t.eq(n.get("/api/v1/lookup?value=amber-group.example", key=bank).json()["match"], False,
             "out of the group, the member no longer sees it")
        n.request("PATCH", "/api/v1/indicators/" + ind["id"], {"sharing_group": "id-cn"}, key=analyst)
        t.eq(n.get("/api/v1/lookup?value=amber-group.example", key=bank).json()["match"], True,
             "back in the group, the member sees it again")
    finally:
        n.close()


if __name__ == "__main__":
    TAP().run(main)
