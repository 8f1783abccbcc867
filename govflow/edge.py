"""The edge guard: every request's values are checked once, before any view, form or query.

NUL bytes and lone surrogates in the path, the query, a form, a JSON body or a header are
refused with 400: PostgreSQL cannot store a NUL in text (the driver raises, a 500), and a
lone surrogate cannot be encoded as UTF-8 anywhere downstream (the error page included).
JSON bodies are read once here with a nesting limit (Python's parser recurses; 5,000 deep
was a RecursionError), without NaN or Infinity (not JSON), and checked against the types
the OpenAPI description gives the operation's request body. The forwarded address the
sign-in throttle counts must be an IP address. Headers are bounded in length.

Ids and page numbers in the query or a form, and dates, are checked where they are read,
with the helpers here and in govflow.dates, so the person gets a message beside the field.
"""

from __future__ import annotations

import ipaddress
import json
import re
from functools import cache
from pathlib import Path

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

# Our ids are 32-bit INTEGER columns on PostgreSQL (and SQLite refuses beyond 64 bits).
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
MAX_JSON_DEPTH = 32
MAX_HEADER_LENGTH = 8_192
# The longest text form of an IP address (an IPv4-mapped IPv6 address with a zone is longer,
# but no load balancer sends one).
MAX_ADDRESS_LENGTH = 45

OPENAPI_FILE = Path(__file__).resolve().parent / "api" / "openapi.yaml"
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


class HostileInput(BadRequest):
    """A value no part of govflow should ever see: answered 400 before any view runs."""

    code_name = "bad_input"


def has_forbidden(text: str) -> bool:
    """True for text holding a NUL byte or a lone surrogate."""
    return bool(_FORBIDDEN.search(text))


def id_or_none(value) -> int | None:
    """A positive whole number the database can hold as an id, or None (for an optional id
    read from a query or a form: an id that cannot exist names nothing)."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not text.isascii() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def page_number(value, default: int = 1) -> int:
    """A page number from a query string: a bad or absurd one is the first or last page
    there could be, never an error (links to pages are easy to mistype)."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or not text.isascii():
        return default
    return max(1, min(int(text[:7]), MAX_PAGE))


@cache
def openapi() -> dict:
    """The API's OpenAPI description, read once per process."""
    import yaml

    with OPENAPI_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# ---------------------------------------------------------------------------- the guard


def init_edge(app: Flask) -> None:
    # First of all before_request hooks: CSRF checking and signing in read the form, the
    # session and the headers, so they must only ever see values that passed.
    app.before_request_funcs.setdefault(None, []).insert(0, guard)


def accepts_uploads(config_key: str):
    """Mark a view that takes files: its requests may be as large as the configured file
    limit (`config_key`, in bytes) plus room for the form, rather than MAX_CONTENT_LENGTH.
    The view still checks each file's size and says so beside the field."""

    def mark(view):
        view.upload_limit_key = config_key
        return view

    return mark


UPLOAD_FORM_ROOM = 64 * 1024


def _allow_uploads() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    key = getattr(view, "upload_limit_key", None)
    if key:
        request.max_content_length = int(current_app.config[key]) + UPLOAD_FORM_ROOM


def guard() -> None:
    _check_text("The address", request.path)
    _allow_uploads()
    for name, values in request.args.lists():
        _check_text("The query", name, *values)
    for name, value in request.headers.items():
        if len(value) > MAX_HEADER_LENGTH:
            raise HostileInput(f"The {name} header is too long.")
        _check_text(f"The {name} header", value)
    if current_app.config.get("PRODUCTION"):
        _check_forwarded_address()
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            if request.is_json:
                _check_json()
            elif request.mimetype in ("application/x-www-form-urlencoded",
                                      "multipart/form-data"):
                for name, values in request.form.lists():
                    _check_text(f"The form's {name[:40]!r} field", name, *values)
                for name, upload in request.files.items(multi=True):
                    _check_text(f"The form's {name[:40]!r} field", name, upload.filename or "")
        except RequestEntityTooLarge:
            limit = request.max_content_length or 0
            raise RequestEntityTooLarge(
                f"The body is too large: send at most {limit:,} bytes.") from None


def _check_text(where: str, *texts: str) -> None:
    for text in texts:
        if has_forbidden(text):
            raise HostileInput(f"{where} holds a character that is not allowed (a NUL byte "
                               "or an unpaired surrogate). Remove it and try again.")


def _check_forwarded_address() -> None:
    """Behind the load balancer, ProxyFix has put the address it forwarded in remote_addr.
    It must be an IP address: the sign-in throttle counts failures by it, and free text
    there would let anyone pick a fresh key (and overflowed the key column)."""
    address = request.remote_addr or ""
    try:
        ipaddress.ip_address(address[:MAX_ADDRESS_LENGTH])
    except ValueError:
        raise HostileInput("The forwarded address is not an IP address.") from None
    if len(address) > MAX_ADDRESS_LENGTH:
        raise HostileInput("The forwarded address is not an IP address.")
    # The forwarded scheme becomes the scheme of every link and redirect we write.
    if request.scheme not in ("http", "https"):
        raise HostileInput("The forwarded protocol must be http or https.")


# ---------------------------------------------------------------------------- JSON


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _check_json() -> None:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', raw)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > MAX_JSON_DEPTH:
            raise HostileInput(f"The JSON body is nested more than {MAX_JSON_DEPTH} deep.")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise HostileInput("The body is not valid JSON.") from None
    if isinstance(data, dict):
        for key, value in data.items():
            try:
                _check_json_value(key)
                _check_json_value(value)
            except HostileInput as err:
                raise ApiFieldErrors({key if not has_forbidden(key) else "body":
                                      err.description}, code="bad_input") from None
    else:
        _check_json_value(data)
    if request.path.startswith("/api/") and request.url_rule is not None:
        _check_types(data)


def _check_json_value(value) -> None:
    if isinstance(value, str):
        _check_text("The JSON body", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text("The JSON body", key)
            _check_json_value(item)
    elif isinstance(value, list):
        for item in value:
            _check_json_value(item)


TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number",
              "boolean": "true or false", "array": "a list", "object": "an object",
              "null": "null"}


def _choice(rule: str, method: str, body) -> str | None:
    """The body's discriminator value (`kind`) when the schema is a oneOf and the value is
    one it maps (only those: the validators are cached by it)."""
    discriminator = _operation_schema(rule, method).get("discriminator", {})
    choice = body.get(discriminator.get("propertyName")) if isinstance(body, dict) else None
    return choice if isinstance(choice, str) and choice in discriminator.get(
        "mapping", {}) else None


def _operation_schema(rule: str, method: str) -> dict:
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1"))
    operation = openapi().get("paths", {}).get(path, {}).get(method.lower(), {})
    return (operation.get("requestBody", {}).get("content", {})
            .get("application/json", {}).get("schema")) or {}


@cache
def _validator(rule: str, method: str, choice: str | None):
    """A JSON Schema validator for the route's request body, built once per process."""
    from jsonschema import Draft202012Validator

    spec = openapi()
    schema = _operation_schema(rule, method)
    if "oneOf" in schema:
        target = schema.get("discriminator", {}).get("mapping", {}).get(choice)
        schema = {"$ref": target} if target else {}
    if not schema:
        return None
    schema = _resolve(schema, spec)
    return Draft202012Validator(schema | {"components": spec.get("components", {})})


def _resolve(schema: dict, spec: dict) -> dict:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _resolve(spec["components"]["schemas"][name], spec)
    return schema


def _check_types(body) -> None:
    """Wrong JSON types are refused with one message per field; everything else the
    schema says (required fields, allowed values, lengths) the view checks and words."""
    rule = request.url_rule.rule
    validator = _validator(rule, request.method, _choice(rule, request.method, body))
    if validator is None:
        return
    fields: dict[str, str] = {}
    for error in validator.iter_errors(body):
        if error.validator != "type":
            continue
        path = list(error.absolute_path)
        name = str(path[0]) if path else "body"
        if name in fields:
            continue
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        what = " or ".join(TYPE_WORDS.get(w, w) for w in wanted)
        fields[name] = f"{name} must be {what}" if len(path) < 2 else \
            f"{name} must hold only {what}"
    if not fields:
        from govflow.dates import check_json_dates

        fields = check_json_dates(body, validator.schema)
    if fields:
        raise ApiFieldErrors(fields)


class ApiFieldErrors(HostileInput):
    """A JSON body with values of the wrong type: 400 with a message for each field."""

    def __init__(self, fields: dict[str, str], code: str = "invalid"):
        super().__init__("; ".join(fields.values()))
        self.fields = fields
        self.code_name = code
