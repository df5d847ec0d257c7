from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from lotledger.shared.auth import Authenticator, AuthError, Role, mint_token
from lotledger.shared.settings import CommonSettings

SECRET = "unit-test-secret-0123456789-0123456789"


def _auth(**overrides: object) -> Authenticator:
    return Authenticator(CommonSettings(auth_secret=SecretStr(SECRET), **overrides))  # type: ignore[arg-type]


def test_valid_token_yields_principal_with_roles_and_scope() -> None:
    token = mint_token(SECRET, sub="alice", roles=["scanner"], warehouses=["WH1"], device="HH-1")
    principal = _auth().authenticate(token)
    assert principal.sub == "alice"
    assert principal.roles == {Role.SCANNER}
    assert principal.may_access("WH1")
    assert not principal.may_access("WH2")
    assert principal.device == "HH-1"


def test_star_scope_reaches_every_warehouse() -> None:
    token = mint_token(SECRET, sub="reg", roles=["regulator"], warehouses=["*"])
    assert _auth().authenticate(token).may_access("ANY")


@pytest.mark.parametrize(
    "token",
    [
        mint_token(
            SECRET,
            sub="a",
            roles=["scanner"],
            warehouses=["WH1"],
            now=datetime.now(UTC) - timedelta(hours=2),
            ttl=timedelta(minutes=5),
        ),
        mint_token(
            SECRET,
            sub="a",
            roles=["scanner"],
            warehouses=["WH1"],
            now=datetime.now(UTC) + timedelta(hours=1),
        ),
        mint_token(SECRET, sub="a", roles=["scanner"], warehouses=["WH1"], audience="other"),
        mint_token(
            "another-secret-entirely-0123456789abcd", sub="a", roles=["scanner"], warehouses=["WH1"]
        ),
        jwt.encode(
            {
                "sub": "a",
                "roles": ["admin"],
                "warehouses": ["*"],
                "aud": "lotledger",
                "exp": datetime.now(UTC) + timedelta(hours=1),
            },
            None,  # type: ignore[arg-type]
            algorithm="none",
        ),
        mint_token(SECRET, sub="a", roles=["superuser"], warehouses=["WH1"]),
        "not.a.jwt",
    ],
    ids=[
        "expired",
        "not-yet-valid",
        "wrong-audience",
        "wrong-key",
        "alg-none",
        "unknown-role",
        "garbage",
    ],
)
def test_bad_tokens_are_refused(token: str) -> None:
    with pytest.raises(AuthError):
        _auth().authenticate(token)


def test_tampered_payload_is_refused() -> None:
    token = mint_token(SECRET, sub="a", roles=["scanner"], warehouses=["WH1"])
    header, _payload, signature = token.split(".")
    forged = jwt.encode(
        {
            "sub": "a",
            "roles": ["admin"],
            "warehouses": ["*"],
            "aud": "lotledger",
            "exp": datetime.now(UTC) + timedelta(hours=1),
        },
        "x" * 32,
    )
    with pytest.raises(AuthError):
        _auth().authenticate(".".join([header, forged.split(".")[1], signature]))


def test_rs256_with_configured_public_key_and_no_confusion_with_hs256() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    auth = _auth(auth_public_key=public)
    token = mint_token(
        private.decode(), sub="erp", roles=["erp"], warehouses=["*"], algorithm="RS256"
    )
    assert auth.authenticate(token).roles == {Role.ERP}
    with pytest.raises(AuthError):
        _auth().authenticate(token)


def test_settings_refuse_default_secret_outside_dev() -> None:
    with pytest.raises(ValueError, match="LOTLEDGER_AUTH_SECRET"):
        CommonSettings(env="prod")
    with pytest.raises(ValueError, match="LOTLEDGER_CHECKPOINT_PUBLIC_KEYS"):
        CommonSettings(env="prod", auth_secret=SecretStr(SECRET))
    production_key = "Kxjyc3/AIKewcIQK9b6DFFTdoW1zAi2GRpIjhDE1i5c="
    assert (
        CommonSettings(
            env="prod", auth_secret=SecretStr(SECRET), checkpoint_public_keys=production_key
        ).env
        == "prod"
    )


def test_a_remembered_token_still_expires() -> None:
    now = [datetime.now(UTC).timestamp()]
    auth = Authenticator(
        CommonSettings(auth_secret=SecretStr(SECRET), auth_leeway_s=0), clock=lambda: now[0]
    )
    token = mint_token(
        SECRET, sub="a", roles=["scanner"], warehouses=["WH1"], ttl=timedelta(minutes=5)
    )
    assert auth.authenticate(token).sub == "a"
    assert auth.authenticate(token).sub == "a"
    now[0] += 301
    with pytest.raises(AuthError):
        auth.authenticate(token)
