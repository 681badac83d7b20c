"""The official YAML test suite (tests/corpora/yaml-test-suite): every case is refused with
the reader's own StrictYAMLError, naming a line, or read to the value YAML 1.2 gives, under
our typing policy; with LibYAML and without, to the same result.

How a YAML 1.2 value (``in.json``, else ``test.event``) is compared with ours, and nothing
else is normalised:

- a plain scalar that the core schema reads as a float, or as an int in a form we keep as
  text (``+1``, ``0o14``, ``0x1F``, ``01``), is text for us: it matches when the core schema
  reads our text to the same number;
- a date (``YYYY-MM-DD``) is a date for us, a string for YAML 1.2: compared as ISO text;
- keys are the text they are written with (JSON has only string keys too).

Refused by policy, whatever YAML 1.2 says: a top level that is not a mapping, streams of
more than one document, anchors, aliases, tags, directives, non-text and null keys, and
the constructs ``_StrictScanner`` and ``_plain_enough`` name (see the corpus README).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from appel_a_communs.content import strict_yaml
from appel_a_communs.content.strict_yaml import StrictYAMLError, load_mapping

DATA = Path(__file__).parent / "corpora" / "yaml-test-suite" / "data"
CASES = sorted(path.parent for path in DATA.rglob("in.yaml"))
READERS = [False, True] if strict_yaml.CParser is not None else [False]


def _name(case: Path) -> str:
    return case.relative_to(DATA).as_posix()


def _json_documents(text: str) -> list[Any]:
    decoder = json.JSONDecoder(parse_float=Decimal)
    documents, index, text = [], 0, text.strip()
    while index < len(text):
        value, index = decoder.raw_decode(text, index)
        documents.append(value)
        while index < len(text) and text[index].isspace():
            index += 1
    return documents


def _core_number(text: str) -> int | Decimal | None:
    """What the YAML 1.2 core schema reads a plain scalar as, when it is a number."""
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"0o[0-7]+", text):
        return int(text[2:], 8)
    if re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text[2:], 16)
    if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", text):
        return Decimal(text)
    return None


def _same(ours: Any, theirs: Any) -> bool:
    """``ours`` (our reader) against ``theirs`` (YAML 1.2, as in.json has it)."""
    if isinstance(ours, bool) or ours is None or isinstance(theirs, bool) or theirs is None:
        return ours is theirs
    if isinstance(ours, dict):
        return (
            isinstance(theirs, dict)
            and ours.keys() == theirs.keys()
            and all(_same(ours[key], theirs[key]) for key in ours)
        )
    if isinstance(ours, list):
        return (
            isinstance(theirs, list) and len(ours) == len(theirs) and all(map(_same, ours, theirs))
        )
    if isinstance(ours, int):
        return type(theirs) is int and ours == theirs
    if isinstance(ours, str) and isinstance(theirs, int | Decimal):
        return _core_number(ours) == theirs
    if hasattr(ours, "isoformat"):
        return theirs == ours.isoformat()
    return ours == theirs


_EVENT_ESCAPES = {"\\n": "\n", "\\t": "\t", "\\\\": "\\", "\\r": "\r", "\\b": "\b"}


def _from_events(text: str) -> Any:
    """The value of a one-document test.event, plain scalars typed as our reader does."""
    stack: list[list[Any]] = [[]]
    for line in text.splitlines():
        kind = line[:4]
        if kind in ("+MAP", "+SEQ"):
            stack.append([kind])
        elif kind in ("-MAP", "-SEQ"):
            items = stack.pop()[1:]
            value = dict(zip(items[::2], items[1::2], strict=True)) if kind == "-MAP" else items
            stack[-1].append(value)
        elif kind == "=VAL":
            style, raw = line[5], re.sub(r"\\.", lambda m: _EVENT_ESCAPES[m.group()], line[6:])
            in_map = stack[-1][:1] == ["+MAP"] and len(stack[-1]) % 2 == 1
            plain = style == ":" and not in_map
            stack[-1].append(strict_yaml._plain_scalar(raw, 1, ()) if plain else raw)
    return stack[0][0]


def _outcome(text: str) -> tuple[str, Any, int | None]:
    try:
        return "read", load_mapping(text).data, None
    except StrictYAMLError as exc:
        return "refused", exc.message, exc.line


@pytest.fixture(params=READERS, ids=lambda fast: "libyaml" if fast else "reference")
def reader(request, monkeypatch) -> bool:
    monkeypatch.setattr(strict_yaml, "FAST", request.param)
    return request.param


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_case_is_refused_or_read_as_yaml_1_2_reads_it(case: Path, reader: bool) -> None:
    text = (case / "in.yaml").read_bytes().decode("utf-8")
    outcome, value, line = _outcome(text)
    if outcome == "refused":
        assert line is not None, value
        return
    assert not (case / "error").exists(), f"invalid YAML accepted: {value!r}"
    if (case / "in.json").exists():
        documents = _json_documents((case / "in.json").read_text(encoding="utf-8"))
        assert len(documents) == 1 and _same(value, documents[0]), (value, documents)
    else:
        assert value == _from_events((case / "test.event").read_text(encoding="utf-8"))


@pytest.mark.skipif(len(READERS) < 2, reason="PyYAML without LibYAML")
def test_libyaml_and_the_reference_agree_on_every_case(monkeypatch) -> None:
    texts = [(case / "in.yaml").read_bytes().decode("utf-8") for case in CASES]
    monkeypatch.setattr(strict_yaml, "FAST", False)
    reference = [_outcome(text) for text in texts]
    monkeypatch.setattr(strict_yaml, "FAST", True)
    assert [_outcome(text) for text in texts] == reference


def test_the_counts_of_the_readme() -> None:
    """tests/corpora/yaml-test-suite/README.md gives these counts; keep them in step."""
    outcomes = [_outcome((case / "in.yaml").read_bytes().decode("utf-8")) for case in CASES]
    read = sum(1 for outcome in outcomes if outcome[0] == "read")
    valid = sum(1 for case in CASES if not (case / "error").exists())
    assert (len(CASES), valid, read) == (402, 308, 68)
