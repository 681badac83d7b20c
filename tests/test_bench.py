"""The benchmark still works: its smallest run, end to end (not a timed test)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from bench import generate_call, generate_same_pages
from conftest import REPO

from appel_a_communs.content.loader import load_catalogue


def test_synthetic_calls_are_valid_content(tmp_path):
    content = generate_call(tmp_path, commons=30, pledges=300)
    catalogue = load_catalogue(content)
    assert (len(catalogue.commons), len(catalogue.pledges)) == (30, 300)
    conditional = [p for p in catalogue.pledges.values() if p.money and p.money.condition]
    assert conditional and catalogue.campaign.matching.method == "quadratic"


def test_synthetic_calls_may_have_two_matching_pools(tmp_path):
    """``--pools 2``: the first pool as with one, and a second funder's with its own rules,
    which matches only the associations' commons (issue 27)."""
    from datetime import date

    from appel_a_communs.funding.engine import compute_funding

    content = generate_call(tmp_path, commons=30, pledges=300, pools=2)
    pools = load_catalogue(content).campaign.pools
    assert [p.funder for p in pools] == ["acteur-0", "acteur-1"]
    assert pools[1].proposer_kinds == ["association"] and pools[1].max_share is not None
    catalogue = load_catalogue(content)
    funding = compute_funding(catalogue, date(2026, 11, 26))
    matched = {slug for slug, c in funding.commons.items() if len(c.matches) == 2}
    kinds = {slug: {catalogue.actors[a].kind for a in c.proposed_by}
             for slug, c in catalogue.commons.items()}  # fmt: skip
    assert matched and all("association" in kinds[slug] for slug in matched)


def test_synthetic_calls_may_have_a_jury(tmp_path):
    """``--jury``: a jury of three scores every common, two or three reviewers each; the
    call loads, and every common gets a rank or is incomplete (issue 27)."""
    content = generate_call(tmp_path, commons=12, pledges=100, jury=True)
    catalogue = load_catalogue(content)
    assert [r.id for r in catalogue.campaign.evaluation.reviewers] == ["jure-a", "jure-b", "jure-c"]
    assert len(list((content / "evaluations" / "campaign").glob("*.yml"))) == 12


def test_same_pages_site_has_a_page_per_challenge_common_and_actor(tmp_path):
    content = generate_call(tmp_path, commons=30, pledges=300)
    site = generate_same_pages(tmp_path, content)
    kinds = {"challenges": 4, "commons": 30, "actors": 15}
    for folder, count in kinds.items():
        assert sorted(p.stem for p in (site / folder).glob("*.md")) == sorted(
            p.stem for p in (content / folder).iterdir()
        )
        assert len(list((site / folder).glob("*.md"))) == count
    assert {p.stem for p in (site / "pages").glob("*.md")} >= {"communs", "acteurs", "defis"}
    # every pledge is a row on its common's page and on its actor's
    rows = [
        line
        for folder in ("commons", "actors")
        for path in (site / folder).glob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("| [") and line.count(" | ") == 3
    ]
    assert len(rows) == 2 * 300


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
            "--startup-repeat",
            "1",
            "--keep",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    times, memory, imports, outside = (
        [line for line in block.splitlines() if line.startswith("|")]
        for block in re.split(r"Peak memory \(MiB\):|Imports of |The 15 largest", result.stdout)
    )
    assert times[0].startswith(
        "| commons | pledges | our build (s) | plain Pelican, same pages (s) "
        "| ours / same pages | ours in 1 process (s) | 1 process / same pages "
        "| plain Pelican, commons and challenges (s) | ours / commons and challenges |"
    )
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in times[2:]]
    assert [(r[0], r[1]) for r in rows] == [("20", "200"), ("40", "400")]
    for r in rows:
        ours, same, serial, plain = float(r[2]), float(r[3]), float(r[5]), float(r[7])
        assert min(ours, same, serial, plain) > 0
        # Ratios are of the unrounded times; the printed seconds are rounded to 0.005 s.
        for ratio, base in ((float(r[4]), same), (float(r[8]), plain)):
            slack = (ours / base) * (0.005 / ours + 0.005 / base) + 0.005
            assert ratio == pytest.approx(ours / base, abs=slack)
        # same pages: about as many HTML pages as ours, more than commons and challenges
        pages_ours, pages_same, pages_plain = (int(n) for n in r[11].split(" / "))
        assert pages_plain < pages_same and pages_ours / 2 < pages_same < pages_ours * 2
    assert "data ×2" in rows[1][9]
    # every measurement has its peak memory, each a real process's (tens of MiB at least)
    peaks = [line.split("|")[1:-1] for line in memory[2:]]
    assert [(r[0].strip(), r[1].strip()) for r in peaks] == [("20", "200"), ("40", "400")]
    assert all(len(r) == 10 and all(int(cell) >= 10 for cell in r[2:]) for r in peaks)
    assert "Our build writes in" in result.stdout
    startup = re.search(r"in ([\d.]+) s, plain Pelican builds an empty site .* in ([\d.]+) s: "
                        r"([+-][\d.]+) s", result.stdout)  # fmt: skip
    assert startup, result.stdout
    sample, empty, difference = (float(n) for n in startup.groups())
    assert sample > 0 and empty > 0 and difference == pytest.approx(sample - empty, abs=0.011)
    assert len(imports) == 2 + 15 and len(outside) == 2 + 15
    assert "`pelican.plugins.appel_a_communs` |" in imports[2]
    assert all(line.endswith("| no |") for line in outside[2:])
    # The published table has this script's columns, and the README points to it.
    benchmarks = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert times[0] in benchmarks.splitlines()
    assert memory[0] in benchmarks.splitlines()
    assert imports[0] in benchmarks.splitlines()
    assert "python benchmarks/bench.py" in benchmarks
    assert "[BENCHMARKS.md](BENCHMARKS.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    # every site was really built
    call = tmp_path / "call-40-400"
    assert (call / "out-ours" / "communs" / "commun-39" / "index.html").is_file()
    assert (call / "out-plain" / "index.html").is_file()
    # plain Pelican's same pages: one page per challenge, common and actor, with the pledges
    same = call / "out-same"
    expected = [f"commun-{i}" for i in range(40)] + [f"acteur-{i}" for i in range(15)]
    expected += [f"defi-{i}" for i in range(4)]
    assert all((same / f"{slug}.html").is_file() for slug in expected)
    assert all((same / "pages" / f"{slug}.html").is_file() for slug in ("communs", "acteurs"))
    common = (same / "commun-39.html").read_text(encoding="utf-8")
    assert "<table>" in common and '<a href="./acteur-' in common
    actor = (same / "acteur-3.html").read_text(encoding="utf-8")
    assert actor.count("<tr>") > 10 and '<a href="./commun-' in actor
    assert (tmp_path / "startup" / "out-sample" / "communs" / "index.html").is_file()
    assert (tmp_path / "startup" / "out-empty" / "pages" / "a-propos.html").is_file()
    assert len(list((call / "submissions-site" / "content" / "pledges").iterdir())) > 400
