"""The hostile-input walk: every route in the URL map, signed out and as several demo roles,
sent NUL bytes, lone surrogates, numbers too big (or too negative) for the database, dates
far outside 1900-2100, wrong JSON types, JSON nested 5,000 deep and long headers. Nothing
may answer 5xx, and `govflow check` must still pass afterwards.

The routes come from app.url_map, so a new page or API endpoint is walked without anyone
adding it here; the form fields and query arguments are the ones the pages themselves
show (scraped from every page the role can open), plus the API's parameters from its
OpenAPI description. A fixed list of values covers what has broken before; Hypothesis adds
generated ones (a fixed seed, so a failure reproduces).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govflow.checks import run_checks
from tests.conftest import csrf_from, demo_people
from tests.security.test_permission_matrix import _args as _matrix_args

OPENAPI = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "govflow/api/openapi.yaml").read_text())

# Signed out, someone at the front line and the administrator (last: what an
# administrator's POST changes, such as deactivating a person, comes after the others).
# The generated examples below are sent as every demo role.
ROLES = ("anonymous", "practitioner", "admin")

DEEP = 5_000
HUGE = str(2**31)

# One request each: (label, value for a number or a word, value for a YYYY-MM-DD date,
# the year in GOV.UK day-month-year boxes). Values are sent as UTF-8 with surrogates
# passed through, as a broken client would send them.
VALUES = [
    ("nul", "Rooms\x00refused", "2027-03-\x0027", "20\x0027"),
    ("surrogate", "Rooms \ud800 refused", "2027-03-27\udfff", "\ud8002027"),
    ("too big for an id", HUGE, "9999-12-31", "9999"),
    ("too big for any number", "9" * 40, "99999-01-01", "99999"),
    ("negative", "-2147483649", "0001-01-01", "1"),
    ("long", "x" * 5_000, "1899-12-31", "0"),
]
DATE_NAMES = {"from", "to", "due_on", "decided_at", "review_on_date", "date"}
# Query arguments the app reads, besides those its pages' own filter forms show.
QUERY_NAMES = {"page", "per_page", "q", "kind", "state", "tier", "area", "tag", "forum",
               "owner", "organisation", "decider", "item", "from", "to", "format", "next",
               "status", "outcome", "role", "limit", "title", "figure", "sponsor", "year",
               "month", "meeting", "overdue", "open", "unread", "detail", "direction",
               "show", "fragment", "effect", "item_id", "meeting_id"}


def _parameter(p: dict) -> dict:
    """A parameter as written, or the shared one it refers to (#/components/parameters/…)."""
    if "$ref" in p:
        return OPENAPI["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]
    return p


for _path in OPENAPI["paths"].values():
    for _op in _path.values():
        QUERY_NAMES.update(p["name"] for p in map(_parameter, _op.get("parameters", []))
                           if p["in"] == "query")

HEADERS = [
    {"X-Forwarded-For": ", ".join(["203.0.113.7"] * 2000)},
    {"X-Forwarded-For": "x" * 8000},
    {"X-Forwarded-For": "203.0.113.7\x00"},
    {"User-Agent": "Mozilla/5.0 " + "A" * 8000, "Referer": "/\x00" + "r" * 4000},
    {"Authorization": "Bearer " + "g" * 8000},
    {"Authorization": "Bearer gf_\x00"},
    {"Accept-Language": "en;q=" + "9" * 400, "If-Modified-Since": "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"Cookie": "session=" + "s" * 8000},
]

NAME_RE = re.compile(r'name="([^"]+)"')
# GOV.UK date inputs are three boxes sharing one name, the year's id ending in -year.
DATE_INPUT_RE = re.compile(r'id="([^"]+)-year"')


def encode(pairs) -> bytes:
    """A query string or form body from (name, value) pairs, surrogates kept as bytes."""
    return b"&".join(
        quote_from_bytes(str(k).encode("utf-8", "surrogatepass"), safe=b"").encode() + b"="
        + quote_from_bytes(str(v).encode("utf-8", "surrogatepass"), safe=b"").encode()
        for k, v in pairs)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


_ADDRESSES = itertools.count(1)


class Walker:
    """One signed-in (or signed-out) browser, and what it has been answered."""

    def __init__(self, app, role: str):
        self.app = app
        self.role = role
        self.client = app.test_client()
        # Each role from its own address: the signed-out walk's failed sign-ins must not
        # throttle the next role's real one.
        self.client.environ_base["REMOTE_ADDR"] = f"198.51.100.{next(_ADDRESSES)}"
        self.token = ""
        self.api_headers = {}
        self.field_names: set[str] = set()
        self.date_inputs: set[str] = set()
        self.failures: list[str] = []
        self.requests = 0

    def sign_in(self, people) -> None:
        if self.role != "anonymous":
            page = self.client.get("/sign-in").get_data(as_text=True)
            self.client.post("/sign-in", data={
                "email": demo_people()[self.role], "password": self.app.config["DEMO_PASSWORD"],
                "csrf_token": csrf_from(page)})
            from govflow.accounts.views import issue_token

            token = issue_token(people[self.role], f"hostile walk ({self.role})")
            self.api_headers = {"Authorization": f"Bearer {token}"}
        self.token = csrf_from(self.client.get(
            "/account" if self.role != "anonymous" else "/sign-in").get_data(as_text=True))

    def send(self, method: str, path: str, label: str, **kw):
        self.requests += 1
        try:
            response = self.client.open(path, method=method, **kw)
        except Exception as err:  # noqa: BLE001 - the test client raising is a failure too
            self.failures.append(f"{self.role} {method} {path} [{label}]: raised {err!r}"[:400])
            return None
        with response:
            if response.status_code >= 500:
                self.failures.append(
                    f"{self.role} {method} {path[:120]} [{label}]: {response.status_code}")
            html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            return response.status_code, html, response.mimetype

    def scrape(self, html: str) -> None:
        self.field_names.update(n for n in NAME_RE.findall(html)
                                if n != "csrf_token" and len(n) < 60)
        self.date_inputs.update(DATE_INPUT_RE.findall(html))


_ARGS: dict[str, dict] = {}


def _args(endpoint: str) -> dict:
    """The permission matrix's path values for the route (ids of real demo records), worked
    out once per test: they read the demo people's file each time."""
    if endpoint not in _ARGS:
        _ARGS[endpoint] = _matrix_args(endpoint)
    return _ARGS[endpoint]


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"),
                  key=lambda r: (r.rule, sorted(r.methods)))


def _path(app, rule, args: dict, **override) -> str:
    """The rule's path with these values put in as they are (url_for refuses -1)."""
    values = args | override
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote_from_bytes(
        str(values[m.group(1)]).encode("utf-8", "surrogatepass"), safe=b"/"), rule.rule)


def _query_values(names, value: str, day: str):
    return [(n, day if n in DATE_NAMES or "date" in n else value) for n in sorted(names)]


def _form_values(walker, value: str, day: str, year: str):
    pairs = []
    for name in sorted(walker.field_names):
        if name in walker.date_inputs:
            pairs += [(name, "1"), (name, "1"), (name, year)]
        else:
            pairs.append((name, day if name in DATE_NAMES or "date" in name else value))
    return pairs


def _request_bodies(rule) -> list[tuple[str, str]]:
    """(label, raw JSON) bodies of the wrong shape for an API route's request schema."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
    method = next(m for m in ("POST", "PUT", "PATCH") if m in rule.methods).lower()
    operation = OPENAPI["paths"].get(path, {}).get(method, {})
    schema = (operation.get("requestBody", {}).get("content", {})
              .get("application/json", {}).get("schema", {}))
    properties = dict(schema.get("properties", {}))
    for ref in schema.get("oneOf", []) + ([schema] if "$ref" in schema else []):
        target = OPENAPI["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
        properties |= target.get("properties", {})
    names = set(properties) | {"review_on_date", "decided_at", "version", "trigger", "kind",
                               "due_on"}
    wrong = [12345, 1.5, -(2**63), 2**64, True, None, [], {"a": 1}, "\ud800", "a\x00b",
             "9999-12-31", "0001-01-01", "1e309"]
    bodies = [("deep list", nested(DEEP)), ("deep object", '{"a":' * DEEP + "1" + "}" * DEEP),
              ("not an object", "[1, 2]"), ("not JSON", "{'kind': "),
              ("NaN", '{"version": NaN, "funding_asked": Infinity}')]
    for value in wrong:
        body = {name: value for name in names}
        if "kind" in body and value in (12345, None):
            body["kind"] = "blocker"
        bodies.append((f"every field {value!r}"[:40], json.dumps(body)))
    bodies.append(("deep field", json.dumps({n: "x" for n in names})[:-1]
                   + ', "title": ' + nested(DEEP) + "}"))
    # The right types with the wrong sizes, so the body gets past the type check to the view.
    for label, number, day, text in (("huge", 2**63 + 1, "9999-12-31", "x" * 6_000),
                                     ("negative", -(2**31) - 1, "0001-01-01", "\u202e")):
        body = {}
        for name, prop in properties.items():
            types = prop.get("type", "string")
            types = [types] if isinstance(types, str) else types
            if "format" in prop or name in DATE_NAMES:
                body[name] = day
            elif "integer" in types or "number" in types:
                body[name] = number
            elif "array" in types:
                body[name] = [text] * 3
            else:
                body[name] = text
        if "kind" in properties:
            body["kind"] = "blocker"
        bodies.append((f"right types, {label}", json.dumps(body)))
    return bodies


def walk(app, people) -> list[str]:
    _ARGS.clear()
    failures, requests = [], 0
    for role in ROLES:
        walker = Walker(app, role)
        walker.sign_in(people)
        rules = _rules(app)
        # Open every page first: the field names the role meets are what gets filled in.
        # Pages slow to draw (PDFs, the dashboard's figures) are given the hostile query
        # values by the administrator only, who may open them all, to keep the walk short.
        slow = set()
        for rule in rules:
            if "GET" in rule.methods:
                answer = walker.send("GET", _path(app, rule, _args(rule.endpoint)), "plain",
                                     headers=walker.api_headers)
                if role != "admin" and (rule.rule.startswith("/dashboard")
                                        or answer and answer[2] == "application/pdf"):
                    slow.add(rule.rule)
                if answer:
                    walker.scrape(answer[1])
        for rule in rules:
            rule_args = _args(rule.endpoint)
            is_api = rule.rule.startswith("/api/")
            headers = walker.api_headers if is_api else {}
            path = _path(app, rule, rule_args)
            # Path values: ids the database cannot hold, NUL bytes in words.
            for name in rule.arguments:
                converter = rule._converters[name]
                method = "GET" if "GET" in rule.methods else "POST"
                if type(converter).__name__.endswith("IntConverter"):
                    for bad in (2**31, 10**20, -1):
                        raw = _path(app, rule, rule_args, **{name: bad})
                        walker.send(method, raw, f"{name}={bad}", headers=headers)
                else:
                    raw = _path(app, rule, rule_args, **{name: "a\x00b"})
                    walker.send(method, raw, f"{name} with NUL", headers=headers)
            if "GET" in rule.methods and rule.rule not in slow:
                for label, value, day, _year in VALUES:
                    query = encode(_query_values(QUERY_NAMES, value, day)).decode()
                    walker.send("GET", path, label, query_string=query, headers=headers)
            if "POST" in rule.methods and not (role != "anonymous"
                                               and rule.endpoint == "accounts.sign_out"):
                if is_api:
                    for label, body in _request_bodies(rule):
                        walker.send("POST", path, label, data=body.encode(
                            "utf-8", "surrogatepass"), headers=headers,
                            content_type="application/json")
                else:
                    for label, value, day, year in VALUES:
                        pairs = _form_values(walker, value, day, year)
                        walker.send("POST", path, label, data=encode(
                            [("csrf_token", walker.token), *pairs]), headers=headers,
                            content_type="application/x-www-form-urlencoded")
        # Long and broken headers on a page, a form and the API.
        for extra in HEADERS:
            for method, path in (("GET", "/"), ("GET", "/queue"), ("GET", "/api/v1/items"),
                                 ("POST", "/sign-in"), ("GET", "/healthz")):
                walker.send(method, path, f"headers {sorted(extra)}", headers=extra,
                            data={"csrf_token": walker.token, "email": "a@b.c",
                                  "password": "wrong"} if method == "POST" else None)
        failures += walker.failures
        requests += walker.requests
    return failures, requests


def assert_checks_pass() -> None:
    problems = [f"{r.name}: {r.problems[:3]}" for r in run_checks() if not r.ok]
    assert not problems, f"govflow check fails after the walk: {problems}"


@pytest.mark.slow
def test_every_route_survives_hostile_input_as_every_role(app, people, caplog):
    started = time.perf_counter()
    with caplog.at_level(logging.ERROR):
        failures, requests = walk(app, people)
    print(f"hostile walk: {requests} requests in {time.perf_counter() - started:.1f} s")
    # An error page that failed to draw still answers its 4xx as plain text; it must not
    # have had to.
    failures += [f"error page failed: {r.getMessage()}" for r in caplog.records
                 if r.name == "govflow.errors" and "failed" in r.getMessage()]
    assert requests > 3000, requests
    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(
        failures[:60])
    assert_checks_pass()


# ---------------------------------------------------------------- generated examples

def _text():
    """Text of any code point, lone surrogates and NUL included."""
    # Hypothesis never draws surrogates as characters, so they are drawn as code points.
    return st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
                   | st.integers(0xD800, 0xDFFF).map(chr), max_size=30)


def _values():
    return st.one_of(
        _text(),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(["1e309", "NaN", "-0", "\uff11", "\u00b2", "0x10", "  7  "]),
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | _text() | st.dates().map(lambda d: d.isoformat()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text(), inner, max_size=3),
    max_leaves=8)


def test_generated_values_on_every_route_as_every_role(app, people, caplog):
    """Hypothesis picks a route, a role, a field or query argument and a value (or a JSON
    body for the API); a fixed seed, so a failure found once is found again."""
    roles = ["anonymous", *sorted(set(demo_people()))]
    _ARGS.clear()
    walkers: dict[str, Walker] = {}
    rules = [r for r in _rules(app) if not r.rule.endswith(".pdf")]
    failures: list[str] = []

    def walker_for(role: str) -> Walker:
        if role not in walkers:
            walkers[role] = Walker(app, role)
            walkers[role].sign_in(people)
            walkers[role].scrape(walkers[role].client.get("/blockers/new").get_data(
                as_text=True))
        return walkers[role]

    @settings(max_examples=120, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(rule=st.sampled_from(rules), role=st.sampled_from(roles), data=st.data())
    def one(rule, role, data):
        walker = walker_for(role)
        args = _args(rule.endpoint)
        is_api = rule.rule.startswith("/api/")
        headers = walker.api_headers if is_api else {}
        names = sorted(QUERY_NAMES | walker.field_names)
        pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), _values()),
                                   min_size=1, max_size=4))
        if "POST" in rule.methods and role != "anonymous" and \
                rule.endpoint != "accounts.sign_out" and data.draw(st.booleans()):
            path = _path(app, rule, args)
            if is_api:
                body = data.draw(st.dictionaries(st.sampled_from(
                    ["kind", "title", "description", "area", "tags", "trigger", "version",
                     "reason", "review_on_date", "decided_at", "due_on", "what", "outcome",
                     "funding_asked", "outcomes", "owner"]), JSON, max_size=6))
                walker.send("POST", path, "generated JSON", headers=headers,
                            data=json.dumps(body).encode("utf-8", "surrogatepass"),
                            content_type="application/json")
            else:
                walker.send("POST", path, "generated form", headers=headers,
                            data=encode([("csrf_token", walker.token), *pairs]),
                            content_type="application/x-www-form-urlencoded")
        elif "GET" in rule.methods:
            walker.send("GET", _path(app, rule, args), "generated query", headers=headers,
                        query_string=encode(pairs).decode())

    with caplog.at_level(logging.ERROR):
        one()
    for walker in walkers.values():
        failures += walker.failures
    failures += [f"error page failed: {r.getMessage()}" for r in caplog.records
                 if r.name == "govflow.errors" and "failed" in r.getMessage()]
    assert not failures, "\n".join(failures[:40])
    assert_checks_pass()
