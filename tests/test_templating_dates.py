"""Dates and times on pages are shown in London time, GOV.UK style."""

from datetime import datetime


def test_history_dates_are_london_time(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            "{{ at | datetime_text }}|{{ at | date }}|{{ at | iso_datetime }}")
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
        assert template.render(at=datetime(2026, 6, 30, 23, 30, 5, 123)) == (
            "1 July 2026 at 12:30am|1 July 2026|2026-06-30T23:30:05Z")
        assert template.render(at=datetime(2026, 12, 24, 17, 0)) == (
            "24 December 2026 at 5pm|24 December 2026|2026-12-24T17:00:00Z")
        assert template.render(at=datetime(2026, 12, 24, 12, 0)).startswith(
            "24 December 2026 at midday|")
        assert template.render(at=datetime(2026, 12, 24, 0, 0)).startswith(
            "24 December 2026 at midnight|")
        assert template.render(at=datetime(2026, 3, 29, 11, 0)).startswith(
            "29 March 2026 at midday|")  # the clocks have gone forward
