"""Helpers for driving the blocker pages through their real forms, as a browser would."""

from __future__ import annotations

import re

from tests.support.pages import csrf_from, refused, text_of  # noqa: F401 - the helpers tests import from here

VERSION_RE = re.compile(r'name="version"[^>]*value="(\d+)"')


def version_on(html: str) -> str:
    match = VERSION_RE.search(html)
    assert match, "the form has no version field"
    return match.group(1)


class Browser:
    """One test client, signing people in and out through the sign-in form."""

    def __init__(self, client, auth):
        self.client = client
        self.auth = auth
        self.signed_in = None

    def sign_in(self, person):
        if self.signed_in is not None:
            self.auth.logout()
        response = self.auth.login(person.email)
        assert response.status_code == 302, "sign-in failed"
        self.signed_in = person
        return self

    def get(self, path):
        return self.client.get(path)

    def open_form(self, path) -> dict:
        """GET a form page and return what a browser would send back unchanged."""
        page = self.client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        html = page.get_data(as_text=True)
        fields = {"csrf_token": csrf_from(html)}
        match = VERSION_RE.search(html)
        if match:
            fields["version"] = match.group(1)
        return fields

    def submit(self, path, data=None, *, form=None):
        """Fill in the form at `path` (or `form`, fields already read) and send it."""
        payload = dict(form if form is not None else self.open_form(path))
        payload.update(data or {})
        return self.client.post(path, data=payload)

    def act(self, item_id, trigger, data=None, *, form=None):
        return self.submit(f"/items/{item_id}/actions/{trigger}", data, form=form)

    def act_accepted(self, item, trigger, data=None, *, form=None) -> None:
        """The action sent and accepted (a redirect); `item` refreshed to where it now stands."""
        from govflow.extensions import db

        response = self.act(item.id, trigger, data, form=form)
        assert response.status_code == 302, text_of(response)[:500]
        db.session.refresh(item)

    def click_button(self, item_id, trigger):
        """An action without questions is a button on the item page itself."""
        page = self.client.get(f"/items/{item_id}").get_data(as_text=True)
        action = f'action="/items/{item_id}/actions/{trigger}"'
        start = page.index(action)
        form_html = page[start:page.index("</form>", start)]
        return self.client.post(
            f"/items/{item_id}/actions/{trigger}",
            data={"csrf_token": csrf_from(form_html), "version": version_on(form_html)},
        )


def raise_hub_blocker(person, **kw):
    """The blocker most of these tests start from (Denaby, with the trust), raised by `person`;
    keyword arguments change any of its fields."""
    from govflow.items import services

    values = {"title": "The hub's rooms cannot be booked after 4pm",
              "description": "There is no late caretaker, so rooms close at 4pm.",
              "area": "denaby", "organisation": "dcst"} | kw
    return services.raise_blocker(person, **values)
