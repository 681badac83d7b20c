"""docs/reference.md: generated from the models, never stale, with every key of every model,
and examples that the real reader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO
from pydantic import BaseModel, Field

from appel_a_communs.commands import main
from appel_a_communs.content.kinds import CAMPAIGN_FILE, KINDS
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.content.models import Challenge, Pledge
from appel_a_communs.content.reading import read_page_meta
from appel_a_communs.content.settings import SiteSettings, setting_name
from appel_a_communs.content.types import Line
from appel_a_communs.vocabulary.labels import LABELS
from appel_a_communs.vocabulary.reference import (
    COMMAND,
    EXAMPLES,
    UnknownType,
    anchor,
    cell,
    headings,
    reference,
    sections,
)

DOC = REPO / "docs" / "reference.md"


def test_the_committed_reference_is_the_generated_one():
    committed = DOC.read_bytes() if DOC.is_file() else b""
    assert committed == reference().encode("utf-8"), f"docs/reference.md is stale: run {COMMAND}"


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The model and every model it holds, however deep."""
    found = [model]
    for info in model.model_fields.values():
        for sub in re.findall(r"[A-Za-z]+", repr(info.annotation)):
            nested = getattr(__import__("appel_a_communs.content.models").content.models, sub, None)
            if isinstance(nested, type) and issubclass(nested, BaseModel) and nested not in found:
                found.extend(m for m in _models(nested) if m not in found)
    return found


def test_every_key_of_every_model_has_its_row_in_its_section():
    text = reference()
    for section in sections():
        part = _section(text, section.title)
        models = _models(section.model)
        assert len(models) > 1 or section.title in ("Actors", "Pages"), section.title
        for model in models:
            for name, info in model.model_fields.items():
                if name == "body" and section.markdown and model is section.model:
                    assert info.description in part  # said in the intro, not a key
                    continue
                assert f"| `{name}` |" in part, (section.title, model.__name__, name)
                assert cell(info.description or "") in part, (model.__name__, name)
                for value in getattr(info.annotation, "__args__", ()):
                    if isinstance(value, str):
                        assert f"`{value}`" in part


def test_every_label_is_shown_beside_its_value():
    text = reference()
    for group in ("stage", "maturity", "need", "kind_one", "role", "decision", "challenge_status"):
        for value, label in LABELS[group].items():
            assert f"`{value}` ({label})" in text, (group, value)


def test_the_anchors_are_those_the_docs_link_to():
    text = reference()
    found = set(headings(text))
    for name in ("challenges", "commons", "actors", "pledges", "campaign-and-rounds", "reports",
                 "pages", "value-types", "site-settings", "page-addresses", "commons-needs",
                 "pledges-moneycondition", "campaign-and-rounds-matching"):  # fmt: skip
        assert name in found
    assert [s.title for s in sections()][:6] == [
        "Challenges", "Commons", "Actors", "Pledges", "Campaign and rounds", "Reports"
    ]  # fmt: skip
    assert len(sections()) == len(KINDS) + 1  # and the pages
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links and links <= found, links - found
    assert anchor("Commons: `budget.lines[]`") == "commons-budgetlines"


def test_a_field_added_to_a_model_appears_with_its_words():
    class Wider(Challenge):
        jury_notes: Line | None = Field(None, description="Notes | for the jury.")
        level: int | None = None

    section = sections()[0]
    with pytest.raises(UnknownType, match="level"):
        reference([type(section)(**{**section.__dict__, "model": Wider})])

    class Wide(Challenge):
        jury_notes: list[Line] = Field(min_length=2, description="Notes | for the jury.")

    text = reference([type(section)(**{**section.__dict__, "model": Wide})])
    row = next(line for line in text.splitlines() if line.startswith("| `jury_notes` |"))
    assert row == (
        "| `jury_notes` | list of [lines of text](#value-types) | yes |  | at least 2 items "
        "| Notes \\| for the jury. |"
    )
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # the escaped pipe makes no column


def test_every_site_setting_is_listed():
    text = _section(reference(), "Site settings")
    for name, info in SiteSettings.model_fields.items():
        if name == "urls":
            assert "`CATALOGUE_COMMON_URL` | `communs/{slug}/` | yes |" in text
            continue
        assert setting_name(name) in text or name == "theme_static_dir"
        assert cell(info.description or "x") in text
    assert "`CATALOGUE_MAX_FILE_SIZE` | whole number | `1000000` | more than 0 |" in text


def _write(folder: Path, examples) -> None:
    for example in examples:
        path = folder / example.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example.text, encoding="utf-8")


def test_the_examples_are_a_valid_call_read_by_the_real_reader(tmp_path):
    text = reference()
    every = [e for examples in EXAMPLES.values() for e in examples]
    for example in every:
        assert f"`content/{example.path}`:\n\n```" in text
        assert example.text in text
    call = tmp_path / "call" / "content"
    _write(call, [e for e in every if e.path != CAMPAIGN_FILE and not e.path.startswith("pages/")])
    catalogue = load_catalogue(call)
    for folder in KINDS:
        written = {
            Path(e.path).relative_to(folder).with_suffix("").as_posix()
            for e in EXAMPLES[folder]
            if e.path.startswith(folder)
        }
        assert set(getattr(catalogue, folder)) == written, folder
    pledges = catalogue.pledges.values()
    assert {p.role for p in pledges} == {"funder", "maintainer"}
    assert all(isinstance(p, Pledge) for p in pledges)
    one_round = tmp_path / "one" / "content"
    _write(one_round, [e for e in every if e.path == CAMPAIGN_FILE])
    campaign = load_catalogue(one_round).campaign
    assert campaign is not None and campaign.sealed
    for example in EXAMPLES["pages"]:
        _write(tmp_path / "pages", [example])
        meta, body = read_page_meta(tmp_path / "pages" / example.path)
        assert meta.slug == Path(example.path).stem and body.strip()


def test_the_command_writes_prints_and_checks(tmp_path, capsys):
    out = tmp_path / "docs" / "reference.md"
    assert main(["reference", "--output", str(out), "--check"]) == 1
    assert "Out of date (run appel-a-communs reference --output" in capsys.readouterr().out
    assert not out.exists()
    assert main(["reference", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == reference()
    assert main(["reference", "--output", str(out), "--check"]) == 0
    out.write_text(reference().replace("| `title` |", "| `titre` |", 1), encoding="utf-8")
    assert main(["reference", "--output", str(out), "--check"]) == 1
    capsys.readouterr()
    assert main(["reference"]) == 0
    assert capsys.readouterr().out == reference()
    assert main(["reference", "--check"]) == 2
