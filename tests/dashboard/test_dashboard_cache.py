"""The dashboard keeps its rendered figures for a short while (in the app's Flask-Caching
store), shared by everyone with the same filters, and never shows figures older than the
last change to them."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask_caching.backends import FileSystemCache, RedisCache

from govflow.clock import fixed_at, utcnow
from govflow.dashboard import kept as kept_figures
from govflow.extensions import cache
from govflow.items import services as items
from govflow.outcomes import quarters
from govflow.outcomes import services as outcomes
from tests.conftest import Auth

# A Thursday in term time, 9:41am in London (GMT).
NINE_41 = datetime(2026, 11, 26, 9, 41, 5)
REDIS_URL = "redis://127.0.0.1:6379/15"


def _use_store(app, monkeypatch, store) -> None:
    """Put `store` in place of the app's Flask-Caching backend for this test."""
    monkeypatch.setitem(app.extensions["cache"], cache, store)


@pytest.fixture
def kept(app, monkeypatch, tmp_path):
    """The app with figures kept for 60 seconds, in a file store of its own for this test."""
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.config, "CACHE_DIR", str(tmp_path / "cache"))
    store = FileSystemCache(str(tmp_path / "cache"), threshold=64)
    _use_store(app, monkeypatch, store)
    return store


def worked_out_at(html: str) -> str:
    return re.search(r'id="figures-at">Figures worked out at ([^<]+)\.<', html).group(1)


def open_blockers(html: str) -> int:
    figure = re.search(r'id="figure-open">.*?gf-figure__value">([\d,]+)<', html, re.S)
    return int(figure.group(1).replace(",", ""))


def dashboard(client, moment: datetime) -> str:
    with fixed_at(moment):
        page = client.get("/dashboard")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_second_visit_shows_the_figures_already_worked_out(kept, auth, client, people):
    auth.login(people["executive"].email)
    first = dashboard(client, NINE_41)
    again = dashboard(client, NINE_41 + timedelta(seconds=50))
    assert worked_out_at(first) == worked_out_at(again) == "9:41am on 26 November 2026"
    assert open_blockers(again) == open_blockers(first)


def test_a_change_shows_at_once(kept, auth, client, people):
    auth.login(people["executive"].email)
    before = dashboard(client, NINE_41)
    with fixed_at(NINE_41 + timedelta(seconds=20)):
        items.raise_blocker(
            people["admin"], title="Room bookings at the family hub need a corporate account",
            description="Voluntary groups cannot book rooms.", area="hexthorpe",
        )
    after = dashboard(client, NINE_41 + timedelta(seconds=70))
    assert open_blockers(after) == open_blockers(before) + 1
    assert worked_out_at(after) == "9:42am on 26 November 2026"


def test_someone_else_with_the_same_filters_gets_the_same_figures(kept, auth, client, people,
                                                                   app):
    auth.login(people["executive"].email)
    first = dashboard(client, NINE_41)
    other = app.test_client()
    Auth(other, app).login(people["practitioner"].email)
    theirs = dashboard(other, NINE_41 + timedelta(seconds=45))
    assert worked_out_at(theirs) == worked_out_at(first)
    # Other filters are other figures, worked out for them.
    with fixed_at(NINE_41 + timedelta(seconds=60)):
        filtered = client.get("/dashboard?area=hexthorpe").get_data(as_text=True)
    assert worked_out_at(filtered) == "9:42am on 26 November 2026"


def test_a_store_that_is_down_still_gives_the_figures(kept, app, auth, client, people,
                                                      monkeypatch):
    import redis

    nobody_listening = redis.Redis.from_url("redis://127.0.0.1:9/0")
    _use_store(app, monkeypatch, RedisCache(host=nobody_listening))
    monkeypatch.setitem(app.config, "CACHE_TYPE", "RedisCache")
    monkeypatch.setitem(app.extensions, "govflow_figure_lock_redis", nobody_listening)
    auth.login(people["executive"].email)
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "Headline figures" in page.get_data(as_text=True)


@pytest.fixture
def redis_apps(make_app, redis_client):
    """Two app processes sharing one Redis store."""
    def clear():
        for key in redis_client.scan_iter("govflow:dashboard:*"):
            redis_client.delete(key)

    clear()
    yield [make_app(REDIS_URL=REDIS_URL, DASHBOARD_CACHE_SECONDS=60) for _ in range(2)]
    clear()


def test_app_processes_share_the_figures_through_redis(redis_apps, people):
    pages = []
    for n, app in enumerate(redis_apps):
        client = app.test_client()
        Auth(client, app).login(people["executive"].email)
        pages.append(dashboard(client, NINE_41 + timedelta(seconds=40 * n)))
    assert worked_out_at(pages[0]) == worked_out_at(pages[1]) == "9:41am on 26 November 2026"


def test_processes_on_one_machine_share_kept_figures_through_files(tmp_path):
    """Two processes' Flask-Caching file stores on one folder share what either keeps, until
    it expires."""
    with time_machine.travel(NINE_41, tick=False) as traveller:
        one = FileSystemCache(str(tmp_path), threshold=64)
        other = FileSystemCache(str(tmp_path), threshold=64)
        one.set("figures for everyone", {"html": "<p>42</p>"}, timeout=60)
        assert other.get("figures for everyone") == {"html": "<p>42</p>"}
        traveller.shift(61)
        assert other.get("figures for everyone") is None


def test_the_file_store_keeps_only_a_few_entries(tmp_path):
    """Past its threshold the store drops the entries that expire first."""
    store = FileSystemCache(str(tmp_path), threshold=2)
    with time_machine.travel(NINE_41, tick=False):
        for ttl, key in enumerate("abcde", start=10):
            store.set(key, key, timeout=ttl)
        kept = [key for key in "abcde" if store.get(key)]
    assert kept[-2:] == ["d", "e"] and len(kept) <= 3 and "a" not in kept


def test_while_one_process_works_figures_out_another_waits_for_them(tmp_path):
    """The second asker waits for the first and finds its figures, instead of computing."""
    import threading

    stores = [FileSystemCache(str(tmp_path)), FileSystemCache(str(tmp_path))]
    lock = tmp_path / "locks" / "k.lock"
    started, computed, seen = threading.Event(), [], []

    def first():
        with kept_figures.file_lock(lock):
            started.set()
            time.sleep(0.3)
            computed.append("first")
            stores[0].set("k", "figures", timeout=60)

    def second():
        started.wait()
        with kept_figures.file_lock(lock):
            kept = stores[1].get("k")
            if kept is None:
                computed.append("second")
            seen.append(kept)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert computed == ["first"] and seen == ["figures"]


def test_without_redis_the_dashboard_keeps_figures_in_the_instance_folder(make_app, people,
                                                                         tmp_path):
    default = make_app(DASHBOARD_CACHE_SECONDS=60)
    assert default.config["CACHE_TYPE"] == "FileSystemCache"
    assert default.config["CACHE_DIR"] == str(Path(default.instance_path) / "cache")
    # No entry limit here, so the folder holds the kept figures alone (no count file).
    app = make_app(DASHBOARD_CACHE_SECONDS=60, CACHE_DIR=str(tmp_path / "cache"),
                   CACHE_THRESHOLD=0)
    client = app.test_client()
    Auth(client, app).login(people["executive"].email)
    assert client.get("/dashboard").status_code == 200
    assert len(list((tmp_path / "cache").iterdir())) == 1
    assert len(list((tmp_path / "cache-locks").glob("*.lock"))) == 1


def test_with_redis_url_the_store_is_redis(make_app):
    app = make_app(REDIS_URL=REDIS_URL)
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert isinstance(app.extensions["cache"][cache], RedisCache)


def _indicator_figure(html: str, slug: str, quarter: str) -> str:
    section = html.split(f'id="indicator-{slug}"')[1].split("</section>")[0]
    label = re.escape(quarters.label(quarter))
    return re.search(rf'scope="row" class="govuk-table__header">{label}</th>'
                     r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]+)</td>',
                     section).group(1)


def test_an_outcome_figure_entered_shows_at_once(kept, auth, client, people):
    """The outcome indicators are kept with the figures: a figure entered or corrected
    makes the dashboard work them out again."""
    auth.login(people["executive"].email)
    # After the demo's own figures were entered (when its partnership was seeded).
    moment = utcnow() + timedelta(hours=1)
    quarter = quarters.last_completed(moment.date(), 1)[0]
    before = dashboard(client, moment)
    with fixed_at(moment + timedelta(seconds=20)):
        outcomes.record_figure(people["admin"], indicator_slug="front-door-contacts",
                               area_slug="denaby", quarter=quarter, value="4321")
    after = dashboard(client, moment + timedelta(seconds=30))
    assert (_indicator_figure(after, "front-door-contacts", quarter)
            != _indicator_figure(before, "front-door-contacts", quarter))
    with fixed_at(moment + timedelta(seconds=40)):
        denaby = client.get("/dashboard?area=denaby").get_data(as_text=True)
    assert _indicator_figure(denaby, "front-door-contacts", quarter) == "4,321"
