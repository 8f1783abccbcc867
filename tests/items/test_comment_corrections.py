"""Correcting a comment from the item page: the correction is a new comment that
supersedes the first, which stays in the history marked as corrected (comments are
append-only, and both are in the item's hash chain)."""

from __future__ import annotations

from blocker_pages import text_of
from sqlalchemy import func, select

from govflow.extensions import db
from govflow.items import services
from govflow.items.models import Comment


def _blocker_with_comment(people, body="The caretaker rota ends at 4pm."):
    item = services.raise_blocker(
        people["practitioner"], title="The hub's rooms cannot be booked after 4pm",
        description="There is no late caretaker, so rooms close at 4pm.", area="denaby",
        organisation="dcst")
    comment = services.add_comment(item, people["facilitator"], body)
    db.session.commit()
    return item, comment


def test_the_author_is_offered_a_correction_and_nobody_else(browser, people):
    item, comment = _blocker_with_comment(people)
    link = f'href="/items/{item.id}/comments/{comment.id}/correct">Correct this comment'
    browser.sign_in(people["facilitator"])
    assert link in browser.get(f"/items/{item.id}").get_data(as_text=True)
    browser.sign_in(people["head_of_service"])
    assert link not in browser.get(f"/items/{item.id}").get_data(as_text=True)
    assert browser.get(f"/items/{item.id}/comments/{comment.id}/correct").status_code == 403


def test_a_correction_adds_a_comment_and_the_first_stays_marked_as_corrected(browser, people):
    item, comment = _blocker_with_comment(people)
    browser.sign_in(people["facilitator"])
    path = f"/items/{item.id}/comments/{comment.id}/correct"
    form_page = browser.get(path).get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Correct your comment</h1>' in form_page
    assert "The caretaker rota ends at 4pm.</textarea>" in form_page

    response = browser.submit(path, {"body": "The caretaker rota ends at 5pm."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/items/{item.id}#history")
    rows = db.session.scalars(select(Comment).where(Comment.item_id == item.id)
                              .order_by(Comment.id)).all()
    assert [(c.body, c.supersedes_id) for c in rows] == [
        ("The caretaker rota ends at 4pm.", None),
        ("The caretaker rota ends at 5pm.", comment.id),
    ]

    page = browser.get(f"/items/{item.id}").get_data(as_text=True)
    history = text_of(browser.get(f"/items/{item.id}"))
    history = history[history.index("Newest first"):]
    assert history.index("Correction of a comment") < history.index(
        "Corrected later by its author: the correction is above.")
    assert ('<div class="gf-superseded"><span class="govuk-visually-hidden">Corrected comment: '
            '</span><p class="gf-timeline__reason">The caretaker rota ends at 4pm.</p></div>'
            in page)
    # Only the correction can be corrected now, and only once.
    assert f"/comments/{comment.id}/correct" not in page
    assert f"/comments/{rows[1].id}/correct" in page
    again = browser.submit(path, {"body": "Or 6pm."})
    assert again.status_code == 409
    assert "That comment has already been corrected." in text_of(again)
    assert db.session.scalar(select(func.count(Comment.id)).where(
        Comment.item_id == item.id)) == 2


def test_an_empty_or_personal_correction_keeps_the_text_and_changes_nothing(browser, people):
    item, comment = _blocker_with_comment(people)
    browser.sign_in(people["facilitator"])
    path = f"/items/{item.id}/comments/{comment.id}/correct"
    response = browser.submit(path, {"body": "  "})
    assert response.status_code == 400
    assert "Enter a comment" in text_of(response)
    bad = "Spoke to Mr Jones about it; call 07700 900123."
    response = browser.submit(path, {"body": bad})
    assert response.status_code == 422
    assert bad in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id)).where(
        Comment.item_id == item.id)) == 1


def test_a_comment_of_another_item_is_not_found(browser, people):
    item, comment = _blocker_with_comment(people)
    other, _ = _blocker_with_comment(people)
    browser.sign_in(people["facilitator"])
    assert browser.get(f"/items/{other.id}/comments/{comment.id}/correct").status_code == 404
