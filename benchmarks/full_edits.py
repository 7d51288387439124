"""A fresh SQLite database with every bundled code set plus the full official NCCI PTP (2024 Q3
practitioner, 1.67 million pairs) and MUE tables from ../shared/data: what the grading and claims
benchmarks measure against."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import trainer.models  # noqa: E402,F401
from code_sets.ncci import load_mue_file, load_ptp_file  # noqa: E402
from trainer.codes.tables import MueEdit, NcciPtpEdit  # noqa: E402
from trainer.db_base import Base  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"


def full_edit_database(data_dir: Path, name: str = "bench.db") -> tuple[str, str]:
    """(database URL, its folder), loaded and ready."""
    from trainer.setup import load_code_sets

    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/{name}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        t0 = time.perf_counter()
        load_code_sets(session, lambda *a: None, lambda *a: None)
        load_ptp_file(session, data_dir / "ncci" / "ncci_ptp_practitioner_2024q3_active.csv.gz")
        load_mue_file(session, data_dir / "ncci" / "ncci_mue_practitioner_2024-07-01.csv")
        ptp = session.execute(select(func.count(NcciPtpEdit.id))).scalar()
        mue = session.execute(select(func.count(MueEdit.id))).scalar()
        print(f"loaded code sets + {ptp:,} PTP pairs + {mue:,} MUE rows in {time.perf_counter() - t0:.1f} s")
    engine.dispose()
    return url, tmp
