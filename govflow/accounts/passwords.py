"""Password hashing and the rules for new passwords."""

from functools import lru_cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12
# scrypt is werkzeug's current default; naming it keeps hashes stable if the default moves.
METHOD = "scrypt"


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password-for-timing", method=method)


def _method() -> str:
    # The app may name cheaper scrypt parameters (the test suite does, to sign in hundreds
    # of times quickly); verification reads the parameters stored in each hash.
    return current_app.config.get("PASSWORD_HASH_METHOD", METHOD) if has_app_context() else METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        # Still spend the time, so an unknown email is not faster than a wrong password.
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)


def password_problem(password: str) -> str | None:
    """A plain-English reason the password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > 256:
        return "Password must be 256 characters or fewer"
    if password.strip() == "" or len(set(password)) < 4:
        return "Password must not be one character repeated; try a few unrelated words"
    return None
