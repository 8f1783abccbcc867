"""Nothing in the record is edited: a sponsor action's new text or due date is an entry in
its history, a comment or an addendum is corrected by a new one that supersedes it — and the
record stays intact through all of it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from govflow.domain_errors import Forbidden, Refused
from govflow.extensions import db
from govflow.forums.models import Meeting, MinutesAddendum
from govflow.items.models import Comment, Item
from govflow.sponsors.models import SponsorAction, SponsorActionEvent


def _record_intact(runner) -> bool:
    result = runner.invoke(args=["check", "--json"])
    report = {r["check"]: r for r in json.loads(result.output)}
    return report["record_chains"]["problems"] == 0


def test_changing_what_an_action_is_and_when_it_is_due_is_an_entry_in_its_history(app, runner):
    from govflow.sponsors.services import amend_action

    action = db.session.scalar(select(SponsorAction).where(SponsorAction.status == "open")
                               .order_by(SponsorAction.id))
    old_what, old_due = action.what, action.due_on
    amend_action(action, action.sponsor, what="Agree the one-page note by email instead",
                 due_on=old_due + timedelta(days=7), version=action.version)
    entry = db.session.scalar(select(SponsorActionEvent)
                              .where(SponsorActionEvent.action_id == action.id)
                              .order_by(SponsorActionEvent.chain_seq.desc()))
    assert entry.fields == {"what": "Agree the one-page note by email instead",
                            "due_on": (old_due + timedelta(days=7)).isoformat()}
    assert f"What changed from: {old_what}" in entry.note
    assert "Due date changed from" in entry.note
    assert entry.chain_hash and entry.from_status == entry.to_status == "open"
    assert _record_intact(runner)


def test_a_closed_action_is_not_changed(app):
    from govflow.sponsors.services import amend_action

    action = db.session.scalar(select(SponsorAction).where(SponsorAction.status != "open"))
    with pytest.raises(Refused):
        amend_action(action, action.sponsor, what="Something else")


def test_a_comment_is_corrected_by_a_new_comment_that_supersedes_it(app, runner, people):
    from govflow.items.services import add_comment, correct_comment

    item = db.session.scalar(select(Item).order_by(Item.id))
    author = people["practitioner"]
    original = add_comment(item, author, "We saw this in Denaby on Tuesday.")
    with pytest.raises(Forbidden):
        correct_comment(original, people["admin"], "Not theirs to correct.")
    correction = correct_comment(original, author, "We saw this in Denaby on Wednesday.")
    assert correction.supersedes_id == original.id
    assert db.session.get(Comment, original.id).body == "We saw this in Denaby on Tuesday."
    assert correction.chain_seq == original.chain_seq + 1
    with pytest.raises(Refused):
        correct_comment(original, author, "A second correction of the same comment.")
    assert _record_intact(runner)


def test_an_addendum_is_corrected_by_a_new_addendum(app, runner):
    from govflow.forums.services import add_addendum

    meeting = db.session.scalar(select(Meeting).where(Meeting.status == "approved"))
    first = add_addendum(meeting, meeting.chair, "The next meeting is on 9 January.")
    second = add_addendum(meeting, meeting.chair, "The next meeting is on 16 January.",
                          supersedes=first)
    assert second.supersedes_id == first.id and second.chain_seq == first.chain_seq + 1
    assert db.session.get(MinutesAddendum, first.id).body == "The next meeting is on 9 January."
    with pytest.raises(Refused):
        add_addendum(meeting, meeting.chair, "Again.", supersedes=first)
    assert _record_intact(runner)
