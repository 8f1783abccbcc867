"""Reads a workflow file into a checked, immutable definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

WORKFLOW_DIR = Path(__file__).resolve().parent.parent.parent / "workflows"
KNOWN_ROLES = {
    "raiser",
    "owner",
    "facilitator",
    "sponsor",
    "head_of_service",
    "executive",
    "admin",
    "system",
}
# The escalation ladder every workflow file's `tier:`s and `deadlines:` are checked against,
# lowest first, with the word people see for each.
TIER_LABELS = {"bronze": "Bronze", "silver": "Silver", "gold": "Gold"}
TIER_ORDER = tuple(TIER_LABELS)
# How a trigger's field is asked for on its form page (`type:` under `fields:`).
FIELD_TYPES = ("textarea", "text", "select", "date", "money")


class WorkflowFileError(ValueError):
    pass


@dataclass(frozen=True)
class StateSpec:
    name: str
    label: str
    tier: str | None = None
    open: bool = False
    final: bool = False
    clock: str | None = None  # "tier", "quiet_period", "paused" or None
    tag: str = ""  # the status tag's colour class, e.g. "govuk-tag--green"


@dataclass(frozen=True)
class FieldSpec:
    """One field a trigger's form asks for, as the workflow file describes it."""

    name: str
    label: str
    hint: str = ""
    type: str = "textarea"
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) for type select
    required: bool = False
    error: str = ""  # the workflow file's own words for "this is missing", if any

    @property
    def phrase(self) -> str:
        return in_a_sentence(self.label)

    @property
    def missing_message(self) -> str:
        """What a person is told when they leave it empty: the file's words, or "Enter …" /
        "Select …" with the label as it reads mid-sentence (never "Enter why not?")."""
        if self.error:
            return self.error
        return f"{'Select' if self.type == 'select' else 'Enter'} {self.phrase}"


def in_a_sentence(label: str) -> str:
    """A form label as it reads inside a sentence: "Review date (optional)" → "review date",
    "Why not?" → "why not"."""
    text = label.replace("(optional)", "").strip().rstrip("?:.").strip()
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    sources: tuple[str, ...]
    dest: str | None  # None = stays in the same state
    roles: frozenset[str]
    when: str | None = None
    tier_change: str | None = None  # "next" or "previous"
    decision: str | None = None


@dataclass(frozen=True)
class TriggerSpec:
    name: str
    label: str
    done: str
    transitions: tuple[TransitionSpec, ...]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    field_labels: dict = field(default_factory=dict)
    field_hints: dict = field(default_factory=dict)
    decision: str | None = None
    sets_owner: bool = False
    clears_owner: bool = False
    confirm: str = ""
    # Text the action form shows above the fields (the decline form says the default is yes).
    intro: str = ""

    @property
    def sources(self) -> set[str]:
        return {s for t in self.transitions for s in t.sources}


@dataclass(frozen=True)
class WorkflowDefinition:
    kind: str
    label: str
    initial: str
    states: dict[str, StateSpec]
    triggers: dict[str, TriggerSpec]
    deadlines: dict[str, int]
    settings: dict
    fields: dict
    extra: dict
    # form_fields() per trigger, worked out once: the item page asks for every event.
    _form_fields: dict = field(default_factory=dict, compare=False, repr=False)

    def state_label(self, state: str | None) -> str:
        if state is None:
            return ""
        spec = self.states.get(state)
        return spec.label if spec else state

    def state_phrase(self, state: str | None) -> str:
        """How a state reads in a sentence: "at Silver" for a tier, otherwise its label in
        lower case ("It is now unblocked", never "It is now Unblocked")."""
        spec = self.states.get(state or "")
        if spec is None:
            return state or ""
        if spec.tier is not None and spec.tier == spec.name:
            return f"at {spec.label}"
        return in_a_sentence(spec.label)

    def field_label(self, trigger: str, name: str) -> str:
        spec = self.triggers.get(trigger)
        if spec and name in spec.field_labels:
            return spec.field_labels[name]
        return self.fields.get(name, {}).get("label", name.replace("_", " ").capitalize())

    def field_hint(self, name: str, trigger: str | None = None) -> str:
        spec = self.triggers.get(trigger) if trigger else None
        if spec and name in spec.field_hints:
            return spec.field_hints[name]
        return self.fields.get(name, {}).get("hint", "")

    def field_spec(self, trigger: str, name: str, required: bool = False) -> FieldSpec:
        declared = self.fields.get(name) or {}
        return FieldSpec(
            name=name,
            label=self.field_label(trigger, name),
            hint=self.field_hint(name, trigger),
            type=declared.get("type", "textarea"),
            choices=_choices(declared.get("choices")),
            required=required,
            error=declared.get("error", ""),
        )

    def form_fields(self, trigger: str) -> list[FieldSpec]:
        """The fields a trigger's form asks for: required ones first, in file order."""
        fields = self._form_fields.get(trigger)
        if fields is None:
            spec = self.triggers[trigger]
            fields = self._form_fields[trigger] = tuple(
                [self.field_spec(trigger, n, required=True) for n in spec.required]
                + [self.field_spec(trigger, n) for n in spec.optional if n not in spec.required]
            )
        return list(fields)


def _choices(raw) -> tuple[tuple[str, str], ...]:
    """Choices as (value, label): a mapping {value: label}, or a list of {value, label} or
    plain values."""
    if isinstance(raw, dict):
        return tuple((str(v), str(label)) for v, label in raw.items())
    out = []
    for choice in raw or []:
        if isinstance(choice, dict):
            out.append((str(choice["value"]), str(choice.get("label", choice["value"]))))
        else:
            out.append((str(choice), str(choice).replace("_", " ").capitalize()))
    return tuple(out)


def _as_tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def parse(data: dict, source: str = "<workflow>") -> WorkflowDefinition:
    """A workflow file's data as a WorkflowDefinition; WorkflowFileError names what is wrong."""

    def fail(msg: str):
        raise WorkflowFileError(f"{source}: {msg}")

    _check_fields(data.get("fields") or {}, fail)
    states = {name: _state(name, spec or {}, fail)
              for name, spec in (data.get("states") or {}).items()}
    if data.get("initial") not in states:
        fail("initial state is not one of the states")
    triggers = {name: _trigger(name, spec, states, fail)
                for name, spec in (data.get("triggers") or {}).items()}
    deadlines = {k: int(v) for k, v in (data.get("deadlines") or {}).items()}
    for tier in deadlines:
        if tier not in TIER_ORDER:
            fail(f"deadline for unknown tier {tier}")
    known = {"kind", "label", "initial", "states", "triggers", "deadlines", "settings", "fields"}
    return WorkflowDefinition(
        kind=data["kind"],
        label=data.get("label", data["kind"].capitalize()),
        initial=data["initial"],
        states=states,
        triggers=triggers,
        deadlines=deadlines,
        settings=dict(data.get("settings") or {}),
        fields=dict(data.get("fields") or {}),
        extra={k: v for k, v in data.items() if k not in known},
    )


def _check_fields(fields: dict, fail) -> None:
    """Each field's type is known, and a select (only a select) lists its choices."""
    for name, spec in fields.items():
        spec = spec or {}
        kind = spec.get("type", "textarea")
        if kind not in FIELD_TYPES:
            fail(f"field {name} has unknown type {kind} (use one of {', '.join(FIELD_TYPES)})")
        choices = spec.get("choices")
        if kind == "select":
            if not choices:
                fail(f"field {name} is a select but lists no choices")
            for choice in choices:
                if isinstance(choice, dict) and "value" not in choice:
                    fail(f"field {name}: every choice needs a value")
        elif choices:
            fail(f"field {name} has choices but is not a select")


def _state(name: str, spec: dict, fail) -> StateSpec:
    tier = spec.get("tier")
    if tier is not None and tier not in TIER_ORDER:
        fail(f"state {name} has unknown tier {tier}")
    return StateSpec(
        name=name,
        label=spec.get("label", name.capitalize()),
        tier=tier,
        open=bool(spec.get("open", False)),
        final=bool(spec.get("final", False)),
        clock=spec.get("clock", "tier" if tier else None),
        tag=str(spec.get("tag", "gf-tag--" + tier if tier else "")),
    )


def _trigger(name: str, spec: dict, states: dict, fail) -> TriggerSpec:
    transitions = [_transition(name, spec, t, states, fail)
                   for t in spec.get("transitions") or []]
    if not transitions:
        fail(f"trigger {name} has no transitions")
    return TriggerSpec(
        name=name,
        label=spec.get("label", name.replace("_", " ").capitalize()),
        done=spec.get("done", spec.get("label", name)),
        transitions=tuple(transitions),
        required=_as_tuple(spec.get("required")),
        optional=_as_tuple(spec.get("optional")),
        field_labels=dict(spec.get("field_labels") or {}),
        field_hints=dict(spec.get("field_hints") or {}),
        decision=spec.get("decision"),
        sets_owner=bool(spec.get("sets_owner", False)),
        clears_owner=bool(spec.get("clears_owner", False)),
        confirm=spec.get("confirm", ""),
        intro=spec.get("intro", ""),
    )


def _transition(name: str, spec: dict, t: dict, states: dict, fail) -> TransitionSpec:
    """One of a trigger's transitions: known source and destination states and roles."""
    sources = _as_tuple(t.get("source"))
    for s in sources:
        if s not in states:
            fail(f"trigger {name}: unknown source state {s}")
    dest = t.get("dest")
    if dest == "same":
        dest = None
    elif dest not in states:
        fail(f"trigger {name}: unknown destination {dest}")
    roles = frozenset(_as_tuple(t.get("roles")))
    unknown = roles - KNOWN_ROLES
    if unknown:
        fail(f"trigger {name}: unknown roles {sorted(unknown)}")
    return TransitionSpec(
        trigger=name,
        sources=sources,
        dest=dest,
        roles=roles,
        when=t.get("when"),
        tier_change=t.get("tier"),
        decision=t.get("decision", spec.get("decision")),
    )


@cache
def load(kind: str) -> WorkflowDefinition:
    path = WORKFLOW_DIR / f"{kind}.yaml"
    with path.open(encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh), str(path))
