"""Time the NCCI PTP importer on the full active practitioner file (1.67 million rows).

    .venv/bin/python benchmarks/import_ncci.py                       # SQLite file in a temp folder
    .venv/bin/python benchmarks/import_ncci.py --db postgresql+psycopg://user@host/db   # an EMPTY scratch DB
    .venv/bin/python benchmarks/import_ncci.py --file other.csv.gz --repeat 2

Creates the tables (create_all) in the target database, loads the file, and with
--repeat 2 loads it again to time a re-import (which deletes the earlier rows first).
Prints rows, seconds and rows/second for each run. Do not point --db at a real database:
the tables are dropped at the end.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import trainer.models  # noqa: E402,F401  (registers every table)
from code_sets.ncci import load_ptp_file  # noqa: E402
from trainer.codes.tables import NcciPtpEdit  # noqa: E402
from trainer.db_base import Base  # noqa: E402

DEFAULT_FILE = ROOT.parent / "shared" / "data" / "ncci" / "ncci_ptp_practitioner_2024q3_active.csv.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description="Time load_ptp_file on a full NCCI PTP file")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--db", help="SQLAlchemy URL of an empty scratch database (default: temporary SQLite)")
    parser.add_argument("--repeat", type=int, default=1, help="load this many times (later runs are re-imports)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or "sqlite:///" + str(Path(tmp) / "bench.db")
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        last = [0.0]

        def progress(label: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] >= 5:
                last[0] = now
                print(f"  {label}: {done:,} of ~{total:,}", flush=True)

        try:
            for run in range(1, args.repeat + 1):
                with Session(engine) as session:
                    start = time.perf_counter()
                    rows = load_ptp_file(session, args.file, progress=progress)
                    seconds = time.perf_counter() - start
                    in_table = session.execute(select(func.count()).select_from(NcciPtpEdit)).scalar_one()
                kind = "first load" if run == 1 else "re-import"
                print(f"run {run} ({kind}): {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
                      f"(table now holds {in_table:,} rows; {engine.dialect.name})")
        finally:
            Base.metadata.drop_all(engine)
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
