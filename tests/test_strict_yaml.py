"""The strict YAML reader never guesses a type."""

from __future__ import annotations

import contextlib
import json
from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appel_a_communs.content import strict_yaml
from appel_a_communs.content.strict_yaml import (
    MAX_DEPTH,
    StrictYAMLError,
    load_json,
    load_mapping,
    split_front_matter,
)
from appel_a_communs.i18n import Message, translate, translations


def test_only_unambiguous_scalars_are_typed():
    doc = load_mapping(
        "a: NO\nb: 01000\nc: 1:30\nd: .nan\ne: 2026-01-02\nf: 12\ng: true\nh: 1e3\n"
        "i:\nj: '12'\nk: yes\nl: 2500.50\nm: -0\nn: 0x1F\n"
    )
    assert doc.data == {
        "a": "NO",
        "b": "01000",
        "c": "1:30",
        "d": ".nan",
        "e": date(2026, 1, 2),
        "f": 12,
        "g": True,
        "h": "1e3",
        "i": None,
        "j": "12",
        "k": "yes",
        "l": "2500.50",
        "m": 0,
        "n": "0x1F",
    }


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("a: &x 1\nb: *x\n", "anchors (&x)", 1),
        ("a: 1\nb: *x\n", "aliases (*x)", 2),
        ("a: !!int 3\n", "tags", 1),
        ("a: !custom 3\n", "tags", 1),
        ("<<: {a: 1}\n", "merge keys", 1),
        ("a: 1\nb:\n  c: 1\n  c: 2\n", "duplicate key 'c'", 4),
        ("d: 2026-02-30\n", "not a valid date", 1),
        ("- 1\n", "expected a mapping", 1),
        ("a: [1\n", "invalid YAML", 2),
        ("? [a, b]\n: 1\n", "keys must be plain text", 1),
    ],
)
def test_refusals_say_what_and_where(text, words, line):
    with pytest.raises(StrictYAMLError) as info:
        load_mapping(text)
    assert words in info.value.message
    assert info.value.line == line


def test_nested_error_paths_and_front_matter_lines():
    with pytest.raises(StrictYAMLError) as info:
        load_mapping("x:\n  - a: 1\n    b: &y 2\n", first_line=2)
    assert info.value.path == ("x", 0, "b") and info.value.line == 4
    yaml_text, body, first = split_front_matter("---\ntitle: T\n---\nCorps\n")
    assert (yaml_text, body, first) == ("title: T\n", "Corps\n", 2)
    with pytest.raises(StrictYAMLError, match="must start with a line '---'"):
        split_front_matter("title: T\n")


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\u2028", "\x85"])
def test_front_matter_lines_end_at_line_breaks_only(separator):
    """str.splitlines ends lines at these too: a '---' after one must not close the block."""
    yaml_text, body, _ = split_front_matter(f"---\ntitle: a{separator}---\nb: 1\n---\nCorps\n")
    assert yaml_text == f"title: a{separator}---\nb: 1\n" and body == "Corps\n"
    assert split_front_matter("---\rtitle: T\r---\rCorps")[:2] == ("title: T\n", "Corps")


# --- issue 14: every text gives a value or a StrictYAMLError, the same with LibYAML ---------

# Fragments of YAML syntax, so that generated texts reach the scanner's corners.
FRAGMENTS = st.sampled_from(
    [
        "a", "b c", "1", "007", "-1", "x:y", "t#u", "é", "~", "true", "2026-01-02", "1.5",
        ": ", ":", "- ", "-", "\n", "\n", "  ", " ", "\t", "#", " # c", "'", '"', "''",
        "[", "]", "{", "}", ", ", ",", "?", "? ", "|", ">", "|-", "|+", ">2", "\\", "\\n",
        "\\u00e9", "\\ud800", "!", "! ", "&a ", "*a", "%YAML 1.2", "---", "...", "\r\n",
        "\u2028", "\ufeff", "\x07", "<<", "9" * 120,
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=60), st.lists(FRAGMENTS, max_size=25).map("".join))


def _outcome(text: str, fast: bool) -> tuple:
    strict_yaml.FAST = fast
    try:
        document = strict_yaml.load_mapping(text)
        return ("read", document.data, document.lines)
    except StrictYAMLError as exc:
        assert exc.line is None or exc.line >= 1
        return ("refused", exc.message, exc.line)
    finally:
        strict_yaml.FAST = strict_yaml.CParser is not None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_any_text_gives_a_value_or_a_strict_error_the_same_with_libyaml(text):
    reference = _outcome(text, fast=False)
    if strict_yaml.CParser is not None:
        assert _outcome(text, fast=True) == reference


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(st.sampled_from(
    ['{', '}', '[', ']', '"a"', '"\\ud800"', ':', ',', '1', '1.5', "1e999", "NaN", "9" * 120,
     "null", "true", ' ', '\n', '"', '\\']), max_size=25).map("".join)))  # fmt: skip
def test_any_json_gives_a_value_or_a_strict_error(text):
    with contextlib.suppress(StrictYAMLError):
        load_json(text)


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("a:\n" + "".join("  " * i + "-\n" for i in range(1, 1000)), "nested more than", 101),
        ("a: " + "[" * 5000 + "\n", "nested more than", 1),
        ("a: " + "{b: " * 2000 + "\n", "nested more than", 1),
        ("a: " + "9" * 5000 + "\n", "more than 100 digits", 1),
        ("a: ! 12\n", "tags (!)", 1),
        ("a: [?x]\n", "'?' followed by text", 1),
        ("a: {:x}\n", "':' followed by text", 1),
        ('key: "value"# comment\n', "comment (#) must be separated", 1),
        ("block: >#c\n  x\n", "invalid YAML", 1),
        ("flow: [a,\nb]\n", "indented more than its key", 2),
        ("x:\n  flow: [a,\n  b]\n", "indented more than its key", 3),
        ('quoted: "a\nb"\n', "indented more than its key", 2),
        ('quoted: "a\n\tb"\n', "indented more than its key", 2),
        ("a: >\n \n  \n   \n # c\n", "blank line before the text", 5),
        ("a:\n|\n x\n", "on the line of its key", 2),
        ("a: |2\n   x\n", "indentation indicators", 1),
        ("a: |\nb: 1\n", "without text", 1),
        ("a: |\n  x\n   ", "ends the file on a line of spaces", 3),
        ("~: 1\n", "key is missing", 1),
        ("a: 1\n---\nb: 2\n", "second YAML document", 2),
        ("a: b\u2028c\n", "line separator", 1),
        ('a: "\\ud800"\n', "lone surrogate", 1),
        ("%YAML 1.2\n---\na: 1\n", "directives", 1),
        ("a: 1\x07\n", "U+0007", 1),
    ],
)
def test_issue_14_refusals_name_the_line(text, words, line):
    for fast in (False, True):
        outcome = _outcome(text, fast)
        assert outcome[0] == "refused" and words in outcome[1], (fast, outcome)
        assert outcome[2] == line


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("foo: |\n  x", "x"),  # YAML 1.2: at the end of the file, no line break to keep
        ("foo: |-\n  x", "x"),
        ("foo: |+\n  x\n   \n\n", "x\n \n\n"),
        ("foo: [a, b]\n", ["a", "b"]),
        ("foo: [a:1]\n", ["a:1"]),
        ('foo: {"a":1}\n', {"a": 1}),
        ("foo: R&D *gras* C# x!\n", "R&D *gras* C# x!"),
        ("foo: a\r\n  b\r\n", "a b"),
        ('foo: "a\n  b"\n', "a b"),
    ],
)
def test_values_as_yaml_1_2_reads_them(text, value):
    for fast in (False, True):
        assert _outcome(text, fast)[1] == {"foo": value}


def test_deep_json_and_long_numbers_are_strict_errors():
    for text, words in [
        ("[" * 100_000 + "]" * 100_000, "nested more than"),
        ('{"a": ' + "1" * 5000 + "}", "more than 100 digits"),
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": "\\udc00"}', "lone surrogate"),
        ('{"a": NaN}', "NaN"),
        ('{"a":\n}', "invalid JSON"),
    ]:
        with pytest.raises(StrictYAMLError, match=words):
            load_json(text)
    assert load_json('{"a": [1, "x", 2.50, null]}') == {"a": [1, "x", "2.50", None]}
    assert json.loads("[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) == load_json(
        "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    )


# --- block texts at the end of the file (YAML 1.2's chomping, "end of file" included) --------

LIBYAML = getattr(yaml, "CSafeLoader", None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the last line break, if there is one, is kept (|, >, |+) or not (|-)
        ("foo: |\n  x\n", "x\n"),
        ("foo: |\n  x", "x"),
        ("foo: |-\n  x\n", "x"),
        ("foo: |-\n  x", "x"),
        ("foo: |+\n  x\n", "x\n"),
        ("foo: |+\n  x", "x"),
        ("foo: >\n  x\n  y\n", "x y\n"),
        ("foo: >\n  x\n  y", "x y"),
        ("foo: >-\n  x\n  y", "x y"),
        ("foo: >+\n  x\n  y", "x y"),
        # trailing empty lines: kept by |+ only; spaces up to the indentation are not text
        ("foo: |\n  x\n\n", "x\n"),
        ("foo: |+\n  x\n\n", "x\n\n"),
        ("foo: |+\n  x\n\n  ", "x\n\n"),
        ("foo: |\n  x\n  ", "x\n"),
        ("foo: |\n  x  ", "x  "),
        ("foo: |-\n  x\n   ", "x\n "),  # stripped: every reader agrees
    ],
)
def test_block_texts_at_the_end_of_the_file_as_yaml_1_2_says(text, value):
    for fast in (False, True):
        assert _outcome(text, fast)[1] == {"foo": value}, (fast, text)
    if LIBYAML is not None:
        assert yaml.load(text, Loader=LIBYAML) == {"foo": value}


@pytest.mark.parametrize("header", ["|", "|+", ">", ">+"])
def test_a_last_line_of_spaces_that_would_keep_its_break_is_refused(header):
    """YAML 1.2 and LibYAML read "x\\n " (no line break at the end of the file), the YAML
    test suite (L24T) "x\\n \\n": readers disagree, so the reader refuses it."""
    text = f"foo: {header}\n  x\n   "
    for fast in (False, True):
        outcome = _outcome(text, fast)
        assert outcome[0] == "refused" and "a line of spaces" in outcome[1], outcome
        assert outcome[2] == 3


# --- refusals are messages the reports translate -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'key: "value"# comment\n',
        "flow: [a,\nb]\n",
        "a: [?x]\n",
        "a: {:x}\n",
        "a: |2\n   x\n",
        "a:\n|\n x\n",
        "a: |\nb: 1\n",
        "a: >\n \n  \n   \n # c\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: |\n  x\n   ",
        'quoted: "a\nb"\n',
    ],
)
def test_the_reader_s_own_refusals_are_translated(text):
    french = translations("fr")
    for fast in (False, True):
        outcome = _outcome(text, fast)
        message = outcome[1]
        assert isinstance(message, Message) and "invalid YAML" not in message, outcome
        assert translate(message, french) != message, message


# --- a syntax error found by LibYAML: the text is not read twice -----------------------------


def _count_readers(monkeypatch) -> list[tuple[str, int]]:
    """Each reader made, with the length of the text it is given."""
    made: list[tuple[str, int]] = []

    def counting(name, cls):
        def make(text):
            made.append((name, len(text)))
            return cls(text)

        return make

    monkeypatch.setattr(
        strict_yaml, "_StrictParser", counting("reference", strict_yaml._StrictParser)
    )
    monkeypatch.setattr(strict_yaml, "CParser", counting("libyaml", strict_yaml.CParser))
    return made


@pytest.mark.skipif(strict_yaml.CParser is None, reason="PyYAML without LibYAML")
def test_a_late_syntax_error_is_parsed_once(monkeypatch):
    text = "".join(f"k{i}: v\n" for i in range(90_000)) + "b: c: d\n"
    made = _count_readers(monkeypatch)
    with pytest.raises(StrictYAMLError) as info:
        load_mapping(text)
    assert (info.value.line, info.value.message) == (
        90_001,
        "invalid YAML: mapping values are not allowed here",  # the reference's words
    )
    assert made[0] == ("libyaml", len(text))
    assert sum(size for name, size in made if name == "reference") < 1000, made


LATE = [
    "k{n}: v\nk0: again\n",  # a duplicate of a key far above
    "k{n}: [a, b\n",
    "k{n}:\n  a: 1\n   b: 2\n",
    "k{n}:\n  - a\n  b: c\n",
    "k{n}: |\n  text\n more\n",
    "k{n}: 'it's'\n",
    'k{n}: "a\\qb"\n',
    "k{n}: a\n  b: c\n",
    "k{n}:\n  deep: {a: [b, {c: d}]}\n  x: ]\n",
    "k{n}: &a x\nz: *a\n",
    "k{n}: @x\n",
    "k{n}: v\nk{n}: w: x\n",
]


@pytest.mark.skipif(strict_yaml.CParser is None, reason="PyYAML without LibYAML")
@pytest.mark.parametrize("window", [0, 1, 20])
@pytest.mark.parametrize("tail", LATE)
def test_late_errors_are_the_reference_s_with_any_window(monkeypatch, tail, window):
    """The lines read again around LibYAML's error give the reference's message and line,
    however few lines the first window holds, whatever comes after the error."""
    monkeypatch.setattr(strict_yaml, "_WINDOW", window)
    body = "".join(f"k{i}:\n  a: [1, 2]\n  b: |\n    t\n" for i in range(60))
    for after in ("", "z1: 1\nz2:\n  - x\n", "z1: ]\n" * 30):
        text = body + tail.replace("{n}", "60") + after
        assert _outcome(text, fast=True) == _outcome(text, fast=False), text[-200:]


ENTRIES = st.sampled_from(
    [
        "k: v\n", "k:\n  a: 1\n  b: [x, y]\n", "k: |\n  text\n   more\n\n", "k:\n- a\n- b: c\n",
        "k: >\n  folded\n", "k: 'q''s'\n", 'k: "d" # c\n', "# comment\n", "\n", "k: a\n  b\n",
        "k: {a: b}\n", "k: &a x\n", "k: *a\n", "k0: dup\n",
    ]
)  # fmt: skip
LINES = st.lists(
    st.one_of(
        ENTRIES, ENTRIES, ENTRIES, st.lists(FRAGMENTS, max_size=8).map(lambda f: "".join(f) + "\n")
    ),
    min_size=1,
    max_size=40,
).map(lambda lines: "".join(line.replace("k", f"k{i}", 1) for i, line in enumerate(lines)))


@pytest.mark.skipif(strict_yaml.CParser is None, reason="PyYAML without LibYAML")
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES, st.sampled_from([0, 1, 3]))
def test_long_texts_with_errors_give_the_reference_s_result(text, window):
    strict_yaml._WINDOW, before = window, strict_yaml._WINDOW
    try:
        assert _outcome(text, fast=True) == _outcome(text, fast=False)
    finally:
        strict_yaml._WINDOW = before


# --- JSON errors name their line ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ('{\n  "a": 1,\n  "b": ' + "1" * 200 + "\n}", "more than 100 digits", 3),
        ('{\n  "a": 1.' + "5" * 200 + ',\n  "b": -' + "9" * 101 + "\n}", "more than 100 digits", 3),
        ('{\n  "a": 1,\n  "b": [\n    NaN\n  ]\n}', "NaN is not allowed", 4),
        ('{\n  "a": "-Infinity",\n  "b": -Infinity\n}', "-Infinity is not allowed", 3),
        ('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}', "duplicate key 'a'", 4),
        # an inner object closes first: its duplicate is the one json.loads meets
        ('{\n  "a": 1,\n  "a": {\n    "x": 1,\n    "x": 2\n  }\n}', "duplicate key 'x'", 5),
        ('{"a": {"a": 1},\n "b": {"a": 1},\n "\\u0061": 2}', "duplicate key 'a'", 3),
        ('[\n  "ok",\n  {"k": "\\ud800"}\n]', "lone surrogate", 3),
        ('[\n  "ok",\n  {"\\udc00": 1}\n]', "lone surrogate", 3),
    ],
)
def test_json_errors_name_their_line(text, words, line):
    with pytest.raises(StrictYAMLError, match=words) as info:
        load_json(text)
    assert info.value.line == line
