"""The scheduler's report sweep does not wait for pulls from partners
(src/service/sched.c). A partner holds the server's pull open for as long
as the test likes; meanwhile a citizen's telecom-fraud report passes its
deadline (2 s here) and the sweep, every second, logs it as overdue and
/metrics counts it, while the pull is still waiting for its answer."""
import time

from oe import Node, TAP, run
from sync_robustness import Partner


def main(t):
    p = Partner().start()
    p.mode = "stall"
    n = Node(org="ID-BSSN", country="ID")
    try:
        n.start("--set", "sync.interval=1s", "--set", "sync.timeout=60s", "--set", "reports.sweep_interval=1s",
                "--set", "deadlines.telecom_fraud=2s")
        run("peer", "invite", "--data", n.dir, "--name", "SG-CSA", "--country", "SG")
        run("peer", "add", "--data", n.dir, "--name", "SG-CSA", "--url", f"http://127.0.0.1:{p.port}/",
            "--key", "oe_partnerkey_0123456789")
        t.ok(p.stalled.wait(30), "the scheduler's pull reaches the partner, which does not answer")
        r = n.post("/public/v1/reports", {"category": "telecom_fraud", "lang": "en",
                                          "description": "A caller asked for my OTP.",
                                          "identifiers": [{"kind": "phone", "value": "0812 3456 7890"}]},
                   key=None)
        t.eq(r.status, 201, "a citizen reports a telecom fraud (due in 2 s)")
        end = time.time() + 15
        logged = []
        while not logged and time.time() < end:
            time.sleep(0.2)
            logged = [line for line in n.log if "report overdue" in line]
        t.ok(logged, "the sweep logs the report overdue while the pull still waits")
        t.ok(not p.release.is_set() and not [q for q in n.get("/api/v1/peers").json()["peers"]
                                             if q["last_attempt"] and q["last_success"]],
             "the pull had not finished then")
        m = n.get("/metrics").body
        t.ok('oureyes_reports_overdue{category="telecom_fraud"} 1' in m, "/metrics counts it overdue")
        p.release.set()
    finally:
        p.stop()
        n.close()


if __name__ == "__main__":
    TAP().run(main)
