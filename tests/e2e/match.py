"""The matcher over a real server: lookups answer exact, cidr,
parent-domain and url-host hits under each caller's view; writes through
the API show at once, writes from another process (oureyes import: new
values, a revocation, a tightened marking) within a bounded time; POST /api/v1/match; and `oureyes match`
on a generated log finds exactly the lines it was given, binary garbage and
an over-long line in between."""
import json
import os
import shutil
import random
import subprocess
import tempfile
import time

from oe import BIN, Node, TAP, run

DEADLINE = 10.0  # seconds a change from another process may take to show


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


def look(n, value, k="default"):
    return n.get("/api/v1/lookup?value=" + value, key=k).json()


def hows(l):
    return [(h["how"], h["indicator"]["value"]) for h in l["hits"]]


def poll(fn, want, deadline=DEADLINE):
    """fn() until it returns want or the deadline passes; (last value, seconds)."""
    t0 = time.time()
    while True:
        got = fn()
        if got == want or time.time() - t0 > deadline:
            return got, time.time() - t0
        time.sleep(0.05)


def main(t):
    n = Node(org="CSIRT", country="ID")
    try:
        run("org", "add", "--data", n.dir, "--name", "Bank", "--country", "ID")
        bank = key(n, "Bank", "analyst")
        n.start()
        semantics(t, n, bank)
        cli_lookup(t, n)
        metrics(t, n)
        freshness(t, n, bank)
        match_api(t, n, bank)
    finally:
        n.close()
    match_cli(t)
    match_truncated(t)


def semantics(t, n, bank):
    r = n.post("/api/v1/indicators", {"indicators": [
        {"value": "evil.co.uk", "tlp": "green"}, {"value": "co.uk", "tlp": "green"},
        {"value": "10.0.0.0/8", "tlp": "green"}, {"value": "10.1.2.0/24", "tlp": "green"},
        {"value": "2001:db8::/32", "tlp": "green"}, {"value": "198.51.100.7", "tlp": "green"},
        {"value": "http://bad.example/login", "tlp": "green"},
        {"value": "amber-only.example", "tlp": "amber"}]})
    t.eq(r.status, 201, "indicators stored")
    t.eq(hows(look(n, "a.b.evil.co.uk")), [("parent-domain", "evil.co.uk")],
         "a.b.evil.co.uk hits evil.co.uk as its parent")
    t.eq(hows(look(n, "other.co.uk")), [], "co.uk is never a parent: it is a public suffix")
    t.eq(hows(look(n, "10.1.2.3")), [("cidr", "10.1.2.0/24"), ("cidr", "10.0.0.0/8")],
         "an address inside two ranges: longest prefix first")
    t.eq(hows(look(n, "2001:db8::77")), [("cidr", "2001:db8::/32")], "IPv6 inside a range")
    t.eq(hows(look(n, "https://www.evil.co.uk/pay")), [("parent-domain", "evil.co.uk")],
         "a URL whose host is under a listed domain")
    t.eq(hows(look(n, "http://198.51.100.7:8080/x")), [("url-host", "198.51.100.7")],
         "a URL whose host is a listed address")
    t.eq(hows(look(n, "http://bad.example/login")), [("exact", "http://bad.example/login")],
         "a listed URL, exactly")
    l = look(n, "198.51.100.7")
    h = l["hits"][0]["indicator"]
    t.ok(l["match"] and h["tlp"] == "green" and h["source_org"]["name"] == "CSIRT" and
         h["id"].startswith("indicator--") and l["hits"][0]["how"] == "exact", "a hit names its indicator", l)
    got = n.get("/api/v1/indicators/" + h["id"]).json()
    t.eq(got.get("value"), "198.51.100.7", "the hit's id is the indicator's")
    t.eq(hows(look(n, "x.amber-only.example", bank)), [], "AMBER is not shown to another organisation")
    t.eq(hows(look(n, "x.amber-only.example")), [("parent-domain", "amber-only.example")],
         "the owner sees its AMBER parent")
    r = n.post("/api/v1/lookup", {"values": ["10.200.0.1", "mail.evil.co.uk", "nothing.example"]})
    t.eq([[x["how"] for x in v["hits"]] for v in r.json()["results"]], [["cidr"], ["parent-domain"], []],
         "batch lookups carry how")


def cli_lookup(t, n):
    """oureyes lookup answers as GET /api/v1/lookup does: the matcher's semantics."""
    values = ["a.b.evil.co.uk", "other.co.uk", "10.1.2.3", "2001:db8::77", "https://www.evil.co.uk/pay",
              "http://198.51.100.7:8080/x", "http://bad.example/login", "x.amber-only.example"]
    code, out, _ = run("lookup", "--data", n.dir, *values)
    cli = [hows(json.loads(l)) for l in out.splitlines()]
    t.eq(cli, [hows(look(n, v)) for v in values], "oureyes lookup gives the API's hits and how, value by value")
    t.eq(cli[0], [("parent-domain", "evil.co.uk")], "oureyes lookup finds a parent domain")
    t.eq(cli[2], [("cidr", "10.1.2.0/24"), ("cidr", "10.0.0.0/8")], "oureyes lookup finds ranges, longest first")
    t.eq(cli[5], [("url-host", "198.51.100.7")], "oureyes lookup finds a URL's host")
    code, out, _ = run("lookup", "--data", n.dir, "--org", "Bank", "x.amber-only.example", "mail.evil.co.uk")
    t.eq([hows(json.loads(l)) for l in out.splitlines()], [[], [("parent-domain", "evil.co.uk")]],
         "oureyes lookup --org shows that organisation's view (AMBER of another hidden)")
    r = n.post("/api/v1/indicators", {"value": "tagged.example", "tlp": "green", "tags": ["phishing", "bank"]})
    code, out, _ = run("lookup", "--data", n.dir, "www.tagged.example")
    h = json.loads(out)["hits"]
    t.ok(r.status == 201 and len(h) == 1 and sorted(h[0]["indicator"]["tags"]) == ["bank", "phishing"] and
         h[0]["indicator"]["tlp"] == "green", "a full read keeps each assertion's tags", h)
    code, out, _ = run("lookup", "--data", n.dir, "not a value at all", check=False)
    t.ok(code == 1 and json.loads(out.splitlines()[0])["error"], "a value of no known type: exit 1 and its error")


def metric(body, name):
    for l in body.splitlines():
        if l.startswith(name + " "):
            return float(l.split()[1])
    return None


def metrics(t, n):
    """/metrics shows the matcher: up, entries, snapshots published, age."""
    m = n.get("/metrics").body
    up, ind, gen, age = (metric(m, "oureyes_matcher_" + k) for k in ("up", "indicators", "generation",
                                                                        "snapshot_age_seconds"))
    t.ok(up == 1 and ind is not None and ind >= 8 and gen is not None and gen >= 1 and age is not None and age >= 0,
         "/metrics has the matcher's gauges", [l for l in m.splitlines() if "matcher" in l])
    before = metric(m, "oureyes_lookups_total")
    look(n, "10.1.2.3")
    r = n.post("/api/v1/indicators", {"value": "metrics-new.example", "tlp": "green"})
    m2 = n.get("/metrics").body
    t.ok(r.status == 201 and metric(m2, "oureyes_matcher_indicators") == ind + 1 and
         metric(m2, "oureyes_matcher_generation") > gen and metric(m2, "oureyes_lookups_total") == before + 1,
         "a new indicator adds one entry and publishes a snapshot; a lookup is counted",
         [l for l in m2.splitlines() if "matcher" in l or "lookups_total" in l])


def freshness(t, n, bank):
    # Through the API: the answer to the write comes after lookups see it.
    did = n.post("/api/v1/indicators", {"value": "fresh.example", "tlp": "green"}).json()["id"]
    t.eq(look(n, "fresh.example")["match"], True, "a new indicator matches at once")
    n.request("PATCH", "/api/v1/indicators/" + did, {"tlp": "amber"})
    t.eq(look(n, "fresh.example", bank)["match"], False, "a PATCH to AMBER hides it from the bank at once")
    n.request("DELETE", "/api/v1/indicators/" + did)
    t.eq(look(n, "fresh.example")["match"], False, "a revocation stops the match at once")

    # From another process: oureyes import, and plain SQL on the database.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("from-cli.example\n192.0.2.200\n")
    run("import", "--data", n.dir, "--format", "txt", f.name)
    os.unlink(f.name)
    got, secs = poll(lambda: (look(n, "www.from-cli.example")["match"], look(n, "192.0.2.200")["match"]),
                     (True, True))
    t.eq(got, (True, True), f"values imported by another process match within {DEADLINE:.0f} s ({secs:.2f} s)")
    # A revocation and a tightened marking, imported by another process.
    amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
    def ind(i, pattern, **kw):
        o = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--00000000-0000-4000-8000-00000000000{i}",
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
             "pattern": pattern, "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}
        o.update(kw)
        return o
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": [
        ind(1, "[domain-name:value = 'from-cli.example']", revoked=True),
        ind(2, "[ipv4-addr:value = '192.0.2.200']", object_marking_refs=[amber])]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bundle, f)
    run("import", "--data", n.dir, f.name, check=False)
    os.unlink(f.name)
    got, secs = poll(lambda: look(n, "from-cli.example")["match"], False)
    t.eq(got, False, f"a revocation imported by another process shows within {DEADLINE:.0f} s ({secs:.2f} s)")
    got, secs = poll(lambda: look(n, "192.0.2.200", bank)["match"], False)
    t.eq(got, False, f"a marking tightened by another process shows within {DEADLINE:.0f} s ({secs:.2f} s)")
    t.eq(look(n, "192.0.2.200")["match"], True, "and the owner still sees it")


def match_api(t, n, bank):
    body = ("GET http://www.evil.co.uk/x 10.9.8.7\n"
            "nothing here michigan.org\n"
            "q x.amber-only.example from 198.51.100.7\n")
    r = n.request("POST", "/api/v1/match", raw=body.encode(), headers={"Content-Type": "text/plain"})
    t.eq((r.status, r.headers.get("Content-Type")), (200, "application/x-ndjson"), "POST /api/v1/match answers JSON lines")
    got = sorted((h["line"], h["how"], h["indicator"]) for h in map(json.loads, r.body.splitlines()))
    t.eq(got, [(1, "cidr", "10.0.0.0/8"), (1, "parent-domain", "evil.co.uk"),
               (3, "exact", "198.51.100.7"), (3, "parent-domain", "amber-only.example")],
         "the hits of each line")
    r = n.request("POST", "/api/v1/match", raw=body.encode(), key=bank)
    got = sorted((h["line"], h["indicator"]) for h in map(json.loads, r.body.splitlines()))
    t.ok((3, "amber-only.example") not in got and (3, "198.51.100.7") in got,
         "another organisation's answer leaves out what it may not see", got)
    r = n.request("POST", "/api/v1/match?format=text", raw=b"10.0.0.1\n")
    t.eq(r.body, "1\tcidr\tipv4\t10.0.0.1\t10.0.0.0/8\n", "?format=text")
    r = n.request("POST", "/api/v1/match", raw=bytes(range(256)) * 64 + b"\n10.0.0.2\n")
    t.ok(r.status == 200 and '"line":66,"value":"10.0.0.2"' in r.body, "binary input is no obstacle", r)
    t.eq(n.request("POST", "/api/v1/match", raw=b"10.0.0.1\n", key=None).status, 401, "a key is needed")


def match_cli(t):
    """A generated log with values injected on known lines."""
    n = Node(org="CSIRT", country="ID")
    try:
        rnd = random.Random(5)
        bad_domains = [f"bad{i}.example" for i in range(200)]
        bad_ips = [f"203.0.113.{i}" for i in range(1, 200)]
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(bad_domains + bad_ips) + "\n")
        run("import", "--data", n.dir, "--format", "txt", f.name)
        os.unlink(f.name)
        benign = ["www.google.com", "cdn.example.net", "michigan.org", "static.example.org"]
        lines, want = [], set()
        for i in range(1, 20001):
            kind = rnd.random()
            if kind < 0.01:
                d = rnd.choice(bad_domains)
                host = rnd.choice(["", "www.", "a.b."]) + d
                lines.append(f"{i}.000 12 10.0.0.{i % 250} TCP_MISS/200 99 GET http://{host}/p?q={i} - DIRECT/198.18.0.1")
                want.add((i, d, "url-host" if host == d else "parent-domain"))
            elif kind < 0.02:
                ip = rnd.choice(bad_ips)
                lines.append(f"client {ip}#5353 (x{i}.{rnd.choice(benign)}): query: A")
                want.add((i, ip, "exact"))
            elif kind < 0.021:
                lines.append("\x00\x01\xff binary \xfe" * 20)
            else:
                lines.append(f"{i}.000 7 10.0.{i % 250}.9 TCP_HIT/200 5 GET https://{rnd.choice(benign)}/a - NONE/-")
        # An over-long line (4 MB, no values) in the middle: numbering goes on.
        lines.insert(10000, "x" * (4 << 20))
        want = {(i + 1 if i > 10000 else i, v, h) for i, v, h in want}
        log = os.path.join(n.tmp, "access.log")
        with open(log, "w", encoding="latin-1") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run([BIN, "match", "--data", n.dir, "--stats", log], capture_output=True, timeout=600)
        t.eq(p.returncode, 0, "oureyes match exits 0")
        got = {(h["line"], h["indicator"], h["how"]) for h in map(json.loads, p.stdout.decode().splitlines())}
        t.eq(len(got), len(want), "as many hits as lines injected")
        t.ok(got == want, "exactly the injected lines, with how", sorted(got ^ want)[:20])
        stats = json.loads(p.stderr.decode().strip().splitlines()[-1])
        t.ok(stats["lines"] == len(lines) and stats["mb_per_s"] > 0 and stats["indicators"] == 399,
             "--stats counts lines and throughput", stats)
        with open(log, "rb") as f:
            p2 = subprocess.run([BIN, "match", "--data", n.dir, "--format", "text", "--threads", "1"],
                                stdin=f, capture_output=True, timeout=600)
        got2 = {(int(l.split("\t")[0]), l.split("\t")[4], l.split("\t")[1]) for l in p2.stdout.decode().splitlines()}
        t.eq(got2, want, "the same from standard input, one thread, as text")
        # A named file is mapped and scanned in pieces by every thread: the
        # same answer lines, in the same order, as read from a pipe.
        p3 = subprocess.run([BIN, "match", "--data", n.dir, "--format", "text", "--threads", "4", log],
                            capture_output=True, timeout=600)
        t.ok(p3.returncode == 0 and p3.stdout == p2.stdout,
             "a mapped file gives the same lines in the same order as standard input")
        # Several files, the last without a final line end: each numbered
        # from 1 and named.
        tail = os.path.join(n.tmp, "tail.log")
        with open(tail, "w") as f:
            f.write("nothing here\n\nclient 203.0.113.5#1 (bad7.example): query: A")
        empty = os.path.join(n.tmp, "empty.log")
        open(empty, "w").close()
        p4 = subprocess.run([BIN, "match", "--data", n.dir, "--stats", empty, tail], capture_output=True, timeout=60)
        hits4 = sorted((h["file"], h["line"], h["indicator"]) for h in map(json.loads, p4.stdout.decode().splitlines()))
        stats4 = json.loads(p4.stderr.decode().strip().splitlines()[-1])
        t.ok(p4.returncode == 0 and hits4 == [(tail, 3, "203.0.113.5"), (tail, 3, "bad7.example")] and
             stats4["lines"] == 3, "several files: named, numbered from 1, a last line without its end counted",
             (hits4, stats4))
    finally:
        n.close()


def match_truncated(t):
    """A file truncated while it is matched (log rotation by copytruncate):
    a message and exit status 1, not a death by SIGBUS."""
    n = Node(org="CSIRT", country="ID")
    tmp = tempfile.mkdtemp(prefix="oe-trunc-")
    try:
        lst = os.path.join(tmp, "list.txt")
        with open(lst, "w") as f:
            f.write("evil.example\n")
        run("import", "--data", n.dir, "--format", "txt", lst)
        log = os.path.join(tmp, "proxy.log")
        line = b"1.000 12 10.0.0.1 TCP_MISS/200 99 GET http://www.evil.example/p - DIRECT/198.18.0.1\n"
        with open(log, "wb") as f:
            f.write(line * (200 * 1024 * 1024 // len(line)))  # 200 MB, a hit on every line
        # Nobody reads the output at first: the process blocks writing it,
        # with most of the file still to scan; then the file is cut.
        p = subprocess.Popen([BIN, "match", "--data", n.dir, "--format", "text", "--threads", "2", log],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = p.stdout.read(1)  # output has begun; the pipe fills again at once
        time.sleep(0.5)
        os.truncate(log, 0)
        out, err = p.communicate(timeout=600)
        out = first + out
        t.eq(p.returncode, 1, "a file cut during the match: exit status 1, not a signal")
        t.ok(b"shrank while it was read" in err, "and a message that says why", err[-300:])
        t.ok(len(out) > 0, "what was matched before is written")
    finally:
        n.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    TAP().run(main)

