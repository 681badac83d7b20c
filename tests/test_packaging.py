"""What a user installs: the wheel, in a fresh virtual environment, starts and builds a call.

The checkout hides what the wheel lacks (an editable install reads the tree), so this
builds the wheel, installs it (not editable) into a new venv and uses only that venv's
``appel-a-communs`` and ``pelican``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO

PACKAGES = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def run(
    *args: str | Path, cwd: Path, timeout: int = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        # Nothing of the checkout: no PYTHONPATH, another HOME; pip's cache stays.
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(cwd),
            "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            **(env or {}),
        },
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", folder, REPO, cwd=folder)
    (built,) = folder.glob("appel_a_communs-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel and its dependencies; its bin/ folder."""
    env = tmp_path_factory.mktemp("venv") / "env"
    venv.create(env, with_pip=True)
    run(env / "bin/python", "-m", "pip", "install", "-q", wheel, cwd=env.parent)
    return env / "bin"


def test_the_wheel_carries_the_plugin_the_theme_and_the_starter(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (
        "pelican/plugins/appel_a_communs/__init__.py",
        "pelican/plugins/appel_a_communs/theme/templates/base.html",
        "pelican/plugins/appel_a_communs/theme/templates/badge.svg",
        "pelican/plugins/appel_a_communs/theme/static/css/style.css",
        "pelican/plugins/appel_a_communs/theme/static/js/catalogue.js",
        "appel_a_communs/locale/fr/LC_MESSAGES/messages.po",
        "appel_a_communs/scaffold/starter/fr/campaign.yml",
        "appel_a_communs/scaffold/starter/en/pages/take-part.md",
        "appel_a_communs/scaffold/site/workflows/site.yml",
        "appel_a_communs/scaffold/site/pelicanconf.py.tmpl",
    ):
        assert path in names, path
    # No namespace package is claimed: pelican/ and pelican/plugins/ stay Pelican's.
    assert "pelican/__init__.py" not in names and "pelican/plugins/__init__.py" not in names
    assert not [n for n in names if n.startswith(("tests/", "content/", "benchmarks/"))]
    # Every file of the theme and the starter is in it.
    for folder, prefix in (
        (REPO / "theme", "pelican/plugins/appel_a_communs/theme/"),
        (REPO / "appel_a_communs/scaffold", "appel_a_communs/scaffold/"),
    ):
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert prefix + path.relative_to(folder).as_posix() in names, path


def test_every_package_of_the_tree_is_packaged():
    listed = set(PACKAGES["packages"])
    for init in (REPO / "appel_a_communs").rglob("__init__.py"):
        assert ".".join(init.parent.relative_to(REPO).parts) in listed, init
    plugin = REPO / "plugins"
    for init in plugin.rglob("__init__.py"):
        assert ".".join(init.parent.relative_to(plugin).parts) in listed, init


def test_a_new_call_builds_with_the_installed_tool(installed, tmp_path):
    run(installed / "appel-a-communs", "new", "ma-campagne", "--name", "Communs du Ponant",
        "--repo", "ponant/appel-2027", cwd=tmp_path)  # fmt: skip
    site = tmp_path / "ma-campagne"
    run(installed / "appel-a-communs", "check", cwd=site)
    run(installed / "appel-a-communs", "issue-templates", "--check", cwd=site)
    # A template of the site's own theme/templates/ replaces the theme's.
    override = site / "theme/templates/challenge.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "base.html" %}{% block content %}'
        "<p id=mine>{{ challenge.title }}</p>{% endblock %}"
    )
    run(installed / "pelican", cwd=site)
    output = site / "output"
    index = (output / "index.html").read_text()
    assert "Communs du Ponant" in index and '<html lang="fr">' in index
    common = (output / "communs/annuaire-ouvert/index.html").read_text()
    assert "Annuaire ouvert des services" in common and "5\u202f000" in common
    assert (output / "theme/css/style.css").is_file()
    challenge = (output / "defis/donnees-ouvertes-locales/index.html").read_text()
    assert "<p id=mine>Des données locales ouvertes et à jour</p>" in challenge
    pages = ["a-propos/", "charte/", "participer/", "contribuer/"]
    for path in ["data/commons.json", "schemas/common.json", "sitemap.xml"] + [
        f"{page}index.html" for page in pages
    ]:
        assert (output / path).is_file(), path
    # The forms open this site's repository.
    assert (
        "github.com/ponant/appel-2027/issues/new"
        in (output / "contribuer/engagement/index.html").read_text()
    )


def test_the_installed_plugin_is_found_by_its_short_name_too(installed, tmp_path):
    """Installed from the wheel, Pelican finds the namespace plugin without a path."""
    done = run(installed / "python", "-c",
               "from pelican.plugins._utils import get_namespace_plugins;"
               "print(sorted(get_namespace_plugins()))", cwd=tmp_path)  # fmt: skip
    assert "pelican.plugins.appel_a_communs" in done.stdout


@pytest.mark.slow
def test_a_new_site_installs_with_its_own_requirements(installed, wheel, tmp_path):
    """The site's first CI build: ``new`` run by the tool installed from a local wheel (no
    release of it on the index) writes a site that carries that wheel; another fresh venv
    runs the site workflow's own steps (install, check, build for publication) in the
    site's folder, with nothing of this checkout and nothing of the first venv."""
    run(installed / "appel-a-communs", "new", "site", "--lang", "en", cwd=tmp_path)
    site = tmp_path / "site"
    assert (site / "vendor" / wheel.name).read_bytes() == wheel.read_bytes()
    job = yaml.safe_load((site / ".github/workflows/site.yml").read_text())["jobs"]["build"]
    steps = {step.get("name"): step for step in job["steps"]}
    assert steps["Install"]["run"] == "python -m pip install -r requirements.txt"
    env = tmp_path / "ci" / "env"
    venv.create(env, with_pip=True)
    ci = {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "GITHUB_REPOSITORY_OWNER": "ponant",
          "GITHUB_REPOSITORY": "ponant/appel-2027"}  # fmt: skip
    for name in ("Install", "Check the content", "Build for publication"):
        run("bash", "-e", "-c", steps[name]["run"], cwd=site, env=ci)
    installed_there = run(env / "bin/python", "-m", "pip", "show", "-f", "appel-a-communs",
                          cwd=site, env=ci).stdout  # fmt: skip
    assert str(env) in installed_there and str(REPO) not in installed_there
    output = site / "output"
    index = (output / "index.html").read_text()
    assert '<html lang="en">' in index
    # SITEURL as the workflow sets it
    assert 'href="https://ponant.github.io/appel-2027/"' in index
    common = (output / "commons/open-directory/index.html").read_text()
    assert "€5,000 of €18,000" in common
