"""Exercises as files: the format, its schema check, variants, and keys (no Flask)."""
from .format import Exercise, ExerciseError, load_exercise, load_tree  # noqa: F401
