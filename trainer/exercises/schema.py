"""A small schema checker that reports the file, the field path and the line of every problem.

PyYAML's composed node tree keeps line numbers; the checker walks it beside the data.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f" line {self.line}" if self.line else "")
        return f"{where}: {self.field}: {self.message}"


class Field:
    def __init__(self, kind, required=True, choices=None, item=None, fields=None, pattern=None, allow_extra=False):
        self.kind, self.required, self.choices = kind, required, choices
        self.item, self.fields, self.pattern, self.allow_extra = item, fields, pattern, allow_extra


def _node_for(node, key):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def _line(node) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def check(value: Any, spec: Field, node, path: str, field: str, out: list[Problem]) -> None:
    kind = spec.kind
    name = field or "(file)"
    if kind == "str":
        if not isinstance(value, str) or (not value.strip() and "" not in (spec.choices or ())):
            out.append(Problem(path, name, _line(node), "expected non-empty text"))
            return
        if spec.pattern and not spec.pattern.match(value):
            out.append(Problem(path, name, _line(node), f"{value!r} does not match the expected form"))
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(Problem(path, name, _line(node), f"expected a whole number, got {value!r}"))
            return
    elif kind == "bool":
        if not isinstance(value, bool):
            out.append(Problem(path, name, _line(node), f"expected true or false, got {value!r}"))
            return
    elif kind == "date":
        if not isinstance(value, dt.date):
            out.append(Problem(path, name, _line(node), f"expected a date YYYY-MM-DD, got {value!r}"))
            return
    elif kind == "any":
        return
    elif kind == "list":
        if not isinstance(value, list):
            out.append(Problem(path, name, _line(node), "expected a list"))
            return
        for i, item in enumerate(value):
            child = node.value[i] if isinstance(node, yaml.SequenceNode) and i < len(node.value) else node
            check(item, spec.item, child, path, f"{field}[{i}]", out)
        return
    elif kind == "map":
        if not isinstance(value, dict):
            out.append(Problem(path, name, _line(node), "expected a mapping of fields"))
            return
        for key, sub in (spec.fields or {}).items():
            if key not in value or value[key] is None:
                if sub.required:
                    out.append(Problem(path, f"{field}.{key}" if field else key, _line(node), "is required"))
                continue
            check(value[key], sub, _node_for(node, key), path, f"{field}.{key}" if field else key, out)
        if not spec.allow_extra:
            for key in value:
                if key not in (spec.fields or {}):
                    out.append(Problem(path, f"{field}.{key}" if field else str(key), _line(_node_for(node, key)),
                                       "unknown field"))
        return
    if spec.choices and value not in spec.choices:
        out.append(Problem(path, name, _line(node), f"{value!r} is not one of: {', '.join(map(str, spec.choices))}"))
