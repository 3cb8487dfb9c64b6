"""Block lists for the tools people run: hosts, RPZ, rbldnsd and Suricata
exports, through the API and the CLI, checked line by line and then loaded
into the real tools Debian ships: named-checkzone and named (RPZ), rbldnsd
(ip4set, ip6trie, dnset), dnsmasq (hosts), suricata (datasets) when
installed; each answering queries with dig. A tool that is not installed is
a SKIP with the reason, never a pass."""
import base64
import ipaddress
import json
import os
import pwd
import re
import shutil
import socket
import sqlite3
import subprocess
import time

from oe import Node, TAP, run

ZONE = "rpz.oureyes.local"


def key(n, org, role):
    return json.loads(run("key", "create", "--data", n.dir, "--org", org, "--role", role)[1])["api_key"]


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (DNS servers take both)."""
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
            u.close()
    raise AssertionError("no free port")


def has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except OSError:
        return "?"
    out = (p.stdout + p.stderr).strip().splitlines()
    return out[0] if out else "?"


def dig(port, name, qtype="A"):
    """(status, [answer data]) of one query to 127.0.0.1:port."""
    p = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+tries=1", "+time=3", "+noall",
                        "+comments", "+answer", name, qtype], capture_output=True, text=True, timeout=30)
    m = re.search(r"status: (\w+)", p.stdout)
    answers = [l.split(None, 4)[4] for l in p.stdout.splitlines()
               if l and not l.startswith(";") and len(l.split(None, 4)) == 5]
    return (m.group(1) if m else "no answer: " + p.stdout[-300:] + p.stderr[-300:]), answers


started = []  # every daemon this test started, stopped at the end whatever happens


class Daemon:
    """A DNS server on loopback, started and stopped by this test only; its
    output goes to a file (a pipe nobody reads could fill and stall it)."""

    def __init__(self, args, port, probe, log):
        self.log = log
        with open(log, "w") as f:
            self.proc = subprocess.Popen(args, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        started.append(self)
        self.port = port
        deadline = time.time() + 30
        self.up = False
        while time.time() < deadline and self.proc.poll() is None:
            if not dig(port, probe)[0].startswith("no answer"):
                self.up = True
                break
            time.sleep(0.2)

    def output(self):
        self.stop()
        with open(self.log, errors="replace") as f:
            return f.read()[-3000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def data_lines(body, cc="#"):
    return [l for l in body.splitlines() if l and not l.startswith(cc)]


def header_ok(body, cc, what, origin_lines=()):
    """The header: what the list is, who made it, when, the filter."""
    lines = body.splitlines()
    want = [cc + " " + what, cc + " from: CERT Blok \u56fd",
            re.compile(re.escape(cc) + r" generated: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"),
            re.compile(re.escape(cc) + r" filter: type=.*; live values only \(not revoked, not expired\)$")]
    want += list(origin_lines)
    for i, w in enumerate(want):
        if i >= len(lines):
            return False
        if isinstance(w, str) and lines[i] != w:
            return False
        if not isinstance(w, str) and not w.match(lines[i]):
            return False
    return True


def main(t):
    n = Node(org="CERT Blok \u56fd", country="ID")
    try:
        run("org", "add", "--data", n.dir, "--name", "Bank Lain", "--country", "ID")
        other = key(n, "Bank Lain", "reader")
        n.start()

        base = [
            {"value": "evil.example", "tlp": "green", "confidence": 90, "tags": ["phishing"]},
            {"value": "b\u00fccher-b\u00f6se.example", "tlp": "green", "confidence": 80, "tags": ["phishing"]},
            {"value": "bad_host.example", "tlp": "clear", "confidence": 70},
            {"value": "github.io", "tlp": "green", "confidence": 70},
            {"value": "amber.example", "tlp": "amber", "confidence": 60, "tags": ["c2"]},
            {"value": "red.example", "tlp": "red", "confidence": 95},
            {"value": "low.example", "tlp": "clear", "confidence": 10},
            {"value": "revoked.example", "tlp": "green", "confidence": 90},
            {"value": "expired.example", "tlp": "green", "confidence": 90, "valid_until": "2020-01-01T00:00:00Z"},
            {"value": "192.0.2.1", "tlp": "green", "confidence": 90, "tags": ["phishing"]},
            {"value": "198.51.100.7", "tlp": "amber", "confidence": 90},
            {"value": "2001:db8::7", "tlp": "green", "confidence": 90},
            {"value": "::ffff:192.0.2.9", "tlp": "green", "confidence": 90},
            {"value": "10.20.0.0/16", "tlp": "green", "confidence": 90},
            {"value": "2001:db8:1::/48", "tlp": "green", "confidence": 90},
            {"value": "0.0.0.0/0", "tlp": "green", "confidence": 90},
            {"value": "http://evil.example/login", "tlp": "green", "confidence": 90},
            {"value": "scam@evil.example", "tlp": "green", "confidence": 90},
            {"value": "d41d8cd98f00b204e9800998ecf8427e", "tlp": "green", "confidence": 90},
            {"value": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "tlp": "green", "confidence": 90},
        ]
        r = n.post("/api/v1/indicators", {"indicators": base})
        t.eq((r.status, r.json().get("refused")), (201, []), "the test's indicators are stored")
        ids = {i["value"]: i["id"] for i in r.json()["indicators"]}
        idn = [v for v in ids if v.startswith("xn--")]
        t.ok(len(idn) == 1, "the IDN is stored as its A-label", list(ids))
        idn = idn[0] if idn else "xn--bcher-bse-u9a.example"
        t.eq(n.request("DELETE", "/api/v1/indicators/" + ids["revoked.example"]).status, 200, "one revoked")
        # Export order is list order (uuid order); the listing gives it.
        lst = n.get("/api/v1/indicators?limit=1000").json()["indicators"]
        order = {i["value"]: k for k, i in enumerate(lst)}

        def body(q, k="default"):
            r = n.get("/api/v1/export?" + q, key=k)
            if r.status != 200:
                raise AssertionError(f"export {q}: {r.status} {r.body[:500]}")
            return r

        def sort(values):
            return sorted(values, key=lambda v: order[v])

        live_domains = sort(["evil.example", idn, "bad_host.example", "github.io", "amber.example",
                             "red.example", "low.example"])

        # --- hosts ---------------------------------------------------------------
        r = body("format=hosts")
        t.eq(r.headers.get("Content-Type"), "text/plain; charset=utf-8", "hosts: content type")
        t.eq(r.headers.get("Transfer-Encoding"), "chunked", "exports stream (chunked)")
        t.ok(header_ok(r.body, "#", "oureyes block list, hosts file: 0.0.0.0 for each listed domain "
                       "(a hosts file has no wildcards: subdomains are not covered)"), "hosts: header", r.body[:600])
        t.eq(data_lines(r.body), ["0.0.0.0 " + d for d in live_domains],
             "hosts: exactly the live domains, revoked and expired left out")
        t.eq(r.body.splitlines()[-1], "# end: 7 values listed, 0 skipped (not expressible in this format); "
             "most restricted marking TLP:RED", "hosts: footer")
        hosts = r.body

        # Filters: TLP, tag, confidence, age, and another organisation's view.
        t.eq(data_lines(body("format=hosts&tlp=green").body),
             ["0.0.0.0 " + d for d in sort(["evil.example", idn, "bad_host.example", "github.io", "low.example"])],
             "filter tlp=green")
        t.eq(data_lines(body("format=hosts&tag=phishing").body), ["0.0.0.0 " + d for d in sort(["evil.example", idn])],
             "filter tag=phishing")
        t.eq(data_lines(body("format=hosts&confidence=70").body),
             ["0.0.0.0 " + d for d in sort(["evil.example", idn, "bad_host.example", "github.io", "red.example"])],
             "filter confidence=70")
        t.eq(data_lines(body("format=hosts&since=2099-01-01T00:00:00Z").body), [], "filter since: nothing newer")
        t.eq(data_lines(body("format=hosts", k=other).body),
             ["0.0.0.0 " + d for d in sort(["evil.example", idn, "bad_host.example", "github.io", "low.example"])],
             "another organisation's export holds no AMBER or RED of ours")
        time.sleep(2.2)
        n.post("/api/v1/indicators", {"value": "fresh.example", "tlp": "green", "confidence": 90})
        order.update({i["value"]: k for k, i in enumerate(n.get("/api/v1/indicators?limit=1000").json()["indicators"])})
        t.eq(data_lines(body("format=hosts&max_age=2s").body), ["0.0.0.0 fresh.example"],
             "filter max_age=2s: only what changed since")
        t.ok(len(data_lines(body("format=hosts&max_age=30d").body)) == 8, "filter max_age=30d: everything live")

        # Bad parameters: 400 with a reason.
        for q, why in (("format=suricata-dataset", "one type"), ("format=suricata-dataset&type=cidr", "cidr"),
                       ("format=hosts&type=ipv4", "carries no values"), ("format=rpz&origin=bad..name", "origin"),
                       ("format=hosts&confidence=101", "confidence"), ("format=hosts&max_age=0d", "max_age"),
                       ("format=hosts&max_age=30", "max_age"), ("format=xml", "rbldnsd-dnset")):
            r = n.get("/api/v1/export?" + q)
            t.ok(r.status == 400 and r.json()["error"]["code"] == "invalid_parameter" and why in r.json()["error"]["message"],
                 f"export {q}: 400 with the reason", r)

        # --- rpz -----------------------------------------------------------------
        r = body("format=rpz")
        t.eq(r.headers.get("Content-Type"), "text/dns", "rpz: content type (RFC 4027)")
        rpz = r.body
        t.ok(header_ok(rpz, ";", "oureyes DNS response policy zone: NXDOMAIN for each listed domain and its "
                       "subdomains, and for answers holding a listed address",
                       ["$TTL 300", "$ORIGIN rpz.oureyes.local.",
                        re.compile(r"@ SOA localhost\. hostmaster\.localhost\. \d{10} 3600 600 604800 300$"),
                        "@ NS localhost."]), "rpz: header, SOA with the export time as serial", rpz[:800])
        serial = int(re.search(r"hostmaster\.localhost\. (\d+) ", rpz).group(1))
        t.ok(abs(serial - time.time()) < 120, "rpz: serial is the export time", serial)
        trig = {"192.0.2.1": ["32.1.2.0.192.rpz-ip"], "198.51.100.7": ["32.7.100.51.198.rpz-ip"],
                "2001:db8::7": ["128.7.zz.db8.2001.rpz-ip"], "::ffff:192.0.2.9": ["32.9.2.0.192.rpz-ip"],
                "10.20.0.0/16": ["16.0.0.20.10.rpz-ip"], "2001:db8:1::/48": ["48.zz.1.db8.2001.rpz-ip"]}
        for d in live_domains + ["fresh.example"]:
            trig[d] = [d] if d == "github.io" else [d, "*." + d]
        want = [x + " CNAME ." for v in sort(trig) for x in trig[v]]
        t.eq(data_lines(rpz, ";")[4:], want, "rpz: a trigger per domain (and its subdomains) and per address")
        t.eq(rpz.splitlines()[-1], "; end: 14 values listed, 1 skipped (not expressible in this format); "
             "most restricted marking TLP:RED", "rpz: 0.0.0.0/0 skipped and counted")

        # --- rbldnsd -------------------------------------------------------------
        ip4 = body("format=rbldnsd-ip4set").body
        t.eq(data_lines(ip4), [":127.0.0.2:Listed by oureyes: $"] +
             [{"::ffff:192.0.2.9": "192.0.2.9"}.get(v, v)
              for v in sort(["192.0.2.1", "198.51.100.7", "10.20.0.0/16", "::ffff:192.0.2.9"])],
             "rbldnsd-ip4set: IPv4 and IPv4 blocks (an IPv4-mapped IPv6 address as IPv4)")
        t.ok("1 skipped" in ip4.splitlines()[-1], "rbldnsd-ip4set: 0.0.0.0/0 skipped", ip4.splitlines()[-1])
        ip6 = body("format=rbldnsd-ip6trie").body
        t.eq(data_lines(ip6), [":127.0.0.2:Listed by oureyes: $"] +
             [{"2001:db8::7": "2001:db8::7/128", "2001:db8:1::/48": "2001:db8:1::/48"}[v]
              for v in sort(["2001:db8::7", "2001:db8:1::/48"])],
             "rbldnsd-ip6trie: IPv6 and IPv6 blocks, with their prefix lengths")
        dn = body("format=rbldnsd-dnset").body
        t.eq(data_lines(dn), [":127.0.0.2:Listed by oureyes: $"] +
             [d if d == "github.io" else "." + d for d in sort(live_domains + ["fresh.example"])],
             "rbldnsd-dnset: each domain with its subdomains (a public suffix alone)")

        # --- suricata ------------------------------------------------------------
        sets = {}
        for typ in ("domain", "url", "email", "ipv4", "ipv6", "md5", "sha256"):
            r = body("format=suricata-dataset&type=" + typ)
            sets[typ] = r.body
        dom = [base64.b64decode(l, validate=True).decode() for l in sets["domain"].splitlines()]
        t.eq(dom, sort(live_domains + ["fresh.example"]), "suricata string dataset: base64 of each domain")
        t.eq([base64.b64decode(l).decode() for l in sets["url"].splitlines()], ["http://evil.example/login"],
             "suricata string dataset: URLs")
        t.eq([base64.b64decode(l).decode() for l in sets["email"].splitlines()], ["scam@evil.example"],
             "suricata string dataset: e-mail addresses")
        t.eq(sets["ipv4"].splitlines(), sort(["192.0.2.1", "198.51.100.7"]), "suricata ipv4 dataset")
        t.eq(sets["ipv6"].splitlines(), sort(["2001:db8::7", "::ffff:192.0.2.9"]), "suricata ip dataset")
        t.eq(sets["md5"], "d41d8cd98f00b204e9800998ecf8427e\n", "suricata md5 dataset")
        t.eq(sets["sha256"], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
             "suricata sha256 dataset")
        # What Suricata's loader needs, checked strictly: every line data,
        # newline-terminated, under its 1024-byte line buffer.
        strict = all(s.endswith("\n") and all(l and len(l) < 1023 and not l.startswith("#") for l in s.splitlines())
                     for s in sets.values() if s)
        for l in sets["ipv4"].splitlines() + sets["ipv6"].splitlines():
            ipaddress.ip_address(l)  # raises, failing the test, when not an address
        t.ok(strict, "suricata datasets: no comments or blank lines, every line loadable")

        # --- the CLI writes the same lists -------------------------------------
        out = os.path.join(n.tmp, "cli.zone")
        rc, so, se = run("export", "--data", n.dir, "--format", "rpz", "-o", out, check=False)
        t.ok(rc == 0 and "1 of 15 values skipped: not expressible as rpz" in se, "CLI rpz export: skipped counted on stderr", (rc, se))
        cli_rpz = open(out).read() if os.path.exists(out) else ""
        t.eq(data_lines(cli_rpz, ";")[4:], want, "CLI rpz export: same triggers as the API")
        t.eq([f for f in os.listdir(n.tmp) if ".tmp." in f], [], "CLI export leaves no temporary file")
        rc, so, se = run("export", "--data", n.dir, "--format", "suricata-dataset", check=False)
        t.ok(rc == 2 and "one type" in se, "CLI suricata export without --type: exit 2 and why", (rc, se))
        rc, so, se = run("export", "--data", n.dir, "--format", "hosts", "--tag", "phishing", "--confidence", "85",
                         "--max-age", "1d", "--tlp", "green", check=False)
        t.eq((rc, data_lines(so)), (0, ["0.0.0.0 evil.example"]), "CLI filters: tag, confidence, max-age, tlp")
        rc, so, se = run("export", "--data", n.dir, "--format", "rpz", "--rpz-origin", "Block.Example", check=False)
        t.ok(rc == 0 and "$ORIGIN block.example.\n" in so, "CLI --rpz-origin", so[:600])

        # --- a list over several pages still streams whole ---------------------
        many = "".join(f"bulk{i}.example\n" for i in range(4500))
        r = n.request("POST", "/api/v1/import?format=txt&type=domain", raw=many.encode(),
                      headers={"Content-Type": "text/plain"})
        t.eq((r.status, r.json()["imported"]), (200, 4500), "4500 more domains imported")
        big = body("format=rbldnsd-dnset").body
        got = [l for l in data_lines(big) if l.startswith(".bulk")]
        t.ok(len(got) == 4500 and big.splitlines()[-1].startswith("# end: "),
             "an export of several pages arrives whole", (len(got), big.splitlines()[-1:]))

        # Every export is audited when it starts, with its filter.
        db = sqlite3.connect(os.path.join(n.dir, "oureyes.db"))
        rows = db.execute("SELECT actor, object, detail FROM audit WHERE action = 'export'").fetchall()
        db.close()
        t.ok(any(a.startswith("key:") and o == "hosts" and d.startswith("type=domain; tag=phishing") for a, o, d in rows)
             and any(a == "cli" and o == "hosts" and "tlp<=green; tag=phishing; confidence>=85; changed since" in d
                     for a, o, d in rows), "exports are audited with their format and filter", rows[:8])

        tools(t, n, hosts, rpz, ip4, ip6, dn, sets, idn)
    finally:
        for srv in started:
            srv.stop()
        n.close()


def tools(t, n, hosts, rpz, ip4, ip6, dn, sets, idn):
    d = os.path.join(n.tmp, "tools")
    os.makedirs(d)
    os.chmod(n.tmp, 0o755)
    os.chmod(d, 0o755)

    def put(name, text):
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, 0o644)
        return p

    # named-checkzone: the zone loads as BIND would load it.
    if not shutil.which("named-checkzone"):
        t.skip("named-checkzone accepts the RPZ export", "named-checkzone not installed (Debian package bind9-utils)")
    else:
        v = version(["named-checkzone", "-v"])
        zf = put("rpz.zone", rpz)
        p = subprocess.run(["named-checkzone", "-k", "fail", "-i", "full", ZONE, zf],
                           capture_output=True, text=True, timeout=60)
        t.ok(p.returncode == 0 and p.stdout.rstrip().endswith("OK") and "loaded serial" in p.stdout,
             f"named-checkzone {v} accepts the RPZ export", p.stdout + p.stderr)
        r = n.get("/api/v1/export?format=rpz&origin=block.example.")
        zf2 = put("rpz2.zone", r.body)
        p = subprocess.run(["named-checkzone", "-k", "fail", "block.example", zf2], capture_output=True, text=True, timeout=60)
        t.ok(p.returncode == 0 and "OK" in p.stdout, f"named-checkzone {v}: the zone under another origin", p.stdout + p.stderr)

    # named: a resolver with the zone as its response policy answers NXDOMAIN
    # for listed names and for answers holding listed addresses.
    if not (shutil.which("named") and shutil.which("dig")):
        t.skip("named applies the RPZ", "named or dig not installed (Debian packages bind9, bind9-dnsutils)")
    else:
        named(t, d, put, idn)

    # rbldnsd: the three datasets as one DNSBL zone.
    if not (shutil.which("rbldnsd") and shutil.which("dig")):
        t.skip("rbldnsd serves the datasets", "rbldnsd or dig not installed (Debian packages rbldnsd, bind9-dnsutils)")
    else:
        put("ip4.txt", ip4)
        put("ip6.txt", ip6)
        put("dn.txt", dn)
        port = free_port()
        args = ["rbldnsd", "-n", "-b", f"127.0.0.1/{port}", "-w", d, "-t", "60"]
        if os.geteuid() == 0:  # rbldnsd will not run as root: its package's user
            args += ["-u", "rbldns" if has_user("rbldns") else "nobody"]
        srv = Daemon(args + ["bl.test:ip4set:ip4.txt", "bl.test:ip6trie:ip6.txt", "bl.test:dnset:dn.txt"],
                     port, "1.2.0.192.bl.test", os.path.join(d, "rbldnsd.log"))
        v = version(["rbldnsd", "-h"])
        if not t.ok(srv.up, f"{v} loads the exports", srv.output() if not srv.up else None):
            srv.stop()
        else:
            nib = ".".join(reversed(ipaddress.ip_address("2001:db8::7").exploded.replace(":", "")))
            nib48 = ".".join(reversed(ipaddress.ip_address("2001:db8:1:5::1").exploded.replace(":", "")))
            nib_out = ".".join(reversed(ipaddress.ip_address("2001:db8::8").exploded.replace(":", "")))
            cases = [("1.2.0.192.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("1.2.0.192.bl.test", "TXT", ("NOERROR", ['"Listed by oureyes: 192.0.2.1"'])),
                     ("4.3.20.10.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("9.2.0.192.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("2.2.0.192.bl.test", "A", ("NXDOMAIN", [])),
                     ("4.3.21.10.bl.test", "A", ("NXDOMAIN", [])),
                     (nib + ".bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     (nib48 + ".bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     (nib_out + ".bl.test", "A", ("NXDOMAIN", [])),
                     ("evil.example.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("www.evil.example.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     (idn + ".bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("bad_host.example.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("github.io.bl.test", "A", ("NOERROR", ["127.0.0.2"])),
                     ("user.github.io.bl.test", "A", ("NXDOMAIN", [])),
                     ("revoked.example.bl.test", "A", ("NXDOMAIN", [])),
                     ("expired.example.bl.test", "A", ("NXDOMAIN", [])),
                     ("good.example.bl.test", "A", ("NXDOMAIN", []))]
            for name, qt, want in cases:
                t.eq(dig(port, name, qt), want, f"rbldnsd: {name} {qt}")
            srv.stop()

    # dnsmasq reads hosts files (--addn-hosts): listed names answer 0.0.0.0.
    if not (shutil.which("dnsmasq") and shutil.which("dig")):
        t.skip("dnsmasq serves the hosts export", "dnsmasq or dig not installed (Debian packages dnsmasq-base, bind9-dnsutils)")
    else:
        hf = put("hosts", hosts)
        port = free_port()
        args = ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-hosts", "--addn-hosts=" + hf,
                "--no-resolv", "--listen-address=127.0.0.1", "--bind-interfaces", f"--port={port}",
                "--pid-file=", "--log-facility=-"]
        if os.geteuid() == 0:
            args.append("--user=root")
        srv = Daemon(args, port, "evil.example", os.path.join(d, "dnsmasq.log"))
        v = version(["dnsmasq", "--version"])
        if not t.ok(srv.up, f"{' '.join(v.split()[:3])} loads the hosts export", srv.output() if not srv.up else None):
            srv.stop()
        else:
            for name, listed in (("evil.example", True), (idn, True), ("bad_host.example", True),
                                 ("github.io", True), ("revoked.example", False), ("www.evil.example", False)):
                st, ans = dig(port, name)
                t.ok((ans == ["0.0.0.0"]) == listed, f"dnsmasq: {name} {'blocked' if listed else 'not blocked'}", (st, ans))
            srv.stop()

    # Suricata: datasets loaded by rules (suricata -T validates the rules and
    # loads the sets). Not in Debian 12 (bookworm); bookworm-backports and
    # later releases have it.
    if not shutil.which("suricata"):
        t.skip("suricata loads the datasets", "suricata not installed (not in Debian 12; the files were checked strictly above)")
    else:
        # The rules exist to make Suricata load each file: dns.query is a
        # buffer every version has, and a dataset's type is the file's.
        # ipv4 and ip datasets came with Suricata 7.
        v = version(["suricata", "-V"])
        m = re.search(r"version (\d+)", v)
        kinds = [("domain", "string", ""), ("md5", "md5", " to_md5;"), ("sha256", "sha256", " to_sha256;")]
        if m and int(m.group(1)) >= 7:
            kinds += [("ipv4", "ipv4", ""), ("ipv6", "ip", "")]
        rules, sid = [], 1000
        for typ, st, xf in kinds:
            lst = put(f"{typ}.lst", sets[typ])
            sid += 1
            rules.append(f'alert dns any any -> any any (msg:"oureyes {typ}"; dns.query;{xf} '
                         f'dataset:isset,oe-{typ},type {st},load {lst}; sid:{sid}; rev:1;)')
        rf = put("oureyes.rules", "\n".join(rules) + "\n")
        logd = os.path.join(d, "log")
        os.makedirs(logd)
        p = subprocess.run(["suricata", "-T", "-S", rf, "-l", logd], capture_output=True, text=True, timeout=300, cwd=d)
        t.ok(p.returncode == 0, f"{v}: suricata -T loads the {', '.join(k[1] for k in kinds)} datasets", p.stdout[-2000:] + p.stderr[-2000:])


def named(t, d, put, idn):
    port = free_port()
    zf = os.path.join(d, "rpz.zone")
    put("example.zone", "$TTL 60\n@ SOA ns.example. h.example. 1 3600 600 86400 60\n@ NS ns.example.\n"
        "ns A 127.0.0.1\n* A 203.0.113.10\nlisted-ip A 192.0.2.1\nin-cidr A 10.20.3.4\nmapped A 192.0.2.9\n"
        "v6 AAAA 2001:db8::7\nv6-in-48 AAAA 2001:db8:1:5::1\nv6-out AAAA 2001:db8::8\n")
    put("io.zone", "$TTL 60\n@ SOA ns.example. h.example. 1 3600 600 86400 60\n@ NS ns.example.\n* A 203.0.113.11\n")
    conf = put("named.conf", f"""
options {{
    directory "{d}";
    pid-file "{d}/named.pid";
    session-keyfile "{d}/session.key";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion yes;
    allow-query {{ 127.0.0.1; }};
    allow-recursion {{ 127.0.0.1; }};
    dnssec-validation no;
    notify no;
    response-policy {{ zone "{ZONE}"; }} qname-wait-recurse no;
}};
controls {{ }};
zone "{ZONE}" {{ type primary; file "{zf}"; }};
zone "example" {{ type primary; file "{d}/example.zone"; }};
zone "io" {{ type primary; file "{d}/io.zone"; }};
""")
    args = ["named", "-g", "-c", conf, "-n", "1"]
    srv = Daemon(args, port, "ns.example", os.path.join(d, "named.log"))
    v = " ".join(version(["named", "-v"]).split()[:2])
    if not t.ok(srv.up, f"{v} starts with the RPZ", srv.output() if not srv.up else None):
        return
    cases = [("evil.example", "A", "NXDOMAIN"), ("www.evil.example", "A", "NXDOMAIN"),
             (idn, "A", "NXDOMAIN"), ("bad_host.example", "A", "NXDOMAIN"),
             ("github.io", "A", "NXDOMAIN"), ("user.github.io", "A", "NOERROR"),
             ("listed-ip.example", "A", "NXDOMAIN"), ("in-cidr.example", "A", "NXDOMAIN"),
             ("mapped.example", "A", "NXDOMAIN"), ("v6.example", "AAAA", "NXDOMAIN"),
             ("v6-in-48.example", "AAAA", "NXDOMAIN"), ("v6-out.example", "AAAA", "NOERROR"),
             ("revoked.example", "A", "NOERROR"), ("expired.example", "A", "NOERROR"),
             ("good.example", "A", "NOERROR")]
    for name, qt, want in cases:
        st, ans = dig(srv.port, name, qt)
        t.eq(st, want, f"named: {name} {qt} is {want}")
    log = srv.output()
    t.ok("invalid rpz" not in log and "not the canonical" not in log and "rpz.oureyes.local/IN: loaded serial" in log,
         "named: every RPZ trigger is read as BIND's canonical form", log[-1500:])


TAP().run(main)
