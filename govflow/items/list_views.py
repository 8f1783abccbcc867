"""Item list pages: a person's own items and their queue, filtered, paged and as CSV.
Their routes are on the items blueprint (govflow.items.views)."""


from __future__ import annotations

import math
from functools import cache

from flask import (
    abort,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import literal_column, select, text, union_all
from sqlalchemy.orm import selectinload

from govflow import csvexport, workdays
from govflow.accounts.models import LocalArea
from govflow.clock import utcnow
from govflow.extensions import db
from govflow.items import presenters, tallies
from govflow.items.models import Item, Tag
from govflow.items.queries import (
    TABLE_SORTS,
    ItemFilters,
    apply_filters,
    count_of,
    filter_condition,
    overdue_first,
    queue_scopes,
    sorted_card_page,
    visible_items,
)
from govflow.items.views import PER_PAGE, bp
from govflow.workflow.definition import TIER_LABELS, WORKFLOW_DIR, load


def _user():
    return current_user._get_current_object()


# --- lists --------------------------------------------------------------------------------


@cache
def _workflow_options() -> dict:
    """The filter choices that come from the workflow files, which (like load()) are read
    once per process; areas and tags are the database's, so they are read every time."""
    kinds = [p.stem for p in sorted(WORKFLOW_DIR.glob("*.yaml"))]
    states = []
    for kind in kinds:
        spec = load(kind)
        states += [(name, s.label) for name, s in spec.states.items()
                   if name not in dict(states)]
    return {
        "kinds": tuple((k, load(k).label) for k in kinds),
        "states": tuple(states),
        "tiers": tuple(TIER_LABELS.items()),
    }


def _filter_options() -> dict:
    """The workflow's choices, and the active areas (by name) and tags (in their order) as
    they are now: an administrator may change them at any time, so they are read on every
    list page, as two columns each in one statement."""
    areas, tags = [], []
    for part, _, slug, name in db.session.execute(_area_and_tag_choices()):
        (tags if part else areas).append((slug, name))
    return _workflow_options() | {"areas": areas, "tags": tags}


@cache
def _area_and_tag_choices():
    # Built once per process (it has no parameters). Two ORM queries cost a list page about
    # 0.5 ms; this, a tenth of that on SQLite, and one round trip on PostgreSQL.
    areas = select(literal_column("0").label("part"), literal_column("0").label("position"),
                   LocalArea.slug.label("slug"), LocalArea.name.label("name")
                   ).where(LocalArea.active)
    tags = select(literal_column("1"), Tag.position, Tag.slug, Tag.name)
    return union_all(areas, tags).order_by(text("part"), text("position"), text("name"))


def _list_loads():
    # Built per call: an ORM option at import time would configure the mappers before every
    # model module is imported.
    return (
        selectinload(Item.area), selectinload(Item.raised_by), selectinload(Item.owner),
        selectinload(Item.tags),
    )


CSV_HEADER = ["Number", "Type", "Title", "Status", "Tier", "Area", "Raised by", "Owner",
              "Raised on", "Deadline", "Deadline status", "Tags", "Link"]


def _csv(filename: str, query, now):
    items = db.session.scalars(query.options(*_list_loads())).all()
    root = request.host_url.rstrip("/")
    rows = (
        [
            i.id, i.kind, i.title, load(i.kind).state_label(i.state), i.tier.capitalize(),
            i.area.name, i.raised_by.display_name, i.owner.display_name if i.owner else "",
            workdays.format_date(i.created_at),
            workdays.format_datetime(i.due_at) if i.due_at else "",
            presenters.deadline_text(i, now), "; ".join(t.name for t in i.tags),
            root + url_for("items.show", item_id=i.id),
        ]
        for i in items
    )
    return csvexport.csv_response(filename, CSV_HEADER, rows)


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _list_page(*, endpoint: str, tabs: list[dict], current: dict | None, query, heading: str,
               empty: str, intro: str = "", counted: int | None = None):
    """A filtered, paginated list (or its CSV) of the query's items, overdue first.

    `counted` is the filtered total when the caller has it (with the current tab's count
    already in `current`); otherwise both are counted here, in one pass."""
    now = utcnow()
    filters = ItemFilters.from_args(request.args)
    layout = _layout(request.args)
    page_args = {k: v for k, v in request.args.to_dict(flat=False).items()
                 if k not in ("page", "format")}
    tab_query = query
    if query is not None:
        query = overdue_first(apply_filters(query, filters, now=now), now)
    if request.args.get("format") == "csv":
        if query is None:
            abort(404)
        name = endpoint.split(".")[-1] + (f"-{current['key']}" if current else "")
        return _csv(f"{name}.csv", query, now)
    total, rows, page, pages = 0, [], _page_number(), 1
    if query is not None:
        # The current tab's count and the filtered total come from one pass over the tab.
        narrower = filter_condition(filters, now=now)
        if counted is not None:
            total = counted
        elif current.get("count") is not None:  # a queue: filters the tallies cannot answer
            total = count_of(query)
        elif narrower is None:
            total = current["count"] = count_of(tab_query)
        else:
            current["count"], total = count_of(tab_query, also=narrower)
        pages = max(1, math.ceil(total / PER_PAGE))
        page = min(page, pages)
        rows = presenters.card_rows(
            sorted_card_page(query, layout["sort"], (page - 1) * PER_PAGE, PER_PAGE), now)
    for tab in tabs:
        tab["href"] = url_for(endpoint, **(page_args | {"show": tab["key"]}))
    active_filters = bool(filters.kind or filters.states or filters.tiers or filters.areas
                          or filters.tags or filters.q)
    return render_template(
        "items/list.html",
        endpoint=endpoint,
        tabs=tabs,
        current=current,
        heading=heading,
        intro=intro,
        empty=empty,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        filters=filters,
        options=_filter_options(),
        active_filters=active_filters,
        page_args=page_args,
        csv_url=url_for(endpoint, **(page_args | {"format": "csv"})),
        page_url=lambda n: url_for(endpoint, **(page_args | {"page": n})),
        page_title=heading + (f": {current['label']}" if current else ""),
        layout=layout,
        layout_url=lambda **kw: url_for(endpoint, **(page_args | {"page": None} | kw)),
    )


def _layout(args) -> dict:
    """Cards (the default) or the dense table, and the table's order (TABLE_SORTS)."""
    view = "table" if args.get("view") == "table" else "cards"
    sort = args.get("sort") if args.get("sort") in TABLE_SORTS else "deadline"
    return {"view": view, "sort": sort if view == "table" else "deadline"}


@bp.get("/items/mine")
@login_required
def mine():
    user = _user()
    lists = {
        "raised": ("Raised by me", Item.raised_by_id == user.id),
        "owned": ("Owned by me", Item.owner_id == user.id),
    }
    show = request.args.get("show", "raised")
    if show not in lists:
        show = "raised"
    base = visible_items(user)
    counts = _counts(user, {k: c for k, (_, c) in lists.items() if k != show})
    tabs = [{"key": k, "label": label, "count": counts.get(k), "current": k == show}
            for k, (label, _) in lists.items()]
    current = next(t for t in tabs if t["current"])
    return _list_page(
        endpoint="items.mine", tabs=tabs, current=current,
        query=base.where(lists[show][1]), heading="My items",
        empty=("You have not raised anything yet." if show == "raised"
               else "You have not taken ownership of anything."),
    )


def _counts(user, clauses: dict) -> dict:
    """The other tabs' counts (_list_page counts the current one), one query per tab: each
    is answered from an index on its own, where one query with a FILTER per tab had to
    read every item."""
    visible = visible_items(user)
    return {key: count_of(visible.where(clause)) for key, clause in clauses.items()}


@bp.get("/queue")
@login_required
def queue():
    user = _user()
    queues = queue_scopes(user)
    if not queues:
        return _list_page(
            endpoint="items.queue", tabs=[], current=None, query=None, heading="Queue",
            empty="You have no queue. Queues are for facilitators and local area sponsors "
                  "(Bronze), Heads of Service (Silver) and executives (Gold).",
        )
    show = request.args.get("show") or queues[0][0]
    if show not in {k for k, _, _ in queues}:
        show = queues[0][0]
    # Every tab's count, and the filtered total when the filters are on kind, state or tier
    # only, from the tallies in one statement (govflow/items/tallies.py). A queue is within
    # what its person may see, so it needs no visibility clause (queries.QueueScope).
    filters = ItemFilters.from_args(request.args)
    narrow = tallies.narrowing(filters)
    counts, total = tallies.queue_counts({k: s for k, _, s in queues}, current=show,
                                         narrow=narrow)
    tabs = [{"key": k, "label": label, "count": counts[k], "current": k == show}
            for k, label, _ in queues]
    current = next(t for t in tabs if t["current"])
    scope = next(s for k, _, s in queues if k == show)
    return _list_page(
        endpoint="items.queue", tabs=tabs, current=current, query=select(Item).where(
            scope.clause()),
        heading="Queue", empty="Nothing is waiting in this queue.",
        intro="Open items waiting at each tier you work at, overdue first.",
        counted=total,
    )


