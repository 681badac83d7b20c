"""The benchmark: synthetic calls of growing size, our build against plain Pelican.

Plain Pelican builds the same pages from Markdown a script wrote from each call (the
baseline a user would pick), and, for information, the commons and challenges alone (the
baseline of issue 7). The sample call is also built against plain Pelican's empty site,
and the plugin's imports are timed (``python -X importtime``).

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


def generate_call(
    root: Path, commons: int, pledges: int, seed: int = 7, pools: int = 1, jury: bool = False
) -> Path:
    """A valid call: challenges, commons with budgets, actors, pledges (a tenth conditional),
    and a campaign with quadratic matching (``pools`` 2: and a second funder's pool,
    proportional, for the commons proposed by an association, at most 70 % of a common's
    stretch goal; ``jury``: a jury of three on three weighted criteria, which scores every
    common). Returns the content folder."""
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
    if pools == 2:  # the same first pool, as a list, and a second funder's
        campaign = yaml.safe_load((content / "campaign.yml").read_text(encoding="utf-8"))
        campaign["matching"] = [
            campaign["matching"],
            {
                "funder": "acteur-1",
                "pool": str(commons * 1000),
                "method": "proportional",
                "ratio": "1",
                "proposer_kinds": ["association"],
                "max_share": "0.7",
            },
        ]
        _dump(content / "campaign.yml", campaign)  # fmt: skip
    if jury:
        _add_jury(content, commons, rng)
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


def _add_jury(content: Path, commons: int, rng: random.Random) -> None:
    """A jury of three on the campaign, and its scores of every common."""
    campaign = yaml.safe_load((content / "campaign.yml").read_text(encoding="utf-8"))
    criteria = [("utilite", 3), ("ouverture", 4), ("faisabilite", 3)]
    reviewers = ["jure-a", "jure-b", "jure-c"]
    campaign["evaluation"] = {
        "scale": 5,
        "criteria": [{"id": c, "label": c.capitalize(), "weight": w} for c, w in criteria],
        "reviewers": [{"id": r, "name": r.replace("-", " ").title()} for r in reviewers],
        "min_reviewers": 2,
    }
    _dump(content / "campaign.yml", campaign)
    folder = content / "evaluations" / "campaign"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(commons):
        scores = [
            {"reviewer": r, **{c: rng.randint(0, 5) for c, _ in criteria}}
            for r in reviewers[: 2 + i % 2]
        ]
        _dump(folder / f"commun-{i}.yml", {"date": date(2026, 6, 1), "scores": scores})


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


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip
ROLES = {"money": "Financeur", "skills": "Contributeur", "means": "Fournisseur", "role": "Usager"}


def _euros(text: str) -> str:
    return f"{float(text):,.2f} €".replace(",", "\u202f").replace(".", ",")


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _pledge_cells(pledge: dict) -> tuple[str, str]:
    """The role and what is pledged, as our pages show them."""
    if money := pledge.get("money"):
        condition = money.get("condition") or {}
        if "total_at_least" in condition:
            note = "si le minimum est réuni"
        elif "funders_at_least" in condition:
            note = f"si {condition['funders_at_least']} financeurs au moins"
        else:
            note = "promis"
        return ROLES["money"], f"**{_euros(money['amount'])}** ({note})"
    if skills := pledge.get("skills"):
        return ROLES["skills"], f"{skills['days']} jours de compétences : {skills['description']}"
    if means := pledge.get("means"):
        return ROLES["means"], f"{means['description']} (valeur {_euros(means['value'])})"
    return ROLES["role"], "Utilise le commun"


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _front(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yml":
        return yaml.load(text, Loader=_LOADER), ""
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=_LOADER), body


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def generate_same_pages(root: Path, content: Path) -> Path:
    """The script a user would write once to get our pages from plain Pelican: every
    challenge, common and actor of the call as a Markdown article, the common's and the
    actor's carrying their pledges as a Markdown table (actor or common, role, pledge,
    date, linked with Pelican's ``{filename}``), and pages listing the commons, the actors
    and the challenges. Not timed: only Pelican building it is."""
    site = root / "same-pages"
    for folder in ("challenges", "commons", "actors", "pages"):
        (site / folder).mkdir(parents=True, exist_ok=True)

    def files(folder: str) -> list[Path]:  # commun-2 before commun-10
        return sorted((content / folder).iterdir(), key=lambda p: (len(p.stem), p.stem))

    read = {folder: {p.stem: _front(p) for p in files(folder)}
            for folder in ("challenges", "commons", "actors", "pledges")}  # fmt: skip
    challenges, commons, actors = read["challenges"], read["commons"], read["actors"]
    by_common: dict[str, list[dict]] = {slug: [] for slug in commons}
    by_actor: dict[str, list[dict]] = {slug: [] for slug in actors}
    for pledge, _ in read["pledges"].values():
        by_common[pledge["common"]].append(pledge)
        by_actor[pledge["actor"]].append(pledge)

    def link(folder: str, slug: str) -> str:
        names = {"challenges": "title", "commons": "title", "actors": "name"}
        return f"[{read[folder][slug][0][names[folder]]}]({{filename}}/{folder}/{slug}.md)"

    def article(folder: str, slug: str, title: str, summary: str, tags: list, body: str):
        header = (f"Title: {title}\nSlug: {slug}\nDate: 2026-10-01\nCategory: {folder}\n"
                  f"Tags: {', '.join(tags)}\nSummary: {summary}\n\n")  # fmt: skip
        (site / folder / f"{slug}.md").write_text(header + body, encoding="utf-8")

    def pledge_rows(pledges: list[dict], other: str) -> list[tuple[str, ...]]:
        rows = []
        for p in sorted(pledges, key=lambda p: p["date"]):
            role, what = _pledge_cells(p)
            rows.append((link(other, p[other[:-1]]), role, what, _day(p["date"])))
        return rows

    commons_of: dict[str, list[str]] = {slug: [] for slug in challenges}
    for slug, (meta, _) in commons.items():
        for challenge in meta["challenges"]:
            commons_of[challenge].append(slug)
    for slug, (meta, body) in challenges.items():
        listed = "".join(f"- {link('commons', c)}\n" for c in commons_of[slug])
        text = f"{body}\n## Les communs qui y répondent ({len(commons_of[slug])})\n\n{listed}"
        article("challenges", slug, meta["title"], meta["summary"], meta["themes"], text)
    for slug, (meta, body) in commons.items():
        lines = meta["budget"]["lines"]
        budget = _table(("Poste", "Objectif", "Montant"), [
            (line["label"], "Objectif haut" if line.get("stretch") else "Objectif minimum",
             _euros(line["amount"])) for line in lines])  # fmt: skip
        needs = "".join(f"- {need['description']}\n" for need in meta["needs"])
        pledges = by_common[slug]
        text = (f"Défis : {', '.join(link('challenges', c) for c in meta['challenges'])}. "
                f"Proposé par {', '.join(link('actors', a) for a in meta['proposed_by'])}. "
                f"Maturité : {meta['maturity']}. Licence : {meta['license']}.\n\n{body}\n"
                f"## Budget\n\n{budget}\n## Besoins\n\n{needs}\n"
                f"## Engagements ({len(pledges)})\n\n"
                + _table(("Acteur", "Rôle", "Engagement", "Date"),
                         pledge_rows(pledges, "actors")))  # fmt: skip
        article("commons", slug, meta["title"], meta["summary"], meta["tags"], text)
    for slug, (meta, _) in actors.items():
        pledges = by_actor[slug]
        text = (f"{meta['description']} ({meta['kind']}, {meta['territory']})\n\n"
                f"## Engagements ({len(pledges)})\n\n"
                + _table(("Commun", "Rôle", "Engagement", "Date"),
                         pledge_rows(pledges, "commons")))  # fmt: skip
        article("actors", slug, meta["name"], meta["description"], [meta["kind"]], text)

    def page(slug: str, title: str, body: str) -> None:
        text = f"Title: {title}\nSlug: {slug}\n\n{body}"
        (site / "pages" / f"{slug}.md").write_text(text, encoding="utf-8")

    def promised(pledges: list[dict]) -> str:
        return _euros(str(sum(float(p["money"]["amount"]) for p in pledges if "money" in p)))

    page("communs", "Les communs", _table(
        ("Commun", "Défis", "Maturité", "Promis", "Engagements"),
        [(link("commons", slug), ", ".join(link("challenges", c) for c in meta["challenges"]),
          meta["maturity"], promised(by_common[slug]), str(len(by_common[slug])))
         for slug, (meta, _) in commons.items()]))  # fmt: skip
    page("acteurs", "Les acteurs", _table(
        ("Acteur", "Type", "Territoire", "Engagements"),
        [(link("actors", slug), meta["kind"], meta["territory"], str(len(by_actor[slug])))
         for slug, (meta, _) in actors.items()]))  # fmt: skip
    page("defis", "Les défis", _table(
        ("Défi", "Résumé", "Communs"),
        [(link("challenges", slug), meta["summary"], str(len(commons_of[slug])))
         for slug, (meta, _) in challenges.items()]))  # fmt: skip
    for path in (content / "pages").glob("*.md"):
        meta, body = _front(path)
        page(path.stem, meta["title"], body)
    return site


def generate_empty(root: Path) -> Path:
    """A plain Pelican site with nothing in it but one page."""
    site = root / "empty"
    (site / "pages").mkdir(parents=True, exist_ok=True)
    (site / "pages" / "a-propos.md").write_text(f"Title: À propos\n\n{PARAGRAPH}\n")
    return site


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
PLUGINS = []  # plain: no namespace plugin found on the path (ours among them) is loaded
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
RELATIVE_URLS = True
CACHE_PATH = {str(folder / "plain-cache")!r}
""",
    )


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs))


@dataclass(frozen=True)
class Output:
    pages: int  # HTML files
    mib: float  # every file written


def output_of(folder: Path) -> Output:
    pages, size = 0, 0
    for path in folder.rglob("*"):
        if path.is_file():
            pages += path.suffix == ".html"
            size += path.stat().st_size
    return Output(pages, size / 2**20)


@dataclass(frozen=True)
class Result:
    commons: int
    pledges: int
    ours: Run
    ours_serial: Run
    same: Run  # plain Pelican, the same pages from generated Markdown
    plain: Run  # plain Pelican, the commons and challenges only
    engine: Run
    load: Run
    process: Run
    cached: Run
    written: tuple[Output, Output, Output]  # ours, same pages, commons and challenges


def pelican_command(content: Path, output: Path, settings: Path) -> list[str]:
    return [sys.executable, "-m", "pelican", str(content), "-o", str(output),
            "-s", str(settings), "-q"]  # fmt: skip


def bench_size(
    work: Path,
    commons: int,
    pledges: int,
    repeat: int,
    envelopes: int,
    pools: int = 1,
    jury: bool = False,
) -> Result:
    folder = work / f"call-{commons}-{pledges}"
    python = sys.executable
    # In a child: no child's peak memory (wait4) is below this process's resident set
    # when it was started, so this process must stay small.
    subprocess.run([python, str(Path(__file__).resolve()), "--generate", str(commons),
                    str(pledges), str(folder), "--pools", str(pools),
                    *(["--jury"] if jury else [])], check=True)  # fmt: skip
    content, plain, same = folder / "content", folder / "plain", folder / "same-pages"
    ours_cmd = pelican_command(content, folder / "out-ours", our_settings(folder))
    serial_cmd = pelican_command(content, folder / "out-ours-1",
                                 our_settings(folder, processes=1))  # fmt: skip
    cache_cmd = pelican_command(content, folder / "out-ours-cached",
                                our_settings(folder, cache=True))  # fmt: skip
    same_cmd = pelican_command(same, folder / "out-same", plain_settings(folder))
    plain_cmd = pelican_command(plain, folder / "out-plain", plain_settings(folder))
    measure(cache_cmd)  # fills the cache
    ours, serial, alike, baseline, cached = [], [], [], [], []
    for i in range(repeat):  # alternate, so that drift hits all alike
        ours.append(measure(ours_cmd))
        alike.append(measure(same_cmd))
        serial.append(measure(serial_cmd))
        baseline.append(measure(plain_cmd))
        # a different pledge each time, as successive merges would change them
        changed = content / "pledges" / f"engagement-{i}.yml"
        changed.write_text(changed.read_text().replace("date:", "note: Modifié.\ndate:"))
        cached.append(measure(cache_cmd))
    written = tuple(output_of(folder / f"out-{name}") for name in ("ours", "same", "plain"))
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
    return Result(commons, pledges, median(ours), median(serial), median(alike),
                  median(baseline), median(engine), median(load), median(process),
                  median(cached), written)  # fmt: skip


@dataclass(frozen=True)
class Startup:
    sample: Run  # the sample call (content/ with pelicanconf.py), our build
    empty: Run  # plain Pelican, a site with one page


def bench_startup(work: Path, repeat: int) -> Startup:
    """The sample call's build against plain Pelican's build of an empty site: what a
    small call pays for the plugin (imports, settings, its pages), alternated, medians."""
    folder = work / "startup"
    folder.mkdir(parents=True, exist_ok=True)
    sample_cmd = pelican_command(REPO / "content", folder / "out-sample", our_settings(folder))
    empty_cmd = pelican_command(generate_empty(folder), folder / "out-empty",
                                plain_settings(folder))  # fmt: skip
    measure(sample_cmd)  # compiled bytecode and the disk cache warm for both
    measure(empty_cmd)
    sample, empty = [], []
    for _ in range(repeat):
        sample.append(measure(sample_cmd))
        empty.append(measure(empty_cmd))
    return Startup(median(sample), median(empty))


PLUGIN = "pelican.plugins.appel_a_communs"


@dataclass(frozen=True)
class Import:
    module: str
    cumulative_ms: float
    self_ms: float
    in_plain: bool  # plain Pelican (``import pelican``, as ``python -m pelican``) loads it too


def _importtime(module: str) -> dict[str, tuple[float, float]]:
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, check=True).stderr  # fmt: skip
    times = {}
    for line in err.splitlines():
        if line.startswith("import time:") and "[us]" not in line:
            own, cumulative, name = line.removeprefix("import time:").split("|")
            times[name.strip()] = (int(cumulative) / 1000, int(own) / 1000)
    return times


def import_times(repeat: int = 3) -> list[Import]:
    """``python -X importtime -c "import <the plugin>"``, every module by decreasing
    cumulative time (medians over ``repeat`` runs), each marked if plain Pelican loads it."""
    plain = set(_importtime("pelican"))
    runs: dict[str, list[tuple[float, float]]] = {}
    for _ in range(repeat):
        for name, times in _importtime(PLUGIN).items():
            runs.setdefault(name, []).append(times)
    rows = [Import(name, statistics.median(c for c, _ in times),
                   statistics.median(o for _, o in times), name in plain)
            for name, times in runs.items()]  # fmt: skip
    return sorted(rows, key=lambda row: -row.cumulative_ms)


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
    head = ("| commons | pledges | our build (s) | plain Pelican, same pages (s) "
            "| ours / same pages | ours in 1 process (s) | 1 process / same pages "
            "| plain Pelican, commons and challenges (s) | ours / commons and challenges "
            "| growth ours | growth same pages | HTML pages ours / same / c. and c. "
            "| MiB written ours / same / c. and c. | engine (s) | load + validate (s) "
            "| process (s) | rebuild, one pledge changed (s) "
            "| peak MiB ours / same pages |")  # fmt: skip
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    previous = None
    for r in results:
        growth_ours = growth_same = "—"
        if previous:
            data = r.pledges / previous.pledges
            growth_ours = f"×{r.ours.seconds / previous.ours.seconds:.1f} (data ×{data:g})"
            growth_same = f"×{r.same.seconds / previous.same.seconds:.1f}"
        pages = " / ".join(str(w.pages) for w in r.written)
        mib = " / ".join(f"{w.mib:.1f}" for w in r.written)
        lines.append(
            f"| {r.commons} | {r.pledges} | {r.ours.seconds:.2f} | {r.same.seconds:.2f} "
            f"| {r.ours.seconds / r.same.seconds:.2f} | {r.ours_serial.seconds:.2f} "
            f"| {r.ours_serial.seconds / r.same.seconds:.2f} | {r.plain.seconds:.2f} "
            f"| {r.ours.seconds / r.plain.seconds:.2f} | {growth_ours} | {growth_same} "
            f"| {pages} | {mib} "
            f"| {r.engine.seconds:.2f} | {r.load.seconds:.2f} | {r.process.seconds:.2f} "
            f"| {r.cached.seconds:.2f} | {r.ours.peak_mib:.0f} / {r.same.peak_mib:.0f} |"
        )
        previous = r
    return "\n".join(lines)


def memory_table(results: list[Result]) -> str:
    """Peak memory of every measurement: the largest resident set of any one of its
    processes (a writing process shares most of its pages with the build's own)."""
    head = ("| commons | pledges | our build | ours in 1 process | plain Pelican, same pages "
            "| plain Pelican, commons and challenges | load + validate "
            "| engine (loading included) | process | rebuild, one pledge changed |")  # fmt: skip
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        runs = (r.ours, r.ours_serial, r.same, r.plain, r.load, r.engine, r.process, r.cached)
        lines.append(f"| {r.commons} | {r.pledges} | "
                     + " | ".join(f"{run.peak_mib:.0f}" for run in runs) + " |")  # fmt: skip
    return "\n".join(lines)


def startup_report(startup: Startup, repeat: int) -> str:
    sample, empty = startup.sample.seconds, startup.empty.seconds
    return (f"Start-up: the sample call (content/, pelicanconf.py) builds in {sample:.2f} s, "
            f"plain Pelican builds an empty site (one page) in {empty:.2f} s: "
            f"{sample - empty:+.2f} s (medians of {repeat}, alternated; "
            f"peak MiB {startup.sample.peak_mib:.0f} / {startup.empty.peak_mib:.0f}).")  # fmt: skip


def imports_table(rows: list[Import]) -> str:
    lines = ["| module | cumulative (ms) | self (ms) | plain Pelican loads it too |",
             "|---|---|---|---|"]  # fmt: skip
    lines += [f"| `{r.module}` | {r.cumulative_ms:.0f} | {r.self_ms:.1f} "
              f"| {'yes' if r.in_plain else 'no'} |" for r in rows]  # fmt: skip
    return "\n".join(lines)


def _size(text: str) -> tuple[int, int]:
    commons, _, pledges = text.partition(":")
    return int(commons), int(pledges)


def code_version() -> str:
    """The commit measured, and whether the working tree differs from it."""
    git = ["git", "-C", str(REPO)]
    run = subprocess.run
    commit = run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
    changed = run([*git, "status", "--porcelain", "--untracked-files=no"],
                  capture_output=True, text=True).stdout.splitlines()  # fmt: skip
    return f"Code: commit {commit.strip() or '?'}, {len(changed)} tracked files changed since."


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
    parser.add_argument(
        "--startup-repeat",
        type=int,
        default=9,
        help="runs of the sample call and of the empty site (median)",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated calls in this folder")
    parser.add_argument(
        "--pools",
        type=int,
        choices=(1, 2),
        default=1,
        help="matching pools of the synthetic calls: 1, or 2 (a second funder's own pool, "
        "proportional, for associations' commons, at most 70 %% of a stretch goal)",
    )
    parser.add_argument(
        "--jury",
        action="store_true",
        help="a jury of three on the synthetic calls' campaign, which scores every common",
    )
    parser.add_argument("--worker", nargs=2, metavar=("TASK", "CONTENT"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:  # the synthetic call, and both plain Pelican sites built from it
        folder = Path(args.generate[2])
        content = generate_call(
            folder,
            int(args.generate[0]),
            int(args.generate[1]),
            pools=args.pools,
            jury=args.jury,
        )
        generate_plain(folder, content)
        generate_same_pages(folder, content)  # the user's script: not timed
        return 0
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return 0
    sizes = [s if isinstance(s, tuple) else _size(s) for s in args.sizes]
    print(code_version(), file=sys.stderr, flush=True)
    work = args.keep or Path(tempfile.mkdtemp(prefix="appel-bench-"))
    try:
        # First, while this process is small: copying a large call for 'process' leaves
        # it larger, and no child's peak memory (wait4) is below this process's own.
        startup_repeat = max(1, args.startup_repeat)
        print("… the sample call against an empty site", file=sys.stderr, flush=True)
        startup = bench_startup(work, startup_repeat)
        results = []
        for commons, pledges in sizes:
            print(f"… {commons} commons, {pledges} pledges", file=sys.stderr, flush=True)
            results.append(
                bench_size(
                    work,
                    commons,
                    pledges,
                    max(1, args.repeat),
                    args.envelopes,
                    args.pools,
                    args.jury,
                )
            )
        imports = import_times()
        print(code_version())
        if args.jury:
            print("A jury of three on three weighted criteria scores every common.\n")
        if args.pools == 2:
            print("Two matching pools: the synthetic calls' quadratic pool and a second "
                  "funder's (proportional, associations' commons, at most 70 % of a "
                  "stretch goal).\n")  # fmt: skip
        print(f"Our build writes in {usable_cpus()} processes (one per CPU it may use); "
              "'1 process' sets CATALOGUE_PROCESSES = 1; plain Pelican writes in one. 'same "
              "pages' is plain Pelican (default theme, no plugin) building every challenge, "
              "common and actor as a Markdown article, with its pledges as a table, and the "
              "lists of commons, actors and challenges as pages. 'process' is "
              f"scripts/submissions.py process on {args.envelopes} envelopes.\n")  # fmt: skip
        print(table(results))
        print("\nPeak memory (MiB):\n")
        print(memory_table(results))
        print()
        print(startup_report(startup, startup_repeat))
        total = next((r.cumulative_ms for r in imports if r.module == PLUGIN), 0)
        print(f"\nImports of `import {PLUGIN}` (python -X importtime, medians of 3): "
              f"{total:.0f} ms in all; the 15 largest cumulative:\n")  # fmt: skip
        print(imports_table(imports[:15]))
        print("\nThe 15 largest that plain Pelican does not load:\n")
        print(imports_table([r for r in imports if not r.in_plain][:15]))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
