"""Dashboard figures against a partnership with hand-worked answers (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json

import pytest
from dashboard_scenario import (
    BY_MONTH,
    BY_TIER_TIMES,
    EAST,
    EXPECTED,
    NOW,
    OPEN_BY_AREA,
    OPEN_BY_TIER,
    PERIOD,
    SOUTH,
    SYSTEMIC_REASON,
    THEMES_AREAS,
    THEMES_TAGS,
    UNBLOCKED_BY_AREA,
    build,
)
from pypdf import PdfReader
from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from govflow.extensions import db
from govflow.items.models import Event
from govflow.metrics import filters, lists, report


@pytest.fixture
def scenario(app, people):
    return build(people)


def compute(args=None, now=NOW):
    parsed = filters.parse(MultiDict(args or PERIOD), now.date())
    assert parsed.errors == {}
    return report.compute(parsed.filters, now)


def rows_by(table, key):
    return {r.values[key]: r.values for r in table.rows}


def test_every_headline_figure_matches_the_hand_worked_answer(scenario):
    rep = compute()
    got = {k: f.value for k, f in rep.headline.items() if k in EXPECTED}
    assert got == EXPECTED


def test_unblocking_share_time_and_month_tables(scenario):
    rep = compute()
    times = rows_by(rep.tables["time_to_unblock"], "tier")
    for tier, (n, median, p90) in BY_TIER_TIMES.items():
        row = times["All tiers" if tier == "all" else tier.capitalize()]
        assert (row["unblocked"], row["median"], row["p90"]) == (n, median, p90)
    months = rows_by(rep.tables["handled_locally_by_month"], "month")
    assert list(months) == ["March 2026", "April 2026"]
    for month, counts in BY_MONTH.items():
        assert {t: months[month][t] for t in counts} == counts
    assert months["March 2026"]["share_bronze"] == 50.0
    by_area = rows_by(rep.tables["handled_locally_by_area"], "area")
    assert {a: {k: v[k] for k in ("bronze", "silver", "gold", "total")}
            for a, v in by_area.items()} == UNBLOCKED_BY_AREA
    shares = rows_by(rep.tables["handled_locally"], "tier")
    assert shares["All tiers"]["unblocked"] == 6


def test_open_ideas_actions_and_themes_tables(scenario):
    rep = compute()
    open_tier = rows_by(rep.tables["open_by_tier"], "tier")
    assert {t: (r["open"], r["overdue"], r["paused"]) for t, r in open_tier.items()} == OPEN_BY_TIER
    open_area = rows_by(rep.tables["open_by_area"], "area")
    assert {a: {k: r[k] for k in ("bronze", "silver", "total", "overdue", "paused")}
            for a, r in open_area.items()} == OPEN_BY_AREA
    reasons = rows_by(rep.tables["ideas_declined_by_reason"], "reason")
    assert reasons["Cost"]["count"] == 1
    assert sum(r["count"] for r in reasons.values()) == 1
    actions = rep.tables["sponsor_actions"].rows
    assert actions[0].values == {"sponsor": "Fran Facilitator", "area": "Known North", "open": 1,
                                 "overdue": 1, "done_on_time": 1, "done_late": 1, "dropped": 1}
    assert [(r.values["tag"], r.values["blockers"])
            for r in rep.tables["themes_tags"].rows] == THEMES_TAGS
    assert [(r.values["area"], r.values["blockers"])
            for r in rep.tables["themes_areas"].rows] == THEMES_AREAS
    assert [i["title"] for i in rep.recent_adopted] == ["Known idea I4"]


def test_area_and_tag_filters_narrow_every_figure(scenario):
    south = compute({**PERIOD, "area": SOUTH})
    # B3 at Bronze and B4 at Gold; open: B8 and the systemic B10 (South was added to it).
    assert south.headline["unblocked"].value == 2
    assert south.headline["share_bronze"].value == 50.0
    assert south.headline["share_gold"].value == 50.0
    assert south.headline["open"].value == 2
    assert [r.values["area"] for r in south.tables["handled_locally_by_area"].rows] == [
        "Known South"]
    tagged = compute({**PERIOD, "tag": "whole-family-working"})
    assert tagged.headline["unblocked"].value == 2  # B4 at Gold, B5 at Silver
    assert tagged.headline["share_silver"].value == 50.0
    assert tagged.headline["reopened"].value == 1
    march = compute({**PERIOD, "to": "2026-03-31"})
    assert march.headline["unblocked"].value == 4
    assert march.headline["median_days"].value == 3.5  # [0, 2, 5, 14]


def test_the_list_behind_each_figure_has_as_many_items_as_the_figure(scenario):
    rep = compute()
    checked = 0
    for fig in rep.headline.values():
        if fig.kind != "count" or fig.link is None:
            continue
        spec = lists.FigureSpec.from_args(MultiDict(fig.link))
        n = db.session.scalar(select(func.count()).select_from(
            lists.ids(spec, rep.filters, NOW).subquery()))
        assert n == fig.value, fig.key
        checked += 1
    for table in rep.tables.values():
        for row in table.rows:
            for column, link in row.links.items():
                args = {**rep.filters.query_args(), **link}
                parsed = filters.parse(MultiDict(args), NOW.date())
                spec = lists.FigureSpec.from_args(MultiDict(link))
                n = db.session.scalar(select(func.count()).select_from(
                    lists.ids(spec, parsed.filters, NOW).subquery()))
                assert n == row.values[column], (table.key, row.values, column)
                checked += 1
    assert checked > 60


def test_third_area_makes_a_blocker_systemic_and_moves_it_to_silver(scenario):
    b10, b2 = scenario.items["B10"], scenario.items["B2"]
    assert (b10.systemic, b10.state, b10.tier) == (True, "silver", "silver")
    event = db.session.scalars(
        select(Event).where(Event.item_id == b10.id).order_by(Event.id.desc())).first()
    assert (event.trigger, event.from_state, event.to_state, event.actor_id) == (
        "systemic", "bronze", "silver", None)
    assert event.reason == SYSTEMIC_REASON
    assert not b2.systemic  # two areas are not enough


def test_page_csv_pdf_and_api_show_the_same_numbers(scenario, auth, client, people):
    auth.login(people["admin"].email)
    query = "&".join(f"{k}={v}" for k, v in PERIOD.items())
    api = client.get(f"/api/v1/metrics?{query}").get_json()
    # Period figures do not depend on the moment; the snapshot ones are checked against
    # the report computed for the same moment as the request.
    for key in ("unblocked", "share_bronze", "share_silver", "share_gold", "median_days",
                "p90_days", "reopened", "ideas_proposed", "ideas_approved",
                "ideas_approved_by_default", "ideas_declined", "ideas_median_days_to_decision"):
        assert api["headline"][key] == EXPECTED[key], key
    assert api["tables"]["time_to_unblock"]["rows"][1] == {
        "tier": "Silver", "unblocked": 2, "median": 9.5, "p90": 13.1}

    page = client.get(f"/dashboard?{query}").get_data(as_text=True)
    assert '<span class="gf-figure__value">50%</span>' in page
    assert '<span class="gf-figure__value">9.5</span>' in page
    assert 'role="img"' in page and "<title id=\"chart-handled-locally-title\">" in page
    assert "Known blocker B10" in page  # systemic blockers first, for those who can see them
    assert page.index("Systemic blockers") < page.index("Headline figures")

    csv_text = client.get(f"/dashboard/handled_locally.csv?{query}").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").splitlines()[:4] == [
        "Tier,Blockers unblocked,Share (%)", "Bronze,3,50.0", "Silver,2,33.3", "Gold,1,16.7"]
    times_csv = client.get(f"/dashboard/time_to_unblock.csv?{query}").get_data(as_text=True)
    assert "All tiers,6,2,9.5" in times_csv

    response = client.get(f"/dashboard/report.pdf?{query}")
    assert response.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.data))
    # The figures fill the first page; the second has the outcomes (tests/outcomes/).
    assert len(pdf.pages) == 2
    assert "Outcomes for children and families" in pdf.pages[1].extract_text()
    words = pdf.pages[0].extract_text()
    assert "50%" in words and "Unblocked at Bronze" in words and "9.5" in words
    assert "Known idea I4" in words  # recently adopted
    assert "Fran Facilitator" not in words and "Known blocker B10" not in words
    detailed = PdfReader(io.BytesIO(client.get(
        f"/dashboard/report.pdf?{query}&detail=1").data)).pages[0].extract_text()
    assert "Fran Facilitator" in detailed and "Known blocker B10" in detailed


def test_figure_links_open_the_list_behind_them(scenario, auth, client, people):
    auth.login(people["admin"].email)
    query = "&".join(f"{k}={v}" for k, v in PERIOD.items())
    page = client.get(f"/dashboard/items?figure=unblocked&tier=bronze&{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for key in ("B1", "B3", "B6"):
        assert f"Known blocker {key}<" in html
    assert "Known blocker B2<" not in html
    assert "3 items." in html
    east = client.get(f"/dashboard/items?figure=unblocked&area={EAST}&{query}")
    assert "Known blocker B2<" in east.get_data(as_text=True)  # East was added to B2
    actions = client.get(f"/dashboard/items?figure=actions&result=overdue&{query}")
    # Today (after the period) the action due on its last day is overdue as well.
    listed = actions.get_data(as_text=True)
    assert "2 sponsor actions." in listed
    assert ">Overdue<" in listed and ">Due on the last day<" in listed
    assert ">Done late<" not in listed
    csv_text = client.get(f"/dashboard/items.csv?figure=open&flag=systemic&{query}")
    assert "Known blocker B10" in csv_text.get_data(as_text=True)


def test_bad_filters_are_explained_not_fatal(scenario, auth, client, people):
    auth.login(people["practitioner"].email)
    page = client.get("/dashboard?from=31-13-2026&to=&area=atlantis")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem with the filters" in html
    assert "The start date must be a real date" in html
    assert "There is no area called &#39;atlantis&#39;" in html
    api = client.get("/api/v1/metrics?organisation=nobody")
    assert api.status_code == 400
    assert api.get_json()["fields"] == {"organisation": "There is no organisation called 'nobody'"}


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in ("/dashboard", "/dashboard/report.pdf", "/dashboard/handled_locally.csv",
                 "/dashboard/items?figure=open"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/api/v1/metrics").status_code == 401


@pytest.mark.postgres_only
def test_window_percentiles_equal_postgres_percentile_cont(scenario):
    """The portable window query gives PERCENTILE_CONT's answers exactly."""
    from govflow.metrics import populations as P

    f = filters.parse(MultiDict(PERIOD), NOW.date()).filters
    pop = P.unblocked(f)
    compiled = select(pop.c.tier, pop.c.days).compile(
        db.session.get_bind(), compile_kwargs={"literal_binds": True})
    rows = db.session.execute(text(
        "SELECT tier, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days), "
        "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY days) "
        f"FROM ({compiled}) AS d GROUP BY tier")).all()
    pg = {r[0]: (round(float(r[1]), 6), round(float(r[2]), 6)) for r in rows}
    ours = {t: (float(m), float(p)) for t, (_n, m, p) in BY_TIER_TIMES.items() if t != "all"}
    assert pg == ours
    assert db.session.get_bind().dialect.name == "postgresql"


def test_api_metrics_is_described_in_openapi(client, auth, people):
    auth.login(people["practitioner"].email)
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/metrics" in spec["paths"] and "/items/similar" in spec["paths"]
    from openapi_spec_validator import validate

    validate(json.loads(json.dumps(spec)))


def test_a_long_period_still_prints_on_one_page(scenario, auth, client, people):
    auth.login(people["practitioner"].email)
    response = client.get("/dashboard/report.pdf?from=2015-01-01&to=2026-04-30&detail=1")
    pdf = PdfReader(io.BytesIO(response.data))
    assert len(pdf.pages) == 2  # the figures on one page, then the outcomes page
    assert "(the last 12 months)" in pdf.pages[0].extract_text()
    assert pdf.pages[1].extract_text().startswith("Outcomes for children and families")


def test_percentiles_worked_out_in_python_equal_the_window_query(app):
    """The unblocking times are ranked in Python once fetched; the decision times in SQL.
    Both give the same answers, for every group size from one value up."""
    import random

    from sqlalchemy import literal, union_all

    rng = random.Random(7)
    groups = {f"g{n}": [rng.randint(0, 60) for _ in range(n)] for n in (1, 2, 3, 4, 5, 9, 10, 11, 37)}
    rows = [select(literal(g).label("grp"), literal(v).label("value"))
            for g, values in groups.items() for v in values]
    in_sql = report.percentiles(union_all(*rows).subquery("values"))
    in_python = {g: report.ranked_percentiles(values) for g, values in groups.items()}
    assert in_python == in_sql
