"""A simulated LTI 1.3 platform (an LMS) for the tests: a real RSA key pair, a JWKS, signed id_tokens,
an OAuth 2 token endpoint for the client-credentials JWT grant, and an AGS score endpoint.

The HTTP part is a real local server (the tool fetches the key set, asks for a token and posts scores
over HTTP, as it would to a real LMS); everything it receives is recorded for the assertions.
"""
from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


def rsa_key() -> tuple[str, dict]:
    """A private key (PEM) and its public JWK with a kid."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    jwk = JWK.from_pem(public)
    data = json.loads(jwk.export_public())
    data.update(kid=jwk.thumbprint(), alg="RS256", use="sig")
    return pem, data


class SimulatedPlatform:
    def __init__(self, issuer: str = "https://lms.example.edu", client_id: str | None = None,
                 deployment_id: str = "deploy-1"):
        self.issuer = issuer
        self.client_id = client_id or f"client-{uuid.uuid4().hex[:10]}"
        self.deployment_id = deployment_id
        self.learner_sub = f"learner-{self.client_id}"  # unique, as is the email made from it
        self.private_pem, self.jwk = rsa_key()
        self.tool_jwks: dict | None = None  # the tool's public keys, to check its token requests
        self.token_requests: list[dict] = []
        self.scores: list[dict] = []  # (path, headers, body) of every score received
        self.fail_scores = False
        self.tokens: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # ── what the school admin types into the registration form ──
    def registration(self) -> dict:
        return {"name": "Simulated LMS", "issuer": self.issuer, "client_id": self.client_id,
                "deployment_ids": self.deployment_id, "auth_login_url": self.issuer + "/auth",
                "auth_token_url": self.base + "/token", "key_set_url": self.base + "/jwks"}

    def lineitem(self, n: int = 1) -> str:
        return f"{self.base}/courses/7/lineitems/{n}"

    # ── id_tokens ──
    def claims(self, nonce: str, message_type: str = "LtiResourceLinkRequest", roles=("Learner",),
               sub: str | None = None, **extra) -> dict:
        sub = sub or self.learner_sub
        now = int(time.time())
        body = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 300, "nonce": nonce,
            "name": "Pat Learner", "email": f"{sub}@lms.example.edu",
            LTI + "message_type": message_type, LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id, LTI + "target_link_uri": "http://localhost/lti/launch",
            LTI + "roles": [r if r.startswith("http") else ROLE + r for r in roles],
            LTI + "context": {"id": "course-7", "label": "HIM 101", "title": "Coding Fundamentals"},
        }
        if message_type == "LtiResourceLinkRequest":
            body[LTI + "resource_link"] = {"id": "rl-1", "title": "Knee injection"}
            body["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": [SCORE_SCOPE, LINEITEM_SCOPE], "lineitems": self.base + "/courses/7/lineitems",
                "lineitem": self.lineitem()}
        else:
            body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.issuer + "/deep_links", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window", "iframe"], "data": "opaque-42"}
        body.update(extra)
        return body

    def id_token(self, claims: dict, private_pem: str | None = None, kid: str | None = None) -> str:
        return jwt.encode(claims, private_pem or self.private_pem, algorithm="RS256",
                          headers={"kid": kid or self.jwk["kid"]})

    # ── the HTTP side ──
    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _reply(self, status: int, body: dict | None = None):
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    return self._reply(200, {"keys": [platform.jwk]})
                return self._reply(404)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.path == "/token":
                    return self._token(parse_qs(raw))
                if self.path.startswith("/courses/7/lineitems/") and self.path.endswith("/scores"):
                    return self._score(raw)
                return self._reply(404)

            def _token(self, form: dict):
                request = {k: v[0] for k, v in form.items()}
                platform.token_requests.append(request)
                try:
                    assert request["grant_type"] == "client_credentials"
                    assert request["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                    header = jwt.get_unverified_header(request["client_assertion"])
                    key = next(k for k in platform.tool_jwks["keys"] if k["kid"] == header["kid"])
                    claims = jwt.decode(request["client_assertion"], jwt.PyJWK(key).key, algorithms=["RS256"],
                                        audience=platform.base + "/token")
                    assert claims["iss"] == claims["sub"] == platform.client_id
                except (AssertionError, KeyError, StopIteration, TypeError, jwt.InvalidTokenError):
                    return self._reply(401, {"error": "invalid_client"})
                token = secrets.token_hex(16)
                platform.tokens.add(token)
                return self._reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                                         "scope": request.get("scope", "")})

            def _score(self, raw: str):
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer ") or auth[7:] not in platform.tokens:
                    return self._reply(401, {"error": "no token"})
                if platform.fail_scores:
                    return self._reply(503, {"error": "down for maintenance"})
                platform.scores.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                        "body": json.loads(raw)})
                return self._reply(200)

        return Handler
