"""Several countries on one machine, for the end-to-end tests of sharing
between nodes (three_nodes.py, cases_nodes.py): each a real `oureyes serve`
on its own loopback port and data directory, paired with `oureyes peer
invite` / `peer add` and pulling from the others on the scheduler (1 s
interval)."""
import contextlib
import json
import os
import socket
import sqlite3
import time
import urllib.parse

from oe import Node, run

SYNC = ("--set", "sync.interval=1s", "--set", "sync.backoff_max=2s", "--set", "sync.page_limit=50")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Country:
    def __init__(self, name, cc):
        self.name, self.cc = name, cc
        self.node = Node(org=name, country=cc)
        self.port = free_port()

    def start(self):
        self.node.start("--listen", f"127.0.0.1:{self.port}", *SYNC)
        return self

    def lookup(self, value, key="default"):
        r = self.node.get("/api/v1/lookup?value=" + urllib.parse.quote(value), key=key)
        assert r.status == 200, r
        return r.json()["match"]

    def db(self, sql, *args):
        c = sqlite3.connect(os.path.join(self.node.dir, "oureyes.db"), timeout=30)
        try:
            return c.execute(sql, args).fetchall()
        finally:
            c.close()

    def peers(self):
        return {p["name"]: p for p in self.node.get("/api/v1/peers").json()["peers"]}


def wait(cond, timeout=60, step=0.1):
    """Poll cond until it holds; returns its last value."""
    end = time.time() + timeout
    v = cond()
    while not v and time.time() < end:
        time.sleep(step)
        v = cond()
    return v


def pair(a, b):
    """a invites b; b pulls from a with the key a printed. Returns that key."""
    inv = json.loads(run("peer", "invite", "--data", a.node.dir, "--name", b.name, "--country", b.cc)[1])
    run("peer", "add", "--data", b.node.dir, "--name", a.name, "--url", a.node.url + "/taxii2/",
        "--key", inv["api_key"])
    return inv["api_key"]


def synced_after(c, since):
    """Every peer of c has had a successful pull that started after since."""
    def ok():
        for p in c.peers().values():
            if not p["last_success"] or p["last_error"]:
                return False
            if time.mktime(time.strptime(p["last_success"][:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone < since:
                return False
        return True
    return ok


@contextlib.contextmanager
def mesh(t, what, *countries):
    """The countries started, each pulling from every other one (checked as
    the TAP line what); yields the keys they pull with, by (from, to). Every
    node is closed after, whatever happened."""
    try:
        for c in countries:
            c.start()
        keys = {}
        for a in countries:
            for b in countries:
                if a is not b:
                    keys[(a.name, b.name)] = pair(a, b)  # b pulls from a with it
        n = len(countries) - 1
        t.ok(wait(lambda: all(len(c.peers()) == n and all(p["last_success"] for p in c.peers().values())
                              for c in countries), 60), what)
        yield keys
    finally:
        for c in countries:
            c.node.close()
