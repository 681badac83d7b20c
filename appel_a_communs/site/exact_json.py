"""JSON text whose amounts are exact numbers: funding.json and the pages' JSON-LD want
numbers where our data files write decimal strings, and the ``json`` module would refuse
a ``Decimal`` or round it through a float."""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from appel_a_communs.content.types import amount_text
from appel_a_communs.site.xmltext import utf8_text


def number_text(value: Decimal | int) -> str:
    """An amount as a JSON number, exactly: ``10000``, ``2500.50``, ``0.125``."""
    if isinstance(value, int):
        return str(value)
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    if value == value.to_integral_value():
        return str(int(value))
    exponent = value.as_tuple().exponent
    return amount_text(value, 2 if isinstance(exponent, int) and exponent >= -2 else None)


def exact_json(data: Any, indent: str | None = None) -> str:
    """JSON of dicts, lists, strings, booleans, integers and Decimals (never a float):
    compact, or indented by two spaces a level when ``indent`` is given (the margin of
    the first level). A lone surrogate, which the UTF-8 file cannot hold, is replaced by
    U+FFFD (``xmltext.utf8_text``, which says why): JSON's syntax is ASCII, so only
    strings hold one."""
    return utf8_text(_json(data, indent))


def _json(data: Any, indent: str | None) -> str:
    if isinstance(data, str):
        return encode_basestring(data)
    if data is None or isinstance(data, bool):
        return "null" if data is None else "true" if data else "false"
    if isinstance(data, Decimal | int):
        return number_text(data)
    if not isinstance(data, dict | list | tuple):
        raise TypeError(f"cannot write {type(data).__name__} as exact JSON")
    inner = None if indent is None else indent + "  "
    if isinstance(data, dict):
        items = [f"{encode_basestring(str(k))}:{'' if inner is None else ' '}"
                 f"{_json(v, inner)}" for k, v in data.items()]  # fmt: skip
        opening, closing = "{", "}"
    else:
        items = [_json(v, inner) for v in data]
        opening, closing = "[", "]"
    if inner is None:
        return opening + ",".join(items) + closing
    if not items:
        return opening + closing
    return f"{opening}\n{inner}" + f",\n{inner}".join(items) + f"\n{indent}{closing}"
