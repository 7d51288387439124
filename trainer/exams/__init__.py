"""Certification exam practice: the question bank and the exam blueprints (no Flask)."""
