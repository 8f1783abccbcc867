"""Check real API responses against govflow/api/openapi.yaml: the status code must be
documented for that operation, and the JSON body must match the documented schema."""

from __future__ import annotations

from functools import cache

import yaml
from openapi_schema_validator import OAS31Validator

from govflow.api import OPENAPI_FILE


@cache
def spec() -> dict:
    with OPENAPI_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        target = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def assert_documented(response, path: str, method: str) -> dict:
    """`path` is the spec's template, e.g. "/items/{item_id}"; returns the JSON body."""
    operation = spec()["paths"][path][method.lower()]
    status = str(response.status_code)
    documented = operation["responses"]
    assert status in documented, (
        f"{method.upper()} {path} answered {status}, which openapi.yaml does not document "
        f"(it documents {sorted(documented)}): {response.get_data(as_text=True)[:300]}")
    body = response.get_json()
    content = _resolve(documented[status]).get("content", {}).get("application/json")
    if content is None:
        return body
    # Validate against the schema with the whole spec as the root, so #/components/... resolves.
    schema = {**content["schema"], "components": spec()["components"]}
    errors = sorted(OAS31Validator(schema).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, (
        f"{method.upper()} {path} {status} does not match openapi.yaml: "
        + "; ".join(f"{'/'.join(map(str, e.path)) or '(body)'}: {e.message}" for e in errors[:5]))
    return body
