"""The search page: one box in the header finds blockers, ideas, decisions, meetings,
minutes, sponsor actions and agreements, grouped by kind, the words found shown marked."""

from __future__ import annotations

import math

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from govflow import links
from govflow.permissions import can
from govflow.search import queries
from govflow.search.kinds import KINDS, every_state, state_labels

bp = Blueprint("search", __name__)

PER_KIND = 5  # results of each kind on the page of every kind
PAGE_SIZE = 20  # results on the page of one kind


@bp.get("/search")
@login_required
def index():
    user = current_user._get_current_object()
    if not can(user, "search.use"):
        abort(403)
    states = every_state()
    filters = queries.SearchFilters.from_args(request.args, KINDS, states)
    areas = queries.area_choices()
    area_id = next((a[0] for a in areas if a[1] == filters.area), None)
    kinds = [filters.kind] if filters.kind else list(KINDS)
    page = 1
    if filters.kind:
        try:
            page = max(1, min(int(request.args.get("page", 1)), 10_000))
        except ValueError:
            page = 1
        first, last = (page - 1) * PAGE_SIZE + 1, page * PAGE_SIZE
    else:
        first, last = 1, PER_KIND
    hits = [] if filters.errors else queries.search(
        user, filters, kinds, area_id=area_id, first=first, last=last)
    groups = []
    for name in kinds:
        found = [h for h in hits if h.kind == name]
        if found:
            groups.append((KINDS[name], found, found[0].total))
    total = sum(g[2] for g in groups)
    args = filters.as_args()
    pages = max(1, math.ceil(groups[0][2] / PAGE_SIZE)) if filters.kind and groups else 1
    words = queries.words_of(filters.words)
    return render_template(
        "search/index.html",
        filters=filters,
        groups=groups,
        total=total,
        cap=queries.CAP,
        capped=any(g[2] >= queries.CAP for g in groups),
        words=words,
        searched=bool(words),
        kinds=list(KINDS.values()),
        kind_choices=[(k.name, k.plural) for k in KINDS.values()],
        area_choices=[(slug, name) for _id, slug, name in areas],
        state_labels=state_labels(),
        areas=areas,
        area_names={a[0]: a[2] for a in areas},
        highlighted=queries.highlighter(words),
        excerpt=lambda text: queries.excerpt(text, words),
        urls={name: links.numbered(KINDS[name].url) for name in kinds},
        more_url=lambda kind: url_for("search.index", **{**args, "kind": kind}),
        page=page,
        pages=pages,
        url_for_page=lambda n: url_for("search.index", page=n, **args),
        page_title=f"Search results for {filters.words}" if words else "Search",
    ), (400 if filters.errors else 200)
