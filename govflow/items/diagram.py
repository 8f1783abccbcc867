"""Describes a workflow file for people: states, who may do what, and an SVG diagram of it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from govflow.workflow.definition import TIER_ORDER, WorkflowDefinition

ROLE_WORDS = {
    "raiser": "the person who raised it",
    "owner": "whoever has taken ownership of it",
    "facilitator": "a facilitator of its area",
    "sponsor": "a local area sponsor for its area",
    "head_of_service": "a Head of Service for its organisation or area",
    "executive": "an executive",
    "admin": "an administrator",
    "system": "govflow itself, automatically",
}
ROLE_ORDER = list(ROLE_WORDS)

BOX_W, BOX_H = 132, 46
WIDTH = 760
ROW_GAP = 112
GROUP_PAD = 18
ARC_ROOM = 40


def _days(n) -> str:
    n = int(n)
    return f"{n} working day" if n == 1 else f"{n} working days"


def who_text(roles) -> str:
    words = [ROLE_WORDS.get(r, r.replace("_", " ")) for r in sorted(roles, key=_role_key)]
    if len(words) <= 1:
        return "".join(words).capitalize()
    return (", ".join(words[:-1]) + " or " + words[-1]).capitalize()


def _role_key(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


@dataclass
class Node:
    name: str
    label: str
    note: str
    x: float = 0
    y: float = 0
    w: float = BOX_W
    h: float = BOX_H
    style: str = "open"
    # "withdraw from any open state": said in words under the box instead of many arrows.
    also: str = ""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Edge:
    source: str
    dest: str
    labels: list[str] = field(default_factory=list)
    path: str = ""
    label_x: float = 0
    label_y: float = 0
    room: float = 1000  # how wide the label may be before it goes onto several lines
    stack: int = 1  # extra lines go down (1) or up (-1), away from the arrow

    @property
    def text(self) -> str:
        return " / ".join(self.labels)

    @property
    def lines(self) -> list[tuple[str, float]]:
        """(text, y) for each line of the label."""
        if _text_width(self.text, 11) <= self.room or len(self.labels) == 1:
            return [(self.text, self.label_y)]
        count = len(self.labels)
        first = self.label_y if self.stack > 0 else self.label_y - 13 * (count - 1)
        return [(label + (" /" if i < count - 1 else ""), first + 13 * i)
                for i, label in enumerate(self.labels)]


def _text_width(text: str, size: float) -> float:
    # Near enough for a sans-serif face; only used to decide box widths and line breaks.
    return len(text) * size * 0.56


def _state_note(spec: WorkflowDefinition, name: str) -> str:
    state = spec.states[name]
    settings = spec.settings
    if state.tier and state.tier in spec.deadlines:
        return f"{_days(spec.deadlines[state.tier])} to act"
    if state.clock == "paused" and "pause_cap_working_days" in settings:
        return f"clock stopped, {_days(settings['pause_cap_working_days'])} at most"
    if state.clock == "quiet_period" and "quiet_period_working_days" in settings:
        return f"closes after {_days(settings['quiet_period_working_days'])}"
    if state.final:
        return "finished"
    return ""


def _state_meaning(spec: WorkflowDefinition, name: str) -> str:
    state = spec.states[name]
    s = spec.settings
    kind = spec.label.lower()
    if state.tier:
        days = spec.deadlines.get(state.tier)
        text = f"The {kind} is with {state.tier.capitalize()}."
        if days:
            text += (f" They have {_days(days)} (to 5pm) to act before it goes up a tier "
                     "automatically." if state.tier != TIER_ORDER[-1]
                     else f" They have {_days(days)} (to 5pm) to act; after that it is "
                     "flagged for the next central governance forum.")
        return text
    if state.clock == "paused":
        cap = s.get("pause_cap_working_days")
        text = (f"Waiting on another agency. The deadline clock stops while the {kind} is "
                "paused")
        if cap:
            text += f", for at most {_days(cap)}; then the clock runs again"
        return text + "."
    if state.clock == "quiet_period":
        quiet = s.get("quiet_period_working_days")
        text = "Someone has said what was done to unblock it. The person who raised it confirms it is fixed, or reopens it"
        if quiet:
            text += f"; if they do neither, it closes itself after {_days(quiet)}"
        return text + "."
    if state.final:
        return "Finished. Nothing more happens unless it is reopened."
    return ""


def describe(spec: WorkflowDefinition) -> dict:
    """Everything the how-it-works page shows about one workflow."""
    states = [
        {"name": n, "label": s.label, "tier": s.tier, "meaning": _state_meaning(spec, n)}
        for n, s in spec.states.items()
    ]
    triggers = []
    for t in spec.triggers.values():
        for tr in t.transitions:
            sources = ", ".join(spec.state_label(s) for s in tr.sources)
            if tr.dest is None:
                dest = "Stays where it is"
            elif tr.when and tr.when.startswith("tier_is_"):
                dest = f"{spec.state_label(tr.dest)} (the tier it was at)"
            else:
                dest = spec.state_label(tr.dest)
            triggers.append({
                "name": t.name,
                "label": t.label,
                "from": sources,
                "to": dest,
                "who": who_text(tr.roles),
                "asks": [f.label + ("" if f.required or "optional" in f.label.lower() else " (optional)")
                         for f in spec.form_fields(t.name)],
            })
    settings = spec.settings
    return {
        "kind": spec.kind,
        "label": spec.label,
        "initial": spec.state_label(spec.initial),
        "states": states,
        "triggers": triggers,
        "deadlines": [(tier.capitalize(), _days(spec.deadlines[tier]))
                      for tier in TIER_ORDER if tier in spec.deadlines],
        "pause_cap": _days(settings["pause_cap_working_days"])
        if "pause_cap_working_days" in settings else None,
        "quiet_period": _days(settings["quiet_period_working_days"])
        if "quiet_period_working_days" in settings else None,
        "warning": _days(settings["warning_working_days"])
        if "warning_working_days" in settings else None,
        "diagram": diagram(spec),
    }


# --- the SVG ------------------------------------------------------------------------------


def diagram(spec: WorkflowDefinition) -> dict:
    """Boxes and arrows laid out in rows: waiting states, the tiers, then the finishing ones.

    States with a tier sit together in one group box; an action open from every tier (unblock,
    pause, withdraw) is drawn once from the group, so the picture stays readable.
    """
    tiered = sorted((n for n, s in spec.states.items() if s.tier),
                    key=lambda n: TIER_ORDER.index(spec.states[n].tier))
    grouped = len(tiered) > 1
    nodes, group, y = _boxes(spec, _rows(spec, grouped), tiered, grouped)
    edges = _edges(spec, tiered, grouped)
    collapsed = _collapse_fans(edges, nodes)
    everything = dict(nodes)
    if group is not None:
        everything["_tiers"] = group
    # Arrows to and from the group meet its border in a gap between tier boxes, so they
    # do not look as if they belong to the tier box nearest them.
    gaps = [(nodes[x].x + BOX_W + nodes[y].x) / 2 for x, y in zip(tiered, tiered[1:], strict=False)]
    for (a, b), edge in edges.items():
        _route(edge, everything[a], everything[b], (b, a) in edges, tiered, nodes, gaps)
    return {
        "width": WIDTH,
        "height": y - ROW_GAP + BOX_H + 40,
        "nodes": list(nodes.values()),
        "group": group,
        "edges": list(edges.values()),
        "title": f"How a {spec.label.lower()} moves between states",
        "desc": _desc(spec, edges, everything, collapsed),
    }


def _rows(spec: WorkflowDefinition, grouped: bool) -> list[list[str]]:
    """The states in rows: waiting ones, the tiers, the rest, the final ones (when grouped)."""
    if not grouped:
        return [r for r in _layers(spec) if r]
    rows: list[list[str]] = [[], [], [], []]
    for name, s in spec.states.items():
        if s.tier:
            rows[1].append(name)
        elif s.final:
            rows[3].append(name)
        elif s.open:
            rows[0].append(name)
        else:
            rows[2].append(name)
    return [r for r in rows if r]


def _boxes(spec: WorkflowDefinition, rows: list[list[str]], tiered: list[str],
           grouped: bool) -> tuple[dict[str, Node], Node | None, float]:
    """A box per state, placed row by row, the tier group around the tiers; and where the
    rows end."""
    nodes: dict[str, Node] = {}
    y = 30
    group = None
    for row in rows:
        step = WIDTH / len(row)
        for i, name in enumerate(row):
            state = spec.states[name]
            style = "final" if state.final else ("tier" if state.tier else
                                                 "open" if state.open else "done")
            node = Node(name, state.label, _state_note(spec, name), style=style)
            node.w = max(BOX_W, _text_width(node.note, 11) + 16,
                         _text_width(node.label, 13) * 1.1 + 16)
            node.x = step * i + (step - node.w) / 2
            node.y = y + (GROUP_PAD + 14 if grouped and name in tiered else 0)
            nodes[name] = node
        if grouped and row and row[0] in tiered:
            xs = [nodes[n].x for n in row]
            # Room under the tier boxes for an arrow that jumps a tier (Gold to Bronze).
            group = Node("_tiers", "At a tier", "", x=min(xs) - GROUP_PAD, y=y,
                         w=max(xs) - min(xs) + BOX_W + 2 * GROUP_PAD,
                         h=BOX_H + 2 * GROUP_PAD + 14 + ARC_ROOM, style="group")
            y += group.h - BOX_H
        y += ROW_GAP
    return nodes, group, y


def _edges(spec: WorkflowDefinition, tiered: list[str],
           grouped: bool) -> dict[tuple[str, str], Edge]:
    """An arrow per pair of states a trigger moves between (to and from the tier group when
    grouped), labelled with the triggers' words."""
    edges: dict[tuple[str, str], Edge] = {}
    for t in spec.triggers.values():
        for tr in t.transitions:
            if tr.dest is None:
                continue
            for source in tr.sources:
                a, b = source, tr.dest
                both_tiers = a in tiered and b in tiered
                if grouped and not both_tiers:
                    a = "_tiers" if a in tiered else a
                    b = "_tiers" if b in tiered else b
                if a == b:
                    continue
                edge = edges.setdefault((a, b), Edge(a, b))
                word = t.name.replace("_", " ")
                if word not in edge.labels:
                    edge.labels.append(word)
    return edges


def _collapse_fans(edges: dict[tuple[str, str], Edge], nodes: dict[str, Node]) -> list:
    """An action reachable from three or more places (withdraw) would be a fan of crossing
    arrows; say it in words under its destination instead. Returns what was collapsed."""
    fans: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for (a, b), edge in edges.items():
        for word in edge.labels:
            fans.setdefault((word, b), []).append((a, b))
    collapsed = []
    for (word, dest), keys in fans.items():
        if len(keys) >= 3 and dest in nodes:
            sources = [k[0] for k in keys]
            for key in keys:
                edge = edges[key]
                edge.labels.remove(word)
                if not edge.labels:
                    del edges[key]
            nodes[dest].also += (", " if nodes[dest].also else "") + f"{word} from any open state"
            collapsed.append((word, sources, dest))
    return collapsed


def _layers(spec: WorkflowDefinition) -> list[list[str]]:
    """Rows by how many steps each state is from the start; finished states last."""
    depth = {spec.initial: 0}
    frontier = [spec.initial]
    while frontier:
        following = []
        for state in frontier:
            for t in spec.triggers.values():
                for tr in t.transitions:
                    dest = tr.dest
                    if (state in tr.sources and dest and dest not in depth
                            and not spec.states[dest].final):
                        depth[dest] = depth[state] + 1
                        following.append(dest)
        frontier = following
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 2)]
    for name, s in spec.states.items():
        rows[-1 if s.final or name not in depth else depth[name]].append(name)
    return rows


def _boundary(node: Node, dx: float, dy: float) -> tuple[float, float]:
    """Where a line from the node's centre in direction (dx, dy) leaves its box."""
    if dx == 0 and dy == 0:
        return node.cx, node.cy
    sx = (node.w / 2) / abs(dx) if dx else math.inf
    sy = (node.h / 2) / abs(dy) if dy else math.inf
    s = min(sx, sy)
    return node.cx + dx * s, node.cy + dy * s


def _anchor(group: Node, other: Node, gaps: list[float]) -> tuple[float, float]:
    x = min(gaps, key=lambda g: (abs(g - other.cx), g)) if gaps else group.cx
    y = group.y if other.cy < group.y else group.y + group.h
    return x, y


def _route(edge: Edge, a: Node, b: Node, has_reverse: bool, tiered, nodes, gaps) -> None:
    if a.style == "group" or b.style == "group":
        if a.style == "group":
            x1, y1 = _anchor(a, b, gaps)
            x2, y2 = _boundary(b, x1 - b.cx, y1 - b.cy)
        else:
            x2, y2 = _anchor(b, a, gaps)
            x1, y1 = _boundary(a, x2 - a.cx, y2 - a.cy)
        length = math.hypot(x2 - x1, y2 - y1) or 1
        off = 7 if has_reverse else 0
        px, py = -(y2 - y1) / length * off, (x2 - x1) / length * off
        x1, y1, x2, y2 = x1 + px, y1 + py, x2 + px, y2 + py
        edge.path = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
        edge.label_x = x1 + (x2 - x1) * 0.45 + px * 2.2
        edge.label_y = y1 + (y2 - y1) * 0.45 + py * 2.2 + 4
        return
    dx, dy = b.cx - a.cx, b.cy - a.cy
    length = math.hypot(dx, dy) or 1
    # Perpendicular offset keeps a pair of opposite arrows apart.
    off = 9 if has_reverse else 0
    px, py = -dy / length * off, dx / length * off
    same_row = abs(dy) < 1
    skips = same_row and any(
        n.name != a.name and n.name != b.name and abs(n.cy - a.cy) < 1
        and min(a.cx, b.cx) < n.cx < max(a.cx, b.cx) for n in nodes.values()
    )
    if skips:
        # Jumping over a box in between: arc underneath it.
        x1, y1 = a.cx, a.y + a.h
        x2, y2 = b.cx, b.y + b.h
        cy = y1 + ARC_ROOM * 1.4
        edge.path = f"M{x1:.1f},{y1:.1f} Q{(x1 + x2) / 2:.1f},{cy:.1f} {x2:.1f},{y2 + 2:.1f}"
        edge.label_x, edge.label_y = (x1 + x2) / 2, (y1 + cy) / 2 + 4
        return
    x1, y1 = _boundary(a, dx, dy)
    x2, y2 = _boundary(b, -dx, -dy)
    x1, y1, x2, y2 = x1 + px, y1 + py, x2 + px, y2 + py
    blocked = [n for n in nodes.values()
               if n.name not in (a.name, b.name) and _crosses(n, x1, y1, x2, y2)]
    if blocked and not same_row:
        # Go round the side of the picture rather than through another box.
        right = (a.cx + b.cx) / 2 >= WIDTH / 2
        side = (max(n.x + n.w for n in nodes.values()) + 28 if right
                else min(n.x for n in nodes.values()) - 28)
        x1 = a.x + a.w if right else a.x
        x2 = b.x + b.w if right else b.x
        y1, y2 = a.cy, b.cy
        edge.path = f"M{x1:.1f},{y1:.1f} L{side:.1f},{y1:.1f} L{side:.1f},{y2:.1f} L{x2:.1f},{y2:.1f}"
        edge.label_x, edge.label_y = side, (y1 + y2) / 2 + 4
        return
    edge.path = f"M{x1:.1f},{y1:.1f} L{x2:.1f},{y2:.1f}"
    edge.label_x = (x1 + x2) / 2 + px * 1.6
    edge.label_y = (y1 + y2) / 2 + py * 1.6 + (4 if same_row else 0)
    if same_row:
        edge.room = abs(x2 - x1) - 8
        edge.stack = -1 if py < 0 else 1


def _crosses(node: Node, x1, y1, x2, y2) -> bool:
    for i in range(1, 40):
        t = i / 40
        x, y = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t
        if node.x - 4 <= x <= node.x + node.w + 4 and node.y - 4 <= y <= node.y + node.h + 4:
            return True
    return False


def _desc(spec, edges, nodes, collapsed) -> str:
    def name(key):
        return "any tier" if key == "_tiers" else nodes[key].label

    parts = [f"A {spec.label.lower()} starts at {spec.state_label(spec.initial)}."]
    for (a, b), edge in edges.items():
        parts.append(f"{edge.text.capitalize()}: from {name(a)} to {name(b)}.")
    for word, sources, dest in collapsed:
        parts.append(f"{word.capitalize()}: from {', '.join(name(s) for s in sources)} "
                     f"to {name(dest)}.")
    return " ".join(parts)
