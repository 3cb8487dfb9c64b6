"""Acknowledged means durable, for citizens' reports: 32 clients submit
while the server is killed with SIGKILL; after a restart every receipt that
was answered 201 still follows up, and the database passes
PRAGMA integrity_check. Repeated OE_CRASH_ROUNDS times (20 by default)."""
import json
import os
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request

from oe import Node, TAP

ROUNDS = int(os.environ.get("OE_CRASH_ROUNDS", "20"))
CLIENTS = 32


def client(url, i, stop, receipts, errors):
    k = 0
    while not stop.is_set():
        k += 1
        body = json.dumps({"category": "telecom_fraud", "lang": "en",
                           "description": f"client {i} call {k}: scammer at 0812-{1000 + i:04d}-{k % 10000:04d}",
                           "identifiers": [{"kind": "phone", "value": f"0812{1000 + i:04d}{k % 10000:04d}"}]}).encode()
        req = urllib.request.Request(url + "/public/v1/reports", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                if r.status == 201:
                    receipts.append(json.loads(r.read())["receipt"])
        except urllib.error.HTTPError as e:
            errors.append(e.code)
        except OSError:
            return  # the server is gone


def main(t):
    n = Node(org="Crash", country="ID")
    args = ("--set", "public.rate=0", "--set", "public.report_rate=0", "--set", "public.followup_failures=0",
            "--set", "public.prefix_failures=0")
    try:
        total, lost, bad_db, http_errors = 0, [], [], []
        for rnd in range(ROUNDS):
            n.start(*args)
            stop = threading.Event()
            receipts, errors = [], []
            th = [threading.Thread(target=client, args=(n.url, i, stop, receipts, errors)) for i in range(CLIENTS)]
            for x in th:
                x.start()
            time.sleep(0.4 + 0.05 * (rnd % 5))
            n.proc.send_signal(signal.SIGKILL)
            n.proc.wait()
            stop.set()
            for x in th:
                x.join()
            http_errors += errors
            db = sqlite3.connect(os.path.join(n.dir, "oureyes.db"))
            ok = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.close()
            if ok != "ok":
                bad_db.append((rnd, ok))
            n.start(*args)
            for rc in receipts:
                r = n.post("/public/v1/follow-up", {"receipt": rc}, key=None)
                if r.status != 200:
                    lost.append((rnd, rc, r.status))
            total += len(receipts)
            n.stop()
        t.ok(total >= ROUNDS * 10, f"{total} reports were acknowledged across {ROUNDS} kills", total)
        t.eq(lost, [], "every acknowledged receipt follows up after the restart")
        t.eq(bad_db, [], "the database passes integrity_check after every kill")
        t.eq(http_errors, [], "no submission was answered with an error before the kill")
    finally:
        n.close()


if __name__ == "__main__":
    TAP().run(main)
