"""The access policy's building blocks: composable predicates (IsAtLeastSilver = IsSilver |
IsGold) and the table of named powers that every view, template, export and the docs read
(filled in by govflow/permissions/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Predicate:
    def __init__(self, fn: Callable[[Any, Any], bool], name: str = "", doc: str = ""):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "predicate")
        # The docstring's first paragraph: the table of powers (docs/access-policy.md) reads it.
        self.doc = doc or " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())

    def __call__(self, user, obj=None) -> bool:
        if not signed_in(user):
            return False
        return bool(self.fn(user, obj))

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) or other(u, o), f"({self.name} | {other.name})",
                         f"{self.doc}, or {other.doc}")

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) and other(u, o), f"({self.name} & {other.name})",
                         f"{self.doc} and {other.doc}")

    def __invert__(self) -> Predicate:
        return Predicate(lambda u, o: not self(u, o), f"~{self.name}", f"not {self.doc}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False))


ROLE_WORDS = {"admin": "an administrator", "practitioner": "a practitioner",
              "facilitator": "a facilitator", "sponsor": "a local area sponsor",
              "secretary": "a forum secretary"}


def has_role(role: str) -> Predicate:
    return Predicate(lambda u, _o: role in u.roles, f"has_role({role})",
                     ROLE_WORDS.get(role, role.replace("_", " ")))


SignedIn = Predicate(lambda u, _o: True, "signed_in", "anyone signed in")
IsAdmin = has_role("admin")
IsPractitioner = has_role("practitioner")
IsFacilitator = has_role("facilitator")
IsSponsor = has_role("sponsor")
IsSecretary = has_role("secretary")
IsSilver = Predicate(lambda u, _o: u.tier == "silver", "silver", "Silver")
IsGold = Predicate(lambda u, _o: u.tier == "gold", "gold", "Gold")
IsAtLeastSilver = IsSilver | IsGold


# ---------------------------------------------------------------------------
# The named powers: one table every view, template, export and the docs read
# ---------------------------------------------------------------------------

RULES: dict[str, Predicate] = {}
# thing -> action -> rule name, for the generated table of powers (docs/access-policy.md)
THINGS: dict[str, dict[str, str]] = {}


def register(action: str, predicate: Predicate, thing: str | None = None) -> None:
    RULES[action] = predicate
    thing = thing or action.split(".")[0]
    THINGS.setdefault(thing, {})[action.split(".", 1)[-1]] = action


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"No permission rule named {action!r}") from None
    return rule(user, obj)


def as_rule(fn) -> Predicate:
    """A rule function as a predicate named after it (its docstring says who, for the docs)."""
    return Predicate(fn, fn.__name__)
