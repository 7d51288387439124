"""Check every exercise (and every variant) against the schema and the validation engine."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..codes.normalize import normalise
from ..codes.tables import CodeSystem
from ..edits import Severity, check
from ..edits.data import EditData
from ..edits.model import EncounterError, parse_encounter
from ..edits.rules_codes import procedure_system
from .format import Exercise, load_tree
from .schema import Problem


def key_findings(exercise: Exercise, data: EditData, n: int = 0):
    """Every finding (reject, deny and warn) of variant n's key; raises EncounterError, IndexError
    or KeyError when the key cannot be read as an encounter."""
    encounter = parse_encounter(exercise.key_answer(n))
    return encounter, check(encounter, data)


def engine_problems(exercise: Exercise, data: EditData) -> list[Problem]:
    """A key with a reject or deny finding, or an alternative that is not a valid code, fails."""
    problems = []
    for n in range(exercise.variant_count):
        label = f"key (variant {n})" if exercise.variant_count > 1 else "key"
        try:
            encounter, findings = key_findings(exercise, data, n)
        except (EncounterError, IndexError, KeyError) as err:
            problems.append(Problem(exercise.path, label, None, str(err)))
            continue
        for finding in findings:
            if finding.severity in Severity.FAILING:
                where = f" line {finding.line}" if finding.line else ""
                problems.append(Problem(exercise.path, label, None,
                                        f"{finding.rule}{where}: {finding.message}"))
        day = encounter.date_of_service
        key = exercise.variant(n)["key"]
        for dx in key["diagnoses"]:
            for alt in dx.get("alternatives") or []:
                if not data.valid(CodeSystem.ICD10CM, normalise(alt), day):
                    problems.append(Problem(exercise.path, label, None, f"alternative {alt} is not a valid "
                                                                        f"ICD-10-CM code on {day}"))
        for line in key.get("procedures") or []:
            for alt in line.get("alternatives") or []:
                system = procedure_system(normalise(alt))
                if system is None or not data.valid(system, normalise(alt), day):
                    problems.append(Problem(exercise.path, label, None, f"alternative {alt} is not a valid "
                                                                        f"CPT/HCPCS code on {day}"))
    return problems


def validate_tree(session: Session, root: str | Path, paths=None) -> tuple[list[Exercise], list[Problem]]:
    exercises, problems = load_tree(root, paths)
    data = EditData(session)
    good = []
    for ex in exercises:
        found = engine_problems(ex, data)
        problems += found
        if not found:
            good.append(ex)
    return good, problems
