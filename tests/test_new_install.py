"""How a new site installs the tool: the released version when the tool came from an index,
a wheel of it carried in vendor/ otherwise (a checkout, a local wheel, a repository URL).

The whole path (a wheel installed in a fresh venv, ``new``, the site's own install line in
another fresh venv, its build) is in tests/test_packaging.py, beside the wheel it uses.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO

import appel_a_communs
from appel_a_communs.commands import main
from appel_a_communs.scaffold import NewSite, install, tool_version, write_site
from appel_a_communs.scaffold.install import Origin, WheelError, make_wheel, origin

VERSION = appel_a_communs.__version__


def direct_url(url: str, **info) -> str:
    return json.dumps({"url": url, **(info or {"dir_info": {}})})


@pytest.fixture
def a_wheel(tmp_path) -> Path:
    wheel = tmp_path / "wheels" / f"appel_a_communs-{VERSION}-py3-none-any.whl"
    wheel.parent.mkdir()
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("appel_a_communs/__init__.py", f'__version__ = "{VERSION}"\n')
    return wheel


# The decision, from direct_url.json (PEP 610).


@pytest.mark.parametrize(
    "text",
    [
        None,  # no direct_url.json: from an index
        direct_url(
            "https://files.example.org/appel_a_communs-1.0-py3-none-any.whl",
            archive_info={"hash": "sha256=00"},
        ),
        direct_url("https://example.org/src/", dir_info={}),  # no local folder
        "not json",
        json.dumps(["url"]),
        json.dumps({"archive_info": {}}),  # no url
    ],
)
def test_the_released_version_is_pinned_when_nothing_says_otherwise(text, tmp_path):
    found = origin(text, running=None)
    assert found.from_index and found == Origin()
    # whatever the source tree the code runs from: only direct_url.json decides
    assert origin(text, running=tmp_path).from_index


def test_a_local_wheel_still_there_is_copied(a_wheel, tmp_path):
    found = origin(direct_url(a_wheel.as_uri(), archive_info={}), running=None)
    assert not found.from_index and found.wheel == a_wheel and found.source is None
    copied = make_wheel(found, tmp_path / "into")
    assert copied == tmp_path / "into" / a_wheel.name
    assert copied.read_bytes() == a_wheel.read_bytes()


def test_a_local_wheel_gone_is_said_so(tmp_path):
    gone = tmp_path / "appel_a_communs-0.1.0-py3-none-any.whl"
    found = origin(direct_url(gone.as_uri(), archive_info={}), running=None)
    assert not found.from_index and found.wheel is None and found.source is None
    with pytest.raises(WheelError, match="neither the wheel nor the source"):
        make_wheel(found, tmp_path / "into")


def test_a_path_with_spaces_and_accents(tmp_path, a_wheel):
    folder = tmp_path / "mes wheels à moi"
    folder.mkdir()
    wheel = a_wheel.rename(folder / a_wheel.name)
    assert "%20" in wheel.as_uri()
    assert origin(direct_url(wheel.as_uri(), archive_info={})).wheel == wheel


def test_a_checkout_is_built_from_the_code_that_runs(tmp_path):
    installed = tmp_path / "elsewhere"
    installed.mkdir()
    (installed / "pyproject.toml").write_text('[project]\nname = "appel-a-communs"\n')
    editable = direct_url(installed.as_uri(), dir_info={"editable": True})
    # From a checkout on PYTHONPATH (or the editable install's own tree): that tree.
    assert origin(editable, running=REPO) == Origin(url=installed.as_uri(), source=REPO)
    # From an installed package: the folder it was installed from, while it is a project.
    assert origin(editable, running=None).source == installed
    (installed / "pyproject.toml").unlink()
    found = origin(editable, running=None)
    assert not found.from_index and found.source is None


def test_a_repository_url_is_no_release():
    vcs = direct_url("https://github.com/x/appel-a-communs.git",
                     vcs_info={"vcs": "git", "commit_id": "0" * 40})  # fmt: skip
    assert not origin(vcs).from_index and origin(vcs).source is None
    assert origin(vcs, running=REPO).source == REPO  # an editable clone


class Distribution:
    def __init__(self, text: str | None, root: Path):
        self.text, self.root = text, root

    def read_text(self, name):
        assert name == "direct_url.json"
        return self.text

    def locate_file(self, path):
        return self.root / path


def test_installed_origin_reads_the_distribution(monkeypatch, a_wheel, tmp_path):
    site_packages = tmp_path / "site-packages"
    found: list[Distribution] = []
    monkeypatch.setattr(install.metadata, "distributions", lambda name: iter(found))
    monkeypatch.setattr(install, "running_tree", lambda: None)
    assert install.installed_origin() == Origin()  # not installed, not in a tree
    found[:] = [Distribution(None, site_packages)]
    assert install.installed_origin().from_index
    record = direct_url(a_wheel.as_uri(), archive_info={})
    found[:] = [Distribution(record, site_packages)]
    assert install.installed_origin().wheel == a_wheel


def test_metadata_a_build_left_in_the_tree_is_no_installation(monkeypatch, tmp_path):
    """An egg-info at the tree's root (pip wheel, setup.py develop) has no direct_url.json;
    found first when the tree is on sys.path, it would read as an install from an index."""
    tree = tmp_path / "checkout"
    tree.mkdir()
    editable = direct_url(tree.as_uri(), dir_info={"editable": True})
    found = [Distribution(None, tree), Distribution(editable, tmp_path / "site-packages")]
    monkeypatch.setattr(install.metadata, "distributions", lambda name: iter(found))
    monkeypatch.setattr(install, "running_tree", lambda: tree)
    assert install.installed_origin() == Origin(url=tree.as_uri(), source=tree)
    found.pop()  # only the build's leftovers: run from the tree
    assert install.installed_origin() == Origin(url=tree.as_uri(), source=tree)


def test_the_running_tree_is_this_checkout():
    """The tests import the checkout's package: its tree is found, named by pyproject.toml."""
    assert Path(appel_a_communs.__file__).resolve().parent.parent == REPO
    assert install.running_tree() == REPO


# What the site holds in either case.


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_site_that_carries_the_wheel(tmp_path, a_wheel, lang):
    site = tmp_path / "site"
    written = write_site(NewSite(site, lang=lang, wheel=a_wheel))
    vendored = f"vendor/{a_wheel.name}"
    assert vendored in written
    assert (site / vendored).read_bytes() == a_wheel.read_bytes()
    lines = [
        line for line in (site / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    assert lines == [f"./{vendored}"]
    # Dependabot watches the actions only, and says how to watch the tool again.
    config = yaml.safe_load((site / ".github/dependabot.yml").read_text())
    assert [u["package-ecosystem"] for u in config["updates"]] == ["github-actions"]
    assert "# - package-ecosystem: pip" in (site / ".github/dependabot.yml").read_text()
    readme = (site / "README.md").read_text()
    assert f"`{vendored}`" in readme and "appel-a-communs==X.Y.Z" in readme
    assert "PyPI" in readme and "vendor/" in readme and "@@" not in readme


def test_a_site_that_pins_the_release(tmp_path):
    site = tmp_path / "site"
    written = write_site(NewSite(site, lang="en"))
    assert not (site / "vendor").exists() and not [w for w in written if "vendor" in w]
    requirements = (site / "requirements.txt").read_text().splitlines()
    assert f"appel-a-communs=={VERSION}" in requirements
    config = yaml.safe_load((site / ".github/dependabot.yml").read_text())
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "pip"}
    readme = (site / "README.md").read_text()
    assert "vendor" not in readme and "Dependabot proposes it" in readme and "@@" not in readme


def test_one_version():
    """appel_a_communs.__version__ is the only place the version is written."""
    assert tool_version() == VERSION
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject
    assert 'version = { attr = "appel_a_communs.__version__" }' in pyproject
    written = [
        path
        for path in [REPO / "pyproject.toml", *(REPO / "appel_a_communs").rglob("*")]
        if path.is_file()
        and path.suffix in {".py", ".toml", ".txt", ".md", ".yml", ".tmpl"}
        and f'"{VERSION}"' in path.read_text(encoding="utf-8")
    ]
    assert written == [REPO / "appel_a_communs/__init__.py"]


# The command.


def test_new_pins_the_release_of_a_tool_from_an_index(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("appel_a_communs.commands.new.installed_origin", Origin)
    assert main(["new", str(tmp_path / "site")]) == 0
    out = capsys.readouterr().out
    assert "PyPI" not in out and not (tmp_path / "site/vendor").exists()
    assert f"appel-a-communs=={VERSION}" in (tmp_path / "site/requirements.txt").read_text()


def test_new_carries_the_wheel_of_a_local_tool(tmp_path, monkeypatch, capsys, a_wheel):
    found = Origin(url=a_wheel.as_uri(), wheel=a_wheel)
    monkeypatch.setattr("appel_a_communs.commands.new.installed_origin", lambda: found)
    assert main(["new", str(tmp_path / "site"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "not installed from PyPI" in out and f"vendor/{a_wheel.name}" in out
    assert str(a_wheel) in out and "appel-a-communs==X.Y.Z" in out
    assert (tmp_path / "site/vendor" / a_wheel.name).is_file()
    # a French site (the default) is told in French
    assert main(["new", str(tmp_path / "site-fr")]) == 0
    out = capsys.readouterr().out
    assert "n’a pas été installé depuis PyPI" in out and "not installed" not in out
    assert "fichiers écrits dans" in out and f"vendor/{a_wheel.name}" in out


def test_new_writes_the_site_when_no_wheel_can_be_made(tmp_path, monkeypatch, capsys):
    found = Origin(url="git+https://example.org/appel.git")
    monkeypatch.setattr("appel_a_communs.commands.new.installed_origin", lambda: found)
    assert main(["new", str(tmp_path / "site")]) == 0
    captured = capsys.readouterr()
    assert "attention" in captured.err and "Traceback" not in captured.err
    assert "git+https://example.org/appel.git" in captured.err
    assert "-m pip wheel --no-deps -w" in captured.err and "requirements.txt" in captured.err
    assert f"appel-a-communs=={VERSION}" in (tmp_path / "site/requirements.txt").read_text()
    assert not (tmp_path / "site/vendor").exists()


def test_new_says_when_the_repository_is_not_known(tmp_path, monkeypatch, capsys):
    """Without --repo, pelicanconf.py says OWNER/<folder>: new says to change it."""
    monkeypatch.setattr("appel_a_communs.commands.new.installed_origin", Origin)
    assert main(["new", str(tmp_path / "site"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "repository is not known yet: pelicanconf.py says OWNER/site" in out
    assert main(["new", str(tmp_path / "other"), "--repo", "org/appel"]) == 0
    assert "OWNER" not in capsys.readouterr().out


def test_new_checks_the_folder_before_making_a_wheel(tmp_path, monkeypatch, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    monkeypatch.setattr(
        "appel_a_communs.commands.new.installed_origin",
        lambda: pytest.fail("a wheel made for a folder refused"),
    )
    assert main(["new", str(tmp_path)]) == 1
    assert "not empty" in capsys.readouterr().err


def test_a_failed_build_says_why(tmp_path, monkeypatch):
    """pip's last error lines, not a traceback."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "nowhere"\n'
        '[project]\nname = "appel-a-communs"\nversion = "0"\n'
    )
    with pytest.raises(WheelError, match=r"building a wheel of .*broken failed: .+"):
        make_wheel(Origin(url=broken.as_uri(), source=broken), tmp_path / "into")
    assert not (broken / "build").exists()


@pytest.mark.slow
def test_a_wheel_built_from_the_checkout(tmp_path):
    """From a copy of the tree (the checkout gains no build/ or egg-info): the package, the
    plugin and its theme, not the tests."""
    before = sorted(p.name for p in REPO.iterdir())
    built = make_wheel(Origin(url=REPO.as_uri(), source=REPO), tmp_path)
    assert built.name == f"appel_a_communs-{VERSION}-py3-none-any.whl"
    names = set(zipfile.ZipFile(built).namelist())
    assert {
        "appel_a_communs/__init__.py",
        "appel_a_communs/scaffold/install.py",
        "appel_a_communs/scaffold/site/requirements-wheel.txt",
        "pelican/plugins/appel_a_communs/__init__.py",
        "pelican/plugins/appel_a_communs/theme/templates/base.html",
    } <= names
    assert not [n for n in names if n.startswith(("tests/", "content/", "benchmarks/"))]
    assert sorted(p.name for p in REPO.iterdir()) == before
