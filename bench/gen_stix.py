#!/usr/bin/env python3
"""Generate a STIX 2.1 bundle of N indicators for the import benchmark.

usage: gen_stix.py N OUT.json [SEED]

Values are a realistic mix (IPv4 45%, domains 30%, URLs 15%, sha256 10%),
all distinct and deterministic for a seed, each with a TLP marking, a
confidence and a label, so the importer does all the work it does on real
feeds: pattern parsing, canonicalisation, TLP mapping, tags, correlation."""
import random
import sys

TLP = ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]
WORDS = ["secure", "login", "bank", "verify", "account", "update", "pay", "wallet", "promo",
         "gift", "id", "my", "online", "support", "help", "auth", "portal", "mobile"]
TLDS = ["com", "net", "org", "xyz", "top", "id", "co.id", "cn", "my", "info", "online", "site"]


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    with open(out, "w") as f:
        f.write('{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[')
        for i in range(n):
            k = i % 20
            if k < 9:
                v = f"{(i >> 24) % 223 + 1}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                pat = f"[ipv4-addr:value = '{v}']"
            elif k < 15:
                v = f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}{i}.{rnd.choice(TLDS)}"
                pat = f"[domain-name:value = '{v}']"
            elif k < 18:
                v = f"https://{rnd.choice(WORDS)}{i}.{rnd.choice(TLDS)}/{rnd.choice(WORDS)}/{i:x}?id={i}"
                pat = f"[url:value = '{v}']"
            else:
                v = "%064x" % rnd.getrandbits(256)
                pat = f"[file:hashes.'SHA-256' = '{v}']"
            u = "%08x-%04x-4%03x-8%03x-%012x" % (rnd.getrandbits(32), rnd.getrandbits(16),
                                                  rnd.getrandbits(12), rnd.getrandbits(12),
                                                  rnd.getrandbits(48))
            f.write(("," if i else "") +
                    '{"type":"indicator","spec_version":"2.1","id":"indicator--%s",'
                    '"created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",'
                    '"pattern":"%s","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z",'
                    '"confidence":%d,"labels":["bench"],"object_marking_refs":["%s"]}'
                    % (u, pat.replace('"', '\\"'), 50 + i % 50, TLP[i % 3]))
        f.write("]}\n")


main()
