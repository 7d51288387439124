"""Grading an answer against an exercise key, with a finding for every point lost (no Flask)."""
from .grader import GradeResult, grade  # noqa: F401
