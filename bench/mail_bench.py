#!/usr/bin/env python3
"""The mail benchmark (run by bench/mail.sh, which builds the release binaries first).

1. Test mail servers (tests/mail/mailservers.sh: Dovecot + the SMTP sink, which here only
   appends what it receives to a file, without fsync: SMTP_SINK_RELAY=0) on free loopback
   ports.
2. A fresh `anytime serve` configured by `anytime-loadgen setup` (the HTTP benchmark's
   realistic configuration), with the outbox worker idle (--worker-interval-ms 600000).
3. Ingest: N messages APPENDed to the account's INBOX first; the clock starts when the IMAP
   account is created and stops when N conversations are stored.
4. Deliver: one agent email reply per conversation is queued; the server is restarted with
   the outbox worker on (100 ms) and the clock runs until no email is queued.
"""
import argparse
import base64
import http.client
import imaplib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

TOPICS = ["printer", "refund", "invoice", "password", "login", "shipping", "delivery",
          "warranty", "upgrade", "cancel", "billing", "outage", "laptop", "license", "export",
          "import", "mobile", "report", "access", "vpn"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, data, extra, log_dir, name):
    stdout = open(os.path.join(log_dir, f"{name}-stdout.log"), "w")
    stderr = open(os.path.join(log_dir, f"{name}-stderr.log"), "w")
    proc = subprocess.Popen(
        [binary, "serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--rate-limit", "0",
         "--mail-insecure-tls", *extra],
        stdout=stdout, stderr=stderr, env=dict(os.environ, ANYTIME_LOG="warn"))
    path = stdout.name
    for _ in range(600):
        text = open(path).read()
        if "listening on http://" in text:
            addr = text.split("listening on http://", 1)[1].split()[0]
            creds = next((json.loads(l) for l in text.splitlines() if l.startswith("{")), None)
            return proc, addr, creds
        if proc.poll() is not None:
            sys.exit(open(stderr.name).read())
        time.sleep(0.1)
    sys.exit("anytime serve did not start")


def stop(proc):
    proc.terminate()
    proc.wait(timeout=30)


class Api:
    def __init__(self, addr, email, key):
        host, port = addr.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        token = base64.b64encode(f"{email}:{key}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None, expect=(200, 201)):
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None,
                          headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status not in expect:
            sys.exit(f"{method} {path}: {r.status} {data[:500]!r}")
        return json.loads(data) if data else None


def count(db, sql):
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def wait_until(what, check, limit):
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if check():
            return
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anytime", required=True)
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    n = a.messages
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp(prefix="anytime-mailbench-")
    os.chmod(tmp, 0o755)  # Dovecot's own users must reach the mail dir inside (as root)
    mail_dir = os.path.join(tmp, "mail")
    ports = {k: free_port() for k in ["IMAP_PORT", "IMAPS_PORT", "LMTP_PORT", "SMTP_PORT"]}
    env = dict(os.environ, SMTP_SINK_RELAY="0", **{k: str(v) for k, v in ports.items()})
    script = os.path.join(root, "tests/mail/mailservers.sh")
    with open(os.path.join(a.out, "mailservers.log"), "w") as log:
        subprocess.run(["bash", script, "start", mail_dir], env=env, stdout=log, stderr=log,
                       stdin=subprocess.DEVNULL, check=True)
    server = None
    try:
        data = os.path.join(tmp, "data")
        db = os.path.join(data, "anytime.db")
        server, addr, creds = start_server(a.anytime, data, ["--worker-interval-ms", "600000"],
                                           a.out, "anytime")
        subprocess.run([a.loadgen, "setup", "--addr", addr, "--email", creds["email"],
                        "--key", creds["apiKey"], "--prefill", "0",
                        "--out", os.path.join(tmp, "config.json")], check=True,
                       stdout=subprocess.DEVNULL)
        api = Api(addr, creds["email"], creds["apiKey"])

        box = imaplib.IMAP4("127.0.0.1", ports["IMAP_PORT"])
        box.login("alice", "secret")
        for i in range(n):
            topic = TOPICS[i % len(TOPICS)]
            raw = (f"From: Customer {i} <c{i}@cust.localhost>\r\nTo: alice@localhost\r\n"
                   f"Subject: My {topic} question {i}\r\nMessage-ID: <bench-{i}@cust.localhost>\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                   f"Hello, my {topic} does not work since yesterday. Order {i}.\r\n")
            typ, _ = box.append("INBOX", None, None, raw.encode())
            assert typ == "OK"
        box.logout()

        before = count(db, "SELECT count(*) FROM conversations")
        t0 = time.monotonic()
        api.call("POST", "/api/v3/anytime/emailAccounts", {
            "type": "imap", "businessEmail": "alice@localhost", "displayName": "Support",
            "password": "secret",
            "serverInfo": {"userName": "alice", "incomingServer": "127.0.0.1",
                           "incomingServerPort": ports["IMAP_PORT"], "useSSL": False,
                           "outgoingServer": "127.0.0.1", "outgoingServerPort": ports["SMTP_PORT"],
                           "encryptedConnectionType": "none", "authentication": False}})
        wait_until("ingestion", lambda: count(db, "SELECT count(*) FROM conversations") >= before + n,
                   60 + n / 10)
        ingest_s = time.monotonic() - t0

        ids = [r for (r,) in sqlite3.connect(db, timeout=30).execute(
            "SELECT id FROM conversations ORDER BY id")]
        for cid in ids[-n:]:
            api.call("POST", f"/api/v3/anytime/conversations/{cid}/messages",
                     {"type": "email", "htmlBody": "<p>Thank you, we are looking into it.</p>"})
        queued = count(db, "SELECT count(*) FROM outbox WHERE state = 'queued'")
        stop(server)
        t1 = time.monotonic()
        server, addr, _ = start_server(a.anytime, data, ["--worker-interval-ms", "100"], a.out,
                                       "anytime-deliver")
        wait_until("delivery", lambda: count(db, "SELECT count(*) FROM outbox WHERE state = 'queued'") == 0,
                   60 + queued / 10)
        deliver_s = time.monotonic() - t1
        sent = count(db, "SELECT count(*) FROM outbox WHERE state = 'sent'")
        failed = count(db, "SELECT count(*) FROM outbox WHERE state = 'failed'")
        with open(os.path.join(mail_dir, "smtp-received.log")) as log:
            received = sum(1 for _ in log)
        if failed or received < sent:
            sys.exit(f"delivery: {failed} failed, {received} received of {sent} sent")
        load = " ".join(open("/proc/loadavg").read().split()[:3])
        with open(os.path.join(a.out, "mail.md"), "w") as f:
            f.write(f"Mail benchmark, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
                    f"{os.cpu_count()} cores, load average {load} at the end\n\n")
            f.write("| step | messages | seconds | messages/s | budget |\n| --- | --- | --- | --- | --- |\n")
            f.write(f"| IMAP ingest (Dovecot → conversations) | {n} | {ingest_s:.2f} | "
                    f"{n / ingest_s:.0f} | ≥ 200/s |\n")
            f.write(f"| SMTP delivery (outbox → SMTP server) | {queued} | {deliver_s:.2f} | "
                    f"{queued / deliver_s:.0f} | ≥ 200/s |\n")
    finally:
        if server is not None and server.poll() is None:
            stop(server)
        subprocess.run(["bash", script, "stop", mail_dir], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
