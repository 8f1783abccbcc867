"""Secrets govflow must read back are kept sealed: an authenticator app's secret (two-step
sign-in) and a sign-in provider's client secret. A copy of the database, a backup or a
support query shows neither; govflow reads them with the app's key.

The key is derived (HKDF-SHA256) from SECRET_KEY, so there is nothing new to keep. Changing
SECRET_KEY needs the old value in SECRET_KEY_FALLBACKS until `govflow seal-secrets` has sealed
every secret again with the new one (docs/configuration.md). Sealing is Fernet (AES-128-CBC
with an HMAC-SHA256), from the `cryptography` package. A value stored before sealing began
(no "sealed:1:" in front) is read as it is, and sealed the next time it is written or by
`govflow seal-secrets`.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

PREFIX = "sealed:1:"
_PURPOSE = b"govflow: secrets kept in the database"


class UnreadableSecret(RuntimeError):
    """A sealed value no key of this app opens: SECRET_KEY changed without the old value
    in SECRET_KEY_FALLBACKS."""


@functools.lru_cache(maxsize=8)
def _sealer(keys: tuple[str, ...]) -> MultiFernet:
    def fernet(key: str) -> Fernet:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=_PURPOSE).derive(key.encode())
        return Fernet(base64.urlsafe_b64encode(derived))

    return MultiFernet([fernet(k) for k in keys])


def _keys() -> MultiFernet:
    config = current_app.config
    return _sealer((config["SECRET_KEY"], *config.get("SECRET_KEY_FALLBACKS", ())))


def seal(value: str) -> str:
    return PREFIX + _keys().encrypt(value.encode()).decode()


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def unseal(stored: str) -> str:
    if not is_sealed(stored):
        return stored  # kept before sealing began
    try:
        return _keys().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "A secret in the database was sealed with another SECRET_KEY: put the old key in "
            "SECRET_KEY_FALLBACKS (docs/configuration.md)") from None


def sealed_with_current_key(stored: str) -> bool:
    """Whether the value is sealed, and with today's SECRET_KEY rather than a fallback."""
    if not is_sealed(stored):
        return False
    try:
        _sealer((current_app.config["SECRET_KEY"],)).decrypt(stored[len(PREFIX):].encode())
    except InvalidToken:
        return False
    return True


class Sealed(TypeDecorator):
    """A text column whose values are sealed on the way in and opened on the way out."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(value)

    def process_result_value(self, value, dialect):
        return None if value is None else unseal(value)
