#!/usr/bin/env python3
"""Count test cases across every suite from meson's testlog.json.

Each test program speaks TAP; a program counts as one failed case when it
died without saying so itself (a sanitizer abort, a timeout). Prints the
failures, then one closing line: 'N passed, N failed[, N skipped]'."""
import json
import re
import sys

log = sys.argv[1]
passed = failed = skipped = 0
failures = []
with open(log) as f:
    for line in f:
        t = json.loads(line)
        name, result, out = t["name"], t["result"], t.get("stdout") or ""
        p = fl = sk = 0
        for l in out.splitlines():
            m = re.match(r"^(not ok|ok)\b[^#]*(#\s*(SKIP|TODO)\b.*)?", l, re.I)
            if not m:
                continue
            if m.group(3) and m.group(3).upper() == "SKIP":
                sk += 1
            elif m.group(1) == "ok":
                p += 1
            else:
                fl += 1
                failures.append(f"{name}: {l.strip()}")
        plan_skip = re.search(r"^1\.\.0\s*#\s*SKIP", out, re.M | re.I)
        if plan_skip and p == fl == sk == 0:
            sk += 1
        # cmocka writes a skipped case as "not ok N # SKIP", which meson
        # calls a failure; a program that exited 0 and failed no case passed.
        if result == "FAIL" and t.get("returncode") == 0 and fl == 0 and (p or sk):
            result = "OK"
        if result not in ("OK", "SKIP", "EXPECTEDFAIL") and fl == 0:
            fl += 1
            failures.append(f"{name}: {result} (exit {t.get('returncode')})")
        if result == "SKIP" and p == fl == sk == 0:
            sk += 1
        passed += p
        failed += fl
        skipped += sk
for f in failures:
    print("FAILED", f)
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
