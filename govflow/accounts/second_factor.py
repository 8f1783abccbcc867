"""The second factor for local passwords: time-based one-time codes and recovery codes.

Codes are checked on the wall clock (as sessions are), not govflow.clock: the person's
authenticator app knows nothing of a deadline preview or a sweep run as at another day."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import func, select, update

from govflow.accounts.factor_models import RecoveryCode, SecondFactor
from govflow.clock import utcnow
from govflow.domain_errors import Invalid
from govflow.extensions import db

ISSUER = "govflow"
RECOVERY_CODES = 10
# Codes from one step either side of now are accepted: a phone's clock a little out, or a
# code typed as it changed.
DRIFT_STEPS = 1
WRONG_CODE = "Enter the code your authenticator app shows now"
USED_CODE = ("That code has already been used. Wait for your app to show a new code "
             "and enter that")
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def factor_of(user) -> SecondFactor | None:
    return db.session.get(SecondFactor, user.id)


def must_have(user) -> bool:
    """Whether this person's roles require a second factor (GOVFLOW_MFA_REQUIRED_ROLES)."""
    required = current_app.config.get("MFA_REQUIRED_ROLES", ())
    return bool(set(required) & user.roles)


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(user, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(uri: str) -> str:
    """The QR code as an SVG data: address, drawn here (no outside service sees the secret)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#0b0c0c")


def grouped(secret: str) -> str:
    """The secret in fours, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _matching_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code this is (within the drift allowed), or None."""
    code = _clean(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(time.time() // totp.interval)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def turn_on(user, secret: str, code: str) -> list[str]:
    """Keep the secret once the person has shown their app makes its codes; return their
    recovery codes (shown once, kept only as digests)."""
    step = _matching_step(secret, code)
    if step is None:
        raise Invalid(WRONG_CODE, field_errors={"code": WRONG_CODE})
    factor = factor_of(user)
    if factor is None:
        factor = SecondFactor(user_id=user.id)
        db.session.add(factor)
    factor.secret = secret
    factor.enabled_at = utcnow()
    factor.last_step = step
    db.session.flush()
    return new_recovery_codes(user)


def turn_off(user) -> None:
    factor = factor_of(user)
    if factor is not None:
        db.session.delete(factor)
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(row)
    db.session.flush()


def new_recovery_codes(user) -> list[str]:
    """Ten fresh codes; any earlier ones stop working."""
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        db.session.delete(row)
    db.session.flush()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    db.session.flush()
    return codes


def recovery_codes_left(user) -> int:
    return db.session.scalar(select(func.count()).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _digest(code: str) -> str:
    # Random codes of 50 bits behind the sign-in limit: a plain digest is enough (a slow
    # hash protects guessable secrets, which these are not).
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def check(user, code: str) -> str:
    """Accept a code from the app or a recovery code, once: 'app' or 'recovery'.

    Each is claimed with a conditional UPDATE, so two sign-ins sending the same code at the
    same moment cannot both succeed. Raises Invalid (wrong or already used)."""
    factor = factor_of(user)
    if factor is None:
        raise Invalid(WRONG_CODE, field_errors={"code": WRONG_CODE})
    step = _matching_step(factor.secret, code)
    if step is not None:
        claimed = db.session.execute(
            update(SecondFactor)
            .where(SecondFactor.user_id == user.id, SecondFactor.last_step < step)
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            raise Invalid(USED_CODE, field_errors={"code": USED_CODE})
        db.session.expire(factor)
        return "app"
    cleaned = _clean(code)
    if len(cleaned) == 10:
        claimed = db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(cleaned),
                   RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed:
            return "recovery"
    raise Invalid(WRONG_CODE, field_errors={"code": WRONG_CODE})
