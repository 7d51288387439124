"""The chart page's throughput against a bare Flask page, both served over HTTP by the real server.

    .venv/bin/python benchmarks/chart_page.py [--seconds 10] [--connections 8]

Sets up a fresh SQLite instance (``trainer setup``: code sets, exercises, demo accounts), serves it
with Waitress exactly as ``trainer serve`` does, plus one extra public route ``/bare`` returning a
constant string (the "bare Flask page"), signs in as the demo learner, opens a chart (so that its
draft exists) and loads each page with ``wrk`` (Debian package ``wrk``) from a second process:
the bare page, the simplest signed-in page in the layout, and the chart page. Prints requests per
second and the ratios. Target (issue 3): chart page >= 0.5 x the bare page.

Without wrk on the PATH, a Python keep-alive client in a separate process does the loading
(slower: it measures the client too; the script says which one it used).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_server import free_port, wait_for_port  # noqa: E402
BIN = ROOT / ".venv" / "bin"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
EXERCISE = "em-ed-chest-pain-rule-out-acs"

SERVER = """
import sys
from waitress import serve
from trainer import create_app
from trainer.access import public
app = create_app()
@app.route("/bare")
@public
def bare():
    return "<!doctype html><title>bare</title><p>bare page</p>"
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, connection_limit=1000, asyncore_use_poll=True,
      ident="coding-trainer")
"""

CLIENT = """
import http.client, sys, time
port, path, cookie, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port)
n, end = 0, time.perf_counter() + seconds
while time.perf_counter() < end:
    conn.request("GET", path, headers={"Cookie": cookie})
    r = conn.getresponse(); r.read(); n += 1
print(n / seconds)
"""


def sign_in(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/auth/login")
    r = conn.getresponse()
    page = r.read().decode()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    conn.request("POST", "/auth/login", body=urlencode({
        "email": "learner@demo.example", "password": "demo-learner-pass", "csrf_token": CSRF.search(page).group(1)}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    r = conn.getresponse()
    r.read()
    assert r.status == 302, f"sign-in failed: {r.status}"
    return r.getheader("Set-Cookie").split(";")[0]


def load(port: int, path: str, cookie: str, seconds: float, connections: int) -> float:
    if shutil.which("wrk"):
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-H", f"Cookie: {cookie}",
                              f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
        if "Non-2xx" in out:
            raise SystemExit(f"{path}: non-2xx responses under load:\n{out}")
        return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    out = subprocess.run([sys.executable, "-c", CLIENT, str(port), path, cookie, str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="trainer-chart-bench-")
    env = dict(os.environ, TRAINER_INSTANCE_PATH=instance, TRAINER_SEARCH_WARMUP="false")
    env.pop("TRAINER_DATABASE_URL", None)
    print("Setting up a fresh SQLite instance ...", flush=True)
    subprocess.run([str(BIN / "trainer"), "setup"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen([str(BIN / "python"), "-c", SERVER, str(port)], env=env, cwd=str(ROOT),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        cookie = sign_in(port)
        chart = f"/practice/{EXERCISE}"
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", chart, headers={"Cookie": cookie})
        r = conn.getresponse()
        assert r.status == 200 and b"coding-form" in r.read(), "the chart page did not load"
        tool = "wrk" if shutil.which("wrk") else "a Python client (install wrk for better figures)"
        print(f"Loading each page for {args.seconds:g} s with {tool}, {args.connections} connections ...")
        results = {}
        for label, path in (("bare Flask page", "/bare"), ("simplest signed-in page", "/auth/password"),
                            ("chart page", chart)):
            load(port, path, cookie, 2, args.connections)  # warm up
            results[label] = load(port, path, cookie, args.seconds, args.connections)
            print(f"  {label:<26} {results[label]:8.0f} requests/s")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(instance, ignore_errors=True)
    print(f"chart page / bare page: {results['chart page'] / results['bare Flask page']:.2f}   (target >= 0.5)")
    print(f"chart page / simplest signed-in page: {results['chart page'] / results['simplest signed-in page']:.2f}")


if __name__ == "__main__":
    main()
