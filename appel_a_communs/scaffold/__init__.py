"""A new site for a call, as ``appel-a-communs new`` writes it: a starter call in the chosen
language, Pelican settings that use the installed plugin and theme, issue forms, workflows
and a README for the operator. The site holds no copy of the tool, but for a wheel of it when
the tool was not installed from the package index (see install.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from appel_a_communs.content.types import GITHUB_REPO
from appel_a_communs.i18n import DEFAULT_LOCALE
from appel_a_communs.scaffold.install import VENDOR

HERE = Path(__file__).parent
LANGUAGES = ("fr", "en")

ACTIONS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
    # This repository's release workflow only (.github/workflows/release.yml).
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "pypa/gh-action-pypi-publish": ("ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e", "v1.13.0"),
}
"""Each action the workflows use, pinned to the commit of its latest release tag (read
from the action's own repository: ``git rev-parse TAG^{commit}``), the tag in a comment.
Dependabot then keeps a site's copies up to date (and this repository's: a pin it moves in
release.yml is moved here too, tests/test_workflows.py says so)."""

SITE_INSTALL = "python -m pip install -r requirements.txt"
"""How a site's workflows install the tool, from the site's root: what its requirements.txt
names (the version pinned, or the wheel in vendor/, a path relative to that root)."""

DEFAULT_NAMES = {"fr": "Appel à communs", "en": "Call for commons"}
ENGLISH_URLS = {
    "CHALLENGES": "challenges/",
    "CHALLENGE": "challenges/{slug}/",
    "COMMONS": "commons/",
    "COMMON": "commons/{slug}/",
    "ACTORS": "actors/",
    "ACTOR": "actors/{slug}/",
    "FUNDING": "funding/",
    "FORMS": "contribute/",
    "OPEN_DATA": "open-data/",
    "NEEDS": "needs/",
}
"""An English site's addresses (a French one keeps the plugin's defaults: defis/, communs/…)."""


class ScaffoldError(Exception):
    """A site cannot be written there, or with those options: the message says why."""


def tool_version() -> str:
    """The running tool's version: ``appel_a_communs.__version__``, the one place it is
    written (pyproject.toml reads it from there)."""
    from appel_a_communs import __version__

    return __version__


def workflows(install: str) -> dict[str, str]:
    """The workflow files by name, with actions pinned and ``install`` as the install step."""
    files = {}
    for path in sorted((HERE / "site" / "workflows").glob("*.yml")):
        text = path.read_text(encoding="utf-8").replace("@@INSTALL@@", install)
        for action, (commit, tag) in ACTIONS.items():
            text = text.replace(f"@@{action}@@", f"{action}@{commit}  # {tag}")
        if "@@" in text:
            raise ScaffoldError(f"{path.name}: a placeholder is left: {text[text.index('@@') :]}")
        files[path.name] = text
    return files


@dataclass(frozen=True)
class NewSite:
    folder: Path
    name: str | None = None
    repo: str | None = None
    lang: str = DEFAULT_LOCALE
    today: date | None = None
    wheel: Path | None = None
    """A wheel of the tool for the site to carry in vendor/ and install (see install.py);
    None: the site installs the tool's version from the package index."""

    def check(self) -> None:
        if self.lang not in LANGUAGES:
            raise ScaffoldError(f"--lang is {self.lang!r}: choose one of {', '.join(LANGUAGES)}")
        if self.repo is not None and not GITHUB_REPO.fullmatch(self.repo):
            raise ScaffoldError(f"--repo is {self.repo!r}: write OWNER/NAME, as on GitHub")
        if self.name is not None and (not self.name.strip() or "\n" in self.name):
            raise ScaffoldError("--name must be one line of text")
        if self.folder.exists() and (not self.folder.is_dir() or any(self.folder.iterdir())):
            raise ScaffoldError(f"{self.folder} is not empty: choose a new or empty folder")

    @property
    def wheel_path(self) -> str | None:
        """Where the site holds the tool's wheel, relative to its root (None: no wheel)."""
        return None if self.wheel is None else f"{VENDOR}/{self.wheel.name}"

    def values(self) -> dict[str, str]:
        today = self.today or date.today()
        name = (self.name or DEFAULT_NAMES[self.lang]).strip()
        repo = self.repo or default_repo(self.folder)
        urls = ""
        if self.lang == "en":
            urls = "\n# Addresses of the catalogue's pages.\n" + "".join(
                f'CATALOGUE_{kind}_URL = "{url}"\n' for kind, url in ENGLISH_URLS.items()
            )
        return {
            # Python literals: whatever the name holds, pelicanconf.py stays valid Python.
            "NAME": repr(name),
            "LANG": repr(self.lang),
            "REPO": repr(repo),
            "URLS": urls,
            "VERSION": tool_version(),
            "WHEEL": self.wheel_path or "",
            "TITLE": name,
            "CALL_NAME": _yaml_string(name),
            "OPENS": today.isoformat(),
            "CLOSES": (today + timedelta(days=365)).isoformat(),
        }


def default_repo(folder: Path) -> str:
    """``OWNER/<the folder's name>`` made a valid repository name: the site builds as it is,
    and the operator writes the real owner in pelicanconf.py."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.resolve().name).strip("-.") or "call"
    return f"OWNER/{name[:100]}"


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar: no value the strict reader could read otherwise."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _fill(text: str, values: dict[str, str]) -> str:
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], text)


def site_files(site: NewSite) -> dict[str, str | bytes]:
    """Every file of the new site, by its path relative to the site's folder."""
    from appel_a_communs.submissions.issue_forms import TEMPLATE_FOLDER, issue_form_files

    values = site.values()
    files: dict[str, str | bytes] = {}
    starter = HERE / "starter" / site.lang
    for path in sorted(starter.rglob("*")):
        if path.is_file():
            relative = _fill(path.relative_to(starter).as_posix(), values)
            files[f"content/{relative}"] = _fill(path.read_text(encoding="utf-8"), values)
    source = HERE / "site"
    # A site that carries the tool's wheel installs it from there, and Dependabot has no
    # version of it to propose (see install.py).
    carried = "-wheel" if site.wheel is not None else ""
    values["UPGRADE"] = _fill(
        (source / f"upgrade{carried}.{site.lang}.md").read_text(encoding="utf-8"), values
    ).rstrip("\n")
    plain = {
        "pelicanconf.py.tmpl": "pelicanconf.py",
        "publishconf.py.tmpl": "publishconf.py",
        f"requirements{carried}.txt": "requirements.txt",
        "gitignore": ".gitignore",
        "submissions-gitignore": "submissions/.gitignore",
        f"README.{site.lang}.md": "README.md",
        f"dependabot{carried}.yml": ".github/dependabot.yml",
    }
    for name, target in plain.items():
        files[target] = _fill((source / name).read_text(encoding="utf-8"), values)
    if site.wheel is not None and site.wheel_path is not None:
        try:
            files[site.wheel_path] = site.wheel.read_bytes()
        except OSError as exc:
            raise ScaffoldError(f"could not read {site.wheel}: {exc.strerror or exc}") from None
    for name, text in workflows(SITE_INSTALL).items():
        files[f".github/workflows/{name}"] = text
    for name, text in issue_form_files(site.lang).items():
        files[f"{TEMPLATE_FOLDER.as_posix()}/{name}"] = text
    for folder in ("inbox", "processed", "rejected"):
        files[f"submissions/{folder}/.gitkeep"] = ""
    return files


def write_site(site: NewSite) -> list[str]:
    """Write a new site into an empty or new folder; the paths written, in order.

    The files go into a hidden sibling folder first, renamed into place once all are
    written: a site is there whole, or not at all (and a second try finds the folder
    as it was)."""
    import shutil
    import tempfile

    site.check()
    files = site_files(site)
    target = site.folder.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for relative, text in files.items():
            path = temporary / relative
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(text, bytes):  # the tool's wheel
                    path.write_bytes(text)
                else:
                    path.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ScaffoldError(f"could not write {relative}: {exc.strerror or exc}") from None
        temporary.chmod(0o777 & ~_umask())
        temporary.replace(target)  # an empty folder is replaced, a non-empty one refused
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return list(files)


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


REPOSITORY_INSTALL = "python -m pip install -e ."
"""How the tool's own repository installs it in its workflows: from the checkout."""


def repository_files() -> dict[str, str]:
    """The tool's own workflows and Dependabot file: a site's, installing from the checkout."""
    files = {f".github/workflows/{n}": t for n, t in workflows(REPOSITORY_INSTALL).items()}
    files[".github/dependabot.yml"] = (HERE / "site" / "dependabot.yml").read_text("utf-8")
    return files
