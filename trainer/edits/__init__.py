"""The validation engine: the edits real claims go through, as a registry of rules (no Flask).

One engine serves learners' answers, the reference answers of exercises (a key with a
reject/deny finding fails import) and, later, the simulated payer.
"""
from .engine import check, check_dict  # noqa: F401
from .model import Encounter, EncounterError, Finding, Patient, ProcedureLine, Severity  # noqa: F401
