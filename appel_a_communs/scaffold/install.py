"""How a new site installs the tool: the released version from the package index, or a
wheel of the running tool that the site carries.

A tool installed from an index (PyPI) is pinned at its version. A tool installed from a
checkout (editable or not), a local wheel or an archive, or a version control URL is not
that release, or there is no such release yet: a site pinned to it would fail its first
build. Such a site carries a wheel of the running tool in ``vendor/`` and its
requirements.txt names that file, so that its workflows install it with nothing but the
site's repository and the index (for the tool's dependencies).

Where the tool came from is what pip recorded in its ``direct_url.json`` (PEP 610): none
for an index, ``dir_info``, ``archive_info`` or ``vcs_info`` otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import appel_a_communs

DIST = "appel-a-communs"
VENDOR = "vendor"
"""The site's folder for the tool's wheel, relative to the site's root (where the workflows
run pip)."""

BUILD_TIMEOUT = 300
"""Seconds a wheel build may take (an isolated build downloads setuptools first)."""

_NOT_SOURCE = (
    ".git", ".hg", ".svn", "__pycache__", "*.egg-info", ".venv", "venv", ".tox", ".nox",
    "node_modules", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis",
)  # fmt: skip
_NOT_SOURCE_AT_ROOT = {"build", "dist", "output", "cache", "tests", "content", "benchmarks"}
"""Left out of the copy a wheel is built from: version control, caches, environments, and
at the tree's root the build's leftovers and what the package does not hold (the wheel's
contents come from pyproject.toml; tests/test_packaging.py checks them)."""


class WheelError(Exception):
    """No wheel of the running tool could be made: the message says why."""


@dataclass(frozen=True)
class Origin:
    """Where the running tool was installed from."""

    url: str | None = None
    """direct_url.json's URL; None when the tool came from an index."""
    wheel: Path | None = None
    """A wheel file of the tool that is still there, to copy into the site."""
    source: Path | None = None
    """A source tree (a folder with pyproject.toml) or a source archive to build one from."""

    @property
    def from_index(self) -> bool:
        return self.url is None

    @property
    def place(self) -> str:
        """Where the site's wheel comes from, to tell the operator."""
        return str(self.source or self.wheel or self.url)


def origin(direct_url: str | None, running: Path | None = None) -> Origin:
    """Where the tool came from, given the text of its ``direct_url.json`` (None when it has
    none) and the source tree the running code is in (None when it runs from an installed
    package): the decision, without looking at the installation itself.

    A tool from an index, or from a remote archive (an ``https://`` wheel, which is no
    local file, directory or repository), is pinned. Otherwise the code that runs is what
    the site gets: its source tree when it runs from one (an editable install, or a
    checkout on ``PYTHONPATH``); else the local wheel it was installed from, or the local
    folder or archive, when still there."""
    if direct_url is None:
        return Origin()
    try:
        record = json.loads(direct_url)
        url = str(record["url"])
    except (ValueError, KeyError, TypeError):
        return Origin()  # unreadable: nothing says it is not the release
    scheme = urlsplit(url).scheme
    if "vcs_info" not in record and scheme != "file":
        return Origin()
    if running is not None:
        return Origin(url=url, source=running)
    path = _local_path(url) if scheme == "file" else None
    if path is None or not path.exists():
        return Origin(url=url)
    if path.is_file() and path.name.endswith(".whl"):
        return Origin(url=url, wheel=path)
    if path.is_file() or (path / "pyproject.toml").is_file():
        return Origin(url=url, source=path)
    return Origin(url=url)


def _local_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(unquote(parts.path)))


def running_tree() -> Path | None:
    """The source tree the running package was imported from, when it is this project's
    (its pyproject.toml names it); None when it runs from an installed package."""
    root = Path(appel_a_communs.__file__).resolve().parent.parent
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return root if project.get("project", {}).get("name") == DIST else None


def installed_origin() -> Origin:
    """Where the running tool was installed from (its distribution's direct_url.json).

    Metadata found at the root of the source tree the code runs from is no installation
    but what a build left there (an ``appel_a_communs.egg-info``, found first when the tree
    is on ``sys.path``): it is passed over."""
    running = running_tree()
    for distribution in metadata.distributions(name=DIST):
        if running is not None and Path(distribution.locate_file("")).resolve() == running:
            continue
        return origin(distribution.read_text("direct_url.json"), running)
    # not installed: run from a source tree, if any
    return Origin() if running is None else Origin(url=running.as_uri(), source=running)


def make_wheel(found: Origin, into: Path) -> Path:
    """A wheel of the tool in the folder ``into``: a copy of the local wheel it was installed
    from, or one built from its source (with the build tools at hand, else in pip's isolated
    environment). Raises WheelError saying why there is none."""
    into.mkdir(parents=True, exist_ok=True)
    if found.wheel is not None:
        try:
            return Path(shutil.copy2(found.wheel, into / found.wheel.name))
        except OSError as exc:
            raise WheelError(f"could not copy {found.wheel}: {exc.strerror or exc}") from None
    if found.source is None:
        raise WheelError("neither the wheel nor the source it was installed from is at hand")
    with tempfile.TemporaryDirectory(prefix="appel-a-communs-wheel-") as work:
        source = found.source
        if source.is_dir():  # a copy: the build writes build/ and *.egg-info into its tree
            source = Path(work) / "source"
            try:
                shutil.copytree(found.source, source, symlinks=True, ignore=_ignore(found.source))
            except (OSError, shutil.Error) as exc:
                raise WheelError(f"could not copy {found.source}: {exc}") from None
        built = Path(work) / "wheel"
        attempts = [["--no-build-isolation"], []] if _can_build_here() else [[]]
        reason = ""
        for options in attempts:
            reason = _pip_wheel(source, built, options)
            wheels = sorted(built.glob("appel_a_communs-*.whl"))
            if not reason and len(wheels) == 1:
                return Path(shutil.copy2(wheels[0], into / wheels[0].name))
            reason = reason or "pip made no wheel"
    raise WheelError(f"building a wheel of {found.source} failed: {reason}")


def _ignore(root: Path):
    patterns = shutil.ignore_patterns(*_NOT_SOURCE)

    def ignore(folder: str, names: list[str]) -> set[str]:
        left_out = set(patterns(folder, names))
        if Path(folder) == root:
            left_out |= _NOT_SOURCE_AT_ROOT & set(names)
        return left_out

    return ignore


def _can_build_here() -> bool:
    """Whether this environment has the build backend pyproject.toml asks for (setuptools
    77 reads its licence expression), so that pip need not download one."""
    try:
        major = int(metadata.version("setuptools").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return major >= 77


def _pip_wheel(source: Path, into: Path, options: list[str]) -> str:
    """Run ``pip wheel``; an empty string when it succeeded, else the end of what it said."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", *options, "-w", str(into)]
    try:
        done = subprocess.run(
            [*command, str(source)],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
            env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"},
        )
    except subprocess.TimeoutExpired:
        return f"pip wheel took more than {BUILD_TIMEOUT} s"
    except OSError as exc:
        return f"could not run pip: {exc.strerror or exc}"
    if done.returncode == 0:
        return ""
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("ERROR", "error"))]
    return " / ".join((errors or lines)[-2:]) or f"pip exited with {done.returncode}"
