"""Harness for end-to-end tests: real oureyes processes on loopback.

Each test file is a script that speaks TAP through `T`; a node is a real
`oureyes serve` on an ephemeral port with its own data directory."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

BIN = os.environ.get("OE_BIN", "build/oureyes")
SHARED = os.environ.get("OE_SHARED", os.path.join(os.path.dirname(__file__), "../../../shared"))
SRC = os.environ.get("OE_SRC", os.path.join(os.path.dirname(__file__), "../.."))

# Sanitizer reports found in the servers' stderr; TAP.run turns them into a
# failed case, so a leak or overflow in the server cannot pass unnoticed.
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
sanitizer_reports = []
nodes_started = [0]


def shared(*parts):
    """Path under ../shared, or None when the fixtures are absent."""
    p = os.path.join(SHARED, *parts)
    return p if os.path.exists(p) else None


def run(*args, input=None, check=True):
    """Run the oureyes CLI; returns (exit code, stdout, stderr)."""
    p = subprocess.run([BIN, *args], input=input, capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError(f"oureyes {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.returncode, p.stdout, p.stderr


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Node:
    """A data directory and, once started, a serving process."""

    def __init__(self, org="Test Org", country="ID", extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix="oe-e2e-")
        self.dir = os.path.join(self.tmp, "data")
        _, out, _ = run("init", "--data", self.dir, "--org", org, "--country", country)
        ident = json.loads(out)
        self.node_id, self.org_id, self.key = ident["node_id"], ident["org_id"], ident["api_key"]
        self.proc = None
        self.extra = list(extra_args)
        self.log = []

    def start(self, *args):
        nodes_started[0] += 1
        self.proc = subprocess.Popen(
            [BIN, "serve", "--data", self.dir, "--listen", "127.0.0.1:0", *self.extra, *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        self.url = None
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.log.append(line)
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("msg") == "listening":
                self.url = ev["url"].rstrip("/")
                break
        if not self.url:
            raise AssertionError("server did not start: " + "".join(self.log))
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        return self

    def _drain(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def request(self, method, path, body=None, key="default", headers=None, raw=None):
        h = dict(headers or {})
        if key == "default":
            key = self.key
        if key:
            h["Authorization"] = f"Bearer {key}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return Response(r.status, r.headers, r.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read().decode("utf-8", "replace"))

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait()
        return self.proc.returncode if self.proc else None

    def close(self):
        # A clean stop lets LeakSanitizer check the process at exit.
        self.stop(signal.SIGTERM)
        if self.proc and getattr(self, "drain", None):
            self.drain.join(timeout=30)  # the rest of stderr, up to EOF
        text = "".join(self.log)
        for mark in SANITIZER_MARKS:
            if mark in text:
                at = text.index(mark)
                sanitizer_reports.append(text[max(0, at - 200):at + 1500])
                break
        shutil.rmtree(self.tmp, ignore_errors=True)


class TAP:
    """Minimal TAP producer: each check is one numbered case."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, detail=None):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}")
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}")
            if detail is not None:
                for l in str(detail).splitlines()[:40]:
                    print(f"#   {l}")
        sys.stdout.flush()
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, f"got:  {got!r}\nwant: {want!r}")

    def skip(self, name, why):
        self.n += 1
        print(f"ok {self.n} - {name} # SKIP {why}")

    def run(self, fn):
        """Run fn(t); an exception is one failed case. Prints the plan at the end."""
        try:
            fn(self)
        except Exception:
            self.ok(False, "no exception", traceback.format_exc())
        if nodes_started[0]:
            self.ok(not sanitizer_reports, "servers ran without sanitizer reports",
                    "\n".join(sanitizer_reports)[:4000])
        print(f"1..{self.n}")
        sys.exit(1 if self.failed else 0)
