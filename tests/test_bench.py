"""The benchmark still works: its smallest run, end to end (not a timed test)."""

from __future__ import annotations

import subprocess
import sys

from bench import generate_call
from conftest import REPO

from appel_a_communs.content.loader import load_catalogue


def test_synthetic_calls_are_valid_content(tmp_path):
    content = generate_call(tmp_path, commons=30, pledges=300)
    catalogue = load_catalogue(content)
    assert (len(catalogue.commons), len(catalogue.pledges)) == (30, 300)
    conditional = [p for p in catalogue.pledges.values() if p.money and p.money.condition]
    assert conditional and catalogue.campaign.matching.method == "quadratic"


def test_benchmark_runs_at_its_smallest_size(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks/bench.py"),
            "--sizes",
            "20:200",
            "40:400",
            "--repeat",
            "1",
            "--envelopes",
            "20",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    times, memory = (
        [line for line in block.splitlines() if line.startswith("|")]
        for block in result.stdout.split("Peak memory (MiB):")
    )
    assert times[0].startswith("| commons | pledges | our build (s) | plain Pelican (s) |")
    rows = [line.split("|")[1:-1] for line in times[2:]]
    assert [(r[0].strip(), r[1].strip()) for r in rows] == [("20", "200"), ("40", "400")]
    assert all(float(r[2]) > 0 and float(r[3]) > 0 and float(r[5]) > 0 for r in rows)
    assert "data ×2" in rows[1][7]
    # every measurement has its peak memory, each a real process's (tens of MiB at least)
    peaks = [line.split("|")[1:-1] for line in memory[2:]]
    assert [(r[0].strip(), r[1].strip()) for r in peaks] == [("20", "200"), ("40", "400")]
    assert all(len(r) == 9 and all(int(cell) >= 10 for cell in r[2:]) for r in peaks)
    assert "Our build writes in" in result.stdout
    # The published table has this script's columns, and the README points to it.
    benchmarks = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert times[0] in benchmarks.splitlines()
    assert memory[0] in benchmarks.splitlines()
    assert "python benchmarks/bench.py" in benchmarks
    assert "[BENCHMARKS.md](BENCHMARKS.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    # both sites were really built
    assert (
        tmp_path / "call-40-400" / "out-ours" / "communs" / "commun-39" / "index.html"
    ).is_file()
    assert (tmp_path / "call-40-400" / "out-plain" / "index.html").is_file()
    assert (
        len(list((tmp_path / "call-40-400" / "submissions-site" / "content" / "pledges").iterdir()))
        > 400
    )
