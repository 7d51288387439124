"""Configuration: defaults < instance/config.py < TRAINER_* environment variables.

The secret key is generated once and kept in ``instance/secret_key`` when none is
given, so sessions survive restarts without anybody having to invent a key.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class DefaultConfig:
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance path
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set TRAINER_SESSION_COOKIE_SECURE=1 behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    SEARCH_RESULT_LIMIT = 25
    SEARCH_WARMUP = True  # build the search index in the background after the first request


class TestingConfig(DefaultConfig):
    TESTING = True
    WTF_CSRF_ENABLED = True
    SECRET_KEY = "test-secret-key-not-for-production"
    LOGIN_RATE_LIMIT = "1000 per minute"


def _coerce(value: str):
    """Environment values are strings; accept JSON literals (true, 10, "x") too."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def env_overrides(environ=None) -> dict:
    environ = os.environ if environ is None else environ
    out = {}
    for key, value in environ.items():
        if key.startswith("TRAINER_") and key not in ("TRAINER_INSTANCE_PATH", "TRAINER_TEST_DATABASE_URL"):
            name = key[len("TRAINER_"):]
            if name == "DATABASE_URL":
                out["SQLALCHEMY_DATABASE_URI"] = value
            else:
                out[name] = _coerce(value)
    return out


def normalise_db_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` URLs and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def ensure_secret_key(instance_path: Path) -> str:
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
