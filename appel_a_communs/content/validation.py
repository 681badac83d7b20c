"""pydantic's errors in the words of a content file: the key, its line, a "did you mean"
hint. The loader, the envelopes and the submission processor word them so, so that a
maintainer and a submitter read one wording for one mistake."""

from __future__ import annotations

import difflib
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from appel_a_communs.content.errors import ContentError
from appel_a_communs.content.models import POOLS_TAG, Model
from appel_a_communs.content.strict_yaml import Document, format_path
from appel_a_communs.i18n import M_


def _message(err: dict[str, Any], model: type[Model], loc: tuple) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return M_("required key is missing")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        known = [k for k in (owner.model_fields if owner else ()) if k not in ("id", "body")]
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        if hint:
            return M_(
                "unknown key (did you mean '%(hint)s'?); known keys: %(known)s",
                hint=hint[0],
                known=", ".join(known),
            )
        return M_("unknown key; known keys: %(known)s", known=", ".join(known))
    if kind == "literal_error":
        # pydantic's "'a', 'b' or 'c'" as "'a', 'b', 'c'": its "or" is English
        expected = err["ctx"]["expected"]
        options = re.findall(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?[0-9][0-9.]*", expected)
        listed = ", ".join(options) or expected
        words = [option.strip("'\"") for option in options]
        # a slip or a capital letter: "Software", "fundng"
        close = difflib.get_close_matches(str(value).casefold(), words, n=1, cutoff=0.75)
        if not close:
            # a word cut short or with an ending of its own: "tests", "public", "citizen"
            stem = str(value).casefold()[:4]
            close = [w for w in words if len(stem) == 4 and w.startswith(stem)]
            close = close if len(close) == 1 else []
        if isinstance(value, str) and close:
            return M_(
                "%(value)s is not one of: %(expected)s (did you mean '%(hint)s'?)",
                value=_short(value),
                expected=listed,
                hint=close[0],
            )
        return M_("%(value)s is not one of: %(expected)s", value=_short(value), expected=listed)
    if kind in ("list_type", "tuple_type"):
        return M_("expected a list, got %(value)s", value=_short(value))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return M_("expected a mapping of keys (key: value), got %(value)s", value=_short(value))
    if kind == "too_short":
        return M_("needs at least one item")
    if kind == "value_error":
        error = err["ctx"]["error"]
        return error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    return err["msg"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _model_at(model: type[Model], loc: tuple) -> type[Model] | None:
    """The model class that owns the key at ``loc`` (for 'did you mean' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        annotation = fields[part].annotation
        current = _first_model(annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, Model) else None


def _first_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def validation_errors(
    path: Path | str, exc: ValidationError, model: type[Model], doc: Document | None
) -> list[ContentError]:
    """Turn pydantic's errors into ContentErrors naming the file, the field and the line."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(
            part for part in err["loc"] if not isinstance(part, str) or (part and part != POOLS_TAG)
        )
        line = doc.line_of(loc) if doc else None
        out.append(
            ContentError(str(path), format_path(loc) or None, _message(err, model, loc), line)
        )
    return out
