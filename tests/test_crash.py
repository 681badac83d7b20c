"""A run killed at any moment loses nothing, half-writes nothing, and a re-run finishes it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, submissions_site

from appel_a_communs.content.loader import load_catalogue

COUNT = 240


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A site with an inbox of valid and invalid envelopes of every kind."""
    root = submissions_site(tmp_path_factory.mktemp("pristine"), MINIMAL)
    inbox = root / "submissions" / "inbox"
    for i in range(COUNT):
        kind, data = [
            ("register-actor", {"name": f"Acteur {i}", "kind": "association"}),
            (
                "pledge",
                {
                    "actor": "asso",
                    "common": "covoit",
                    "skills": {"days": "1", "description": f"Aide {i}"},
                },
            ),
            ("pledge", {"actor": "ville", "common": "covoit", "money": {"amount": "1e3"}}),
            ("propose-challenge", {"title": f"Défi {i}", "summary": "Un défi."}),
        ][i % 4]
        envelope = {
            "id": f"form-{i:04d}",
            "type": kind,
            "submitted_at": "2026-11-20T10:00:00Z",
            "source": "form",
            "contact": {"email": "x@example.org"},
            "data": data,
        }
        (inbox / f"form-{i:04d}.json").write_text(json.dumps(envelope))
    return root


def run(site: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(REPO / "scripts/submissions.py"),
            "--root",
            str(site),
            "process",
            "--today",
            "2026-11-26",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def state(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def handled(site: Path) -> int:
    return sum(
        1
        for f in ("processed", "rejected")
        if (site / "submissions" / f).is_dir()
        for p in (site / "submissions" / f).iterdir()
        if p.suffix == ".json" and not p.name.endswith(".record.json")
    )


@pytest.fixture(scope="module")
def reference(pristine, tmp_path_factory) -> dict[str, bytes]:
    site = tmp_path_factory.mktemp("reference") / "site"
    shutil.copytree(pristine, site)
    assert run(site).wait(timeout=120) == 0
    return state(site)


@pytest.mark.parametrize("kill_after", [1, 17, 60, 133, 201, COUNT - 2])
def test_killed_run_then_rerun_equals_an_uninterrupted_run(
    pristine, reference, tmp_path, kill_after
):
    site = tmp_path / "site"
    shutil.copytree(pristine, site)
    process = run(site)
    deadline = time.monotonic() + 60
    while handled(site) < kill_after and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # Nothing lost: every envelope is somewhere, once.
    names = [
        p.name
        for f in ("inbox", "processed", "rejected")
        if (site / "submissions" / f).is_dir()
        for p in (site / "submissions" / f).iterdir()
        if p.suffix == ".json" and not p.name.endswith(".record.json")
    ]
    assert sorted(names) == sorted(f"form-{i:04d}.json" for i in range(COUNT))
    # Nothing half-written: the content loads (temporary files are hidden, and swept next run).
    load_catalogue(site / "content")
    assert run(site).wait(timeout=120) == 0
    assert state(site) == reference
    assert not list(site.rglob("*.tmp"))
