"""scripts/release.py, what the release workflow checks before it publishes: the tag is the
package's version, the built files are that version's, CHANGELOG.md has its section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

import appel_a_communs

sys.path.insert(0, str(REPO / "scripts"))
import release

VERSION = appel_a_communs.__version__
CHANGELOG = """# Changelog

## [Unreleased]

### Added

- Something new.

## [1.2.0] - 2027-01-15

### Fixed

- A thing.
- [1.2.0] in a line is no heading.

## [1.1.0] - 2026-12-01

- Before.

[Unreleased]: https://example.org/compare/v1.2.0...HEAD
[1.2.0]: https://example.org/releases/tag/v1.2.0
"""


def a_release(tmp_path: Path, version: str = "1.2.0", changelog: str = CHANGELOG) -> Path:
    (tmp_path / "appel_a_communs").mkdir()
    (tmp_path / "appel_a_communs/__init__.py").write_text(
        f'"""Doc."""\n\n__version__ = "{version}"\n"""Its doc."""\n'
    )
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in (
        f"appel_a_communs-{version}-py3-none-any.whl",
        f"appel_a_communs-{version}.tar.gz",
    ):
        (dist / name).write_bytes(b"")
    return dist


def test_the_version_is_the_package_s():
    assert release.package_version() == VERSION


def test_the_repository_can_release_its_version():
    """CHANGELOG.md has a section for the version being released."""
    assert release.notes(VERSION).strip()


def test_a_release_that_agrees(tmp_path):
    dist = a_release(tmp_path)
    assert release.check("v1.2.0", dist, root=tmp_path) == "1.2.0"
    assert release.notes("1.2.0", root=tmp_path) == (
        "### Fixed\n\n- A thing.\n- [1.2.0] in a line is no heading.\n"
    )
    assert release.notes("1.1.0", root=tmp_path) == "- Before.\n"  # not the link lines


@pytest.mark.parametrize(
    ("tag", "change", "words"),
    [
        ("v1.2.1", None, "the tag is 'v1.2.1' but the package's version is '1.2.0'"),
        ("1.2.0", None, "tag v1.2.0"),
        ("v1.2.0", "extra", "not ["),
        ("v1.2.0", "missing", "not ["),
        ("v1.2.0", "no section", "no section '## [1.2.0]'"),
        ("v1.2.0", "empty section", "is empty"),
    ],
)
def test_a_release_that_does_not(tmp_path, tag, change, words):
    dist = a_release(tmp_path)
    if change == "extra":
        (dist / "appel_a_communs-1.1.0-py3-none-any.whl").write_bytes(b"")
    elif change == "missing":
        (dist / "appel_a_communs-1.2.0.tar.gz").unlink()
    elif change == "no section":
        (tmp_path / "CHANGELOG.md").write_text(CHANGELOG.replace("## [1.2.0]", "## [1.2.1]"))
    elif change == "empty section":
        (tmp_path / "CHANGELOG.md").write_text("## [1.2.0] - 2027-01-15\n\n## [1.1.0]\n- x\n")
    with pytest.raises(release.ReleaseError) as raised:
        release.check(tag, dist, root=tmp_path)
    assert words in str(raised.value)


def test_the_script_says_why_and_fails(tmp_path):
    script = [sys.executable, str(REPO / "scripts/release.py")]
    done = subprocess.run(
        [*script, "check", "v0.0.0-nope", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("release: the tag is 'v0.0.0-nope'")
    done = subprocess.run([*script, "notes", f"v{VERSION}"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == release.notes(VERSION)
