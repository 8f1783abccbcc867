"""A blocker or idea as a PDF to print or file: what it is, where it stands, its decisions and
its whole history, for anyone who may see the item (the same check as its page)."""

from __future__ import annotations

from flask import Response
from flask_login import login_required
from sqlalchemy import select

from govflow import workdays
from govflow.clock import utcnow
from govflow.decisions.models import Decision
from govflow.decisions.queries import OUTCOME_LABELS
from govflow.extensions import db
from govflow.items.models import Event
from govflow.items.views import bp, load_visible
from govflow.pdf import render_pdf
from govflow.workflow.definition import load


def _facts(item, spec) -> list[tuple[str, str]]:
    areas = [item.area.name, *(x.area.name for x in item.extra_areas)]
    raised = item.raised_by.display_name + (
        f", {item.raised_by.organisation.name}" if item.raised_by.organisation else "")
    facts = [
        ("Where it is", spec.state_label(item.state)),
        ("Area" if len(areas) == 1 else "Areas", ", ".join(areas)),
        ("Raised by", f"{raised}, on {workdays.format_date(workdays.london_date(item.created_at))}"),
        ("Owner", item.owner.display_name if item.owner else "Nobody has taken ownership yet"),
        ("Organisation or service", item.organisation.name if item.organisation else "Not given"),
    ]
    if item.due_at and item.state in spec.states and spec.states[item.state].tier:
        facts.append(("Deadline", workdays.format_datetime(item.due_at)))
    if item.tags:
        facts.append(("Framework tags", ", ".join(t.name for t in item.tags)))
    if item.restricted:
        facts.append(("Restricted", item.restricted_reason or "Yes"))
    return facts


def _texts(item) -> list[tuple[str, str]]:
    labelled = (("What is blocked" if item.kind == "blocker" else "The idea", item.description),
                ("The effect", item.effect), ("Why", item.why),
                ("Who is involved", item.who_involved), ("Support needed", item.support_needed))
    return [(label, text) for label, text in labelled if (text or "").strip()]


def _decisions(item) -> list[dict]:
    rows = db.session.scalars(select(Decision).where(Decision.item_id == item.id)
                              .order_by(Decision.decided_at, Decision.id))
    return [{
        "number": d.id, "tier": d.tier.capitalize(),
        "outcome": OUTCOME_LABELS.get(d.outcome, d.outcome),
        "when": workdays.format_datetime(d.decided_at),
        "by": "By default" if d.by_default else (d.decided_by.display_name if d.decided_by else ""),
        "parts": [(label, text) for label, text in (
            ("What was decided", d.summary), ("Reasons", d.rationale), ("Why not", d.why_not),
            ("What would make it a yes", d.what_would_make_yes), ("Conditions", d.conditions),
        ) if (text or "").strip()],
        "superseded": d.superseded_by is not None,
    } for d in rows]


def _history(item, spec) -> list[dict]:
    events = db.session.scalars(select(Event).where(Event.item_id == item.id)
                                .order_by(Event.at, Event.id))
    out = []
    for e in events:
        trigger = spec.triggers.get(e.trigger)
        out.append({
            "when": workdays.format_datetime(e.at),
            "who": e.actor.display_name if e.actor else "govflow (automatically)",
            "what": trigger.label if trigger else spec.state_label(e.to_state),
            "to": spec.state_label(e.to_state),
            "reason": e.reason,
        })
    return out


@bp.get("/items/<int:item_id>/print.pdf")
@login_required
def print_pdf(item_id: int):
    item = load_visible(item_id)
    spec = load(item.kind)
    now = utcnow()
    label = f"{spec.label} {item.id}"
    pdf = render_pdf(
        "print/item.html", title=f"{label}: {item.title}", created=now,
        item={"label": label, "title": item.title}, facts=_facts(item, spec),
        texts=_texts(item), decisions=_decisions(item), history=_history(item, spec),
        printed=workdays.format_datetime(now),
    )
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{item.kind}-{item.id}.pdf"'})
