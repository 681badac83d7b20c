"""The benchmark: synthetic calls of growing size, our build against plain Pelican.

Every measurement runs in a child process, so that times include start-up as a user
sees it and each child's peak memory is its own (``os.wait4``). The core never
imports Pelican: builds run ``python -m pelican`` like a maintainer does.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from appel_a_communs.parallel import usable_cpus

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = ((100, 1_000), (500, 10_000), (2_000, 50_000))
BUILD_DAY = "2026-11-26"


# --- synthetic calls ---------------------------------------------------------------------


def _dump(path: Path, data: dict, body: str | None = None) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{text}---\n{body}\n" if body is not None else text, encoding="utf-8")


PARAGRAPH = (
    "Ce commun rassemble des collectivités, des opérateurs et des associations autour "
    "d’une ressource ouverte. Sa gouvernance est partagée et ses règles sont publiques ; "
    "les habitants participent aux tests et aux choix des priorités."
)


def generate_call(root: Path, commons: int, pledges: int, seed: int = 7) -> Path:
    """A valid call: challenges, commons with budgets, actors, pledges (a tenth conditional),
    and a campaign with quadratic matching. Returns the content folder."""
    rng = random.Random(seed)
    content = root / "content"
    for folder in ("challenges", "commons", "actors", "pledges", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    challenges = max(4, commons // 20)
    actors = max(15, commons // 4)
    _dump(content / "campaign.yml", {
        "name": f"Appel synthétique {commons}", "currency": "EUR", "opens": date(2026, 1, 1),
        "closes": date(2027, 12, 31), "allow_overfunding": True,
        "matching": {"funder": "acteur-0", "pool": str(commons * 5000), "method": "quadratic",
                     "cap": "0.05", "min_funders": 2},
    })  # fmt: skip
    for i in range(challenges):
        _dump(content / "challenges" / f"defi-{i}.md", {
            "title": f"Défi {i} : mobilité du quotidien", "summary": "Un problème partagé.",
            "facilitator": {"name": f"Personne {i}"}, "themes": ["mobilité", f"thème {i % 7}"],
        }, f"## Le problème\n\n{PARAGRAPH}\n")  # fmt: skip
    kinds = ["company", "startup", "public-body", "association", "research", "citizen-group"]
    for i in range(actors):
        _dump(content / "actors" / f"acteur-{i}.yml", {
            "name": f"Acteur {i}", "kind": kinds[i % len(kinds)], "territory": "Valbrune",
            "description": "Une organisation engagée dans les communs.",
        })  # fmt: skip
    for i in range(commons):
        minimum = rng.randint(10, 120) * 1000
        _dump(content / "commons" / f"commun-{i}.md", {
            "title": f"Commun {i}", "summary": "Une ressource ouverte et partagée.",
            "challenges": [f"defi-{i % challenges}"], "stage": "accepted",
            "maturity": rng.choice(["idea", "prototype", "beta", "stable"]),
            "resource_types": ["software", "data"], "license": "AGPL-3.0-or-later",
            "proposed_by": [f"acteur-{i % actors}"],
            "needs": [{"kind": "testing", "description": "Des testeurs"}],
            "budget": {"lines": [{"label": "Développement", "amount": str(minimum)},
                                 {"label": "Documentation", "amount": "5000", "stretch": True}]},
            "tags": ["mobilité"],
        }, f"## La ressource\n\n{PARAGRAPH}\n\n## Sa communauté\n\n{PARAGRAPH}\n")  # fmt: skip
    start = date(2026, 1, 2)
    for i in range(pledges):
        data: dict = {"actor": f"acteur-{1 + i % (actors - 1)}",
                      "common": f"commun-{rng.randrange(commons)}",
                      "date": start + timedelta(days=rng.randrange(300))}  # fmt: skip
        roll = rng.random()
        if roll < 0.6:
            money: dict = {"amount": str(rng.randint(1, 300) * 10)}
            if rng.random() < 1 / 6:
                money["condition"] = rng.choice(
                    [{"total_at_least": "minimum"}, {"funders_at_least": rng.randint(2, 12)}]
                )
            data["money"] = money
        elif roll < 0.8:
            data["skills"] = {"days": str(rng.randint(1, 20)), "description": "Développement"}
        elif roll < 0.9:
            data["means"] = {"description": "Hébergement", "value": "500"}
        else:
            data["role"] = "user"
        _dump(content / "pledges" / f"engagement-{i}.yml", data)
    _dump(content / "pages" / "a-propos.md", {"title": "À propos", "order": 1}, PARAGRAPH)
    return content


def generate_plain(root: Path, content: Path) -> Path:
    """The same commons and challenges as ordinary Pelican Markdown articles."""
    articles = root / "plain"
    articles.mkdir(parents=True, exist_ok=True)
    for folder in ("challenges", "commons"):
        for path in (content / folder).glob("*.md"):
            _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
            meta = yaml.safe_load(front)
            header = (f"Title: {meta['title']}\nDate: 2026-10-01\nCategory: {folder}\n"
                      f"Tags: {', '.join(meta.get('tags') or meta.get('themes') or [])}\n"
                      f"Summary: {meta['summary']}\n\n")  # fmt: skip
            (articles / f"{folder}-{path.name}").write_text(header + body, encoding="utf-8")
    return articles


def generate_envelopes(root: Path, count: int, commons: int, seed: int = 11) -> None:
    """Submissions as they come: registrations, and pledges from many actors."""
    rng = random.Random(seed)
    actors = max(15, commons // 4)
    inbox = root / "submissions" / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        if i % 4 == 0:
            kind, data = "register-actor", {"name": f"Nouvel acteur {i}", "kind": "association"}
        else:
            common = f"commun-{rng.randrange(commons)}"
            money = {"amount": str(rng.randint(1, 50) * 10)}
            actor = f"acteur-{rng.randrange(1, actors)}"
            kind, data = "pledge", {"actor": actor, "common": common, "money": money}
        envelope = {"id": f"form-{i}", "type": kind, "submitted_at": "2026-11-20T10:00:00Z",
                    "source": "form", "data": data}  # fmt: skip
        (inbox / f"form-{i}.json").write_text(json.dumps(envelope), encoding="utf-8")


# --- measurements --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def measure(command: list[str], cwd: Path | None = None) -> Run:
    """Wall time and peak memory (its own, through wait4) of one child process."""
    os.sync()  # the writes of the previous measurement are not flushed during this one
    begin = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - begin
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({code}):\n{stderr[-2000:]}")
    if stdout.startswith("{"):  # a worker timed its own task, start-up left out
        seconds = json.loads(stdout)["seconds"]
    return Run(seconds, usage.ru_maxrss / 1024)


def _settings(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def our_settings(folder: Path, cache: bool = False, processes: int | None = None) -> Path:
    name = "ours-cached.py" if cache else f"ours-{processes}.py" if processes else "ours.py"
    return _settings(
        folder / name,
        f"""
import sys
from datetime import date
sys.path.insert(0, {str(REPO)!r})
from pelicanconf import *  # noqa
CATALOGUE_TODAY = date.fromisoformat({BUILD_DAY!r})
CACHE_CONTENT = {cache!r}
LOAD_CONTENT_CACHE = {cache!r}
CACHE_PATH = {str(folder / "cache")!r}
CATALOGUE_PROCESSES = {processes!r}
""",
    )


def plain_settings(folder: Path) -> Path:
    return _settings(
        folder / "plain.py",
        f"""
SITENAME = "Pelican"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
RELATIVE_URLS = True
CACHE_PATH = {str(folder / "plain-cache")!r}
""",
    )


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs))


@dataclass(frozen=True)
class Result:
    commons: int
    pledges: int
    ours: Run
    ours_serial: Run
    plain: Run
    engine: Run
    load: Run
    process: Run
    cached: Run


def bench_size(work: Path, commons: int, pledges: int, repeat: int, envelopes: int) -> Result:
    folder = work / f"call-{commons}-{pledges}"
    content = generate_call(folder, commons, pledges)
    plain = generate_plain(folder, content)
    python = sys.executable
    ours_cmd = [python, "-m", "pelican", str(content), "-o", str(folder / "out-ours"),
                "-s", str(our_settings(folder)), "-q"]  # fmt: skip
    plain_cmd = [python, "-m", "pelican", str(plain), "-o", str(folder / "out-plain"),
                 "-s", str(plain_settings(folder)), "-q"]  # fmt: skip
    serial_cmd = [*ours_cmd[:-3], "-s", str(our_settings(folder, processes=1)), "-q"]
    cache_cmd = [*ours_cmd[:-3], "-s", str(our_settings(folder, cache=True)), "-q"]
    measure(cache_cmd)  # fills the cache
    ours, serial, baseline, cached = [], [], [], []
    for i in range(repeat):  # alternate, so that drift hits all alike
        ours.append(measure(ours_cmd))
        serial.append(measure(serial_cmd))
        baseline.append(measure(plain_cmd))
        # a different pledge each time, as successive merges would change them
        changed = content / "pledges" / f"engagement-{i}.yml"
        changed.write_text(changed.read_text().replace("date:", "note: Modifié.\ndate:"))
        cached.append(measure(cache_cmd))
    worker = [python, str(Path(__file__).resolve()), "--worker"]
    engine = [measure([*worker, "engine", str(content)]) for _ in range(repeat)]
    load = [measure([*worker, "load", str(content)]) for _ in range(repeat)]
    process = []
    for _ in range(repeat):  # each run on a fresh copy: processing moves the envelopes
        site = folder / "submissions-site"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(content, site / "content")
        generate_envelopes(site, envelopes, commons)
        process.append(measure([python, str(REPO / "scripts" / "submissions.py"), "--root",
                                str(site), "process", "--today", BUILD_DAY]))  # fmt: skip
    return Result(commons, pledges, median(ours), median(serial), median(baseline), median(engine),
                  median(load), median(process), median(cached))  # fmt: skip


def worker(task: str, content: Path) -> None:
    """Inside a child process: one core task, so that its time and memory are its own."""
    from appel_a_communs.content.loader import load_catalogue
    from appel_a_communs.funding.engine import compute_funding

    begin = time.perf_counter()
    catalogue = load_catalogue(content, processes=usable_cpus())  # as the build reads
    if task == "engine":
        gc.freeze()  # as the build does once the call is loaded (plugins/catalogue)
        begin = time.perf_counter()
        compute_funding(catalogue, date.fromisoformat(BUILD_DAY))
    print(json.dumps({"seconds": time.perf_counter() - begin}))


# --- the table ------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    head = ("| commons | pledges | our build (s) | plain Pelican (s) | ours / plain "
            "| ours in 1 process (s) | 1 process / plain | growth ours "
            "| growth plain | engine (s) | load + validate (s) | process (s) "
            "| rebuild, one pledge changed (s) | peak MiB ours / plain |")  # fmt: skip
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    previous = None
    for r in results:
        growth_ours = growth_plain = "—"
        if previous:
            data = r.pledges / previous.pledges
            growth_ours = f"×{r.ours.seconds / previous.ours.seconds:.1f} (data ×{data:g})"
            growth_plain = f"×{r.plain.seconds / previous.plain.seconds:.1f}"
        lines.append(
            f"| {r.commons} | {r.pledges} | {r.ours.seconds:.2f} | {r.plain.seconds:.2f} "
            f"| {r.ours.seconds / r.plain.seconds:.2f} | {r.ours_serial.seconds:.2f} "
            f"| {r.ours_serial.seconds / r.plain.seconds:.2f} | {growth_ours} | {growth_plain} "
            f"| {r.engine.seconds:.2f} | {r.load.seconds:.2f} | {r.process.seconds:.2f} "
            f"| {r.cached.seconds:.2f} | {r.ours.peak_mib:.0f} / {r.plain.peak_mib:.0f} |"
        )
        previous = r
    return "\n".join(lines)


def memory_table(results: list[Result]) -> str:
    """Peak memory of every measurement: the largest resident set of any one of its
    processes (a writing process shares most of its pages with the build's own)."""
    head = ("| commons | pledges | our build | ours in 1 process | plain Pelican "
            "| load + validate | engine (loading included) | process "
            "| rebuild, one pledge changed |")  # fmt: skip
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        runs = (r.ours, r.ours_serial, r.plain, r.load, r.engine, r.process, r.cached)
        lines.append(f"| {r.commons} | {r.pledges} | "
                     + " | ".join(f"{run.peak_mib:.0f}" for run in runs) + " |")  # fmt: skip
    return "\n".join(lines)


def _size(text: str) -> tuple[int, int]:
    commons, _, pledges = text.partition(":")
    return int(commons), int(pledges)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=_size,
        default=[f"{c}:{p}" for c, p in DEFAULT_SIZES],
        help="COMMONS:PLEDGES pairs (default: 100:1000 500:10000 2000:50000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--envelopes", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the generated calls in this folder")
    parser.add_argument("--worker", nargs=2, metavar=("TASK", "CONTENT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return 0
    sizes = [s if isinstance(s, tuple) else _size(s) for s in args.sizes]
    work = args.keep or Path(tempfile.mkdtemp(prefix="appel-bench-"))
    try:
        results = []
        for commons, pledges in sizes:
            print(f"… {commons} commons, {pledges} pledges", file=sys.stderr, flush=True)
            results.append(bench_size(work, commons, pledges, max(1, args.repeat), args.envelopes))
        print(f"Our build writes in {usable_cpus()} processes (one per CPU it may use); "
              "'1 process' sets CATALOGUE_PROCESSES = 1. 'process' is "
              f"scripts/submissions.py process on {args.envelopes} envelopes.\n")  # fmt: skip
        print(table(results))
        print("\nPeak memory (MiB):\n")
        print(memory_table(results))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
