"""Run the independent X12 validator (pyx12) on a document and collect every error it reports."""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path


def pyx12_errors(text: str, tmp_path: Path) -> list[str]:
    """Every error the independent validator reports (interchange, group, transaction, segment)."""
    import pyx12.params
    import pyx12.x12n_document

    src = tmp_path / "document.x12"
    src.write_text(text)
    report = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):  # pyx12 also logs each error there
        pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=str(src), fd_997=io.StringIO(),
                                          fd_html=None, fd_json=report)
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "errors":
                    found.extend(e.get("err_str", str(e)) for e in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(report.getvalue()))
    return found
