"""The server under abuse: broken HTTP, oversized headers and bodies,
many clients at once, writers racing a CLI import. It must answer what it
can, refuse the rest with a status, and stay up with nothing lost."""
import json
import os
import select
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
        except OSError:
            pass  # the server answered and closed before taking it all
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def upload(n, head, total, seconds=30):
    """Send head, then up to total body bytes while reading; returns
    (answer, body bytes sent). Stops sending once the server answers or
    closes; a refusal must not wait for the body."""
    host, port = n.url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    chunk = b"192.0.2.1\n" * 6554  # ~64 KiB
    sent, out, sending = 0, b"", True
    try:
        s.sendall(head)
        s.setblocking(False)
        deadline = time.time() + seconds
        while time.time() < deadline:
            r, w, _ = select.select([s], [s] if sending else [], [], 1)
            if r:
                try:
                    d = s.recv(65536)
                except (ConnectionResetError, BlockingIOError):
                    break
                if not d:
                    break
                out += d
            if w and sending:
                try:
                    sent += s.send(chunk[:total - sent])
                except BlockingIOError:
                    pass
                except (BrokenPipeError, ConnectionResetError):
                    sending = False
                if sent >= total:
                    sending = False
        return out, sent
    finally:
        s.close()


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


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

        # Refusals come from the headers, before any body is read: a caller
        # without a key cannot make the server buffer a 50 MB upload.
        size = 50 * 1024 * 1024
        hwm = vm_hwm_kb(n.proc.pid)
        resp, sent = upload(n, b"POST /api/v1/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                            b"Content-Length: %d\r\n\r\n" % size, size)
        grew = vm_hwm_kb(n.proc.pid) - hwm
        t.ok(status(resp) == 401 and b'"unauthorized"' in resp, "unauthenticated 50 MB import: 401",
             (resp[:300], sent))
        t.ok(grew < 20 * 1024, "the refused body is not buffered", f"VmHWM grew by {grew} kB, {sent} bytes sent")
        t.ok(sent < size, "answered before the body is sent", sent)
        resp, sent = upload(n, b"GET /api/v1/lookup?value=1.2.3.4 HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Length: %d\r\n\r\n" % size, size)
        t.ok(status(resp) == 401 and sent < size, "a GET with a body is authenticated before it", (resp[:200], sent))
        resp, sent = upload(n, b"POST /api/v1/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer oe_0000000000000000_"
                            + b"A" * 43 + b"\r\nContent-Length: %d\r\n\r\n" % size, size)
        t.ok(status(resp) == 401 and sent < size, "bad key, big body: 401 before the body", (resp[:200], sent))
        _, out, _ = run("key", "create", "--data", n.dir, "--org", "Abuse Desk", "--role", "reader")
        reader = json.loads(out)["api_key"]
        r = n.request("POST", "/api/v1/indicators", raw=b"{not json", key=reader,
                      headers={"Content-Type": "application/json"})
        t.ok(r.status == 403 and r.json()["error"]["code"] == "forbidden",
             "reader POST /api/v1/indicators: 403 even with an invalid body", r)
        for method, path in (("PATCH", "/api/v1/indicators/indicator--x"), ("DELETE", "/api/v1/indicators/indicator--x"),
                             ("POST", "/api/v1/events"), ("POST", "/api/v1/sightings"), ("POST", "/api/v1/import")):
            r = n.request(method, path, raw=b"x", key=reader)
            t.eq(r.status, 403, f"reader {method} {path}: 403")
        resp, sent = upload(n, b"POST /api/v1/import HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                            + reader.encode() + b"\r\nContent-Length: %d\r\n\r\n" % size, size)
        t.ok(status(resp) == 403 and sent < size, "reader, big import: 403 before the body", (resp[:200], sent))
        r = n.post("/api/v1/lookup", {"values": ["192.0.2.1"]}, key=reader)
        t.eq(r.status, 200, "a reader may POST a lookup")
        t.eq(n.get("/api/v1/export?format=txt", key=reader).status, 200, "a reader may export")
        r = n.request("DELETE", "/api/v1/lookup")
        t.ok(r.status == 405 and r.headers.get("Allow") == "GET, POST", "405 carries an Allow header",
             (r, r.headers.get("Allow")))
        resp, sent = upload(n, b"PUT /api/v1/import HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size, size)
        t.ok(status(resp) == 405 and b"\r\nAllow: POST\r\n" in resp and sent < size,
             "405 answered before the body, with Allow", (resp[:300], sent))
        resp, sent = upload(n, b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size, size)
        t.ok(status(resp) == 404 and sent < size, "404 answered before the body", (resp[:200], sent))
        resp, sent = upload(n, b"POST /api/v1/indicators HTTP/1.1\r\nHost: x\r\n" + auth +
                            b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % size, size)
        t.ok(status(resp) == 413 and b"100 Continue" not in resp and sent < size,
             "over the limit with Expect: 100-continue: 413 before the body", (resp[:200], sent))
        r = n.get("/metrics", key=None)
        t.eq(r.status, 401, "/metrics without a key: 401")
        r = n.request("POST", "/api/v1/import?format=txt&type=ipv4", raw=b"not-an-ip\n999.1.1.1\n",
                      headers={"Content-Type": "text/plain"})
        j = r.json()
        t.ok(r.status == 400 and j.get("error", {}).get("code") == "nothing_imported" and j.get("imported") == 0
             and j.get("refused_count") == 2 and len(j.get("refused", [])) == 2,
             "import with every object refused: 400 nothing_imported with the refused list", r)
        t.eq(n.get("/healthz", key=None).status, 200, "up after early refusals")
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
        m = n.get("/metrics").body
        t.ok('oureyes_http_requests_total{code="5xx"} 0' in m, "no 5xx answered", [l for l in m.splitlines() if "5xx" in l])
        logs = "".join(n.log)
        t.ok(n.key not in logs and "Bearer" not in logs, "keys never reach the logs")
    finally:
        n.close()


TAP().run(main)
