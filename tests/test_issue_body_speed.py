"""Reading an issue body takes work in proportion to its size, whatever it holds.

GitHub bodies are at most 65 536 characters, and anyone can open an issue: a body made of
comments, headings, fences or code spans must not make the section search re-read the
text for every pair of candidate headings. The work is counted, not timed: the walks'
steps and the lines given to ``strip_comments``, for bodies of each adversarial kind at
two sizes. And the shortcut the search takes is checked against the plain reading.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appel_a_communs.submissions import issue_body, issue_comments
from appel_a_communs.submissions.issue_body import _fits, _value, parse_issue_body
from appel_a_communs.submissions.issue_comments import BodyLines
from appel_a_communs.submissions.issue_forms import issue_form
from appel_a_communs.submissions.issue_template import IssueFormError, form_fields

GITHUB_MAX_BODY = 65536
PLEDGE = issue_form("pledge")
LABELS = [f["label"] for f in form_fields(PLEDGE)]
ORGANISATION, COMMON, ROLE, AMOUNT, THRESHOLD = LABELS[:5]
SKILLS, MEANS, NOTE = LABELS[7], LABELS[8], LABELS[-1]
INPUTS = [f["label"] for f in form_fields(PLEDGE) if f["type"] == "input"]
REPEATS = "\n".join([f"### {AMOUNT}", "a<!---->", f"### {THRESHOLD}", "b<!---->"] * 25)


def github_body(values: dict[str, str]) -> str:
    return "\n\n".join(f"### {label}\n\n{values.get(label, '_No response_')}" for label in LABELS)


def filled(values: dict[str, str], label: str, unit: str, tail: str, size: int) -> str:
    """The body with the value of ``label`` padded with ``unit`` to ``size`` characters."""
    values = {ORGANISATION: "ville", COMMON: "covoit", **values}
    head = values.get(label, "")
    room = size - len(github_body({**values, label: head + tail}))
    body = github_body({**values, label: head + unit * (room // len(unit)) + tail})
    return body + "z" * (size - len(body))


def nested(make) -> str:
    return "\n".join(make(i) for i in range(25)) + "\n"


KINDS = {  # (values, padded label, unit, tail)
    # A textarea of comments (the search used to rebuild its text for every comment).
    "comment lines": ({}, NOTE, "x<!---->\n", ""),
    # 50 headings of inputs typed in the note, between comments.
    "repeated headings": ({NOTE: REPEATS + "\n"}, NOTE, "y<!---->\n", ""),
    # The same, with the comments in an earlier textarea that the candidate sections span.
    "spanning sections": ({NOTE: REPEATS}, SKILLS, "y<!---->\n", ""),
    "many headings": (
        {NOTE: nested(lambda i: f"### {INPUTS[i % len(INPUTS)]}\n5")},
        NOTE,
        "w\n",
        "",
    ),
    "commented-out headings": (
        {NOTE: nested(lambda i: f"<!--\n### {INPUTS[i % len(INPUTS)]}\n-->")},
        SKILLS,
        "<!---->\n",
        "",
    ),
    "one long line of comments": ({NOTE: REPEATS + "\n"}, AMOUNT, "<!---->", ""),
    "one long line of backslashes": ({NOTE: REPEATS + "\n"}, SKILLS, "\\", ""),
    "many fences": ({NOTE: REPEATS + "\n"}, SKILLS, "```\n<!---->\n```\n", ""),
    "fences of falling length": (
        {
            NOTE: nested(
                lambda i: f"### {AMOUNT}\n{'`' * (60 - i)}\n### {THRESHOLD}\n{'~' * (60 - i)}"
            )
        },
        NOTE,
        "<!---->\n",
        "",
    ),
    "code spans left open across headings": (
        {NOTE: nested(lambda i: f"### {AMOUNT}\n{'`' * (i + 1)} x\n### {THRESHOLD}\n<!---->")},
        NOTE,
        "<!---->\n",
        "\n" + " ".join("`" * (i + 1) for i in range(25)),
    ),
    "an open fence in a textarea": (
        {MEANS: "````", NOTE: REPEATS + "\n"},
        SKILLS,
        "q<!---->\n",
        "",
    ),
    "a comment across the headings": ({ROLE: "<!--", NOTE: REPEATS + "\n"}, SKILLS, "c\n", "\n-->"),
}


def work(monkeypatch, body: str) -> int:
    """Steps of the section search and lines re-read, while parsing ``body``."""
    count = 0

    def counted(function, weight=lambda *args: 1):
        def wrapper(*args, **kwargs):
            nonlocal count
            count += weight(*args)
            return function(*args, **kwargs)

        return wrapper

    with monkeypatch.context() as patch:
        for name in ("literal", "rest", "event"):
            patch.setattr(issue_comments._Walk, name, counted(getattr(issue_comments._Walk, name)))
        patch.setattr(issue_body, "_fits", counted(issue_body._fits))
        strip = issue_body.strip_comments
        patch.setattr(issue_body, "strip_comments", counted(strip, lambda lines: len(lines)))
        with contextlib.suppress(IssueFormError):
            parse_issue_body(PLEDGE, body)
    return count


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_work_grows_with_the_body_not_with_its_square(monkeypatch, kind):
    half, full = (filled(*KINDS[kind], size) for size in (GITHUB_MAX_BODY // 2, GITHUB_MAX_BODY))
    assert len(full) == GITHUB_MAX_BODY
    small, large = work(monkeypatch, half), work(monkeypatch, full)
    assert large <= 2.2 * small + 2000, (small, large)
    assert large <= 2 * GITHUB_MAX_BODY, large  # a few steps per line or escape


SECTION_LINES = ["", " ", "a", "A", "B", "A, B", "None", "_No response_", "- [X] A", "- [ ] B",
                 "- [x] A", "### Un", "### Autre", "```", "````", "```js", "``` a`", "~~~", "`",
                 "``", "`a`", "<!--", "-->", "<!---->", "<!-- x -->", "\\", "\\`", "\\<!--",
                 "x<!--", "--> y", "\u00a0"]  # fmt: skip
FRAGMENTS = st.sampled_from([*SECTION_LINES, "`", "<!--", "-->", " ", "a", "\\"])
FIELDS = [
    {"id": "one", "type": "input", "label": "Un", "options": [], "multiple": False},
    {"id": "pick", "type": "dropdown", "label": "Deux", "options": ["A", "B", "A, B"]},
    {"id": "picks", "type": "dropdown", "label": "Deux", "options": ["A", "B", "A, B"]},
    {"id": "boxes", "type": "checkboxes", "label": "Trois", "options": ["A", "B"]},
]
for _field, _multiple in zip(FIELDS, [False, False, True, False], strict=True):
    _field.update(required=False, multiple=_multiple, render=None)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.lists(FRAGMENTS, max_size=4).map("".join), max_size=16),
    order=st.randoms(use_true_random=False),
)
def test_the_search_tells_valid_sections_as_reading_them_does(lines, order):
    body = BodyLines(lines)
    sections = [
        (field, start, until)
        for field in FIELDS
        for start in range(len(lines) + 1)
        for until in range(start, len(lines) + 1)
    ]
    order.shuffle(sections)  # walks are shared: any order of questions gives the same answers
    for field, start, until in sections:
        try:
            _value(field, lines[start:until])
            fits = True
        except IssueFormError:
            fits = False
        assert _fits(body, field, start, until, ()) == fits, (field["id"], start, until)
