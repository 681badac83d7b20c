"""The core's rooms and which way their imports point: only down.

content (models, strict YAML, reading, a site's settings, checks) → funding (pure
functions) → site (view, page contexts, published tables, writers); submissions beside
site, both above the vocabulary they share (labels, form definitions); the scaffold (a
starter site, with its issue forms) above submissions; the commands on top, imported by
nobody but the package's entry points. ``i18n`` and ``parallel`` are the floor. A new
import that points up or sideways fails here, with its file and line, rather than
tangling the rooms a little more each time.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "appel_a_communs"
PLUGIN = REPO / "plugins" / "pelican" / "plugins" / "appel_a_communs"
PLUGIN_NAME = "pelican.plugins.appel_a_communs"

# Room of a module: the longest of these prefixes its dotted name starts with.
ROOMS = {
    "appel_a_communs": "floor",
    "appel_a_communs.i18n": "floor",
    "appel_a_communs.parallel": "floor",
    "appel_a_communs.content": "content",
    "appel_a_communs.funding": "funding",
    "appel_a_communs.vocabulary": "vocabulary",
    "appel_a_communs.site": "site",
    "appel_a_communs.submissions": "submissions",
    "appel_a_communs.scaffold": "scaffold",
    "appel_a_communs.commands": "commands",
    PLUGIN_NAME: "plugin",
}
CORE = {"floor", "content", "funding", "vocabulary", "site", "submissions", "scaffold"}
# What each room may import (besides itself and anything outside the package). submissions
# does not import site: what both need (labels, form definitions, titles) is the
# vocabulary, so a change to a page cannot break the processing of a submission.
ALLOWED = {
    "floor": {"floor"},
    "content": {"floor", "content"},
    "funding": {"floor", "content", "funding"},
    "vocabulary": {"floor", "content", "vocabulary"},
    "site": {"floor", "content", "funding", "vocabulary", "site"},
    "submissions": {"floor", "content", "funding", "vocabulary", "submissions"},
    "scaffold": {"floor", "content", "vocabulary", "submissions", "scaffold"},
    "commands": {*CORE, "commands"},
    "plugin": {*CORE, "plugin"},
}
# The package's entry points may import the commands (pyproject's [project.scripts]).
ENTRY_POINTS = {
    target.split(":")[0]
    for target in tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "scripts"
    ].values()
}


def room(module: str) -> str | None:
    """The room of a dotted module name, None for a module outside the package."""
    best = max(
        (p for p in ROOMS if module == p or module.startswith(p + ".")), key=len, default=None
    )
    return ROOMS[best] if best else None


def modules() -> list[tuple[str, Path]]:
    """Every module of the core and of the plugin, with its dotted name."""
    found = []
    for base, name in ((PACKAGE, "appel_a_communs"), (PLUGIN, PLUGIN_NAME)):
        for path in sorted(base.rglob("*.py")):
            if any(
                not (d / "__init__.py").is_file() for d in path.parents if d.is_relative_to(base)
            ):
                continue  # not in a package: the starter site's files (its pelicanconf.py)
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.append((".".join([name, *parts]), path))
    return found


def imported(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the file, those inside functions included
    (a late import crosses a room as surely as one at the top)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` may name a submodule: its room is pkg's or deeper,
            # and every room's prefix is a package, so pkg.sub names the room exactly.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def crossings() -> list[str]:
    """Each import that points where its room may not, as ``file:line: room imports room``."""
    wrong = []
    for module, path in modules():
        here = room(module)
        assert here, module
        for line, target in imported(module, path):
            there = room(target)
            if there is None or there == here or there in ALLOWED[here]:
                continue
            if there == "commands" and module in ENTRY_POINTS:
                continue
            wrong.append(f"{path.relative_to(REPO)}:{line}: {here} imports {there}")
    return list(dict.fromkeys(wrong))  # one line per import statement


def test_every_module_has_a_room() -> None:
    assert all(room(module) for module, _ in modules())
    assert {room(m) for m, _ in modules()} >= {*CORE, "commands", "plugin"}


def test_imports_only_point_down() -> None:
    wrong = crossings()
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(wrong)


def test_the_checker_sees_a_crossing(tmp_path: Path) -> None:
    """The checker itself works: an import up, a relative one and a late one are seen."""
    source = tmp_path / "x.py"
    source.write_text(
        "from ..site import labels\nimport appel_a_communs.commands\n"
        "def f():\n    from appel_a_communs.commands.check import main\n"
    )
    found = imported("appel_a_communs.content.x", source)
    assert [room(t) for _, t in found] == ["site", "commands", "commands"]
    assert all(room(t) not in ALLOWED["content"] for _, t in found)
