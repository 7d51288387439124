"""PyLTI1p3's tool configuration and launch-data storage, backed by our database (no Flask).

``DbToolConf`` finds a registration by (issuer, client id): one issuer may be shared by several schools
(a cloud LMS), each with its own client id. ``DbLaunchData`` keeps nonces, state and launch data in the
``lti_store`` table; a nonce is consumed when checked, so a replayed id_token is refused.
"""
from __future__ import annotations

import datetime as dt
import typing as t

import requests
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import LtiPlatform, LtiStoreEntry
from .keys import public_pem

HTTP_TIMEOUT = 10  # seconds, for every call to a platform (key set, token, scores)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class PlatformRegistration(Registration):
    """A PyLTI1p3 registration that remembers which of our platforms (and so which school) it is."""

    def __init__(self, platform: LtiPlatform):
        self.platform_id = platform.id
        self.school_id = platform.school_id
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        self.set_key_set_url(platform.key_set_url)
        self.set_tool_private_key(platform.tool_private_key)
        self.set_tool_public_key(public_pem(platform.tool_private_key))


def find_platform(session: Session, issuer: str | None, client_id: str | None) -> LtiPlatform | None:
    """The platform with this issuer and client id; without a client id, the only one with this issuer."""
    if not issuer:
        return None
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        return session.execute(query.where(LtiPlatform.client_id == client_id)).scalar_one_or_none()
    found = session.execute(query.limit(2)).scalars().all()
    return found[0] if len(found) == 1 else None


class DbToolConf(ToolConfAbstract):
    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    # Every issuer may have several client ids: always look up by both.
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> PlatformRegistration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss: str, client_id: str | None, *args, **kwargs
                                    ) -> PlatformRegistration | None:
        platform = find_platform(self.session, iss, client_id)
        return PlatformRegistration(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str | None, *args, **kwargs
                                  ) -> Deployment | None:
        platform = find_platform(self.session, iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


class DbLaunchData(LaunchDataStorage):
    """Launch data in the ``lti_store`` table, under keys that are random (state, nonce, launch id)."""

    def __init__(self, session: Session, now: t.Callable[[], dt.datetime] = utcnow):
        super().__init__()
        self.session = session
        self.now = now

    def get_session_cookie_name(self) -> None:
        return None  # keys are unguessable: no extra cookie needed

    def can_set_keys_expiration(self) -> bool:
        return True

    def _live(self, key: str) -> LtiStoreEntry | None:
        row = self.session.get(LtiStoreEntry, self._prepare_key(key))
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.timezone.utc)
        return row if expires > self.now() else None

    def get_value(self, key: str):
        row = self._live(key)
        return row.value if row is not None else None

    def set_value(self, key: str, value, exp: int | None = None) -> None:
        now = self.now()
        self.session.execute(delete(LtiStoreEntry).where(LtiStoreEntry.expires_at <= now))
        row = self.session.get(LtiStoreEntry, self._prepare_key(key))
        expires = now + dt.timedelta(seconds=exp or 86400)
        if row is None:
            self.session.add(LtiStoreEntry(key=self._prepare_key(key), value=value, expires_at=expires))
        else:
            row.value, row.expires_at = value, expires
        self.session.commit()

    def check_value(self, key: str) -> bool:
        """True once: a nonce is used up by the launch that checks it."""
        row = self._live(key)
        if row is None:
            return False
        self.session.delete(row)
        self.session.commit()
        return True


class TimeoutSession(requests.Session):
    """requests with a default timeout, so a platform that hangs never holds a request for long."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, **kwargs)


def http_session() -> requests.Session:
    session = TimeoutSession()
    session.headers["User-Agent"] = "CodingTrainer-LTI"
    return session
