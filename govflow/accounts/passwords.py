"""Password hashing and the rules for new passwords (OWASP ASVS 5.0 level 2, V6.2)."""

from __future__ import annotations

import re
from functools import lru_cache

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12
# ASVS asks that at least 64 characters be allowed; more than this is a pasted mistake.
MAX_PASSWORD_LENGTH = 256
# zxcvbn's matching grows quickly with length and it refuses more than 72 characters; the
# start of a long password is what an attacker's list would have to match anyway.
CHECKED_LENGTH = 72
# zxcvbn's scale: 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_SCORE = 3
# Name parts shorter than this ("Al", "Ng") are too common inside ordinary words to refuse.
MIN_NAME_PART = 3
# scrypt is werkzeug's current default; naming it keeps hashes stable if the default moves.
METHOD = "scrypt"

TOO_COMMON = ("Password is on a list of common and breached passwords that attackers try "
              "first. Try 3 or more unrelated words")
TOO_GUESSABLE = ("Password is too easy to guess. Avoid keyboard patterns, repeated characters "
                 "and dates; try 3 or more unrelated words")
SERVICE_WORDS = ("govflow",)


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


def _squashed(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def personal_words(name: str = "", email: str = "") -> list[str]:
    """The parts of a person's name and email address a password must not contain."""
    local = (email or "").strip().rsplit("@", 1)[0]
    words = [_squashed(local)]
    words += [_squashed(part) for part in re.split(r"[\s._+\-']+", local)]
    words += [_squashed(part) for part in re.split(r"[\s\-']+", name or "")]
    words.append(_squashed(name or ""))
    return sorted({w for w in words if len(w) >= MIN_NAME_PART}, key=len, reverse=True)


def password_problem(password: str, *, name: str = "", email: str = "",
                     whose: str = "your") -> str | None:
    """A plain-English reason the password is not acceptable, or None.

    `name` and `email` are the person's whose password it will be; `whose` is how the
    message names them ("your", or "the person's" when an administrator sets it)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be {MIN_PASSWORD_LENGTH} characters or more"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if password.strip() == "" or len(set(password)) < 4:
        return "Password must not be one character repeated; try a few unrelated words"
    squashed = _squashed(password)
    personal = personal_words(name, email)
    if any(word in squashed for word in personal):
        return f"Password must not contain {whose} name or email address"
    return _guessable(password[:CHECKED_LENGTH], tuple(personal))


def _guessable(password: str, personal: tuple[str, ...]) -> str | None:
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=[*personal, *SERVICE_WORDS])
    if result["score"] >= MIN_SCORE:
        return None
    common = any(m.get("dictionary_name") == "passwords" for m in result["sequence"])
    return TOO_COMMON if common else TOO_GUESSABLE
