"""GET /api/v1/indicators: the same trends as the page, documented in openapi.yaml."""

from __future__ import annotations

import pytest

from govflow import workdays
from govflow.clock import utcnow
from govflow.outcomes import quarters
from tests.support.openapi import assert_documented

# Quarters and 'the last four quarters' come from the clock: replayed at awkward moments.
pytestmark = pytest.mark.clock


def test_the_api_gives_each_indicator_against_its_target(client, auth):
    auth.login("priya.shah@dcst.example")
    body = assert_documented(client.get("/api/v1/indicators"), "/indicators", "get")
    assert body["area"] is None
    front_door = next(i for i in body["indicators"] if i["slug"] == "front-door-contacts")
    assert front_door["outcome"] == "safe-stronger-families"
    assert (front_door["baseline"], front_door["target"]) == (449, 360)
    last = quarters.last_completed(workdays.london_date(utcnow()), 1)[0]
    assert front_door["figures"][-1] == {"quarter": last, "label": quarters.label(last),
                                         "value": 396, "areas_reporting": 4}
    assert front_door["status"] == "Improving" and front_door["better"] == "lower"

    denaby = assert_documented(client.get("/api/v1/indicators?area=denaby&quarters=2"),
                               "/indicators", "get")
    attendance = next(i for i in denaby["indicators"] if i["slug"] == "school-attendance")
    assert [f["value"] for f in attendance["figures"]] == [92.8, 93.0]
    for bad in ("?area=atlantis", "?quarters=0", "?quarters=lots"):
        response = client.get(f"/api/v1/indicators{bad}")
        assert response.status_code == 400
        assert_documented(response, "/indicators", "get")
