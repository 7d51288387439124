"""Where the bundled content lives (the repository's top-level folders)."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXERCISES_DIR = PROJECT_ROOT / "exercises"
QUESTIONS_DIR = EXERCISES_DIR / "_questions"
BLUEPRINTS_DIR = EXERCISES_DIR / "_blueprints"
BILLING_DIR = EXERCISES_DIR / "billing"  # billing exercises: their own format (trainer.billing.exercises)
