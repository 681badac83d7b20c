"""The strict YAML reader's shortcuts (issue 25, loading): each reads what it reads exactly
as the full way does, the same value, the same lines in the same order, the same refusal.

- ``_plain_scalar`` returns at once a plain scalar that cannot be anything but text;
  ``_typed_plain_scalar`` is the full typing.
- ``_Builder.walk`` handles LibYAML's common events in one loop; ``_Builder.feed`` is the
  full handling of one event.
- ``_read_simple`` reads the simplest texts (mappings of one-line texts) line by line;
  the other readers read the rest, and the reference (``FAST`` off) reads everything.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appel_a_communs.content import strict_yaml
from appel_a_communs.content.strict_yaml import StrictYAMLError

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))

TRICKY_SCALARS = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~-_.+=/\\$^;<(é",
    "", "yes", "no", "NO", "on", "off", "y", "n", "true", "True", "TRUE", "tRUE", "false",
    "False", "FALSE", "null", "Null", "NULL", "nULL", "nil", "None", "~", "~~", "0x1", "0o7",
    "0b1", "1_000", "+1", "-1", "-0", "0", "00", "01000", "-01", "--1", "1-", ".inf", "-.inf",
    ".nan", ".NaN", "1e3", "1.5", "2500.50", "1:30", "2026-01-01", "2026-02-30", "2026-1-01",
    "20260-01-01", "2026-01-01T10:00", "9" * 100, "9" * 101, "-" + "9" * 100, "-" + "9" * 101,
    '"quoted"', "'quoted'", "a: b", "a b", "Développement", "acteur-2", "t", "f", "nu", "n0",
    "<<", "=", "٣", "１",
]  # fmt: skip


def _typed(function, value):
    try:
        return ("value", function(value, 3, ("k",)))
    except StrictYAMLError as exc:
        return ("refused", exc.message, exc.line, exc.path)


@pytest.mark.parametrize("value", TRICKY_SCALARS)
def test_a_plain_scalar_s_shortcut_gives_the_full_typing_s_value(value):
    fast = _typed(strict_yaml._plain_scalar, value)
    full = _typed(strict_yaml._typed_plain_scalar, value)
    assert fast == full and type(fast[1]) is type(full[1])


def test_the_shortcut_passes_every_typed_value_on():
    """Every scalar that the full typing makes other than text, or refuses, starts with one
    of the characters the shortcut leaves to it."""
    for value in TRICKY_SCALARS:
        if _typed(strict_yaml._typed_plain_scalar, value) != ("value", value):
            assert not value or value[0] in strict_yaml._TYPED_START, value


# --- the walk over LibYAML's events, against feeding them one by one -------------------------

libyaml = pytest.mark.skipif(strict_yaml.CParser is None, reason="PyYAML without LibYAML")


def _built(text: str, walk: bool) -> tuple:
    builder = strict_yaml._Builder()
    try:
        if walk:
            builder.walk(strict_yaml.CParser(text))
        else:
            for event in strict_yaml._events(strict_yaml.CParser(text)):
                builder.feed(event)
    except StrictYAMLError as exc:
        return ("refused", type(exc), exc.message, exc.line, exc.path, list(builder.lines.items()))
    except Exception as exc:  # LibYAML's own errors, compared by their text
        return ("error", type(exc), str(exc), list(builder.lines.items()))
    return ("read", builder.root, list(builder.lines.items()), builder.documents)


WALKED = [
    "a: b\nc: 'd'\ne: \"f\"\ng:\n",
    "a:\n  - x\n  - 'y'\n  - \"z\"\n  - 12\n  - 2026-01-01\n  -\n  - [1, {b: c}]\n",
    "a:\n  b:\n    c: 1\n  d: [x, y]\n  e: {}\n  f: []\n",
    "'a': 1\n\"b\": 2\nc d: 3\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n  'b': 2\n",
    "~: 1\n",
    "null: 1\n",
    "'null': 1\n",
    "'': 1\n",
    "<<: {a: 1}\n",
    "'<<': 1\n",
    "a: &x 1\n",
    "&x a: 1\n",
    "a: !t 1\n",
    "!t a: 1\n",
    "a: &x [1]\n",
    "a: !t {b: 1}\n",
    "a: [&x 1]\n",
    "a: [!t 1]\n",
    "a: 1\nb: *x\n",
    "a: [*x]\n",
    "*x : 1\n",
    '"\\ud800": 1\n',
    'a: "\\ud800"\n',
    'a: ["\\udc00"]\n',
    "a: |\n  text\n",
    "a: >\n  text\n",
    "a: |\nb: 1\n",
    "a:\n  - |\n    text\n  - >-\n    folded\n",
    "a:\n  - |\n  - b\n",
    "a: 2026-02-30\n",
    "a: [2026-02-30]\n",
    "a: " + "9" * 101 + "\n",
    "a: [" + "9" * 101 + "]\n",
    "? [a, b]\n: 1\n",
    "? {a: b}\n: 1\n",
    "a: 1\n---\nb: 2\n",
    "- 1\n",
    "just text\n",
    "a: " + "[" * 99 + "]" * 99 + "\n",
    "a: " + "[" * 100 + "]" * 100 + "\n",
    "a: " + "{b: " * 99 + "}" * 99 + "\n",
    "a: " + "{b: " * 100 + "}" * 100 + "\n",
    "a: [1\n",
    "a: b: c\n",
]


@libyaml
@pytest.mark.parametrize("text", WALKED)
def test_the_walk_builds_what_feeding_each_event_builds(text):
    assert _built(text, walk=True) == _built(text, walk=False)


# --- the simplest texts, read line by line --------------------------------------------------


def _outcome(text: str, fast: bool) -> tuple:
    strict_yaml.FAST = fast
    try:
        document = strict_yaml.load_mapping(text)
        return ("read", document.data, list(document.lines.items()))
    except StrictYAMLError as exc:
        return ("refused", exc.message, exc.line, exc.path)
    finally:
        strict_yaml.FAST = strict_yaml.CParser is not None


SIMPLE = [
    "actor: acteur-2\ncommon: commun-315\ndate: 2026-01-24\nmoney:\n  amount: '1630'\n",
    "a:\n  b:\n    c: 1\n  d: x\ne: ~\n",
    "a:\nb:\n",
    "a: \"q\"\nb: ''\nc: \"\"\nd: 'it is'\n",
    "name: Acteur 1\nkind: company\ndescription: Une organisation engagée dans les communs.\n",
    "a: 50% off\nb: C++ / 3 $\nc: a - b\nd: ...\ne: x---\nf: . x\ng: <<\nh: true\n",
    "true: 1\nyes: 2\nTrue_: 3\na-b: 4\n_x: 5\n",
    "a: 2026-02-30\nb: " + "9" * 101 + "\n",  # refused, the first of them
    "a:\n  b: " + "9" * 101 + "\nc: 2026-02-30\n",
]


@pytest.mark.parametrize("text", SIMPLE)
def test_simple_texts_are_read_line_by_line_as_the_reference_reads_them(text):
    with contextlib.suppress(StrictYAMLError):  # refused by the typing, the text read
        assert strict_yaml._read_simple(text) is not None
    assert _outcome(text, fast=True) == _outcome(text, fast=False)


NOT_SIMPLE = [
    "a: b",  # no line break at the end
    "\na: b\n",
    "# c\na: b\n",
    "a: b # c\n",
    "a: b\n\nc: d\n",
    "  a: b\n",
    "a:  \n",
    "a : b\n",
    "a:b\n",
    "a:\tb\n",
    "a: b\t\n",
    "a: b \n",
    "a: b\xa0\n",
    "a: -1\n",
    "a: - b\n",
    "a:\n- b\n",
    "a:\n  - b\n",
    "a: b\n  c\n",
    "a: b\n  c: d\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: 1\na: 2\n",
    "null: 1\n",
    "~: 1\n",
    "a: b: c\n",
    "a: b:c\n",
    "a: b#c\n",
    "a: [b]\n",
    "a: {b: c}\n",
    "a: b, c\n",
    "a: 'it''s'\n",
    "a: 'b' \n",
    'a: "b\\"c"\n',
    'a: "b\\n"\n',
    "a: 'b'c\n",
    "a: &x b\n",
    "a: *x\n",
    "a: !t b\n",
    "a: |\n  b\n",
    "a: >\n  b\n",
    "a: ?b\n",
    "a: %b\n",
    "a: @b\n",
    "a: `b\n",
    "---\na: b\n",
    "a: b\n---\n",
    "a: b\n...\n",
    "é: b\n",
    "\ufeffa: b\n",
    'a: "\tb"\n',
    "".join(f"{'  ' * i}k{i}:\n" for i in range(12)),
]


@pytest.mark.parametrize("text", NOT_SIMPLE)
def test_other_texts_are_left_to_the_other_readers(text):
    assert strict_yaml._read_simple(text) is None
    assert _outcome(text, fast=True) == _outcome(text, fast=False)


def test_the_benchmark_s_pledges_and_actors_are_simple(tmp_path):
    from bench import generate_call

    content = generate_call(tmp_path, commons=5, pledges=60)
    files = [*(content / "pledges").glob("*.yml"), *(content / "actors").glob("*.yml")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert strict_yaml._read_simple(text) is not None, text
        assert _outcome(text, fast=True) == _outcome(text, fast=False)


# texts near the line reader's edge: its lines, and the constructs it leaves to the others
INDENTS = st.sampled_from(["", "", "", " ", "  ", "  ", "   ", "    "])
KEYS = st.sampled_from(["a", "b", "a-b", "_c", "null", "true", "NULL", "k1", "a b", "'a'", "~"])
SEPARATORS = st.sampled_from([": ", ": ", ":", ":  ", ": \t", " : ", ":\t"])
VALUES = st.one_of(
    st.sampled_from([*TRICKY_SCALARS, "", "", "'x'", "'it''s'", '"x"', '"\\x41"', "a # c"]),
    st.text(alphabet=" -:#'\"ab1\t\\[]{},&*!|>?%@`.~é\xa0", max_size=6),
)
LINE = st.tuples(INDENTS, KEYS, SEPARATORS, VALUES).map("".join)
ODD_LINES = st.sampled_from(["", "# c", "- a", "  - a", "---", "  b", "...", " "])
NEAR = st.lists(st.one_of(LINE, LINE, LINE, ODD_LINES), min_size=1, max_size=12)
SCALARS = [v for v in TRICKY_SCALARS if v[:1] not in "\"'-<" and ":" not in v]


@st.composite
def _good(draw: st.DrawFn) -> list[str]:
    """Lines the line reader reads, nested as it may, but for a few duplicate keys, odd
    indentations and bad dates or numbers."""
    lines: list[str] = []
    indents = [0]  # the open mappings' indentations
    for number in range(draw(st.integers(1, 10))):
        indent = indents[-1]
        if lines and lines[-1].endswith(":") and draw(st.booleans()):
            indent = indents[-1] + draw(st.sampled_from([1, 2, 2, 4]))
            indents.append(indent)
        elif len(indents) > 1 and draw(st.booleans()):
            indents.pop()
            indent = indents[-1] - draw(st.sampled_from([0, 0, 0, 1]))
        key = draw(st.sampled_from(["a", "b", "c-d", "_e", "true", f"k{number}", f"k{number}"]))
        value = draw(st.one_of(st.just(""), st.sampled_from(SCALARS)))
        lines.append(f"{' ' * max(indent, 0)}{key}:" + (f" {value}" if value else ""))
    return lines


TEXTS = st.one_of(NEAR, _good()).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_texts_near_the_line_reader_s_edge_read_as_the_reference_reads_them(text):
    reference = _outcome(text, fast=False)
    try:
        simple = strict_yaml._read_simple(text)
    except StrictYAMLError as exc:
        assert reference == ("refused", exc.message, exc.line, exc.path)
    else:
        if simple is not None:
            document = strict_yaml.Document(simple.root, simple.lines)
            assert reference == ("read", document.data, list(document.lines.items()))
    assert _outcome(text, fast=True) == reference


# --- the refused characters, searched as one class -------------------------------------------


def test_the_one_class_finds_a_refused_character_where_the_full_pattern_does():
    """Every character, at a text's start and after it: the quick search and the full one
    agree on whether the text holds a refused character (a byte order mark only at the
    start is allowed, the quick search is started past it)."""
    quick, full = strict_yaml._ANY_REFUSED, strict_yaml._REFUSED_CHARACTER
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        for text in (char, "x" + char, char + "x"):
            start = 1 if text.startswith("\ufeff") else 0
            assert (quick.search(text, start) is None) == (full.search(text) is None), hex(code)
