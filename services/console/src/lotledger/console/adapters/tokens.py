"""Reading a token's claims for display. The signature is NOT checked here: the console
holds no signing key; every API verifies the token on every call, and `/login` accepts a
token only after an API has (services/console/.../routers/auth.py)."""

from __future__ import annotations

import jwt

from lotledger.console.domain.identity import Identity, identity_from_claims


def read_identity(token: str) -> Identity | None:
    """None when the value is not a JWT at all."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return identity_from_claims(claims) if isinstance(claims, dict) else None
