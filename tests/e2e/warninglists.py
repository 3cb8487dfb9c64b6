"""MISP warninglists flag benign values: flagged values are kept and
marked, and lookups say so."""
import json
import os
import subprocess

from oe import BIN, Node, TAP, shared


def main(t):
    wl = shared("fixtures", "misp", "warninglists")
    if not wl:
        t.skip("warninglists", "../shared absent")
        return
    names = {}
    for d in os.listdir(wl):
        p = os.path.join(wl, d, "list.json")
        if os.path.exists(p):
            names[d] = json.load(open(p))["name"]
    n = Node(org="CSIRT", country="TH")
    try:
        n.start("--set", "indicators.warninglists=" + wl)
        r = n.post("/api/v1/indicators", {"indicators": [
            {"value": "10.1.2.3"}, {"value": "www.google.com"}, {"value": "2001:4860:4860::8888"},
            {"value": "phish-login-verify.example"}, {"value": "https://www.google.com/search?q=x"}]})
        t.eq((r.status, r.json()["imported"]), (201, 5), "flagged values are stored, not dropped")
        want = {"10.1.2.3": names["rfc1918"], "www.google.com": names["google"],
                "2001:4860:4860::8888": names["public-dns-v6"], "phish-login-verify.example": None}
        for v, name in want.items():
            l = n.get("/api/v1/lookup?value=" + v).json()
            t.eq((l["match"], l["warninglist"]), (True, name), f"lookup {v} says warninglist {name}")
            if l["hits"]:
                t.eq(l["hits"][0]["indicator"]["warninglist"], name, f"hit for {v} is marked")
        l = n.get("/api/v1/lookup?value=192.168.77.1").json()
        t.eq((l["match"], l["warninglist"]), (False, names["rfc1918"]), "a value not stored is still flagged")
        u = n.get("/api/v1/lookup?value=https://www.google.com/search?q=x").json()
        t.ok(u["warninglist"] is not None, "a URL on a listed host is flagged", u)
        listed = {i["value"]: i["warninglist"] for i in n.get("/api/v1/indicators").json()["indicators"]}
        t.eq(listed["10.1.2.3"], names["rfc1918"], "list marks flagged indicators")
        n.stop()
        p = subprocess.run([BIN, "serve", "--data", n.dir, "--set", "indicators.warninglists=/nonexistent"],
                           capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 1 and "/nonexistent" in p.stderr, "a missing warninglist directory is an error", p.stderr)
    finally:
        n.close()


TAP().run(main)
