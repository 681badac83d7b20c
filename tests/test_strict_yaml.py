"""The strict YAML reader never guesses a type."""

from __future__ import annotations

import contextlib
import json
from datetime import date

import pytest
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
        ("foo: |\n  x\n   ", "x\n \n"),  # the end of the text ends the last line
        ("foo: |\n  x", "x\n"),
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
