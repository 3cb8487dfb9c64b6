"""The node's life: init, serve, health, metrics, auth, config, stop."""
import json
import os
import signal
import subprocess
import tempfile
import time

from oe import BIN, Node, TAP, run


def main(t):
    n = Node(org="Direktorat Siber", country="ID")
    try:
        t.ok(n.key.startswith("oe_") and len(n.key) == 63, "init prints an API key", n.key)
        t.ok(n.node_id.startswith("identity--"), "init prints a STIX identity node id")
        t.ok(n.org_id.startswith("identity--") and n.org_id != n.node_id, "org id is its own identity")
        files = sorted(os.listdir(n.dir))
        t.ok({"node.key", "oureyes.db", "oureyes.ini", "secret.key"} <= set(files),
             "data directory layout", files)
        t.eq(oct(os.stat(os.path.join(n.dir, "node.key")).st_mode & 0o777), "0o600", "node key is 0600")
        mode = subprocess.run(["sqlite3", os.path.join(n.dir, "oureyes.db"), "PRAGMA journal_mode"],
                              capture_output=True, text=True).stdout.strip()
        t.eq(mode, "wal", "database is in WAL mode")

        rc, out, err = run("init", "--data", n.dir, "--org", "X", "--country", "ID", check=False)
        t.ok(rc != 0 and "refusing" in err, "init refuses an existing data directory", err)
        rc, out, err = run("init", "--data", n.dir + "x", "--org", "X", "--country", "Indonesia",
                           check=False)
        t.ok(rc == 1 and "country" in err, "init refuses a bad country code", (rc, err))

        for cmd in ("init", "serve", "import", "export", "lookup", "org", "user", "key", "config"):
            rc, out, _ = run(cmd, "--help", check=False)
            t.ok(rc == 0 and "usage: oureyes " + cmd in out, f"{cmd} --help")

        n.start()
        r = n.get("/healthz", key=None)
        t.eq((r.status, r.json()), (200, {"status": "ok"}), "GET /healthz")
        t.eq(r.headers.get("Content-Type"), "application/json", "healthz content type")
        r = n.get("/metrics")
        t.ok(r.status == 200 and "oureyes_http_requests_total{code=\"2xx\"}" in r.body
             and "# TYPE oureyes_indicators gauge" in r.body, "GET /metrics in Prometheus text", r)
        t.ok(r.headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
             "metrics content type")
        t.eq(n.get("/metrics", key=None).status, 401, "metrics need a key")

        r = n.get("/api/v1/indicators", key=None)
        t.eq(r.status, 401, "no key: 401")
        t.ok(r.headers.get("WWW-Authenticate", "").startswith("Bearer"), "401 names Bearer")
        t.eq(r.json()["error"]["code"], "unauthorized", "401 error body")
        r = n.get("/api/v1/indicators", key=n.key[:-1] + ("A" if n.key[-1] != "A" else "B"))
        t.eq(r.status, 401, "wrong secret: 401")
        r = n.get("/api/v1/indicators", key="oe_0000000000000000_" + "A" * 43)
        t.eq(r.status, 401, "unknown key id: 401")
        r = n.get("/api/v1/indicators", key="garbage")
        t.eq(r.status, 401, "malformed key: 401")
        r = n.get("/api/v1/indicators")
        t.eq(r.status, 200, "valid key: 200")
        r = n.get("/nope")
        t.eq((r.status, r.json()["error"]["code"]), (404, "not_found"), "unknown path: 404 JSON")
        r = n.request("PUT", "/api/v1/indicators", body={})
        t.eq(r.status, 405, "wrong method: 405")
        t.eq(r.headers.get("Allow"), "POST, GET", "405 lists the allowed methods")

        # Keys: create, use, revoke.
        _, out, _ = run("key", "create", "--data", n.dir, "--org", "Direktorat Siber", "--role", "reader")
        k = json.loads(out)["api_key"]
        t.eq(n.get("/api/v1/indicators", key=k).status, 200, "new reader key works")
        r = n.post("/api/v1/indicators", {"type": "ipv4", "value": "203.0.113.9"}, key=k)
        t.eq(r.status, 403, "reader may not write")
        run("key", "revoke", "--data", n.dir, k)
        t.eq(n.get("/api/v1/indicators", key=k).status, 401, "revoked key: 401")
        rc, out, _ = run("key", "list", "--data", n.dir)
        keys = [json.loads(l) for l in out.splitlines()]
        mine = [x for x in keys if x["key_id"] == k[3:19]]
        t.ok(len(mine) == 1 and mine[0]["revoked"] and mine[0]["role"] == "reader"
             and all(x["key_id"] != n.key[3:19] or x["revoked"] is None for x in keys)
             and k[20:] not in out and n.key[20:] not in out,
             "key list shows ids, roles and revocation, never secrets", out)
        rc, _, err = run("key", "revoke", "--data", n.dir, k, check=False)
        t.ok(rc == 1 and "no active key" in err, "revoking twice is an error", err)
        rc, _, err = run("key", "create", "--data", n.dir, "--org", "Nobody", "--role", "reader",
                         check=False)
        t.ok(rc == 1 and "no organisation" in err, "key for an unknown org", err)
        rc, _, err = run("key", "create", "--data", n.dir, "--org", "Direktorat Siber", "--role", "root",
                         check=False)
        t.ok(rc == 2 and "--role" in err, "key with an unknown role", err)
        # Names end up in JSON, logs and terminals: UTF-8 text only.
        def cli_bytes(*args):
            return subprocess.run([os.fsencode(BIN), *args], capture_output=True, timeout=60)
        p = cli_bytes(b"org", b"add", b"--data", os.fsencode(n.dir), b"--name", b"Bad\xffOrg",
                      b"--country", b"ID")
        t.ok(p.returncode == 2 and b"UTF-8" in p.stderr and not p.stdout,
             "org add refuses a name that is not UTF-8", (p.returncode, p.stderr, p.stdout))
        p = cli_bytes(b"user", b"add", b"--data", os.fsencode(n.dir), b"--org", b"Direktorat Siber",
                      b"--name", b"eve\x1b[2J", b"--role", b"reader")
        t.ok(p.returncode == 2 and b"control" in p.stderr, "user add refuses control characters",
             (p.returncode, p.stderr))
        p = cli_bytes(b"key", b"create", b"--data", os.fsencode(n.dir), b"--org", b"Direktorat Siber",
                      b"--role", b"reader", b"--label", b"half \xe2\x82")
        t.ok(p.returncode == 2 and b"--label" in p.stderr, "key create refuses a label cut mid-character",
             (p.returncode, p.stderr))
        p = cli_bytes(b"init", b"--data", os.fsencode(n.dir + "-bad"), b"--org", b"Bad\x85Org",
                      b"--country", b"ID")
        t.ok(p.returncode == 2 and not os.path.exists(n.dir + "-bad"),
             "init refuses an organisation name that is not UTF-8", (p.returncode, p.stderr))
        rc, out, _ = run("org", "add", "--data", n.dir, "--name", "Kementerian Dalam Negeri é中",
                         "--country", "ID")
        t.eq(json.loads(out)["name"], "Kementerian Dalam Negeri é中", "org add takes UTF-8 names")
        rc, out, _ = run("user", "add", "--data", n.dir, "--org", "Direktorat Siber", "--name", "ana",
                         "--role", "analyst", "--password-stdin", input="correct horse battery\n")
        u = json.loads(out)
        t.ok(u["role"] == "analyst" and n.get("/api/v1/indicators", key=u["api_key"]).status == 200,
             "user add gives a working key")
        pw = subprocess.run(["sqlite3", os.path.join(n.dir, "oureyes.db"),
                             "SELECT pw_hash FROM users WHERE name='ana'"], capture_output=True,
                            text=True).stdout
        t.ok(pw.startswith("$argon2id$"), "password stored as Argon2id", pw)
        keys = subprocess.run(["sqlite3", os.path.join(n.dir, "oureyes.db"), "SELECT hex(hash) FROM api_keys"],
                              capture_output=True, text=True).stdout
        t.ok(n.key.split("_", 2)[2] not in keys and len(keys.split()) >= 3, "keys stored only hashed")

        # Stop: SIGTERM drains and exits 0 with a JSON log line.
        rc = n.stop(signal.SIGTERM)
        t.eq(rc, 0, "SIGTERM stops cleanly")
        lines = [json.loads(l) for l in n.log if l.startswith("{")]
        t.ok(any(l.get("msg") == "stopped" for l in lines), "logs are JSON lines ending with 'stopped'",
             "".join(n.log[-5:]))
        t.ok(all("level" in l and "ts" in l for l in lines), "every log line has ts and level")

        # Listening beyond loopback needs TLS unless --insecure-http.
        p = subprocess.run([BIN, "serve", "--data", n.dir, "--listen", "0.0.0.0:0"],
                           capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 1 and "TLS" in p.stderr, "non-loopback without TLS refused", p.stderr)
        p = subprocess.run([BIN, "serve", "--data", n.dir, "--set", "server.threads=0"],
                           capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 1 and "server.threads" in p.stderr, "out-of-bounds config refused", p.stderr)
        with open(os.path.join(n.tmp, "bad.ini"), "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:0\nbogus = 1\n")
        p = subprocess.run([BIN, "serve", "--data", n.dir, "--config", os.path.join(n.tmp, "bad.ini")],
                           capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 1 and "bogus" in p.stderr, "unknown config key refused", p.stderr)
        rc, out, _ = run("config")
        t.ok("[server]" in out and "# default 2, from 1 to 256" in out and "default_region = ID" in out,
             "config prints every key with default and bounds")

        # HTTPS with a certificate and key (GnuTLS inside libmicrohttpd).
        cert, key = os.path.join(n.tmp, "cert.pem"), os.path.join(n.tmp, "key.pem")
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                            "-out", cert, "-days", "2", "-subj", "/CN=localhost"], capture_output=True, text=True)
        if p.returncode != 0:
            t.skip("HTTPS", "openssl cannot make a certificate")
        else:
            n.start("--tls-cert", cert, "--tls-key", key)
            t.ok(n.url.startswith("https://"), "serves HTTPS with a certificate", n.url)
            c = subprocess.run(["curl", "-sk", n.url + "/healthz"], capture_output=True, text=True)
            t.eq(c.stdout.strip(), '{"status":"ok"}', "healthz over TLS")
            c = subprocess.run(["curl", "-s", "--cacert", cert, n.url.replace("127.0.0.1", "localhost") + "/healthz"],
                               capture_output=True, text=True)
            t.eq(c.stdout.strip(), '{"status":"ok"}', "certificate verifies for its name")
            c = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                n.url.replace("https://", "http://") + "/healthz"], capture_output=True, text=True)
            t.ok(c.stdout != "200", "plain HTTP is not answered on the TLS port", c.stdout)
            t.eq(n.stop(signal.SIGTERM), 0, "TLS server stops cleanly")
        p = subprocess.run([BIN, "serve", "--data", n.dir, "--tls-cert", cert], capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 1 and "tls_key" in p.stderr, "a certificate without a key is refused", p.stderr)

        # A database from a newer oureyes is refused, not damaged.
        subprocess.run(["sqlite3", os.path.join(n.dir, "oureyes.db"), "PRAGMA user_version=999"], check=True)
        p = subprocess.run([BIN, "serve", "--data", n.dir, "--listen", "127.0.0.1:0"],
                           capture_output=True, text=True, timeout=30)
        t.ok(p.returncode == 1 and "newer" in p.stderr, "newer schema refused", p.stderr)
    finally:
        n.close()


TAP().run(main)
