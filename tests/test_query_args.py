"""Reading a filtered list's query string (govflow/query_args.py), shared by the library, the
decision log and search."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from govflow.query_args import QueryArgs


def test_many_takes_repeated_and_comma_separated_values_once_each_in_order():
    read = QueryArgs(MultiDict([("area", "denaby, balby"), ("area", "denaby"), ("area", ",")]))
    assert read.many("area") == ["denaby", "balby"]
    assert read.many("area", allowed={"balby"}) == ["balby"]
    assert read.many("area", most=1) == ["denaby"]
    assert read.many("tier") == []


def test_a_date_that_is_not_one_is_reported_for_its_field_and_not_applied():
    read = QueryArgs(MultiDict({"from": "2026-13-01", "to": "2026-12-23"}))
    assert read.period() == (None, date(2026, 12, 23))
    assert list(read.errors) == ["from"]


def test_an_end_before_the_start_is_reported_in_the_pages_words_and_not_applied():
    read = QueryArgs(MultiDict({"from": "2026-12-23", "to": "2026-12-01"}))
    assert read.period("Decided from", "Decided to") == (date(2026, 12, 23), None)
    assert read.errors == {"to": "Decided to must be the same as or after decided from"}
    assert QueryArgs(MultiDict()).period() == (None, None)


def test_a_day_no_month_has_is_not_a_real_date_and_a_year_beyond_the_range_says_the_range():
    read = QueryArgs(MultiDict({"from": "2026-02-31", "to": "99999-01-01"}))
    assert read.period() == (None, None)
    assert read.errors == {"from": "From must be a real date, like 2026-12-23",
                           "to": "To must be between 1900 and 2100"}
    read = QueryArgs(MultiDict({"from": "0000-01-01", "to": "2101-01-01"}))
    assert read.period() == (None, None)
    assert read.errors == {"from": "From must be between 1900 and 2100",
                           "to": "To must be between 1900 and 2100"}
