"""The documentation's content examples are a valid call (docs/content.md), and the
README's own: the documentation cannot drift."""

from __future__ import annotations

import json
import re

from conftest import REPO, build_site

EXAMPLE = re.compile(
    r"\*\*An? \w+\*\*:[^`]*`content/([^`]+)`[^\n]*\n(?:\([^)]*\)\n)?\n```\w+\n(.*?)```", re.S
)


CONTENT = REPO / "docs" / "content.md"


def test_content_examples_build(tmp_path):
    examples = EXAMPLE.findall(CONTENT.read_text(encoding="utf-8"))
    assert [name.split("/")[0] for name, _ in examples] == [
        "challenges",
        "commons",
        "actors",
        "pledges",
    ]
    content = tmp_path / "content"
    for name, text in examples:
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    site = build_site(content, tmp_path / "out")
    (record,) = json.loads((site / "data/commons.json").read_text())
    assert (record["slug"], record["minimum"], record["stretch"]) == (
        "base-stationnements-velo",
        "12000.00",
        "20000.00",
    )
    # The example pledge is conditional on the minimum and on three funders: it waits.
    assert (record["secured"], record["pending"], record["skills_days"]) == (
        "0.00",
        "2500.00",
        "2.5",
    )


def test_readme_gives_the_two_commands_and_ci_runs_the_second():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && pelican && pelican --listen" in readme
    assert "pip install -e '.[test]' && pytest" in readme
    ci = (REPO / ".ci" / "run").read_text()
    assert "\npip install -e '.[test]' && pytest\n" in ci


def test_content_round_examples_are_valid():
    """The two YAML examples of "A call that runs for years" are read as the build reads them."""
    from appel_a_communs.content.models import Common, Round
    from appel_a_communs.content.strict_yaml import load_mapping

    text = CONTENT.read_text(encoding="utf-8")
    section = text[text.index("## A call that runs for years: rounds") :]
    round_text, common_text = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    round_ = Round.model_validate({"slug": "2026-2027", **load_mapping(round_text).data})
    assert round_.reviews and round_.eligibility and round_.eligibility.min_working_group == 2
    common = Common.model_validate(
        {"slug": "x", "title": "X", "summary": "Y", "challenges": ["c"], "proposed_by": ["a"],
         **load_mapping(common_text).data}
    )  # fmt: skip
    assert common.budgets["2025"].lines[0].amount == 25000
    assert common.reviews[0].decision == "declined"


def test_readme_examples_are_valid():
    """The README's common and pledge (What a call looks like) are read as the build reads
    them, and are those of docs/content.md, cut short."""
    from appel_a_communs.content.models import Common, Pledge
    from appel_a_communs.content.strict_yaml import load_mapping

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## What a call looks like") :]
    common_text = re.search(r"```markdown\n---\n(.*?)---\n", section, re.S).group(1)
    pledge_text = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    common = Common.model_validate({"slug": "base-stationnements-velo",
                                    **load_mapping(common_text).data})  # fmt: skip
    pledge = Pledge.model_validate({"id": "p", **load_mapping(pledge_text).data})
    assert (pledge.common, pledge.actor, pledge.role) == (common.slug, "atelier-osm-valbrune",
                                                          "funder")  # fmt: skip
    full = dict(EXAMPLE.findall(CONTENT.read_text(encoding="utf-8")))
    assert set(common_text.splitlines()) <= set(full[f"commons/{common.slug}.md"].splitlines())
