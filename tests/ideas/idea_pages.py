"""Helpers for driving the idea pages through their real forms, as a browser would."""

from __future__ import annotations

import re

from tests.support.pages import CSRF_RE, refused, text_of  # noqa: F401 - the helpers tests import from here

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


class Browser:
    """One test client; people sign in and out through the sign-in form."""

    def __init__(self, client, auth):
        self.client, self.auth, self.signed_in = client, auth, None

    def sign_in(self, person):
        if self.signed_in is not None:
            self.auth.logout()
        assert self.auth.login(person.email).status_code == 302, "sign-in failed"
        self.signed_in = person
        return self

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def open_form(self, path) -> dict:
        """GET a form page and return the hidden fields a browser would send back."""
        page = self.client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        html = page.get_data(as_text=True)
        fields = {"csrf_token": CSRF_RE.search(html).group(1)}
        version = VERSION_RE.search(html)
        if version:
            fields["version"] = version.group(1)
        return fields

    def submit(self, path, data=None):
        payload = self.open_form(path)
        payload.update(data or {})
        return self.client.post(path, data=payload)

    def act(self, item_id, trigger, data=None):
        return self.submit(f"/items/{item_id}/actions/{trigger}", data)

    def actions_on(self, item_id) -> set[str]:
        """The actions the item page offers this person (links and buttons)."""
        page = self.client.get(f"/items/{item_id}").get_data(as_text=True)
        return set(re.findall(rf"/items/{item_id}/actions/(\w+)", page))

    def propose(self, **answers):
        response = self.submit("/ideas/new", answers)
        assert response.status_code == 302, text_of(response)[:2000]
        return int(re.search(r"/ideas/(\d+)/proposed", response.headers["Location"]).group(1))


def day_month_year(d) -> list[str]:
    """A GOV.UK date input sends three values under one name."""
    return [str(d.day), str(d.month), str(d.year)]
