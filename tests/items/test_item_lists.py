"""My items and the queues: who sees what, overdue first, filters, pages and CSV downloads."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from blocker_pages import text_of

from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items import services
from govflow.workflow import engine
from tests.support.statements import recorded_statements

GARETH = "gareth.holmes@syp.example"


def _raise(person, title, now=None, **kw):
    values = {"description": "A blocker for the list tests.", "area": "denaby",
              "organisation": "dcst"} | kw
    return services.raise_blocker(person, title=title, now=now, **values)


def _titles(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r'<a class="govuk-link" href="/items/\d+">([^<]+)</a>', html)


def _tabs(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [t.strip() for t in re.findall(r'class="gf-subnav__link[^>]*>([^<(]+)', html)]


def test_my_items_lists_what_i_raised_and_what_i_own(browser, people):
    priya, rachel = people["practitioner"], people["facilitator"]
    mine = _raise(priya, "Quokka: raised by Priya")
    taken = _raise(people["kelly.bramley@dbth.example"], "Quokka: taken by Rachel")
    engine.fire(taken, "take", rachel)
    browser.sign_in(priya)
    assert _titles(browser.get("/items/mine?q=Quokka")) == [mine.title]
    assert _tabs(browser.get("/items/mine")) == ["Raised by me", "Owned by me"]
    browser.sign_in(rachel)
    assert _titles(browser.get("/items/mine?show=owned&q=Quokka")) == [taken.title]
    assert _titles(browser.get("/items/mine?show=raised&q=Quokka")) == []


def test_each_person_sees_the_queue_for_each_tier_they_work_at(browser, people):
    denaby = _raise(people["practitioner"], "Wombat: Denaby bronze")
    balby = _raise(people["ryan.cooper@syp.example"], "Wombat: Balby bronze", area="balby",
                   organisation="syp")
    silver = _raise(people["practitioner"], "Wombat: trust silver")
    engine.fire(silver, "escalate", people["facilitator"], fields={"reason": "Trust."})
    other_silver = _raise(people["ryan.cooper@syp.example"], "Wombat: police silver in Balby",
                          area="balby", organisation="syp")
    engine.fire(other_silver, "escalate", people["megan.lloyd@dmbc.example"],
                fields={"reason": "Police."})
    gold = _raise(people["ryan.cooper@syp.example"], "Wombat: Balby gold", area="balby",
                  organisation="syp")
    engine.fire(gold, "escalate", people["megan.lloyd@dmbc.example"], fields={"reason": "a"})
    engine.fire(gold, "escalate", people["claire.firth@dbth.example"], fields={"reason": "b"})

    browser.sign_in(people["facilitator"])  # Rachel: facilitator in Denaby
    response = browser.get("/queue?q=Wombat")
    assert _tabs(response) == ["Bronze: your areas"]
    assert _titles(response) == [denaby.title]
    assert balby.title not in _titles(response)

    browser.sign_in(people["head_of_service"])  # Helen: Silver, the trust, Central Central
    response = browser.get("/queue?q=Wombat")
    assert _tabs(response) == ["Silver: your service and areas"]
    assert _titles(response) == [silver.title]

    # Simon: Gold, and Denaby's sponsor, who may act at every tier in Denaby. His queue
    # opens on Gold, where he works most senior.
    browser.sign_in(people["executive"])
    assert _tabs(browser.get("/queue")) == ["Gold: everything at Gold",
                                            "Silver: the areas you sponsor", "Bronze: your areas"]
    assert _titles(browser.get("/queue?q=Wombat")) == [gold.title]
    assert _titles(browser.get("/queue?show=silver&q=Wombat")) == [silver.title]
    assert _titles(browser.get("/queue?show=bronze&q=Wombat")) == [denaby.title]

    browser.sign_in(people[GARETH])  # Head of Service (police) and Denaby's sponsor
    assert _tabs(browser.get("/queue")) == ["Gold: the areas you sponsor",
                                            "Silver: your service and areas",
                                            "Bronze: your areas"]
    assert _titles(browser.get("/queue?q=Wombat")) == []  # Balby's Gold item is not his
    assert set(_titles(browser.get("/queue?show=silver&q=Wombat"))) == {
        silver.title, other_silver.title}

    browser.sign_in(people["practitioner"])
    assert "You have no queue" in text_of(browser.get("/queue"))


def test_the_queue_puts_overdue_items_first(browser, people):
    now = utcnow()
    fresh = _raise(people["practitioner"], "Numbat: raised today", now=now)
    late = _raise(people["practitioner"], "Numbat: raised three weeks ago",
                  now=now - timedelta(days=21))
    browser.sign_in(people["facilitator"])
    response = browser.get("/queue?q=Numbat")
    assert _titles(response) == [late.title, fresh.title]
    page = text_of(response)
    assert page.index("Overdue by") < page.index("Due in 2 working days")


def test_a_long_queue_pages_through_overdue_then_due_then_undated_items(browser, people):
    """Page by page, the queue reads as one list: overdue first, then by deadline, then the
    items with no deadline by number; a page can end among the deadlines or after them."""
    now = utcnow()
    dated = [_raise(people["practitioner"], f"Echidna {n:02d}", now=now - timedelta(days=n))
             for n in range(23)]
    paused = []
    for n in range(4):  # no deadline: as the generated benchmark data has its paused items
        item = _raise(people["practitioner"], f"Echidna undated {n}")
        engine.fire(item, "pause", people["facilitator"], fields={"reason": "Waiting on legal."})
        item.due_at = None
        paused.append(item)
    db.session.commit()
    expected = ([i.title for i in sorted(dated, key=lambda i: (i.due_at, i.id))]
                + [p.title for p in sorted(paused, key=lambda p: p.id)])
    # Raised longest ago: the most overdue (at a weekend, items raised a day apart can share a
    # deadline, and then the older number comes first).
    most_overdue = min(i.due_at for i in dated)
    assert dated[-1].due_at == most_overdue
    assert expected[0] in {i.title for i in dated if i.due_at == most_overdue}

    browser.sign_in(people["facilitator"])
    first, second = browser.get("/queue?q=Echidna"), browser.get("/queue?q=Echidna&page=2")
    assert _titles(first) + _titles(second) == expected
    assert "Showing 1 to 25 of 27 items" in text_of(first)
    assert "Showing 26 to 27 of 27 items" in text_of(second)
    assert "(27 open or finished items)" not in text_of(first)  # the tab counts the queue
    tab = re.search(r"Bronze: your areas \((\d+)", text_of(first))
    assert tab and int(tab.group(1)) >= 27
    # The tab counts the whole queue, whatever the filters; unfiltered, the list shows it all.
    unfiltered = text_of(browser.get("/queue"))
    assert re.search(r"Bronze: your areas \((\d+)", unfiltered).group(1) == tab.group(1)
    assert f"of {tab.group(1)} items" in unfiltered


def test_filters_narrow_the_list_and_clear_again(browser, people):
    priya = people["practitioner"]
    a = _raise(priya, "Bilby hall keys", tags=["rooted-in-place"])
    b = _raise(priya, "Bilby data sharing", tags=["governance-and-leadership"])
    engine.fire(b, "pause", people["facilitator"], fields={"reason": "Waiting on legal."})
    c = _raise(priya, "Bilby interpreters", area="hexthorpe")
    browser.sign_in(priya)
    assert set(_titles(browser.get("/items/mine?q=bilby"))) == {a.title, b.title, c.title}
    assert _titles(browser.get("/items/mine?q=bilby+hall")) == [a.title]
    assert set(_titles(browser.get("/items/mine?q=Bilby&area=denaby"))) == {a.title, b.title}
    assert _titles(browser.get("/items/mine?q=Bilby&state=paused")) == [b.title]
    assert _titles(browser.get("/items/mine?q=Bilby&tag=rooted-in-place")) == [a.title]
    assert _titles(browser.get("/items/mine?q=Bilby&tier=silver")) == []
    filtered = browser.get("/items/mine?q=Bilby&area=denaby")
    assert "match your filters" in text_of(filtered)
    assert "Clear filters" in text_of(filtered)
    assert re.search(r'<option value="denaby" selected', filtered.get_data(as_text=True))


def _choices(response, name) -> list[tuple[str, str]]:
    html = response.get_data(as_text=True)
    select = re.search(rf'<select class="govuk-select" id="filter-{name}".*?</select>', html,
                       re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)[1:]


def test_the_filter_choices_are_the_areas_and_tags_as_they_are_now(browser, people, area):
    """The areas (active ones, by name) and tags (in their order) an administrator changes
    show in the very next list page's filter choices."""
    from sqlalchemy import select

    from govflow.accounts.models import LocalArea
    from govflow.items.models import Tag

    browser.sign_in(people["facilitator"])
    before = browser.get("/queue")
    areas = db.session.scalars(
        select(LocalArea).where(LocalArea.active).order_by(LocalArea.name)).all()
    tags = db.session.scalars(select(Tag).order_by(Tag.position)).all()
    assert _choices(before, "area") == [(a.slug, a.name) for a in areas]
    assert _choices(before, "tag") == [(t.slug, t.name) for t in tags]

    area("denaby").name = "Zzz Denaby renamed"
    area("hexthorpe").active = False
    tags[0].position, tags[-1].position = tags[-1].position, tags[0].position
    db.session.commit()
    after = browser.get("/queue")
    names = [name for _, name in _choices(after, "area")]
    assert names[-1] == "Zzz Denaby renamed" and "hexthorpe" not in dict(_choices(after, "area"))
    assert len(names) == len(areas) - 1
    tag_slugs = [slug for slug, _ in _choices(after, "tag")]
    assert tag_slugs[0] == tags[-1].slug and tag_slugs[-1] == tags[0].slug


def test_lists_come_25_to_a_page_with_filters_kept_on_every_link(browser, people):
    for n in range(30):
        _raise(people["practitioner"], f"Pangolin {n:02d}")
    browser.sign_in(people["facilitator"])
    first = browser.get("/queue?q=Pangolin")
    assert len(_titles(first)) == 25
    assert "Showing 1 to 25 of 30 items" in text_of(first)
    html = first.get_data(as_text=True)
    assert re.search(r'href="/queue\?q=Pangolin&amp;show=bronze&amp;page=2"', html) or \
        re.search(r'href="/queue\?[^"]*page=2[^"]*"', html)
    next_link = re.search(r'href="(/queue\?[^"]*page=2[^"]*)"', html).group(1)
    assert "q=Pangolin" in next_link
    second = browser.get(next_link.replace("&amp;", "&"))
    assert len(_titles(second)) == 5
    assert "Showing 26 to 30 of 30 items" in text_of(second)
    assert set(_titles(first)).isdisjoint(_titles(second))


def test_the_csv_download_is_the_filtered_list_with_formulas_defused(browser, people):
    priya = people["practitioner"]
    for n in range(3):
        _raise(priya, f"Echidna {n}")
    _raise(priya, "=HYPERLINK(\"http://example.invalid\") Echidna")
    _raise(priya, "Not in the filter")
    browser.sign_in(people["facilitator"])
    response = browser.get("/queue?q=Echidna&format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="queue-bronze.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Number", "Type", "Title", "Status", "Tier", "Area"]
    titles = [row[2] for row in body]
    assert len(body) == 4 and "Not in the filter" not in titles
    assert "'=HYPERLINK(\"http://example.invalid\") Echidna" in titles
    assert all(row[5] == "Denaby" and row[3] == "Bronze" for row in body)
    assert "Download as CSV" in text_of(browser.get("/queue?q=Echidna"))


@pytest.mark.parametrize("path", ["/queue?q={word}", "/items/mine?show=raised&q={word}",
                                  "/queue?q={word}&format=csv"])
def test_a_list_page_asks_the_database_the_same_number_of_questions_however_long(
        browser, people, path):
    priya = people["practitioner"]
    engine_owner = people["facilitator"]
    # Both lists have an owned item, so each eager load has something to load.
    for n in range(2):
        item = _raise(priya, f"Dugong {n}", tags=["rooted-in-place"])
        if n:
            engine.fire(item, "take", engine_owner)
    for n in range(24):
        item = _raise(priya, f"Manatee {n}", tags=["rooted-in-place", "vision-and-outcomes"])
        if n % 2:
            engine.fire(item, "take", engine_owner)
    browser.sign_in(priya if "mine" in path else people["facilitator"])
    browser.get(path.format(word="Dugong"))  # the first request also loads the session
    counts = []
    for word in ("Dugong", "Manatee"):
        with recorded_statements() as statements:
            response = browser.get(path.format(word=word))
        assert response.status_code == 200
        assert word in response.get_data(as_text=True)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12


def test_the_raise_choice_leads_to_the_right_form(browser, people):
    browser.sign_in(people["practitioner"])
    response = browser.submit("/raise", {})
    assert response.status_code == 400
    assert 'Select what you want to raise' in response.get_data(as_text=True)
    assert browser.submit("/raise", {"kind": "idea"}).headers["Location"].endswith("/ideas/new")
    assert browser.submit("/raise", {"kind": "blocker"}).headers["Location"].endswith(
        "/blockers/new")


# The card as govukSummaryList builds it: items/_cards.html writes the same HTML out by hand
# (25 cards through the general macro were most of a list page's time).
SUMMARY_LIST_CARD = """\
{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}
{% from "macros/status.html" import status_tag, tier_tag %}
{%- set _KINDS = {"blocker": "Blocker", "idea": "Idea"} %}
{%- macro govuk_card(item, heading_level=2) -%}
  {%- set kind = (item.kind.value if item.kind.value is defined else item.kind) | string -%}
  {%- set state = (item.state.value if item.state.value is defined else item.state) | string -%}
  {%- set tier = (item.tier.value if item.tier.value is defined else item.tier) if item.tier is defined else none -%}
  {%- set title_html -%}
    <a class="govuk-link" href="{{ url_for('items.show', item_id=item.id) }}">{{ item.title }}</a>
  {%- endset -%}
  {%- set rows = [
    {"key": {"text": "Type"}, "value": {"text": _KINDS.get(kind, kind | capitalize)}},
    {"key": {"text": "Area"}, "value": {"text": item.area.name if item.area else "Not set"}},
    {"key": {"text": "Status"}, "value": {"html": status_tag(state)}},
  ] -%}
  {#- A blocker's state already names its tier; an idea's does not. -#}
  {%- if tier and (tier | string) != state -%}
    {%- set _ = rows.append({"key": {"text": "Tier"}, "value": {"html": tier_tag(tier)}}) -%}
  {%- endif -%}
  {%- if item.due_text is defined and item.due_text -%}
    {%- set overdue = item.is_overdue is defined and item.is_overdue -%}
    {%- set due_html -%}
      {%- if overdue %}<span class="gf-overdue">{{ item.due_text }}</span>{% else %}{{ item.due_text }}{% endif -%}
    {%- endset -%}
    {%- set _ = rows.append({"key": {"text": "Deadline"}, "value": {"html": due_html}}) -%}
  {%- endif -%}
  {{ govukSummaryList({
    "card": {
      "title": {"html": title_html, "headingLevel": heading_level},
      "classes": "gf-item-card",
    },
    "rows": rows,
  }) }}
{%- endmacro %}
"""


@pytest.mark.parametrize("fields", [
    dict(kind="blocker", state="gold", tier="gold", due_text="Overdue by 3 working days",
         is_overdue=True),
    dict(kind="blocker", state="bronze", tier="bronze", due_text="Due in 2 working days",
         is_overdue=False),
    dict(kind="blocker", state="paused", tier="silver", due_text="Paused: the clock is stopped",
         is_overdue=False),
    dict(kind="idea", state="proposed", tier="gold", due_text="", is_overdue=False),
    dict(kind="idea", state="challenged", tier="silver", due_text="Due in 5 working days",
         is_overdue=False),
])
def test_an_item_card_is_exactly_the_govuk_summary_card(app, fields):
    from types import SimpleNamespace

    from flask import render_template_string

    item = SimpleNamespace(id=7, title='Keys & "rooms" <b>at</b> the hub',
                           area=SimpleNamespace(name="Denaby & Conisbrough"), **fields)
    with app.test_request_context():
        ours = render_template_string(
            '{% set heading_level = 3 %}{% include "items/_cards.html" %}', rows=[item])
        govuk = render_template_string(
            SUMMARY_LIST_CARD + "{{ govuk_card(item, 3) }}", item=item)
    assert "Keys &amp; &#34;rooms&#34; &lt;b&gt;at&lt;/b&gt; the hub" in ours
    assert ours == govuk


GOVUK_PAGINATION = """\
{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}
{%- set links = [] -%}
{%- set ns = namespace(last_shown=0) -%}
{%- for n in [1, page - 1, page, page + 1, pages] | unique | sort -%}
  {%- if 1 <= n <= pages -%}
    {%- if n - ns.last_shown > 1 %}{% set _ = links.append({"ellipsis": true}) %}{% endif -%}
    {%- set _ = links.append({"number": n, "href": url(n), "current": n == page}) -%}
    {%- set ns.last_shown = n -%}
  {%- endif -%}
{%- endfor -%}
{%- if pages > 1 -%}
{{ govukPagination({
  "items": links,
  "previous": {"href": url(page - 1)} if page > 1 else none,
  "next": {"href": url(page + 1)} if page < pages else none,
  "landmarkLabel": label,
}) }}
{%- endif -%}
"""


def test_page_links_are_exactly_govuk_pagination(app):
    """macros/items.html writes govukPagination's markup out by hand (every list shows it)."""
    from flask import render_template_string

    def url(n):
        return f"/queue?show=gold&q=<a>&x=\"1\"&page={n}"

    ours = '{% from "macros/items.html" import pagination %}{{ pagination(page, pages, url, label) }}'
    with app.test_request_context():
        for pages in [0, 1, 2, 3, 4, 5, 6, 7, 10, 1292]:
            for page in sorted({1, 2, 3, 4, 5, pages // 2, pages - 2, pages - 1, pages}):
                if page < 1:
                    continue
                for label in ["Pages", "Pages of <items> & more"]:
                    values = {"page": page, "pages": pages, "url": url, "label": label}
                    assert render_template_string(ours, **values) == render_template_string(
                        GOVUK_PAGINATION, **values), (page, pages, label)
    assert "Page 646" in render_template_string(
        ours, page=646, pages=1292, url=url, label="Pages")


# macros/status.html writes govukTag's markup out by hand (dozens of tags to a list page).
GOVUK_TAG = """\
{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}
{{- govukTag({"text": text, "classes": classes}) -}}
"""
TAG_CLASSES = {"gold": "gf-tag--gold", "paused": "govuk-tag--purple", "proposed": "",
               "challenged": "govuk-tag--magenta", "minutes_approved": "govuk-tag--green",
               "someday_state": ""}


@pytest.mark.parametrize("state", sorted(TAG_CLASSES))
def test_status_and_tier_tags_are_exactly_govuk_tags(app, state):
    from flask import render_template_string

    ours = ('{% from "macros/status.html" import status_tag, tier_tag, state_label %}'
            "{{ status_tag(state) }}|{{ status_tag(state, label=label, classes=extra) }}|"
            "{{ tier_tag(state) }}|{{ state_label(state) }}")
    with app.test_request_context():
        rendered = render_template_string(ours, state=state, label="Ready & <done>",
                                          extra="gf-extra").split("|")
        label = rendered[3]

        def govuk(text, classes):
            return render_template_string(GOVUK_TAG, text=text, classes=classes)

        assert rendered[0] == govuk(label, TAG_CLASSES[state])
        assert rendered[1] == govuk("Ready & <done>", f"{TAG_CLASSES[state]} gf-extra".strip())
        # Only bronze, silver and gold are tiers; anything else is shown in words, uncoloured.
        assert rendered[2] == (govuk("Gold", "gf-tag--gold") if state == "gold"
                               else govuk(state.replace("_", " ").capitalize(), ""))


def test_the_queue_has_a_table_view_sorted_by_deadline_area_or_status(browser, people):
    """Beside the cards, a dense GOV.UK table of the same items: its Area, Status and
    Deadline headers sort the list (aria-sort says which), and it scrolls in its own box."""
    gareth = people[GARETH]  # Denaby's sponsor: his Bronze tab covers Denaby and no more
    now = utcnow()
    late = _raise(people["practitioner"], "Tapir: late", now=now - timedelta(days=14))
    paused = _raise(people["practitioner"], "Tapir: paused")
    engine.fire(paused, "pause", people["facilitator"], fields={"reason": "Waiting on legal."})
    paused.due_at = None  # as the generated benchmark data has its paused items
    fresh = _raise(people["practitioner"], "Tapir: fresh")
    db.session.commit()
    browser.sign_in(gareth)
    cards = browser.get("/queue?show=bronze&q=Tapir")
    assert 'href="/queue?show=bronze&amp;q=Tapir&amp;view=table">table</a>' in \
        cards.get_data(as_text=True).replace("q=Tapir&amp;show=bronze", "show=bronze&amp;q=Tapir")
    table = browser.get("/queue?show=bronze&q=Tapir&view=table")
    html = table.get_data(as_text=True)
    assert '<div class="gf-table-wrap" role="region" aria-label="Bronze: your areas, as a table"' \
        ' tabindex="0">' in html
    assert re.search(r'<th scope="col" class="govuk-table__header" aria-sort="ascending">'
                     r"Deadline</th>", html)
    assert _titles(table) == [late.title, fresh.title, paused.title]
    assert "Sorted by deadline" in text_of(table)
    by_status = browser.get("/queue?show=bronze&q=Tapir&view=table&sort=status")
    # The workflow file lists bronze before paused.
    assert _titles(by_status) == [late.title, fresh.title, paused.title]
    assert re.search(r'aria-sort="ascending">Status</th>', by_status.get_data(as_text=True))
    assert "Sorted by status, then deadline" in text_of(by_status)
    assert "Showing" not in text_of(by_status) and "3 items" in text_of(by_status)
    assert browser.get("/queue?view=sideways&sort=nonsense").status_code == 200


def test_list_pages_say_what_the_tiers_mean(browser, people):
    browser.sign_in(people["facilitator"])
    for path in ("/queue", "/items/mine", "/search?q=family", "/ideas/new"):
        assert "What Bronze, Silver and Gold mean" in text_of(browser.get(path)), path
    browser.sign_in(people["admin"])
    for path in ("/admin/people/new", f"/admin/people/{people['facilitator'].id}"):
        assert "What Bronze, Silver and Gold mean" in text_of(browser.get(path)), path
