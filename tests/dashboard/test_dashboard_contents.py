"""The dashboard reads as a report a manager can find their way around: a contents list
whose every link lands on a heading of the page, the period its figures cover in words, and
sponsor action figures that say they count the actions due in that period."""

from __future__ import annotations

import re

from tests.items.blocker_pages import text_of


def test_the_contents_list_links_to_every_part_of_the_dashboard(client, auth, people):
    auth.login(people["executive"].email)
    html = client.get("/dashboard").get_data(as_text=True)
    nav = re.search(r'<nav class="gf-contents" aria-labelledby="contents-heading">(.*?)</nav>',
                    html, re.S).group(1)
    targets = re.findall(r'href="#([a-z-]+)">([^<]+)</a>', nav)
    assert [name for _, name in targets][:4] == ["Filters", "Systemic blockers",
                                                 "How far ideas have spread", "Headline figures"]
    assert ("sponsor-actions", "Sponsor actions") in targets
    for anchor, _name in targets:
        assert re.search(rf'<h2 class="govuk-heading-[lm]" id="{anchor}">', html), anchor


def test_the_figures_state_their_period_in_words(client, auth, people):
    auth.login(people["executive"].email)
    page = text_of(client.get("/dashboard?from=2026-09-01&to=2026-11-30"))
    assert ("For the period from 1 September 2026 to 30 November 2026: blockers unblocked and "
            "ideas decided in it, sponsor actions due in it.") in page
    assert "Sponsor actions due in the period and still open" in page
    assert "Sponsor actions due in the period and now overdue" in page
    assert re.search(r"\d+ Sponsor actions open\b", page) is None


def test_times_to_unblock_are_said_in_words_and_the_tiers_explained(client, auth, people):
    auth.login(people["executive"].email)
    html = client.get("/dashboard").get_data(as_text=True)
    page = text_of(client.get("/dashboard"))
    assert "Working days to unblock: half were unblocked within" in page
    assert "Working days to unblock: 9 in 10 were unblocked within" in page
    assert "percentile" not in page.lower() and "median" not in page.lower()
    assert ('<span class="govuk-details__summary-text">What Bronze, Silver and Gold mean</span>'
            in html)
