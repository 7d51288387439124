"""300 simulated learners sitting an exam at once against PostgreSQL: autosave latency and lost answers.

    .venv/bin/python benchmarks/exam_load.py [--learners 300] [--items 20] [--think 1.0 4.0]
                                             [--arrival 60] [--start-window 20]
                                             [--restart-postgres] [--url postgresql://postgres@127.0.0.1:5432]

What it does:
1. creates (once) a database ``trainer_bench`` on the server, runs ``trainer setup --no-demo`` on it
   (code sets, question bank), and creates the learner accounts and a short exam blueprint;
2. starts the real server (``trainer serve``, Waitress) on that database in a subprocess;
3. runs one thread per learner: sign in, start the exam, then answer every item with a think time
   drawn from ``--think`` seconds (sometimes changing an earlier answer, sometimes flagging), each
   answer autosaved with a revision, exactly as exam.js does; a failed save (connection refused,
   5xx) is retried with backoff until the server acknowledges it, again as exam.js does; then submit;
4. with ``--restart-postgres``, restarts the PostgreSQL server half-way through the run;
   sign-in (scrypt password checks) happens before the exam starts and is not part of the figures;
5. compares every acknowledged answer with the database: an acknowledged answer whose item holds
   another choice (and no newer revision of this learner's) is LOST.

Printed: saves, p50/p95/p99/max latency of acknowledged saves, failed tries that were retried, lost
answers, sittings submitted. Target (issue 5): p99 < 150 ms on this machine, 0 lost, also with the
PostgreSQL restart.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_server import free_port, wait_for_port  # noqa: E402
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "bench-learner-pass"


class Browser:
    """One learner's cookie jar and keep-alive connection (reconnects when the server drops it)."""

    def __init__(self, port: int):
        self.port, self.cookies, self.conn = port, {}, None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException, socket.timeout):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, data.decode("utf-8", "replace")

    def form(self, path: str, fields: dict):
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})


def sign_in(b: Browser, n: int) -> None:
    for attempt in range(5):
        try:
            _, _, page = b.request("GET", "/auth/login")
            status, _, _ = b.form("/auth/login", {"email": f"bench{n}@bench.example", "password": PASSWORD,
                                                   "csrf_token": CSRF.search(page).group(1)})
            if status == 302:
                return
        except (ConnectionError, http.client.HTTPException, socket.timeout, OSError):
            pass
        time.sleep(1 + attempt)
    raise RuntimeError(f"learner {n} could not sign in")


def learner(n: int, args, port: int, stats: dict, lock: threading.Lock, signed_in: threading.Barrier):
    rng = random.Random(n)
    b = Browser(port)
    time.sleep(rng.uniform(0, args.arrival))  # learners sign in over the first --arrival seconds
    try:
        sign_in(b, n)
    except RuntimeError:
        signed_in.abort()  # the others stop waiting; the run fails loudly
        raise
    signed_in.wait()  # the proctor says "start"
    time.sleep(rng.uniform(0, args.start_window))  # and each learner clicks Start within this window
    _, _, page = b.request("GET", "/exams")
    token = CSRF.search(page).group(1)
    status, headers, _ = b.form(f"/exams/start/{args.blueprint}", {"csrf_token": token})
    sitting = int(re.search(r"/sittings/(\d+)/", headers["Location"]).group(1))
    acked: dict[int, tuple[str, int]] = {}
    latencies, retries, slow = [], 0, []
    positions = list(range(1, args.items + 1))
    plan = positions + rng.sample(positions, k=max(1, args.items // 5))  # go back and change some answers
    for position in plan:
        time.sleep(rng.uniform(*args.think))
        choice = rng.choice("ABCD")
        revision = time.time_ns() // 1_000_000
        body = json.dumps({"position": position, "choice": choice, "flagged": rng.random() < 0.1,
                           "revision": revision, "seconds": rng.randint(5, 90)}).encode()
        delay = 0.25
        while True:
            began = time.perf_counter()
            try:
                status, _, text = b.request("POST", f"/exams/sittings/{sitting}/answers", body,
                                            {"Content-Type": "application/json", "X-CSRFToken": token,
                                             "Accept": "application/json"})
            except (ConnectionError, http.client.HTTPException, socket.timeout, OSError):
                status, text = 0, ""
            took = time.perf_counter() - began
            if status == 200 and json.loads(text).get("saved"):
                latencies.append(took)
                slow.append((time.perf_counter(), took)) if took > 0.15 else None
                acked[position] = (choice, revision)
                break
            retries += 1
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
    b.form(f"/exams/sittings/{sitting}/submit", {"csrf_token": token})
    with lock:
        stats["latencies"] += latencies
        stats["retries"] += retries
        stats["slow"] += slow
        stats["acked"][sitting] = acked


def prepare(url: str, db_name: str, learners: int, items: int) -> str:
    import psycopg

    with psycopg.connect(url + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db_name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{db_name}"')
    db_url = f"{url}/{db_name}"
    env = dict(os.environ, TRAINER_DATABASE_URL=db_url)
    print("Setting up the benchmark database (code sets and question bank; once) ...", flush=True)
    subprocess.run([str(BIN / "trainer"), "setup", "--no-demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    from sqlalchemy import create_engine, delete, select
    from sqlalchemy.orm import Session

    from trainer.models import BlueprintRecord, ExamItem, ExamSitting, School, User

    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as s:
        school = s.execute(select(School).where(School.slug == "bench")).scalar_one_or_none()
        if school is None:
            school = School(name="Benchmark school", slug="bench")
            s.add(school)
            s.flush()
        existing = {e for (e,) in s.execute(select(User.email).where(User.school_id == school.id))}
        template = User(name="x", email="x", role="learner", school_id=school.id)
        template.set_password(PASSWORD)
        s.add_all([User(name=f"Bench learner {n}", email=f"bench{n}@bench.example", role="learner",
                        school_id=school.id, active=True, password_hash=template.password_hash)
                   for n in range(learners) if f"bench{n}@bench.example" not in existing])
        s.execute(delete(ExamItem).where(ExamItem.sitting_id.in_(select(ExamSitting.id).where(
            ExamSitting.blueprint_id == "bench-exam"))))
        s.execute(delete(ExamSitting).where(ExamSitting.blueprint_id == "bench-exam"))
        sections = [("em", 4), ("surgery-20000", 4), ("medicine", 4), ("radiology", 4), ("icd10cm-hcpcs-guidelines-compliance", 4)]
        scale = items / 20
        counts = [(sid, max(1, round(n * scale))) for sid, n in sections]
        data = {"id": "bench-exam", "name": "Benchmark exam", "items": sum(n for _, n in counts),
                "scored_items": sum(n for _, n in counts), "minutes": 240, "pass_mark": 70, "scoring": "percent",
                "sources": ["benchmark"], "sections": [{"id": sid, "name": sid, "items": n} for sid, n in counts]}
        record = s.get(BlueprintRecord, "bench-exam")
        if record is None:
            s.add(BlueprintRecord(id="bench-exam", school_id=school.id, pool="cpc", name=data["name"], data=data))
        else:
            record.data = data
        s.commit()
    engine.dispose()
    return db_url


def restart_postgres():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    began = time.perf_counter()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
    print(f"  PostgreSQL {version} restarted in {time.perf_counter() - began:.1f} s", flush=True)


def count_lost(db_url: str, acked: dict) -> tuple[int, int]:
    import psycopg

    lost = total = 0
    with psycopg.connect(db_url) as conn:
        for sitting, answers in acked.items():
            rows = dict((p, (c, r)) for p, c, r in conn.execute(
                "SELECT position, choice, revision FROM exam_item WHERE sitting_id = %s", (sitting,)))
            for position, (choice, revision) in answers.items():
                total += 1
                stored_choice, stored_revision = rows.get(position, (None, -1))
                if stored_choice != choice and stored_revision <= revision:
                    lost += 1
    return lost, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0), metavar=("MIN", "MAX"))
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="learners sign in over this many seconds before the exam starts (not measured)")
    parser.add_argument("--start-window", type=float, default=20.0,
                        help="after the proctor's go, learners click Start within this many seconds")
    parser.add_argument("--threads", type=int, default=16, help="Waitress worker threads")
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="trainer_bench")
    args = parser.parse_args()
    args.blueprint = "bench-exam"
    db_url = prepare(args.url, args.database, args.learners, args.items)
    from sqlalchemy import create_engine, text
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        args.items = c.execute(text("SELECT data FROM exam_blueprint WHERE id = 'bench-exam'")).scalar()["items"]
    engine.dispose()

    port = free_port()
    # every simulated learner signs in from 127.0.0.1: lift the per-address sign-in limit for the run
    env = dict(os.environ, TRAINER_DATABASE_URL=db_url, TRAINER_SEARCH_WARMUP="false",
               TRAINER_LOGIN_RATE_LIMIT="100000 per minute")
    server_log = Path(tempfile.gettempdir()) / "trainer-exam-load-server.log"
    log_file = open(server_log, "w")
    server = subprocess.Popen([str(BIN / "trainer"), "serve", "--port", str(port), "--threads", str(args.threads)],
                              env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        stats = {"latencies": [], "retries": 0, "acked": {}, "slow": []}
        lock = threading.Lock()
        began = 0.0

        def exam_starts():
            nonlocal began
            began = time.perf_counter()
            print(f"  all {args.learners} signed in; the exam starts", flush=True)

        signed_in = threading.Barrier(args.learners, action=exam_starts)
        threads = [threading.Thread(target=learner, args=(n, args, port, stats, lock, signed_in), daemon=True)
                   for n in range(args.learners)]
        expected = args.start_window / 2 + args.items * 1.2 * sum(args.think) / 2
        print(f"{args.learners} learners sign in over {args.arrival:.0f} s, then sit {args.items} items each "
              f"(plus changed answers), think time {args.think[0]}-{args.think[1]} s: about {expected:.0f} s",
              flush=True)
        for t in threads:
            t.start()
        while not began:
            time.sleep(0.1)
        if args.restart_postgres:
            time.sleep(expected / 2)
            restart_postgres()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
        log_file.close()
    lost, total = count_lost(db_url, stats["acked"])
    lat = sorted(stats["latencies"])
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0]] * 99

    def ms(x):
        return f"{1000 * x:.1f} ms"

    print(f"Saves acknowledged: {len(lat):,} in {elapsed:.0f} s ({len(lat) / elapsed:.0f}/s); "
          f"sittings submitted: {len(stats['acked'])}")
    print(f"Save latency: p50 {ms(q[49])}, p95 {ms(q[94])}, p99 {ms(q[98])}, max {ms(lat[-1])}")
    print(f"Failed tries retried by the client: {stats['retries']}"
          + (" (PostgreSQL restarted mid-run)" if args.restart_postgres else ""))
    print(f"Answers lost: {lost} of {total} acknowledged")
    errors = server_log.read_text(errors="replace").count("Traceback")
    print(f"Server errors logged: {errors} (see {server_log})")
    if stats["slow"]:
        buckets: dict[int, int] = {}
        for at, _ in stats["slow"]:
            buckets[int((at - began) // 10) * 10] = buckets.get(int((at - began) // 10) * 10, 0) + 1
        print("Saves over 150 ms, by 10-second window from the exam start: "
              + ", ".join(f"{k}-{k + 10} s: {v}" for k, v in sorted(buckets.items())))


if __name__ == "__main__":
    main()
