"""docs/access-policy.md is generated from the access policy and the workflow files: the
committed file is what `govflow access-table` writes now."""

from __future__ import annotations

from govflow import access_docs


def test_the_committed_table_of_powers_is_up_to_date():
    assert access_docs.DOC.exists(), "run `govflow access-table` to write docs/access-policy.md"
    assert access_docs.DOC.read_text() == access_docs.render(), (
        "docs/access-policy.md is out of date: run `govflow access-table`")


def test_the_table_names_the_new_powers_and_the_workflow_roles():
    text = access_docs.render()
    for needle in ("item.restrict", "item.unrestrict", "meeting.approve", "meeting.record_past",
                   "| Escalate to the next tier |", "affected"):
        assert needle in text, needle


def test_the_command_checks_and_writes(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(access_docs, "DOC", tmp_path / "access-policy.md")
    assert runner.invoke(args=["access-table", "--check"]).exit_code != 0
    assert runner.invoke(args=["access-table"]).exit_code == 0
    checked = runner.invoke(args=["access-table", "--check"])
    assert checked.exit_code == 0 and "up to date" in checked.output
