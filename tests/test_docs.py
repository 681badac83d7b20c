"""The documentation stays honest: every link leads somewhere, every setting, command and
test switch is documented, and no page points at a file users do not have."""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from conftest import REPO
from markdown_it import MarkdownIt

DOCS = REPO / "docs"
PAGES = [REPO / "README.md", REPO / "ARCHITECTURE.md", REPO / "BENCHMARKS.md",
         *sorted(DOCS.glob("*.md"))]  # fmt: skip
"""The documentation a clone holds: its README, the two notes beside it, and docs/."""
MD = MarkdownIt("commonmark").enable("table")


def _tokens(path: Path) -> list:
    return MD.parse(path.read_text(encoding="utf-8"))


def _inline_text(token) -> str:
    return "".join(child.content for child in token.children or [])


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters of any
    script, digits, spaces, hyphens and underscores kept), spaces as hyphens."""
    text = heading.strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (a repeated one gets -1, -2…, as on GitHub)."""
    tokens = _tokens(path)
    found: dict[str, int] = {}
    result = set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            base = anchor(_inline_text(tokens[i + 1]))
            n = found.get(base, 0)
            found[base] = n + 1
            result.add(base if n == 0 else f"{base}-{n}")
    return result


def links(path: Path) -> list[str]:
    """Every link target of a Markdown file, code spans and blocks left out."""
    found = []
    for token in _tokens(path):
        for child in token.children or []:
            if child.type == "link_open":
                found.append(child.attrs["href"])
    return found


def test_anchor_follows_github():
    assert anchor("What `process` does") == "what-process-does"
    assert anchor("A call that runs for years: rounds") == "a-call-that-runs-for-years-rounds"
    assert anchor("Publier un rapport, l'été") == "publier-un-rapport-lété"


def test_the_pages_exist():
    names = {p.name for p in DOCS.glob("*.md")}
    assert {"index.md", "content.md", "published-data.md", "running-a-call.md",
            "submissions.md", "settings.md", "languages.md", "theme.md",
            "development.md"} <= names  # fmt: skip


def test_every_relative_link_resolves():
    """Each link to a file of the repository leads to one (reference.md is generated from
    the models by its own command and test), and each #anchor to one of its headings."""
    broken = []
    for page in PAGES:
        for href in links(page):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # https:, mailto:
                continue
            target, _, fragment = unquote(href).partition("#")
            path = (page.parent / target).resolve() if target else page
            where = f"{page.relative_to(REPO)} → {href}"
            if not path.exists() or REPO not in [path, *path.parents]:
                broken.append(f"{where}: no such file")
            elif fragment and path.suffix == ".md" and fragment not in anchors(path):
                broken.append(f"{where}: no heading #{fragment} in {path.name}")
    assert broken == []


def test_the_checker_sees_a_broken_link(tmp_path):
    """The link check really reads links, and not those in code."""
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](other.md#x) and `[b](c.md)`\n\n```\n[d](e.md)\n```\n")
    assert links(page) == ["other.md#x"]
    assert anchors(page) == {"title"}


def test_no_page_points_at_what_users_do_not_have():
    """The contract is told in the project's own words: no page names a file kept outside
    the repository."""
    for page in [REPO / "README.md", REPO / "ARCHITECTURE.md", *DOCS.glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, page
        assert "SPEC.md" not in text, page
        assert not re.search(r"\bthe SPEC\b", text), page


def test_every_setting_is_documented():
    from appel_a_communs.content.settings import default_settings

    settings = (DOCS / "settings.md").read_text(encoding="utf-8")
    names = set(default_settings().as_settings())
    assert len(names) > 30  # the URLs, folders and the rest
    assert sorted(n for n in names if f"`{n}`" not in settings) == []


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_documented():
    from appel_a_communs.commands import COMMANDS
    from appel_a_communs.submissions.cli import _parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    running = (DOCS / "running-a-call.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"`appel-a-communs {name}" in readme, name
        assert f"`appel-a-communs {name}" in running, name
    submissions = (DOCS / "submissions.md").read_text(encoding="utf-8")
    commands = _subcommands(_parser("appel-a-communs submissions"))
    sources = _subcommands(commands.pop("fetch"))
    assert len(commands) >= 2 and len(sources) >= 5
    for name in commands:
        assert f"appel-a-communs submissions {name}" in submissions, name
    for name in sources:
        assert f"appel-a-communs submissions fetch {name}" in submissions, name


def test_every_test_switch_and_tool_is_documented():
    """What the skipped tests need: every APPEL_* variable the tests read, in the README
    and the development page, with the one command that runs everything."""
    read = set()
    for test in (REPO / "tests").glob("*.py"):
        read |= set(re.findall(r"\b(APPEL_[A-Z_]+)\b", test.read_text(encoding="utf-8")))
    read -= {"APPEL_SCREENSHOTS"}  # not a requirement: where screenshots are kept
    assert {"APPEL_NODE_PATH", "APPEL_REQUIRE_BROWSER", "APPEL_REQUIRE_TOOLS"} <= read
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    development = (DOCS / "development.md").read_text(encoding="utf-8")
    for name in read:
        assert name in readme and name in development, name
    for tool in ("/usr/bin/chromium", "Playwright", "axe-core", "vnu-jar", "Java",
                 "Lighthouse", "actionlint", "zizmor", "```sh\n.ci/run\n```"):  # fmt: skip
        assert tool in readme and tool in development, tool
    assert "APPEL_SCREENSHOTS" in development
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "export APPEL_REQUIRE_BROWSER=1" in ci and "export APPEL_REQUIRE_TOOLS=1" in ci


def test_the_skips_left_under_ci_are_named():
    """Every test that may skip whatever is installed (a skipif) is named where the
    development page lists what still skips under .ci/run."""
    development = (DOCS / "development.md").read_text(encoding="utf-8")
    remaining = development[development.index("What may still skip under `.ci/run`") :]
    for test in sorted((REPO / "tests").glob("test_*.py")):
        if re.search(r"^\s*(@pytest\.mark\.skipif|\w+ = pytest\.mark\.skipif)",
                     test.read_text(encoding="utf-8"), re.M):  # fmt: skip
            assert f"tests/{test.name}" in remaining, test.name


def test_the_content_page_names_every_kind():
    """docs/content.md tells every kind of file of the registry, and every published
    schema is named in the published data page."""
    from appel_a_communs.content.kinds import CAMPAIGN_FILE, KINDS, PAGES_FOLDER
    from appel_a_communs.site.exports import schema_names

    content = (DOCS / "content.md").read_text(encoding="utf-8")
    for kind in KINDS.values():
        assert f"`content/{kind.folder}/" in content, kind.folder
        assert f"`schemas/{kind.schema}`" in content, kind.schema
    assert f"`content/{CAMPAIGN_FILE}`" in content
    assert f"`content/{PAGES_FOLDER}/" in content
    published = (DOCS / "published-data.md").read_text(encoding="utf-8")
    for name in schema_names():
        assert name in published or name in content, name
    assert "reference.md" in content
