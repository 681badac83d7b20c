"""``parse-issue`` over the public fixtures of two other issue-form parsers.

The fixtures are copied verbatim under ``tests/corpora/`` (each folder's README names the
source commit, and lists the normalisations below: differences of convention only, such
as how fields are keyed or how empty answers are written). A fixture whose template and
body we deliberately read otherwise is listed with the reason, and what we do instead is
asserted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.issue_template import form_fields, load_template

CORPORA = Path(__file__).parent / "corpora"
GITHUB = CORPORA / "github-issue-parser" / "fixtures"
STEFANBUCK = CORPORA / "stefanbuck-github-issue-parser" / "fixtures"


def parse_issue(tmp_path: Path, template: dict, body: str, capsys) -> tuple[int, Any]:
    """Run the real ``parse-issue`` command: (exit status, parsed JSON or the error text)."""
    template_file = tmp_path / "template.yml"
    template_file.write_text(yaml.safe_dump(template, allow_unicode=True), encoding="utf-8")
    body_file = tmp_path / "body.md"
    body_file.write_text(body, encoding="utf-8")
    code = main(["parse-issue", "--template", str(template_file), str(body_file)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, (json.loads(out) if code == 0 else err)


def with_ids(template: dict, key) -> dict:
    """Normalisation 1: an id-less element gets the key the other parser gives it."""
    for element in template["body"]:
        if element.get("type") != "markdown" and not element.get("id"):
            element["id"] = key(element["attributes"]["label"])
    return template


def non_empty(values: dict) -> dict:
    """Normalisation: an empty answer (None, "", []) is the same as a field left out."""
    return {k: v for k, v in values.items() if v not in (None, "", [])}


# --- github/issue-parser ---------------------------------------------------------------


def github_key(label: str) -> str:
    """github/issue-parser's ``formatKey``."""
    key = re.sub(r"[^a-z0-9]", "_", label.strip().lower())
    return re.sub(r"_+", "_", key.strip("_"))


def from_github(values: dict, fields: dict[str, dict]) -> dict:
    """Normalisations 2 and 3: their dropdown lists and checkbox objects, in our shape."""
    ours = {}
    for key, value in values.items():
        field = fields[key]
        if field["type"] == "dropdown" and not field["multiple"]:
            assert len(value) <= 1
            value = value[0] if value else None
        elif field["type"] == "checkboxes":
            selected = value["selected"]
            assert value["unselected"] == [o for o in field["options"] if o not in selected]
            value = selected
        ours[key] = value
    return ours


GITHUB_SAME = {
    "example": "parsed-issue.json",
    "extra": "parsed-issue-template.json",
    "missing": "parsed-issue.json",
    "no-ids": "parsed-issue.json",
}
GITHUB_DIFFERENT = {
    # fixture: (the required section we name, why we differ)
    "blank": ("The Name of the Thing", "an empty body lacks the required section"),
    "header": ("The Name of the Thing", "a body without any section lacks the required one"),
    "invalid": (
        "This isn't a good issue",
        "its heading is `##`, not `###`, so the required section is missing",
    ),
}


def test_every_github_fixture_is_classified():
    assert sorted(p.name for p in GITHUB.iterdir()) == sorted(GITHUB_SAME | GITHUB_DIFFERENT)


@pytest.mark.parametrize("name", sorted(GITHUB_SAME))
def test_github_issue_parser_fixture(name, tmp_path, capsys):
    folder = GITHUB / name
    template = with_ids(load_template(folder / "template.yml"), github_key)
    fields = {f["id"]: f for f in form_fields(template)}
    expected = json.loads((folder / GITHUB_SAME[name]).read_text(encoding="utf-8"))

    code, parsed = parse_issue(
        tmp_path, template, (folder / "issue.md").read_text(encoding="utf-8"), capsys
    )

    assert code == 0, parsed
    assert non_empty(parsed) == non_empty(from_github(expected, fields))


@pytest.mark.parametrize("name", sorted(GITHUB_DIFFERENT))
def test_github_issue_parser_fixture_we_reject(name, tmp_path, capsys):
    folder = GITHUB / name
    label, _why = GITHUB_DIFFERENT[name]
    assert json.loads((folder / "parsed-issue.json").read_text(encoding="utf-8")) == {}

    code, error = parse_issue(
        tmp_path,
        load_template(folder / "template.yml"),
        (folder / "issue.md").read_text(encoding="utf-8"),
        capsys,
    )

    assert code == 1
    assert f"the required section “### {label}” is missing" in error


@pytest.mark.parametrize("name", sorted(p.name for p in GITHUB.iterdir()))
def test_github_issue_parser_template_fixture(name):
    folder = GITHUB / name
    template = with_ids(load_template(folder / "template.yml"), github_key)
    expected = json.loads((folder / "parsed-template.json").read_text(encoding="utf-8"))
    ours = {f["id"]: f for f in form_fields(template)}

    assert list(ours) == list(expected)
    for key, theirs in expected.items():
        field = ours[key]
        assert (field["label"], field["type"]) == (theirs["label"], theirs["type"])
        if field["type"] == "checkboxes":
            # Normalisation 5: a required option makes the section required for us.
            assert field["options"] == [o["label"] for o in theirs["options"]]
            required = theirs["required"] or any(o["required"] for o in theirs["options"])
            assert field["required"] is required
        else:
            assert field["required"] is theirs["required"]
        if field["type"] == "dropdown":
            assert (field["options"], field["multiple"]) == (theirs["options"], theirs["multiple"])


# --- stefanbuck/github-issue-parser ----------------------------------------------------


def stefanbuck_key(label: str) -> str:
    """stefanbuck/github-issue-parser's ``toKey`` for a label without an id."""
    return re.sub(r"\s", "_", re.sub(r"[^A-Za-z0-9_\s]", "", label.lower().strip()))


STEFANBUCK_SAME = [
    "blank",
    "full-example",
    "multiple-paragraphs",
    "paragraph-confusing-hashes",
    "paragraph-ignore-fence",
    "paragraph-ignore-fence-sh",
    "readme-example",
]
STEFANBUCK_DIFFERENT = {
    # fixture: (the required section we name, why we differ)
    "mismatched-parsing": (
        "What's your favorite dish?",
        "the body was made from another form: they key its sections by their headings",
    ),
}


def test_every_stefanbuck_fixture_is_classified():
    names = sorted(p.name for p in STEFANBUCK.iterdir())
    assert names == sorted([*STEFANBUCK_SAME, *STEFANBUCK_DIFFERENT])


def stefanbuck_body(folder: Path) -> str:
    body = folder / "issue-body.md"
    return body.read_text(encoding="utf-8") if body.exists() else ""  # blank: a null body


@pytest.mark.parametrize("name", STEFANBUCK_SAME)
def test_stefanbuck_github_issue_parser_fixture(name, tmp_path, capsys):
    folder = STEFANBUCK / name
    template = with_ids(load_template(folder / "form.yml"), stefanbuck_key)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))

    code, parsed = parse_issue(tmp_path, template, stefanbuck_body(folder), capsys)

    assert code == 0, parsed
    assert non_empty(parsed) == non_empty(expected)


@pytest.mark.parametrize("name", sorted(STEFANBUCK_DIFFERENT))
def test_stefanbuck_github_issue_parser_fixture_we_reject(name, tmp_path, capsys):
    folder = STEFANBUCK / name
    label, _why = STEFANBUCK_DIFFERENT[name]
    template = load_template(folder / "form.yml")
    labels = {f["label"] for f in form_fields(template)}
    body = stefanbuck_body(folder)
    assert not any(f"### {label}" in body for label in labels)

    code, error = parse_issue(tmp_path, template, body, capsys)

    assert code == 1
    assert f"the required section “### {label}” is missing" in error
