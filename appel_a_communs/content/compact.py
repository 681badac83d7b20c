"""Models held once per build, without copies of what many of them share.

A large call holds tens of thousands of pledges for the whole build, in the main process
and in every forked writer (issue 25: 2 000 commons and 50 000 pledges peaked over 500
MiB). Two things each pydantic model carries are the same for most of them: the set of
its fields given in its file (``__pydantic_fields_set__``, a set of its own for each model,
several hundred bytes, larger than the model's values), and short texts repeated across
files (an actor's slug in each of its pledges, a role, a status). ``compact`` makes a
model and the models it holds share one set per distinct set of fields, and one copy of
each short text. Nothing changes for the code that reads them: the models are frozen (no
assignment ever adds to the set), and ``model_copy`` copies the set before it adds to it.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

SHORT = 64
"""Texts up to this length are shared: slugs, roles, statuses, dates' text, kinds."""

_SETS: dict[frozenset[str], set[str]] = {}


def compact(model: BaseModel) -> BaseModel:
    """``model``, its nested models and their lists sharing their field sets and short
    texts with every other model compacted in this process; returns it."""
    fields = model.__pydantic_fields_set__
    key = frozenset(fields)
    shared = _SETS.get(key)
    if shared is None:
        shared = _SETS[key] = set(key)
    object.__setattr__(model, "__pydantic_fields_set__", shared)
    values = model.__dict__
    for name, value in values.items():
        values[name] = _compact_value(value)
    return model


def _compact_value(value: Any) -> Any:
    if type(value) is str:
        return sys.intern(value) if len(value) <= SHORT else value
    if isinstance(value, BaseModel):
        return compact(value)
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _compact_value(item)
    return value
