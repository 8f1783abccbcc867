"""The workflow files' words, for everything that is not the engine: the kinds of item, each
kind's states (in file order), which states are waiting on someone, which are final, the
tiers, and the labels and tag colours people see. Models, queries, searches and templates
read these instead of listing states again, so a state added to workflows/*.yaml is known
everywhere (tests/test_workflow_vocabulary.py compares the database's CHECK constraints
with them)."""

from __future__ import annotations

from govflow.workflow.definition import TIER_LABELS, TIER_ORDER, WORKFLOW_DIR, load

# One workflow file per kind of item.
KINDS: tuple[str, ...] = tuple(sorted(p.stem for p in WORKFLOW_DIR.glob("*.yaml")))
TIERS: tuple[str, ...] = TIER_ORDER


def states(kind: str) -> tuple[str, ...]:
    """A kind's states, in the order its file lists them."""
    return tuple(load(kind).states)


def _every(pick) -> tuple[str, ...]:
    """The states of every kind that `pick(state spec)` chooses, each once, in file order."""
    return tuple(dict.fromkeys(
        name for kind in KINDS for name, spec in load(kind).states.items() if pick(spec)))


def waiting_states(kind: str | None = None) -> tuple[str, ...]:
    """States where an item is waiting on someone: its tier's deadline runs (`clock: tier`,
    which a state with a tier has unless it says otherwise) or is paused. These are the
    queues' "open" items: a blocker at a tier or paused, an idea awaiting a decision."""
    def waiting(spec):
        return spec.clock in ("tier", "paused")

    if kind is None:
        return _every(waiting)
    return tuple(n for n, s in load(kind).states.items() if waiting(s))


def clock_states(kind: str | None = None) -> tuple[str, ...]:
    """States where a tier's deadline runs (a paused one's is stopped)."""
    if kind is None:
        return _every(lambda spec: spec.clock == "tier")
    return tuple(n for n, s in load(kind).states.items() if s.clock == "tier")


def tier_states(kind: str) -> tuple[str, ...]:
    """States that are a tier (a blocker's bronze, silver, gold), lowest first."""
    named = [(n, s.tier) for n, s in load(kind).states.items() if s.tier]
    return tuple(n for n, tier in sorted(named, key=lambda pair: TIER_ORDER.index(pair[1])))


def raiser_states(kind: str) -> tuple[str, ...]:
    """States where an item waits on the person who raised it: not waiting at a tier, not
    final, and the raiser has a step to take there besides withdrawing it (a blocker
    unblocked: confirm or reopen; an idea declined, approved or trialling: challenge, start,
    evaluate). Home lists them as what needs the raiser."""
    spec = load(kind)
    waiting = set(waiting_states(kind))
    out = {source for trigger in spec.triggers.values() if trigger.name != "withdraw"
           for t in trigger.transitions if "raiser" in t.roles for source in t.sources}
    return tuple(n for n, s in spec.states.items()
                 if n in out and n not in waiting and not s.final)


ALL_STATES: tuple[str, ...] = _every(lambda spec: True)
WAITING_STATES: tuple[str, ...] = waiting_states()
FINAL_STATES: tuple[str, ...] = _every(lambda spec: spec.final)
# States whose deadline clock is stopped (a paused blocker is waiting, but not late).
PAUSED_STATES: tuple[str, ...] = _every(lambda spec: spec.clock == "paused")


def state_tags() -> dict[str, tuple[str, str]]:
    """state → (label, tag class) for every kind's states (macros/status.html)."""
    out: dict[str, tuple[str, str]] = {}
    for kind in KINDS:
        for name, spec in load(kind).states.items():
            out.setdefault(name, (spec.label, spec.tag))
    return out


def tier_tags() -> dict[str, tuple[str, str]]:
    """tier → (label, tag class) (macros/status.html)."""
    return {tier: (label, "gf-tag--" + tier) for tier, label in TIER_LABELS.items()}


def kind_labels() -> dict[str, str]:
    """kind → "Blocker", "Idea"."""
    return {kind: load(kind).label for kind in KINDS}
