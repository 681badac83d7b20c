"""The strict YAML reader never guesses a type."""

from __future__ import annotations

from datetime import date

import pytest

from appel_a_communs.content.strict_yaml import StrictYAMLError, load_mapping, split_front_matter


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
