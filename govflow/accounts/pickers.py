"""How people are shown in lists to choose from (a sponsor action's owner, a meeting's chair,
who took a decision): the name, then what they do and where, so two people with similar
names, or the right one of 30, can be told apart."""

from __future__ import annotations

from govflow.accounts.models import ROLE_LABELS

MAX_ROLES = 2


def person_label(user) -> str:
    """"Rachel Dunn · Facilitator, Denaby · Doncaster Council"."""
    roles = []
    for r in user.role_assignments:
        where = r.area.name if r.area is not None else (r.forum.name if r.forum is not None else "")
        roles.append(f"{ROLE_LABELS[r.role]}, {where}" if where else ROLE_LABELS[r.role])
    roles = list(dict.fromkeys(roles))
    what = "; ".join(roles[:MAX_ROLES]) + ("; …" if len(roles) > MAX_ROLES else "")
    parts = [user.display_name, what or user.job_title,
             user.organisation.name if user.organisation else ""]
    return " · ".join(p for p in parts if p)


def people_choices(users, blank: str | None = None) -> list[tuple[str, str]]:
    """(id, label) choices for a select, with an optional first blank choice."""
    choices = [("", blank)] if blank is not None else []
    return choices + [(str(u.id), person_label(u)) for u in users]
