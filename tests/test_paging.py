"""Numbered pages of a long list (govflow/paging.py), shared by the decision log, the library
and the people list."""

from __future__ import annotations

from govflow.paging import pages_of


def test_a_page_in_the_middle_says_which_rows_it_shows():
    shown = pages_of(73, 2, 25)
    assert (shown.page, shown.pages, shown.offset) == (2, 3, 25)
    assert shown.template_words() == {"total": 73, "page": 2, "pages": 3, "first": 26,
                                      "last": 50}


def test_the_last_page_ends_at_the_last_row():
    words = pages_of(73, 3, 25).template_words()
    assert (words["first"], words["last"]) == (51, 73)


def test_a_page_past_the_end_is_the_last_page():
    shown = pages_of(50, 9, 25)
    assert (shown.page, shown.pages, shown.offset) == (2, 2, 25)


def test_an_empty_list_is_one_page_showing_nothing():
    shown = pages_of(0, 4, 20)
    assert (shown.page, shown.pages, shown.offset) == (1, 1, 0)
    assert shown.template_words() == {"total": 0, "page": 1, "pages": 1, "first": 0, "last": 0}
