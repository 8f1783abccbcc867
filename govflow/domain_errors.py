"""Errors the service layer raises; the web layer maps each to a status code and a message."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.extra = extra

    def to_json(self) -> dict:
        body = {"error": self.code, "message": self.message}
        if self.field_errors:
            body["fields"] = self.field_errors
        body.update(self.extra)
        return body


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Refused(DomainError):
    """The trigger is not allowed from the item's current state."""

    status = 409
    code = "transition_refused"


class StaleVersion(DomainError):
    """Someone else changed the item since the person opened it."""

    status = 409
    code = "stale_version"


class Invalid(DomainError):
    """Required fields missing or malformed."""

    status = 400
    code = "invalid"


class Unprocessable(DomainError):
    """Well-formed but unacceptable: personal data found, text too long, control characters."""

    status = 422
    code = "unprocessable"


class PersonalDataFound(Unprocessable):
    code = "personal_data"
