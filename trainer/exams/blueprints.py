"""Exam blueprints as dated data files with their sources (exercises/_blueprints/*.yaml)."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..exercises.schema import Field, Problem, check

SECTION = Field("map", fields={"id": Field("str"), "name": Field("str"), "items": Field("int", required=False),
                               "weight": Field("list", required=False, item=Field("int"))})
BLUEPRINT = Field("map", allow_extra=True, fields={
    "id": Field("str"), "name": Field("str"), "items": Field("int"), "scored_items": Field("int"),
    "minutes": Field("int"), "pass_mark": Field("int"), "scoring": Field("str", choices=("percent", "scaled")),
    "sources": Field("list", item=Field("str")), "sections": Field("list", item=SECTION),
})


def load_blueprints(folder: str | Path) -> tuple[list[dict], list[Problem]]:
    out, problems = [], []
    for f in sorted(Path(folder).glob("*.yaml")):
        text = f.read_text(encoding="utf-8")
        data, node = yaml.safe_load(text), yaml.compose(text)
        found: list[Problem] = []
        check(data, BLUEPRINT, node, f.name, "", found)
        if not found:
            counted = [s["items"] for s in data["sections"] if "items" in s]
            if counted and len(counted) == len(data["sections"]) and sum(counted) != data["items"]:
                found.append(Problem(f.name, "sections", None,
                                     f"section counts add up to {sum(counted)}, not {data['items']}"))
        problems += found
        if not found:
            out.append(data)
    return out, problems


def summary(bp: dict) -> dict:
    """The shape printed by ``trainer exams blueprints --json``."""
    return {"id": bp["id"], "name": bp["name"], "items": bp["items"], "scored_items": bp["scored_items"],
            "minutes": bp["minutes"], "pass_mark": bp["pass_mark"], "scoring": bp["scoring"],
            "sections": [{k: v for k, v in s.items()} for s in bp["sections"]], "sources": bp["sources"]}


def custom_blueprint(base: dict, blueprint_id: str, name: str, minutes: int, pass_mark: int,
                     counts: dict[str, int], notice_minutes: int = 0, author: str = "") -> dict:
    """A school's own blueprint drawing from ``base``'s question pool, in the bundled files' shape."""
    names = {s["id"]: s["name"] for s in base["sections"]}
    unknown = set(counts) - set(names)
    if unknown:
        raise ValueError(f"not sections of {base['id']}: {', '.join(sorted(unknown))}")
    sections = [{"id": sid, "name": names[sid], "items": n} for sid, n in counts.items() if n > 0]
    total = sum(s["items"] for s in sections)
    if total < 1:
        raise ValueError("give at least one section a number of questions")
    if not 1 <= minutes <= 600:
        raise ValueError("the time limit is 1 to 600 minutes")
    if not 1 <= pass_mark <= 100:
        raise ValueError("the pass mark is a percentage from 1 to 100")
    return {"id": blueprint_id, "name": name, "items": total, "scored_items": total, "minutes": minutes,
            "time_notice_minutes": notice_minutes or 0, "pass_mark": pass_mark, "scoring": "percent",
            "navigation": "free", "sources": [f"Defined by {author or 'an instructor'} from the {base['id'].upper()} "
                                              "question pool."], "sections": sections}
