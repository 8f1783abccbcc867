"""How a page takes a form and runs its use-case: the service's field errors beside the fields,
and one answer to "did it work, and with what status?" (the forum pages wrap this in
forums.views.common.take_form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, request

from govflow.domain_errors import DomainError, Forbidden
from govflow.extensions import db


def put_errors(form, err: DomainError, *, summary_only: tuple[str, ...] = ()) -> None:
    """A domain error's field errors beside the form's fields. One for a field the form does
    not have (or names in `summary_only`, such as a hidden id) goes in the error summary, as
    does the error's own message when it names no field."""
    for name, message in (err.field_errors or {}).items():
        field = getattr(form, name, None)
        if field is None or name in summary_only or not hasattr(field, "errors"):
            form.form_errors.append(message)
        else:
            field.errors = list(field.errors or []) + [message]
    if not err.field_errors:
        form.form_errors.append(err.message)


@dataclass
class Attempt:
    """How taking a form went: `done` with the use-case's `result`, or the page again at
    `status`, with `problem` (a stale page or refusal) to show above the form."""

    status: int = 200
    done: bool = False
    result: Any = None
    problem: DomainError | None = None


def attempt(form, use_case: Callable[[], Any], *, summary_only: tuple[str, ...] = (),
            stale: tuple[type[DomainError], ...] = (), rollback: bool = False) -> Attempt:
    """Check a posted form and run its use-case.

    - not posted: the page, 200; posted but not valid: the page again, 400;
    - the use-case raises Forbidden: 403;
    - it raises one of `stale` (StaleVersion, Refused): the page again with the error as
      the problem, 409;
    - another domain error: the page again with its errors beside the fields, at its status
      (after a rollback when asked, so the page shows what is stored, not what was half done);
    - it worked: done, with its result. Nothing is committed here (govflow.transaction)."""
    if not form.validate_on_submit():
        return Attempt(400 if request.method == "POST" else 200)
    try:
        result = use_case()
    except Forbidden:
        abort(403)
    except stale as err:
        return Attempt(409, problem=err)
    except DomainError as err:
        if rollback:
            db.session.rollback()
        put_errors(form, err, summary_only=summary_only)
        return Attempt(err.status)
    return Attempt(done=True, result=result)
