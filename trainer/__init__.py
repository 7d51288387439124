"""Coding Trainer: practice medical coding and billing on synthetic charts.

The Flask application lives in :mod:`trainer.app`; it is imported lazily so that
the pure domain packages (``trainer.codes`` and friends) never pull in Flask.
"""


def create_app(config=None):
    from .app import create_app as _create_app

    return _create_app(config)
