"""The server under abuse: broken HTTP, oversized headers and bodies,
many clients at once, writers racing a CLI import. It must answer what it
can, refuse the rest with a status, and stay up with nothing lost."""
import json
import os
import socket
import threading
import time

from oe import Node, TAP, run


def raw(n, data, timeout=5):
    host, port = n.url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=timeout)
    try:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def status(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def main(t):
    n = Node(org="Abuse Desk", country="PH")
    try:
        n.start()
        auth = f"Authorization: Bearer {n.key}\r\n".encode()
        garbage = [b"\x00\x01\x02\xff" * 100 + b"\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                   b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"]
        for g in garbage:
            resp = raw(n, g)
            st = status(resp)
            t.ok(st is None or 400 <= st < 600, f"garbage {g[:20]!r} refused", resp[:200])
        t.eq(n.get("/healthz", key=None).status, 200, "up after garbage")
        resp = raw(n, b"GET /api/v1/indicators HTTP/1.1\r\nHost: x\r\n" + auth + b"X-Big: " + b"a" * 40000 + b"\r\n\r\n")
        t.ok(status(resp) in (400, 413, 431) or resp == b"", "oversized header refused", resp[:200])
        body = b'{"value":"' + b"a" * 3000000 + b'"}'
        resp = raw(n, b"POST /api/v1/indicators HTTP/1.1\r\nHost: x\r\n" + auth +
                   b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n", timeout=20)
        t.eq(status(resp), 413, "chunked body over the limit: 413")
        resp = raw(n, b"POST /api/v1/indicators HTTP/1.1\r\nHost: x\r\n" + auth +
                   b"Content-Length: 99999999999999999999\r\n\r\n{}")
        t.ok(status(resp) in (400, 413), "absurd Content-Length refused", resp[:200])
        resp = raw(n, b"GET /api/v1/lookup?value=%ff%fe%00x HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
        t.ok(status(resp) == 400 and b'"error"' in resp, "binary query value: 400 with a JSON error", resp[:300])
        try:
            json.loads(resp.split(b"\r\n\r\n", 1)[1])
            t.ok(True, "error body is valid JSON")
        except ValueError as e:
            t.ok(False, "error body is valid JSON", e)
        resp = raw(n, b"GET /api/v1/indicators/" + b"x" * 5000 + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"\r\n")
        t.ok(status(resp) in (404, 414, 400), "very long id refused", resp[:200])

        # Many clients at once, writers and readers.
        errors = []
        ok = [0]
        lock = threading.Lock()

        def worker(w):
            for i in range(60):
                v = f"10.{w}.{i // 256}.{i % 256}"
                r = n.post("/api/v1/indicators", {"value": v, "tlp": "green"})
                r2 = n.get(f"/api/v1/lookup?value={v}")
                with lock:
                    if r.status != 201 or r2.status != 200 or not r2.json()["match"]:
                        errors.append((v, r.status, r2.status, r2.body[:100]))
                    else:
                        ok[0] += 1

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
        # A CLI import writes to the same database meanwhile.
        lst = os.path.join(n.tmp, "list.txt")
        with open(lst, "w") as f:
            f.write("\n".join(f"172.16.{i // 256}.{i % 256}" for i in range(20000)))
        for th in threads:
            th.start()
        rc, out, err = run("import", "--data", n.dir, "--type", "ipv4", lst, check=False)
        for th in threads:
            th.join()
        t.eq(errors, [], "480 concurrent writes and reads all succeed")
        t.ok(rc == 0 and json.loads(out)["imported"] == 20000, "CLI import alongside the server", (rc, err[-300:]))
        total = 0
        cursor = None
        while True:
            j = n.get("/api/v1/indicators?limit=1000" + (f"&cursor={cursor}" if cursor else "")).json()
            total += len(j["indicators"])
            cursor = j["next"]
            if not cursor:
                break
        t.eq(total, 480 + 20000, "everything acknowledged is stored, once")
        t.eq(n.get("/healthz", key=None).status, 200, "still up")
        m = n.get("/metrics", key=None).body
        t.ok('oureyes_http_requests_total{code="5xx"} 0' in m, "no 5xx answered", [l for l in m.splitlines() if "5xx" in l])
        logs = "".join(n.log)
        t.ok(n.key not in logs and "Bearer" not in logs, "keys never reach the logs")
    finally:
        n.close()


TAP().run(main)
