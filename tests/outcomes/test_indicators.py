"""Outcome indicators: the page with charts and tables, entering a quarter's figure, and
importing a CSV of figures (every row or none, each bad row reported with its line)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, insert, select

from govflow import workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.outcomes import quarters
from govflow.outcomes.models import Indicator, IndicatorFigure
from tests.conftest import csrf_from
from tests.support.statements import recorded_statements

# Quarters and 'the last four quarters' come from the clock: replayed at awkward moments.
pytestmark = pytest.mark.clock

FACILITATOR = "rachel.dunn@dmbc.example"  # Denaby
PRACTITIONER = "priya.shah@dcst.example"
ADMIN = "chris.moorhouse@dcst.example"


def _today():
    return workdays.london_date(utcnow())


def _last_quarter():
    return quarters.last_completed(_today(), 1)[0]


def _figure(slug, area_slug, quarter):
    return db.session.scalar(
        select(IndicatorFigure.value)
        .join(Indicator, Indicator.id == IndicatorFigure.indicator_id)
        .join(LocalArea, LocalArea.id == IndicatorFigure.area_id)
        .where(Indicator.slug == slug, LocalArea.slug == area_slug,
               IndicatorFigure.quarter == quarter))


def _figure_count():
    return db.session.scalar(select(func.count(IndicatorFigure.id)))


def test_the_page_shows_each_outcome_its_indicators_a_chart_and_the_table_beside_it(client, auth):
    auth.login(PRACTITIONER)
    page = client.get("/outcomes").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">Outcome indicators</h1>" in page
    for outcome in ("Living in safe, stronger families and communities",
                    "Supported to reach their full potential", "Thriving and emotionally well",
                    "Becoming self-reliant and confident"):
        assert outcome in page
    section = page.split('id="indicator-front-door-contacts"')[1].split("</section>")[0]
    assert "Contacts to the Front Door" in section
    assert "Contacts in the quarter. Lower is better. Source: Front Door contact records" in section
    assert 'role="img"' in section and "<desc" in section
    last = quarters.label(_last_quarter())
    # The four areas' demo figures for the last quarter, added up: 96 + 147 + 63 + 90.
    assert re.search(rf"<th scope=\"row\" class=\"govuk-table__header\">{last}</th>"
                     r"<td class=\"govuk-table__cell govuk-table__cell--numeric\">396</td>",
                     section)
    assert f"{last}: 396." in section  # the chart says the same numbers in words
    assert "Baseline 449." in section and "Target 360." in section
    assert ">Improving</strong>" in section
    # A practitioner reads the figures but cannot enter them.
    assert "Enter a figure" not in page
    assert client.get("/outcomes/figures/new").status_code == 403


def test_one_area_shows_its_own_baseline_target_and_figures(client, auth):
    auth.login(PRACTITIONER)
    page = client.get("/outcomes?area=denaby").get_data(as_text=True)
    section = page.split('id="indicator-school-attendance"')[1].split("</section>")[0]
    assert "School attendance, Denaby" in section
    assert "Baseline 91.2." in section and "Target 94." in section
    assert f"{quarters.label(_last_quarter())}: 93." in section
    bad = client.get("/outcomes?area=atlantis").get_data(as_text=True)
    assert "Choose an area from the list" in bad


def test_a_facilitator_enters_a_quarters_figure_for_their_area(client, auth):
    auth.login(FACILITATOR)
    form = client.get("/outcomes/figures/new").get_data(as_text=True)
    assert '<option value="denaby">Denaby</option>' in form
    assert '<option value="balby">' not in form  # not their area
    quarter = _last_quarter()
    response = auth.post("/outcomes/figures/new", {
        "indicator": "early-help-families", "area": "denaby", "quarter": quarter.lower(),
        "value": "64"}, form_page="/outcomes/figures/new")
    assert response.status_code == 302
    assert _figure("early-help-families", "denaby", quarter) == 64
    shown = client.get("/outcomes").get_data(as_text=True)
    assert f"Figure saved: 64 for {quarters.label(quarter)}." in shown


def test_a_bad_figure_is_shown_again_with_the_error_beside_it_and_nothing_saved(client, auth):
    auth.login(FACILITATOR)
    before = _figure_count()
    next_year = f"{_today().year + 1}-Q1"
    response = auth.post("/outcomes/figures/new", {
        "indicator": "early-help-families", "area": "denaby", "quarter": next_year,
        "value": "lots"}, form_page="/outcomes/figures/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "The quarter must not be in the future" in page
    assert "The figure must be a number, like 42 or 12.5" in page
    assert f'value="{next_year}"' in page and 'value="lots"' in page
    assert _figure_count() == before
    # Another area's figures are refused, not saved.
    response = auth.post("/outcomes/figures/new", {
        "indicator": "early-help-families", "area": "balby", "quarter": _last_quarter(),
        "value": "3"}, form_page="/outcomes/figures/new")
    assert response.status_code == 400
    assert _figure_count() == before


def _import(client, auth, text: str):
    token = csrf_from(client.get("/outcomes/figures/import").get_data(as_text=True))
    return client.post("/outcomes/figures/import", data={
        "csrf_token": token, "file": (io.BytesIO(text.encode("utf-8")), "figures.csv")},
        content_type="multipart/form-data")


def test_a_good_csv_imports_every_row(client, auth):
    auth.login(ADMIN)
    q, earlier = _last_quarter(), quarters.previous(_last_quarter())
    before = _figure_count()
    text = ("indicator,area,quarter,value\n"
            f"front-door-contacts,denaby,{q},88\n"
            f"front-door-contacts,Balby,{q},85\n"
            f"school-attendance,hexthorpe,{earlier},92.4\n")
    response = _import(client, auth, text)
    assert response.status_code == 302
    assert "3 figures imported." in client.get("/outcomes").get_data(as_text=True)
    assert _figure("front-door-contacts", "denaby", q) == 88  # replaced the demo's 96
    assert _figure("front-door-contacts", "balby", q) == 85
    assert _figure("school-attendance", "hexthorpe", earlier) == 92.4
    assert _figure_count() == before  # three quarters already had figures: replaced


def test_a_csv_with_bad_rows_reports_every_one_with_its_line_and_imports_nothing(client, auth):
    auth.login(FACILITATOR)
    q = _last_quarter()
    before = _figure_count()
    text = ("indicator,area,quarter,value\n"
            f"front-door-contacts,denaby,{q},80\n"          # line 2: good
            f"no-such-indicator,denaby,{q},1\n"            # line 3
            f"front-door-contacts,Atlantis,{q},1\n"        # line 4
            f"front-door-contacts,denaby,last spring,1\n"  # line 5
            f"front-door-contacts,denaby,{q},-4\n"         # line 6
            f"front-door-contacts,balby,{q},7\n"           # line 7: not their area
            f"front-door-contacts,denaby,{q}\n"            # line 8
            f"front-door-contacts,denaby,{q},80\n")        # line 9: repeats line 2
    response = _import(client, auth, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported: 7 rows need correcting." in page
    rows = dict(re.findall(r'<th scope="row" class="govuk-table__header">(\d+)</th>'
                           r'<td class="govuk-table__cell">([^<]*)</td>', page))
    assert rows == {
        "3": "No indicator called &#39;no-such-indicator&#39;",
        "4": "No area called &#39;Atlantis&#39;",
        "5": "Enter the quarter as a year and quarter, like 2026-Q3",
        "6": "The figure must be 0 or more",
        "7": "You cannot enter figures for Balby: only its facilitators can",
        "8": "Expected 4 values, found 3",
        "9": "The same figure is already on line 2",
    }
    assert _figure_count() == before
    assert _figure("front-door-contacts", "denaby", q) == 96  # the good line was not imported


def test_a_file_without_the_header_is_refused(client, auth):
    auth.login(FACILITATOR)
    response = _import(client, auth, f"front-door-contacts,denaby,{_last_quarter()},80\n")
    assert response.status_code == 400
    assert "The first line must name the columns: indicator, area, quarter, value" in \
        response.get_data(as_text=True)


def _statements(client, path: str) -> int:
    with recorded_statements() as run:
        assert client.get(path).status_code == 200
    return len(run)


def test_the_indicator_pages_cost_the_same_whatever_the_number_of_figures(client, auth):
    auth.login(PRACTITIONER)
    paths = ("/outcomes", "/outcomes?area=denaby", "/outcomes/families")
    for p in paths:  # the first page of a session also reads the person's menu
        client.get(p)
    first = {p: _statements(client, p) for p in paths}
    indicators = db.session.scalars(select(Indicator.id)).all()
    areas = db.session.scalars(select(LocalArea.id)).all()
    quarter = quarters.last_completed(_today(), 40)
    db.session.execute(insert(IndicatorFigure), [
        {"indicator_id": i, "area_id": a, "quarter": q, "value": 1.0, "source": "csv",
         "entered_at": utcnow()}
        for i in indicators for a in areas for q in quarter[:-4]])
    db.session.flush()
    assert {p: _statements(client, p) for p in paths} == first


def test_the_figures_download_as_a_csv_that_imports_again(client, auth):
    auth.login(FACILITATOR)
    text = client.get("/outcomes/figures.csv?area=denaby").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "indicator,area,quarter,value,indicator name,area name"
    last = _last_quarter()
    assert f"front-door-contacts,denaby,{last},96.0,Contacts to the Front Door,Denaby" in lines
    assert all(",denaby," in line for line in lines[1:])
    # The first four columns are the import file's: it imports again unchanged.
    again = "\n".join(",".join(line.split(",")[:4]) for line in lines)
    assert _import(client, auth, again).status_code == 302
    assert client.get("/outcomes/figures.csv?area=atlantis").status_code == 404


def test_an_area_page_links_to_its_indicators_and_what_families_told_us(client, auth):
    auth.login(PRACTITIONER)
    page = client.get("/areas/hexthorpe").get_data(as_text=True)
    assert '<a class="govuk-link" href="/outcomes?area=hexthorpe">Outcome indicators in ' \
        "Hexthorpe</a>" in page
    assert '<a class="govuk-link" href="/outcomes/families?area=hexthorpe">What families told ' \
        "us in Hexthorpe</a>" in page
