"""Answers graded per second with the full official NCCI PTP and MUE tables loaded, and the chart
page's throughput against a bare Flask page in the same run.

    .venv/bin/python benchmarks/grading.py [--answers 5000] [--data ../shared/data]

Loads every bundled code set, then the full 2024 Q3 practitioner PTP file (1.67 million pairs) and
the full MUE table from ../shared/data into a fresh SQLite database, imports the bundled exercises
and grades a mix of answers (the key, and perturbed answers: a wrong code, a missing line, an extra
code, a wrong modifier) for every exercise. Reported:
* cold: a new EditData (empty caches) per answer, so every lookup reaches the database;
* warm: one EditData per process, as the server keeps it between requests for the same tables.
Targets (issue 3): >= 2,000 answers per second on one core; chart page >= 0.5 x a bare page.
"""
from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import trainer.models  # noqa: E402,F401
from full_edits import full_edit_database  # noqa: E402
from trainer.edits.data import EditData  # noqa: E402
from trainer.exercises import load_tree  # noqa: E402
from trainer.grading import grade  # noqa: E402


def perturb(answer: dict, rng: random.Random) -> dict:
    out = copy.deepcopy(answer)
    choice = rng.randrange(5)
    if choice == 1 and out["diagnoses"]:
        out["diagnoses"][0] = out["diagnoses"][0][:3]
    elif choice == 2 and out["procedures"]:
        out["procedures"].pop()
    elif choice == 3:
        out["diagnoses"].append("R69")
    elif choice == 4 and out["procedures"]:
        out["procedures"][0]["modifiers"] = ["59"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    data_dir = Path(args.data)
    url, tmp = full_edit_database(data_dir, "grading.db")
    engine = create_engine(url)
    with Session(engine) as session:

        exercises, problems = load_tree(ROOT / "exercises")
        rng = random.Random(3)
        work = []
        for ex in exercises:
            for n in range(ex.variant_count):
                key = ex.key_answer(n)
                work.append((ex.variant(n), key))
        jobs = [(v, key, perturb(key, rng)) for v, key in (rng.choice(work) for _ in range(args.answers))]
        print(f"{len(exercises)} exercises, {len(work)} variants, {len(jobs)} answers")

        for label, shared in (("cold (fresh caches per answer)", None), ("warm (caches kept per process)", True)):
            cache = EditData(session)
            sample = jobs if shared else jobs[: max(200, len(jobs) // 10)]
            t0 = time.perf_counter()
            for variant, key, answer in sample:
                grade(variant, answer, cache if shared else EditData(session), key)
            rate = len(sample) / (time.perf_counter() - t0)
            print(f"grading, {label}: {rate:,.0f} answers/s   (target >= 2,000/s)")

    os.environ.setdefault("TRAINER_INSTANCE_PATH", tmp)
    from trainer import create_app
    from trainer.exercises.store import import_exercises
    from trainer.extensions import db
    from trainer.setup import ensure_demo_school

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SEARCH_WARMUP": False,
                      "WTF_CSRF_ENABLED": False, "TESTING": True})

    @app.route("/bare")
    def bare():
        return "<!doctype html><title>bare</title><p>bare page</p>"

    bare._access = "public"
    with app.app_context():
        ensure_demo_school(db.session)
        import_exercises(db.session, ROOT / "exercises")
    client = app.test_client()
    client.post("/auth/login", data={"email": "learner@demo.example", "password": "demo-learner-pass"})
    chart_url = f"/practice/{exercises[0].id}"
    assert client.get(chart_url).status_code == 200
    results = {}
    for name, url in (("bare Flask page", "/bare"), ("simplest signed-in page in the layout", "/auth/password"),
                      ("chart page", chart_url)):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 3:
            assert client.get(url).status_code == 200
            n += 1
        results[name] = n / (time.perf_counter() - t0)
        print(f"{name}: {results[name]:,.0f} requests/s")
    print(f"chart page / bare page: {results['chart page'] / results['bare Flask page']:.2f}   (target >= 0.5)")
    print(f"chart page / simplest signed-in page: "
          f"{results['chart page'] / results['simplest signed-in page in the layout']:.2f}")


if __name__ == "__main__":
    main()
