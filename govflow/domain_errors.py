"""Errors the service layer raises; the web layer maps each to a status code and a message."""

from __future__ import annotations


class DomainError(Exception):
    """Each kind names its status and code where it is declared:
    `class NotFound(DomainError, status=404, code="not_found")`."""

    status = 400
    code = "bad_request"

    def __init_subclass__(cls, status: int | None = None, code: str | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code

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


class NotFound(DomainError, status=404, code="not_found"):
    pass


class Forbidden(DomainError, status=403, code="forbidden"):
    pass


class Refused(DomainError, status=409, code="transition_refused"):
    """The trigger is not allowed from the item's current state."""


class StaleVersion(DomainError, status=409, code="stale_version"):
    """Someone else changed the item since the person opened it."""


class Invalid(DomainError, status=400, code="invalid"):
    """Required fields missing or malformed."""


class Unprocessable(DomainError, status=422, code="unprocessable"):
    """Well-formed but unacceptable: personal data found, text too long, control characters."""


class PersonalDataFound(Unprocessable, code="personal_data"):
    pass
