"""Search latency and code-set load time, on a fresh SQLite database (or TRAINER_DATABASE_URL).

    .venv/bin/python benchmarks/search_and_setup.py [--queries N]

Prints: time to load every bundled code set into an empty database, time to
build the in-memory search index, and p50/p95/max latency of the search itself
over a few hundred realistic queries (codes with and without the dot, partial
codes as typed, words in any order, abbreviations, inclusion terms), plus the
same through the JSON API with the Flask test client.
Targets (issue 2): p95 <= 10 ms for the search itself on SQLite; code-set load <= 30 s.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import trainer.models  # noqa: E402,F401
from trainer.codes.search import load_index  # noqa: E402
from trainer.db_base import Base  # noqa: E402

WORD_QUERIES = [
    "nstemi", "fracture shaft radius left", "left radius shaft fracture", "type 2 diabetes neuropathy",
    "diabetes chronic kidney disease", "hypertensive heart disease with heart failure", "copd exacerbation",
    "pneumonia", "sepsis", "urinary tract infection", "major depressive disorder recurrent severe",
    "acute appendicitis", "cholecystitis with calculus", "pregnancy supervision", "gestational diabetes",
    "breast cancer left", "malignant neoplasm lung upper lobe", "fall from ladder", "dog bite",
    "laceration forearm", "sprain ankle right", "migraine without aura", "asthma mild persistent",
    "atrial fibrillation", "heart failure systolic acute", "obesity bmi", "long term insulin",
    "hip replacement", "appendix resection", "laparoscopic cholecystectomy", "office visit established",
    "knee arthroscopy meniscectomy", "colonoscopy biopsy", "dexamethasone injection", "walker",
    "influenza vaccine", "screening mammography", "glucose", "hemoglobin a1c", "chest x-ray", "ct head",
    "abdominal pain right lower quadrant", "chest pain", "shortness of breath", "fever", "headache",
    "open fracture type iii", "initial encounter", "sequela", "non-q wave", "alcohol dependence",
    "opioid use", "tobacco", "encounter for immunization", "routine child health exam", "anemia",
    "osteoarthritis knee bilateral", "rheumatoid arthritis", "glaucoma", "cataract", "otitis media acute",
]
CODE_QUERIES = [
    "I21.4", "S52.521A", "S52.52", "s5252", "E11", "E11.9", "E119", "E11.A", "O24.41", "Z00.00", "J44.1",
    "I10", "N18.3", "C50.912", "W19", "W19.XXXA", "99213", "99214", "992", "J1100", "J11", "0DTJ4ZZ",
    "0DT", "G0008", "E0130", "25", "M17.0", "F32", "R07.9", "T36.0X5A", "Z79.4", "A41.9", "K35.80",
]


def typed_prefixes(text: str) -> list[str]:
    """What a person sends while typing: every prefix of at least 2 characters."""
    return [text[:i] for i in range(2, len(text) + 1)]


def build_queries(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = WORD_QUERIES + CODE_QUERIES
    queries = list(pool)
    for q in rng.sample(pool, 20):
        queries += typed_prefixes(q)
    while len(queries) < n:
        queries.append(rng.choice(pool))
    rng.shuffle(queries)
    return queries[:n] if n >= len(pool) else queries


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    from trainer.setup import load_code_sets

    tmp = tempfile.mkdtemp()
    url = os.environ.get("TRAINER_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        started = time.perf_counter()
        load_code_sets(session, lambda label, rows: print(f"  loaded {label}: {rows:,} rows"), lambda *a: None)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        index = load_index(session)
        index_s = time.perf_counter() - started
    queries = build_queries(args.queries)
    timings = []
    for q in queries:
        t0 = time.perf_counter()
        index.search(q)
        timings.append((time.perf_counter() - t0) * 1000)
    print(f"database: {engine.url.get_backend_name()}")
    print(f"code-set load (all bundled sets into an empty database): {load_s:.1f} s   (target <= 30 s)")
    print(f"search index build: {index_s:.2f} s for {index.size:,} codes")
    print(f"search itself over {len(queries)} queries: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {pct(timings, 95):.2f} ms, max {max(timings):.2f} ms   (target p95 <= 10 ms)")

    from trainer import create_app

    os.environ.setdefault("TRAINER_INSTANCE_PATH", tmp)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SEARCH_WARMUP": False,
                      "WTF_CSRF_ENABLED": False, "TESTING": True})
    with app.app_context():
        from trainer.setup import ensure_demo_school

        from trainer.extensions import db
        ensure_demo_school(db.session)
    client = app.test_client()
    client.post("/auth/login", data={"email": "learner@demo.example", "password": "demo-learner-pass"})
    client.get("/api/codes/search?q=warm")
    api = []
    for q in queries:
        t0 = time.perf_counter()
        response = client.get("/api/codes/search", query_string={"q": q})
        api.append((time.perf_counter() - t0) * 1000)
        assert response.status_code in (200, 400), response.status_code
    print(f"GET /api/codes/search (whole request in-process): p50 {statistics.median(api):.2f} ms, "
          f"p95 {pct(api, 95):.2f} ms")


if __name__ == "__main__":
    main()
