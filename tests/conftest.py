"""Fixtures that build real sites with Pelican, from the sample call or a small one."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from lxml import etree
from markdown_it import MarkdownIt
from pelican import Pelican
from pelican.settings import read_settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))  # the benchmark's call generator
SAMPLE = REPO / "tests" / "calls" / "mobilites"
"""The tests' full call (see tests/calls/README.md); never the repository's content/."""
BUILD_DAY = date(2026, 11, 26)
FOLLOWUP = REPO / "tests" / "calls" / "followup"
"""A call of two rounds with reports, payments and a late deliverable (issue 16)."""


FORMS_ENDPOINT = "https://formulaires.example.org/appel"
"""The private form channel of the tests' builds: in the github forms mode, the pledge
form of a call whose sealed round is open posts there (issue 24); without it, such a
build stops. A test that wants no endpoint sets CATALOGUE_FORMS_ENDPOINT to ""."""


def build_site(content: Path, output: Path, **overrides) -> Path:
    """Build ``content`` into ``output`` in-process with the repo's pelicanconf.py."""
    settings = read_settings(
        str(REPO / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / f"{output.name}-cache"),
            "CATALOGUE_TODAY": BUILD_DAY,
            "CATALOGUE_FORMS_ENDPOINT": FORMS_ENDPOINT,
            **overrides,
        },
    )
    Pelican(settings).run()
    return output


SOURCES = {"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}
"""The code under test, for the commands a test runs in a process of its own: a worktree's
(PYTHONPATH) rather than the installed package's, when the tests run with one."""


IN_ENGLISH = ("-e", 'DEFAULT_LANG="en"')
"""``run_pelican``'s arguments for a build in English: its messages (content errors) too."""


def run_pelican(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """The real ``pelican`` command, as a maintainer runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pelican", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(cwd), **SOURCES},
    )


@pytest.fixture(autouse=True)
def _quiet_pelican():
    logging.getLogger("pelican").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample call, built once per test session."""
    return build_site(SAMPLE, tmp_path_factory.mktemp("sample") / "output")


def submissions_site(
    tmp_path: Path, call: Path | Mapping[str, str], language: str | None = None
) -> Path:
    """A site folder holding a test call and an empty inbox: a copy of a call's folder
    (tests/calls/ is never written), or a call's files (``MINIMAL``) written there, for a
    module's fixture, which cannot use ``make_content``. With a ``language``, a
    pelicanconf.py naming it (``site_language``): its reports and summary speak it."""
    root = tmp_path / "site"
    if isinstance(call, Path):
        shutil.copytree(call, root / "content")
    else:
        for name, text in call.items():
            write(root / "content" / name, text)
    (root / "submissions" / "inbox").mkdir(parents=True)
    return site_language(root, language) if language else root


def site_language(root: Path, language: str) -> Path:
    """Give the site in ``root`` a pelicanconf.py naming its language (DEFAULT_LANG): the
    language of its submissions' reports and summaries (without one, the default, French),
    and the repository that the default forms mode (github) needs."""
    write(
        root / "pelicanconf.py",
        f"DEFAULT_LANG = {language!r}\nCATALOGUE_GITHUB_REPO = 'org/appel'\n",
    )
    return root


@pytest.fixture
def site(tmp_path) -> Path:
    """A site folder holding a small valid call (test modules may define their own)."""
    root = tmp_path / "site"
    for name, text in MINIMAL.items():
        write(root / "content" / name, text)
    return root


def github_issue_body(kind: str, params: dict[str, list[str]]) -> str:
    """The body GitHub writes when the issue form of ``kind``, prefilled from ``params``
    (the query of a site form's GET), is submitted."""
    import yaml

    template = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE" / f"{kind}.yml").read_text())
    sections = []
    for element in template["body"]:
        if element["type"] == "markdown":
            continue
        value = ", ".join(v for v in params.get(element["id"], []) if v)
        sections.append(f"### {element['attributes']['label']}\n\n{value or '_No response_'}")
    return "\n\n".join(sections)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def tree(root: Path) -> dict[str, str]:
    """Every file under root with a hash of its bytes, lock file aside: two trees compare
    equal when a run changed nothing (a rerun is idempotent, a refusal writes nothing)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


# --- hostile input and the strict readers of what comes out (issue 24) --------------------

BLNS = REPO / "tests" / "corpora" / "blns" / "blns.json"
"""The Big List of Naughty Strings, vendored with its licence and source (README there)."""


@functools.cache
def naughty_strings() -> tuple[str, ...]:
    """The Big List of Naughty Strings, read once per session. Vendored, never optional:
    a test that skipped without it would pass having checked nothing."""
    return tuple(json.loads(BLNS.read_text(encoding="utf-8")))


def strict_xml(data: str | bytes) -> etree._Element:
    """The document read by lxml with no recovery (any well-formedness error raises), no
    entity expansion and no network; ``huge_tree`` only lifts lxml's size limits, which a
    hostile build's feeds may pass without being ill-formed."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def ods_parts(data: bytes) -> dict[str, etree._Element]:
    """Every XML part of an OpenDocument file, each read by ``strict_xml``: a spreadsheet
    program refuses the whole workbook for one ill-formed part."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [name for name in archive.namelist() if name.endswith(".xml")]
        return {name: strict_xml(archive.read(name)) for name in names}


@functools.cache
def gfm() -> MarkdownIt:
    """Markdown as GitHub renders it in an issue comment or a pull request body: CommonMark
    with raw HTML, tables, strikethrough and bare addresses made links (linkify). No
    fallback: linkify-it-py is in the test extra, and without it bare links would go
    unchecked, so its absence fails the test."""
    import linkify_it  # noqa: F401  (markdown-it would only fail at the first bare link)

    return MarkdownIt("gfm-like")


MINIMAL = {
    "challenges/mobilite.md": """
        ---
        title: Mobilité rurale
        summary: Se déplacer sans voiture à la campagne.
        facilitator:
          name: Claire Martin
        ---
        Le problème.
        """,
    "commons/covoit.md": """
        ---
        title: Covoiturage ouvert
        summary: Un registre ouvert des trajets.
        challenges: [mobilite]
        stage: accepted
        license: AGPL-3.0-or-later
        proposed_by: [asso]
        budget:
          lines:
            - label: Développement
              amount: "10000"
            - label: Documentation
              amount: 5000
              stretch: true
        ---
        Le commun.
        """,
    "actors/asso.yml": """
        name: Association Roule
        kind: association
        """,
    "actors/ville.yml": """
        name: Ville de Valbrune
        kind: public-body
        allowance: "20000"
        """,
    "pledges/p1.yml": """
        actor: ville
        common: covoit
        date: 2026-10-01
        money:
          amount: "2500.50"
        """,
    "pledges/p2.yml": """
        actor: asso
        common: covoit
        date: 2026-10-02
        skills:
          days: "2.5"
          description: Tests
        """,
    "pages/a-propos.md": """
        ---
        title: À propos
        order: 1
        ---
        Un appel à communs.
        """,
}


@pytest.fixture
def make_content(tmp_path) -> Callable[..., Path]:
    """A small valid call; keyword ``files`` replaces or adds files (None removes one)."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        root = tmp_path / "content"
        if root.exists():
            shutil.rmtree(root)
        merged: dict[str, str | bytes | None] = {**MINIMAL, **(files or {})}
        for name, text in merged.items():
            if text is None:
                continue
            if isinstance(text, bytes):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(text)
            else:
                write(root / name, text)
        return root

    return make


@pytest.fixture(scope="session")
def followup_site(tmp_path_factory) -> Path:
    """The follow-up call, built as in development (SITEURL empty, relative URLs)."""
    return build_site(FOLLOWUP, tmp_path_factory.mktemp("followup") / "output")


# --- the checkers of pages: axe-core and the Nu Html Checker (npm, APPEL_NODE_PATH) ------


def tool_missing(message: str) -> None:
    """Skip a test whose tool is absent, or fail it when CI requires every tool."""
    if os.environ.get("APPEL_REQUIRE_TOOLS") == "1":
        pytest.fail(f"APPEL_REQUIRE_TOOLS=1 but {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = Path(os.environ.get("APPEL_NODE_PATH", "")) / "axe-core" / "axe.min.js"
    if not path.is_file():
        tool_missing("axe-core is not available (npm install axe-core, then set APPEL_NODE_PATH)")
    return path.read_text(encoding="utf-8")


WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe(browser: Browser, axe_source: str, address: str) -> dict:
    """axe-core's WCAG 2.1 A/AA results for the page at ``address``."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(address)
        page.add_script_tag(content=axe_source)
        return page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
        )
    finally:
        context.close()


def nu_checker() -> list[str]:
    """The command that runs the Nu Html Checker (vnu-jar from npm, with java)."""
    jar = Path(os.environ.get("APPEL_NODE_PATH", "")) / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not jar.is_file() or not java:
        tool_missing("the Nu Html Checker is not available (vnu-jar from npm, and java)")
    return [str(java), "-jar", str(jar)]


def nu_errors(*paths: Path | str, skip_non_html: bool = False) -> list[str]:
    """The Nu Html Checker's errors on the pages or folders ``paths``, one a line
    (``"file":line.col: error: …``); empty when every page is valid. Skipped (or failed,
    see ``tool_missing``) where the checker is missing."""
    command = [*nu_checker(), *(["--skip-non-html"] if skip_non_html else [])]
    result = subprocess.run(
        [*command, "--errors-only", "--format", "gnu", *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode and not errors:  # a checker that failed without saying why
        errors.append(f"the Nu Html Checker stopped with code {result.returncode}")
    return errors


# --- the browser (Debian Chromium through Playwright) -----------------------------------

try:
    from playwright.sync_api import sync_playwright
except ImportError as exc:  # pragma: no cover - depends on the environment
    PLAYWRIGHT_ERROR: str | None = f"the playwright package cannot be imported ({exc})"
else:
    PLAYWRIGHT_ERROR = None

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(sample_site: Path) -> Iterator[str]:
    """The built sample site, served over HTTP on a free loopback port."""
    with serve(sample_site) as url:
        yield url


@pytest.fixture(scope="session")
def english_site(tmp_path_factory) -> Path:
    """The sample call built with the English interface (DEFAULT_LANG = "en")."""
    return build_site(SAMPLE, tmp_path_factory.mktemp("english") / "output", DEFAULT_LANG="en")


@pytest.fixture(scope="module")
def english_url(english_site: Path) -> Iterator[str]:
    with serve(english_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium; skipped (or failed if required) when unavailable."""
    problem = PLAYWRIGHT_ERROR
    if problem is None and not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    if problem is not None:
        if os.environ.get("APPEL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"APPEL_REQUIRE_BROWSER=1 but {problem}", pytrace=False)
        pytest.skip(f"browser tests skipped: {problem}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def no_js_page(browser: Browser, width: int = 1280, height: int = 900) -> Iterator[Page]:
    """A fresh page, in its own context with JavaScript disabled."""
    viewport = {"width": width, "height": height}
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A built site over HTTP on a free loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
