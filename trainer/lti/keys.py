"""The tool's RSA key pair for one platform: generated here, kept in the database, never in a file."""
from __future__ import annotations

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK


def generate_private_key() -> str:
    """A fresh 2048-bit RSA private key as PKCS#8 PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def public_jwk(private_pem: str) -> dict:
    """The public key as a JWK (RS256, signature use), its kid the RFC 7638 thumbprint."""
    jwk = JWK.from_pem(public_pem(private_pem).encode("ascii"))
    out = json.loads(jwk.export_public())
    out.update({"kid": jwk.thumbprint(), "alg": "RS256", "use": "sig"})
    return out


def kid_of(private_pem: str) -> str:
    return public_jwk(private_pem)["kid"]
