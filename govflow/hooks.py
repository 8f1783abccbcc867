"""Finding what each domain offers the app (its commands, sweep steps, demo data and API
routes): a module named in a list is imported if it is there and skipped if it is not."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from types import ModuleType


def present_modules(names: Iterable[str]) -> Iterator[ModuleType]:
    """Each of these modules that is there, imported, in order. A module that is not there is
    skipped; one that is there but fails to import (a missing module inside it) is an error."""
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        yield module


def domain_hooks(names: Iterable[str], hook: str) -> Iterator:
    """The attribute `hook` (a function, or a tuple of commands) of each of these modules
    that is there."""
    for module in present_modules(names):
        yield getattr(module, hook)
