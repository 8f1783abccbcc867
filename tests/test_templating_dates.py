"""The timeline macro's dates are shown in London time, GOV.UK style."""

from datetime import datetime


def test_timeline_dates_are_london_time(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% from "macros/timeline.html" import datetime_text, date_text %}'
            "{{ datetime_text(at) }}|{{ date_text(at) }}"
        )
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
        assert template.render(at=datetime(2026, 6, 30, 23, 30)) == "1 July 2026 at 12:30am|1 July 2026"
        assert template.render(at=datetime(2026, 12, 24, 17, 0)) == "24 December 2026 at 5pm|24 December 2026"
