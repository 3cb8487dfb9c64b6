#!/usr/bin/env python3
"""gen_log.py - the bulk matching benchmark's data, made from real lists.

  gen_log.py SHARED OUTDIR [MB] [INDICATORS]

Writes into OUTDIR:
  indicators.txt  INDICATORS values (default 1,000,000): every real bad value
                  of SHARED/fixtures/blocklists (phishing domains, ipsum,
                  phishing and ThreatFox IPs), then filler names and
                  addresses of our own that no log line holds;
  values.txt      the same values, for grep -F -f;
  access.log      about MB megabytes (default 1024) of squid proxy and BIND
                  query log lines whose hosts come from the Tranco top 10k
                  (the warninglists' tranco10k list), with bad values
                  injected on one line in 200;
  expected.tsv    LINE<TAB>INDICATOR<TAB>HOW of every injected hit: the
                  generator knows which lines it injected.
Benign hosts that a bad value equals or lies above are left out, so every
hit is an injected one. Deterministic (seeded)."""
import json
import os
import random
import sys


def read_list(path, ipsum=False):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.append(line.split()[0] if ipsum else line)
    return out


def valid_name(d):
    """oe_canon's ASCII rules for a domain (what the node stores)."""
    labels = d.split(".")
    if len(labels) < 2 or len(d) > 253 or labels[-1].isdigit() or "_" in labels[-1]:
        return False
    return all(0 < len(l) <= 63 and l[0] != "-" and l[-1] != "-" and
               all(c.isascii() and (c.isalnum() or c in "-_") for c in l) for l in labels)


def parents(host):
    labels = host.split(".")
    return {".".join(labels[i:]) for i in range(1, len(labels) - 1)}


def main():
    shared, outdir = sys.argv[1], sys.argv[2]
    mb = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
    total = int(sys.argv[4]) if len(sys.argv) > 4 else 1000000
    rnd = random.Random(20261122)
    bl = os.path.join(shared, "fixtures", "blocklists")
    domains = sorted({d.lower().rstrip(".") for d in read_list(os.path.join(bl, "phishing-domains-active.txt"))
                      if valid_name(d.lower().rstrip("."))})
    ips = sorted(set(read_list(os.path.join(bl, "ipsum.txt"), ipsum=True)) |
                 set(read_list(os.path.join(bl, "phishing-ips-active.txt"))) |
                 set(read_list(os.path.join(bl, "threatfox-ips.txt"))))
    ips = [i for i in ips if i.count(".") == 3 and all(p.isdigit() and int(p) < 256 and str(int(p)) == p
                                                       for p in i.split("."))]
    tranco = json.load(open(os.path.join(shared, "fixtures", "misp", "warninglists", "tranco10k", "list.json")))["list"]
    dset = set(domains)
    benign = [h for h in tranco if h not in dset and not (parents(h) & dset) and
              not any(p + h in dset for p in ("www.", "cdn.", "api."))]
    # Injected names have no listed parent: each line then has exactly the
    # one hit the generator expects.
    inj = [d for d in domains if not (parents(d) & dset)]

    values = domains + ips
    filler = total - len(values)
    # Filler: names under a zone no log line uses, addresses in 100.64/10
    # (shared address space, never in the lists or the log).
    for i in range(max(filler, 0)):
        j = i >> 1
        if i % 2:
            values.append(f"f{j}.filler-bench.example")
        else:
            values.append(f"100.{64 + (j >> 16) % 64}.{(j >> 8) & 255}.{j & 255}")
    values = values[:total]
    with open(os.path.join(outdir, "indicators.txt"), "w") as f:
        f.write("\n".join(values) + "\n")
    with open(os.path.join(outdir, "values.txt"), "w") as f:
        f.write("\n".join(values) + "\n")

    # Parent-domain injections only where the parent is surely registrable:
    # two labels under a generic TLD.
    two = [d for d in inj if d.count(".") == 1 and d.rsplit(".", 1)[1] in ("com", "net", "org", "info", "xyz")
           and "www." + d not in dset]
    target = mb << 20
    size = 0
    line = 0
    exp = []
    methods = ["GET", "GET", "GET", "POST", "CONNECT"]
    codes = ["TCP_MISS/200", "TCP_HIT/200", "TCP_MISS/304", "TCP_DENIED/403", "TCP_TUNNEL/200"]
    with open(os.path.join(outdir, "access.log"), "w") as f:
        buf = []
        t = 1763769600.0
        while size < target:
            line += 1
            t += 0.003
            client = f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"
            kind = rnd.randrange(200)
            if kind == 0:
                d = rnd.choice(inj)
                s = (f"{t:.3f} {rnd.randrange(1, 5000):>6} {client} TCP_MISS/200 {rnd.randrange(200, 90000)} GET "
                     f"http://{d}/{rnd.randrange(10**6)}/login.php - HIER_DIRECT/198.18.{rnd.randrange(256)}.{rnd.randrange(256)} text/html")
                exp.append((line, d, "url-host"))
            elif kind == 1:
                d = rnd.choice(inj)
                s = (f"22-Nov-2026 00:00:{line % 60:02d}.{line % 1000:03d} queries: info: client @0x7f3a1c {client}#{rnd.randrange(1024, 65535)} "
                     f"({d}): query: {d} IN A +E(0)K (10.0.0.53)")
                exp.append((line, d, "exact"))
            elif kind == 2 and two:
                d = rnd.choice(two)
                s = (f"{t:.3f} {rnd.randrange(1, 5000):>6} {client} TCP_TUNNEL/200 {rnd.randrange(200, 90000)} CONNECT "
                     f"https://www.{d}/ - HIER_DIRECT/198.18.0.{rnd.randrange(256)} -")
                exp.append((line, d, "parent-domain"))
            elif kind == 3:
                ip = rnd.choice(ips)
                s = (f"{t:.3f} {rnd.randrange(1, 5000):>6} {client} TCP_MISS/200 {rnd.randrange(200, 90000)} GET "
                     f"http://{rnd.choice(benign)}/x - HIER_DIRECT/{ip} text/html")
                exp.append((line, ip, "exact"))
            elif kind < 120:
                h = rnd.choice(benign)
                s = (f"{t:.3f} {rnd.randrange(1, 5000):>6} {client} {rnd.choice(codes)} {rnd.randrange(200, 90000)} "
                     f"{rnd.choice(methods)} http://{rnd.choice(['', 'www.', 'cdn.', 'api.'])}{h}/{rnd.randrange(10**6)}/"
                     f"index.html?q={rnd.randrange(10**9)} - HIER_DIRECT/198.18.{rnd.randrange(256)}.{rnd.randrange(256)} text/html")
            else:
                h = rnd.choice(benign)
                s = (f"22-Nov-2026 00:00:{line % 60:02d}.{line % 1000:03d} queries: info: client @0x7f3a1c {client}#{rnd.randrange(1024, 65535)} "
                     f"({h}): query: {h} IN {rnd.choice(['A', 'AAAA', 'HTTPS'])} +E(0)K (10.0.0.53)")
            buf.append(s)
            size += len(s) + 1
            if len(buf) >= 10000:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")
    with open(os.path.join(outdir, "expected.tsv"), "w") as f:
        for ln, v, how in exp:
            f.write(f"{ln}\t{v}\t{how}\n")
    print(f"gen_log: {line} lines, {size >> 20} MB, {len(exp)} injected, {len(values)} indicators "
          f"({len(domains)} real domains, {len(ips)} real IPs)", file=sys.stderr)


if __name__ == "__main__":
    main()
