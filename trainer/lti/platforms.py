"""Registering a school's LMS (no Flask): checks, the key pair, what to paste into the LMS."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import LtiPlatform, LtiScore, Role, User
from ..models.lti import LtiResourceLink
from .keys import generate_private_key, kid_of, public_jwk, public_pem


class PlatformError(ValueError):
    """Problems with what was entered, by field name."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class PlatformSpec:
    name: str
    issuer: str
    client_id: str
    deployment_ids: str  # one per line (or comma-separated)
    auth_login_url: str
    auth_token_url: str
    key_set_url: str


def _url_ok(value: str, allow_http: bool) -> bool:
    parts = urlsplit(value)
    return bool(parts.netloc) and (parts.scheme == "https" or (allow_http and parts.scheme == "http"))


def split_ids(text: str) -> list[str]:
    ids = [part.strip() for part in re.split(r"[\n,]+", text or "")]
    return list(dict.fromkeys(i for i in ids if i))


def _check(session: Session, spec: PlatformSpec, current: LtiPlatform | None, allow_http: bool) -> dict[str, str]:
    problems = {}
    if not 1 <= len(spec.name.strip()) <= 120:
        problems["name"] = "give the LMS a name (up to 120 characters)"
    if not spec.issuer.strip() or len(spec.issuer.strip()) > 255:
        problems["issuer"] = "the issuer is the platform's id, given by the LMS (up to 255 characters)"
    if not spec.client_id.strip() or len(spec.client_id.strip()) > 255:
        problems["client_id"] = "the client id is given by the LMS when the tool is added (up to 255 characters)"
    ids = split_ids(spec.deployment_ids)
    if not ids:
        problems["deployment_ids"] = "give at least one deployment id"
    elif any(len(i) > 255 for i in ids):
        problems["deployment_ids"] = "a deployment id has at most 255 characters"
    scheme = "https" if not allow_http else "http(s)"
    for name in ("auth_login_url", "auth_token_url", "key_set_url"):
        value = getattr(spec, name).strip()
        if not _url_ok(value, allow_http) or len(value) > 500:
            problems[name] = f"an {scheme} address (up to 500 characters)"
    if "issuer" not in problems and "client_id" not in problems:
        clash = session.execute(select(LtiPlatform.id).where(
            LtiPlatform.issuer == spec.issuer.strip(), LtiPlatform.client_id == spec.client_id.strip(),
            LtiPlatform.id != (current.id if current else -1))).first()
        if clash:
            problems["client_id"] = "this issuer and client id are already registered"
    return problems


def save_platform(session: Session, actor: User, spec: PlatformSpec, platform: LtiPlatform | None = None,
                  allow_http: bool = False) -> LtiPlatform:
    """Register (or, given ``platform``, update) an LMS of the actor's school; a new one gets its key pair."""
    if actor.role not in (Role.SCHOOL_ADMIN, Role.SITE_ADMIN):
        raise PermissionError("only administrators register an LMS")
    if platform is not None and platform.school_id != actor.school_id and actor.role != Role.SITE_ADMIN:
        raise PermissionError("not your school's LMS")
    problems = _check(session, spec, platform, allow_http)
    if problems:
        raise PlatformError(problems)
    if platform is None:
        key = generate_private_key()
        platform = LtiPlatform(school_id=actor.school_id, tool_private_key=key, tool_kid=kid_of(key))
        session.add(platform)
    platform.name = spec.name.strip()
    platform.issuer = spec.issuer.strip()
    platform.client_id = spec.client_id.strip()
    platform.deployment_ids = split_ids(spec.deployment_ids)
    platform.auth_login_url = spec.auth_login_url.strip()
    platform.auth_token_url = spec.auth_token_url.strip()
    platform.key_set_url = spec.key_set_url.strip()
    session.commit()
    return platform


def platforms_of(session: Session, school_id: int) -> list[LtiPlatform]:
    return list(session.execute(select(LtiPlatform).where(LtiPlatform.school_id == school_id)
                                .order_by(LtiPlatform.name, LtiPlatform.id)).scalars())


def all_public_keys(session: Session) -> list[dict]:
    """Every platform's tool public key as a JWK (the platform picks its own by kid)."""
    return [public_jwk(key) for key in session.execute(select(LtiPlatform.tool_private_key)
                                                       .order_by(LtiPlatform.id)).scalars()]


def public_key_of(platform: LtiPlatform) -> tuple[str, dict]:
    return public_pem(platform.tool_private_key), public_jwk(platform.tool_private_key)


def score_counts(session: Session, platform: LtiPlatform) -> dict[str, int]:
    """How many scores are pending, sent and failed for this platform."""
    rows = session.execute(select(LtiScore.status, func.count()).join(LtiResourceLink)
                           .where(LtiResourceLink.platform_id == platform.id).group_by(LtiScore.status))
    return {status: n for status, n in rows}
