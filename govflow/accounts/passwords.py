"""Password hashing and the rules for new passwords."""

from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 12
# scrypt is werkzeug's current default; naming it keeps hashes stable if the default moves.
METHOD = "scrypt"
_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing", method=METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=METHOD)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        # Still spend the time, so an unknown email is not faster than a wrong password.
        check_password_hash(_DUMMY_HASH, password)
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
