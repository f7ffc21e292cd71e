#!/usr/bin/env python3
"""Load run: the address limiter's memory over many distinct client keys.

Starts `target/debug/quantumlock serve` (or QUANTUMLOCK_BIN) trusting X-Forwarded-For from
loopback, sends ROUNDS rounds of KEYS requests to a public route, each with a new forwarded
address, and prints the server's resident memory and remembered rate-limit keys after each
round and after the idle keys are swept. Loopback only; every loop is bounded.

Usage: scripts/measure-limiter-memory.py [KEYS] [ROUNDS]
"""
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time

KEYS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SWEEP_WAIT_S = 12  # the server sweeps every 10 s


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def last_key_count(log_path):
    with open(log_path) as log:
        counts = re.findall(r"rate_limit.n_keys=(\d+)", log.read())
    return counts[-1] if counts else "?"


def main():
    binary = os.environ.get("QUANTUMLOCK_BIN", "target/debug/quantumlock")
    workdir = tempfile.mkdtemp()
    log_path = os.path.join(workdir, "server.log")
    env = dict(os.environ, RUST_LOG="info,adapters::http::rate_limit=debug")
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [binary, "serve", "--bind", "127.0.0.1:0",
             "--database-url", os.path.join(workdir, "ql.db"),
             "--trusted-proxies", "127.0.0.1"],
            stderr=log, env=env)
    try:
        address = None
        for _ in range(300):
            with open(log_path) as log:
                found = re.search(r"listening on http://([0-9.:]+)", log.read())
            if found:
                address = found.group(1)
                break
            time.sleep(0.1)
        host, port = address.rsplit(":", 1)
        print(f"start: rss {rss_kib(server.pid)} KiB")
        for round_idx in range(ROUNDS):
            connection = http.client.HTTPConnection(host, int(port))
            started = time.time()
            for idx in range(KEYS):
                key = round_idx * KEYS + idx
                forwarded = f"10.{key >> 16 & 255}.{key >> 8 & 255}.{key & 255}"
                if round_idx % 2:
                    forwarded = f"2001:db8:{key >> 16:x}:{key & 0xffff:x}::1"
                connection.request("GET", "/api/v1/sdk/python",
                                   headers={"X-Forwarded-For": forwarded})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"unexpected {response.status}")
            elapsed = time.time() - started
            connection.close()
            print(f"round {round_idx + 1}: {KEYS} new keys in {elapsed:.1f} s, "
                  f"rss {rss_kib(server.pid)} KiB")
            time.sleep(SWEEP_WAIT_S)
            print(f"  after sweep: rss {rss_kib(server.pid)} KiB, "
                  f"keys remembered {last_key_count(log_path)}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
